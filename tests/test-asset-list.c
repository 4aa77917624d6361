/* test-asset-list.c: the GListModel of a store's live assets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "amap-asset-list.h"
#include "amap-error.h"
#include "amap-store.h"

typedef struct {
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct {
  AmapStore     *store;
  AmapAssetList *list;
  GArray        *changes;
} Fixture;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Fixture    *fixture)
{
  Change change = { position, removed, added };

  g_array_append_val (fixture->changes, change);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "list.assetmap", NULL);
  g_autoptr(GError) error = NULL;

  fixture->store = amap_store_open (path, &error);
  g_assert_no_error (error);
  fixture->changes = g_array_new (FALSE, FALSE, sizeof (Change));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->list);
  g_clear_object (&fixture->store);
  g_array_unref (fixture->changes);
}

static void
make_list (Fixture *fixture)
{
  fixture->list = amap_asset_list_new (fixture->store);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (on_items_changed_cb), fixture);
}

static char *
add (Fixture    *fixture,
     const char *name)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_location (asset, 41.0, -87.0);
  g_assert_true (amap_store_add_asset (fixture->store, asset, &error));
  g_assert_no_error (error);
  return g_strdup (amap_asset_get_uuid (asset));
}

static void
assert_change (Fixture *fixture,
               guint    position,
               guint    removed,
               guint    added)
{
  Change *change;

  g_assert_cmpuint (fixture->changes->len, ==, 1);
  change = &g_array_index (fixture->changes, Change, 0);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
  g_array_set_size (fixture->changes, 0);
}

static const char *
name_at (Fixture *fixture,
         guint    position)
{
  g_autoptr(AmapAsset) asset = g_list_model_get_item (G_LIST_MODEL (fixture->list), position);

  g_assert_nonnull (asset);
  /* The list holds its own reference, so the name outlives this one. */
  return amap_asset_get_name (asset);
}

static void
test_load_and_signals (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *cherry = add (fixture, "Cherry Clinic");
  g_autofree char *apple = add (fixture, "Apple Books");
  g_autofree char *banana = NULL;
  g_autofree char *date = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;
  AmapAsset *found;
  guint position = 99;

  make_list (fixture);
  model = G_LIST_MODEL (fixture->list);
  g_assert_true (g_list_model_get_item_type (model) == AMAP_TYPE_ASSET);
  g_assert_true (amap_asset_list_get_store (fixture->list) == fixture->store);

  /* Loaded in the store's order: by name. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (name_at (fixture, 0), ==, "Apple Books");
  g_assert_cmpstr (name_at (fixture, 1), ==, "Cherry Clinic");
  g_assert_null (g_list_model_get_item (model, 2));

  found = amap_asset_list_find (fixture->list, cherry, &position);
  g_assert_nonnull (found);
  g_assert_cmpuint (position, ==, 1);
  g_assert_null (amap_asset_list_find (fixture->list, "no-such-uuid", &position));

  /* Add appends. */
  banana = add (fixture, "Banana Bakery");
  assert_change (fixture, 2, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (name_at (fixture, 2), ==, "Banana Bakery");

  /* Update replaces in place. */
  {
    g_autoptr(AmapAsset) edit = amap_store_get_asset (fixture->store, apple, &error);

    amap_asset_set_name (edit, "Apple Books & Coffee");
    g_assert_true (amap_store_update_asset (fixture->store, edit, &error));
    g_assert_no_error (error);
  }
  assert_change (fixture, 0, 1, 1);
  g_assert_cmpstr (name_at (fixture, 0), ==, "Apple Books & Coffee");
  found = amap_asset_list_find (fixture->list, apple, &position);
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpstr (amap_asset_get_name (found), ==, "Apple Books & Coffee");
  /* Summaries, loaded or saved: the list's memory does not grow with
   * the edits. */
  g_assert_true (amap_asset_is_summary (found));
  g_assert_true (amap_asset_is_summary (amap_asset_list_find (fixture->list, cherry, NULL)));
  g_assert_true (amap_asset_is_summary (amap_asset_list_find (fixture->list, banana, NULL)));

  /* Delete removes exactly that one. */
  g_assert_true (amap_store_delete_asset (fixture->store, cherry, &error));
  assert_change (fixture, 1, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (name_at (fixture, 0), ==, "Apple Books & Coffee");
  g_assert_cmpstr (name_at (fixture, 1), ==, "Banana Bakery");
  g_assert_null (amap_asset_list_find (fixture->list, cherry, NULL));
  found = amap_asset_list_find (fixture->list, banana, &position);
  g_assert_cmpuint (position, ==, 1);

  /* Undo of the delete appends it again. */
  g_assert_true (amap_store_undo (fixture->store, &error));
  assert_change (fixture, 2, 0, 1);
  g_assert_cmpstr (name_at (fixture, 2), ==, "Cherry Clinic");

  /* Undo of an add removes it. */
  date = add (fixture, "Date Park");
  assert_change (fixture, 3, 0, 1);
  g_assert_true (amap_store_undo (fixture->store, &error));
  assert_change (fixture, 3, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* A batch resets: everything out, everything in, in store order. */
  {
    AmapStoreBatch *batch = amap_store_batch_begin (fixture->store, &error);

    for (guint i = 0; i < 5; i++)
      {
        g_autofree char *name = g_strdup_printf ("Imported %u", i);
        g_autoptr(AmapAsset) asset = amap_asset_new (name);

        g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
      }
    g_assert_true (amap_store_batch_commit (batch, &error));
    g_assert_no_error (error);
  }
  assert_change (fixture, 0, 3, 8);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 8);
  g_assert_cmpstr (name_at (fixture, 0), ==, "Apple Books & Coffee");
  g_assert_cmpstr (name_at (fixture, 3), ==, "Imported 0");
}

static void
test_other_connection (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(AmapStore) worker = NULL;
  g_autoptr(AmapAsset) asset = amap_asset_new ("From elsewhere");
  g_autoptr(GError) error = NULL;

  make_list (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
  g_free (add (fixture, "Local"));
  assert_change (fixture, 0, 0, 1);

  worker = amap_store_open (amap_store_get_path (fixture->store), &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_add_asset (worker, asset, &error));
  g_assert_no_error (error);

  /* Nothing until the main store looks. */
  g_assert_cmpuint (fixture->changes->len, ==, 0);
  amap_store_refresh (fixture->store);
  assert_change (fixture, 0, 1, 2);
  g_assert_nonnull (amap_asset_list_find (fixture->list, amap_asset_get_uuid (asset), NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/asset-list/load-and-signals", Fixture, NULL,
              fixture_set_up, test_load_and_signals, fixture_tear_down);
  g_test_add ("/asset-list/other-connection", Fixture, NULL,
              fixture_set_up, test_other_connection, fixture_tear_down);

  return g_test_run ();
}
