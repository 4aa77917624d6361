/* amap-store-categories.c: the map's categories
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

/* Categories */

gboolean
_amap_store_load_categories (AmapStore  *self,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) builtin = amap_category_list_builtin ();
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  stmt = _amap_store_prepare (self, "SELECT key, name, color, icon, builtin FROM categories "
                        "ORDER BY builtin DESC, position, key", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = _amap_store_column_text (stmt, 0);
      const char *name = _amap_store_column_text (stmt, 1);
      gboolean is_builtin = sqlite3_column_int (stmt, 4) != 0;

      /* Built-in names are stored in English and shown translated. */
      if (is_builtin)
        {
          for (guint i = 0; i < builtin->len; i++)
            {
              AmapCategory *category = g_ptr_array_index (builtin, i);

              if (g_strcmp0 (amap_category_get_key (category), key) == 0)
                name = amap_category_get_name (category);
            }
        }

      g_ptr_array_add (loaded, amap_category_new (key, name,
                                                  _amap_store_column_text (stmt, 2),
                                                  _amap_store_column_text (stmt, 3),
                                                  is_builtin));
    }

  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  /* Before the splice: its handlers may look categories up. */
  g_hash_table_remove_all (self->category_by_key);
  for (guint i = 0; i < loaded->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (loaded, i);

      g_hash_table_insert (self->category_by_key,
                           (gpointer) amap_category_get_key (category), category);
    }

  g_list_store_splice (self->categories, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->categories)),
                       loaded->pdata, loaded->len);
  return TRUE;
}

/* Categories */

/**
 * amap_store_get_categories:
 *
 * Returns: (transfer none): the map's categories, built-ins first
 */
GListModel *
amap_store_get_categories (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->categories);
}

/**
 * amap_store_lookup_category:
 *
 * Returns: (transfer none) (nullable): the category with @key, owned by
 *   the store's category model (valid until the categories change)
 */
AmapCategory *
amap_store_lookup_category (AmapStore  *self,
                            const char *key)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (key == NULL)
    return NULL;

  /* Every asset written is checked against its category: no walk over
   * the list model for each. */
  return g_hash_table_lookup (self->category_by_key, key);
}

/* A key for a user category: lowercase ASCII words joined by "-". */
static char *
make_category_key (AmapStore  *self,
                   const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  g_autofree char *lower = g_ascii_strdown (ascii, -1);
  GString *key = g_string_new (NULL);
  g_autofree char *base = NULL;

  for (const char *p = lower; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (key, *p);
      else if (key->len > 0 && key->str[key->len - 1] != '-')
        g_string_append_c (key, '-');
    }
  while (key->len > 0 && key->str[key->len - 1] == '-')
    g_string_truncate (key, key->len - 1);
  if (key->len == 0)
    g_string_append (key, "category");

  base = g_string_free (key, FALSE);

  for (guint i = 1; ; i++)
    {
      g_autofree char *candidate = i == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, i);
      if (amap_store_lookup_category (self, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
}

/* Undo steps of categories */

/* A category as a row holds it; the name is the stored one (English for
 * built-ins). */
typedef struct
{
  char    *key;
  char    *name;
  char    *color;
  char    *icon;
  gboolean builtin;
  gint64   position;
} CategoryRow;

static void
category_row_free (CategoryRow *row)
{
  if (row == NULL)
    return;
  g_free (row->key);
  g_free (row->name);
  g_free (row->color);
  g_free (row->icon);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CategoryRow, category_row_free)

static void
replace_str (char       **field,
             const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static CategoryRow *
category_row_copy (const CategoryRow *row)
{
  CategoryRow *copy;

  if (row == NULL)
    return NULL;
  copy = g_new0 (CategoryRow, 1);
  copy->key = g_strdup (row->key);
  copy->name = g_strdup (row->name);
  copy->color = g_strdup (row->color);
  copy->icon = g_strdup (row->icon);
  copy->builtin = row->builtin;
  copy->position = row->position;
  return copy;
}

/* The row of @key, or NULL with @error (NOT_FOUND when there is none). */
static CategoryRow *
read_category_row (AmapStore   *self,
                   const char  *key,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CategoryRow *row;
  int rc;

  stmt = _amap_store_prepare (self, "SELECT name, color, icon, builtin, position "
                                    "FROM categories WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  _amap_store_bind_text (stmt, 1, key);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                   _("The map has no category “%s”."), key ? key : "");
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  row = g_new0 (CategoryRow, 1);
  row->key = g_strdup (key);
  row->name = g_strdup (_amap_store_column_text (stmt, 0));
  row->color = g_strdup (_amap_store_column_text (stmt, 1));
  row->icon = g_strdup (_amap_store_column_text (stmt, 2));
  row->builtin = sqlite3_column_int (stmt, 3) != 0;
  row->position = sqlite3_column_int64 (stmt, 4);
  return row;
}

/* Writes @row (inserts it when @insert), or deletes the row of @key
 * when @row is NULL. */
static gboolean
write_category_row (AmapStore          *self,
                    const char         *key,
                    const CategoryRow  *row,
                    gboolean            insert,
                    GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (row == NULL)
    stmt = _amap_store_prepare (self, "DELETE FROM categories WHERE key = ?1", error);
  else if (insert)
    stmt = _amap_store_prepare (self, "INSERT INTO categories (key, name, color, icon, builtin, position) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  else
    stmt = _amap_store_prepare (self, "UPDATE categories SET name = ?2, color = ?3, icon = ?4 "
                                      "WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;

  _amap_store_bind_text (stmt, 1, key);
  if (row != NULL)
    {
      _amap_store_bind_text (stmt, 2, row->name);
      _amap_store_bind_text (stmt, 3, row->color);
      _amap_store_bind_text (stmt, 4, row->icon);
      if (insert)
        {
          sqlite3_bind_int (stmt, 5, row->builtin ? 1 : 0);
          sqlite3_bind_int64 (stmt, 6, row->position);
        }
    }

  return _amap_store_step_done (self, stmt, error);
}

/* A category added (@before NULL), edited, or removed (@after NULL). */
typedef struct
{
  AmapStoreChange  parent;
  char            *key;
  CategoryRow     *before;
  CategoryRow     *after;
} CategoryChange;

static gboolean
category_change_apply (AmapStore        *self,
                       AmapStoreChange  *change,
                       gboolean          undo,
                       GError          **error)
{
  CategoryChange *category_change = (CategoryChange *) change;
  CategoryRow *from = undo ? category_change->after : category_change->before;
  CategoryRow *to = undo ? category_change->before : category_change->after;

  return write_category_row (self, category_change->key, to, from == NULL, error);
}

static void
category_change_emit (AmapStore       *self,
                      AmapStoreChange *change,
                      gboolean         undo)
{
  _amap_store_load_categories (self, NULL);
  g_signal_emit (self, amap_store_signals[CATEGORIES_CHANGED], 0);
}

static void
category_change_free (AmapStoreChange *change)
{
  CategoryChange *category_change = (CategoryChange *) change;

  g_free (category_change->key);
  category_row_free (category_change->before);
  category_row_free (category_change->after);
  g_free (category_change);
}

static const AmapStoreChangeClass category_change_class = {
  category_change_apply,
  category_change_emit,
  category_change_free,
};

static AmapStoreChange *
category_change_new (const char        *key,
                     const CategoryRow *before,
                     const CategoryRow *after)
{
  CategoryChange *change = g_new0 (CategoryChange, 1);

  change->parent.klass = &category_change_class;
  change->key = g_strdup (key);
  change->before = category_row_copy (before);
  change->after = category_row_copy (after);
  return &change->parent;
}

/* Assets (deleted ones too) moved from one category to another. */
typedef struct
{
  AmapStoreChange  parent;
  char            *from_key;
  char            *to_key;
  GPtrArray       *uuids;
} RecategorizeChange;

/* Beyond this many, one "reset" says it more cheaply than one signal per
 * asset. */
#define MAX_SIGNALS_PER_STEP 256

static gboolean
recategorize_change_apply (AmapStore        *self,
                           AmapStoreChange  *change,
                           gboolean          undo,
                           GError          **error)
{
  RecategorizeChange *move = (RecategorizeChange *) change;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = _amap_store_now_seconds ();

  stmt = _amap_store_prepare (self, "UPDATE assets SET category = ?2, modified = ?3 "
                                    "WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < move->uuids->len; i++)
    {
      sqlite3_reset (stmt);
      _amap_store_bind_text (stmt, 1, g_ptr_array_index (move->uuids, i));
      _amap_store_bind_text (stmt, 2, undo ? move->from_key : move->to_key);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static void
recategorize_change_emit (AmapStore       *self,
                          AmapStoreChange *change,
                          gboolean         undo)
{
  RecategorizeChange *move = (RecategorizeChange *) change;

  if (move->uuids->len > MAX_SIGNALS_PER_STEP)
    {
      g_signal_emit (self, amap_store_signals[RESET], 0);
      return;
    }

  for (guint i = 0; i < move->uuids->len; i++)
    {
      gboolean deleted = FALSE;
      gint64 id = _amap_store_lookup_uuid (self, g_ptr_array_index (move->uuids, i), &deleted, NULL);

      if (id > 0 && !deleted)
        _amap_store_emit_asset (self, ASSET_UPDATED, id);
    }
}

static void
recategorize_change_free (AmapStoreChange *change)
{
  RecategorizeChange *move = (RecategorizeChange *) change;

  g_free (move->from_key);
  g_free (move->to_key);
  g_ptr_array_unref (move->uuids);
  g_free (move);
}

static const AmapStoreChangeClass recategorize_change_class = {
  recategorize_change_apply,
  recategorize_change_emit,
  recategorize_change_free,
};

static gboolean
check_name_and_color (const char  *name,
                      const char  *color,
                      GError     **error)
{
  if (name != NULL && *name == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The category has no name. Type a name, then try again."));
      return FALSE;
    }

  if (!amap_color_is_valid (color))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is not a color. Pick a color for the category."),
                   color ? color : "");
      return FALSE;
    }

  return TRUE;
}

/**
 * amap_store_add_category:
 *
 * Adds a user category, as one undo step.
 *
 * Returns: (transfer full): the new category
 */
AmapCategory *
amap_store_add_category (AmapStore   *self,
                         const char  *name,
                         const char  *color,
                         const char  *icon_name,
                         GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  gint64 position = 0;
  CategoryRow row = { 0 };
  AmapStoreStep *step;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name ? name : ""));
  if (!check_name_and_color (trimmed, color, error))
    return NULL;

  if (icon_name == NULL || *icon_name == '\0')
    icon_name = "mark-location-symbolic";

  if (!_amap_store_check_writable (self, error))
    return NULL;

  if (!_amap_store_query_int (self, "SELECT coalesce (max (position), 0) + 1 FROM categories",
                              &position, error))
    return NULL;

  key = make_category_key (self, trimmed);
  row.key = key;
  row.name = trimmed;
  row.color = (char *) color;
  row.icon = (char *) icon_name;
  row.position = position;

  step = _amap_store_step_new (g_strdup_printf (_("Undo Add Category “%s”"), trimmed),
                               g_strdup_printf (_("Redo Add Category “%s”"), trimmed));
  _amap_store_step_add_change (step, category_change_new (key, NULL, &row));
  if (!_amap_store_run_step (self, step, error))
    return NULL;

  return g_object_ref (amap_store_lookup_category (self, key));
}

/**
 * amap_store_update_category:
 *
 * Renames, recolors or changes the icon of a category, as one undo step.
 * A built-in category keeps its (translated) name: @name must be NULL or
 * its current name.
 */
gboolean
amap_store_update_category (AmapStore   *self,
                            const char  *key,
                            const char  *name,
                            const char  *color,
                            const char  *icon_name,
                            GError     **error)
{
  AmapCategory *category;
  g_autoptr(CategoryRow) before = NULL;
  g_autoptr(CategoryRow) after = NULL;
  g_autofree char *trimmed = NULL;
  const char *shown_name;
  AmapStoreStep *step;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  category = amap_store_lookup_category (self, key);
  if (category == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                   _("The map has no category “%s”."), key ? key : "");
      return FALSE;
    }

  if (name != NULL)
    trimmed = g_strstrip (g_strdup (name));
  if (!check_name_and_color (trimmed, color != NULL ? color : amap_category_get_color (category), error))
    return FALSE;

  if (amap_category_get_builtin (category) && trimmed != NULL &&
      g_strcmp0 (trimmed, amap_category_get_name (category)) != 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is one of the built-in categories, which keep their names. "
                     "Add a category of your own to use another name."),
                   amap_category_get_name (category));
      return FALSE;
    }

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (!(before = read_category_row (self, key, error)))
    return FALSE;

  after = category_row_copy (before);
  if (trimmed != NULL && !before->builtin)
    replace_str (&after->name, trimmed);
  if (color != NULL)
    replace_str (&after->color, color);
  if (icon_name != NULL && *icon_name != '\0')
    replace_str (&after->icon, icon_name);

  if (g_strcmp0 (after->name, before->name) == 0 &&
      g_ascii_strcasecmp (after->color, before->color) == 0 &&
      g_strcmp0 (after->icon, before->icon) == 0)
    return TRUE;

  shown_name = amap_category_get_name (category);
  step = _amap_store_step_new (g_strdup_printf (_("Undo Edit Category “%s”"), shown_name),
                               g_strdup_printf (_("Redo Edit Category “%s”"), shown_name));
  _amap_store_step_add_change (step, category_change_new (key, before, after));
  return _amap_store_run_step (self, step, error);
}

/**
 * amap_store_delete_category:
 * @move_to: the key of the category its assets move to
 *
 * Removes a user category, as one undo step: its assets (deleted ones
 * too, so that undoing their delete brings them back into a category
 * that exists) move to @move_to. Built-in categories cannot be removed.
 */
gboolean
amap_store_delete_category (AmapStore   *self,
                            const char  *key,
                            const char  *move_to,
                            GError     **error)
{
  AmapCategory *category;
  g_autoptr(CategoryRow) before = NULL;
  g_autoptr(sqlite3_stmt) select = NULL;
  RecategorizeChange *move;
  AmapStoreStep *step;
  int rc;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  category = amap_store_lookup_category (self, key);
  if (category == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                   _("The map has no category “%s”."), key ? key : "");
      return FALSE;
    }

  if (amap_category_get_builtin (category))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is one of the built-in categories, which cannot be removed."),
                   amap_category_get_name (category));
      return FALSE;
    }

  if (move_to == NULL || g_strcmp0 (move_to, key) == 0 ||
      amap_store_lookup_category (self, move_to) == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("Choose another category for the assets of “%s”."),
                   amap_category_get_name (category));
      return FALSE;
    }

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (!(before = read_category_row (self, key, error)))
    return FALSE;

  select = _amap_store_prepare (self, "SELECT uuid FROM assets WHERE category = ?1 ORDER BY id", error);
  if (select == NULL)
    return FALSE;
  _amap_store_bind_text (select, 1, key);

  move = g_new0 (RecategorizeChange, 1);
  move->parent.klass = &recategorize_change_class;
  move->from_key = g_strdup (key);
  move->to_key = g_strdup (move_to);
  move->uuids = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    g_ptr_array_add (move->uuids, g_strdup (_amap_store_column_text (select, 0)));
  if (rc != SQLITE_DONE)
    {
      recategorize_change_free (&move->parent);
      return _amap_store_set_sqlite_error (self, rc, error);
    }

  step = _amap_store_step_new (g_strdup_printf (_("Undo Delete Category “%s”"),
                                                amap_category_get_name (category)),
                               g_strdup_printf (_("Redo Delete Category “%s”"),
                                                amap_category_get_name (category)));
  /* The assets move first, so that undo finds their category back
   * before it moves them into it. */
  _amap_store_step_add_change (step, &move->parent);
  _amap_store_step_add_change (step, category_change_new (key, before, NULL));
  return _amap_store_run_step (self, step, error);
}

/**
 * amap_store_remove_category:
 *
 * Removes a user category. Its assets move to "Other". Built-in categories
 * cannot be removed. One undo step.
 */
gboolean
amap_store_remove_category (AmapStore   *self,
                            const char  *key,
                            GError     **error)
{
  return amap_store_delete_category (self, key, AMAP_CATEGORY_OTHER, error);
}
