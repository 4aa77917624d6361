/* amap-tour-plan.h: a tour made concrete: the places of its start, stops
 * and end, its legs (road legs the map has stored, else straight ones),
 * and each bus's schedule. What the tour panel, the map's tour layer,
 * the itinerary and the tour exports all show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-asset.h"
#include "amap-route.h"
#include "amap-routing.h"
#include "amap-schedule.h"
#include "amap-store.h"
#include "amap-tour.h"

G_BEGIN_DECLS

#define AMAP_TYPE_TOUR_PLAN (amap_tour_plan_get_type ())
G_DECLARE_FINAL_TYPE (AmapTourPlan, amap_tour_plan, AMAP, TOUR_PLAN, GObject)

/* Builds the plan of @tour (it keeps a copy) from @store's assets, home
 * and stored road legs, on the main thread (cheap: no I/O beyond the
 * store). Stops whose asset is gone or has no location are left out of
 * the route and listed by amap_tour_plan_get_warnings(). Fails only when
 * the start or the end has no place (no home set, an asset without a
 * location), with a message that says what to set. */
AmapTourPlan *amap_tour_plan_new              (AmapStore    *store,
                                               AmapTour     *tour,
                                               double        detour_factor,
                                               GError      **error);
/* Transfer none: the plan's own copy of the tour. */
AmapTour     *amap_tour_plan_get_tour         (AmapTourPlan *self);
guint         amap_tour_plan_get_n_buses      (AmapTourPlan *self);
/* The places, as latitude/longitude and a name for people. */
void          amap_tour_plan_get_start        (AmapTourPlan *self,
                                               double       *latitude,
                                               double       *longitude,
                                               const char  **name);
void          amap_tour_plan_get_end          (AmapTourPlan *self,
                                               double       *latitude,
                                               double       *longitude,
                                               const char  **name);
/* The stops of @bus that are on the route, in order. */
guint         amap_tour_plan_get_n_stops      (AmapTourPlan *self,
                                               guint         bus);
/* Transfer none. The index of the stop in the tour, its stop and asset. */
guint         amap_tour_plan_get_stop_index   (AmapTourPlan *self,
                                               guint         bus,
                                               guint         index);
AmapTourStop *amap_tour_plan_get_stop         (AmapTourPlan *self,
                                               guint         bus,
                                               guint         index);
AmapAsset    *amap_tour_plan_get_stop_asset   (AmapTourPlan *self,
                                               guint         bus,
                                               guint         index);
/* n_stops + 1 legs per bus; leg i arrives at stop i, the last at the end. */
AmapRouteLeg *amap_tour_plan_get_leg          (AmapTourPlan *self,
                                               guint         bus,
                                               guint         index);
AmapSchedule *amap_tour_plan_get_schedule     (AmapTourPlan *self,
                                               guint         bus);
/* TRUE when every leg of every bus follows the roads. */
gboolean      amap_tour_plan_get_on_roads     (AmapTourPlan *self);
/* Translated sentences for people ("“Old Mill” has no location, so it is
 * not on the route."), NULL-terminated, possibly empty. */
const char * const *amap_tour_plan_get_warnings (AmapTourPlan *self);
/* The points to ask a routing server for, per bus: latitude/longitude
 * pairs of the start, the stops and the end (a new array of doubles). */
GArray       *amap_tour_plan_get_route_points (AmapTourPlan *self,
                                               guint         bus);

/* In a worker thread over the plan's cost matrix: a copy of the tour with
 * each bus's stops in a short order (amap_tour_order_optimize()), or split
 * across its buses (amap_tour_order_split(), honouring the latest return).
 * The caller stores it with amap_store_update_tour(). */
void          amap_tour_plan_optimize_async   (AmapTourPlan        *self,
                                               gboolean             split_across_buses,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
AmapTour     *amap_tour_plan_optimize_finish  (AmapTourPlan        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* On the main thread: asks @client for the road legs of each bus whose
 * legs are not all on the roads yet (one request per bus), and stores
 * them in @store with the client's base URL, so that a plan made
 * afterwards (amap_tour_plan_new() again) follows the roads, offline too.
 * Fails with the client's translated message when the server is down,
 * slow or answers something else (the tour keeps its straight legs; show
 * the message), or with the store's. Legs of buses routed before a
 * failure are kept. */
void          amap_tour_plan_fetch_roads_async  (AmapTourPlan        *self,
                                                 AmapStore           *store,
                                                 AmapRoutingClient   *client,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      amap_tour_plan_fetch_roads_finish (AmapTourPlan        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
