/* test-mbtiles-source.c: an MBTiles file as the base map: the data source
 * serves the fixture's tiles (read in its worker thread), the map view
 * paints them, follows the file's zoom range and says when the view is
 * outside the file's area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-map-view.h"
#include "amap-mbtiles-source.h"
#include "mbtiles-fixtures.h"

static char *
write_fixture (const char *name,
               const char *format)
{
  g_autofree char *path = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_cache_dir (), name, NULL);
  mbtiles_fixture_write (path, format, TRUE);
  return g_steal_pointer (&path);
}

typedef struct
{
  gboolean done;
  GBytes *bytes;
  GError *error;
  guint n_received;
  int received_x, received_y, received_zoom;
  GBytes *received;
} TileResult;

static void
on_received_data_cb (ShumateDataSource *source,
                     int                x,
                     int                y,
                     int                zoom,
                     GBytes            *bytes,
                     TileResult        *result)
{
  result->n_received++;
  result->received_x = x;
  result->received_y = y;
  result->received_zoom = zoom;
  g_clear_pointer (&result->received, g_bytes_unref);
  result->received = g_bytes_ref (bytes);
}

static void
on_tile_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  TileResult *result = user_data;

  result->bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (source), res,
                                                            &result->error);
  result->done = TRUE;
}

static void
get_tile (AmapMbtilesSource *source,
          int                zoom,
          int                x,
          int                y,
          TileResult        *result)
{
  gulong handler = g_signal_connect (source, "received-data", G_CALLBACK (on_received_data_cb), result);

  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x, y, zoom, NULL,
                                           on_tile_cb, result);
  while (!result->done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (source, handler);
}

static void
tile_result_clear (TileResult *result)
{
  g_clear_pointer (&result->bytes, g_bytes_unref);
  g_clear_pointer (&result->received, g_bytes_unref);
  g_clear_error (&result->error);
}

/* Every fixture tile, by XYZ, with its color, through "received-data"
 * (what libshumate 1.0 paints) and the async result alike. */
static void
test_serves_tiles (void)
{
  g_autofree char *path = write_fixture ("fixture.mbtiles", "png");
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtilesSource) source = amap_mbtiles_source_new (path, &error);
  GThread *main_thread = g_thread_self ();

  g_assert_no_error (error);
  g_assert_true (g_thread_self () == main_thread);

  for (int zoom = MBTILES_FIXTURE_MIN_ZOOM; zoom <= MBTILES_FIXTURE_MAX_ZOOM; zoom++)
    for (int x = 0; x < (1 << zoom); x++)
      for (int y = 0; y < (1 << zoom); y++)
        {
          TileResult result = { 0 };

          get_tile (source, zoom, x, y, &result);
          if (mbtiles_fixture_has_tile (zoom, x, y))
            {
              g_assert_no_error (result.error);
              g_assert_nonnull (result.bytes);
              g_assert_cmphex (mbtiles_fixture_png_center_color (result.bytes), ==,
                               mbtiles_fixture_color (zoom, x, y));
              g_assert_cmpuint (result.n_received, ==, 1);
              g_assert_cmpint (result.received_x, ==, x);
              g_assert_cmpint (result.received_y, ==, y);
              g_assert_cmpint (result.received_zoom, ==, zoom);
              g_assert_true (g_bytes_equal (result.received, result.bytes));
            }
          else
            {
              g_assert_null (result.bytes);
              g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
              g_assert_cmpuint (result.n_received, ==, 0);
            }
          tile_result_clear (&result);
        }
}

static void
test_vector (void)
{
  g_autofree char *path = write_fixture ("vector.mbtiles", "pbf");
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtilesSource) source = amap_mbtiles_source_new (path, &error);

  g_assert_null (source);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, "vector"));
}

/* An attribution with a link: text in the corner, the link behind it. */
static void
test_license (void)
{
  g_autofree char *path = write_fixture ("licensed.mbtiles", "png");
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapMbtilesSource) source = NULL;
  g_autoptr (ShumateMapSource) renderer = NULL;
  g_autofree char *license = NULL;
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE metadata SET value = "
                                     "'<a href=\"https://gis.example.org/terms\">&copy; District GIS</a> &amp; partners'"
                                     " WHERE name = 'attribution'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  source = amap_mbtiles_source_new (path, &error);
  g_assert_no_error (error);
  license = amap_mbtiles_source_dup_license (source, &uri);
  g_assert_cmpstr (license, ==, "© District GIS & partners");
  g_assert_cmpstr (uri, ==, "https://gis.example.org/terms");

  renderer = amap_mbtiles_source_create_renderer (source);
  g_assert_cmpstr (shumate_map_source_get_license (renderer), ==, "© District GIS & partners");
  g_assert_cmpstr (shumate_map_source_get_name (renderer), ==, "Fixture district");
  g_assert_cmpuint (shumate_map_source_get_min_zoom_level (renderer), ==, 1);
  g_assert_cmpuint (shumate_map_source_get_max_zoom_level (renderer), ==, 2);
}

/* 0xRRGGBB of the widget's pixel at (x, y), rendered as the window would. */
static guint32
widget_pixel (GtkWidget *widget,
              int        x,
              int        y)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autofree guint8 *data = NULL;
  guint32 pixel;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return 0;
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  data = g_malloc (4 * gdk_texture_get_width (texture) * gdk_texture_get_height (texture));
  gdk_texture_download (texture, data, 4 * gdk_texture_get_width (texture));
  /* GDK_MEMORY_DEFAULT: premultiplied B, G, R, A on little-endian, read
   * as one native 32-bit word: 0xAARRGGBB. */
  pixel = *(guint32 *) (data + 4 * (y * gdk_texture_get_width (texture) + x));
  return pixel & 0xffffff;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* The map view with the fixture as base map: the tile under a known pixel
 * has the fixture's color; zoom range and notice follow the file. */
static void
test_map_view (void)
{
  g_autofree char *path = write_fixture ("district.mbtiles", "png");
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window = gtk_window_new ();
  AmapMapView *view = AMAP_MAP_VIEW (amap_map_view_new ());
  GtkWidget *simple_map;
  ShumateViewport *viewport;
  ShumateMapSource *renderer;
  gboolean timed_out = FALSE;
  guint32 expected = mbtiles_fixture_color (2, 1, 1);
  guint32 pixel = 0;
  guint timeout_id;

  g_settings_set_string (settings, "mbtiles-path", path);
  g_settings_set_string (settings, "base-map", "mbtiles");
  /* Before the window is shown: no animation. At zoom 2 the world is
   * 1024 px; centred on (0, 0) in 800×600, the widget's (272, 172) is the
   * world's (384, 384): inside tile x 1, y 1. */
  amap_map_view_center_on (view, 0.0, 0.0, 2.0);

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));

  simple_map = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (view)));
  g_assert_true (SHUMATE_IS_SIMPLE_MAP (simple_map));
  viewport = shumate_simple_map_get_viewport (SHUMATE_SIMPLE_MAP (simple_map));
  renderer = shumate_simple_map_get_map_source (SHUMATE_SIMPLE_MAP (simple_map));
  g_assert_cmpstr (shumate_map_source_get_license (renderer), ==, "© Fixture GIS office");
  g_assert_cmpfloat (shumate_viewport_get_min_zoom_level (viewport), ==, 1);
  g_assert_cmpfloat (shumate_viewport_get_max_zoom_level (viewport), ==, 2);
  g_assert_null (amap_map_view_get_notice (view));

  timeout_id = g_timeout_add_seconds (20, on_timeout_cb, &timed_out);
  while (!timed_out && gtk_widget_get_width (GTK_WIDGET (view)) != 800)
    g_main_context_iteration (NULL, TRUE);
  while (!timed_out && (pixel = widget_pixel (GTK_WIDGET (view), 272, 172)) != expected)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_test_message ("pixel %06x, expected %06x", pixel, expected);
  g_assert_false (timed_out);
  g_clear_handle_id (&timeout_id, g_source_remove);
  /* Tile x 2, y 2 is below and right of the centre. */
  g_assert_cmphex (widget_pixel (GTK_WIDGET (view), 528, 428), ==, mbtiles_fixture_color (2, 2, 2));

  if (g_getenv ("AMAP_MBTILES_SCREENSHOT") != NULL)
    {
      g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (view));
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr (GskRenderNode) node = NULL;
      g_autoptr (GdkTexture) texture = NULL;

      gdk_paintable_snapshot (paintable, snapshot, 800, 600);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, 800, 600));
      gdk_texture_save_to_png (texture, g_getenv ("AMAP_MBTILES_SCREENSHOT"));
    }

  /* East of the file's bounds (−90..90): the map says so. */
  amap_map_view_center_on (view, 10.0, 120.0, 2.0);
  timed_out = FALSE;
  timeout_id = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
  while (!timed_out && amap_map_view_get_notice (view) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&timeout_id, g_source_remove);
  g_assert_nonnull (amap_map_view_get_notice (view));
  g_assert_nonnull (strstr (amap_map_view_get_notice (view), "Fixture district"));
  gtk_widget_activate_action (GTK_WIDGET (view), "map.go-to-offline-map", NULL);
  timed_out = FALSE;
  timeout_id = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
  while (!timed_out && amap_map_view_get_notice (view) != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_clear_handle_id (&timeout_id, g_source_remove);

  /* A file that is not there: the online map, and a notice naming it. */
  g_settings_set_string (settings, "mbtiles-path", "/nonexistent/gone.mbtiles");
  g_assert_nonnull (amap_map_view_get_notice (view));
  g_assert_nonnull (strstr (amap_map_view_get_notice (view), "gone.mbtiles"));
  g_assert_cmpfloat (shumate_viewport_get_max_zoom_level (viewport), >, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr (GStrvBuilder) mime_dirs = g_strv_builder_new ();
  g_auto (GStrv) mime_dirs_strv = NULL;

  /* Isolated data dirs hide the MIME database, which gdk-pixbuf uses to
   * pick the loader of a tile; and the system proxy settings. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (data_dirs[i], "mime", NULL);

      g_strv_builder_add (mime_dirs, dir);
    }
  mime_dirs_strv = g_strv_builder_end (mime_dirs);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs_strv);
  gtk_init ();

  g_test_add_func ("/mbtiles-source/serves-tiles", test_serves_tiles);
  g_test_add_func ("/mbtiles-source/vector", test_vector);
  g_test_add_func ("/mbtiles-source/license", test_license);
  g_test_add_func ("/mbtiles-source/map-view", test_map_view);

  return g_test_run ();
}
