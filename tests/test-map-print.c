/* test-map-print.c: the window's map printed to PDF and exported as PNG,
 * driven through the window's actions (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "amap-map-print.h"
#include "amap-map-view.h"
#include "amap-store.h"
#include "amap-window.h"
#include "gui-test-util.h"

#define TITLE "Fruitvale Asset Walk"

typedef struct
{
  char       *dir;
  AmapStore  *store;
  AmapWindow *window;
} Fixture;

static void
add_asset (AmapStore  *store,
           const char *name,
           const char *category,
           double      latitude,
           double      longitude)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, category);
  amap_asset_set_location (asset, latitude, longitude);
  amap_store_add_asset (store, asset, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->store = gui_test_open_store ("amap-map-print-XXXXXX", &fixture->dir);
  g_assert_true (amap_store_set_title (fixture->store, TITLE, &error));
  add_asset (fixture->store, "Fruitvale Library", "library-arts", 37.7752, -122.2241);
  add_asset (fixture->store, "Cesar Chavez Park", "park", 37.7766, -122.2190);
  add_asset (fixture->store, "Peralta Hacienda Park", "park", 37.7780, -122.2168);
  add_asset (fixture->store, "La Clínica de la Raza", "health", 37.7745, -122.2240);

  /* No tile server: nothing is downloaded. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

    g_settings_set_string (settings, "base-map", "none");
  }

  fixture->window = amap_window_new (NULL, fixture->store);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  /* Every asset in view, as the map shows them. */
  amap_map_view_fit_assets (AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window)));
  gui_test_spin ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  g_clear_object (&fixture->store);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static char *
run (const char *program,
     const char *path)
{
  g_autofree char *found = g_find_program_in_path (program);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  const char *argv[] = { program, path, "-", NULL };

  if (found == NULL)
    return NULL;
  if (g_str_equal (program, "pdfinfo"))
    argv[2] = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return out;
}

/* Print to a PDF: one page, landscape like the window's map, with the
 * map's title and the legend's category names. */
static void
test_print_to_pdf (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *pdf = g_build_filename (fixture->dir, "map.pdf", NULL);
  g_autofree char *info = NULL;
  g_autofree char *text = NULL;
  double page_w = 0, page_h = 0;
  const char *size;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.print-map-to",
                                             "s", pdf));
  gui_test_spin ();
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));

  info = run ("pdfinfo", pdf);
  text = run ("pdftotext", pdf);
  if (info == NULL || text == NULL)
    {
      g_test_skip ("pdfinfo and pdftotext (poppler-utils) are not installed");
      return;
    }
  g_test_message ("%s\n%s", info, text);
  g_assert_true (g_regex_match_simple ("^Pages: +1$", info, G_REGEX_MULTILINE, 0));
  size = strstr (info, "Page size:");
  g_assert_nonnull (size);
  g_assert_cmpint (sscanf (size, "Page size: %lf x %lf", &page_w, &page_h), ==, 2);
  g_assert_cmpfloat (page_w, >, page_h);

  g_assert_nonnull (strstr (text, TITLE));
  g_assert_nonnull (strstr (text, "Park / Recreation"));
  g_assert_nonnull (strstr (text, "Library / Arts & Culture"));
  g_assert_nonnull (strstr (text, "Health"));
}

/* Print to File offers a PDF named after the map, not "output.pdf"; a
 * slash in the title does not make a folder of it. */
static void
test_print_file_name (Fixture       *fixture,
                      gconstpointer  data)
{
  AmapMapView *view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  g_autoptr(AmapMapRender) render = amap_map_print_create_render (view, fixture->store);
  g_autoptr(GtkPrintOperation) operation = amap_map_print_operation_new (render, TITLE, TRUE);
  g_autoptr(GtkPrintOperation) slashed = amap_map_print_operation_new (render, "Parks/Trails", TRUE);
  GtkPrintSettings *settings = gtk_print_operation_get_print_settings (operation);

  g_assert_nonnull (settings);
  g_assert_cmpstr (gtk_print_settings_get (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME), ==, TITLE);
  settings = gtk_print_operation_get_print_settings (slashed);
  g_assert_nonnull (settings);
  g_assert_cmpstr (gtk_print_settings_get (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME), ==, "Parks-Trails");
}

/* Export Map as Image: the width and height show for Custom Size only,
 * not greyed out under "Full HD, 1920 × 1080" with other numbers. */
static void
test_image_size_choice (Fixture       *fixture,
                        gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *dialog = NULL, *choice, *width;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export-image", NULL));
  gui_test_spin ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item))
        dialog = GTK_WIDGET (item);
    }
  g_assert_nonnull (dialog);
  choice = gui_test_find_descendant (dialog, GTK_TYPE_DROP_DOWN);
  width = gui_test_find_descendant (dialog, GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (choice);
  g_assert_nonnull (width);

  g_assert_false (gtk_widget_is_visible (width));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (choice), 3);
  g_assert_true (gtk_widget_is_visible (width));
  g_assert_true (gtk_widget_is_sensitive (width));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (choice), 0);
  g_assert_false (gtk_widget_is_visible (width));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_test_spin ();
}

static guint
count_color (cairo_surface_t *surface,
             guint32          color,
             int              tolerance)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 p = ((const guint32 *) (const void *) (data + (gsize) y * stride))[x];
        gboolean close = TRUE;

        for (int shift = 0; shift <= 16; shift += 8)
          if (abs ((int) ((p >> shift) & 0xff) - (int) ((color >> shift) & 0xff)) > tolerance)
            close = FALSE;
        n += close;
      }

  return n;
}

/* Export as image: the size asked for, with the pins of what is in view
 * (two parks in their green). */
static void
test_export_image (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *png = g_build_filename (fixture->dir, "map.png", NULL);
  cairo_surface_t *surface;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export-image-to",
                                             "(sii)", png, 900, 600));
  gui_test_spin ();
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 900);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 600);
  g_assert_cmpuint (count_color (surface, 0x26a269, 4), >, 2 * 300);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/map-print/print-to-pdf", Fixture, NULL, fixture_setup, test_print_to_pdf,
              fixture_teardown);
  g_test_add ("/map-print/print-file-name", Fixture, NULL, fixture_setup, test_print_file_name,
              fixture_teardown);
  g_test_add ("/map-print/image-size-choice", Fixture, NULL, fixture_setup, test_image_size_choice,
              fixture_teardown);
  g_test_add ("/map-print/export-image", Fixture, NULL, fixture_setup, test_export_image,
              fixture_teardown);

  return g_test_run ();
}
