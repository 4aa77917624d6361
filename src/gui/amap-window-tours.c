/* amap-window-tours.c: the main window's tour actions and its Tours page
 *
 * Beside amap-window.c, as GNOME Text Editor keeps editor-window-actions.c
 * beside editor-window.c: these actions only use the window's public API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-window"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-map-view.h"
#include "amap-tour-panel.h"
#include "amap-window-tours.h"

#define PANEL_KEY "amap-tour-panel"

static AmapTourPanel *
get_panel (AmapWindow *self)
{
  return g_object_get_data (G_OBJECT (self), PANEL_KEY);
}

/* The uuids of the assets selected in the list, in list order. */
static GStrv
selected_uuids (AmapWindow *self)
{
  GListModel *model = amap_window_get_asset_model (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GtkBitset) selection = NULL;
  GtkBitsetIter iter;
  guint position;

  if (!GTK_IS_SELECTION_MODEL (model))
    return g_strv_builder_end (builder);

  selection = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (model));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selection, &position);
       more; more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(AmapAsset) asset = g_list_model_get_item (model, position);

      if (asset != NULL)
        g_strv_builder_add (builder, amap_asset_get_uuid (asset));
    }

  return g_strv_builder_end (builder);
}

static void
update_enabled (AmapWindow *self)
{
  AmapTourPanel *panel = get_panel (self);
  GListModel *model = amap_window_get_asset_model (self);
  gboolean writable = !amap_store_get_read_only (amap_window_get_store (self));
  gboolean any = FALSE;

  if (GTK_IS_SELECTION_MODEL (model))
    {
      g_autoptr(GtkBitset) selection = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (model));
      any = !gtk_bitset_is_empty (selection);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-to-tour", writable && any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-stop", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-tour",
                                 panel != NULL && amap_tour_panel_get_tour (panel) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-tour",
                                 panel != NULL && amap_tour_panel_get_tour (panel) != NULL);
}

static void
add_to_tour_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  g_auto(GStrv) uuids = selected_uuids (self);

  if (get_panel (self) != NULL && uuids[0] != NULL)
    amap_tour_panel_add_stops (get_panel (self), (const char * const *) uuids);
}

static void
add_stop_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  const char *uuids[] = { g_variant_get_string (parameter, NULL), NULL };

  if (get_panel (self) != NULL)
    amap_tour_panel_add_stops (get_panel (self), uuids);
}

static void
show_tours_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  GtkWidget *panel = GTK_WIDGET (get_panel (self));
  GtkWidget *pages = panel != NULL ? gtk_widget_get_ancestor (panel, ADW_TYPE_VIEW_STACK) : NULL;

  if (pages == NULL)
    return;

  /* The sidebar's visibility is bound to its toggle button. */
  gtk_widget_set_visible (gtk_widget_get_parent (pages), TRUE);
  adw_view_stack_set_visible_child (ADW_VIEW_STACK (pages), panel);
  gtk_widget_child_focus (panel, GTK_DIR_TAB_FORWARD);
}

static void
print_tour_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AmapTourPanel *panel = get_panel (AMAP_WINDOW (widget));

  if (panel != NULL)
    gtk_widget_activate_action (GTK_WIDGET (panel), "tour.print", NULL);
}

static void
export_tour_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapTourPanel *panel = get_panel (AMAP_WINDOW (widget));

  if (panel != NULL)
    gtk_widget_activate_action (GTK_WIDGET (panel), "tour.export", NULL);
}

void
amap_window_tours_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-to-tour", NULL, add_to_tour_action);
  gtk_widget_class_install_action (widget_class, "win.add-stop", "s", add_stop_action);
  gtk_widget_class_install_action (widget_class, "win.show-tours", NULL, show_tours_action);
  gtk_widget_class_install_action (widget_class, "win.print-tour", NULL, print_tour_action);
  gtk_widget_class_install_action (widget_class, "win.export-tour", NULL, export_tour_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.add-to-tour", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print-tour", NULL);
}

GtkWidget *
amap_window_tours_setup (AmapWindow   *self,
                         AdwViewStack *pages)
{
  GtkWidget *map_view = amap_window_get_map_view (self);
  GtkWidget *panel;
  GtkWidget *overlay;
  GListModel *model = amap_window_get_asset_model (self);
  AdwViewStackPage *page;

  g_return_val_if_fail (AMAP_IS_MAP_VIEW (map_view), NULL);

  panel = amap_tour_panel_new (amap_window_get_store (self), AMAP_MAP_VIEW (map_view));
  page = adw_view_stack_add_titled (pages, panel, "tours", _("Tours"));
  adw_view_stack_page_set_icon_name (page, "amap-bus-symbolic");
  g_object_set_data (G_OBJECT (self), PANEL_KEY, panel);

  /* "Click pins to add them…" over the map, like the window's own hints. */
  overlay = gtk_widget_get_parent (map_view);
  if (GTK_IS_OVERLAY (overlay))
    gtk_overlay_add_overlay (GTK_OVERLAY (overlay),
                             amap_tour_panel_get_map_hint (AMAP_TOUR_PANEL (panel)));

  if (GTK_IS_SELECTION_MODEL (model))
    g_signal_connect_object (model, "selection-changed", G_CALLBACK (update_enabled), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (update_enabled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (panel, "notify::tour-id", G_CALLBACK (update_enabled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (amap_window_get_store (self), "notify::read-only",
                           G_CALLBACK (update_enabled), self, G_CONNECT_SWAPPED);
  update_enabled (self);

  return panel;
}
