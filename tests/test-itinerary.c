/* test-itinerary.c: the itinerary's pages and the map drawn without a
 * display, read back with poppler's pdfinfo and pdftotext
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "amap-itinerary.h"
#include "amap-map-render.h"
#include "amap-tour-export.h"
#include "tour-fixtures.h"

static char *
write_itinerary (TourFixture *fixture,
                 const char  *name)
{
  g_autoptr(AmapTourPlan) plan = tour_fixture_plan (fixture);
  g_autofree char *path = tour_fixture_file (fixture, name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  amap_tour_export_file (plan, file, AMAP_TOUR_FORMAT_PDF, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
update_tour (TourFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  amap_store_update_tour (fixture->store, fixture->tour, NULL, &error);
  g_assert_no_error (error);
}

/* Page one with the map, totals and schedule; the stops on page two. */
static void
test_pages_and_order (void)
{
  TourFixture fixture;
  g_autofree char *path = NULL;
  g_autofree char *first = NULL;
  g_autofree char *details = NULL;
  int pages;

  tour_fixture_setup (&fixture, 3, 1);
  path = write_itinerary (&fixture, "tour.pdf");

  pages = tour_fixture_pdf_pages (path);
  if (pages < 0)
    goto out;
  g_assert_cmpint (pages, ==, 2);

  first = tour_fixture_pdf_text (path, 1, 1);
  g_assert_nonnull (strstr (first, TOUR_FIXTURE_NAME));
  g_assert_nonnull (strstr (first, "Tuesday, March 10, 2026"));
  g_assert_nonnull (strstr (first, "Page 1 of 2"));
  /* The schedule at a glance: every stop, in order. */
  g_assert_true (tour_fixture_in_order (first, (const char * const[]) {
    fixture.names[0], fixture.names[1], fixture.names[2], NULL }));

  details = tour_fixture_pdf_text (path, 2, 2);
  g_assert_true (tour_fixture_in_order (details, (const char * const[]) {
    fixture.names[0], "Ana Ruiz", "Owner", "(510) 555-0101", "Space for family events",
    "Volunteers on Saturdays", "Talking point for stop 1.",
    fixture.names[1], "Talking point for stop 2.",
    fixture.names[2], "Mei Lin", "Talking point for stop 3.",
    "Back at Fruitvale Elementary", "Page 2 of 2", NULL }));

out:
  tour_fixture_teardown (&fixture);
}

/* The page count the window's print operation gets is the PDF's, and
 * every page draws on any surface. */
static void
test_page_api (void)
{
  TourFixture fixture;
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(AmapItinerary) itinerary = NULL;
  g_autofree char *path = NULL;
  guint n_pages;
  int pdf_pages;

  tour_fixture_setup (&fixture, 6, 2);
  plan = tour_fixture_plan (&fixture);
  itinerary = amap_itinerary_new (plan);

  /* US Letter, as a print dialog might ask. */
  n_pages = amap_itinerary_paginate (itinerary, 612, 792);
  g_assert_cmpuint (n_pages, ==, amap_itinerary_get_n_pages (itinerary));
  /* Each bus: its own first page and its stops. */
  g_assert_cmpuint (n_pages, ==, 4);

  for (guint i = 0; i < n_pages; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 612, 792);
      cairo_t *cr = cairo_create (surface);

      amap_itinerary_draw_page (itinerary, cr, i);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }

  path = write_itinerary (&fixture, "buses.pdf");
  pdf_pages = tour_fixture_pdf_pages (path);
  if (pdf_pages >= 0)
    {
      g_autofree char *bus1 = tour_fixture_pdf_text (path, 1, 2);
      g_autofree char *bus2 = tour_fixture_pdf_text (path, 3, 4);

      g_assert_cmpint (pdf_pages, ==, 4);
      /* Bus 1 makes stops 1, 3, 5; bus 2 stops 2, 4, 6, numbered from 1. */
      g_assert_nonnull (strstr (bus1, "Bus 1 of 2"));
      /* Each bus's pages are numbered on their own. */
      g_assert_true (tour_fixture_in_order (bus1, (const char * const[]) {
        "Page 1 of 2", "Page 2 of 2", NULL }));
      g_assert_true (tour_fixture_in_order (bus2, (const char * const[]) {
        "Page 1 of 2", "Page 2 of 2", NULL }));
      g_assert_true (tour_fixture_in_order (bus1, (const char * const[]) {
        fixture.names[0], fixture.names[2], fixture.names[4], NULL }));
      g_assert_null (strstr (bus1, fixture.names[1]));
      g_assert_nonnull (strstr (bus2, "Bus 2 of 2"));
      g_assert_true (tour_fixture_in_order (bus2, (const char * const[]) {
        fixture.names[1], fixture.names[3], fixture.names[5], NULL }));
      g_assert_null (strstr (bus2, fixture.names[0]));
    }

  tour_fixture_teardown (&fixture);
}

/* A long note wraps and flows to the next page; nothing is cut off. */
static void
test_long_note_flows (void)
{
  TourFixture fixture;
  g_autoptr(GString) note = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  int pages;

  tour_fixture_setup (&fixture, 3, 1);
  for (guint i = 0; i < 400; i++)
    g_string_append_printf (note, "word%u ", i);
  g_string_append (note, "THEEND");
  amap_tour_stop_set_note (amap_tour_get_stop (fixture.tour, 1), note->str);
  update_tour (&fixture);

  path = write_itinerary (&fixture, "long.pdf");
  pages = tour_fixture_pdf_pages (path);
  if (pages < 0)
    goto out;
  g_assert_cmpint (pages, >=, 3);

  text = tour_fixture_pdf_text (path, 2, 0);
  /* Every word, in order, across the page break. */
  flat = g_strdelimit (g_strdup (text), "\n\f", ' ');
  for (guint i = 0; i < 400; i += 37)
    {
      g_autofree char *word = g_strdup_printf ("word%u ", i);

      g_assert_nonnull (strstr (flat, word));
    }
  g_assert_nonnull (strstr (flat, "word399 THEEND"));
  g_assert_true (tour_fixture_in_order (text, (const char * const[]) {
    fixture.names[1], "word0", "(continued)", "THEEND", fixture.names[2], NULL }));

out:
  tour_fixture_teardown (&fixture);
}

/* Back after the latest return: page one says so. */
static void
test_late_warning (void)
{
  TourFixture fixture;
  g_autoptr(GDateTime) latest = g_date_time_new_local (2026, 3, 10, 9, 20, 0);
  g_autofree char *path = NULL;
  g_autofree char *first = NULL;

  tour_fixture_setup (&fixture, 4, 1);
  path = write_itinerary (&fixture, "on-time.pdf");
  first = tour_fixture_pdf_text (path, 1, 1);
  if (first == NULL)
    goto out;
  g_assert_null (strstr (first, "Running late"));
  g_clear_pointer (&first, g_free);
  g_clear_pointer (&path, g_free);

  amap_tour_set_latest_return (fixture.tour, latest);
  update_tour (&fixture);
  path = write_itinerary (&fixture, "late.pdf");
  first = tour_fixture_pdf_text (path, 1, 1);
  g_assert_nonnull (strstr (first, "Running late"));
  /* The minutes late are those between the times as printed. */
  {
    g_autoptr(AmapTourPlan) plan = tour_fixture_plan (&fixture);
    GDateTime *back = amap_schedule_get_return (amap_tour_plan_get_schedule (plan, 0));
    g_autofree char *back_text = g_date_time_format (back, "%H:%M");
    int minutes = (int) (g_date_time_to_unix (back) / 60 - g_date_time_to_unix (latest) / 60);
    g_autofree char *expected = g_strdup_printf ("back at %s, %d minutes after the latest return (09:20)",
                                                 back_text, minutes);
    g_autofree char *flat = g_strdelimit (g_strdup (first), "\n", ' ');

    g_assert_cmpint (minutes, >, 1);
    g_assert_nonnull (strstr (flat, expected));
  }

out:
  tour_fixture_teardown (&fixture);
}

/* The map */

static guint32
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;
}

static guint
count_color (cairo_surface_t *surface,
             guint32          rgb,
             int              tolerance)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = pixel_at (surface, x, y);

        if (ABS ((int) ((p >> 16) & 0xff) - (int) ((rgb >> 16) & 0xff)) <= tolerance
            && ABS ((int) ((p >> 8) & 0xff) - (int) ((rgb >> 8) & 0xff)) <= tolerance
            && ABS ((int) (p & 0xff) - (int) (rgb & 0xff)) <= tolerance)
          n++;
      }
  return n;
}

static cairo_surface_t *
render_map (AmapMapRender *render)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create (surface);

  amap_map_render_draw (render, cr, 400, 300);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return surface;
}

/* Without any tile: the background, the route in the bus color, the stops;
 * with a cached tile, the tile under them. */
static void
test_map_without_and_with_tiles (void)
{
  TourFixture fixture;
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(AmapMapRender) render = amap_map_render_new ();
  g_autofree char *tiles = NULL;
  g_autofree char *png_path = NULL;
  g_autoptr(GFile) png = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  guint bus_pixels;

  tour_fixture_setup (&fixture, 4, 1);
  plan = tour_fixture_plan (&fixture);
  amap_map_render_add_tour (render, plan, -1);

  /* No tile directory at all, then an empty one. */
  surface = render_map (render);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), ==, 0);
  g_assert_cmpuint (count_color (surface, 0xf3f1ec, 2), >, 400 * 300 / 2);   /* background */
  bus_pixels = count_color (surface, 0x1c71d8, 8);                           /* bus 1 blue */
  g_assert_cmpuint (bus_pixels, >, 500);
  g_assert_cmpuint (count_color (surface, 0xff0000, 30), ==, 0);
  cairo_surface_destroy (surface);

  tiles = tour_fixture_file (&fixture, "tiles");
  amap_map_render_set_tile_dir (render, tiles);
  g_mkdir_with_parents (tiles, 0700);
  surface = render_map (render);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), ==, 0);
  cairo_surface_destroy (surface);

  /* Red tiles where the cache keeps them (ZOOM/X/Y.png), at every zoom
   * that could be asked for around the fixture's neighborhood. */
  {
    cairo_surface_t *red = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
    cairo_t *cr = cairo_create (red);

    cairo_set_source_rgb (cr, 1, 0, 0);
    cairo_paint (cr);
    cairo_destroy (cr);

    for (int zoom = 10; zoom <= 19; zoom++)
      {
        double n = exp2 (zoom);
        double lat = 37.7750 * G_PI / 180;
        int x = (int) floor ((-122.2245 + 180) / 360 * n);
        int y = (int) floor ((1 - log (tan (lat) + 1 / cos (lat)) / G_PI) / 2 * n);

        for (int dx = -6; dx <= 6; dx++)
          for (int dy = -6; dy <= 6; dy++)
            {
              g_autofree char *dir = g_strdup_printf ("%s/%d/%d", tiles, zoom, x + dx);
              g_autofree char *file = g_strdup_printf ("%s/%d.png", dir, y + dy);

              g_mkdir_with_parents (dir, 0700);
              g_assert_cmpint (cairo_surface_write_to_png (red, file), ==, CAIRO_STATUS_SUCCESS);
            }
      }
    cairo_surface_destroy (red);
  }

  surface = render_map (render);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), >, 0);
  /* Red under a pale veil, nearly everywhere; the route still on top. */
  g_assert_cmpuint (count_color (surface, 0xf3f1ec, 2), <, 400 * 300 / 10);
  g_assert_cmpuint (count_color (surface, 0xff3838, 6), >, 400 * 300 / 2);
  g_assert_cmpuint (count_color (surface, 0x1c71d8, 8), >, bus_pixels / 2);
  cairo_surface_destroy (surface);

  /* The same as a PNG file. */
  png_path = tour_fixture_file (&fixture, "map.png");
  png = g_file_new_for_path (png_path);
  amap_map_render_write_png (render, png, 640, 480, &error);
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 640);
  cairo_surface_destroy (surface);

  tour_fixture_teardown (&fixture);
}

/* The paper of the locale: A4 in C, US Letter in en_US. */
static void
test_default_page_size (void)
{
  double width, height;

  amap_itinerary_get_default_page_size (&width, &height);
  g_assert_cmpfloat_with_epsilon (width, 210 * 72 / 25.4, 0.01);
  g_assert_cmpfloat_with_epsilon (height, 297 * 72 / 25.4, 0.01);

  if (setlocale (LC_PAPER, "en_US.UTF-8") == NULL)
    {
      g_test_skip ("The en_US.UTF-8 locale is not installed");
      return;
    }
  amap_itinerary_get_default_page_size (&width, &height);
  setlocale (LC_PAPER, "C.UTF-8");
  g_assert_cmpfloat (width, ==, 612);
  g_assert_cmpfloat (height, ==, 792);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/itinerary/pages-and-order", test_pages_and_order);
  g_test_add_func ("/itinerary/page-api", test_page_api);
  g_test_add_func ("/itinerary/long-note-flows", test_long_note_flows);
  g_test_add_func ("/itinerary/late-warning", test_late_warning);
  g_test_add_func ("/itinerary/map-tiles", test_map_without_and_with_tiles);
  g_test_add_func ("/itinerary/default-page-size", test_default_page_size);

  return g_test_run ();
}
