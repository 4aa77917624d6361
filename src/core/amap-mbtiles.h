/* amap-mbtiles.h: MBTiles files, read as a base map and written by a download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AMAP_TYPE_MBTILES (amap_mbtiles_get_type ())
G_DECLARE_FINAL_TYPE (AmapMbtiles, amap_mbtiles, AMAP, MBTILES, GObject)

/*
 * AmapMbtiles: one MBTiles 1.3 file (an SQLite database with a "metadata"
 * table of name/value rows and a "tiles" table keyed by zoom_level,
 * tile_column and tile_row, the rows in TMS order: row = 2^z - 1 - y).
 *
 * The file is opened read-only through its own SQLite connection
 * ("immutable=1", or "mode=ro" when another program has it open with a
 * write-ahead log), and nothing is ever written to it.
 *
 * Threads: one AmapMbtiles per thread. Each holds one SQLite connection
 * (opened with SQLITE_OPEN_NOMUTEX) and is not locked: a worker thread
 * opens its own with amap_mbtiles_open() (cheap: a few metadata rows and
 * index lookups) and is the only thread that uses it.
 *
 * The getters return what the metadata says, with gaps filled from the
 * tiles table: without "minzoom"/"maxzoom" the zoom levels present, without
 * "bounds" the extent of the tiles at the lowest zoom, without "center" the
 * middle of the bounds at the lowest zoom, without "format" the type of
 * the first tile's bytes.
 */

/* Errors (AMAP_ERROR domain), each message a sentence naming the file:
 *   AMAP_ERROR_IO           the file cannot be read (missing, permissions)
 *   AMAP_ERROR_UNSUPPORTED  not an SQLite database, or SQLite but not MBTiles
 *   AMAP_ERROR_DAMAGED      an MBTiles file whose contents are corrupt */
AmapMbtiles *amap_mbtiles_open            (const char   *path,
                                           GError      **error);

const char  *amap_mbtiles_get_path        (AmapMbtiles  *self);
/* The metadata "name"; the file's base name when there is none. */
const char  *amap_mbtiles_get_name        (AmapMbtiles  *self);
/* "png", "jpg", "webp" or "pbf" (also for "mvt"); other values as written. */
const char  *amap_mbtiles_get_format      (AmapMbtiles  *self);
/* The metadata "attribution" (may hold HTML links) or NULL. */
const char  *amap_mbtiles_get_attribution (AmapMbtiles  *self);
const char  *amap_mbtiles_get_description (AmapMbtiles  *self);

/* Degrees, WGS 84. FALSE (the out values untouched) when the file has
 * neither a "bounds" row nor any tile. */
gboolean     amap_mbtiles_get_bounds      (AmapMbtiles  *self,
                                           double       *west,
                                           double       *south,
                                           double       *east,
                                           double       *north);
/* FALSE (untouched) when there are no bounds to take the middle of. */
gboolean     amap_mbtiles_get_center      (AmapMbtiles  *self,
                                           double       *longitude,
                                           double       *latitude,
                                           int          *zoom);
int          amap_mbtiles_get_min_zoom    (AmapMbtiles  *self);
int          amap_mbtiles_get_max_zoom    (AmapMbtiles  *self);
/* TRUE for vector tiles (format "pbf" or "mvt"). */
gboolean     amap_mbtiles_is_vector       (AmapMbtiles  *self);

/* TRUE when the point is inside the bounds (always when there are none). */
gboolean     amap_mbtiles_contains        (AmapMbtiles  *self,
                                           double        longitude,
                                           double        latitude);

/* The bytes of the tile at XYZ @zoom/@x/@y (y counted from the north, as
 * in tile URLs; converted to the TMS row inside). NULL without an error
 * when the file has no such tile; NULL with AMAP_ERROR_DAMAGED or
 * AMAP_ERROR_IO when reading failed. */
GBytes      *amap_mbtiles_read_tile       (AmapMbtiles  *self,
                                           int           zoom,
                                           int           x,
                                           int           y,
                                           GError      **error);


/*
 * AmapMbtilesWriter: writes a new MBTiles file. Everything goes into a
 * temporary file beside @path ("NAME.mbtiles.XXXXXX"), in one transaction;
 * amap_mbtiles_writer_commit() writes the metadata and renames it to @path.
 * Freeing a writer that was not committed deletes the temporary file, so
 * a failed or cancelled download leaves nothing behind.
 *
 * Not thread-safe; use it from one thread.
 */
typedef struct _AmapMbtilesWriter AmapMbtilesWriter;

/* @format: "png", "jpg" or "webp". Fails with AMAP_ERROR_IO when the
 * temporary file cannot be created in @path's folder. */
AmapMbtilesWriter *amap_mbtiles_writer_new          (const char         *path,
                                                     const char         *name,
                                                     const char         *format,
                                                     GError            **error);
/* Adds or replaces a metadata row ("attribution", "description"...). The
 * writer itself writes name, format, type, version, bounds, center,
 * minzoom and maxzoom. */
gboolean           amap_mbtiles_writer_set_metadata (AmapMbtilesWriter  *writer,
                                                     const char         *key,
                                                     const char         *value,
                                                     GError            **error);
/* The area the file covers; without it, commit writes the extent of the
 * tiles at the lowest zoom. */
void               amap_mbtiles_writer_set_bounds   (AmapMbtilesWriter  *writer,
                                                     double              west,
                                                     double              south,
                                                     double              east,
                                                     double              north);
/* @y in XYZ order, as amap_mbtiles_read_tile(). */
gboolean           amap_mbtiles_writer_add_tile     (AmapMbtilesWriter  *writer,
                                                     int                 zoom,
                                                     int                 x,
                                                     int                 y,
                                                     GBytes             *data,
                                                     GError            **error);
guint              amap_mbtiles_writer_get_n_tiles  (AmapMbtilesWriter  *writer);
/* Writes the metadata, commits, closes and renames the file to its path
 * (replacing a file there). After it, only amap_mbtiles_writer_free(). */
gboolean           amap_mbtiles_writer_commit       (AmapMbtilesWriter  *writer,
                                                     GError            **error);
void               amap_mbtiles_writer_free         (AmapMbtilesWriter  *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapMbtilesWriter, amap_mbtiles_writer_free)

G_END_DECLS
