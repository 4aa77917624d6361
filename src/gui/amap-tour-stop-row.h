/* amap-tour-stop-row.h: one stop of a tour in the tour panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-tour.h"

G_BEGIN_DECLS

#define AMAP_TYPE_TOUR_STOP_ROW (amap_tour_stop_row_get_type ())
G_DECLARE_FINAL_TYPE (AmapTourStopRow, amap_tour_stop_row, AMAP, TOUR_STOP_ROW, AdwActionRow)

/*
 * A row with the stop's number in its bus's color, its name and times,
 * and a button that opens the stop's details: the time spent there, the
 * bus that makes it, the talking points, and Remove.
 *
 * Signals (the panel stores the change; the row only reports it):
 *   "dwell-changed" (int minutes)
 *   "note-changed" (const char *note)  typing pauses, or the popover closes
 *   "bus-changed" (guint bus)
 *   "remove-requested" ()
 */
GtkWidget  *amap_tour_stop_row_new            (void);

/* @index is the stop's index in the tour, @number its number on its bus
 * (from 1); @times a line like "09:12–09:27 · 15 min here"; @tooltip
 * the drive there and the talking points. The note is only replaced while
 * the user is not editing it. */
void        amap_tour_stop_row_update         (AmapTourStopRow *self,
                                               AmapTourStop    *stop,
                                               guint            index,
                                               guint            number,
                                               guint            n_buses,
                                               const char      *name,
                                               const char      *times,
                                               const char      *tooltip);
guint       amap_tour_stop_row_get_index      (AmapTourStopRow *self);
guint       amap_tour_stop_row_get_bus        (AmapTourStopRow *self);
const char *amap_tour_stop_row_get_uuid       (AmapTourStopRow *self);
/* Opens the details popover (for the keyboard: Enter on the row). */
void        amap_tour_stop_row_edit           (AmapTourStopRow *self);
/* Commits a note still being typed ("note-changed"). */
void        amap_tour_stop_row_flush          (AmapTourStopRow *self);

G_END_DECLS
