/* gui-test-util.h: what the tests of src/gui share: the set-up, running
 * the main loop, finding widgets, a map in a temporary folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "amap-store.h"
#include "test-util.h"

G_BEGIN_DECLS

/* g_test_init() with isolated folders, keeping the system's MIME database
 * (without which no SVG icon loads and gdk-pixbuf picks no loader) and
 * leaving out the system's proxy settings; then gtk_init(). */
void       gui_test_init                (int          *argc,
                                         char       ***argv);

/* Runs what is pending in the main context. */
void       gui_test_spin                (void);
/* Runs the main context for @ms milliseconds, then what is pending. */
void       gui_test_spin_for            (guint         ms);
/* Runs the main context until *@done, for 20 seconds at the most. */
void       gui_test_iterate_until       (gboolean     *done);

/* A new map, test.assetmap, in a new temporary folder (from @tmpl, as
 * g_dir_make_tmp() takes it), which *@dir gets. */
AmapStore *gui_test_open_store          (const char   *tmpl,
                                         char        **dir);

typedef gboolean (*GuiTestMatch) (GtkWidget     *widget,
                                  gconstpointer  data);

/* @widget or the first of its descendants (depth first) that @match
 * takes; NULL when none. */
GtkWidget *gui_test_find                (GtkWidget    *widget,
                                         GuiTestMatch  match,
                                         gconstpointer data);
/* @widget or the first of its descendants of @type; NULL when none. */
GtkWidget *gui_test_find_descendant     (GtkWidget    *widget,
                                         GType         type);
/* The first AdwPreferencesRow of @type titled @title, at or below @widget. */
GtkWidget *gui_test_find_row            (GtkWidget    *widget,
                                         GType         type,
                                         const char   *title);
/* The first button at or below @widget with the action @action_name. */
GtkWidget *gui_test_find_action_button  (GtkWidget    *widget,
                                         const char   *action_name);
/* The first button at or below @widget labelled @label. */
GtkWidget *gui_test_find_labelled_button (GtkWidget   *widget,
                                          const char  *label);
/* The first button at or below @widget with the tooltip @tooltip. */
GtkWidget *gui_test_find_tooltip_button (GtkWidget    *widget,
                                         const char   *tooltip);
/* The last of the visible toplevels of @type; NULL when none. */
GtkWindow *gui_test_find_toplevel       (GType         type);

G_END_DECLS
