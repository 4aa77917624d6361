/* amap-file-chooser.c: open and save dialogs on every supported GTK
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-file-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-file-chooser.h"
#include "amap-settings.h"

typedef struct
{
  GObject             *owner;
  AmapFilesChosenFunc  callback;
} ChooserData;

/* The folder a dialog opens in: the last one used, if it is still a
 * folder, else Documents, else home. */
static GFile *
dup_start_folder (void)
{
  g_autoptr(GSettings) settings = amap_settings_new ();
  g_autofree char *last = g_settings_get_string (settings, "last-folder");
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (last[0] != '\0' && g_file_test (last, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (last);
  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (documents);

  return g_file_new_for_path (g_get_home_dir ());
}

/* Remembers the folder of the first of @files for the next dialog. */
static void
remember_folder (GListModel *files)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *path = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;

  file = g_list_model_get_item (files, 0);
  parent = g_file_get_parent (file);
  path = parent != NULL ? g_file_get_path (parent) : NULL;
  if (path != NULL)
    {
      g_autoptr(GSettings) settings = amap_settings_new ();

      g_settings_set_string (settings, "last-folder", path);
    }
}

static void
chooser_data_finish (ChooserData *data,
                     GListModel  *files)
{
  remember_folder (files);
  data->callback (data->owner, files);
  g_object_unref (data->owner);
  g_free (data);
}

static GtkFileFilter *
new_filter (const char *name,
            const char *suffix,
            const char *mime_type)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_suffix (filter, suffix);
  if (mime_type != NULL)
    gtk_file_filter_add_mime_type (filter, mime_type);

  return filter;
}

#define KML_MIME "application/vnd.google-earth.kml+xml"
#define KMZ_MIME "application/vnd.google-earth.kmz"
#define GPX_MIME "application/gpx+xml"

/* The filters for @kind, the first one the default. */
static GListModel *
create_filters (AmapFileKind kind)
{
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) main_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr(GPtrArray) each = g_ptr_array_new_with_free_func (g_object_unref);

  /* One filter for each format, after the one for all of them. */
  if (kind == AMAP_FILE_KIND_KML || kind == AMAP_FILE_KIND_IMPORT || kind == AMAP_FILE_KIND_TOUR)
    g_ptr_array_add (each, new_filter (_("KML Files"), "kml", KML_MIME));
  if (kind == AMAP_FILE_KIND_KML || kind == AMAP_FILE_KIND_IMPORT)
    g_ptr_array_add (each, new_filter (_("KMZ Files"), "kmz", KMZ_MIME));
  if (kind == AMAP_FILE_KIND_IMPORT || kind == AMAP_FILE_KIND_TOUR)
    g_ptr_array_add (each, new_filter (_("GPX Files"), "gpx", GPX_MIME));
  if (kind == AMAP_FILE_KIND_TOUR)
    g_ptr_array_add (each, new_filter (_("PDF Files"), "pdf", "application/pdf"));

  if (kind == AMAP_FILE_KIND_KML_ONLY)
    {
      gtk_file_filter_set_name (main_filter, _("KML Files"));
      gtk_file_filter_add_suffix (main_filter, "kml");
      gtk_file_filter_add_mime_type (main_filter, KML_MIME);
    }
  else if (kind == AMAP_FILE_KIND_KMZ)
    {
      gtk_file_filter_set_name (main_filter, _("KMZ Files"));
      gtk_file_filter_add_suffix (main_filter, "kmz");
      gtk_file_filter_add_mime_type (main_filter, KMZ_MIME);
    }
  else if (kind == AMAP_FILE_KIND_KML)
    {
      gtk_file_filter_set_name (main_filter, _("KML and KMZ Files"));
      gtk_file_filter_add_suffix (main_filter, "kml");
      gtk_file_filter_add_suffix (main_filter, "kmz");
      gtk_file_filter_add_mime_type (main_filter, "application/vnd.google-earth.kml+xml");
      gtk_file_filter_add_mime_type (main_filter, "application/vnd.google-earth.kmz");
    }
  else if (kind == AMAP_FILE_KIND_IMPORT)
    {
      gtk_file_filter_set_name (main_filter, _("KML, KMZ and GPX Files"));
      gtk_file_filter_add_suffix (main_filter, "kml");
      gtk_file_filter_add_suffix (main_filter, "kmz");
      gtk_file_filter_add_suffix (main_filter, "gpx");
      gtk_file_filter_add_mime_type (main_filter, "application/vnd.google-earth.kml+xml");
      gtk_file_filter_add_mime_type (main_filter, "application/vnd.google-earth.kmz");
      gtk_file_filter_add_mime_type (main_filter, "application/gpx+xml");
    }
  else if (kind == AMAP_FILE_KIND_BACKUP)
    {
      gtk_file_filter_set_name (main_filter, _("Asset Maps and Backups"));
      gtk_file_filter_add_suffix (main_filter, "assetmap");
      /* The copies the store keeps before it updates a map's format. */
      gtk_file_filter_add_pattern (main_filter, "*.assetmap.backup-v*");
    }
  else if (kind == AMAP_FILE_KIND_IMAGE)
    {
      gtk_file_filter_set_name (main_filter, _("PNG Images"));
      gtk_file_filter_add_suffix (main_filter, "png");
    }
  else if (kind == AMAP_FILE_KIND_MBTILES)
    {
      gtk_file_filter_set_name (main_filter, _("Offline Maps (MBTiles)"));
      gtk_file_filter_add_suffix (main_filter, "mbtiles");
    }
  else if (kind == AMAP_FILE_KIND_TOUR)
    {
      gtk_file_filter_set_name (main_filter, _("KML, GPX and PDF Files"));
      gtk_file_filter_add_suffix (main_filter, "kml");
      gtk_file_filter_add_suffix (main_filter, "gpx");
      gtk_file_filter_add_suffix (main_filter, "pdf");
    }
  else
    {
      gtk_file_filter_set_name (main_filter, _("Asset Maps"));
      gtk_file_filter_add_suffix (main_filter, "assetmap");
    }

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  g_list_store_append (filters, main_filter);
  for (guint i = 0; i < each->len; i++)
    g_list_store_append (filters, g_ptr_array_index (each, i));
  g_list_store_append (filters, all);

  return G_LIST_MODEL (filters);
}

#if GTK_CHECK_VERSION (4, 10, 0)

static GtkFileDialog *
create_dialog (const char   *title,
               const char   *accept_label,
               AmapFileKind  kind)
{
  GtkFileDialog *dialog = gtk_file_dialog_new ();
  g_autoptr(GListModel) filters = create_filters (kind);
  g_autoptr(GtkFileFilter) first = g_list_model_get_item (filters, 0);
  g_autoptr(GFile) folder = dup_start_folder ();

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, accept_label);
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_filters (dialog, filters);
  gtk_file_dialog_set_default_filter (dialog, first);
  gtk_file_dialog_set_initial_folder (dialog, folder);

  return dialog;
}

static void
report_error (GError *error)
{
  if (error != NULL && !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_warning ("The file dialog failed: %s", error->message);
}

static void
open_multiple_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result, &error);

  report_error (error);
  chooser_data_finish (user_data, files);
}

static GListModel *
wrap_file (GFile *file)
{
  GListStore *store;

  if (file == NULL)
    return NULL;

  store = g_list_store_new (G_TYPE_FILE);
  g_list_store_append (store, file);
  return G_LIST_MODEL (store);
}

static void
open_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, &error);
  g_autoptr(GListModel) files = wrap_file (file);

  report_error (error);
  chooser_data_finish (user_data, files);
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error);
  g_autoptr(GListModel) files = wrap_file (file);

  report_error (error);
  chooser_data_finish (user_data, files);
}

#else /* GTK 4.8 */

static void
native_response_cb (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

  chooser_data_finish (user_data, files);
  g_object_unref (native);
}

static GtkFileChooserNative *
create_native (GtkWindow            *parent,
               const char           *title,
               const char           *accept_label,
               GtkFileChooserAction  action,
               AmapFileKind          kind)
{
  GtkFileChooserNative *native;
  g_autoptr(GListModel) filters = create_filters (kind);
  g_autoptr(GFile) folder = dup_start_folder ();
  g_autoptr(GtkFileFilter) first = g_list_model_get_item (filters, 0);

  native = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), first);

  /* A folder, not Recent: in Recent (the default with no folder set) a
   * typed path and Enter did nothing. */
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);

  return native;
}

#endif

static void
open_files (GtkWindow           *parent,
            const char          *title,
            const char          *accept_label,
            AmapFileKind         kind,
            gboolean             multiple,
            GFile               *folder,
            GObject             *owner,
            AmapFilesChosenFunc  callback)
{
  ChooserData *data = g_new0 (ChooserData, 1);

  data->owner = g_object_ref (owner);
  data->callback = callback;

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = create_dialog (title, accept_label, kind);

    if (folder != NULL)
      gtk_file_dialog_set_initial_folder (dialog, folder);
    if (multiple)
      gtk_file_dialog_open_multiple (dialog, parent, NULL, open_multiple_done_cb, data);
    else
      gtk_file_dialog_open (dialog, parent, NULL, open_done_cb, data);
  }
#else
  {
    GtkFileChooserNative *native = create_native (parent, title, accept_label,
                                                  GTK_FILE_CHOOSER_ACTION_OPEN, kind);

    if (folder != NULL)
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
    gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), multiple);
    g_signal_connect (native, "response", G_CALLBACK (native_response_cb), data);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
  }
#endif
}

void
amap_file_chooser_open (GtkWindow           *parent,
                        const char          *title,
                        const char          *accept_label,
                        AmapFileKind         kind,
                        gboolean             multiple,
                        GObject             *owner,
                        AmapFilesChosenFunc  callback)
{
  open_files (parent, title, accept_label, kind, multiple, NULL, owner, callback);
}

void
amap_file_chooser_open_in (GtkWindow           *parent,
                           const char          *title,
                           const char          *accept_label,
                           AmapFileKind         kind,
                           GFile               *folder,
                           GObject             *owner,
                           AmapFilesChosenFunc  callback)
{
  open_files (parent, title, accept_label, kind, FALSE, folder, owner, callback);
}

void
amap_file_chooser_save (GtkWindow           *parent,
                        const char          *title,
                        const char          *accept_label,
                        AmapFileKind         kind,
                        const char          *initial_name,
                        GObject             *owner,
                        AmapFilesChosenFunc  callback)
{
  ChooserData *data = g_new0 (ChooserData, 1);

  data->owner = g_object_ref (owner);
  data->callback = callback;

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = create_dialog (title, accept_label, kind);

    gtk_file_dialog_set_initial_name (dialog, initial_name);
    gtk_file_dialog_save (dialog, parent, NULL, save_done_cb, data);
  }
#else
  {
    GtkFileChooserNative *native = create_native (parent, title, accept_label,
                                                  GTK_FILE_CHOOSER_ACTION_SAVE, kind);

    if (initial_name != NULL)
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
    g_signal_connect (native, "response", G_CALLBACK (native_response_cb), data);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
  }
#endif
}
