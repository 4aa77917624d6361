/* amap-mbtiles-source.h: an MBTiles file as the map's base layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "amap-mbtiles.h"

G_BEGIN_DECLS

#define AMAP_TYPE_MBTILES_SOURCE (amap_mbtiles_source_get_type ())
G_DECLARE_FINAL_TYPE (AmapMbtilesSource, amap_mbtiles_source, AMAP, MBTILES_SOURCE, ShumateDataSource)

/*
 * A ShumateDataSource that serves the tiles of an MBTiles file. Tiles are
 * read in one worker thread with its own read-only AmapMbtiles (its own
 * SQLite connection); the main thread's AmapMbtiles only answers metadata.
 *
 * libshumate 1.0 paints what "received-data" brings, so it is emitted (on
 * the main thread) before the request returns; from 1.1 on, start_request
 * hands the bytes to the request.
 *
 * Raster PNG and JPEG are decoded by gdk-pixbuf's built-in loaders, WebP by
 * the webp-pixbuf-loader plugin (Debian 12: package webp-pixbuf-loader);
 * without it WebP tiles stay blank.
 */

/* Fails as amap_mbtiles_open() does, and with AMAP_ERROR_UNSUPPORTED for a
 * vector MBTiles (pbf): it needs a map style the file does not carry, and
 * Debian 12's libshumate has no vector renderer at all. */
AmapMbtilesSource *amap_mbtiles_source_new             (const char         *path,
                                                        GError            **error);
AmapMbtiles       *amap_mbtiles_source_get_mbtiles     (AmapMbtilesSource  *self);

/* The file's attribution as plain text (HTML tags dropped, entities
 * decoded), and the first link in it; either may be NULL. */
char              *amap_mbtiles_source_dup_license     (AmapMbtilesSource  *self,
                                                        char              **license_uri);

/* A ShumateRasterRenderer over @self with the file's zoom range, its name
 * and its attribution in the map's corner. */
ShumateMapSource  *amap_mbtiles_source_create_renderer (AmapMbtilesSource  *self);

G_END_DECLS
