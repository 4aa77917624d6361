/* amap-routing.h: route legs, straight (great circle × a street detour
 * factor, at the tour's speed) or on the roads from an OSRM-compatible
 * server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "amap-route.h"

G_BEGIN_DECLS

#define AMAP_ROUTING_DEFAULT_DETOUR_FACTOR 1.3

/* Great-circle distance in metres (WGS84 mean radius). */
double        amap_routing_great_circle_m  (double latitude1,
                                            double longitude1,
                                            double latitude2,
                                            double longitude2);
/* A straight leg: the great-circle distance × @detour_factor, driven at
 * @speed_kmh. */
AmapRouteLeg *amap_routing_straight_leg    (double latitude1,
                                            double longitude1,
                                            double latitude2,
                                            double longitude2,
                                            double detour_factor,
                                            double speed_kmh);

#define AMAP_TYPE_ROUTING_CLIENT (amap_routing_client_get_type ())
G_DECLARE_FINAL_TYPE (AmapRoutingClient, amap_routing_client, AMAP, ROUTING_CLIENT, GObject)

/*
 * A client of an OSRM-compatible route service. Properties: "base-url"
 * (construct-only, e.g. "https://osrm.example.org"; the request is
 * BASE/route/v1/driving/LON,LAT;LON,LAT;…?overview=full&geometries=polyline6
 * &steps=false), "session" (construct-only SoupSession, the app's one with
 * its User-Agent), "timeout" (seconds, default 15).
 */
AmapRoutingClient *amap_routing_client_new          (const char         *base_url,
                                                     SoupSession        *session);
/* Routes through @n_points points (@points: latitude, longitude pairs) and
 * returns n_points - 1 legs of kind AMAP_ROUTE_LEG_ROAD, each with its
 * own geometry, distance and duration. A server that is down, slow or
 * answers something else fails with a translated message that says so
 * (the caller then falls back to straight legs). */
void               amap_routing_client_route_async  (AmapRoutingClient  *self,
                                                     const double       *points,
                                                     guint               n_points,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
/* Transfer full: a GPtrArray of AmapRouteLeg. */
GPtrArray         *amap_routing_client_route_finish (AmapRoutingClient  *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

G_END_DECLS
