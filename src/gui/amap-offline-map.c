/* amap-offline-map.c: choosing an MBTiles file as the base map, and
 * "Save Area for Offline Use"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-offline-map"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "amap-file-chooser.h"
#include "amap-mbtiles-source.h"
#include "amap-offline-map.h"
#include "amap-settings.h"
#include "amap-tile-download.h"
#include "amap-tile-source.h"

/* base-map enum of the schema */
#define BASE_MAP_OPENSTREETMAP 0
#define BASE_MAP_CUSTOM 1
#define MAX_DOWNLOAD_ZOOM 19

gboolean
amap_offline_map_is_mbtiles_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_utf8_strdown (basename != NULL ? basename : "", -1);

  return g_str_has_suffix (lower, ".mbtiles");
}

gboolean
amap_offline_map_use_file (GFile   *file,
                           GError **error)
{
  g_autoptr (GSettings) settings = amap_settings_new ();
  g_autoptr (AmapMbtilesSource) source = NULL;
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is not a file on this computer. Copy it to a folder here, then open it."),
                   name);
      return FALSE;
    }

  source = amap_mbtiles_source_new (path, error);
  if (source == NULL)
    return FALSE;

  g_settings_set_string (settings, "mbtiles-path", path);
  g_settings_set_string (settings, "base-map", "mbtiles");
  return TRUE;
}

/* Save Area for Offline Use */

typedef struct
{
  GtkWindow *parent;            /* weak */
  AdwToastOverlay *toasts;
  AmapTileDownload *download;   /* the current zoom range's */
  char *url_template;
  double west, south, east, north;

  GtkSpinButton *from_spin;
  GtkSpinButton *to_spin;
  GtkLabel *count_label;
  AdwMessageDialog *setup_dialog;

  AdwMessageDialog *progress_dialog;
  GtkProgressBar *progress_bar;
  GCancellable *cancellable;
  char *path;
} SaveArea;

static void on_parent_gone (gpointer  data,
                            GObject  *where_the_object_was);

static void
save_area_free (SaveArea *area)
{
  if (area->parent != NULL)
    g_object_weak_unref (G_OBJECT (area->parent), on_parent_gone, area);
  if (area->progress_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (area->progress_dialog), (gpointer *) &area->progress_dialog);
  g_clear_object (&area->toasts);
  g_clear_object (&area->download);
  g_clear_object (&area->cancellable);
  g_free (area->url_template);
  g_free (area->path);
  g_free (area);
}

/* The window closed: a download under way stops (and leaves no file). */
static void
on_parent_gone (gpointer  data,
                GObject  *where_the_object_was)
{
  SaveArea *area = data;

  area->parent = NULL;
  if (area->cancellable != NULL)
    g_cancellable_cancel (area->cancellable);
}

static void
toast (SaveArea   *area,
       const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (area->toasts, toast);
}

static void
show_message (GtkWindow  *parent,
              const char *heading,
              const char *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
server_host (const char *url_template)
{
  g_autoptr (GUri) uri = g_uri_parse (url_template, G_URI_FLAGS_PARSE_RELAXED, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url_template);
  return g_strdup (g_uri_get_host (uri));
}

/* The count and size of the chosen range, or why it cannot be saved. */
static void
update_count (SaveArea *area)
{
  int from = gtk_spin_button_get_value_as_int (area->from_spin);
  int to = gtk_spin_button_get_value_as_int (area->to_spin);
  g_autoptr (GError) error = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  g_clear_object (&area->download);
  area->download = amap_tile_download_new (area->url_template, area->west, area->south,
                                           area->east, area->north, MIN (from, to), MAX (from, to));
  ok = amap_tile_download_check (area->download, &error);
  if (ok)
    {
      guint64 n = amap_tile_download_get_n_tiles (area->download);
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n);

      size = g_format_size (amap_tile_download_estimate_bytes (area->download));
      /* Translators: a tile count, then a size such as "12.3 MB" */
      text = g_strdup_printf (g_dngettext (NULL, "%s tile, about %s", "%s tiles, about %s", (gulong) n),
                              count, size);
      gtk_label_set_label (area->count_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (area->count_label), "error");
    }
  else
    {
      gtk_label_set_label (area->count_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (area->count_label), "error");
    }
  adw_message_dialog_set_response_enabled (area->setup_dialog, "save", ok);
}

static void
on_progress_cb (AmapTileDownload *download,
                GParamSpec       *pspec,
                SaveArea         *area)
{
  g_autofree char *text = NULL;
  g_autofree char *size = g_format_size (amap_tile_download_get_n_bytes (download));
  g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                            amap_tile_download_get_n_tiles (download));

  if (area->progress_dialog == NULL || area->progress_bar == NULL)
    return;
  gtk_progress_bar_set_fraction (area->progress_bar, amap_tile_download_get_fraction (download));
  /* Translators: tiles done, tiles in all, then the size so far */
  text = g_strdup_printf (_("%u of %s tiles (%s)"),
                          amap_tile_download_get_n_done (download), total, size);
  gtk_progress_bar_set_text (area->progress_bar, text);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SaveArea *area = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *display = g_filename_display_basename (area->path);
  g_autofree char *text = NULL;

  if (area->progress_dialog != NULL)
    {
      GtkWindow *dialog = GTK_WINDOW (area->progress_dialog);

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &area->progress_dialog);
      area->progress_dialog = NULL;
      gtk_window_destroy (dialog);
    }
  area->progress_bar = NULL;

  if (amap_tile_download_save_finish (AMAP_TILE_DOWNLOAD (source), result, &error))
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("The area is saved in “%s”. Open it with “Open Offline Map…” when there is no network."),
                            display);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_("Saving the area was cancelled; no file was written."));
  else
    text = g_strdup (error->message);
  toast (area, text);

  g_signal_handlers_disconnect_by_func (source, on_progress_cb, area);
  save_area_free (area);
}

static void
on_progress_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         SaveArea         *area)
{
  /* The dialog closes itself; the download ends in on_saved_cb. */
  g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &area->progress_dialog);
  area->progress_dialog = NULL;
  area->progress_bar = NULL;
  g_cancellable_cancel (area->cancellable);
}

static void
start_download (SaveArea *area)
{
  g_autoptr (SoupSession) session = NULL;
  g_autofree char *host = server_host (area->url_template);
  g_autofree char *attribution = NULL;
  g_autofree char *name = NULL;
  g_autofree char *basename = g_path_get_basename (area->path);
  char *dot;

  session = soup_session_new_with_options ("user-agent", "AssetMap/" PACKAGE_VERSION " (+" PROJECT_URL ")",
                                           "timeout", 30,
                                           "max-conns-per-host", AMAP_TILE_DOWNLOAD_MAX_CONNECTIONS,
                                           NULL);
  area->cancellable = g_cancellable_new ();

  area->progress_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (area->parent, _("Saving Area…"), NULL));
  /* Translators: %s is the host name of a tile server */
  adw_message_dialog_format_body (area->progress_dialog,
                                  _("Downloading map tiles from %s, two at a time. You can keep working."),
                                  host);
  area->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (area->progress_bar, TRUE);
  adw_message_dialog_set_extra_child (area->progress_dialog, GTK_WIDGET (area->progress_bar));
  adw_message_dialog_add_response (area->progress_dialog, "cancel", _("_Cancel"));
  /* Closed with its window, or by Escape: no dangling pointer. */
  g_object_add_weak_pointer (G_OBJECT (area->progress_dialog), (gpointer *) &area->progress_dialog);
  g_signal_connect (area->progress_dialog, "response", G_CALLBACK (on_progress_response_cb), area);
  gtk_window_present (GTK_WINDOW (area->progress_dialog));

  name = g_strdup (basename);
  if ((dot = strrchr (name, '.')) != NULL && dot != name)
    *dot = '\0';
  /* Translators: %s is the host name of a tile server */
  attribution = g_strdup_printf (_("Tiles: %s"), host);

  g_signal_connect (area->download, "notify::n-done", G_CALLBACK (on_progress_cb), area);
  on_progress_cb (area->download, NULL, area);
  amap_tile_download_save_async (area->download, session, area->path, name, attribution,
                                 area->cancellable, on_saved_cb, area);
}

static void
on_file_chosen_cb (GObject    *owner,
                   GListModel *files)
{
  SaveArea *area = g_object_steal_data (owner, "amap-save-area");
  g_autoptr (GFile) file = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0 || area->parent == NULL)
    {
      save_area_free (area);
      return;
    }

  file = g_list_model_get_item (files, 0);
  area->path = g_file_get_path (file);
  if (area->path == NULL)
    {
      toast (area, _("Choose a folder on this computer to save the area in."));
      save_area_free (area);
      return;
    }
  start_download (area);
}

static void
on_setup_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      SaveArea         *area)
{
  g_autoptr (AmapTileDownload) download = NULL;

  area->setup_dialog = NULL;
  if (!g_str_equal (response, "save") || area->parent == NULL)
    {
      save_area_free (area);
      return;
    }

  /* The chooser keeps the download alive and brings the area back. */
  download = g_object_ref (area->download);
  g_object_set_data (G_OBJECT (download), "amap-save-area", area);
  amap_file_chooser_save (area->parent, _("Save Area for Offline Use"), _("_Save"),
                          AMAP_FILE_KIND_MBTILES, _("Offline Area.mbtiles"),
                          G_OBJECT (download), on_file_chosen_cb);
}

static GtkSpinButton *
zoom_spin (int value)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, MAX_DOWNLOAD_ZOOM, 1));

  gtk_spin_button_set_value (spin, value);
  gtk_spin_button_set_numeric (spin, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (spin), GTK_ALIGN_CENTER);
  return spin;
}

void
amap_offline_map_save_area (GtkWindow       *parent,
                            AdwToastOverlay *toasts,
                            double           west,
                            double           south,
                            double           east,
                            double           north,
                            double           zoom)
{
  g_autoptr (GSettings) settings = amap_settings_new ();
  g_autofree char *url_template = g_strstrip (g_settings_get_string (settings, "tile-url-template"));
  g_autofree char *host = NULL;
  SaveArea *area;
  int base_map;
  GtkGrid *grid;
  GtkWidget *label;
  int from;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (toasts));

  /* OpenStreetMap (as the base map, or as the "custom" server): its tile
   * policy forbids it, and nothing is asked of it. */
  base_map = g_settings_get_enum (settings, "base-map");
  if (base_map == BASE_MAP_OPENSTREETMAP ||
      (base_map == BASE_MAP_CUSTOM && amap_tile_download_is_osm_template (url_template)))
    {
      g_autoptr (AmapTileDownload) osm = amap_tile_download_new (AMAP_TILE_SOURCE_OSM_TEMPLATE,
                                                                 west, south, east, north, 0, 0);
      g_autoptr (GError) error = NULL;

      if (!amap_tile_download_check (osm, &error))
        show_message (parent, _("OpenStreetMap Areas Cannot Be Saved"), error->message);
      return;
    }
  if (base_map != BASE_MAP_CUSTOM || strstr (url_template, "{z}") == NULL)
    {
      show_message (parent, _("No Tile Server to Save From"),
                    _("Saving an area needs a custom tile server whose terms allow it. Choose one in Preferences → Base Map, or open an offline map your district sent."));
      return;
    }
  if (!g_settings_get_boolean (settings, "tile-server-allows-download"))
    {
      g_autofree char *body = NULL;

      host = server_host (url_template);
      /* Translators: %s is the host name of a tile server */
      body = g_strdup_printf (_("%s is not marked as allowing downloads. Check its terms of use; if they allow saving areas, turn on “Server Allows Downloading Areas” in Preferences → Base Map."),
                              host);
      show_message (parent, _("Downloads Not Allowed"), body);
      return;
    }

  area = g_new0 (SaveArea, 1);
  area->parent = parent;
  g_object_weak_ref (G_OBJECT (parent), on_parent_gone, area);
  area->toasts = g_object_ref (toasts);
  area->url_template = g_steal_pointer (&url_template);
  area->west = west;
  area->south = south;
  area->east = east;
  area->north = north;

  host = server_host (area->url_template);
  area->setup_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Save Area for Offline Use"), NULL));
  /* Translators: %s is the host name of a tile server */
  adw_message_dialog_format_body (area->setup_dialog,
                                  _("The map tiles of the area on screen, from %s, go into an MBTiles file that you can open as the base map where there is no network. Higher zooms show more detail and need many more tiles."),
                                  host);

  grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  gtk_widget_set_halign (GTK_WIDGET (grid), GTK_ALIGN_CENTER);
  from = CLAMP ((int) floor (zoom), 0, MAX_DOWNLOAD_ZOOM);
  area->from_spin = zoom_spin (from);
  area->to_spin = zoom_spin (MIN (from + 2, MAX_DOWNLOAD_ZOOM));
  label = gtk_label_new_with_mnemonic (_("_From zoom"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (area->from_spin));
  gtk_widget_set_halign (label, GTK_ALIGN_END);
  gtk_grid_attach (grid, label, 0, 0, 1, 1);
  gtk_grid_attach (grid, GTK_WIDGET (area->from_spin), 1, 0, 1, 1);
  label = gtk_label_new_with_mnemonic (_("_To zoom"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (area->to_spin));
  gtk_widget_set_halign (label, GTK_ALIGN_END);
  gtk_grid_attach (grid, label, 0, 1, 1, 1);
  gtk_grid_attach (grid, GTK_WIDGET (area->to_spin), 1, 1, 1, 1);
  area->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (area->count_label, TRUE);
  gtk_label_set_max_width_chars (area->count_label, 40);
  gtk_label_set_justify (area->count_label, GTK_JUSTIFY_CENTER);
  gtk_grid_attach (grid, GTK_WIDGET (area->count_label), 0, 2, 2, 1);
  adw_message_dialog_set_extra_child (area->setup_dialog, GTK_WIDGET (grid));

  adw_message_dialog_add_responses (area->setup_dialog,
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (area->setup_dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (area->setup_dialog, "save");
  adw_message_dialog_set_close_response (area->setup_dialog, "cancel");
  g_signal_connect_swapped (area->from_spin, "value-changed", G_CALLBACK (update_count), area);
  g_signal_connect_swapped (area->to_spin, "value-changed", G_CALLBACK (update_count), area);
  g_signal_connect (area->setup_dialog, "response", G_CALLBACK (on_setup_response_cb), area);
  update_count (area);
  gtk_window_present (GTK_WINDOW (area->setup_dialog));
}
