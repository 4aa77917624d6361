/* amap-export-dialog.h: what to export, in which format, with what, then
 * where
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-export.h"

G_BEGIN_DECLS

/* Which assets: the export menu's three entries. */
typedef enum
{
  AMAP_EXPORT_SCOPE_ALL,       /* the whole map */
  AMAP_EXPORT_SCOPE_SHOWN,     /* the assets the list shows (its filter) */
  AMAP_EXPORT_SCOPE_SELECTED,  /* the selected assets */
} AmapExportScope;

typedef enum
{
  AMAP_EXPORT_FORMAT_KML,
  AMAP_EXPORT_FORMAT_KMZ,
} AmapExportFormat;

#define AMAP_TYPE_EXPORT_DIALOG (amap_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AmapExportDialog, amap_export_dialog, AMAP, EXPORT_DIALOG, AdwWindow)

/*
 * A modal window over @parent: the assets (the scopes with a count above
 * zero are offered; @scope is chosen), the format, the private data (off:
 * a file for others) and folders by layer. "Export…" asks for the file,
 * in the format's extension, then emits "export" and closes.
 *
 * Signals:
 *   "export" (GFile *file): the file was chosen; read the choices from the
 *   dialog's getters in the handler.
 */
AmapExportDialog *amap_export_dialog_new           (GtkWindow        *parent,
                                                    const char       *base_name,
                                                    guint             n_all,
                                                    guint             n_shown,
                                                    guint             n_selected,
                                                    AmapExportScope   scope);

AmapExportScope   amap_export_dialog_get_scope     (AmapExportDialog *self);
void              amap_export_dialog_set_scope     (AmapExportDialog *self,
                                                    AmapExportScope   scope);
AmapExportFormat  amap_export_dialog_get_format    (AmapExportDialog *self);
void              amap_export_dialog_set_format    (AmapExportDialog *self,
                                                    AmapExportFormat  format);
gboolean          amap_export_dialog_get_include_private (AmapExportDialog *self);
void              amap_export_dialog_set_include_private (AmapExportDialog *self,
                                                          gboolean          include);
gboolean          amap_export_dialog_get_by_layer  (AmapExportDialog *self);
void              amap_export_dialog_set_by_layer  (AmapExportDialog *self,
                                                    gboolean          by_layer);
/* FALSE: no asset came from a layer, and "Folders by layer" is off and
 * insensitive. */
void              amap_export_dialog_set_has_layers (AmapExportDialog *self,
                                                     gboolean          has_layers);
/* The flags for amap_export_file_async() from the choices. */
AmapExportFlags   amap_export_dialog_get_flags     (AmapExportDialog *self);
/* The file name the chooser suggests ("BASE.kml" or "BASE.kmz"). */
char             *amap_export_dialog_dup_suggested_name (AmapExportDialog *self);

/* What the file chooser's answer does: @file with the format's extension
 * (added, or put in place of the other format's), then "export", then the
 * dialog closes. */
void              amap_export_dialog_export_to     (AmapExportDialog *self,
                                                    GFile            *file);

/* @file's name ending in the extension of @format. */
GFile            *amap_export_file_for_format      (GFile            *file,
                                                    AmapExportFormat  format);

G_END_DECLS
