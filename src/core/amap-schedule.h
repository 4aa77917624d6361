/* amap-schedule.h: when a bus gets where, from its departure, the legs'
 * driving times and the stops' dwell times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Times are GDateTime in the zone of the departure (the local zone in the
 * app): adding durations to a GDateTime keeps midnight and daylight-saving
 * changes right. */
typedef struct
{
  GDateTime *arrival;
  GDateTime *departure;     /* arrival + dwell */
  double     leg_distance_m;  /* of the leg that arrives here */
  double     leg_duration_s;
} AmapScheduleStop;

typedef struct _AmapSchedule AmapSchedule;

#define AMAP_TYPE_SCHEDULE (amap_schedule_get_type ())
GType             amap_schedule_get_type         (void);

/* @leg_distances_m and @leg_durations_s have @n_stops + 1 entries (start to
 * the first stop, …, the last stop to the end; with no stops, start to
 * end); @dwell_minutes has @n_stops. @latest_return may be NULL. */
AmapSchedule     *amap_schedule_new              (GDateTime    *departure,
                                                  GDateTime    *latest_return,
                                                  const double *leg_distances_m,
                                                  const double *leg_durations_s,
                                                  const int    *dwell_minutes,
                                                  guint         n_stops);
AmapSchedule     *amap_schedule_ref              (AmapSchedule *self);
void              amap_schedule_unref            (AmapSchedule *self);

guint             amap_schedule_get_n_stops      (AmapSchedule *self);
const AmapScheduleStop *amap_schedule_get_stop   (AmapSchedule *self,
                                                  guint         index);
GDateTime        *amap_schedule_get_departure    (AmapSchedule *self);
/* NULL when there is none. */
GDateTime        *amap_schedule_get_latest_return (AmapSchedule *self);
/* Arrival at the end. */
GDateTime        *amap_schedule_get_return       (AmapSchedule *self);
double            amap_schedule_get_distance_m   (AmapSchedule *self);
double            amap_schedule_get_driving_s    (AmapSchedule *self);
/* Departure to return, dwell included. */
double            amap_schedule_get_total_s      (AmapSchedule *self);
/* TRUE when the return is later than the latest return; @minutes_late
 * (optional) says by how much, rounded up. */
gboolean          amap_schedule_is_late          (AmapSchedule *self,
                                                  int          *minutes_late);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapSchedule, amap_schedule_unref)

G_END_DECLS
