/* amap-projection.c: Web Mercator (EPSG:3857) as slippy maps use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-projection"

#include <math.h>

#include "amap-projection.h"

double
amap_projection_get_map_size (double zoom)
{
  return AMAP_PROJECTION_TILE_SIZE * exp2 (zoom);
}

void
amap_projection_location_to_unit (double  latitude,
                                  double  longitude,
                                  double *x,
                                  double *y)
{
  double lat_rad;

  latitude = CLAMP (latitude, -AMAP_PROJECTION_MAX_LATITUDE, AMAP_PROJECTION_MAX_LATITUDE);
  longitude = CLAMP (longitude, -180.0, 180.0);
  lat_rad = latitude * G_PI / 180.0;

  if (x != NULL)
    *x = (longitude + 180.0) / 360.0;
  if (y != NULL)
    *y = (1.0 - asinh (tan (lat_rad)) / G_PI) / 2.0;
}

void
amap_projection_location_to_pixels (double  latitude,
                                    double  longitude,
                                    double  zoom,
                                    double *x,
                                    double *y)
{
  double size = amap_projection_get_map_size (zoom);
  double ux, uy;

  amap_projection_location_to_unit (latitude, longitude, &ux, &uy);
  if (x != NULL)
    *x = ux * size;
  if (y != NULL)
    *y = uy * size;
}

void
amap_projection_pixels_to_location (double  x,
                                    double  y,
                                    double  zoom,
                                    double *latitude,
                                    double *longitude)
{
  double size = amap_projection_get_map_size (zoom);
  double ux = x / size;
  double uy = y / size;

  if (longitude != NULL)
    *longitude = CLAMP (ux * 360.0 - 180.0, -180.0, 180.0);
  if (latitude != NULL)
    {
      double lat = atan (sinh (G_PI * (1.0 - 2.0 * uy))) * 180.0 / G_PI;
      *latitude = CLAMP (lat, -AMAP_PROJECTION_MAX_LATITUDE, AMAP_PROJECTION_MAX_LATITUDE);
    }
}

double
amap_projection_meters_per_pixel (double latitude,
                                  double zoom)
{
  double lat_rad;

  latitude = CLAMP (latitude, -AMAP_PROJECTION_MAX_LATITUDE, AMAP_PROJECTION_MAX_LATITUDE);
  lat_rad = latitude * G_PI / 180.0;

  return cos (lat_rad) * 2.0 * G_PI * AMAP_PROJECTION_EARTH_RADIUS
         / amap_projection_get_map_size (zoom);
}

double
amap_projection_zoom_for_bounds (double south,
                                 double west,
                                 double north,
                                 double east,
                                 double width,
                                 double height,
                                 double padding,
                                 double max_zoom)
{
  double x0, y0, x1, y1;
  double span_x, span_y;
  double avail_x = MAX (width - 2 * padding, 1.0);
  double avail_y = MAX (height - 2 * padding, 1.0);
  double zoom_x, zoom_y, zoom;

  /* Spans in the unit square, so the zoom follows from one log2. */
  amap_projection_location_to_unit (north, west, &x0, &y0);
  amap_projection_location_to_unit (south, east, &x1, &y1);
  span_x = fabs (x1 - x0);
  span_y = fabs (y1 - y0);

  zoom_x = span_x > 0 ? log2 (avail_x / (span_x * AMAP_PROJECTION_TILE_SIZE)) : max_zoom;
  zoom_y = span_y > 0 ? log2 (avail_y / (span_y * AMAP_PROJECTION_TILE_SIZE)) : max_zoom;
  zoom = MIN (zoom_x, zoom_y);

  return CLAMP (zoom, 0.0, max_zoom);
}
