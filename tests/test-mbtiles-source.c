/* test-mbtiles-source.c: an MBTiles file as the base map: the data source
 * serves the fixture's tiles (read in its worker thread), the map view
 * paints them, follows the file's zoom range and says when the view is
 * outside the file's area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-map-view.h"
#include "amap-mbtiles-source.h"
#include "amap-offline-map.h"
#include "amap-store.h"
#include "amap-window.h"
#include "gui-test-util.h"
#include "mbtiles-fixtures.h"

/* What is pending, but not forever: a window's frame clock may always
 * have one more thing to do. */
static void
spin (void)
{
  for (guint i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

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

/* Each channel within @tolerance (WebP's encoder may round a color). */
static gboolean
color_near (guint32 color,
            guint32 expected,
            int     tolerance)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (ABS ((int) ((color >> shift) & 0xff) - (int) ((expected >> shift) & 0xff)) > tolerance)
      return FALSE;
  return TRUE;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
webp_loader_present (void)
{
  GSList *formats = gdk_pixbuf_get_formats ();
  gboolean found = FALSE;

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *name = gdk_pixbuf_format_get_name (l->data);

      if (g_strcmp0 (name, "webp") == 0 && gdk_pixbuf_format_is_writable (l->data))
        found = TRUE;
    }
  g_slist_free (formats);
  return found;
}

/* The fixture's tiles, re-encoded as lossless WebP (the colors exact). */
static void
convert_to_webp (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *select = NULL;
  sqlite3_stmt *update = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid, tile_data FROM tiles", -1, &select, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE tiles SET tile_data = ?2 WHERE rowid = ?1", -1, &update, NULL), ==, SQLITE_OK);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      g_autoptr (GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
      g_autoptr (GError) error = NULL;
      g_autofree char *webp = NULL;
      gsize size;

      g_assert_true (gdk_pixbuf_loader_write (loader, sqlite3_column_blob (select, 1),
                                              sqlite3_column_bytes (select, 1), &error));
      g_assert_true (gdk_pixbuf_loader_close (loader, &error));
      g_assert_true (gdk_pixbuf_save_to_buffer (gdk_pixbuf_loader_get_pixbuf (loader), &webp, &size,
                                                "webp", &error, "lossless", "true", NULL));
      g_assert_no_error (error);
      sqlite3_bind_int64 (update, 1, sqlite3_column_int64 (select, 0));
      sqlite3_bind_blob (update, 2, webp, size, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (update), ==, SQLITE_DONE);
      sqlite3_reset (update);
    }
  sqlite3_finalize (select);
  sqlite3_finalize (update);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE metadata SET value = 'webp' WHERE name = 'format'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The map view with the fixture as base map: the tile under a known pixel
 * has the fixture's color; zoom range and notice follow the file. */
static void
test_map_view (gconstpointer data)
{
  const char *format = data;
  int tolerance = g_str_equal (format, "webp") ? 4 : 0;
  g_autofree char *name = g_strdup_printf ("district-%s.mbtiles", format);
  g_autofree char *path = write_fixture (name, "png");
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window;
  AmapMapView *view;
  GtkWidget *simple_map;
  ShumateViewport *viewport;
  ShumateMapSource *renderer;
  gboolean timed_out = FALSE;
  guint32 expected = mbtiles_fixture_color (2, 1, 1);
  guint32 pixel = 0;
  guint timeout_id;

  if (g_str_equal (format, "webp"))
    {
      g_autoptr (AmapMbtiles) mbtiles = NULL;
      g_autoptr (GError) error = NULL;

      if (!webp_loader_present ())
        {
          g_test_skip ("No WebP loader for gdk-pixbuf (Debian: webp-pixbuf-loader)");
          return;
        }
      convert_to_webp (path);
      mbtiles = amap_mbtiles_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (amap_mbtiles_get_format (mbtiles), ==, "webp");
    }

  g_settings_set_string (settings, "mbtiles-path", path);
  g_settings_set_string (settings, "base-map", "mbtiles");
  window = gtk_window_new ();
  view = AMAP_MAP_VIEW (amap_map_view_new ());
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
  while (!timed_out && !color_near (pixel = widget_pixel (GTK_WIDGET (view), 272, 172), expected, tolerance))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_test_message ("pixel %06x, expected %06x", pixel, expected);
  g_assert_false (timed_out);
  g_clear_handle_id (&timeout_id, g_source_remove);
  /* Tile x 2, y 2 is below and right of the centre. */
  pixel = widget_pixel (GTK_WIDGET (view), 528, 428);
  g_test_message ("pixel %06x, expected %06x", pixel, mbtiles_fixture_color (2, 2, 2));
  g_assert_true (color_near (pixel, mbtiles_fixture_color (2, 2, 2), tolerance));

  if (g_getenv ("AMAP_MBTILES_SCREENSHOT") != NULL && g_str_equal (format, "png"))
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

static gboolean
drop_file (GtkWidget  *window,
           const char *path)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (window);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GSList *files = g_slist_prepend (NULL, file);
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  gboolean found = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &accepted);
          found = TRUE;
          break;
        }
    }
  g_value_unset (&value);
  g_assert_true (found);
  return accepted;
}

/* A .mbtiles dropped on the window becomes the base map; a vector one is
 * refused and changes nothing. */
static void
test_window_drop (void)
{
  g_autofree char *raster = write_fixture ("dropped.mbtiles", "png");
  g_autofree char *vector = write_fixture ("dropped-vector.mbtiles", "pbf");
  g_autofree char *map_path = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GError) error = NULL;
  g_autoptr (AmapStore) store = NULL;
  g_autofree char *base_map = NULL;
  g_autofree char *mbtiles_path = NULL;
  AmapWindow *window;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  map_path = g_build_filename (g_get_user_data_dir (), "drop.assetmap", NULL);
  store = amap_store_open (map_path, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "base-map", "openstreetmap");
  g_settings_set_string (settings, "mbtiles-path", "");

  window = amap_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (drop_file (GTK_WIDGET (window), vector));
  base_map = g_settings_get_string (settings, "base-map");
  g_assert_cmpstr (base_map, ==, "openstreetmap");
  g_clear_pointer (&base_map, g_free);

  g_assert_true (drop_file (GTK_WIDGET (window), raster));
  base_map = g_settings_get_string (settings, "base-map");
  g_assert_cmpstr (base_map, ==, "mbtiles");
  mbtiles_path = g_settings_get_string (settings, "mbtiles-path");
  g_assert_cmpstr (mbtiles_path, ==, raster);

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

/* The one message dialog on screen, or NULL. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        {
          g_assert_null (found);
          found = ADW_MESSAGE_DIALOG (window);
        }
    }
  return found;
}

static GtkLabel *
find_label_containing (GtkWidget  *widget,
                       const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label_containing (child, text);

      if (label != NULL)
        return label;
    }
  return NULL;
}

static void
close_dialog (AdwMessageDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin ();
  g_assert_null (find_message_dialog ());
}

/* "Save Area for Offline Use": OpenStreetMap explains its policy; a server
 * not marked as allowing downloads is asked about; an allowed one gets the
 * count and size first, and a range over the cap cannot be started. */
static void
test_save_area_dialogs (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *toasts = adw_toast_overlay_new ();
  AdwMessageDialog *dialog;
  GtkSpinButton *spins[2] = { NULL, NULL };
  GtkWidget *grid;
  GtkLabel *count;
  guint n_spins = 0;

  gtk_window_set_child (GTK_WINDOW (window), toasts);
  gtk_window_present (GTK_WINDOW (window));

  g_settings_set_string (settings, "base-map", "openstreetmap");
  amap_offline_map_save_area (GTK_WINDOW (window), ADW_TOAST_OVERLAY (toasts),
                              -122.23, 37.77, -122.21, 37.78, 15.0);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "OpenStreetMap"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "policy"));
  close_dialog (dialog);

  /* tile.openstreetmap.org typed in as a "custom" server: the same. */
  g_settings_set_string (settings, "tile-url-template", "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
  g_settings_set_string (settings, "base-map", "custom");
  g_settings_set_boolean (settings, "tile-server-allows-download", TRUE);
  amap_offline_map_save_area (GTK_WINDOW (window), ADW_TOAST_OVERLAY (toasts),
                              -122.30, 37.72, -122.15, 37.82, 15.0);
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "OpenStreetMap"));
  close_dialog (dialog);

  g_settings_set_string (settings, "tile-url-template", "https://tiles.example.org/{z}/{x}/{y}.png");
  g_settings_set_boolean (settings, "tile-server-allows-download", FALSE);
  amap_offline_map_save_area (GTK_WINDOW (window), ADW_TOAST_OVERLAY (toasts),
                              -122.23, 37.77, -122.21, 37.78, 15.0);
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "tiles.example.org"));
  g_assert_false (adw_message_dialog_has_response (dialog, "save"));
  close_dialog (dialog);

  g_settings_set_boolean (settings, "tile-server-allows-download", TRUE);
  amap_offline_map_save_area (GTK_WINDOW (window), ADW_TOAST_OVERLAY (toasts),
                              -122.30, 37.72, -122.15, 37.82, 15.0);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  grid = adw_message_dialog_get_extra_child (dialog);
  count = find_label_containing (grid, "tiles, about");
  g_assert_nonnull (count);
  g_test_message ("%s", gtk_label_get_label (count));
  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SPIN_BUTTON (child) && n_spins < 2)
      spins[n_spins++] = GTK_SPIN_BUTTON (child);
  g_assert_cmpuint (n_spins, ==, 2);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spins[0]), ==, 15);

  /* Zoom 15 to 19 over this area: some 50,000 tiles. */
  gtk_spin_button_set_value (spins[1], 19);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  g_assert_nonnull (strstr (gtk_label_get_label (count), "20000"));
  gtk_spin_button_set_value (spins[1], 16);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  adw_message_dialog_response (dialog, "cancel");
  spin ();

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/mbtiles-source/serves-tiles", test_serves_tiles);
  g_test_add_func ("/mbtiles-source/vector", test_vector);
  g_test_add_func ("/mbtiles-source/license", test_license);
  g_test_add_data_func ("/mbtiles-source/map-view/png", "png", test_map_view);
  g_test_add_data_func ("/mbtiles-source/map-view/webp", "webp", test_map_view);
  g_test_add_func ("/mbtiles-source/window-drop", test_window_drop);
  g_test_add_func ("/mbtiles-source/save-area-dialogs", test_save_area_dialogs);

  return g_test_run ();
}
