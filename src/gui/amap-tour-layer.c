/* amap-tour-layer.c: a tour on the map: each bus's legs, the numbered
 * stops, the start and the end, drawn by one layer in one snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-tour-layer"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-map-render.h"
#include "amap-projection.h"
#include "amap-tour-layer.h"

/* The pin layer's pin sizes (amap-pin-layer.c): a number sits on the top
 * corner of the pin's head. */
#define PIN_HEAD 28.0
#define PIN_HEIGHT 38.0
#define HUB_HEAD 34.0
#define HUB_HEIGHT 46.0
#define PIN_SELECTED_SCALE 1.2

#define BADGE_DIAMETER 20.0
#define BADGE_SELECTED_SCALE 1.3
#define LEG_WIDTH 4.5
#define CASING_WIDTH 2.0
#define ARROW_SIZE 7.0
#define PLACE_RADIUS 6.0
#define LABEL_COLOR "#241f31"


typedef struct
{
  char     *uuid;
  guint     bus;
  guint     index;      /* among the bus's stops */
  double    ux, uy;     /* unit Web Mercator */
  gboolean  hub;
} Stop;

typedef struct
{
  guint     bus;
  gboolean  road;
  GArray   *points;     /* double: unit x, y pairs */
} Leg;

typedef struct
{
  double x, y, radius;
  guint  stop;          /* index into stops */
} Drawn;

struct _AmapTourLayer
{
  ShumateLayer       parent_instance;

  AmapTourLayerPart  part;
  AmapTourPlan      *plan;
  AmapPinLayer      *pin_layer;
  char              *selected_uuid;

  GArray            *stops;      /* Stop */
  GPtrArray         *legs;       /* Leg * */
  double             start_ux, start_uy, end_ux, end_uy;
  gboolean           has_places;
  gboolean           same_place;

  GArray            *drawn;      /* Drawn, what the last layout put where */
  guint              n_drawn_legs;
};

G_DEFINE_FINAL_TYPE (AmapTourLayer, amap_tour_layer, SHUMATE_TYPE_LAYER)

enum {
  PROP_0,
  PROP_PART,
  PROP_PLAN,
  PROP_SELECTED_UUID,
  PROP_PIN_LAYER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
stop_clear (gpointer data)
{
  Stop *stop = data;

  g_clear_pointer (&stop->uuid, g_free);
}

static void
leg_free (gpointer data)
{
  Leg *leg = data;

  g_array_unref (leg->points);
  g_free (leg);
}

static void
parse_color (guint    bus,
             GdkRGBA *color)
{
  if (!gdk_rgba_parse (color, amap_tour_layer_get_bus_color (bus)))
    *color = (GdkRGBA) { 0.1, 0.37, 0.7, 1 };
}

/* The plan in unit coordinates, so that panning and zooming only change
 * the transformation. */
static void
rebuild (AmapTourLayer *self)
{
  double latitude, longitude;

  g_array_set_size (self->stops, 0);
  g_ptr_array_set_size (self->legs, 0);
  self->has_places = FALSE;

  if (self->plan == NULL)
    return;

  amap_tour_plan_get_start (self->plan, &latitude, &longitude, NULL);
  amap_projection_location_to_unit (latitude, longitude, &self->start_ux, &self->start_uy);
  amap_tour_plan_get_end (self->plan, &latitude, &longitude, NULL);
  amap_projection_location_to_unit (latitude, longitude, &self->end_ux, &self->end_uy);
  self->has_places = TRUE;
  self->same_place = fabs (self->start_ux - self->end_ux) < 1e-9
                     && fabs (self->start_uy - self->end_uy) < 1e-9;

  for (guint bus = 0; bus < amap_tour_plan_get_n_buses (self->plan); bus++)
    {
      guint n_stops = amap_tour_plan_get_n_stops (self->plan, bus);

      for (guint i = 0; i < n_stops; i++)
        {
          AmapAsset *asset = amap_tour_plan_get_stop_asset (self->plan, bus, i);
          Stop stop = { 0 };

          stop.uuid = g_strdup (amap_asset_get_uuid (asset));
          stop.bus = bus;
          stop.index = i;
          stop.hub = amap_asset_get_is_hub (asset);
          amap_projection_location_to_unit (amap_asset_get_latitude (asset),
                                            amap_asset_get_longitude (asset),
                                            &stop.ux, &stop.uy);
          g_array_append_val (self->stops, stop);
        }

      /* A bus without stops stays in the depot: no legs to draw. */
      if (n_stops == 0 && amap_tour_plan_get_n_buses (self->plan) > 1)
        continue;

      for (guint i = 0; i <= n_stops; i++)
        {
          AmapRouteLeg *route_leg = amap_tour_plan_get_leg (self->plan, bus, i);
          const double *pts;
          Leg *leg;

          if (route_leg == NULL || route_leg->points == NULL || route_leg->points->len < 4)
            continue;

          leg = g_new0 (Leg, 1);
          leg->bus = bus;
          leg->road = route_leg->kind == AMAP_ROUTE_LEG_ROAD;
          leg->points = g_array_sized_new (FALSE, FALSE, sizeof (double), route_leg->points->len);
          pts = (const double *) (void *) route_leg->points->data;
          for (guint k = 0; k + 1 < route_leg->points->len; k += 2)
            {
              double ux, uy;

              amap_projection_location_to_unit (pts[k], pts[k + 1], &ux, &uy);
              g_array_append_val (leg->points, ux);
              g_array_append_val (leg->points, uy);
            }
          g_ptr_array_add (self->legs, leg);
        }
    }
}

typedef struct
{
  double width, height, map_size, cux, cuy, rotation;
} View;

static gboolean
get_view (AmapTourLayer *self,
          View          *view)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));

  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
  if (viewport == NULL || view->width <= 0 || view->height <= 0
      || shumate_viewport_get_reference_map_source (viewport) == NULL)
    return FALSE;

  view->map_size = amap_projection_get_map_size (shumate_viewport_get_zoom_level (viewport));
  view->rotation = shumate_viewport_get_rotation (viewport);
  amap_projection_location_to_unit (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                    shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                    &view->cux, &view->cuy);
  return TRUE;
}

static void
unit_to_layer (const View *view,
               double      ux,
               double      uy,
               double     *x,
               double     *y)
{
  double dx = (ux - view->cux) * view->map_size;
  double dy = (uy - view->cuy) * view->map_size;
  double c = cos (view->rotation), s = sin (view->rotation);

  *x = view->width / 2 + dx * c - dy * s;
  *y = view->height / 2 + dx * s + dy * c;
}

static void
set_unit_transform (cairo_t    *cr,
                    const View *view)
{
  cairo_translate (cr, view->width / 2, view->height / 2);
  cairo_rotate (cr, view->rotation);
  cairo_scale (cr, view->map_size, view->map_size);
  cairo_translate (cr, -view->cux, -view->cuy);
}

/* Where each stop's number goes: on its pin's head when the pin layer
 * draws the pin on its own, else on the place. */
static void
layout_stops (AmapTourLayer *self,
              const View    *view)
{
  g_array_set_size (self->drawn, 0);

  for (guint i = 0; i < self->stops->len; i++)
    {
      Stop *stop = &g_array_index (self->stops, Stop, i);
      gboolean selected = g_strcmp0 (stop->uuid, self->selected_uuid) == 0;
      Drawn drawn = { 0 };
      double x, y;

      drawn.stop = i;
      drawn.radius = BADGE_DIAMETER / 2 * (selected ? BADGE_SELECTED_SCALE : 1.0);

      if (self->pin_layer != NULL
          && amap_pin_layer_get_pin_position (self->pin_layer, stop->uuid, &x, &y))
        {
          double scale = selected ? PIN_SELECTED_SCALE : 1.0;
          double head = (stop->hub ? HUB_HEAD : PIN_HEAD) * scale;
          double height = (stop->hub ? HUB_HEIGHT : PIN_HEIGHT) * scale;
          double cy = y - height + head / 2;

          /* On the rim of the head, up and to the right. */
          drawn.x = x + head / 2 * 0.72;
          drawn.y = cy - head / 2 * 0.72;
        }
      else
        {
          unit_to_layer (view, stop->ux, stop->uy, &drawn.x, &drawn.y);
        }

      if (drawn.x < -drawn.radius || drawn.y < -drawn.radius
          || drawn.x > view->width + drawn.radius || drawn.y > view->height + drawn.radius)
        continue;

      g_array_append_val (self->drawn, drawn);
    }
}

/* An arrow halfway along the leg, pointing the way the bus goes. */
static void
draw_arrow (cairo_t       *cr,
            const View    *view,
            const Leg     *leg,
            const GdkRGBA *color)
{
  const double *pts = (const double *) (void *) leg->points->data;
  guint n = leg->points->len / 2;
  double total = 0, walked = 0, half;
  double x0, y0, x1, y1;

  for (guint k = 1; k < n; k++)
    total += hypot (pts[2 * k] - pts[2 * k - 2], pts[2 * k + 1] - pts[2 * k - 1]);
  if (total * view->map_size < 6 * ARROW_SIZE)
    return;

  half = total / 2;
  for (guint k = 1; k < n; k++)
    {
      double seg = hypot (pts[2 * k] - pts[2 * k - 2], pts[2 * k + 1] - pts[2 * k - 1]);
      double t, mx, my, angle;

      if (walked + seg < half)
        {
          walked += seg;
          continue;
        }

      t = seg > 0 ? (half - walked) / seg : 0;
      unit_to_layer (view, pts[2 * k - 2], pts[2 * k - 1], &x0, &y0);
      unit_to_layer (view, pts[2 * k], pts[2 * k + 1], &x1, &y1);
      mx = x0 + (x1 - x0) * t;
      my = y0 + (y1 - y0) * t;
      angle = atan2 (y1 - y0, x1 - x0);

      cairo_save (cr);
      cairo_translate (cr, mx, my);
      cairo_rotate (cr, angle);
      cairo_new_path (cr);
      cairo_move_to (cr, ARROW_SIZE, 0);
      cairo_line_to (cr, -ARROW_SIZE * 0.8, ARROW_SIZE * 0.85);
      cairo_line_to (cr, -ARROW_SIZE * 0.35, 0);
      cairo_line_to (cr, -ARROW_SIZE * 0.8, -ARROW_SIZE * 0.85);
      cairo_close_path (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 3);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke_preserve (cr);
      gdk_cairo_set_source_rgba (cr, color);
      cairo_fill (cr);
      cairo_restore (cr);
      return;
    }
}

static void
snapshot_legs (AmapTourLayer *self,
               cairo_t       *cr,
               const View    *view)
{
  static const double dashes[] = { 9, 6 };
  double reach = sqrt (view->width * view->width + view->height * view->height) / 2 / view->map_size;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* White casings under every bus first, so crossing lines stay apart. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->legs->len; i++)
      {
        Leg *leg = g_ptr_array_index (self->legs, i);
        const double *pts = (const double *) (void *) leg->points->data;
        double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
        GdkRGBA color;

        for (guint k = 0; k + 1 < leg->points->len; k += 2)
          {
            min_x = MIN (min_x, pts[k]);
            max_x = MAX (max_x, pts[k]);
            min_y = MIN (min_y, pts[k + 1]);
            max_y = MAX (max_y, pts[k + 1]);
          }
        if (max_x < view->cux - reach || min_x > view->cux + reach
            || max_y < view->cuy - reach || min_y > view->cuy + reach)
          continue;

        cairo_save (cr);
        set_unit_transform (cr, view);
        cairo_new_path (cr);
        cairo_move_to (cr, pts[0], pts[1]);
        for (guint k = 2; k + 1 < leg->points->len; k += 2)
          cairo_line_to (cr, pts[k], pts[k + 1]);
        cairo_restore (cr);

        parse_color (leg->bus, &color);
        if (pass == 0)
          {
            cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
            cairo_set_line_width (cr, LEG_WIDTH + 2 * CASING_WIDTH);
            cairo_stroke (cr);
            continue;
          }

        self->n_drawn_legs++;
        if (!leg->road)
          cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
        color.alpha = 0.92;
        gdk_cairo_set_source_rgba (cr, &color);
        cairo_set_line_width (cr, LEG_WIDTH);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        draw_arrow (cr, view, leg, &color);
      }
}

static void
draw_badge (AmapTourLayer *self,
            GtkSnapshot   *snapshot,
            cairo_t       *cr,
            const Drawn   *drawn)
{
  Stop *stop = &g_array_index (self->stops, Stop, drawn->stop);
  g_autofree char *text = g_strdup_printf ("%u", stop->index + 1);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_new ();
  gboolean selected = g_strcmp0 (stop->uuid, self->selected_uuid) == 0;
  double r = drawn->radius;
  double half_width;
  int tw, th;
  GdkRGBA color;

  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, (selected ? 12.5 : 10.5) * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_get_pixel_size (layout, &tw, &th);

  /* A disc, or a pill for numbers of three digits and more. */
  half_width = MAX (r, tw / 2.0 + 5);
  parse_color (stop->bus, &color);

  cairo_new_path (cr);
  cairo_arc (cr, drawn->x - half_width + r, drawn->y, r, G_PI / 2, 3 * G_PI / 2);
  cairo_arc (cr, drawn->x + half_width - r, drawn->y, r, -G_PI / 2, G_PI / 2);
  cairo_close_path (cr);

  cairo_save (cr);
  cairo_translate (cr, 0, 1);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
  cairo_set_line_width (cr, 3);
  cairo_stroke_preserve (cr);
  cairo_restore (cr);

  gdk_cairo_set_source_rgba (cr, &color);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, selected ? 2.5 : 1.5);
  cairo_stroke (cr);

  cairo_move_to (cr, drawn->x - tw / 2.0, drawn->y - th / 2.0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
}

/* "Start", "End" or "Start and end" on a dark label above a place. */
static void
draw_place (AmapTourLayer *self,
            cairo_t       *cr,
            const View    *view,
            double         ux,
            double         uy,
            const char    *label)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
  PangoFontDescription *font = pango_font_description_new ();
  GdkRGBA dark;
  double x, y, top, left, h, w;
  int tw, th;

  unit_to_layer (view, ux, uy, &x, &y);
  if (x < -200 || y < -200 || x > view->width + 200 || y > view->height + 200)
    return;

  gdk_rgba_parse (&dark, LABEL_COLOR);

  /* The place: a ring the home marker covers when it is the school. */
  cairo_new_path (cr);
  cairo_arc (cr, x, y, PLACE_RADIUS, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &dark);
  cairo_set_line_width (cr, 3);
  cairo_stroke (cr);

  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, 10.5 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_get_pixel_size (layout, &tw, &th);

  /* Above the home marker (30 px), so both read. */
  w = tw + 14;
  h = th + 6;
  left = x - w / 2;
  top = y - 22 - h;

  cairo_new_path (cr);
  cairo_arc (cr, left + h / 2, top + h / 2, h / 2, G_PI / 2, 3 * G_PI / 2);
  cairo_arc (cr, left + w - h / 2, top + h / 2, h / 2, -G_PI / 2, G_PI / 2);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, &dark);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  /* A small tail down to the place. */
  cairo_new_path (cr);
  cairo_move_to (cr, x - 5, top + h - 0.5);
  cairo_line_to (cr, x, top + h + 6);
  cairo_line_to (cr, x + 5, top + h - 0.5);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, &dark);
  cairo_fill (cr);

  cairo_move_to (cr, x - tw / 2.0, top + 3);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
}

static void
amap_tour_layer_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  AmapTourLayer *self = AMAP_TOUR_LAYER (widget);
  cairo_t *cr;
  View view;

  self->n_drawn_legs = 0;
  g_array_set_size (self->drawn, 0);

  if (self->plan == NULL || !get_view (self, &view))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view.width, view.height));

  if (self->part == AMAP_TOUR_LAYER_LEGS)
    {
      snapshot_legs (self, cr, &view);
    }
  else
    {
      if (self->has_places)
        {
          if (self->same_place)
            draw_place (self, cr, &view, self->start_ux, self->start_uy, _("Start and end"));
          else
            {
              draw_place (self, cr, &view, self->end_ux, self->end_uy, _("End"));
              draw_place (self, cr, &view, self->start_ux, self->start_uy, _("Start"));
            }
        }

      layout_stops (self, &view);
      /* The selected stop last, on top. */
      for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < self->drawn->len; i++)
          {
            Drawn *drawn = &g_array_index (self->drawn, Drawn, i);
            Stop *stop = &g_array_index (self->stops, Stop, drawn->stop);
            gboolean selected = g_strcmp0 (stop->uuid, self->selected_uuid) == 0;

            if (selected == (pass == 1))
              draw_badge (self, snapshot, cr, drawn);
          }
    }

  cairo_destroy (cr);
}

static void
on_viewport_changed_cb (AmapTourLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
amap_tour_layer_constructed (GObject *object)
{
  AmapTourLayer *self = AMAP_TOUR_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (amap_tour_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify::latitude",
                           G_CALLBACK (on_viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::longitude",
                           G_CALLBACK (on_viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::zoom-level",
                           G_CALLBACK (on_viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::rotation",
                           G_CALLBACK (on_viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
amap_tour_layer_dispose (GObject *object)
{
  AmapTourLayer *self = AMAP_TOUR_LAYER (object);

  g_clear_object (&self->plan);
  g_clear_weak_pointer (&self->pin_layer);

  G_OBJECT_CLASS (amap_tour_layer_parent_class)->dispose (object);
}

static void
amap_tour_layer_finalize (GObject *object)
{
  AmapTourLayer *self = AMAP_TOUR_LAYER (object);

  g_array_unref (self->stops);
  g_ptr_array_unref (self->legs);
  g_array_unref (self->drawn);
  g_free (self->selected_uuid);

  G_OBJECT_CLASS (amap_tour_layer_parent_class)->finalize (object);
}

static void
amap_tour_layer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AmapTourLayer *self = AMAP_TOUR_LAYER (object);

  switch (prop_id)
    {
    case PROP_PART:
      g_value_set_int (value, self->part);
      break;
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_SELECTED_UUID:
      g_value_set_string (value, self->selected_uuid);
      break;
    case PROP_PIN_LAYER:
      g_value_set_object (value, self->pin_layer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_layer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AmapTourLayer *self = AMAP_TOUR_LAYER (object);

  switch (prop_id)
    {
    case PROP_PART:
      self->part = g_value_get_int (value);
      break;
    case PROP_PLAN:
      amap_tour_layer_set_plan (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_UUID:
      amap_tour_layer_set_selected_uuid (self, g_value_get_string (value));
      break;
    case PROP_PIN_LAYER:
      amap_tour_layer_set_pin_layer (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_layer_class_init (AmapTourLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_tour_layer_constructed;
  object_class->dispose = amap_tour_layer_dispose;
  object_class->finalize = amap_tour_layer_finalize;
  object_class->get_property = amap_tour_layer_get_property;
  object_class->set_property = amap_tour_layer_set_property;

  widget_class->snapshot = amap_tour_layer_snapshot;

  properties[PROP_PART] =
    g_param_spec_int ("part", NULL, NULL, AMAP_TOUR_LAYER_LEGS, AMAP_TOUR_LAYER_STOPS,
                      AMAP_TOUR_LAYER_LEGS,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, AMAP_TYPE_TOUR_PLAN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_UUID] =
    g_param_spec_string ("selected-uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PIN_LAYER] =
    g_param_spec_object ("pin-layer", NULL, NULL, AMAP_TYPE_PIN_LAYER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "amap-tour-layer");
}

static void
amap_tour_layer_init (AmapTourLayer *self)
{
  self->stops = g_array_new (FALSE, TRUE, sizeof (Stop));
  g_array_set_clear_func (self->stops, stop_clear);
  self->legs = g_ptr_array_new_with_free_func (leg_free);
  self->drawn = g_array_new (FALSE, TRUE, sizeof (Drawn));
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

/* Public API */

AmapTourLayer *
amap_tour_layer_new (ShumateViewport   *viewport,
                     AmapTourLayerPart  part)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (AMAP_TYPE_TOUR_LAYER, "viewport", viewport, "part", part, NULL);
}

AmapTourPlan *
amap_tour_layer_get_plan (AmapTourLayer *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_LAYER (self), NULL);

  return self->plan;
}

void
amap_tour_layer_set_plan (AmapTourLayer *self,
                          AmapTourPlan  *plan)
{
  g_return_if_fail (AMAP_IS_TOUR_LAYER (self));
  g_return_if_fail (plan == NULL || AMAP_IS_TOUR_PLAN (plan));

  if (!g_set_object (&self->plan, plan))
    return;

  rebuild (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
}

void
amap_tour_layer_set_selected_uuid (AmapTourLayer *self,
                                   const char    *uuid)
{
  g_return_if_fail (AMAP_IS_TOUR_LAYER (self));

  if (g_strcmp0 (self->selected_uuid, uuid) == 0)
    return;

  g_free (self->selected_uuid);
  self->selected_uuid = g_strdup (uuid);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_UUID]);
}

void
amap_tour_layer_set_pin_layer (AmapTourLayer *self,
                               AmapPinLayer  *pin_layer)
{
  g_return_if_fail (AMAP_IS_TOUR_LAYER (self));
  g_return_if_fail (pin_layer == NULL || AMAP_IS_PIN_LAYER (pin_layer));

  if (self->pin_layer == pin_layer)
    return;

  g_set_weak_pointer (&self->pin_layer, pin_layer);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIN_LAYER]);
}

gboolean
amap_tour_layer_hit_test (AmapTourLayer *self,
                          double         x,
                          double         y,
                          guint         *bus,
                          guint         *index)
{
  View view;

  g_return_val_if_fail (AMAP_IS_TOUR_LAYER (self), FALSE);

  if (self->part != AMAP_TOUR_LAYER_STOPS || self->plan == NULL || !get_view (self, &view))
    return FALSE;

  layout_stops (self, &view);
  /* Topmost first: the last drawn. */
  for (guint i = self->drawn->len; i > 0; i--)
    {
      Drawn *drawn = &g_array_index (self->drawn, Drawn, i - 1);
      Stop *stop = &g_array_index (self->stops, Stop, drawn->stop);

      if (hypot (x - drawn->x, y - drawn->y) <= drawn->radius + 2)
        {
          if (bus != NULL)
            *bus = stop->bus;
          if (index != NULL)
            *index = stop->index;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
amap_tour_layer_get_stop_position (AmapTourLayer *self,
                                   guint          bus,
                                   guint          index,
                                   double        *x,
                                   double        *y)
{
  View view;

  g_return_val_if_fail (AMAP_IS_TOUR_LAYER (self), FALSE);

  if (self->plan == NULL || !get_view (self, &view))
    return FALSE;

  layout_stops (self, &view);
  for (guint i = 0; i < self->drawn->len; i++)
    {
      Drawn *drawn = &g_array_index (self->drawn, Drawn, i);
      Stop *stop = &g_array_index (self->stops, Stop, drawn->stop);

      if (stop->bus == bus && stop->index == index)
        {
          if (x != NULL)
            *x = drawn->x;
          if (y != NULL)
            *y = drawn->y;
          return TRUE;
        }
    }

  return FALSE;
}

guint
amap_tour_layer_get_n_drawn_legs (AmapTourLayer *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_LAYER (self), 0);

  return self->n_drawn_legs;
}

guint
amap_tour_layer_get_n_drawn_stops (AmapTourLayer *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_LAYER (self), 0);

  return self->part == AMAP_TOUR_LAYER_STOPS ? self->drawn->len : 0;
}

const char *
amap_tour_layer_get_bus_color (guint bus)
{
  /* One palette for the map, the panel and the printed itinerary. */
  return amap_map_render_get_bus_color (bus);
}
