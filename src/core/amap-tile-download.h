/* amap-tile-download.h: "Save Area for Offline Use": the tiles of an area
 * and a zoom range, from a tile server that allows it, into an MBTiles file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* More than this is a bulk download no tile server should get from us. */
#define AMAP_TILE_DOWNLOAD_MAX_TILES 20000
/* Requests under way at once, whatever the session allows. */
#define AMAP_TILE_DOWNLOAD_MAX_CONNECTIONS 2
/* A raster tile at street zoom, for the size estimate. */
#define AMAP_TILE_DOWNLOAD_BYTES_PER_TILE 15000

#define AMAP_TYPE_TILE_DOWNLOAD (amap_tile_download_get_type ())
G_DECLARE_FINAL_TYPE (AmapTileDownload, amap_tile_download, AMAP, TILE_DOWNLOAD, GObject)

/*
 * AmapTileDownload: the XYZ tiles covering west/south/east/north (degrees)
 * at every zoom from @min_zoom to @max_zoom, fetched from @url_template
 * ("https://host/{z}/{x}/{y}.png") into a new MBTiles file.
 *
 * At most AMAP_TILE_DOWNLOAD_MAX_CONNECTIONS requests are under way at
 * once. A network error, HTTP 429 or 5xx pauses the whole download (the
 * server's Retry-After, or 1 s doubling, see set_retry_delay) and tries
 * the tile again, four times at most; a 404 is a tile the server does not
 * have. Everything is written to a temporary file that becomes @path only
 * when every tile is in: a cancelled or failed download leaves no file.
 *
 * Properties (read-only, notified from the main context that started the
 * download): "n-tiles" (guint64), "n-done" (tiles fetched or known absent),
 * "n-bytes" (guint64, bytes received).
 */
AmapTileDownload *amap_tile_download_new             (const char        *url_template,
                                                      double             west,
                                                      double             south,
                                                      double             east,
                                                      double             north,
                                                      int                min_zoom,
                                                      int                max_zoom);

/* The number of tiles of the area at those zooms. */
guint64           amap_tile_download_get_n_tiles     (AmapTileDownload  *self);
guint64           amap_tile_download_estimate_bytes  (AmapTileDownload  *self);
guint             amap_tile_download_get_n_done      (AmapTileDownload  *self);
guint64           amap_tile_download_get_n_bytes     (AmapTileDownload  *self);
/* n-done / n-tiles, 0..1. */
double            amap_tile_download_get_fraction    (AmapTileDownload  *self);

/* The first pause after an error, doubling on each retry (default 1000). */
void              amap_tile_download_set_retry_delay (AmapTileDownload  *self,
                                                      guint              milliseconds);

/* Whether the download may start, before anything is asked of a server:
 * FALSE with AMAP_ERROR_UNSUPPORTED for tile.openstreetmap.org (its tile
 * policy forbids bulk downloads; the message explains), AMAP_ERROR_INVALID
 * for a template without {z}/{x}/{y} or an empty area, AMAP_ERROR_UNSAFE
 * for more than AMAP_TILE_DOWNLOAD_MAX_TILES tiles. */
gboolean          amap_tile_download_check           (AmapTileDownload  *self,
                                                      GError           **error);

/* TRUE for the OpenStreetMap Foundation's tile servers. */
gboolean          amap_tile_download_is_osm_template (const char        *url_template);

/* Runs the download with @session (its User-Agent is the one servers see)
 * into @path, with @name and @attribution (may be NULL) as metadata.
 * Fails as amap_tile_download_check() does without a request, with
 * G_IO_ERROR_CANCELLED, or with AMAP_ERROR_FAILED / AMAP_ERROR_IO saying
 * what went wrong. One download at a time per object. */
void              amap_tile_download_save_async      (AmapTileDownload  *self,
                                                      SoupSession       *session,
                                                      const char        *path,
                                                      const char        *name,
                                                      const char        *attribution,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
gboolean          amap_tile_download_save_finish     (AmapTileDownload  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

G_END_DECLS
