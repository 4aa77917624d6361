/* amap-sample-tour.h: the tour that comes with the sample neighborhood
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-store.h"

G_BEGIN_DECLS

/* Adds "Staff welcome tour" (eight stops of data/samples/fruitvale.kml,
 * with their talking points, leaving on the next weekday at 08:30) to a
 * map that holds the imported sample, so that a new user sees what a tour
 * is; one undo step ("Undo Add Tour “Staff welcome tour”"), like the
 * sample's import before it. Does nothing and returns TRUE when the map
 * has a tour of that name already; stops whose asset is not in the map are
 * left out. */
gboolean amap_sample_tour_add (AmapStore  *store,
                               GError    **error);

G_END_DECLS
