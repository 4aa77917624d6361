/* amap-geometry.c: a small geometry tree (KML shapes <-> WKT)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-geometry"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amap-error.h"
#include "amap-geometry.h"

/* Nested collections deeper than this are refused when reading WKT. */
#define MAX_WKT_DEPTH 64

struct _AmapGeometry
{
  AmapGeometryKind kind;
  GArray *coords;      /* AmapCoord; POINT and LINE_STRING */
  GPtrArray *children; /* AmapGeometry; POLYGON and COLLECTION */
};

/* Helpers */

static gboolean
kind_has_coords (AmapGeometryKind kind)
{
  return kind == AMAP_GEOMETRY_POINT || kind == AMAP_GEOMETRY_LINE_STRING;
}

static gboolean
coord_equal (const AmapCoord *a,
             const AmapCoord *b)
{
  if (a->lon != b->lon || a->lat != b->lat)
    return FALSE;
  if (isnan (a->alt) || isnan (b->alt))
    return isnan (a->alt) && isnan (b->alt);
  return a->alt == b->alt;
}

void
amap_geometry_append_number (GString *str,
                             double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (str != NULL);

  if (!isfinite (value))
    {
      g_string_append (str, "0");
      return;
    }

  if (value == 0.0)
    {
      g_string_append (str, "0");
      return;
    }

  /* The shortest of %.15g, %.16g, %.17g that reads back to the same
   * double: "40.7128" instead of "40.712800000000001". */
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  g_string_append (str, buf);
}

static void
append_coord (GString         *str,
              const AmapCoord *c,
              gboolean         with_z,
              char             separator)
{
  amap_geometry_append_number (str, c->lon);
  g_string_append_c (str, separator);
  amap_geometry_append_number (str, c->lat);
  if (with_z)
    {
      g_string_append_c (str, separator);
      amap_geometry_append_number (str, isnan (c->alt) ? 0.0 : c->alt);
    }
}

/* Public API: construction */

AmapGeometry *
amap_geometry_new (AmapGeometryKind kind)
{
  AmapGeometry *self;

  g_return_val_if_fail (kind <= AMAP_GEOMETRY_COLLECTION, NULL);

  self = g_new0 (AmapGeometry, 1);
  self->kind = kind;
  if (kind_has_coords (kind))
    self->coords = g_array_new (FALSE, FALSE, sizeof (AmapCoord));
  else
    self->children = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_geometry_free);

  return self;
}

AmapGeometry *
amap_geometry_new_point (double lon,
                         double lat,
                         double alt)
{
  AmapGeometry *self = amap_geometry_new (AMAP_GEOMETRY_POINT);

  amap_geometry_add_coord (self, lon, lat, alt);
  return self;
}

AmapGeometry *
amap_geometry_copy (const AmapGeometry *self)
{
  AmapGeometry *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = amap_geometry_new (self->kind);
  if (self->coords != NULL)
    g_array_append_vals (copy->coords, self->coords->data, self->coords->len);
  if (self->children != NULL)
    for (guint i = 0; i < self->children->len; i++)
      g_ptr_array_add (copy->children, amap_geometry_copy (g_ptr_array_index (self->children, i)));

  return copy;
}

void
amap_geometry_free (AmapGeometry *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->coords, g_array_unref);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_free (self);
}

gboolean
amap_geometry_equal (const AmapGeometry *a,
                     const AmapGeometry *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->kind != b->kind)
    return FALSE;

  if (a->coords != NULL)
    {
      if (a->coords->len != b->coords->len)
        return FALSE;
      for (guint i = 0; i < a->coords->len; i++)
        if (!coord_equal (&g_array_index (a->coords, AmapCoord, i),
                          &g_array_index (b->coords, AmapCoord, i)))
          return FALSE;
    }

  if (a->children != NULL)
    {
      if (a->children->len != b->children->len)
        return FALSE;
      for (guint i = 0; i < a->children->len; i++)
        if (!amap_geometry_equal (g_ptr_array_index (a->children, i),
                                  g_ptr_array_index (b->children, i)))
          return FALSE;
    }

  return TRUE;
}

AmapGeometryKind
amap_geometry_get_kind (const AmapGeometry *self)
{
  g_return_val_if_fail (self != NULL, AMAP_GEOMETRY_POINT);

  return self->kind;
}

void
amap_geometry_add_coord (AmapGeometry *self,
                         double        lon,
                         double        lat,
                         double        alt)
{
  AmapCoord c = { lon, lat, alt };

  g_return_if_fail (self != NULL);
  g_return_if_fail (kind_has_coords (self->kind));

  g_array_append_val (self->coords, c);
}

guint
amap_geometry_get_n_coords (const AmapGeometry *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->coords != NULL ? self->coords->len : 0;
}

const AmapCoord *
amap_geometry_get_coords (const AmapGeometry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->coords != NULL ? (const AmapCoord *) self->coords->data : NULL;
}

void
amap_geometry_add_child (AmapGeometry *self,
                         AmapGeometry *child)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (child != NULL);
  g_return_if_fail (self->children != NULL);
  g_return_if_fail (self->kind != AMAP_GEOMETRY_POLYGON ||
                    child->kind == AMAP_GEOMETRY_LINE_STRING);

  g_ptr_array_add (self->children, child);
}

guint
amap_geometry_get_n_children (const AmapGeometry *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->children != NULL ? self->children->len : 0;
}

AmapGeometry *
amap_geometry_get_child (const AmapGeometry *self,
                         guint               index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->children != NULL, NULL);
  g_return_val_if_fail (index < self->children->len, NULL);

  return g_ptr_array_index (self->children, index);
}

gboolean
amap_geometry_has_altitude (const AmapGeometry *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->coords != NULL)
    for (guint i = 0; i < self->coords->len; i++)
      if (!isnan (g_array_index (self->coords, AmapCoord, i).alt))
        return TRUE;

  if (self->children != NULL)
    for (guint i = 0; i < self->children->len; i++)
      if (amap_geometry_has_altitude (g_ptr_array_index (self->children, i)))
        return TRUE;

  return FALSE;
}

gboolean
amap_geometry_is_empty (const AmapGeometry *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  if (self->coords != NULL)
    return self->coords->len == 0;

  for (guint i = 0; i < self->children->len; i++)
    if (!amap_geometry_is_empty (g_ptr_array_index (self->children, i)))
      return FALSE;

  return TRUE;
}

static gboolean
validate_coords (const AmapGeometry *self,
                 GError            **error)
{
  for (guint i = 0; i < self->coords->len; i++)
    {
      const AmapCoord *c = &g_array_index (self->coords, AmapCoord, i);

      if (!isfinite (c->lat) || !isfinite (c->lon) ||
          c->lat < -90 || c->lat > 90 || c->lon < -180 || c->lon > 180)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("The coordinates %g, %g are out of range"),
                       c->lon, c->lat);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate_ring (const AmapGeometry *ring,
               GError            **error)
{
  const AmapCoord *first, *last;

  if (ring->kind != AMAP_GEOMETRY_LINE_STRING || ring->coords->len < 4)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("A polygon ring needs at least four points"));
      return FALSE;
    }

  first = &g_array_index (ring->coords, AmapCoord, 0);
  last = &g_array_index (ring->coords, AmapCoord, ring->coords->len - 1);
  if (first->lon != last->lon || first->lat != last->lat)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("A polygon ring must end where it starts"));
      return FALSE;
    }

  return validate_coords (ring, error);
}

gboolean
amap_geometry_validate (const AmapGeometry *self,
                        GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (self->kind)
    {
    case AMAP_GEOMETRY_POINT:
      if (self->coords->len != 1)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("A point needs exactly one coordinate"));
          return FALSE;
        }
      return validate_coords (self, error);

    case AMAP_GEOMETRY_LINE_STRING:
      if (self->coords->len < 2)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("A line needs at least two points"));
          return FALSE;
        }
      return validate_coords (self, error);

    case AMAP_GEOMETRY_POLYGON:
      if (self->children->len == 0)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("A polygon needs an outer boundary"));
          return FALSE;
        }
      for (guint i = 0; i < self->children->len; i++)
        if (!validate_ring (g_ptr_array_index (self->children, i), error))
          return FALSE;
      return TRUE;

    case AMAP_GEOMETRY_COLLECTION:
      if (self->children->len == 0)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("A geometry collection is empty"));
          return FALSE;
        }
      for (guint i = 0; i < self->children->len; i++)
        if (!amap_geometry_validate (g_ptr_array_index (self->children, i), error))
          return FALSE;
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* WKT writing */

static void
append_coord_list (GString            *str,
                   const AmapGeometry *self,
                   gboolean            with_z)
{
  g_string_append_c (str, '(');
  for (guint i = 0; i < self->coords->len; i++)
    {
      if (i > 0)
        g_string_append (str, ", ");
      append_coord (str, &g_array_index (self->coords, AmapCoord, i), with_z, ' ');
    }
  g_string_append_c (str, ')');
}

static void
append_wkt (GString            *str,
            const AmapGeometry *self,
            gboolean            with_z)
{
  static const char * const names[] = {
    "POINT", "LINESTRING", "POLYGON", "GEOMETRYCOLLECTION",
  };

  g_string_append (str, names[self->kind]);
  if (with_z)
    g_string_append (str, " Z");

  if (amap_geometry_is_empty (self))
    {
      g_string_append (str, " EMPTY");
      return;
    }

  g_string_append_c (str, ' ');

  switch (self->kind)
    {
    case AMAP_GEOMETRY_POINT:
    case AMAP_GEOMETRY_LINE_STRING:
      append_coord_list (str, self, with_z);
      break;

    case AMAP_GEOMETRY_POLYGON:
      g_string_append_c (str, '(');
      for (guint i = 0; i < self->children->len; i++)
        {
          if (i > 0)
            g_string_append (str, ", ");
          append_coord_list (str, g_ptr_array_index (self->children, i), with_z);
        }
      g_string_append_c (str, ')');
      break;

    case AMAP_GEOMETRY_COLLECTION:
      g_string_append_c (str, '(');
      for (guint i = 0; i < self->children->len; i++)
        {
          if (i > 0)
            g_string_append (str, ", ");
          append_wkt (str, g_ptr_array_index (self->children, i), with_z);
        }
      g_string_append_c (str, ')');
      break;

    default:
      g_assert_not_reached ();
    }
}

char *
amap_geometry_to_wkt (const AmapGeometry *self)
{
  GString *str;

  g_return_val_if_fail (self != NULL, NULL);

  str = g_string_new (NULL);
  append_wkt (str, self, amap_geometry_has_altitude (self));
  return g_string_free (str, FALSE);
}

char *
amap_geometry_format_kml_coordinates (const AmapGeometry *self)
{
  GString *str;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (kind_has_coords (self->kind), NULL);

  str = g_string_new (NULL);
  for (guint i = 0; i < self->coords->len; i++)
    {
      const AmapCoord *c = &g_array_index (self->coords, AmapCoord, i);

      if (i > 0)
        g_string_append_c (str, ' ');
      append_coord (str, c, !isnan (c->alt), ',');
    }

  return g_string_free (str, FALSE);
}

/* WKT reading: a small recursive-descent parser */

typedef struct
{
  const char *start;
  const char *p;
  GError **error;
} WktParser;

static void
skip_space (WktParser *wp)
{
  while (g_ascii_isspace (*wp->p))
    wp->p++;
}

static gboolean
wkt_fail (WktParser  *wp,
          const char *what)
{
  if (*wp->error == NULL)
    g_set_error (wp->error, AMAP_ERROR, AMAP_ERROR_INVALID,
                 /* Translators: %s says what was expected, %d is a position */
                 _("Not a valid WKT geometry: %s at character %d"),
                 what, (int) (wp->p - wp->start) + 1);
  return FALSE;
}

static gboolean
accept_char (WktParser *wp,
             char       c)
{
  skip_space (wp);
  if (*wp->p == c)
    {
      wp->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
expect_char (WktParser *wp,
             char       c)
{
  char what[32];

  if (accept_char (wp, c))
    return TRUE;

  g_snprintf (what, sizeof what, _("expected “%c”"), c);
  return wkt_fail (wp, what);
}

/* Reads an identifier (letters only) and returns it upper-cased, or NULL. */
static char *
read_word (WktParser *wp)
{
  const char *begin;

  skip_space (wp);
  begin = wp->p;
  while (g_ascii_isalpha (*wp->p))
    wp->p++;
  if (wp->p == begin)
    return NULL;

  return g_ascii_strup (begin, wp->p - begin);
}

/* Peeks whether the next word is @word (case-insensitive); consumes it if so. */
static gboolean
accept_word (WktParser  *wp,
             const char *word)
{
  gsize len = strlen (word);

  skip_space (wp);
  if (g_ascii_strncasecmp (wp->p, word, len) == 0 && !g_ascii_isalpha (wp->p[len]))
    {
      wp->p += len;
      return TRUE;
    }
  return FALSE;
}

static gboolean
read_number (WktParser *wp,
             double    *value)
{
  char buf[64];
  char *end = NULL;
  gsize span;

  skip_space (wp);
  /* g_ascii_strtod also accepts "nan", "inf" and hex; WKT wants decimals. */
  if (!(g_ascii_isdigit (*wp->p) || *wp->p == '-' || *wp->p == '+' || *wp->p == '.'))
    return wkt_fail (wp, _("expected a number"));

  /* Only decimal notation: no hex, no "nan" or "inf". */
  span = strspn (wp->p, "0123456789+-.eE");
  if (span == 0 || span >= sizeof buf)
    return wkt_fail (wp, _("expected a number"));
  memcpy (buf, wp->p, span);
  buf[span] = '\0';

  *value = g_ascii_strtod (buf, &end);
  if (end == buf || !isfinite (*value))
    return wkt_fail (wp, _("expected a number"));

  wp->p += end - buf;
  return TRUE;
}

/* dims: 2 (xy), 3 (xyz or xym), 4 (xyzm); has_m tells whether the third
 * is a measure (dropped). */
typedef struct
{
  int dims;
  gboolean has_m;
} WktDims;

static gboolean
read_coord (WktParser    *wp,
            WktDims      *dims,
            AmapGeometry *into)
{
  double v[4] = { 0, 0, NAN, NAN };
  int n = 0;

  for (n = 0; n < 4; n++)
    {
      skip_space (wp);
      if (n >= 2 && (*wp->p == ',' || *wp->p == ')'))
        break;
      if (!read_number (wp, &v[n]))
        return FALSE;
    }

  if (dims->dims == 0)
    dims->dims = n;
  else if (dims->dims != n)
    return wkt_fail (wp, _("the coordinates have different dimensions"));

  if (n == 3 && dims->has_m)
    v[2] = NAN;

  amap_geometry_add_coord (into, v[0], v[1], v[2]);
  return TRUE;
}

static gboolean
read_coord_list (WktParser    *wp,
                 WktDims      *dims,
                 AmapGeometry *into)
{
  if (!expect_char (wp, '('))
    return FALSE;
  do
    {
      if (!read_coord (wp, dims, into))
        return FALSE;
    }
  while (accept_char (wp, ','));

  return expect_char (wp, ')');
}

static gboolean
read_polygon_body (WktParser    *wp,
                   WktDims      *dims,
                   AmapGeometry *polygon)
{
  if (!expect_char (wp, '('))
    return FALSE;
  do
    {
      AmapGeometry *ring = amap_geometry_new (AMAP_GEOMETRY_LINE_STRING);

      amap_geometry_add_child (polygon, ring);
      if (!read_coord_list (wp, dims, ring))
        return FALSE;
    }
  while (accept_char (wp, ','));

  return expect_char (wp, ')');
}

static AmapGeometry *read_geometry (WktParser *wp,
                                    int        depth);

static void
read_dims_tag (WktParser *wp,
               WktDims   *dims)
{
  if (accept_word (wp, "ZM"))
    dims->dims = 4;
  else if (accept_word (wp, "Z"))
    dims->dims = 3;
  else if (accept_word (wp, "M"))
    {
      dims->dims = 3;
      dims->has_m = TRUE;
    }
}

static AmapGeometry *
read_geometry (WktParser *wp,
               int        depth)
{
  g_autoptr(AmapGeometry) geom = NULL;
  g_autofree char *word = NULL;
  WktDims dims = { 0, FALSE };

  if (depth > MAX_WKT_DEPTH)
    {
      wkt_fail (wp, _("too deeply nested"));
      return NULL;
    }

  word = read_word (wp);
  if (word == NULL)
    {
      wkt_fail (wp, _("expected a geometry type"));
      return NULL;
    }

  read_dims_tag (wp, &dims);

  if (g_str_equal (word, "POINT"))
    geom = amap_geometry_new (AMAP_GEOMETRY_POINT);
  else if (g_str_equal (word, "LINESTRING"))
    geom = amap_geometry_new (AMAP_GEOMETRY_LINE_STRING);
  else if (g_str_equal (word, "POLYGON"))
    geom = amap_geometry_new (AMAP_GEOMETRY_POLYGON);
  else if (g_str_equal (word, "GEOMETRYCOLLECTION") ||
           g_str_equal (word, "MULTIPOINT") ||
           g_str_equal (word, "MULTILINESTRING") ||
           g_str_equal (word, "MULTIPOLYGON"))
    geom = amap_geometry_new (AMAP_GEOMETRY_COLLECTION);
  else
    {
      g_autofree char *what = g_strdup_printf (_("unknown geometry type “%s”"), word);
      wkt_fail (wp, what);
      return NULL;
    }

  if (accept_word (wp, "EMPTY"))
    return g_steal_pointer (&geom);

  if (g_str_equal (word, "POINT"))
    {
      if (!expect_char (wp, '(') || !read_coord (wp, &dims, geom) || !expect_char (wp, ')'))
        return NULL;
    }
  else if (g_str_equal (word, "LINESTRING"))
    {
      if (!read_coord_list (wp, &dims, geom))
        return NULL;
    }
  else if (g_str_equal (word, "POLYGON"))
    {
      if (!read_polygon_body (wp, &dims, geom))
        return NULL;
    }
  else
    {
      if (!expect_char (wp, '('))
        return NULL;
      do
        {
          AmapGeometry *child;

          if (g_str_equal (word, "GEOMETRYCOLLECTION"))
            {
              child = read_geometry (wp, depth + 1);
              if (child == NULL)
                return NULL;
              amap_geometry_add_child (geom, child);
            }
          else if (g_str_equal (word, "MULTIPOINT"))
            {
              /* Both "MULTIPOINT (1 2, 3 4)" and "MULTIPOINT ((1 2), (3 4))". */
              gboolean paren = accept_char (wp, '(');

              child = amap_geometry_new (AMAP_GEOMETRY_POINT);
              amap_geometry_add_child (geom, child);
              if (!read_coord (wp, &dims, child))
                return NULL;
              if (paren && !expect_char (wp, ')'))
                return NULL;
            }
          else if (g_str_equal (word, "MULTILINESTRING"))
            {
              child = amap_geometry_new (AMAP_GEOMETRY_LINE_STRING);
              amap_geometry_add_child (geom, child);
              if (!read_coord_list (wp, &dims, child))
                return NULL;
            }
          else
            {
              child = amap_geometry_new (AMAP_GEOMETRY_POLYGON);
              amap_geometry_add_child (geom, child);
              if (!read_polygon_body (wp, &dims, child))
                return NULL;
            }
        }
      while (accept_char (wp, ','));

      if (!expect_char (wp, ')'))
        return NULL;
    }

  return g_steal_pointer (&geom);
}

AmapGeometry *
amap_geometry_from_wkt (const char  *wkt,
                        GError     **error)
{
  g_autoptr(AmapGeometry) geom = NULL;
  g_autoptr(GError) local_error = NULL;
  WktParser wp;

  g_return_val_if_fail (wkt != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  wp.start = wkt;
  wp.p = wkt;
  wp.error = &local_error;

  geom = read_geometry (&wp, 0);
  if (geom == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  skip_space (&wp);
  if (*wp.p != '\0')
    {
      wkt_fail (&wp, _("unexpected text after the geometry"));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&geom);
}

/* Representative point */

static double
line_length (const AmapGeometry *line)
{
  double total = 0;

  for (guint i = 1; i < line->coords->len; i++)
    {
      const AmapCoord *a = &g_array_index (line->coords, AmapCoord, i - 1);
      const AmapCoord *b = &g_array_index (line->coords, AmapCoord, i);

      total += hypot (b->lon - a->lon, b->lat - a->lat);
    }
  return total;
}

/* Signed area (shoelace) and the area-weighted centroid sums of a ring. */
static double
ring_area (const AmapGeometry *ring,
           double             *cx_sum,
           double             *cy_sum)
{
  double area2 = 0, cx = 0, cy = 0;
  guint n = ring->coords->len;

  if (n < 3)
    {
      *cx_sum = *cy_sum = 0;
      return 0;
    }

  /* Relative to the first vertex, for precision. */
  for (guint i = 0; i < n; i++)
    {
      const AmapCoord *o = &g_array_index (ring->coords, AmapCoord, 0);
      const AmapCoord *a = &g_array_index (ring->coords, AmapCoord, i);
      const AmapCoord *b = &g_array_index (ring->coords, AmapCoord, (i + 1) % n);
      double ax = a->lon - o->lon, ay = a->lat - o->lat;
      double bx = b->lon - o->lon, by = b->lat - o->lat;
      double cross = ax * by - bx * ay;

      area2 += cross;
      cx += (ax + bx) * cross;
      cy += (ay + by) * cross;
    }

  *cx_sum = cx;
  *cy_sum = cy;
  return area2 / 2;
}

static double
polygon_area (const AmapGeometry *polygon)
{
  double area = 0, dummy_x, dummy_y;

  for (guint i = 0; i < polygon->children->len; i++)
    {
      double a = fabs (ring_area (g_ptr_array_index (polygon->children, i), &dummy_x, &dummy_y));
      area += i == 0 ? a : -a;
    }
  return area;
}

/* Even-odd over every ring, so holes count as outside. */
static gboolean
polygon_contains (const AmapGeometry *polygon,
                  double              x,
                  double              y)
{
  gboolean inside = FALSE;

  for (guint r = 0; r < polygon->children->len; r++)
    {
      const AmapGeometry *ring = g_ptr_array_index (polygon->children, r);
      guint n = ring->coords->len;

      for (guint i = 0, j = n - 1; i < n; j = i++)
        {
          const AmapCoord *a = &g_array_index (ring->coords, AmapCoord, i);
          const AmapCoord *b = &g_array_index (ring->coords, AmapCoord, j);

          if ((a->lat > y) != (b->lat > y) &&
              x < (b->lon - a->lon) * (y - a->lat) / (b->lat - a->lat) + a->lon)
            inside = !inside;
        }
    }

  return inside;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The middle of the widest inside stretch of the horizontal line at @y. */
static gboolean
polygon_point_on_scanline (const AmapGeometry *polygon,
                           double              y,
                           double             *out_x)
{
  g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
  double best_width = -1;

  for (guint r = 0; r < polygon->children->len; r++)
    {
      const AmapGeometry *ring = g_ptr_array_index (polygon->children, r);
      guint n = ring->coords->len;

      for (guint i = 0, j = n - 1; i < n; j = i++)
        {
          const AmapCoord *a = &g_array_index (ring->coords, AmapCoord, i);
          const AmapCoord *b = &g_array_index (ring->coords, AmapCoord, j);

          if ((a->lat > y) != (b->lat > y))
            {
              double x = (b->lon - a->lon) * (y - a->lat) / (b->lat - a->lat) + a->lon;
              g_array_append_val (xs, x);
            }
        }
    }

  g_array_sort (xs, compare_doubles);
  for (guint i = 0; i + 1 < xs->len; i += 2)
    {
      double x0 = g_array_index (xs, double, i);
      double x1 = g_array_index (xs, double, i + 1);

      if (x1 - x0 > best_width)
        {
          best_width = x1 - x0;
          *out_x = (x0 + x1) / 2;
        }
    }

  return best_width >= 0;
}

static gboolean
polygon_representative_point (const AmapGeometry *polygon,
                              double             *lon,
                              double             *lat)
{
  const AmapGeometry *outer;
  const AmapCoord *origin;
  double area = 0, cx = 0, cy = 0, x, y;
  double min_y = G_MAXDOUBLE, max_y = -G_MAXDOUBLE;

  if (polygon->children->len == 0)
    return FALSE;
  outer = g_ptr_array_index (polygon->children, 0);
  if (outer->coords->len == 0)
    return FALSE;
  origin = &g_array_index (outer->coords, AmapCoord, 0);

  for (guint r = 0; r < polygon->children->len; r++)
    {
      const AmapGeometry *ring = g_ptr_array_index (polygon->children, r);
      const AmapCoord *ro;
      double sx, sy, a;

      if (ring->coords->len == 0)
        continue;
      ro = &g_array_index (ring->coords, AmapCoord, 0);
      a = ring_area (ring, &sx, &sy);
      /* Outer counts positive, holes negative, whatever their winding. */
      if ((r == 0) != (a > 0))
        {
          a = -a;
          sx = -sx;
          sy = -sy;
        }
      area += a;
      /* ring_area works relative to the ring's first vertex: shift back
       * to the outer ring's origin. */
      cx += sx + 6 * a * (ro->lon - origin->lon);
      cy += sy + 6 * a * (ro->lat - origin->lat);
    }

  if (fabs (area) > 1e-18)
    {
      x = origin->lon + cx / (6 * area);
      y = origin->lat + cy / (6 * area);
    }
  else
    {
      /* Degenerate (a sliver): the mean of the outer vertices. */
      x = y = 0;
      for (guint i = 0; i < outer->coords->len; i++)
        {
          x += g_array_index (outer->coords, AmapCoord, i).lon;
          y += g_array_index (outer->coords, AmapCoord, i).lat;
        }
      x /= outer->coords->len;
      y /= outer->coords->len;
    }

  if (polygon_contains (polygon, x, y))
    {
      *lon = x;
      *lat = y;
      return TRUE;
    }

  if (polygon_point_on_scanline (polygon, y, &x))
    {
      *lon = x;
      *lat = y;
      return TRUE;
    }

  for (guint i = 0; i < outer->coords->len; i++)
    {
      min_y = MIN (min_y, g_array_index (outer->coords, AmapCoord, i).lat);
      max_y = MAX (max_y, g_array_index (outer->coords, AmapCoord, i).lat);
    }
  y = (min_y + max_y) / 2;
  if (polygon_point_on_scanline (polygon, y, &x))
    {
      *lon = x;
      *lat = y;
      return TRUE;
    }

  *lon = origin->lon;
  *lat = origin->lat;
  return TRUE;
}

static gboolean
line_representative_point (const AmapGeometry *line,
                           double             *lon,
                           double             *lat)
{
  double half, walked = 0;
  guint n = line->coords->len;

  if (n == 0)
    return FALSE;

  half = line_length (line) / 2;
  for (guint i = 1; i < n; i++)
    {
      const AmapCoord *a = &g_array_index (line->coords, AmapCoord, i - 1);
      const AmapCoord *b = &g_array_index (line->coords, AmapCoord, i);
      double seg = hypot (b->lon - a->lon, b->lat - a->lat);

      if (seg > 0 && walked + seg >= half)
        {
          double t = (half - walked) / seg;

          *lon = a->lon + t * (b->lon - a->lon);
          *lat = a->lat + t * (b->lat - a->lat);
          return TRUE;
        }
      walked += seg;
    }

  *lon = g_array_index (line->coords, AmapCoord, 0).lon;
  *lat = g_array_index (line->coords, AmapCoord, 0).lat;
  return TRUE;
}

/* Finds the non-empty leaf member with the highest dimension and then the
 * largest size. */
static void
find_largest_member (const AmapGeometry  *self,
                     const AmapGeometry **best,
                     int                 *best_dim,
                     double              *best_size)
{
  int dim;
  double size;

  if (amap_geometry_is_empty (self))
    return;

  switch (self->kind)
    {
    case AMAP_GEOMETRY_COLLECTION:
      for (guint i = 0; i < self->children->len; i++)
        find_largest_member (g_ptr_array_index (self->children, i), best, best_dim, best_size);
      return;
    case AMAP_GEOMETRY_POINT:
      dim = 0;
      size = 0;
      break;
    case AMAP_GEOMETRY_LINE_STRING:
      dim = 1;
      size = line_length (self);
      break;
    case AMAP_GEOMETRY_POLYGON:
      dim = 2;
      size = fabs (polygon_area (self));
      break;
    default:
      g_assert_not_reached ();
    }

  if (*best == NULL || dim > *best_dim || (dim == *best_dim && size > *best_size))
    {
      *best = self;
      *best_dim = dim;
      *best_size = size;
    }
}

gboolean
amap_geometry_get_representative_point (const AmapGeometry *self,
                                        double             *lon,
                                        double             *lat)
{
  double x = NAN, y = NAN;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->kind)
    {
    case AMAP_GEOMETRY_POINT:
      if (self->coords->len > 0)
        {
          x = g_array_index (self->coords, AmapCoord, 0).lon;
          y = g_array_index (self->coords, AmapCoord, 0).lat;
          ok = TRUE;
        }
      break;

    case AMAP_GEOMETRY_LINE_STRING:
      ok = line_representative_point (self, &x, &y);
      break;

    case AMAP_GEOMETRY_POLYGON:
      ok = polygon_representative_point (self, &x, &y);
      break;

    case AMAP_GEOMETRY_COLLECTION:
      {
        const AmapGeometry *best = NULL;
        int best_dim = -1;
        double best_size = -1;

        find_largest_member (self, &best, &best_dim, &best_size);
        if (best != NULL)
          return amap_geometry_get_representative_point (best, lon, lat);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (ok)
    {
      if (lon != NULL)
        *lon = x;
      if (lat != NULL)
        *lat = y;
    }

  return ok;
}
