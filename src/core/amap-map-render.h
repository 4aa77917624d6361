/* amap-map-render.h: a map drawn with cairo, for print, PDF and PNG: base
 * map tiles from the disk cache where there are some, route lines,
 * numbered stops and places on top; readable without any tile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "amap-tour-plan.h"

G_BEGIN_DECLS

/* What a place marker shows. */
typedef enum
{
  AMAP_MAP_RENDER_PLACE_HOME,   /* the school: a house */
  AMAP_MAP_RENDER_PLACE_START,  /* where a tour starts: a flag */
  AMAP_MAP_RENDER_PLACE_END,    /* where it ends (not back at the start): a square */
} AmapMapRenderPlace;

#define AMAP_TYPE_MAP_RENDER (amap_map_render_get_type ())
G_DECLARE_FINAL_TYPE (AmapMapRender, amap_map_render, AMAP, MAP_RENDER, GObject)

/*
 * An AmapMapRender collects what to draw (lines, stops, places), fits
 * their bounds into the rectangle it is asked to draw and draws, in this
 * order: a light background, the cached tiles that cover the view (when
 * a tile directory is set), the lines, the places, the stops, a scale bar
 * and, when tiles were drawn, their attribution. It never downloads.
 *
 * Plain data and cairo only: safe to use in a worker thread (one object
 * per thread).
 */
AmapMapRender *amap_map_render_new              (void);

/* The colors of the buses of a tour ("#rrggbb"), the same on the map, the
 * itinerary and the exports; they repeat after a few buses. */
const char    *amap_map_render_get_bus_color    (guint          bus);

/* The directory of a tile cache laid out as ZOOM/X/Y.png, as
 * ShumateFileCache writes it; NULL (the default): no tiles. */
void           amap_map_render_set_tile_dir     (AmapMapRender *self,
                                                 const char    *dir);
const char    *amap_map_render_get_tile_dir     (AmapMapRender *self);
/* Where the app's tile source caches the tiles of @cache_key (e.g.
 * "osm-standard", as in amap-tile-source.c). */
char          *amap_map_render_dup_tile_dir     (const char    *cache_key);
/* Drawn in a corner when tiles were drawn (e.g. "© OpenStreetMap
 * contributors"). */
void           amap_map_render_set_attribution  (AmapMapRender *self,
                                                 const char    *text);

/* A line through @n_points points (@points: latitude, longitude pairs)
 * in @color ("#rrggbb"). */
void           amap_map_render_add_line         (AmapMapRender *self,
                                                 const double  *points,
                                                 guint          n_points,
                                                 const char    *color);
/* A stop: a circle in @color with @label (a number) inside. */
void           amap_map_render_add_stop         (AmapMapRender *self,
                                                 double         latitude,
                                                 double         longitude,
                                                 const char    *label,
                                                 const char    *color);
void           amap_map_render_add_place        (AmapMapRender      *self,
                                                 double              latitude,
                                                 double              longitude,
                                                 AmapMapRenderPlace  kind);
/* A tour's route as amap-tour-plan.h has it: the legs of @bus (or of every
 * bus when @bus is -1) as lines in the bus's color, its stops numbered
 * from 1, the start (the home marker when the tour starts at the map's
 * home, else a flag) and the end when it is elsewhere. */
void           amap_map_render_add_tour         (AmapMapRender *self,
                                                 AmapTourPlan  *plan,
                                                 int            bus);
/* Removes everything added (not the settings). */
void           amap_map_render_clear            (AmapMapRender *self);

/* Draws into the rectangle (0, 0, @width, @height) of @cr's user space,
 * clipped to it. Units are taken as points (1/72 inch) for the sizes of
 * markers and text. */
void           amap_map_render_draw             (AmapMapRender *self,
                                                 cairo_t       *cr,
                                                 double         width,
                                                 double         height);
/* Tiles drawn by the last amap_map_render_draw(). */
guint          amap_map_render_get_n_tiles_drawn (AmapMapRender *self);

/* A PNG of @width × @height pixels (drawn at 96 dpi: a point is 4/3
 * pixels), written beside the file and renamed into place. */
gboolean       amap_map_render_write_png        (AmapMapRender *self,
                                                 GFile         *file,
                                                 int            width,
                                                 int            height,
                                                 GError       **error);

G_END_DECLS
