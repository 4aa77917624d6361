/* amap-pin-render.h: one way a pin is drawn, on screen, on paper, in a PNG
 * and in a KMZ
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Pins closer than a grid cell (points or logical pixels) become one
 * badge, until street level, where every pin stands on its own. */
#define AMAP_PIN_RENDER_CELL_SIZE        44.0
#define AMAP_PIN_RENDER_CLUSTER_MAX_ZOOM 17.0

/* The space kept around a pin's drawing for its outline and shadow. */
#define AMAP_PIN_RENDER_MARGIN           4.0
/* The home marker's side. */
#define AMAP_PIN_RENDER_HOME_SIZE        30.0

/* The gray location pin of a category we do not know. */
#define AMAP_PIN_RENDER_FALLBACK_COLOR   "#5e5c64"
#define AMAP_PIN_RENDER_FALLBACK_ICON    "mark-location-symbolic"
/* A badge of pins of more than one category. */
#define AMAP_PIN_RENDER_MIXED_COLOR      "#3d3846"

typedef enum
{
  AMAP_PIN_STYLE_PLAIN    = 0,
  AMAP_PIN_STYLE_HUB      = 1 << 0,  /* a bigger pin with a ring */
  AMAP_PIN_STYLE_SELECTED = 1 << 1,  /* bigger, outlined in the accent color */
} AmapPinStyle;

/*
 * Sizes are in user units of the cairo context (logical pixels on screen,
 * points on paper). A pin is a teardrop: a head (a disc with the category's
 * symbolic icon in white) above a tip that touches the map.
 */

/* The pin's own size: @head, the diameter of its disc, and @height, from
 * the top of the disc to the tip. */
void             amap_pin_render_get_size        (AmapPinStyle  style,
                                                  double       *head,
                                                  double       *height);
/* The box an image of the pin needs: the pin and a margin all round. The
 * tip is at (@width / 2, @height - AMAP_PIN_RENDER_MARGIN). */
void             amap_pin_render_get_box         (AmapPinStyle  style,
                                                  double       *width,
                                                  double       *height);
/* Draws a pin whose tip is at (@tip_x, @tip_y), in @color ("#rrggbb"; gray
 * when invalid) with @icon_name (a symbolic icon name; the location pin
 * when NULL or not found). */
void             amap_pin_render_draw            (cairo_t      *cr,
                                                  double        tip_x,
                                                  double        tip_y,
                                                  const char   *color,
                                                  const char   *icon_name,
                                                  AmapPinStyle  style);
/* The home marker (the school) centred on (@x, @y). */
void             amap_pin_render_draw_home       (cairo_t      *cr,
                                                  double        x,
                                                  double        y);
/* The diameter of the badge of @count pins. */
double           amap_pin_render_cluster_diameter (guint        count);
/* A badge of @count pins centred on (@x, @y), in @color. */
void             amap_pin_render_draw_cluster    (cairo_t      *cr,
                                                  double        x,
                                                  double        y,
                                                  guint         count,
                                                  const char   *color);

/* An image of the pin, amap_pin_render_get_box() × @scale pixels. */
cairo_surface_t *amap_pin_render_create_surface  (const char   *color,
                                                  const char   *icon_name,
                                                  AmapPinStyle  style,
                                                  double        scale);
/* The same image as PNG bytes (RGBA, 8 bits). */
GBytes          *amap_pin_render_to_png          (const char   *color,
                                                  const char   *icon_name,
                                                  AmapPinStyle  style,
                                                  double        scale);

G_END_DECLS
