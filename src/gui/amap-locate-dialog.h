/* amap-locate-dialog.h: "Locate from Address": every asset with an
 * address and no location, looked up at the place search's pace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-geocoder.h"
#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_LOCATE_DIALOG (amap_locate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AmapLocateDialog, amap_locate_dialog, AMAP, LOCATE_DIALOG, AdwWindow)

/*
 * Lists how many assets have an address and no location, and on "Locate"
 * looks each address up with @geocoder (one a second, as its queue
 * paces), with progress and Cancel. Each location found is stored at
 * once, marked as found by place search so the person checks it, and all
 * of them are one undo step ("Undo Locate from Address (N Assets)"). At
 * the end: how many were found and which were not.
 *
 * Properties: "store", "geocoder" (NULL: no server; the dialog says so),
 * both construct-only; "running" (read-only), "n-found", "n-not-found"
 * (read-only, so far).
 */
GtkWidget *amap_locate_dialog_new           (GtkWindow    *parent,
                                             AmapStore    *store,
                                             AmapGeocoder *geocoder);
/* The number of assets it would look up. */
guint      amap_locate_dialog_get_n_pending (AmapLocateDialog *self);
/* As the Locate and Cancel buttons do. */
void       amap_locate_dialog_start         (AmapLocateDialog *self);
void       amap_locate_dialog_cancel        (AmapLocateDialog *self);
gboolean   amap_locate_dialog_get_running   (AmapLocateDialog *self);
guint      amap_locate_dialog_get_n_found   (AmapLocateDialog *self);
guint      amap_locate_dialog_get_n_not_found (AmapLocateDialog *self);
/* The sentence shown under the progress bar (the summary at the end). */
const char *amap_locate_dialog_get_summary  (AmapLocateDialog *self);

G_END_DECLS
