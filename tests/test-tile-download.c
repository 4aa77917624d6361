/* test-tile-download.c: "Save Area for Offline Use" against a tile server
 * on 127.0.0.1 that counts its requests and how many are under way at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "amap-error.h"
#include "amap-mbtiles.h"
#include "amap-tile-download.h"
#include "mbtiles-fixtures.h"

typedef struct
{
  SoupServer *server;
  char *url_template;
  GHashTable *requests;      /* "z/x/y" -> count */
  guint n_requests;
  guint in_flight;
  guint max_in_flight;
  guint fail_first;          /* answer the first N requests with 503 */
  guint delay_ms;
  char *dir;
} Fixture;

typedef struct
{
  Fixture *fixture;
  SoupServerMessage *message;
  int zoom, x, y;
} PendingAnswer;

static gboolean
answer_cb (gpointer user_data)
{
  PendingAnswer *answer = user_data;
  Fixture *fixture = answer->fixture;

  if (fixture->fail_first > 0)
    {
      fixture->fail_first--;
      soup_server_message_set_status (answer->message, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    }
  else if (answer->zoom < 0)
    soup_server_message_set_status (answer->message, SOUP_STATUS_NOT_FOUND, NULL);
  else
    {
      g_autoptr (GBytes) png = mbtiles_fixture_draw_png (mbtiles_fixture_color (answer->zoom, answer->x, answer->y));

      soup_server_message_set_status (answer->message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (answer->message, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (png, NULL), g_bytes_get_size (png));
    }
  fixture->in_flight--;
  soup_server_message_unpause (answer->message);
  g_object_unref (answer->message);
  g_free (answer);
  return G_SOURCE_REMOVE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  PendingAnswer *answer = g_new0 (PendingAnswer, 1);
  int zoom, x, y;

  fixture->n_requests++;
  fixture->in_flight++;
  fixture->max_in_flight = MAX (fixture->max_in_flight, fixture->in_flight);

  answer->fixture = fixture;
  answer->message = g_object_ref (message);
  answer->zoom = -1;
  if (sscanf (path, "/tiles/%d/%d/%d.png", &zoom, &x, &y) == 3)
    {
      g_autofree char *key = g_strdup_printf ("%d/%d/%d", zoom, x, y);

      g_hash_table_replace (fixture->requests, g_steal_pointer (&key),
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (fixture->requests, key)) + 1));
      answer->zoom = zoom;
      answer->x = x;
      answer->y = y;
    }

  /* Answered later, so that requests overlap if the client lets them. */
  soup_server_message_pause (message);
  g_timeout_add (fixture->delay_ms, answer_cb, answer);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;

  fixture->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->delay_ms = 15;
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  g_assert_true (soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->url_template = g_strdup_printf ("http://127.0.0.1:%d/tiles/{z}/{x}/{y}.png",
                                           g_uri_get_port (uris->data));
  fixture->dir = g_build_filename (g_get_user_cache_dir (), "saved", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->dir, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Answers still pending (a cancelled run) finish first. */
  while (fixture->in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->requests, g_hash_table_unref);
  g_free (fixture->url_template);
  g_free (fixture->dir);
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

/* A session that would allow many connections: the limit of two is the
 * download's own. */
static SoupSession *
open_session (void)
{
  return soup_session_new_with_options ("max-conns-per-host", 16, "max-conns", 16, NULL);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  if (!amap_tile_download_save_finish (AMAP_TILE_DOWNLOAD (source), result, error) && *error == NULL)
    g_assert_not_reached ();
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "ok");
}

/* Runs the download to its end; NULL on success. */
static GError *
run_download (AmapTileDownload *download,
              SoupSession      *session,
              const char       *path,
              GCancellable     *cancellable)
{
  GError *error = NULL;

  amap_tile_download_save_async (download, session, path, "Saved", "© Test tiles", cancellable,
                                 on_saved_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&error);
  return error;
}

/* An area around (15°E, 20°N): zoom 4 x 8, y 7; zoom 5 x 16..17, y 14;
 * zoom 6 x 33..35, y 28 (worked out by hand, not by the code under test). */
#define WEST 10.0
#define SOUTH 18.0
#define EAST 20.0
#define NORTH 21.0

static void
expected_range (int  zoom,
                int *x0,
                int *x1,
                int *y0,
                int *y1)
{
  /* floor((lon + 180) / 360 * 2^z); y from the Web Mercator formula. */
  static const int ranges[][4] = {
    /* zoom 4 */ { 8, 8, 7, 7 },
    /* zoom 5 */ { 16, 17, 14, 14 },
    /* zoom 6 */ { 33, 35, 28, 28 },
  };

  *x0 = ranges[zoom - 4][0];
  *x1 = ranges[zoom - 4][1];
  *y0 = ranges[zoom - 4][2];
  *y1 = ranges[zoom - 4][3];
}

static void
test_area (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (AmapTileDownload) download = amap_tile_download_new (fixture->url_template, WEST, SOUTH,
                                                                  EAST, NORTH, 4, 6);
  g_autoptr (SoupSession) session = open_session ();
  g_autofree char *path = g_build_filename (fixture->dir, "area.mbtiles", NULL);
  g_autoptr (AmapMbtiles) mbtiles = NULL;
  g_autoptr (GError) error = NULL;
  guint n_expected = 0;
  double west, south, east, north;

  for (int zoom = 4; zoom <= 6; zoom++)
    {
      int x0, x1, y0, y1;

      expected_range (zoom, &x0, &x1, &y0, &y1);
      n_expected += (x1 - x0 + 1) * (y1 - y0 + 1);
    }
  g_assert_cmpuint (amap_tile_download_get_n_tiles (download), ==, n_expected);
  g_assert_cmpuint (amap_tile_download_estimate_bytes (download), ==,
                    n_expected * AMAP_TILE_DOWNLOAD_BYTES_PER_TILE);
  g_assert_true (amap_tile_download_check (download, &error));

  error = run_download (download, session, path, NULL);
  g_assert_no_error (error);

  /* Exactly the tiles of the area, each once, never more than two at once. */
  g_assert_cmpuint (fixture->n_requests, ==, n_expected);
  g_assert_cmpuint (g_hash_table_size (fixture->requests), ==, n_expected);
  g_assert_cmpuint (fixture->max_in_flight, ==, AMAP_TILE_DOWNLOAD_MAX_CONNECTIONS);
  g_assert_cmpuint (amap_tile_download_get_n_done (download), ==, n_expected);
  g_assert_cmpfloat (amap_tile_download_get_fraction (download), ==, 1.0);

  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (amap_mbtiles_get_min_zoom (mbtiles), ==, 4);
  g_assert_cmpint (amap_mbtiles_get_max_zoom (mbtiles), ==, 6);
  g_assert_cmpstr (amap_mbtiles_get_attribution (mbtiles), ==, "© Test tiles");
  g_assert_true (amap_mbtiles_get_bounds (mbtiles, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, WEST, 1e-6);
  g_assert_cmpfloat_with_epsilon (north, NORTH, 1e-6);
  for (int zoom = 4; zoom <= 6; zoom++)
    {
      int x0, x1, y0, y1;

      expected_range (zoom, &x0, &x1, &y0, &y1);
      for (int x = x0; x <= x1; x++)
        for (int y = y0; y <= y1; y++)
          {
            g_autofree char *key = g_strdup_printf ("%d/%d/%d", zoom, x, y);
            g_autoptr (GBytes) tile = amap_mbtiles_read_tile (mbtiles, zoom, x, y, &error);

            g_assert_no_error (error);
            g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (fixture->requests, key)), ==, 1);
            g_assert_nonnull (tile);
            g_assert_cmphex (mbtiles_fixture_png_center_color (tile), ==,
                             mbtiles_fixture_color (zoom, x, y));
          }
    }
  /* Only the new file, no temporary left beside it. */
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
}

/* The server fails twice with 503: the download waits and gets them. */
static void
test_backoff (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr (AmapTileDownload) download = amap_tile_download_new (fixture->url_template, WEST, SOUTH,
                                                                  EAST, NORTH, 4, 5);
  g_autoptr (SoupSession) session = open_session ();
  g_autofree char *path = g_build_filename (fixture->dir, "retried.mbtiles", NULL);
  g_autoptr (AmapMbtiles) mbtiles = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;

  fixture->fail_first = 2;
  amap_tile_download_set_retry_delay (download, 100);
  start = g_get_monotonic_time ();
  error = run_download (download, session, path, NULL);
  g_assert_no_error (error);
  /* Both first requests failed; everything waited the pause out. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
  g_assert_cmpuint (fixture->n_requests, ==, 3 + 2);
  g_assert_cmpuint (fixture->max_in_flight, <=, AMAP_TILE_DOWNLOAD_MAX_CONNECTIONS);

  mbtiles = amap_mbtiles_open (path, &error);
  g_assert_no_error (error);
  for (int x = 16; x <= 17; x++)
    {
      g_autoptr (GBytes) tile = amap_mbtiles_read_tile (mbtiles, 5, x, 14, &error);

      g_assert_nonnull (tile);
    }
}

/* A server that keeps failing: an error that names it, and no file. */
static void
test_gives_up (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (AmapTileDownload) download = amap_tile_download_new (fixture->url_template, WEST, SOUTH,
                                                                  EAST, NORTH, 4, 5);
  g_autoptr (SoupSession) session = open_session ();
  g_autofree char *path = g_build_filename (fixture->dir, "failed.mbtiles", NULL);
  g_autoptr (GError) error = NULL;

  fixture->fail_first = 1000;
  amap_tile_download_set_retry_delay (download, 5);
  error = run_download (download, session, path, NULL);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

static void
on_n_done_cb (AmapTileDownload *download,
              GParamSpec       *pspec,
              GCancellable     *cancellable)
{
  if (amap_tile_download_get_n_done (download) == 3)
    g_cancellable_cancel (cancellable);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (AmapTileDownload) download = amap_tile_download_new (fixture->url_template, WEST, SOUTH,
                                                                  EAST, NORTH, 4, 7);
  g_autoptr (SoupSession) session = open_session ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = g_build_filename (fixture->dir, "cancelled.mbtiles", NULL);
  g_autoptr (GError) error = NULL;

  g_signal_connect (download, "notify::n-done", G_CALLBACK (on_n_done_cb), cancellable);
  error = run_download (download, session, path, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->n_requests, <, amap_tile_download_get_n_tiles (download));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

/* Cancelled while waiting out an error: ends at once, no file. */
static void
test_cancel_while_paused (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (AmapTileDownload) download = amap_tile_download_new (fixture->url_template, WEST, SOUTH,
                                                                  EAST, NORTH, 4, 6);
  g_autoptr (SoupSession) session = open_session ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = g_build_filename (fixture->dir, "paused.mbtiles", NULL);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  fixture->fail_first = 1000;
  amap_tile_download_set_retry_delay (download, 60 * 1000);
  g_timeout_add_once (200, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  error = run_download (download, session, path, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

/* tile.openstreetmap.org: refused before any request. The session goes
 * through a proxy that is our server, so a request would be counted. */
static void
test_openstreetmap (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *templates[] = {
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
    "http://a.tile.openstreetmap.org/{z}/{x}/{y}.png",
  };
  g_autoptr (GUri) server_uri = g_uri_parse (fixture->url_template, G_URI_FLAGS_PARSE_RELAXED, NULL);
  g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (server_uri));
  g_autoptr (GProxyResolver) resolver = g_simple_proxy_resolver_new (proxy, NULL);
  g_autoptr (SoupSession) session = soup_session_new_with_options ("proxy-resolver", resolver,
                                                                    "max-conns-per-host", 16, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autoptr (AmapTileDownload) download = amap_tile_download_new (templates[i], WEST, SOUTH,
                                                                      EAST, NORTH, 4, 5);
      g_autofree char *path = g_build_filename (fixture->dir, "osm.mbtiles", NULL);
      g_autoptr (GError) error = NULL;

      g_assert_true (amap_tile_download_is_osm_template (templates[i]));
      g_assert_false (amap_tile_download_check (download, &error));
      g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "policy"));
      g_clear_error (&error);

      error = run_download (download, session, path, NULL);
      g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
    }
  g_assert_false (amap_tile_download_is_osm_template (fixture->url_template));
  g_assert_false (amap_tile_download_is_osm_template ("https://tiles.example.org/{z}/{x}/{y}.png"));

  /* Let a request through the proxy, if one had been made, arrive. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (fixture->n_requests, ==, 0);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

/* More than the cap: refused with the count, nothing requested. */
static void
test_too_many (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (AmapTileDownload) download = amap_tile_download_new (fixture->url_template, -10.0, 40.0,
                                                                  10.0, 55.0, 10, 14);
  g_autoptr (SoupSession) session = open_session ();
  g_autofree char *path = g_build_filename (fixture->dir, "big.mbtiles", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (amap_tile_download_get_n_tiles (download), >, AMAP_TILE_DOWNLOAD_MAX_TILES);
  g_assert_false (amap_tile_download_check (download, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
  g_clear_error (&error);

  error = run_download (download, session, path, NULL);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
  g_assert_cmpuint (fixture->n_requests, ==, 0);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* No system proxy settings in the isolated test environment. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/tile-download/area", test_area);
  ADD ("/tile-download/backoff", test_backoff);
  ADD ("/tile-download/gives-up", test_gives_up);
  ADD ("/tile-download/cancel", test_cancel);
  ADD ("/tile-download/cancel-while-paused", test_cancel_while_paused);
  ADD ("/tile-download/openstreetmap", test_openstreetmap);
  ADD ("/tile-download/too-many", test_too_many);
#undef ADD

  return g_test_run ();
}
