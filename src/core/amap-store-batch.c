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

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!_amap_store_check_writable (self, error))
    return NULL;

  /* A big import must not spill dirty pages into the log mid-way. */
  if (!_amap_store_exec_sql (self, "PRAGMA cache_size = -131072;", error))
    return NULL;

  if (!_amap_store_begin (self, error))
    return NULL;

  batch = g_new0 (AmapStoreBatch, 1);
  batch->store = g_object_ref (self);
  batch->points = g_array_new (FALSE, FALSE, sizeof (BatchPoint));
  batch->fts_deferred = g_array_new (FALSE, FALSE, sizeof (gint64));
  batch->change = _amap_store_import_change_new ();
  batch->touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->batch = batch;

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

  if (g_hash_table_contains (batch->touched, &id))
    return TRUE;

  if (!(before = _amap_store_read_asset (batch->store, id, &was_deleted, error)))
    return FALSE;

  _amap_store_import_change_update (batch->change, before, was_deleted);
  g_hash_table_add (batch->touched, g_memdup2 (&id, sizeof id));
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

  if (id == 0 && amap_asset_get_source_id (asset) != NULL)
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
      if (!(id = _amap_store_write_asset (self, asset, 0, now, TRUE, error)))
        return FALSE;
      _amap_store_import_change_add (batch->change, amap_asset_get_uuid (asset));
      g_hash_table_add (batch->touched, g_memdup2 (&id, sizeof id));
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

  batch->n_puts++;
  return TRUE;
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

  for (guint i = 0; i < batch->points->len; i++)
    {
      BatchPoint *point = &g_array_index (batch->points, BatchPoint, i);
      sqlite3_stmt *stmt = _amap_store_get_stmt (self, STMT_RTREE_INSERT, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, point->id);
      sqlite3_bind_double (stmt, 2, point->latitude);
      sqlite3_bind_double (stmt, 3, point->longitude);
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
  _amap_store_exec_sql (batch->store, "PRAGMA cache_size = -2000", NULL);
  g_array_unref (batch->points);
  g_array_unref (batch->fts_deferred);
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

  if (!_amap_store_batch_write_fts (batch, error) ||
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

