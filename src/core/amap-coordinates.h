/* amap-coordinates.h: coordinates as people type and paste them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Reads a point from what a person typed or pasted:
 *   decimal degrees    "37.7775, -122.2236", "37.7775 -122.2236",
 *                      "37.7775 N 122.2236 W", "N 37.7775, W 122.2236"
 *   degrees, minutes   "37°46'39\"N 122°13'25\"W", "37° 46′ 39″ N, 122° 13′ 25″ W",
 *   (and seconds)      "37°46.65'N 122°13.42'W"
 *   a geo: URI         "geo:37.7775,-122.2236;u=35" (RFC 5870), "geo:0,0?q=37.7775,-122.2236"
 *   a map link         Google Maps (".../@37.7775,-122.2236,17z", "?q=37.7775,-122.2236",
 *                      "ll=", "!3d37.7775!4d-122.2236"), OpenStreetMap ("#map=17/37.7775/-122.2236",
 *                      "?mlat=37.7775&mlon=-122.2236")
 * Latitude comes first unless hemisphere letters say otherwise.
 * Anything else, and values off the Earth (latitude beyond ±90, longitude
 * beyond ±180, minutes or seconds of 60 or more), is not a point: FALSE.
 * @zoom (nullable) gets the link's zoom level, NAN when it has none.
 */
gboolean amap_coordinates_parse      (const char *text,
                                      double     *latitude,
                                      double     *longitude,
                                      double     *zoom);

/* TRUE when @text is a link (http, https or geo:): text that is not an
 * address, whether or not it holds coordinates. */
gboolean amap_coordinates_is_link    (const char *text);

G_END_DECLS
