/* amap-offline-map.h: choosing an MBTiles file as the base map, and
 * "Save Area for Offline Use"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* TRUE for a name ending in .mbtiles (what a drop on the window opens). */
gboolean amap_offline_map_is_mbtiles_file (GFile       *file);

/* Opens @file as an offline map (amap_mbtiles_source_new(): a translated
 * error naming the file when it is not a raster MBTiles the map can show)
 * and makes it the base map in GSettings. */
gboolean amap_offline_map_use_file        (GFile       *file,
                                           GError     **error);

/*
 * "Save Area for Offline Use": the tiles of the area west/south/east/north
 * from the custom tile server (only when the user marked it as allowing
 * downloads; for tile.openstreetmap.org it explains the policy and does
 * nothing), for a zoom range chosen in a dialog that shows the tile count
 * and size first; then a progress dialog with Cancel. The outcome is a
 * toast on @toasts.
 */
void     amap_offline_map_save_area       (GtkWindow       *parent,
                                           AdwToastOverlay *toasts,
                                           double           west,
                                           double           south,
                                           double           east,
                                           double           north,
                                           double           zoom);

G_END_DECLS
