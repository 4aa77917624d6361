/* amap-tour-kml-writer.h: a tour as KML 2.2, the way Google My Maps
 * writes a directions layer: per bus a Folder holding the route as a
 * LineString, then the start, the numbered stops in order and the end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-tour-plan.h"

G_BEGIN_DECLS

/*
 * ExtendedData names on the placemarks, read back by amap-tour-import.c:
 * "tour_role" ("route", "start", "stop", "end"), "tour_stop" (the stop's
 * number, from 1), "asset_name" (the name without the number), "uuid" and
 * "category" (the asset's), "dwell_minutes" and "note"; the route line has
 * "tour_name" and "tour_bus" (from 1), so that the buses of one tour come
 * back as one tour. The Document carries
 * "asset_map_version" and "tour_buses".
 */
gboolean amap_tour_kml_writer_write (AmapTourPlan   *plan,
                                     GOutputStream  *stream,
                                     GCancellable   *cancellable,
                                     GError        **error);

G_END_DECLS
