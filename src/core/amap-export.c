/* amap-export.c: the map (or some of it) to a .kml or .kmz file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-export"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-export.h"
#include "amap-kml-writer.h"
#include "amap-kmz-writer.h"

/* What an export needs, read from the store up front so that a worker
 * thread never touches it. A synchronous export of the whole map streams
 * the assets from @store instead (@assets is NULL), one at a time. */
typedef struct
{
  char       *title;
  GListModel *categories;
  GPtrArray  *assets;
  AmapStore  *store;
  GFile      *file;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_pointer (&data->title, g_free);
  g_clear_object (&data->categories);
  g_clear_pointer (&data->assets, g_ptr_array_unref);
  g_clear_object (&data->store);
  g_clear_object (&data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportData, export_data_free)

static gboolean
is_kmz (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (basename != NULL ? basename : "", -1);

  return g_str_has_suffix (lower, ".kmz");
}

/* A new file beside @file ("NAME.XXXXXX"), so that the final rename stays
 * on one file system. */
static GFileOutputStream *
create_temporary (GFile   *file,
                  GFile  **tmp_out,
                  GError **error)
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *basename = g_file_get_basename (file);
  GError *local_error = NULL;

  if (parent == NULL || basename == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("Not a file name"));
      return NULL;
    }

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr(GFile) tmp = NULL;
      GFileOutputStream *stream;
      char suffix[8] = ".XXXXXX";

      for (guint i = 1; i < 7; i++)
        suffix[i] = chars[g_random_int_range (0, sizeof chars - 1)];

      {
        g_autofree char *name = g_strconcat (basename, suffix, NULL);

        tmp = g_file_get_child (parent, name);
      }

      stream = g_file_create (tmp, G_FILE_CREATE_NONE, NULL, &local_error);
      if (stream != NULL)
        {
          *tmp_out = g_steal_pointer (&tmp);
          return stream;
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_clear_error (&local_error);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("Could not find a free temporary file name"));
  return NULL;
}

typedef struct
{
  AmapKmlWriter *writer;
  GOutputStream *stream;
  GCancellable  *cancellable;
} StreamState;

static gboolean
on_categories (const char * const *keys,
               gpointer            user_data,
               GError            **error)
{
  StreamState *state = user_data;

  return amap_kml_writer_begin (state->writer, keys, state->stream, state->cancellable, error);
}

static gboolean
on_asset (AmapAsset *asset,
          gpointer   user_data,
          GError   **error)
{
  StreamState *state = user_data;

  return amap_kml_writer_add (state->writer, asset, error);
}

/* The KML document, from @data->assets or streamed from @data->store. */
static gboolean
write_document (ExportData    *data,
                AmapKmlWriter *writer,
                GOutputStream *stream,
                GCancellable  *cancellable,
                GError       **error)
{
  StreamState state = { writer, stream, cancellable };

  if (data->assets != NULL)
    return amap_kml_writer_write (writer, data->assets, stream, cancellable, error);

  /* On failure a writer left begun is cleaned up when it is finalized;
   * the temporary file is removed either way. */
  return amap_store_foreach_asset (data->store, on_categories, on_asset, &state,
                                   cancellable, error)
         && amap_kml_writer_end (writer, error);
}

/* The document for a KMZ goes to a spool file first: the zip entry needs
 * its size up front, and memory should not grow with the map. */
static gboolean
write_kmz (ExportData    *data,
           AmapKmlWriter *writer,
           GOutputStream *stream,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileIOStream) spool = NULL;
  g_autoptr(GFile) spool_file = NULL;
  g_autoptr(GOutputStream) spool_out = NULL;
  GInputStream *spool_in;
  goffset size;
  gboolean ok;

  spool_file = g_file_new_tmp ("asset-map-export-XXXXXX.kml", &spool, error);
  if (spool_file == NULL)
    return FALSE;

  /* The name is not needed past this point; the open stream keeps the data. */
  g_file_delete (spool_file, NULL, NULL);

  spool_out = g_buffered_output_stream_new_sized (g_io_stream_get_output_stream (G_IO_STREAM (spool)),
                                                  64 * 1024);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (spool_out), FALSE);

  amap_kml_writer_set_icons (writer, AMAP_KML_ICONS_PACKAGED);
  ok = write_document (data, writer, spool_out, cancellable, error)
       && g_output_stream_flush (spool_out, cancellable, error);
  if (!ok)
    return FALSE;

  size = g_seekable_tell (G_SEEKABLE (spool));
  if (!g_seekable_seek (G_SEEKABLE (spool), 0, G_SEEK_SET, cancellable, error))
    return FALSE;

  spool_in = g_io_stream_get_input_stream (G_IO_STREAM (spool));
  return amap_kmz_writer_write (stream, spool_in, size,
                                amap_kml_writer_get_used_categories (writer),
                                cancellable, error);
}

/* Turns a GIO failure into one the user can read, naming the file. */
static void
propagate_io_error (GError **error,
                    GError  *local_error,
                    GFile   *file)
{
  g_autofree char *name = g_file_get_parse_name (file);
  int code = AMAP_ERROR_IO;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || local_error->domain == AMAP_ERROR)
    {
      g_propagate_error (error, local_error);
      return;
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    code = AMAP_ERROR_NO_SPACE;

  g_set_error (error, AMAP_ERROR, code, _("Could not export to “%s”: %s"),
               name, local_error->message);
  g_error_free (local_error);
}

static gboolean
export_data_run (ExportData    *data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(AmapKmlWriter) writer = amap_kml_writer_new (data->title);
  g_autoptr(GFileOutputStream) file_stream = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GFile) tmp = NULL;
  GError *local_error = NULL;
  gboolean ok;

  if (data->categories != NULL)
    amap_kml_writer_set_categories (writer, data->categories);

  file_stream = create_temporary (data->file, &tmp, &local_error);
  if (file_stream == NULL)
    {
      propagate_io_error (error, local_error, data->file);
      return FALSE;
    }

  stream = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (file_stream), 64 * 1024);

  if (is_kmz (data->file))
    ok = write_kmz (data, writer, stream, cancellable, &local_error);
  else
    ok = write_document (data, writer, stream, cancellable, &local_error);

  /* Close even after a failure, so the descriptor is released before the
   * temporary file is removed; report the first error. */
  if (!g_output_stream_close (stream, ok ? cancellable : NULL, ok ? &local_error : NULL))
    ok = FALSE;

  if (ok && g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    ok = FALSE;

  /* Replacing a file keeps who may read it: contacts are personal data. */
  if (ok)
    {
      g_autoptr(GFileInfo) info = g_file_query_info (data->file, G_FILE_ATTRIBUTE_UNIX_MODE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);

      if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_MODE))
        g_file_set_attribute_uint32 (tmp, G_FILE_ATTRIBUTE_UNIX_MODE,
                                     g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 07777,
                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    }

  if (ok)
    ok = g_file_move (tmp, data->file,
                      G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                      NULL, NULL, NULL, &local_error);

  if (!ok)
    {
      g_file_delete (tmp, NULL, NULL);
      if (local_error == NULL)
        g_set_error_literal (&local_error, AMAP_ERROR, AMAP_ERROR_FAILED,
                             _("The export failed"));
      propagate_io_error (error, local_error, data->file);
      return FALSE;
    }

  return TRUE;
}

static ExportData *
export_data_new (AmapStore  *store,
                 GPtrArray  *assets,
                 GFile      *file,
                 gboolean    copy,
                 GError    **error)
{
  g_autoptr(ExportData) data = g_new0 (ExportData, 1);
  GListModel *categories = amap_store_get_categories (store);
  GListStore *snapshot = g_list_store_new (AMAP_TYPE_CATEGORY);
  guint n = g_list_model_get_n_items (categories);

  /* A snapshot: categories are immutable objects, but the list is not. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) category = g_list_model_get_item (categories, i);

      g_list_store_append (snapshot, category);
    }
  data->categories = G_LIST_MODEL (snapshot);
  data->title = g_strdup (amap_store_get_title (store));
  data->file = g_object_ref (file);

  if (assets == NULL && !copy)
    {
      /* Streamed in export_data_run(), on the caller's thread. */
      data->store = g_object_ref (store);
    }
  else if (assets == NULL)
    {
      data->assets = amap_store_list_assets (store, error);
      if (data->assets == NULL)
        return NULL;
    }
  else if (copy)
    {
      data->assets = g_ptr_array_new_full (assets->len, g_object_unref);
      for (guint i = 0; i < assets->len; i++)
        g_ptr_array_add (data->assets, amap_asset_copy (g_ptr_array_index (assets, i)));
    }
  else
    data->assets = g_ptr_array_ref (assets);

  return g_steal_pointer (&data);
}

gboolean
amap_export_file (AmapStore     *store,
                  GPtrArray     *assets,
                  GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(ExportData) data = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = export_data_new (store, assets, file, FALSE, error);
  if (data == NULL)
    return FALSE;

  return export_data_run (data, cancellable, error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (export_data_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
amap_export_file_async (AmapStore           *store,
                        GPtrArray           *assets,
                        GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;
  GError *error = NULL;

  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_export_file_async);

  /* Copies: the store and the caller's assets may change meanwhile. */
  data = export_data_new (store, assets, file, TRUE, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
amap_export_file_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, amap_export_file_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
