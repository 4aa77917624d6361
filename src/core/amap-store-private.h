/* amap-store-private.h: what the store's files share, and hooks for tests;
 * not for the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sys/types.h>

#include <sqlite3.h>

#include "amap-asset.h"
#include "amap-tour.h"

#include "amap-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
/* An unfinished batch is aborted. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapStoreBatch, amap_store_batch_abort)

/* The PRAGMA application_id of an Asset Map file ("AMAP"). */
#define AMAP_STORE_APPLICATION_ID 0x414d4150

/* The connection's page cache, in KiB (negative: see "PRAGMA
 * cache_size"); a batch sets its own and puts this one back. */
#define AMAP_STORE_CACHE_SIZE -16384

/* Like amap_store_open(), but opens read-only when @force_read_only is
 * TRUE, as if the file were not writable. Tests use it where chmod cannot
 * stop the user (root). */
AmapStore *amap_store_open_full                     (const char *path,
                                                     gboolean    force_read_only,
                                                     GError    **error);

/* How a store opens its file. */
typedef enum
{
  AMAP_STORE_OPEN_CREATE    = 1 << 0,  /* make a new map when there is none */
  AMAP_STORE_OPEN_READ_ONLY = 1 << 1,  /* as if the file were not writable */
  AMAP_STORE_OPEN_AS_IS     = 1 << 2,  /* only the connection: no migration, no
                                        * metadata (a backup copies any version) */
} AmapStoreOpenFlags;

AmapStore *_amap_store_open_with_flags              (const char          *path,
                                                     AmapStoreOpenFlags   flags,
                                                     GError             **error);

/* Runs PRAGMA max_page_count on the store's connection, so that writes
 * beyond it fail with SQLITE_FULL exactly as on a full disk. Returns the
 * page count now in use. */
gint64     amap_store_set_max_page_count_for_testing (AmapStore  *self,
                                                      gint64      max_page_count);


/* The error a failed SQLite call on the map @path gives (@rc: an extended
 * result code; @system_errno: the errno behind it, or 0). */
void       amap_store_file_error_for_testing         (const char  *path,
                                                      int          rc,
                                                      int          system_errno,
                                                      GError     **error);

/* What the files of the store share: amap-store.c (the connection,
 * statements, transactions, schema and migrations), amap-store-assets.c,
 * amap-store-categories.c, amap-store-batch.c, amap-store-tours.c and
 * amap-store-history.c. Nothing outside them uses these. */

/* The columns of an asset, in the order of the ?1..?22 parameters of
 * STMT_INSERT_ASSET / STMT_UPDATE_ASSET and of the SELECT columns 2..23. */
#define ASSET_COLUMNS \
  "uuid, source_id, name, category, lat, lon, shape, address, description, " \
  "strengths, needs, website, phone, email, is_hub, stage, last_contacted, " \
  "created, modified, extras, folders, location_source"
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
  COL_FOLDERS,
  COL_LOCATION_SOURCE,
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
  STMT_QUERY_BOX,
  STMT_QUERY_BOX_ACROSS,
  STMT_SEARCH,
  STMT_SEARCH_MATCHES,
  N_STMTS
} StmtId;

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

typedef struct _AmapStoreChange AmapStoreChange;

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
  AmapStore       *store;
  guint            n_puts;
  GArray          *points;   /* BatchPoint, one for each write of the batch */
  char            *name;     /* what is imported ("tbilisi.kml"), for the undo label */
  AmapStoreChange *change;   /* the import's undo change (_amap_store_import_change_new) */
  GHashTable      *touched;  /* older rows written so far: each asset is recorded once */
  gint64           max_id_before;  /* the rows after it are the batch's own */
  GPtrArray       *extra_changes;  /* AmapStoreChange: what else the batch did (tours) */
  /* New rows whose FTS row is written at commit, in one INSERT … SELECT
   * per run of consecutive ids (ascending: rows are appended). */
  GArray          *fts_deferred;   /* gint64 */
  sqlite3_stmt    *set_category;   /* amap_store_batch_set_category() */
  /* Into a map without assets: the CREATE INDEX statements of the assets'
   * own indexes, dropped until the commit, and the hashes of the source
   * ids the batch wrote (see amap-store-batch.c); NULL otherwise. */
  GPtrArray       *deferred_indexes;
  guint64         *source_hashes;
  gsize            source_hash_mask;
  gsize            n_source_hashes;
};

gboolean   _amap_store_batch_write_fts              (AmapStoreBatch  *batch,
                                                     GError         **error);

/* The packed R*Tree (amap-store-batch.c): fewer points than this go in
 * one by one. */
#define AMAP_STORE_RTREE_BULK_MIN 1024

gboolean   _amap_store_bulk_load_rtree              (AmapStore       *self,
                                                     GArray         **points,
                                                     GError         **error);

/* Reused buffers for the values write_asset() builds, so that a batch of
 * many puts allocates nothing per asset. */
typedef struct
{
  GString *extras;
  GString *folders;
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
  /* key (owned by the category) -> AmapCategory (owned by categories) */
  GHashTable     *category_by_key;

  /* Newest last. */
  GPtrArray      *undo_stack;
  GPtrArray      *redo_stack;
  char           *undo_label;
  char           *redo_label;

  AmapStoreBatch *batch;
  WriteBuffers    buffers;

  /* The file, as the process-wide list of open maps knows it (see
   * amap-store.c, "Open maps"). */
  dev_t           file_dev;
  ino_t           file_ino;
  gboolean        registered;
  /* PRAGMA quick_check ran (before the first write) and found it sound. */
  gboolean        checked;
  /* A checkpoint after a commit failed for lack of space: the next write
   * tries it first, and so does closing. */
  gboolean        checkpoint_pending;
  /* In a rollback journal for one import (_amap_store_enter_rollback_journal()). */
  gboolean        rollback_journal;
};


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
  TOUR_CHANGED,
  N_SIGNALS
};

extern GParamSpec *amap_store_properties[N_PROPS];
extern guint amap_store_signals[N_SIGNALS];

/* History (amap-store-history.c) */

/* AmapStoreStep is declared in amap-store.h, AmapStoreChange above. */

/* One kind of change the history can undo and redo. */
typedef struct
{
  /* Brings the map to the state before (@undo) or after the change,
   * inside the transaction the history opened. */
  gboolean (*apply) (AmapStore        *self,
                     AmapStoreChange  *change,
                     gboolean          undo,
                     GError          **error);
  /* After the commit: the signals for what apply() changed. */
  void     (*emit)  (AmapStore        *self,
                     AmapStoreChange  *change,
                     gboolean          undo);
  void     (*free)  (AmapStoreChange  *change);
} AmapStoreChangeClass;

/* Each kind of change starts with this. */
struct _AmapStoreChange
{
  const AmapStoreChangeClass *klass;
};

/* Takes ownership of both labels (translated, "Undo Delete 5 Assets"). */
AmapStoreStep *
_amap_store_step_new (char *undo_label,
                      char *redo_label);

void
_amap_store_step_free (AmapStoreStep *step);

void
_amap_store_step_add_change (AmapStoreStep   *step,
                             AmapStoreChange *change);

guint
_amap_store_step_get_n_changes (AmapStoreStep *step);

AmapStoreChange *
_amap_store_step_get_change (AmapStoreStep *step,
                             guint          index);

/* The step becomes the newest of the undo history; redo is cleared. */
void
_amap_store_push_step (AmapStore     *self,
                       AmapStoreStep *step);

void
_amap_store_clear_history (AmapStore *self);

/* Applies the changes of @step (just made) forwards in one transaction,
 * emits their signals and pushes it as the newest step; takes @step.
 * On error nothing changed. */
gboolean
_amap_store_run_step (AmapStore      *self,
                      AmapStoreStep  *step,
                      GError        **error);

void
_amap_store_update_undo_state (AmapStore *self);

/* A change of one asset from @before to @after (either may be NULL: it
 * did not exist, or was deleted). Copies both. */
AmapStoreChange *
_amap_store_asset_change_new (AmapAsset *before,
                              AmapAsset *after);

/* An import's one change: what it added and updated (see
 * amap-store-history.c). The batch records into it as it writes. */
AmapStoreChange *
_amap_store_import_change_new (void);

void
_amap_store_import_change_add (AmapStoreChange *change,
                               const char      *uuid);

/* @before: the asset as it was (the change keeps a reference). */
void
_amap_store_import_change_update (AmapStoreChange *change,
                                  AmapAsset       *before,
                                  gboolean         was_deleted);

guint
_amap_store_import_change_get_n_assets (AmapStoreChange *change);

/* Something else a batch did (a tour it added: _amap_store_tour_change_new
 * (NULL, tour)) becomes part of the import's undo step; takes @change. */
void
_amap_store_batch_add_change (AmapStoreBatch  *batch,
                              AmapStoreChange *change);

/* Many assets soft-deleted at once; takes @uuids (char *). */
AmapStoreChange *
_amap_store_delete_change_new (GPtrArray *uuids);

/* One asset's step, with its labels ("Undo Edit “Café Luna”"). */
void
_amap_store_push_undo (AmapStore *self,
                       UndoKind   kind,
                       AmapAsset *before,
                       AmapAsset *after);

/* A change of one tour from @before to @after, each whole (stops at
 * deleted assets included); either may be NULL: it did not exist, or
 * was deleted. Copies both. (amap-store-tours.c) */
AmapStoreChange *
_amap_store_tour_change_new (AmapTour *before,
                             AmapTour *after);

/* Connection, statements, transactions (amap-store.c) */

gint64
_amap_store_now_seconds (void);

gboolean
_amap_store_set_sqlite_error (AmapStore  *self,
                              int         rc,
                              GError    **error);

gboolean
_amap_store_check_writable (AmapStore  *self,
                            GError    **error);

/* The error of a failed SQLite call on the map @path (no store needed). */
void
_amap_store_set_file_error (const char  *path,
                            int          rc,
                            int          system_errno,
                            GError     **error);

/* The URI of a read-only connection to @path that leaves nothing behind. */
char *
_amap_store_read_only_uri (const char *path);

sqlite3_stmt *
_amap_store_get_stmt (AmapStore  *self,
                      StmtId      id,
                      GError    **error);

sqlite3_stmt *
_amap_store_prepare (AmapStore   *self,
                     const char  *sql,
                     GError     **error);

gboolean
_amap_store_step_done (AmapStore     *self,
                       sqlite3_stmt  *stmt,
                       GError       **error);

gboolean
_amap_store_run_cached (AmapStore  *self,
                        StmtId      id,
                        GError    **error);

gboolean
_amap_store_exec_sql (AmapStore   *self,
                      const char  *sql,
                      GError     **error);

void
_amap_store_bind_text (sqlite3_stmt *stmt,
                       int           index,
                       const char   *text);

void
_amap_store_bind_double (sqlite3_stmt *stmt,
                         int           index,
                         double        value);

const char *
_amap_store_column_text (sqlite3_stmt *stmt,
                         int           column);

double
_amap_store_column_double (sqlite3_stmt *stmt,
                           int           column);

gboolean
_amap_store_begin (AmapStore  *self,
                   GError    **error);

gboolean
_amap_store_commit (AmapStore  *self,
                    GError    **error);

void
_amap_store_rollback (AmapStore *self);

gboolean
_amap_store_enter_rollback_journal (AmapStore *self);

void
_amap_store_leave_rollback_journal (AmapStore *self);

gboolean
_amap_store_touch_map (AmapStore  *self,
                       gint64      now,
                       GError    **error);

gboolean
_amap_store_query_int (AmapStore   *self,
                       const char  *sql,
                       gint64      *value,
                       GError     **error);

/* Assets (amap-store-assets.c) */

/* The child tables (asset_tags, contacts, interactions), in the order
 * _amap_store_read_asset_full() takes their id sets. */
#define AMAP_STORE_N_CHILD_TABLES 3

/* The asset with row id @id, children included, deleted or not (*@deleted
 * says which); @has_children (nullable): per child table, the ids that
 * have rows, so that the others are not looked up. */
AmapAsset *
_amap_store_read_asset_full (AmapStore   *self,
                             gint64       id,
                             GHashTable  *has_children[],
                             gboolean    *deleted,
                             GError     **error);

static inline AmapAsset *
_amap_store_read_asset (AmapStore  *self,
                        gint64      id,
                        gboolean   *deleted,
                        GError    **error)
{
  return _amap_store_read_asset_full (self, id, NULL, deleted, error);
}

/* FALSE (with a g_critical and AMAP_ERROR_FAILED) for a summary asset,
 * which must never be written over an asset's row. */
gboolean
_amap_store_check_whole (AmapAsset  *asset,
                         GError    **error);

gint64
_amap_store_lookup_uuid (AmapStore   *self,
                         const char  *uuid,
                         gboolean    *deleted,
                         GError     **error);

gint64
_amap_store_lookup_live (AmapStore   *self,
                         const char  *uuid,
                         GError     **error);

gboolean
_amap_store_validate (AmapStore  *self,
                      AmapAsset  *asset,
                      GError    **error);

int
_amap_store_compare_batch_point_ids (gconstpointer a,
                                     gconstpointer b);

gint64
_amap_store_write_asset (AmapStore  *self,
                         AmapAsset  *asset,
                         gint64      id,
                         gint64      now,
                         gboolean    keep_modified,
                         GError    **error);

gboolean
_amap_store_read_identity (AmapStore  *self,
                           gint64      id,
                           AmapAsset  *asset,
                           GError    **error);

gboolean
_amap_store_set_deleted (AmapStore  *self,
                         gint64      id,
                         gboolean    deleted,
                         gint64      now,
                         GError    **error);

void
_amap_store_emit_asset (AmapStore *self,
                        guint      signal,
                        gint64     id);

GPtrArray *
_amap_store_collect_strings (AmapStore     *self,
                             sqlite3_stmt  *stmt,
                             GError       **error);

/* Tours (amap-store-tours.c) */

/* Adds the tours' signals; called by amap_store_class_init(). */
void
_amap_store_tours_class_init (AmapStoreClass *klass);

gboolean
_amap_store_rebuild_indexes (AmapStore  *self,
                             GError    **error);

/* Categories (amap-store-categories.c) */

gboolean
_amap_store_load_categories (AmapStore  *self,
                             GError    **error);

G_END_DECLS
