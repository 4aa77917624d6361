/* amap-window-tours.c: the main window's tour actions and its Tours page
 *
 * Beside amap-window.c, as GNOME Text Editor keeps editor-window-actions.c
 * beside editor-window.c: these actions only use the window's public API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "amap-file-chooser.h"
#include "amap-itinerary.h"
#include "amap-map-render.h"
#include "amap-map-view.h"
#include "amap-settings.h"
#include "amap-tour-export.h"
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-tour-to",
                                 panel != NULL && amap_tour_panel_get_tour (panel) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-tour-to",
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

/* The tile cache of the base map the window shows and its credit, for the
 * itinerary's map (as the command line finds them, amap-cli-tours.c). */
static char *
dup_tile_dir (char **attribution)
{
  g_autoptr(GSettings) settings = amap_settings_new ();
  g_autofree char *base_map = g_settings_get_string (settings, "base-map");

  *attribution = NULL;
  if (g_str_equal (base_map, "none"))
    return NULL;
  if (g_str_equal (base_map, "custom"))
    {
      g_autofree char *url = g_settings_get_string (settings, "tile-url-template");

      g_strstrip (url);
      if (url[0] != '\0' && strstr (url, "{z}") != NULL)
        {
          g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
          g_autofree char *key = g_strdup_printf ("custom-%.16s", digest);
          g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_PARSE_RELAXED, NULL);

          if (uri != NULL && g_uri_get_host (uri) != NULL)
            *attribution = g_strdup_printf (_("Tiles: %s"), g_uri_get_host (uri));
          return amap_map_render_dup_tile_dir (key);
        }
    }

  *attribution = g_strdup (_("© OpenStreetMap contributors"));
  return amap_map_render_dup_tile_dir ("osm-standard");
}

static void
show_error (AmapWindow *self,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toast (AmapWindow *self,
       const char *title)
{
  GtkWidget *overlay = gtk_window_get_child (GTK_WINDOW (self));

  if (overlay == NULL || !ADW_IS_TOAST_OVERLAY (overlay))
    overlay = gtk_widget_get_ancestor (GTK_WIDGET (get_panel (self)), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

/* The plan of the tour shown, or NULL after saying why there is none. */
static AmapTourPlan *
current_plan (AmapWindow *self,
              const char *heading)
{
  AmapTourPanel *panel = get_panel (self);
  AmapTourPlan *plan = panel != NULL ? amap_tour_panel_get_plan (panel) : NULL;

  if (panel == NULL || amap_tour_panel_get_tour (panel) == NULL)
    return NULL;

  if (plan == NULL)
    show_error (self, heading,
                _("The tour has no route yet: set your school’s location (or the tour’s start), "
                  "then try again."));
  return plan;
}

/* Printing: the itinerary's pages (amap-itinerary.c), which the print
 * dialog can also save as PDF. */

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                AmapItinerary     *itinerary)
{
  guint n_pages = amap_itinerary_paginate (itinerary,
                                           gtk_print_context_get_width (context),
                                           gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, (int) n_pages);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              AmapItinerary     *itinerary)
{
  amap_itinerary_draw_page (itinerary, gtk_print_context_get_cairo_context (context), (guint) page);
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               AmapWindow              *self)
{
  g_autoptr(GError) error = NULL;

  if (result != GTK_PRINT_OPERATION_RESULT_ERROR)
    return;

  gtk_print_operation_get_error (operation, &error);
  show_error (self, _("Could Not Print the Itinerary"),
              error != NULL ? error->message : _("The printer did not take the job. Try again, or save it as PDF."));
}

/* With @pdf_path, the same operation writes the PDF without a dialog. */
static void
print_plan (AmapWindow *self,
            const char *pdf_path)
{
  AmapTourPlan *plan = current_plan (self, _("Could Not Print the Itinerary"));
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) page_setup = NULL;
  g_autoptr(GtkPaperSize) paper = NULL;
  g_autoptr(AmapItinerary) itinerary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tile_dir = NULL;
  g_autofree char *attribution = NULL;
  g_autofree char *job = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GtkPrintSettings) settings = NULL;
  double width, height;

  if (plan == NULL)
    return;

  itinerary = amap_itinerary_new (plan);
  tile_dir = dup_tile_dir (&attribution);
  amap_itinerary_set_tiles (itinerary, tile_dir, attribution);

  /* The pages are laid out with their own margins on the whole sheet. */
  amap_itinerary_get_default_page_size (&width, &height);
  paper = gtk_paper_size_new_custom ("amap-itinerary", _("Itinerary"), width, height, GTK_UNIT_POINTS);
  page_setup = gtk_page_setup_new ();
  gtk_page_setup_set_paper_size (page_setup, paper);

  operation = gtk_print_operation_new ();
  /* Translators: the print job and the PDF's name; %s is the tour's name. */
  job = g_strdup_printf (_("Itinerary of %s"), amap_tour_get_name (amap_tour_plan_get_tour (plan)));
  gtk_print_operation_set_job_name (operation, job);
  /* Print to File names the PDF after the job, not "output.pdf". */
  basename = g_strdelimit (g_strdup (job), "/\\", '-');
  settings = gtk_print_settings_new ();
  gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME, basename);
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_default_page_setup (operation, page_setup);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_allow_async (operation, pdf_path == NULL);
  g_signal_connect_data (operation, "begin-print", G_CALLBACK (begin_print_cb),
                         g_object_ref (itinerary), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb),
                         g_object_ref (itinerary), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect_object (operation, "done", G_CALLBACK (print_done_cb), self, 0);

  if (pdf_path != NULL)
    gtk_print_operation_set_export_filename (operation, pdf_path);

  if (gtk_print_operation_run (operation,
                               pdf_path != NULL ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_error (self, _("Could Not Print the Itinerary"), error->message);
}

static void
print_tour_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  print_plan (AMAP_WINDOW (widget), NULL);
}

/* For tests: the print operation's own PDF export. */
static void
print_tour_to_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  print_plan (AMAP_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Export: KML or GPX of the tour, or the itinerary as PDF, in a thread. */

typedef struct
{
  AmapWindow *window;
  char       *name;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  g_object_unref (request->window);
  g_free (request->name);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportRequest, export_request_free)

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ExportRequest) request = user_data;
  AmapWindow *self = request->window;
  g_autoptr(GError) error = NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (!amap_tour_export_file_finish (result, &error))
    {
      g_autofree char *heading = g_strdup_printf (_("Could Not Export to “%s”"), request->name);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, heading, error->message);
      return;
    }

  {
    /* Translators: a toast; %s is a file name. */
    g_autofree char *message = g_strdup_printf (_("Tour exported to “%s”"), request->name);
    toast (self, message);
  }
}

static void
export_to_file (AmapWindow *self,
                GFile      *file)
{
  g_autofree char *tile_dir = NULL;
  g_autofree char *attribution = NULL;
  ExportRequest *request;
  AmapTourPlan *plan;
  AmapTourFormat format;

  if (!amap_tour_export_format_for_file (file, &format))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *heading = g_strdup_printf (_("Could Not Export to “%s”"), name);

      show_error (self, heading,
                  _("Asset Map writes a tour as KML (for Google Earth and GIS tools), as GPX (for "
                    "GPS devices) or its itinerary as PDF. End the file name with .kml, .gpx or .pdf."));
      return;
    }

  plan = current_plan (self, _("Could Not Export the Tour"));
  if (plan == NULL)
    return;

  tile_dir = format == AMAP_TOUR_FORMAT_PDF ? dup_tile_dir (&attribution) : NULL;
  request = g_new0 (ExportRequest, 1);
  request->window = g_object_ref (self);
  request->name = g_file_get_basename (file);
  amap_tour_export_file_async (plan, file, format, tile_dir, attribution, NULL,
                               export_done_cb, request);
}

static void
export_chosen_cb (GObject    *owner,
                  GListModel *files)
{
  g_autoptr(GFile) file = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;

  file = g_list_model_get_item (files, 0);
  export_to_file (AMAP_WINDOW (owner), file);
}

/* For tests and scripts: the export without the file chooser. */
static void
export_tour_to_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  export_to_file (AMAP_WINDOW (widget), file);
}

static void
export_tour_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapWindow *self = AMAP_WINDOW (widget);
  AmapTourPanel *panel = get_panel (self);
  AmapTour *tour = panel != NULL ? amap_tour_panel_get_tour (panel) : NULL;
  g_autofree char *suggested = NULL;

  if (tour == NULL)
    return;

  suggested = g_strdup_printf ("%s.kml", amap_tour_get_name (tour));
  g_strdelimit (suggested, "/\\", '-');
  amap_file_chooser_save (GTK_WINDOW (self), _("Export Tour"), _("_Export"), AMAP_FILE_KIND_TOUR,
                          suggested, G_OBJECT (self), export_chosen_cb);
}

void
amap_window_tours_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-to-tour", NULL, add_to_tour_action);
  gtk_widget_class_install_action (widget_class, "win.add-stop", "s", add_stop_action);
  gtk_widget_class_install_action (widget_class, "win.show-tours", NULL, show_tours_action);
  gtk_widget_class_install_action (widget_class, "win.print-tour", NULL, print_tour_action);
  gtk_widget_class_install_action (widget_class, "win.export-tour", NULL, export_tour_action);
  gtk_widget_class_install_action (widget_class, "win.print-tour-to", "s", print_tour_to_action);
  gtk_widget_class_install_action (widget_class, "win.export-tour-to", "s", export_tour_to_action);

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
