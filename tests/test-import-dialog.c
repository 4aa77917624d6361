/* test-import-dialog.c: the import preview decides the categories (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "amap-category.h"
#include "amap-import-dialog.h"
#include "amap-map-view.h"
#include "amap-store.h"
#include "amap-window.h"
#include "gui-test-util.h"

typedef struct
{
  char       *dir;
  AmapStore  *store;
  AmapWindow *window;
  GFile      *file;
} Fixture;

static const char layers_kml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n"
  "<name>Community Map</name>\n"
  "<Folder><name>Iglesias</name>\n"
  "  <Placemark><name>San José</name><Point><coordinates>-122.20,37.80</coordinates></Point></Placemark>\n"
  "  <Placemark><name>Santa Ana</name><Point><coordinates>-122.21,37.81</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Folder><name>еда</name>\n"
  "  <Placemark><name>Пекарня</name><Point><coordinates>-122.23,37.83</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Folder><name>Tutoring</name>\n"
  "  <Placemark><name>Homework Club</name><Point><coordinates>-122.24,37.84</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Placemark><name>Nothing</name></Placemark>\n"
  "</Document>\n</kml>\n";

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AmapAsset) far = amap_asset_new ("Far Away Library");
  g_autoptr(GError) error = NULL;
  g_autofree char *kml = NULL;

  fixture->store = gui_test_open_store ("amap-import-dialog-XXXXXX", &fixture->dir);

  /* The map is not empty, and far from the file's places. */
  amap_asset_set_category (far, AMAP_CATEGORY_LIBRARY);
  amap_asset_set_location (far, 40.0, -75.0);
  amap_store_add_asset (fixture->store, far, &error);
  g_assert_no_error (error);

  kml = g_build_filename (fixture->dir, "community.kml", NULL);
  g_file_set_contents (kml, layers_kml, -1, &error);
  g_assert_no_error (error);
  fixture->file = g_file_new_for_path (kml);

  fixture->window = amap_window_new (NULL, fixture->store);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_test_spin ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->file);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static GtkWindow *
find_transient (AmapWindow *window,
                GType       type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

/* Imports the fixture's file and returns its preview, once it shows. */
static AmapImportDialog *
open_preview (Fixture *fixture)
{
  guint before = amap_store_count_assets (fixture->store);
  GtkWindow *dialog = NULL;
  gint64 end = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  amap_window_import_file (fixture->window, fixture->file);
  g_assert_true (amap_window_get_importing (fixture->window));
  while ((dialog = find_transient (fixture->window, AMAP_TYPE_IMPORT_DIALOG)) == NULL &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  gui_test_spin ();

  /* Nothing is written while the preview shows. */
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, before);
  return AMAP_IMPORT_DIALOG (dialog);
}

static guint
find_row (AmapImportPlan *plan,
          const char     *name)
{
  for (guint i = 0; i < amap_import_plan_get_n_rows (plan); i++)
    if (g_str_equal (amap_import_plan_get_row_name (plan, i), name))
      return i;
  g_error ("no row “%s”", name);
  return 0;
}

/* The position of @key in the drop-downs (the store's category order). */
static guint
category_position (AmapStore  *store,
                   const char *key)
{
  GListModel *categories = amap_store_get_categories (store);

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      if (g_str_equal (amap_category_get_key (category), key))
        return i;
    }
  g_error ("no category %s", key);
  return 0;
}

static const char *
drop_down_text (GtkDropDown *drop_down)
{
  return gtk_string_object_get_string (gtk_drop_down_get_selected_item (drop_down));
}

static AmapAsset *
find_asset (AmapStore  *store,
            const char *name)
{
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, NULL);

  for (guint i = 0; i < assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (assets, i)), name) == 0)
      return g_object_ref (g_ptr_array_index (assets, i));
  g_error ("no asset “%s”", name);
  return NULL;
}

static void
assert_category (AmapStore  *store,
                 const char *name,
                 const char *key)
{
  g_autoptr(AmapAsset) asset = find_asset (store, name);

  g_assert_cmpstr (amap_asset_get_category (asset), ==, key);
}

static void
test_mapping_decides (Fixture       *fixture,
                      gconstpointer  data)
{
  AmapImportDialog *dialog = open_preview (fixture);
  AmapImportPlan *plan = amap_import_dialog_get_plan (dialog);
  GListModel *categories = amap_store_get_categories (fixture->store);
  guint n_categories = g_list_model_get_n_items (categories);
  GtkDropDown *iglesias, *food, *tutoring;
  AdwMessageDialog *report;
  AmapCategory *made = NULL;
  double latitude, longitude, zoom;

  iglesias = amap_import_dialog_get_drop_down (dialog, find_row (plan, "Iglesias"));
  food = amap_import_dialog_get_drop_down (dialog, find_row (plan, "еда"));
  tutoring = amap_import_dialog_get_drop_down (dialog, find_row (plan, "Tutoring"));

  /* The guesses are selected: the church in Spanish, the default else. */
  g_assert_cmpuint (gtk_drop_down_get_selected (iglesias), ==,
                    category_position (fixture->store, AMAP_CATEGORY_FAITH));
  g_assert_cmpuint (gtk_drop_down_get_selected (food), ==,
                    category_position (fixture->store, AMAP_CATEGORY_OTHER));
  /* The last choice makes a category from the layer. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (tutoring)), ==, n_categories + 1);

  /* The user maps the food layer to Business and makes "Tutoring" a category. */
  gtk_drop_down_set_selected (food, category_position (fixture->store, AMAP_CATEGORY_BUSINESS));
  gtk_drop_down_set_selected (tutoring, n_categories);
  g_assert_cmpstr (drop_down_text (tutoring), ==, "New Category “Tutoring”");
  gui_test_spin ();

  gtk_widget_activate_action (GTK_WIDGET (dialog), "import-dialog.import", NULL);
  while (amap_window_get_importing (fixture->window))
    g_main_context_iteration (NULL, TRUE);
  gui_test_spin ();

  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);
  assert_category (fixture->store, "San José", AMAP_CATEGORY_FAITH);
  assert_category (fixture->store, "Santa Ana", AMAP_CATEGORY_FAITH);
  assert_category (fixture->store, "Пекарня", AMAP_CATEGORY_BUSINESS);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      if (g_str_equal (amap_category_get_name (category), "Tutoring"))
        made = category;
    }
  g_assert_nonnull (made);
  assert_category (fixture->store, "Homework Club", amap_category_get_key (made));

  /* The map frames what was imported, though it held a place far away. */
  amap_map_view_get_view (AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window)),
                          &latitude, &longitude, &zoom);
  g_assert_cmpfloat (fabs (latitude - 37.82), <, 0.1);
  g_assert_cmpfloat (fabs (longitude + 122.22), <, 0.1);

  /* The report: counts per category, what was skipped and its line. */
  report = ADW_MESSAGE_DIALOG (find_transient (fixture->window, ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (report);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (report), "community.kml"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (report), "4 places were added"));
  g_assert_true (adw_message_dialog_has_response (report, "show"));
  adw_message_dialog_response (report, "close");
  gui_test_spin ();

  /* The next import of the file starts from these choices. */
  dialog = open_preview (fixture);
  plan = amap_import_dialog_get_plan (dialog);
  food = amap_import_dialog_get_drop_down (dialog, find_row (plan, "еда"));
  tutoring = amap_import_dialog_get_drop_down (dialog, find_row (plan, "Tutoring"));
  g_assert_cmpstr (drop_down_text (food), ==, "Business");
  g_assert_cmpstr (drop_down_text (tutoring), ==, "Tutoring");

  /* Cancel writes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "import-dialog.cancel", NULL);
  gui_test_spin ();
  g_assert_false (amap_window_get_importing (fixture->window));
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/import-dialog/mapping-decides", Fixture, NULL, fixture_setup,
              test_mapping_decides, fixture_teardown);

  return g_test_run ();
}
