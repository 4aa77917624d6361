/* amap-file-chooser.h: open and save dialogs on every supported GTK
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  AMAP_FILE_KIND_KML,  /* .kml and .kmz */
  AMAP_FILE_KIND_MAP,  /* .assetmap */
  AMAP_FILE_KIND_BACKUP, /* .assetmap and the store's .assetmap.backup-vN */
  AMAP_FILE_KIND_TOUR,   /* a tour: .kml, .gpx, or its itinerary as .pdf */
  AMAP_FILE_KIND_IMPORT, /* what Import reads: .kml, .kmz, and .gpx routes */
  AMAP_FILE_KIND_IMAGE,  /* a map as .png */
  AMAP_FILE_KIND_KML_ONLY, /* an export as .kml */
  AMAP_FILE_KIND_KMZ,      /* an export as .kmz */
  AMAP_FILE_KIND_MBTILES,  /* an offline map: .mbtiles */
} AmapFileKind;

/* @files: a GListModel of GFile, or NULL when the person cancelled. */
typedef void (*AmapFilesChosenFunc) (GObject    *owner,
                                     GListModel *files);

/*
 * GtkFileDialog on GTK 4.10 and later, GtkFileChooserNative before. @owner
 * is kept alive until @callback runs (with @owner as its first argument).
 *
 * The dialogs open in the folder of the last file chosen (the "last-folder"
 * setting), else in Documents, else in the home folder: never in Recent,
 * where a typed path is not taken. Each offers a filter per format of
 * @kind besides the one for all of them.
 */
void amap_file_chooser_open (GtkWindow           *parent,
                             const char          *title,
                             const char          *accept_label,
                             AmapFileKind         kind,
                             gboolean             multiple,
                             GObject             *owner,
                             AmapFilesChosenFunc  callback);
/* As amap_file_chooser_open(), one file, starting in @folder. */
void amap_file_chooser_open_in (GtkWindow           *parent,
                                const char          *title,
                                const char          *accept_label,
                                AmapFileKind         kind,
                                GFile               *folder,
                                GObject             *owner,
                                AmapFilesChosenFunc  callback);
void amap_file_chooser_save (GtkWindow           *parent,
                             const char          *title,
                             const char          *accept_label,
                             AmapFileKind         kind,
                             const char          *initial_name,
                             GObject             *owner,
                             AmapFilesChosenFunc  callback);

G_END_DECLS
