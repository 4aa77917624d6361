/* amap-store-assets.c: assets and their children (contacts, log, tags), their indexes and queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-store"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "amap-asset-record.h"
#include "amap-collate.h"
#include "amap-error.h"
#include "amap-store.h"
#include "amap-store-private.h"

/* Extra fields: amap_asset_record_encode_extras() is in amap-asset.c,
 * where it can read the asset's table without copying its keys. */

/* The reverse of amap_asset_record_encode_extras(). A damaged value (no
 * final NUL) loses its last, incomplete pair rather than reading past the
 * end. */
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

/* Folders: "name\0name\0…", outermost first; no column value when none. */
static void
encode_folders (AmapAsset *asset,
                GString   *buffer)
{
  const char * const *folders = amap_asset_get_folders (asset);

  g_string_truncate (buffer, 0);
  for (guint i = 0; folders[i] != NULL; i++)
    g_string_append_len (buffer, folders[i], strlen (folders[i]) + 1);
}

/* The reverse of encode_folders() into @folders (a NULL-terminated array
 * of owned strings); a last name without its NUL is kept. */
static void
decode_folders (GPtrArray  *folders,
                const void *data,
                int         size)
{
  const char *p = data;
  const char *end = p + MAX (size, 0);

  while (p < end)
    {
      const char *name_end = memchr (p, '\0', end - p);

      if (name_end == NULL)
        name_end = end;
      if (name_end > p)
        g_ptr_array_add (folders, g_strndup (p, name_end - p));
      p = name_end + 1;
    }
}

/* Reading assets */

static AmapAsset *
asset_from_row (sqlite3_stmt *stmt)
{
  AmapAsset *asset = amap_asset_new (_amap_store_column_text (stmt, COL_NAME));
  AmapStage stage = AMAP_STAGE_IDENTIFIED;
  AmapLocationSource location_source = AMAP_LOCATION_SOURCE_UNKNOWN;

  amap_asset_set_uuid (asset, _amap_store_column_text (stmt, COL_UUID));
  amap_asset_set_source_id (asset, _amap_store_column_text (stmt, COL_SOURCE_ID));
  amap_asset_set_category (asset, _amap_store_column_text (stmt, COL_CATEGORY));
  amap_asset_set_location (asset,
                           _amap_store_column_double (stmt, COL_LAT),
                           _amap_store_column_double (stmt, COL_LON));
  amap_asset_set_shape (asset, _amap_store_column_text (stmt, COL_SHAPE));
  amap_asset_set_address (asset, _amap_store_column_text (stmt, COL_ADDRESS));
  amap_asset_set_description (asset, _amap_store_column_text (stmt, COL_DESCRIPTION));
  amap_asset_set_strengths (asset, _amap_store_column_text (stmt, COL_STRENGTHS));
  amap_asset_set_needs (asset, _amap_store_column_text (stmt, COL_NEEDS));
  amap_asset_set_website (asset, _amap_store_column_text (stmt, COL_WEBSITE));
  amap_asset_set_phone (asset, _amap_store_column_text (stmt, COL_PHONE));
  amap_asset_set_email (asset, _amap_store_column_text (stmt, COL_EMAIL));
  amap_asset_set_is_hub (asset, sqlite3_column_int (stmt, COL_IS_HUB) != 0);
  amap_stage_from_string (_amap_store_column_text (stmt, COL_STAGE), &stage);
  amap_asset_set_stage (asset, stage);
  amap_asset_set_last_contacted (asset, _amap_store_column_text (stmt, COL_LAST_CONTACTED));
  amap_asset_set_created (asset, sqlite3_column_int64 (stmt, COL_CREATED));
  amap_asset_set_modified (asset, sqlite3_column_int64 (stmt, COL_MODIFIED));
  decode_extras (asset, sqlite3_column_blob (stmt, COL_EXTRAS),
                 sqlite3_column_bytes (stmt, COL_EXTRAS));
  if (sqlite3_column_type (stmt, COL_FOLDERS) != SQLITE_NULL)
    {
      g_autoptr(GPtrArray) folders = g_ptr_array_new_null_terminated (4, g_free, TRUE);

      decode_folders (folders, sqlite3_column_blob (stmt, COL_FOLDERS),
                      sqlite3_column_bytes (stmt, COL_FOLDERS));
      amap_asset_set_folders (asset, (const char * const *) folders->pdata);
    }
  if (amap_location_source_from_string (_amap_store_column_text (stmt, COL_LOCATION_SOURCE),
                                        &location_source))
    amap_asset_set_location_source (asset, location_source);

  return asset;
}

/* Child rows start with the asset id in column 0. */
static void
add_tag_from_row (AmapAsset    *asset,
                  sqlite3_stmt *stmt)
{
  amap_asset_add_tag (asset, _amap_store_column_text (stmt, 1));
}

static void
add_contact_from_row (AmapAsset    *asset,
                      sqlite3_stmt *stmt)
{
  g_autoptr(AmapContact) contact = amap_contact_new (_amap_store_column_text (stmt, 2));

  amap_contact_set_id (contact, sqlite3_column_int64 (stmt, 1));
  amap_contact_set_role (contact, _amap_store_column_text (stmt, 3));
  amap_contact_set_phone (contact, _amap_store_column_text (stmt, 4));
  amap_contact_set_email (contact, _amap_store_column_text (stmt, 5));
  amap_contact_set_language (contact, _amap_store_column_text (stmt, 6));
  amap_contact_set_notes (contact, _amap_store_column_text (stmt, 7));
  amap_asset_add_contact (asset, contact);
}

static void
add_interaction_from_row (AmapAsset    *asset,
                          sqlite3_stmt *stmt)
{
  AmapInteractionKind kind = AMAP_INTERACTION_OTHER;
  g_autoptr(AmapInteraction) interaction = NULL;

  amap_interaction_kind_from_string (_amap_store_column_text (stmt, 3), &kind);
  interaction = amap_interaction_new (_amap_store_column_text (stmt, 2), kind, _amap_store_column_text (stmt, 4));
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

      if (!(stmt = _amap_store_get_stmt (self, child_readers[i].stmt, error)))
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        child_readers[i].func (asset, stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          _amap_store_set_sqlite_error (self, rc, error);
          return FALSE;
        }
    }

  return TRUE;
}

AmapAsset *
_amap_store_read_asset_full (AmapStore   *self,
                             gint64       id,
                             GHashTable  *has_children[],
                             gboolean    *deleted,
                             GError     **error)
{
  g_autoptr(AmapAsset) asset = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _amap_store_get_stmt (self, STMT_SELECT_ASSET, error)))
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
        _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
      return NULL;
    }

  asset = asset_from_row (stmt);
  if (deleted != NULL)
    *deleted = sqlite3_column_int (stmt, COL_DELETED) != 0;
  sqlite3_reset (stmt);

  if (!read_children (self, asset, id, has_children, error))
    return NULL;

  return g_steal_pointer (&asset);
}

/* Finds the row id of the asset with @uuid; 0 when there is none. */
gint64
_amap_store_lookup_uuid (AmapStore   *self,
                         const char  *uuid,
                         gboolean    *deleted,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  if (uuid == NULL)
    return 0;

  if (!(stmt = _amap_store_get_stmt (self, STMT_ID_BY_UUID, error)))
    return -1;

  _amap_store_bind_text (stmt, 1, uuid);
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
      _amap_store_set_sqlite_error (self, rc, error);
      return -1;
    }

  return id;
}

/* The row id of the live asset @uuid, or 0 with AMAP_ERROR_NOT_FOUND. */
gint64
_amap_store_lookup_live (AmapStore   *self,
                         const char  *uuid,
                         GError     **error)
{
  gboolean deleted = FALSE;
  gint64 id = _amap_store_lookup_uuid (self, uuid, &deleted, error);

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

gboolean
_amap_store_validate (AmapStore  *self,
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
      if (!(stmt = _amap_store_get_stmt (self, clear[i], error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; tags[i] != NULL; i++)
    {
      if (!(stmt = _amap_store_get_stmt (self, STMT_INSERT_TAG, error)))
        return FALSE;
      _amap_store_bind_text (stmt, 1, tags[i]);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;

      if (!(stmt = _amap_store_get_stmt (self, STMT_INSERT_ASSET_TAG, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      _amap_store_bind_text (stmt, 2, tags[i]);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);
      gint64 contact_id = amap_contact_get_id (contact);
      int rc;

      if (!(stmt = _amap_store_get_stmt (self, STMT_INSERT_CONTACT, error)))
        return FALSE;

      /* Keep the contact's id across edits, unless another asset owns it
       * (a contact copied from elsewhere): then it gets a new one. */
      if (contact_id > 0)
        sqlite3_bind_int64 (stmt, 1, contact_id);
      sqlite3_bind_int64 (stmt, 2, id);
      sqlite3_bind_int (stmt, 3, (int) i);
      _amap_store_bind_text (stmt, 4, amap_contact_get_name (contact));
      _amap_store_bind_text (stmt, 5, amap_contact_get_role (contact));
      _amap_store_bind_text (stmt, 6, amap_contact_get_phone (contact));
      _amap_store_bind_text (stmt, 7, amap_contact_get_email (contact));
      _amap_store_bind_text (stmt, 8, amap_contact_get_language (contact));
      _amap_store_bind_text (stmt, 9, amap_contact_get_notes (contact));

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT && contact_id > 0)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_null (stmt, 1);
          rc = sqlite3_step (stmt);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);

      amap_contact_set_id (contact, sqlite3_last_insert_rowid (self->db));
    }

  for (guint i = 0; i < interactions->len; i++)
    {
      AmapInteraction *interaction = g_ptr_array_index (interactions, i);
      gint64 interaction_id = amap_interaction_get_id (interaction);
      int rc;

      if (!(stmt = _amap_store_get_stmt (self, STMT_INSERT_INTERACTION, error)))
        return FALSE;

      if (interaction_id > 0)
        sqlite3_bind_int64 (stmt, 1, interaction_id);
      sqlite3_bind_int64 (stmt, 2, id);
      _amap_store_bind_text (stmt, 3, amap_interaction_get_date (interaction));
      _amap_store_bind_text (stmt, 4, amap_interaction_kind_to_string (amap_interaction_get_kind (interaction)));
      _amap_store_bind_text (stmt, 5, amap_interaction_get_notes (interaction));

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT && interaction_id > 0)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_null (stmt, 1);
          rc = sqlite3_step (stmt);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);

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

  if (!(stmt = _amap_store_get_stmt (self, which, error)))
    return FALSE;

  if (MAX (n_tags, contacts->len) > G_N_ELEMENTS (words))
    list = many_words = g_new (const char *, MAX (n_tags, contacts->len));

  sqlite3_bind_int64 (stmt, 1, id);
  _amap_store_bind_text (stmt, 2, amap_asset_get_name (asset));
  _amap_store_bind_text (stmt, 3, amap_asset_get_description (asset));
  _amap_store_bind_text (stmt, 4, amap_asset_get_strengths (asset));
  _amap_store_bind_text (stmt, 5, amap_asset_get_needs (asset));
  _amap_store_bind_text (stmt, 6, amap_asset_get_address (asset));

  for (guint i = 0; i < n_tags; i++)
    list[i] = tags[i];
  qsort (list, n_tags, sizeof (const char *), compare_strings);
  _amap_store_bind_text (stmt, 7, join_words (buffers->tags, list, n_tags, TRUE));

  for (guint i = 0; i < contacts->len; i++)
    list[i] = amap_contact_get_name (g_ptr_array_index (contacts, i));
  _amap_store_bind_text (stmt, 8, join_words (buffers->contacts, list, contacts->len, FALSE));

  return _amap_store_step_done (self, stmt, error);
}

/* Where the batch's FTS row of the new row @id waits for the commit, or
 * -1 when it does not (it was written at once, or the row is older). */
static int
find_deferred_fts (AmapStore *self,
                   gint64     id)
{
  GArray *ids;
  guint low = 0, high;

  if (self->batch == NULL)
    return -1;

  ids = self->batch->fts_deferred;
  high = ids->len;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      gint64 here = g_array_index (ids, gint64, mid);

      if (here == id)
        return (int) mid;
      if (here < id)
        low = mid + 1;
      else
        high = mid;
    }

  return -1;
}

/*
 * Writes the FTS rows a batch deferred, at its commit: one INSERT … SELECT
 * per run of consecutive row ids, from the stored values (which are the
 * values write_fts() would have bound: only assets without tags and
 * contacts are deferred). Tokenizing the rows in bulk, after the assets,
 * takes a third of the time that one INSERT per asset takes amid the
 * asset writes.
 */
gboolean
_amap_store_batch_write_fts (AmapStoreBatch  *batch,
                             GError         **error)
{
  AmapStore *self = batch->store;
  GArray *ids = batch->fts_deferred;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint start = 0;

  if (ids->len == 0)
    return TRUE;

  if (!(stmt = _amap_store_prepare (self,
                                    "INSERT INTO asset_fts (rowid, name, description, strengths, needs, address) "
                                    "SELECT id, name, description, strengths, needs, address FROM assets "
                                    "WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                                    error)))
    return FALSE;

  while (start < ids->len)
    {
      guint end = start;

      while (end + 1 < ids->len &&
             g_array_index (ids, gint64, end + 1) == g_array_index (ids, gint64, end) + 1)
        end++;

      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, start));
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, end));
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
      start = end + 1;
    }

  g_array_set_size (ids, 0);
  return TRUE;
}

/* Removes the FTS row of the stored asset @id, before it is overwritten. */
static gboolean
remove_fts (AmapStore  *self,
            gint64      id,
            GError    **error)
{
  g_autoptr(AmapAsset) stored = _amap_store_read_asset (self, id, NULL, error);

  return stored != NULL && write_fts (self, STMT_FTS_DELETE, id, stored, error);
}

/* Fills the FTS table and the R*Tree afresh from the assets (a salvaged
 * map). Runs inside a transaction. */
gboolean
_amap_store_rebuild_indexes (AmapStore  *self,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) ids = NULL;
  int rc;

  if (!_amap_store_exec_sql (self,
                             "INSERT INTO asset_fts (asset_fts) VALUES ('delete-all');"
                             "DELETE FROM asset_rtree;",
                             error))
    return FALSE;

  if (!(ids = _amap_store_prepare (self, "SELECT id, deleted FROM assets ORDER BY id", error)))
    return FALSE;

  while ((rc = sqlite3_step (ids)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (ids, 0);
      gboolean deleted = sqlite3_column_int (ids, 1) != 0;
      g_autoptr(AmapAsset) asset = _amap_store_read_asset (self, id, NULL, error);
      sqlite3_stmt *stmt;

      /* Deleted assets keep their FTS row, as write_asset() leaves it. */
      if (asset == NULL || !write_fts (self, STMT_FTS_INSERT, id, asset, error))
        return FALSE;

      if (deleted || !amap_asset_get_has_location (asset))
        continue;
      if (!(stmt = _amap_store_get_stmt (self, STMT_RTREE_INSERT, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_double (stmt, 2, amap_asset_get_latitude (asset));
      sqlite3_bind_double (stmt, 3, amap_asset_get_longitude (asset));
      _amap_store_bind_text (stmt, 4, amap_asset_get_uuid (asset));
      _amap_store_bind_text (stmt, 5, amap_asset_get_name (asset));
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  return TRUE;
}

int
_amap_store_compare_batch_point_ids (gconstpointer a,
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
      if (!(stmt = _amap_store_get_stmt (self, STMT_RTREE_DELETE, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  /* In a batch, the FTS row of a new asset without tags and contacts
   * waits for the commit (_amap_store_batch_write_fts()); one that gets
   * tags or contacts before then is written now. */
  if (self->batch != NULL)
    {
      GArray *deferred = self->batch->fts_deferred;
      const char * const *tags = amap_asset_get_tags (asset);
      gboolean plain = (tags == NULL || tags[0] == NULL) &&
                       amap_asset_get_contacts (asset)->len == 0;
      int index = is_new ? -1 : find_deferred_fts (self, id);

      if (plain && index >= 0)
        goto fts_done;
      if (plain && is_new &&
          (deferred->len == 0 || g_array_index (deferred, gint64, deferred->len - 1) < id))
        {
          g_array_append_val (deferred, id);
          goto fts_done;
        }
      if (index >= 0)
        g_array_remove_index (deferred, index);
    }

  if (!write_fts (self, STMT_FTS_INSERT, id, asset, error))
    return FALSE;

fts_done:
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
      if (!(stmt = _amap_store_get_stmt (self, STMT_RTREE_INSERT, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_double (stmt, 2, amap_asset_get_latitude (asset));
      sqlite3_bind_double (stmt, 3, amap_asset_get_longitude (asset));
      _amap_store_bind_text (stmt, 4, amap_asset_get_uuid (asset));
      _amap_store_bind_text (stmt, 5, amap_asset_get_name (asset));
      if (!_amap_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/*
 * A new asset's uuid: an RFC 9562 version 7 UUID (the milliseconds since
 * 1970, a counter, then random bits), so that uuids made one after another
 * sort one after another: the uuid index of a big import then grows at its
 * end instead of at a random page for every asset, which kept a million-row
 * import waiting on the disk. Within one millisecond the counter goes up;
 * when it runs out, the time goes on by a millisecond (as RFC 9562 allows).
 */
static char *
new_uuid (void)
{
  static GMutex lock;
  static guint64 last_ms;
  static guint counter;
  guint64 ms = (guint64) (g_get_real_time () / 1000);
  guint32 r1 = g_random_int ();
  guint32 r2 = g_random_int ();
  guint8 b[16];

  g_mutex_lock (&lock);
  if (ms <= last_ms)
    {
      ms = last_ms;
      if (++counter > 0xfff)
        {
          ms++;
          counter = 0;
        }
    }
  else
    {
      /* A random start leaves room to count up. */
      counter = r1 >> 21;
    }
  last_ms = ms;
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  g_mutex_unlock (&lock);

  for (int i = 0; i < 6; i++)
    b[i] = (ms >> (8 * (5 - i))) & 0xff;
  b[8] = 0x80 | (r1 & 0x3f);
  b[9] = (r1 >> 6) & 0xff;
  b[10] = (r1 >> 14) & 0x7f;
  for (int i = 0; i < 4; i++)
    b[11 + i] = (r2 >> (8 * i)) & 0xff;
  b[15] = g_random_int () & 0xff;

  /* As "%02x…" in the 8-4-4-4-12 groups, without printf: an import
   * makes one for every asset. */
  {
    static const char hex[] = "0123456789abcdef";
    char *uuid = g_malloc (37);
    char *p = uuid;

    for (int i = 0; i < 16; i++)
      {
        if (i == 4 || i == 6 || i == 8 || i == 10)
          *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 0xf];
      }
    *p = '\0';
    return uuid;
  }
}

/*
 * A summary (amap_asset_is_summary()) knows none of the asset's details:
 * saving it would blank them, and its contacts and log with them. Whoever
 * changes an asset from a list gets the whole asset first; getting here
 * with a summary is a bug in the caller, so it is loud, and nothing is
 * written.
 */
gboolean
_amap_store_check_whole (AmapAsset  *asset,
                         GError    **error)
{
  if (!amap_asset_is_summary (asset))
    return TRUE;

  /* g_log() rather than g_critical(), which logs structured: a test can
   * expect it (g_test_expect_message()), as with g_return_val_if_fail(). */
  g_log (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
         "Refusing to save the summary of asset %s (“%s”): its details would be lost",
         amap_asset_get_uuid (asset), amap_asset_get_name (asset));
  g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
               _("“%s” was not saved, so that none of its details are lost: Asset Map had "
                 "only part of it at hand. Nothing was changed. Please report this problem."),
               amap_asset_get_name (asset));
  return FALSE;
}

/*
 * Writes @asset (already validated) to row @id, or to a new row when @id is
 * 0 (a uuid is made up when it has none). Keeps the stored "created" of an
 * existing row; a new row gets the asset's, or @now when it has none.
 * "modified" becomes @now, unless @keep_modified and the asset has one (an
 * import of an exported map keeps its dates). Must run inside a
 * transaction. Returns the row id, 0 on error.
 */
gint64
_amap_store_write_asset (AmapStore  *self,
                         AmapAsset  *asset,
                         gint64      id,
                         gint64      now,
                         gboolean    keep_modified,
                         GError    **error)
{
  gboolean is_new = id == 0;
  sqlite3_stmt *stmt;
  int rc;

  if (!_amap_store_check_whole (asset, error))
    return 0;

  update_last_contacted (asset);

  if (amap_asset_get_uuid (asset) == NULL)
    {
      g_autofree char *uuid = new_uuid ();
      amap_asset_set_uuid (asset, uuid);
    }

  if (amap_asset_get_created (asset) == 0)
    amap_asset_set_created (asset, now);
  if (!keep_modified || amap_asset_get_modified (asset) == 0)
    amap_asset_set_modified (asset, now);

  /* A row whose FTS row the batch has not written yet has none to remove. */
  if (id != 0 && find_deferred_fts (self, id) < 0 && !remove_fts (self, id, error))
    return 0;

  if (!(stmt = _amap_store_get_stmt (self, id ? STMT_UPDATE_ASSET : STMT_INSERT_ASSET, error)))
    return 0;

  _amap_store_bind_text (stmt, 1, amap_asset_get_uuid (asset));
  _amap_store_bind_text (stmt, 2, amap_asset_get_source_id (asset));
  _amap_store_bind_text (stmt, 3, amap_asset_get_name (asset));
  _amap_store_bind_text (stmt, 4, amap_asset_get_category (asset));
  if (amap_asset_get_has_location (asset))
    {
      _amap_store_bind_double (stmt, 5, amap_asset_get_latitude (asset));
      _amap_store_bind_double (stmt, 6, amap_asset_get_longitude (asset));
    }
  _amap_store_bind_text (stmt, 7, amap_asset_get_shape (asset));
  _amap_store_bind_text (stmt, 8, amap_asset_get_address (asset));
  _amap_store_bind_text (stmt, 9, amap_asset_get_description (asset));
  _amap_store_bind_text (stmt, 10, amap_asset_get_strengths (asset));
  _amap_store_bind_text (stmt, 11, amap_asset_get_needs (asset));
  _amap_store_bind_text (stmt, 12, amap_asset_get_website (asset));
  _amap_store_bind_text (stmt, 13, amap_asset_get_phone (asset));
  _amap_store_bind_text (stmt, 14, amap_asset_get_email (asset));
  sqlite3_bind_int (stmt, 15, amap_asset_get_is_hub (asset) ? 1 : 0);
  _amap_store_bind_text (stmt, 16, amap_stage_to_string (amap_asset_get_stage (asset)));
  _amap_store_bind_text (stmt, 17, amap_asset_get_last_contacted (asset));
  sqlite3_bind_int64 (stmt, 18, amap_asset_get_created (asset));
  sqlite3_bind_int64 (stmt, 19, amap_asset_get_modified (asset));
  amap_asset_record_encode_extras (asset, self->buffers.extras);
  if (self->buffers.extras->len > 0)
    sqlite3_bind_blob (stmt, 20, self->buffers.extras->str,
                       (int) self->buffers.extras->len, SQLITE_STATIC);
  encode_folders (asset, self->buffers.folders);
  if (self->buffers.folders->len > 0)
    sqlite3_bind_blob (stmt, 21, self->buffers.folders->str,
                       (int) self->buffers.folders->len, SQLITE_STATIC);
  _amap_store_bind_text (stmt, 22, amap_location_source_to_string (amap_asset_get_location_source (asset)));
  if (id)
    sqlite3_bind_int64 (stmt, 23, id);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, sqlite3_extended_errcode (self->db), error);
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
gboolean
_amap_store_read_identity (AmapStore  *self,
                           gint64      id,
                           AmapAsset  *asset,
                           GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _amap_store_get_stmt (self, STMT_IDENTITY, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _amap_store_set_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_ERROR : rc, error);
    }

  amap_asset_set_uuid (asset, _amap_store_column_text (stmt, 0));
  amap_asset_set_created (asset, sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_amap_store_set_deleted (AmapStore  *self,
                         gint64      id,
                         gboolean    deleted,
                         gint64      now,
                         GError    **error)
{
  sqlite3_stmt *stmt = _amap_store_get_stmt (self, STMT_SET_DELETED, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, deleted ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!_amap_store_step_done (self, stmt, error))
    return FALSE;

  /* Only live assets are in the R*Tree; the FTS row stays (searches join
   * back to assets and skip deleted ones). */
  if (!(stmt = _amap_store_get_stmt (self, deleted ? STMT_RTREE_DELETE : STMT_RTREE_RESTORE, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);

  return _amap_store_step_done (self, stmt, error);
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

/* Assets */

/* Re-reads the asset at @id and emits @signal with it. */
void
_amap_store_emit_asset (AmapStore *self,
                        guint      signal,
                        gint64     id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) stored = _amap_store_read_asset (self, id, NULL, &error);

  if (stored == NULL)
    {
      g_warning ("Cannot read back asset %" G_GINT64_FORMAT ": %s", id, error->message);
      g_signal_emit (self, amap_store_signals[RESET], 0);
      return;
    }

  g_signal_emit (self, amap_store_signals[signal], 0, stored);
}

/* Writes @asset over row @id (0: a new row) in its own transaction. */
static gint64
save_asset (AmapStore  *self,
            AmapAsset  *asset,
            gint64      id,
            GError    **error)
{
  gint64 now = _amap_store_now_seconds ();

  if (!_amap_store_begin (self, error))
    return 0;

  id = _amap_store_write_asset (self, asset, id, now, FALSE, error);
  if (id == 0 || !_amap_store_touch_map (self, now, error) || !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
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

  if (!_amap_store_check_writable (self, error) || !_amap_store_check_whole (asset, error))
    return FALSE;

  /* Work on a copy so that a failed add leaves the caller's asset as it
   * was; on success the caller's asset gets the stored uuid, dates and
   * ids. */
  copy = amap_asset_copy (asset);
  if (!_amap_store_validate (self, copy, error))
    return FALSE;

  if (amap_asset_get_uuid (copy) != NULL)
    {
      gint64 existing = _amap_store_lookup_uuid (self, amap_asset_get_uuid (copy), NULL, error);

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
    g_autoptr(AmapAsset) stored = _amap_store_read_asset (self, id, NULL, NULL);

    if (stored != NULL)
      {
        amap_asset_set_uuid (asset, amap_asset_get_uuid (stored));
        amap_asset_set_created (asset, amap_asset_get_created (stored));
        amap_asset_set_modified (asset, amap_asset_get_modified (stored));
        amap_asset_set_category (asset, amap_asset_get_category (stored));
        amap_asset_set_last_contacted (asset, amap_asset_get_last_contacted (stored));
        _amap_store_push_undo (self, UNDO_ADD, NULL, stored);
        g_signal_emit (self, amap_store_signals[ASSET_ADDED], 0, stored);
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

  if (!_amap_store_check_writable (self, error) || !_amap_store_check_whole (asset, error))
    return FALSE;

  copy = amap_asset_copy (asset);
  if (!_amap_store_validate (self, copy, error))
    return FALSE;

  if (!(id = _amap_store_lookup_live (self, amap_asset_get_uuid (copy), error)))
    return FALSE;

  if (!(before = _amap_store_read_asset (self, id, NULL, error)))
    return FALSE;

  /* Nothing to save: no undo step, no signal. */
  amap_asset_set_created (copy, amap_asset_get_created (before));
  update_last_contacted (copy);
  amap_asset_set_modified (copy, amap_asset_get_modified (before));
  if (amap_asset_equal (before, copy))
    return TRUE;

  if (!save_asset (self, copy, id, error))
    return FALSE;

  if (!(after = _amap_store_read_asset (self, id, NULL, error)))
    return FALSE;

  amap_asset_set_modified (asset, amap_asset_get_modified (after));
  amap_asset_set_created (asset, amap_asset_get_created (after));
  amap_asset_set_last_contacted (asset, amap_asset_get_last_contacted (after));

  _amap_store_push_undo (self, is_move (before, after) ? UNDO_MOVE : UNDO_EDIT, before, after);
  g_signal_emit (self, amap_store_signals[ASSET_UPDATED], 0, after);

  return TRUE;
}

/* The Undo and Redo labels of a change of @n assets (the first named
 * @name), whole sentences for the translators. */
static void
make_bulk_labels (AmapBulkChange  kind,
                  guint           n,
                  const char     *name,
                  char          **undo_label,
                  char          **redo_label)
{
  if (n == 1)
    {
      switch (kind)
        {
        case AMAP_BULK_SET_CATEGORY:
          *undo_label = g_strdup_printf (_("Undo Set Category of “%s”"), name);
          *redo_label = g_strdup_printf (_("Redo Set Category of “%s”"), name);
          return;
        case AMAP_BULK_SET_STAGE:
          *undo_label = g_strdup_printf (_("Undo Set Stage of “%s”"), name);
          *redo_label = g_strdup_printf (_("Redo Set Stage of “%s”"), name);
          return;
        case AMAP_BULK_ADD_TAG:
          *undo_label = g_strdup_printf (_("Undo Add Tag to “%s”"), name);
          *redo_label = g_strdup_printf (_("Redo Add Tag to “%s”"), name);
          return;
        case AMAP_BULK_EDIT:
        default:
          *undo_label = g_strdup_printf (_("Undo Edit “%s”"), name);
          *redo_label = g_strdup_printf (_("Redo Edit “%s”"), name);
          return;
        }
    }

  /* Translators: in the labels below %u is the number of assets, always
   * more than one. */
  switch (kind)
    {
    case AMAP_BULK_SET_CATEGORY:
      *undo_label = g_strdup_printf (ngettext ("Undo Set Category of %u Asset",
                                               "Undo Set Category of %u Assets", n), n);
      *redo_label = g_strdup_printf (ngettext ("Redo Set Category of %u Asset",
                                               "Redo Set Category of %u Assets", n), n);
      break;
    case AMAP_BULK_SET_STAGE:
      *undo_label = g_strdup_printf (ngettext ("Undo Set Stage of %u Asset",
                                               "Undo Set Stage of %u Assets", n), n);
      *redo_label = g_strdup_printf (ngettext ("Redo Set Stage of %u Asset",
                                               "Redo Set Stage of %u Assets", n), n);
      break;
    case AMAP_BULK_ADD_TAG:
      *undo_label = g_strdup_printf (ngettext ("Undo Add Tag to %u Asset",
                                               "Undo Add Tag to %u Assets", n), n);
      *redo_label = g_strdup_printf (ngettext ("Redo Add Tag to %u Asset",
                                               "Redo Add Tag to %u Assets", n), n);
      break;
    case AMAP_BULK_EDIT:
    default:
      *undo_label = g_strdup_printf (ngettext ("Undo Edit %u Asset", "Undo Edit %u Assets", n), n);
      *redo_label = g_strdup_printf (ngettext ("Redo Edit %u Asset", "Redo Edit %u Assets", n), n);
      break;
    }
}

/**
 * amap_store_update_assets:
 * @assets: (element-type AmapAsset): the assets as they should be
 * @kind: what was done, for the undo label ("Undo Set Category of 5
 *   Assets")
 *
 * Saves every asset of @assets in one transaction and one undo step
 * ("Undo Set Category of 5 Assets"): a change made to many assets of the
 * list at once. All are validated first; nothing is written when one is
 * invalid or is no longer on the map. Assets that would not change are
 * left alone; when none would, nothing is recorded.
 */
gboolean
amap_store_update_assets (AmapStore       *self,
                          GPtrArray       *assets,
                          AmapBulkChange   kind,
                          GError         **error)
{
  g_autoptr(GPtrArray) befores = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) afters = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = _amap_store_now_seconds ();
  AmapStoreStep *step;
  char *undo_label;
  char *redo_label;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (assets != NULL, FALSE);

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  /* All checked before any is read: one summary among them and none is
   * saved. */
  for (guint i = 0; i < assets->len; i++)
    if (!_amap_store_check_whole (g_ptr_array_index (assets, i), error))
      return FALSE;

  for (guint i = 0; i < assets->len; i++)
    {
      g_autoptr(AmapAsset) copy = amap_asset_copy (g_ptr_array_index (assets, i));
      g_autoptr(AmapAsset) before = NULL;
      gint64 id;

      if (!_amap_store_validate (self, copy, error) ||
          !(id = _amap_store_lookup_live (self, amap_asset_get_uuid (copy), error)) ||
          !(before = _amap_store_read_asset (self, id, NULL, error)))
        return FALSE;

      amap_asset_set_created (copy, amap_asset_get_created (before));
      update_last_contacted (copy);
      amap_asset_set_modified (copy, amap_asset_get_modified (before));
      if (amap_asset_equal (before, copy))
        continue;
      /* The same asset twice: the first is kept. */
      for (guint j = 0; j < ids->len; j++)
        if (g_array_index (ids, gint64, j) == id)
          goto next;

      g_array_append_val (ids, id);
      g_ptr_array_add (befores, g_steal_pointer (&before));
      g_ptr_array_add (copies, g_steal_pointer (&copy));
    next:
      ;
    }

  if (ids->len == 0)
    return TRUE;

  if (!_amap_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (_amap_store_write_asset (self, g_ptr_array_index (copies, i), g_array_index (ids, gint64, i),
                                 now, FALSE, error) == 0)
      goto failed;
  if (!_amap_store_touch_map (self, now, error) || !_amap_store_commit (self, error))
    goto failed;

  for (guint i = 0; i < ids->len; i++)
    {
      AmapAsset *after = _amap_store_read_asset (self, g_array_index (ids, gint64, i), NULL, error);

      /* Written and committed: what cannot be read back is left out of
       * the step rather than failing a change that was made. */
      if (after == NULL)
        {
          g_clear_error (error);
          after = g_object_ref (g_ptr_array_index (copies, i));
        }
      g_ptr_array_add (afters, after);
    }

  make_bulk_labels (kind, ids->len, amap_asset_get_name (g_ptr_array_index (afters, 0)),
                    &undo_label, &redo_label);

  step = _amap_store_step_new (undo_label, redo_label);
  for (guint i = 0; i < ids->len; i++)
    _amap_store_step_add_change (step, _amap_store_asset_change_new (g_ptr_array_index (befores, i),
                                                                     g_ptr_array_index (afters, i)));
  _amap_store_push_step (self, step);

  if (ids->len > 256)
    g_signal_emit (self, amap_store_signals[RESET], 0);
  else
    for (guint i = 0; i < ids->len; i++)
      g_signal_emit (self, amap_store_signals[ASSET_UPDATED], 0, g_ptr_array_index (afters, i));

  return TRUE;

failed:
  _amap_store_rollback (self);
  return FALSE;
}

/* Soft-deletes or restores the asset at @id in its own transaction. */
static gboolean
change_deleted (AmapStore  *self,
                gint64      id,
                gboolean    deleted,
                GError    **error)
{
  gint64 now = _amap_store_now_seconds ();

  if (!_amap_store_begin (self, error))
    return FALSE;

  if (!_amap_store_set_deleted (self, id, deleted, now, error) ||
      !_amap_store_touch_map (self, now, error) ||
      !_amap_store_commit (self, error))
    {
      _amap_store_rollback (self);
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

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (!(id = _amap_store_lookup_live (self, uuid, error)) ||
      !(before = _amap_store_read_asset (self, id, NULL, error)) ||
      !change_deleted (self, id, TRUE, error))
    return FALSE;

  _amap_store_push_undo (self, UNDO_DELETE, before, NULL);
  g_signal_emit (self, amap_store_signals[ASSET_REMOVED], 0, amap_asset_get_uuid (before));

  return TRUE;
}

gboolean
amap_store_delete_assets (AmapStore           *self,
                          const char * const  *uuids,
                          guint                n_uuids,
                          GError             **error)
{
  g_autoptr(GPtrArray) deleted = NULL;
  g_autofree char *single_name = NULL;
  gint64 now = _amap_store_now_seconds ();
  AmapStoreStep *step;
  char *undo_label;
  char *redo_label;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuids != NULL || n_uuids == 0, FALSE);

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  if (!_amap_store_begin (self, error))
    return FALSE;

  deleted = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_uuids; i++)
    {
      gboolean was_deleted = FALSE;
      gint64 id = _amap_store_lookup_uuid (self, uuids[i], &was_deleted, error);

      if (id < 0)
        goto failed;
      /* Gone already (another window): nothing to delete. */
      if (id == 0 || was_deleted)
        continue;
      /* The same uuid twice in the selection. */
      if (g_ptr_array_find_with_equal_func (deleted, uuids[i], g_str_equal, NULL))
        continue;

      if (deleted->len == 0)
        {
          g_autoptr(AmapAsset) asset = _amap_store_read_asset (self, id, NULL, error);

          if (asset == NULL)
            goto failed;
          single_name = g_strdup (amap_asset_get_name (asset));
        }

      if (!_amap_store_set_deleted (self, id, TRUE, now, error))
        goto failed;
      g_ptr_array_add (deleted, g_strdup (uuids[i]));
    }

  if (deleted->len == 0)
    {
      _amap_store_rollback (self);
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                           _("These assets are no longer on the map. They may have been "
                             "deleted in another window."));
      return FALSE;
    }

  if (!_amap_store_touch_map (self, now, error) || !_amap_store_commit (self, error))
    goto failed;

  if (deleted->len == 1)
    {
      undo_label = g_strdup_printf (_("Undo Delete “%s”"), single_name);
      redo_label = g_strdup_printf (_("Redo Delete “%s”"), single_name);
    }
  else
    {
      /* Translators: %u is the number of assets, always more than one. */
      undo_label = g_strdup_printf (ngettext ("Undo Delete %u Asset", "Undo Delete %u Assets",
                                              deleted->len),
                                    deleted->len);
      redo_label = g_strdup_printf (ngettext ("Redo Delete %u Asset", "Redo Delete %u Assets",
                                              deleted->len),
                                    deleted->len);
    }

  step = _amap_store_step_new (undo_label, redo_label);
  _amap_store_step_add_change (step, _amap_store_delete_change_new (g_ptr_array_ref (deleted)));
  _amap_store_push_step (self, step);

  if (deleted->len > 256)
    g_signal_emit (self, amap_store_signals[RESET], 0);
  else
    for (guint i = 0; i < deleted->len; i++)
      g_signal_emit (self, amap_store_signals[ASSET_REMOVED], 0, g_ptr_array_index (deleted, i));

  return TRUE;

failed:
  _amap_store_rollback (self);
  return FALSE;
}

gboolean
amap_store_restore_asset (AmapStore   *self,
                          const char  *uuid,
                          GError     **error)
{
  gboolean deleted = FALSE;
  gint64 id;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);

  if (!_amap_store_check_writable (self, error))
    return FALSE;

  id = _amap_store_lookup_uuid (self, uuid, &deleted, error);
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

  _amap_store_emit_asset (self, ASSET_ADDED, id);
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

  if (!(id = _amap_store_lookup_live (self, uuid, error)))
    return NULL;

  return _amap_store_read_asset (self, id, NULL, error);
}

/**
 * amap_store_get_assets:
 * @assets: (element-type AmapAsset): assets (summaries, say) by their uuids
 *
 * The whole assets of @assets, read in one snapshot: what a change or an
 * export of assets picked from a list (which holds summaries) works on.
 * Fails with AMAP_ERROR_NOT_FOUND when one is no longer on the map.
 *
 * Returns: (transfer full) (element-type AmapAsset): fresh copies, in the
 *   order of @assets
 */
GPtrArray *
amap_store_get_assets (AmapStore  *self,
                       GPtrArray  *assets,
                       GError    **error)
{
  g_autoptr(GPtrArray) result = NULL;
  gboolean own_transaction;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);
  g_return_val_if_fail (assets != NULL, NULL);

  own_transaction = sqlite3_get_autocommit (self->db);
  if (own_transaction && !_amap_store_exec_sql (self, "BEGIN", error))
    return NULL;

  result = g_ptr_array_new_full (assets->len, g_object_unref);
  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *whole = amap_store_get_asset (self, amap_asset_get_uuid (g_ptr_array_index (assets, i)),
                                               error);

      if (whole == NULL)
        {
          g_clear_pointer (&result, g_ptr_array_unref);
          break;
        }
      g_ptr_array_add (result, whole);
    }

  if (own_transaction && !sqlite3_get_autocommit (self->db))
    _amap_store_exec_sql (self, "COMMIT", NULL);

  return g_steal_pointer (&result);
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

  if (!(stmt = _amap_store_prepare (self, SELECT_ASSET "WHERE deleted = 0", error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SortEntry entry;
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, COL_ID);
      entry.asset = asset_from_row (stmt);
      entry.sort_key = amap_name_sort_key (amap_asset_get_name (entry.asset));
      g_array_append_val (entries, entry);
      g_hash_table_insert (by_id, id, entry.asset);
    }

  if (rc == SQLITE_DONE)
    {
      for (guint i = 0; i < G_N_ELEMENTS (child_readers); i++)
        {
          g_clear_pointer (&stmt, sqlite3_finalize);
          if (!(stmt = _amap_store_prepare (self, child_readers[i].all_sql, NULL)))
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
      _amap_store_set_sqlite_error (self, rc, error);
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
  if (own_transaction && !_amap_store_exec_sql (self, "BEGIN", error))
    return NULL;

  result = read_all_assets (self, error);

  if (own_transaction)
    _amap_store_exec_sql (self, "COMMIT", NULL);

  return result;
}

/* Summaries */

typedef struct
{
  gint64     id;
  AmapAsset *asset;
} IdEntry;

static int
compare_id_entries (gconstpointer a,
                    gconstpointer b)
{
  gint64 ia = ((const IdEntry *) a)->id;
  gint64 ib = ((const IdEntry *) b)->id;

  return ia < ib ? -1 : ia > ib;
}

/* A scan of every asset's row reads each page once and needs none of
 * them again: it runs with a page cache this big, so that it does not
 * fill the store's (the pages of 100,000 rows were 16 MiB kept for
 * nothing, in a window that scans them when it opens). */
#define SCAN_CACHE_KIB 1024

/* Shrinks the page cache for a scan (and so frees what it held beyond
 * that); returns the PRAGMA that restores it, for end_scan(), or NULL
 * when the cache is small already. */
static gboolean
begin_scan (AmapStore  *self,
            char      **restore,
            GError    **error)
{
  gint64 cache_size = 0;

  *restore = NULL;
  if (!_amap_store_query_int (self, "PRAGMA cache_size", &cache_size, error))
    return FALSE;
  if (cache_size >= -SCAN_CACHE_KIB)
    return TRUE;

  if (!_amap_store_exec_sql (self, "PRAGMA cache_size = -" G_STRINGIFY (SCAN_CACHE_KIB), error))
    return FALSE;
  *restore = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
  return TRUE;
}

/* The cache may grow again to its size, for the queries that use it. */
static void
end_scan (AmapStore *self,
          char      *restore)
{
  if (restore != NULL)
    _amap_store_exec_sql (self, restore, NULL);
  g_free (restore);
}

/* Every live asset as a summary, in @entries by row id; then their tags. */
static gboolean
read_summaries (AmapStore  *self,
                GArray     *entries,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = _amap_store_prepare (self,
                                    "SELECT id, uuid, name, category, lat, lon, shape, "
                                    "last_contacted, stage, is_hub, location_source, folders "
                                    "FROM assets WHERE deleted = 0 ORDER BY id",
                                    error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AmapAssetSummary summary = {
        .uuid = _amap_store_column_text (stmt, 1),
        .name = _amap_store_column_text (stmt, 2),
        .category = _amap_store_column_text (stmt, 3),
        .latitude = _amap_store_column_double (stmt, 4),
        .longitude = _amap_store_column_double (stmt, 5),
        .shape = _amap_store_column_text (stmt, 6),
        .last_contacted = _amap_store_column_text (stmt, 7),
        .stage = AMAP_STAGE_IDENTIFIED,
        .is_hub = sqlite3_column_int (stmt, 9) != 0,
        .location_source = AMAP_LOCATION_SOURCE_UNKNOWN,
      };
      IdEntry entry;

      amap_stage_from_string (_amap_store_column_text (stmt, 8), &summary.stage);
      if (!amap_location_source_from_string (_amap_store_column_text (stmt, 10),
                                             &summary.location_source))
        summary.location_source = AMAP_LOCATION_SOURCE_UNKNOWN;

      entry.id = sqlite3_column_int64 (stmt, 0);
      entry.asset = amap_asset_new_summary (&summary);
      if (sqlite3_column_type (stmt, 11) != SQLITE_NULL)
        {
          g_autoptr(GPtrArray) folders = g_ptr_array_new_null_terminated (4, g_free, TRUE);

          decode_folders (folders, sqlite3_column_blob (stmt, 11), sqlite3_column_bytes (stmt, 11));
          amap_asset_set_folders (entry.asset, (const char * const *) folders->pdata);
        }
      g_array_append_val (entries, entry);
    }
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!(stmt = _amap_store_prepare (self, child_readers[0].all_sql, error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IdEntry key = { sqlite3_column_int64 (stmt, 0), NULL };
      IdEntry *entry = bsearch (&key, entries->data, entries->len, sizeof (IdEntry),
                                compare_id_entries);

      /* Tags of deleted assets have no entry. */
      if (entry != NULL)
        add_tag_from_row (entry->asset, stmt);
    }
  if (rc != SQLITE_DONE)
    return _amap_store_set_sqlite_error (self, rc, error);

  return TRUE;
}

/**
 * amap_store_list_summaries:
 *
 * Every live asset as a summary (amap_asset_new_summary(): uuid, name,
 * category, location, shape, stage, hub, location source, last-contacted,
 * tags and folders; no details, no contacts, no log), in the order of
 * amap_store_list_assets(). What a list of the whole map holds: a
 * fraction of the memory and time of the whole assets. A summary cannot
 * be saved: amap_store_get_asset() gives the whole asset to change.
 *
 * Returns: (transfer full) (element-type AmapAsset): the summaries
 */
GPtrArray *
amap_store_list_summaries (AmapStore  *self,
                           GError    **error)
{
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GArray) sorted = NULL;
  char *restore_cache;
  gboolean own_transaction;
  gboolean ok = TRUE;
  GPtrArray *result;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!begin_scan (self, &restore_cache, error))
    return NULL;

  /* One read transaction, so that assets and tags are one snapshot. */
  own_transaction = sqlite3_get_autocommit (self->db);
  if (own_transaction && !_amap_store_exec_sql (self, "BEGIN", error))
    ok = FALSE;

  entries = g_array_new (FALSE, FALSE, sizeof (IdEntry));
  if (ok)
    ok = read_summaries (self, entries, error);

  if (own_transaction && !sqlite3_get_autocommit (self->db))
    _amap_store_exec_sql (self, "COMMIT", NULL);
  end_scan (self, restore_cache);

  if (!ok)
    {
      for (guint i = 0; i < entries->len; i++)
        g_object_unref (g_array_index (entries, IdEntry, i).asset);
      return NULL;
    }

  /* By name as amap_store_list_assets() sorts (a stable sort: equal
   * names stay in row order). */
  sorted = g_array_sized_new (FALSE, FALSE, sizeof (SortEntry), entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      AmapAsset *asset = g_array_index (entries, IdEntry, i).asset;
      SortEntry entry = { amap_name_sort_key (amap_asset_get_name (asset)), asset };

      g_array_append_val (sorted, entry);
    }
  g_array_sort (sorted, compare_sort_entries);

  result = g_ptr_array_new_full (sorted->len, g_object_unref);
  for (guint i = 0; i < sorted->len; i++)
    {
      SortEntry *entry = &g_array_index (sorted, SortEntry, i);

      g_ptr_array_add (result, entry->asset);
      g_free (entry->sort_key);
    }

  return result;
}

G_STATIC_ASSERT (G_N_ELEMENTS (child_readers) == AMAP_STORE_N_CHILD_TABLES);

/* amap_sort_key(name): the key amap_store_list_assets() sorts by (the
 * casefolded name's collation key in the user's locale), as a BLOB that
 * sorts bytewise as strcmp() sorts the keys. */
static void
sort_key_sql_function (sqlite3_context  *context,
                       int               argc,
                       sqlite3_value   **argv)
{
  const char *name = (const char *) sqlite3_value_text (argv[0]);
  char *key;

  if (name == NULL)
    {
      sqlite3_result_null (context);
      return;
    }

  key = amap_name_sort_key (name);
  sqlite3_result_blob (context, key, (int) strlen (key), g_free);
}

/* The sorter of amap_store_foreach_summary_row() works in this much
 * memory (PRAGMA cache_size sets it) before it spills to temporary files:
 * with SQLite's default 2 MiB, a million rows made 60 files merged again
 * and again, which kept the listing waiting on the disk most of its time.
 * Not more: the sorter's memory comes on top of the page cache, and a
 * million-asset --list stays under 40 MiB with 10 MiB. */
#define SUMMARY_CACHE_KIB 10000

/**
 * amap_store_foreach_summary_row:
 *
 * Streams every live asset in the order of amap_store_list_assets() (by
 * name as the user's locale sorts; equal names in storage order) with only
 * what a list shows: uuid, name, category, stage, hub and location; no
 * details, no children. SQLite does the sorting and spills to temporary
 * files beyond its cache, so the memory does not grow with the map. One
 * read transaction, so one snapshot. Stops at the first callback that
 * returns FALSE (its error is returned).
 */
gboolean
amap_store_foreach_summary_row (AmapStore             *self,
                                AmapStoreSummaryFunc   summary_func,
                                gpointer               user_data,
                                GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *restore_cache = NULL;
  gint64 cache_size = 0;
  gboolean own_transaction;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (summary_func != NULL, FALSE);

  rc = sqlite3_create_function (self->db, "amap_sort_key", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                NULL, sort_key_sql_function, NULL, NULL);
  if (rc != SQLITE_OK)
    return _amap_store_set_sqlite_error (self, rc, error);

  if (!_amap_store_query_int (self, "PRAGMA cache_size", &cache_size, error))
    return FALSE;
  if (cache_size != -SUMMARY_CACHE_KIB)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size = -%d", SUMMARY_CACHE_KIB);

      if (!_amap_store_exec_sql (self, pragma, error))
        return FALSE;
      restore_cache = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
    }

  own_transaction = sqlite3_get_autocommit (self->db);
  if (own_transaction && !_amap_store_exec_sql (self, "BEGIN", error))
    ok = FALSE;

  if (ok && !(stmt = _amap_store_prepare (self,
                                          "SELECT uuid, name, category, lat, lon, stage, is_hub "
                                          "FROM assets WHERE deleted = 0 "
                                          "ORDER BY amap_sort_key (name), id",
                                          error)))
    ok = FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AmapStoreSummary summary = {
        .uuid = _amap_store_column_text (stmt, 0),
        .name = _amap_store_column_text (stmt, 1),
        .category = _amap_store_column_text (stmt, 2),
        .latitude = _amap_store_column_double (stmt, 3),
        .longitude = _amap_store_column_double (stmt, 4),
        .stage = AMAP_STAGE_IDENTIFIED,
        .is_hub = sqlite3_column_int (stmt, 6) != 0,
      };

      amap_stage_from_string (_amap_store_column_text (stmt, 5), &summary.stage);
      ok = summary_func (&summary, user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    ok = _amap_store_set_sqlite_error (self, rc, error);

  g_clear_pointer (&stmt, sqlite3_finalize);
  if (own_transaction && !sqlite3_get_autocommit (self->db))
    _amap_store_exec_sql (self, "COMMIT", NULL);
  /* The page cache goes back to its size (and frees what it held). */
  if (restore_cache != NULL)
    _amap_store_exec_sql (self, restore_cache, NULL);

  return ok;
}

typedef struct
{
  AmapStoreAssetFunc asset_func;
  gpointer           user_data;
} SummaryAssetClosure;

static gboolean
summary_to_asset (const AmapStoreSummary  *summary,
                  gpointer                 user_data,
                  GError                 **error)
{
  SummaryAssetClosure *closure = user_data;
  AmapAssetSummary fields = {
    .uuid = summary->uuid,
    .name = summary->name,
    .category = summary->category,
    .latitude = summary->latitude,
    .longitude = summary->longitude,
    .stage = summary->stage,
    .is_hub = summary->is_hub,
  };
  g_autoptr(AmapAsset) asset = amap_asset_new_summary (&fields);

  return closure->asset_func (asset, closure->user_data, error);
}

/**
 * amap_store_foreach_summary:
 *
 * As amap_store_foreach_summary_row(), each row as a new AmapAsset.
 */
gboolean
amap_store_foreach_summary (AmapStore           *self,
                            AmapStoreAssetFunc   asset_func,
                            gpointer             user_data,
                            GError             **error)
{
  SummaryAssetClosure closure = { asset_func, user_data };

  g_return_val_if_fail (AMAP_IS_STORE (self), FALSE);
  g_return_val_if_fail (asset_func != NULL, FALSE);

  return amap_store_foreach_summary_row (self, summary_to_asset, &closure, error);
}

guint
amap_store_count_assets (AmapStore *self)
{
  gint64 count = 0;

  g_return_val_if_fail (AMAP_IS_STORE (self), 0);

  _amap_store_query_int (self, "SELECT count(*) FROM assets WHERE deleted = 0", &count, NULL);

  return (guint) count;
}

/* Collects column 0 of every row as strings. */
GPtrArray *
_amap_store_collect_strings (AmapStore     *self,
                             sqlite3_stmt  *stmt,
                             GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, g_strdup (_amap_store_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&result);
}

/* _amap_store_collect_strings() of a cached statement, which is then
 * reset (no read transaction stays open) without its bindings. */
static GPtrArray *
collect_cached_strings (AmapStore     *self,
                        sqlite3_stmt  *stmt,
                        GError       **error)
{
  GPtrArray *result = _amap_store_collect_strings (self, stmt, error);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return result;
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
  g_autofree char *query = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  query = make_fts_query (text ? text : "");
  if (query == NULL)
    return g_ptr_array_new_with_free_func (g_free);

  if (!(stmt = _amap_store_get_stmt (self, STMT_SEARCH, error)))
    return NULL;

  _amap_store_bind_text (stmt, 1, query);

  return collect_cached_strings (self, stmt, error);
}

/**
 * amap_store_search_matches:
 *
 * Returns: (transfer full) (element-type utf8 utf8): the uuids of
 *   amap_store_search() as a set
 */
GHashTable *
amap_store_search_matches (AmapStore   *self,
                           const char  *text,
                           GError     **error)
{
  g_autoptr(GHashTable) matches = NULL;
  g_autofree char *query = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  matches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  query = make_fts_query (text ? text : "");
  if (query == NULL)
    return g_steal_pointer (&matches);

  if (!(stmt = _amap_store_get_stmt (self, STMT_SEARCH_MATCHES, error)))
    return NULL;

  _amap_store_bind_text (stmt, 1, query);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (matches, g_strdup (_amap_store_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&matches);
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
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (isnan (south) || isnan (west) || isnan (north) || isnan (east) || south > north)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The area to search is not a valid box on the map."));
      return NULL;
    }

  /* The R*Tree can only use constraints that stand alone (inside a CASE
   * or an OR, the longitudes scanned the whole band of latitudes, 30 times
   * slower): two statements. */
  if (!(stmt = _amap_store_get_stmt (self, west <= east ? STMT_QUERY_BOX : STMT_QUERY_BOX_ACROSS,
                                     error)))
    return NULL;

  sqlite3_bind_double (stmt, 1, south);
  sqlite3_bind_double (stmt, 2, west);
  sqlite3_bind_double (stmt, 3, north);
  sqlite3_bind_double (stmt, 4, east);

  return collect_cached_strings (self, stmt, error);
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

  if (!(stmt = _amap_store_prepare (self,
                        "SELECT DISTINCT t.name FROM tags t "
                        "JOIN asset_tags x ON x.tag_id = t.id "
                        "JOIN assets a ON a.id = x.asset_id "
                        "WHERE a.deleted = 0 ORDER BY t.name",
                        error)))
    return NULL;

  if (!(tags = _amap_store_collect_strings (self, stmt, error)))
    return NULL;

  g_ptr_array_add (tags, NULL);
  g_ptr_array_set_free_func (tags, NULL);
  return (GStrv) g_ptr_array_free (tags, FALSE);
}


static int
compare_collated (gconstpointer a,
                  gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/**
 * amap_store_list_folders:
 *
 * Returns: (transfer full): the folder labels of live assets, sorted
 */
GStrv
amap_store_list_folders (AmapStore  *self,
                         GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  char *restore_cache;
  int rc;

  g_return_val_if_fail (AMAP_IS_STORE (self), NULL);

  if (!(stmt = _amap_store_prepare (self,
                                    "SELECT DISTINCT folders FROM assets "
                                    "WHERE deleted = 0 AND folders IS NOT NULL",
                                    error)))
    return NULL;
  if (!begin_scan (self, &restore_cache, error))
    return NULL;

  labels = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GPtrArray) folders = g_ptr_array_new_null_terminated (4, g_free, TRUE);

      decode_folders (folders, sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      if (folders->len > 0)
        g_ptr_array_add (labels, g_strjoinv (" › ", (char **) folders->pdata));
    }
  sqlite3_reset (stmt);
  end_scan (self, restore_cache);
  if (rc != SQLITE_DONE)
    {
      _amap_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  /* Two blobs can differ and give one label (a name holding " › "). */
  g_ptr_array_sort (labels, compare_collated);
  for (guint i = 1; i < labels->len; )
    {
      if (g_str_equal (g_ptr_array_index (labels, i - 1), g_ptr_array_index (labels, i)))
        g_ptr_array_remove_index (labels, i);
      else
        i++;
    }

  g_ptr_array_add (labels, NULL);
  g_ptr_array_set_free_func (labels, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&labels), FALSE);
}
