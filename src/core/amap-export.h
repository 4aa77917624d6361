/* amap-export.h: the map (or some of it) to a .kml or .kmz file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-store.h"

G_BEGIN_DECLS

/* Writes @assets (AmapAsset; NULL: every live asset of @store) to @file,
 * KMZ when its name ends in ".kmz" (any case), KML otherwise. The file is
 * written beside the target and renamed into place at the end, so a failed
 * or cancelled export leaves an existing file untouched. */
gboolean amap_export_file        (AmapStore           *store,
                                  GPtrArray           *assets,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GError             **error);
/* The same in a worker thread. The assets are read (or copied) before the
 * call returns, so the store may change meanwhile. */
void     amap_export_file_async  (AmapStore           *store,
                                  GPtrArray           *assets,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gboolean amap_export_file_finish (GAsyncResult        *result,
                                  GError             **error);

/* An export replaces its target: FALSE (AMAP_ERROR_INVALID) when @file is
 * a map open in this process. Every export checks it. */
gboolean amap_export_check_target (GFile   *file,
                                   GError **error);

G_END_DECLS
