/* amap-export.h: the map (or some of it) to a .kml or .kmz file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-store.h"

G_BEGIN_DECLS

/* What an export holds beyond the shared fields (see the README, "What an
 * export contains"). */
typedef enum
{
  /* For others (district staff, partners, GIS): no key leaders (none of
   * their fields), no visit log, no last-contacted date. The rest stays,
   * the organisation's own address, phone, email and website included. */
  AMAP_EXPORT_SHARED          = 0,
  /* The key leaders, the log and the last-contacted date too. */
  AMAP_EXPORT_INCLUDE_PRIVATE = 1 << 0,
  /* Nested Folders after the assets' folders (their My Maps layers)
   * instead of one Folder per category. */
  AMAP_EXPORT_BY_LAYER        = 1 << 1,
} AmapExportFlags;

/* Everything: the file our import reads back without losing a field. */
#define AMAP_EXPORT_FULL AMAP_EXPORT_INCLUDE_PRIVATE

/* Writes @assets (AmapAsset; NULL: every live asset of @store) to @file,
 * KMZ when its name ends in ".kmz" (any case), KML otherwise, with what
 * @flags say. The file is written beside the target and renamed into place
 * at the end, so a failed or cancelled export leaves an existing file
 * untouched. */
gboolean amap_export_file_with_flags (AmapStore       *store,
                                      GPtrArray       *assets,
                                      GFile           *file,
                                      AmapExportFlags  flags,
                                      GCancellable    *cancellable,
                                      GError         **error);
/* The full export: amap_export_file_with_flags() with AMAP_EXPORT_FULL. */
gboolean amap_export_file        (AmapStore           *store,
                                  GPtrArray           *assets,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GError             **error);
/* amap_export_file_with_flags() in a worker thread. The export is of the
 * map as it is when the call returns (its assets copied, or for the whole
 * map a snapshot read in the worker a few at a time), so the store and
 * the caller's assets may change meanwhile. */
void     amap_export_file_async  (AmapStore           *store,
                                  GPtrArray           *assets,
                                  GFile               *file,
                                  AmapExportFlags      flags,
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
