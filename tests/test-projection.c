/* test-projection.c: Web Mercator round trips and scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "amap-projection.h"

static void
test_projection_round_trip (void)
{
  static const double places[][2] = {
    { 37.7749, -122.2194 },    /* Fruitvale, Oakland */
    { 0.0, 0.0 },
    { -33.8688, 151.2093 },
    { 64.1466, -21.9426 },
    { 85.0, 179.999 },
    { -85.0, -179.999 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    for (double zoom = 0; zoom <= 20; zoom += 2.5)
      {
        double x, y, lat, lon;

        amap_projection_location_to_pixels (places[i][0], places[i][1], zoom, &x, &y);
        amap_projection_pixels_to_location (x, y, zoom, &lat, &lon);
        g_assert_cmpfloat_with_epsilon (lat, places[i][0], 1e-9);
        g_assert_cmpfloat_with_epsilon (lon, places[i][1], 1e-9);
      }
}

static void
test_projection_known_points (void)
{
  double x, y, lat, lon;

  /* Zoom 0 is one 256-pixel tile: (0°, 0°) is its middle. */
  amap_projection_location_to_pixels (0, 0, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 128, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 128, 1e-9);

  /* The corners of the world. */
  amap_projection_location_to_pixels (AMAP_PROJECTION_MAX_LATITUDE, -180, 3, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 0, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, 0, 1e-6);
  amap_projection_pixels_to_location (2048, 2048, 3, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, -AMAP_PROJECTION_MAX_LATITUDE, 1e-6);
  g_assert_cmpfloat_with_epsilon (lon, 180, 1e-9);

  /* San Francisco's civic center is in the well-known OSM tile
   * 14/2620/6332 (as in tile.openstreetmap.org/14/2620/6332.png). */
  amap_projection_location_to_pixels (37.7749, -122.4194, 14, &x, &y);
  g_assert_cmpint ((int) (x / AMAP_PROJECTION_TILE_SIZE), ==, 2620);
  g_assert_cmpint ((int) (y / AMAP_PROJECTION_TILE_SIZE), ==, 6332);
}

static void
test_projection_clamps (void)
{
  double x1, y1, x2, y2, lat, lon;

  /* Beyond the poles of Web Mercator: clamped, never NAN or infinite. */
  amap_projection_location_to_pixels (90, 0, 5, &x1, &y1);
  amap_projection_location_to_pixels (AMAP_PROJECTION_MAX_LATITUDE, 0, 5, &x2, &y2);
  g_assert_true (isfinite (y1));
  g_assert_cmpfloat_with_epsilon (y1, y2, 1e-9);
  amap_projection_pixels_to_location (-500, -500, 5, &lat, &lon);
  g_assert_cmpfloat (lat, <=, AMAP_PROJECTION_MAX_LATITUDE);
  g_assert_cmpfloat (lon, >=, -180);
}

static void
test_projection_scale (void)
{
  /* A mile is 1609.344 m; at the equator, zoom 0, a pixel is ~156 km. */
  g_assert_cmpfloat_with_epsilon (amap_projection_meters_per_pixel (0, 0), 156543.03, 1.0);
  /* Each zoom level halves it; latitude shrinks it by cos (lat). */
  g_assert_cmpfloat_with_epsilon (amap_projection_meters_per_pixel (60, 1),
                                  156543.03 / 2 * 0.5, 1.0);
}

static void
test_projection_zoom_for_bounds (void)
{
  double zoom, x0, y0, x1, y1;

  /* A neighborhood about 2 km across fits in 800x600 at a street zoom. */
  zoom = amap_projection_zoom_for_bounds (37.765, -122.232, 37.785, -122.206,
                                          800, 600, 40, 18);
  g_assert_cmpfloat (zoom, >, 13);
  g_assert_cmpfloat (zoom, <, 17);
  amap_projection_location_to_pixels (37.785, -122.232, zoom, &x0, &y0);
  amap_projection_location_to_pixels (37.765, -122.206, zoom, &x1, &y1);
  g_assert_cmpfloat (x1 - x0, <=, 800 - 80 + 1e-6);
  g_assert_cmpfloat (y1 - y0, <=, 600 - 80 + 1e-6);
  /* ...and fills one of the two directions. */
  g_assert_true (fabs ((x1 - x0) - 720) < 1e-6 || fabs ((y1 - y0) - 520) < 1e-6);

  /* One point: as close as allowed. */
  zoom = amap_projection_zoom_for_bounds (37.77, -122.22, 37.77, -122.22,
                                          800, 600, 40, 17);
  g_assert_cmpfloat (zoom, ==, 17);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/projection/round-trip", test_projection_round_trip);
  g_test_add_func ("/projection/known-points", test_projection_known_points);
  g_test_add_func ("/projection/clamps", test_projection_clamps);
  g_test_add_func ("/projection/scale", test_projection_scale);
  g_test_add_func ("/projection/zoom-for-bounds", test_projection_zoom_for_bounds);

  return g_test_run ();
}
