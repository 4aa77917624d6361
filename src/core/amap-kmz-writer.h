/* amap-kmz-writer.h: a KML document and its icons, zipped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The side in pixels of the pin icons we put in a KMZ. */
#define AMAP_KMZ_ICON_SIZE 48

/* A round pin in @color ("#rrggbb"; grey when invalid) with a white ring,
 * as a @size × @size RGBA PNG with a transparent background. */
GBytes   *amap_kmz_render_pin_png (const char    *color,
                                   guint          size);

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
