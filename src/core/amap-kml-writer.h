/* amap-kml-writer.h: assets in, KML 2.2 bytes out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-asset.h"
#include "amap-asset-record.h"
#include "amap-category.h"

G_BEGIN_DECLS

/* Where the placemarks' icons come from. */
typedef enum
{
  /* Google Earth's white paddles by URL, tinted with the category color:
   * for a plain .kml that must stand alone. */
  AMAP_KML_ICONS_REMOTE,
  /* "files/<key>.png" beside doc.kml inside a KMZ (see amap-kmz-writer.h). */
  AMAP_KML_ICONS_PACKAGED,
} AmapKmlIcons;

#define AMAP_TYPE_KML_WRITER (amap_kml_writer_get_type ())
G_DECLARE_FINAL_TYPE (AmapKmlWriter, amap_kml_writer, AMAP, KML_WRITER, GObject)

/*
 * One Document named @title, a shared Style per category (and a larger one
 * for hubs), a Folder per category in the order of the categories given,
 * the placemarks sorted by name then uuid inside each folder (by layer:
 * nested Folders after the assets' folders, see _set_by_layer()). Every
 * field of an asset goes into its ExtendedData (names in amap-kml-writer.c),
 * so that reading the file back loses nothing, unless private data is left
 * out (_set_include_private()); the <description> carries a readable HTML
 * card. The output depends only on the input: writing the
 * same assets twice gives the same bytes.
 *
 * Assets whose category is not among the categories get a folder of their
 * own after the known ones, named after the key.
 */
AmapKmlWriter *amap_kml_writer_new            (const char    *title);
/* @categories: AmapCategory, in display order (e.g. the store's model). */
void           amap_kml_writer_set_categories (AmapKmlWriter *self,
                                               GListModel    *categories);
void           amap_kml_writer_set_icons      (AmapKmlWriter *self,
                                               AmapKmlIcons   icons);
/* Private data (see amap_kml_writer_set_include_private() in the .c):
 * TRUE (the default) writes everything; FALSE is for files meant for
 * others. The Document then says so ("private_data" "omitted"), so that
 * importing the file back keeps what the map has. */
void           amap_kml_writer_set_include_private (AmapKmlWriter *self,
                                                    gboolean       include);
gboolean       amap_kml_writer_get_include_private (AmapKmlWriter *self);
/* Folders by layer instead of by category (amap_kml_writer_write() only;
 * see the .c). */
void           amap_kml_writer_set_by_layer   (AmapKmlWriter *self,
                                               gboolean       by_layer);

/* Writes @assets (AmapAsset) to @stream, which is left open. Checks
 * @cancellable between placemarks. */
gboolean       amap_kml_writer_write          (AmapKmlWriter *self,
                                               GPtrArray     *assets,
                                               GOutputStream *stream,
                                               GCancellable  *cancellable,
                                               GError       **error);

/* A streamed write, for more assets than should be in memory at once:
 * begin() with the category keys the assets use, add() each asset in the
 * order write() would use (by category in the order of the categories,
 * then by casefolded name, name and uuid), then end(). Gives the bytes
 * write() would give for the same assets. After an error the write is
 * over; do not call end(). */
gboolean       amap_kml_writer_begin          (AmapKmlWriter      *self,
                                               const char * const *category_keys,
                                               GOutputStream      *stream,
                                               GCancellable       *cancellable,
                                               GError            **error);
gboolean       amap_kml_writer_add            (AmapKmlWriter      *self,
                                               AmapAsset          *asset,
                                               GError            **error);
/* amap_kml_writer_add() for an asset given as plain data (the store's
 * streamed rows): the same bytes. */
gboolean       amap_kml_writer_add_record     (AmapKmlWriter         *self,
                                               const AmapAssetRecord *record,
                                               GError               **error);
gboolean       amap_kml_writer_end            (AmapKmlWriter      *self,
                                               GError            **error);

/* After a successful write: the categories that got a folder, in file
 * order (AmapCategory, owned by @self). A key without a category of the
 * map gets a stand-in category with a grey color. */
GPtrArray     *amap_kml_writer_get_used_categories (AmapKmlWriter *self);

/* The path of a category's icon inside a KMZ ("files/<key>.png", with
 * characters outside [A-Za-z0-9._-] escaped). */
char          *amap_kml_writer_dup_icon_path  (const char    *category_key);

G_END_DECLS
