/* amap-schedule.c: when a bus gets where, from its departure, the legs'
 * driving times and the stops' dwell times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-schedule"

#include "config.h"

#include <math.h>

#include "amap-schedule.h"

struct _AmapSchedule
{
  gatomicrefcount   ref_count;

  GDateTime        *departure;
  GDateTime        *latest_return;
  GDateTime        *return_time;
  AmapScheduleStop *stops;
  guint             n_stops;
  double            distance_m;
  double            driving_s;
};

G_DEFINE_BOXED_TYPE (AmapSchedule, amap_schedule, amap_schedule_ref, amap_schedule_unref)

/* Seconds as a GTimeSpan. GDateTime adds time spans to the instant, not
 * to the wall clock, so a tour across midnight or a daylight-saving
 * change comes out at the right local time. A leg that is not a number
 * (a broken stored route) counts as no time rather than poisoning every
 * later time. */
static GTimeSpan
seconds_to_span (double seconds)
{
  if (!isfinite (seconds) || seconds < 0.0)
    return 0;

  return (GTimeSpan) llround (seconds * G_TIME_SPAN_SECOND);
}

static double
sane (double value)
{
  return isfinite (value) && value > 0.0 ? value : 0.0;
}

/**
 * amap_schedule_new:
 * @departure: when the bus leaves the start
 * @latest_return: (nullable): when it must be back at the latest
 * @leg_distances_m: (array): @n_stops + 1 distances
 * @leg_durations_s: (array): @n_stops + 1 driving times
 * @dwell_minutes: (array) (nullable): @n_stops times at the stops
 *
 * Returns: (transfer full): the schedule.
 */
AmapSchedule *
amap_schedule_new (GDateTime    *departure,
                   GDateTime    *latest_return,
                   const double *leg_distances_m,
                   const double *leg_durations_s,
                   const int    *dwell_minutes,
                   guint         n_stops)
{
  AmapSchedule *self;
  g_autoptr(GDateTime) t = NULL;

  g_return_val_if_fail (departure != NULL, NULL);
  g_return_val_if_fail (leg_distances_m != NULL, NULL);
  g_return_val_if_fail (leg_durations_s != NULL, NULL);
  g_return_val_if_fail (n_stops == 0 || dwell_minutes != NULL, NULL);

  self = g_new0 (AmapSchedule, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->departure = g_date_time_ref (departure);
  self->latest_return = latest_return ? g_date_time_ref (latest_return) : NULL;
  self->n_stops = n_stops;
  self->stops = g_new0 (AmapScheduleStop, n_stops);

  t = g_date_time_ref (departure);
  for (guint i = 0; i <= n_stops; i++)
    {
      GDateTime *arrival = g_date_time_add (t, seconds_to_span (leg_durations_s[i]));

      self->distance_m += sane (leg_distances_m[i]);
      self->driving_s += sane (leg_durations_s[i]);
      g_date_time_unref (t);

      if (i == n_stops)
        {
          self->return_time = arrival;
          t = NULL;
          break;
        }

      self->stops[i].arrival = arrival;
      self->stops[i].departure =
        g_date_time_add_minutes (arrival, MAX (dwell_minutes[i], 0));
      self->stops[i].leg_distance_m = sane (leg_distances_m[i]);
      self->stops[i].leg_duration_s = sane (leg_durations_s[i]);
      t = g_date_time_ref (self->stops[i].departure);
    }

  return self;
}

AmapSchedule *
amap_schedule_ref (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
amap_schedule_unref (AmapSchedule *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->n_stops; i++)
    {
      g_clear_pointer (&self->stops[i].arrival, g_date_time_unref);
      g_clear_pointer (&self->stops[i].departure, g_date_time_unref);
    }
  g_free (self->stops);
  g_clear_pointer (&self->departure, g_date_time_unref);
  g_clear_pointer (&self->latest_return, g_date_time_unref);
  g_clear_pointer (&self->return_time, g_date_time_unref);
  g_free (self);
}

guint
amap_schedule_get_n_stops (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_stops;
}

const AmapScheduleStop *
amap_schedule_get_stop (AmapSchedule *self,
                        guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_stops, NULL);

  return &self->stops[index];
}

GDateTime *
amap_schedule_get_departure (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->departure;
}

GDateTime *
amap_schedule_get_latest_return (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->latest_return;
}

GDateTime *
amap_schedule_get_return (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->return_time;
}

double
amap_schedule_get_distance_m (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->distance_m;
}

double
amap_schedule_get_driving_s (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->driving_s;
}

double
amap_schedule_get_total_s (AmapSchedule *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return (double) g_date_time_difference (self->return_time, self->departure) / G_TIME_SPAN_SECOND;
}

gboolean
amap_schedule_is_late (AmapSchedule *self,
                       int          *minutes_late)
{
  GTimeSpan late;

  g_return_val_if_fail (self != NULL, FALSE);

  if (minutes_late != NULL)
    *minutes_late = 0;

  if (self->latest_return == NULL)
    return FALSE;

  late = g_date_time_difference (self->return_time, self->latest_return);
  if (late <= 0)
    return FALSE;

  if (minutes_late != NULL)
    *minutes_late = (int) ((late + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE);

  return TRUE;
}
