/* test-tour.c: AmapTour and AmapTourStop, the value objects of a tour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-error.h"
#include "amap-tour.h"

static void
count_cb (gpointer  object,
          gpointer  data)
{
  (*(guint *)data)++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    data)
{
  (*(guint *)data)++;
}

/* A tour with stops "a".."e" (as many as @n) on bus 0. */
static AmapTour *
make_tour (guint n)
{
  AmapTour *tour = amap_tour_new ("Staff welcome tour");

  for (guint i = 0; i < n; i++)
    {
      char uuid[2] = { (char) ('a' + i), '\0' };
      g_autoptr(AmapTourStop) stop = amap_tour_stop_new (uuid);

      amap_tour_insert_stop (tour, i, stop);
    }

  return tour;
}

/* The stops' uuids joined, e.g. "abc". */
static char *
stop_string (AmapTour *tour)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < amap_tour_get_n_stops (tour); i++)
    g_string_append (s, amap_tour_stop_get_asset_uuid (amap_tour_get_stop (tour, i)));

  return g_string_free (s, FALSE);
}

static void
assert_stops (AmapTour   *tour,
              const char *expected)
{
  g_autofree char *s = stop_string (tour);

  g_assert_cmpstr (s, ==, expected);
}

static void
test_defaults (void)
{
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(AmapTourStop) stop = amap_tour_stop_new ("u1");
  const char *uuid = "x";
  double lat = 0, lon = 0;

  g_assert_cmpint (amap_tour_get_id (tour), ==, 0);
  g_assert_cmpstr (amap_tour_get_name (tour), ==, "Tour");
  g_assert_null (amap_tour_get_departure (tour));
  g_assert_null (amap_tour_get_latest_return (tour));
  g_assert_cmpfloat (amap_tour_get_speed_kmh (tour), ==, 25.0);
  g_assert_cmpuint (amap_tour_get_n_buses (tour), ==, 1);
  g_assert_cmpuint (amap_tour_get_n_stops (tour), ==, 0);
  g_assert_cmpint (amap_tour_get_start (tour, &uuid, &lat, &lon), ==, AMAP_TOUR_PLACE_HOME);
  g_assert_null (uuid);
  g_assert_true (isnan (lat) && isnan (lon));
  g_assert_cmpint (amap_tour_get_end (tour, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_START);

  g_assert_cmpstr (amap_tour_stop_get_asset_uuid (stop), ==, "u1");
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (stop), ==, 15);
  g_assert_null (amap_tour_stop_get_note (stop));
  g_assert_cmpuint (amap_tour_stop_get_bus (stop), ==, 0);

  /* With no departure, a schedule starts at 09:00 today, local time. */
  {
    g_autoptr(GDateTime) start = amap_tour_dup_schedule_departure (tour);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    g_assert_cmpint (g_date_time_get_hour (start), ==, 9);
    g_assert_cmpint (g_date_time_get_minute (start), ==, 0);
    g_assert_cmpint (g_date_time_get_day_of_year (start), ==, g_date_time_get_day_of_year (now));
  }
}

static void
test_properties_notify (void)
{
  g_autoptr(AmapTour) tour = amap_tour_new ("Tour");
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 30, 0);
  g_autoptr(GDateTime) same = g_date_time_new_local (2026, 9, 14, 9, 30, 0);
  g_autoptr(AmapTourStop) stop = amap_tour_stop_new ("u1");
  guint notifies = 0, changes = 0, stop_notifies = 0;
  g_autoptr(GDateTime) got = NULL;

  g_signal_connect (tour, "notify", G_CALLBACK (count_notify_cb), &notifies);
  g_signal_connect (tour, "changed", G_CALLBACK (count_cb), &changes);

  /* Only real changes notify, and each also says "changed". */
  amap_tour_set_name (tour, "Tour");
  amap_tour_set_speed_kmh (tour, 25.0);
  amap_tour_set_n_buses (tour, 1);
  g_assert_cmpuint (notifies, ==, 0);
  g_assert_cmpuint (changes, ==, 0);

  amap_tour_set_departure (tour, dep);
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_cmpuint (changes, ==, 1);
  amap_tour_set_departure (tour, same);
  g_assert_cmpuint (notifies, ==, 1);

  g_object_set (tour, "speed-kmh", 30.0, "name", "Fall tour", NULL);
  g_assert_cmpuint (notifies, ==, 3);
  g_assert_cmpuint (changes, ==, 3);
  g_object_get (tour, "departure", &got, NULL);
  g_assert_true (g_date_time_equal (got, dep));
  g_assert_cmpstr (amap_tour_get_name (tour), ==, "Fall tour");
  g_assert_cmpfloat (amap_tour_get_speed_kmh (tour), ==, 30.0);

  amap_tour_set_latest_return (tour, NULL);
  g_assert_cmpuint (notifies, ==, 3);

  /* The start and the end are not properties, but they are changes. */
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_POINT, NULL, 37.8, -122.27);
  g_assert_cmpuint (changes, ==, 4);
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_POINT, NULL, 37.8, -122.27);
  g_assert_cmpuint (changes, ==, 4);
  /* What the kind does not use is dropped. */
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_START, "ignored", 1, 2);
  g_assert_cmpuint (changes, ==, 4);
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_ASSET, "asset-9", NAN, NAN);
  g_assert_cmpuint (changes, ==, 5);
  g_assert_cmpuint (notifies, ==, 3);

  /* A stop's change is a change of the tour. */
  g_signal_connect (stop, "notify", G_CALLBACK (count_notify_cb), &stop_notifies);
  amap_tour_insert_stop (tour, 0, stop);
  g_assert_cmpuint (changes, ==, 6);
  amap_tour_stop_set_dwell_minutes (stop, 15);
  amap_tour_stop_set_note (stop, "");
  g_assert_cmpuint (stop_notifies, ==, 0);
  amap_tour_stop_set_dwell_minutes (stop, 40);
  amap_tour_stop_set_note (stop, "Ask about the summer program");
  g_assert_cmpuint (stop_notifies, ==, 2);
  g_assert_cmpuint (changes, ==, 8);

  /* Once out of the tour, it is not. */
  amap_tour_remove_stop (tour, 0);
  g_assert_cmpuint (changes, ==, 9);
  amap_tour_stop_set_dwell_minutes (stop, 5);
  g_assert_cmpuint (changes, ==, 9);
}

static void
test_copy_equal (void)
{
  g_autoptr(AmapTour) tour = make_tour (3);
  g_autoptr(AmapTour) copy = NULL;
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 30, 0);
  g_autoptr(GDateTime) back = g_date_time_new_local (2026, 9, 14, 14, 0, 0);
  guint changes = 0;

  amap_tour_set_id (tour, 7);
  amap_tour_set_departure (tour, dep);
  amap_tour_set_latest_return (tour, back);
  amap_tour_set_n_buses (tour, 2);
  amap_tour_stop_set_bus (amap_tour_get_stop (tour, 1), 1);
  amap_tour_stop_set_note (amap_tour_get_stop (tour, 2), "Meet Ms. Diaz");
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_POINT, NULL, 37.8, -122.2);
  amap_tour_set_created (tour, 1000);
  amap_tour_set_modified (tour, 2000);

  copy = amap_tour_copy (tour);
  g_assert_true (amap_tour_equal (tour, copy));
  assert_stops (copy, "abc");

  /* Deep: the copy's stops are its own, and it watches them. */
  g_assert_true (amap_tour_get_stop (copy, 0) != amap_tour_get_stop (tour, 0));
  g_signal_connect (copy, "changed", G_CALLBACK (count_cb), &changes);
  amap_tour_stop_set_dwell_minutes (amap_tour_get_stop (copy, 0), 0);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpint (amap_tour_stop_get_dwell_minutes (amap_tour_get_stop (tour, 0)), ==, 15);
  g_assert_false (amap_tour_equal (tour, copy));
  amap_tour_stop_set_dwell_minutes (amap_tour_get_stop (copy, 0), 15);
  g_assert_true (amap_tour_equal (tour, copy));

  /* Each field counts. */
  amap_tour_set_latest_return (copy, NULL);
  g_assert_false (amap_tour_equal (tour, copy));
  amap_tour_set_latest_return (copy, back);
  amap_tour_set_end (copy, AMAP_TOUR_PLACE_POINT, NULL, 37.8, -122.3);
  g_assert_false (amap_tour_equal (tour, copy));
  amap_tour_set_end (copy, AMAP_TOUR_PLACE_POINT, NULL, 37.8, -122.2);
  g_assert_true (amap_tour_equal (tour, copy));
  amap_tour_stop_set_bus (amap_tour_get_stop (copy, 1), 0);
  g_assert_false (amap_tour_equal (tour, copy));
  amap_tour_stop_set_bus (amap_tour_get_stop (copy, 1), 1);
  amap_tour_move_stop (copy, 0, 2);
  g_assert_false (amap_tour_equal (tour, copy));
  amap_tour_move_stop (copy, 2, 0);
  g_assert_true (amap_tour_equal (tour, copy));
  amap_tour_set_modified (copy, 2001);
  g_assert_false (amap_tour_equal (tour, copy));

  {
    g_autoptr(AmapTourStop) stop = amap_tour_stop_copy (amap_tour_get_stop (tour, 2));

    g_assert_true (amap_tour_stop_equal (stop, amap_tour_get_stop (tour, 2)));
    g_assert_cmpstr (amap_tour_stop_get_note (stop), ==, "Meet Ms. Diaz");
    amap_tour_stop_set_asset_uuid (stop, "z");
    g_assert_false (amap_tour_stop_equal (stop, amap_tour_get_stop (tour, 2)));
  }
}

static void
assert_invalid (AmapTour   *tour,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (amap_tour_validate (tour, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_validate (void)
{
  g_autoptr(AmapTour) tour = make_tour (2);
  g_autoptr(GDateTime) dep = g_date_time_new_local (2026, 9, 14, 9, 30, 0);
  g_autoptr(GDateTime) early = g_date_time_new_local (2026, 9, 14, 9, 0, 0);
  g_autoptr(GDateTime) back = g_date_time_new_local (2026, 9, 14, 14, 0, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (amap_tour_validate (tour, &error));
  g_assert_no_error (error);

  amap_tour_set_name (tour, "  ");
  assert_invalid (tour, "no name");
  amap_tour_set_name (tour, "Tour");

  amap_tour_set_speed_kmh (tour, 0);
  assert_invalid (tour, "km/h");
  amap_tour_set_speed_kmh (tour, NAN);
  assert_invalid (tour, "km/h");
  amap_tour_set_speed_kmh (tour, 25);

  amap_tour_set_departure (tour, dep);
  amap_tour_set_latest_return (tour, early);
  assert_invalid (tour, "latest return");
  amap_tour_set_latest_return (tour, back);
  g_assert_true (amap_tour_validate (tour, NULL));

  amap_tour_set_start (tour, AMAP_TOUR_PLACE_ASSET, NULL, NAN, NAN);
  assert_invalid (tour, "starts");
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_POINT, NULL, 95, 0);
  assert_invalid (tour, "not on Earth");
  amap_tour_set_start (tour, AMAP_TOUR_PLACE_POINT, NULL, 37.8, -122.3);
  g_assert_true (amap_tour_validate (tour, NULL));
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_ASSET, "", NAN, NAN);
  assert_invalid (tour, "ends");
  amap_tour_set_end (tour, AMAP_TOUR_PLACE_ASSET, "school", NAN, NAN);
  g_assert_true (amap_tour_validate (tour, NULL));

  /* A stop on a bus the tour does not have. */
  amap_tour_stop_set_bus (amap_tour_get_stop (tour, 1), 2);
  assert_invalid (tour, "bus 3");
  amap_tour_set_n_buses (tour, 3);
  g_assert_true (amap_tour_validate (tour, NULL));

  amap_tour_stop_set_asset_uuid (amap_tour_get_stop (tour, 0), NULL);
  assert_invalid (tour, "Stop 1");
}

static void
test_stop_operations (void)
{
  g_autoptr(AmapTour) tour = make_tour (5);
  g_autoptr(AmapTourStop) extra = amap_tour_stop_new ("x");
  guint changes = 0;

  g_signal_connect (tour, "changed", G_CALLBACK (count_cb), &changes);
  assert_stops (tour, "abcde");

  g_assert_cmpint (amap_tour_find_stop (tour, "c"), ==, 2);
  g_assert_cmpint (amap_tour_find_stop (tour, "q"), ==, -1);
  g_assert_cmpint (amap_tour_find_stop (tour, NULL), ==, -1);

  amap_tour_move_stop (tour, 0, 3);
  assert_stops (tour, "bcdae");
  amap_tour_move_stop (tour, 4, 0);
  assert_stops (tour, "ebcda");
  amap_tour_move_stop (tour, 2, 2);
  g_assert_cmpuint (changes, ==, 2);

  amap_tour_insert_stop (tour, 5, extra);
  assert_stops (tour, "ebcdax");
  amap_tour_remove_stop (tour, 0);
  assert_stops (tour, "bcdax");
  amap_tour_insert_stop (tour, 0, extra);
  assert_stops (tour, "xbcdax");
  g_assert_cmpint (amap_tour_find_stop (tour, "x"), ==, 0);
  amap_tour_remove_stop (tour, 5);
  g_assert_cmpuint (changes, ==, 6);

  assert_stops (tour, "xbcda");
}

static void
test_reorder (void)
{
  g_autoptr(AmapTour) tour = make_tour (5);
  const guint order[] = { 4, 3, 0, 1, 2 };
  const guint identity[] = { 0, 1, 2, 3, 4 };
  guint changes = 0;

  g_signal_connect (tour, "changed", G_CALLBACK (count_cb), &changes);

  amap_tour_reorder (tour, order);
  assert_stops (tour, "edabc");
  g_assert_cmpuint (changes, ==, 1);
  amap_tour_reorder (tour, identity);
  assert_stops (tour, "edabc");
  g_assert_cmpuint (changes, ==, 1);

  amap_tour_reverse (tour);
  assert_stops (tour, "cbade");
  g_assert_cmpuint (changes, ==, 2);
}

static void
test_buses (void)
{
  g_autoptr(AmapTour) tour = make_tour (7);
  g_autoptr(GArray) bus0 = NULL;
  g_autoptr(GArray) bus1 = NULL;
  g_autoptr(GArray) bus2 = NULL;
  guint changes = 0;
  /* a b c d e f g on buses 0 1 0 2 1 0 1 */
  const guint buses[] = { 0, 1, 0, 2, 1, 0, 1 };

  amap_tour_set_n_buses (tour, 3);
  for (guint i = 0; i < 7; i++)
    amap_tour_stop_set_bus (amap_tour_get_stop (tour, i), buses[i]);

  bus0 = amap_tour_get_bus_stops (tour, 0);
  bus1 = amap_tour_get_bus_stops (tour, 1);
  bus2 = amap_tour_get_bus_stops (tour, 2);
  g_assert_cmpuint (bus0->len, ==, 3);
  g_assert_cmpuint (g_array_index (bus0, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (bus0, guint, 1), ==, 2);
  g_assert_cmpuint (g_array_index (bus0, guint, 2), ==, 5);
  g_assert_cmpuint (bus1->len, ==, 3);
  g_assert_cmpuint (g_array_index (bus1, guint, 2), ==, 6);
  g_assert_cmpuint (bus2->len, ==, 1);
  g_assert_cmpuint (g_array_index (bus2, guint, 0), ==, 3);

  /* Reversing reverses each bus on its own: bus 0 (a c f) becomes f c a
   * in the same places, bus 1 (b e g) g e b, bus 2 (d) stays. */
  g_signal_connect (tour, "changed", G_CALLBACK (count_cb), &changes);
  amap_tour_reverse (tour);
  assert_stops (tour, "fgcdeab");
  g_assert_cmpuint (changes, ==, 1);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpuint (amap_tour_stop_get_bus (amap_tour_get_stop (tour, i)), ==, buses[i]);

  /* Fewer buses: the stops of the buses that go move to the last one, in
   * one "changed". */
  amap_tour_set_n_buses (tour, 2);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (amap_tour_stop_get_bus (amap_tour_get_stop (tour, 3)), ==, 1);
  g_assert_true (amap_tour_validate (tour, NULL));
  amap_tour_set_n_buses (tour, 1);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpuint (amap_tour_stop_get_bus (amap_tour_get_stop (tour, i)), ==, 0);
  g_assert_cmpuint (changes, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tour/defaults", test_defaults);
  g_test_add_func ("/tour/properties-notify", test_properties_notify);
  g_test_add_func ("/tour/copy-equal", test_copy_equal);
  g_test_add_func ("/tour/validate", test_validate);
  g_test_add_func ("/tour/stop-operations", test_stop_operations);
  g_test_add_func ("/tour/reorder", test_reorder);
  g_test_add_func ("/tour/buses", test_buses);

  return g_test_run ();
}
