/* amap-symbol.h: symbolic icons drawn with cairo, without GTK
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/*
 * The category symbols are symbolic icons of the icon theme (Adwaita):
 * one-color SVGs made of filled paths. Core draws them without GTK and
 * without an SVG library: the icon's file is found in the theme the way
 * GTK finds it (XDG data dirs, then hicolor, then the app's resources),
 * its shapes (path, rect, circle, ellipse, polygon; group and element
 * opacity) become a cairo path once, and every drawing fills that path
 * in the color asked for. So the screen, the PNG, the print and the KMZ
 * show the same symbol.
 *
 * Thread-safe: the parsed icons are kept in a locked cache.
 */

/* Fills @icon_name into the square (@x, @y, @size, @size) of @cr in the
 * given color. Returns FALSE (drawing nothing) when the icon is not
 * found or holds no shape this reader knows. */
gboolean amap_symbol_draw (cairo_t    *cr,
                           const char *icon_name,
                           double      x,
                           double      y,
                           double      size,
                           double      red,
                           double      green,
                           double      blue,
                           double      alpha);

/* TRUE when @icon_name is found and has shapes to draw. */
gboolean amap_symbol_exists (const char *icon_name);

/* Parses @svg (an SVG document of @len bytes) the same way, for tests:
 * returns the number of shapes found, 0 when none. */
guint    amap_symbol_count_shapes (const char *svg,
                                   gsize       len);

G_END_DECLS
