/* test-routing.c: straight legs, and the OSRM client against real HTTP
 * servers on 127.0.0.1: one that routes, one that hangs, one that answers
 * garbage, one that finds no route, and a closed port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-error.h"
#include "amap-routing.h"

/* Google's encoded polyline, at 1e-6 degrees: what OSRM's polyline6 is. */
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

static char *
encode_polyline6 (const double *points,
                  guint         n_points)
{
  GString *out = g_string_new (NULL);
  gint64 last_lat = 0, last_lon = 0;

  for (guint i = 0; i < n_points; i++)
    {
      gint64 lat = llround (points[2 * i] * 1e6);
      gint64 lon = llround (points[2 * i + 1] * 1e6);

      encode_value (out, lat - last_lat);
      encode_value (out, lon - last_lon);
      last_lat = lat;
      last_lon = lon;
    }

  return g_string_free (out, FALSE);
}

typedef enum
{
  SERVE_ROUTE,
  SERVE_HANG,
  SERVE_GARBAGE,
  SERVE_NOT_A_ROUTE,
  SERVE_NO_ROUTE,
  SERVE_ERROR,
} ServeMode;

typedef struct
{
  SoupServer *server;
  char       *base;      /* http://127.0.0.1:PORT */
  char       *host;      /* 127.0.0.1:PORT */
  ServeMode   mode;
  char       *body;      /* the JSON for SERVE_ROUTE */
  char       *path;      /* of the last request */
  char       *query;
  guint       requests;
  GPtrArray  *paused;
} Server;

static void
on_request_cb (SoupServer        *soup_server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  Server *server = data;
  GUri *uri = soup_server_message_get_uri (msg);

  server->requests++;
  g_free (server->path);
  server->path = g_strdup (g_uri_get_path (uri));
  g_free (server->query);
  server->query = g_strdup (g_uri_get_query (uri));

  switch (server->mode)
    {
    case SERVE_ROUTE:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        server->body, strlen (server->body));
      break;

    case SERVE_HANG:
      /* Never answers (until the test is over). */
      g_ptr_array_add (server->paused, g_object_ref (msg));
      soup_server_message_pause (msg);
      break;

    case SERVE_GARBAGE:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>It works!</body></html>", 35);
      break;

    case SERVE_NOT_A_ROUTE:
      {
        static const char json[] = "{\"code\":\"Ok\",\"routes\":[],\"waypoints\":[]}";

        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          json, strlen (json));
      }
      break;

    case SERVE_NO_ROUTE:
      {
        /* As OSRM answers it: HTTP 400 with a JSON code. */
        static const char json[] = "{\"code\":\"NoRoute\",\"message\":\"Impossible route between points\"}";

        soup_server_message_set_status (msg, 400, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          json, strlen (json));
      }
      break;

    case SERVE_ERROR:
      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
                                        "overloaded", 10);
      break;
    }
}

static void
server_setup (Server        *server,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  int port;

  server->server = soup_server_new (NULL, NULL);
  server->paused = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (server->server, NULL, on_request_cb, server, NULL);
  soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server->server);
  g_assert_nonnull (uris);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  server->base = g_strdup_printf ("http://127.0.0.1:%d", port);
  server->host = g_strdup_printf ("127.0.0.1:%d", port);
}

static void
server_teardown (Server        *server,
                 gconstpointer  data)
{
  for (guint i = 0; i < server->paused->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (server->paused, i);

      soup_server_message_set_status (msg, 504, NULL);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_unref (server->paused);
  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_free (server->base);
  g_free (server->host);
  g_free (server->body);
  g_free (server->path);
  g_free (server->query);
}

static void
on_route_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

/* Runs the client's request with the main loop turning (the server is
 * in this thread too). */
static GPtrArray *
route (AmapRoutingClient  *client,
       const double       *points,
       guint               n_points,
       GCancellable       *cancellable,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  amap_routing_client_route_async (client, points, n_points, cancellable, on_route_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return amap_routing_client_route_finish (client, result, error);
}

/* An OSRM answer: the waypoints snapped a little off the points asked
 * for, as OSRM does, and one geometry for the whole route. */
static char *
osrm_json (const double *geometry,
           guint         n_vertices,
           const double *snapped,
           guint         n_waypoints,
           const double *distances,
           const double *durations,
           gboolean      with_waypoints)
{
  g_autofree char *line = encode_polyline6 (geometry, n_vertices);
  GString *json = g_string_new ("{\"code\":\"Ok\",\"routes\":[{\"geometry\":\"");
  double total_d = 0, total_t = 0;

  g_string_append (json, line);
  g_string_append (json, "\",\"legs\":[");
  for (guint i = 0; i + 1 < n_waypoints; i++)
    {
      g_string_append_printf (json, "%s{\"steps\":[],\"summary\":\"\",\"weight\":%.1f,"
                              "\"duration\":%.1f,\"distance\":%.1f}",
                              i > 0 ? "," : "", durations[i], durations[i], distances[i]);
      total_d += distances[i];
      total_t += durations[i];
    }
  g_string_append_printf (json, "],\"weight_name\":\"routability\",\"weight\":%.1f,"
                          "\"duration\":%.1f,\"distance\":%.1f}]", total_t, total_t, total_d);
  if (with_waypoints)
    {
      g_string_append (json, ",\"waypoints\":[");
      for (guint i = 0; i < n_waypoints; i++)
        g_string_append_printf (json, "%s{\"hint\":\"x\",\"distance\":1.2,\"name\":\"Main Street\","
                                "\"location\":[%.6f,%.6f]}",
                                i > 0 ? "," : "", snapped[2 * i + 1], snapped[2 * i]);
      g_string_append (json, "]");
    }
  g_string_append (json, "}");

  return g_string_free (json, FALSE);
}

static void
assert_leg_points (AmapRouteLeg *leg,
                   const double *geometry,
                   guint         first,
                   guint         last)
{
  g_assert_cmpuint (amap_route_leg_get_n_points (leg), ==, last - first + 1);
  for (guint v = first; v <= last; v++)
    {
      double lat, lon;

      amap_route_leg_get_point (leg, v - first, &lat, &lon);
      g_assert_cmpfloat_with_epsilon (lat, geometry[2 * v], 1e-6);
      g_assert_cmpfloat_with_epsilon (lon, geometry[2 * v + 1], 1e-6);
    }
}

static void
test_great_circle (void)
{
  g_autoptr(AmapRouteLeg) leg = NULL;

  /* A degree of a great circle; half the earth. */
  g_assert_cmpfloat_with_epsilon (amap_routing_great_circle_m (0, 0, 0, 1), 111195.08, 0.01);
  g_assert_cmpfloat_with_epsilon (amap_routing_great_circle_m (0, 0, 1, 0), 111195.08, 0.01);
  g_assert_cmpfloat_with_epsilon (amap_routing_great_circle_m (0, 0, 0, 180), 20015114.4, 0.1);
  g_assert_cmpfloat (amap_routing_great_circle_m (37.8, -122.27, 37.8, -122.27), ==, 0);
  /* Oakland to San Francisco, city halls: about 13.4 km. */
  g_assert_cmpfloat_with_epsilon (amap_routing_great_circle_m (37.8053, -122.2727, 37.7793, -122.4193),
                                  13200, 300);

  /* Without a server: × 1.3, at 25 km/h. */
  leg = amap_routing_straight_leg (0, 0, 0, 1, AMAP_ROUTING_DEFAULT_DETOUR_FACTOR, 25);
  g_assert_cmpint (leg->kind, ==, AMAP_ROUTE_LEG_STRAIGHT);
  g_assert_cmpfloat_with_epsilon (leg->distance_m, 111195.08 * 1.3, 0.02);
  g_assert_cmpfloat_with_epsilon (leg->duration_s, 111195.08 * 1.3 / (25 / 3.6), 0.01);
  g_assert_cmpuint (amap_route_leg_get_n_points (leg), ==, 2);
  g_assert_cmpfloat (leg->from_latitude, ==, 0);
  g_assert_cmpfloat (leg->to_longitude, ==, 1);
}

static void
test_route (Server        *server,
            gconstpointer  data)
{
  static const double points[] = {
    37.800, -122.270,   /* the school */
    37.810, -122.260,   /* a stop */
    37.800, -122.250,   /* the end */
  };
  static const double geometry[] = {
    37.800010, -122.270010,
    37.805, -122.270,
    37.810, -122.265,
    37.810010, -122.260010,
    37.810, -122.255,
    37.805, -122.250,
    37.800010, -122.250010,
  };
  static const double snapped[] = {
    37.800010, -122.270010,
    37.810010, -122.260010,
    37.800010, -122.250010,
  };
  const double distances[] = { 1650.3, 1720.9 };
  const double durations[] = { 301.5, 290.0 };
  g_autofree char *base = g_strconcat (server->base, "/osrm/", NULL);
  g_autoptr(AmapRoutingClient) client = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("user-agent", "AssetMapTest", NULL);
  g_autoptr(GPtrArray) legs = NULL;
  g_autoptr(GError) error = NULL;
  AmapRouteLeg *leg;

  server->mode = SERVE_ROUTE;
  server->body = osrm_json (geometry, 7, snapped, 3, distances, durations, TRUE);

  /* A base with a path and a trailing slash, as people type it. */
  client = amap_routing_client_new (base, session);
  legs = route (client, points, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (legs);

  g_assert_cmpstr (server->path, ==,
                   "/osrm/route/v1/driving/-122.270000,37.800000;-122.260000,37.810000;"
                   "-122.250000,37.800000");
  g_assert_nonnull (strstr (server->query, "overview=full"));
  g_assert_nonnull (strstr (server->query, "geometries=polyline6"));
  g_assert_nonnull (strstr (server->query, "steps=false"));

  /* Two legs that follow the geometry, cut at the stop. */
  g_assert_cmpuint (legs->len, ==, 2);
  leg = g_ptr_array_index (legs, 0);
  g_assert_cmpint (leg->kind, ==, AMAP_ROUTE_LEG_ROAD);
  g_assert_cmpfloat (leg->distance_m, ==, 1650.3);
  g_assert_cmpfloat (leg->duration_s, ==, 301.5);
  /* The ends are the points asked for (the map's key for the leg), not
   * where the server snapped them. */
  g_assert_cmpfloat (leg->from_latitude, ==, 37.800);
  g_assert_cmpfloat (leg->from_longitude, ==, -122.270);
  g_assert_cmpfloat (leg->to_latitude, ==, 37.810);
  g_assert_cmpfloat (leg->to_longitude, ==, -122.260);
  assert_leg_points (leg, geometry, 0, 3);

  leg = g_ptr_array_index (legs, 1);
  g_assert_cmpfloat (leg->distance_m, ==, 1720.9);
  g_assert_cmpfloat (leg->duration_s, ==, 290.0);
  g_assert_cmpfloat (leg->from_latitude, ==, 37.810);
  g_assert_cmpfloat (leg->to_longitude, ==, -122.250);
  assert_leg_points (leg, geometry, 3, 6);

  /* Without "waypoints" (some OSRM-compatible servers leave them out),
   * the distances along the route decide the cut. */
  g_free (server->body);
  server->body = osrm_json (geometry, 7, snapped, 3, distances, durations, FALSE);
  g_clear_pointer (&legs, g_ptr_array_unref);
  legs = route (client, points, 3, NULL, &error);
  g_assert_no_error (error);
  assert_leg_points (g_ptr_array_index (legs, 0), geometry, 0, 3);
  assert_leg_points (g_ptr_array_index (legs, 1), geometry, 3, 6);
}

/* The bus passes the second stop's door on the way to it, goes round the
 * block (a one-way street) and stops on the way back: the leg is cut at
 * the second pass, where the distance along the route says. */
static void
test_route_passes_twice (Server        *server,
                         gconstpointer  data)
{
  static const double points[] = {
    0.000, 0.0,
    0.010, 0.0,
    0.005, 0.0,
    0.000, 0.0,
  };
  static const double geometry[] = {
    0.000, 0.0,   /* 0: start */
    0.005, 0.0,   /* 1: passes the second stop on the way out */
    0.010, 0.0,   /* 2: first stop */
    0.0075, 0.0,
    0.005, 0.0,   /* 4: passes it again */
    0.003, 0.0,
    0.005, 0.0,   /* 6: stops there */
    0.003, 0.0,
    0.000, 0.0,   /* 8: back */
  };
  const double m = 111.19508;  /* metres in 0.001 degrees */
  const double distances[] = { 10 * m, 9 * m, 5 * m };
  const double durations[] = { 120, 110, 60 };
  g_autoptr(AmapRoutingClient) client = amap_routing_client_new (server->base, NULL);
  g_autoptr(GPtrArray) legs = NULL;
  g_autoptr(GError) error = NULL;

  server->mode = SERVE_ROUTE;
  server->body = osrm_json (geometry, 9, points, 4, distances, durations, TRUE);

  legs = route (client, points, 4, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (legs->len, ==, 3);
  assert_leg_points (g_ptr_array_index (legs, 0), geometry, 0, 2);
  assert_leg_points (g_ptr_array_index (legs, 1), geometry, 2, 6);
  assert_leg_points (g_ptr_array_index (legs, 2), geometry, 6, 8);
}

static void
assert_route_fails (Server     *server,
                    guint       timeout,
                    const char *fragment)
{
  static const double points[] = { 37.80, -122.27, 37.81, -122.26 };
  g_autoptr(AmapRoutingClient) client = amap_routing_client_new (server->base, NULL);
  g_autoptr(GPtrArray) legs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (timeout > 0)
    g_object_set (client, "timeout", timeout, NULL);

  legs = route (client, points, 2, NULL, &error);
  g_assert_null (legs);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_test_message ("%s", error->message);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
  if (strstr (error->message, server->host) == NULL)
    g_error ("“%s” does not name the server %s", error->message, server->host);
  if (strstr (error->message, "straight lines") == NULL)
    g_error ("“%s” does not say what happens instead", error->message);

  /* A server that hangs is given up on after the timeout, not later. */
  if (timeout > 0)
    g_assert_cmpint (g_get_monotonic_time () - start, <, (timeout + 5) * G_TIME_SPAN_SECOND);
}

static void
test_hang (Server        *server,
           gconstpointer  data)
{
  server->mode = SERVE_HANG;
  assert_route_fails (server, 1, "did not answer in 1 second");
  g_assert_cmpuint (server->requests, ==, 1);
}

static void
test_garbage (Server        *server,
              gconstpointer  data)
{
  server->mode = SERVE_GARBAGE;
  assert_route_fails (server, 0, "something that is not a route");

  server->mode = SERVE_NOT_A_ROUTE;
  assert_route_fails (server, 0, "something that is not a route");

  /* A route, but with the wrong number of legs, or a broken polyline. */
  {
    static const double geometry[] = { 37.80, -122.27, 37.81, -122.26 };
    static const double three[] = { 37.80, -122.27, 37.805, -122.265, 37.81, -122.26 };
    const double d[] = { 100, 100 }, t[] = { 10, 10 };

    /* Two legs for a route between two points. */
    server->mode = SERVE_ROUTE;
    server->body = osrm_json (geometry, 2, three, 3, d, t, TRUE);
    assert_route_fails (server, 0, "something that is not a route");

    g_free (server->body);
    server->body = g_strdup ("{\"code\":\"Ok\",\"routes\":[{\"geometry\":\"_p~iF~ps|U_ulL\","
                             "\"legs\":[{\"distance\":10,\"duration\":2}]}]}");
    assert_route_fails (server, 0, "something that is not a route");
  }

  server->mode = SERVE_ERROR;
  assert_route_fails (server, 0, "503");
}

static void
test_no_route (Server        *server,
               gconstpointer  data)
{
  server->mode = SERVE_NO_ROUTE;
  assert_route_fails (server, 0, "could not find a route between the stops");
}

static void
test_refused (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  Server server = { 0, };
  int port;

  /* A port that was free a moment ago and is closed now. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  server.base = g_strdup_printf ("http://127.0.0.1:%d", port);
  server.host = g_strdup_printf ("127.0.0.1:%d", port);
  assert_route_fails (&server, 5, "could not be reached");
  g_free (server.base);
  g_free (server.host);
}

static void
test_cancel (Server        *server,
             gconstpointer  data)
{
  static const double points[] = { 37.80, -122.27, 37.81, -122.26 };
  g_autoptr(AmapRoutingClient) client = amap_routing_client_new (server->base, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) legs = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled while the server hangs: cancelled, not a timeout. */
  server->mode = SERVE_HANG;
  amap_routing_client_route_async (client, points, 2, cancellable, on_route_cb, &result);
  while (server->requests == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  legs = amap_routing_client_route_finish (client, result, &error);
  g_assert_null (legs);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bad_base (void)
{
  static const double points[] = { 37.80, -122.27, 37.81, -122.26 };
  static const double off_earth[] = { 97.80, -122.27, 37.81, -122.26 };
  g_autoptr(AmapRoutingClient) client = amap_routing_client_new ("osrm.example.org", NULL);
  g_autoptr(AmapRoutingClient) good = amap_routing_client_new ("http://127.0.0.1:9", NULL);
  g_autoptr(GPtrArray) legs = NULL;
  g_autoptr(GError) error = NULL;

  legs = route (client, points, 2, NULL, &error);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "osrm.example.org"));
  g_clear_error (&error);

  legs = route (good, off_earth, 2, NULL, &error);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  /* No system proxy settings in the isolated test environment, and none
   * wanted between two ends on 127.0.0.1. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/routing/great-circle", test_great_circle);
  g_test_add ("/routing/osrm/route", Server, NULL, server_setup, test_route, server_teardown);
  g_test_add ("/routing/osrm/passes-twice", Server, NULL, server_setup, test_route_passes_twice,
              server_teardown);
  g_test_add ("/routing/osrm/hang", Server, NULL, server_setup, test_hang, server_teardown);
  g_test_add ("/routing/osrm/garbage", Server, NULL, server_setup, test_garbage, server_teardown);
  g_test_add ("/routing/osrm/no-route", Server, NULL, server_setup, test_no_route, server_teardown);
  g_test_add_func ("/routing/osrm/refused", test_refused);
  g_test_add ("/routing/osrm/cancel", Server, NULL, server_setup, test_cancel, server_teardown);
  g_test_add_func ("/routing/osrm/bad-base", test_bad_base);

  return g_test_run ();
}
