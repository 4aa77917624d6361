/* amap-place-search.c: the map's search for addresses, places and
 * coordinates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-place-search"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <shumate/shumate.h>

#include "amap-coordinates.h"
#include "amap-place-search.h"
#include "amap-settings.h"

#define USER_AGENT "AssetMap/" PACKAGE_VERSION " (+" PROJECT_URL ")"
#define MAX_RESULTS 8
/* A found point is shown at street level; a place bigger than a few
 * blocks (a town, a park) is framed whole. */
#define POINT_ZOOM 17
#define POINT_BOX_DEGREES 0.004

struct _AmapPlaceSearch
{
  GtkWidget           parent_instance;

  AmapMapView        *map_view;
  GSettings          *settings;
  SoupSession        *session;
  AmapGeocoder       *geocoder;
  GCancellable       *cancellable;
  GListStore         *results;
  AmapPlace          *chosen;
  char               *query;
  char               *message;
  char               *target_uuid;
  char               *target_name;
  gboolean            busy;
  ShumateMarkerLayer *marker_layer;
  ShumateMarker      *marker;
  gboolean            marker_shown;

  GtkWidget          *clamp;
  GtkWidget          *box;
  GtkSearchEntry     *entry;
  GtkRevealer        *revealer;
  GtkWidget          *status_box;
  GtkSpinner         *spinner;
  GtkLabel           *status_label;
  GtkWidget          *results_scroller;
  GtkListBox         *results_list;
  GtkWidget          *actions_box;
  GtkButton          *back_button;
  GtkLabel           *chosen_title;
  GtkLabel           *chosen_subtitle;
  GtkButton          *use_button;
  GtkLabel           *use_label;
  GtkButton          *home_button;
  GtkButton          *add_button;
};

G_DEFINE_FINAL_TYPE (AmapPlaceSearch, amap_place_search, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MAP_VIEW,
  PROP_BUSY,
  PROP_CHOSEN,
  N_PROPS
};

enum {
  SET_HOME,
  ADD_ASSET,
  USE_FOR_ASSET,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_busy (AmapPlaceSearch *self,
          gboolean         busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* @message: a sentence above the results (NULL: none); @is_error shows
 * it as a failure. */
static void
set_message (AmapPlaceSearch *self,
             const char      *message,
             gboolean         is_error)
{
  g_free (self->message);
  self->message = g_strdup (message);

  gtk_label_set_label (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->status_box, message != NULL || self->busy);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
}

static void
show_marker (AmapPlaceSearch *self,
             AmapPlace       *place)
{
  if (self->marker_layer == NULL)
    return;

  if (place == NULL)
    {
      if (self->marker_shown)
        shumate_marker_layer_remove_marker (self->marker_layer, self->marker);
      self->marker_shown = FALSE;
      return;
    }

  shumate_location_set_location (SHUMATE_LOCATION (self->marker),
                                 amap_place_get_latitude (place), amap_place_get_longitude (place));
  if (!self->marker_shown)
    shumate_marker_layer_add_marker (self->marker_layer, self->marker);
  self->marker_shown = TRUE;
}

/* The results as a list, or the chosen one alone with what can be done
 * there (a small card that leaves the map in view). */
static void
show_list (AmapPlaceSearch *self,
           gboolean         list)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0;

  gtk_widget_set_visible (self->results_scroller, list && any);
  gtk_widget_set_visible (self->actions_box, !list && self->chosen != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 1);
}

static void
set_chosen (AmapPlaceSearch *self,
            AmapPlace       *place)
{
  if (!g_set_object (&self->chosen, place))
    return;

  show_marker (self, place);
  if (place != NULL)
    {
      gtk_label_set_label (self->chosen_title, amap_place_get_title (place));
      gtk_label_set_label (self->chosen_subtitle, amap_place_get_subtitle (place) != NULL
                                                  ? amap_place_get_subtitle (place) : "");
      gtk_widget_set_visible (GTK_WIDGET (self->chosen_subtitle), amap_place_get_subtitle (place) != NULL);
    }
  show_list (self, place == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->use_button), place != NULL && self->target_uuid != NULL);
  if (self->target_name != NULL)
    {
      /* Translators: a button under a place found for an asset's address;
       * %s is the asset's name. */
      g_autofree char *label = g_strdup_printf (_("_Use for “%s”"), self->target_name);
      gtk_label_set_label (self->use_label, label);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOSEN]);
}

static void
clear_results (AmapPlaceSearch *self)
{
  set_chosen (self, NULL);
  g_list_store_remove_all (self->results);
  show_list (self, TRUE);
}

static void
cancel_search (AmapPlaceSearch *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
}

/* The server of the settings; a new client when it changes. */
static void
update_geocoder (AmapPlaceSearch *self)
{
  g_autofree char *url = g_strstrip (g_settings_get_string (self->settings, "place-search-url"));
  g_autoptr(AmapGeocoder) geocoder = NULL;

  if (url[0] == '\0')
    {
      cancel_search (self);
      g_clear_object (&self->geocoder);
      return;
    }

  geocoder = amap_geocoder_new (url, self->session);
  if (self->geocoder != NULL &&
      g_strcmp0 (amap_geocoder_get_base_url (self->geocoder), amap_geocoder_get_base_url (geocoder)) == 0)
    return;

  cancel_search (self);
  g_set_object (&self->geocoder, geocoder);
}

static void
show_results (AmapPlaceSearch *self,
              GPtrArray       *places)
{
  for (guint i = 0; i < places->len; i++)
    g_list_store_append (self->results, g_ptr_array_index (places, i));
  show_list (self, TRUE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);

  /* One answer is the answer: show it. */
  if (places->len == 1)
    amap_place_search_choose (self, 0);
}

static void
on_search_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AmapPlaceSearch) self = user_data;
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(GError) error = NULL;

  places = amap_geocoder_search_finish (AMAP_GEOCODER (source), result, &error);
  /* A newer search, or the window closing, cancelled this one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  g_clear_object (&self->cancellable);

  if (places == NULL)
    {
      set_message (self, error->message, TRUE);
      return;
    }

  if (places->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("Nothing was found for “%s”. Check the spelling, add the town, or "
                           "type coordinates like 37.7775, -122.2236."), self->query);

      set_message (self, message, FALSE);
      return;
    }

  set_message (self, NULL, FALSE);
  show_results (self, places);
}

static void
run_search (AmapPlaceSearch *self,
            const char      *text)
{
  g_autofree char *query = g_strstrip (g_strdup (text));
  g_autofree char *searching = NULL;
  double latitude, longitude, zoom;

  cancel_search (self);
  clear_results (self);

  if (query[0] == '\0')
    {
      amap_place_search_dismiss (self);
      return;
    }

  g_free (self->query);
  self->query = g_strdup (query);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);

  /* Coordinates need no server: they work offline. */
  if (amap_coordinates_parse (query, &latitude, &longitude, &zoom))
    {
      g_autoptr(AmapPlace) place = amap_place_new_for_coordinates (latitude, longitude);
      g_autoptr(GPtrArray) places = g_ptr_array_new ();

      set_message (self, NULL, FALSE);
      g_ptr_array_add (places, place);
      show_results (self, places);
      if (!isnan (zoom))
        amap_map_view_center_on (self->map_view, latitude, longitude, CLAMP (zoom, 3, 19));
      return;
    }

  if (amap_coordinates_is_link (query))
    {
      set_message (self,
                   _("This link holds no coordinates. Copy the link of a point from Google Maps "
                     "or OpenStreetMap, or type an address."),
                   TRUE);
      return;
    }

  if (self->geocoder == NULL)
    {
      set_message (self,
                   _("Place search has no server, so only coordinates can be found, like "
                     "37.7775, -122.2236. Set a server in Preferences to search for addresses."),
                   TRUE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  /* Translators: %s is what the person searches for. */
  searching = g_strdup_printf (_("Searching for “%s”…"), query);
  set_message (self, searching, FALSE);
  amap_geocoder_search_async (self->geocoder, query, MAX_RESULTS, self->cancellable,
                              on_search_cb, g_object_ref (self));
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  AmapPlace *place = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  /* Place names are text, not markup ("Bread & Roses"). */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), amap_place_get_title (place));
  if (amap_place_get_subtitle (place) != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), amap_place_get_subtitle (place));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  icon = gtk_image_new_from_icon_name (amap_place_get_is_coordinates (place) ? "find-location-symbolic"
                                                                             : "mark-location-symbolic");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  return row;
}

static void
row_activated_cb (AmapPlaceSearch *self,
                  GtkListBoxRow   *row)
{
  amap_place_search_choose (self, gtk_list_box_row_get_index (row));
}

static void
entry_activate_cb (AmapPlaceSearch *self)
{
  /* A search typed here is for the map, not for the asset that asked
   * before. */
  g_clear_pointer (&self->target_uuid, g_free);
  g_clear_pointer (&self->target_name, g_free);
  run_search (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
entry_changed_cb (AmapPlaceSearch *self)
{
  /* Typing never searches (the public server's policy); clearing the
   * entry puts the results away. */
  if (gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] == '\0')
    amap_place_search_dismiss (self);
}

static void
stop_search_cb (AmapPlaceSearch *self)
{
  amap_place_search_dismiss (self);
}

static void
back_clicked_cb (AmapPlaceSearch *self)
{
  /* The marker stays where it is until another place is chosen. */
  show_list (self, TRUE);
}

static void
home_clicked_cb (AmapPlaceSearch *self)
{
  if (self->chosen != NULL)
    g_signal_emit (self, signals[SET_HOME], 0, self->chosen);
}

static void
add_clicked_cb (AmapPlaceSearch *self)
{
  if (self->chosen != NULL)
    g_signal_emit (self, signals[ADD_ASSET], 0, self->chosen);
}

static void
use_clicked_cb (AmapPlaceSearch *self)
{
  if (self->chosen != NULL && self->target_uuid != NULL)
    g_signal_emit (self, signals[USE_FOR_ASSET], 0, self->chosen, self->target_uuid);
}

/* The map's offline banner sits at the top of the map: below it, not
 * over it. */
static void
map_offline_changed_cb (AmapPlaceSearch *self)
{
  gtk_widget_set_margin_top (GTK_WIDGET (self), amap_map_view_get_offline (self->map_view) ? 52 : 12);
}

static GtkWidget *
make_marker_icon (void)
{
  GtkWidget *image = gtk_image_new_from_icon_name ("mark-location-symbolic");

  gtk_image_set_pixel_size (GTK_IMAGE (image), 44);
  /* The marker is centered on the place: the pin's tip, at the bottom of
   * the icon, should be. */
  gtk_widget_set_margin_bottom (image, 44);
  gtk_widget_add_css_class (image, "amap-search-marker");
  gtk_widget_set_can_target (image, FALSE);

  return image;
}

static void
amap_place_search_constructed (GObject *object)
{
  AmapPlaceSearch *self = AMAP_PLACE_SEARCH (object);

  G_OBJECT_CLASS (amap_place_search_parent_class)->constructed (object);

  if (self->map_view != NULL)
    {
      self->marker_layer = g_object_ref_sink (shumate_marker_layer_new (amap_map_view_get_viewport (self->map_view)));
      amap_map_view_add_layer (self->map_view, SHUMATE_LAYER (self->marker_layer));
      self->marker = g_object_ref_sink (shumate_marker_new ());
      shumate_marker_set_child (self->marker, make_marker_icon ());
      gtk_widget_set_can_target (GTK_WIDGET (self->marker), FALSE);
      g_signal_connect_object (self->map_view, "notify::offline", G_CALLBACK (map_offline_changed_cb),
                               self, G_CONNECT_SWAPPED);
      map_offline_changed_cb (self);
    }
}

static void
amap_place_search_dispose (GObject *object)
{
  AmapPlaceSearch *self = AMAP_PLACE_SEARCH (object);

  cancel_search (self);
  if (self->marker_shown && self->marker_layer != NULL)
    shumate_marker_layer_remove_marker (self->marker_layer, self->marker);
  self->marker_shown = FALSE;
  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_PLACE_SEARCH);
  g_clear_object (&self->marker);
  g_clear_object (&self->marker_layer);
  g_clear_object (&self->chosen);
  g_clear_object (&self->results);
  g_clear_object (&self->geocoder);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->map_view);

  G_OBJECT_CLASS (amap_place_search_parent_class)->dispose (object);
}

static void
amap_place_search_finalize (GObject *object)
{
  AmapPlaceSearch *self = AMAP_PLACE_SEARCH (object);

  g_free (self->query);
  g_free (self->message);
  g_free (self->target_uuid);
  g_free (self->target_name);

  G_OBJECT_CLASS (amap_place_search_parent_class)->finalize (object);
}

static void
amap_place_search_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AmapPlaceSearch *self = AMAP_PLACE_SEARCH (object);

  switch (prop_id)
    {
    case PROP_MAP_VIEW:
      g_value_set_object (value, self->map_view);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_CHOSEN:
      g_value_set_object (value, self->chosen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_place_search_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AmapPlaceSearch *self = AMAP_PLACE_SEARCH (object);

  switch (prop_id)
    {
    case PROP_MAP_VIEW:
      self->map_view = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_place_search_class_init (AmapPlaceSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_place_search_constructed;
  object_class->dispose = amap_place_search_dispose;
  object_class->finalize = amap_place_search_finalize;
  object_class->get_property = amap_place_search_get_property;
  object_class->set_property = amap_place_search_set_property;

  properties[PROP_MAP_VIEW] =
    g_param_spec_object ("map-view", NULL, NULL, AMAP_TYPE_MAP_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHOSEN] =
    g_param_spec_object ("chosen", NULL, NULL, AMAP_TYPE_PLACE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmapPlaceSearch::set-home:
   * @place: the chosen place
   *
   * "Set as School Location" was clicked.
   */
  signals[SET_HOME] = g_signal_new ("set-home", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_PLACE);
  /**
   * AmapPlaceSearch::add-asset:
   * @place: the chosen place
   *
   * "Add Asset Here" was clicked.
   */
  signals[ADD_ASSET] = g_signal_new ("add-asset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_PLACE);
  /**
   * AmapPlaceSearch::use-for-asset:
   * @place: the chosen place
   * @uuid: the asset whose "Find on Map" searched
   *
   * "Use for “…”" was clicked.
   */
  signals[USE_FOR_ASSET] = g_signal_new ("use-for-asset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, AMAP_TYPE_PLACE,
                                         G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "amap-place-search");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-place-search.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, clamp);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, box);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, entry);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, status_box);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, spinner);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, status_label);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, results_scroller);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, results_list);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, actions_box);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, back_button);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, chosen_title);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, chosen_subtitle);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, use_button);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, use_label);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, home_button);
  gtk_widget_class_bind_template_child (widget_class, AmapPlaceSearch, add_button);
}

static void
amap_place_search_init (AmapPlaceSearch *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = amap_settings_new ();
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT, NULL);
  self->results = g_list_store_new (AMAP_TYPE_PLACE);

  gtk_list_box_bind_model (self->results_list, G_LIST_MODEL (self->results), create_row_cb, self, NULL);
  show_list (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  set_message (self, NULL, FALSE);

  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);
  g_signal_connect_swapped (self->entry, "search-changed", G_CALLBACK (entry_changed_cb), self);
  g_signal_connect_swapped (self->entry, "stop-search", G_CALLBACK (stop_search_cb), self);
  g_signal_connect_swapped (self->results_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self);
  g_signal_connect_swapped (self->home_button, "clicked", G_CALLBACK (home_clicked_cb), self);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  g_signal_connect_swapped (self->use_button, "clicked", G_CALLBACK (use_clicked_cb), self);
  g_signal_connect_object (self->settings, "changed::place-search-url",
                           G_CALLBACK (update_geocoder), self, G_CONNECT_SWAPPED);
  update_geocoder (self);
}

/* Public API */

GtkWidget *
amap_place_search_new (AmapMapView *map_view)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (map_view), NULL);

  return g_object_new (AMAP_TYPE_PLACE_SEARCH, "map-view", map_view, NULL);
}

void
amap_place_search_focus (AmapPlaceSearch *self)
{
  g_return_if_fail (AMAP_IS_PLACE_SEARCH (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

void
amap_place_search_search (AmapPlaceSearch *self,
                          const char      *text)
{
  g_return_if_fail (AMAP_IS_PLACE_SEARCH (self));
  g_return_if_fail (text != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  entry_activate_cb (self);
}

void
amap_place_search_find_for_asset (AmapPlaceSearch *self,
                                  const char      *address,
                                  const char      *uuid,
                                  const char      *name)
{
  g_return_if_fail (AMAP_IS_PLACE_SEARCH (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (uuid != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), address);
  g_free (self->target_uuid);
  self->target_uuid = g_strdup (uuid);
  g_free (self->target_name);
  self->target_name = g_strdup (name != NULL && name[0] != '\0' ? name : _("This Asset"));
  run_search (self, address);
}

void
amap_place_search_dismiss (AmapPlaceSearch *self)
{
  g_return_if_fail (AMAP_IS_PLACE_SEARCH (self));

  cancel_search (self);
  clear_results (self);
  set_message (self, NULL, FALSE);
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

GListModel *
amap_place_search_get_results (AmapPlaceSearch *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE_SEARCH (self), NULL);

  return G_LIST_MODEL (self->results);
}

void
amap_place_search_choose (AmapPlaceSearch *self,
                          guint            position)
{
  g_autoptr(AmapPlace) place = NULL;
  double south, west, north, east;

  g_return_if_fail (AMAP_IS_PLACE_SEARCH (self));

  place = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  if (place == NULL)
    return;

  gtk_list_box_select_row (self->results_list, gtk_list_box_get_row_at_index (self->results_list, position));
  set_chosen (self, place);
  show_list (self, FALSE);

  if (self->map_view == NULL)
    return;
  if (amap_place_get_bounds (place, &south, &west, &north, &east) &&
      (north - south > POINT_BOX_DEGREES || east - west > POINT_BOX_DEGREES))
    amap_map_view_fit_bounds (self->map_view, south, west, north, east);
  else
    amap_map_view_center_on (self->map_view, amap_place_get_latitude (place),
                             amap_place_get_longitude (place), POINT_ZOOM);
}

AmapPlace *
amap_place_search_get_chosen (AmapPlaceSearch *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE_SEARCH (self), NULL);

  return self->chosen;
}

gboolean
amap_place_search_get_busy (AmapPlaceSearch *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE_SEARCH (self), FALSE);

  return self->busy;
}

const char *
amap_place_search_get_message (AmapPlaceSearch *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE_SEARCH (self), NULL);

  return self->message;
}

AmapGeocoder *
amap_place_search_get_geocoder (AmapPlaceSearch *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE_SEARCH (self), NULL);

  return self->geocoder;
}
