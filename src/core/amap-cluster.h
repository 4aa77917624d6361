/* amap-cluster.h: grid clustering and hit testing of pins in screen space
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A point in pixels (screen or world pixels: any one plane) and the
 * caller's id for it (an index into the caller's array). */
typedef struct
{
  double x;
  double y;
  guint  id;
} AmapClusterPoint;

/* The points that fell into one grid cell. A cell with one point is a
 * "cluster" of one: the caller draws it as a plain pin. */
typedef struct
{
  double  x;            /* centroid of the members */
  double  y;
  double  min_x;        /* bounding box of the members */
  double  min_y;
  double  max_x;
  double  max_y;
  guint   n_members;
  guint  *members;      /* ids, in input order */
} AmapCluster;

/*
 * Puts every point into the square grid cell of @cell_size pixels that
 * holds it (cells are aligned on multiples of @cell_size, so a grid in
 * world pixels does not move while the map pans); then, biggest first, a
 * cell's cluster takes in the neighbouring ones whose centroids lie
 * closer than @cell_size to its own, so badges do not pile up on cell
 * edges. Returns a new array of AmapCluster * (freed with the array),
 * biggest first; their n_members add up to @n_points. Points with a
 * non-finite coordinate are left out.
 */
GPtrArray *amap_cluster_points (const AmapClusterPoint *points,
                                guint                   n_points,
                                double                  cell_size);

/* What was drawn where: a box of @width x @height pixels whose anchor
 * (the point on the map it stands for, e.g. the pin's tip) is at (x, y)
 * and lies at (anchor_x, anchor_y) inside the box from its top-left. */
typedef struct
{
  double x;
  double y;
  double width;
  double height;
  double anchor_x;
  double anchor_y;
  guint  id;
} AmapHitBox;

/*
 * Finds what is under (@x, @y): @boxes are in drawing order (the last is
 * drawn on top), so the topmost box containing the point wins. Edges are
 * inclusive. Returns FALSE when no box contains the point.
 */
gboolean   amap_cluster_hit_test (const AmapHitBox *boxes,
                                  guint             n_boxes,
                                  double            x,
                                  double            y,
                                  guint            *id);

G_END_DECLS
