/* amap-kmz-writer.h: a KML document and its icons, zipped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The pin icons we put in a KMZ are the app's pins at this scale. */
#define AMAP_KMZ_ICON_SCALE 1.5

/* The pin of a category, as the map draws it: a teardrop in @color
 * ("#rrggbb"; gray when invalid) with @icon_name's symbol, as an RGBA PNG
 * with a transparent background (amap_pin_render_get_box() ×
 * AMAP_KMZ_ICON_SCALE pixels). */
GBytes   *amap_kmz_render_pin_png   (const char    *color,
                                     const char    *icon_name);
/* Where the pin's tip is in that image, as KML's hotSpot fractions (y
 * from the bottom). */
void      amap_kmz_get_pin_hot_spot (double        *x,
                                     double        *y);

/* Writes a zip (deflate) to @stream, which is left open: @doc_kml
 * (@doc_size bytes, read to the end) as "doc.kml", the first entry, then
 * for each of @categories (AmapCategory) its pin as the file that
 * amap_kml_writer_dup_icon_path() names. Entries carry no time stamp, so
 * the same input gives the same bytes. */
gboolean  amap_kmz_writer_write   (GOutputStream *stream,
                                   GInputStream  *doc_kml,
                                   goffset        doc_size,
                                   GPtrArray     *categories,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
