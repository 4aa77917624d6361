/* amap-gpx-writer.h: a tour as GPX 1.1: a route (rte) of the start, the
 * stops in order and the end, and a track (trk) of the route's geometry,
 * one of each per bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-tour-plan.h"

G_BEGIN_DECLS

/* The namespace of our GPX extensions (the asset's uuid, the dwell time):
 * what lets a tour we wrote come back as the same stops. */
#define AMAP_GPX_NAMESPACE "https://github.com/assetmap/asset-map/gpx/1"

/*
 * Each rtept has the place's name, the stop's note (cmt), the address
 * (desc) and a type: "start", "stop" or "end"; stops carry
 * <extensions><amap:uuid>…</amap:uuid><amap:dwell>MINUTES</amap:dwell>
 * </extensions>; each rte has <amap:tour>NAME</amap:tour> and
 * <amap:bus>N</amap:bus>, so that the buses come back as one tour. With several buses, rte and trk are named
 * "TOUR — Bus N" and numbered from 1.
 */
gboolean amap_gpx_writer_write (AmapTourPlan   *plan,
                                GOutputStream  *stream,
                                GCancellable   *cancellable,
                                GError        **error);

G_END_DECLS
