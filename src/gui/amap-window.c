/* amap-window.c: the main window: asset list, map and editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-window"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-asset-editor.h"
#include "amap-asset-list.h"
#include "amap-asset-row.h"
#include "amap-category-dot.h"
#include "amap-chip-box.h"
#include "amap-collate.h"
#include "amap-error.h"
#include "amap-export-dialog.h"
#include "amap-export.h"
#include "amap-file-chooser.h"
#include "amap-import.h"
#include "amap-import-dialog.h"
#include "amap-import-plan.h"
#include "amap-offline-map.h"
#include "amap-sample-tour.h"
#include "amap-settings.h"
#include "amap-tour-panel.h"
#include "amap-window.h"
#include "amap-window-places.h"
#include "amap-map-print.h"
#include "amap-window-tours.h"

#if defined(__has_include)
# if __has_include("amap-map-view.h")
#  include "amap-map-view.h"
#  define HAVE_MAP_VIEW 1
# endif
#endif

#define SAMPLE_RESOURCE_DIR "/io/github/assetmap/AssetMap/samples/"

typedef enum
{
  SORT_NAME,
  SORT_CATEGORY,
  SORT_DISTANCE,
  SORT_LAST_CONTACT,
} SortMode;

struct _AmapWindow
{
  AdwApplicationWindow  parent_instance;

  AmapStore            *store;
  GSettings            *settings;
  GCancellable         *cancellable;

  /* The list chain: store -> filter -> sort -> selection. */
  AmapAssetList        *assets;
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filter_model;
  GtkCustomSorter      *sorter;
  GtkSortListModel     *sort_model;
  GtkMultiSelection    *selection;

  /* Filter state. Categories, stages: none chosen shows all; several
   * show any of them. */
  GHashTable           *selected_categories;
  GHashTable           *search_results;
  char                 *tag_filter;
  guint                 stage_mask;
  char                 *folder_filter;
  gboolean              hubs_only;
  SortMode              sort_mode;
  GStrv                 tags;
  GStrv                 folders;
  GtkCheckButton       *stage_checks[AMAP_STAGE_INACTIVE + 1];
  guint                 nothing_in_view_id;
  /* The search, tags and layers catch up with the store's changes once,
   * before the next frame, not once for each asset of a bulk change. */
  guint                 store_changed_id;
  /* The person opened or closed the filters: the window's height no
   * longer decides. */
  gboolean              filters_chosen;
  gboolean              setting_filters;

  char                 *selected_uuid;
  /* The list item the editor was last loaded from. */
  AmapAsset            *shown_item;
  gboolean              committing;
  /* A click on the map or a new asset opens the details; moving through
   * the list with the keyboard only selects. */
  gboolean              details_on_select;
  gboolean              placing_home;
  gboolean              empty_dismissed;
  gboolean              fit_after_import;
  GtkWidget            *import_dialog;    /* the preview, while it is open */

  GCancellable         *import_cancellable;
  GQueue                pending_imports;
  gboolean              importing;
  gboolean              backing_up;

  AmapAssetEditor      *editor;
  /* The dialog asking what to do with an edit that cannot be saved whole,
   * and what to do once it is answered (an action and its target). */
  AdwMessageDialog     *leave_dialog;
  char                 *leave_action;
  GVariant             *leave_target;
  /* What "Save the Rest" did not keep, for its toast's Undo. */
  char                 *draft_undo_label;
  AmapAsset            *draft;
  GHashTable           *draft_typed;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *sidebar_button;
  GtkToggleButton      *add_button;
  GtkToggleButton      *search_button;
  GtkWidget            *import_button;
  GtkWidget            *export_button;
  GtkRevealer          *read_only_revealer;
  GtkRevealer          *import_revealer;
  GtkLabel             *import_label;
  GtkProgressBar       *import_progress;
  GtkStack             *main_stack;
  AdwFlap              *flap;
  GtkWidget            *sidebar;
  GtkWidget            *sidebar_separator;
  GtkWidget            *list_page;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  AdwViewStack         *sidebar_pages;
  GtkWidget            *tour_panel;
  GtkStack             *sidebar_stack;
  GtkExpander          *filters_expander;
  GtkLabel             *filters_summary;
  AmapChipBox          *category_chips;
  GtkMenuButton        *stage_button;
  GtkBox               *stage_box;
  GtkDropDown          *tag_dropdown;
  GtkDropDown          *folder_dropdown;
  GtkToggleButton      *hubs_button;
  GtkLabel             *count_label;
  GtkWidget            *show_all_button;
  GtkDropDown          *sort_dropdown;
  GtkStack             *list_stack;
  GtkListView          *list_view;
  GtkRevealer          *selection_revealer;
  GtkLabel             *selection_label;
  GtkButton            *selection_delete_button;
  GtkWidget            *editor_bin;
  GtkWidget            *map_view;
  GtkRevealer          *hint_revealer;
  GtkLabel             *hint_label;
  GtkRevealer          *nothing_revealer;
  GtkLabel             *nothing_label;
  GMenu                *recent_menu;
  GMenu                *history_menu;
  GMenu                *bulk_category_menu;
  GMenu                *file_menu;
  GMenuModel           *export_menu;
  GMenu                *bulk_stage_menu;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_IMPORTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AmapWindow, amap_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_actions      (AmapWindow *self);
static void update_filter_state (AmapWindow *self);
static gboolean any_filter (AmapWindow *self);
static void update_row_distances (AmapWindow *self);
static void rebuild_bulk_menus  (AmapWindow *self);
static void add_undo_toast      (AmapWindow *self,
                                 const char *title);
static void queue_nothing_in_view (AmapWindow *self);
static void start_next_import   (AmapWindow *self);
static void set_sample_home     (AmapWindow *self);
static void select_uuid         (AmapWindow *self,
                                 const char *uuid);

/* Helpers */

static void
show_error (AmapWindow *self,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toast (AmapWindow *self,
       const char *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static gboolean
map_has_property (AmapWindow *self,
                  const char *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (self->map_view), name) != NULL;
}

static void
map_set_adding (AmapWindow *self,
                gboolean    adding)
{
  if (map_has_property (self, "adding"))
    g_object_set (self->map_view, "adding", adding, NULL);
  gtk_toggle_button_set_active (self->add_button, adding && !self->placing_home);
}

static void
map_center_on (AmapWindow *self,
               double      latitude,
               double      longitude,
               double      zoom)
{
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    amap_map_view_center_on (AMAP_MAP_VIEW (self->map_view), latitude, longitude, zoom);
#endif
}

static void
map_get_view (AmapWindow *self,
              double     *latitude,
              double     *longitude,
              double     *zoom)
{
  *latitude = g_settings_get_double (self->settings, "map-latitude");
  *longitude = g_settings_get_double (self->settings, "map-longitude");
  *zoom = g_settings_get_double (self->settings, "map-zoom");
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    amap_map_view_get_view (AMAP_MAP_VIEW (self->map_view), latitude, longitude, zoom);
#endif
}

static void
map_fit_assets (AmapWindow *self)
{
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    amap_map_view_fit_assets (AMAP_MAP_VIEW (self->map_view));
#endif
}

static void
map_set_selected_uuid (AmapWindow *self,
                       const char *uuid)
{
  g_autofree char *current = NULL;

  if (!map_has_property (self, "selected-uuid"))
    return;

  g_object_get (self->map_view, "selected-uuid", &current, NULL);
  if (g_strcmp0 (current, uuid) != 0)
    g_object_set (self->map_view, "selected-uuid", uuid, NULL);
}

static gboolean
find_position (AmapWindow *self,
               const char *uuid,
               guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));

  if (uuid == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (G_LIST_MODEL (self->sort_model), i);

      if (g_strcmp0 (amap_asset_get_uuid (asset), uuid) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static guint
count_selected (AmapWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  return (guint) MIN (gtk_bitset_get_size (selected), G_MAXUINT);
}

/* The one asset selected (owned by the list); NULL when none or several
 * are selected. */
static AmapAsset *
get_selected_asset (AmapWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(AmapAsset) asset = NULL;

  if (gtk_bitset_get_size (selected) != 1)
    return NULL;

  asset = g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_nth (selected, 0));
  return asset;
}

/* Selects the asset at @position alone (none for GTK_INVALID_LIST_POSITION). */
static void
set_selected_position (AmapWindow *self,
                       guint       position)
{
  if (position == GTK_INVALID_LIST_POSITION)
    gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  else
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

/* The selected assets, in list order. */
static GPtrArray *
list_selected_assets (AmapWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *assets = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      g_ptr_array_add (assets, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
    while (gtk_bitset_iter_next (&iter, &position));

  return assets;
}

static double
distance_from_home (AmapWindow *self,
                    AmapAsset  *asset)
{
  double home_lat, home_lon, lat1, lat2, dlat, dlon, a;

  if (!amap_asset_get_has_location (asset) ||
      !amap_store_get_home (self->store, &home_lat, &home_lon, NULL))
    return INFINITY;

  /* Haversine; the radius does not matter for ordering. */
  lat1 = home_lat * G_PI / 180.0;
  lat2 = amap_asset_get_latitude (asset) * G_PI / 180.0;
  dlat = lat2 - lat1;
  dlon = (amap_asset_get_longitude (asset) - home_lon) * G_PI / 180.0;
  a = sin (dlat / 2) * sin (dlat / 2) + cos (lat1) * cos (lat2) * sin (dlon / 2) * sin (dlon / 2);

  return 2 * atan2 (sqrt (a), sqrt (1 - a));
}

static const char *
category_name (AmapWindow *self,
               AmapAsset  *asset)
{
  AmapCategory *category = NULL;

  if (amap_asset_get_category (asset) != NULL)
    category = amap_store_lookup_category (self->store, amap_asset_get_category (asset));
  return category != NULL ? amap_category_get_name (category) : "";
}

static const char *
school_name (AmapWindow *self)
{
  const char *name = NULL;

  if (!amap_store_get_home (self->store, NULL, NULL, &name) || name == NULL || name[0] == '\0')
    return NULL;
  return name;
}

/* The map's title; a map never named is called after its school, and
 * only then after its file. */
static char *
display_title (AmapWindow *self)
{
  const char *title = amap_store_get_title (self->store);
  g_autofree char *default_path = NULL;
  g_autofree char *basename = NULL;

  if (title != NULL && title[0] != '\0')
    return g_strdup (title);
  if (school_name (self) != NULL)
    return g_strdup (school_name (self));

  default_path = amap_store_get_default_path ();
  if (g_strcmp0 (default_path, amap_store_get_path (self->store)) == 0)
    return g_strdup (_("My Neighborhood"));

  basename = g_path_get_basename (amap_store_get_path (self->store));
  if (g_str_has_suffix (basename, AMAP_STORE_SUFFIX))
    basename[strlen (basename) - strlen (AMAP_STORE_SUFFIX)] = '\0';
  return g_steal_pointer (&basename);
}

static void
update_title (AmapWindow *self)
{
  g_autofree char *title = display_title (self);

  const char *school = school_name (self);
  g_autofree char *subtitle = NULL;

  /* The school shows under the map's title, unless it is the title. */
  if (g_strcmp0 (school, title) == 0)
    school = NULL;
  if (amap_store_get_read_only (self->store))
    /* Translators: the window's subtitle: the school's name, then "Read-Only". */
    subtitle = school != NULL ? g_strdup_printf (_("%s · Read-Only"), school) : g_strdup (_("Read-Only"));
  else
    subtitle = g_strdup (school);

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_revealer_set_reveal_child (self->read_only_revealer, amap_store_get_read_only (self->store));
}

static void
update_count (AmapWindow *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->assets));
  g_autofree char *text = NULL;

  if (shown == total)
    /* Translators: the number of assets in the list when nothing is filtered. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u asset", "%'u assets", total), total);
  else
    /* Translators: "12 of 340 shown": assets left by the filters, of all. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u of %'u shown", "%'u of %'u shown", total),
                            shown, total);

  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack,
                                    total == 0 ? "empty" : shown > 0 ? "list" : "none");
  update_filter_state (self);
}

static void
update_main_page (AmapWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->assets)) == 0 &&
                   !amap_store_get_home (self->store, NULL, NULL, NULL) &&
                   !self->empty_dismissed && !self->importing &&
                   !amap_store_get_read_only (self->store);

  if (!empty && g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "map") != 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "map");
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
    }
  else if (empty)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
    }
  /* The list and search make no sense over the welcome page. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar_button), !empty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), !empty);
}

static void
refresh_search (AmapWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search_results, g_hash_table_unref);

  /* A filter: the matches as a set, unranked. */
  if (stripped[0] != '\0')
    {
      self->search_results = amap_store_search_matches (self->store, stripped, &error);
      if (self->search_results == NULL)
        {
          g_debug ("Search for “%s” failed: %s", stripped, error->message);
          self->search_results = g_hash_table_new (g_str_hash, g_str_equal);
        }
    }
}

/* With nothing to filter the filter model holds no filter, so that it hands
 * out its items straight from the asset list: through the bitset of a
 * filter's matches, each item cost about a microsecond at 100,000 assets,
 * which the sort, the pins, the shapes and the map's fit all paid. */
static void
refilter (AmapWindow *self)
{
  GtkFilter *filter = any_filter (self) ? GTK_FILTER (self->filter) : NULL;

  if (gtk_filter_list_model_get_filter (self->filter_model) != filter)
    gtk_filter_list_model_set_filter (self->filter_model, filter);
  else if (filter != NULL)
    gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* Fills @dropdown with @all_label and @values (taken; NULL means none),
 * unless @current already holds them, keeping *@filter selected while it
 * is still one of them (else clearing it and refiltering). Returns TRUE
 * when the dropdown now has values to choose from. */
static gboolean
refresh_choices (AmapWindow   *self,
                 GtkDropDown  *dropdown,
                 const char   *all_label,
                 char        **values,
                 char       ***current,
                 char        **filter)
{
  g_autoptr(GtkStringList) list = NULL;
  guint selected = 0;

  if (values == NULL)
    values = g_new0 (char *, 1);

  if (*current != NULL && g_strv_equal ((const char * const *) values, (const char * const *) *current))
    {
      g_strfreev (values);
      return (*current)[0] != NULL;
    }

  g_strfreev (*current);
  *current = values;

  list = gtk_string_list_new (NULL);
  gtk_string_list_append (list, all_label);
  for (guint i = 0; values[i] != NULL; i++)
    {
      gtk_string_list_append (list, values[i]);
      if (g_strcmp0 (values[i], *filter) == 0)
        selected = i + 1;
    }

  if (selected == 0 && *filter != NULL)
    {
      g_clear_pointer (filter, g_free);
      refilter (self);
    }

  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (dropdown, selected);
  return values[0] != NULL;
}

static void
refresh_tags (AmapWindow *self)
{
  gboolean any = refresh_choices (self, self->tag_dropdown, _("All Tags"),
                                  amap_store_list_tags (self->store, NULL),
                                  &self->tags, &self->tag_filter);

  gtk_widget_set_sensitive (GTK_WIDGET (self->tag_dropdown), any);
}

static void
show_details (AmapWindow *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->sidebar_stack), "details") == 0)
    return;

  gtk_stack_set_visible_child_name (self->sidebar_stack, "details");
  amap_asset_editor_focus_header (self->editor);
}

static void
show_list (AmapWindow *self)
{
  gtk_stack_set_visible_child_name (self->sidebar_stack, "list");
}

/* A save while the selection's signals were ignored replaced the item
 * in the list, which a selection model takes for a removal: select the
 * asset shown again. */
static void
resync_selection (AmapWindow *self)
{
  AmapAsset *asset = get_selected_asset (self);
  guint position;

  if (self->selected_uuid == NULL ||
      (asset != NULL && g_strcmp0 (amap_asset_get_uuid (asset), self->selected_uuid) == 0))
    return;

  if (find_position (self, self->selected_uuid, &position))
    set_selected_position (self, position);
}

static void
clear_leave (AmapWindow *self)
{
  g_clear_pointer (&self->leave_action, g_free);
  g_clear_pointer (&self->leave_target, g_variant_unref);
}

static void
clear_draft (AmapWindow *self)
{
  g_clear_pointer (&self->draft_undo_label, g_free);
  g_clear_pointer (&self->draft_typed, g_hash_table_unref);
  g_clear_object (&self->draft);
}

static gboolean
run_leave_action_cb (gpointer user_data)
{
  AmapWindow *self = user_data;
  g_autofree char *action = g_steal_pointer (&self->leave_action);
  g_autoptr(GVariant) target = g_steal_pointer (&self->leave_target);

  if (action != NULL && !gtk_widget_in_destruction (GTK_WIDGET (self)))
    gtk_widget_activate_action_variant (GTK_WIDGET (self), action, target);

  return G_SOURCE_REMOVE;
}

/* Does what the person asked for before the editor was in the way, once
 * the dialog is gone: the action may close the window. */
static void
run_leave_action (AmapWindow *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, run_leave_action_cb, g_object_ref (self), g_object_unref);
}

static void
leave_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  AmapWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "save-rest") == 0)
    {
      g_autofree char *not_kept = NULL;
      g_autoptr(AmapAsset) draft = NULL;
      g_autoptr(GHashTable) typed = NULL;
      gboolean saved;

      self->committing = TRUE;
      saved = amap_asset_editor_save_valid (self->editor, &not_kept, &draft, &typed, &error);
      self->committing = FALSE;
      resync_selection (self);
      if (!saved)
        {
          clear_leave (self);
          show_error (self, _("Could Not Save the Changes"), error->message);
          amap_asset_editor_focus_invalid (self->editor);
          return;
        }

      clear_draft (self);
      if (not_kept != NULL)
        {
          AdwToast *undo_toast = adw_toast_new (not_kept);

          self->draft = g_steal_pointer (&draft);
          self->draft_typed = g_steal_pointer (&typed);
          self->draft_undo_label = g_strdup (amap_store_get_undo_label (self->store));
          adw_toast_set_button_label (undo_toast, _("_Undo"));
          adw_toast_set_action_name (undo_toast, "win.restore-draft");
          adw_toast_set_priority (undo_toast, ADW_TOAST_PRIORITY_HIGH);
          adw_toast_set_timeout (undo_toast, 10);
          adw_toast_overlay_add_toast (self->toast_overlay, undo_toast);
        }
      update_actions (self);
      run_leave_action (self);
    }
  else if (g_strcmp0 (response, "discard") == 0)
    {
      g_autoptr(AmapAsset) stored = NULL;

      if (amap_asset_editor_get_uuid (self->editor) != NULL)
        stored = amap_store_get_asset (self->store, amap_asset_editor_get_uuid (self->editor), NULL);
      amap_asset_editor_set_asset (self->editor, stored);
      run_leave_action (self);
    }
  else
    {
      clear_leave (self);
      amap_asset_editor_focus_invalid (self->editor);
    }
}

/*
 * Saves what the editor holds before it shows something else, or the
 * window closes. Returns TRUE when nothing unsaved is left. Otherwise
 * nothing is dropped: the editor stays open with the field at fault
 * flagged and focused, and a dialog asks whether to keep editing or save
 * the rest (or, when the store refused, to discard); once answered,
 * @then_action runs again with @then_target (a floating reference is
 * taken), so that the person need not ask twice.
 */
static gboolean
leave_editor (AmapWindow *self,
              const char *then_action,
              GVariant   *then_target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) target = then_target != NULL ? g_variant_ref_sink (then_target) : NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  gboolean saved;

  if (self->committing || !amap_asset_editor_get_dirty (self->editor))
    return TRUE;

  if (self->leave_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->leave_dialog));
      return FALSE;
    }

  if (amap_asset_editor_get_valid (self->editor))
    {
      /* Saving replaces the item in the list, which comes back here
       * through the selection's signals. */
      self->committing = TRUE;
      saved = amap_asset_editor_save (self->editor, &error);
      self->committing = FALSE;
      resync_selection (self);
      if (saved)
        return TRUE;
    }

  clear_leave (self);
  self->leave_action = g_strdup (then_action);
  self->leave_target = g_steal_pointer (&target);

  gtk_toggle_button_set_active (self->sidebar_button, TRUE);
  gtk_stack_set_visible_child_name (self->sidebar_stack, "details");
  amap_asset_editor_focus_invalid (self->editor);

  if (error == NULL)
    {
      body = g_strdup_printf (_("%s\n\nKeep editing to correct it, or save the other changes "
                                "and leave this field as it was."),
                              amap_asset_editor_get_problem (self->editor));
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Some Changes Can’t Be Saved"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "keep", _("_Keep Editing"),
                                        "save-rest", _("_Save the Rest"),
                                        NULL);
    }
  else
    {
      body = g_strdup_printf (_("%s\n\nKeep editing to try again, or discard the changes."),
                              error->message);
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Changes Could Not Be Saved"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "keep", _("_Keep Editing"),
                                        "discard", _("_Discard Changes"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
    }
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "keep", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (leave_response_cb), self, 0);
  self->leave_dialog = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->leave_dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return FALSE;
}

/* Filter and sort */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  AmapWindow *self = user_data;
  AmapAsset *asset = item;
  const char *category = amap_asset_get_category (asset);

  if (g_hash_table_size (self->selected_categories) > 0 &&
      (category == NULL || !g_hash_table_contains (self->selected_categories, category)))
    return FALSE;
  if (self->stage_mask != 0 && (self->stage_mask & (1u << amap_asset_get_stage (asset))) == 0)
    return FALSE;
  if (self->folder_filter != NULL)
    {
      g_autofree char *folder = amap_asset_dup_folder_label (asset);

      if (g_strcmp0 (folder, self->folder_filter) != 0)
        return FALSE;
    }
  if (self->hubs_only && !amap_asset_get_is_hub (asset))
    return FALSE;
  if (self->tag_filter != NULL && !amap_asset_has_tag (asset, self->tag_filter))
    return FALSE;
  if (self->search_results != NULL &&
      !g_hash_table_contains (self->search_results, amap_asset_get_uuid (asset)))
    return FALSE;

  return TRUE;
}

/* An asset's name and its collation key, kept on the asset in one block:
 * the name, a NUL, the key, a NUL. */
typedef struct
{
  gsize name_length;
  char  text[];
} NameKey;

/* The collation key of @asset's name, made once per row rather than twice
 * per comparison (a sort of 100,000 rows makes about 1.7 million). The
 * name it was made from is kept with it: should the name change, so does
 * the key. */
static const char *
name_sort_key (AmapAsset *asset)
{
  static GQuark quark;
  const char *name = amap_asset_get_name (asset) ? amap_asset_get_name (asset) : "";
  NameKey *name_key;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("amap-window-name-key");

  name_key = g_object_get_qdata (G_OBJECT (asset), quark);
  if (name_key == NULL || strcmp (name_key->text, name) != 0)
    {
      g_autofree char *key = amap_collate_key (name);
      gsize name_length = strlen (name), key_length = strlen (key);

      name_key = g_malloc (sizeof (NameKey) + name_length + key_length + 2);
      name_key->name_length = name_length;
      memcpy (name_key->text, name, name_length + 1);
      memcpy (name_key->text + name_length + 1, key, key_length + 1);
      g_object_set_qdata_full (G_OBJECT (asset), quark, name_key, g_free);
    }

  return name_key->text + name_key->name_length + 1;
}

static int
compare_names (AmapAsset *a,
               AmapAsset *b)
{
  return strcmp (name_sort_key (a), name_sort_key (b));
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  AmapWindow *self = user_data;
  AmapAsset *asset_a = (AmapAsset *) a;
  AmapAsset *asset_b = (AmapAsset *) b;
  int result = 0;

  switch (self->sort_mode)
    {
    case SORT_CATEGORY:
      result = g_utf8_collate (category_name (self, asset_a), category_name (self, asset_b));
      break;
    case SORT_DISTANCE:
      {
        double da = distance_from_home (self, asset_a);
        double db = distance_from_home (self, asset_b);
        result = da < db ? -1 : da > db ? 1 : 0;
      }
      break;
    case SORT_LAST_CONTACT:
      {
        const char *la = amap_asset_get_last_contacted (asset_a);
        const char *lb = amap_asset_get_last_contacted (asset_b);
        /* Most recent first; never contacted last. */
        if (la == NULL || lb == NULL)
          result = (la == NULL) - (lb == NULL);
        else
          result = -strcmp (la, lb);
      }
      break;
    case SORT_NAME:
    default:
      break;
    }

  return result != 0 ? result : compare_names (asset_a, asset_b);
}

/* Filters: category chips, stages, folders */

static gboolean
any_filter (AmapWindow *self)
{
  return g_hash_table_size (self->selected_categories) > 0 || self->stage_mask != 0 ||
         self->tag_filter != NULL || self->folder_filter != NULL || self->hubs_only ||
         self->search_results != NULL;
}

/* What the filters hold, beside the expander's title, so that a closed
 * expander still says that the list is filtered. */
static void
update_filter_state (AmapWindow *self)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  guint n_categories = g_hash_table_size (self->selected_categories);
  guint n_stages = 0;

  for (guint stage = 0; stage <= AMAP_STAGE_INACTIVE; stage++)
    if (self->stage_mask & (1u << stage))
      n_stages++;

  if (n_categories == 1)
    {
      GHashTableIter iter;
      gpointer key;
      AmapCategory *category;

      g_hash_table_iter_init (&iter, self->selected_categories);
      g_hash_table_iter_next (&iter, &key, NULL);
      category = amap_store_lookup_category (self->store, key);
      g_string_append (summary, category != NULL ? amap_category_get_name (category) : key);
    }
  else if (n_categories > 1)
    /* Translators: the filters' summary; %u is 2 or more. */
    g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u category", "%u categories",
                                                  n_categories), n_categories);

  if (n_stages > 0)
    {
      if (summary->len > 0)
        g_string_append (summary, _(", "));
      if (n_stages == 1)
        {
          for (guint stage = 0; stage <= AMAP_STAGE_INACTIVE; stage++)
            if (self->stage_mask & (1u << stage))
              g_string_append (summary, amap_stage_get_display_name (stage));
        }
      else
        /* Translators: the filters' summary; %u is 2 or more. */
        g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u stage", "%u stages", n_stages),
                                n_stages);
    }
  if (self->tag_filter != NULL)
    {
      if (summary->len > 0)
        g_string_append (summary, _(", "));
      g_string_append (summary, self->tag_filter);
    }
  if (self->folder_filter != NULL)
    {
      if (summary->len > 0)
        g_string_append (summary, _(", "));
      g_string_append (summary, self->folder_filter);
    }
  if (self->hubs_only)
    {
      if (summary->len > 0)
        g_string_append (summary, _(", "));
      g_string_append (summary, _("hubs"));
    }

  gtk_label_set_label (self->filters_summary, summary->str);
  gtk_widget_set_visible (self->show_all_button, any_filter (self));

  /* The stage button names the stage when there is one. */
  if (n_stages == 1)
    {
      for (guint stage = 0; stage <= AMAP_STAGE_INACTIVE; stage++)
        if (self->stage_mask & (1u << stage))
          gtk_menu_button_set_label (self->stage_button, amap_stage_get_display_name (stage));
    }
  else if (n_stages > 1)
    {
      /* Translators: the stage filter's button; %u is 2 or more. */
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Stages", "%u Stages",
                                                             n_stages), n_stages);
      gtk_menu_button_set_label (self->stage_button, label);
    }
  else
    {
      gtk_menu_button_set_label (self->stage_button, _("All Stages"));
    }
}

static void
chip_toggled_cb (GtkToggleButton *chip,
                 gpointer         user_data)
{
  AmapWindow *self = user_data;
  const char *key = g_object_get_data (G_OBJECT (chip), "amap-category");
  gboolean selected = gtk_toggle_button_get_active (chip);

  if (selected == g_hash_table_contains (self->selected_categories, key))
    return;

  if (selected)
    g_hash_table_add (self->selected_categories, g_strdup (key));
  else
    g_hash_table_remove (self->selected_categories, key);

  refilter (self);
  update_filter_state (self);
}

static void
rebuild_chips (AmapWindow *self)
{
  GListModel *categories = amap_store_get_categories (self->store);
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  gboolean dropped = FALSE;

  amap_chip_box_remove_all (self->category_chips);

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);
      GtkWidget *chip = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *dot = amap_category_dot_new ();
      GtkWidget *label = gtk_label_new (amap_category_get_name (category));
      g_autofree char *tooltip = NULL;

      g_hash_table_add (known, (gpointer) amap_category_get_key (category));
      amap_category_dot_set_color (AMAP_CATEGORY_DOT (dot), amap_category_get_color (category));
      gtk_widget_set_size_request (dot, 10, 10);
      gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), dot);
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (chip), box);
      gtk_widget_add_css_class (chip, "amap-chip");

      /* Translators: tooltip of a category chip, the legend of the map. */
      tooltip = g_strdup_printf (_("Show only %s (choose several to show any of them)"),
                                 amap_category_get_name (category));
      gtk_widget_set_tooltip_text (chip, tooltip);

      g_object_set_data_full (G_OBJECT (chip), "amap-category",
                              g_strdup (amap_category_get_key (category)), g_free);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (chip),
                                    g_hash_table_contains (self->selected_categories,
                                                           amap_category_get_key (category)));
      g_signal_connect (chip, "toggled", G_CALLBACK (chip_toggled_cb), self);
      amap_chip_box_append (self->category_chips, chip);
    }

  /* A category that went away is no longer chosen. */
  g_hash_table_iter_init (&iter, self->selected_categories);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (known, key))
      {
        g_hash_table_iter_remove (&iter);
        dropped = TRUE;
      }
  if (dropped)
    refilter (self);
  rebuild_bulk_menus (self);
}

static GtkToggleButton *
find_chip (AmapWindow *self,
           const char *key)
{
  for (GtkWidget *chip = gtk_widget_get_first_child (GTK_WIDGET (self->category_chips));
       chip != NULL; chip = gtk_widget_get_next_sibling (chip))
    {
      if (g_strcmp0 (g_object_get_data (G_OBJECT (chip), "amap-category"), key) == 0)
        return GTK_TOGGLE_BUTTON (chip);
    }

  return NULL;
}

static void
stage_check_toggled_cb (GtkCheckButton *check,
                        gpointer        user_data)
{
  AmapWindow *self = user_data;
  guint stage = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "amap-stage"));
  guint mask = self->stage_mask;

  if (gtk_check_button_get_active (check))
    mask |= 1u << stage;
  else
    mask &= ~(1u << stage);

  if (mask == self->stage_mask)
    return;
  self->stage_mask = mask;
  refilter (self);
  update_filter_state (self);
}

static void
build_stage_checks (AmapWindow *self)
{
  for (int stage = AMAP_STAGE_IDENTIFIED; stage <= AMAP_STAGE_INACTIVE; stage++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (amap_stage_get_display_name (stage));

      g_object_set_data (G_OBJECT (check), "amap-stage", GUINT_TO_POINTER (stage));
      g_signal_connect (check, "toggled", G_CALLBACK (stage_check_toggled_cb), self);
      gtk_box_append (self->stage_box, check);
      self->stage_checks[stage] = GTK_CHECK_BUTTON (check);
    }
}

/* The layers (folders) of the imported maps, when there are any. */
static void
refresh_folders (AmapWindow *self)
{
  gboolean any = refresh_choices (self, self->folder_dropdown, _("All Layers"),
                                  amap_store_list_folders (self->store, NULL),
                                  &self->folders, &self->folder_filter);

  gtk_widget_set_visible (GTK_WIDGET (self->folder_dropdown), any);
}

/* Recent maps */

static void
rebuild_recent_menu (AmapWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-maps");

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *basename = g_filename_display_basename (recent[i]);
      g_autoptr(GMenuItem) item = NULL;

      if (!g_file_test (recent[i], G_FILE_TEST_EXISTS))
        continue;
      if (g_str_has_suffix (basename, AMAP_STORE_SUFFIX))
        basename[strlen (basename) - strlen (AMAP_STORE_SUFFIX)] = '\0';
      item = g_menu_item_new (basename, NULL);
      g_menu_item_set_action_and_target_value (item, "app.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_menu, item);
    }
}

static char *
escape_mnemonic (const char *label)
{
  g_auto(GStrv) parts = g_strsplit (label, "_", -1);

  return g_strjoinv ("__", parts);
}

/* Undo and Redo in the menu say what they undo, as the store names it
 * ("Undo Import of “tbilisi.kml” (238 Assets)"). */
static void
rebuild_history_menu (AmapWindow *self)
{
  const char *undo = amap_store_get_undo_label (self->store);
  const char *redo = amap_store_get_redo_label (self->store);
  /* Menus read "_" as a mnemonic: a name's own underscores are doubled. */
  g_autofree char *undo_item = undo != NULL ? escape_mnemonic (undo) : g_strdup (_("_Undo"));
  g_autofree char *redo_item = redo != NULL ? escape_mnemonic (redo) : g_strdup (_("_Redo"));

  g_menu_remove_all (self->history_menu);
  g_menu_append (self->history_menu, undo_item, "win.undo");
  g_menu_append (self->history_menu, redo_item, "win.redo");
}

/* Selection */

static void
selection_changed_cb (AmapWindow *self)
{
  AmapAsset *asset = get_selected_asset (self);

  if (self->committing)
    return;

  if (asset == NULL && count_selected (self) > 1)
    {
      /* Several assets: for the list's actions (delete, export); the
       * details and the map show one asset only. */
      if (!leave_editor (self, NULL, NULL))
        return;
      g_clear_pointer (&self->selected_uuid, g_free);
      g_clear_object (&self->shown_item);
      amap_asset_editor_set_asset (self->editor, NULL);
      map_set_selected_uuid (self, NULL);
      show_list (self);
      update_actions (self);
      return;
    }

  if (asset == NULL)
    {
      guint position;

      /* An update replaces the item with a fresh copy, which a
       * selection model takes for a removal: select it again. */
      if (self->selected_uuid != NULL && find_position (self, self->selected_uuid, &position))
        {
          set_selected_position (self, position);
          return;
        }

      /* The asset left the list (a filter, an undo): its edit stays
       * unless it can be saved. */
      if (!leave_editor (self, NULL, NULL))
        return;

      g_clear_pointer (&self->selected_uuid, g_free);
      g_clear_object (&self->shown_item);
      amap_asset_editor_set_asset (self->editor, NULL);
      map_set_selected_uuid (self, NULL);
      show_list (self);
      update_actions (self);
      return;
    }

  if (g_strcmp0 (amap_asset_get_uuid (asset), self->selected_uuid) == 0)
    {
      /* The same asset, changed in the store (a save, a drag, an undo). */
      if (asset != self->shown_item && !amap_asset_editor_get_dirty (self->editor))
        {
          g_set_object (&self->shown_item, asset);
          amap_asset_editor_set_asset (self->editor, asset);
        }
      return;
    }

  if (amap_asset_editor_get_dirty (self->editor))
    {
      g_autofree char *target = g_strdup (amap_asset_get_uuid (asset));
      guint position;

      if (!leave_editor (self, "win.select-asset", g_variant_new_string (target)))
        {
          /* Stay on the asset being edited, in the list and on the map. */
          self->committing = TRUE;
          if (find_position (self, self->selected_uuid, &position))
            set_selected_position (self, position);
          else
            set_selected_position (self, GTK_INVALID_LIST_POSITION);
          self->committing = FALSE;
          self->details_on_select = FALSE;
          map_set_selected_uuid (self, self->selected_uuid);
          return;
        }

      /* Saving replaced an item, which may have moved the selection:
       * select the asset asked for, again. */
      asset = get_selected_asset (self);
      if (asset == NULL || g_strcmp0 (amap_asset_get_uuid (asset), target) != 0)
        {
          if (find_position (self, target, &position))
            set_selected_position (self, position);
          return;
        }
    }

  g_free (self->selected_uuid);
  self->selected_uuid = g_strdup (amap_asset_get_uuid (asset));
  g_set_object (&self->shown_item, asset);
  amap_asset_editor_set_asset (self->editor, asset);
  if (self->details_on_select)
    show_details (self);
  self->details_on_select = FALSE;
  map_set_selected_uuid (self, self->selected_uuid);
  if (amap_asset_get_has_location (asset))
    map_center_on (self, amap_asset_get_latitude (asset), amap_asset_get_longitude (asset), -1);
  update_actions (self);
}

static void
select_uuid (AmapWindow *self,
             const char *uuid)
{
  guint position;

  if (uuid != NULL && find_position (self, uuid, &position))
    {
      set_selected_position (self, position);
      return;
    }

  g_clear_pointer (&self->selected_uuid, g_free);
  if (count_selected (self) == 0)
    /* Nothing to notify, but the details may still show the asset. */
    selection_changed_cb (self);
  else
    set_selected_position (self, GTK_INVALID_LIST_POSITION);
}

static void
map_selected_uuid_changed_cb (AmapWindow *self)
{
  g_autofree char *uuid = NULL;

  g_object_get (self->map_view, "selected-uuid", &uuid, NULL);
  if (g_strcmp0 (uuid, self->selected_uuid) == 0)
    return;

  self->details_on_select = uuid != NULL;
  select_uuid (self, uuid);
  self->details_on_select = FALSE;
  if (uuid != NULL)
    {
      guint position;

      if (find_position (self, uuid, &position))
        gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
    }
}

/* Creating assets and the home */

static void add_undo_toast (AmapWindow *self,
                            const char *title);

static void
set_home_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  AmapWindow *self = user_data;
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "amap-entry");
  double *point = g_object_get_data (G_OBJECT (dialog), "amap-point");
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "set") != 0)
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (!amap_store_set_home (self->store, name[0] != '\0' ? name : NULL, point[0], point[1], &error))
    {
      show_error (self, _("Could Not Set the School’s Location"), error->message);
      return;
    }

  map_center_on (self, point[0], point[1], 16);
  add_undo_toast (self, _("School location set"));
  update_main_page (self);
}

/* @suggested (nullable): the name to offer when the school has none yet
 * (the place search's find). */
static void
ask_home_name_suggesting (AmapWindow *self,
                          double      latitude,
                          double      longitude,
                          const char *suggested)
{
  GtkWidget *dialog;
  GtkWidget *entry;
  const char *current = NULL;
  double *point = g_new (double, 2);

  point[0] = latitude;
  point[1] = longitude;
  amap_store_get_home (self->store, NULL, NULL, &current);
  if (current == NULL)
    current = suggested;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Your School"),
                                   _("The school is the center of your map: walking distances are measured from it."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("School name"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  if (current != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), current);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "set", _("_Set Location"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set");
  g_object_set_data (G_OBJECT (dialog), "amap-entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "amap-point", point, g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (set_home_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Show All: no search, no filter. */
static void
ask_home_name (AmapWindow *self,
               double      latitude,
               double      longitude)
{
  ask_home_name_suggesting (self, latitude, longitude, NULL);
}

static void
clear_filters (AmapWindow *self)
{
  g_hash_table_remove_all (self->selected_categories);
  rebuild_chips (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search_results, g_hash_table_unref);
  self->stage_mask = 0;
  for (guint stage = 0; stage <= AMAP_STAGE_INACTIVE; stage++)
    gtk_check_button_set_active (self->stage_checks[stage], FALSE);
  gtk_drop_down_set_selected (self->tag_dropdown, 0);
  gtk_drop_down_set_selected (self->folder_dropdown, 0);
  gtk_toggle_button_set_active (self->hubs_button, FALSE);
  self->hubs_only = FALSE;
  g_clear_pointer (&self->tag_filter, g_free);
  g_clear_pointer (&self->folder_filter, g_free);
  refilter (self);
  update_filter_state (self);
}

static void
create_asset_at (AmapWindow *self,
                 double      latitude,
                 double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (_("New Asset"));
  g_autoptr(GError) error = NULL;
  guint position;

  amap_asset_set_category (asset, AMAP_CATEGORY_OTHER);
  amap_asset_set_location (asset, latitude, longitude);
  amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_MANUAL);

  if (!leave_editor (self, "win.add-at", g_variant_new ("(dd)", latitude, longitude)))
    return;
  if (!amap_store_add_asset (self->store, asset, &error))
    {
      show_error (self, _("Could Not Add the Asset"), error->message);
      return;
    }

  self->empty_dismissed = TRUE;
  update_main_page (self);

  if (!find_position (self, amap_asset_get_uuid (asset), &position))
    {
      clear_filters (self);
      toast (self, _("Filters cleared to show the new asset"));
    }

  self->details_on_select = TRUE;
  select_uuid (self, amap_asset_get_uuid (asset));
  self->details_on_select = FALSE;
  gtk_stack_set_visible_child_name (self->sidebar_stack, "details");
  amap_asset_editor_focus_name (self->editor);
}

static void
add_requested_cb (GtkWidget *map_view,
                  double     latitude,
                  double     longitude,
                  gpointer   user_data)
{
  AmapWindow *self = user_data;

  gtk_revealer_set_reveal_child (self->hint_revealer, FALSE);
  gtk_toggle_button_set_active (self->add_button, FALSE);

  if (self->placing_home)
    {
      self->placing_home = FALSE;
      ask_home_name (self, latitude, longitude);
      return;
    }

  create_asset_at (self, latitude, longitude);
}

static void
asset_moved_cb (GtkWidget  *map_view,
                const char *uuid,
                double      latitude,
                double      longitude,
                gpointer    user_data)
{
  AmapWindow *self = user_data;
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(GError) error = NULL;

  asset = amap_store_get_asset (self->store, uuid, &error);
  if (asset != NULL)
    {
      amap_asset_set_location (asset, latitude, longitude);
      amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_MANUAL);
      if (amap_store_update_asset (self->store, asset, &error))
        return;
    }

  show_error (self, _("Could Not Move the Asset"), error->message);
}

static void
add_button_toggled_cb (AmapWindow *self)
{
  gboolean active = gtk_toggle_button_get_active (self->add_button);

  if (active)
    {
      self->placing_home = FALSE;
      self->empty_dismissed = TRUE;
      update_main_page (self);
      gtk_label_set_label (self->hint_label, _("Click on the map where the new asset is"));
    }
  if (map_has_property (self, "adding"))
    g_object_set (self->map_view, "adding", active || self->placing_home, NULL);
  gtk_revealer_set_reveal_child (self->hint_revealer, active || self->placing_home);
}

static gboolean
forget_placing_home_cb (gpointer user_data)
{
  AmapWindow *self = user_data;
  gboolean adding = FALSE;

  if (self->map_view != NULL && map_has_property (self, "adding"))
    g_object_get (self->map_view, "adding", &adding, NULL);
  if (!adding)
    self->placing_home = FALSE;

  return G_SOURCE_REMOVE;
}

static void
map_adding_changed_cb (AmapWindow *self)
{
  gboolean adding = FALSE;

  g_object_get (self->map_view, "adding", &adding, NULL);
  if (!adding)
    {
      /* The view leaves add mode just before it emits "add-requested":
       * forget about placing the home only after that. */
      g_idle_add_full (G_PRIORITY_DEFAULT, forget_placing_home_cb, g_object_ref (self), g_object_unref);
      gtk_toggle_button_set_active (self->add_button, FALSE);
      gtk_revealer_set_reveal_child (self->hint_revealer, FALSE);
    }
}

/* Import */

static void
import_progress_cb (double   fraction,
                    gpointer user_data)
{
  AmapWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->import_progress, CLAMP (fraction, 0.0, 1.0));
}

static void
set_importing (AmapWindow *self,
               gboolean    importing)
{
  if (self->importing == importing)
    return;

  self->importing = importing;
  gtk_revealer_set_reveal_child (self->import_revealer, importing);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMPORTING]);
}

static void
report_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    AmapWindow       *self)
{
  double south, west, north, east;
  AmapImportReport *report = g_object_get_data (G_OBJECT (dialog), "amap-report");

  if (g_strcmp0 (response, "show") != 0 ||
      !amap_import_report_get_bounds (report, &south, &west, &north, &east))
    return;
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    amap_map_view_fit_bounds (AMAP_MAP_VIEW (self->map_view), south, west, north, east);
#endif
}

/* Counts per category, what was skipped with its line, and "Show on Map"
 * (amap-import-dialog.c). */
static void
show_import_report (AmapWindow       *self,
                    const char       *name,
                    AmapImportReport *report)
{
  AdwMessageDialog *dialog = amap_import_report_dialog_new (GTK_WINDOW (self), self->store, name, report);

  g_object_set_data_full (G_OBJECT (dialog), "amap-report", g_object_ref (report), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (report_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The map shows what was imported, also when it held other places. */
static void
map_fit_report (AmapWindow       *self,
                AmapImportReport *report)
{
  double south, west, north, east;

  if (!amap_import_report_get_bounds (report, &south, &west, &north, &east))
    return;
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    amap_map_view_fit_bounds (AMAP_MAP_VIEW (self->map_view), south, west, north, east);
#endif
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AmapWindow) self = user_data;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_object_steal_data (G_OBJECT (self), "amap-import-file");
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : g_strdup ("");

  report = amap_import_file_finish (result, &error);
  g_clear_object (&self->import_cancellable);

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (report == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          toast (self, _("Import cancelled: nothing was added"));
        }
      else
        {
          g_autofree char *heading = g_strdup_printf (_("Could Not Import “%s”"), name);
          g_autofree char *body = g_strdup_printf (_("%s\n\nNothing was added to the map. Asset Map reads "
                                                     "KML and KMZ files from Google My Maps, Google Earth, "
                                                     "QGIS and GDAL."), error->message);
          show_error (self, heading, body);
        }
    }
  else
    {
      gboolean sample = file != NULL && g_object_get_data (G_OBJECT (file), "amap-sample") != NULL;

      /* The sample needs no report: its map shows what it holds. */
      if (!sample)
        show_import_report (self, name, report);

      /* amap_import_file_finish() has refreshed the store, with the
       * import as its newest undo step. */
      if (sample)
        {
          g_autoptr(GError) tour_error = NULL;

          set_sample_home (self);
          /* And the tour it comes with (amap-sample-tour.c). */
          if (!amap_sample_tour_add (self->store, &tour_error))
            g_warning ("Could not add the sample's tour: %s", tour_error->message);
        }
      if (sample && self->fit_after_import)
        map_fit_assets (self);
      else if (!sample)
        map_fit_report (self, report);
    }

  self->fit_after_import = FALSE;
  set_importing (self, FALSE);
  refresh_tags (self);
  update_main_page (self);
  start_next_import (self);
}

/* The sample marks its school with the tag "our school" (in a translated
 * sample, its translation): make it the home when the map has none, so
 * the walking rings show. */
static void
set_sample_home (AmapWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->assets));

  if (amap_store_get_title (self->store) == NULL)
    amap_store_set_title (self->store, _("Fruitvale Sample Neighborhood"), NULL);

  if (amap_store_get_home (self->store, NULL, NULL, NULL))
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (G_LIST_MODEL (self->assets), i);
      g_autoptr(GError) error = NULL;

      /* Translators: the tag that marks the school in the sample
       * neighborhood of your language (data/samples/fruitvale.LANG.kml):
       * the same words as there, or the sample has no school. */
      if ((!amap_asset_has_tag (asset, "our school") && !amap_asset_has_tag (asset, _("our school")))
          || !amap_asset_get_has_location (asset))
        continue;

      if (!amap_store_set_home (self->store, amap_asset_get_name (asset),
                                amap_asset_get_latitude (asset), amap_asset_get_longitude (asset),
                                &error))
        g_warning ("Could not set the sample's home: %s", error->message);
      return;
    }
}

static gboolean
is_gpx_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_utf8_strdown (basename != NULL ? basename : "", -1);

  return g_str_has_suffix (lower, ".gpx");
}

static void
import_dialog_response_cb (AmapImportDialog *dialog,
                           const char       *response,
                           AmapWindow       *self)
{
  AmapImportPlan *plan = amap_import_dialog_get_plan (dialog);
  g_autofree char *label = NULL;

  self->import_dialog = NULL;

  if (g_strcmp0 (response, "import") != 0)
    {
      g_object_set_data (G_OBJECT (self), "amap-import-file", NULL);
      g_clear_object (&self->import_cancellable);
      set_importing (self, FALSE);
      update_main_page (self);
      toast (self, _("Import cancelled: nothing was added"));
      start_next_import (self);
      return;
    }

  /* Translators: %s is a file name. */
  label = g_strdup_printf (_("Importing “%s”…"), amap_import_plan_get_file_name (plan));
  gtk_label_set_label (self->import_label, label);
  gtk_revealer_set_reveal_child (self->import_revealer, TRUE);
  amap_import_plan_apply_async (plan, self->store, self->import_cancellable,
                                import_progress_cb, self, import_done_cb, g_object_ref (self));
}

/* The file has been read: show what it holds before anything is written. */
static void
plan_scanned_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AmapWindow) self = user_data;
  g_autoptr(AmapImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) failed = NULL;
  AmapImportDialog *dialog;

  plan = amap_import_plan_scan_finish (result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (plan == NULL)
    {
      /* The same message as a failed import: through import_done_cb. */
      failed = g_task_new (self->store, NULL, import_done_cb, g_object_ref (self));
      g_task_set_source_tag (failed, amap_import_file_async);
      g_task_return_error (failed, g_steal_pointer (&error));
      return;
    }

  gtk_revealer_set_reveal_child (self->import_revealer, FALSE);
  dialog = amap_import_dialog_new (GTK_WINDOW (self), self->store, plan);
  self->import_dialog = GTK_WIDGET (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (import_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_next_import (AmapWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  g_autofree char *category = NULL;

  if (self->importing || self->import_dialog != NULL)
    return;

  file = g_queue_pop_head (&self->pending_imports);
  if (file == NULL)
    return;

  if (amap_store_get_read_only (self->store))
    {
      show_error (self, _("Could Not Import"),
                  _("This map is read-only. Open or create a map you can change, then import again."));
      g_queue_clear_full (&self->pending_imports, g_object_unref);
      return;
    }

  name = g_file_get_basename (file);
  /* Translators: %s is a file name. */
  label = g_strdup_printf (_("Importing “%s”…"), name);
  gtk_label_set_label (self->import_label, label);
  gtk_progress_bar_set_fraction (self->import_progress, 0.0);

  self->fit_after_import = g_list_model_get_n_items (G_LIST_MODEL (self->assets)) == 0;
  self->import_cancellable = g_cancellable_new ();
  category = g_settings_get_string (self->settings, "import-default-category");
  g_object_set_data_full (G_OBJECT (self), "amap-import-file", g_object_ref (file), g_object_unref);

  /* The map takes no other write while it imports: save the edit first
   * when it can be saved; an edit that cannot stays in the editor. */
  if (amap_asset_editor_get_valid (self->editor))
    leave_editor (self, NULL, NULL);
  set_importing (self, TRUE);
  update_main_page (self);

  /* A KML or KMZ file shows what it holds first (the preview); the sample
   * and a GPX file (routes, no layers) import at once. */
  if (g_object_get_data (G_OBJECT (file), "amap-sample") == NULL && !is_gpx_file (file))
    {
      /* Translators: %s is a file name. */
      g_autofree char *reading = g_strdup_printf (_("Reading “%s”…"), name);

      gtk_label_set_label (self->import_label, reading);
      amap_import_plan_scan_async (self->store, file, category[0] != '\0' ? category : NULL,
                                   self->import_cancellable, plan_scanned_cb, g_object_ref (self));
      return;
    }

  amap_import_file_async (self->store, file, category[0] != '\0' ? category : NULL,
                          self->import_cancellable, import_progress_cb, self,
                          import_done_cb, g_object_ref (self));
}

static gboolean
is_kml_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_utf8_strdown (basename != NULL ? basename : "", -1);

  /* GPX: its routes import as tours. */
  return g_str_has_suffix (lower, ".kml") || g_str_has_suffix (lower, ".kmz") ||
         g_str_has_suffix (lower, ".gpx");
}

/* An MBTiles file as the base map; the map view goes to its area. */
void
amap_window_open_offline_map (AmapWindow *self,
                              GFile      *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (!amap_offline_map_use_file (file, &error))
    {
      toast (self, error->message);
      return;
    }
  /* Translators: %s is a file name */
  message = g_strdup_printf (_("The base map is now the offline map “%s”"), name);
  toast (self, message);
}

static void
offline_map_chosen_cb (GObject    *owner,
                       GListModel *files)
{
  g_autoptr(GFile) file = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;
  file = g_list_model_get_item (files, 0);
  amap_window_open_offline_map (AMAP_WINDOW (owner), file);
}

static void
open_offline_map_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  amap_file_chooser_open (GTK_WINDOW (widget), _("Open Offline Map"), _("_Open"),
                          AMAP_FILE_KIND_MBTILES, FALSE, G_OBJECT (widget), offline_map_chosen_cb);
}

static void
save_offline_area_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  double west, south, east, north, zoom;

  if (!AMAP_IS_MAP_VIEW (self->map_view))
    return;
  amap_map_view_get_visible_area (AMAP_MAP_VIEW (self->map_view), &west, &south, &east, &north);
  amap_map_view_get_view (AMAP_MAP_VIEW (self->map_view), NULL, NULL, &zoom);
  amap_offline_map_save_area (GTK_WINDOW (self), self->toast_overlay, west, south, east, north, zoom);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         gpointer       user_data)
{
  AmapWindow *self = user_data;
  GSList *files;
  gboolean any = FALSE;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      GFile *file = l->data;

      if (is_kml_file (file))
        {
          amap_window_import_file (self, file);
          any = TRUE;
        }
      else if (amap_offline_map_is_mbtiles_file (file))
        {
          amap_window_open_offline_map (self, file);
          any = TRUE;
        }
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("“%s” is not a KML, KMZ or GPX file, so it was not imported"), name);
          toast (self, message);
        }
    }
  g_slist_free (files);

  return any;
}

/* File choosers */

static void
import_chosen_cb (GObject    *owner,
                  GListModel *files)
{
  AmapWindow *self = AMAP_WINDOW (owner);

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      amap_window_import_file (self, file);
    }
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AmapWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_object_steal_data (G_OBJECT (self), "amap-export-file");
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : g_strdup ("");
  guint count = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "amap-export-count"));

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (!amap_export_file_finish (result, &error))
    {
      g_autofree char *heading = g_strdup_printf (_("Could Not Export to “%s”"), name);
      g_autofree char *body = g_strdup_printf (_("%s\n\nAny file that was already there is unchanged. "
                                                 "Try another folder or file name."), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, heading, body);
      return;
    }

  {
    /* Translators: a toast after an export; %u is a count, %s a file name. */
    g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Exported %u asset to “%s”",
                                                             "Exported %u assets to “%s”", count),
                                                count, name);
    toast (self, message);
  }
}

/* The assets of @scope: NULL for the whole map (the export reads it). */
static GPtrArray *
list_scope_assets (AmapWindow      *self,
                   AmapExportScope  scope)
{
  GPtrArray *assets;
  GListModel *model = G_LIST_MODEL (self->sort_model);

  if (scope == AMAP_EXPORT_SCOPE_SELECTED)
    return list_selected_assets (self);
  if (scope != AMAP_EXPORT_SCOPE_SHOWN)
    return NULL;

  assets = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (assets, g_list_model_get_item (model, i));
  return assets;
}

static void
export_chosen_cb (AmapExportDialog *dialog,
                  GFile            *file,
                  gpointer          user_data)
{
  AmapWindow *self = AMAP_WINDOW (user_data);
  g_autoptr(GPtrArray) shown = list_scope_assets (self, amap_export_dialog_get_scope (dialog));
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GError) error = NULL;
  guint count;

  /* The list holds summaries; the file gets every field of the assets. */
  if (shown != NULL && !(assets = amap_store_get_assets (self->store, shown, &error)))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *heading = g_strdup_printf (_("Could Not Export to “%s”"), name);

      show_error (self, heading, error->message);
      return;
    }

  count = assets != NULL ? assets->len : amap_store_count_assets (self->store);
  g_object_set_data_full (G_OBJECT (self), "amap-export-file", g_object_ref (file), g_object_unref);
  g_object_set_data (G_OBJECT (self), "amap-export-count", GUINT_TO_POINTER (count));
  amap_export_file_async (self->store, assets, file, amap_export_dialog_get_flags (dialog),
                          self->cancellable, export_done_cb, g_object_ref (self));
}

/* The export dialog, on @scope: what, which format, with what; then the
 * file. */
static void
export_assets (AmapWindow      *self,
               AmapExportScope  scope)
{
  g_autoptr(GPtrArray) selected = list_selected_assets (self);
  g_autofree char *base_name = NULL;
  AmapExportDialog *dialog;

  if (scope == AMAP_EXPORT_SCOPE_SELECTED && selected->len == 1)
    base_name = g_strdup (amap_asset_get_name (g_ptr_array_index (selected, 0)));
  else
    base_name = display_title (self);

  dialog = amap_export_dialog_new (GTK_WINDOW (self), base_name,
                                   amap_store_count_assets (self->store),
                                   g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)),
                                   selected->len, scope);
  {
    g_auto(GStrv) layers = amap_store_list_folders (self->store, NULL);

    amap_export_dialog_set_has_layers (dialog, layers != NULL && layers[0] != NULL);
  }
  g_signal_connect_object (dialog, "export", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Actions */

static void
update_actions (AmapWindow *self)
{
  gboolean writable = !amap_store_get_read_only (self->store);
  gboolean selected = self->selected_uuid != NULL;
  gboolean several = count_selected (self) > 1;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.add-asset", writable);
  gtk_widget_action_set_enabled (widget, "win.set-home", writable);
  gtk_widget_action_set_enabled (widget, "win.rename-map", writable);
  gtk_widget_action_set_enabled (widget, "win.import", writable);
  gtk_widget_action_set_enabled (widget, "win.cancel-import", self->importing);
  gtk_widget_action_set_enabled (widget, "win.backup", !self->backing_up);
  gtk_widget_action_set_enabled (widget, "win.undo", writable && amap_store_get_can_undo (self->store));
  gtk_widget_action_set_enabled (widget, "win.redo", writable && amap_store_get_can_redo (self->store));
  gtk_widget_action_set_enabled (widget, "win.delete", writable && (selected || several));
  gtk_widget_action_set_enabled (widget, "win.export-selected", selected || several);
  gtk_widget_action_set_enabled (widget, "win.export-shown",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0);
  gtk_widget_action_set_enabled (widget, "win.close-details", selected);
  gtk_widget_action_set_enabled (widget, "win.restore-draft", writable && self->draft != NULL);
  gtk_widget_action_set_enabled (widget, "win.bulk-set-category", writable && (selected || several));
  gtk_widget_action_set_enabled (widget, "win.bulk-set-stage", writable && (selected || several));
  gtk_widget_action_set_enabled (widget, "win.bulk-add-tag", writable && (selected || several));
  gtk_widget_action_set_enabled (widget, "win.bulk-ask-tag", writable && (selected || several));
  gtk_widget_action_set_enabled (widget, "win.go-to-school", amap_store_get_home (self->store, NULL, NULL, NULL));
  gtk_widget_action_set_enabled (widget, "win.zoom-to-shown",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), writable);

  if (several)
    {
      guint n = count_selected (self);
      /* Translators: below the list when several assets are selected. */
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u asset selected", "%'u assets selected", n), n);
      /* Translators: a button; %u is 2 or more. */
      g_autofree char *button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Delete %u Asset",
                                                               "_Delete %u Assets", n), n);

      gtk_label_set_label (self->selection_label, label);
      gtk_button_set_label (self->selection_delete_button, button);
    }
  gtk_revealer_set_reveal_child (self->selection_revealer, several);
}

/* Meters a pixel of the map spans at @latitude and @zoom (Web Mercator). */
static double
meters_per_pixel (double latitude,
                  double zoom)
{
  return 156543.03392 * cos (latitude * G_PI / 180.0) / pow (2.0, zoom);
}

/* TRUE when a pin (or the school) lies within @radius pixels of the point
 * (@latitude, @longitude). */
static gboolean
point_is_taken (AmapWindow *self,
                double      latitude,
                double      longitude,
                double      m_per_px,
                double      radius)
{
  GListModel *model = G_LIST_MODEL (self->assets);
  double k = 111320.0 / m_per_px;
  double lon_k = k * cos (latitude * G_PI / 180.0);
  double home_lat, home_lon;

  if (amap_store_get_home (self->store, &home_lat, &home_lon, NULL) &&
      hypot ((home_lat - latitude) * k, (home_lon - longitude) * lon_k) < radius)
    return TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, i);

      if (amap_asset_get_has_location (asset) &&
          hypot ((amap_asset_get_latitude (asset) - latitude) * k,
                 (amap_asset_get_longitude (asset) - longitude) * lon_k) < radius)
        return TRUE;
    }

  return FALSE;
}

/*
 * Where Ctrl+N puts a new asset: the center of the map, or the nearest
 * free spot around it in rings a pin apart, so that the new pin never
 * hides another (the selected one above all) and can be grabbed at once.
 * Returns FALSE when the map is zoomed out too far for a place to mean
 * anything (the middle of the ocean): the window asks for a click then.
 */
static gboolean
find_free_spot (AmapWindow *self,
                double     *latitude,
                double     *longitude)
{
  double lat, lon, zoom, m_per_px;
  double half_w = gtk_widget_get_width (self->map_view) / 2.0 - 32;
  double half_h = gtk_widget_get_height (self->map_view) / 2.0 - 48;

  map_get_view (self, &lat, &lon, &zoom);
  *latitude = lat;
  *longitude = lon;
  if (!isfinite (zoom) || zoom < 13)
    return FALSE;

  m_per_px = meters_per_pixel (lat, zoom);
  for (int ring = 0; ring <= 6; ring++)
    {
      int steps = ring == 0 ? 1 : 8 * ring;

      for (int i = 0; i < steps; i++)
        {
          double angle = 2 * G_PI * i / steps - G_PI / 2;
          double dx = ring * 48.0 * cos (angle);
          double dy = ring * 48.0 * sin (angle);
          double plat = lat - dy * m_per_px / 111320.0;
          double plon = lon + dx * m_per_px / (111320.0 * cos (lat * G_PI / 180.0));

          if (ring > 0 && half_w > 0 && half_h > 0 && (fabs (dx) > half_w || fabs (dy) > half_h))
            continue;
          if (!point_is_taken (self, plat, plon, m_per_px, 36))
            {
              *latitude = plat;
              *longitude = plon;
              return TRUE;
            }
        }
    }

  /* Pins everywhere around the center: the center it is. */
  return TRUE;
}

static void
add_asset_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  double lat, lon;

  if (!find_free_spot (self, &lat, &lon))
    {
      /* Zoomed out: the person shows where. */
      gtk_toggle_button_set_active (self->add_button, TRUE);
      gtk_label_set_label (self->hint_label, _("Zoom in and click on the map where the new asset is"));
      return;
    }
  create_asset_at (self, lat, lon);
}

/* The map follows the list */

/* The box of the located assets the filters leave; FALSE when none. */
static gboolean
shown_bounds (AmapWindow *self,
              double     *south,
              double     *west,
              double     *north,
              double     *east)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  gboolean any = FALSE;

  *south = *west = INFINITY;
  *north = *east = -INFINITY;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, i);

      if (!amap_asset_get_has_location (asset))
        continue;
      *south = MIN (*south, amap_asset_get_latitude (asset));
      *north = MAX (*north, amap_asset_get_latitude (asset));
      *west = MIN (*west, amap_asset_get_longitude (asset));
      *east = MAX (*east, amap_asset_get_longitude (asset));
      any = TRUE;
    }

  return any;
}

static void
zoom_to_shown_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  double south, west, north, east;

  if (!shown_bounds (self, &south, &west, &north, &east))
    {
      toast (self, _("None of the assets shown has a location yet"));
      return;
    }
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    amap_map_view_fit_bounds (AMAP_MAP_VIEW (self->map_view), south, west, north, east);
#endif
}

static void
go_to_school_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  double lat, lon;

  if (!amap_store_get_home (self->store, &lat, &lon, NULL))
    return;
  map_center_on (self, lat, lon, 16);
}

/*
 * "Nothing in view": the filters leave assets, but none of them on the
 * part of the map on screen. Checked a moment after the filters or the
 * view change, not on every frame of a pan.
 */
static gboolean
check_nothing_in_view_cb (gpointer user_data)
{
  AmapWindow *self = user_data;
  GListModel *model = G_LIST_MODEL (self->filter_model);
  double lat, lon, zoom, m_per_px, half_lat, half_lon;
  guint located = 0;
  gboolean in_view = FALSE;
  int width = gtk_widget_get_width (self->map_view);
  int height = gtk_widget_get_height (self->map_view);

  self->nothing_in_view_id = 0;
  map_get_view (self, &lat, &lon, &zoom);
  if (width <= 0 || height <= 0 || !isfinite (zoom) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "map") != 0)
    {
      gtk_revealer_set_reveal_child (self->nothing_revealer, FALSE);
      return G_SOURCE_REMOVE;
    }

  m_per_px = meters_per_pixel (lat, zoom);
  half_lat = height / 2.0 * m_per_px / 111320.0;
  half_lon = width / 2.0 * m_per_px / (111320.0 * cos (lat * G_PI / 180.0));
  for (guint i = 0; i < g_list_model_get_n_items (model) && !in_view; i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, i);
      double dlon;

      if (!amap_asset_get_has_location (asset))
        continue;
      located++;
      dlon = fmod (fabs (amap_asset_get_longitude (asset) - lon), 360.0);
      dlon = MIN (dlon, 360.0 - dlon);
      in_view = fabs (amap_asset_get_latitude (asset) - lat) <= half_lat && dlon <= half_lon;
    }

  if (located > 0 && !in_view)
    {
      /* Translators: over the map when the list's assets are all off
       * screen; %u is how many there are. */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "The asset shown in the list is not in view",
                                                            "None of the %u assets shown is in view",
                                                            located), located);
      gtk_label_set_label (self->nothing_label, text);
    }
  gtk_revealer_set_reveal_child (self->nothing_revealer, located > 0 && !in_view);

  return G_SOURCE_REMOVE;
}

static void
queue_nothing_in_view (AmapWindow *self)
{
  if (self->nothing_in_view_id == 0)
    self->nothing_in_view_id = g_timeout_add (300, check_nothing_in_view_cb, self);
}

/* Bulk changes of the assets selected in the list */

static void
rebuild_bulk_menus (AmapWindow *self)
{
  GListModel *categories = amap_store_get_categories (self->store);

  g_menu_remove_all (self->bulk_category_menu);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);
      g_autofree char *label = escape_mnemonic (amap_category_get_name (category));
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.bulk-set-category",
                                               g_variant_new_string (amap_category_get_key (category)));
      g_menu_append_item (self->bulk_category_menu, item);
    }

  if (g_menu_model_get_n_items (G_MENU_MODEL (self->bulk_stage_menu)) == 0)
    for (int stage = AMAP_STAGE_IDENTIFIED; stage <= AMAP_STAGE_INACTIVE; stage++)
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (amap_stage_get_display_name (stage), NULL);

        g_menu_item_set_action_and_target_value (item, "win.bulk-set-stage", g_variant_new_int32 (stage));
        g_menu_append_item (self->bulk_stage_menu, item);
      }
}

typedef void (*BulkChange) (AmapAsset  *asset,
                            gconstpointer data);

/* Applies @change to a fresh copy of every selected asset, whole, and
 * saves them all in one undo step (named after @kind); a toast says so,
 * with Undo. */
static void
bulk_change (AmapWindow     *self,
             AmapBulkChange  kind,
             BulkChange      change,
             gconstpointer   data)
{
  g_autoptr(GPtrArray) selected = list_selected_assets (self);
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (selected->len == 0)
    return;
  /* The editor's edit of one of them is saved first, or kept. */
  if (!leave_editor (self, NULL, NULL))
    return;

  /* The list holds summaries: the change is made to the whole assets,
   * so that it keeps every detail, contact and log entry. */
  assets = amap_store_get_assets (self->store, selected, &error);
  if (assets == NULL)
    {
      show_error (self, _("Could Not Change the Assets"), error->message);
      return;
    }
  for (guint i = 0; i < assets->len; i++)
    change (g_ptr_array_index (assets, i), data);

  if (!amap_store_update_assets (self->store, assets, kind, &error))
    {
      show_error (self, _("Could Not Change the Assets"), error->message);
      return;
    }

  /* Translators: a toast with an Undo button; %u is how many assets. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u asset changed", "%u assets changed",
                                        assets->len), assets->len);
  add_undo_toast (self, title);
}

static void
set_category_change (AmapAsset     *asset,
                     gconstpointer  data)
{
  amap_asset_set_category (asset, data);
}

static void
set_stage_change (AmapAsset     *asset,
                  gconstpointer  data)
{
  amap_asset_set_stage (asset, GPOINTER_TO_INT (data));
}

static void
add_tag_change (AmapAsset     *asset,
                gconstpointer  data)
{
  if (!amap_asset_has_tag (asset, data))
    amap_asset_add_tag (asset, data);
}

static void
bulk_set_category_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  bulk_change (AMAP_WINDOW (widget), AMAP_BULK_SET_CATEGORY, set_category_change,
               g_variant_get_string (parameter, NULL));
}

static void
bulk_set_stage_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  int stage = g_variant_get_int32 (parameter);

  if (stage < AMAP_STAGE_IDENTIFIED || stage > AMAP_STAGE_INACTIVE)
    return;
  bulk_change (AMAP_WINDOW (widget), AMAP_BULK_SET_STAGE, set_stage_change, GINT_TO_POINTER (stage));
}

static void
bulk_add_tag_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autofree char *tag = g_strstrip (g_strdup (g_variant_get_string (parameter, NULL)));

  if (tag[0] == '\0')
    return;
  bulk_change (AMAP_WINDOW (widget), AMAP_BULK_ADD_TAG, add_tag_change, tag);
  refresh_tags (AMAP_WINDOW (widget));
}

static void
ask_tag_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  AmapWindow *self = user_data;
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "amap-entry");

  if (g_strcmp0 (response, "add") != 0)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.bulk-add-tag", "s", gtk_editable_get_text (entry));
}

static void
ask_tag_text_changed_cb (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "add", text[0] != '\0');
}

static void
bulk_ask_tag_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  guint n = count_selected (self);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (n == 0)
    return;
  /* Translators: %u is the number of assets selected. */
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The tag is added to the selected asset.",
                                       "The tag is added to each of the %u selected assets.", n), n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Add a Tag"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Tag, like “summer program”"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add Tag"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add", FALSE);
  g_object_set_data (G_OBJECT (dialog), "amap-entry", entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (ask_tag_text_changed_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (ask_tag_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  clear_filters (AMAP_WINDOW (widget));
}

static void
toggle_stage_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  int stage = g_variant_get_int32 (parameter);

  if (stage < AMAP_STAGE_IDENTIFIED || stage > AMAP_STAGE_INACTIVE)
    return;
  gtk_check_button_set_active (self->stage_checks[stage],
                               !gtk_check_button_get_active (self->stage_checks[stage]));
}



static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  amap_file_chooser_open (GTK_WINDOW (widget), _("Import KML, KMZ or GPX"), _("_Import"),
                          AMAP_FILE_KIND_IMPORT, TRUE, G_OBJECT (widget), import_chosen_cb);
}

static void
cancel_import_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  g_queue_clear_full (&self->pending_imports, g_object_unref);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  export_assets (AMAP_WINDOW (widget), AMAP_EXPORT_SCOPE_ALL);
}

static void
export_shown_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  export_assets (AMAP_WINDOW (widget), AMAP_EXPORT_SCOPE_SHOWN);
}

static void
export_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  if (count_selected (self) == 0)
    return;

  export_assets (self, AMAP_EXPORT_SCOPE_SELECTED);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  gtk_toggle_button_set_active (self->sidebar_button, TRUE);
  self->empty_dismissed = TRUE;
  update_main_page (self);
  if (!leave_editor (self, "win.search", NULL))
    return;
  show_list (self);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup (amap_store_get_undo_label (self->store));

  if (!amap_store_get_can_undo (self->store))
    return;

  if (!amap_store_undo (self->store, &error))
    show_error (self, _("Could Not Undo"), error->message);
  else if (label != NULL)
    toast (self, label);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup (amap_store_get_redo_label (self->store));

  if (!amap_store_get_can_redo (self->store))
    return;

  if (!amap_store_redo (self->store, &error))
    show_error (self, _("Could Not Redo"), error->message);
  else if (label != NULL)
    toast (self, label);
}

static void
add_undo_toast (AmapWindow *self,
                const char *title)
{
  AdwToast *undo_toast = adw_toast_new (title);

  adw_toast_set_button_label (undo_toast, _("_Undo"));
  adw_toast_set_action_name (undo_toast, "win.undo");
  adw_toast_set_priority (undo_toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, undo_toast);
}

/* Several assets selected in the list go in one step, undone as one. */
static void
delete_selected_assets (AmapWindow *self,
                        GPtrArray  *assets)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  for (guint i = 0; i < assets->len; i++)
    g_ptr_array_add (uuids, (gpointer) amap_asset_get_uuid (g_ptr_array_index (assets, i)));

  if (!amap_store_delete_assets (self->store, (const char * const *) uuids->pdata, uuids->len, &error))
    {
      show_error (self, _("Could Not Delete the Assets"), error->message);
      return;
    }

  /* Translators: a toast with an Undo button; %u is 2 or more. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u asset deleted", "%u assets deleted",
                                        assets->len),
                           assets->len);
  add_undo_toast (self, title);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  update_actions (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_strdup (self->selected_uuid);
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  AmapAsset *asset;

  if (uuid == NULL)
    {
      g_autoptr(GPtrArray) assets = list_selected_assets (self);

      if (assets->len > 1)
        delete_selected_assets (self, assets);
      return;
    }

  asset = amap_asset_list_find (self->assets, uuid, NULL);
  name = g_strdup (asset != NULL ? amap_asset_get_name (asset) : "");

  /* Unsaved edits of an asset being deleted go with it. */
  amap_asset_editor_set_asset (self->editor, NULL);
  g_clear_pointer (&self->selected_uuid, g_free);

  if (!amap_store_delete_asset (self->store, uuid, &error))
    {
      show_error (self, _("Could Not Delete the Asset"), error->message);
      select_uuid (self, uuid);
      return;
    }

  /* Translators: a toast with an Undo button; %s is the asset's name. */
  title = g_strdup_printf (_("“%s” deleted"), name);
  add_undo_toast (self, title);

  select_uuid (self, NULL);
  show_list (self);
}

static void
close_details_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  if (!leave_editor (self, "win.close-details", NULL))
    return;
  select_uuid (self, NULL);
  show_list (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
escape_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  if (self->tour_panel != NULL && amap_tour_panel_get_picking (AMAP_TOUR_PANEL (self->tour_panel)))
    {
      amap_tour_panel_set_picking (AMAP_TOUR_PANEL (self->tour_panel), FALSE);
      return;
    }

  if (gtk_revealer_get_reveal_child (self->hint_revealer))
    {
      self->placing_home = FALSE;
      map_set_adding (self, FALSE);
      gtk_revealer_set_reveal_child (self->hint_revealer, FALSE);
      return;
    }

  if (self->selected_uuid != NULL)
    {
      close_details_action (widget, NULL, NULL);
      return;
    }

  if (gtk_search_bar_get_search_mode (self->search_bar))
    gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* The continuation of a click on another asset while the editor could
 * not be left. */
static void
select_asset_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  guint position;

  self->details_on_select = TRUE;
  select_uuid (self, uuid);
  self->details_on_select = FALSE;
  if (find_position (self, uuid, &position))
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
add_at_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  double latitude, longitude;

  g_variant_get (parameter, "(dd)", &latitude, &longitude);
  create_asset_at (AMAP_WINDOW (widget), latitude, longitude);
}

/* The Undo of "Save the Rest": the save is undone and the editor holds
 * the whole edit again, what could not be saved included. */
static void
restore_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) draft = NULL;
  g_autoptr(GHashTable) typed = NULL;
  guint position;

  if (self->draft == NULL || !leave_editor (self, NULL, NULL))
    return;

  if (amap_store_get_can_undo (self->store) &&
      g_strcmp0 (amap_store_get_undo_label (self->store), self->draft_undo_label) == 0 &&
      !amap_store_undo (self->store, &error))
    {
      show_error (self, _("Could Not Undo"), error->message);
      return;
    }

  draft = g_steal_pointer (&self->draft);
  typed = g_hash_table_ref (self->draft_typed);
  clear_draft (self);

  if (!find_position (self, amap_asset_get_uuid (draft), &position))
    clear_filters (self);
  self->details_on_select = TRUE;
  select_uuid (self, amap_asset_get_uuid (draft));
  self->details_on_select = FALSE;
  if (g_strcmp0 (self->selected_uuid, amap_asset_get_uuid (draft)) != 0)
    return;

  amap_asset_editor_set_draft (self->editor, draft, typed);
  show_details (self);
  amap_asset_editor_focus_invalid (self->editor);
  update_actions (self);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  gtk_toggle_button_set_active (self->sidebar_button,
                                !gtk_toggle_button_get_active (self->sidebar_button));
}

static void
toggle_category_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  GtkToggleButton *chip = find_chip (self, g_variant_get_string (parameter, NULL));

  if (chip != NULL)
    gtk_toggle_button_set_active (chip, !gtk_toggle_button_get_active (chip));
}

static void
set_home_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);

  self->empty_dismissed = TRUE;
  update_main_page (self);
  gtk_toggle_button_set_active (self->add_button, FALSE);
  self->placing_home = TRUE;
  gtk_label_set_label (self->hint_label, _("Click on the map where your school is, or find its address above"));
  gtk_revealer_set_reveal_child (self->hint_revealer, TRUE);
  if (map_has_property (self, "adding"))
    g_object_set (self->map_view, "adding", TRUE, NULL);
  gtk_widget_activate_action (widget, "win.find-place", NULL);
}

/* The keyboard way to place the school or a new asset: the center of
 * the map. */
static void
place_at_center_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  gboolean placing_home = self->placing_home;
  double lat, lon, zoom;

  map_get_view (self, &lat, &lon, &zoom);
  self->placing_home = FALSE;
  map_set_adding (self, FALSE);
  gtk_revealer_set_reveal_child (self->hint_revealer, FALSE);

  if (placing_home)
    ask_home_name (self, lat, lon);
  else
    create_asset_at (self, lat, lon);
}

/* Imports the sample into @self, the sample's own map, in the background. */
/* The sample in the language of the interface when there is one
 * (fruitvale.es.kml), else the English one. */
static GBytes *
lookup_sample (GError **error)
{
  const char * const *languages = g_get_language_names ();

  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *path = NULL;

      if (strchr (languages[i], '.') != NULL || strchr (languages[i], '@') != NULL ||
          g_str_equal (languages[i], "C"))
        continue;
      path = g_strdup_printf (SAMPLE_RESOURCE_DIR "fruitvale.%s.kml", languages[i]);
      if (g_resources_get_info (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
        return g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
    }

  return g_resources_lookup_data (SAMPLE_RESOURCE_DIR "fruitvale.kml", G_RESOURCE_LOOKUP_FLAGS_NONE,
                                  error);
}

static void
import_sample (AmapWindow *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "asset-map", NULL);
  g_autofree char *path = g_build_filename (dir, "fruitvale.kml", NULL);
  g_autoptr(GFile) file = NULL;

  /* The reader wants a real file; the sample ships in our resources. */
  bytes = lookup_sample (&error);
  if (bytes == NULL ||
      g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      show_error (self, _("Could Not Open the Sample"),
                  error != NULL ? error->message : g_strerror (errno));
      return;
    }

  file = g_file_new_for_path (path);
  g_object_set_data (G_OBJECT (file), "amap-sample", GINT_TO_POINTER (TRUE));
  amap_window_import_file (self, file);
}

/*
 * The sample is a map of its own, beside the user's maps in the data
 * folder, and never goes into the map that is open. Opening it again
 * opens the same file, with whatever was tried there, rather than adding
 * another copy to the folder and to Recent Maps each time; it is filled
 * (again) only when it holds no assets, as after a cancelled import.
 */
static void
open_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "asset-map", NULL);
  g_autofree char *path = g_build_filename (dir, "Fruitvale Sample" AMAP_STORE_SUFFIX, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  AmapWindow *window;

  if (g_strcmp0 (path, amap_store_get_path (self->store)) == 0)
    {
      if (amap_store_count_assets (self->store) == 0 && !self->importing)
        import_sample (self);
      return;
    }

  if (!leave_editor (self, "win.open-sample", NULL))
    return;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);
      g_autofree char *body = g_strdup_printf (_("The folder “%s” could not be created: %s."),
                                               display, g_strerror (saved_errno));

      show_error (self, _("Could Not Open the Sample"), body);
      return;
    }

  if (AMAP_IS_APPLICATION (application))
    {
      /* Remembered as a recent map, like any map opened. */
      window = AMAP_WINDOW (amap_application_open_map (AMAP_APPLICATION (application), file,
                                                       GTK_WINDOW (self)));
      if (window == NULL)
        return;
    }
  else
    {
      g_autoptr(AmapStore) store = amap_store_open (path, &error);

      if (store == NULL)
        {
          show_error (self, _("Could Not Open the Sample"), error->message);
          return;
        }
      window = amap_window_new (NULL, store);
      gtk_window_present (GTK_WINDOW (window));
    }

  if (amap_store_count_assets (window->store) == 0)
    import_sample (window);
  gtk_window_close (GTK_WINDOW (self));
}

/* Back up */

typedef struct
{
  char *map_path;
  char *dest_path;
} BackupData;

static void
backup_data_free (BackupData *data)
{
  g_free (data->map_path);
  g_free (data->dest_path);
  g_free (data);
}

static void
backup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  BackupData *data = task_data;
  GError *error = NULL;

  if (amap_store_backup_file (data->map_path, data->dest_path, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
backup_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AmapWindow *self = AMAP_WINDOW (source);
  BackupData *data = g_task_get_task_data (G_TASK (result));
  g_autofree char *name = g_filename_display_basename (data->dest_path);
  g_autoptr(GError) error = NULL;

  self->backing_up = FALSE;
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  update_actions (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Translators: %s is the file name of the backup. */
      g_autofree char *heading = g_strdup_printf (_("Could Not Back Up to “%s”"), name);
      g_autofree char *body = g_strdup_printf (_("%s\n\nThe map itself is unchanged."), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, heading, body);
      return;
    }

  {
    /* Translators: a toast; %s is the file name of the backup. */
    g_autofree char *message = g_strdup_printf (_("Backed up to “%s”"), name);
    toast (self, message);
  }
}

static void
backup_chosen_cb (GObject    *owner,
                  GListModel *files)
{
  AmapWindow *self = AMAP_WINDOW (owner);
  g_autoptr(GFile) file = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0 || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  file = g_list_model_get_item (files, 0);
  amap_window_back_up_to (self, file);
}

static void
backup_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_autofree char *title = display_title (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *suggested = NULL;

  /* Translators: the suggested file name of a backup: the map's title and
   * the date, like "Fruitvale 2024-03-15.assetmap". */
  suggested = g_strdup_printf (_("%s %s.assetmap"), title, date);
  g_strdelimit (suggested, "/\\", '-');
  amap_file_chooser_save (GTK_WINDOW (self), _("Back Up Map"), _("_Back Up"), AMAP_FILE_KIND_MAP,
                          suggested, G_OBJECT (self), backup_chosen_cb);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  AmapWindow *self = user_data;
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "amap-entry");
  g_autofree char *title = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "rename") != 0)
    return;

  title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (!amap_store_set_title (self->store, title[0] != '\0' ? title : NULL, &error))
    show_error (self, _("Could Not Rename the Map"), error->message);
  update_title (self);
}

static void
rename_map_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_autofree char *title = display_title (self);
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Rename Map"),
                                   _("The name is shown in the title bar and in exported files."));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), title);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  g_object_set_data (G_OBJECT (dialog), "amap-entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Store and widget callbacks */

static gboolean
store_changed_idle_cb (gpointer user_data)
{
  AmapWindow *self = user_data;

  self->store_changed_id = 0;
  if (self->search_results != NULL)
    {
      refresh_search (self);
      refilter (self);
    }
  refresh_tags (self);
  refresh_folders (self);

  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (AmapWindow *self)
{
  /* Each of these reads the whole map (15 ms at 100,000 assets), and a
   * bulk change or an undo of one says "updated" for every asset: once,
   * before GTK lays out and draws the next frame. */
  if (self->store_changed_id == 0)
    self->store_changed_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, store_changed_idle_cb, self, NULL);
  update_main_page (self);
  update_actions (self);
}

static void
search_changed_cb (AmapWindow *self)
{
  refresh_search (self);
  refilter (self);
  update_filter_state (self);
}

static void
home_changed_cb (AmapWindow *self)
{
  update_title (self);
  update_row_distances (self);
  update_actions (self);
}

static void
folder_selected_cb (AmapWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->folder_dropdown);
  const char *folder = NULL;

  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION && self->folders != NULL &&
      selected - 1 < g_strv_length (self->folders))
    folder = self->folders[selected - 1];

  if (g_strcmp0 (folder, self->folder_filter) == 0)
    return;

  g_free (self->folder_filter);
  self->folder_filter = g_strdup (folder);
  refilter (self);
  update_filter_state (self);
}

static void
tag_selected_cb (AmapWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->tag_dropdown);
  const char *tag = NULL;

  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION && self->tags != NULL &&
      selected - 1 < g_strv_length (self->tags))
    tag = self->tags[selected - 1];

  if (g_strcmp0 (tag, self->tag_filter) == 0)
    return;

  g_free (self->tag_filter);
  self->tag_filter = g_strdup (tag);
  refilter (self);
  update_filter_state (self);
}

static void
hubs_toggled_cb (AmapWindow *self)
{
  self->hubs_only = gtk_toggle_button_get_active (self->hubs_button);
  refilter (self);
  update_filter_state (self);
}

static void
sort_selected_cb (AmapWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->sort_dropdown);

  self->sort_mode = selected == GTK_INVALID_LIST_POSITION ? SORT_NAME : (SortMode) selected;
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  update_row_distances (self);
}

static void
filtered_items_changed_cb (AmapWindow *self)
{
  update_count (self);
  update_actions (self);
  queue_nothing_in_view (self);
}

static void
list_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  AmapWindow *self = user_data;

  gtk_list_item_set_child (item, amap_asset_row_new (self->store));
}

/* The distance the row shows: only when the list is sorted by it. */
static double
row_distance (AmapWindow *self,
              AmapAsset  *asset)
{
  if (self->sort_mode != SORT_DISTANCE || asset == NULL)
    return NAN;
  return distance_from_home (self, asset) * 6371008.8;
}

static void
list_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  AmapWindow *self = user_data;
  AmapAssetRow *row = AMAP_ASSET_ROW (gtk_list_item_get_child (item));

  amap_asset_row_set_distance (row, row_distance (self, gtk_list_item_get_item (item)));
  amap_asset_row_set_item (row, gtk_list_item_get_item (item));
}

static void
update_distances_in (AmapWindow *self,
                     GtkWidget  *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (AMAP_IS_ASSET_ROW (child))
        amap_asset_row_set_distance (AMAP_ASSET_ROW (child),
                                     row_distance (self, amap_asset_row_get_item (AMAP_ASSET_ROW (child))));
      else
        update_distances_in (self, child);
    }
}

/* The rows on screen, when the sort or the school changes. */
static void
update_row_distances (AmapWindow *self)
{
  update_distances_in (self, GTK_WIDGET (self->list_view));
}

static void
list_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  amap_asset_row_set_item (AMAP_ASSET_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
list_activate_cb (GtkListView *list_view,
                  guint        position,
                  gpointer     user_data)
{
  AmapWindow *self = user_data;

  set_selected_position (self, position);
  show_details (self);
}

static gboolean
show_details_if_selected_cb (gpointer user_data)
{
  AmapWindow *self = user_data;

  if (self->selection != NULL && get_selected_asset (self) != NULL)
    show_details (self);

  return G_SOURCE_REMOVE;
}

/* A click on a row opens its details (the row is selected by then, or
 * right after). */
static void
list_click_released_cb (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        gpointer         user_data)
{
  AmapWindow *self = user_data;
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  /* Ctrl and Shift clicks choose several assets: no details then. */
  if ((state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0)
    return;

  for (; picked != NULL && picked != GTK_WIDGET (self->list_view); picked = gtk_widget_get_parent (picked))
    {
      if (AMAP_IS_ASSET_ROW (picked))
        {
          g_idle_add_full (G_PRIORITY_DEFAULT, show_details_if_selected_cb,
                           g_object_ref (self), g_object_unref);
          return;
        }
      if (AMAP_IS_ASSET_ROW (gtk_widget_get_first_child (picked)))
        {
          g_idle_add_full (G_PRIORITY_DEFAULT, show_details_if_selected_cb,
                           g_object_ref (self), g_object_unref);
          return;
        }
    }
}

static void
save_window_state (AmapWindow *self)
{
  int width, height;
  double lat, lon, zoom;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  /* A folded sidebar hides itself: that is no choice to remember. */
  if (!adw_flap_get_folded (self->flap))
    g_settings_set_boolean (self->settings, "sidebar-visible", gtk_toggle_button_get_active (self->sidebar_button));
  g_settings_set_int (self->settings, "sidebar-width", amap_window_get_sidebar_width (self));
#ifdef HAVE_MAP_VIEW
  if (AMAP_IS_MAP_VIEW (self->map_view))
    {
      map_get_view (self, &lat, &lon, &zoom);
      if (isfinite (lat) && isfinite (lon) && isfinite (zoom))
        {
          g_settings_set_double (self->settings, "map-latitude", lat);
          g_settings_set_double (self->settings, "map-longitude", lon);
          g_settings_set_double (self->settings, "map-zoom", CLAMP (zoom, 1, 20));
        }
    }
#else
  (void) lat; (void) lon; (void) zoom;
#endif
  g_settings_apply (self->settings);
}

/* The sidebar: beside the map when the window is wide enough, over it
 * (folded) when narrow; its width follows a drag on its edge. */

#define SIDEBAR_MIN_WIDTH 300
#define SIDEBAR_MAX_WIDTH 640

/* Within a few pixels of the sidebar's edge, on its side (@x in the
 * sidebar's coordinates). */
static gboolean
on_sidebar_edge (AmapWindow *self,
                 double      x)
{
  int width = gtk_widget_get_width (self->sidebar);

  return !adw_flap_get_folded (self->flap) && gtk_widget_get_visible (self->sidebar) &&
         x >= width - 6 && x <= width + 2;
}

static void
sidebar_motion_cb (GtkEventControllerMotion *motion,
                   double                    x,
                   double                    y,
                   AmapWindow               *self)
{
  gtk_widget_set_cursor_from_name (self->sidebar, on_sidebar_edge (self, x) ? "col-resize" : NULL);
}

static void
separator_drag_begin_cb (GtkGestureDrag *gesture,
                         double          x,
                         double          y,
                         AmapWindow     *self)
{
  double sx, sy;

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self->flap), self->sidebar, x, y, &sx, &sy) ||
      !on_sidebar_edge (self, sx))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  g_object_set_data (G_OBJECT (gesture), "amap-start-width",
                     GINT_TO_POINTER (amap_window_get_sidebar_width (self)));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
separator_drag_update_cb (GtkGestureDrag *gesture,
                          double          dx,
                          double          dy,
                          AmapWindow     *self)
{
  int start = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (gesture), "amap-start-width"));
  /* The map keeps room for itself. */
  int max = MIN (SIDEBAR_MAX_WIDTH, gtk_widget_get_width (GTK_WIDGET (self)) - 360);

  amap_window_set_sidebar_width (self, CLAMP (start + (int) round (dx), SIDEBAR_MIN_WIDTH,
                                              MAX (max, SIDEBAR_MIN_WIDTH)));
}

/* Keyboard focus leaves the entries for the map as soon as the map is
 * pressed: after a search and a drag of a pin, Ctrl+Z undoes the move,
 * not the typing. */
static void
map_pressed_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                AmapWindow      *self)
{
  if (!gtk_widget_grab_focus (self->map_view))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
}

/* A short window closes the filters, for the list's sake, until the
 * person opens or closes them. */
static void
default_height_changed_cb (AmapWindow *self)
{
  int width, height;

  if (self->filters_chosen)
    return;
  /* GTK 4.8 wants both pointers. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  self->setting_filters = TRUE;
  gtk_expander_set_expanded (self->filters_expander, height <= 0 || height >= 700);
  self->setting_filters = FALSE;
}

static void
filters_expanded_cb (AmapWindow *self)
{
  if (!self->setting_filters)
    self->filters_chosen = TRUE;
}

static void
viewport_changed_cb (AmapWindow *self)
{
  queue_nothing_in_view (self);
}

static GtkWidget *
find_descendant_of_type (GtkWidget *widget,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Overrides */

static gboolean
amap_window_close_request (GtkWindow *window)
{
  AmapWindow *self = AMAP_WINDOW (window);

  /* Unsaved edits are saved, or the window stays open and asks. */
  if (!leave_editor (self, "window.close", NULL))
    return TRUE;
  save_window_state (self);

  return GTK_WINDOW_CLASS (amap_window_parent_class)->close_request (window);
}

static void
amap_window_constructed (GObject *object)
{
  AmapWindow *self = AMAP_WINDOW (object);
  g_autoptr(GtkStringList) sorts = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autofree char *last_map = NULL;
  GtkGesture *click;
  GtkDropTarget *drop;

  G_OBJECT_CLASS (amap_window_parent_class)->constructed (object);

  g_assert (AMAP_IS_STORE (self->store));

  /* The list chain. */
  self->assets = amap_asset_list_new (self->store);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  /* No filter until one is chosen: see refilter(). */
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->assets)), NULL);
  self->sorter = gtk_custom_sorter_new (sort_func, self, NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (GTK_SORTER (self->sorter)));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (list_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (list_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (list_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->list_view, "activate", G_CALLBACK (list_activate_cb), self);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "released", G_CALLBACK (list_click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (filtered_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->assets, "items-changed",
                           G_CALLBACK (filtered_items_changed_cb), self, G_CONNECT_SWAPPED);

  /* The editor. */
  self->editor = AMAP_ASSET_EDITOR (amap_asset_editor_new (self->store));
  gtk_widget_set_vexpand (GTK_WIDGET (self->editor), TRUE);
  gtk_box_append (GTK_BOX (self->editor_bin), GTK_WIDGET (self->editor));

  /* Filters and sorting. */
  build_stage_checks (self);

  gtk_string_list_append (sorts, _("By Name"));
  gtk_string_list_append (sorts, _("By Category"));
  gtk_string_list_append (sorts, _("By Distance from School"));
  gtk_string_list_append (sorts, _("By Last Contact"));
  gtk_drop_down_set_model (self->sort_dropdown, G_LIST_MODEL (sorts));

  g_signal_connect_swapped (self->folder_dropdown, "notify::selected", G_CALLBACK (folder_selected_cb), self);
  g_signal_connect_swapped (self->tag_dropdown, "notify::selected", G_CALLBACK (tag_selected_cb), self);
  g_signal_connect_swapped (self->sort_dropdown, "notify::selected", G_CALLBACK (sort_selected_cb), self);
  g_signal_connect_swapped (self->hubs_button, "toggled", G_CALLBACK (hubs_toggled_cb), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  /* Typing on the list, its filters or its buttons starts a search. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, self->list_page);

  rebuild_chips (self);
  refresh_tags (self);
  refresh_folders (self);
  update_filter_state (self);

  /* The store. */
  g_signal_connect_object (self->store, "asset-added", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-updated", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-removed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "reset", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "categories-changed", G_CALLBACK (rebuild_chips), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::title", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "home-changed", G_CALLBACK (home_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::read-only", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::can-undo", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::can-redo", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::undo-label", G_CALLBACK (rebuild_history_menu), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::redo-label", G_CALLBACK (rebuild_history_menu), self, G_CONNECT_SWAPPED);
  rebuild_history_menu (self);

  /* The map view. */
  if (map_has_property (self, "store"))
    g_object_set (self->map_view, "store", self->store, NULL);
  if (map_has_property (self, "model"))
    g_object_set (self->map_view, "model", self->filter_model, NULL);
  if (map_has_property (self, "selected-uuid"))
    g_signal_connect_object (self->map_view, "notify::selected-uuid",
                             G_CALLBACK (map_selected_uuid_changed_cb), self, G_CONNECT_SWAPPED);
  if (map_has_property (self, "adding"))
    g_signal_connect_object (self->map_view, "notify::adding",
                             G_CALLBACK (map_adding_changed_cb), self, G_CONNECT_SWAPPED);
  if (g_signal_lookup ("add-requested", G_OBJECT_TYPE (self->map_view)) != 0)
    g_signal_connect_object (self->map_view, "add-requested", G_CALLBACK (add_requested_cb), self, 0);
  if (g_signal_lookup ("asset-moved", G_OBJECT_TYPE (self->map_view)) != 0)
    g_signal_connect_object (self->map_view, "asset-moved", G_CALLBACK (asset_moved_cb), self, 0);
  g_signal_connect_swapped (self->add_button, "toggled", G_CALLBACK (add_button_toggled_cb), self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (map_pressed_cb), self);
  gtk_widget_add_controller (self->map_view, GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_focusable (self->map_view, TRUE);
  {
    GtkWidget *simple_map = find_descendant_of_type (self->map_view, SHUMATE_TYPE_SIMPLE_MAP);

    if (simple_map != NULL)
      {
        ShumateViewport *viewport = shumate_simple_map_get_viewport (SHUMATE_SIMPLE_MAP (simple_map));

        g_signal_connect_object (viewport, "notify::latitude", G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
        g_signal_connect_object (viewport, "notify::longitude", G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
        g_signal_connect_object (viewport, "notify::zoom-level", G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
      }
  }

  /* A narrow window keeps Import and Export in the main menu only. */
  g_menu_append_submenu (self->file_menu, _("_Export"), self->export_menu);
  g_object_bind_property (self->flap, "folded", self->import_button, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_object_bind_property (self->flap, "folded", self->export_button, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  /* A drag at the sidebar's edge resizes it. */
  {
    GtkGesture *drag = gtk_gesture_drag_new ();
    GtkEventController *motion = gtk_event_controller_motion_new ();

    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
    g_signal_connect (drag, "drag-begin", G_CALLBACK (separator_drag_begin_cb), self);
    g_signal_connect (drag, "drag-update", G_CALLBACK (separator_drag_update_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->flap), GTK_EVENT_CONTROLLER (drag));
    g_signal_connect (motion, "motion", G_CALLBACK (sidebar_motion_cb), self);
    gtk_widget_add_controller (self->sidebar, motion);
  }
#ifdef HAVE_MAP_VIEW
  self->tour_panel = amap_window_tours_setup (self, self->sidebar_pages);
  amap_window_places_setup (self, self->map_view, GTK_WIDGET (self->editor));
#endif

  /* Window state. */
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  amap_window_set_sidebar_width (self, g_settings_get_int (self->settings, "sidebar-width"));
  default_height_changed_cb (self);
  g_signal_connect_swapped (self, "notify::default-height", G_CALLBACK (default_height_changed_cb), self);
  g_signal_connect_swapped (self->filters_expander, "notify::expanded", G_CALLBACK (filters_expanded_cb), self);
  gtk_toggle_button_set_active (self->sidebar_button,
                                g_settings_get_boolean (self->settings, "sidebar-visible"));

  last_map = g_settings_get_string (self->settings, "last-map");
  if (g_strcmp0 (last_map, amap_store_get_path (self->store)) == 0 ||
      g_list_model_get_n_items (G_LIST_MODEL (self->assets)) == 0)
    {
      double home_lat, home_lon;

      if (g_list_model_get_n_items (G_LIST_MODEL (self->assets)) == 0 &&
          amap_store_get_home (self->store, &home_lat, &home_lon, NULL))
        map_center_on (self, home_lat, home_lon, 15);
      else
        map_center_on (self,
                       g_settings_get_double (self->settings, "map-latitude"),
                       g_settings_get_double (self->settings, "map-longitude"),
                       g_settings_get_double (self->settings, "map-zoom"));
    }
  else
    {
      map_fit_assets (self);
    }

  /* Recent maps. */
  rebuild_recent_menu (self);
  g_signal_connect_object (self->settings, "changed::recent-maps",
                           G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);

  /* Drag and drop of KML, KMZ and GPX files, and of offline maps. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_title (self);
  update_count (self);
  update_main_page (self);
  update_actions (self);
}

static void
amap_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AmapWindow *self = AMAP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_IMPORTING:
      g_value_set_boolean (value, self->importing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AmapWindow *self = AMAP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_window_dispose (GObject *object)
{
  AmapWindow *self = AMAP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->nothing_in_view_id, g_source_remove);
  g_clear_handle_id (&self->store_changed_id, g_source_remove);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_queue_clear_full (&self->pending_imports, g_object_unref);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  if (self->map_view != NULL && map_has_property (self, "model"))
    g_object_set (self->map_view, "model", NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_WINDOW);

  if (self->leave_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->leave_dialog));
  clear_leave (self);
  clear_draft (self);
  g_clear_object (&self->shown_item);
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->assets);
  g_clear_object (&self->import_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_window_parent_class)->dispose (object);
}

static void
amap_window_finalize (GObject *object)
{
  AmapWindow *self = AMAP_WINDOW (object);

  g_clear_pointer (&self->selected_categories, g_hash_table_unref);
  g_clear_pointer (&self->search_results, g_hash_table_unref);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_pointer (&self->folders, g_strfreev);
  g_free (self->tag_filter);
  g_free (self->folder_filter);
  g_free (self->selected_uuid);

  G_OBJECT_CLASS (amap_window_parent_class)->finalize (object);
}

static void
amap_window_class_init (AmapWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = amap_window_constructed;
  object_class->get_property = amap_window_get_property;
  object_class->set_property = amap_window_set_property;
  object_class->dispose = amap_window_dispose;
  object_class->finalize = amap_window_finalize;

  window_class->close_request = amap_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMPORTING] =
    g_param_spec_boolean ("importing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

#ifdef HAVE_MAP_VIEW
  g_type_ensure (AMAP_TYPE_MAP_VIEW);
#endif
  g_type_ensure (AMAP_TYPE_CATEGORY_DOT);
  g_type_ensure (AMAP_TYPE_CHIP_BOX);
  g_type_ensure (AMAP_TYPE_ASSET_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/assetmap/AssetMap/amap-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, read_only_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, import_label);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, import_progress);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, list_page);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, sidebar_pages);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, filters_expander);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, filters_summary);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, category_chips);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, stage_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, stage_box);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, folder_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, hubs_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, show_all_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, selection_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, selection_label);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, selection_delete_button);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, editor_bin);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, map_view);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, hint_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, nothing_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, nothing_label);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, history_menu);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, bulk_category_menu);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, file_menu);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, export_menu);
  gtk_widget_class_bind_template_child (widget_class, AmapWindow, bulk_stage_menu);

  gtk_widget_class_install_action (widget_class, "win.add-asset", NULL, add_asset_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-import", NULL, cancel_import_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-shown", NULL, export_shown_action);
  gtk_widget_class_install_action (widget_class, "win.export-selected", NULL, export_selected_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.close-details", NULL, close_details_action);
  gtk_widget_class_install_action (widget_class, "win.escape", NULL, escape_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-category", "s", toggle_category_action);
  gtk_widget_class_install_action (widget_class, "win.set-home", NULL, set_home_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.place-at-center", NULL, place_at_center_action);
  gtk_widget_class_install_action (widget_class, "win.rename-map", NULL, rename_map_action);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_action);
  gtk_widget_class_install_action (widget_class, "win.open-offline-map", NULL, open_offline_map_action);
  gtk_widget_class_install_action (widget_class, "win.save-offline-area", NULL, save_offline_area_action);
  gtk_widget_class_install_action (widget_class, "win.select-asset", "s", select_asset_action);
  gtk_widget_class_install_action (widget_class, "win.add-at", "(dd)", add_at_action);
  gtk_widget_class_install_action (widget_class, "win.restore-draft", NULL, restore_draft_action);
  gtk_widget_class_install_action (widget_class, "win.show-all", NULL, show_all_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-stage", "i", toggle_stage_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-to-shown", NULL, zoom_to_shown_action);
  gtk_widget_class_install_action (widget_class, "win.go-to-school", NULL, go_to_school_action);
  gtk_widget_class_install_action (widget_class, "win.bulk-set-category", "s", bulk_set_category_action);
  gtk_widget_class_install_action (widget_class, "win.bulk-set-stage", "i", bulk_set_stage_action);
  gtk_widget_class_install_action (widget_class, "win.bulk-add-tag", "s", bulk_add_tag_action);
  gtk_widget_class_install_action (widget_class, "win.bulk-ask-tag", NULL, bulk_ask_tag_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-asset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.escape", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-to-shown", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "win.go-to-school", NULL);
  amap_window_tours_class_init (widget_class);
  amap_window_places_class_init (widget_class);
  amap_map_print_class_init (widget_class);
}

static void
amap_window_init (AmapWindow *self)
{
  self->settings = amap_settings_new ();
  self->cancellable = g_cancellable_new ();
  self->selected_categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->pending_imports);

  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

AmapWindow *
amap_window_new (AmapApplication *application,
                 AmapStore       *store)
{
  g_return_val_if_fail (application == NULL || AMAP_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);

  return g_object_new (AMAP_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

AmapStore *
amap_window_get_store (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), NULL);

  return self->store;
}

void
amap_window_import_file (AmapWindow *self,
                         GFile      *file)
{
  g_return_if_fail (AMAP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_queue_push_tail (&self->pending_imports, g_object_ref (file));
  start_next_import (self);
}

gboolean
amap_window_get_importing (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), FALSE);

  return self->importing;
}

GListModel *
amap_window_get_asset_model (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->selection);
}

GtkWidget *
amap_window_get_map_view (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), NULL);

  return self->map_view;
}

gboolean
amap_window_leave_editor (AmapWindow *self,
                          const char *then_action,
                          GVariant   *then_target)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), FALSE);

  return leave_editor (self, then_action, then_target);
}

GtkWidget *
amap_window_get_tour_panel (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), NULL);

  return self->tour_panel;
}

void
amap_window_back_up_to (AmapWindow *self,
                        GFile      *file)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  BackupData *data;

  g_return_if_fail (AMAP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (self, _("Could Not Back Up the Map"),
                  _("Backups can only be saved in local folders. Choose a folder on this computer."));
      return;
    }
  if (!g_str_has_suffix (path, AMAP_STORE_SUFFIX))
    {
      char *with_suffix = g_strconcat (path, AMAP_STORE_SUFFIX, NULL);
      g_free (path);
      path = with_suffix;
    }

  /* The backup holds what is stored: an edit that can be saved goes in. */
  if (amap_asset_editor_get_valid (self->editor))
    leave_editor (self, NULL, NULL);

  data = g_new0 (BackupData, 1);
  data->map_path = g_strdup (amap_store_get_path (self->store));
  data->dest_path = g_steal_pointer (&path);

  self->backing_up = TRUE;
  update_actions (self);
  task = g_task_new (self, self->cancellable, backup_done_cb, NULL);
  g_task_set_source_tag (task, amap_window_back_up_to);
  g_task_set_task_data (task, data, (GDestroyNotify) backup_data_free);
  g_task_run_in_thread (task, backup_thread);
}

gboolean
amap_window_get_backing_up (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), FALSE);

  return self->backing_up;
}

int
amap_window_get_sidebar_width (AmapWindow *self)
{
  int width;

  g_return_val_if_fail (AMAP_IS_WINDOW (self), 0);

  gtk_widget_get_size_request (self->sidebar, &width, NULL);
  return width;
}

void
amap_window_set_sidebar_width (AmapWindow *self,
                               int         width)
{
  g_return_if_fail (AMAP_IS_WINDOW (self));

  gtk_widget_set_size_request (self->sidebar, CLAMP (width, SIDEBAR_MIN_WIDTH, SIDEBAR_MAX_WIDTH), -1);
}

void
amap_window_set_home_at (AmapWindow *self,
                         double      latitude,
                         double      longitude,
                         const char *name)
{
  g_return_if_fail (AMAP_IS_WINDOW (self));
  g_return_if_fail (amap_coordinates_are_valid (latitude, longitude));

  /* A place found while the window waits for a click on the school
   * ends that wait: the hint would otherwise stay over the map. */
  if (self->placing_home)
    {
      self->placing_home = FALSE;
      map_set_adding (self, FALSE);
      gtk_revealer_set_reveal_child (self->hint_revealer, FALSE);
    }
  ask_home_name_suggesting (self, latitude, longitude, name);
}

void
amap_window_add_asset (AmapWindow *self,
                       AmapAsset  *asset)
{
  g_autoptr(GError) error = NULL;
  guint position;

  g_return_if_fail (AMAP_IS_WINDOW (self));
  g_return_if_fail (AMAP_IS_ASSET (asset));

  /* An edit that cannot be saved asks first; the person then adds again. */
  if (!leave_editor (self, NULL, NULL))
    return;
  if (!amap_store_add_asset (self->store, asset, &error))
    {
      show_error (self, _("Could Not Add the Asset"), error->message);
      return;
    }

  self->empty_dismissed = TRUE;
  update_main_page (self);
  if (!find_position (self, amap_asset_get_uuid (asset), &position))
    {
      clear_filters (self);
      toast (self, _("Filters cleared to show the new asset"));
    }

  self->details_on_select = TRUE;
  select_uuid (self, amap_asset_get_uuid (asset));
  self->details_on_select = FALSE;
  gtk_toggle_button_set_active (self->sidebar_button, TRUE);
  gtk_stack_set_visible_child_name (self->sidebar_stack, "details");
  amap_asset_editor_focus_name (self->editor);
}
