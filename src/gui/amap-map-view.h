/* amap-map-view.h: the neighborhood map with every asset's pin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "amap-pin-layer.h"
#include "amap-store.h"
#include "amap-tour-layer.h"

G_BEGIN_DECLS

#define AMAP_TYPE_MAP_VIEW (amap_map_view_get_type ())
G_DECLARE_FINAL_TYPE (AmapMapView, amap_map_view, AMAP, MAP_VIEW, GtkWidget)

/*
 * Properties:
 *   "store"          AmapStore: categories (colors, icons) and the home
 *   "model"          GListModel of AmapAsset: a pin for each located item
 *   "selected-uuid"  string or NULL; follows clicks on pins
 *   "adding"         boolean: the next click on the map asks for a new
 *                    asset there (crosshair cursor), then add mode ends
 *   "offline"        boolean, read-only: map tiles could not be loaded
 *   "picking"        boolean: a click on a pin emits "asset-picked" instead
 *                    of selecting it (the tour panel's Pick Stops mode)
 *
 * Signals:
 *   "add-requested" (double latitude, double longitude)
 *       A click in add mode, or "Add Asset Here" from the context menu.
 *   "asset-moved" (const char *uuid, double latitude, double longitude)
 *       The selected pin was dragged there; nothing is saved by the view.
 *   "asset-picked" (const char *uuid)
 *       A click on a pin in picking mode.
 *
 * Settings (io.github.assetmap.AssetMap): base-map, tile-url-template,
 * walking-rings, show-walking-rings.
 */
GtkWidget    *amap_map_view_new               (void);

AmapStore    *amap_map_view_get_store         (AmapMapView *self);
void          amap_map_view_set_store         (AmapMapView *self,
                                               AmapStore   *store);
GListModel   *amap_map_view_get_model         (AmapMapView *self);
void          amap_map_view_set_model         (AmapMapView *self,
                                               GListModel  *model);
const char   *amap_map_view_get_selected_uuid (AmapMapView *self);
void          amap_map_view_set_selected_uuid (AmapMapView *self,
                                               const char  *uuid);
gboolean      amap_map_view_get_adding        (AmapMapView *self);
void          amap_map_view_set_adding        (AmapMapView *self,
                                               gboolean     adding);
gboolean      amap_map_view_get_offline       (AmapMapView *self);
/* What the map says over the tiles (outside the offline map's area, an
 * offline map that cannot be opened), or NULL. */
const char   *amap_map_view_get_notice        (AmapMapView *self);

/* @zoom < 0 keeps the current zoom. Animated when the map is on screen. */
void          amap_map_view_center_on         (AmapMapView *self,
                                               double       latitude,
                                               double       longitude,
                                               double       zoom);
void          amap_map_view_get_view          (AmapMapView *self,
                                               double      *latitude,
                                               double      *longitude,
                                               double      *zoom);
/* The degrees the map shows, from the centre, zoom and widget size. */
void          amap_map_view_get_visible_area  (AmapMapView *self,
                                               double      *west,
                                               double      *south,
                                               double      *east,
                                               double      *north);
/* Shows every located asset of the model (or the home when there is none). */
void          amap_map_view_fit_assets        (AmapMapView *self);
/* Shows the box (degrees), zoomed in no closer than street level. */
void          amap_map_view_fit_bounds        (AmapMapView *self,
                                               double       south,
                                               double       west,
                                               double       north,
                                               double       east);

/* What a click at (@x, @y) (the view's coordinates) does: select the pin
 * under it, zoom into a cluster, add an asset in add mode, or clear the
 * selection. The click gesture calls it; so do tests. */
void          amap_map_view_click_at          (AmapMapView *self,
                                               double       x,
                                               double       y);

/* For tests and the window's own overlays. */
AmapPinLayer *amap_map_view_get_pin_layer     (AmapMapView *self);
/* A layer of someone else's above the pins (place search's marker). */
ShumateViewport *amap_map_view_get_viewport   (AmapMapView  *self);
void          amap_map_view_add_layer         (AmapMapView  *self,
                                               ShumateLayer *layer);

/* The tour drawn on the map (NULL: none), and its stops' layer. */
void          amap_map_view_set_tour_plan     (AmapMapView  *self,
                                               AmapTourPlan *plan);
AmapTourLayer *amap_map_view_get_tour_layer   (AmapMapView *self);
gboolean      amap_map_view_get_picking       (AmapMapView *self);
void          amap_map_view_set_picking       (AmapMapView *self,
                                               gboolean     picking);

G_END_DECLS
