/* amap-map-print.c: the window's map as an image and on paper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-map-print"

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "amap-file-chooser.h"
#include "amap-map-print.h"
#include "amap-projection.h"
#include "amap-settings.h"

/* The page, in points. */
#define TITLE_SIZE   18.0
#define DATE_SIZE    9.0
#define HEADER_GAP   10.0
#define FONT_FAMILY  "Cantarell, Noto Sans, DejaVu Sans, sans-serif"

typedef enum
{
  SIZE_HD,
  SIZE_A4_LANDSCAPE,
  SIZE_A4_PORTRAIT,
  SIZE_CUSTOM,
} SizeChoice;

/* The print settings of the last print in this process, so that a second
 * print starts from the printer and paper chosen for the first. */
static GtkPrintSettings *last_settings;

/* Base map */

static gboolean
settings_has_key (GSettings  *settings,
                  const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

/* The tiles of the base map the window shows (amap-map-view.c): the
 * offline MBTiles file, else the tile cache (as the command line finds it,
 * amap-cli-tours.c). */
static void
set_base_map (AmapMapRender *render)
{
  g_autoptr(GSettings) settings = amap_settings_new ();
  g_autofree char *base_map = g_settings_get_string (settings, "base-map");
  g_autofree char *tile_dir = NULL;
  g_autofree char *attribution = NULL;

  if (g_str_equal (base_map, "none"))
    return;

  if (g_str_equal (base_map, "mbtiles") && settings_has_key (settings, "mbtiles-path"))
    {
      g_autofree char *path = g_settings_get_string (settings, "mbtiles-path");
      g_autoptr(GError) error = NULL;
      g_autoptr(AmapMbtiles) mbtiles = NULL;

      if (path[0] != '\0')
        mbtiles = amap_mbtiles_open (path, &error);
      if (mbtiles != NULL)
        amap_map_render_set_mbtiles (render, mbtiles);
      else if (error != NULL)
        /* The map view says so on screen; paper gets no tiles. */
        g_debug ("No offline tiles on paper: %s", error->message);
      return;
    }

  if (g_str_equal (base_map, "custom"))
    {
      g_autofree char *url = g_settings_get_string (settings, "tile-url-template");

      g_strstrip (url);
      if (url[0] != '\0' && strstr (url, "{z}") != NULL)
        {
          g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
          g_autofree char *key = g_strdup_printf ("custom-%.16s", digest);
          g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_PARSE_RELAXED, NULL);

          tile_dir = amap_map_render_dup_tile_dir (key);
          /* Translators: the credit of a custom tile server on a printed map */
          attribution = uri != NULL && g_uri_get_host (uri) != NULL
                        ? g_strdup_printf (_("Tiles: %s"), g_uri_get_host (uri))
                        : g_strdup (_("Custom tile server"));
        }
    }

  if (tile_dir == NULL)
    {
      tile_dir = amap_map_render_dup_tile_dir ("osm-standard");
      attribution = g_strdup (_("© OpenStreetMap contributors"));
    }

  amap_map_render_set_tile_dir (render, tile_dir);
  amap_map_render_set_attribution (render, attribution);
}

/* The page */

static PangoLayout *
create_text (cairo_t    *cr,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_cairo_context_set_resolution (pango_layout_get_context (layout), 72);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

/* Print */

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              AmapMapRender     *render)
{
  const char *title = g_object_get_data (G_OBJECT (operation), "amap-title");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  amap_map_print_draw_page (gtk_print_context_get_cairo_context (context),
                            gtk_print_context_get_width (context),
                            gtk_print_context_get_height (context),
                            render, title, now);
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               GtkWindow               *parent)
{
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    g_set_object (&last_settings, gtk_print_operation_get_print_settings (operation));
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr(GError) error = NULL;
      GtkWidget *dialog;

      gtk_print_operation_get_error (operation, &error);
      dialog = adw_message_dialog_new (parent, _("Could Not Print the Map"),
                                       error != NULL ? error->message : NULL);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* What the window shows */

/* The degrees in view: FALSE when the view has no size yet. */
static gboolean
get_view_bounds (AmapMapView *view,
                 double       bounds[4])
{
  double latitude, longitude, zoom, x, y;
  double width = gtk_widget_get_width (GTK_WIDGET (view));
  double height = gtk_widget_get_height (GTK_WIDGET (view));

  if (width <= 1 || height <= 1)
    return FALSE;

  amap_map_view_get_view (view, &latitude, &longitude, &zoom);
  amap_projection_location_to_pixels (latitude, longitude, zoom, &x, &y);
  amap_projection_pixels_to_location (x - width / 2, y + height / 2, zoom, &bounds[1], &bounds[0]);
  amap_projection_pixels_to_location (x + width / 2, y - height / 2, zoom, &bounds[3], &bounds[2]);

  return amap_map_render_bounds_are_valid (bounds[0], bounds[1], bounds[2], bounds[3]);
}

static gboolean
view_is_landscape (AmapMapView *view)
{
  return gtk_widget_get_width (GTK_WIDGET (view)) >= gtk_widget_get_height (GTK_WIDGET (view));
}

static char *
dup_title (AmapWindow *window)
{
  const char *title = gtk_window_get_title (GTK_WINDOW (window));

  return g_strdup (title != NULL && title[0] != '\0' ? title : _("Asset Map"));
}

/* PNG */

typedef struct
{
  AmapMapRender *render;
  GFile         *file;
  int            width;
  int            height;
} ImageJob;

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  g_clear_object (&job->render);
  g_clear_object (&job->file);
  g_free (job);
}

/* In a worker: tiles are read from disk or the MBTiles file. The render
 * (and its MBTiles connection) is used by this thread only. */
static void
write_image_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  ImageJob *job = data;
  GError *error = NULL;

  if (amap_map_render_write_png (job->render, job->file, job->width, job->height, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
image_written_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AmapWindow *window = AMAP_WINDOW (source);
  ImageJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (amap_window_get_map_view (window),
                                                    ADW_TYPE_TOAST_OVERLAY);
      g_autofree char *name = g_file_get_basename (job->file);
      /* Translators: a toast; %s is a file name */
      g_autofree char *message = g_strdup_printf (_("Map saved as “%s”"), name);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
    }
  else
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window),
                                                  _("Could Not Export the Map"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
export_image (AmapWindow *window,
              GFile      *file,
              int         width,
              int         height,
              gboolean    wait)
{
  AmapMapView *view = AMAP_MAP_VIEW (amap_window_get_map_view (window));
  ImageJob *job = g_new0 (ImageJob, 1);
  g_autoptr(GTask) task = NULL;

  job->render = amap_map_print_create_render (view, amap_window_get_store (window));
  job->file = g_object_ref (file);
  job->width = width;
  job->height = height;

  task = g_task_new (window, NULL, image_written_cb, NULL);
  g_task_set_source_tag (task, export_image);
  g_task_set_task_data (task, job, image_job_free);
  if (wait)
    {
      /* Tests: done when the action returns. */
      g_task_run_in_thread_sync (task, write_image_thread);
      image_written_cb (G_OBJECT (window), G_ASYNC_RESULT (task), NULL);
    }
  else
    g_task_run_in_thread (task, write_image_thread);
}

static void
image_file_chosen_cb (GObject    *owner,
                      GListModel *files)
{
  AmapWindow *window = AMAP_WINDOW (owner);
  g_autoptr(GFile) file = NULL;
  int width = GPOINTER_TO_INT (g_object_get_data (owner, "amap-image-width"));
  int height = GPOINTER_TO_INT (g_object_get_data (owner, "amap-image-height"));

  if (files == NULL || g_list_model_get_n_items (files) == 0
      || gtk_widget_in_destruction (GTK_WIDGET (window)))
    return;

  file = g_list_model_get_item (files, 0);
  export_image (window, file, width, height, FALSE);
}

static void
size_choice_changed_cb (GtkDropDown *choice,
                        GParamSpec  *pspec,
                        GtkWidget   *custom_box)
{
  gtk_widget_set_visible (custom_box, gtk_drop_down_get_selected (choice) == SIZE_CUSTOM);
}

static void
size_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  AmapWindow       *window)
{
  GtkDropDown *choice = g_object_get_data (G_OBJECT (dialog), "amap-choice");
  GtkSpinButton *width_spin = g_object_get_data (G_OBJECT (dialog), "amap-width");
  GtkSpinButton *height_spin = g_object_get_data (G_OBJECT (dialog), "amap-height");
  g_autofree char *title = NULL;
  g_autofree char *suggested = NULL;
  int width, height;

  if (g_strcmp0 (response, "export") != 0)
    return;

  switch (gtk_drop_down_get_selected (choice))
    {
    case SIZE_A4_LANDSCAPE:
      width = AMAP_MAP_IMAGE_A4_LONG;
      height = AMAP_MAP_IMAGE_A4_SHORT;
      break;
    case SIZE_A4_PORTRAIT:
      width = AMAP_MAP_IMAGE_A4_SHORT;
      height = AMAP_MAP_IMAGE_A4_LONG;
      break;
    case SIZE_CUSTOM:
      width = gtk_spin_button_get_value_as_int (width_spin);
      height = gtk_spin_button_get_value_as_int (height_spin);
      break;
    case SIZE_HD:
    default:
      width = AMAP_MAP_IMAGE_HD_WIDTH;
      height = AMAP_MAP_IMAGE_HD_HEIGHT;
      break;
    }

  g_object_set_data (G_OBJECT (window), "amap-image-width", GINT_TO_POINTER (width));
  g_object_set_data (G_OBJECT (window), "amap-image-height", GINT_TO_POINTER (height));

  title = dup_title (window);
  /* Translators: the suggested file name of a map image: the map's title */
  suggested = g_strdup_printf (_("%s.png"), title);
  g_strdelimit (suggested, "/\\", '-');
  amap_file_chooser_save (GTK_WINDOW (window), _("Export Map as Image"), _("_Export"),
                          AMAP_FILE_KIND_IMAGE, suggested, G_OBJECT (window),
                          image_file_chosen_cb);
}

static GtkWidget *
create_spin (int         value,
             const char *label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (64, AMAP_MAP_IMAGE_MAX_SIDE, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return spin;
}

static void
export_image_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AmapWindow *window = AMAP_WINDOW (widget);
  g_autofree char *hd = NULL, *a4_landscape = NULL, *a4_portrait = NULL;
  const char *names[5];
  GtkWidget *dialog, *box, *choice, *custom_box, *width_spin, *height_spin;
  AmapMapView *view = AMAP_MAP_VIEW (amap_window_get_map_view (window));
  int view_w = MAX (gtk_widget_get_width (GTK_WIDGET (view)), 64);
  int view_h = MAX (gtk_widget_get_height (GTK_WIDGET (view)), 64);

  /* Translators: sizes of a map image; × is the multiplication sign */
  hd = g_strdup_printf (_("Full HD, %d × %d"), AMAP_MAP_IMAGE_HD_WIDTH, AMAP_MAP_IMAGE_HD_HEIGHT);
  a4_landscape = g_strdup_printf (_("A4 Landscape at 150 dpi, %d × %d"),
                                  AMAP_MAP_IMAGE_A4_LONG, AMAP_MAP_IMAGE_A4_SHORT);
  a4_portrait = g_strdup_printf (_("A4 Portrait at 150 dpi, %d × %d"),
                                 AMAP_MAP_IMAGE_A4_SHORT, AMAP_MAP_IMAGE_A4_LONG);
  names[SIZE_HD] = hd;
  names[SIZE_A4_LANDSCAPE] = a4_landscape;
  names[SIZE_A4_PORTRAIT] = a4_portrait;
  names[SIZE_CUSTOM] = _("Custom Size");
  names[4] = NULL;

  dialog = adw_message_dialog_new (GTK_WINDOW (window), _("Export Map as Image"),
                                   _("A PNG of the area in view, with the pins, the legend, "
                                     "the scale and the map’s credits."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "export", _("_Choose File…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  choice = gtk_drop_down_new_from_strings (names);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choice), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Image size"), -1);
  gtk_box_append (GTK_BOX (box), choice);

  /* The custom size starts at the window's map, doubled for sharpness. */
  custom_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (custom_box, GTK_ALIGN_CENTER);
  width_spin = create_spin (MIN (view_w * 2, AMAP_MAP_IMAGE_MAX_SIDE), _("Width in pixels"));
  height_spin = create_spin (MIN (view_h * 2, AMAP_MAP_IMAGE_MAX_SIDE), _("Height in pixels"));
  gtk_box_append (GTK_BOX (custom_box), width_spin);
  gtk_box_append (GTK_BOX (custom_box), gtk_label_new ("×"));
  gtk_box_append (GTK_BOX (custom_box), height_spin);
  /* Translators: after a width and height in pixels */
  gtk_box_append (GTK_BOX (custom_box), gtk_label_new (_("pixels")));
  /* Shown for Custom Size only: greyed out, its numbers read as the
   * size of the preset chosen above. */
  gtk_widget_set_visible (custom_box, FALSE);
  gtk_box_append (GTK_BOX (box), custom_box);
  g_signal_connect (choice, "notify::selected", G_CALLBACK (size_choice_changed_cb), custom_box);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "amap-choice", choice);
  g_object_set_data (G_OBJECT (dialog), "amap-width", width_spin);
  g_object_set_data (G_OBJECT (dialog), "amap-height", height_spin);
  g_signal_connect_object (dialog, "response", G_CALLBACK (size_response_cb), window, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_image_to_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  const char *path;
  int width, height;
  g_autoptr(GFile) file = NULL;

  g_variant_get (parameter, "(&sii)", &path, &width, &height);
  if (width < 1 || height < 1 || width > AMAP_MAP_IMAGE_MAX_SIDE || height > AMAP_MAP_IMAGE_MAX_SIDE)
    return;
  file = g_file_new_for_path (path);
  export_image (AMAP_WINDOW (widget), file, width, height, TRUE);
}

static void
print_map (AmapWindow *window,
           const char *export_path)
{
  AmapMapView *view = AMAP_MAP_VIEW (amap_window_get_map_view (window));
  g_autoptr(AmapMapRender) render = amap_map_print_create_render (view, amap_window_get_store (window));
  g_autofree char *title = dup_title (window);
  g_autoptr(GtkPrintOperation) operation = amap_map_print_operation_new (render, title,
                                                                          view_is_landscape (view));
  g_autoptr(GError) error = NULL;

  if (last_settings != NULL)
    gtk_print_operation_set_print_settings (operation, last_settings);
  g_signal_connect_object (operation, "done", G_CALLBACK (print_done_cb), window, 0);

  if (export_path != NULL)
    {
      gtk_print_operation_set_export_filename (operation, export_path);
      gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, GTK_WINDOW (window),
                               &error);
    }
  else
    {
      gtk_print_operation_set_allow_async (operation, TRUE);
      gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (window), &error);
    }

  if (error != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), _("Could Not Print the Map"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
print_map_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  print_map (AMAP_WINDOW (widget), NULL);
}

static void
print_map_to_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  print_map (AMAP_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Public API */

void
amap_map_print_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export-image", NULL, export_image_action);
  gtk_widget_class_install_action (widget_class, "win.export-image-to", "(sii)",
                                   export_image_to_action);
  gtk_widget_class_install_action (widget_class, "win.print-map", NULL, print_map_action);
  gtk_widget_class_install_action (widget_class, "win.print-map-to", "s", print_map_to_action);
}

AmapMapRender *
amap_map_print_create_render (AmapMapView *view,
                              AmapStore   *store)
{
  AmapMapRender *render;
  GListModel *model;
  g_autoptr(GPtrArray) assets = g_ptr_array_new_with_free_func (g_object_unref);
  double bounds[4];
  double latitude, longitude;

  g_return_val_if_fail (AMAP_IS_MAP_VIEW (view), NULL);
  g_return_val_if_fail (store == NULL || AMAP_IS_STORE (store), NULL);

  render = amap_map_render_new ();
  model = amap_map_view_get_model (view);
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (assets, g_list_model_get_item (model, i));
  amap_map_render_add_assets (render, assets, store);
  if (store != NULL && amap_store_get_home (store, &latitude, &longitude, NULL))
    amap_map_render_set_home (render, TRUE, latitude, longitude);
  if (get_view_bounds (view, bounds))
    amap_map_render_set_bounds (render, bounds[0], bounds[1], bounds[2], bounds[3]);
  set_base_map (render);

  return render;
}

void
amap_map_print_draw_page (cairo_t       *cr,
                          double         width,
                          double         height,
                          AmapMapRender *render,
                          const char    *title,
                          GDateTime     *date)
{
  g_autoptr(PangoLayout) title_layout = NULL;
  g_autoptr(PangoLayout) date_layout = NULL;
  g_autofree char *date_text = NULL;
  PangoRectangle title_rect, date_rect;
  double header;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (AMAP_IS_MAP_RENDER (render));

  /* Translators: the date on a printed map, in strftime() format */
  date_text = date != NULL ? g_date_time_format (date, _("%B %-d, %Y")) : NULL;

  cairo_save (cr);
  title_layout = create_text (cr, title != NULL ? title : "", TITLE_SIZE, TRUE, width * 0.7);
  pango_layout_get_pixel_extents (title_layout, NULL, &title_rect);
  cairo_set_source_rgb (cr, 0.14, 0.12, 0.19);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, title_layout);
  header = title_rect.height;

  if (date_text != NULL)
    {
      date_layout = create_text (cr, date_text, DATE_SIZE, FALSE, width * 0.28);
      pango_layout_set_alignment (date_layout, PANGO_ALIGN_RIGHT);
      pango_layout_get_pixel_extents (date_layout, NULL, &date_rect);
      cairo_set_source_rgb (cr, 0.37, 0.36, 0.39);
      /* On the title's baseline, at the right. */
      cairo_move_to (cr, width * 0.72,
                     pango_layout_get_baseline (title_layout) / (double) PANGO_SCALE
                     - pango_layout_get_baseline (date_layout) / (double) PANGO_SCALE);
      pango_cairo_show_layout (cr, date_layout);
    }

  cairo_translate (cr, 0, header + HEADER_GAP);
  amap_map_render_draw (render, cr, width, MAX (height - header - HEADER_GAP, 1));
  cairo_restore (cr);
}

GtkPrintOperation *
amap_map_print_operation_new (AmapMapRender *render,
                              const char    *title,
                              gboolean       landscape)
{
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPrintSettings) settings = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (AMAP_IS_MAP_RENDER (render), NULL);

  operation = gtk_print_operation_new ();
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, title != NULL ? title : _("Map"));
  /* Print to File names the PDF after the map, not "output.pdf". */
  basename = g_strdelimit (g_strdup (title != NULL ? title : _("Map")), "/\\", '-');
  settings = gtk_print_settings_new ();
  gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME, basename);
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_page_setup_set_orientation (setup, landscape ? GTK_PAGE_ORIENTATION_LANDSCAPE
                                                   : GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_print_operation_set_default_page_setup (operation, setup);
  g_object_set_data_full (G_OBJECT (operation), "amap-title", g_strdup (title), g_free);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb),
                         g_object_ref (render), (GClosureNotify) g_object_unref, 0);

  return operation;
}
