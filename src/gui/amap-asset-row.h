/* amap-asset-row.h: one asset in the sidebar list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "amap-asset.h"
#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_ASSET_ROW (amap_asset_row_get_type ())
G_DECLARE_FINAL_TYPE (AmapAssetRow, amap_asset_row, AMAP, ASSET_ROW, GtkWidget)

/* Properties: "store" (construct-only, for category names and colors),
 * "item" (the AmapAsset shown, may be NULL). */
GtkWidget *amap_asset_row_new      (AmapStore    *store);
AmapAsset *amap_asset_row_get_item (AmapAssetRow *self);
void       amap_asset_row_set_item (AmapAssetRow *self,
                                    AmapAsset    *item);
/* The distance from the school the row shows (sorted by distance). */
void       amap_asset_row_set_distance (AmapAssetRow *self,
                                        double        meters);

G_END_DECLS
