/* amap-application.c: app actions, accels and the headless command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-application"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-application.h"
#include "amap-cli.h"
#include "amap-cli-tours.h"
#include "amap-error.h"
#include "amap-file-chooser.h"
#include "amap-offline-map.h"
#include "amap-preferences-window.h"
#include "amap-settings.h"
#include "amap-store.h"
#include "amap-window.h"

#define MAX_RECENT_MAPS 8

struct _AmapApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  /* The map named by --database, opened before the first window. */
  AmapStore      *initial_store;
  /* During local_command_line: the arguments the options left. */
  char         ***arguments;
};

G_DEFINE_FINAL_TYPE (AmapApplication, amap_application, ADW_TYPE_APPLICATION)

/* Settings are made when first needed: the headless commands must work
 * where the schema is not installed (a build tree, a script). */
static GSettings *
get_settings (AmapApplication *self)
{
  if (self->settings == NULL)
    self->settings = amap_settings_new ();
  return self->settings;
}

/* The Preferences' category for imported places that have none, when the
 * schema is there; NULL (meaning "other") when it is not. */
static char *
headless_default_category (AmapApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_get_string (get_settings (self), "import-default-category");
}

/* Helpers */

static void
print_error (const char *path,
             GError     *error)
{
  g_autofree char *display = g_filename_display_name (path);

  /* Translators: the first %s is a file name, the second says why. */
  g_printerr (_("asset-map: Could not open “%s”: %s\n"), display, error->message);
}

static void
show_error (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void open_map_chosen_cb (GObject    *owner,
                                GListModel *files);

static void
backup_chosen_cb (GObject    *owner,
                  GListModel *files)
{
  open_map_chosen_cb (owner, files);
  g_application_release (G_APPLICATION (owner));
}

/* As show_error(); without a window, the dialog keeps the application
 * running until it is closed. */
static void
show_app_error (AmapApplication *self,
                GtkWindow       *parent,
                const char      *heading,
                const char      *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (parent == NULL)
    gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Saving what can still be read of a damaged map, off the main thread. */

typedef struct
{
  char *damaged_path;
  char *new_path;
} SalvageData;

static void
salvage_data_free (SalvageData *data)
{
  g_free (data->damaged_path);
  g_free (data->new_path);
  g_free (data);
}

static void
salvage_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SalvageData *data = task_data;
  GError *error = NULL;

  if (amap_store_salvage (data->damaged_path, data->new_path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
salvage_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AmapApplication *self = AMAP_APPLICATION (source);
  SalvageData *data = g_task_get_task_data (G_TASK (result));
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_app_error (self, parent, _("Could Not Save What Can Be Read"), error->message);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (data->new_path);

      /* The new map opens; the damaged one stays as it was. */
      if (amap_application_open_map (self, file, parent) != NULL && parent != NULL &&
          (!AMAP_IS_WINDOW (parent) || amap_window_leave_editor (AMAP_WINDOW (parent), NULL, NULL)))
        gtk_window_close (parent);
    }

  g_application_release (G_APPLICATION (self));
}

static void
salvage_chosen_cb (GObject    *owner,
                   GListModel *files)
{
  AmapApplication *self = AMAP_APPLICATION (owner);
  g_autofree char *damaged_path = g_strdup (g_object_get_data (owner, "amap-salvage-source"));
  g_autoptr(GFile) file = NULL;

  g_object_set_data (owner, "amap-salvage-source", NULL);
  if (files != NULL && g_list_model_get_n_items (files) > 0 && damaged_path != NULL)
    {
      file = g_list_model_get_item (files, 0);
      amap_application_salvage_map (self, damaged_path, file);
    }

  g_application_release (G_APPLICATION (self));
}

static void
open_error_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  AmapApplication *self = user_data;
  GFile *folder = g_object_get_data (G_OBJECT (dialog), "amap-folder");
  const char *path = g_object_get_data (G_OBJECT (dialog), "amap-path");

  if (g_strcmp0 (response, "salvage") == 0)
    {
      g_autofree char *basename = g_path_get_basename (path);
      g_autofree char *suggested = NULL;

      if (g_str_has_suffix (basename, AMAP_STORE_SUFFIX))
        basename[strlen (basename) - strlen (AMAP_STORE_SUFFIX)] = '\0';
      /* Translators: the suggested file name of the map that gets what
       * could be read from a damaged one; %s is the damaged map's name. */
      suggested = g_strdup_printf (_("%s (Recovered).assetmap"), basename);
      g_object_set_data_full (G_OBJECT (self), "amap-salvage-source", g_strdup (path), g_free);
      g_application_hold (G_APPLICATION (self));
      amap_file_chooser_save (gtk_window_get_transient_for (GTK_WINDOW (dialog)),
                              _("Save What Can Be Read"), _("_Save"), AMAP_FILE_KIND_MAP, suggested,
                              G_OBJECT (self), salvage_chosen_cb);
      return;
    }

  if (g_strcmp0 (response, "open-backup") != 0)
    return;

  /* The dialog may have been the only window: the chooser is not one of
   * the application's, so hold it until a backup is chosen. */
  g_application_hold (G_APPLICATION (self));
  amap_file_chooser_open_in (gtk_window_get_transient_for (GTK_WINDOW (dialog)),
                             _("Open a Backup"), _("_Open"), AMAP_FILE_KIND_BACKUP, folder,
                             G_OBJECT (self), backup_chosen_cb);
}

/* Says why the map at @path did not open, in the store's words, and
 * offers what can be done about it. */
static void
show_open_error (AmapApplication *self,
                 GtkWindow       *parent,
                 const char      *path,
                 const GError    *error)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Could Not Open the Map"), error->message);
  AdwMessageDialog *message = ADW_MESSAGE_DIALOG (dialog);

  adw_message_dialog_add_response (message, "close", _("_Close"));
  if (g_error_matches (error, AMAP_ERROR, AMAP_ERROR_DAMAGED))
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      /* Backups usually sit beside the map: the store's own copies from
       * before a format update, and those made with "Back Up Map…". */
      adw_message_dialog_add_response (message, "salvage", _("_Save What Can Be Read…"));
      adw_message_dialog_add_response (message, "open-backup", _("_Open a Backup…"));
      adw_message_dialog_set_response_appearance (message, "open-backup", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (message, "open-backup");
      g_object_set_data_full (G_OBJECT (dialog), "amap-folder", g_file_get_parent (file), g_object_unref);
      g_object_set_data_full (G_OBJECT (dialog), "amap-path", g_strdup (path), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (open_error_response_cb), self, 0);
    }
  if (parent == NULL)
    gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remember_map (AmapApplication *self,
              const char      *path)
{
  g_auto(GStrv) old = g_settings_get_strv (get_settings (self), "recent-maps");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_MAPS; i++)
    {
      if (g_strcmp0 (old[i], path) == 0)
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }
  recent = g_strv_builder_end (builder);

  g_settings_set_strv (get_settings (self), "recent-maps", (const char * const *) recent);
  g_settings_set_string (get_settings (self), "last-map", path);
}

static GtkWindow *
present_store (AmapApplication *self,
               AmapStore       *store)
{
  AmapWindow *window = amap_window_new (self, store);

  remember_map (self, amap_store_get_path (store));
  gtk_window_present (GTK_WINDOW (window));

  return GTK_WINDOW (window);
}

/* The last map, or the default one when it cannot be opened: then
 * @last_error says why, to be shown. */
static AmapStore *
open_startup_store (AmapApplication  *self,
                    char            **last_path,
                    GError          **last_error,
                    GError          **error)
{
  g_autofree char *last = g_settings_get_string (get_settings (self), "last-map");
  g_autofree char *default_path = NULL;

  if (last[0] != '\0' && g_file_test (last, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) local_error = NULL;
      AmapStore *store = amap_store_open (last, &local_error);

      if (store != NULL)
        return store;
      g_warning ("Could not reopen the last map %s: %s", last, local_error->message);
      *last_path = g_steal_pointer (&last);
      g_propagate_error (last_error, g_steal_pointer (&local_error));
    }

  default_path = amap_store_get_default_path ();
  return amap_store_open (default_path, error);
}

/* Before @parent shows another map: TRUE when its edits are saved. When
 * not, @parent asks, and opens @path once the person has chosen. */
static gboolean
leave_for_map (GtkWindow  *parent,
               const char *path)
{
  if (!AMAP_IS_WINDOW (parent))
    return TRUE;
  return amap_window_leave_editor (AMAP_WINDOW (parent), "app.open-recent",
                                   g_variant_new_string (path));
}

/* Actions */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AmapApplication *self = user_data;

  g_autoptr(GList) copy = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* An edit that cannot be saved whole stops the quit: its window asks,
   * and quits again once the person has chosen. */
  for (GList *l = copy; l != NULL; l = l->next)
    if (AMAP_IS_WINDOW (l->data) && !amap_window_leave_editor (l->data, "app.quit", NULL))
      return;

  /* Closing (not destroying) each window lets it save its state. */
  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (l->data);

  g_application_quit (G_APPLICATION (self));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  AmapApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Asset Map developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", _("Asset Map"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Map your neighborhood’s businesses, faith communities, "
                                      "nonprofits, clinics, parks and libraries, the leaders "
                                      "you know there, and how each relationship is going."),
                        "website", PROJECT_URL,
                        "issue-url", PROJECT_URL "/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one a line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Map Data"),
                                      _("© OpenStreetMap contributors"),
                                      GTK_LICENSE_CUSTOM,
                                      _("Map tiles and data from OpenStreetMap, available under the "
                                        "Open Database License."));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AmapApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AmapStore *store = NULL;
  GtkWindow *prefs;

  if (AMAP_IS_WINDOW (parent))
    store = amap_window_get_store (AMAP_WINDOW (parent));

  prefs = GTK_WINDOW (amap_preferences_window_new (store));
  gtk_window_set_transient_for (prefs, parent);
  gtk_window_present (prefs);
}

static void
open_map_chosen_cb (GObject    *owner,
                    GListModel *files)
{
  AmapApplication *self = AMAP_APPLICATION (owner);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;

  file = g_list_model_get_item (files, 0);
  path = g_file_get_path (file);
  if (path != NULL && !leave_for_map (parent, path))
    return;
  if (amap_application_open_map (self, file, parent) != NULL && parent != NULL)
    gtk_window_close (parent);
}

static void
open_map_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AmapApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  amap_file_chooser_open (parent, _("Open Map"), _("_Open"), AMAP_FILE_KIND_MAP, FALSE,
                          G_OBJECT (self), open_map_chosen_cb);
}

static char *prepare_new_map_path (GtkWindow *parent,
                                   GFile     *chosen);

static void
new_map_chosen_cb (GObject    *owner,
                   GListModel *files)
{
  AmapApplication *self = AMAP_APPLICATION (owner);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GFile) chosen = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;

  chosen = g_list_model_get_item (files, 0);
  if (!(path = prepare_new_map_path (parent, chosen)))
    return;
  file = g_file_new_for_path (path);

  /* After the trash: once the edit is dealt with, opening the path
   * creates the new map. */
  if (!leave_for_map (parent, path))
    return;

  if (amap_application_open_map (self, file, parent) != NULL && parent != NULL)
    gtk_window_close (parent);
}

static void
new_map_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  AmapApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  amap_file_chooser_save (parent, _("New Map"), _("_Create"), AMAP_FILE_KIND_MAP,
                          /* Translators: the suggested file name of a new map. */
                          _("Neighborhood.assetmap"),
                          G_OBJECT (self), new_map_chosen_cb);
}

static void
open_recent_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AmapApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  if (parent != NULL && AMAP_IS_WINDOW (parent) &&
      g_strcmp0 (amap_store_get_path (amap_window_get_store (AMAP_WINDOW (parent))),
                 g_variant_get_string (parameter, NULL)) == 0)
    return;
  if (!leave_for_map (parent, g_variant_get_string (parameter, NULL)))
    return;

  if (amap_application_open_map (self, file, parent) != NULL && parent != NULL)
    gtk_window_close (parent);
}

static void
startup_error_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           gpointer          user_data)
{
  if (g_strcmp0 (response, "open") == 0)
    open_map_activated (NULL, NULL, user_data);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "new-map", new_map_activated },
  { "open-map", open_map_activated },
  { "open-recent", open_recent_activated, "s" },
};

/* Command line */

static int
run_headless (AmapApplication *self,
              GVariantDict    *options,
              const char      *database)
{
  g_autofree char *path = NULL;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *import_path = NULL;
  const char *export_path = NULL;
  const char *backup_path = NULL;
  const char *salvage_path = NULL;
  const char *category_for_all = NULL;
  const char *png_path = NULL;
  gboolean list = FALSE;
  gboolean include_private = FALSE;
  gboolean by_layer = FALSE;

  g_variant_dict_lookup (options, "include-private", "b", &include_private);
  g_variant_dict_lookup (options, "by-layer", "b", &by_layer);
  g_variant_dict_lookup (options, "import", "^&ay", &import_path);
  g_variant_dict_lookup (options, "export", "^&ay", &export_path);
  g_variant_dict_lookup (options, "backup", "^&ay", &backup_path);
  g_variant_dict_lookup (options, "salvage", "^&ay", &salvage_path);
  g_variant_dict_lookup (options, "list", "b", &list);
  g_variant_dict_lookup (options, "category", "&s", &category_for_all);
  g_variant_dict_lookup (options, "export-png", "^&ay", &png_path);

  path = database != NULL ? g_strdup (database) : amap_store_get_default_path ();

  /* A damaged map does not open: salvage reads it on its own. */
  if (salvage_path != NULL)
    {
      if (!amap_cli_salvage (path, salvage_path, stdout, &error))
        {
          g_autofree char *display = g_filename_display_name (path);

          /* Translators: the first %s is a file name, the second says why. */
          g_printerr (_("asset-map: Could not save what can be read from “%s”: %s\n"),
                      display, error->message);
          return 1;
        }
      return 0;
    }

  /* Only an import works in the map and may create it; the commands that
   * read it say when there is none. */
  if (import_path != NULL)
    store = amap_store_open (path, &error);
  else if (export_path != NULL || png_path != NULL || list || amap_cli_tours_requested (options))
    store = amap_store_open_existing (path, FALSE, &error);
  if (store == NULL && error != NULL)
    {
      print_error (path, error);
      return 1;
    }

  if (import_path != NULL)
    {
      g_autofree char *category = headless_default_category (self);

      if (!amap_cli_import (store, import_path, category, category_for_all, stdout, &error))
        {
          g_autofree char *display = g_filename_display_name (import_path);

          /* Translators: the first %s is a file name, the second says why. */
          g_printerr (_("asset-map: Could not import “%s”: %s\n"), display, error->message);
          return 1;
        }
    }

  if (export_path != NULL)
    {
      AmapExportFlags flags = (include_private ? AMAP_EXPORT_INCLUDE_PRIVATE : 0)
                              | (by_layer ? AMAP_EXPORT_BY_LAYER : 0);

      if (!amap_cli_export (store, export_path, flags, stdout, &error))
        {
          g_autofree char *display = g_filename_display_name (export_path);

          /* Translators: the first %s is a file name, the second says why. */
          g_printerr (_("asset-map: Could not export to “%s”: %s\n"), display, error->message);
          return 1;
        }
    }

  if (png_path != NULL)
    {
      const char *size = NULL, *bbox = NULL, *mbtiles = NULL;
      g_autofree char *attribution = NULL;
      g_autofree char *tile_dir = NULL;

      g_variant_dict_lookup (options, "size", "&s", &size);
      g_variant_dict_lookup (options, "bbox", "&s", &bbox);
      g_variant_dict_lookup (options, "mbtiles", "^&ay", &mbtiles);
      if (mbtiles == NULL)
        tile_dir = amap_cli_dup_tile_dir (&attribution);
      if (!amap_cli_export_png (store, png_path, size, bbox, mbtiles, tile_dir, attribution, &error))
        {
          g_autofree char *display = g_filename_display_name (png_path);

          /* Translators: the first %s is a file name, the second says why. */
          g_printerr (_("asset-map: Could not save the map as “%s”: %s\n"), display, error->message);
          return 1;
        }
    }

  if (backup_path != NULL && !amap_cli_backup (path, backup_path, &error))
    {
      g_autofree char *display = g_filename_display_name (backup_path);

      /* Translators: the first %s is a file name, the second says why. */
      g_printerr (_("asset-map: Could not back up to “%s”: %s\n"), display, error->message);
      return 1;
    }

  if (list && !amap_cli_list (store, stdout, &error))
    {
      g_printerr (_("asset-map: Could not list the assets: %s\n"), error->message);
      return 1;
    }

  if (amap_cli_tours_requested (options))
    return amap_cli_tours_run (store, options, self->arguments != NULL && *self->arguments != NULL
                                               ? (const char * const *) *self->arguments + 1 : NULL);

  return 0;
}

static int
amap_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  AmapApplication *self = AMAP_APPLICATION (app);
  const char *database = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("asset-map %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "database", "^&ay", &database);

  if (g_variant_dict_contains (options, "list") ||
      g_variant_dict_contains (options, "import") ||
      g_variant_dict_contains (options, "export") ||
      g_variant_dict_contains (options, "backup") ||
      g_variant_dict_contains (options, "salvage") ||
      g_variant_dict_contains (options, "export-png") ||
      amap_cli_tours_requested (options))
    return run_headless (self, options, database);

  if (database != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Fail before any window when the named map cannot be opened. */
      self->initial_store = amap_store_open (database, &error);
      if (self->initial_store == NULL)
        {
          print_error (database, error);
          return 1;
        }
    }

  return G_APPLICATION_CLASS (amap_application_parent_class)->handle_local_options (app, options);
}

/* Overrides */

/* The tour commands write files named after their options; those are
 * left among the arguments, which handle_local_options cannot see. */
static gboolean
amap_application_local_command_line (GApplication   *app,
                                     char         ***arguments,
                                     int            *exit_status)
{
  AmapApplication *self = AMAP_APPLICATION (app);
  gboolean handled;

  self->arguments = arguments;
  handled = G_APPLICATION_CLASS (amap_application_parent_class)->local_command_line (app, arguments,
                                                                                    exit_status);
  self->arguments = NULL;

  return handled;
}

static void
load_css (const char *resource)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  if (!g_resources_get_info (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
    return;

  gtk_css_provider_load_from_resource (provider, resource);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
amap_application_startup (GApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.open-map", { "<Control>o", NULL } },
    { "app.new-map", { "<Control><Shift>n", NULL } },
    /* The window's own shortcuts (Ctrl+N, Ctrl+Z, Delete…) are bindings of
     * the window class, so that text entries keep theirs. */
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (amap_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);

  load_css ("/io/github/assetmap/AssetMap/style.css");
  load_css ("/io/github/assetmap/AssetMap/amap-map-view.css");
  load_css ("/io/github/assetmap/AssetMap/amap-tour-panel.css");
}

static void
amap_application_activate (GApplication *app)
{
  AmapApplication *self = AMAP_APPLICATION (app);
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) last_error = NULL;
  g_autofree char *last_path = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->initial_store != NULL)
    store = g_steal_pointer (&self->initial_store);
  else
    store = open_startup_store (self, &last_path, &last_error, &error);

  if (store == NULL)
    {
      GtkWidget *dialog;
      g_autofree char *body = g_strdup_printf (_("%s\n\nUse “Open Map” to choose another map file."),
                                               error->message);

      dialog = adw_message_dialog_new (NULL, _("Could Not Open Your Map"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "quit", _("_Quit"),
                                        "open", _("_Open Map…"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                                  ADW_RESPONSE_SUGGESTED);
      gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (app));
      g_signal_connect_object (dialog, "response",
                               G_CALLBACK (startup_error_response_cb), app, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  window = present_store (self, store);
  /* The default map opened instead of the last one: say why. */
  if (last_error != NULL)
    show_open_error (self, window, last_path, last_error);
}

/* Opening files from the file manager: a map opens in its own window; a
 * file to import is not added to whatever map happens to be open without
 * asking. */

/* @path, with the map suffix added when it lacks it, for a new map: an
 * existing file there (the chooser asked whether to replace it) goes to
 * the trash. NULL after saying why it cannot be used. */
static char *
prepare_new_map_path (GtkWindow *parent,
                      GFile     *chosen)
{
  g_autofree char *path = g_file_get_path (chosen);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      show_error (parent, _("Could Not Create the Map"),
                  _("Maps can only be saved in local folders. Choose a folder on this computer."));
      return NULL;
    }

  if (!g_str_has_suffix (path, AMAP_STORE_SUFFIX))
    {
      char *with_suffix = g_strconcat (path, AMAP_STORE_SUFFIX, NULL);
      g_free (path);
      path = with_suffix;
    }
  file = g_file_new_for_path (path);

  /* Move the old file to the trash rather than deleting it outright. */
  if (g_file_query_exists (file, NULL) &&
      !g_file_trash (file, NULL, &error) &&
      !g_file_delete (file, NULL, NULL))
    {
      g_autofree char *body = g_strdup_printf (_("The existing file could not be replaced: %s"),
                                               error->message);
      show_error (parent, _("Could Not Create the Map"), body);
      return NULL;
    }

  return g_steal_pointer (&path);
}

static void
import_files_into (GtkWindow  *window,
                   GListModel *files)
{
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      amap_window_import_file (AMAP_WINDOW (window), file);
    }
}

/* @owner: the GListStore of the files to import. */
static void
import_map_chosen_cb (GObject    *owner,
                      GListModel *files)
{
  AmapApplication *self = AMAP_APPLICATION (g_application_get_default ());
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GFile) chosen = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  GtkWindow *window;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;

  chosen = g_list_model_get_item (files, 0);
  if (!(path = prepare_new_map_path (parent, chosen)))
    return;

  file = g_file_new_for_path (path);
  if ((window = amap_application_open_map (self, file, parent)) != NULL)
    import_files_into (window, G_LIST_MODEL (owner));
}

static void
import_target_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           GListStore       *files)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  g_autoptr(GFile) first = g_list_model_get_item (G_LIST_MODEL (files), 0);
  g_autofree char *base = g_file_get_basename (first);
  g_autofree char *suggested = NULL;
  char *dot;

  if (g_str_equal (response, "add") && AMAP_IS_WINDOW (window))
    {
      import_files_into (window, G_LIST_MODEL (files));
      return;
    }
  if (!g_str_equal (response, "new"))
    return;

  if ((dot = strrchr (base, '.')) != NULL && dot != base)
    *dot = '\0';
  suggested = g_strconcat (base, AMAP_STORE_SUFFIX, NULL);
  amap_file_chooser_save (window, _("New Map"), _("_Create"), AMAP_FILE_KIND_MAP, suggested,
                          G_OBJECT (files), import_map_chosen_cb);
}

/* Asks whether @files go into the map of @window or into a new map. */
static void
ask_import_target (AmapApplication *self,
                   GtkWindow       *window,
                   GListStore      *files)
{
  guint n_files = g_list_model_get_n_items (G_LIST_MODEL (files));
  g_autoptr(GFile) first = g_list_model_get_item (G_LIST_MODEL (files), 0);
  g_autofree char *name = g_file_get_basename (first);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AmapStore *store = amap_window_get_store (AMAP_WINDOW (window));
  const char *title = amap_store_get_title (store);
  g_autofree char *map_name = NULL;
  AdwMessageDialog *dialog;

  if (title == NULL || *title == '\0')
    title = map_name = g_path_get_basename (amap_store_get_path (store));

  if (n_files == 1)
    /* Translators: %s is the name of a file, e.g. “tbilisi.kml”. */
    heading = g_strdup_printf (_("Import “%s”?"), name);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import %u File?", "Import %u Files?",
                                            n_files), n_files);
  /* Translators: %s is the title of the open map. */
  body = g_strdup_printf (_("Add the places to “%s”, or start a new map with them. "
                            "Import can be undone."), title);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "new", _("_New Map…"),
                                    "add", _("_Add to This Map"),
                                    NULL);
  if (amap_store_get_read_only (store))
    adw_message_dialog_set_response_enabled (dialog, "add", FALSE);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog,
                                           amap_store_get_read_only (store) ? "new" : "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (import_target_response_cb),
                         g_object_ref (files), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
amap_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  AmapApplication *self = AMAP_APPLICATION (app);
  g_autoptr(GListStore) imports = g_list_store_new (G_TYPE_FILE);
  GtkWindow *window;

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_basename (files[i]);
      g_autofree char *lower = g_utf8_strdown (name != NULL ? name : "", -1);

      if (g_str_has_suffix (lower, AMAP_STORE_SUFFIX))
        amap_application_open_map (self, files[i],
                                   gtk_application_get_active_window (GTK_APPLICATION (app)));
      else if (amap_offline_map_is_mbtiles_file (files[i]))
        {
          /* An offline map is the base map, not places to import. */
          window = gtk_application_get_active_window (GTK_APPLICATION (app));
          if (window == NULL)
            {
              g_application_activate (app);
              window = gtk_application_get_active_window (GTK_APPLICATION (app));
            }
          if (AMAP_IS_WINDOW (window))
            amap_window_open_offline_map (AMAP_WINDOW (window), files[i]);
        }
      else
        g_list_store_append (imports, files[i]);
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (imports)) == 0)
    return;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      g_application_activate (app);
      window = gtk_application_get_active_window (GTK_APPLICATION (app));
    }
  if (AMAP_IS_WINDOW (window))
    ask_import_target (self, window, imports);
}

static void
amap_application_dispose (GObject *object)
{
  AmapApplication *self = AMAP_APPLICATION (object);

  g_clear_object (&self->initial_store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (amap_application_parent_class)->dispose (object);
}

static void
amap_application_class_init (AmapApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = amap_application_dispose;

  app_class->local_command_line = amap_application_local_command_line;
  app_class->handle_local_options = amap_application_handle_local_options;
  app_class->startup = amap_application_startup;
  app_class->activate = amap_application_activate;
  app_class->open = amap_application_open;
}

static void
amap_application_init (AmapApplication *self)
{
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open or create the map in FILE"), N_("FILE") },
    { "list", 'l', 0, G_OPTION_ARG_NONE, NULL,
      N_("Print every asset, one a line: uuid, name, category, latitude, longitude"), NULL },
    { "import", 'i', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Import a KML or KMZ file into the map and print the report"), N_("FILE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("With --import: give every imported place the category KEY (see --list)"), N_("KEY") },
    { "export", 'e', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Export the whole map to a KML or KMZ file, for sharing: without key leaders and the visit log"), N_("FILE") },
    { "include-private", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("With --export: include key leaders’ contact details and the visit log"), NULL },
    { "by-layer", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("With --export: a folder for each layer the assets came from, instead of one for each category"), NULL },
    { "backup", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Save a copy of the map as FILE (safe while the map is open)"), N_("FILE") },
    { "salvage", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Save what can still be read from a damaged map into the new map FILE"), N_("FILE") },
    { "list-tours", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print every tour, one a line: name, number of stops, departure"), NULL },
    { "itinerary", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Save the itinerary of the tour NAME as a PDF: --itinerary NAME FILE.pdf"), N_("NAME") },
    { "export-tour", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Export the tour NAME as KML or GPX: --export-tour NAME FILE.kml|FILE.gpx"), N_("NAME") },
    { "export-png", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Save the map of every asset as a PNG image, with its legend"), N_("FILE") },
    { "size", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The size of --export-png's image in pixels (default 1600x1000)"), N_("WIDTHxHEIGHT") },
    { "bbox", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The area --export-png shows, in degrees"), N_("WEST,SOUTH,EAST,NORTH") },
    { "mbtiles", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The base map of --export-png from an MBTiles file"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Map your neighborhood’s assets. FILE may be a map "
                                              "(.assetmap) to open or a KML/KMZ file to import."));
}

/* Public API */

AmapApplication *
amap_application_new (void)
{
  return g_object_new (AMAP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/assetmap/AssetMap",
                       NULL);
}

GtkWindow *
amap_application_open_map (AmapApplication *self,
                           GFile           *file,
                           GtkWindow       *parent)
{
  g_autofree char *path = NULL;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (AMAP_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (parent, _("Could Not Open the Map"),
                  _("Maps can only be opened from local folders. Copy the file to this computer first."));
      return NULL;
    }

  store = amap_store_open (path, &error);
  if (store == NULL)
    {
      show_open_error (self, parent, path, error);
      return NULL;
    }

  return present_store (self, store);
}

void
amap_application_salvage_map (AmapApplication *self,
                              const char      *damaged_path,
                              GFile           *new_file)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  SalvageData *data;

  g_return_if_fail (AMAP_IS_APPLICATION (self));
  g_return_if_fail (damaged_path != NULL);
  g_return_if_fail (G_IS_FILE (new_file));

  path = g_file_get_path (new_file);
  if (path == NULL)
    {
      show_app_error (self, gtk_application_get_active_window (GTK_APPLICATION (self)),
                      _("Could Not Save What Can Be Read"),
                      _("Maps can only be saved in local folders. Choose a folder on this computer."));
      return;
    }
  if (!g_str_has_suffix (path, AMAP_STORE_SUFFIX))
    {
      char *with_suffix = g_strconcat (path, AMAP_STORE_SUFFIX, NULL);
      g_free (path);
      path = with_suffix;
    }

  data = g_new0 (SalvageData, 1);
  data->damaged_path = g_strdup (damaged_path);
  data->new_path = g_steal_pointer (&path);

  /* Held until the copy is done: the error dialog may have been the
   * only window. */
  g_application_hold (G_APPLICATION (self));
  task = g_task_new (self, NULL, salvage_done_cb, NULL);
  g_task_set_source_tag (task, amap_application_salvage_map);
  g_task_set_task_data (task, data, (GDestroyNotify) salvage_data_free);
  g_task_run_in_thread (task, salvage_thread);
}
