/* amap-kml-reader.c: KML bytes in, assets and messages out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-kml-reader"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <math.h>
#include <string.h>

#include "amap-category.h"
#include "amap-category-guess.h"
#include "amap-error.h"
#include "amap-geometry.h"
#include "amap-kml-reader.h"

/* Caps. libxml2 itself caps nesting at 256 levels without XML_PARSE_HUGE. */
#define DEFAULT_MAX_BYTES      (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)
#define MAX_FIELD_TEXT         (4 * 1024 * 1024)
#define MAX_COORDINATES_TEXT   (64 * 1024 * 1024)
#define MAX_COORDS_PER_PLACEMARK 1000000
#define MAX_EXTRA_FIELDS       1000
#define MAX_STYLES             100000
#define MAX_STYLE_HOPS         4
/* Colors closer than this (RGB distance) to a category's color map to it.
 * Tight on purpose: My Maps' default blue pin must not become a category. */
#define MAX_COLOR_DISTANCE     40.0

typedef enum
{
  NS_KML,
  NS_GX,
  NS_OTHER,
} NsClass;

typedef enum
{
  ROLE_ROOT,
  ROLE_NONE,         /* not interpreted; feature containers inside are */
  ROLE_SKIP,         /* the whole subtree is ignored */
  ROLE_CONTAINER,    /* kml, Document */
  ROLE_FOLDER,
  ROLE_PLACEMARK,
  ROLE_FIELD,        /* text collected; see Frame.field */
  ROLE_DESCRIPTION,
  ROLE_DESCRIPTION_CHILD,
  ROLE_EXTENDED_DATA,
  ROLE_DOC_EXTENDED_DATA,
  ROLE_DATA,
  ROLE_DOC_DATA,
  ROLE_SCHEMA_DATA,
  ROLE_FOREIGN_DATA,
  ROLE_STYLE,
  ROLE_STYLE_MAP,
  ROLE_PAIR,
  ROLE_ICON_STYLE,
  ROLE_ICON,
  ROLE_SCHEMA,
  ROLE_GEOMETRY,     /* Point, LineString, LinearRing, gx:Track */
  ROLE_POLYGON,
  ROLE_BOUNDARY,
  ROLE_MULTI,
  ROLE_XAL,          /* inside xal:AddressDetails */
} Role;

typedef enum
{
  FIELD_NONE,
  FIELD_FOLDER_NAME,
  FIELD_NAME,
  FIELD_ADDRESS,
  FIELD_PHONE,
  FIELD_STYLE_URL,
  FIELD_DATA_VALUE,
  FIELD_DOC_DATA_VALUE,
  FIELD_SIMPLE_DATA,
  FIELD_ALIAS,
  FIELD_PAIR_KEY,
  FIELD_PAIR_STYLE_URL,
  FIELD_ICON_HREF,
  FIELD_ICON_COLOR,
  FIELD_COORDINATES,
  FIELD_GX_COORD,
  FIELD_SCHEMA_NAME,
  FIELD_SCHEMA_PARENT,
  FIELD_XAL_ADDRESS,
} Field;

typedef struct
{
  Role role;
  Field field;
  const char *name;  /* interned in the parser's dictionary */
  guint line;
} Frame;

typedef struct _StyleInfo StyleInfo;
struct _StyleInfo
{
  char *icon_href;
  char *color;          /* "rrggbb", lower case */
  char *normal_url;     /* StyleMap: the normal pair's styleUrl */
  StyleInfo *normal_inline;
};

typedef enum
{
  BUILD_POINT,
  BUILD_LINE,
  BUILD_RING,
  BUILD_TRACK,
  BUILD_POLYGON,
  BUILD_MULTI,
} BuildKind;

typedef struct
{
  BuildKind kind;
  guint line;
  AmapGeometry *geom;   /* POINT/LINE/RING/TRACK: coordinates; MULTI: children */
  AmapGeometry *outer;  /* POLYGON */
  GPtrArray *inners;    /* POLYGON */
  gboolean in_outer;
  gboolean in_inner;
} GeomBuild;

typedef struct
{
  guint line;
  gboolean is_alias;
  char *id;
  char *name;
  char *description_raw;
  char *description_markup;
  gboolean description_has_children;
  char *address;
  char *xal_address;
  char *phone;
  char *style_url;
  StyleInfo *inline_style;
  GPtrArray *fields;    /* alternating key, value: ExtendedData in order */
  AmapGeometry *geometry;
  guint n_coords;
  guint n_bad_tuples;
  gboolean has_model;
  gboolean too_many_coords;
  gboolean text_too_long;
  gboolean too_many_fields;
  guint n_dropped_parts;
  guint n_wrapped;        /* longitudes brought into -180..180 */
  guint wrap_line;        /* the line of the first */
  double wrap_from, wrap_to;
} Placemark;

/* The source ids given out in one document, as 64-bit hashes, each with
 * the last occurrence number used for it: 16 bytes a placemark instead of
 * a string. Two ids whose hashes collide only make the later one get an
 * occurrence suffix it did not need, the same one on every import. */
typedef struct
{
  guint64 hash;           /* 0: an empty slot */
  guint next;             /* the last occurrence number given for it */
} IdSlot;

typedef struct
{
  IdSlot *slots;
  gsize mask;             /* capacity - 1, a power of two minus one */
  gsize n;
} IdSet;

typedef struct
{
  char *key;
  char *name_folded;
  int r, g, b;
  gboolean has_color;
} CategoryInfo;

struct _AmapKmlReader
{
  GObject parent_instance;

  char *file_name;
  char *file_basename;           /* of file_name: the start of source ids */
  char *default_category;
  GArray *categories;            /* CategoryInfo */

  AmapKmlPlacemarkFunc placemark_func;
  AmapKmlMessageFunc message_func;
  gpointer user_data;

  guint64 max_bytes;
  guint64 bytes_read;

  xmlParserCtxtPtr ctxt;
  GError *error;                 /* the first error, stops everything */
  gboolean ended;
  gboolean ended_input;
  gboolean seen_root;
  const char *cur_element;       /* local name of the element being opened */
  const xmlChar *last_uri;       /* the namespace of the last element, */
  NsClass last_ns;               /* and its class: see element_ns() */

  /* The open elements, innermost last. A plain stack: a GArray's append
   * and set_size, once per element, were 2 % of the reading. */
  Frame *frames;
  guint n_frames;
  guint n_frames_alloc;
  GString *text;
  gsize text_cap;
  gboolean text_overflow;
  GString *markup;               /* description with child elements */
  guint description_depth;

  GPtrArray *folders;            /* char *, NULL until the folder's <name> */
  Placemark *placemark;
  GPtrArray *builds;             /* GeomBuild * */

  GHashTable *styles;            /* id -> StyleInfo */
  GHashTable *style_cache;       /* styleUrl -> category key, or a marker */
  GPtrArray *folder_keys;        /* parallel to folders: the category of the
                                  * folder or of the nearest one around it */
  GPtrArray *path_sums;          /* GChecksum: the folder path up to each level */
  guint n_path_sums;             /* how many of path_sums are up to date */
  GArray *folder_serials;        /* parallel to folders: guint, from 1 */
  guint n_folders;               /* Folder elements opened since begin() */
  char *cur_style_id;
  StyleInfo *cur_style;          /* being filled */
  gboolean cur_style_is_inline;  /* owned by a placemark or a pair */
  StyleInfo *cur_map;            /* StyleMap being filled */
  char *pair_key;
  char *pair_url;
  StyleInfo *pair_style;

  char *data_name;               /* Data/@name or SimpleData/@name */
  char *data_value;
  char *schema_name;
  char *schema_parent;
  GHashTable *aliases;           /* old-style Schema names that are Placemarks */

  gboolean is_own_file;
  gboolean private_omitted;      /* ours, written for others */
  gboolean own_description;      /* ours, format 2: <description> is the asset's */
  gboolean card_fields;          /* ours, format 3: stage_name, tag_list, key_leaders */
  guint n_placemarks;
  guint n_skipped;
  gboolean only_blank;           /* nothing but whitespace fed so far */

  IdSet source_ids;              /* given out in this document */
  GHashTable *uuids;             /* uuids seen in this document */
};

G_DEFINE_FINAL_TYPE (AmapKmlReader, amap_kml_reader, G_TYPE_OBJECT)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlParserCtxt, xmlFreeParserCtxt)

/* ExtendedData names of our own files (shared with amap-kml-writer.c). */
static const char * const own_field_names[] = {
  "uuid", "category", "is_hub", "stage", "address", "phone", "email",
  "website", "strengths", "needs", "description", "last_contacted",
  "created", "modified", "tags", "contacts", "interactions", "source_id",
  "folders", "location_source",
  NULL
};

/* Helpers: small things */

/* Format 3's fields for Google Earth's card, each right after the field
 * it shows (amap-kml-writer.c). */
static gboolean
is_card_field (const char *name,
               const char *previous)
{
  static const struct { const char *name, *after; } card_fields[] = {
    { "stage_name", "stage" },
    { "tag_list", "tags" },
    { "key_leaders", "contacts" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (card_fields); i++)
    if (g_str_equal (name, card_fields[i].name))
      return g_strcmp0 (previous, card_fields[i].after) == 0;

  return FALSE;
}

static void
style_info_free (StyleInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->icon_href);
  g_free (info->color);
  g_free (info->normal_url);
  style_info_free (info->normal_inline);
  g_free (info);
}

static void
geom_build_free (GeomBuild *build)
{
  g_clear_pointer (&build->geom, amap_geometry_free);
  g_clear_pointer (&build->outer, amap_geometry_free);
  g_clear_pointer (&build->inners, g_ptr_array_unref);
  g_free (build);
}

static void
placemark_free (Placemark *pm)
{
  if (pm == NULL)
    return;
  g_free (pm->id);
  g_free (pm->name);
  g_free (pm->description_raw);
  g_free (pm->description_markup);
  g_free (pm->address);
  g_free (pm->xal_address);
  g_free (pm->phone);
  g_free (pm->style_url);
  style_info_free (pm->inline_style);
  g_clear_pointer (&pm->fields, g_ptr_array_unref);
  g_clear_pointer (&pm->geometry, amap_geometry_free);
  g_free (pm);
}

static void
category_info_clear (gpointer data)
{
  CategoryInfo *info = data;

  g_free (info->key);
  g_free (info->name_folded);
}

static NsClass
classify_ns (const xmlChar *uri)
{
  const char *u = (const char *) uri;

  if (u == NULL || *u == '\0')
    return NS_KML;
  if (g_str_has_prefix (u, "http://www.opengis.net/kml/") ||
      g_str_has_prefix (u, "https://www.opengis.net/kml/") ||
      g_str_has_prefix (u, "http://earth.google.com/kml/") ||
      g_str_has_prefix (u, "https://earth.google.com/kml/"))
    return NS_KML;
  if (g_str_has_prefix (u, "http://www.google.com/kml/ext/") ||
      g_str_has_prefix (u, "https://www.google.com/kml/ext/"))
    return NS_GX;
  return NS_OTHER;
}

/* The class of an element's namespace. libxml2 hands every element the
 * namespace name from its dictionary, one pointer per name for the life
 * of the parser, so nearly every element repeats the last pointer: that
 * spares four prefix comparisons per element (1.5 % of the reading).
 * The pointer is forgotten with the parser (reset_document_state()). */
static NsClass
element_ns (AmapKmlReader *self,
            const xmlChar *uri)
{
  if (uri == NULL || uri != self->last_uri)
    {
      self->last_uri = uri;
      self->last_ns = classify_ns (uri);
    }
  return self->last_ns;
}

/* Trims and turns "" into NULL; takes ownership. */
static char *
tidy (char *s)
{
  if (s == NULL)
    return NULL;
  g_strstrip (s);
  if (*s == '\0')
    {
      g_free (s);
      return NULL;
    }
  return s;
}

/* tidy (g_strndup (s, len)) without copying the blanks around the text
 * and moving it back over them: most texts are indented element content. */
static char *
tidy_dup (const char *s,
          gsize       len)
{
  const char *end = s + len;

  while (s < end && g_ascii_isspace (*s))
    s++;
  while (end > s && g_ascii_isspace (end[-1]))
    end--;
  if (s == end)
    return NULL;
  return g_strndup (s, end - s);
}

static gboolean
parse_rgb (const char *hex,
           int        *r,
           int        *g,
           int        *b)
{
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return FALSE;

  *r = g_ascii_xdigit_value (hex[0]) * 16 + g_ascii_xdigit_value (hex[1]);
  *g = g_ascii_xdigit_value (hex[2]) * 16 + g_ascii_xdigit_value (hex[3]);
  *b = g_ascii_xdigit_value (hex[4]) * 16 + g_ascii_xdigit_value (hex[5]);
  return TRUE;
}

/* KML colors are "aabbggrr"; returns "rrggbb" or NULL. */
static char *
kml_color_to_rgb (const char *kml)
{
  gsize len = strlen (kml);

  if (len != 8)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (kml[i]))
      return NULL;

  return g_ascii_strdown ((char[]) { kml[6], kml[7], kml[4], kml[5], kml[2], kml[3], 0 }, -1);
}

/* Messages */

static void
emit_message (AmapKmlReader         *self,
              AmapImportMessageKind  kind,
              guint                  line,
              const char            *format,
              ...) G_GNUC_PRINTF (4, 5);

static void
emit_message (AmapKmlReader         *self,
              AmapImportMessageKind  kind,
              guint                  line,
              const char            *format,
              ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (self->message_func == NULL)
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  self->message_func (self, kind, line, text, self->user_data);
}

static guint
current_line (AmapKmlReader *self)
{
  return self->ctxt != NULL ? (guint) MAX (xmlSAX2GetLineNumber (self->ctxt), 0) : 0;
}

/* Stops the parser with @error (the first one wins). */
static void
fail (AmapKmlReader *self,
      GError        *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);

  if (self->ctxt != NULL)
    xmlStopParser (self->ctxt);
}

static const char *
placemark_label (Placemark *pm)
{
  return pm->name != NULL ? pm->name : _("unnamed placemark");
}

/* Categories */

static const char *
category_known (AmapKmlReader *self,
                const char    *key)
{
  if (key == NULL)
    return NULL;

  for (guint i = 0; i < self->categories->len; i++)
    {
      CategoryInfo *info = &g_array_index (self->categories, CategoryInfo, i);
      if (g_str_equal (info->key, key))
        return info->key;
    }
  return NULL;
}

static const char *
category_from_words (AmapKmlReader *self,
                     const char    *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return NULL;

  folded = g_utf8_casefold (text, -1);

  /* A category's own name or key, e.g. a folder our writer made. */
  for (guint i = 0; i < self->categories->len; i++)
    {
      CategoryInfo *info = &g_array_index (self->categories, CategoryInfo, i);

      if (g_str_equal (folded, info->name_folded) || g_str_equal (folded, info->key))
        return info->key;
    }

  /* Whole words in English or Spanish, never a street's name. */
  return category_known (self, amap_category_guess (text));
}

static const char *
category_from_color (AmapKmlReader *self,
                     const char    *rgb)
{
  const char *best = NULL;
  double best_distance = MAX_COLOR_DISTANCE;
  int r, g, b;

  if (rgb == NULL || !parse_rgb (rgb, &r, &g, &b))
    return NULL;

  for (guint i = 0; i < self->categories->len; i++)
    {
      CategoryInfo *info = &g_array_index (self->categories, CategoryInfo, i);
      double d;

      if (!info->has_color)
        continue;
      d = sqrt ((double) (r - info->r) * (r - info->r) +
                (double) (g - info->g) * (g - info->g) +
                (double) (b - info->b) * (b - info->b));
      if (d <= best_distance)
        {
          best_distance = d;
          best = info->key;
        }
    }

  return best;
}

/* "icon-1899-0288D1" (Google My Maps), possibly with "-normal",
 * "-highlight" or "-nodesc" after it: the color part. */
static char *
my_maps_icon_color (const char *id)
{
  const char *p;

  if (!g_str_has_prefix (id, "icon-"))
    return NULL;
  p = id + strlen ("icon-");
  while (g_ascii_isdigit (*p))
    p++;
  if (p == id + strlen ("icon-") || *p != '-')
    return NULL;
  p++;
  if (strlen (p) < 6)
    return NULL;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isxdigit (p[i]))
      return NULL;
  if (p[6] != '\0' && p[6] != '-')
    return NULL;

  return g_ascii_strdown (p, 6);
}

static const char *
category_from_style_info (AmapKmlReader *self,
                          StyleInfo     *info)
{
  const char *key;

  if (info == NULL)
    return NULL;
  if ((key = category_from_words (self, info->icon_href)) != NULL)
    return key;
  return category_from_color (self, info->color);
}

/* What the id alone says (My Maps ids carry the icon color). */
static const char *
category_from_style_id (AmapKmlReader *self,
                        const char    *id)
{
  g_autofree char *color = NULL;
  const char *key;

  if ((color = my_maps_icon_color (id)) != NULL &&
      (key = category_from_color (self, color)) != NULL)
    return key;

  /* Style ids like "churchStyle" or "sn_school". Our own ids are
   * "cat-KEY" and "hub-KEY" and are found by key. */
  if (g_str_has_prefix (id, "cat-") && (key = category_known (self, id + strlen ("cat-"))) != NULL)
    return key;
  if (g_str_has_prefix (id, "hub-") && (key = category_known (self, id + strlen ("hub-"))) != NULL)
    return key;

  return category_from_words (self, id);
}

/* Resolves @url through styles and style maps. Sets @pending when a local
 * style that is not defined (yet) is referenced. */
static const char *
category_from_style_url (AmapKmlReader *self,
                         const char    *url,
                         gboolean      *pending)
{
  const char *key = NULL;

  for (int hop = 0; url != NULL && hop < MAX_STYLE_HOPS; hop++)
    {
      const char *hash = strchr (url, '#');
      StyleInfo *info;

      if (hash == NULL || hash != url)
        {
          /* A style in another file: never fetched; its name may still
           * say something. */
          return category_from_words (self, hash != NULL ? hash + 1 : url);
        }

      info = g_hash_table_lookup (self->styles, hash + 1);
      if (info == NULL)
        {
          key = category_from_style_id (self, hash + 1);
          if (key == NULL && pending != NULL)
            *pending = TRUE;
          return key;
        }

      if ((key = category_from_style_info (self, info)) != NULL)
        return key;
      if (info->normal_inline != NULL &&
          (key = category_from_style_info (self, info->normal_inline)) != NULL)
        return key;
      if ((key = category_from_style_id (self, hash + 1)) != NULL)
        return key;

      url = info->normal_url;
    }

  return NULL;
}

/* Placemarks by the thousand share a few styleUrls: remember what each
 * resolves to until a style is added. */
static const char cache_none[] = "none";
static const char cache_pending[] = "pending";

static const char *
category_from_style_url_cached (AmapKmlReader *self,
                                const char    *url,
                                gboolean      *pending)
{
  const char *cached = g_hash_table_lookup (self->style_cache, url);
  const char *key;
  gboolean is_pending = FALSE;

  if (cached == NULL)
    {
      key = category_from_style_url (self, url, &is_pending);
      cached = key != NULL ? key : (is_pending ? cache_pending : cache_none);
      if (g_hash_table_size (self->style_cache) < 10000)
        g_hash_table_insert (self->style_cache, g_strdup (url), (gpointer) cached);
    }

  if (cached == cache_pending)
    {
      *pending = TRUE;
      return NULL;
    }
  return cached == cache_none ? NULL : cached;
}

/* Frames and text */

static Frame *
top_frame (AmapKmlReader *self)
{
  if (self->n_frames == 0)
    return NULL;
  return &self->frames[self->n_frames - 1];
}

static void
push_frame (AmapKmlReader *self,
            Role           role,
            Field          field)
{
  Frame frame = { role, field, self->cur_element, current_line (self) };

  if (self->n_frames == self->n_frames_alloc)
    {
      self->n_frames_alloc = MAX (32, 2 * self->n_frames_alloc);
      self->frames = g_renew (Frame, self->frames, self->n_frames_alloc);
    }
  self->frames[self->n_frames++] = frame;
}

static void
start_text (AmapKmlReader *self,
            gsize          cap)
{
  g_string_truncate (self->text, 0);
  self->text_cap = cap;
  self->text_overflow = FALSE;
}

static void
append_text (AmapKmlReader *self,
             const char    *data,
             gsize          len)
{
  if (self->text_overflow)
    return;
  if (self->text->len + len > self->text_cap)
    {
      self->text_overflow = TRUE;
      return;
    }
  g_string_append_len (self->text, data, len);
}

static char *
take_text (AmapKmlReader *self)
{
  if (self->text_overflow)
    {
      if (self->placemark != NULL)
        self->placemark->text_too_long = TRUE;
      else
        emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, current_line (self),
                      _("A text longer than %u bytes was ignored"),
                      (guint) self->text_cap);
      return NULL;
    }
  return tidy_dup (self->text->str, self->text->len);
}

static void
append_escaped (GString    *str,
                const char *text,
                gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      switch (text[i])
        {
        case '&': g_string_append (str, "&amp;"); break;
        case '<': g_string_append (str, "&lt;"); break;
        case '>': g_string_append (str, "&gt;"); break;
        case '"': g_string_append (str, "&quot;"); break;
        default: g_string_append_c (str, text[i]); break;
        }
    }
}

/* Coordinates */

/*
 * "-122.494046": at most 18 digits, a point, no exponent, mantissa up to
 * 2^53. Then mantissa and power of ten are exact doubles and one
 * division (correctly rounded) gives what strtod() gives (Clinger's fast
 * path), without copying the field and without g_ascii_strtod()'s
 * locale handling. FALSE for anything else.
 */
static gboolean
parse_simple_decimal (const char *field,
                      gsize       len,
                      double     *value)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  };
  const char *p = field, *end = field + len;
  gboolean negative = FALSE, point = FALSE;
  guint64 mantissa = 0;
  guint n_digits = 0, n_fraction = 0;

  if (p < end && (*p == '-' || *p == '+'))
    negative = *p++ == '-';
  for (; p < end; p++)
    {
      if (*p >= '0' && *p <= '9')
        {
          if (++n_digits > 18)
            return FALSE;
          mantissa = mantissa * 10 + (guint64) (*p - '0');
          n_fraction += point;
        }
      else if (*p == '.' && !point)
        point = TRUE;
      else
        return FALSE;
    }
  if (n_digits == 0 || mantissa > (G_GUINT64_CONSTANT (1) << 53))
    return FALSE;

  *value = (double) mantissa / powers[n_fraction];
  if (negative)
    *value = -*value;
  return TRUE;
}

static gboolean
parse_number_field (const char *field,
                    gsize       len,
                    double     *value)
{
  char buf[64];
  char *end = NULL;

  if (parse_simple_decimal (field, len, value))
    return TRUE;

  if (len == 0 || len >= sizeof buf)
    return FALSE;
  if (!(g_ascii_isdigit (field[0]) || field[0] == '-' || field[0] == '+' || field[0] == '.'))
    return FALSE;

  memcpy (buf, field, len);
  buf[len] = '\0';
  *value = g_ascii_strtod (buf, &end);

  return end == buf + len && isfinite (*value) && strpbrk (buf, "xXnN") == NULL;
}

/*
 * Longitudes past ±180 (some tools write 0..360) are wrapped into range,
 * as Google Earth shows them, with a warning naming the line: the
 * placemark and its data are kept. Latitudes are never wrapped; one
 * outside ±90 skips its placemark (this also refuses the metres of a
 * projected coordinate system, whose northings are far beyond 90).
 */
static gboolean
add_coord_checked (AmapKmlReader *self,
                   AmapGeometry  *into,
                   double         lon,
                   double         lat,
                   double         alt,
                   guint          line)
{
  Placemark *pm = self->placemark;

  if (pm->n_coords >= MAX_COORDS_PER_PLACEMARK)
    {
      pm->too_many_coords = TRUE;
      return FALSE;
    }
  pm->n_coords++;

  if (lon < -180.0 || lon > 180.0)
    {
      double wrapped = fmod (lon + 180.0, 360.0);

      if (wrapped < 0)
        wrapped += 360.0;
      wrapped -= 180.0;
      if (pm->n_wrapped++ == 0)
        {
          pm->wrap_line = line;
          pm->wrap_from = lon;
          pm->wrap_to = wrapped;
        }
      lon = wrapped;
    }
  amap_geometry_add_coord (into, lon, lat, alt);
  return TRUE;
}

/*
 * "lon,lat[,alt]" tuples separated by whitespace; whitespace around commas
 * is tolerated ("1, 2, 3"). A run of 3n values with no whitespace between
 * tuples ("1,2,3,4,5,6", as Google Earth reads it) becomes n tuples; a
 * fourth value is dropped. Longitude and latitude must be numbers; a bad
 * altitude is dropped. Bad tuples are reported and left out.
 */
static void
parse_coordinates (AmapKmlReader *self,
                   const char    *text,
                   AmapGeometry  *into,
                   guint          line)
{
  const char *p = text;
  gboolean warned_joined = FALSE, warned_extra = FALSE, warned_alt = FALSE;
  guint n_bad = 0;
  g_autofree char *first_bad = NULL;

  while (TRUE)
    {
      const char *fields[64];
      gsize lens[64];
      guint n = 0;
      gboolean too_many = FALSE;
      const char *token_start;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      token_start = p;
      while (TRUE)
        {
          const char *start = p;
          const char *q;

          while (*p != '\0' && *p != ',' && !g_ascii_isspace (*p))
            p++;
          if (n < G_N_ELEMENTS (fields))
            {
              fields[n] = start;
              lens[n] = p - start;
              n++;
            }
          else
            too_many = TRUE;

          q = p;
          while (g_ascii_isspace (*q))
            q++;
          if (*q == ',')
            {
              p = q + 1;
              while (g_ascii_isspace (*p))
                p++;
              continue;
            }
          break;
        }

      if (!too_many && (n == 2 || n == 3 || n == 4 || (n > 4 && n % 3 == 0)))
        {
          guint step = (n > 4) ? 3 : n;

          for (guint i = 0; i + 1 < n; i += step)
            {
              double lon, lat, alt = NAN;

              if (!parse_number_field (fields[i], lens[i], &lon) ||
                  !parse_number_field (fields[i + 1], lens[i + 1], &lat))
                {
                  if (n_bad++ == 0)
                    first_bad = g_strndup (token_start, MIN ((gsize) (p - token_start), 40));
                  continue;
                }
              if (n > 4 && !warned_joined)
                {
                  emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line,
                                _("“%s”: coordinate tuples are not separated by spaces; read as groups of three"),
                                placemark_label (self->placemark));
                  warned_joined = TRUE;
                }
              if (n == 4 && !warned_extra)
                {
                  emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line,
                                _("“%s”: a fourth coordinate value was ignored"),
                                placemark_label (self->placemark));
                  warned_extra = TRUE;
                }
              if (step >= 3 && i + 2 < n && !parse_number_field (fields[i + 2], lens[i + 2], &alt))
                {
                  alt = NAN;
                  if (!warned_alt)
                    {
                      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line,
                                    _("“%s”: an altitude that is not a number was ignored"),
                                    placemark_label (self->placemark));
                      warned_alt = TRUE;
                    }
                }
              if (!add_coord_checked (self, into, lon, lat, alt, line))
                return;
            }
        }
      else
        {
          if (n_bad++ == 0)
            first_bad = g_strndup (token_start, MIN ((gsize) (p - token_start), 40));
        }
    }

  self->placemark->n_bad_tuples += n_bad;
  if (n_bad > 0)
    emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line,
                  g_dngettext (GETTEXT_PACKAGE,
                               "“%s”: %u coordinate tuple is not “longitude,latitude” and was left out (“%s”)",
                               "“%s”: %u coordinate tuples are not “longitude,latitude” and were left out (first: “%s”)",
                               n_bad),
                  placemark_label (self->placemark), n_bad, first_bad);
}

/* gx:coord: "lon lat alt" separated by spaces. */
static void
parse_gx_coord (AmapKmlReader *self,
                const char    *text,
                AmapGeometry  *into,
                guint          line)
{
  g_auto(GStrv) parts = g_strsplit_set (text, " \t\r\n", -1);
  double v[3] = { NAN, NAN, NAN };
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (n >= 3 || !parse_number_field (parts[i], strlen (parts[i]), &v[n]))
        {
          if (n < 2)
            {
              emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line,
                            _("“%s”: a track point that is not “longitude latitude altitude” was left out"),
                            placemark_label (self->placemark));
              return;
            }
          break;
        }
      n++;
    }

  if (n < 2)
    {
      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line,
                    _("“%s”: a track point that is not “longitude latitude altitude” was left out"),
                    placemark_label (self->placemark));
      return;
    }

  add_coord_checked (self, into, v[0], v[1], v[2], line);
}

/* Geometry building */

static gboolean
coords_equal_2d (const AmapCoord *a,
                 const AmapCoord *b)
{
  return a->lon == b->lon && a->lat == b->lat;
}

/* Makes a LINE_STRING of 1 coordinate a POINT (Google Earth shows such a
 * line as a point). Takes ownership. */
static AmapGeometry *
degrade_line (AmapKmlReader *self,
              AmapGeometry  *line,
              guint          line_no)
{
  guint n = amap_geometry_get_n_coords (line);

  if (n == 0)
    {
      amap_geometry_free (line);
      return NULL;
    }
  if (n == 1)
    {
      const AmapCoord *c = amap_geometry_get_coords (line);
      AmapGeometry *point = amap_geometry_new_point (c->lon, c->lat, c->alt);

      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line_no,
                    _("“%s”: a line with a single point was read as a point"),
                    placemark_label (self->placemark));
      amap_geometry_free (line);
      return point;
    }
  return line;
}

/* Closes a ring when needed. Returns NULL (and frees) when it cannot
 * make a polygon boundary. */
static AmapGeometry *
fix_ring (AmapKmlReader *self,
          AmapGeometry  *ring,
          guint          line_no)
{
  guint n = amap_geometry_get_n_coords (ring);
  const AmapCoord *c = amap_geometry_get_coords (ring);

  if (n >= 3 && !coords_equal_2d (&c[0], &c[n - 1]))
    {
      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, line_no,
                    _("“%s”: a polygon boundary that did not end where it starts was closed"),
                    placemark_label (self->placemark));
      amap_geometry_add_coord (ring, c[0].lon, c[0].lat, c[0].alt);
      n++;
    }

  if (n < 4)
    {
      amap_geometry_free (ring);
      return NULL;
    }
  return ring;
}

static void attach_geometry (AmapKmlReader *self,
                             AmapGeometry  *geom,
                             gboolean       is_ring);

static AmapGeometry *
finish_polygon (AmapKmlReader *self,
                GeomBuild     *build)
{
  AmapGeometry *outer = g_steal_pointer (&build->outer);
  AmapGeometry *polygon;
  guint n;

  if (outer == NULL)
    {
      self->placemark->n_dropped_parts++;
      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, build->line,
                    _("“%s”: a polygon without an outer boundary was left out"),
                    placemark_label (self->placemark));
      return NULL;
    }

  n = amap_geometry_get_n_coords (outer);
  if (n < 3 || (n == 3 && coords_equal_2d (&amap_geometry_get_coords (outer)[0],
                                           &amap_geometry_get_coords (outer)[2])))
    {
      /* Too few points for an area: keep it as a line or point. */
      if (n == 3)
        {
          AmapGeometry *line = amap_geometry_new (AMAP_GEOMETRY_LINE_STRING);
          const AmapCoord *c = amap_geometry_get_coords (outer);

          amap_geometry_add_coord (line, c[0].lon, c[0].lat, c[0].alt);
          amap_geometry_add_coord (line, c[1].lon, c[1].lat, c[1].alt);
          amap_geometry_free (outer);
          outer = line;
        }
      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, build->line,
                    _("“%s”: a polygon with fewer than three corners was read as a line or point"),
                    placemark_label (self->placemark));
      return degrade_line (self, outer, build->line);
    }

  outer = fix_ring (self, outer, build->line);
  g_assert (outer != NULL);

  polygon = amap_geometry_new (AMAP_GEOMETRY_POLYGON);
  amap_geometry_add_child (polygon, outer);
  for (guint i = 0; build->inners != NULL && i < build->inners->len; i++)
    {
      AmapGeometry *inner = g_ptr_array_steal_index (build->inners, i--);

      inner = fix_ring (self, inner, build->line);
      if (inner == NULL)
        {
          emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, build->line,
                        _("“%s”: a hole with fewer than three corners was left out"),
                        placemark_label (self->placemark));
          continue;
        }
      amap_geometry_add_child (polygon, inner);
    }

  return polygon;
}

static void
geom_start (AmapKmlReader *self,
            BuildKind      kind)
{
  GeomBuild *build = g_new0 (GeomBuild, 1);

  build->kind = kind;
  build->line = current_line (self);
  switch (kind)
    {
    case BUILD_POINT:
      build->geom = amap_geometry_new (AMAP_GEOMETRY_POINT);
      break;
    case BUILD_LINE:
    case BUILD_RING:
    case BUILD_TRACK:
      build->geom = amap_geometry_new (AMAP_GEOMETRY_LINE_STRING);
      break;
    case BUILD_POLYGON:
      build->inners = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_geometry_free);
      break;
    case BUILD_MULTI:
      build->geom = amap_geometry_new (AMAP_GEOMETRY_COLLECTION);
      break;
    default:
      g_assert_not_reached ();
    }

  g_ptr_array_add (self->builds, build);
}

static void
geom_end (AmapKmlReader *self)
{
  GeomBuild *build;
  AmapGeometry *geom = NULL;
  gboolean is_ring = FALSE;

  g_assert (self->builds->len > 0);
  build = g_ptr_array_steal_index (self->builds, self->builds->len - 1);

  switch (build->kind)
    {
    case BUILD_POINT:
      geom = g_steal_pointer (&build->geom);
      if (amap_geometry_get_n_coords (geom) == 0)
        {
          g_clear_pointer (&geom, amap_geometry_free);
        }
      else if (amap_geometry_get_n_coords (geom) > 1)
        {
          const AmapCoord *c = amap_geometry_get_coords (geom);
          AmapGeometry *point = amap_geometry_new_point (c->lon, c->lat, c->alt);

          emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, build->line,
                        _("“%s”: a point with several coordinates kept the first"),
                        placemark_label (self->placemark));
          amap_geometry_free (geom);
          geom = point;
        }
      break;

    case BUILD_RING:
      if (self->builds->len > 0 &&
          ((GeomBuild *) g_ptr_array_index (self->builds, self->builds->len - 1))->kind == BUILD_POLYGON)
        {
          geom = g_steal_pointer (&build->geom);
          is_ring = TRUE;
          break;
        }
      G_GNUC_FALLTHROUGH;
    case BUILD_LINE:
    case BUILD_TRACK:
      geom = degrade_line (self, g_steal_pointer (&build->geom), build->line);
      break;

    case BUILD_POLYGON:
      geom = finish_polygon (self, build);
      break;

    case BUILD_MULTI:
      geom = g_steal_pointer (&build->geom);
      if (amap_geometry_get_n_children (geom) == 0)
        g_clear_pointer (&geom, amap_geometry_free);
      break;

    default:
      g_assert_not_reached ();
    }

  geom_build_free (build);

  if (geom != NULL)
    attach_geometry (self, geom, is_ring);
}

static void
attach_geometry (AmapKmlReader *self,
                 AmapGeometry  *geom,
                 gboolean       is_ring)
{
  Placemark *pm = self->placemark;

  if (self->builds->len > 0)
    {
      GeomBuild *parent = g_ptr_array_index (self->builds, self->builds->len - 1);

      if (parent->kind == BUILD_POLYGON && is_ring)
        {
          if (parent->in_outer && parent->outer == NULL)
            {
              parent->outer = geom;
              return;
            }
          if (parent->in_inner)
            {
              g_ptr_array_add (parent->inners, geom);
              return;
            }
          amap_geometry_free (geom);
          return;
        }
      if (parent->kind == BUILD_MULTI)
        {
          amap_geometry_add_child (parent->geom, geom);
          return;
        }
      amap_geometry_free (geom);
      return;
    }

  if (pm->geometry == NULL)
    {
      pm->geometry = geom;
    }
  else
    {
      /* Two geometries in one placemark (not valid KML): keep both. */
      if (amap_geometry_get_kind (pm->geometry) != AMAP_GEOMETRY_COLLECTION)
        {
          AmapGeometry *collection = amap_geometry_new (AMAP_GEOMETRY_COLLECTION);

          amap_geometry_add_child (collection, pm->geometry);
          pm->geometry = collection;
        }
      amap_geometry_add_child (pm->geometry, geom);
    }
}

/* Descriptions: HTML to readable text */

static void
append_entity (GString    *out,
               const char *entity,
               gsize       len)
{
  static const struct { const char *name; const char *text; } named[] = {
    { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
    { "apos", "'" }, { "nbsp", " " },
  };

  if (len > 1 && entity[0] == '#')
    {
      gunichar c;
      char *end;

      if (entity[1] == 'x' || entity[1] == 'X')
        c = (gunichar) g_ascii_strtoull (entity + 2, &end, 16);
      else
        c = (gunichar) g_ascii_strtoull (entity + 1, &end, 10);
      if (end == entity + len && g_unichar_validate (c) && c != 0)
        {
          g_string_append_unichar (out, c);
          return;
        }
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (named); i++)
        if (strlen (named[i].name) == len && strncmp (entity, named[i].name, len) == 0)
          {
            g_string_append (out, named[i].text);
            return;
          }
    }

  g_string_append_c (out, '&');
  g_string_append_len (out, entity, len);
  g_string_append_c (out, ';');
}

static gboolean
is_block_tag (const char *name,
              gsize       len)
{
  static const char * const blocks[] = {
    "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "table", "hr", "dt", "dd", "blockquote",
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    if (strlen (blocks[i]) == len && g_ascii_strncasecmp (name, blocks[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* A character of html_to_text()'s input that it copies as it is. */
static inline gboolean
is_plain_text (char c)
{
  return c != '\0' && c != '<' && c != '&' && !g_ascii_isspace (c);
}

/* Strips tags, decodes entities, turns block elements into line breaks and
 * collapses blanks. The result is plain text, never markup. */
static char *
html_to_text (const char *html)
{
  GString *out = g_string_sized_new (strlen (html));
  const char *p = html;
  gboolean pending_space = FALSE;
  gboolean skipping = FALSE;   /* inside <script> or <style> */

  while (*p != '\0')
    {
      if (*p == '<' && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!'))
        {
          const char *name = p + 1 + (p[1] == '/');
          const char *end = strchr (p, '>');
          gsize name_len = 0;

          if (end == NULL)
            break;
          while (g_ascii_isalnum (name[name_len]))
            name_len++;

          if (name_len == 6 && g_ascii_strncasecmp (name, "script", 6) == 0)
            skipping = p[1] != '/';
          else if (name_len == 5 && g_ascii_strncasecmp (name, "style", 5) == 0)
            skipping = p[1] != '/';
          else if (is_block_tag (name, name_len) &&
                   !(p[1] == '/' && name_len == 2 && g_ascii_strncasecmp (name, "br", 2) == 0))
            {
              while (out->len > 0 && out->str[out->len - 1] == ' ')
                g_string_truncate (out, out->len - 1);
              if (out->len > 0 && !(out->len >= 2 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n'))
                g_string_append_c (out, '\n');
              pending_space = FALSE;
            }
          p = end + 1;
          continue;
        }

      if (skipping)
        {
          p++;
          continue;
        }

      if (g_ascii_isspace (*p))
        {
          pending_space = TRUE;
          p++;
          continue;
        }

      if (pending_space && out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, ' ');
      pending_space = FALSE;

      if (*p == '&')
        {
          const char *semi = p + 1;

          while (*semi != '\0' && *semi != ';' && semi - p < 12 && (g_ascii_isalnum (*semi) || *semi == '#'))
            semi++;
          if (*semi == ';')
            {
              append_entity (out, p + 1, semi - p - 1);
              p = semi + 1;
              continue;
            }
        }

      /* This character and the plain ones after it go in one copy: most
       * of a description is words between the tags. */
      {
        const char *run = p++;

        /* A single space between two plain characters is what the
         * collapsing above would write for it, so it joins the run. */
        while (TRUE)
          {
            if (is_plain_text (*p))
              p++;
            else if (*p == ' ' && is_plain_text (p[1]))
              p += 2;
            else
              break;
          }
        g_string_append_len (out, run, p - run);
      }
    }

  return tidy (g_string_free (out, FALSE));
}

static gboolean
looks_like_html (const char *text)
{
  for (const char *p = strchr (text, '<'); p != NULL; p = strchr (p + 1, '<'))
    if ((g_ascii_isalpha (p[1]) || (p[1] == '/' && g_ascii_isalpha (p[2]))) && strchr (p, '>') != NULL)
      return TRUE;
  return strstr (text, "&amp;") != NULL || strstr (text, "&nbsp;") != NULL || strstr (text, "&#") != NULL;
}

/* Own fields */

static gboolean
is_own_field (const char *name)
{
  /* Asked for every data field of every placemark: the first byte rules
   * out most names before a comparison, and all of ours are lowercase
   * while a spreadsheet's columns mostly are not. */
  if (!g_ascii_islower (name[0]))
    return FALSE;
  for (guint i = 0; own_field_names[i] != NULL; i++)
    if (own_field_names[i][0] == name[0] && strcmp (own_field_names[i], name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_bool (const char *value,
            gboolean   *out)
{
  if (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1"))
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0 || g_str_equal (value, "0"))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_timestamp (const char *value,
                 gint64     *out)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  dt = g_date_time_new_from_iso8601 (value, utc);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

static JsonNode *
parse_json_array (const char *value)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, value, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  return json_node_copy (root);
}

static const char *
json_member_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

typedef void (*SetStringsFunc) (AmapAsset          *asset,
                                const char * const *strings);

/* @value, a JSON array of strings (what our writer puts in "tags" and
 * "folders"), handed to @set; FALSE when it is anything else. */
static gboolean
apply_string_array (AmapAsset      *asset,
                    const char     *value,
                    SetStringsFunc  set)
{
  g_autoptr(JsonNode) root = parse_json_array (value);
  g_autoptr(GPtrArray) strings = NULL;
  JsonArray *array;

  if (root == NULL)
    return FALSE;
  array = json_node_get_array (root);
  strings = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return FALSE;
      g_ptr_array_add (strings, (gpointer) json_node_get_string (node));
    }
  g_ptr_array_add (strings, NULL);
  set (asset, (const char * const *) strings->pdata);
  return TRUE;
}

static gboolean
apply_tags (AmapAsset  *asset,
            const char *value)
{
  return apply_string_array (asset, value, amap_asset_set_tags);
}

/* "folders": the JSON array of folder names our writer puts there. */
static gboolean
apply_folders (AmapAsset  *asset,
               const char *value)
{
  return apply_string_array (asset, value, amap_asset_set_folders);
}

static gboolean
apply_contacts (AmapAsset  *asset,
                const char *value)
{
  g_autoptr(JsonNode) root = parse_json_array (value);
  g_autoptr(GPtrArray) contacts = NULL;
  JsonArray *array;

  if (root == NULL)
    return FALSE;
  array = json_node_get_array (root);
  contacts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      AmapContact *contact;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      object = json_node_get_object (node);
      if (json_member_string (object, "name") == NULL)
        return FALSE;

      contact = amap_contact_new (json_member_string (object, "name"));
      amap_contact_set_role (contact, json_member_string (object, "role"));
      amap_contact_set_phone (contact, json_member_string (object, "phone"));
      amap_contact_set_email (contact, json_member_string (object, "email"));
      amap_contact_set_language (contact, json_member_string (object, "language"));
      amap_contact_set_notes (contact, json_member_string (object, "notes"));
      g_ptr_array_add (contacts, contact);
    }

  for (guint i = 0; i < contacts->len; i++)
    amap_asset_add_contact (asset, g_ptr_array_index (contacts, i));
  return TRUE;
}

static gboolean
apply_interactions (AmapAsset  *asset,
                    const char *value)
{
  g_autoptr(JsonNode) root = parse_json_array (value);
  g_autoptr(GPtrArray) interactions = NULL;
  JsonArray *array;

  if (root == NULL)
    return FALSE;
  array = json_node_get_array (root);
  interactions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      AmapInteractionKind kind;
      const char *date;
      const char *kind_str;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      object = json_node_get_object (node);
      date = json_member_string (object, "date");
      kind_str = json_member_string (object, "kind");
      if (date == NULL || !amap_date_is_valid (date) ||
          kind_str == NULL || !amap_interaction_kind_from_string (kind_str, &kind))
        return FALSE;

      g_ptr_array_add (interactions,
                       amap_interaction_new (date, kind, json_member_string (object, "notes")));
    }

  for (guint i = 0; i < interactions->len; i++)
    amap_asset_add_interaction (asset, g_ptr_array_index (interactions, i));
  return TRUE;
}

/* Applies one of our own fields; FALSE when the value is not valid (the
 * caller keeps it as an extra field and warns). */
static gboolean
apply_own_field (AmapKmlReader *self,
                 AmapAsset     *asset,
                 const char    *name,
                 const char    *value,
                 const char   **category)
{
  if (g_str_equal (name, "uuid"))
    {
      if (!g_uuid_string_is_valid (value))
        return FALSE;
      amap_asset_set_uuid (asset, value);
    }
  else if (g_str_equal (name, "category"))
    {
      const char *key = category_known (self, value);
      if (key == NULL)
        return FALSE;
      *category = key;
    }
  else if (g_str_equal (name, "is_hub"))
    {
      gboolean hub;
      if (!parse_bool (value, &hub))
        return FALSE;
      amap_asset_set_is_hub (asset, hub);
    }
  else if (g_str_equal (name, "stage"))
    {
      AmapStage stage;
      if (!amap_stage_from_string (value, &stage))
        return FALSE;
      amap_asset_set_stage (asset, stage);
    }
  else if (g_str_equal (name, "address"))
    amap_asset_set_address (asset, value);
  else if (g_str_equal (name, "phone"))
    amap_asset_set_phone (asset, value);
  else if (g_str_equal (name, "email"))
    amap_asset_set_email (asset, value);
  else if (g_str_equal (name, "website"))
    amap_asset_set_website (asset, value);
  else if (g_str_equal (name, "strengths"))
    amap_asset_set_strengths (asset, value);
  else if (g_str_equal (name, "needs"))
    amap_asset_set_needs (asset, value);
  else if (g_str_equal (name, "description"))
    amap_asset_set_description (asset, value);
  else if (g_str_equal (name, "last_contacted"))
    {
      if (!amap_date_is_valid (value))
        return FALSE;
      amap_asset_set_last_contacted (asset, value);
    }
  else if (g_str_equal (name, "created") || g_str_equal (name, "modified"))
    {
      gint64 t;
      if (!parse_timestamp (value, &t))
        return FALSE;
      if (name[0] == 'c')
        amap_asset_set_created (asset, t);
      else
        amap_asset_set_modified (asset, t);
    }
  else if (g_str_equal (name, "tags"))
    return apply_tags (asset, value);
  else if (g_str_equal (name, "contacts"))
    return apply_contacts (asset, value);
  else if (g_str_equal (name, "interactions"))
    return apply_interactions (asset, value);
  else if (g_str_equal (name, "source_id"))
    amap_asset_set_source_id (asset, value);
  else if (g_str_equal (name, "folders"))
    return apply_folders (asset, value);
  else if (g_str_equal (name, "location_source"))
    {
      AmapLocationSource source;
      if (!amap_location_source_from_string (value, &source))
        return FALSE;
      amap_asset_set_location_source (asset, source);
    }
  else
    return FALSE;

  return TRUE;
}

/* Placemarks */

static void
skip_placemark (AmapKmlReader *self,
                Placemark     *pm,
                const char    *reason)
{
  self->n_skipped++;
  /* Translators: the first %s is a placemark name, the second a reason */
  emit_message (self, AMAP_IMPORT_MESSAGE_SKIPPED, pm->line,
                _("Skipped “%s”: %s"), placemark_label (pm), reason);
}

/* A checksum fed with the folder path ("A/B/C", an unnamed folder as "").
 * Each level's state is kept and only the levels whose names changed are
 * hashed again, so that a placemark deep inside many folders costs the
 * same as one at the top. */
static GChecksum *
folder_path_checksum (AmapKmlReader *self)
{
  guint depth = self->folders->len;

  if (self->path_sums->len < depth)
    g_ptr_array_set_size (self->path_sums, depth);

  for (guint i = self->n_path_sums; i < depth; i++)
    {
      const char *name = g_ptr_array_index (self->folders, i);
      GChecksum *sum;

      if (i == 0)
        sum = g_checksum_new (G_CHECKSUM_SHA256);
      else
        {
          sum = g_checksum_copy (g_ptr_array_index (self->path_sums, i - 1));
          g_checksum_update (sum, (const guchar *) "/", 1);
        }
      g_checksum_update (sum, (const guchar *) (name != NULL ? name : ""), -1);

      if (g_ptr_array_index (self->path_sums, i) != NULL)
        g_checksum_free (g_ptr_array_index (self->path_sums, i));
      g_ptr_array_index (self->path_sums, i) = sum;
    }
  self->n_path_sums = depth;

  if (depth == 0)
    return g_checksum_new (G_CHECKSUM_SHA256);
  return g_checksum_copy (g_ptr_array_index (self->path_sums, depth - 1));
}

/* The folder at @level changed (named, closed, opened): its state and
 * those under it are out of date. */
static void
folder_path_changed (AmapKmlReader *self,
                     guint          level)
{
  self->n_path_sums = MIN (self->n_path_sums, level);
}

/* A coordinate as 8 little-endian bytes: the same id on every machine,
 * without formatting a number for each placemark. */
static void
checksum_update_double (GChecksum *sum,
                        double     value)
{
  guint64 bits;

  if (value == 0.0)
    value = 0.0;  /* -0 and 0 are one place */
  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  g_checksum_update (sum, (const guchar *) &bits, sizeof bits);
}

static char *
stable_source_id (AmapKmlReader *self,
                  Placemark     *pm,
                  AmapAsset     *asset)
{
  g_autoptr(GChecksum) sum = folder_path_checksum (self);
  const char *shape = amap_asset_get_shape (asset);
  gsize basename_len;
  char *id;

  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) (pm->name != NULL ? pm->name : ""), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  if (shape != NULL)
    g_checksum_update (sum, (const guchar *) shape, -1);
  else if (amap_asset_get_has_location (asset))
    {
      checksum_update_double (sum, amap_asset_get_longitude (asset));
      checksum_update_double (sum, amap_asset_get_latitude (asset));
    }
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) (pm->address != NULL ? pm->address : ""), -1);

  /* "basename#" and the first 16 hex digits. */
  if (self->file_basename == NULL)
    self->file_basename = g_path_get_basename (self->file_name);
  basename_len = strlen (self->file_basename);
  id = g_malloc (basename_len + 1 + 16 + 1);
  memcpy (id, self->file_basename, basename_len);
  id[basename_len] = '#';
  memcpy (id + basename_len + 1, g_checksum_get_string (sum), 16);
  id[basename_len + 1 + 16] = '\0';
  return id;
}

/* Source ids within one document */

static guint64
id_hash (const char *id)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);  /* FNV-1a */

  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (1099511628211);
  return h != 0 ? h : 1;
}

static void
id_set_clear (IdSet *set)
{
  g_clear_pointer (&set->slots, g_free);
  set->mask = 0;
  set->n = 0;
}

static IdSlot *
id_set_lookup (IdSet   *set,
               guint64  hash)
{
  if (set->slots == NULL)
    return NULL;

  for (gsize i = hash & set->mask;; i = (i + 1) & set->mask)
    {
      if (set->slots[i].hash == hash)
        return &set->slots[i];
      if (set->slots[i].hash == 0)
        return NULL;
    }
}

/* @hash must not be in @set yet. */
static void
id_set_insert (IdSet   *set,
               guint64  hash,
               guint    next)
{
  gsize i;

  if ((set->n + 1) * 2 > set->mask + 1 || set->slots == NULL)
    {
      IdSet bigger = { 0 };
      gsize capacity = set->slots != NULL ? (set->mask + 1) * 2 : 256;

      bigger.slots = g_new0 (IdSlot, capacity);
      bigger.mask = capacity - 1;
      for (gsize j = 0; set->slots != NULL && j <= set->mask; j++)
        if (set->slots[j].hash != 0)
          id_set_insert (&bigger, set->slots[j].hash, set->slots[j].next);
      id_set_clear (set);
      *set = bigger;
    }

  for (i = hash & set->mask; set->slots[i].hash != 0; i = (i + 1) & set->mask)
    ;
  set->slots[i].hash = hash;
  set->slots[i].next = next;
  set->n++;
}

/* @base the first time it is given out in the document, then "@base~2",
 * "@base~3"...: every placemark of a file is its own asset, even when two
 * are alike in every way (Google Earth writes such copies), and the same
 * file read again gives the same ids in the same order, so importing it
 * again updates those assets instead of adding new ones. */
static char *
unique_source_id (AmapKmlReader *self,
                  const char    *base)
{
  guint64 hash = id_hash (base);
  IdSlot *slot = id_set_lookup (&self->source_ids, hash);
  char *candidate = NULL;
  guint64 candidate_hash;
  guint n;

  if (slot == NULL)
    {
      id_set_insert (&self->source_ids, hash, 1);
      return g_strdup (base);
    }

  /* "a~2" may be a placemark's own id too: skip what is taken. */
  for (n = slot->next + 1;; n++)
    {
      candidate = g_strdup_printf ("%s~%u", base, n);
      candidate_hash = id_hash (candidate);
      if (id_set_lookup (&self->source_ids, candidate_hash) == NULL)
        break;
      g_free (candidate);
    }

  slot->next = n;
  id_set_insert (&self->source_ids, candidate_hash, 1);
  return candidate;
}

/* TRUE when two neighbouring vertices of a line or ring are more than
 * half the world apart: after wrapping, a shape that crossed the 180°
 * meridian. */
static gboolean
geometry_spans_antimeridian (const AmapGeometry *geom)
{
  guint n = amap_geometry_get_n_coords (geom);
  const AmapCoord *c = amap_geometry_get_coords (geom);

  for (guint i = 1; i < n; i++)
    if (fabs (c[i].lon - c[i - 1].lon) > 180.0)
      return TRUE;

  for (guint i = 0; i < amap_geometry_get_n_children (geom); i++)
    if (geometry_spans_antimeridian (amap_geometry_get_child (geom, i)))
      return TRUE;

  return FALSE;
}

static gboolean
geometry_in_range (const AmapGeometry *geom,
                   double             *bad_lon,
                   double             *bad_lat)
{
  guint n = amap_geometry_get_n_coords (geom);
  const AmapCoord *c = amap_geometry_get_coords (geom);

  for (guint i = 0; i < n; i++)
    if (!amap_coordinates_are_valid (c[i].lat, c[i].lon))
      {
        *bad_lon = c[i].lon;
        *bad_lat = c[i].lat;
        return FALSE;
      }

  for (guint i = 0; i < amap_geometry_get_n_children (geom); i++)
    if (!geometry_in_range (amap_geometry_get_child (geom, i), bad_lon, bad_lat))
      return FALSE;

  return TRUE;
}

static const char *
category_from_folders (AmapKmlReader *self)
{
  if (self->folder_keys->len == 0)
    return NULL;
  return g_ptr_array_index (self->folder_keys, self->folder_keys->len - 1);
}

/* Spreadsheet-style columns of other tools' files (Google My Maps layers
 * imported from a sheet, GIS exports) that mean one of our fields. Compared
 * without case, spaces, '-' or '_': "Phone Number", "E-mail", "Street
 * Address". */
static const struct {
  const char *column;
  const char *field;
} foreign_columns[] = {
  { "address", "address" }, { "streetaddress", "address" }, { "fulladdress", "address" },
  { "phone", "phone" }, { "phonenumber", "phone" }, { "telephone", "phone" }, { "tel", "phone" },
  { "email", "email" }, { "emailaddress", "email" },
  { "website", "website" }, { "web", "website" }, { "url", "website" }, { "homepage", "website" },
};

static const char *
foreign_column_field (const char *name)
{
  /* Longer than the longest column: none of them (called for every
   * field of every placemark, so no allocation). */
  char folded[16];
  gsize len = 0;

  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      {
        if (len + 1 >= sizeof folded)
          return NULL;
        folded[len++] = g_ascii_tolower (*p);
      }
  folded[len] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (foreign_columns); i++)
    if (g_str_equal (folded, foreign_columns[i].column))
      return foreign_columns[i].field;
  return NULL;
}

/* The value of one of the asset's text fields that foreign columns fill. */
static const char *
get_contact_field (AmapAsset  *asset,
                   const char *field)
{
  if (g_str_equal (field, "address"))
    return amap_asset_get_address (asset);
  if (g_str_equal (field, "phone"))
    return amap_asset_get_phone (asset);
  if (g_str_equal (field, "email"))
    return amap_asset_get_email (asset);
  return amap_asset_get_website (asset);
}

static gboolean
has_address_field (Placemark *pm)
{
  for (guint i = 0; pm->fields != NULL && i + 1 < pm->fields->len; i += 2)
    if (g_str_equal (g_ptr_array_index (pm->fields, i), "address") &&
        g_ptr_array_index (pm->fields, i + 1) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
folder_is_category (AmapKmlReader *self,
                    const char    *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; i < self->categories->len; i++)
    if (g_str_equal (g_array_index (self->categories, CategoryInfo, i).name_folded, folded))
      return TRUE;
  return FALSE;
}

/* The names of the Folders around the placemark, outermost first (the
 * Document's own name is not one; an unnamed Folder is left out). */
static GStrv
folder_path (AmapKmlReader *self)
{
  GStrv path = g_new0 (char *, self->folders->len + 1);
  guint n = 0;

  for (guint i = 0; i < self->folders->len; i++)
    if (g_ptr_array_index (self->folders, i) != NULL)
      path[n++] = g_strdup (g_ptr_array_index (self->folders, i));

  return path;
}

static void
finish_placemark (AmapKmlReader *self)
{
  g_autoptr(AmapAsset) asset = NULL;
  Placemark *pm = self->placemark;
  AmapKmlPlacemarkInfo info = { 0 };
  g_auto(GStrv) folders = NULL;
  const char *category = NULL;
  gboolean pending = FALSE;
  gboolean has_own_description = FALSE;
  gboolean has_own_folders = FALSE;
  gboolean unlocated = FALSE;
  g_autoptr(GError) error = NULL;

  if (pm->address == NULL && pm->xal_address != NULL)
    pm->address = g_steal_pointer (&pm->xal_address);

  if (pm->too_many_coords)
    {
      skip_placemark (self, pm, _("it has more coordinates than can be imported"));
      return;
    }
  if (pm->text_too_long)
    {
      skip_placemark (self, pm, _("one of its texts is too long"));
      return;
    }

  if (pm->geometry == NULL && pm->address == NULL && !has_address_field (pm))
    {
      if (pm->has_model)
        skip_placemark (self, pm, _("3D models are not imported"));
      else if (pm->n_dropped_parts > 0 || pm->n_coords > 0 || pm->n_bad_tuples > 0)
        skip_placemark (self, pm, _("its coordinates are not valid"));
      else
        skip_placemark (self, pm, _("no coordinates and no address"));
      return;
    }

  if (pm->geometry != NULL)
    {
      double lon, lat;

      if (!geometry_in_range (pm->geometry, &lon, &lat))
        {
          g_autofree char *reason = NULL;

          if (!(lat >= -90 && lat <= 90))
            reason = g_strdup_printf (_("latitude %g is out of range"), lat);
          else
            reason = g_strdup_printf (_("longitude %g is out of range"), lon);
          skip_placemark (self, pm, reason);
          return;
        }
    }

  if (pm->n_wrapped > 0)
    {
      g_autofree char *from = g_strdup_printf ("%g", pm->wrap_from);
      g_autofree char *to = g_strdup_printf ("%g", pm->wrap_to);

      /* Translators: "−180…180" is the range of longitudes; %s are numbers */
      emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->wrap_line,
                    g_dngettext (GETTEXT_PACKAGE,
                                 "“%s”: %u longitude outside −180…180 was wrapped into range (%s read as %s)",
                                 "“%s”: %u longitudes outside −180…180 were wrapped into range (the first, %s, read as %s)",
                                 pm->n_wrapped),
                    placemark_label (pm), pm->n_wrapped, from, to);
      if (geometry_spans_antimeridian (pm->geometry))
        emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->wrap_line,
                      _("“%s” crosses the 180° meridian: each point was wrapped on its own, so the shape may be drawn across the whole map"),
                      placemark_label (pm));
    }

  asset = amap_asset_new (pm->name != NULL ? pm->name : _("Unnamed placemark"));
  if (pm->name == NULL)
    emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->line,
                  _("A placemark without a name was imported as “%s”"),
                  _("Unnamed placemark"));

  if (pm->geometry != NULL)
    {
      AmapGeometry *first = NULL, *second = NULL;

      if (amap_geometry_get_kind (pm->geometry) == AMAP_GEOMETRY_COLLECTION &&
          amap_geometry_get_n_children (pm->geometry) == 2)
        {
          first = amap_geometry_get_child (pm->geometry, 0);
          second = amap_geometry_get_child (pm->geometry, 1);
        }

      if (amap_geometry_get_kind (pm->geometry) == AMAP_GEOMETRY_POINT)
        {
          const AmapCoord *c = amap_geometry_get_coords (pm->geometry);
          amap_asset_set_location (asset, c->lat, c->lon);
        }
      else if (first != NULL && amap_geometry_get_kind (first) == AMAP_GEOMETRY_POINT &&
               amap_geometry_get_kind (second) != AMAP_GEOMETRY_POINT)
        {
          /* A MultiGeometry of a Point and a shape: the point is the pin
           * (our writer does this when the user moved the pin; others use
           * it for a label position). */
          const AmapCoord *c = amap_geometry_get_coords (first);
          g_autofree char *wkt = amap_geometry_to_wkt (second);

          amap_asset_set_shape (asset, wkt);
          amap_asset_set_location (asset, c->lat, c->lon);
        }
      else
        {
          g_autofree char *wkt = amap_geometry_to_wkt (pm->geometry);
          double lon, lat;

          amap_asset_set_shape (asset, wkt);
          if (amap_geometry_get_representative_point (pm->geometry, &lon, &lat))
            amap_asset_set_location (asset, lat, lon);
        }
    }
  else
    unlocated = TRUE;

  amap_asset_set_address (asset, pm->address);
  amap_asset_set_phone (asset, pm->phone);

  /* ExtendedData: our own names map to columns, the rest are extras. */
  for (guint i = 0; pm->fields != NULL && i + 1 < pm->fields->len; i += 2)
    {
      const char *name = g_ptr_array_index (pm->fields, i);
      const char *value = g_ptr_array_index (pm->fields, i + 1);
      gboolean own = is_own_field (name);

      /* What the writer says for people right after one of its fields
       * (amap-kml-writer.c): made again on export, not an extra field. */
      if (self->is_own_file && self->card_fields && i >= 2 &&
          is_card_field (name, g_ptr_array_index (pm->fields, i - 2)))
        continue;

      /* Another tool's "Phone Number" column fills our phone field, so it
       * shows in the editor and search finds it; a field the placemark
       * already set (<address>, <phoneNumber>) wins. */
      if (!self->is_own_file && value != NULL && !own)
        {
          const char *field = foreign_column_field (name);

          if (field != NULL && get_contact_field (asset, field) == NULL &&
              apply_own_field (self, asset, field, value, &category))
            continue;
        }

      if (own)
        {
          if (value == NULL)
            continue;
          if (apply_own_field (self, asset, name, value, &category))
            {
              if (g_str_equal (name, "description"))
                has_own_description = TRUE;
              else if (g_str_equal (name, "folders"))
                has_own_folders = TRUE;
              continue;
            }
          if (!g_str_equal (name, "category"))
            emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->line,
                          _("“%s”: the value of “%s” is not valid and was kept as an extra field"),
                          placemark_label (pm), name);
        }
      amap_asset_set_extra (asset, name, value);
    }

  /* In our own files of format 2 (amap-kml-writer.c) <description> is the
   * asset's description as it is; in older ones it is a card made from
   * the other fields: never read that back as the description. */
  if (!has_own_description && self->is_own_file && self->own_description)
    amap_asset_set_description (asset, pm->description_raw);
  else if (!has_own_description && !self->is_own_file)
    {
      const char *html = pm->description_has_children ? pm->description_markup : pm->description_raw;

      if (html != NULL && (pm->description_has_children || looks_like_html (html)))
        {
          g_autofree char *text = html_to_text (html);

          amap_asset_set_description (asset, text);
          if (g_strcmp0 (text, html) != 0)
            amap_asset_set_extra (asset, "description_html", html);
        }
      else
        amap_asset_set_description (asset, html);
    }

  /* In our own files the Folders are categories (or, by layer, the same
   * path as the "folders" field): only that field says which folders an
   * asset has, and its absence says none. */
  if (self->is_own_file && !has_own_folders)
    {
      const char * const no_folders[] = { NULL };

      amap_asset_set_folders (asset, no_folders);
    }

  /* Category */
  if (category == NULL)
    category = category_from_folders (self);
  if (category == NULL && pm->inline_style != NULL)
    category = category_from_style_info (self, pm->inline_style);
  if (category == NULL && pm->style_url != NULL)
    category = category_from_style_url_cached (self, pm->style_url, &pending);
  if (category == NULL)
    category = self->default_category != NULL ? self->default_category : AMAP_CATEGORY_OTHER;
  amap_asset_set_category (asset, category);

  /* A uuid is one asset: a second placemark with it (a copy made in
   * another program of a placemark we exported) becomes an asset of its
   * own instead of overwriting the first. */
  if (amap_asset_get_uuid (asset) != NULL)
    {
      if (g_hash_table_contains (self->uuids, amap_asset_get_uuid (asset)))
        {
          emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->line,
                        _("“%s” has the same asset id as an earlier placemark of the file and was imported as a separate asset"),
                        placemark_label (pm));
          amap_asset_set_uuid (asset, NULL);
        }
      else
        g_hash_table_add (self->uuids, g_strdup (amap_asset_get_uuid (asset)));
    }

  /* Where it came from, so that importing again updates it. */
  if (amap_asset_get_source_id (asset) == NULL && amap_asset_get_uuid (asset) == NULL)
    {
      g_autofree char *source_id = NULL;

      if (pm->id != NULL)
        {
          g_autofree char *basename = g_path_get_basename (self->file_name);

          source_id = g_strdup_printf ("%s#%s", basename, pm->id);
        }
      else
        source_id = stable_source_id (self, pm, asset);
      amap_asset_set_source_id (asset, source_id);
    }

  /* The same source id twice in one file: an occurrence number for the
   * later ones (also for our own files, whose source ids are copied). */
  if (amap_asset_get_source_id (asset) != NULL)
    {
      g_autofree char *source_id = unique_source_id (self, amap_asset_get_source_id (asset));

      amap_asset_set_source_id (asset, source_id);
    }

  if (pm->too_many_fields)
    emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->line,
                  _("“%s”: only the first %d data fields were kept"),
                  placemark_label (pm), MAX_EXTRA_FIELDS);

  if (unlocated)
    emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->line,
                  _("“%s” has an address but no coordinates: imported without a location"),
                  placemark_label (pm));

  info.line = pm->line;
  info.ordinal = self->n_placemarks++;
  info.category_pending = pending;
  info.style_url = pm->style_url;
  if (self->folder_serials->len > 0)
    {
      info.folder = g_array_index (self->folder_serials, guint, self->folder_serials->len - 1);
      info.folder_name = g_ptr_array_index (self->folders, self->folders->len - 1);
    }
  folders = folder_path (self);
  info.folders = (const char * const *) folders;
  /* Our own files group placemarks in a Folder per category: that is no
   * layer of the user's. */
  if (self->is_own_file && g_strv_length (folders) == 1 &&
      folder_is_category (self, folders[0]))
    g_clear_pointer (&folders[0], g_free);
  /* Our own files say an asset's folders in its "folders" field (read
   * above); in anyone else's, the Folders it sits in are its layers. */
  if (!self->is_own_file)
    amap_asset_set_folders (asset, info.folders);
  /* A location from someone else's file, unless the file said where it
   * came from; our own files are copies of a map, whose locations came
   * from wherever they came from there. */
  if (amap_asset_get_has_location (asset) && !self->is_own_file &&
      amap_asset_get_location_source (asset) == AMAP_LOCATION_SOURCE_UNKNOWN)
    amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_IMPORTED);

  if (self->placemark_func != NULL &&
      !self->placemark_func (self, asset, &info, self->user_data, &error))
    fail (self, g_steal_pointer (&error));
}

/* SAX callbacks */

static void
on_internal_subset (void          *user_data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  AmapKmlReader *self = user_data;

  fail (self, g_error_new (AMAP_ERROR, AMAP_ERROR_UNSAFE,
                           _("%s:%u: the file declares a document type (DOCTYPE); "
                             "such files are refused because they can expand entities "
                             "or read other files"),
                           self->file_name, current_line (self)));
}

static void
on_entity_decl (void          *user_data,
                const xmlChar *name,
                int            type,
                const xmlChar *public_id,
                const xmlChar *system_id,
                xmlChar       *content)
{
  on_internal_subset (user_data, NULL, NULL, NULL);
}

/* Without entity substitution, libxml2 hands an attribute's '&' over as
 * "&#38;" (for its tree builder to decode); decode it. */
static char *
dup_attr_text (const xmlChar *begin,
               const xmlChar *end)
{
  const char *p = (const char *) begin;
  const char *stop = (const char *) end;
  const char *amp = memchr (p, '&', stop - p);
  char *out, *q;

  /* Most values have no '&': one copy. */
  if (amp == NULL)
    return g_strndup (p, stop - p);

  out = q = g_malloc (stop - p + 1);
  memcpy (q, p, amp - p);
  q += amp - p;
  p = amp;
  while (p < stop)
    {
      if (stop - p >= 5 && strncmp (p, "&#38;", 5) == 0)
        {
          *q++ = '&';
          p += 5;
        }
      else
        *q++ = *p++;
    }
  *q = '\0';
  return out;
}

/* The value of the attribute @name without a namespace, or NULL. */
static char *
attr_value (const xmlChar **attributes,
            int             n_attributes,
            const char     *name)
{
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + i * 5;

      if (a[2] == NULL && strcmp ((const char *) a[0], name) == 0)
        return dup_attr_text (a[3], a[4]);
    }
  return NULL;
}

static void
description_start_child (AmapKmlReader  *self,
                         const xmlChar  *localname,
                         const xmlChar  *prefix,
                         int             n_attributes,
                         const xmlChar **attributes)
{
  g_string_append_c (self->markup, '<');
  if (prefix != NULL)
    {
      g_string_append (self->markup, (const char *) prefix);
      g_string_append_c (self->markup, ':');
    }
  g_string_append (self->markup, (const char *) localname);
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + i * 5;
      g_autofree char *value = dup_attr_text (a[3], a[4]);

      g_string_append_c (self->markup, ' ');
      g_string_append (self->markup, (const char *) a[0]);
      g_string_append (self->markup, "=\"");
      append_escaped (self->markup, value, strlen (value));
      g_string_append_c (self->markup, '"');
    }
  g_string_append_c (self->markup, '>');
}

static void
on_start_element (void           *user_data,
                  const xmlChar  *localname,
                  const xmlChar  *prefix,
                  const xmlChar  *uri,
                  int             n_namespaces,
                  const xmlChar **namespaces,
                  int             n_attributes,
                  int             n_defaulted,
                  const xmlChar **attributes)
{
  AmapKmlReader *self = user_data;
  const char *name = (const char *) localname;
  NsClass ns = element_ns (self, uri);
  gboolean kml = ns == NS_KML;
  gboolean kml_or_gx = ns != NS_OTHER;
  Frame *parent = top_frame (self);
  Role parent_role = parent != NULL ? parent->role : ROLE_ROOT;
  Placemark *pm = self->placemark;

  if (self->error != NULL)
    return;

  self->cur_element = name;

  switch (parent_role)
    {
    case ROLE_SKIP:
    case ROLE_FIELD:
      push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_DESCRIPTION:
    case ROLE_DESCRIPTION_CHILD:
      pm->description_has_children = TRUE;
      if (self->markup->len < MAX_FIELD_TEXT)
        description_start_child (self, localname, prefix, n_attributes, attributes);
      push_frame (self, ROLE_DESCRIPTION_CHILD, FIELD_NONE);
      return;

    case ROLE_ROOT:
      if (!self->seen_root)
        {
          static const char * const roots[] = { "kml", "Document", "Folder", "Placemark", NULL };

          self->seen_root = TRUE;
          if (!kml || (uri == NULL && !g_strv_contains (roots, name)))
            {
              fail (self, g_error_new (AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                                       _("%s is not a KML file (its root element is “%s”)"),
                                       self->file_name, name));
              return;
            }
        }
      G_GNUC_FALLTHROUGH;
    case ROLE_CONTAINER:
    case ROLE_FOLDER:
    case ROLE_NONE:
      if (kml && (g_str_equal (name, "kml") || g_str_equal (name, "Document")))
        push_frame (self, ROLE_CONTAINER, FIELD_NONE);
      else if (kml && g_str_equal (name, "Folder"))
        {
          guint n = self->folder_keys->len;

          folder_path_changed (self, self->folders->len);
          g_ptr_array_add (self->folders, NULL);
          /* Until it has a name of its own, the category around it. */
          g_ptr_array_add (self->folder_keys,
                           n > 0 ? g_ptr_array_index (self->folder_keys, n - 1) : NULL);
          self->n_folders++;
          g_array_append_val (self->folder_serials, self->n_folders);
          push_frame (self, ROLE_FOLDER, FIELD_NONE);
        }
      else if (kml && (g_str_equal (name, "Placemark") || g_hash_table_contains (self->aliases, name)))
        {
          self->placemark = g_new0 (Placemark, 1);
          self->placemark->line = current_line (self);
          self->placemark->is_alias = !g_str_equal (name, "Placemark");
          self->placemark->id = attr_value (attributes, n_attributes, "id");
          push_frame (self, ROLE_PLACEMARK, FIELD_NONE);
        }
      else if (parent_role == ROLE_NONE || parent_role == ROLE_ROOT)
        push_frame (self, ROLE_NONE, FIELD_NONE);
      else if (kml && g_str_equal (name, "name") && parent_role == ROLE_FOLDER)
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_FOLDER_NAME);
        }
      else if (kml && g_str_equal (name, "Style"))
        {
          g_free (self->cur_style_id);
          self->cur_style_id = attr_value (attributes, n_attributes, "id");
          self->cur_style = g_new0 (StyleInfo, 1);
          self->cur_style_is_inline = FALSE;
          push_frame (self, ROLE_STYLE, FIELD_NONE);
        }
      else if (kml && g_str_equal (name, "StyleMap"))
        {
          g_free (self->cur_style_id);
          self->cur_style_id = attr_value (attributes, n_attributes, "id");
          self->cur_map = g_new0 (StyleInfo, 1);
          push_frame (self, ROLE_STYLE_MAP, FIELD_NONE);
        }
      else if (kml && g_str_equal (name, "ExtendedData"))
        push_frame (self, ROLE_DOC_EXTENDED_DATA, FIELD_NONE);
      else if (kml && g_str_equal (name, "Schema"))
        {
          g_clear_pointer (&self->schema_name, g_free);
          g_clear_pointer (&self->schema_parent, g_free);
          self->schema_name = attr_value (attributes, n_attributes, "name");
          self->schema_parent = attr_value (attributes, n_attributes, "parent");
          push_frame (self, ROLE_SCHEMA, FIELD_NONE);
        }
      else if (kml && g_str_equal (name, "NetworkLink"))
        {
          emit_message (self, AMAP_IMPORT_MESSAGE_NOTICE, current_line (self),
                        _("A network link was not followed: only the places in this file are imported"));
          push_frame (self, ROLE_SKIP, FIELD_NONE);
        }
      else if (kml && (g_str_equal (name, "GroundOverlay") ||
                       g_str_equal (name, "ScreenOverlay") ||
                       g_str_equal (name, "PhotoOverlay")))
        {
          emit_message (self, AMAP_IMPORT_MESSAGE_NOTICE, current_line (self),
                        _("An image overlay (%s) was not imported"), name);
          push_frame (self, ROLE_SKIP, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_PLACEMARK:
      if (kml && g_str_equal (name, "name"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_NAME);
        }
      else if (kml && g_str_equal (name, "description"))
        {
          start_text (self, MAX_FIELD_TEXT);
          g_string_truncate (self->markup, 0);
          push_frame (self, ROLE_DESCRIPTION, FIELD_NONE);
        }
      else if (kml && g_str_equal (name, "address"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_ADDRESS);
        }
      else if (kml && g_str_equal (name, "phoneNumber"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_PHONE);
        }
      else if (kml && g_str_equal (name, "styleUrl"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_STYLE_URL);
        }
      else if (kml && g_str_equal (name, "Style") && pm->inline_style == NULL)
        {
          self->cur_style = g_new0 (StyleInfo, 1);
          self->cur_style_is_inline = TRUE;
          push_frame (self, ROLE_STYLE, FIELD_NONE);
        }
      else if (kml && (g_str_equal (name, "ExtendedData") || g_str_equal (name, "Metadata")))
        push_frame (self, ROLE_EXTENDED_DATA, FIELD_NONE);
      else if (ns == NS_OTHER && g_str_equal (name, "AddressDetails"))
        push_frame (self, ROLE_XAL, FIELD_NONE);
      else if (kml && g_str_equal (name, "Model"))
        {
          pm->has_model = TRUE;
          push_frame (self, ROLE_SKIP, FIELD_NONE);
        }
      else if (pm->is_alias && kml && g_ascii_isalpha (name[0]) &&
               !g_str_equal (name, "Point") && !g_str_equal (name, "LineString") &&
               !g_str_equal (name, "LinearRing") && !g_str_equal (name, "Polygon") &&
               !g_str_equal (name, "MultiGeometry") && !g_str_equal (name, "Snippet") &&
               !g_str_equal (name, "visibility") && !g_str_equal (name, "open"))
        {
          g_free (self->data_name);
          self->data_name = g_strdup (name);
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_ALIAS);
        }
      else
        goto geometry;
      return;

    case ROLE_GEOMETRY:
      if (kml && g_str_equal (name, "coordinates"))
        {
          start_text (self, MAX_COORDINATES_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_COORDINATES);
        }
      else if (kml_or_gx && g_str_equal (name, "coord"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_GX_COORD);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_POLYGON:
      if (kml && (g_str_equal (name, "outerBoundaryIs") || g_str_equal (name, "innerBoundaryIs")))
        {
          GeomBuild *build = g_ptr_array_index (self->builds, self->builds->len - 1);

          build->in_outer = name[0] == 'o';
          build->in_inner = name[0] == 'i';
          push_frame (self, ROLE_BOUNDARY, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_BOUNDARY:
      if (kml && g_str_equal (name, "LinearRing"))
        {
          geom_start (self, BUILD_RING);
          push_frame (self, ROLE_GEOMETRY, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_MULTI:
      goto geometry;

    case ROLE_XAL:
      /* xAL's free-form <Address>, used when there is no <address>. */
      if (g_str_equal (name, "Address"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_XAL_ADDRESS);
        }
      else
        push_frame (self, ROLE_XAL, FIELD_NONE);
      return;

    case ROLE_EXTENDED_DATA:
    case ROLE_SCHEMA_DATA:
      if (kml && g_str_equal (name, "Data") && parent_role == ROLE_EXTENDED_DATA)
        {
          g_free (self->data_name);
          self->data_name = attr_value (attributes, n_attributes, "name");
          g_clear_pointer (&self->data_value, g_free);
          push_frame (self, ROLE_DATA, FIELD_NONE);
        }
      else if (kml && (g_str_equal (name, "SchemaData") || g_str_equal (name, "Schemadata")))
        push_frame (self, ROLE_SCHEMA_DATA, FIELD_NONE);
      else if (kml && g_str_equal (name, "SimpleData"))
        {
          g_free (self->data_name);
          self->data_name = attr_value (attributes, n_attributes, "name");
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_SIMPLE_DATA);
        }
      else if (ns == NS_OTHER && parent_role == ROLE_EXTENDED_DATA)
        {
          g_free (self->data_name);
          self->data_name = prefix != NULL ? g_strdup_printf ("%s:%s", prefix, name) : g_strdup (name);
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FOREIGN_DATA, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_FOREIGN_DATA:
      /* Nested foreign markup: only leaves with text become fields. */
      g_free (self->data_name);
      self->data_name = prefix != NULL ? g_strdup_printf ("%s:%s", prefix, name) : g_strdup (name);
      start_text (self, MAX_FIELD_TEXT);
      push_frame (self, ROLE_FOREIGN_DATA, FIELD_NONE);
      return;

    case ROLE_DATA:
      if (kml && g_str_equal (name, "value"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_DATA_VALUE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_DOC_EXTENDED_DATA:
      if (kml && g_str_equal (name, "Data"))
        {
          g_free (self->data_name);
          self->data_name = attr_value (attributes, n_attributes, "name");
          push_frame (self, ROLE_DOC_DATA, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_DOC_DATA:
      if (kml && g_str_equal (name, "value"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_DOC_DATA_VALUE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_STYLE:
      if (kml && g_str_equal (name, "IconStyle"))
        push_frame (self, ROLE_ICON_STYLE, FIELD_NONE);
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_ICON_STYLE:
      if (kml && g_str_equal (name, "Icon"))
        push_frame (self, ROLE_ICON, FIELD_NONE);
      else if (kml && g_str_equal (name, "color"))
        {
          start_text (self, 64);
          push_frame (self, ROLE_FIELD, FIELD_ICON_COLOR);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_ICON:
      if (kml && g_str_equal (name, "href"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_ICON_HREF);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_STYLE_MAP:
      if (kml && g_str_equal (name, "Pair"))
        {
          g_clear_pointer (&self->pair_key, g_free);
          g_clear_pointer (&self->pair_url, g_free);
          g_clear_pointer (&self->pair_style, style_info_free);
          push_frame (self, ROLE_PAIR, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_PAIR:
      if (kml && g_str_equal (name, "key"))
        {
          start_text (self, 256);
          push_frame (self, ROLE_FIELD, FIELD_PAIR_KEY);
        }
      else if (kml && g_str_equal (name, "styleUrl"))
        {
          start_text (self, MAX_FIELD_TEXT);
          push_frame (self, ROLE_FIELD, FIELD_PAIR_STYLE_URL);
        }
      else if (kml && g_str_equal (name, "Style") && self->pair_style == NULL)
        {
          self->cur_style = g_new0 (StyleInfo, 1);
          self->cur_style_is_inline = TRUE;
          push_frame (self, ROLE_STYLE, FIELD_NONE);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    case ROLE_SCHEMA:
      if (kml && g_str_equal (name, "name"))
        {
          start_text (self, 1024);
          push_frame (self, ROLE_FIELD, FIELD_SCHEMA_NAME);
        }
      else if (kml && g_str_equal (name, "parent"))
        {
          start_text (self, 1024);
          push_frame (self, ROLE_FIELD, FIELD_SCHEMA_PARENT);
        }
      else
        push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;

    default:
      push_frame (self, ROLE_SKIP, FIELD_NONE);
      return;
    }

geometry:
  /* Geometry elements, in a placemark or a MultiGeometry. */
  if (kml && g_str_equal (name, "Point"))
    {
      geom_start (self, BUILD_POINT);
      push_frame (self, ROLE_GEOMETRY, FIELD_NONE);
    }
  else if (kml && g_str_equal (name, "LineString"))
    {
      geom_start (self, BUILD_LINE);
      push_frame (self, ROLE_GEOMETRY, FIELD_NONE);
    }
  else if (kml && g_str_equal (name, "LinearRing"))
    {
      geom_start (self, BUILD_RING);
      push_frame (self, ROLE_GEOMETRY, FIELD_NONE);
    }
  else if (kml && g_str_equal (name, "Polygon"))
    {
      geom_start (self, BUILD_POLYGON);
      push_frame (self, ROLE_POLYGON, FIELD_NONE);
    }
  else if (kml_or_gx && g_str_equal (name, "Track"))
    {
      geom_start (self, BUILD_TRACK);
      push_frame (self, ROLE_GEOMETRY, FIELD_NONE);
    }
  else if ((kml && (g_str_equal (name, "MultiGeometry") ||
                    /* Not KML, but written by some tools (GDAL #4031). */
                    g_str_equal (name, "MultiPolygon") ||
                    g_str_equal (name, "MultiLineString") ||
                    g_str_equal (name, "MultiPoint"))) ||
           (kml_or_gx && g_str_equal (name, "MultiTrack")))
    {
      geom_start (self, BUILD_MULTI);
      push_frame (self, ROLE_MULTI, FIELD_NONE);
    }
  else if (kml && g_str_equal (name, "Model") && pm != NULL)
    {
      pm->has_model = TRUE;
      push_frame (self, ROLE_SKIP, FIELD_NONE);
    }
  else
    push_frame (self, ROLE_SKIP, FIELD_NONE);
}

static void
end_field (AmapKmlReader *self,
           Field          field)
{
  Placemark *pm = self->placemark;
  char *text;

  if (field == FIELD_COORDINATES || field == FIELD_GX_COORD)
    {
      GeomBuild *build;

      if (self->text_overflow)
        {
          pm->too_many_coords = TRUE;
          return;
        }
      build = g_ptr_array_index (self->builds, self->builds->len - 1);
      if (build->geom == NULL)
        return;
      if (field == FIELD_COORDINATES)
        parse_coordinates (self, self->text->str, build->geom, current_line (self));
      else
        parse_gx_coord (self, self->text->str, build->geom, current_line (self));
      return;
    }

  text = take_text (self);

  switch (field)
    {
    case FIELD_FOLDER_NAME:
      if (self->folders->len > 0)
        {
          guint n = self->folder_keys->len;
          const char *key = category_from_words (self, text);

          /* Its own category, else the one of the folders around it. */
          if (key == NULL && n > 1)
            key = g_ptr_array_index (self->folder_keys, n - 2);
          g_ptr_array_index (self->folder_keys, n - 1) = (gpointer) key;
          folder_path_changed (self, self->folders->len - 1);
          g_free (g_ptr_array_index (self->folders, self->folders->len - 1));
          g_ptr_array_index (self->folders, self->folders->len - 1) = text;
          text = NULL;
        }
      break;
    case FIELD_NAME:
      g_free (pm->name);
      pm->name = g_steal_pointer (&text);
      break;
    case FIELD_ADDRESS:
      g_free (pm->address);
      pm->address = g_steal_pointer (&text);
      break;
    case FIELD_XAL_ADDRESS:
      if (pm->xal_address == NULL)
        pm->xal_address = g_steal_pointer (&text);
      break;
    case FIELD_PHONE:
      g_free (pm->phone);
      pm->phone = g_steal_pointer (&text);
      break;
    case FIELD_STYLE_URL:
      g_free (pm->style_url);
      pm->style_url = g_steal_pointer (&text);
      break;
    case FIELD_DATA_VALUE:
      g_free (self->data_value);
      self->data_value = g_steal_pointer (&text);
      break;
    case FIELD_SIMPLE_DATA:
    case FIELD_ALIAS:
      if (self->data_name != NULL && text != NULL)
        {
          if (pm->fields == NULL)
            pm->fields = g_ptr_array_new_with_free_func (g_free);
          if (pm->fields->len < 2 * MAX_EXTRA_FIELDS)
            {
              g_ptr_array_add (pm->fields, g_strdup (self->data_name));
              g_ptr_array_add (pm->fields, g_steal_pointer (&text));
            }
          else
            pm->too_many_fields = TRUE;
        }
      break;
    case FIELD_DOC_DATA_VALUE:
      if (g_strcmp0 (self->data_name, "asset_map_version") == 0)
        self->is_own_file = TRUE;
      else if (g_strcmp0 (self->data_name, "private_data") == 0 && g_strcmp0 (text, "omitted") == 0)
        self->private_omitted = TRUE;
      else if (g_strcmp0 (self->data_name, "asset_map_format") == 0 && text != NULL)
        {
          guint64 format = g_ascii_strtoull (text, NULL, 10);

          self->own_description = format >= 2;
          self->card_fields = format >= 3;
        }
      break;
    case FIELD_PAIR_KEY:
      g_free (self->pair_key);
      self->pair_key = g_steal_pointer (&text);
      break;
    case FIELD_PAIR_STYLE_URL:
      g_free (self->pair_url);
      self->pair_url = g_steal_pointer (&text);
      break;
    case FIELD_ICON_HREF:
      if (self->cur_style != NULL)
        {
          g_free (self->cur_style->icon_href);
          self->cur_style->icon_href = g_steal_pointer (&text);
        }
      break;
    case FIELD_ICON_COLOR:
      if (self->cur_style != NULL && text != NULL)
        {
          g_free (self->cur_style->color);
          self->cur_style->color = kml_color_to_rgb (text);
        }
      break;
    case FIELD_SCHEMA_NAME:
      g_free (self->schema_name);
      self->schema_name = g_steal_pointer (&text);
      break;
    case FIELD_SCHEMA_PARENT:
      g_free (self->schema_parent);
      self->schema_parent = g_steal_pointer (&text);
      break;
    case FIELD_NONE:
    case FIELD_COORDINATES:
    case FIELD_GX_COORD:
    default:
      break;
    }

  g_free (text);
}

/* Takes @name and @value. */
static void
add_field (Placemark *pm,
           char      *name,
           char      *value)
{
  if (pm->fields == NULL)
    pm->fields = g_ptr_array_new_full (16, g_free);
  if (pm->fields->len >= 2 * MAX_EXTRA_FIELDS)
    {
      pm->too_many_fields = TRUE;
      g_free (name);
      g_free (value);
      return;
    }
  g_ptr_array_add (pm->fields, name);
  g_ptr_array_add (pm->fields, value);
}

static void
on_end_element (void          *user_data,
                const xmlChar *localname,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  AmapKmlReader *self = user_data;
  Frame frame;

  if (self->error != NULL || self->n_frames == 0)
    return;

  frame = self->frames[--self->n_frames];

  switch (frame.role)
    {
    case ROLE_FIELD:
      end_field (self, frame.field);
      break;

    case ROLE_FOLDER:
      if (self->folders->len > 0)
        {
          g_ptr_array_set_size (self->folders, self->folders->len - 1);
          g_ptr_array_set_size (self->folder_keys, self->folder_keys->len - 1);
          g_array_set_size (self->folder_serials, self->folder_serials->len - 1);
          folder_path_changed (self, self->folders->len);
        }
      break;

    case ROLE_PLACEMARK:
      /* Geometry left open can only happen after an error. */
      while (self->builds->len > 0)
        geom_build_free (g_ptr_array_steal_index (self->builds, self->builds->len - 1));
      finish_placemark (self);
      g_clear_pointer (&self->placemark, placemark_free);
      break;

    case ROLE_DESCRIPTION:
      if (self->placemark != NULL)
        {
          Placemark *pm = self->placemark;

          g_clear_pointer (&pm->description_raw, g_free);
          g_clear_pointer (&pm->description_markup, g_free);
          if (self->text_overflow)
            {
              /* Keep what fits rather than lose the place. */
              emit_message (self, AMAP_IMPORT_MESSAGE_WARNING, pm->line,
                            _("“%s”: the description was too long and was cut"),
                            placemark_label (pm));
              self->text_overflow = FALSE;
            }
          pm->description_raw = take_text (self);
          if (pm->description_has_children)
            pm->description_markup = tidy_dup (self->markup->str, self->markup->len);
        }
      break;

    case ROLE_DESCRIPTION_CHILD:
      if (self->markup->len < MAX_FIELD_TEXT)
        {
          g_string_append (self->markup, "</");
          if (prefix != NULL)
            {
              g_string_append (self->markup, (const char *) prefix);
              g_string_append_c (self->markup, ':');
            }
          g_string_append (self->markup, (const char *) localname);
          g_string_append_c (self->markup, '>');
        }
      break;

    case ROLE_DATA:
      if (self->placemark != NULL && self->data_name != NULL)
        add_field (self->placemark, g_steal_pointer (&self->data_name),
                   g_steal_pointer (&self->data_value));
      g_clear_pointer (&self->data_value, g_free);
      break;

    case ROLE_FOREIGN_DATA:
      {
        char *text = take_text (self);

        if (text != NULL && self->placemark != NULL && self->data_name != NULL)
          add_field (self->placemark, g_strdup (self->data_name), text);
        else
          g_free (text);
        /* The parent's text is gone: it only keeps leaves. */
        start_text (self, MAX_FIELD_TEXT);
      }
      break;

    case ROLE_STYLE:
      if (self->cur_style != NULL)
        {
          StyleInfo *style = g_steal_pointer (&self->cur_style);

          if (self->cur_style_is_inline)
            {
              Frame *parent = top_frame (self);

              if (parent != NULL && parent->role == ROLE_PAIR)
                {
                  style_info_free (self->pair_style);
                  self->pair_style = style;
                }
              else if (self->placemark != NULL && self->placemark->inline_style == NULL)
                self->placemark->inline_style = style;
              else
                style_info_free (style);
            }
          else if (self->cur_style_id != NULL &&
                   g_hash_table_size (self->styles) < MAX_STYLES)
            {
              g_hash_table_replace (self->styles, g_steal_pointer (&self->cur_style_id), style);
              g_hash_table_remove_all (self->style_cache);
            }
          else
            style_info_free (style);
        }
      break;

    case ROLE_PAIR:
      if (self->cur_map != NULL && g_strcmp0 (self->pair_key, "normal") == 0)
        {
          g_free (self->cur_map->normal_url);
          self->cur_map->normal_url = g_steal_pointer (&self->pair_url);
          style_info_free (self->cur_map->normal_inline);
          self->cur_map->normal_inline = g_steal_pointer (&self->pair_style);
        }
      g_clear_pointer (&self->pair_style, style_info_free);
      break;

    case ROLE_STYLE_MAP:
      if (self->cur_map != NULL)
        {
          if (self->cur_style_id != NULL && g_hash_table_size (self->styles) < MAX_STYLES)
            {
              g_hash_table_replace (self->styles, g_steal_pointer (&self->cur_style_id),
                                    g_steal_pointer (&self->cur_map));
              g_hash_table_remove_all (self->style_cache);
            }
          else
            g_clear_pointer (&self->cur_map, style_info_free);
        }
      break;

    case ROLE_SCHEMA:
      if (self->schema_name != NULL && self->schema_parent != NULL &&
          g_str_equal (self->schema_parent, "Placemark") &&
          g_hash_table_size (self->aliases) < 100)
        g_hash_table_add (self->aliases, g_steal_pointer (&self->schema_name));
      g_clear_pointer (&self->schema_name, g_free);
      g_clear_pointer (&self->schema_parent, g_free);
      break;

    case ROLE_GEOMETRY:
    case ROLE_POLYGON:
    case ROLE_MULTI:
      if (self->placemark != NULL && self->builds->len > 0)
        geom_end (self);
      break;

    case ROLE_BOUNDARY:
      if (self->builds->len > 0)
        {
          GeomBuild *build = g_ptr_array_index (self->builds, self->builds->len - 1);
          build->in_outer = build->in_inner = FALSE;
        }
      break;

    case ROLE_ROOT:
    case ROLE_NONE:
    case ROLE_SKIP:
    case ROLE_CONTAINER:
    case ROLE_EXTENDED_DATA:
    case ROLE_DOC_EXTENDED_DATA:
    case ROLE_DOC_DATA:
    case ROLE_SCHEMA_DATA:
    case ROLE_ICON_STYLE:
    case ROLE_ICON:
    case ROLE_XAL:
    default:
      break;
    }
}

/* Text and CDATA differ only in a description: there CDATA holds markup
 * meant as markup, while plain text is escaped so it stays text. */
static void
collect_text (AmapKmlReader *self,
              const char    *text,
              int            len,
              gboolean       is_cdata)
{
  Frame *frame = top_frame (self);

  if (frame == NULL || self->error != NULL)
    return;

  switch (frame->role)
    {
    case ROLE_FIELD:
    case ROLE_FOREIGN_DATA:
      append_text (self, text, len);
      break;
    case ROLE_DESCRIPTION:
    case ROLE_DESCRIPTION_CHILD:
      append_text (self, text, len);
      if (self->markup->len >= MAX_FIELD_TEXT)
        break;
      if (is_cdata)
        g_string_append_len (self->markup, text, len);
      else
        append_escaped (self->markup, text, len);
      break;
    default:
      break;
    }
}

static void
on_characters (void          *user_data,
               const xmlChar *ch,
               int            len)
{
  collect_text (user_data, (const char *) ch, len, FALSE);
}

static void
on_cdata (void          *user_data,
          const xmlChar *ch,
          int            len)
{
  collect_text (user_data, (const char *) ch, len, TRUE);
}

/* At the end of input with elements still open, libxml2 says "Extra
 * content at the end of the document"; say what really happened. */
static gboolean
set_truncated_error (AmapKmlReader *self,
                     xmlErrorPtr    last)
{
  Frame *open;

  if (!self->ended_input || self->n_frames == 0 ||
      !(last->code == XML_ERR_DOCUMENT_END || last->code == XML_ERR_TAG_NOT_FINISHED))
    return FALSE;

  open = top_frame (self);
  g_clear_error (&self->error);
  self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                             _("%s:%d:%d: the file ends inside <%s> (opened on line %u): "
                               "it is incomplete, perhaps cut short"),
                             self->file_name, last->line, last->int2,
                             open->name != NULL ? open->name : "?", open->line);
  return TRUE;
}

/* Before any element: say what the file is instead of libxml2's "Document
 * is empty" (not XML at all) or "Extra content at the end of the document"
 * (an XML declaration or comments and nothing else). */
static gboolean
set_no_document_error (AmapKmlReader *self,
                       xmlErrorPtr    last)
{
  if (self->seen_root)
    return FALSE;

  if (last->code == XML_ERR_DOCUMENT_EMPTY)
    {
      g_clear_error (&self->error);
      self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                                 _("%s is not a KML file: its content is not XML text"),
                                 self->file_name);
      return TRUE;
    }
  if (last->code == XML_ERR_DOCUMENT_END && self->ended_input)
    {
      g_clear_error (&self->error);
      self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                                 _("%s holds no KML: it has an XML header or comments but no elements"),
                                 self->file_name);
      return TRUE;
    }
  return FALSE;
}

static void
on_structured_error (void        *user_data,
                     xmlErrorPtr  error)
{
  AmapKmlReader *self = user_data;
  g_autofree char *message = NULL;

  if (error == NULL || error->level < XML_ERR_FATAL || self->error != NULL)
    return;
  if (set_truncated_error (self, error) || set_no_document_error (self, error))
    return;

  message = g_strdup (error->message != NULL ? error->message : "");
  g_strstrip (message);

  /* Translators: FILE:LINE:COLUMN: libxml2's description (English) */
  self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                             _("%s:%d:%d: %s"),
                             self->file_name, error->line, error->int2, message);
}

/* The parser */

static void
reset_document_state (AmapKmlReader *self)
{
  g_clear_pointer (&self->ctxt, xmlFreeParserCtxt);
  self->last_uri = NULL;
  g_clear_error (&self->error);
  self->ended = FALSE;
  self->ended_input = FALSE;
  self->seen_root = FALSE;
  self->cur_element = NULL;
  self->bytes_read = 0;
  self->n_frames = 0;
  g_string_truncate (self->text, 0);
  g_string_truncate (self->markup, 0);
  g_ptr_array_set_size (self->folders, 0);
  g_ptr_array_set_size (self->path_sums, 0);
  self->n_path_sums = 0;
  g_ptr_array_set_size (self->folder_keys, 0);
  g_array_set_size (self->folder_serials, 0);
  self->n_folders = 0;
  g_hash_table_remove_all (self->style_cache);
  g_ptr_array_set_size (self->builds, 0);
  g_clear_pointer (&self->placemark, placemark_free);
  g_clear_pointer (&self->cur_style, style_info_free);
  g_clear_pointer (&self->cur_map, style_info_free);
  g_clear_pointer (&self->cur_style_id, g_free);
  g_clear_pointer (&self->pair_key, g_free);
  g_clear_pointer (&self->pair_url, g_free);
  g_clear_pointer (&self->pair_style, style_info_free);
  g_clear_pointer (&self->data_name, g_free);
  g_clear_pointer (&self->data_value, g_free);
  g_clear_pointer (&self->schema_name, g_free);
  g_clear_pointer (&self->schema_parent, g_free);
  self->n_placemarks = 0;
  self->n_skipped = 0;
  self->only_blank = TRUE;
  id_set_clear (&self->source_ids);
  g_hash_table_remove_all (self->uuids);
}

static xmlSAXHandler *
get_sax_handler (void)
{
  static xmlSAXHandler sax;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      memset (&sax, 0, sizeof sax);
      sax.initialized = XML_SAX2_MAGIC;
      sax.startElementNs = on_start_element;
      sax.endElementNs = on_end_element;
      sax.characters = on_characters;
      sax.cdataBlock = on_cdata;
      sax.internalSubset = on_internal_subset;
      sax.externalSubset = on_internal_subset;
      sax.entityDecl = on_entity_decl;
      sax.serror = on_structured_error;
      g_once_init_leave (&initialized, 1);
    }

  return &sax;
}

static void
ignore_generic_error (void       *ctx,
                      const char *msg,
                      ...)
{
}

static gboolean
ensure_parser (AmapKmlReader *self)
{
  if (self->ctxt != NULL)
    return TRUE;

  /* Encoding errors also go to libxml2's generic handler, which prints
   * to stderr; we report them through the structured error instead.
   * (The handler is per thread.) */
  xmlSetGenericErrorFunc (NULL, ignore_generic_error);

  self->ctxt = xmlCreatePushParserCtxt (get_sax_handler (), self, NULL, 0, self->file_name);
  if (self->ctxt == NULL)
    {
      self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_FAILED,
                                 _("Could not start reading %s"), self->file_name);
      return FALSE;
    }
  xmlCtxtUseOptions (self->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  return TRUE;
}

/* xmlParseChunk() also returns non-zero for recoverable (namespace)
 * errors; only a document that is not well-formed is an error for us. */
static void
check_parse_result (AmapKmlReader *self,
                    int            rc)
{
  xmlErrorPtr last;

  if (rc == 0 || self->error != NULL || self->ctxt->wellFormed)
    return;

  last = xmlCtxtGetLastError (self->ctxt);
  if (last != NULL && (set_truncated_error (self, last) || set_no_document_error (self, last)))
    return;

  if (last != NULL && last->message != NULL)
    {
      g_autofree char *message = g_strstrip (g_strdup (last->message));

      self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE, _("%s:%d:%d: %s"),
                                 self->file_name, last->line, last->int2, message);
    }
  else
    self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                               _("%s:%u: the file is not well-formed XML"),
                               self->file_name, current_line (self));
}

/* GObject */

static void
amap_kml_reader_finalize (GObject *object)
{
  AmapKmlReader *self = (AmapKmlReader *) object;

  reset_document_state (self);
  g_free (self->file_name);
  g_free (self->file_basename);
  g_free (self->default_category);
  g_array_unref (self->categories);
  g_free (self->frames);
  g_string_free (self->text, TRUE);
  g_string_free (self->markup, TRUE);
  g_ptr_array_unref (self->folders);
  g_ptr_array_unref (self->path_sums);
  g_ptr_array_unref (self->folder_keys);
  g_array_unref (self->folder_serials);
  g_hash_table_unref (self->style_cache);
  g_ptr_array_unref (self->builds);
  g_hash_table_unref (self->styles);
  g_hash_table_unref (self->aliases);
  g_hash_table_unref (self->uuids);

  G_OBJECT_CLASS (amap_kml_reader_parent_class)->finalize (object);
}

static void
amap_kml_reader_class_init (AmapKmlReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_kml_reader_finalize;

  /* libxml2 wants this once, before any parsing in any thread. */
  xmlInitParser ();
}

static void
amap_kml_reader_init (AmapKmlReader *self)
{
  self->max_bytes = DEFAULT_MAX_BYTES;
  self->categories = g_array_new (FALSE, TRUE, sizeof (CategoryInfo));
  g_array_set_clear_func (self->categories, category_info_clear);
  self->text = g_string_new (NULL);
  self->markup = g_string_new (NULL);
  self->folders = g_ptr_array_new_with_free_func (g_free);
  self->path_sums = g_ptr_array_new_with_free_func ((GDestroyNotify) g_checksum_free);
  self->folder_keys = g_ptr_array_new ();
  self->folder_serials = g_array_new (FALSE, FALSE, sizeof (guint));
  self->style_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->builds = g_ptr_array_new_with_free_func ((GDestroyNotify) geom_build_free);
  self->styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) style_info_free);
  self->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->only_blank = TRUE;
}

/* Public API */

static void
add_category (AmapKmlReader *self,
              AmapCategory  *category)
{
  CategoryInfo info = { 0 };
  const char *color = amap_category_get_color (category);

  info.key = g_strdup (amap_category_get_key (category));
  info.name_folded = g_utf8_casefold (amap_category_get_name (category), -1);
  if (color != NULL && color[0] == '#' && parse_rgb (color + 1, &info.r, &info.g, &info.b))
    info.has_color = TRUE;
  g_array_append_val (self->categories, info);
}

AmapKmlReader *
amap_kml_reader_new (const char *file_name)
{
  AmapKmlReader *self = g_object_new (AMAP_TYPE_KML_READER, NULL);
  g_autoptr(GPtrArray) builtin = amap_category_list_builtin ();

  self->file_name = g_strdup (file_name != NULL ? file_name : "");
  for (guint i = 0; i < builtin->len; i++)
    add_category (self, g_ptr_array_index (builtin, i));

  return self;
}

const char *
amap_kml_reader_get_file_name (AmapKmlReader *self)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), NULL);

  return self->file_name;
}

void
amap_kml_reader_set_default_category (AmapKmlReader *self,
                                      const char    *key)
{
  g_return_if_fail (AMAP_IS_KML_READER (self));

  g_free (self->default_category);
  self->default_category = g_strdup (key);
}

void
amap_kml_reader_set_categories (AmapKmlReader *self,
                                GListModel    *categories)
{
  g_return_if_fail (AMAP_IS_KML_READER (self));
  g_return_if_fail (G_IS_LIST_MODEL (categories));

  g_array_set_size (self->categories, 0);
  g_hash_table_remove_all (self->style_cache);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);
      add_category (self, category);
    }
}

void
amap_kml_reader_set_callbacks (AmapKmlReader        *self,
                               AmapKmlPlacemarkFunc  placemark_func,
                               AmapKmlMessageFunc    message_func,
                               gpointer              user_data)
{
  g_return_if_fail (AMAP_IS_KML_READER (self));

  self->placemark_func = placemark_func;
  self->message_func = message_func;
  self->user_data = user_data;
}

void
amap_kml_reader_set_max_bytes (AmapKmlReader *self,
                               guint64        max_bytes)
{
  g_return_if_fail (AMAP_IS_KML_READER (self));

  self->max_bytes = max_bytes;
}

void
amap_kml_reader_begin (AmapKmlReader *self)
{
  g_return_if_fail (AMAP_IS_KML_READER (self));

  reset_document_state (self);
}

gboolean
amap_kml_reader_feed (AmapKmlReader  *self,
                      const char     *data,
                      gsize           len,
                      GError        **error)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->error == NULL && self->ended)
    self->error = g_error_new_literal (AMAP_ERROR, AMAP_ERROR_FAILED,
                                       "amap_kml_reader_feed() after end()");

  if (self->error == NULL && len > self->max_bytes - MIN (self->bytes_read, self->max_bytes))
    self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_UNSAFE,
                               _("%s is larger than the %u MB that can be imported"),
                               self->file_name, (guint) (self->max_bytes / (1024 * 1024)));

  /* Say what a file is when it is not XML at all, instead of the
   * parser's "Document is empty". */
  if (self->error == NULL && self->bytes_read == 0 && len >= 2)
    {
      const guchar *bytes = (const guchar *) data;

      if (bytes[0] == 0x1f && bytes[1] == 0x8b)
        self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                                   _("%s is a gzip-compressed file, not KML: uncompress it first, then import the file it holds"),
                                   self->file_name);
      else if (bytes[0] == 'P' && bytes[1] == 'K')
        self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                                   _("%s is a zip archive, not KML: if it is a KMZ, import it as a .kmz file"),
                                   self->file_name);
    }

  /* Whether the file is empty is told apart from XML errors at the end. */
  for (gsize i = 0; self->only_blank && i < len; i++)
    {
      guchar c = (guchar) data[i];

      /* The bytes of a UTF-8 byte-order mark count as blank. */
      if (!g_ascii_isspace (c) && c != 0xef && c != 0xbb && c != 0xbf)
        self->only_blank = FALSE;
    }

  if (self->error == NULL && ensure_parser (self))
    {
      /* xmlParseChunk takes an int length. */
      while (len > 0 && self->error == NULL)
        {
          int chunk = (int) MIN (len, 1 << 20);
          int rc;

          self->bytes_read += chunk;
          rc = xmlParseChunk (self->ctxt, data, chunk, 0);
          check_parse_result (self, rc);
          data += chunk;
          len -= chunk;
        }
    }

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

gboolean
amap_kml_reader_end (AmapKmlReader  *self,
                     GError        **error)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->error == NULL && !self->ended && self->only_blank)
    self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                               _("%s is empty: there is nothing to import"), self->file_name);

  if (self->error == NULL && !self->ended && ensure_parser (self))
    {
      int rc;

      self->ended_input = TRUE;
      rc = xmlParseChunk (self->ctxt, NULL, 0, 1);

      check_parse_result (self, rc);
      if (self->error == NULL && !self->seen_root)
        self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                                   _("%s: the file is empty"), self->file_name);
    }
  self->ended = TRUE;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  if (self->n_placemarks == 0 && self->n_skipped == 0)
    emit_message (self, AMAP_IMPORT_MESSAGE_NOTICE, 0,
                  _("The file contains no placemarks"));

  return TRUE;
}

guint64
amap_kml_reader_get_bytes_read (AmapKmlReader *self)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), 0);

  return self->bytes_read;
}

gboolean
amap_kml_reader_read_stream (AmapKmlReader  *self,
                             GInputStream   *stream,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autofree char *buffer = NULL;
  const gsize buffer_size = 256 * 1024;

  g_return_val_if_fail (AMAP_IS_KML_READER (self), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  amap_kml_reader_begin (self);
  buffer = g_malloc (buffer_size);

  while (TRUE)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      n = g_input_stream_read (stream, buffer, buffer_size, cancellable, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      if (!amap_kml_reader_feed (self, buffer, n, error))
        return FALSE;
    }

  return amap_kml_reader_end (self, error);
}

gboolean
amap_kml_reader_read_bytes (AmapKmlReader  *self,
                            GBytes         *bytes,
                            GError        **error)
{
  gsize len;
  const char *data;

  g_return_val_if_fail (AMAP_IS_KML_READER (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  amap_kml_reader_begin (self);
  data = g_bytes_get_data (bytes, &len);
  if (len > 0 && !amap_kml_reader_feed (self, data, len, error))
    return FALSE;
  return amap_kml_reader_end (self, error);
}

const char *
amap_kml_reader_resolve_style (AmapKmlReader *self,
                               const char    *style_url)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), NULL);

  if (style_url == NULL)
    return NULL;
  return category_from_style_url (self, style_url, NULL);
}

gboolean
amap_kml_reader_get_is_own_file (AmapKmlReader *self)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), FALSE);

  return self->is_own_file;
}

gboolean
amap_kml_reader_get_private_omitted (AmapKmlReader *self)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), FALSE);

  return self->is_own_file && self->private_omitted;
}

guint
amap_kml_reader_get_n_placemarks (AmapKmlReader *self)
{
  g_return_val_if_fail (AMAP_IS_KML_READER (self), 0);

  return self->n_placemarks;
}
