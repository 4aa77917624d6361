/* amap-kmz.h: reading the KML document inside a KMZ (zip) archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-kml-reader.h"

G_BEGIN_DECLS

/* Caps on what a KMZ may hold. */
#define AMAP_KMZ_MAX_ENTRIES       1000
#define AMAP_KMZ_MAX_UNCOMPRESSED  (G_GUINT64_CONSTANT (256) * 1024 * 1024)
/* Past the first few megabytes, an archive may not expand more than this
 * many times its size on disk (a zip bomb does by thousands). */
#define AMAP_KMZ_MAX_RATIO         100

/* Called with the number of archive bytes consumed so far. */
typedef void (*AmapKmzProgressFunc) (guint64  bytes_consumed,
                                     gpointer user_data);

/* TRUE when @data starts like a zip archive ("PK\3\4", or "PK\5\6" when
 * it is empty). */
gboolean     amap_kmz_looks_like_zip   (const guint8        *data,
                                        gsize                len);

/*
 * Streams the main KML of the archive into @reader (begin/feed/end): the
 * root "doc.kml", else the first .kml at the root, else the first .kml
 * anywhere. Nothing is written to disk. An archive with more than
 * AMAP_KMZ_MAX_ENTRIES entries, an encrypted entry, an absolute path or a
 * ".." component, or that expands beyond the caps fails with
 * AMAP_ERROR_UNSAFE; one without a .kml fails with AMAP_ERROR_UNSUPPORTED;
 * a file that is not a zip with AMAP_ERROR_PARSE. Errors of the KML itself
 * come from @reader.
 */
gboolean     amap_kmz_read_file        (const char          *path,
                                        AmapKmlReader       *reader,
                                        GCancellable        *cancellable,
                                        AmapKmzProgressFunc  progress,
                                        gpointer             progress_data,
                                        GError             **error);
gboolean     amap_kmz_read_bytes       (GBytes              *bytes,
                                        const char          *display_name,
                                        AmapKmlReader       *reader,
                                        GCancellable        *cancellable,
                                        GError             **error);

G_END_DECLS
