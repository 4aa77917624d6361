/* amap-asset-list.h: every live asset of a store, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_ASSET_LIST (amap_asset_list_get_type ())
G_DECLARE_FINAL_TYPE (AmapAssetList, amap_asset_list, AMAP, ASSET_LIST, GObject)

/*
 * Items are AmapAsset summaries (amap_asset_is_summary()): what a list and
 * the map show, without the details. To change one, get the whole asset
 * from the store (amap_store_get_asset()); the store refuses a summary.
 * The list follows the store's signals with exact
 * items-changed ranges: an add appends one item, an update replaces one
 * item (position, 1, 1), a delete removes one, a reset reloads (0, old, new).
 * Order is the store's order at load time, then appends.
 */
AmapAssetList *amap_asset_list_new      (AmapStore     *store);
AmapStore     *amap_asset_list_get_store (AmapAssetList *self);
/* The item with @uuid (transfer none) and its position, or NULL. */
AmapAsset     *amap_asset_list_find     (AmapAssetList *self,
                                         const char    *uuid,
                                         guint         *position);

G_END_DECLS
