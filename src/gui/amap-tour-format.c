/* amap-tour-format.c: distances, durations and times of a tour as the
 * tour panel writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-panel"

#include "config.h"

#include <langinfo.h>
#include <math.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "amap-tour-format.h"

#define DEFAULT_DEPARTURE_HOUR 9

gboolean
amap_tour_format_use_miles (void)
{
#ifdef _NL_MEASUREMENT_MEASUREMENT
  const char *measurement = nl_langinfo (_NL_MEASUREMENT_MEASUREMENT);

  return measurement != NULL && measurement[0] == 2;
#else
  return FALSE;
#endif
}

char *
amap_tour_format_distance (double meters)
{
  gboolean miles = amap_tour_format_use_miles ();
  double value = miles ? meters / 1000.0 / AMAP_KM_PER_MILE : meters / 1000.0;

  if (miles)
    /* Translators: a distance in miles. */
    return g_strdup_printf (value < 10 ? _("%.1f mi") : _("%.0f mi"), value);
  /* Translators: a distance in kilometres. */
  return g_strdup_printf (value < 10 ? _("%.1f km") : _("%.0f km"), value);
}

char *
amap_tour_format_duration (double seconds)
{
  int minutes = (int) ceil (seconds / 60.0 - 1e-6);

  if (minutes < 60)
    /* Translators: a duration under an hour. */
    return g_strdup_printf (_("%d min"), MAX (minutes, 0));
  if (minutes % 60 == 0)
    /* Translators: a duration in whole hours. */
    return g_strdup_printf (_("%d h"), minutes / 60);
  /* Translators: a duration of hours and minutes: "2 h 05 min". */
  return g_strdup_printf (_("%d h %02d min"), minutes / 60, minutes % 60);
}

/* GNOME's clock format, where its settings are installed. */
static gboolean
clock_is_12h (void)
{
  static int twelve = -1;

  if (twelve < 0)
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      twelve = 0;
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
      if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
        {
          g_autoptr(GSettings) settings = g_settings_new ("org.gnome.desktop.interface");
          g_autofree char *format = g_settings_get_string (settings, "clock-format");

          twelve = g_strcmp0 (format, "12h") == 0;
        }
    }

  return twelve == 1;
}

char *
amap_tour_format_time (GDateTime *time,
                       GDateTime *day)
{
  const char *format = clock_is_12h () ? "%l:%M %p" : "%H:%M";
  g_autofree char *text = NULL;

  if (time == NULL)
    return g_strdup ("");

  text = g_date_time_format (time, format);
  g_strstrip (text);
  if (day != NULL
      && (g_date_time_get_day_of_year (time) != g_date_time_get_day_of_year (day)
          || g_date_time_get_year (time) != g_date_time_get_year (day)))
    {
      g_autofree char *weekday = g_date_time_format (time, "%a");

      /* Translators: a time on another day than the tour's: "00:15 (Wed)". */
      return g_strdup_printf (_("%s (%s)"), text, weekday);
    }

  return g_steal_pointer (&text);
}

char *
amap_tour_format_date (GDateTime *time)
{
  /* Translators: the date of a tour, see g_date_time_format(). */
  return g_date_time_format (time, _("%A, %B %-e"));
}

GDateTime *
amap_tour_format_departure (AmapTour     *tour,
                            AmapTourPlan *plan)
{
  GDateTime *departure = tour != NULL ? amap_tour_get_departure (tour) : NULL;
  g_autoptr(GDateTime) now = NULL;

  if (departure != NULL)
    return g_date_time_ref (departure);

  if (plan != NULL && amap_tour_plan_get_n_buses (plan) > 0)
    {
      AmapSchedule *schedule = amap_tour_plan_get_schedule (plan, 0);

      if (schedule != NULL && amap_schedule_get_departure (schedule) != NULL)
        return g_date_time_ref (amap_schedule_get_departure (schedule));
    }

  now = g_date_time_new_now_local ();
  return g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now), DEFAULT_DEPARTURE_HOUR, 0, 0);
}
