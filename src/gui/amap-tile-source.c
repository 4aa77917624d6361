/* amap-tile-source.c: raster tiles over our own HTTP session and disk cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-tile-source"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "amap-tile-source.h"

/* Tiles newer than this are drawn from the disk without asking the server
 * (OSM's policy: honour caching, never re-fetch needlessly). */
#define FRESH_SECONDS (7 * 24 * 3600)
/* Until amap_tile_source_set_cache_size_limit(): the schema's default. */
#define CACHE_SIZE_LIMIT (500u * 1000u * 1000u)
#define FIRST_BACKOFF_SECONDS 15
#define MAX_BACKOFF_SECONDS 300

struct _AmapTileSource
{
  ShumateDataSource  parent_instance;

  char              *url_template;
  char              *cache_key;
  SoupSession       *session;
  ShumateFileCache  *file_cache;

  gboolean           offline;
  gboolean           failure_logged;
  gint64             retry_after;      /* monotonic µs; 0: go ahead */
  guint              backoff_seconds;
  gboolean           probing;          /* offline: one download is trying */
  gboolean           purged;           /* trimmed to its size once */
};

G_DEFINE_FINAL_TYPE (AmapTileSource, amap_tile_source, SHUMATE_TYPE_DATA_SOURCE)

enum {
  PROP_0,
  PROP_URL_TEMPLATE,
  PROP_CACHE_KEY,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int      x;
  int      y;
  int      zoom;
  GBytes  *cached;
  char    *etag;
} TileRequest;

static void
tile_request_free (TileRequest *request)
{
  g_clear_pointer (&request->cached, g_bytes_unref);
  g_clear_pointer (&request->etag, g_free);
  g_free (request);
}

static void
set_offline (AmapTileSource *self,
             gboolean        offline)
{
  if (self->offline == offline)
    return;

  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

/* One failure starts a pause; the requests that were already under way and
 * fail with it do not lengthen it. */
static void
note_failure (AmapTileSource *self,
              const char     *url,
              const char     *reason,
              gboolean        network)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->failure_logged)
    {
      g_debug ("Could not load map tile %s: %s (no more tile errors are logged "
               "until one loads again)", url, reason);
      self->failure_logged = TRUE;
    }

  if (network)
    set_offline (self, TRUE);

  if (now < self->retry_after)
    return;

  self->backoff_seconds = self->backoff_seconds == 0
                          ? FIRST_BACKOFF_SECONDS
                          : MIN (self->backoff_seconds * 2, MAX_BACKOFF_SECONDS);
  self->retry_after = now + (gint64) self->backoff_seconds * G_USEC_PER_SEC;
}

static void
note_success (AmapTileSource *self)
{
  self->backoff_seconds = 0;
  self->retry_after = 0;
  self->failure_logged = FALSE;
  set_offline (self, FALSE);
}

static void
emit_received_data (AmapTileSource *self,
                    TileRequest    *request,
                    GBytes         *bytes)
{
  /* libshumate 1.0's raster renderer takes the texture from this signal;
   * the async result only says "done". */
  g_signal_emit_by_name (self, "received-data",
                         request->x, request->y, request->zoom, bytes);
}

/* The cached tile (already shown) when there is one, else an error. */
static void
return_cached_or_error (GTask  *task,
                        GError *error)
{
  TileRequest *request = g_task_get_task_data (task);

  if (request->cached != NULL)
    {
      g_clear_error (&error);
      g_task_return_pointer (task, g_bytes_ref (request->cached),
                             (GDestroyNotify) g_bytes_unref);
    }
  else
    g_task_return_error (task, error);
}

static gboolean
is_image (SoupMessage *message)
{
  const char *type;

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                NULL);
  /* Some tile servers send no type at all; trust those. */
  return type == NULL || g_str_has_prefix (type, "image/");
}

static void
on_tile_downloaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmapTileSource *self = g_task_get_source_object (task);
  TileRequest *request = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  url = g_uri_to_string (soup_message_get_uri (message));
  self->probing = FALSE;

  if (body == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        note_failure (self, url, error->message, TRUE);
      return_cached_or_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (message);

  if (status == SOUP_STATUS_NOT_MODIFIED && request->cached != NULL)
    {
      note_success (self);
      shumate_file_cache_mark_up_to_date (self->file_cache,
                                          request->x, request->y, request->zoom);
      g_task_return_pointer (task, g_bytes_ref (request->cached),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status) && is_image (message) && g_bytes_get_size (body) > 0)
    {
      const char *etag;

      note_success (self);
      etag = soup_message_headers_get_one (soup_message_get_response_headers (message), "ETag");
      shumate_file_cache_store_tile_async (self->file_cache,
                                           request->x, request->y, request->zoom,
                                           body, etag, NULL, NULL, NULL);
      emit_received_data (self, request, body);
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      return;
    }

  /* The server answered, so we are online; but a server that refuses or
   * fails gets the same pause as a missing network. */
  {
    g_autofree char *reason = g_strdup_printf ("HTTP %u %s", status,
                                               soup_message_get_reason_phrase (message));

    if (status != SOUP_STATUS_NOT_FOUND)
      note_failure (self, url, reason, FALSE);
    set_offline (self, FALSE);
    return_cached_or_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                               _("The tile server answered “%s”."),
                                               reason));
  }
}

static void
download_tile (AmapTileSource *self,
               GTask          *task)
{
  TileRequest *request = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;

  /* Offline, one download at a time finds out whether we are back; the
   * rest come from the cache or fail at once. */
  if (g_get_monotonic_time () < self->retry_after
      || (self->offline && self->probing))
    {
      return_cached_or_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                                                         _("Map tiles can’t be loaded right now.")));
      g_object_unref (task);
      return;
    }

  url = amap_tile_source_build_url (self->url_template, request->x, request->y, request->zoom);
  message = soup_message_new (SOUP_METHOD_GET, url);
  if (message == NULL)
    {
      note_failure (self, url, "not a valid URL", FALSE);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid tile address."), url);
      g_object_unref (task);
      return;
    }

  if (self->offline)
    self->probing = TRUE;

  if (request->etag != NULL)
    soup_message_headers_append (soup_message_get_request_headers (message),
                                 "If-None-Match", request->etag);

  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    on_tile_downloaded_cb, task);
}

static void
on_cache_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  AmapTileSource *self = g_task_get_source_object (task);
  TileRequest *request = g_task_get_task_data (task);
  g_autoptr(GDateTime) modtime = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GBytes) bytes = NULL;

  /* A miss is an error here too; either way we go on to the network. */
  bytes = shumate_file_cache_get_tile_finish (SHUMATE_FILE_CACHE (source), &etag, &modtime,
                                              result, NULL);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (bytes != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      emit_received_data (self, request, bytes);

      if (modtime != NULL && g_date_time_difference (now, modtime) < (GTimeSpan) FRESH_SECONDS * G_TIME_SPAN_SECOND)
        {
          g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
          g_object_unref (task);
          return;
        }

      request->cached = g_steal_pointer (&bytes);
      request->etag = g_steal_pointer (&etag);
    }

  download_tile (self, task);
}

static void
amap_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                      int                  x,
                                      int                  y,
                                      int                  zoom_level,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  AmapTileSource *self = AMAP_TILE_SOURCE (source);
  GTask *task;
  TileRequest *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_tile_source_get_tile_data_async);

  if (self->url_template == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("No base map is shown."));
      g_object_unref (task);
      return;
    }

  request = g_new0 (TileRequest, 1);
  request->x = x;
  request->y = y;
  request->zoom = zoom_level;
  g_task_set_task_data (task, request, (GDestroyNotify) tile_request_free);

  shumate_file_cache_get_tile_async (self->file_cache, x, y, zoom_level,
                                     cancellable, on_cache_read_cb, task);
}

static GBytes *
amap_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
amap_tile_source_constructed (GObject *object)
{
  AmapTileSource *self = AMAP_TILE_SOURCE (object);
  g_autofree char *cache_dir = NULL;
  g_autofree char *user_agent = NULL;

  G_OBJECT_CLASS (amap_tile_source_parent_class)->constructed (object);

  user_agent = g_strdup ("AssetMap/" PACKAGE_VERSION " (+" PROJECT_URL ")");
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 20,
                                                 "max-conns-per-host", 2,
                                                 NULL);

  cache_dir = g_build_filename (g_get_user_cache_dir (), "asset-map", "tiles", NULL);
  self->file_cache = shumate_file_cache_new_full (CACHE_SIZE_LIMIT,
                                                  self->cache_key ? self->cache_key : "none",
                                                  cache_dir);
}

static void
amap_tile_source_dispose (GObject *object)
{
  AmapTileSource *self = AMAP_TILE_SOURCE (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->file_cache);

  G_OBJECT_CLASS (amap_tile_source_parent_class)->dispose (object);
}

static void
amap_tile_source_finalize (GObject *object)
{
  AmapTileSource *self = AMAP_TILE_SOURCE (object);

  g_free (self->url_template);
  g_free (self->cache_key);

  G_OBJECT_CLASS (amap_tile_source_parent_class)->finalize (object);
}

static void
amap_tile_source_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AmapTileSource *self = AMAP_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_URL_TEMPLATE:
      g_value_set_string (value, self->url_template);
      break;
    case PROP_CACHE_KEY:
      g_value_set_string (value, self->cache_key);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tile_source_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AmapTileSource *self = AMAP_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_URL_TEMPLATE:
      self->url_template = g_value_dup_string (value);
      break;
    case PROP_CACHE_KEY:
      self->cache_key = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tile_source_class_init (AmapTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->constructed = amap_tile_source_constructed;
  object_class->dispose = amap_tile_source_dispose;
  object_class->finalize = amap_tile_source_finalize;
  object_class->get_property = amap_tile_source_get_property;
  object_class->set_property = amap_tile_source_set_property;

  source_class->get_tile_data_async = amap_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = amap_tile_source_get_tile_data_finish;

  properties[PROP_URL_TEMPLATE] =
    g_param_spec_string ("url-template", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_KEY] =
    g_param_spec_string ("cache-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_tile_source_init (AmapTileSource *self)
{
}

AmapTileSource *
amap_tile_source_new (const char *url_template,
                      const char *cache_key)
{
  return g_object_new (AMAP_TYPE_TILE_SOURCE,
                       "url-template", url_template,
                       "cache-key", cache_key,
                       NULL);
}

const char *
amap_tile_source_get_url_template (AmapTileSource *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_SOURCE (self), NULL);

  return self->url_template;
}

gboolean
amap_tile_source_get_offline (AmapTileSource *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_SOURCE (self), FALSE);

  return self->offline;
}

char *
amap_tile_source_build_url (const char *url_template,
                            int         x,
                            int         y,
                            int         zoom)
{
  GString *url;
  char number[16];

  g_return_val_if_fail (url_template != NULL, NULL);

  url = g_string_new (url_template);
  g_snprintf (number, sizeof number, "%d", x);
  g_string_replace (url, "{x}", number, 0);
  g_snprintf (number, sizeof number, "%d", y);
  g_string_replace (url, "{y}", number, 0);
  g_snprintf (number, sizeof number, "%d", zoom);
  g_string_replace (url, "{z}", number, 0);
  g_string_replace (url, "{s}", "a", 0);

  return g_string_free (url, FALSE);
}

static void
on_purged_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* libshumate 1.0 may say FALSE without an error. */
  if (!shumate_file_cache_purge_cache_finish (SHUMATE_FILE_CACHE (source), result, &error) &&
      error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not trim the tile cache: %s", error->message);
}

void
amap_tile_source_set_cache_size_limit (AmapTileSource *self,
                                       guint           megabytes)
{
  guint limit;

  g_return_if_fail (AMAP_IS_TILE_SOURCE (self));

  limit = (guint) MIN ((guint64) megabytes * 1000u * 1000u, (guint64) G_MAXUINT);
  if (shumate_file_cache_get_size_limit (self->file_cache) == limit && self->purged)
    return;

  /* Tiles stay until the cache is larger than this, however old: offline,
   * the old tile is better than none (they are re-checked after a week). */
  shumate_file_cache_set_size_limit (self->file_cache, limit);
  self->purged = TRUE;
  shumate_file_cache_purge_cache_async (self->file_cache, NULL, on_purged_cb, NULL);
}

guint
amap_tile_source_get_cache_size_limit (AmapTileSource *self)
{
  g_return_val_if_fail (AMAP_IS_TILE_SOURCE (self), 0);

  return shumate_file_cache_get_size_limit (self->file_cache);
}

ShumateMapSource *
amap_tile_source_create_renderer (AmapTileSource *self,
                                  const char     *id,
                                  const char     *name,
                                  const char     *license,
                                  const char     *license_uri)
{
  g_return_val_if_fail (AMAP_IS_TILE_SOURCE (self), NULL);

  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full (id, name, license, license_uri,
                                                               0, 19, 256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (self)));
}
