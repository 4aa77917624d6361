/* amap-map-print.h: the window's map as an image and on paper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "amap-map-render.h"
#include "amap-map-view.h"
#include "amap-window.h"

G_BEGIN_DECLS

/* Sizes the image export offers, in pixels. */
#define AMAP_MAP_IMAGE_HD_WIDTH     1920
#define AMAP_MAP_IMAGE_HD_HEIGHT    1080
/* A4 (210 × 297 mm) at 150 dpi. */
#define AMAP_MAP_IMAGE_A4_LONG      1754
#define AMAP_MAP_IMAGE_A4_SHORT     1240
#define AMAP_MAP_IMAGE_MAX_SIDE     10000

/* Called from AmapWindow's class_init: installs win.export-image ("Export
 * Map as Image…": a size, then a file) and win.print-map ("Print Map…");
 * for tests, win.export-image-to ((sii): a path, width, height) and
 * win.print-map-to (s: a PDF path) do the same without a dialog. */
void           amap_map_print_class_init      (GtkWidgetClass *widget_class);

/* A render of what @view shows: the assets of its model (with their
 * categories from @store) and the school, the area in view (every asset
 * when the view has no size yet), the tiles of the base map the settings
 * choose (the tile cache or the offline MBTiles file). */
AmapMapRender *amap_map_print_create_render   (AmapMapView    *view,
                                               AmapStore      *store);

/* A printed page of @width × @height points: @title and @date on top, the
 * map (with its legend, scale and attribution) below. */
void           amap_map_print_draw_page       (cairo_t        *cr,
                                               double          width,
                                               double          height,
                                               AmapMapRender  *render,
                                               const char     *title,
                                               GDateTime      *date);

/* A print operation of one page, landscape or portrait as the map is
 * wider or taller. */
GtkPrintOperation *amap_map_print_operation_new (AmapMapRender *render,
                                                 const char    *title,
                                                 gboolean       landscape);

G_END_DECLS
