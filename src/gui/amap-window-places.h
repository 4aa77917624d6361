/* amap-window-places.h: the main window's place search and its
 * "Locate from Address"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-window.h"

G_BEGIN_DECLS

/* Called from AmapWindow's class_init: installs win.find-place (Ctrl+L:
 * focus the place search) and win.locate-from-address (the assets with an
 * address and no location, found all at once). */
void       amap_window_places_class_init  (GtkWidgetClass *widget_class);

/* Called from AmapWindow's constructed: puts the place search over
 * @map_view and ties it to the window's school, new assets and @editor's
 * "Find on Map". */
void       amap_window_places_setup       (AmapWindow     *self,
                                           GtkWidget      *map_view,
                                           GtkWidget      *editor);

/* The window's place search (an AmapPlaceSearch), for tests. */
GtkWidget *amap_window_places_get_search  (AmapWindow     *self);

G_END_DECLS
