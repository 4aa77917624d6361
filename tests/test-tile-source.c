/* test-tile-source.c: tiles come with our User-Agent, from the disk cache
 * the second time, and a missing network makes us wait, not hammer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "amap-tile-source.h"

/* The 8-byte PNG signature and a few bytes: the tile source does not
 * decode, it only hands the bytes on. */
static const guint8 fake_png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4 };

typedef struct
{
  SoupServer *server;
  char       *url_template;
  guint       hits;
  char       *last_user_agent;
  char       *last_path;
} Fixture;

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  fixture->hits++;
  g_free (fixture->last_user_agent);
  fixture->last_user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  g_free (fixture->last_path);
  fixture->last_path = g_strdup (path);

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "image/png", SOUP_MEMORY_STATIC,
                                    (const char *) fake_png, sizeof fake_png);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *base = NULL;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, on_request_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  g_assert_nonnull (uris);
  base = g_uri_to_string (uris->data);
  fixture->url_template = g_strconcat (base, "tiles/{z}/{x}/{y}.png", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->url_template);
  g_free (fixture->last_user_agent);
  g_free (fixture->last_path);
}

typedef struct
{
  gboolean  done;
  GBytes   *bytes;
  GError   *error;
  guint     received;
} Result;

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (source), result,
                                                       &r->error);
  r->done = TRUE;
}

static void
on_received_data_cb (ShumateDataSource *source,
                     int                x,
                     int                y,
                     int                zoom,
                     GBytes            *bytes,
                     Result            *r)
{
  r->received++;
}

static void
fetch (AmapTileSource *source,
       int             x,
       int             y,
       int             zoom,
       Result         *r)
{
  gulong id;

  memset (r, 0, sizeof *r);
  id = g_signal_connect (source, "received-data", G_CALLBACK (on_received_data_cb), r);
  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x, y, zoom,
                                           NULL, on_done_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (source, id);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->bytes, g_bytes_unref);
  g_clear_error (&r->error);
}

static void
on_cache_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Result *r = user_data;

  r->bytes = shumate_file_cache_get_tile_finish (SHUMATE_FILE_CACHE (source), NULL, NULL,
                                                 result, NULL);
  r->done = TRUE;
}

static gboolean
wait_for_cached_tile (const char *cache_key,
                      int         x,
                      int         y,
                      int         zoom)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "asset-map", "tiles", NULL);
  g_autoptr(ShumateFileCache) cache = shumate_file_cache_new_full (1000000, cache_key, dir);

  for (guint attempt = 0; attempt < 500; attempt++)
    {
      Result r = { 0 };

      shumate_file_cache_get_tile_async (cache, x, y, zoom, NULL, on_cache_read_cb, &r);
      while (!r.done)
        g_main_context_iteration (NULL, TRUE);
      if (r.bytes != NULL)
        {
          g_bytes_unref (r.bytes);
          return TRUE;
        }
      /* Let the pending write run. */
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  return FALSE;
}

static void
test_user_agent_and_cache (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AmapTileSource) source = amap_tile_source_new (fixture->url_template, "test");
  g_autoptr(AmapTileSource) again = NULL;
  Result r;

  fetch (source, 5, 12, 5, &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.bytes);
  g_assert_cmpmem (g_bytes_get_data (r.bytes, NULL), g_bytes_get_size (r.bytes),
                   fake_png, sizeof fake_png);
  /* The raster renderer of libshumate 1.0 draws what "received-data"
   * brings, so it must come. */
  g_assert_cmpuint (r.received, ==, 1);
  result_clear (&r);

  /* The tile server saw our name (OSM's tile policy), and the right tile. */
  g_assert_cmpuint (fixture->hits, ==, 1);
  g_assert_cmpstr (fixture->last_user_agent, ==, "AssetMap/" PACKAGE_VERSION " (+" PROJECT_URL ")");
  g_assert_cmpstr (fixture->last_path, ==, "/tiles/5/5/12.png");
  g_assert_false (amap_tile_source_get_offline (source));

  /* Wait for the tile to reach the disk (written in the background), then
   * ask again from a new source (a new run of the app): it comes from the
   * cache, not the server. */
  g_assert_true (wait_for_cached_tile ("test", 5, 12, 5));

  again = amap_tile_source_new (fixture->url_template, "test");
  fetch (again, 5, 12, 5, &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.bytes);
  g_assert_cmpuint (r.received, ==, 1);
  g_assert_cmpuint (fixture->hits, ==, 1);
  result_clear (&r);
}

static void
test_offline_waits (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AmapTileSource) source = NULL;
  g_autofree char *closed_template = NULL;
  guint16 port;
  Result r;

  /* A port nobody listens on: connection refused, like a dead network. */
  {
    g_autoslist(GUri) uris = soup_server_get_uris (fixture->server);
    port = (guint16) g_uri_get_port (uris->data);
  }
  soup_server_disconnect (fixture->server);
  closed_template = g_strdup_printf ("http://127.0.0.1:%u/{z}/{x}/{y}.png", port);
  source = amap_tile_source_new (closed_template, "closed");

  fetch (source, 1, 1, 3, &r);
  g_assert_nonnull (r.error);
  g_assert_null (r.bytes);
  g_assert_cmpuint (r.received, ==, 0);
  g_assert_true (amap_tile_source_get_offline (source));
  result_clear (&r);

  /* The next tiles fail at once, without trying the network again. */
  fetch (source, 2, 1, 3, &r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
  g_assert_true (amap_tile_source_get_offline (source));
  result_clear (&r);
}

static void
test_no_base_map (void)
{
  g_autoptr(AmapTileSource) source = amap_tile_source_new (NULL, NULL);
  Result r;

  /* "No base map": nothing is fetched and nobody is told we are offline. */
  fetch (source, 0, 0, 0, &r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (amap_tile_source_get_offline (source));
  result_clear (&r);
}

static void
test_build_url (void)
{
  g_autofree char *osm = amap_tile_source_build_url (AMAP_TILE_SOURCE_OSM_TEMPLATE, 2629, 6332, 14);
  g_autofree char *custom = amap_tile_source_build_url ("https://{s}.tiles.example.org/{z}/{x}/{y}@2x.png?key=abc",
                                                        1, 2, 3);

  g_assert_cmpstr (osm, ==, "https://tile.openstreetmap.org/14/2629/6332.png");
  g_assert_cmpstr (custom, ==, "https://a.tiles.example.org/3/1/2@2x.png?key=abc");
}

/* The disk cache holds 500 MB unless GSettings says otherwise. */
static void
test_cache_size (void)
{
  g_autoptr(AmapTileSource) source = amap_tile_source_new ("http://127.0.0.1:9/{z}/{x}/{y}.png", "size-test");

  g_assert_cmpuint (amap_tile_source_get_cache_size_limit (source), ==, 500u * 1000u * 1000u);
  amap_tile_source_set_cache_size_limit (source, 50);
  g_assert_cmpuint (amap_tile_source_get_cache_size_limit (source), ==, 50u * 1000u * 1000u);
  /* More than a guint of bytes: as much as the cache can count. */
  amap_tile_source_set_cache_size_limit (source, 5000);
  g_assert_cmpuint (amap_tile_source_get_cache_size_limit (source), ==, G_MAXUINT);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  /* No system proxy settings in the isolated test environment. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tile-source/build-url", test_build_url);
  g_test_add_func ("/tile-source/no-base-map", test_no_base_map);
  g_test_add_func ("/tile-source/cache-size", test_cache_size);
  g_test_add ("/tile-source/user-agent-and-cache", Fixture, NULL,
              fixture_set_up, test_user_agent_and_cache, fixture_tear_down);
  g_test_add ("/tile-source/offline-waits", Fixture, NULL,
              fixture_set_up, test_offline_waits, fixture_tear_down);

  return g_test_run ();
}
