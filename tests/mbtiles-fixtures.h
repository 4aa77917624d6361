/* mbtiles-fixtures.h: an MBTiles file written by the tests, a distinct
 * color per tile, at two zooms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MBTILES_FIXTURE_MIN_ZOOM 1
#define MBTILES_FIXTURE_MAX_ZOOM 2

/* 0xRRGGBB of the tile at XYZ zoom/x/y. */
guint32  mbtiles_fixture_color            (int          zoom,
                                           int          x,
                                           int          y);
/* Zoom 1: all four tiles; zoom 2: x 1..2, y 1..2 (XYZ). */
gboolean mbtiles_fixture_has_tile         (int          zoom,
                                           int          x,
                                           int          y);
/* A 256×256 PNG filled with @color, drawn with cairo. */
GBytes  *mbtiles_fixture_draw_png         (guint32      color);
/* 0xRRGGBB of the middle pixel of a PNG. */
guint32  mbtiles_fixture_png_center_color (GBytes      *png);

/* Writes the fixture with raw SQL, rows in TMS order (row = 2^z − 1 − y).
 * @format: the metadata "format" ("png", or "pbf" for a vector file with
 * gzip-looking tiles), NULL for none. @with_metadata: name, bounds
 * (-90,-40,90,60), center (10.5,20.25,2), minzoom, maxzoom, attribution,
 * description; FALSE for a bare file. */
void     mbtiles_fixture_write            (const char  *path,
                                           const char  *format,
                                           gboolean     with_metadata);

G_END_DECLS
