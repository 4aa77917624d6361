/* test-map-view.c: pins on the map follow the model; clicks select
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "amap-cluster.h"
#include "amap-map-view.h"
#include "amap-pin-layer.h"
#include "amap-pin-render.h"
#include "amap-projection.h"
#include "amap-store.h"
#include "gui-test-util.h"

#define CENTER_LAT 37.7749
#define CENTER_LON -122.2194
#define ZOOM 15.0

typedef struct
{
  AmapStore   *store;
  GListStore  *model;
  GtkWidget   *window;
  AmapMapView *view;
  AmapPinLayer *layer;
} Fixture;

static AmapAsset *
make_asset (const char *uuid,
            const char *category,
            double      latitude,
            double      longitude)
{
  AmapAsset *asset = amap_asset_new (uuid);

  amap_asset_set_uuid (asset, uuid);
  amap_asset_set_category (asset, category);
  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);

  return asset;
}

static void
append (Fixture    *fixture,
        const char *uuid,
        const char *category,
        double      latitude,
        double      longitude)
{
  g_autoptr(AmapAsset) asset = make_asset (uuid, category, latitude, longitude);

  g_list_store_append (fixture->model, asset);
}

static void
wait_for_allocation (Fixture *fixture)
{
  /* Until the layer has its size: no timing involved, the frame clock
   * drives it. */
  while (gtk_widget_get_width (GTK_WIDGET (fixture->layer)) == 0
         || gtk_widget_get_height (GTK_WIDGET (fixture->layer)) == 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "test.assetmap", NULL);

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  fixture->store = amap_store_open (path, &error);
  g_assert_no_error (error);

  fixture->model = g_list_store_new (AMAP_TYPE_ASSET);

  /* Six places about 120 px apart at zoom 15: six single pins. */
  append (fixture, "north-west", "business", CENTER_LAT + 0.004, CENTER_LON - 0.006);
  append (fixture, "north", "faith", CENTER_LAT + 0.004, CENTER_LON);
  append (fixture, "north-east", "park", CENTER_LAT + 0.004, CENTER_LON + 0.006);
  append (fixture, "south-west", "health", CENTER_LAT - 0.004, CENTER_LON - 0.006);
  append (fixture, "south", "library-arts", CENTER_LAT - 0.004, CENTER_LON);
  append (fixture, "south-east", "nonprofit", CENTER_LAT - 0.004, CENTER_LON + 0.006);
  /* Three on one corner, a few meters apart: one badge. */
  append (fixture, "corner-1", "business", CENTER_LAT, CENTER_LON - 0.003);
  append (fixture, "corner-2", "business", CENTER_LAT + 0.00004, CENTER_LON - 0.00303);
  append (fixture, "corner-3", "faith", CENTER_LAT - 0.00004, CENTER_LON - 0.00297);
  /* Listed but not drawn: no location; and far out of view. */
  append (fixture, "no-location", "other", NAN, NAN);
  append (fixture, "far-away", "other", 40.7128, -74.0060);

  fixture->view = AMAP_MAP_VIEW (amap_map_view_new ());
  fixture->layer = amap_map_view_get_pin_layer (fixture->view);
  amap_map_view_set_store (fixture->view, fixture->store);
  amap_map_view_set_model (fixture->view, G_LIST_MODEL (fixture->model));
  /* Before the window is shown: no animation, the view is there at once. */
  amap_map_view_center_on (fixture->view, CENTER_LAT, CENTER_LON, ZOOM);

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->view));
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_allocation (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->model);
  g_clear_object (&fixture->store);
}

static void
test_visible_pins (Fixture       *fixture,
                   gconstpointer  data)
{
  double x, y;

  g_assert_cmpuint (amap_pin_layer_get_n_visible_pins (fixture->layer), ==, 6);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_clusters (fixture->layer), ==, 1);
  /* Six pins and a badge of three; not the unlocated one nor New York. */
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 9);

  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north", &x, &y));
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "no-location", NULL, NULL));
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "far-away", NULL, NULL));
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "corner-1", NULL, NULL));

  /* North of the centre is above it on screen; the centre is the middle. */
  g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (fixture->layer)) / 2.0);
  g_assert_cmpfloat (fabs (x - gtk_widget_get_width (GTK_WIDGET (fixture->layer)) / 2.0), <, 1.0);
}

static void
test_remove_item_removes_pin (Fixture       *fixture,
                              gconstpointer  data)
{
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "south", NULL, NULL));

  /* "south" is the fifth item. */
  g_list_store_remove (fixture->model, 4);

  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "south", NULL, NULL));
  g_assert_cmpuint (amap_pin_layer_get_n_visible_pins (fixture->layer), ==, 5);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 8);

  /* Removing one of the three on the corner (now item 5) leaves a badge
   * of two. */
  g_list_store_remove (fixture->model, 5);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_clusters (fixture->layer), ==, 1);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 7);

  /* An empty model: an empty map. */
  g_list_store_remove_all (fixture->model);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 0);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_click_selects (Fixture       *fixture,
                    gconstpointer  data)
{
  AmapAsset *hit = NULL;
  double x, y;
  guint notified = 0;

  g_signal_connect (fixture->view, "notify::selected-uuid", G_CALLBACK (count_notify), &notified);
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));

  /* A click on the head of the pin, above its tip. */
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north-east", &x, &y));
  g_assert_cmpint (amap_pin_layer_hit_test (fixture->layer, x, y - 20, &hit, NULL, NULL),
                   ==, AMAP_PIN_HIT_PIN);
  g_assert_cmpstr (amap_asset_get_uuid (hit), ==, "north-east");

  amap_map_view_click_at (fixture->view, x, y - 20);
  g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), ==, "north-east");
  g_assert_cmpstr (amap_pin_layer_get_selected_uuid (fixture->layer), ==, "north-east");
  g_assert_cmpuint (notified, ==, 1);

  /* Another pin. */
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "south-west", &x, &y));
  amap_map_view_click_at (fixture->view, x, y - 20);
  g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), ==, "south-west");
  g_assert_cmpuint (notified, ==, 2);

  /* Just below the tip there is only map: the selection goes. */
  amap_map_view_click_at (fixture->view, x, y + 4);
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));
  g_assert_cmpuint (notified, ==, 3);
}

static void
test_selected_leaves_cluster (Fixture       *fixture,
                              gconstpointer  data)
{
  double x, y;

  /* Selecting from the list a pin that sits in a badge draws it alone. */
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "corner-2", NULL, NULL));
  amap_map_view_set_selected_uuid (fixture->view, "corner-2");
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "corner-2", &x, &y));
  g_assert_cmpuint (amap_pin_layer_get_n_visible_pins (fixture->layer), ==, 7);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_clusters (fixture->layer), ==, 1);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 9);

  /* It is drawn on top: a click on it finds it, not the badge below. */
  amap_map_view_click_at (fixture->view, x, y - 20);
  g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), ==, "corner-2");
}

typedef struct
{
  char   *uuid;
  double  latitude;
  double  longitude;
  guint   count;
} Moved;

static void
on_asset_moved (AmapMapView *view,
                const char  *uuid,
                double       latitude,
                double       longitude,
                Moved       *moved)
{
  g_free (moved->uuid);
  moved->uuid = g_strdup (uuid);
  moved->latitude = latitude;
  moved->longitude = longitude;
  moved->count++;
}

static GtkGesture *
find_drag_gesture (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        return GTK_GESTURE (controller);
    }

  return NULL;
}

static void
test_drag_pin (Fixture       *fixture,
               gconstpointer  data)
{
  /* The view holds the input controllers (libshumate 1.0 never picks its
   * layers), and speaks view coordinates. */
  GtkGesture *drag = find_drag_gesture (GTK_WIDGET (fixture->view));
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer));
  Moved moved = { 0 };
  double x, y, vx, vy, dx, dy, expected_lat, expected_lon;

  g_assert_nonnull (drag);
  g_signal_connect (fixture->view, "asset-moved", G_CALLBACK (on_asset_moved), &moved);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north", &x, &y));
  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (fixture->layer),
                                                   GTK_WIDGET (fixture->view),
                                                   x, y, &vx, &vy));

  /* The gesture's own signals, as GTK would emit them for a drag. A
   * press on a pin that is not selected, within the threshold, moves
   * nothing (the click gesture selects it: see /map-view/real-pointer). */
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));
  g_signal_emit_by_name (drag, "drag-begin", vx, vy - 20);
  g_signal_emit_by_name (drag, "drag-update", 2.0, 1.0);
  g_signal_emit_by_name (drag, "drag-end", 2.0, 1.0);
  g_assert_cmpuint (moved.count, ==, 0);
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));

  /* Pressed and dragged in one motion, a pin that is not selected
   * follows the pointer, then asks to be saved there, and is selected. */
  g_signal_emit_by_name (drag, "drag-begin", vx, vy - 20);
  g_signal_emit_by_name (drag, "drag-update", 60.0, 40.0);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north", &dx, &dy));
  g_assert_cmpfloat_with_epsilon (dx, x + 60, 1e-6);
  g_assert_cmpfloat_with_epsilon (dy, y + 40, 1e-6);
  g_signal_emit_by_name (drag, "drag-end", 60.0, 40.0);

  g_assert_cmpuint (moved.count, ==, 1);
  g_assert_cmpstr (moved.uuid, ==, "north");
  g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), ==, "north");
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (fixture->layer),
                                              x + 60, y + 40, &expected_lat, &expected_lon);
  g_assert_cmpfloat_with_epsilon (moved.latitude, expected_lat, 1e-9);
  g_assert_cmpfloat_with_epsilon (moved.longitude, expected_lon, 1e-9);
  /* South-east of where it was. */
  g_assert_cmpfloat (moved.latitude, <, CENTER_LAT + 0.004);
  g_assert_cmpfloat (moved.longitude, >, CENTER_LON);

  /* Nothing is saved by the map: until the model changes, the pin is
   * drawn at the asset's location again. */
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north", &dx, &dy));
  g_assert_cmpfloat_with_epsilon (dx, x, 1e-6);

  /* A click (no movement) on the selected pin moves nothing. */
  g_signal_emit_by_name (drag, "drag-begin", vx, vy - 20);
  g_signal_emit_by_name (drag, "drag-update", 1.0, 1.0);
  g_signal_emit_by_name (drag, "drag-end", 1.0, 1.0);
  g_assert_cmpuint (moved.count, ==, 1);

  g_free (moved.uuid);
}

static void
on_add_requested (AmapMapView *view,
                  double       latitude,
                  double       longitude,
                  double      *where)
{
  where[0] = latitude;
  where[1] = longitude;
}

static void
test_add_mode (Fixture       *fixture,
               gconstpointer  data)
{
  double where[2] = { NAN, NAN };
  double width = gtk_widget_get_width (GTK_WIDGET (fixture->layer));
  double height = gtk_widget_get_height (GTK_WIDGET (fixture->layer));

  g_signal_connect (fixture->view, "add-requested", G_CALLBACK (on_add_requested), where);

  /* Outside add mode, a click on empty map adds nothing. */
  amap_map_view_click_at (fixture->view, width / 2, height / 2);
  g_assert_true (isnan (where[0]));

  /* In add mode, a click at the middle asks for an asset at the centre... */
  amap_map_view_set_adding (fixture->view, TRUE);
  amap_map_view_click_at (fixture->view, width / 2, height / 2);
  g_assert_cmpfloat_with_epsilon (where[0], CENTER_LAT, 1e-4);
  g_assert_cmpfloat_with_epsilon (where[1], CENTER_LON, 1e-4);
  /* ...and add mode ends. */
  g_assert_false (amap_map_view_get_adding (fixture->view));
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));
}

#ifdef GDK_WINDOWING_X11
/* Moves the real pointer with xdotool to (@x, @y) of the pin layer and
 * clicks @button, through the X server like a person would. */
static void
real_click (Fixture *fixture,
            double   x,
            double   y,
            int      button)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = NULL, *sx = NULL, *sy = NULL, *sbutton = NULL;
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (fixture->view));
  double wx, wy, tx, ty;
  int status = -1;

  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (fixture->layer),
                                                   GTK_WIDGET (native), x, y, &wx, &wy));
  /* Window coordinates to the X window's: add the client-side shadow. */
  gtk_native_get_surface_transform (native, &tx, &ty);

  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  sx = g_strdup_printf ("%d", (int) round (wx + tx));
  sy = g_strdup_printf ("%d", (int) round (wy + ty));
  sbutton = g_strdup_printf ("%d", button);
  {
    const char *argv[] = { "xdotool", "mousemove", "--sync", "--window", xid, sx, sy,
                           "click", sbutton, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                  NULL, NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Presses the real pointer at (@x, @y) of the pin layer, moves it by
 * (@dx, @dy) in a few steps and releases it: one motion, as a hand does. */
static void
real_drag (Fixture *fixture,
           double   x,
           double   y,
           double   dx,
           double   dy)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (fixture->view));
  g_autofree char *xid = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  double wx, wy, tx, ty;
  int status = -1;

  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (fixture->layer),
                                                   GTK_WIDGET (native), x, y, &wx, &wy));
  gtk_native_get_surface_transform (native, &tx, &ty);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));

  g_ptr_array_add (argv, g_strdup ("xdotool"));
  for (int step = 0; step <= 4; step++)
    {
      g_ptr_array_add (argv, g_strdup ("mousemove"));
      g_ptr_array_add (argv, g_strdup ("--sync"));
      g_ptr_array_add (argv, g_strdup ("--window"));
      g_ptr_array_add (argv, g_strdup (xid));
      g_ptr_array_add (argv, g_strdup_printf ("%d", (int) round (wx + tx + dx * step / 4)));
      g_ptr_array_add (argv, g_strdup_printf ("%d", (int) round (wy + ty + dy * step / 4)));
      if (step == 0)
        {
          g_ptr_array_add (argv, g_strdup ("mousedown"));
          g_ptr_array_add (argv, g_strdup ("1"));
        }
      g_ptr_array_add (argv, g_strdup ("sleep"));
      g_ptr_array_add (argv, g_strdup ("0.05"));
    }
  g_ptr_array_add (argv, g_strdup ("mouseup"));
  g_ptr_array_add (argv, g_strdup ("1"));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
on_real_asset_moved (AmapMapView *view,
                     const char  *uuid,
                     double       latitude,
                     double       longitude,
                     Moved       *moved)
{
  on_asset_moved (view, uuid, latitude, longitude, moved);
}

/* Runs the main loop until @done is TRUE. The deadline only keeps a broken
 * build from hanging CI; nothing here measures time. */
static void
on_selected_notify (AmapMapView *view,
                    GParamSpec  *pspec,
                    gboolean    *done)
{
  *done = amap_map_view_get_selected_uuid (view) != NULL;
}

static void
on_real_add_requested (AmapMapView *view,
                       double       latitude,
                       double       longitude,
                       gboolean    *done)
{
  *done = TRUE;
}
#endif

/* The tests above call the view's handlers; this one goes through the X
 * server, so it fails if the controllers never see real events (as they
 * did while they sat on a layer, which libshumate 1.0 never picks). */
static void
test_real_pointer (Fixture       *fixture,
                   gconstpointer  data)
{
#ifdef GDK_WINDOWING_X11
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  gboolean selected = FALSE, added = FALSE;
  Moved click_moved = { 0 };
  double x, y;

  if (!GDK_IS_X11_DISPLAY (gtk_widget_get_display (fixture->window)))
    {
      g_test_skip ("Real pointer events need an X11 display (Xvfb)");
      return;
    }
  if (xdotool == NULL)
    {
      g_test_skip ("Real pointer events need xdotool (apt-get install xdotool)");
      return;
    }

  /* Let the window reach the screen before pointing at it. */
  while (!gtk_widget_get_mapped (fixture->window))
    g_main_context_iteration (NULL, TRUE);

  /* A click on a pin's head selects it, and moves nothing (the press
   * also starts the pin's drag gesture). */
  g_signal_connect (fixture->view, "notify::selected-uuid", G_CALLBACK (on_selected_notify), &selected);
  g_signal_connect (fixture->view, "asset-moved", G_CALLBACK (on_real_asset_moved), &click_moved);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north", &x, &y));
  real_click (fixture, x, y - 20, 1);
  gui_test_iterate_until (&selected);
  g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), ==, "north");
  g_assert_cmpuint (click_moved.count, ==, 0);

  /* In add mode a click on empty map asks for an asset there. */
  g_signal_connect (fixture->view, "add-requested", G_CALLBACK (on_real_add_requested), &added);
  amap_map_view_set_adding (fixture->view, TRUE);
  real_click (fixture, gtk_widget_get_width (GTK_WIDGET (fixture->layer)) / 2.0,
              gtk_widget_get_height (GTK_WIDGET (fixture->layer)) / 2.0 + 60, 1);
  gui_test_iterate_until (&added);
  g_assert_true (added);
  g_assert_false (amap_map_view_get_adding (fixture->view));

  /* Press and drag in one motion: a pin that is not selected moves
   * where it is dropped (and is selected). */
  {
    Moved moved = { 0 };
    gint64 deadline;
    double sx, sy;

    g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "south", &sx, &sy));
    g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), !=, "south");
    g_signal_connect (fixture->view, "asset-moved", G_CALLBACK (on_real_asset_moved), &moved);
    real_drag (fixture, sx, sy - 20, 60, 40);
    /* The deadline only keeps a broken build from hanging CI. */
    deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (moved.count == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (moved.count, ==, 1);
    g_assert_cmpstr (moved.uuid, ==, "south");
    g_assert_cmpstr (amap_map_view_get_selected_uuid (fixture->view), ==, "south");
    {
      double expected_lat, expected_lon;

      shumate_viewport_widget_coords_to_location (shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer)),
                                                  GTK_WIDGET (fixture->layer),
                                                  sx + 60, sy + 40, &expected_lat, &expected_lon);
      /* Within a pixel or two of where it was dropped. */
      g_assert_cmpfloat (fabs (moved.latitude - expected_lat), <, 0.0002);
      g_assert_cmpfloat (fabs (moved.longitude - expected_lon), <, 0.0002);
    }
    g_free (moved.uuid);
  }
  g_assert_cmpuint (click_moved.count, ==, 1);
  g_free (click_moved.uuid);
#else
  g_test_skip ("Real pointer events are tested on X11 only");
#endif
}

static void
test_home_marker (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  double x, y;

  /* The school between the pins: its own marker, not a pin. */
  amap_store_set_home (fixture->store, "Fruitvale Elementary", CENTER_LAT - 0.002, CENTER_LON + 0.003, &error);
  g_assert_no_error (error);
  /* amap_store_set_home() emits nothing yet; the view also listens to
   * "reset" (and to "home-changed" once the store has it). */
  g_signal_emit_by_name (fixture->store, "reset");

  shumate_viewport_location_to_widget_coords (shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer)),
                                              GTK_WIDGET (fixture->layer),
                                              CENTER_LAT - 0.002, CENTER_LON + 0.003, &x, &y);
  g_assert_cmpint (amap_pin_layer_hit_test (fixture->layer, x, y, NULL, NULL, NULL),
                   ==, AMAP_PIN_HIT_HOME);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_pins (fixture->layer), ==, 6);

  /* Clicking the home selects nothing. */
  amap_map_view_click_at (fixture->view, x, y);
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));
}

static void
test_base_map_switch (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *map = gtk_widget_get_parent (GTK_WIDGET (fixture->layer));
  guint n_base_layers = 0;

  /* "No base map", then a custom server, then OpenStreetMap again. */
  g_settings_set_string (settings, "base-map", "none");
  g_assert_false (amap_map_view_get_offline (fixture->view));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (fixture->view), "no-base-map"));
  g_settings_set_string (settings, "tile-url-template", "https://tiles.example.org/{z}/{x}/{y}.png");
  g_settings_set_string (settings, "base-map", "custom");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (fixture->view), "no-base-map"));
  g_settings_set_string (settings, "base-map", "openstreetmap");

  /* One base layer, at the bottom; the pins still on top and all there. */
  for (GtkWidget *child = gtk_widget_get_first_child (map);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SHUMATE_IS_MAP_LAYER (child))
      n_base_layers++;
  g_assert_cmpuint (n_base_layers, ==, 1);
  g_assert_true (SHUMATE_IS_MAP_LAYER (gtk_widget_get_first_child (map)));
  /* Only the tour's stop numbers go over the pins. */
  g_assert_true (gtk_widget_get_last_child (map) == GTK_WIDGET (amap_map_view_get_tour_layer (fixture->view)));
  g_assert_true (gtk_widget_get_prev_sibling (gtk_widget_get_last_child (map)) == GTK_WIDGET (fixture->layer));
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 9);
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_click_cluster_zooms_in (Fixture       *fixture,
                             gconstpointer  data)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer));
  double x, y, latitude, longitude, zoom = 0;
  guint count = 0;
  guint wake;

  /* The badge of three sits where the three are. */
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (fixture->layer),
                                              CENTER_LAT, CENTER_LON - 0.003, &x, &y);
  g_assert_cmpint (amap_pin_layer_hit_test (fixture->layer, x, y, NULL, &count, NULL),
                   ==, AMAP_PIN_HIT_CLUSTER);
  g_assert_cmpuint (count, ==, 3);

  amap_map_view_click_at (fixture->view, x, y);
  g_assert_null (amap_map_view_get_selected_uuid (fixture->view));

  wake = g_timeout_add (20, keep_waking, NULL);
  for (guint i = 0; i < 5000; i++)
    {
      amap_map_view_get_view (fixture->view, &latitude, &longitude, &zoom);
      if (zoom >= 18 && fabs (longitude - (CENTER_LON - 0.003)) < 1e-4)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);

  /* Close enough that the three stand apart, and nothing else is in view. */
  g_assert_cmpfloat (zoom, >=, 18);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_clusters (fixture->layer), ==, 0);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "corner-1", NULL, NULL));
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "corner-2", NULL, NULL));
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "corner-3", NULL, NULL));
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 3);
}

static void
test_fit_assets (Fixture       *fixture,
                 gconstpointer  data)
{
  double latitude, longitude, zoom;
  guint wake;

  /* Without New York, the six pins fit at a neighborhood zoom. */
  g_list_store_remove (fixture->model, 10);
  amap_map_view_fit_assets (fixture->view);

  /* The view animates while mapped: wait for the map to get there (the
   * timeout only keeps the loop waking up; the bound is generous). */
  wake = g_timeout_add (20, keep_waking, NULL);
  for (guint i = 0; i < 5000; i++)
    {
      amap_map_view_get_view (fixture->view, &latitude, &longitude, &zoom);
      if (fabs (latitude - CENTER_LAT) < 1e-5 && fabs (longitude - CENTER_LON) < 1e-5 && zoom > 14)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);

  g_assert_cmpfloat_with_epsilon (latitude, CENTER_LAT, 1e-4);
  g_assert_cmpfloat_with_epsilon (longitude, CENTER_LON, 1e-4);
  g_assert_cmpfloat (zoom, >, 14);
  g_assert_cmpfloat (zoom, <=, 17);
  /* Everything with a location is in view (the badge of three included). */
  g_assert_cmpuint (amap_pin_layer_get_n_visible_assets (fixture->layer), ==, 9);
}

/* A crowd: @n assets spread over a box of a few kilometres around the
 * centre, a few of them in tight knots. */
static void
append_crowd (Fixture *fixture,
              guint    n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_strdup_printf ("crowd-%u", i);
      double lat = CENTER_LAT + g_rand_double_range (rand, -0.03, 0.03);
      double lon = CENTER_LON + g_rand_double_range (rand, -0.04, 0.04);

      if (i % 5 == 0)
        {
          lat = CENTER_LAT + 0.01 * (i % 3) + g_rand_double_range (rand, -0.001, 0.001);
          lon = CENTER_LON - 0.01 * (i % 4) + g_rand_double_range (rand, -0.001, 0.001);
        }
      append (fixture, uuid, i % 3 ? "park" : "business", lat, lon);
    }
}

static int
compare_badges (gconstpointer a,
                gconstpointer b)
{
  const AmapPinLayerBadge *ba = a;
  const AmapPinLayerBadge *bb = b;

  if (ba->y != bb->y)
    return ba->y < bb->y ? -1 : 1;
  return ba->x < bb->x ? -1 : (ba->x > bb->x ? 1 : 0);
}

/* What clustering every located item but @except afresh, in the world
 * pixels of zoom @step, shows in the current view: the badges (sorted) and
 * the number of single pins. */
static GArray *
fresh_badges (Fixture    *fixture,
              int         step,
              const char *except,
              guint      *n_pins)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer));
  GListModel *model = G_LIST_MODEL (fixture->model);
  double map_size = amap_projection_get_map_size (step);
  double width = gtk_widget_get_width (GTK_WIDGET (fixture->layer));
  double height = gtk_widget_get_height (GTK_WIDGET (fixture->layer));
  double margin = 46.0 * 1.2 + AMAP_PIN_RENDER_CELL_SIZE;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (AmapClusterPoint));
  g_autoptr(GPtrArray) clusters = NULL;
  GArray *badges = g_array_new (FALSE, FALSE, sizeof (AmapPinLayerBadge));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, i);
      AmapClusterPoint point = { 0 };
      double ux, uy;

      if (!amap_asset_get_has_location (asset)
          || g_strcmp0 (amap_asset_get_uuid (asset), except) == 0)
        continue;
      amap_projection_location_to_unit (amap_asset_get_latitude (asset),
                                        amap_asset_get_longitude (asset), &ux, &uy);
      point.x = ux * map_size;
      point.y = uy * map_size;
      point.id = i;
      g_array_append_val (points, point);
    }
  clusters = amap_cluster_points ((AmapClusterPoint *) (void *) points->data, points->len,
                                  step >= AMAP_PIN_RENDER_CLUSTER_MAX_ZOOM ? 1e-6 : AMAP_PIN_RENDER_CELL_SIZE);

  *n_pins = 0;
  for (guint c = 0; c < clusters->len; c++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, c);
      AmapPinLayerBadge badge = { 0 };
      double lat, lon;

      amap_projection_pixels_to_location (cluster->x, cluster->y, step, &lat, &lon);
      shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (fixture->layer),
                                                  lat, lon, &badge.x, &badge.y);
      if (badge.x < -margin || badge.x > width + margin
          || badge.y < -margin || badge.y > height + margin)
        continue;
      if (cluster->n_members == 1)
        {
          (*n_pins)++;
          continue;
        }
      badge.count = cluster->n_members;
      g_array_append_val (badges, badge);
    }
  g_array_sort (badges, compare_badges);

  return badges;
}

/* The layer's badges and pins are those of a fresh clustering at @step. */
static void
assert_fresh_clusters (Fixture    *fixture,
                       int         step,
                       const char *except)
{
  g_autoptr(GArray) shown = amap_pin_layer_dup_visible_badges (fixture->layer);
  guint n_pins = 0;
  g_autoptr(GArray) fresh = fresh_badges (fixture, step, except, &n_pins);

  g_array_sort (shown, compare_badges);
  g_assert_cmpuint (shown->len, ==, fresh->len);
  g_assert_cmpuint (shown->len, >, 3);
  for (guint i = 0; i < shown->len; i++)
    {
      AmapPinLayerBadge *a = &g_array_index (shown, AmapPinLayerBadge, i);
      AmapPinLayerBadge *b = &g_array_index (fresh, AmapPinLayerBadge, i);

      g_assert_cmpuint (a->count, ==, b->count);
      g_assert_cmpfloat_with_epsilon (a->x, b->x, 1e-3);
      g_assert_cmpfloat_with_epsilon (a->y, b->y, 1e-3);
    }
  /* The pin kept out of clustering is drawn on its own. */
  g_assert_cmpuint (amap_pin_layer_get_n_visible_pins (fixture->layer), ==,
                    n_pins + (except != NULL
                              && amap_pin_layer_get_pin_position (fixture->layer, except, NULL, NULL)));
}

static void
set_view (Fixture *fixture,
          double   latitude,
          double   longitude,
          double   zoom)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer));

  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), latitude, longitude);
}

/* The clusters of a zoom step are made once and kept while the view pans
 * and zooms between half steps: what is drawn is what clustering afresh at
 * that step gives, wherever the view is; a change of the pins or of the
 * step makes them again. */
static void
test_steps_equal_fresh_clusters (Fixture       *fixture,
                                 gconstpointer  data)
{
  static const double pans[][2] = {
    { 0, 0 }, { 0.012, -0.02 }, { -0.015, 0.018 }, { 0.02, 0.025 }, { 0, 0 },
  };

  append_crowd (fixture, 1500);

  for (guint i = 0; i < G_N_ELEMENTS (pans); i++)
    {
      set_view (fixture, CENTER_LAT + pans[i][0], CENTER_LON + pans[i][1], 13.4);
      assert_fresh_clusters (fixture, 13, NULL);
    }

  /* Past the half step, the next step's clusters, kept across a pan too. */
  set_view (fixture, CENTER_LAT, CENTER_LON, 13.6);
  assert_fresh_clusters (fixture, 14, NULL);
  set_view (fixture, CENTER_LAT + 0.01, CENTER_LON - 0.01, 14.3);
  assert_fresh_clusters (fixture, 14, NULL);
  set_view (fixture, CENTER_LAT, CENTER_LON, 12.6);
  assert_fresh_clusters (fixture, 13, NULL);

  /* New pins: new clusters. */
  append (fixture, "knot-1", "park", CENTER_LAT + 0.02, CENTER_LON + 0.03);
  append (fixture, "knot-2", "park", CENTER_LAT + 0.02001, CENTER_LON + 0.03001);
  append (fixture, "knot-3", "park", CENTER_LAT + 0.02002, CENTER_LON + 0.02999);
  set_view (fixture, CENTER_LAT + 0.02, CENTER_LON + 0.03, 12.8);
  assert_fresh_clusters (fixture, 13, NULL);
  g_list_store_remove (fixture->model, 0);
  assert_fresh_clusters (fixture, 13, NULL);
}

/* The selected pin and the dragged one never hide in a badge, at any step
 * and wherever the view pans; the others cluster as if they were not there. */
static void
test_selected_never_clustered (Fixture       *fixture,
                               gconstpointer  data)
{
  double x, y, lat, lon;

  append_crowd (fixture, 1500);
  set_view (fixture, CENTER_LAT, CENTER_LON, 13.2);
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "crowd-5", NULL, NULL));

  amap_map_view_set_selected_uuid (fixture->view, "crowd-5");
  for (double zoom = 11.0; zoom <= 16.5; zoom += 0.75)
    {
      set_view (fixture, CENTER_LAT + 0.001 * zoom, CENTER_LON - 0.0005 * zoom, zoom);
      g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "crowd-5", NULL, NULL));
      if (zoom <= 14)
        assert_fresh_clusters (fixture, (int) round (zoom), "crowd-5");
    }

  /* Dragging another pin of a knot: it follows the pointer, on its own. */
  set_view (fixture, CENTER_LAT, CENTER_LON, 13.2);
  amap_map_view_set_selected_uuid (fixture->view, NULL);
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "crowd-10", NULL, NULL));
  amap_pin_layer_set_drag (fixture->layer, "crowd-10", 200, 150);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "crowd-10", &x, &y));
  g_assert_cmpfloat (x, ==, 200);
  g_assert_cmpfloat (y, ==, 150);
  assert_fresh_clusters (fixture, 13, "crowd-10");
  amap_pin_layer_set_drag (fixture->layer, "crowd-10", 260, 190);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "crowd-10", &x, &y));
  g_assert_cmpfloat (x, ==, 260);
  amap_pin_layer_set_drag (fixture->layer, NULL, 0, 0);
  g_assert_false (amap_pin_layer_get_pin_position (fixture->layer, "crowd-10", NULL, NULL));
  assert_fresh_clusters (fixture, 13, NULL);

  /* A single pin sits where the map puts its location. */
  set_view (fixture, CENTER_LAT + 0.0041, CENTER_LON + 0.0002, 17.5);
  g_assert_true (amap_pin_layer_get_pin_position (fixture->layer, "north", &x, &y));
  shumate_viewport_location_to_widget_coords (shumate_layer_get_viewport (SHUMATE_LAYER (fixture->layer)),
                                              GTK_WIDGET (fixture->layer),
                                              CENTER_LAT + 0.004, CENTER_LON, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (x, lat, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, lon, 1e-6);
}

/* The layer drawn in @drawing by the cairo renderer, as ARGB bytes. */
static guchar *
render_layer (Fixture        *fixture,
              AmapPinDrawing  drawing,
              int            *width,
              int            *height)
{
  GtkWidget *widget = GTK_WIDGET (fixture->layer);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  guchar *pixels;

  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  amap_pin_layer_set_drawing (fixture->layer, drawing);
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  pixels = g_malloc ((gsize) *width * *height * 4);
  gdk_texture_download (texture, pixels, (gsize) *width * 4);
  gsk_renderer_unrealize (renderer);
  amap_pin_layer_set_drawing (fixture->layer, AMAP_PIN_DRAWING_AUTO);

  return pixels;
}

/* Pins and badges painted into one cairo node (the cairo renderer's way)
 * are the pixels the texture nodes give. */
static void
test_cairo_drawing_equals_textures (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree guchar *textures = NULL;
  g_autofree guchar *cairo = NULL;
  int width, height, cairo_width, cairo_height;
  guint drawn = 0;

  append_crowd (fixture, 600);
  amap_map_view_set_selected_uuid (fixture->view, "crowd-7");
  amap_pin_layer_set_home (fixture->layer, TRUE, CENTER_LAT - 0.001, CENTER_LON + 0.002);
  set_view (fixture, CENTER_LAT + 0.003, CENTER_LON - 0.002, 14.3);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_clusters (fixture->layer), >, 3);
  g_assert_cmpuint (amap_pin_layer_get_n_visible_pins (fixture->layer), >, 3);

  textures = render_layer (fixture, AMAP_PIN_DRAWING_TEXTURES, &width, &height);
  cairo = render_layer (fixture, AMAP_PIN_DRAWING_CAIRO, &cairo_width, &cairo_height);
  g_assert_cmpint (width, ==, cairo_width);
  g_assert_cmpint (height, ==, cairo_height);
  for (gsize i = 0; i < (gsize) width * height * 4; i++)
    {
      g_assert_cmpint (ABS ((int) textures[i] - (int) cairo[i]), <=, 1);
      drawn += textures[i] != 0;
    }
  /* Not two empty pictures. */
  g_assert_cmpuint (drawn, >, 10000);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add ("/map-view/visible-pins", Fixture, NULL,
              fixture_set_up, test_visible_pins, fixture_tear_down);
  g_test_add ("/map-view/remove-item-removes-pin", Fixture, NULL,
              fixture_set_up, test_remove_item_removes_pin, fixture_tear_down);
  g_test_add ("/map-view/click-selects", Fixture, NULL,
              fixture_set_up, test_click_selects, fixture_tear_down);
  g_test_add ("/map-view/steps-equal-fresh-clusters", Fixture, NULL,
              fixture_set_up, test_steps_equal_fresh_clusters, fixture_tear_down);
  g_test_add ("/map-view/cairo-drawing-equals-textures", Fixture, NULL,
              fixture_set_up, test_cairo_drawing_equals_textures, fixture_tear_down);
  g_test_add ("/map-view/selected-never-clustered", Fixture, NULL,
              fixture_set_up, test_selected_never_clustered, fixture_tear_down);
  g_test_add ("/map-view/selected-leaves-cluster", Fixture, NULL,
              fixture_set_up, test_selected_leaves_cluster, fixture_tear_down);
  g_test_add ("/map-view/drag-pin", Fixture, NULL,
              fixture_set_up, test_drag_pin, fixture_tear_down);
  g_test_add ("/map-view/add-mode", Fixture, NULL,
              fixture_set_up, test_add_mode, fixture_tear_down);
  g_test_add ("/map-view/real-pointer", Fixture, NULL,
              fixture_set_up, test_real_pointer, fixture_tear_down);
  g_test_add ("/map-view/home-marker", Fixture, NULL,
              fixture_set_up, test_home_marker, fixture_tear_down);
  g_test_add ("/map-view/base-map-switch", Fixture, NULL,
              fixture_set_up, test_base_map_switch, fixture_tear_down);
  g_test_add ("/map-view/click-cluster-zooms-in", Fixture, NULL,
              fixture_set_up, test_click_cluster_zooms_in, fixture_tear_down);
  g_test_add ("/map-view/fit-assets", Fixture, NULL,
              fixture_set_up, test_fit_assets, fixture_tear_down);

  return g_test_run ();
}
