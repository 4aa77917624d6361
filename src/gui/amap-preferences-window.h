/* amap-preferences-window.h: base map, walking rings, import defaults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_PREFERENCES_WINDOW (amap_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AmapPreferencesWindow, amap_preferences_window, AMAP, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @store (may be NULL) provides the categories offered for imports. */
GtkWidget *amap_preferences_window_new (AmapStore *store);

G_END_DECLS
