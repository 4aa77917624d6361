/* amap-store-history.c: the undo/redo history of a map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-store-private.h"

/*
 * A step of the history is what one user action did: one edit, one
 * import of many assets, one change to a tour. It holds changes of any
 * kind (an AmapStoreChange with its class), which the history applies in
 * one transaction: forwards to redo, backwards to undo. A step holds only
 * plain data (uuids, copies of values), no statement or connection, so a
 * step recorded by a worker's store can move to the window's store.
 */
struct _AmapStoreStep
{
  char      *undo_label;
  char      *redo_label;
  GPtrArray *changes;  /* AmapStoreChange, in the order they were made */
};

static void
change_free (gpointer data)
{
  AmapStoreChange *change = data;

  change->klass->free (change);
}

AmapStoreStep *
_amap_store_step_new (char *undo_label,
                      char *redo_label)
{
  AmapStoreStep *step = g_new0 (AmapStoreStep, 1);

  step->undo_label = undo_label;
  step->redo_label = redo_label;
  step->changes = g_ptr_array_new_with_free_func (change_free);

  return step;
}

void
_amap_store_step_free (AmapStoreStep *step)
{
  if (step == NULL)
    return;

  g_free (step->undo_label);
  g_free (step->redo_label);
  g_ptr_array_unref (step->changes);
  g_free (step);
}

void
_amap_store_step_add_change (AmapStoreStep   *step,
                             AmapStoreChange *change)
{
  g_assert (change != NULL && change->klass != NULL);
  g_ptr_array_add (step->changes, change);
}

guint
_amap_store_step_get_n_changes (AmapStoreStep *step)
{
  return step->changes->len;
}

AmapStoreChange *
_amap_store_step_get_change (AmapStoreStep *step,
                             guint          index)
{
  return g_ptr_array_index (step->changes, index);
}

void
_amap_store_update_undo_state (AmapStore *self)
{
  const char *undo_label = NULL;
  const char *redo_label = NULL;
  gboolean could_undo = self->undo_label != NULL;
  gboolean could_redo = self->redo_label != NULL;

  if (self->undo_stack->len > 0)
    undo_label = ((AmapStoreStep *) g_ptr_array_index (self->undo_stack,
                                                       self->undo_stack->len - 1))->undo_label;
  if (self->redo_stack->len > 0)
    redo_label = ((AmapStoreStep *) g_ptr_array_index (self->redo_stack,
                                                       self->redo_stack->len - 1))->redo_label;

  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (undo_label, self->undo_label) != 0)
    {
      g_free (self->undo_label);
      self->undo_label = g_strdup (undo_label);
      g_object_notify_by_pspec (G_OBJECT (self), amap_store_properties[PROP_UNDO_LABEL]);
    }

  if (g_strcmp0 (redo_label, self->redo_label) != 0)
    {
      g_free (self->redo_label);
      self->redo_label = g_strdup (redo_label);
      g_object_notify_by_pspec (G_OBJECT (self), amap_store_properties[PROP_REDO_LABEL]);
    }

  if (could_undo != (self->undo_label != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), amap_store_properties[PROP_CAN_UNDO]);

  if (could_redo != (self->redo_label != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), amap_store_properties[PROP_CAN_REDO]);

  g_object_thaw_notify (G_OBJECT (self));
}

/* Applies @change (just made) forwards, in a transaction, emits, and
 * pushes it as a step with the labels. On error nothing changed. */
gboolean
_amap_store_run_step (AmapStore      *self,
                      AmapStoreStep  *step,
                      GError        **error)
{
  g_autoptr(AmapStoreStep) owned = step;
  gint64 now = _amap_store_now_seconds ();
  guint n = _amap_store_step_get_n_changes (step);

  if (!_amap_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      AmapStoreChange *change = _amap_store_step_get_change (step, i);

      if (!change->klass->apply (self, change, FALSE, error))
        {
          _amap_store_rollback (self);
          return FALSE;
        }
    }

  if (!_amap_store_touch_map (self, now, error) || !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      AmapStoreChange *change = _amap_store_step_get_change (step, i);

      change->klass->emit (self, change, FALSE);
    }

  _amap_store_push_step (self, g_steal_pointer (&owned));
  return TRUE;
}

void
_amap_store_push_step (AmapStore     *self,
                       AmapStoreStep *step)
{
  g_ptr_array_add (self->undo_stack, step);
  g_ptr_array_set_size (self->redo_stack, 0);
  _amap_store_update_undo_state (self);
}

void
_amap_store_clear_history (AmapStore *self)
{
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  _amap_store_update_undo_state (self);
}

/* Asset changes */

typedef struct
{
  AmapStoreChange  parent;
  char            *uuid;
  AmapAsset       *before;  /* NULL: the asset did not exist (or was deleted) */
  AmapAsset       *after;   /* NULL: the change deleted it */
  gboolean         was_deleted;  /* set by apply, read by emit */
} AssetChange;

static gboolean
asset_change_apply (AmapStore        *self,
                    AmapStoreChange  *change,
                    gboolean          undo,
                    GError          **error)
{
  AssetChange *asset_change = (AssetChange *) change;
  AmapAsset *target = undo ? asset_change->before : asset_change->after;
  gint64 id;

  id = _amap_store_lookup_uuid (self, asset_change->uuid, &asset_change->was_deleted, error);
  if (id < 0)
    return FALSE;
  if (id == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This asset is no longer on the map, so the step cannot be "
                             "undone."));
      return FALSE;
    }

  /* An undone add becomes a soft delete, so even that loses nothing. */
  if (target == NULL)
    return _amap_store_set_deleted (self, id, TRUE, _amap_store_now_seconds (), error);
  else
    {
      g_autoptr(AmapAsset) copy = amap_asset_copy (target);

      return _amap_store_write_asset (self, copy, id, _amap_store_now_seconds (), FALSE, error) != 0;
    }
}

static void
asset_change_emit (AmapStore       *self,
                   AmapStoreChange *change,
                   gboolean         undo)
{
  AssetChange *asset_change = (AssetChange *) change;
  AmapAsset *target = undo ? asset_change->before : asset_change->after;
  gint64 id;

  if (target == NULL)
    {
      if (!asset_change->was_deleted)
        g_signal_emit (self, amap_store_signals[ASSET_REMOVED], 0, asset_change->uuid);
      return;
    }

  id = _amap_store_lookup_uuid (self, asset_change->uuid, NULL, NULL);
  if (id > 0)
    _amap_store_emit_asset (self, asset_change->was_deleted ? ASSET_ADDED : ASSET_UPDATED, id);
}

static void
asset_change_free (AmapStoreChange *change)
{
  AssetChange *asset_change = (AssetChange *) change;

  g_free (asset_change->uuid);
  g_clear_object (&asset_change->before);
  g_clear_object (&asset_change->after);
  g_free (asset_change);
}

static const AmapStoreChangeClass asset_change_class = {
  asset_change_apply,
  asset_change_emit,
  asset_change_free,
};

AmapStoreChange *
_amap_store_asset_change_new (AmapAsset *before,
                              AmapAsset *after)
{
  AssetChange *change = g_new0 (AssetChange, 1);

  g_assert (before != NULL || after != NULL);

  change->parent.klass = &asset_change_class;
  change->uuid = g_strdup (amap_asset_get_uuid (after ? after : before));
  change->before = before ? amap_asset_copy (before) : NULL;
  change->after = after ? amap_asset_copy (after) : NULL;

  return &change->parent;
}

/* The labels of the Undo and Redo menu items for one asset's step. */
static void
make_asset_labels (UndoKind    kind,
                   const char *name,
                   char      **undo_label,
                   char      **redo_label)
{
  switch (kind)
    {
    case UNDO_ADD:
      *undo_label = g_strdup_printf (_("Undo Add “%s”"), name);
      *redo_label = g_strdup_printf (_("Redo Add “%s”"), name);
      break;
    case UNDO_EDIT:
      *undo_label = g_strdup_printf (_("Undo Edit “%s”"), name);
      *redo_label = g_strdup_printf (_("Redo Edit “%s”"), name);
      break;
    case UNDO_MOVE:
      *undo_label = g_strdup_printf (_("Undo Move “%s”"), name);
      *redo_label = g_strdup_printf (_("Redo Move “%s”"), name);
      break;
    case UNDO_DELETE:
      *undo_label = g_strdup_printf (_("Undo Delete “%s”"), name);
      *redo_label = g_strdup_printf (_("Redo Delete “%s”"), name);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
_amap_store_push_undo (AmapStore *self,
                       UndoKind   kind,
                       AmapAsset *before,
                       AmapAsset *after)
{
  char *undo_label;
  char *redo_label;
  AmapStoreStep *step;

  make_asset_labels (kind, amap_asset_get_name (after ? after : before), &undo_label, &redo_label);
  step = _amap_store_step_new (undo_label, redo_label);
  _amap_store_step_add_change (step, _amap_store_asset_change_new (before, after));
  _amap_store_push_step (self, step);
}

/* Changes of many assets: an import, a bulk delete */

/* An asset an import wrote over: its values before, and (only while the
 * import is undone) after. */
typedef struct
{
  AmapAsset *before;
  AmapAsset *after;
  gboolean   was_deleted;  /* a deleted asset the import brought back */
} UpdatedAsset;

/*
 * An import of many placemarks: the uuids of the assets it added and
 * copies of the assets it updated, as they were before. The state after
 * the import is still in the file, so it is read when the import is undone
 * (and dropped again at redo): a step of 100,000 added assets holds
 * 100,000 uuids, not 200,000 copies. Undoing soft-deletes what the import
 * added, so even that loses nothing.
 */
typedef struct
{
  AmapStoreChange  parent;
  GPtrArray       *added;    /* char *uuid */
  GArray          *updated;  /* UpdatedAsset */
} ImportChange;

static void
updated_asset_clear (gpointer data)
{
  UpdatedAsset *updated = data;

  g_clear_object (&updated->before);
  g_clear_object (&updated->after);
}

/* Soft-deletes (or brings back) each of @uuids. */
static gboolean
set_deleted_all (AmapStore  *self,
                 GPtrArray  *uuids,
                 gboolean    deleted,
                 gint64      now,
                 GError    **error)
{
  for (guint i = 0; i < uuids->len; i++)
    {
      gint64 id = _amap_store_lookup_uuid (self, g_ptr_array_index (uuids, i), NULL, error);

      if (id < 0)
        return FALSE;
      if (id == 0)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                               _("An asset of this step is no longer on the map, so the "
                                 "step cannot be undone."));
          return FALSE;
        }
      if (!_amap_store_set_deleted (self, id, deleted, now, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
import_change_apply (AmapStore        *self,
                     AmapStoreChange  *change,
                     gboolean          undo,
                     GError          **error)
{
  ImportChange *import = (ImportChange *) change;
  gint64 now = _amap_store_now_seconds ();

  for (guint i = 0; i < import->updated->len; i++)
    {
      UpdatedAsset *updated = &g_array_index (import->updated, UpdatedAsset, i);
      g_autoptr(AmapAsset) target = NULL;
      gint64 id;

      id = _amap_store_lookup_uuid (self, amap_asset_get_uuid (updated->before), NULL, error);
      if (id < 0)
        return FALSE;
      if (id == 0)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                               _("An asset of this step is no longer on the map, so the "
                                 "step cannot be undone."));
          return FALSE;
        }

      if (undo)
        {
          g_clear_object (&updated->after);
          if (!(updated->after = _amap_store_read_asset (self, id, NULL, error)))
            return FALSE;
          target = amap_asset_copy (updated->before);
        }
      else
        {
          if (updated->after == NULL)
            continue;
          target = amap_asset_copy (updated->after);
        }

      /* The values come back with their dates. */
      if (!_amap_store_write_asset (self, target, id, now, TRUE, error))
        return FALSE;
      if (undo && updated->was_deleted &&
          !_amap_store_set_deleted (self, id, TRUE, now, error))
        return FALSE;
    }

  return set_deleted_all (self, import->added, undo, now, error);
}

static void
import_change_emit (AmapStore       *self,
                    AmapStoreChange *change,
                    gboolean         undo)
{
  ImportChange *import = (ImportChange *) change;

  /* The after-state is in the file again: no need to hold it. */
  if (!undo)
    for (guint i = 0; i < import->updated->len; i++)
      g_clear_object (&g_array_index (import->updated, UpdatedAsset, i).after);

  g_signal_emit (self, amap_store_signals[RESET], 0);
}

static void
import_change_free (AmapStoreChange *change)
{
  ImportChange *import = (ImportChange *) change;

  g_ptr_array_unref (import->added);
  g_array_unref (import->updated);
  g_free (import);
}

static const AmapStoreChangeClass import_change_class = {
  import_change_apply,
  import_change_emit,
  import_change_free,
};

AmapStoreChange *
_amap_store_import_change_new (void)
{
  ImportChange *change = g_new0 (ImportChange, 1);

  change->parent.klass = &import_change_class;
  change->added = g_ptr_array_new_with_free_func (g_free);
  change->updated = g_array_new (FALSE, TRUE, sizeof (UpdatedAsset));
  g_array_set_clear_func (change->updated, updated_asset_clear);

  return &change->parent;
}

void
_amap_store_import_change_add (AmapStoreChange *change,
                               const char      *uuid)
{
  ImportChange *import = (ImportChange *) change;

  g_assert (change->klass == &import_change_class);
  g_ptr_array_add (import->added, g_strdup (uuid));
}

void
_amap_store_import_change_update (AmapStoreChange *change,
                                  AmapAsset       *before,
                                  gboolean         was_deleted)
{
  ImportChange *import = (ImportChange *) change;
  UpdatedAsset updated = { g_object_ref (before), NULL, was_deleted };

  g_assert (change->klass == &import_change_class);
  g_array_append_val (import->updated, updated);
}

guint
_amap_store_import_change_get_n_assets (AmapStoreChange *change)
{
  ImportChange *import = (ImportChange *) change;

  g_assert (change->klass == &import_change_class);
  return import->added->len + import->updated->len;
}

/* Many assets deleted at once: their rows stay (soft delete), so the
 * uuids are all the step needs. */
typedef struct
{
  AmapStoreChange  parent;
  GPtrArray       *uuids;
} DeleteChange;

/* Beyond this many, one "reset" says it more cheaply than one signal per
 * asset. */
#define MAX_SIGNALS_PER_STEP 256

static gboolean
delete_change_apply (AmapStore        *self,
                     AmapStoreChange  *change,
                     gboolean          undo,
                     GError          **error)
{
  DeleteChange *delete = (DeleteChange *) change;

  return set_deleted_all (self, delete->uuids, !undo, _amap_store_now_seconds (), error);
}

static void
delete_change_emit (AmapStore       *self,
                    AmapStoreChange *change,
                    gboolean         undo)
{
  DeleteChange *delete = (DeleteChange *) change;

  if (delete->uuids->len > MAX_SIGNALS_PER_STEP)
    {
      g_signal_emit (self, amap_store_signals[RESET], 0);
      return;
    }

  for (guint i = 0; i < delete->uuids->len; i++)
    {
      const char *uuid = g_ptr_array_index (delete->uuids, i);

      if (!undo)
        g_signal_emit (self, amap_store_signals[ASSET_REMOVED], 0, uuid);
      else
        {
          gint64 id = _amap_store_lookup_uuid (self, uuid, NULL, NULL);

          if (id > 0)
            _amap_store_emit_asset (self, ASSET_ADDED, id);
        }
    }
}

static void
delete_change_free (AmapStoreChange *change)
{
  DeleteChange *delete = (DeleteChange *) change;

  g_ptr_array_unref (delete->uuids);
  g_free (delete);
}

static const AmapStoreChangeClass delete_change_class = {
  delete_change_apply,
  delete_change_emit,
  delete_change_free,
};

AmapStoreChange *
_amap_store_delete_change_new (GPtrArray *uuids)
{
  DeleteChange *change = g_new0 (DeleteChange, 1);

  change->parent.klass = &delete_change_class;
  change->uuids = uuids;

  return &change->parent;
}

/* Steps across stores */

AmapStoreStep *
amap_store_take_last_step (AmapStore *self)
{
  AmapStoreStep *step;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (self->undo_stack->len == 0)
    return NULL;

  step = g_ptr_array_steal_index (self->undo_stack, self->undo_stack->len - 1);
  _amap_store_update_undo_state (self);
  return step;
}

gconstpointer
amap_store_peek_last_step (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (self->undo_stack->len == 0)
    return NULL;
  return g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
}

/**
 * amap_store_join_last_steps:
 *
 * Makes the newest two steps of the undo history one, with the labels of
 * the older: an import that went on to add the file's tours is still one
 * step for the person who imported it. Does nothing with fewer than two.
 */
void
amap_store_join_last_steps (AmapStore *self)
{
  AmapStoreStep *older;
  AmapStoreStep *newer;

  g_return_if_fail (AMAP_IS_STORE (self));

  if (self->undo_stack->len < 2)
    return;

  newer = g_ptr_array_steal_index (self->undo_stack, self->undo_stack->len - 1);
  older = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
  g_ptr_array_extend_and_steal (older->changes, g_steal_pointer (&newer->changes));
  newer->changes = g_ptr_array_new ();
  _amap_store_step_free (newer);
  _amap_store_update_undo_state (self);
}

/**
 * amap_store_relabel_last_step:
 *
 * Names the newest undo step anew: steps joined into one for a change
 * made of many ("Undo Locate from Address (12 Assets)").
 */
void
amap_store_relabel_last_step (AmapStore  *self,
                              const char *undo_label,
                              const char *redo_label)
{
  AmapStoreStep *step;

  g_return_if_fail (AMAP_IS_STORE (self));
  g_return_if_fail (undo_label != NULL && redo_label != NULL);

  if (self->undo_stack->len == 0)
    return;

  step = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
  g_free (step->undo_label);
  step->undo_label = g_strdup (undo_label);
  g_free (step->redo_label);
  step->redo_label = g_strdup (redo_label);
  _amap_store_update_undo_state (self);
}

void
amap_store_step_free (AmapStoreStep *step)
{
  _amap_store_step_free (step);
}

/* Undo / redo */

gboolean
amap_store_get_can_undo (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return self->undo_stack->len > 0;
}

gboolean
amap_store_get_can_redo (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return self->redo_stack->len > 0;
}

const char *
amap_store_get_undo_label (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return self->undo_label;
}

const char *
amap_store_get_redo_label (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return self->redo_label;
}

/* Applies every change of @step in one transaction (backwards to undo),
 * then emits what changed. On error nothing changed. */
static gboolean
apply_step (AmapStore      *self,
            AmapStoreStep  *step,
            gboolean        undo,
            GError        **error)
{
  guint n = step->changes->len;

  if (!_amap_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      AmapStoreChange *change = g_ptr_array_index (step->changes, undo ? n - 1 - i : i);

      if (!change->klass->apply (self, change, undo, error))
        goto failed;
    }

  if (!_amap_store_touch_map (self, _amap_store_now_seconds (), error) ||
      !_amap_store_commit (self, error))
    goto failed;

  for (guint i = 0; i < n; i++)
    {
      AmapStoreChange *change = g_ptr_array_index (step->changes, undo ? n - 1 - i : i);

      change->klass->emit (self, change, undo);
    }

  return TRUE;

failed:
  _amap_store_rollback (self);
  return FALSE;
}

static gboolean
move_step (AmapStore  *self,
           GPtrArray  *from,
           GPtrArray  *to,
           gboolean    undo,
           GError    **error)
{
  AmapStoreStep *step;

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (from->len == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           undo ? _("There is nothing to undo.") : _("There is nothing to redo."));
      return FALSE;
    }

  step = g_ptr_array_index (from, from->len - 1);
  if (!apply_step (self, step, undo, error))
    return FALSE;

  g_ptr_array_add (to, g_ptr_array_steal_index (from, from->len - 1));
  _amap_store_update_undo_state (self);

  return TRUE;
}

gboolean
amap_store_undo (AmapStore  *self,
                 GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return move_step (self, self->undo_stack, self->redo_stack, TRUE, error);
}

gboolean
amap_store_redo (AmapStore  *self,
                 GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return move_step (self, self->redo_stack, self->undo_stack, FALSE, error);
}
