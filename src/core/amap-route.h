/* amap-route.h: one leg of a route between two points, straight or on
 * the roads, as the routing code computes it and the store keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  AMAP_ROUTE_LEG_STRAIGHT,  /* great-circle distance × detour factor */
  AMAP_ROUTE_LEG_ROAD,      /* from a routing server, stored in the map */
} AmapRouteLegKind;

/* A reference-counted plain struct; the fields are public and must not be
 * changed once the leg is shared. */
typedef struct
{
  AmapRouteLegKind kind;
  double  from_latitude;
  double  from_longitude;
  double  to_latitude;
  double  to_longitude;
  double  distance_m;
  double  duration_s;   /* driving time; see amap-routing.h for straight legs */
  /* The path as latitude, longitude pairs (2 × n_points doubles), from
   * the start to the end; for a straight leg just the two ends. */
  GArray *points;
} AmapRouteLeg;

#define AMAP_TYPE_ROUTE_LEG (amap_route_leg_get_type ())
GType         amap_route_leg_get_type   (void);
/* A leg with no points yet: add the path, its two ends included. */
AmapRouteLeg *amap_route_leg_new        (AmapRouteLegKind kind,
                                         double           from_latitude,
                                         double           from_longitude,
                                         double           to_latitude,
                                         double           to_longitude);
AmapRouteLeg *amap_route_leg_ref        (AmapRouteLeg    *leg);
void          amap_route_leg_unref      (AmapRouteLeg    *leg);
void          amap_route_leg_add_point  (AmapRouteLeg    *leg,
                                         double           latitude,
                                         double           longitude);
guint         amap_route_leg_get_n_points (AmapRouteLeg  *leg);
void          amap_route_leg_get_point  (AmapRouteLeg    *leg,
                                         guint            index,
                                         double          *latitude,
                                         double          *longitude);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapRouteLeg, amap_route_leg_unref)

G_END_DECLS
