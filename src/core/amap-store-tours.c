/* amap-store-tours.c: tours, their stops, and the road legs a routing
 * server returned
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-route.h"
#include "amap-store.h"
#include "amap-store-private.h"
#include "amap-tour.h"

/*
 * A tour is read two ways. What callers get (amap_store_get_tour() and
 * the others) leaves out the stops at deleted assets. The history and
 * the writes work on the whole tour, those stops included ("raw"), so
 * that an edit of a tour, its undo or a copy never drops the stop of an
 * asset the user may still restore.
 */

#define SELECT_TOUR \
  "SELECT id, name, departure, departure_zone, latest_return, latest_return_zone, " \
  "speed_kmh, n_buses, start_kind, start_uuid, start_lat, start_lon, " \
  "end_kind, end_uuid, end_lat, end_lon, created, modified FROM tours "

enum {
  TOUR_COL_ID,
  TOUR_COL_NAME,
  TOUR_COL_DEPARTURE,
  TOUR_COL_DEPARTURE_ZONE,
  TOUR_COL_LATEST_RETURN,
  TOUR_COL_LATEST_RETURN_ZONE,
  TOUR_COL_SPEED_KMH,
  TOUR_COL_N_BUSES,
  TOUR_COL_START_KIND,
  TOUR_COL_START_UUID,
  TOUR_COL_START_LAT,
  TOUR_COL_START_LON,
  TOUR_COL_END_KIND,
  TOUR_COL_END_UUID,
  TOUR_COL_END_LAT,
  TOUR_COL_END_LON,
  TOUR_COL_CREATED,
  TOUR_COL_MODIFIED,
};

#define SELECT_STOPS \
  "SELECT s.tour_id, a.uuid, a.deleted, s.bus, s.dwell_minutes, s.note " \
  "FROM tour_stops s JOIN assets a ON a.id = s.asset_id "

/* Places */

static const char * const place_kinds[] = {
  [AMAP_TOUR_PLACE_HOME] = "home",
  [AMAP_TOUR_PLACE_ASSET] = "asset",
  [AMAP_TOUR_PLACE_POINT] = "point",
  [AMAP_TOUR_PLACE_START] = "start",
};

static AmapTourPlaceKind
place_kind_from_string (const char        *text,
                        AmapTourPlaceKind  fallback)
{
  for (guint i = 0; i < G_N_ELEMENTS (place_kinds); i++)
    if (g_strcmp0 (text, place_kinds[i]) == 0)
      return i;

  return fallback;
}

static gboolean
place_equal (AmapTourPlaceKind  kind_a,
             const char        *uuid_a,
             double             latitude_a,
             double             longitude_a,
             AmapTourPlaceKind  kind_b,
             const char        *uuid_b,
             double             latitude_b,
             double             longitude_b)
{
  if (kind_a != kind_b)
    return FALSE;
  if (kind_a == AMAP_TOUR_PLACE_ASSET)
    return g_strcmp0 (uuid_a, uuid_b) == 0;
  if (kind_a == AMAP_TOUR_PLACE_POINT)
    return latitude_a == latitude_b && longitude_a == longitude_b;
  return TRUE;
}

/* Times: the wall clock and the zone (see schema_v2 in amap-store.c) */

static void
format_wall_clock (GDateTime  *time,
                   char      **text,
                   const char **zone)
{
  *text = NULL;
  *zone = NULL;

  if (time == NULL)
    return;

  *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  *zone = g_time_zone_get_identifier (g_date_time_get_timezone (time));
}

/* NULL when @text is not a time we wrote (a v1 tour's free text). A zone
 * this computer does not know falls back to its own. */
static GDateTime *
parse_wall_clock (const char *text,
                  const char *zone)
{
  g_autoptr(GTimeZone) tz = NULL;
  int year, month, day, hour, minute, second;
  char end;

  if (text == NULL ||
      sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d%c",
              &year, &month, &day, &hour, &minute, &second, &end) != 6)
    return NULL;

  if (zone != NULL)
    tz = g_time_zone_new_identifier (zone);
  if (tz == NULL)
    tz = g_time_zone_new_local ();

  return g_date_time_new (tz, year, month, day, hour, minute, second);
}

/* Reading */

static AmapTour *
tour_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(AmapTour) tour = amap_tour_new (_amap_store_column_text (stmt, TOUR_COL_NAME));
  g_autoptr(GDateTime) departure = NULL;
  g_autoptr(GDateTime) latest_return = NULL;
  gint64 n_buses = sqlite3_column_int64 (stmt, TOUR_COL_N_BUSES);
  double speed = _amap_store_column_double (stmt, TOUR_COL_SPEED_KMH);
  AmapTourPlaceKind kind;

  amap_tour_set_id (tour, sqlite3_column_int64 (stmt, TOUR_COL_ID));

  departure = parse_wall_clock (_amap_store_column_text (stmt, TOUR_COL_DEPARTURE),
                                _amap_store_column_text (stmt, TOUR_COL_DEPARTURE_ZONE));
  latest_return = parse_wall_clock (_amap_store_column_text (stmt, TOUR_COL_LATEST_RETURN),
                                    _amap_store_column_text (stmt, TOUR_COL_LATEST_RETURN_ZONE));
  amap_tour_set_departure (tour, departure);
  amap_tour_set_latest_return (tour, latest_return);

  /* A file someone else edited must not trip the tour's own checks. */
  if (isfinite (speed) && speed > 0)
    amap_tour_set_speed_kmh (tour, speed);
  amap_tour_set_n_buses (tour, CLAMP (n_buses, 1, AMAP_TOUR_MAX_BUSES));

  kind = place_kind_from_string (_amap_store_column_text (stmt, TOUR_COL_START_KIND),
                                 AMAP_TOUR_PLACE_HOME);
  if (kind == AMAP_TOUR_PLACE_START)
    kind = AMAP_TOUR_PLACE_HOME;
  amap_tour_set_start (tour, kind,
                       _amap_store_column_text (stmt, TOUR_COL_START_UUID),
                       _amap_store_column_double (stmt, TOUR_COL_START_LAT),
                       _amap_store_column_double (stmt, TOUR_COL_START_LON));

  kind = place_kind_from_string (_amap_store_column_text (stmt, TOUR_COL_END_KIND),
                                 AMAP_TOUR_PLACE_START);
  amap_tour_set_end (tour, kind,
                     _amap_store_column_text (stmt, TOUR_COL_END_UUID),
                     _amap_store_column_double (stmt, TOUR_COL_END_LAT),
                     _amap_store_column_double (stmt, TOUR_COL_END_LON));

  amap_tour_set_created (tour, sqlite3_column_int64 (stmt, TOUR_COL_CREATED));
  amap_tour_set_modified (tour, sqlite3_column_int64 (stmt, TOUR_COL_MODIFIED));

  return g_steal_pointer (&tour);
}

/* The tours (all when @id is 0), with their stops in order; the stops at
 * deleted assets too when @with_hidden. Ordered by id. */
static GPtrArray *
read_tours (AmapStore  *self,
            gint64      id,
            gboolean    with_hidden,
            GError    **error)
{
  g_autoptr(GPtrArray) tours = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = _amap_store_prepare (self, id != 0 ? SELECT_TOUR "WHERE id = ?1"
                                                  : SELECT_TOUR "ORDER BY id", error)))
    return NULL;
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AmapTour *tour = tour_from_row (stmt);
      gint64 *key = g_new (gint64, 1);

      *key = amap_tour_get_id (tour);
      g_hash_table_insert (by_id, key, tour);
      g_ptr_array_add (tours, tour);
    }
  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!(stmt = _amap_store_prepare (self, id != 0 ? SELECT_STOPS "WHERE s.tour_id = ?1 ORDER BY s.position"
                                                  : SELECT_STOPS "ORDER BY s.tour_id, s.position",
                                    error)))
    return NULL;
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 tour_id = sqlite3_column_int64 (stmt, 0);
      AmapTour *tour = g_hash_table_lookup (by_id, &tour_id);
      g_autoptr(AmapTourStop) stop = NULL;
      gint64 bus = sqlite3_column_int64 (stmt, 3);

      if (tour == NULL || (!with_hidden && sqlite3_column_int (stmt, 2) != 0))
        continue;

      /* A file edited by hand must not trip the stop's own checks. */
      stop = amap_tour_stop_new (_amap_store_column_text (stmt, 1));
      amap_tour_stop_set_bus (stop, CLAMP (bus, 0, (gint64) amap_tour_get_n_buses (tour) - 1));
      amap_tour_stop_set_dwell_minutes (stop, MAX (sqlite3_column_int (stmt, 4), 0));
      amap_tour_stop_set_note (stop, _amap_store_column_text (stmt, 5));
      amap_tour_insert_stop (tour, amap_tour_get_n_stops (tour), stop);
    }
  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&tours);
}

static AmapTour *
read_tour (AmapStore  *self,
           gint64      id,
           gboolean    with_hidden,
           GError    **error)
{
  g_autoptr(GPtrArray) tours = NULL;

  if (id <= 0)
    tours = g_ptr_array_new ();
  else if (!(tours = read_tours (self, id, with_hidden, error)))
    return NULL;

  if (tours->len == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map. It may have been "
                             "deleted in another window."));
      return NULL;
    }

  return g_object_ref (g_ptr_array_index (tours, 0));
}

/* Validating */

/* The row of a stop's asset; 0 with an error when the asset is gone
 * (or, when @live, only deleted). */
static gint64
lookup_stop_asset (AmapStore   *self,
                   AmapTour    *tour,
                   guint        index,
                   gboolean     live,
                   GError     **error)
{
  AmapTourStop *stop = amap_tour_get_stop (tour, index);
  gboolean deleted = FALSE;
  gint64 asset_id;

  asset_id = _amap_store_lookup_uuid (self, amap_tour_stop_get_asset_uuid (stop), &deleted, error);
  if (asset_id < 0)
    return 0;

  if (asset_id == 0 || (live && deleted))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                   _("Stop %u of the tour “%s” is at an asset that is no longer on the map. "
                     "Remove the stop, then save the tour again."),
                   index + 1, amap_tour_get_name (tour));
      return 0;
    }

  return asset_id;
}

static gboolean
check_place_asset (AmapStore   *self,
                   AmapTour    *tour,
                   gboolean     is_start,
                   GError     **error)
{
  const char *uuid = NULL;
  AmapTourPlaceKind kind = is_start ? amap_tour_get_start (tour, &uuid, NULL, NULL)
                                    : amap_tour_get_end (tour, &uuid, NULL, NULL);
  gboolean deleted = FALSE;
  gint64 id;

  if (kind != AMAP_TOUR_PLACE_ASSET)
    return TRUE;

  id = _amap_store_lookup_uuid (self, uuid, &deleted, error);
  if (id < 0)
    return FALSE;

  if (id == 0 || deleted)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                   is_start
                   ? _("The tour “%s” starts at an asset that is no longer on the map. "
                       "Choose where it starts.")
                   : _("The tour “%s” ends at an asset that is no longer on the map. "
                       "Choose where it ends."),
                   amap_tour_get_name (tour));
      return FALSE;
    }

  return TRUE;
}

static gboolean
place_unchanged (AmapTour *tour,
                 AmapTour *stored,
                 gboolean  is_start)
{
  const char *uuid = NULL, *stored_uuid = NULL;
  double latitude, longitude, stored_latitude, stored_longitude;
  AmapTourPlaceKind kind, stored_kind;

  if (stored == NULL)
    return FALSE;

  if (is_start)
    {
      kind = amap_tour_get_start (tour, &uuid, &latitude, &longitude);
      stored_kind = amap_tour_get_start (stored, &stored_uuid, &stored_latitude, &stored_longitude);
    }
  else
    {
      kind = amap_tour_get_end (tour, &uuid, &latitude, &longitude);
      stored_kind = amap_tour_get_end (stored, &stored_uuid, &stored_latitude, &stored_longitude);
    }

  return place_equal (kind, uuid, latitude, longitude,
                      stored_kind, stored_uuid, stored_latitude, stored_longitude);
}

/* What the store checks before a write of @tour: the tour's own rules,
 * that each stop is at a live asset, and that an asset it starts or ends
 * at is live, unless @stored starts (ends) there already: a tour whose
 * start was deleted can still be renamed. */
static gboolean
validate_tour (AmapStore  *self,
               AmapTour   *tour,
               AmapTour   *stored,
               GError    **error)
{
  if (!amap_tour_validate (tour, error))
    return FALSE;

  for (guint i = 0; i < amap_tour_get_n_stops (tour); i++)
    if (lookup_stop_asset (self, tour, i, TRUE, error) == 0)
      return FALSE;

  if (!place_unchanged (tour, stored, TRUE) && !check_place_asset (self, tour, TRUE, error))
    return FALSE;

  if (!place_unchanged (tour, stored, FALSE) && !check_place_asset (self, tour, FALSE, error))
    return FALSE;

  return TRUE;
}

/* Writing */

/* Inserts (@insert) or updates the row of @tour, not its stops. An
 * inserted tour with id 0 gets its new id. */
static gboolean
write_tour_row (AmapStore  *self,
                AmapTour   *tour,
                gboolean    insert,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *departure = NULL;
  g_autofree char *latest_return = NULL;
  const char *departure_zone;
  const char *latest_return_zone;
  const char *start_uuid = NULL, *end_uuid = NULL;
  double start_latitude, start_longitude, end_latitude, end_longitude;
  AmapTourPlaceKind start_kind, end_kind;

  if (insert)
    stmt = _amap_store_prepare (self,
                                "INSERT INTO tours (id, name, departure, departure_zone, "
                                "latest_return, latest_return_zone, speed_kmh, n_buses, "
                                "start_kind, start_uuid, start_lat, start_lon, "
                                "end_kind, end_uuid, end_lat, end_lon, created, modified) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                "?13, ?14, ?15, ?16, ?17, ?18)",
                                error);
  else
    stmt = _amap_store_prepare (self,
                                "UPDATE tours SET name = ?2, departure = ?3, departure_zone = ?4, "
                                "latest_return = ?5, latest_return_zone = ?6, speed_kmh = ?7, "
                                "n_buses = ?8, start_kind = ?9, start_uuid = ?10, start_lat = ?11, "
                                "start_lon = ?12, end_kind = ?13, end_uuid = ?14, end_lat = ?15, "
                                "end_lon = ?16, created = ?17, modified = ?18 WHERE id = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;

  format_wall_clock (amap_tour_get_departure (tour), &departure, &departure_zone);
  format_wall_clock (amap_tour_get_latest_return (tour), &latest_return, &latest_return_zone);
  start_kind = amap_tour_get_start (tour, &start_uuid, &start_latitude, &start_longitude);
  end_kind = amap_tour_get_end (tour, &end_uuid, &end_latitude, &end_longitude);

  if (amap_tour_get_id (tour) > 0)
    sqlite3_bind_int64 (stmt, 1, amap_tour_get_id (tour));
  else
    sqlite3_bind_null (stmt, 1);
  _amap_store_bind_text (stmt, 2, amap_tour_get_name (tour));
  _amap_store_bind_text (stmt, 3, departure);
  _amap_store_bind_text (stmt, 4, departure_zone);
  _amap_store_bind_text (stmt, 5, latest_return);
  _amap_store_bind_text (stmt, 6, latest_return_zone);
  sqlite3_bind_double (stmt, 7, amap_tour_get_speed_kmh (tour));
  sqlite3_bind_int (stmt, 8, (int) amap_tour_get_n_buses (tour));
  _amap_store_bind_text (stmt, 9, place_kinds[start_kind]);
  _amap_store_bind_text (stmt, 10, start_uuid);
  _amap_store_bind_double (stmt, 11, start_latitude);
  _amap_store_bind_double (stmt, 12, start_longitude);
  _amap_store_bind_text (stmt, 13, place_kinds[end_kind]);
  _amap_store_bind_text (stmt, 14, end_uuid);
  _amap_store_bind_double (stmt, 15, end_latitude);
  _amap_store_bind_double (stmt, 16, end_longitude);
  sqlite3_bind_int64 (stmt, 17, amap_tour_get_created (tour));
  sqlite3_bind_int64 (stmt, 18, amap_tour_get_modified (tour));

  if (!_amap_store_step_done (self, stmt, error))
    return FALSE;

  if (!insert && sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map. It may have been "
                             "deleted in another window."));
      return FALSE;
    }

  if (insert && amap_tour_get_id (tour) <= 0)
    amap_tour_set_id (tour, sqlite3_last_insert_rowid (self->db));

  return TRUE;
}

/* Replaces the stop rows of @tour with its stops. Each stop's asset must
 * exist; it must be live when @live. */
static gboolean
write_stops (AmapStore  *self,
             AmapTour   *tour,
             gboolean    live,
             GError    **error)
{
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;

  if (!(clear = _amap_store_prepare (self, "DELETE FROM tour_stops WHERE tour_id = ?1", error)) ||
      !(insert = _amap_store_prepare (self, "INSERT INTO tour_stops (tour_id, position, asset_id, "
                                      "bus, dwell_minutes, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                      error)))
    return FALSE;

  sqlite3_bind_int64 (clear, 1, amap_tour_get_id (tour));
  if (!_amap_store_step_done (self, clear, error))
    return FALSE;

  for (guint i = 0; i < amap_tour_get_n_stops (tour); i++)
    {
      AmapTourStop *stop = amap_tour_get_stop (tour, i);
      gint64 asset_id = lookup_stop_asset (self, tour, i, live, error);

      if (asset_id == 0)
        return FALSE;

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, amap_tour_get_id (tour));
      sqlite3_bind_int (insert, 2, (int) i);
      sqlite3_bind_int64 (insert, 3, asset_id);
      sqlite3_bind_int (insert, 4, (int) amap_tour_stop_get_bus (stop));
      sqlite3_bind_int (insert, 5, amap_tour_stop_get_dwell_minutes (stop));
      _amap_store_bind_text (insert, 6, amap_tour_stop_get_note (stop));
      if (!_amap_store_step_done (self, insert, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
delete_tour_row (AmapStore  *self,
                 gint64      id,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stops = NULL;
  g_autoptr(sqlite3_stmt) tour = NULL;

  if (!(stops = _amap_store_prepare (self, "DELETE FROM tour_stops WHERE tour_id = ?1", error)) ||
      !(tour = _amap_store_prepare (self, "DELETE FROM tours WHERE id = ?1", error)))
    return FALSE;

  sqlite3_bind_int64 (stops, 1, id);
  sqlite3_bind_int64 (tour, 1, id);

  return _amap_store_step_done (self, stops, error) && _amap_store_step_done (self, tour, error);
}

/* Writes the whole of @tour (row and stops) exactly, in the open
 * transaction: inserted when @insert, else over the stored tour. */
static gboolean
write_raw_tour (AmapStore  *self,
                AmapTour   *tour,
                gboolean    insert,
                GError    **error)
{
  return write_tour_row (self, tour, insert, error) &&
         write_stops (self, tour, FALSE, error);
}

/* A whole tour (as write_raw_tour() takes it): @tour's stops, with the
 * stops of @stored at deleted assets put back where they were, after as
 * many of the other stops as they had before them. */
static AmapTour *
merge_hidden_stops (AmapStore *self,
                    AmapTour  *tour,
                    AmapTour  *stored)
{
  g_autoptr(AmapTour) raw = amap_tour_copy (tour);
  guint n_visible = 0;
  guint n_inserted = 0;

  for (guint i = 0; i < amap_tour_get_n_stops (stored); i++)
    {
      AmapTourStop *stop = amap_tour_get_stop (stored, i);
      gboolean deleted = FALSE;
      g_autoptr(AmapTourStop) copy = NULL;
      guint index;

      if (_amap_store_lookup_uuid (self, amap_tour_stop_get_asset_uuid (stop), &deleted, NULL) > 0 &&
          !deleted)
        {
          n_visible++;
          continue;
        }

      copy = amap_tour_stop_copy (stop);
      if (amap_tour_stop_get_bus (copy) >= amap_tour_get_n_buses (raw))
        amap_tour_stop_set_bus (copy, amap_tour_get_n_buses (raw) - 1);
      index = MIN (n_visible, amap_tour_get_n_stops (tour)) + n_inserted++;
      amap_tour_insert_stop (raw, index, copy);
    }

  return g_steal_pointer (&raw);
}

/* Tour changes (the history) */

/* A change of one tour from @before to @after, whole (hidden stops
 * included); either is NULL when the tour did not exist (any more). */
typedef struct
{
  AmapStoreChange  parent;
  gint64           id;
  AmapTour        *before;
  AmapTour        *after;
} TourChange;

static gboolean
tour_change_apply (AmapStore        *self,
                   AmapStoreChange  *change,
                   gboolean          undo,
                   GError          **error)
{
  TourChange *tour_change = (TourChange *) change;
  AmapTour *target = undo ? tour_change->before : tour_change->after;
  AmapTour *other = undo ? tour_change->after : tour_change->before;

  if (target == NULL)
    return delete_tour_row (self, tour_change->id, error);
  else
    {
      g_autoptr(AmapTour) copy = amap_tour_copy (target);

      return write_raw_tour (self, copy, other == NULL, error);
    }
}

static void
tour_change_emit (AmapStore       *self,
                  AmapStoreChange *change,
                  gboolean         undo)
{
  TourChange *tour_change = (TourChange *) change;

  g_signal_emit (self, amap_store_signals[TOUR_CHANGED], 0, tour_change->id);
}

static void
tour_change_free (AmapStoreChange *change)
{
  TourChange *tour_change = (TourChange *) change;

  g_clear_object (&tour_change->before);
  g_clear_object (&tour_change->after);
  g_free (tour_change);
}

static const AmapStoreChangeClass tour_change_class = {
  tour_change_apply,
  tour_change_emit,
  tour_change_free,
};

AmapStoreChange *
_amap_store_tour_change_new (AmapTour *before,
                             AmapTour *after)
{
  TourChange *change = g_new0 (TourChange, 1);

  g_assert (before != NULL || after != NULL);

  change->parent.klass = &tour_change_class;
  change->id = amap_tour_get_id (after ? after : before);
  change->before = before ? amap_tour_copy (before) : NULL;
  change->after = after ? amap_tour_copy (after) : NULL;

  return &change->parent;
}

/* Takes both labels. */
static void
push_tour_step (AmapStore *self,
                char      *undo_label,
                char      *redo_label,
                AmapTour  *before,
                AmapTour  *after)
{
  AmapStoreStep *step = _amap_store_step_new (undo_label, redo_label);

  _amap_store_step_add_change (step, _amap_store_tour_change_new (before, after));
  _amap_store_push_step (self, step);
}

/* Runs in the class_init of AmapStore. */
void
_amap_store_tours_class_init (AmapStoreClass *klass)
{
  /**
   * AmapStore::tour-changed:
   * @id: the tour's id
   *
   * The tour was added, changed or deleted (also by undo or redo): read
   * it again with amap_store_get_tour(), which fails with
   * AMAP_ERROR_NOT_FOUND for a deleted one. Imports emit "reset".
   */
  amap_store_signals[TOUR_CHANGED] =
    g_signal_new ("tour-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

/* Public API: tours */

static int
compare_tours_by_name (gconstpointer a,
                       gconstpointer b)
{
  AmapTour *tour_a = *(AmapTour **) a;
  AmapTour *tour_b = *(AmapTour **) b;
  g_autofree char *key_a = g_utf8_casefold (amap_tour_get_name (tour_a), -1);
  g_autofree char *key_b = g_utf8_casefold (amap_tour_get_name (tour_b), -1);
  int cmp = g_utf8_collate (key_a, key_b);

  if (cmp != 0)
    return cmp;

  return (amap_tour_get_id (tour_a) > amap_tour_get_id (tour_b)) -
         (amap_tour_get_id (tour_a) < amap_tour_get_id (tour_b));
}

/**
 * amap_store_list_tours:
 *
 * Returns: (transfer full) (element-type AmapTour): fresh copies of every
 *   tour with its stops, ordered by name
 */
GPtrArray *
amap_store_list_tours (AmapStore  *self,
                       GError    **error)
{
  GPtrArray *tours;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(tours = read_tours (self, 0, FALSE, error)))
    return NULL;

  g_ptr_array_sort (tours, compare_tours_by_name);
  return tours;
}

/**
 * amap_store_get_tour:
 *
 * Returns: (transfer full): a fresh copy of the tour, or NULL with
 *   AMAP_ERROR_NOT_FOUND
 */
AmapTour *
amap_store_get_tour (AmapStore  *self,
                     gint64      id,
                     GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  return read_tour (self, id, FALSE, error);
}

static char *
name_key (const char *name)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));
  g_autofree char *normal = g_utf8_normalize (trimmed, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal ? normal : trimmed, -1);
}

/**
 * amap_store_find_tour:
 *
 * Finds a tour by its name, ignoring case and surrounding spaces; with
 * several of that name, the oldest.
 *
 * Returns: (transfer full): a fresh copy, or NULL with AMAP_ERROR_NOT_FOUND
 */
AmapTour *
amap_store_find_tour (AmapStore   *self,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(GPtrArray) tours = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(tours = read_tours (self, 0, FALSE, error)))
    return NULL;

  key = name_key (name);
  for (guint i = 0; i < tours->len; i++)
    {
      AmapTour *tour = g_ptr_array_index (tours, i);
      g_autofree char *tour_key = name_key (amap_tour_get_name (tour));

      if (strcmp (key, tour_key) == 0)
        return g_object_ref (tour);
    }

  g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
               _("The map has no tour named “%s”. Check the name against the list of tours."),
               name ? name : "");
  return NULL;
}

/* Inserts a copy of @tour as a new tour, in the open transaction; sets
 * the id and dates of @tour. */
static AmapTour *
insert_new_tour (AmapStore  *self,
                 AmapTour   *tour,
                 gboolean    live,
                 GError    **error)
{
  g_autoptr(AmapTour) copy = amap_tour_copy (tour);
  gint64 now = _amap_store_now_seconds ();

  amap_tour_set_id (copy, 0);
  amap_tour_set_created (copy, now);
  amap_tour_set_modified (copy, now);

  if (!write_tour_row (self, copy, TRUE, error) ||
      !write_stops (self, copy, live, error))
    return NULL;

  amap_tour_set_id (tour, amap_tour_get_id (copy));
  amap_tour_set_created (tour, now);
  amap_tour_set_modified (tour, now);

  return g_steal_pointer (&copy);
}

/**
 * amap_store_add_tour:
 *
 * Validates @tour (its own rules, and that each stop and the start and
 * end are at live assets) and stores a copy as a new tour, as one undo
 * step. Sets the id, "created" and "modified" of @tour. On error nothing
 * is stored.
 */
gboolean
amap_store_add_tour (AmapStore  *self,
                     AmapTour   *tour,
                     GError    **error)
{
  g_autoptr(AmapTour) stored = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (AMAP_IS_TOUR (tour), FALSE);

  if (!_amap_store_check_writable (self, error) ||
      !validate_tour (self, tour, NULL, error) ||
      !_amap_store_begin (self, error))
    return FALSE;

  if (!(stored = insert_new_tour (self, tour, TRUE, error)) ||
      !_amap_store_touch_map (self, amap_tour_get_modified (stored), error) ||
      !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      amap_tour_set_id (tour, 0);
      return FALSE;
    }

  push_tour_step (self,
                  g_strdup_printf (_("Undo Add Tour “%s”"), amap_tour_get_name (stored)),
                  g_strdup_printf (_("Redo Add Tour “%s”"), amap_tour_get_name (stored)),
                  NULL, stored);
  g_signal_emit (self, amap_store_signals[TOUR_CHANGED], 0, amap_tour_get_id (stored));

  return TRUE;
}

/**
 * amap_store_update_tour:
 * @action: (nullable): the translated name of the change, for the undo
 *   label ("Reorder Stops" makes "Undo Reorder Stops"); NULL for
 *   "Undo Edit Tour “NAME”"
 *
 * Stores the whole of @tour (found by its id; its stops included) as one
 * undo step, after the same checks as amap_store_add_tour(). A tour equal
 * to the stored one changes nothing and records no step. Stops at deleted
 * assets, which @tour does not hold, stay where they were.
 */
gboolean
amap_store_update_tour (AmapStore   *self,
                        AmapTour    *tour,
                        const char  *action,
                        GError     **error)
{
  g_autoptr(AmapTour) raw_before = NULL;
  g_autoptr(AmapTour) before = NULL;
  g_autoptr(AmapTour) wanted = NULL;
  g_autoptr(AmapTour) raw_after = NULL;
  gint64 now;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (AMAP_IS_TOUR (tour), FALSE);

  if (!_amap_store_check_writable (self, error) ||
      !(raw_before = read_tour (self, amap_tour_get_id (tour), TRUE, error)) ||
      !(before = read_tour (self, amap_tour_get_id (tour), FALSE, error)))
    return FALSE;

  /* The store owns the dates. */
  wanted = amap_tour_copy (tour);
  amap_tour_set_created (wanted, amap_tour_get_created (before));
  amap_tour_set_modified (wanted, amap_tour_get_modified (before));
  if (amap_tour_equal (wanted, before))
    return TRUE;

  if (!validate_tour (self, wanted, before, error))
    return FALSE;

  now = MAX (_amap_store_now_seconds (), amap_tour_get_modified (before));
  amap_tour_set_modified (wanted, now);
  raw_after = merge_hidden_stops (self, wanted, raw_before);

  if (!_amap_store_begin (self, error))
    return FALSE;

  if (!write_tour_row (self, raw_after, FALSE, error) ||
      !write_stops (self, raw_after, FALSE, error) ||
      !_amap_store_touch_map (self, now, error) ||
      !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  amap_tour_set_created (tour, amap_tour_get_created (before));
  amap_tour_set_modified (tour, now);

  if (action != NULL)
    /* Translators: %s is the name of a change, e.g. "Reorder Stops". */
    push_tour_step (self, g_strdup_printf (_("Undo %s"), action),
                    /* Translators: %s is the name of a change, e.g. "Reorder Stops". */
                    g_strdup_printf (_("Redo %s"), action),
                    raw_before, raw_after);
  else
    push_tour_step (self,
                    g_strdup_printf (_("Undo Edit Tour “%s”"), amap_tour_get_name (raw_after)),
                    g_strdup_printf (_("Redo Edit Tour “%s”"), amap_tour_get_name (raw_after)),
                    raw_before, raw_after);
  g_signal_emit (self, amap_store_signals[TOUR_CHANGED], 0, amap_tour_get_id (raw_after));

  return TRUE;
}

/**
 * amap_store_delete_tour:
 *
 * Deletes the tour and its stops, as one undo step (undo brings it back
 * whole, with its id).
 */
gboolean
amap_store_delete_tour (AmapStore  *self,
                        gint64      id,
                        GError    **error)
{
  g_autoptr(AmapTour) raw_before = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!_amap_store_check_writable (self, error) ||
      !(raw_before = read_tour (self, id, TRUE, error)) ||
      !_amap_store_begin (self, error))
    return FALSE;

  if (!delete_tour_row (self, id, error) ||
      !_amap_store_touch_map (self, _amap_store_now_seconds (), error) ||
      !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  push_tour_step (self,
                  g_strdup_printf (_("Undo Delete Tour “%s”"), amap_tour_get_name (raw_before)),
                  g_strdup_printf (_("Redo Delete Tour “%s”"), amap_tour_get_name (raw_before)),
                  raw_before, NULL);
  g_signal_emit (self, amap_store_signals[TOUR_CHANGED], 0, id);

  return TRUE;
}

/**
 * amap_store_duplicate_tour:
 *
 * Stores a copy of the tour named "NAME (Copy)", with all its stops, as
 * one undo step.
 *
 * Returns: (transfer full): the new tour as amap_store_get_tour() returns
 *   it, or NULL on error
 */
AmapTour *
amap_store_duplicate_tour (AmapStore  *self,
                           gint64      id,
                           GError    **error)
{
  g_autoptr(AmapTour) original = NULL;
  g_autoptr(AmapTour) stored = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!_amap_store_check_writable (self, error) ||
      !(original = read_tour (self, id, TRUE, error)))
    return NULL;

  /* Translators: the name of a copy of the tour %s. */
  name = g_strdup_printf (_("%s (Copy)"), amap_tour_get_name (original));
  amap_tour_set_name (original, name);

  if (!_amap_store_begin (self, error))
    return NULL;

  /* The copy keeps the stops at deleted assets too: restoring the asset
   * brings its stop back in both tours. */
  if (!(stored = insert_new_tour (self, original, FALSE, error)) ||
      !_amap_store_touch_map (self, amap_tour_get_modified (stored), error) ||
      !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      return NULL;
    }

  push_tour_step (self,
                  g_strdup_printf (_("Undo Duplicate Tour “%s”"), amap_tour_get_name (stored)),
                  g_strdup_printf (_("Redo Duplicate Tour “%s”"), amap_tour_get_name (stored)),
                  NULL, stored);
  g_signal_emit (self, amap_store_signals[TOUR_CHANGED], 0, amap_tour_get_id (stored));

  return read_tour (self, amap_tour_get_id (stored), FALSE, error);
}

/**
 * amap_store_batch_add_tour:
 *
 * Adds @tour in the batch (an import), after the checks of
 * amap_store_add_tour(); its stops may be at assets put in the same
 * batch. Sets the id and dates of @tour. No undo step and no signal of
 * its own: the batch's commit emits "reset". On error the batch goes on
 * without the tour.
 */
gboolean
amap_store_batch_add_tour (AmapStoreBatch  *batch,
                           AmapTour        *tour,
                           GError         **error)
{
  g_autoptr(AmapTour) stored = NULL;
  AmapStore *self;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (AMAP_IS_TOUR (tour), FALSE);

  self = batch->store;
  g_return_val_if_fail (self->batch == batch, FALSE);

  if (!validate_tour (self, tour, NULL, error))
    return FALSE;

  /* A failed write takes back its own rows, not the batch's. */
  if (!_amap_store_exec_sql (self, "SAVEPOINT batch_tour", error))
    return FALSE;

  if (!(stored = insert_new_tour (self, tour, TRUE, error)))
    {
      _amap_store_exec_sql (self, "ROLLBACK TO batch_tour; RELEASE batch_tour", NULL);
      amap_tour_set_id (tour, 0);
      return FALSE;
    }

  if (!_amap_store_exec_sql (self, "RELEASE batch_tour", error))
    return FALSE;

  /* Undoing the import takes its tours away too. */
  _amap_store_batch_add_change (batch, _amap_store_tour_change_new (NULL, stored));
  batch->n_puts++;
  return TRUE;
}

/* Route legs */

/* Microdegrees: the key of a leg's end, and the unit of polyline6. */
static gint64
to_e6 (double degrees)
{
  return (gint64) llround (degrees * 1e6);
}

/* The encoded polyline format (Google's, as OSRM writes it with
 * geometries=polyline6): each coordinate's difference from the last, in
 * microdegrees, as 5-bit chunks. */
static void
encode_polyline_value (GString *out,
                       gint64   value)
{
  guint64 bits = value < 0 ? ~((guint64) value << 1) : (guint64) value << 1;

  while (bits >= 0x20)
    {
      g_string_append_c (out, (char) ((0x20 | (bits & 0x1f)) + 63));
      bits >>= 5;
    }
  g_string_append_c (out, (char) (bits + 63));
}

static char *
encode_polyline6 (AmapRouteLeg *leg)
{
  GString *out = g_string_new (NULL);
  gint64 last_latitude = 0, last_longitude = 0;
  guint n = amap_route_leg_get_n_points (leg);

  for (guint i = 0; i < n; i++)
    {
      double latitude, longitude;
      gint64 e6_latitude, e6_longitude;

      amap_route_leg_get_point (leg, i, &latitude, &longitude);
      e6_latitude = to_e6 (latitude);
      e6_longitude = to_e6 (longitude);
      encode_polyline_value (out, e6_latitude - last_latitude);
      encode_polyline_value (out, e6_longitude - last_longitude);
      last_latitude = e6_latitude;
      last_longitude = e6_longitude;
    }

  return g_string_free (out, FALSE);
}

static gboolean
decode_polyline_value (const char **p,
                       gint64      *value)
{
  guint64 bits = 0;
  guint shift = 0;
  int chunk;

  do
    {
      chunk = (guchar) **p - 63;
      if (**p == '\0' || chunk < 0 || chunk > 0x3f || shift > 60)
        return FALSE;
      bits |= (guint64) (chunk & 0x1f) << shift;
      shift += 5;
      (*p)++;
    }
  while (chunk >= 0x20);

  *value = (bits & 1) ? (gint64) ~(bits >> 1) : (gint64) (bits >> 1);
  return TRUE;
}

static gboolean
decode_polyline6 (const char   *text,
                  AmapRouteLeg *leg)
{
  gint64 latitude = 0, longitude = 0;
  const char *p = text;

  while (*p != '\0')
    {
      gint64 d_latitude, d_longitude;

      if (!decode_polyline_value (&p, &d_latitude) ||
          !decode_polyline_value (&p, &d_longitude))
        return FALSE;
      latitude += d_latitude;
      longitude += d_longitude;
      amap_route_leg_add_point (leg, latitude / 1e6, longitude / 1e6);
    }

  return TRUE;
}

/**
 * amap_store_lookup_route_leg:
 *
 * The stored road leg between the two points (compared to about 0.1 m:
 * coordinates are rounded to 1e-6°).
 *
 * Returns: (transfer full) (nullable): a new leg of kind
 *   AMAP_ROUTE_LEG_ROAD, or NULL when none is stored
 */
AmapRouteLeg *
amap_store_lookup_route_leg (AmapStore *self,
                             double     from_latitude,
                             double     from_longitude,
                             double     to_latitude,
                             double     to_longitude)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(AmapRouteLeg) leg = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!amap_coordinates_are_valid (from_latitude, from_longitude) ||
      !amap_coordinates_are_valid (to_latitude, to_longitude))
    return NULL;

  if (!(stmt = _amap_store_prepare (self, "SELECT distance_m, duration_s, geometry FROM route_legs "
                                    "WHERE from_lat = ?1 AND from_lon = ?2 AND to_lat = ?3 "
                                    "AND to_lon = ?4 AND kind = 'road'", &error)))
    {
      g_debug ("No stored route leg: %s", error->message);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, to_e6 (from_latitude));
  sqlite3_bind_int64 (stmt, 2, to_e6 (from_longitude));
  sqlite3_bind_int64 (stmt, 3, to_e6 (to_latitude));
  sqlite3_bind_int64 (stmt, 4, to_e6 (to_longitude));

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  leg = amap_route_leg_new (AMAP_ROUTE_LEG_ROAD, from_latitude, from_longitude,
                            to_latitude, to_longitude);
  leg->distance_m = sqlite3_column_double (stmt, 0);
  leg->duration_s = sqlite3_column_double (stmt, 1);
  if (!decode_polyline6 (_amap_store_column_text (stmt, 2), leg) ||
      amap_route_leg_get_n_points (leg) < 2)
    {
      g_debug ("The stored route leg has a damaged path; leaving it out");
      return NULL;
    }

  return g_steal_pointer (&leg);
}

/**
 * amap_store_put_route_legs_full:
 * @legs: (element-type AmapRouteLeg): road legs
 * @server_url: (nullable): the base URL of the routing server they came
 *   from, kept beside them
 *
 * Stores the legs (replacing any stored between the same points), so that
 * tours still follow the roads offline. Not an undo step: the legs are a
 * cache of the server's answers, not the user's work.
 */
gboolean
amap_store_put_route_legs_full (AmapStore   *self,
                                GPtrArray   *legs,
                                const char  *server_url,
                                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (legs != NULL, FALSE);

  for (guint i = 0; i < legs->len; i++)
    {
      AmapRouteLeg *leg = g_ptr_array_index (legs, i);

      if (leg->kind != AMAP_ROUTE_LEG_ROAD ||
          !amap_coordinates_are_valid (leg->from_latitude, leg->from_longitude) ||
          !amap_coordinates_are_valid (leg->to_latitude, leg->to_longitude) ||
          !isfinite (leg->distance_m) || leg->distance_m < 0 ||
          !isfinite (leg->duration_s) || leg->duration_s < 0 ||
          amap_route_leg_get_n_points (leg) < 2)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("The route from the routing server could not be kept in the "
                                 "map: one of its legs is not a road with a distance, a time "
                                 "and a path. The tour uses straight legs instead."));
          return FALSE;
        }

      for (guint j = 0; j < amap_route_leg_get_n_points (leg); j++)
        {
          double latitude, longitude;

          amap_route_leg_get_point (leg, j, &latitude, &longitude);
          if (!amap_coordinates_are_valid (latitude, longitude))
            {
              g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                                   _("The route from the routing server could not be kept in "
                                     "the map: its path leaves the Earth. The tour uses "
                                     "straight legs instead."));
              return FALSE;
            }
        }
    }

  if (!_amap_store_check_writable (self, error) ||
      !(stmt = _amap_store_prepare (self, "INSERT OR REPLACE INTO route_legs (from_lat, from_lon, "
                                    "to_lat, to_lon, kind, distance_m, duration_s, geometry, "
                                    "server, fetched) VALUES (?1, ?2, ?3, ?4, 'road', ?5, ?6, ?7, "
                                    "?8, ?9)", error)) ||
      !_amap_store_begin (self, error))
    return FALSE;

  now = _amap_store_now_seconds ();
  for (guint i = 0; i < legs->len; i++)
    {
      AmapRouteLeg *leg = g_ptr_array_index (legs, i);
      g_autofree char *geometry = encode_polyline6 (leg);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, to_e6 (leg->from_latitude));
      sqlite3_bind_int64 (stmt, 2, to_e6 (leg->from_longitude));
      sqlite3_bind_int64 (stmt, 3, to_e6 (leg->to_latitude));
      sqlite3_bind_int64 (stmt, 4, to_e6 (leg->to_longitude));
      sqlite3_bind_double (stmt, 5, leg->distance_m);
      sqlite3_bind_double (stmt, 6, leg->duration_s);
      _amap_store_bind_text (stmt, 7, geometry);
      _amap_store_bind_text (stmt, 8, server_url);
      sqlite3_bind_int64 (stmt, 9, now);
      if (!_amap_store_step_done (self, stmt, error))
        {
          _amap_store_rollback (self);
          return FALSE;
        }
    }

  if (!_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * amap_store_put_route_legs:
 *
 * amap_store_put_route_legs_full() without the server's URL.
 */
gboolean
amap_store_put_route_legs (AmapStore  *self,
                           GPtrArray  *legs,
                           GError    **error)
{
  return amap_store_put_route_legs_full (self, legs, NULL, error);
}
