/* make-map-v1.c: how map-v1.assetmap was made. It builds only against the
 * schema-v1 store (commit 58d643e), which is the point: the fixture is a
 * file the old code wrote. Not part of the build.
 *
 *   gcc -o gen make-map-v1.c -Isrc/core -I_build $(pkg-config --cflags glib-2.0 sqlite3) \
 *       _build/src/core/libamap-core.a $(pkg-config --libs gio-2.0 sqlite3 libxml-2.0 \
 *       libarchive json-glib-1.0) -lm && ./gen tests/data/map-v1.assetmap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <glib/gstdio.h>
#include "amap-store.h"
#include "amap-contact.h"
#include "amap-interaction.h"

static AmapAsset *
asset (const char *uuid, const char *name, const char *category, double lat, double lon)
{
  AmapAsset *a = amap_asset_new (name);
  amap_asset_set_uuid (a, uuid);
  amap_asset_set_category (a, category);
  if (!isnan (lat))
    amap_asset_set_location (a, lat, lon);
  return a;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  const char *path = argv[1];
  AmapStore *store;
  AmapAsset *lib, *clinic, *church, *market, *bakery, *noloc;
  AmapContact *c;
  AmapCategory *gardens;
  gint64 tour, walk;
  const char *uuids[4];
  const int dwell[4] = { 20, 15, 0, 30 };
  const char *notes[4] = { "Meet Pastor Lee; ask about the summer meal site", NULL, "", "Closed since May" };

  g_unlink (path);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  amap_store_set_title (store, "Riverside Elementary", &error);
  amap_store_set_home (store, "Riverside Elementary", 41.8781, -87.6298, &error);
  g_assert_no_error (error);
  gardens = amap_store_add_category (store, "Community Gardens", "#26a269", NULL, &error);
  g_assert_no_error (error);

  lib = asset ("11111111-1111-4111-8111-111111111111", "Riverside Library", "library-arts", 41.8800, -87.6300);
  amap_asset_set_address (lib, "100 W Randolph St, Chicago, IL");
  amap_asset_set_description (lib, "Branch library with a teen room");
  amap_asset_set_strengths (lib, "Homework help, meeting rooms");
  amap_asset_set_needs (lib, "Volunteers for story time");
  amap_asset_set_phone (lib, "+1 312 555 0100");
  amap_asset_set_is_hub (lib, TRUE);
  amap_asset_add_tag (lib, "books");
  amap_asset_add_tag (lib, "youth");
  amap_asset_set_extra (lib, "Ward", "42");
  c = amap_contact_new ("Ana Gómez");
  amap_contact_set_role (c, "Branch manager");
  amap_contact_set_phone (c, "+1 312 555 0101");
  amap_contact_set_email (c, "ana@example.org");
  amap_contact_set_language (c, "es");
  amap_asset_add_contact (lib, c);
  g_object_unref (c);
  c = amap_contact_new ("Sam Okafor");
  amap_contact_set_role (c, "Teen librarian");
  amap_asset_add_contact (lib, c);
  g_object_unref (c);
  {
    AmapInteraction *i = amap_interaction_new ("2024-05-02", AMAP_INTERACTION_VISIT, "Toured the teen room");
    amap_asset_add_interaction (lib, i);
    g_object_unref (i);
    i = amap_interaction_new ("2024-06-11", AMAP_INTERACTION_MEETING, "Planned the reading challenge");
    amap_asset_add_interaction (lib, i);
    g_object_unref (i);
  }
  if (!amap_store_add_asset (store, lib, &error)) g_error ("%s", error->message);

  clinic = asset ("22222222-2222-4222-8222-222222222222", "Eastside Clinic", "health", 41.8850, -87.6200);
  c = amap_contact_new ("Dr. Priya Shah");
  amap_contact_set_role (c, "Medical director");
  amap_asset_add_contact (clinic, c);
  g_object_unref (c);
  {
    AmapInteraction *i = amap_interaction_new ("2024-04-20", AMAP_INTERACTION_CALL, "Asked about vaccination day");
    amap_asset_add_interaction (clinic, i);
    g_object_unref (i);
  }
  amap_asset_add_tag (clinic, "health");
  if (!amap_store_add_asset (store, clinic, &error)) g_error ("%s", error->message);

  church = asset ("33333333-3333-4333-8333-333333333333", "Grace Church", "faith", 41.8700, -87.6400);
  amap_asset_add_tag (church, "food");
  amap_asset_add_tag (church, "youth");
  if (!amap_store_add_asset (store, church, &error)) g_error ("%s", error->message);

  market = asset ("44444444-4444-4444-8444-444444444444", "Corner Market", "business", 41.8750, -87.6350);
  amap_asset_set_source_id (market, "mymaps-feature-17");
  if (!amap_store_add_asset (store, market, &error)) g_error ("%s", error->message);

  noloc = asset ("55555555-5555-4555-8555-555555555555", "Block Club", amap_category_get_key (gardens), NAN, NAN);
  amap_asset_set_address (noloc, "Somewhere on 5th Ave");
  if (!amap_store_add_asset (store, noloc, &error)) g_error ("%s", error->message);

  bakery = asset ("66666666-6666-4666-8666-666666666666", "Closed Bakery", "business", 41.8760, -87.6310);
  if (!amap_store_add_asset (store, bakery, &error)) g_error ("%s", error->message);
  g_assert_no_error (error);

  tour = amap_store_add_tour (store, "Fall staff tour", "2024-08-20T09:00", &error);
  g_assert_no_error (error);
  uuids[0] = amap_asset_get_uuid (church);
  uuids[1] = amap_asset_get_uuid (lib);
  uuids[2] = amap_asset_get_uuid (clinic);
  uuids[3] = amap_asset_get_uuid (bakery);
  g_assert_true (amap_store_set_tour_stops (store, tour, uuids, dwell, notes, 4, &error));
  walk = amap_store_add_tour (store, "Parent walk", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (amap_store_set_tour_stops (store, walk, uuids + 2, dwell, NULL, 1, &error));

  /* Deleted after it became a stop: the stop row stays. */
  g_assert_true (amap_store_delete_asset (store, amap_asset_get_uuid (bakery), &error));
  g_assert_no_error (error);

  g_object_unref (store);
  return 0;
}
