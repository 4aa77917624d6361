/* amap-store-tours.c: tours and their stops
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

/* Tours */

static gboolean
check_tour_name (const char  *name,
                 GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The tour has no name. Type a name, then try again."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_tour_changed (AmapStore  *self,
                    GError    **error)
{
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map."));
      return FALSE;
    }

  return TRUE;
}

/**
 * amap_store_add_tour:
 * @start_time: (nullable): when the tour starts, as the tour planner
 *   writes it
 *
 * Returns: the new tour's id, 0 on error
 */
gint64
amap_store_add_tour (AmapStore   *self,
                     const char  *name,
                     const char  *start_time,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), 0);

  if (!check_tour_name (name, error) || !_amap_store_check_writable (self, error))
    return 0;

  if (!(stmt = _amap_store_prepare (self, "INSERT INTO tours (name, departure, created, modified) "
                              "VALUES (?1, ?2, ?3, ?3)", error)))
    return 0;

  _amap_store_bind_text (stmt, 1, name);
  _amap_store_bind_text (stmt, 2, start_time && *start_time ? start_time : NULL);
  sqlite3_bind_int64 (stmt, 3, _amap_store_now_seconds ());
  if (!_amap_store_step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

gboolean
amap_store_rename_tour (AmapStore   *self,
                        gint64       tour_id,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!check_tour_name (name, error) || !_amap_store_check_writable (self, error))
    return FALSE;

  if (!(stmt = _amap_store_prepare (self, "UPDATE tours SET name = ?2 WHERE id = ?1", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, tour_id);
  _amap_store_bind_text (stmt, 2, name);

  return _amap_store_step_done (self, stmt, error) && check_tour_changed (self, error);
}

gboolean
amap_store_delete_tour (AmapStore   *self,
                        gint64       tour_id,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (!(stmt = _amap_store_prepare (self, "DELETE FROM tours WHERE id = ?1", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, tour_id);

  return _amap_store_step_done (self, stmt, error) && check_tour_changed (self, error);
}

gboolean
amap_store_set_tour_stops (AmapStore          *self,
                           gint64              tour_id,
                           const char * const *uuids,
                           const int          *dwell_minutes,
                           const char * const *notes,
                           guint               n_stops,
                           GError            **error)
{
  g_autoptr(sqlite3_stmt) exists = NULL;
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (n_stops == 0 || uuids != NULL, FALSE);
  g_return_val_if_fail (n_stops == 0 || dwell_minutes != NULL, FALSE);

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  for (guint i = 0; i < n_stops; i++)
    {
      if (dwell_minutes[i] < 0)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("Stop %u of the tour has a negative time (%d minutes). "
                         "Enter how many minutes to stay, or 0."),
                       i + 1, dwell_minutes[i]);
          return FALSE;
        }
    }

  if (!(exists = _amap_store_prepare (self, "SELECT 1 FROM tours WHERE id = ?1", error)) ||
      !(clear = _amap_store_prepare (self, "DELETE FROM tour_stops WHERE tour_id = ?1", error)) ||
      !(insert = _amap_store_prepare (self, "INSERT INTO tour_stops (tour_id, position, asset_id, "
                                "dwell_minutes, note) VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    return FALSE;

  sqlite3_bind_int64 (exists, 1, tour_id);
  if (sqlite3_step (exists) != SQLITE_ROW)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map."));
      return FALSE;
    }
  sqlite3_reset (exists);

  if (!_amap_store_begin (self, error))
    return FALSE;

  sqlite3_bind_int64 (clear, 1, tour_id);
  if (!_amap_store_step_done (self, clear, error))
    goto failed;

  for (guint i = 0; i < n_stops; i++)
    {
      gint64 asset_id = _amap_store_lookup_live (self, uuids[i], error);

      if (asset_id == 0)
        goto failed;

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, tour_id);
      sqlite3_bind_int (insert, 2, (int) i);
      sqlite3_bind_int64 (insert, 3, asset_id);
      sqlite3_bind_int (insert, 4, dwell_minutes[i]);
      _amap_store_bind_text (insert, 5, notes != NULL && notes[i] != NULL && *notes[i] ? notes[i] : NULL);
      if (!_amap_store_step_done (self, insert, error))
        goto failed;
    }

  if (!_amap_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _amap_store_rollback (self);
  return FALSE;
}

/**
 * amap_store_get_tour_stops:
 *
 * Returns: (transfer full) (element-type utf8): the uuids of the tour's
 *   stops in order; stops at deleted assets are left out
 */
GPtrArray *
amap_store_get_tour_stops (AmapStore   *self,
                           gint64       tour_id,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) exists = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(exists = _amap_store_prepare (self, "SELECT 1 FROM tours WHERE id = ?1", error)))
    return NULL;

  sqlite3_bind_int64 (exists, 1, tour_id);
  if (sqlite3_step (exists) != SQLITE_ROW)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map."));
      return NULL;
    }

  if (!(stmt = _amap_store_prepare (self,
                        "SELECT a.uuid FROM tour_stops s JOIN assets a ON a.id = s.asset_id "
                        "WHERE s.tour_id = ?1 AND a.deleted = 0 ORDER BY s.position",
                        error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, tour_id);

  return _amap_store_collect_strings (self, stmt, error);
}

