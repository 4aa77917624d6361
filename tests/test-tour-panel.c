/* test-tour-panel.c: planning a bus tour in the window (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "amap-import.h"
#include "amap-itinerary.h"
#include "amap-map-view.h"
#include "amap-sample-tour.h"
#include "amap-store.h"
#include "amap-tour-panel.h"
#include "amap-tour-settings-row.h"
#include "amap-tour-plan.h"
#include "amap-window.h"
#include "gui-test-util.h"

#define HOME_LAT 37.7772
#define HOME_LON -122.2236

typedef struct
{
  char       *dir;
  AmapStore  *store;
  AmapWindow *window;
  GPtrArray  *uuids;     /* of the assets, in the order they were added */
} Fixture;

/* Runs the main loop until @done is TRUE. The deadline only keeps a broken
 * build from hanging CI; nothing here measures time. */
static void
add_asset (Fixture    *fixture,
           const char *name,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, "nonprofit");
  amap_asset_set_location (asset, latitude, longitude);
  amap_store_add_asset (fixture->store, asset, &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->uuids, g_strdup (amap_asset_get_uuid (asset)));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  g_settings_set_string (settings, "routing-url", "");
  g_settings_set_double (settings, "detour-factor", 1.3);
  /* No tiles from the network in tests. */
  g_settings_set_string (settings, "base-map", "none");

  fixture->store = gui_test_open_store ("amap-tour-panel-XXXXXX", &fixture->dir);
  amap_store_set_home (fixture->store, "Fruitvale Elementary", HOME_LAT, HOME_LON, &error);
  g_assert_no_error (error);

  fixture->uuids = g_ptr_array_new_with_free_func (g_free);
  /* East, west, east again, and north: a zig-zag in this order. */
  add_asset (fixture, "East Market", 37.7772, -122.2150);
  add_asset (fixture, "West Library", 37.7772, -122.2320);
  add_asset (fixture, "East Clinic", 37.7760, -122.2160);
  add_asset (fixture, "North Park", 37.7830, -122.2236);

  fixture->window = amap_window_new (NULL, fixture->store);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_test_spin ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  g_clear_object (&fixture->store);
  g_ptr_array_unref (fixture->uuids);

  test_util_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static AmapTourPanel *
get_panel (Fixture *fixture)
{
  GtkWidget *panel = amap_window_get_tour_panel (fixture->window);

  g_assert_true (AMAP_IS_TOUR_PANEL (panel));
  return AMAP_TOUR_PANEL (panel);
}

/* The tour's stops as "0,2,1" (indexes into fixture->uuids). */
static char *
stop_order (Fixture  *fixture,
            AmapTour *tour)
{
  GString *order = g_string_new (NULL);

  for (guint i = 0; i < amap_tour_get_n_stops (tour); i++)
    {
      const char *uuid = amap_tour_stop_get_asset_uuid (amap_tour_get_stop (tour, i));
      guint index;

      g_assert_true (g_ptr_array_find_with_equal_func (fixture->uuids, uuid, g_str_equal, &index));
      g_string_append_printf (order, i == 0 ? "%u" : ",%u", index);
    }

  return g_string_free (order, FALSE);
}

static char *
stored_order (Fixture *fixture)
{
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(GError) error = NULL;

  tour = amap_store_get_tour (fixture->store, amap_tour_panel_get_tour_id (get_panel (fixture)), &error);
  g_assert_no_error (error);
  return stop_order (fixture, tour);
}

static void
add_stop (Fixture *fixture,
          guint    index)
{
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-stop", "s",
                              g_ptr_array_index (fixture->uuids, index));
  gui_test_spin ();
}

static void
on_busy_notify (AmapTourPanel *panel,
                GParamSpec    *pspec,
                gboolean      *done)
{
  *done = !amap_tour_panel_get_busy (panel);
}

/* The totals the panel should show, computed here from the core's own
 * schedule of the stored tour (C locale: kilometres, 24-hour clock). */
static char *
expected_totals (Fixture *fixture)
{
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *back = NULL;
  AmapSchedule *schedule;
  int driving, total;

  tour = amap_store_get_tour (fixture->store, amap_tour_panel_get_tour_id (get_panel (fixture)), &error);
  g_assert_no_error (error);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  schedule = amap_tour_plan_get_schedule (plan, 0);

  driving = (int) ceil (amap_schedule_get_driving_s (schedule) / 60.0 - 1e-6);
  total = (int) ceil (amap_schedule_get_total_s (schedule) / 60.0 - 1e-6);
  back = g_date_time_format (amap_schedule_get_return (schedule), "%H:%M");
  g_assert_cmpint (driving, <, 60);
  g_assert_cmpint (total, >=, 60);

  return g_strdup_printf ("%u stops · %.1f km · %d min driving\n%d h %02d min in all · back at %s",
                          amap_tour_plan_get_n_stops (plan, 0),
                          amap_schedule_get_distance_m (schedule) / 1000.0, driving,
                          total / 60, total % 60, back);
}

/* The scenario: stops through the window's actions (one at a
 * time, and two rows of the list at once), a reorder, Optimize Order, and
 * one undo that brings the user's order back; the totals are the core's. */
static void
test_plan_optimize_undo (Fixture       *fixture,
                         gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  GListModel *list = amap_window_get_asset_model (fixture->window);
  g_autoptr(GError) error = NULL;
  g_autofree char *users_order = NULL;
  g_autofree char *optimized = NULL;
  g_autofree char *totals = NULL;
  g_autofree char *expected = NULL;
  double before_m, after_m;
  gboolean done = FALSE;

  /* No tour yet: the first stop makes one. */
  g_assert_null (amap_tour_panel_get_tour (panel));
  add_stop (fixture, 0);
  add_stop (fixture, 1);
  g_assert_nonnull (amap_tour_panel_get_tour (panel));
  g_assert_cmpuint (amap_tour_get_n_stops (amap_tour_panel_get_tour (panel)), ==, 2);
  {
    g_autofree char *order = stored_order (fixture);
    g_assert_cmpstr (order, ==, "0,1");
  }

  /* A stop already on the tour is not added twice. */
  add_stop (fixture, 1);
  g_assert_cmpuint (amap_tour_get_n_stops (amap_tour_panel_get_tour (panel)), ==, 2);

  /* Two rows selected in the asset list, then "Add to Tour": one step. */
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (list, i);
      const char *uuid = amap_asset_get_uuid (asset);

      if (g_strcmp0 (uuid, g_ptr_array_index (fixture->uuids, 2)) == 0
          || g_strcmp0 (uuid, g_ptr_array_index (fixture->uuids, 3)) == 0)
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (list), i, FALSE);
    }
  gui_test_spin ();
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-to-tour", NULL);
  gui_test_spin ();
  {
    /* In the list's order (by name): East Clinic, North Park. */
    g_autofree char *order = stored_order (fixture);
    g_assert_cmpstr (order, ==, "0,1,2,3");
  }
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Add 2 Stops");
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (list));
  gui_test_spin ();

  /* Selecting a stop on the map selects it in the panel; Alt+Up's action
   * moves it up. */
  amap_map_view_set_selected_uuid (map_view, g_ptr_array_index (fixture->uuids, 2));
  gui_test_spin ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.move-up", NULL));
  gui_test_spin ();
  users_order = stored_order (fixture);
  g_assert_cmpstr (users_order, ==, "0,2,1,3");
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Reorder Stops");

  /* The panel's totals are the core's schedule of what is stored. */
  totals = amap_tour_panel_dup_totals (panel);
  expected = expected_totals (fixture);
  g_assert_cmpstr (totals, ==, expected);
  before_m = amap_schedule_get_distance_m (amap_tour_plan_get_schedule (amap_tour_panel_get_plan (panel), 0));

  /* Optimize Order runs off the main thread. */
  g_signal_connect (panel, "notify::busy", G_CALLBACK (on_busy_notify), &done);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.optimize", NULL));
  g_assert_true (amap_tour_panel_get_busy (panel));
  gui_test_iterate_until (&done);
  g_assert_true (done);
  gui_test_spin ();

  optimized = stored_order (fixture);
  g_assert_cmpstr (optimized, !=, users_order);
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Optimize Order");
  after_m = amap_schedule_get_distance_m (amap_tour_plan_get_schedule (amap_tour_panel_get_plan (panel), 0));
  g_assert_cmpfloat (after_m, <, before_m);
  {
    g_autofree char *panel_order = stop_order (fixture, amap_tour_panel_get_tour (panel));
    g_autofree char *new_totals = amap_tour_panel_dup_totals (panel);
    g_autofree char *new_expected = expected_totals (fixture);

    g_assert_cmpstr (panel_order, ==, optimized);
    g_assert_cmpstr (new_totals, ==, new_expected);
  }

  /* One undo: the user's order again, in the store and in the panel. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  {
    g_autofree char *order = stored_order (fixture);
    g_autofree char *panel_order = stop_order (fixture, amap_tour_panel_get_tour (panel));

    g_assert_cmpstr (order, ==, users_order);
    g_assert_cmpstr (panel_order, ==, users_order);
  }
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Reorder Stops");

  /* Reverse, and the keyboard's remove. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.reverse", NULL));
  gui_test_spin ();
  {
    g_autofree char *order = stored_order (fixture);
    g_assert_cmpstr (order, ==, "3,1,2,0");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.remove-stop", NULL));
  gui_test_spin ();
  {
    g_autofree char *order = stored_order (fixture);
    g_assert_cmpstr (order, ==, "3,1,0");
  }
  g_assert_no_error (error);
}

/* A latest return before the bus can be back is said in words; so is the
 * straight-line model when no routing server is set. */
static void
test_late_warning (Fixture       *fixture,
                   gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(GDateTime) departure = g_date_time_new_local (2026, 12, 3, 9, 0, 0);
  g_autoptr(GDateTime) latest = g_date_time_new_local (2026, 12, 3, 9, 20, 0);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4; i++)
    add_stop (fixture, i);
  g_assert_null (amap_tour_panel_get_late_warning (panel));
  g_assert_nonnull (strstr (amap_tour_panel_get_routing_status (panel), "straight lines × 1.3"));

  /* Four stops of 15 minutes cannot be done in 20 minutes. */
  tour = amap_tour_copy (amap_tour_panel_get_tour (panel));
  amap_tour_set_departure (tour, departure);
  amap_tour_set_latest_return (tour, latest);
  amap_store_update_tour (fixture->store, tour, NULL, &error);
  g_assert_no_error (error);
  gui_test_spin ();

  g_assert_nonnull (amap_tour_panel_get_late_warning (panel));
  g_assert_true (g_str_has_prefix (amap_tour_panel_get_late_warning (panel), "The bus is back at 10:"));
  g_assert_nonnull (strstr (amap_tour_panel_get_late_warning (panel), "after the latest return (09:20)"));

  /* Two buses, split: each is shorter, the warning names the bus. */
  tour = (g_object_unref (tour), amap_tour_copy (amap_tour_panel_get_tour (panel)));
  amap_tour_set_n_buses (tour, 2);
  amap_store_update_tour (fixture->store, tour, NULL, &error);
  g_assert_no_error (error);
  gui_test_spin ();
  {
    gboolean done = FALSE;

    g_signal_connect (panel, "notify::busy", G_CALLBACK (on_busy_notify), &done);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.split", NULL));
    gui_test_iterate_until (&done);
    gui_test_spin ();
  }
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Split Across Buses");
  g_assert_cmpuint (amap_tour_plan_get_n_stops (amap_tour_panel_get_plan (panel), 0), >=, 1);
  g_assert_cmpuint (amap_tour_plan_get_n_stops (amap_tour_panel_get_plan (panel), 1), >=, 1);
  g_assert_true (g_str_has_prefix (amap_tour_panel_get_late_warning (panel), "Bus "));
}

/* An OSRM-compatible server on 127.0.0.1: road legs are fetched through
 * the panel, stored in the map and drawn; a server answering garbage
 * falls back to straight legs and says so. */
static gboolean serve_garbage;

static void
osrm_handler (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  g_auto(GStrv) pairs = NULL;
  GString *json;
  const char *coords;
  guint n;

  if (serve_garbage)
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, "<html>", 6);
      return;
    }

  /* /route/v1/driving/lon,lat;lon,lat;… : a leg per pair, as a polyline
   * of the two ends (precision 6), 1000 m and 120 s each. */
  coords = strrchr (path, '/') + 1;
  pairs = g_strsplit (coords, ";", -1);
  n = g_strv_length (pairs);
  json = g_string_new ("{\"code\":\"Ok\",\"routes\":[{\"distance\":");
  g_string_append_printf (json, "%u,\"duration\":%u,\"geometry\":\"", 1000 * (n - 1), 120 * (n - 1));
  {
    /* Google's polyline encoding of all points, precision 1e6. */
    long prev_lat = 0, prev_lon = 0;

    for (guint i = 0; i < n; i++)
      {
        double lon = g_ascii_strtod (pairs[i], NULL);
        double lat = g_ascii_strtod (strchr (pairs[i], ',') + 1, NULL);
        long values[2] = { lround (lat * 1e6) - prev_lat, lround (lon * 1e6) - prev_lon };

        prev_lat = lround (lat * 1e6);
        prev_lon = lround (lon * 1e6);
        for (int k = 0; k < 2; k++)
          {
            unsigned long v = values[k] < 0 ? ~((unsigned long) values[k] << 1) : (unsigned long) values[k] << 1;

            while (v >= 0x20)
              {
                g_string_append_c (json, (char) ((0x20 | (v & 0x1f)) + 63));
                v >>= 5;
              }
            g_string_append_c (json, (char) (v + 63));
          }
      }
  }
  g_string_append (json, "\",\"legs\":[");
  for (guint i = 0; i + 1 < n; i++)
    g_string_append_printf (json, "%s{\"distance\":1000,\"duration\":120}", i ? "," : "");
  g_string_append (json, "]}],\"waypoints\":[]}");

  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, json->str, json->len);
  g_string_free (json, TRUE);
}

static void
test_routing (Fixture       *fixture,
              gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *url = NULL;
  gint64 deadline;

  soup_server_add_handler (server, "/route", osrm_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  if (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';

  add_stop (fixture, 0);
  add_stop (fixture, 3);
  g_assert_false (amap_tour_plan_get_on_roads (amap_tour_panel_get_plan (panel)));

  /* Garbage first: straight legs, and the panel says so. */
  serve_garbage = TRUE;
  g_settings_set_string (settings, "routing-url", url);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (strstr (amap_tour_panel_get_routing_status (panel), "did not answer") == NULL
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (strstr (amap_tour_panel_get_routing_status (panel),
                            "The routing server did not answer; showing straight legs"));
  g_assert_false (amap_tour_plan_get_on_roads (amap_tour_panel_get_plan (panel)));

  /* A good answer: the legs follow its geometry and are in the map. */
  serve_garbage = FALSE;
  g_settings_set_string (settings, "routing-url", "");
  g_settings_set_string (settings, "routing-url", url);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!amap_tour_plan_get_on_roads (amap_tour_panel_get_plan (panel))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (amap_tour_plan_get_on_roads (amap_tour_panel_get_plan (panel)));
  g_assert_nonnull (strstr (amap_tour_panel_get_routing_status (panel), "Legs follow the roads"));
  {
    g_autoptr(AmapRouteLeg) leg = amap_store_lookup_route_leg (fixture->store, HOME_LAT, HOME_LON,
                                                               37.7772, -122.2150);
    g_assert_nonnull (leg);
    g_assert_cmpfloat_with_epsilon (leg->distance_m, 1000, 1e-6);
  }

  g_settings_set_string (settings, "routing-url", "");
  gui_test_spin ();
  soup_server_disconnect (server);
}

static char *
run_tool (const char *tool,
          const char *path)
{
  const char *argv[] = { tool, path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (g_str_equal (tool, "pdfinfo"))
    argv[2] = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
assert_in_order (const char         *text,
                 const char * const *names)
{
  const char *at = text;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *found = strstr (at, names[i]);

      if (found == NULL)
        g_error ("“%s” is not after “%.*s…” in:\n%s", names[i], 20, at, text);
      at = found + strlen (names[i]);
    }
}

/* Print… goes through GtkPrintOperation with the itinerary's pages: its
 * own PDF export (what "Print to File" does) has the itinerary's page
 * count and the stops in order. Export Tour… writes GPX and KML. */
static void
test_print_and_export (Fixture       *fixture,
                       gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  g_autofree char *pdf = g_build_filename (fixture->dir, "itinerary.pdf", NULL);
  g_autofree char *gpx = g_build_filename (fixture->dir, "tour.gpx", NULL);
  g_autofree char *kml = g_build_filename (fixture->dir, "tour.kml", NULL);
  g_autofree char *info = NULL, *text = NULL, *contents = NULL;
  const char *pages = NULL;
  g_autoptr(AmapItinerary) itinerary = NULL;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  const char *order[] = { "North Park", "East Market", "East Clinic", "West Library", NULL };
  g_autoptr(GError) error = NULL;
  double width, height;
  gint64 deadline;

  if (pdftotext == NULL)
    {
      g_test_skip ("The itinerary test needs pdftotext and pdfinfo (poppler-utils)");
      return;
    }

  add_stop (fixture, 3);
  add_stop (fixture, 0);
  add_stop (fixture, 2);
  add_stop (fixture, 1);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.print-tour-to", "s", pdf);
  gui_test_spin ();
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));

  itinerary = amap_itinerary_new (amap_tour_panel_get_plan (panel));
  amap_itinerary_get_default_page_size (&width, &height);
  info = run_tool ("pdfinfo", pdf);
  pages = strstr (info, "Pages:");
  g_assert_nonnull (pages);
  g_assert_cmpuint (g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10), ==,
                    amap_itinerary_paginate (itinerary, width, height));
  text = run_tool ("pdftotext", pdf);
  assert_in_order (text, order);

  /* GPX, then KML, in the background. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export-tour-to", "s", gpx);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export-tour-to", "s", kml);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((!g_file_test (gpx, G_FILE_TEST_EXISTS) || !g_file_test (kml, G_FILE_TEST_EXISTS))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  gui_test_spin ();

  g_file_get_contents (gpx, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "<rte>"));
  assert_in_order (contents, order);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (kml, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "<LineString>"));
  assert_in_order (contents, order);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type,
                 double     upper)
{
  /* Visible ones only: the expander row has a hidden switch of its own. */
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_visible (widget)
      && (upper < 0 || gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget))) == upper))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type, upper);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The settings row edits the stored tour: buses, a latest return, the
 * departure time; each one undo step. */
static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  GtkWidget *row, *buses, *hour, *toggle;
  g_autoptr(AmapTour) stored = NULL;
  g_autoptr(GError) error = NULL;

  add_stop (fixture, 0);
  add_stop (fixture, 1);
  row = find_descendant (GTK_WIDGET (panel), AMAP_TYPE_TOUR_SETTINGS_ROW, -1);
  g_assert_nonnull (row);
  buses = find_descendant (row, GTK_TYPE_SPIN_BUTTON, 8);
  hour = find_descendant (row, GTK_TYPE_SPIN_BUTTON, 23);
  toggle = find_descendant (row, GTK_TYPE_SWITCH, -1);
  g_assert_nonnull (buses);
  g_assert_nonnull (hour);
  g_assert_nonnull (toggle);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (buses), 2);
  gui_test_spin ();
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  gui_test_spin ();
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (hour), 14);
  gui_test_spin ();

  stored = amap_store_get_tour (fixture->store, amap_tour_panel_get_tour_id (panel), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_tour_get_n_buses (stored), ==, 2);
  g_assert_nonnull (amap_tour_get_departure (stored));
  g_assert_cmpint (g_date_time_get_hour (amap_tour_get_departure (stored)), ==, 14);
  g_assert_nonnull (amap_tour_get_latest_return (stored));
  g_assert_cmpint (g_date_time_compare (amap_tour_get_latest_return (stored),
                                        amap_tour_get_departure (stored)), >, 0);
  g_assert_cmpuint (amap_tour_get_n_stops (stored), ==, 2);
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Edit Tour “Staff Tour”");

  /* Three steps back: one bus again. */
  for (int i = 0; i < 3; i++)
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_assert_cmpuint (amap_tour_get_n_buses (amap_tour_panel_get_tour (panel)), ==, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (buses)), ==, 1);
}

/* The sample neighborhood comes with "Staff welcome tour": eight stops with
 * talking points, back before its latest return, its own undo step after
 * the import's; the panel shows it. */
static void
test_sample_tour (Fixture       *fixture,
                  gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", "fruitvale.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (amap_sample_tour_add (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Add Tour “Staff welcome tour”");
  /* Twice is once. */
  g_assert_true (amap_sample_tour_add (fixture->store, &error));
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Add Tour “Staff welcome tour”");
  tours = amap_store_list_tours (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);

  tour = amap_store_find_tour (fixture->store, "Staff welcome tour", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_tour_get_n_stops (tour), ==, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_nonnull (amap_tour_stop_get_note (amap_tour_get_stop (tour, i)));
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_tour_plan_get_n_stops (plan, 0), ==, 8);
  g_assert_false (amap_schedule_is_late (amap_tour_plan_get_schedule (plan, 0), NULL));

  gui_test_spin ();
  g_assert_nonnull (amap_tour_panel_get_tour (panel));
  g_assert_cmpstr (amap_tour_get_name (amap_tour_panel_get_tour (panel)), ==, "Staff welcome tour");
  g_assert_null (amap_tour_panel_get_late_warning (panel));
}

#ifdef GDK_WINDOWING_X11
static void
real_click (GtkWidget *layer,
            double     x,
            double     y)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = NULL, *sx = NULL, *sy = NULL;
  GtkNative *native = gtk_widget_get_native (layer);
  double wx, wy, tx, ty;
  int status = -1;

  g_assert_true (gtk_widget_translate_coordinates (layer, GTK_WIDGET (native), x, y, &wx, &wy));
  gtk_native_get_surface_transform (native, &tx, &ty);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  sx = g_strdup_printf ("%d", (int) round (wx + tx));
  sy = g_strdup_printf ("%d", (int) round (wy + ty));
  {
    const char *argv[] = { "xdotool", "mousemove", "--sync", "--window", xid, sx, sy,
                           "click", "1", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                  NULL, NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
on_tour_changed (AmapStore *store,
                 gint64     id,
                 gboolean  *done)
{
  *done = TRUE;
}
#endif

/* The Done of "Click pins to add them…", over the map, ends picking: the
 * hint sits in the window's overlay, outside the panel. */
static void
test_pick_done_button (Fixture       *fixture,
                       gconstpointer  data)
{
  AmapTourPanel *panel = get_panel (fixture);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  GtkWidget *hint = amap_tour_panel_get_map_hint (panel);
  GtkWidget *done;

  add_stop (fixture, 0);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tours", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.pick-stops", NULL));
  gui_test_spin ();
  g_assert_true (amap_tour_panel_get_picking (panel));
  g_assert_true (gtk_widget_is_ancestor (hint, GTK_WIDGET (fixture->window)));
  g_assert_false (gtk_widget_is_ancestor (hint, GTK_WIDGET (panel)));

  done = find_descendant (hint, GTK_TYPE_BUTTON, -1);
  g_assert_nonnull (done);
  g_assert_true (gtk_widget_is_sensitive (done));
  g_signal_emit_by_name (done, "clicked");
  gui_test_spin ();
  g_assert_false (amap_tour_panel_get_picking (panel));
  g_assert_false (amap_map_view_get_picking (map_view));
}

/* Pick Stops through the X server: a real click on a pin adds it as a
 * stop (and does not open its details), and the layer numbers it. */
static void
test_pick_stops_real_pointer (Fixture       *fixture,
                              gconstpointer  data)
{
#ifdef GDK_WINDOWING_X11
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  AmapTourPanel *panel = get_panel (fixture);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AmapPinLayer *pins = amap_map_view_get_pin_layer (map_view);
  AmapTourLayer *stops = amap_map_view_get_tour_layer (map_view);
  gboolean changed = FALSE;
  double x, y;

  if (!GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (fixture->window))))
    {
      g_test_skip ("Real pointer events need an X11 display (Xvfb)");
      return;
    }
  if (xdotool == NULL)
    {
      g_test_skip ("Real pointer events need xdotool (apt-get install xdotool)");
      return;
    }

  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);

  /* A tour with one stop, then Pick Stops. */
  add_stop (fixture, 0);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tours", NULL);
  amap_map_view_center_on (map_view, HOME_LAT, HOME_LON, 15);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "tour.pick-stops", NULL));
  g_assert_true (amap_tour_panel_get_picking (panel));
  g_assert_true (amap_map_view_get_picking (map_view));
  /* Past the map's animation to the new centre. */
  for (int i = 0; i < 50; i++)
    {
      g_usleep (20000);
      gui_test_spin ();
    }

  /* Click the head of North Park's pin. */
  g_assert_true (amap_pin_layer_get_pin_position (pins, g_ptr_array_index (fixture->uuids, 3), &x, &y));
  g_signal_connect (fixture->store, "tour-changed", G_CALLBACK (on_tour_changed), &changed);
  real_click (GTK_WIDGET (pins), x, y - 20);
  gui_test_iterate_until (&changed);
  gui_test_spin ();
  {
    g_autofree char *order = stored_order (fixture);
    g_assert_cmpstr (order, ==, "0,3");
  }
  /* Picking does not select: the editor stays closed. */
  g_assert_null (amap_map_view_get_selected_uuid (map_view));

  /* The layer draws both numbers; Escape's action ends picking. */
  gtk_widget_queue_draw (GTK_WIDGET (stops));
  g_assert_true (amap_tour_layer_get_stop_position (stops, 0, 1, NULL, NULL));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  g_assert_false (amap_tour_panel_get_picking (panel));
  g_assert_false (amap_map_view_get_picking (map_view));
#else
  g_test_skip ("Real pointer events are tested on X11 only");
#endif
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/tour-panel/pick-done-button", Fixture, NULL, fixture_setup, test_pick_done_button,
              fixture_teardown);
  g_test_add ("/tour-panel/plan-optimize-undo", Fixture, NULL, fixture_setup, test_plan_optimize_undo,
              fixture_teardown);
  g_test_add ("/tour-panel/late-warning", Fixture, NULL, fixture_setup, test_late_warning, fixture_teardown);
  g_test_add ("/tour-panel/routing", Fixture, NULL, fixture_setup, test_routing, fixture_teardown);
  g_test_add ("/tour-panel/settings", Fixture, NULL, fixture_setup, test_settings, fixture_teardown);
  g_test_add ("/tour-panel/sample-tour", Fixture, NULL, fixture_setup, test_sample_tour, fixture_teardown);
  g_test_add ("/tour-panel/print-and-export", Fixture, NULL, fixture_setup, test_print_and_export,
              fixture_teardown);
  g_test_add ("/tour-panel/pick-stops-real-pointer", Fixture, NULL, fixture_setup,
              test_pick_stops_real_pointer, fixture_teardown);

  return g_test_run ();
}
