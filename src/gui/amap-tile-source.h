/* amap-tile-source.h: raster tiles over our own HTTP session and disk cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

/* OpenStreetMap's standard tiles. */
#define AMAP_TILE_SOURCE_OSM_TEMPLATE "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

#define AMAP_TYPE_TILE_SOURCE (amap_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (AmapTileSource, amap_tile_source, AMAP, TILE_SOURCE, ShumateDataSource)

/*
 * A ShumateDataSource that fetches "{z}/{x}/{y}" raster tiles with its own
 * SoupSession (User-Agent "AssetMap/VERSION (+URL)", as the OSM tile policy
 * asks) and keeps them in a ShumateFileCache under
 * $XDG_CACHE_HOME/asset-map/tiles/CACHE-KEY.
 *
 * Properties:
 *   "url-template"  string, construct-only; NULL means no base map: every
 *                   request fails at once, quietly, without any I/O
 *   "cache-key"     string, construct-only; the cache directory's name
 *   "offline"       boolean, read-only; TRUE after a tile could not be
 *                   fetched for a network reason, FALSE again after the
 *                   next successful download
 *
 * Without network it never blocks and never hammers: after a failure,
 * requests fail at once (or come from the disk cache) for a while, the
 * pause doubling up to five minutes; then, while offline, one download at
 * a time is tried. Only the first failure is logged, at debug level.
 */
AmapTileSource *amap_tile_source_new         (const char     *url_template,
                                              const char     *cache_key);
const char     *amap_tile_source_get_url_template (AmapTileSource *self);
gboolean        amap_tile_source_get_offline (AmapTileSource *self);
/* The disk cache's size (GSettings "tile-cache-size-mb"); trims it to that
 * size, oldest tiles first, in the background. */
void            amap_tile_source_set_cache_size_limit (AmapTileSource *self,
                                                       guint           megabytes);
/* In bytes. */
guint           amap_tile_source_get_cache_size_limit (AmapTileSource *self);

/* The URL of one tile: {x} {y} {z} replaced (also {s} by "a"). */
char           *amap_tile_source_build_url   (const char     *url_template,
                                              int             x,
                                              int             y,
                                              int             zoom);

/* A ShumateRasterRenderer (the map source for a ShumateMap) over @self,
 * with @license shown in the map's corner. */
ShumateMapSource *amap_tile_source_create_renderer (AmapTileSource *self,
                                                   const char     *id,
                                                   const char     *name,
                                                   const char     *license,
                                                   const char     *license_uri);

G_END_DECLS
