/* test-cli.c: the headless command line, run as a real process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <cairo.h>

#include "amap-cli.h"
#include "amap-error.h"
#include "amap-store.h"
#include "mbtiles-fixtures.h"
#include "test-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("amap-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "test.assetmap", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_util_remove_dir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Runs the real asset-map with no display and no settings schema. */
static char *
add_asset (AmapStore  *store,
           const char *name,
           const char *category,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, category);
  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);
  amap_store_add_asset (store, asset, &error);
  g_assert_no_error (error);

  return g_strdup (amap_asset_get_uuid (asset));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
sorted_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (result, g_strdup (lines[i]));
  g_ptr_array_sort (result, compare_strings);

  return result;
}

static void
test_list_non_ascii (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *cafe = NULL;
  g_autofree char *books = NULL;
  g_autofree char *mosque = NULL;
  g_autofree char *garden = NULL;
  g_autofree char *tabbed = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--database", fixture->path, "--list", NULL };
  int status = -1;

  store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  cafe = add_asset (store, "Café Luna", "business", 37.7749, -122.2194);
  books = add_asset (store, "中文书店", "library-arts", 37.77501, -122.22);
  mosque = add_asset (store, "مسجد العربية", "faith", -33.8688, 151.2093);
  garden = add_asset (store, "Huerta Comunitaria", "park", NAN, NAN);
  tabbed = add_asset (store, "Tab\tand\nnewline", "other", 1.5, -0.25);
  g_clear_object (&store);

  g_ptr_array_add (expected, g_strdup_printf ("%s\tCafé Luna\tbusiness\t37.7749000\t-122.2194000", cafe));
  g_ptr_array_add (expected, g_strdup_printf ("%s\t中文书店\tlibrary-arts\t37.7750100\t-122.2200000", books));
  g_ptr_array_add (expected, g_strdup_printf ("%s\tمسجد العربية\tfaith\t-33.8688000\t151.2093000", mosque));
  g_ptr_array_add (expected, g_strdup_printf ("%s\tHuerta Comunitaria\tpark\t\t", garden));
  g_ptr_array_add (expected, g_strdup_printf ("%s\tTab and newline\tother\t1.5000000\t-0.2500000", tabbed));
  g_ptr_array_sort (expected, compare_strings);

  if (!test_util_run_binary (args, &out, &err, &status))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_true (g_str_has_suffix (out, "\n"));

  got = sorted_lines (out);
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
}

/* What a FILE * printer wrote, as a string. */
static char *
print_to_string (gboolean (*print) (AmapStore *, FILE *, GError **),
                 AmapStore *store)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);

  g_assert_nonnull (out);
  g_assert_true (print (store, out, &error));
  g_assert_no_error (error);
  fclose (out);

  return text;
}

/* The --list of before the streaming: every asset loaded, then printed. */
static gboolean
list_all_at_once (AmapStore  *store,
                  FILE       *out,
                  GError    **error)
{
  g_autoptr(GPtrArray) assets = amap_store_list_assets (store, error);

  return assets != NULL &&
         amap_cli_print_lines (assets, (AmapCliFormatFunc) amap_cli_format_asset, out, error);
}

/* The streaming --list prints what the list of all the assets loaded at
 * once printed, line for line in the same order: names that sort
 * differently by bytes and by the locale, equal names (storage order),
 * deleted assets (left out) and assets without a location. */
static void
test_list_streams (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const names[] = {
    "Zoë's Bakery", "zebra crossing", "Élan Dance", "elan dance", "Ærø Club",
    "Café Luna", "café luna", "中文书店", "مسجد العربية", "Ñandú Park",
    "Tab\tand\nnewline", "Café Luna", "Oak Street Clinic", "Ōsaka Market",
    /* ASCII names take a shorter way to their sort key (one is too long
     * for it): mixed case, equal when casefolded. */
    "APPLE Orchard", "apple orchard", "Bay Bridge", "apple Orchard", "bay bridge ",
    "Deleted Dock", "Zebra", "aPPle", "OAK STREET CLINIC AND A NAME LONGER THAN THE BUFFER OF THE SHORT WAY "
    "TO A SORT KEY, WHICH TAKES ONE HUNDRED AND TWENTY-SEVEN BYTES AT MOST", "oak street clinic",
  };
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_locale = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *expected = NULL;
  g_autofree char *streamed = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "--database", fixture->path, "--list", NULL };
  guint n_live = 0;
  int status = -1;

  /* The locale the binary runs in (see run_binary()). */
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("no C.UTF-8 locale");
      return;
    }

  store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      static const char * const categories[] = { "business", "faith", "park", "other" };
      gboolean located = i % 4 != 2;
      g_autofree char *uuid = add_asset (store, names[i], categories[i % 4],
                                         located ? 37.5 + i * 0.01 : NAN,
                                         located ? -122.25 - i * 0.01 : NAN);

      /* Every fifth goes; "Café Luna" keeps one of its twins. */
      if (i % 5 == 4)
        {
          amap_store_delete_asset (store, uuid, &error);
          g_assert_no_error (error);
        }
      else
        n_live++;
    }

  expected = print_to_string (list_all_at_once, store);
  streamed = print_to_string (amap_cli_list, store);
  g_assert_cmpstr (streamed, ==, expected);

  /* What the expectation says, so that it is not empty or trivially equal. */
  lines = g_strsplit (expected, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n_live + 1);
  g_assert_cmpstr (lines[n_live], ==, "");
  g_assert_null (strstr (expected, "Ærø Club"));  /* deleted */
  g_assert_nonnull (strstr (expected, "\tÉlan Dance\tpark\t\t\n"));  /* no location */
  g_assert_nonnull (strstr (expected, "\tTab and newline\t"));
  /* Casefolded, not by bytes; equal names in the order they were added. */
  g_assert_true (strstr (expected, "\tzebra crossing\t") < strstr (expected, "\tZoë's Bakery\t"));
  g_assert_true (strstr (expected, "\tCafé Luna\tfaith\t") < strstr (expected, "\tcafé luna\tpark\t"));
  g_assert_true (strstr (expected, "\tcafé luna\tpark\t") < strstr (expected, "\tCafé Luna\tother\t"));
  g_assert_true (strstr (expected, "\taPPle\t") < strstr (expected, "\tapple orchard\t"));
  g_assert_true (strstr (expected, "\tapple orchard\t") < strstr (expected, "\tapple Orchard\t"));
  g_assert_true (strstr (expected, "\tBay Bridge\t") < strstr (expected, "\tOak Street Clinic\t"));
  g_assert_true (strstr (expected, "\tOak Street Clinic\t") < strstr (expected, "\toak street clinic\t"));
  g_assert_true (strstr (expected, "\toak street clinic\t") < strstr (expected, "\tOAK STREET CLINIC AND"));
  g_assert_true (strstr (expected, "\tOAK STREET CLINIC AND") < strstr (expected, "\tZebra\t"));
  g_clear_object (&store);

  setlocale (LC_ALL, old_locale);

  /* And the binary prints the same. */
  if (!test_util_run_binary (args, &out, &err, &status))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_format_asset (void)
{
  g_autoptr(AmapAsset) asset = amap_asset_new ("Iglesia\tSan José");
  g_autofree char *line = NULL;
  g_autofree char *unlocated = NULL;

  amap_asset_set_uuid (asset, "11111111-2222-3333-4444-555555555555");
  amap_asset_set_category (asset, "faith");
  amap_asset_set_location (asset, 37.77, -122.2);
  line = amap_cli_format_asset (asset);
  g_assert_cmpstr (line, ==, "11111111-2222-3333-4444-555555555555\tIglesia San José\tfaith\t37.7700000\t-122.2000000");

  amap_asset_clear_location (asset);
  unlocated = amap_cli_format_asset (asset);
  g_assert_cmpstr (unlocated, ==, "11111111-2222-3333-4444-555555555555\tIglesia San José\tfaith\t\t");
}

/* The --list's coordinates are those of g_ascii_formatd (buf, len, "%.7f"),
 * byte for byte: anywhere on the globe, next to where a digit rounds
 * (both sides of each half), at exact halves (which round to even),
 * signed zeros, tiny and huge values, infinities and NaN. */
static void
check_coordinate (double value)
{
  char expected[G_ASCII_DTOSTR_BUF_SIZE];
  char got[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (expected, sizeof expected, "%.7f", value);
  amap_cli_format_coordinate (got, value);
  if (strcmp (got, expected) != 0)
    g_error ("%.17g: “%s”, expected “%s”", value, got, expected);
}

static void
test_format_coordinate (void)
{
  static const double special[] = {
    0.0, -0.0, 1e-300, -1e-300, 4.9e-324, -4.9e-324, 0.5e-7, -0.5e-7, 0.49999999e-7,
    1.5e-7, 2.5e-7, 0.00390625, -0.00390625, 0.01171875, 180.0, -180.0, 90.0, 37.7749295,
    -122.4194155, 8589934591.99999, 8589934592.0, 1e12, -1e20, 1e300,
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    check_coordinate (special[i]);
  check_coordinate (INFINITY);
  check_coordinate (-INFINITY);
  check_coordinate (NAN);

  for (guint i = 0; i < 200000; i++)
    check_coordinate (g_rand_double_range (rand, -180, 180));

  /* Around the halves between two seventh decimals, and on them: the
   * exact halves are odd multiples of 2^-8 and smaller powers. */
  for (guint i = 0; i < 20000; i++)
    {
      double units = floor (g_rand_double_range (rand, -1.8e9, 1.8e9)) + 0.5;
      double half = units / 1e7;

      check_coordinate (half);
      check_coordinate (nextafter (half, INFINITY));
      check_coordinate (nextafter (half, -INFINITY));
      check_coordinate (ldexp ((double) (2 * g_rand_int_range (rand, -1048576, 1048576) + 1),
                               -g_rand_int_range (rand, 8, 40)));
    }
}

static void
test_version (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = g_strdup_printf ("asset-map %s\n", PACKAGE_VERSION);
  const char *args[] = { "--version", NULL };
  int status = -1;

  if (!test_util_run_binary (args, &out, &err, &status))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  data)
{
  const char contents[] = "Meeting notes, not a map.\nPastor Ruiz: call Tuesday.\n\x01\x02\x03";
  const char *list_args[] = { "--database", fixture->path, "--list", NULL };
  const char *gui_args[] = { "--database", fixture->path, NULL };
  const char * const *runs[] = { list_args, gui_args };
  g_autoptr(GError) error = NULL;

  g_file_set_contents (fixture->path, contents, sizeof contents - 1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *after = NULL;
      gsize length = 0;
      int status = -1;

      if (!test_util_run_binary (runs[i], &out, &err, &status))
        {
          g_test_skip ("AMAP_BINARY is not set or not built");
          return;
        }

      /* A sentence naming the file, on stderr; nothing on stdout. */
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "asset-map: Could not open “"));
      g_assert_nonnull (strstr (err, "test.assetmap"));
      g_assert_true (g_str_has_suffix (err, "\n"));
      g_assert_cmpuint (strlen (err), >, strlen ("asset-map: Could not open “”: \n") + strlen (fixture->path));

      /* The file is untouched and nothing was created beside it. */
      g_file_get_contents (fixture->path, &after, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (after, length, contents, sizeof contents - 1);
    }
}

static void
test_import_export (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *srcdir = g_strdup (g_getenv ("G_TEST_SRCDIR"));
  g_autofree char *sample = NULL;
  g_autofree char *exported = g_build_filename (fixture->dir, "out.kml", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.kml", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *kml = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (srcdir == NULL)
    {
      g_test_skip ("G_TEST_SRCDIR is not set");
      return;
    }
  sample = g_build_filename (srcdir, "..", "data", "samples", "fruitvale.kml", NULL);
  if (!g_file_test (sample, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The sample neighborhood is missing");
      return;
    }

  {
    const char *args[] = { "--database", fixture->path, "--import", sample, NULL };

    if (!test_util_run_binary (args, &out, &err, &status))
      {
        g_test_skip ("AMAP_BINARY is not set or not built");
        return;
      }
    g_assert_cmpint (status, ==, 0);
    /* The report names the file. */
    g_assert_nonnull (strstr (out, "fruitvale.kml"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *args[] = { "--database", fixture->path, "--list", NULL };

    test_util_run_binary (args, &listing, &err, &status);
    g_assert_cmpint (status, ==, 0);
    lines = sorted_lines (listing);
    g_assert_cmpuint (lines->len, ==, 18);
    g_assert_nonnull (strstr (listing, "\tFruitvale Community Elementary\teducation\t37.7772000\t-122.2236000\n"));
    g_clear_pointer (&err, g_free);
  }

  /* For others by default: a key leader's phone and email and the log are
   * left out, and one line says so. */
  {
    const char *args[] = { "--database", fixture->path, "--export", exported, NULL };

    test_util_run_binary (args, &out, &err, &status);
    g_assert_cmpint (status, ==, 0);
    g_file_get_contents (exported, &kml, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (kml, "Fruitvale Community Elementary"));
    g_assert_null (strstr (kml, "(510) 555-0131"));
    g_assert_null (strstr (kml, "luz@example.org"));
    g_assert_null (strstr (kml, "Walked in during the morning rush"));
    g_assert_nonnull (strstr (out, "out.kml: key leaders’ contact details and the visit log were left out"));
    g_assert_nonnull (strstr (out, "--include-private"));
    /* One line. */
    g_assert_true (strchr (out, '\n') == out + strlen (out) - 1);
    g_clear_pointer (&kml, g_free);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *args[] = { "--database", fixture->path, "--export", exported, "--include-private", NULL };

    test_util_run_binary (args, &out, &err, &status);
    g_assert_cmpint (status, ==, 0);
    g_file_get_contents (exported, &kml, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (kml, "(510) 555-0131"));
    g_assert_nonnull (strstr (kml, "luz@example.org"));
    g_assert_nonnull (strstr (kml, "Walked in during the morning rush"));
    g_assert_cmpstr (out, ==, "");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Not over the map itself. */
  {
    const char *args[] = { "--database", fixture->path, "--export", fixture->path, "--list", NULL };
    g_autoptr(GBytes) before = NULL;
    g_autoptr(GBytes) after = NULL;
    char *contents = NULL;
    gsize length = 0;

    g_file_get_contents (fixture->path, &contents, &length, &error);
    before = g_bytes_new_take (contents, length);
    test_util_run_binary (args, &out, &err, &status);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "is a map in use"));
    g_file_get_contents (fixture->path, &contents, &length, &error);
    after = g_bytes_new_take (contents, length);
    g_assert_true (g_bytes_equal (before, after));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *args[] = { "--database", fixture->path, "--import", missing, NULL };

    test_util_run_binary (args, &out, &err, &status);
    g_assert_cmpint (status, ==, 1);
    g_assert_true (g_str_has_prefix (err, "asset-map: Could not import “"));
    g_assert_nonnull (strstr (err, "missing.kml"));
  }
}

/* The commands that only read a map never make one: a missing path (in a
 * missing folder too) says so, and nothing is created. */
static void
test_no_such_map (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (fixture->dir, "not-there", NULL);
  g_autofree char *missing = g_build_filename (folder, "school.assetmap", NULL);
  g_autofree char *exported = g_build_filename (fixture->dir, "out.kml", NULL);
  g_autofree char *backup = g_build_filename (fixture->dir, "copy.assetmap", NULL);
  const char *list_args[] = { "--database", missing, "--list", NULL };
  const char *export_args[] = { "--database", missing, "--export", exported, NULL };
  const char *backup_args[] = { "--database", missing, "--backup", backup, NULL };
  const char * const *runs[] = { list_args, export_args, backup_args };

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = -1;

      if (!test_util_run_binary (runs[i], &out, &err, &status))
        {
          g_test_skip ("AMAP_BINARY is not set or not built");
          return;
        }

      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, "There is no map at “"));
      g_assert_nonnull (strstr (err, "school.assetmap"));
      g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (exported, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));
    }
}

/* --backup while the map is open (and written) in this process: a whole,
 * checked copy that needs no -wal. */
static void
test_backup (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (fixture->dir, "copy.assetmap", NULL);
  g_autofree char *backup_wal = g_strconcat (backup, "-wal", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *header = NULL;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(AmapStore) copy = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--database", fixture->path, "--backup", backup, NULL };
  int status = -1;
  gsize length = 0;

  store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("Place %u", i);

      g_free (add_asset (store, name, "business", 41 + i * 0.001, -87));
    }

  if (!test_util_run_binary (args, &out, &err, &status))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);

  /* A rollback-journal file: bytes 18 and 19 of the header are 1. */
  g_assert_false (g_file_test (backup_wal, G_FILE_TEST_EXISTS));
  g_file_get_contents (backup, &header, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 100);
  g_assert_cmpint (header[18], ==, 1);
  g_assert_cmpint (header[19], ==, 1);

  /* The window goes on writing its map. */
  g_free (add_asset (store, "After the backup", "business", 40, -80));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 201);

  copy = amap_store_open_existing (backup, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (copy), ==, 200);
  g_clear_object (&copy);

  /* The backup may not replace a map in use. */
  {
    const char *onto_itself[] = { "--database", backup, "--backup", fixture->path, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    /* From another process, which sees the map's -wal. */
    test_util_run_binary (onto_itself, &out, &err, &status);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "is a map in use"));
    g_assert_cmpuint (amap_store_count_assets (store), ==, 201);
    g_free (add_asset (store, "Still writing", "business", 40, -81));

    /* From this one. */
    g_assert_false (amap_store_backup_file (backup, fixture->path, NULL, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
    g_clear_error (&error);
  }
  g_clear_object (&store);
  store = amap_store_open_existing (fixture->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 202);
}

static guint32
png_pixel (const char *path,
           int         x,
           int         y,
           int        *width,
           int        *height)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  guint32 value;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  *width = cairo_image_surface_get_width (surface);
  *height = cairo_image_surface_get_height (surface);
  cairo_surface_flush (surface);
  value = ((guint32 *) (void *) (cairo_image_surface_get_data (surface)
                                 + (gsize) y * cairo_image_surface_get_stride (surface)))[x];
  cairo_surface_destroy (surface);

  return value & 0xffffff;
}

/* --export-png: the size asked for (1600x1000 unless told), the area of
 * --bbox with the tiles of --mbtiles; a size or an area that is not one,
 * and a missing MBTiles file, each said in one sentence. */
static void
test_export_png (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (fixture->dir, "map.png", NULL);
  g_autofree char *tiles = g_build_filename (fixture->dir, "world.mbtiles", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.mbtiles", NULL);
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  int status = -1, width = 0, height = 0;

  store = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);

  /* Nothing located yet: nothing to frame, and the way out is said. */
  {
    const char *args[] = { "--database", fixture->path, "--export-png", png, NULL };
    g_autofree char *out = NULL, *err = NULL;

    if (!test_util_run_binary (args, &out, &err, &status))
      {
        g_test_skip ("AMAP_BINARY is not set or not built");
        return;
      }
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "--bbox"));
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }

  a = add_asset (store, "Café Luna", "business", 37.7749, -122.2194);
  b = add_asset (store, "Library", "library-arts", 37.7760, -122.2230);
  c = add_asset (store, "Garden", "park", 37.7731, -122.2270);
  g_clear_object (&store);
  mbtiles_fixture_write (tiles, "png", TRUE);

  {
    const char *args[] = { "--database", fixture->path, "--export-png", png, NULL };
    g_autofree char *out = NULL, *err = NULL;

    if (!test_util_run_binary (args, &out, &err, &status))
      {
        g_test_skip ("AMAP_BINARY is not set or not built");
        return;
      }
    g_assert_cmpstr (err, ==, "");
    g_assert_cmpint (status, ==, 0);
    /* No tiles in the isolated cache: the background in a corner. */
    g_assert_cmphex (png_pixel (png, 40, 40, &width, &height), ==, 0xf3f1ec);
    g_assert_cmpint (width, ==, 1600);
    g_assert_cmpint (height, ==, 1000);
  }

  /* The zoom 2 tile at x 1, y 1 (west -90..0, north 0..66.51) in the
   * 256 pixels of a zoom 2 tile: the fixture's color for it; the assets
   * are far from there. */
  {
    const char *args[] = { "--database", fixture->path, "--export-png", png, "--size", "256x256",
                           "--bbox", "-90,0,0,66.51326044311186", "--mbtiles", tiles, NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_true (test_util_run_binary (args, &out, &err, &status));
    g_assert_cmpstr (err, ==, "");
    g_assert_cmpint (status, ==, 0);
    g_assert_cmphex (png_pixel (png, 128, 128, &width, &height), ==, mbtiles_fixture_color (2, 1, 1));
    g_assert_cmphex (png_pixel (png, 230, 20, &width, &height), ==, mbtiles_fixture_color (2, 1, 1));
    g_assert_cmpint (width, ==, 256);
    g_assert_cmpint (height, ==, 256);
  }

  {
    const char *sizes[] = { "1600", "0x100", "20000x100", "axb", "100x100x", NULL };

    for (guint i = 0; sizes[i] != NULL; i++)
      {
        const char *args[] = { "--database", fixture->path, "--export-png", png,
                               "--size", sizes[i], NULL };
        g_autofree char *out = NULL, *err = NULL;

        g_assert_true (test_util_run_binary (args, &out, &err, &status));
        g_assert_cmpint (status, ==, 1);
        g_assert_nonnull (strstr (err, "is not a size"));
        g_assert_nonnull (strstr (err, "map.png"));
      }
  }

  {
    const char *boxes[] = { "1,2,3", "10,0,-10,5", "a,b,c,d", "-200,0,0,10", NULL };

    for (guint i = 0; boxes[i] != NULL; i++)
      {
        const char *args[] = { "--database", fixture->path, "--export-png", png,
                               "--bbox", boxes[i], NULL };
        g_autofree char *out = NULL, *err = NULL;

        g_assert_true (test_util_run_binary (args, &out, &err, &status));
        g_assert_cmpint (status, ==, 1);
        g_assert_nonnull (strstr (err, "is not an area"));
      }
  }

  /* Vector tiles: said, and nothing written. */
  {
    g_autofree char *vector = g_build_filename (fixture->dir, "vector.mbtiles", NULL);
    g_autofree char *other = g_build_filename (fixture->dir, "vector.png", NULL);
    const char *args[] = { "--database", fixture->path, "--export-png", other,
                           "--mbtiles", vector, NULL };
    g_autofree char *out = NULL, *err = NULL;

    mbtiles_fixture_write (vector, "pbf", TRUE);
    g_assert_true (test_util_run_binary (args, &out, &err, &status));
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "vector tiles"));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }

  {
    const char *args[] = { "--database", fixture->path, "--export-png", png,
                           "--mbtiles", missing, NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_true (test_util_run_binary (args, &out, &err, &status));
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "missing.mbtiles"));
  }

}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/format-asset", test_format_asset);
  g_test_add_func ("/cli/format-coordinate", test_format_coordinate);
  g_test_add ("/cli/list-non-ascii", Fixture, NULL, fixture_setup, test_list_non_ascii, fixture_teardown);
  g_test_add ("/cli/list-streams", Fixture, NULL, fixture_setup, test_list_streams, fixture_teardown);
  g_test_add ("/cli/version", Fixture, NULL, fixture_setup, test_version, fixture_teardown);
  g_test_add ("/cli/import-export", Fixture, NULL, fixture_setup, test_import_export, fixture_teardown);
  g_test_add ("/cli/no-such-map", Fixture, NULL, fixture_setup, test_no_such_map, fixture_teardown);
  g_test_add ("/cli/backup", Fixture, NULL, fixture_setup, test_backup, fixture_teardown);
  g_test_add ("/cli/not-a-database", Fixture, NULL, fixture_setup, test_not_a_database, fixture_teardown);
  g_test_add ("/cli/export-png", Fixture, NULL, fixture_setup, test_export_png, fixture_teardown);

  return g_test_run ();
}
