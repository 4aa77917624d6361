/* amap-tour-format.h: distances, durations and times of a tour as the
 * tour panel writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-tour-plan.h"

G_BEGIN_DECLS

#define AMAP_KM_PER_MILE 1.609344

/* Miles and mph where the locale measures in them (LC_MEASUREMENT). */
gboolean   amap_tour_format_use_miles  (void);
/* "1.2 km" or "0.7 mi" (whole numbers from 10 up). */
char      *amap_tour_format_distance   (double     meters);
/* "25 min", "2 h", "2 h 05 min", rounded up to the minute. */
char      *amap_tour_format_duration   (double     seconds);
/* "09:05" (or "9:05 AM" with GNOME's 12-hour clock), with the weekday
 * when @time is on another day than @day (may be NULL). "" for NULL. */
char      *amap_tour_format_time       (GDateTime *time,
                                        GDateTime *day);
/* "Wednesday, December 2". */
char      *amap_tour_format_date       (GDateTime *time);
/* When the tour leaves: its departure, else the schedule's default (09:00
 * today), as the plan computes it (@plan may be NULL). A new ref. */
GDateTime *amap_tour_format_departure  (AmapTour     *tour,
                                        AmapTourPlan *plan);

G_END_DECLS
