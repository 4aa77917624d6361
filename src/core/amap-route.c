/* amap-route.c: one leg of a route between two points, straight or on
 * the roads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-route"

#include "config.h"

#include "amap-route.h"

G_DEFINE_BOXED_TYPE (AmapRouteLeg, amap_route_leg, amap_route_leg_ref, amap_route_leg_unref)

/**
 * amap_route_leg_new:
 *
 * A leg with no distance, no duration and no points yet: add the path's
 * points, its ends included, with amap_route_leg_add_point().
 *
 * Returns: (transfer full): a new leg.
 */
AmapRouteLeg *
amap_route_leg_new (AmapRouteLegKind kind,
                    double           from_latitude,
                    double           from_longitude,
                    double           to_latitude,
                    double           to_longitude)
{
  AmapRouteLeg *leg = g_rc_box_new0 (AmapRouteLeg);

  leg->kind = kind;
  leg->from_latitude = from_latitude;
  leg->from_longitude = from_longitude;
  leg->to_latitude = to_latitude;
  leg->to_longitude = to_longitude;
  leg->points = g_array_new (FALSE, FALSE, sizeof (double));

  return leg;
}

AmapRouteLeg *
amap_route_leg_ref (AmapRouteLeg *leg)
{
  g_return_val_if_fail (leg != NULL, NULL);
  return g_rc_box_acquire (leg);
}

static void
route_leg_clear (gpointer data)
{
  AmapRouteLeg *leg = data;

  g_clear_pointer (&leg->points, g_array_unref);
}

void
amap_route_leg_unref (AmapRouteLeg *leg)
{
  g_return_if_fail (leg != NULL);
  g_rc_box_release_full (leg, route_leg_clear);
}

void
amap_route_leg_add_point (AmapRouteLeg *leg,
                          double        latitude,
                          double        longitude)
{
  double pair[2] = { latitude, longitude };

  g_return_if_fail (leg != NULL);
  g_array_append_vals (leg->points, pair, 2);
}

guint
amap_route_leg_get_n_points (AmapRouteLeg *leg)
{
  g_return_val_if_fail (leg != NULL, 0);
  return leg->points->len / 2;
}

void
amap_route_leg_get_point (AmapRouteLeg *leg,
                          guint         index,
                          double       *latitude,
                          double       *longitude)
{
  g_return_if_fail (leg != NULL);
  g_return_if_fail (index < leg->points->len / 2);

  if (latitude != NULL)
    *latitude = g_array_index (leg->points, double, 2 * index);
  if (longitude != NULL)
    *longitude = g_array_index (leg->points, double, 2 * index + 1);
}
