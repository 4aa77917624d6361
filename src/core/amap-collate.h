/* amap-collate.h: sort keys for names, as GLib makes them, made faster
 * for the ASCII names most maps are made of
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_utf8_casefold() of @text (NUL-terminated when @length is -1). */
char *amap_casefold      (const char *text,
                          gssize      length);
/* g_utf8_collate_key() of @text (NUL-terminated). */
char *amap_collate_key   (const char *text);
/* What lists of assets sort names by: the collation key of the
 * casefolded name, compared with strcmp(). */
char *amap_name_sort_key (const char *name);

G_END_DECLS
