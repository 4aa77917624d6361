/* amap-tour-export.c: a tour to a .kml, .gpx or .pdf file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-export"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-gpx-writer.h"
#include "amap-itinerary.h"
#include "amap-export.h"
#include "amap-tour-export.h"
#include "amap-tour-kml-writer.h"

gboolean
amap_tour_export_format_for_file (GFile          *file,
                                  AmapTourFormat *format)
{
  g_autofree char *basename = NULL;
  g_autofree char *lower = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  basename = g_file_get_basename (file);
  lower = g_ascii_strdown (basename != NULL ? basename : "", -1);

  if (g_str_has_suffix (lower, ".kml"))
    *format = AMAP_TOUR_FORMAT_KML;
  else if (g_str_has_suffix (lower, ".gpx"))
    *format = AMAP_TOUR_FORMAT_GPX;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = AMAP_TOUR_FORMAT_PDF;
  else
    return FALSE;

  return TRUE;
}

static void
propagate_error (GError **error,
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

  /* Translators: the first %s is a file name, the second says why */
  g_set_error (error, AMAP_ERROR, code, _("Could not export the tour to “%s”: %s"),
               name, local_error->message);
  g_error_free (local_error);
}

/* A new file beside @file ("NAME.XXXXXX"), so that the final rename stays
 * on one file system. (g_file_replace() would write a new file in place.) */
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
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("Not a file name"));
      return NULL;
    }

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GFile) tmp = NULL;
      GFileOutputStream *stream;
      char suffix[8] = ".XXXXXX";

      for (guint i = 1; i < 7; i++)
        suffix[i] = chars[g_random_int_range (0, sizeof chars - 1)];
      name = g_strconcat (basename, suffix, NULL);
      tmp = g_file_get_child (parent, name);

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

gboolean
amap_tour_export_file (AmapTourPlan    *plan,
                       GFile           *file,
                       AmapTourFormat   format,
                       const char      *tile_dir,
                       const char      *attribution,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GFileOutputStream) file_stream = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GFile) tmp = NULL;
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (plan), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!amap_export_check_target (file, error))
    return FALSE;

  file_stream = create_temporary (file, &tmp, &local_error);
  if (file_stream == NULL)
    {
      propagate_error (error, local_error, file);
      return FALSE;
    }
  stream = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (file_stream), 64 * 1024);

  switch (format)
    {
    case AMAP_TOUR_FORMAT_PDF:
      {
        g_autoptr(AmapItinerary) itinerary = amap_itinerary_new (plan);

        if (tile_dir != NULL)
          amap_itinerary_set_tiles (itinerary, tile_dir,
                                    attribution != NULL ? attribution : _("© OpenStreetMap contributors"));
        ok = amap_itinerary_write_pdf (itinerary, stream, 0, 0, cancellable, &local_error);
      }
      break;
    case AMAP_TOUR_FORMAT_GPX:
      ok = amap_gpx_writer_write (plan, stream, cancellable, &local_error);
      break;
    case AMAP_TOUR_FORMAT_KML:
    default:
      ok = amap_tour_kml_writer_write (plan, stream, cancellable, &local_error);
      break;
    }

  /* Closed even after a failure, so that the descriptor is released
   * before the temporary file is removed; the first error is reported. */
  if (!g_output_stream_close (stream, ok ? cancellable : NULL, ok ? &local_error : NULL))
    ok = FALSE;

  /* Replacing a file keeps who may read it: notes and phone numbers are
   * personal data. */
  if (ok)
    {
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_UNIX_MODE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);

      if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_MODE))
        g_file_set_attribute_uint32 (tmp, G_FILE_ATTRIBUTE_UNIX_MODE,
                                     g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 07777,
                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    }

  if (ok)
    ok = g_file_move (tmp, file, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                      NULL, NULL, NULL, &local_error);

  if (!ok)
    {
      g_file_delete (tmp, NULL, NULL);
      if (local_error == NULL)
        g_set_error_literal (&local_error, AMAP_ERROR, AMAP_ERROR_FAILED, _("The export failed"));
      propagate_error (error, local_error, file);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  AmapTourPlan   *plan;
  GFile          *file;
  AmapTourFormat  format;
  char           *tile_dir;
  char           *attribution;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->plan);
  g_clear_object (&data->file);
  g_free (data->tile_dir);
  g_free (data->attribution);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (amap_tour_export_file (data->plan, data->file, data->format, data->tile_dir,
                             data->attribution, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
amap_tour_export_file_async (AmapTourPlan        *plan,
                             GFile               *file,
                             AmapTourFormat       format,
                             const char          *tile_dir,
                             const char          *attribution,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (AMAP_IS_TOUR_PLAN (plan));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ExportData, 1);
  data->plan = g_object_ref (plan);
  data->file = g_object_ref (file);
  data->format = format;
  data->tile_dir = g_strdup (tile_dir);
  data->attribution = g_strdup (attribution);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_tour_export_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
amap_tour_export_file_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, amap_tour_export_file_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
