/* amap-itinerary.h: the pages of a tour's itinerary, laid out with pango
 * and drawn with cairo: for GtkPrintOperation in the window and for the
 * PDF of the command line, one document for both
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "amap-tour-plan.h"

G_BEGIN_DECLS

#define AMAP_TYPE_ITINERARY (amap_itinerary_get_type ())
G_DECLARE_FINAL_TYPE (AmapItinerary, amap_itinerary, AMAP, ITINERARY, GObject)

/*
 * For each bus of the tour: a first page with the tour's name and date, a
 * map of the bus's route with its numbered stops, the totals (distance,
 * driving time, tour length, departure and return; a warning when the
 * bus is back after the latest return) and the schedule at a glance; then
 * each stop in order: arrival and departure, name, address, the key
 * leaders to meet, what the partner offers and needs, and the talking
 * points (the stop's note). Long texts wrap and flow on to the next page.
 * Every page has a footer with the tour's name and "Page N of M".
 *
 * Sizes are in points (1/72 inch): with GtkPrintOperation, set its unit to
 * GTK_UNIT_POINTS and pass gtk_print_context_get_width()/_height() to
 * amap_itinerary_paginate() in "begin-print", then call
 * amap_itinerary_draw_page() from "draw-page" with the context's cairo_t.
 * The text is measured at 72 dpi without metric hinting, so the pages are
 * the same on any surface.
 */

/* Everything the itinerary shows is copied from @plan (assets, times,
 * legs) here: the store may change afterwards. */
AmapItinerary *amap_itinerary_new               (AmapTourPlan  *plan);

/* Where the map finds cached tiles (see amap_map_render_set_tile_dir());
 * NULL (the default): no tiles. @attribution is printed with them. Call
 * before amap_itinerary_paginate(). */
void           amap_itinerary_set_tiles         (AmapItinerary *self,
                                                 const char    *tile_dir,
                                                 const char    *attribution);

/* The paper of the user's locale (LC_PAPER: A4 or US Letter), in points. */
void           amap_itinerary_get_default_page_size (double    *width,
                                                     double    *height);

/* Lays the document out on pages of @width × @height points (margins
 * included) and returns the number of pages (at least 1). */
guint          amap_itinerary_paginate          (AmapItinerary *self,
                                                 double         width,
                                                 double         height);
/* The number of pages of the last amap_itinerary_paginate(). */
guint          amap_itinerary_get_n_pages       (AmapItinerary *self);
/* Draws page @page (0-based) into @cr, whose user space is the page in
 * points, (0, 0) at its top left. */
void           amap_itinerary_draw_page         (AmapItinerary *self,
                                                 cairo_t       *cr,
                                                 guint          page);

/* The whole itinerary as a PDF on pages of @width × @height points (<= 0:
 * the default page size) to @stream (not closed). For a file, use
 * amap_tour_export_file(), which writes beside it and renames. */
gboolean       amap_itinerary_write_pdf         (AmapItinerary *self,
                                                 GOutputStream *stream,
                                                 double         width,
                                                 double         height,
                                                 GCancellable  *cancellable,
                                                 GError       **error);

G_END_DECLS
