/* amap-tile-download.c: the tiles of an area into an MBTiles file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tile-download"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-mbtiles.h"
#include "amap-tile-download.h"

#define MAX_LATITUDE 85.0511287798
#define MAX_ATTEMPTS 5
#define MAX_RETRY_AFTER_MS (60 * 1000)

struct _AmapTileDownload
{
  GObject parent_instance;

  char *url_template;
  double west, south, east, north;
  int min_zoom, max_zoom;
  guint retry_delay_ms;

  guint64 n_tiles;
  guint n_done;
  guint64 n_bytes;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (AmapTileDownload, amap_tile_download, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_TILES,
  PROP_N_DONE,
  PROP_N_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int zoom, x, y;
  guint attempts;
} TileJob;

/* One run of save_async: the task's data. */
typedef struct
{
  AmapTileDownload *self;       /* the task's source object */
  SoupSession *session;
  GCancellable *cancellable;
  char *path;
  char *name;
  char *attribution;
  AmapMbtilesWriter *writer;

  GQueue queue;                 /* of TileJob */
  guint in_flight;
  guint retry_id;               /* the pause after an error */
  guint next_delay_ms;
  GSource *cancel_source;
  GError *error;                /* the first failure; the run ends when in_flight is 0 */
  gboolean finished;
} Run;

/* Helpers */

static int
longitude_to_tile_x (double longitude,
                     int    zoom,
                     gboolean upper)
{
  double n = (double) (1 << zoom);
  double x = (longitude + 180.0) / 360.0 * n;
  int tile = upper ? (int) ceil (x) - 1 : (int) floor (x);

  return CLAMP (tile, 0, (1 << zoom) - 1);
}

static int
latitude_to_tile_y (double   latitude,
                    int      zoom,
                    gboolean upper)
{
  double n = (double) (1 << zoom);
  double phi = CLAMP (latitude, -MAX_LATITUDE, MAX_LATITUDE) * G_PI / 180.0;
  double y = (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0 * n;
  int tile = upper ? (int) ceil (y) - 1 : (int) floor (y);

  return CLAMP (tile, 0, (1 << zoom) - 1);
}

static void
tile_range (AmapTileDownload *self,
            int               zoom,
            int              *x0,
            int              *x1,
            int              *y0,
            int              *y1)
{
  *x0 = longitude_to_tile_x (self->west, zoom, FALSE);
  *x1 = MAX (*x0, longitude_to_tile_x (self->east, zoom, TRUE));
  *y0 = latitude_to_tile_y (self->north, zoom, FALSE);
  *y1 = MAX (*y0, latitude_to_tile_y (self->south, zoom, TRUE));
}

static guint64
count_tiles (AmapTileDownload *self)
{
  guint64 n = 0;

  if (self->min_zoom < 0 || self->max_zoom > 24 || self->min_zoom > self->max_zoom ||
      !(self->west < self->east) || !(self->south < self->north))
    return 0;

  for (int zoom = self->min_zoom; zoom <= self->max_zoom; zoom++)
    {
      int x0, x1, y0, y1;

      tile_range (self, zoom, &x0, &x1, &y0, &y1);
      n += (guint64) (x1 - x0 + 1) * (guint64) (y1 - y0 + 1);
    }
  return n;
}

static char *
build_url (const char *url_template,
           int         zoom,
           int         x,
           int         y)
{
  GString *url = g_string_new (url_template);
  char number[16];

  g_snprintf (number, sizeof number, "%d", x);
  g_string_replace (url, "{x}", number, 0);
  g_snprintf (number, sizeof number, "%d", y);
  g_string_replace (url, "{y}", number, 0);
  g_snprintf (number, sizeof number, "%d", zoom);
  g_string_replace (url, "{z}", number, 0);
  g_string_replace (url, "{s}", "a", 0);
  return g_string_free (url, FALSE);
}

static const char *
format_of (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "jpg";
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  return NULL;
}

static char *
server_name (const char *url_template)
{
  g_autoptr (GUri) uri = g_uri_parse (url_template, G_URI_FLAGS_PARSE_RELAXED, NULL);

  if (uri != NULL && g_uri_get_host (uri) != NULL)
    return g_strdup (g_uri_get_host (uri));
  return g_strdup (url_template);
}

static void
run_free (Run *run)
{
  g_assert (run->in_flight == 0);

  g_clear_handle_id (&run->retry_id, g_source_remove);
  if (run->cancel_source != NULL)
    {
      g_source_destroy (run->cancel_source);
      g_clear_pointer (&run->cancel_source, g_source_unref);
    }
  g_queue_clear_full (&run->queue, g_free);
  g_clear_pointer (&run->writer, amap_mbtiles_writer_free);
  g_clear_object (&run->session);
  g_clear_object (&run->cancellable);
  g_clear_error (&run->error);
  g_free (run->path);
  g_free (run->name);
  g_free (run->attribution);
  g_free (run);
}

static void
set_done (AmapTileDownload *self,
          guint             n_done,
          guint64           n_bytes)
{
  if (self->n_bytes != n_bytes)
    {
      self->n_bytes = n_bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_BYTES]);
    }
  if (self->n_done != n_done)
    {
      self->n_done = n_done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
    }
}

static void pump (GTask *task);

static void
fail (Run    *run,
      GError *error)
{
  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);
}

/* Every tile in, or the first failure once nothing is under way. */
static void
finish_if_done (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  AmapTileDownload *self = run->self;
  g_autoptr (GError) error = NULL;

  if (run->finished || run->in_flight > 0)
    return;

  if (run->error == NULL && g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    fail (run, g_steal_pointer (&error));

  if (run->error == NULL && !g_queue_is_empty (&run->queue))
    return;

  self->running = FALSE;
  run->finished = TRUE;
  g_clear_handle_id (&run->retry_id, g_source_remove);

  if (run->error != NULL)
    {
      /* The writer's temporary file goes with it (amap_mbtiles_writer_free). */
      g_clear_pointer (&run->writer, amap_mbtiles_writer_free);
      g_task_return_error (task, g_steal_pointer (&run->error));
    }
  else if (run->writer == NULL)
    {
      g_autofree char *server = server_name (self->url_template);

      g_task_return_new_error (task, AMAP_ERROR, AMAP_ERROR_FAILED,
                               /* Translators: %s is a host name */
                               _("The tile server %s has no tiles for this area. Nothing was saved."),
                               server);
    }
  else
    {
      amap_mbtiles_writer_set_bounds (run->writer, self->west, self->south, self->east, self->north);
      if (amap_mbtiles_writer_commit (run->writer, &error))
        g_task_return_boolean (task, TRUE);
      else
        {
          g_clear_pointer (&run->writer, amap_mbtiles_writer_free);
          g_task_return_error (task, g_steal_pointer (&error));
        }
    }

  /* The run's own reference, taken in save_async. */
  g_object_unref (task);
}

static gboolean
on_retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->retry_id = 0;
  pump (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  g_clear_handle_id (&run->retry_id, g_source_remove);
  /* The requests under way end with G_IO_ERROR_CANCELLED; with none,
   * the run ends here. */
  g_object_ref (task);
  finish_if_done (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* A tile failed for a reason that may pass: pause everything, then again. */
static void
retry_later (GTask   *task,
             TileJob *job,
             guint    delay_ms,
             char    *reason)
{
  Run *run = g_task_get_task_data (task);

  job->attempts++;
  if (job->attempts >= MAX_ATTEMPTS)
    {
      g_autofree char *server = server_name (run->self->url_template);

      fail (run, g_error_new (AMAP_ERROR, AMAP_ERROR_FAILED,
                              /* Translators: a host name, then the reason (HTTP 503...) */
                              _("The tile server %s did not send the tiles (%s). Nothing was saved; try again later."),
                              server, reason));
      g_free (job);
      g_free (reason);
      return;
    }

  g_debug ("Tile %d/%d/%d: %s; trying again in %u ms", job->zoom, job->x, job->y, reason, delay_ms);
  g_free (reason);
  g_queue_push_head (&run->queue, job);
  if (run->retry_id == 0)
    run->retry_id = g_timeout_add (delay_ms, on_retry_cb, task);
}

static guint
retry_after_ms (SoupMessage *message,
                guint        fallback)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                    "Retry-After");
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return fallback;
  seconds = g_ascii_strtoull (value, &end, 10);
  if (end == value)
    return fallback;
  return (guint) MIN (seconds * 1000, MAX_RETRY_AFTER_MS);
}

typedef struct
{
  GTask *task;
  TileJob *job;
} Request;

static void
on_tile_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr (GTask) task = request->task;
  TileJob *job = request->job;
  Run *run = g_task_get_task_data (task);
  AmapTileDownload *self = run->self;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  guint status;

  g_free (request);
  run->in_flight--;
  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (run->error != NULL || g_cancellable_is_cancelled (run->cancellable))
    {
      g_free (job);
    }
  else if (body == NULL)
    {
      guint delay = run->next_delay_ms;

      run->next_delay_ms = MIN (run->next_delay_ms * 2, MAX_RETRY_AFTER_MS);
      retry_later (task, job, delay, g_strdup (error->message));
    }
  else if ((status = soup_message_get_status (message)) == 429 /* Too Many Requests */ ||
           status >= 500)
    {
      guint delay = retry_after_ms (message, run->next_delay_ms);

      run->next_delay_ms = MIN (run->next_delay_ms * 2, MAX_RETRY_AFTER_MS);
      retry_later (task, job, delay,
                   g_strdup_printf ("HTTP %u %s", status, soup_message_get_reason_phrase (message)));
    }
  else if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_NO_CONTENT ||
           (SOUP_STATUS_IS_SUCCESSFUL (status) && g_bytes_get_size (body) == 0))
    {
      /* A tile the server does not have (the sea, beyond its area). */
      g_free (job);
      set_done (self, self->n_done + 1, self->n_bytes);
    }
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status) || format_of (body) == NULL)
    {
      g_autofree char *server = server_name (self->url_template);

      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        fail (run, g_error_new (AMAP_ERROR, AMAP_ERROR_FAILED,
                                _("The tile server %s sent something that is not a PNG, JPEG or WebP map tile. Nothing was saved; check the tile address in Preferences."),
                                server));
      else
        fail (run, g_error_new (AMAP_ERROR, AMAP_ERROR_FAILED,
                                /* Translators: a host name, then "HTTP 403 Forbidden" */
                                _("The tile server %s refused the download (HTTP %u %s). Nothing was saved."),
                                server, status, soup_message_get_reason_phrase (message)));
      g_free (job);
    }
  else
    {
      run->next_delay_ms = self->retry_delay_ms;
      if (run->writer == NULL)
        run->writer = amap_mbtiles_writer_new (run->path, run->name, format_of (body), &error);
      if (run->writer != NULL &&
          run->attribution != NULL && amap_mbtiles_writer_get_n_tiles (run->writer) == 0 &&
          !amap_mbtiles_writer_set_metadata (run->writer, "attribution", run->attribution, &error))
        g_clear_pointer (&run->writer, amap_mbtiles_writer_free);
      if (run->writer != NULL &&
          amap_mbtiles_writer_add_tile (run->writer, job->zoom, job->x, job->y, body, &error))
        set_done (self, self->n_done + 1, self->n_bytes + g_bytes_get_size (body));
      else
        fail (run, g_steal_pointer (&error));
      g_free (job);
    }

  pump (task);
}

/* Starts requests until two are under way (none while paused). */
static void
pump (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  while (run->error == NULL && run->retry_id == 0 &&
         !g_cancellable_is_cancelled (run->cancellable) &&
         run->in_flight < AMAP_TILE_DOWNLOAD_MAX_CONNECTIONS &&
         !g_queue_is_empty (&run->queue))
    {
      TileJob *job = g_queue_pop_head (&run->queue);
      g_autofree char *url = build_url (run->self->url_template, job->zoom, job->x, job->y);
      g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
      Request *request;

      if (message == NULL)
        {
          fail (run, g_error_new (AMAP_ERROR, AMAP_ERROR_INVALID,
                                  _("“%s” is not a valid tile address. Check the tile server in Preferences."),
                                  url));
          g_free (job);
          break;
        }

      request = g_new0 (Request, 1);
      request->task = g_object_ref (task);
      request->job = job;
      run->in_flight++;
      soup_session_send_and_read_async (run->session, message, G_PRIORITY_LOW,
                                        run->cancellable, on_tile_cb, request);
    }

  finish_if_done (task);
}

/* GObject */

static void
amap_tile_download_finalize (GObject *object)
{
  AmapTileDownload *self = AMAP_TILE_DOWNLOAD (object);

  g_free (self->url_template);

  G_OBJECT_CLASS (amap_tile_download_parent_class)->finalize (object);
}

static void
amap_tile_download_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AmapTileDownload *self = AMAP_TILE_DOWNLOAD (object);

  switch (prop_id)
    {
    case PROP_N_TILES:
      g_value_set_uint64 (value, self->n_tiles);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_N_BYTES:
      g_value_set_uint64 (value, self->n_bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tile_download_class_init (AmapTileDownloadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_tile_download_finalize;
  object_class->get_property = amap_tile_download_get_property;

  properties[PROP_N_TILES] =
    g_param_spec_uint64 ("n-tiles", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_BYTES] =
    g_param_spec_uint64 ("n-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_tile_download_init (AmapTileDownload *self)
{
  self->retry_delay_ms = 1000;
}

/* Public API */

AmapTileDownload *
amap_tile_download_new (const char *url_template,
                        double      west,
                        double      south,
                        double      east,
                        double      north,
                        int         min_zoom,
                        int         max_zoom)
{
  AmapTileDownload *self;

  g_return_val_if_fail (url_template != NULL, NULL);

  self = g_object_new (AMAP_TYPE_TILE_DOWNLOAD, NULL);
  self->url_template = g_strstrip (g_strdup (url_template));
  self->west = CLAMP (west, -180.0, 180.0);
  self->east = CLAMP (east, -180.0, 180.0);
  self->south = CLAMP (south, -MAX_LATITUDE, MAX_LATITUDE);
  self->north = CLAMP (north, -MAX_LATITUDE, MAX_LATITUDE);
  self->min_zoom = min_zoom;
  self->max_zoom = max_zoom;
  self->n_tiles = count_tiles (self);
  return self;
}

guint64
amap_tile_download_get_n_tiles (AmapTileDownload *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_DOWNLOAD (self), 0);
  return self->n_tiles;
}

guint64
amap_tile_download_estimate_bytes (AmapTileDownload *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_DOWNLOAD (self), 0);
  return self->n_tiles * AMAP_TILE_DOWNLOAD_BYTES_PER_TILE;
}

guint
amap_tile_download_get_n_done (AmapTileDownload *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_DOWNLOAD (self), 0);
  return self->n_done;
}

guint64
amap_tile_download_get_n_bytes (AmapTileDownload *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_DOWNLOAD (self), 0);
  return self->n_bytes;
}

double
amap_tile_download_get_fraction (AmapTileDownload *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_DOWNLOAD (self), 0.0);

  if (self->n_tiles == 0)
    return 0.0;
  return CLAMP ((double) self->n_done / (double) self->n_tiles, 0.0, 1.0);
}

void
amap_tile_download_set_retry_delay (AmapTileDownload *self,
                                    guint             milliseconds)
{
  g_return_if_fail (AMAP_IS_TILE_DOWNLOAD (self));
  self->retry_delay_ms = MAX (milliseconds, 1);
}

gboolean
amap_tile_download_is_osm_template (const char *url_template)
{
  g_autoptr (GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (url_template != NULL, FALSE);

  uri = g_uri_parse (url_template, G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  /* tile.openstreetmap.org, {s}.tile..., a.tile..., and the old .de/.fr
   * community servers share the same policy. */
  return g_ascii_strcasecmp (host, "tile.openstreetmap.org") == 0 ||
         g_str_has_suffix (host, ".tile.openstreetmap.org") ||
         g_str_has_suffix (host, ".tile.openstreetmap.de") ||
         g_str_has_suffix (host, ".tile.openstreetmap.fr");
}

gboolean
amap_tile_download_check (AmapTileDownload  *self,
                          GError           **error)
{
  g_return_val_if_fail (AMAP_IS_TILE_DOWNLOAD (self), FALSE);

  if (amap_tile_download_is_osm_template (self->url_template))
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                           _("OpenStreetMap’s tile servers are run by volunteers, and their tile policy forbids downloading areas for offline use. The tiles you have looked at stay in the cache for weeks; for a whole area, ask your district for an MBTiles file or use a tile server that allows downloads."));
      return FALSE;
    }
  if (strstr (self->url_template, "{z}") == NULL || strstr (self->url_template, "{x}") == NULL ||
      strstr (self->url_template, "{y}") == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The tile address “%s” has no {z}, {x} and {y}. Check the tile server in Preferences."),
                   self->url_template);
      return FALSE;
    }
  if (self->n_tiles == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("There is no area to save. Zoom the map to the area first."));
      return FALSE;
    }
  if (self->n_tiles > AMAP_TILE_DOWNLOAD_MAX_TILES)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, self->n_tiles);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                   /* Translators: a tile count, then the limit */
                   _("This area needs %s tiles; at most %d can be saved at once. Zoom in, or choose a lower highest zoom."),
                   count, AMAP_TILE_DOWNLOAD_MAX_TILES);
      return FALSE;
    }
  return TRUE;
}

void
amap_tile_download_save_async (AmapTileDownload    *self,
                               SoupSession         *session,
                               const char          *path,
                               const char          *name,
                               const char          *attribution,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Run *run;

  g_return_if_fail (AMAP_IS_TILE_DOWNLOAD (self));
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (path != NULL);
  g_return_if_fail (!self->running);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_tile_download_save_async);

  if (!amap_tile_download_check (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run = g_new0 (Run, 1);
  run->self = self;
  run->session = g_object_ref (session);
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->path = g_strdup (path);
  run->name = g_strdup (name);
  run->attribution = g_strdup (attribution);
  run->next_delay_ms = self->retry_delay_ms;
  g_queue_init (&run->queue);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  /* Low zooms first: a cancelled download has the overview. */
  for (int zoom = self->min_zoom; zoom <= self->max_zoom; zoom++)
    {
      int x0, x1, y0, y1;

      tile_range (self, zoom, &x0, &x1, &y0, &y1);
      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          {
            TileJob *job = g_new0 (TileJob, 1);

            job->zoom = zoom;
            job->x = x;
            job->y = y;
            g_queue_push_tail (&run->queue, job);
          }
    }

  run->cancel_source = g_cancellable_source_new (run->cancellable);
  g_source_set_callback (run->cancel_source, G_SOURCE_FUNC (on_cancelled_cb), task, NULL);
  g_source_attach (run->cancel_source, g_main_context_get_thread_default ());

  self->running = TRUE;
  set_done (self, 0, 0);
  /* Held until the run ends (finish_if_done): the pause after an error and
   * the cancellation source have no reference of their own. */
  g_object_ref (task);
  pump (task);
}

gboolean
amap_tile_download_save_finish (AmapTileDownload  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
