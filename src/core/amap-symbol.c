/* amap-symbol.c: symbolic icons drawn with cairo, without GTK
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-symbol"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "amap-symbol.h"

/*
 * Why a reader of our own: librsvg is not a dependency, and gdk-pixbuf
 * loads SVG only through librsvg's loader (Debian's librsvg2-common), so
 * neither is there for the command line or a worker thread. Symbolic
 * icons are the easy corner of SVG: filled paths in one color, at most an
 * opacity. This reads exactly that corner; anything else in a file is
 * skipped (a stroke, a gradient, text), which symbolic icons do not use.
 */

#define RESOURCE_ICONS "/io/github/assetmap/AssetMap/icons"
#define MAX_ICON_BYTES (256 * 1024)
#define MAX_DEPTH 32

typedef struct
{
  cairo_path_t *path;      /* in the icon's user space */
  double        opacity;
  gboolean      even_odd;
} Shape;

typedef struct
{
  double     vb_x, vb_y, vb_w, vb_h;
  GPtrArray *shapes;       /* Shape * */
} Symbol;

typedef struct
{
  cairo_t   *cr;           /* a scratch context that builds the paths */
  GPtrArray *shapes;
} Parse;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_LOCK_DEFINE_STATIC (symbols);
static GHashTable *symbols;  /* icon name -> Symbol * (or the sentinel) */
static Symbol not_found;

static void
shape_free (gpointer data)
{
  Shape *shape = data;

  cairo_path_destroy (shape->path);
  g_free (shape);
}

static void
symbol_free (gpointer data)
{
  Symbol *symbol = data;

  if (symbol == NULL || symbol == &not_found)
    return;
  g_ptr_array_unref (symbol->shapes);
  g_free (symbol);
}

/* Numbers and attributes */

static void
skip_separators (const char **p)
{
  while (**p == ' ' || **p == ',' || **p == '\t' || **p == '\n' || **p == '\r')
    (*p)++;
}

static gboolean
next_number (const char **p,
             double      *value)
{
  char *end;

  skip_separators (p);
  if (**p == '\0')
    return FALSE;
  *value = g_ascii_strtod (*p, &end);
  if (end == *p || !isfinite (*value))
    return FALSE;
  *p = end;
  return TRUE;
}

/* Arc flags may be written without separators ("a1 1 0 00-.7.3"). */
static gboolean
next_flag (const char **p,
           gboolean    *flag)
{
  skip_separators (p);
  if (**p != '0' && **p != '1')
    return FALSE;
  *flag = **p == '1';
  (*p)++;
  return TRUE;
}

static double
number_attribute (xmlNode    *node,
                  const char *name,
                  double      fallback)
{
  g_autofree xmlChar *value = xmlGetProp (node, BAD_CAST name);
  const char *p = (const char *) value;
  double number;

  if (value == NULL || !next_number (&p, &number))
    return fallback;
  /* "16px" is 16; percentages are not used by symbolic icons. */
  return number;
}

/* The value of @property in a style attribute ("fill:none;opacity:.3"),
 * else of the attribute of the same name; NULL when neither is set. */
static char *
dup_property (xmlNode    *node,
              const char *property)
{
  g_autofree xmlChar *style = xmlGetProp (node, BAD_CAST "style");
  xmlChar *value;

  if (style != NULL)
    {
      g_auto(GStrv) decls = g_strsplit ((const char *) style, ";", -1);

      for (guint i = 0; decls[i] != NULL; i++)
        {
          char *colon = strchr (decls[i], ':');

          if (colon == NULL)
            continue;
          *colon = '\0';
          if (g_strcmp0 (g_strstrip (decls[i]), property) == 0)
            return g_strdup (g_strstrip (colon + 1));
        }
    }

  value = xmlGetProp (node, BAD_CAST property);
  if (value == NULL)
    return NULL;

  {
    char *copy = g_strdup (g_strstrip ((char *) value));

    xmlFree (value);
    return copy;
  }
}

static double
opacity_property (xmlNode    *node,
                  const char *property)
{
  g_autofree char *value = dup_property (node, property);
  const char *p = value;
  double number;

  if (value == NULL || !next_number (&p, &number))
    return 1;
  return CLAMP (number, 0, 1);
}

/* transform="matrix(…) translate(…) scale(…) rotate(…)", applied to @cr. */
static void
apply_transform (cairo_t    *cr,
                 const char *text)
{
  const char *p = text;

  while (p != NULL && *p != '\0')
    {
      const char *open = strchr (p, '(');
      double v[6];
      guint n = 0;
      g_autofree char *name = NULL;

      if (open == NULL)
        return;
      name = g_strstrip (g_strndup (p, open - p));
      p = open + 1;
      while (n < 6 && next_number (&p, &v[n]))
        n++;
      skip_separators (&p);
      if (*p != ')')
        return;
      p++;

      if (g_str_equal (name, "matrix") && n == 6)
        {
          cairo_matrix_t m;

          cairo_matrix_init (&m, v[0], v[1], v[2], v[3], v[4], v[5]);
          cairo_transform (cr, &m);
        }
      else if (g_str_equal (name, "translate") && n >= 1)
        cairo_translate (cr, v[0], n >= 2 ? v[1] : 0);
      else if (g_str_equal (name, "scale") && n >= 1)
        cairo_scale (cr, v[0], n >= 2 ? v[1] : v[0]);
      else if (g_str_equal (name, "rotate") && n >= 1)
        {
          if (n >= 3)
            cairo_translate (cr, v[1], v[2]);
          cairo_rotate (cr, v[0] * G_PI / 180);
          if (n >= 3)
            cairo_translate (cr, -v[1], -v[2]);
        }
      skip_separators (&p);
    }
}

/* Path data */

static double
vector_angle (double ux,
              double uy,
              double vx,
              double vy)
{
  return atan2 (ux * vy - uy * vx, ux * vx + uy * vy);
}

/* An SVG elliptical arc (SVG 1.1, appendix F.6.5) from the current point. */
static void
arc_to (cairo_t  *cr,
        double    x1,
        double    y1,
        double    rx,
        double    ry,
        double    angle,
        gboolean  large,
        gboolean  sweep,
        double    x2,
        double    y2)
{
  double phi = angle * G_PI / 180;
  double c = cos (phi), s = sin (phi);
  double dx = (x1 - x2) / 2, dy = (y1 - y2) / 2;
  double x1p = c * dx + s * dy;
  double y1p = -s * dx + c * dy;
  double lambda, num, den, coef, cxp, cyp, cx, cy, theta, delta;
  cairo_matrix_t saved;

  rx = fabs (rx);
  ry = fabs (ry);
  if (rx < 1e-9 || ry < 1e-9 || (x1 == x2 && y1 == y2))
    {
      cairo_line_to (cr, x2, y2);
      return;
    }

  lambda = x1p * x1p / (rx * rx) + y1p * y1p / (ry * ry);
  if (lambda > 1)
    {
      rx *= sqrt (lambda);
      ry *= sqrt (lambda);
    }

  num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
  den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
  coef = den > 0 ? sqrt (MAX (0, num / den)) : 0;
  if (large == sweep)
    coef = -coef;
  cxp = coef * rx * y1p / ry;
  cyp = -coef * ry * x1p / rx;
  cx = c * cxp - s * cyp + (x1 + x2) / 2;
  cy = s * cxp + c * cyp + (y1 + y2) / 2;

  theta = vector_angle (1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry);
  delta = vector_angle ((x1p - cxp) / rx, (y1p - cyp) / ry,
                        (-x1p - cxp) / rx, (-y1p - cyp) / ry);
  if (!sweep && delta > 0)
    delta -= 2 * G_PI;
  else if (sweep && delta < 0)
    delta += 2 * G_PI;

  cairo_get_matrix (cr, &saved);
  cairo_translate (cr, cx, cy);
  cairo_rotate (cr, phi);
  cairo_scale (cr, rx, ry);
  if (delta > 0)
    cairo_arc (cr, 0, 0, 1, theta, theta + delta);
  else
    cairo_arc_negative (cr, 0, 0, 1, theta, theta + delta);
  cairo_set_matrix (cr, &saved);
  /* Land exactly on the end point. */
  cairo_line_to (cr, x2, y2);
}

/* Appends the path data @d to @cr's path; FALSE when it stops at a
 * mistake (what came before is kept, as browsers do). */
static gboolean
append_path_data (cairo_t    *cr,
                  const char *d)
{
  const char *p = d;
  char command = '\0';
  double x = 0, y = 0, start_x = 0, start_y = 0;
  double ctrl_x = 0, ctrl_y = 0;  /* the last control point, for S and T */
  char last = '\0';

  while (TRUE)
    {
      double v[7];
      gboolean relative;
      char upper;

      skip_separators (&p);
      if (*p == '\0')
        return TRUE;
      if (g_ascii_isalpha (*p))
        command = *p++;
      else if (command == '\0')
        return FALSE;
      else if (command == 'M')
        command = 'L';  /* numbers after a move are lines */
      else if (command == 'm')
        command = 'l';

      relative = g_ascii_islower (command);
      upper = g_ascii_toupper (command);

      switch (upper)
        {
        case 'Z':
          cairo_close_path (cr);
          x = start_x;
          y = start_y;
          command = '\0';
          break;

        case 'M':
        case 'L':
        case 'T':
          if (!next_number (&p, &v[0]) || !next_number (&p, &v[1]))
            return FALSE;
          if (relative)
            {
              v[0] += x;
              v[1] += y;
            }
          if (upper == 'M')
            {
              cairo_move_to (cr, v[0], v[1]);
              start_x = v[0];
              start_y = v[1];
            }
          else if (upper == 'L')
            cairo_line_to (cr, v[0], v[1]);
          else
            {
              double qx = (last == 'Q' || last == 'T') ? 2 * x - ctrl_x : x;
              double qy = (last == 'Q' || last == 'T') ? 2 * y - ctrl_y : y;

              cairo_curve_to (cr, x + 2.0 / 3 * (qx - x), y + 2.0 / 3 * (qy - y),
                              v[0] + 2.0 / 3 * (qx - v[0]), v[1] + 2.0 / 3 * (qy - v[1]),
                              v[0], v[1]);
              ctrl_x = qx;
              ctrl_y = qy;
            }
          x = v[0];
          y = v[1];
          break;

        case 'H':
        case 'V':
          if (!next_number (&p, &v[0]))
            return FALSE;
          if (upper == 'H')
            x = relative ? x + v[0] : v[0];
          else
            y = relative ? y + v[0] : v[0];
          cairo_line_to (cr, x, y);
          break;

        case 'C':
        case 'S':
        case 'Q':
          {
            guint n = upper == 'C' ? 6 : 4;

            for (guint i = 0; i < n; i++)
              if (!next_number (&p, &v[i]))
                return FALSE;
            if (relative)
              for (guint i = 0; i < n; i += 2)
                {
                  v[i] += x;
                  v[i + 1] += y;
                }

            if (upper == 'C')
              {
                cairo_curve_to (cr, v[0], v[1], v[2], v[3], v[4], v[5]);
                ctrl_x = v[2];
                ctrl_y = v[3];
                x = v[4];
                y = v[5];
              }
            else if (upper == 'S')
              {
                double c1x = (last == 'C' || last == 'S') ? 2 * x - ctrl_x : x;
                double c1y = (last == 'C' || last == 'S') ? 2 * y - ctrl_y : y;

                cairo_curve_to (cr, c1x, c1y, v[0], v[1], v[2], v[3]);
                ctrl_x = v[0];
                ctrl_y = v[1];
                x = v[2];
                y = v[3];
              }
            else
              {
                cairo_curve_to (cr, x + 2.0 / 3 * (v[0] - x), y + 2.0 / 3 * (v[1] - y),
                                v[2] + 2.0 / 3 * (v[0] - v[2]), v[3] + 2.0 / 3 * (v[1] - v[3]),
                                v[2], v[3]);
                ctrl_x = v[0];
                ctrl_y = v[1];
                x = v[2];
                y = v[3];
              }
          }
          break;

        case 'A':
          {
            gboolean large, sweep;

            if (!next_number (&p, &v[0]) || !next_number (&p, &v[1])
                || !next_number (&p, &v[2]) || !next_flag (&p, &large)
                || !next_flag (&p, &sweep) || !next_number (&p, &v[3])
                || !next_number (&p, &v[4]))
              return FALSE;
            if (relative)
              {
                v[3] += x;
                v[4] += y;
              }
            arc_to (cr, x, y, v[0], v[1], v[2], large, sweep, v[3], v[4]);
            x = v[3];
            y = v[4];
          }
          break;

        default:
          return FALSE;
        }

      last = upper;
    }
}

/* Elements */

static gboolean
build_shape (cairo_t *cr,
             xmlNode *node)
{
  const char *name = (const char *) node->name;

  if (g_str_equal (name, "path"))
    {
      g_autofree xmlChar *d = xmlGetProp (node, BAD_CAST "d");

      if (d == NULL)
        return FALSE;
      append_path_data (cr, (const char *) d);
      return TRUE;
    }

  if (g_str_equal (name, "rect"))
    {
      double x = number_attribute (node, "x", 0), y = number_attribute (node, "y", 0);
      double w = number_attribute (node, "width", 0), h = number_attribute (node, "height", 0);
      double rx = number_attribute (node, "rx", -1), ry = number_attribute (node, "ry", -1);

      if (!(w > 0) || !(h > 0))
        return FALSE;
      if (rx < 0)
        rx = ry;
      if (ry < 0)
        ry = rx;
      rx = CLAMP (rx, 0, w / 2);
      ry = CLAMP (ry, 0, h / 2);
      if (rx <= 0 || ry <= 0)
        {
          cairo_rectangle (cr, x, y, w, h);
          return TRUE;
        }
      cairo_move_to (cr, x + rx, y);
      cairo_line_to (cr, x + w - rx, y);
      arc_to (cr, x + w - rx, y, rx, ry, 0, FALSE, TRUE, x + w, y + ry);
      cairo_line_to (cr, x + w, y + h - ry);
      arc_to (cr, x + w, y + h - ry, rx, ry, 0, FALSE, TRUE, x + w - rx, y + h);
      cairo_line_to (cr, x + rx, y + h);
      arc_to (cr, x + rx, y + h, rx, ry, 0, FALSE, TRUE, x, y + h - ry);
      cairo_line_to (cr, x, y + ry);
      arc_to (cr, x, y + ry, rx, ry, 0, FALSE, TRUE, x + rx, y);
      cairo_close_path (cr);
      return TRUE;
    }

  if (g_str_equal (name, "circle") || g_str_equal (name, "ellipse"))
    {
      double cx = number_attribute (node, "cx", 0), cy = number_attribute (node, "cy", 0);
      double rx, ry;
      cairo_matrix_t saved;

      if (g_str_equal (name, "circle"))
        rx = ry = number_attribute (node, "r", 0);
      else
        {
          rx = number_attribute (node, "rx", 0);
          ry = number_attribute (node, "ry", 0);
        }
      if (!(rx > 0) || !(ry > 0))
        return FALSE;

      cairo_get_matrix (cr, &saved);
      cairo_translate (cr, cx, cy);
      cairo_scale (cr, rx, ry);
      cairo_new_sub_path (cr);
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_close_path (cr);
      cairo_set_matrix (cr, &saved);
      return TRUE;
    }

  if (g_str_equal (name, "polygon") || g_str_equal (name, "polyline"))
    {
      g_autofree xmlChar *points = xmlGetProp (node, BAD_CAST "points");
      const char *p = (const char *) points;
      double px, py;
      gboolean first = TRUE;

      if (points == NULL)
        return FALSE;
      while (next_number (&p, &px) && next_number (&p, &py))
        {
          if (first)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
          first = FALSE;
        }
      if (first)
        return FALSE;
      cairo_close_path (cr);
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_hidden (xmlNode *node)
{
  g_autofree char *display = dup_property (node, "display");
  g_autofree char *visibility = dup_property (node, "visibility");

  return g_strcmp0 (display, "none") == 0 || g_strcmp0 (visibility, "hidden") == 0;
}

static void
walk (Parse    *parse,
      xmlNode  *parent,
      double    opacity,
      gboolean  even_odd,
      gboolean  no_fill,
      guint     depth)
{
  if (depth > MAX_DEPTH)
    return;

  for (xmlNode *node = parent->children; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;
      g_autofree char *fill = NULL;
      g_autofree char *fill_rule = NULL;
      g_autofree xmlChar *transform = NULL;
      double node_opacity;
      gboolean node_even_odd = even_odd;
      gboolean node_no_fill = no_fill;

      if (node->type != XML_ELEMENT_NODE || is_hidden (node))
        continue;
      /* Definitions, clips and masks are not drawn themselves. */
      if (g_str_equal (name, "defs") || g_str_equal (name, "clipPath")
          || g_str_equal (name, "mask") || g_str_equal (name, "symbol")
          || g_str_equal (name, "metadata") || g_str_equal (name, "title"))
        continue;

      fill = dup_property (node, "fill");
      if (fill != NULL)
        node_no_fill = g_str_equal (fill, "none");
      fill_rule = dup_property (node, "fill-rule");
      if (fill_rule != NULL)
        node_even_odd = g_str_equal (fill_rule, "evenodd");
      node_opacity = opacity * opacity_property (node, "opacity");

      cairo_save (parse->cr);
      transform = xmlGetProp (node, BAD_CAST "transform");
      if (transform != NULL)
        apply_transform (parse->cr, (const char *) transform);

      if (g_str_equal (name, "g") || g_str_equal (name, "svg") || g_str_equal (name, "a"))
        walk (parse, node, node_opacity, node_even_odd, node_no_fill, depth + 1);
      else if (!node_no_fill)
        {
          cairo_new_path (parse->cr);
          if (build_shape (parse->cr, node))
            {
              Shape *shape = g_new0 (Shape, 1);

              /* The path in the icon's space: copied with no transform set. */
              cairo_identity_matrix (parse->cr);
              shape->path = cairo_copy_path (parse->cr);
              shape->opacity = node_opacity * opacity_property (node, "fill-opacity");
              shape->even_odd = node_even_odd;
              if (shape->path->status == CAIRO_STATUS_SUCCESS && shape->path->num_data > 0
                  && shape->opacity > 0)
                g_ptr_array_add (parse->shapes, shape);
              else
                shape_free (shape);
            }
        }
      cairo_restore (parse->cr);
    }
}

static Symbol *
parse_svg (const char *data,
           gsize       len)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  cairo_surface_t *surface;
  Parse parse;
  Symbol *symbol;
  double width, height;

  if (len == 0 || len > MAX_ICON_BYTES)
    return NULL;

  doc = xmlReadMemory (data, (int) len, NULL, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  /* No DOCTYPE: entities are refused rather than expanded. */
  if (doc == NULL || doc->intSubset != NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "svg"))
    return NULL;

  symbol = g_new0 (Symbol, 1);
  symbol->shapes = g_ptr_array_new_with_free_func (shape_free);

  width = number_attribute (root, "width", 16);
  height = number_attribute (root, "height", 16);
  symbol->vb_w = width > 0 ? width : 16;
  symbol->vb_h = height > 0 ? height : 16;
  {
    g_autofree xmlChar *view_box = xmlGetProp (root, BAD_CAST "viewBox");
    const char *p = (const char *) view_box;
    double v[4];

    if (view_box != NULL && next_number (&p, &v[0]) && next_number (&p, &v[1])
        && next_number (&p, &v[2]) && next_number (&p, &v[3]) && v[2] > 0 && v[3] > 0)
      {
        symbol->vb_x = v[0];
        symbol->vb_y = v[1];
        symbol->vb_w = v[2];
        symbol->vb_h = v[3];
      }
  }

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  parse.cr = cairo_create (surface);
  parse.shapes = symbol->shapes;
  walk (&parse, root, opacity_property (root, "opacity"), FALSE, FALSE, 0);
  cairo_destroy (parse.cr);
  cairo_surface_destroy (surface);

  if (symbol->shapes->len == 0)
    {
      symbol_free (symbol);
      return NULL;
    }

  return symbol;
}

/* Finding the file */

static char *
find_in_theme (const char *base,
               const char *theme,
               const char *file_name)
{
  static const char * const kinds[] = { "scalable", "symbolic" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *top = g_build_filename (base, "icons", theme, kinds[k], NULL);
      g_autoptr(GDir) dir = g_dir_open (top, 0, NULL);
      const char *context;

      if (dir == NULL)
        continue;
      while ((context = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (top, context, file_name, NULL);

          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            return g_steal_pointer (&path);
        }
    }

  return NULL;
}

static GPtrArray *
list_data_dirs (void)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char * const *system = g_get_system_data_dirs ();
  /* Where the icon theme is on most systems, for when XDG_DATA_DIRS is
   * set without it (tests with isolated directories do that). */
  const char * const fallbacks[] = { "/usr/share", "/usr/local/share" };

  g_ptr_array_add (dirs, g_strdup (g_get_user_data_dir ()));
  for (guint i = 0; system[i] != NULL; i++)
    g_ptr_array_add (dirs, g_strdup (system[i]));
  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    if (!g_ptr_array_find_with_equal_func (dirs, fallbacks[i], g_str_equal, NULL))
      g_ptr_array_add (dirs, g_strdup (fallbacks[i]));

  return dirs;
}

static GBytes *
load_icon (const char *icon_name)
{
  static const char * const resource_dirs[] = {
    RESOURCE_ICONS "/scalable/actions", RESOURCE_ICONS "/symbolic/apps",
  };
  static const char * const themes[] = { "Adwaita", "hicolor" };
  g_autofree char *file_name = g_strconcat (icon_name, ".svg", NULL);
  g_autoptr(GPtrArray) dirs = NULL;

  /* The app's own icons, when its resources are registered. */
  for (guint i = 0; i < G_N_ELEMENTS (resource_dirs); i++)
    {
      g_autofree char *path = g_build_path ("/", resource_dirs[i], file_name, NULL);
      GBytes *bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

      if (bytes != NULL)
        return bytes;
    }

  dirs = list_data_dirs ();
  for (guint t = 0; t < G_N_ELEMENTS (themes); t++)
    for (guint i = 0; i < dirs->len; i++)
      {
        g_autofree char *path = find_in_theme (g_ptr_array_index (dirs, i), themes[t], file_name);
        char *contents;
        gsize len;

        if (path != NULL && g_file_get_contents (path, &contents, &len, NULL))
          return g_bytes_new_take (contents, len);
      }

  return NULL;
}

/* As GTK does for symbolic names: "a-b-c-symbolic", then "a-b-symbolic",
 * then "a-symbolic". */
static Symbol *
lookup_uncached (const char *icon_name)
{
  g_autofree char *name = g_strdup (icon_name);

  while (TRUE)
    {
      g_autoptr(GBytes) bytes = load_icon (name);
      char *dash;

      if (bytes != NULL)
        {
          Symbol *symbol = parse_svg (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

          if (symbol != NULL)
            return symbol;
          g_debug ("The icon %s has no shape to draw", name);
        }

      if (!g_str_has_suffix (name, "-symbolic"))
        return NULL;
      name[strlen (name) - strlen ("-symbolic")] = '\0';
      dash = strrchr (name, '-');
      if (dash == NULL)
        return NULL;
      strcpy (dash, "-symbolic");
    }
}

/* The symbol of @icon_name (transfer none: kept for the process). */
static Symbol *
lookup (const char *icon_name)
{
  Symbol *symbol;

  if (icon_name == NULL || *icon_name == '\0' || strchr (icon_name, '/') != NULL)
    return NULL;

  G_LOCK (symbols);
  if (symbols == NULL)
    symbols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, symbol_free);
  symbol = g_hash_table_lookup (symbols, icon_name);
  G_UNLOCK (symbols);

  if (symbol == NULL)
    {
      /* Read outside the lock; two threads may read the same icon once. */
      Symbol *found = lookup_uncached (icon_name);

      G_LOCK (symbols);
      symbol = g_hash_table_lookup (symbols, icon_name);
      if (symbol == NULL)
        {
          symbol = found != NULL ? found : &not_found;
          g_hash_table_insert (symbols, g_strdup (icon_name), symbol);
        }
      else
        symbol_free (found);
      G_UNLOCK (symbols);
    }

  return symbol == &not_found ? NULL : symbol;
}

/* Public API */

gboolean
amap_symbol_draw (cairo_t    *cr,
                  const char *icon_name,
                  double      x,
                  double      y,
                  double      size,
                  double      red,
                  double      green,
                  double      blue,
                  double      alpha)
{
  Symbol *symbol;

  g_return_val_if_fail (cr != NULL, FALSE);

  symbol = lookup (icon_name);
  if (symbol == NULL || !(size > 0))
    return FALSE;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, size / symbol->vb_w, size / symbol->vb_h);
  cairo_translate (cr, -symbol->vb_x, -symbol->vb_y);
  for (guint i = 0; i < symbol->shapes->len; i++)
    {
      Shape *shape = g_ptr_array_index (symbol->shapes, i);

      cairo_new_path (cr);
      cairo_append_path (cr, shape->path);
      cairo_set_fill_rule (cr, shape->even_odd ? CAIRO_FILL_RULE_EVEN_ODD
                                               : CAIRO_FILL_RULE_WINDING);
      cairo_set_source_rgba (cr, red, green, blue, alpha * shape->opacity);
      cairo_fill (cr);
    }
  cairo_restore (cr);

  return TRUE;
}

gboolean
amap_symbol_exists (const char *icon_name)
{
  return lookup (icon_name) != NULL;
}

guint
amap_symbol_count_shapes (const char *svg,
                          gsize       len)
{
  Symbol *symbol;
  guint n;

  g_return_val_if_fail (svg != NULL, 0);

  symbol = parse_svg (svg, len);
  if (symbol == NULL)
    return 0;
  n = symbol->shapes->len;
  symbol_free (symbol);

  return n;
}
