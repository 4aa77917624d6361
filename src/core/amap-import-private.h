/* amap-import-private.h: what amap-import-plan.c shares with amap-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-import.h"
#include "amap-import-plan.h"

G_BEGIN_DECLS

void              _amap_import_report_add_message (AmapImportReport      *self,
                                                   AmapImportMessageKind  kind,
                                                   guint                  line,
                                                   const char            *text);

/* amap_import_file() and amap_import_file_async() with @plan (may be NULL)
 * deciding the categories. */
AmapImportReport *_amap_import_run                (AmapStore           *store,
                                                   GFile               *file,
                                                   const char          *default_category,
                                                   AmapImportPlan      *plan,
                                                   GCancellable        *cancellable,
                                                   AmapProgressFunc     progress,
                                                   gpointer             progress_data,
                                                   GError             **error);
void              _amap_import_run_async          (AmapStore           *store,
                                                   GFile               *file,
                                                   const char          *default_category,
                                                   AmapImportPlan      *plan,
                                                   GCancellable        *cancellable,
                                                   AmapProgressFunc     progress,
                                                   gpointer             progress_data,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* The source tag amap_import_file_finish() accepts. */
gpointer          _amap_import_file_async_tag     (void);

G_END_DECLS
