/* amap-pin-layer.c: every asset's pin, drawn by one layer in one snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-pin-layer"

#include <math.h>

#include "amap-category.h"
#include "amap-cluster.h"
#include "amap-pin-render.h"
#include "amap-pin-layer.h"
#include "amap-projection.h"

/* Sizes in logical pixels, as amap-pin-render.h draws them. */
#define CELL_SIZE AMAP_PIN_RENDER_CELL_SIZE
#define CLUSTER_MAX_ZOOM AMAP_PIN_RENDER_CLUSTER_MAX_ZOOM
#define TEXTURE_MARGIN AMAP_PIN_RENDER_MARGIN
#define HOME_SIZE AMAP_PIN_RENDER_HOME_SIZE
/* The tallest pin (a selected hub), for what may reach into the view. */
#define MAX_PIN_HEIGHT (46.0 * 1.2)

#define FALLBACK_COLOR AMAP_PIN_RENDER_FALLBACK_COLOR
#define FALLBACK_ICON AMAP_PIN_RENDER_FALLBACK_ICON
#define MIXED_CLUSTER_COLOR AMAP_PIN_RENDER_MIXED_COLOR

typedef struct
{
  AmapAsset  *asset;
  double      ux;          /* unit Web Mercator; NAN without location */
  double      uy;
  /* Its unselected texture (owned by the layer's cache) while
   * texture_generation is the layer's: no key to build per pin per frame. */
  GdkTexture *texture;
  guint       texture_generation;
} Pin;

/* A cluster of one zoom step, kept while the pins and the selection stay:
 * in unit Web Mercator, so that it can be drawn at any zoom near its step. */
typedef struct
{
  double  ux;             /* centroid */
  double  uy;
  float   min_ux, min_uy, max_ux, max_uy;   /* a pixel is plenty for a fit */
  gint32  row;            /* its cell of the step's index grid */
  gint32  col;
  guint   count;
  guint   pin : 31;       /* the pin (count 1), or the first member */
  guint   mixed : 1;      /* members of more than one category */
} StepCluster;

/* Every pin but the selected and the dragged one, clustered at one integer
 * zoom, sorted by the cells of a coarse grid for the view's lookup. */
typedef struct
{
  GArray *clusters;       /* StepCluster, by (row, col) */
  double  index_cell;     /* the grid's cell in unit coordinates */
} Step;

typedef enum
{
  ITEM_PIN,
  ITEM_CLUSTER,
} ItemKind;

typedef struct
{
  ItemKind  kind;
  double    x;            /* the anchor, in layer coordinates */
  double    y;
  Pin      *pin;          /* ITEM_PIN */
  gboolean  selected;
  guint     count;        /* ITEM_CLUSTER */
  char     *color;        /* ITEM_CLUSTER: "#rrggbb" */
  double    min_ux, min_uy, max_ux, max_uy;
  double    diameter;
} DrawnItem;

struct _AmapPinLayer
{
  ShumateLayer  parent_instance;

  GListModel   *model;
  AmapStore    *store;
  char         *selected_uuid;
  GPtrArray    *pins;            /* Pin *, parallel to the model */
  GHashTable   *categories;      /* key -> AmapCategory */

  gboolean      has_home;
  double        home_latitude;
  double        home_longitude;

  char         *drag_uuid;
  double        drag_x;
  double        drag_y;

  /* What the last layout drew, bottom to top. */
  gboolean      layout_valid;
  GArray       *items;           /* DrawnItem */
  GArray       *boxes;           /* AmapHitBox, parallel to items */
  guint         n_visible_assets;
  gboolean      home_visible;
  double        home_x;
  double        home_y;

  GHashTable   *textures;        /* "key|hub|selected|scale" -> GdkTexture */
  GHashTable   *badges;          /* "count|color|scale" -> GdkTexture */
  guint         texture_generation;
  int           texture_scale;
  AmapPinDrawing drawing;

  /* Clusters per zoom step (index CLUSTER_MAX_ZOOM: every pin on its own),
   * made when first needed and kept across pans and zooms until the pins,
   * the selection or the dragged pin change. */
  Step         *steps[(int) CLUSTER_MAX_ZOOM + 1];
  int           current_step;    /* the one the last layout drew, or -1 */
  /* The pins that never join a cluster (selected, dragged), or -1. */
  gboolean      special_valid;
  int           special[2];
};

G_DEFINE_FINAL_TYPE (AmapPinLayer, amap_pin_layer, SHUMATE_TYPE_LAYER)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_STORE,
  PROP_SELECTED_UUID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pin_free (gpointer data)
{
  Pin *pin = data;

  g_clear_object (&pin->asset);
  g_free (pin);
}

static Pin *
pin_new (AmapAsset *asset)
{
  Pin *pin = g_new0 (Pin, 1);

  pin->asset = g_object_ref (asset);
  if (amap_asset_get_has_location (asset)
      && amap_coordinates_are_valid (amap_asset_get_latitude (asset),
                                     amap_asset_get_longitude (asset)))
    amap_projection_location_to_unit (amap_asset_get_latitude (asset),
                                      amap_asset_get_longitude (asset),
                                      &pin->ux, &pin->uy);
  else
    pin->ux = pin->uy = NAN;

  return pin;
}

static void
drawn_item_clear (gpointer data)
{
  DrawnItem *item = data;

  g_clear_pointer (&item->color, g_free);
}

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Every pin's cached texture goes with the cache (the pins hold none). */
static void
clear_textures (AmapPinLayer *self)
{
  if (self->textures != NULL)
    g_hash_table_remove_all (self->textures);
  if (self->badges != NULL)
    g_hash_table_remove_all (self->badges);
  self->texture_generation++;
}

static void
invalidate_layout (AmapPinLayer *self)
{
  self->layout_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The category of @key (transfer none): from the store, else a built-in,
 * kept until the categories change. */
static AmapCategory *
find_category (AmapPinLayer *self,
               const char   *key)
{
  AmapCategory *category;

  category = g_hash_table_lookup (self->categories, key);
  if (category != NULL)
    return category;

  if (self->store != NULL)
    category = amap_store_lookup_category (self->store, key);
  if (category == NULL)
    category = amap_category_lookup_builtin (key);

  /* A reference: the store's own may go when its categories change. */
  if (category != NULL)
    g_hash_table_insert (self->categories, g_strdup (key), g_object_ref (category));

  return category;
}

/* Color and icon of a category key; a gray location pin when unknown. */
static void
lookup_category (AmapPinLayer  *self,
                 const char    *key,
                 const char   **color,
                 const char   **icon_name)
{
  AmapCategory *category = NULL;

  *color = FALLBACK_COLOR;
  *icon_name = FALLBACK_ICON;

  if (key != NULL)
    category = find_category (self, key);
  if (category == NULL)
    return;

  if (amap_color_is_valid (amap_category_get_color (category)))
    *color = amap_category_get_color (category);
  if (amap_category_get_icon_name (category) != NULL)
    *icon_name = amap_category_get_icon_name (category);
}

static AmapPinStyle
pin_style (gboolean hub,
           gboolean selected)
{
  return (hub ? AMAP_PIN_STYLE_HUB : 0) | (selected ? AMAP_PIN_STYLE_SELECTED : 0);
}

static void
pin_size (gboolean  hub,
          gboolean  selected,
          double   *head,
          double   *height)
{
  amap_pin_render_get_size (pin_style (hub, selected), head, height);
}

static GQuark
surface_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("amap-pin-layer-surface");
  return quark;
}

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface)
                       * cairo_image_surface_get_height (surface));

  /* GDK_MEMORY_DEFAULT is cairo's ARGB32 in native byte order. */
  texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                    cairo_image_surface_get_height (surface),
                                    GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  /* The cairo renderer paints the surface itself: see draw_with_cairo(). */
  g_object_set_qdata_full (G_OBJECT (texture), surface_quark (),
                           cairo_surface_reference (surface),
                           (GDestroyNotify) cairo_surface_destroy);
  return texture;
}

static void
texture_size (gboolean  hub,
              gboolean  selected,
              double   *width,
              double   *height)
{
  amap_pin_render_get_box (pin_style (hub, selected), width, height);
}

/* The pins are drawn by amap-pin-render.c, as on paper and in a KMZ. */
static GdkTexture *
render_pin (AmapPinLayer *self,
            const char   *color_str,
            const char   *icon_name,
            gboolean      hub,
            gboolean      selected,
            int           scale)
{
  cairo_surface_t *surface;
  GdkTexture *texture;

  surface = amap_pin_render_create_surface (color_str, icon_name, pin_style (hub, selected), scale);
  texture = texture_from_surface (surface);
  cairo_surface_destroy (surface);

  return texture;
}

static GdkTexture *
render_home (AmapPinLayer *self,
             int           scale)
{
  double size = HOME_SIZE + 2 * TEXTURE_MARGIN;
  cairo_surface_t *surface;
  cairo_t *cr;
  GdkTexture *texture;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        (int) (size * scale), (int) (size * scale));
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  amap_pin_render_draw_home (cr, size / 2, size / 2);
  cairo_destroy (cr);
  texture = texture_from_surface (surface);
  cairo_surface_destroy (surface);

  return texture;
}

static GdkTexture *
get_pin_texture (AmapPinLayer *self,
                 Pin          *pin,
                 gboolean      selected)
{
  const char *key = amap_asset_get_category (pin->asset);
  gboolean hub = amap_asset_get_is_hub (pin->asset);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  g_autofree char *cache_key = NULL;
  GdkTexture *texture;

  cache_key = g_strdup_printf ("%s|%d|%d|%d", key ? key : "", hub, selected, scale);
  texture = g_hash_table_lookup (self->textures, cache_key);
  if (texture == NULL)
    {
      const char *color, *icon_name;

      lookup_category (self, key, &color, &icon_name);
      texture = render_pin (self, color, icon_name, hub, selected, scale);
      g_hash_table_insert (self->textures, g_steal_pointer (&cache_key), texture);
    }

  return texture;
}

static GdkTexture *
get_home_texture (AmapPinLayer *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  g_autofree char *cache_key = g_strdup_printf ("home|%d", scale);
  GdkTexture *texture = g_hash_table_lookup (self->textures, cache_key);

  if (texture == NULL)
    {
      texture = render_home (self, scale);
      g_hash_table_insert (self->textures, g_steal_pointer (&cache_key), texture);
    }

  return texture;
}

static int
compare_items_by_y (gconstpointer a,
                    gconstpointer b)
{
  const DrawnItem *ia = a;
  const DrawnItem *ib = b;

  /* The selected pin on top of everything; else southern pins in front. */
  if (ia->selected != ib->selected)
    return ia->selected ? 1 : -1;
  if (ia->y != ib->y)
    return ia->y < ib->y ? -1 : 1;
  return ia->x < ib->x ? -1 : (ia->x > ib->x ? 1 : 0);
}

static double
cluster_diameter (guint count)
{
  return amap_pin_render_cluster_diameter (count);
}

static void
add_pin_item (AmapPinLayer *self,
              Pin          *pin,
              gboolean      selected,
              double        x,
              double        y)
{
  DrawnItem item = { 0 };

  item.kind = ITEM_PIN;
  item.pin = pin;
  item.x = x;
  item.y = y;
  item.selected = selected;
  g_array_append_val (self->items, item);
}

/* Clusters of one zoom step */

static void
step_free (Step *step)
{
  if (step == NULL)
    return;
  g_array_unref (step->clusters);
  g_free (step);
}

static void
clear_steps (AmapPinLayer *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->steps); i++)
    g_clear_pointer (&self->steps[i], step_free);
}

/* The pins, the selection or the dragged pin changed: what was clustered
 * is gone. */
static void
invalidate_clusters (AmapPinLayer *self)
{
  clear_steps (self);
  self->special_valid = FALSE;
}

/* The step whose clusters a view at @zoom shows: the nearest integer zoom,
 * so that badges change as the zoom passes a half step and not on every
 * frame of a zoom; from CLUSTER_MAX_ZOOM on, every pin stands alone (as
 * before, the badges break up at street level, not half a step before). */
static int
zoom_step (double zoom)
{
  if (zoom >= CLUSTER_MAX_ZOOM)
    return (int) CLUSTER_MAX_ZOOM;
  return CLAMP ((int) round (zoom), 0, (int) CLUSTER_MAX_ZOOM - 1);
}

static gboolean
is_special (AmapPinLayer *self,
            guint         index)
{
  return self->special[0] == (int) index || self->special[1] == (int) index;
}

/* Finds the selected and the dragged pin once, not on every frame. */
static void
ensure_special (AmapPinLayer *self)
{
  if (self->special_valid)
    return;

  self->special_valid = TRUE;
  self->special[0] = self->special[1] = -1;
  if (self->selected_uuid == NULL && self->drag_uuid == NULL)
    return;

  for (guint i = 0; i < self->pins->len; i++)
    {
      Pin *pin = g_ptr_array_index (self->pins, i);
      const char *uuid = amap_asset_get_uuid (pin->asset);

      if (uuid == NULL)
        continue;
      if (self->special[0] < 0 && g_strcmp0 (uuid, self->selected_uuid) == 0)
        self->special[0] = (int) i;
      else if (self->special[1] < 0 && g_strcmp0 (uuid, self->drag_uuid) == 0)
        self->special[1] = (int) i;
    }
}

static int
step_cluster_compare (gconstpointer a,
                      gconstpointer b)
{
  const StepCluster *ca = a;
  const StepCluster *cb = b;

  if (ca->row != cb->row)
    return ca->row < cb->row ? -1 : 1;
  if (ca->col != cb->col)
    return ca->col < cb->col ? -1 : 1;
  if (ca->uy != cb->uy)
    return ca->uy < cb->uy ? -1 : 1;
  return ca->ux < cb->ux ? -1 : (ca->ux > cb->ux ? 1 : 0);
}

/* Clusters every located pin (but the special ones) in the world pixels of
 * zoom @number: the same clusters, wherever the view is. */
static Step *
build_step (AmapPinLayer *self,
            int           number)
{
  double map_size = amap_projection_get_map_size (number);
  g_autoptr(GArray) points = NULL;
  g_autoptr(GPtrArray) clusters = NULL;
  Step *step = g_new0 (Step, 1);

  points = g_array_sized_new (FALSE, FALSE, sizeof (AmapClusterPoint), self->pins->len);
  for (guint i = 0; i < self->pins->len; i++)
    {
      Pin *pin = g_ptr_array_index (self->pins, i);
      AmapClusterPoint point;

      if (isnan (pin->ux) || is_special (self, i))
        continue;
      point.x = pin->ux * map_size;
      point.y = pin->uy * map_size;
      point.id = i;
      g_array_append_val (points, point);
    }

  clusters = amap_cluster_points ((AmapClusterPoint *) (void *) points->data, points->len,
                                  number >= CLUSTER_MAX_ZOOM ? 1e-6 : CELL_SIZE);

  /* A view is a few of these cells wide. */
  step->index_cell = 8 * CELL_SIZE / map_size;
  step->clusters = g_array_sized_new (FALSE, FALSE, sizeof (StepCluster), clusters->len);
  for (guint c = 0; c < clusters->len; c++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, c);
      StepCluster entry = { 0 };

      entry.ux = cluster->x / map_size;
      entry.uy = cluster->y / map_size;
      entry.min_ux = cluster->min_x / map_size;
      entry.min_uy = cluster->min_y / map_size;
      entry.max_ux = cluster->max_x / map_size;
      entry.max_uy = cluster->max_y / map_size;
      entry.row = (gint32) floor (entry.uy / step->index_cell);
      entry.col = (gint32) floor (entry.ux / step->index_cell);
      entry.count = cluster->n_members;
      entry.pin = cluster->members[0];
      if (entry.count > 1)
        {
          Pin *first = g_ptr_array_index (self->pins, entry.pin);
          const char *category = amap_asset_get_category (first->asset);

          for (guint k = 1; k < cluster->n_members && !entry.mixed; k++)
            {
              Pin *pin = g_ptr_array_index (self->pins, cluster->members[k]);

              if (g_strcmp0 (category, amap_asset_get_category (pin->asset)) != 0)
                entry.mixed = TRUE;
            }
        }
      g_array_append_val (step->clusters, entry);
    }
  g_array_sort (step->clusters, step_cluster_compare);

  return step;
}

static Step *
ensure_step (AmapPinLayer *self,
             int           number)
{
  g_assert (number >= 0 && number < (int) G_N_ELEMENTS (self->steps));

  if (self->steps[number] == NULL)
    {
      gint64 start = g_get_monotonic_time ();
      guint total = 0;

      self->steps[number] = build_step (self, number);
      g_debug ("Clustered %u pins at zoom %d: %u clusters, %.1f ms", self->pins->len, number,
               self->steps[number]->clusters->len, (g_get_monotonic_time () - start) / 1000.0);

      /* Steps stay for a zoom back (a zoom out passes the steps a zoom in
       * made), within a budget of two clusters a pin (about 11 MiB at
       * 100,000 pins, when every step keeps most pins apart): beyond it
       * the steps farthest from this one go, never the one drawn before. */
      for (guint i = 0; i < G_N_ELEMENTS (self->steps); i++)
        if (self->steps[i] != NULL)
          total += self->steps[i]->clusters->len;
      while (total > 2 * MAX (self->pins->len, 1024))
        {
          int farthest = -1;

          for (int i = 0; i < (int) G_N_ELEMENTS (self->steps); i++)
            if (self->steps[i] != NULL && i != number && i != self->current_step
                && (farthest < 0 || ABS (i - number) > ABS (farthest - number)))
              farthest = i;
          if (farthest < 0)
            break;
          total -= self->steps[farthest]->clusters->len;
          g_clear_pointer (&self->steps[farthest], step_free);
        }
    }
  self->current_step = number;
  return self->steps[number];
}

/* The first cluster of @step at or after the cell (@row, @col). */
static guint
step_lower_bound (Step   *step,
                  gint64  row,
                  gint64  col)
{
  guint low = 0, high = step->clusters->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      const StepCluster *entry = &g_array_index (step->clusters, StepCluster, mid);

      if (entry->row < row || (entry->row == row && entry->col < col))
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* Where unit coordinates land in the layer: what
 * shumate_viewport_location_to_widget_coords() does, without going through
 * degrees for every pin. */
typedef struct
{
  double center_ux;
  double center_uy;
  double map_size;
  double half_width;
  double half_height;
  double cos_r;
  double sin_r;
} ViewTransform;

static void
view_transform_apply (const ViewTransform *view,
                      double               ux,
                      double               uy,
                      double              *x,
                      double              *y)
{
  double dx = (ux - view->center_ux) * view->map_size;
  double dy = (uy - view->center_uy) * view->map_size;

  *x = view->cos_r * dx - view->sin_r * dy + view->half_width;
  *y = view->sin_r * dx + view->cos_r * dy + view->half_height;
}

static void
add_pin_at (AmapPinLayer        *self,
            const ViewTransform *view,
            guint                index)
{
  Pin *pin = g_ptr_array_index (self->pins, index);
  double x, y;

  if (self->drag_uuid != NULL && (int) index == self->special[1])
    {
      x = self->drag_x;
      y = self->drag_y;
    }
  else
    view_transform_apply (view, pin->ux, pin->uy, &x, &y);
  add_pin_item (self, pin, self->selected_uuid != NULL && (int) index == self->special[0], x, y);
}

static void
ensure_layout (AmapPinLayer *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double zoom, reach, margin;
  ViewTransform view;
  Step *step;
  gint64 row_first, row_last, col_first, col_last;

  if (self->layout_valid)
    return;

  self->layout_valid = TRUE;
  g_array_set_size (self->items, 0);
  g_array_set_size (self->boxes, 0);
  self->n_visible_assets = 0;
  self->home_visible = FALSE;

  if (viewport == NULL || width <= 0 || height <= 0
      || shumate_viewport_get_reference_map_source (viewport) == NULL)
    return;

  zoom = shumate_viewport_get_zoom_level (viewport);
  view.map_size = amap_projection_get_map_size (zoom);
  view.half_width = width / 2;
  view.half_height = height / 2;
  view.cos_r = cos (shumate_viewport_get_rotation (viewport));
  view.sin_r = sin (shumate_viewport_get_rotation (viewport));
  amap_projection_location_to_unit (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                    shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                    &view.center_ux, &view.center_uy);

  /* Anything within half the diagonal (the view may be rotated) plus a
   * pin's size of the centre may show; the rest is never looked at. */
  margin = MAX_PIN_HEIGHT + CELL_SIZE;
  reach = (sqrt (width * width + height * height) / 2 + margin) / view.map_size;

  /* The selected and the dragged pin never hide in a cluster. */
  ensure_special (self);
  for (guint k = 0; k < G_N_ELEMENTS (self->special); k++)
    if (self->special[k] >= 0 && (k == 0 || self->special[1] != self->special[0]))
      {
        Pin *pin = g_ptr_array_index (self->pins, self->special[k]);

        if (!isnan (pin->ux)
            && fabs (pin->ux - view.center_ux) <= reach
            && fabs (pin->uy - view.center_uy) <= reach)
          add_pin_at (self, &view, self->special[k]);
      }

  /* The step's clusters in the cells the view reaches. */
  step = ensure_step (self, zoom_step (zoom));
  row_first = (gint64) floor ((view.center_uy - reach) / step->index_cell);
  row_last = (gint64) floor ((view.center_uy + reach) / step->index_cell);
  col_first = (gint64) floor ((view.center_ux - reach) / step->index_cell);
  col_last = (gint64) floor ((view.center_ux + reach) / step->index_cell);
  for (gint64 row = row_first; row <= row_last; row++)
    for (guint c = step_lower_bound (step, row, col_first); c < step->clusters->len; c++)
      {
        const StepCluster *cluster = &g_array_index (step->clusters, StepCluster, c);
        DrawnItem item = { 0 };
        const char *color, *icon_name;
        double x, y;

        if (cluster->row != row || cluster->col > col_last)
          break;
        if (fabs (cluster->ux - view.center_ux) > reach
            || fabs (cluster->uy - view.center_uy) > reach)
          continue;

        if (cluster->count == 1)
          {
            add_pin_at (self, &view, cluster->pin);
            continue;
          }

        view_transform_apply (&view, cluster->ux, cluster->uy, &x, &y);
        item.kind = ITEM_CLUSTER;
        item.x = x;
        item.y = y;
        item.count = cluster->count;
        item.diameter = cluster_diameter (cluster->count);
        item.min_ux = cluster->min_ux;
        item.min_uy = cluster->min_uy;
        item.max_ux = cluster->max_ux;
        item.max_uy = cluster->max_uy;
        if (cluster->mixed)
          item.color = g_strdup (MIXED_CLUSTER_COLOR);
        else
          {
            Pin *pin = g_ptr_array_index (self->pins, cluster->pin);

            lookup_category (self, amap_asset_get_category (pin->asset), &color, &icon_name);
            item.color = g_strdup (color);
          }
        g_array_append_val (self->items, item);
      }

  /* Keep what is in view, then stack it. */
  for (guint i = self->items->len; i > 0; i--)
    {
      DrawnItem *item = &g_array_index (self->items, DrawnItem, i - 1);

      if (item->x < -margin || item->x > width + margin
          || item->y < -margin || item->y > height + margin)
        g_array_remove_index_fast (self->items, i - 1);
    }
  g_array_sort (self->items, compare_items_by_y);

  for (guint i = 0; i < self->items->len; i++)
    {
      DrawnItem *item = &g_array_index (self->items, DrawnItem, i);
      AmapHitBox box = { 0 };

      box.x = item->x;
      box.y = item->y;
      box.id = i;
      if (item->kind == ITEM_PIN)
        {
          double head, pin_height;

          pin_size (amap_asset_get_is_hub (item->pin->asset), item->selected,
                    &head, &pin_height);
          box.width = head;
          box.height = pin_height;
          box.anchor_x = head / 2;
          box.anchor_y = pin_height;
          self->n_visible_assets++;
        }
      else
        {
          box.width = box.height = item->diameter;
          box.anchor_x = box.anchor_y = item->diameter / 2;
          self->n_visible_assets += item->count;
        }
      g_array_append_val (self->boxes, box);
    }

  if (self->has_home)
    {
      shumate_viewport_location_to_widget_coords (viewport, widget,
                                                  self->home_latitude, self->home_longitude,
                                                  &self->home_x, &self->home_y);
      self->home_visible = self->home_x > -HOME_SIZE && self->home_x < width + HOME_SIZE
                           && self->home_y > -HOME_SIZE && self->home_y < height + HOME_SIZE;
    }
}

/* The badge's image: its halo and a pixel of antialiasing all round. */
static double
badge_size (guint count)
{
  return cluster_diameter (count) + 2 * 5 + 4;
}

/* Badges are drawn once per count and color, like the pins: as a path and
 * a text layout on every frame they were most of the frame's cost. */
static GdkTexture *
get_badge_texture (AmapPinLayer *self,
                   guint         count,
                   const char   *color)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  g_autofree char *cache_key = g_strdup_printf ("%u|%s|%d", count, color, scale);
  GdkTexture *texture = g_hash_table_lookup (self->badges, cache_key);

  if (texture == NULL)
    {
      double size = badge_size (count);
      cairo_surface_t *surface;
      cairo_t *cr;

      /* Counts come and go as the view moves; a few hundred are in use. */
      if (g_hash_table_size (self->badges) >= 1024)
        g_hash_table_remove_all (self->badges);

      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            (int) ceil (size * scale), (int) ceil (size * scale));
      cr = cairo_create (surface);
      cairo_scale (cr, scale, scale);
      amap_pin_render_draw_cluster (cr, size / 2, size / 2, count, color);
      cairo_destroy (cr);
      texture = texture_from_surface (surface);
      cairo_surface_destroy (surface);
      g_hash_table_insert (self->badges, g_steal_pointer (&cache_key), texture);
    }

  return texture;
}

/* What @item draws and where. */
static GdkTexture *
item_texture (AmapPinLayer    *self,
              DrawnItem       *item,
              graphene_rect_t *rect)
{
  GdkTexture *texture;
  double width, height;

  if (item->kind == ITEM_CLUSTER)
    {
      double size = badge_size (item->count);

      graphene_rect_init (rect, round (item->x - size / 2), round (item->y - size / 2), size, size);
      return get_badge_texture (self, item->count, item->color);
    }

  if (item->selected)
    texture = get_pin_texture (self, item->pin, TRUE);
  else
    {
      if (item->pin->texture_generation != self->texture_generation
          || item->pin->texture == NULL)
        {
          item->pin->texture = get_pin_texture (self, item->pin, FALSE);
          item->pin->texture_generation = self->texture_generation;
        }
      texture = item->pin->texture;
    }

  texture_size (amap_asset_get_is_hub (item->pin->asset), item->selected, &width, &height);
  /* The tip sits TEXTURE_MARGIN above the texture's bottom. */
  graphene_rect_init (rect, round (item->x - width / 2), round (item->y - height + TEXTURE_MARGIN),
                      width, height);
  return texture;
}

/*
 * GTK 4.8's cairo renderer copies (converts) a texture's pixels into a new
 * surface each time it draws a texture node: with thousands of pins in
 * view, that was most of a frame. Under that renderer the pins go into one
 * cairo node that paints the images the textures were made from; the GL
 * renderers keep the textures, which they upload once.
 */
static gboolean
use_cairo (AmapPinLayer *self)
{
  GtkNative *native;
  GskRenderer *renderer;

  if (self->drawing != AMAP_PIN_DRAWING_AUTO)
    return self->drawing == AMAP_PIN_DRAWING_CAIRO;

  native = gtk_widget_get_native (GTK_WIDGET (self));
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

static void
amap_pin_layer_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (widget);
  int scale = gtk_widget_get_scale_factor (widget);

  ensure_layout (self);

  if (scale != self->texture_scale)
    {
      clear_textures (self);
      self->texture_scale = scale;
    }

  if (self->home_visible)
    {
      GdkTexture *texture = get_home_texture (self);
      double size = HOME_SIZE + 2 * TEXTURE_MARGIN;

      gtk_snapshot_append_texture (snapshot, texture,
                                   &GRAPHENE_RECT_INIT (round (self->home_x - size / 2),
                                                        round (self->home_y - size / 2),
                                                        size, size));
    }

  if (self->items->len == 0)
    return;

  if (use_cairo (self))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                               &GRAPHENE_RECT_INIT (0, 0,
                                                                    gtk_widget_get_width (widget),
                                                                    gtk_widget_get_height (widget)));

      for (guint i = 0; i < self->items->len; i++)
        {
          DrawnItem *item = &g_array_index (self->items, DrawnItem, i);
          graphene_rect_t rect;
          GdkTexture *texture = item_texture (self, item, &rect);
          cairo_surface_t *surface = g_object_get_qdata (G_OBJECT (texture), surface_quark ());

          cairo_save (cr);
          cairo_translate (cr, rect.origin.x, rect.origin.y);
          cairo_scale (cr, rect.size.width / cairo_image_surface_get_width (surface),
                       rect.size.height / cairo_image_surface_get_height (surface));
          cairo_set_source_surface (cr, surface, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
          cairo_paint (cr);
          cairo_restore (cr);
        }
      cairo_destroy (cr);
      return;
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      DrawnItem *item = &g_array_index (self->items, DrawnItem, i);
      graphene_rect_t rect;
      GdkTexture *texture = item_texture (self, item, &rect);

      gtk_snapshot_append_texture (snapshot, texture, &rect);
    }
}

static void
amap_pin_layer_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (widget);

  self->layout_valid = FALSE;

  GTK_WIDGET_CLASS (amap_pin_layer_parent_class)->size_allocate (widget, width, height, baseline);
}

static void
on_viewport_changed_cb (AmapPinLayer *self)
{
  invalidate_layout (self);
}

static void
on_items_changed_cb (GListModel   *model,
                     guint         position,
                     guint         removed,
                     guint         added,
                     AmapPinLayer *self)
{
  g_autoptr(GPtrArray) new_pins = g_ptr_array_new ();

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, position + i);

      g_ptr_array_add (new_pins, pin_new (asset));
    }

  g_ptr_array_remove_range (self->pins, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (self->pins, position + i, g_ptr_array_index (new_pins, i));

  invalidate_clusters (self);
  invalidate_layout (self);
}

static void
on_categories_changed_cb (AmapPinLayer *self)
{
  g_hash_table_remove_all (self->categories);
  clear_textures (self);
  invalidate_layout (self);
}

static void
amap_pin_layer_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (widget);

  GTK_WIDGET_CLASS (amap_pin_layer_parent_class)->css_changed (widget, change);

  /* The icon theme may have changed. */
  clear_textures (self);
}

static void
amap_pin_layer_constructed (GObject *object)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (amap_pin_layer_parent_class)->constructed (object);

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
amap_pin_layer_dispose (GObject *object)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (object);

  amap_pin_layer_set_model (self, NULL);
  amap_pin_layer_set_store (self, NULL);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_clear_pointer (&self->badges, g_hash_table_unref);
  g_clear_pointer (&self->categories, g_hash_table_unref);

  G_OBJECT_CLASS (amap_pin_layer_parent_class)->dispose (object);
}

static void
amap_pin_layer_finalize (GObject *object)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (object);

  g_free (self->selected_uuid);
  g_free (self->drag_uuid);
  clear_steps (self);
  g_ptr_array_unref (self->pins);
  g_array_unref (self->items);
  g_array_unref (self->boxes);

  G_OBJECT_CLASS (amap_pin_layer_parent_class)->finalize (object);
}

static void
amap_pin_layer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SELECTED_UUID:
      g_value_set_string (value, self->selected_uuid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_pin_layer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AmapPinLayer *self = AMAP_PIN_LAYER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      amap_pin_layer_set_model (self, g_value_get_object (value));
      break;
    case PROP_STORE:
      amap_pin_layer_set_store (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_UUID:
      amap_pin_layer_set_selected_uuid (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_pin_layer_class_init (AmapPinLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_pin_layer_constructed;
  object_class->dispose = amap_pin_layer_dispose;
  object_class->finalize = amap_pin_layer_finalize;
  object_class->get_property = amap_pin_layer_get_property;
  object_class->set_property = amap_pin_layer_set_property;

  widget_class->snapshot = amap_pin_layer_snapshot;
  widget_class->size_allocate = amap_pin_layer_size_allocate;
  widget_class->css_changed = amap_pin_layer_css_changed;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_UUID] =
    g_param_spec_string ("selected-uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "amap-pin-layer");
}

static void
amap_pin_layer_init (AmapPinLayer *self)
{
  self->pins = g_ptr_array_new_with_free_func (pin_free);
  self->items = g_array_new (FALSE, TRUE, sizeof (DrawnItem));
  g_array_set_clear_func (self->items, drawn_item_clear);
  self->boxes = g_array_new (FALSE, TRUE, sizeof (AmapHitBox));
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->badges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->special[0] = self->special[1] = -1;
  self->current_step = -1;
  self->categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

AmapPinLayer *
amap_pin_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (AMAP_TYPE_PIN_LAYER, "viewport", viewport, NULL);
}

GListModel *
amap_pin_layer_get_model (AmapPinLayer *self)
{
  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), NULL);

  return self->model;
}

void
amap_pin_layer_set_model (AmapPinLayer *self,
                          GListModel   *model)
{
  g_return_if_fail (AMAP_IS_PIN_LAYER (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->model, on_items_changed_cb, self);
      g_ptr_array_set_size (self->pins, 0);
      invalidate_clusters (self);
    }

  g_set_object (&self->model, model);

  if (model != NULL)
    {
      g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
      on_items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), self);
    }

  invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

AmapStore *
amap_pin_layer_get_store (AmapPinLayer *self)
{
  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), NULL);

  return self->store;
}

void
amap_pin_layer_set_store (AmapPinLayer *self,
                          AmapStore    *store)
{
  g_return_if_fail (AMAP_IS_PIN_LAYER (self));
  g_return_if_fail (store == NULL || AMAP_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_categories_changed_cb, self);

  g_set_object (&self->store, store);

  if (store != NULL)
    g_signal_connect_swapped (store, "categories-changed",
                              G_CALLBACK (on_categories_changed_cb), self);

  if (self->textures != NULL)
    on_categories_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

const char *
amap_pin_layer_get_selected_uuid (AmapPinLayer *self)
{
  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), NULL);

  return self->selected_uuid;
}

void
amap_pin_layer_set_selected_uuid (AmapPinLayer *self,
                                  const char   *uuid)
{
  g_return_if_fail (AMAP_IS_PIN_LAYER (self));

  if (set_str (&self->selected_uuid, uuid))
    {
      invalidate_clusters (self);
      invalidate_layout (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_UUID]);
    }
}

void
amap_pin_layer_set_home (AmapPinLayer *self,
                         gboolean      has_home,
                         double        latitude,
                         double        longitude)
{
  g_return_if_fail (AMAP_IS_PIN_LAYER (self));

  self->has_home = has_home && amap_coordinates_are_valid (latitude, longitude);
  self->home_latitude = latitude;
  self->home_longitude = longitude;
  invalidate_layout (self);
}

AmapPinHit
amap_pin_layer_hit_test (AmapPinLayer  *self,
                         double         x,
                         double         y,
                         AmapAsset    **asset,
                         guint         *count,
                         double         bounds[4])
{
  guint index;
  DrawnItem *item;

  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), AMAP_PIN_HIT_NONE);

  ensure_layout (self);

  if (!amap_cluster_hit_test ((AmapHitBox *) (void *) self->boxes->data, self->boxes->len,
                              x, y, &index))
    {
      if (self->home_visible
          && fabs (x - self->home_x) <= HOME_SIZE / 2
          && fabs (y - self->home_y) <= HOME_SIZE / 2)
        return AMAP_PIN_HIT_HOME;
      return AMAP_PIN_HIT_NONE;
    }

  item = &g_array_index (self->items, DrawnItem, index);
  if (item->kind == ITEM_PIN)
    {
      if (asset != NULL)
        *asset = item->pin->asset;
      if (count != NULL)
        *count = 1;
      return AMAP_PIN_HIT_PIN;
    }

  if (count != NULL)
    *count = item->count;
  if (bounds != NULL)
    {
      double size = amap_projection_get_map_size (0);

      /* Unit square back to degrees: south-west is (min_ux, max_uy). */
      amap_projection_pixels_to_location (item->min_ux * size, item->max_uy * size, 0,
                                          &bounds[0], &bounds[1]);
      amap_projection_pixels_to_location (item->max_ux * size, item->min_uy * size, 0,
                                          &bounds[2], &bounds[3]);
    }
  return AMAP_PIN_HIT_CLUSTER;
}

guint
amap_pin_layer_get_n_visible_pins (AmapPinLayer *self)
{
  guint n = 0;

  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), 0);

  ensure_layout (self);
  for (guint i = 0; i < self->items->len; i++)
    if (g_array_index (self->items, DrawnItem, i).kind == ITEM_PIN)
      n++;

  return n;
}

guint
amap_pin_layer_get_n_visible_clusters (AmapPinLayer *self)
{
  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), 0);

  ensure_layout (self);
  return self->items->len - amap_pin_layer_get_n_visible_pins (self);
}

guint
amap_pin_layer_get_n_visible_assets (AmapPinLayer *self)
{
  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), 0);

  ensure_layout (self);
  return self->n_visible_assets;
}

void
amap_pin_layer_set_drawing (AmapPinLayer   *self,
                            AmapPinDrawing  drawing)
{
  g_return_if_fail (AMAP_IS_PIN_LAYER (self));

  self->drawing = drawing;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * amap_pin_layer_dup_visible_badges:
 *
 * Returns: (transfer full) (element-type AmapPinLayerBadge): the badges
 *   in view, bottom to top
 */
GArray *
amap_pin_layer_dup_visible_badges (AmapPinLayer *self)
{
  GArray *badges = g_array_new (FALSE, FALSE, sizeof (AmapPinLayerBadge));

  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), badges);

  ensure_layout (self);
  for (guint i = 0; i < self->items->len; i++)
    {
      DrawnItem *item = &g_array_index (self->items, DrawnItem, i);
      AmapPinLayerBadge badge = { item->x, item->y, item->count };

      if (item->kind == ITEM_CLUSTER)
        g_array_append_val (badges, badge);
    }

  return badges;
}

gboolean
amap_pin_layer_get_pin_position (AmapPinLayer *self,
                                 const char   *uuid,
                                 double       *x,
                                 double       *y)
{
  g_return_val_if_fail (AMAP_IS_PIN_LAYER (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  ensure_layout (self);
  for (guint i = 0; i < self->items->len; i++)
    {
      DrawnItem *item = &g_array_index (self->items, DrawnItem, i);

      if (item->kind == ITEM_PIN
          && g_strcmp0 (amap_asset_get_uuid (item->pin->asset), uuid) == 0)
        {
          if (x != NULL)
            *x = item->x;
          if (y != NULL)
            *y = item->y;
          return TRUE;
        }
    }

  return FALSE;
}

void
amap_pin_layer_set_drag (AmapPinLayer *self,
                         const char   *uuid,
                         double        x,
                         double        y)
{
  g_return_if_fail (AMAP_IS_PIN_LAYER (self));

  /* Only a new dragged pin reclusters; moving it does not. */
  if (set_str (&self->drag_uuid, uuid))
    invalidate_clusters (self);
  self->drag_x = x;
  self->drag_y = y;
  invalidate_layout (self);
}
