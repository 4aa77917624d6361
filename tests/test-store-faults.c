/* test-store-faults.c: the map file under faults: other processes, kills,
 * damage, full disks, read-only files and folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-import.h"
#include "amap-store.h"
#include "amap-store-private.h"

/* Helpers */

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

  fixture->dir = g_dir_make_tmp ("amap-faults-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "map.assetmap", NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_chmod (fixture->dir, 0700);
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
side_path (const char *path,
           const char *suffix)
{
  return g_strconcat (path, suffix, NULL);
}

static gboolean
side_exists (const char *path,
             const char *suffix)
{
  g_autofree char *side = side_path (path, suffix);

  return g_file_test (side, G_FILE_TEST_EXISTS);
}

static void
assert_no_side_files (const char *path)
{
  g_assert_false (side_exists (path, "-wal"));
  g_assert_false (side_exists (path, "-shm"));
  g_assert_false (side_exists (path, "-journal"));
}

static char *
add_asset (AmapStore  *store,
           const char *name,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);
  g_assert_true (amap_store_add_asset (store, asset, &error));
  g_assert_no_error (error);
  return g_strdup (amap_asset_get_uuid (asset));
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *result = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (result, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (result, FALSE);
}

/* The argv of the real asset-map, or NULL (the test skips) when it is not
 * built. */
static GPtrArray *
binary_argv (void)
{
  const char *binary = g_getenv ("AMAP_BINARY");
  GPtrArray *argv;

  if (binary == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) binary);
  return argv;
}

static char **
binary_environ (void)
{
  char **envp = g_get_environ ();

  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  return envp;
}

/* Runs asset-map with @args; returns FALSE when it is not built. */
static gboolean
run_binary (const char * const  *args,
            char               **out,
            char               **err,
            int                 *exit_status)
{
  g_autoptr(GPtrArray) argv = binary_argv ();
  g_auto(GStrv) envp = binary_environ ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (argv == NULL)
    return FALSE;

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &wait_status, &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (wait_status, &error))
    *exit_status = 0;
  else if (g_error_matches (error, G_SPAWN_EXIT_ERROR, error->code))
    *exit_status = error->code;
  else
    g_assert_no_error (error);  /* killed by a signal */

  return TRUE;
}

/* Tests: other connections and processes */

/*
 * The window holds the map; an import opens (and closes) a second store on
 * it in the same process; then another process lists the map. Closing any
 * descriptor of a file drops every POSIX lock the process holds on it, so a
 * store that read the file's header with stdio let the other process think
 * it was the last one and delete the -wal the window was still writing to.
 */
static void
test_second_process (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AmapStore) window = NULL;
  g_autoptr(AmapStore) worker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *wal = side_path (fixture->path, "-wal");
  g_autofree char *first = NULL;
  g_autofree char *later = NULL;
  GStatBuf wal_before, wal_after;
  int status = -1;
  const char *args[] = { "--database", fixture->path, "--list", NULL };

  window = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  first = add_asset (window, "Before the import", 41, -87);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (wal, &wal_before), ==, 0);

  /* What the import worker does. */
  worker = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_free (add_asset (worker, "From the import", 41.1, -87.1));
  g_clear_object (&worker);
  amap_store_refresh (window);

  if (!run_binary (args, &out, &err, &status))
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Before the import"));
  g_assert_nonnull (strstr (out, "From the import"));

  /* The window's log is the same file as before. */
  g_assert_cmpint (g_stat (wal, &wal_after), ==, 0);
  g_assert_cmpint (wal_before.st_ino, ==, wal_after.st_ino);

  later = add_asset (window, "After the list", 41.2, -87.2);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_clear_object (&window);

  window = amap_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amap_store_count_assets (window), ==, 3);
  {
    g_autoptr(AmapAsset) asset = amap_store_get_asset (window, later, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (amap_asset_get_name (asset), ==, "After the list");
  }
  g_clear_object (&window);
  g_assert_cmpstr (integrity_check (fixture->path), ==, "ok");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/store-faults/second-process", Fixture, NULL,
              fixture_setup, test_second_process, fixture_teardown);

  return g_test_run ();
}
