/* test-kml-reader.c: the streaming KML/KMZ reader, on the shared corpus
 * and on our own fixtures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <math.h>
#include <string.h>

#include "amap-error.h"
#include "amap-geometry.h"
#include "amap-kml-reader.h"
#include "amap-kmz.h"

typedef struct
{
  GPtrArray *assets;       /* AmapAsset */
  GPtrArray *infos;        /* AmapKmlPlacemarkInfo copies */
  GPtrArray *messages;     /* "KIND LINE: text" */
  guint n_skipped;
  guint n_warnings;
  guint n_notices;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->assets, g_ptr_array_unref);
  g_clear_pointer (&r->infos, g_ptr_array_unref);
  g_clear_pointer (&r->messages, g_ptr_array_unref);
}

static GStringChunk *
style_urls (void)
{
  static GStringChunk *chunk;

  if (chunk == NULL)
    chunk = g_string_chunk_new (1024);
  return chunk;
}

static gboolean
collect_placemark (AmapKmlReader              *reader,
                   AmapAsset                  *asset,
                   const AmapKmlPlacemarkInfo *info,
                   gpointer                    user_data,
                   GError                    **error)
{
  Result *r = user_data;

  g_ptr_array_add (r->assets, amap_asset_copy (asset));
  AmapKmlPlacemarkInfo *copy = g_memdup2 (info, sizeof *info);

  /* The style url belongs to the reader: keep a copy (leaked on purpose
   * with the test's Result, freed by the string chunk below). */
  copy->style_url = g_string_chunk_insert_const (style_urls (), info->style_url ? info->style_url : "");
  g_ptr_array_add (r->infos, copy);
  return TRUE;
}

static void
collect_message (AmapKmlReader         *reader,
                 AmapImportMessageKind  kind,
                 guint                  line,
                 const char            *text,
                 gpointer               user_data)
{
  Result *r = user_data;
  static const char * const kinds[] = { "WARNING", "SKIPPED", "NOTICE" };

  switch (kind)
    {
    case AMAP_IMPORT_MESSAGE_SKIPPED: r->n_skipped++; break;
    case AMAP_IMPORT_MESSAGE_WARNING: r->n_warnings++; break;
    case AMAP_IMPORT_MESSAGE_NOTICE: r->n_notices++; break;
    default: g_assert_not_reached ();
    }
  g_ptr_array_add (r->messages, g_strdup_printf ("%s %u: %s", kinds[kind], line, text));
  if (g_test_verbose ())
    g_test_message ("%s %u: %s", kinds[kind], line, text);
}

static AmapKmlReader *
new_reader (const char *name,
            Result     *r)
{
  AmapKmlReader *reader = amap_kml_reader_new (name);

  memset (r, 0, sizeof *r);
  r->assets = g_ptr_array_new_with_free_func (g_object_unref);
  r->infos = g_ptr_array_new_with_free_func (g_free);
  r->messages = g_ptr_array_new_with_free_func (g_free);
  amap_kml_reader_set_callbacks (reader, collect_placemark, collect_message, r);
  return reader;
}

/* Reads a .kml or .kmz the way the import does (sniffing the zip magic). */
static gboolean
read_path (const char  *path,
           Result      *r,
           GError     **error)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(AmapKmlReader) reader = new_reader (basename, r);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  if (amap_kmz_looks_like_zip ((const guint8 *) contents, len))
    return amap_kmz_read_file (path, reader, NULL, NULL, NULL, error);

  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return FALSE;
  return amap_kml_reader_read_stream (reader, G_INPUT_STREAM (stream), NULL, error);
}

static gboolean
read_string (const char  *name,
             const char  *kml,
             Result      *r,
             GError     **error)
{
  g_autoptr(AmapKmlReader) reader = new_reader (name, r);
  g_autoptr(GBytes) bytes = g_bytes_new (kml, strlen (kml));

  return amap_kml_reader_read_bytes (reader, bytes, error);
}

static AmapAsset *
find_asset (Result     *r,
            const char *name)
{
  for (guint i = 0; i < r->assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (r->assets, i)), name) == 0)
      return g_ptr_array_index (r->assets, i);
  g_error ("no asset named “%s”", name);
  return NULL;
}

static gboolean
messages_contain (Result     *r,
                  const char *needle)
{
  for (guint i = 0; i < r->messages->len; i++)
    if (strstr (g_ptr_array_index (r->messages, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static char *
corpus_path (const char *relative)
{
  const char *dir = g_getenv ("AMAP_KML_CORPUS");
  g_autofree char *path = NULL;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *msg = g_strdup_printf ("KML corpus not found (AMAP_KML_CORPUS=%s)",
                                              dir != NULL ? dir : "(unset)");
      g_test_skip (msg);
      return NULL;
    }
  path = g_build_filename (dir, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("corpus file %s is missing", path);
      g_test_skip (msg);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/*
 * The corpus, read by hand. "imported" counts the placemarks that become
 * assets, "skipped" the placemarks reported as skipped, "unlocated" the
 * assets without a location (address only). Notes say why.
 */
typedef struct
{
  const char *path;
  guint imported;
  guint skipped;
  guint unlocated;
  int error_code;   /* -1: success; else the AMAP_ERROR code */
  const char *why;
} CorpusCase;

static const CorpusCase corpus_cases[] = {
  { "fastkml/LinearRingWithInvalidLat.kml", 0, 0, 0, -1,
    "root is a bare LinearRing: no placemark at all" },
  { "fastkml/ogc_Document-clean.kml", 10, 1, 0, -1,
    "11 placemarks; VPL holds only a 3D Model (skipped); overlays and the network link are notices" },
  { "fastkml/ogc_Document-deprecated.kml", 1, 0, 0, -1,
    "one point; the GroundOverlay is a notice" },
  { "fastkml/small_world.kmz", 0, 0, 0, -1,
    "doc.kml only holds a NetworkLink (a notice, never followed)" },
  { "gdal/description_with_xml.kml", 1, 0, 0, -1, "XHTML inside <description>" },
  { "gdal/gx_track_without_when.kml", 1, 0, 0, -1, "a gx:Track of 7 points becomes a line" },
  { "gdal/kml_with_space_content_in_coordinates.kml", 0, 1, 0, -1,
    "empty LineString, no name, no address" },
  { "gdal/non_conformant_multi.kml", 3, 0, 0, -1, "MultiPolygon/MultiLineString/MultiPoint read as collections" },
  { "gdal/placemark_with_kml_prefix.kml", 1, 0, 0, -1, "kml:-prefixed elements" },
  { "gdal/several_schema_in_layer.kml", 0, 2, 0, -1, "two placemarks with data but no geometry and no address" },
  { "gdal/tab_separated_coord_triplet.kml", 1, 0, 0, -1, "a two-point line, tuples separated by a TAB" },
  { "gdal/truncated.kml", 0, 0, 0, AMAP_ERROR_PARSE, "cut in the middle of <coordinates>" },
  { "gdal/weird_empty_folders.kml", 0, 1, 0, -1, "one empty Placemark" },
  { "giscore/deprecated_metadata_schemadata.kml", 3, 0, 0, -1, "SchemaData inside <Metadata>" },
  { "giscore/extendeddata_foreign_namespace.kml", 1, 0, 0, -1, "camp: elements become extra fields" },
  { "giscore/groundoverlay_cross_antimeridian.kml", 0, 0, 0, -1, "two GroundOverlays only (notices)" },
  { "giscore/kml20_schema_old_style.kml", 3, 0, 0, -1,
    "KML 2.0 Schema with <parent>Placemark</parent>: three aliased placemarks with points" },
  { "giscore/nested_multigeometry.kml", 1, 0, 0, -1, "nested MultiGeometry" },
  { "giscore/ns_opengis_kml23.kml", 1, 0, 0, -1, "future KML 2.3 namespace" },
  { "giscore/polygon_inner_boundaries.kml", 1, 0, 0, -1, "a polygon with four holes" },
  { "giscore/sloppy_bad_coords.kml", 21, 11, 0, -1,
    "32 placemarks. Skipped: point1/point2/Line1/Line2 (single numbers, no tuple), point6/7/7b/10/11 "
    "(longitude or latitude not a number), point8 (latitude 200), "
    "polygon4 (no outer boundary). Imported with warnings: point9/9b (longitude 200, 3000 wrapped "
    "by whole turns to -160, 120), point3c/point5 (bad altitude dropped), "
    "point4 (4th value dropped), Line3/Line4/ring1/polygon1 (one point), Line5 (1,2,3,4,5,6 as two "
    "triples), ring2/polygon2 (two points: a line), polygon3 (closed)" },
  { "giscore/sloppy_bad_element_order.kml", 1, 0, 0, -1, "unnamed point" },
  { "giscore/timestamps_variants.kml", 11, 0, 0, -1, "11 points; overlays are notices" },
  { "google_samples/KML_Samples.kml", 19, 1, 0, -1,
    "20 placemarks; “Descriptive HTML” has no geometry and no address" },
  { "google_samples/KML_Samples_2008_earth-google-kml22.kml", 19, 1, 0, -1,
    "the same samples on the earth.google.com/kml/2.2 namespace" },
  { "libkml/101_nested_folders.kml", 0, 0, 0, -1, "101 nested folders, no placemark" },
  { "libkml/all_gx_elements.kml", 3, 4, 0, -1,
    "7 placemarks: a line, the Eiffel Tower and a two-point gx:Track import; a LookAt-only, a "
    "Camera-only, a Style-only and a MultiTrack of empty tracks are skipped" },
  { "libkml/badcoords_no_spaces.kml", 1, 0, 0, -1, "12 comma-joined values read as 4 triples" },
  { "libkml/billion_laughs.kml", 0, 0, 0, AMAP_ERROR_UNSAFE, "DOCTYPE refused" },
  { "libkml/bool_fields_with_whitespace.kml", 1, 0, 0, -1, "MultiGeometry point + polygon" },
  { "libkml/gnis_ak_first_101.kml", 101, 0, 0, -1, "101 points" },
  { "libkml/invalid_unescaped_descriptions.kml", 0, 3, 0, -1, "three placemarks without geometry" },
  { "libkml/multikml_doc.kmz", 0, 1, 0, -1,
    "no doc.kml at the root: b.kml, the first .kml at the root, holds one placemark without geometry" },
  { "libkml/nokml.kmz", 0, 0, 0, AMAP_ERROR_UNSUPPORTED, "no .kml inside" },
  { "libkml/old_schema_ge51_shp.kml", 1, 1, 0, -1,
    "Schema parent=\"Placemark\": two aliased placemarks, the second has no geometry" },
  { "libkml/xal_address_details.kml", 1, 0, 0, -1, "point with <address> and xAL" },
  { "togeojson/bad_coordinates.kml", 0, 3, 0, -1, "every tuple is “no,no” or similar" },
  { "togeojson/gx_latlonquad.kml", 0, 0, 0, -1, "a GroundOverlay only" },
  { "togeojson/invalid_short_colors.kml", 1, 0, 0, -1, "a line; bad colors are ignored" },
  { "togeojson/linear_ring_kml21.kml", 1, 0, 0, -1, "LinearRing as the geometry" },
  { "togeojson/multigeometry_nested_oneline.kml", 1, 0, 0, -1, "nested MultiGeometry of lines" },
  { "togeojson/point_4d_coordinates.kml", 1, 0, 0, -1, "a 4th value is dropped" },
  { "togeojson/schema_float_int_fields.kml", 1, 0, 0, -1, "a polygon with SchemaData" },
  { "togeojson/simpledata.kml", 2, 0, 0, -1, "two points with SimpleData" },
  { "togeojson/style_no_namespace.kml", 3, 0, 0, -1, "no namespace at all" },
};

static const CorpusCase *
find_case (const char *relative)
{
  for (guint i = 0; i < G_N_ELEMENTS (corpus_cases); i++)
    if (g_str_equal (corpus_cases[i].path, relative))
      return &corpus_cases[i];
  return NULL;
}

static void
list_corpus_files (const char *root,
                   const char *relative,
                   GPtrArray  *out)
{
  g_autofree char *dir_path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = *relative ? g_build_filename (relative, name, NULL) : g_strdup (name);
      g_autofree char *full = g_build_filename (root, rel, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          if (!g_str_equal (rel, "schema"))
            list_corpus_files (root, rel, out);
        }
      else if (g_str_has_suffix (name, ".kml") || g_str_has_suffix (name, ".kmz"))
        g_ptr_array_add (out, g_steal_pointer (&rel));
    }
}

static void
test_corpus_all (void)
{
  const char *root = g_getenv ("AMAP_KML_CORPUS");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint n_checked = 0;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *msg = g_strdup_printf ("KML corpus not found (AMAP_KML_CORPUS=%s)",
                                              root != NULL ? root : "(unset)");
      g_test_skip (msg);
      return;
    }

  list_corpus_files (root, "", files);
  g_assert_cmpuint (files->len, >, 0);

  for (guint i = 0; i < files->len; i++)
    {
      const char *rel = g_ptr_array_index (files, i);
      const CorpusCase *c = find_case (rel);
      g_autofree char *path = g_build_filename (root, rel, NULL);
      g_autoptr(GError) error = NULL;
      Result r;
      gboolean ok;
      guint unlocated = 0;

      if (c == NULL)
        g_error ("corpus file %s has no expected result in test-kml-reader.c: read it and add one", rel);

      ok = read_path (path, &r, &error);
      for (guint j = 0; j < r.assets->len; j++)
        if (!amap_asset_get_has_location (g_ptr_array_index (r.assets, j)))
          unlocated++;

      g_test_message ("%s: ok=%d imported=%u skipped=%u unlocated=%u %s",
                      rel, ok, r.assets->len, r.n_skipped, unlocated,
                      error ? error->message : "");

      if (c->error_code >= 0)
        {
          g_assert_false (ok);
          g_assert_error (error, AMAP_ERROR, c->error_code);
        }
      else
        {
          if (!ok)
            g_error ("%s: %s", rel, error->message);
          if (r.assets->len != c->imported || r.n_skipped != c->skipped || unlocated != c->unlocated)
            g_error ("%s: expected %u imported, %u skipped, %u unlocated (%s); got %u, %u, %u",
                     rel, c->imported, c->skipped, c->unlocated, c->why,
                     r.assets->len, r.n_skipped, unlocated);

          /* Every asset is one the store would accept. */
          for (guint j = 0; j < r.assets->len; j++)
            {
              AmapAsset *asset = g_ptr_array_index (r.assets, j);
              g_autoptr(GError) invalid = NULL;

              if (!amap_asset_validate (asset, &invalid))
                g_error ("%s: “%s” is not valid: %s", rel, amap_asset_get_name (asset), invalid->message);
              g_assert_nonnull (amap_asset_get_source_id (asset));
              g_assert_nonnull (amap_asset_get_category (asset));
              if (amap_asset_get_shape (asset) != NULL)
                {
                  g_autoptr(AmapGeometry) geom = amap_geometry_from_wkt (amap_asset_get_shape (asset), &invalid);
                  g_assert_no_error (invalid);
                  g_assert_nonnull (geom);
                }
            }
        }

      result_clear (&r);
      n_checked++;
    }

  g_assert_cmpuint (n_checked, ==, files->len);
}

static void
test_corpus_samples_details (void)
{
  g_autofree char *path = corpus_path ("google_samples/KML_Samples.kml");
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapGeometry) geom = NULL;
  AmapAsset *asset;
  Result r;

  if (path == NULL)
    return;

  g_assert_true (read_path (path, &r, &error));
  g_assert_no_error (error);

  asset = find_asset (&r, "Simple placemark");
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (asset), -122.0822035425683, 1e-12);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (asset), 37.42228990140251, 1e-12);
  g_assert_null (amap_asset_get_shape (asset));

  /* The Pentagon: a polygon with one hole, its pin inside the outer ring
   * but not in the courtyard. */
  asset = find_asset (&r, "The Pentagon");
  g_assert_true (g_str_has_prefix (amap_asset_get_shape (asset), "POLYGON Z (("));
  geom = amap_geometry_from_wkt (amap_asset_get_shape (asset), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_geometry_get_n_children (geom), ==, 2);
  g_assert_true (amap_asset_get_has_location (asset));

  /* The skipped one names its line. */
  g_assert_true (messages_contain (&r, "SKIPPED 224: "));
  g_assert_true (messages_contain (&r, "Descriptive HTML"));
  /* Overlays are reported, not silently dropped. */
  g_assert_cmpuint (r.n_notices, >=, 8);

  result_clear (&r);
}

static void
test_corpus_sloppy_coordinates (void)
{
  g_autofree char *path = corpus_path ("giscore/sloppy_bad_coords.kml");
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  if (path == NULL)
    return;

  g_assert_true (read_path (path, &r, &error));

  asset = find_asset (&r, "point3a");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 1.0);
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 2.0);
  asset = find_asset (&r, "point5b");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 3.0);
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 4.0);
  /* Two triples joined by commas. */
  asset = find_asset (&r, "Line5");
  g_assert_cmpstr (amap_asset_get_shape (asset), ==, "LINESTRING Z (1 2 3, 4 5 6)");
  /* A three-corner ring left open is closed. */
  asset = find_asset (&r, "polygon3");
  g_assert_true (g_str_has_prefix (amap_asset_get_shape (asset), "POLYGON Z (("));
  /* A single-point line is a point. */
  asset = find_asset (&r, "Line3");
  g_assert_null (amap_asset_get_shape (asset));
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 4.0);

  g_assert_true (messages_contain (&r, "latitude 200 is out of range"));
  g_assert_true (messages_contain (&r, "SKIPPED 168: "));  /* point10 */
  /* Wrapped by whole turns: 200 is -160, as the file's note says Google
   * Earth shows it; 3000 is 8 turns and 120 (the note's -120 is not a
   * whole number of turns away). */
  asset = find_asset (&r, "point9");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, -160.0);
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 45.0);
  asset = find_asset (&r, "point9b");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 120.0);
  g_assert_true (messages_contain (&r, "WARNING 156: “point9”: 1 longitude outside −180…180 was wrapped into range (200 read as -160)"));

  result_clear (&r);
}

static void
test_corpus_fields (void)
{
  g_autofree char *simpledata = corpus_path ("togeojson/simpledata.kml");
  g_autofree char *foreign = NULL;
  g_autofree char *xhtml = NULL;
  g_autofree char *styles = NULL;
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  if (simpledata == NULL)
    return;

  g_assert_true (read_path (simpledata, &r, &error));
  asset = find_asset (&r, "Difficult trail");
  g_assert_cmpstr (amap_asset_get_extra (asset, "TrailHeadName"), ==, "Mount Everest");
  g_assert_cmpstr (amap_asset_get_extra (asset, "ElevationGain"), ==, "10000");
  result_clear (&r);

  foreign = corpus_path ("giscore/extendeddata_foreign_namespace.kml");
  if (foreign == NULL)
    return;
  g_assert_true (read_path (foreign, &r, &error));
  asset = find_asset (&r, "CampsiteData");
  g_assert_cmpstr (amap_asset_get_extra (asset, "camp:parkingSpaces"), ==, "2");
  result_clear (&r);

  /* XHTML children of <description> are kept as text, never as markup. */
  xhtml = corpus_path ("gdal/description_with_xml.kml");
  if (xhtml == NULL)
    return;
  g_assert_true (read_path (xhtml, &r, &error));
  asset = find_asset (&r, "Simple placemark");
  g_assert_cmpstr (amap_asset_get_description (asset), ==, "Description\nInteresting");
  g_assert_cmpstr (amap_asset_get_extra (asset, "description_html"), ==,
                   "Description<br></br><i attr=\"val\">Interesting</i><br></br>");
  result_clear (&r);

  /* Shared styles with an icon href: nothing maps, so "other". */
  styles = corpus_path ("togeojson/style_no_namespace.kml");
  if (styles == NULL)
    return;
  g_assert_true (read_path (styles, &r, &error));
  asset = find_asset (&r, "Google Earth - New Path");
  g_assert_cmpstr (amap_asset_get_category (asset), ==, "other");
  g_assert_cmpstr (amap_asset_get_description (find_asset (&r, "Google Earth - New Polygon")), ==,
                   "Here is some descriptive text");
  result_clear (&r);

  /* No <address>, but an xAL one; and a phoneNumber. */
  {
    g_autofree char *xal = corpus_path ("fastkml/ogc_Document-deprecated.kml");

    if (xal == NULL)
      return;
    g_assert_true (read_path (xal, &r, &error));
    asset = find_asset (&r, "General Motors Place");
    g_assert_cmpstr (amap_asset_get_address (asset), ==, "800 Griffiths Way, Vancouver, BC, Canada V6B 6G1");
    g_assert_cmpstr (amap_asset_get_phone (asset), ==, "tel:+1-604-899-7400");
    result_clear (&r);
  }
}

static void
test_corpus_unsafe (void)
{
  g_autofree char *laughs = corpus_path ("libkml/billion_laughs.kml");
  g_autofree char *truncated = NULL;
  g_autoptr(GError) error = NULL;
  Result r;

  if (laughs == NULL)
    return;

  g_assert_false (read_path (laughs, &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
  g_assert_nonnull (strstr (error->message, "billion_laughs.kml:7"));
  g_assert_cmpuint (r.assets->len, ==, 0);
  result_clear (&r);
  g_clear_error (&error);

  truncated = corpus_path ("gdal/truncated.kml");
  if (truncated == NULL)
    return;
  g_assert_false (read_path (truncated, &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  /* FILE:LINE:COLUMN: the file ends on line 35 (after the newline that
   * ends line 34), inside the <coordinates> opened on line 33. */
  g_assert_true (g_str_has_prefix (error->message, "truncated.kml:35:"));
  g_assert_nonnull (strstr (error->message, "<coordinates> (opened on line 33)"));
  result_clear (&r);
}

/* Our own fixtures */

static void
test_fixture_my_maps_styles_after (void)
{
  g_autofree char *path = data_path ("mymaps-styles-after.kml");
  g_autoptr(GError) error = NULL;
  Result r;

  g_assert_true (read_path (path, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.assets->len, ==, 5);

  /* Folder names win. */
  g_assert_cmpstr (amap_asset_get_category (find_asset (&r, "St. Mark’s Church")), ==, "faith");
  g_assert_cmpstr (amap_asset_get_category (find_asset (&r, "Lincoln Park")), ==, "park");
  /* In an untitled layer, the style decides; it is defined after the
   * placemarks, so it is pending and resolves at the end. */
  {
    AmapAsset *clinic = find_asset (&r, "Eastside Clinic");
    AmapKmlPlacemarkInfo *info = g_ptr_array_index (r.infos, 2);

    g_assert_cmpstr (amap_asset_get_name (clinic), ==, "Eastside Clinic");
    g_assert_true (info->category_pending);
    g_assert_cmpstr (info->style_url, ==, "#style7");
    g_assert_cmpstr (amap_asset_get_category (clinic), ==, "other");
  }
  /* A My Maps icon id in one of our category colors maps by color even
   * before the style is seen. */
  g_assert_cmpstr (amap_asset_get_category (find_asset (&r, "Corner Bakery")), ==, "business");
  /* My Maps' default blue pin maps to nothing. */
  g_assert_cmpstr (amap_asset_get_category (find_asset (&r, "Bus Depot")), ==, "other");
  /* CDATA HTML descriptions become text; the HTML is kept aside. */
  g_assert_cmpstr (amap_asset_get_description (find_asset (&r, "Corner Bakery")), ==,
                   "Fresh bread & pastries\nOpen 7–3");
  g_assert_nonnull (amap_asset_get_extra (find_asset (&r, "Corner Bakery"), "description_html"));
  /* Data/value become extra fields. */
  g_assert_cmpstr (amap_asset_get_extra (find_asset (&r, "Lincoln Park"), "Acres"), ==, "12");
  result_clear (&r);

  /* After the document, the reader knows the style. */
  {
    g_autoptr(AmapKmlReader) reader = new_reader ("mymaps-styles-after.kml", &r);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);

    g_assert_true (amap_kml_reader_read_stream (reader, G_INPUT_STREAM (stream), NULL, &error));
    g_assert_cmpstr (amap_kml_reader_resolve_style (reader, "#style7"), ==, "health");
    g_assert_cmpstr (amap_kml_reader_resolve_style (reader, "#icon-1899-0288D1"), ==, NULL);
    result_clear (&r);
  }
}

static void
test_fixture_crlf_bom (void)
{
  g_autofree char *path = data_path ("crlf-bom.kml");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  /* The fixture really has a BOM and CRLF line ends. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF<?xml"));
  g_assert_nonnull (strstr (contents, "\r\n"));

  g_assert_true (read_path (path, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.assets->len, ==, 2);
  asset = find_asset (&r, "Café Olé");
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 40.5);
  g_assert_cmpstr (amap_asset_get_description (asset), ==, "Line one\nLine two");
  g_assert_cmpstr (amap_asset_get_category (asset), ==, "business");
  /* The line numbers count CRLF lines once. */
  g_assert_cmpuint (((AmapKmlPlacemarkInfo *) g_ptr_array_index (r.infos, 1))->line, ==, 14);
  result_clear (&r);
}

static void
test_fixture_external_entity (void)
{
  g_autofree char *path = data_path ("external-entity.kml");
  g_autoptr(GError) error = NULL;
  Result r;

  g_assert_false (read_path (path, &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
  g_assert_cmpuint (r.assets->len, ==, 0);
  /* Nothing of /etc/passwd reached us. */
  for (guint i = 0; i < r.messages->len; i++)
    g_assert_null (strstr (g_ptr_array_index (r.messages, i), "root:"));
  result_clear (&r);
}

static void
test_fixture_namespaces (void)
{
  static const char * const files[] = {
    "ns-ogc22.kml", "ns-earth20.kml", "ns-earth21.kml", "ns-earth22.kml",
    "ns-none.kml", "ns-kml-prefix.kml",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = data_path (files[i]);
      g_autoptr(GError) error = NULL;
      AmapAsset *asset;
      Result r;

      g_test_message ("%s", files[i]);
      g_assert_true (read_path (path, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (r.assets->len, ==, 2);
      asset = find_asset (&r, "Oak Street Library");
      g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, -122.27);
      g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 37.8);
      g_assert_cmpstr (amap_asset_get_category (asset), ==, "library-arts");
      g_assert_cmpstr (amap_asset_get_phone (asset), ==, "+1 510 555 0100");
      asset = find_asset (&r, "Riverside Trail");
      g_assert_cmpstr (amap_asset_get_shape (asset), ==, "LINESTRING (-122.3 37.8, -122.2 37.9)");
      result_clear (&r);
    }
}

static void
test_fixture_address_only (void)
{
  g_autofree char *path = data_path ("address-only.kml");
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  g_assert_true (read_path (path, &r, &error));
  g_assert_cmpuint (r.assets->len, ==, 1);
  g_assert_cmpuint (r.n_skipped, ==, 1);
  asset = find_asset (&r, "Family Resource Center");
  g_assert_false (amap_asset_get_has_location (asset));
  g_assert_cmpstr (amap_asset_get_address (asset), ==, "1200 Fruitvale Ave, Oakland, CA");
  g_assert_true (messages_contain (&r, "SKIPPED 11: Skipped “Nowhere”: no coordinates and no address"));
  result_clear (&r);
}

static void
test_fixture_own_round_trip (void)
{
  g_autofree char *path = data_path ("own-fields.kml");
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  AmapContact *contact;
  AmapInteraction *interaction;
  Result r;

  g_assert_true (read_path (path, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.assets->len, ==, 1);
  asset = g_ptr_array_index (r.assets, 0);

  g_assert_cmpstr (amap_asset_get_uuid (asset), ==, "3f0c6a4e-8d5b-4b7e-9a51-2c1e7f0d9b11");
  g_assert_cmpstr (amap_asset_get_source_id (asset), ==, "legacy-17");
  g_assert_cmpstr (amap_asset_get_name (asset), ==, "Iglesia <Santa> & “Fe” ]]>");
  /* The folder says "Parks" but our own field wins. */
  g_assert_cmpstr (amap_asset_get_category (asset), ==, "faith");
  g_assert_true (amap_asset_get_is_hub (asset));
  g_assert_cmpint (amap_asset_get_stage (asset), ==, AMAP_STAGE_PARTNER);
  /* The raw description wins over the HTML card. */
  g_assert_cmpstr (amap_asset_get_description (asset), ==, "Raw <b>not markup</b> & more ]]> end");
  g_assert_null (amap_asset_get_extra (asset, "description_html"));
  g_assert_cmpstr (amap_asset_get_address (asset), ==, "12 Calle Luna");
  g_assert_cmpstr (amap_asset_get_phone (asset), ==, "555-0101");
  g_assert_cmpstr (amap_asset_get_email (asset), ==, "fe@example.org");
  g_assert_cmpstr (amap_asset_get_website (asset), ==, "https://example.org/fe");
  g_assert_cmpstr (amap_asset_get_strengths (asset), ==, "Volunteers, 漢字, عربي");
  g_assert_cmpstr (amap_asset_get_needs (asset), ==, "Space");
  g_assert_cmpstr (amap_asset_get_last_contacted (asset), ==, "2026-10-02");
  g_assert_cmpint (amap_asset_get_created (asset), ==, 1767225600);  /* 2026-01-01T00:00:00Z */
  g_assert_true (amap_asset_has_tag (asset, "food"));
  g_assert_true (amap_asset_has_tag (asset, "youth"));
  g_assert_cmpuint (amap_asset_get_contacts (asset)->len, ==, 1);
  contact = g_ptr_array_index (amap_asset_get_contacts (asset), 0);
  g_assert_cmpstr (amap_contact_get_name (contact), ==, "Ana Ruiz");
  g_assert_cmpstr (amap_contact_get_language (contact), ==, "es");
  g_assert_cmpuint (amap_asset_get_interactions (asset)->len, ==, 1);
  interaction = g_ptr_array_index (amap_asset_get_interactions (asset), 0);
  g_assert_cmpstr (amap_interaction_get_date (interaction), ==, "2026-10-02");
  g_assert_cmpint (amap_interaction_get_kind (interaction), ==, AMAP_INTERACTION_MEETING);
  /* Other Data stays an extra field. */
  g_assert_cmpstr (amap_asset_get_extra (asset, "Pastor"), ==, "Rev. Díaz");
  g_assert_null (amap_asset_get_extra (asset, "uuid"));
  result_clear (&r);
}

static void
test_own_pin_and_shape (void)
{
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>Ours</name>"
    "<Style id=\"cat-park\"><IconStyle><color>ff69a226</color></IconStyle></Style>"
    "<ExtendedData><Data name=\"asset_map_version\"><value>0.1.0</value></Data></ExtendedData>"
    "<Folder><name>Park / Recreation</name>"
    "<Placemark id=\"asset-0b9a3c2e-4f3e-4a8e-9a0e-1c2d3e4f5a6b\"><name>Moved pin</name>"
    "<description><![CDATA[<p>A card, not the description</p>]]></description>"
    "<styleUrl>#cat-park</styleUrl>"
    "<ExtendedData><Data name=\"uuid\"><value>0b9a3c2e-4f3e-4a8e-9a0e-1c2d3e4f5a6b</value></Data>"
    "</ExtendedData>"
    "<MultiGeometry><Point><coordinates>5,5</coordinates></Point>"
    "<Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 4,0 4,4 0,4 0,0</coordinates>"
    "</LinearRing></outerBoundaryIs></Polygon></MultiGeometry>"
    "</Placemark></Folder></Document></kml>";
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  g_assert_true (read_string ("ours.kml", kml, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.assets->len, ==, 1);
  asset = g_ptr_array_index (r.assets, 0);
  /* The pin where the user put it, the shape apart. */
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 5.0);
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 5.0);
  g_assert_cmpstr (amap_asset_get_shape (asset), ==, "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))");
  /* The HTML card is not read back as a description. */
  g_assert_null (amap_asset_get_description (asset));
  g_assert_null (amap_asset_get_extra (asset, "description_html"));
  /* Matched by uuid: no made-up source id. */
  g_assert_null (amap_asset_get_source_id (asset));
  /* Category from the folder named after it ("Park / Recreation"). */
  g_assert_cmpstr (amap_asset_get_category (asset), ==, "park");
  result_clear (&r);
}

static void
test_attribute_ampersand (void)
{
  /* libxml2 hands '&' in attributes over as "&#38;": it must come out as
   * '&' in field names and ids. */
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Placemark id=\"a&amp;b\"><name>Amp</name>"
    "<ExtendedData><Data name=\"Wi-Fi &amp; &lt;ok&gt; &#38;\"><value>yes</value></Data></ExtendedData>"
    "<Point><coordinates>1,2</coordinates></Point></Placemark></kml>";
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  g_assert_true (read_string ("amp.kml", kml, &r, &error));
  asset = g_ptr_array_index (r.assets, 0);
  g_assert_cmpstr (amap_asset_get_extra (asset, "Wi-Fi & <ok> &"), ==, "yes");
  g_assert_cmpstr (amap_asset_get_source_id (asset), ==, "amp.kml#a&b");
  result_clear (&r);
}

static void
test_foreign_columns (void)
{
  /* A My Maps layer made from a spreadsheet: its columns arrive as Data. */
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
    "<Placemark><name>Corner Store</name><ExtendedData>"
    "<Data name=\"Street Address\"><value>12 Main St</value></Data>"
    "<Data name=\"Phone Number\"><value>(510) 555-0100</value></Data>"
    "<Data name=\"E-mail\"><value>shop@example.org</value></Data>"
    "<Data name=\"URL\"><value>https://example.org</value></Data>"
    "<Data name=\"Hours\"><value>7–3</value></Data>"
    "</ExtendedData><Point><coordinates>1,2</coordinates></Point></Placemark>"
    "<Placemark><name>Clinic</name><address>1 Health Way</address><ExtendedData>"
    "<Data name=\"Address\"><value>PO Box 9</value></Data>"
    "</ExtendedData><Point><coordinates>1,2</coordinates></Point></Placemark>"
    "</Document></kml>";
  g_autoptr(GError) error = NULL;
  AmapAsset *store, *clinic;
  Result r;

  g_assert_true (read_string ("sheet.kml", kml, &r, &error));
  g_assert_no_error (error);
  store = find_asset (&r, "Corner Store");
  g_assert_cmpstr (amap_asset_get_address (store), ==, "12 Main St");
  g_assert_cmpstr (amap_asset_get_phone (store), ==, "(510) 555-0100");
  g_assert_cmpstr (amap_asset_get_email (store), ==, "shop@example.org");
  g_assert_cmpstr (amap_asset_get_website (store), ==, "https://example.org");
  g_assert_null (amap_asset_get_extra (store, "Phone Number"));
  /* Other columns stay extra fields. */
  g_assert_cmpstr (amap_asset_get_extra (store, "Hours"), ==, "7–3");
  /* <address> wins; the column is kept, not lost. */
  clinic = find_asset (&r, "Clinic");
  g_assert_cmpstr (amap_asset_get_address (clinic), ==, "1 Health Way");
  g_assert_cmpstr (amap_asset_get_extra (clinic, "Address"), ==, "PO Box 9");
  result_clear (&r);
}

static void
test_not_well_formed (void)
{
  g_autoptr(GError) error = NULL;
  Result r;

  g_assert_false (read_string ("broken.kml",
                               "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
                               "<Placemark><name>A</name><Point><coordinates>1,2</coordinates></Point></Placemark>\n"
                               "<Placemark><name>B</nam></Placemark>\n"
                               "</kml>\n", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "broken.kml:3:"));
  result_clear (&r);
  g_clear_error (&error);

  /* An undefined entity is an error, not an expansion. */
  g_assert_false (read_string ("entity.kml",
                               "<kml><Placemark><name>&secret;</name></Placemark></kml>", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  result_clear (&r);
  g_clear_error (&error);

  /* Not KML at all. */
  g_assert_false (read_string ("route.gpx",
                               "<gpx xmlns=\"http://www.topografix.com/GPX/1/1\"></gpx>", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
  result_clear (&r);
  g_clear_error (&error);

  g_assert_false (read_string ("empty.kml", "", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  result_clear (&r);
}

static gboolean read_zip (GBytes  *zip,
                          Result  *r,
                          GError **error);

/* A file that is not XML at all says what it is, naming the file, instead
 * of libxml2's "Document is empty" or "Extra content at the end". */
static void
test_what_the_file_is (void)
{
  static const guint8 gzip_bytes[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0xb3, 0xc9 };
  static const guint8 zip_bytes[] = { 'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr(GError) error = NULL;
  Result r;

  g_assert_false (read_string ("empty.kml", "", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "empty.kml is empty: there is nothing to import");
  result_clear (&r);
  g_clear_error (&error);

  /* An XML declaration and comments, but no element. */
  g_assert_false (read_string ("header.kml", "<?xml version=\"1.0\"?>\n<!-- nothing -->\n", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "header.kml holds no KML: it has an XML header or comments but no elements");
  result_clear (&r);
  g_clear_error (&error);

  /* Not XML text at all. */
  g_assert_false (read_string ("report.kml", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "report.kml is not a KML file: its content is not XML text");
  result_clear (&r);
  g_clear_error (&error);

  /* Blank lines and a byte-order mark are still empty. */
  g_assert_false (read_string ("blank.kml", "\xef\xbb\xbf\n  \r\n\t\n", &r, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "blank.kml is empty: there is nothing to import");
  result_clear (&r);
  g_clear_error (&error);

  {
    g_autoptr(AmapKmlReader) reader = new_reader ("places.kml", &r);
    g_autoptr(GBytes) bytes = g_bytes_new_static (gzip_bytes, sizeof gzip_bytes);

    g_assert_false (amap_kml_reader_read_bytes (reader, bytes, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
    g_assert_true (g_str_has_prefix (error->message, "places.kml is a gzip-compressed file, not KML"));
    result_clear (&r);
    g_clear_error (&error);
  }
  {
    g_autoptr(AmapKmlReader) reader = new_reader ("places.kml", &r);
    g_autoptr(GBytes) bytes = g_bytes_new_static (zip_bytes, sizeof zip_bytes);

    g_assert_true (amap_kmz_looks_like_zip (zip_bytes, sizeof zip_bytes));
    g_assert_false (amap_kml_reader_read_bytes (reader, bytes, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
    g_assert_true (g_str_has_prefix (error->message, "places.kml is a zip archive, not KML"));
    result_clear (&r);
    g_clear_error (&error);
  }
  {
    /* An empty zip archive (only its end record) holds no KML. */
    g_autoptr(GBytes) bytes = g_bytes_new_static (zip_bytes, sizeof zip_bytes);

    g_assert_false (read_zip (bytes, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
    g_assert_true (g_str_has_prefix (error->message, "test.kmz holds no KML document"));
    result_clear (&r);
  }
}

/* Longitudes past ±180 are wrapped (as Google Earth shows them), each
 * vertex on its own as GDAL does, with a warning naming the line;
 * latitudes past ±90 are still refused. */
static void
test_longitude_wrapped (void)
{
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
    "<Placemark><name>East</name><Point><coordinates>200,45</coordinates></Point></Placemark>\n"
    "<Placemark><name>Full turn</name><Point><coordinates>360,10</coordinates></Point></Placemark>\n"
    "<Placemark><name>West</name><Point><coordinates>-190,-10</coordinates></Point></Placemark>\n"
    "<Placemark><name>Edges</name><LineString><coordinates>-180,0 180,1</coordinates></LineString></Placemark>\n"
    "<Placemark><name>Island</name><Polygon><outerBoundaryIs><LinearRing><coordinates>\n"
    "190,10 200,10 200,20 190,10\n"
    "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n"
    "<Placemark><name>Ferry</name><LineString><coordinates>170,0 190,0</coordinates></LineString></Placemark>\n"
    "<Placemark><name>North</name><Point><coordinates>10,100</coordinates></Point></Placemark>\n"
    "</Document></kml>\n";
  g_autoptr(GError) error = NULL;
  AmapAsset *asset;
  Result r;

  g_assert_true (read_string ("wrap.kml", kml, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.assets->len, ==, 6);
  g_assert_cmpuint (r.n_skipped, ==, 1);

  asset = find_asset (&r, "East");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, -160.0);
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, 45.0);
  g_assert_true (messages_contain (&r, "WARNING 2: “East”: 1 longitude outside −180…180 was wrapped into range (200 read as -160)"));
  asset = find_asset (&r, "Full turn");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 0.0);
  asset = find_asset (&r, "West");
  g_assert_cmpfloat (amap_asset_get_longitude (asset), ==, 170.0);
  g_assert_cmpfloat (amap_asset_get_latitude (asset), ==, -10.0);

  /* ±180 themselves are in range: no warning. */
  asset = find_asset (&r, "Edges");
  g_assert_cmpstr (amap_asset_get_shape (asset), ==, "LINESTRING (-180 0, 180 1)");
  g_assert_false (messages_contain (&r, "“Edges”"));

  /* Wholly east of 180: the same shape one turn west (the warning names
   * the line where its coordinates end, as the other coordinate warnings). */
  asset = find_asset (&r, "Island");
  g_assert_cmpstr (amap_asset_get_shape (asset), ==, "POLYGON ((-170 10, -160 10, -160 20, -170 10))");
  g_assert_true (messages_contain (&r, "WARNING 8: “Island”: 4 longitudes outside −180…180 were wrapped into range (the first, 190, read as -170)"));
  g_assert_false (messages_contain (&r, "“Island” crosses"));

  /* Across the 180° meridian: each vertex wrapped, and a word about it. */
  asset = find_asset (&r, "Ferry");
  g_assert_cmpstr (amap_asset_get_shape (asset), ==, "LINESTRING (170 0, -170 0)");
  g_assert_true (messages_contain (&r, "WARNING 9: “Ferry” crosses the 180° meridian"));

  g_assert_true (messages_contain (&r, "SKIPPED 10: Skipped “North”: latitude 100 is out of range"));
  result_clear (&r);
}

/* Numbers that are not finite never become a location: NaN, infinities,
 * overflowing exponents, hexadecimal. */
static void
test_non_finite_coordinates (void)
{
  static const char * const tuples[] = {
    "nan,nan", "NaN,10", "10,nan", "inf,0", "-Infinity,0", "0,infinity",
    "1e400,0", "0,-1e999", "0x10,0x20",
  };
  g_autoptr(GString) kml = g_string_new ("<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n");
  g_autoptr(GError) error = NULL;
  Result r;

  for (guint i = 0; i < G_N_ELEMENTS (tuples); i++)
    g_string_append_printf (kml, "<Placemark><name>P%u</name><Point><coordinates>%s</coordinates>"
                                 "</Point></Placemark>\n", i, tuples[i]);
  g_string_append (kml, "<Placemark><name>Line</name><LineString><coordinates>1,2 nan,3 4,5"
                        "</coordinates></LineString></Placemark>\n</Document></kml>\n");

  g_assert_true (read_string ("nan.kml", kml->str, &r, &error));
  g_assert_no_error (error);
  /* Every point is skipped; the line keeps its two good tuples. */
  g_assert_cmpuint (r.n_skipped, ==, G_N_ELEMENTS (tuples));
  g_assert_cmpuint (r.assets->len, ==, 1);
  g_assert_cmpstr (amap_asset_get_shape (g_ptr_array_index (r.assets, 0)), ==, "LINESTRING (1 2, 4 5)");
  g_assert_true (messages_contain (&r, "Skipped “P0”: its coordinates are not valid"));
  for (guint i = 0; i < r.assets->len; i++)
    g_assert_true (amap_asset_validate (g_ptr_array_index (r.assets, i), NULL));
  result_clear (&r);
}

/* Placemarks alike in every way each get their own source id: the first
 * keeps the id it always had, the later ones an occurrence number. */
static void
test_source_ids_of_duplicates (void)
{
  g_autofree char *path = data_path ("duplicates.kml");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *id;
  Result r;

  g_assert_true (read_path (path, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.assets->len, ==, 7);
  for (guint i = 0; i < r.assets->len; i++)
    {
      id = amap_asset_get_source_id (g_ptr_array_index (r.assets, i));
      g_assert_nonnull (id);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, g_strdup (id));
      g_ptr_array_add (first, g_strdup (id));
    }

  id = g_ptr_array_index (first, 1);
  g_assert_true (g_str_has_prefix (id, g_ptr_array_index (first, 0)));
  g_assert_true (g_str_has_suffix (id, "~2"));
  g_assert_cmpstr (g_ptr_array_index (first, 4), ==, "duplicates.kml#stop");
  g_assert_cmpstr (g_ptr_array_index (first, 5), ==, "duplicates.kml#stop~2");
  /* The placemark whose own id is "stop~2" does not take the second's. */
  g_assert_cmpstr (g_ptr_array_index (first, 6), ==, "duplicates.kml#stop~2~2");
  result_clear (&r);

  /* The same ids in the same order when read again. */
  g_assert_true (read_path (path, &r, &error));
  for (guint i = 0; i < r.assets->len; i++)
    g_assert_cmpstr (amap_asset_get_source_id (g_ptr_array_index (r.assets, i)), ==,
                     g_ptr_array_index (first, i));
  result_clear (&r);
}

static void
test_source_ids_stable (void)
{
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Folder><name>A</name>"
    "<Placemark id=\"p1\"><name>One</name><Point><coordinates>1,2</coordinates></Point></Placemark>"
    "<Placemark><name>Two</name><Point><coordinates>3,4</coordinates></Point></Placemark>"
    "<Placemark><name>Two</name><Point><coordinates>3,5</coordinates></Point></Placemark>"
    "</Folder></Document></kml>";
  g_autoptr(GError) error = NULL;
  g_autofree char *second = NULL;
  Result r;

  g_assert_true (read_string ("places.kml", kml, &r, &error));
  g_assert_cmpuint (r.assets->len, ==, 3);
  g_assert_cmpstr (amap_asset_get_source_id (g_ptr_array_index (r.assets, 0)), ==, "places.kml#p1");
  second = g_strdup (amap_asset_get_source_id (g_ptr_array_index (r.assets, 1)));
  g_assert_true (g_str_has_prefix (second, "places.kml#"));
  g_assert_cmpstr (second, !=, amap_asset_get_source_id (g_ptr_array_index (r.assets, 2)));
  result_clear (&r);

  /* Reading again gives the same keys. */
  g_assert_true (read_string ("places.kml", kml, &r, &error));
  g_assert_cmpstr (second, ==, amap_asset_get_source_id (g_ptr_array_index (r.assets, 1)));
  result_clear (&r);
}

static void
test_caps (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapKmlReader) reader = NULL;
  GString *big = g_string_new ("<kml><Placemark><name>Long</name><LineString><coordinates>");
  Result r;

  /* A byte cap. */
  reader = new_reader ("capped.kml", &r);
  amap_kml_reader_set_max_bytes (reader, 16);
  amap_kml_reader_begin (reader);
  g_assert_false (amap_kml_reader_feed (reader, "<kml><Document></Document></kml>", 32, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
  result_clear (&r);
  g_clear_error (&error);

  /* Deep nesting is refused by libxml2's own cap, with a line number. */
  {
    GString *deep = g_string_new ("<kml>");
    for (int i = 0; i < 400; i++)
      g_string_append (deep, "<Folder>\n");
    g_assert_false (read_string ("deep.kml", deep->str, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
    g_string_free (deep, TRUE);
    result_clear (&r);
    g_clear_error (&error);
  }

  /* Nesting that is closed is read at any depth; the category still
   * comes from the nearest named folder around the placemark. */
  {
    GString *deep = g_string_new ("<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
                                  "<Folder><name>Parks</name>");
    for (int i = 0; i < 10000; i++)
      g_string_append (deep, "<Folder>");
    g_string_append (deep, "<Placemark><name>Deep</name><Point><coordinates>1,2</coordinates>"
                           "</Point></Placemark>");
    for (int i = 0; i < 10000; i++)
      g_string_append (deep, "</Folder>");
    g_string_append (deep, "<Placemark><name>Shallow</name><Point><coordinates>1,2</coordinates>"
                           "</Point></Placemark></Folder></Document></kml>");
    g_assert_true (read_string ("deep.kml", deep->str, &r, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (r.assets->len, ==, 2);
    g_assert_cmpstr (amap_asset_get_category (find_asset (&r, "Deep")), ==, "park");
    g_assert_cmpstr (amap_asset_get_category (find_asset (&r, "Shallow")), ==, "park");
    g_string_free (deep, TRUE);
    result_clear (&r);
  }

  /* 1,000,001 coordinates in one placemark: skipped, with a message. */
  for (int i = 0; i <= 1000000; i++)
    g_string_append (big, "1,2 ");
  g_string_append (big, "</coordinates></LineString></Placemark></kml>");
  g_assert_true (read_string ("big.kml", big->str, &r, &error));
  g_assert_cmpuint (r.assets->len, ==, 0);
  g_assert_cmpuint (r.n_skipped, ==, 1);
  g_string_free (big, TRUE);
  result_clear (&r);
}

/* A zip with @n_entries entries named by @names (or "f%u.kml"), each the
 * given content, made with libarchive in memory. */
static GBytes *
make_zip (const char * const *names,
          const char * const *contents,
          const gsize         *sizes,
          guint                n_entries)
{
  struct archive *a = archive_write_new ();
  gsize buffer_size = 16 * 1024 * 1024;
  char *buffer = g_malloc (buffer_size);
  size_t used = 0;

  archive_write_set_format_zip (a);
  g_assert_cmpint (archive_write_open_memory (a, buffer, buffer_size, &used), ==, ARCHIVE_OK);
  for (guint i = 0; i < n_entries; i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      gsize size = sizes != NULL ? sizes[i] : strlen (contents[i]);

      archive_entry_set_pathname (entry, names[i]);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, size);
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, contents[i], size), ==, (la_ssize_t) size);
      archive_entry_free (entry);
    }
  archive_write_close (a);
  archive_write_free (a);

  return g_bytes_new_take (g_realloc (buffer, MAX (used, 1)), used);
}

static gboolean
read_zip (GBytes  *zip,
          Result  *r,
          GError **error)
{
  g_autoptr(AmapKmlReader) reader = new_reader ("test.kmz", r);

  return amap_kmz_read_bytes (zip, "test.kmz", reader, NULL, error);
}

static void
test_kmz (void)
{
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Placemark><name>Zipped</name>"
    "<Point><coordinates>10,20</coordinates></Point></Placemark></kml>";
  static const char other[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Placemark><name>Other</name>"
    "<Point><coordinates>1,2</coordinates></Point></Placemark></kml>";
  g_autoptr(GError) error = NULL;
  Result r;

  /* doc.kml wins over an earlier root .kml. */
  {
    const char *names[] = { "files/icon.png", "a.kml", "doc.kml" };
    const char *contents[] = { "PNG", other, kml };
    g_autoptr(GBytes) zip = make_zip (names, contents, NULL, 3);

    g_assert_true (read_zip (zip, &r, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (r.assets->len, ==, 1);
    g_assert_cmpstr (amap_asset_get_name (g_ptr_array_index (r.assets, 0)), ==, "Zipped");
    result_clear (&r);
  }

  /* '..' and absolute paths are refused before anything is read. */
  {
    const char *names[] = { "doc.kml", "../evil.kml" };
    const char *contents[] = { kml, kml };
    g_autoptr(GBytes) zip = make_zip (names, contents, NULL, 2);

    g_assert_false (read_zip (zip, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
    g_assert_cmpuint (r.assets->len, ==, 0);
    result_clear (&r);
    g_clear_error (&error);
  }
  {
    const char *names[] = { "/etc/doc.kml" };
    const char *contents[] = { kml };
    g_autoptr(GBytes) zip = make_zip (names, contents, NULL, 1);

    g_assert_false (read_zip (zip, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
    result_clear (&r);
    g_clear_error (&error);
  }

  /* Too many entries. */
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) contents = g_ptr_array_new ();
    g_autoptr(GBytes) zip = NULL;

    for (guint i = 0; i < AMAP_KMZ_MAX_ENTRIES + 1; i++)
      {
        g_ptr_array_add (names, g_strdup_printf ("f%u.txt", i));
        g_ptr_array_add (contents, (gpointer) "x");
      }
    zip = make_zip ((const char * const *) names->pdata, (const char * const *) contents->pdata,
                    NULL, names->len);
    g_assert_false (read_zip (zip, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
    result_clear (&r);
    g_clear_error (&error);
  }

  /* A zip bomb: 64 MB of blanks inside a valid KML compress to about
   * 64 KB. It is refused by the ratio cap long before the end. */
  {
    gsize size = 64 * 1024 * 1024;
    char *content = g_malloc (size);
    const char *names[] = { "doc.kml" };
    const char *contents[] = { content };
    const char head[] = "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>";
    const char tail[] = "</Document></kml>";
    g_autoptr(GBytes) zip = NULL;

    memset (content, ' ', size);
    memcpy (content, head, strlen (head));
    memcpy (content + size - strlen (tail), tail, strlen (tail));
    zip = make_zip (names, contents, &size, 1);
    g_free (content);
    g_assert_cmpuint (g_bytes_get_size (zip), <, size / 100);

    g_assert_false (read_zip (zip, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
    result_clear (&r);
    g_clear_error (&error);
  }

  /* An encrypted entry is refused, not read with a guessed password. */
  {
    struct archive *a = archive_write_new ();
    struct archive_entry *entry = archive_entry_new ();
    gsize buffer_size = 64 * 1024;
    char *buffer = g_malloc (buffer_size);
    size_t used = 0;
    g_autoptr(GBytes) zip = NULL;

    archive_write_set_format_zip (a);
    if (archive_write_set_options (a, "zip:encryption=traditional") != ARCHIVE_OK ||
        archive_write_set_passphrase (a, "secret") != ARCHIVE_OK)
      {
        g_test_message ("libarchive cannot write an encrypted zip here: %s", archive_error_string (a));
        archive_entry_free (entry);
        archive_write_free (a);
        g_free (buffer);
      }
    else
      {
        g_assert_cmpint (archive_write_open_memory (a, buffer, buffer_size, &used), ==, ARCHIVE_OK);
        archive_entry_set_pathname (entry, "doc.kml");
        archive_entry_set_filetype (entry, AE_IFREG);
        archive_entry_set_perm (entry, 0644);
        archive_entry_set_size (entry, strlen (kml));
        g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
        g_assert_cmpint (archive_write_data (a, kml, strlen (kml)), ==, (la_ssize_t) strlen (kml));
        archive_entry_free (entry);
        archive_write_close (a);
        archive_write_free (a);
        zip = g_bytes_new_take (buffer, used);

        g_assert_false (read_zip (zip, &r, &error));
        g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
        g_assert_nonnull (strstr (error->message, "encrypted"));
        g_assert_cmpuint (r.assets->len, ==, 0);
        result_clear (&r);
        g_clear_error (&error);
      }
  }

  /* An empty doc.kml: said of the archive and the entry. */
  {
    const char *names[] = { "doc.kml" };
    const char *contents[] = { "" };
    g_autoptr(GBytes) zip = make_zip (names, contents, NULL, 1);

    g_assert_false (read_zip (zip, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
    g_assert_cmpstr (error->message, ==, "test.kmz holds an empty KML document (“doc.kml”): there is nothing to import");
    result_clear (&r);
    g_clear_error (&error);
  }

  /* Not a zip at all. */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("PK\3\4 this is not a zip", 22);

    g_assert_false (read_zip (junk, &r, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
    result_clear (&r);
  }
}

static void
test_fuzz_regressions (void)
{
  /* Inputs the fuzzer found; each must fail or succeed cleanly. */
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "fuzz-regressions", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    {
      g_test_skip ("no fuzz regressions recorded");
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      Result r;

      g_autofree char *contents = NULL;
      gsize len;

      g_test_message ("%s", name);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      if (len >= 4 && memcmp (contents, "WKT:", 4) == 0)
        {
          g_autoptr(AmapGeometry) geom = amap_geometry_from_wkt (contents + 4, NULL);

          if (geom != NULL)
            {
              g_autofree char *wkt = amap_geometry_to_wkt (geom);
              g_autoptr(AmapGeometry) again = amap_geometry_from_wkt (wkt, &error);
              g_autofree char *wkt_again = NULL;

              g_assert_no_error (error);
              wkt_again = amap_geometry_to_wkt (again);
              g_assert_cmpstr (wkt_again, ==, wkt);
            }
          continue;
        }

      if (read_path (path, &r, &error))
        for (guint i = 0; i < r.assets->len; i++)
          g_assert_true (amap_asset_validate (g_ptr_array_index (r.assets, i), NULL));
      result_clear (&r);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kml-reader/corpus/all", test_corpus_all);
  g_test_add_func ("/kml-reader/corpus/samples", test_corpus_samples_details);
  g_test_add_func ("/kml-reader/corpus/sloppy-coordinates", test_corpus_sloppy_coordinates);
  g_test_add_func ("/kml-reader/corpus/fields", test_corpus_fields);
  g_test_add_func ("/kml-reader/corpus/unsafe", test_corpus_unsafe);
  g_test_add_func ("/kml-reader/my-maps-styles-after", test_fixture_my_maps_styles_after);
  g_test_add_func ("/kml-reader/crlf-bom", test_fixture_crlf_bom);
  g_test_add_func ("/kml-reader/external-entity", test_fixture_external_entity);
  g_test_add_func ("/kml-reader/namespaces", test_fixture_namespaces);
  g_test_add_func ("/kml-reader/address-only", test_fixture_address_only);
  g_test_add_func ("/kml-reader/own-round-trip", test_fixture_own_round_trip);
  g_test_add_func ("/kml-reader/own-pin-and-shape", test_own_pin_and_shape);
  g_test_add_func ("/kml-reader/attribute-ampersand", test_attribute_ampersand);
  g_test_add_func ("/kml-reader/foreign-columns", test_foreign_columns);
  g_test_add_func ("/kml-reader/not-well-formed", test_not_well_formed);
  g_test_add_func ("/kml-reader/source-ids", test_source_ids_stable);
  g_test_add_func ("/kml-reader/source-ids-of-duplicates", test_source_ids_of_duplicates);
  g_test_add_func ("/kml-reader/longitude-wrapped", test_longitude_wrapped);
  g_test_add_func ("/kml-reader/non-finite-coordinates", test_non_finite_coordinates);
  g_test_add_func ("/kml-reader/what-the-file-is", test_what_the_file_is);
  g_test_add_func ("/kml-reader/caps", test_caps);
  g_test_add_func ("/kml-reader/kmz", test_kmz);
  g_test_add_func ("/kml-reader/fuzz-regressions", test_fuzz_regressions);

  return g_test_run ();
}
