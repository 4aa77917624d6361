/* gui-test-util.c: what the tests of src/gui share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "gui-test-util"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "gui-test-util.h"

void
gui_test_init (int    *argc,
               char ***argv)
{
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr(GStrvBuilder) mime_dirs = g_strv_builder_new ();
  g_auto(GStrv) mime_dirs_strv = NULL;

  /* Isolated data dirs hide the MIME database, without which no SVG icon
   * loads and gdk-pixbuf picks no loader; keep the system's. And the
   * system proxy settings, which a session would look up. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (data_dirs[i], "mime", NULL);

      g_strv_builder_add (mime_dirs, dir);
    }
  mime_dirs_strv = g_strv_builder_end (mime_dirs);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs_strv);
  gtk_init ();
}

void
gui_test_spin (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

void
gui_test_spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
  gui_test_spin ();
}

void
gui_test_iterate_until (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

AmapStore *
gui_test_open_store (const char  *tmpl,
                     char       **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  AmapStore *store;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "test.assetmap", NULL);
  store = amap_store_open (path, &error);
  g_assert_no_error (error);

  return store;
}

GtkWidget *
gui_test_find (GtkWidget     *widget,
               GuiTestMatch   match,
               gconstpointer  data)
{
  if (match (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
gui_test_find_descendant (GtkWidget *widget,
                          GType      type)
{
  return gui_test_find (widget, is_of_type, GSIZE_TO_POINTER (type));
}

typedef struct
{
  GType       type;
  const char *title;
} RowQuery;

static gboolean
is_row (GtkWidget     *widget,
        gconstpointer  data)
{
  const RowQuery *query = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, query->type) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), query->title) == 0;
}

GtkWidget *
gui_test_find_row (GtkWidget  *widget,
                   GType       type,
                   const char *title)
{
  RowQuery query = { type, title };

  return gui_test_find (widget, is_row, &query);
}

static gboolean
is_action_button (GtkWidget     *widget,
                  gconstpointer  action_name)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
gui_test_find_action_button (GtkWidget  *widget,
                             const char *action_name)
{
  return gui_test_find (widget, is_action_button, action_name);
}

static gboolean
is_labelled_button (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

GtkWidget *
gui_test_find_labelled_button (GtkWidget  *widget,
                               const char *label)
{
  return gui_test_find (widget, is_labelled_button, label);
}

static gboolean
is_tooltip_button (GtkWidget     *widget,
                   gconstpointer  tooltip)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

GtkWidget *
gui_test_find_tooltip_button (GtkWidget  *widget,
                              const char *tooltip)
{
  return gui_test_find (widget, is_tooltip_button, tooltip);
}

GtkWindow *
gui_test_find_toplevel (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}
