/* amap-import-plan.c: what a file holds, and the categories its layers get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-import-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "amap-category.h"
#include "amap-error.h"
#include "amap-import-plan.h"
#include "amap-import-private.h"
#include "amap-kmz.h"

typedef struct
{
  AmapImportRowKind kind;
  char *name;
  guint count;
  char *guess;
  char *category;     /* NULL while is_new and not made yet */
  gboolean is_new;
  GHashTable *tally;  /* category key -> count, while scanning */
} Row;

struct _AmapImportPlan
{
  GObject parent_instance;

  GFile *file;
  char *file_name;
  char *default_category;
  char *all_category;
  GPtrArray *rows;         /* Row */
  GHashTable *layers;      /* name -> row index + 1 */
  GHashTable *styles;      /* styleUrl -> row index + 1 */
  GHashTable *pending;     /* "row index\nstyleUrl" -> count, while scanning */
  guint n_places;
  guint n_unlocated;
  AmapImportReport *scan_report;
  GListModel *categories;  /* AmapCategory, a copy of the store's */
  char *choices;           /* remembered, JSON, while scanning */
};

G_DEFINE_FINAL_TYPE (AmapImportPlan, amap_import_plan, G_TYPE_OBJECT)

static void
row_free (Row *row)
{
  g_free (row->name);
  g_free (row->guess);
  g_free (row->category);
  g_clear_pointer (&row->tally, g_hash_table_unref);
  g_free (row);
}

static Row *
get_row (AmapImportPlan *self,
         guint           row)
{
  g_return_val_if_fail (row < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, row);
}

/* Folder names joined as the plan and the report show them. */
static char *
layer_name (const char * const *folders)
{
  return g_strjoinv (" › ", (char **) folders);
}

static gboolean
category_exists (AmapImportPlan *self,
                 const char     *key)
{
  guint n = g_list_model_get_n_items (self->categories);

  if (key == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (self->categories, i);

      if (g_str_equal (amap_category_get_key (category), key))
        return TRUE;
    }
  return FALSE;
}

/* Scanning */

static Row *
find_or_add_row (AmapImportPlan    *self,
                 GHashTable        *index,
                 AmapImportRowKind  kind,
                 const char        *name,
                 guint             *row_index)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (index, name));
  Row *row;

  if (i > 0)
    {
      *row_index = i - 1;
      return g_ptr_array_index (self->rows, i - 1);
    }

  row = g_new0 (Row, 1);
  row->kind = kind;
  row->name = g_strdup (name);
  row->tally = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_ptr_array_add (self->rows, row);
  *row_index = self->rows->len - 1;
  g_hash_table_insert (index, g_strdup (name), GUINT_TO_POINTER (self->rows->len));
  return row;
}

static void
tally (GHashTable *table,
       const char *key,
       guint       n)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (table, key));

  g_hash_table_replace (table, g_strdup (key), GUINT_TO_POINTER (count + n));
}

static void
tally_pending (AmapImportPlan *self,
               guint           row_index,
               const char     *style_url)
{
  g_autofree char *key = g_strdup_printf ("%u\n%s", row_index, style_url);

  tally (self->pending, key, 1);
}

static gboolean
on_scan_placemark (AmapKmlReader              *reader,
                   AmapAsset                  *asset,
                   const AmapKmlPlacemarkInfo *info,
                   gpointer                    user_data,
                   GError                    **error)
{
  AmapImportPlan *self = user_data;
  g_autofree char *name = layer_name (info->folders);
  const char *category = amap_asset_get_category (asset);
  guint layer_index, style_index;
  Row *layer, *style = NULL;

  self->n_places++;
  if (!amap_asset_get_has_location (asset))
    self->n_unlocated++;

  layer = find_or_add_row (self, self->layers, AMAP_IMPORT_ROW_LAYER, name, &layer_index);
  layer->count++;
  if (info->style_url != NULL)
    {
      style = find_or_add_row (self, self->styles, AMAP_IMPORT_ROW_STYLE, info->style_url,
                               &style_index);
      style->count++;
    }

  /* The style comes later in the file: counted when it is known. */
  if (info->category_pending && info->style_url != NULL)
    {
      tally_pending (self, layer_index, info->style_url);
      tally_pending (self, style_index, info->style_url);
      return TRUE;
    }

  tally (layer->tally, category, 1);
  if (style != NULL)
    tally (style->tally, category, 1);

  return TRUE;
}

static void
on_scan_message (AmapKmlReader         *reader,
                 AmapImportMessageKind  kind,
                 guint                  line,
                 const char            *text,
                 gpointer               user_data)
{
  AmapImportPlan *self = user_data;

  _amap_import_report_add_message (self->scan_report, kind, line, text);
}

/* The category with the most placemarks; ties go to the first key in
 * order, so the guess does not depend on hashing. */
static char *
most_common (GHashTable *table)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *best = NULL;
  guint best_count = 0;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint count = GPOINTER_TO_UINT (value);

      if (count > best_count || (count == best_count && g_strcmp0 (key, best) < 0))
        {
          best = key;
          best_count = count;
        }
    }

  return g_strdup (best);
}

static void
resolve_pending (AmapImportPlan *self,
                 AmapKmlReader  *reader)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *fallback = self->default_category != NULL ? self->default_category : AMAP_CATEGORY_OTHER;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *newline = strchr (key, '\n');
      guint row_index = (guint) g_ascii_strtoull (key, NULL, 10);
      const char *category = amap_kml_reader_resolve_style (reader, newline + 1);
      Row *row = g_ptr_array_index (self->rows, row_index);

      tally (row->tally, category != NULL ? category : fallback, GPOINTER_TO_UINT (value));
    }
}

/* Remembered choices: {"layers": {name: key}, "styles": {styleUrl: key}},
 * only the rows whose category is not the guess. */
static void
apply_choices (AmapImportPlan *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (self->choices == NULL || !json_parser_load_from_data (parser, self->choices, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      const char *group = row->kind == AMAP_IMPORT_ROW_LAYER ? "layers" : "styles";
      JsonObject *names = json_object_get_member (object, group) != NULL &&
                          JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, group)) ?
                          json_object_get_object_member (object, group) : NULL;
      JsonNode *node = names != NULL ? json_object_get_member (names, row->name) : NULL;
      const char *key;

      if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      key = json_node_get_string (node);
      /* A category deleted since: the guess again. */
      if (category_exists (self, key))
        {
          g_free (row->category);
          row->category = g_strdup (key);
        }
    }
}

static char *
dup_choices (AmapImportPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (int kind = AMAP_IMPORT_ROW_LAYER; kind <= AMAP_IMPORT_ROW_STYLE; kind++)
    {
      json_builder_set_member_name (builder, kind == AMAP_IMPORT_ROW_LAYER ? "layers" : "styles");
      json_builder_begin_object (builder);
      for (guint i = 0; i < self->rows->len; i++)
        {
          Row *row = g_ptr_array_index (self->rows, i);

          if ((int) row->kind != kind || row->category == NULL ||
              g_strcmp0 (row->category, row->guess) == 0)
            continue;
          json_builder_set_member_name (builder, row->name);
          json_builder_add_string_value (builder, row->category);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* Reads the file as the import does: KML, or KMZ by its first bytes. */
static gboolean
read_file (AmapImportPlan  *self,
           AmapKmlReader   *reader,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GInputStream) rest = NULL;

  stream = g_file_read (self->file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                     _("Could not read %s: %s"), self->file_name, local_error->message);
      return FALSE;
    }

  head = g_input_stream_read_bytes (G_INPUT_STREAM (stream), 4, cancellable, error);
  if (head == NULL)
    return FALSE;

  if (amap_kmz_looks_like_zip (g_bytes_get_data (head, NULL), g_bytes_get_size (head)))
    {
      g_autofree char *path = g_file_get_path (self->file);
      g_autoptr(GBytes) bytes = NULL;

      g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);
      if (path != NULL)
        return amap_kmz_read_file (path, reader, cancellable, NULL, NULL, error);
      bytes = g_file_load_bytes (self->file, cancellable, NULL, error);
      if (bytes == NULL)
        return FALSE;
      if (g_bytes_get_size (bytes) > AMAP_KMZ_MAX_UNCOMPRESSED)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                       _("%s is too large to import"), self->file_name);
          return FALSE;
        }
      return amap_kmz_read_bytes (bytes, self->file_name, reader, cancellable, error);
    }

  amap_kml_reader_begin (reader);
  if (!amap_kml_reader_feed (reader, g_bytes_get_data (head, NULL), g_bytes_get_size (head), error))
    return FALSE;
  while (TRUE)
    {
      g_autoptr(GBytes) chunk = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      chunk = g_input_stream_read_bytes (G_INPUT_STREAM (stream), 256 * 1024, cancellable, error);
      if (chunk == NULL)
        return FALSE;
      if (g_bytes_get_size (chunk) == 0)
        break;
      if (!amap_kml_reader_feed (reader, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk), error))
        return FALSE;
    }
  return amap_kml_reader_end (reader, error);
}

static gboolean
scan (AmapImportPlan  *self,
      GCancellable    *cancellable,
      GError         **error)
{
  g_autoptr(AmapKmlReader) reader = amap_kml_reader_new (self->file_name);

  amap_kml_reader_set_default_category (reader, self->default_category);
  amap_kml_reader_set_categories (reader, self->categories);
  amap_kml_reader_set_callbacks (reader, on_scan_placemark, on_scan_message, self);

  if (!read_file (self, reader, cancellable, error))
    return FALSE;

  resolve_pending (self, reader);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      row->guess = most_common (row->tally);
      if (row->guess == NULL)
        row->guess = g_strdup (self->default_category != NULL ? self->default_category : AMAP_CATEGORY_OTHER);
      row->category = g_strdup (row->guess);
      g_clear_pointer (&row->tally, g_hash_table_unref);
    }

  /* Layers first, in the order of the file, then the styles. */
  {
    g_autoptr(GPtrArray) sorted = g_ptr_array_new_full (self->rows->len, (GDestroyNotify) row_free);

    for (int kind = AMAP_IMPORT_ROW_LAYER; kind <= AMAP_IMPORT_ROW_STYLE; kind++)
      for (guint i = 0; i < self->rows->len; i++)
        {
          Row *row = g_ptr_array_index (self->rows, i);

          if ((int) row->kind == kind)
            g_ptr_array_add (sorted, row);
        }
    g_ptr_array_set_free_func (self->rows, NULL);
    g_ptr_array_unref (self->rows);
    self->rows = g_steal_pointer (&sorted);
  }
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      g_hash_table_replace (row->kind == AMAP_IMPORT_ROW_LAYER ? self->layers : self->styles,
                            g_strdup (row->name), GUINT_TO_POINTER (i + 1));
    }

  apply_choices (self);
  g_clear_pointer (&self->choices, g_free);

  return TRUE;
}

/* A plan ready to scan, with what it needs from @store copied. */
static AmapImportPlan *
plan_new (AmapStore  *store,
          GFile      *file,
          const char *default_category)
{
  AmapImportPlan *self = g_object_new (AMAP_TYPE_IMPORT_PLAN, NULL);
  GListModel *categories = amap_store_get_categories (store);
  GListStore *copy = g_list_store_new (AMAP_TYPE_CATEGORY);
  guint n = g_list_model_get_n_items (categories);

  self->file = g_object_ref (file);
  self->file_name = g_file_get_basename (file);
  if (self->file_name == NULL)
    self->file_name = g_file_get_uri (file);
  self->default_category = g_strdup (default_category);
  self->scan_report = amap_import_report_new (self->file_name);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      g_list_store_append (copy, category);
    }
  self->categories = G_LIST_MODEL (copy);
  self->choices = amap_store_dup_import_choices (store, self->file_name);

  return self;
}

static gboolean
check_default_category (AmapStore   *store,
                        const char  *default_category,
                        GError     **error)
{
  if (default_category != NULL && amap_store_lookup_category (store, default_category) == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY,
                   _("The category “%s” is not one of this map’s"), default_category);
      return FALSE;
    }
  return TRUE;
}

/* Applying */

static const char * const new_colors[] = {
  "#1c71d8", "#2ec27e", "#f5c211", "#e66100", "#c01c28", "#9141ac", "#986a44", "#3d3846",
};

/* Makes the categories asked for (or finds one of that name already). */
static gboolean
make_new_categories (AmapImportPlan  *self,
                     AmapStore       *store,
                     GError         **error)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      GListModel *categories = amap_store_get_categories (store);
      guint n = g_list_model_get_n_items (categories);
      g_autofree char *folded = NULL;
      g_autoptr(AmapCategory) made = NULL;
      const char *name;

      if (!row->is_new || row->category != NULL)
        continue;

      /* A nested layer's own name, "Trails" for "Parks › Trails". */
      name = g_strrstr (row->name, " › ");
      name = name != NULL ? name + strlen (" › ") : row->name;
      if (*name == '\0')
        name = self->file_name;
      folded = g_utf8_casefold (name, -1);

      for (guint j = 0; j < n && row->category == NULL; j++)
        {
          g_autoptr(AmapCategory) category = g_list_model_get_item (categories, j);
          g_autofree char *other = g_utf8_casefold (amap_category_get_name (category), -1);

          if (g_str_equal (folded, other))
            row->category = g_strdup (amap_category_get_key (category));
        }
      if (row->category != NULL)
        continue;

      made = amap_store_add_category (store, name, new_colors[n % G_N_ELEMENTS (new_colors)],
                                      NULL, error);
      if (made == NULL)
        return FALSE;
      row->category = g_strdup (amap_category_get_key (made));
    }

  return TRUE;
}

static void
remember_choices (AmapImportPlan *self,
                  AmapStore      *store)
{
  g_autofree char *choices = NULL;
  g_autoptr(GError) error = NULL;

  /* One category for all (--category) is no choice per layer to keep. */
  if (self->all_category != NULL)
    return;
  choices = dup_choices (self);

  /* Not worth failing an import that is already in. */
  if (!amap_store_set_import_choices (store, self->file_name, choices, &error))
    g_warning ("Could not remember the import choices for %s: %s", self->file_name, error->message);
}

static void
on_apply_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmapImportPlan *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  AmapImportReport *report;

  report = amap_import_file_finish (result, &error);
  if (report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  remember_choices (self, AMAP_STORE (source));
  g_task_return_pointer (task, report, g_object_unref);
}

/* GObject */

static void
amap_import_plan_finalize (GObject *object)
{
  AmapImportPlan *self = (AmapImportPlan *) object;

  g_clear_object (&self->file);
  g_free (self->file_name);
  g_free (self->default_category);
  g_free (self->all_category);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->layers);
  g_hash_table_unref (self->styles);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->scan_report);
  g_clear_object (&self->categories);
  g_free (self->choices);

  G_OBJECT_CLASS (amap_import_plan_parent_class)->finalize (object);
}

static void
amap_import_plan_class_init (AmapImportPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_import_plan_finalize;
}

static void
amap_import_plan_init (AmapImportPlan *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  self->layers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Public API */

AmapImportPlan *
amap_import_plan_scan (AmapStore     *store,
                       GFile         *file,
                       const char    *default_category,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(AmapImportPlan) self = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_default_category (store, default_category, error))
    return NULL;

  self = plan_new (store, file, default_category);
  if (!scan (self, cancellable, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AmapImportPlan *self = task_data;
  GError *error = NULL;

  if (!scan (self, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

void
amap_import_plan_scan_async (AmapStore           *store,
                             GFile               *file,
                             const char          *default_category,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_import_plan_scan_async);

  if (!check_default_category (store, default_category, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, plan_new (store, file, default_category), g_object_unref);
  g_task_run_in_thread (task, scan_thread);
}

AmapImportPlan *
amap_import_plan_scan_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == amap_import_plan_scan_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
amap_import_plan_get_file (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  return self->file;
}

const char *
amap_import_plan_get_file_name (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  return self->file_name;
}

guint
amap_import_plan_get_n_places (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), 0);
  return self->n_places;
}

guint
amap_import_plan_get_n_unlocated (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), 0);
  return self->n_unlocated;
}

guint
amap_import_plan_get_n_skipped (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), 0);
  return amap_import_report_get_skipped (self->scan_report);
}

AmapImportReport *
amap_import_plan_get_scan_report (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  return self->scan_report;
}

guint
amap_import_plan_get_n_rows (AmapImportPlan *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), 0);
  return self->rows->len;
}

AmapImportRowKind
amap_import_plan_get_row_kind (AmapImportPlan *self,
                               guint           row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), AMAP_IMPORT_ROW_LAYER);
  g_return_val_if_fail (row < self->rows->len, AMAP_IMPORT_ROW_LAYER);
  return get_row (self, row)->kind;
}

const char *
amap_import_plan_get_row_name (AmapImportPlan *self,
                               guint           row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  return get_row (self, row)->name;
}

guint
amap_import_plan_get_row_count (AmapImportPlan *self,
                                guint           row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), 0);
  g_return_val_if_fail (row < self->rows->len, 0);
  return get_row (self, row)->count;
}

const char *
amap_import_plan_get_row_guess (AmapImportPlan *self,
                                guint           row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  return get_row (self, row)->guess;
}

const char *
amap_import_plan_get_row_category (AmapImportPlan *self,
                                   guint           row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  return get_row (self, row)->category;
}

void
amap_import_plan_set_row_category (AmapImportPlan *self,
                                   guint           row,
                                   const char     *key)
{
  Row *r;

  g_return_if_fail (AMAP_IS_IMPORT_PLAN (self));
  g_return_if_fail (row < self->rows->len);
  g_return_if_fail (key != NULL);

  r = get_row (self, row);
  r->is_new = FALSE;
  g_free (r->category);
  r->category = g_strdup (key);
}

void
amap_import_plan_set_row_new_category (AmapImportPlan *self,
                                       guint           row)
{
  Row *r;

  g_return_if_fail (AMAP_IS_IMPORT_PLAN (self));
  g_return_if_fail (row < self->rows->len);

  r = get_row (self, row);
  r->is_new = TRUE;
  g_clear_pointer (&r->category, g_free);
}

gboolean
amap_import_plan_get_row_is_new (AmapImportPlan *self,
                                 guint           row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), FALSE);
  g_return_val_if_fail (row < self->rows->len, FALSE);
  return get_row (self, row)->is_new;
}

void
amap_import_plan_set_category_for_all (AmapImportPlan *self,
                                       const char     *key)
{
  g_return_if_fail (AMAP_IS_IMPORT_PLAN (self));

  g_free (self->all_category);
  self->all_category = g_strdup (key);
}

AmapImportReport *
amap_import_plan_apply (AmapImportPlan    *self,
                        AmapStore         *store,
                        GCancellable      *cancellable,
                        AmapProgressFunc   progress,
                        gpointer           progress_data,
                        GError           **error)
{
  g_autoptr(AmapImportReport) report = NULL;

  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), NULL);
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->all_category != NULL && amap_store_lookup_category (store, self->all_category) == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY,
                   _("The category “%s” is not one of this map’s"), self->all_category);
      return NULL;
    }
  if (!make_new_categories (self, store, error))
    return NULL;

  report = _amap_import_run (store, self->file, self->default_category, self,
                             cancellable, progress, progress_data, error);
  if (report == NULL)
    return NULL;

  remember_choices (self, store);
  return g_steal_pointer (&report);
}

void
amap_import_plan_apply_async (AmapImportPlan      *self,
                              AmapStore           *store,
                              GCancellable        *cancellable,
                              AmapProgressFunc     progress,
                              gpointer             progress_data,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (AMAP_IS_IMPORT_PLAN (self));
  g_return_if_fail (AMAP_IS_STORE (store));

  /* Finished with amap_import_file_finish(): the same tag. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _amap_import_file_async_tag ());

  if (!make_new_categories (self, store, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _amap_import_run_async (store, self->file, self->default_category, self, cancellable,
                          progress, progress_data, on_apply_done, g_steal_pointer (&task));
}

gboolean
amap_import_plan_decide (AmapImportPlan             *self,
                         AmapAsset                  *asset,
                         const AmapKmlPlacemarkInfo *info)
{
  g_autofree char *name = NULL;
  guint index;

  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (self), FALSE);

  if (self->all_category != NULL)
    {
      amap_asset_set_category (asset, self->all_category);
      return TRUE;
    }

  /* A changed layer first, then a changed style. */
  name = layer_name (info->folders);
  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->layers, name));
  for (int pass = 0; pass < 2; pass++)
    {
      Row *row;

      if (pass == 1)
        {
          if (info->style_url == NULL)
            break;
          index = GPOINTER_TO_UINT (g_hash_table_lookup (self->styles, info->style_url));
        }
      if (index == 0)
        continue;

      row = g_ptr_array_index (self->rows, index - 1);
      if (row->category != NULL && g_strcmp0 (row->category, row->guess) != 0)
        {
          amap_asset_set_category (asset, row->category);
          return TRUE;
        }
    }

  return FALSE;
}
