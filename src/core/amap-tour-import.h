/* amap-tour-import.h: routes in KML, KMZ and GPX files imported as tours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-store.h"

G_BEGIN_DECLS

/*
 * What becomes a tour:
 *  - in KML or KMZ, each Folder (or the Document outside any Folder) that
 *    holds a route line (LineString) and at least two points, and nothing
 *    else with a shape: our own tour export (amap-tour-kml-writer.h) and
 *    the directions layers of Google My Maps ("Directions from A to B":
 *    the route line, then its waypoints in order);
 *  - in GPX, each rte with at least two rtept.
 * The points in order are the start, the stops and the end (ours say
 * which is which). A start or end within a few metres of the map's home
 * becomes the home; an end at the start, "back at the start". Every other
 * point becomes an asset (the same asset again when the file is ours and
 * it is still in the map, or when the same file is imported again) and a
 * stop; dwell times and notes come along from our own files.
 *
 * Everything is one batch (one transaction): assets and tours, or nothing.
 * Returns the new tours (AmapTour, stored, with their ids), in file order.
 * A file with no route fails with AMAP_ERROR_UNSUPPORTED; reading errors
 * are those of the KML and GPX readers. Names of tours already in the map
 * get a number ("Staff tour 2").
 */
GPtrArray *amap_tour_import_file (AmapStore     *store,
                                  GFile         *file,
                                  const char    *default_category,
                                  GCancellable  *cancellable,
                                  GError       **error);

/* In a worker thread, with the caller's undo history: amap_import_file_async()
 * imports a file's routes as tours too (amap-import.h). */

G_END_DECLS
