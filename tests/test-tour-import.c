/* test-tour-import.c: routes in KML and GPX files come in as tours: our
 * own exports, Google My Maps directions layers, GPX routes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "amap-error.h"
#include "amap-kmz-writer.h"
#include "amap-tour-export.h"
#include "amap-import.h"
#include "amap-tour-import.h"
#include "tour-fixtures.h"

static char *
export_tour (TourFixture    *fixture,
             const char     *name,
             AmapTourFormat  format)
{
  g_autoptr(AmapTourPlan) plan = tour_fixture_plan (fixture);
  g_autofree char *path = tour_fixture_file (fixture, name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  amap_tour_export_file (plan, file, format, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static GPtrArray *
import (AmapStore   *store,
        const char  *path,
        GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return amap_tour_import_file (store, file, NULL, NULL, error);
}

static AmapStore *
open_other_map (TourFixture *fixture,
                const char  *name)
{
  g_autofree char *path = tour_fixture_file (fixture, name);
  g_autoptr(GError) error = NULL;
  AmapStore *store = amap_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static char *
asset_name (AmapStore  *store,
            const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) asset = amap_store_get_asset (store, uuid, &error);

  g_assert_no_error (error);
  return g_strdup (amap_asset_get_name (asset));
}

/* The stored tour's stops are @names, in order. */
static void
assert_stop_names (AmapStore          *store,
                   AmapTour           *tour,
                   const char * const *names)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapTour) stored = amap_store_get_tour (store, amap_tour_get_id (tour), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (amap_tour_get_n_stops (stored), ==, g_strv_length ((char **) names));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *name = asset_name (store, amap_tour_stop_get_asset_uuid (amap_tour_get_stop (stored, i)));

      g_assert_cmpstr (name, ==, names[i]);
    }
}

/* Our KML back into the same map: the same assets, in the same order,
 * with their dwell times and notes; the start and end at the school. */
static void
test_kml_same_map (void)
{
  TourFixture fixture;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;
  guint n_assets;

  tour_fixture_setup (&fixture, 4, 1);
  amap_tour_stop_set_dwell_minutes (amap_tour_get_stop (fixture.tour, 2), 40);
  amap_store_update_tour (fixture.store, fixture.tour, NULL, &error);
  g_assert_no_error (error);
  n_assets = amap_store_count_assets (fixture.store);

  path = export_tour (&fixture, "tour.kml", AMAP_TOUR_FORMAT_KML);
  tours = import (fixture.store, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  tour = g_ptr_array_index (tours, 0);

  g_assert_cmpstr (amap_tour_get_name (tour), ==, TOUR_FIXTURE_NAME " 2");
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, n_assets);
  g_assert_cmpuint (amap_tour_get_n_stops (tour), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      AmapTourStop *stop = amap_tour_get_stop (tour, i);
      g_autofree char *note = g_strdup_printf ("Talking point for stop %u.", i + 1);

      g_assert_cmpstr (amap_tour_stop_get_asset_uuid (stop), ==, fixture.uuids[i]);
      g_assert_cmpstr (amap_tour_stop_get_note (stop), ==, note);
      g_assert_cmpint (amap_tour_stop_get_dwell_minutes (stop), ==, i == 2 ? 40 : 15);
    }
  g_assert_cmpint (amap_tour_get_start (tour, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_HOME);
  g_assert_cmpint (amap_tour_get_end (tour, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_START);

  tour_fixture_teardown (&fixture);
}

/* Our KML and GPX into a map that has none of those places: new assets,
 * named without the stop numbers, the stops in order. */
static void
test_new_map (gconstpointer data)
{
  AmapTourFormat format = GPOINTER_TO_INT (data);
  TourFixture fixture;
  g_autoptr(AmapStore) other = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;
  const char *start_uuid = NULL;
  g_autofree char *start_name = NULL;

  tour_fixture_setup (&fixture, 5, 1);
  path = export_tour (&fixture, format == AMAP_TOUR_FORMAT_GPX ? "tour.gpx" : "tour.kml", format);

  other = open_other_map (&fixture, "other.assetmap");
  tours = import (other, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  tour = g_ptr_array_index (tours, 0);
  g_assert_cmpstr (amap_tour_get_name (tour), ==, TOUR_FIXTURE_NAME);

  assert_stop_names (other, tour, (const char * const[]) {
    fixture.names[0], fixture.names[1], fixture.names[2], fixture.names[3], fixture.names[4], NULL });
  g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (tour, 1)), ==, "Talking point for stop 2.");

  /* No home in that map: the school is an asset there, and the end is
   * back at it. Five stops and the school. */
  g_assert_cmpint (amap_tour_get_start (tour, &start_uuid, NULL, NULL), ==, AMAP_TOUR_PLACE_ASSET);
  start_name = asset_name (other, start_uuid);
  g_assert_cmpstr (start_name, ==, "Fruitvale Elementary");
  g_assert_cmpint (amap_tour_get_end (tour, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_START);
  g_assert_cmpuint (amap_store_count_assets (other), ==, 6);

  /* The places keep their addresses. */
  {
    g_autoptr(AmapAsset) asset = amap_store_get_asset (other, amap_tour_stop_get_asset_uuid (amap_tour_get_stop (tour, 0)), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (amap_asset_get_address (asset), ==, "3340 Foothill Blvd");
    if (format == AMAP_TOUR_FORMAT_KML)
      g_assert_cmpstr (amap_asset_get_category (asset), ==, "business");
    g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (asset), 37.7756, 1e-6);
    g_assert_null (amap_asset_get_extra (asset, "tour_role"));
  }

  tour_fixture_teardown (&fixture);
}

/* The buses of one tour come back as one tour, each stop on its bus. */
static void
test_buses (gconstpointer data)
{
  AmapTourFormat format = GPOINTER_TO_INT (data);
  TourFixture fixture;
  g_autoptr(AmapStore) other = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;

  tour_fixture_setup (&fixture, 6, 2);
  path = export_tour (&fixture, format == AMAP_TOUR_FORMAT_GPX ? "buses.gpx" : "buses.kml", format);

  other = open_other_map (&fixture, "other.assetmap");
  tours = import (other, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  tour = g_ptr_array_index (tours, 0);
  g_assert_cmpstr (amap_tour_get_name (tour), ==, TOUR_FIXTURE_NAME);
  g_assert_cmpuint (amap_tour_get_n_buses (tour), ==, 2);

  /* Bus 1 made stops 1, 3, 5 and bus 2 stops 2, 4, 6. */
  for (guint bus = 0; bus < 2; bus++)
    {
      g_autoptr(GArray) stops = amap_tour_get_bus_stops (tour, bus);

      g_assert_cmpuint (stops->len, ==, 3);
      for (guint i = 0; i < 3; i++)
        {
          AmapTourStop *stop = amap_tour_get_stop (tour, g_array_index (stops, guint, i));
          g_autofree char *name = asset_name (other, amap_tour_stop_get_asset_uuid (stop));

          g_assert_cmpstr (name, ==, fixture.names[bus + 2 * i]);
        }
    }
  /* One school, six stops. */
  g_assert_cmpuint (amap_store_count_assets (other), ==, 7);

  tour_fixture_teardown (&fixture);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/* A directions layer of Google My Maps: the first waypoint is the start,
 * the last the end, those between the stops; other layers are not. */
static void
test_mymaps_directions (void)
{
  TourFixture fixture;
  g_autofree char *path = data_path ("mymaps-directions.kml");
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;
  const char *uuid = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  guint n_assets;

  tour_fixture_setup (&fixture, 0, 1);
  tours = import (fixture.store, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  tour = g_ptr_array_index (tours, 0);

  g_assert_cmpstr (amap_tour_get_name (tour), ==, "Directions from Fruitvale Station to Cesar Chavez Park");
  assert_stop_names (fixture.store, tour, (const char * const[]) {
    "La Clínica de la Raza", "Unity Council", "Iglesia San José", NULL });
  g_assert_cmpint (amap_tour_get_start (tour, &uuid, NULL, NULL), ==, AMAP_TOUR_PLACE_ASSET);
  start = asset_name (fixture.store, uuid);
  g_assert_cmpstr (start, ==, "Fruitvale Station");
  g_assert_cmpint (amap_tour_get_end (tour, &uuid, NULL, NULL), ==, AMAP_TOUR_PLACE_ASSET);
  end = asset_name (fixture.store, uuid);
  g_assert_cmpstr (end, ==, "Cesar Chavez Park");

  /* Five places became assets; the mural (another layer) did not. */
  n_assets = amap_store_count_assets (fixture.store);
  g_assert_cmpuint (n_assets, ==, 5);

  /* The same file again: the same assets, a second tour. */
  again = import (fixture.store, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, n_assets);
  g_assert_cmpstr (amap_tour_get_name (g_ptr_array_index (again, 0)), ==,
                   "Directions from Fruitvale Station to Cesar Chavez Park 2");
  g_assert_cmpstr (amap_tour_stop_get_asset_uuid (amap_tour_get_stop (g_ptr_array_index (again, 0), 0)), ==,
                   amap_tour_stop_get_asset_uuid (amap_tour_get_stop (tour, 0)));

  tour_fixture_teardown (&fixture);
}

/* The same layer inside a KMZ, as My Maps downloads it. */
static void
test_mymaps_kmz (void)
{
  TourFixture fixture;
  g_autofree char *kml = data_path ("mymaps-directions.kml");
  g_autofree char *kmz = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gsize length;

  tour_fixture_setup (&fixture, 0, 1);
  kmz = tour_fixture_file (&fixture, "directions.kmz");
  g_assert_true (g_file_get_contents (kml, &contents, &length, NULL));
  {
    g_autoptr(GInputStream) doc = g_memory_input_stream_new_from_data (contents, length, NULL);
    g_autoptr(GFile) file = g_file_new_for_path (kmz);
    g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);

    g_assert_no_error (error);
    amap_kmz_writer_write (G_OUTPUT_STREAM (out), doc, length, categories, NULL, &error);
    g_assert_no_error (error);
    g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
    g_assert_no_error (error);
  }

  tours = import (fixture.store, kmz, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  assert_stop_names (fixture.store, g_ptr_array_index (tours, 0), (const char * const[]) {
    "La Clínica de la Raza", "Unity Council", "Iglesia San José", NULL });

  tour_fixture_teardown (&fixture);
}

/* A GPX route as a GPS unit writes it: names only. */
static void
test_gpx_foreign (void)
{
  static const char gpx[] =
    "<?xml version=\"1.0\"?>\n"
    "<gpx version=\"1.1\" creator=\"Some GPS\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
    "  <wpt lat=\"37.78\" lon=\"-122.22\"><name>Not on the route</name></wpt>\n"
    "  <rte><name>Morning loop</name>\n"
    "    <rtept lat=\"37.7772\" lon=\"-122.2236\"><name>School</name></rtept>\n"
    "    <rtept lat=\"37.7760\" lon=\"-122.2246\"><name>Library</name><desc>Open 10–6</desc></rtept>\n"
    "    <rtept lat=\"91\" lon=\"-122.2\"><name>Broken</name></rtept>\n"
    "    <rtept lat=\"37.7734\" lon=\"-122.2236\"><cmt>Meet at the back door</cmt></rtept>\n"
    "    <rtept lat=\"37.77721\" lon=\"-122.22361\"><name>School again</name></rtept>\n"
    "  </rte>\n"
    "</gpx>\n";
  TourFixture fixture;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;

  tour_fixture_setup (&fixture, 0, 1);
  path = tour_fixture_file (&fixture, "loop.gpx");
  g_assert_true (g_file_set_contents (path, gpx, -1, NULL));

  tours = import (fixture.store, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  tour = g_ptr_array_index (tours, 0);
  g_assert_cmpstr (amap_tour_get_name (tour), ==, "Morning loop");
  /* The first point is at the school (the map's home), the last back at
   * it; the point out of range is left out. */
  g_assert_cmpint (amap_tour_get_start (tour, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_HOME);
  g_assert_cmpint (amap_tour_get_end (tour, NULL, NULL, NULL), ==, AMAP_TOUR_PLACE_START);
  assert_stop_names (fixture.store, tour, (const char * const[]) { "Library", "Point 3", NULL });
  g_assert_cmpstr (amap_tour_stop_get_note (amap_tour_get_stop (tour, 1)), ==, "Meet at the back door");
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, 2);

  tour_fixture_teardown (&fixture);
}

/* GPX 1.0 has routes too; its name is on <gpx> itself. */
static void
test_gpx_10 (void)
{
  static const char gpx[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<gpx version=\"1.0\" creator=\"Old GPS\" xmlns=\"http://www.topografix.com/GPX/1/0\">\n"
    "  <name>Visits</name>\n"
    "  <rte>\n"
    "    <rtept lat=\"37.7800\" lon=\"-122.2300\"><name>Depot</name></rtept>\n"
    "    <rtept lat=\"37.7760\" lon=\"-122.2246\"><name><![CDATA[Library & Café]]></name></rtept>\n"
    "    <rtept lat=\"37.7701\" lon=\"-122.2201\"><name>Yard</name></rtept>\n"
    "  </rte>\n"
    "</gpx>\n";
  TourFixture fixture;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  AmapTour *tour;
  const char *uuid = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  tour_fixture_setup (&fixture, 0, 1);
  path = tour_fixture_file (&fixture, "old.gpx");
  g_assert_true (g_file_set_contents (path, gpx, -1, NULL));

  tours = import (fixture.store, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, 1);
  tour = g_ptr_array_index (tours, 0);
  /* The route has no name of its own: the document's. */
  g_assert_cmpstr (amap_tour_get_name (tour), ==, "Visits");
  assert_stop_names (fixture.store, tour, (const char * const[]) { "Library & Café", NULL });
  g_assert_cmpint (amap_tour_get_start (tour, &uuid, NULL, NULL), ==, AMAP_TOUR_PLACE_ASSET);
  start = asset_name (fixture.store, uuid);
  g_assert_cmpstr (start, ==, "Depot");
  g_assert_cmpint (amap_tour_get_end (tour, &uuid, NULL, NULL), ==, AMAP_TOUR_PLACE_ASSET);
  end = asset_name (fixture.store, uuid);
  g_assert_cmpstr (end, ==, "Yard");

  tour_fixture_teardown (&fixture);
}

/* Files without a route, unsafe and broken files: nothing is imported. */
static void
test_refused (void)
{
  static const struct
  {
    const char *name;
    const char *text;
    int         code;
  } cases[] = {
    { "points.kml",
      "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Folder><name>A</name>"
      "<Placemark><name>P</name><Point><coordinates>-122.2,37.7</coordinates></Point></Placemark>"
      "<Placemark><name>Q</name><Point><coordinates>-122.3,37.7</coordinates></Point></Placemark>"
      "</Folder></Document></kml>", AMAP_ERROR_UNSUPPORTED },
    { "waypoints.gpx",
      "<gpx version=\"1.1\" creator=\"x\" xmlns=\"http://www.topografix.com/GPX/1/1\">"
      "<wpt lat=\"37.7\" lon=\"-122.2\"><name>P</name></wpt></gpx>", AMAP_ERROR_UNSUPPORTED },
    { "doctype.gpx",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE gpx [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n"
      "<gpx version=\"1.1\" creator=\"x\" xmlns=\"http://www.topografix.com/GPX/1/1\"><rte>"
      "<rtept lat=\"37.7\" lon=\"-122.2\"><name>&b;</name></rtept>"
      "<rtept lat=\"37.8\" lon=\"-122.2\"><name>Q</name></rtept></rte></gpx>", AMAP_ERROR_UNSAFE },
    { "broken.gpx",
      "<gpx version=\"1.1\" creator=\"x\" xmlns=\"http://www.topografix.com/GPX/1/1\"><rte>"
      "<rtept lat=\"37.7\" lon=\"-122.2\"><name>P</name></rtept>"
      "<rtept lat=\"37.8\" lon=\"-122.2\"><name>Q</name></rtept></rte>", AMAP_ERROR_PARSE },
    { "other.gpx", "<kml xmlns=\"http://www.opengis.net/kml/2.2\"/>", AMAP_ERROR_UNSUPPORTED },
  };
  TourFixture fixture;

  tour_fixture_setup (&fixture, 2, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = tour_fixture_file (&fixture, cases[i].name);
      g_autoptr(GPtrArray) tours = NULL;
      g_autoptr(GPtrArray) all = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].name);
      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      tours = import (fixture.store, path, &error);
      g_assert_null (tours);
      g_assert_error (error, AMAP_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].name));

      g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, 2);
      all = amap_store_list_tours (fixture.store, NULL);
      g_assert_cmpuint (all->len, ==, 1);
    }

  tour_fixture_teardown (&fixture);
}

static void
on_imported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
on_reset_cb (AmapStore *store,
             gpointer   user_data)
{
  (*(guint *) user_data)++;
}

/* In a worker thread, as the window imports: the map sees the new tour,
 * and the window's Undo takes the tour and its places away. */
static void
test_async (void)
{
  TourFixture fixture;
  g_autofree char *path = data_path ("mymaps-directions.kml");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  guint resets = 0;
  guint n_assets;

  tour_fixture_setup (&fixture, 1, 1);
  n_assets = amap_store_count_assets (fixture.store);
  g_signal_connect (fixture.store, "reset", G_CALLBACK (on_reset_cb), &resets);

  amap_import_file_async (fixture.store, file, NULL, NULL, NULL, NULL, on_imported_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = amap_import_file_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resets, >=, 1);

  all = amap_store_list_tours (fixture.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_clear_pointer (&all, g_ptr_array_unref);
  g_assert_cmpuint (amap_store_count_assets (fixture.store), >, n_assets);

  g_assert_true (amap_store_undo (fixture.store, &error));
  g_assert_no_error (error);
  all = amap_store_list_tours (fixture.store, &error);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, n_assets);

  tour_fixture_teardown (&fixture);
}

/* The import everyone uses (the window's Import, --import) takes a GPX
 * file as tours too, in one undo step with its assets. */
static void
test_gpx_through_import (void)
{
  static const char gpx[] =
    "<?xml version=\"1.0\"?>\n"
    "<gpx version=\"1.1\" creator=\"Some GPS\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
    "  <rte><name>Morning loop</name>\n"
    "    <rtept lat=\"37.7772\" lon=\"-122.2236\"><name>School</name></rtept>\n"
    "    <rtept lat=\"37.7760\" lon=\"-122.2246\"><name>Library</name></rtept>\n"
    "    <rtept lat=\"37.7734\" lon=\"-122.2236\"><name>Park</name></rtept>\n"
    "    <rtept lat=\"37.77721\" lon=\"-122.22361\"><name>School again</name></rtept>\n"
    "  </rte>\n"
    "</gpx>\n";
  TourFixture fixture;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  guint n_tours, n_assets;
  guint found = 0;

  tour_fixture_setup (&fixture, 0, 1);
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_no_error (error);
  n_tours = tours->len;
  n_assets = amap_store_count_assets (fixture.store);
  g_clear_pointer (&tours, g_ptr_array_unref);
  path = tour_fixture_file (&fixture, "loop.GPX");
  g_assert_true (g_file_set_contents (path, gpx, -1, NULL));
  file = g_file_new_for_path (path);

  report = amap_import_file (fixture.store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 2);
  text = amap_import_report_to_string (report);
  g_assert_nonnull (strstr (text, "Imported the tour “Morning loop” with 2 stops"));
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tours->len, ==, n_tours + 1);
  g_clear_pointer (&tours, g_ptr_array_unref);
  g_assert_cmpstr (amap_store_get_undo_label (fixture.store), ==,
                   "Undo Import of “loop.GPX” (2 Assets)");

  g_assert_true (amap_store_undo (fixture.store, &error));
  g_assert_no_error (error);
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_cmpuint (tours->len, ==, n_tours);
  g_clear_pointer (&tours, g_ptr_array_unref);
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, n_assets);

  g_assert_true (amap_store_redo (fixture.store, &error));
  g_assert_no_error (error);
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_cmpuint (tours->len, ==, n_tours + 1);
  for (guint i = 0; i < tours->len; i++)
    if (g_str_equal (amap_tour_get_name (g_ptr_array_index (tours, i)), "Morning loop"))
      {
        assert_stop_names (fixture.store, g_ptr_array_index (tours, i),
                           (const char * const[]) { "Library", "Park", NULL });
        found++;
      }
  g_assert_cmpuint (found, ==, 1);

  tour_fixture_teardown (&fixture);
}

/* The window's Import of a My Maps file with a directions layer: its
 * places as assets (once each), the directions as a tour, and all of it
 * one undo step. */
static void
test_kml_through_import (void)
{
  TourFixture fixture;
  g_autofree char *path = data_path ("mymaps-directions.kml");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n_tours, n_assets;
  guint found = 0;

  tour_fixture_setup (&fixture, 0, 1);
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_no_error (error);
  n_tours = tours->len;
  n_assets = amap_store_count_assets (fixture.store);
  g_clear_pointer (&tours, g_ptr_array_unref);

  report = amap_import_file (fixture.store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  text = amap_import_report_to_string (report);
  g_assert_nonnull (strstr (text, "Imported the tour “Directions from Fruitvale Station to Cesar Chavez Park”"));
  /* Every placemark once: the tour's stops are the imported assets. */
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==,
                    n_assets + amap_import_report_get_imported (report));
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_cmpuint (tours->len, ==, n_tours + 1);
  for (guint i = 0; i < tours->len; i++)
    if (g_str_has_prefix (amap_tour_get_name (g_ptr_array_index (tours, i)), "Directions from"))
      {
        assert_stop_names (fixture.store, g_ptr_array_index (tours, i), (const char * const[]) {
          "La Clínica de la Raza", "Unity Council", "Iglesia San José", NULL });
        found++;
      }
  g_assert_cmpuint (found, ==, 1);
  g_clear_pointer (&tours, g_ptr_array_unref);
  g_assert_true (g_str_has_prefix (amap_store_get_undo_label (fixture.store),
                                   "Undo Import of “mymaps-directions.kml”"));

  /* One undo: no tour, no asset of the file. */
  g_assert_true (amap_store_undo (fixture.store, &error));
  g_assert_no_error (error);
  tours = amap_store_list_tours (fixture.store, &error);
  g_assert_cmpuint (tours->len, ==, n_tours);
  g_assert_cmpuint (amap_store_count_assets (fixture.store), ==, n_assets);

  tour_fixture_teardown (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tour-import/kml-same-map", test_kml_same_map);
  g_test_add_data_func ("/tour-import/kml-new-map", GINT_TO_POINTER (AMAP_TOUR_FORMAT_KML), test_new_map);
  g_test_add_data_func ("/tour-import/gpx-new-map", GINT_TO_POINTER (AMAP_TOUR_FORMAT_GPX), test_new_map);
  g_test_add_data_func ("/tour-import/kml-buses", GINT_TO_POINTER (AMAP_TOUR_FORMAT_KML), test_buses);
  g_test_add_data_func ("/tour-import/gpx-buses", GINT_TO_POINTER (AMAP_TOUR_FORMAT_GPX), test_buses);
  g_test_add_func ("/tour-import/mymaps-directions", test_mymaps_directions);
  g_test_add_func ("/tour-import/mymaps-kmz", test_mymaps_kmz);
  g_test_add_func ("/tour-import/gpx-foreign", test_gpx_foreign);
  g_test_add_func ("/tour-import/gpx-10", test_gpx_10);
  g_test_add_func ("/tour-import/gpx-through-import", test_gpx_through_import);
  g_test_add_func ("/tour-import/kml-through-import", test_kml_through_import);
  g_test_add_func ("/tour-import/refused", test_refused);
  g_test_add_func ("/tour-import/async", test_async);

  return g_test_run ();
}
