/* amap-map-render.c: a map drawn with cairo, for print, PDF and PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-map-render"

#include "config.h"

#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "amap-error.h"
#include "amap-map-render.h"
#include "amap-projection.h"

/* Sizes in points. */
#define STOP_RADIUS      8.5
#define PLACE_RADIUS     9.5
#define LINE_WIDTH       3.0
#define LINE_CASING      2.0
#define FIT_PADDING      22.0
#define MAX_ZOOM         17.0
#define SINGLE_ZOOM      15.0
#define MAX_TILE_ZOOM    19
/* Lower zoom levels drawn under the best one, to fill its holes. */
#define FALLBACK_LEVELS  2
#define MAX_TILES_PER_LEVEL 600
#define FONT_FAMILY      "Cantarell, Noto Sans, DejaVu Sans, sans-serif"

#define BACKGROUND_COLOR "#f3f1ec"
#define FRAME_COLOR      "#c0bfbc"
#define PLACE_COLOR      "#241f31"

typedef struct
{
  double r, g, b;
} Rgb;

typedef struct
{
  GArray *points;  /* double: latitude, longitude pairs */
  Rgb     color;
} Line;

typedef struct
{
  double  latitude;
  double  longitude;
  char   *label;
  Rgb     color;
} Stop;

typedef struct
{
  double             latitude;
  double             longitude;
  AmapMapRenderPlace kind;
} Place;

struct _AmapMapRender
{
  GObject  parent_instance;

  char    *tile_dir;
  char    *attribution;
  GArray  *lines;   /* Line */
  GArray  *stops;   /* Stop */
  GArray  *places;  /* Place */
  guint    n_tiles_drawn;
};

G_DEFINE_FINAL_TYPE (AmapMapRender, amap_map_render, G_TYPE_OBJECT)

/* The view: world unit coordinates (0..1, amap_projection_location_to_unit())
 * to points, and back. */
typedef struct
{
  double width;
  double height;
  double center_x;  /* unit */
  double center_y;
  double scale;     /* points per unit */
} View;

static const char * const bus_colors[] = {
  "#1c71d8",  /* blue */
  "#e66100",  /* orange */
  "#813d9c",  /* purple */
  "#26a269",  /* green */
  "#c01c28",  /* red */
  "#865e3c",  /* brown */
  "#0e7f86",  /* teal */
  "#5e5c64",  /* slate */
};

static Rgb
parse_color (const char *color)
{
  Rgb rgb = { 0.11, 0.44, 0.85 };
  guint value;

  if (color != NULL && color[0] == '#' && strlen (color) == 7
      && sscanf (color + 1, "%6x", &value) == 1)
    {
      rgb.r = ((value >> 16) & 0xff) / 255.0;
      rgb.g = ((value >> 8) & 0xff) / 255.0;
      rgb.b = (value & 0xff) / 255.0;
    }

  return rgb;
}

static void
set_source_hex (cairo_t    *cr,
                const char *color,
                double      alpha)
{
  Rgb rgb = parse_color (color);

  cairo_set_source_rgba (cr, rgb.r, rgb.g, rgb.b, alpha);
}

static void
line_clear (gpointer data)
{
  Line *line = data;

  g_clear_pointer (&line->points, g_array_unref);
}

static void
stop_clear (gpointer data)
{
  Stop *stop = data;

  g_clear_pointer (&stop->label, g_free);
}

/* The view */

static void
to_view (const View *view,
         double      latitude,
         double      longitude,
         double     *x,
         double     *y)
{
  double ux, uy;

  amap_projection_location_to_unit (latitude, longitude, &ux, &uy);
  *x = view->width / 2 + (ux - view->center_x) * view->scale;
  *y = view->height / 2 + (uy - view->center_y) * view->scale;
}

static void
extend (double *min_x,
        double *min_y,
        double *max_x,
        double *max_y,
        double  latitude,
        double  longitude)
{
  double x, y;

  if (!isfinite (latitude) || !isfinite (longitude))
    return;

  amap_projection_location_to_unit (latitude, longitude, &x, &y);
  *min_x = MIN (*min_x, x);
  *min_y = MIN (*min_y, y);
  *max_x = MAX (*max_x, x);
  *max_y = MAX (*max_y, y);
}

/* Fits everything added into @width × @height points. */
static View
fit_view (AmapMapRender *self,
          double         width,
          double         height)
{
  View view = { width, height, 0.5, 0.5, AMAP_PROJECTION_TILE_SIZE * exp2 (SINGLE_ZOOM) };
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE;
  double max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  double avail_w = MAX (width - 2 * FIT_PADDING, 1);
  double avail_h = MAX (height - 2 * FIT_PADDING, 1);
  double max_scale = AMAP_PROJECTION_TILE_SIZE * exp2 (MAX_ZOOM);

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = &g_array_index (self->lines, Line, i);

      for (guint j = 0; j + 1 < line->points->len; j += 2)
        extend (&min_x, &min_y, &max_x, &max_y,
                g_array_index (line->points, double, j),
                g_array_index (line->points, double, j + 1));
    }
  for (guint i = 0; i < self->stops->len; i++)
    {
      Stop *stop = &g_array_index (self->stops, Stop, i);

      extend (&min_x, &min_y, &max_x, &max_y, stop->latitude, stop->longitude);
    }
  for (guint i = 0; i < self->places->len; i++)
    {
      Place *place = &g_array_index (self->places, Place, i);

      extend (&min_x, &min_y, &max_x, &max_y, place->latitude, place->longitude);
    }

  if (min_x > max_x)
    return view;  /* nothing to show: the world's middle, empty */

  view.center_x = (min_x + max_x) / 2;
  view.center_y = (min_y + max_y) / 2;
  if (max_x - min_x > 0 || max_y - min_y > 0)
    view.scale = MIN (avail_w / MAX (max_x - min_x, 1e-12), avail_h / MAX (max_y - min_y, 1e-12));
  view.scale = MIN (view.scale, max_scale);
  /* Never zoomed out past the whole world. */
  view.scale = MAX (view.scale, MIN (width, height));

  return view;
}

/* Tiles */

static gboolean
draw_tile (AmapMapRender *self,
           cairo_t       *cr,
           const View    *view,
           int            zoom,
           int            x,
           int            y)
{
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  double n = exp2 (zoom);
  double size = view->scale / n;  /* points per tile */
  double left = view->width / 2 + (x / n - view->center_x) * view->scale;
  double top = view->height / 2 + (y / n - view->center_y) * view->scale;
  int tile_w, tile_h;

  {
    char zs[16], xs[16], ys[24];

    g_snprintf (zs, sizeof zs, "%d", zoom);
    g_snprintf (xs, sizeof xs, "%d", x);
    g_snprintf (ys, sizeof ys, "%d.png", y);
    path = g_build_filename (self->tile_dir, zs, xs, ys, NULL);
  }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;

  surface = cairo_image_surface_create_from_png (path);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      /* Not a PNG (a server that sends JPEG) or damaged: no tile. */
      g_debug ("Tile %s not drawn: %s", path,
               cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return FALSE;
    }

  tile_w = cairo_image_surface_get_width (surface);
  tile_h = cairo_image_surface_get_height (surface);
  if (tile_w <= 0 || tile_h <= 0)
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }

  cairo_save (cr);
  cairo_translate (cr, left, top);
  cairo_scale (cr, size / tile_w, size / tile_h);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  /* Pad, so that neighbouring tiles meet without a hairline between. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, tile_w, tile_h);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);

  return TRUE;
}

static guint
draw_tiles (AmapMapRender *self,
            cairo_t       *cr,
            const View    *view)
{
  double zoom_f = log2 (view->scale / AMAP_PROJECTION_TILE_SIZE);
  int best = CLAMP ((int) floor (zoom_f + 0.5), 0, MAX_TILE_ZOOM);
  guint drawn = 0;

  if (self->tile_dir == NULL || !g_file_test (self->tile_dir, G_FILE_TEST_IS_DIR))
    return 0;

  /* The lower levels first: where the best level has a hole, a blurrier
   * tile shows instead of the background. */
  for (int zoom = MAX (best - FALLBACK_LEVELS, 0); zoom <= best; zoom++)
    {
      double n = exp2 (zoom);
      double half_w = view->width / 2 / view->scale;
      double half_h = view->height / 2 / view->scale;
      int x0 = (int) floor ((view->center_x - half_w) * n);
      int x1 = (int) floor ((view->center_x + half_w) * n);
      int y0 = (int) floor ((view->center_y - half_h) * n);
      int y1 = (int) floor ((view->center_y + half_h) * n);
      int max = (int) n - 1;

      x0 = CLAMP (x0, 0, max);
      x1 = CLAMP (x1, 0, max);
      y0 = CLAMP (y0, 0, max);
      y1 = CLAMP (y1, 0, max);
      if ((gint64) (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES_PER_LEVEL)
        continue;

      for (int x = x0; x <= x1; x++)
        for (int y = y0; y <= y1; y++)
          if (draw_tile (self, cr, view, zoom, x, y) && zoom == best)
            drawn++;
    }

  return drawn;
}

/* Text */

static PangoLayout *
create_label (cairo_t    *cr,
              const char *text,
              double      size,
              gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* The same metrics on paper and on screen. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), 72);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

/* Markers */

/* A chevron halfway along @line, pointing the way the bus goes. */
static void
draw_arrow (cairo_t    *cr,
            const View *view,
            const Line *line)
{
  guint n = line->points->len / 2;
  double total = 0, half, walked = 0;
  g_autofree double *xy = g_new (double, 2 * n);

  for (guint i = 0; i < n; i++)
    {
      to_view (view, g_array_index (line->points, double, 2 * i),
               g_array_index (line->points, double, 2 * i + 1), &xy[2 * i], &xy[2 * i + 1]);
      if (i > 0)
        total += hypot (xy[2 * i] - xy[2 * i - 2], xy[2 * i + 1] - xy[2 * i - 1]);
    }

  /* Too short to hold an arrow between its stops' circles. */
  if (total < 4 * STOP_RADIUS + 12)
    return;

  half = total / 2;
  for (guint i = 1; i < n; i++)
    {
      double dx = xy[2 * i] - xy[2 * i - 2];
      double dy = xy[2 * i + 1] - xy[2 * i - 1];
      double len = hypot (dx, dy);

      if (len > 0 && walked + len >= half)
        {
          double t = (half - walked) / len;
          double x = xy[2 * i - 2] + dx * t;
          double y = xy[2 * i - 1] + dy * t;
          double ux = dx / len, uy = dy / len;
          double size = 5;

          cairo_save (cr);
          cairo_new_path (cr);
          cairo_move_to (cr, x - ux * size - uy * size, y - uy * size + ux * size);
          cairo_line_to (cr, x + ux * size * 0.6, y + uy * size * 0.6);
          cairo_line_to (cr, x - ux * size + uy * size, y - uy * size - ux * size);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_set_line_width (cr, 1.8);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_stroke (cr);
          cairo_restore (cr);
          return;
        }
      walked += len;
    }
}

static void
draw_lines (AmapMapRender *self,
            cairo_t       *cr,
            const View    *view)
{
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* All casings first, so that crossing lines stay unbroken. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->lines->len; i++)
      {
        Line *line = &g_array_index (self->lines, Line, i);

        if (line->points->len < 4)
          continue;

        cairo_new_path (cr);
        for (guint j = 0; j + 1 < line->points->len; j += 2)
          {
            double x, y;

            to_view (view, g_array_index (line->points, double, j),
                     g_array_index (line->points, double, j + 1), &x, &y);
            cairo_line_to (cr, x, y);
          }

        if (pass == 0)
          {
            cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
            cairo_set_line_width (cr, LINE_WIDTH + 2 * LINE_CASING);
          }
        else
          {
            cairo_set_source_rgb (cr, line->color.r, line->color.g, line->color.b);
            cairo_set_line_width (cr, LINE_WIDTH);
          }
        cairo_stroke (cr);

        if (pass == 1)
          draw_arrow (cr, view, line);
      }
}

static void
circle (cairo_t *cr,
        double   x,
        double   y,
        double   radius,
        Rgb      fill)
{
  cairo_new_path (cr);
  cairo_arc (cr, x, y, radius + 1.5, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, fill.r, fill.g, fill.b);
  cairo_fill (cr);
}

static void
draw_place (cairo_t *cr,
            double   x,
            double   y,
            AmapMapRenderPlace kind)
{
  double r = PLACE_RADIUS;

  circle (cr, x, y, r, parse_color (PLACE_COLOR));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_new_path (cr);

  switch (kind)
    {
    case AMAP_MAP_RENDER_PLACE_HOME:
      /* A house: roof and body. */
      cairo_move_to (cr, x, y - r * 0.58);
      cairo_line_to (cr, x + r * 0.58, y - r * 0.02);
      cairo_line_to (cr, x + r * 0.40, y - r * 0.02);
      cairo_line_to (cr, x + r * 0.40, y + r * 0.50);
      cairo_line_to (cr, x - r * 0.40, y + r * 0.50);
      cairo_line_to (cr, x - r * 0.40, y - r * 0.02);
      cairo_line_to (cr, x - r * 0.58, y - r * 0.02);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;

    case AMAP_MAP_RENDER_PLACE_START:
      /* A flag on its pole. */
      cairo_rectangle (cr, x - r * 0.42, y - r * 0.55, r * 0.14, r * 1.1);
      cairo_fill (cr);
      cairo_move_to (cr, x - r * 0.28, y - r * 0.55);
      cairo_line_to (cr, x + r * 0.50, y - r * 0.30);
      cairo_line_to (cr, x - r * 0.28, y - r * 0.02);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;

    case AMAP_MAP_RENDER_PLACE_END:
    default:
      /* A checkered square. */
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
          if ((i + j) % 2 == 0)
            cairo_rectangle (cr, x - r * 0.45 + i * r * 0.3, y - r * 0.45 + j * r * 0.3,
                             r * 0.3, r * 0.3);
      cairo_fill (cr);
      cairo_set_line_width (cr, 0.8);
      cairo_rectangle (cr, x - r * 0.45, y - r * 0.45, r * 0.9, r * 0.9);
      cairo_stroke (cr);
      break;
    }
}

static void
draw_stop (cairo_t    *cr,
           double      x,
           double      y,
           const Stop *stop)
{
  g_autoptr(PangoLayout) layout = NULL;
  gsize len = stop->label != NULL ? g_utf8_strlen (stop->label, -1) : 0;
  double size = len >= 3 ? 7.5 : 9.0;
  double radius = STOP_RADIUS + (len >= 3 ? 1.5 : 0);
  PangoRectangle ink, logical;

  circle (cr, x, y, radius, stop->color);
  if (len == 0)
    return;

  layout = create_label (cr, stop->label, size, TRUE);
  pango_layout_get_pixel_extents (layout, &ink, &logical);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x - logical.width / 2.0, y - logical.height / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/* The scale bar */

static gboolean
locale_uses_miles (void)
{
#ifdef __GLIBC__
  const char *measurement = nl_langinfo (_NL_MEASUREMENT_MEASUREMENT);

  /* 1: metric, 2: US customary. */
  return measurement != NULL && measurement[0] == 2;
#else
  return FALSE;
#endif
}

/* The largest of 1, 2, 5 × 10^k that is at most @value. */
static double
nice_length (double value)
{
  double power = pow (10, floor (log10 (value)));
  double first = value / power;

  if (first >= 5)
    return 5 * power;
  if (first >= 2)
    return 2 * power;
  return power;
}

static void
draw_scale_bar (cairo_t    *cr,
                const View *view)
{
  double latitude, longitude;
  double meters_per_point;
  double max_width = MIN (110.0, view->width * 0.3);
  double length, width, x, y;
  g_autofree char *label = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;

  amap_projection_pixels_to_location (view->center_x * AMAP_PROJECTION_TILE_SIZE,
                                      view->center_y * AMAP_PROJECTION_TILE_SIZE, 0,
                                      &latitude, &longitude);
  meters_per_point = 2 * G_PI * AMAP_PROJECTION_EARTH_RADIUS * cos (latitude * G_PI / 180)
                     / view->scale;
  if (!(meters_per_point > 0))
    return;

  if (locale_uses_miles ())
    {
      double feet = max_width * meters_per_point / 0.3048;

      if (feet >= 5280 / 2.0)
        {
          length = nice_length (feet / 5280);
          width = length * 5280 * 0.3048 / meters_per_point;
          /* Translators: a distance on a map's scale bar */
          label = g_strdup_printf (_("%g mi"), length);
        }
      else if (feet >= 5280 / 10.0)
        {
          length = nice_length (feet / 5280 * 10) / 10;
          width = length * 5280 * 0.3048 / meters_per_point;
          label = g_strdup_printf (_("%g mi"), length);
        }
      else
        {
          length = nice_length (feet);
          width = length * 0.3048 / meters_per_point;
          /* Translators: a distance on a map's scale bar */
          label = g_strdup_printf (_("%g ft"), length);
        }
    }
  else
    {
      double meters = max_width * meters_per_point;

      length = nice_length (meters);
      width = length / meters_per_point;
      if (length >= 1000)
        /* Translators: a distance on a map's scale bar */
        label = g_strdup_printf (_("%g km"), length / 1000);
      else
        /* Translators: a distance on a map's scale bar */
        label = g_strdup_printf (_("%g m"), length);
    }

  layout = create_label (cr, label, 7.5, FALSE);
  pango_layout_get_pixel_extents (layout, NULL, &logical);

  x = 10;
  y = view->height - 10;

  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_rectangle (cr, x - 4, y - logical.height - 10, MAX (width, logical.width) + 8,
                   logical.height + 14);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0.14, 0.12, 0.19);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, x, y - 5);
  cairo_line_to (cr, x, y);
  cairo_line_to (cr, x + width, y);
  cairo_line_to (cr, x + width, y - 5);
  cairo_stroke (cr);

  cairo_move_to (cr, x + 3, y - 4 - logical.height);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_attribution (AmapMapRender *self,
                  cairo_t       *cr,
                  const View    *view)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;

  if (self->attribution == NULL)
    return;

  layout = create_label (cr, self->attribution, 6.5, FALSE);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
  cairo_rectangle (cr, view->width - logical.width - 6, view->height - logical.height - 3,
                   logical.width + 6, logical.height + 3);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.24, 0.22, 0.27);
  cairo_move_to (cr, view->width - logical.width - 3, view->height - logical.height - 1.5);
  pango_cairo_show_layout (cr, layout);
}

/* Overrides */

static void
amap_map_render_finalize (GObject *object)
{
  AmapMapRender *self = AMAP_MAP_RENDER (object);

  g_clear_pointer (&self->tile_dir, g_free);
  g_clear_pointer (&self->attribution, g_free);
  g_clear_pointer (&self->lines, g_array_unref);
  g_clear_pointer (&self->stops, g_array_unref);
  g_clear_pointer (&self->places, g_array_unref);

  G_OBJECT_CLASS (amap_map_render_parent_class)->finalize (object);
}

static void
amap_map_render_class_init (AmapMapRenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_map_render_finalize;
}

static void
amap_map_render_init (AmapMapRender *self)
{
  self->lines = g_array_new (FALSE, TRUE, sizeof (Line));
  g_array_set_clear_func (self->lines, line_clear);
  self->stops = g_array_new (FALSE, TRUE, sizeof (Stop));
  g_array_set_clear_func (self->stops, stop_clear);
  self->places = g_array_new (FALSE, TRUE, sizeof (Place));
}

/* Public API */

AmapMapRender *
amap_map_render_new (void)
{
  return g_object_new (AMAP_TYPE_MAP_RENDER, NULL);
}

const char *
amap_map_render_get_bus_color (guint bus)
{
  return bus_colors[bus % G_N_ELEMENTS (bus_colors)];
}

void
amap_map_render_set_tile_dir (AmapMapRender *self,
                              const char    *dir)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  g_free (self->tile_dir);
  self->tile_dir = g_strdup (dir);
}

const char *
amap_map_render_get_tile_dir (AmapMapRender *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), NULL);

  return self->tile_dir;
}

char *
amap_map_render_dup_tile_dir (const char *cache_key)
{
  g_return_val_if_fail (cache_key != NULL, NULL);

  return g_build_filename (g_get_user_cache_dir (), "asset-map", "tiles", cache_key, NULL);
}

void
amap_map_render_set_attribution (AmapMapRender *self,
                                 const char    *text)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  g_free (self->attribution);
  self->attribution = g_strdup (text);
}

void
amap_map_render_add_line (AmapMapRender *self,
                          const double  *points,
                          guint          n_points,
                          const char    *color)
{
  Line line;

  g_return_if_fail (AMAP_IS_MAP_RENDER (self));
  g_return_if_fail (points != NULL || n_points == 0);

  line.points = g_array_sized_new (FALSE, FALSE, sizeof (double), n_points * 2);
  for (guint i = 0; i < n_points; i++)
    {
      if (!isfinite (points[2 * i]) || !isfinite (points[2 * i + 1]))
        continue;
      g_array_append_vals (line.points, points + 2 * i, 2);
    }
  line.color = parse_color (color);
  g_array_append_val (self->lines, line);
}

void
amap_map_render_add_stop (AmapMapRender *self,
                          double         latitude,
                          double         longitude,
                          const char    *label,
                          const char    *color)
{
  Stop stop = { latitude, longitude, g_strdup (label), parse_color (color) };

  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  if (!isfinite (latitude) || !isfinite (longitude))
    {
      g_free (stop.label);
      return;
    }
  g_array_append_val (self->stops, stop);
}

void
amap_map_render_add_place (AmapMapRender      *self,
                           double              latitude,
                           double              longitude,
                           AmapMapRenderPlace  kind)
{
  Place place = { latitude, longitude, kind };

  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  if (!isfinite (latitude) || !isfinite (longitude))
    return;
  g_array_append_val (self->places, place);
}

static gboolean
same_place (double latitude1,
            double longitude1,
            double latitude2,
            double longitude2)
{
  return fabs (latitude1 - latitude2) < 1e-6 && fabs (longitude1 - longitude2) < 1e-6;
}

void
amap_map_render_add_tour (AmapMapRender *self,
                          AmapTourPlan  *plan,
                          int            bus)
{
  AmapTour *tour;
  double start_lat, start_lon, end_lat, end_lon;
  guint n_buses;

  g_return_if_fail (AMAP_IS_MAP_RENDER (self));
  g_return_if_fail (AMAP_IS_TOUR_PLAN (plan));

  tour = amap_tour_plan_get_tour (plan);
  n_buses = amap_tour_plan_get_n_buses (plan);
  amap_tour_plan_get_start (plan, &start_lat, &start_lon, NULL);
  amap_tour_plan_get_end (plan, &end_lat, &end_lon, NULL);

  for (guint b = 0; b < n_buses; b++)
    {
      const char *color = amap_map_render_get_bus_color (b);
      guint n_stops;

      if (bus >= 0 && (guint) bus != b)
        continue;

      n_stops = amap_tour_plan_get_n_stops (plan, b);
      for (guint i = 0; i <= n_stops; i++)
        {
          AmapRouteLeg *leg = amap_tour_plan_get_leg (plan, b, i);

          if (leg != NULL && leg->points != NULL && leg->points->len >= 4)
            amap_map_render_add_line (self, (const double *) leg->points->data,
                                      leg->points->len / 2, color);
        }

      for (guint i = 0; i < n_stops; i++)
        {
          AmapAsset *asset = amap_tour_plan_get_stop_asset (plan, b, i);
          char label[16];

          g_snprintf (label, sizeof label, "%u", i + 1);
          amap_map_render_add_stop (self, amap_asset_get_latitude (asset),
                                    amap_asset_get_longitude (asset), label, color);
        }
    }

  amap_map_render_add_place (self, start_lat, start_lon,
                             amap_tour_get_start (tour, NULL, NULL, NULL) == AMAP_TOUR_PLACE_HOME
                             ? AMAP_MAP_RENDER_PLACE_HOME : AMAP_MAP_RENDER_PLACE_START);
  if (!same_place (start_lat, start_lon, end_lat, end_lon))
    amap_map_render_add_place (self, end_lat, end_lon,
                               amap_tour_get_end (tour, NULL, NULL, NULL) == AMAP_TOUR_PLACE_HOME
                               ? AMAP_MAP_RENDER_PLACE_HOME : AMAP_MAP_RENDER_PLACE_END);
}

void
amap_map_render_clear (AmapMapRender *self)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  g_array_set_size (self->lines, 0);
  g_array_set_size (self->stops, 0);
  g_array_set_size (self->places, 0);
}

void
amap_map_render_draw (AmapMapRender *self,
                      cairo_t       *cr,
                      double         width,
                      double         height)
{
  View view;

  g_return_if_fail (AMAP_IS_MAP_RENDER (self));
  g_return_if_fail (cr != NULL);

  if (!(width > 0) || !(height > 0))
    return;

  view = fit_view (self, width, height);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  set_source_hex (cr, BACKGROUND_COLOR, 1);
  cairo_paint (cr);

  self->n_tiles_drawn = draw_tiles (self, cr, &view);
  if (self->n_tiles_drawn > 0)
    {
      /* Paler tiles, so that the route stands out from the streets. */
      cairo_set_source_rgba (cr, 1, 1, 1, 0.22);
      cairo_paint (cr);
    }

  draw_lines (self, cr, &view);

  for (guint i = 0; i < self->places->len; i++)
    {
      Place *place = &g_array_index (self->places, Place, i);
      double x, y;

      to_view (&view, place->latitude, place->longitude, &x, &y);
      draw_place (cr, x, y, place->kind);
    }

  /* Later stops under earlier ones: where two overlap, the first shows. */
  for (guint i = self->stops->len; i > 0; i--)
    {
      Stop *stop = &g_array_index (self->stops, Stop, i - 1);
      double x, y;

      to_view (&view, stop->latitude, stop->longitude, &x, &y);
      draw_stop (cr, x, y, stop);
    }

  draw_scale_bar (cr, &view);
  if (self->n_tiles_drawn > 0)
    draw_attribution (self, cr, &view);

  set_source_hex (cr, FRAME_COLOR, 1);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
  cairo_stroke (cr);

  cairo_restore (cr);
}

guint
amap_map_render_get_n_tiles_drawn (AmapMapRender *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), 0);

  return self->n_tiles_drawn;
}

static cairo_status_t
write_png_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  GOutputStream *stream = closure;

  if (!g_output_stream_write_all (stream, data, length, NULL, NULL, NULL))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
amap_map_render_write_png (AmapMapRender  *self,
                           GFile          *file,
                           int             width,
                           int             height,
                           GError        **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_scale (cr, 96.0 / 72.0, 96.0 / 72.0);
  amap_map_render_draw (self, cr, width * 72.0 / 96.0, height * 72.0 / 96.0);
  cairo_destroy (cr);

  /* g_file_replace() writes beside the file and renames on close. */
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &local_error);
  status = stream != NULL
           ? cairo_surface_write_to_png_stream (surface, write_png_cb, stream)
           : CAIRO_STATUS_WRITE_ERROR;
  cairo_surface_destroy (surface);

  if (stream != NULL && status != CAIRO_STATUS_SUCCESS)
    {
      g_autoptr(GCancellable) cancel = g_cancellable_new ();

      /* A cancelled close leaves the old file in place. */
      g_cancellable_cancel (cancel);
      g_output_stream_close (G_OUTPUT_STREAM (stream), cancel, NULL);
    }
  else if (stream != NULL)
    g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error);

  if (local_error != NULL || status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   /* Translators: the first %s is a file name, the second says why */
                   _("Could not save the map as “%s”: %s"), name,
                   local_error != NULL ? local_error->message : cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}
