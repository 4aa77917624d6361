/* amap-tour-settings-row.h: a tour's departure, return, start, end,
 * speed and buses, in one expander row of the tour panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-map-view.h"
#include "amap-store.h"
#include "amap-tour-plan.h"

G_BEGIN_DECLS

#define AMAP_TYPE_TOUR_SETTINGS_ROW (amap_tour_settings_row_get_type ())
G_DECLARE_FINAL_TYPE (AmapTourSettingsRow, amap_tour_settings_row, AMAP, TOUR_SETTINGS_ROW, AdwExpanderRow)

/*
 * The row's subtitle sums the settings up ("Wednesday, December 2 at 08:30
 * from …"); expanded, it edits them. It stores nothing: a change is the
 * signal "edited" (AmapTour *tour: a changed copy), which the panel stores.
 * The start and the end are the school, a point (the map's centre when
 * chosen) or any located asset of the store.
 */
GtkWidget *amap_tour_settings_row_new            (void);
void       amap_tour_settings_row_set_context    (AmapTourSettingsRow *self,
                                                  AmapStore           *store,
                                                  AmapMapView         *map_view);
/* Shows @tour (the plan gives the default departure and the start's
 * name; may be NULL). */
void       amap_tour_settings_row_update         (AmapTourSettingsRow *self,
                                                  AmapTour            *tour,
                                                  AmapTourPlan        *plan);
/* The assets changed: list them again at the next update. */
void       amap_tour_settings_row_forget_places  (AmapTourSettingsRow *self);

G_END_DECLS
