/* amap-settings.h: the app's GSettings, also where the schema is not installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The app's settings (APPLICATION_ID). Where the schema is not installed
 * (the binary of a build tree run directly), settings in memory with the
 * schema built into the program, after one warning: the app works, and
 * forgets its settings when it quits. Never aborts. */
GSettings *amap_settings_new           (void);

/* TRUE when the settings amap_settings_new() gives are kept on disk. */
gboolean   amap_settings_are_persistent (void);

G_END_DECLS
