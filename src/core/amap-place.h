/* amap-place.h: a place found by place search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AMAP_TYPE_PLACE (amap_place_get_type ())
G_DECLARE_FINAL_TYPE (AmapPlace, amap_place, AMAP, PLACE, GObject)

/*
 * A result of place search (AmapGeocoder) or a point typed as
 * coordinates. Properties, all read-only and fixed at construction:
 *   "display-name"  the whole name, "Fruitvale Station, 3401, East 12th Street, Oakland, …"
 *   "title"         its first part ("Fruitvale Station")
 *   "subtitle"      the rest, or NULL
 *   "latitude", "longitude"  WGS84 degrees
 *   "is-coordinates"  TRUE for a point typed as coordinates (no server asked)
 * and from getters: Nominatim's category and type ("railway", "station";
 * NULL when unknown), its 0..1 importance, the bounding box.
 */
AmapPlace  *amap_place_new                (const char *display_name,
                                           double      latitude,
                                           double      longitude);
AmapPlace  *amap_place_new_for_coordinates (double     latitude,
                                            double     longitude);

const char *amap_place_get_display_name   (AmapPlace  *self);
const char *amap_place_get_title          (AmapPlace  *self);
const char *amap_place_get_subtitle       (AmapPlace  *self);
double      amap_place_get_latitude       (AmapPlace  *self);
double      amap_place_get_longitude      (AmapPlace  *self);
const char *amap_place_get_category       (AmapPlace  *self);
const char *amap_place_get_kind           (AmapPlace  *self);
double      amap_place_get_importance     (AmapPlace  *self);
gboolean    amap_place_get_is_coordinates (AmapPlace  *self);
/* The box the place covers, in degrees; FALSE when the server gave none. */
gboolean    amap_place_get_bounds         (AmapPlace  *self,
                                           double     *south,
                                           double     *west,
                                           double     *north,
                                           double     *east);

/* For the geocoder, while it builds a place. */
void        amap_place_set_kind           (AmapPlace  *self,
                                           const char *category,
                                           const char *kind);
void        amap_place_set_importance     (AmapPlace  *self,
                                           double      importance);
void        amap_place_set_bounds         (AmapPlace  *self,
                                           double      south,
                                           double      west,
                                           double      north,
                                           double      east);

G_END_DECLS
