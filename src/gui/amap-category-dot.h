/* amap-category-dot.h: a colored disc with the category's symbolic icon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AMAP_TYPE_CATEGORY_DOT (amap_category_dot_get_type ())
G_DECLARE_FINAL_TYPE (AmapCategoryDot, amap_category_dot, AMAP, CATEGORY_DOT, GtkWidget)

/* Properties: "color" ("#rrggbb"), "icon-name" (NULL: a plain dot). */
GtkWidget  *amap_category_dot_new           (void);
const char *amap_category_dot_get_color     (AmapCategoryDot *self);
void        amap_category_dot_set_color     (AmapCategoryDot *self,
                                             const char      *color);
const char *amap_category_dot_get_icon_name (AmapCategoryDot *self);
void        amap_category_dot_set_icon_name (AmapCategoryDot *self,
                                             const char      *icon_name);

G_END_DECLS
