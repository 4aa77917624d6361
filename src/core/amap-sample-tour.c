/* amap-sample-tour.c: the tour that comes with the sample neighborhood
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-sample-tour"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-sample-tour.h"
#include "amap-tour.h"

/* The stops, by the sample's stable uuids, in a loop from the school:
 * north-west to the senior center, south along the library, the bakery
 * and the park to the pantry, then back north-east past the market, the
 * clinic and the family center. */
static const struct
{
  const char *uuid;
  int         dwell_minutes;
  const char *note;
} sample_stops[] = {
  { "e1cc3a3d-248c-5cd2-9a12-9ab8812f04fa", 10,
    N_("Grandparents who want to read with our first graders: ask who could start in January, "
       "and invite the center to the third grade’s holiday songs.") },
  { "a566f951-f1ef-5e47-8084-3b46ccb1eb66", 15,
    N_("Grace Liu, children’s librarian (English, Cantonese). Bilingual story time and the library "
       "card drive: ask for a table at back-to-school night.") },
  { "0d96f682-373b-574e-96c2-43f2396872f8", 10,
    N_("Marisol Vega, owner (Spanish). Thank her for the pan dulce at family nights; she is looking "
       "for summer interns who speak Spanish and English.") },
  { "aa6bf51a-8253-5127-8f23-52367a554ebd", 10,
    N_("Free summer lunches and the playground our families use. Look at the dark east path before "
       "the safety walk.") },
  { "36627d7d-c4b2-5f8b-85d3-9285797ad23e", 15,
    N_("Beatriz Núñez, coordinator. Groceries for 300 families a week and the backpack program; "
       "they need storage space. Could our old book room do?") },
  { "27313625-4212-55b3-955a-a26b07856acb", 10,
    N_("Where families meet on Sundays, 9 to 1. The market offers us a booth: who on the staff can "
       "take a Sunday this month?") },
  { "fb88e6a8-6fc8-5e2d-b1a3-e39db1aa13a4", 15,
    N_("Ana Morales, community health worker (Spanish, Mam). The dental van could come to school "
       "twice a year: agree on dates and a room.") },
  { "54ee6200-cbdb-564a-b2cd-6e4354dfa969", 15,
    N_("Jorge Méndez, program director. Head Start and ESL classes for parents; they want to hear "
       "about families new to the neighborhood.") },
};

/* 08:30 on the next day from Monday to Friday. */
static GDateTime *
next_weekday_at (int hour,
                 int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, 1);

  while (g_date_time_get_day_of_week (day) > 5)
    {
      GDateTime *next = g_date_time_add_days (day, 1);

      g_date_time_unref (day);
      day = next;
    }

  return g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                g_date_time_get_day_of_month (day), hour, minute, 0);
}

gboolean
amap_sample_tour_add (AmapStore  *store,
                      GError    **error)
{
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(AmapTour) existing = NULL;
  g_autoptr(GDateTime) departure = NULL;
  g_autoptr(GDateTime) latest = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);

  /* Translators: the name of the sample neighborhood's bus tour. */
  existing = amap_store_find_tour (store, _("Staff welcome tour"), NULL);
  if (existing != NULL)
    return TRUE;

  tour = amap_tour_new (_("Staff welcome tour"));
  departure = next_weekday_at (8, 30);
  latest = g_date_time_add_hours (departure, 3);
  amap_tour_set_departure (tour, departure);
  amap_tour_set_latest_return (tour, latest);

  for (guint i = 0; i < G_N_ELEMENTS (sample_stops); i++)
    {
      g_autoptr(AmapAsset) asset = amap_store_get_asset (store, sample_stops[i].uuid, NULL);
      g_autoptr(AmapTourStop) stop = NULL;

      if (asset == NULL || !amap_asset_get_has_location (asset))
        continue;

      stop = amap_tour_stop_new (sample_stops[i].uuid);
      amap_tour_stop_set_dwell_minutes (stop, sample_stops[i].dwell_minutes);
      amap_tour_stop_set_note (stop, _(sample_stops[i].note));
      amap_tour_insert_stop (tour, amap_tour_get_n_stops (tour), stop);
    }

  /* One undo step of its own, right after the sample's import. */
  return amap_store_add_tour (store, tour, error);
}
