/* test-tour-plan.c: a tour made concrete from a map: places, legs (stored
 * road legs or straight ones), schedules, warnings, and optimizing and
 * splitting in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-error.h"
#include "amap-routing.h"
#include "amap-store.h"
#include "amap-tour-plan.h"

#define HOME_LAT 37.8000
#define HOME_LON -122.2700

typedef struct
{
  char      *path;
  AmapStore *store;
} Fixture;

static char *
add_asset (AmapStore  *store,
           const char *name,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);
  g_assert_true (amap_store_add_asset (store, asset, &error));
  g_assert_no_error (error);

  return g_strdup (amap_asset_get_uuid (asset));
}

static void
append_stop (AmapTour   *tour,
             const char *uuid,
             int         dwell,
             guint       bus)
{
  g_autoptr(AmapTourStop) stop = amap_tour_stop_new (uuid);

  amap_tour_stop_set_dwell_minutes (stop, dwell);
  amap_tour_stop_set_bus (stop, bus);
  amap_tour_insert_stop (tour, amap_tour_get_n_stops (tour), stop);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "maps", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  fixture->path = g_build_filename (dir, "tour-plan.assetmap", NULL);
  fixture->store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_set_home (fixture->store, "Lincoln Elementary", HOME_LAT, HOME_LON, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_free (fixture->path);
}

static double
straight_s (double lat1,
            double lon1,
            double lat2,
            double lon2)
{
  return amap_routing_great_circle_m (lat1, lon1, lat2, lon2) * 1.3 / (25.0 / 3.6);
}

static void
test_straight (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *library = add_asset (fixture->store, "Library", 37.8100, -122.2700);
  g_autofree char *clinic = add_asset (fixture->store, "Clinic", 37.8100, -122.2500);
  g_autofree char *nowhere = add_asset (fixture->store, "Old Mill", NAN, NAN);
  g_autoptr(AmapTour) tour = amap_tour_new ("Staff welcome tour");
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 0, 0);
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  const char * const *warnings;
  const char *name = NULL;
  AmapSchedule *schedule;
  const AmapScheduleStop *stop;
  double lat, lon, leg0, leg1, leg2;
  GTimeSpan expected;

  amap_tour_set_departure (tour, dep);
  append_stop (tour, library, 20, 0);
  append_stop (tour, nowhere, 15, 0);
  append_stop (tour, "no-such-asset", 15, 0);
  append_stop (tour, clinic, 0, 0);

  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  g_assert_true (amap_tour_equal (amap_tour_plan_get_tour (plan), tour));

  amap_tour_plan_get_start (plan, &lat, &lon, &name);
  g_assert_cmpfloat (lat, ==, HOME_LAT);
  g_assert_cmpfloat (lon, ==, HOME_LON);
  g_assert_cmpstr (name, ==, "Lincoln Elementary");
  /* Back where it started. */
  amap_tour_plan_get_end (plan, &lat, &lon, &name);
  g_assert_cmpfloat (lat, ==, HOME_LAT);
  g_assert_cmpstr (name, ==, "Lincoln Elementary");

  /* The two stops with a place are on the route; the others are named. */
  g_assert_cmpuint (amap_tour_plan_get_n_buses (plan), ==, 1);
  g_assert_cmpuint (amap_tour_plan_get_n_stops (plan, 0), ==, 2);
  g_assert_cmpuint (amap_tour_plan_get_stop_index (plan, 0, 0), ==, 0);
  g_assert_cmpuint (amap_tour_plan_get_stop_index (plan, 0, 1), ==, 3);
  g_assert_cmpstr (amap_asset_get_name (amap_tour_plan_get_stop_asset (plan, 0, 1)), ==, "Clinic");
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_plan_get_stop (plan, 0, 0)), ==, 20);
  warnings = amap_tour_plan_get_warnings (plan);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 2);
  g_assert_nonnull (strstr (warnings[0], "“Old Mill” has no location"));
  g_assert_nonnull (strstr (warnings[1], "Stop 3"));

  /* Straight legs: great circle × 1.3 at 25 km/h. */
  g_assert_false (amap_tour_plan_get_on_roads (plan));
  leg0 = straight_s (HOME_LAT, HOME_LON, 37.81, -122.27);
  leg1 = straight_s (37.81, -122.27, 37.81, -122.25);
  leg2 = straight_s (37.81, -122.25, HOME_LAT, HOME_LON);
  g_assert_cmpint (amap_tour_plan_get_leg (plan, 0, 0)->kind, ==, AMAP_ROUTE_LEG_STRAIGHT);
  g_assert_cmpfloat_with_epsilon (amap_tour_plan_get_leg (plan, 0, 0)->duration_s, leg0, 1e-6);
  g_assert_cmpfloat_with_epsilon (amap_tour_plan_get_leg (plan, 0, 1)->duration_s, leg1, 1e-6);
  g_assert_cmpfloat_with_epsilon (amap_tour_plan_get_leg (plan, 0, 2)->duration_s, leg2, 1e-6);
  g_assert_cmpfloat_with_epsilon (amap_tour_plan_get_leg (plan, 0, 1)->distance_m,
                                  amap_routing_great_circle_m (37.81, -122.27, 37.81, -122.25) * 1.3, 1e-6);

  /* The schedule: 09:00, the library after leg 0, 20 minutes there, the
   * clinic (no time there), back. */
  schedule = amap_tour_plan_get_schedule (plan, 0);
  g_assert_cmpuint (amap_schedule_get_n_stops (schedule), ==, 2);
  stop = amap_schedule_get_stop (schedule, 0);
  g_assert_cmpint (g_date_time_difference (stop->arrival, dep), ==, (GTimeSpan) llround (leg0 * 1e6));
  g_assert_cmpint (g_date_time_difference (stop->departure, stop->arrival), ==, 20 * G_TIME_SPAN_MINUTE);
  stop = amap_schedule_get_stop (schedule, 1);
  g_assert_true (g_date_time_equal (stop->arrival, stop->departure));
  expected = llround (leg0 * 1e6) + 20 * G_TIME_SPAN_MINUTE + llround (leg1 * 1e6) + llround (leg2 * 1e6);
  g_assert_cmpint (g_date_time_difference (amap_schedule_get_return (schedule), dep), <=, expected + 2);
  g_assert_cmpint (g_date_time_difference (amap_schedule_get_return (schedule), dep), >=, expected - 2);
  g_assert_false (amap_schedule_is_late (schedule, NULL));

  points = amap_tour_plan_get_route_points (plan, 0);
  g_assert_cmpuint (points->len, ==, 8);
  g_assert_cmpfloat (g_array_index (points, double, 0), ==, HOME_LAT);
  g_assert_cmpfloat (g_array_index (points, double, 2), ==, 37.81);
  g_assert_cmpfloat (g_array_index (points, double, 5), ==, -122.25);
  g_assert_cmpfloat (g_array_index (points, double, 7), ==, HOME_LON);
}

static void
test_road_legs (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *library = add_asset (fixture->store, "Library", 37.8100, -122.2700);
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GPtrArray) legs = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  AmapRouteLeg *leg;

  append_stop (tour, library, 15, 0);

  /* What the routing client would have stored: the way out on the roads. */
  leg = amap_route_leg_new (AMAP_ROUTE_LEG_ROAD, HOME_LAT, HOME_LON, 37.81, -122.27);
  leg->distance_m = 1400;
  leg->duration_s = 240;
  amap_route_leg_add_point (leg, HOME_LAT, HOME_LON);
  amap_route_leg_add_point (leg, 37.805, -122.272);
  amap_route_leg_add_point (leg, 37.81, -122.27);
  g_ptr_array_add (legs, leg);
  g_assert_true (amap_store_put_route_legs (fixture->store, legs, &error));
  g_assert_no_error (error);

  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  leg = amap_tour_plan_get_leg (plan, 0, 0);
  g_assert_cmpint (leg->kind, ==, AMAP_ROUTE_LEG_ROAD);
  g_assert_cmpfloat (leg->distance_m, ==, 1400);
  g_assert_cmpuint (amap_route_leg_get_n_points (leg), ==, 3);
  g_assert_cmpint (amap_tour_plan_get_leg (plan, 0, 1)->kind, ==, AMAP_ROUTE_LEG_STRAIGHT);
  g_assert_false (amap_tour_plan_get_on_roads (plan));
  g_assert_cmpfloat (amap_schedule_get_distance_m (amap_tour_plan_get_schedule (plan, 0)), ==,
                     1400 + amap_tour_plan_get_leg (plan, 0, 1)->distance_m);
  g_clear_object (&plan);

  /* The way back too, and the map closed and opened again (offline: no
   * server anywhere in this test): the tour follows the roads. */
  g_ptr_array_set_size (legs, 0);
  leg = amap_route_leg_new (AMAP_ROUTE_LEG_ROAD, 37.81, -122.27, HOME_LAT, HOME_LON);
  leg->distance_m = 1500;
  leg->duration_s = 250;
  amap_route_leg_add_point (leg, 37.81, -122.27);
  amap_route_leg_add_point (leg, HOME_LAT, HOME_LON);
  g_ptr_array_add (legs, leg);
  g_assert_true (amap_store_put_route_legs (fixture->store, legs, &error));
  g_clear_object (&fixture->store);
  fixture->store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);

  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  g_assert_true (amap_tour_plan_get_on_roads (plan));
  g_assert_cmpfloat (amap_schedule_get_distance_m (amap_tour_plan_get_schedule (plan, 0)), ==, 2900);
  g_assert_cmpfloat (amap_schedule_get_driving_s (amap_tour_plan_get_schedule (plan, 0)), ==, 490);
  g_assert_cmpfloat (amap_schedule_get_total_s (amap_tour_plan_get_schedule (plan, 0)), ==, 490 + 15 * 60);
}

static void
test_places (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *library = add_asset (fixture->store, "Library", 37.8100, -122.2700);
  g_autofree char *nowhere = add_asset (fixture->store, "Old Mill", NAN, NAN);
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  double lat, lon;

  /* From a point on the map to the library. */
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_POINT, NULL, 37.79, -122.28);
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_ASSET, library, NAN, NAN);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  amap_tour_plan_get_start (plan, &lat, &lon, &name);
  g_assert_cmpfloat (lat, ==, 37.79);
  g_assert_cmpfloat (lon, ==, -122.28);
  amap_tour_plan_get_end (plan, &lat, &lon, &name);
  g_assert_cmpfloat (lat, ==, 37.81);
  g_assert_cmpstr (name, ==, "Library");
  /* No stops: one leg, start to end. */
  g_assert_cmpuint (amap_tour_plan_get_n_stops (plan, 0), ==, 0);
  g_assert_cmpfloat_with_epsilon (amap_tour_plan_get_leg (plan, 0, 0)->distance_m,
                                  amap_routing_great_circle_m (37.79, -122.28, 37.81, -122.27) * 1.3, 1e-6);
  g_clear_object (&plan);

  /* An end without a place: the message says which and what to do. */
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_ASSET, nowhere, NAN, NAN);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_null (plan);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Old Mill”, which has no location"));
  g_clear_error (&error);

  /* A start at home, on a map without one. */
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_HOME, NULL, NAN, NAN);
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_START, NULL, NAN, NAN);
  g_assert_true (amap_store_clear_home (fixture->store, &error));
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_null (plan);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no school location"));
}

/* A small OSRM-compatible server on 127.0.0.1: it routes along straight
 * lines through a midpoint, each leg 1.1 × the great circle at 10 m/s, in
 * OSRM's JSON with a polyline6 geometry; or answers garbage. */

static void
encode_value (GString *out,
              gint64   value)
{
  guint64 v = value < 0 ? ~((guint64) value << 1) : (guint64) value << 1;

  while (v >= 0x20)
    {
      g_string_append_c (out, (char) ((0x20 | (v & 0x1f)) + 63));
      v >>= 5;
    }
  g_string_append_c (out, (char) (v + 63));
}

typedef struct
{
  SoupServer *server;
  char       *base;
  guint       requests;
  gboolean    garbage;
} Osrm;

static void
on_osrm_request_cb (SoupServer        *soup_server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           data)
{
  Osrm *osrm = data;
  const char *prefix = "/route/v1/driving/";
  g_auto(GStrv) pairs = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new ("{\"code\":\"Ok\",\"routes\":[{\"legs\":[");
  g_autoptr(GString) waypoints = g_string_new ("\"waypoints\":[");
  gint64 last_lat = 0, last_lon = 0;
  double prev_lat = 0, prev_lon = 0;
  guint n;

  osrm->requests++;
  if (osrm->garbage || !g_str_has_prefix (path, prefix))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "nope", 4);
      return;
    }

  pairs = g_strsplit (path + strlen (prefix), ";", -1);
  n = g_strv_length (pairs);
  for (guint i = 0; i < n; i++)
    {
      double lon = g_ascii_strtod (pairs[i], NULL);
      double lat = g_ascii_strtod (strchr (pairs[i], ',') + 1, NULL);

      /* A midpoint before each point but the first, then the point. */
      for (guint k = i == 0 ? 1 : 0; k < 2; k++)
        {
          double plat = k == 0 ? (prev_lat + lat) / 2 : lat;
          double plon = k == 0 ? (prev_lon + lon) / 2 : lon;
          gint64 ilat = llround (plat * 1e6), ilon = llround (plon * 1e6);

          encode_value (line, ilat - last_lat);
          encode_value (line, ilon - last_lon);
          last_lat = ilat;
          last_lon = ilon;
        }

      if (i > 0)
        {
          double d = 1.1 * amap_routing_great_circle_m (prev_lat, prev_lon, lat, lon);

          g_string_append_printf (json, "%s{\"distance\":%.3f,\"duration\":%.3f}",
                                  i > 1 ? "," : "", d, d / 10.0);
        }
      g_string_append_printf (waypoints, "%s{\"location\":[%.6f,%.6f]}", i > 0 ? "," : "", lon, lat);
      prev_lat = lat;
      prev_lon = lon;
    }
  g_string_append_printf (json, "],\"geometry\":\"%s\"}],%s]}", line->str, waypoints->str);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json->str, json->len);
}

static void
osrm_start (Osrm *osrm)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  osrm->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (osrm->server, NULL, on_osrm_request_cb, osrm, NULL);
  soup_server_listen_local (osrm->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (osrm->server);
  osrm->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
osrm_stop (Osrm *osrm)
{
  soup_server_disconnect (osrm->server);
  g_clear_object (&osrm->server);
  g_clear_pointer (&osrm->base, g_free);
}

static void
on_fetched_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static gboolean
fetch_roads (AmapTourPlan       *plan,
             AmapStore          *store,
             AmapRoutingClient  *client,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  amap_tour_plan_fetch_roads_async (plan, store, client, NULL, on_fetched_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return amap_tour_plan_fetch_roads_finish (plan, result, error);
}

static void
test_fetch_roads (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *library = add_asset (fixture->store, "Library", 37.8100, -122.2700);
  g_autofree char *clinic = add_asset (fixture->store, "Clinic", 37.8100, -122.2500);
  g_autofree char *park = add_asset (fixture->store, "Park", 37.7900, -122.2600);
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(AmapRoutingClient) client = NULL;
  g_autoptr(AmapRoutingClient) broken = NULL;
  g_autoptr(GError) error = NULL;
  Osrm osrm = { 0, };
  double straight_total;

  osrm_start (&osrm);
  client = amap_routing_client_new (osrm.base, NULL);

  /* Two buses: the library and the clinic on one, the park on the other. */
  amap_tour_set_n_buses (tour, 2);
  append_stop (tour, library, 10, 0);
  append_stop (tour, park, 10, 1);
  append_stop (tour, clinic, 10, 0);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  g_assert_false (amap_tour_plan_get_on_roads (plan));
  straight_total = amap_schedule_get_distance_m (amap_tour_plan_get_schedule (plan, 0));

  /* A server that answers garbage: the message, and nothing stored. */
  osrm.garbage = TRUE;
  g_assert_false (fetch_roads (plan, fixture->store, client, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not a route"));
  g_clear_error (&error);
  g_clear_object (&plan);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_false (amap_tour_plan_get_on_roads (plan));

  /* A server that routes: one request per bus, the legs stored. */
  osrm.garbage = FALSE;
  osrm.requests = 0;
  g_assert_true (fetch_roads (plan, fixture->store, client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (osrm.requests, ==, 2);

  /* Closed and opened again, with the server gone: the roads stay. */
  osrm_stop (&osrm);
  g_clear_object (&plan);
  g_clear_object (&fixture->store);
  fixture->store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  g_assert_true (amap_tour_plan_get_on_roads (plan));
  for (guint b = 0; b < 2; b++)
    for (guint i = 0; i <= amap_tour_plan_get_n_stops (plan, b); i++)
      {
        AmapRouteLeg *leg = amap_tour_plan_get_leg (plan, b, i);

        g_assert_cmpint (leg->kind, ==, AMAP_ROUTE_LEG_ROAD);
        /* Its own geometry: the two ends and the server's midpoint. */
        g_assert_cmpuint (amap_route_leg_get_n_points (leg), ==, 3);
        g_assert_cmpfloat_with_epsilon (leg->distance_m,
                                        1.1 * amap_routing_great_circle_m (leg->from_latitude, leg->from_longitude,
                                                                           leg->to_latitude, leg->to_longitude),
                                        0.01);
        g_assert_cmpfloat_with_epsilon (leg->duration_s, leg->distance_m / 10.0, 0.01);
      }
  g_assert_cmpfloat_with_epsilon (amap_schedule_get_distance_m (amap_tour_plan_get_schedule (plan, 0)),
                                  straight_total / 1.3 * 1.1, 0.1);

  /* All on the roads already: no request at all (the server is gone,
   * which would fail). */
  broken = amap_routing_client_new (osrm.base ? osrm.base : "http://127.0.0.1:9", NULL);
  g_assert_true (fetch_roads (plan, fixture->store, broken, &error));
  g_assert_no_error (error);
}

static void
on_optimized_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static AmapTour *
optimize (AmapTourPlan *plan,
          gboolean      split)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;

  amap_tour_plan_optimize_async (plan, split, NULL, on_optimized_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tour = amap_tour_plan_optimize_finish (plan, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tour);

  return tour;
}

static void
test_optimize (Fixture       *fixture,
               gconstpointer  data)
{
  /* Stops north of the school on a line; in the list out of order, with
   * a stop without a place in the middle. */
  g_autofree char *a = add_asset (fixture->store, "A", HOME_LAT + 0.01, HOME_LON);
  g_autofree char *b = add_asset (fixture->store, "B", HOME_LAT + 0.02, HOME_LON + 0.0001);
  g_autofree char *c = add_asset (fixture->store, "C", HOME_LAT + 0.03, HOME_LON);
  g_autofree char *d = add_asset (fixture->store, "D", HOME_LAT + 0.04, HOME_LON + 0.0001);
  g_autofree char *nowhere = add_asset (fixture->store, "Old Mill", NAN, NAN);
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(AmapTour) optimized = NULL;
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(AmapTourPlan) again = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { a, b, NULL, c, d };

  append_stop (tour, c, 15, 0);
  append_stop (tour, a, 15, 0);
  append_stop (tour, nowhere, 15, 0);
  append_stop (tour, d, 15, 0);
  append_stop (tour, b, 15, 0);
  /* Out and back along the line, whichever way; going to the far end
   * first is the same length, so fix the end at D's end. */
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_POINT, NULL, HOME_LAT + 0.05, HOME_LON);

  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  optimized = optimize (plan, FALSE);

  /* The plan's tour is untouched; the new one goes along the line, and
   * the stop without a place keeps its place in the list. */
  g_assert_true (amap_tour_equal (amap_tour_plan_get_tour (plan), tour));
  g_assert_cmpuint (amap_tour_get_n_stops (optimized), ==, 5);
  g_assert_cmpstr (amap_tour_stop_get_asset_uuid (amap_tour_get_stop (optimized, 2)), ==, nowhere);
  for (guint i = 0; i < 5; i++)
    if (expected[i] != NULL)
      g_assert_cmpstr (amap_tour_stop_get_asset_uuid (amap_tour_get_stop (optimized, i)), ==, expected[i]);

  /* And it is shorter. */
  again = amap_tour_plan_new (fixture->store, optimized, 1.3, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (amap_schedule_get_distance_m (amap_tour_plan_get_schedule (again, 0)), <,
                     amap_schedule_get_distance_m (amap_tour_plan_get_schedule (plan, 0)));
}

static void
test_split (Fixture       *fixture,
            gconstpointer  data)
{
  /* Three stops 3 km east of the school, three 3 km west, 20 minutes
   * each, in the list alternately; back within two hours. One bus per
   * side makes it (~17 min driving + 60 min at stops); a bus that
   * crosses over does not. */
  g_autoptr(AmapTour) tour = amap_tour_new ("Two buses");
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 0, 0);
  g_autoptr(GDateTime) back = g_date_time_new_local (2026, 9, 14, 10, 45, 0);
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(AmapTourPlan) after = NULL;
  g_autoptr(AmapTour) split = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  gboolean late_before = FALSE;

  for (guint i = 0; i < 6; i++)
    {
      double lon = HOME_LON + (i % 2 ? 0.034 : -0.034);
      double lat = HOME_LAT + 0.002 * (i / 2);
      g_autofree char *name = g_strdup_printf ("Stop %u", i);

      g_ptr_array_add (uuids, add_asset (fixture->store, name, lat, lon));
      /* All on bus 0 to begin with, but for one. */
      append_stop (tour, g_ptr_array_index (uuids, i), 20, i == 5 ? 1 : 0);
    }
  amap_tour_set_n_buses (tour, 2);
  amap_tour_set_departure (tour, dep);
  amap_tour_set_latest_return (tour, back);

  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  for (guint b = 0; b < 2; b++)
    late_before |= amap_schedule_is_late (amap_tour_plan_get_schedule (plan, b), NULL);
  g_assert_true (late_before);

  split = optimize (plan, TRUE);
  g_assert_true (amap_tour_validate (split, NULL));
  after = amap_tour_plan_new (fixture->store, split, 1.3, &error);
  g_assert_no_error (error);

  /* Every stop on one bus, the buses by side, both back in time. */
  g_assert_cmpuint (amap_tour_plan_get_n_stops (after, 0) + amap_tour_plan_get_n_stops (after, 1), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      int index = amap_tour_find_stop (split, g_ptr_array_index (uuids, i));
      int first = amap_tour_find_stop (split, g_ptr_array_index (uuids, i % 2));

      g_assert_cmpint (index, >=, 0);
      g_assert_cmpuint (amap_tour_stop_get_bus (amap_tour_get_stop (split, index)), ==,
                        amap_tour_stop_get_bus (amap_tour_get_stop (split, first)));
    }
  for (guint b = 0; b < 2; b++)
    {
      int late = -1;

      g_assert_cmpuint (amap_tour_plan_get_n_stops (after, b), ==, 3);
      g_assert_false (amap_schedule_is_late (amap_tour_plan_get_schedule (after, b), &late));
      g_assert_cmpint (late, ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* No system proxy settings in the isolated test environment. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/tour-plan/straight", Fixture, NULL, fixture_setup, test_straight, fixture_teardown);
  g_test_add ("/tour-plan/road-legs", Fixture, NULL, fixture_setup, test_road_legs, fixture_teardown);
  g_test_add ("/tour-plan/places", Fixture, NULL, fixture_setup, test_places, fixture_teardown);
  g_test_add ("/tour-plan/fetch-roads", Fixture, NULL, fixture_setup, test_fetch_roads, fixture_teardown);
  g_test_add ("/tour-plan/optimize", Fixture, NULL, fixture_setup, test_optimize, fixture_teardown);
  g_test_add ("/tour-plan/split", Fixture, NULL, fixture_setup, test_split, fixture_teardown);

  return g_test_run ();
}
