/* amap-store-private.h: hooks for tests; not for the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "amap-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
/* An unfinished batch is aborted. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapStoreBatch, amap_store_batch_abort)

/* The PRAGMA application_id of an Asset Map file ("AMAP"). */
#define AMAP_STORE_APPLICATION_ID 0x414d4150

/* Like amap_store_open(), but opens read-only when @force_read_only is
 * TRUE, as if the file were not writable. Tests use it where chmod cannot
 * stop the user (root). */
AmapStore *amap_store_open_full                     (const char *path,
                                                     gboolean    force_read_only,
                                                     GError    **error);

/* Runs PRAGMA max_page_count on the store's connection, so that writes
 * beyond it fail with SQLITE_FULL exactly as on a full disk. Returns the
 * page count now in use. */
gint64     amap_store_set_max_page_count_for_testing (AmapStore  *self,
                                                      gint64      max_page_count);

G_END_DECLS
