/* test-store-faults.c: the map file under faults: other processes, kills,
 * damage, full disks, read-only files and folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-import.h"
#include "amap-store.h"
#include "amap-store-private.h"
#include "test-util.h"

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
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_chmod (fixture->dir, 0700);
  test_util_remove_dir (fixture->dir);
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

static void
remove_with_side_files (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = side_path (path, suffixes[i]);

      g_unlink (side);
    }
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
  amap_store_add_asset (store, asset, &error);
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

/* Runs @sql (one integer) on the file as it is: immutable, so that the
 * check creates no -wal or -shm of its own. */
static gint64
count_rows (const char *path,
            const char *sql)
{
  g_autofree char *uri = g_strconcat ("file:", path, "?immutable=1", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
                   ==, SQLITE_OK);
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

/* A KML file of @n placemarks, in @dir. */
static char *
write_kml (const char *dir,
           guint       n)
{
  g_autofree char *path = g_strdup_printf ("%s/places-%u.kml", dir, n);
  g_autoptr(GString) kml = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_string_append (kml,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (kml,
                            "<Placemark><name>Place %u</name>"
                            "<description>Row %u of a test that kills imports</description>"
                            "<Point><coordinates>%.6f,%.6f,0</coordinates></Point>"
                            "</Placemark>\n",
                            i, i, -122.3 + (i % 1000) * 0.0001, 37.7 + (i / 1000) * 0.0001);
  g_string_append (kml, "</Document>\n</kml>\n");

  g_assert_true (g_file_set_contents (path, kml->str, kml->len, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* A closed map with @n assets (everything checkpointed into the file). */
static void
make_map (const char *path,
          guint       n)
{
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AmapStoreBatch *batch;

  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  batch = amap_store_batch_begin (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Asset %u", i);
      g_autofree char *text = g_strdup_printf ("Notes about asset %u that nobody else has", i);
      g_autoptr(AmapAsset) asset = amap_asset_new (name);

      amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
      amap_asset_set_location (asset, 41 + i * 0.0001, -87);
      amap_asset_set_description (asset, text);
      g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
    }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  assert_no_side_files (path);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GBytes) bytes = read_bytes (from);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (to, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
}

/* A connection that reads the file as it is, leaving nothing beside it. */
static sqlite3 *
open_immutable (const char *path)
{
  g_autofree char *uri = g_strconcat ("file:", path, "?immutable=1", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
                   ==, SQLITE_OK);
  return db;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Flips the first byte (the page type) of the root page of @table. */
static void
damage_table (const char *path,
              const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rootpage FROM sqlite_schema WHERE name = '%s'",
                                          table);
  sqlite3 *db = open_immutable (path);
  gint64 page_size = query_int (db, "PRAGMA page_size");
  gint64 root = query_int (db, sql);
  int fd;
  guint8 byte;

  sqlite3_close (db);
  g_assert_cmpint (root, >, 1);

  fd = g_open (path, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, &byte, 1, (root - 1) * page_size), ==, 1);
  byte ^= 0xff;
  g_assert_cmpint (pwrite (fd, &byte, 1, (root - 1) * page_size), ==, 1);
  close (fd);
}

static gint64
count_live (const char *path)
{
  return count_rows (path, "SELECT count(*) FROM assets WHERE deleted = 0");
}

static void
assert_sound (const char *path)
{
  g_autofree char *result = integrity_check (path);

  g_assert_cmpstr (result, ==, "ok");
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

/* Runs `asset-map --database @path --import @kml`; returns its exit
 * status and (owned by the caller) its stderr. */
static int
run_import (const char  *path,
            const char  *kml,
            char       **err)
{
  const char *args[] = { "--database", path, "--import", kml, NULL };
  g_autofree char *out = NULL;
  int status = -1;

  run_binary (args, &out, err, &status);
  return status;
}

/* `asset-map --import` of @kml into @path fails, saying the disk is full. */
static void
import_on_full_disk (const char *path,
                     const char *kml)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_import (path, kml, &err), ==, 1);
  if (strstr (err, "The disk is full, so the change to “") == NULL)
    g_error ("A full disk said: %s", err);
  g_test_message ("A full disk: %s", err);
}

/* `asset-map --import` of @kml into @path works, and says nothing. */
static void
import_with_room (const char *path,
                  const char *kml)
{
  g_autofree char *err = NULL;
  int status = run_import (path, kml, &err);

  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
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
  assert_sound (fixture->path);
}

/* Tests: bad files */

typedef enum
{
  BAD_DAMAGED,         /* a flipped byte in the page header of the assets table */
  BAD_DAMAGED_UNREAD,  /* the same in a table neither --list nor an import reads */
  BAD_TRUNCATED,       /* the first half of a real map */
  BAD_EMPTY,           /* zero bytes */
  BAD_TOO_NEW,         /* a newer schema */
  BAD_FOREIGN,         /* another program's SQLite database */
} BadKind;

static const struct
{
  BadKind     kind;
  const char *name;
  const char *list_says;    /* NULL: --list works */
  const char *import_says;  /* NULL: not tried */
  int         open_code;    /* -1: opens */
} bad_files[] = {
  { BAD_DAMAGED, "damaged", "is damaged", "is damaged", -1 },
  { BAD_DAMAGED_UNREAD, "damaged-unread", NULL, "is damaged", -1 },
  { BAD_TRUNCATED, "truncated", "is damaged", "is damaged", AMAP_ERROR_DAMAGED },
  { BAD_EMPTY, "empty", "is empty", NULL, AMAP_ERROR_NOT_FOUND },
  { BAD_TOO_NEW, "too-new", "newer version of Asset Map", "newer version of Asset Map",
    AMAP_ERROR_TOO_NEW },
  { BAD_FOREIGN, "foreign", "is not an Asset Map file", "is not an Asset Map file",
    AMAP_ERROR_NOT_A_MAP },
};

static void
make_bad_file (const char *path,
               BadKind     kind)
{
  switch (kind)
    {
    case BAD_DAMAGED:
      make_map (path, 2000);
      damage_table (path, "assets");
      break;

    case BAD_DAMAGED_UNREAD:
      make_map (path, 50);
      damage_table (path, "tour_stops");
      break;

    case BAD_TRUNCATED:
      {
        g_autoptr(GBytes) bytes = NULL;

        make_map (path, 2000);
        bytes = read_bytes (path);
        g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes) / 2, NULL));
      }
      break;

    case BAD_EMPTY:
      g_assert_true (g_file_set_contents (path, "", 0, NULL));
      break;

    case BAD_TOO_NEW:
      {
        sqlite3 *db = NULL;

        make_map (path, 5);
        g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL),
                         ==, SQLITE_OK);
        sqlite3_close (db);
      }
      break;

    case BAD_FOREIGN:
      {
        sqlite3 *db = NULL;

        g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_exec (db,
                                       "PRAGMA journal_mode = WAL;"
                                       "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT);"
                                       "INSERT INTO recipes (title) VALUES ('Soup');",
                                       NULL, NULL, NULL),
                         ==, SQLITE_OK);
        sqlite3_close (db);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  assert_no_side_files (path);
}

/*
 * Each bad file gives its own message (on --list, on --import and when
 * the store opens it), nothing writes to it, and nothing is left beside
 * it. A damaged map is checked before the first write, so an import is
 * refused even when the damage is where the import does not look.
 */
static void
test_bad_files (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *kml = write_kml (fixture->dir, 20);
  g_autoptr(GPtrArray) argv = binary_argv ();

  if (argv == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.assetmap", bad_files[i].name);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autofree char *backup = g_strconcat (path, ".backup-v1", NULL);
      g_autoptr(GBytes) before = NULL;
      g_autoptr(GBytes) after = NULL;
      g_autoptr(AmapStore) store = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad_files[i].name);
      make_bad_file (path, bad_files[i].kind);
      /* A backup a migration left: the message offers it. */
      if (bad_files[i].kind == BAD_TRUNCATED)
        g_assert_true (g_file_set_contents (backup, "stand-in", -1, NULL));
      before = read_bytes (path);

      {
        const char *args[] = { "--database", path, "--list", NULL };
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        int status = -1;

        run_binary (args, &out, &err, &status);
        if (bad_files[i].list_says == NULL)
          g_assert_cmpint (status, ==, 0);
        else
          {
            g_assert_cmpint (status, ==, 1);
            g_assert_cmpstr (out, ==, "");
            if (strstr (err, bad_files[i].list_says) == NULL)
              g_error ("%s: --list said “%s”", bad_files[i].name, err);
            g_assert_nonnull (strstr (err, name));
          }
        if (bad_files[i].kind == BAD_TRUNCATED)
          g_assert_nonnull (strstr (err, "Open its backup “"));
      }

      if (bad_files[i].import_says != NULL)
        {
          const char *args[] = { "--database", path, "--import", kml, NULL };
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          int status = -1;

          run_binary (args, &out, &err, &status);
          g_assert_cmpint (status, ==, 1);
          if (strstr (err, bad_files[i].import_says) == NULL)
            g_error ("%s: --import said “%s”", bad_files[i].name, err);
          if (bad_files[i].kind == BAD_DAMAGED || bad_files[i].kind == BAD_DAMAGED_UNREAD)
            g_assert_nonnull (strstr (err, "Back Up Map"));
        }

      store = amap_store_open_existing (path, FALSE, &error);
      if (bad_files[i].open_code >= 0)
        {
          g_assert_null (store);
          g_assert_error (error, AMAP_ERROR, bad_files[i].open_code);
        }
      else
        {
          g_autoptr(AmapAsset) asset = amap_asset_new ("Written to a damaged map");

          g_assert_no_error (error);
          amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
          g_assert_false (amap_store_add_asset (store, asset, &error));
          g_assert_error (error, AMAP_ERROR, AMAP_ERROR_DAMAGED);
          g_clear_object (&store);
        }

      after = read_bytes (path);
      g_assert_true (g_bytes_equal (before, after));
      assert_no_side_files (path);
    }
}

/* Tests: read-only files and folders, other users */

/* Runs @func in a child that has become the user @uid; FALSE when this
 * system does not let us (not root, or a sandbox). */
static gboolean
run_as_user (uid_t     uid,
             void    (*func) (gpointer data),
             gpointer  data)
{
  int status = 0;
  pid_t pid;

  if (geteuid () != 0)
    return FALSE;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (setgid (uid) != 0 || setuid (uid) != 0)
        _exit (77);
      /* A forked child has the parent's random state: new uuids must differ. */
      g_random_set_seed (getpid ());
      func (data);
      _exit (0);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    return FALSE;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("The child as uid %u failed (status %d)", (guint) uid, status);
  return TRUE;
}

/* In the child: the map reads, refuses writes, and nothing is created. */
static void
list_read_only (gpointer data)
{
  const char *path = data;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(AmapAsset) asset = amap_asset_new ("Not allowed");
  g_autoptr(GError) error = NULL;

  store = amap_store_open_existing (path, FALSE, &error);
  if (store == NULL)
    g_error ("Opening a read-only map: %s", error->message);
  g_assert_true (amap_store_get_read_only (store));
  g_assert_cmpuint (amap_store_count_assets (store), ==, 30);
  amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
  g_assert_false (amap_store_add_asset (store, asset, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY);
  g_clear_object (&store);
  assert_no_side_files (path);
}

/*
 * A map the user may not write, in a folder the user may not write (as
 * an unprivileged user in a child): it is listed, writes are refused, and
 * no -wal or -shm appears. Then the same with a folder the user owns but
 * made read-only.
 */
static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (fixture->dir, "theirs", NULL);
  g_autofree char *path = g_build_filename (sub, "shared.assetmap", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("Needs root to become another user");
      return;
    }

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (g_chmod (fixture->dir, 0755), ==, 0);
  make_map (path, 30);
  before = read_bytes (path);

  /* root's map, root's folder; the child is "nobody". */
  if (!run_as_user (65534, list_read_only, path))
    {
      g_test_skip ("Cannot switch to an unprivileged user here");
      return;
    }
  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_pointer (&after, g_bytes_unref);

  /* The user's own map, read-only, in the user's own read-only folder. */
  g_assert_cmpint (chown (sub, 65534, 65534), ==, 0);
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (sub, 0555), ==, 0);
  run_as_user (65534, list_read_only, path);
  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));

  g_chmod (sub, 0755);
}

typedef struct
{
  const char *path;
  int         ready;   /* the owner writes a byte when it has the map open */
  int         go_on;   /* and reads one before it writes again */
} SharedMap;

/* The owner, in the child: opens the map, writes, lets the other user
 * list it, writes again. */
static void
owner_writes (gpointer data)
{
  SharedMap *shared = data;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char byte = 0;

  store = amap_store_open_existing (shared->path, FALSE, &error);
  if (store == NULL)
    g_error ("The owner cannot open the map: %s", error->message);
  g_assert_false (amap_store_get_read_only (store));
  g_free (add_asset (store, "Before the other user looked", 41, -87));
  g_assert_cmpint (write (shared->ready, "x", 1), ==, 1);
  g_assert_cmpint (read (shared->go_on, &byte, 1), ==, 1);
  g_free (add_asset (store, "After the other user looked", 41, -87));
  g_clear_object (&store);
}

static void
other_user_lists (gpointer data)
{
  const char *path = data;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = amap_store_open_existing (path, FALSE, &error);
  if (store == NULL)
    g_error ("The other user cannot list the map: %s", error->message);
  g_assert_true (amap_store_get_read_only (store));
  g_assert_cmpuint (amap_store_count_assets (store), >=, 30);
}

static void
owner_writes_alone (gpointer data)
{
  const char *path = data;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = amap_store_open_existing (path, FALSE, &error);
  if (store == NULL)
    g_error ("The owner cannot open the map: %s", error->message);
  g_free (add_asset (store, "Written alone", 41, -87));
}

/*
 * A shared folder: one user lists another's map, while the owner has it
 * open and while nobody has. The owner can still write it afterwards, and
 * the other user left no file of theirs beside it.
 */
static void
test_shared_folder (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (fixture->dir, "shared", NULL);
  g_autofree char *path = g_build_filename (sub, "owner.assetmap", NULL);
  SharedMap shared = { path, -1, -1 };
  int ready[2], go_on[2];
  int status = 0;
  char byte = 0;
  pid_t owner;

  if (geteuid () != 0)
    {
      g_test_skip ("Needs root to become other users");
      return;
    }

  g_assert_cmpint (g_mkdir (sub, 01777), ==, 0);
  g_assert_cmpint (g_chmod (sub, 01777), ==, 0);
  g_assert_cmpint (g_chmod (fixture->dir, 0755), ==, 0);
  make_map (path, 30);
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  /* Nobody has it open: the other user lists it, then the owner writes. */
  if (!run_as_user (65533, other_user_lists, path))
    {
      g_test_skip ("Cannot switch to an unprivileged user here");
      return;
    }
  assert_no_side_files (path);
  g_assert_true (run_as_user (65534, owner_writes_alone, path));
  assert_no_side_files (path);
  g_assert_cmpint (count_live (path), ==, 31);

  /* The owner has it open while the other user lists it. */
  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (go_on), ==, 0);
  shared.ready = ready[1];
  shared.go_on = go_on[0];
  owner = fork ();
  g_assert_cmpint (owner, >=, 0);
  if (owner == 0)
    {
      if (setgid (65534) != 0 || setuid (65534) != 0)
        _exit (77);
      g_random_set_seed (getpid ());
      owner_writes (&shared);
      _exit (0);
    }
  close (ready[1]);
  close (go_on[0]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  g_assert_true (run_as_user (65533, other_user_lists, path));
  g_assert_cmpint (write (go_on[1], "x", 1), ==, 1);
  g_assert_cmpint (waitpid (owner, &status, 0), ==, owner);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  close (ready[0]);
  close (go_on[1]);

  assert_no_side_files (path);
  g_assert_cmpint (count_live (path), ==, 33);
  assert_sound (path);
}

/* Tests: killed imports, other readers and writers, full disks */

static GPid
spawn_import (const char *map,
              const char *kml)
{
  g_autoptr(GPtrArray) argv = binary_argv ();
  g_auto(GStrv) envp = binary_environ ();
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_ptr_array_add (argv, (char *) "--database");
  g_ptr_array_add (argv, (char *) map);
  g_ptr_array_add (argv, (char *) "--import");
  g_ptr_array_add (argv, (char *) kml);
  g_ptr_array_add (argv, NULL);

  g_spawn_async (NULL, (char **) argv->pdata, envp,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static int
wait_child (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  return status;
}

/*
 * An import killed (SIGKILL) at 20 seeded random moments, from before it
 * opened the map to after it committed: each time the map is sound and
 * holds all of that import or none of it.
 */
static void
test_killed_import (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n_base = 10, n_import = 15000;
  g_autofree char *kml = write_kml (fixture->dir, n_import);
  g_autofree char *base = g_build_filename (fixture->dir, "base.assetmap", NULL);
  g_autoptr(GPtrArray) argv = binary_argv ();
  GRand *rand = g_rand_new_with_seed (20261201);
  guint n_none = 0, n_all = 0;
  gint64 start, duration;
  int status;

  if (argv == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  make_map (base, n_base);

  /* How long a whole import takes here. */
  copy_file (base, fixture->path);
  start = g_get_monotonic_time ();
  status = wait_child (spawn_import (fixture->path, kml));
  duration = g_get_monotonic_time () - start;
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (count_live (fixture->path), ==, n_base + n_import);
  g_test_message ("A whole import of %u placemarks: %" G_GINT64_FORMAT " ms",
                  n_import, duration / 1000);

  for (guint i = 0; i < 20; i++)
    {
      gint64 delay = g_rand_int_range (rand, 0, (gint32) (duration * 13 / 10) + 1);
      gint64 live;
      GPid pid;

      remove_with_side_files (fixture->path);
      copy_file (base, fixture->path);

      pid = spawn_import (fixture->path, kml);
      g_usleep (delay);
      kill (pid, SIGKILL);
      wait_child (pid);

      assert_sound (fixture->path);
      live = count_live (fixture->path);
      if (live == n_base)
        n_none++;
      else if (live == n_base + n_import)
        n_all++;
      else
        g_error ("Killed after %" G_GINT64_FORMAT " µs: %" G_GINT64_FORMAT " assets, "
                 "neither %u nor %u", delay, live, n_base, n_base + n_import);
    }

  g_test_message ("Killed imports: %u left nothing, %u were complete", n_none, n_all);
  g_rand_free (rand);
}

/*
 * The first import into a map without assets runs in a rollback journal
 * (only the map's few pages of before are journaled). Killed at 20 seeded
 * random moments: each time the map opens, left with a hot journal or
 * not, and holds none of the import or all of it, and is sound.
 */
static void
test_killed_fresh_import (Fixture       *fixture,
                          gconstpointer  data)
{
  const guint n_import = 15000;
  g_autofree char *kml = write_kml (fixture->dir, n_import);
  g_autofree char *base = g_build_filename (fixture->dir, "base.assetmap", NULL);
  g_autoptr(GPtrArray) argv = binary_argv ();
  GRand *rand = g_rand_new_with_seed (20261202);
  guint n_none = 0, n_all = 0, n_hot = 0, n_read_only = 0;
  gint64 start, duration;
  int status;

  if (argv == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  make_map (base, 0);

  copy_file (base, fixture->path);
  start = g_get_monotonic_time ();
  status = wait_child (spawn_import (fixture->path, kml));
  duration = g_get_monotonic_time () - start;
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (count_live (fixture->path), ==, n_import);
  /* Back in WAL mode after the commit, and nothing left beside it. */
  {
    g_autoptr(GBytes) bytes = read_bytes (fixture->path);
    const guint8 *header = g_bytes_get_data (bytes, NULL);

    /* The file format's read and write versions: 2 is WAL. */
    g_assert_cmpuint (header[18], ==, 2);
    g_assert_cmpuint (header[19], ==, 2);
  }
  assert_no_side_files (fixture->path);

  for (guint i = 0; i < 20; i++)
    {
      gint64 delay = g_rand_int_range (rand, 0, (gint32) (duration * 13 / 10) + 1);
      g_autoptr(AmapStore) store = NULL;
      g_autoptr(GError) error = NULL;
      guint n;
      GPid pid;

      remove_with_side_files (fixture->path);
      copy_file (base, fixture->path);

      pid = spawn_import (fixture->path, kml);
      g_usleep (delay);
      kill (pid, SIGKILL);
      wait_child (pid);

      if (side_exists (fixture->path, "-journal"))
        {
          g_autoptr(AmapStore) reader = NULL;

          n_hot++;
          /* Read-only, it cannot play the journal back: it says so, or
           * waits, but never shows part of the import. */
          reader = amap_store_open_existing (fixture->path, TRUE, &error);
          if (reader != NULL)
            {
              n = amap_store_count_assets (reader);
              if (n != 0 && n != n_import)
                g_error ("Read-only after a kill: %u assets, neither 0 nor %u", n, n_import);
              n_read_only++;
            }
          else
            g_test_message ("Read-only after a kill: %s", error->message);
          g_clear_error (&error);
        }

      /* The app opens it (playing a hot journal back). */
      store = amap_store_open_existing (fixture->path, FALSE, &error);
      g_assert_no_error (error);
      n = amap_store_count_assets (store);
      g_clear_object (&store);

      assert_sound (fixture->path);
      g_assert_false (side_exists (fixture->path, "-journal"));
      g_assert_cmpint (count_live (fixture->path), ==, n);
      if (n == 0)
        n_none++;
      else if (n == n_import)
        n_all++;
      else
        g_error ("Killed after %" G_GINT64_FORMAT " µs: %u assets, neither 0 nor %u",
                 delay, n, n_import);
    }

  g_test_message ("Killed fresh imports: %u left nothing (%u with a hot journal, %u of "
                  "them opened read-only), %u were complete", n_none, n_hot, n_read_only, n_all);
  /* The kills met the import inside its transaction. */
  g_assert_cmpuint (n_hot, >, 0);
  g_rand_free (rand);
}

/*
 * While another process imports many placemarks: a reader never sees
 * part of the import, and a second writer waits for it, then succeeds (or
 * says the map is busy).
 */
static void
test_concurrent_import (Fixture       *fixture,
                        gconstpointer  data)
{
  const guint n_base = 10, n_import = 20000;
  g_autofree char *kml = write_kml (fixture->dir, n_import);
  g_autofree char *wal = side_path (fixture->path, "-wal");
  g_autoptr(GPtrArray) argv = binary_argv ();
  g_autoptr(AmapStore) reader = NULL;
  g_autoptr(AmapStore) writer = NULL;
  g_autoptr(AmapAsset) asset = amap_asset_new ("Written during the import");
  g_autoptr(GError) error = NULL;
  guint n_reads = 0;
  guint n_written = 0;
  gboolean saw_all = FALSE;
  int status = 0;
  GPid pid;

  if (argv == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  make_map (fixture->path, n_base);
  reader = amap_store_open_existing (fixture->path, FALSE, &error);
  g_assert_no_error (error);
  writer = amap_store_open_existing (fixture->path, FALSE, &error);
  g_assert_no_error (error);

  pid = spawn_import (fixture->path, kml);

  /* Read as fast as we can until the import is in. */
  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      guint n;

      amap_store_refresh (reader);
      n = amap_store_count_assets (reader);
      n_reads++;
      if (n != n_base + n_written && n != n_base + n_import + n_written)
        g_error ("A reader saw %u assets during the import", n);
      if (n == n_base + n_import + n_written)
        {
          saw_all = TRUE;
          break;
        }

      /* Once, while the import's transaction is open: a second writer. */
      if (n_reads == 20)
        {
          amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
          if (amap_store_add_asset (writer, asset, &error))
            {
              n_written = 1;
              g_test_message ("The second writer waited, then saved");
            }
          else
            {
              g_assert_error (error, AMAP_ERROR, AMAP_ERROR_BUSY);
              g_assert_nonnull (strstr (error->message, "Another program is using"));
              g_test_message ("The second writer said: %s", error->message);
              g_clear_error (&error);
            }
        }
      g_usleep (5000);
    }
  if (saw_all)
    status = wait_child (pid);
  else
    g_spawn_close_pid (pid);

  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_test_message ("%u reads during the import", n_reads);

  amap_store_refresh (reader);
  g_assert_cmpuint (amap_store_count_assets (reader), ==, n_base + n_import + n_written);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* A small tmpfs at @dir; FALSE when this test may not mount one. */
static gboolean
mount_small_disk (const char *dir,
                  const char *size)
{
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0700", size);

  if (geteuid () != 0)
    return FALSE;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  if (mount ("tmpfs", dir, "tmpfs", 0, options) != 0)
    {
      g_test_message ("Cannot mount a tmpfs here (%s)", g_strerror (errno));
      g_rmdir (dir);
      return FALSE;
    }

  return TRUE;
}

/* Fills the disk of @dir but @leave bytes. */
static void
fill_disk (const char *filler,
           gsize       leave)
{
  g_autofree char *block = g_malloc0 (4096);
  g_autofree char *dir = g_path_get_dirname (filler);
  struct statvfs fs;
  int fd = g_open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (statvfs (dir, &fs), ==, 0);
  for (guint64 free_bytes = (guint64) fs.f_bavail * fs.f_frsize; free_bytes > leave + 4096;
       free_bytes -= 4096)
    if (write (fd, block, 4096) != 4096)
      break;
  close (fd);
}

/* In a child with RLIMIT_FSIZE: the import fails for lack of room. */
static void
import_with_size_limit (gpointer data)
{
  const char * const *paths = data;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (paths[1]);
  g_autoptr(AmapImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  struct rlimit limit;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (g_stat (paths[0], &st), ==, 0);
  store = amap_store_open_existing (paths[0], FALSE, &error);
  g_assert_no_error (error);
  limit.rlim_cur = limit.rlim_max = st.st_size + 4096;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  report = amap_import_file (store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
}

/*
 * A full disk: a small tmpfs when the test may mount one (root here and in
 * CI), else RLIMIT_FSIZE in a child (SIGXFSZ ignored). The import says the
 * disk is full, and the map is as it was; with room again it works.
 */
static void
test_disk_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *disk = g_build_filename (fixture->dir, "small", NULL);
  g_autofree char *path = g_build_filename (disk, "full.assetmap", NULL);
  g_autofree char *filler = g_build_filename (disk, "filler", NULL);
  g_autofree char *kml = write_kml (fixture->dir, 3000);
  g_autoptr(GPtrArray) argv = binary_argv ();
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  if (argv == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }

  if (!mount_small_disk (disk, "4m"))
    {
      const char *paths[] = { fixture->path, kml };

      make_map (fixture->path, 20);
      before = read_bytes (fixture->path);
      if (!run_as_user (geteuid (), import_with_size_limit, (gpointer) paths))
        {
          int status = 0;
          pid_t pid = fork ();

          g_assert_cmpint (pid, >=, 0);
          if (pid == 0)
            {
              import_with_size_limit ((gpointer) paths);
              _exit (0);
            }
          g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
          g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        }
      after = read_bytes (fixture->path);
      g_assert_true (g_bytes_equal (before, after));
      assert_no_side_files (fixture->path);
      return;
    }

  make_map (path, 20);
  before = read_bytes (path);
  fill_disk (filler, 48 * 1024);

  import_on_full_disk (path, kml);
  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  assert_no_side_files (path);
  g_assert_cmpint (count_live (path), ==, 20);

  /* Room again. */
  g_unlink (filler);
  import_with_room (path, kml);
  g_assert_cmpint (count_live (path), ==, 3020);
  assert_no_side_files (path);

  g_assert_cmpint (umount2 (disk, MNT_DETACH), ==, 0);
}

/*
 * A full disk during the first import into a map without assets (in a
 * rollback journal): the import says the disk is full, the map is sound,
 * without assets and with nothing beside it; with room again it works.
 */
static void
test_disk_full_fresh (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *disk = g_build_filename (fixture->dir, "small", NULL);
  g_autofree char *path = g_build_filename (disk, "full.assetmap", NULL);
  g_autofree char *filler = g_build_filename (disk, "filler", NULL);
  g_autofree char *kml = write_kml (fixture->dir, 3000);
  g_autoptr(GPtrArray) argv = binary_argv ();

  if (argv == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set or not built");
      return;
    }
  if (!mount_small_disk (disk, "4m"))
    {
      g_test_skip ("Needs a small tmpfs");
      return;
    }

  make_map (path, 0);
  fill_disk (filler, 48 * 1024);

  import_on_full_disk (path, kml);
  assert_no_side_files (path);
  g_assert_cmpint (count_live (path), ==, 0);
  assert_sound (path);

  g_unlink (filler);
  import_with_room (path, kml);
  g_assert_cmpint (count_live (path), ==, 3000);
  assert_no_side_files (path);

  g_assert_cmpint (umount2 (disk, MNT_DETACH), ==, 0);
}

static void
put_many (AmapStore  *store,
          const char *prefix,
          guint       n,
          gsize       text_size)
{
  g_autofree char *text = g_strnfill (text_size, 'n');
  g_autoptr(GError) error = NULL;
  AmapStoreBatch *batch = amap_store_batch_begin (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", prefix, i);
      g_autoptr(AmapAsset) asset = amap_asset_new (name);

      amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
      amap_asset_set_location (asset, 41 + i * 0.0001, -87);
      amap_asset_set_description (asset, text);
      g_assert_true (amap_store_batch_put (batch, asset, NULL, &error));
    }
  g_assert_true (amap_store_batch_commit (batch, &error));
  g_assert_no_error (error);
}

/*
 * A commit that fits in the log (which a bigger one made long enough)
 * while the checkpoint does not fit in the map file: the change is saved,
 * the next one says the disk is full, and with room again the checkpoint
 * runs and nothing is left beside the map.
 */
static void
test_checkpoint_full (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *disk = g_build_filename (fixture->dir, "small", NULL);
  g_autofree char *path = g_build_filename (disk, "nearly-full.assetmap", NULL);
  g_autofree char *filler = g_build_filename (disk, "filler", NULL);
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!mount_small_disk (disk, "64m"))
    {
      g_test_skip ("Needs a small tmpfs");
      return;
    }

  store = amap_store_open (path, &error);
  g_assert_no_error (error);
  /* A long log, checkpointed: the next commits reuse its space. (The
   * first import into a map without assets writes no log: one asset
   * first.) */
  g_free (add_asset (store, "Before the log", 41, -87));
  put_many (store, "First", 3000, 2000);
  g_assert_false (store->checkpoint_pending);

  fill_disk (filler, 64 * 1024);
  put_many (store, "Second", 1000, 2000);
  /* Saved: in the log, which the map file could not take in. */
  g_assert_true (store->checkpoint_pending);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 4001);

  {
    g_autoptr(AmapAsset) asset = amap_asset_new ("While the disk is full");

    amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
    g_assert_false (amap_store_add_asset (store, asset, &error));
    g_assert_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE);
    g_assert_nonnull (strstr (error->message, "disk is full"));
    g_assert_nonnull (strstr (error->message, "earlier changes are safe"));
    g_clear_error (&error);
  }

  g_assert_cmpint (g_unlink (filler), ==, 0);
  {
    struct statvfs fs;

    g_assert_cmpint (statvfs (disk, &fs), ==, 0);
    g_test_message ("Free again: %" G_GUINT64_FORMAT " bytes",
                    (guint64) fs.f_bavail * fs.f_frsize);
  }
  g_free (add_asset (store, "With room again", 41, -87));
  g_assert_false (store->checkpoint_pending);
  g_clear_object (&store);
  assert_no_side_files (path);
  g_assert_cmpint (count_live (path), ==, 4002);

  g_assert_cmpint (umount2 (disk, MNT_DETACH), ==, 0);
}

static gboolean
bytes_contain (const guint8 *data,
               gsize         size,
               const char   *text)
{
  gsize length = strlen (text);

  for (gsize i = 0; i + length <= size; i++)
    if (memcmp (data + i, text, length) == 0)
      return TRUE;
  return FALSE;
}

/* Flips the page-type byte of a leaf page of the assets table in the
 * middle of the file. */
static void
damage_middle_leaf (const char *path)
{
  sqlite3 *db = open_immutable (path);
  gint64 page_size = query_int (db, "PRAGMA page_size");
  gint64 n_pages = query_int (db, "PRAGMA page_count");
  gint64 root = query_int (db, "SELECT rootpage FROM sqlite_schema WHERE name = 'assets'");
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  int fd;

  sqlite3_close (db);
  bytes = read_bytes (path);
  data = g_bytes_get_data (bytes, NULL);

  /* A table leaf (0x0d) in the middle of the file that holds the
   * assets' notes is one of the assets table's. */
  for (gint64 page = MAX (n_pages / 3, root + 1); page <= n_pages; page++)
    {
      const guint8 *start = data + (page - 1) * page_size;
      guint8 byte = 0x0d ^ 0xff;

      if (start[0] != 0x0d || !bytes_contain (start, page_size, "Notes about asset"))
        continue;

      fd = g_open (path, O_RDWR, 0);
      g_assert_cmpint (pwrite (fd, &byte, 1, (page - 1) * page_size), ==, 1);
      close (fd);
      return;
    }

  g_error ("No leaf page of the assets table found");
}

/* Gives the last row of a leaf page of the assets table the zeros of a
 * page cut part way (payload and row id 0), and damages the leaf after
 * it: a read in row-id order gives row id 0 last, then fails. */
static void
zero_last_row_of_leaf (const char *path)
{
  sqlite3 *db = open_immutable (path);
  gint64 page_size = query_int (db, "PRAGMA page_size");
  gint64 n_pages = query_int (db, "PRAGMA page_count");
  gint64 root = query_int (db, "SELECT rootpage FROM sqlite_schema WHERE name = 'assets'");
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gint64 zeroed = 0;

  sqlite3_close (db);
  bytes = read_bytes (path);
  data = g_bytes_get_data (bytes, NULL);

  for (gint64 page = MAX (n_pages / 3, root + 1); page <= n_pages; page++)
    {
      const guint8 *start = data + (page - 1) * page_size;
      g_autofree guint8 *zeros = NULL;
      guint8 byte = 0x0d ^ 0xff;
      guint n_cells, cell, end;
      int fd;

      if (start[0] != 0x0d || !bytes_contain (start, page_size, "Notes about asset"))
        continue;

      fd = g_open (path, O_RDWR, 0);
      if (zeroed == 0)
        {
          n_cells = (start[3] << 8) | start[4];
          g_assert_cmpuint (n_cells, >, 1);
          cell = (start[8 + 2 * (n_cells - 1)] << 8) | start[8 + 2 * (n_cells - 1) + 1];
          end = page_size;
          for (guint i = 0; i < n_cells; i++)
            {
              guint other = (start[8 + 2 * i] << 8) | start[8 + 2 * i + 1];

              if (other > cell && other < end)
                end = other;
            }
          zeros = g_malloc0 (end - cell);
          g_assert_cmpint (pwrite (fd, zeros, end - cell, (page - 1) * page_size + cell), ==,
                           (gssize) (end - cell));
          zeroed = page;
        }
      else
        g_assert_cmpint (pwrite (fd, &byte, 1, (page - 1) * page_size), ==, 1);
      close (fd);
      if (zeroed != page)
        return;
    }

  g_error ("No two leaf pages of the assets table found");
}

static void
check_salvaged (const char *path,
                guint       n_original)
{
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) box = NULL;
  g_autoptr(GError) error = NULL;

  assert_sound (path);
  store = amap_store_open_existing (path, FALSE, &error);
  g_assert_no_error (error);
  assets = amap_store_list_assets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (assets->len, >, 0);
  g_assert_cmpuint (assets->len, <, n_original);
  g_test_message ("Salvaged %u of %u assets", assets->len, n_original);

  /* Each is whole: its text matches its name. */
  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);
      guint number = 0;
      g_autofree char *expected = NULL;

      if (sscanf (amap_asset_get_name (asset), "Asset %u", &number) != 1)
        g_error ("A salvaged asset is not whole: “%s”, “%s”", amap_asset_get_name (asset),
                 amap_asset_get_description (asset));
      expected = g_strdup_printf ("Notes about asset %u that nobody else has", number);
      g_assert_cmpstr (amap_asset_get_description (asset), ==, expected);
    }

  /* The indexes were built afresh. */
  hits = amap_store_search (store, "nobody", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, assets->len);
  box = amap_store_query_box (store, 40, -88, 42, -86, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (box->len, ==, assets->len);

  /* And it takes new work. */
  g_free (add_asset (store, "After the salvage", 41, -87));
}

/* Import choices as amap-import-plan.c writes them. */
#define CHOICES "{\"layers\":{\"Iglesias\":\"faith\"}}"

/* Saving what can still be read from a truncated map, and from one with a
 * damaged page in the middle, into a new map. */
static void
test_salvage (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *truncated = g_build_filename (fixture->dir, "truncated.assetmap", NULL);
  g_autofree char *damaged = g_build_filename (fixture->dir, "damaged.assetmap", NULL);
  g_autofree char *cut = g_build_filename (fixture->dir, "cut.assetmap", NULL);
  g_autofree char *saved = g_build_filename (fixture->dir, "saved.assetmap", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  make_map (truncated, 2000);
  bytes = read_bytes (truncated);
  g_assert_true (g_file_set_contents (truncated, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes) / 2, NULL));
  before = read_bytes (truncated);

  amap_store_salvage (truncated, saved, &error);
  g_assert_no_error (error);
  after = read_bytes (truncated);
  g_assert_true (g_bytes_equal (before, after));
  assert_no_side_files (truncated);
  check_salvaged (saved, 2000);

  /* Not over an existing file. */
  g_assert_false (amap_store_salvage (truncated, saved, &error));
  g_assert_error (error, AMAP_ERROR, AMAP_ERROR_INVALID);
  g_clear_error (&error);
  remove_with_side_files (saved);

  /* A row of zeros (row id 0, as a page cut part way gives) read last
   * before the damage: the copy goes on past the damage all the same. */
  make_map (cut, 2000);
  zero_last_row_of_leaf (cut);
  amap_store_salvage (cut, saved, &error);
  g_assert_no_error (error);
  assert_no_side_files (cut);
  check_salvaged (saved, 2000);
  remove_with_side_files (saved);

  make_map (damaged, 2000);
  {
    g_autoptr(AmapStore) store = amap_store_open_existing (damaged, FALSE, &error);

    g_assert_no_error (error);
    g_assert_true (amap_store_set_import_choices (store, "Partners.kml", CHOICES, &error));
    g_assert_no_error (error);
  }
  damage_middle_leaf (damaged);
  g_clear_pointer (&before, g_bytes_unref);
  before = read_bytes (damaged);

  /* From the command line, as the damaged message suggests. */
  {
    const char *args[] = { "--database", damaged, "--salvage", saved, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    if (!run_binary (args, &out, &err, &status))
      amap_store_salvage (damaged, saved, &error);
    else
      {
        g_assert_cmpstr (err, ==, "");
        g_assert_cmpint (status, ==, 0);
        g_assert_true (g_str_has_prefix (out, "Saved "));
        g_assert_nonnull (strstr (out, "saved.assetmap"));
      }
  }
  g_assert_no_error (error);
  g_clear_pointer (&after, g_bytes_unref);
  after = read_bytes (damaged);
  g_assert_true (g_bytes_equal (before, after));
  assert_no_side_files (damaged);
  check_salvaged (saved, 2000);

  /* What the user chose for a file's layers comes along too. */
  {
    g_autoptr(AmapStore) store = amap_store_open_existing (saved, FALSE, &error);
    g_autofree char *choices = NULL;

    g_assert_no_error (error);
    choices = amap_store_dup_import_choices (store, "Partners.kml");
    g_assert_cmpstr (choices, ==, CHOICES);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/store-faults/second-process", Fixture, NULL,
              fixture_setup, test_second_process, fixture_teardown);

  g_test_add ("/store-faults/bad-files", Fixture, NULL,
              fixture_setup, test_bad_files, fixture_teardown);
  g_test_add ("/store-faults/read-only", Fixture, NULL,
              fixture_setup, test_read_only, fixture_teardown);
  g_test_add ("/store-faults/shared-folder", Fixture, NULL,
              fixture_setup, test_shared_folder, fixture_teardown);

  g_test_add ("/store-faults/killed-import", Fixture, NULL,
              fixture_setup, test_killed_import, fixture_teardown);
  g_test_add ("/store-faults/killed-fresh-import", Fixture, NULL,
              fixture_setup, test_killed_fresh_import, fixture_teardown);
  g_test_add ("/store-faults/concurrent-import", Fixture, NULL,
              fixture_setup, test_concurrent_import, fixture_teardown);
  g_test_add ("/store-faults/disk-full", Fixture, NULL,
              fixture_setup, test_disk_full, fixture_teardown);

  g_test_add ("/store-faults/disk-full-fresh", Fixture, NULL,
              fixture_setup, test_disk_full_fresh, fixture_teardown);
  g_test_add ("/store-faults/checkpoint-full", Fixture, NULL,
              fixture_setup, test_checkpoint_full, fixture_teardown);

  g_test_add ("/store-faults/salvage", Fixture, NULL,
              fixture_setup, test_salvage, fixture_teardown);

  return g_test_run ();
}
