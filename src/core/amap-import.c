/* amap-import.c: "reader, then store in one transaction"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-import"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "amap-error.h"
#include "amap-import.h"
#include "amap-import-plan.h"
#include "amap-import-private.h"
#include "amap-kml-reader.h"
#include "amap-kmz.h"
#include "amap-tour-import.h"

/*
 * Styles after placemarks: a placemark whose category can only come from a
 * style that is defined later in the file is stored at once with the
 * fallback category, and its uuid is remembered under its styleUrl (only
 * such placemarks, one uuid each; each styleUrl once). When the document has
 * been read, each remembered styleUrl is resolved against all the styles;
 * when it now gives a category, the asset is read back from the store
 * inside the same transaction, given its category and put again. The file
 * is read once, placemarks are never held in memory, and the whole import
 * is still one transaction.
 */

/*
 * Two threads: the reader parses the file on a thread of its own and hands
 * what it finds (placemarks, messages, progress) in order, in chunks, to
 * the thread that called the import, which stores them in the batch's one
 * transaction. A fixed number of chunks circulate between the two queues
 * (filled: reader -> store; emptied: store -> reader), so the reader is at
 * most a few thousand placemarks ahead and the memory stays flat. What the
 * store sees is exactly what it saw when it ran inside the reader's
 * callbacks, in the same order; a store error stops the reader, and either
 * error aborts the batch.
 */

/* An asset put with a fallback category until its style is read. */
typedef struct
{
  char *uuid;
  char *category;  /* the one it was put with, as the report counted it */
} PendingAsset;

static void
pending_asset_free (gpointer data)
{
  PendingAsset *pending = data;

  g_free (pending->uuid);
  g_free (pending->category);
  g_free (pending);
}

typedef struct
{
  AmapImportMessageKind kind;
  guint line;
  char *text;
} Message;

typedef enum
{
  EVENT_PLACEMARK,
  EVENT_MESSAGE,
  EVENT_PROGRESS,
} EventKind;

typedef struct
{
  EventKind kind;
  guint64 bytes_read;          /* the reader's count when it was queued */
  AmapAsset *asset;            /* PLACEMARK */
  AmapKmlPlacemarkInfo info;   /* PLACEMARK; its strings are the event's copies */
  AmapImportMessageKind message_kind;  /* MESSAGE */
  guint line;
  char *text;
} Event;

/* Placemarks per chunk, and chunks in circulation. */
#define CHUNK_EVENTS 256
#define N_CHUNKS 8

typedef struct
{
  GArray *events;              /* Event */
  gboolean last;               /* the reader is done; @error is its error */
  GError *error;
} Chunk;

struct _AmapImportReport
{
  GObject parent_instance;

  char *file_name;
  guint imported;
  guint updated;
  guint skipped;
  guint unlocated;
  GArray *messages;
  GArray *categories;        /* CategoryCount, in the order first seen */
  double south, west, north, east;  /* of the assets with a location */
};

typedef struct
{
  char *key;
  guint count;
} CategoryCount;

G_DEFINE_FINAL_TYPE (AmapImportReport, amap_import_report, G_TYPE_OBJECT)

typedef void (*ProgressSink) (double   fraction,
                              gpointer data);

typedef struct
{
  AmapStore *store;
  AmapStoreBatch *batch;
  AmapImportReport *report;
  GHashTable *pending;       /* styleUrl -> GPtrArray of PendingAsset */
  GCancellable *cancellable;
  guint64 total_bytes;
  ProgressSink progress;
  gpointer progress_data;
  int last_percent;
  AmapKmlReader *reader;
  gboolean has_route;        /* a tour's route line: see is_route() */
  AmapImportPlan *plan;      /* or NULL: the reader's categories */

  /* The reader's thread and its hand-off (see above). */
  GFile *file;
  GAsyncQueue *filled;       /* Chunk: reader -> store */
  GAsyncQueue *empty;        /* Chunk: store -> reader */
  Chunk *chunk;              /* the reader's chunk being filled */
  int stop;                  /* atomic: the store failed, the reader stops */
  guint64 bytes_read;        /* the store's view of the reader's progress */
} ImportRun;

/* The report */

static void
message_clear (gpointer data)
{
  Message *message = data;

  g_free (message->text);
}

static void
report_add_message (AmapImportReport      *self,
                    AmapImportMessageKind  kind,
                    guint                  line,
                    const char            *text)
{
  Message message = { kind, line, g_strdup (text) };

  g_array_append_val (self->messages, message);
}

void
_amap_import_report_add_message (AmapImportReport      *self,
                                 AmapImportMessageKind  kind,
                                 guint                  line,
                                 const char            *text)
{
  if (kind == AMAP_IMPORT_MESSAGE_SKIPPED)
    self->skipped++;
  report_add_message (self, kind, line, text);
}

static void
category_count_clear (gpointer data)
{
  CategoryCount *count = data;

  g_free (count->key);
}

/* @delta is +1 for an asset given @key, -1 for one that lost it. */
static void
report_count_category (AmapImportReport *self,
                       const char       *key,
                       int               delta)
{
  CategoryCount count = { 0 };

  for (guint i = 0; i < self->categories->len; i++)
    {
      CategoryCount *other = &g_array_index (self->categories, CategoryCount, i);

      if (g_str_equal (other->key, key))
        {
          other->count += delta;
          return;
        }
    }

  count.key = g_strdup (key);
  count.count = delta > 0 ? delta : 0;
  g_array_append_val (self->categories, count);
}

static void
report_add_location (AmapImportReport *self,
                     AmapAsset        *asset)
{
  double latitude = amap_asset_get_latitude (asset);
  double longitude = amap_asset_get_longitude (asset);

  if (!amap_asset_get_has_location (asset))
    return;
  if (isnan (self->south))
    {
      self->south = self->north = latitude;
      self->west = self->east = longitude;
      return;
    }
  self->south = MIN (self->south, latitude);
  self->north = MAX (self->north, latitude);
  self->west = MIN (self->west, longitude);
  self->east = MAX (self->east, longitude);
}

static void
amap_import_report_finalize (GObject *object)
{
  AmapImportReport *self = (AmapImportReport *) object;

  g_free (self->file_name);
  g_array_unref (self->messages);
  g_array_unref (self->categories);

  G_OBJECT_CLASS (amap_import_report_parent_class)->finalize (object);
}

static void
amap_import_report_class_init (AmapImportReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_import_report_finalize;
}

static void
amap_import_report_init (AmapImportReport *self)
{
  self->messages = g_array_new (FALSE, TRUE, sizeof (Message));
  g_array_set_clear_func (self->messages, message_clear);
  self->categories = g_array_new (FALSE, TRUE, sizeof (CategoryCount));
  g_array_set_clear_func (self->categories, category_count_clear);
  self->south = self->west = self->north = self->east = NAN;
}

AmapImportReport *
amap_import_report_new (const char *file_name)
{
  AmapImportReport *self = g_object_new (AMAP_TYPE_IMPORT_REPORT, NULL);

  self->file_name = g_strdup (file_name);
  return self;
}

guint
amap_import_report_get_imported (AmapImportReport *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), 0);
  return self->imported;
}

guint
amap_import_report_get_updated (AmapImportReport *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), 0);
  return self->updated;
}

guint
amap_import_report_get_skipped (AmapImportReport *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), 0);
  return self->skipped;
}

guint
amap_import_report_get_unlocated (AmapImportReport *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), 0);
  return self->unlocated;
}

guint
amap_import_report_get_n_messages (AmapImportReport *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), 0);
  return self->messages->len;
}

void
amap_import_report_get_message (AmapImportReport      *self,
                                guint                  index,
                                AmapImportMessageKind *kind,
                                guint                 *line,
                                const char           **text)
{
  Message *message;

  g_return_if_fail (AMAP_IS_IMPORT_REPORT (self));
  g_return_if_fail (index < self->messages->len);

  message = &g_array_index (self->messages, Message, index);
  if (kind != NULL)
    *kind = message->kind;
  if (line != NULL)
    *line = message->line;
  if (text != NULL)
    *text = message->text;
}

guint
amap_import_report_get_n_categories (AmapImportReport *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), 0);
  return self->categories->len;
}

const char *
amap_import_report_get_category (AmapImportReport *self,
                                 guint             index,
                                 guint            *count)
{
  CategoryCount *entry;

  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), NULL);
  g_return_val_if_fail (index < self->categories->len, NULL);

  entry = &g_array_index (self->categories, CategoryCount, index);
  if (count != NULL)
    *count = entry->count;
  return entry->key;
}

gboolean
amap_import_report_get_bounds (AmapImportReport *self,
                               double           *south,
                               double           *west,
                               double           *north,
                               double           *east)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), FALSE);

  if (isnan (self->south))
    return FALSE;
  if (south != NULL)
    *south = self->south;
  if (west != NULL)
    *west = self->west;
  if (north != NULL)
    *north = self->north;
  if (east != NULL)
    *east = self->east;
  return TRUE;
}

char *
amap_import_report_to_string (AmapImportReport *self)
{
  GString *str;
  const char *name;

  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (self), NULL);

  name = self->file_name != NULL ? self->file_name : "";
  str = g_string_new (NULL);
  /* Translators: a summary, e.g. "map.kml: 12 imported, 3 updated, 1 skipped, 2 without a location" */
  g_string_append_printf (str, _("%s: %u imported, %u updated, %u skipped, %u without a location"),
                          name, self->imported, self->updated, self->skipped, self->unlocated);
  g_string_append_c (str, '\n');

  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *message = &g_array_index (self->messages, Message, i);

      if (message->line > 0)
        g_string_append_printf (str, "%s:%u: %s\n", name, message->line, message->text);
      else
        g_string_append_printf (str, "%s: %s\n", name, message->text);
    }

  return g_string_free (str, FALSE);
}

/* Reader callbacks */

static void
report_progress (ImportRun *run,
                 guint64    done)
{
  int percent;

  if (run->progress == NULL || run->total_bytes == 0)
    return;

  percent = (int) (MIN (done, run->total_bytes) * 100 / run->total_bytes);
  if (percent == run->last_percent)
    return;
  run->last_percent = percent;
  run->progress (percent / 100.0, run->progress_data);
}

static void
on_message (AmapKmlReader         *reader,
            AmapImportMessageKind  kind,
            guint                  line,
            const char            *text,
            gpointer               user_data)
{
  ImportRun *run = user_data;

  if (kind == AMAP_IMPORT_MESSAGE_SKIPPED)
    run->report->skipped++;
  report_add_message (run->report, kind, line, text);
}

/* A route line a tour can be made of: our own tour export's, or the line
 * of a directions layer of Google My Maps (its folder is "Directions from
 * A to B"). Other lines in folders (trails, bus lines) stay places. */
static gboolean
is_route (AmapAsset                  *asset,
          const AmapKmlPlacemarkInfo *info)
{
  const char *shape = amap_asset_get_shape (asset);

  if (info->folder == 0 || shape == NULL || !g_str_has_prefix (shape, "LINESTRING"))
    return FALSE;

  return g_strcmp0 (amap_asset_get_extra (asset, "tour_role"), "route") == 0 ||
         (info->folder_name != NULL && g_str_has_prefix (info->folder_name, "Directions from "));
}

/* A file we wrote for others has no key leaders, log or last-contacted
 * date: the asset it updates keeps its own. */
static void
keep_private_data (ImportRun *run,
                   AmapAsset *asset)
{
  g_autoptr(AmapAsset) stored = NULL;
  GPtrArray *contacts, *interactions;

  if (amap_asset_get_uuid (asset) == NULL)
    return;
  stored = amap_store_get_asset (run->store, amap_asset_get_uuid (asset), NULL);
  if (stored == NULL)
    return;

  contacts = amap_asset_get_contacts (stored);
  interactions = amap_asset_get_interactions (stored);
  for (guint i = 0; i < contacts->len; i++)
    amap_asset_add_contact (asset, g_ptr_array_index (contacts, i));
  for (guint i = 0; i < interactions->len; i++)
    amap_asset_add_interaction (asset, g_ptr_array_index (interactions, i));
  amap_asset_set_last_contacted (asset, amap_asset_get_last_contacted (stored));
}

static gboolean
on_placemark (AmapKmlReader              *reader,
              AmapAsset                  *asset,
              const AmapKmlPlacemarkInfo *info,
              gpointer                    user_data,
              GError                    **error)
{
  ImportRun *run = user_data;
  g_autoptr(GError) local_error = NULL;
  gboolean updated = FALSE;
  gboolean category_pending = info->category_pending;

  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;

  if (amap_kml_reader_get_private_omitted (reader))
    keep_private_data (run, asset);
  /* The plan's category is final: no style coming later changes it. */
  if (run->plan != NULL && amap_import_plan_decide (run->plan, asset, info))
    category_pending = FALSE;

  if (!amap_store_batch_put (run->batch, asset, &updated, &local_error))
    {
      if (g_error_matches (local_error, AMAP_ERROR, AMAP_ERROR_INVALID) ||
          g_error_matches (local_error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY))
        {
          g_autofree char *text = g_strdup_printf (_("Skipped “%s”: %s"),
                                                   amap_asset_get_name (asset),
                                                   local_error->message);
          run->report->skipped++;
          report_add_message (run->report, AMAP_IMPORT_MESSAGE_SKIPPED, info->line, text);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (is_route (asset, info))
    run->has_route = TRUE;

  if (updated)
    run->report->updated++;
  else
    run->report->imported++;
  if (!amap_asset_get_has_location (asset))
    run->report->unlocated++;
  report_count_category (run->report, amap_asset_get_category (asset), 1);
  report_add_location (run->report, asset);

  if (category_pending && info->style_url != NULL && amap_asset_get_uuid (asset) != NULL)
    {
      GPtrArray *uuids = g_hash_table_lookup (run->pending, info->style_url);
      PendingAsset *pending = g_new (PendingAsset, 1);

      if (uuids == NULL)
        {
          uuids = g_ptr_array_new_with_free_func (pending_asset_free);
          g_hash_table_insert (run->pending, g_strdup (info->style_url), uuids);
        }
      pending->uuid = g_strdup (amap_asset_get_uuid (asset));
      pending->category = g_strdup (amap_asset_get_category (asset));
      g_ptr_array_add (uuids, pending);
    }

  if ((info->ordinal & 255) == 0)
    report_progress (run, run->bytes_read);

  return TRUE;
}

/* The reader's side of the hand-off */

static void
event_clear (gpointer data)
{
  Event *event = data;

  g_clear_object (&event->asset);
  g_free ((char *) event->info.style_url);
  g_free ((char *) event->info.folder_name);
  g_strfreev ((char **) event->info.folders);
  g_free (event->text);
}

static Chunk *
chunk_new (void)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->events = g_array_sized_new (FALSE, TRUE, sizeof (Event), CHUNK_EVENTS);
  g_array_set_clear_func (chunk->events, event_clear);
  return chunk;
}

static void
chunk_free (Chunk *chunk)
{
  g_array_unref (chunk->events);
  g_clear_error (&chunk->error);
  g_free (chunk);
}

/* Hands the reader's chunk to the store and takes an empty one. */
static void
send_chunk (ImportRun *run,
            gboolean   last,
            GError    *error)
{
  Chunk *chunk = run->chunk;

  chunk->last = last;
  chunk->error = error;
  g_async_queue_push (run->filled, chunk);
  run->chunk = last ? NULL : g_async_queue_pop (run->empty);
  /* The store hands chunks back as it used them: freeing their assets is
   * this thread's work, which has the lighter load. */
  if (run->chunk != NULL)
    g_array_set_size (run->chunk->events, 0);
}

static Event *
add_event (ImportRun *run,
           EventKind  kind)
{
  Event *event;

  g_array_set_size (run->chunk->events, run->chunk->events->len + 1);
  event = &g_array_index (run->chunk->events, Event, run->chunk->events->len - 1);
  event->kind = kind;
  event->bytes_read = amap_kml_reader_get_bytes_read (run->reader);
  return event;
}

/* A full chunk goes; after the event is written, never before. */
static void
send_if_full (ImportRun *run)
{
  if (run->chunk->events->len >= CHUNK_EVENTS)
    send_chunk (run, FALSE, NULL);
}

static void
queue_message (ImportRun             *run,
               AmapImportMessageKind  kind,
               guint                  line,
               const char            *text)
{
  Event *event = add_event (run, EVENT_MESSAGE);

  event->message_kind = kind;
  event->line = line;
  event->text = g_strdup (text);
  send_if_full (run);
}

static void
queue_progress (ImportRun *run,
                guint64    done)
{
  Event *event = add_event (run, EVENT_PROGRESS);

  event->bytes_read = done;
  send_if_full (run);
}

static gboolean
queue_placemark (AmapKmlReader              *reader,
                 AmapAsset                  *asset,
                 const AmapKmlPlacemarkInfo *info,
                 gpointer                    user_data,
                 GError                    **error)
{
  ImportRun *run = user_data;
  Event *event;

  /* The store failed: its error is the one the import reports. */
  if (g_atomic_int_get (&run->stop))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped");
      return FALSE;
    }

  event = add_event (run, EVENT_PLACEMARK);
  event->asset = g_object_ref (asset);
  event->info = *info;
  event->info.style_url = g_strdup (info->style_url);
  event->info.folder_name = g_strdup (info->folder_name);
  event->info.folders = (const char * const *) g_strdupv ((char **) info->folders);

  send_if_full (run);
  return TRUE;
}

static void
queue_reader_message (AmapKmlReader         *reader,
                      AmapImportMessageKind  kind,
                      guint                  line,
                      const char            *text,
                      gpointer               user_data)
{
  queue_message (user_data, kind, line, text);
}

static void
on_kmz_progress (guint64  consumed,
                 gpointer user_data)
{
  queue_progress (user_data, consumed);
}

/* Gives the placemarks whose style came after them their category. */
static gboolean
resolve_pending (ImportRun  *run,
                 GError    **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, run->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *category = amap_kml_reader_resolve_style (run->reader, key);
      GPtrArray *uuids = value;

      /* A style that never came, or says nothing: the fallback stays. */
      if (category == NULL)
        continue;

      /* Only the category changes: the store rewrites only that. */
      for (guint i = 0; i < uuids->len; i++)
        {
          if ((i & 1023) == 0 && g_cancellable_set_error_if_cancelled (run->cancellable, error))
            return FALSE;

          PendingAsset *pending = g_ptr_array_index (uuids, i);

          if (g_strcmp0 (pending->category, category) == 0)
            continue;
          if (!amap_store_batch_set_category (run->batch, pending->uuid, category, error))
            return FALSE;
          report_count_category (run->report, pending->category, -1);
          report_count_category (run->report, category, 1);
        }
    }

  return TRUE;
}

/* Reads @file (KML or KMZ, by its first bytes) into the reader. */
static gboolean
read_file (ImportRun  *run,
           GFile      *file,
           GError    **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buffer = NULL;
  const gsize buffer_size = 256 * 1024;
  gboolean first = TRUE;

  stream = g_file_read (file, run->cancellable, &local_error);
  if (stream == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                     _("Could not read %s: %s"), name, local_error->message);
      return FALSE;
    }

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         run->cancellable, NULL);
  if (info != NULL)
    run->total_bytes = (guint64) g_file_info_get_size (info);

  buffer = g_malloc (buffer_size);
  amap_kml_reader_begin (run->reader);

  while (TRUE)
    {
      gsize n = 0;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      /* read_all: the first chunk must hold the 4 bytes we sniff. */
      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, buffer_size, &n,
                                    run->cancellable, error))
        return FALSE;

      if (first && amap_kmz_looks_like_zip ((const guint8 *) buffer, n))
        {
          g_autofree char *path = g_file_get_path (file);
          g_autofree char *basename = g_file_get_basename (file);
          g_autofree char *lower = g_ascii_strdown (basename != NULL ? basename : "", -1);

          /* A KMZ someone renamed: read it as one, and say so. */
          if (!g_str_has_suffix (lower, ".kmz"))
            queue_message (run, AMAP_IMPORT_MESSAGE_NOTICE, 0,
                           _("The file is a KMZ (zip) archive, not plain KML, and was read as one"));

          g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);
          if (path != NULL)
            return amap_kmz_read_file (path, run->reader, run->cancellable,
                                       on_kmz_progress, run, error);
          else
            {
              g_autoptr(GBytes) bytes = NULL;
              g_autofree char *name = g_file_get_basename (file);

              if (run->total_bytes > AMAP_KMZ_MAX_UNCOMPRESSED)
                {
                  g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                               _("%s is too large to import"), name);
                  return FALSE;
                }
              bytes = g_file_load_bytes (file, run->cancellable, NULL, error);
              if (bytes == NULL)
                return FALSE;
              return amap_kmz_read_bytes (bytes, name, run->reader, run->cancellable, error);
            }
        }
      first = FALSE;

      if (n == 0)
        break;
      if (!amap_kml_reader_feed (run->reader, buffer, n, error))
        return FALSE;
      queue_progress (run, amap_kml_reader_get_bytes_read (run->reader));
    }

  return amap_kml_reader_end (run->reader, error);
}

static gpointer
reader_thread (gpointer data)
{
  ImportRun *run = data;
  GError *error = NULL;

  run->chunk = g_async_queue_pop (run->empty);
  g_array_set_size (run->chunk->events, 0);
  read_file (run, run->file, &error);
  send_chunk (run, TRUE, error);
  return NULL;
}

/* The store's side: one chunk's events, in order. */
static gboolean
store_chunk (ImportRun  *run,
             Chunk      *chunk,
             GError    **error)
{
  for (guint i = 0; i < chunk->events->len; i++)
    {
      Event *event = &g_array_index (chunk->events, Event, i);

      run->bytes_read = event->bytes_read;
      switch (event->kind)
        {
        case EVENT_PLACEMARK:
          if (!on_placemark (run->reader, event->asset, &event->info, run, error))
            return FALSE;
          break;
        case EVENT_MESSAGE:
          on_message (run->reader, event->message_kind, event->line, event->text, run);
          break;
        case EVENT_PROGRESS:
          report_progress (run, event->bytes_read);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

/* Reads @file on a thread of its own while this thread stores what it
 * reads; returns when both are done. On error nothing more is stored. */
static gboolean
read_and_store (ImportRun  *run,
                GFile      *file,
                GError    **error)
{
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) read_error = NULL;
  GThread *thread;

  run->file = file;
  run->filled = g_async_queue_new ();
  run->empty = g_async_queue_new ();
  for (guint i = 0; i < N_CHUNKS; i++)
    g_async_queue_push (run->empty, chunk_new ());

  thread = g_thread_new ("amap-import-read", reader_thread, run);

  while (TRUE)
    {
      Chunk *chunk = g_async_queue_pop (run->filled);
      gboolean last = chunk->last;

      if (store_error == NULL && !store_chunk (run, chunk, &store_error))
        g_atomic_int_set (&run->stop, TRUE);
      if (last)
        read_error = g_steal_pointer (&chunk->error);

      /* Freeing the chunk's assets is the work of whichever thread has
       * time for it: this one when the reader has nothing for it yet
       * (files with many fields per placemark), else the reader
       * (send_chunk()), which has less to do per placemark otherwise. */
      if (!last && g_async_queue_length (run->filled) <= 0)
        g_array_set_size (chunk->events, 0);
      g_async_queue_push (run->empty, chunk);
      if (last)
        break;
    }

  g_thread_join (thread);

  while (g_async_queue_length (run->empty) > 0)
    chunk_free (g_async_queue_pop (run->empty));
  g_clear_pointer (&run->filled, g_async_queue_unref);
  g_clear_pointer (&run->empty, g_async_queue_unref);

  if (store_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }

  return TRUE;
}

/* One notice for each tour the import added. */
static void
report_add_tours (AmapImportReport *report,
                  GPtrArray        *tours)
{
  for (guint i = 0; i < tours->len; i++)
    {
      AmapTour *tour = g_ptr_array_index (tours, i);
      guint n_stops = amap_tour_get_n_stops (tour);
      g_autofree char *text = NULL;

      text = g_strdup_printf (ngettext ("Imported the tour “%s” with %u stop: find it on the Tours page.",
                                        "Imported the tour “%s” with %u stops: find it on the Tours page.",
                                        n_stops),
                              amap_tour_get_name (tour), n_stops);
      report_add_message (report, AMAP_IMPORT_MESSAGE_NOTICE, 0, text);
    }
}

/* After the places of a KML file are in: its routes become tours. The
 * file is read a second time, which only files with a line in a folder
 * pay for. What the tour import did joins the import's undo step. */
static void
import_tours (AmapStore        *store,
              GFile            *file,
              const char       *default_category,
              GCancellable     *cancellable,
              AmapImportReport *report)
{
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;

  tours = amap_tour_import_file (store, file, default_category, cancellable, &error);
  if (tours == NULL)
    {
      /* No folder holds a route and its stops: nothing to say. */
      if (!g_error_matches (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED))
        {
          g_autofree char *text = g_strdup_printf (_("The places were imported, but the "
                                                     "routes could not be made tours: %s"),
                                                   error->message);

          report_add_message (report, AMAP_IMPORT_MESSAGE_WARNING, 0, text);
        }
      return;
    }

  report_add_tours (report, tours);
  amap_store_join_last_steps (store);
}

/* A GPX file holds routes, not places: it imports as tours (with their
 * points as assets), through the tour importer, in one batch and one undo
 * step like any import. */
static AmapImportReport *
import_gpx (AmapStore     *store,
            GFile         *file,
            const char    *display_name,
            const char    *default_category,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  guint before = amap_store_count_assets (store);
  guint after;

  tours = amap_tour_import_file (store, file, default_category, cancellable, error);
  if (tours == NULL)
    return NULL;

  report = amap_import_report_new (display_name);
  after = amap_store_count_assets (store);
  report->imported = after > before ? after - before : 0;
  report_add_tours (report, tours);

  return g_steal_pointer (&report);
}

static AmapImportReport *
import_run (AmapStore      *store,
            GFile          *file,
            const char     *default_category,
            AmapImportPlan *plan,
            GCancellable   *cancellable,
            ProgressSink   progress,
            gpointer       progress_data,
            GError       **error)
{
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(AmapKmlReader) reader = NULL;
  g_autoptr(GHashTable) pending = NULL;
  g_autofree char *display_name = NULL;
  ImportRun run = { 0 };

  display_name = g_file_get_basename (file);
  if (display_name == NULL)
    display_name = g_file_get_uri (file);

  {
    g_autofree char *lower = g_utf8_strdown (display_name, -1);

    if (g_str_has_suffix (lower, ".gpx"))
      return import_gpx (store, file, display_name, default_category, cancellable, error);
  }

  if (default_category != NULL)
    {
      AmapCategory *category = amap_store_lookup_category (store, default_category);

      if (category == NULL)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY,
                       _("The category “%s” is not one of this map’s"), default_category);
          return NULL;
        }
    }

  /* A map open in this process (this one, say) is no KML file, and
   * reading it outside SQLite would drop the store's locks on it. */
  {
    g_autofree char *path = g_file_get_path (file);

    if (path != NULL && amap_store_is_open_file (path))
      {
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                     _("“%s” is a map that is open in Asset Map, not a KML or KMZ file. "
                       "Open it as a map instead."),
                     display_name);
        return NULL;
      }
  }

  report = amap_import_report_new (display_name);
  reader = amap_kml_reader_new (display_name);
  amap_kml_reader_set_default_category (reader, default_category);
  amap_kml_reader_set_categories (reader, amap_store_get_categories (store));
  pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_ptr_array_unref);

  run.store = store;
  run.report = report;
  run.pending = pending;
  run.cancellable = cancellable;
  run.progress = progress;
  run.progress_data = progress_data;
  run.last_percent = -1;
  run.reader = reader;
  run.plan = plan;

  amap_kml_reader_set_callbacks (reader, queue_placemark, queue_reader_message, &run);

  run.batch = amap_store_batch_begin (store, error);
  if (run.batch == NULL)
    return NULL;
  amap_store_batch_set_name (run.batch, display_name);

  if (!read_and_store (&run, file, error) ||
      !resolve_pending (&run, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      amap_store_batch_abort (run.batch);
      return NULL;
    }

  if (!amap_store_batch_commit (run.batch, error))
    return NULL;

  /* A folder with a route line and its stops (Google My Maps' directions,
   * our own tour export) also becomes a tour, in the same undo step. */
  if (run.has_route)
    import_tours (store, file, default_category, cancellable, report);

  if (progress != NULL && run.last_percent != 100)
    progress (1.0, progress_data);

  return g_steal_pointer (&report);
}

/* Public API */

AmapImportReport *
amap_import_file (AmapStore         *store,
                  GFile             *file,
                  const char        *default_category,
                  GCancellable      *cancellable,
                  AmapProgressFunc   progress,
                  gpointer           progress_data,
                  GError           **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return import_run (store, file, default_category, NULL, cancellable,
                     progress, progress_data, error);
}

AmapImportReport *
_amap_import_run (AmapStore         *store,
                  GFile             *file,
                  const char        *default_category,
                  AmapImportPlan    *plan,
                  GCancellable      *cancellable,
                  AmapProgressFunc   progress,
                  gpointer           progress_data,
                  GError           **error)
{
  return import_run (store, file, default_category, plan, cancellable,
                     progress, progress_data, error);
}

/* Async: a worker thread with its own connection */

typedef struct
{
  char *store_path;
  GFile *file;
  char *default_category;
  AmapImportPlan *plan;
  AmapProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
} AsyncData;

typedef struct
{
  AmapProgressFunc progress;
  gpointer progress_data;
  double fraction;
} ProgressCall;

static void
async_data_free (AsyncData *data)
{
  g_free (data->store_path);
  g_clear_object (&data->file);
  g_free (data->default_category);
  g_clear_object (&data->plan);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->progress (call->fraction, call->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_to_context (double   fraction,
                     gpointer user_data)
{
  AsyncData *data = user_data;
  ProgressCall *call = g_new (ProgressCall, 1);

  call->progress = data->progress;
  call->progress_data = data->progress_data;
  call->fraction = fraction;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT,
                              deliver_progress, call, g_free);
}

/* What the worker hands to the caller's thread. */
typedef struct
{
  AmapImportReport *report;
  AmapStoreStep *step;  /* the import's undo step, NULL when it changed nothing */
} ImportResult;

static void
import_result_free (ImportResult *result)
{
  g_clear_object (&result->report);
  g_clear_pointer (&result->step, amap_store_step_free);
  g_free (result);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AmapImportReport *report;
  ImportResult *result;

  /* The map is open in the caller: never make a new one here. */
  store = amap_store_open_existing (data->store_path, FALSE, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  report = import_run (store, data->file, data->default_category, data->plan, cancellable,
                       data->progress != NULL ? progress_to_context : NULL, data,
                       &error);
  if (report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The step holds plain data only: the caller's store takes it over, so
   * Undo in the window undoes the import. */
  result = g_new0 (ImportResult, 1);
  result->report = report;
  result->step = amap_store_take_last_step (store);
  g_task_return_pointer (task, result, (GDestroyNotify) import_result_free);
}

static void
on_import_thread_done (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *outer = user_data;
  AmapStore *store = AMAP_STORE (source_object);
  g_autoptr(GError) error = NULL;
  ImportResult *import_result;

  import_result = g_task_propagate_pointer (G_TASK (result), &error);
  if (import_result == NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    {
      /* Pick up what the worker's connection committed ("reset"), and
       * its undo step. */
      if (import_result->step != NULL)
        amap_store_refresh_with_step (store, g_steal_pointer (&import_result->step));
      else
        amap_store_refresh (store);
      g_task_return_pointer (outer, g_steal_pointer (&import_result->report), g_object_unref);
      import_result_free (import_result);
    }

  g_object_unref (outer);
}

gpointer
_amap_import_file_async_tag (void)
{
  return amap_import_file_async;
}

void
amap_import_file_async (AmapStore           *store,
                        GFile               *file,
                        const char          *default_category,
                        GCancellable        *cancellable,
                        AmapProgressFunc     progress,
                        gpointer             progress_data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _amap_import_run_async (store, file, default_category, NULL, cancellable,
                          progress, progress_data, callback, user_data);
}

void
_amap_import_run_async (AmapStore           *store,
                        GFile               *file,
                        const char          *default_category,
                        AmapImportPlan      *plan,
                        GCancellable        *cancellable,
                        AmapProgressFunc     progress,
                        gpointer             progress_data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;
  AsyncData *data;

  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (outer, amap_import_file_async);

  data = g_new0 (AsyncData, 1);
  data->store_path = g_strdup (amap_store_get_path (store));
  data->file = g_object_ref (file);
  data->default_category = g_strdup (default_category);
  data->plan = plan != NULL ? g_object_ref (plan) : NULL;
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();

  inner = g_task_new (store, cancellable, on_import_thread_done, outer);
  g_task_set_source_tag (inner, amap_import_file_async);
  g_task_set_task_data (inner, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (inner, import_thread);
}

AmapImportReport *
amap_import_file_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == amap_import_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
