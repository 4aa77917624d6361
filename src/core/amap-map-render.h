/* amap-map-render.h: a map drawn with cairo, for print, PDF and PNG: base
 * map tiles from the disk cache or an MBTiles file where there are some,
 * asset shapes and pins as the window draws them, route lines, numbered
 * stops and places on top, a legend, a scale bar and the attribution;
 * readable without any tile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "amap-category.h"
#include "amap-mbtiles.h"
#include "amap-store.h"
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
 * An AmapMapRender collects what to draw (assets, lines, stops, places),
 * fits their bounds (or the bounds it is given) into the rectangle it is
 * asked to draw and draws, in this order: a light background, the tiles
 * that cover the view (from an MBTiles file or a tile directory, when one
 * is set), asset shapes, lines, places, stops, asset pins (clustered as on
 * screen, amap-pin-render.h), the legend of the categories on the map with
 * their counts, a scale bar and, when tiles were drawn, their attribution.
 * It never downloads.
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
/* Tiles from @mbtiles (kept; NULL: none) instead of the tile directory.
 * Its zoom range is honoured; a deeper view enlarges its deepest tiles.
 * Its attribution is drawn unless one is set. */
void           amap_map_render_set_mbtiles      (AmapMapRender *self,
                                                 AmapMbtiles   *mbtiles);
AmapMbtiles   *amap_map_render_get_mbtiles      (AmapMapRender *self);
/* Drawn in a corner when tiles were drawn (e.g. "© OpenStreetMap
 * contributors"); HTML tags in it are dropped. */
void           amap_map_render_set_attribution  (AmapMapRender *self,
                                                 const char    *text);

/* The area to show (degrees), fitted into the drawing whole, the rest of
 * the drawing filled around it; NAN (or an empty box): fit what was
 * added. */
void           amap_map_render_set_bounds       (AmapMapRender *self,
                                                 double         west,
                                                 double         south,
                                                 double         east,
                                                 double         north);
gboolean       amap_map_render_bounds_are_valid (double         west,
                                                 double         south,
                                                 double         east,
                                                 double         north);
/* The school, drawn as the window's home marker (not framed: it shows
 * when it is in the area drawn). */
void           amap_map_render_set_home         (AmapMapRender *self,
                                                 gboolean       has_home,
                                                 double         latitude,
                                                 double         longitude);
/* TRUE by default: the legend shows when there are assets on the map. */
void           amap_map_render_set_show_legend  (AmapMapRender *self,
                                                 gboolean       show_legend);

/* An asset: its pin (where it has a location) and its shape, in the
 * color and symbol of @category (NULL: the built-in of its key, else a
 * gray pin). */
void           amap_map_render_add_asset        (AmapMapRender *self,
                                                 AmapAsset     *asset,
                                                 AmapCategory  *category);
/* Each of @assets (AmapAsset) with its category from @store (may be NULL). */
void           amap_map_render_add_assets       (AmapMapRender *self,
                                                 GPtrArray     *assets,
                                                 AmapStore     *store);

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
/* Removes everything added (not the settings: tiles, bounds, legend). */
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
/* Assets drawn by it as pins or inside badges. */
guint          amap_map_render_get_n_pins_drawn (AmapMapRender *self);
/* Categories in its legend. */
guint          amap_map_render_get_n_categories_shown (AmapMapRender *self);
/* Where it drew the legend (user units of its cairo context, from the
 * drawing's top-left); FALSE when it drew none. */
gboolean       amap_map_render_get_legend_area  (AmapMapRender     *self,
                                                 cairo_rectangle_t *area);

/* A PNG of @width × @height pixels (drawn at 96 dpi: a point is 4/3
 * pixels), written beside the file and renamed into place. */
gboolean       amap_map_render_write_png        (AmapMapRender *self,
                                                 GFile         *file,
                                                 int            width,
                                                 int            height,
                                                 GError       **error);

G_END_DECLS
