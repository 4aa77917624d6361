/* amap-pin-render.c: one way a pin is drawn, on screen, on paper, in a PNG
 * and in a KMZ
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-pin-render"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "amap-category.h"
#include "amap-pin-render.h"
#include "amap-symbol.h"

#define PIN_HEAD       28.0
#define PIN_HEIGHT     38.0
#define HUB_HEAD       34.0
#define HUB_HEIGHT     46.0
#define SELECTED_SCALE 1.2
#define PIN_ICON       16.0
#define HUB_ICON       18.0

#define SELECTED_COLOR "#1c71d8"
#define HOME_COLOR     "#241f31"
#define FONT_FAMILY    "Cantarell, Noto Sans, DejaVu Sans, sans-serif"

typedef struct
{
  double r, g, b;
} Rgb;

static Rgb
parse_color (const char *color)
{
  Rgb rgb;
  guint value = 0;

  if (!amap_color_is_valid (color) || sscanf (color + 1, "%6x", &value) != 1)
    sscanf (AMAP_PIN_RENDER_FALLBACK_COLOR + 1, "%6x", &value);

  rgb.r = ((value >> 16) & 0xff) / 255.0;
  rgb.g = ((value >> 8) & 0xff) / 255.0;
  rgb.b = (value & 0xff) / 255.0;
  return rgb;
}

/* The teardrop: a disc of diameter @head whose two tangents meet at the
 * tip, @height below the top. (cx, top) is the middle of the top edge. */
static void
pin_path (cairo_t *cr,
          double   cx,
          double   top,
          double   head,
          double   height)
{
  double r = head / 2;
  double cy = top + r;
  double d = height - r;      /* centre to tip */
  double alpha = acos (r / d);

  cairo_new_path (cr);
  cairo_move_to (cr, cx, top + height);
  cairo_arc (cr, cx, cy, r, G_PI / 2 + alpha, 2 * G_PI + G_PI / 2 - alpha);
  cairo_close_path (cr);
}

static void
draw_symbol (cairo_t    *cr,
             const char *icon_name,
             double      x,
             double      y,
             double      size)
{
  if (!amap_symbol_draw (cr, icon_name, x, y, size, 1, 1, 1, 1)
      && !amap_symbol_draw (cr, AMAP_PIN_RENDER_FALLBACK_ICON, x, y, size, 1, 1, 1, 1))
    {
      /* No icon theme at all: a white dot still reads as a pin. */
      cairo_new_path (cr);
      cairo_arc (cr, x + size / 2, y + size / 2, size / 5, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill (cr);
    }
}

/* Public API */

void
amap_pin_render_get_size (AmapPinStyle  style,
                          double       *head,
                          double       *height)
{
  double scale = (style & AMAP_PIN_STYLE_SELECTED) ? SELECTED_SCALE : 1.0;
  gboolean hub = (style & AMAP_PIN_STYLE_HUB) != 0;

  if (head != NULL)
    *head = (hub ? HUB_HEAD : PIN_HEAD) * scale;
  if (height != NULL)
    *height = (hub ? HUB_HEIGHT : PIN_HEIGHT) * scale;
}

void
amap_pin_render_get_box (AmapPinStyle  style,
                         double       *width,
                         double       *height)
{
  double head, pin_height;

  amap_pin_render_get_size (style, &head, &pin_height);
  if (width != NULL)
    *width = ceil (head + 2 * AMAP_PIN_RENDER_MARGIN);
  if (height != NULL)
    *height = ceil (pin_height + 2 * AMAP_PIN_RENDER_MARGIN);
}

void
amap_pin_render_draw (cairo_t      *cr,
                      double        tip_x,
                      double        tip_y,
                      const char   *color,
                      const char   *icon_name,
                      AmapPinStyle  style)
{
  gboolean hub = (style & AMAP_PIN_STYLE_HUB) != 0;
  gboolean selected = (style & AMAP_PIN_STYLE_SELECTED) != 0;
  double head, height, top, icon_size;
  Rgb fill = parse_color (color);

  g_return_if_fail (cr != NULL);

  amap_pin_render_get_size (style, &head, &height);
  top = tip_y - height;

  cairo_save (cr);

  /* A soft shadow lifts the pin off busy tiles. */
  cairo_save (cr);
  cairo_translate (cr, 0, 1.5);
  pin_path (cr, tip_x, top, head, height);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.28);
  cairo_set_line_width (cr, 2.5);
  cairo_stroke_preserve (cr);
  cairo_fill (cr);
  cairo_restore (cr);

  pin_path (cr, tip_x, top, head, height);
  cairo_set_source_rgb (cr, fill.r, fill.g, fill.b);
  cairo_fill_preserve (cr);
  if (selected)
    {
      Rgb accent = parse_color (SELECTED_COLOR);

      cairo_set_source_rgb (cr, accent.r, accent.g, accent.b);
      cairo_set_line_width (cr, 3.5);
    }
  else
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
    }
  cairo_stroke (cr);

  if (hub)
    {
      /* Hubs: a white ring inside the head, so they read as "centres". */
      cairo_new_path (cr);
      cairo_arc (cr, tip_x, top + head / 2, head / 2 - 4, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }

  icon_size = hub ? HUB_ICON : PIN_ICON;
  if (selected)
    icon_size = round (icon_size * SELECTED_SCALE);
  draw_symbol (cr, icon_name != NULL ? icon_name : AMAP_PIN_RENDER_FALLBACK_ICON,
               tip_x - icon_size / 2, top + head / 2 - icon_size / 2, icon_size);

  cairo_restore (cr);
}

void
amap_pin_render_draw_home (cairo_t *cr,
                           double   cx,
                           double   cy)
{
  double size = AMAP_PIN_RENDER_HOME_SIZE;
  double x = cx - size / 2, y = cy - size / 2, r = 7;
  Rgb color = parse_color (HOME_COLOR);

  g_return_if_fail (cr != NULL);

  cairo_save (cr);

  /* A rounded square, unlike any pin: the school is where tours start. */
  for (int pass = 0; pass < 2; pass++)
    {
      double dy = pass == 0 ? 1.5 : 0;

      cairo_new_path (cr);
      cairo_new_sub_path (cr);
      cairo_arc (cr, x + size - r, y + dy + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x + size - r, y + dy + size - r, r, 0, G_PI / 2);
      cairo_arc (cr, x + r, y + dy + size - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x + r, y + dy + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      if (pass == 0)
        {
          cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
          cairo_fill (cr);
        }
    }
  cairo_set_source_rgb (cr, color.r, color.g, color.b);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);

  draw_symbol (cr, "go-home-symbolic", cx - 9, cy - 9, 18);

  cairo_restore (cr);
}

double
amap_pin_render_cluster_diameter (guint count)
{
  if (count < 10)
    return 30;
  if (count < 100)
    return 36;
  if (count < 1000)
    return 42;
  return 48;
}

void
amap_pin_render_draw_cluster (cairo_t    *cr,
                              double      x,
                              double      y,
                              guint       count,
                              const char *color)
{
  double d = amap_pin_render_cluster_diameter (count);
  Rgb fill = parse_color (amap_color_is_valid (color) ? color : AMAP_PIN_RENDER_MIXED_COLOR);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  g_autofree char *text = NULL;
  PangoRectangle logical;

  g_return_if_fail (cr != NULL);

  cairo_save (cr);

  /* A translucent halo says "more than one here". */
  cairo_new_path (cr);
  cairo_arc (cr, x, y, d / 2 + 5, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, fill.r, fill.g, fill.b, 0.3);
  cairo_fill (cr);

  cairo_arc (cr, x, y, d / 2, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, fill.r, fill.g, fill.b);
  cairo_fill (cr);
  cairo_arc (cr, x, y, d / 2 - 1.25, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2.5);
  cairo_stroke (cr);

  text = g_strdup_printf ("%u", count);
  layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), 72);
  pango_layout_context_changed (layout);
  font = pango_font_description_from_string (FONT_FAMILY);
  pango_font_description_set_absolute_size (font, 14 * PANGO_SCALE);
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  cairo_move_to (cr, x - logical.width / 2.0, y - logical.height / 2.0);
  pango_cairo_show_layout (cr, layout);

  cairo_restore (cr);
}

cairo_surface_t *
amap_pin_render_create_surface (const char   *color,
                                const char   *icon_name,
                                AmapPinStyle  style,
                                double        scale)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;

  g_return_val_if_fail (scale > 0 && scale <= 64, NULL);

  amap_pin_render_get_box (style, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        (int) ceil (width * scale), (int) ceil (height * scale));
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  amap_pin_render_draw (cr, width / 2, height - AMAP_PIN_RENDER_MARGIN, color, icon_name, style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static cairo_status_t
append_png_cb (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
amap_pin_render_to_png (const char   *color,
                        const char   *icon_name,
                        AmapPinStyle  style,
                        double        scale)
{
  cairo_surface_t *surface = amap_pin_render_create_surface (color, icon_name, style, scale);
  GByteArray *png = g_byte_array_new ();
  cairo_status_t status;

  status = cairo_surface_write_to_png_stream (surface, append_png_cb, png);
  cairo_surface_destroy (surface);
  /* Writing to memory fails only when memory does. */
  if (status != CAIRO_STATUS_SUCCESS)
    g_error ("Could not encode a pin as PNG: %s", cairo_status_to_string (status));

  return g_byte_array_free_to_bytes (png);
}
