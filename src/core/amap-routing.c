/* amap-routing.c: route legs, straight (great circle × a street detour
 * factor, at the tour's speed) or on the roads from an OSRM-compatible
 * server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-routing"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "amap-asset.h"
#include "amap-error.h"
#include "amap-http.h"
#include "amap-routing.h"

#define EARTH_RADIUS_M 6371008.8
#define DEFAULT_TIMEOUT_S 15

/* Straight legs */

double
amap_routing_great_circle_m (double latitude1,
                             double longitude1,
                             double latitude2,
                             double longitude2)
{
  double phi1 = latitude1 * G_PI / 180.0;
  double phi2 = latitude2 * G_PI / 180.0;
  double dphi = phi2 - phi1;
  double dlambda = (longitude2 - longitude1) * G_PI / 180.0;
  double a = sin (dphi / 2) * sin (dphi / 2) +
             cos (phi1) * cos (phi2) * sin (dlambda / 2) * sin (dlambda / 2);

  /* Haversine; the clamp keeps rounding from taking asin out of range
   * for antipodal points. */
  return 2.0 * EARTH_RADIUS_M * asin (sqrt (CLAMP (a, 0.0, 1.0)));
}

/**
 * amap_routing_straight_leg:
 *
 * Returns: (transfer full): a leg of kind AMAP_ROUTE_LEG_STRAIGHT with the
 *   two ends as its path.
 */
AmapRouteLeg *
amap_routing_straight_leg (double latitude1,
                           double longitude1,
                           double latitude2,
                           double longitude2,
                           double detour_factor,
                           double speed_kmh)
{
  AmapRouteLeg *leg;

  g_return_val_if_fail (detour_factor > 0.0, NULL);
  g_return_val_if_fail (speed_kmh > 0.0, NULL);

  leg = amap_route_leg_new (AMAP_ROUTE_LEG_STRAIGHT, latitude1, longitude1, latitude2, longitude2);
  leg->distance_m = amap_routing_great_circle_m (latitude1, longitude1, latitude2, longitude2)
                    * detour_factor;
  leg->duration_s = leg->distance_m / (speed_kmh / 3.6);
  amap_route_leg_add_point (leg, latitude1, longitude1);
  amap_route_leg_add_point (leg, latitude2, longitude2);

  return leg;
}

/* Polyline decoding (Google's encoded polyline algorithm; polyline6 is
 * the same with 1e-6 degrees): latitude, longitude pairs. NULL when the
 * text is not one. */
static GArray *
decode_polyline (const char *text,
                 double      precision)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 value[2] = { 0, 0 };
  const char *p = text;

  while (*p != '\0')
    {
      for (guint c = 0; c < 2; c++)
        {
          guint64 result = 0;
          guint shift = 0;
          int b;

          do
            {
              if (*p == '\0' || shift > 60)
                return NULL;
              b = (unsigned char) *p++ - 63;
              if (b < 0 || b > 63)
                return NULL;
              result |= (guint64) (b & 0x1f) << shift;
              shift += 5;
            }
          while (b >= 0x20);

          value[c] += (result & 1) ? ~(gint64) (result >> 1) : (gint64) (result >> 1);
        }

      {
        double lat = value[0] / precision, lon = value[1] / precision;

        if (!(lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0))
          return NULL;
        g_array_append_val (points, lat);
        g_array_append_val (points, lon);
      }
    }

  return g_steal_pointer (&points);
}

/* AmapRoutingClient */

struct _AmapRoutingClient
{
  GObject parent_instance;

  char        *base_url;
  SoupSession *session;
  guint        timeout;
};

G_DEFINE_FINAL_TYPE (AmapRoutingClient, amap_routing_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_SESSION,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  AmapHttpRequest http;
  double         *points;
  guint           n_points;
} Request;

static void
request_free (Request *request)
{
  amap_http_request_clear (&request->http);
  g_free (request->points);
  g_free (request);
}

static void
set_not_a_route (GError  **error,
                 Request  *request)
{
  g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
               _("The routing server at %s answered with something that is not a route. "
                 "The tour uses straight lines instead; check the server’s address in Preferences."),
               request->http.host);
}

static gboolean
get_number (JsonObject *object,
            const char *member,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      break;

    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      break;

    default:
      return FALSE;
    }

  return isfinite (*value) && *value >= 0.0;
}

/* A waypoint's snapped location, from the response's "waypoints". */
static gboolean
get_waypoint (JsonArray *waypoints,
              guint      index,
              double    *latitude,
              double    *longitude)
{
  JsonNode *node;
  JsonObject *object;
  JsonArray *location;

  if (waypoints == NULL || index >= json_array_get_length (waypoints))
    return FALSE;

  node = json_array_get_element (waypoints, index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  node = json_object_get_member (object, "location");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  location = json_node_get_array (node);
  if (json_array_get_length (location) != 2)
    return FALSE;

  *longitude = json_array_get_double_element (location, 0);
  *latitude = json_array_get_double_element (location, 1);

  return isfinite (*latitude) && isfinite (*longitude);
}

/*
 * Cuts the route's geometry into legs. OSRM gives one geometry for the
 * whole route and the legs' distances, plus where it snapped each point
 * (the "waypoints"). The cut for a waypoint is the vertex of the geometry
 * nearest to its snapped location; where the route passes that place
 * more than once (out and back along one street), the pass whose distance
 * along the route is nearest to the sum of the legs so far. Cuts never
 * go backwards. Without waypoints, the distance along the route alone
 * decides. Returns the cut indexes (n_points entries, first 0, last the
 * last vertex).
 */
static guint *
cut_geometry (GArray       *geometry,
              const double *leg_distances,
              guint         n_legs,
              JsonArray    *waypoints)
{
  guint n_vertices = geometry->len / 2;
  const double *g = (const double *) geometry->data;
  g_autofree double *along = g_new (double, n_vertices);
  guint *cuts = g_new (guint, n_legs + 1);
  double total_legs = 0.0, scale;
  double expected = 0.0;

  along[0] = 0.0;
  for (guint v = 1; v < n_vertices; v++)
    along[v] = along[v - 1] + amap_routing_great_circle_m (g[2 * v - 2], g[2 * v - 1],
                                                           g[2 * v], g[2 * v + 1]);
  for (guint i = 0; i < n_legs; i++)
    total_legs += leg_distances[i];

  /* The legs' distances and the geometry's own length differ a little
   * (rounding, a curved earth): compare in the geometry's measure. */
  scale = total_legs > 0.0 ? along[n_vertices - 1] / total_legs : 0.0;

  cuts[0] = 0;
  cuts[n_legs] = n_vertices - 1;
  for (guint w = 1; w < n_legs; w++)
    {
      double lat, lon;
      guint best = cuts[w - 1];
      gboolean have_location;

      expected += leg_distances[w - 1] * scale;
      have_location = get_waypoint (waypoints, w, &lat, &lon);

      if (have_location)
        {
          double nearest = INFINITY;
          double best_off = INFINITY;

          for (guint v = cuts[w - 1]; v < n_vertices; v++)
            nearest = MIN (nearest, amap_routing_great_circle_m (lat, lon, g[2 * v], g[2 * v + 1]));

          /* Within a few metres of the nearest pass, the one at the
           * expected distance along the route. */
          for (guint v = cuts[w - 1]; v < n_vertices; v++)
            {
              double d = amap_routing_great_circle_m (lat, lon, g[2 * v], g[2 * v + 1]);
              double off = fabs (along[v] - expected);

              if (d <= nearest + 5.0 && off < best_off)
                {
                  best_off = off;
                  best = v;
                }
            }
        }
      else
        {
          double best_off = INFINITY;

          for (guint v = cuts[w - 1]; v < n_vertices; v++)
            {
              double off = fabs (along[v] - expected);

              if (off < best_off)
                {
                  best_off = off;
                  best = v;
                }
            }
        }

      cuts[w] = best;
    }

  return cuts;
}

static GPtrArray *
parse_route (Request     *request,
             GBytes      *body,
             guint        status,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) geometry = NULL;
  g_autoptr(GPtrArray) legs = NULL;
  g_autofree double *distances = NULL;
  g_autofree double *durations = NULL;
  g_autofree guint *cuts = NULL;
  JsonNode *root;
  JsonObject *object, *route;
  JsonArray *routes, *leg_array, *waypoints = NULL;
  JsonNode *node;
  const char *code = NULL;
  const char *encoded;
  guint n_legs = request->n_points - 1;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto not_a_route_or_status;

  object = json_node_get_object (root);
  node = json_object_get_member (object, "code");
  if (node != NULL && JSON_NODE_TYPE (node) == JSON_NODE_VALUE &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    code = json_node_get_string (node);

  /* OSRM's documented codes for points it cannot route between. */
  if (g_strcmp0 (code, "NoRoute") == 0 || g_strcmp0 (code, "NoSegment") == 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("The routing server at %s could not find a route between the stops of "
                     "the tour. The tour uses straight lines instead; check that every stop "
                     "is near a road."),
                   request->http.host);
      return NULL;
    }

  if (g_strcmp0 (code, "Ok") != 0)
    goto not_a_route_or_status;

  node = json_object_get_member (object, "routes");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto not_a_route;
  routes = json_node_get_array (node);
  if (json_array_get_length (routes) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (routes, 0)))
    goto not_a_route;
  route = json_array_get_object_element (routes, 0);

  node = json_object_get_member (route, "geometry");
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    goto not_a_route;
  encoded = json_node_get_string (node);
  geometry = decode_polyline (encoded, 1e6);
  if (geometry == NULL || geometry->len < 4)
    goto not_a_route;

  node = json_object_get_member (route, "legs");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto not_a_route;
  leg_array = json_node_get_array (node);
  if (json_array_get_length (leg_array) != n_legs)
    goto not_a_route;

  distances = g_new (double, n_legs);
  durations = g_new (double, n_legs);
  for (guint i = 0; i < n_legs; i++)
    {
      JsonNode *leg_node = json_array_get_element (leg_array, i);

      if (!JSON_NODE_HOLDS_OBJECT (leg_node) ||
          !get_number (json_node_get_object (leg_node), "distance", &distances[i]) ||
          !get_number (json_node_get_object (leg_node), "duration", &durations[i]))
        goto not_a_route;
    }

  node = json_object_get_member (object, "waypoints");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      json_array_get_length (json_node_get_array (node)) == request->n_points)
    waypoints = json_node_get_array (node);

  cuts = cut_geometry (geometry, distances, n_legs, waypoints);

  legs = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);
  for (guint i = 0; i < n_legs; i++)
    {
      const double *from = &request->points[2 * i];
      const double *to = &request->points[2 * i + 2];
      AmapRouteLeg *leg = amap_route_leg_new (AMAP_ROUTE_LEG_ROAD, from[0], from[1], to[0], to[1]);

      leg->distance_m = distances[i];
      leg->duration_s = durations[i];
      for (guint v = cuts[i]; v <= cuts[i + 1]; v++)
        amap_route_leg_add_point (leg, g_array_index (geometry, double, 2 * v),
                                  g_array_index (geometry, double, 2 * v + 1));
      /* A leg between two points the server snapped to the same place
       * still has two ends. */
      if (amap_route_leg_get_n_points (leg) == 1)
        amap_route_leg_add_point (leg, g_array_index (geometry, double, 2 * cuts[i]),
                                  g_array_index (geometry, double, 2 * cuts[i] + 1));
      g_ptr_array_add (legs, leg);
    }

  return g_steal_pointer (&legs);

not_a_route_or_status:
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("The routing server at %s answered with an error (%u %s). "
                     "The tour uses straight lines instead; try again later, or check the "
                     "server’s address in Preferences."),
                   request->http.host, status, soup_status_get_phrase (status));
      return NULL;
    }
not_a_route:
  set_not_a_route (error, request);
  return NULL;
}

static void
on_send_and_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GTask) task = data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  GPtrArray *legs;

  body = amap_http_request_finish (&request->http, SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (request->http.timed_out)
        g_task_return_new_error (task, AMAP_ERROR, AMAP_ERROR_FAILED,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "The routing server at %s did not answer in %u second. "
                                              "The tour uses straight lines instead; try again later.",
                                              "The routing server at %s did not answer in %u seconds. "
                                              "The tour uses straight lines instead; try again later.",
                                              request->http.timeout),
                                 request->http.host, request->http.timeout);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, AMAP_ERROR, AMAP_ERROR_FAILED,
                                 _("The routing server at %s could not be reached (%s). "
                                   "The tour uses straight lines instead; check your connection "
                                   "and the server’s address in Preferences."),
                                 request->http.host, error->message);
      return;
    }

  legs = parse_route (request, body, soup_message_get_status (request->http.message), &error);
  if (legs == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, legs, (GDestroyNotify) g_ptr_array_unref);
}

static void
amap_routing_client_finalize (GObject *object)
{
  AmapRoutingClient *self = (AmapRoutingClient *)object;

  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (amap_routing_client_parent_class)->finalize (object);
}

static void
amap_routing_client_dispose (GObject *object)
{
  AmapRoutingClient *self = (AmapRoutingClient *)object;

  g_clear_object (&self->session);

  G_OBJECT_CLASS (amap_routing_client_parent_class)->dispose (object);
}

static void
amap_routing_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AmapRoutingClient *self = AMAP_ROUTING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_routing_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AmapRoutingClient *self = AMAP_ROUTING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      /* BASE/route/v1/...: one slash between, whatever was typed. */
      self->base_url = amap_http_tidy_base_url (g_value_get_string (value));
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_TIMEOUT:
      if (self->timeout != g_value_get_uint (value))
        {
          self->timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_routing_client_constructed (GObject *object)
{
  AmapRoutingClient *self = AMAP_ROUTING_CLIENT (object);

  G_OBJECT_CLASS (amap_routing_client_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = g_strdup ("");

  /* Without the app's session (a test, a tool), one of our own. */
  if (self->session == NULL)
    self->session = soup_session_new ();
}

static void
amap_routing_client_class_init (AmapRoutingClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = amap_routing_client_constructed;
  object_class->dispose = amap_routing_client_dispose;
  object_class->finalize = amap_routing_client_finalize;
  object_class->get_property = amap_routing_client_get_property;
  object_class->set_property = amap_routing_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_routing_client_init (AmapRoutingClient *self)
{
  self->timeout = DEFAULT_TIMEOUT_S;
}

/**
 * amap_routing_client_new:
 * @base_url: the server, e.g. "https://osrm.example.org"
 * @session: (nullable): the app's session
 */
AmapRoutingClient *
amap_routing_client_new (const char  *base_url,
                         SoupSession *session)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  return g_object_new (AMAP_TYPE_ROUTING_CLIENT,
                       "base-url", base_url,
                       "session", session,
                       NULL);
}

/* BASE/route/v1/driving/LON,LAT;LON,LAT;…?overview=full&geometries=polyline6&steps=false */
static char *
build_url (AmapRoutingClient *self,
           const double      *points,
           guint              n_points)
{
  GString *url = g_string_new (self->base_url);

  g_string_append (url, "/route/v1/driving/");
  for (guint i = 0; i < n_points; i++)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lon, sizeof lon, "%.6f", points[2 * i + 1]);
      g_ascii_formatd (lat, sizeof lat, "%.6f", points[2 * i]);
      g_string_append_printf (url, "%s%s,%s", i > 0 ? ";" : "", lon, lat);
    }
  g_string_append (url, "?overview=full&geometries=polyline6&steps=false");

  return g_string_free (url, FALSE);
}

void
amap_routing_client_route_async (AmapRoutingClient  *self,
                                 const double       *points,
                                 guint               n_points,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  Request *request;

  g_return_if_fail (AMAP_IS_ROUTING_CLIENT (self));
  g_return_if_fail (points != NULL);
  g_return_if_fail (n_points >= 2);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_routing_client_route_async);

  for (guint i = 0; i < n_points; i++)
    if (!amap_coordinates_are_valid (points[2 * i], points[2 * i + 1]))
      {
        g_task_return_new_error (task, AMAP_ERROR, AMAP_ERROR_INVALID,
                                 _("Point %u of the route is not on Earth, so no routing server "
                                   "can route to it. Check the stop’s location."),
                                 i + 1);
        return;
      }

  url = build_url (self, points, n_points);
  uri = amap_http_parse_web_uri (url);
  if (uri == NULL)
    {
      g_task_return_new_error (task, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("The routing server’s address “%s” is not a web address. "
                                 "The tour uses straight lines instead; check the address "
                                 "in Preferences (it starts with https://)."),
                               self->base_url);
      return;
    }

  request = g_new0 (Request, 1);
  amap_http_request_init (&request->http, uri);
  request->points = g_memdup2 (points, sizeof (double) * 2 * n_points);
  request->n_points = n_points;
  amap_http_request_new_message (&request->http, url);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  amap_http_request_follow (&request->http, cancellable, NULL, NULL, NULL);

  g_debug ("GET %s", url);
  amap_http_request_send (&request->http, self->session, task, self->timeout,
                          on_send_and_read_cb);
}

/**
 * amap_routing_client_route_finish:
 *
 * Returns: (transfer full) (element-type AmapRouteLeg): the legs, or NULL
 *   with @error set (G_IO_ERROR_CANCELLED when the caller cancelled).
 */
GPtrArray *
amap_routing_client_route_finish (AmapRoutingClient  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (AMAP_IS_ROUTING_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
