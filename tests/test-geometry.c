/* test-geometry.c: the geometry tree, WKT and representative points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "amap-error.h"
#include "amap-geometry.h"

static void
assert_wkt_round_trip (const char *wkt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapGeometry) geom = amap_geometry_from_wkt (wkt, &error);
  g_autoptr(AmapGeometry) again = NULL;
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (geom);
  written = amap_geometry_to_wkt (geom);
  g_assert_cmpstr (written, ==, wkt);
  again = amap_geometry_from_wkt (written, &error);
  g_assert_no_error (error);
  g_assert_true (amap_geometry_equal (geom, again));
}

static void
test_wkt_round_trip (void)
{
  assert_wkt_round_trip ("POINT (-122.2194 37.7749)");
  assert_wkt_round_trip ("POINT Z (2 49 0)");
  assert_wkt_round_trip ("LINESTRING (-122.3 37.8, -122.2 37.9)");
  assert_wkt_round_trip ("LINESTRING Z (1 2 3, 4 5 6)");
  assert_wkt_round_trip ("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))");
  assert_wkt_round_trip ("GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (1 2, 3 4), "
                         "GEOMETRYCOLLECTION (POINT (5 6)))");
  assert_wkt_round_trip ("GEOMETRYCOLLECTION Z (POINT Z (1 2 0), LINESTRING Z (1 2 3, 3 4 5))");
  assert_wkt_round_trip ("LINESTRING EMPTY");

  /* 2D and 3D members mixed (found by the fuzzer): written all 3D, the
   * missing altitude as 0, and stable from then on. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AmapGeometry) mixed = amap_geometry_from_wkt (
      "GEOMETRYCOLLECTION Z (POINT (1 23), POLYGON Z ((0 0 0, 4 0 0, 4 51 0)))", &error);
    g_autofree char *wkt = NULL;

    g_assert_no_error (error);
    wkt = amap_geometry_to_wkt (mixed);
    g_assert_cmpstr (wkt, ==, "GEOMETRYCOLLECTION Z (POINT Z (1 23 0), POLYGON Z ((0 0 0, 4 0 0, 4 51 0)))");
    assert_wkt_round_trip (wkt);
  }
  /* Doubles survive exactly, in their shortest form. */
  assert_wkt_round_trip ("POINT (0.1 0.30000000000000004)");
  assert_wkt_round_trip ("POINT (-122.0822035425683 37.42228990140251)");
}

static void
test_wkt_reading (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapGeometry) geom = NULL;
  g_autofree char *wkt = NULL;

  /* Case, spacing and the Multi* forms. */
  geom = amap_geometry_from_wkt ("  multipoint ((1 2), (3 4)) ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (amap_geometry_get_kind (geom), ==, AMAP_GEOMETRY_COLLECTION);
  g_assert_cmpuint (amap_geometry_get_n_children (geom), ==, 2);
  g_clear_pointer (&geom, amap_geometry_free);

  geom = amap_geometry_from_wkt ("MULTIPOINT (1 2, 3 4)", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_geometry_get_n_children (geom), ==, 2);
  g_clear_pointer (&geom, amap_geometry_free);

  geom = amap_geometry_from_wkt ("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))", &error);
  g_assert_no_error (error);
  g_assert_cmpint (amap_geometry_get_kind (amap_geometry_get_child (geom, 1)), ==, AMAP_GEOMETRY_POLYGON);
  g_clear_pointer (&geom, amap_geometry_free);

  /* A measure is dropped, Z kept. */
  geom = amap_geometry_from_wkt ("LINESTRING M (1 2 9, 3 4 9)", &error);
  g_assert_no_error (error);
  wkt = amap_geometry_to_wkt (geom);
  g_assert_cmpstr (wkt, ==, "LINESTRING (1 2, 3 4)");
  g_clear_pointer (&geom, amap_geometry_free);

  /* Errors say where. */
  static const char * const bad[] = {
    "", "POINT", "POINT (1)", "POINT (1 2", "POINT (1 2) x", "CIRCLE (1 2)",
    "LINESTRING (1 2, 3 4 5)", "POINT (nan 2)", "POINT (inf 2)", "POINT (0x10 2)",
    "GEOMETRYCOLLECTION (POINT (1 2),)",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(AmapGeometry) g = amap_geometry_from_wkt (bad[i], &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (g);
      g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* Deep nesting is refused, not a stack overflow. */
  {
    GString *deep = g_string_new (NULL);
    for (int i = 0; i < 10000; i++)
      g_string_append (deep, "GEOMETRYCOLLECTION (");
    geom = amap_geometry_from_wkt (deep->str, &error);
    g_assert_null (geom);
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
    g_string_free (deep, TRUE);
  }
}

static void
test_representative_point (void)
{
  g_autoptr(GError) error = NULL;
  double lon, lat;

  /* A line: halfway along its length, not its middle vertex. */
  {
    g_autoptr(AmapGeometry) line = amap_geometry_from_wkt ("LINESTRING (0 0, 1 0, 10 0)", &error);
    g_assert_true (amap_geometry_get_representative_point (line, &lon, &lat));
    g_assert_cmpfloat_with_epsilon (lon, 5.0, 1e-12);
    g_assert_cmpfloat_with_epsilon (lat, 0.0, 1e-12);
  }

  /* A square: its centroid. */
  {
    g_autoptr(AmapGeometry) square = amap_geometry_from_wkt ("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))", &error);
    g_assert_true (amap_geometry_get_representative_point (square, &lon, &lat));
    g_assert_cmpfloat_with_epsilon (lon, 2.0, 1e-12);
    g_assert_cmpfloat_with_epsilon (lat, 2.0, 1e-12);
  }

  /* A square with a hole in the middle: the centroid is in the hole, so
   * the point moves into the ring around it. */
  {
    g_autoptr(AmapGeometry) donut = amap_geometry_from_wkt (
      "POLYGON ((0 0, 6 0, 6 6, 0 6, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))", &error);

    g_assert_true (amap_geometry_get_representative_point (donut, &lon, &lat));
    g_assert_false (lon > 2 && lon < 4 && lat > 2 && lat < 4);
    g_assert_true (lon > 0 && lon < 6 && lat > 0 && lat < 6);
  }

  /* A C shape: the centroid falls outside; the point is inside. */
  {
    g_autoptr(AmapGeometry) c = amap_geometry_from_wkt (
      "POLYGON ((0 0, 10 0, 10 2, 2 2, 2 8, 10 8, 10 10, 0 10, 0 0))", &error);

    g_assert_true (amap_geometry_get_representative_point (c, &lon, &lat));
    g_assert_true ((lon >= 0 && lon <= 2 && lat >= 0 && lat <= 10) ||
                   (lon >= 0 && lon <= 10 && ((lat >= 0 && lat <= 2) || (lat >= 8 && lat <= 10))));
  }

  /* A collection: its largest member (the polygon beats the point). */
  {
    g_autoptr(AmapGeometry) collection = amap_geometry_from_wkt (
      "GEOMETRYCOLLECTION (POINT (50 50), POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0)))", &error);

    g_assert_true (amap_geometry_get_representative_point (collection, &lon, &lat));
    g_assert_cmpfloat_with_epsilon (lon, 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon (lat, 1.0, 1e-12);
  }

  /* Empty: no point. */
  {
    g_autoptr(AmapGeometry) empty = amap_geometry_new (AMAP_GEOMETRY_COLLECTION);
    g_assert_false (amap_geometry_get_representative_point (empty, &lon, &lat));
  }
}

static void
test_validate_and_kml (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapGeometry) ring = amap_geometry_new (AMAP_GEOMETRY_LINE_STRING);
  g_autoptr(AmapGeometry) polygon = amap_geometry_new (AMAP_GEOMETRY_POLYGON);
  g_autoptr(AmapGeometry) line = NULL;
  g_autofree char *coords = NULL;

  amap_geometry_add_coord (ring, 0, 0, NAN);
  amap_geometry_add_coord (ring, 1, 0, NAN);
  amap_geometry_add_coord (ring, 1, 1, NAN);
  amap_geometry_add_child (polygon, amap_geometry_copy (ring));
  /* Not closed. */
  g_assert_false (amap_geometry_validate (polygon, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);

  line = amap_geometry_from_wkt ("LINESTRING (10 91, 11 20)", &error);
  g_assert_false (amap_geometry_validate (line, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&line, amap_geometry_free);

  line = amap_geometry_from_wkt ("LINESTRING Z (-122.08 37.42 17, 0.5 1e-7 0)", &error);
  g_assert_true (amap_geometry_validate (line, &error));
  coords = amap_geometry_format_kml_coordinates (line);
  g_assert_cmpstr (coords, ==, "-122.08,37.42,17 0.5,1e-07,0");
  g_assert_true (amap_geometry_has_altitude (line));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/geometry/wkt/round-trip", test_wkt_round_trip);
  g_test_add_func ("/geometry/wkt/reading", test_wkt_reading);
  g_test_add_func ("/geometry/representative-point", test_representative_point);
  g_test_add_func ("/geometry/validate-and-kml", test_validate_and_kml);

  return g_test_run ();
}
