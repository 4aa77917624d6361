/* test-export-dialog.c: the export dialog from the window's actions: a
 * file for others by default, private data on request, and file choosers
 * that open in a folder (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "amap-export-dialog.h"
#include "amap-import-dialog.h"
#include "amap-store.h"
#include "amap-window.h"
#include "gui-test-util.h"

#define LEADER_PHONE "+1 510 555 0199"
#define LEADER_EMAIL "rosa.leader@example.org"
#define LOG_NOTES    "Met Rosa about the coat drive"
#define ORG_PHONE    "+1 510 555 0100"

typedef struct
{
  char       *dir;
  AmapStore  *store;
  AmapWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) asset = amap_asset_new ("Mi Tienda Market");
  g_autoptr(AmapAsset) park = amap_asset_new ("Cesar Chavez Park");
  g_autoptr(AmapContact) contact = amap_contact_new ("Rosa Méndez");
  g_autoptr(AmapInteraction) visit = amap_interaction_new ("2026-11-03", AMAP_INTERACTION_MEETING, LOG_NOTES);

  fixture->store = gui_test_open_store ("amap-export-dialog-XXXXXX", &fixture->dir);

  amap_asset_set_category (asset, "business");
  amap_asset_set_location (asset, 37.7730, -122.2220);
  amap_asset_set_phone (asset, ORG_PHONE);
  amap_contact_set_phone (contact, LEADER_PHONE);
  amap_contact_set_email (contact, LEADER_EMAIL);
  amap_asset_add_contact (asset, contact);
  amap_asset_add_interaction (asset, visit);
  amap_store_add_asset (fixture->store, asset, &error);
  g_assert_no_error (error);

  amap_asset_set_category (park, "park");
  amap_asset_set_location (park, 37.7766, -122.2190);
  amap_store_add_asset (fixture->store, park, &error);
  g_assert_no_error (error);

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
  g_clear_object (&fixture->store);

  test_util_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static AmapExportDialog *
open_export_dialog (Fixture    *fixture,
                    const char *action)
{
  AmapExportDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, NULL);
  gui_test_spin ();
  dialog = (AmapExportDialog *) gui_test_find_toplevel (AMAP_TYPE_EXPORT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  return dialog;
}

/* A button activated from the keyboard clicks after a short press
 * animation. */
static GtkWindow *
wait_for_chooser (void)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  GtkWindow *chooser = NULL;

  while ((chooser = gui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) == NULL &&
         g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
  gui_test_spin ();

  return chooser;
}

/* Exports through the dialog's answer to the chooser and waits for the
 * file; returns its text. */
static char *
export_and_read (Fixture          *fixture,
                 AmapExportDialog *dialog,
                 const char       *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  char *text = NULL;

  amap_export_dialog_export_to (dialog, file);
  gui_test_spin ();
  g_assert_null (gui_test_find_toplevel (AMAP_TYPE_EXPORT_DIALOG));

  while (!g_file_test (path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gui_test_spin ();
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  return text;
}

/* The default is a file for others; the switch puts the key leaders and
 * the log in. */
static void
test_default_leaves_out_private (Fixture       *fixture,
                                 gconstpointer  data)
{
  AmapExportDialog *dialog = open_export_dialog (fixture, "win.export");
  g_autofree char *shared = NULL;
  g_autofree char *private = NULL;
  g_autofree char *name = NULL;
  GtkSwitch *private_switch;

  g_assert_false (amap_export_dialog_get_include_private (dialog));
  g_assert_false (amap_export_dialog_get_by_layer (dialog));
  g_assert_cmpint (amap_export_dialog_get_scope (dialog), ==, AMAP_EXPORT_SCOPE_ALL);
  g_assert_cmpint (amap_export_dialog_get_flags (dialog), ==, AMAP_EXPORT_SHARED);
  name = amap_export_dialog_dup_suggested_name (dialog);
  g_assert_cmpstr (name, ==, "test.kml");

  shared = export_and_read (fixture, dialog, "shared.kml");
  g_assert_nonnull (strstr (shared, "Mi Tienda Market"));
  g_assert_nonnull (strstr (shared, ORG_PHONE));
  g_assert_null (strstr (shared, LEADER_PHONE));
  g_assert_null (strstr (shared, LEADER_EMAIL));
  g_assert_null (strstr (shared, "Rosa Méndez"));
  g_assert_null (strstr (shared, LOG_NOTES));

  /* The switch, as a click turns it on. */
  dialog = open_export_dialog (fixture, "win.export");
  private_switch = GTK_SWITCH (gui_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_SWITCH));
  g_assert_nonnull (private_switch);
  g_assert_false (gtk_switch_get_active (private_switch));
  gtk_widget_activate (GTK_WIDGET (private_switch));
  {
    /* The switch slides over before it is on. */
    gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

    while (!gtk_switch_get_active (private_switch) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_true (amap_export_dialog_get_include_private (dialog));

  private = export_and_read (fixture, dialog, "private.kml");
  g_assert_nonnull (strstr (private, LEADER_PHONE));
  g_assert_nonnull (strstr (private, LEADER_EMAIL));
  g_assert_nonnull (strstr (private, "Rosa Méndez"));
  g_assert_nonnull (strstr (private, LOG_NOTES));
}

/* The shown and the selected assets are exported whole: the list holds
 * summaries without the details (the phone, the key leaders, the log),
 * and the file gets them all the same. */
static void
test_shown_and_selected_are_whole (Fixture       *fixture,
                                   gconstpointer  data)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);
  AmapExportDialog *dialog;
  g_autofree char *shown = NULL;
  g_autofree char *selected = NULL;
  GtkSwitch *private_switch;
  gboolean found = FALSE;

  dialog = open_export_dialog (fixture, "win.export-shown");
  g_assert_cmpint (amap_export_dialog_get_scope (dialog), ==, AMAP_EXPORT_SCOPE_SHOWN);
  shown = export_and_read (fixture, dialog, "shown.kml");
  g_assert_nonnull (strstr (shown, "Cesar Chavez Park"));
  g_assert_nonnull (strstr (shown, "Mi Tienda Market"));
  g_assert_nonnull (strstr (shown, ORG_PHONE));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmapAsset) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (amap_asset_get_name (item), "Mi Tienda Market") == 0)
        {
          g_assert_true (amap_asset_is_summary (item));
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), i, TRUE);
          found = TRUE;
        }
    }
  g_assert_true (found);
  gui_test_spin ();

  dialog = open_export_dialog (fixture, "win.export-selected");
  g_assert_cmpint (amap_export_dialog_get_scope (dialog), ==, AMAP_EXPORT_SCOPE_SELECTED);
  private_switch = GTK_SWITCH (gui_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_SWITCH));
  g_assert_nonnull (private_switch);
  gtk_widget_activate (GTK_WIDGET (private_switch));
  {
    gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

    while (!gtk_switch_get_active (private_switch) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_true (amap_export_dialog_get_include_private (dialog));
  selected = export_and_read (fixture, dialog, "selected.kml");
  g_assert_null (strstr (selected, "Cesar Chavez Park"));
  g_assert_nonnull (strstr (selected, ORG_PHONE));
  g_assert_nonnull (strstr (selected, LEADER_PHONE));
  g_assert_nonnull (strstr (selected, "Rosa Méndez"));
  g_assert_nonnull (strstr (selected, LOG_NOTES));
}

/* The format is chosen, and the file's extension follows it. */
static void
test_format_sets_extension (Fixture       *fixture,
                            gconstpointer  data)
{
  AmapExportDialog *dialog = open_export_dialog (fixture, "win.export");
  g_autofree char *name = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "typed.kml", NULL);
  g_autofree char *expected = g_build_filename (fixture->dir, "typed.kmz", NULL);
  g_autoptr(GFile) typed = g_file_new_for_path (path);
  g_autoptr(GFile) fixed = NULL;
  g_autofree char *fixed_path = NULL;

  amap_export_dialog_set_format (dialog, AMAP_EXPORT_FORMAT_KMZ);
  name = amap_export_dialog_dup_suggested_name (dialog);
  g_assert_cmpstr (name, ==, "test.kmz");

  fixed = amap_export_file_for_format (typed, AMAP_EXPORT_FORMAT_KMZ);
  fixed_path = g_file_get_path (fixed);
  g_assert_cmpstr (fixed_path, ==, expected);
  g_clear_object (&fixed);
  g_clear_pointer (&fixed_path, g_free);

  {
    g_autoptr(GFile) bare = g_file_get_child (g_file_get_parent (typed), "no-extension");
    g_autofree char *want = g_build_filename (fixture->dir, "no-extension.kml", NULL);

    fixed = amap_export_file_for_format (bare, AMAP_EXPORT_FORMAT_KML);
    fixed_path = g_file_get_path (fixed);
    g_assert_cmpstr (fixed_path, ==, want);
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_test_spin ();
}

/* Types @text and then Return with real key events (xdotool), where the
 * focus is. */
static void
type_and_enter (const char *text)
{
  const char *type_argv[] = { "xdotool", "type", "--delay", "10", text, NULL };
  const char *key_argv[] = { "xdotool", "key", "Return", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) type_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  gui_test_spin ();
  g_spawn_sync (NULL, (char **) key_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

static void
wait_for_file (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (!g_file_test (path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
  gui_test_spin ();
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("Nothing was exported to %s", path);
}

/* The choosers open in a folder, never in Recent (where a typed path did
 * nothing): Documents or home at first, then the folder of the last file
 * chosen. A path typed into the save chooser, then Enter, exports there,
 * with the format's extension; a path typed into the import chooser, then
 * Enter, imports that file. */
static void
test_choosers_open_in_a_folder (Fixture       *fixture,
                                gconstpointer  data)
{
  AmapExportDialog *dialog;
  GtkWindow *chooser;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr(GFile) documents_file = documents != NULL ? g_file_new_for_path (documents) : NULL;
  g_autoptr(GFile) export_dir = g_file_new_for_path (fixture->dir);
  g_autofree char *typed_path = g_build_filename (fixture->dir, "typed", NULL);
  g_autofree char *expected_path = g_build_filename (fixture->dir, "typed.kml", NULL);
  g_autofree char *import_path = g_build_filename (fixture->dir, "more.kml", NULL);
  g_autofree char *current_name = NULL;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autoptr(GError) error = NULL;
  GtkFileFilter *filter;
  GLogLevelFlags old_fatal;
  gint64 deadline;

  if (xdotool == NULL)
    {
      g_test_skip ("Real key events need xdotool (apt-get install xdotool)");
      return;
    }

  /* A home folder as a person has one (the isolated one is not made). */
  g_assert_cmpint (g_mkdir_with_parents (g_get_home_dir (), 0700), ==, 0);

  /* The fallback chooser warns about things of the test's display. */
  old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import", NULL);
  gui_test_spin ();
  chooser = gui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (chooser);
  folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (folder);
  g_assert_true (g_file_equal (folder, home) ||
                 (documents_file != NULL && g_file_equal (folder, documents_file)));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  gui_test_spin ();
  g_clear_object (&folder);

  /* Export…: the chooser asks for a KML file, named after the map. */
  dialog = open_export_dialog (fixture, "win.export");
  gtk_widget_activate (gtk_window_get_default_widget (GTK_WINDOW (dialog)));
  chooser = wait_for_chooser ();
  g_assert_nonnull (chooser);
  current_name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpstr (current_name, ==, "test.kml");
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "KML Files");
  folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (folder);
  g_clear_object (&folder);

  /* A whole path typed over the suggested name (which starts selected),
   * then Enter. */
  type_and_enter (typed_path);
  wait_for_file (expected_path);
  g_assert_null (gui_test_find_toplevel (AMAP_TYPE_EXPORT_DIALOG));

  /* The import chooser now starts where that file went; a path typed
   * there, then Enter, imports it. */
  g_assert_true (g_file_set_contents (import_path,
                                      "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
                                      "<Placemark><name>Typed Path Bakery</name>"
                                      "<Point><coordinates>-122.22,37.77</coordinates></Point>"
                                      "</Placemark></Document></kml>", -1, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import", NULL);
  gui_test_spin ();
  chooser = gui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (chooser);
  folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (folder);
  g_assert_true (g_file_equal (folder, export_dir));

  type_and_enter (import_path);
  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  while (amap_store_count_assets (fixture->store) < 3 && g_get_monotonic_time () < deadline)
    {
      /* The import's preview: import as suggested. */
      GtkWindow *preview = gui_test_find_toplevel (AMAP_TYPE_IMPORT_DIALOG);

      if (preview != NULL)
        gtk_widget_activate_action (GTK_WIDGET (preview), "import-dialog.import", NULL);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 3);
  gui_test_spin ();

  g_log_set_always_fatal (old_fatal);
}

/* The chooser asked about the name it was given, not about the one with
 * the extension put on: replacing that file is asked here, and Cancel
 * keeps it. */
static void
test_asks_before_replacing (Fixture       *fixture,
                            gconstpointer  data)
{
  AmapExportDialog *dialog = open_export_dialog (fixture, "win.export");
  g_autofree char *bare_path = g_build_filename (fixture->dir, "exists", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "exists.kml", NULL);
  g_autoptr(GFile) bare = g_file_new_for_path (bare_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *question;
  gint64 deadline;

  g_assert_true (g_file_set_contents (path, "precious", -1, &error));
  g_assert_no_error (error);

  amap_export_dialog_export_to (dialog, bare);
  gui_test_spin ();
  question = (AdwMessageDialog *) gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  g_assert_cmpstr (adw_message_dialog_get_heading (question), ==, "Replace “exists.kml”?");
  adw_message_dialog_response (question, "cancel");
  gui_test_spin ();
  g_assert_nonnull (gui_test_find_toplevel (AMAP_TYPE_EXPORT_DIALOG));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "precious");
  g_clear_pointer (&text, g_free);

  amap_export_dialog_export_to (dialog, bare);
  gui_test_spin ();
  question = (AdwMessageDialog *) gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  adw_message_dialog_response (question, "replace");
  gui_test_spin ();
  g_assert_null (gui_test_find_toplevel (AMAP_TYPE_EXPORT_DIALOG));

  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  do
    {
      g_clear_pointer (&text, g_free);
      g_main_context_iteration (NULL, FALSE);
      g_file_get_contents (path, &text, NULL, NULL);
    }
  while (g_strcmp0 (text, "precious") == 0 && g_get_monotonic_time () < deadline);
  g_assert_nonnull (strstr (text, "Mi Tienda Market"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GTK_USE_PORTAL", "0", TRUE);

  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/export-dialog/shown-and-selected-are-whole", Fixture, NULL, fixture_setup,
              test_shown_and_selected_are_whole, fixture_teardown);
  g_test_add ("/export-dialog/default-leaves-out-private", Fixture, NULL, fixture_setup,
              test_default_leaves_out_private, fixture_teardown);
  g_test_add ("/export-dialog/format-sets-extension", Fixture, NULL, fixture_setup,
              test_format_sets_extension, fixture_teardown);
  g_test_add ("/export-dialog/asks-before-replacing", Fixture, NULL, fixture_setup,
              test_asks_before_replacing, fixture_teardown);
  g_test_add ("/export-dialog/choosers-open-in-a-folder", Fixture, NULL, fixture_setup,
              test_choosers_open_in_a_folder, fixture_teardown);

  return g_test_run ();
}
