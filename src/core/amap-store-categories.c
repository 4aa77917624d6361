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
  GListModel *model;
  guint n;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (key == NULL)
    return NULL;

  model = G_LIST_MODEL (self->categories);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      /* The list store keeps its own reference. */
      g_autoptr(AmapCategory) category = g_list_model_get_item (model, i);

      if (g_strcmp0 (amap_category_get_key (category), key) == 0)
        return category;
    }

  return NULL;
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

/**
 * amap_store_add_category:
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name ? name : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The category has no name. Type a name, then try again."));
      return NULL;
    }

  if (!amap_color_is_valid (color))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is not a color. Pick a color for the category."),
                   color ? color : "");
      return NULL;
    }

  if (icon_name == NULL || *icon_name == '\0')
    icon_name = "mark-location-symbolic";

  if (!_amap_store_check_writable (self, error))
    return NULL;

  key = make_category_key (self, trimmed);

  stmt = _amap_store_prepare (self, "INSERT INTO categories (key, name, color, icon, builtin, position) "
                        "VALUES (?1, ?2, ?3, ?4, 0, "
                        "(SELECT coalesce (max (position), 0) + 1 FROM categories))", error);
  if (stmt == NULL)
    return NULL;

  _amap_store_bind_text (stmt, 1, key);
  _amap_store_bind_text (stmt, 2, trimmed);
  _amap_store_bind_text (stmt, 3, color);
  _amap_store_bind_text (stmt, 4, icon_name);
  if (!_amap_store_step_done (self, stmt, error) || !_amap_store_load_categories (self, error))
    return NULL;

  g_signal_emit (self, amap_store_signals[CATEGORIES_CHANGED], 0);

  return g_object_ref (amap_store_lookup_category (self, key));
}

/**
 * amap_store_remove_category:
 *
 * Removes a user category. Its assets move to "Other". Built-in categories
 * cannot be removed.
 */
gboolean
amap_store_remove_category (AmapStore   *self,
                            const char  *key,
                            GError     **error)
{
  AmapCategory *category;
  g_autoptr(sqlite3_stmt) move = NULL;
  g_autoptr(sqlite3_stmt) remove = NULL;
  gboolean moved_live = FALSE;

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

  if (!_amap_store_check_writable (self, error) || !_amap_store_begin (self, error))
    return FALSE;

  if (!(move = _amap_store_prepare (self, "UPDATE assets SET category = ?2, modified = ?3 "
                              "WHERE category = ?1", error)) ||
      !(remove = _amap_store_prepare (self, "DELETE FROM categories WHERE key = ?1", error)))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  _amap_store_bind_text (move, 1, key);
  _amap_store_bind_text (move, 2, AMAP_CATEGORY_OTHER);
  sqlite3_bind_int64 (move, 3, _amap_store_now_seconds ());
  _amap_store_bind_text (remove, 1, key);

  if (!_amap_store_step_done (self, move, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }
  moved_live = sqlite3_changes (self->db) > 0;

  if (!_amap_store_step_done (self, remove, error) || !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  _amap_store_load_categories (self, NULL);
  g_signal_emit (self, amap_store_signals[CATEGORIES_CHANGED], 0);

  /* The assets of that category changed; undo steps that would write the
   * old category back cannot be replayed. */
  if (moved_live)
    {
      _amap_store_clear_history (self);
      g_signal_emit (self, amap_store_signals[RESET], 0);
    }

  return TRUE;
}

