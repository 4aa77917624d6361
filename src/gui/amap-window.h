/* amap-window.h: the main window: asset list, map and editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-application.h"
#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_WINDOW (amap_window_get_type ())
G_DECLARE_FINAL_TYPE (AmapWindow, amap_window, AMAP, WINDOW, AdwApplicationWindow)

/*
 * Properties: "store" (AmapStore, construct-only: the map this window
 * shows), "importing" (boolean, read-only: an import is running).
 */
AmapWindow *amap_window_new              (AmapApplication *application,
                                          AmapStore       *store);
AmapStore  *amap_window_get_store        (AmapWindow      *self);
/* Imports a .kml or .kmz in the background with progress and a report;
 * queued behind an import that is already running. */
void        amap_window_import_file      (AmapWindow      *self,
                                          GFile           *file);
gboolean    amap_window_get_importing    (AmapWindow      *self);
/* Saves a copy of the map as @file (".assetmap" added when missing) in
 * the background, as "Back Up Map…" does once a file is chosen: a toast
 * when done, a dialog naming the file when it fails. */
void        amap_window_back_up_to       (AmapWindow      *self,
                                          GFile           *file);
gboolean    amap_window_get_backing_up   (AmapWindow      *self);
/* The sidebar's width beside the map (remembered as "sidebar-width"). */
int         amap_window_get_sidebar_width (AmapWindow     *self);
void        amap_window_set_sidebar_width (AmapWindow     *self,
                                          int             width);
/* The assets the list shows, in list order (a GtkMultiSelection; the
 * details open for a single selection). */
GListModel *amap_window_get_asset_model  (AmapWindow      *self);
/* Saves the edit in the details before the window shows another map or
 * quits. TRUE when nothing unsaved is left; FALSE when the edit cannot be
 * saved whole: the window then asks, and runs @then_action (an action name
 * such as "app.quit", with @then_target, floating references taken) once
 * the person has chosen to save the rest or discard. */
gboolean    amap_window_leave_editor     (AmapWindow      *self,
                                          const char      *then_action,
                                          GVariant        *then_target);
/* The map view (an AmapMapView once it exists). */
GtkWidget  *amap_window_get_map_view     (AmapWindow      *self);
/* The Tours page (an AmapTourPanel). */
GtkWidget  *amap_window_get_tour_panel   (AmapWindow      *self);
/* Asks for the school's name, as "Set School Location" does once the map
 * is clicked, for a school at @latitude, @longitude; @name (nullable) is
 * offered when the school has none yet. */
void        amap_window_set_home_at      (AmapWindow      *self,
                                          double           latitude,
                                          double           longitude,
                                          const char      *name);
/* Adds @asset (place search's find), selects it and opens it in the
 * details, as a click in add mode does. */
void        amap_window_add_asset        (AmapWindow      *self,
                                          AmapAsset       *asset);

/* Makes the MBTiles file @file the base map (of every window: it is a
 * preference), or says in a toast why it cannot be. */
void             amap_window_open_offline_map (AmapWindow *self,
                                               GFile      *file);

G_END_DECLS
