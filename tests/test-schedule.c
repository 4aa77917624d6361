/* test-schedule.c: arrival and departure times from the departure, the
 * legs and the dwell times; midnight, daylight saving, lateness
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "amap-schedule.h"

#define MINUTES(m) ((m) * 60.0)

static void
assert_local_time (GDateTime *dt,
                   int        year,
                   int        month,
                   int        day,
                   int        hour,
                   int        minute,
                   int        utc_offset_hours)
{
  g_autofree char *s = g_date_time_format (dt, "%F %T %z");

  g_test_message ("%s", s);
  g_assert_cmpint (g_date_time_get_year (dt), ==, year);
  g_assert_cmpint (g_date_time_get_month (dt), ==, month);
  g_assert_cmpint (g_date_time_get_day_of_month (dt), ==, day);
  g_assert_cmpint (g_date_time_get_hour (dt), ==, hour);
  g_assert_cmpint (g_date_time_get_minute (dt), ==, minute);
  g_assert_cmpint (g_date_time_get_second (dt), ==, 0);
  if (utc_offset_hours != G_MININT)
    g_assert_cmpint (g_date_time_get_utc_offset (dt), ==,
                     (GTimeSpan) utc_offset_hours * G_TIME_SPAN_HOUR);
}

static void
test_basic (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 0, 0);
  const double distances[] = { 5000, 6000, 2000 };
  const double durations[] = { MINUTES (10), MINUTES (15), MINUTES (5) };
  const int dwell[] = { 15, 20 };
  g_autoptr(AmapSchedule) schedule =
    amap_schedule_new (dep, NULL, distances, durations, dwell, 2);
  const AmapScheduleStop *stop;
  int late = -1;

  g_assert_cmpuint (amap_schedule_get_n_stops (schedule), ==, 2);
  g_assert_true (amap_schedule_get_departure (schedule) == dep);
  g_assert_null (amap_schedule_get_latest_return (schedule));

  stop = amap_schedule_get_stop (schedule, 0);
  assert_local_time (stop->arrival, 2026, 9, 14, 9, 10, G_MININT);
  assert_local_time (stop->departure, 2026, 9, 14, 9, 25, G_MININT);
  g_assert_cmpfloat (stop->leg_distance_m, ==, 5000);
  g_assert_cmpfloat (stop->leg_duration_s, ==, 600);

  stop = amap_schedule_get_stop (schedule, 1);
  assert_local_time (stop->arrival, 2026, 9, 14, 9, 40, G_MININT);
  assert_local_time (stop->departure, 2026, 9, 14, 10, 0, G_MININT);
  g_assert_cmpfloat (stop->leg_distance_m, ==, 6000);

  assert_local_time (amap_schedule_get_return (schedule), 2026, 9, 14, 10, 5, G_MININT);
  g_assert_cmpfloat (amap_schedule_get_distance_m (schedule), ==, 13000);
  g_assert_cmpfloat (amap_schedule_get_driving_s (schedule), ==, MINUTES (30));
  g_assert_cmpfloat (amap_schedule_get_total_s (schedule), ==, MINUTES (65));
  g_assert_false (amap_schedule_is_late (schedule, &late));
  g_assert_cmpint (late, ==, 0);
}

static void
test_no_stops (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 0, 0);
  const double distances[] = { 1200 };
  const double durations[] = { 172.8 };
  g_autoptr(AmapSchedule) schedule =
    amap_schedule_new (dep, NULL, distances, durations, NULL, 0);

  g_assert_cmpuint (amap_schedule_get_n_stops (schedule), ==, 0);
  g_assert_cmpfloat (amap_schedule_get_distance_m (schedule), ==, 1200);
  g_assert_cmpfloat_with_epsilon (amap_schedule_get_total_s (schedule), 172.8, 1e-6);
  g_assert_cmpint (g_date_time_get_second (amap_schedule_get_return (schedule)), ==, 52);
}

static void
test_midnight (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 12, 31, 23, 30, 0);
  const double distances[] = { 18000, 12000 };
  const double durations[] = { MINUTES (45), MINUTES (30) };
  const int dwell[] = { 30 };
  g_autoptr(AmapSchedule) schedule =
    amap_schedule_new (dep, NULL, distances, durations, dwell, 1);
  const AmapScheduleStop *stop = amap_schedule_get_stop (schedule, 0);

  assert_local_time (stop->arrival, 2027, 1, 1, 0, 15, -8);
  assert_local_time (stop->departure, 2027, 1, 1, 0, 45, -8);
  assert_local_time (amap_schedule_get_return (schedule), 2027, 1, 1, 1, 15, -8);
  g_assert_cmpfloat (amap_schedule_get_total_s (schedule), ==, MINUTES (105));
}

/* In Los Angeles, 2026-11-01 01:59:59 PDT is followed by 01:00:00 PST: the
 * hour from one to two happens twice. */
static void
test_dst_fall_back (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 11, 1, 0, 30, 0);
  const double distances[] = { 20000, 20000 };
  const double durations[] = { MINUTES (60), MINUTES (60) };
  const int dwell[] = { 60 };
  g_autoptr(GDateTime) latest = NULL;
  g_autoptr(AmapSchedule) schedule = NULL;
  const AmapScheduleStop *stop;
  int late = 0;

  assert_local_time (dep, 2026, 11, 1, 0, 30, -7);

  /* Back by 02:00 on the clock: a wall-clock sum (00:30 + 3 h = 03:30)
   * would say an hour late; in fact the bus is back at 02:30 PST, three
   * hours of real time later. */
  latest = g_date_time_new_local (2026, 11, 1, 2, 0, 0);
  schedule = amap_schedule_new (dep, latest, distances, durations, dwell, 1);

  stop = amap_schedule_get_stop (schedule, 0);
  /* Arrives at 01:30 PDT and leaves an hour later at 01:30 PST. */
  assert_local_time (stop->arrival, 2026, 11, 1, 1, 30, -7);
  assert_local_time (stop->departure, 2026, 11, 1, 1, 30, -8);
  assert_local_time (amap_schedule_get_return (schedule), 2026, 11, 1, 2, 30, -8);
  g_assert_cmpfloat (amap_schedule_get_total_s (schedule), ==, MINUTES (180));

  g_assert_true (amap_schedule_is_late (schedule, &late));
  g_assert_cmpint (late, ==, 30);
}

/* 2026-03-08 02:00 PST is 03:00 PDT: the hour from two to three does not
 * exist. */
static void
test_dst_spring_forward (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 3, 8, 1, 15, 0);
  const double distances[] = { 10000, 10000 };
  const double durations[] = { MINUTES (30), MINUTES (30) };
  const int dwell[] = { 45 };
  g_autoptr(GDateTime) latest = g_date_time_new_local (2026, 3, 8, 4, 0, 0);
  g_autoptr(AmapSchedule) schedule =
    amap_schedule_new (dep, latest, distances, durations, dwell, 1);
  const AmapScheduleStop *stop = amap_schedule_get_stop (schedule, 0);
  int late = -1;

  assert_local_time (dep, 2026, 3, 8, 1, 15, -8);
  assert_local_time (stop->arrival, 2026, 3, 8, 1, 45, -8);
  assert_local_time (stop->departure, 2026, 3, 8, 3, 30, -7);
  assert_local_time (amap_schedule_get_return (schedule), 2026, 3, 8, 4, 0, -7);
  g_assert_cmpfloat (amap_schedule_get_total_s (schedule), ==, MINUTES (105));

  /* Back exactly at the latest return is in time. */
  g_assert_false (amap_schedule_is_late (schedule, &late));
  g_assert_cmpint (late, ==, 0);
}

static void
test_dwell (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 8, 0, 0);
  const double distances[] = { 1000, 1000, 1000, 1000 };
  const double durations[] = { MINUTES (5), MINUTES (5), MINUTES (5), MINUTES (5) };
  /* No time at the first stop (a drive-by), a whole day at the second. */
  const int dwell[] = { 0, 24 * 60 + 90, 15 };
  g_autoptr(AmapSchedule) schedule =
    amap_schedule_new (dep, NULL, distances, durations, dwell, 3);
  const AmapScheduleStop *stop;

  stop = amap_schedule_get_stop (schedule, 0);
  g_assert_true (g_date_time_equal (stop->arrival, stop->departure));
  assert_local_time (stop->arrival, 2026, 9, 14, 8, 5, G_MININT);

  stop = amap_schedule_get_stop (schedule, 1);
  assert_local_time (stop->arrival, 2026, 9, 14, 8, 10, G_MININT);
  assert_local_time (stop->departure, 2026, 9, 15, 9, 40, G_MININT);

  stop = amap_schedule_get_stop (schedule, 2);
  assert_local_time (stop->arrival, 2026, 9, 15, 9, 45, G_MININT);
  assert_local_time (stop->departure, 2026, 9, 15, 10, 0, G_MININT);

  assert_local_time (amap_schedule_get_return (schedule), 2026, 9, 15, 10, 5, G_MININT);
  g_assert_cmpfloat (amap_schedule_get_driving_s (schedule), ==, MINUTES (20));
  g_assert_cmpfloat (amap_schedule_get_total_s (schedule), ==, MINUTES (20 + 24 * 60 + 90 + 15));
}

static void
test_late (void)
{
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 0, 0);
  g_autoptr(GDateTime) latest = g_date_time_new_local (2026, 9, 14, 10, 0, 0);
  const double distances[] = { 5000, 5000 };
  /* 10:07:30: seven and a half minutes late, which rounds up to eight. */
  const double durations[] = { MINUTES (20), MINUTES (17.5) };
  const int dwell[] = { 30 };
  g_autoptr(AmapSchedule) schedule =
    amap_schedule_new (dep, latest, distances, durations, dwell, 1);
  g_autoptr(AmapSchedule) ref = NULL;
  int late = 0;

  g_assert_true (g_date_time_equal (amap_schedule_get_latest_return (schedule), latest));
  g_assert_true (amap_schedule_is_late (schedule, &late));
  g_assert_cmpint (late, ==, 8);
  g_assert_true (amap_schedule_is_late (schedule, NULL));

  ref = amap_schedule_ref (schedule);
  g_assert_true (ref == schedule);

  /* A second over is late too: a minute, rounded up. */
  {
    const double d2[] = { MINUTES (20), MINUTES (10) + 1 };
    g_autoptr(AmapSchedule) s2 = amap_schedule_new (dep, latest, distances, d2, dwell, 1);

    g_assert_true (amap_schedule_is_late (s2, &late));
    g_assert_cmpint (late, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything reads the local time zone. */
  g_setenv ("TZ", "America/Los_Angeles", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/schedule/basic", test_basic);
  g_test_add_func ("/schedule/no-stops", test_no_stops);
  g_test_add_func ("/schedule/midnight", test_midnight);
  g_test_add_func ("/schedule/dst-fall-back", test_dst_fall_back);
  g_test_add_func ("/schedule/dst-spring-forward", test_dst_spring_forward);
  g_test_add_func ("/schedule/dwell", test_dwell);
  g_test_add_func ("/schedule/late", test_late);

  return g_test_run ();
}
