/* amap-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AMAP_TYPE_APPLICATION (amap_application_get_type ())
G_DECLARE_FINAL_TYPE (AmapApplication, amap_application, AMAP, APPLICATION, AdwApplication)

AmapApplication *amap_application_new      (void);
/* Opens the map at @file in a new window (creating it when missing) and
 * remembers it as the last and a recent map. Errors are shown in
 * @parent (or a new dialog). Returns the new window or NULL. */
GtkWindow       *amap_application_open_map (AmapApplication *self,
                                            GFile           *file,
                                            GtkWindow       *parent);

/* Saves what can still be read of the damaged map @damaged_path into a
 * new map @new_file (".assetmap" added when missing) in the background,
 * then opens it; a dialog says why when it fails. What "Save What Can Be
 * Read…" does once a file is chosen. */
void             amap_application_salvage_map (AmapApplication *self,
                                               const char      *damaged_path,
                                               GFile           *new_file);

G_END_DECLS
