/* amap-store.c: one map, one SQLite file. The only code that speaks SQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/*
 * Layout of a map file (schema v1). Every asset row stays in the file when
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

/* The columns of an asset, in the order of the ?1..?20 parameters of
 * STMT_INSERT_ASSET / STMT_UPDATE_ASSET and of the SELECT columns 2..21. */
#define ASSET_COLUMNS \
  "uuid, source_id, name, category, lat, lon, shape, address, description, " \
  "strengths, needs, website, phone, email, is_hub, stage, last_contacted, " \
  "created, modified, extras"
#define SELECT_ASSET "SELECT id, deleted, " ASSET_COLUMNS " FROM assets "

enum {
  COL_ID,
  COL_DELETED,
  COL_UUID,
  COL_SOURCE_ID,
  COL_NAME,
  COL_CATEGORY,
  COL_LAT,
  COL_LON,
  COL_SHAPE,
  COL_ADDRESS,
  COL_DESCRIPTION,
  COL_STRENGTHS,
  COL_NEEDS,
  COL_WEBSITE,
  COL_PHONE,
  COL_EMAIL,
  COL_IS_HUB,
  COL_STAGE,
  COL_LAST_CONTACTED,
  COL_CREATED,
  COL_MODIFIED,
  COL_EXTRAS,
};

/* Statements that run often are prepared once, persistently. */
typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_DATA_VERSION,
  STMT_TOUCH_MAP,
  STMT_ID_BY_UUID,
  STMT_ID_BY_SOURCE_ID,
  STMT_IDENTITY,
  STMT_INSERT_ASSET,
  STMT_UPDATE_ASSET,
  STMT_SET_DELETED,
  STMT_DELETE_TAGS,
  STMT_DELETE_CONTACTS,
  STMT_DELETE_INTERACTIONS,
  STMT_INSERT_TAG,
  STMT_INSERT_ASSET_TAG,
  STMT_INSERT_CONTACT,
  STMT_INSERT_INTERACTION,
  STMT_SELECT_ASSET,
  STMT_SELECT_TAGS,
  STMT_SELECT_CONTACTS,
  STMT_SELECT_INTERACTIONS,
  STMT_FTS_DELETE,
  STMT_FTS_INSERT,
  STMT_RTREE_DELETE,
  STMT_RTREE_INSERT,
  STMT_RTREE_RESTORE,
  N_STMTS
} StmtId;

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
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
  [STMT_UPDATE_ASSET] =
    "UPDATE assets SET uuid = ?1, source_id = ?2, name = ?3, category = ?4, lat = ?5, "
    "lon = ?6, shape = ?7, address = ?8, description = ?9, strengths = ?10, needs = ?11, "
    "website = ?12, phone = ?13, email = ?14, is_hub = ?15, stage = ?16, "
    "last_contacted = ?17, created = CASE WHEN created > 0 THEN created ELSE ?18 END, "
    "modified = ?19, extras = ?20, deleted = 0 WHERE id = ?21",
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
  [STMT_RTREE_INSERT] = "INSERT INTO asset_rtree VALUES (?1, ?2, ?2, ?3, ?3)",
  [STMT_RTREE_RESTORE] =
    "INSERT OR REPLACE INTO asset_rtree SELECT id, lat, lat, lon, lon FROM assets "
    "WHERE id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL",
};

typedef enum {
  UNDO_ADD,
  UNDO_EDIT,
  UNDO_MOVE,
  UNDO_DELETE,
} UndoKind;

/* One step of the undo history: the asset as it was before and after. */
typedef struct {
  UndoKind   kind;
  char      *uuid;
  AmapAsset *before;
  AmapAsset *after;
} UndoStep;

/* A location that goes into the R*Tree when the batch commits. */
typedef struct
{
  gint64  id;
  guint   sequence;
  double  latitude;  /* NAN: the asset has no location (any more) */
  double  longitude;
} BatchPoint;

struct _AmapStoreBatch
{
  AmapStore *store;
  guint      n_puts;
  GArray    *points;  /* BatchPoint, one for each write of the batch */
};

/* Reused buffers for the values write_asset() builds, so that a batch of
 * many puts allocates nothing per asset. */
typedef struct
{
  GString *extras;
  GString *tags;
  GString *contacts;
} WriteBuffers;

struct _AmapStore
{
  GObject         parent_instance;

  char           *path;
  sqlite3        *db;
  sqlite3_stmt   *stmts[N_STMTS];
  gboolean        read_only;
  gint64          data_version;

  char           *title;
  char           *home_name;
  double          home_latitude;
  double          home_longitude;
  gint64          created;
  gint64          modified;

  GListStore     *categories;

  /* Newest last. */
  GPtrArray      *undo_stack;
  GPtrArray      *redo_stack;
  char           *undo_label;
  char           *redo_label;

  AmapStoreBatch *batch;
  WriteBuffers    buffers;
};

G_DEFINE_FINAL_TYPE (AmapStore, amap_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_READ_ONLY,
  PROP_TITLE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  N_PROPS
};

enum {
  ASSET_ADDED,
  ASSET_UPDATED,
  ASSET_REMOVED,
  RESET,
  CATEGORIES_CHANGED,
  HOME_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
undo_step_free (gpointer data)
{
  UndoStep *step = data;

  g_free (step->uuid);
  g_clear_object (&step->before);
  g_clear_object (&step->after);
  g_free (step);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Errors */

/* Turns a failed SQLite call into an error a user can act on. */
static gboolean
set_sqlite_error (AmapStore  *self,
                  int         rc,
                  GError    **error)
{
  int primary = rc & 0xff;

  switch (primary)
    {
    case SQLITE_FULL:
    case SQLITE_IOERR:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                   _("The disk is full, so the change to “%s” was not saved. "
                     "Free some space, then try again."),
                   self->path);
      break;

    case SQLITE_READONLY:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                   _("The map “%s” is read-only, so nothing was changed. "
                     "Save a copy somewhere you may write to."),
                   self->path);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The map “%s” is busy in another window or program. "
                     "Wait a moment, then try again."),
                   self->path);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The map “%s” is damaged (%s). Restore it from a backup."),
                   self->path, sqlite3_errstr (rc));
      break;

    default:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("The map “%s” could not be changed: %s."),
                   self->path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      break;
    }

  return FALSE;
}

static gboolean
check_writable (AmapStore  *self,
                GError    **error)
{
  if (self->read_only)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                   _("The map “%s” is read-only, so nothing was changed. "
                     "Save a copy somewhere you may write to."),
                   self->path);
      return FALSE;
    }

  if (self->batch != NULL)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                           _("The map is busy with an import. Wait until it is finished, "
                             "then try again."));
      return FALSE;
    }

  return TRUE;
}

/* Statements */

/* Returns the cached statement @id, reset and with no bindings. */
static sqlite3_stmt *
get_stmt (AmapStore  *self,
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
          set_sqlite_error (self, rc, error);
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

static sqlite3_stmt *
prepare (AmapStore   *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      g_warning ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return stmt;
}

/* Runs a statement that returns no rows (or whose rows don't matter). */
static gboolean
step_done (AmapStore     *self,
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
      return set_sqlite_error (self, rc, error);
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
run_cached (AmapStore  *self,
            StmtId      id,
            GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self, id, error);

  return stmt != NULL && step_done (self, stmt, error);
}

static gboolean
exec_sql (AmapStore   *self,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_debug ("“%.60s” failed: %s", sql, sqlite3_errmsg (self->db));
      return set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
    }

  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
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

static void
bind_double (sqlite3_stmt *stmt,
             int           index,
             double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static double
column_double (sqlite3_stmt *stmt,
               int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NAN;

  return sqlite3_column_double (stmt, column);
}

/* Transactions */

static gboolean
begin (AmapStore  *self,
       GError    **error)
{
  return run_cached (self, STMT_BEGIN, error);
}

static gboolean
commit (AmapStore  *self,
        GError    **error)
{
  if (!run_cached (self, STMT_COMMIT, error))
    {
      if (!sqlite3_get_autocommit (self->db))
        run_cached (self, STMT_ROLLBACK, NULL);
      return FALSE;
    }

  return TRUE;
}

static void
rollback (AmapStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    run_cached (self, STMT_ROLLBACK, NULL);
}

static gboolean
touch_map (AmapStore  *self,
           gint64      now,
           GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_TOUCH_MAP, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  if (!step_done (self, stmt, error))
    return FALSE;

  self->modified = now;
  return TRUE;
}

/* Extra fields */

/* @buffer gets "key\0value\0…" for @asset's extras, keys sorted; empty
 * when it has none. */
static void
encode_extras (AmapAsset *asset,
               GString   *buffer)
{
  g_auto(GStrv) keys = amap_asset_dup_extra_keys (asset);

  g_string_truncate (buffer, 0);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = amap_asset_get_extra (asset, keys[i]);

      g_string_append_len (buffer, keys[i], strlen (keys[i]) + 1);
      g_string_append_len (buffer, value, strlen (value) + 1);
    }
}

/* The reverse of encode_extras(). A damaged value (no final NUL) loses
 * its last, incomplete pair rather than reading past the end. */
static void
decode_extras (AmapAsset  *asset,
               const void *data,
               int         size)
{
  const char *p = data;
  const char *end = p + MAX (size, 0);

  while (p < end)
    {
      const char *key = p;
      const char *key_end = memchr (key, '\0', end - key);
      const char *value, *value_end;

      if (key_end == NULL)
        break;
      value = key_end + 1;
      value_end = value < end ? memchr (value, '\0', end - value) : NULL;
      if (value_end == NULL)
        break;

      if (*key != '\0')
        amap_asset_set_extra (asset, key, value);
      p = value_end + 1;
    }
}

/* Reading assets */

static AmapAsset *
asset_from_row (sqlite3_stmt *stmt)
{
  AmapAsset *asset = amap_asset_new (column_text (stmt, COL_NAME));
  AmapStage stage = AMAP_STAGE_IDENTIFIED;

  amap_asset_set_uuid (asset, column_text (stmt, COL_UUID));
  amap_asset_set_source_id (asset, column_text (stmt, COL_SOURCE_ID));
  amap_asset_set_category (asset, column_text (stmt, COL_CATEGORY));
  amap_asset_set_location (asset,
                           column_double (stmt, COL_LAT),
                           column_double (stmt, COL_LON));
  amap_asset_set_shape (asset, column_text (stmt, COL_SHAPE));
  amap_asset_set_address (asset, column_text (stmt, COL_ADDRESS));
  amap_asset_set_description (asset, column_text (stmt, COL_DESCRIPTION));
  amap_asset_set_strengths (asset, column_text (stmt, COL_STRENGTHS));
  amap_asset_set_needs (asset, column_text (stmt, COL_NEEDS));
  amap_asset_set_website (asset, column_text (stmt, COL_WEBSITE));
  amap_asset_set_phone (asset, column_text (stmt, COL_PHONE));
  amap_asset_set_email (asset, column_text (stmt, COL_EMAIL));
  amap_asset_set_is_hub (asset, sqlite3_column_int (stmt, COL_IS_HUB) != 0);
  amap_stage_from_string (column_text (stmt, COL_STAGE), &stage);
  amap_asset_set_stage (asset, stage);
  amap_asset_set_last_contacted (asset, column_text (stmt, COL_LAST_CONTACTED));
  amap_asset_set_created (asset, sqlite3_column_int64 (stmt, COL_CREATED));
  amap_asset_set_modified (asset, sqlite3_column_int64 (stmt, COL_MODIFIED));
  decode_extras (asset, sqlite3_column_blob (stmt, COL_EXTRAS),
                 sqlite3_column_bytes (stmt, COL_EXTRAS));

  return asset;
}

/* Child rows start with the asset id in column 0. */
static void
add_tag_from_row (AmapAsset    *asset,
                  sqlite3_stmt *stmt)
{
  amap_asset_add_tag (asset, column_text (stmt, 1));
}

static void
add_contact_from_row (AmapAsset    *asset,
                      sqlite3_stmt *stmt)
{
  g_autoptr(AmapContact) contact = amap_contact_new (column_text (stmt, 2));

  amap_contact_set_id (contact, sqlite3_column_int64 (stmt, 1));
  amap_contact_set_role (contact, column_text (stmt, 3));
  amap_contact_set_phone (contact, column_text (stmt, 4));
  amap_contact_set_email (contact, column_text (stmt, 5));
  amap_contact_set_language (contact, column_text (stmt, 6));
  amap_contact_set_notes (contact, column_text (stmt, 7));
  amap_asset_add_contact (asset, contact);
}

static void
add_interaction_from_row (AmapAsset    *asset,
                          sqlite3_stmt *stmt)
{
  AmapInteractionKind kind = AMAP_INTERACTION_OTHER;
  g_autoptr(AmapInteraction) interaction = NULL;

  amap_interaction_kind_from_string (column_text (stmt, 3), &kind);
  interaction = amap_interaction_new (column_text (stmt, 2), kind, column_text (stmt, 4));
  amap_interaction_set_id (interaction, sqlite3_column_int64 (stmt, 1));
  amap_asset_add_interaction (asset, interaction);
}

typedef void (*ChildRowFunc) (AmapAsset    *asset,
                              sqlite3_stmt *stmt);

static const struct {
  StmtId       stmt;
  ChildRowFunc func;
  const char  *all_sql;
} child_readers[] = {
  { STMT_SELECT_TAGS, add_tag_from_row,
    "SELECT x.asset_id, t.name FROM asset_tags x JOIN tags t ON t.id = x.tag_id" },
  { STMT_SELECT_CONTACTS, add_contact_from_row,
    "SELECT asset_id, id, name, role, phone, email, language, notes FROM contacts "
    "ORDER BY asset_id, position, id" },
  { STMT_SELECT_INTERACTIONS, add_interaction_from_row,
    "SELECT asset_id, id, date, kind, notes FROM interactions ORDER BY asset_id, date, id" },
};

/* Reads the tags, contacts and log of the asset with row @id into @asset.
 * @has_children, when given, holds per child table the ids that have rows
 * there, so that assets without any skip the query. */
static gboolean
read_children (AmapStore   *self,
               AmapAsset   *asset,
               gint64       id,
               GHashTable  *has_children[],
               GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (child_readers); i++)
    {
      sqlite3_stmt *stmt;
      int rc;

      if (has_children != NULL && !g_hash_table_contains (has_children[i], &id))
        continue;

      if (!(stmt = get_stmt (self, child_readers[i].stmt, error)))
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        child_readers[i].func (asset, stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, rc, error);
          return FALSE;
        }
    }

  return TRUE;
}

/* Reads the asset with row id @id, children included, deleted or not. */
static AmapAsset *
read_asset (AmapStore  *self,
            gint64      id,
            gboolean   *deleted,
            GError    **error)
{
  g_autoptr(AmapAsset) asset = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, STMT_SELECT_ASSET, error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                             _("This asset is no longer on the map."));
      else
        set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
      return NULL;
    }

  asset = asset_from_row (stmt);
  if (deleted != NULL)
    *deleted = sqlite3_column_int (stmt, COL_DELETED) != 0;
  sqlite3_reset (stmt);

  if (!read_children (self, asset, id, NULL, error))
    return NULL;

  return g_steal_pointer (&asset);
}

/* Finds the row id of the asset with @uuid; 0 when there is none. */
static gint64
lookup_uuid (AmapStore   *self,
             const char  *uuid,
             gboolean    *deleted,
             GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  if (uuid == NULL)
    return 0;

  if (!(stmt = get_stmt (self, STMT_ID_BY_UUID, error)))
    return -1;

  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (deleted != NULL)
        *deleted = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return -1;
    }

  return id;
}

/* The row id of the live asset @uuid, or 0 with AMAP_ERROR_NOT_FOUND. */
static gint64
lookup_live (AmapStore   *self,
             const char  *uuid,
             GError     **error)
{
  gboolean deleted = FALSE;
  gint64 id = lookup_uuid (self, uuid, &deleted, error);

  if (id < 0)
    return 0;

  if (id == 0 || deleted)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This asset is no longer on the map. It may have been "
                             "deleted in another window."));
      return 0;
    }

  return id;
}

/* Writing assets */

static gboolean
check_category (AmapStore  *self,
                AmapAsset  *asset,
                GError    **error)
{
  const char *key = amap_asset_get_category (asset);
  AmapCategory *category;

  if (key == NULL)
    {
      amap_asset_set_category (asset, AMAP_CATEGORY_OTHER);
      return TRUE;
    }

  category = amap_store_lookup_category (self, key);
  if (category == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY,
                   _("“%s” has the category “%s”, which this map does not have. "
                     "Choose one of the map’s categories."),
                   amap_asset_get_name (asset), key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate (AmapStore  *self,
          AmapAsset  *asset,
          GError    **error)
{
  return amap_asset_validate (asset, error) && check_category (self, asset, error);
}

/* last-contacted follows the newest interaction, when there is one. */
static void
update_last_contacted (AmapAsset *asset)
{
  GPtrArray *interactions = amap_asset_get_interactions (asset);
  const char *newest = NULL;

  for (guint i = 0; i < interactions->len; i++)
    {
      const char *date = amap_interaction_get_date (g_ptr_array_index (interactions, i));

      if (g_strcmp0 (date, newest) > 0)
        newest = date;
    }

  if (newest != NULL)
    amap_asset_set_last_contacted (asset, newest);
}

static gboolean
write_children (AmapStore  *self,
                AmapAsset  *asset,
                gint64      id,
                gboolean    replace,
                GError    **error)
{
  static const StmtId clear[] = {
    STMT_DELETE_TAGS, STMT_DELETE_CONTACTS, STMT_DELETE_INTERACTIONS,
  };
  const char * const *tags = amap_asset_get_tags (asset);
  GPtrArray *contacts = amap_asset_get_contacts (asset);
  GPtrArray *interactions = amap_asset_get_interactions (asset);
  sqlite3_stmt *stmt;

  for (guint i = 0; replace && i < G_N_ELEMENTS (clear); i++)
    {
      if (!(stmt = get_stmt (self, clear[i], error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; tags[i] != NULL; i++)
    {
      if (!(stmt = get_stmt (self, STMT_INSERT_TAG, error)))
        return FALSE;
      bind_text (stmt, 1, tags[i]);
      if (!step_done (self, stmt, error))
        return FALSE;

      if (!(stmt = get_stmt (self, STMT_INSERT_ASSET_TAG, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, tags[i]);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);
      gint64 contact_id = amap_contact_get_id (contact);
      int rc;

      if (!(stmt = get_stmt (self, STMT_INSERT_CONTACT, error)))
        return FALSE;

      /* Keep the contact's id across edits, unless another asset owns it
       * (a contact copied from elsewhere): then it gets a new one. */
      if (contact_id > 0)
        sqlite3_bind_int64 (stmt, 1, contact_id);
      sqlite3_bind_int64 (stmt, 2, id);
      sqlite3_bind_int (stmt, 3, (int) i);
      bind_text (stmt, 4, amap_contact_get_name (contact));
      bind_text (stmt, 5, amap_contact_get_role (contact));
      bind_text (stmt, 6, amap_contact_get_phone (contact));
      bind_text (stmt, 7, amap_contact_get_email (contact));
      bind_text (stmt, 8, amap_contact_get_language (contact));
      bind_text (stmt, 9, amap_contact_get_notes (contact));

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT && contact_id > 0)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_null (stmt, 1);
          rc = sqlite3_step (stmt);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);

      amap_contact_set_id (contact, sqlite3_last_insert_rowid (self->db));
    }

  for (guint i = 0; i < interactions->len; i++)
    {
      AmapInteraction *interaction = g_ptr_array_index (interactions, i);
      gint64 interaction_id = amap_interaction_get_id (interaction);
      int rc;

      if (!(stmt = get_stmt (self, STMT_INSERT_INTERACTION, error)))
        return FALSE;

      if (interaction_id > 0)
        sqlite3_bind_int64 (stmt, 1, interaction_id);
      sqlite3_bind_int64 (stmt, 2, id);
      bind_text (stmt, 3, amap_interaction_get_date (interaction));
      bind_text (stmt, 4, amap_interaction_kind_to_string (amap_interaction_get_kind (interaction)));
      bind_text (stmt, 5, amap_interaction_get_notes (interaction));

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT && interaction_id > 0)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_null (stmt, 1);
          rc = sqlite3_step (stmt);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);

      amap_interaction_set_id (interaction, sqlite3_last_insert_rowid (self->db));
    }

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Joins @words (skipping NULLs, and repeats when @unique) with spaces
 * into @buffer; NULL when there is no word, as group_concat() would give. */
static const char *
join_words (GString            *buffer,
            const char * const *words,
            guint               n_words,
            gboolean            unique)
{
  const char *last = NULL;

  g_string_truncate (buffer, 0);
  for (guint i = 0; i < n_words; i++)
    {
      if (words[i] == NULL || (unique && last != NULL && strcmp (words[i], last) == 0))
        continue;
      if (buffer->len > 0)
        g_string_append_c (buffer, ' ');
      g_string_append (buffer, words[i]);
      last = words[i];
    }

  return buffer->len > 0 ? buffer->str : NULL;
}

/*
 * Adds (STMT_FTS_INSERT) or removes (STMT_FTS_DELETE) the FTS row @id of
 * @asset. A removal must pass exactly the values that were added, so they
 * depend only on what is stored: tags sorted without repeats (they are
 * read back in another order), contact names in their order.
 */
static gboolean
write_fts (AmapStore  *self,
           StmtId      which,
           gint64      id,
           AmapAsset  *asset,
           GError    **error)
{
  WriteBuffers *buffers = &self->buffers;
  const char * const *tags = amap_asset_get_tags (asset);
  guint n_tags = tags != NULL ? g_strv_length ((char **) tags) : 0;
  GPtrArray *contacts = amap_asset_get_contacts (asset);
  const char *words[64];
  g_autofree const char **many_words = NULL;
  const char **list = words;
  sqlite3_stmt *stmt;

  if (!(stmt = get_stmt (self, which, error)))
    return FALSE;

  if (MAX (n_tags, contacts->len) > G_N_ELEMENTS (words))
    list = many_words = g_new (const char *, MAX (n_tags, contacts->len));

  sqlite3_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, amap_asset_get_name (asset));
  bind_text (stmt, 3, amap_asset_get_description (asset));
  bind_text (stmt, 4, amap_asset_get_strengths (asset));
  bind_text (stmt, 5, amap_asset_get_needs (asset));
  bind_text (stmt, 6, amap_asset_get_address (asset));

  for (guint i = 0; i < n_tags; i++)
    list[i] = tags[i];
  qsort (list, n_tags, sizeof (const char *), compare_strings);
  bind_text (stmt, 7, join_words (buffers->tags, list, n_tags, TRUE));

  for (guint i = 0; i < contacts->len; i++)
    list[i] = amap_contact_get_name (g_ptr_array_index (contacts, i));
  bind_text (stmt, 8, join_words (buffers->contacts, list, contacts->len, FALSE));

  return step_done (self, stmt, error);
}

/* Removes the FTS row of the stored asset @id, before it is overwritten. */
static gboolean
remove_fts (AmapStore  *self,
            gint64      id,
            GError    **error)
{
  g_autoptr(AmapAsset) stored = read_asset (self, id, NULL, error);

  return stored != NULL && write_fts (self, STMT_FTS_DELETE, id, stored, error);
}

static int
compare_batch_point_ids (gconstpointer a,
                         gconstpointer b)
{
  const BatchPoint *pa = a;
  const BatchPoint *pb = b;

  if (pa->id != pb->id)
    return pa->id < pb->id ? -1 : 1;
  return pa->sequence < pb->sequence ? -1 : pa->sequence > pb->sequence;
}

/* Adds the FTS row and the R*Tree entry of the live asset at @id (whose
 * old FTS row, if any, remove_fts() removed). */
static gboolean
write_indexes (AmapStore  *self,
               AmapAsset  *asset,
               gint64      id,
               gboolean    is_new,
               GError    **error)
{
  sqlite3_stmt *stmt;

  if (!is_new)
    {
      if (!(stmt = get_stmt (self, STMT_RTREE_DELETE, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  if (!write_fts (self, STMT_FTS_INSERT, id, asset, error))
    return FALSE;

  /* A batch fills the R*Tree at commit, where its pages are not
   * competing with the other tables' for the cache: about a fifth faster.
   * The last write of an asset wins. (Inserting in Z-order was slower
   * than in file order: the R*Tree splits worse.) */
  if (self->batch != NULL)
    {
      BatchPoint point = { id, self->batch->points->len, NAN, NAN };

      if (amap_asset_get_has_location (asset))
        {
          point.latitude = amap_asset_get_latitude (asset);
          point.longitude = amap_asset_get_longitude (asset);
        }
      g_array_append_val (self->batch->points, point);
      return TRUE;
    }

  if (amap_asset_get_has_location (asset) &&
      !isnan (amap_asset_get_latitude (asset)) &&
      !isnan (amap_asset_get_longitude (asset)))
    {
      if (!(stmt = get_stmt (self, STMT_RTREE_INSERT, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_double (stmt, 2, amap_asset_get_latitude (asset));
      sqlite3_bind_double (stmt, 3, amap_asset_get_longitude (asset));
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/*
 * Writes @asset (already validated) to row @id, or to a new row when @id is
 * 0 (a uuid is made up when it has none). Keeps the stored "created" of an
 * existing row; a new row gets the asset's, or @now when it has none.
 * "modified" becomes @now, unless @keep_modified and the asset has one (an
 * import of an exported map keeps its dates). Must run inside a
 * transaction. Returns the row id, 0 on error.
 */
static gint64
write_asset (AmapStore  *self,
             AmapAsset  *asset,
             gint64      id,
             gint64      now,
             gboolean    keep_modified,
             GError    **error)
{
  gboolean is_new = id == 0;
  sqlite3_stmt *stmt;
  int rc;

  update_last_contacted (asset);

  if (amap_asset_get_uuid (asset) == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      amap_asset_set_uuid (asset, uuid);
    }

  if (amap_asset_get_created (asset) == 0)
    amap_asset_set_created (asset, now);
  if (!keep_modified || amap_asset_get_modified (asset) == 0)
    amap_asset_set_modified (asset, now);

  if (id != 0 && !remove_fts (self, id, error))
    return 0;

  if (!(stmt = get_stmt (self, id ? STMT_UPDATE_ASSET : STMT_INSERT_ASSET, error)))
    return 0;

  bind_text (stmt, 1, amap_asset_get_uuid (asset));
  bind_text (stmt, 2, amap_asset_get_source_id (asset));
  bind_text (stmt, 3, amap_asset_get_name (asset));
  bind_text (stmt, 4, amap_asset_get_category (asset));
  if (amap_asset_get_has_location (asset))
    {
      bind_double (stmt, 5, amap_asset_get_latitude (asset));
      bind_double (stmt, 6, amap_asset_get_longitude (asset));
    }
  bind_text (stmt, 7, amap_asset_get_shape (asset));
  bind_text (stmt, 8, amap_asset_get_address (asset));
  bind_text (stmt, 9, amap_asset_get_description (asset));
  bind_text (stmt, 10, amap_asset_get_strengths (asset));
  bind_text (stmt, 11, amap_asset_get_needs (asset));
  bind_text (stmt, 12, amap_asset_get_website (asset));
  bind_text (stmt, 13, amap_asset_get_phone (asset));
  bind_text (stmt, 14, amap_asset_get_email (asset));
  sqlite3_bind_int (stmt, 15, amap_asset_get_is_hub (asset) ? 1 : 0);
  bind_text (stmt, 16, amap_stage_to_string (amap_asset_get_stage (asset)));
  bind_text (stmt, 17, amap_asset_get_last_contacted (asset));
  sqlite3_bind_int64 (stmt, 18, amap_asset_get_created (asset));
  sqlite3_bind_int64 (stmt, 19, amap_asset_get_modified (asset));
  encode_extras (asset, self->buffers.extras);
  if (self->buffers.extras->len > 0)
    sqlite3_bind_blob (stmt, 20, self->buffers.extras->str,
                       (int) self->buffers.extras->len, SQLITE_STATIC);
  if (id)
    sqlite3_bind_int64 (stmt, 21, id);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
      return 0;
    }

  if (id == 0)
    id = sqlite3_last_insert_rowid (self->db);

  if (!write_children (self, asset, id, !is_new, error) ||
      !write_indexes (self, asset, id, is_new, error))
    return 0;

  return id;
}

/* Copies the stored uuid and creation date of row @id into @asset. */
static gboolean
read_identity (AmapStore  *self,
               gint64      id,
               AmapAsset  *asset,
               GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, STMT_IDENTITY, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return set_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_ERROR : rc, error);
    }

  amap_asset_set_uuid (asset, column_text (stmt, 0));
  amap_asset_set_created (asset, sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
set_deleted (AmapStore  *self,
             gint64      id,
             gboolean    deleted,
             gint64      now,
             GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_SET_DELETED, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, deleted ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!step_done (self, stmt, error))
    return FALSE;

  /* Only live assets are in the R*Tree; the FTS row stays (searches join
   * back to assets and skip deleted ones). */
  if (!(stmt = get_stmt (self, deleted ? STMT_RTREE_DELETE : STMT_RTREE_RESTORE, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);

  return step_done (self, stmt, error);
}

/* Undo history */

/* The label of the Undo or Redo menu item for @step. */
static char *
make_step_label (UndoStep *step,
                 gboolean  undo)
{
  const char *name = amap_asset_get_name (step->after ? step->after : step->before);

  switch (step->kind)
    {
    case UNDO_ADD:
      return undo ? g_strdup_printf (_("Undo Add “%s”"), name)
                  : g_strdup_printf (_("Redo Add “%s”"), name);
    case UNDO_EDIT:
      return undo ? g_strdup_printf (_("Undo Edit “%s”"), name)
                  : g_strdup_printf (_("Redo Edit “%s”"), name);
    case UNDO_MOVE:
      return undo ? g_strdup_printf (_("Undo Move “%s”"), name)
                  : g_strdup_printf (_("Redo Move “%s”"), name);
    case UNDO_DELETE:
      return undo ? g_strdup_printf (_("Undo Delete “%s”"), name)
                  : g_strdup_printf (_("Redo Delete “%s”"), name);
    default:
      g_assert_not_reached ();
    }
}

static void
update_undo_state (AmapStore *self)
{
  g_autofree char *undo_label = NULL;
  g_autofree char *redo_label = NULL;
  gboolean could_undo = self->undo_label != NULL;
  gboolean could_redo = self->redo_label != NULL;

  if (self->undo_stack->len > 0)
    undo_label = make_step_label (g_ptr_array_index (self->undo_stack,
                                                     self->undo_stack->len - 1),
                                  TRUE);

  if (self->redo_stack->len > 0)
    redo_label = make_step_label (g_ptr_array_index (self->redo_stack,
                                                     self->redo_stack->len - 1),
                                  FALSE);

  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (undo_label, self->undo_label) != 0)
    {
      g_free (self->undo_label);
      self->undo_label = g_steal_pointer (&undo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
    }

  if (g_strcmp0 (redo_label, self->redo_label) != 0)
    {
      g_free (self->redo_label);
      self->redo_label = g_steal_pointer (&redo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
    }

  if (could_undo != (self->undo_label != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);

  if (could_redo != (self->redo_label != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);

  g_object_thaw_notify (G_OBJECT (self));
}

static void
push_undo (AmapStore *self,
           UndoKind   kind,
           AmapAsset *before,
           AmapAsset *after)
{
  UndoStep *step = g_new0 (UndoStep, 1);

  step->kind = kind;
  step->uuid = g_strdup (amap_asset_get_uuid (after ? after : before));
  step->before = before ? amap_asset_copy (before) : NULL;
  step->after = after ? amap_asset_copy (after) : NULL;

  g_ptr_array_add (self->undo_stack, step);
  g_ptr_array_set_size (self->redo_stack, 0);
  update_undo_state (self);
}

/* TRUE when @before and @after differ only in their location. */
static gboolean
is_move (AmapAsset *before,
         AmapAsset *after)
{
  g_autoptr(AmapAsset) moved_back = amap_asset_copy (after);

  if (!amap_asset_get_has_location (before) || !amap_asset_get_has_location (after))
    return FALSE;

  amap_asset_set_location (moved_back,
                           amap_asset_get_latitude (before),
                           amap_asset_get_longitude (before));
  amap_asset_set_modified (moved_back, amap_asset_get_modified (before));
  amap_asset_set_created (moved_back, amap_asset_get_created (before));

  return amap_asset_equal (before, moved_back);
}

/* Categories */

static gboolean
load_categories (AmapStore  *self,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) builtin = amap_category_list_builtin ();
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  stmt = prepare (self, "SELECT key, name, color, icon, builtin FROM categories "
                        "ORDER BY builtin DESC, position, key", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = column_text (stmt, 0);
      const char *name = column_text (stmt, 1);
      gboolean is_builtin = sqlite3_column_int (stmt, 4) != 0;

      /* Built-in names are stored in English and shown translated. */
      if (is_builtin)
        {
          for (guint i = 0; i < builtin->len; i++)
            {
              AmapCategory *category = g_ptr_array_index (builtin, i);

              if (g_strcmp0 (amap_category_get_key (category), key) == 0)
                name = amap_category_get_name (category);
            }
        }

      g_ptr_array_add (loaded, amap_category_new (key, name,
                                                  column_text (stmt, 2),
                                                  column_text (stmt, 3),
                                                  is_builtin));
    }

  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, error);

  g_list_store_splice (self->categories, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->categories)),
                       loaded->pdata, loaded->len);
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

  stmt = prepare (self, "SELECT title, home_name, home_lat, home_lon, created, modified "
                        "FROM map WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;

  self->home_latitude = NAN;
  self->home_longitude = NAN;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      self->title = g_strdup (column_text (stmt, 0));
      self->home_name = g_strdup (column_text (stmt, 1));
      self->home_latitude = column_double (stmt, 2);
      self->home_longitude = column_double (stmt, 3);
      self->created = sqlite3_column_int64 (stmt, 4);
      self->modified = sqlite3_column_int64 (stmt, 5);
    }
  else if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, error);

  /* NAN != NAN, so compare "has a home" first. */
  home_changed = g_strcmp0 (old_home_name, self->home_name) != 0 ||
                 isnan (old_latitude) != isnan (self->home_latitude) ||
                 (!isnan (self->home_latitude) &&
                  (old_latitude != self->home_latitude || old_longitude != self->home_longitude));

  if (g_strcmp0 (old_title, self->title) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (home_changed)
    g_signal_emit (self, signals[HOME_CHANGED], 0);

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
  gint64 now = now_seconds ();
  static const char * const english_names[] = {
    /* Built-ins are stored untranslated; see load_categories(). */
    "Business", "Faith-Based Organization", "Community Hub",
    "Nonprofit / Community-Based Org", "Public Agency", "School / Higher Education",
    "Health", "Park / Recreation", "Library / Arts & Culture", "Other",
  };

  g_assert (builtin->len == G_N_ELEMENTS (english_names));

  if (!exec_sql (self, schema_v1, error))
    return FALSE;

  pragma = g_strdup_printf ("PRAGMA application_id = %d", AMAP_STORE_APPLICATION_ID);
  if (!exec_sql (self, pragma, error))
    return FALSE;

  stmt = prepare (self, "INSERT INTO map (id, created, modified) VALUES (1, ?1, ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "INSERT INTO categories (key, name, color, icon, builtin, position) "
                        "VALUES (?1, ?2, ?3, ?4, 1, ?5)", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < builtin->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (builtin, i);

      sqlite3_reset (stmt);
      bind_text (stmt, 1, amap_category_get_key (category));
      bind_text (stmt, 2, english_names[i]);
      bind_text (stmt, 3, amap_category_get_color (category));
      bind_text (stmt, 4, amap_category_get_icon_name (category));
      sqlite3_bind_int (stmt, 5, (int) i);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

typedef gboolean (*MigrateFunc) (AmapStore  *self,
                                 GError    **error);

/* migrations[n] takes a file from version n - 1 to version n. */
static const MigrateFunc migrations[AMAP_STORE_SCHEMA_VERSION + 1] = {
  [1] = migrate_to_v1,
};

static gboolean
query_int (AmapStore   *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = prepare (self, sql, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return set_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_ERROR : rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
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
      g_autoptr(GFile) source = g_file_new_for_path (self->path);
      g_autoptr(GFile) backup = g_file_new_for_path (backup_path);
      g_autoptr(GError) local_error = NULL;

      /* Everything committed must be in the main file before we copy it. */
      if (!exec_sql (self, "PRAGMA wal_checkpoint(TRUNCATE)", error))
        return FALSE;

      if (!g_file_copy (source, backup, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                       _("The map “%s” needs an update, but a backup copy could not be "
                         "saved first (%s). Free some space, then open it again."),
                       self->path, local_error->message);
          return FALSE;
        }
    }

  if (!begin (self, error))
    return FALSE;

  for (gint64 version = from_version + 1; version <= AMAP_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating %s to version %" G_GINT64_FORMAT, self->path, version);
      if (!migrations[version] (self, error))
        {
          rollback (self);
          return FALSE;
        }
    }

  pragma = g_strdup_printf ("PRAGMA user_version = %d", AMAP_STORE_SCHEMA_VERSION);
  if (!exec_sql (self, pragma, error))
    {
      rollback (self);
      return FALSE;
    }

  return commit (self, error);
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
 * Looks at an existing file without changing it: its first 100 bytes must
 * be an SQLite header, then a read-only connection reads application_id and
 * user_version (which may live in the write-ahead log of a map in use).
 * Sets *version, or fails with AMAP_ERROR_NOT_A_MAP / AMAP_ERROR_TOO_NEW.
 */
static gboolean
inspect_file (const char  *path,
              gint64      *version,
              GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  g_autofree char *display = g_filename_display_name (path);
  char header[100];
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 application_id = 0;
  gint64 user_version = 0;
  gboolean ok = FALSE;
  FILE *file;
  size_t n_read;
  int rc;

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The map “%s” could not be read: %s."),
                   display, g_strerror (saved_errno));
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
   * first transaction still sits in its write-ahead log; only then, or for
   * our own files, do we let SQLite look (read-only). */
  application_id = ((guint32) (guint8) header[68] << 24) |
                   ((guint32) (guint8) header[69] << 16) |
                   ((guint32) (guint8) header[70] << 8) |
                   (guint32) (guint8) header[71];
  if (application_id != AMAP_STORE_APPLICATION_ID)
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

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT * FROM pragma_application_id, pragma_user_version",
                             -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      application_id = sqlite3_column_int64 (stmt, 0);
      user_version = sqlite3_column_int64 (stmt, 1);
    }

  if (rc == SQLITE_ROW && application_id != AMAP_STORE_APPLICATION_ID)
    set_not_a_map_error (path, error);
  else if (rc == SQLITE_ROW && user_version > AMAP_STORE_SCHEMA_VERSION)
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_TOO_NEW,
                 _("The map “%s” was saved by a newer version of Asset Map "
                   "(file version %" G_GINT64_FORMAT ", this version reads up to %d). "
                   "Update Asset Map to open it."),
                 display, user_version, AMAP_STORE_SCHEMA_VERSION);
  else if (rc == SQLITE_ROW)
    {
      *version = user_version;
      ok = TRUE;
    }
  else if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
    set_not_a_map_error (path, error);
  else
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                 _("The map “%s” could not be read: %s."),
                 display, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));

  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return ok;
}

static gboolean
open_connection (AmapStore  *self,
                 gboolean    create,
                 GError    **error)
{
  g_autofree char *display = g_filename_display_name (self->path);
  int flags = SQLITE_OPEN_NOMUTEX;
  int rc;

  if (self->read_only)
    flags |= SQLITE_OPEN_READONLY;
  else
    flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

  rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The map “%s” could not be opened: %s."),
                   display, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  if (!self->read_only &&
      !exec_sql (self, "PRAGMA journal_mode = WAL", error))
    return FALSE;

  return exec_sql (self,
                   "PRAGMA foreign_keys = ON;"
                   "PRAGMA synchronous = NORMAL;",
                   error);
}

static void
amap_store_dispose (GObject *object)
{
  AmapStore *self = (AmapStore *)object;

  if (self->batch != NULL)
    amap_store_batch_abort (self->batch);

  g_clear_object (&self->categories);
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
      int rc = sqlite3_close (self->db);

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

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, flags);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, flags);
  properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, flags);
  properties[PROP_REDO_LABEL] = g_param_spec_string ("redo-label", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmapStore::asset-added:
   * @asset: a copy of the asset as stored
   *
   * An asset was added (or brought back by undo or restore).
   */
  signals[ASSET_ADDED] =
    g_signal_new ("asset-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_ASSET);

  /**
   * AmapStore::asset-updated:
   * @asset: a copy of the asset as stored now
   */
  signals[ASSET_UPDATED] =
    g_signal_new ("asset-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_ASSET);

  /**
   * AmapStore::asset-removed:
   * @uuid: the uuid of the asset that is no longer on the map
   */
  signals[ASSET_REMOVED] =
    g_signal_new ("asset-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * AmapStore::reset:
   *
   * Many things changed at once (an import, another connection's commit):
   * reload everything.
   */
  signals[RESET] =
    g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AmapStore::categories-changed:
   *
   * A category was added or removed; the categories model is up to date.
   */
  signals[CATEGORIES_CHANGED] =
    g_signal_new ("categories-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AmapStore::home-changed:
   *
   * The school's location or name was set or cleared (by this connection,
   * or by another one, seen at amap_store_refresh()).
   */
  signals[HOME_CHANGED] =
    g_signal_new ("home-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
amap_store_init (AmapStore *self)
{
  self->home_latitude = NAN;
  self->home_longitude = NAN;
  self->categories = g_list_store_new (AMAP_TYPE_CATEGORY);
  self->undo_stack = g_ptr_array_new_with_free_func (undo_step_free);
  self->redo_stack = g_ptr_array_new_with_free_func (undo_step_free);
  self->buffers.extras = g_string_new (NULL);
  self->buffers.tags = g_string_new (NULL);
  self->buffers.contacts = g_string_new (NULL);
}

static gboolean
read_data_version (AmapStore *self,
                   gint64    *version)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_DATA_VERSION, NULL);
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
amap_store_open_full (const char  *path,
                      gboolean     force_read_only,
                      GError     **error)
{
  g_autoptr(AmapStore) self = NULL;
  g_autofree char *display = NULL;
  GStatBuf st;
  gint64 version = 0;
  gboolean is_new;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  is_new = g_stat (path, &st) != 0 || (S_ISREG (st.st_mode) && st.st_size == 0);

  if (!is_new && !S_ISREG (st.st_mode))
    {
      set_not_a_map_error (path, error);
      return NULL;
    }

  if (!is_new && !inspect_file (path, &version, error))
    return NULL;

  self = g_object_new (AMAP_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (is_new)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (force_read_only)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_READ_ONLY,
                       _("The map “%s” does not exist and cannot be created read-only."),
                       display);
          return NULL;
        }

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                       _("The folder for the map “%s” could not be created: %s."),
                       display, g_strerror (saved_errno));
          return NULL;
        }
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (path);

      /* SQLite needs to create the -wal and -shm files beside the map. */
      self->read_only = force_read_only ||
                        g_access (path, W_OK) != 0 ||
                        g_access (dir, W_OK) != 0;
    }

  if (!open_connection (self, is_new, error))
    return NULL;

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

      if (!migrate (self, version, error))
        return NULL;
    }

  if (!load_metadata (self, error) || !load_categories (self, error))
    return NULL;

  read_data_version (self, &self->data_version);

  g_debug ("Opened %s (schema %d%s)", path, AMAP_STORE_SCHEMA_VERSION,
           self->read_only ? ", read-only" : "");

  return g_steal_pointer (&self);
}

AmapStore *
amap_store_open (const char  *path,
                 GError     **error)
{
  return amap_store_open_full (path, FALSE, error);
}

gint64
amap_store_set_max_page_count_for_testing (AmapStore *self,
                                           gint64     max_page_count)
{
  g_autofree char *sql = NULL;
  gint64 page_count = 0;

  g_return_val_if_fail (AMAP_IS_STORE (self), 0);

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_page_count);
  exec_sql (self, sql, NULL);
  query_int (self, "PRAGMA page_count", &page_count, NULL);

  return page_count;
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
  load_categories (self, NULL);

  /* What another connection did cannot be undone here, and our own steps
   * may no longer apply to what is stored. */
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  update_undo_state (self);

  g_signal_emit (self, signals[CATEGORIES_CHANGED], 0);
  g_signal_emit (self, signals[RESET], 0);
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

  if (!check_writable (self, error))
    return FALSE;

  if (!(stmt = prepare (self, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now_seconds ());
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    bind_text (stmt, 2, text);
  if (sqlite3_bind_parameter_count (stmt) >= 4)
    {
      bind_double (stmt, 3, a);
      bind_double (stmt, 4, b);
    }

  if (!step_done (self, stmt, error))
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

  return update_map_row (self,
                         "UPDATE map SET modified = ?1, home_name = ?2, "
                         "home_lat = ?3, home_lon = ?4",
                         name, latitude, longitude, error);
}

gboolean
amap_store_clear_home (AmapStore  *self,
                       GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  return update_map_row (self,
                         "UPDATE map SET modified = ?1, home_name = NULL, "
                         "home_lat = NULL, home_lon = NULL",
                         NULL, NAN, NAN, error);
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

/* Categories */

/**
 * amap_store_get_categories:
 *
 * Returns: (transfer none): the map's categories, built-ins first
 */
GListModel *
amap_store_get_categories (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->categories);
}

/**
 * amap_store_lookup_category:
 *
 * Returns: (transfer none) (nullable): the category with @key, owned by
 *   the store's category model (valid until the categories change)
 */
AmapCategory *
amap_store_lookup_category (AmapStore  *self,
                            const char *key)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (key == NULL)
    return NULL;

  model = G_LIST_MODEL (self->categories);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      /* The list store keeps its own reference. */
      g_autoptr(AmapCategory) category = g_list_model_get_item (model, i);

      if (g_strcmp0 (amap_category_get_key (category), key) == 0)
        return category;
    }

  return NULL;
}

/* A key for a user category: lowercase ASCII words joined by "-". */
static char *
make_category_key (AmapStore  *self,
                   const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  g_autofree char *lower = g_ascii_strdown (ascii, -1);
  GString *key = g_string_new (NULL);
  g_autofree char *base = NULL;

  for (const char *p = lower; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (key, *p);
      else if (key->len > 0 && key->str[key->len - 1] != '-')
        g_string_append_c (key, '-');
    }
  while (key->len > 0 && key->str[key->len - 1] == '-')
    g_string_truncate (key, key->len - 1);
  if (key->len == 0)
    g_string_append (key, "category");

  base = g_string_free (key, FALSE);

  for (guint i = 1; ; i++)
    {
      g_autofree char *candidate = i == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, i);
      if (amap_store_lookup_category (self, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
}

/**
 * amap_store_add_category:
 *
 * Returns: (transfer full): the new category
 */
AmapCategory *
amap_store_add_category (AmapStore   *self,
                         const char  *name,
                         const char  *color,
                         const char  *icon_name,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name ? name : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The category has no name. Type a name, then try again."));
      return NULL;
    }

  if (!amap_color_is_valid (color))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is not a color. Pick a color for the category."),
                   color ? color : "");
      return NULL;
    }

  if (icon_name == NULL || *icon_name == '\0')
    icon_name = "mark-location-symbolic";

  if (!check_writable (self, error))
    return NULL;

  key = make_category_key (self, trimmed);

  stmt = prepare (self, "INSERT INTO categories (key, name, color, icon, builtin, position) "
                        "VALUES (?1, ?2, ?3, ?4, 0, "
                        "(SELECT coalesce (max (position), 0) + 1 FROM categories))", error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, key);
  bind_text (stmt, 2, trimmed);
  bind_text (stmt, 3, color);
  bind_text (stmt, 4, icon_name);
  if (!step_done (self, stmt, error) || !load_categories (self, error))
    return NULL;

  g_signal_emit (self, signals[CATEGORIES_CHANGED], 0);

  return g_object_ref (amap_store_lookup_category (self, key));
}

/**
 * amap_store_remove_category:
 *
 * Removes a user category. Its assets move to "Other". Built-in categories
 * cannot be removed.
 */
gboolean
amap_store_remove_category (AmapStore   *self,
                            const char  *key,
                            GError     **error)
{
  AmapCategory *category;
  g_autoptr(sqlite3_stmt) move = NULL;
  g_autoptr(sqlite3_stmt) remove = NULL;
  gboolean moved_live = FALSE;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  category = amap_store_lookup_category (self, key);
  if (category == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                   _("The map has no category “%s”."), key ? key : "");
      return FALSE;
    }

  if (amap_category_get_builtin (category))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is one of the built-in categories, which cannot be removed."),
                   amap_category_get_name (category));
      return FALSE;
    }

  if (!check_writable (self, error) || !begin (self, error))
    return FALSE;

  if (!(move = prepare (self, "UPDATE assets SET category = ?2, modified = ?3 "
                              "WHERE category = ?1", error)) ||
      !(remove = prepare (self, "DELETE FROM categories WHERE key = ?1", error)))
    {
      rollback (self);
      return FALSE;
    }

  bind_text (move, 1, key);
  bind_text (move, 2, AMAP_CATEGORY_OTHER);
  sqlite3_bind_int64 (move, 3, now_seconds ());
  bind_text (remove, 1, key);

  if (!step_done (self, move, error))
    {
      rollback (self);
      return FALSE;
    }
  moved_live = sqlite3_changes (self->db) > 0;

  if (!step_done (self, remove, error) || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  load_categories (self, NULL);
  g_signal_emit (self, signals[CATEGORIES_CHANGED], 0);

  /* The assets of that category changed; undo steps that would write the
   * old category back cannot be replayed. */
  if (moved_live)
    {
      g_ptr_array_set_size (self->undo_stack, 0);
      g_ptr_array_set_size (self->redo_stack, 0);
      update_undo_state (self);
      g_signal_emit (self, signals[RESET], 0);
    }

  return TRUE;
}

/* Assets */

/* Re-reads the asset at @id and emits @signal with it. */
static void
emit_asset (AmapStore *self,
            guint      signal,
            gint64     id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) stored = read_asset (self, id, NULL, &error);

  if (stored == NULL)
    {
      g_warning ("Cannot read back asset %" G_GINT64_FORMAT ": %s", id, error->message);
      g_signal_emit (self, signals[RESET], 0);
      return;
    }

  g_signal_emit (self, signals[signal], 0, stored);
}

/* Writes @asset over row @id (0: a new row) in its own transaction. */
static gint64
save_asset (AmapStore  *self,
            AmapAsset  *asset,
            gint64      id,
            GError    **error)
{
  gint64 now = now_seconds ();

  if (!begin (self, error))
    return 0;

  id = write_asset (self, asset, id, now, FALSE, error);
  if (id == 0 || !touch_map (self, now, error) || !commit (self, error))
    {
      rollback (self);
      return 0;
    }

  return id;
}

gboolean
amap_store_add_asset (AmapStore  *self,
                      AmapAsset  *asset,
                      GError    **error)
{
  g_autoptr(AmapAsset) copy = NULL;
  gint64 id;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (AMAP_IS_ASSET (asset), FALSE);

  if (!check_writable (self, error))
    return FALSE;

  /* Work on a copy so that a failed add leaves the caller's asset as it
   * was; on success the caller's asset gets the stored uuid, dates and
   * ids. */
  copy = amap_asset_copy (asset);
  if (!validate (self, copy, error))
    return FALSE;

  if (amap_asset_get_uuid (copy) != NULL)
    {
      gint64 existing = lookup_uuid (self, amap_asset_get_uuid (copy), NULL, error);

      if (existing < 0)
        return FALSE;
      if (existing > 0)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("“%s” is already on the map."), amap_asset_get_name (copy));
          return FALSE;
        }
    }

  amap_asset_set_created (copy, 0);
  id = save_asset (self, copy, 0, error);
  if (id == 0)
    return FALSE;

  {
    g_autoptr(AmapAsset) stored = read_asset (self, id, NULL, NULL);

    if (stored != NULL)
      {
        amap_asset_set_uuid (asset, amap_asset_get_uuid (stored));
        amap_asset_set_created (asset, amap_asset_get_created (stored));
        amap_asset_set_modified (asset, amap_asset_get_modified (stored));
        amap_asset_set_category (asset, amap_asset_get_category (stored));
        amap_asset_set_last_contacted (asset, amap_asset_get_last_contacted (stored));
        push_undo (self, UNDO_ADD, NULL, stored);
        g_signal_emit (self, signals[ASSET_ADDED], 0, stored);
      }
  }

  return TRUE;
}

gboolean
amap_store_update_asset (AmapStore  *self,
                         AmapAsset  *asset,
                         GError    **error)
{
  g_autoptr(AmapAsset) before = NULL;
  g_autoptr(AmapAsset) after = NULL;
  g_autoptr(AmapAsset) copy = NULL;
  gint64 id;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (AMAP_IS_ASSET (asset), FALSE);

  if (!check_writable (self, error))
    return FALSE;

  copy = amap_asset_copy (asset);
  if (!validate (self, copy, error))
    return FALSE;

  if (!(id = lookup_live (self, amap_asset_get_uuid (copy), error)))
    return FALSE;

  if (!(before = read_asset (self, id, NULL, error)))
    return FALSE;

  /* Nothing to save: no undo step, no signal. */
  amap_asset_set_created (copy, amap_asset_get_created (before));
  update_last_contacted (copy);
  amap_asset_set_modified (copy, amap_asset_get_modified (before));
  if (amap_asset_equal (before, copy))
    return TRUE;

  if (!save_asset (self, copy, id, error))
    return FALSE;

  if (!(after = read_asset (self, id, NULL, error)))
    return FALSE;

  amap_asset_set_modified (asset, amap_asset_get_modified (after));
  amap_asset_set_created (asset, amap_asset_get_created (after));
  amap_asset_set_last_contacted (asset, amap_asset_get_last_contacted (after));

  push_undo (self, is_move (before, after) ? UNDO_MOVE : UNDO_EDIT, before, after);
  g_signal_emit (self, signals[ASSET_UPDATED], 0, after);

  return TRUE;
}

/* Soft-deletes or restores the asset at @id in its own transaction. */
static gboolean
change_deleted (AmapStore  *self,
                gint64      id,
                gboolean    deleted,
                GError    **error)
{
  gint64 now = now_seconds ();

  if (!begin (self, error))
    return FALSE;

  if (!set_deleted (self, id, deleted, now, error) ||
      !touch_map (self, now, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

gboolean
amap_store_delete_asset (AmapStore   *self,
                         const char  *uuid,
                         GError     **error)
{
  g_autoptr(AmapAsset) before = NULL;
  gint64 id;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;

  if (!(id = lookup_live (self, uuid, error)) ||
      !(before = read_asset (self, id, NULL, error)) ||
      !change_deleted (self, id, TRUE, error))
    return FALSE;

  push_undo (self, UNDO_DELETE, before, NULL);
  g_signal_emit (self, signals[ASSET_REMOVED], 0, amap_asset_get_uuid (before));

  return TRUE;
}

gboolean
amap_store_restore_asset (AmapStore   *self,
                          const char  *uuid,
                          GError     **error)
{
  gboolean deleted = FALSE;
  gint64 id;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;

  id = lookup_uuid (self, uuid, &deleted, error);
  if (id < 0)
    return FALSE;
  if (id == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This asset was never on the map, so it cannot be restored."));
      return FALSE;
    }
  if (!deleted)
    return TRUE;

  if (!change_deleted (self, id, FALSE, error))
    return FALSE;

  emit_asset (self, ASSET_ADDED, id);
  return TRUE;
}

/**
 * amap_store_get_asset:
 *
 * Returns: (transfer full): a fresh copy of the live asset @uuid
 */
AmapAsset *
amap_store_get_asset (AmapStore   *self,
                      const char  *uuid,
                      GError     **error)
{
  gint64 id;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(id = lookup_live (self, uuid, error)))
    return NULL;

  return read_asset (self, id, NULL, error);
}

typedef struct {
  char      *sort_key;
  AmapAsset *asset;
} SortEntry;

static int
compare_sort_entries (gconstpointer a,
                      gconstpointer b)
{
  const SortEntry *ea = a;
  const SortEntry *eb = b;

  return strcmp (ea->sort_key, eb->sort_key);
}

/* Reads every live asset with its children, in one query per table
 * rather than four per asset. */
static GPtrArray *
read_all_assets (AmapStore  *self,
                 GError    **error)
{
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *result;
  int rc;

  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  entries = g_array_new (FALSE, FALSE, sizeof (SortEntry));

  if (!(stmt = prepare (self, SELECT_ASSET "WHERE deleted = 0", error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SortEntry entry;
      gint64 *id = g_new (gint64, 1);
      g_autofree char *folded = NULL;

      *id = sqlite3_column_int64 (stmt, COL_ID);
      entry.asset = asset_from_row (stmt);
      folded = g_utf8_casefold (amap_asset_get_name (entry.asset), -1);
      entry.sort_key = g_utf8_collate_key (folded, -1);
      g_array_append_val (entries, entry);
      g_hash_table_insert (by_id, id, entry.asset);
    }

  if (rc == SQLITE_DONE)
    {
      for (guint i = 0; i < G_N_ELEMENTS (child_readers); i++)
        {
          g_clear_pointer (&stmt, sqlite3_finalize);
          if (!(stmt = prepare (self, child_readers[i].all_sql, NULL)))
            {
              rc = SQLITE_ERROR;
              break;
            }

          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              gint64 id = sqlite3_column_int64 (stmt, 0);
              AmapAsset *asset = g_hash_table_lookup (by_id, &id);

              if (asset != NULL)
                child_readers[i].func (asset, stmt);
            }

          if (rc != SQLITE_DONE)
            break;
        }
    }

  g_array_sort (entries, compare_sort_entries);

  result = g_ptr_array_new_full (entries->len, g_object_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      SortEntry *entry = &g_array_index (entries, SortEntry, i);

      g_ptr_array_add (result, entry->asset);
      g_free (entry->sort_key);
    }

  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (result);
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return result;
}

/**
 * amap_store_list_assets:
 *
 * Returns: (transfer full) (element-type AmapAsset): every live asset,
 *   children included, ordered by name as the user's locale sorts
 */
GPtrArray *
amap_store_list_assets (AmapStore  *self,
                        GError    **error)
{
  GPtrArray *result;
  gboolean own_transaction;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  /* One read transaction, so that assets and children are one snapshot
   * even while another connection writes. */
  own_transaction = sqlite3_get_autocommit (self->db);
  if (own_transaction && !exec_sql (self, "BEGIN", error))
    return NULL;

  result = read_all_assets (self, error);

  if (own_transaction)
    exec_sql (self, "COMMIT", NULL);

  return result;
}

/* One live asset in export order, see amap_store_foreach_asset(). */
typedef struct
{
  gint64  id;
  guint   group;      /* index of its category in the categories model */
  char   *sort_name;  /* casefolded name */
  char   *name;
  char   *uuid;
} ExportEntry;

static void
export_entry_clear (ExportEntry *entry)
{
  g_free (entry->sort_name);
  g_free (entry->name);
  g_free (entry->uuid);
}

/* The order of amap_kml_writer_write(). */
static int
compare_export_entries (gconstpointer a,
                        gconstpointer b)
{
  const ExportEntry *ea = a;
  const ExportEntry *eb = b;
  int cmp;

  if (ea->group != eb->group)
    return ea->group < eb->group ? -1 : 1;
  if ((cmp = strcmp (ea->sort_name, eb->sort_name)) != 0)
    return cmp;
  if ((cmp = strcmp (ea->name, eb->name)) != 0)
    return cmp;
  return strcmp (ea->uuid, eb->uuid);
}

/* The ids of the assets that have a row in @table (asset_id column). */
static GHashTable *
ids_with_rows (AmapStore   *self,
               const char  *table,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT DISTINCT asset_id FROM %s", table);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  g_autoptr(GHashTable) ids = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (ids, id);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* Reads the asset row @id and the children the @has_* sets say it has. */
static AmapAsset *
read_export_asset (AmapStore   *self,
                   gint64       id,
                   GHashTable  *has_children[],
                   GError     **error)
{
  g_autoptr(AmapAsset) asset = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, STMT_SELECT_ASSET, error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      set_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return NULL;
    }
  asset = asset_from_row (stmt);
  sqlite3_reset (stmt);

  if (!read_children (self, asset, id, has_children, error))
    return NULL;

  return g_steal_pointer (&asset);
}

static gboolean
foreach_asset (AmapStore                *self,
               AmapStoreCategoriesFunc   categories_func,
               AmapStoreAssetFunc        asset_func,
               gpointer                  user_data,
               GCancellable             *cancellable,
               GError                  **error)
{
  static const char * const child_tables[] = { "asset_tags", "contacts", "interactions" };
  GListModel *categories = G_LIST_MODEL (self->categories);
  guint n_categories = g_list_model_get_n_items (categories);
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gboolean *used = g_new0 (gboolean, n_categories + 1);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (ExportEntry));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GHashTable *has_children[G_N_ELEMENTS (child_readers)] = { NULL, };
  gboolean ok = FALSE;
  int rc;

  G_STATIC_ASSERT (G_N_ELEMENTS (child_tables) == G_N_ELEMENTS (child_readers));

  g_array_set_clear_func (entries, (GDestroyNotify) export_entry_clear);

  for (guint i = 0; i < n_categories; i++)
    {
      /* The model keeps its own reference. */
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      g_hash_table_insert (groups, (gpointer) amap_category_get_key (category),
                           GUINT_TO_POINTER (i + 1));
    }

  /* First the order: id, category, name and uuid of every live asset. */
  if (!(stmt = prepare (self, "SELECT id, category, name, uuid FROM assets WHERE deleted = 0",
                        error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ExportEntry entry;
      guint group = GPOINTER_TO_UINT (g_hash_table_lookup (groups, column_text (stmt, 1)));

      /* Every stored category is in the model (a foreign key); a stranger
       * would go last. */
      entry.group = group > 0 ? group - 1 : n_categories;
      used[entry.group] = TRUE;
      entry.id = sqlite3_column_int64 (stmt, 0);
      entry.name = g_strdup (column_text (stmt, 2));
      entry.sort_name = g_utf8_casefold (entry.name, -1);
      entry.uuid = g_strdup (column_text (stmt, 3));
      g_array_append_val (entries, entry);
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  g_array_sort (entries, compare_export_entries);

  if (categories_func != NULL)
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new_null_terminated (n_categories, NULL, TRUE);
      g_autoptr(GPtrArray) strays = g_ptr_array_new_null_terminated (0, g_free, TRUE);

      for (guint i = 0; i < n_categories; i++)
        if (used[i])
          {
            g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

            g_ptr_array_add (keys, (gpointer) amap_category_get_key (category));
          }

      if (used[n_categories])
        {
          /* Not expected (see above); read their keys for the caller. */
          g_autoptr(sqlite3_stmt) keys_stmt = prepare (self, "SELECT DISTINCT category "
                                                             "FROM assets WHERE deleted = 0 "
                                                             "ORDER BY category", error);

          if (keys_stmt == NULL)
            return FALSE;
          while (sqlite3_step (keys_stmt) == SQLITE_ROW)
            if (!g_hash_table_contains (groups, column_text (keys_stmt, 0)))
              {
                g_ptr_array_add (strays, g_strdup (column_text (keys_stmt, 0)));
                g_ptr_array_add (keys, g_ptr_array_index (strays, strays->len - 1));
              }
        }

      if (!categories_func ((const char * const *) keys->pdata, user_data, error))
        return FALSE;
    }

  /* Most maps have few assets with tags, contacts or a log: ask the
   * child tables only for those. */
  for (guint i = 0; i < G_N_ELEMENTS (child_readers); i++)
    if (!(has_children[i] = ids_with_rows (self, child_tables[i], error)))
      goto out;

  for (guint i = 0; i < entries->len; i++)
    {
      ExportEntry *entry = &g_array_index (entries, ExportEntry, i);
      g_autoptr(AmapAsset) asset = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      if (!(asset = read_export_asset (self, entry->id, has_children, error)) ||
          !asset_func (asset, user_data, error))
        goto out;

      /* What was written is not needed again. */
      export_entry_clear (entry);
      memset (entry, 0, sizeof *entry);
    }

  ok = TRUE;

out:
  for (guint i = 0; i < G_N_ELEMENTS (child_readers); i++)
    g_clear_pointer (&has_children[i], g_hash_table_unref);

  return ok;
}

/**
 * amap_store_foreach_asset:
 * @categories_func: (nullable) (scope call): called first, with the keys
 *   of the categories in use
 * @asset_func: (scope call): called for each live asset, in export order
 *
 * Returns: FALSE with the first error of a callback or of the database,
 *   or when cancelled
 */
gboolean
amap_store_foreach_asset (AmapStore                *self,
                          AmapStoreCategoriesFunc   categories_func,
                          AmapStoreAssetFunc        asset_func,
                          gpointer                  user_data,
                          GCancellable             *cancellable,
                          GError                  **error)
{
  gboolean own_transaction;
  gboolean ok;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (asset_func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  own_transaction = sqlite3_get_autocommit (self->db);
  if (own_transaction && !exec_sql (self, "BEGIN", error))
    return FALSE;

  ok = foreach_asset (self, categories_func, asset_func, user_data, cancellable, error);

  if (own_transaction)
    exec_sql (self, "COMMIT", NULL);

  return ok;
}

guint
amap_store_count_assets (AmapStore *self)
{
  gint64 count = 0;

  g_return_val_if_fail (AMAP_IS_STORE (self), 0);

  query_int (self, "SELECT count(*) FROM assets WHERE deleted = 0", &count, NULL);

  return (guint) count;
}

/* Collects column 0 of every row as strings. */
static GPtrArray *
collect_strings (AmapStore     *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, g_strdup (column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&result);
}

/* Turns what the user typed into an FTS5 query: every word becomes a
 * quoted prefix ("word"*), so that operators and quotes typed by the user
 * are only text. NULL when there is no word. */
static char *
make_fts_query (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n\r\f\v", -1);
  GString *query = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean has_alnum = FALSE;

      if (!g_utf8_validate (words[i], -1, NULL))
        continue;

      for (const char *p = words[i]; *p; p = g_utf8_next_char (p))
        if (g_unichar_isalnum (g_utf8_get_char (p)))
          has_alnum = TRUE;

      if (!has_alnum)
        continue;

      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (const char *p = words[i]; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *p);
        }
      g_string_append (query, "\"*");
    }

  if (query->len == 0)
    {
      g_string_free (query, TRUE);
      return NULL;
    }

  return g_string_free (query, FALSE);
}

/**
 * amap_store_search:
 *
 * Returns: (transfer full) (element-type utf8): uuids, best match first
 */
GPtrArray *
amap_store_search (AmapStore   *self,
                   const char  *text,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  query = make_fts_query (text ? text : "");
  if (query == NULL)
    return g_ptr_array_new_with_free_func (g_free);

  /* The name counts most, then what the asset offers and needs. */
  if (!(stmt = prepare (self,
                        "SELECT a.uuid FROM asset_fts f JOIN assets a ON a.id = f.rowid "
                        "WHERE asset_fts MATCH ?1 AND a.deleted = 0 "
                        "ORDER BY bm25 (asset_fts, 10.0, 2.0, 3.0, 3.0, 2.0, 4.0, 4.0), a.name",
                        error)))
    return NULL;

  bind_text (stmt, 1, query);

  return collect_strings (self, stmt, error);
}

/**
 * amap_store_query_box:
 *
 * A box with @west > @east crosses the antimeridian.
 *
 * Returns: (transfer full) (element-type utf8): uuids of the live assets
 *   inside the box, edges included
 */
GPtrArray *
amap_store_query_box (AmapStore   *self,
                      double       south,
                      double       west,
                      double       north,
                      double       east,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (isnan (south) || isnan (west) || isnan (north) || isnan (east) || south > north)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The area to search is not a valid box on the map."));
      return NULL;
    }

  /* The R*Tree stores 32-bit floats rounded outward, so it finds a few
   * candidates too many; the exact coordinates decide. */
  if (!(stmt = prepare (self,
                        "SELECT a.uuid FROM asset_rtree r JOIN assets a ON a.id = r.id "
                        "WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 "
                        "AND a.deleted = 0 AND a.lat >= ?1 AND a.lat <= ?3 "
                        "AND CASE WHEN ?2 <= ?4 "
                        "  THEN r.max_lon >= ?2 AND r.min_lon <= ?4 AND a.lon >= ?2 AND a.lon <= ?4 "
                        "  ELSE a.lon >= ?2 OR a.lon <= ?4 END",
                        error)))
    return NULL;

  sqlite3_bind_double (stmt, 1, south);
  sqlite3_bind_double (stmt, 2, west);
  sqlite3_bind_double (stmt, 3, north);
  sqlite3_bind_double (stmt, 4, east);

  return collect_strings (self, stmt, error);
}

/**
 * amap_store_list_tags:
 *
 * Returns: (transfer full): the tags of live assets, sorted
 */
GStrv
amap_store_list_tags (AmapStore  *self,
                      GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *tags;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(stmt = prepare (self,
                        "SELECT DISTINCT t.name FROM tags t "
                        "JOIN asset_tags x ON x.tag_id = t.id "
                        "JOIN assets a ON a.id = x.asset_id "
                        "WHERE a.deleted = 0 ORDER BY t.name",
                        error)))
    return NULL;

  if (!(tags = collect_strings (self, stmt, error)))
    return NULL;

  g_ptr_array_add (tags, NULL);
  g_ptr_array_set_free_func (tags, NULL);
  return (GStrv) g_ptr_array_free (tags, FALSE);
}

/* Undo / redo */

gboolean
amap_store_get_can_undo (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return self->undo_stack->len > 0;
}

gboolean
amap_store_get_can_redo (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return self->redo_stack->len > 0;
}

const char *
amap_store_get_undo_label (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return self->undo_label;
}

const char *
amap_store_get_redo_label (AmapStore *self)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  return self->redo_label;
}

/*
 * Brings the asset of @step to the state @target (NULL: deleted) and
 * emits the matching signal. An undone add becomes a soft delete, so even
 * that loses nothing.
 */
static gboolean
apply_state (AmapStore  *self,
             UndoStep   *step,
             AmapAsset  *target,
             GError    **error)
{
  gboolean deleted = FALSE;
  gint64 now = now_seconds ();
  gint64 id;

  id = lookup_uuid (self, step->uuid, &deleted, error);
  if (id < 0)
    return FALSE;
  if (id == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This asset is no longer on the map, so the step cannot be "
                             "undone."));
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;

  if (target == NULL)
    {
      if (!set_deleted (self, id, TRUE, now, error))
        goto failed;
    }
  else
    {
      g_autoptr(AmapAsset) copy = amap_asset_copy (target);

      if (!write_asset (self, copy, id, now, FALSE, error))
        goto failed;
    }

  if (!touch_map (self, now, error) || !commit (self, error))
    goto failed;

  if (target == NULL)
    g_signal_emit (self, signals[ASSET_REMOVED], 0, step->uuid);
  else
    emit_asset (self, deleted ? ASSET_ADDED : ASSET_UPDATED, id);

  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

static gboolean
move_step (AmapStore  *self,
           GPtrArray  *from,
           GPtrArray  *to,
           gboolean    undo,
           GError    **error)
{
  UndoStep *step;

  if (!check_writable (self, error))
    return FALSE;

  if (from->len == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           undo ? _("There is nothing to undo.") : _("There is nothing to redo."));
      return FALSE;
    }

  step = g_ptr_array_index (from, from->len - 1);
  if (!apply_state (self, step, undo ? step->before : step->after, error))
    return FALSE;

  g_ptr_array_add (to, g_ptr_array_steal_index (from, from->len - 1));
  update_undo_state (self);

  return TRUE;
}

gboolean
amap_store_undo (AmapStore  *self,
                 GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return move_step (self, self->undo_stack, self->redo_stack, TRUE, error);
}

gboolean
amap_store_redo (AmapStore  *self,
                 GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  return move_step (self, self->redo_stack, self->undo_stack, FALSE, error);
}

/* Batches */

/**
 * amap_store_batch_begin:
 *
 * Starts one write transaction for many puts. Only one batch at a time per
 * store; while it runs, single edits on this store are refused.
 *
 * Returns: (transfer full) (nullable): the batch; end it with
 *   amap_store_batch_commit() or amap_store_batch_abort()
 */
AmapStoreBatch *
amap_store_batch_begin (AmapStore  *self,
                        GError    **error)
{
  AmapStoreBatch *batch;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!check_writable (self, error))
    return NULL;

  /* A big import must not spill dirty pages into the log mid-way. */
  if (!exec_sql (self, "PRAGMA cache_size = -131072;", error))
    return NULL;

  if (!begin (self, error))
    return NULL;

  batch = g_new0 (AmapStoreBatch, 1);
  batch->store = g_object_ref (self);
  batch->points = g_array_new (FALSE, FALSE, sizeof (BatchPoint));
  self->batch = batch;

  return batch;
}

/**
 * amap_store_batch_put:
 * @updated: (out) (optional): TRUE when an asset was updated rather than
 *   added
 *
 * Validates and writes @asset. On a validation error nothing is written
 * and the batch goes on. The asset gets its uuid and dates: an updated
 * asset keeps its stored uuid and "created"; "created" and "modified" the
 * asset already carries (an exported map coming back) are kept.
 */
gboolean
amap_store_batch_put (AmapStoreBatch  *batch,
                      AmapAsset       *asset,
                      gboolean        *updated,
                      GError         **error)
{
  AmapStore *self;
  sqlite3_stmt *stmt;
  gboolean deleted = FALSE;
  gint64 id = 0;
  gint64 now;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (AMAP_IS_ASSET (asset), FALSE);

  self = batch->store;
  g_return_val_if_fail (self->batch == batch, FALSE);

  if (updated != NULL)
    *updated = FALSE;

  if (!validate (self, asset, error))
    return FALSE;

  if (amap_asset_get_uuid (asset) != NULL)
    {
      id = lookup_uuid (self, amap_asset_get_uuid (asset), &deleted, error);
      if (id < 0)
        return FALSE;
    }

  if (id == 0 && amap_asset_get_source_id (asset) != NULL)
    {
      int rc;

      if (!(stmt = get_stmt (self, STMT_ID_BY_SOURCE_ID, error)))
        return FALSE;

      bind_text (stmt, 1, amap_asset_get_source_id (asset));
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return set_sqlite_error (self, rc, error);
    }

  now = now_seconds ();

  if (id == 0)
    {
      if (!(id = write_asset (self, asset, 0, now, TRUE, error)))
        return FALSE;
    }
  else
    {
      /* It is that asset: it keeps its uuid and creation date. */
      if (!read_identity (self, id, asset, error) ||
          !write_asset (self, asset, id, now, TRUE, error))
        return FALSE;
      if (updated != NULL)
        *updated = !deleted;
    }

  batch->n_puts++;
  return TRUE;
}

/* The R*Tree entries of the rows the batch wrote, in row order. */
static gboolean
insert_batch_points (AmapStoreBatch  *batch,
                     GError         **error)
{
  AmapStore *self = batch->store;
  guint n = 0;

  /* Keep the last write of each asset, and only those with a location. */
  g_array_sort (batch->points, compare_batch_point_ids);
  for (guint i = 0; i < batch->points->len; i++)
    {
      BatchPoint *point = &g_array_index (batch->points, BatchPoint, i);

      if (i + 1 < batch->points->len &&
          g_array_index (batch->points, BatchPoint, i + 1).id == point->id)
        continue;
      if (isnan (point->latitude) || isnan (point->longitude))
        continue;
      g_array_index (batch->points, BatchPoint, n++) = *point;
    }
  g_array_set_size (batch->points, n);

  for (guint i = 0; i < batch->points->len; i++)
    {
      BatchPoint *point = &g_array_index (batch->points, BatchPoint, i);
      sqlite3_stmt *stmt = get_stmt (self, STMT_RTREE_INSERT, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, point->id);
      sqlite3_bind_double (stmt, 2, point->latitude);
      sqlite3_bind_double (stmt, 3, point->longitude);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  g_array_set_size (batch->points, 0);
  return TRUE;
}

static void
batch_free (AmapStoreBatch *batch)
{
  if (batch->store->batch == batch)
    batch->store->batch = NULL;
  exec_sql (batch->store, "PRAGMA cache_size = -2000", NULL);
  g_array_unref (batch->points);
  g_object_unref (batch->store);
  g_free (batch);
}

/**
 * amap_store_batch_commit:
 *
 * Commits and frees the batch (also on error, after rolling back), then
 * emits "reset" once.
 */
gboolean
amap_store_batch_commit (AmapStoreBatch  *batch,
                         GError         **error)
{
  g_autoptr(AmapStore) self = NULL;
  guint n_puts;

  g_return_val_if_fail (batch != NULL, FALSE);

  self = g_object_ref (batch->store);
  n_puts = batch->n_puts;

  if (!insert_batch_points (batch, error) ||
      (n_puts > 0 && !touch_map (self, now_seconds (), error)) ||
      !commit (self, error))
    {
      rollback (self);
      batch_free (batch);
      return FALSE;
    }

  batch_free (batch);

  if (n_puts > 0)
    {
      /* Undo steps may refer to what the import just overwrote. */
      g_ptr_array_set_size (self->undo_stack, 0);
      g_ptr_array_set_size (self->redo_stack, 0);
      update_undo_state (self);
      g_signal_emit (self, signals[RESET], 0);
    }

  return TRUE;
}

void
amap_store_batch_abort (AmapStoreBatch *batch)
{
  g_return_if_fail (batch != NULL);

  rollback (batch->store);
  batch_free (batch);
}

/* Tours */

static gboolean
check_tour_name (const char  *name,
                 GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The tour has no name. Type a name, then try again."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_tour_changed (AmapStore  *self,
                    GError    **error)
{
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map."));
      return FALSE;
    }

  return TRUE;
}

/**
 * amap_store_add_tour:
 * @start_time: (nullable): when the tour starts, as the tour planner
 *   writes it
 *
 * Returns: the new tour's id, 0 on error
 */
gint64
amap_store_add_tour (AmapStore   *self,
                     const char  *name,
                     const char  *start_time,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), 0);

  if (!check_tour_name (name, error) || !check_writable (self, error))
    return 0;

  if (!(stmt = prepare (self, "INSERT INTO tours (name, start_time, created) "
                              "VALUES (?1, ?2, ?3)", error)))
    return 0;

  bind_text (stmt, 1, name);
  bind_text (stmt, 2, start_time && *start_time ? start_time : NULL);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  if (!step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

gboolean
amap_store_rename_tour (AmapStore   *self,
                        gint64       tour_id,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!check_tour_name (name, error) || !check_writable (self, error))
    return FALSE;

  if (!(stmt = prepare (self, "UPDATE tours SET name = ?2 WHERE id = ?1", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, tour_id);
  bind_text (stmt, 2, name);

  return step_done (self, stmt, error) && check_tour_changed (self, error);
}

gboolean
amap_store_delete_tour (AmapStore   *self,
                        gint64       tour_id,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;

  if (!(stmt = prepare (self, "DELETE FROM tours WHERE id = ?1", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, tour_id);

  return step_done (self, stmt, error) && check_tour_changed (self, error);
}

gboolean
amap_store_set_tour_stops (AmapStore          *self,
                           gint64              tour_id,
                           const char * const *uuids,
                           const int          *dwell_minutes,
                           const char * const *notes,
                           guint               n_stops,
                           GError            **error)
{
  g_autoptr(sqlite3_stmt) exists = NULL;
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (n_stops == 0 || uuids != NULL, FALSE);
  g_return_val_if_fail (n_stops == 0 || dwell_minutes != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  for (guint i = 0; i < n_stops; i++)
    {
      if (dwell_minutes[i] < 0)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("Stop %u of the tour has a negative time (%d minutes). "
                         "Enter how many minutes to stay, or 0."),
                       i + 1, dwell_minutes[i]);
          return FALSE;
        }
    }

  if (!(exists = prepare (self, "SELECT 1 FROM tours WHERE id = ?1", error)) ||
      !(clear = prepare (self, "DELETE FROM tour_stops WHERE tour_id = ?1", error)) ||
      !(insert = prepare (self, "INSERT INTO tour_stops (tour_id, position, asset_id, "
                                "dwell_minutes, note) VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    return FALSE;

  sqlite3_bind_int64 (exists, 1, tour_id);
  if (sqlite3_step (exists) != SQLITE_ROW)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map."));
      return FALSE;
    }
  sqlite3_reset (exists);

  if (!begin (self, error))
    return FALSE;

  sqlite3_bind_int64 (clear, 1, tour_id);
  if (!step_done (self, clear, error))
    goto failed;

  for (guint i = 0; i < n_stops; i++)
    {
      gint64 asset_id = lookup_live (self, uuids[i], error);

      if (asset_id == 0)
        goto failed;

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, tour_id);
      sqlite3_bind_int (insert, 2, (int) i);
      sqlite3_bind_int64 (insert, 3, asset_id);
      sqlite3_bind_int (insert, 4, dwell_minutes[i]);
      bind_text (insert, 5, notes != NULL && notes[i] != NULL && *notes[i] ? notes[i] : NULL);
      if (!step_done (self, insert, error))
        goto failed;
    }

  if (!commit (self, error))
    goto failed;

  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

/**
 * amap_store_get_tour_stops:
 *
 * Returns: (transfer full) (element-type utf8): the uuids of the tour's
 *   stops in order; stops at deleted assets are left out
 */
GPtrArray *
amap_store_get_tour_stops (AmapStore   *self,
                           gint64       tour_id,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) exists = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(exists = prepare (self, "SELECT 1 FROM tours WHERE id = ?1", error)))
    return NULL;

  sqlite3_bind_int64 (exists, 1, tour_id);
  if (sqlite3_step (exists) != SQLITE_ROW)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("This tour is no longer on the map."));
      return NULL;
    }

  if (!(stmt = prepare (self,
                        "SELECT a.uuid FROM tour_stops s JOIN assets a ON a.id = s.asset_id "
                        "WHERE s.tour_id = ?1 AND a.deleted = 0 ORDER BY s.position",
                        error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, tour_id);

  return collect_strings (self, stmt, error);
}
