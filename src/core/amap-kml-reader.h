/* amap-kml-reader.h: KML bytes in, assets and messages out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-asset.h"
#include "amap-import.h"

G_BEGIN_DECLS

/*
 * A streaming KML reader (libxml2 SAX2 push parser). It never builds a
 * document tree and never touches the store: each Placemark becomes an
 * AmapAsset handed to the placemark callback as soon as its end tag is
 * read, and every skipped placemark, dropped value or ignored feature is
 * reported through the message callback with its line number.
 *
 * Safety: any DOCTYPE is refused (AMAP_ERROR_UNSAFE) before its internal
 * subset is read, so no entity is ever declared or expanded; no network or
 * file access happens (XML_PARSE_NONET); the input size, element text
 * length, nesting depth and coordinates per placemark are capped.
 *
 * A document that is not well-formed fails with AMAP_ERROR_PARSE, the
 * message naming "FILE:LINE:COLUMN: what is wrong". Placemarks already
 * delivered must then be discarded by the caller (the import aborts its
 * batch).
 *
 * Categories: our own ExtendedData "category" when it is a known key, else
 * the nearest Folder whose name names a category, else the placemark's
 * style (a My Maps icon id such as "icon-1899-0288D1", words in the icon
 * href or style id, the icon color close to a category color), else the
 * default category. When a placemark's style is defined only after the
 * placemark (as some exporters write), the placemark is delivered with the
 * fallback category and AmapKmlPlacemarkInfo.category_pending set; after
 * the document, amap_kml_reader_resolve_style() tells whether that style now
 * gives a category (see amap-import.c for the second pass that uses it).
 */

#define AMAP_TYPE_KML_READER (amap_kml_reader_get_type ())
G_DECLARE_FINAL_TYPE (AmapKmlReader, amap_kml_reader, AMAP, KML_READER, GObject)

typedef struct
{
  guint line;             /* line of the <Placemark> start tag */
  guint ordinal;          /* 0-based index among the placemarks delivered */
  gboolean category_pending;
  const char *style_url;  /* as written in the file, or NULL */
  /* The innermost Folder: 0 outside any, else a number (from 1) that no
   * other Folder of the document has; and its name, or NULL. */
  guint folder;
  const char *folder_name;
  /* The names of all the Folders around it, outermost first (its My Maps
   * layer); never NULL, empty outside any named Folder. */
  const char * const *folders;
} AmapKmlPlacemarkInfo;

/* @asset is owned by the reader and valid during the call only (take a
 * ref to keep it). Return FALSE with @error set to stop reading. */
typedef gboolean (*AmapKmlPlacemarkFunc) (AmapKmlReader              *reader,
                                          AmapAsset                  *asset,
                                          const AmapKmlPlacemarkInfo *info,
                                          gpointer                    user_data,
                                          GError                    **error);
/* @text is translated and does not repeat the file name; @line may be 0. */
typedef void     (*AmapKmlMessageFunc)   (AmapKmlReader              *reader,
                                          AmapImportMessageKind       kind,
                                          guint                       line,
                                          const char                 *text,
                                          gpointer                    user_data);

/* @file_name is used in messages and in the source-id of placemarks that
 * have no id attribute (use the basename). */
AmapKmlReader *amap_kml_reader_new              (const char           *file_name);
const char    *amap_kml_reader_get_file_name    (AmapKmlReader        *self);
/* NULL: "other". */
void           amap_kml_reader_set_default_category (AmapKmlReader    *self,
                                                     const char       *key);
/* The categories placemarks may be mapped to: @categories holds
 * AmapCategory (e.g. amap_store_get_categories()). Without it the built-in
 * categories are used. */
void           amap_kml_reader_set_categories   (AmapKmlReader        *self,
                                                 GListModel           *categories);
void           amap_kml_reader_set_callbacks    (AmapKmlReader        *self,
                                                 AmapKmlPlacemarkFunc  placemark_func,
                                                 AmapKmlMessageFunc    message_func,
                                                 gpointer              user_data);
/* The most bytes one document may have (default 2 GiB). */
void           amap_kml_reader_set_max_bytes    (AmapKmlReader        *self,
                                                 guint64               max_bytes);

/*
 * Push interface: feed the document in chunks, then call end(). After an
 * error, further feeds fail. A new document may be started with begin()
 * (styles seen so far are kept, so a second pass knows them all).
 */
void           amap_kml_reader_begin            (AmapKmlReader        *self);
gboolean       amap_kml_reader_feed             (AmapKmlReader        *self,
                                                 const char           *data,
                                                 gsize                 len,
                                                 GError              **error);
gboolean       amap_kml_reader_end              (AmapKmlReader        *self,
                                                 GError              **error);
/* Bytes fed since begin(). */
guint64        amap_kml_reader_get_bytes_read   (AmapKmlReader        *self);

/* begin(), feed everything from @stream, end(). @cancellable is checked
 * between chunks (G_IO_ERROR_CANCELLED). */
gboolean       amap_kml_reader_read_stream      (AmapKmlReader        *self,
                                                 GInputStream         *stream,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean       amap_kml_reader_read_bytes       (AmapKmlReader        *self,
                                                 GBytes               *bytes,
                                                 GError              **error);

/* After end(): the category a styleUrl leads to, or NULL when its style
 * says nothing about a category. */
const char    *amap_kml_reader_resolve_style    (AmapKmlReader        *self,
                                                 const char           *style_url);
/* TRUE when the document carries our own asset_map_version marker. */
gboolean       amap_kml_reader_get_is_own_file  (AmapKmlReader        *self);
/* TRUE when it is ours and was written for others, without key leaders,
 * log and last-contacted date ("private_data" "omitted"): their absence
 * says nothing about the assets. */
gboolean       amap_kml_reader_get_private_omitted (AmapKmlReader     *self);
/* Placemarks delivered since begin(). */
guint          amap_kml_reader_get_n_placemarks (AmapKmlReader        *self);

G_END_DECLS
