/* amap-window-tours.h: the main window's tour actions and its Tours page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-window.h"

G_BEGIN_DECLS

/* Called from AmapWindow's class_init: installs win.add-to-tour (the
 * assets selected in the list), win.add-stop (s: an asset's uuid),
 * win.show-tours, win.print-tour (Ctrl+P) and win.export-tour; for tests,
 * win.print-tour-to and win.export-tour-to (s: a path) do the same without
 * a dialog. */
void       amap_window_tours_class_init   (GtkWidgetClass *widget_class);

/* Called from AmapWindow's constructed: makes the tour panel, adds it to
 * @pages as "tours", puts its map hint over the map. Returns the panel
 * (owned by @pages). */
GtkWidget *amap_window_tours_setup        (AmapWindow     *self,
                                           AdwViewStack   *pages);

G_END_DECLS
