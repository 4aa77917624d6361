/* amap-store-export.c: the live assets streamed in export order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-export.h"
#include "amap-store-private.h"

/* One live asset in export order, see amap_store_foreach_asset(). */
typedef struct
{
  gint64  id;
  guint   group;      /* index of its category in the categories model */
  guint64 prefix;     /* the first 8 bytes of @sort_name, big-endian, 0 after its end */
  char   *sort_name;  /* casefolded name, then @name and @uuid, in an arena */
  char   *name;
  char   *uuid;
} ExportEntry;

/* The entries' strings, in blocks of ARENA_BLOCK freed together at the
 * end: a block of its own per entry cost a malloc() and a free() each,
 * the frees in sorted order, all over the heap. */
#define ARENA_BLOCK (1024 * 1024)

typedef struct
{
  GPtrArray *blocks;
  char      *next;
  gsize      left;
} Arena;

static char *
arena_alloc (Arena *arena,
             gsize  size)
{
  char *p;

  if (size > arena->left)
    {
      gsize block_size = MAX (size, ARENA_BLOCK);

      arena->next = g_malloc (block_size);
      arena->left = block_size;
      g_ptr_array_add (arena->blocks, arena->next);
    }
  p = arena->next;
  arena->next += size;
  arena->left -= size;
  return p;
}

/* g_utf8_casefold() folds character by character, so a name's fold is
 * the folds of its characters in a row. Folding every accented name
 * through it was a fifth of the reading thread's work: fold ASCII here,
 * and each other character of two bytes (Latin, Greek, Cyrillic …) once
 * per export, through the cache (U+0080 to U+07FF; NULL until seen). */
typedef struct
{
  char *two_byte[0x800 - 0x80];
} FoldCache;

static void
fold_cache_clear (FoldCache *cache)
{
  for (guint i = 0; i < G_N_ELEMENTS (cache->two_byte); i++)
    g_free (cache->two_byte[i]);
}

/* @name casefolded, as g_utf8_casefold() (@name: valid UTF-8). */
static void
append_folded (GString    *folded,
               FoldCache  *cache,
               const char *name)
{
  const guchar *p = (const guchar *) name;

  while (*p != '\0')
    {
      if (*p < 0x80)
        {
          g_string_append_c (folded, *p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p);
          p++;
        }
      else if ((*p & 0xE0) == 0xC0)
        {
          gunichar c = ((gunichar) (p[0] & 0x1F) << 6) | (p[1] & 0x3F);
          char **fold = &cache->two_byte[c - 0x80];

          if (*fold == NULL)
            *fold = g_utf8_casefold ((const char *) p, 2);
          g_string_append (folded, *fold);
          p += 2;
        }
      else
        {
          const guchar *next = (const guchar *) g_utf8_next_char (p);
          g_autofree char *fold = g_utf8_casefold ((const char *) p, next - p);

          g_string_append (folded, fold);
          p = next;
        }
    }
}

/* Fills @entry's strings in one block: the casefolded name (as
 * g_utf8_casefold() gives it; for ASCII, the lowercase), the name, the
 * uuid. */
static void
export_entry_set_strings (ExportEntry *entry,
                          Arena       *arena,
                          FoldCache   *cache,
                          GString     *folded,
                          const char  *name,
                          const char  *uuid)
{
  gsize name_len = strlen (name);
  gsize uuid_len = strlen (uuid);
  const char *sort_name = NULL;
  gsize sort_len = name_len;
  char *block;

  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    if (*p >= 0x80)
      {
        g_string_truncate (folded, 0);
        if (g_utf8_validate (name, name_len, NULL))
          append_folded (folded, cache, name);
        else
          {
            /* As the store never keeps it; GLib's way all the same. */
            g_autofree char *slow = g_utf8_casefold (name, name_len);

            g_string_append (folded, slow);
          }
        sort_name = folded->str;
        sort_len = folded->len;
        break;
      }

  block = arena_alloc (arena, sort_len + 1 + name_len + 1 + uuid_len + 1);
  entry->sort_name = block;
  if (sort_name != NULL)
    memcpy (block, sort_name, sort_len + 1);
  else
    for (gsize i = 0; i <= name_len; i++)
      block[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] + ('a' - 'A') : name[i];
  entry->prefix = 0;
  for (guint i = 0; i < 8 && block[i] != '\0'; i++)
    entry->prefix |= (guint64) (guchar) block[i] << (56 - 8 * i);
  entry->name = block + sort_len + 1;
  memcpy (entry->name, name, name_len + 1);
  entry->uuid = entry->name + name_len + 1;
  memcpy (entry->uuid, uuid, uuid_len + 1);
}

/* The order of amap_kml_writer_write(). */
static int
compare_export_entries (gconstpointer a,
                        gconstpointer b)
{
  const ExportEntry *ea = a;
  const ExportEntry *eb = b;
  int cmp;

  if (ea->group != eb->group)
    return ea->group < eb->group ? -1 : 1;
  /* strcmp() of the sort names, most often decided by their first 8
   * bytes; when those are the same and the last of them is not the end,
   * both go on. */
  if (ea->prefix != eb->prefix)
    return ea->prefix < eb->prefix ? -1 : 1;
  if ((ea->prefix & 0xFF) != 0 && (cmp = strcmp (ea->sort_name + 8, eb->sort_name + 8)) != 0)
    return cmp;
  if ((cmp = strcmp (ea->name, eb->name)) != 0)
    return cmp;
  return strcmp (ea->uuid, eb->uuid);
}

/* The ids of the assets that have a row in @table (asset_id column). */
static GHashTable *
ids_with_rows (AmapStore   *self,
               const char  *table,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT DISTINCT asset_id FROM %s", table);
  g_autoptr(sqlite3_stmt) stmt = _amap_store_prepare (self, sql, error);
  g_autoptr(GHashTable) ids = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (ids, id);
    }

  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* A text column as AmapAsset keeps strings: NULL for NULL and "". */
static inline const char *
column_string (sqlite3_stmt *stmt,
               int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL && *text != '\0' ? text : NULL;
}

/* Fills @r from the asset row in @stmt (SELECT_ASSET's columns) as
 * asset_from_row() in amap-store-assets.c fills an AmapAsset, pointing into the row;
 * @folders (NULL-terminated, not owning) points into @folder_names, which
 * holds the decoded folder names. */
static void
record_from_row (AmapAssetRecord *r,
                 sqlite3_stmt    *stmt,
                 GPtrArray       *folders,
                 GString         *folder_names)
{
  AmapStage stage = AMAP_STAGE_IDENTIFIED;
  AmapLocationSource location_source = AMAP_LOCATION_SOURCE_UNKNOWN;
  const char *blob;
  const char *extras;
  int extras_len;

  amap_stage_from_string (column_string (stmt, COL_STAGE), &stage);
  amap_location_source_from_string (column_string (stmt, COL_LOCATION_SOURCE), &location_source);

  /* As amap_asset_set_folders() after the store's decode_folders(): the
   * names trimmed (g_strstrip()), without empty ones. A copy of the blob
   * trimmed in place, where a string per name cost a malloc() and a
   * free() each. */
  g_ptr_array_set_size (folders, 0);
  if ((blob = sqlite3_column_blob (stmt, COL_FOLDERS)) != NULL)
    {
      /* Not MAX (sqlite3_column_bytes (…), 0): a call is not cheap, and
       * the macro makes two. */
      int bytes = sqlite3_column_bytes (stmt, COL_FOLDERS);
      gsize len = (gsize) MAX (bytes, 0);
      char *p;
      char *end;

      g_string_truncate (folder_names, 0);
      g_string_append_len (folder_names, blob, len);
      p = folder_names->str;
      end = p + len;
      while (p < end)
        {
          char *name_end = memchr (p, '\0', end - p);

          if (name_end == NULL)
            name_end = end;
          *name_end = '\0';
          if (*g_strstrip (p) != '\0')
            g_ptr_array_add (folders, p);
          p = name_end + 1;
        }
    }

  extras = sqlite3_column_blob (stmt, COL_EXTRAS);
  extras_len = sqlite3_column_bytes (stmt, COL_EXTRAS);

  *r = (AmapAssetRecord) {
    .uuid = column_string (stmt, COL_UUID),
    .source_id = column_string (stmt, COL_SOURCE_ID),
    .name = column_string (stmt, COL_NAME),
    .category = column_string (stmt, COL_CATEGORY),
    .shape = column_string (stmt, COL_SHAPE),
    .address = column_string (stmt, COL_ADDRESS),
    .description = column_string (stmt, COL_DESCRIPTION),
    .strengths = column_string (stmt, COL_STRENGTHS),
    .needs = column_string (stmt, COL_NEEDS),
    .website = column_string (stmt, COL_WEBSITE),
    .phone = column_string (stmt, COL_PHONE),
    .email = column_string (stmt, COL_EMAIL),
    .last_contacted = column_string (stmt, COL_LAST_CONTACTED),
    .stage = stage,
    .location_source = location_source,
    .is_hub = sqlite3_column_int (stmt, COL_IS_HUB) != 0,
    .latitude = _amap_store_column_double (stmt, COL_LAT),
    .longitude = _amap_store_column_double (stmt, COL_LON),
    .created = sqlite3_column_int64 (stmt, COL_CREATED),
    .modified = sqlite3_column_int64 (stmt, COL_MODIFIED),
    .extras = extras,
    .extras_len = (gsize) MAX (extras_len, 0),
    .folders = (const char * const *) folders->pdata,
  };
}

static int
compare_tags (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The tags of the asset with row @id into @tags (NULL-terminated,
 * owning) as amap_asset_add_tag() keeps them: trimmed, without empty ones
 * or repeats, sorted. */
static gboolean
read_tags (AmapStore  *self,
           gint64      id,
           GPtrArray  *tags,
           GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (tags, 0);
  if (!(stmt = _amap_store_get_stmt (self, STMT_SELECT_TAGS, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = _amap_store_column_text (stmt, 1);

      if (name != NULL)
        g_ptr_array_add (tags, g_strstrip (g_strdup (name)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  g_ptr_array_sort (tags, compare_tags);
  for (guint i = tags->len; i-- > 0;)
    {
      const char *tag = g_ptr_array_index (tags, i);

      if (*tag == '\0' || (i > 0 && strcmp (tag, g_ptr_array_index (tags, i - 1)) == 0))
        g_ptr_array_remove_index (tags, i);
    }

  return TRUE;
}

/* Hands the asset with row @id to @record_func: as a record straight from
 * its row (and its tags), or, when it has contacts or a log, as an
 * AmapAsset inside the record. @row is a statement standing on its row
 * (SELECT_ASSET's columns), or NULL to look it up. */
static gboolean
pass_record (AmapStore                 *self,
             gint64                     id,
             sqlite3_stmt              *row,
             GHashTable                *has_children[],
             GPtrArray                 *folders,
             GString                   *folder_names,
             GPtrArray                 *tags,
             AmapStoreAssetRecordFunc   record_func,
             gpointer                   user_data,
             GError                   **error)
{
  AmapAssetRecord record;
  sqlite3_stmt *stmt;
  gboolean has_tags;
  gboolean ok;
  int rc;

  /* has_children[0] is asset_tags (see foreach_asset()). Most maps have
   * no contacts or log at all. */
  for (guint i = 1; i < AMAP_STORE_N_CHILD_TABLES; i++)
    if (g_hash_table_size (has_children[i]) > 0 && g_hash_table_contains (has_children[i], &id))
      {
        g_autoptr(AmapAsset) asset = _amap_store_read_asset_full (self, id, has_children, NULL, error);

        if (asset == NULL)
          return FALSE;
        record = (AmapAssetRecord) { .asset = asset };
        return record_func (&record, user_data, error);
      }

  /* Before the row: the statements are the store's, one at a time. */
  has_tags = g_hash_table_size (has_children[0]) > 0 && g_hash_table_contains (has_children[0], &id);
  if (has_tags && !read_tags (self, id, tags, error))
    return FALSE;

  if (row != NULL)
    {
      record_from_row (&record, row, folders, folder_names);
      if (has_tags)
        record.tags = (const char * const *) tags->pdata;
      return record_func (&record, user_data, error);
    }

  if (!(stmt = _amap_store_get_stmt (self, STMT_SELECT_ASSET, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _amap_store_set_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
    }

  record_from_row (&record, stmt, folders, folder_names);
  if (has_tags)
    record.tags = (const char * const *) tags->pdata;
  ok = record_func (&record, user_data, error);
  sqlite3_reset (stmt);

  return ok;
}

/* Ids of rows read by one statement, see bind_rows_in_order(). */
#define ROWS_PER_STATEMENT 8192

/* The rows of @entries from @start in their order, by one statement
 * (@ids holds its parameter): the ids as a JSON array, joined to the
 * table. One statement stepped from row to row keeps its column buffers,
 * where a lookup per asset (reset after each) gives them back and
 * allocates them again, a dozen per asset. ROWS_PER_STATEMENT rows at a
 * time, so that the array stays small. FALSE when this SQLite cannot
 * (the caller looks each row up instead). */
static gboolean
bind_rows_in_order (AmapStore     *self,
                    sqlite3_stmt **stmt,
                    GArray        *entries,
                    guint          start,
                    GString       *ids)
{
  guint end = MIN (entries->len, start + ROWS_PER_STATEMENT);

  g_string_truncate (ids, 0);
  g_string_append_c (ids, '[');
  for (guint i = start; i < end; i++)
    {
      /* "%" G_GINT64_FORMAT ",", without printf: ids are positive. */
      char number[24];
      char *p = number + sizeof number;
      guint64 id = (guint64) g_array_index (entries, ExportEntry, i).id;

      *--p = ',';
      do
        {
          *--p = (char) ('0' + id % 10);
          id /= 10;
        }
      while (id > 0);
      g_string_append_len (ids, p, number + sizeof number - p);
    }
  if (ids->len > 1)
    g_string_truncate (ids, ids->len - 1);
  g_string_append_c (ids, ']');

  if (*stmt == NULL)
    {
      /* CROSS JOIN keeps json_each() outside: the rows come in its order
       * (and the caller checks that they do). */
      int rc = sqlite3_prepare_v2 (self->db,
                                   "SELECT a.id, a.deleted, " ASSET_COLUMNS " "
                                   "FROM json_each (?1) AS o CROSS JOIN assets AS a "
                                   "ON a.id = o.value",
                                   -1, stmt, NULL);

      if (rc != SQLITE_OK)
        {
          g_debug ("Reading the export's rows one by one: %s", sqlite3_errmsg (self->db));
          g_clear_pointer (stmt, sqlite3_finalize);
          return FALSE;
        }
    }
  else
    sqlite3_reset (*stmt);

  sqlite3_bind_text (*stmt, 1, ids->str, (int) ids->len, SQLITE_STATIC);
  return TRUE;
}

static gboolean
foreach_asset (AmapStore                *self,
               AmapStoreCategoriesFunc   categories_func,
               AmapStoreAssetFunc        asset_func,
               AmapStoreAssetRecordFunc  record_func,
               gpointer                  user_data,
               GCancellable             *cancellable,
               GError                  **error)
{
  static const char * const child_tables[] = { "asset_tags", "contacts", "interactions" };
  GListModel *categories = G_LIST_MODEL (self->categories);
  guint n_categories = g_list_model_get_n_items (categories);
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gboolean *used = g_new0 (gboolean, n_categories + 1);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (ExportEntry));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GHashTable *has_children[AMAP_STORE_N_CHILD_TABLES] = { NULL, };
  g_autoptr(GPtrArray) folders = g_ptr_array_new_null_terminated (4, NULL, TRUE);
  g_autoptr(GString) folder_names = g_string_new (NULL);
  g_autoptr(GPtrArray) tags = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GString) folded = g_string_new (NULL);
  g_autoptr(GString) last_key = NULL;
  guint last_group = 0;
  g_autoptr(GPtrArray) arena_blocks = g_ptr_array_new_with_free_func (g_free);
  Arena arena = { arena_blocks, NULL, 0 };
  FoldCache *fold_cache;
  g_autoptr(sqlite3_stmt) rows = NULL;
  gboolean in_order;
  gboolean ok = FALSE;
  int rc;

  G_STATIC_ASSERT (G_N_ELEMENTS (child_tables) == AMAP_STORE_N_CHILD_TABLES);


  for (guint i = 0; i < n_categories; i++)
    {
      /* The model keeps its own reference. */
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      g_hash_table_insert (groups, (gpointer) amap_category_get_key (category),
                           GUINT_TO_POINTER (i + 1));
    }

  /* First the order: id, category, name and uuid of every live asset. */
  if (!(stmt = _amap_store_prepare (self, "SELECT id, category, name, uuid FROM assets WHERE deleted = 0",
                        error)))
    return FALSE;

  fold_cache = g_new0 (FoldCache, 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ExportEntry entry;
      const char *key = _amap_store_column_text (stmt, 1);
      guint group;

      /* Rows of a category often come together (as they were imported):
       * the last one's group without hashing the key again. */
      if (key != NULL && last_key != NULL && strcmp (key, last_key->str) == 0)
        group = last_group;
      else
        {
          group = GPOINTER_TO_UINT (g_hash_table_lookup (groups, key));
          if (key != NULL)
            {
              if (last_key == NULL)
                last_key = g_string_new (NULL);
              g_string_assign (last_key, key);
              last_group = group;
            }
        }

      /* Every stored category is in the model (a foreign key); a stranger
       * would go last. */
      entry.group = group > 0 ? group - 1 : n_categories;
      used[entry.group] = TRUE;
      entry.id = sqlite3_column_int64 (stmt, 0);
      {
        const char *name = _amap_store_column_text (stmt, 2);
        const char *uuid = _amap_store_column_text (stmt, 3);

        export_entry_set_strings (&entry, &arena, fold_cache, folded, name != NULL ? name : "",
                                  uuid != NULL ? uuid : "");
      }
      g_array_append_val (entries, entry);
    }
  fold_cache_clear (fold_cache);
  g_free (fold_cache);
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  g_array_sort (entries, compare_export_entries);

  if (categories_func != NULL)
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new_null_terminated (n_categories, NULL, TRUE);
      g_autoptr(GPtrArray) strays = g_ptr_array_new_null_terminated (0, g_free, TRUE);

      for (guint i = 0; i < n_categories; i++)
        if (used[i])
          {
            g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

            g_ptr_array_add (keys, (gpointer) amap_category_get_key (category));
          }

      if (used[n_categories])
        {
          /* Not expected (see above); read their keys for the caller. */
          g_autoptr(sqlite3_stmt) keys_stmt = _amap_store_prepare (self, "SELECT DISTINCT category "
                                                             "FROM assets WHERE deleted = 0 "
                                                             "ORDER BY category", error);

          if (keys_stmt == NULL)
            return FALSE;
          while (sqlite3_step (keys_stmt) == SQLITE_ROW)
            if (!g_hash_table_contains (groups, _amap_store_column_text (keys_stmt, 0)))
              {
                g_ptr_array_add (strays, g_strdup (_amap_store_column_text (keys_stmt, 0)));
                g_ptr_array_add (keys, g_ptr_array_index (strays, strays->len - 1));
              }
        }

      if (!categories_func ((const char * const *) keys->pdata, user_data, error))
        return FALSE;
    }

  /* Most maps have few assets with tags, contacts or a log: ask the
   * child tables only for those. */
  for (guint i = 0; i < AMAP_STORE_N_CHILD_TABLES; i++)
    if (!(has_children[i] = ids_with_rows (self, child_tables[i], error)))
      goto out;

  in_order = record_func != NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      ExportEntry *entry = &g_array_index (entries, ExportEntry, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      if (in_order && i % ROWS_PER_STATEMENT == 0)
        in_order = bind_rows_in_order (self, &rows, entries, i, ids);

      if (in_order)
        {
          rc = sqlite3_step (rows);
          if (rc != SQLITE_ROW || sqlite3_column_int64 (rows, COL_ID) != entry->id)
            {
              /* Not expected: look the rest up one by one. */
              g_debug ("The export's rows came out of order (%d); looking them up instead", rc);
              in_order = FALSE;
            }
        }

      if (record_func != NULL)
        {
          if (!pass_record (self, entry->id, in_order ? rows : NULL, has_children, folders, folder_names,
                            tags, record_func, user_data, error))
            goto out;
        }
      else
        {
          g_autoptr(AmapAsset) asset = _amap_store_read_asset_full (self, entry->id, has_children, NULL, error);

          if (asset == NULL || !asset_func (asset, user_data, error))
            goto out;
        }
    }

  ok = TRUE;

out:
  for (guint i = 0; i < AMAP_STORE_N_CHILD_TABLES; i++)
    g_clear_pointer (&has_children[i], g_hash_table_unref);

  return ok;
}

/* Both streams: one read transaction around foreach_asset(). */
static gboolean
foreach_in_transaction (AmapStore                *self,
                        AmapStoreCategoriesFunc   categories_func,
                        AmapStoreAssetFunc        asset_func,
                        AmapStoreAssetRecordFunc  record_func,
                        gpointer                  user_data,
                        GCancellable             *cancellable,
                        GError                  **error)
{
  gboolean own_transaction;
  gboolean ok;

  own_transaction = sqlite3_get_autocommit (self->db);
  if (own_transaction && !_amap_store_exec_sql (self, "BEGIN", error))
    return FALSE;

  ok = foreach_asset (self, categories_func, asset_func, record_func, user_data,
                      cancellable, error);

  if (own_transaction)
    _amap_store_exec_sql (self, "COMMIT", NULL);

  return ok;
}

/**
 * amap_store_foreach_asset:
 * @categories_func: (nullable) (scope call): called first, with the keys
 *   of the categories in use
 * @asset_func: (scope call): called for each live asset, in export order
 *
 * Returns: FALSE with the first error of a callback or of the database,
 *   or when cancelled
 */
gboolean
amap_store_foreach_asset (AmapStore                *self,
                          AmapStoreCategoriesFunc   categories_func,
                          AmapStoreAssetFunc        asset_func,
                          gpointer                  user_data,
                          GCancellable             *cancellable,
                          GError                  **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (asset_func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return foreach_in_transaction (self, categories_func, asset_func, NULL, user_data,
                                 cancellable, error);
}

/**
 * amap_store_foreach_asset_record:
 * @categories_func: (nullable) (scope call): as for amap_store_foreach_asset()
 * @record_func: (scope call): called for each live asset, in export order
 *
 * amap_store_foreach_asset() with each asset as an AmapAssetRecord read
 * straight from its row, valid during the call only (an asset with
 * contacts or a log comes as an AmapAsset in the record's @asset).
 */
gboolean
amap_store_foreach_asset_record (AmapStore                 *self,
                                 AmapStoreCategoriesFunc    categories_func,
                                 AmapStoreAssetRecordFunc   record_func,
                                 gpointer                   user_data,
                                 GCancellable              *cancellable,
                                 GError                   **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (record_func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return foreach_in_transaction (self, categories_func, NULL, record_func, user_data,
                                 cancellable, error);
}

/**
 * amap_store_open_snapshot:
 *
 * Opens @self's file again, read-only, and starts a read transaction
 * on it with a first read, which fixes what it sees (WAL: later writes of
 * @self do not reach it, and it does not hold them up). The streamed
 * export (amap_store_foreach_asset_record()) runs inside it, on whatever
 * thread the caller hands the store to.
 *
 * Returns: (transfer full): the store, or NULL
 */
AmapStore *
amap_store_open_snapshot (AmapStore  *self,
                          GError    **error)
{
  g_autoptr(AmapStore) snapshot = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->path == NULL)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED, "The map has no file");
      return NULL;
    }

  /* In the middle of a write (an import's batch), which may be in a
   * rollback journal: a second connection would wait for it, here on the
   * caller's thread. */
  if (!sqlite3_get_autocommit (self->db))
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED, "The map is being written");
      return NULL;
    }

  snapshot = _amap_store_open_with_flags (self->path, AMAP_STORE_OPEN_READ_ONLY, error);
  if (snapshot == NULL)
    return NULL;

  /* An export reads each page about once: SQLite's own 2 MiB is enough
   * (the store's larger cache is for box queries). */
  if (!_amap_store_exec_sql (snapshot, "PRAGMA cache_size = -2048", error) ||
      !_amap_store_exec_sql (snapshot, "BEGIN", error) ||
      !(stmt = _amap_store_prepare (snapshot, "SELECT id FROM assets LIMIT 1", error)))
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (snapshot, rc, error);
      return NULL;
    }

  return g_steal_pointer (&snapshot);
}
