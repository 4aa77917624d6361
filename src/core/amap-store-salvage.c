/* amap-store-salvage.c: what can still be read from a damaged map, saved
 * into a new one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/*
 * The damaged file is only read (read-only, through SQLite). Each table of
 * the new map is filled with the rows of its namesake that SQLite can still
 * read, column by column where both have the column (the damaged map may
 * be of an older version). A table is read in row-id order; where a page
 * is damaged the read fails, and the copy goes on from the first row id
 * past the damage that can be reached (found by doubling the step, then by
 * bisection). Rows that lost their parent (contacts of an asset that could
 * not be read) are dropped, assets of a lost category go to "other", and
 * the search and location indexes are built afresh.
 */

typedef struct
{
  sqlite3   *source;
  AmapStore *dest;
  guint      n_lost;      /* damaged stretches skipped */
  guint      n_rejected;  /* rows that read but were not sound */
} Salvage;

/* The columns @table has in both databases, quoted and joined by commas;
 * NULL when the damaged map has no such table (or cannot say). */
static char *
common_columns (Salvage    *salvage,
                const char *table)
{
  g_autoptr(GString) columns = g_string_new (NULL);
  g_autoptr(GHashTable) source_columns = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                 g_free, NULL);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (salvage->source, "SELECT name FROM pragma_table_info (?1)", -1,
                          &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (source_columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  if (sqlite3_prepare_v2 (salvage->dest->db, "SELECT name FROM pragma_table_info (?1)", -1,
                          &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_hash_table_contains (source_columns, name))
        continue;
      if (columns->len > 0)
        g_string_append_c (columns, ',');
      g_string_append_printf (columns, "\"%s\"", name);
    }
  sqlite3_finalize (stmt);

  return columns->len > 0 ? g_strdup (columns->str) : NULL;
}

/* Copies the current row of @select through @insert. A row that breaks
 * the new map's rules (a damaged one that still reads) is left out. */
static gboolean
copy_row (Salvage       *salvage,
          sqlite3_stmt  *select,
          sqlite3_stmt  *insert,
          GError       **error)
{
  int n = sqlite3_column_count (select);
  int rc;

  sqlite3_reset (insert);
  for (int i = 0; i < n; i++)
    {
      /* Our text never holds a NUL: one that does was cut by the damage
       * (the rest of its page is zeros). */
      if (sqlite3_column_type (select, i) == SQLITE_TEXT &&
          memchr (sqlite3_column_text (select, i), 0, sqlite3_column_bytes (select, i)) != NULL)
        {
          salvage->n_rejected++;
          return TRUE;
        }
      sqlite3_bind_value (insert, i + 1, sqlite3_column_value (select, i));
    }

  rc = sqlite3_step (insert);
  sqlite3_reset (insert);
  if (rc == SQLITE_DONE)
    return TRUE;
  if ((rc & 0xff) == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_MISMATCH)
    {
      salvage->n_rejected++;
      return TRUE;
    }

  return _amap_store_set_sqlite_error (salvage->dest, rc, error);
}

/* Reads from @select (bound to start at ?1) until the end or an error.
 * Returns the result code that ended it; *last is the last row id copied
 * (set only when *copied_any). With @ordered, row ids must rise from
 * @start: a damaged page can still give rows out of order (a page cut
 * part way gives rows of zeros, row id 0, after the rows before the cut).
 * Such a row is left out: it would replace a sound row of that id, and it
 * would send the copy back to where it started. */
static int
copy_from (Salvage       *salvage,
           sqlite3_stmt  *select,
           sqlite3_stmt  *insert,
           gboolean       ordered,
           gint64         start,
           gint64        *last,
           gboolean      *copied_any,
           GError       **error)
{
  int rc;

  *copied_any = FALSE;
  sqlite3_reset (select);
  sqlite3_bind_int64 (select, 1, start);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (select, 0);

      if (ordered && (rowid < start || (*copied_any && rowid <= *last)))
        {
          salvage->n_rejected++;
          continue;
        }
      if (!copy_row (salvage, select, insert, error))
        return SQLITE_ABORT;
      *last = rowid;
      *copied_any = TRUE;
    }
  sqlite3_reset (select);

  return rc;
}

/* TRUE when a read of @select from row id @start gets past the damage
 * (a row, or the end of the table). */
static gboolean
readable_from (sqlite3_stmt *select,
               gint64        start,
               gboolean     *at_end)
{
  int rc;

  sqlite3_reset (select);
  sqlite3_bind_int64 (select, 1, start);
  rc = sqlite3_step (select);
  sqlite3_reset (select);
  *at_end = rc == SQLITE_DONE;

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
copy_table (Salvage     *salvage,
            const char  *table,
            gboolean     with_rowid,
            GError     **error)
{
  g_autofree char *columns = common_columns (salvage, table);
  g_autofree char *select_sql = NULL;
  g_autofree char *insert_sql = NULL;
  g_autoptr(GString) marks = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  gint64 start = G_MININT64;
  gint64 last = G_MININT64;
  gboolean copied_any = FALSE;
  guint n_columns = 1;

  if (columns == NULL)
    return TRUE;

  for (const char *p = columns; *p; p++)
    if (*p == ',')
      n_columns++;
  for (guint i = 0; i < n_columns + (with_rowid ? 1 : 0); i++)
    g_string_append (marks, i ? ",?" : "?");

  if (with_rowid)
    {
      select_sql = g_strdup_printf ("SELECT rowid, %s FROM \"%s\" WHERE rowid >= ?1 "
                                    "ORDER BY rowid", columns, table);
      insert_sql = g_strdup_printf ("INSERT OR REPLACE INTO \"%s\" (rowid, %s) VALUES (%s)",
                                    table, columns, marks->str);
    }
  else
    {
      /* ?1 is never used: no row id to start from. */
      select_sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE ?1 IS NOT NULL", columns, table);
      insert_sql = g_strdup_printf ("INSERT OR REPLACE INTO \"%s\" (%s) VALUES (%s)",
                                    table, columns, marks->str);
    }

  if (sqlite3_prepare_v2 (salvage->source, select_sql, -1, &select, NULL) != SQLITE_OK)
    {
      g_debug ("Salvage: cannot read %s: %s", table, sqlite3_errmsg (salvage->source));
      salvage->n_lost++;
      return TRUE;
    }
  if (!(insert = _amap_store_prepare (salvage->dest, insert_sql, error)))
    return FALSE;

  if (!with_rowid)
    {
      gint64 unused = 0;
      int rc = copy_from (salvage, select, insert, FALSE, 0, &unused, &copied_any, error);

      if (rc == SQLITE_ABORT)
        return FALSE;
      if (rc != SQLITE_DONE)
        salvage->n_lost++;
      return TRUE;
    }

  /* Each pass starts past the last row id the one before copied, or past
   * where it started when it copied nothing: start only ever rises, so
   * the copy ends. */
  while (TRUE)
    {
      gint64 base, fail, ok, step;
      gboolean at_end = FALSE;
      int rc = copy_from (salvage, select, insert, TRUE, start, &last, &copied_any, error);

      if (rc == SQLITE_ABORT)
        return FALSE;
      if (rc == SQLITE_DONE)
        break;

      /* Damage after row id @base: find the first row id past it we can
       * reach. */
      salvage->n_lost++;
      base = copied_any ? last : MAX (start, 0);
      g_assert (base >= start);
      fail = base;
      ok = 0;
      for (step = 1; base <= G_MAXINT64 - step; step *= 2)
        {
          if (readable_from (select, base + step, &at_end))
            {
              ok = base + step;
              break;
            }
          fail = base + step;
          if (step > G_MAXINT64 / 2)
            break;
        }

      if (ok == 0)
        break;

      while (ok - fail > 1)
        {
          gint64 mid = fail + (ok - fail) / 2;
          gboolean mid_end = FALSE;

          if (readable_from (select, mid, &mid_end))
            ok = mid;
          else
            fail = mid;
        }

      if (!readable_from (select, ok, &at_end) || at_end)
        break;
      g_assert (ok > start);
      start = ok;
    }

  return TRUE;
}

/*
 * A copy of the damaged file beside @near_path, as long as its header says
 * it is (zeros where it was cut short). SQLite refuses a schema whose
 * tables start past the end of the file, so a truncated map would give
 * nothing; with the length back, each table gives what it still has. The
 * copy reads through the connection's own file (@source): the map may be
 * open in this process, and no other descriptor of it may be closed.
 */
static char *
padded_copy (sqlite3     *source,
             const char  *near_path)
{
  g_autofree char *tmp_path = g_strdup_printf ("%s.salvage-XXXXXX", near_path);
  g_autofree guint8 *buffer = NULL;
  const sqlite3_int64 chunk = 1024 * 1024;
  sqlite3_file *file = NULL;
  sqlite3_int64 size = 0;
  sqlite3_int64 target;
  guint8 header[100];
  gint64 page_size;
  gint64 n_pages;
  int fd;

  if (sqlite3_file_control (source, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL ||
      file->pMethods->xFileSize (file, &size) != SQLITE_OK ||
      size < (sqlite3_int64) sizeof header ||
      file->pMethods->xRead (file, header, sizeof header, 0) != SQLITE_OK)
    return NULL;

  page_size = (header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  n_pages = ((gint64) header[28] << 24) | (header[29] << 16) | (header[30] << 8) | header[31];
  target = MAX (size, n_pages * page_size);

  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return NULL;

  buffer = g_malloc (chunk);
  for (sqlite3_int64 offset = 0; offset < size; offset += chunk)
    {
      int amount = (int) MIN (chunk, size - offset);
      int rc = file->pMethods->xRead (file, buffer, amount, offset);

      /* A short read comes back zero-filled. */
      if ((rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) ||
          pwrite (fd, buffer, amount, offset) != amount)
        {
          close (fd);
          g_unlink (tmp_path);
          return NULL;
        }
    }

  if (ftruncate (fd, target) != 0)
    {
      close (fd);
      g_unlink (tmp_path);
      return NULL;
    }
  close (fd);

  return g_steal_pointer (&tmp_path);
}

static gint64
count_schema (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_schema", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/* Tables a salvage copies, parents first. The virtual tables (search,
 * locations) are rebuilt instead. */
static const struct
{
  const char *name;
  gboolean    with_rowid;
} tables[] = {
  { "map", TRUE },
  { "categories", TRUE },
  { "assets", TRUE },
  { "contacts", TRUE },
  { "interactions", TRUE },
  { "tags", TRUE },
  { "asset_tags", FALSE },
  { "tours", TRUE },
  { "tour_stops", FALSE },
  { "route_legs", FALSE },
  { "import_choices", TRUE },
};

/* Drops rows whose parent was lost, and assets that are not whole, after
 * giving assets of a lost category the "other" one. */
static gboolean
drop_orphans (Salvage  *salvage,
              GError  **error)
{
  AmapStore *dest = salvage->dest;
  g_autoptr(sqlite3_stmt) check = NULL;
  gboolean found = TRUE;

  /* A page cut in the middle can still give rows, made of the zeros
   * after the cut: no asset of ours lacks a name or a uuid. */
  if (!_amap_store_exec_sql (dest,
                             "DELETE FROM assets WHERE name IS NULL OR trim (name) = '' "
                             "  OR uuid IS NULL OR length (uuid) <> 36 "
                             "  OR created <= 0 OR modified <= 0;"
                             "UPDATE assets SET lat = NULL, lon = NULL "
                             "  WHERE lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180;"
                             "UPDATE assets SET category = 'other' "
                             "WHERE category NOT IN (SELECT key FROM categories);"
                             "DELETE FROM asset_tags WHERE asset_id NOT IN (SELECT id FROM assets) "
                             "  OR tag_id NOT IN (SELECT id FROM tags);"
                             "DELETE FROM tour_stops WHERE asset_id NOT IN (SELECT id FROM assets) "
                             "  OR tour_id NOT IN (SELECT id FROM tours);",
                             error))
    return FALSE;

  /* The rest, whatever the version's tables are. */
  while (found)
    {
      int rc;

      found = FALSE;
      g_clear_pointer (&check, sqlite3_finalize);
      if (!(check = _amap_store_prepare (dest, "PRAGMA foreign_key_check", error)))
        return FALSE;

      while ((rc = sqlite3_step (check)) == SQLITE_ROW)
        {
          g_autofree char *sql = NULL;

          if (sqlite3_column_type (check, 1) == SQLITE_NULL)
            continue;
          sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE rowid = %" G_GINT64_FORMAT,
                                 sqlite3_column_text (check, 0),
                                 (gint64) sqlite3_column_int64 (check, 1));
          sqlite3_reset (check);
          if (!_amap_store_exec_sql (dest, sql, error))
            return FALSE;
          found = TRUE;
          break;
        }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return _amap_store_set_sqlite_error (dest, rc, error);
    }

  return TRUE;
}

/**
 * amap_store_salvage:
 * @damaged_path: a map SQLite finds damaged; only read
 * @new_path: where the new map goes; must not exist yet
 *
 * Saves every row SQLite can still read from @damaged_path into a new map
 * at @new_path, which then opens like any other. Fails (and leaves no new
 * file) when not even the list of tables can be read.
 */
gboolean
amap_store_salvage (const char  *damaged_path,
                    const char  *new_path,
                    GError     **error)
{
  g_autofree char *uri = NULL;
  g_autofree char *padded_path = NULL;
  g_autofree char *display = NULL;
  g_autoptr(AmapStore) dest = NULL;
  Salvage salvage = { 0 };
  gboolean ok = FALSE;
  gint64 n_tables = 0;
  int rc;

  g_return_val_if_fail (damaged_path != NULL, FALSE);
  g_return_val_if_fail (new_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (damaged_path);

  if (g_file_test (new_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *new_display = g_filename_display_name (new_path);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” already exists. Choose a new name for the map that gets what "
                     "can still be read."),
                   new_display);
      return FALSE;
    }

  uri = _amap_store_read_only_uri (damaged_path);
  rc = sqlite3_open_v2 (uri, &salvage.source, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    n_tables = count_schema (salvage.source);

  /* Cut short, most likely: read a copy with its length back. */
  if (rc == SQLITE_OK && n_tables == 0 &&
      (padded_path = padded_copy (salvage.source, new_path)) != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (padded_path, "/", FALSE);
      g_autofree char *padded_uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);

      sqlite3_close (salvage.source);
      salvage.source = NULL;
      rc = sqlite3_open_v2 (padded_uri, &salvage.source, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                            NULL);
      if (rc == SQLITE_OK)
        n_tables = count_schema (salvage.source);
    }

  if (n_tables == 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_DAMAGED,
                   _("Nothing can be read from the map “%s” any more: even its list of "
                     "tables is damaged. Open a backup of it instead."),
                   display);
      sqlite3_close (salvage.source);
      if (padded_path != NULL)
        g_unlink (padded_path);
      return FALSE;
    }

  dest = _amap_store_open_with_flags (new_path, AMAP_STORE_OPEN_CREATE, error);
  if (dest == NULL)
    {
      sqlite3_close (salvage.source);
      if (padded_path != NULL)
        g_unlink (padded_path);
      return FALSE;
    }
  salvage.dest = dest;

  if (!_amap_store_exec_sql (dest, "PRAGMA foreign_keys = OFF", error) ||
      !_amap_store_begin (dest, error))
    goto out;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!copy_table (&salvage, tables[i].name, tables[i].with_rowid, error))
      goto rollback;

  if (!drop_orphans (&salvage, error) ||
      !_amap_store_rebuild_indexes (dest, error) ||
      !_amap_store_commit (dest, error))
    goto rollback;

  g_debug ("Salvaged %s into %s (%u damaged stretches skipped, %u rows left out)",
           damaged_path, new_path, salvage.n_lost, salvage.n_rejected);
  ok = _amap_store_exec_sql (dest, "PRAGMA foreign_keys = ON", error);
  goto out;

rollback:
  _amap_store_rollback (dest);

out:
  sqlite3_close (salvage.source);
  if (padded_path != NULL)
    g_unlink (padded_path);
  if (!ok)
    {
      g_autofree char *wal = g_strconcat (new_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (new_path, "-shm", NULL);

      g_clear_object (&dest);
      g_unlink (new_path);
      g_unlink (wal);
      g_unlink (shm);
    }

  return ok;
}
