/* amap-tour-export.h: a tour to a .kml, .gpx or .pdf file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-tour-plan.h"

G_BEGIN_DECLS

typedef enum
{
  AMAP_TOUR_FORMAT_KML,
  AMAP_TOUR_FORMAT_GPX,
  AMAP_TOUR_FORMAT_PDF,  /* the itinerary */
} AmapTourFormat;

/* The format a file name asks for (".kml", ".gpx", ".pdf", any case);
 * FALSE for any other name. */
gboolean amap_tour_export_format_for_file (GFile          *file,
                                           AmapTourFormat *format);

/* Writes @plan's tour to @file in @format: KML (amap-tour-kml-writer.h),
 * GPX (amap-gpx-writer.h) or the itinerary as PDF on the locale's paper
 * (with cached tiles from @tile_dir, may be NULL, credited with
 * @attribution; NULL: OpenStreetMap's). The file is written
 * beside the target and renamed into place at the end, so a failed or
 * cancelled export leaves an existing file untouched. Errors name the
 * file. */
gboolean amap_tour_export_file            (AmapTourPlan   *plan,
                                           GFile          *file,
                                           AmapTourFormat  format,
                                           const char     *tile_dir,
                                           const char     *attribution,
                                           GCancellable   *cancellable,
                                           GError        **error);

/* The same in a worker thread. A plan does not change once made, so the
 * worker reads it while the caller goes on (the store may change
 * meanwhile). */
void     amap_tour_export_file_async      (AmapTourPlan        *plan,
                                           GFile               *file,
                                           AmapTourFormat       format,
                                           const char          *tile_dir,
                                           const char          *attribution,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean amap_tour_export_file_finish     (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
