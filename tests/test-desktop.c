/* test-desktop.c: Asset Map in the desktop: the file types it registers,
 * opening a file from the file manager, and the binary of a build tree
 * run without its settings schema installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "amap-application.h"
#include "amap-settings.h"
#include "amap-import-dialog.h"
#include "amap-store.h"
#include "amap-tour.h"
#include "amap-window.h"
#include "gui-test-util.h"
#include "mbtiles-fixtures.h"

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
make_map (const char *dir,
          const char *name,
          guint       n_assets)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapStore) store = amap_store_open (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n_assets; i++)
    {
      g_autofree char *asset_name = g_strdup_printf ("Asset %u", i);
      g_autoptr(AmapAsset) asset = amap_asset_new (asset_name);

      amap_asset_set_location (asset, 37.77 + i * 0.001, -122.22);
      g_assert_true (amap_store_add_asset (store, asset, &error));
    }
  return path;
}

static const char kml_text[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>Partners</name>\n"
  "<Placemark><name>Fruitvale Library</name><Point><coordinates>-122.2241,37.7752</coordinates></Point></Placemark>\n"
  "<Placemark><name>Cesar Chavez Park</name><Point><coordinates>-122.2190,37.7766</coordinates></Point></Placemark>\n"
  "<Placemark><name>Mi Tienda Market</name><Point><coordinates>-122.2220,37.7730</coordinates></Point></Placemark>\n"
  "</Document></kml>\n";

static const char gpx_text[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
  "<rte><name>Tour</name><rtept lat=\"37.77\" lon=\"-122.22\"/></rte></gpx>\n";

/* What `gio info` says the content type of @path is, with the MIME
 * database under @data_dir only. */
static char *
content_type_of (const char *data_dir,
                 const char *path)
{
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { "gio", "info", "-a", "standard::content-type", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *line;
  int status;

  env = g_environ_setenv (env, "XDG_DATA_DIRS", data_dir, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data_dir, TRUE);
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  line = strstr (out, "standard::content-type: ");
  g_assert_nonnull (line);
  line += strlen ("standard::content-type: ");
  return g_strndup (line, strcspn (line, "\n"));
}

/* The MIME types we install make our files known: a map by its name and
 * by the application id in its header, KML and GPX by shared-mime-info;
 * the desktop file offers to open each of them. */
static void
test_mime_types (void)
{
  const char *source = g_test_get_filename (G_TEST_DIST, "..", "data",
                                            "io.github.assetmap.AssetMap.mime.xml", NULL);
  const char *desktop = g_test_get_filename (G_TEST_BUILT, "..", "data",
                                             "io.github.assetmap.AssetMap.desktop", NULL);
  const char *freedesktop = "/usr/share/mime/packages/freedesktop.org.xml";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amap-mime-XXXXXX", &error);
  g_autofree char *mime = g_build_filename (dir, "mime", NULL);
  g_autofree char *packages = g_build_filename (mime, "packages", NULL);
  g_autofree char *text = NULL;
  g_autofree char *map = NULL;
  g_autofree char *renamed = NULL;
  g_autofree char *sqlite = NULL;
  g_autofree char *kml = g_build_filename (dir, "partners.kml", NULL);
  g_autofree char *gpx = g_build_filename (dir, "tour.gpx", NULL);
  g_autofree char *mbtiles = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_auto(GStrv) types = NULL;
  g_autofree char *update_mime_database = g_find_program_in_path ("update-mime-database");
  gsize length;
  int status;

  if (!g_file_test (freedesktop, G_FILE_TEST_EXISTS) || update_mime_database == NULL)
    {
      g_test_skip ("shared-mime-info is not installed (build-aux/deps.sh installs it)");
      return;
    }

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (packages, 0700), ==, 0);
  g_assert_true (g_file_get_contents (freedesktop, &text, &length, &error));
  {
    g_autofree char *copy = g_build_filename (packages, "freedesktop.org.xml", NULL);
    g_assert_true (g_file_set_contents (copy, text, length, &error));
  }
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (source, &text, &length, &error));
  {
    g_autofree char *copy = g_build_filename (packages, "io.github.assetmap.AssetMap.xml", NULL);
    g_assert_true (g_file_set_contents (copy, text, length, &error));
  }
  {
    const char *argv[] = { "update-mime-database", mime, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  map = make_map (dir, "Fruitvale.assetmap", 1);
  /* By its header alone: a map someone renamed. */
  renamed = g_build_filename (dir, "fruitvale-copy.db", NULL);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (map, &text, &length, &error));
  g_assert_true (g_file_set_contents (renamed, text, length, &error));
  /* Another SQLite file is not a map. */
  {
    g_autofree char *other = g_memdup2 (text, length);

    memset (other + 68, 0, 4);
    sqlite = g_build_filename (dir, "other.db", NULL);
    g_assert_true (g_file_set_contents (sqlite, other, length, &error));
  }
  g_assert_true (g_file_set_contents (kml, kml_text, -1, &error));
  g_assert_true (g_file_set_contents (gpx, gpx_text, -1, &error));
  mbtiles = g_build_filename (dir, "district.mbtiles", NULL);
  mbtiles_fixture_write (mbtiles, "png", TRUE);

  {
    g_autofree char *type = content_type_of (dir, map);
    g_assert_cmpstr (type, ==, "application/x-asset-map");
  }
  {
    g_autofree char *type = content_type_of (dir, renamed);
    g_assert_cmpstr (type, ==, "application/x-asset-map");
  }
  {
    g_autofree char *type = content_type_of (dir, sqlite);
    g_assert_cmpstr (type, ==, "application/vnd.sqlite3");
  }
  {
    g_autofree char *type = content_type_of (dir, kml);
    g_assert_cmpstr (type, ==, "application/vnd.google-earth.kml+xml");
  }
  {
    g_autofree char *type = content_type_of (dir, gpx);
    g_assert_cmpstr (type, ==, "application/gpx+xml");
  }
  {
    g_autofree char *type = content_type_of (dir, mbtiles);
    g_assert_cmpstr (type, ==, "application/x-mbtiles");
  }

  g_assert_true (g_key_file_load_from_file (keys, desktop, G_KEY_FILE_NONE, &error));
  types = g_key_file_get_string_list (keys, "Desktop Entry", "MimeType", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) types, "application/x-asset-map"));
  g_assert_true (g_strv_contains ((const char * const *) types, "application/vnd.google-earth.kml+xml"));
  g_assert_true (g_strv_contains ((const char * const *) types, "application/vnd.google-earth.kmz"));
  g_assert_true (g_strv_contains ((const char * const *) types, "application/gpx+xml"));
  g_assert_true (g_strv_contains ((const char * const *) types, "application/x-mbtiles"));

  test_util_remove_dir (dir);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  AdwMessageDialog *dialog;

  while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  return dialog;
}

static gboolean
wait_for_count (AmapStore *store,
                guint      count)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (amap_store_count_assets (store) != count && g_get_monotonic_time () < end)
    {
      GList *toplevels = gtk_window_list_toplevels ();

      /* The import shows what the file holds first: import it as suggested. */
      for (GList *l = toplevels; l != NULL; l = l->next)
        if (AMAP_IS_IMPORT_DIALOG (l->data))
          {
            gtk_widget_activate_action (l->data, "import-dialog.import", NULL);
            break;
          }
      g_list_free (toplevels);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  spin ();
  return amap_store_count_assets (store) == count;
}

/* A .kml opened from the file manager asks before it goes into the open
 * map: Cancel adds nothing; Add to This Map imports it. */
static void
test_open_kml_asks (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amap-open-XXXXXX", &error);
  g_autofree char *map_path = make_map (dir, "School.assetmap", 2);
  g_autofree char *kml_path = g_build_filename (dir, "partners.kml", NULL);
  g_autoptr(AmapApplication) app = amap_application_new ();
  g_autoptr(GFile) map = g_file_new_for_path (map_path);
  g_autoptr(GFile) kml = g_file_new_for_path (kml_path);
  GFile *files[] = { map, kml };
  AdwMessageDialog *dialog;
  AmapStore *store;
  GtkWindow *window;

  g_assert_true (g_file_set_contents (kml_path, kml_text, -1, &error));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  /* The map and the file to import, as the file manager hands them over. */
  g_application_open (G_APPLICATION (app), files, 2, "");
  dialog = wait_for_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "partners.kml"));
  window = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  g_assert_true (AMAP_IS_WINDOW (window));
  store = amap_window_get_store (AMAP_WINDOW (window));
  g_assert_cmpstr (amap_store_get_path (store), ==, map_path);
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);

  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin ();
  g_usleep (200000);
  spin ();
  g_assert_cmpuint (amap_store_count_assets (store), ==, 2);

  /* Again, into this map. */
  g_application_open (G_APPLICATION (app), &files[1], 1, "");
  dialog = wait_for_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "add");
  adw_message_dialog_response (dialog, "add");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (wait_for_count (store, 5));

  /* An offline map from the file manager becomes the base map, without
   * asking about an import. */
  {
    g_autofree char *mbtiles_path = g_build_filename (dir, "district.mbtiles", NULL);
    g_autoptr(GFile) mbtiles = g_file_new_for_path (mbtiles_path);
    g_autoptr(GSettings) settings = amap_settings_new ();
    g_autofree char *base_map = NULL;
    g_autofree char *chosen = NULL;

    mbtiles_fixture_write (mbtiles_path, "png", TRUE);
    /* The import's report, closed. */
    while ((dialog = find_message_dialog ()) != NULL)
      gtk_window_destroy (GTK_WINDOW (dialog));
    g_application_open (G_APPLICATION (app), &mbtiles, 1, "");
    spin ();
    g_assert_null (find_message_dialog ());
    base_map = g_settings_get_string (settings, "base-map");
    chosen = g_settings_get_string (settings, "mbtiles-path");
    g_assert_cmpstr (base_map, ==, "mbtiles");
    g_assert_cmpstr (chosen, ==, mbtiles_path);
  }

  gtk_window_destroy (window);
  spin ();
  test_util_remove_dir (dir);
}

static AmapWindow *
find_window_of (const char *basename)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (AMAP_IS_WINDOW (window))
        {
          AmapStore *store = amap_window_get_store (AMAP_WINDOW (window));
          g_autofree char *name = g_path_get_basename (amap_store_get_path (store));

          if (g_str_equal (name, basename))
            return AMAP_WINDOW (window);
        }
    }
  return NULL;
}

/* In Spanish, the sample neighborhood's texts are Spanish (its places
 * and people keep their names), and so is its tour. */
static void
test_sample_in_spanish (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amap-sample-XXXXXX", &error);
  g_autofree char *map_path = make_map (dir, "School.assetmap", 0);
  g_autofree char *locale_dir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autoptr(AmapStore) store = amap_store_open (map_path, &error);
  g_autoptr(AmapAsset) school = NULL;
  g_autoptr(GPtrArray) tours = NULL;
  AmapWindow *window = amap_window_new (NULL, store);
  AmapWindow *sample = NULL;
  AmapStore *sample_store;
  gint64 end;

  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("the C.UTF-8 locale is missing");
      return;
    }
  g_setenv ("LANGUAGE", "es", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_window_present (GTK_WINDOW (window));
  spin ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL);

  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((sample = find_window_of ("Fruitvale Sample.assetmap")) == NULL &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (sample);
  sample_store = amap_window_get_store (sample);
  g_assert_true (wait_for_count (sample_store, 18));
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((tours == NULL || tours->len == 0) && g_get_monotonic_time () < end)
    {
      g_clear_pointer (&tours, g_ptr_array_unref);
      g_main_context_iteration (NULL, FALSE);
      tours = amap_store_list_tours (sample_store, &error);
      g_assert_no_error (error);
    }

  school = amap_store_get_asset (sample_store, "f0fd186c-b63f-53ac-9dda-5e1498d3118b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amap_asset_get_name (school), ==, "Fruitvale Community Elementary");
  g_assert_cmpstr (amap_asset_get_strengths (school), ==,
                   "Gimnasio y biblioteca abiertos por la tarde; sala de recursos para familias");
  g_assert_cmpuint (tours->len, ==, 1);
  g_assert_cmpstr (amap_tour_get_name (g_ptr_array_index (tours, 0)), ==,
                   "Recorrido de bienvenida para el personal");

  gtk_window_destroy (GTK_WINDOW (sample));
  spin ();
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  test_util_remove_dir (dir);
}

/* The binary of a build tree, run where its schema is not installed,
 * shows its window with settings in memory and one warning, instead of
 * aborting in GLib. */
static void
test_runs_without_schema (void)
{
  const char *binary = g_getenv ("AMAP_BINARY");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amap-noschema-XXXXXX", &error);
  g_autofree char *map = make_map (dir, "School.assetmap", 1);
  g_autofree char *log_path = g_build_filename (dir, "stderr.txt", NULL);
  g_autofree char *log = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { binary, map, NULL };
  const char *p;
  guint warnings = 0;
  GPid pid;
  int log_fd;
  int status;

  if (binary == NULL)
    {
      g_test_skip ("AMAP_BINARY is not set (meson test sets it)");
      return;
    }
  if (g_file_test ("/usr/share/glib-2.0/schemas/" APPLICATION_ID ".gschema.xml", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the schema is installed in /usr/share: nothing to fall back from");
      return;
    }

  env = g_environ_unsetenv (env, "GSETTINGS_SCHEMA_DIR");
  env = g_environ_setenv (env, "XDG_DATA_DIRS", "/usr/share", TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", dir, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", dir, TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", dir, TRUE);
  env = g_environ_setenv (env, "XDG_STATE_HOME", dir, TRUE);

  log_fd = g_open (log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  g_spawn_async_with_fds (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                          &pid, -1, -1, log_fd, &error);
  g_assert_no_error (error);
  close (log_fd);

  /* Until the window is up and its settings read (the warning is out),
   * however slow the build (sanitizers), then a little longer. */
  for (guint i = 0, settled = 0; i < 600 && settled < 10; i++)
    {
      g_autofree char *so_far = NULL;

      g_usleep (100000);
      g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);
      if (settled > 0 || (g_file_get_contents (log_path, &so_far, NULL, NULL) &&
                          strstr (so_far, "is not installed") != NULL))
        settled++;
    }
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);

  g_assert_true (g_file_get_contents (log_path, &log, NULL, &error));
  g_test_message ("stderr: %s", log);
  for (p = log; (p = strstr (p, "is not installed")) != NULL; p++)
    warnings++;
  g_assert_cmpuint (warnings, ==, 1);
  g_assert_null (strstr (log, "GLib-GIO-ERROR"));
  g_assert_null (strstr (log, "CRITICAL"));

  test_util_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/desktop/mime-types", test_mime_types);
  g_test_add_func ("/desktop/open-kml-asks", test_open_kml_asks);
  g_test_add_func ("/desktop/runs-without-schema", test_runs_without_schema);
  g_test_add_func ("/desktop/sample-in-spanish", test_sample_in_spanish);

  return g_test_run ();
}
