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

G_END_DECLS
