/* test-store.c: the map file, its tables, queries, undo and batches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/* Helpers */

static char *
temp_map_path (const char *name)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives every test its own data dir. */
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "maps", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, name, NULL);
}

static AmapStore *
open_new_store (const char *name)
{
  g_autofree char *path = temp_map_path (name);
  g_autoptr(GError) error = NULL;
  AmapStore *store = amap_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_false (amap_store_get_read_only (store));
  return store;
}

static AmapAsset *
make_asset (const char *name,
            double      latitude,
            double      longitude)
{
  AmapAsset *asset = amap_asset_new (name);

  amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);
  return asset;
}

static char *
add_asset (AmapStore  *store,
           const char *name,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = make_asset (name, latitude, longitude);
  g_autoptr(GError) error = NULL;

  g_assert_true (amap_store_add_asset (store, asset, &error));
  g_assert_no_error (error);
  g_assert_nonnull (amap_asset_get_uuid (asset));
  return g_strdup (amap_asset_get_uuid (asset));
}

static gint64
sqlite_pragma (const char *path,
               const char *pragma)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", pragma);
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

static gboolean
ptr_array_has_string (GPtrArray  *array,
                      const char *str)
{
  for (guint i = 0; i < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), str) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_uuids (GPtrArray          *got,
              const char * const *expected)
{
  guint n = expected ? g_strv_length ((char **) expected) : 0;

  for (guint i = 0; i < n; i++)
    if (!ptr_array_has_string (got, expected[i]))
      g_error ("Expected %s in the result", expected[i]);
  g_assert_cmpuint (got->len, ==, n);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* For signals with one argument, like "notify" or "asset-added". */
static void
count1_cb (gpointer  instance,
           gpointer  arg,
           guint    *count)
{
  (*count)++;
}

/* A fully populated asset, every field set. */
static AmapAsset *
make_full_asset (void)
{
  AmapAsset *asset = amap_asset_new ("Café Luna");
  g_autoptr(AmapContact) rosa = amap_contact_new ("Rosa Díaz");
  g_autoptr(AmapContact) tom = amap_contact_new ("Tom Okafor");
  g_autoptr(AmapInteraction) visit = amap_interaction_new ("2024-03-02", AMAP_INTERACTION_VISIT,
                                                           "Met the owner");
  g_autoptr(AmapInteraction) call = amap_interaction_new ("2024-05-17", AMAP_INTERACTION_CALL,
                                                          NULL);
  const char *tags[] = { "food", "Spanish", "after-school", NULL };

  amap_asset_set_source_id (asset, "placemark-17");
  amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
  amap_asset_set_location (asset, 41.8781, -87.6298);
  amap_asset_set_shape (asset, "POLYGON ((-87.63 41.87, -87.62 41.87, -87.62 41.88, -87.63 41.87))");
  amap_asset_set_address (asset, "1200 W Main St");
  amap_asset_set_description (asset, "Family café on the corner");
  amap_asset_set_strengths (asset, "Meeting room, bilingual staff");
  amap_asset_set_needs (asset, "Volunteers for events");
  amap_asset_set_website (asset, "https://example.org/luna");
  amap_asset_set_phone (asset, "+1 312 555 0100");
  amap_asset_set_email (asset, "hello@example.org");
  amap_asset_set_is_hub (asset, TRUE);
  amap_asset_set_stage (asset, AMAP_STAGE_MET);
  amap_asset_set_tags (asset, tags);
  amap_asset_set_extra (asset, "Hours", "7–15");
  amap_asset_set_extra (asset, "Seats", "40");

  amap_contact_set_role (rosa, "Owner");
  amap_contact_set_phone (rosa, "555-0101");
  amap_contact_set_email (rosa, "rosa@example.org");
  amap_contact_set_language (rosa, "Spanish");
  amap_contact_set_notes (rosa, "Prefers mornings");
  amap_contact_set_role (tom, "Manager");
  amap_asset_add_contact (asset, rosa);
  amap_asset_add_contact (asset, tom);
  amap_asset_add_interaction (asset, call);
  amap_asset_add_interaction (asset, visit);

  return asset;
}

/* Tests: opening */

static void
test_new_file (void)
{
  g_autofree char *default_path = amap_store_get_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "asset-map",
                                                "default.assetmap", NULL);
  g_autofree char *dir = g_path_get_dirname (default_path);
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) builtin = amap_category_list_builtin ();
  GListModel *categories;

  g_assert_cmpstr (default_path, ==, expected);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (default_path, G_FILE_TEST_EXISTS));

  store = amap_store_open (default_path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (default_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (amap_store_get_path (store), ==, default_path);
  g_assert_false (amap_store_get_read_only (store));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 0);
  g_assert_null (amap_store_get_title (store));
  g_assert_false (amap_store_get_home (store, NULL, NULL, NULL));
  g_assert_cmpint (amap_store_get_created (store), >, 0);

  /* Built-in categories, in order, with distinct colors. */
  categories = amap_store_get_categories (store);
  g_assert_cmpuint (g_list_model_get_n_items (categories), ==, 10);
  g_assert_cmpuint (builtin->len, ==, 10);
  for (guint i = 0; i < builtin->len; i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);
      AmapCategory *expected_category = g_ptr_array_index (builtin, i);

      g_assert_cmpstr (amap_category_get_key (category), ==,
                       amap_category_get_key (expected_category));
      g_assert_cmpstr (amap_category_get_name (category), ==,
                       amap_category_get_name (expected_category));
      g_assert_true (amap_color_is_valid (amap_category_get_color (category)));
      g_assert_true (g_str_has_suffix (amap_category_get_icon_name (category), "-symbolic"));
      g_assert_true (amap_category_get_builtin (category));

      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (amap_category_get_color (category), !=,
                         amap_category_get_color (g_ptr_array_index (builtin, j)));
    }
  /* Without a store, the same built-ins by key. */
  g_assert_cmpstr (amap_category_get_color (amap_category_lookup_builtin (AMAP_CATEGORY_BUSINESS)), ==, "#e66100");
  g_assert_true (amap_category_get_builtin (amap_category_lookup_builtin (AMAP_CATEGORY_PARK)));
  g_assert_null (amap_category_lookup_builtin ("community-gardens"));
  g_assert_null (amap_category_lookup_builtin (NULL));
  {
    AmapCategory *business = amap_store_lookup_category (store, "business");

    g_assert_cmpstr (amap_category_get_name (business), ==, "Business");
    g_assert_cmpstr (amap_category_get_color (business), ==, "#e66100");
  }

  g_clear_object (&store);

  /* The file says it is ours, at schema version 5. */
  g_assert_cmpint (sqlite_pragma (default_path, "user_version"), ==, 5);
  g_assert_cmpint (sqlite_pragma (default_path, "application_id"), ==, AMAP_STORE_APPLICATION_ID);
  g_assert_cmpint (AMAP_STORE_SCHEMA_VERSION, ==, 5);

  /* Reopening an existing map works and makes no backup. */
  store = amap_store_open (default_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, 10);
  {
    g_autofree char *backup = g_strdup_printf ("%s.backup-v0", default_path);
    g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));
  }
}

static void
test_empty_file_is_new (void)
{
  g_autofree char *path = temp_map_path ("empty.assetmap");
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, 10);
}

static void
test_metadata (void)
{
  g_autofree char *path = temp_map_path ("meta.assetmap");
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  double lat = 0, lon = 0;
  const char *name = NULL;
  guint notified = 0;
  guint home_changed = 0;

  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "notify::title", G_CALLBACK (count1_cb), &notified);
  g_signal_connect (store, "home-changed", G_CALLBACK (count_cb), &home_changed);

  g_assert_true (amap_store_set_title (store, "Lincoln Elementary Neighborhood", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_title (store), ==, "Lincoln Elementary Neighborhood");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (amap_store_set_title (store, "Lincoln Elementary Neighborhood", &error));
  g_assert_cmpuint (notified, ==, 1);

  g_assert_true (amap_store_set_home (store, "Lincoln Elementary", 41.9, -87.7, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (home_changed, ==, 1);
  /* Setting the title does not move the home. */
  g_assert_true (amap_store_set_title (store, "Lincoln Neighborhood", &error));
  g_assert_true (amap_store_set_title (store, "Lincoln Elementary Neighborhood", &error));
  g_assert_cmpuint (home_changed, ==, 1);

  /* A home off the planet is refused and changes nothing. */
  g_assert_false (amap_store_set_home (store, "Nowhere", 95.0, 0.0, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (amap_store_set_home (store, "Nowhere", NAN, 0.0, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (home_changed, ==, 1);

  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_title (store), ==, "Lincoln Elementary Neighborhood");
  g_assert_true (amap_store_get_home (store, &lat, &lon, &name));
  g_assert_cmpfloat (lat, ==, 41.9);
  g_assert_cmpfloat (lon, ==, -87.7);
  g_assert_cmpstr (name, ==, "Lincoln Elementary");
  g_assert_cmpint (amap_store_get_modified (store), >=, amap_store_get_created (store));

  g_assert_true (amap_store_set_title (store, "", &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_get_title (store));
  g_signal_connect (store, "home-changed", G_CALLBACK (count_cb), &home_changed);
  home_changed = 0;
  g_assert_true (amap_store_clear_home (store, &error));
  g_assert_no_error (error);
  g_assert_false (amap_store_get_home (store, NULL, NULL, NULL));
  g_assert_cmpuint (home_changed, ==, 1);

  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (amap_store_get_title (store));
  g_assert_false (amap_store_get_home (store, NULL, NULL, NULL));
}

/* Setting or removing the school's location is an undo step of its own;
 * setting it where it is makes none. */
static void
test_home_undo (void)
{
  g_autofree char *path = temp_map_path ("home-undo.assetmap");
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  double lat = 0, lon = 0;
  const char *name = NULL;
  guint home_changed = 0;

  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "home-changed", G_CALLBACK (count_cb), &home_changed);
  g_assert_false (amap_store_get_can_undo (store));

  g_assert_true (amap_store_set_home (store, "Lincoln Elementary", 41.9, -87.7, &error));
  g_assert_no_error (error);
  g_assert_true (amap_store_get_can_undo (store));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Set School Location");
  g_assert_true (amap_store_set_home (store, "Lincoln Elementary", 41.9, -87.7, &error));
  g_assert_true (amap_store_set_home (store, "Lincoln Elementary School", 41.91, -87.71, &error));
  g_assert_cmpuint (home_changed, ==, 2);

  /* Back to the first, then to none. */
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (home_changed, ==, 3);
  g_assert_true (amap_store_get_home (store, &lat, &lon, &name));
  g_assert_cmpfloat (lat, ==, 41.9);
  g_assert_cmpfloat (lon, ==, -87.7);
  g_assert_cmpstr (name, ==, "Lincoln Elementary");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_false (amap_store_get_home (store, NULL, NULL, NULL));
  g_assert_false (amap_store_get_can_undo (store));
  g_assert_cmpuint (home_changed, ==, 4);

  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  g_assert_true (amap_store_get_home (store, &lat, &lon, &name));
  g_assert_cmpstr (name, ==, "Lincoln Elementary");

  g_assert_true (amap_store_clear_home (store, &error));
  g_assert_false (amap_store_get_home (store, NULL, NULL, NULL));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Remove School Location");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_true (amap_store_get_home (store, &lat, &lon, NULL));
  g_assert_cmpfloat (lon, ==, -87.7);

  /* What the file holds, not only the store's copy. */
  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_get_home (store, &lat, &lon, &name));
  g_assert_cmpfloat (lat, ==, 41.9);
  g_assert_cmpstr (name, ==, "Lincoln Elementary");
}

static void
test_categories (void)
{
  g_autoptr(AmapStore) store = open_new_store ("categories.assetmap");
  g_autoptr(AmapCategory) garden = NULL;
  g_autoptr(AmapCategory) garden2 = NULL;
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  guint changed = 0;

  g_signal_connect (store, "categories-changed", G_CALLBACK (count_cb), &changed);

  garden = amap_store_add_category (store, "Community Gardens", "#33d17a", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_category_get_key (garden), ==, "community-gardens");
  g_assert_cmpstr (amap_category_get_name (garden), ==, "Community Gardens");
  g_assert_false (amap_category_get_builtin (garden));
  g_assert_nonnull (amap_category_get_icon_name (garden));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, 11);

  /* Same name again: a distinct key. */
  garden2 = amap_store_add_category (store, "Community Gardens", "#2ec27e", "emoji-nature-symbolic", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_category_get_key (garden2), !=, "community-gardens");

  /* Bad names and colors change nothing. */
  g_assert_null (amap_store_add_category (store, "  ", "#33d17a", NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (amap_store_add_category (store, "Blue", "blue", NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, 12);

  asset = make_asset ("Eastside Garden", 41.0, -87.0);
  amap_asset_set_category (asset, "community-gardens");
  g_assert_true (amap_store_add_asset (store, asset, &error));
  g_assert_no_error (error);

  /* Categories persist. */
  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&garden);
  garden = g_object_ref (amap_store_lookup_category (store, "community-gardens"));
  g_assert_cmpstr (amap_category_get_color (garden), ==, "#33d17a");

  /* Built-ins stay. */
  g_assert_false (amap_store_remove_category (store, AMAP_CATEGORY_PARK, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (amap_store_remove_category (store, "no-such-thing", &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Removing a used category moves its assets to "Other". */
  g_assert_true (amap_store_remove_category (store, "community-gardens", &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_lookup_category (store, "community-gardens"));
  stored = amap_store_get_asset (store, amap_asset_get_uuid (asset), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_category (stored), ==, AMAP_CATEGORY_OTHER);
}

/* Tests: assets */

/* Folders and the location's source (schema v3) survive the store, an
 * edit that changes them and an undo; the folder labels list each once. */
static void
test_asset_folders (void)
{
  g_autoptr(AmapStore) store = open_new_store ("folders.assetmap");
  g_autoptr(AmapAsset) market = amap_asset_new ("Fruitvale Market");
  g_autoptr(AmapAsset) church = amap_asset_new ("St. Elizabeth");
  g_autoptr(AmapAsset) plain = amap_asset_new ("No folder");
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) labels = NULL;
  const char *food[] = { "Comida y mercados", " Tiendas ", "", NULL };
  const char *faith[] = { "Faith", NULL };
  g_autofree char *label = NULL;

  amap_asset_set_folders (market, food);
  amap_asset_set_location (market, 37.77, -122.22);
  amap_asset_set_location_source (market, AMAP_LOCATION_SOURCE_IMPORTED);
  amap_asset_set_folders (church, faith);
  amap_asset_set_location_source (church, AMAP_LOCATION_SOURCE_GEOCODED);
  g_assert_true (amap_store_add_asset (store, market, &error));
  g_assert_true (amap_store_add_asset (store, church, &error));
  g_assert_true (amap_store_add_asset (store, plain, &error));
  g_assert_no_error (error);

  /* Trimmed, empty names dropped. */
  g_assert_cmpuint (g_strv_length ((char **) amap_asset_get_folders (market)), ==, 2);
  label = amap_asset_dup_folder_label (market);
  g_assert_cmpstr (label, ==, "Comida y mercados › Tiendas");
  g_assert_null (amap_asset_dup_folder_label (plain));

  stored = amap_store_get_asset (store, amap_asset_get_uuid (market), &error);
  g_assert_no_error (error);
  g_assert_true (amap_asset_equal (stored, market));
  g_assert_cmpstr (amap_asset_get_folders (stored)[1], ==, "Tiendas");
  g_assert_cmpint (amap_asset_get_location_source (stored), ==, AMAP_LOCATION_SOURCE_IMPORTED);
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, amap_asset_get_uuid (plain), &error);
  g_assert_cmpstr (amap_asset_get_folders (stored)[0], ==, NULL);
  g_assert_cmpint (amap_asset_get_location_source (stored), ==, AMAP_LOCATION_SOURCE_UNKNOWN);
  g_clear_object (&stored);

  labels = amap_store_list_folders (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (labels), ==, 2);
  g_assert_cmpstr (labels[0], ==, "Comida y mercados › Tiendas");
  g_assert_cmpstr (labels[1], ==, "Faith");
  g_clear_pointer (&labels, g_strfreev);

  /* Moving the geocoded one by hand makes it the user's; undo brings back
   * the folders and the source. */
  stored = amap_store_get_asset (store, amap_asset_get_uuid (church), &error);
  amap_asset_set_folders (stored, NULL);
  amap_asset_set_location_source (stored, AMAP_LOCATION_SOURCE_MANUAL);
  g_assert_true (amap_store_update_asset (store, stored, &error));
  g_clear_object (&stored);
  labels = amap_store_list_folders (store, &error);
  g_assert_cmpuint (g_strv_length (labels), ==, 1);
  g_clear_pointer (&labels, g_strfreev);

  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  stored = amap_store_get_asset (store, amap_asset_get_uuid (church), &error);
  g_assert_cmpstr (amap_asset_get_folders (stored)[0], ==, "Faith");
  g_assert_cmpint (amap_asset_get_location_source (stored), ==, AMAP_LOCATION_SOURCE_GEOCODED);

  /* A deleted asset's folders are not offered. */
  g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (market), &error));
  labels = amap_store_list_folders (store, &error);
  g_assert_cmpuint (g_strv_length (labels), ==, 1);
  g_assert_cmpstr (labels[0], ==, "Faith");
}

static void
test_asset_round_trip (void)
{
  g_autoptr(AmapStore) store = open_new_store ("assets.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autoptr(AmapAsset) asset = make_full_asset ();
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(AmapAsset) edited = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapInteraction) meeting = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) tags = NULL;
  const char *new_tags[] = { "food", "partner", NULL };
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (amap_store_add_asset (store, asset, &error));
  g_assert_no_error (error);
  g_assert_nonnull (amap_asset_get_uuid (asset));
  g_assert_cmpint (amap_asset_get_created (asset), >=, before);
  g_assert_cmpint (amap_asset_get_modified (asset), ==, amap_asset_get_created (asset));
  /* last-contacted follows the newest interaction. */
  g_assert_cmpstr (amap_asset_get_last_contacted (asset), ==, "2024-05-17");

  stored = amap_store_get_asset (store, amap_asset_get_uuid (asset), &error);
  g_assert_no_error (error);
  g_assert_true (amap_asset_equal (stored, asset));
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "Café Luna");
  g_assert_cmpstr (amap_asset_get_source_id (stored), ==, "placemark-17");
  g_assert_cmpfloat (amap_asset_get_latitude (stored), ==, 41.8781);
  g_assert_cmpfloat (amap_asset_get_longitude (stored), ==, -87.6298);
  g_assert_true (amap_asset_get_is_hub (stored));
  g_assert_cmpint (amap_asset_get_stage (stored), ==, AMAP_STAGE_MET);
  g_assert_cmpstr (amap_asset_get_extra (stored, "Hours"), ==, "7–15");
  keys = amap_asset_dup_extra_keys (stored);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "Hours");
  g_assert_cmpstr (keys[1], ==, "Seats");
  g_assert_cmpuint (g_strv_length ((char **) amap_asset_get_tags (stored)), ==, 3);
  g_assert_true (amap_asset_has_tag (stored, "Spanish"));
  g_assert_cmpuint (amap_asset_get_contacts (stored)->len, ==, 2);
  g_assert_cmpstr (amap_contact_get_name (g_ptr_array_index (amap_asset_get_contacts (stored), 0)),
                   ==, "Rosa Díaz");
  g_assert_cmpstr (amap_contact_get_language (g_ptr_array_index (amap_asset_get_contacts (stored), 0)),
                   ==, "Spanish");
  g_assert_cmpint (amap_contact_get_id (g_ptr_array_index (amap_asset_get_contacts (stored), 0)), >, 0);
  g_assert_cmpuint (amap_asset_get_interactions (stored)->len, ==, 2);
  g_assert_cmpstr (amap_interaction_get_date (g_ptr_array_index (amap_asset_get_interactions (stored), 0)),
                   ==, "2024-03-02");

  tags = amap_store_list_tags (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (tags), ==, 3);
  g_assert_cmpstr (tags[0], ==, "Spanish");
  g_assert_cmpstr (tags[1], ==, "after-school");
  g_assert_cmpstr (tags[2], ==, "food");

  /* Update every kind of field. */
  edited = amap_asset_copy (stored);
  amap_asset_set_name (edited, "Café Luna & Bakery");
  amap_asset_set_source_id (edited, NULL);
  amap_asset_set_category (edited, AMAP_CATEGORY_HUB);
  amap_asset_clear_location (edited);
  amap_asset_set_shape (edited, NULL);
  amap_asset_set_address (edited, "1202 W Main St");
  amap_asset_set_description (edited, NULL);
  amap_asset_set_strengths (edited, "Kitchen");
  amap_asset_set_needs (edited, "");
  amap_asset_set_website (edited, "https://example.org/bakery");
  amap_asset_set_phone (edited, NULL);
  amap_asset_set_email (edited, "bakery@example.org");
  amap_asset_set_is_hub (edited, FALSE);
  amap_asset_set_stage (edited, AMAP_STAGE_PARTNER);
  amap_asset_set_tags (edited, new_tags);
  amap_asset_set_extra (edited, "Seats", NULL);
  amap_asset_set_extra (edited, "Owner since", "2019");
  amap_contact_set_role (g_ptr_array_index (amap_asset_get_contacts (edited), 0), "Co-owner");
  amap_asset_remove_contact (edited, g_ptr_array_index (amap_asset_get_contacts (edited), 1));
  meeting = amap_interaction_new ("2024-09-30", AMAP_INTERACTION_MEETING, "Signed up for fair");
  amap_asset_add_interaction (edited, meeting);

  g_assert_true (amap_store_update_asset (store, edited, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_last_contacted (edited), ==, "2024-09-30");

  /* Read back through a new connection. */
  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, amap_asset_get_uuid (asset), &error);
  g_assert_no_error (error);
  g_assert_true (amap_asset_equal (stored, edited));
  g_assert_false (amap_asset_get_has_location (stored));
  g_assert_null (amap_asset_get_needs (stored));
  g_assert_null (amap_asset_get_extra (stored, "Seats"));
  g_assert_cmpstr (amap_asset_get_extra (stored, "Owner since"), ==, "2019");
  g_assert_cmpuint (amap_asset_get_contacts (stored)->len, ==, 1);
  g_assert_cmpstr (amap_contact_get_role (g_ptr_array_index (amap_asset_get_contacts (stored), 0)),
                   ==, "Co-owner");
  g_assert_cmpuint (amap_asset_get_interactions (stored)->len, ==, 3);
  g_assert_cmpint (amap_asset_get_created (stored), ==, amap_asset_get_created (asset));

  g_strfreev (tags);
  tags = amap_store_list_tags (store, &error);
  g_assert_cmpuint (g_strv_length (tags), ==, 2);
  g_assert_cmpstr (tags[0], ==, "food");
  g_assert_cmpstr (tags[1], ==, "partner");

  /* Listing. */
  g_free (add_asset (store, "Aardvark Books", 41.0, -87.0));
  g_free (add_asset (store, "zebra Park", 41.0, -87.0));
  all = amap_store_list_assets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 3);
  g_assert_cmpstr (amap_asset_get_name (g_ptr_array_index (all, 0)), ==, "Aardvark Books");
  g_assert_cmpstr (amap_asset_get_name (g_ptr_array_index (all, 1)), ==, "Café Luna & Bakery");
  g_assert_cmpstr (amap_asset_get_name (g_ptr_array_index (all, 2)), ==, "zebra Park");
  g_assert_true (amap_asset_equal (g_ptr_array_index (all, 1), stored));

  /* Delete: gone from every query, but kept in the file. */
  g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (asset), &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_get_asset (store, amap_asset_get_uuid (asset), &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);
  g_clear_pointer (&all, g_ptr_array_unref);
  all = amap_store_list_assets (store, &error);
  g_assert_cmpuint (all->len, ==, 2);
  g_strfreev (tags);
  tags = amap_store_list_tags (store, &error);
  g_assert_cmpuint (g_strv_length (tags), ==, 0);
  g_assert_false (amap_store_delete_asset (store, amap_asset_get_uuid (asset), &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (amap_store_update_asset (store, stored, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Restore brings it back whole. */
  g_assert_true (amap_store_restore_asset (store, amap_asset_get_uuid (asset), &error));
  g_assert_no_error (error);
  {
    g_autoptr(AmapAsset) restored = amap_store_get_asset (store, amap_asset_get_uuid (asset), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (amap_asset_get_contacts (restored)->len, ==, 1);
    g_assert_cmpuint (amap_asset_get_interactions (restored)->len, ==, 3);
  }
  g_assert_cmpuint (amap_store_count_assets (store), ==, 3);
}

static void
append_stop (AmapTour   *tour,
             const char *uuid)
{
  g_autoptr(AmapTourStop) stop = amap_tour_stop_new (uuid);

  amap_tour_insert_stop (tour, amap_tour_get_n_stops (tour), stop);
}

static AmapTour *
make_tour (const char         *name,
           const char * const *uuids,
           const int          *dwell,
           const char * const *notes,
           guint               n_stops)
{
  AmapTour *tour = amap_tour_new (name);

  for (guint i = 0; i < n_stops; i++)
    {
      g_autoptr(AmapTourStop) stop = amap_tour_stop_new (uuids[i]);

      amap_tour_stop_set_dwell_minutes (stop, dwell[i]);
      if (notes != NULL)
        amap_tour_stop_set_note (stop, notes[i]);
      amap_tour_insert_stop (tour, i, stop);
    }

  return tour;
}

static void
assert_tour_stops (AmapStore          *store,
                   gint64              id,
                   const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapTour) tour = amap_store_get_tour (store, id, &error);
  guint n = g_strv_length ((char **) expected);

  g_assert_no_error (error);
  g_assert_cmpuint (amap_tour_get_n_stops (tour), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (amap_tour_stop_get_asset_uuid (amap_tour_get_stop (tour, i)), ==, expected[i]);
}

/* An asset with every kind of detail a summary leaves out. */
static AmapAsset *
make_detailed_asset (const char *name)
{
  AmapAsset *asset = make_asset (name, 41.88, -87.63);
  g_autoptr(AmapContact) contact = amap_contact_new ("Ana Ruiz");
  g_autoptr(AmapInteraction) visit = amap_interaction_new ("2024-05-06", AMAP_INTERACTION_VISIT, "First visit");
  const char *folders[] = { "Layer A", "Parks", NULL };

  amap_asset_set_source_id (asset, "pm-1");
  amap_asset_set_address (asset, "1 Main St");
  amap_asset_set_description (asset, "Line one<br>line two");
  amap_asset_set_strengths (asset, "A big hall");
  amap_asset_set_needs (asset, "Chairs");
  amap_asset_set_website (asset, "https://example.org");
  amap_asset_set_phone (asset, "555-0100");
  amap_asset_set_email (asset, "a@example.org");
  amap_asset_set_is_hub (asset, TRUE);
  amap_asset_set_stage (asset, AMAP_STAGE_MET);
  amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_GEOCODED);
  amap_asset_set_extra (asset, "Hours", "9-5");
  amap_asset_set_folders (asset, folders);
  amap_asset_add_tag (asset, "zeta");
  amap_asset_add_tag (asset, "alpha");
  amap_contact_set_role (contact, "Pastor");
  amap_asset_add_contact (asset, contact);
  amap_asset_add_interaction (asset, visit);
  return asset;
}

/* The list's summaries hold what the whole assets hold of the summary's
 * fields, in the same order, and nothing of the details. */
static void
test_summaries (void)
{
  g_autoptr(AmapStore) store = open_new_store ("summaries.assetmap");
  g_autoptr(AmapAsset) detailed = make_detailed_asset ("Église Saint-Paul");
  g_autoptr(AmapAsset) shape = make_asset ("Riverside trail", 41.0, -87.0);
  g_autoptr(GPtrArray) whole = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *nowhere = NULL;
  g_autofree char *twin = NULL;

  g_assert_true (amap_store_add_asset (store, detailed, &error));
  g_assert_no_error (error);
  amap_asset_set_shape (shape, "LINESTRING (-87 41, -87.1 41.1)");
  amap_asset_set_stage (shape, AMAP_STAGE_PARTNER);
  g_assert_true (amap_store_add_asset (store, shape, &error));
  g_assert_no_error (error);
  nowhere = add_asset (store, "apple orchard", NAN, NAN);
  twin = add_asset (store, "Apple Orchard", 40.0, -88.0);
  gone = add_asset (store, "Deleted Diner", 40.5, -88.5);
  g_assert_true (amap_store_delete_asset (store, gone, &error));
  g_assert_no_error (error);

  whole = amap_store_list_assets (store, &error);
  g_assert_no_error (error);
  summaries = amap_store_list_summaries (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, 4);
  g_assert_cmpuint (summaries->len, ==, whole->len);

  for (guint i = 0; i < whole->len; i++)
    {
      AmapAsset *full = g_ptr_array_index (whole, i);
      AmapAsset *summary = g_ptr_array_index (summaries, i);
      g_autoptr(AmapAsset) expected = amap_asset_summarize (full);
      g_autoptr(AmapAsset) copy = amap_asset_copy (summary);

      g_assert_false (amap_asset_is_summary (full));
      g_assert_true (amap_asset_is_summary (summary));
      g_assert_true (amap_asset_is_summary (copy));
      g_assert_cmpstr (amap_asset_get_uuid (summary), ==, amap_asset_get_uuid (full));
      g_assert_true (amap_asset_equal (summary, expected));
      g_assert_false (amap_asset_equal (summary, full));
      /* The details are not there. */
      g_assert_null (amap_asset_get_description (summary));
      g_assert_null (amap_asset_get_address (summary));
      g_assert_null (amap_asset_get_source_id (summary));
      g_assert_null (amap_asset_get_extra (summary, "Hours"));
      g_assert_cmpuint (amap_asset_get_contacts (summary)->len, ==, 0);
      g_assert_cmpuint (amap_asset_get_interactions (summary)->len, ==, 0);
    }

  for (guint i = 0; i < summaries->len; i++)
    {
      AmapAsset *summary = g_ptr_array_index (summaries, i);

      if (g_strcmp0 (amap_asset_get_uuid (summary), amap_asset_get_uuid (detailed)) == 0)
        {
          const char * const *tags = amap_asset_get_tags (summary);
          g_autofree char *folder = amap_asset_dup_folder_label (summary);

          g_assert_cmpstr (amap_asset_get_name (summary), ==, "Église Saint-Paul");
          g_assert_cmpstr (amap_asset_get_category (summary), ==, AMAP_CATEGORY_BUSINESS);
          g_assert_cmpfloat (amap_asset_get_latitude (summary), ==, 41.88);
          g_assert_cmpfloat (amap_asset_get_longitude (summary), ==, -87.63);
          g_assert_true (amap_asset_get_is_hub (summary));
          g_assert_cmpint (amap_asset_get_stage (summary), ==, AMAP_STAGE_MET);
          g_assert_cmpint (amap_asset_get_location_source (summary), ==, AMAP_LOCATION_SOURCE_GEOCODED);
          /* Last contacted follows the log, which the summary leaves out. */
          g_assert_cmpstr (amap_asset_get_last_contacted (summary), ==, "2024-05-06");
          g_assert_cmpstr (tags[0], ==, "alpha");
          g_assert_cmpstr (tags[1], ==, "zeta");
          g_assert_null (tags[2]);
          g_assert_cmpstr (folder, ==, "Layer A › Parks");
        }
      else if (g_strcmp0 (amap_asset_get_uuid (summary), amap_asset_get_uuid (shape)) == 0)
        {
          g_assert_cmpstr (amap_asset_get_shape (summary), ==, "LINESTRING (-87 41, -87.1 41.1)");
          g_assert_cmpint (amap_asset_get_stage (summary), ==, AMAP_STAGE_PARTNER);
        }
      else if (g_strcmp0 (amap_asset_get_uuid (summary), nowhere) == 0)
        g_assert_false (amap_asset_get_has_location (summary));
      else
        g_assert_cmpstr (amap_asset_get_uuid (summary), ==, twin);
    }

  /* The whole assets of summaries, in their order. */
  {
    g_autoptr(GPtrArray) fetched = amap_store_get_assets (store, summaries, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (fetched->len, ==, whole->len);
    for (guint i = 0; i < whole->len; i++)
      g_assert_true (amap_asset_equal (g_ptr_array_index (fetched, i), g_ptr_array_index (whole, i)));
  }
}

/* A summary (or a copy of one) saved over its asset would blank the
 * details it does not hold: the store refuses it, says so, and changes
 * nothing. */
static void
test_summary_refused (void)
{
  g_autoptr(AmapStore) store = open_new_store ("refused.assetmap");
  g_autoptr(AmapAsset) detailed = make_detailed_asset ("Community Garden");
  g_autoptr(AmapAsset) before = NULL;
  g_autoptr(AmapAsset) after = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(AmapAsset) changed = NULL;
  g_autoptr(GPtrArray) several = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *other = NULL;
  g_autofree char *undo_label = NULL;
  AmapStoreBatch *batch;

  g_assert_true (amap_store_add_asset (store, detailed, &error));
  g_assert_no_error (error);
  other = add_asset (store, "Bakery", 41.0, -87.0);
  before = amap_store_get_asset (store, amap_asset_get_uuid (detailed), &error);
  g_assert_no_error (error);
  undo_label = g_strdup (amap_store_get_undo_label (store));

  summaries = amap_store_list_summaries (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, 2);
  changed = amap_asset_copy (g_ptr_array_index (summaries, 1));
  g_assert_cmpstr (amap_asset_get_uuid (changed), ==, amap_asset_get_uuid (detailed));
  amap_asset_set_stage (changed, AMAP_STAGE_PARTNER);

  /* One asset. */
  g_test_expect_message ("amap-store", G_LOG_LEVEL_CRITICAL, "*summary*");
  g_assert_false (amap_store_update_asset (store, changed, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Community Garden"));
  g_clear_error (&error);

  /* Several, a summary among whole assets: none is saved. */
  {
    AmapAsset *bakery = amap_store_get_asset (store, other, &error);

    g_assert_no_error (error);
    amap_asset_set_stage (bakery, AMAP_STAGE_PARTNER);
    g_ptr_array_add (several, bakery);
    g_ptr_array_add (several, g_object_ref (changed));
  }
  g_test_expect_message ("amap-store", G_LOG_LEVEL_CRITICAL, "*summary*");
  g_assert_false (amap_store_update_assets (store, several, AMAP_BULK_SET_STAGE, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_clear_error (&error);

  /* A summary as a new asset would be a copy without its details. */
  amap_asset_set_uuid (changed, NULL);
  g_test_expect_message ("amap-store", G_LOG_LEVEL_CRITICAL, "*summary*");
  g_assert_false (amap_store_add_asset (store, changed, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_clear_error (&error);
  amap_asset_set_uuid (changed, amap_asset_get_uuid (detailed));

  /* Nor through a batch, which writes the same way. */
  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  g_test_expect_message ("amap-store", G_LOG_LEVEL_CRITICAL, "*summary*");
  g_assert_false (amap_store_batch_put (batch, changed, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_FAILED);
  g_clear_error (&error);
  amap_store_batch_abort (batch);

  /* Nothing changed, nothing to undo. */
  after = amap_store_get_asset (store, amap_asset_get_uuid (detailed), &error);
  g_assert_no_error (error);
  g_assert_true (amap_asset_equal (before, after));
  g_assert_cmpstr (amap_asset_get_description (after), ==, "Line one<br>line two");
  g_assert_cmpuint (amap_asset_get_contacts (after)->len, ==, 1);
  g_assert_cmpuint (amap_asset_get_interactions (after)->len, ==, 1);
  g_assert_cmpint (amap_asset_get_stage (after), ==, AMAP_STAGE_MET);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, undo_label);
  {
    g_autoptr(AmapAsset) bakery = amap_store_get_asset (store, other, NULL);

    g_assert_cmpint (amap_asset_get_stage (bakery), ==, AMAP_STAGE_IDENTIFIED);
  }

  /* The whole asset saves. */
  {
    g_autoptr(AmapAsset) whole = amap_store_get_asset (store, amap_asset_get_uuid (detailed), NULL);

    amap_asset_set_stage (whole, AMAP_STAGE_PARTNER);
    g_assert_true (amap_store_update_asset (store, whole, &error));
    g_assert_no_error (error);
    g_clear_object (&after);
    after = amap_store_get_asset (store, amap_asset_get_uuid (detailed), NULL);
    g_assert_cmpint (amap_asset_get_stage (after), ==, AMAP_STAGE_PARTNER);
    g_assert_cmpstr (amap_asset_get_description (after), ==, "Line one<br>line two");
    g_assert_cmpuint (amap_asset_get_contacts (after)->len, ==, 1);
  }
}

static void
test_tours (void)
{
  g_autoptr(AmapStore) store = open_new_store ("tours.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autofree char *a = add_asset (store, "Library", 41.0, -87.0);
  g_autofree char *b = add_asset (store, "Clinic", 41.1, -87.1);
  g_autofree char *c = add_asset (store, "Church", 41.2, -87.2);
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(AmapTour) other = NULL;
  g_autoptr(AmapTour) stored = NULL;
  g_autoptr(AmapTour) bad = NULL;
  g_autoptr(GError) error = NULL;
  const char *order[] = { c, a, b };
  const int dwell[] = { 20, 15, 0 };
  const char *notes[] = { "Meet Pastor Lee", NULL, "" };
  const char *bad_order[] = { a, "no-such-uuid" };
  gint64 id;

  tour = make_tour ("New teacher bus tour", order, dwell, notes, 3);
  g_assert_true (amap_store_add_tour (store, tour, &error));
  g_assert_no_error (error);
  id = amap_tour_get_id (tour);
  g_assert_cmpint (id, >, 0);
  other = amap_tour_new ("Parent walk");
  g_assert_true (amap_store_add_tour (store, other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (amap_tour_get_id (other), !=, id);
  bad = amap_tour_new (" ");
  g_assert_false (amap_store_add_tour (store, bad, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (amap_tour_get_id (bad), ==, 0);

  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);

  assert_tour_stops (store, id, (const char *[]) { c, a, b, NULL });
  stored = amap_store_get_tour (store, id, &error);
  g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (stored, 0)), ==, "Meet Pastor Lee");
  g_assert_null (amap_tour_stop_get_note (amap_tour_get_stop (stored, 2)));
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (stored, 0)), ==, 20);
  g_clear_object (&stored);

  /* A bad stop list changes nothing. */
  g_clear_object (&bad);
  bad = make_tour ("New teacher bus tour", bad_order, dwell, NULL, 2);
  amap_tour_set_id (bad, id);
  g_assert_false (amap_store_update_tour (store, bad, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_tour_stops (store, id, (const char *[]) { c, a, b, NULL });

  /* A deleted asset drops out of the tour. */
  g_assert_true (amap_store_delete_asset (store, a, &error));
  assert_tour_stops (store, id, (const char *[]) { c, b, NULL });

  stored = amap_store_get_tour (store, id, &error);
  amap_tour_set_name (stored, "Fall bus tour");
  g_assert_true (amap_store_update_tour (store, stored, NULL, &error));
  g_assert_no_error (error);
  amap_tour_set_id (stored, 9999);
  g_assert_false (amap_store_update_tour (store, stored, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&stored);

  /* Replacing with fewer stops. */
  g_clear_object (&other);
  other = amap_store_find_tour (store, "parent walk", &error);
  g_assert_no_error (error);
  append_stop (other, b);
  g_assert_true (amap_store_update_tour (store, other, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (amap_store_delete_tour (store, id, &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_get_tour (store, id, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (amap_store_delete_tour (store, id, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (amap_store_update_tour (store, tour, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The other tour is untouched. */
  assert_tour_stops (store, amap_tour_get_id (other), (const char *[]) { b, NULL });
}

/* Tests: bad input */

typedef void (*Spoil) (AmapAsset *asset);

static void
spoil_empty_name (AmapAsset *asset)
{
  amap_asset_set_name (asset, NULL);
}

static void
spoil_blank_name (AmapAsset *asset)
{
  amap_asset_set_name (asset, " \t\n");
}

static void
spoil_lat_high (AmapAsset *asset)
{
  amap_asset_set_location (asset, 90.0001, 0);
}

static void
spoil_lat_low (AmapAsset *asset)
{
  amap_asset_set_location (asset, -91, 0);
}

static void
spoil_lon_high (AmapAsset *asset)
{
  amap_asset_set_location (asset, 0, 180.5);
}

static void
spoil_lon_low (AmapAsset *asset)
{
  amap_asset_set_location (asset, 0, -181);
}

static void
spoil_lat_nan (AmapAsset *asset)
{
  amap_asset_set_location (asset, NAN, 10);
}

static void
spoil_lon_nan (AmapAsset *asset)
{
  amap_asset_set_location (asset, 10, NAN);
}

static void
spoil_lat_inf (AmapAsset *asset)
{
  amap_asset_set_location (asset, INFINITY, 10);
}

static void
spoil_lon_inf (AmapAsset *asset)
{
  amap_asset_set_location (asset, 10, -INFINITY);
}

static void
spoil_category (AmapAsset *asset)
{
  amap_asset_set_category (asset, "bakery");
}

static void
spoil_last_contacted (AmapAsset *asset)
{
  amap_asset_set_last_contacted (asset, "2023-02-29");
}

static void
spoil_last_contacted_format (AmapAsset *asset)
{
  amap_asset_set_last_contacted (asset, "5/17/2024");
}

static void
spoil_interaction_date (AmapAsset *asset)
{
  g_autoptr(AmapInteraction) interaction =
    amap_interaction_new ("2024-13-01", AMAP_INTERACTION_CALL, NULL);

  amap_asset_add_interaction (asset, interaction);
}

static void
spoil_interaction_no_date (AmapAsset *asset)
{
  g_autoptr(AmapInteraction) interaction =
    amap_interaction_new (NULL, AMAP_INTERACTION_CALL, NULL);

  amap_asset_add_interaction (asset, interaction);
}

static const struct {
  const char *what;
  Spoil       spoil;
  int         code;
} spoilers[] = {
  { "no name", spoil_empty_name, AMAP_ERROR_INVALID },
  { "blank name", spoil_blank_name, AMAP_ERROR_INVALID },
  { "latitude > 90", spoil_lat_high, AMAP_ERROR_INVALID },
  { "latitude < -90", spoil_lat_low, AMAP_ERROR_INVALID },
  { "longitude > 180", spoil_lon_high, AMAP_ERROR_INVALID },
  { "longitude < -180", spoil_lon_low, AMAP_ERROR_INVALID },
  { "NaN latitude", spoil_lat_nan, AMAP_ERROR_INVALID },
  { "NaN longitude", spoil_lon_nan, AMAP_ERROR_INVALID },
  { "infinite latitude", spoil_lat_inf, AMAP_ERROR_INVALID },
  { "infinite longitude", spoil_lon_inf, AMAP_ERROR_INVALID },
  { "unknown category", spoil_category, AMAP_ERROR_UNKNOWN_CATEGORY },
  { "29 February 2023", spoil_last_contacted, AMAP_ERROR_INVALID },
  { "US date", spoil_last_contacted_format, AMAP_ERROR_INVALID },
  { "month 13", spoil_interaction_date, AMAP_ERROR_INVALID },
  { "no interaction date", spoil_interaction_no_date, AMAP_ERROR_INVALID },
};

static void
test_bad_input (void)
{
  g_autoptr(AmapStore) store = open_new_store ("bad.assetmap");
  g_autoptr(AmapAsset) good = make_full_asset ();
  g_autoptr(GError) error = NULL;
  guint signals = 0;

  g_assert_true (amap_store_add_asset (store, good, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AmapAsset) stored = amap_store_get_asset (store, amap_asset_get_uuid (good), &error);

    g_assert_no_error (error);
    g_clear_object (&good);
    good = g_steal_pointer (&stored);
  }

  g_signal_connect (store, "asset-added", G_CALLBACK (count1_cb), &signals);
  g_signal_connect (store, "asset-updated", G_CALLBACK (count1_cb), &signals);

  for (guint i = 0; i < G_N_ELEMENTS (spoilers); i++)
    {
      g_autoptr(AmapAsset) fresh = make_asset ("Fresh", 41.0, -87.0);
      g_autoptr(AmapAsset) edit = amap_asset_copy (good);
      g_autoptr(AmapAsset) after = NULL;
      g_autoptr(AmapStoreBatch) batch = NULL;

      g_test_message ("Bad input: %s", spoilers[i].what);

      spoilers[i].spoil (fresh);
      g_assert_false (amap_store_add_asset (store, fresh, &error));
      g_assert_error (error, AMAP_ERROR, spoilers[i].code);
      g_assert_cmpuint (strlen (error->message), >, 20);
      g_clear_error (&error);
      g_assert_null (amap_asset_get_uuid (fresh));
      g_assert_cmpuint (amap_store_count_assets (store), ==, 1);

      spoilers[i].spoil (edit);
      g_assert_false (amap_store_update_asset (store, edit, &error));
      g_assert_error (error, AMAP_ERROR, spoilers[i].code);
      g_clear_error (&error);
      after = amap_store_get_asset (store, amap_asset_get_uuid (good), &error);
      g_assert_no_error (error);
      g_assert_true (amap_asset_equal (after, good));

      batch = amap_store_batch_begin (store, &error);
      g_assert_no_error (error);
      g_assert_false (amap_store_batch_put (batch, fresh, NULL, &error));
      g_assert_error (error, AMAP_ERROR, spoilers[i].code);
      g_clear_error (&error);
      g_assert_true (amap_store_batch_commit (g_steal_pointer (&batch), &error));
      g_assert_no_error (error);
      g_assert_cmpuint (amap_store_count_assets (store), ==, 1);
    }

  g_assert_cmpuint (signals, ==, 0);
  g_assert_false (amap_store_get_can_redo (store));
  /* Only the first add is on the undo stack. */
  g_assert_true (amap_store_undo (store, &error));
  g_assert_false (amap_store_get_can_undo (store));
}

static void
test_not_a_map (void)
{
  g_autofree char *random_path = temp_map_path ("random.assetmap");
  g_autofree char *foreign_path = temp_map_path ("foreign.sqlite");
  g_autofree char *text_path = temp_map_path ("notes.txt");
  const char *paths[] = { random_path, foreign_path, text_path };
  guint8 noise[4096];
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  g_assert_true (g_file_set_contents (random_path, (const char *) noise, sizeof noise, NULL));
  g_assert_true (g_file_set_contents (text_path, "Shopping list\nmilk\n", -1, NULL));

  /* A real SQLite database of some other program, in WAL mode. */
  sqlite_exec (foreign_path,
               "PRAGMA journal_mode = WAL;"
               "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT);"
               "INSERT INTO recipes (title) VALUES ('Soup');");
  sqlite_exec (foreign_path, "PRAGMA wal_checkpoint(TRUNCATE);");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GBytes) before = read_bytes (paths[i]);
      g_autoptr(GBytes) after = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(AmapStore) store = NULL;
      g_autofree char *journal = g_strconcat (paths[i], "-journal", NULL);
      g_autofree char *wal = g_strconcat (paths[i], "-wal", NULL);
      g_autofree char *shm = g_strconcat (paths[i], "-shm", NULL);
      GStatBuf st_before, st_after;

      g_assert_cmpint (g_stat (paths[i], &st_before), ==, 0);

      store = amap_store_open (paths[i], &error);
      g_assert_null (store);
      g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_A_MAP);
      g_assert_nonnull (strstr (error->message, "Asset Map"));

      after = read_bytes (paths[i]);
      g_assert_true (g_bytes_equal (before, after));
      g_assert_cmpint (g_stat (paths[i], &st_after), ==, 0);
      g_assert_cmpint (st_before.st_mtime, ==, st_after.st_mtime);
      g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    }

  /* A directory is not a map either. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AmapStore) store = amap_store_open (g_get_user_data_dir (), &error);

    g_assert_null (store);
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_A_MAP);
  }
}

static void
test_too_new (void)
{
  g_autofree char *path = temp_map_path ("future.assetmap");
  g_autoptr(AmapStore) store = open_new_store ("future.assetmap");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  g_free (add_asset (store, "Library", 41, -87));
  g_clear_object (&store);

  sqlite_exec (path, "PRAGMA user_version = 7; PRAGMA wal_checkpoint(TRUNCATE);");
  before = read_bytes (path);

  store = amap_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_TOO_NEW);
  /* Both versions are named: the file's and the newest we read. */
  g_assert_nonnull (strstr (error->message, "version 7"));
  g_assert_nonnull (strstr (error->message, "up to 5"));

  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
assert_writes_refused (AmapStore  *store,
                       const char *uuid)
{
  g_autoptr(AmapAsset) asset = make_asset ("New", 41, -87);
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(AmapTour) stored_tour = NULL;

  g_assert_true (amap_store_get_read_only (store));

  g_assert_false (amap_store_add_asset (store, asset, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_no_error (error);
  amap_asset_set_name (stored, "Renamed");
  g_assert_false (amap_store_update_asset (store, stored, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_false (amap_store_delete_asset (store, uuid, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_false (amap_store_set_title (store, "Other", &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_null (amap_store_add_category (store, "Shops", "#ff0000", NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_false (amap_store_add_tour (store, tour, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  stored_tour = amap_store_get_tour (store, 1, &error);
  g_assert_no_error (error);
  append_stop (stored_tour, uuid);
  g_assert_false (amap_store_update_tour (store, stored_tour, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_null (amap_store_batch_begin (store, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_error (&error);

  /* Reading still works. */
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);
  g_assert_cmpstr (amap_store_get_title (store), ==, "Read me");
}

/* Makes a map with one asset, titled "Read me", in @dir; returns its path
 * and the asset's uuid. Everything is checkpointed into the main file. */
static char *
make_finished_map (const char  *dir,
                   char       **uuid)
{
  g_autofree char *path = g_build_filename (dir, "locked.assetmap", NULL);
  g_autoptr(AmapStore) store = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;

  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  *uuid = add_asset (store, "Library", 41, -87);
  g_assert_true (amap_store_set_title (store, "Read me", &error));
  {
    g_autoptr(AmapTour) tour = amap_tour_new ("Tour");

    g_assert_true (amap_store_add_tour (store, tour, &error));
    g_assert_cmpint (amap_tour_get_id (tour), ==, 1);
  }
  g_clear_object (&store);

  /* The last connection to close removes the -wal and -shm files. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  return g_steal_pointer (&path);
}

static void
check_chmod_read_only (const char *path,
                       const char *uuid)
{
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_access (path, W_OK), !=, 0);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  assert_writes_refused (store, uuid);
}

static void
test_read_only (void)
{
  g_autofree char *uuid = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (geteuid () != 0)
    {
      dir = g_build_filename (g_get_user_data_dir (), "maps", NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      path = make_finished_map (dir, &uuid);
      before = read_bytes (path);

      g_assert_cmpint (g_chmod (path, 0444), ==, 0);
      check_chmod_read_only (path, uuid);
    }
  else
    {
      int status = 0;
      pid_t pid;

      /* Root may write any file whatever its mode, so the check runs in a
       * child that has become an ordinary user ("nobody"), in a folder that
       * user owns, on a root-owned file with mode 0444. */
      dir = g_dir_make_tmp ("amap-read-only-XXXXXX", &error);
      g_assert_no_error (error);
      path = make_finished_map (dir, &uuid);
      before = read_bytes (path);
      g_assert_cmpint (g_chmod (path, 0444), ==, 0);
      g_assert_cmpint (g_chmod (dir, 0755), ==, 0);

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          /* 77: this sandbox does not let root become another user. */
          if (chown (dir, 65534, 65534) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
            _exit (77);
          check_chmod_read_only (path, uuid);
          _exit (0);
        }

      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      if (WEXITSTATUS (status) == 77)
        g_test_message ("Cannot switch to an unprivileged user here; "
                        "only the forced read-only part runs");
      else
        g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  /* The same refusal when the store opens read-only on purpose. */
  store = amap_store_open_full (path, TRUE, &error);
  g_assert_no_error (error);
  assert_writes_refused (store, uuid);
  g_clear_object (&store);

  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));

  /* Writable again: writes work. */
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (amap_store_get_read_only (store));
  g_assert_true (amap_store_set_title (store, "Written", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  if (geteuid () == 0)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (path);
      g_rmdir (dir);
    }
}

static void
test_disk_full (void)
{
  g_autoptr(AmapStore) store = open_new_store ("full.assetmap");
  g_autofree char *path = g_strdup (amap_store_get_path (store));
  g_autofree char *uuid = add_asset (store, "Library", 41, -87);
  g_autoptr(AmapAsset) big = make_full_asset ();
  g_autoptr(AmapAsset) edit = NULL;
  g_autoptr(AmapAsset) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapStoreBatch) batch = NULL;
  g_autofree char *huge = g_strnfill (256 * 1024, 'x');
  guint signals = 0;
  gint64 pages;

  g_signal_connect (store, "asset-added", G_CALLBACK (count1_cb), &signals);
  g_signal_connect (store, "asset-updated", G_CALLBACK (count1_cb), &signals);
  g_signal_connect (store, "reset", G_CALLBACK (count_cb), &signals);

  pages = amap_store_set_max_page_count_for_testing (store, 0);
  g_assert_cmpint (pages, >, 0);
  amap_store_set_max_page_count_for_testing (store, pages);

  amap_asset_set_description (big, huge);
  g_assert_false (amap_store_add_asset (store, big, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);

  edit = amap_store_get_asset (store, uuid, &error);
  amap_asset_set_needs (edit, huge);
  g_assert_false (amap_store_update_asset (store, edit, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE);
  g_clear_error (&error);
  after = amap_store_get_asset (store, uuid, &error);
  g_assert_null (amap_asset_get_needs (after));

  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 50 && error == NULL; i++)
    {
      g_autoptr(AmapAsset) asset = make_full_asset ();

      amap_asset_set_description (asset, huge);
      amap_store_batch_put (batch, asset, NULL, &error);
    }
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE);
  g_clear_error (&error);
  amap_store_batch_abort (g_steal_pointer (&batch));

  g_assert_cmpuint (signals, ==, 0);
  g_assert_false (amap_store_get_can_redo (store));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);

  /* With room again, the same write works. */
  amap_store_set_max_page_count_for_testing (store, 1 << 30);
  g_assert_true (amap_store_add_asset (store, big, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);

  g_clear_object (&store);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);
}

/* Each SQLite failure has its own sentence, naming the file; only a full
 * disk says the disk is full. */
static void
test_error_messages (void)
{
  g_autofree char *path = temp_map_path ("school.assetmap");
  static const struct {
    int rc;
    int system_errno;
    int code;
    const char *says;
  } cases[] = {
    { SQLITE_FULL, 0, AMAP_ERROR_NO_SPACE, "disk is full" },
    { SQLITE_IOERR_WRITE, ENOSPC, AMAP_ERROR_NO_SPACE, "disk is full" },
    { SQLITE_IOERR_WRITE, EFBIG, AMAP_ERROR_NO_SPACE, "disk is full" },
    { SQLITE_IOERR_READ, EIO, AMAP_ERROR_IO, "the disk reported an error" },
    { SQLITE_IOERR_FSYNC, EIO, AMAP_ERROR_IO, "the disk reported an error" },
    { SQLITE_BUSY, 0, AMAP_ERROR_BUSY, "Another program is using" },
    { SQLITE_LOCKED, 0, AMAP_ERROR_BUSY, "Another program is using" },
    { SQLITE_CORRUPT, 0, AMAP_ERROR_DAMAGED, "is damaged" },
    { SQLITE_NOTADB, 0, AMAP_ERROR_DAMAGED, "is damaged" },
    { SQLITE_READONLY, 0, AMAP_ERROR_READ_ONLY, "is read-only" },
    { SQLITE_PERM, 0, AMAP_ERROR_IO, "permission" },
    { SQLITE_CANTOPEN, EACCES, AMAP_ERROR_IO, "permission" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      amap_store_file_error_for_testing (path, cases[i].rc, cases[i].system_errno, &error);
      g_assert_error (error, AMAP_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("SQLite code %d said “%s”", cases[i].rc, error->message);
      g_assert_nonnull (strstr (error->message, "school.assetmap"));
      if (cases[i].code != AMAP_ERROR_NO_SPACE)
        g_assert_null (strstr (error->message, "disk is full"));
    }

  /* A damaged map: open its backup, when a migration left one. */
  {
    g_autofree char *backup = g_strconcat (path, ".backup-v1", NULL);
    g_autoptr(GError) error = NULL;

    amap_store_file_error_for_testing (path, SQLITE_CORRUPT, 0, &error);
    g_assert_nonnull (strstr (error->message, "Back Up Map"));
    g_clear_error (&error);

    g_assert_true (g_file_set_contents (backup, "", 0, NULL));
    amap_store_file_error_for_testing (path, SQLITE_CORRUPT, 0, &error);
    g_assert_nonnull (strstr (error->message, "Open its backup “"));
    g_assert_nonnull (strstr (error->message, "school.assetmap.backup-v1"));
  }
}

/* A backup copies the map as it is: an older version stays that version
 * (and is not migrated first), and the copy needs no -wal. */
static void
test_backup_old_version (void)
{
  g_autofree char *v1 = g_test_build_filename (G_TEST_DIST, "data", "map-v1.assetmap", NULL);
  g_autofree char *path = temp_map_path ("old.assetmap");
  g_autofree char *dest = temp_map_path ("old-copy.assetmap");
  g_autofree char *dest_wal = g_strconcat (dest, "-wal", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (v1, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("tests/data/map-v1.assetmap is missing");
      return;
    }
  before = read_bytes (v1);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (before, NULL),
                                      g_bytes_get_size (before), NULL));

  g_assert_true (amap_store_backup_file (path, dest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite_pragma (dest, "user_version"), ==, 1);
  g_assert_cmpint (sqlite_pragma (dest, "application_id"), ==, AMAP_STORE_APPLICATION_ID);
  g_assert_false (g_file_test (dest_wal, G_FILE_TEST_EXISTS));
  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* Tests: queries */

static void
test_box_query (void)
{
  g_autoptr(AmapStore) store = open_new_store ("box.assetmap");
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) unplaced = amap_asset_new ("No address yet");
  /* The box: 41.80 .. 41.90 north, -87.70 .. -87.60 east. */
  g_autofree char *center = add_asset (store, "Center", 41.85, -87.65);
  g_autofree char *sw_corner = add_asset (store, "SW corner", 41.80, -87.70);
  g_autofree char *ne_corner = add_asset (store, "NE corner", 41.90, -87.60);
  g_autofree char *south_in = add_asset (store, "South edge in", 41.8000001, -87.65);
  g_autofree char *south_out = add_asset (store, "South edge out", 41.7999999, -87.65);
  g_autofree char *north_in = add_asset (store, "North edge in", 41.8999999, -87.65);
  g_autofree char *north_out = add_asset (store, "North edge out", 41.9000001, -87.65);
  g_autofree char *west_in = add_asset (store, "West edge in", 41.85, -87.6999999);
  g_autofree char *west_out = add_asset (store, "West edge out", 41.85, -87.7000001);
  g_autofree char *east_in = add_asset (store, "East edge in", 41.85, -87.6000001);
  g_autofree char *east_out = add_asset (store, "East edge out", 41.85, -87.5999999);
  g_autofree char *far = add_asset (store, "Far away", -33.9, 151.2);
  g_autofree char *deleted = add_asset (store, "Deleted", 41.86, -87.66);
  g_autofree char *moved_in = add_asset (store, "Moved in", 10, 10);
  const char *expected[] = { center, sw_corner, ne_corner, south_in, north_in, west_in,
                             east_in, moved_in, NULL };

  amap_asset_set_category (unplaced, AMAP_CATEGORY_PARK);
  g_assert_true (amap_store_add_asset (store, unplaced, &error));
  g_assert_true (amap_store_delete_asset (store, deleted, &error));
  {
    g_autoptr(AmapAsset) moved = amap_store_get_asset (store, moved_in, &error);

    amap_asset_set_location (moved, 41.81, -87.61);
    g_assert_true (amap_store_update_asset (store, moved, &error));
    g_assert_no_error (error);
  }

  hits = amap_store_query_box (store, 41.80, -87.70, 41.90, -87.60, &error);
  g_assert_no_error (error);
  assert_uuids (hits, expected);
  /* A ten-millionth of a degree outside is outside; so is the deleted one. */
  {
    const char *outside[] = { south_out, north_out, west_out, east_out, far, deleted };

    for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
      for (guint j = 0; j < hits->len; j++)
        g_assert_cmpstr (g_ptr_array_index (hits, j), !=, outside[i]);
  }

  /* An empty box, and one across the antimeridian. */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = amap_store_query_box (store, 0, 0, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  {
    g_autofree char *fiji = add_asset (store, "Fiji", -17.7, 178.0);
    g_autofree char *samoa = add_asset (store, "Samoa", -13.8, -172.0);
    const char *pacific[] = { fiji, samoa, NULL };

    hits = amap_store_query_box (store, -20, 170, -10, -170, &error);
    g_assert_no_error (error);
    assert_uuids (hits, pacific);
  }

  g_clear_pointer (&hits, g_ptr_array_unref);
  g_assert_null (amap_store_query_box (store, NAN, 0, 1, 1, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
}

/* A number that SQL over the map file gives (the store may be open). */
static gint64
sqlite_int (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

/* The R*Tree holds exactly the live assets with a location, each with its
 * uuid, exact coordinates and name, and SQLite's rtreecheck() finds it
 * sound. */
static void
assert_rtree_sound (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rtreecheck ('asset_rtree')", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM asset_rtree"), ==,
                   sqlite_int (path, "SELECT count(*) FROM assets "
                                     "WHERE deleted = 0 AND lat IS NOT NULL AND lon IS NOT NULL"));
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM asset_rtree r "
                                     "LEFT JOIN assets a ON a.id = r.id "
                                     "WHERE a.id IS NULL OR a.deleted <> 0 OR r.uuid IS NOT a.uuid "
                                     "OR r.lat IS NOT a.lat OR r.lon IS NOT a.lon OR r.name IS NOT a.name "
                                     "OR r.min_lat > a.lat OR r.max_lat < a.lat "
                                     "OR r.min_lon > a.lon OR r.max_lon < a.lon"),
                   ==, 0);
}

/* A coordinate on a coarse grid (so that boxes meet assets exactly on
 * their edges), or anywhere, or one step beside a grid line. */
static double
random_coordinate (GRand  *rand,
                   double  limit)
{
  double grid = round (g_rand_double_range (rand, -limit, limit) * 20) / 20;

  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      return grid;
    case 1:
      /* (Not beside 0: the R*Tree's 32-bit floats cannot round a
       * subnormal number outwards, its own inserts neither.) */
      return grid == 0 ? grid : nextafter (grid, g_rand_boolean (rand) ? INFINITY : -INFINITY);
    case 2:
      return CLAMP (grid + (g_rand_boolean (rand) ? 1e-7 : -1e-7), -limit, limit);
    default:
      return g_rand_double_range (rand, -limit, limit);
    }
}

/* Box queries give what a scan of every live asset gives: edges included,
 * across the antimeridian too, never a deleted asset. */
static void
assert_box_queries_match_scan (AmapStore *store,
                               GRand     *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, &error);
  guint n_nonempty = 0;

  g_assert_no_error (error);
  for (guint run = 0; run < 400; run++)
    {
      double south = random_coordinate (rand, 2), north = random_coordinate (rand, 2);
      double west = random_coordinate (rand, 2), east = random_coordinate (rand, 2);
      g_autoptr(GPtrArray) hits = NULL;
      g_autoptr(GHashTable) got = g_hash_table_new (g_str_hash, g_str_equal);
      guint n_expected = 0;

      if (south > north)
        {
          double swap = south;

          south = north;
          north = swap;
        }
      /* Every third box crosses the antimeridian (the map's west half is
       * placed next to it, see below). */
      if (run % 3 == 0)
        {
          west = 178 + fabs (west);
          east = -178 - fabs (east);
        }
      else if (run % 3 == 1 && west > east)
        {
          double swap = west;

          west = east;
          east = swap;
        }

      hits = amap_store_query_box (store, south, west, north, east, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < hits->len; i++)
        g_assert_true (g_hash_table_add (got, g_ptr_array_index (hits, i)));  /* no repeats */

      for (guint i = 0; i < assets->len; i++)
        {
          AmapAsset *asset = g_ptr_array_index (assets, i);
          double lat = amap_asset_get_latitude (asset), lon = amap_asset_get_longitude (asset);
          gboolean inside;

          if (!amap_asset_get_has_location (asset))
            continue;
          inside = lat >= south && lat <= north &&
                   (west <= east ? lon >= west && lon <= east : lon >= west || lon <= east);
          if (inside != g_hash_table_contains (got, amap_asset_get_uuid (asset)))
            g_error ("Box %.17g %.17g %.17g %.17g: %s (%.17g, %.17g) %s", south, west, north, east,
                     amap_asset_get_name (asset), lat, lon, inside ? "missing" : "found outside");
          n_expected += inside;
        }
      g_assert_cmpuint (hits->len, ==, n_expected);
      n_nonempty += n_expected > 0;
    }
  /* Not a test of empty boxes. */
  g_assert_cmpuint (n_nonempty, >, 200);
}

/* A map for the box queries: @n assets near (0, 0) and, for half of them,
 * next to the antimeridian (longitude ±180 - x), some without a location,
 * written in one batch (@bulk: into the empty R*Tree at once) or one by
 * one. */
static void
fill_box_map (AmapStore *store,
              GRand     *rand,
              guint      n,
              gboolean   bulk)
{
  g_autoptr(GError) error = NULL;
  AmapStoreBatch *batch = bulk ? amap_store_batch_begin (store, &error) : NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Place %u", i);
      double lat = random_coordinate (rand, 2), lon = random_coordinate (rand, 2);
      g_autoptr(AmapAsset) asset = NULL;

      if (i % 2 == 0)
        lon = lon < 0 ? -180 - lon : 180 - lon;
      asset = make_asset (name, i % 50 == 7 ? NAN : lat, lon);
      if (batch != NULL)
        g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
      else
        g_assert_true (amap_store_add_asset (store, asset, &error));
      g_assert_no_error (error);
    }
  if (batch != NULL)
    g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
}

/* Deletes every tenth asset, moves every seventh, undoes one delete. */
static void
edit_box_map (AmapStore *store,
              GRand     *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);

      if (i % 10 == 3)
        g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (asset), &error));
      else if (i % 7 == 5)
        {
          amap_asset_set_location (asset, random_coordinate (rand, 2), random_coordinate (rand, 2));
          g_assert_true (amap_store_update_asset (store, asset, &error));
        }
      g_assert_no_error (error);
    }
  g_assert_true (amap_store_undo (store, &error));  /* the last delete or move */
  g_assert_no_error (error);
}

static void
test_box_query_scan (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  g_autofree char *bulk_path = temp_map_path ("box-bulk.assetmap");
  g_autofree char *one_path = temp_map_path ("box-one.assetmap");
  g_autoptr(AmapStore) bulk = open_new_store ("box-bulk.assetmap");
  g_autoptr(AmapStore) one = open_new_store ("box-one.assetmap");

  /* The import's packed R*Tree (more than RTREE_BULK_MIN points). */
  fill_box_map (bulk, rand, 3000, TRUE);
  assert_rtree_sound (bulk_path);
  assert_box_queries_match_scan (bulk, rand);
  /* A second import into the full tree goes one by one. */
  fill_box_map (bulk, rand, 1200, TRUE);
  edit_box_map (bulk, rand);
  assert_rtree_sound (bulk_path);
  assert_box_queries_match_scan (bulk, rand);

  fill_box_map (one, rand, 600, FALSE);
  edit_box_map (one, rand);
  assert_rtree_sound (one_path);
  assert_box_queries_match_scan (one, rand);
}

/* A version 4 map (an R*Tree without uuids and exact coordinates) gets
 * its R*Tree made again: the same box queries, a backup of the v4 file. */
static void
test_migration_v4 (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autofree char *path = temp_map_path ("v4.assetmap");
  g_autofree char *backup = g_strconcat (path, ".backup-v4", NULL);
  g_autoptr(AmapStore) store = open_new_store ("v4.assetmap");
  g_autoptr(GError) error = NULL;
  gint64 n_located;

  fill_box_map (store, rand, 2000, TRUE);
  edit_box_map (store, rand);
  g_clear_object (&store);

  /* What version 4 had: the R*Tree of the same points, without the
   * auxiliary columns. */
  sqlite_exec (path,
               "DROP TABLE asset_rtree;"
               "CREATE VIRTUAL TABLE asset_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);"
               "INSERT INTO asset_rtree SELECT id, lat, lat, lon, lon FROM assets "
               "  WHERE deleted = 0 AND lat IS NOT NULL AND lon IS NOT NULL;"
               "PRAGMA user_version = 4;");
  n_located = sqlite_int (path, "SELECT count(*) FROM asset_rtree");
  g_assert_cmpint (n_located, >, 1500);
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM pragma_table_info ('asset_rtree')"), ==, 5);

  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite_pragma (path, "user_version"), ==, 5);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (sqlite_pragma (backup, "user_version"), ==, 4);
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM pragma_table_info ('asset_rtree')"), ==, 9);
  g_assert_cmpint (sqlite_int (path, "SELECT count(*) FROM asset_rtree"), ==, n_located);
  assert_rtree_sound (path);
  assert_box_queries_match_scan (store, rand);

  /* And it goes on as a version 5 map. */
  edit_box_map (store, rand);
  assert_rtree_sound (path);
  assert_box_queries_match_scan (store, rand);
}

/* A search gives what the query of schema v4 gave (every match joined
 * to its row in assets, ranked by bm25 and name): the same uuids, ranks
 * and names in the same order (assets of equal rank and name in any
 * order), on a map with renamed, moved, deleted, restored and unlocated
 * assets, tags and contacts. */
static void
test_search_as_before (void)
{
  static const char * const words[] = {
    "garcia", "lopez", "café", "clinic", "garden", "school", "müller", "north", "park", "zoë",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *path = temp_map_path ("search-before.assetmap");
  g_autoptr(AmapStore) store = open_new_store ("search-before.assetmap");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  AmapStoreBatch *batch = amap_store_batch_begin (store, &error);
  sqlite3 *db = NULL;
  sqlite3_stmt *old = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %s %u", words[g_rand_int_range (rand, 0, 10)],
                                               words[g_rand_int_range (rand, 0, 10)], i % 40);
      g_autofree char *description = g_strdup_printf ("%s %s %s", words[g_rand_int_range (rand, 0, 10)],
                                                      words[g_rand_int_range (rand, 0, 10)],
                                                      i % 3 ? "" : words[g_rand_int_range (rand, 0, 10)]);
      g_autoptr(AmapAsset) asset = make_asset (name, i % 9 == 4 ? NAN : 40 + i * 1e-3, -80);

      amap_asset_set_description (asset, description);
      if (i % 11 == 0)
        amap_asset_add_tag (asset, words[g_rand_int_range (rand, 0, 10)]);
      g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);

  assets = amap_store_list_assets (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);

      if (i % 8 == 1)
        g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (asset), &error));
      else if (i % 8 == 2)
        {
          g_autofree char *name = g_strdup_printf ("renamed %s", words[i % 10]);

          amap_asset_set_name (asset, name);
          if (i % 3 == 0)
            amap_asset_set_location (asset, NAN, NAN);
          g_assert_true (amap_store_update_asset (store, asset, &error));
        }
      g_assert_no_error (error);
    }
  g_assert_true (amap_store_undo (store, &error));  /* the last edit or delete */
  g_assert_true (amap_store_restore_asset (store, amap_asset_get_uuid (g_ptr_array_index (assets, 1)),
                                           &error));
  g_assert_no_error (error);
  assert_rtree_sound (path);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT a.uuid, bm25 (asset_fts, 10.0, 2.0, 3.0, 3.0, 2.0, 4.0, 4.0), "
                                       "a.name FROM asset_fts f JOIN assets a ON a.id = f.rowid "
                                       "WHERE asset_fts MATCH ?1 AND a.deleted = 0 "
                                       "ORDER BY bm25 (asset_fts, 10.0, 2.0, 3.0, 3.0, 2.0, 4.0, 4.0), a.name",
                                       -1, &old, NULL), ==, SQLITE_OK);

  for (guint w = 0; w < G_N_ELEMENTS (words) + 3; w++)
    {
      const char *text = w < G_N_ELEMENTS (words) ? words[w] : w == 10 ? "garcia park" : w == 11 ? "ren" : "1";
      g_autofree char *query = g_strdup_printf ("\"%s\"*", text);
      g_autoptr(GPtrArray) hits = amap_store_search (store, text, &error);
      g_autoptr(GHashTable) ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

      g_assert_no_error (error);
      if (w == 10)
        {
          g_free (query);
          query = g_strdup ("\"garcia\"* \"park\"*");
        }
      sqlite3_reset (old);
      sqlite3_bind_text (old, 1, query, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (old) == SQLITE_ROW)
        {
          char *key = g_strdup_printf ("%.17g %s", sqlite3_column_double (old, 1),
                                       (const char *) sqlite3_column_text (old, 2));

          g_hash_table_insert (ranks, g_strdup ((const char *) sqlite3_column_text (old, 0)),
                               g_strdup (key));
          g_ptr_array_add (keys, key);
        }

      g_test_message ("“%s”: %u results", text, keys->len);
      {
        g_autoptr(GHashTable) matches = amap_store_search_matches (store, text, &error);
        GHashTableIter iter;
        gpointer uuid;

        /* The unranked set is the same uuids. */
        g_assert_no_error (error);
        g_assert_cmpuint (g_hash_table_size (matches), ==, g_hash_table_size (ranks));
        g_hash_table_iter_init (&iter, ranks);
        while (g_hash_table_iter_next (&iter, &uuid, NULL))
          g_assert_true (g_hash_table_contains (matches, uuid));
      }
      g_assert_cmpuint (keys->len, >, 0);
      g_assert_cmpuint (hits->len, ==, keys->len);
      for (guint i = 0; i < hits->len; i++)
        {
          const char *key = g_hash_table_lookup (ranks, g_ptr_array_index (hits, i));

          g_assert_nonnull (key);  /* the same uuids */
          g_assert_cmpstr (key, ==, g_ptr_array_index (keys, i));  /* the same order */
        }
    }

  sqlite3_finalize (old);
  sqlite3_close (db);
}

static void
test_search (void)
{
  g_autoptr(AmapStore) store = open_new_store ("search.assetmap");
  g_autoptr(AmapAsset) luna = make_asset ("Cafe Luna", 41, -87);
  g_autoptr(AmapAsset) jose = make_asset ("Biblioteca San José", 41, -87);
  g_autoptr(AmapAsset) gone = make_asset ("Cafeteria Deleted", 41, -87);
  g_autoptr(AmapAsset) clinic = make_asset ("Westside Clinic", 41, -87);
  g_autoptr(AmapContact) leader = amap_contact_new ("Marisol Ñúñez");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;

  amap_asset_set_description (jose, "Bilingual story time");
  amap_asset_add_tag (clinic, "vaccines");
  amap_asset_add_contact (clinic, leader);
  amap_asset_set_needs (clinic, "Translators \"urgent\"");
  g_assert_true (amap_store_add_asset (store, luna, &error));
  g_assert_true (amap_store_add_asset (store, jose, &error));
  g_assert_true (amap_store_add_asset (store, gone, &error));
  g_assert_true (amap_store_add_asset (store, clinic, &error));
  g_assert_no_error (error);
  g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (gone), &error));

#define SEARCH(text, ...)                                               \
  G_STMT_START {                                                        \
    const char *expect[] = { __VA_ARGS__ };                             \
    g_test_message ("Searching for “%s”", text);                        \
    g_clear_pointer (&hits, g_ptr_array_unref);                         \
    hits = amap_store_search (store, text, &error);                     \
    g_assert_no_error (error);                                          \
    assert_uuids (hits, expect);                                        \
  } G_STMT_END

  SEARCH ("caf", amap_asset_get_uuid (luna), NULL);
  SEARCH ("café", amap_asset_get_uuid (luna), NULL);
  SEARCH ("CAFE LU", amap_asset_get_uuid (luna), NULL);
  SEARCH ("jose", amap_asset_get_uuid (jose), NULL);
  SEARCH ("josé", amap_asset_get_uuid (jose), NULL);
  SEARCH ("bilingual", amap_asset_get_uuid (jose), NULL);
  SEARCH ("vacc", amap_asset_get_uuid (clinic), NULL);
  SEARCH ("nunez", amap_asset_get_uuid (clinic), NULL);
  SEARCH ("marisol", amap_asset_get_uuid (clinic), NULL);
  SEARCH ("\"urgent", amap_asset_get_uuid (clinic), NULL);
  SEARCH ("luna clinic", NULL);
  SEARCH ("deleted", NULL);
  SEARCH ("", NULL);
  SEARCH ("  *  ", NULL);
  SEARCH ("NEAR(a b) OR", NULL);

  /* Edits, tags and contacts are searchable right away. */
  {
    g_autoptr(AmapAsset) edit = amap_store_get_asset (store, amap_asset_get_uuid (luna), &error);
    g_autoptr(AmapContact) owner = amap_contact_new ("Óscar Peña");

    amap_asset_set_name (edit, "Luna Coffee");
    amap_asset_add_tag (edit, "wifi");
    amap_asset_add_contact (edit, owner);
    g_assert_true (amap_store_update_asset (store, edit, &error));
    g_assert_no_error (error);
  }
  SEARCH ("caf", NULL);
  SEARCH ("coff", amap_asset_get_uuid (luna), NULL);
  SEARCH ("wifi", amap_asset_get_uuid (luna), NULL);
  SEARCH ("pena oscar", amap_asset_get_uuid (luna), NULL);

  /* Undoing the delete brings it back into search. */
  g_assert_true (amap_store_undo (store, &error));   /* the edit */
  g_assert_true (amap_store_undo (store, &error));   /* the delete */
  g_assert_no_error (error);
  SEARCH ("cafeteria", amap_asset_get_uuid (gone), NULL);
  SEARCH ("caf", amap_asset_get_uuid (luna), amap_asset_get_uuid (gone), NULL);

#undef SEARCH
}

/* Tests: undo */

static void
test_undo_redo (void)
{
  g_autoptr(AmapStore) store = open_new_store ("undo.assetmap");
  g_autoptr(AmapAsset) asset = make_full_asset ();
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(AmapAsset) edit = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid;
  guint notify_can_undo = 0;
  guint notify_undo_label = 0;
  guint added = 0, updated = 0, removed = 0;

  g_signal_connect (store, "notify::can-undo", G_CALLBACK (count1_cb), &notify_can_undo);
  g_signal_connect (store, "notify::undo-label", G_CALLBACK (count1_cb), &notify_undo_label);
  g_signal_connect (store, "asset-added", G_CALLBACK (count1_cb), &added);
  g_signal_connect (store, "asset-updated", G_CALLBACK (count1_cb), &updated);
  g_signal_connect (store, "asset-removed", G_CALLBACK (count1_cb), &removed);

  g_assert_false (amap_store_get_can_undo (store));
  g_assert_false (amap_store_get_can_redo (store));
  g_assert_null (amap_store_get_undo_label (store));
  g_assert_false (amap_store_undo (store, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Add */
  g_assert_true (amap_store_add_asset (store, asset, &error));
  uuid = amap_asset_get_uuid (asset);
  g_assert_true (amap_store_get_can_undo (store));
  g_assert_cmpuint (notify_can_undo, ==, 1);
  g_assert_cmpuint (notify_undo_label, ==, 1);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add “Café Luna”");
  g_assert_cmpuint (added, ==, 1);

  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 0);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (amap_store_get_can_undo (store));
  g_assert_true (amap_store_get_can_redo (store));
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Add “Café Luna”");

  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 2);
  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_asset_get_contacts (stored)->len, ==, 2);
  g_assert_false (amap_store_get_can_redo (store));

  /* Edit */
  edit = amap_asset_copy (stored);
  amap_asset_set_name (edit, "Luna Café");
  amap_asset_set_stage (edit, AMAP_STAGE_PARTNER);
  g_assert_true (amap_store_update_asset (store, edit, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Edit “Luna Café”");
  g_assert_cmpuint (updated, ==, 1);

  /* An update that changes nothing is no step. */
  g_assert_true (amap_store_update_asset (store, edit, &error));
  g_assert_cmpuint (updated, ==, 1);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Edit “Luna Café”");

  /* Move */
  amap_asset_set_location (edit, 41.5, -87.5);
  g_assert_true (amap_store_update_asset (store, edit, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Move “Luna Café”");

  g_assert_true (amap_store_undo (store, &error));
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_cmpfloat (amap_asset_get_latitude (stored), ==, 41.8781);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "Luna Café");
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Move “Luna Café”");

  g_assert_true (amap_store_undo (store, &error));
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "Café Luna");
  g_assert_cmpint (amap_asset_get_stage (stored), ==, AMAP_STAGE_MET);
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Edit “Luna Café”");

  g_assert_true (amap_store_redo (store, &error));
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "Luna Café");
  g_assert_cmpfloat (amap_asset_get_latitude (stored), ==, 41.8781);
  g_assert_true (amap_store_get_can_redo (store));

  /* A new action clears redo. */
  amap_asset_set_phone (stored, "555-0199");
  g_assert_true (amap_store_update_asset (store, stored, &error));
  g_assert_false (amap_store_get_can_redo (store));
  g_assert_null (amap_store_get_redo_label (store));

  /* Delete keeps contacts and log through undo. */
  g_assert_true (amap_store_delete_asset (store, uuid, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Delete “Luna Café”");
  g_assert_cmpuint (amap_store_count_assets (store), ==, 0);
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_asset_get_contacts (stored)->len, ==, 2);
  g_assert_cmpstr (amap_contact_get_name (g_ptr_array_index (amap_asset_get_contacts (stored), 1)),
                   ==, "Tom Okafor");
  g_assert_cmpuint (amap_asset_get_interactions (stored)->len, ==, 2);
  g_assert_cmpstr (amap_asset_get_phone (stored), ==, "555-0199");

  g_assert_true (amap_store_redo (store, &error));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 0);
  g_assert_true (amap_store_undo (store, &error));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);
}

/* An import is one undo step, also when it updated assets: undo restores
 * their values and soft-deletes what it added; redo brings it all back. */
static void
test_import_undo (void)
{
  g_autoptr(AmapStore) store = open_new_store ("import-undo.assetmap");
  g_autoptr(AmapAsset) school = make_full_asset ();
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = add_asset (store, "Kept", 40, -80);
  g_autofree char *school_uuid = NULL;
  g_autofree char *added_uuid = NULL;
  AmapStoreBatch *batch;
  guint resets = 0;

  g_assert_true (amap_store_add_asset (store, school, &error));
  school_uuid = g_strdup (amap_asset_get_uuid (school));
  g_signal_connect (store, "reset", G_CALLBACK (count_cb), &resets);

  /* The first import adds 238 assets. */
  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  amap_store_batch_set_name (batch, "tbilisi.kml");
  for (guint i = 0; i < 238; i++)
    {
      g_autofree char *name = g_strdup_printf ("Tbilisi %u", i);
      g_autofree char *source_id = g_strdup_printf ("tb-%u", i);
      g_autoptr(AmapAsset) asset = make_asset (name, 41.7 + i * 0.0001, 44.8);

      amap_asset_set_source_id (asset, source_id);
      g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
      if (i == 0)
        added_uuid = g_strdup (amap_asset_get_uuid (asset));
      /* Written twice in one import (a style that came later): once in the step. */
      if (i == 1)
        {
          amap_asset_set_category (asset, AMAP_CATEGORY_HEALTH);
          g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
        }
    }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==,
                   "Undo Import of “tbilisi.kml” (238 Assets)");
  g_assert_cmpuint (amap_store_count_assets (store), ==, 240);

  /* The second one updates two of them and the school, and adds one. */
  batch = amap_store_batch_begin (store, &error);
  amap_store_batch_set_name (batch, "tbilisi.kml");
  {
    g_autoptr(AmapAsset) renamed = make_asset ("Tbilisi zero, renamed", 42, 45);
    g_autoptr(AmapAsset) five = make_asset ("Tbilisi five, renamed", 42, 45);
    g_autoptr(AmapAsset) fresh = make_asset ("Fresh", 42, 45);
    g_autoptr(AmapAsset) school_update = make_asset ("School, renamed", 10, 10);
    gboolean updated = FALSE;

    amap_asset_set_source_id (renamed, "tb-0");
    amap_asset_set_source_id (five, "tb-5");
    amap_asset_set_uuid (school_update, school_uuid);
    g_assert_true (amap_store_batch_put (batch, renamed, &updated, &error));
    g_assert_true (updated);
    g_assert_true (amap_store_batch_put (batch, five, &updated, &error));
    g_assert_true (amap_store_batch_put (batch, school_update, &updated, &error));
    g_assert_true (updated);
    g_assert_true (amap_store_batch_put (batch, fresh, &updated, &error));
    g_assert_false (updated);
  }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==,
                   "Undo Import of “tbilisi.kml” (4 Assets)");
  g_assert_cmpuint (amap_store_count_assets (store), ==, 241);

  resets = 0;
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resets, ==, 1);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 240);
  stored = amap_store_get_asset (store, added_uuid, &error);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "Tbilisi 0");
  g_clear_object (&stored);
  /* The school has all its old values again, contacts and log too. */
  stored = amap_store_get_asset (store, school_uuid, &error);
  g_assert_no_error (error);
  g_assert_true (amap_asset_equal (stored, school));
  g_clear_object (&stored);

  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 241);
  stored = amap_store_get_asset (store, school_uuid, &error);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "School, renamed");
  g_assert_cmpuint (amap_asset_get_contacts (stored)->len, ==, 0);
  g_clear_object (&stored);

  /* Both imports undone: only what was there before. */
  g_assert_true (amap_store_undo (store, &error));
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add “Café Luna”");
  stored = amap_store_get_asset (store, school_uuid, &error);
  g_assert_true (amap_asset_equal (stored, school));
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, kept, &error);
  g_assert_no_error (error);
  g_clear_object (&stored);
  /* Undone imports are soft deletes: nothing is gone from the file. */
  g_assert_true (amap_store_restore_asset (store, added_uuid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 3);
  g_assert_true (amap_store_delete_asset (store, added_uuid, &error));
  /* New actions cleared what could be redone. */
  g_assert_false (amap_store_get_can_redo (store));
}

/* Deleting a selection is one step. */
static void
test_delete_many (void)
{
  g_autoptr(AmapStore) store = open_new_store ("delete-many.assetmap");
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint added = 0, removed = 0;
  const char *one[1];

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Asset %u", i);

      g_ptr_array_add (uuids, add_asset (store, name, 41, -87 + i * 0.01));
    }
  g_free (add_asset (store, "Stays", 41, -86));
  /* A uuid twice and one that is not on the map are skipped. */
  g_ptr_array_add (uuids, g_strdup (g_ptr_array_index (uuids, 0)));
  g_ptr_array_add (uuids, g_strdup ("00000000-0000-4000-8000-000000000000"));

  g_signal_connect (store, "asset-added", G_CALLBACK (count1_cb), &added);
  g_signal_connect (store, "asset-removed", G_CALLBACK (count1_cb), &removed);

  g_assert_true (amap_store_delete_assets (store, (const char * const *) uuids->pdata,
                                           uuids->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);
  g_assert_cmpuint (removed, ==, 5);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Delete 5 Assets");

  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 6);
  g_assert_cmpuint (added, ==, 5);
  g_assert_cmpstr (amap_store_get_redo_label (store), ==, "Redo Delete 5 Assets");
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add “Stays”");

  g_assert_true (amap_store_redo (store, &error));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);
  g_assert_true (amap_store_undo (store, &error));

  /* One asset: its name. */
  one[0] = g_ptr_array_index (uuids, 2);
  g_assert_true (amap_store_delete_assets (store, one, 1, &error));
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Delete “Asset 2”");

  /* Nothing left to delete: an error, and no step. */
  g_assert_false (amap_store_delete_assets (store, one, 1, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Delete “Asset 2”");
}

/* A change made to several assets of the list at once is one step, and
 * an invalid one changes none of them. */
static void
test_update_many (void)
{
  g_autoptr(AmapStore) store = open_new_store ("update-many.assetmap");
  g_autoptr(GPtrArray) assets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *stays = NULL;
  guint updated = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Asset %u", i);
      g_autofree char *uuid = add_asset (store, name, 41, -87 + i * 0.01);
      AmapAsset *asset = amap_store_get_asset (store, uuid, &error);

      g_assert_no_error (error);
      amap_asset_set_category (asset, "park");
      amap_asset_add_tag (asset, "summer");
      g_ptr_array_add (assets, asset);
    }
  stays = add_asset (store, "Stays", 41, -86);
  g_signal_connect (store, "asset-updated", G_CALLBACK (count1_cb), &updated);

  g_assert_true (amap_store_update_assets (store, assets, AMAP_BULK_SET_CATEGORY, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (updated, ==, 3);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Set Category of 3 Assets");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (store, amap_asset_get_uuid (g_ptr_array_index (assets, i)), &error);

      g_assert_cmpstr (amap_asset_get_category (stored), ==, "park");
      g_assert_true (amap_asset_has_tag (stored, "summer"));
    }

  /* One undo brings all three back. */
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (store, amap_asset_get_uuid (g_ptr_array_index (assets, i)), &error);

      g_assert_cmpstr (amap_asset_get_category (stored), !=, "park");
      g_assert_false (amap_asset_has_tag (stored, "summer"));
    }
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add “Stays”");
  g_assert_true (amap_store_redo (store, &error));
  {
    g_autoptr(AmapAsset) stored = amap_store_get_asset (store, amap_asset_get_uuid (g_ptr_array_index (assets, 2)), &error);
    g_assert_cmpstr (amap_asset_get_category (stored), ==, "park");
  }

  /* Nothing to change: no step. */
  updated = 0;
  g_assert_true (amap_store_update_assets (store, assets, AMAP_BULK_SET_CATEGORY, &error));
  g_assert_cmpuint (updated, ==, 0);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Set Category of 3 Assets");

  /* One invalid asset: none is written. */
  amap_asset_set_category (g_ptr_array_index (assets, 0), "health");
  amap_asset_set_category (g_ptr_array_index (assets, 1), "no-such-category");
  g_assert_false (amap_store_update_assets (store, assets, AMAP_BULK_SET_CATEGORY, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  {
    g_autoptr(AmapAsset) stored = amap_store_get_asset (store, amap_asset_get_uuid (g_ptr_array_index (assets, 0)), &error);
    g_assert_cmpstr (amap_asset_get_category (stored), ==, "park");
  }
  g_assert_cmpuint (updated, ==, 0);

  /* One asset: its name in the label. */
  amap_asset_set_category (g_ptr_array_index (assets, 1), "park");
  g_assert_true (amap_store_update_assets (store, assets, AMAP_BULK_SET_CATEGORY, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Set Category of “Asset 0”");
}

/* Tests: connections and batches */

static void
test_two_connections (void)
{
  g_autoptr(AmapStore) main_store = open_new_store ("shared.assetmap");
  g_autoptr(AmapStore) worker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  guint resets = 0;

  worker = amap_store_open (amap_store_get_path (main_store), &error);
  g_assert_no_error (error);
  g_signal_connect (main_store, "reset", G_CALLBACK (count_cb), &resets);

  /* Nothing happened yet. */
  amap_store_refresh (main_store);
  g_assert_cmpuint (resets, ==, 0);

  /* Our own commits are not "another connection". */
  g_free (add_asset (main_store, "Ours", 1, 1));
  amap_store_refresh (main_store);
  g_assert_cmpuint (resets, ==, 0);

  uuid = add_asset (worker, "From the worker", 41, -87);
  g_assert_true (amap_store_set_title (worker, "Shared", &error));
  amap_store_refresh (main_store);
  g_assert_cmpuint (resets, ==, 1);
  g_assert_cmpuint (amap_store_count_assets (main_store), ==, 2);
  g_assert_cmpstr (amap_store_get_title (main_store), ==, "Shared");
  {
    g_autoptr(AmapAsset) seen = amap_store_get_asset (main_store, uuid, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (amap_asset_get_name (seen), ==, "From the worker");
  }

  amap_store_refresh (main_store);
  g_assert_cmpuint (resets, ==, 1);

  /* And the other way round, through a batch. */
  {
    g_autoptr(AmapAsset) asset = make_asset ("Batch", 2, 2);
    AmapStoreBatch *batch = amap_store_batch_begin (main_store, &error);

    g_assert_no_error (error);
    g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
    g_assert_true (amap_store_batch_commit (batch, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (resets, ==, 2);
  g_assert_cmpuint (amap_store_count_assets (worker), ==, 3);
}

static void
test_batch (void)
{
  g_autoptr(AmapStore) store = open_new_store ("batch.assetmap");
  g_autoptr(AmapAsset) first = make_asset ("School Pantry", 41, -87);
  g_autoptr(AmapAsset) again = NULL;
  g_autoptr(AmapAsset) by_source = NULL;
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(GError) error = NULL;
  AmapStoreBatch *batch;
  gboolean updated = TRUE;
  guint resets = 0, added = 0;
  g_autofree char *uuid = NULL;

  g_signal_connect (store, "reset", G_CALLBACK (count_cb), &resets);
  g_signal_connect (store, "asset-added", G_CALLBACK (count1_cb), &added);

  amap_asset_set_source_id (first, "pm-1");
  amap_asset_add_tag (first, "food");

  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_batch_put (batch, first, &updated, &error));
  g_assert_no_error (error);
  g_assert_false (updated);
  uuid = g_strdup (amap_asset_get_uuid (first));
  g_assert_nonnull (uuid);

  /* A single edit while the import runs is refused, not interleaved. */
  {
    g_autoptr(AmapAsset) other = make_asset ("Other", 1, 1);

    g_assert_false (amap_store_add_asset (store, other, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Asset %u", i);
      g_autofree char *source_id = g_strdup_printf ("bulk-%u", i);
      g_autoptr(AmapAsset) asset = make_asset (name, 41 + i * 0.001, -87);

      amap_asset_set_source_id (asset, source_id);
      g_assert_true (amap_store_batch_put (batch, asset, &updated, &error));
      g_assert_false (updated);
    }
  g_assert_cmpuint (resets, ==, 0);
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resets, ==, 1);
  g_assert_cmpuint (added, ==, 0);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1001);
  /* A batch is one undo step. */
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Import (1001 Assets)");

  /* Same uuid: update, not a duplicate. */
  again = make_asset ("School Pantry (renamed)", 41.5, -87.5);
  amap_asset_set_uuid (again, uuid);
  /* Same source id, no uuid: update too. */
  by_source = make_asset ("Bulk five, renamed", 40, -80);
  amap_asset_set_source_id (by_source, "bulk-5");

  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_batch_put (batch, again, &updated, &error));
  g_assert_true (updated);
  g_assert_true (amap_store_batch_put (batch, by_source, &updated, &error));
  g_assert_true (updated);
  g_assert_nonnull (amap_asset_get_uuid (by_source));
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resets, ==, 2);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1001);

  stored = amap_store_get_asset (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "School Pantry (renamed)");
  g_assert_cmpfloat (amap_asset_get_latitude (stored), ==, 41.5);
  g_assert_false (amap_asset_has_tag (stored, "food"));
  g_clear_object (&stored);
  stored = amap_store_get_asset (store, amap_asset_get_uuid (by_source), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "Bulk five, renamed");
  g_assert_cmpstr (amap_asset_get_source_id (stored), ==, "bulk-5");

  /* An aborted batch leaves nothing behind and emits nothing. */
  batch = amap_store_batch_begin (store, &error);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(AmapAsset) asset = make_asset ("Aborted", 1, 1);
      g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
    }
  amap_store_batch_abort (batch);
  g_assert_cmpuint (resets, ==, 2);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1001);
  {
    g_autoptr(GPtrArray) hits = amap_store_search (store, "aborted", &error);
    g_assert_cmpuint (hits->len, ==, 0);
  }

  /* A deleted asset's source id is free again: a re-import adds it back. */
  g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (by_source), &error));
  {
    g_autoptr(AmapAsset) reimport = make_asset ("Bulk five", 40, -80);

    amap_asset_set_source_id (reimport, "bulk-5");
    batch = amap_store_batch_begin (store, &error);
    g_assert_true (amap_store_batch_put (batch, reimport, &updated, &error));
    g_assert_false (updated);
    g_assert_true (amap_store_batch_commit (batch, &error));
    g_assert_cmpuint (amap_store_count_assets (store), ==, 1001);
  }
}

/* The category of @uuid as stored. */
static char *
stored_category (AmapStore  *store,
                 const char *uuid)
{
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(GError) error = NULL;

  asset = amap_store_get_asset (store, uuid, &error);
  g_assert_no_error (error);
  return g_strdup (amap_asset_get_category (asset));
}

/* Custom categories: add, rename, recolor, new icon, delete with the
 * assets moved to another category; each is an undo step, undone and
 * redone, and the assets follow. Built-ins cannot be deleted or renamed
 * (their names are translated), only recolored or given another icon. */
static void
test_category_history (void)
{
  g_autoptr(AmapStore) store = open_new_store ("category-history.assetmap");
  g_autoptr(AmapCategory) garden = NULL;
  g_autoptr(AmapAsset) first = make_asset ("Eastside Garden", 41.0, -87.0);
  g_autoptr(AmapAsset) second = make_asset ("Westside Garden", 41.1, -87.1);
  g_autoptr(GError) error = NULL;
  g_autofree char *category = NULL;
  const char *park_color;
  guint n_builtin = g_list_model_get_n_items (amap_store_get_categories (store));
  guint changed = 0;
  AmapCategory *found;

  g_signal_connect (store, "categories-changed", G_CALLBACK (count_cb), &changed);

  /* Add, undone and redone. */
  garden = amap_store_add_category (store, "Gardens", "#33d17a", "emoji-nature-symbolic", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add Category “Gardens”");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_lookup_category (store, "gardens"));
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, n_builtin);
  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  found = amap_store_lookup_category (store, "gardens");
  g_assert_nonnull (found);
  g_assert_cmpstr (amap_category_get_name (found), ==, "Gardens");
  g_assert_cmpstr (amap_category_get_icon_name (found), ==, "emoji-nature-symbolic");
  g_assert_cmpuint (changed, ==, 3);

  amap_asset_set_category (first, "gardens");
  amap_asset_set_category (second, "gardens");
  g_assert_true (amap_store_add_asset (store, first, &error));
  g_assert_true (amap_store_add_asset (store, second, &error));
  g_assert_no_error (error);
  /* A deleted asset follows too, so that undoing its delete brings it
   * back into a category that exists. */
  g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (second), &error));
  g_assert_no_error (error);

  /* Rename, recolor and a new icon: one step each, undone and redone. */
  g_assert_true (amap_store_update_category (store, "gardens", "  Community Gardens ", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_category_get_name (amap_store_lookup_category (store, "gardens")), ==,
                   "Community Gardens");
  g_assert_true (amap_store_update_category (store, "gardens", NULL, "#e01b24", NULL, &error));
  g_assert_true (amap_store_update_category (store, "gardens", NULL, NULL, "starred-symbolic", &error));
  g_assert_no_error (error);
  found = amap_store_lookup_category (store, "gardens");
  g_assert_cmpstr (amap_category_get_color (found), ==, "#e01b24");
  g_assert_cmpstr (amap_category_get_icon_name (found), ==, "starred-symbolic");

  g_assert_true (amap_store_undo (store, &error));
  g_assert_cmpstr (amap_category_get_icon_name (amap_store_lookup_category (store, "gardens")), ==,
                   "emoji-nature-symbolic");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_cmpstr (amap_category_get_color (amap_store_lookup_category (store, "gardens")), ==, "#33d17a");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_category_get_name (amap_store_lookup_category (store, "gardens")), ==, "Gardens");
  for (guint i = 0; i < 3; i++)
    g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  found = amap_store_lookup_category (store, "gardens");
  g_assert_cmpstr (amap_category_get_name (found), ==, "Community Gardens");
  g_assert_cmpstr (amap_category_get_color (found), ==, "#e01b24");
  g_assert_cmpstr (amap_category_get_icon_name (found), ==, "starred-symbolic");

  /* Bad values change nothing and push nothing. */
  g_assert_false (amap_store_update_category (store, "gardens", " ", NULL, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (amap_store_update_category (store, "gardens", NULL, "red", NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Edit Category “Community Gardens”");

  /* Delete, with the assets moved to Parks; undone, the assets are back. */
  g_assert_false (amap_store_delete_category (store, "gardens", "gardens", &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (amap_store_delete_category (store, "gardens", AMAP_CATEGORY_PARK, &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_lookup_category (store, "gardens"));
  category = stored_category (store, amap_asset_get_uuid (first));
  g_assert_cmpstr (category, ==, AMAP_CATEGORY_PARK);
  g_clear_pointer (&category, g_free);

  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Delete Category “Community Gardens”");
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  found = amap_store_lookup_category (store, "gardens");
  g_assert_nonnull (found);
  g_assert_cmpstr (amap_category_get_color (found), ==, "#e01b24");
  /* Back in its place, after the built-ins. */
  g_assert_cmpuint (g_list_model_get_n_items (amap_store_get_categories (store)), ==, n_builtin + 1);
  category = stored_category (store, amap_asset_get_uuid (first));
  g_assert_cmpstr (category, ==, "gardens");
  g_clear_pointer (&category, g_free);

  g_assert_true (amap_store_redo (store, &error));
  g_assert_no_error (error);
  g_assert_null (amap_store_lookup_category (store, "gardens"));
  category = stored_category (store, amap_asset_get_uuid (first));
  g_assert_cmpstr (category, ==, AMAP_CATEGORY_PARK);
  g_clear_pointer (&category, g_free);

  /* The history of the assets before it still works. */
  g_assert_true (amap_store_undo (store, &error));
  g_assert_true (amap_store_undo (store, &error));
  g_assert_true (amap_store_undo (store, &error));
  g_assert_true (amap_store_undo (store, &error));
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_store_get_undo_label (store), ==, "Undo Add “Westside Garden”");
  /* The deleted asset came back in its category, which is there. */
  category = stored_category (store, amap_asset_get_uuid (second));
  g_assert_cmpstr (category, ==, "gardens");
  g_clear_pointer (&category, g_free);
  g_assert_nonnull (amap_store_lookup_category (store, "gardens"));

  /* Built-ins: recolored, never deleted or renamed. */
  g_assert_false (amap_store_delete_category (store, AMAP_CATEGORY_PARK, AMAP_CATEGORY_OTHER, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (amap_store_update_category (store, AMAP_CATEGORY_PARK, "Green Spaces", NULL, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  park_color = amap_category_get_color (amap_store_lookup_category (store, AMAP_CATEGORY_PARK));
  g_assert_cmpstr (park_color, !=, "#000000");
  g_assert_true (amap_store_update_category (store, AMAP_CATEGORY_PARK, NULL, "#000000", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_category_get_color (amap_store_lookup_category (store, AMAP_CATEGORY_PARK)), ==,
                   "#000000");
  g_assert_cmpstr (amap_category_get_name (amap_store_lookup_category (store, AMAP_CATEGORY_PARK)), ==,
                   amap_category_get_name (amap_category_lookup_builtin (AMAP_CATEGORY_PARK)));
  g_assert_true (amap_store_undo (store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amap_category_get_color (amap_store_lookup_category (store, AMAP_CATEGORY_PARK)), !=,
                   "#000000");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/open/new-file", test_new_file);
  g_test_add_func ("/store/open/empty-file", test_empty_file_is_new);
  g_test_add_func ("/store/open/not-a-map", test_not_a_map);
  g_test_add_func ("/store/open/too-new", test_too_new);
  g_test_add_func ("/store/open/read-only", test_read_only);
  g_test_add_func ("/store/metadata", test_metadata);
  g_test_add_func ("/store/home-undo", test_home_undo);
  g_test_add_func ("/store/categories", test_categories);
  g_test_add_func ("/store/categories/history", test_category_history);
  g_test_add_func ("/store/assets/round-trip", test_asset_round_trip);
  g_test_add_func ("/store/assets/folders", test_asset_folders);
  g_test_add_func ("/store/assets/summaries", test_summaries);
  g_test_add_func ("/store/assets/summary-refused", test_summary_refused);
  g_test_add_func ("/store/assets/bad-input", test_bad_input);
  g_test_add_func ("/store/assets/disk-full", test_disk_full);
  g_test_add_func ("/store/error-messages", test_error_messages);
  g_test_add_func ("/store/backup-old-version", test_backup_old_version);
  g_test_add_func ("/store/tours", test_tours);
  g_test_add_func ("/store/query/box", test_box_query);
  g_test_add_func ("/store/query/box-scan", test_box_query_scan);
  g_test_add_func ("/store/migration-v4", test_migration_v4);
  g_test_add_func ("/store/query/search", test_search);
  g_test_add_func ("/store/query/search-as-before", test_search_as_before);
  g_test_add_func ("/store/undo-redo", test_undo_redo);
  g_test_add_func ("/store/undo-import", test_import_undo);
  g_test_add_func ("/store/delete-many", test_delete_many);
  g_test_add_func ("/store/update-many", test_update_many);
  g_test_add_func ("/store/two-connections", test_two_connections);
  g_test_add_func ("/store/batch", test_batch);

  return g_test_run ();
}
