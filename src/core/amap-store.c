/* amap-store.c: one map, one SQLite file. The only code that speaks SQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/*
 * Layout of a map file (schema v1; v2 below changes the tours). Every asset row stays in the file when
 * the user deletes it (deleted = 1), so undo and amap_store_restore_asset()
 * can bring it back with its contacts and log. Two indexes follow the
 * assets: an R*Tree over the locations of live assets and an FTS5 table
 * over the searchable text (including tags and contact names). Both are
 * kept up to date by write_asset() and set_deleted() from the values in
 * hand, not by triggers: a trigger would re-read the asset, its tags and
 * its contacts after every row, which was most of the time of an import.
 *
 * An asset's extra fields (the columns of someone else's spreadsheet) are
 * one BLOB in its row: "key\0value\0key\0value\0…", keys sorted. Nothing
 * queries them one by one, and one row per field cost an INSERT each.
 */
static const char schema_v1[] =
  "CREATE TABLE map ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  title TEXT,"
  "  home_name TEXT,"
  "  home_lat REAL,"
  "  home_lon REAL,"
  "  created INTEGER NOT NULL,"
  "  modified INTEGER NOT NULL);"

  "CREATE TABLE categories ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  color TEXT NOT NULL,"
  "  icon TEXT,"
  "  builtin INTEGER NOT NULL DEFAULT 0,"
  "  position INTEGER NOT NULL);"

  "CREATE TABLE assets ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  source_id TEXT,"
  "  name TEXT NOT NULL,"
  "  category TEXT NOT NULL REFERENCES categories (key) ON UPDATE CASCADE,"
  "  lat REAL,"
  "  lon REAL,"
  "  shape TEXT,"
  "  address TEXT,"
  "  description TEXT,"
  "  strengths TEXT,"
  "  needs TEXT,"
  "  website TEXT,"
  "  phone TEXT,"
  "  email TEXT,"
  "  is_hub INTEGER NOT NULL DEFAULT 0,"
  "  stage TEXT NOT NULL DEFAULT 'identified',"
  "  last_contacted TEXT,"
  "  created INTEGER NOT NULL,"
  "  modified INTEGER NOT NULL,"
  "  extras BLOB,"
  "  deleted INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX assets_source_id ON assets (source_id) WHERE source_id IS NOT NULL;"
  "CREATE INDEX assets_category ON assets (category);"

  "CREATE TABLE contacts ("
  "  id INTEGER PRIMARY KEY,"
  "  asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT,"
  "  role TEXT,"
  "  phone TEXT,"
  "  email TEXT,"
  "  language TEXT,"
  "  notes TEXT);"
  "CREATE INDEX contacts_asset ON contacts (asset_id, position);"

  "CREATE TABLE interactions ("
  "  id INTEGER PRIMARY KEY,"
  "  asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,"
  "  date TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  notes TEXT);"
  "CREATE INDEX interactions_asset ON interactions (asset_id, date);"

  "CREATE TABLE tags ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE);"
  "CREATE TABLE asset_tags ("
  "  asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,"
  "  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (asset_id, tag_id)) WITHOUT ROWID;"
  "CREATE INDEX asset_tags_tag ON asset_tags (tag_id);"

  "CREATE TABLE tours ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  start_time TEXT,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE tour_stops ("
  "  tour_id INTEGER NOT NULL REFERENCES tours (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,"
  "  dwell_minutes INTEGER NOT NULL DEFAULT 0,"
  "  note TEXT,"
  "  PRIMARY KEY (tour_id, position)) WITHOUT ROWID;"
  "CREATE INDEX tour_stops_asset ON tour_stops (asset_id);"

  /* Only live assets with a location are in the R*Tree. */
  "CREATE VIRTUAL TABLE asset_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);"

  /* Row id = the asset's id; tags and contacts are the names joined by
   * spaces (see write_fts()). Contentless: the text is in assets already,
   * and searches only need the row ids. Deleted assets keep their row;
   * queries join back to assets to drop them. */
  "CREATE VIRTUAL TABLE asset_fts USING fts5 ("
  "  name, description, strengths, needs, address, tags, contacts,"
  "  content = '', tokenize = 'unicode61 remove_diacritics 2');";

/*
 * Schema v2: tours as the tour planner needs them, and stored road legs.
 *
 * A departure (and a latest return) is the wall-clock time as people
 * planned it, "YYYY-MM-DDTHH:MM:SS", plus the time zone it is in, by name
 * ("America/Chicago"; NULL: the computer's zone). Not a UTC instant, not
 * an offset: a tour at 9:00 on a summer day planned in winter is at 9:00
 * daylight time, a copy moved a week across the change is still at 9:00,
 * and a change of the zone's rules keeps it at 9:00 too. An offset would
 * pin the instant and move the bus by an hour in each of those cases.
 *
 * Places (start, end) are a kind ('home', 'asset', 'point', 'start'),
 * an asset's uuid or a point. A stop refers to its asset's row; the row
 * stays when the asset is deleted (deleted = 1), so restoring the asset
 * brings the stop back.
 *
 * route_legs caches the legs a routing server returned, so that a tour
 * still shows and prints offline: keyed by the two ends in microdegrees,
 * the path as an encoded polyline with 6 decimals (polyline6, OSRM's own
 * format: about 3 bytes per point).
 */
static const char schema_v2[] =
  "ALTER TABLE tours ADD COLUMN departure TEXT;"
  "ALTER TABLE tours ADD COLUMN departure_zone TEXT;"
  "ALTER TABLE tours ADD COLUMN latest_return TEXT;"
  "ALTER TABLE tours ADD COLUMN latest_return_zone TEXT;"
  "ALTER TABLE tours ADD COLUMN speed_kmh REAL NOT NULL DEFAULT 25;"
  "ALTER TABLE tours ADD COLUMN n_buses INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE tours ADD COLUMN start_kind TEXT NOT NULL DEFAULT 'home';"
  "ALTER TABLE tours ADD COLUMN start_uuid TEXT;"
  "ALTER TABLE tours ADD COLUMN start_lat REAL;"
  "ALTER TABLE tours ADD COLUMN start_lon REAL;"
  "ALTER TABLE tours ADD COLUMN end_kind TEXT NOT NULL DEFAULT 'start';"
  "ALTER TABLE tours ADD COLUMN end_uuid TEXT;"
  "ALTER TABLE tours ADD COLUMN end_lat REAL;"
  "ALTER TABLE tours ADD COLUMN end_lon REAL;"
  "ALTER TABLE tours ADD COLUMN modified INTEGER NOT NULL DEFAULT 0;"
  "UPDATE tours SET modified = created;"

  "ALTER TABLE tour_stops ADD COLUMN bus INTEGER NOT NULL DEFAULT 0;"

  "CREATE TABLE route_legs ("
  "  from_lat INTEGER NOT NULL,"  /* microdegrees */
  "  from_lon INTEGER NOT NULL,"
  "  to_lat INTEGER NOT NULL,"
  "  to_lon INTEGER NOT NULL,"
  "  kind TEXT NOT NULL DEFAULT 'road',"
  "  distance_m REAL NOT NULL,"
  "  duration_s REAL NOT NULL,"
  "  geometry TEXT NOT NULL,"     /* polyline6 */
  "  server TEXT,"                /* the routing server's base URL */
  "  fetched INTEGER NOT NULL,"
  "  PRIMARY KEY (from_lat, from_lon, to_lat, to_lon)) WITHOUT ROWID;";


static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_DATA_VERSION] = "PRAGMA data_version",
  [STMT_TOUCH_MAP] = "UPDATE map SET modified = ?1",
  [STMT_ID_BY_UUID] = "SELECT id, deleted FROM assets WHERE uuid = ?1",
  [STMT_ID_BY_SOURCE_ID] =
    "SELECT id FROM assets WHERE source_id = ?1 AND deleted = 0 ORDER BY id LIMIT 1",
  [STMT_IDENTITY] = "SELECT uuid, created FROM assets WHERE id = ?1",
  [STMT_INSERT_ASSET] =
    "INSERT INTO assets (" ASSET_COLUMNS ") VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22)",
  [STMT_UPDATE_ASSET] =
    "UPDATE assets SET uuid = ?1, source_id = ?2, name = ?3, category = ?4, lat = ?5, "
    "lon = ?6, shape = ?7, address = ?8, description = ?9, strengths = ?10, needs = ?11, "
    "website = ?12, phone = ?13, email = ?14, is_hub = ?15, stage = ?16, "
    "last_contacted = ?17, created = CASE WHEN created > 0 THEN created ELSE ?18 END, "
    "modified = ?19, extras = ?20, folders = ?21, location_source = ?22, deleted = 0 "
    "WHERE id = ?23",
  [STMT_SET_DELETED] = "UPDATE assets SET deleted = ?2, modified = ?3 WHERE id = ?1",
  [STMT_DELETE_TAGS] = "DELETE FROM asset_tags WHERE asset_id = ?1",
  [STMT_DELETE_CONTACTS] = "DELETE FROM contacts WHERE asset_id = ?1",
  [STMT_DELETE_INTERACTIONS] = "DELETE FROM interactions WHERE asset_id = ?1",
  [STMT_INSERT_TAG] = "INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
  [STMT_INSERT_ASSET_TAG] =
    "INSERT OR IGNORE INTO asset_tags (asset_id, tag_id) SELECT ?1, id FROM tags WHERE name = ?2",
  [STMT_INSERT_CONTACT] =
    "INSERT INTO contacts (id, asset_id, position, name, role, phone, email, language, notes) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  [STMT_INSERT_INTERACTION] =
    "INSERT INTO interactions (id, asset_id, date, kind, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_SELECT_ASSET] = SELECT_ASSET "WHERE id = ?1",
  [STMT_SELECT_TAGS] =
    "SELECT x.asset_id, t.name FROM asset_tags x JOIN tags t ON t.id = x.tag_id "
    "WHERE x.asset_id = ?1",
  [STMT_SELECT_CONTACTS] =
    "SELECT asset_id, id, name, role, phone, email, language, notes FROM contacts "
    "WHERE asset_id = ?1 ORDER BY position, id",
  [STMT_SELECT_INTERACTIONS] =
    "SELECT asset_id, id, date, kind, notes FROM interactions "
    "WHERE asset_id = ?1 ORDER BY date, id",
  /* asset_fts keeps no copy of the text (content = ''): removing a row
   * takes the values that were indexed. */
  [STMT_FTS_DELETE] =
    "INSERT INTO asset_fts (asset_fts, rowid, name, description, strengths, needs, address, "
    "tags, contacts) VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_FTS_INSERT] =
    "INSERT INTO asset_fts (rowid, name, description, strengths, needs, address, tags, contacts) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_RTREE_DELETE] = "DELETE FROM asset_rtree WHERE id = ?1",
  /* ?1 id, ?2 latitude, ?3 longitude, ?4 uuid, ?5 name (schema v5). */
  [STMT_RTREE_INSERT] =
    "INSERT INTO asset_rtree (id, min_lat, max_lat, min_lon, max_lon, uuid, lat, lon, name) "
    "VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?2, ?3, ?5)",
  [STMT_RTREE_RESTORE] =
    "INSERT OR REPLACE INTO asset_rtree (id, min_lat, max_lat, min_lon, max_lon, uuid, lat, lon, name) "
    "SELECT id, lat, lat, lon, lon, uuid, lat, lon, name FROM assets "
    "WHERE id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL",
  /* ?1 south, ?2 west, ?3 north, ?4 east. The R*Tree finds the
   * candidates by their 32-bit boxes (rounded outwards, so a few too
   * many); the exact coordinates and the uuid are the R*Tree's own
   * auxiliary columns, read from its row table (a0, a1, a2) in the same
   * statement: joining each candidate to its wide row in assets was most
   * of the time of a box query, and so was the R*Tree's lookup of the
   * auxiliary columns through a statement of its own for each row. Only
   * live assets are in the R*Tree. */
  [STMT_QUERY_BOX] =
    "SELECT x.a0 FROM asset_rtree r CROSS JOIN asset_rtree_rowid x ON x.rowid = r.id "
    "WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 AND r.max_lon >= ?2 AND r.min_lon <= ?4 "
    "AND x.a1 >= ?1 AND x.a1 <= ?3 AND x.a2 >= ?2 AND x.a2 <= ?4",
  /* Across the antimeridian (?2 > ?4): two boxes, each of which the
   * R*Tree can search (west of it: from ?2 to 180; east: from -180 to ?4);
   * no location is in both. */
  [STMT_QUERY_BOX_ACROSS] =
    "SELECT x.a0 FROM asset_rtree r CROSS JOIN asset_rtree_rowid x ON x.rowid = r.id "
    "WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 AND r.max_lon >= ?2 "
    "AND x.a1 >= ?1 AND x.a1 <= ?3 AND x.a2 >= ?2 "
    "UNION ALL "
    "SELECT x.a0 FROM asset_rtree r CROSS JOIN asset_rtree_rowid x ON x.rowid = r.id "
    "WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 AND r.min_lon <= ?4 "
    "AND x.a1 >= ?1 AND x.a1 <= ?3 AND x.a2 <= ?4",
  /* The name counts most, then what the asset offers and needs; equal
   * ranks by name. Deleted assets keep their FTS row. The uuid and name of
   * a live asset with a location come from the R*Tree's row table (a0, a3:
   * narrow rows, read in the order of the FTS matches); only the others
   * (no location, or deleted) are looked up in their wide rows in assets.
   * That lookup for every match was a third of a search with many. */
  [STMT_SEARCH] =
    "SELECT uuid FROM ("
    "  SELECT coalesce (x.a0, (SELECT a.uuid FROM assets a WHERE a.id = f.rowid AND a.deleted = 0)) "
    "           AS uuid, "
    "         bm25 (asset_fts, 10.0, 2.0, 3.0, 3.0, 2.0, 4.0, 4.0) AS rank, "
    "         coalesce (x.a3, (SELECT a.name FROM assets a WHERE a.id = f.rowid)) AS name "
    "  FROM asset_fts f LEFT JOIN asset_rtree_rowid x ON x.rowid = f.rowid "
    "  WHERE asset_fts MATCH ?1) "
    "WHERE uuid IS NOT NULL ORDER BY rank, name",
  /* The same matches, unranked (bm25 costs about 1.5 µs a match). */
  [STMT_SEARCH_MATCHES] =
    "SELECT uuid FROM ("
    "  SELECT coalesce (x.a0, (SELECT a.uuid FROM assets a WHERE a.id = f.rowid AND a.deleted = 0)) "
    "           AS uuid "
    "  FROM asset_fts f LEFT JOIN asset_rtree_rowid x ON x.rowid = f.rowid "
    "  WHERE asset_fts MATCH ?1) "
    "WHERE uuid IS NOT NULL",
};

G_DEFINE_FINAL_TYPE (AmapStore, amap_store, G_TYPE_OBJECT)

GParamSpec *amap_store_properties[N_PROPS];
guint amap_store_signals[N_SIGNALS];

gint64
_amap_store_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Errors */

/* The sentence that says what can be done about a damaged map: open the
 * backup a migration left, if any, or a copy made with Back Up Map, or save
 * what can still be read into a new map. */
static char *
damaged_advice (const char *path)
{
  for (int version = AMAP_STORE_SCHEMA_VERSION; version >= 1; version--)
    {
      g_autofree char *backup = g_strdup_printf ("%s.backup-v%d", path, version);

      if (g_file_test (backup, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *display = g_filename_display_name (backup);

          return g_strdup_printf (_("Open its backup “%s” instead, or save what can still "
                                    "be read into a new map."),
                                  display);
        }
    }

  return g_strdup (_("Open a copy saved with Back Up Map instead, or save what can still "
                     "be read into a new map."));
}

/*
 * Turns a failed SQLite call on the map @path into an error a user can act
 * on: one sentence for each cause, naming the file. @rc is an extended
 * result code, @system_errno what sqlite3_system_errno() said (0: unknown).
 */
static void
set_file_error (const char  *path,
                int          rc,
                int          system_errno,
                const char  *detail,
                GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  int primary = rc & 0xff;

  /* A write that failed for lack of room comes back as SQLITE_FULL, or
   * as an I/O error with ENOSPC, EDQUOT or EFBIG behind it. */
  if (primary == SQLITE_FULL ||
      (primary == SQLITE_IOERR &&
       (system_errno == ENOSPC || system_errno == EFBIG
#ifdef EDQUOT
        || system_errno == EDQUOT
#endif
        )))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                   _("The disk is full, so the change to “%s” was not saved. "
                     "Free some space, then try again."),
                   display);
      return;
    }

  switch (primary)
    {
    case SQLITE_IOERR:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The map “%s” could not be read or written: the disk reported an "
                     "error (%s). Check that the disk is still connected, then try again."),
                   display, system_errno ? g_strerror (system_errno) : sqlite3_errstr (rc));
      break;

    case SQLITE_READONLY:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                   _("The map “%s” is read-only, so nothing was changed. "
                     "Save a copy somewhere you may write to."),
                   display);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_BUSY,
                   _("Another program is using the map “%s”. Wait until it is done, "
                     "then try again."),
                   display);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      {
        g_autofree char *advice = damaged_advice (path);

        /* Translators: the second %s says what can be done ("Open its backup…"). */
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_DAMAGED,
                     _("The map “%s” is damaged, so Asset Map will not change it. %s"),
                     display, advice);
      }
      break;

    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("You do not have permission to open the map “%s”. Ask its owner to "
                     "share it with you, or open a copy."),
                   display);
      break;

    case SQLITE_CANTOPEN:
      if (system_errno == EACCES || system_errno == EPERM)
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                     _("You do not have permission to open the map “%s”. Ask its owner to "
                       "share it with you, or open a copy."),
                     display);
      else
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                     _("The map “%s” could not be opened: %s."),
                     display, system_errno ? g_strerror (system_errno) : sqlite3_errstr (rc));
      break;

    default:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("The map “%s” could not be changed: %s."),
                   display, detail ? detail : sqlite3_errstr (rc));
      break;
    }
}

/* Turns a failed SQLite call into an error a user can act on. */
gboolean
_amap_store_set_sqlite_error (AmapStore  *self,
                              int         rc,
                              GError    **error)
{
  /* Callers pass what a step returned; the connection knows more. */
  if (self->db != NULL && (rc & 0xff) == (sqlite3_extended_errcode (self->db) & 0xff))
    rc = sqlite3_extended_errcode (self->db);

  set_file_error (self->path, rc,
                  self->db ? sqlite3_system_errno (self->db) : 0,
                  self->db ? sqlite3_errmsg (self->db) : NULL,
                  error);
  return FALSE;
}

/* PRAGMA quick_check: before the first write after opening, so that a
 * damaged map is never written to (0.1 s on a 46 MB map). */
static gboolean
check_sound (AmapStore  *self,
             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_debug ("quick_check of %s: %s", self->path, sqlite3_column_text (stmt, 0));
      set_file_error (self->path, SQLITE_CORRUPT, 0, NULL, error);
      return FALSE;
    }

  self->checked = TRUE;
  return TRUE;
}

/* Tries the checkpoint that failed for lack of space again. */
static gboolean
retry_checkpoint (AmapStore  *self,
                  GError    **error)
{
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_autofree char *display = g_filename_display_name (self->path);
      int system_errno = sqlite3_system_errno (self->db);

      g_debug ("Checkpoint of %s: %s (%s)", self->path, sqlite3_errstr (rc), g_strerror (system_errno));

      if ((rc & 0xff) == SQLITE_FULL || system_errno == ENOSPC || system_errno == EFBIG)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                       _("The disk is full, so the change to “%s” was not saved; your "
                         "earlier changes are safe. Free some space, then try again."),
                       display);
          return FALSE;
        }
      return _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
    }

  self->checkpoint_pending = FALSE;
  return TRUE;
}

gboolean
_amap_store_check_writable (AmapStore  *self,
                            GError    **error)
{
  if (self->read_only)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                   _("The map “%s” is read-only, so nothing was changed. "
                     "Save a copy somewhere you may write to."),
                   display);
      return FALSE;
    }

  if (self->batch != NULL)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                           _("The map is busy with an import. Wait until it is finished, "
                             "then try again."));
      return FALSE;
    }

  if (!self->checked && !check_sound (self, error))
    return FALSE;

  if (self->checkpoint_pending && !retry_checkpoint (self, error))
    return FALSE;

  return TRUE;
}

/*
 * Called after each commit with the number of frames in the log. SQLite's
 * own automatic checkpoint ignores its failures; on a nearly full disk the
 * commit fits in the log but the checkpoint does not fit in the map file.
 * Then the next write tries again first and says the disk is full if it
 * still is (see _amap_store_check_writable()), and closing tries again.
 */
static int
on_wal_commit (gpointer     user_data,
               sqlite3     *db,
               const char  *db_name,
               int          n_frames)
{
  AmapStore *self = user_data;
  int rc;

  if (n_frames < 1000 && !self->checkpoint_pending)
    return SQLITE_OK;

  rc = sqlite3_wal_checkpoint_v2 (db, db_name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  if ((rc & 0xff) == SQLITE_FULL ||
      ((rc & 0xff) == SQLITE_IOERR &&
       (sqlite3_system_errno (db) == ENOSPC || sqlite3_system_errno (db) == EFBIG)))
    {
      g_debug ("Checkpoint of %s failed: the disk is full", self->path);
      self->checkpoint_pending = TRUE;
    }
  else if (rc == SQLITE_OK)
    self->checkpoint_pending = FALSE;

  return SQLITE_OK;
}

/* Statements */

/* Returns the cached statement @id, reset and with no bindings. */
sqlite3_stmt *
_amap_store_get_stmt (AmapStore  *self,
                      StmtId      id,
                      GError    **error)
{
  sqlite3_stmt *stmt = self->stmts[id];

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[id], -1,
                                   SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          g_warning ("Cannot prepare “%s”: %s", stmt_sql[id], sqlite3_errmsg (self->db));
          _amap_store_set_sqlite_error (self, rc, error);
          return NULL;
        }
      self->stmts[id] = stmt;
    }
  else
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }

  return stmt;
}

sqlite3_stmt *
_amap_store_prepare (AmapStore   *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      g_warning ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  return stmt;
}

/* Runs a statement that returns no rows (or whose rows don't matter). */
gboolean
_amap_store_step_done (AmapStore     *self,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    {
      rc = sqlite3_extended_errcode (self->db);
      sqlite3_reset (stmt);
      return _amap_store_set_sqlite_error (self, rc, error);
    }

  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_amap_store_run_cached (AmapStore  *self,
                        StmtId      id,
                        GError    **error)
{
  sqlite3_stmt *stmt = _amap_store_get_stmt (self, id, error);

  return stmt != NULL && _amap_store_step_done (self, stmt, error);
}

gboolean
_amap_store_exec_sql (AmapStore   *self,
                      const char  *sql,
                      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_debug ("“%.60s” failed: %s", sql, sqlite3_errmsg (self->db));
      return _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
    }

  return TRUE;
}

void
_amap_store_bind_text (sqlite3_stmt *stmt,
                       int           index,
                       const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    /* Every caller steps the statement before @text goes away, and the
     * next use of a cached statement clears its bindings first. */
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

void
_amap_store_bind_double (sqlite3_stmt *stmt,
                         int           index,
                         double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
}

const char *
_amap_store_column_text (sqlite3_stmt *stmt,
                         int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

double
_amap_store_column_double (sqlite3_stmt *stmt,
                           int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NAN;

  return sqlite3_column_double (stmt, column);
}

/* Transactions */

gboolean
_amap_store_begin (AmapStore  *self,
                   GError    **error)
{
  return _amap_store_run_cached (self, STMT_BEGIN, error);
}

gboolean
_amap_store_commit (AmapStore  *self,
                    GError    **error)
{
  if (!_amap_store_run_cached (self, STMT_COMMIT, error))
    {
      if (!sqlite3_get_autocommit (self->db))
        _amap_store_run_cached (self, STMT_ROLLBACK, NULL);
      return FALSE;
    }

  return TRUE;
}

void
_amap_store_rollback (AmapStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    _amap_store_run_cached (self, STMT_ROLLBACK, NULL);
}

gboolean
_amap_store_touch_map (AmapStore  *self,
                       gint64      now,
                       GError    **error)
{
  sqlite3_stmt *stmt = _amap_store_get_stmt (self, STMT_TOUCH_MAP, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  if (!_amap_store_step_done (self, stmt, error))
    return FALSE;

  self->modified = now;
  return TRUE;
}

/* Metadata */

static gboolean
load_metadata (AmapStore  *self,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *old_title = g_steal_pointer (&self->title);
  g_autofree char *old_home_name = g_steal_pointer (&self->home_name);
  double old_latitude = self->home_latitude;
  double old_longitude = self->home_longitude;
  gboolean home_changed;
  int rc;

  stmt = _amap_store_prepare (self, "SELECT title, home_name, home_lat, home_lon, created, modified "
                        "FROM map WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;

  self->home_latitude = NAN;
  self->home_longitude = NAN;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      self->title = g_strdup (_amap_store_column_text (stmt, 0));
      self->home_name = g_strdup (_amap_store_column_text (stmt, 1));
      self->home_latitude = _amap_store_column_double (stmt, 2);
      self->home_longitude = _amap_store_column_double (stmt, 3);
      self->created = sqlite3_column_int64 (stmt, 4);
      self->modified = sqlite3_column_int64 (stmt, 5);
    }
  else if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  /* NAN != NAN, so compare "has a home" first. */
  home_changed = g_strcmp0 (old_home_name, self->home_name) != 0 ||
                 isnan (old_latitude) != isnan (self->home_latitude) ||
                 (!isnan (self->home_latitude) &&
                  (old_latitude != self->home_latitude || old_longitude != self->home_longitude));

  if (g_strcmp0 (old_title, self->title) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), amap_store_properties[PROP_TITLE]);
  if (home_changed)
    g_signal_emit (self, amap_store_signals[HOME_CHANGED], 0);

  return TRUE;
}

/* Opening and migrations */

static gboolean
migrate_to_v1 (AmapStore  *self,
               GError    **error)
{
  g_autoptr(GPtrArray) builtin = amap_category_list_builtin ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *pragma = NULL;
  gint64 now = _amap_store_now_seconds ();
  static const char * const english_names[] = {
    /* Built-ins are stored untranslated; see load_categories(). */
    "Business", "Faith-Based Organization", "Community Hub",
    "Nonprofit / Community-Based Org", "Public Agency", "School / Higher Education",
    "Health", "Park / Recreation", "Library / Arts & Culture", "Other",
  };

  g_assert (builtin->len == G_N_ELEMENTS (english_names));

  if (!_amap_store_exec_sql (self, schema_v1, error))
    return FALSE;

  pragma = g_strdup_printf ("PRAGMA application_id = %d", AMAP_STORE_APPLICATION_ID);
  if (!_amap_store_exec_sql (self, pragma, error))
    return FALSE;

  stmt = _amap_store_prepare (self, "INSERT INTO map (id, created, modified) VALUES (1, ?1, ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!_amap_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _amap_store_prepare (self, "INSERT INTO categories (key, name, color, icon, builtin, position) "
                        "VALUES (?1, ?2, ?3, ?4, 1, ?5)", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < builtin->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (builtin, i);

      sqlite3_reset (stmt);
      _amap_store_bind_text (stmt, 1, amap_category_get_key (category));
      _amap_store_bind_text (stmt, 2, english_names[i]);
      _amap_store_bind_text (stmt, 3, amap_category_get_color (category));
      _amap_store_bind_text (stmt, 4, amap_category_get_icon_name (category));
      sqlite3_bind_int (stmt, 5, (int) i);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* A v1 tour's start_time was free text. An ISO 8601 date and time
 * ("2024-08-20T09:00", seconds optional) becomes the departure: without a
 * zone it is a wall-clock time in the computer's zone, with one it keeps
 * its offset. Anything else is kept as it was written (the tour then
 * shows no departure until one is set). */
static void
convert_v1_start_time (const char  *text,
                       char       **departure,
                       char       **zone)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) plus_one = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) as_utc = NULL;
  g_autoptr(GDateTime) as_plus_one = NULL;
  g_autofree char *normal = NULL;

  *departure = g_strdup (text);
  *zone = NULL;

  /* GLib wants the seconds; people often leave them out. */
  regex = g_regex_new ("^\\s*(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2})(:\\d{2}(?:[.,]\\d+)?)?(.*?)\\s*$",
                       G_REGEX_OPTIMIZE, 0, NULL);
  if (!g_regex_match (regex, text, 0, &match))
    return;

  {
    g_autofree char *date = g_match_info_fetch (match, 1);
    g_autofree char *time = g_match_info_fetch (match, 2);
    g_autofree char *seconds = g_match_info_fetch (match, 3);
    g_autofree char *rest = g_match_info_fetch (match, 4);

    normal = g_strconcat (date, "T", time, *seconds ? seconds : ":00", rest, NULL);
  }

  as_utc = g_date_time_new_from_iso8601 (normal, utc);
  as_plus_one = g_date_time_new_from_iso8601 (normal, plus_one);
  if (as_utc == NULL || as_plus_one == NULL)
    return;

  g_free (*departure);
  *departure = g_date_time_format (as_utc, "%Y-%m-%dT%H:%M:%S");
  /* The same instant whatever the default zone: the text named its own. */
  if (g_date_time_equal (as_utc, as_plus_one))
    *zone = g_strdup (g_time_zone_get_identifier (g_date_time_get_timezone (as_utc)));
}

static gboolean
migrate_to_v2 (AmapStore  *self,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  int rc;

  if (!_amap_store_exec_sql (self, schema_v2, error))
    return FALSE;

  if (!(select = _amap_store_prepare (self, "SELECT id, start_time FROM tours "
                                      "WHERE start_time IS NOT NULL", error)) ||
      !(update = _amap_store_prepare (self, "UPDATE tours SET departure = ?2, "
                                      "departure_zone = ?3 WHERE id = ?1", error)))
    return FALSE;

  /* Read them all first: the loop writes the table it would be reading. */
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  texts = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (select, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (texts, g_strdup (_amap_store_column_text (select, 1)));
    }
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *departure = NULL;
      g_autofree char *zone = NULL;

      convert_v1_start_time (g_ptr_array_index (texts, i), &departure, &zone);
      sqlite3_reset (update);
      sqlite3_bind_int64 (update, 1, g_array_index (ids, gint64, i));
      _amap_store_bind_text (update, 2, departure);
      _amap_store_bind_text (update, 3, zone);
      if (!_amap_store_step_done (self, update, error))
        return FALSE;
    }
  g_clear_pointer (&select, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);

  return _amap_store_exec_sql (self, "ALTER TABLE tours DROP COLUMN start_time;", error);
}

/* Version 3: where each asset sat in the file it came from (its folders,
 * "name\0name\0", outermost first) and where its location came from. */
static const char schema_v3[] =
  "ALTER TABLE assets ADD COLUMN folders BLOB;"
  "ALTER TABLE assets ADD COLUMN location_source TEXT;";

static gboolean
migrate_to_v3 (AmapStore  *self,
               GError    **error)
{
  return _amap_store_exec_sql (self, schema_v3, error);
}

/* Version 4: the categories chosen when a file was last imported (by its
 * name), so the next import of that file starts from them. */
static const char schema_v4[] =
  "CREATE TABLE import_choices ("
  "  file TEXT PRIMARY KEY NOT NULL,"
  "  choices TEXT NOT NULL,"
  "  modified INTEGER NOT NULL);";

static gboolean
migrate_to_v4 (AmapStore  *self,
               GError    **error)
{
  return _amap_store_exec_sql (self, schema_v4, error);
}

/* Version 5: the R*Tree keeps each asset's uuid, exact coordinates and
 * name beside its box (auxiliary columns, SQLite 3.24), so that a box
 * query reads nothing else, and a search little else. The R*Tree is made
 * again, from the live assets with a location, in the order of their rows. */
static const char schema_v5[] =
  "DROP TABLE asset_rtree;"
  "CREATE VIRTUAL TABLE asset_rtree USING rtree ("
  "  id, min_lat, max_lat, min_lon, max_lon, +uuid, +lat, +lon, +name);";

/* Many points go into the empty R*Tree at once, as an import writes it
 * (a million one by one took half a minute); a few one by one. */
static gboolean
migrate_to_v5 (AmapStore  *self,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(GArray) points = NULL;
  int rc;

  if (!_amap_store_exec_sql (self, schema_v5, error))
    return FALSE;

  if (!(select = _amap_store_prepare (self, "SELECT id, lat, lon FROM assets "
                                      "WHERE deleted = 0 AND lat IS NOT NULL AND lon IS NOT NULL "
                                      "ORDER BY id", error)))
    return FALSE;

  points = g_array_new (FALSE, FALSE, sizeof (BatchPoint));
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      BatchPoint point = {
        .id = sqlite3_column_int64 (select, 0),
        .sequence = points->len,
        .latitude = sqlite3_column_double (select, 1),
        .longitude = sqlite3_column_double (select, 2),
      };

      g_array_append_val (points, point);
    }
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);
  g_clear_pointer (&select, sqlite3_finalize);

  if (points->len >= AMAP_STORE_RTREE_BULK_MIN)
    return _amap_store_bulk_load_rtree (self, &points, error);

  for (guint i = 0; i < points->len; i++)
    {
      sqlite3_stmt *stmt = _amap_store_get_stmt (self, STMT_RTREE_RESTORE, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (points, BatchPoint, i).id);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

typedef gboolean (*MigrateFunc) (AmapStore  *self,
                                 GError    **error);

/* migrations[n] takes a file from version n - 1 to version n. */
static const MigrateFunc migrations[AMAP_STORE_SCHEMA_VERSION + 1] = {
  [1] = migrate_to_v1,
  [2] = migrate_to_v2,
  [3] = migrate_to_v3,
  [4] = migrate_to_v4,
  [5] = migrate_to_v5,
};

gboolean
_amap_store_query_int (AmapStore   *self,
                       const char  *sql,
                       gint64      *value,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = _amap_store_prepare (self, sql, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _amap_store_set_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_ERROR : rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Backups */

static void
remove_with_side_files (const char *path)
{
  static const char * const suffixes[] = { "", "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);

      g_unlink (side);
    }
}

/* The error for a backup that could not be written to @dest_path. */
static void
set_backup_error (const char  *dest_path,
                  int          rc,
                  int          system_errno,
                  GError     **error)
{
  g_autofree char *display = g_filename_display_name (dest_path);

  if ((rc & 0xff) == SQLITE_FULL || system_errno == ENOSPC || system_errno == EFBIG)
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                 _("There is not enough space for the backup “%s”. Free some space or "
                   "choose another disk, then try again."),
                 display);
  else
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                 _("The backup “%s” could not be saved (%s). Choose another folder, "
                   "then try again."),
                 display, system_errno ? g_strerror (system_errno) : sqlite3_errstr (rc));
}

/*
 * Copies the database of @source (the map @source_path) to @dest_path
 * through SQLite's online backup API: into a new file beside the
 * destination, a few pages at a time inside one read transaction (in WAL
 * mode that blocks no writer, and the copy is one snapshot), then checked,
 * switched to a rollback journal (the copy needs no -wal) and renamed into
 * place. The map file itself is never opened outside SQLite.
 */
static gboolean
copy_database (sqlite3       *source,
               const char    *source_path,
               const char    *dest_path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (dest_path);
  g_autofree char *base = g_path_get_basename (dest_path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX.partial", base);
  g_autofree char *tmp_path = g_build_filename (dir, name, NULL);
  sqlite3 *dest = NULL;
  sqlite3_backup *backup = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean own_transaction = FALSE;
  gboolean ok = FALSE;
  int fd;
  int rc;

  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_backup_error (dest_path, SQLITE_CANTOPEN, errno, error);
      return FALSE;
    }
  close (fd);

  rc = sqlite3_open_v2 (tmp_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_backup_error (dest_path, rc, dest ? sqlite3_system_errno (dest) : 0, error);
      goto out;
    }
  sqlite3_extended_result_codes (dest, TRUE);

  /* One snapshot for every step. */
  if (sqlite3_get_autocommit (source))
    {
      rc = sqlite3_exec (source, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          set_file_error (source_path, sqlite3_extended_errcode (source),
                          sqlite3_system_errno (source), sqlite3_errmsg (source), error);
          sqlite3_exec (source, "ROLLBACK", NULL, NULL, NULL);
          goto out;
        }
      own_transaction = TRUE;
    }

  backup = sqlite3_backup_init (dest, "main", source, "main");
  if (backup == NULL)
    {
      set_backup_error (dest_path, sqlite3_extended_errcode (dest), sqlite3_system_errno (dest),
                        error);
      goto out;
    }

  do
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      rc = sqlite3_backup_step (backup, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (20);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);

  sqlite3_backup_finish (backup);
  backup = NULL;

  if (error != NULL && *error != NULL)
    goto out;

  if (rc != SQLITE_DONE)
    {
      if (sqlite3_errcode (dest) != SQLITE_OK)
        set_backup_error (dest_path, sqlite3_extended_errcode (dest),
                          sqlite3_system_errno (dest), error);
      else
        set_file_error (source_path, rc, sqlite3_system_errno (source),
                        sqlite3_errmsg (source), error);
      goto out;
    }

  /* Self-contained: a rollback journal, no -wal needed. */
  rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (dest, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_backup_error (dest_path, sqlite3_extended_errcode (dest), sqlite3_system_errno (dest),
                        error);
      goto out;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      /* What was copied is what the map holds: the map is damaged. */
      set_file_error (source_path, SQLITE_CORRUPT, 0, NULL, error);
      goto out;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_close (dest);
  dest = NULL;
  if (rc != SQLITE_OK)
    {
      set_backup_error (dest_path, rc, 0, error);
      goto out;
    }

  if (g_rename (tmp_path, dest_path) != 0)
    {
      set_backup_error (dest_path, SQLITE_CANTOPEN, errno, error);
      goto out;
    }

  ok = TRUE;

out:
  if (own_transaction)
    sqlite3_exec (source, "COMMIT", NULL, NULL, NULL);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (dest != NULL)
    sqlite3_close (dest);
  if (!ok)
    remove_with_side_files (tmp_path);

  return ok;
}

static gboolean
migrate (AmapStore  *self,
         gint64      from_version,
         GError    **error)
{
  g_autofree char *pragma = NULL;

  if (from_version > 0)
    {
      g_autofree char *backup_path = g_strdup_printf ("%s.backup-v%" G_GINT64_FORMAT,
                                                      self->path, from_version);
      g_autoptr(GError) local_error = NULL;

      /* Through SQLite, never by copying the file: closing a descriptor of
       * the map would drop this process's locks on it. */
      if (!copy_database (self->db, self->path, backup_path, NULL, &local_error))
        {
          g_autofree char *display = g_filename_display_name (self->path);

          g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                       _("The map “%s” needs an update, but a backup copy could not be "
                         "saved first (%s). Free some space, then open it again."),
                       display, local_error->message);
          return FALSE;
        }
    }

  if (!_amap_store_begin (self, error))
    return FALSE;

  for (gint64 version = from_version + 1; version <= AMAP_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating %s to version %" G_GINT64_FORMAT, self->path, version);
      if (!migrations[version] (self, error))
        {
          _amap_store_rollback (self);
          return FALSE;
        }
    }

  pragma = g_strdup_printf ("PRAGMA user_version = %d", AMAP_STORE_SCHEMA_VERSION);
  if (!_amap_store_exec_sql (self, pragma, error))
    {
      _amap_store_rollback (self);
      return FALSE;
    }

  return _amap_store_commit (self, error);
}

static void
set_not_a_map_error (const char  *path,
                     GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_A_MAP,
               _("“%s” is not an Asset Map file, so it was not opened. "
                 "To bring in places from Google My Maps or Google Earth, "
                 "use Import instead."),
               display);
}

/*
 * Open maps
 *
 * Closing any descriptor of a file drops every POSIX lock this process
 * holds on it, also those an SQLite connection took through another
 * descriptor (SQLite's "How To Corrupt An SQLite Database File", 2.2).
 * Another process then believes it is the last connection and deletes the
 * -wal and -shm files that our connection still writes to. So nothing may
 * open a map file outside SQLite while a store of this process has it
 * open: the list below knows which files those are (by device and inode),
 * and it is held while a store reads a file's header and opens its
 * connection, so that no other thread opens one meanwhile. SQLite's own
 * connections are safe: they share one descriptor per file.
 */
typedef struct
{
  dev_t dev;
  ino_t ino;
  guint count;
} OpenFile;

static GMutex open_files_lock;
static GArray *open_files;

static OpenFile *
find_open_file_locked (dev_t dev,
                       ino_t ino)
{
  for (guint i = 0; open_files != NULL && i < open_files->len; i++)
    {
      OpenFile *file = &g_array_index (open_files, OpenFile, i);

      if (file->dev == dev && file->ino == ino)
        return file;
    }

  return NULL;
}

static void
register_open_file_locked (AmapStore *self)
{
  GStatBuf st;
  OpenFile *file;

  if (g_stat (self->path, &st) != 0)
    return;

  self->file_dev = st.st_dev;
  self->file_ino = st.st_ino;
  self->registered = TRUE;

  if ((file = find_open_file_locked (st.st_dev, st.st_ino)) != NULL)
    file->count++;
  else
    {
      OpenFile new_file = { st.st_dev, st.st_ino, 1 };

      if (open_files == NULL)
        open_files = g_array_new (FALSE, FALSE, sizeof (OpenFile));
      g_array_append_val (open_files, new_file);
    }
}

static void
unregister_open_file_locked (AmapStore *self)
{
  if (!self->registered)
    return;

  self->registered = FALSE;
  for (guint i = 0; open_files != NULL && i < open_files->len; i++)
    {
      OpenFile *file = &g_array_index (open_files, OpenFile, i);

      if (file->dev == self->file_dev && file->ino == self->file_ino)
        {
          if (--file->count == 0)
            g_array_remove_index_fast (open_files, i);
          return;
        }
    }
}

/**
 * amap_store_is_open_file:
 *
 * Returns: TRUE when @path is a file that a store of this process has open.
 *   Code that opens files the user names checks this first.
 */
gboolean
amap_store_is_open_file (const char *path)
{
  GStatBuf st;
  gboolean open;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    return FALSE;

  g_mutex_lock (&open_files_lock);
  open = find_open_file_locked (st.st_dev, st.st_ino) != NULL;
  g_mutex_unlock (&open_files_lock);

  return open;
}

/* Journal modes
 *
 * A map lives in WAL mode (open_connection()). The first import into a
 * map without assets, when no other connection has the file open, runs in
 * a rollback journal instead (amap_store_batch_begin()): SQLite journals
 * only the pages the file had before the transaction (a new map's few
 * schema pages), so each page of the import is written once, into the map
 * itself, where the log takes every page, gives evicted ones back through
 * the log and the checkpoint writes them all again. A kill leaves a hot
 * journal, which the next connection that writes plays back: the map as
 * it was, without assets (see inspect_file() for the look before). After
 * the commit or rollback the map goes back to WAL.
 */

#define STORE_BUSY_TIMEOUT_MS 5000

/**
 * _amap_store_enter_rollback_journal:
 *
 * Outside a transaction: switches the connection to a rollback journal
 * (with synchronous = FULL, as NORMAL skips a sync a power cut could
 * catch in that mode) when no other connection, of this process or
 * another, has the file open.
 *
 * Returns: TRUE when it switched; end with
 *   _amap_store_leave_rollback_journal()
 */
gboolean
_amap_store_enter_rollback_journal (AmapStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  OpenFile *file;
  gboolean alone;
  gboolean switched;
  int rc;

  g_assert (!self->rollback_journal);

  if (self->read_only || self->checkpoint_pending || !sqlite3_get_autocommit (self->db))
    return FALSE;

  /* Another store of this process on the same file. */
  g_mutex_lock (&open_files_lock);
  file = self->registered ? find_open_file_locked (self->file_dev, self->file_ino) : NULL;
  alone = file != NULL && file->count == 1;
  g_mutex_unlock (&open_files_lock);
  if (!alone)
    return FALSE;

  /* Leaving WAL needs the only lock on the file: another process's
   * connection makes it fail, at once rather than after the timeout. */
  sqlite3_busy_timeout (self->db, 0);
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  switched = rc == SQLITE_ROW &&
             g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "delete") == 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_busy_timeout (self->db, STORE_BUSY_TIMEOUT_MS);

  if (!switched)
    {
      g_debug ("%s stays in WAL mode for the import (%s)", self->path, sqlite3_errstr (rc));
      /* A failed switch leaves the connection in WAL mode. */
      return FALSE;
    }

  self->rollback_journal = TRUE;
  if (!_amap_store_exec_sql (self, "PRAGMA synchronous = FULL", NULL))
    {
      _amap_store_leave_rollback_journal (self);
      return FALSE;
    }

  return TRUE;
}

/* Outside a transaction: back to WAL after
 * _amap_store_enter_rollback_journal(). */
void
_amap_store_leave_rollback_journal (AmapStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->rollback_journal)
    return;

  g_assert (sqlite3_get_autocommit (self->db));
  self->rollback_journal = FALSE;

  /* On failure (a full disk, say) the map stays sound in its rollback
   * journal; the next open makes it WAL again. */
  if (!_amap_store_exec_sql (self, "PRAGMA synchronous = NORMAL; PRAGMA journal_mode = WAL", &error))
    g_debug ("%s: back to WAL mode failed: %s", self->path, error->message);
}

/* A journal beside @path that is not empty: hot, unless a connection
 * is in a transaction on the file (which inspect_file() may not ask). */
static gboolean
has_hot_journal (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  GStatBuf st;

  return g_stat (journal, &st) == 0 && st.st_size > 0;
}

/*
 * The URI of a read-only connection to @path that leaves nothing behind:
 * "mode=ro" uses the -shm file of the connections that have the map open;
 * when there is none, "immutable=1" reads the main file without locks and
 * without creating a -shm (which would belong to us, and which the map's
 * owner then could not write). A -wal without a -shm is the log of a
 * writer that crashed; a read-only connection may read it when it creates
 * no file another user could not write.
 */
static char *
read_only_uri (const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean use_log = FALSE;
  GStatBuf st;

  /* A rollback journal (see "Journal modes"): the file may hold part of
   * a transaction; with locks, SQLite waits for a live one and refuses a
   * hot one it may not play back, rather than read it as it is. */
  if (g_file_test (shm, G_FILE_TEST_EXISTS) || has_hot_journal (path))
    use_log = TRUE;
  else if (g_stat (wal, &st) == 0 && st.st_size > 0)
    use_log = g_access (dir, W_OK) != 0 ||
              (g_stat (path, &st) == 0 && st.st_uid == geteuid ());

  return g_strconcat ("file:", escaped, use_log ? "?mode=ro" : "?immutable=1", NULL);
}

/* Sets *@version to @user_version when this version reads it. */
static gboolean
check_version (const char  *path,
               gint64       user_version,
               gint64      *version,
               GError     **error)
{
  if (user_version > AMAP_STORE_SCHEMA_VERSION)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_TOO_NEW,
                   _("The map “%s” was saved by a newer version of Asset Map "
                     "(file version %d, this version reads up to %d). "
                     "Update Asset Map to open it."),
                   display, (int) MIN (user_version, G_MAXINT), AMAP_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  *version = user_version;
  return TRUE;
}

/*
 * Looks at an existing file without changing it: its first 100 bytes must
 * be an SQLite header, then a read-only connection reads application_id and
 * user_version (which may live in the write-ahead log of a map in use).
 * When a store of this process has the file open (@held), the header is not
 * read with stdio (see "Open maps"): the file was ours when that store
 * opened it. Sets *version, or fails with AMAP_ERROR_NOT_A_MAP,
 * AMAP_ERROR_TOO_NEW or AMAP_ERROR_DAMAGED.
 */
static gboolean
inspect_file (const char  *path,
              gboolean     held,
              gint64      *version,
              GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 application_id = 0;
  gint64 user_version = 0;
  gboolean ours = held;
  gboolean ok = FALSE;
  int rc;

  if (!held)
    {
      char header[100];
      size_t n_read;
      FILE *file;

      file = g_fopen (path, "rb");
      if (file == NULL)
        {
          int saved_errno = errno;

          set_file_error (path, SQLITE_CANTOPEN, saved_errno, NULL, error);
          return FALSE;
        }
      n_read = fread (header, 1, sizeof header, file);
      fclose (file);

      if (n_read < sizeof header || memcmp (header, magic, sizeof magic) != 0)
        {
          set_not_a_map_error (path, error);
          return FALSE;
        }

      /* The header's application_id (big-endian at offset 68) settles most
       * cases without SQLite. It is 0 in the main file of a new map whose
       * first transaction still sits in its write-ahead log; only then, or
       * for our own files, do we let SQLite look (read-only). */
      application_id = ((guint32) (guint8) header[68] << 24) |
                       ((guint32) (guint8) header[69] << 16) |
                       ((guint32) (guint8) header[70] << 8) |
                       (guint32) (guint8) header[71];
      ours = application_id == AMAP_STORE_APPLICATION_ID;

      /* A hot journal: a writer in a rollback journal (see "Journal
       * modes") died. The file may hold pages of its transaction that a
       * read-only connection would read as they are, and cannot play the
       * journal back; the read-write one that opens next does. The
       * header's application_id and user_version are the same before
       * and during such a transaction. */
      if (ours && has_hot_journal (path))
        {
          user_version = ((guint32) (guint8) header[60] << 24) |
                         ((guint32) (guint8) header[61] << 16) |
                         ((guint32) (guint8) header[62] << 8) |
                         (guint32) (guint8) header[63];
          return check_version (path, user_version, version, error);
        }

      if (!ours)
        {
          g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
          GStatBuf wal_st;

          if (application_id != 0 ||
              g_stat (wal_path, &wal_st) != 0 ||
              wal_st.st_size == 0)
            {
              set_not_a_map_error (path, error);
              return FALSE;
            }
        }
    }

  uri = read_only_uri (path);
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, TRUE);
      sqlite3_busy_timeout (db, 5000);
      rc = sqlite3_prepare_v2 (db, "SELECT * FROM pragma_application_id, pragma_user_version",
                               -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      application_id = sqlite3_column_int64 (stmt, 0);
      user_version = sqlite3_column_int64 (stmt, 1);
    }

  if (rc == SQLITE_ROW && application_id != AMAP_STORE_APPLICATION_ID)
    set_not_a_map_error (path, error);
  else if (rc == SQLITE_ROW)
    ok = check_version (path, user_version, version, error);
  else if (((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) && !ours)
    set_not_a_map_error (path, error);
  else
    set_file_error (path, db ? sqlite3_extended_errcode (db) : rc,
                    db ? sqlite3_system_errno (db) : 0,
                    db ? sqlite3_errmsg (db) : NULL, error);

  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return ok;
}

static gboolean
open_connection (AmapStore  *self,
                 gboolean    create,
                 GError    **error)
{
  int flags = SQLITE_OPEN_NOMUTEX;
  int rc;

  if (self->read_only)
    {
      g_autofree char *uri = read_only_uri (self->path);

      rc = sqlite3_open_v2 (uri, &self->db, flags | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    }
  else
    {
      flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
      rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
    }

  if (rc != SQLITE_OK)
    {
      set_file_error (self->path, self->db ? sqlite3_extended_errcode (self->db) : rc,
                      self->db ? sqlite3_system_errno (self->db) : 0, NULL, error);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, STORE_BUSY_TIMEOUT_MS);

  if (!self->read_only)
    {
      if (!_amap_store_exec_sql (self, "PRAGMA journal_mode = WAL", error))
        return FALSE;
      sqlite3_wal_hook (self->db, on_wal_commit, self);
    }

  /* A page cache of 16 MiB (SQLite's default is 2) holds the R*Tree of a
   * 100,000-asset map with its row table (11 MiB), so that box queries
   * find their pages in memory rather than reading them from the file
   * again: a third of their time. It grows only as pages are read. */
  return _amap_store_exec_sql (self,
                   "PRAGMA foreign_keys = ON;"
                   "PRAGMA synchronous = NORMAL;"
                   "PRAGMA cache_size = " G_STRINGIFY (AMAP_STORE_CACHE_SIZE) ";",
                   error);
}

/*
 * Finds the file, checks it and opens the connection, with the list of
 * open maps locked (see "Open maps"). Sets *version (0 for a new map).
 */
static gboolean
open_file_locked (AmapStore           *self,
                  AmapStoreOpenFlags   flags,
                  gint64              *version,
                  GError             **error)
{
  g_autofree char *display = g_filename_display_name (self->path);
  g_autofree char *dir = g_path_get_dirname (self->path);
  gboolean create = (flags & AMAP_STORE_OPEN_CREATE) != 0;
  gboolean force_read_only = (flags & AMAP_STORE_OPEN_READ_ONLY) != 0;
  gboolean is_new = FALSE;
  GStatBuf st;

  if (g_stat (self->path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno != ENOENT && saved_errno != ENOTDIR)
        {
          set_file_error (self->path, SQLITE_CANTOPEN, saved_errno, NULL, error);
          return FALSE;
        }
      is_new = TRUE;
    }
  else if (!S_ISREG (st.st_mode))
    {
      set_not_a_map_error (self->path, error);
      return FALSE;
    }
  else if (st.st_size == 0)
    is_new = TRUE;
  else if (!inspect_file (self->path, find_open_file_locked (st.st_dev, st.st_ino) != NULL,
                          version, error))
    return FALSE;

  if (is_new && !create)
    {
      if (g_file_test (self->path, G_FILE_TEST_EXISTS))
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                     _("The file “%s” is empty, so there is no map in it."), display);
      else
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                     _("There is no map at “%s”."), display);
      return FALSE;
    }

  if (is_new)
    {
      if (force_read_only)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                       _("The map “%s” does not exist and cannot be created read-only."),
                       display);
          return FALSE;
        }

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                       _("The folder for the map “%s” could not be created: %s."),
                       display, g_strerror (saved_errno));
          return FALSE;
        }
    }
  else
    {
      g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

      /* SQLite needs to create the -wal and -shm files beside the map, or
       * to write those of the connections that have it open. */
      self->read_only = force_read_only ||
                        g_access (self->path, W_OK) != 0 ||
                        g_access (dir, W_OK) != 0 ||
                        (g_file_test (shm, G_FILE_TEST_EXISTS) && g_access (shm, W_OK) != 0);
    }

  if (!open_connection (self, is_new, error))
    return FALSE;

  register_open_file_locked (self);
  return TRUE;
}

static void
amap_store_dispose (GObject *object)
{
  AmapStore *self = (AmapStore *)object;

  if (self->batch != NULL)
    amap_store_batch_abort (self->batch);

  g_clear_object (&self->categories);
  g_clear_pointer (&self->category_by_key, g_hash_table_unref);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_store_parent_class)->dispose (object);
}

static void
amap_store_finalize (GObject *object)
{
  AmapStore *self = (AmapStore *)object;

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);

  if (self->db != NULL)
    {
      int rc;

      /* Space may have come back since a checkpoint failed. */
      if (self->checkpoint_pending && !self->read_only)
        sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

      g_mutex_lock (&open_files_lock);
      rc = sqlite3_close (self->db);
      unregister_open_file_locked (self);
      g_mutex_unlock (&open_files_lock);

      if (rc != SQLITE_OK)
        g_warning ("Closing %s failed: %s", self->path, sqlite3_errstr (rc));
      self->db = NULL;
    }

  g_free (self->path);
  g_free (self->title);
  g_free (self->home_name);
  g_free (self->undo_label);
  g_free (self->redo_label);
  g_string_free (self->buffers.extras, TRUE);
  g_string_free (self->buffers.folders, TRUE);
  g_string_free (self->buffers.tags, TRUE);
  g_string_free (self->buffers.contacts, TRUE);

  G_OBJECT_CLASS (amap_store_parent_class)->finalize (object);
}

static void
amap_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AmapStore *self = AMAP_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, amap_store_get_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, amap_store_get_can_redo (self));
      break;

    case PROP_UNDO_LABEL:
      g_value_set_string (value, self->undo_label);
      break;

    case PROP_REDO_LABEL:
      g_value_set_string (value, self->redo_label);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_store_class_init (AmapStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = amap_store_dispose;
  object_class->finalize = amap_store_finalize;
  object_class->get_property = amap_store_get_property;

  amap_store_properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  amap_store_properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, flags);
  amap_store_properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  amap_store_properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, flags);
  amap_store_properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, flags);
  amap_store_properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, flags);
  amap_store_properties[PROP_REDO_LABEL] = g_param_spec_string ("redo-label", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, amap_store_properties);

  /**
   * AmapStore::asset-added:
   * @asset: a copy of the asset as stored
   *
   * An asset was added (or brought back by undo or restore).
   */
  amap_store_signals[ASSET_ADDED] =
    g_signal_new ("asset-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_ASSET);

  /**
   * AmapStore::asset-updated:
   * @asset: a copy of the asset as stored now
   */
  amap_store_signals[ASSET_UPDATED] =
    g_signal_new ("asset-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_ASSET);

  /**
   * AmapStore::asset-removed:
   * @uuid: the uuid of the asset that is no longer on the map
   */
  amap_store_signals[ASSET_REMOVED] =
    g_signal_new ("asset-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * AmapStore::reset:
   *
   * Many things changed at once (an import, another connection's _amap_store_commit):
   * reload everything.
   */
  amap_store_signals[RESET] =
    g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AmapStore::categories-changed:
   *
   * A category was added or removed; the categories model is up to date.
   */
  amap_store_signals[CATEGORIES_CHANGED] =
    g_signal_new ("categories-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AmapStore::home-changed:
   *
   * The school's location or name was set or cleared (by this connection,
   * or by another one, seen at amap_store_refresh()).
   */
  amap_store_signals[HOME_CHANGED] =
    g_signal_new ("home-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _amap_store_tours_class_init (klass);
}

static void
amap_store_init (AmapStore *self)
{
  self->home_latitude = NAN;
  self->home_longitude = NAN;
  self->categories = g_list_store_new (AMAP_TYPE_CATEGORY);
  self->category_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) _amap_store_step_free);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) _amap_store_step_free);
  self->buffers.extras = g_string_new (NULL);
  self->buffers.folders = g_string_new (NULL);
  self->buffers.tags = g_string_new (NULL);
  self->buffers.contacts = g_string_new (NULL);
}

static gboolean
read_data_version (AmapStore *self,
                   gint64    *version)
{
  sqlite3_stmt *stmt = _amap_store_get_stmt (self, STMT_DATA_VERSION, NULL);
  gboolean ok = FALSE;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *version = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }

  if (stmt != NULL)
    sqlite3_reset (stmt);

  return ok;
}

/* Public API */

char *
amap_store_get_default_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "asset-map", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_warning ("Cannot create %s: %s", dir, g_strerror (errno));

  return g_build_filename (dir, "default" AMAP_STORE_SUFFIX, NULL);
}

AmapStore *
_amap_store_open_with_flags (const char          *path,
                             AmapStoreOpenFlags   flags,
                             GError             **error)
{
  g_autoptr(AmapStore) self = NULL;
  g_autofree char *display = NULL;
  gint64 version = 0;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  self = g_object_new (AMAP_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  g_mutex_lock (&open_files_lock);
  ok = open_file_locked (self, flags, &version, error);
  g_mutex_unlock (&open_files_lock);
  if (!ok)
    return NULL;

  if (flags & AMAP_STORE_OPEN_AS_IS)
    return g_steal_pointer (&self);

  if (version < AMAP_STORE_SCHEMA_VERSION)
    {
      if (self->read_only)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                       _("The map “%s” was made by an older Asset Map and needs an update, "
                         "but it is read-only. Copy it somewhere you may write to, then "
                         "open the copy."),
                       display);
          return NULL;
        }

      /* A migration is a write: not to a damaged map. */
      if (version > 0 && !check_sound (self, error))
        return NULL;

      if (!migrate (self, version, error))
        return NULL;
    }

  if (!load_metadata (self, error) || !_amap_store_load_categories (self, error))
    return NULL;

  read_data_version (self, &self->data_version);

  g_debug ("Opened %s (schema %d%s)", path, AMAP_STORE_SCHEMA_VERSION,
           self->read_only ? ", read-only" : "");

  return g_steal_pointer (&self);
}

AmapStore *
amap_store_open_full (const char  *path,
                      gboolean     force_read_only,
                      GError     **error)
{
  return _amap_store_open_with_flags (path,
                                      AMAP_STORE_OPEN_CREATE |
                                      (force_read_only ? AMAP_STORE_OPEN_READ_ONLY : 0),
                                      error);
}

AmapStore *
amap_store_open (const char  *path,
                 GError     **error)
{
  return _amap_store_open_with_flags (path, AMAP_STORE_OPEN_CREATE, error);
}

AmapStore *
amap_store_open_existing (const char  *path,
                          gboolean     read_only,
                          GError     **error)
{
  return _amap_store_open_with_flags (path, read_only ? AMAP_STORE_OPEN_READ_ONLY : 0, error);
}

/**
 * amap_store_backup_file:
 *
 * Saves a consistent copy of the map @map_path as @dest_path, safe while
 * the map is open and written in the window: opens its own read-only
 * connection, so it may run in any thread. The copy is complete and checked
 * before it replaces @dest_path; on error @dest_path is as it was.
 */
gboolean
amap_store_backup_file (const char    *map_path,
                        const char    *dest_path,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(AmapStore) store = NULL;
  g_autofree char *dest_wal = NULL;
  g_autofree char *dest_shm = NULL;
  GStatBuf map_st, dest_st;

  g_return_val_if_fail (map_path != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dest_wal = g_strconcat (dest_path, "-wal", NULL);
  dest_shm = g_strconcat (dest_path, "-shm", NULL);

  /* Renaming over a map in use, this one or another, would lose it: in
   * this process the list of open maps knows; another process's map has
   * its -wal and -shm beside it. */
  if (amap_store_is_open_file (dest_path) ||
      g_file_test (dest_wal, G_FILE_TEST_EXISTS) ||
      g_file_test (dest_shm, G_FILE_TEST_EXISTS) ||
      (g_stat (map_path, &map_st) == 0 && g_stat (dest_path, &dest_st) == 0 &&
       map_st.st_dev == dest_st.st_dev && map_st.st_ino == dest_st.st_ino))
    {
      g_autofree char *display = g_filename_display_name (dest_path);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is a map in use, so the backup cannot replace it. "
                     "Choose another name for the backup."),
                   display);
      return FALSE;
    }

  store = _amap_store_open_with_flags (map_path,
                                       AMAP_STORE_OPEN_READ_ONLY | AMAP_STORE_OPEN_AS_IS,
                                       error);
  if (store == NULL)
    return FALSE;

  return copy_database (store->db, map_path, dest_path, cancellable, error);
}

gint64
amap_store_set_max_page_count_for_testing (AmapStore *self,
                                           gint64     max_page_count)
{
  g_autofree char *sql = NULL;
  gint64 page_count = 0;

  g_return_val_if_fail (AMAP_IS_STORE (self), 0);

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_page_count);
  _amap_store_exec_sql (self, sql, NULL);
  _amap_store_query_int (self, "PRAGMA page_count", &page_count, NULL);

  return page_count;
}

void
_amap_store_set_file_error (const char  *path,
                            int          rc,
                            int          system_errno,
                            GError     **error)
{
  set_file_error (path, rc, system_errno, NULL, error);
}

char *
_amap_store_read_only_uri (const char *path)
{
  return read_only_uri (path);
}

void
amap_store_file_error_for_testing (const char  *path,
                                   int          rc,
                                   int          system_errno,
                                   GError     **error)
{
  set_file_error (path, rc, system_errno, NULL, error);
}

const char *
amap_store_get_path (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return self->path;
}

gboolean
amap_store_get_read_only (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), TRUE);
  return self->read_only;
}

void
amap_store_refresh (AmapStore *self)
{
  gint64 version = 0;

  g_return_if_fail (AMAP_IS_STORE (self));

  if (self->batch != NULL || !read_data_version (self, &version))
    return;

  if (version == self->data_version)
    return;

  self->data_version = version;
  g_debug ("Another connection changed %s; reloading", self->path);

  load_metadata (self, NULL);
  _amap_store_load_categories (self, NULL);

  /* What another connection did cannot be undone here, and our own steps
   * may no longer apply to what is stored. */
  _amap_store_clear_history (self);

  g_signal_emit (self, amap_store_signals[CATEGORIES_CHANGED], 0);
  g_signal_emit (self, amap_store_signals[RESET], 0);
}

void
amap_store_refresh_with_step (AmapStore     *self,
                              AmapStoreStep *step)
{
  gint64 version = 0;

  g_return_if_fail (AMAP_IS_STORE (self));
  g_return_if_fail (step != NULL);

  if (read_data_version (self, &version))
    self->data_version = version;

  load_metadata (self, NULL);
  _amap_store_load_categories (self, NULL);
  _amap_store_push_step (self, step);

  g_signal_emit (self, amap_store_signals[CATEGORIES_CHANGED], 0);
  g_signal_emit (self, amap_store_signals[RESET], 0);
}

/* Map metadata */

const char *
amap_store_get_title (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return self->title;
}

/* Runs @sql (with ?1 = now, ?2.. = @text / @a / @b) on the map row. */
static gboolean
update_map_row (AmapStore   *self,
                const char  *sql,
                const char  *text,
                double       a,
                double       b,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (!(stmt = _amap_store_prepare (self, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, _amap_store_now_seconds ());
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    _amap_store_bind_text (stmt, 2, text);
  if (sqlite3_bind_parameter_count (stmt) >= 4)
    {
      _amap_store_bind_double (stmt, 3, a);
      _amap_store_bind_double (stmt, 4, b);
    }

  if (!_amap_store_step_done (self, stmt, error))
    return FALSE;

  return load_metadata (self, error);
}

gboolean
amap_store_set_title (AmapStore   *self,
                      const char  *title,
                      GError     **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  trimmed = g_strstrip (g_strdup (title ? title : ""));
  if (g_strcmp0 (*trimmed ? trimmed : NULL, self->title) == 0)
    return TRUE;

  return update_map_row (self, "UPDATE map SET modified = ?1, title = ?2",
                         *trimmed ? trimmed : NULL, NAN, NAN, error);
}

gboolean
amap_store_get_home (AmapStore   *self,
                     double      *latitude,
                     double      *longitude,
                     const char **name)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (isnan (self->home_latitude) || isnan (self->home_longitude))
    return FALSE;

  if (latitude != NULL)
    *latitude = self->home_latitude;
  if (longitude != NULL)
    *longitude = self->home_longitude;
  if (name != NULL)
    *name = self->home_name;

  return TRUE;
}

/* The school's location as an undo step */

typedef struct
{
  char   *name;
  double  latitude;   /* NAN: none */
  double  longitude;
} Home;

typedef struct
{
  AmapStoreChange parent;
  Home            before;
  Home            after;
} HomeChange;

static gboolean
home_change_apply (AmapStore        *self,
                   AmapStoreChange  *change,
                   gboolean          undo,
                   GError          **error)
{
  HomeChange *home_change = (HomeChange *) change;
  const Home *to = undo ? &home_change->before : &home_change->after;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = _amap_store_prepare (self, "UPDATE map SET home_name = ?1, home_lat = ?2, home_lon = ?3", error)))
    return FALSE;

  _amap_store_bind_text (stmt, 1, to->name);
  _amap_store_bind_double (stmt, 2, to->latitude);
  _amap_store_bind_double (stmt, 3, to->longitude);
  return _amap_store_step_done (self, stmt, error);
}

static void
home_change_emit (AmapStore       *self,
                  AmapStoreChange *change,
                  gboolean         undo)
{
  g_autoptr(GError) error = NULL;

  /* Reads the row back; emits AmapStore::home-changed. */
  if (!load_metadata (self, &error))
    g_warning ("Cannot read back the school’s location: %s", error->message);
}

static void
home_change_free (AmapStoreChange *change)
{
  HomeChange *home_change = (HomeChange *) change;

  g_free (home_change->before.name);
  g_free (home_change->after.name);
  g_free (home_change);
}

static const AmapStoreChangeClass home_change_class = {
  home_change_apply,
  home_change_emit,
  home_change_free,
};

/* Moves the school to @name at @latitude, @longitude (NAN: no school) in
 * one undo step. Nothing happens, and no step is made, when it is there
 * already. */
static gboolean
change_home (AmapStore   *self,
             const char  *name,
             double       latitude,
             double       longitude,
             GError     **error)
{
  HomeChange *change;
  AmapStoreStep *step;
  gboolean had = !isnan (self->home_latitude);
  gboolean has = !isnan (latitude);

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (had == has && g_strcmp0 (self->home_name, name) == 0 &&
      (!has || (self->home_latitude == latitude && self->home_longitude == longitude)))
    return TRUE;

  change = g_new0 (HomeChange, 1);
  change->parent.klass = &home_change_class;
  change->before = (Home) { g_strdup (self->home_name), self->home_latitude, self->home_longitude };
  change->after = (Home) { g_strdup (name), latitude, longitude };

  if (has)
    step = _amap_store_step_new (g_strdup (_("Undo Set School Location")),
                                 g_strdup (_("Redo Set School Location")));
  else
    step = _amap_store_step_new (g_strdup (_("Undo Remove School Location")),
                                 g_strdup (_("Redo Remove School Location")));
  _amap_store_step_add_change (step, (AmapStoreChange *) change);

  return _amap_store_run_step (self, step, error);
}

/**
 * amap_store_set_home:
 *
 * Sets where the school is (its name may be %NULL), as one undo step.
 */
gboolean
amap_store_set_home (AmapStore   *self,
                     const char  *name,
                     double       latitude,
                     double       longitude,
                     GError     **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!amap_coordinates_are_valid (latitude, longitude))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The school’s location is not on Earth (latitude %g, longitude %g). "
                     "Latitude must be between −90 and 90 and longitude between −180 and 180."),
                   latitude, longitude);
      return FALSE;
    }

  if (name != NULL && *name == '\0')
    name = NULL;

  return change_home (self, name, latitude, longitude, error);
}

/**
 * amap_store_clear_home:
 *
 * Forgets where the school is, as one undo step.
 */
gboolean
amap_store_clear_home (AmapStore  *self,
                       GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  return change_home (self, NULL, NAN, NAN, error);
}

char *
amap_store_dup_import_choices (AmapStore  *self,
                               const char *file_name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  g_return_val_if_fail (file_name != NULL, NULL);

  stmt = _amap_store_prepare (self, "SELECT choices FROM import_choices WHERE file = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  _amap_store_bind_text (stmt, 1, file_name);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (_amap_store_column_text (stmt, 0));
}

gboolean
amap_store_set_import_choices (AmapStore   *self,
                               const char  *file_name,
                               const char  *choices,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (file_name != NULL, FALSE);
  g_return_val_if_fail (choices != NULL, FALSE);

  if (!_amap_store_check_writable (self, error))
    return FALSE;
  stmt = _amap_store_prepare (self, "INSERT OR REPLACE INTO import_choices (file, choices, modified) "
                              "VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  _amap_store_bind_text (stmt, 1, file_name);
  _amap_store_bind_text (stmt, 2, choices);
  sqlite3_bind_int64 (stmt, 3, _amap_store_now_seconds ());
  return _amap_store_step_done (self, stmt, error);
}

gint64
amap_store_get_created (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), 0);
  return self->created;
}

gint64
amap_store_get_modified (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), 0);
  return self->modified;
}

