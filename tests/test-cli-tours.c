/* test-cli-tours.c: --list-tours, --itinerary and --export-tour, run as a
 * real process without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "amap-gpx-reader.h"
#include "amap-tour-export.h"
#include "test-util.h"
#include "tour-fixtures.h"
#include "writer-fixtures.h"

/* Runs the real asset-map with no display and no settings schema;
 * FALSE (and the test skipped) when it is not built. */
static gboolean
run_binary (const char * const  *args,
            char               **out,
            char               **err,
            int                 *exit_status)
{
  if (!test_util_run_binary (args, out, err, exit_status))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return FALSE;
    }

  return TRUE;
}

static void
test_list_tours (void)
{
  TourFixture fixture;
  g_autoptr(AmapTour) other = amap_tour_new ("Afternoon\tvisit");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  tour_fixture_setup (&fixture, 3, 1);
  amap_store_add_tour (fixture.store, other, &error);
  g_assert_no_error (error);

  if (run_binary ((const char * const[]) { "--database", fixture.path, "--list-tours", NULL },
                  &out, &err, &status))
    {
      g_assert_cmpint (status, ==, 0);
      g_assert_cmpstr (out, ==,
                       "Afternoon visit\t0\t\n"
                       TOUR_FIXTURE_NAME "\t3\t2026-03-10 09:00\n");
    }

  tour_fixture_teardown (&fixture);
}

/* The PDF of the command line is the document the app prints. */
static void
test_itinerary (void)
{
  TourFixture fixture;
  g_autofree char *pdf = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reference_text = NULL;
  int status;

  tour_fixture_setup (&fixture, 3, 1);
  pdf = tour_fixture_file (&fixture, "itinerary.pdf");

  /* The name as typed: case and spaces around it do not matter. */
  if (!run_binary ((const char * const[]) { "--database", fixture.path,
                                            "--itinerary", "  staff WELCOME tour ", pdf, NULL },
                   &out, &err, &status))
    goto out;
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);

  {
    g_autoptr(AmapTourPlan) plan = tour_fixture_plan (&fixture);
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) file = NULL;

    reference = tour_fixture_file (&fixture, "reference.pdf");
    file = g_file_new_for_path (reference);
    amap_tour_export_file (plan, file, AMAP_TOUR_FORMAT_PDF, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  if (tour_fixture_pdf_pages (pdf) < 0)
    goto out;
  g_assert_cmpint (tour_fixture_pdf_pages (pdf), ==, 2);
  text = tour_fixture_pdf_text (pdf, 0, 0);
  reference_text = tour_fixture_pdf_text (reference, 0, 0);
  g_assert_cmpstr (text, ==, reference_text);
  g_assert_true (tour_fixture_in_order (text, (const char * const[]) {
    TOUR_FIXTURE_NAME, fixture.names[0], fixture.names[1], fixture.names[2], "Page 1 of 2",
    fixture.names[0], "Talking point for stop 1.", fixture.names[1], fixture.names[2], NULL }));

out:
  tour_fixture_teardown (&fixture);
}

static void
test_export_tour (void)
{
  TourFixture fixture;
  g_autofree char *kml = NULL;
  g_autofree char *gpx = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  tour_fixture_setup (&fixture, 3, 1);
  kml = tour_fixture_file (&fixture, "tour.KML");
  gpx = tour_fixture_file (&fixture, "tour.gpx");

  if (!run_binary ((const char * const[]) { "--database", fixture.path,
                                            "--export-tour", TOUR_FIXTURE_NAME, kml, NULL },
                   &out, &err, &status))
    goto out;
  g_assert_cmpint (status, ==, 0);
  fixture_assert_validates (kml);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  run_binary ((const char * const[]) { "--database", fixture.path,
                                       "--export-tour", TOUR_FIXTURE_NAME, gpx, NULL },
              &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GMappedFile) mapped = g_mapped_file_new (gpx, FALSE, &error);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(AmapGpxDocument) document = NULL;
    AmapGpxRoute *route;

    g_assert_no_error (error);
    bytes = g_mapped_file_get_bytes (mapped);
    document = amap_gpx_reader_read_bytes (bytes, "tour.gpx", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (document->routes->len, ==, 1);
    route = g_ptr_array_index (document->routes, 0);
    g_assert_cmpuint (route->points->len, ==, 5);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpstr (((AmapGpxPoint *) g_ptr_array_index (route->points, i + 1))->name, ==,
                       fixture.names[i]);
  }

out:
  tour_fixture_teardown (&fixture);
}

/* What goes wrong is said in one sentence, and no file is left behind. */
static void
test_errors (void)
{
  TourFixture fixture;
  g_autofree char *pdf = NULL;
  g_autofree char *txt = NULL;
  int status;

  tour_fixture_setup (&fixture, 2, 1);
  pdf = tour_fixture_file (&fixture, "none.pdf");
  txt = tour_fixture_file (&fixture, "tour.txt");

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (!run_binary ((const char * const[]) { "--database", fixture.path,
                                              "--itinerary", "Evening tour", pdf, NULL },
                     &out, &err, &status))
      goto out;
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "no tour named “Evening tour”"));
    g_assert_nonnull (strstr (err, "--list-tours"));
    g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    run_binary ((const char * const[]) { "--database", fixture.path,
                                         "--itinerary", TOUR_FIXTURE_NAME, NULL },
                &out, &err, &status);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "needs the PDF file"));
  }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    run_binary ((const char * const[]) { "--database", fixture.path,
                                         "--export-tour", TOUR_FIXTURE_NAME, txt, NULL },
                &out, &err, &status);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, ".kml"));
    g_assert_nonnull (strstr (err, ".gpx"));
    g_assert_false (g_file_test (txt, G_FILE_TEST_EXISTS));
  }

out:
  tour_fixture_teardown (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli-tours/list-tours", test_list_tours);
  g_test_add_func ("/cli-tours/itinerary", test_itinerary);
  g_test_add_func ("/cli-tours/export-tour", test_export_tour);
  g_test_add_func ("/cli-tours/errors", test_errors);

  return g_test_run ();
}
