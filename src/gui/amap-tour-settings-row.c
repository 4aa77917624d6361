/* amap-tour-settings-row.c: a tour's departure, return, start, end,
 * speed and buses, in one expander row of the tour panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-panel"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-tour-format.h"
#include "amap-tour-settings-row.h"

/* A choice of the start and end rows. */
typedef struct
{
  AmapTourPlaceKind  kind;
  char              *uuid;
  double             latitude;
  double             longitude;
  gboolean           map_center;   /* POINT: take the map's centre */
} Place;

struct _AmapTourSettingsRow
{
  AdwExpanderRow  parent_instance;

  AmapStore      *store;
  AmapMapView    *map_view;
  AmapTour       *tour;
  AmapTourPlan   *plan;
  GArray         *start_places;   /* Place */
  GArray         *end_places;     /* Place */
  GPtrArray      *located;        /* AmapAsset summaries with a location, by name */
  gboolean        updating;

  /* Template */
  GtkMenuButton  *date_button;
  GtkPopover     *date_popover;
  GtkCalendar    *calendar;
  GtkMenuButton  *depart_button;
  GtkSpinButton  *depart_hour;
  GtkSpinButton  *depart_minute;
  GtkMenuButton  *return_button;
  GtkSpinButton  *return_hour;
  GtkSpinButton  *return_minute;
  GtkSwitch      *return_switch;
  AdwComboRow    *start_row;
  AdwComboRow    *end_row;
  AdwActionRow   *speed_row;
  GtkSpinButton  *speed_spin;
  GtkSpinButton  *buses_spin;
};

G_DEFINE_FINAL_TYPE (AmapTourSettingsRow, amap_tour_settings_row, ADW_TYPE_EXPANDER_ROW)

enum {
  EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
place_clear (gpointer data)
{
  Place *place = data;

  g_clear_pointer (&place->uuid, g_free);
}

static AmapTour *
edit_copy (AmapTourSettingsRow *self)
{
  return self->tour != NULL ? amap_tour_copy (self->tour) : NULL;
}

static void
emit_edited (AmapTourSettingsRow *self,
             AmapTour            *edited)
{
  if (edited != NULL && self->tour != NULL && !amap_tour_equal (edited, self->tour))
    g_signal_emit (self, signals[EDITED], 0, edited);
}

/* Showing the tour */

static void
fill_places (AmapTourSettingsRow *self,
             AdwComboRow   *row,
             GArray        *places,
             gboolean       is_end)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const char *home_name = NULL;
  const char *uuid = NULL;
  double latitude = NAN, longitude = NAN;
  AmapTourPlaceKind kind;
  guint selected = 0;
  Place place;

  g_array_set_size (places, 0);
  if (self->tour == NULL)
    return;

  kind = is_end ? amap_tour_get_end (self->tour, &uuid, &latitude, &longitude)
                : amap_tour_get_start (self->tour, &uuid, &latitude, &longitude);

  if (is_end)
    {
      place = (Place) { AMAP_TOUR_PLACE_START, NULL, NAN, NAN, FALSE };
      g_array_append_val (places, place);
      gtk_string_list_append (labels, _("Back at the start"));
    }

  place = (Place) { AMAP_TOUR_PLACE_HOME, NULL, NAN, NAN, FALSE };
  g_array_append_val (places, place);
  if (amap_store_get_home (self->store, NULL, NULL, &home_name) && home_name != NULL)
    gtk_string_list_append (labels, home_name);
  else
    gtk_string_list_append (labels, _("The school"));
  if (kind == AMAP_TOUR_PLACE_HOME)
    selected = places->len - 1;

  if (kind == AMAP_TOUR_PLACE_POINT)
    {
      g_autofree char *label = NULL;

      place = (Place) { AMAP_TOUR_PLACE_POINT, NULL, latitude, longitude, FALSE };
      g_array_append_val (places, place);
      /* Translators: a place on the map by its coordinates. */
      label = g_strdup_printf (_("Map point %.5f, %.5f"), latitude, longitude);
      gtk_string_list_append (labels, label);
      selected = places->len - 1;
    }

  place = (Place) { AMAP_TOUR_PLACE_POINT, NULL, NAN, NAN, TRUE };
  g_array_append_val (places, place);
  gtk_string_list_append (labels, _("The center of the map"));

  /* Every located asset, by name: their summaries are enough. */
  if (self->located == NULL)
    {
      g_autoptr(GPtrArray) all = amap_store_list_summaries (self->store, NULL);

      self->located = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; all != NULL && i < all->len; i++)
        if (amap_asset_get_has_location (g_ptr_array_index (all, i)))
          g_ptr_array_add (self->located, g_object_ref (g_ptr_array_index (all, i)));
    }

  for (guint i = 0; i < self->located->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (self->located, i);

      place = (Place) { AMAP_TOUR_PLACE_ASSET, g_strdup (amap_asset_get_uuid (asset)), NAN, NAN, FALSE };
      g_array_append_val (places, place);
      gtk_string_list_append (labels, amap_asset_get_name (asset));
      if ((kind == AMAP_TOUR_PLACE_ASSET) && g_strcmp0 (uuid, amap_asset_get_uuid (asset)) == 0)
        selected = places->len - 1;
    }

  if (is_end && kind == AMAP_TOUR_PLACE_START)
    selected = 0;

  adw_combo_row_set_model (row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (row, selected);
}

static void
update_widgets (AmapTourSettingsRow *self)
{
  g_autoptr(GDateTime) departure = amap_tour_format_departure (self->tour, self->plan);
  GDateTime *latest = self->tour != NULL ? amap_tour_get_latest_return (self->tour) : NULL;
  g_autofree char *date = amap_tour_format_date (departure);
  g_autofree char *time = amap_tour_format_time (departure, NULL);
  g_autofree char *summary = NULL;
  g_autofree char *speed_title = NULL;
  const char *start_name = NULL;
  guint n_buses = self->tour != NULL ? amap_tour_get_n_buses (self->tour) : 1;
  double speed = self->tour != NULL ? amap_tour_get_speed_kmh (self->tour) : AMAP_TOUR_DEFAULT_SPEED_KMH;

  if (self->plan != NULL)
    amap_tour_plan_get_start (self->plan, NULL, NULL, &start_name);

  gtk_menu_button_set_label (self->date_button, date);
  gtk_calendar_select_day (self->calendar, departure);
  gtk_spin_button_set_value (self->depart_hour, g_date_time_get_hour (departure));
  gtk_spin_button_set_value (self->depart_minute, g_date_time_get_minute (departure));

  gtk_menu_button_set_label (self->depart_button, time);
  gtk_switch_set_active (self->return_switch, latest != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->return_button), latest != NULL);
  if (latest != NULL)
    {
      g_autofree char *back = amap_tour_format_time (latest, NULL);

      gtk_spin_button_set_value (self->return_hour, g_date_time_get_hour (latest));
      gtk_spin_button_set_value (self->return_minute, g_date_time_get_minute (latest));
      gtk_menu_button_set_label (self->return_button, back);
    }

  if (amap_tour_format_use_miles ())
    {
      /* Translators: the bus speed row, in miles per hour. */
      speed_title = g_strdup (_("Bus speed, mph"));
      gtk_spin_button_set_value (self->speed_spin, round (speed / AMAP_KM_PER_MILE));
    }
  else
    {
      /* Translators: the bus speed row, in kilometres per hour. */
      speed_title = g_strdup (_("Bus speed, km/h"));
      gtk_spin_button_set_value (self->speed_spin, round (speed));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->speed_row), speed_title);
  gtk_spin_button_set_value (self->buses_spin, n_buses);

  fill_places (self, self->start_row, self->start_places, FALSE);
  fill_places (self, self->end_row, self->end_places, TRUE);

  if (n_buses > 1)
    /* Translators: the summary of a tour's settings: date, time, buses. */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s at %s · %u bus", "%s at %s · %u buses",
                                            n_buses),
                               date, time, n_buses);
  else if (start_name != NULL)
    /* Translators: the summary of a tour's settings: date, time, start. */
    summary = g_strdup_printf (_("%s at %s from %s"), date, time, start_name);
  else
    summary = g_strdup_printf (_("%s at %s"), date, time);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), summary);
}

/* "08" and "05" in the time pickers, as a clock shows them. */
static gboolean
on_two_digits_output_cb (GtkSpinButton *spin,
                         gpointer       user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
set_departure (AmapTourSettingsRow *self,
               GDateTime     *departure)
{
  g_autoptr(AmapTour) edited = edit_copy (self);
  GDateTime *latest;

  if (edited == NULL)
    return;

  amap_tour_set_departure (edited, departure);

  /* The latest return keeps its time of day, on the day of the tour (or
   * the next, when the tour crosses midnight). */
  latest = amap_tour_get_latest_return (edited);
  if (latest != NULL)
    {
      g_autoptr(GDateTime) moved = g_date_time_new_local (g_date_time_get_year (departure),
                                                          g_date_time_get_month (departure),
                                                          g_date_time_get_day_of_month (departure),
                                                          g_date_time_get_hour (latest),
                                                          g_date_time_get_minute (latest), 0);
      if (g_date_time_compare (moved, departure) <= 0)
        {
          g_autoptr(GDateTime) next = g_date_time_add_days (moved, 1);
          amap_tour_set_latest_return (edited, next);
        }
      else
        amap_tour_set_latest_return (edited, moved);
    }

  emit_edited (self, edited);
}

static void
on_date_selected_cb (AmapTourSettingsRow *self)
{
  g_autoptr(GDateTime) current = amap_tour_format_departure (self->tour, self->plan);
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) departure = NULL;

  if (self->updating)
    return;

  day = gtk_calendar_get_date (self->calendar);
  departure = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                     g_date_time_get_day_of_month (day),
                                     g_date_time_get_hour (current), g_date_time_get_minute (current), 0);
  gtk_popover_popdown (self->date_popover);
  if (g_date_time_equal (departure, current) && amap_tour_get_departure (self->tour) != NULL)
    return;
  set_departure (self, departure);
}

static void
on_departure_time_changed_cb (AmapTourSettingsRow *self)
{
  g_autoptr(GDateTime) current = amap_tour_format_departure (self->tour, self->plan);
  g_autoptr(GDateTime) departure = NULL;

  if (self->updating || self->tour == NULL)
    return;

  departure = g_date_time_new_local (g_date_time_get_year (current), g_date_time_get_month (current),
                                     g_date_time_get_day_of_month (current),
                                     gtk_spin_button_get_value_as_int (self->depart_hour),
                                     gtk_spin_button_get_value_as_int (self->depart_minute), 0);
  if (g_date_time_equal (departure, current) && amap_tour_get_departure (self->tour) != NULL)
    return;
  set_departure (self, departure);
}

static void
set_latest_return (AmapTourSettingsRow *self,
                   int            hour,
                   int            minute)
{
  g_autoptr(AmapTour) edited = edit_copy (self);
  g_autoptr(GDateTime) departure = amap_tour_format_departure (self->tour, self->plan);
  g_autoptr(GDateTime) latest = NULL;

  if (edited == NULL)
    return;

  latest = g_date_time_new_local (g_date_time_get_year (departure), g_date_time_get_month (departure),
                                  g_date_time_get_day_of_month (departure), hour, minute, 0);
  if (g_date_time_compare (latest, departure) <= 0)
    {
      GDateTime *next = g_date_time_add_days (latest, 1);

      g_date_time_unref (latest);
      latest = next;
    }

  /* A departure set explicitly, so that the two stay a pair. */
  if (amap_tour_get_departure (edited) == NULL)
    amap_tour_set_departure (edited, departure);
  amap_tour_set_latest_return (edited, latest);
  emit_edited (self, edited);
}

static void
on_return_switch_cb (AmapTourSettingsRow *self)
{
  g_autoptr(GDateTime) departure = NULL;

  if (self->updating || self->tour == NULL)
    return;

  if (!gtk_switch_get_active (self->return_switch))
    {
      g_autoptr(AmapTour) edited = edit_copy (self);

      amap_tour_set_latest_return (edited, NULL);
      emit_edited (self, edited);
      return;
    }

  /* A first guess: the tour's own length, rounded up to the quarter
   * hour, plus half an hour. */
  departure = amap_tour_format_departure (self->tour, self->plan);
  {
    double total = 3 * 3600;
    g_autoptr(GDateTime) guess = NULL;
    int minutes;

    if (self->plan != NULL && amap_tour_plan_get_schedule (self->plan, 0) != NULL)
      total = amap_schedule_get_total_s (amap_tour_plan_get_schedule (self->plan, 0)) + 1800;
    guess = g_date_time_add_seconds (departure, total);
    minutes = g_date_time_get_hour (guess) * 60 + g_date_time_get_minute (guess);
    minutes = ((minutes + 14) / 15) * 15;
    set_latest_return (self, (minutes / 60) % 24, minutes % 60);
  }
}

static void
on_return_time_changed_cb (AmapTourSettingsRow *self)
{
  GDateTime *latest;

  if (self->updating || self->tour == NULL)
    return;

  latest = amap_tour_get_latest_return (self->tour);
  if (latest != NULL
      && g_date_time_get_hour (latest) == gtk_spin_button_get_value_as_int (self->return_hour)
      && g_date_time_get_minute (latest) == gtk_spin_button_get_value_as_int (self->return_minute))
    return;

  set_latest_return (self, gtk_spin_button_get_value_as_int (self->return_hour),
                     gtk_spin_button_get_value_as_int (self->return_minute));
}

static void
on_place_selected_cb (AdwComboRow   *row,
                      GParamSpec    *pspec,
                      AmapTourSettingsRow *self)
{
  gboolean is_end = row == self->end_row;
  GArray *places = is_end ? self->end_places : self->start_places;
  guint selected = adw_combo_row_get_selected (row);
  g_autoptr(AmapTour) edited = NULL;
  Place *place;
  double latitude, longitude;

  if (self->updating || self->tour == NULL || selected >= places->len)
    return;

  place = &g_array_index (places, Place, selected);
  latitude = place->latitude;
  longitude = place->longitude;
  if (place->map_center)
    {
      if (self->map_view == NULL)
        return;
      amap_map_view_get_view (self->map_view, &latitude, &longitude, NULL);
    }

  edited = edit_copy (self);
  if (is_end)
    amap_tour_set_end (edited, place->kind, place->uuid, latitude, longitude);
  else
    amap_tour_set_start (edited, place->kind, place->uuid, latitude, longitude);

  if (amap_tour_equal (edited, self->tour))
    return;
  emit_edited (self, edited);
}

static void
on_speed_changed_cb (AmapTourSettingsRow *self)
{
  g_autoptr(AmapTour) edited = NULL;
  double speed = gtk_spin_button_get_value (self->speed_spin);

  if (self->updating || self->tour == NULL)
    return;

  if (amap_tour_format_use_miles ())
    speed *= AMAP_KM_PER_MILE;
  if (fabs (speed - amap_tour_get_speed_kmh (self->tour)) < 0.01)
    return;

  edited = edit_copy (self);
  amap_tour_set_speed_kmh (edited, speed);
  emit_edited (self, edited);
}

static void
on_buses_changed_cb (AmapTourSettingsRow *self)
{
  g_autoptr(AmapTour) edited = NULL;
  guint n = (guint) gtk_spin_button_get_value_as_int (self->buses_spin);

  if (self->updating || self->tour == NULL || n == amap_tour_get_n_buses (self->tour))
    return;

  edited = edit_copy (self);
  amap_tour_set_n_buses (edited, n);
  emit_edited (self, edited);
}


/* Overrides */

static void
amap_tour_settings_row_dispose (GObject *object)
{
  AmapTourSettingsRow *self = AMAP_TOUR_SETTINGS_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_TOUR_SETTINGS_ROW);
  g_clear_object (&self->tour);
  g_clear_object (&self->plan);
  g_clear_object (&self->store);
  g_clear_weak_pointer (&self->map_view);
  g_clear_pointer (&self->located, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_tour_settings_row_parent_class)->dispose (object);
}

static void
amap_tour_settings_row_finalize (GObject *object)
{
  AmapTourSettingsRow *self = AMAP_TOUR_SETTINGS_ROW (object);

  g_array_unref (self->start_places);
  g_array_unref (self->end_places);

  G_OBJECT_CLASS (amap_tour_settings_row_parent_class)->finalize (object);
}

static void
amap_tour_settings_row_class_init (AmapTourSettingsRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = amap_tour_settings_row_dispose;
  object_class->finalize = amap_tour_settings_row_finalize;

  /**
   * AmapTourSettingsRow::edited:
   * @tour: a changed copy of the tour
   *
   * The user changed a setting; the panel stores @tour.
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_TOUR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-tour-settings-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, date_button);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, date_popover);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, calendar);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, depart_button);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, depart_hour);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, depart_minute);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, return_button);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, return_hour);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, return_minute);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, return_switch);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, start_row);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, end_row);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, speed_row);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, speed_spin);
  gtk_widget_class_bind_template_child (widget_class, AmapTourSettingsRow, buses_spin);
}

static void
amap_tour_settings_row_init (AmapTourSettingsRow *self)
{
  self->start_places = g_array_new (FALSE, TRUE, sizeof (Place));
  g_array_set_clear_func (self->start_places, place_clear);
  self->end_places = g_array_new (FALSE, TRUE, sizeof (Place));
  g_array_set_clear_func (self->end_places, place_clear);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (on_date_selected_cb), self);
  g_signal_connect_swapped (self->depart_hour, "value-changed", G_CALLBACK (on_departure_time_changed_cb), self);
  g_signal_connect_swapped (self->depart_minute, "value-changed", G_CALLBACK (on_departure_time_changed_cb), self);
  g_signal_connect_swapped (self->return_switch, "notify::active", G_CALLBACK (on_return_switch_cb), self);
  g_signal_connect_swapped (self->return_hour, "value-changed", G_CALLBACK (on_return_time_changed_cb), self);
  g_signal_connect_swapped (self->return_minute, "value-changed", G_CALLBACK (on_return_time_changed_cb), self);
  g_signal_connect (self->start_row, "notify::selected", G_CALLBACK (on_place_selected_cb), self);
  g_signal_connect (self->end_row, "notify::selected", G_CALLBACK (on_place_selected_cb), self);
  g_signal_connect_swapped (self->speed_spin, "value-changed", G_CALLBACK (on_speed_changed_cb), self);
  g_signal_connect_swapped (self->buses_spin, "value-changed", G_CALLBACK (on_buses_changed_cb), self);
  g_signal_connect (self->depart_hour, "output", G_CALLBACK (on_two_digits_output_cb), NULL);
  g_signal_connect (self->depart_minute, "output", G_CALLBACK (on_two_digits_output_cb), NULL);
  g_signal_connect (self->return_hour, "output", G_CALLBACK (on_two_digits_output_cb), NULL);
  g_signal_connect (self->return_minute, "output", G_CALLBACK (on_two_digits_output_cb), NULL);
}

/* Public API */

GtkWidget *
amap_tour_settings_row_new (void)
{
  return g_object_new (AMAP_TYPE_TOUR_SETTINGS_ROW, NULL);
}

void
amap_tour_settings_row_set_context (AmapTourSettingsRow *self,
                                    AmapStore           *store,
                                    AmapMapView         *map_view)
{
  g_return_if_fail (AMAP_IS_TOUR_SETTINGS_ROW (self));
  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (map_view == NULL || AMAP_IS_MAP_VIEW (map_view));

  g_set_object (&self->store, store);
  g_set_weak_pointer (&self->map_view, map_view);
  amap_tour_settings_row_forget_places (self);
}

void
amap_tour_settings_row_update (AmapTourSettingsRow *self,
                               AmapTour            *tour,
                               AmapTourPlan        *plan)
{
  g_return_if_fail (AMAP_IS_TOUR_SETTINGS_ROW (self));

  g_set_object (&self->tour, tour);
  g_set_object (&self->plan, plan);
  if (self->tour == NULL || self->store == NULL)
    return;

  self->updating = TRUE;
  update_widgets (self);
  self->updating = FALSE;
}

void
amap_tour_settings_row_forget_places (AmapTourSettingsRow *self)
{
  g_return_if_fail (AMAP_IS_TOUR_SETTINGS_ROW (self));

  g_clear_pointer (&self->located, g_ptr_array_unref);
}
