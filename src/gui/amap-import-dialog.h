/* amap-import-dialog.h: what a file holds and where its layers go, before
 * anything is imported; and the report after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-import-plan.h"
#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_IMPORT_DIALOG (amap_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AmapImportDialog, amap_import_dialog, AMAP, IMPORT_DIALOG, AdwWindow)

/*
 * Shows the layers and icon styles of @plan with their counts, each with a
 * category drop-down set to the plan's choice (the guess, or what was
 * chosen the last time). Changing one changes the plan.
 *
 * Signal "response" (const char *response): "import" or "cancel" (also
 * when the dialog is closed). The dialog closes itself after it.
 * Actions: "import-dialog.import", "import-dialog.cancel".
 */
AmapImportDialog *amap_import_dialog_new           (GtkWindow        *parent,
                                                    AmapStore        *store,
                                                    AmapImportPlan   *plan);
AmapImportPlan   *amap_import_dialog_get_plan      (AmapImportDialog *self);
/* The drop-down of the plan's row @row (for tests and accessibility). */
GtkDropDown      *amap_import_dialog_get_drop_down (AmapImportDialog *self,
                                                    guint             row);

/*
 * The report after an import: what went into each category, what was
 * skipped with its line. Responses: "close", and "show" ("Show on Map")
 * when something imported has a location.
 */
AdwMessageDialog *amap_import_report_dialog_new    (GtkWindow        *parent,
                                                    AmapStore        *store,
                                                    const char       *file_name,
                                                    AmapImportReport *report);

G_END_DECLS
