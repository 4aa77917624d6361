/* amap-place-search.h: the map's search for addresses, places and
 * coordinates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "amap-geocoder.h"
#include "amap-map-view.h"

G_BEGIN_DECLS

#define AMAP_TYPE_PLACE_SEARCH (amap_place_search_get_type ())
G_DECLARE_FINAL_TYPE (AmapPlaceSearch, amap_place_search, AMAP, PLACE_SEARCH, GtkWidget)

/*
 * A search entry over the map. Enter (never typing alone) searches: text
 * that reads as coordinates (amap_coordinates_parse()) is a result at
 * once, anything else goes to the place search server of the
 * "place-search-url" setting. The results drop down under the entry;
 * choosing one centers the map on it with a marker and offers to set the
 * school there or add an asset there. A failure (offline, the server) is
 * a sentence in place of the results.
 *
 * Properties: "map-view" (AmapMapView, construct-only), "busy"
 * (read-only: a search is on its way), "chosen" (AmapPlace, read-only).
 * Signals (each with the chosen AmapPlace):
 *   "set-home"       "Set as School Location" was clicked
 *   "add-asset"      "Add Asset Here" was clicked
 *   "use-for-asset" (AmapPlace *place, const char *uuid)
 *                    the search came from an asset's "Find on Map" and its
 *                    "Use for …" button was clicked
 */
GtkWidget    *amap_place_search_new            (AmapMapView     *map_view);
/* Focuses the entry, its text selected. */
void          amap_place_search_focus          (AmapPlaceSearch *self);
/* As if @text were typed and Enter pressed. */
void          amap_place_search_search         (AmapPlaceSearch *self,
                                                const char      *text);
/* Searches for an asset's address: choosing a result then also offers to
 * use it as the location of the asset @uuid, called @name. */
void          amap_place_search_find_for_asset (AmapPlaceSearch *self,
                                                const char      *address,
                                                const char      *uuid,
                                                const char      *name);
/* Hides the results and the marker. */
void          amap_place_search_dismiss        (AmapPlaceSearch *self);
/* The results shown (AmapPlace), and choosing one as a click does. */
GListModel   *amap_place_search_get_results    (AmapPlaceSearch *self);
void          amap_place_search_choose         (AmapPlaceSearch *self,
                                                guint            position);
AmapPlace    *amap_place_search_get_chosen     (AmapPlaceSearch *self);
gboolean      amap_place_search_get_busy       (AmapPlaceSearch *self);
/* The sentence shown instead of (or above) results, NULL for none. */
const char   *amap_place_search_get_message    (AmapPlaceSearch *self);
/* The client the search uses (NULL when no server is set), for other
 * searches that should share its one-a-second pace. */
AmapGeocoder *amap_place_search_get_geocoder   (AmapPlaceSearch *self);

G_END_DECLS
