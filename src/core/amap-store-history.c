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
