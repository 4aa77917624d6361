/* tour-fixtures.c: a map with a home, assets and a stored tour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tour-fixtures.h"
#include "writer-fixtures.h"

static const struct
{
  const char *name;
  const char *category;
  double      latitude;
  double      longitude;
  const char *address;
  const char *leader;
  const char *role;
  const char *phone;
} places[TOUR_FIXTURE_MAX_STOPS] = {
  { "Café Luna", "business", 37.7756, -122.2262, "3340 Foothill Blvd", "Ana Ruiz", "Owner", "(510) 555-0101" },
  { "Iglesia San José", "faith", 37.7781, -122.2205, "3550 Foothill Blvd", "Father Tomás", "Pastor", "(510) 555-0144" },
  { "Biblioteca Chávez", "library-arts", 37.7760, -122.2246, "3301 E 12th St", "Mei Lin", "Branch manager", NULL },
  { "Mercado Los Compadres", "business", 37.7734, -122.2236, "3500 International Blvd", "Rafael Soto", "Manager", NULL },
  { "Unity Family Center", "nonprofit", 37.7752, -122.2219, "1900 Fruitvale Ave", "Jorge Méndez", "Director", "(510) 555-0122" },
  { "Plaza Park", "park", 37.7739, -122.2270, NULL, NULL, NULL, NULL },
  { "Senior Center", "public-agency", 37.7790, -122.2262, "3301 E 12th St Suite 101", "Grace Kim", "Coordinator", NULL },
  { "Youth Soccer Fields", "park", 37.7715, -122.2255, NULL, "Luis Ortega", "Coach", "(510) 555-0199" },
};

void
tour_fixture_setup (TourFixture *fixture,
                    guint        n_stops,
                    guint        n_buses)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) departure = g_date_time_new_local (2026, 3, 10, 9, 0, 0);

  g_assert_cmpuint (n_stops, <=, TOUR_FIXTURE_MAX_STOPS);
  memset (fixture, 0, sizeof *fixture);

  fixture->dir = g_dir_make_tmp ("amap-tour-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "map.assetmap", NULL);
  fixture->store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  amap_store_set_home (fixture->store, "Fruitvale Elementary", 37.7772, -122.2236, &error);
  g_assert_no_error (error);

  fixture->tour = amap_tour_new (TOUR_FIXTURE_NAME);
  amap_tour_set_departure (fixture->tour, departure);
  amap_tour_set_n_buses (fixture->tour, n_buses);

  for (guint i = 0; i < n_stops; i++)
    {
      g_autoptr(AmapAsset) asset = amap_asset_new (places[i].name);
      g_autoptr(AmapTourStop) stop = NULL;
      g_autofree char *note = g_strdup_printf ("Talking point for stop %u.", i + 1);

      amap_asset_set_category (asset, places[i].category);
      amap_asset_set_location (asset, places[i].latitude, places[i].longitude);
      amap_asset_set_address (asset, places[i].address);
      amap_asset_set_strengths (asset, "Space for family events");
      amap_asset_set_needs (asset, "Volunteers on Saturdays");
      if (places[i].leader != NULL)
        {
          g_autoptr(AmapContact) contact = amap_contact_new (places[i].leader);

          amap_contact_set_role (contact, places[i].role);
          amap_contact_set_phone (contact, places[i].phone);
          amap_asset_add_contact (asset, contact);
        }
      amap_store_add_asset (fixture->store, asset, &error);
      g_assert_no_error (error);

      fixture->uuids[i] = g_strdup (amap_asset_get_uuid (asset));
      fixture->names[i] = places[i].name;

      stop = amap_tour_stop_new (fixture->uuids[i]);
      amap_tour_stop_set_note (stop, note);
      amap_tour_stop_set_bus (stop, i % MAX (n_buses, 1));
      amap_tour_insert_stop (fixture->tour, i, stop);
    }
  fixture->n_stops = n_stops;

  amap_store_add_tour (fixture->store, fixture->tour, &error);
  g_assert_no_error (error);
}

void
tour_fixture_remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        tour_fixture_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir);
}

void
tour_fixture_teardown (TourFixture *fixture)
{
  g_clear_object (&fixture->tour);
  g_clear_object (&fixture->store);
  tour_fixture_remove_tree (fixture->dir);
  for (guint i = 0; i < TOUR_FIXTURE_MAX_STOPS; i++)
    g_clear_pointer (&fixture->uuids[i], g_free);
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

AmapTourPlan *
tour_fixture_plan (TourFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapTour) tour = amap_store_get_tour (fixture->store, amap_tour_get_id (fixture->tour), &error);
  AmapTourPlan *plan;

  g_assert_no_error (error);
  plan = amap_tour_plan_new (fixture->store, tour, 1.3, &error);
  g_assert_no_error (error);
  return plan;
}

char *
tour_fixture_file (TourFixture *fixture,
                   const char  *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

char *
tour_fixture_pdf_text (const char *path,
                       int         first,
                       int         last)
{
  g_autofree char *f = g_strdup_printf ("%d", first > 0 ? first : 1);
  g_autofree char *l = g_strdup_printf ("%d", last > 0 ? last : 100000);
  const char *argv[] = { "pdftotext", "-f", f, "-l", l, "-enc", "UTF-8", path, "-", NULL };
  g_autofree char *err = NULL;
  char *out;
  int status;

  if (!fixture_have_program ("pdftotext"))
    {
      g_test_skip ("pdftotext is not installed (package poppler-utils)");
      return NULL;
    }

  out = fixture_spawn (argv, &err, &status);
  if (out == NULL)
    g_error ("pdftotext failed on %s: %s", path, err);
  return out;
}

int
tour_fixture_pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  const char *line;
  int status;

  if (!fixture_have_program ("pdfinfo"))
    {
      g_test_skip ("pdfinfo is not installed (package poppler-utils)");
      return -1;
    }

  out = fixture_spawn (argv, &err, &status);
  if (out == NULL)
    g_error ("pdfinfo failed on %s: %s", path, err);

  line = strstr (out, "\nPages:");
  g_assert_nonnull (line);
  return (int) g_ascii_strtoll (line + strlen ("\nPages:"), NULL, 10);
}

gboolean
tour_fixture_in_order (const char         *haystack,
                       const char * const *needles)
{
  const char *at = haystack;

  for (guint i = 0; needles[i] != NULL; i++)
    {
      const char *found = strstr (at, needles[i]);

      if (found == NULL)
        {
          g_test_message ("“%s” not found in order", needles[i]);
          return FALSE;
        }
      at = found + strlen (needles[i]);
    }
  return TRUE;
}
