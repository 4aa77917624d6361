/* test-mbtiles.c: MBTiles files read back by XYZ (TMS rows on disk), their
 * metadata and its gaps, the errors of files that are not (good) MBTiles,
 * and the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-mbtiles.h"
#include "mbtiles-fixtures.h"

static char *
tmp_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

static void
assert_tile_color (GBytes  *bytes,
                   guint32  expected)
{
  guint32 color;

  g_assert_nonnull (bytes);
  color = mbtiles_fixture_png_center_color (bytes);
  g_assert_cmphex (color, ==, expected);
}

/* Every tile of both zooms comes back by its XYZ address with its own
 * color: the TMS row flip is done once, inside. */
static void
test_read_xyz (void)
{
  g_autofree char *path = tmp_path ("fixture.mbtiles");
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtiles) mbtiles = NULL;
  g_autoptr (GBytes) missing = NULL;

  mbtiles_fixture_write (path, "png", TRUE);
  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);

  for (int zoom = MBTILES_FIXTURE_MIN_ZOOM; zoom <= MBTILES_FIXTURE_MAX_ZOOM; zoom++)
    for (int x = 0; x < (1 << zoom); x++)
      for (int y = 0; y < (1 << zoom); y++)
        {
          g_autoptr (GBytes) bytes = NULL;

          if (!mbtiles_fixture_has_tile (zoom, x, y))
            continue;
          bytes = amap_mbtiles_read_tile (mbtiles, zoom, x, y, &error);
          g_assert_no_error (error);
          assert_tile_color (bytes, mbtiles_fixture_color (zoom, x, y));
        }

  /* Absent: NULL and no error, also outside the zoom's range. */
  missing = amap_mbtiles_read_tile (mbtiles, 3, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_null (missing);
  g_assert_null (amap_mbtiles_read_tile (mbtiles, 2, 0, 0, &error));
  g_assert_no_error (error);
  g_assert_null (amap_mbtiles_read_tile (mbtiles, 1, 2, 0, &error));
  g_assert_no_error (error);
  g_assert_null (amap_mbtiles_read_tile (mbtiles, 1, -1, 0, &error));
  g_assert_no_error (error);
}

static void
test_metadata (void)
{
  g_autofree char *path = tmp_path ("fixture.mbtiles");
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtiles) mbtiles = NULL;
  double west, south, east, north, longitude, latitude;
  int zoom;

  mbtiles_fixture_write (path, "png", TRUE);
  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (amap_mbtiles_get_path (mbtiles), ==, path);
  g_assert_cmpstr (amap_mbtiles_get_name (mbtiles), ==, "Fixture district");
  g_assert_cmpstr (amap_mbtiles_get_format (mbtiles), ==, "png");
  g_assert_cmpstr (amap_mbtiles_get_attribution (mbtiles), ==, "© Fixture GIS office");
  g_assert_cmpstr (amap_mbtiles_get_description (mbtiles), ==, "Two zooms of colored squares");
  g_assert_false (amap_mbtiles_is_vector (mbtiles));
  g_assert_cmpint (amap_mbtiles_get_min_zoom (mbtiles), ==, 1);
  g_assert_cmpint (amap_mbtiles_get_max_zoom (mbtiles), ==, 2);

  g_assert_true (amap_mbtiles_get_bounds (mbtiles, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, -90.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (south, -40.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (east, 90.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 60.0, 1e-9);

  g_assert_true (amap_mbtiles_get_center (mbtiles, &longitude, &latitude, &zoom));
  g_assert_cmpfloat_with_epsilon (longitude, 10.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (latitude, 20.25, 1e-9);
  g_assert_cmpint (zoom, ==, 2);

  g_assert_true (amap_mbtiles_contains (mbtiles, 0.0, 0.0));
  g_assert_false (amap_mbtiles_contains (mbtiles, 100.0, 0.0));
  g_assert_false (amap_mbtiles_contains (mbtiles, 0.0, 70.0));
}

/* Without the optional rows, the zooms and the extent come from the tiles
 * and the format from the first tile's bytes. */
static void
test_metadata_gaps (void)
{
  g_autofree char *path = tmp_path ("bare.mbtiles");
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtiles) mbtiles = NULL;
  double west, south, east, north, longitude, latitude;
  int zoom;

  mbtiles_fixture_write (path, NULL, FALSE);
  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (amap_mbtiles_get_name (mbtiles), ==, "bare.mbtiles");
  g_assert_cmpstr (amap_mbtiles_get_format (mbtiles), ==, "png");
  g_assert_null (amap_mbtiles_get_attribution (mbtiles));
  g_assert_cmpint (amap_mbtiles_get_min_zoom (mbtiles), ==, 1);
  g_assert_cmpint (amap_mbtiles_get_max_zoom (mbtiles), ==, 2);

  /* Zoom 1 has all four tiles: the whole Web Mercator world. */
  g_assert_true (amap_mbtiles_get_bounds (mbtiles, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, -180.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (east, 180.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 85.0511287798, 1e-6);
  g_assert_cmpfloat_with_epsilon (south, -85.0511287798, 1e-6);
  g_assert_true (amap_mbtiles_get_center (mbtiles, &longitude, &latitude, &zoom));
  g_assert_cmpfloat_with_epsilon (longitude, 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (latitude, 0.0, 1e-9);
  g_assert_cmpint (zoom, ==, 1);
}

static void
assert_error_names_file (GError     *error,
                         int         code,
                         const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  g_assert_error (error, AMAP_ERROR, code);
  g_assert_nonnull (strstr (error->message, base));
  g_test_message ("%s", error->message);
}

static void
test_not_sqlite (void)
{
  g_autofree char *path = tmp_path ("notes.mbtiles");
  g_autofree char *empty = tmp_path ("empty.mbtiles");
  g_autofree char *missing = tmp_path ("missing.mbtiles");
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "<kml>not a map</kml>\n", -1, NULL));
  g_assert_null (amap_mbtiles_open (path, &error));
  assert_error_names_file (error, AMAP_ERROR_UNSUPPORTED, path);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_null (amap_mbtiles_open (empty, &error));
  assert_error_names_file (error, AMAP_ERROR_UNSUPPORTED, empty);
  g_clear_error (&error);

  g_assert_null (amap_mbtiles_open (missing, &error));
  assert_error_names_file (error, AMAP_ERROR_IO, missing);
}

/* An SQLite database that is not MBTiles (an Asset Map-like file). */
static void
test_not_mbtiles (void)
{
  g_autofree char *path = tmp_path ("assets.mbtiles");
  g_autoptr (GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE assets (id INTEGER PRIMARY KEY, name TEXT);"
                                     "INSERT INTO assets (name) VALUES ('Library');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_null (amap_mbtiles_open (path, &error));
  assert_error_names_file (error, AMAP_ERROR_UNSUPPORTED, path);
  g_assert_nonnull (strstr (error->message, "SQLite"));
}

/* The SQLite header survives, the pages behind it are noise. */
static void
test_corrupt (void)
{
  g_autofree char *path = tmp_path ("corrupt.mbtiles");
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  mbtiles_fixture_write (path, "png", TRUE);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  for (gsize i = 4096; i < length; i++)
    contents[i] = (char) (i * 7919 % 251);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  g_assert_null (amap_mbtiles_open (path, &error));
  assert_error_names_file (error, AMAP_ERROR_DAMAGED, path);
}

static void
test_vector (void)
{
  g_autofree char *path = tmp_path ("vector.mbtiles");
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtiles) mbtiles = NULL;

  mbtiles_fixture_write (path, "pbf", TRUE);
  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (amap_mbtiles_is_vector (mbtiles));
  g_assert_cmpstr (amap_mbtiles_get_format (mbtiles), ==, "pbf");
}

static guint
count_files (const char *dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Written by the writer, read by the reader: same tiles, zooms and bounds;
 * a writer freed before commit leaves nothing. */
static void
test_writer (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "written", NULL);
  g_autofree char *path = g_build_filename (dir, "area.mbtiles", NULL);
  g_autofree char *abandoned = g_build_filename (dir, "abandoned.mbtiles", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtiles) mbtiles = NULL;
  g_autoptr (AmapMbtilesWriter) writer = NULL;
  double west, south, east, north;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  writer = amap_mbtiles_writer_new (path, "Saved area", "png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (dir), ==, 1);
  for (int y = 5; y <= 6; y++)
    for (int x = 9; x <= 10; x++)
      {
        g_autoptr (GBytes) png = mbtiles_fixture_draw_png (mbtiles_fixture_color (4, x, y));

        g_assert_true (amap_mbtiles_writer_add_tile (writer, 4, x, y, png, &error));
        g_assert_no_error (error);
      }
  {
    g_autoptr (GBytes) png = mbtiles_fixture_draw_png (mbtiles_fixture_color (5, 19, 11));

    g_assert_true (amap_mbtiles_writer_add_tile (writer, 5, 19, 11, png, &error));
  }
  g_assert_true (amap_mbtiles_writer_set_metadata (writer, "attribution", "© Tile server", &error));
  g_assert_cmpuint (amap_mbtiles_writer_get_n_tiles (writer), ==, 5);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (amap_mbtiles_writer_commit (writer, &error));
  g_assert_no_error (error);
  g_clear_pointer (&writer, amap_mbtiles_writer_free);
  g_assert_cmpuint (count_files (dir), ==, 1);

  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_mbtiles_get_name (mbtiles), ==, "Saved area");
  g_assert_cmpstr (amap_mbtiles_get_attribution (mbtiles), ==, "© Tile server");
  g_assert_cmpint (amap_mbtiles_get_min_zoom (mbtiles), ==, 4);
  g_assert_cmpint (amap_mbtiles_get_max_zoom (mbtiles), ==, 5);
  for (int y = 5; y <= 6; y++)
    for (int x = 9; x <= 10; x++)
      {
        g_autoptr (GBytes) bytes = amap_mbtiles_read_tile (mbtiles, 4, x, y, &error);

        g_assert_no_error (error);
        assert_tile_color (bytes, mbtiles_fixture_color (4, x, y));
      }
  /* Bounds from the zoom-4 tiles x 9..10, y 5..6. */
  g_assert_true (amap_mbtiles_get_bounds (mbtiles, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, 9 / 16.0 * 360 - 180, 1e-6);
  g_assert_cmpfloat_with_epsilon (east, 11 / 16.0 * 360 - 180, 1e-6);
  g_assert_cmpfloat (north, >, south);

  writer = amap_mbtiles_writer_new (abandoned, "Abandoned", "png", &error);
  g_assert_no_error (error);
  {
    g_autoptr (GBytes) png = mbtiles_fixture_draw_png (0xff0000);

    g_assert_true (amap_mbtiles_writer_add_tile (writer, 4, 1, 1, png, &error));
  }
  g_assert_cmpuint (count_files (dir), ==, 2);
  g_clear_pointer (&writer, amap_mbtiles_writer_free);
  g_assert_false (g_file_test (abandoned, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (dir), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/mbtiles/read-xyz", test_read_xyz);
  g_test_add_func ("/mbtiles/metadata", test_metadata);
  g_test_add_func ("/mbtiles/metadata-gaps", test_metadata_gaps);
  g_test_add_func ("/mbtiles/not-sqlite", test_not_sqlite);
  g_test_add_func ("/mbtiles/not-mbtiles", test_not_mbtiles);
  g_test_add_func ("/mbtiles/corrupt", test_corrupt);
  g_test_add_func ("/mbtiles/vector", test_vector);
  g_test_add_func ("/mbtiles/writer", test_writer);

  return g_test_run ();
}
