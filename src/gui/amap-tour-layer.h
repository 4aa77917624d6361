/* amap-tour-layer.h: a tour on the map: each bus's legs, the numbered
 * stops, the start and the end, drawn by one layer in one snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "amap-pin-layer.h"
#include "amap-tour-plan.h"

G_BEGIN_DECLS

/* What a tour layer draws. The map view stacks two: the legs under the
 * pins, the stop numbers and the start and end over them. */
typedef enum
{
  AMAP_TOUR_LAYER_LEGS,
  AMAP_TOUR_LAYER_STOPS,
} AmapTourLayerPart;

#define AMAP_TYPE_TOUR_LAYER (amap_tour_layer_get_type ())
G_DECLARE_FINAL_TYPE (AmapTourLayer, amap_tour_layer, AMAP, TOUR_LAYER, ShumateLayer)

/*
 * Draws "plan" (an AmapTourPlan, or NULL for nothing): each bus in its
 * own color (amap_tour_layer_get_bus_color()), legs solid where they
 * follow the roads and dashed where they are straight estimates, with an
 * arrow on each leg in the direction of travel. The stops part puts each
 * stop's number (per bus, from 1) on the top corner of its pin, or on the
 * place itself where the pin is not drawn on its own (clustered, filtered
 * out), and marks the start and the end. Takes no input: the map view
 * asks amap_tour_layer_hit_test().
 *
 * Properties: "part" (AmapTourLayerPart, construct-only), "plan",
 * "selected-uuid" (the stop drawn larger), "pin-layer" (where the pins
 * are; the stops part puts its numbers on them).
 */
AmapTourLayer *amap_tour_layer_new               (ShumateViewport   *viewport,
                                                  AmapTourLayerPart  part);
AmapTourPlan  *amap_tour_layer_get_plan          (AmapTourLayer     *self);
void           amap_tour_layer_set_plan          (AmapTourLayer     *self,
                                                  AmapTourPlan      *plan);
void           amap_tour_layer_set_selected_uuid (AmapTourLayer     *self,
                                                  const char        *uuid);
void           amap_tour_layer_set_pin_layer     (AmapTourLayer     *self,
                                                  AmapPinLayer      *pin_layer);

/* The stop whose number is drawn at (@x, @y) (layer coordinates): TRUE
 * and its bus and index among the bus's stops in the plan. */
gboolean       amap_tour_layer_hit_test          (AmapTourLayer     *self,
                                                  double             x,
                                                  double             y,
                                                  guint             *bus,
                                                  guint             *index);
/* Where the number of @bus's stop @index is drawn (its centre), FALSE
 * when it is out of view. For tests and the panel. */
gboolean       amap_tour_layer_get_stop_position (AmapTourLayer     *self,
                                                  guint              bus,
                                                  guint              index,
                                                  double            *x,
                                                  double            *y);
/* How many leg segments and stop numbers the last snapshot drew. */
guint          amap_tour_layer_get_n_drawn_legs  (AmapTourLayer     *self);
guint          amap_tour_layer_get_n_drawn_stops (AmapTourLayer     *self);

/* "#rrggbb" of bus @bus (0-based): distinct from each other and readable
 * with white text, the same on the map, in the panel and in print. */
const char    *amap_tour_layer_get_bus_color     (guint              bus);

G_END_DECLS
