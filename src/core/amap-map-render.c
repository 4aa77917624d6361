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

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "amap-cluster.h"
#include "amap-error.h"
#include "amap-geometry.h"
#include "amap-map-render.h"
#include "amap-pin-render.h"
#include "amap-projection.h"
#include "amap-symbol.h"

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

/* Room above the northernmost pin for its head. */
#define PIN_HEADROOM     48.0
#define LEGEND_FONT      8.0
#define LEGEND_SWATCH    12.0
#define LEGEND_MAX_ROWS  12
/* Up to this many pins in view, none is hidden in a badge. */
#define MAX_UNCLUSTERED_PINS 150

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

/* A category as the legend shows it. */
typedef struct
{
  char  *key;
  char  *name;
  char  *color;
  char  *icon_name;
  guint  count;      /* shown in the last drawing */
} Category;

typedef struct
{
  double    ux;      /* unit Web Mercator */
  double    uy;
  Category *category;
  gboolean  hub;
} AssetPin;

typedef struct
{
  GPtrArray *parts;   /* GArray of double: unit x, y pairs */
  GArray    *closed;  /* gboolean, parallel to parts */
  gboolean   filled;
  Category  *category;
  double     min_x, min_y, max_x, max_y;
  gboolean   has_pin; /* counted in the legend through its pin */
} AssetShape;

struct _AmapMapRender
{
  GObject      parent_instance;

  char        *tile_dir;
  AmapMbtiles *mbtiles;
  char        *attribution;
  GArray      *lines;       /* Line */
  GArray      *stops;       /* Stop */
  GArray      *places;      /* Place */
  GArray      *pins;        /* AssetPin */
  GPtrArray   *shapes;      /* AssetShape * */
  GPtrArray   *categories;  /* Category *, in the order first met */
  GHashTable  *by_key;      /* key -> Category * */
  gboolean     has_bounds;
  double       bounds[4];   /* west, south, east, north */
  gboolean     show_legend;
  gboolean     has_home;
  double       home_ux;
  double       home_uy;
  guint        n_tiles_drawn;
  guint        n_pins_drawn;
  cairo_rectangle_t legend_area;
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

static void
category_free (gpointer data)
{
  Category *category = data;

  g_free (category->key);
  g_free (category->name);
  g_free (category->color);
  g_free (category->icon_name);
  g_free (category);
}

static void
asset_shape_free (gpointer data)
{
  AssetShape *shape = data;

  g_ptr_array_unref (shape->parts);
  g_array_unref (shape->closed);
  g_free (shape);
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
  for (guint i = 0; i < self->pins->len; i++)
    {
      AssetPin *pin = &g_array_index (self->pins, AssetPin, i);

      min_x = MIN (min_x, pin->ux);
      min_y = MIN (min_y, pin->uy);
      max_x = MAX (max_x, pin->ux);
      max_y = MAX (max_y, pin->uy);
    }
  for (guint i = 0; i < self->shapes->len; i++)
    {
      AssetShape *shape = g_ptr_array_index (self->shapes, i);

      min_x = MIN (min_x, shape->min_x);
      min_y = MIN (min_y, shape->min_y);
      max_x = MAX (max_x, shape->max_x);
      max_y = MAX (max_y, shape->max_y);
    }

  if (self->has_bounds)
    {
      /* The area asked for, edge to edge. */
      min_x = max_x = min_y = max_y = 0;
      amap_projection_location_to_unit (self->bounds[3], self->bounds[0], &min_x, &min_y);
      amap_projection_location_to_unit (self->bounds[1], self->bounds[2], &max_x, &max_y);
      avail_w = width;
      avail_h = height;
    }
  else if (self->pins->len > 0)
    {
      /* A pin stands above its place: room for the northernmost head. */
      avail_h = MAX (height - FIT_PADDING - PIN_HEADROOM, 1);
    }

  if (min_x > max_x)
    return view;  /* nothing to show: the world's middle, empty */

  view.center_x = (min_x + max_x) / 2;
  view.center_y = (min_y + max_y) / 2;
  if (max_x - min_x > 0 || max_y - min_y > 0)
    view.scale = MIN (avail_w / MAX (max_x - min_x, 1e-12), avail_h / MAX (max_y - min_y, 1e-12));
  if (!self->has_bounds)
    view.scale = MIN (view.scale, max_scale);
  else
    view.scale = MIN (view.scale, AMAP_PROJECTION_TILE_SIZE * exp2 (MAX_TILE_ZOOM + 2));
  if (!self->has_bounds && self->pins->len > 0)
    /* Shift the content down by half the headroom it was given. */
    view.center_y -= (PIN_HEADROOM - FIT_PADDING) / 2 / view.scale;
  /* Never zoomed out past the whole world. */
  view.scale = MAX (view.scale, MIN (width, height));

  return view;
}

/* Tiles */

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} PngReader;

static cairo_status_t
read_png_cb (void          *closure,
             unsigned char *data,
             unsigned int   length)
{
  PngReader *reader = closure;

  if (reader->len - reader->pos < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, reader->data + reader->pos, length);
  reader->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

/* JPEG and WebP tiles (and PNG that cairo refuses) through gdk-pixbuf,
 * which is not GTK; WebP needs its loader installed. */
static cairo_surface_t *
decode_with_pixbuf (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;
  cairo_surface_t *surface;
  int width, height, channels, stride, out_stride;
  const guint8 *pixels;
  guint8 *out;

  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, &error)
      || !gdk_pixbuf_loader_close (loader, &error))
    {
      g_debug ("A tile could not be decoded: %s", error->message);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    return NULL;

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  out = cairo_image_surface_get_data (surface);
  out_stride = cairo_image_surface_get_stride (surface);

  /* RGB(A) bytes to premultiplied native-endian ARGB words. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        guint a = channels == 4 ? p[3] : 255;
        guint32 *q = (guint32 *) (void *) (out + (gsize) y * out_stride) + x;

        *q = (a << 24) | ((p[0] * a / 255) << 16) | ((p[1] * a / 255) << 8) | (p[2] * a / 255);
      }
  cairo_surface_mark_dirty (surface);

  return surface;
}

static cairo_surface_t *
decode_tile (GBytes *bytes)
{
  static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (len >= 8 && memcmp (data, png_signature, 8) == 0)
    {
      PngReader reader = { data, len, 0 };
      cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_png_cb, &reader);

      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        return surface;
      cairo_surface_destroy (surface);
    }

  return decode_with_pixbuf (bytes);
}

/* The bytes of a tile (XYZ), from the MBTiles file or the cache; NULL
 * when there is none. */
static GBytes *
read_tile (AmapMapRender *self,
           int            zoom,
           int            x,
           int            y)
{
  g_autofree char *path = NULL;
  char *contents;
  gsize len;

  if (self->mbtiles != NULL)
    {
      g_autoptr(GError) error = NULL;
      GBytes *bytes = amap_mbtiles_read_tile (self->mbtiles, zoom, x, y, &error);

      if (error != NULL)
        g_debug ("Tile %d/%d/%d not read: %s", zoom, x, y, error->message);
      return bytes;
    }

  {
    char zs[16], xs[16], ys[24];

    g_snprintf (zs, sizeof zs, "%d", zoom);
    g_snprintf (xs, sizeof xs, "%d", x);
    g_snprintf (ys, sizeof ys, "%d.png", y);
    path = g_build_filename (self->tile_dir, zs, xs, ys, NULL);
  }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)
      || !g_file_get_contents (path, &contents, &len, NULL))
    return NULL;

  return g_bytes_new_take (contents, len);
}

static gboolean
draw_tile (AmapMapRender *self,
           cairo_t       *cr,
           const View    *view,
           int            zoom,
           int            x,
           int            y)
{
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *surface;
  double n = exp2 (zoom);
  double size = view->scale / n;  /* points per tile */
  double left = view->width / 2 + (x / n - view->center_x) * view->scale;
  double top = view->height / 2 + (y / n - view->center_y) * view->scale;
  int tile_w, tile_h;

  bytes = read_tile (self, zoom, x, y);
  if (bytes == NULL)
    return FALSE;

  surface = decode_tile (bytes);
  if (surface == NULL)
    {
      /* Damaged, or a format nothing here reads: no tile. */
      g_debug ("Tile %d/%d/%d not drawn", zoom, x, y);
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
  double dx = 1, dy = 0;
  double device_scale, zoom_f;
  int min_zoom = 0, max_zoom = MAX_TILE_ZOOM, best;
  guint drawn = 0;

  if (self->mbtiles != NULL)
    {
      if (amap_mbtiles_is_vector (self->mbtiles))
        return 0;
      min_zoom = CLAMP (amap_mbtiles_get_min_zoom (self->mbtiles), 0, MAX_TILE_ZOOM);
      max_zoom = CLAMP (amap_mbtiles_get_max_zoom (self->mbtiles), min_zoom, MAX_TILE_ZOOM);
    }
  else if (self->tile_dir == NULL || !g_file_test (self->tile_dir, G_FILE_TEST_IS_DIR))
    return 0;

  /* Tiles as sharp as the output: a PNG at 96 dpi has more pixels than
   * points, a PDF as many. */
  cairo_user_to_device_distance (cr, &dx, &dy);
  device_scale = CLAMP (hypot (dx, dy), 0.25, 8);
  zoom_f = log2 (view->scale * device_scale / AMAP_PROJECTION_TILE_SIZE);
  best = CLAMP ((int) floor (zoom_f + 0.5), min_zoom, max_zoom);

  /* The lower levels first: where the best level has a hole, a blurrier
   * tile shows instead of the background. */
  for (int zoom = MAX (best - FALLBACK_LEVELS, min_zoom); zoom <= best; zoom++)
    {
      double n = exp2 (zoom);
      double half_w = view->width / 2 / view->scale;
      double half_h = view->height / 2 / view->scale;
      int x0 = (int) floor ((view->center_x - half_w) * n);
      /* A tile that only touches the far edge is not in view. */
      int x1 = (int) ceil ((view->center_x + half_w) * n) - 1;
      int y0 = (int) floor ((view->center_y - half_h) * n);
      int y1 = (int) ceil ((view->center_y + half_h) * n) - 1;
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

  /* The same metrics on paper and on screen; unhinted outlines, so that
   * small text in a PNG keeps even spacing. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
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

/* Assets: shapes, pins and the legend, as the map view draws them */

static gboolean
in_view (const View *view,
         double      ux,
         double      uy,
         double      margin)
{
  double x = view->width / 2 + (ux - view->center_x) * view->scale;
  double y = view->height / 2 + (uy - view->center_y) * view->scale;

  return x >= -margin && x <= view->width + margin && y >= -margin && y <= view->height + margin;
}

static void
draw_shapes (AmapMapRender *self,
             cairo_t       *cr,
             const View    *view)
{
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < self->shapes->len; i++)
    {
      AssetShape *shape = g_ptr_array_index (self->shapes, i);
      Rgb color = parse_color (shape->category->color);
      double left = view->width / 2 + (shape->min_x - view->center_x) * view->scale;
      double right = view->width / 2 + (shape->max_x - view->center_x) * view->scale;
      double top = view->height / 2 + (shape->min_y - view->center_y) * view->scale;
      double bottom = view->height / 2 + (shape->max_y - view->center_y) * view->scale;

      if (right < 0 || left > view->width || bottom < 0 || top > view->height)
        continue;
      if (!shape->has_pin)
        shape->category->count++;

      cairo_new_path (cr);
      for (guint p = 0; p < shape->parts->len; p++)
        {
          GArray *part = g_ptr_array_index (shape->parts, p);
          const double *pts = (const double *) (void *) part->data;

          for (guint k = 0; k + 1 < part->len; k += 2)
            {
              double x = view->width / 2 + (pts[k] - view->center_x) * view->scale;
              double y = view->height / 2 + (pts[k + 1] - view->center_y) * view->scale;

              if (k == 0)
                cairo_move_to (cr, x, y);
              else
                cairo_line_to (cr, x, y);
            }
          if (g_array_index (shape->closed, gboolean, p))
            cairo_close_path (cr);
        }

      if (shape->filled)
        {
          cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
          cairo_set_source_rgba (cr, color.r, color.g, color.b, 0.15);
          cairo_fill_preserve (cr);
        }
      cairo_set_source_rgba (cr, color.r, color.g, color.b, 0.9);
      cairo_set_line_width (cr, shape->filled ? 2 : 3);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}

typedef struct
{
  double    x;           /* the anchor in points: a pin's tip, a badge's centre */
  double    y;
  AssetPin *pin;         /* NULL for a badge */
  guint     count;
  const char *color;
} PinItem;

static int
compare_items_by_y (gconstpointer a,
                    gconstpointer b)
{
  const PinItem *ia = a;
  const PinItem *ib = b;

  /* Southern pins in front, as on screen. */
  if (ia->y != ib->y)
    return ia->y < ib->y ? -1 : 1;
  return ia->x < ib->x ? -1 : (ia->x > ib->x ? 1 : 0);
}

static void
draw_pins (AmapMapRender *self,
           cairo_t       *cr,
           const View    *view)
{
  double zoom = log2 (view->scale / AMAP_PROJECTION_TILE_SIZE);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (AmapClusterPoint));
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (PinItem));
  g_autoptr(GPtrArray) clusters = NULL;
  double margin = 60;

  self->n_pins_drawn = 0;

  for (guint i = 0; i < self->pins->len; i++)
    {
      AssetPin *pin = &g_array_index (self->pins, AssetPin, i);
      AmapClusterPoint point;

      if (!in_view (view, pin->ux, pin->uy, margin))
        continue;
      /* The legend counts what is on the map, not what is off its edge. */
      if (in_view (view, pin->ux, pin->uy, 0))
        pin->category->count++;

      /* Cells in world points, as the screen's are in world pixels. */
      point.x = pin->ux * view->scale;
      point.y = pin->uy * view->scale;
      point.id = i;
      g_array_append_val (points, point);
    }

  /* On paper every pin stands on its own, as on screen at street level: a
   * handout is read, not clicked, and a badge hides which categories are
   * there. Only a crowd (a district's worth of pins) gets badges, as the
   * screen shows them at that scale. */
  clusters = amap_cluster_points ((AmapClusterPoint *) (void *) points->data, points->len,
                                  zoom >= AMAP_PIN_RENDER_CLUSTER_MAX_ZOOM
                                  || points->len <= MAX_UNCLUSTERED_PINS
                                  ? 1e-6 : AMAP_PIN_RENDER_CELL_SIZE);

  for (guint c = 0; c < clusters->len; c++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, c);
      PinItem item = { 0 };

      if (cluster->n_members == 1)
        {
          item.pin = &g_array_index (self->pins, AssetPin, cluster->members[0]);
          item.x = view->width / 2 + (item.pin->ux - view->center_x) * view->scale;
          item.y = view->height / 2 + (item.pin->uy - view->center_y) * view->scale;
          item.count = 1;
        }
      else
        {
          Category *first = NULL;
          gboolean mixed = FALSE;

          for (guint k = 0; k < cluster->n_members && !mixed; k++)
            {
              AssetPin *pin = &g_array_index (self->pins, AssetPin, cluster->members[k]);

              if (k == 0)
                first = pin->category;
              else if (pin->category != first)
                mixed = TRUE;
            }
          item.x = view->width / 2 + (cluster->x / view->scale - view->center_x) * view->scale;
          item.y = view->height / 2 + (cluster->y / view->scale - view->center_y) * view->scale;
          item.count = cluster->n_members;
          item.color = mixed ? AMAP_PIN_RENDER_MIXED_COLOR : first->color;
        }
      g_array_append_val (items, item);
    }

  g_array_sort (items, compare_items_by_y);
  for (guint i = 0; i < items->len; i++)
    {
      PinItem *item = &g_array_index (items, PinItem, i);

      if (item->pin != NULL)
        amap_pin_render_draw (cr, item->x, item->y, item->pin->category->color,
                              item->pin->category->icon_name,
                              item->pin->hub ? AMAP_PIN_STYLE_HUB : AMAP_PIN_STYLE_PLAIN);
      else
        amap_pin_render_draw_cluster (cr, item->x, item->y, item->count, item->color);
      self->n_pins_drawn += item->count;
    }
}

/* The corner of the map (top right, top left, bottom right, bottom left,
 * clear of the scale bar and the credits) where a legend of @width ×
 * @height covers the fewest pins. */
static void
choose_legend_corner (AmapMapRender *self,
                      const View    *view,
                      double         width,
                      double         height,
                      double        *x,
                      double        *y)
{
  const double corners[4][2] = {
    { view->width - width - 8, 8 },
    { 8, 8 },
    { view->width - width - 8, view->height - height - 22 },
    { 8, view->height - height - 40 },
  };
  double head, pin_height;
  guint best = 0, best_count = G_MAXUINT;

  amap_pin_render_get_size (AMAP_PIN_STYLE_HUB, &head, &pin_height);
  for (guint c = 0; c < G_N_ELEMENTS (corners); c++)
    {
      guint count = 0;

      for (guint i = 0; i < self->pins->len; i++)
        {
          AssetPin *pin = &g_array_index (self->pins, AssetPin, i);
          double px = view->width / 2 + (pin->ux - view->center_x) * view->scale;
          double py = view->height / 2 + (pin->uy - view->center_y) * view->scale;

          if (px + head / 2 >= corners[c][0] && px - head / 2 <= corners[c][0] + width
              && py >= corners[c][1] && py - pin_height <= corners[c][1] + height)
            count++;
        }
      if (count < best_count)
        {
          best = c;
          best_count = count;
        }
    }

  *x = corners[best][0];
  *y = corners[best][1];
}

/* A legend of the categories on the map with their counts, in the corner
 * where it hides the fewest pins. */
static void
draw_legend (AmapMapRender *self,
             cairo_t       *cr,
             const View    *view)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func (g_object_unref);
  double pad = 6, gap = 4, row_h, name_w = 0, count_w = 0, box_w, box_h, x, y;
  double max_name_w = MAX (view->width * 0.4 - 3 * pad - LEGEND_SWATCH, 40);
  guint hidden = 0;

  self->legend_area = (cairo_rectangle_t) { 0, 0, 0, 0 };

  for (guint i = 0; i < self->categories->len; i++)
    {
      Category *category = g_ptr_array_index (self->categories, i);

      if (category->count > 0)
        g_ptr_array_add (rows, category);
    }
  if (rows->len == 0)
    return;

  /* Biggest first, so that what the map is mostly about is on top. */
  for (guint i = 1; i < rows->len; i++)
    for (guint j = i; j > 0
                      && ((Category *) rows->pdata[j])->count > ((Category *) rows->pdata[j - 1])->count; j--)
      {
        gpointer t = rows->pdata[j];

        rows->pdata[j] = rows->pdata[j - 1];
        rows->pdata[j - 1] = t;
      }
  while (rows->len > LEGEND_MAX_ROWS)
    {
      hidden += ((Category *) rows->pdata[rows->len - 1])->count;
      g_ptr_array_remove_index (rows, rows->len - 1);
    }

  row_h = MAX (LEGEND_SWATCH, LEGEND_FONT * 1.3) + gap;
  for (guint i = 0; i <= rows->len; i++)
    {
      PangoLayout *name, *count;
      g_autofree char *count_text = NULL;
      PangoRectangle logical;

      if (i == rows->len && hidden == 0)
        break;
      if (i < rows->len)
        {
          Category *category = rows->pdata[i];

          name = create_label (cr, category->name, LEGEND_FONT, FALSE);
          count_text = g_strdup_printf ("%u", category->count);
        }
      else
        {
          /* Translators: the last row of a map's legend, for the categories left out */
          name = create_label (cr, _("Other categories"), LEGEND_FONT, FALSE);
          count_text = g_strdup_printf ("%u", hidden);
        }
      pango_layout_set_width (name, (int) (max_name_w * PANGO_SCALE));
      pango_layout_set_ellipsize (name, PANGO_ELLIPSIZE_END);
      count = create_label (cr, count_text, LEGEND_FONT, TRUE);
      pango_layout_get_pixel_extents (name, NULL, &logical);
      name_w = MAX (name_w, logical.width);
      pango_layout_get_pixel_extents (count, NULL, &logical);
      count_w = MAX (count_w, logical.width);
      g_ptr_array_add (names, name);
      g_ptr_array_add (counts, count);
    }

  box_w = pad + LEGEND_SWATCH + gap + name_w + 2 * gap + count_w + pad;
  box_h = pad + names->len * row_h - gap + pad;
  choose_legend_corner (self, view, box_w, box_h, &x, &y);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, box_w, box_h);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_fill_preserve (cr);
  set_source_hex (cr, FRAME_COLOR, 1);
  cairo_set_line_width (cr, 0.75);
  cairo_stroke (cr);

  for (guint i = 0; i < names->len; i++)
    {
      double row_y = y + pad + i * row_h;
      double mid = row_y + (row_h - gap) / 2;
      PangoRectangle logical;

      if (i < rows->len)
        {
          Category *category = rows->pdata[i];
          Rgb color = parse_color (category->color);

          cairo_new_path (cr);
          cairo_arc (cr, x + pad + LEGEND_SWATCH / 2, mid, LEGEND_SWATCH / 2, 0, 2 * G_PI);
          cairo_set_source_rgb (cr, color.r, color.g, color.b);
          cairo_fill (cr);
          amap_symbol_draw (cr, category->icon_name,
                            x + pad + LEGEND_SWATCH * 0.2, mid - LEGEND_SWATCH * 0.3,
                            LEGEND_SWATCH * 0.6, 1, 1, 1, 1);
        }
      else
        {
          cairo_new_path (cr);
          cairo_arc (cr, x + pad + LEGEND_SWATCH / 2, mid, LEGEND_SWATCH / 2 - 0.5, 0, 2 * G_PI);
          set_source_hex (cr, AMAP_PIN_RENDER_MIXED_COLOR, 1);
          cairo_set_line_width (cr, 1);
          cairo_stroke (cr);
        }

      cairo_set_source_rgb (cr, 0.14, 0.12, 0.19);
      pango_layout_get_pixel_extents (names->pdata[i], NULL, &logical);
      cairo_move_to (cr, x + pad + LEGEND_SWATCH + gap, mid - logical.height / 2.0);
      pango_cairo_show_layout (cr, names->pdata[i]);
      pango_layout_get_pixel_extents (counts->pdata[i], NULL, &logical);
      cairo_move_to (cr, x + box_w - pad - logical.width, mid - logical.height / 2.0);
      pango_cairo_show_layout (cr, counts->pdata[i]);
    }
  cairo_restore (cr);

  self->legend_area = (cairo_rectangle_t) { x, y, box_w, box_h };
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

/* The text of an attribution that may hold HTML ("<a href=…>©
 * OpenStreetMap</a>"): tags dropped, the common entities decoded. */
static char *
dup_plain_text (const char *html)
{
  static const struct { const char *entity; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&#39;", "'" }, { "&apos;", "'" }, { "&nbsp;", " " }, { "&copy;", "©" },
  };
  GString *text = g_string_new (NULL);
  gboolean in_tag = FALSE;

  for (const char *p = html; *p != '\0'; p++)
    {
      if (in_tag)
        {
          in_tag = *p != '>';
          continue;
        }
      if (*p == '<')
        {
          in_tag = TRUE;
          continue;
        }
      if (*p == '&')
        {
          gboolean done = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities) && !done; i++)
            if (g_str_has_prefix (p, entities[i].entity))
              {
                g_string_append (text, entities[i].text);
                p += strlen (entities[i].entity) - 1;
                done = TRUE;
              }
          if (done)
            continue;
        }
      g_string_append_c (text, (*p == '\n' || *p == '\t') ? ' ' : *p);
    }

  return g_strstrip (g_string_free (text, FALSE));
}

static void
draw_attribution (AmapMapRender *self,
                  cairo_t       *cr,
                  const View    *view)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *text = NULL;
  PangoRectangle logical;

  if (self->attribution != NULL)
    text = dup_plain_text (self->attribution);
  else if (self->mbtiles != NULL && amap_mbtiles_get_attribution (self->mbtiles) != NULL)
    text = dup_plain_text (amap_mbtiles_get_attribution (self->mbtiles));
  if (text == NULL || *text == '\0')
    return;

  layout = create_label (cr, text, 6.5, FALSE);
  pango_layout_set_width (layout, (int) (MAX (view->width * 0.6, 60) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
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
  g_clear_pointer (&self->pins, g_array_unref);
  g_clear_pointer (&self->shapes, g_ptr_array_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_object (&self->mbtiles);

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
  self->pins = g_array_new (FALSE, TRUE, sizeof (AssetPin));
  self->shapes = g_ptr_array_new_with_free_func (asset_shape_free);
  self->categories = g_ptr_array_new_with_free_func (category_free);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->show_legend = TRUE;
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
  g_array_set_size (self->pins, 0);
  g_ptr_array_set_size (self->shapes, 0);
  g_hash_table_remove_all (self->by_key);
  g_ptr_array_set_size (self->categories, 0);
}

void
amap_map_render_set_mbtiles (AmapMapRender *self,
                             AmapMbtiles   *mbtiles)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));
  g_return_if_fail (mbtiles == NULL || AMAP_IS_MBTILES (mbtiles));

  g_set_object (&self->mbtiles, mbtiles);
}

AmapMbtiles *
amap_map_render_get_mbtiles (AmapMapRender *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), NULL);

  return self->mbtiles;
}

void
amap_map_render_set_bounds (AmapMapRender *self,
                            double         west,
                            double         south,
                            double         east,
                            double         north)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  self->has_bounds = amap_map_render_bounds_are_valid (west, south, east, north);
  self->bounds[0] = west;
  self->bounds[1] = south;
  self->bounds[2] = east;
  self->bounds[3] = north;
}

gboolean
amap_map_render_bounds_are_valid (double west,
                                  double south,
                                  double east,
                                  double north)
{
  return isfinite (west) && isfinite (south) && isfinite (east) && isfinite (north)
         && west >= -180 && east <= 180 && west < east
         && south >= -AMAP_PROJECTION_MAX_LATITUDE && north <= AMAP_PROJECTION_MAX_LATITUDE
         && south < north;
}

void
amap_map_render_set_home (AmapMapRender *self,
                          gboolean       has_home,
                          double         latitude,
                          double         longitude)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  self->has_home = has_home && amap_coordinates_are_valid (latitude, longitude);
  if (self->has_home)
    amap_projection_location_to_unit (latitude, longitude, &self->home_ux, &self->home_uy);
}

void
amap_map_render_set_show_legend (AmapMapRender *self,
                                 gboolean       show_legend)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));

  self->show_legend = !!show_legend;
}

static Category *
ensure_category (AmapMapRender *self,
                 const char    *key,
                 AmapCategory  *category)
{
  Category *entry;

  if (key == NULL)
    key = "";
  entry = g_hash_table_lookup (self->by_key, key);
  if (entry != NULL)
    return entry;

  if (category == NULL && *key != '\0')
    category = amap_category_lookup_builtin (key);

  entry = g_new0 (Category, 1);
  entry->key = g_strdup (key);
  if (category != NULL)
    {
      entry->name = g_strdup (amap_category_get_name (category));
      entry->color = g_strdup (amap_color_is_valid (amap_category_get_color (category))
                               ? amap_category_get_color (category)
                               : AMAP_PIN_RENDER_FALLBACK_COLOR);
      entry->icon_name = g_strdup (amap_category_get_icon_name (category) != NULL
                                   ? amap_category_get_icon_name (category)
                                   : AMAP_PIN_RENDER_FALLBACK_ICON);
    }
  else
    {
      /* Translators: the legend's name for assets without a known category */
      entry->name = g_strdup (*key != '\0' ? key : _("No category"));
      entry->color = g_strdup (AMAP_PIN_RENDER_FALLBACK_COLOR);
      entry->icon_name = g_strdup (AMAP_PIN_RENDER_FALLBACK_ICON);
    }
  g_ptr_array_add (self->categories, entry);
  g_hash_table_insert (self->by_key, entry->key, entry);

  return entry;
}

static void
add_shape_parts (AssetShape         *shape,
                 const AmapGeometry *geometry)
{
  switch (amap_geometry_get_kind (geometry))
    {
    case AMAP_GEOMETRY_POINT:
      break;

    case AMAP_GEOMETRY_LINE_STRING:
      {
        const AmapCoord *coords = amap_geometry_get_coords (geometry);
        guint n = amap_geometry_get_n_coords (geometry);
        GArray *part;
        gboolean closed = FALSE;

        if (n < 2)
          break;
        part = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * n);
        for (guint i = 0; i < n; i++)
          {
            double x, y;

            if (!amap_coordinates_are_valid (coords[i].lat, coords[i].lon))
              continue;
            amap_projection_location_to_unit (coords[i].lat, coords[i].lon, &x, &y);
            g_array_append_val (part, x);
            g_array_append_val (part, y);
            shape->min_x = MIN (shape->min_x, x);
            shape->min_y = MIN (shape->min_y, y);
            shape->max_x = MAX (shape->max_x, x);
            shape->max_y = MAX (shape->max_y, y);
          }
        g_ptr_array_add (shape->parts, part);
        g_array_append_val (shape->closed, closed);
      }
      break;

    case AMAP_GEOMETRY_POLYGON:
      shape->filled = TRUE;
      for (guint i = 0; i < amap_geometry_get_n_children (geometry); i++)
        {
          guint before = shape->parts->len;

          add_shape_parts (shape, amap_geometry_get_child (geometry, i));
          if (shape->parts->len > before)
            g_array_index (shape->closed, gboolean, before) = TRUE;
        }
      break;

    case AMAP_GEOMETRY_COLLECTION:
    default:
      for (guint i = 0; i < amap_geometry_get_n_children (geometry); i++)
        add_shape_parts (shape, amap_geometry_get_child (geometry, i));
      break;
    }
}

void
amap_map_render_add_asset (AmapMapRender *self,
                           AmapAsset     *asset,
                           AmapCategory  *category)
{
  Category *entry;
  gboolean has_pin = FALSE;

  g_return_if_fail (AMAP_IS_MAP_RENDER (self));
  g_return_if_fail (AMAP_IS_ASSET (asset));
  g_return_if_fail (category == NULL || AMAP_IS_CATEGORY (category));

  entry = ensure_category (self, amap_asset_get_category (asset), category);

  if (amap_asset_get_has_location (asset)
      && amap_coordinates_are_valid (amap_asset_get_latitude (asset),
                                     amap_asset_get_longitude (asset)))
    {
      AssetPin pin = { 0 };

      amap_projection_location_to_unit (amap_asset_get_latitude (asset),
                                        amap_asset_get_longitude (asset), &pin.ux, &pin.uy);
      pin.category = entry;
      pin.hub = amap_asset_get_is_hub (asset);
      g_array_append_val (self->pins, pin);
      has_pin = TRUE;
    }

  if (amap_asset_get_shape (asset) != NULL)
    {
      g_autoptr(AmapGeometry) geometry = amap_geometry_from_wkt (amap_asset_get_shape (asset), NULL);
      AssetShape *shape;

      if (geometry == NULL)
        return;
      shape = g_new0 (AssetShape, 1);
      shape->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      shape->closed = g_array_new (FALSE, FALSE, sizeof (gboolean));
      shape->category = entry;
      shape->has_pin = has_pin;
      shape->min_x = shape->min_y = INFINITY;
      shape->max_x = shape->max_y = -INFINITY;
      add_shape_parts (shape, geometry);
      if (shape->parts->len > 0 && shape->min_x <= shape->max_x)
        g_ptr_array_add (self->shapes, shape);
      else
        asset_shape_free (shape);
    }
}

void
amap_map_render_add_assets (AmapMapRender *self,
                            GPtrArray     *assets,
                            AmapStore     *store)
{
  g_return_if_fail (AMAP_IS_MAP_RENDER (self));
  g_return_if_fail (assets != NULL);
  g_return_if_fail (store == NULL || AMAP_IS_STORE (store));

  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);
      const char *key = amap_asset_get_category (asset);
      AmapCategory *category = NULL;

      if (key != NULL && !g_hash_table_contains (self->by_key, key) && store != NULL)
        category = amap_store_lookup_category (store, key);
      amap_map_render_add_asset (self, asset, category);
    }
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
  if (self->n_tiles_drawn > 0 && (self->lines->len > 0 || self->stops->len > 0))
    {
      /* Paler tiles, so that the route stands out from the streets. */
      cairo_set_source_rgba (cr, 1, 1, 1, 0.22);
      cairo_paint (cr);
    }

  for (guint i = 0; i < self->categories->len; i++)
    ((Category *) g_ptr_array_index (self->categories, i))->count = 0;
  draw_shapes (self, cr, &view);
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

  if (self->has_home && in_view (&view, self->home_ux, self->home_uy, AMAP_PIN_RENDER_HOME_SIZE))
    amap_pin_render_draw_home (cr, view.width / 2 + (self->home_ux - view.center_x) * view.scale,
                               view.height / 2 + (self->home_uy - view.center_y) * view.scale);
  draw_pins (self, cr, &view);
  if (self->show_legend)
    draw_legend (self, cr, &view);
  else
    self->legend_area = (cairo_rectangle_t) { 0, 0, 0, 0 };

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

guint
amap_map_render_get_n_pins_drawn (AmapMapRender *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), 0);

  return self->n_pins_drawn;
}

gboolean
amap_map_render_get_legend_area (AmapMapRender     *self,
                                 cairo_rectangle_t *area)
{
  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), FALSE);

  if (area != NULL)
    *area = self->legend_area;
  return self->legend_area.width > 0;
}

guint
amap_map_render_get_n_categories_shown (AmapMapRender *self)
{
  guint n = 0;

  g_return_val_if_fail (AMAP_IS_MAP_RENDER (self), 0);

  for (guint i = 0; i < self->categories->len; i++)
    if (((Category *) g_ptr_array_index (self->categories, i))->count > 0)
      n++;
  return n;
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
