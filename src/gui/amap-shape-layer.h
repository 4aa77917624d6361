/* amap-shape-layer.h: lines and polygons of assets, and the walking rings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_SHAPE_LAYER (amap_shape_layer_get_type ())
G_DECLARE_FINAL_TYPE (AmapShapeLayer, amap_shape_layer, AMAP, SHAPE_LAYER, ShumateLayer)

/*
 * Draws the "shape" (WKT line, polygon or collection) of every item of
 * "model" (AmapAsset) as a thin outline in its category's color, and
 * dashed circles at walking distances around the home. Draws under the
 * pins; takes no input.
 */
AmapShapeLayer *amap_shape_layer_new       (ShumateViewport *viewport);
void            amap_shape_layer_set_model (AmapShapeLayer  *self,
                                            GListModel      *model);
void            amap_shape_layer_set_store (AmapShapeLayer  *self,
                                            AmapStore       *store);
/* @miles: @n_rings radii in miles; none, or !has_home, hides the rings. */
void            amap_shape_layer_set_rings (AmapShapeLayer  *self,
                                            gboolean         has_home,
                                            double           latitude,
                                            double           longitude,
                                            const double    *miles,
                                            guint            n_rings);
/* How many shapes the current view draws. */
guint           amap_shape_layer_get_n_visible_shapes (AmapShapeLayer *self);

G_END_DECLS
