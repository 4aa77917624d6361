/* amap-geometry.h: a small geometry tree (KML shapes <-> WKT)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * An AmapGeometry is a tree:
 *   POINT        one coordinate
 *   LINE_STRING  two or more coordinates (also a KML LinearRing, closed)
 *   POLYGON      children are rings, each a LINE_STRING: the first is the
 *                outer boundary, the others are holes
 *   COLLECTION   children are any geometries, nested collections too
 *                (a KML MultiGeometry; WKT GEOMETRYCOLLECTION)
 *
 * Coordinates are WGS84 degrees in lon, lat order (as in KML and WKT);
 * the altitude is NAN when absent. An AmapAsset's "shape" property holds
 * amap_geometry_to_wkt() of its line, polygon or collection; a plain point
 * is stored as the asset's latitude/longitude with a NULL shape.
 */

typedef enum
{
  AMAP_GEOMETRY_POINT,
  AMAP_GEOMETRY_LINE_STRING,
  AMAP_GEOMETRY_POLYGON,
  AMAP_GEOMETRY_COLLECTION,
} AmapGeometryKind;

typedef struct
{
  double lon;
  double lat;
  double alt;  /* NAN when absent */
} AmapCoord;

typedef struct _AmapGeometry AmapGeometry;

AmapGeometry     *amap_geometry_new              (AmapGeometryKind    kind);
/* A POINT with one coordinate; @alt may be NAN. */
AmapGeometry     *amap_geometry_new_point        (double              lon,
                                                  double              lat,
                                                  double              alt);
AmapGeometry     *amap_geometry_copy             (const AmapGeometry *self);
void              amap_geometry_free             (AmapGeometry       *self);
gboolean          amap_geometry_equal            (const AmapGeometry *a,
                                                  const AmapGeometry *b);

AmapGeometryKind  amap_geometry_get_kind         (const AmapGeometry *self);

/* Coordinates of a POINT or LINE_STRING (none for the others). */
void              amap_geometry_add_coord        (AmapGeometry       *self,
                                                  double              lon,
                                                  double              lat,
                                                  double              alt);
guint             amap_geometry_get_n_coords     (const AmapGeometry *self);
/* The coordinate array (get_n_coords() long), owned by @self. */
const AmapCoord  *amap_geometry_get_coords       (const AmapGeometry *self);

/* Children of a POLYGON (rings) or COLLECTION (members). Takes ownership
 * of @child. */
void              amap_geometry_add_child        (AmapGeometry       *self,
                                                  AmapGeometry       *child);
guint             amap_geometry_get_n_children   (const AmapGeometry *self);
/* Owned by @self. */
AmapGeometry     *amap_geometry_get_child        (const AmapGeometry *self,
                                                  guint               index);

/* TRUE when any coordinate in the tree has an altitude. */
gboolean          amap_geometry_has_altitude     (const AmapGeometry *self);
/* TRUE when the tree holds no coordinate at all. */
gboolean          amap_geometry_is_empty         (const AmapGeometry *self);
/* Checks every coordinate is finite and in range, lines have 2+ points,
 * rings 4+ points and closed (first == last). AMAP_ERROR_INVALID says
 * what is wrong. */
gboolean          amap_geometry_validate         (const AmapGeometry *self,
                                                  GError            **error);

/*
 * WKT, lon/lat order: POINT, LINESTRING, POLYGON, GEOMETRYCOLLECTION (nested
 * allowed). Z forms ("POINT Z (…)") are written when any coordinate has an
 * altitude (missing ones then become 0). Numbers are written in the
 * shortest form that reads back to the same double, so
 * from_wkt (to_wkt (g)) equals g when all of g's coordinates have an
 * altitude or none has; to_wkt (from_wkt (to_wkt (g))) always equals
 * to_wkt (g).
 * from_wkt also accepts MULTIPOINT, MULTILINESTRING and MULTIPOLYGON (read
 * as a COLLECTION) and "EMPTY"; it fails with AMAP_ERROR_INVALID.
 */
char             *amap_geometry_to_wkt           (const AmapGeometry *self);
AmapGeometry     *amap_geometry_from_wkt         (const char         *wkt,
                                                  GError            **error);

/*
 * Where to put the asset's pin: a point is itself; a line gives the point
 * halfway along its length; a polygon its centroid when that lies inside
 * (holes excluded), else a point inside on the horizontal line through the
 * centroid; a collection the representative point of its largest member
 * (polygons before lines before points). FALSE when the tree is empty.
 */
gboolean          amap_geometry_get_representative_point (const AmapGeometry *self,
                                                          double             *lon,
                                                          double             *lat);

/* The text of a KML <coordinates> element for a POINT or LINE_STRING
 * (or a ring): "lon,lat[,alt] lon,lat[,alt] …", same number format as WKT. */
char             *amap_geometry_format_kml_coordinates (const AmapGeometry *self);

/* Appends @value to @str in the shortest form that reads back equal
 * (g_ascii_strtod); handy for writers. */
void              amap_geometry_append_number    (GString            *str,
                                                  double              value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapGeometry, amap_geometry_free)

G_END_DECLS
