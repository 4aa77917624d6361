/* amap-import-plan.h: what a file holds, and the categories its layers get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-asset.h"
#include "amap-import.h"
#include "amap-kml-reader.h"
#include "amap-store.h"

G_BEGIN_DECLS

/*
 * An import plan is made by reading a KML or KMZ file without writing
 * anything: its layers (the Folders of Google My Maps, "Parks › Trails" when
 * nested) and its icon styles, each with how many placemarks it holds and a
 * proposed category (the one most of its placemarks would get: the layer's
 * name in English or Spanish, the icon, our own category field), the
 * placemarks without a location and what will be skipped.
 *
 * The caller may change the category of any row, or ask for a new category
 * made from the row's name. The import then applies the plan: a layer whose
 * category was changed gives it to all its placemarks; else a changed icon
 * style gives it to its placemarks; else each placemark keeps the category
 * it would have had without a plan. A map remembers the choices made for a
 * file (by its name) and the next plan of a file of that name starts from
 * them.
 */

typedef enum
{
  AMAP_IMPORT_ROW_LAYER,
  AMAP_IMPORT_ROW_STYLE,
} AmapImportRowKind;

#define AMAP_TYPE_IMPORT_PLAN (amap_import_plan_get_type ())
G_DECLARE_FINAL_TYPE (AmapImportPlan, amap_import_plan, AMAP, IMPORT_PLAN, GObject)

/* Reads @file (not a GPX file) with @store's categories and the choices
 * @store remembers for it. @default_category is as for amap_import_file().
 * Fails like amap_import_file() on a file that is not well-formed. */
AmapImportPlan *amap_import_plan_scan            (AmapStore         *store,
                                                  GFile             *file,
                                                  const char        *default_category,
                                                  GCancellable      *cancellable,
                                                  GError           **error);
/* The same in a worker thread; @store is read in the caller's thread only. */
void            amap_import_plan_scan_async      (AmapStore           *store,
                                                  GFile               *file,
                                                  const char          *default_category,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
AmapImportPlan *amap_import_plan_scan_finish     (GAsyncResult        *result,
                                                  GError             **error);

GFile          *amap_import_plan_get_file        (AmapImportPlan    *self);
/* The file's base name, for titles and messages. */
const char     *amap_import_plan_get_file_name   (AmapImportPlan    *self);
/* Placemarks that will be imported (with or without a location). */
guint           amap_import_plan_get_n_places    (AmapImportPlan    *self);
guint           amap_import_plan_get_n_unlocated (AmapImportPlan    *self);
guint           amap_import_plan_get_n_skipped   (AmapImportPlan    *self);
/* What the reader said: skipped placemarks, dropped values, with lines. */
AmapImportReport *amap_import_plan_get_scan_report (AmapImportPlan  *self);

/* Rows: the layers first (in the order of the file), then the styles. */
guint           amap_import_plan_get_n_rows      (AmapImportPlan    *self);
AmapImportRowKind amap_import_plan_get_row_kind  (AmapImportPlan    *self,
                                                  guint              row);
/* A layer's path joined with " › " ("" for the placemarks outside any
 * layer), or a style's id. */
const char     *amap_import_plan_get_row_name    (AmapImportPlan    *self,
                                                  guint              row);
guint           amap_import_plan_get_row_count   (AmapImportPlan    *self,
                                                  guint              row);
/* The proposed category key. */
const char     *amap_import_plan_get_row_guess   (AmapImportPlan    *self,
                                                  guint              row);
/* The chosen category key; NULL while a new category is to be made. */
const char     *amap_import_plan_get_row_category (AmapImportPlan   *self,
                                                   guint             row);
void            amap_import_plan_set_row_category (AmapImportPlan   *self,
                                                   guint             row,
                                                   const char       *key);
/* The import makes a category named after the row and gives it to the row. */
void            amap_import_plan_set_row_new_category (AmapImportPlan *self,
                                                       guint           row);
gboolean        amap_import_plan_get_row_is_new  (AmapImportPlan    *self,
                                                  guint              row);
/* One category for every placemark of the file (NULL: per row again). */
void            amap_import_plan_set_category_for_all (AmapImportPlan *self,
                                                       const char     *key);

/* Imports the file of @self into @store like amap_import_file(), with the
 * plan's categories, and remembers the choices for the next plan. */
AmapImportReport *amap_import_plan_apply         (AmapImportPlan    *self,
                                                  AmapStore         *store,
                                                  GCancellable      *cancellable,
                                                  AmapProgressFunc   progress,
                                                  gpointer           progress_data,
                                                  GError           **error);
/* The same with the reading and writing in a worker thread, as
 * amap_import_file_async(); finish with amap_import_file_finish(). */
void            amap_import_plan_apply_async     (AmapImportPlan      *self,
                                                  AmapStore           *store,
                                                  GCancellable        *cancellable,
                                                  AmapProgressFunc     progress,
                                                  gpointer             progress_data,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);

/* For amap-import.c: gives @asset the category the plan decides; FALSE
 * when the plan leaves it the reader's. */
gboolean        amap_import_plan_decide          (AmapImportPlan             *self,
                                                  AmapAsset                  *asset,
                                                  const AmapKmlPlacemarkInfo *info);

G_END_DECLS
