/* amap-tour-panel.h: the sidebar's Tours page: plan a bus tour on the map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-map-view.h"
#include "amap-store.h"
#include "amap-tour-plan.h"

G_BEGIN_DECLS

#define AMAP_TYPE_TOUR_PANEL (amap_tour_panel_get_type ())
G_DECLARE_FINAL_TYPE (AmapTourPanel, amap_tour_panel, AMAP, TOUR_PANEL, AdwBin)

/*
 * The tours of a map: a chooser (new, rename, duplicate, delete), the
 * chosen tour's settings, its stops per bus with their times, the totals,
 * a warning when a bus is late, and how the legs were routed. Every
 * change goes through amap_store_update_tour() with an undo name. The
 * panel draws its tour on "map-view" and follows its selection.
 *
 * Properties: "store" (AmapStore, construct-only), "map-view" (AmapMapView,
 * construct-only), "tour-id" (gint64, 0: none), "picking" (boolean: clicks
 * on pins add stops), "busy" (boolean, read-only: optimizing).
 *
 * Actions (prefix "tour."): new, rename, duplicate, delete, pick-stops,
 * stop-picking, optimize, reverse, split, move-up (Alt+Up), move-down
 * (Alt+Down), remove-stop (Delete). Print and export are the window's
 * (amap-window-tours.c).
 *
 * Settings: routing-url, detour-factor.
 */
GtkWidget    *amap_tour_panel_new             (AmapStore     *store,
                                               AmapMapView   *map_view);
gint64        amap_tour_panel_get_tour_id     (AmapTourPanel *self);
void          amap_tour_panel_set_tour_id     (AmapTourPanel *self,
                                               gint64         tour_id);
/* The tour shown, as of the last change, and its plan (brought up to
 * date first when a change is waiting to be shown); transfer none, NULL
 * when there is none. */
AmapTour     *amap_tour_panel_get_tour        (AmapTourPanel *self);
AmapTourPlan *amap_tour_panel_get_plan        (AmapTourPanel *self);

/* Adds the assets of @uuids (NULL-terminated) at the end of the tour as
 * one undo step, making a tour first when there is none. Assets already on
 * the tour or without a location are left out, with a toast that says so.
 * Returns how many were added. */
guint         amap_tour_panel_add_stops       (AmapTourPanel      *self,
                                               const char * const *uuids);

gboolean      amap_tour_panel_get_picking     (AmapTourPanel *self);
void          amap_tour_panel_set_picking     (AmapTourPanel *self,
                                               gboolean       picking);
gboolean      amap_tour_panel_get_busy        (AmapTourPanel *self);

/* "Click pins to add them to …" with Done: the window puts it over the
 * map. Transfer none. */
GtkWidget    *amap_tour_panel_get_map_hint    (AmapTourPanel *self);

/* What the panel says, for tests: the totals (two lines), the late
 * warning (NULL when every bus is back in time), the routing status. */
char         *amap_tour_panel_dup_totals      (AmapTourPanel *self);
const char   *amap_tour_panel_get_late_warning (AmapTourPanel *self);
const char   *amap_tour_panel_get_routing_status (AmapTourPanel *self);

G_END_DECLS
