/* test-store-tours.c: tours in the map file: the API, its undo history,
 * stops at deleted assets, stored road legs, imports, and the migration
 * of a v1 map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/* The uuids of tests/data/map-v1.assetmap (see make-map-v1.c there). */
#define V1_LIBRARY "11111111-1111-4111-8111-111111111111"
#define V1_CLINIC  "22222222-2222-4222-8222-222222222222"
#define V1_CHURCH  "33333333-3333-4333-8333-333333333333"
#define V1_MARKET  "44444444-4444-4444-8444-444444444444"
#define V1_CLUB    "55555555-5555-4555-8555-555555555555"
#define V1_BAKERY  "66666666-6666-4666-8666-666666666666"

/* Helpers */

static char *
temp_map_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "maps", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, name, NULL);
}

static AmapStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  AmapStore *store = amap_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static AmapStore *
open_new_store (const char *name)
{
  g_autofree char *path = temp_map_path (name);

  return open_store (path);
}

static char *
add_asset (AmapStore  *store,
           const char *name,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
  amap_asset_set_location (asset, latitude, longitude);
  g_assert_true (amap_store_add_asset (store, asset, &error));
  g_assert_no_error (error);
  return g_strdup (amap_asset_get_uuid (asset));
}

static AmapTourStop *
append_stop (AmapTour   *tour,
             const char *uuid)
{
  g_autoptr(AmapTourStop) stop = amap_tour_stop_new (uuid);

  amap_tour_insert_stop (tour, amap_tour_get_n_stops (tour), stop);
  return stop;
}

static AmapTour *
make_tour (const char         *name,
           const char * const *uuids)
{
  AmapTour *tour = amap_tour_new (name);

  for (guint i = 0; uuids != NULL && uuids[i] != NULL; i++)
    append_stop (tour, uuids[i]);

  return tour;
}

/* The uuids of the stops of @tour, in order. */
static void
assert_stops (AmapTour           *tour,
              const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_nonnull (tour);
  for (guint i = 0; i < MIN (n, amap_tour_get_n_stops (tour)); i++)
    g_assert_cmpstr (amap_tour_stop_get_asset_uuid (amap_tour_get_stop (tour, i)), ==, expected[i]);
  g_assert_cmpuint (amap_tour_get_n_stops (tour), ==, n);
}

static void
assert_stored_stops (AmapStore          *store,
                     gint64              id,
                     const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapTour) tour = amap_store_get_tour (store, id, &error);

  g_assert_no_error (error);
  assert_stops (tour, expected);
}

static gint64
sqlite_int (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *
sqlite_text (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
sqlite_exec (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* Records the ids of "tour-changed" and counts "reset". */
typedef struct
{
  GArray *ids;
  guint   resets;
} Signals;

static void
on_tour_changed_cb (AmapStore *store,
                    gint64     id,
                    Signals   *signals)
{
  g_array_append_val (signals->ids, id);
}

static void
on_reset_cb (AmapStore *store,
             Signals   *signals)
{
  signals->resets++;
}

static void
watch_signals (AmapStore *store,
               Signals   *signals)
{
  signals->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  signals->resets = 0;
  g_signal_connect (store, "tour-changed", G_CALLBACK (on_tour_changed_cb), signals);
  g_signal_connect (store, "reset", G_CALLBACK (on_reset_cb), signals);
}

/* Asserts exactly one "tour-changed" for @id since the last call. */
static void
assert_one_change (Signals *signals,
                   gint64   id)
{
  g_assert_cmpuint (signals->ids->len, ==, 1);
  g_assert_cmpint (g_array_index (signals->ids, gint64, 0), ==, id);
  g_array_set_size (signals->ids, 0);
}

static GDateTime *
local_time (int year,
            int month,
            int day,
            int hour,
            int minute)
{
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

/* Tests */

static void
test_round_trip (void)
{
  g_autoptr(AmapStore) store = open_new_store ("round-trip.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autofree char *library = add_asset (store, "Library", 41.88, -87.63);
  g_autofree char *clinic = add_asset (store, "Clinic", 41.89, -87.62);
  g_autofree char *church = add_asset (store, "Church", 41.87, -87.64);
  g_autoptr(AmapTour) tour = make_tour ("Fall staff tour", (const char *[]) { church, library, clinic, NULL });
  g_autoptr(AmapTour) stored = NULL;
  g_autoptr(AmapTour) found = NULL;
  g_autoptr(GDateTime) departure = local_time (2027, 8, 20, 9, 0);
  g_autoptr(GDateTime) latest_return = local_time (2027, 8, 20, 12, 30);
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = NULL;
  double latitude, longitude;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  amap_tour_set_departure (tour, departure);
  amap_tour_set_latest_return (tour, latest_return);
  amap_tour_set_speed_kmh (tour, 22.5);
  amap_tour_set_n_buses (tour, 2);
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_ASSET, library, NAN, NAN);
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_POINT, NULL, 41.9, -87.7);
  amap_tour_stop_set_note (amap_tour_get_stop (tour, 0), "Meet Pastor Lee; ask about summer meals");
  amap_tour_stop_set_dwell_minutes (amap_tour_get_stop (tour, 0), 25);
  amap_tour_stop_set_dwell_minutes (amap_tour_get_stop (tour, 1), 0);
  amap_tour_stop_set_bus (amap_tour_get_stop (tour, 2), 1);

  g_assert_true (amap_store_add_tour (store, tour, &error));
  g_assert_no_error (error);
  g_assert_cmpint (amap_tour_get_id (tour), >, 0);
  g_assert_cmpint (amap_tour_get_created (tour), >=, before);
  g_assert_cmpint (amap_tour_get_modified (tour), ==, amap_tour_get_created (tour));

  /* Everything comes back from the file, as it was given. */
  g_clear_object (&store);
  store = open_store (path);
  stored = amap_store_get_tour (store, amap_tour_get_id (tour), &error);
  g_assert_no_error (error);
  g_assert_true (amap_tour_equal (stored, tour));
  g_assert_cmpstr (amap_tour_get_name (stored), ==, "Fall staff tour");
  g_assert_cmpint (g_date_time_get_hour (amap_tour_get_departure (stored)), ==, 9);
  g_assert_cmpint (g_date_time_get_hour (amap_tour_get_latest_return (stored)), ==, 12);
  g_assert_cmpint (g_date_time_get_minute (amap_tour_get_latest_return (stored)), ==, 30);
  g_assert_cmpfloat (amap_tour_get_speed_kmh (stored), ==, 22.5);
  g_assert_cmpuint (amap_tour_get_n_buses (stored), ==, 2);
  g_assert_cmpint (amap_tour_get_start (stored, &uuid, NULL, NULL), ==, AMAP_TOUR_PLACE_ASSET);
  g_assert_cmpstr (uuid, ==, library);
  g_assert_cmpint (amap_tour_get_end (stored, NULL, &latitude, &longitude), ==, AMAP_TOUR_PLACE_POINT);
  g_assert_cmpfloat (latitude, ==, 41.9);
  g_assert_cmpfloat (longitude, ==, -87.7);
  assert_stops (stored, (const char *[]) { church, library, clinic, NULL });
  g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (stored, 0)), ==,
                   "Meet Pastor Lee; ask about summer meals");
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (stored, 0)), ==, 25);
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (stored, 1)), ==, 0);
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (stored, 2)), ==,
                   AMAP_TOUR_DEFAULT_DWELL_MINUTES);
  g_assert_cmpuint (amap_tour_stop_get_bus (amap_tour_get_stop (stored, 2)), ==, 1);

  /* A new tour has the defaults: from home and back, no departure. */
  {
    g_autoptr(AmapTour) plain = amap_tour_new ("apple orchard walk");
    g_autoptr(AmapTour) banana = amap_tour_new ("Banana route");

    g_assert_true (amap_store_add_tour (store, plain, &error));
    g_assert_true (amap_store_add_tour (store, banana, &error));
    g_assert_no_error (error);
    g_clear_object (&plain);
    plain = amap_store_find_tour (store, "Apple Orchard Walk", &error);
    g_assert_no_error (error);
    g_assert_null (amap_tour_get_departure (plain));
    g_assert_null (amap_tour_get_latest_return (plain));
    g_assert_cmpint (amap_tour_get_start (plain, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_HOME);
    g_assert_cmpint (amap_tour_get_end (plain, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_START);
    g_assert_cmpfloat (amap_tour_get_speed_kmh (plain), ==, AMAP_TOUR_DEFAULT_SPEED_KMH);
    g_assert_cmpuint (amap_tour_get_n_buses (plain), ==, 1);
    g_assert_cmpuint (amap_tour_get_n_stops (plain), ==, 0);
  }

  /* By name, ignoring case; each with its stops. */
  tours = amap_store_list_tours (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 3);
  g_assert_cmpstr (amap_tour_get_name (g_ptr_array_index (tours, 0)), ==, "apple orchard walk");
  g_assert_cmpstr (amap_tour_get_name (g_ptr_array_index (tours, 1)), ==, "Banana route");
  g_assert_cmpstr (amap_tour_get_name (g_ptr_array_index (tours, 2)), ==, "Fall staff tour");
  assert_stops (g_ptr_array_index (tours, 2), (const char *[]) { church, library, clinic, NULL });

  /* The command line finds a tour as people type its name. */
  found = amap_store_find_tour (store, "  FALL STAFF tour ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (amap_tour_get_id (found), ==, amap_tour_get_id (tour));
  g_assert_null (amap_store_find_tour (store, "Spring tour", &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Spring tour"));
  g_clear_error (&error);

  g_assert_null (amap_store_get_tour (store, 4242, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Delete and duplicate. */
  {
    g_autoptr(AmapTour) copy = amap_store_duplicate_tour (store, amap_tour_get_id (tour), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (amap_tour_get_name (copy), ==, "Fall staff tour (Copy)");
    g_assert_cmpint (amap_tour_get_id (copy), !=, amap_tour_get_id (tour));
    assert_stops (copy, (const char *[]) { church, library, clinic, NULL });
    g_assert_true (g_date_time_equal (amap_tour_get_departure (copy), departure));
    g_assert_cmpuint (amap_tour_get_n_buses (copy), ==, 2);

    g_assert_true (amap_store_delete_tour (store, amap_tour_get_id (tour), &error));
    g_assert_no_error (error);
    g_assert_null (amap_store_get_tour (store, amap_tour_get_id (tour), &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (amap_store_delete_tour (store, amap_tour_get_id (tour), &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
    g_clear_error (&error);

    /* The copy does not share its stops with the deleted tour. */
    assert_stored_stops (store, amap_tour_get_id (copy), (const char *[]) { church, library, clinic, NULL });
  }
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tour_stops"), ==, 3);
}

static void
test_validation (void)
{
  g_autoptr(AmapStore) store = open_new_store ("validation.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autofree char *library = add_asset (store, "Library", 41.88, -87.63);
  g_autofree char *gone = add_asset (store, "Closed bakery", 41.89, -87.62);
  g_autoptr(AmapTour) good = make_tour ("Good", (const char *[]) { library, NULL });
  g_autoptr(AmapTour) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *undo_label = NULL;

  g_assert_true (amap_store_delete_asset (store, gone, &error));
  g_assert_true (amap_store_add_tour (store, good, &error));
  g_assert_no_error (error);
  undo_label = g_strdup (amap_store_get_undo_label (store));

  /* Each bad tour is refused with a sentence, for add and for update,
   * and nothing is stored or recorded. */
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(AmapTour) bad = amap_tour_copy (good);
      int code = AMAP_ERROR_INVALID;
      const char *needle = NULL;

      switch (i)
        {
        case 0:
          amap_tour_set_name (bad, "   ");
          needle = "no name";
          break;
        case 1:
          append_stop (bad, "no-such-asset");
          code = AMAP_ERROR_NOT_FOUND;
          needle = "Stop 2";
          break;
        case 2:
          append_stop (bad, gone);
          code = AMAP_ERROR_NOT_FOUND;
          needle = "Stop 2";
          break;
        case 3:
          amap_tour_set_n_buses (bad, 2);
          amap_tour_stop_set_bus (append_stop (bad, library), 2);
          needle = "bus 3";
          break;
        case 4:
          amap_tour_set_start (bad, AMAP_TOUR_PLACE_ASSET, gone, NAN, NAN);
          code = AMAP_ERROR_NOT_FOUND;
          needle = "starts at";
          break;
        case 5:
          amap_tour_set_end (bad, AMAP_TOUR_PLACE_ASSET, "no-such-asset", NAN, NAN);
          code = AMAP_ERROR_NOT_FOUND;
          needle = "ends at";
          break;
        case 6:
          {
            g_autoptr(GDateTime) departure = local_time (2027, 5, 1, 9, 0);
            g_autoptr(GDateTime) latest_return = local_time (2027, 5, 1, 8, 0);

            amap_tour_set_departure (bad, departure);
            amap_tour_set_latest_return (bad, latest_return);
            needle = "latest return";
          }
          break;
        default:
          g_assert_not_reached ();
        }

      amap_tour_set_id (bad, 0);
      g_assert_false (amap_store_add_tour (store, bad, &error));
      g_assert_error (error, AMAP_ERROR, code);
      g_assert_nonnull (strstr (error->message, needle));
      g_clear_error (&error);
      g_assert_cmpint (amap_tour_get_id (bad), ==, 0);

      amap_tour_set_id (bad, amap_tour_get_id (good));
      g_assert_false (amap_store_update_tour (store, bad, NULL, &error));
      g_assert_error (error, AMAP_ERROR, code);
      g_clear_error (&error);

      g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tours"), ==, 1);
      g_assert_cmpstr (amap_store_get_undo_label (store), ==, undo_label);
      stored = amap_store_get_tour (store, amap_tour_get_id (good), &error);
      g_assert_true (amap_tour_equal (stored, good));
      g_clear_object (&stored);
    }

  /* A tour that starts at an asset deleted since can still be renamed. */
  {
    g_autofree char *school = add_asset (store, "Annex", 41.8, -87.6);
    g_autoptr(AmapTour) from_annex = make_tour ("From the annex", NULL);

    amap_tour_set_start (from_annex, AMAP_TOUR_PLACE_ASSET, school, NAN, NAN);
    g_assert_true (amap_store_add_tour (store, from_annex, &error));
    g_assert_true (amap_store_delete_asset (store, school, &error));
    amap_tour_set_name (from_annex, "From the old annex");
    g_assert_true (amap_store_update_tour (store, from_annex, NULL, &error));
    g_assert_no_error (error);
  }

  /* A negative dwell time cannot be made with AmapTourStop; one written
   * into the file by another program reads as 0 rather than tripping the
   * stop's checks, and the tour can be saved again. */
  g_clear_object (&store);
  sqlite_exec (path, "UPDATE tour_stops SET dwell_minutes = -5, bus = 7;"
                     "UPDATE tours SET n_buses = 99, speed_kmh = -3 WHERE name = 'Good'");
  store = open_store (path);
  stored = amap_store_get_tour (store, amap_tour_get_id (good), &error);
  g_assert_no_error (error);
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (stored, 0)), ==, 0);
  g_assert_cmpuint (amap_tour_get_n_buses (stored), ==, AMAP_TOUR_MAX_BUSES);
  g_assert_cmpuint (amap_tour_stop_get_bus (amap_tour_get_stop (stored, 0)), ==, 7);
  g_assert_cmpfloat (amap_tour_get_speed_kmh (stored), ==, AMAP_TOUR_DEFAULT_SPEED_KMH);
  g_assert_true (amap_tour_validate (stored, &error));
  amap_tour_set_n_buses (stored, 1);
  g_assert_true (amap_store_update_tour (store, stored, NULL, &error));
  g_assert_no_error (error);
}

static void
test_undo_redo (void)
{
  g_autoptr(AmapStore) store = open_new_store ("undo.assetmap");
  g_autofree char *a = add_asset (store, "Library", 41.88, -87.63);
  g_autofree char *b = add_asset (store, "Clinic", 41.89, -87.62);
  g_autofree char *c = add_asset (store, "Church", 41.87, -87.64);
  g_autoptr(AmapTour) tour = make_tour ("Fall tour", (const char *[]) { a, b, c, NULL });
  g_autoptr(AmapTour) edit = NULL;
  g_autoptr(AmapTour) copy = NULL;
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(GError) error = NULL;
  Signals signals;
  gint64 id;

  watch_signals (store, &signals);

  /* Add */
  g_assert_true (amap_store_add_tour (store, tour, &error));
  id = amap_tour_get_id (tour);
  assert_one_change (&signals, id);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add Tour “Fall tour”");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  assert_one_change (&signals, id);
  g_assert_null (amap_store_get_tour (store, id, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Add Tour “Fall tour”");
  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  assert_one_change (&signals, id);
  assert_stored_stops (store, id, (const char *[]) { a, b, c, NULL });

  /* Update with the name of the change */
  edit = amap_store_get_tour (store, id, &error);
  amap_tour_move_stop (edit, 2, 0);
  g_assert_true (amap_store_update_tour (store, edit, "Reorder Stops", &error));
  g_assert_no_error (error);
  assert_one_change (&signals, id);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Reorder Stops");
  assert_stored_stops (store, id, (const char *[]) { c, a, b, NULL });
  g_assert_true (amap_store_undo (store, &error));
  assert_one_change (&signals, id);
  assert_stored_stops (store, id, (const char *[]) { a, b, c, NULL });
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Reorder Stops");
  g_assert_true (amap_store_redo (store, &error));
  assert_one_change (&signals, id);
  assert_stored_stops (store, id, (const char *[]) { c, a, b, NULL });

  /* Saving the same tour again records nothing and emits nothing. */
  g_assert_true (amap_store_update_tour (store, edit, "Reorder Stops", &error));
  g_assert_true (amap_store_get_can_undo (store));
  g_assert_false (amap_store_get_can_redo (store));
  g_assert_cmpuint (signals.ids->len, ==, 0);
  g_assert_true (amap_store_undo (store, &error));
  assert_one_change (&signals, id);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add Tour “Fall tour”");
  g_assert_true (amap_store_redo (store, &error));
  assert_one_change (&signals, id);

  /* Update without a name: an edit of the tour, named as it is now */
  g_clear_object (&edit);
  edit = amap_store_get_tour (store, id, &error);
  amap_tour_set_name (edit, "Spring tour");
  amap_tour_stop_set_note (amap_tour_get_stop (edit, 1), "Ask for the teen room");
  g_assert_true (amap_store_update_tour (store, edit, NULL, &error));
  assert_one_change (&signals, id);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Edit Tour “Spring tour”");
  g_assert_true (amap_store_undo (store, &error));
  assert_one_change (&signals, id);
  {
    g_autoptr(AmapTour) back = amap_store_get_tour (store, id, &error);

    g_assert_cmpstr (amap_tour_get_name (back), ==, "Fall tour");
    g_assert_null (amap_tour_stop_get_note (amap_tour_get_stop (back, 1)));
  }
  g_assert_true (amap_store_redo (store, &error));
  assert_one_change (&signals, id);

  /* Tour and asset changes share one history, newest first. */
  asset = amap_store_get_asset (store, a, &error);
  amap_asset_set_name (asset, "Riverside Library");
  g_assert_true (amap_store_update_asset (store, asset, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Edit “Riverside Library”");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Edit Tour “Spring tour”");
  g_assert_cmpuint (signals.ids->len, ==, 0);

  /* Delete: undo brings it back whole, with its id */
  g_assert_true (amap_store_delete_tour (store, id, &error));
  assert_one_change (&signals, id);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Delete Tour “Spring tour”");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  assert_one_change (&signals, id);
  {
    g_autoptr(AmapTour) back = amap_store_get_tour (store, id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (amap_tour_get_name (back), ==, "Spring tour");
    assert_stops (back, (const char *[]) { c, a, b, NULL });
    g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (back, 1)), ==, "Ask for the teen room");
  }
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Delete Tour “Spring tour”");
  g_assert_true (amap_store_redo (store, &error));
  assert_one_change (&signals, id);
  g_assert_null (amap_store_get_tour (store, id, &error));
  g_clear_error (&error);
  g_assert_true (amap_store_undo (store, &error));
  assert_one_change (&signals, id);

  /* Duplicate */
  copy = amap_store_duplicate_tour (store, id, &error);
  g_assert_no_error (error);
  assert_one_change (&signals, amap_tour_get_id (copy));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Duplicate Tour “Spring tour (Copy)”");
  g_assert_true (amap_store_undo (store, &error));
  assert_one_change (&signals, amap_tour_get_id (copy));
  g_assert_null (amap_store_get_tour (store, amap_tour_get_id (copy), &error));
  g_clear_error (&error);
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Duplicate Tour “Spring tour (Copy)”");
  g_assert_true (amap_store_redo (store, &error));
  assert_one_change (&signals, amap_tour_get_id (copy));
  assert_stored_stops (store, amap_tour_get_id (copy), (const char *[]) { c, a, b, NULL });

  /* An edit while a step is undone clears what could be redone. */
  g_assert_true (amap_store_undo (store, &error));
  g_array_set_size (signals.ids, 0);
  g_clear_object (&edit);
  edit = amap_store_get_tour (store, id, &error);
  amap_tour_reverse (edit);
  g_assert_true (amap_store_update_tour (store, edit, "Reverse Tour", &error));
  g_assert_false (amap_store_get_can_redo (store));

  g_array_unref (signals.ids);
}

static void
test_deleted_asset (void)
{
  g_autoptr(AmapStore) store = open_new_store ("deleted-asset.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autofree char *a = add_asset (store, "Library", 41.88, -87.63);
  g_autofree char *b = add_asset (store, "Bakery", 41.89, -87.62);
  g_autofree char *c = add_asset (store, "Church", 41.87, -87.64);
  g_autofree char *d = add_asset (store, "Clinic", 41.86, -87.65);
  g_autoptr(AmapTour) tour = make_tour ("Tour", (const char *[]) { a, b, c, d, NULL });
  g_autoptr(AmapTour) edit = NULL;
  g_autoptr(AmapTour) copy = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  amap_tour_stop_set_note (amap_tour_get_stop (tour, 1), "Ask for bread for the fair");
  amap_tour_stop_set_dwell_minutes (amap_tour_get_stop (tour, 1), 40);
  g_assert_true (amap_store_add_tour (store, tour, &error));
  id = amap_tour_get_id (tour);

  /* Deleting the asset hides its stop; the row stays in the file. */
  g_assert_true (amap_store_delete_asset (store, b, &error));
  assert_stored_stops (store, id, (const char *[]) { a, c, d, NULL });
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tour_stops"), ==, 4);
  {
    g_autoptr(GPtrArray) tours = amap_store_list_tours (store, &error);

    assert_stops (g_ptr_array_index (tours, 0), (const char *[]) { a, c, d, NULL });
  }

  /* Undo of the delete brings the stop back. */
  g_assert_true (amap_store_undo (store, &error));
  assert_stored_stops (store, id, (const char *[]) { a, b, c, d, NULL });
  g_assert_true (amap_store_redo (store, &error));
  assert_stored_stops (store, id, (const char *[]) { a, c, d, NULL });

  /* Editing the tour meanwhile keeps the hidden stop, after as many
   * stops as it had before it. */
  edit = amap_store_get_tour (store, id, &error);
  amap_tour_move_stop (edit, 0, 2);  /* c, d, a */
  g_assert_true (amap_store_update_tour (store, edit, "Reorder Stops", &error));
  g_assert_no_error (error);
  assert_stored_stops (store, id, (const char *[]) { c, d, a, NULL });
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tour_stops"), ==, 4);

  /* A copy made now keeps it too. */
  copy = amap_store_duplicate_tour (store, id, &error);
  g_assert_no_error (error);
  assert_stops (copy, (const char *[]) { c, d, a, NULL });

  /* Restoring the asset brings its stop back with its note and time, in
   * both tours. */
  g_assert_true (amap_store_restore_asset (store, b, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AmapTour) back = amap_store_get_tour (store, id, &error);

    assert_stops (back, (const char *[]) { c, b, d, a, NULL });
    g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (back, 1)), ==, "Ask for bread for the fair");
    g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (back, 1)), ==, 40);
  }
  assert_stored_stops (store, amap_tour_get_id (copy), (const char *[]) { c, b, d, a, NULL });

  /* Removing the stop before a hidden one keeps the hidden one after as
   * many stops as it had before it. */
  g_assert_true (amap_store_delete_asset (store, b, &error));
  g_clear_object (&edit);
  edit = amap_store_get_tour (store, id, &error);
  amap_tour_remove_stop (edit, 0);  /* d, a */
  g_assert_true (amap_store_update_tour (store, edit, "Remove Stop", &error));
  assert_stored_stops (store, id, (const char *[]) { d, a, NULL });
  g_assert_true (amap_store_restore_asset (store, b, &error));
  assert_stored_stops (store, id, (const char *[]) { d, b, a, NULL });
}

static AmapRouteLeg *
make_road_leg (double from_latitude,
               double from_longitude,
               double to_latitude,
               double to_longitude,
               guint  n_points)
{
  AmapRouteLeg *leg = amap_route_leg_new (AMAP_ROUTE_LEG_ROAD, from_latitude, from_longitude,
                                          to_latitude, to_longitude);

  leg->distance_m = 1234.5;
  leg->duration_s = 321.25;
  for (guint i = 0; i < n_points; i++)
    {
      double t = (double) i / (n_points - 1);
      /* A wiggle, so that the path is not the straight line. */
      double bend = (i > 0 && i + 1 < n_points) ? 0.0003 * ((i % 2) ? 1 : -1) : 0;

      amap_route_leg_add_point (leg,
                                from_latitude + t * (to_latitude - from_latitude) + bend,
                                from_longitude + t * (to_longitude - from_longitude));
    }

  return leg;
}

static void
assert_same_path (AmapRouteLeg *got,
                  AmapRouteLeg *expected)
{
  g_assert_cmpuint (amap_route_leg_get_n_points (got), ==, amap_route_leg_get_n_points (expected));
  for (guint i = 0; i < amap_route_leg_get_n_points (got); i++)
    {
      double latitude, longitude, expected_latitude, expected_longitude;

      amap_route_leg_get_point (got, i, &latitude, &longitude);
      amap_route_leg_get_point (expected, i, &expected_latitude, &expected_longitude);
      g_assert_cmpfloat_with_epsilon (latitude, expected_latitude, 0.6e-6);
      g_assert_cmpfloat_with_epsilon (longitude, expected_longitude, 0.6e-6);
    }
}

static void
test_route_legs (void)
{
  g_autoptr(AmapStore) store = open_new_store ("legs.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autoptr(GPtrArray) legs = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);
  g_autoptr(AmapRouteLeg) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;

  /* Southern and western hemispheres, and a long path. */
  g_ptr_array_add (legs, make_road_leg (41.8812341, -87.6298761, 41.8850001, -87.6200009, 50));
  g_ptr_array_add (legs, make_road_leg (-33.8688191, 151.2092951, -33.8567841, 151.2152961, 2));
  g_ptr_array_add (legs, make_road_leg (41.8850001, -87.6200009, 41.8812341, -87.6298761, 1000));

  g_assert_null (amap_store_lookup_route_leg (store, 41.8812341, -87.6298761, 41.8850001, -87.6200009));
  g_assert_true (amap_store_put_route_legs_full (store, legs, "http://127.0.0.1:5000", &error));
  g_assert_no_error (error);

  /* It survives closing the map, and needs no server. */
  g_clear_object (&store);
  store = open_store (path);

  for (guint i = 0; i < legs->len; i++)
    {
      AmapRouteLeg *leg = g_ptr_array_index (legs, i);

      /* The ends match to 1e-6°, about 0.1 m. */
      found = amap_store_lookup_route_leg (store, leg->from_latitude + 2e-7, leg->from_longitude - 2e-7,
                                           leg->to_latitude, leg->to_longitude);
      g_assert_nonnull (found);
      g_assert_cmpint (found->kind, ==, AMAP_ROUTE_LEG_ROAD);
      g_assert_cmpfloat (found->distance_m, ==, 1234.5);
      g_assert_cmpfloat (found->duration_s, ==, 321.25);
      assert_same_path (found, leg);
      g_clear_pointer (&found, amap_route_leg_unref);
    }

  /* A leg is one way: the return may take other streets. */
  g_assert_null (amap_store_lookup_route_leg (store, -33.8567841, 151.2152961, -33.8688191, 151.2092951));
  /* Another point nearby is another leg. */
  g_assert_null (amap_store_lookup_route_leg (store, 41.8812361, -87.6298761, 41.8850001, -87.6200009));

  server = sqlite_text (path, "SELECT DISTINCT server FROM route_legs");
  g_assert_cmpstr (server, ==, "http://127.0.0.1:5000");
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM route_legs"), ==, 3);

  /* Storing again replaces the leg between the same points. */
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);
    AmapRouteLeg *leg = make_road_leg (41.8812341, -87.6298761, 41.8850001, -87.6200009, 3);

    leg->distance_m = 999;
    g_ptr_array_add (again, leg);
    g_assert_true (amap_store_put_route_legs (store, again, &error));
    g_assert_no_error (error);
    found = amap_store_lookup_route_leg (store, 41.8812341, -87.6298761, 41.8850001, -87.6200009);
    g_assert_cmpfloat (found->distance_m, ==, 999);
    assert_same_path (found, leg);
    g_clear_pointer (&found, amap_route_leg_unref);
    g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM route_legs"), ==, 3);
  }

  /* Straight legs are computed, not stored; a bad leg stores nothing. */
  {
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);
    AmapRouteLeg *straight = amap_route_leg_new (AMAP_ROUTE_LEG_STRAIGHT, 1, 1, 2, 2);

    amap_route_leg_add_point (straight, 1, 1);
    amap_route_leg_add_point (straight, 2, 2);
    g_ptr_array_add (bad, make_road_leg (10, 10, 11, 11, 4));
    g_ptr_array_add (bad, straight);
    g_assert_false (amap_store_put_route_legs (store, bad, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (amap_store_lookup_route_leg (store, 10, 10, 11, 11));
  }

  /* Legs are not the user's work: no undo step. */
  g_assert_false (amap_store_get_can_undo (store));
}

static void
test_departure_zone (void)
{
  g_autoptr(AmapStore) store = open_new_store ("zones.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autoptr(AmapTour) winter = amap_tour_new ("Before the change");
  g_autoptr(AmapTour) berlin = amap_tour_new ("Partner school in Berlin");
  g_autoptr(AmapTour) stored = NULL;
  g_autoptr(GDateTime) departure = local_time (2027, 3, 10, 9, 0);
  g_autoptr(GDateTime) next_week = NULL;
  g_autoptr(GTimeZone) berlin_zone = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GDateTime) berlin_departure = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* The test runs with TZ=America/Los_Angeles: DST starts 2027-03-14. */
  g_assert_cmpint (g_date_time_get_utc_offset (departure) / G_TIME_SPAN_HOUR, ==, -8);

  amap_tour_set_departure (winter, departure);
  g_assert_true (amap_store_add_tour (store, winter, &error));
  g_assert_no_error (error);

  /* The file holds the wall clock and the zone by name. */
  text = sqlite_text (path, "SELECT departure || ' ' || departure_zone FROM tours");
  g_assert_cmpstr (text, ==, "2027-03-10T09:00:00 America/Los_Angeles");

  g_clear_object (&store);
  store = open_store (path);
  stored = amap_store_get_tour (store, amap_tour_get_id (winter), &error);
  g_assert_true (g_date_time_equal (amap_tour_get_departure (stored), departure));

  /* The same tour a week later, across the change, is still at 9:00: the
   * time comes back in a zone with its rules, not a fixed -08:00. */
  next_week = g_date_time_add_days (amap_tour_get_departure (stored), 7);
  g_assert_cmpint (g_date_time_get_hour (next_week), ==, 9);
  g_assert_cmpint (g_date_time_get_utc_offset (next_week) / G_TIME_SPAN_HOUR, ==, -7);
  amap_tour_set_departure (stored, next_week);
  g_assert_true (amap_store_update_tour (store, stored, NULL, &error));
  g_clear_pointer (&text, g_free);
  text = sqlite_text (path, "SELECT departure FROM tours");
  g_assert_cmpstr (text, ==, "2027-03-17T09:00:00");

  /* A tour planned in another zone keeps it. */
  berlin_departure = g_date_time_new (berlin_zone, 2027, 10, 30, 9, 0, 0);
  amap_tour_set_departure (berlin, berlin_departure);
  g_assert_true (amap_store_add_tour (store, berlin, &error));
  g_clear_object (&stored);
  g_clear_object (&store);
  store = open_store (path);
  stored = amap_store_get_tour (store, amap_tour_get_id (berlin), &error);
  g_assert_true (g_date_time_equal (amap_tour_get_departure (stored), berlin_departure));
  g_assert_cmpint (g_date_time_get_hour (amap_tour_get_departure (stored)), ==, 9);
  g_clear_pointer (&next_week, g_date_time_unref);
  /* Berlin leaves summer time on 2027-10-31. */
  next_week = g_date_time_add_days (amap_tour_get_departure (stored), 7);
  g_assert_cmpint (g_date_time_get_hour (next_week), ==, 9);
}

static void
test_migration_v1 (void)
{
  const char *fixture = g_test_get_filename (G_TEST_DIST, "data", "map-v1.assetmap", NULL);
  g_autofree char *path = temp_map_path ("from-v1.assetmap");
  g_autofree char *backup = g_strconcat (path, ".backup-v1", NULL);
  g_autofree char *original = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *text = NULL;
  gsize original_length, copied_length;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *fall;
  AmapTour *walk;
  const char *name;

  g_assert_true (g_file_get_contents (fixture, &original, &original_length, NULL));
  g_assert_true (g_file_set_contents (path, original, original_length, NULL));
  g_assert_cmpint (sqlite_int (path, "PRAGMA user_version"), ==, 1);

  store = open_store (path);
  g_assert_cmpint (sqlite_int (path, "PRAGMA user_version"), ==, AMAP_STORE_SCHEMA_VERSION);

  /* The backup is the v1 file as it was: every page byte for byte. Only
   * the 100-byte file header may differ (a copy through SQLite's backup
   * API counts its own changes and may use another journal mode); the
   * schema version and the application id in it must not. */
  g_assert_true (g_file_get_contents (backup, &copied, &copied_length, NULL));
  g_assert_cmpuint (copied_length, ==, original_length);
  g_assert_true (memcmp (copied + 100, original + 100, original_length - 100) == 0);
  g_assert_true (memcmp (copied, original, 16) == 0);       /* "SQLite format 3" */
  g_assert_true (memcmp (copied + 60, original + 60, 4) == 0);  /* user_version */
  g_assert_true (memcmp (copied + 68, original + 68, 4) == 0);  /* application_id */
  g_assert_cmpint (sqlite_int (backup, "PRAGMA user_version"), ==, 1);

  /* And it is a map: a copy of it opens (and migrates) like the original. */
  {
    g_autofree char *again = temp_map_path ("from-backup.assetmap");
    g_autoptr(AmapStore) from_backup = NULL;

    g_assert_true (g_file_set_contents (again, copied, copied_length, NULL));
    from_backup = open_store (again);
    g_assert_cmpuint (amap_store_count_assets (from_backup), ==, 5);
  }

  /* The map: metadata, categories, assets with their children. */
  g_assert_cmpstr (amap_store_get_title (store), ==, "Riverside Elementary");
  g_assert_true (amap_store_get_home (store, NULL, NULL, &name));
  g_assert_cmpstr (name, ==, "Riverside Elementary");
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, 11);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 5);
  {
    g_autoptr(AmapAsset) library = amap_store_get_asset (store, V1_LIBRARY, &error);
    g_autoptr(AmapAsset) clinic = amap_store_get_asset (store, V1_CLINIC, &error);
    g_autoptr(AmapAsset) church = amap_store_get_asset (store, V1_CHURCH, &error);
    g_autoptr(AmapAsset) market = amap_store_get_asset (store, V1_MARKET, &error);
    g_autoptr(AmapAsset) club = amap_store_get_asset (store, V1_CLUB, &error);
    g_auto(GStrv) tags = amap_store_list_tags (store, &error);
    GPtrArray *contacts;
    GPtrArray *log;

    g_assert_no_error (error);
    g_assert_cmpstr (amap_asset_get_name (library), ==, "Riverside Library");
    g_assert_cmpstr (amap_asset_get_address (library), ==, "100 W Randolph St, Chicago, IL");
    g_assert_cmpstr (amap_asset_get_needs (library), ==, "Volunteers for story time");
    g_assert_true (amap_asset_get_is_hub (library));
    g_assert_cmpstr (amap_asset_get_extra (library, "Ward"), ==, "42");
    /* v3's columns: nothing known of where it came from. */
    g_assert_cmpstr (amap_asset_get_folders (library)[0], ==, NULL);
    g_assert_cmpint (amap_asset_get_location_source (library), ==, AMAP_LOCATION_SOURCE_UNKNOWN);
    g_assert_cmpfloat (amap_asset_get_latitude (library), ==, 41.88);
    g_assert_true (amap_asset_has_tag (library, "books"));
    g_assert_true (amap_asset_has_tag (library, "youth"));
    contacts = amap_asset_get_contacts (library);
    g_assert_cmpuint (contacts->len, ==, 2);
    g_assert_cmpstr (amap_contact_get_name (g_ptr_array_index (contacts, 0)), ==, "Ana Gómez");
    g_assert_cmpstr (amap_contact_get_email (g_ptr_array_index (contacts, 0)), ==, "ana@example.org");
    g_assert_cmpstr (amap_contact_get_name (g_ptr_array_index (contacts, 1)), ==, "Sam Okafor");
    log = amap_asset_get_interactions (library);
    g_assert_cmpuint (log->len, ==, 2);
    g_assert_cmpstr (amap_interaction_get_notes (g_ptr_array_index (log, 1)), ==,
                     "Planned the reading challenge");
    g_assert_cmpuint (amap_asset_get_contacts (clinic)->len, ==, 1);
    g_assert_cmpuint (amap_asset_get_interactions (clinic)->len, ==, 1);
    g_assert_true (amap_asset_has_tag (church, "food"));
    g_assert_cmpstr (amap_asset_get_source_id (market), ==, "mymaps-feature-17");
    g_assert_false (amap_asset_get_has_location (club));
    g_assert_cmpstr (amap_asset_get_category (club), !=, AMAP_CATEGORY_OTHER);
    g_assert_nonnull (amap_store_lookup_category (store, amap_asset_get_category (club)));
    g_assert_cmpuint (g_strv_length (tags), ==, 4);

    /* Search and the R*Tree still work. */
    {
      g_autoptr(GPtrArray) hits = amap_store_search (store, "story", &error);
      g_autoptr(GPtrArray) box = amap_store_query_box (store, 41.86, -87.65, 41.89, -87.61, &error);

      g_assert_cmpuint (hits->len, ==, 1);
      g_assert_cmpuint (box->len, ==, 4);
    }
  }

  /* The tours, with every stop: the bakery's stop is hidden while the
   * bakery is deleted, and comes back with it. */
  tours = amap_store_list_tours (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 2);
  fall = g_ptr_array_index (tours, 0);
  walk = g_ptr_array_index (tours, 1);
  g_assert_cmpstr (amap_tour_get_name (fall), ==, "Fall staff tour");
  g_assert_cmpstr (amap_tour_get_name (walk), ==, "Parent walk");
  g_assert_cmpint (amap_tour_get_modified (fall), ==, amap_tour_get_created (fall));
  g_assert_cmpint (amap_tour_get_created (fall), >, 0);
  {
    GDateTime *departure = amap_tour_get_departure (fall);
    g_autofree char *formatted = NULL;

    /* v1's "2024-08-20T09:00" is 9:00 on the computer's clock. */
    g_assert_nonnull (departure);
    formatted = g_date_time_format (departure, "%Y-%m-%d %H:%M %Z");
    g_assert_cmpstr (formatted, ==, "2024-08-20 09:00 PDT");
  }
  g_assert_null (amap_tour_get_departure (walk));
  g_assert_cmpint (amap_tour_get_start (fall, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_HOME);
  g_assert_cmpint (amap_tour_get_end (fall, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_START);
  g_assert_cmpuint (amap_tour_get_n_buses (fall), ==, 1);
  assert_stops (fall, (const char *[]) { V1_CHURCH, V1_LIBRARY, V1_CLINIC, NULL });
  g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (fall, 0)), ==,
                   "Meet Pastor Lee; ask about the summer meal site");
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (fall, 0)), ==, 20);
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (fall, 2)), ==, 0);
  assert_stops (walk, (const char *[]) { V1_CLINIC, NULL });
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (walk, 0)), ==, 20);

  g_assert_true (amap_store_restore_asset (store, V1_BAKERY, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AmapTour) back = amap_store_get_tour (store, amap_tour_get_id (fall), &error);

    assert_stops (back, (const char *[]) { V1_CHURCH, V1_LIBRARY, V1_CLINIC, V1_BAKERY, NULL });
    g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (back, 3)), ==, "Closed since May");
    g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (back, 3)), ==, 30);
  }

  /* The migrated tours take the new fields. */
  {
    g_autoptr(AmapTour) edit = amap_store_get_tour (store, amap_tour_get_id (walk), &error);

    amap_tour_set_n_buses (edit, 2);
    amap_tour_stop_set_bus (amap_tour_get_stop (edit, 0), 1);
    g_assert_true (amap_store_update_tour (store, edit, NULL, &error));
    g_assert_no_error (error);
  }

  /* Reopening migrates nothing again and leaves the backup alone. */
  g_clear_object (&store);
  g_assert_true (g_remove (backup) == 0);
  store = open_store (path);
  g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));
  text = sqlite_text (path, "SELECT group_concat(name, '|') FROM pragma_table_info('tours')");
  g_assert_null (strstr (text, "start_time"));
  g_assert_nonnull (strstr (text, "departure_zone"));

  /* The fixture itself is untouched. */
  {
    g_autofree char *again = NULL;
    gsize again_length;

    g_assert_true (g_file_get_contents (fixture, &again, &again_length, NULL));
    g_assert_true (again_length == original_length && memcmp (again, original, original_length) == 0);
  }
}

static void
test_batch (void)
{
  g_autoptr(AmapStore) store = open_new_store ("batch.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autoptr(AmapStoreBatch) batch = NULL;
  g_autoptr(AmapAsset) first = amap_asset_new ("Stop one");
  g_autoptr(AmapAsset) second = amap_asset_new ("Stop two");
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(AmapTour) bad = NULL;
  g_autoptr(AmapTour) stored = NULL;
  g_autoptr(GError) error = NULL;
  Signals signals;

  watch_signals (store, &signals);
  amap_asset_set_category (first, AMAP_CATEGORY_BUSINESS);
  amap_asset_set_location (first, 41.1, -87.1);
  amap_asset_set_category (second, AMAP_CATEGORY_HEALTH);
  amap_asset_set_location (second, 41.2, -87.2);

  /* Another program's trigger in the file refuses one stop's note. */
  sqlite_exec (path, "CREATE TRIGGER refuse_boom BEFORE INSERT ON tour_stops "
                     "WHEN NEW.note = 'boom' BEGIN SELECT RAISE (ABORT, 'refused'); END");

  /* An import: the assets, then a tour over them, in one transaction. */
  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_batch_put (batch, first, NULL, &error));
  g_assert_true (amap_store_batch_put (batch, second, NULL, &error));
  tour = make_tour ("Directions from Stop one to Stop two",
                    (const char *[]) { amap_asset_get_uuid (first), amap_asset_get_uuid (second), NULL });
  g_assert_true (amap_store_batch_add_tour (batch, tour, &error));
  g_assert_no_error (error);
  g_assert_cmpint (amap_tour_get_id (tour), >, 0);

  /* A bad tour is refused and the batch goes on without it. */
  bad = make_tour ("Broken", (const char *[]) { amap_asset_get_uuid (first), "nowhere", NULL });
  g_assert_false (amap_store_batch_add_tour (batch, bad, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (amap_tour_get_id (bad), ==, 0);

  /* A write that fails half-way (here at the trigger put in the file
   * above) takes back the tour's own rows, and the batch goes on. */
  {
    g_autoptr(AmapTour) half = make_tour ("Half written", (const char *[]) {
                                            amap_asset_get_uuid (first), amap_asset_get_uuid (second), NULL });

    amap_tour_stop_set_note (amap_tour_get_stop (half, 1), "boom");
    g_assert_false (amap_store_batch_add_tour (batch, half, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_cmpint (amap_tour_get_id (half), ==, 0);
  }

  /* Nothing else writes during the batch. */
  g_assert_false (amap_store_add_tour (store, bad, &error));
  g_clear_error (&error);

  g_assert_true (amap_store_batch_commit (g_steal_pointer (&batch), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signals.resets, ==, 1);
  g_assert_cmpuint (signals.ids->len, ==, 0);

  stored = amap_store_get_tour (store, amap_tour_get_id (tour), &error);
  g_assert_no_error (error);
  assert_stops (stored, (const char *[]) { amap_asset_get_uuid (first), amap_asset_get_uuid (second), NULL });
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tours"), ==, 1);
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tour_stops"), ==, 2);

  /* A batch that only adds a tour still tells the window. */
  batch = amap_store_batch_begin (store, &error);
  g_clear_object (&bad);
  bad = make_tour ("Second import", (const char *[]) { amap_asset_get_uuid (second), NULL });
  g_assert_true (amap_store_batch_add_tour (batch, bad, &error));
  g_assert_true (amap_store_batch_commit (g_steal_pointer (&batch), &error));
  g_assert_cmpuint (signals.resets, ==, 2);

  /* An aborted batch leaves no tour behind. */
  batch = amap_store_batch_begin (store, &error);
  g_clear_object (&bad);
  bad = make_tour ("Aborted", NULL);
  g_assert_true (amap_store_batch_add_tour (batch, bad, &error));
  amap_store_batch_abort (g_steal_pointer (&batch));
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tours"), ==, 2);

  /* Undoing an import takes its tour away with its assets; redo brings
   * both back. */
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tours"), ==, 1);
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM tours"), ==, 0);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 0);
  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  g_clear_object (&stored);
  stored = amap_store_get_tour (store, amap_tour_get_id (tour), &error);
  g_assert_no_error (error);
  assert_stops (stored, (const char *[]) { amap_asset_get_uuid (first), amap_asset_get_uuid (second), NULL });

  g_array_unref (signals.ids);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything asks for the local zone: one with daylight saving. */
  g_setenv ("TZ", "America/Los_Angeles", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store-tours/round-trip", test_round_trip);
  g_test_add_func ("/store-tours/validation", test_validation);
  g_test_add_func ("/store-tours/undo-redo", test_undo_redo);
  g_test_add_func ("/store-tours/deleted-asset", test_deleted_asset);
  g_test_add_func ("/store-tours/route-legs", test_route_legs);
  g_test_add_func ("/store-tours/departure-zone", test_departure_zone);
  g_test_add_func ("/store-tours/migration-v1", test_migration_v1);
  g_test_add_func ("/store-tours/batch", test_batch);

  return g_test_run ();
}
