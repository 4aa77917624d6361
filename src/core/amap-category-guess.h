/* amap-category-guess.h: the built-in category a layer or style name suggests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Guesses a built-in category from a My Maps layer (folder) name, a style
 * id or an icon file name: "Parks", "Iglesias", "Bibliotecas públicas",
 * "churchStyle", ".../shapes/schools.png".
 *
 * Whole words only, case- and accent-insensitive, English and Spanish word
 * lists with their plurals (and a few French words). A word that names a
 * street ("Church St", "Park Ave", "Calle del Mercado") and a directions
 * layer ("Directions from 6394 Stores Rd…") give no guess.
 *
 * Returns the category key (an AMAP_CATEGORY_* string), or NULL.
 */
const char *amap_category_guess (const char *text);

G_END_DECLS
