/* amap-store-export.h: the live assets streamed as plain records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-asset-record.h"
#include "amap-store.h"

G_BEGIN_DECLS

/* @record is valid during the call only. */
typedef gboolean (*AmapStoreAssetRecordFunc) (const AmapAssetRecord  *record,
                                              gpointer                user_data,
                                              GError                **error);

/* amap_store_foreach_asset() without an AmapAsset per asset: the same
 * assets in the same order, as records read straight from their rows
 * (an asset with contacts or a log comes as an AmapAsset in the record's
 * "asset"). */
gboolean amap_store_foreach_asset_record (AmapStore                 *self,
                                          AmapStoreCategoriesFunc    categories_func,
                                          AmapStoreAssetRecordFunc   record_func,
                                          gpointer                   user_data,
                                          GCancellable              *cancellable,
                                          GError                   **error);

/* A second connection to @self's map, read-only, for an export on
 * another thread (a store stays on one thread at a time): it sees the
 * map as it is now, whatever @self writes afterwards, until it is
 * unreferenced. NULL with an error when the map has no file. */
AmapStore *amap_store_open_snapshot (AmapStore  *self,
                                     GError    **error);

G_END_DECLS
