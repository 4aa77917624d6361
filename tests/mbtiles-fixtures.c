/* mbtiles-fixtures.c: an MBTiles file written by the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mbtiles-fixtures.h"

guint32
mbtiles_fixture_color (int zoom,
                       int x,
                       int y)
{
  guint r = (zoom * 40 + 20) & 0xff;
  guint g = (x * 23 + 10) & 0xff;
  guint b = (y * 29 + 10) & 0xff;

  return (r << 16) | (g << 8) | b;
}

gboolean
mbtiles_fixture_has_tile (int zoom,
                          int x,
                          int y)
{
  if (zoom == 1)
    return x >= 0 && x <= 1 && y >= 0 && y <= 1;
  if (zoom == 2)
    return x >= 1 && x <= 2 && y >= 1 && y <= 2;
  return FALSE;
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
mbtiles_fixture_draw_png (guint32 color)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  cairo_set_source_rgb (cr, ((color >> 16) & 0xff) / 255.0, ((color >> 8) & 0xff) / 255.0,
                        (color & 0xff) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_png, png), ==,
                   CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return g_byte_array_free_to_bytes (png);
}

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize offset;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *reader = closure;

  if (reader->size - reader->offset < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, reader->data + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

guint32
mbtiles_fixture_png_center_color (GBytes *png)
{
  PngReader reader = { 0 };
  cairo_surface_t *surface;
  guint32 pixel;

  reader.data = g_bytes_get_data (png, &reader.size);
  surface = cairo_image_surface_create_from_png_stream (read_png, &reader);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (surface);
  pixel = *(guint32 *) (cairo_image_surface_get_data (surface) +
                        cairo_image_surface_get_height (surface) / 2 * cairo_image_surface_get_stride (surface) +
                        cairo_image_surface_get_width (surface) / 2 * 4);
  cairo_surface_destroy (surface);

  return pixel & 0xffffff;
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

void
mbtiles_fixture_write (const char *path,
                       const char *format,
                       gboolean    with_metadata)
{
  gboolean vector = g_strcmp0 (format, "pbf") == 0;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec (db, "BEGIN;"
            "CREATE TABLE metadata (name TEXT, value TEXT);"
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
            "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
  if (format != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO metadata VALUES ('format', '%s')", format);

      exec (db, sql);
    }
  if (with_metadata)
    exec (db, "INSERT INTO metadata VALUES ('name', 'Fixture district');"
              "INSERT INTO metadata VALUES ('bounds', '-90,-40,90,60');"
              "INSERT INTO metadata VALUES ('center', '10.5,20.25,2');"
              "INSERT INTO metadata VALUES ('minzoom', '1');"
              "INSERT INTO metadata VALUES ('maxzoom', '2');"
              "INSERT INTO metadata VALUES ('attribution', '© Fixture GIS office');"
              "INSERT INTO metadata VALUES ('description', 'Two zooms of colored squares');");

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (int zoom = MBTILES_FIXTURE_MIN_ZOOM; zoom <= MBTILES_FIXTURE_MAX_ZOOM; zoom++)
    for (int x = 0; x < (1 << zoom); x++)
      for (int y = 0; y < (1 << zoom); y++)
        {
          g_autoptr (GBytes) data = NULL;

          if (!mbtiles_fixture_has_tile (zoom, x, y))
            continue;
          if (vector)
            data = g_bytes_new_static ("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
          else
            data = mbtiles_fixture_draw_png (mbtiles_fixture_color (zoom, x, y));

          sqlite3_bind_int (stmt, 1, zoom);
          sqlite3_bind_int (stmt, 2, x);
          sqlite3_bind_int (stmt, 3, (1 << zoom) - 1 - y);
          sqlite3_bind_blob (stmt, 4, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                             SQLITE_TRANSIENT);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
          sqlite3_reset (stmt);
        }
  sqlite3_finalize (stmt);
  exec (db, "COMMIT");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}
