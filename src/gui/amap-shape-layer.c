/* amap-shape-layer.c: lines and polygons of assets, and the walking rings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-shape-layer"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-asset.h"
#include "amap-category.h"
#include "amap-geometry.h"
#include "amap-projection.h"
#include "amap-shape-layer.h"

#define METERS_PER_MILE 1609.344
#define FALLBACK_COLOR "#5e5c64"
#define RING_COLOR "#241f31"

/* One line or ring, in unit Web Mercator coordinates (x, y pairs). */
typedef struct
{
  GArray   *points;     /* double */
  gboolean  closed;
} Part;

typedef struct
{
  char     *category;
  GPtrArray *parts;     /* Part * */
  gboolean  filled;     /* a polygon: faintly filled */
  double    min_x, min_y, max_x, max_y;
} Shape;

struct _AmapShapeLayer
{
  ShumateLayer  parent_instance;

  GListModel   *model;
  AmapStore    *store;
  GPtrArray    *shapes;     /* Shape * or NULL, parallel to the model */
  GHashTable   *colors;     /* category key -> "#rrggbb" */

  gboolean      has_home;
  double        home_latitude;
  double        home_longitude;
  GArray       *ring_miles; /* double */

  guint         n_visible_shapes;
};

G_DEFINE_FINAL_TYPE (AmapShapeLayer, amap_shape_layer, SHUMATE_TYPE_LAYER)

static void
part_free (gpointer data)
{
  Part *part = data;

  g_array_unref (part->points);
  g_free (part);
}

static void
shape_free (gpointer data)
{
  Shape *shape = data;

  if (shape == NULL)
    return;
  g_free (shape->category);
  g_ptr_array_unref (shape->parts);
  g_free (shape);
}

static void
add_parts (Shape              *shape,
           const AmapGeometry *geometry)
{
  switch (amap_geometry_get_kind (geometry))
    {
    case AMAP_GEOMETRY_POINT:
      /* Points are the pin layer's. */
      break;

    case AMAP_GEOMETRY_LINE_STRING:
      {
        const AmapCoord *coords = amap_geometry_get_coords (geometry);
        guint n = amap_geometry_get_n_coords (geometry);
        Part *part;

        if (n < 2)
          break;

        part = g_new0 (Part, 1);
        part->points = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * n);
        for (guint i = 0; i < n; i++)
          {
            double x, y;

            amap_projection_location_to_unit (coords[i].lat, coords[i].lon, &x, &y);
            g_array_append_val (part->points, x);
            g_array_append_val (part->points, y);
            shape->min_x = MIN (shape->min_x, x);
            shape->min_y = MIN (shape->min_y, y);
            shape->max_x = MAX (shape->max_x, x);
            shape->max_y = MAX (shape->max_y, y);
          }
        g_ptr_array_add (shape->parts, part);
      }
      break;

    case AMAP_GEOMETRY_POLYGON:
      shape->filled = TRUE;
      for (guint i = 0; i < amap_geometry_get_n_children (geometry); i++)
        {
          guint before = shape->parts->len;

          add_parts (shape, amap_geometry_get_child (geometry, i));
          if (shape->parts->len > before)
            ((Part *) g_ptr_array_index (shape->parts, before))->closed = TRUE;
        }
      break;

    case AMAP_GEOMETRY_COLLECTION:
    default:
      for (guint i = 0; i < amap_geometry_get_n_children (geometry); i++)
        add_parts (shape, amap_geometry_get_child (geometry, i));
      break;
    }
}

static Shape *
shape_new (AmapAsset *asset)
{
  const char *wkt = amap_asset_get_shape (asset);
  g_autoptr(AmapGeometry) geometry = NULL;
  g_autoptr(GError) error = NULL;
  Shape *shape;

  if (wkt == NULL)
    return NULL;

  geometry = amap_geometry_from_wkt (wkt, &error);
  if (geometry == NULL)
    {
      g_debug ("Not drawing the shape of “%s”: %s",
               amap_asset_get_name (asset), error->message);
      return NULL;
    }

  shape = g_new0 (Shape, 1);
  shape->category = g_strdup (amap_asset_get_category (asset));
  shape->parts = g_ptr_array_new_with_free_func (part_free);
  shape->min_x = shape->min_y = INFINITY;
  shape->max_x = shape->max_y = -INFINITY;
  add_parts (shape, geometry);

  if (shape->parts->len == 0)
    {
      shape_free (shape);
      return NULL;
    }

  return shape;
}

/* A category's color, kept until the categories change. */
static const char *
lookup_color (AmapShapeLayer *self,
              const char     *key)
{
  const char *color;
  AmapCategory *category = NULL;

  if (key == NULL)
    return FALLBACK_COLOR;

  color = g_hash_table_lookup (self->colors, key);
  if (color != NULL)
    return color;

  if (self->store != NULL)
    category = amap_store_lookup_category (self->store, key);
  if (category == NULL)
    category = amap_category_lookup_builtin (key);

  if (category != NULL && amap_color_is_valid (amap_category_get_color (category)))
    color = amap_category_get_color (category);
  else
    color = FALLBACK_COLOR;

  g_hash_table_insert (self->colors, g_strdup (key), g_strdup (color));

  return g_hash_table_lookup (self->colors, key);
}

static const char *
ring_label (double miles)
{
  /* The usual walking distances read as fractions. */
  if (fabs (miles - 0.25) < 1e-9)
    return _("¼ mi");
  if (fabs (miles - 0.5) < 1e-9)
    return _("½ mi");
  if (fabs (miles - 0.75) < 1e-9)
    return _("¾ mi");
  return NULL;
}

static void
draw_rings (AmapShapeLayer *self,
            cairo_t        *cr,
            double          zoom)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double cx, cy, meters_per_pixel;
  GdkRGBA color;
  static const double dashes[] = { 6, 4 };

  if (!self->has_home || self->ring_miles->len == 0)
    return;

  shumate_viewport_location_to_widget_coords (viewport, widget,
                                              self->home_latitude, self->home_longitude,
                                              &cx, &cy);
  meters_per_pixel = amap_projection_meters_per_pixel (self->home_latitude, zoom);
  gdk_rgba_parse (&color, RING_COLOR);

  for (guint i = 0; i < self->ring_miles->len; i++)
    {
      double miles = g_array_index (self->ring_miles, double, i);
      double radius = miles * METERS_PER_MILE / meters_per_pixel;
      g_autoptr(PangoLayout) layout = NULL;
      g_autofree char *text = NULL;
      const char *label;
      int tw, th;

      /* Too small to read, or far bigger than any screen. */
      if (radius < 12 || radius > 20000)
        continue;

      cairo_new_path (cr);
      cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.03);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.6);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      label = ring_label (miles);
      if (label == NULL)
        /* Translators: a distance in miles, abbreviated: "1 mi". */
        text = g_strdup_printf (_("%g mi"), miles);
      layout = gtk_widget_create_pango_layout (widget, label ? label : text);
      pango_layout_get_pixel_size (layout, &tw, &th);

      /* A label on a light pill at the top of the ring. */
      cairo_new_path (cr);
      cairo_rectangle (cr, cx - tw / 2.0 - 4, cy - radius - th / 2.0 - 1, tw + 8, th + 2);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
      cairo_fill (cr);
      cairo_move_to (cr, cx - tw / 2.0, cy - radius - th / 2.0);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.9);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
amap_shape_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AmapShapeLayer *self = AMAP_SHAPE_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double zoom, map_size, cux, cuy, reach;
  cairo_t *cr;

  self->n_visible_shapes = 0;

  if (viewport == NULL || width <= 0 || height <= 0
      || shumate_viewport_get_reference_map_source (viewport) == NULL)
    return;

  zoom = shumate_viewport_get_zoom_level (viewport);
  map_size = amap_projection_get_map_size (zoom);
  amap_projection_location_to_unit (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                    shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                    &cux, &cuy);
  reach = sqrt (width * width + height * height) / 2 / map_size;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  draw_rings (self, cr, zoom);

  for (guint i = 0; i < self->shapes->len; i++)
    {
      Shape *shape = g_ptr_array_index (self->shapes, i);
      GdkRGBA color;

      if (shape == NULL
          || shape->max_x < cux - reach || shape->min_x > cux + reach
          || shape->max_y < cuy - reach || shape->min_y > cuy + reach)
        continue;

      self->n_visible_shapes++;
      if (!gdk_rgba_parse (&color, lookup_color (self, shape->category)))
        gdk_rgba_parse (&color, FALLBACK_COLOR);

      /* Build the path in unit coordinates, stroke in pixels. */
      cairo_save (cr);
      cairo_translate (cr, width / 2, height / 2);
      cairo_rotate (cr, shumate_viewport_get_rotation (viewport));
      cairo_scale (cr, map_size, map_size);
      cairo_translate (cr, -cux, -cuy);
      cairo_new_path (cr);
      for (guint p = 0; p < shape->parts->len; p++)
        {
          Part *part = g_ptr_array_index (shape->parts, p);
          const double *pts = (const double *) (void *) part->points->data;

          cairo_move_to (cr, pts[0], pts[1]);
          for (guint k = 2; k + 1 < part->points->len; k += 2)
            cairo_line_to (cr, pts[k], pts[k + 1]);
          if (part->closed)
            cairo_close_path (cr);
        }
      cairo_restore (cr);

      if (shape->filled)
        {
          cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
          cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.15);
          cairo_fill_preserve (cr);
        }
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.9);
      cairo_set_line_width (cr, shape->filled ? 2 : 3);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

static void
on_categories_changed_cb (AmapShapeLayer *self)
{
  g_hash_table_remove_all (self->colors);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_viewport_changed_cb (AmapShapeLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_items_changed_cb (GListModel     *model,
                     guint           position,
                     guint           removed,
                     guint           added,
                     AmapShapeLayer *self)
{
  g_ptr_array_remove_range (self->shapes, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (self->shapes, position + i, shape_new (asset));
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
amap_shape_layer_constructed (GObject *object)
{
  AmapShapeLayer *self = AMAP_SHAPE_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (amap_shape_layer_parent_class)->constructed (object);

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
amap_shape_layer_dispose (GObject *object)
{
  AmapShapeLayer *self = AMAP_SHAPE_LAYER (object);

  amap_shape_layer_set_model (self, NULL);
  amap_shape_layer_set_store (self, NULL);

  G_OBJECT_CLASS (amap_shape_layer_parent_class)->dispose (object);
}

static void
amap_shape_layer_finalize (GObject *object)
{
  AmapShapeLayer *self = AMAP_SHAPE_LAYER (object);

  g_ptr_array_unref (self->shapes);
  g_array_unref (self->ring_miles);
  g_hash_table_unref (self->colors);

  G_OBJECT_CLASS (amap_shape_layer_parent_class)->finalize (object);
}

static void
amap_shape_layer_class_init (AmapShapeLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_shape_layer_constructed;
  object_class->dispose = amap_shape_layer_dispose;
  object_class->finalize = amap_shape_layer_finalize;

  widget_class->snapshot = amap_shape_layer_snapshot;

  gtk_widget_class_set_css_name (widget_class, "amap-shape-layer");
}

static void
amap_shape_layer_init (AmapShapeLayer *self)
{
  self->shapes = g_ptr_array_new_with_free_func (shape_free);
  self->ring_miles = g_array_new (FALSE, FALSE, sizeof (double));
  self->colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

AmapShapeLayer *
amap_shape_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (AMAP_TYPE_SHAPE_LAYER, "viewport", viewport, NULL);
}

void
amap_shape_layer_set_model (AmapShapeLayer *self,
                            GListModel     *model)
{
  g_return_if_fail (AMAP_IS_SHAPE_LAYER (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->model, on_items_changed_cb, self);
      g_ptr_array_set_size (self->shapes, 0);
    }

  g_set_object (&self->model, model);

  if (model != NULL)
    {
      g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
      on_items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), self);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
amap_shape_layer_set_store (AmapShapeLayer *self,
                            AmapStore      *store)
{
  g_return_if_fail (AMAP_IS_SHAPE_LAYER (self));
  g_return_if_fail (store == NULL || AMAP_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_categories_changed_cb, self);

  g_set_object (&self->store, store);

  if (store != NULL)
    g_signal_connect_swapped (store, "categories-changed",
                              G_CALLBACK (on_categories_changed_cb), self);

  on_categories_changed_cb (self);
}

void
amap_shape_layer_set_rings (AmapShapeLayer *self,
                            gboolean        has_home,
                            double          latitude,
                            double          longitude,
                            const double   *miles,
                            guint           n_rings)
{
  g_return_if_fail (AMAP_IS_SHAPE_LAYER (self));
  g_return_if_fail (miles != NULL || n_rings == 0);

  self->has_home = has_home && amap_coordinates_are_valid (latitude, longitude);
  self->home_latitude = latitude;
  self->home_longitude = longitude;
  g_array_set_size (self->ring_miles, 0);
  for (guint i = 0; i < n_rings; i++)
    if (isfinite (miles[i]) && miles[i] > 0)
      g_array_append_val (self->ring_miles, miles[i]);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
amap_shape_layer_get_n_visible_shapes (AmapShapeLayer *self)
{
  g_return_val_if_fail (AMAP_IS_SHAPE_LAYER (self), 0);

  return self->n_visible_shapes;
}
