/* test-geocoder.c: the coordinate parser, and place search against a
 * Nominatim-compatible server on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "amap-coordinates.h"
#include "amap-geocoder.h"

/* The coordinate parser */

typedef struct
{
  const char *text;
  double      latitude;
  double      longitude;
  double      zoom;   /* NAN: none */
} Case;

/* 37°46'39"N 122°13'25"W in decimal degrees. */
#define DMS_LAT (37.0 + 46.0 / 60 + 39.0 / 3600)
#define DMS_LON (-(122.0 + 13.0 / 60 + 25.0 / 3600))

static void
assert_cases (const Case *cases,
              gsize       n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      double lat = 0, lon = 0, zoom = 0;
      gboolean ok = amap_coordinates_parse (cases[i].text, &lat, &lon, &zoom);

      if (!ok)
        g_error ("“%s” was not read as coordinates", cases[i].text);
      if (fabs (lat - cases[i].latitude) > 1e-6 || fabs (lon - cases[i].longitude) > 1e-6)
        g_error ("“%s” was read as %.7f, %.7f instead of %.7f, %.7f", cases[i].text,
                 lat, lon, cases[i].latitude, cases[i].longitude);
      if (isnan (cases[i].zoom))
        g_assert_true (isnan (zoom));
      else
        g_assert_cmpfloat_with_epsilon (zoom, cases[i].zoom, 1e-9);
    }
}

static void
test_parse_decimal (void)
{
  static const Case cases[] = {
    { "37.7775, -122.2236", 37.7775, -122.2236, NAN },
    { "37.7775 -122.2236", 37.7775, -122.2236, NAN },
    { "37.7775,-122.2236", 37.7775, -122.2236, NAN },
    { "  37.7775 ,\t-122.2236\n", 37.7775, -122.2236, NAN },
    { "+37.7775; -122.2236", 37.7775, -122.2236, NAN },
    { "-33.8688, 151.2093", -33.8688, 151.2093, NAN },
    { "90, 180", 90, 180, NAN },
    { "-90 -180", -90, -180, NAN },
    /* Hemisphere letters, before or after, and the order they say. */
    { "37.7775 N, 122.2236 W", 37.7775, -122.2236, NAN },
    { "N 37.7775 W 122.2236", 37.7775, -122.2236, NAN },
    { "37.7775n 122.2236w", 37.7775, -122.2236, NAN },
    { "122.2236 W, 37.7775 N", 37.7775, -122.2236, NAN },
    { "33.8688 S 151.2093 E", -33.8688, 151.2093, NAN },
    { "37.7775 N, -122.2236", 37.7775, -122.2236, NAN },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_parse_dms (void)
{
  static const Case cases[] = {
    { "37°46'39\"N 122°13'25\"W", DMS_LAT, DMS_LON, NAN },
    { "37° 46′ 39″ N, 122° 13′ 25″ W", DMS_LAT, DMS_LON, NAN },
    { "37°46’39”N 122°13’25”W", DMS_LAT, DMS_LON, NAN },
    { "37°46'39''N 122°13'25''W", DMS_LAT, DMS_LON, NAN },
    { "37º46'39\"N 122º13'25\"W", DMS_LAT, DMS_LON, NAN },
    { "N 37°46'39\" W 122°13'25\"", DMS_LAT, DMS_LON, NAN },
    { "122°13'25\"W 37°46'39\"N", DMS_LAT, DMS_LON, NAN },
    { "37°46'39\", -122°13'25\"", DMS_LAT, DMS_LON, NAN },
    /* Decimal minutes, and degrees alone. */
    { "37°46.65'N 122°13.416'W", 37.0 + 46.65 / 60, -(122.0 + 13.416 / 60), NAN },
    { "37.7775° N, 122.2236° W", 37.7775, -122.2236, NAN },
    { "33°52′S 151°12′E", -(33.0 + 52.0 / 60), 151.0 + 12.0 / 60, NAN },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_parse_geo_uri (void)
{
  static const Case cases[] = {
    { "geo:37.7775,-122.2236", 37.7775, -122.2236, NAN },
    { "geo:37.7775,-122.2236;u=35", 37.7775, -122.2236, NAN },
    { "geo:37.7775,-122.2236,12.5;crs=wgs84;u=10", 37.7775, -122.2236, NAN },
    { "GEO:37.7775,-122.2236;CRS=WGS84", 37.7775, -122.2236, NAN },
    { "geo:37.7775,-122.2236?z=15", 37.7775, -122.2236, 15 },
    /* Android's form: the point in q. */
    { "geo:0,0?q=37.7775,-122.2236(Fruitvale%20Station)", 37.7775, -122.2236, NAN },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_parse_links (void)
{
  static const Case cases[] = {
    /* Google Maps: the view, the place's own point before the view, q=, ll=, query=. */
    { "https://www.google.com/maps/@37.7775,-122.2236,17z", 37.7775, -122.2236, 17 },
    { "https://www.google.com/maps/place/Fruitvale+Station/@37.7748,-122.2241,17z/"
      "data=!3m1!4b1!4m6!3m5!1s0x808f86e8:0x6fe0!8m2!3d37.7775!4d-122.2236!16s%2Fm%2F02r",
      37.7775, -122.2236, NAN },
    { "https://maps.google.com/?q=37.7775,-122.2236", 37.7775, -122.2236, NAN },
    { "https://maps.google.com/maps?q=loc:37.7775,-122.2236", 37.7775, -122.2236, NAN },
    { "https://www.google.com/maps?ll=37.7775,-122.2236&z=15", 37.7775, -122.2236, 15 },
    { "https://www.google.com/maps/search/?api=1&query=37.7775%2C-122.2236", 37.7775, -122.2236, NAN },
    { "www.google.com/maps/@37.7775,-122.2236,14.5z", 37.7775, -122.2236, 14.5 },
    /* OpenStreetMap: the marker before the view. */
    { "https://www.openstreetmap.org/#map=17/37.7775/-122.2236", 37.7775, -122.2236, 17 },
    { "https://www.openstreetmap.org/?mlat=37.7775&mlon=-122.2236#map=15/37.7700/-122.2200",
      37.7775, -122.2236, NAN },
    { "https://www.openstreetmap.org/search?query=fruitvale#map=16/37.7775/-122.2236&layers=C",
      37.7775, -122.2236, 16 },
    { "openstreetmap.org/#map=17/37.7775/-122.2236", 37.7775, -122.2236, 17 },
  };

  assert_cases (cases, G_N_ELEMENTS (cases));

  g_assert_true (amap_coordinates_is_link ("https://www.google.com/maps/place/Fruitvale"));
  g_assert_true (amap_coordinates_is_link (" geo:1,2"));
  g_assert_true (amap_coordinates_is_link ("www.openstreetmap.org/way/123"));
  g_assert_false (amap_coordinates_is_link ("3401 E 12th St, Oakland"));
}

static void
test_parse_garbage (void)
{
  static const char * const garbage[] = {
    "", "   ", "Fruitvale Station", "3401 E 12th St, Oakland, CA", "12 Main St",
    "37.7775", "N 37.7775", "37°46'39\"N", "37.7775, -122.2236, 5", "37.77.75",
    "37,7775 -122,2236",
    /* Off the Earth. */
    "91, 0", "0, 181", "-90.1 0", "37.7775 N, 190 W",
    /* Minutes and seconds of 60 or more, minutes after fractional degrees. */
    "37°61'00\"N 122°13'25\"W", "37°46'60\"N 122°13'25\"W", "37.5°30'N 122°W",
    "37°46.5'30\"N 122°13'25\"W", "37°39\"N 122°25\"W", "46'39\"N 13'25\"W",
    /* Letters that do not make a latitude and a longitude. */
    "37.7775 N 122.2236 N", "37.7775 E 122.2236 W", "-37.7775 S 122 E", "37 North 122 West",
    /* What strtod alone would take. */
    "1e3, 5", "nan, nan", "inf, 0", "0x10, 5", "1,2,3",
    /* geo: URIs that are not a point on Earth. */
    "geo:", "geo:37.7775", "geo:91,0", "geo:37,-122;crs=moon", "geo:37,-122;u=-5", "geo:a,b",
    /* Links without coordinates. */
    "https://www.google.com/maps/place/Fruitvale+Station", "https://example.org/",
    "https://www.openstreetmap.org/#map=17/95/10", "https://maps.google.com/?q=Fruitvale",
    "https://goo.gl/maps/abc123", "http://",
    /* Not text at all. */
    "37.7775\xff, -122.2236",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      double lat = 1, lon = 2, zoom = 3;

      if (amap_coordinates_parse (garbage[i], &lat, &lon, &zoom))
        g_error ("“%s” was read as coordinates %.7f, %.7f", garbage[i], lat, lon);
      /* Nothing written on failure but the zoom. */
      g_assert_cmpfloat (lat, ==, 1);
      g_assert_cmpfloat (lon, ==, 2);
    }
}

/* A Nominatim-compatible server */

typedef enum
{
  SERVE_NOMINATIM,
  SERVE_500,
  SERVE_HTML,
  SERVE_ERROR_OBJECT,
  SERVE_HANG,
} ServeMode;

typedef struct
{
  gint64  time;        /* monotonic µs, when the server got it */
  char   *path;
  char   *q;
  char   *format;
  char   *limit;
  char   *addressdetails;
  char   *user_agent;
  char   *accept_language;
} Request;

typedef struct
{
  SoupServer *server;
  char       *base;      /* http://127.0.0.1:PORT */
  char       *host;      /* 127.0.0.1:PORT */
  ServeMode   mode;
  GPtrArray  *requests;  /* Request */
  GPtrArray  *paused;
  char       *cache_dir;
} Server;

static void
request_free (Request *request)
{
  g_free (request->path);
  g_free (request->q);
  g_free (request->format);
  g_free (request->limit);
  g_free (request->addressdetails);
  g_free (request->user_agent);
  g_free (request->accept_language);
  g_free (request);
}

/* As nominatim.openstreetmap.org answers /search?format=jsonv2 (trimmed):
 * coordinates and the box as strings. */
static const char fruitvale_json[] =
  "[{\"place_id\":297405411,\"licence\":\"Data © OpenStreetMap contributors, ODbL 1.0. "
  "http://osm.org/copyright\",\"osm_type\":\"node\",\"osm_id\":2438961542,"
  "\"lat\":\"37.7748353\",\"lon\":\"-122.2242312\",\"category\":\"railway\",\"type\":\"station\","
  "\"place_rank\":30,\"importance\":0.3883,\"addresstype\":\"railway\",\"name\":\"Fruitvale\","
  "\"display_name\":\"Fruitvale, 3401, East 12th Street, Fruitvale, Oakland, Alameda County, "
  "California, 94601, United States\","
  "\"boundingbox\":[\"37.7698353\",\"37.7798353\",\"-122.2292312\",\"-122.2192312\"]},"
  "{\"place_id\":297, \"lat\":\"37.7757\",\"lon\":\"-122.2213\",\"category\":\"place\","
  "\"type\":\"neighbourhood\",\"importance\":0.21,"
  "\"display_name\":\"Fruitvale Station Plaza, Oakland, California, United States\"},"
  "{\"place_id\":298,\"lat\":\"north\",\"lon\":\"-122\",\"display_name\":\"Broken\"}]";

static void
on_request_cb (SoupServer        *soup_server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  Server *server = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Request *request = g_new0 (Request, 1);
  const char *q = query != NULL ? g_hash_table_lookup (query, "q") : NULL;

  request->time = g_get_monotonic_time ();
  request->path = g_strdup (path);
  request->q = g_strdup (q);
  if (query != NULL)
    {
      request->format = g_strdup (g_hash_table_lookup (query, "format"));
      request->limit = g_strdup (g_hash_table_lookup (query, "limit"));
      request->addressdetails = g_strdup (g_hash_table_lookup (query, "addressdetails"));
    }
  request->user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  request->accept_language = g_strdup (soup_message_headers_get_one (headers, "Accept-Language"));
  g_ptr_array_add (server->requests, request);

  switch (server->mode)
    {
    case SERVE_NOMINATIM:
      if (g_strcmp0 (path, "/search") != 0)
        {
          soup_server_message_set_status (msg, 404, NULL);
          break;
        }
      soup_server_message_set_status (msg, 200, NULL);
      if (q != NULL && strstr (q, "Fruitvale") != NULL)
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          fruitvale_json, strlen (fruitvale_json));
      else
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[]", 2);
      break;

    case SERVE_500:
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "oops", 4);
      break;

    case SERVE_HTML:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>It works!</body></html>", 35);
      break;

    case SERVE_ERROR_OBJECT:
      {
        static const char json[] = "{\"error\":{\"code\":400,\"message\":\"Nothing to search for.\"}}";

        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          json, strlen (json));
      }
      break;

    case SERVE_HANG:
      g_ptr_array_add (server->paused, g_object_ref (msg));
      soup_server_message_pause (msg);
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

  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  server->paused = g_ptr_array_new_with_free_func (g_object_unref);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, on_request_cb, server, NULL);
  soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server->server);
  g_assert_nonnull (uris);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  server->base = g_strdup_printf ("http://127.0.0.1:%d", port);
  server->host = g_strdup_printf ("127.0.0.1:%d", port);
  server->cache_dir = g_build_filename (g_get_user_cache_dir (), "places", NULL);
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
  g_ptr_array_unref (server->requests);
  g_free (server->base);
  g_free (server->host);
  g_free (server->cache_dir);
}

static AmapGeocoder *
new_geocoder (Server *server)
{
  return g_object_new (AMAP_TYPE_GEOCODER,
                       "base-url", server->base,
                       "cache-dir", server->cache_dir,
                       "language", "es-MX, es",
                       NULL);
}

static Request *
nth_request (Server *server,
             guint   n)
{
  g_assert_cmpuint (server->requests->len, >, n);

  return g_ptr_array_index (server->requests, n);
}

static void
on_search_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

/* Runs a search with the main loop turning (the server is in this thread
 * too). */
static GPtrArray *
search (AmapGeocoder  *geocoder,
        const char    *query,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  amap_geocoder_search_async (geocoder, query, 5, cancellable, on_search_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return amap_geocoder_search_finish (geocoder, result, error);
}

/* A search whose places the test does not look at. */
static void
search_only (AmapGeocoder  *geocoder,
             const char    *query,
             GError       **error)
{
  g_autoptr(GPtrArray) places = search (geocoder, query, NULL, error);
}

static void
test_results (Server        *server,
              gconstpointer  data)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;
  AmapPlace *place;
  double south, west, north, east;

  places = search (geocoder, "  Fruitvale   Station ", NULL, &error);
  g_assert_no_error (error);

  /* The broken third entry (latitude "north") is left out. */
  g_assert_cmpuint (places->len, ==, 2);
  place = g_ptr_array_index (places, 0);
  g_assert_cmpstr (amap_place_get_title (place), ==, "Fruitvale");
  g_assert_cmpstr (amap_place_get_subtitle (place), ==,
                   "3401, East 12th Street, Fruitvale, Oakland, Alameda County, California, 94601, United States");
  g_assert_true (g_str_has_prefix (amap_place_get_display_name (place), "Fruitvale, 3401, East 12th"));
  g_assert_cmpfloat_with_epsilon (amap_place_get_latitude (place), 37.7748353, 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_place_get_longitude (place), -122.2242312, 1e-9);
  g_assert_cmpstr (amap_place_get_category (place), ==, "railway");
  g_assert_cmpstr (amap_place_get_kind (place), ==, "station");
  g_assert_cmpfloat_with_epsilon (amap_place_get_importance (place), 0.3883, 1e-9);
  g_assert_true (amap_place_get_bounds (place, &south, &west, &north, &east));
  g_assert_cmpfloat_with_epsilon (south, 37.7698353, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 37.7798353, 1e-9);
  g_assert_cmpfloat_with_epsilon (west, -122.2292312, 1e-9);
  g_assert_cmpfloat_with_epsilon (east, -122.2192312, 1e-9);
  g_assert_false (amap_place_get_is_coordinates (place));
  place = g_ptr_array_index (places, 1);
  g_assert_cmpstr (amap_place_get_title (place), ==, "Fruitvale Station Plaza");
  g_assert_false (amap_place_get_bounds (place, NULL, NULL, NULL, NULL));

  /* What the usage policy asks of the request. */
  g_assert_cmpuint (server->requests->len, ==, 1);
  request = nth_request (server, 0);
  g_assert_cmpstr (request->path, ==, "/search");
  g_assert_cmpstr (request->q, ==, "Fruitvale Station");
  g_assert_cmpstr (request->format, ==, "jsonv2");
  g_assert_cmpstr (request->limit, ==, "5");
  g_assert_cmpstr (request->addressdetails, ==, "0");
  g_assert_nonnull (request->user_agent);
  g_assert_true (g_str_has_prefix (request->user_agent, "AssetMap/"));
  g_assert_nonnull (strstr (request->user_agent, "+http"));
  g_assert_cmpstr (request->accept_language, ==, "es-MX, es");
  g_assert_cmpuint (amap_geocoder_get_n_requests (geocoder), ==, 1);
}

static void
test_no_results (Server        *server,
                 gconstpointer  data)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(GError) error = NULL;

  places = search (geocoder, "Nowhere At All", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (places);
  g_assert_cmpuint (places->len, ==, 0);
  g_assert_cmpuint (server->requests->len, ==, 1);
}

typedef struct
{
  guint      pending;
  GPtrArray *results;  /* GAsyncResult, in the order they came */
} Many;

static void
on_many_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Many *many = data;

  g_ptr_array_add (many->results, g_object_ref (result));
  many->pending--;
}

static void
test_rate_limit (Server        *server,
                 gconstpointer  data)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  static const char * const queries[] = { "Fruitvale Station", "Nowhere", "Fruitvale Library" };
  Many many = { G_N_ELEMENTS (queries), g_ptr_array_new_with_free_func (g_object_unref) };

  /* Three searches at once: they wait their turns, a second apart as the
   * server sees them, in the order asked. */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    amap_geocoder_search_async (geocoder, queries[i], 5, NULL, on_many_cb, &many);
  while (many.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (server->requests->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) places = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (nth_request (server, i)->q, ==, queries[i]);
      places = amap_geocoder_search_finish (geocoder, g_ptr_array_index (many.results, i), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (places->len, ==, i == 1 ? 0 : 2);
    }
  for (guint i = 1; i < 3; i++)
    {
      gint64 gap = nth_request (server, i)->time - nth_request (server, i - 1)->time;

      g_test_message ("gap %u: %" G_GINT64_FORMAT " µs", i, gap);
      g_assert_cmpint (gap, >=, G_USEC_PER_SEC);
      /* …and not much more: the queue does not dawdle. */
      g_assert_cmpint (gap, <, 2 * G_USEC_PER_SEC);
    }

  g_ptr_array_unref (many.results);
}

/* Makes every cached answer look a year old. */
static void
age_cache (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      json_object_set_int_member (object, "time", g_get_real_time () / G_USEC_PER_SEC - 365 * 24 * 3600);
      json_generator_set_root (generator, json_parser_get_root (parser));
      json_generator_to_file (generator, path, &error);
      g_assert_no_error (error);
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

static void
test_cache (Server        *server,
            gconstpointer  data)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  g_autoptr(AmapGeocoder) later = NULL;
  g_autoptr(AmapGeocoder) other_limit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  search_only (geocoder, "Fruitvale Station", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server->requests->len, ==, 1);

  /* Asked again, in other letters and spacing: no request, no wait, the
   * same places. */
  start = g_get_monotonic_time ();
  {
    g_autoptr(GPtrArray) places = search (geocoder, "fruitvale  STATION", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (places->len, ==, 2);
    g_assert_cmpstr (amap_place_get_title (g_ptr_array_index (places, 0)), ==, "Fruitvale");
  }
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (server->requests->len, ==, 1);
  g_assert_cmpuint (amap_geocoder_get_n_requests (geocoder), ==, 1);

  /* The cache is on disk: the next run of the app does not ask either. */
  later = new_geocoder (server);
  search_only (later, "Fruitvale Station", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server->requests->len, ==, 1);

  /* Empty answers are kept too. */
  search_only (later, "Nowhere", &error);
  search_only (later, "Nowhere", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server->requests->len, ==, 2);

  /* Another server is another question. */
  other_limit = g_object_new (AMAP_TYPE_GEOCODER, "base-url", server->base, "cache-dir", server->cache_dir,
                              "language", "fr", NULL);
  search_only (other_limit, "Fruitvale Station", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server->requests->len, ==, 3);

  /* Past the age limit, asked again. */
  age_cache (server->cache_dir);
  search_only (later, "Fruitvale Station", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server->requests->len, ==, 4);
}

static void
assert_search_fails (Server     *server,
                     GQuark      domain,
                     int         code,
                     const char *words)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(GError) error = NULL;

  places = search (geocoder, "Fruitvale Station", NULL, &error);
  g_assert_null (places);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, server->host));
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_server_error (Server        *server,
                   gconstpointer  data)
{
  server->mode = SERVE_500;
  assert_search_fails (server, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_SERVER, "500 Internal Server Error");
  /* A failure is not cached: the next search asks again. */
  server->mode = SERVE_NOMINATIM;
  {
    g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) places = search (geocoder, "Fruitvale Station", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (places->len, ==, 2);
    g_assert_cmpuint (server->requests->len, ==, 2);
  }
}

static void
test_garbage (Server        *server,
              gconstpointer  data)
{
  server->mode = SERVE_HTML;
  assert_search_fails (server, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_BAD_RESPONSE, "not a list of places");
  server->mode = SERVE_ERROR_OBJECT;
  g_ptr_array_set_size (server->requests, 0);
  assert_search_fails (server, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_SERVER, "(“Nothing to search for”)");
}

static void
test_hang (Server        *server,
           gconstpointer  data)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(GError) error = NULL;

  server->mode = SERVE_HANG;
  g_object_set (geocoder, "timeout", 1, NULL);
  places = search (geocoder, "Fruitvale Station", NULL, &error);
  g_assert_null (places);
  g_assert_error (error, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "did not answer in 1 second"));
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
  server.cache_dir = g_build_filename (g_get_user_cache_dir (), "places", NULL);
  assert_search_fails (&server, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_UNREACHABLE, "Check your connection");
  g_free (server.base);
  g_free (server.host);
  g_free (server.cache_dir);
}

static void
test_bad_url (void)
{
  static const char * const urls[] = { "", "nominatim", "ftp://nominatim.example.org", "https://" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(AmapGeocoder) geocoder = amap_geocoder_new (urls[i], NULL);
      g_autoptr(GPtrArray) places = NULL;
      g_autoptr(GError) error = NULL;

      places = search (geocoder, "Fruitvale Station", NULL, &error);
      g_assert_null (places);
      g_assert_error (error, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_INVALID_URL);
      g_assert_nonnull (strstr (error->message, "Preferences"));
      g_assert_cmpuint (amap_geocoder_get_n_requests (geocoder), ==, 0);
    }
}

static void
test_cancel_waiting (Server        *server,
                     gconstpointer  data)
{
  g_autoptr(AmapGeocoder) geocoder = new_geocoder (server);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Many many = { 2, g_ptr_array_new_with_free_func (g_object_unref) };
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* The second waits for its turn behind the first; cancelled, it returns
   * at once and is never sent. */
  amap_geocoder_search_async (geocoder, "Fruitvale Station", 5, NULL, on_many_cb, &many);
  amap_geocoder_search_async (geocoder, "Fruitvale Library", 5, cancellable, on_many_cb, &many);
  start = g_get_monotonic_time ();
  while (server->requests->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (many.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);

  for (guint i = 0; i < 2; i++)
    {
      GAsyncResult *result = g_ptr_array_index (many.results, i);
      g_autoptr(GPtrArray) places = amap_geocoder_search_finish (geocoder, result, &error);

      if (places == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&error);
        }
      else
        {
          g_assert_cmpuint (places->len, ==, 2);
        }
    }

  /* Wait out the second a sent request would have waited for. */
  {
    gint64 end = g_get_monotonic_time () + 1200 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  g_assert_cmpuint (server->requests->len, ==, 1);
  g_ptr_array_unref (many.results);
}

int
main (int   argc,
      char *argv[])
{
  /* No system proxy settings in the isolated test environment, and none
   * wanted between two ends on 127.0.0.1. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/coordinates/decimal", test_parse_decimal);
  g_test_add_func ("/coordinates/dms", test_parse_dms);
  g_test_add_func ("/coordinates/geo-uri", test_parse_geo_uri);
  g_test_add_func ("/coordinates/links", test_parse_links);
  g_test_add_func ("/coordinates/garbage", test_parse_garbage);
  g_test_add ("/geocoder/results", Server, NULL, server_setup, test_results, server_teardown);
  g_test_add ("/geocoder/no-results", Server, NULL, server_setup, test_no_results, server_teardown);
  g_test_add ("/geocoder/rate-limit", Server, NULL, server_setup, test_rate_limit, server_teardown);
  g_test_add ("/geocoder/cache", Server, NULL, server_setup, test_cache, server_teardown);
  g_test_add ("/geocoder/server-error", Server, NULL, server_setup, test_server_error, server_teardown);
  g_test_add ("/geocoder/garbage", Server, NULL, server_setup, test_garbage, server_teardown);
  g_test_add ("/geocoder/hang", Server, NULL, server_setup, test_hang, server_teardown);
  g_test_add_func ("/geocoder/refused", test_refused);
  g_test_add_func ("/geocoder/bad-url", test_bad_url);
  g_test_add ("/geocoder/cancel-waiting", Server, NULL, server_setup, test_cancel_waiting, server_teardown);

  return g_test_run ();
}
