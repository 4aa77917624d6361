/* amap-store-batch.c: batches of many writes in one transaction, for imports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/* Batches */

static void batch_free (AmapStoreBatch *batch);

/* The page cache of a batch, in KiB (negative: see "PRAGMA cache_size"). */
#define BATCH_CACHE_SIZE -65536
/* The same into a map without assets (see defer_indexes()). */
#define BATCH_FRESH_CACHE_SIZE -8192

/* FTS5's hash size during a batch, and its default (fts5_config.c). */
#define BATCH_FTS_HASHSIZE 4194304
#define DEFAULT_FTS_HASHSIZE 1048576

/*
 * Indexes after the rows
 *
 * Into a map that has no assets yet (a new map, most big imports), the
 * batch drops the assets' own indexes (source id, category: not the
 * uuid's, which is UNIQUE) inside its transaction and makes them again
 * just before the commit: SQLite then builds each from one sort instead
 * of an insert at a random place for every row (source ids are hashes).
 * The put's one query that needs one of them, "which row has this source
 * id", is answered by the batch itself: every row is the batch's own, and
 * it keeps the 64-bit hashes of the source ids it wrote. A hash it has
 * not seen means no row has that source id; one it has (the same
 * placemark twice, or a collision) makes the indexes at once and the
 * batch goes on as for any other map. A rollback drops nothing.
 */

static guint64
source_hash (const char *source_id)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);  /* FNV-1a */

  for (const guchar *p = (const guchar *) source_id; *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (1099511628211);
  /* Mixed, so that the low bits (the slot) depend on every byte. */
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h != 0 ? h : 1;
}

/* Adds @hash; FALSE when it was there already. One probe for both (at
 * a million rows the table is larger than the CPU's caches). */
static gboolean
source_hashes_add (AmapStoreBatch *batch,
                   guint64         hash)
{
  gsize i;

  /* At most half full. */
  if ((batch->n_source_hashes + 1) * 2 > batch->source_hash_mask + 1)
    {
      guint64 *old = batch->source_hashes;
      gsize old_size = batch->source_hash_mask + 1;

      batch->source_hash_mask = old_size * 2 - 1;
      batch->source_hashes = g_new0 (guint64, old_size * 2);
      batch->n_source_hashes = 0;
      for (gsize j = 0; j < old_size; j++)
        if (old[j] != 0)
          source_hashes_add (batch, old[j]);
      g_free (old);
    }

  for (i = hash & batch->source_hash_mask;
       batch->source_hashes[i] != 0;
       i = (i + 1) & batch->source_hash_mask)
    if (batch->source_hashes[i] == hash)
      return FALSE;
  batch->source_hashes[i] = hash;
  batch->n_source_hashes++;
  return TRUE;
}

/* Drops the assets' own indexes when the map has no assets. */
static gboolean
defer_indexes (AmapStoreBatch  *batch,
               GError         **error)
{
  AmapStore *self = batch->store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sql = g_ptr_array_new_with_free_func (g_free);
  gint64 empty = 0;
  int rc;

  if (!_amap_store_query_int (self, "SELECT NOT EXISTS (SELECT 1 FROM assets)", &empty, error))
    return FALSE;
  if (!empty)
    return TRUE;

  /* Only CREATE INDEX ones (sql is NULL for the UNIQUE constraint's). */
  if (!(stmt = _amap_store_prepare (self, "SELECT name, sql FROM sqlite_schema "
                                    "WHERE type = 'index' AND tbl_name = 'assets' AND sql IS NOT NULL "
                                    "ORDER BY name",
                                    error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (sql, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX \"%s\"", (char *) g_ptr_array_index (names, i));

      if (!_amap_store_exec_sql (self, drop, error))
        return FALSE;
    }

  batch->deferred_indexes = g_steal_pointer (&sql);
  batch->source_hash_mask = 1023;
  batch->source_hashes = g_new0 (guint64, 1024);

  /* What is written now only grows at its end (rows, uuids, full-text
   * segments): a small cache holds that (8 MiB took no more CPU than 64
   * at 100,000 rows, and a third less memory). It also bounds SQLite's
   * sorter when the indexes are made (it keeps as much in memory as the
   * cache may hold, then writes runs to temporary files). */
  return _amap_store_exec_sql (self, "PRAGMA cache_size = " G_STRINGIFY (BATCH_FRESH_CACHE_SIZE), error);
}

/* Makes the dropped indexes again (at the commit, or when a source id
 * may already be on the map). */
static gboolean
restore_indexes (AmapStoreBatch  *batch,
                 gboolean         at_commit,
                 GError         **error)
{
  g_autoptr(GPtrArray) sql = g_steal_pointer (&batch->deferred_indexes);

  g_clear_pointer (&batch->source_hashes, g_free);
  batch->source_hash_mask = 0;
  batch->n_source_hashes = 0;
  if (sql == NULL || sql->len == 0)
    return TRUE;

  for (guint i = 0; i < sql->len; i++)
    if (!_amap_store_exec_sql (batch->store, g_ptr_array_index (sql, i), error))
      return FALSE;

  /* From here on rows go into the indexes one by one, at random places:
   * they need the big cache. */
  return at_commit ||
         _amap_store_exec_sql (batch->store, "PRAGMA cache_size = " G_STRINGIFY (BATCH_CACHE_SIZE), error);
}

/**
 * amap_store_batch_begin:
 *
 * Starts one write transaction for many puts. Only one batch at a time per
 * store; while it runs, single edits on this store are refused.
 *
 * Returns: (transfer full) (nullable): the batch; end it with
 *   amap_store_batch_commit() or amap_store_batch_abort()
 */
AmapStoreBatch *
amap_store_batch_begin (AmapStore  *self,
                        GError    **error)
{
  AmapStoreBatch *batch;
  gint64 empty = 0;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!_amap_store_check_writable (self, error))
    return NULL;

  /* A big import must not spill dirty pages into the log mid-way; 64 MiB
   * hold a million-row import's indexes now that the uuid index and the
   * R*Tree grow at their ends (new_uuid(), bulk_load_rtree()). Into a map
   * without assets, defer_indexes() makes it smaller. */
  if (!_amap_store_exec_sql (self, "PRAGMA cache_size = " G_STRINGIFY (BATCH_CACHE_SIZE), error))
    return NULL;

  /* The first import into a map without assets: in a rollback journal
   * when nothing else has the file open (see amap-store.c, "Journal
   * modes"). */
  if (!_amap_store_query_int (self, "SELECT NOT EXISTS (SELECT 1 FROM assets)", &empty, error))
    return NULL;
  if (empty)
    _amap_store_enter_rollback_journal (self);

  if (!_amap_store_begin (self, error))
    {
      _amap_store_leave_rollback_journal (self);
      return NULL;
    }

  /* FTS5 writes the terms it holds in memory out as a segment whenever
   * they pass its hash size (1 MiB), and merges segments as they pile up:
   * for a big import, 4 MiB does about a third less work (more saves
   * little and costs memory). The setting is stored in the table's
   * config, inside this transaction; the commit puts the default back
   * (amap_store_batch_commit()), a rollback drops it. */
  if (!_amap_store_exec_sql (self, "INSERT INTO asset_fts (asset_fts, rank) "
                             "VALUES ('hashsize', " G_STRINGIFY (BATCH_FTS_HASHSIZE) ")",
                             error))
    {
      _amap_store_rollback (self);
      _amap_store_leave_rollback_journal (self);
      return NULL;
    }

  batch = g_new0 (AmapStoreBatch, 1);
  if (!_amap_store_query_int (self, "SELECT coalesce (max (id), 0) FROM assets",
                              &batch->max_id_before, error))
    {
      _amap_store_rollback (self);
      _amap_store_leave_rollback_journal (self);
      g_free (batch);
      return NULL;
    }
  batch->store = g_object_ref (self);
  batch->points = g_array_new (FALSE, FALSE, sizeof (BatchPoint));
  batch->fts_deferred = g_array_new (FALSE, FALSE, sizeof (gint64));
  batch->change = _amap_store_import_change_new ();
  batch->touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->batch = batch;

  if (!defer_indexes (batch, error))
    {
      _amap_store_rollback (self);
      batch_free (batch);
      return NULL;
    }

  return batch;
}

void
amap_store_batch_set_name (AmapStoreBatch *batch,
                           const char     *name)
{
  g_return_if_fail (batch != NULL);

  g_free (batch->name);
  batch->name = g_strdup (name);
}

void
_amap_store_batch_add_change (AmapStoreBatch  *batch,
                              AmapStoreChange *change)
{
  g_assert (batch != NULL && change != NULL);

  if (batch->extra_changes == NULL)
    batch->extra_changes = g_ptr_array_new ();
  g_ptr_array_add (batch->extra_changes, change);
}

/* The first write of row @id in this batch: remember what it was. */
static gboolean
record_first_write (AmapStoreBatch  *batch,
                    gint64           id,
                    GError         **error)
{
  g_autoptr(AmapAsset) before = NULL;
  gboolean was_deleted = FALSE;

  /* A row this batch added is recorded as added. */
  if (id > batch->max_id_before || g_hash_table_contains (batch->touched, &id))
    return TRUE;

  if (!(before = _amap_store_read_asset (batch->store, id, &was_deleted, error)))
    return FALSE;

  _amap_store_import_change_update (batch->change, before, was_deleted);
  g_hash_table_add (batch->touched, g_memdup2 (&id, sizeof id));
  return TRUE;
}

/*
 * The FTS row of the new row @id, which _amap_store_write_asset() left for
 * the commit (a new asset without tags and contacts): written now, from
 * the values it just stored, while the reader parses what comes next. At
 * the commit it would be work that nothing runs beside. One row per
 * statement, as FTS5 wants it: an INSERT … SELECT of many rows opens a
 * savepoint, at which FTS5 writes out the terms it holds, so a statement
 * per few thousand rows makes many small segments to merge. The row is
 * exactly what _amap_store_batch_write_fts() would write: the five text
 * columns, no tags, no contacts.
 */
static gboolean
write_fts_row (AmapStoreBatch  *batch,
               gint64           id,
               AmapAsset       *asset,
               GError         **error)
{
  GArray *deferred = batch->fts_deferred;
  sqlite3_stmt *stmt;

  if (deferred->len == 0 || g_array_index (deferred, gint64, deferred->len - 1) != id)
    return TRUE;

  if (!(stmt = _amap_store_get_stmt (batch->store, STMT_FTS_INSERT, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  _amap_store_bind_text (stmt, 2, amap_asset_get_name (asset));
  _amap_store_bind_text (stmt, 3, amap_asset_get_description (asset));
  _amap_store_bind_text (stmt, 4, amap_asset_get_strengths (asset));
  _amap_store_bind_text (stmt, 5, amap_asset_get_needs (asset));
  _amap_store_bind_text (stmt, 6, amap_asset_get_address (asset));
  if (!_amap_store_step_done (batch->store, stmt, error))
    return FALSE;

  g_array_set_size (deferred, deferred->len - 1);
  return TRUE;
}

/**
 * amap_store_batch_put:
 * @updated: (out) (optional): TRUE when an asset was updated rather than
 *   added
 *
 * Validates and writes @asset. On a validation error nothing is written
 * and the batch goes on. The asset gets its uuid and dates: an updated
 * asset keeps its stored uuid and "created"; "created" and "modified" the
 * asset already carries (an exported map coming back) are kept.
 */
gboolean
amap_store_batch_put (AmapStoreBatch  *batch,
                      AmapAsset       *asset,
                      gboolean        *updated,
                      GError         **error)
{
  AmapStore *self;
  sqlite3_stmt *stmt;
  gboolean deleted = FALSE;
  gboolean hashed = FALSE;
  gint64 id = 0;
  gint64 now;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (AMAP_IS_ASSET (asset), FALSE);

  self = batch->store;
  g_return_val_if_fail (self->batch == batch, FALSE);

  if (updated != NULL)
    *updated = FALSE;

  if (!_amap_store_validate (self, asset, error))
    return FALSE;

  if (amap_asset_get_uuid (asset) != NULL)
    {
      id = _amap_store_lookup_uuid (self, amap_asset_get_uuid (asset), &deleted, error);
      if (id < 0)
        return FALSE;
    }

  /* No row has a source id the batch did not write (see above). The
   * hash goes in now, before the row: should the write fail, a hash
   * without its row only sends a later placemark with that source id to
   * the index, made again for it. */
  if (id == 0 && amap_asset_get_source_id (asset) != NULL && batch->deferred_indexes != NULL)
    {
      hashed = TRUE;
      if (!source_hashes_add (batch, source_hash (amap_asset_get_source_id (asset))) &&
          !restore_indexes (batch, FALSE, error))
        return FALSE;
    }

  if (id == 0 && amap_asset_get_source_id (asset) != NULL && batch->deferred_indexes == NULL)
    {
      int rc;

      if (!(stmt = _amap_store_get_stmt (self, STMT_ID_BY_SOURCE_ID, error)))
        return FALSE;

      _amap_store_bind_text (stmt, 1, amap_asset_get_source_id (asset));
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return _amap_store_set_sqlite_error (self, rc, error);
    }

  now = _amap_store_now_seconds ();

  if (id == 0)
    {
      if (!(id = _amap_store_write_asset (self, asset, 0, now, TRUE, error)) ||
          !write_fts_row (batch, id, asset, error))
        return FALSE;
      _amap_store_import_change_add (batch->change, amap_asset_get_uuid (asset));
    }
  else
    {
      /* It is that asset: it keeps its uuid and creation date. */
      if (!record_first_write (batch, id, error) ||
          !_amap_store_read_identity (self, id, asset, error) ||
          !_amap_store_write_asset (self, asset, id, now, TRUE, error))
        return FALSE;
      if (updated != NULL)
        *updated = !deleted;
    }

  /* A row of the batch found by its uuid has the asset's source id now. */
  if (!hashed && batch->deferred_indexes != NULL && amap_asset_get_source_id (asset) != NULL)
    source_hashes_add (batch, source_hash (amap_asset_get_source_id (asset)));

  batch->n_puts++;
  return TRUE;
}

gboolean
amap_store_batch_set_category (AmapStoreBatch  *batch,
                               const char      *uuid,
                               const char      *key,
                               GError         **error)
{
  AmapStore *self;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (uuid != NULL && key != NULL, FALSE);

  self = batch->store;
  g_return_val_if_fail (self->batch == batch, FALSE);

  if (amap_store_lookup_category (self, key) == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY,
                   _("The category “%s” is not one of this map’s"), key);
      return FALSE;
    }

  /* The category is in no index of ours but assets_category, and the
   * asset's before-image (for undo) was taken by its put. */
  if (batch->set_category == NULL &&
      !(batch->set_category = _amap_store_prepare (self, "UPDATE assets SET category = ?2 "
                                                   "WHERE uuid = ?1 AND deleted = 0", error)))
    return FALSE;

  _amap_store_bind_text (batch->set_category, 1, uuid);
  _amap_store_bind_text (batch->set_category, 2, key);
  if (!_amap_store_step_done (self, batch->set_category, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This asset is no longer on the map. It may have been deleted in another window."));
      return FALSE;
    }

  return TRUE;
}

/*
 * Bulk loading the R*Tree
 *
 * SQLite's R*Tree inserts one entry at a time: at a million points that
 * is four node reads and writes for each, most of a big import. Into an
 * empty R*Tree, the batch writes the whole tree at once instead, packed by
 * Sort-Tile-Recursive (the points sorted into vertical slices, each slice
 * by latitude, cut into nodes; the same one level up until one node is
 * left), straight into the R*Tree's own tables in its own format
 * (sqlite/ext/rtree/rtree.c): a node is 4 + 24 × 51 bytes (a 4096-byte
 * page allows 51 cells of a 2-dimensional tree), a 16-bit depth (root
 * only) and a 16-bit cell count, then per cell a 64-bit id and four 32-bit
 * floats, big-endian, rounded outwards as the R*Tree rounds them. Node 1
 * is the root. The row table (asset_rtree_rowid: rowid, nodeno, then the
 * auxiliary columns a0 uuid, a1 lat, a2 lon, a3 name) gets a row for each
 * asset, written in the order of the asset ids, so that it grows at its
 * end and reads the assets in the order of their rows. rtreecheck() finds
 * such a tree sound, and later inserts and deletes go through the R*Tree
 * as usual.
 */
#define RTREE_MAX_CELLS 51
#define RTREE_CELL_SIZE (8 + 4 * 4)
#define RTREE_NODE_SIZE (4 + RTREE_CELL_SIZE * RTREE_MAX_CELLS)
#define RTREE_BULK_MIN AMAP_STORE_RTREE_BULK_MIN

typedef struct
{
  gint64 id;        /* asset id (leaf) or node number */
  float box[4];     /* min_lat, max_lat, min_lon, max_lon */
} RtreeEntry;

/* Where a leaf entry went: the asset @id is in the leaf node @nodeno. */
typedef struct
{
  gint64 id;
  gint64 nodeno;
} RtreeLeafLink;

/* The entries' scratch space sorts the links too. */
G_STATIC_ASSERT (sizeof (RtreeLeafLink) <= sizeof (RtreeEntry));

/* Sorts @links by id (row ids: not negative), a stable radix sort of as
 * many byte-wide passes as the largest id needs, through @scratch (room
 * for @n). */
static void
sort_leaf_links (RtreeLeafLink *links,
                 RtreeLeafLink *scratch,
                 guint          n)
{
  RtreeLeafLink *from = links, *to = scratch;
  guint64 max_id = 0;

  for (guint i = 0; i < n; i++)
    max_id = MAX (max_id, (guint64) links[i].id);

  for (guint shift = 0; shift < 64 && (max_id >> shift) != 0; shift += 8)
    {
      guint offsets[256] = { 0 };
      guint total = 0;

      for (guint i = 0; i < n; i++)
        offsets[((guint64) from[i].id >> shift) & 0xff]++;
      for (guint d = 0; d < 256; d++)
        {
          guint count = offsets[d];

          offsets[d] = total;
          total += count;
        }
      for (guint i = 0; i < n; i++)
        to[offsets[((guint64) from[i].id >> shift) & 0xff]++] = from[i];

      {
        RtreeLeafLink *swap = from;

        from = to;
        to = swap;
      }
    }

  if (from != links)
    memcpy (links, from, n * sizeof (RtreeLeafLink));
}

/* As rtree.c's rtreeValueDown() and rtreeValueUp(). */
static float
rtree_value_down (double d)
{
  float f = (float) d;

  if (f > d)
    f = (float) (d * (d < 0 ? (1.0 + 1.0 / 8388608.0) : (1.0 - 1.0 / 8388608.0)));
  return f;
}

static float
rtree_value_up (double d)
{
  float f = (float) d;

  if (f < d)
    f = (float) (d * (d < 0 ? (1.0 - 1.0 / 8388608.0) : (1.0 + 1.0 / 8388608.0)));
  return f;
}

/* The order of floats as unsigned integers (no NaN comes here). */
static inline guint32
sortable_float_bits (float value)
{
  guint32 bits;

  memcpy (&bits, &value, sizeof bits);
  return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
}

/* The centre of @entry on one axis (0: latitude, 2: longitude), doubled,
 * as a sort key. */
static inline guint32
entry_key (const RtreeEntry *entry,
           int               axis)
{
  return sortable_float_bits (entry->box[axis] + entry->box[axis + 1]);
}

/* Sorts the @n @entries by their centre on @axis: a stable radix sort of
 * four byte-wide passes through @scratch (room for @n). At a million
 * points qsort()'s compare calls were most of the tree's CPU, at the
 * commit, where nothing runs beside it. */
static void
sort_entries (RtreeEntry *entries,
              RtreeEntry *scratch,
              guint       n,
              int         axis)
{
  RtreeEntry *from = entries, *to = scratch;

  for (int shift = 0; shift < 32; shift += 8)
    {
      guint offsets[256] = { 0 };
      guint total = 0;

      for (guint i = 0; i < n; i++)
        offsets[(entry_key (&from[i], axis) >> shift) & 0xff]++;
      for (guint d = 0; d < 256; d++)
        {
          guint count = offsets[d];

          offsets[d] = total;
          total += count;
        }
      for (guint i = 0; i < n; i++)
        to[offsets[(entry_key (&from[i], axis) >> shift) & 0xff]++] = from[i];

      {
        RtreeEntry *swap = from;

        from = to;
        to = swap;
      }
    }

  /* Four passes: back in @entries. */
  g_assert (from == entries);
}

static void
put_be64 (guint8 *p,
          guint64 value)
{
  for (int i = 0; i < 8; i++)
    p[i] = (value >> (8 * (7 - i))) & 0xff;
}

static void
put_be_float (guint8 *p,
              float   value)
{
  guint32 bits;

  memcpy (&bits, &value, sizeof bits);
  for (int i = 0; i < 4; i++)
    p[i] = (bits >> (8 * (3 - i))) & 0xff;
}

/* Orders @entries Sort-Tile-Recursive: then each run of a node's share is
 * one node. Returns the number of nodes. */
static guint
str_order (RtreeEntry *entries,
           RtreeEntry *scratch,
           guint       n)
{
  guint n_nodes = (n + RTREE_MAX_CELLS - 1) / RTREE_MAX_CELLS;
  guint n_slices = (guint) ceil (sqrt ((double) n_nodes));
  guint start = 0;

  sort_entries (entries, scratch, n, 2);
  for (guint slice = 0; slice < n_slices; slice++)
    {
      /* Slices of whole nodes, as even as they come. */
      guint nodes_before = (guint) ((guint64) n_nodes * slice / n_slices);
      guint nodes_upto = (guint) ((guint64) n_nodes * (slice + 1) / n_slices);
      guint end = (guint) ((guint64) n * nodes_upto / n_nodes);

      (void) nodes_before;
      sort_entries (entries + start, scratch, end - start, 0);
      start = end;
    }

  return n_nodes;
}

/* Writes one level's nodes (the cells @entries, cut into @n_nodes nodes as
 * evenly as they come) with numbers from *@next_node (1 when it is the
 * root, of @depth), and returns the entries of the level above. An inner
 * level links each child to its parent with @link_stmt; the leaves
 * (@leaf_links not NULL) note each asset's node in @leaf_links instead. */
static RtreeEntry *
write_level (AmapStore      *self,
             sqlite3_stmt   *node_stmt,
             sqlite3_stmt   *link_stmt,
             RtreeLeafLink  *leaf_links,
             RtreeEntry     *entries,
             guint           n,
             guint           n_nodes,
             gboolean        is_root,
             int             depth,
             gint64         *next_node,
             GError        **error)
{
  g_autofree RtreeEntry *above = g_new (RtreeEntry, n_nodes);
  guint8 data[RTREE_NODE_SIZE];

  for (guint node = 0; node < n_nodes; node++)
    {
      guint start = (guint) ((guint64) n * node / n_nodes);
      guint end = (guint) ((guint64) n * (node + 1) / n_nodes);
      gint64 nodeno = is_root ? 1 : (*next_node)++;
      RtreeEntry *parent = &above[node];

      memset (data, 0, sizeof data);
      if (is_root)
        {
          data[0] = (depth >> 8) & 0xff;
          data[1] = depth & 0xff;
        }
      data[2] = ((end - start) >> 8) & 0xff;
      data[3] = (end - start) & 0xff;

      parent->id = nodeno;
      parent->box[0] = parent->box[2] = INFINITY;
      parent->box[1] = parent->box[3] = -INFINITY;
      for (guint i = start; i < end; i++)
        {
          guint8 *cell = data + 4 + RTREE_CELL_SIZE * (i - start);

          put_be64 (cell, (guint64) entries[i].id);
          for (int k = 0; k < 4; k++)
            put_be_float (cell + 8 + 4 * k, entries[i].box[k]);
          parent->box[0] = MIN (parent->box[0], entries[i].box[0]);
          parent->box[1] = MAX (parent->box[1], entries[i].box[1]);
          parent->box[2] = MIN (parent->box[2], entries[i].box[2]);
          parent->box[3] = MAX (parent->box[3], entries[i].box[3]);

          /* Leaves: asset id -> node; inner nodes: child -> parent. */
          if (leaf_links != NULL)
            {
              leaf_links[i].id = entries[i].id;
              leaf_links[i].nodeno = nodeno;
              continue;
            }
          sqlite3_bind_int64 (link_stmt, 1, entries[i].id);
          sqlite3_bind_int64 (link_stmt, 2, nodeno);
          if (!_amap_store_step_done (self, link_stmt, error))
            return NULL;
        }

      sqlite3_bind_int64 (node_stmt, 1, nodeno);
      sqlite3_bind_blob (node_stmt, 2, data, sizeof data, SQLITE_STATIC);
      if (!_amap_store_step_done (self, node_stmt, error))
        return NULL;
    }

  return g_steal_pointer (&above);
}

/* The leaf nodes of the assets, for leaf_node_func(). */
typedef struct
{
  const RtreeLeafLink *links;   /* sorted by id */
  guint                n;
  guint                next;    /* where the last lookup ended */
} LeafLookup;

/* amap_rtree_leaf_node(id): the leaf node of asset @id, or NULL for an
 * asset that is not in the tree. The scan that calls it goes in id
 * order, so the answer is nearly always the link after the last one. */
static void
leaf_node_func (sqlite3_context  *context,
                int               argc,
                sqlite3_value   **argv)
{
  LeafLookup *lookup = sqlite3_user_data (context);
  gint64 id = sqlite3_value_int64 (argv[0]);
  guint lo = 0, hi = lookup->n;

  if (lookup->next < lookup->n && lookup->links[lookup->next].id == id)
    lo = lookup->next;
  else if (lookup->next > 0 && lookup->links[lookup->next - 1].id == id)
    lo = lookup->next - 1;
  else
    while (lo < hi)
      {
        guint mid = lo + (hi - lo) / 2;

        if (lookup->links[mid].id < id)
          lo = mid + 1;
        else
          hi = mid;
      }

  if (lo < lookup->n && lookup->links[lo].id == id)
    {
      lookup->next = lo + 1;
      sqlite3_result_int64 (context, lookup->links[lo].nodeno);
    }
  else
    sqlite3_result_null (context);
}

/*
 * The row table's rows for @leaf_links (sorted by id): one INSERT …
 * SELECT that reads the assets in the order of their rows, rather than a
 * statement and a seek from the root for each asset (a fifth of a
 * minimal import's CPU, and at a million rows pages read back from the
 * file in random order). The leaf of each row comes from a function
 * registered for that one statement.
 */
static gboolean
write_rtree_rows (AmapStore            *self,
                  const RtreeLeafLink  *leaf_links,
                  guint                 n_points,
                  GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LeafLookup lookup = { leaf_links, n_points, 0 };
  gboolean ok;
  int rc;

  if (n_points == 0)
    return TRUE;

  rc = sqlite3_create_function (self->db, "amap_rtree_leaf_node", 1,
                                SQLITE_UTF8 | SQLITE_DIRECTONLY, &lookup,
                                leaf_node_func, NULL, NULL);
  if (rc != SQLITE_OK)
    return _amap_store_set_sqlite_error (self, rc, error);

  stmt = _amap_store_prepare (self, "INSERT INTO asset_rtree_rowid "
                              "(rowid, nodeno, a0, a1, a2, a3) "
                              "SELECT id, node, uuid, lat, lon, name FROM "
                              "(SELECT id, amap_rtree_leaf_node (id) AS node, uuid, lat, lon, name "
                              " FROM assets WHERE id BETWEEN ?1 AND ?2) "
                              "WHERE node IS NOT NULL",
                              error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, leaf_links[0].id);
      sqlite3_bind_int64 (stmt, 2, leaf_links[n_points - 1].id);
      ok = _amap_store_step_done (self, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_create_function (self->db, "amap_rtree_leaf_node", 1, SQLITE_UTF8, NULL,
                           NULL, NULL, NULL);
  if (!ok)
    return FALSE;

  /* Every point is a row the batch wrote; without it the tree would
   * point at nothing. */
  if (sqlite3_changes (self->db) != (int) n_points)
    return _amap_store_set_sqlite_error (self, SQLITE_CORRUPT, error);

  return TRUE;
}

static gboolean
bulk_load_rtree (AmapStoreBatch  *batch,
                 GError         **error)
{
  return _amap_store_bulk_load_rtree (batch->store, &batch->points, error);
}

/* Writes the empty R*Tree of @self at once from the *@points (BatchPoint,
 * in the order of their ids, each with a location; the rows they name
 * hold them), which it takes, leaving an empty array in their place.
 * Runs inside a transaction. */
gboolean
_amap_store_bulk_load_rtree (AmapStore  *self,
                             GArray    **points_inout,
                             GError    **error)
{
  GArray *points = *points_inout;
  g_autoptr(sqlite3_stmt) node_stmt = NULL;
  g_autoptr(sqlite3_stmt) parent_stmt = NULL;
  g_autofree RtreeEntry *level = g_new (RtreeEntry, points->len);
  g_autofree RtreeLeafLink *leaf_links = NULL;
  g_autofree RtreeEntry *scratch = NULL;
  guint n = points->len;
  guint n_points = points->len;
  guint n_levels = 1;
  gint64 next_node = 2;
  int depth = 0;

  for (guint i = 0; i < n_points; i++)
    {
      BatchPoint *point = &g_array_index (points, BatchPoint, i);

      level[i].id = point->id;
      level[i].box[0] = rtree_value_down (point->latitude);
      level[i].box[1] = rtree_value_up (point->latitude);
      level[i].box[2] = rtree_value_down (point->longitude);
      level[i].box[3] = rtree_value_up (point->longitude);
    }

  /* The points are in the entries now: their memory goes back. */
  g_array_unref (*points_inout);
  *points_inout = points = g_array_new (FALSE, FALSE, sizeof (BatchPoint));

  /* The depth of the root: levels above the leaves. */
  for (guint64 count = (n + RTREE_MAX_CELLS - 1) / RTREE_MAX_CELLS; count > 1;
       count = (count + RTREE_MAX_CELLS - 1) / RTREE_MAX_CELLS)
    n_levels++;
  depth = (int) n_levels - 1;

  if (!(node_stmt = _amap_store_prepare (self, "INSERT OR REPLACE INTO asset_rtree_node (nodeno, data) "
                                         "VALUES (?1, ?2)", error)) ||
      !(parent_stmt = _amap_store_prepare (self, "INSERT INTO asset_rtree_parent (nodeno, parentnode) "
                                           "VALUES (?1, ?2)", error)))
    return FALSE;

  leaf_links = g_new (RtreeLeafLink, n_points);
  scratch = g_new (RtreeEntry, n_points);
  for (int level_depth = 0; level_depth <= depth; level_depth++)
    {
      gboolean is_root = level_depth == depth;
      guint n_nodes = is_root ? 1 : str_order (level, scratch, n);
      RtreeEntry *above;

      above = write_level (self, node_stmt, parent_stmt, level_depth == 0 ? leaf_links : NULL,
                           level, n, n_nodes, is_root, depth, &next_node, error);
      if (above == NULL)
        return FALSE;
      g_free (level);
      level = above;
      n = n_nodes;
    }

  sort_leaf_links (leaf_links, (RtreeLeafLink *) scratch, n_points);
  return write_rtree_rows (self, leaf_links, n_points, error);
}

/* The R*Tree entries of the rows the batch wrote, in row order. */
static gboolean
insert_batch_points (AmapStoreBatch  *batch,
                     GError         **error)
{
  AmapStore *self = batch->store;
  guint n = 0;

  /* Keep the last write of each asset, and only those with a location. */
  g_array_sort (batch->points, _amap_store_compare_batch_point_ids);
  for (guint i = 0; i < batch->points->len; i++)
    {
      BatchPoint *point = &g_array_index (batch->points, BatchPoint, i);

      if (i + 1 < batch->points->len &&
          g_array_index (batch->points, BatchPoint, i + 1).id == point->id)
        continue;
      if (isnan (point->latitude) || isnan (point->longitude))
        continue;
      g_array_index (batch->points, BatchPoint, n++) = *point;
    }
  g_array_set_size (batch->points, n);

  /* Many points into an empty R*Tree (a new map's import): at once. */
  if (n >= RTREE_BULK_MIN)
    {
      gint64 empty = 0;

      if (!_amap_store_query_int (self, "SELECT NOT EXISTS (SELECT 1 FROM asset_rtree_rowid)",
                                  &empty, error))
        return FALSE;
      if (empty)
        {
          if (!bulk_load_rtree (batch, error))
            return FALSE;
          g_array_set_size (batch->points, 0);
          return TRUE;
        }
    }

  for (guint i = 0; i < batch->points->len; i++)
    {
      BatchPoint *point = &g_array_index (batch->points, BatchPoint, i);
      /* The row as last written: its location is the point's, and the
       * R*Tree keeps its uuid too. */
      sqlite3_stmt *stmt = _amap_store_get_stmt (self, STMT_RTREE_RESTORE, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, point->id);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  g_array_set_size (batch->points, 0);
  return TRUE;
}

static void
batch_free (AmapStoreBatch *batch)
{
  if (batch->store->batch == batch)
    batch->store->batch = NULL;
  _amap_store_exec_sql (batch->store, "PRAGMA cache_size = " G_STRINGIFY (AMAP_STORE_CACHE_SIZE), NULL);
  /* After the commit or rollback. */
  _amap_store_leave_rollback_journal (batch->store);
  g_array_unref (batch->points);
  g_array_unref (batch->fts_deferred);
  g_clear_pointer (&batch->set_category, sqlite3_finalize);
  g_clear_pointer (&batch->deferred_indexes, g_ptr_array_unref);
  g_clear_pointer (&batch->source_hashes, g_free);
  g_free (batch->name);
  if (batch->change != NULL)
    batch->change->klass->free (batch->change);
  for (guint i = 0; batch->extra_changes != NULL && i < batch->extra_changes->len; i++)
    {
      AmapStoreChange *change = g_ptr_array_index (batch->extra_changes, i);

      change->klass->free (change);
    }
  g_clear_pointer (&batch->extra_changes, g_ptr_array_unref);
  g_hash_table_unref (batch->touched);
  g_object_unref (batch->store);
  g_free (batch);
}

/* The undo step of an import of @n_assets assets. */
static AmapStoreStep *
make_import_step (const char *name,
                  guint       n_assets)
{
  char *undo_label;
  char *redo_label;

  /* Only tours, say. */
  if (n_assets == 0)
    return _amap_store_step_new (g_strdup_printf (_("Undo Import of “%s”"), name ? name : ""),
                                 g_strdup_printf (_("Redo Import of “%s”"), name ? name : ""));

  if (name != NULL)
    {
      /* Translators: %s is a file name, %u the number of assets imported or updated. */
      undo_label = g_strdup_printf (ngettext ("Undo Import of “%s” (%u Asset)",
                                              "Undo Import of “%s” (%u Assets)", n_assets),
                                    name, n_assets);
      redo_label = g_strdup_printf (ngettext ("Redo Import of “%s” (%u Asset)",
                                              "Redo Import of “%s” (%u Assets)", n_assets),
                                    name, n_assets);
    }
  else
    {
      undo_label = g_strdup_printf (ngettext ("Undo Import (%u Asset)",
                                              "Undo Import (%u Assets)", n_assets),
                                    n_assets);
      redo_label = g_strdup_printf (ngettext ("Redo Import (%u Asset)",
                                              "Redo Import (%u Assets)", n_assets),
                                    n_assets);
    }

  return _amap_store_step_new (undo_label, redo_label);
}

/**
 * amap_store_batch_commit:
 *
 * Commits and frees the batch (also on error, after rolling back), then
 * emits "reset" once. What the batch wrote becomes one undo step.
 */
gboolean
amap_store_batch_commit (AmapStoreBatch  *batch,
                         GError         **error)
{
  g_autoptr(AmapStore) self = NULL;
  guint n_assets;
  guint n_puts;

  g_return_val_if_fail (batch != NULL, FALSE);

  self = g_object_ref (batch->store);
  n_puts = batch->n_puts;

  if (!restore_indexes (batch, TRUE, error) ||
      !_amap_store_batch_write_fts (batch, error) ||
      !_amap_store_exec_sql (self, "INSERT INTO asset_fts (asset_fts, rank) "
                             "VALUES ('hashsize', " G_STRINGIFY (DEFAULT_FTS_HASHSIZE) ")",
                             error) ||
      !insert_batch_points (batch, error) ||
      (n_puts > 0 && !_amap_store_touch_map (self, _amap_store_now_seconds (), error)) ||
      !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      batch_free (batch);
      return FALSE;
    }

  n_assets = _amap_store_import_change_get_n_assets (batch->change);
  if (n_assets > 0 || batch->extra_changes != NULL)
    {
      /* Earlier steps stay valid: undo goes through this one first. The
       * assets come first, so that undo takes back what refers to them
       * (a tour's stops) before them. */
      AmapStoreStep *step = make_import_step (batch->name, n_assets);

      _amap_store_step_add_change (step, g_steal_pointer (&batch->change));
      for (guint i = 0; batch->extra_changes != NULL && i < batch->extra_changes->len; i++)
        _amap_store_step_add_change (step, g_ptr_array_index (batch->extra_changes, i));
      g_clear_pointer (&batch->extra_changes, g_ptr_array_unref);
      _amap_store_push_step (self, step);
    }

  batch_free (batch);

  if (n_puts > 0)
    g_signal_emit (self, amap_store_signals[RESET], 0);

  return TRUE;
}

void
amap_store_batch_abort (AmapStoreBatch *batch)
{
  g_return_if_fail (batch != NULL);

  _amap_store_rollback (batch->store);
  batch_free (batch);
}

