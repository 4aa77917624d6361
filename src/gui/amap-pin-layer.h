/* amap-pin-layer.h: every asset's pin, drawn by one layer in one snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "amap-asset.h"
#include "amap-store.h"

G_BEGIN_DECLS

typedef enum
{
  AMAP_PIN_HIT_NONE,
  AMAP_PIN_HIT_PIN,
  AMAP_PIN_HIT_CLUSTER,
  AMAP_PIN_HIT_HOME,
} AmapPinHit;

/* How the pins reach the renderer: as texture nodes, or painted into one
 * cairo node (what the cairo renderer draws fastest); AUTO picks by the
 * window's renderer. Both draw the same pixels; tests compare them. */
typedef enum
{
  AMAP_PIN_DRAWING_AUTO,
  AMAP_PIN_DRAWING_TEXTURES,
  AMAP_PIN_DRAWING_CAIRO,
} AmapPinDrawing;

#define AMAP_TYPE_PIN_LAYER (amap_pin_layer_get_type ())
G_DECLARE_FINAL_TYPE (AmapPinLayer, amap_pin_layer, AMAP, PIN_LAYER, ShumateLayer)

/*
 * Draws a pin for every item of "model" (AmapAsset) that has a location,
 * from images rendered once per category and state; where pins crowd
 * (grid cells of CELL pixels at the nearest integer zoom, clustered once
 * per zoom step and kept across pans) they become a badge with the count. The home (the school) gets its own marker under the pins.
 * Only what is in view is drawn. Clicks, drags and tooltips are the map
 * view's business: it asks amap_pin_layer_hit_test() what is under the
 * pointer.
 *
 * Properties: "model" (GListModel), "store" (AmapStore, for category
 * colors and icons), "selected-uuid" (string).
 */
AmapPinLayer *amap_pin_layer_new                  (ShumateViewport *viewport);

GListModel   *amap_pin_layer_get_model            (AmapPinLayer    *self);
void          amap_pin_layer_set_model            (AmapPinLayer    *self,
                                                   GListModel      *model);
AmapStore    *amap_pin_layer_get_store            (AmapPinLayer    *self);
void          amap_pin_layer_set_store            (AmapPinLayer    *self,
                                                   AmapStore       *store);
const char   *amap_pin_layer_get_selected_uuid    (AmapPinLayer    *self);
void          amap_pin_layer_set_selected_uuid    (AmapPinLayer    *self,
                                                   const char      *uuid);

void          amap_pin_layer_set_home             (AmapPinLayer    *self,
                                                   gboolean         has_home,
                                                   double           latitude,
                                                   double           longitude);

/*
 * What is drawn at (@x, @y) in the layer's coordinates, topmost first.
 * For a pin, @asset (transfer none) is its asset. For a cluster, @bounds
 * (if not NULL) receives south, west, north, east of its members and
 * @count their number. For the home, nothing else is set.
 */
AmapPinHit    amap_pin_layer_hit_test             (AmapPinLayer    *self,
                                                   double           x,
                                                   double           y,
                                                   AmapAsset      **asset,
                                                   guint           *count,
                                                   double           bounds[4]);

/* What the current view shows: single pins, cluster badges, and the
 * located assets inside the view counting every cluster's members. */
guint         amap_pin_layer_get_n_visible_pins     (AmapPinLayer  *self);
guint         amap_pin_layer_get_n_visible_clusters (AmapPinLayer  *self);
guint         amap_pin_layer_get_n_visible_assets   (AmapPinLayer  *self);

void          amap_pin_layer_set_drawing          (AmapPinLayer   *self,
                                                   AmapPinDrawing  drawing);

/* A badge in view: its centre in the layer and how many pins it holds. */
typedef struct
{
  double x;
  double y;
  guint  count;
} AmapPinLayerBadge;

/* The badges of the current view (AmapPinLayerBadge), bottom to top. */
GArray       *amap_pin_layer_dup_visible_badges   (AmapPinLayer  *self);

/* Where the pin of @uuid touches the map (its tip), when it is drawn as a
 * pin of its own; FALSE when it is hidden, clustered or out of view. */
gboolean      amap_pin_layer_get_pin_position     (AmapPinLayer    *self,
                                                   const char      *uuid,
                                                   double          *x,
                                                   double          *y);

/* While a pin is dragged it is drawn at (@x, @y) instead of its location;
 * @uuid NULL ends that. */
void          amap_pin_layer_set_drag             (AmapPinLayer    *self,
                                                   const char      *uuid,
                                                   double           x,
                                                   double           y);

G_END_DECLS
