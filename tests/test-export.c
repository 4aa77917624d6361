/* test-export.c: exporting a map to .kml/.kmz, and the round trip through
 * our own import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <malloc.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "amap-error.h"
#include "amap-export.h"
#include "amap-import.h"
#include "amap-store.h"
#include "writer-fixtures.h"

#define TITLE "Lincoln Elementary & <friends> ]]> — 北京 — مدرسة"

typedef struct
{
  char      *dir;
  AmapStore *store;
  GPtrArray *stored;  /* AmapAsset, as the store lists them */
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_chmod (path, 0755);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static AmapStore *
open_store (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  AmapStore *store = amap_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) assets = fixture_store_assets_new ();
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-export-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->store = open_store (fixture->dir, "map" AMAP_STORE_SUFFIX);
  g_assert_true (amap_store_set_title (fixture->store, TITLE, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < assets->len; i++)
    {
      g_assert_true (amap_store_add_asset (fixture->store, g_ptr_array_index (assets, i), &error));
      g_assert_no_error (error);
    }

  fixture->stored = amap_store_list_assets (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->stored->len, ==, assets->len);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->stored, g_ptr_array_unref);
  g_clear_object (&fixture->store);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
export_path (Fixture    *fixture,
             const char *name,
             GPtrArray  *assets)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (amap_export_file (fixture->store, assets, file, NULL, &error));
  g_assert_no_error (error);

  return path;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = haystack; (p = strstr (p, needle)) != NULL; p++)
    n++;

  return n;
}

/* Only our files: the export leaves no temporary file behind. */
static void
assert_dir_holds (const char         *dir_path,
                  const char * const *names)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      /* The store's own companions (WAL, shared memory) are fine. */
      if (g_str_has_prefix (name, "map" AMAP_STORE_SUFFIX) || g_str_has_prefix (name, "copy" AMAP_STORE_SUFFIX))
        continue;
      if (!g_strv_contains (names, name))
        g_error ("Unexpected file “%s” in %s", name, dir_path);
    }
}

static void
test_kml (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autofree char *path = export_path (fixture, "map.kml", NULL);
  g_autofree char *again = export_path (fixture, "again.kml", NULL);
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GBytes) bytes_again = read_bytes (again);
  g_autoptr(GPtrArray) features = NULL;
  const char *text = g_bytes_get_data (bytes, NULL);
  const char * const names[] = { "map.kml", "again.kml", NULL };

  fixture_assert_validates (path);

  /* The whole map, named after it, and nothing that changes between two
   * exports. */
  g_assert_cmpuint (count (text, "<Placemark "), ==, fixture->stored->len);
  g_assert_nonnull (strstr (text, "<name>Lincoln Elementary &amp; &lt;friends&gt; ]]&gt;"));
  g_assert_true (g_bytes_equal (bytes, bytes_again));

  assert_dir_holds (fixture->dir, names);

  if (fixture_have_program ("ogrinfo"))
    {
      features = fixture_ogrinfo_features (path);
      g_assert_cmpuint (features->len, ==, fixture->stored->len);
    }
}

static void
test_kmz (Fixture       *fixture,
          gconstpointer  user_data)
{
  /* The suffix decides, in any case. */
  g_autofree char *path = export_path (fixture, "Map.KMZ", NULL);
  g_autofree char *again = export_path (fixture, "again.kmz", NULL);
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GBytes) bytes_again = read_bytes (again);
  struct archive *archive = archive_read_new ();
  struct archive_entry *entry;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_bytes_equal (bytes, bytes_again));

  archive_read_support_format_zip (archive);
  g_assert_cmpint (archive_read_open_memory (archive, g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes)), ==, ARCHIVE_OK);
  while (archive_read_next_header (archive, &entry) == ARCHIVE_OK)
    {
      g_ptr_array_add (names, g_strdup (archive_entry_pathname (entry)));
      archive_read_data_skip (archive);
    }
  archive_read_free (archive);

  /* doc.kml, then one icon per category in use (business, faith,
   * nonprofit, park). */
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "doc.kml");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "files/business.png");
  g_assert_cmpstr (g_ptr_array_index (names, 4), ==, "files/park.png");

  if (fixture_have_program ("ogrinfo"))
    {
      g_autoptr(GPtrArray) features = fixture_ogrinfo_features (path);

      g_assert_cmpuint (features->len, ==, fixture->stored->len);
    }
}

/* The filtered list or the selection: only those. */
static void
test_subset (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GPtrArray) some = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *text;

  g_ptr_array_add (some, g_ptr_array_index (fixture->stored, 0));
  g_ptr_array_add (some, g_ptr_array_index (fixture->stored, 2));
  path = export_path (fixture, "some.kml", some);
  bytes = read_bytes (path);
  text = g_bytes_get_data (bytes, NULL);

  g_assert_cmpuint (count (text, "<Placemark "), ==, 2);
  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (fixture->stored, i);
      g_autofree char *id = g_strdup_printf ("id=\"asset-%s\"", amap_asset_get_uuid (asset));

      if (i == 0 || i == 2)
        g_assert_nonnull (strstr (text, id));
      else
        g_assert_null (strstr (text, id));
    }
  fixture_assert_validates (path);
}

static void
write_precious (const char *path)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "precious bytes\n", -1, &error);
  g_assert_no_error (error);
}

static void
assert_precious (const char *path)
{
  g_autoptr(GBytes) bytes = read_bytes (path);

  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "precious bytes\n", strlen ("precious bytes\n"));
}

static void
test_cancelled_keeps_file (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *names[] = { "map.kml", "map.kmz", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;

      write_precious (path);
      g_cancellable_cancel (cancellable);
      g_assert_false (amap_export_file (fixture->store, NULL, file, cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      assert_precious (path);
    }

  assert_dir_holds (fixture->dir, names);
}

static void
on_export_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  g_assert_true (AMAP_IS_STORE (source));
  amap_export_file_finish (result, error);
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "success");
}

static GError *
export_async (Fixture      *fixture,
              GPtrArray    *assets,
              GFile        *file,
              GCancellable *cancellable)
{
  GError *error = NULL;

  amap_export_file_async (fixture->store, assets, file, AMAP_EXPORT_FULL, cancellable, on_export_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* on_export_done turns success into G_IO_ERROR_EXISTS "success" */
  return error;
}

static void
test_async (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *sync_path = export_path (fixture, "sync.kml", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "async.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) sync_bytes = NULL;
  g_autoptr(GBytes) async_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func (g_object_unref);

  /* The caller's assets may change once the call returned: the export
   * works on copies. */
  for (guint i = 0; i < fixture->stored->len; i++)
    g_ptr_array_add (copy, amap_asset_copy (g_ptr_array_index (fixture->stored, i)));

  amap_export_file_async (fixture->store, copy, file, AMAP_EXPORT_FULL, NULL, on_export_done, &error);
  amap_asset_set_name (g_ptr_array_index (copy, 0), "Renamed too late");
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  sync_bytes = read_bytes (sync_path);
  async_bytes = read_bytes (path);
  g_assert_true (g_bytes_equal (sync_bytes, async_bytes));

  /* Cancelled: the earlier file stays as it was. */
  write_precious (path);
  g_cancellable_cancel (cancellable);
  error = export_async (fixture, NULL, file, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_precious (path);
}

static void fill_store (AmapStore *store,
                        guint      n);

/* The bytes malloc() holds now, in every thread's arena. */
static gsize
heap_in_use (void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

/* The window's export of the whole map reads it on the worker thread, a
 * few assets at a time, instead of a copy of every asset made before the
 * call returns; it still exports the map as it was at the call, whatever
 * changes meanwhile. */
static void
test_async_streams (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const guint n_filled = 10000;
  g_autofree char *path = g_build_filename (fixture->dir, "streamed.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AmapAsset) renamed = NULL;
  g_autoptr(AmapAsset) deleted = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint n_assets;
  gsize before, after;

  fill_store (fixture->store, n_filled);
  n_assets = amap_store_count_assets (fixture->store);
  renamed = g_object_ref (g_ptr_array_index (fixture->stored, 0));
  deleted = g_object_ref (g_ptr_array_index (fixture->stored, 1));

  before = heap_in_use ();
  amap_export_file_async (fixture->store, NULL, file, AMAP_EXPORT_FULL, NULL, on_export_done, &error);
  after = heap_in_use ();
  /* A copy of each asset would be more than 700 bytes (its description
   * alone is 300); the worker's chunks and page cache, should it be that
   * far already, are 4 MiB whatever the size of the map. */
  if (after > before)
    {
      g_test_message ("The call holds %zu bytes more", after - before);
      g_assert_cmpuint (after - before, <, n_filled * 500);
    }

  amap_asset_set_name (renamed, "Renamed after the call");
  g_assert_true (amap_store_update_asset (fixture->store, renamed, NULL));
  g_assert_true (amap_store_delete_asset (fixture->store, amap_asset_get_uuid (deleted), NULL));

  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);

  bytes = read_bytes (path);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpuint (count (text, "<Placemark "), ==, n_assets);
  g_assert_null (strstr (text, "Renamed after the call"));
  g_assert_nonnull (strstr (text, amap_asset_get_uuid (deleted)));
}

/* Replacing a file keeps its permissions (contacts are personal data). */
static void
test_keeps_permissions (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "private.kml", NULL);
  g_autofree char *exported = NULL;
  GStatBuf st;

  write_precious (path);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  exported = export_path (fixture, "private.kml", NULL);
  g_assert_cmpint (g_stat (exported, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  fixture_assert_validates (exported);
}

static void
test_unwritable_directory (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *sub = g_build_filename (fixture->dir, "locked", NULL);
  g_autofree char *path = g_build_filename (sub, "map.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  const char * const names[] = { "map.kml", NULL };

  if (geteuid () == 0)
    {
      g_test_skip ("Running as root: permissions do not stop writes");
      return;
    }

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  write_precious (path);
  g_assert_cmpint (g_chmod (sub, 0555), ==, 0);

  g_assert_false (amap_export_file (fixture->store, NULL, file, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_IO);
  /* The message names the file. */
  g_assert_nonnull (strstr (error->message, "map.kml"));

  g_chmod (sub, 0755);
  assert_precious (path);
  assert_dir_holds (sub, names);
}

/* A target that cannot be replaced (a directory of that name) fails and
 * leaves no temporary file. Works for root too. */
static void
test_failed_move (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "taken.kml", NULL);
  g_autofree char *inside = g_build_filename (path, "keep.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  const char * const names[] = { "taken.kml", NULL };

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  write_precious (inside);

  g_assert_false (amap_export_file (fixture->store, NULL, file, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_IO);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  assert_precious (inside);
  assert_dir_holds (fixture->dir, names);
}

/* Export faults: the temporary file, killed exports, a full disk */

/* Enough assets for an export to take a while (about half a second). */
static void
fill_store (AmapStore *store,
            guint      n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = g_strnfill (300, 'n');
  guint first = amap_store_count_assets (store);
  AmapStoreBatch *batch = amap_store_batch_begin (store, &error);

  g_assert_no_error (error);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Place %u", i);
      g_autoptr(AmapAsset) asset = amap_asset_new (name);

      amap_asset_set_location (asset, 37.0 + (i / 1000) * 0.001, -122.0 + (i % 1000) * 0.001);
      amap_asset_set_description (asset, notes);
      amap_asset_set_extra (asset, "Row", name);
      g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
}

/* The names in @dir other than the map's files and @keep. */
static GPtrArray *
list_others (const char         *dir_path,
             const char * const *keep)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (!g_str_has_prefix (name, "map" AMAP_STORE_SUFFIX) && !g_strv_contains (keep, name))
      g_ptr_array_add (names, g_strdup (name));
  return names;
}

static gboolean
is_our_temporary (const char *name,
                  const char *target)
{
  g_autofree char *prefix = g_strdup_printf (".%s.assetmap-export-", target);

  return g_str_has_prefix (name, prefix);
}

/* (a) While an export into a 0600 file runs, its temporary file is never
 * readable by others; it is named as ours; a new file gets the mode the
 * umask gives. */
static void
test_temporary_mode (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "private.kml", NULL);
  g_autofree char *fresh = g_build_filename (fixture->dir, "fresh.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) fresh_file = g_file_new_for_path (fresh);
  const char * const keep[] = { "private.kml", NULL };
  g_autoptr(GError) error = NULL;
  guint n_seen = 0;
  mode_t old_umask;
  GStatBuf st;

  fill_store (fixture->store, 5000);
  write_precious (path);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  amap_export_file_async (fixture->store, NULL, file, AMAP_EXPORT_FULL, NULL, on_export_done, &error);
  while (error == NULL)
    {
      g_autoptr(GPtrArray) others = list_others (fixture->dir, keep);

      for (guint i = 0; i < others->len; i++)
        {
          const char *name = g_ptr_array_index (others, i);
          g_autofree char *other = g_build_filename (fixture->dir, name, NULL);

          if (g_stat (other, &st) != 0)
            continue;  /* just renamed into place */
          n_seen++;
          if ((st.st_mode & 0077) != 0)
            g_error ("the temporary file %s has mode %o while the target has 0600",
                     name, st.st_mode & 0777);
          g_assert_true (is_our_temporary (name, "private.kml"));
        }
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);  /* success */
  g_clear_error (&error);
  g_test_message ("saw the temporary file %u times", n_seen);
  g_assert_cmpuint (n_seen, >, 0);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_dir_holds (fixture->dir, keep);

  /* A new file: what the umask allows. */
  old_umask = umask (027);
  g_assert_true (amap_export_file (fixture->store, NULL, fresh_file, NULL, &error));
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (fresh, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
}

static const char *
binary_or_skip (void)
{
  const char *binary = g_getenv ("AMAP_BINARY");

  if (binary == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return NULL;
    }
  return binary;
}

static GPid
spawn_export (const char *binary,
              const char *map,
              const char *target)
{
  /* The full export, the bytes amap_export_file() writes. */
  const char *argv[] = { binary, "--database", map, "--export", target, "--include-private", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **) argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static int
wait_for (GPid pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);
  return status;
}

/* (b) Exports killed at ten seeded random moments: the earlier file is
 * byte-identical after each, at most one stale temporary file of ours is
 * there, and the next export removes it. */
static void
test_killed_exports (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *binary = binary_or_skip ();
  g_autofree char *map = g_build_filename (fixture->dir, "map" AMAP_STORE_SUFFIX, NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "out.kml", NULL);
  g_autofree char *timed = g_build_filename (fixture->dir, "timed.kml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261201);
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GError) error = NULL;
  const char * const keep[] = { "out.kml", "timed.kml", NULL };
  gint64 start, duration;
  guint n_left = 0;

  if (binary == NULL)
    return;

  /* A map big enough that an export takes a while (about half a second
   * here; fewer assets under a sanitizer, which is slower), timed start-up
   * included. */
  for (guint n = 4000;; n *= 2)
    {
      fill_store (fixture->store, n - amap_store_count_assets (fixture->store));
      start = g_get_monotonic_time ();
      g_assert_true (WIFEXITED (wait_for (spawn_export (binary, map, timed))));
      duration = g_get_monotonic_time () - start;
      g_test_message ("an export of %u assets takes %.2f s", n, duration / 1e6);
      if (duration >= G_USEC_PER_SEC * 2 / 5 || n >= 64000)
        break;
    }

  g_assert_true (amap_export_file (fixture->store, NULL, file, NULL, &error));
  g_assert_no_error (error);
  before = read_bytes (path);

  for (guint i = 0; i < 10; i++)
    {
      GPid pid = spawn_export (binary, map, path);
      gint64 delay = g_rand_int_range (rand, 0, (gint32) MIN (duration, G_MAXINT32));
      g_autoptr(GBytes) after = NULL;
      int status;

      g_usleep (delay);
      kill (pid, SIGKILL);
      status = wait_for (pid);
      g_spawn_close_pid (pid);

      after = read_bytes (path);
      g_assert_true (g_bytes_equal (before, after));

      g_clear_pointer (&others, g_ptr_array_unref);
      others = list_others (fixture->dir, keep);
      g_test_message ("kill %u after %.3f s (%s): %u other files", i, delay / 1e6,
                      WIFSIGNALED (status) ? "killed" : "had finished", others->len);
      g_assert_cmpuint (others->len, <=, 1);
      for (guint j = 0; j < others->len; j++)
        g_assert_true (is_our_temporary (g_ptr_array_index (others, j), "out.kml"));
      n_left += others->len;
    }
  /* Some kill came while a temporary file existed (else this test tried
   * nothing). */
  g_assert_cmpuint (n_left, >, 0);

  /* The next export removes what the last killed one left. */
  g_assert_true (amap_export_file (fixture->store, NULL, file, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&others, g_ptr_array_unref);
  others = list_others (fixture->dir, keep);
  g_assert_cmpuint (others->len, ==, 0);
}

static void
limit_file_size (gpointer user_data)
{
  struct rlimit limit = { 256 * 1024, 256 * 1024 };

  /* A write past the limit then fails with EFBIG, as on a full disk,
   * instead of killing the process. */
  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* (c) No room for the export: one sentence naming the file, nothing from
 * libxml2 on stderr, the earlier file unchanged and no temporary file. */
static void
test_disk_full (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *binary = binary_or_skip ();
  g_autofree char *map = g_build_filename (fixture->dir, "map" AMAP_STORE_SUFFIX, NULL);
  const char *names[] = { "full.kml", "full.kmz" };

  if (binary == NULL)
    return;

  fill_store (fixture->store, 5000);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);
      const char *argv[] = { binary, "--database", map, "--export", path, NULL };
      const char * const keep[] = { names[i], NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) lines = NULL;
      int status = 0;

      write_precious (path);
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, limit_file_size, NULL,
                    &out, &err, &status, &error);
      g_assert_no_error (error);
      g_test_message ("stderr: %s", err);

      g_assert_false (g_spawn_check_wait_status (status, NULL));
      lines = g_strsplit (g_strchomp (err), "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 1);
      g_assert_null (strstr (err, "I/O error"));
      g_assert_nonnull (strstr (err, names[i]));
      g_assert_nonnull (strstr (err, "larger than this disk allows"));
      /* The caller's "Could not export to" is said once. */
      g_assert_null (strstr (strstr (err, "Could not export to") + 1, "Could not export to"));

      assert_precious (path);
      assert_dir_holds (fixture->dir, keep);
      g_unlink (path);
    }
}

/* A full disk for real: a 256 KB tmpfs mounted in a private mount
 * namespace (unshare -rm: as root, or in a user namespace where the system
 * allows one), with the export run inside it. Skipped where mounting is not
 * allowed. */
static void
test_disk_full_tmpfs (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char script[] =
    "dir=$1 map=$2 err=$3 bin=$4 list=$5 name=$6\n"
    "mount -t tmpfs -o size=256k tmpfs \"$dir\" || exit 77\n"
    "printf 'precious bytes\\n' > \"$dir/$name\" || exit 77\n"
    "if \"$bin\" --database \"$map\" --export \"$dir/$name\" 2> \"$err\"; then exit 10; fi\n"
    "printf 'precious bytes\\n' | cmp -s - \"$dir/$name\" || exit 11\n"
    "ls -A \"$dir\" > \"$list\"\n";
  const char *names[] = { "full.kml", "full.kmz" };
  const char *binary = binary_or_skip ();
  g_autofree char *map = g_build_filename (fixture->dir, "map" AMAP_STORE_SUFFIX, NULL);
  g_autofree char *small = g_build_filename (fixture->dir, "small", NULL);
  g_autofree char *unshare = g_find_program_in_path ("unshare");

  if (binary == NULL)
    return;
  if (unshare == NULL)
    {
      g_test_skip ("no unshare(1) to make a small file system with");
      return;
    }

  fill_store (fixture->store, 5000);
  g_assert_cmpint (g_mkdir (small, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *err_path = g_strdup_printf ("%s/stderr-%u.txt", fixture->dir, i);
      g_autofree char *list_path = g_strdup_printf ("%s/listing-%u.txt", fixture->dir, i);
      g_autofree char *expected = g_strdup_printf ("The disk is full: free some space for “%s”", names[i]);
      g_autofree char *expected_listing = g_strdup_printf ("%s\n", names[i]);
      const char *argv[] = { unshare, "-rm", "sh", "-c", script, "sh",
                             small, map, err_path, binary, list_path, names[i], NULL };
      g_autofree char *err = NULL;
      g_autofree char *listing = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, &status, &error);
      g_assert_no_error (error);

      if (!g_file_test (list_path, G_FILE_TEST_EXISTS) &&
          !(WIFEXITED (status) && (WEXITSTATUS (status) == 10 || WEXITSTATUS (status) == 11)))
        {
          g_test_skip ("mounting a small tmpfs is not allowed here");
          return;
        }

      g_assert_true (WIFEXITED (status));
      /* 10: the export succeeded on a full disk; 11: the old file changed. */
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);

      g_assert_true (g_file_get_contents (err_path, &err, NULL, NULL));
      g_test_message ("stderr: %s", err);
      g_assert_null (strchr (g_strchomp (err), '\n'));
      g_assert_null (strstr (err, "I/O error"));
      g_assert_nonnull (strstr (err, expected));

      /* The old file and nothing else: no temporary file left. */
      g_assert_true (g_file_get_contents (list_path, &listing, NULL, NULL));
      g_assert_cmpstr (listing, ==, expected_listing);
    }
}

static void
assert_same_asset (AmapAsset *back,
                   AmapAsset *original)
{
  static const char * const string_props[] = {
    "uuid", "source-id", "name", "category", "shape", "address", "description",
    "strengths", "needs", "website", "phone", "email", "last-contacted",
  };
  const char * const *tags_back = amap_asset_get_tags (back);
  const char * const *tags_original = amap_asset_get_tags (original);
  g_auto(GStrv) keys_back = amap_asset_dup_extra_keys (back);
  g_auto(GStrv) keys_original = amap_asset_dup_extra_keys (original);
  GPtrArray *contacts_back = amap_asset_get_contacts (back);
  GPtrArray *contacts_original = amap_asset_get_contacts (original);
  GPtrArray *log_back = amap_asset_get_interactions (back);
  GPtrArray *log_original = amap_asset_get_interactions (original);

  for (guint i = 0; i < G_N_ELEMENTS (string_props); i++)
    {
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      g_object_get (back, string_props[i], &a, NULL);
      g_object_get (original, string_props[i], &b, NULL);
      if (g_strcmp0 (a, b) != 0)
        g_error ("%s of %s: '%s' came back as '%s'", string_props[i],
                 amap_asset_get_uuid (original), b, a);
    }

  g_assert_cmpint (amap_asset_get_has_location (back), ==, amap_asset_get_has_location (original));
  if (amap_asset_get_has_location (original))
    {
      g_assert_cmpfloat (amap_asset_get_latitude (back), ==, amap_asset_get_latitude (original));
      g_assert_cmpfloat (amap_asset_get_longitude (back), ==, amap_asset_get_longitude (original));
    }
  g_assert_cmpint (amap_asset_get_is_hub (back), ==, amap_asset_get_is_hub (original));
  g_assert_cmpint (amap_asset_get_stage (back), ==, amap_asset_get_stage (original));
  g_assert_cmpint (amap_asset_get_created (back), ==, amap_asset_get_created (original));
  g_assert_cmpint (amap_asset_get_modified (back), ==, amap_asset_get_modified (original));

  g_assert_cmpstrv (tags_back != NULL && tags_back[0] != NULL ? tags_back : NULL,
                    tags_original != NULL && tags_original[0] != NULL ? tags_original : NULL);

  g_assert_cmpstrv (keys_back != NULL && keys_back[0] != NULL ? keys_back : NULL,
                    keys_original != NULL && keys_original[0] != NULL ? keys_original : NULL);
  for (guint i = 0; keys_original != NULL && keys_original[i] != NULL; i++)
    g_assert_cmpstr (amap_asset_get_extra (back, keys_original[i]), ==,
                     amap_asset_get_extra (original, keys_original[i]));

  g_assert_cmpuint (contacts_back->len, ==, contacts_original->len);
  for (guint i = 0; i < contacts_original->len; i++)
    g_assert_true (amap_contact_equal (g_ptr_array_index (contacts_back, i),
                                       g_ptr_array_index (contacts_original, i)));

  g_assert_cmpuint (log_back->len, ==, log_original->len);
  for (guint i = 0; i < log_original->len; i++)
    g_assert_true (amap_interaction_equal (g_ptr_array_index (log_back, i),
                                           g_ptr_array_index (log_original, i)));
}

/* The round trip: export, import into a new map, the same assets field by
 * field, and the new map exports to the same bytes. */
static void
round_trip (Fixture    *fixture,
            const char *name)
{
  g_autofree char *path = export_path (fixture, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AmapStore) copy = open_store (fixture->dir, "copy" AMAP_STORE_SUFFIX);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *again_name = g_strconcat ("again-", name, NULL);
  g_autofree char *again = g_build_filename (fixture->dir, again_name, NULL);
  g_autoptr(GFile) again_file = g_file_new_for_path (again);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  /* The store stamps new assets with the current second; let a second pass
   * so that dates the import failed to keep cannot match by chance. */
  g_usleep (1100 * 1000);

  report = amap_import_file (copy, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (amap_import_report_get_imported (report), ==, fixture->stored->len);
  g_assert_cmpuint (amap_import_report_get_skipped (report), ==, 0);
  g_assert_cmpuint (amap_import_report_get_unlocated (report), ==, 1);

  imported = amap_store_list_assets (copy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported->len, ==, fixture->stored->len);

  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *original = g_ptr_array_index (fixture->stored, i);
      g_autoptr(AmapAsset) back = amap_store_get_asset (copy, amap_asset_get_uuid (original), &error);

      g_assert_no_error (error);
      g_assert_nonnull (back);
      /* Named checks first, so a failure says which field. */
      assert_same_asset (back, original);
      g_assert_true (amap_asset_equal (back, original));
    }

  g_assert_true (amap_store_set_title (copy, amap_store_get_title (fixture->store), &error));
  g_assert_no_error (error);
  g_assert_true (amap_export_file (copy, NULL, again_file, NULL, &error));
  g_assert_no_error (error);

  first = read_bytes (path);
  second = read_bytes (again);
  g_assert_true (g_bytes_equal (first, second));
}

static void
test_round_trip_kml (Fixture       *fixture,
                     gconstpointer  user_data)
{
  round_trip (fixture, "trip.kml");
}

static void
test_round_trip_kmz (Fixture       *fixture,
                     gconstpointer  user_data)
{
  round_trip (fixture, "trip.kmz");
}

/* Extra fields under the names of the card's fields (stage_name, tag_list,
 * key_leaders: another tool's columns) come back as they were: the reader
 * drops only the card's own, right after the field each shows. */
static void
test_card_names_round_trip (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint with_tags = 0, with_contacts = 0, with_extras = 0;

  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (fixture->stored, i);
      const char * const *tags = amap_asset_get_tags (asset);

      if (tags != NULL && tags[0] != NULL)
        with_tags++;
      if (amap_asset_get_contacts (asset)->len > 0)
        with_contacts++;
      if (i % 2 == 1)
        continue;
      amap_asset_set_extra (asset, "stage_name", "Phase 2 & <more>");
      amap_asset_set_extra (asset, "tag_list", "a, b");
      amap_asset_set_extra (asset, "key_leaders", "The board");
      g_assert_true (amap_store_update_asset (fixture->store, asset, &error));
      g_assert_no_error (error);
      with_extras++;
    }
  g_assert_cmpuint (with_tags, >, 0);
  g_assert_cmpuint (with_contacts, >, 0);

  g_clear_pointer (&fixture->stored, g_ptr_array_unref);
  fixture->stored = amap_store_list_assets (fixture->store, &error);
  g_assert_no_error (error);

  /* Both are in the file: the card's and the extra field. */
  path = export_path (fixture, "card-names.kml", NULL);
  bytes = read_bytes (path);
  g_assert_cmpuint (count (g_bytes_get_data (bytes, NULL), "<Data name=\"stage_name\">"), ==,
                    fixture->stored->len + with_extras);
  g_assert_cmpuint (count (g_bytes_get_data (bytes, NULL), "<Data name=\"tag_list\">"), ==,
                    with_tags + with_extras);
  g_assert_cmpuint (count (g_bytes_get_data (bytes, NULL), "<Data name=\"key_leaders\">"), ==,
                    with_contacts + with_extras);

  round_trip (fixture, "card-names.kml");
}

/* The window's export (sync and async) never replaces the open map itself:
 * it is refused, and the map keeps every asset. */
static void
test_onto_open_map (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "map" AMAP_STORE_SUFFIX, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_assert_false (amap_export_file (fixture->store, NULL, file, NULL, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "is a map in use"));
  g_clear_error (&error);

  error = export_async (fixture, NULL, file, NULL);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);

  g_clear_object (&fixture->store);
  fixture->store = open_store (fixture->dir, "map" AMAP_STORE_SUFFIX);
  after = amap_store_list_assets (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, fixture->stored->len);
}

/* What a file for others must not hold: the key leaders' details (of the
 * first fixture asset's contact) and the visit log. */
static const char * const private_texts[] = {
  "Ms. Núñez", "+1 555 0101", "nunez@example.org", "Prefers mornings", "Español",
  "Walked the block", "2026-09-14", "\"interactions\"", "\"contacts\"",
  "\"last_contacted\"", "Last contacted:", "Key leaders:",
};

static char *
export_with_flags (Fixture         *fixture,
                   const char      *name,
                   AmapExportFlags  flags)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (amap_export_file_with_flags (fixture->store, NULL, file, flags, NULL, &error));
  g_assert_no_error (error);

  return path;
}

/* A file for others leaves the key leaders and the log out, card and
 * ExtendedData alike; the organisation's own details stay. With the
 * option, everything is there. */
static void
test_shared_leaves_out_private (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autofree char *shared_path = export_with_flags (fixture, "shared.kml", AMAP_EXPORT_SHARED);
  g_autofree char *private_path = export_with_flags (fixture, "private.kml", AMAP_EXPORT_INCLUDE_PRIVATE);
  g_autofree char *full_path = export_path (fixture, "full.kml", NULL);
  g_autoptr(GBytes) shared = read_bytes (shared_path);
  g_autoptr(GBytes) private = read_bytes (private_path);
  g_autoptr(GBytes) full = read_bytes (full_path);
  const char *shared_text = g_bytes_get_data (shared, NULL);
  const char *private_text = g_bytes_get_data (private, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (private_texts); i++)
    {
      if (strstr (shared_text, private_texts[i]) != NULL)
        g_error ("The shared export holds “%s”", private_texts[i]);
      if (strstr (private_text, private_texts[i]) == NULL)
        g_error ("The export with private data lacks “%s”", private_texts[i]);
    }

  /* The organisation's public phone, email and website, and the rest. */
  g_assert_nonnull (strstr (shared_text, "+1 555 0100"));
  g_assert_nonnull (strstr (shared_text, "hello@example.org"));
  g_assert_nonnull (strstr (shared_text, "https://example.org/?a=1&amp;b=2"));
  g_assert_nonnull (strstr (shared_text, "Meeting room for 40"));
  g_assert_cmpuint (count (shared_text, "<Placemark "), ==, fixture->stored->len);
  g_assert_nonnull (strstr (shared_text, "<Data name=\"private_data\"><value>omitted</value></Data>"));
  g_assert_null (strstr (private_text, "private_data"));

  /* The full export is the one with private data. */
  g_assert_true (g_bytes_equal (private, full));

  /* A KMZ for others: its doc.kml leaves them out too. */
  {
    g_autofree char *kmz_path = export_with_flags (fixture, "shared.kmz", AMAP_EXPORT_SHARED);
    g_autoptr(GBytes) kmz = read_bytes (kmz_path);
    struct archive *archive = archive_read_new ();
    struct archive_entry *entry;
    g_autoptr(GString) doc = g_string_new (NULL);
    char buffer[8192];
    la_ssize_t n;

    archive_read_support_format_zip (archive);
    g_assert_cmpint (archive_read_open_memory (archive, g_bytes_get_data (kmz, NULL),
                                               g_bytes_get_size (kmz)), ==, ARCHIVE_OK);
    g_assert_cmpint (archive_read_next_header (archive, &entry), ==, ARCHIVE_OK);
    g_assert_cmpstr (archive_entry_pathname (entry), ==, "doc.kml");
    while ((n = archive_read_data (archive, buffer, sizeof buffer)) > 0)
      g_string_append_len (doc, buffer, n);
    archive_read_free (archive);

    g_assert_cmpuint (count (doc->str, "<Placemark "), ==, fixture->stored->len);
    for (guint i = 0; i < G_N_ELEMENTS (private_texts); i++)
      if (strstr (doc->str, private_texts[i]) != NULL)
        g_error ("The shared KMZ holds “%s”", private_texts[i]);
  }

  fixture_assert_validates (shared_path);
  if (fixture_have_program ("ogrinfo"))
    {
      g_autoptr(GPtrArray) features = fixture_ogrinfo_features (shared_path);

      g_assert_cmpuint (features->len, ==, fixture->stored->len);
      for (guint i = 0; i < features->len; i++)
        {
          GHashTable *feature = g_ptr_array_index (features, i);

          g_assert_false (g_hash_table_contains (feature, "contacts"));
          g_assert_false (g_hash_table_contains (feature, "interactions"));
        }
    }
}

/* Importing a file made for others back into the map it came from keeps
 * the map's key leaders and log: the file's silence about them is not a
 * deletion. */
static void
test_shared_reimport_keeps_private (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *path = export_with_flags (fixture, "shared.kml", AMAP_EXPORT_SHARED);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = amap_import_file (fixture->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_import_report_get_updated (report), ==, fixture->stored->len);

  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *original = g_ptr_array_index (fixture->stored, i);
      g_autoptr(AmapAsset) back = amap_store_get_asset (fixture->store, amap_asset_get_uuid (original), &error);

      g_assert_no_error (error);
      g_assert_cmpuint (amap_asset_get_contacts (back)->len, ==, amap_asset_get_contacts (original)->len);
      g_assert_cmpuint (amap_asset_get_interactions (back)->len, ==,
                        amap_asset_get_interactions (original)->len);
      g_assert_cmpstr (amap_asset_get_last_contacted (back), ==, amap_asset_get_last_contacted (original));
    }
}

/* Gives the fixture's assets folders (My Maps layers, one nested) and
 * location sources, and lists them again. */
static void
set_folders (Fixture *fixture)
{
  const char * const food[] = { "Comida y café", "Cafés", NULL };
  const char * const church[] = { "Faith › places & <more>", NULL };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (fixture->stored, i);
      const char *name = amap_asset_get_name (asset);

      if (g_str_has_prefix (name, "Café"))
        amap_asset_set_folders (asset, food);
      else if (g_str_has_prefix (name, "Iglesia"))
        amap_asset_set_folders (asset, church);
      amap_asset_set_location_source (asset, i % 2 == 0 ? AMAP_LOCATION_SOURCE_GEOCODED
                                                        : AMAP_LOCATION_SOURCE_IMPORTED);
      g_assert_true (amap_store_update_asset (fixture->store, asset, &error));
      g_assert_no_error (error);
    }

  g_clear_pointer (&fixture->stored, g_ptr_array_unref);
  fixture->stored = amap_store_list_assets (fixture->store, &error);
  g_assert_no_error (error);
}

/* Folders and location sources go out as ExtendedData and come back. */
static void
test_folders_round_trip (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AmapStore) copy = open_store (fixture->dir, "copy" AMAP_STORE_SUFFIX);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  guint with_folders = 0;

  set_folders (fixture);
  path = export_path (fixture, "folders.kml", NULL);
  bytes = read_bytes (path);
  g_assert_nonnull (strstr (g_bytes_get_data (bytes, NULL),
                            "<Data name=\"folders\"><value>[\"Comida y café\",\"Cafés\"]</value></Data>"));
  fixture_assert_validates (path);

  file = g_file_new_for_path (path);
  report = amap_import_file (copy, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *original = g_ptr_array_index (fixture->stored, i);
      g_autoptr(AmapAsset) back = amap_store_get_asset (copy, amap_asset_get_uuid (original), &error);

      g_assert_no_error (error);
      g_assert_cmpstrv (amap_asset_get_folders (back), amap_asset_get_folders (original));
      g_assert_cmpint (amap_asset_get_location_source (back), ==,
                       amap_asset_get_location_source (original));
      if (amap_asset_get_folders (original)[0] != NULL)
        with_folders++;
    }
  g_assert_cmpuint (with_folders, ==, 2);
}

/* Folders by layer: nested Folders after the assets' folders (the rest in
 * their category's), that GDAL lists as layers; the file still reads back
 * with the same folders. */
static void
test_by_layer (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AmapStore) copy = open_store (fixture->dir, "copy" AMAP_STORE_SUFFIX);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  const char *text, *outer, *inner, *cafe;

  set_folders (fixture);
  path = export_with_flags (fixture, "layers.kml", AMAP_EXPORT_FULL | AMAP_EXPORT_BY_LAYER);
  bytes = read_bytes (path);
  text = g_bytes_get_data (bytes, NULL);
  fixture_assert_validates (path);

  /* Comida y café > Cafés > Café Luna, nested. */
  outer = strstr (text, "<Folder>\n<name>Comida y café</name>\n<Folder>\n<name>Cafés</name>");
  g_assert_nonnull (outer);
  inner = strstr (outer, "<name>Cafés</name>");
  cafe = strstr (inner, "<name>Café Luna");
  g_assert_nonnull (cafe);
  g_assert_null (g_strstr_len (inner, cafe - inner, "</Folder>"));
  g_assert_nonnull (strstr (text, "<name>Faith › places &amp; &lt;more&gt;</name>"));
  /* No category folder for the assets that have a layer. */
  g_assert_null (strstr (text, "<name>Faith-Based Organization</name>"));
  g_assert_nonnull (strstr (text, "<name>Park / Recreation</name>"));
  g_assert_cmpuint (count (text, "<Placemark "), ==, fixture->stored->len);
  g_assert_cmpuint (count (text, "<Folder>"), ==, count (text, "</Folder>"));

  if (fixture_have_program ("ogrinfo"))
    {
      const char *argv[] = { "ogrinfo", "-ro", "-q", path, NULL };
      g_autofree char *err = NULL;
      g_autofree char *layers = fixture_spawn (argv, &err, NULL);

      g_test_message ("ogrinfo: %s", layers);
      g_assert_nonnull (layers);
      g_assert_nonnull (strstr (layers, "Cafés"));
      g_assert_nonnull (strstr (layers, "Faith › places & <more>"));
      g_assert_nonnull (strstr (layers, "Park / Recreation"));
    }

  file = g_file_new_for_path (path);
  report = amap_import_file (copy, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < fixture->stored->len; i++)
    {
      AmapAsset *original = g_ptr_array_index (fixture->stored, i);
      g_autoptr(AmapAsset) back = amap_store_get_asset (copy, amap_asset_get_uuid (original), &error);

      g_assert_no_error (error);
      g_assert_cmpstrv (amap_asset_get_folders (back), amap_asset_get_folders (original));
      g_assert_cmpstr (amap_asset_get_category (back), ==, amap_asset_get_category (original));
    }
}

/* The export of a whole map streams it from the store, row by row; it
 * must give the bytes the general writer gives for the same assets read
 * as objects, for every kind of export that streams. */
static void
test_streamed_equals_general (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const AmapExportFlags flags[] = { AMAP_EXPORT_FULL, AMAP_EXPORT_SHARED };
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) lone = amap_asset_new ("élan \"lone\" <one>");

  /* Edge cases beside the fixtures, for the path that reads rows without
   * making objects (no tags, contacts or log): no location, no address,
   * an unset stage, an empty extra, folders needing JSON escapes, a long
   * text. The fixtures have assets with and without children. */
  amap_asset_set_category (lone, AMAP_CATEGORY_OTHER);
  amap_asset_set_extra (lone, "empty", "");
  {
    /* Larger than one chunk of the export's pipeline (amap-export.c). */
    g_autofree char *long_text = g_strnfill (300 * 1024, 'x');

    amap_asset_set_strengths (lone, long_text);
  }
  amap_asset_set_extra (lone, "\"quoted\"", "a\\b");
  {
    const char * const folders[] = { "Outer \"one\"", "inner", NULL };

    amap_asset_set_folders (lone, folders);
  }
  g_assert_true (amap_store_add_asset (fixture->store, lone, &error));
  g_assert_no_error (error);
  {
    /* The order inside a folder: casefolded names, then names, then
     * uuids, ASCII or not. */
    const char * const names[] = {
      "beta", "Beta", "ÁNGEL", "alpha", "Zeta", "ángel", "BETA",
      /* Folds of more than one character, of titlecase letters, of
       * three- and four-byte characters (amap-store-export.c folds
       * character by character). */
      "straße", "STRASSE", "straßa", "strast", "ǅemal", "ǆemal", "İzmir", "izmir", "ΣΟΦΙΑ", "σοφια",
      "ﬁne", "Ωmega", "Ａlpha", "𐐀deseret", "𐐨deseret",
      /* Sort names alike in their first eight bytes, or shorter. */
      "Long common prefix 10", "long common prefix 2", "Long common prefix 1", "long comm",
      "long com", "long co", "long common", "ab", "a", "Long common prefix b", "long common prefix a",
    };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(AmapAsset) asset = amap_asset_new (names[i]);

        amap_asset_set_category (asset, AMAP_CATEGORY_OTHER);
        /* Tags without contacts or a log go the record's way too. */
        if (i % 2 == 0)
          {
            amap_asset_add_tag (asset, "zz \"quoted\"");
            amap_asset_add_tag (asset, "Ünï");
            amap_asset_add_tag (asset, "a\\b");
          }
        g_assert_true (amap_store_add_asset (fixture->store, asset, &error));
        g_assert_no_error (error);
      }
  }
  g_clear_pointer (&fixture->stored, g_ptr_array_unref);
  fixture->stored = amap_store_list_assets (fixture->store, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autofree char *streamed_path = g_build_filename (fixture->dir, "streamed.kml", NULL);
      g_autofree char *general_path = g_build_filename (fixture->dir, "general.kml", NULL);
      g_autoptr(GFile) streamed_file = g_file_new_for_path (streamed_path);
      g_autoptr(GFile) general_file = g_file_new_for_path (general_path);
      g_autoptr(GBytes) streamed = NULL;
      g_autoptr(GBytes) general = NULL;

      g_assert_true (amap_export_file_with_flags (fixture->store, NULL, streamed_file, flags[i],
                                                  NULL, &error));
      g_assert_no_error (error);
      g_assert_true (amap_export_file_with_flags (fixture->store, fixture->stored, general_file,
                                                  flags[i], NULL, &error));
      g_assert_no_error (error);

      streamed = read_bytes (streamed_path);
      general = read_bytes (general_path);
      g_assert_cmpmem (g_bytes_get_data (streamed, NULL), g_bytes_get_size (streamed),
                       g_bytes_get_data (general, NULL), g_bytes_get_size (general));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/export/kml", test_kml);
  ADD ("/export/kmz", test_kmz);
  ADD ("/export/subset", test_subset);
  ADD ("/export/cancelled-keeps-file", test_cancelled_keeps_file);
  ADD ("/export/async", test_async);
  ADD ("/export/async-streams", test_async_streams);
  ADD ("/export/keeps-permissions", test_keeps_permissions);
  ADD ("/export/unwritable-directory", test_unwritable_directory);
  ADD ("/export/failed-move", test_failed_move);
  ADD ("/export/temporary-mode", test_temporary_mode);
  ADD ("/export/killed-exports", test_killed_exports);
  ADD ("/export/disk-full", test_disk_full);
  ADD ("/export/disk-full-tmpfs", test_disk_full_tmpfs);
  ADD ("/export/onto-open-map", test_onto_open_map);
  ADD ("/export/round-trip-kml", test_round_trip_kml);
  ADD ("/export/round-trip-kmz", test_round_trip_kmz);
  ADD ("/export/card-names-round-trip", test_card_names_round_trip);
  ADD ("/export/shared-leaves-out-private", test_shared_leaves_out_private);
  ADD ("/export/shared-reimport-keeps-private", test_shared_reimport_keeps_private);
  ADD ("/export/folders-round-trip", test_folders_round_trip);
  ADD ("/export/by-layer", test_by_layer);
  ADD ("/export/streamed-equals-general", test_streamed_equals_general);

#undef ADD

  return g_test_run ();
}
