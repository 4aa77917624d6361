/* amap-tour-panel.c: the sidebar's Tours page: plan a bus tour on the map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-panel"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-routing.h"
#include "amap-settings.h"
#include "amap-tour-format.h"
#include "amap-tour-layer.h"
#include "amap-tour-panel.h"
#include "amap-tour-settings-row.h"
#include "amap-tour-stop-row.h"

#define DEFAULT_DEPARTURE_HOUR 9

typedef enum
{
  ROUTING_STRAIGHT,   /* no server set */
  ROUTING_BUSY,
  ROUTING_ROADS,
  ROUTING_FAILED,
} RoutingState;

struct _AmapTourPanel
{
  AdwBin             parent_instance;

  AmapStore         *store;
  AmapMapView       *map_view;
  GSettings         *settings;
  GCancellable      *cancellable;

  GArray            *tour_ids;       /* gint64, parallel to the dropdown */
  gint64             tour_id;
  AmapTour          *tour;
  AmapTourPlan      *plan;
  char              *plan_error;
  char              *late_warning;
  char              *routing_status;
  RoutingState       routing_state;
  char              *routing_error;
  GHashTable        *failed_routes;  /* route keys that failed this session */
  GCancellable      *routing_cancellable;
  guint              routing_pending;
  AmapRoutingClient *routing_client;
  SoupSession       *session;

  GPtrArray         *rows;           /* AmapTourStopRow, all buses */
  GPtrArray         *lists;          /* GtkListBox per bus */
  char              *selected_uuid;
  gboolean           picking;
  gboolean           busy;
  gboolean           updating;
  guint              reload_id;
  guint              replan_id;

  /* Template */
  GtkStack          *stack;
  GtkDropDown       *tour_dropdown;
  GtkScrolledWindow *scrolled;
  GtkWidget         *late_banner;
  GtkLabel          *late_label;
  AmapTourSettingsRow *settings_row;
  GtkLabel          *stops_heading;
  GtkStack          *optimize_stack;
  GtkSpinner        *optimize_spinner;
  GtkBox            *buses_box;
  GtkStack          *status_icon_stack;
  GtkImage          *status_icon;
  GtkSpinner        *status_spinner;
  GtkLabel          *status_label;
  GtkLabel          *totals_label;
  GtkLabel          *totals_detail_label;
  GtkRevealer       *map_hint;
  GtkLabel          *map_hint_label;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_MAP_VIEW,
  PROP_TOUR_ID,
  PROP_PICKING,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AmapTourPanel, amap_tour_panel, ADW_TYPE_BIN)

static void reload           (AmapTourPanel *self);
static void queue_reload     (AmapTourPanel *self);
static void replan           (AmapTourPanel *self);
static void update_view      (AmapTourPanel *self);
static void update_actions   (AmapTourPanel *self);
static void start_routing    (AmapTourPanel *self);

/* Helpers */

static void
toast (AmapTourPanel *self,
       const char    *title,
       gboolean       with_undo)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  g_debug ("%s", title);
  if (overlay == NULL)
    return;

  toast = adw_toast_new (title);
  if (with_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
show_error (AmapTourPanel *self,
            const char    *heading,
            const char    *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (!GTK_IS_WINDOW (root))
    {
      g_warning ("%s: %s", heading, body);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (root), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static double
detour_factor (AmapTourPanel *self)
{
  double factor = g_settings_get_double (self->settings, "detour-factor");

  return isfinite (factor) && factor >= 1.0 ? factor : AMAP_ROUTING_DEFAULT_DETOUR_FACTOR;
}

static char *
routing_url (AmapTourPanel *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "routing-url");

  g_strstrip (url);
  return url[0] != '\0' ? g_steal_pointer (&url) : NULL;
}

/* The name of the asset @uuid, from the plan when it is on the route. */
static char *
dup_asset_name (AmapTourPanel *self,
                const char    *uuid)
{
  g_autoptr(AmapAsset) asset = NULL;

  if (uuid == NULL)
    return g_strdup (_("Unknown place"));

  for (guint bus = 0; self->plan != NULL && bus < amap_tour_plan_get_n_buses (self->plan); bus++)
    for (guint i = 0; i < amap_tour_plan_get_n_stops (self->plan, bus); i++)
      {
        AmapAsset *stop_asset = amap_tour_plan_get_stop_asset (self->plan, bus, i);

        if (g_strcmp0 (amap_asset_get_uuid (stop_asset), uuid) == 0)
          return g_strdup (amap_asset_get_name (stop_asset));
      }

  asset = amap_store_get_asset (self->store, uuid, NULL);
  if (asset == NULL)
    return g_strdup (_("A deleted asset"));

  return g_strdup (amap_asset_get_name (asset) != NULL ? amap_asset_get_name (asset) : "");
}

static const char *
tour_name (AmapTourPanel *self)
{
  return self->tour != NULL ? amap_tour_get_name (self->tour) : "";
}

/* A name no other tour has: "Staff Tour", "Staff Tour 2", … */
static char *
unique_tour_name (AmapTourPanel *self,
                  const char    *base)
{
  g_autoptr(GPtrArray) tours = amap_store_list_tours (self->store, NULL);

  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s %u", base, n);
      gboolean taken = FALSE;

      for (guint i = 0; tours != NULL && i < tours->len; i++)
        if (g_strcmp0 (amap_tour_get_name (g_ptr_array_index (tours, i)), name) == 0)
          taken = TRUE;

      if (!taken)
        return g_steal_pointer (&name);
    }
}

/* Stores @edited as the current tour's new state, one undo step named
 * @action (NULL: "Edit Tour “X”"). */
static gboolean
commit (AmapTourPanel *self,
        AmapTour      *edited,
        const char    *action)
{
  g_autoptr(GError) error = NULL;

  if (!amap_store_update_tour (self->store, edited, action, &error))
    {
      g_debug ("Not stored: %s", error->message);
      show_error (self, _("Could Not Change the Tour"), error->message);
      queue_reload (self);
      return FALSE;
    }

  /* A second edit right after this one starts from what is stored now;
   * the rows are rebuilt later, not under the feet of the row that asked
   * for this change. */
  g_clear_object (&self->tour);
  self->tour = amap_store_get_tour (self->store, self->tour_id, NULL);
  if (self->tour == NULL)
    self->tour = amap_tour_copy (edited);
  queue_reload (self);
  return TRUE;
}

/* What is being typed in a stop's details goes in first, while its row
 * still matches the tour. */
static void
flush_rows (AmapTourPanel *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->rows->len; i++)
    g_ptr_array_add (rows, g_object_ref (g_ptr_array_index (self->rows, i)));
  for (guint i = 0; i < rows->len; i++)
    amap_tour_stop_row_flush (g_ptr_array_index (rows, i));
}

static AmapTour *
edit_copy (AmapTourPanel *self)
{
  flush_rows (self);
  return self->tour != NULL ? amap_tour_copy (self->tour) : NULL;
}

/* The tour index of the selected stop, or -1. */
static int
selected_index (AmapTourPanel *self)
{
  if (self->tour == NULL || self->selected_uuid == NULL)
    return -1;

  return amap_tour_find_stop (self->tour, self->selected_uuid);
}

/* The index of the stop before (@step -1) or after (+1) @index on the
 * same bus, or -1. */
static int
neighbour_on_bus (AmapTour *tour,
                  int       index,
                  int       step)
{
  guint bus = amap_tour_stop_get_bus (amap_tour_get_stop (tour, index));

  for (int i = index + step; i >= 0 && i < (int) amap_tour_get_n_stops (tour); i += step)
    if (amap_tour_stop_get_bus (amap_tour_get_stop (tour, i)) == bus)
      return i;

  return -1;
}

/* Moves the stop at @from to index @to (its index afterwards) and onto
 * @bus, as one undo step. */
static void
move_stop (AmapTourPanel *self,
           guint          from,
           guint          to,
           guint          bus)
{
  g_autoptr(AmapTour) edited = edit_copy (self);
  AmapTourStop *stop;
  g_autofree char *action = NULL;
  g_autofree char *name = NULL;
  gboolean bus_changed;

  if (edited == NULL || from >= amap_tour_get_n_stops (edited))
    return;

  to = MIN (to, amap_tour_get_n_stops (edited) - 1);
  stop = amap_tour_get_stop (edited, from);
  bus_changed = amap_tour_stop_get_bus (stop) != bus;
  if (from == to && !bus_changed)
    return;

  name = dup_asset_name (self, amap_tour_stop_get_asset_uuid (stop));
  amap_tour_stop_set_bus (stop, bus);
  if (from != to)
    amap_tour_move_stop (edited, from, to);

  if (bus_changed)
    /* Translators: an undo step: "Move “Café Luna” to Bus 2". */
    action = g_strdup_printf (_("Move “%s” to Bus %u"), name, bus + 1);
  commit (self, edited, action != NULL ? action : _("Reorder Stops"));
}

/* Routing */

static char *
route_key (const char *url,
           GArray     *points)
{
  GString *key = g_string_new (url);

  for (guint i = 0; i < points->len; i++)
    g_string_append_printf (key, ";%.6f", g_array_index (points, double, i));

  return g_string_free (key, FALSE);
}

static void
set_routing_state (AmapTourPanel *self,
                   RoutingState   state,
                   const char    *error_message)
{
  self->routing_state = state;
  g_free (self->routing_error);
  self->routing_error = g_strdup (error_message);
}

static void
on_roads_fetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AmapTourPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key = g_object_get_data (G_OBJECT (source), "amap-route-key");

  if (!amap_tour_plan_fetch_roads_finish (AMAP_TOUR_PLAN (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Routing failed: %s", error->message);
      /* Said once; not asked again until the settings change. */
      if (key != NULL)
        g_hash_table_add (self->failed_routes, g_strdup (key));
      self->routing_pending = 0;
      set_routing_state (self, ROUTING_FAILED, error->message);
      replan (self);
      return;
    }

  self->routing_pending = 0;
  set_routing_state (self, ROUTING_ROADS, NULL);
  /* The legs are in the map now: a new plan follows the roads. */
  replan (self);
}

/* Asks the routing server for the legs the map does not have on the
 * roads yet; they are stored in the map (amap_tour_plan_fetch_roads_async()). */
static void
start_routing (AmapTourPanel *self)
{
  g_autofree char *url = routing_url (self);
  g_autofree char *key = NULL;
  GString *points;

  if (url == NULL)
    {
      set_routing_state (self, ROUTING_STRAIGHT, NULL);
      return;
    }

  if (self->plan == NULL || self->routing_pending > 0)
    return;

  if (amap_tour_plan_get_on_roads (self->plan))
    {
      if (self->routing_state != ROUTING_FAILED)
        set_routing_state (self, ROUTING_ROADS, NULL);
      return;
    }

  points = g_string_new (url);
  for (guint bus = 0; bus < amap_tour_plan_get_n_buses (self->plan); bus++)
    {
      g_autoptr(GArray) bus_points = amap_tour_plan_get_route_points (self->plan, bus);
      g_autofree char *bus_key = route_key ("", bus_points);

      g_string_append_printf (points, "|%s", bus_key);
    }
  key = g_string_free (points, FALSE);
  if (g_hash_table_contains (self->failed_routes, key))
    {
      if (self->routing_state != ROUTING_FAILED)
        set_routing_state (self, ROUTING_FAILED, NULL);
      return;
    }

  if (self->routing_client == NULL)
    {
      if (self->session == NULL)
        self->session = soup_session_new_with_options ("user-agent",
                                                       "AssetMap/" PACKAGE_VERSION " (+" PROJECT_URL ")",
                                                       NULL);
      self->routing_client = amap_routing_client_new (url, self->session);
    }

  g_cancellable_cancel (self->routing_cancellable);
  g_clear_object (&self->routing_cancellable);
  self->routing_cancellable = g_cancellable_new ();

  self->routing_pending = 1;
  set_routing_state (self, ROUTING_BUSY, NULL);
  g_object_set_data_full (G_OBJECT (self->plan), "amap-route-key", g_steal_pointer (&key), g_free);
  amap_tour_plan_fetch_roads_async (self->plan, self->store, self->routing_client,
                                    self->routing_cancellable, on_roads_fetched_cb, g_object_ref (self));
}

/* Shows the whole tour on the map: every bus's legs and places. */
static void
fit_map_to_tour (AmapTourPanel *self)
{
  double south = INFINITY, west = INFINITY, north = -INFINITY, east = -INFINITY;

  if (self->plan == NULL || self->map_view == NULL)
    return;

  for (guint bus = 0; bus < amap_tour_plan_get_n_buses (self->plan); bus++)
    for (guint i = 0; i <= amap_tour_plan_get_n_stops (self->plan, bus); i++)
      {
        AmapRouteLeg *leg = amap_tour_plan_get_leg (self->plan, bus, i);
        const double *pts;

        if (leg == NULL || leg->points == NULL)
          continue;
        pts = (const double *) (void *) leg->points->data;
        for (guint k = 0; k + 1 < leg->points->len; k += 2)
          {
            south = MIN (south, pts[k]);
            north = MAX (north, pts[k]);
            west = MIN (west, pts[k + 1]);
            east = MAX (east, pts[k + 1]);
          }
      }

  /* Room for the pins above their places and the start's label. */
  if (isfinite (south))
    {
      double dlat = MAX (north - south, 0.002), dlon = MAX (east - west, 0.002);

      amap_map_view_fit_bounds (self->map_view, south - dlat * 0.06, west - dlon * 0.06,
                                north + dlat * 0.14, east + dlon * 0.06);
    }
}

/* Loading */

static void
refresh_tour_list (AmapTourPanel *self)
{
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;
  guint selected = GTK_INVALID_LIST_POSITION;

  tours = amap_store_list_tours (self->store, &error);
  if (tours == NULL)
    {
      g_warning ("Could not list the tours: %s", error->message);
      tours = g_ptr_array_new_with_free_func (g_object_unref);
    }

  g_array_set_size (self->tour_ids, 0);
  for (guint i = 0; i < tours->len; i++)
    {
      AmapTour *tour = g_ptr_array_index (tours, i);
      gint64 id = amap_tour_get_id (tour);

      g_array_append_val (self->tour_ids, id);
      gtk_string_list_append (names, amap_tour_get_name (tour));
      if (id == self->tour_id)
        selected = i;
    }

  if (selected == GTK_INVALID_LIST_POSITION)
    {
      gint64 old = self->tour_id;

      self->tour_id = tours->len > 0 ? g_array_index (self->tour_ids, gint64, 0) : 0;
      selected = tours->len > 0 ? 0 : GTK_INVALID_LIST_POSITION;
      if (old != self->tour_id)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOUR_ID]);
    }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->tour_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->tour_dropdown, selected);
  self->updating = FALSE;

  gtk_stack_set_visible_child_name (self->stack, tours->len > 0 ? "tour" : "empty");
}

/* Builds the plan of the current tour and draws it. */
static void
replan (AmapTourPanel *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->replan_id, g_source_remove);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->plan_error, g_free);

  if (self->tour != NULL)
    {
      self->plan = amap_tour_plan_new (self->store, self->tour, detour_factor (self), &error);
      if (self->plan == NULL)
        self->plan_error = g_strdup (error->message);
    }

  if (self->map_view != NULL)
    amap_map_view_set_tour_plan (self->map_view, self->plan);

  start_routing (self);
  update_view (self);
}

/* Takes the current tour from the store again, after any change. */
static void
reload (AmapTourPanel *self)
{
  g_autoptr(GError) error = NULL;

  flush_rows (self);
  g_clear_handle_id (&self->reload_id, g_source_remove);

  refresh_tour_list (self);

  g_clear_object (&self->tour);
  if (self->tour_id != 0)
    {
      self->tour = amap_store_get_tour (self->store, self->tour_id, &error);
      if (self->tour == NULL)
        g_debug ("Tour %" G_GINT64_FORMAT " is gone: %s", self->tour_id, error->message);
    }

  if (self->tour == NULL && self->picking)
    amap_tour_panel_set_picking (self, FALSE);

  replan (self);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AmapTourPanel *self = user_data;

  self->reload_id = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

static void
queue_reload (AmapTourPanel *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_idle_cb, self);
}

static gboolean
replan_idle_cb (gpointer user_data)
{
  AmapTourPanel *self = user_data;

  self->replan_id = 0;
  replan (self);

  return G_SOURCE_REMOVE;
}

static void
queue_replan (AmapTourPanel *self)
{
  if (self->replan_id == 0 && self->reload_id == 0)
    self->replan_id = g_idle_add (replan_idle_cb, self);
}

/* Showing the tour */

/* A copy of the tour to edit (in @edited) and, in it, the stop that @row
 * shows, with its asset's name for the undo step; NULL when the row is
 * out of date. */
static AmapTourStop *
edit_row_stop (AmapTourPanel    *self,
               AmapTourStopRow  *row,
               AmapTour        **edited,
               char            **name)
{
  guint index = amap_tour_stop_row_get_index (row);

  *edited = edit_copy (self);
  if (*edited == NULL || index >= amap_tour_get_n_stops (*edited))
    return NULL;

  *name = dup_asset_name (self, amap_tour_stop_row_get_uuid (row));
  return amap_tour_get_stop (*edited, index);
}

static void
on_row_dwell_changed_cb (AmapTourStopRow *row,
                         int              minutes,
                         AmapTourPanel   *self)
{
  g_autoptr(AmapTour) edited = NULL;
  g_autofree char *action = NULL;
  g_autofree char *name = NULL;
  AmapTourStop *stop = edit_row_stop (self, row, &edited, &name);

  if (stop == NULL)
    return;

  amap_tour_stop_set_dwell_minutes (stop, minutes);
  /* Translators: an undo step; %s is a stop's name. */
  action = g_strdup_printf (_("Change Time at “%s”"), name);
  commit (self, edited, action);
}

static void
on_row_note_changed_cb (AmapTourStopRow *row,
                        const char      *note,
                        AmapTourPanel   *self)
{
  g_autoptr(AmapTour) edited = NULL;
  g_autofree char *action = NULL;
  g_autofree char *name = NULL;
  AmapTourStop *stop = edit_row_stop (self, row, &edited, &name);

  if (stop == NULL)
    return;

  amap_tour_stop_set_note (stop, note);
  /* Translators: an undo step; %s is a stop's name. */
  action = g_strdup_printf (_("Edit Talking Points for “%s”"), name);
  commit (self, edited, action);
}

static void
on_row_bus_changed_cb (AmapTourStopRow *row,
                       guint            bus,
                       AmapTourPanel   *self)
{
  guint index = amap_tour_stop_row_get_index (row);

  move_stop (self, index, index, bus);
}

static void
remove_stop_at (AmapTourPanel *self,
                guint          index)
{
  g_autoptr(AmapTour) edited = edit_copy (self);
  g_autofree char *action = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  if (edited == NULL || index >= amap_tour_get_n_stops (edited))
    return;

  name = dup_asset_name (self, amap_tour_stop_get_asset_uuid (amap_tour_get_stop (edited, index)));
  amap_tour_remove_stop (edited, index);
  /* Translators: an undo step; %s is a stop's name. */
  action = g_strdup_printf (_("Remove “%s” from Tour"), name);
  if (commit (self, edited, action))
    {
      /* Translators: a toast with Undo; %s is a stop's name. */
      message = g_strdup_printf (_("“%s” removed from the tour"), name);
      toast (self, message, TRUE);
    }
}

static void
on_row_remove_requested_cb (AmapTourStopRow *row,
                            AmapTourPanel   *self)
{
  remove_stop_at (self, amap_tour_stop_row_get_index (row));
}

static void
on_row_activated_cb (GtkListBox    *list,
                     GtkListBoxRow *row,
                     AmapTourPanel *self)
{
  if (AMAP_IS_TOUR_STOP_ROW (row))
    amap_tour_stop_row_edit (AMAP_TOUR_STOP_ROW (row));
}

static void
on_row_selected_cb (GtkListBox    *list,
                    GtkListBoxRow *row,
                    AmapTourPanel *self)
{
  const char *uuid;

  if (self->updating)
    return;

  if (row == NULL)
    {
      /* Another bus's list took the selection, or it was cleared. */
      return;
    }

  if (!AMAP_IS_TOUR_STOP_ROW (row))
    {
      gtk_list_box_unselect_row (list, row);
      return;
    }

  uuid = amap_tour_stop_row_get_uuid (AMAP_TOUR_STOP_ROW (row));
  self->updating = TRUE;
  for (guint i = 0; i < self->lists->len; i++)
    if (g_ptr_array_index (self->lists, i) != list)
      gtk_list_box_unselect_all (g_ptr_array_index (self->lists, i));
  self->updating = FALSE;

  g_free (self->selected_uuid);
  self->selected_uuid = g_strdup (uuid);
  if (self->map_view != NULL)
    amap_map_view_set_selected_uuid (self->map_view, uuid);
  update_actions (self);
}

/* Drag and drop */

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource   *source,
                    double           x,
                    double           y,
                    AmapTourStopRow *row)
{
  g_object_set_data (G_OBJECT (source), "amap-hot-x", GINT_TO_POINTER ((int) x));
  g_object_set_data (G_OBJECT (source), "amap-hot-y", GINT_TO_POINTER ((int) y));
  return gdk_content_provider_new_typed (AMAP_TYPE_TOUR_STOP_ROW, row);
}

static void
on_drag_begin_cb (GtkDragSource   *source,
                  GdkDrag         *drag,
                  AmapTourStopRow *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (row));

  gtk_drag_source_set_icon (source, paintable,
                            GPOINTER_TO_INT (g_object_get_data (G_OBJECT (source), "amap-hot-x")),
                            GPOINTER_TO_INT (g_object_get_data (G_OBJECT (source), "amap-hot-y")));
  gtk_widget_add_css_class (GTK_WIDGET (row), "amap-dragged");
}

static void
on_drag_end_cb (GtkDragSource   *source,
                GdkDrag         *drag,
                gboolean         delete_data,
                AmapTourStopRow *row)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "amap-dragged");
}

/* Drops on a stop row put the dragged stop before or after it (upper or
 * lower half), on its bus; on a bus's start or end row, first or last on
 * that bus. */
static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            AmapTourPanel *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  AmapTourStopRow *dragged;
  guint from, to, bus;
  int n;

  if (!G_VALUE_HOLDS (value, AMAP_TYPE_TOUR_STOP_ROW) || self->tour == NULL)
    return FALSE;

  dragged = g_value_get_object (value);
  from = amap_tour_stop_row_get_index (dragged);
  n = amap_tour_get_n_stops (self->tour);

  if (AMAP_IS_TOUR_STOP_ROW (widget))
    {
      guint target_index = amap_tour_stop_row_get_index (AMAP_TOUR_STOP_ROW (widget));
      gboolean after = y > gtk_widget_get_height (widget) / 2.0;

      bus = amap_tour_stop_row_get_bus (AMAP_TOUR_STOP_ROW (widget));
      if (target_index == from)
        return FALSE;
      if (from < target_index)
        to = after ? target_index : target_index - 1;
      else
        to = after ? target_index + 1 : target_index;
    }
  else
    {
      gboolean at_end = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "amap-end"));
      g_autoptr(GArray) bus_stops = NULL;

      bus = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "amap-bus"));
      bus_stops = amap_tour_get_bus_stops (self->tour, bus);
      if (bus_stops->len == 0)
        to = at_end ? (guint) n - 1 : 0;
      else if (at_end)
        {
          guint last = g_array_index (bus_stops, guint, bus_stops->len - 1);
          to = from <= last ? last : last + 1;
        }
      else
        {
          guint first = g_array_index (bus_stops, guint, 0);
          to = from < first ? first - 1 : first;
        }
    }

  move_stop (self, from, MIN (to, (guint) n - 1), bus);
  return TRUE;
}

/* A line where the stop would go: above or below the row. */
static GdkDragAction
on_drop_motion_cb (GtkDropTarget *target,
                   double         x,
                   double         y,
                   AmapTourPanel *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  gboolean after;

  if (AMAP_IS_TOUR_STOP_ROW (widget))
    after = y > gtk_widget_get_height (widget) / 2.0;
  else
    after = !GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "amap-end"));

  gtk_widget_remove_css_class (widget, after ? "amap-drop-before" : "amap-drop-after");
  gtk_widget_add_css_class (widget, after ? "amap-drop-after" : "amap-drop-before");
  return GDK_ACTION_MOVE;
}

static void
on_drop_leave_cb (GtkDropTarget *target,
                  AmapTourPanel *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));

  gtk_widget_remove_css_class (widget, "amap-drop-before");
  gtk_widget_remove_css_class (widget, "amap-drop-after");
}

static void
add_drop_target (AmapTourPanel *self,
                 GtkWidget     *widget)
{
  GtkDropTarget *target = gtk_drop_target_new (AMAP_TYPE_TOUR_STOP_ROW, GDK_ACTION_MOVE);

  g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), self);
  g_signal_connect (target, "motion", G_CALLBACK (on_drop_motion_cb), self);
  g_signal_connect (target, "leave", G_CALLBACK (on_drop_leave_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (target));
}

static GtkWidget *
place_row (AmapTourPanel *self,
           guint          bus,
           gboolean       is_end,
           const char    *name,
           const char    *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (is_end ? "emoji-flags-symbolic" : "go-home-symbolic");

  gtk_widget_set_size_request (icon, 26, -1);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "amap-place-row");
  g_object_set_data (G_OBJECT (row), "amap-bus", GUINT_TO_POINTER (bus));
  g_object_set_data (G_OBJECT (row), "amap-end", GINT_TO_POINTER (is_end));
  add_drop_target (self, row);

  return row;
}

static GtkWidget *
new_stop_row (AmapTourPanel *self)
{
  GtkWidget *row = amap_tour_stop_row_new ();
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin_cb), row);
  g_signal_connect (source, "drag-end", G_CALLBACK (on_drag_end_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  add_drop_target (self, row);

  g_signal_connect (row, "dwell-changed", G_CALLBACK (on_row_dwell_changed_cb), self);
  g_signal_connect (row, "note-changed", G_CALLBACK (on_row_note_changed_cb), self);
  g_signal_connect (row, "bus-changed", G_CALLBACK (on_row_bus_changed_cb), self);
  g_signal_connect (row, "remove-requested", G_CALLBACK (on_row_remove_requested_cb), self);

  return row;
}

/* The plan's place of each tour stop: its bus index, or -1 off the route. */
static GArray *
plan_positions (AmapTourPanel *self)
{
  guint n = self->tour != NULL ? amap_tour_get_n_stops (self->tour) : 0;
  GArray *positions = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
  int none = -1;

  for (guint i = 0; i < n; i++)
    g_array_append_val (positions, none);

  if (self->plan == NULL)
    return positions;

  for (guint bus = 0; bus < amap_tour_plan_get_n_buses (self->plan); bus++)
    for (guint i = 0; i < amap_tour_plan_get_n_stops (self->plan, bus); i++)
      {
        guint index = amap_tour_plan_get_stop_index (self->plan, bus, i);

        if (index < n)
          g_array_index (positions, int, index) = (int) i;
      }

  return positions;
}

static char *
stop_times (AmapTourPanel *self,
            guint          bus,
            int            position,
            GDateTime     *day)
{
  AmapSchedule *schedule;
  const AmapScheduleStop *times;
  g_autofree char *arrival = NULL, *departure = NULL, *drive = NULL;

  if (position < 0 || self->plan == NULL)
    return g_strdup (_("Not on the route: it has no place on the map"));

  schedule = amap_tour_plan_get_schedule (self->plan, bus);
  if (schedule == NULL || (guint) position >= amap_schedule_get_n_stops (schedule))
    return g_strdup ("");

  times = amap_schedule_get_stop (schedule, position);
  arrival = amap_tour_format_time (times->arrival, day);
  departure = amap_tour_format_time (times->departure, day);
  drive = amap_tour_format_duration (g_date_time_difference (times->departure, times->arrival) / (double) G_USEC_PER_SEC);

  /* Translators: a stop's times and the time there: "09:12–09:27 · 15 min here". */
  return g_strdup_printf (_("%s–%s · %s here"), arrival, departure, drive);
}

/* The drive to the stop and its talking points, for the row's tooltip. */
static char *
stop_tooltip (AmapTourPanel *self,
              guint          bus,
              int            position,
              AmapTourStop  *stop)
{
  AmapSchedule *schedule = self->plan != NULL ? amap_tour_plan_get_schedule (self->plan, bus) : NULL;
  const char *note = amap_tour_stop_get_note (stop);
  GString *text = g_string_new (NULL);

  if (schedule != NULL && position >= 0 && (guint) position < amap_schedule_get_n_stops (schedule))
    {
      const AmapScheduleStop *times = amap_schedule_get_stop (schedule, position);
      g_autofree char *drive = amap_tour_format_duration (times->leg_duration_s);
      g_autofree char *distance = amap_tour_format_distance (times->leg_distance_m);

      /* Translators: the drive to a stop: "4 min, 1.2 km from the last stop". */
      g_string_append_printf (text, position == 0 ? _("%s, %s from the start") : _("%s, %s from the last stop"),
                              drive, distance);
    }
  if (note != NULL)
    {
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, note);
    }

  return g_string_free (text, text->len == 0);
}

/* Same stops on the same buses in the same order: rows can stay. */
static gboolean
same_layout (AmapTourPanel *self)
{
  guint n = self->tour != NULL ? amap_tour_get_n_stops (self->tour) : 0;

  if (self->rows->len != n || self->lists->len != (self->tour ? amap_tour_get_n_buses (self->tour) : 0))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      AmapTourStopRow *row = g_ptr_array_index (self->rows, i);
      AmapTourStop *stop = amap_tour_get_stop (self->tour, i);

      if (g_strcmp0 (amap_tour_stop_row_get_uuid (row), amap_tour_stop_get_asset_uuid (stop)) != 0
          || amap_tour_stop_row_get_bus (row) != amap_tour_stop_get_bus (stop)
          || amap_tour_stop_row_get_index (row) != i)
        return FALSE;
    }

  return TRUE;
}

static void
update_place_rows (AmapTourPanel *self,
                   GtkListBox    *list,
                   guint          bus,
                   GDateTime     *day)
{
  GtkWidget *first = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  GtkWidget *last = gtk_widget_get_last_child (GTK_WIDGET (list));
  const char *start_name = _("The start"), *end_name = _("The end");
  AmapSchedule *schedule = self->plan != NULL ? amap_tour_plan_get_schedule (self->plan, bus) : NULL;
  g_autofree char *leave = NULL, *back = NULL, *start_line = NULL, *end_line = NULL;

  if (self->plan != NULL)
    {
      amap_tour_plan_get_start (self->plan, NULL, NULL, &start_name);
      amap_tour_plan_get_end (self->plan, NULL, NULL, &end_name);
    }

  if (schedule != NULL)
    {
      leave = amap_tour_format_time (amap_schedule_get_departure (schedule), day);
      back = amap_tour_format_time (amap_schedule_get_return (schedule), day);
      /* Translators: the subtitle of a tour's first row. */
      start_line = g_strdup_printf (_("Start · leaves at %s"), leave);
      /* Translators: the subtitle of a tour's last row. */
      end_line = g_strdup_printf (_("End · back at %s"), back);
    }

  if (ADW_IS_ACTION_ROW (first))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (first), start_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (first), start_line ? start_line : _("Start"));
    }
  if (ADW_IS_ACTION_ROW (last) && last != first)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (last), end_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (last), end_line ? end_line : _("End"));
    }
}

static char *
bus_summary (AmapTourPanel *self,
             guint          bus,
             GDateTime     *day)
{
  AmapSchedule *schedule = self->plan != NULL ? amap_tour_plan_get_schedule (self->plan, bus) : NULL;
  g_autofree char *back = NULL, *distance = NULL;
  guint n = self->plan != NULL ? amap_tour_plan_get_n_stops (self->plan, bus) : 0;

  if (schedule == NULL)
    return g_strdup ("");
  if (n == 0)
    return g_strdup (_("No stops yet: drag stops here"));

  back = amap_tour_format_time (amap_schedule_get_return (schedule), day);
  distance = amap_tour_format_distance (amap_schedule_get_distance_m (schedule));
  /* Translators: a bus's summary: "5 stops · 12.4 km · back at 11:45". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stop · %s · back at %s",
                                       "%u stops · %s · back at %s", n),
                          n, distance, back);
}

static void
draw_bus_dot (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  GdkRGBA color;

  if (!gdk_rgba_parse (&color, amap_tour_layer_get_bus_color (GPOINTER_TO_UINT (user_data))))
    return;

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_fill (cr);
}

static void
rebuild_rows (AmapTourPanel *self,
              GDateTime     *day)
{
  GtkWidget *child;
  guint n_buses = self->tour != NULL ? amap_tour_get_n_buses (self->tour) : 0;
  guint n = self->tour != NULL ? amap_tour_get_n_stops (self->tour) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->buses_box))) != NULL)
    gtk_box_remove (self->buses_box, child);
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->lists, 0);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->rows, NULL);

  for (guint bus = 0; bus < n_buses; bus++)
    {
      GtkWidget *group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *list = gtk_list_box_new ();
      g_autoptr(GArray) stops = amap_tour_get_bus_stops (self->tour, bus);

      if (n_buses > 1)
        {
          GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
          GtkWidget *dot = gtk_drawing_area_new ();
          GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
          g_autofree char *title = g_strdup_printf (_("Bus %u"), bus + 1);
          GtkWidget *title_label = gtk_label_new (title);
          GtkWidget *detail = gtk_label_new (NULL);

          gtk_widget_set_size_request (dot, 12, 12);
          gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (dot, "amap-bus-dot");
          gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot), draw_bus_dot, GUINT_TO_POINTER (bus), NULL);
          gtk_label_set_xalign (GTK_LABEL (title_label), 0);
          gtk_widget_add_css_class (title_label, "heading");
          gtk_label_set_xalign (GTK_LABEL (detail), 0);
          gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
          gtk_widget_add_css_class (detail, "caption");
          gtk_widget_add_css_class (detail, "dim-label");
          gtk_box_append (GTK_BOX (labels), title_label);
          gtk_box_append (GTK_BOX (labels), detail);
          gtk_box_append (GTK_BOX (header), dot);
          gtk_box_append (GTK_BOX (header), labels);
          gtk_widget_set_margin_top (header, bus > 0 ? 6 : 0);
          gtk_box_append (GTK_BOX (group), header);
          g_object_set_data (G_OBJECT (list), "amap-detail", detail);
        }

      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_SINGLE);
      gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (list), FALSE);
      gtk_widget_add_css_class (list, "boxed-list");
      gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      n_buses > 1 ? _("Stops of this bus") : _("Stops"), -1);
      g_signal_connect (list, "row-selected", G_CALLBACK (on_row_selected_cb), self);
      g_signal_connect (list, "row-activated", G_CALLBACK (on_row_activated_cb), self);

      gtk_list_box_append (GTK_LIST_BOX (list), place_row (self, bus, FALSE, "", ""));
      for (guint k = 0; k < stops->len; k++)
        {
          guint index = g_array_index (stops, guint, k);
          GtkWidget *row = new_stop_row (self);

          gtk_list_box_append (GTK_LIST_BOX (list), row);
          g_ptr_array_index (self->rows, index) = row;
        }
      if (stops->len == 0 && n_buses == 1)
        {
          GtkWidget *hint = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (hint), _("No stops yet"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (hint),
                                       _("Press Pick and click pins on the map, or choose "
                                         "Add to Tour in an asset’s details"));
          gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (hint), FALSE);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (hint), FALSE);
          gtk_widget_add_css_class (hint, "dim-label");
          gtk_list_box_append (GTK_LIST_BOX (list), hint);
        }
      gtk_list_box_append (GTK_LIST_BOX (list), place_row (self, bus, TRUE, "", ""));

      gtk_box_append (GTK_BOX (group), list);
      gtk_box_append (self->buses_box, group);
      g_ptr_array_add (self->lists, list);
    }
}

static void
update_rows (AmapTourPanel *self,
             GDateTime     *day)
{
  g_autoptr(GArray) positions = NULL;
  guint n_buses = self->tour != NULL ? amap_tour_get_n_buses (self->tour) : 0;

  if (!same_layout (self))
    rebuild_rows (self, day);

  positions = plan_positions (self);
  for (guint i = 0; i < self->rows->len; i++)
    {
      AmapTourStopRow *row = g_ptr_array_index (self->rows, i);
      AmapTourStop *stop = amap_tour_get_stop (self->tour, i);
      int position = g_array_index (positions, int, i);
      g_autofree char *times = stop_times (self, amap_tour_stop_get_bus (stop), position, day);
      g_autofree char *name = dup_asset_name (self, amap_tour_stop_get_asset_uuid (stop));
      g_autofree char *tooltip = stop_tooltip (self, amap_tour_stop_get_bus (stop), position, stop);

      amap_tour_stop_row_update (row, stop, i, position >= 0 ? (guint) position + 1 : 0, n_buses,
                                 name, times, tooltip);
    }

  for (guint bus = 0; bus < self->lists->len; bus++)
    {
      GtkListBox *list = g_ptr_array_index (self->lists, bus);
      GtkWidget *detail = g_object_get_data (G_OBJECT (list), "amap-detail");

      update_place_rows (self, list, bus, day);
      if (detail != NULL)
        {
          g_autofree char *summary = bus_summary (self, bus, day);
          gtk_label_set_label (GTK_LABEL (detail), summary);
        }
    }

  /* The selection follows the stop, wherever it went. */
  self->updating = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      AmapTourStopRow *row = g_ptr_array_index (self->rows, i);
      GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row)));
      gboolean selected = g_strcmp0 (amap_tour_stop_row_get_uuid (row), self->selected_uuid) == 0;

      if (selected && !gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (row)))
        gtk_list_box_select_row (list, GTK_LIST_BOX_ROW (row));
      else if (!selected && gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (row)))
        gtk_list_box_unselect_row (list, GTK_LIST_BOX_ROW (row));
    }
  self->updating = FALSE;
}

static void
update_totals (AmapTourPanel *self,
               GDateTime     *day)
{
  double distance = 0, driving = 0, longest = 0;
  g_autoptr(GDateTime) last_back = NULL;
  g_autofree char *d = NULL, *drive = NULL, *length = NULL, *back = NULL;
  g_autofree char *line1 = NULL, *line2 = NULL;
  guint n_buses, n_used = 0;
  GString *late = g_string_new (NULL);

  g_clear_pointer (&self->late_warning, g_free);

  if (self->plan == NULL)
    {
      gtk_label_set_label (self->totals_label, self->tour != NULL ? _("No route yet") : "");
      gtk_label_set_label (self->totals_detail_label, self->plan_error);
      gtk_widget_set_visible (self->late_banner, FALSE);
      g_string_free (late, TRUE);
      return;
    }

  n_buses = amap_tour_plan_get_n_buses (self->plan);
  for (guint bus = 0; bus < n_buses; bus++)
    {
      AmapSchedule *schedule = amap_tour_plan_get_schedule (self->plan, bus);
      int minutes_late = 0;

      if (schedule == NULL || (n_buses > 1 && amap_tour_plan_get_n_stops (self->plan, bus) == 0))
        continue;

      n_used++;
      distance += amap_schedule_get_distance_m (schedule);
      driving += amap_schedule_get_driving_s (schedule);
      longest = MAX (longest, amap_schedule_get_total_s (schedule));
      if (last_back == NULL
          || g_date_time_compare (amap_schedule_get_return (schedule), last_back) > 0)
        {
          g_clear_pointer (&last_back, g_date_time_unref);
          last_back = g_date_time_ref (amap_schedule_get_return (schedule));
        }

      if (amap_schedule_is_late (schedule, &minutes_late))
        {
          g_autofree char *at = amap_tour_format_time (amap_schedule_get_return (schedule), day);
          g_autofree char *limit = amap_tour_format_time (amap_tour_get_latest_return (self->tour), day);
          g_autofree char *by = amap_tour_format_duration (minutes_late * 60.0);

          if (late->len > 0)
            g_string_append_c (late, '\n');
          if (n_buses > 1)
            /* Translators: "Bus 2 is back at 12:40, 25 min after the latest return (12:15)." */
            g_string_append_printf (late, _("Bus %u is back at %s, %s after the latest return (%s)."),
                                    bus + 1, at, by, limit);
          else
            /* Translators: "The bus is back at 12:40, 25 min after the latest return (12:15)." */
            g_string_append_printf (late, _("The bus is back at %s, %s after the latest return (%s)."),
                                    at, by, limit);
        }
    }

  d = amap_tour_format_distance (distance);
  drive = amap_tour_format_duration (driving);
  length = amap_tour_format_duration (longest);
  back = amap_tour_format_time (last_back, day);

  if (n_buses > 1)
    {
      /* Translators: the totals of a tour on several buses. */
      line1 = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bus · %s · %s driving",
                                            "%u buses · %s · %s driving", n_used),
                               n_used, d, drive);
      /* Translators: the longest bus's time out and the last return. */
      line2 = g_strdup_printf (_("Longest %s out · all back by %s"), length, back);
    }
  else
    {
      guint n_stops = amap_tour_plan_get_n_stops (self->plan, 0);

      /* Translators: the totals of a tour: "8 stops · 12.4 km · 38 min driving". */
      line1 = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stop · %s · %s driving",
                                            "%u stops · %s · %s driving", n_stops),
                               n_stops, d, drive);
      /* Translators: "2 h 45 min in all · back at 11:45". */
      line2 = g_strdup_printf (_("%s in all · back at %s"), length, back);
    }
  gtk_label_set_label (self->totals_label, line1);
  gtk_label_set_label (self->totals_detail_label, line2);

  if (late->len > 0)
    {
      g_string_append_c (late, '\n');
      g_string_append (late, n_buses > 1
                       ? _("Split Across Buses, add a bus, or shorten the time at stops.")
                       : _("Remove a stop, shorten the time at stops, or add a bus."));
      self->late_warning = g_string_free (late, FALSE);
    }
  else
    {
      g_string_free (late, TRUE);
    }

  gtk_label_set_label (self->late_label, self->late_warning);
  gtk_widget_set_visible (self->late_banner, self->late_warning != NULL);
}

static void
update_status (AmapTourPanel *self)
{
  g_autofree char *url = routing_url (self);
  GString *text = g_string_new (NULL);
  g_autofree char *factor = g_strdup_printf ("%.2g", detour_factor (self));
  const char *icon = "dialog-information-symbolic";

  switch (self->routing_state)
    {
    case ROUTING_BUSY:
      g_string_append (text, _("Asking the routing server for the roads…"));
      break;
    case ROUTING_ROADS:
      {
        g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

        if (self->plan != NULL && amap_tour_plan_get_on_roads (self->plan))
          /* Translators: %s is the host name of the routing server. */
          g_string_append_printf (text, _("Legs follow the roads, as %s routes them"),
                                  uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
        else
          g_string_append (text, _("The routing server did not answer; showing straight legs"));
      }
      break;
    case ROUTING_FAILED:
      icon = "dialog-warning-symbolic";
      g_string_append (text, _("The routing server did not answer; showing straight legs"));
      break;
    case ROUTING_STRAIGHT:
    default:
      /* Translators: %s is the detour factor, e.g. 1.3. */
      g_string_append_printf (text, _("Legs are straight lines × %s: set a routing server in "
                                      "Preferences to follow the roads"),
                              factor);
      break;
    }

  if (self->plan != NULL)
    {
      const char * const *warnings = amap_tour_plan_get_warnings (self->plan);

      for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
        {
          g_string_append_c (text, '\n');
          g_string_append (text, warnings[i]);
          icon = "dialog-warning-symbolic";
        }
    }

  g_free (self->routing_status);
  self->routing_status = g_string_free (text, FALSE);
  gtk_label_set_label (self->status_label, self->routing_status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), self->routing_error);
  gtk_image_set_from_icon_name (self->status_icon, icon);
  gtk_stack_set_visible_child_name (self->status_icon_stack,
                                    self->routing_state == ROUTING_BUSY ? "busy" : "icon");
  gtk_spinner_set_spinning (self->status_spinner, self->routing_state == ROUTING_BUSY);
}

static void
update_view (AmapTourPanel *self)
{
  g_autoptr(GDateTime) day = amap_tour_format_departure (self->tour, self->plan);

  amap_tour_settings_row_update (self->settings_row, self->tour, self->plan);

  update_rows (self, day);
  update_totals (self, day);
  update_status (self);

  if (self->tour != NULL)
    {
      g_autofree char *hint = g_strdup_printf (_("Click pins to add them to “%s”"), tour_name (self));
      gtk_label_set_label (self->map_hint_label, hint);
    }

  update_actions (self);
}

static void
update_actions (AmapTourPanel *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean writable = !amap_store_get_read_only (self->store);
  gboolean have_tour = self->tour != NULL;
  guint n_stops = have_tour ? amap_tour_get_n_stops (self->tour) : 0;
  int selected = selected_index (self);
  gboolean idle = !self->busy;

  gtk_widget_action_set_enabled (widget, "tour.new", writable);
  gtk_widget_action_set_enabled (widget, "tour.rename", writable && have_tour);
  gtk_widget_action_set_enabled (widget, "tour.duplicate", writable && have_tour);
  gtk_widget_action_set_enabled (widget, "tour.delete", writable && have_tour);
  gtk_widget_action_set_enabled (widget, "tour.pick-stops", writable && have_tour);
  gtk_widget_action_set_enabled (widget, "tour.stop-picking", self->picking);
  gtk_widget_action_set_enabled (widget, "tour.optimize",
                                 writable && idle && self->plan != NULL && n_stops >= 2);
  gtk_widget_action_set_enabled (widget, "tour.split",
                                 writable && idle && self->plan != NULL && n_stops >= 1
                                 && amap_tour_get_n_buses (self->tour) > 1);
  gtk_widget_action_set_enabled (widget, "tour.reverse", writable && idle && n_stops >= 2);
  gtk_widget_action_set_enabled (widget, "tour.move-up",
                                 writable && idle && selected >= 0
                                 && neighbour_on_bus (self->tour, selected, -1) >= 0);
  gtk_widget_action_set_enabled (widget, "tour.move-down",
                                 writable && idle && selected >= 0
                                 && neighbour_on_bus (self->tour, selected, +1) >= 0);
  gtk_widget_action_set_enabled (widget, "tour.remove-stop", writable && idle && selected >= 0);

  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_row), writable);
}

static void
on_settings_edited_cb (AmapTourPanel *self,
                       AmapTour      *edited)
{
  g_autoptr(AmapTour) tour = NULL;
  const char *uuid = NULL;
  double latitude, longitude;
  AmapTourPlaceKind kind;

  /* What is being typed in a stop goes in first (edit_copy()); the
   * settings then go onto what is stored. */
  tour = edit_copy (self);
  if (tour == NULL)
    return;

  amap_tour_set_departure (tour, amap_tour_get_departure (edited));
  amap_tour_set_latest_return (tour, amap_tour_get_latest_return (edited));
  amap_tour_set_speed_kmh (tour, amap_tour_get_speed_kmh (edited));
  amap_tour_set_n_buses (tour, amap_tour_get_n_buses (edited));
  kind = amap_tour_get_start (edited, &uuid, &latitude, &longitude);
  amap_tour_set_start (tour, kind, uuid, latitude, longitude);
  kind = amap_tour_get_end (edited, &uuid, &latitude, &longitude);
  amap_tour_set_end (tour, kind, uuid, latitude, longitude);

  commit (self, tour, NULL);
}

static void
on_tour_selected_cb (AmapTourPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->tour_dropdown);

  if (self->updating || selected >= self->tour_ids->len)
    return;

  amap_tour_panel_set_tour_id (self, g_array_index (self->tour_ids, gint64, selected));
}

/* Store and map callbacks */

static void
on_tour_changed_cb (AmapTourPanel *self,
                    gint64         tour_id)
{
  queue_reload (self);
}

static void
on_assets_changed_cb (AmapTourPanel *self)
{
  amap_tour_settings_row_forget_places (self->settings_row);
  queue_replan (self);
}

static void
on_reset_cb (AmapTourPanel *self)
{
  amap_tour_settings_row_forget_places (self->settings_row);
  queue_reload (self);
}

static void
on_read_only_changed_cb (AmapTourPanel *self)
{
  update_actions (self);
}

static void
on_map_selected_cb (AmapTourPanel *self)
{
  const char *uuid = amap_map_view_get_selected_uuid (self->map_view);

  if (g_strcmp0 (uuid, self->selected_uuid) == 0)
    return;

  g_free (self->selected_uuid);
  self->selected_uuid = g_strdup (uuid);

  self->updating = TRUE;
  for (guint i = 0; i < self->lists->len; i++)
    gtk_list_box_unselect_all (g_ptr_array_index (self->lists, i));
  for (guint i = 0; i < self->rows->len; i++)
    {
      AmapTourStopRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (amap_tour_stop_row_get_uuid (row), uuid) == 0)
        {
          GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (row));
          graphene_point_t point;

          gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (row));
          /* Into view, without taking the focus from the map. */
          if (gtk_widget_compute_point (GTK_WIDGET (row),
                                        gtk_scrolled_window_get_child (self->scrolled),
                                        &GRAPHENE_POINT_INIT (0, 0), &point))
            {
              GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled);
              double top = gtk_adjustment_get_value (adjustment);
              double page = gtk_adjustment_get_page_size (adjustment);
              double height = gtk_widget_get_height (GTK_WIDGET (row));

              if (point.y < top || point.y + height > top + page)
                gtk_adjustment_set_value (adjustment, point.y - (page - height) / 2);
            }
          break;
        }
    }
  self->updating = FALSE;
  update_actions (self);
}

static void
on_asset_picked_cb (AmapTourPanel *self,
                    const char    *uuid)
{
  const char *uuids[] = { uuid, NULL };

  amap_tour_panel_add_stops (self, uuids);
}

static void
on_settings_changed_cb (AmapTourPanel *self,
                        const char    *key)
{
  if (g_strcmp0 (key, "routing-url") == 0)
    {
      g_cancellable_cancel (self->routing_cancellable);
      self->routing_pending = 0;
      g_clear_object (&self->routing_client);
      g_hash_table_remove_all (self->failed_routes);
      set_routing_state (self, ROUTING_STRAIGHT, NULL);
      replan (self);
    }
  else if (g_strcmp0 (key, "detour-factor") == 0)
    {
      replan (self);
    }
}

/* Actions */

static void
new_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 AmapTourPanel    *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "amap-entry");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  gboolean rename = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "amap-rename"));
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "ok") != 0)
    return;

  if (rename)
    {
      g_autoptr(AmapTour) edited = edit_copy (self);

      if (edited == NULL || g_strcmp0 (name, amap_tour_get_name (edited)) == 0)
        return;
      amap_tour_set_name (edited, name);
      commit (self, edited, _("Rename Tour"));
      return;
    }

  {
    g_autoptr(AmapTour) tour = amap_tour_new (name);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
    g_autoptr(GDateTime) departure = g_date_time_new_local (g_date_time_get_year (tomorrow),
                                                            g_date_time_get_month (tomorrow),
                                                            g_date_time_get_day_of_month (tomorrow),
                                                            DEFAULT_DEPARTURE_HOUR, 0, 0);
    amap_tour_set_departure (tour, departure);
    if (!amap_store_add_tour (self->store, tour, &error))
      {
        show_error (self, _("Could Not Make the Tour"), error->message);
        return;
      }
    amap_tour_panel_set_tour_id (self, amap_tour_get_id (tour));
  }
}

static void
ask_name (AmapTourPanel *self,
          gboolean       rename)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *suggested = rename ? g_strdup (tour_name (self)) : unique_tour_name (self, _("Staff Tour"));
  GtkWidget *dialog, *entry;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   rename ? _("Rename Tour") : _("New Tour"),
                                   rename ? NULL
                                          : _("A tour leaves from your school, visits the stops you "
                                              "pick and comes back. Name it for the people on the bus."));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), suggested);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "ok", rename ? _("_Rename") : _("_Create"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  g_object_set_data (G_OBJECT (dialog), "amap-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "amap-rename", GINT_TO_POINTER (rename));
  g_signal_connect_object (dialog, "response", G_CALLBACK (new_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ask_name (AMAP_TOUR_PANEL (widget), FALSE);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ask_name (AMAP_TOUR_PANEL (widget), TRUE);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapTour) copy = NULL;

  if (self->tour == NULL)
    return;

  copy = amap_store_duplicate_tour (self->store, self->tour_id, &error);
  if (copy == NULL)
    {
      show_error (self, _("Could Not Duplicate the Tour"), error->message);
      return;
    }

  amap_tour_panel_set_tour_id (self, amap_tour_get_id (copy));
  toast (self, _("Tour duplicated"), TRUE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (self->tour == NULL)
    return;

  name = g_strdup (tour_name (self));
  if (!amap_store_delete_tour (self->store, self->tour_id, &error))
    {
      show_error (self, _("Could Not Delete the Tour"), error->message);
      return;
    }

  /* Translators: a toast with Undo; %s is a tour's name. */
  message = g_strdup_printf (_("“%s” deleted"), name);
  toast (self, message, TRUE);
  reload (self);
}

static void
stop_picking_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  amap_tour_panel_set_picking (AMAP_TOUR_PANEL (widget), FALSE);
}

/* The hint's Done: the hint lives over the map, outside the panel,
 * where the panel's "tour." actions do not reach. */
static void
map_hint_done_cb (AmapTourPanel *self)
{
  amap_tour_panel_set_picking (self, FALSE);
}

static void
set_busy (AmapTourPanel *self,
          gboolean       busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_stack_set_visible_child_name (self->optimize_stack, busy ? "busy" : "label");
  gtk_spinner_set_spinning (self->optimize_spinner, busy);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static double
total_length (AmapTourPlan *plan,
              double       *distance)
{
  double total = 0;

  *distance = 0;
  for (guint bus = 0; plan != NULL && bus < amap_tour_plan_get_n_buses (plan); bus++)
    {
      AmapSchedule *schedule = amap_tour_plan_get_schedule (plan, bus);

      if (schedule == NULL)
        continue;
      total += amap_schedule_get_driving_s (schedule);
      *distance += amap_schedule_get_distance_m (schedule);
    }

  return total;
}

static void
on_optimized_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AmapTourPanel) self = user_data;
  AmapTourPlan *plan = AMAP_TOUR_PLAN (source);
  gboolean split = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (plan), "amap-split"));
  g_autoptr(AmapTour) optimized = NULL;
  g_autoptr(GError) error = NULL;
  double before_m = 0, after_m = 0;

  optimized = amap_tour_plan_optimize_finish (plan, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (optimized == NULL)
    {
      show_error (self, split ? _("Could Not Split the Tour") : _("Could Not Optimize the Order"),
                  error->message);
      return;
    }

  /* The user changed the tour meanwhile: their change wins. */
  if (self->tour == NULL || !amap_tour_equal (amap_tour_plan_get_tour (plan), self->tour))
    {
      toast (self, _("The tour changed while Asset Map was working on it; try again"), FALSE);
      return;
    }

  if (amap_tour_equal (optimized, self->tour))
    {
      toast (self, split ? _("The buses already share the stops as well as Asset Map can find")
                         : _("This is already the shortest order Asset Map can find"),
             FALSE);
      return;
    }

  total_length (plan, &before_m);
  if (!commit (self, optimized, split ? _("Split Across Buses") : _("Optimize Order")))
    return;
  reload (self);
  total_length (self->plan, &after_m);

  if (split)
    toast (self, _("Stops split across the buses"), TRUE);
  else if (before_m - after_m >= 50)
    {
      g_autofree char *saved = amap_tour_format_distance (before_m - after_m);
      /* Translators: a toast with Undo; %s is a distance. */
      g_autofree char *message = g_strdup_printf (_("Order optimized: %s shorter"), saved);
      toast (self, message, TRUE);
    }
  else
    toast (self, _("Order optimized"), TRUE);
}

static void
optimize (AmapTourPanel *self,
          gboolean       split)
{
  if (self->plan == NULL || self->busy)
    return;

  set_busy (self, TRUE);
  g_object_set_data (G_OBJECT (self->plan), "amap-split", GINT_TO_POINTER (split));
  amap_tour_plan_optimize_async (self->plan, split, self->cancellable,
                                 on_optimized_cb, g_object_ref (self));
}

static void
optimize_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  optimize (AMAP_TOUR_PANEL (widget), FALSE);
}

static void
split_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  optimize (AMAP_TOUR_PANEL (widget), TRUE);
}

static void
reverse_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);
  g_autoptr(AmapTour) edited = edit_copy (self);

  if (edited == NULL)
    return;

  amap_tour_reverse (edited);
  commit (self, edited, _("Reverse Order"));
}

static void
move_selected (AmapTourPanel *self,
               int            step)
{
  int index = selected_index (self);
  int other;

  if (index < 0)
    return;

  other = neighbour_on_bus (self->tour, index, step);
  if (other < 0)
    return;

  move_stop (self, index, other, amap_tour_stop_get_bus (amap_tour_get_stop (self->tour, index)));

  /* Keep the keyboard on the moved stop. */
  for (guint i = 0; i < self->rows->len; i++)
    {
      AmapTourStopRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (amap_tour_stop_row_get_uuid (row), self->selected_uuid) == 0)
        gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  move_selected (AMAP_TOUR_PANEL (widget), -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  move_selected (AMAP_TOUR_PANEL (widget), +1);
}

static void
remove_stop_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);
  int index = selected_index (self);

  if (index >= 0)
    remove_stop_at (self, index);
}

/* Delete in the panel is about stops, never the assets selected in the
 * list behind it: the key stops here even with no stop selected. */
static gboolean
delete_key_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);
  int index = selected_index (self);

  if (index >= 0 && !amap_store_get_read_only (self->store) && !self->busy)
    remove_stop_at (self, index);
  return TRUE;
}

/* Overrides */

static void
amap_tour_panel_map (GtkWidget *widget)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);

  GTK_WIDGET_CLASS (amap_tour_panel_parent_class)->map (widget);

  /* Coming to the Tours page: the tour is what the map is about now. */
  fit_map_to_tour (self);
}

static void
amap_tour_panel_unmap (GtkWidget *widget)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (widget);

  /* Out of sight, clicks on pins select them again. */
  amap_tour_panel_set_picking (self, FALSE);
  for (guint i = 0; i < self->rows->len; i++)
    amap_tour_stop_row_flush (g_ptr_array_index (self->rows, i));

  GTK_WIDGET_CLASS (amap_tour_panel_parent_class)->unmap (widget);
}

static void
amap_tour_panel_constructed (GObject *object)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (object);

  G_OBJECT_CLASS (amap_tour_panel_parent_class)->constructed (object);

  g_assert (AMAP_IS_STORE (self->store));

  g_signal_connect_object (self->store, "tour-changed", G_CALLBACK (on_tour_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-added", G_CALLBACK (on_assets_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-updated", G_CALLBACK (on_assets_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-removed", G_CALLBACK (on_assets_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "reset", G_CALLBACK (on_reset_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "home-changed", G_CALLBACK (on_assets_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::read-only", G_CALLBACK (on_read_only_changed_cb), self,
                           G_CONNECT_SWAPPED);

  amap_tour_settings_row_set_context (self->settings_row, self->store, self->map_view);
  g_signal_connect_object (self->settings_row, "edited", G_CALLBACK (on_settings_edited_cb), self,
                           G_CONNECT_SWAPPED);

  if (self->map_view != NULL)
    {
      g_signal_connect_object (self->map_view, "notify::selected-uuid", G_CALLBACK (on_map_selected_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->map_view, "asset-picked", G_CALLBACK (on_asset_picked_cb),
                               self, G_CONNECT_SWAPPED);
    }

  reload (self);
}

static void
amap_tour_panel_dispose (GObject *object)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->routing_cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->replan_id, g_source_remove);

  if (self->map_view != NULL)
    {
      amap_map_view_set_picking (self->map_view, FALSE);
      amap_map_view_set_tour_plan (self->map_view, NULL);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed_cb, self);

  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->lists, 0);
  if (self->map_hint != NULL && gtk_widget_get_parent (GTK_WIDGET (self->map_hint)) != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->map_hint));
  g_clear_object (&self->map_hint);

  /* AdwBin's own pointer to the template's child goes first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_TOUR_PANEL);

  g_clear_object (&self->plan);
  g_clear_object (&self->tour);
  g_clear_object (&self->routing_client);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->routing_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->map_view);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_tour_panel_parent_class)->dispose (object);
}

static void
amap_tour_panel_finalize (GObject *object)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (object);

  g_array_unref (self->tour_ids);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->lists);
  g_hash_table_unref (self->failed_routes);
  g_free (self->plan_error);
  g_free (self->late_warning);
  g_free (self->routing_status);
  g_free (self->routing_error);
  g_free (self->selected_uuid);

  G_OBJECT_CLASS (amap_tour_panel_parent_class)->finalize (object);
}

static void
amap_tour_panel_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MAP_VIEW:
      g_value_set_object (value, self->map_view);
      break;
    case PROP_TOUR_ID:
      g_value_set_int64 (value, self->tour_id);
      break;
    case PROP_PICKING:
      g_value_set_boolean (value, self->picking);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_panel_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AmapTourPanel *self = AMAP_TOUR_PANEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_MAP_VIEW:
      self->map_view = g_value_dup_object (value);
      break;
    case PROP_TOUR_ID:
      amap_tour_panel_set_tour_id (self, g_value_get_int64 (value));
      break;
    case PROP_PICKING:
      amap_tour_panel_set_picking (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_panel_class_init (AmapTourPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_tour_panel_constructed;
  object_class->dispose = amap_tour_panel_dispose;
  object_class->finalize = amap_tour_panel_finalize;
  object_class->get_property = amap_tour_panel_get_property;
  object_class->set_property = amap_tour_panel_set_property;

  widget_class->map = amap_tour_panel_map;
  widget_class->unmap = amap_tour_panel_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAP_VIEW] =
    g_param_spec_object ("map-view", NULL, NULL, AMAP_TYPE_MAP_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOUR_ID] =
    g_param_spec_int64 ("tour-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PICKING] =
    g_param_spec_boolean ("picking", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-tour-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, tour_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, scrolled);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, late_banner);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, late_label);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, settings_row);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, stops_heading);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, optimize_stack);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, optimize_spinner);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, buses_box);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, status_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, status_icon);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, totals_label);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, totals_detail_label);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, map_hint);
  gtk_widget_class_bind_template_child (widget_class, AmapTourPanel, map_hint_label);

  gtk_widget_class_install_action (widget_class, "tour.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "tour.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "tour.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "tour.delete", NULL, delete_action);
  gtk_widget_class_install_property_action (widget_class, "tour.pick-stops", "picking");
  gtk_widget_class_bind_template_callback (widget_class, map_hint_done_cb);
  gtk_widget_class_install_action (widget_class, "tour.stop-picking", NULL, stop_picking_action);
  gtk_widget_class_install_action (widget_class, "tour.optimize", NULL, optimize_action);
  gtk_widget_class_install_action (widget_class, "tour.split", NULL, split_action);
  gtk_widget_class_install_action (widget_class, "tour.reverse", NULL, reverse_action);
  gtk_widget_class_install_action (widget_class, "tour.move-up", NULL, move_up_action);
  gtk_widget_class_install_action (widget_class, "tour.move-down", NULL, move_down_action);
  gtk_widget_class_install_action (widget_class, "tour.remove-stop", NULL, remove_stop_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "tour.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK, "tour.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "tour.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK, "tour.move-down", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, delete_key_cb, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "tour.stop-picking", NULL);

  gtk_widget_class_set_css_name (widget_class, "amap-tour-panel");
}

static void
amap_tour_panel_init (AmapTourPanel *self)
{
  self->settings = amap_settings_new ();
  self->cancellable = g_cancellable_new ();
  self->tour_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rows = g_ptr_array_new ();
  self->lists = g_ptr_array_new ();
  self->failed_routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_type_ensure (AMAP_TYPE_TOUR_STOP_ROW);
  g_type_ensure (AMAP_TYPE_TOUR_SETTINGS_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_ref_sink (self->map_hint);

  g_signal_connect_swapped (self->tour_dropdown, "notify::selected", G_CALLBACK (on_tour_selected_cb), self);
  g_signal_connect_swapped (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self);
}

/* Public API */

GtkWidget *
amap_tour_panel_new (AmapStore   *store,
                     AmapMapView *map_view)
{
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (map_view == NULL || AMAP_IS_MAP_VIEW (map_view), NULL);

  return g_object_new (AMAP_TYPE_TOUR_PANEL, "store", store, "map-view", map_view, NULL);
}

gint64
amap_tour_panel_get_tour_id (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), 0);

  return self->tour_id;
}

void
amap_tour_panel_set_tour_id (AmapTourPanel *self,
                             gint64         tour_id)
{
  g_return_if_fail (AMAP_IS_TOUR_PANEL (self));

  if (self->tour_id == tour_id && self->tour != NULL)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    amap_tour_stop_row_flush (g_ptr_array_index (self->rows, i));

  self->tour_id = tour_id;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE);
  reload (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fit_map_to_tour (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOUR_ID]);
}

AmapTour *
amap_tour_panel_get_tour (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), NULL);

  return self->tour;
}

AmapTourPlan *
amap_tour_panel_get_plan (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), NULL);

  if (self->reload_id != 0)
    reload (self);
  else if (self->replan_id != 0)
    replan (self);
  return self->plan;
}

guint
amap_tour_panel_add_stops (AmapTourPanel      *self,
                           const char * const *uuids)
{
  g_autoptr(AmapTour) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *action = NULL;
  g_autofree char *message = NULL;
  gboolean skipped = FALSE;
  guint added = 0;
  guint bus = 0;
  int selected;

  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), 0);
  g_return_val_if_fail (uuids != NULL, 0);

  if (amap_store_get_read_only (self->store))
    return 0;

  if (self->tour == NULL)
    {
      g_autofree char *name = unique_tour_name (self, _("Staff Tour"));
      g_autoptr(AmapTour) tour = amap_tour_new (name);

      if (!amap_store_add_tour (self->store, tour, &error))
        {
          show_error (self, _("Could Not Make the Tour"), error->message);
          return 0;
        }
      amap_tour_panel_set_tour_id (self, amap_tour_get_id (tour));
      if (self->tour == NULL)
        return 0;
    }

  /* New stops go on the bus of the selected stop. */
  selected = selected_index (self);
  if (selected >= 0)
    bus = amap_tour_stop_get_bus (amap_tour_get_stop (self->tour, selected));

  edited = edit_copy (self);
  for (guint i = 0; uuids[i] != NULL; i++)
    {
      g_autoptr(AmapAsset) asset = amap_store_get_asset (self->store, uuids[i], NULL);
      g_autofree char *name = dup_asset_name (self, uuids[i]);
      g_autoptr(AmapTourStop) stop = NULL;

      if (asset == NULL || !amap_asset_get_has_location (asset)
          || amap_tour_find_stop (edited, uuids[i]) >= 0)
        {
          skipped = TRUE;
          g_free (message);
          if (asset != NULL && amap_tour_find_stop (edited, uuids[i]) >= 0)
            /* Translators: a toast; %s is an asset's name. */
            message = g_strdup_printf (_("“%s” is already on the tour"), name);
          else
            /* Translators: a toast; %s is an asset's name. */
            message = g_strdup_printf (_("“%s” has no place on the map, so the bus cannot stop "
                                         "there. Set its location first."), name);
          continue;
        }

      stop = amap_tour_stop_new (uuids[i]);
      amap_tour_stop_set_bus (stop, bus);
      amap_tour_insert_stop (edited, amap_tour_get_n_stops (edited), stop);
      if (added == 0)
        first_name = g_strdup (name);
      added++;
    }

  if (added == 0)
    {
      if (message != NULL)
        toast (self, message, FALSE);
      return 0;
    }

  if (added == 1)
    /* Translators: an undo step; %s is an asset's name. */
    action = g_strdup_printf (_("Add “%s” to Tour"), first_name);
  else
    /* Translators: an undo step. */
    action = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Add %u Stop", "Add %u Stops", added), added);

  if (!commit (self, edited, action))
    return 0;

  if (skipped && message != NULL)
    toast (self, message, FALSE);
  else if (!self->picking)
    {
      g_autofree char *done = NULL;

      if (added == 1)
        /* Translators: a toast with Undo; stop name, tour name. */
        done = g_strdup_printf (_("“%s” added to “%s”"), first_name, tour_name (self));
      else
        /* Translators: a toast with Undo; a count, a tour name. */
        done = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stop added to “%s”",
                                             "%u stops added to “%s”", added),
                                added, tour_name (self));
      toast (self, done, TRUE);
    }

  return added;
}

gboolean
amap_tour_panel_get_picking (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), FALSE);

  return self->picking;
}

void
amap_tour_panel_set_picking (AmapTourPanel *self,
                             gboolean       picking)
{
  g_return_if_fail (AMAP_IS_TOUR_PANEL (self));

  picking = !!picking && self->tour != NULL;
  if (self->picking == picking)
    return;

  self->picking = picking;
  if (self->map_view != NULL)
    amap_map_view_set_picking (self->map_view, picking);
  gtk_revealer_set_reveal_child (self->map_hint, picking);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKING]);
}

gboolean
amap_tour_panel_get_busy (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), FALSE);

  return self->busy;
}

GtkWidget *
amap_tour_panel_get_map_hint (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), NULL);

  return GTK_WIDGET (self->map_hint);
}

char *
amap_tour_panel_dup_totals (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), NULL);

  amap_tour_panel_get_plan (self);
  return g_strdup_printf ("%s\n%s", gtk_label_get_label (self->totals_label),
                          gtk_label_get_label (self->totals_detail_label));
}

const char *
amap_tour_panel_get_late_warning (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), NULL);

  amap_tour_panel_get_plan (self);
  return self->late_warning;
}

const char *
amap_tour_panel_get_routing_status (AmapTourPanel *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PANEL (self), NULL);

  amap_tour_panel_get_plan (self);
  return self->routing_status;
}
