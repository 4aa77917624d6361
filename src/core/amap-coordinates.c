/* amap-coordinates.c: coordinates as people type and paste them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-coordinates"

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-coordinates.h"

/* The normalized text marks degrees with this byte (input control
 * characters are refused, so it cannot come from the person). */
#define DEGREE '\x01'

/* The longest text worth reading as coordinates (a long map link). */
#define MAX_TEXT 4096

typedef struct
{
  double value;     /* unsigned degrees */
  char   hemisphere; /* 0, 'N', 'S', 'E' or 'W' */
  gboolean negative;
} Component;

static gboolean
in_range (double latitude,
          double longitude)
{
  return isfinite (latitude) && isfinite (longitude) &&
         latitude >= -90.0 && latitude <= 90.0 &&
         longitude >= -180.0 && longitude <= 180.0;
}

/* Digits with at most one decimal point: no exponent, no "inf" or "nan",
 * no hexadecimal, as g_ascii_strtod alone would take. */
static gboolean
scan_number (const char **p,
             double      *value)
{
  const char *s = *p;
  gboolean digits = FALSE;
  char buf[40];

  while (g_ascii_isdigit (*s))
    {
      s++;
      digits = TRUE;
    }
  if (*s == '.')
    {
      s++;
      while (g_ascii_isdigit (*s))
        {
          s++;
          digits = TRUE;
        }
    }
  if (!digits || (gsize) (s - *p) >= sizeof buf)
    return FALSE;

  memcpy (buf, *p, s - *p);
  buf[s - *p] = '\0';
  *value = g_ascii_strtod (buf, NULL);
  *p = s;

  return isfinite (*value);
}

/* A number with an optional sign. */
static gboolean
scan_decimal (const char **p,
              double      *value)
{
  const char *s = *p;
  gboolean negative = FALSE;

  if (*s == '-' || *s == '+')
    negative = *s++ == '-';
  if (!scan_number (&s, value))
    return FALSE;
  if (negative)
    *value = -*value;
  *p = s;

  return TRUE;
}

static gboolean
parse_decimal_string (const char *text,
                      double     *value)
{
  const char *p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (!scan_decimal (&p, value))
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;

  return *p == '\0';
}

static void
skip_space (const char **p)
{
  while (g_ascii_isspace (**p))
    (*p)++;
}

/* A hemisphere letter standing alone: "N" but not the N of "North". */
static char
hemisphere_at (const char *p)
{
  char c = g_ascii_toupper (*p);

  if ((c == 'N' || c == 'S' || c == 'E' || c == 'W') && !g_ascii_isalpha (p[1]))
    return c;

  return 0;
}

/* Typographic marks to ASCII: degrees to DEGREE, primes and curly quotes
 * to ' and ". NULL when the text holds anything else outside ASCII. */
static char *
normalize (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case 0x00B0: /* ° */
        case 0x00BA: /* º, typed for a degree */
        case 0x02DA: /* ˚ */
          g_string_append_c (out, DEGREE);
          break;

        case '\'':
        case 0x2032: /* ′ */
        case 0x2019: /* ’ */
        case 0x2018: /* ‘ */
        case 0x00B4: /* ´ */
          /* Two single quotes are a double one (seconds). */
          if (out->len > 0 && out->str[out->len - 1] == '\'')
            out->str[out->len - 1] = '"';
          else
            g_string_append_c (out, '\'');
          break;

        case 0x2033: /* ″ */
        case 0x201D: /* ” */
        case 0x201C: /* “ */
          g_string_append_c (out, '"');
          break;

        case 0x00A0: /* no-break space */
        case 0x2009: /* thin space */
        case 0x202F: /* narrow no-break space */
          g_string_append_c (out, ' ');
          break;

        default:
          if (c >= 0x80 || (c < 0x20 && !g_ascii_isspace (c)))
            {
              g_string_free (out, TRUE);
              return NULL;
            }
          g_string_append_c (out, (char) c);
        }

      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}

/* [H] [±] D [° [M ' [S "]]] [H]: one coordinate. */
static gboolean
parse_component (const char **pp,
                 Component   *component)
{
  const char *p = *pp;
  double degrees, minutes = 0.0, seconds = 0.0;
  gboolean have_minutes = FALSE, have_seconds = FALSE;

  memset (component, 0, sizeof *component);

  skip_space (&p);
  if ((component->hemisphere = hemisphere_at (p)) != 0)
    {
      p++;
      skip_space (&p);
    }
  if (*p == '-' || *p == '+')
    component->negative = *p++ == '-';
  if (!scan_number (&p, &degrees))
    return FALSE;

  skip_space (&p);
  if (*p == DEGREE)
    {
      const char *q;

      p++;
      skip_space (&p);
      q = p;
      if (scan_number (&q, &minutes))
        {
          skip_space (&q);
          if (*q == '\'')
            {
              have_minutes = TRUE;
              p = q + 1;
              skip_space (&p);
              q = p;
              if (scan_number (&q, &seconds))
                {
                  skip_space (&q);
                  if (*q == '"')
                    {
                      have_seconds = TRUE;
                      p = q + 1;
                    }
                }
            }
          else if (*q == '"')
            {
              /* Seconds without minutes. */
              return FALSE;
            }
        }
    }
  else if (*p == '\'' || *p == '"')
    {
      /* Minutes or seconds without degrees. */
      return FALSE;
    }

  /* Minutes only after whole degrees, seconds only after whole minutes,
   * and neither reaching 60. */
  if (have_minutes && (degrees != floor (degrees) || minutes >= 60.0))
    return FALSE;
  if (have_seconds && (minutes != floor (minutes) || seconds >= 60.0))
    return FALSE;
  component->value = degrees + minutes / 60.0 + seconds / 3600.0;

  skip_space (&p);
  if (component->hemisphere == 0 && (component->hemisphere = hemisphere_at (p)) != 0)
    p++;

  /* "S 37" or "37 S" is south already: a sign as well is a mistake. */
  if (component->hemisphere != 0 && component->negative)
    return FALSE;

  *pp = p;
  return TRUE;
}

static gboolean
is_latitude_hemisphere (char hemisphere)
{
  return hemisphere == 'N' || hemisphere == 'S';
}

static double
signed_value (const Component *component)
{
  gboolean negative = component->negative || component->hemisphere == 'S' ||
                      component->hemisphere == 'W';

  return negative ? -component->value : component->value;
}

/* Two coordinates typed as text: decimal or with degrees, minutes and
 * seconds, latitude first unless the letters say otherwise. */
static gboolean
parse_plain (const char *text,
             double     *latitude,
             double     *longitude)
{
  g_autofree char *normal = normalize (text);
  Component a, b;
  const char *p;
  double lat, lon;

  if (normal == NULL)
    return FALSE;

  p = normal;
  if (!parse_component (&p, &a))
    return FALSE;
  /* "37.77.75" is not two numbers. */
  if (p > normal && g_ascii_isdigit (p[-1]) && (*p == '.' || g_ascii_isdigit (*p)))
    return FALSE;
  skip_space (&p);
  if (*p == ',' || *p == ';' || *p == '/')
    p++;
  if (!parse_component (&p, &b))
    return FALSE;
  skip_space (&p);
  if (*p != '\0')
    return FALSE;

  if (a.hemisphere != 0 && b.hemisphere != 0 &&
      is_latitude_hemisphere (a.hemisphere) == is_latitude_hemisphere (b.hemisphere))
    return FALSE;

  if ((a.hemisphere != 0 && !is_latitude_hemisphere (a.hemisphere)) ||
      (b.hemisphere != 0 && is_latitude_hemisphere (b.hemisphere)))
    {
      lat = signed_value (&b);
      lon = signed_value (&a);
    }
  else
    {
      lat = signed_value (&a);
      lon = signed_value (&b);
    }

  if (!in_range (lat, lon))
    return FALSE;

  *latitude = lat;
  *longitude = lon;
  return TRUE;
}

/* "lat,lon" strictly: two signed decimals and a comma (links). @end
 * (nullable) gets where the pair ends; without it the pair must be all. */
static gboolean
parse_pair (const char  *text,
            char         separator,
            double      *latitude,
            double      *longitude,
            const char **end)
{
  const char *p = text;
  double lat, lon;

  if (!scan_decimal (&p, &lat))
    return FALSE;
  if (*p++ != separator)
    return FALSE;
  if (!scan_decimal (&p, &lon))
    return FALSE;
  if (end != NULL)
    *end = p;
  else if (*p != '\0')
    return FALSE;
  if (!in_range (lat, lon))
    return FALSE;

  *latitude = lat;
  *longitude = lon;
  return TRUE;
}

/* geo:LAT,LON[,ALT][;crs=wgs84][;u=UNCERTAINTY][;…][?q=LAT,LON(label)&z=ZOOM] */
static gboolean
parse_geo_uri (const char *text,
               double     *latitude,
               double     *longitude,
               double     *zoom)
{
  g_autofree char *body = g_strdup (text + strlen ("geo:"));
  g_auto(GStrv) params = NULL;
  g_autoptr(GHashTable) query = NULL;
  char *question = strchr (body, '?');
  const char *p;
  double lat, lon, value;
  double q_lat = NAN, q_lon = NAN;

  if (question != NULL)
    {
      const char *q, *z;

      *question = '\0';
      query = g_uri_parse_params (question + 1, -1, "&", G_URI_PARAMS_CASE_INSENSITIVE, NULL);
      if (query == NULL)
        return FALSE;
      /* Android's geo:0,0?q=LAT,LON(label). */
      if ((q = g_hash_table_lookup (query, "q")) != NULL)
        {
          g_autofree char *coords = g_strdup (q);
          char *label = strchr (coords, '(');

          if (label != NULL)
            *label = '\0';
          if (!parse_plain (g_strstrip (coords), &q_lat, &q_lon))
            q_lat = q_lon = NAN;
        }
      if ((z = g_hash_table_lookup (query, "z")) != NULL && zoom != NULL &&
          parse_decimal_string (z, &value) && value >= 0 && value <= 22)
        *zoom = value;
    }

  params = g_strsplit (body, ";", -1);
  if (params[0] == NULL)
    return FALSE;
  p = params[0];
  if (!scan_decimal (&p, &lat) || *p++ != ',' || !scan_decimal (&p, &lon))
    return FALSE;
  /* An altitude is allowed, and says nothing we use. */
  if (*p == ',' && (p++, !scan_decimal (&p, &value)))
    return FALSE;
  if (*p != '\0')
    return FALSE;

  for (guint i = 1; params[i] != NULL; i++)
    {
      char *equals = strchr (params[i], '=');
      g_autofree char *name = g_strndup (params[i], equals != NULL ? (gsize) (equals - params[i])
                                                                   : strlen (params[i]));

      /* Other reference systems (a moon's) are not WGS84 degrees. */
      if (g_ascii_strcasecmp (name, "crs") == 0 &&
          (equals == NULL || g_ascii_strcasecmp (equals + 1, "wgs84") != 0))
        return FALSE;
      if (g_ascii_strcasecmp (name, "u") == 0 &&
          (equals == NULL || !parse_decimal_string (equals + 1, &value) || value < 0))
        return FALSE;
    }

  if (lat == 0.0 && lon == 0.0 && !isnan (q_lat))
    {
      lat = q_lat;
      lon = q_lon;
    }

  if (!in_range (lat, lon))
    return FALSE;

  *latitude = lat;
  *longitude = lon;
  return TRUE;
}

static char *
unescape (const char *text)
{
  char *unescaped;

  if (text == NULL)
    return NULL;
  unescaped = g_uri_unescape_string (text, NULL);

  return unescaped != NULL ? unescaped : g_strdup (text);
}

/* A Google Maps or OpenStreetMap link, or any link that carries
 * coordinates the way they do. The marker a link points at (mlat/mlon,
 * the place's !3d!4d, q=) before the view it opens (@, ll=, #map=). */
static gboolean
parse_link (const char *text,
            double     *latitude,
            double     *longitude,
            double     *zoom)
{
  static const char * const query_names[] = { "q", "query", "daddr", "destination", "ll", "center", "sll" };
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *path = NULL;
  g_autofree char *fragment = NULL;
  const char *value, *lat_text, *lon_text, *at;
  double lat, lon;

  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;

  if (g_uri_get_query (uri) != NULL)
    params = g_uri_parse_params (g_uri_get_query (uri), -1, "&;",
                                 G_URI_PARAMS_CASE_INSENSITIVE | G_URI_PARAMS_WWW_FORM, NULL);
  path = unescape (g_uri_get_path (uri));
  fragment = unescape (g_uri_get_fragment (uri));

  /* OpenStreetMap's marker. */
  if (params != NULL &&
      (lat_text = g_hash_table_lookup (params, "mlat")) != NULL &&
      (lon_text = g_hash_table_lookup (params, "mlon")) != NULL &&
      parse_decimal_string (lat_text, &lat) && parse_decimal_string (lon_text, &lon) &&
      in_range (lat, lon))
    goto found;

  /* Google's place: …/data=!3m1!4b1!4m5!3m4!1s…!8m2!3d37.7775!4d-122.2236 */
  if (path != NULL && (value = strstr (path, "!3d")) != NULL)
    {
      const char *p = value + 3;

      if (scan_decimal (&p, &lat) && g_str_has_prefix (p, "!4d") &&
          (p += 3, scan_decimal (&p, &lon)) && in_range (lat, lon))
        goto found;
    }

  /* ?q=37.7775,-122.2236, ?ll=…, ?query=… (also "loc:37.7,-122.2"). */
  for (guint i = 0; params != NULL && i < G_N_ELEMENTS (query_names); i++)
    if ((value = g_hash_table_lookup (params, query_names[i])) != NULL)
      {
        if (g_str_has_prefix (value, "loc:"))
          value += strlen ("loc:");
        if (parse_plain (value, &lat, &lon))
          goto found_with_zoom_param;
      }

  /* Google's view: …/@37.7775,-122.2236,17z */
  if (path != NULL && (at = strchr (path, '@')) != NULL)
    {
      const char *end;

      if (parse_pair (at + 1, ',', &lat, &lon, &end))
        {
          const char *p = end;
          double z;

          if (*p == ',' && (p++, scan_number (&p, &z)) && *p == 'z' && zoom != NULL)
            *zoom = z;
          goto found;
        }
    }

  /* OpenStreetMap's view: #map=17/37.7775/-122.2236 */
  if (fragment != NULL && (value = strstr (fragment, "map=")) != NULL)
    {
      const char *p = value + strlen ("map=");
      double z;

      if (scan_number (&p, &z) && *p++ == '/' && parse_pair (p, '/', &lat, &lon, &p) &&
          (*p == '\0' || *p == '&'))
        {
          if (zoom != NULL)
            *zoom = z;
          goto found;
        }
    }

  /* Plain ?lat=…&lon=… (or lng). */
  if (params != NULL &&
      (lat_text = g_hash_table_lookup (params, "lat")) != NULL &&
      ((lon_text = g_hash_table_lookup (params, "lon")) != NULL ||
       (lon_text = g_hash_table_lookup (params, "lng")) != NULL) &&
      parse_decimal_string (lat_text, &lat) && parse_decimal_string (lon_text, &lon) &&
      in_range (lat, lon))
    goto found_with_zoom_param;

  return FALSE;

found_with_zoom_param:
  if (zoom != NULL && params != NULL &&
      ((value = g_hash_table_lookup (params, "z")) != NULL ||
       (value = g_hash_table_lookup (params, "zoom")) != NULL))
    {
      double z;

      if (parse_decimal_string (value, &z) && z >= 0 && z <= 22)
        *zoom = z;
    }
found:
  *latitude = lat;
  *longitude = lon;
  return TRUE;
}

static gboolean
has_prefix_nocase (const char *text,
                   const char *prefix)
{
  return g_ascii_strncasecmp (text, prefix, strlen (prefix)) == 0;
}

/* A link pasted without its scheme: "www.google.com/maps/@…". */
static gboolean
is_bare_map_host (const char *text)
{
  static const char * const hosts[] = {
    "www.google.", "google.", "maps.google.", "www.openstreetmap.", "openstreetmap.", "osm.org/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    if (has_prefix_nocase (text, hosts[i]))
      return TRUE;

  return FALSE;
}

gboolean
amap_coordinates_is_link (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  while (g_ascii_isspace (*text))
    text++;

  return has_prefix_nocase (text, "http://") || has_prefix_nocase (text, "https://") ||
         has_prefix_nocase (text, "geo:") || is_bare_map_host (text);
}

gboolean
amap_coordinates_parse (const char *text,
                        double     *latitude,
                        double     *longitude,
                        double     *zoom)
{
  g_autofree char *trimmed = NULL;
  double lat = NAN, lon = NAN, z = NAN;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (latitude != NULL, FALSE);
  g_return_val_if_fail (longitude != NULL, FALSE);

  if (zoom != NULL)
    *zoom = NAN;
  if (strlen (text) > MAX_TEXT)
    return FALSE;

  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    return FALSE;

  if (has_prefix_nocase (trimmed, "geo:"))
    ok = parse_geo_uri (trimmed, &lat, &lon, &z);
  else if (has_prefix_nocase (trimmed, "http://") || has_prefix_nocase (trimmed, "https://"))
    ok = parse_link (trimmed, &lat, &lon, &z);
  else if (is_bare_map_host (trimmed))
    {
      g_autofree char *with_scheme = g_strconcat ("https://", trimmed, NULL);
      ok = parse_link (with_scheme, &lat, &lon, &z);
    }
  else
    ok = parse_plain (trimmed, &lat, &lon);

  if (!ok)
    return FALSE;

  *latitude = lat;
  *longitude = lon;
  if (zoom != NULL)
    *zoom = z;
  return TRUE;
}
