/* amap-mbtiles-source.c: an MBTiles file as the map's base layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-mbtiles-source"

#include <string.h>

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-mbtiles-source.h"

struct _AmapMbtilesSource
{
  ShumateDataSource  parent_instance;

  AmapMbtiles       *mbtiles;         /* main thread: metadata */
  GThreadPool       *pool;            /* one exclusive thread */

  /* Only the worker thread touches these (dispose, after the pool ends). */
  AmapMbtiles       *worker_mbtiles;
  GError            *worker_error;
};

G_DEFINE_FINAL_TYPE (AmapMbtilesSource, amap_mbtiles_source, SHUMATE_TYPE_DATA_SOURCE)

typedef struct
{
  int x, y, zoom;
} TileAddress;

/* Worker thread */

static void
read_tile_in_worker (gpointer data,
                     gpointer user_data)
{
  GTask *task = data;
  AmapMbtilesSource *self = user_data;
  TileAddress *address = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GBytes *bytes;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  /* Its own connection, opened in this thread, used only here. */
  if (self->worker_mbtiles == NULL && self->worker_error == NULL)
    self->worker_mbtiles = amap_mbtiles_open (amap_mbtiles_get_path (self->mbtiles),
                                              &self->worker_error);
  if (self->worker_mbtiles == NULL)
    {
      g_task_return_error (task, g_error_copy (self->worker_error));
      g_object_unref (task);
      return;
    }

  bytes = amap_mbtiles_read_tile (self->worker_mbtiles, address->zoom, address->x, address->y,
                                  &error);
  if (bytes != NULL)
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The offline map has no tile here."));
  g_object_unref (task);
}

/* Starts a read; @callback runs on the calling thread's main context. */
static void
read_tile_async (AmapMbtilesSource   *self,
                 int                  x,
                 int                  y,
                 int                  zoom,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  TileAddress *address = g_new0 (TileAddress, 1);

  address->x = x;
  address->y = y;
  address->zoom = zoom;
  g_task_set_task_data (task, address, g_free);
  g_task_set_source_tag (task, read_tile_async);
  /* The pool owns the reference until the worker returns the task. */
  g_thread_pool_push (self->pool, task, NULL);
}

/* ShumateDataSource */

static void
on_tile_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AmapMbtilesSource *self = AMAP_MBTILES_SOURCE (source);
  g_autoptr (GTask) task = user_data;
  TileAddress *address = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  GBytes *bytes;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* libshumate 1.0's raster renderer takes the texture from this signal;
   * the async result only says "done". */
  g_signal_emit_by_name (self, "received-data", address->x, address->y, address->zoom, bytes);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
amap_mbtiles_source_get_tile_data_async (ShumateDataSource   *source,
                                         int                  x,
                                         int                  y,
                                         int                  zoom_level,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  AmapMbtilesSource *self = AMAP_MBTILES_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, amap_mbtiles_source_get_tile_data_async);
  read_tile_async (self, x, y, zoom_level, cancellable, on_tile_read_cb, task);
}

static GBytes *
amap_mbtiles_source_get_tile_data_finish (ShumateDataSource  *source,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#if SHUMATE_CHECK_VERSION (1, 1, 0)
static void
on_request_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (ShumateDataSourceRequest) request = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes != NULL)
    shumate_data_source_request_emit_data (request, bytes, TRUE);
  else
    shumate_data_source_request_emit_error (request, error);
}

static ShumateDataSourceRequest *
amap_mbtiles_source_start_request (ShumateDataSource *source,
                                   int                x,
                                   int                y,
                                   int                zoom_level,
                                   GCancellable      *cancellable)
{
  ShumateDataSourceRequest *request = shumate_data_source_request_new (x, y, zoom_level);

  read_tile_async (AMAP_MBTILES_SOURCE (source), x, y, zoom_level, cancellable,
                   on_request_read_cb, g_object_ref (request));
  return request;
}
#endif

/* GObject */

static void
amap_mbtiles_source_dispose (GObject *object)
{
  AmapMbtilesSource *self = AMAP_MBTILES_SOURCE (object);

  /* Each queued read holds a reference to us, so none is left here; the
   * worker thread ends before its connection is closed. */
  if (self->pool != NULL)
    {
      g_thread_pool_free (self->pool, FALSE, TRUE);
      self->pool = NULL;
    }
  g_clear_object (&self->worker_mbtiles);
  g_clear_error (&self->worker_error);
  g_clear_object (&self->mbtiles);

  G_OBJECT_CLASS (amap_mbtiles_source_parent_class)->dispose (object);
}

static void
amap_mbtiles_source_class_init (AmapMbtilesSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = amap_mbtiles_source_dispose;

  source_class->get_tile_data_async = amap_mbtiles_source_get_tile_data_async;
  source_class->get_tile_data_finish = amap_mbtiles_source_get_tile_data_finish;
#if SHUMATE_CHECK_VERSION (1, 1, 0)
  source_class->start_request = amap_mbtiles_source_start_request;
#endif
}

static void
amap_mbtiles_source_init (AmapMbtilesSource *self)
{
}

/* Public API */

AmapMbtilesSource *
amap_mbtiles_source_new (const char  *path,
                         GError     **error)
{
  g_autoptr (AmapMbtilesSource) self = NULL;
  g_autoptr (AmapMbtiles) mbtiles = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  mbtiles = amap_mbtiles_open (path, error);
  if (mbtiles == NULL)
    return NULL;

  if (amap_mbtiles_is_vector (mbtiles))
    {
      g_autofree char *display = g_filename_display_name (path);

      if (shumate_vector_renderer_is_supported ())
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                     _("“%s” holds vector tiles, and it brings no map style to draw them with. Ask for a raster MBTiles file (PNG or JPEG tiles), as QGIS’s “Generate XYZ tiles (MBTiles)” makes."),
                     display);
      else
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                     _("“%s” holds vector tiles, which this system’s map library cannot draw. Ask for a raster MBTiles file (PNG or JPEG tiles), as QGIS’s “Generate XYZ tiles (MBTiles)” makes."),
                     display);
      return NULL;
    }

  self = g_object_new (AMAP_TYPE_MBTILES_SOURCE, NULL);
  self->mbtiles = g_steal_pointer (&mbtiles);
  self->pool = g_thread_pool_new (read_tile_in_worker, self, 1, TRUE, error);
  if (self->pool == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

AmapMbtiles *
amap_mbtiles_source_get_mbtiles (AmapMbtilesSource *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES_SOURCE (self), NULL);

  return self->mbtiles;
}

/* "&amp;" and friends, and numeric references. */
static void
append_entity (GString     *out,
               const char **p)
{
  static const struct { const char *name; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&apos;", "'" }, { "&copy;", "©" }, { "&nbsp;", " " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_has_prefix (*p, entities[i].name))
      {
        g_string_append (out, entities[i].text);
        *p += strlen (entities[i].name);
        return;
      }

  if ((*p)[1] == '#')
    {
      char *end = NULL;
      gboolean hex = (*p)[2] == 'x' || (*p)[2] == 'X';
      guint64 code = g_ascii_strtoull (*p + (hex ? 3 : 2), &end, hex ? 16 : 10);

      if (end != NULL && *end == ';' && code > 0 && code < 0x110000 && g_unichar_validate (code))
        {
          g_string_append_unichar (out, (gunichar) code);
          *p = end + 1;
          return;
        }
    }

  g_string_append_c (out, '&');
  (*p)++;
}

char *
amap_mbtiles_source_dup_license (AmapMbtilesSource  *self,
                                 char              **license_uri)
{
  const char *attribution;
  const char *p;
  GString *out;

  g_return_val_if_fail (AMAP_IS_MBTILES_SOURCE (self), NULL);

  if (license_uri != NULL)
    *license_uri = NULL;
  attribution = amap_mbtiles_get_attribution (self->mbtiles);
  if (attribution == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (p = attribution; *p != '\0';)
    {
      if (*p == '<')
        {
          const char *end = strchr (p, '>');
          const char *href;

          if (end == NULL)
            break;
          href = g_strstr_len (p, end - p, "href=\"");
          if (href != NULL && license_uri != NULL && *license_uri == NULL)
            {
              const char *start = href + strlen ("href=\"");
              const char *stop = memchr (start, '"', end - start);

              if (stop != NULL && (g_str_has_prefix (start, "https://") || g_str_has_prefix (start, "http://")))
                *license_uri = g_strndup (start, stop - start);
            }
          p = end + 1;
        }
      else if (*p == '&')
        append_entity (out, &p);
      else
        g_string_append_c (out, *p++);
    }

  g_strstrip (out->str);
  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

ShumateMapSource *
amap_mbtiles_source_create_renderer (AmapMbtilesSource *self)
{
  g_autofree char *license = NULL;
  g_autofree char *license_uri = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (AMAP_IS_MBTILES_SOURCE (self), NULL);

  license = amap_mbtiles_source_dup_license (self, &license_uri);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                          amap_mbtiles_get_path (self->mbtiles), -1);
  id = g_strdup_printf ("amap-mbtiles-%.16s", digest);

  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full (id, amap_mbtiles_get_name (self->mbtiles),
                                                               license, license_uri,
                                                               amap_mbtiles_get_min_zoom (self->mbtiles),
                                                               amap_mbtiles_get_max_zoom (self->mbtiles),
                                                               256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (self)));
}
