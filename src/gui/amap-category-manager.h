/* amap-category-manager.h: the map's categories, added, edited and deleted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_CATEGORY_MANAGER (amap_category_manager_get_type ())
G_DECLARE_FINAL_TYPE (AmapCategoryManager, amap_category_manager, AMAP, CATEGORY_MANAGER, AdwPreferencesPage)

/*
 * A page of Preferences: one row a category, with its color and icon.
 * A category of the user's can be renamed, recolored, given another icon
 * and deleted (its assets move to a category the user picks); a built-in
 * one can be recolored and given another icon. Each change is one step
 * of the map's undo history, which the toast after a delete offers too.
 *
 * Properties: "store" (construct-only).
 * Actions: "categories.add" (a new category, through the edit dialog).
 */
GtkWidget *amap_category_manager_new (AmapStore *store);

/* The colors and icons the edit dialog offers, NULL-terminated. */
const char * const *amap_category_manager_get_palette (void);
const char * const *amap_category_manager_get_icons   (void);

G_END_DECLS
