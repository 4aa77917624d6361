/* amap-window-places.c: the main window's place search and its
 * "Locate from Address"
 *
 * Beside amap-window.c, as amap-window-tours.c is: these only use the
 * window's public API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-window"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-asset-editor.h"
#include "amap-category.h"
#include "amap-locate-dialog.h"
#include "amap-map-view.h"
#include "amap-place-search.h"
#include "amap-window-places.h"

#define SEARCH_KEY "amap-place-search"
#define EDITOR_KEY "amap-place-search-editor"

static AmapPlaceSearch *
get_search (AmapWindow *self)
{
  return g_object_get_data (G_OBJECT (self), SEARCH_KEY);
}

static void
find_place_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AmapPlaceSearch *search = get_search (AMAP_WINDOW (widget));

  if (search != NULL)
    amap_place_search_focus (search);
}

static void
locate_from_address_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  AmapPlaceSearch *search = get_search (self);
  GtkWidget *dialog;

  /* What is typed in the details is saved first, so that an address just
   * typed is searched for. */
  if (!amap_window_leave_editor (self, NULL, NULL))
    return;

  dialog = amap_locate_dialog_new (GTK_WINDOW (self), amap_window_get_store (self),
                                   search != NULL ? amap_place_search_get_geocoder (search) : NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_home_cb (AmapPlaceSearch *search,
             AmapPlace       *place,
             AmapWindow      *self)
{
  amap_window_set_home_at (self, amap_place_get_latitude (place), amap_place_get_longitude (place),
                           amap_place_get_is_coordinates (place) ? NULL : amap_place_get_title (place));
  amap_place_search_dismiss (search);
}

static void
add_asset_cb (AmapPlaceSearch *search,
              AmapPlace       *place,
              AmapWindow      *self)
{
  g_autoptr(AmapAsset) asset = NULL;

  /* A place found by name brings its name and address; typed
   * coordinates bring only themselves. */
  if (amap_place_get_is_coordinates (place))
    {
      asset = amap_asset_new (_("New Asset"));
    }
  else
    {
      asset = amap_asset_new (amap_place_get_title (place));
      amap_asset_set_address (asset, amap_place_get_display_name (place));
    }
  amap_asset_set_category (asset, AMAP_CATEGORY_OTHER);
  amap_asset_set_location (asset, amap_place_get_latitude (place), amap_place_get_longitude (place));
  /* Typed coordinates are the person's own; a found place is the
   * server's guess, to check. */
  amap_asset_set_location_source (asset, amap_place_get_is_coordinates (place)
                                         ? AMAP_LOCATION_SOURCE_MANUAL : AMAP_LOCATION_SOURCE_GEOCODED);

  amap_window_add_asset (self, asset);
  amap_place_search_dismiss (search);
}

static void
use_for_asset_cb (AmapPlaceSearch *search,
                  AmapPlace       *place,
                  const char      *uuid,
                  AmapWindow      *self)
{
  AmapAssetEditor *editor = g_object_get_data (G_OBJECT (self), EDITOR_KEY);

  /* The details may show another asset by now: then the find is for
   * nobody, and says so by doing nothing. */
  if (editor == NULL || g_strcmp0 (amap_asset_editor_get_uuid (editor), uuid) != 0)
    return;

  amap_asset_editor_set_found_location (editor, amap_place_get_latitude (place),
                                        amap_place_get_longitude (place));
  amap_place_search_dismiss (search);
}

static void
find_on_map_cb (AmapAssetEditor *editor,
                const char      *address,
                const char      *name,
                AmapWindow      *self)
{
  AmapPlaceSearch *search = get_search (self);
  const char *uuid = amap_asset_editor_get_uuid (editor);

  if (search != NULL && uuid != NULL)
    amap_place_search_find_for_asset (search, address, uuid, name);
}

void
amap_window_places_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.find-place", NULL, find_place_action);
  gtk_widget_class_install_action (widget_class, "win.locate-from-address", NULL, locate_from_address_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.find-place", NULL);
}

void
amap_window_places_setup (AmapWindow *self,
                          GtkWidget  *map_view,
                          GtkWidget  *editor)
{
  GtkWidget *search;
  GtkWidget *overlay;

  g_return_if_fail (AMAP_IS_WINDOW (self));
  g_return_if_fail (AMAP_IS_MAP_VIEW (map_view));
  g_return_if_fail (AMAP_IS_ASSET_EDITOR (editor));

  search = amap_place_search_new (AMAP_MAP_VIEW (map_view));
  g_object_set_data (G_OBJECT (self), SEARCH_KEY, search);
  g_object_set_data (G_OBJECT (self), EDITOR_KEY, editor);

  /* Over the map's top left corner, away from the zoom buttons. */
  overlay = gtk_widget_get_ancestor (map_view, GTK_TYPE_OVERLAY);
  g_return_if_fail (overlay != NULL);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), search);

  g_signal_connect_object (search, "set-home", G_CALLBACK (set_home_cb), self, 0);
  g_signal_connect_object (search, "add-asset", G_CALLBACK (add_asset_cb), self, 0);
  g_signal_connect_object (search, "use-for-asset", G_CALLBACK (use_for_asset_cb), self, 0);
  g_signal_connect_object (editor, "find-on-map", G_CALLBACK (find_on_map_cb), self, 0);
}

GtkWidget *
amap_window_places_get_search (AmapWindow *self)
{
  g_return_val_if_fail (AMAP_IS_WINDOW (self), NULL);

  return GTK_WIDGET (get_search (self));
}
