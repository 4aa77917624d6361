/* amap-category.h: what kind of asset a pin is (business, faith-based...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Keys of the built-in categories. They are stable: files and databases
 * store them, never the display name. */
#define AMAP_CATEGORY_BUSINESS     "business"
#define AMAP_CATEGORY_FAITH        "faith"
#define AMAP_CATEGORY_HUB          "hub"
#define AMAP_CATEGORY_NONPROFIT    "nonprofit"
#define AMAP_CATEGORY_PUBLIC       "public-agency"
#define AMAP_CATEGORY_EDUCATION    "education"
#define AMAP_CATEGORY_HEALTH       "health"
#define AMAP_CATEGORY_PARK         "park"
#define AMAP_CATEGORY_LIBRARY      "library-arts"
#define AMAP_CATEGORY_OTHER        "other"

#define AMAP_TYPE_CATEGORY (amap_category_get_type ())
G_DECLARE_FINAL_TYPE (AmapCategory, amap_category, AMAP, CATEGORY, GObject)

/* Properties (all construct-only): "key", "name" (display name, translated
 * for built-ins), "color" ("#rrggbb"), "icon-name" (a symbolic icon name
 * shipped with GTK/Adwaita or in our resources), "builtin". */
AmapCategory *amap_category_new           (const char   *key,
                                           const char   *name,
                                           const char   *color,
                                           const char   *icon_name,
                                           gboolean      builtin);
const char   *amap_category_get_key       (AmapCategory *self);
const char   *amap_category_get_name      (AmapCategory *self);
const char   *amap_category_get_color     (AmapCategory *self);
const char   *amap_category_get_icon_name (AmapCategory *self);
gboolean      amap_category_get_builtin   (AmapCategory *self);

/* The built-in set, in display order (a new array of new refs). */
GPtrArray    *amap_category_list_builtin  (void);

/* The built-in category with @key, or NULL (transfer none: made once and
 * kept for the process). For code that has no store at hand. */
AmapCategory *amap_category_lookup_builtin (const char   *key);

/* TRUE for "#rrggbb" (case-insensitive). */
gboolean      amap_color_is_valid         (const char   *color);

G_END_DECLS
