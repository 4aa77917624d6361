/* test-tour-export.c: a tour as KML and GPX, read back by the tools our
 * users' colleagues use (xmllint against the OGC schema, GDAL, GPSBabel)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "amap-error.h"
#include "amap-gpx-reader.h"
#include "amap-tour-export.h"
#include "tour-fixtures.h"
#include "writer-fixtures.h"

typedef struct
{
  TourFixture tour;
  char       *kml;
  char       *gpx;
} Fixture;

static void
export_to (TourFixture *tour,
           const char  *path,
           AmapTourFormat format)
{
  g_autoptr(AmapTourPlan) plan = tour_fixture_plan (tour);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  amap_tour_export_file (plan, file, format, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  guint n_buses = GPOINTER_TO_UINT (data);

  tour_fixture_setup (&fixture->tour, n_buses > 1 ? 6 : 4, MAX (n_buses, 1));

  /* Text that needs escaping, and a control character XML cannot carry. */
  amap_tour_stop_set_note (amap_tour_get_stop (fixture->tour.tour, 0), "Ask\x01 about" FIXTURE_NASTY);
  {
    g_autoptr(GError) error = NULL;

    amap_store_update_tour (fixture->tour.store, fixture->tour.tour, NULL, &error);
    g_assert_no_error (error);
  }

  fixture->kml = tour_fixture_file (&fixture->tour, "tour.kml");
  fixture->gpx = tour_fixture_file (&fixture->tour, "tour.gpx");
  export_to (&fixture->tour, fixture->kml, AMAP_TOUR_FORMAT_KML);
  export_to (&fixture->tour, fixture->gpx, AMAP_TOUR_FORMAT_GPX);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->kml);
  g_free (fixture->gpx);
  tour_fixture_teardown (&fixture->tour);
}

/* "1. Café Luna", … for the stops of @bus (of @n_buses). */
static GPtrArray *
expected_stop_names (Fixture *fixture,
                     guint    bus,
                     guint    n_buses,
                     gboolean numbered)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = bus; i < fixture->tour.n_stops; i += n_buses)
    g_ptr_array_add (names, numbered ? g_strdup_printf ("%u. %s", names->len + 1, fixture->tour.names[i])
                                     : g_strdup (fixture->tour.names[i]));
  return names;
}

/* KML */

static void
test_kml_validates (Fixture       *fixture,
                    gconstpointer  data)
{
  fixture_assert_validates (fixture->kml);
}

static void
test_kml_ogrinfo_order (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) features = NULL;
  g_autoptr(GPtrArray) expected = expected_stop_names (fixture, 0, 1, TRUE);
  GHashTable *first_stop;
  double x, y;

  if (!fixture_have_program ("ogrinfo"))
    {
      g_test_skip ("ogrinfo is not installed (package gdal-bin)");
      return;
    }

  features = fixture_ogrinfo_features (fixture->kml);
  /* The route line, the start, the stops, the end. */
  g_assert_cmpuint (features->len, ==, fixture->tour.n_stops + 3);
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (g_ptr_array_index (features, 0), "__geometry"),
                                   "LINESTRING"));
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (features, 1), "Name"), ==,
                   "Start: Fruitvale Elementary");
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (features, i + 2), "Name"), ==,
                     g_ptr_array_index (expected, i));
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (features, features->len - 1), "Name"), ==,
                   "End: Fruitvale Elementary");

  first_stop = g_ptr_array_index (features, 2);
  g_assert_true (fixture_find_point (g_hash_table_lookup (first_stop, "__geometry"), &x, &y));
  g_assert_cmpfloat_with_epsilon (x, -122.2262, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, 37.7756, 1e-6);
}

/* "unicsv" lines after the header: the Name column of each. */
static GPtrArray *
gpsbabel_names (const char * const *argv)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  int name_column = -1;
  int status;

  out = fixture_spawn (argv, &err, &status);
  if (out == NULL)
    g_error ("gpsbabel failed: %s", err);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) columns = NULL;
      g_autofree char *line = g_strdup (lines[i]);

      g_strstrip (line);
      columns = g_strsplit (line, ",", -1);
      if (i == 0)
        {
          for (int c = 0; columns[c] != NULL; c++)
            if (g_str_equal (columns[c], "Name"))
              name_column = c;
          g_assert_cmpint (name_column, >=, 0);
          continue;
        }
      if ((int) g_strv_length (columns) > name_column)
        {
          char *name = columns[name_column];

          if (name[0] == '"')
            name = g_strndup (name + 1, strlen (name) - 2);
          else
            name = g_strdup (name);
          g_ptr_array_add (names, name);
        }
    }

  return names;
}

static void
test_kml_gpsbabel_order (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *argv[] = { "gpsbabel", "-i", "kml", "-f", fixture->kml, "-o", "unicsv", "-F", "-", NULL };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) expected = expected_stop_names (fixture, 0, 1, TRUE);

  if (!fixture_have_program ("gpsbabel"))
    {
      g_test_skip ("gpsbabel is not installed");
      return;
    }

  names = gpsbabel_names (argv);
  g_assert_cmpuint (names->len, ==, fixture->tour.n_stops + 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Start: Fruitvale Elementary");
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i + 1), ==, g_ptr_array_index (expected, i));
}

static void
test_kml_buses (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) features = NULL;
  const char *argv[] = { "ogrinfo", "-ro", "-q", fixture->kml, NULL };
  g_autofree char *err = NULL;
  g_autofree char *layers = NULL;
  int status;

  fixture_assert_validates (fixture->kml);
  if (!fixture_have_program ("ogrinfo"))
    {
      g_test_skip ("ogrinfo is not installed (package gdal-bin)");
      return;
    }

  /* One layer (Folder) per bus, each with its own stops in order. */
  layers = fixture_spawn (argv, &err, &status);
  g_assert_nonnull (layers);
  g_assert_nonnull (strstr (layers, TOUR_FIXTURE_NAME " — Bus 1"));
  g_assert_nonnull (strstr (layers, TOUR_FIXTURE_NAME " — Bus 2"));

  features = fixture_ogrinfo_features (fixture->kml);
  g_assert_cmpuint (features->len, ==, fixture->tour.n_stops + 2 * 3);
  for (guint bus = 0, at = 0; bus < 2; bus++)
    {
      g_autoptr(GPtrArray) expected = expected_stop_names (fixture, bus, 2, TRUE);

      at += 2;  /* the line and the start */
      for (guint i = 0; i < expected->len; i++, at++)
        g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (features, at), "Name"), ==,
                         g_ptr_array_index (expected, i));
      at++;     /* the end */
    }
}

/* GPX */

static void
test_gpx_well_formed (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *argv[] = { "xmllint", "--nonet", "--noout", fixture->gpx, NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  int status;

  g_assert_true (g_file_get_contents (fixture->gpx, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<gpx version=\"1.1\""));
  g_assert_nonnull (strstr (text, "xmlns=\"http://www.topografix.com/GPX/1/1\""));
  /* GPX 1.1 wants every rte before any trk. */
  g_assert_nonnull (strstr (text, "<trk>"));
  g_assert_true (strstr (text, "<rte>") < strstr (text, "<trk>"));
  g_assert_null (strstr (text, "\x01"));

  if (!fixture_have_program ("xmllint"))
    {
      g_test_skip ("xmllint is not installed (package libxml2-utils)");
      return;
    }
  out = fixture_spawn (argv, &err, &status);
  if (status != 0)
    g_error ("%s is not well-formed: %s", fixture->gpx, err);
}

static void
test_gpx_gpsbabel_order (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *routes[] = { "gpsbabel", "-r", "-i", "gpx", "-f", fixture->gpx, "-o", "unicsv", "-F", "-", NULL };
  const char *tracks[] = { "gpsbabel", "-t", "-i", "gpx", "-f", fixture->gpx, "-o", "unicsv", "-F", "-", NULL };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) expected = expected_stop_names (fixture, 0, 1, FALSE);
  g_autofree char *err = NULL;
  g_autofree char *track = NULL;
  g_auto(GStrv) track_lines = NULL;
  int status;

  if (!fixture_have_program ("gpsbabel"))
    {
      g_test_skip ("gpsbabel is not installed");
      return;
    }

  names = gpsbabel_names (routes);
  g_assert_cmpuint (names->len, ==, fixture->tour.n_stops + 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Fruitvale Elementary");
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i + 1), ==, g_ptr_array_index (expected, i));
  g_assert_cmpstr (g_ptr_array_index (names, names->len - 1), ==, "Fruitvale Elementary");

  /* The track: the route's geometry, from the school round to it. */
  track = fixture_spawn (tracks, &err, &status);
  g_assert_nonnull (track);
  track_lines = g_strsplit (g_strstrip (track), "\n", -1);
  g_assert_cmpuint (g_strv_length (track_lines), >=, fixture->tour.n_stops + 2 + 1);
}

/* The route points as GDAL reads them (layer route_points). */
static void
test_gpx_ogrinfo_order (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *argv[] = { "ogrinfo", "-ro", "-q", fixture->gpx, "route_points", NULL };
  g_autoptr(GPtrArray) expected = expected_stop_names (fixture, 0, 1, FALSE);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  if (!fixture_have_program ("ogrinfo"))
    {
      g_test_skip ("ogrinfo is not installed (package gdal-bin)");
      return;
    }

  out = fixture_spawn (argv, &err, &status);
  if (out == NULL)
    g_error ("ogrinfo failed on %s: %s", fixture->gpx, err);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "  name (String) = "))
      g_ptr_array_add (names, g_strdup (lines[i] + strlen ("  name (String) = ")));

  g_assert_cmpuint (names->len, ==, fixture->tour.n_stops + 2);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i + 1), ==, g_ptr_array_index (expected, i));
}

/* Our own reader sees the roles, uuids and dwell times we wrote. */
static void
test_gpx_extensions (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (fixture->gpx, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AmapGpxDocument) document = NULL;
  AmapGpxRoute *route;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  document = amap_gpx_reader_read_bytes (bytes, "tour.gpx", &error);
  g_assert_no_error (error);

  g_assert_cmpstr (document->name, ==, TOUR_FIXTURE_NAME);
  g_assert_cmpuint (document->routes->len, ==, 1);
  route = g_ptr_array_index (document->routes, 0);
  g_assert_cmpuint (route->points->len, ==, fixture->tour.n_stops + 2);
  g_assert_cmpstr (((AmapGpxPoint *) g_ptr_array_index (route->points, 0))->type, ==, "start");
  for (guint i = 0; i < fixture->tour.n_stops; i++)
    {
      AmapGpxPoint *point = g_ptr_array_index (route->points, i + 1);

      g_assert_cmpstr (point->type, ==, "stop");
      g_assert_cmpstr (point->uuid, ==, fixture->tour.uuids[i]);
      g_assert_cmpint (point->dwell_minutes, ==, 15);
    }
  g_assert_true (g_str_has_prefix (((AmapGpxPoint *) g_ptr_array_index (route->points, 1))->comment,
                                   "Ask about & <b>bold</b>"));
  g_assert_cmpstr (((AmapGpxPoint *) g_ptr_array_index (route->points, route->points->len - 1))->type,
                   ==, "end");
}

static void
test_gpx_buses (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (fixture->gpx, FALSE, &error);
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes (mapped);
  g_autoptr(AmapGpxDocument) document = amap_gpx_reader_read_bytes (bytes, "tour.gpx", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (document->routes->len, ==, 2);
  for (guint bus = 0; bus < 2; bus++)
    {
      AmapGpxRoute *route = g_ptr_array_index (document->routes, bus);
      g_autoptr(GPtrArray) expected = expected_stop_names (fixture, bus, 2, FALSE);
      g_autofree char *name = g_strdup_printf ("%s — Bus %u", TOUR_FIXTURE_NAME, bus + 1);

      g_assert_cmpstr (route->name, ==, name);
      g_assert_cmpuint (route->points->len, ==, expected->len + 2);
      for (guint i = 0; i < expected->len; i++)
        g_assert_cmpstr (((AmapGpxPoint *) g_ptr_array_index (route->points, i + 1))->name, ==,
                         g_ptr_array_index (expected, i));
    }
}

/* A failed export leaves the file that was there, and no temporary file. */
static void
test_failure_keeps_file (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(AmapTourPlan) plan = tour_fixture_plan (&fixture->tour);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = tour_fixture_file (&fixture->tour, "keep.gpx");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *contents = NULL;
  AmapTourFormat format;
  const char *name;

  g_assert_true (g_file_set_contents (path, "old contents", -1, NULL));
  g_cancellable_cancel (cancellable);

  for (format = AMAP_TOUR_FORMAT_KML; format <= AMAP_TOUR_FORMAT_PDF; format++)
    {
      g_assert_false (amap_tour_export_file (plan, file, format, NULL, NULL, cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
    }

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old contents");

  dir = g_dir_open (fixture->tour.dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "keep.gpx."));

  /* And a directory that is not there: one sentence naming the file. */
  {
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent-dir/tour.kml");

    g_assert_false (amap_tour_export_file (plan, missing, AMAP_TOUR_FORMAT_KML, NULL, NULL, NULL, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "/nonexistent-dir/tour.kml"));
  }
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* In a worker thread, as the window exports: the same file. */
static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(AmapTourPlan) plan = tour_fixture_plan (&fixture->tour);
  g_autofree char *path = tour_fixture_file (&fixture->tour, "async.gpx");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;

  amap_tour_export_file_async (plan, file, AMAP_TOUR_FORMAT_GPX, NULL, NULL, NULL, on_exported_cb, &result);
  g_clear_object (&plan);  /* the export keeps what it needs */
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (amap_tour_export_file_finish (result, &error));
  g_assert_no_error (error);

  /* The same document as the synchronous export, but for its time stamp. */
  g_assert_true (g_file_get_contents (fixture->gpx, &expected, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &got, NULL, NULL));
  g_assert_cmpstr (strstr (got, "</metadata>"), ==, strstr (expected, "</metadata>"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, buses) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (buses), fixture_setup, func, fixture_teardown)

  ADD ("/tour-export/kml/validates", test_kml_validates, 1);
  ADD ("/tour-export/kml/ogrinfo-order", test_kml_ogrinfo_order, 1);
  ADD ("/tour-export/kml/gpsbabel-order", test_kml_gpsbabel_order, 1);
  ADD ("/tour-export/kml/buses", test_kml_buses, 2);
  ADD ("/tour-export/gpx/well-formed", test_gpx_well_formed, 1);
  ADD ("/tour-export/gpx/gpsbabel-order", test_gpx_gpsbabel_order, 1);
  ADD ("/tour-export/gpx/ogrinfo-order", test_gpx_ogrinfo_order, 1);
  ADD ("/tour-export/gpx/extensions", test_gpx_extensions, 1);
  ADD ("/tour-export/gpx/buses", test_gpx_buses, 2);
  ADD ("/tour-export/failure-keeps-file", test_failure_keeps_file, 1);
  ADD ("/tour-export/async", test_async, 1);

  return g_test_run ();
}
