/* test-window.c: the main window, driven through its actions (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "amap-application.h"
#include "amap-asset-editor.h"
#include "amap-error.h"
#include "amap-import-dialog.h"
#include "amap-map-view.h"
#include "amap-pin-layer.h"
#include "amap-store.h"
#include "amap-window.h"
#include "gui-test-util.h"

typedef struct
{
  char       *dir;
  AmapStore  *store;
  AmapWindow *window;
  /* The test took a reference to the window (it closes it). */
  gboolean    window_ref;
} Fixture;

/* Runs the main loop for @ms milliseconds: a button activated from the
 * keyboard clicks only after a short press animation. */
static void
add_asset (AmapStore  *store,
           const char *name,
           const char *category,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, category);
  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);
  amap_store_add_asset (store, asset, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->store = gui_test_open_store ("amap-window-XXXXXX", &fixture->dir);

  add_asset (fixture->store, "Fruitvale Library", "library-arts", 37.7752, -122.2241);
  add_asset (fixture->store, "Cesar Chavez Park", "park", 37.7766, -122.2190);
  add_asset (fixture->store, "Peralta Hacienda Park", "park", 37.7849, -122.2168);
  add_asset (fixture->store, "La Clínica de la Raza", "health", 37.7745, -122.2240);
  add_asset (fixture->store, "Mi Tienda Market", "business", 37.7730, -122.2220);
  add_asset (fixture->store, "Mobile Food Pantry", "nonprofit", NAN, NAN);

  fixture->window = amap_window_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_test_spin ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  if (fixture->window_ref)
    g_object_unref (fixture->window);
  g_clear_object (&fixture->store);

  test_util_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

/* Waits for the window's import, answering its preview with Import. */
static void
wait_for_import (AmapWindow *window)
{
  while (amap_window_get_importing (window))
    {
      GList *toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        if (AMAP_IS_IMPORT_DIALOG (l->data) &&
            gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
          {
            gtk_widget_activate_action (l->data, "import-dialog.import", NULL);
            break;
          }
      g_list_free (toplevels);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
model_has_name (GListModel *model,
                const char *name,
                guint      *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, i);

      if (g_strcmp0 (amap_asset_get_name (asset), name) == 0)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* The list's selection: one asset, as a click picks it. */
static void
select_only (GListModel *model,
             guint       position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), position, TRUE);
}

/* The position of the one asset selected, GTK_INVALID_LIST_POSITION when
 * none or several are. */
static guint
selected_position (GListModel *model)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (model));

  if (gtk_bitset_get_size (selected) != 1)
    return GTK_INVALID_LIST_POSITION;
  return gtk_bitset_get_nth (selected, 0);
}

/* The one asset selected (owned by the list), or NULL. */
static AmapAsset *
selected_item (GListModel *model)
{
  guint position = selected_position (model);
  g_autoptr(AmapAsset) asset = NULL;

  if (position == GTK_INVALID_LIST_POSITION)
    return NULL;
  asset = g_list_model_get_item (model, position);
  return asset;
}

static guint
map_model_count (AmapWindow *window)
{
  GtkWidget *map_view = amap_window_get_map_view (window);
  GListModel *model;

  g_assert_true (AMAP_IS_MAP_VIEW (map_view));
  model = amap_map_view_get_model (AMAP_MAP_VIEW (map_view));
  g_assert_nonnull (model);

  return g_list_model_get_n_items (model);
}

static void
test_lists_assets (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_true (model_has_name (model, "La Clínica de la Raza", NULL));
  g_assert_true (model_has_name (model, "Mobile Food Pantry", NULL));
  /* Sorted by name. */
  {
    g_autoptr(AmapAsset) first = g_list_model_get_item (model, 0);
    g_assert_cmpstr (amap_asset_get_name (first), ==, "Cesar Chavez Park");
  }
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "test");
  g_assert_cmpuint (map_model_count (fixture->window), ==, 6);
}

/* A chip chooses its category: one chip lists that category only, two
 * list either, Show All lists everything again. (The chips used to hide
 * their category, so that showing one took nine clicks.) */
static void
test_filter_category (Fixture       *fixture,
                      gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "park");
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (model_has_name (model, "Cesar Chavez Park", NULL));
  g_assert_true (model_has_name (model, "Peralta Hacienda Park", NULL));
  g_assert_cmpuint (map_model_count (fixture->window), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "health");
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_true (model_has_name (model, "La Clínica de la Raza", NULL));

  /* Unchoosing the last chip shows every category. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "park");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "health");
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "business");
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-all", NULL));
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_cmpuint (map_model_count (fixture->window), ==, 6);
}

/* The drop-down whose first choice is @first. */
static gboolean
is_dropdown_with (GtkWidget     *widget,
                  gconstpointer  first)
{
  GListModel *choices;

  if (!GTK_IS_DROP_DOWN (widget))
    return FALSE;
  choices = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

  return GTK_IS_STRING_LIST (choices) && g_list_model_get_n_items (choices) > 0 &&
         g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (choices), 0), first) == 0;
}

static GtkWidget *
find_dropdown_with (GtkWidget  *widget,
                    const char *first)
{
  return gui_test_find (widget, is_dropdown_with, first);
}

static void
set_stage (Fixture    *fixture,
           const char *name,
           AmapStage   stage)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(AmapAsset) copy = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  g_assert_true (model_has_name (model, name, &position));
  asset = g_list_model_get_item (model, position);
  /* The list holds summaries: a change is made to the whole asset. */
  copy = amap_store_get_asset (fixture->store, amap_asset_get_uuid (asset), &error);
  g_assert_no_error (error);
  amap_asset_set_stage (copy, stage);
  g_assert_true (amap_store_update_asset (fixture->store, copy, &error));
  g_assert_no_error (error);
}

/* The stage filter takes several stages: any of them is shown. */
static void
test_filter_stages (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);

  set_stage (fixture, "Cesar Chavez Park", AMAP_STAGE_PARTNER);
  set_stage (fixture, "Mi Tienda Market", AMAP_STAGE_CONTACTED);
  set_stage (fixture, "Fruitvale Library", AMAP_STAGE_MET);
  gui_test_spin ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-stage", "i",
                                             AMAP_STAGE_PARTNER));
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (model_has_name (model, "Cesar Chavez Park", NULL));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-stage", "i", AMAP_STAGE_CONTACTED);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (model_has_name (model, "Mi Tienda Market", NULL));
  g_assert_false (model_has_name (model, "Fruitvale Library", NULL));

  /* With a category: both filters hold. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "park");
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-all", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  /* Show All unticked the stages: one stage again filters by it alone. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-stage", "i", AMAP_STAGE_MET);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (model_has_name (model, "Fruitvale Library", NULL));
}

static void
set_folders (Fixture            *fixture,
             const char         *name,
             const char * const *folders)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(AmapAsset) copy = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  g_assert_true (model_has_name (model, name, &position));
  asset = g_list_model_get_item (model, position);
  /* The list holds summaries: a change is made to the whole asset. */
  copy = amap_store_get_asset (fixture->store, amap_asset_get_uuid (asset), &error);
  g_assert_no_error (error);
  amap_asset_set_folders (copy, folders);
  g_assert_true (amap_store_update_asset (fixture->store, copy, &error));
  g_assert_no_error (error);
}

/* The layers of an imported My Maps file filter the list, once the map
 * has any: the layer filter is hidden before. */
static void
test_filter_folder (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  const char *food[] = { "Food", NULL };
  const char *parks[] = { "Outdoors", "Parks", NULL };
  GtkDropDown *dropdown = NULL;
  GListModel *choices;

  /* No layers: no layer filter. */
  dropdown = GTK_DROP_DOWN (find_dropdown_with (GTK_WIDGET (fixture->window), "All Layers"));
  g_assert_nonnull (dropdown);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  set_folders (fixture, "Mi Tienda Market", food);
  set_folders (fixture, "Mobile Food Pantry", food);
  set_folders (fixture, "Cesar Chavez Park", parks);
  gui_test_spin ();

  dropdown = GTK_DROP_DOWN (find_dropdown_with (GTK_WIDGET (fixture->window), "All Layers"));
  g_assert_nonnull (dropdown);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  choices = gtk_drop_down_get_model (dropdown);
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), 1), ==, "Food");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), 2), ==, "Outdoors › Parks");

  gtk_drop_down_set_selected (dropdown, 1);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (model_has_name (model, "Mobile Food Pantry", NULL));

  gtk_drop_down_set_selected (dropdown, 2);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (model_has_name (model, "Cesar Chavez Park", NULL));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-all", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
}

/* Assets whose names sort differently bytewise, casefolded and collated. */
static const struct
{
  const char *name;
  const char *category;
  const char *tag;            /* or NULL */
  const char *folder;         /* or NULL */
  const char *last_contacted; /* or NULL */
} unicode_assets[] = {
  { "Ábaco Café", "business", "bilingüe", "Comida", "2026-03-01" },
  { "abeja Studio", "business", NULL, "Comida", NULL },
  { "Zürich Deli", "business", "bilingüe", NULL, "2026-05-09" },
  { "Ñandú Park", "park", NULL, "Parques", "2026-03-01" },
  { "Ärzte Haus", "health", "bilingüe", NULL, NULL },
  { "école du Parc", "education", NULL, "Parques", "2025-12-24" },
  { "Éclair Bakery", "business", "pan", "Comida", NULL },
  { "zebra crossing", "public-agency", "pan", NULL, "2026-05-09" },
  { "Œuvre Gallery", "library-arts", NULL, NULL, NULL },
  { "Ąžuolas", "park", "bilingüe", "Parques", NULL },
  { "ǅemal's", "business", NULL, NULL, "2024-01-31" },
};

/* The list's order before its collation keys were cached: by name's
 * collation key, computed on each comparison; by last contact, most recent
 * first, never contacted last, ties by name. */
static int
reference_compare (gconstpointer a,
                   gconstpointer b,
                   gpointer      by_contact)
{
  AmapAsset *asset_a = *(AmapAsset **) a;
  AmapAsset *asset_b = *(AmapAsset **) b;
  g_autofree char *ka = g_utf8_collate_key (amap_asset_get_name (asset_a), -1);
  g_autofree char *kb = g_utf8_collate_key (amap_asset_get_name (asset_b), -1);

  if (by_contact != NULL)
    {
      const char *la = amap_asset_get_last_contacted (asset_a);
      const char *lb = amap_asset_get_last_contacted (asset_b);

      if ((la == NULL) != (lb == NULL))
        return la == NULL ? 1 : -1;
      if (la != NULL && strcmp (la, lb) != 0)
        return -strcmp (la, lb);
    }
  return strcmp (ka, kb);
}

typedef gboolean (*AssetPredicate) (AmapAsset *asset, gconstpointer data);

static gboolean
has_tag (AmapAsset     *asset,
         gconstpointer  tag)
{
  return amap_asset_has_tag (asset, tag);
}

static gboolean
in_folder (AmapAsset     *asset,
           gconstpointer  folder)
{
  g_autofree char *label = amap_asset_dup_folder_label (asset);

  return g_strcmp0 (label, folder) == 0;
}

static gboolean
in_park_with_tag (AmapAsset     *asset,
                  gconstpointer  tag)
{
  return amap_asset_has_tag (asset, tag) && g_strcmp0 (amap_asset_get_category (asset), "park") == 0;
}

static gboolean
in_category (AmapAsset     *asset,
             gconstpointer  category)
{
  return g_strcmp0 (amap_asset_get_category (asset), category) == 0;
}

/* The list shows exactly the store's assets that @keep keeps (all when
 * NULL), in the reference order. */
static void
assert_list_order (Fixture        *fixture,
                   gboolean        by_contact,
                   AssetPredicate  keep,
                   gconstpointer   data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = amap_store_list_assets (fixture->store, &error);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (keep == NULL || keep (g_ptr_array_index (all, i), data))
      g_ptr_array_add (expected, g_ptr_array_index (all, i));
  g_ptr_array_sort_with_data (expected, reference_compare, by_contact ? GINT_TO_POINTER (1) : NULL);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(AmapAsset) shown = g_list_model_get_item (model, i);

      g_assert_cmpstr (amap_asset_get_name (shown), ==,
                       amap_asset_get_name (g_ptr_array_index (expected, i)));
    }
}

static guint
choice_index (GtkDropDown *dropdown,
              const char  *label)
{
  GListModel *choices = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), label) == 0)
      return i;
  g_assert_not_reached ();
}

static gboolean
is_search_entry (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_SEARCH_ENTRY (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_SEARCH_BAR) != NULL;
}

/* The list's order and its filters on names that are not ASCII, with tags,
 * layers and contact dates: the same as the general comparison gives, as
 * filters come and go (the filter model then holds no filter) and as an
 * asset is renamed. */
static void
test_list_order_and_filters (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkDropDown *sort, *tags, *folders;
  GtkEditable *search;
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autoptr(AmapAsset) shown = NULL;
  g_autoptr(AmapAsset) renamed = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  for (guint i = 0; i < G_N_ELEMENTS (unicode_assets); i++)
    {
      g_autoptr(AmapAsset) asset = amap_asset_new (unicode_assets[i].name);

      amap_asset_set_category (asset, unicode_assets[i].category);
      amap_asset_set_location (asset, 37.77 + i * 0.001, -122.22);
      if (unicode_assets[i].tag != NULL)
        amap_asset_add_tag (asset, unicode_assets[i].tag);
      if (unicode_assets[i].folder != NULL)
        {
          const char *folder[] = { unicode_assets[i].folder, NULL };

          amap_asset_set_folders (asset, folder);
        }
      amap_asset_set_last_contacted (asset, unicode_assets[i].last_contacted);
      amap_store_add_asset (fixture->store, asset, &error);
      g_assert_no_error (error);
    }
  gui_test_spin ();

  sort = GTK_DROP_DOWN (find_dropdown_with (window, "By Name"));
  tags = GTK_DROP_DOWN (find_dropdown_with (window, "All Tags"));
  folders = GTK_DROP_DOWN (find_dropdown_with (window, "All Layers"));
  search = GTK_EDITABLE (gui_test_find (window, is_search_entry, NULL));
  g_assert_nonnull (sort);
  g_assert_nonnull (tags);
  g_assert_nonnull (folders);
  g_assert_nonnull (search);

  assert_list_order (fixture, FALSE, NULL, NULL);

  gtk_drop_down_set_selected (tags, choice_index (tags, "bilingüe"));
  gui_test_spin ();
  assert_list_order (fixture, FALSE, has_tag, "bilingüe");
  gtk_drop_down_set_selected (sort, 3);
  gui_test_spin ();
  assert_list_order (fixture, TRUE, has_tag, "bilingüe");
  /* A second filter while the first holds. */
  gtk_widget_activate_action (window, "win.toggle-category", "s", "park");
  gui_test_spin ();
  assert_list_order (fixture, TRUE, in_park_with_tag, "bilingüe");
  gtk_widget_activate_action (window, "win.toggle-category", "s", "park");
  gui_test_spin ();
  assert_list_order (fixture, TRUE, has_tag, "bilingüe");
  gtk_drop_down_set_selected (tags, 0);
  gui_test_spin ();
  assert_list_order (fixture, TRUE, NULL, NULL);

  gtk_drop_down_set_selected (folders, choice_index (folders, "Parques"));
  gui_test_spin ();
  assert_list_order (fixture, TRUE, in_folder, "Parques");
  gtk_drop_down_set_selected (sort, 0);
  gui_test_spin ();
  assert_list_order (fixture, FALSE, in_folder, "Parques");
  gtk_widget_activate_action (window, "win.show-all", NULL);
  gui_test_spin ();
  assert_list_order (fixture, FALSE, NULL, NULL);

  gtk_widget_activate_action (window, "win.toggle-category", "s", "business");
  gui_test_spin ();
  assert_list_order (fixture, FALSE, in_category, "business");
  gtk_widget_activate_action (window, "win.toggle-category", "s", "business");
  gui_test_spin ();
  assert_list_order (fixture, FALSE, NULL, NULL);

  /* A search, then none. */
  gtk_editable_set_text (search, "Zürich");
  gui_test_spin_for (500);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  gtk_editable_set_text (search, "");
  gui_test_spin_for (500);
  assert_list_order (fixture, FALSE, NULL, NULL);

  /* A new name moves the asset to its new place. */
  g_assert_true (model_has_name (model, "zebra crossing", &position));
  shown = g_list_model_get_item (model, position);
  renamed = amap_store_get_asset (fixture->store, amap_asset_get_uuid (shown), &error);
  g_assert_no_error (error);
  amap_asset_set_name (renamed, "Aardvark Books");
  g_assert_true (amap_store_update_asset (fixture->store, renamed, &error));
  g_assert_no_error (error);
  gui_test_spin ();
  assert_list_order (fixture, FALSE, NULL, NULL);
  g_assert_true (model_has_name (model, "Aardvark Books", &position));
  g_assert_cmpuint (position, ==, 0);
}

/* Several assets chosen in the list change together, and one undo puts
 * them all back. */
static void
test_bulk_set_category (Fixture       *fixture,
                        gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  const char *names[] = { "Cesar Chavez Park", "Mi Tienda Market", "Fruitvale Library" };
  const char *before[] = { "park", "business", "library-arts" };
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (model));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AmapAsset) asset = NULL;
      guint position;

      g_assert_true (model_has_name (model, names[i], &position));
      asset = g_list_model_get_item (model, position);
      g_ptr_array_add (uuids, g_strdup (amap_asset_get_uuid (asset)));
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), position, FALSE);
    }
  gui_test_spin ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.bulk-set-category", "s",
                                             "health"));
  gui_test_spin ();
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (fixture->store, g_ptr_array_index (uuids, i), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (amap_asset_get_category (stored), ==, "health");
    }
  /* The list still holds all six, each changed one once. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.bulk-add-tag", "s",
                                             "summer"));
  gui_test_spin ();

  /* One undo: the tag; one more: the categories, all three. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (fixture->store, g_ptr_array_index (uuids, i), &error);

      g_assert_false (amap_asset_has_tag (stored, "summer"));
      g_assert_cmpstr (amap_asset_get_category (stored), ==, "health");
    }
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (fixture->store, g_ptr_array_index (uuids, i), &error);

      g_assert_cmpstr (amap_asset_get_category (stored), ==, before[i]);
    }
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Add “Mobile Food Pantry”");
}

/* Gives the asset @name every kind of detail the list does not hold
 * (text fields, extra fields, key leaders, a log), and returns it as
 * stored. */
static AmapAsset *
add_details (Fixture    *fixture,
             const char *name)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autoptr(AmapAsset) item = NULL;
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(AmapContact) leader = amap_contact_new ("Rosa Delgado");
  g_autoptr(AmapContact) second = amap_contact_new ("Tom Nguyen");
  g_autoptr(AmapInteraction) visit = NULL;
  g_autoptr(AmapInteraction) call = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  g_assert_true (model_has_name (model, name, &position));
  item = g_list_model_get_item (model, position);
  asset = amap_store_get_asset (fixture->store, amap_asset_get_uuid (item), &error);
  g_assert_no_error (error);

  amap_asset_set_source_id (asset, "placemark-7");
  amap_asset_set_address (asset, "3301 E 12th St, Oakland");
  amap_asset_set_description (asset, "Open late on Thursdays; <b>bilingual</b> staff.");
  amap_asset_set_strengths (asset, "Meeting room for 40");
  amap_asset_set_needs (asset, "Volunteers on weekends");
  amap_asset_set_website (asset, "https://example.org/fruitvale");
  amap_asset_set_phone (asset, "+1 510 555 0142");
  amap_asset_set_email (asset, "hello@example.org");
  amap_asset_set_extra (asset, "Opening hours", "Mo-Fr 09:00-18:00");
  amap_asset_set_extra (asset, "gx_media_links", "https://example.org/photo.jpg");
  amap_asset_add_tag (asset, "summer");
  amap_contact_set_role (leader, "Director");
  amap_contact_set_phone (leader, "+1 510 555 0100");
  amap_asset_add_contact (asset, leader);
  amap_contact_set_language (second, "Vietnamese");
  amap_asset_add_contact (asset, second);
  visit = amap_interaction_new ("2024-03-15", AMAP_INTERACTION_VISIT, "Toured the space");
  call = amap_interaction_new ("2024-04-02", AMAP_INTERACTION_CALL, "Follow-up call");
  amap_asset_add_interaction (asset, visit);
  amap_asset_add_interaction (asset, call);
  g_assert_true (amap_store_update_asset (fixture->store, asset, &error));
  g_assert_no_error (error);

  return amap_store_get_asset (fixture->store, amap_asset_get_uuid (item), NULL);
}

/* TRUE when @stored is @expected with nothing lost: every field, extra
 * field, key leader and log entry the same, but for the date it was
 * modified. */
static void
assert_kept_details (AmapStore *store,
                     AmapAsset *expected)
{
  g_autoptr(AmapAsset) stored = amap_store_get_asset (store, amap_asset_get_uuid (expected), NULL);
  g_autoptr(AmapAsset) want = amap_asset_copy (expected);

  g_assert_nonnull (stored);
  g_assert_false (amap_asset_is_summary (stored));
  amap_asset_set_modified (want, amap_asset_get_modified (stored));
  g_assert_cmpstr (amap_asset_get_description (stored), ==, amap_asset_get_description (expected));
  g_assert_cmpstr (amap_asset_get_extra (stored, "Opening hours"), ==, "Mo-Fr 09:00-18:00");
  g_assert_cmpuint (amap_asset_get_contacts (stored)->len, ==, 2);
  g_assert_cmpuint (amap_asset_get_interactions (stored)->len, ==, 2);
  g_assert_true (amap_asset_equal (stored, want));
}

/* A stage set on several assets of the list changes their stage and
 * nothing else: the list holds summaries, and the change is made to the
 * whole assets. Undo brings back the stages, with every detail. */
static void
test_bulk_stage_keeps_details (Fixture       *fixture,
                               gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  const char *names[] = { "Fruitvale Library", "Mi Tienda Market", "Mobile Food Pantry" };
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_ptr_array_add (before, add_details (fixture, names[i]));
  gui_test_spin ();

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (model));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AmapAsset) item = NULL;
      guint position;

      g_assert_true (model_has_name (model, names[i], &position));
      item = g_list_model_get_item (model, position);
      /* What the window has at hand is a summary. */
      g_assert_true (amap_asset_is_summary (item));
      g_assert_null (amap_asset_get_description (item));
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), position, FALSE);
    }
  gui_test_spin ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.bulk-set-stage", "i",
                                             AMAP_STAGE_PARTNER));
  gui_test_spin ();
  g_assert_null (gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  for (guint i = 0; i < before->len; i++)
    {
      g_autoptr(AmapAsset) expected = amap_asset_copy (g_ptr_array_index (before, i));

      amap_asset_set_stage (expected, AMAP_STAGE_PARTNER);
      assert_kept_details (fixture->store, expected);
    }
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Set Stage of 3 Assets");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  for (guint i = 0; i < before->len; i++)
    assert_kept_details (fixture->store, g_ptr_array_index (before, i));

  /* The list shows the change, still as summaries. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AmapAsset) item = NULL;
      guint position;

      g_assert_true (model_has_name (model, names[i], &position));
      item = g_list_model_get_item (model, position);
      g_assert_true (amap_asset_is_summary (item));
      g_assert_cmpint (amap_asset_get_stage (item), ==, amap_asset_get_stage (g_ptr_array_index (before, i)));
    }
}

#ifdef GDK_WINDOWING_X11
/* Runs xdotool with @args (NULL-terminated), as a person's mouse and
 * keyboard through the X server. */
static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The point (@x, @y) of @widget in the X window's coordinates. */
static void
to_x_window (GtkWidget *widget,
             double     x,
             double     y,
             char     **sx,
             char     **sy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  double wx, wy, tx, ty;

  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &wx, &wy));
  gtk_native_get_surface_transform (native, &tx, &ty);
  *sx = g_strdup_printf ("%d", (int) round (wx + tx));
  *sy = g_strdup_printf ("%d", (int) round (wy + ty));
}

static void
on_asset_updated (AmapStore *store,
                  AmapAsset *asset,
                  guint     *count)
{
  (*count)++;
}
#endif

/* After typing a search, a drag of a pin takes the keyboard focus to the
 * map: Ctrl+Z then undoes the move, not the typing (it undid the typing,
 * as the focus stayed in the search entry). Real pointer and keys. */
static void
test_map_takes_focus (Fixture       *fixture,
                      gconstpointer  data)
{
#ifdef GDK_WINDOWING_X11
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AmapPinLayer *layer = amap_map_view_get_pin_layer (map_view);
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  g_autofree char *xid = NULL, *sx = NULL, *sy = NULL, *ex = NULL, *ey = NULL;
  g_autoptr(AmapAsset) market = NULL;
  g_autoptr(AmapAsset) moved = NULL;
  g_autoptr(AmapAsset) back = NULL;
  GtkWidget *entry;
  GtkNative *native;
  guint updated = 0;
  guint position;
  double x, y;
  gint64 deadline;

  if (!GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (fixture->window))))
    {
      g_test_skip ("Real pointer events need an X11 display (Xvfb)");
      return;
    }
  if (xdotool_path == NULL)
    {
      g_test_skip ("Real pointer events need xdotool (apt-get install xdotool)");
      return;
    }

  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  native = gtk_widget_get_native (GTK_WIDGET (fixture->window));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));

  /* The market selected, in the middle of the map. */
  g_assert_true (model_has_name (model, "Mi Tienda Market", &position));
  market = g_list_model_get_item (model, position);
  amap_map_view_center_on (map_view, amap_asset_get_latitude (market), amap_asset_get_longitude (market), 16);
  amap_map_view_set_selected_uuid (map_view, amap_asset_get_uuid (market));
  gui_test_spin_for (1000);
  g_assert_true (amap_pin_layer_get_pin_position (layer, amap_asset_get_uuid (market), &x, &y));

  /* Typed into the search: the market is still listed. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  gui_test_spin_for (200);
  entry = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_nonnull (entry);
  g_assert_nonnull (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY));
  to_x_window (GTK_WIDGET (layer), x, y - 20, &sx, &sy);
  xdotool ("mousemove", "--sync", "--window", xid, sx, sy, NULL);
  xdotool ("type", "--delay", "30", "Tienda", NULL);
  gui_test_spin_for (400);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY))),
                   ==, "Tienda");
  g_assert_true (model_has_name (model, "Mi Tienda Market", NULL));

  /* A drag of the selected pin, 80 pixels to the right. */
  g_assert_cmpstr (amap_map_view_get_selected_uuid (map_view), ==, amap_asset_get_uuid (market));
  g_assert_true (amap_pin_layer_get_pin_position (layer, amap_asset_get_uuid (market), &x, &y));
  g_clear_pointer (&sx, g_free);
  g_clear_pointer (&sy, g_free);
  to_x_window (GTK_WIDGET (layer), x, y - 20, &sx, &sy);
  xdotool ("mousemove", "--sync", "--window", xid, sx, sy, NULL);
  gui_test_spin_for (100);
  g_signal_connect (fixture->store, "asset-updated", G_CALLBACK (on_asset_updated), &updated);
  to_x_window (GTK_WIDGET (layer), x + 80, y - 20, &ex, &ey);
  xdotool ("mousedown", "1", NULL);
  gui_test_spin_for (100);
  {
    g_autofree char *mx = NULL, *my = NULL;

    to_x_window (GTK_WIDGET (layer), x + 40, y - 20, &mx, &my);
    xdotool ("mousemove", "--sync", "--window", xid, mx, my, NULL);
  }
  gui_test_spin_for (100);
  xdotool ("mousemove", "--sync", "--window", xid, ex, ey, NULL);
  gui_test_spin_for (100);
  xdotool ("mouseup", "1", NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (updated == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (updated, ==, 1);
  moved = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpfloat (amap_asset_get_longitude (moved), >, amap_asset_get_longitude (market));

  /* Ctrl+Z: the pin goes back, the search stays. */
  xdotool ("key", "ctrl+z", NULL);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (updated < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  gui_test_spin ();
  back = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (back), amap_asset_get_longitude (market), 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (back), amap_asset_get_latitude (market), 1e-9);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY))),
                   ==, "Tienda");
  g_signal_handlers_disconnect_by_func (fixture->store, on_asset_updated, &updated);
#else
  g_test_skip ("Real pointer events are tested on X11 only");
#endif
}

/* A pin dragged on the map with the pointer moves its asset and changes
 * nothing else: the asset's details, key leaders and log are all kept
 * (the pin layer draws summaries). Real pointer events. */
static void
test_pin_drag_keeps_details (Fixture       *fixture,
                             gconstpointer  data)
{
#ifdef GDK_WINDOWING_X11
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AmapPinLayer *layer = amap_map_view_get_pin_layer (map_view);
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  g_autofree char *xid = NULL, *sx = NULL, *sy = NULL, *mx = NULL, *my = NULL, *ex = NULL, *ey = NULL;
  g_autoptr(AmapAsset) library = NULL;
  g_autoptr(AmapAsset) moved = NULL;
  g_autoptr(AmapAsset) expected = NULL;
  GtkNative *native;
  guint updated = 0;
  double x, y;
  gint64 deadline;

  if (!GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (fixture->window))))
    {
      g_test_skip ("Real pointer events need an X11 display (Xvfb)");
      return;
    }
  if (xdotool_path == NULL)
    {
      g_test_skip ("Real pointer events need xdotool (apt-get install xdotool)");
      return;
    }

  library = add_details (fixture, "Fruitvale Library");
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  native = gtk_widget_get_native (GTK_WIDGET (fixture->window));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));

  /* The library selected (its pin on top of the clinic's), in the middle
   * of the map. */
  amap_map_view_center_on (map_view, amap_asset_get_latitude (library), amap_asset_get_longitude (library), 17);
  amap_map_view_set_selected_uuid (map_view, amap_asset_get_uuid (library));
  gui_test_spin_for (1000);
  g_assert_true (amap_pin_layer_get_pin_position (layer, amap_asset_get_uuid (library), &x, &y));

  /* Pressed on the pin, moved 80 pixels up and to the left, released. */
  to_x_window (GTK_WIDGET (layer), x, y - 20, &sx, &sy);
  to_x_window (GTK_WIDGET (layer), x - 40, y - 60, &mx, &my);
  to_x_window (GTK_WIDGET (layer), x - 80, y - 100, &ex, &ey);
  xdotool ("mousemove", "--sync", "--window", xid, sx, sy, NULL);
  gui_test_spin_for (100);
  g_signal_connect (fixture->store, "asset-updated", G_CALLBACK (on_asset_updated), &updated);
  xdotool ("mousedown", "1", NULL);
  gui_test_spin_for (100);
  xdotool ("mousemove", "--sync", "--window", xid, mx, my, NULL);
  gui_test_spin_for (100);
  xdotool ("mousemove", "--sync", "--window", xid, ex, ey, NULL);
  gui_test_spin_for (100);
  xdotool ("mouseup", "1", NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (updated == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_signal_handlers_disconnect_by_func (fixture->store, on_asset_updated, &updated);
  gui_test_spin ();
  g_assert_cmpuint (updated, ==, 1);
  g_assert_null (gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  /* Moved: north-west of where it was, placed by hand; all else kept. */
  moved = amap_store_get_asset (fixture->store, amap_asset_get_uuid (library), NULL);
  g_assert_cmpfloat (amap_asset_get_latitude (moved), >, amap_asset_get_latitude (library));
  g_assert_cmpfloat (amap_asset_get_longitude (moved), <, amap_asset_get_longitude (library));
  expected = amap_asset_copy (library);
  amap_asset_set_location (expected, amap_asset_get_latitude (moved), amap_asset_get_longitude (moved));
  amap_asset_set_location_source (expected, AMAP_LOCATION_SOURCE_MANUAL);
  assert_kept_details (fixture->store, expected);

  /* The list's item follows, as a summary. */
  {
    g_autoptr(AmapAsset) item = NULL;
    guint position;

    g_assert_true (model_has_name (model, "Fruitvale Library", &position));
    item = g_list_model_get_item (model, position);
    g_assert_true (amap_asset_is_summary (item));
    g_assert_cmpfloat (amap_asset_get_latitude (item), ==, amap_asset_get_latitude (moved));
  }

  /* Undone: back where it was, with everything. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  assert_kept_details (fixture->store, library);
#else
  g_test_skip ("Real pointer events are tested on X11 only");
#endif
}

/* The list view that shows @model. */
static gboolean
is_list_view_of (GtkWidget     *widget,
                 gconstpointer  model)
{
  return GTK_IS_LIST_VIEW (widget) &&
         G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (widget))) == model;
}

static GtkWidget *
find_list_view (GtkWidget  *widget,
                GListModel *model)
{
  return gui_test_find (widget, is_list_view_of, model);
}

/* Typing while the list or its filters have the focus starts a search. */
static void
test_typing_searches (Fixture       *fixture,
                      gconstpointer  data)
{
#ifdef GDK_WINDOWING_X11
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  g_autofree char *xid = NULL;
  GtkWidget *list_view;
  GtkNative *native;

  if (!GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (fixture->window))) || xdotool_path == NULL)
    {
      g_test_skip ("Real keys need an X11 display (Xvfb) and xdotool");
      return;
    }
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  native = gtk_widget_get_native (GTK_WIDGET (fixture->window));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));

  /* On a row of the list. */
  list_view = find_list_view (GTK_WIDGET (fixture->window), model);
  g_assert_nonnull (list_view);
  g_assert_true (gtk_widget_child_focus (list_view, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (fixture->window)), list_view));
  gui_test_spin_for (100);
  xdotool ("mousemove", "--sync", "--window", xid, "100", "400", NULL);
  xdotool ("type", "--delay", "30", "park", NULL);
  gui_test_spin_for (500);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (model_has_name (model, "Cesar Chavez Park", NULL));

  /* On a filter above the list (it searched only from the list itself). */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-all", NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  gui_test_spin_for (200);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  {
    GtkWidget *hubs = gui_test_find_labelled_button (GTK_WIDGET (fixture->window), "Hubs Only");

    g_assert_nonnull (hubs);
    g_assert_true (gtk_widget_grab_focus (hubs));
  }
  gui_test_spin_for (100);
  xdotool ("type", "--delay", "30", "tienda", NULL);
  gui_test_spin_for (500);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (model_has_name (model, "Mi Tienda Market", NULL));
#else
  g_test_skip ("Real keys are tested on X11 only");
#endif
}

/* Ctrl+N puts the new asset at the center of the map, beside the selected
 * pin rather than on it; zoomed out over half a continent it asks for a
 * click instead (it used to drop the asset mid-ocean). */
static void
test_new_asset_beside_pins (Fixture       *fixture,
                            gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  g_autoptr(AmapAsset) market = NULL;
  AmapAsset *added;
  double lat, lon, zoom, meters;
  guint position;

  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (model_has_name (model, "Mi Tienda Market", &position));
  market = g_list_model_get_item (model, position);
  select_only (model, position);
  amap_map_view_center_on (map_view, amap_asset_get_latitude (market), amap_asset_get_longitude (market), 17);
  gui_test_spin_for (1500);
  amap_map_view_get_view (map_view, &lat, &lon, &zoom);
  g_assert_cmpfloat (fabs (lat - amap_asset_get_latitude (market)), <, 1e-4);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-asset", NULL));
  gui_test_spin ();
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 7);
  added = selected_item (model);
  g_assert_nonnull (added);
  g_assert_cmpstr (amap_asset_get_name (added), !=, "Mi Tienda Market");
  /* At zoom 17 a pin is about 30 m tall: at least a pin away, and still
   * near the center. */
  meters = hypot ((amap_asset_get_latitude (added) - amap_asset_get_latitude (market)) * 111320,
                  (amap_asset_get_longitude (added) - amap_asset_get_longitude (market)) * 111320 *
                  cos (lat * G_PI / 180));
  g_assert_cmpfloat (meters, >, 30);
  g_assert_cmpfloat (meters, <, 300);

  /* Zoomed out: add mode, nothing added yet. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.close-details", NULL);
  amap_map_view_center_on (map_view, 30, -140, 4);
  gui_test_spin_for (1500);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-asset", NULL);
  gui_test_spin ();
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 7);
  g_assert_true (amap_map_view_get_adding (map_view));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  gui_test_spin ();
  g_assert_false (amap_map_view_get_adding (map_view));
}

/* The label over the map that says nothing shown is in view. */
static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static GtkWidget *
find_label_with (GtkWidget  *widget,
                 const char *text)
{
  return gui_test_find (widget, is_label_with, text);
}

/* A filter whose assets are all off screen says so over the map, and Zoom
 * to Shown brings them into view. */
static void
test_nothing_in_view (Fixture       *fixture,
                      gconstpointer  data)
{
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  GtkWidget *label;
  GtkWidget *revealer;
  double lat, lon, zoom;

  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-category", "s", "park");
  amap_map_view_center_on (map_view, 40.7128, -74.0060, 15);
  gui_test_spin_for (1500);

  label = find_label_with (GTK_WIDGET (fixture->window), "in view");
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "None of the 2 assets shown is in view");
  revealer = gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.zoom-to-shown", NULL));
  gui_test_spin_for (1500);
  amap_map_view_get_view (map_view, &lat, &lon, &zoom);
  /* Between the two parks. */
  g_assert_cmpfloat (fabs (lat - 37.78), <, 0.02);
  g_assert_cmpfloat (fabs (lon + 122.218), <, 0.02);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
}

static void
test_selection_follows_map (Fixture       *fixture,
                            gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  g_autoptr(AmapAsset) library = NULL;
  g_autoptr(AmapAsset) market = NULL;
  guint library_pos, market_pos;

  g_assert_true (model_has_name (model, "Fruitvale Library", &library_pos));
  g_assert_true (model_has_name (model, "Mi Tienda Market", &market_pos));
  library = g_list_model_get_item (model, library_pos);
  market = g_list_model_get_item (model, market_pos);

  /* List -> map */
  select_only (model, library_pos);
  gui_test_spin ();
  g_assert_cmpstr (amap_map_view_get_selected_uuid (map_view), ==, amap_asset_get_uuid (library));

  /* Map -> list */
  amap_map_view_set_selected_uuid (map_view, amap_asset_get_uuid (market));
  gui_test_spin ();
  g_assert_cmpuint (selected_position (model), ==, market_pos);

  /* Escape closes the details and clears both. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  gui_test_spin ();
  g_assert_cmpuint (selected_position (model), ==,
                    GTK_INVALID_LIST_POSITION);
  g_assert_null (amap_map_view_get_selected_uuid (map_view));
}

static void
test_add_at_map_point (Fixture       *fixture,
                       gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  GtkWidget *map_view = amap_window_get_map_view (fixture->window);
  AmapAsset *selected;

  g_signal_emit_by_name (map_view, "add-requested", 37.7801, -122.2155);
  gui_test_spin ();

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 7);
  selected = selected_item (model);
  g_assert_nonnull (selected);
  g_assert_true (amap_asset_get_has_location (selected));
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (selected), 37.7801, 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (selected), -122.2155, 1e-9);
  g_assert_cmpstr (amap_map_view_get_selected_uuid (AMAP_MAP_VIEW (map_view)), ==,
                   amap_asset_get_uuid (selected));
}

static void
test_delete_and_undo (Fixture       *fixture,
                      gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autoptr(AmapAsset) clinic = NULL;
  g_autoptr(AmapAsset) back = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  g_assert_true (model_has_name (model, "La Clínica de la Raza", &position));
  clinic = g_list_model_get_item (model, position);
  select_only (model, position);
  gui_test_spin ();

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
  g_assert_false (model_has_name (model, "La Clínica de la Raza", NULL));
  g_assert_null (amap_store_get_asset (fixture->store, amap_asset_get_uuid (clinic), NULL));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_true (model_has_name (model, "La Clínica de la Raza", NULL));
  back = amap_store_get_asset (fixture->store, amap_asset_get_uuid (clinic), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_name (back), ==, "La Clínica de la Raza");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.redo", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
}

static void
test_editor_flags_invalid (Fixture       *fixture,
                           gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapAssetEditor *editor;
  GtkWidget *row;
  guint position;

  g_assert_true (model_has_name (model, "Mi Tienda Market", &position));
  select_only (model, position);
  gui_test_spin ();

  editor = AMAP_ASSET_EDITOR (gui_test_find_descendant (GTK_WIDGET (fixture->window), AMAP_TYPE_ASSET_EDITOR));
  g_assert_nonnull (editor);
  g_assert_nonnull (amap_asset_editor_get_uuid (editor));
  g_assert_true (amap_asset_editor_get_valid (editor));
  g_assert_false (amap_asset_editor_get_dirty (editor));

  /* The first entry row is the name: empty it. */
  row = gui_test_find_descendant (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "   ");
  gui_test_spin ();
  g_assert_true (amap_asset_editor_get_dirty (editor));
  g_assert_false (amap_asset_editor_get_valid (editor));
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  /* A valid name saves, and the list shows it. */
  gtk_editable_set_text (GTK_EDITABLE (row), "Mi Tienda Market & Deli");
  gui_test_spin ();
  g_assert_true (amap_asset_editor_get_valid (editor));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  gui_test_spin ();
  g_assert_false (amap_asset_editor_get_dirty (editor));
  g_assert_true (model_has_name (model, "Mi Tienda Market & Deli", NULL));
  /* Still selected after the store replaced the item. */
  g_assert_nonnull (selected_item (model));
}

static void
test_switching_keeps_edits (Fixture       *fixture,
                            gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapAssetEditor *editor;
  g_autoptr(AmapAsset) park = NULL;
  g_autoptr(AmapAsset) stored = NULL;
  AmapAsset *selected;
  GtkWidget *row;
  guint position;

  g_assert_true (model_has_name (model, "Cesar Chavez Park", &position));
  park = g_list_model_get_item (model, position);
  select_only (model, position);
  gui_test_spin ();

  editor = AMAP_ASSET_EDITOR (gui_test_find_descendant (GTK_WIDGET (fixture->window), AMAP_TYPE_ASSET_EDITOR));
  row = gui_test_find_descendant (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (row), "César Chávez Park");
  gui_test_spin ();
  /* Typing is applied once it pauses (500 ms): on a slow machine it may
   * already be. Either way, picking another asset keeps it. */

  /* Another asset, picked on the map: the edit is kept, one undo step. */
  g_assert_true (model_has_name (model, "Fruitvale Library", &position));
  {
    g_autoptr(AmapAsset) library = g_list_model_get_item (model, position);
    amap_map_view_set_selected_uuid (AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window)),
                                     amap_asset_get_uuid (library));
  }
  gui_test_spin ();

  stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (park), NULL);
  g_assert_cmpstr (amap_asset_get_name (stored), ==, "César Chávez Park");
  selected = selected_item (model);
  g_assert_nonnull (selected);
  g_assert_cmpstr (amap_asset_get_name (selected), ==, "Fruitvale Library");
  g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, amap_asset_get_uuid (selected));
  g_assert_false (amap_asset_editor_get_dirty (editor));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_assert_true (model_has_name (model, "Cesar Chavez Park", NULL));
}

static void
close_reports (AmapWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
}

static AmapWindow *
other_window (GtkApplication *application,
              AmapWindow     *window)
{
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (AMAP_IS_WINDOW (l->data) && l->data != (gpointer) window)
      return l->data;
  return NULL;
}

static void
test_open_sample (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amap-sample-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "school.assetmap", NULL);
  g_autofree char *sample_path = g_build_filename (g_get_user_data_dir (), "asset-map",
                                                   "Fruitvale Sample.assetmap", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(AmapApplication) application = amap_application_new ();
  g_autoptr(AmapStore) store = NULL;
  g_auto(GStrv) recent = NULL;
  AmapWindow *window;
  AmapWindow *sample;
  AmapStore *sample_store;
  GListModel *model;
  guint n_sample;
  double lat = 0, lon = 0;
  const char *home_name = NULL;

  g_assert_no_error (error);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);

  /* The user's own map: one asset and a title. */
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  add_asset (store, "Fruitvale Library", "library-arts", 37.7752, -122.2241);
  amap_store_set_title (store, "Our School", &error);
  g_assert_no_error (error);

  window = g_object_ref (amap_window_new (application, store));
  gtk_window_present (GTK_WINDOW (window));
  gui_test_spin ();

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL);
  gui_test_spin ();

  /* The sample opens as its own map, in its own window... */
  sample = other_window (GTK_APPLICATION (application), window);
  g_assert_nonnull (sample);
  while (amap_window_get_importing (sample))
    g_main_context_iteration (NULL, TRUE);
  gui_test_spin ();
  sample_store = amap_window_get_store (sample);
  g_assert_cmpstr (amap_store_get_path (sample_store), ==, sample_path);
  g_assert_true (g_file_test (sample_path, G_FILE_TEST_IS_REGULAR));

  /* ...with every category, hubs included, and the school as home... */
  model = amap_window_get_asset_model (sample);
  n_sample = g_list_model_get_n_items (model);
  g_assert_cmpuint (n_sample, >=, 10);
  g_assert_true (model_has_name (model, "Fruitvale Community Elementary", NULL));
  g_assert_true (amap_store_get_home (sample_store, &lat, &lon, &home_name));
  g_assert_cmpstr (home_name, ==, "Fruitvale Community Elementary");
  g_assert_cmpfloat_with_epsilon (lat, 37.7772, 1e-6);
  g_assert_cmpfloat_with_epsilon (lon, -122.2236, 1e-6);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (sample)), ==, "Fruitvale Sample Neighborhood");

  /* ...among the recent maps. */
  recent = g_settings_get_strv (settings, "recent-maps");
  g_assert_nonnull (recent[0]);
  g_assert_cmpstr (recent[0], ==, sample_path);

  /* The user's map is untouched, and its window made way. */
  g_assert_cmpuint (amap_store_count_assets (store), ==, 1);
  g_assert_cmpstr (amap_store_get_title (store), ==, "Our School");
  g_assert_false (amap_store_get_home (store, NULL, NULL, NULL));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Opening the sample again from the sample is the same map, not a
   * second import into it. */
  close_reports (sample);
  gtk_widget_activate_action (GTK_WIDGET (sample), "win.open-sample", NULL);
  gui_test_spin ();
  g_assert_false (amap_window_get_importing (sample));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_sample);

  close_reports (sample);
  gtk_window_destroy (GTK_WINDOW (sample));
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  gui_test_spin ();

  g_clear_object (&store);
  test_util_remove_dir (dir);
}

static void
test_remembers_layout (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amap-layout-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "layout.assetmap", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(AmapStore) store = NULL;
  AmapWindow *window;

  g_assert_no_error (error);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  add_asset (store, "Fruitvale Library", "library-arts", 37.7752, -122.2241);

  g_settings_set_int (settings, "sidebar-width", 380);
  window = g_object_ref_sink (amap_window_new (NULL, store));
  gtk_window_present (GTK_WINDOW (window));
  gui_test_spin ();

  g_assert_cmpint (amap_window_get_sidebar_width (window), ==, 380);
  amap_window_set_sidebar_width (window, 420);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gui_test_spin ();

  gtk_window_close (GTK_WINDOW (window));
  gui_test_spin ();
  g_assert_cmpint (g_settings_get_int (settings, "sidebar-width"), ==, 420);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));

  g_object_unref (window);
  g_clear_object (&store);
  test_util_remove_dir (dir);
}

static AdwMessageDialog *
find_report (AmapWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
test_bad_import_is_shown (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "minutes.kml", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AdwMessageDialog *dialog;

  g_file_set_contents (path, "Minutes of the PTA meeting, not a KML file.\n", -1, &error);
  g_assert_no_error (error);

  file = g_file_new_for_path (path);
  amap_window_import_file (fixture->window, file);
  wait_for_import (fixture->window);
  gui_test_spin ();

  /* Nothing added, and the window says so: not only stderr. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  dialog = find_report (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "Could Not Import"));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "minutes.kml"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Nothing was added"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_pin_moved (Fixture       *fixture,
                gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  GtkWidget *map_view = amap_window_get_map_view (fixture->window);
  g_autoptr(AmapAsset) market = NULL;
  g_autoptr(AmapAsset) moved = NULL;
  g_autoptr(AmapAsset) back = NULL;
  guint position;

  g_assert_true (model_has_name (model, "Mi Tienda Market", &position));
  market = g_list_model_get_item (model, position);

  g_signal_emit_by_name (map_view, "asset-moved", amap_asset_get_uuid (market), 37.7701, -122.2301);
  gui_test_spin ();
  moved = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (moved), 37.7701, 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (moved), -122.2301, 1e-9);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  back = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (back), 37.7730, 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (back), -122.2220, 1e-9);
}

static void
test_set_home (Fixture       *fixture,
               gconstpointer  data)
{
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  double lat = 0, lon = 0;
  const char *name = NULL;

  g_assert_false (amap_store_get_home (fixture->store, NULL, NULL, NULL));

  /* The map asks for a click; the click names the school. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.set-home", NULL);
  gui_test_spin ();
  g_assert_true (amap_map_view_get_adding (map_view));
  g_signal_emit_by_name (map_view, "add-requested", 37.7772, -122.2236);
  gui_test_spin ();

  dialog = find_report (fixture->window);
  g_assert_nonnull (dialog);
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_EDITABLE (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Fruitvale Elementary");
  adw_message_dialog_response (dialog, "set");
  gui_test_spin ();

  g_assert_true (amap_store_get_home (fixture->store, &lat, &lon, &name));
  g_assert_cmpstr (name, ==, "Fruitvale Elementary");
  g_assert_cmpfloat_with_epsilon (lat, 37.7772, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, -122.2236, 1e-9);
  /* No asset was created on the way. */
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
}

static void
test_import_corpus (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *corpus = g_getenv ("AMAP_KML_CORPUS");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  GListModel *model = amap_window_get_asset_model (fixture->window);
  GtkWindow *report = NULL;
  GList *toplevels;

  if (corpus == NULL)
    {
      g_test_skip ("AMAP_KML_CORPUS is not set");
      return;
    }
  path = g_build_filename (corpus, "google_samples", "KML_Samples.kml", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The KML corpus is not available");
      return;
    }

  file = g_file_new_for_path (path);
  amap_window_import_file (fixture->window, file);
  g_assert_true (amap_window_get_importing (fixture->window));
  wait_for_import (fixture->window);
  gui_test_spin ();

  g_assert_cmpuint (g_list_model_get_n_items (model), >, 6);
  g_assert_true (model_has_name (model, "Simple placemark", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, amap_store_count_assets (fixture->store));

  /* The report is shown in the window. */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (fixture->window))
      report = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (report);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (report)), "KML_Samples.kml"));
  gtk_window_destroy (report);
}

/* The editor, through the widgets a person uses */

static GtkWidget *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  return gui_test_find_row (widget, ADW_TYPE_ENTRY_ROW, title);
}

static AmapAssetEditor *
get_editor (AmapWindow *window)
{
  return AMAP_ASSET_EDITOR (gui_test_find_descendant (GTK_WIDGET (window), AMAP_TYPE_ASSET_EDITOR));
}

/* The description is the first text view of the editor. */
static GtkTextBuffer *
description_buffer (AmapWindow *window)
{
  GtkWidget *view = gui_test_find_descendant (GTK_WIDGET (get_editor (window)), GTK_TYPE_TEXT_VIEW);

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Opens the market's details as a click on its pin does, then types a
 * description and, when @longitude is not NULL, a longitude. */
static AmapAsset *
edit_market (Fixture    *fixture,
             const char *description,
             const char *longitude)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapAssetEditor *editor = get_editor (fixture->window);
  AmapAsset *market;
  guint position;

  g_assert_true (model_has_name (model, "Mi Tienda Market", &position));
  market = g_list_model_get_item (model, position);
  amap_map_view_set_selected_uuid (AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window)),
                                   amap_asset_get_uuid (market));
  gui_test_spin ();
  g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, amap_asset_get_uuid (market));

  gtk_text_buffer_set_text (description_buffer (fixture->window), description, -1);
  if (longitude != NULL)
    gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (editor), "Longitude")), longitude);
  gui_test_spin ();
  /* Changes apply as they are made: a valid edit may be stored already. */
  g_assert_true (amap_asset_editor_get_dirty (editor) || longitude == NULL);

  return market;
}

/* As a click on a response button does: the response, then the dialog
 * closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_test_spin ();
}

/* The edit is still in the editor, the bad field flagged. */
static void
assert_edit_kept (Fixture    *fixture,
                  AmapAsset  *market,
                  const char *description)
{
  AmapAssetEditor *editor = get_editor (fixture->window);
  GtkWidget *longitude = find_entry_row (GTK_WIDGET (editor), "Longitude");
  g_autofree char *text = buffer_text (description_buffer (fixture->window));
  g_autoptr(AmapAsset) stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);

  g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, amap_asset_get_uuid (market));
  g_assert_true (amap_asset_editor_get_dirty (editor));
  g_assert_cmpstr (text, ==, description);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (longitude)), ==, "500");
  g_assert_true (gtk_widget_has_css_class (longitude, "error"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  /* Nothing stored yet. */
  g_assert_null (amap_asset_get_description (stored));
}

/* ...and the window asks. */
static AdwMessageDialog *
assert_asks (Fixture *fixture)
{
  AdwMessageDialog *dialog = find_report (fixture->window);

  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Some Changes Can’t Be Saved");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "longitude 500"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");

  return dialog;
}

static void
test_back_keeps_valid_edits (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *description = "Open late on Fridays; the owner hosts the block party.";
  g_autoptr(AmapAsset) market = edit_market (fixture, description, "500");
  AmapAssetEditor *editor = get_editor (fixture->window);
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(AmapAsset) undone = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *back;

  /* The Back button of the details. */
  back = gui_test_find_action_button (GTK_WIDGET (editor), "win.close-details");
  g_assert_nonnull (back);
  g_assert_true (gtk_widget_is_sensitive (back));
  gtk_widget_activate (back);
  gui_test_spin_for (400);
  assert_edit_kept (fixture, market, description);
  dialog = assert_asks (fixture);

  /* Save the Rest: the description is stored, the longitude stays. */
  respond (dialog, "save-rest");
  g_assert_null (find_report (fixture->window));
  stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpstr (amap_asset_get_description (stored), ==, description);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (stored), -122.2220, 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (stored), 37.7730, 1e-9);
  /* ...and Back went on to the list. */
  g_assert_null (amap_asset_editor_get_uuid (editor));

  /* The toast's Undo brings the whole edit back, 500 included. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.restore-draft", NULL);
  gui_test_spin ();
  undone = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_null (amap_asset_get_description (undone));
  g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, amap_asset_get_uuid (market));
  g_assert_true (amap_asset_editor_get_dirty (editor));
  g_assert_false (amap_asset_editor_get_valid (editor));
  text = buffer_text (description_buffer (fixture->window));
  g_assert_cmpstr (text, ==, description);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (editor), "Longitude"))),
                   ==, "500");
}

static void
test_escape_keeps_valid_edits (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *description = "Sponsors the soccer team.";
  g_autoptr(AmapAsset) market = edit_market (fixture, description, "500");
  AmapAssetEditor *editor = get_editor (fixture->window);
  GtkWidget *longitude = find_entry_row (GTK_WIDGET (editor), "Longitude");
  AdwMessageDialog *dialog;
  GtkWidget *focus;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  gui_test_spin ();
  assert_edit_kept (fixture, market, description);
  dialog = assert_asks (fixture);

  /* Keep Editing: nothing changes, and the longitude has the focus. */
  respond (dialog, "keep");
  assert_edit_kept (fixture, market, description);
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == longitude || gtk_widget_is_ancestor (focus, longitude));

  /* Another pin clicked: still the market's edit, and the map says so. */
  g_assert_true (model_has_name (amap_window_get_asset_model (fixture->window), "Fruitvale Library", NULL));
  {
    GListModel *model = amap_window_get_asset_model (fixture->window);
    AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
    g_autoptr(AmapAsset) library = NULL;
    guint position;

    model_has_name (model, "Fruitvale Library", &position);
    library = g_list_model_get_item (model, position);
    amap_map_view_set_selected_uuid (map_view, amap_asset_get_uuid (library));
    gui_test_spin ();
    assert_edit_kept (fixture, market, description);
    g_assert_cmpstr (amap_map_view_get_selected_uuid (map_view), ==, amap_asset_get_uuid (market));
    dialog = assert_asks (fixture);

    /* Save the Rest goes on to the library. */
    respond (dialog, "save-rest");
    g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, amap_asset_get_uuid (library));
    g_assert_cmpstr (amap_map_view_get_selected_uuid (map_view), ==, amap_asset_get_uuid (library));
  }
  {
    g_autoptr(AmapAsset) stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
    g_assert_cmpstr (amap_asset_get_description (stored), ==, description);
  }
}

static void
test_close_keeps_edits (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *description = "Closed on Sundays.";
  g_autoptr(AmapAsset) market = edit_market (fixture, description, NULL);
  g_autoptr(AmapAsset) stored = NULL;

  g_object_ref (fixture->window);
  fixture->window_ref = TRUE;
  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_test_spin ();

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpstr (amap_asset_get_description (stored), ==, description);
}

static void
test_close_asks_for_invalid_edits (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char *description = "Closed on Sundays.";
  g_autoptr(AmapAsset) market = edit_market (fixture, description, "500");
  g_autoptr(AmapAsset) stored = NULL;
  AdwMessageDialog *dialog;

  g_object_ref (fixture->window);
  fixture->window_ref = TRUE;
  gtk_window_close (GTK_WINDOW (fixture->window));
  gui_test_spin ();

  /* Still open, with the edit. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  assert_edit_kept (fixture, market, description);
  dialog = assert_asks (fixture);

  /* Save the Rest, then the window closes. */
  respond (dialog, "save-rest");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpstr (amap_asset_get_description (stored), ==, description);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (stored), -122.2220, 1e-9);
}

static GtkWindow *
find_file_chooser (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_FILE_CHOOSER (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

/* A real map cut in half, as a copy interrupted part way leaves it. */
static void
write_truncated_map (const char *path)
{
  g_autofree char *whole_path = g_strconcat (path, ".whole.assetmap", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  {
    g_autoptr(AmapStore) store = amap_store_open (whole_path, &error);
    AmapStoreBatch *batch;

    g_assert_no_error (error);
    batch = amap_store_batch_begin (store, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 2000; i++)
      {
        g_autofree char *name = g_strdup_printf ("Corner Store %u", i);
        g_autoptr(AmapAsset) asset = amap_asset_new (name);

        amap_asset_set_category (asset, "business");
        amap_asset_set_location (asset, 37.77 + i * 1e-5, -122.22);
        amap_store_batch_put (batch, asset, NULL, &error);
        g_assert_no_error (error);
      }
    amap_store_batch_commit (batch, &error);
    g_assert_no_error (error);
  }
  g_file_get_contents (whole_path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 8192);
  g_file_set_contents (path, contents, length / 2, &error);
  g_assert_no_error (error);
}

/* Any message dialog, with or without a parent. */
static AdwMessageDialog *
find_any_report (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
test_damaged_map_offers_backup (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "school.assetmap", NULL);
  g_autoptr(AmapApplication) application = amap_application_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *recovered_path = g_build_filename (fixture->dir, "recovered.assetmap", NULL);
  g_autoptr(GFile) recovered_file = g_file_new_for_path (recovered_path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length, after_length;
  AdwMessageDialog *dialog;
  AmapWindow *recovered;
  GtkWindow *chooser;
  GLogLevelFlags old_fatal;
  gint64 deadline;

  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  gtk_window_set_application (GTK_WINDOW (fixture->window), GTK_APPLICATION (application));
  write_truncated_map (path);

  /* What the window offers follows what the store tells. */
  {
    g_autoptr(AmapStore) store = amap_store_open (path, &error);

    g_assert_null (store);
    if (!g_error_matches (error, AMAP_ERROR, AMAP_ERROR_DAMAGED))
      {
        g_test_skip_printf ("The store does not call a truncated map damaged yet: %s", error->message);
        return;
      }
    g_clear_error (&error);
  }

  g_assert_null (amap_application_open_map (application, file, GTK_WINDOW (fixture->window)));
  gui_test_spin ();

  /* The store's sentence, and what can be done. */
  dialog = find_report (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Map");
  g_test_message ("The dialog says: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "school.assetmap"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "damaged"));
  g_assert_true (adw_message_dialog_has_response (dialog, "open-backup"));
  g_assert_true (adw_message_dialog_has_response (dialog, "close"));

  /* Open a Backup… is a file chooser. GTK 4.8's path bar warns that it
   * draws a button before it has a size when the chooser starts in a
   * folder: not fatal here, it is not ours. */
  old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  respond (dialog, "open-backup");
  chooser = find_file_chooser ();
  g_assert_nonnull (chooser);
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Open a Backup");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  gui_test_spin ();

  /* Save What Can Be Read… asks where, suggesting a name. */
  g_assert_null (amap_application_open_map (application, file, GTK_WINDOW (fixture->window)));
  gui_test_spin ();
  dialog = find_report (fixture->window);
  g_assert_true (adw_message_dialog_has_response (dialog, "salvage"));
  respond (dialog, "salvage");
  chooser = find_file_chooser ();
  g_assert_nonnull (chooser);
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Save What Can Be Read");
  {
    g_autofree char *name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
    g_assert_cmpstr (name, ==, "school (Recovered).assetmap");
  }
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  gui_test_spin ();
  g_log_set_always_fatal (old_fatal);

  /* What the chooser's answer starts: the readable assets go into a new
   * map, which opens; the damaged file is left as it was. */
  g_file_get_contents (path, &before, &before_length, &error);
  g_assert_no_error (error);
  g_object_ref (fixture->window);
  fixture->window_ref = TRUE;
  amap_application_salvage_map (application, path, recovered_file);
  deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  while ((recovered = other_window (GTK_APPLICATION (application), fixture->window)) == NULL &&
         find_any_report () == NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    }
  gui_test_spin ();
  if (find_any_report () != NULL)
    g_error ("Salvage failed: %s", adw_message_dialog_get_body (find_any_report ()));
  if (recovered == NULL)
    {
      /* It takes well under a second; a minute means it is looping (as it
       * did on a page cut part way, fixed in amap-store-salvage.c). */
      g_error ("amap_store_salvage() did not finish within a minute");
    }
  g_assert_nonnull (recovered);
  g_assert_cmpstr (amap_store_get_path (amap_window_get_store (recovered)), ==, recovered_path);
  g_assert_cmpuint (amap_store_count_assets (amap_window_get_store (recovered)), >, 0);
  g_file_get_contents (path, &after, &after_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (before, before_length, after, after_length);
  /* As when another map is opened, its window made way. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  gtk_window_destroy (GTK_WINDOW (recovered));
  gui_test_spin ();
}

static void
test_delete_several (Fixture       *fixture,
                     gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AmapAssetEditor *editor = get_editor (fixture->window);
  g_autoptr(AmapAsset) market = NULL;
  GtkWidget *button;
  guint library, park, clinic, position;

  g_assert_true (model_has_name (model, "Fruitvale Library", &library));
  g_assert_true (model_has_name (model, "Cesar Chavez Park", &park));
  g_assert_true (model_has_name (model, "La Clínica de la Raza", &clinic));

  /* A click, then Ctrl+clicks: three assets, no details, no pin. */
  select_only (model, library);
  gui_test_spin ();
  g_assert_nonnull (amap_asset_editor_get_uuid (editor));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), park, FALSE);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), clinic, FALSE);
  gui_test_spin ();
  g_assert_null (amap_asset_editor_get_uuid (editor));
  g_assert_null (amap_map_view_get_selected_uuid (map_view));

  /* The bar below the list says what Delete does. */
  button = gui_test_find_labelled_button (GTK_WIDGET (fixture->window), "_Delete 3 Assets");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (button, GTK_TYPE_REVEALER))));

  /* Delete: all three at once... */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 3);
  g_assert_false (model_has_name (model, "Cesar Chavez Park", NULL));
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Delete 3 Assets");

  /* ...and one Undo brings all three back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_true (model_has_name (model, "Fruitvale Library", NULL));
  g_assert_true (model_has_name (model, "Cesar Chavez Park", NULL));
  g_assert_true (model_has_name (model, "La Clínica de la Raza", NULL));
  /* One step: what is left to undo is the fixture's last add. */
  g_assert_true (g_str_has_prefix (amap_store_get_undo_label (fixture->store), "Undo Add"));

  /* A pin clicked selects its row alone and opens its details. */
  g_assert_true (model_has_name (model, "Mi Tienda Market", &position));
  market = g_list_model_get_item (model, position);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), 0, TRUE);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), 1, FALSE);
  gui_test_spin ();
  amap_map_view_set_selected_uuid (map_view, amap_asset_get_uuid (market));
  gui_test_spin ();
  g_assert_cmpuint (selected_position (model), ==, position);
  g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, amap_asset_get_uuid (market));
}

static void
test_backup (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "copy.assetmap", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(AmapStore) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  AdwMessageDialog *dialog;
  GtkWindow *chooser;
  GLogLevelFlags old_fatal;

  /* See test_damaged_map_offers_backup(). */
  old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  /* The chooser suggests "TITLE DATE.assetmap". */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.backup", NULL);
  gui_test_spin ();
  chooser = find_file_chooser ();
  g_assert_nonnull (chooser);
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Back Up Map");
  expected = g_strdup_printf ("test %s.assetmap", date);
  {
    g_autofree char *name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
    g_assert_cmpstr (name, ==, expected);
  }

  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  gui_test_spin ();
  g_log_set_always_fatal (old_fatal);

  /* What the chooser's answer starts: the copy runs in the background. */
  file = g_file_new_for_path (path);
  amap_window_back_up_to (fixture->window, file);
  g_assert_true (amap_window_get_backing_up (fixture->window));
  while (amap_window_get_backing_up (fixture->window))
    g_main_context_iteration (NULL, TRUE);
  gui_test_spin ();
  if (find_report (fixture->window) != NULL)
    g_error ("The backup failed: %s", adw_message_dialog_get_body (find_report (fixture->window)));

  /* A map of its own, with every asset. */
  copy = amap_store_open_existing (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (copy), ==, 6);
  g_clear_object (&copy);

  /* A backup over the map itself fails, and the dialog names the file. */
  g_clear_object (&file);
  file = g_file_new_for_path (amap_store_get_path (fixture->store));
  amap_window_back_up_to (fixture->window, file);
  while (amap_window_get_backing_up (fixture->window))
    g_main_context_iteration (NULL, TRUE);
  gui_test_spin ();
  dialog = find_report (fixture->window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Back Up to “test.assetmap”");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "unchanged"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
}

static gboolean
is_primary_menu_button (GtkWidget     *widget,
                        gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
}

static GtkWidget *
find_primary_menu_button (GtkWidget *widget)
{
  return gui_test_find (widget, is_primary_menu_button, NULL);
}

/* The label of the primary menu's first item, which is Undo. */
static char *
undo_menu_label (AmapWindow *window)
{
  GtkWidget *button = find_primary_menu_button (GTK_WIDGET (window));
  GMenuModel *menu;
  g_autoptr(GMenuModel) section = NULL;
  char *label = NULL;
  char *action = NULL;

  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_nonnull (section);
  g_assert_true (g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "win.undo");
  g_free (action);
  g_assert_true (g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));

  return label;
}

static void
test_undo_import (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "mymaps-styles-after.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GListModel *model = amap_window_get_asset_model (fixture->window);
  g_autofree char *label = NULL;
  guint imported;

  amap_window_import_file (fixture->window, file);
  wait_for_import (fixture->window);
  gui_test_spin ();
  close_reports (fixture->window);
  imported = g_list_model_get_n_items (model);
  g_assert_cmpuint (imported, >, 6);

  /* The menu says what Undo undoes, as the store names it. */
  g_assert_true (g_str_has_prefix (amap_store_get_undo_label (fixture->store),
                                   "Undo Import of “mymaps-styles-after.kml”"));
  label = undo_menu_label (fixture->window);
  g_assert_cmpstr (label, ==, amap_store_get_undo_label (fixture->store));

  /* Ctrl+Z: the whole import goes, in one step. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
  g_assert_true (model_has_name (model, "Mi Tienda Market", NULL));
  g_clear_pointer (&label, g_free);
  label = undo_menu_label (fixture->window);
  g_assert_true (g_str_has_prefix (label, "Undo Add"));

  /* Redo brings it back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.redo", NULL);
  gui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, imported);
}

static void
test_quit_asks_for_invalid_edits (Fixture       *fixture,
                                  gconstpointer  data)
{
  const char *description = "Hosts the winter coat drive.";
  g_autoptr(AmapApplication) application = amap_application_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) market = NULL;
  g_autoptr(AmapAsset) stored = NULL;
  AdwMessageDialog *dialog;

  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  gtk_window_set_application (GTK_WINDOW (fixture->window), GTK_APPLICATION (application));
  g_object_ref (fixture->window);
  fixture->window_ref = TRUE;

  market = edit_market (fixture, description, "500");

  /* Ctrl+Q: nothing closes while the edit cannot be saved whole. */
  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);
  gui_test_spin ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  assert_edit_kept (fixture, market, description);
  dialog = assert_asks (fixture);

  /* Save the Rest, and the quit goes on. */
  respond (dialog, "save-rest");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  stored = amap_store_get_asset (fixture->store, amap_asset_get_uuid (market), NULL);
  g_assert_cmpstr (amap_asset_get_description (stored), ==, description);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/window/lists-assets", Fixture, NULL, fixture_setup, test_lists_assets, fixture_teardown);
  g_test_add ("/window/filter-category", Fixture, NULL, fixture_setup, test_filter_category, fixture_teardown);
  g_test_add ("/window/filter-stages", Fixture, NULL, fixture_setup, test_filter_stages, fixture_teardown);
  g_test_add ("/window/list-order-and-filters", Fixture, NULL,
              fixture_setup, test_list_order_and_filters, fixture_teardown);
  g_test_add ("/window/filter-folder", Fixture, NULL, fixture_setup, test_filter_folder, fixture_teardown);
  g_test_add ("/window/bulk-set-category", Fixture, NULL, fixture_setup, test_bulk_set_category, fixture_teardown);
  g_test_add ("/window/bulk-stage-keeps-details", Fixture, NULL,
              fixture_setup, test_bulk_stage_keeps_details, fixture_teardown);
  g_test_add ("/window/pin-drag-keeps-details", Fixture, NULL,
              fixture_setup, test_pin_drag_keeps_details, fixture_teardown);
  g_test_add ("/window/map-takes-focus", Fixture, NULL, fixture_setup, test_map_takes_focus, fixture_teardown);
  g_test_add ("/window/typing-searches", Fixture, NULL, fixture_setup, test_typing_searches, fixture_teardown);
  g_test_add ("/window/new-asset-beside-pins", Fixture, NULL, fixture_setup, test_new_asset_beside_pins, fixture_teardown);
  g_test_add ("/window/nothing-in-view", Fixture, NULL, fixture_setup, test_nothing_in_view, fixture_teardown);
  g_test_add ("/window/selection-follows-map", Fixture, NULL, fixture_setup, test_selection_follows_map, fixture_teardown);
  g_test_add ("/window/add-at-map-point", Fixture, NULL, fixture_setup, test_add_at_map_point, fixture_teardown);
  g_test_add ("/window/delete-and-undo", Fixture, NULL, fixture_setup, test_delete_and_undo, fixture_teardown);
  g_test_add ("/window/editor-flags-invalid", Fixture, NULL, fixture_setup, test_editor_flags_invalid, fixture_teardown);
  g_test_add ("/window/switching-keeps-edits", Fixture, NULL, fixture_setup, test_switching_keeps_edits, fixture_teardown);
  g_test_add ("/window/pin-moved", Fixture, NULL, fixture_setup, test_pin_moved, fixture_teardown);
  g_test_add ("/window/bad-import-is-shown", Fixture, NULL, fixture_setup, test_bad_import_is_shown, fixture_teardown);
  g_test_add ("/window/set-home", Fixture, NULL, fixture_setup, test_set_home, fixture_teardown);
  g_test_add ("/window/back-keeps-valid-edits", Fixture, NULL, fixture_setup, test_back_keeps_valid_edits, fixture_teardown);
  g_test_add ("/window/escape-keeps-valid-edits", Fixture, NULL, fixture_setup, test_escape_keeps_valid_edits, fixture_teardown);
  g_test_add ("/window/close-keeps-edits", Fixture, NULL, fixture_setup, test_close_keeps_edits, fixture_teardown);
  g_test_add ("/window/close-asks-for-invalid-edits", Fixture, NULL, fixture_setup, test_close_asks_for_invalid_edits, fixture_teardown);
  g_test_add ("/window/damaged-map-offers-backup", Fixture, NULL, fixture_setup, test_damaged_map_offers_backup, fixture_teardown);
  g_test_add ("/window/delete-several", Fixture, NULL, fixture_setup, test_delete_several, fixture_teardown);
  g_test_add ("/window/backup", Fixture, NULL, fixture_setup, test_backup, fixture_teardown);
  g_test_add ("/window/undo-import", Fixture, NULL, fixture_setup, test_undo_import, fixture_teardown);
  g_test_add ("/window/quit-asks-for-invalid-edits", Fixture, NULL, fixture_setup, test_quit_asks_for_invalid_edits, fixture_teardown);
  g_test_add_func ("/window/open-sample", test_open_sample);
  g_test_add_func ("/window/remembers-layout", test_remembers_layout);
  g_test_add ("/window/import-corpus", Fixture, NULL, fixture_setup, test_import_corpus, fixture_teardown);

  return g_test_run ();
}
