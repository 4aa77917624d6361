/* amap-map-view.c: the neighborhood map with every asset's pin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-map-view"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <shumate/shumate.h>

#include "amap-map-view.h"
#include "amap-mbtiles-source.h"
#include "amap-pin-layer.h"
#include "amap-projection.h"
#include "amap-settings.h"
#include "amap-shape-layer.h"
#include "amap-tile-source.h"

/* base-map enum of the schema */
enum {
  BASE_MAP_OPENSTREETMAP,
  BASE_MAP_CUSTOM,
  BASE_MAP_NONE,
  BASE_MAP_MBTILES,
};

#define MAX_FIT_ZOOM 17.0
#define MAX_ZOOM 19.0
#define FIT_PADDING 64.0
#define DRAG_THRESHOLD 4.0
#define GO_TO_MS 400
/* Offline, how often one tile is tried to see whether we are back. */
#define PROBE_SECONDS 60

struct _AmapMapView
{
  GtkWidget         parent_instance;

  /* Template */
  GtkOverlay       *overlay;
  ShumateSimpleMap *map;
  GtkRevealer      *offline_revealer;
  GtkRevealer      *notice_revealer;
  GtkLabel         *notice_label;
  GtkButton        *notice_button;
  GMenuModel       *context_menu;
  GMenu            *pin_section;     /* of the context menu: the pin clicked */

  AmapPinLayer     *pin_layer;
  AmapShapeLayer   *shape_layer;
  AmapTourLayer    *legs_layer;
  AmapTourLayer    *stops_layer;
  GtkWidget        *popover;
  GSettings        *settings;
  AmapTileSource   *tile_source;      /* NULL with an offline map */
  AmapMbtilesSource *mbtiles_source;  /* the offline map, or NULL */
  char             *notice;           /* shown over the map, or NULL */
  double            default_min_zoom;
  double            default_max_zoom;
  guint             probe_id;
  guint             reload_id;

  AmapStore        *store;
  GListModel       *model;
  char             *selected_uuid;
  gboolean          adding;
  gboolean          offline;
  gboolean          picking;

  double            context_latitude;
  double            context_longitude;

  /* A pin drag: which, and where the pointer holds it relative to its tip. */
  char             *drag_uuid;
  double            drag_start_x;
  double            drag_start_y;
  double            drag_offset_x;
  double            drag_offset_y;
  gboolean          drag_moved;
  /* A pin drag just ended: the click gesture's release is not a click. */
  gboolean          drag_just_moved;
};

G_DEFINE_FINAL_TYPE (AmapMapView, amap_map_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MODEL,
  PROP_SELECTED_UUID,
  PROP_ADDING,
  PROP_OFFLINE,
  PROP_PICKING,
  N_PROPS
};

enum {
  ADD_REQUESTED,
  ASSET_MOVED,
  ASSET_PICKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static ShumateViewport *
get_viewport (AmapMapView *self)
{
  return shumate_simple_map_get_viewport (self->map);
}

static void
set_offline (AmapMapView *self,
             gboolean     offline)
{
  if (self->offline == offline)
    return;

  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

static void update_base_map (AmapMapView *self);
static void go_to (AmapMapView *self,
                   double       latitude,
                   double       longitude,
                   double       zoom);

static void
on_probe_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  /* Success shows up as the source's "offline" going FALSE. */
  bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (source), result, NULL);
}

static gboolean
probe_cb (gpointer user_data)
{
  AmapMapView *self = user_data;
  ShumateViewport *viewport = get_viewport (self);
  int zoom = (int) shumate_viewport_get_zoom_level (viewport);
  double x, y;

  /* The tile under the centre of the view, as the map would ask for it. */
  amap_projection_location_to_pixels (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                      shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                      zoom, &x, &y);
  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (self->tile_source),
                                           (int) (x / AMAP_PROJECTION_TILE_SIZE),
                                           (int) (y / AMAP_PROJECTION_TILE_SIZE),
                                           zoom, NULL, on_probe_done_cb, NULL);

  return G_SOURCE_CONTINUE;
}

static gboolean
reload_cb (gpointer user_data)
{
  AmapMapView *self = user_data;

  self->reload_id = 0;
  update_base_map (self);

  return G_SOURCE_REMOVE;
}

static void
on_tile_source_offline_cb (AmapMapView *self)
{
  gboolean was_offline = self->offline;
  gboolean offline = amap_tile_source_get_offline (self->tile_source);

  set_offline (self, offline);

  if (offline)
    {
      if (self->probe_id == 0)
        self->probe_id = g_timeout_add_seconds (PROBE_SECONDS, probe_cb, self);
    }
  else
    {
      g_clear_handle_id (&self->probe_id, g_source_remove);
      /* Back online: a fresh base layer asks again for the tiles that
       * failed (the rest come from the disk cache). Not from inside the
       * old source's own notification. */
      if (was_offline && self->reload_id == 0)
        self->reload_id = g_idle_add (reload_cb, self);
    }
}

static char *
custom_cache_key (const char *url_template)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url_template, -1);

  return g_strdup_printf ("custom-%.16s", digest);
}

/* The host of a custom tile server, to credit it in the corner. */
static char *
template_host (const char *url_template)
{
  g_autoptr(GUri) uri = g_uri_parse (url_template, G_URI_FLAGS_PARSE_RELAXED, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (_("Custom tile server"));

  return g_strdup_printf (_("Tiles: %s"), g_uri_get_host (uri));
}

/* Offline map */

static void
set_notice (AmapMapView *self,
            const char  *notice,
            gboolean     go_back)
{
  gtk_widget_set_visible (GTK_WIDGET (self->notice_button), go_back);
  if (g_strcmp0 (self->notice, notice) == 0)
    return;

  g_free (self->notice);
  self->notice = g_strdup (notice);
  if (notice != NULL)
    gtk_label_set_label (self->notice_label, notice);
  gtk_revealer_set_reveal_child (self->notice_revealer, notice != NULL);
}

/* Outside the offline map's area, say so instead of showing blank. */
static void
update_notice (AmapMapView *self)
{
  ShumateViewport *viewport = get_viewport (self);
  AmapMbtiles *mbtiles;
  g_autofree char *text = NULL;

  if (self->mbtiles_source == NULL)
    return;

  mbtiles = amap_mbtiles_source_get_mbtiles (self->mbtiles_source);
  if (amap_mbtiles_contains (mbtiles,
                             shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                             shumate_location_get_latitude (SHUMATE_LOCATION (viewport))))
    {
      set_notice (self, NULL, FALSE);
      return;
    }

  /* Translators: %s is the name of an offline map (an MBTiles file) */
  text = g_strdup_printf (_("This place is outside the offline map “%s”: it has no tiles here."),
                          amap_mbtiles_get_name (mbtiles));
  set_notice (self, text, TRUE);
}

/* The file's initial view; kept when the view is already in its area. */
static void
go_to_offline_map (AmapMapView *self,
                   gboolean     always)
{
  ShumateViewport *viewport = get_viewport (self);
  AmapMbtiles *mbtiles;
  double longitude, latitude;
  int zoom;

  if (self->mbtiles_source == NULL)
    return;

  mbtiles = amap_mbtiles_source_get_mbtiles (self->mbtiles_source);
  if (!always &&
      amap_mbtiles_contains (mbtiles,
                             shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                             shumate_location_get_latitude (SHUMATE_LOCATION (viewport))))
    return;

  if (amap_mbtiles_get_center (mbtiles, &longitude, &latitude, &zoom))
    go_to (self, latitude, longitude, zoom);
}

static void
go_to_offline_map_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  go_to_offline_map (AMAP_MAP_VIEW (widget), TRUE);
}

/* The offline map of the settings, or NULL with @error set. */
static AmapMbtilesSource *
open_offline_map (AmapMapView  *self,
                  GError      **error)
{
  g_autofree char *path = g_settings_get_string (self->settings, "mbtiles-path");

  if (path[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("No offline map file is chosen. Open one with “Open Offline Map…” in the main menu."));
      return NULL;
    }
  return amap_mbtiles_source_new (path, error);
}

static void
update_base_map (AmapMapView *self)
{
  g_autoptr(ShumateMapSource) renderer = NULL;
  g_autofree char *url_template = NULL;
  g_autoptr(GError) error = NULL;
  ShumateViewport *viewport = get_viewport (self);
  int base_map = g_settings_get_enum (self->settings, "base-map");

  url_template = g_settings_get_string (self->settings, "tile-url-template");
  g_strstrip (url_template);

  g_clear_object (&self->mbtiles_source);
  set_notice (self, NULL, FALSE);
  /* An offline map that cannot be opened: the online map, and a notice
   * that says why. */
  if (base_map == BASE_MAP_MBTILES)
    {
      self->mbtiles_source = open_offline_map (self, &error);
      if (self->mbtiles_source == NULL)
        {
          set_notice (self, error->message, FALSE);
          base_map = BASE_MAP_OPENSTREETMAP;
        }
    }

  /* A custom server without an address falls back to OpenStreetMap. */
  if (base_map == BASE_MAP_CUSTOM
      && (url_template[0] == '\0' || strstr (url_template, "{z}") == NULL))
    base_map = BASE_MAP_OPENSTREETMAP;

  if (self->tile_source != NULL)
    g_signal_handlers_disconnect_by_func (self->tile_source, on_tile_source_offline_cb, self);
  g_clear_object (&self->tile_source);
  g_clear_handle_id (&self->probe_id, g_source_remove);

  switch (base_map)
    {
    case BASE_MAP_MBTILES:
      renderer = amap_mbtiles_source_create_renderer (self->mbtiles_source);
      break;

    case BASE_MAP_NONE:
      self->tile_source = amap_tile_source_new (NULL, NULL);
      renderer = amap_tile_source_create_renderer (self->tile_source, "amap-none",
                                                   _("No Base Map"), NULL, NULL);
      break;

    case BASE_MAP_CUSTOM:
      {
        g_autofree char *cache_key = custom_cache_key (url_template);
        g_autofree char *id = g_strdup_printf ("amap-%s", cache_key);
        g_autofree char *credit = template_host (url_template);

        self->tile_source = amap_tile_source_new (url_template, cache_key);
        renderer = amap_tile_source_create_renderer (self->tile_source, id,
                                                     _("Custom Tiles"), credit, NULL);
      }
      break;

    case BASE_MAP_OPENSTREETMAP:
    default:
      self->tile_source = amap_tile_source_new (AMAP_TILE_SOURCE_OSM_TEMPLATE, "osm-standard");
      renderer = amap_tile_source_create_renderer (self->tile_source, "amap-osm-standard",
                                                   _("OpenStreetMap"),
                                                   _("© OpenStreetMap contributors"),
                                                   "https://www.openstreetmap.org/copyright");
      break;
    }

  if (self->tile_source != NULL)
    {
      amap_tile_source_set_cache_size_limit (self->tile_source,
                                             g_settings_get_uint (self->settings, "tile-cache-size-mb"));
      g_signal_connect_swapped (self->tile_source, "notify::offline",
                                G_CALLBACK (on_tile_source_offline_cb), self);
    }
  set_offline (self, FALSE);

  if (base_map == BASE_MAP_NONE)
    gtk_widget_add_css_class (GTK_WIDGET (self), "no-base-map");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "no-base-map");

  shumate_simple_map_set_map_source (self->map, renderer);

  /* The zoom range follows the offline map (no tiles beyond it). */
  if (self->mbtiles_source != NULL)
    {
      AmapMbtiles *mbtiles = amap_mbtiles_source_get_mbtiles (self->mbtiles_source);

      shumate_viewport_set_min_zoom_level (viewport, amap_mbtiles_get_min_zoom (mbtiles));
      shumate_viewport_set_max_zoom_level (viewport, amap_mbtiles_get_max_zoom (mbtiles));
      update_notice (self);
    }
  else
    {
      shumate_viewport_set_min_zoom_level (viewport, self->default_min_zoom);
      shumate_viewport_set_max_zoom_level (viewport, self->default_max_zoom);
    }
}

static void
update_home (AmapMapView *self)
{
  double latitude = NAN, longitude = NAN;
  gboolean has_home = FALSE;
  g_autoptr(GVariant) rings = NULL;
  const double *miles = NULL;
  gsize n_rings = 0;

  if (self->store != NULL)
    has_home = amap_store_get_home (self->store, &latitude, &longitude, NULL);

  amap_pin_layer_set_home (self->pin_layer, has_home, latitude, longitude);

  if (g_settings_get_boolean (self->settings, "show-walking-rings"))
    {
      rings = g_settings_get_value (self->settings, "walking-rings");
      miles = g_variant_get_fixed_array (rings, &n_rings, sizeof (double));
    }
  amap_shape_layer_set_rings (self->shape_layer, has_home, latitude, longitude,
                              miles, (guint) n_rings);
}

static void
on_settings_changed_cb (GSettings   *settings,
                        const char  *key,
                        AmapMapView *self)
{
  if (g_str_equal (key, "base-map") || g_str_equal (key, "tile-url-template") ||
      g_str_equal (key, "mbtiles-path"))
    {
      update_base_map (self);
      /* An offline map just chosen: its own initial view. */
      if (!g_str_equal (key, "tile-url-template"))
        go_to_offline_map (self, FALSE);
    }
  else if (g_str_equal (key, "tile-cache-size-mb") && self->tile_source != NULL)
    amap_tile_source_set_cache_size_limit (self->tile_source, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "walking-rings") || g_str_equal (key, "show-walking-rings"))
    update_home (self);
}

static void
go_to (AmapMapView *self,
       double       latitude,
       double       longitude,
       double       zoom)
{
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  ShumateViewport *viewport = get_viewport (self);

  latitude = CLAMP (latitude, -AMAP_PROJECTION_MAX_LATITUDE, AMAP_PROJECTION_MAX_LATITUDE);
  longitude = CLAMP (longitude, -180.0, 180.0);
  zoom = CLAMP (zoom, shumate_viewport_get_min_zoom_level (viewport),
                shumate_viewport_get_max_zoom_level (viewport));

  /* Animate only what the user can see move. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    shumate_map_go_to_full_with_duration (map, latitude, longitude, zoom, GO_TO_MS);
  else
    {
      shumate_viewport_set_zoom_level (viewport, zoom);
      shumate_map_center_on (map, latitude, longitude);
    }
}

/* Centres the box and zooms so it fits, between @min_zoom and @max_zoom. */
static void
fit_box (AmapMapView *self,
         double       south,
         double       west,
         double       north,
         double       east,
         double       min_zoom,
         double       max_zoom)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double ux0, uy0, ux1, uy1, latitude, longitude, zoom;

  if (width <= 0 || height <= 0)
    {
      width = 800;
      height = 600;
    }

  zoom = amap_projection_zoom_for_bounds (south, west, north, east, width, height,
                                          FIT_PADDING, max_zoom);
  zoom = MAX (zoom, min_zoom);

  /* The middle in projected space, not in degrees. */
  amap_projection_location_to_unit (north, west, &ux0, &uy0);
  amap_projection_location_to_unit (south, east, &ux1, &uy1);
  amap_projection_pixels_to_location ((ux0 + ux1) / 2 * AMAP_PROJECTION_TILE_SIZE,
                                      (uy0 + uy1) / 2 * AMAP_PROJECTION_TILE_SIZE, 0,
                                      &latitude, &longitude);
  go_to (self, latitude, longitude, zoom);
}

static void
emit_add_requested (AmapMapView *self,
                    double       latitude,
                    double       longitude)
{
  if (!amap_coordinates_are_valid (latitude, longitude))
    return;

  g_signal_emit (self, signals[ADD_REQUESTED], 0, latitude, longitude);
}

/* Input controllers sit on the map view itself, in the capture phase: in
 * libshumate 1.0 ShumateMap never picks its layers (gtk_widget_contains()
 * is FALSE for them), so controllers on the pin layer would never see an
 * event, and in the capture phase we see a press before the map's own pan
 * gesture claims it. The pin layer's API speaks its own coordinates. */
static void
view_to_layer (AmapMapView *self,
               double      *x,
               double      *y)
{
  double lx, ly;

  if (gtk_widget_translate_coordinates (GTK_WIDGET (self), GTK_WIDGET (self->pin_layer),
                                        *x, *y, &lx, &ly))
    {
      *x = lx;
      *y = ly;
    }
}

/* TRUE when an event at (@x, @y) in the view's coordinates is meant for
 * the map: not for the zoom buttons, the banner or the context menu, which
 * are the view's children too and so pass through its capture phase. */
static gboolean
event_is_on_map (AmapMapView        *self,
                 GtkEventController *controller,
                 double              x,
                 double              y)
{
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  GdkEvent *event = gtk_event_controller_get_current_event (controller);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GtkWidget *target;

  if (event != NULL && native != NULL &&
      gdk_event_get_surface (event) != gtk_native_get_surface (native))
    return FALSE;

  target = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  return target == map || (target != NULL && gtk_widget_is_ancestor (target, map));
}

static void
update_cursor (AmapMapView *self,
               double       x,
               double       y)
{
  const char *cursor = NULL;

  if (self->adding)
    cursor = "crosshair";
  else
    {
      AmapPinHit hit = amap_pin_layer_hit_test (self->pin_layer, x, y, NULL, NULL, NULL);

      if (hit == AMAP_PIN_HIT_PIN || hit == AMAP_PIN_HIT_CLUSTER)
        cursor = "pointer";
    }

  /* The cursor goes on the ShumateMap: that is the widget under the
   * pointer, layers are never picked. Its own cursor is the "grab" hand. */
  gtk_widget_set_cursor_from_name (GTK_WIDGET (shumate_simple_map_get_map (self->map)),
                                   cursor != NULL ? cursor : "grab");
}

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              AmapMapView              *self)
{
  if (!event_is_on_map (self, GTK_EVENT_CONTROLLER (controller), x, y))
    return;
  view_to_layer (self, &x, &y);
  if (self->drag_uuid == NULL)
    update_cursor (self, x, y);
}

static gboolean
on_query_tooltip_cb (GtkWidget   *widget,
                     int          x,
                     int          y,
                     gboolean     keyboard_mode,
                     GtkTooltip  *tooltip,
                     AmapMapView *self)
{
  AmapAsset *asset = NULL;
  guint count = 0;
  const char *home_name = NULL;

  double lx = x, ly = y;

  if (keyboard_mode || self->drag_uuid != NULL)
    return FALSE;

  view_to_layer (self, &lx, &ly);
  switch (amap_pin_layer_hit_test (self->pin_layer, lx, ly, &asset, &count, NULL))
    {
    case AMAP_PIN_HIT_PIN:
      gtk_tooltip_set_text (tooltip, amap_asset_get_name (asset));
      return TRUE;

    case AMAP_PIN_HIT_CLUSTER:
      {
        g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%'u asset — click to zoom in",
                                                              "%'u assets — click to zoom in",
                                                              count),
                                                 count);
        gtk_tooltip_set_text (tooltip, text);
      }
      return TRUE;

    case AMAP_PIN_HIT_HOME:
      if (self->store != NULL)
        amap_store_get_home (self->store, NULL, NULL, &home_name);
      gtk_tooltip_set_text (tooltip, home_name != NULL ? home_name : _("Home"));
      return TRUE;

    case AMAP_PIN_HIT_NONE:
    default:
      return FALSE;
    }
}

static void
on_click_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     AmapMapView     *self)
{
  self->drag_just_moved = FALSE;
}

static void
on_click_released_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      AmapMapView     *self)
{
  gboolean after_drag = (self->drag_uuid != NULL && self->drag_moved) || self->drag_just_moved;

  self->drag_just_moved = FALSE;
  if (after_drag || n_press != 1 || !event_is_on_map (self, GTK_EVENT_CONTROLLER (gesture), x, y))
    return;

  view_to_layer (self, &x, &y);
  amap_map_view_click_at (self, x, y);
}

static void
on_context_pressed_cb (GtkGestureClick *gesture,
                       int              n_press,
                       double           x,
                       double           y,
                       AmapMapView     *self)
{
  double vx, vy;

  if (!event_is_on_map (self, GTK_EVENT_CONTROLLER (gesture), x, y))
    return;

  view_to_layer (self, &x, &y);
  shumate_viewport_widget_coords_to_location (get_viewport (self),
                                              GTK_WIDGET (self->pin_layer), x, y,
                                              &self->context_latitude,
                                              &self->context_longitude);

  /* On a pin: "Add “X” to Tour" (the window's win.add-stop). */
  g_menu_remove_all (self->pin_section);
  {
    AmapAsset *asset = NULL;

    if (amap_pin_layer_hit_test (self->pin_layer, x, y, &asset, NULL, NULL) == AMAP_PIN_HIT_PIN)
      {
        /* Translators: in the map's context menu on a pin; %s is its name. */
        g_autofree char *label = g_strdup_printf (_("Add “%s” to _Tour"), amap_asset_get_name (asset));
        g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

        g_menu_item_set_action_and_target_value (item, "win.add-stop",
                                                 g_variant_new_string (amap_asset_get_uuid (asset)));
        g_menu_append_item (self->pin_section, item);
      }
  }

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self->pin_layer), GTK_WIDGET (self),
                                         x, y, &vx, &vy))
    vx = x, vy = y;

  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) vx, (int) vy, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  AmapMapView    *self)
{
  AmapAsset *asset = NULL;
  double pin_x, pin_y;

  if (!event_is_on_map (self, GTK_EVENT_CONTROLLER (gesture), x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  view_to_layer (self, &x, &y);

  /* A press on a pin holds it: moved past the threshold it follows the
   * pointer, selected or not; released before, it is a click. A drag
   * anywhere else pans the map. */
  if (self->adding || self->picking
      || amap_pin_layer_hit_test (self->pin_layer, x, y, &asset, NULL, NULL) != AMAP_PIN_HIT_PIN
      || !amap_pin_layer_get_pin_position (self->pin_layer, amap_asset_get_uuid (asset), &pin_x, &pin_y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  /* Released within the threshold, the click gesture selects the pin. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  g_free (self->drag_uuid);
  self->drag_uuid = g_strdup (amap_asset_get_uuid (asset));
  self->drag_start_x = x;
  self->drag_start_y = y;
  self->drag_offset_x = pin_x - x;
  self->drag_offset_y = pin_y - y;
  self->drag_moved = FALSE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (shumate_simple_map_get_map (self->map)), "grabbing");
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          offset_x,
                   double          offset_y,
                   AmapMapView    *self)
{
  if (self->drag_uuid == NULL)
    return;

  if (!self->drag_moved && hypot (offset_x, offset_y) >= DRAG_THRESHOLD)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      self->drag_moved = TRUE;
      /* Typing elsewhere ends here: an edit waiting to be applied is
       * applied before the move, not over it. */
      if (root != NULL)
        gtk_root_set_focus (root, NULL);
    }
  if (!self->drag_moved)
    return;

  amap_pin_layer_set_drag (self->pin_layer, self->drag_uuid,
                           self->drag_start_x + offset_x + self->drag_offset_x,
                           self->drag_start_y + offset_y + self->drag_offset_y);
}

static void
on_drag_end_cb (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                AmapMapView    *self)
{
  g_autofree char *uuid = g_steal_pointer (&self->drag_uuid);
  double latitude, longitude;

  if (uuid == NULL)
    return;

  amap_pin_layer_set_drag (self->pin_layer, NULL, 0, 0);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (shumate_simple_map_get_map (self->map)), "pointer");

  if (!self->drag_moved)
    return;
  self->drag_just_moved = TRUE;

  shumate_viewport_widget_coords_to_location (get_viewport (self),
                                              GTK_WIDGET (self->pin_layer),
                                              self->drag_start_x + offset_x + self->drag_offset_x,
                                              self->drag_start_y + offset_y + self->drag_offset_y,
                                              &latitude, &longitude);
  if (amap_coordinates_are_valid (latitude, longitude))
    g_signal_emit (self, signals[ASSET_MOVED], 0, uuid, latitude, longitude);
  /* The pin moved is the one the details show. */
  amap_map_view_set_selected_uuid (self, uuid);
}

static void
on_drag_cancel_cb (GtkGesture       *gesture,
                   GdkEventSequence *sequence,
                   AmapMapView      *self)
{
  if (self->drag_uuid == NULL)
    return;

  g_clear_pointer (&self->drag_uuid, g_free);
  amap_pin_layer_set_drag (self->pin_layer, NULL, 0, 0);
}

static void
on_home_changed_cb (AmapMapView *self)
{
  update_home (self);
}

static void
add_here_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AmapMapView *self = AMAP_MAP_VIEW (widget);

  emit_add_requested (self, self->context_latitude, self->context_longitude);
}

static void
amap_map_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AmapMapView *self = AMAP_MAP_VIEW (widget);

  gtk_widget_measure (GTK_WIDGET (self->overlay), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
amap_map_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  AmapMapView *self = AMAP_MAP_VIEW (widget);

  gtk_widget_allocate (GTK_WIDGET (self->overlay), width, height, baseline, NULL);
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

static void
amap_map_view_dispose (GObject *object)
{
  AmapMapView *self = AMAP_MAP_VIEW (object);

  amap_map_view_set_model (self, NULL);
  amap_map_view_set_store (self, NULL);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed_cb, self);
  g_clear_object (&self->settings);
  if (self->tile_source != NULL)
    g_signal_handlers_disconnect_by_func (self->tile_source, on_tile_source_offline_cb, self);
  g_clear_object (&self->tile_source);
  g_clear_object (&self->mbtiles_source);
  g_clear_handle_id (&self->probe_id, g_source_remove);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_pointer (&self->popover, gtk_widget_unparent);

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_MAP_VIEW);
  /* The layers went with the map; the tour panel may still call. */
  self->legs_layer = NULL;
  self->stops_layer = NULL;

  G_OBJECT_CLASS (amap_map_view_parent_class)->dispose (object);
}

static void
amap_map_view_finalize (GObject *object)
{
  AmapMapView *self = AMAP_MAP_VIEW (object);

  g_free (self->selected_uuid);
  g_free (self->drag_uuid);
  g_free (self->notice);
  g_clear_object (&self->pin_section);

  G_OBJECT_CLASS (amap_map_view_parent_class)->finalize (object);
}

static void
amap_map_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AmapMapView *self = AMAP_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_SELECTED_UUID:
      g_value_set_string (value, self->selected_uuid);
      break;
    case PROP_ADDING:
      g_value_set_boolean (value, self->adding);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    case PROP_PICKING:
      g_value_set_boolean (value, self->picking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_map_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AmapMapView *self = AMAP_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      amap_map_view_set_store (self, g_value_get_object (value));
      break;
    case PROP_MODEL:
      amap_map_view_set_model (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_UUID:
      amap_map_view_set_selected_uuid (self, g_value_get_string (value));
      break;
    case PROP_ADDING:
      amap_map_view_set_adding (self, g_value_get_boolean (value));
      break;
    case PROP_PICKING:
      amap_map_view_set_picking (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_map_view_class_init (AmapMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = amap_map_view_dispose;
  object_class->finalize = amap_map_view_finalize;
  object_class->get_property = amap_map_view_get_property;
  object_class->set_property = amap_map_view_set_property;

  widget_class->measure = amap_map_view_measure;
  widget_class->size_allocate = amap_map_view_size_allocate;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_UUID] =
    g_param_spec_string ("selected-uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDING] =
    g_param_spec_boolean ("adding", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PICKING] =
    g_param_spec_boolean ("picking", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmapMapView::add-requested:
   * @latitude: where the user asked for a new asset
   * @longitude: where the user asked for a new asset
   *
   * A click in add mode, or "Add Asset Here" from the context menu. The
   * window creates the asset and opens the editor.
   */
  signals[ADD_REQUESTED] =
    g_signal_new ("add-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  /**
   * AmapMapView::asset-moved:
   * @uuid: the asset whose pin was dragged
   * @latitude: where it was dropped
   * @longitude: where it was dropped
   *
   * A pin was dragged to a new place (then it is selected). Nothing is saved by the
   * map; the window updates the store (one undo step).
   */
  signals[ASSET_MOVED] =
    g_signal_new ("asset-moved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  /**
   * AmapMapView::asset-picked:
   * @uuid: the asset whose pin was clicked
   *
   * A click on a pin in picking mode; the pin is not selected.
   */
  signals[ASSET_PICKED] =
    g_signal_new ("asset-picked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, overlay);
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, map);
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, notice_label);
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, notice_button);
  gtk_widget_class_bind_template_child (widget_class, AmapMapView, context_menu);

  gtk_widget_class_install_action (widget_class, "map.add-here", NULL, add_here_action);
  gtk_widget_class_install_action (widget_class, "map.go-to-offline-map", NULL,
                                   go_to_offline_map_action);

  gtk_widget_class_set_css_name (widget_class, "amap-map-view");
}

static void
amap_map_view_init (AmapMapView *self)
{
  ShumateViewport *viewport;
  GtkGesture *click, *context, *drag;
  GtkEventController *motion;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Map"),
                                  -1);

  self->settings = amap_settings_new ();
  viewport = get_viewport (self);

  /* The base layer first: libshumate 1.0 puts the first base map layer on
   * top of whatever layers are there already. */
  self->default_min_zoom = shumate_viewport_get_min_zoom_level (viewport);
  self->default_max_zoom = shumate_viewport_get_max_zoom_level (viewport);
  update_base_map (self);
  g_signal_connect_object (viewport, "notify::latitude", G_CALLBACK (update_notice), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::longitude", G_CALLBACK (update_notice), self,
                           G_CONNECT_SWAPPED);
  shumate_viewport_set_zoom_level (viewport, g_settings_get_double (self->settings, "map-zoom"));
  shumate_map_center_on (shumate_simple_map_get_map (self->map),
                         g_settings_get_double (self->settings, "map-latitude"),
                         g_settings_get_double (self->settings, "map-longitude"));

  self->shape_layer = amap_shape_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->shape_layer));
  self->legs_layer = amap_tour_layer_new (viewport, AMAP_TOUR_LAYER_LEGS);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->legs_layer));
  self->pin_layer = amap_pin_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->pin_layer));
  self->stops_layer = amap_tour_layer_new (viewport, AMAP_TOUR_LAYER_STOPS);
  amap_tour_layer_set_pin_layer (self->stops_layer, self->pin_layer);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->stops_layer));

  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self);
  update_home (self);

  /* See view_to_layer(): we see input first, the map pans and zooms with
   * what we leave alone. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed_cb), self);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released_cb), self);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  context = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
  g_signal_connect (context, "pressed", G_CALLBACK (on_context_pressed_cb), self);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (context), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (context));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel_cb), self);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), self);

  self->pin_section = g_menu_new ();
  g_menu_prepend_section (G_MENU (self->context_menu), NULL, G_MENU_MODEL (self->pin_section));
  self->popover = gtk_popover_menu_new_from_model (self->context_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
  gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
}

GtkWidget *
amap_map_view_new (void)
{
  return g_object_new (AMAP_TYPE_MAP_VIEW, NULL);
}

AmapStore *
amap_map_view_get_store (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return self->store;
}

void
amap_map_view_set_store (AmapMapView *self,
                         AmapStore   *store)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));
  g_return_if_fail (store == NULL || AMAP_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_home_changed_cb, self);

  g_set_object (&self->store, store);

  if (store != NULL)
    {
      /* Any of these may move the home ("home-changed" when the store
       * has such a signal). */
      g_signal_connect_swapped (store, "reset", G_CALLBACK (on_home_changed_cb), self);
      g_signal_connect_swapped (store, "notify", G_CALLBACK (on_home_changed_cb), self);
      if (g_signal_lookup ("home-changed", AMAP_TYPE_STORE) != 0)
        g_signal_connect_swapped (store, "home-changed", G_CALLBACK (on_home_changed_cb), self);
    }

  amap_pin_layer_set_store (self->pin_layer, store);
  amap_shape_layer_set_store (self->shape_layer, store);
  update_home (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

GListModel *
amap_map_view_get_model (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return self->model;
}

void
amap_map_view_set_model (AmapMapView *self,
                         GListModel  *model)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;

  amap_pin_layer_set_model (self->pin_layer, model);
  amap_shape_layer_set_model (self->shape_layer, model);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
amap_map_view_get_selected_uuid (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return self->selected_uuid;
}

void
amap_map_view_set_selected_uuid (AmapMapView *self,
                                 const char  *uuid)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  if (g_strcmp0 (self->selected_uuid, uuid) == 0)
    return;

  g_free (self->selected_uuid);
  self->selected_uuid = g_strdup (uuid);
  amap_pin_layer_set_selected_uuid (self->pin_layer, uuid);
  if (self->stops_layer != NULL)
    amap_tour_layer_set_selected_uuid (self->stops_layer, uuid);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_UUID]);
}

gboolean
amap_map_view_get_adding (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), FALSE);

  return self->adding;
}

void
amap_map_view_set_adding (AmapMapView *self,
                          gboolean     adding)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  adding = !!adding;
  if (self->adding == adding)
    return;

  self->adding = adding;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (shumate_simple_map_get_map (self->map)),
                                   adding ? "crosshair" : "grab");
  if (adding)
    gtk_widget_add_css_class (GTK_WIDGET (self), "adding");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "adding");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDING]);
}

const char *
amap_map_view_get_notice (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return self->notice;
}

gboolean
amap_map_view_get_offline (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), FALSE);

  return self->offline;
}

void
amap_map_view_center_on (AmapMapView *self,
                         double       latitude,
                         double       longitude,
                         double       zoom)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  if (!amap_coordinates_are_valid (latitude, longitude))
    return;

  if (zoom < 0 || !isfinite (zoom))
    zoom = shumate_viewport_get_zoom_level (get_viewport (self));

  go_to (self, latitude, longitude, zoom);
}

void
amap_map_view_get_view (AmapMapView *self,
                        double      *latitude,
                        double      *longitude,
                        double      *zoom)
{
  ShumateViewport *viewport;

  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  viewport = get_viewport (self);
  if (latitude != NULL)
    *latitude = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  if (longitude != NULL)
    *longitude = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  if (zoom != NULL)
    *zoom = shumate_viewport_get_zoom_level (viewport);
}

void
amap_map_view_get_visible_area (AmapMapView *self,
                                double      *west,
                                double      *south,
                                double      *east,
                                double      *north)
{
  ShumateViewport *viewport;
  double zoom, x, y, half_width, half_height;

  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  viewport = get_viewport (self);
  zoom = shumate_viewport_get_zoom_level (viewport);
  amap_projection_location_to_pixels (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                      shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                      zoom, &x, &y);
  half_width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1) / 2.0;
  half_height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1) / 2.0;
  amap_projection_pixels_to_location (x - half_width, y - half_height, zoom, north, west);
  amap_projection_pixels_to_location (x + half_width, y + half_height, zoom, south, east);
  *west = MAX (*west, -180.0);
  *east = MIN (*east, 180.0);
}

void
amap_map_view_fit_assets (AmapMapView *self)
{
  double south = INFINITY, west = INFINITY, north = -INFINITY, east = -INFINITY;
  double latitude, longitude;
  guint n_located = 0;

  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  if (self->model != NULL)
    {
      guint n_items = g_list_model_get_n_items (self->model);

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(AmapAsset) asset = g_list_model_get_item (self->model, i);

          if (!amap_asset_get_has_location (asset))
            continue;

          latitude = amap_asset_get_latitude (asset);
          longitude = amap_asset_get_longitude (asset);
          if (!amap_coordinates_are_valid (latitude, longitude))
            continue;

          south = MIN (south, latitude);
          north = MAX (north, latitude);
          west = MIN (west, longitude);
          east = MAX (east, longitude);
          n_located++;
        }
    }

  if (self->store != NULL && amap_store_get_home (self->store, &latitude, &longitude, NULL))
    {
      /* The school belongs in the picture too. */
      south = MIN (south, latitude);
      north = MAX (north, latitude);
      west = MIN (west, longitude);
      east = MAX (east, longitude);
      n_located++;
    }

  if (n_located == 0)
    return;

  fit_box (self, south, west, north, east, 0, n_located == 1 ? 16.0 : MAX_FIT_ZOOM);
}

void
amap_map_view_fit_bounds (AmapMapView *self,
                          double       south,
                          double       west,
                          double       north,
                          double       east)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  if (!amap_coordinates_are_valid (south, west) || !amap_coordinates_are_valid (north, east))
    return;

  fit_box (self, south, west, north, east, 0, MAX_FIT_ZOOM);
}

void
amap_map_view_click_at (AmapMapView *self,
                        double       x,
                        double       y)
{
  AmapAsset *asset = NULL;
  double bounds[4];
  double latitude, longitude;

  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  if (self->adding)
    {
      shumate_viewport_widget_coords_to_location (get_viewport (self),
                                                  GTK_WIDGET (self->pin_layer), x, y,
                                                  &latitude, &longitude);
      amap_map_view_set_adding (self, FALSE);
      emit_add_requested (self, latitude, longitude);
      return;
    }

  switch (amap_pin_layer_hit_test (self->pin_layer, x, y, &asset, NULL, bounds))
    {
    case AMAP_PIN_HIT_PIN:
      if (self->picking)
        g_signal_emit (self, signals[ASSET_PICKED], 0, amap_asset_get_uuid (asset));
      else
        amap_map_view_set_selected_uuid (self, amap_asset_get_uuid (asset));
      break;

    case AMAP_PIN_HIT_CLUSTER:
      /* At least one level closer, so the badge always opens up. */
      fit_box (self, bounds[0], bounds[1], bounds[2], bounds[3],
               floor (shumate_viewport_get_zoom_level (get_viewport (self))) + 1, MAX_ZOOM);
      break;

    case AMAP_PIN_HIT_HOME:
      break;

    case AMAP_PIN_HIT_NONE:
    default:
      if (!self->picking)
        amap_map_view_set_selected_uuid (self, NULL);
      break;
    }
}

AmapPinLayer *
amap_map_view_get_pin_layer (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return self->pin_layer;
}

ShumateViewport *
amap_map_view_get_viewport (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return get_viewport (self);
}

void
amap_map_view_add_layer (AmapMapView  *self,
                         ShumateLayer *layer)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));
  g_return_if_fail (SHUMATE_IS_LAYER (layer));

  shumate_simple_map_add_overlay_layer (self->map, layer);
}

void
amap_map_view_set_tour_plan (AmapMapView  *self,
                             AmapTourPlan *plan)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  if (self->legs_layer != NULL)
    amap_tour_layer_set_plan (self->legs_layer, plan);
  if (self->stops_layer != NULL)
    amap_tour_layer_set_plan (self->stops_layer, plan);
}

AmapTourLayer *
amap_map_view_get_tour_layer (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), NULL);

  return self->stops_layer;
}

gboolean
amap_map_view_get_picking (AmapMapView *self)
{
  g_return_val_if_fail (AMAP_IS_MAP_VIEW (self), FALSE);

  return self->picking;
}

void
amap_map_view_set_picking (AmapMapView *self,
                           gboolean     picking)
{
  g_return_if_fail (AMAP_IS_MAP_VIEW (self));

  picking = !!picking;
  if (self->picking == picking)
    return;

  self->picking = picking;
  if (picking)
    gtk_widget_add_css_class (GTK_WIDGET (self), "picking");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "picking");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKING]);
}
