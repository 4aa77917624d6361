/* amap-projection.h: Web Mercator (EPSG:3857) as slippy maps use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pixels on a side of one tile. */
#define AMAP_PROJECTION_TILE_SIZE 256
/* Web Mercator stops here: the world is a square. */
#define AMAP_PROJECTION_MAX_LATITUDE 85.0511287798
/* The sphere of Web Mercator: WGS84 equatorial radius, meters. */
#define AMAP_PROJECTION_EARTH_RADIUS 6378137.0

/*
 * "World pixels" at a zoom level: (0, 0) is the north-west corner of the
 * world (latitude 85.05°, longitude -180°), the map is
 * amap_projection_get_map_size() pixels on a side and y grows southwards,
 * as in libshumate and every tile server. The zoom may be fractional.
 */

/* TILE_SIZE * 2^zoom. */
double   amap_projection_get_map_size         (double  zoom);

/* Latitude is clamped to ±MAX_LATITUDE, longitude to ±180. */
void     amap_projection_location_to_pixels   (double  latitude,
                                               double  longitude,
                                               double  zoom,
                                               double *x,
                                               double *y);
void     amap_projection_pixels_to_location   (double  x,
                                               double  y,
                                               double  zoom,
                                               double *latitude,
                                               double *longitude);

/* The same in the unit square (0..1), independent of zoom: multiply by
 * amap_projection_get_map_size() for world pixels. */
void     amap_projection_location_to_unit     (double  latitude,
                                               double  longitude,
                                               double *x,
                                               double *y);

/* Meters on the ground covered by one pixel at @latitude. */
double   amap_projection_meters_per_pixel     (double  latitude,
                                               double  zoom);

/* The largest zoom (capped to @max_zoom) at which the box fits in a view
 * of @width x @height pixels with @padding pixels left on each side. A
 * single point (or a tiny box) gives @max_zoom. */
double   amap_projection_zoom_for_bounds      (double  south,
                                               double  west,
                                               double  north,
                                               double  east,
                                               double  width,
                                               double  height,
                                               double  padding,
                                               double  max_zoom);

G_END_DECLS
