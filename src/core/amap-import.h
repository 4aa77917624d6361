/* amap-import.h: "reader, then store in one transaction"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-store.h"

G_BEGIN_DECLS

typedef enum
{
  AMAP_IMPORT_MESSAGE_WARNING,  /* imported, but something was changed or lost */
  AMAP_IMPORT_MESSAGE_SKIPPED,  /* a placemark that was not imported */
  AMAP_IMPORT_MESSAGE_NOTICE,   /* e.g. a NetworkLink that was not fetched */
} AmapImportMessageKind;

#define AMAP_TYPE_IMPORT_REPORT (amap_import_report_get_type ())
G_DECLARE_FINAL_TYPE (AmapImportReport, amap_import_report, AMAP, IMPORT_REPORT, GObject)

AmapImportReport *amap_import_report_new           (const char       *file_name);
guint             amap_import_report_get_imported  (AmapImportReport *self);
guint             amap_import_report_get_updated   (AmapImportReport *self);
guint             amap_import_report_get_skipped   (AmapImportReport *self);
/* Assets imported without a location (an address only). */
guint             amap_import_report_get_unlocated (AmapImportReport *self);
guint             amap_import_report_get_n_messages (AmapImportReport *self);
/* @line is 0 when unknown. The text is translated. */
void              amap_import_report_get_message   (AmapImportReport      *self,
                                                    guint                  index,
                                                    AmapImportMessageKind *kind,
                                                    guint                 *line,
                                                    const char           **text);
/* The categories the imported and updated assets got, in the order first
 * seen, with how many got each. */
guint             amap_import_report_get_n_categories (AmapImportReport *self);
const char       *amap_import_report_get_category  (AmapImportReport *self,
                                                    guint             index,
                                                    guint            *count);
/* The box around the imported and updated assets with a location; FALSE
 * when none has one. */
gboolean          amap_import_report_get_bounds    (AmapImportReport *self,
                                                    double           *south,
                                                    double           *west,
                                                    double           *north,
                                                    double           *east);
/* The whole report as text for people: the summary line, then one line per
 * message ("doc.kml:12: skipped “Old Mill”: no coordinates and no address"). */
char             *amap_import_report_to_string     (AmapImportReport *self);

/* Called in the thread-default main context of the caller. */
typedef void (*AmapProgressFunc) (double   fraction,
                                  gpointer user_data);

/* Imports a .kml or .kmz into @store in one transaction. Assets without a
 * category of their own get @default_category (NULL: "other"). A file that
 * is not well-formed imports nothing. Returns the report, or NULL with
 * @error set. */
AmapImportReport *amap_import_file        (AmapStore           *store,
                                           GFile               *file,
                                           const char          *default_category,
                                           GCancellable        *cancellable,
                                           AmapProgressFunc     progress,
                                           gpointer             progress_data,
                                           GError             **error);
/* The same in a worker thread with its own connection to the store's file;
 * on success the store is refreshed (it emits "reset") before @callback. */
void              amap_import_file_async  (AmapStore           *store,
                                           GFile               *file,
                                           const char          *default_category,
                                           GCancellable        *cancellable,
                                           AmapProgressFunc     progress,
                                           gpointer             progress_data,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
AmapImportReport *amap_import_file_finish (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
