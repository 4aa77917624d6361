/* test-import.c: KML/KMZ files into a real store, in one transaction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <sqlite3.h>

#include "amap-cli.h"
#include "amap-error.h"
#include "amap-export.h"
#include "amap-import.h"
#include "amap-import-plan.h"
#include "amap-store.h"

typedef struct
{
  char *dir;
  AmapStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("test-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "map" AMAP_STORE_SUFFIX, NULL);
  fixture->store = amap_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_free (fixture->dir);
}

static GFile *
data_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  return g_file_new_for_path (path);
}

static AmapAsset *
find_by_name (AmapStore  *store,
              const char *name)
{
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, NULL);

  for (guint i = 0; i < assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (assets, i)), name) == 0)
      return g_object_ref (g_ptr_array_index (assets, i));
  g_error ("no asset named “%s” in the store", name);
  return NULL;
}

/* Writes a My Maps-shaped file of @n placemarks, styles after the folders. */
static GFile *
write_generated (const char *dir,
                 guint       n)
{
  g_autofree char *path = g_strdup_printf ("%s/generated-%u.kml", dir, n);
  g_autoptr(GString) kml = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_string_append (kml,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n"
                   "<name>Generated</name>\n<Folder>\n<name>Untitled layer</name>\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (kml,
                            "<Placemark>\n<name>Place %u</name>\n"
                            "<description><![CDATA[Row %u<br>of the test]]></description>\n"
                            "<styleUrl>#s%u</styleUrl>\n"
                            "<ExtendedData><Data name=\"Row\"><value>%u</value></Data></ExtendedData>\n"
                            "<Point><coordinates>%.6f,%.6f,0</coordinates></Point>\n"
                            "</Placemark>\n",
                            i, i, i % 2, i,
                            -122.3 + (i % 1000) * 0.0001, 37.7 + (i / 1000) * 0.0001);
  g_string_append (kml, "</Folder>\n"
                        "<Style id=\"s0\"><IconStyle><Icon><href>https://example.com/school.png</href></Icon></IconStyle></Style>\n"
                        "<Style id=\"s1\"><IconStyle><Icon><href>https://example.com/dot.png</href></Icon></IconStyle></Style>\n"
                        "</Document>\n</kml>\n");

  g_assert_true (g_file_set_contents (path, kml->str, kml->len, &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static void
test_counts_and_styles_after (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GFile) file = data_file ("mymaps-styles-after.kml");
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(AmapAsset) clinic = NULL;
  g_autoptr(AmapAsset) park = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 5);
  g_assert_cmpuint (amap_import_report_get_updated (report), ==, 0);
  g_assert_cmpuint (amap_import_report_get_skipped (report), ==, 0);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);

  /* Its style comes after it in the file; it still gets its category. */
  clinic = find_by_name (fixture->store, "Eastside Clinic");
  g_assert_cmpstr (amap_asset_get_category (clinic), ==, "health");
  park = find_by_name (fixture->store, "Lincoln Park");
  g_assert_cmpstr (amap_asset_get_category (park), ==, "park");
  g_assert_true (g_str_has_prefix (amap_asset_get_shape (park), "POLYGON Z (("));
  g_assert_cmpstr (amap_asset_get_extra (park, "Acres"), ==, "12");

  text = amap_import_report_to_string (report);
  g_assert_true (g_str_has_prefix (text, "mymaps-styles-after.kml: 5 imported, 0 updated, 0 skipped"));
}

static void
test_reimport_updates (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GFile) file = data_file ("mymaps-styles-after.kml");
  g_autoptr(GFile) own = data_file ("own-fields.kml");
  g_autoptr(AmapImportReport) first = NULL;
  g_autoptr(AmapImportReport) second = NULL;
  g_autoptr(AmapAsset) before = NULL;
  g_autoptr(AmapAsset) after = NULL;
  g_autoptr(GError) error = NULL;

  first = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  before = find_by_name (fixture->store, "Corner Bakery");

  second = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (second), ==, 0);
  g_assert_cmpuint (amap_import_report_get_updated (second), ==, 5);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);
  after = find_by_name (fixture->store, "Corner Bakery");
  g_assert_cmpstr (amap_asset_get_uuid (before), ==, amap_asset_get_uuid (after));

  /* Our own file: matched by uuid, twice. */
  g_clear_object (&first);
  first = amap_import_file (fixture->store, own, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (first), ==, 1);
  g_clear_object (&second);
  second = amap_import_file (fixture->store, own, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_updated (second), ==, 1);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
  g_clear_object (&after);
  after = amap_store_get_asset (fixture->store, "3f0c6a4e-8d5b-4b7e-9a51-2c1e7f0d9b11", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_category (after), ==, "faith");
  g_assert_cmpuint (amap_asset_get_contacts (after)->len, ==, 1);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The uuids of the assets named @name, sorted. */
static GPtrArray *
uuids_named (AmapStore  *store,
             const char *name)
{
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, NULL);
  GPtrArray *uuids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (assets, i)), name) == 0)
      g_ptr_array_add (uuids, g_strdup (amap_asset_get_uuid (g_ptr_array_index (assets, i))));
  g_ptr_array_sort (uuids, compare_strings);
  return uuids;
}

static void
assert_same_uuids (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
assert_counts (AmapImportReport *report,
               guint             imported,
               guint             updated)
{
  g_assert_nonnull (report);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, imported);
  g_assert_cmpuint (amap_import_report_get_updated (report), ==, updated);
  g_assert_cmpuint (amap_import_report_get_skipped (report), ==, 0);
}

/* Placemarks alike in name and place (Google Earth's copies, open data's
 * unnamed pairs with different data, a repeated id attribute) each become
 * an asset; importing the file again updates those same assets. */
static void
test_duplicates_kept (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GFile) file = data_file ("duplicates.kml");
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) gardens = NULL;
  g_autoptr(GPtrArray) gardens_again = NULL;
  g_autoptr(GPtrArray) unnamed = NULL;
  g_autoptr(GPtrArray) unnamed_again = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *export_path = g_build_filename (fixture->dir, "exported.kml", NULL);
  g_autoptr(GFile) exported = g_file_new_for_path (export_path);
  guint parks = 0, library = 0;

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, 7, 0);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 7);

  gardens = uuids_named (fixture->store, "Community Garden");
  g_assert_cmpuint (gardens->len, ==, 2);
  unnamed = uuids_named (fixture->store, "Unnamed placemark");
  g_assert_cmpuint (unnamed->len, ==, 2);

  /* Each unnamed placemark kept its own data. */
  assets = amap_store_list_assets (fixture->store, NULL);
  for (guint i = 0; i < assets->len; i++)
    {
      const char *operator = amap_asset_get_extra (g_ptr_array_index (assets, i), "Operator");

      parks += g_strcmp0 (operator, "Parks Department") == 0;
      library += g_strcmp0 (operator, "Library Friends") == 0;
    }
  g_assert_cmpuint (parks, ==, 1);
  g_assert_cmpuint (library, ==, 1);

  /* Again: the same seven assets are updated, none added. */
  g_clear_object (&report);
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, 0, 7);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 7);
  gardens_again = uuids_named (fixture->store, "Community Garden");
  assert_same_uuids (gardens, gardens_again);
  unnamed_again = uuids_named (fixture->store, "Unnamed placemark");
  assert_same_uuids (unnamed, unnamed_again);

  /* Our own export of them comes back onto the same assets (by uuid). */
  g_assert_true (amap_export_file (fixture->store, NULL, exported, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&report);
  report = amap_import_file (fixture->store, exported, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, 0, 7);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 7);
}

/* A copy of one of our placemarks made in another program carries the
 * same uuid: it becomes a second asset, and stays one on re-import. */
static void
test_duplicate_uuid_kept (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GFile) own = data_file ("own-fields.kml");
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "copied.kml", NULL);
  g_autoptr(GString) copied = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GPtrArray) named_again = NULL;
  g_autoptr(GError) error = NULL;
  const char *start, *end;

  g_assert_true (g_file_get_contents (g_file_peek_path (own), &contents, NULL, NULL));
  start = strstr (contents, "<Placemark");
  end = strstr (contents, "</Placemark>") + strlen ("</Placemark>");
  copied = g_string_new_len (contents, end - contents);
  g_string_append_c (copied, '\n');
  g_string_append_len (copied, start, end - start);
  g_string_append (copied, end);
  g_assert_true (g_file_set_contents (path, copied->str, copied->len, &error));
  file = g_file_new_for_path (path);

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, 2, 0);
  named = uuids_named (fixture->store, "Iglesia <Santa> & “Fe” ]]>");
  g_assert_cmpuint (named->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (named, "3f0c6a4e-8d5b-4b7e-9a51-2c1e7f0d9b11",
                                                   g_str_equal, NULL));

  g_clear_object (&report);
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, 0, 2);
  named_again = uuids_named (fixture->store, "Iglesia <Santa> & “Fe” ]]>");
  assert_same_uuids (named, named_again);
}

/* A zip holding one entry @name with @content, made with libarchive. */
static GBytes *
make_zip (const char *name,
          const char *content)
{
  struct archive *a = archive_write_new ();
  struct archive_entry *entry = archive_entry_new ();
  gsize buffer_size = 64 * 1024;
  char *buffer = g_malloc (buffer_size);
  size_t used = 0;

  archive_write_set_format_zip (a);
  g_assert_cmpint (archive_write_open_memory (a, buffer, buffer_size, &used), ==, ARCHIVE_OK);
  archive_entry_set_pathname (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, strlen (content));
  g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_write_data (a, content, strlen (content)), ==, (la_ssize_t) strlen (content));
  archive_entry_free (entry);
  archive_write_close (a);
  archive_write_free (a);

  return g_bytes_new_take (buffer, used);
}

static GBytes *
make_gzip (const char *content)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (out, content, strlen (content), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Imports @bytes saved as @name: the error (or NULL) and the report. */
static GError *
import_bytes (Fixture           *fixture,
              const char        *name,
              GBytes            *bytes,
              AmapImportReport **report_out)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AmapImportReport) report = NULL;
  GError *error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_true ((report == NULL) != (error == NULL));
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return error;
}

/* Each file that is not what its name says gets one sentence naming it
 * and saying what it is, never libxml2's "Document is empty" or "Extra
 * content at the end of the document"; nothing is imported. */
static void
test_what_the_file_is (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char kml[] =
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Placemark><name>Zipped</name>"
    "<Point><coordinates>10,20</coordinates></Point></Placemark></kml>";
  /* An empty zip archive: only its end-of-central-directory record. */
  static const char empty_zip[22] = { 'P', 'K', 5, 6 };
  static const struct {
    const char *name;
    const char *content;   /* NULL: see below */
    int code;
    const char *message;
  } cases[] = {
    { "empty.kml", "", AMAP_ERROR_PARSE, "empty.kml is empty: there is nothing to import" },
    { "blank.kml", "\n\n  \n", AMAP_ERROR_PARSE, "blank.kml is empty: there is nothing to import" },
    { "zero.kmz", "", AMAP_ERROR_PARSE, "zero.kmz is empty: there is nothing to import" },
    { "packed.kml", NULL, AMAP_ERROR_UNSUPPORTED,
      "packed.kml is a gzip-compressed file, not KML: uncompress it first, then import the file it holds" },
    { "nothing.kmz", NULL, AMAP_ERROR_UNSUPPORTED,
      "nothing.kmz holds no KML document (no .kml file inside)" },
    { "nothing.kml", NULL, AMAP_ERROR_UNSUPPORTED,
      "nothing.kml holds no KML document (no .kml file inside)" },
    { "photos.kmz", NULL, AMAP_ERROR_UNSUPPORTED,
      "photos.kmz holds no KML document (no .kml file inside)" },
  };
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) zip = NULL;
  AmapImportMessageKind kind;
  const char *text;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = NULL;

      if (cases[i].content != NULL)
        bytes = g_bytes_new_static (cases[i].content, strlen (cases[i].content));
      else if (g_str_equal (cases[i].name, "packed.kml"))
        bytes = make_gzip (kml);
      else if (g_str_equal (cases[i].name, "photos.kmz"))
        bytes = make_zip ("photo.jpg", "JFIF");
      else
        bytes = g_bytes_new_static (empty_zip, sizeof empty_zip);

      g_test_message ("%s", cases[i].name);
      error = import_bytes (fixture, cases[i].name, bytes, NULL);
      g_assert_error (error, AMAP_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_clear_error (&error);
    }
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);

  /* A KMZ named .kml is read as one, and the report says so. */
  zip = make_zip ("doc.kml", kml);
  error = import_bytes (fixture, "renamed.kml", zip, &report);
  g_assert_no_error (error);
  assert_counts (report, 1, 0);
  g_assert_cmpuint (amap_import_report_get_n_messages (report), ==, 1);
  amap_import_report_get_message (report, 0, &kind, NULL, &text);
  g_assert_cmpint (kind, ==, AMAP_IMPORT_MESSAGE_NOTICE);
  g_assert_cmpstr (text, ==, "The file is a KMZ (zip) archive, not plain KML, and was read as one");
}

static void
test_unlocated (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) file = data_file ("address-only.kml");
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  AmapImportMessageKind kind;
  const char *text;
  guint line;
  gboolean found = FALSE;

  report = amap_import_file (fixture->store, file, "nonprofit", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 1);
  g_assert_cmpuint (amap_import_report_get_unlocated (report), ==, 1);
  g_assert_cmpuint (amap_import_report_get_skipped (report), ==, 1);

  for (guint i = 0; i < amap_import_report_get_n_messages (report); i++)
    {
      amap_import_report_get_message (report, i, &kind, &line, &text);
      if (kind == AMAP_IMPORT_MESSAGE_SKIPPED)
        {
          g_assert_cmpuint (line, ==, 11);
          g_assert_nonnull (strstr (text, "Nowhere"));
          found = TRUE;
        }
    }
  g_assert_true (found);

  {
    g_autoptr(AmapAsset) asset = find_by_name (fixture->store, "Family Resource Center");
    g_assert_false (amap_asset_get_has_location (asset));
    /* The default category chosen for the import. */
    g_assert_cmpstr (amap_asset_get_category (asset), ==, "nonprofit");
  }

  /* A default category the map does not have is refused up front. */
  g_clear_object (&report);
  report = amap_import_file (fixture->store, file, "no-such-category", NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY);
}

static void
test_truncated_imports_nothing (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GFile) good = data_file ("mymaps-styles-after.kml");
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "cut.kml", NULL);
  g_autoptr(GFile) cut = NULL;
  const char *at;

  /* The first three placemarks are complete; the file stops in the
   * fourth's description. */
  g_assert_true (g_file_get_contents (g_file_peek_path (good), &contents, NULL, NULL));
  at = strstr (contents, "Fresh bread");
  g_assert_nonnull (at);
  g_assert_true (g_file_set_contents (path, contents, at - contents, NULL));
  cut = g_file_new_for_path (path);

  report = amap_import_file (fixture->store, cut, NULL, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_PARSE);
  /* "cut.kml:55:COLUMN: the file ends inside <description> (opened on line 55)…" */
  g_assert_true (g_str_has_prefix (error->message, "cut.kml:55:"));
  g_assert_nonnull (strstr (error->message, "<description> (opened on line 55)"));
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);
}

typedef struct
{
  GCancellable *cancellable;
  double last;
  guint n_calls;
} ProgressState;

static void
on_progress_cancel (double   fraction,
                    gpointer user_data)
{
  ProgressState *state = user_data;

  g_assert_cmpfloat (fraction, >=, state->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  state->last = fraction;
  state->n_calls++;
  if (fraction >= 0.3 && state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
}

static void
test_cancel_leaves_store_unchanged (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GFile) small = data_file ("mymaps-styles-after.kml");
  g_autoptr(GFile) big = write_generated (fixture->dir, 20000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  ProgressState state = { cancellable, 0, 0 };

  report = amap_import_file (fixture->store, small, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&report);

  report = amap_import_file (fixture->store, big, NULL, cancellable,
                             on_progress_cancel, &state, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (state.last, <, 1.0);
  /* What was there is there; nothing of the cancelled import. */
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);
}

static void
test_large_file (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) school = NULL;
  g_autoptr(AmapAsset) dot = NULL;
  ProgressState state = { NULL, 0, 0 };

  file = write_generated (fixture->dir, 100000);
  report = amap_import_file (fixture->store, file, NULL, NULL, on_progress_cancel, &state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 100000);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 100000);
  g_assert_cmpfloat (state.last, ==, 1.0);
  g_assert_cmpuint (state.n_calls, >, 10);

  /* Every other placemark's style (defined at the end) names a school. */
  school = find_by_name (fixture->store, "Place 99998");
  g_assert_cmpstr (amap_asset_get_category (school), ==, "education");
  dot = find_by_name (fixture->store, "Place 99999");
  g_assert_cmpstr (amap_asset_get_category (dot), ==, "other");
  g_assert_cmpstr (amap_asset_get_extra (dot, "Row"), ==, "99999");
}

/* SQLite's own check of the R*Tree (rtreecheck()), on a second connection. */
static void
assert_rtree_sound (AmapStore *store)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (amap_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rtreecheck ('asset_rtree')", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* The uuids of the live assets inside the box, by looking at each. */
static GPtrArray *
box_by_hand (AmapStore *store,
             double     south,
             double     west,
             double     north,
             double     east)
{
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, NULL);
  GPtrArray *uuids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);
      double lat = amap_asset_get_latitude (asset), lon = amap_asset_get_longitude (asset);

      if (amap_asset_get_has_location (asset) &&
          lat >= south && lat <= north && lon >= west && lon <= east)
        g_ptr_array_add (uuids, g_strdup (amap_asset_get_uuid (asset)));
    }
  return uuids;
}

static int
compare_uuids (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
assert_box (AmapStore *store,
            double     south,
            double     west,
            double     north,
            double     east,
            guint      expected_n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = amap_store_query_box (store, south, west, north, east, &error);
  g_autoptr(GPtrArray) expected = box_by_hand (store, south, west, north, east);

  g_assert_no_error (error);
  g_ptr_array_sort (got, compare_uuids);
  g_ptr_array_sort (expected, compare_uuids);
  g_assert_cmpuint (got->len, ==, expected_n);
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
}

/* A big import into a new map writes its R*Tree as one packed tree and its
 * full-text rows at the end: SQLite finds the tree sound, box queries and
 * searches find what they should, and edits after it keep both right. */
static void
test_packed_indexes (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) place = NULL;
  g_autoptr(AmapAsset) added = amap_asset_new ("Zanzibar Kiosk");
  g_autoptr(GPtrArray) found = NULL;

  /* 3,000 points: a grid of 1,000 × 3 at 0.0001° steps. */
  file = write_generated (fixture->dir, 3000);
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 3000);
  assert_rtree_sound (fixture->store);

  assert_box (fixture->store, 37.6, -122.4, 37.8, -122.1, 3000);
  /* Columns 100..199 of the first two rows (edges inside, floats rounded out). */
  assert_box (fixture->store, 37.69995, -122.29005, 37.70015, -122.28005, 200);
  assert_box (fixture->store, 37.0, -121.0, 37.1, -120.9, 0);

  found = amap_store_search (fixture->store, "2345", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  place = find_by_name (fixture->store, "Place 2345");
  g_assert_cmpstr (g_ptr_array_index (found, 0), ==, amap_asset_get_uuid (place));
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Edits go through the indexes as usual. */
  amap_asset_set_name (place, "Renamed Quay");
  amap_asset_set_location (place, 37.9, -122.5);
  amap_store_update_asset (fixture->store, place, &error);
  g_assert_no_error (error);
  amap_asset_set_location (added, 37.9001, -122.5001);
  amap_store_add_asset (fixture->store, added, &error);
  g_assert_no_error (error);
  place = find_by_name (fixture->store, "Place 17");
  amap_store_delete_asset (fixture->store, amap_asset_get_uuid (place), &error);
  g_assert_no_error (error);
  assert_rtree_sound (fixture->store);

  assert_box (fixture->store, 37.85, -122.55, 37.95, -122.45, 2);
  assert_box (fixture->store, 37.6, -122.4, 37.8, -122.1, 2998);
  found = amap_store_search (fixture->store, "quay", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = amap_store_search (fixture->store, "zanzibar", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
}

/* Every term of the full-text index of the assets without tags and
 * contacts, against a table built afresh from the stored rows by
 * INSERT … SELECT (what the batch used to do at its commit): the same
 * terms at the same places, on a second connection. */
static void
assert_fts_matches_rows (AmapStore *store)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *message = NULL;
  static const char setup[] =
    "CREATE VIRTUAL TABLE temp.expect USING fts5 ("
    "  name, description, strengths, needs, address, tags, contacts,"
    "  content = '', tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE TEMP TABLE plain AS SELECT id FROM main.assets "
    "  WHERE id NOT IN (SELECT asset_id FROM main.asset_tags) "
    "  AND id NOT IN (SELECT asset_id FROM main.contacts);"
    "INSERT INTO temp.expect (rowid, name, description, strengths, needs, address) "
    "  SELECT id, name, description, strengths, needs, address FROM main.assets "
    "  WHERE id IN (SELECT id FROM temp.plain);"
    "CREATE VIRTUAL TABLE temp.got_terms USING fts5vocab (main, asset_fts, instance);"
    "CREATE VIRTUAL TABLE temp.expected_terms USING fts5vocab (temp, expect, instance);";

  g_assert_cmpint (sqlite3_open_v2 (amap_store_get_path (store), &db, SQLITE_OPEN_READWRITE, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, setup, NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_null (message);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT (SELECT count (*) FROM temp.expected_terms), "
                                       "(SELECT count (*) FROM (SELECT term, doc, col, offset FROM temp.got_terms "
                                       "  WHERE doc IN (SELECT id FROM temp.plain) "
                                       "  EXCEPT SELECT term, doc, col, offset FROM temp.expected_terms)), "
                                       "(SELECT count (*) FROM (SELECT term, doc, col, offset FROM temp.expected_terms "
                                       "  EXCEPT SELECT term, doc, col, offset FROM temp.got_terms))",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >, 0);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static const char tricky_kml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>Tricky</name>\n"
  "<Folder><name>Écoles &amp; parcs</name>\n"
  "<Placemark><name>López &amp; García Café</name>\n"
  "<description><![CDATA[Name: López &amp; García<br>Notes: ¿Visita en otoño? Sí, <b>después</b> de las 3]]></description>\n"
  "<styleUrl>#late</styleUrl>\n"
  "<ExtendedData><Data name=\"Address\"><value>203 César Chávez Blvd</value></Data>"
  "<Data name=\"Notes\"><value>Ramón &lt;Peña&gt;</value></Data></ExtendedData>\n"
  "<Point><coordinates>-122.41,37.71,0</coordinates></Point></Placemark>\n"
  "<Placemark><name>Trail&#233; Nord</name><description>plain &amp; simple</description>\n"
  "<LineString><coordinates>-122.4,37.7 -122.41,37.71 -122.42,37.7</coordinates></LineString></Placemark>\n"
  "<Placemark><name>Parc Öffentlich</name><address>1 Rue Ça Va</address>\n"
  "<Polygon><outerBoundaryIs><LinearRing><coordinates>-122.4,37.7 -122.41,37.7 -122.41,37.71 -122.4,37.7"
  "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n"
  "<Placemark><name>Multi Ünit</name><description><![CDATA[<p>Two&nbsp;parts</p><p>ünd more]]></description>\n"
  "<MultiGeometry><Point><coordinates>-122.43,37.72</coordinates></Point>"
  "<LineString><coordinates>-122.43,37.72 -122.44,37.73</coordinates></LineString></MultiGeometry></Placemark>\n"
  "<Placemark><name>López &amp; García Café</name><Point><coordinates>-122.41,37.71,0</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Style id=\"late\"><IconStyle><Icon><href>https://example.com/school.png</href></Icon></IconStyle></Style>\n"
  "</Document></kml>\n";

/* The full-text rows a batch writes as it puts each new asset are the rows
 * the stored assets give, on accents, entities, CDATA, shapes and styles
 * after the folders; also after the same file comes again (the rows
 * are removed by their stored values and written anew) and for a big
 * generated file. */
static void
test_fts_rows_as_stored (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "tricky.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) generated = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_assert_true (g_file_set_contents (path, tricky_kml, -1, &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(AmapImportReport) report = amap_import_file (fixture->store, file, NULL, NULL,
                                                             NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (amap_import_report_get_imported (report) +
                        amap_import_report_get_updated (report), ==, 5);
      assert_fts_matches_rows (fixture->store);
    }

  found = amap_store_search (fixture->store, "despues", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = amap_store_search (fixture->store, "chavez", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  generated = write_generated (fixture->dir, 3000);
  g_clear_object (&file);
  {
    g_autoptr(AmapImportReport) report = amap_import_file (fixture->store, generated, NULL, NULL,
                                                           NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (amap_import_report_get_imported (report), ==, 3000);
  }
  assert_fts_matches_rows (fixture->store);
}

/* The assets' indexes as sqlite_schema has them: "name: sql" lines. */
static char *
asset_indexes (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name, sql FROM sqlite_schema "
                                       "WHERE type = 'index' AND tbl_name = 'assets' ORDER BY name",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s: %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1) ? (const char *) sqlite3_column_text (stmt, 1) : "");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static AmapAsset *
sourced_asset (const char *name,
               const char *source_id)
{
  AmapAsset *asset = amap_asset_new (name);

  amap_asset_set_source_id (asset, source_id);
  amap_asset_set_location (asset, 37.7, -122.4);
  return asset;
}

/* A batch into a map without assets makes the assets' indexes after its
 * rows: the same indexes as a new map's afterwards, a source id put twice
 * still updates the first asset (the indexes are made at that moment),
 * and an aborted batch leaves them as they were. */
static void
test_indexes_after_rows (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *other_path = g_build_filename (fixture->dir, "other" AMAP_STORE_SUFFIX, NULL);
  g_autoptr(AmapStore) other = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AmapStoreBatch *batch;
  gboolean updated = TRUE;

  other = amap_store_open (other_path, &error);
  g_assert_no_error (error);
  expected = asset_indexes (other_path);
  g_assert_nonnull (strstr (expected, "assets_source_id"));

  /* Aborted: nothing changes. */
  batch = amap_store_batch_begin (fixture->store, &error);
  g_assert_no_error (error);
  {
    g_autoptr(AmapAsset) a = sourced_asset ("Aborted", "f.kml#a");

    g_assert_true (amap_store_batch_put (batch, a, &updated, &error));
    g_assert_no_error (error);
  }
  amap_store_batch_abort (batch);
  got = asset_indexes (amap_store_get_path (fixture->store));
  g_assert_cmpstr (got, ==, expected);
  g_clear_pointer (&got, g_free);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);

  batch = amap_store_batch_begin (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Row %u", i);
      g_autofree char *source_id = g_strdup_printf ("f.kml#%u", i);
      g_autoptr(AmapAsset) asset = sourced_asset (name, source_id);

      g_assert_true (amap_store_batch_put (batch, asset, &updated, &error));
      g_assert_no_error (error);
      g_assert_false (updated);
    }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 2000);
  got = asset_indexes (amap_store_get_path (fixture->store));
  g_assert_cmpstr (got, ==, expected);
  g_clear_pointer (&got, g_free);

  /* The same source id twice into a new map: the second updates. */
  batch = amap_store_batch_begin (other, &error);
  g_assert_no_error (error);
  {
    g_autoptr(AmapAsset) first = sourced_asset ("Row 17", "f.kml#17");
    g_autoptr(AmapAsset) again = sourced_asset ("Row 17 again", "f.kml#17");
    g_autoptr(AmapAsset) later = sourced_asset ("Row 2000", "f.kml#2000");
    g_autoptr(AmapAsset) later_again = sourced_asset ("Row 2000 again", "f.kml#2000");

    g_assert_true (amap_store_batch_put (batch, first, &updated, &error));
    g_assert_false (updated);
    g_assert_true (amap_store_batch_put (batch, again, &updated, &error));
    g_assert_no_error (error);
    g_assert_true (updated);
    g_assert_true (amap_store_batch_put (batch, later, &updated, &error));
    g_assert_false (updated);
    g_assert_true (amap_store_batch_put (batch, later_again, &updated, &error));
    g_assert_true (updated);
  }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (other), ==, 2);
  got = asset_indexes (other_path);
  g_assert_cmpstr (got, ==, expected);
  {
    g_autoptr(AmapAsset) renamed = find_by_name (other, "Row 17 again");
    g_autoptr(AmapAsset) last = find_by_name (other, "Row 2000 again");

    g_assert_cmpstr (amap_asset_get_source_id (renamed), ==, "f.kml#17");
    g_assert_cmpstr (amap_asset_get_source_id (last), ==, "f.kml#2000");
  }
  found = amap_store_search (other, "again", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_object (&other);

  /* Into a map with assets: the indexes stay, a source id updates. */
  batch = amap_store_batch_begin (fixture->store, &error);
  g_assert_no_error (error);
  {
    g_autoptr(AmapAsset) third = sourced_asset ("Row 5 again", "f.kml#5");

    g_assert_true (amap_store_batch_put (batch, third, &updated, &error));
    g_assert_no_error (error);
    g_assert_true (updated);
  }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 2000);
  {
    g_autoptr(AmapAsset) fifth = find_by_name (fixture->store, "Row 5 again");

    g_assert_cmpstr (amap_asset_get_source_id (fifth), ==, "f.kml#5");
  }
}

typedef struct
{
  GMainLoop *loop;
  AmapImportReport *report;
  GError *error;
  guint n_resets;
  guint n_progress;
} AsyncState;

static void
on_async_progress (double   fraction,
                   gpointer user_data)
{
  AsyncState *state = user_data;

  state->n_progress++;
}

static void
on_reset (AmapStore *store,
          gpointer   user_data)
{
  AsyncState *state = user_data;

  state->n_resets++;
}

static void
on_import_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncState *state = user_data;

  state->report = amap_import_file_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GFile) file = data_file ("mymaps-styles-after.kml");
  AsyncState state = { 0 };

  state.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (fixture->store, "reset", G_CALLBACK (on_reset), &state);

  amap_import_file_async (fixture->store, file, NULL, NULL,
                          on_async_progress, &state, on_import_done, &state);
  g_main_loop_run (state.loop);

  g_assert_no_error (state.error);
  g_assert_nonnull (state.report);
  g_assert_cmpuint (amap_import_report_get_imported (state.report), ==, 5);
  /* The main connection sees the worker's commit, and said so. */
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);
  g_assert_cmpuint (state.n_resets, >=, 1);
  g_assert_cmpuint (state.n_progress, >=, 1);

  g_signal_handlers_disconnect_by_data (fixture->store, &state);
  g_clear_object (&state.report);
  g_main_loop_unref (state.loop);
}

/* The worker imports through its own store; Undo in the window's store
 * undoes the import as one step, and an earlier step stays. */
static void
test_async_undo (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) file = data_file ("mymaps-styles-after.kml");
  g_autoptr(AmapAsset) mine = amap_asset_new ("My own note");
  g_autoptr(GError) error = NULL;
  AsyncState state = { 0 };

  amap_asset_set_category (mine, "other");
  g_assert_true (amap_store_add_asset (fixture->store, mine, &error));
  g_assert_no_error (error);

  state.loop = g_main_loop_new (NULL, FALSE);
  amap_import_file_async (fixture->store, file, NULL, NULL,
                          NULL, NULL, on_import_done, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);

  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==,
                   "Undo Import of “mymaps-styles-after.kml” (5 Assets)");
  g_assert_true (amap_store_undo (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 1);
  g_assert_cmpstr (amap_store_get_redo_label (fixture->store), ==,
                   "Redo Import of “mymaps-styles-after.kml” (5 Assets)");

  g_assert_true (amap_store_redo (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
  {
    g_autoptr(AmapAsset) clinic = find_by_name (fixture->store, "Eastside Clinic");

    g_assert_cmpstr (amap_asset_get_category (clinic), ==, "health");
  }

  /* The step before the import is still there. */
  g_assert_true (amap_store_undo (fixture->store, &error));
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Add “My own note”");
  g_assert_true (amap_store_undo (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);

  g_clear_object (&state.report);
  g_main_loop_unref (state.loop);
}

static void
test_kmz_and_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *corpus = g_getenv ("AMAP_KML_CORPUS");
  g_autofree char *nokml = NULL;
  g_autofree char *laughs = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("KML corpus not found (AMAP_KML_CORPUS)");
      return;
    }

  nokml = g_build_filename (corpus, "libkml", "nokml.kmz", NULL);
  file = g_file_new_for_path (nokml);
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "nokml.kmz"));
  g_clear_error (&error);
  g_clear_object (&file);

  /* The map itself: refused before it is read (reading it outside SQLite
   * would drop the store's locks on it). */
  {
    g_autoptr(GFile) itself = g_file_new_for_path (amap_store_get_path (fixture->store));

    report = amap_import_file (fixture->store, itself, NULL, NULL, NULL, NULL, &error);
    g_assert_null (report);
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "is a map that is open"));
    g_clear_error (&error);
  }

  /* A file that is not there. */
  {
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/places.kml");

    report = amap_import_file (fixture->store, missing, NULL, NULL, NULL, NULL, &error);
    g_assert_null (report);
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "places.kml"));
    g_clear_error (&error);
  }

  laughs = g_build_filename (corpus, "libkml", "billion_laughs.kml", NULL);
  file = g_file_new_for_path (laughs);
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);
}

/* My Maps layers: the folder path on each asset, and categories guessed
 * from whole words, never from a street or a directions layer. */
static const char layers_kml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n"
  "<name>Community Map</name>\n"
  "<Style id=\"blue\"><IconStyle><Icon><href>http://maps.google.com/mapfiles/kml/paddle/blu-blank.png</href></Icon></IconStyle></Style>\n"
  "<Folder><name>Iglesias</name>\n"
  "  <Placemark><name>San José</name><Point><coordinates>-122.20,37.80</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Folder><name>Church St</name>\n"
  "  <Placemark><name>Corner Store</name><Point><coordinates>-122.21,37.81</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Folder><name>Directions from 6394 Stores Rd to Lincoln Elementary</name>\n"
  "  <Placemark><name>6394 Stores Rd</name><Point><coordinates>-122.22,37.82</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Folder><name>еда</name>\n"
  "  <Placemark><name>Пекарня</name><Point><coordinates>-122.23,37.83</coordinates></Point></Placemark>\n"
  "</Folder>\n"
  "<Folder><name>Parks</name><Folder><name>Trails</name>\n"
  "  <Placemark><name>Ridge Trail</name><Point><coordinates>-122.24,37.84</coordinates></Point></Placemark>\n"
  "</Folder></Folder>\n"
  "<Placemark><name>Loose</name><styleUrl>#blue</styleUrl><Point><coordinates>-122.25,37.85</coordinates></Point></Placemark>\n"
  "<Placemark><name>Address only</name><styleUrl>#blue</styleUrl><address>1 Main St, Oakland</address></Placemark>\n"
  "<Placemark><name>Nothing</name></Placemark>\n"
  "</Document>\n</kml>\n";

static GFile *
write_layers (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, layers_kml, -1, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static void
assert_folders (AmapStore          *store,
                const char         *name,
                const char * const *expected)
{
  g_autoptr(AmapAsset) asset = find_by_name (store, name);
  const char * const *folders = amap_asset_get_folders (asset);

  g_assert_nonnull (folders);
  g_assert_cmpstrv (folders, expected);
}

static void
assert_category (AmapStore  *store,
                 const char *name,
                 const char *category)
{
  g_autoptr(AmapAsset) asset = find_by_name (store, name);

  g_assert_cmpstr (amap_asset_get_category (asset), ==, category);
}

static void
test_layers_kept (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GFile) file = write_layers (fixture, "layers.kml");
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 7);

  /* Spanish, whole words: a church. */
  assert_category (fixture->store, "San José", AMAP_CATEGORY_FAITH);
  /* A street and a directions layer name nothing (they made a church
   * and a business). */
  assert_category (fixture->store, "Corner Store", AMAP_CATEGORY_OTHER);
  assert_category (fixture->store, "6394 Stores Rd", AMAP_CATEGORY_OTHER);
  /* No word in the list: the default, and the layer is still kept. */
  assert_category (fixture->store, "Пекарня", AMAP_CATEGORY_OTHER);
  assert_category (fixture->store, "Ridge Trail", AMAP_CATEGORY_PARK);

  assert_folders (fixture->store, "San José", (const char *[]) { "Iglesias", NULL });
  assert_folders (fixture->store, "Corner Store", (const char *[]) { "Church St", NULL });
  assert_folders (fixture->store, "Пекарня", (const char *[]) { "еда", NULL });
  /* Outermost first; the Document's own name is no folder. */
  assert_folders (fixture->store, "Ridge Trail", (const char *[]) { "Parks", "Trails", NULL });
  assert_folders (fixture->store, "Loose", (const char *[]) { NULL });

  {
    g_autoptr(AmapAsset) located = find_by_name (fixture->store, "Loose");
    g_autoptr(AmapAsset) unlocated = find_by_name (fixture->store, "Address only");

    g_assert_cmpint (amap_asset_get_location_source (located), ==, AMAP_LOCATION_SOURCE_IMPORTED);
    g_assert_cmpint (amap_asset_get_location_source (unlocated), ==, AMAP_LOCATION_SOURCE_UNKNOWN);
  }

  /* The report: how many went into each category, and where they are. */
  {
    guint faith = 0, other = 0, park = 0;
    double south, west, north, east;

    for (guint i = 0; i < amap_import_report_get_n_categories (report); i++)
      {
        guint count;
        const char *key = amap_import_report_get_category (report, i, &count);

        if (g_str_equal (key, AMAP_CATEGORY_FAITH))
          faith = count;
        else if (g_str_equal (key, AMAP_CATEGORY_OTHER))
          other = count;
        else if (g_str_equal (key, AMAP_CATEGORY_PARK))
          park = count;
        else
          g_error ("unexpected category %s in the report", key);
      }
    g_assert_cmpuint (faith, ==, 1);
    g_assert_cmpuint (park, ==, 1);
    g_assert_cmpuint (other, ==, 5);

    g_assert_true (amap_import_report_get_bounds (report, &south, &west, &north, &east));
    g_assert_cmpfloat_with_epsilon (south, 37.80, 1e-9);
    g_assert_cmpfloat_with_epsilon (north, 37.85, 1e-9);
    g_assert_cmpfloat_with_epsilon (west, -122.25, 1e-9);
    g_assert_cmpfloat_with_epsilon (east, -122.20, 1e-9);
  }
}

/* Our own export groups placemarks in a Folder per category: read back,
 * that Folder is no layer of the user's. */
static void
test_own_category_folders (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GFile) file = write_layers (fixture, "layers.kml");
  g_autofree char *exported_path = g_build_filename (fixture->dir, "exported.kml", NULL);
  g_autofree char *other_path = g_build_filename (fixture->dir, "other" AMAP_STORE_SUFFIX, NULL);
  g_autoptr(GFile) exported = g_file_new_for_path (exported_path);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(AmapStore) other = NULL;
  g_autoptr(AmapAsset) asset = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *folders;

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (amap_export_file (fixture->store, NULL, exported, NULL, &error));
  g_assert_no_error (error);

  other = amap_store_open (other_path, &error);
  g_assert_no_error (error);
  g_clear_object (&report);
  report = amap_import_file (other, exported, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  asset = find_by_name (other, "San José");
  g_assert_cmpstr (amap_asset_get_category (asset), ==, AMAP_CATEGORY_FAITH);
  folders = amap_asset_get_folders (asset);
  g_assert_false (g_strv_contains (folders, "Faith-Based Organization"));
}

/* The folders of a file someone else wrote: Google's KML samples. */
static void
test_layers_corpus (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *corpus = g_getenv ("AMAP_KML_CORPUS");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (corpus != NULL)
    path = g_build_filename (corpus, "google_samples", "KML_Samples.kml", NULL);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("KML corpus not found (AMAP_KML_CORPUS): google_samples/KML_Samples.kml");
      return;
    }

  file = g_file_new_for_path (path);
  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  assert_folders (fixture->store, "Simple placemark", (const char *[]) { "Placemarks", NULL });
  assert_folders (fixture->store, "Building 40", (const char *[]) { "Polygons", "Google Campus", NULL });
  /* Inside a Document inside a Folder: the Document is no layer. */
  assert_folders (fixture->store, "Roll over this icon", (const char *[]) { "Styles and Markup", NULL });
  assert_folders (fixture->store, "Tessellated", (const char *[]) { "Paths", NULL });
}

static guint
find_row (AmapImportPlan    *plan,
          AmapImportRowKind  kind,
          const char        *name)
{
  for (guint i = 0; i < amap_import_plan_get_n_rows (plan); i++)
    if (amap_import_plan_get_row_kind (plan, i) == kind &&
        g_str_equal (amap_import_plan_get_row_name (plan, i), name))
      return i;
  g_error ("no row “%s” in the plan", name);
  return 0;
}

static void
assert_row (AmapImportPlan    *plan,
            AmapImportRowKind  kind,
            const char        *name,
            guint              count,
            const char        *guess)
{
  guint row = find_row (plan, kind, name);

  g_assert_cmpuint (amap_import_plan_get_row_count (plan, row), ==, count);
  g_assert_cmpstr (amap_import_plan_get_row_guess (plan, row), ==, guess);
  g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, guess);
}

/* The plan reads the file without writing: layers, styles, counts. */
static void
test_plan_counts (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GFile) file = write_layers (fixture, "layers.kml");
  g_autoptr(AmapImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  AmapImportReport *scan;
  gboolean found = FALSE;

  plan = amap_import_plan_scan (fixture->store, file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);

  g_assert_cmpuint (amap_import_plan_get_n_places (plan), ==, 7);
  g_assert_cmpuint (amap_import_plan_get_n_unlocated (plan), ==, 1);
  g_assert_cmpuint (amap_import_plan_get_n_skipped (plan), ==, 1);
  g_assert_cmpuint (amap_import_plan_get_n_rows (plan), ==, 7);

  /* Layers first, in the file's order. */
  g_assert_cmpint (amap_import_plan_get_row_kind (plan, 0), ==, AMAP_IMPORT_ROW_LAYER);
  g_assert_cmpstr (amap_import_plan_get_row_name (plan, 0), ==, "Iglesias");
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "Iglesias", 1, AMAP_CATEGORY_FAITH);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "Church St", 1, AMAP_CATEGORY_OTHER);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "Directions from 6394 Stores Rd to Lincoln Elementary", 1,
              AMAP_CATEGORY_OTHER);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "еда", 1, AMAP_CATEGORY_OTHER);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "Parks › Trails", 1, AMAP_CATEGORY_PARK);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "", 2, AMAP_CATEGORY_OTHER);
  assert_row (plan, AMAP_IMPORT_ROW_STYLE, "#blue", 2, AMAP_CATEGORY_OTHER);
  g_assert_cmpint (amap_import_plan_get_row_kind (plan, 6), ==, AMAP_IMPORT_ROW_STYLE);

  /* What will be skipped, with its line. */
  scan = amap_import_plan_get_scan_report (plan);
  for (guint i = 0; i < amap_import_report_get_n_messages (scan); i++)
    {
      AmapImportMessageKind kind;
      const char *text;
      guint line;

      amap_import_report_get_message (scan, i, &kind, &line, &text);
      if (kind == AMAP_IMPORT_MESSAGE_SKIPPED)
        {
          g_assert_cmpuint (line, ==, 23);
          g_assert_nonnull (strstr (text, "Nothing"));
          found = TRUE;
        }
    }
  g_assert_true (found);

  /* A default category decides the rows that have no guess. */
  g_clear_object (&plan);
  plan = amap_import_plan_scan (fixture->store, file, AMAP_CATEGORY_NONPROFIT, NULL, &error);
  g_assert_no_error (error);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "еда", 1, AMAP_CATEGORY_NONPROFIT);
  assert_row (plan, AMAP_IMPORT_ROW_LAYER, "Iglesias", 1, AMAP_CATEGORY_FAITH);
}

static AmapCategory *
find_category_named (AmapStore  *store,
                     const char *name)
{
  GListModel *categories = amap_store_get_categories (store);

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      if (g_str_equal (amap_category_get_name (category), name))
        return category;
    }
  return NULL;
}

/* A changed mapping decides the categories; the choice is remembered for
 * the next import of a file of that name. */
static void
test_plan_mapping (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) file = write_layers (fixture, "layers.kml");
  g_autoptr(GFile) other_file = write_layers (fixture, "other-name.kml");
  g_autoptr(AmapImportPlan) plan = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  AmapCategory *made;
  const char *made_key;
  guint row;

  plan = amap_import_plan_scan (fixture->store, file, NULL, NULL, &error);
  g_assert_no_error (error);

  amap_import_plan_set_row_category (plan, find_row (plan, AMAP_IMPORT_ROW_LAYER, "еда"),
                                     AMAP_CATEGORY_BUSINESS);
  row = find_row (plan, AMAP_IMPORT_ROW_LAYER, "Parks › Trails");
  amap_import_plan_set_row_new_category (plan, row);
  g_assert_true (amap_import_plan_get_row_is_new (plan, row));
  g_assert_null (amap_import_plan_get_row_category (plan, row));
  amap_import_plan_set_row_category (plan, find_row (plan, AMAP_IMPORT_ROW_STYLE, "#blue"),
                                     AMAP_CATEGORY_HUB);

  report = amap_import_plan_apply (plan, fixture->store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 7);

  /* The new category is named after the layer (its own name). */
  made = find_category_named (fixture->store, "Trails");
  g_assert_nonnull (made);
  made_key = amap_category_get_key (made);

  assert_category (fixture->store, "Пекарня", AMAP_CATEGORY_BUSINESS);
  assert_category (fixture->store, "Ridge Trail", made_key);
  /* Their layer was not changed: their style was. */
  assert_category (fixture->store, "Loose", AMAP_CATEGORY_HUB);
  assert_category (fixture->store, "Address only", AMAP_CATEGORY_HUB);
  /* Unchanged rows keep what the file says. */
  assert_category (fixture->store, "San José", AMAP_CATEGORY_FAITH);
  assert_category (fixture->store, "Corner Store", AMAP_CATEGORY_OTHER);
  /* The folders stay the file's. */
  assert_folders (fixture->store, "Ridge Trail", (const char *[]) { "Parks", "Trails", NULL });

  /* The next plan of the same file starts from the choices. */
  g_clear_object (&plan);
  plan = amap_import_plan_scan (fixture->store, file, NULL, NULL, &error);
  g_assert_no_error (error);
  row = find_row (plan, AMAP_IMPORT_ROW_LAYER, "еда");
  g_assert_cmpstr (amap_import_plan_get_row_guess (plan, row), ==, AMAP_CATEGORY_OTHER);
  g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, AMAP_CATEGORY_BUSINESS);
  row = find_row (plan, AMAP_IMPORT_ROW_LAYER, "Parks › Trails");
  g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, made_key);
  g_assert_false (amap_import_plan_get_row_is_new (plan, row));
  row = find_row (plan, AMAP_IMPORT_ROW_STYLE, "#blue");
  g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, AMAP_CATEGORY_HUB);
  row = find_row (plan, AMAP_IMPORT_ROW_LAYER, "Iglesias");
  g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, AMAP_CATEGORY_FAITH);

  /* And the choice survives the map being closed. */
  {
    g_autofree char *path = g_strdup (amap_store_get_path (fixture->store));

    g_clear_object (&plan);
    g_clear_object (&fixture->store);
    fixture->store = amap_store_open (path, &error);
    g_assert_no_error (error);
    plan = amap_import_plan_scan (fixture->store, file, NULL, NULL, &error);
    g_assert_no_error (error);
    row = find_row (plan, AMAP_IMPORT_ROW_LAYER, "еда");
    g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, AMAP_CATEGORY_BUSINESS);
  }

  /* A file of another name starts from the guesses. */
  g_clear_object (&plan);
  plan = amap_import_plan_scan (fixture->store, other_file, NULL, NULL, &error);
  g_assert_no_error (error);
  row = find_row (plan, AMAP_IMPORT_ROW_LAYER, "еда");
  g_assert_cmpstr (amap_import_plan_get_row_category (plan, row), ==, AMAP_CATEGORY_OTHER);
}

/* The same through the worker thread the window uses. */
static void
on_plan_scanned (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AmapImportPlan **plan = user_data;
  g_autoptr(GError) error = NULL;

  *plan = amap_import_plan_scan_finish (result, &error);
  g_assert_no_error (error);
}

static void
on_plan_applied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AmapImportReport **report = user_data;
  g_autoptr(GError) error = NULL;

  *report = amap_import_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_plan_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) file = write_layers (fixture, "layers.kml");
  g_autoptr(AmapImportPlan) plan = NULL;
  g_autoptr(AmapImportReport) report = NULL;

  amap_import_plan_scan_async (fixture->store, file, NULL, NULL, on_plan_scanned, &plan);
  while (plan == NULL)
    g_main_context_iteration (NULL, TRUE);

  amap_import_plan_set_row_category (plan, find_row (plan, AMAP_IMPORT_ROW_LAYER, "Church St"),
                                     AMAP_CATEGORY_PUBLIC);
  amap_import_plan_apply_async (plan, fixture->store, NULL, NULL, NULL, on_plan_applied, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (amap_import_report_get_imported (report), ==, 7);
  assert_category (fixture->store, "Corner Store", AMAP_CATEGORY_PUBLIC);
  assert_category (fixture->store, "San José", AMAP_CATEGORY_FAITH);
}

/* --category KEY: every place gets it, whatever its layer says. */
static void
test_category_for_all (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GFile) file = write_layers (fixture, "layers.kml");
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GError) error = NULL;
  FILE *out = fopen ("/dev/null", "w");

  g_assert_nonnull (out);
  g_assert_false (amap_cli_import (fixture->store, path, NULL, "no-such-key", out, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY);
  g_clear_error (&error);
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 0);

  g_assert_true (amap_cli_import (fixture->store, path, NULL, AMAP_CATEGORY_HEALTH, out, &error));
  g_assert_no_error (error);
  fclose (out);

  assets = amap_store_list_assets (fixture->store, NULL);
  g_assert_cmpuint (assets->len, ==, 7);
  for (guint i = 0; i < assets->len; i++)
    g_assert_cmpstr (amap_asset_get_category (g_ptr_array_index (assets, i)), ==, AMAP_CATEGORY_HEALTH);
  /* The layers are still kept. */
  assert_folders (fixture->store, "San José", (const char *[]) { "Iglesias", NULL });
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/import/counts-and-styles-after", test_counts_and_styles_after);
  ADD ("/import/reimport-updates", test_reimport_updates);
  ADD ("/import/duplicates-kept", test_duplicates_kept);
  ADD ("/import/duplicate-uuid-kept", test_duplicate_uuid_kept);
  ADD ("/import/what-the-file-is", test_what_the_file_is);
  ADD ("/import/unlocated", test_unlocated);
  ADD ("/import/truncated", test_truncated_imports_nothing);
  ADD ("/import/cancel", test_cancel_leaves_store_unchanged);
  ADD ("/import/large", test_large_file);
  ADD ("/import/packed-indexes", test_packed_indexes);
  ADD ("/import/fts-rows-as-stored", test_fts_rows_as_stored);
  ADD ("/import/indexes-after-rows", test_indexes_after_rows);
  ADD ("/import/async", test_async);
  ADD ("/import/async-undo", test_async_undo);
  ADD ("/import/kmz-and-errors", test_kmz_and_errors);
  ADD ("/import/layers-kept", test_layers_kept);
  ADD ("/import/layers-corpus", test_layers_corpus);
  ADD ("/import/own-category-folders", test_own_category_folders);
  ADD ("/import/plan-counts", test_plan_counts);
  ADD ("/import/plan-mapping", test_plan_mapping);
  ADD ("/import/plan-async", test_plan_async);
  ADD ("/import/category-for-all", test_category_for_all);

#undef ADD

  return g_test_run ();
}
