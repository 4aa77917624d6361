/* amap-store.h: one map, one SQLite file. The only code that speaks SQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-asset.h"
#include "amap-category.h"
#include "amap-route.h"
#include "amap-tour.h"

G_BEGIN_DECLS

#define AMAP_STORE_SCHEMA_VERSION 5
/* The file extension of a map. */
#define AMAP_STORE_SUFFIX ".assetmap"

#define AMAP_TYPE_STORE (amap_store_get_type ())
G_DECLARE_FINAL_TYPE (AmapStore, amap_store, AMAP, STORE, GObject)

/*
 * Threading: an AmapStore is used from one thread. Long work in a worker
 * thread opens its own AmapStore on the same path (WAL lets both work);
 * afterwards the main thread calls amap_store_refresh() to pick up what the
 * other connection committed.
 *
 * Signals (all emitted after the change is committed):
 *   "asset-added"    (AmapAsset *asset)    a copy of what is now stored
 *   "asset-updated"  (AmapAsset *asset)    a copy of what is now stored
 *   "asset-removed"  (const char *uuid)
 *   "reset"          ()                    many things changed (an import,
 *                                          another connection's commit):
 *                                          reload everything
 *   "categories-changed" ()
 *   "home-changed"   ()                    the school's location was set
 *                                          or cleared
 *   "tour-changed"   (gint64 id)           a tour was added, changed or
 *                                          deleted (also by undo/redo)
 * Properties: "path", "read-only", "title", "can-undo", "can-redo",
 *   "undo-label", "redo-label" (translated, e.g. "Undo Delete “Café Luna”").
 */

/* $XDG_DATA_HOME/asset-map/default.assetmap (the directory is created). */
char          *amap_store_get_default_path   (void);

/* Opens the map at @path, creating it (and running migrations) when
 * missing. A file that is not ours fails with AMAP_ERROR_NOT_A_MAP and is
 * left byte-identical; a newer schema fails with AMAP_ERROR_TOO_NEW. A file
 * we may not write is opened read-only: check amap_store_get_read_only().
 * Before a migration the file is copied to "PATH.backup-vN". */
AmapStore     *amap_store_open               (const char  *path,
                                              GError     **error);
/* Opens the map at @path, which must exist: the commands that only read a
 * map (--list, --export, a backup) never create one. A missing or empty
 * file fails with AMAP_ERROR_NOT_FOUND ("There is no map at …"). With
 * @read_only, the file is opened read-only for real: nothing is written,
 * no -wal or -shm is left behind, and whoever else has the map open can
 * go on writing it. */
AmapStore     *amap_store_open_existing      (const char  *path,
                                              gboolean     read_only,
                                              GError     **error);
/* TRUE when a store of this process has the file @path open. Code that
 * opens a file the user named (an import, an export's target) checks this
 * first: opening and closing a map file outside SQLite would drop the
 * store's locks on it. */
gboolean       amap_store_is_open_file       (const char  *path);
/* Saves a consistent copy of the map @map_path (open in a window or not)
 * as @dest_path, through SQLite's online backup API, checked, with no
 * -wal needed. Opens its own connection: call it from any thread. */
gboolean       amap_store_backup_file        (const char    *map_path,
                                              const char    *dest_path,
                                              GCancellable  *cancellable,
                                              GError       **error);
/* Saves every row SQLite can still read from the damaged map
 * @damaged_path (only read) into a new map at @new_path, which must not
 * exist yet. */
gboolean       amap_store_salvage            (const char    *damaged_path,
                                              const char    *new_path,
                                              GError       **error);
const char    *amap_store_get_path           (AmapStore   *self);
gboolean       amap_store_get_read_only      (AmapStore   *self);
/* Checks whether another connection committed since we last looked
 * (PRAGMA data_version) and emits "reset" if so. Cheap; call it freely. */
void           amap_store_refresh            (AmapStore   *self);

/* Map metadata */
const char    *amap_store_get_title          (AmapStore   *self);
gboolean       amap_store_set_title          (AmapStore   *self,
                                              const char  *title,
                                              GError     **error);
/* The school: FALSE when no home is set. @name may be NULL. */
gboolean       amap_store_get_home           (AmapStore   *self,
                                              double      *latitude,
                                              double      *longitude,
                                              const char **name);
gboolean       amap_store_set_home           (AmapStore   *self,
                                              const char  *name,
                                              double       latitude,
                                              double       longitude,
                                              GError     **error);
gboolean       amap_store_clear_home         (AmapStore   *self,
                                              GError     **error);
/* What amap-import-plan.c remembers of the last import of a file by its
 * name (its own text); NULL when nothing is. */
char          *amap_store_dup_import_choices (AmapStore   *self,
                                              const char  *file_name);
gboolean       amap_store_set_import_choices (AmapStore   *self,
                                              const char  *file_name,
                                              const char  *choices,
                                              GError     **error);
gint64         amap_store_get_created        (AmapStore   *self);
gint64         amap_store_get_modified       (AmapStore   *self);

/* Categories: a GListModel of AmapCategory, built-ins first. */
GListModel    *amap_store_get_categories     (AmapStore   *self);
/* Transfer none: the category is owned by the store's category model and
 * stays valid until "categories-changed". NULL for an unknown key. */
AmapCategory  *amap_store_lookup_category    (AmapStore   *self,
                                              const char  *key);
/* Adds a user category; the key is derived from the name and returned
 * in the new category (transfer full). */
AmapCategory  *amap_store_add_category       (AmapStore   *self,
                                              const char  *name,
                                              const char  *color,
                                              const char  *icon_name,
                                              GError     **error);
gboolean       amap_store_remove_category    (AmapStore   *self,
                                              const char  *key,
                                              GError     **error);
/* A user category: a new name, color or icon (NULL: unchanged). A
 * built-in keeps its name. One undo step. */
gboolean       amap_store_update_category    (AmapStore   *self,
                                              const char  *key,
                                              const char  *name,
                                              const char  *color,
                                              const char  *icon_name,
                                              GError     **error);
/* Removes a user category; its assets move to @move_to. One undo step. */
gboolean       amap_store_delete_category    (AmapStore   *self,
                                              const char  *key,
                                              const char  *move_to,
                                              GError     **error);

/* Assets. Add, update and delete validate first (name, coordinates,
 * category) and change nothing on error. Each is one undo step. */
gboolean       amap_store_add_asset          (AmapStore   *self,
                                              AmapAsset   *asset,
                                              GError     **error);
gboolean       amap_store_update_asset       (AmapStore   *self,
                                              AmapAsset   *asset,
                                              GError     **error);
/* Deleted assets are kept in the file (recoverable through undo or
 * amap_store_restore_asset()); they are hidden from every query. */
gboolean       amap_store_delete_asset       (AmapStore   *self,
                                              const char  *uuid,
                                              GError     **error);
gboolean       amap_store_restore_asset      (AmapStore   *self,
                                              const char  *uuid,
                                              GError     **error);
/* A fresh copy, or NULL with AMAP_ERROR_NOT_FOUND. */
AmapAsset     *amap_store_get_asset          (AmapStore   *self,
                                              const char  *uuid,
                                              GError     **error);
/* The whole assets (fresh copies) of @assets (AmapAsset, summaries say)
 * by their uuids, in one snapshot; NULL with AMAP_ERROR_NOT_FOUND when one
 * is no longer on the map. */
GPtrArray     *amap_store_get_assets         (AmapStore   *self,
                                              GPtrArray   *assets,
                                              GError     **error);
/* Every live asset, ordered by name (a new array of new refs). */
GPtrArray     *amap_store_list_assets        (AmapStore   *self,
                                              GError     **error);
/* Every live asset as a summary (amap_asset_is_summary(): no details,
 * contacts or log), in the same order: what the window's list holds. */
GPtrArray     *amap_store_list_summaries     (AmapStore   *self,
                                              GError     **error);
guint          amap_store_count_assets       (AmapStore   *self);
/* Streaming every live asset, for exports of maps too big to hold at once.
 * @categories_func (optional) is called first, once, with the keys of the
 * categories the live assets use, in the order of the categories model.
 * Then @asset_func gets each live asset (children included; it may keep a
 * reference) ordered as a KML export writes them: by category in the
 * order of the categories model, then by casefolded name, name and uuid.
 * All of it is one read transaction, so one snapshot. Stops at the first
 * callback that returns FALSE (its error is returned) or on cancel. */
typedef gboolean (*AmapStoreCategoriesFunc) (const char * const *keys,
                                             gpointer            user_data,
                                             GError            **error);
typedef gboolean (*AmapStoreAssetFunc)      (AmapAsset          *asset,
                                             gpointer            user_data,
                                             GError            **error);
gboolean       amap_store_foreach_asset      (AmapStore               *self,
                                              AmapStoreCategoriesFunc  categories_func,
                                              AmapStoreAssetFunc       asset_func,
                                              gpointer                 user_data,
                                              GCancellable            *cancellable,
                                              GError                 **error);
/* Streaming every live asset in the order of amap_store_list_assets(),
 * as summaries holding only uuid, name, category, stage, hub and location
 * (no details, no tags), in memory that does not grow with the map. */
gboolean       amap_store_foreach_summary    (AmapStore               *self,
                                              AmapStoreAssetFunc       asset_func,
                                              gpointer                 user_data,
                                              GError                 **error);
/* One live asset as amap_store_foreach_summary_row() streams it: the
 * strings live until the callback returns; latitude and longitude are NAN
 * where the asset has none. */
typedef struct
{
  const char *uuid;
  const char *name;
  const char *category;
  double      latitude;
  double      longitude;
  AmapStage   stage;
  gboolean    is_hub;
} AmapStoreSummary;
typedef gboolean (*AmapStoreSummaryFunc)    (const AmapStoreSummary  *summary,
                                             gpointer                 user_data,
                                             GError                 **error);
/* As amap_store_foreach_summary(), without making an AmapAsset of each
 * row (a million-asset --list). */
gboolean       amap_store_foreach_summary_row (AmapStore               *self,
                                               AmapStoreSummaryFunc     summary_func,
                                               gpointer                 user_data,
                                               GError                 **error);
/* Full-text search: prefix- and accent-insensitive over name, description,
 * strengths, needs, address, tags and contact names. Returns uuids
 * (char *), best match first. An empty query matches nothing. */
GPtrArray     *amap_store_search             (AmapStore   *self,
                                              const char  *text,
                                              GError     **error);
/* The uuids amap_store_search() finds, as a set (char * keys), without
 * ranking them: for a filter, where the order does not matter. */
GHashTable    *amap_store_search_matches     (AmapStore   *self,
                                              const char  *text,
                                              GError     **error);
/* Uuids of the live assets whose location lies inside the box (R*Tree). */
GPtrArray     *amap_store_query_box          (AmapStore   *self,
                                              double       south,
                                              double       west,
                                              double       north,
                                              double       east,
                                              GError     **error);
/* All tags in use, sorted. */
GStrv          amap_store_list_tags          (AmapStore   *self,
                                              GError     **error);
/* The folder labels (amap_asset_dup_folder_label()) of live assets that
 * have folders, each once, sorted by g_utf8_collate(). */
GStrv          amap_store_list_folders       (AmapStore   *self,
                                              GError     **error);

/* Undo / redo of add, edit, move and delete of assets and tours; lasts
 * the session. */
gboolean       amap_store_get_can_undo       (AmapStore   *self);
gboolean       amap_store_get_can_redo       (AmapStore   *self);
const char    *amap_store_get_undo_label     (AmapStore   *self);
const char    *amap_store_get_redo_label     (AmapStore   *self);
gboolean       amap_store_undo               (AmapStore   *self,
                                              GError     **error);
gboolean       amap_store_redo               (AmapStore   *self,
                                              GError     **error);

/* Deletes every asset of @uuids in one transaction and one undo step
 * ("Undo Delete 5 Assets"). Uuids of assets that are not on the map (any
 * more) are skipped; when none is, fails with AMAP_ERROR_NOT_FOUND. */
gboolean       amap_store_delete_assets      (AmapStore           *self,
                                              const char * const  *uuids,
                                              guint                n_uuids,
                                              GError             **error);

/* What a change of many assets at once did, for its undo label. */
typedef enum
{
  AMAP_BULK_EDIT,
  AMAP_BULK_SET_CATEGORY,
  AMAP_BULK_SET_STAGE,
  AMAP_BULK_ADD_TAG,
} AmapBulkChange;

/* Saves every asset of @assets (AmapAsset) in one transaction and one undo
 * step, labelled after @kind ("Undo Set Category of 5 Assets"). Validates
 * all first; writes nothing on error; assets that would not change are
 * left out, and when none would change nothing is recorded. */
gboolean       amap_store_update_assets      (AmapStore           *self,
                                              GPtrArray           *assets,
                                              AmapBulkChange       kind,
                                              GError             **error);

/*
 * Undo steps across stores: a worker thread imports through its own store
 * (see amap_import_file_async()); the step it recorded holds only plain
 * data (uuids, copies of values), so the window's store can take it over
 * and undo it.
 */
typedef struct _AmapStoreStep AmapStoreStep;

/* Removes the newest step from @self's undo history (NULL: none). */
AmapStoreStep *amap_store_take_last_step     (AmapStore     *self);
/* The newest step (NULL: none), for its identity only: whether the step
 * a caller made is still the newest (to join the next one to it). */
gconstpointer  amap_store_peek_last_step     (AmapStore     *self);
/* Like amap_store_refresh() after another store's commit on the same
 * file, but that commit is @step (taken from that store; @self takes it
 * over): it becomes the newest step of @self's history, and the history
 * before it is kept. */
void           amap_store_refresh_with_step  (AmapStore     *self,
                                              AmapStoreStep *step);
void           amap_store_step_free          (AmapStoreStep *step);
/* The newest two undo steps become one, labelled as the older (an import
 * that went on to add the file's tours). */
void           amap_store_join_last_steps    (AmapStore     *self);
/* New labels for the newest undo step (steps joined for one bigger change). */
void           amap_store_relabel_last_step  (AmapStore     *self,
                                              const char    *undo_label,
                                              const char    *redo_label);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapStoreStep, amap_store_step_free)

/*
 * Batches, for imports: one transaction and one undo step ("Undo Import of
 * “tbilisi.kml” (238 Assets)"), no per-asset signals; commit emits "reset"
 * once. put() inserts the asset, or updates the live asset with the same
 * uuid, else the same source-id.
 */
typedef struct _AmapStoreBatch AmapStoreBatch;

AmapStoreBatch *amap_store_batch_begin       (AmapStore      *self,
                                              GError        **error);
/* The name of what is imported (a file's name), for the undo label. */
void           amap_store_batch_set_name     (AmapStoreBatch *batch,
                                              const char     *name);
gboolean       amap_store_batch_put          (AmapStoreBatch *batch,
                                              AmapAsset      *asset,
                                              gboolean       *updated,
                                              GError        **error);
/* Gives the live asset @uuid, put earlier in this batch, the category @key
 * and changes nothing else: what a second put with only the category
 * changed would do, without writing the whole asset again. */
gboolean       amap_store_batch_set_category (AmapStoreBatch *batch,
                                              const char     *uuid,
                                              const char     *key,
                                              GError        **error);
gboolean       amap_store_batch_commit       (AmapStoreBatch *batch,
                                              GError        **error);
/* Rolls back and frees. */
void           amap_store_batch_abort        (AmapStoreBatch *batch);

/*
 * Tours. The store hands out fresh copies (AmapTour, with its stops) and
 * takes them back whole. Add, update, delete and duplicate validate first
 * (amap_tour_validate(), then: each stop at a live asset, and the start
 * and end at live assets when they are assets) and change nothing on
 * error; each is one undo step in the same history as asset edits, and
 * emits "tour-changed" (so do its undo and redo). A stop keeps its row
 * when its asset is deleted, but the tours handed out leave that stop
 * out; restoring the asset brings the stop back where it was. Deleting
 * an asset emits "asset-removed", not "tour-changed": a tour panel
 * listens to both.
 */
/* Every tour, ordered by name (a new array of new refs). */
GPtrArray     *amap_store_list_tours         (AmapStore   *self,
                                              GError     **error);
/* A fresh copy, or NULL with AMAP_ERROR_NOT_FOUND. */
AmapTour      *amap_store_get_tour           (AmapStore   *self,
                                              gint64       id,
                                              GError     **error);
/* By name, ignoring case and surrounding spaces (for the command line);
 * NULL with AMAP_ERROR_NOT_FOUND. */
AmapTour      *amap_store_find_tour          (AmapStore   *self,
                                              const char  *name,
                                              GError     **error);
/* Stores a copy as a new tour; sets @tour's id, "created" and "modified".
 * Undo label "Undo Add Tour “NAME”". */
gboolean       amap_store_add_tour           (AmapStore   *self,
                                              AmapTour    *tour,
                                              GError     **error);
/* Stores the whole tour (by its id, stops included). @action is the
 * translated name of the change for the undo label (_("Reorder Stops")
 * makes "Undo Reorder Stops"); NULL makes "Undo Edit Tour “NAME”". A
 * tour equal to the stored one records no step. Sets "modified". */
gboolean       amap_store_update_tour        (AmapStore   *self,
                                              AmapTour    *tour,
                                              const char  *action,
                                              GError     **error);
gboolean       amap_store_delete_tour        (AmapStore   *self,
                                              gint64       id,
                                              GError     **error);
/* A new tour "NAME (Copy)" with the same stops; returns it (new ref). */
AmapTour      *amap_store_duplicate_tour     (AmapStore   *self,
                                              gint64       id,
                                              GError     **error);
/* In an import: adds @tour (as amap_store_add_tour() checks it) in the
 * batch's transaction; its stops may be at assets put in the same batch.
 * No undo step or signal of its own; the commit emits "reset". */
gboolean       amap_store_batch_add_tour     (AmapStoreBatch *batch,
                                              AmapTour       *tour,
                                              GError        **error);

/* Road legs from a routing server, kept in the map so that tours follow
 * the roads offline. Keyed by their ends, rounded to 1e-6°. Not undo
 * steps. */
/* A new ref of the stored road leg between the two points, or NULL. */
AmapRouteLeg  *amap_store_lookup_route_leg   (AmapStore   *self,
                                              double       from_latitude,
                                              double       from_longitude,
                                              double       to_latitude,
                                              double       to_longitude);
/* Stores @legs (AmapRouteLeg of kind AMAP_ROUTE_LEG_ROAD), replacing
 * those between the same points; @server_url (nullable) is the base URL
 * of the server they came from, kept beside them. */
gboolean       amap_store_put_route_legs_full (AmapStore  *self,
                                               GPtrArray  *legs,
                                               const char *server_url,
                                               GError    **error);
/* The same without the server's URL. */
gboolean       amap_store_put_route_legs     (AmapStore   *self,
                                              GPtrArray   *legs,
                                              GError     **error);

G_END_DECLS
