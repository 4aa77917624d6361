/* test-editor.c: the asset editor and the category manager, in the window (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "amap-asset-editor.h"
#include "amap-category-dot.h"
#include "amap-category-manager.h"
#include "amap-map-view.h"
#include "amap-preferences-window.h"
#include "amap-store.h"
#include "amap-window.h"
#include "gui-test-util.h"

typedef struct
{
  char       *dir;
  AmapStore  *store;
  AmapWindow *window;
} Fixture;

/* Runs the main loop for @ms milliseconds: typing is applied once it
 * pauses, and a button activated from the keyboard clicks only after a
 * short press animation. */
static char *
add_asset (AmapStore  *store,
           const char *name,
           const char *category,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, category);
  amap_asset_set_location (asset, latitude, longitude);
  amap_store_add_asset (store, asset, &error);
  g_assert_no_error (error);
  return g_strdup (amap_asset_get_uuid (asset));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *library = NULL;
  g_autofree char *market = NULL;

  fixture->store = gui_test_open_store ("amap-editor-XXXXXX", &fixture->dir);

  library = add_asset (fixture->store, "Fruitvale Library", "library-arts", 37.7752, -122.2241);
  market = add_asset (fixture->store, "Mi Tienda Market", "business", 37.7730, -122.2220);

  fixture->window = amap_window_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_test_spin ();
}

static void
close_dialogs (void)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  gui_test_spin ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  close_dialogs ();
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  g_clear_object (&fixture->store);

  test_util_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

/* The first row of @type (an AdwPreferencesRow) titled @title under @widget. */
static GtkWidget *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  return gui_test_find_row (widget, ADW_TYPE_ENTRY_ROW, title);
}

static GtkWidget *
find_combo_row (GtkWidget  *widget,
                const char *title)
{
  return gui_test_find_row (widget, ADW_TYPE_COMBO_ROW, title);
}

static GtkWidget *
find_action_row (GtkWidget  *widget,
                 const char *title)
{
  return gui_test_find_row (widget, ADW_TYPE_ACTION_ROW, title);
}

/* Any visible widget marked as an error below @widget. */
static GtkWidget *
find_error (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (gtk_widget_has_css_class (widget, "error"))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_error (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static AdwMessageDialog *
find_dialog (void)
{
  return (AdwMessageDialog *) gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

/* As a click on a response button does: the response, then the dialog
 * closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_test_spin ();
}

static AmapAssetEditor *
get_editor (Fixture *fixture)
{
  return AMAP_ASSET_EDITOR (gui_test_find_descendant (GTK_WIDGET (fixture->window), AMAP_TYPE_ASSET_EDITOR));
}

/* The asset named @name, as stored. */
static AmapAsset *
stored (Fixture    *fixture,
        const char *uuid)
{
  g_autoptr(GError) error = NULL;
  AmapAsset *asset = amap_store_get_asset (fixture->store, uuid, &error);

  g_assert_no_error (error);
  return asset;
}

/* Opens @name's details as a click on its pin does; returns its uuid. */
static char *
open_asset (Fixture    *fixture,
            const char *name)
{
  GListModel *model = amap_window_get_asset_model (fixture->window);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, i);

      if (g_strcmp0 (amap_asset_get_name (asset), name) == 0)
        {
          amap_map_view_set_selected_uuid (AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window)),
                                           amap_asset_get_uuid (asset));
          gui_test_spin ();
          g_assert_cmpstr (amap_asset_editor_get_uuid (get_editor (fixture)), ==, amap_asset_get_uuid (asset));
          return g_strdup (amap_asset_get_uuid (asset));
        }
    }

  g_assert_not_reached ();
}

static GtkTextBuffer *
description_buffer (Fixture *fixture)
{
  GtkWidget *view = gui_test_find_descendant (GTK_WIDGET (get_editor (fixture)), GTK_TYPE_TEXT_VIEW);

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

/* Changes apply as they are made, without Save: typing once it pauses,
 * a choice at once (so the pin takes the new category's color right
 * away). Each field is one undo step, however long the typing. */
static void
test_applies_as_made (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *uuid = open_asset (fixture, "Mi Tienda Market");
  AmapAssetEditor *editor = get_editor (fixture);
  GtkWidget *address = find_entry_row (GTK_WIDGET (editor), "Address");
  GtkWidget *category = find_combo_row (GTK_WIDGET (editor), "Category");
  g_autoptr(AmapAsset) after_typing = NULL;
  g_autoptr(AmapAsset) after_choice = NULL;
  g_autoptr(AmapAsset) undone = NULL;
  g_autoptr(AmapAsset) undone_twice = NULL;
  AmapCategory *park = amap_store_lookup_category (fixture->store, "park");
  GListModel *categories = amap_store_get_categories (fixture->store);
  guint park_position = GTK_INVALID_LIST_POSITION;

  g_assert_nonnull (address);
  g_assert_nonnull (category);
  /* No Save button: nothing waits for one. */
  g_assert_null (gui_test_find_action_button (GTK_WIDGET (editor), "editor.save"));

  /* Typed in two bursts, with a pause between: stored, one step. */
  gtk_editable_set_text (GTK_EDITABLE (address), "3340 Foothill");
  gui_test_spin_for (800);
  gtk_editable_set_text (GTK_EDITABLE (address), "3340 Foothill Blvd, Oakland");
  gui_test_spin_for (800);
  after_typing = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_address (after_typing), ==, "3340 Foothill Blvd, Oakland");
  g_assert_false (amap_asset_editor_get_dirty (editor));
  /* The cursor's field still holds what was typed. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (address)), ==, "3340 Foothill Blvd, Oakland");

  /* The category: stored at once, so the map's pin is recolored. */
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) item = g_list_model_get_item (categories, i);

      if (item == park)
        park_position = i;
    }
  adw_combo_row_set_selected (ADW_COMBO_ROW (category), park_position);
  gui_test_spin ();
  after_choice = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_category (after_choice), ==, "park");

  /* Undo: the category, then the whole address, and the editor shows it. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  undone = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_category (undone), ==, "business");
  g_assert_cmpstr (amap_asset_get_address (undone), ==, "3340 Foothill Blvd, Oakland");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  undone_twice = stored (fixture, uuid);
  g_assert_null (amap_asset_get_address (undone_twice));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (address)), ==, "");
  g_assert_false (amap_asset_editor_get_dirty (editor));
}

/* Escape, Back and Add to Log do the same: what can be stored is; a field
 * that cannot stays as typed, flagged, and leaving asks. */
static void
test_leaving_is_consistent (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *uuid = open_asset (fixture, "Mi Tienda Market");
  AmapAssetEditor *editor = get_editor (fixture);
  GtkWidget *longitude = find_entry_row (GTK_WIDGET (editor), "Longitude");
  GtkWidget *back = gui_test_find_action_button (GTK_WIDGET (editor), "win.close-details");
  g_autoptr(AmapAsset) after_escape = NULL;
  g_autoptr(AmapAsset) after_back = NULL;
  g_autoptr(AmapAsset) after_log = NULL;
  AdwMessageDialog *dialog;

  /* Escape before the typing is applied: stored, no question. */
  gtk_text_buffer_set_text (description_buffer (fixture), "Sponsors the soccer team.", -1);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  gui_test_spin ();
  g_assert_null (find_dialog ());
  g_assert_null (amap_asset_editor_get_uuid (editor));
  after_escape = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_description (after_escape), ==, "Sponsors the soccer team.");

  /* Back, the same. */
  g_free (open_asset (fixture, "Mi Tienda Market"));
  gtk_text_buffer_set_text (description_buffer (fixture), "Open late on Fridays.", -1);
  gtk_widget_activate (back);
  gui_test_spin_for (400);
  g_assert_null (find_dialog ());
  g_assert_null (amap_asset_editor_get_uuid (editor));
  after_back = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_description (after_back), ==, "Open late on Fridays.");

  /* Add to Log with a longitude that cannot be stored: the visit is
   * stored, the longitude stays as typed and flagged. */
  g_free (open_asset (fixture, "Mi Tienda Market"));
  gtk_editable_set_text (GTK_EDITABLE (longitude), "500");
  gui_test_spin_for (800);
  g_assert_false (amap_asset_editor_get_valid (editor));
  gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (editor), "Date (YYYY-MM-DD)")), "2024-03-15");
  gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (editor), "Notes")), "Met the owner.");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.log-interaction", NULL);
  gui_test_spin ();
  after_log = stored (fixture, uuid);
  g_assert_cmpuint (amap_asset_get_interactions (after_log)->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (after_log), -122.2220, 1e-9);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (longitude)), ==, "500");
  g_assert_true (gtk_widget_has_css_class (longitude, "error"));
  g_assert_true (amap_asset_editor_get_dirty (editor));

  /* ...and leaving asks, as for any field that cannot be saved. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.escape", NULL);
  gui_test_spin ();
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Some Changes Can’t Be Saved");
  respond (dialog, "keep");
  g_assert_cmpstr (amap_asset_editor_get_uuid (editor), ==, uuid);
}

/* Where a widget lies in its scrolled window's view: whether all of it
 * can be seen. */
static gboolean
is_in_view (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  g_assert_nonnull (scrolled);
  g_assert_true (gtk_widget_compute_bounds (widget, scrolled, &bounds));
  return bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scrolled);
}

/* The log form opens where it can be seen and typed in: the Log button
 * is at the end of a long editor, so the form it reveals starts below
 * the view unless the editor brings it in. */
static void
test_log_form_in_view (Fixture       *fixture,
                       gconstpointer  data)
{
  AmapAssetEditor *editor;
  GtkWidget *log_button, *add_button, *notes, *scrolled;
  GtkAdjustment *vadjustment;
  graphene_rect_t bounds;

  g_free (open_asset (fixture, "Mi Tienda Market"));
  editor = get_editor (fixture);
  log_button = gui_test_find_tooltip_button (GTK_WIDGET (editor), "Log a visit, meeting or call");
  add_button = gui_test_find_action_button (GTK_WIDGET (editor), "editor.log-interaction");
  notes = find_entry_row (GTK_WIDGET (editor), "Notes");
  g_assert_nonnull (log_button);
  g_assert_nonnull (add_button);

  /* Scrolled as someone who reads down to the log: its button at the
   * bottom of the view (again while the editor's rows still settle). */
  scrolled = gtk_widget_get_ancestor (log_button, GTK_TYPE_SCROLLED_WINDOW);
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  for (guint tries = 0; tries < 40 && !is_in_view (log_button); tries++)
    {
      g_assert_true (gtk_widget_compute_bounds (log_button, scrolled, &bounds));
      gtk_adjustment_set_value (vadjustment,
                                gtk_adjustment_get_value (vadjustment) + bounds.origin.y +
                                bounds.size.height - gtk_widget_get_height (scrolled) + 2);
      gui_test_spin_for (50);
    }
  g_assert_true (is_in_view (log_button));
  g_assert_false (is_in_view (add_button));

  gtk_widget_activate (log_button);
  gui_test_spin_for (800);

  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (log_button)));
  g_assert_true (is_in_view (add_button));
  g_assert_true (is_in_view (notes));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), notes));
}

/* An email without "@" is refused, the field marked, nothing stored. */
static void
test_email_needs_at (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *uuid = open_asset (fixture, "Mi Tienda Market");
  AmapAssetEditor *editor = get_editor (fixture);
  GtkWidget *email = find_entry_row (GTK_WIDGET (editor), "Email");
  g_autoptr(AmapAsset) refused = NULL;
  g_autoptr(AmapAsset) kept = NULL;

  gtk_editable_set_text (GTK_EDITABLE (email), "maria.tienda.example.org");
  gui_test_spin_for (800);
  g_assert_false (amap_asset_editor_get_valid (editor));
  g_assert_true (gtk_widget_has_css_class (email, "error"));
  g_assert_nonnull (strstr (amap_asset_editor_get_problem (editor), "“@”"));
  refused = stored (fixture, uuid);
  g_assert_null (amap_asset_get_email (refused));

  gtk_editable_set_text (GTK_EDITABLE (email), "maria@tienda.example.org");
  gui_test_spin_for (800);
  g_assert_true (amap_asset_editor_get_valid (editor));
  g_assert_false (gtk_widget_has_css_class (email, "error"));
  kept = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_email (kept), ==, "maria@tienda.example.org");
}

/* "Add Key Leader" shows no error before anything is typed, and stores
 * nothing until there is something to store. */
static void
test_new_key_leader (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *uuid = open_asset (fixture, "Fruitvale Library");
  AmapAssetEditor *editor = get_editor (fixture);
  g_autoptr(AmapAsset) untouched = NULL;
  g_autoptr(AmapAsset) named = NULL;
  GtkWidget *contacts;
  GtkWidget *role, *name, *contact_email;

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-contact", NULL);
  gui_test_spin_for (800);
  g_assert_true (amap_asset_editor_get_valid (editor));
  g_assert_null (amap_asset_editor_get_problem (editor));
  g_assert_null (find_error (GTK_WIDGET (editor)));
  untouched = stored (fixture, uuid);
  g_assert_cmpuint (amap_asset_get_contacts (untouched)->len, ==, 0);

  /* A role without a name: now it is worth saying. */
  contacts = gui_test_find_descendant (GTK_WIDGET (editor), ADW_TYPE_EXPANDER_ROW);
  g_assert_nonnull (contacts);
  role = find_entry_row (contacts, "Role");
  name = find_entry_row (contacts, "Name");
  contact_email = find_entry_row (contacts, "Email");
  gtk_editable_set_text (GTK_EDITABLE (role), "Branch manager");
  gui_test_spin_for (800);
  g_assert_false (amap_asset_editor_get_valid (editor));
  g_assert_true (gtk_widget_has_css_class (name, "error"));

  /* A key leader's email needs an "@" too. */
  gtk_editable_set_text (GTK_EDITABLE (name), "Ana Ruiz");
  gtk_editable_set_text (GTK_EDITABLE (contact_email), "ana at library");
  gui_test_spin_for (800);
  g_assert_false (amap_asset_editor_get_valid (editor));
  g_assert_true (gtk_widget_has_css_class (contact_email, "error"));
  g_assert_false (gtk_widget_has_css_class (name, "error"));

  gtk_editable_set_text (GTK_EDITABLE (contact_email), "ana@library.example.org");
  gui_test_spin_for (800);
  g_assert_true (amap_asset_editor_get_valid (editor));
  named = stored (fixture, uuid);
  g_assert_cmpuint (amap_asset_get_contacts (named)->len, ==, 1);
  g_assert_cmpstr (amap_contact_get_name (g_ptr_array_index (amap_asset_get_contacts (named), 0)), ==,
                   "Ana Ruiz");
}

/* A calendar beside the date sets it; typing still works. */
static void
test_calendar_sets_date (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *uuid = open_asset (fixture, "Fruitvale Library");
  AmapAssetEditor *editor = get_editor (fixture);
  GtkWidget *row = find_entry_row (GTK_WIDGET (editor), "Last Contacted (YYYY-MM-DD)");
  g_autoptr(GDateTime) day = g_date_time_new_local (2024, 3, 15, 0, 0, 0);
  g_autoptr(AmapAsset) picked = NULL;
  g_autoptr(AmapAsset) typed = NULL;
  GtkWidget *button;
  GtkPopover *popover;
  GtkCalendar *calendar;

  g_assert_nonnull (row);
  button = gui_test_find_descendant (row, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (button)), ==, "x-office-calendar-symbolic");
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_nonnull (popover);
  calendar = GTK_CALENDAR (gtk_popover_get_child (popover));
  g_assert_true (GTK_IS_CALENDAR (calendar));

  /* As a click on the 15th does. (A popover needs a monitor under the
   * window, which Xvfb does not give reliably: the calendar is driven
   * in its popover, closed.) */
  gtk_calendar_select_day (calendar, day);
  g_signal_emit_by_name (calendar, "day-selected");
  gui_test_spin_for (800);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "2024-03-15");
  picked = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_last_contacted (picked), ==, "2024-03-15");

  /* Typing still works. */
  gtk_editable_set_text (GTK_EDITABLE (row), "2024-04-02");
  gui_test_spin_for (800);
  typed = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_last_contacted (typed), ==, "2024-04-02");
}

/* The category manager in Preferences: add (with a color and an icon),
 * rename, delete with the assets moved, each one undo step. */
static void
test_category_manager (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *prefs = amap_preferences_window_new (fixture->store);
  g_autofree char *uuid = NULL;
  AmapCategoryManager *manager;
  AdwMessageDialog *dialog;
  GtkWidget *name;
  GtkFlowBox *colors, *icons;
  GtkWidget *edit, *delete;
  AmapCategory *gardens;
  GtkDropDown *move_to;
  g_autoptr(AmapAsset) moved = NULL;
  g_autoptr(AmapAsset) back = NULL;
  GListModel *categories = amap_store_get_categories (fixture->store);
  guint n = g_list_model_get_n_items (categories);

  /* The editor shows an asset the while: its category stays. */
  g_autofree char *library = open_asset (fixture, "Fruitvale Library");
  g_autoptr(AmapAsset) library_after = NULL;

  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (fixture->window));
  gtk_window_present (GTK_WINDOW (prefs));
  gui_test_spin ();
  manager = AMAP_CATEGORY_MANAGER (gui_test_find_descendant (prefs, AMAP_TYPE_CATEGORY_MANAGER));
  g_assert_nonnull (manager);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (manager));

  /* Built-ins cannot be deleted. */
  g_assert_null (gui_test_find_tooltip_button (GTK_WIDGET (manager), "Delete “Park / Recreation”"));
  g_assert_nonnull (gui_test_find_tooltip_button (GTK_WIDGET (manager), "Edit “Park / Recreation”"));

  /* Add: a name, the fourth color, the eighth icon. */
  gtk_widget_activate_action (GTK_WIDGET (manager), "categories.add", NULL);
  gui_test_spin ();
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  name = find_entry_row (GTK_WIDGET (dialog), "Name");
  gtk_editable_set_text (GTK_EDITABLE (name), "Gardens");
  colors = GTK_FLOW_BOX (gui_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_FLOW_BOX));
  gtk_flow_box_select_child (colors, gtk_flow_box_get_child_at_index (colors, 3));
  {
    /* The second flow box is the icons'. */
    GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (colors));
    GtkWidget *next = gtk_widget_get_next_sibling (box);

    icons = GTK_FLOW_BOX (gui_test_find_descendant (next, GTK_TYPE_FLOW_BOX));
  }
  g_assert_nonnull (icons);
  gtk_flow_box_select_child (icons, gtk_flow_box_get_child_at_index (icons, 7));
  respond (dialog, "save");

  g_assert_cmpuint (g_list_model_get_n_items (categories), ==, n + 1);
  gardens = amap_store_lookup_category (fixture->store, "gardens");
  g_assert_nonnull (gardens);
  g_assert_cmpstr (amap_category_get_color (gardens), ==, amap_category_manager_get_palette ()[3]);
  g_assert_cmpstr (amap_category_get_icon_name (gardens), ==, amap_category_manager_get_icons ()[7]);
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Add Category “Gardens”");

  uuid = add_asset (fixture->store, "Eastside Garden", "gardens", 37.776, -122.220);

  /* Rename, from the row's Edit button. */
  edit = gui_test_find_tooltip_button (GTK_WIDGET (manager), "Edit “Gardens”");
  g_assert_nonnull (edit);
  gtk_widget_activate (edit);
  gui_test_spin_for (400);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (dialog), "Name")), "Community Gardens");
  respond (dialog, "save");
  gardens = amap_store_lookup_category (fixture->store, "gardens");
  g_assert_cmpstr (amap_category_get_name (gardens), ==, "Community Gardens");
  g_assert_cmpstr (amap_category_get_color (gardens), ==, amap_category_manager_get_palette ()[3]);

  /* Delete, its asset moved to Parks. */
  delete = gui_test_find_tooltip_button (GTK_WIDGET (manager), "Delete “Community Gardens”");
  g_assert_nonnull (delete);
  gtk_widget_activate (delete);
  gui_test_spin_for (400);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Community Gardens”?");
  move_to = GTK_DROP_DOWN (gui_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (move_to);
  /* "Other" is offered first. */
  g_assert_cmpstr (amap_category_get_key (gtk_drop_down_get_selected_item (move_to)), ==, "other");
  for (guint i = 0; i < g_list_model_get_n_items (gtk_drop_down_get_model (move_to)); i++)
    {
      g_autoptr(AmapCategory) item = g_list_model_get_item (gtk_drop_down_get_model (move_to), i);

      g_assert_cmpstr (amap_category_get_key (item), !=, "gardens");
      if (g_strcmp0 (amap_category_get_key (item), "park") == 0)
        gtk_drop_down_set_selected (move_to, i);
    }
  respond (dialog, "delete");
  g_assert_null (amap_store_lookup_category (fixture->store, "gardens"));
  g_assert_null (gui_test_find_tooltip_button (GTK_WIDGET (manager), "Edit “Community Gardens”"));
  moved = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_category (moved), ==, "park");

  /* Undone from the main window, as Ctrl+Z does. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_assert_nonnull (amap_store_lookup_category (fixture->store, "gardens"));
  g_assert_nonnull (gui_test_find_tooltip_button (GTK_WIDGET (manager), "Edit “Community Gardens”"));
  back = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_category (back), ==, "gardens");

  gui_test_spin_for (800);
  library_after = stored (fixture, library);
  g_assert_cmpstr (amap_asset_get_category (library_after), ==, "library-arts");
  g_assert_false (amap_asset_editor_get_dirty (get_editor (fixture)));

  gtk_window_destroy (GTK_WINDOW (prefs));
  gui_test_spin ();
}

/* Where an asset came from shows: the layer of the imported file, and a
 * location found from the address until the person says it looks right.
 * Editing another field keeps the stored location to its last digit (the
 * fields show six decimals). */
static void
test_origin_rows (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AmapAsset) asset = amap_asset_new ("Iglesia San José");
  g_autoptr(AmapAsset) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[] = { "Iglesias", "Fruitvale", NULL };
  g_autofree char *uuid = NULL;
  AmapAssetEditor *editor;
  GtkWidget *layer_row;
  GtkWidget *geocoded_row;
  GtkWidget *needs;

  amap_asset_set_category (asset, "faith");
  amap_asset_set_location (asset, 37.777212345678, -122.223412345678);
  amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_GEOCODED);
  amap_asset_set_folders (asset, folders);
  g_assert_true (amap_store_add_asset (fixture->store, asset, &error));
  g_assert_no_error (error);
  gui_test_spin ();

  g_free (open_asset (fixture, "Iglesia San José"));
  uuid = g_strdup (amap_asset_get_uuid (asset));
  editor = get_editor (fixture);
  layer_row = find_action_row (GTK_WIDGET (editor), "Layer in the Imported File");
  geocoded_row = find_action_row (GTK_WIDGET (editor), "Found from the Address");
  g_assert_nonnull (layer_row);
  g_assert_nonnull (geocoded_row);
  g_assert_true (gtk_widget_get_visible (layer_row));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (layer_row)), ==, "Iglesias › Fruitvale");
  g_assert_true (gtk_widget_get_visible (geocoded_row));

  /* Another field changes: the location keeps every digit and its mark. */
  needs = find_entry_row (GTK_WIDGET (editor), "Address");
  gtk_editable_set_text (GTK_EDITABLE (needs), "2125 Jefferson Ave, Oakland");
  gui_test_spin_for (800);
  after = stored (fixture, uuid);
  g_assert_cmpstr (amap_asset_get_address (after), ==, "2125 Jefferson Ave, Oakland");
  g_assert_cmpfloat (amap_asset_get_latitude (after), ==, 37.777212345678);
  g_assert_cmpfloat (amap_asset_get_longitude (after), ==, -122.223412345678);
  g_assert_cmpint (amap_asset_get_location_source (after), ==, AMAP_LOCATION_SOURCE_GEOCODED);
  g_clear_object (&after);

  /* Looks Right: the person's location now, and the warning goes. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.confirm-location", NULL);
  gui_test_spin ();
  after = stored (fixture, uuid);
  g_assert_cmpint (amap_asset_get_location_source (after), ==, AMAP_LOCATION_SOURCE_MANUAL);
  g_assert_cmpfloat (amap_asset_get_latitude (after), ==, 37.777212345678);
  g_assert_false (gtk_widget_get_visible (geocoded_row));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/editor/applies-as-made", Fixture, NULL, fixture_setup, test_applies_as_made, fixture_teardown);
  g_test_add ("/editor/leaving-is-consistent", Fixture, NULL, fixture_setup, test_leaving_is_consistent, fixture_teardown);
  g_test_add ("/editor/email-needs-at", Fixture, NULL, fixture_setup, test_email_needs_at, fixture_teardown);
  g_test_add ("/editor/new-key-leader", Fixture, NULL, fixture_setup, test_new_key_leader, fixture_teardown);
  g_test_add ("/editor/log-form-in-view", Fixture, NULL, fixture_setup, test_log_form_in_view, fixture_teardown);
  g_test_add ("/editor/calendar-sets-date", Fixture, NULL, fixture_setup, test_calendar_sets_date, fixture_teardown);
  g_test_add ("/editor/origin-rows", Fixture, NULL, fixture_setup, test_origin_rows, fixture_teardown);
  g_test_add ("/editor/category-manager", Fixture, NULL, fixture_setup, test_category_manager, fixture_teardown);

  return g_test_run ();
}
