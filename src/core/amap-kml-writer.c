/* amap-kml-writer.c: assets in, KML 2.2 bytes out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-kml-writer"

#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "amap-asset-record.h"
#include "amap-error.h"
#include "amap-geometry.h"
#include "amap-kml-writer.h"
#include "amap-kmz-writer.h"

/*
 * The file layout (element order follows ogckml22.xsd):
 *
 *   <kml xmlns="http://www.opengis.net/kml/2.2">
 *     <Document>
 *       <name>TITLE</name>
 *       <Style id="cat-KEY">…</Style> <Style id="hub-KEY">…</Style> …
 *       <ExtendedData><Data name="asset_map_version">…</Data></ExtendedData>
 *       <Folder><name>CATEGORY NAME</name>
 *         <Placemark id="asset-UUID">
 *           name, address, phoneNumber, description (the asset's own),
 *           styleUrl, ExtendedData, geometry
 *         </Placemark> …
 *       </Folder> …
 *
 * The geometry is a Point for a plain location. An asset with a shape gets
 * the shape (LineString, Polygon or a MultiGeometry for a collection). When
 * its pin is not where a reader would put it (the shape's representative
 * point, amap_geometry_get_representative_point()), because the user moved
 * it, pin and shape go into a MultiGeometry of exactly two members, the
 * Point first and the shape second, so that the pin survives a round trip.
 *
 * ExtendedData names, shared with the reader (amap-kml-reader.c): uuid,
 * category, is_hub, stage, address, phone, email, website, strengths,
 * needs, last_contacted, created, modified (ISO 8601 UTC), tags, contacts,
 * interactions (JSON), source_id, folders (JSON: the folder path, outermost
 * first), location_source ("manual", "imported", "geocoded"), then each
 * extra field under its own name. Unset values are omitted.
 *
 * The card Google Earth shows (write_balloon()) can only put a field's
 * value as it is, so three fields say for people what another says for
 * programs, each right after it (format 3): stage_name after stage (the
 * stage's name in the language of the export, "Met"), tag_list after
 * tags ("family nights, food") and key_leaders after contacts ("Marisol
 * Vega (Owner), (510) 555-0131; …"). The reader drops them there, and
 * only there: an extra field of the same name comes after the own ones.
 *
 * A file for others (amap_kml_writer_set_include_private()) has no
 * contacts, interactions or last_contacted, and says so in the Document's
 * ExtendedData: private_data = "omitted".
 */

#define KML_NAMESPACE "http://www.opengis.net/kml/2.2"
/* The Document's "asset_map_format": what the reader may expect where. */
#define KML_FORMAT "3"

#define REMOTE_ICON     "https://maps.google.com/mapfiles/kml/paddle/wht-blank.png"
#define REMOTE_HUB_ICON "https://maps.google.com/mapfiles/kml/paddle/wht-stars.png"
#define HUB_SCALE       "1.4"
#define UNKNOWN_COLOR   "#9a9996"

/* Where the Data lines go, and the end tag of their ExtendedData: one
 * element to a line, without indentation (see struct _Output). */
#define DOCUMENT_DATA_INDENT  ""
#define DOCUMENT_DATA_END     "\n"
#define PLACEMARK_DATA_INDENT ""
#define PLACEMARK_DATA_END    "\n"

/* The output goes out in pieces of about this size. */
#define OUTPUT_CHUNK (256 * 1024)
#define MAX_DEPTH 64

/* g_string_append_len() without the call while there is room: the
 * writer appends many short pieces. */
static inline void
put_len (GString    *str,
         const char *text,
         gsize       len)
{
  if (G_LIKELY (str->len + len < str->allocated_len))
    {
      memcpy (str->str + str->len, text, len);
      str->len += len;
      str->str[str->len] = '\0';
    }
  else
    g_string_append_len (str, text, len);
}

static inline void
put (GString    *str,
     const char *text)
{
  put_len (str, text, strlen (text));
}

typedef struct _Output Output;

struct _AmapKmlWriter
{
  GObject parent_instance;

  char         *title;
  GPtrArray    *categories;       /* AmapCategory */
  GPtrArray    *used_categories;  /* AmapCategory */
  GHashTable   *used_groups;      /* key -> index in used_categories + 1 */
  AmapKmlIcons  icons;
  gboolean      include_private;  /* key leaders and the visit log */
  gboolean      by_layer;         /* Folders from the assets' folders */

  /* Between amap_kml_writer_begin() and _end() */
  Output       *out;
  guint         group;            /* of the open Folder, G_MAXUINT: none */
  GPtrArray    *open_folders;     /* by layer: the names of the open Folders */
};

G_DEFINE_FINAL_TYPE (AmapKmlWriter, amap_kml_writer, G_TYPE_OBJECT)

/* The names of our own fields in ExtendedData. An extra field with one of
 * these names is not written (the reader would take it for ours). */
static const char * const reserved_names[] = {
  "uuid", "category", "is_hub", "stage", "address", "phone", "email",
  "website", "strengths", "needs", "description", "last_contacted",
  "created", "modified", "tags", "contacts", "interactions", "source_id",
  "folders", "location_source",
};

/* One placemark to write, with what sorting needs. */
typedef struct
{
  AmapAsset *asset;
  guint      group;      /* index into used_categories */
  char      *sort_name;  /* casefolded name */
  /* By layer: the Folder path (its folders, or its category's name when it
   * has none) and the same casefolded, for sorting. NULL otherwise. */
  GStrv      layer;
  GStrv      sort_layer;
} Entry;

/* Labels of the HTML card, translated once per document. */
typedef struct
{
  const char *community_hub;
  const char *relationship;
  const char *last_contacted;
  const char *strengths;
  const char *needs;
  const char *key_leaders;
  const char *phone;
  const char *website;
  const char *email;
  const char *tags;
  const char *stage_names[AMAP_STAGE_INACTIVE + 1];
} CardLabels;

/* The output: XML written straight into @buffer, which goes to our
 * GOutputStream in large pieces, and the first failure. The bytes are
 * those xmlTextWriter wrote (as the writer used before), one element to a
 * line but without its indentation: at two spaces a level that was a
 * tenth of an export's bytes, and every byte costs writing and syncing
 * (xmllint --format puts it back for reading). Every helper does nothing
 * once something failed, so the code reads straight and checks once per
 * placemark. */
struct _Output
{
  GOutputStream    *stream;
  GCancellable     *cancellable;
  GError           *error;
  gboolean          failed;
  GString          *buffer;
  const char       *open[MAX_DEPTH];  /* the open elements' names */
  guint             depth;
  gboolean          tag_open;         /* "<name" written, not its ">" */
  GString          *scratch;
  GString          *card;   /* reused for each placemark's HTML card */
  GString          *id;     /* and its id */
  GString          *extras; /* an AmapAsset's extras, see record_from_asset() */
  CardLabels        labels;
};

static void
entry_clear (Entry *entry)
{
  g_clear_pointer (&entry->sort_name, g_free);
  g_clear_pointer (&entry->layer, g_strfreev);
  g_clear_pointer (&entry->sort_layer, g_strfreev);
}

/* Folder by folder; a folder's own placemarks come before its
 * subfolders. */
static int
compare_layers (const Entry *ea,
                const Entry *eb)
{
  guint i;

  for (i = 0; ea->layer[i] != NULL && eb->layer[i] != NULL; i++)
    {
      int cmp = strcmp (ea->sort_layer[i], eb->sort_layer[i]);

      if (cmp == 0)
        cmp = strcmp (ea->layer[i], eb->layer[i]);
      if (cmp != 0)
        return cmp;
    }

  if (ea->layer[i] == NULL && eb->layer[i] == NULL)
    return 0;
  return ea->layer[i] == NULL ? -1 : 1;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;
  int cmp;

  if (ea->layer != NULL && eb->layer != NULL)
    {
      cmp = compare_layers (ea, eb);
      if (cmp != 0)
        return cmp;
    }
  else if (ea->group != eb->group)
    return ea->group < eb->group ? -1 : 1;

  cmp = strcmp (ea->sort_name, eb->sort_name);
  if (cmp != 0)
    return cmp;

  cmp = g_strcmp0 (amap_asset_get_name (ea->asset), amap_asset_get_name (eb->asset));
  if (cmp != 0)
    return cmp;

  return g_strcmp0 (amap_asset_get_uuid (ea->asset), amap_asset_get_uuid (eb->asset));
}

/* Keeps [A-Za-z0-9.-] and writes any other byte as _XX, so that distinct
 * keys give distinct ids and file names, all valid in XML ids and zips. */
static void
append_escaped_key (GString    *str,
                    const char *key)
{
  static const char hex[] = "0123456789ABCDEF";
  const char *run = key;
  const char *p;

  /* Runs of kept characters in one copy: a uuid is one run. */
  for (p = key; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      char escaped[3];

      if (g_ascii_isalnum (c) || c == '.' || c == '-')
        continue;
      put_len (str, run, p - run);
      escaped[0] = '_';
      escaped[1] = hex[c >> 4];
      escaped[2] = hex[c & 0xF];
      put_len (str, escaped, 3);
      run = p + 1;
    }
  put_len (str, run, p - run);
}

static char *
dup_style_id (const char *key,
              gboolean    hub)
{
  GString *id = g_string_new (hub ? "hub-" : "cat-");

  append_escaped_key (id, key);
  return g_string_free (id, FALSE);
}

/* "#rrggbb" to KML's aabbggrr. */
static char *
dup_kml_color (const char *color,
               const char *alpha)
{
  if (color == NULL || !amap_color_is_valid (color))
    color = UNKNOWN_COLOR;

  return g_strdup_printf ("%s%c%c%c%c%c%c", alpha,
                          g_ascii_tolower (color[5]), g_ascii_tolower (color[6]),
                          g_ascii_tolower (color[3]), g_ascii_tolower (color[4]),
                          g_ascii_tolower (color[1]), g_ascii_tolower (color[2]));
}

static gboolean
is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xA || c == 0xD
         || (c >= 0x20 && c <= 0xD7FF)
         || (c >= 0xE000 && c <= 0xFFFD)
         || (c >= 0x10000 && c <= 0x10FFFF);
}

/* User text as XML 1.0 can carry it: valid UTF-8 without the control
 * characters XML forbids. Returns @text itself when it is fine already
 * (the usual case), else a cleaned copy in @out->scratch. */
static gboolean
is_clean_text (const char *text)
{
  gboolean ascii = TRUE;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
        return FALSE;
      if (*p >= 0x80)
        {
          ascii = FALSE;
          /* U+FFFE and U+FFFF: EF BF BE / EF BF BF */
          if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
            return FALSE;
        }
    }

  return ascii || g_utf8_validate (text, -1, NULL);
}

static const char *
xml_text (Output     *out,
          const char *text)
{
  g_autofree char *valid = NULL;

  if (is_clean_text (text))
    return text;

  valid = g_utf8_make_valid (text, -1);
  g_string_truncate (out->scratch, 0);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_xml_char (c))
        g_string_append_unichar (out->scratch, c);
    }

  return out->scratch->str;
}

/* Output helpers */

/* Sends what is buffered to the stream. */
static void
flush (Output *out)
{
  if (out->failed || out->buffer->len == 0)
    return;

  if (!g_output_stream_write_all (out->stream, out->buffer->str, out->buffer->len, NULL,
                                  out->cancellable, &out->error))
    out->failed = TRUE;
  g_string_truncate (out->buffer, 0);
}

static inline void
maybe_flush (Output *out)
{
  if (out->buffer->len >= OUTPUT_CHUNK)
    flush (out);
}

/* Before text inside the open element: ends its start tag. */
static void
begin_content (Output *out)
{
  if (out->tag_open)
    {
      g_string_append_c (out->buffer, '>');
      out->tag_open = FALSE;
    }
}

static void
start (Output     *out,
       const char *element)
{
  if (out->failed)
    return;
  if (out->depth == MAX_DEPTH)
    {
      out->failed = TRUE;
      return;
    }

  if (out->tag_open)
    put_len (out->buffer, ">\n", 2);
  g_string_append_c (out->buffer, '<');
  put (out->buffer, element);
  out->open[out->depth++] = element;
  out->tag_open = TRUE;
}

static void
end (Output *out)
{
  if (out->failed || out->depth == 0)
    return;

  out->depth--;
  if (out->tag_open)
    {
      put_len (out->buffer, "/>\n", 3);
      out->tag_open = FALSE;
    }
  else
    {
      put_len (out->buffer, "</", 2);
      put (out->buffer, out->open[out->depth]);
      put_len (out->buffer, ">\n", 2);
    }
  maybe_flush (out);
}

typedef enum
{
  ESCAPE_DATA,       /* Data values: & < > \r */
  ESCAPE_TEXT,       /* element text, as xmlTextWriter: also " */
  ESCAPE_ATTRIBUTE,  /* in double quotes: also \n and \t */
  ESCAPE_NONE,       /* CDATA: only checked */
} EscapeMode;

/* What try_append_escaped() does with each byte: ESCAPE_PLAIN bytes are
 * copied as they are, in runs (most of the text). */
enum
{
  ESCAPE_PLAIN,
  ESCAPE_SPECIAL,   /* & < > " \r \n \t: depends on the mode */
  ESCAPE_CONTROL,   /* other C0 controls: XML cannot carry them */
  ESCAPE_LATIN,     /* C2..DF: the lead byte of U+0080..U+07FF */
  ESCAPE_UTF8,      /* any other byte from 0x80 */
};

static const guint8 escape_class[256] = {
  /* 0x00 ends the text: the loop stops there. */
  [0x00 ... 0x08] = ESCAPE_CONTROL,
  ['\t'] = ESCAPE_SPECIAL, ['\n'] = ESCAPE_SPECIAL,
  [0x0B ... 0x0C] = ESCAPE_CONTROL,
  ['\r'] = ESCAPE_SPECIAL,
  [0x0E ... 0x1F] = ESCAPE_CONTROL,
  ['&'] = ESCAPE_SPECIAL, ['<'] = ESCAPE_SPECIAL, ['>'] = ESCAPE_SPECIAL,
  ['"'] = ESCAPE_SPECIAL,
  [0x80 ... 0xC1] = ESCAPE_UTF8,
  [0xC2 ... 0xDF] = ESCAPE_LATIN,
  [0xE0 ... 0xFF] = ESCAPE_UTF8,
};

/* The first byte from @p that is not ESCAPE_PLAIN (at the latest, the
 * NUL at the end). Most text is long runs of plain ASCII: with SSE2,
 * sixteen bytes at a time, by aligned loads, which never cross into the
 * next page, so reading past the NUL is safe (the sanitizer cannot know
 * that: it is not told about this function). */
#if defined(__SSE2__)
#include <emmintrin.h>

__attribute__((no_sanitize_address))
static inline const guchar *
skip_plain (const guchar *p)
{
  const __m128i space = _mm_set1_epi8 (0x20);
  const __m128i amp = _mm_set1_epi8 ('&');
  const __m128i lt = _mm_set1_epi8 ('<');
  const __m128i gt = _mm_set1_epi8 ('>');
  const __m128i quot = _mm_set1_epi8 ('"');
  const __m128i below_lead = _mm_set1_epi8 ((char) 0xC1);
  const __m128i above_lead = _mm_set1_epi8 ((char) 0xE0);
  const __m128i above_cont = _mm_set1_epi8 ((char) 0xC0);
  guintptr offset = (guintptr) p & 15;
  const __m128i *block = (const __m128i *) (p - offset);
  /* Bytes before @p in the first block do not count. */
  guint mask_off = (~0u << offset) & 0xFFFF;

  for (;;)
    {
      __m128i v = _mm_load_si128 (block);
      /* Signed: below 0x20 are the controls and the NUL, and every byte
       * from 0x80 (negative), sorted out below. */
      __m128i special = _mm_or_si128 (_mm_or_si128 (_mm_cmplt_epi8 (v, space),
                                                    _mm_cmpeq_epi8 (v, amp)),
                                      _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (v, lt),
                                                                  _mm_cmpeq_epi8 (v, gt)),
                                                    _mm_cmpeq_epi8 (v, quot)));
      guint mask = (guint) _mm_movemask_epi8 (special);
      guint high = (guint) _mm_movemask_epi8 (v);

      if (high != 0)
        {
          /* Two-byte characters (C2..DF, then 80..BF: U+0080 to U+07FF,
           * all fine in XML) are plain too, when whole inside the block;
           * anything else from 0x80 goes the careful way. */
          guint lead = (guint) _mm_movemask_epi8 (_mm_and_si128 (_mm_cmpgt_epi8 (v, below_lead),
                                                                 _mm_cmplt_epi8 (v, above_lead)));
          guint cont = (guint) _mm_movemask_epi8 (_mm_cmplt_epi8 (v, above_cont)) & high;
          /* (A lead byte before @p is another text's.) */
          guint pairs = lead & mask_off & (cont >> 1) & 0x7FFF;

          mask = (mask & ~high) | (high & ~(pairs | (pairs << 1)));
        }
      mask &= mask_off;

      if (mask != 0)
        return (const guchar *) block + __builtin_ctz (mask);
      mask_off = 0xFFFF;
      block++;
    }
}
#else
static inline const guchar *
skip_plain (const guchar *p)
{
  while (escape_class[*p] == ESCAPE_PLAIN)
    p++;
  return p;
}
#endif

/* Appends @text escaped for @mode, checking on the way that XML can
 * carry it (see is_clean_text()). FALSE, with @str as it was, when it
 * cannot: the caller cleans it first. One pass over the text. */
static gboolean
try_append_escaped (GString    *str,
                    const char *text,
                    EscapeMode  mode)
{
  gsize before = str->len;
  const guchar *run = (const guchar *) text;
  const guchar *p = run;

  for (;;)
    {
      const char *entity;
      guchar c;

      p = skip_plain (p);
      c = *p;
      if (c == '\0')
        break;

      switch (escape_class[c])
        {
        case ESCAPE_LATIN:
          /* Latin letters and the like: U+0080 to U+07FF, all fine. */
          if ((p[1] & 0xC0) == 0x80)
            {
              p += 2;
              continue;
            }
          G_GNUC_FALLTHROUGH;
        case ESCAPE_UTF8:
          {
            gunichar u = g_utf8_get_char_validated ((const char *) p, -1);

            if (u >= 0x80000000 || !is_xml_char (u))
              goto unclean;
            p = (const guchar *) g_utf8_next_char (p);
            continue;
          }
        case ESCAPE_CONTROL:
          goto unclean;
        default:
          break;
        }

      /* ESCAPE_SPECIAL */
      if (mode == ESCAPE_NONE)
        {
          p++;
          continue;
        }
      switch (c)
        {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '\r': entity = "&#13;"; break;
        case '"': entity = mode != ESCAPE_DATA ? "&quot;" : NULL; break;
        case '\n': entity = mode == ESCAPE_ATTRIBUTE ? "&#10;" : NULL; break;
        case '\t': entity = mode == ESCAPE_ATTRIBUTE ? "&#9;" : NULL; break;
        default: g_assert_not_reached ();
        }

      if (entity != NULL)
        {
          put_len (str, (const char *) run, p - run);
          put (str, entity);
          run = p + 1;
        }
      p++;
    }
  put_len (str, (const char *) run, p - run);
  return TRUE;

unclean:
  g_string_truncate (str, before);
  return FALSE;
}

/* @text escaped for @mode, cleaned first if need be. */
static void
append_escaped (Output     *out,
                const char *text,
                EscapeMode  mode)
{
  if (!try_append_escaped (out->buffer, text, mode))
    try_append_escaped (out->buffer, xml_text (out, text), mode);
}

/* An attribute of the element just started; @value is ASCII (ids, our
 * own constants): xmlTextWriter wrote anything else as character
 * references, which no value of ours needs. */
static void
attribute (Output     *out,
           const char *name,
           const char *value)
{
  if (out->failed || !out->tag_open)
    return;

  g_string_append_c (out->buffer, ' ');
  put (out->buffer, name);
  put_len (out->buffer, "=\"", 2);
  value = xml_text (out, value);
  {
    /* The usual value (an id) has nothing to escape: one copy. */
    gsize plain = 0;

    while (value[plain] >= 0x20 && value[plain] < 0x7f && value[plain] != '&' &&
           value[plain] != '<' && value[plain] != '>' && value[plain] != '"')
      plain++;
    put_len (out->buffer, value, plain);
    value += plain;
  }
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (*p >= 0x80)
        {
          /* As xmlTextWriter: the character as a reference. */
          const char *next = g_utf8_next_char ((const char *) p);

          g_string_append_printf (out->buffer, "&#x%X;", g_utf8_get_char ((const char *) p));
          p = (const guchar *) next - 1;
          continue;
        }
      switch (*p)
        {
        case '&': put (out->buffer, "&amp;"); break;
        case '<': put (out->buffer, "&lt;"); break;
        case '>': put (out->buffer, "&gt;"); break;
        case '"': put (out->buffer, "&quot;"); break;
        case '\r': put (out->buffer, "&#13;"); break;
        case '\n': put (out->buffer, "&#10;"); break;
        case '\t': put (out->buffer, "&#9;"); break;
        default: g_string_append_c (out->buffer, (char) *p); break;
        }
    }
  g_string_append_c (out->buffer, '"');
}

/* Text inside the open element, escaped. */
static void
text (Output     *out,
      const char *value)
{
  if (out->failed)
    return;

  begin_content (out);
  append_escaped (out, value, ESCAPE_TEXT);
}

/* <element>text</element>, escaped; nothing when @text is NULL. */
static void
element (Output     *out,
         const char *name,
         const char *value)
{
  if (out->failed || value == NULL)
    return;

  start (out, name);
  text (out, value);
  end (out);
}

/* CDATA may not contain "]]>": end the section between "]]" and ">". */
static void
cdata (Output     *out,
       const char *value)
{
  const char *rest;
  const char *split;

  if (out->failed)
    return;

  begin_content (out);
  if (strstr (value, "]]>") == NULL)
    {
      put_len (out->buffer, "<![CDATA[", 9);
      if (try_append_escaped (out->buffer, value, ESCAPE_NONE))
        {
          put_len (out->buffer, "]]>", 3);
          return;
        }
      g_string_truncate (out->buffer, out->buffer->len - 9);
    }

  rest = xml_text (out, value);
  while ((split = strstr (rest, "]]>")) != NULL)
    {
      put_len (out->buffer, "<![CDATA[", 9);
      put_len (out->buffer, rest, split + 2 - rest);
      put_len (out->buffer, "]]>", 3);
      rest = split + 2;
    }
  put_len (out->buffer, "<![CDATA[", 9);
  put (out->buffer, rest);
  put_len (out->buffer, "]]>", 3);
}

static void
raw (Output     *out,
     const char *value)
{
  if (out->failed)
    return;

  begin_content (out);
  put (out->buffer, value);
}

/* One line per field, <Data name="…"><value>…</value></Data>, written
 * directly: the ExtendedData is most of the file. */
static void
data (Output     *out,
      const char *indent,
      const char *name,
      const char *value)
{
  if (value == NULL || out->failed)
    return;

  begin_content (out);
  g_string_append_c (out->buffer, '\n');
  put (out->buffer, indent);
  put_len (out->buffer, "<Data name=\"", 12);
  append_escaped (out, name, ESCAPE_ATTRIBUTE);
  put_len (out->buffer, "\"><value>", 9);
  append_escaped (out, value, ESCAPE_DATA);
  put_len (out->buffer, "</value></Data>", 15);
}

/* data() for one of our own names (a literal, nothing to escape), its
 * line up to the value written as one piece. */
static void
own_data (Output     *out,
          const char *line,
          gsize       line_len,
          const char *value)
{
  if (value == NULL || out->failed)
    return;

  begin_content (out);
  put_len (out->buffer, line, line_len);
  append_escaped (out, value, ESCAPE_DATA);
  put_len (out->buffer, "</value></Data>", 15);
}

#define OWN_DATA(out, name, value) \
  own_data ((out), "\n" PLACEMARK_DATA_INDENT "<Data name=\"" name "\"><value>", \
            sizeof ("\n" PLACEMARK_DATA_INDENT "<Data name=\"" name "\"><value>") - 1, (value))

/* The HTML card */

/* Escaped for HTML (as g_markup_escape_text() does for the characters
 * XML may carry), line breaks kept as <br>. */
static void
append_html (GString    *html,
             const char *text)
{
  const char *run = text;
  const char *p;

  for (p = text; *p != '\0'; p++)
    {
      const char *replacement;

      switch (*p)
        {
        case '&': replacement = "&amp;"; break;
        case '<': replacement = "&lt;"; break;
        case '>': replacement = "&gt;"; break;
        case '"': replacement = "&quot;"; break;
        case '\'': replacement = "&#39;"; break;
        case '\n': replacement = "<br>"; break;
        case '\r': replacement = p[1] == '\n' ? "" : "<br>"; break;
        default: continue;
        }

      put_len (html, run, p - run);
      put (html, replacement);
      run = p + 1;
    }
  put_len (html, run, p - run);
}

static void
set_card_labels (CardLabels *labels)
{
  labels->community_hub = _("Community hub");
  labels->relationship = _("Relationship:");
  labels->last_contacted = _("Last contacted:");
  labels->strengths = _("Strengths:");
  labels->needs = _("Needs:");
  labels->key_leaders = _("Key leaders:");
  labels->phone = _("Phone:");
  labels->website = _("Website:");
  labels->email = _("Email:");
  labels->tags = _("Tags:");
  for (guint i = 0; i < G_N_ELEMENTS (labels->stage_names); i++)
    labels->stage_names[i] = amap_stage_get_display_name (i);
}

/* Styles */

/* The card Google Earth shows for the placemarks of a style: a template
 * over their fields ($[name] and $[address] are the Placemark's elements,
 * $[description] its <description>, the rest its ExtendedData), written
 * once per style instead of once per placemark. */
static void
write_balloon (Output       *out,
               AmapCategory *category,
               gboolean      hub,
               gboolean      include_private)
{
  const CardLabels *labels = &out->labels;
  GString *html = out->card;
  const struct {
    const char *label;
    const char *field;
    gboolean    private;
  } lines[] = {
    { labels->relationship, "stage_name", FALSE },
    { labels->last_contacted, "last_contacted", TRUE },
    { labels->strengths, "strengths", FALSE },
    { labels->needs, "needs", FALSE },
    { labels->key_leaders, "key_leaders", TRUE },
    { NULL, "description", FALSE },
    { labels->phone, "phone", FALSE },
    { labels->website, "website", FALSE },
    { labels->email, "email", FALSE },
    { labels->tags, "tag_list", FALSE },
  };

  g_string_truncate (html, 0);
  put (html, "<h3>$[name]</h3>\n<p><i>");
  append_html (html, amap_category_get_name (category));
  if (hub)
    {
      put (html, " · ");
      append_html (html, labels->community_hub);
    }
  put (html, "</i></p>\n<p>$[address]</p>\n");
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      if (lines[i].private && !include_private)
        continue;
      put (html, "<p>");
      if (lines[i].label != NULL)
        {
          put (html, "<b>");
          append_html (html, lines[i].label);
          put (html, "</b> ");
        }
      put (html, "$[");
      put (html, lines[i].field);
      put (html, "]</p>\n");
    }
  put (html, "$[geDirections]");

  start (out, "BalloonStyle");
  start (out, "text");
  cdata (out, html->str);
  end (out);
  end (out);
}

static void
write_style (Output       *out,
             AmapKmlIcons  icons,
             AmapCategory *category,
             gboolean      hub,
             gboolean      include_private)
{
  const char *key = amap_category_get_key (category);
  const char *color = amap_category_get_color (category);
  g_autofree char *id = dup_style_id (key, hub);
  g_autofree char *icon_color = dup_kml_color (color, "ff");
  g_autofree char *line_color = dup_kml_color (color, "ff");
  g_autofree char *poly_color = dup_kml_color (color, "66");
  g_autofree char *href = NULL;

  if (icons == AMAP_KML_ICONS_PACKAGED)
    href = amap_kml_writer_dup_icon_path (key);
  else
    href = g_strdup (hub ? REMOTE_HUB_ICON : REMOTE_ICON);

  start (out, "Style");
  attribute (out, "id", id);

  start (out, "IconStyle");
  /* The remote paddles are white and take the category color as a tint;
   * our packaged icons are drawn in that color already, and a tint would
   * darken them. */
  if (icons == AMAP_KML_ICONS_REMOTE)
    element (out, "color", icon_color);
  if (hub)
    element (out, "scale", HUB_SCALE);
  start (out, "Icon");
  element (out, "href", href);
  end (out);
  if (!out->failed)
    {
      if (icons == AMAP_KML_ICONS_PACKAGED)
        {
          /* The app's pin: its tip is the spot. */
          double hot_x, hot_y;
          char x_text[G_ASCII_DTOSTR_BUF_SIZE], y_text[G_ASCII_DTOSTR_BUF_SIZE];

          amap_kmz_get_pin_hot_spot (&hot_x, &hot_y);
          g_ascii_formatd (x_text, sizeof x_text, "%.4f", hot_x);
          g_ascii_formatd (y_text, sizeof y_text, "%.4f", hot_y);
          start (out, "hotSpot");
          attribute (out, "x", x_text);
          attribute (out, "y", y_text);
          attribute (out, "xunits", "fraction");
          attribute (out, "yunits", "fraction");
          end (out);
        }
      else
        {
          /* The paddle's tip, bottom middle of a 64×64 image. */
          start (out, "hotSpot");
          attribute (out, "x", "32");
          attribute (out, "y", "1");
          attribute (out, "xunits", "pixels");
          attribute (out, "yunits", "pixels");
          end (out);
        }
    }
  end (out); /* IconStyle */

  /* Lines and polygons (an asset's shape) in the category color. */
  start (out, "LineStyle");
  element (out, "color", line_color);
  element (out, "width", hub ? "4" : "3");
  end (out);

  start (out, "PolyStyle");
  element (out, "color", poly_color);
  end (out);

  write_balloon (out, category, hub, include_private);

  end (out); /* Style */
}

/* ExtendedData */

/* ISO 8601 UTC into @buffer, or NULL for 0 and for dates GDateTime
 * cannot hold (before year 1, after 9999). */
static const char *
format_timestamp (gint64 unix_time,
                  char   buffer[32])
{
  gint64 days, seconds, z, era, doe, yoe, doy, mp, year, month, day;

  if (unix_time == 0 || unix_time < G_MININT64 / 2 || unix_time > G_MAXINT64 / 2)
    return NULL;

  /* The civil date of a day count, as gmtime_r() gives it without its
   * time zone machinery (Howard Hinnant's days_from_civil, inverted). */
  days = unix_time / 86400;
  seconds = unix_time % 86400;
  if (seconds < 0)
    {
      seconds += 86400;
      days--;
    }
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2);

  if (year < 1 || year > 9999)
    return NULL;

  /* "%04d-%02d-%02dT%02d:%02d:%02dZ", without printf. */
  {
    int parts[6] = { (int) year, (int) month, (int) day,
                     (int) (seconds / 3600), (int) (seconds / 60 % 60), (int) (seconds % 60) };
    char *p = buffer;

    *p++ = (char) ('0' + parts[0] / 1000);
    *p++ = (char) ('0' + parts[0] / 100 % 10);
    *p++ = (char) ('0' + parts[0] / 10 % 10);
    *p++ = (char) ('0' + parts[0] % 10);
    for (guint i = 1; i < 6; i++)
      {
        *p++ = i == 3 ? 'T' : i < 3 ? '-' : ':';
        *p++ = (char) ('0' + parts[i] / 10);
        *p++ = (char) ('0' + parts[i] % 10);
      }
    *p++ = 'Z';
    *p = '\0';
  }
  return buffer;
}

static void
add_member (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
to_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* TRUE when JSON-GLib writes @text as it is, between quotes: valid
 * UTF-8 without '"', '\\', control characters or DEL. */
static gboolean
is_plain_json_string (const char *text)
{
  gboolean ascii = TRUE;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f)
        return FALSE;
      if (*p >= 0x80)
        ascii = FALSE;
    }

  return ascii || g_utf8_validate (text, -1, NULL);
}

/* A JSON array of strings, as JSON-GLib's generator writes it; NULL for
 * an empty one. The usual names need no escaping and skip the builder. */
static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = NULL;
  GString *json;

  if (strv == NULL || strv[0] == NULL)
    return NULL;

  json = g_string_new ("[");
  for (guint i = 0; strv[i] != NULL; i++)
    {
      if (!is_plain_json_string (strv[i]))
        {
          g_string_free (json, TRUE);
          json = NULL;
          break;
        }
      if (i > 0)
        g_string_append_c (json, ',');
      g_string_append_c (json, '"');
      g_string_append (json, strv[i]);
      g_string_append_c (json, '"');
    }
  if (json != NULL)
    {
      g_string_append_c (json, ']');
      return g_string_free (json, FALSE);
    }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);

  return to_json (builder);
}

static char *
contacts_to_json (GPtrArray *contacts)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (contacts == NULL || contacts->len == 0)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);

      json_builder_begin_object (builder);
      add_member (builder, "name", amap_contact_get_name (contact));
      add_member (builder, "role", amap_contact_get_role (contact));
      add_member (builder, "phone", amap_contact_get_phone (contact));
      add_member (builder, "email", amap_contact_get_email (contact));
      add_member (builder, "language", amap_contact_get_language (contact));
      add_member (builder, "notes", amap_contact_get_notes (contact));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return to_json (builder);
}

static char *
interactions_to_json (GPtrArray *interactions)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (interactions == NULL || interactions->len == 0)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < interactions->len; i++)
    {
      AmapInteraction *interaction = g_ptr_array_index (interactions, i);
      AmapInteractionKind kind = amap_interaction_get_kind (interaction);

      json_builder_begin_object (builder);
      add_member (builder, "date", amap_interaction_get_date (interaction));
      add_member (builder, "kind", amap_interaction_kind_to_string (kind));
      add_member (builder, "notes", amap_interaction_get_notes (interaction));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return to_json (builder);
}

static gboolean
is_reserved_name (const char *name)
{
  /* Every extra field of every placemark asks: all our names start with
   * a lowercase letter, most extras' names do not. */
  if (*name < 'a' || *name > 'z')
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (reserved_names); i++)
    if (reserved_names[i][0] == *name && strcmp (name, reserved_names[i]) == 0)
      return TRUE;

  return FALSE;
}

/* The tags for people, "family nights, food" (see the top of the file). */
static void
write_tag_list (Output             *out,
                const char * const *tags)
{
  static const char line[] = "\n" PLACEMARK_DATA_INDENT "<Data name=\"tag_list\"><value>";

  if (tags == NULL || tags[0] == NULL || out->failed)
    return;

  begin_content (out);
  put_len (out->buffer, line, sizeof line - 1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      if (i > 0)
        put_len (out->buffer, ", ", 2);
      append_escaped (out, tags[i], ESCAPE_DATA);
    }
  put_len (out->buffer, "</value></Data>", 15);
}

/* The key leaders for people: "Name (Role), phone, email; …". */
static void
write_key_leaders (Output    *out,
                   GPtrArray *contacts)
{
  static const char line[] = "\n" PLACEMARK_DATA_INDENT "<Data name=\"key_leaders\"><value>";

  if (contacts == NULL || contacts->len == 0 || out->failed)
    return;

  begin_content (out);
  put_len (out->buffer, line, sizeof line - 1);
  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);
      const char *name = amap_contact_get_name (contact);
      const char *role = amap_contact_get_role (contact);
      const char *rest[] = { amap_contact_get_phone (contact), amap_contact_get_email (contact) };
      gboolean any = FALSE;

      if (i > 0)
        put_len (out->buffer, "; ", 2);
      if (name != NULL && *name != '\0')
        {
          append_escaped (out, name, ESCAPE_DATA);
          any = TRUE;
        }
      if (role != NULL && *role != '\0')
        {
          put (out->buffer, any ? " (" : "(");
          append_escaped (out, role, ESCAPE_DATA);
          put_len (out->buffer, ")", 1);
          any = TRUE;
        }
      for (guint k = 0; k < G_N_ELEMENTS (rest); k++)
        if (rest[k] != NULL && *rest[k] != '\0')
          {
            if (any)
              put_len (out->buffer, ", ", 2);
            append_escaped (out, rest[k], ESCAPE_DATA);
            any = TRUE;
          }
    }
  put_len (out->buffer, "</value></Data>", 15);
}

static void
write_extended_data (Output                *out,
                     const AmapAssetRecord *r,
                     gboolean               include_private)
{
  char created_buffer[32], modified_buffer[32];
  const char *created = format_timestamp (r->created, created_buffer);
  /* Most assets were never edited after they were made. */
  const char *modified = r->modified == r->created ? created
                         : format_timestamp (r->modified, modified_buffer);
  g_autofree char *tags = strv_to_json (r->tags);
  g_autofree char *folders = strv_to_json (r->folders);
  g_autofree char *contacts = include_private ? contacts_to_json (r->contacts) : NULL;
  g_autofree char *interactions = include_private ? interactions_to_json (r->interactions) : NULL;
  const char *last_contacted = include_private ? r->last_contacted : NULL;
  const char *p = r->extras;
  const char *extras_end = r->extras + r->extras_len;

  start (out, "ExtendedData");
  OWN_DATA (out, "uuid", r->uuid);
  OWN_DATA (out, "category", r->category);
  OWN_DATA (out, "is_hub", r->is_hub ? "true" : "false");
  OWN_DATA (out, "stage", amap_stage_to_string (r->stage));
  if (r->stage < G_N_ELEMENTS (out->labels.stage_names))
    OWN_DATA (out, "stage_name", out->labels.stage_names[r->stage]);
  OWN_DATA (out, "address", r->address);
  OWN_DATA (out, "phone", r->phone);
  OWN_DATA (out, "email", r->email);
  OWN_DATA (out, "website", r->website);
  OWN_DATA (out, "strengths", r->strengths);
  OWN_DATA (out, "needs", r->needs);
  OWN_DATA (out, "last_contacted", last_contacted);
  OWN_DATA (out, "created", created);
  OWN_DATA (out, "modified", modified);
  OWN_DATA (out, "tags", tags);
  write_tag_list (out, r->tags);
  OWN_DATA (out, "contacts", contacts);
  /* NULL in a file for others. */
  if (contacts != NULL)
    write_key_leaders (out, r->contacts);
  OWN_DATA (out, "interactions", interactions);
  OWN_DATA (out, "source_id", r->source_id);
  OWN_DATA (out, "folders", folders);
  OWN_DATA (out, "location_source",
        amap_location_source_to_string (r->location_source));

  /* "key\0value\0…" as the store keeps them (record_from_asset() makes
   * the same), read as the store's decode_extras() reads them. */
  while (p != NULL && p < extras_end)
    {
      const char *key = p;
      const char *key_end = memchr (key, '\0', extras_end - key);
      const char *value, *value_end;

      if (key_end == NULL)
        break;
      value = key_end + 1;
      value_end = value < extras_end ? memchr (value, '\0', extras_end - value) : NULL;
      if (value_end == NULL)
        break;
      p = value_end + 1;

      if (*key == '\0')
        continue;
      if (is_reserved_name (key))
        {
          g_debug ("Not writing extra field “%s” of %s: the name is ours", key, r->uuid);
          continue;
        }
      data (out, PLACEMARK_DATA_INDENT, key, value);
    }
  raw (out, PLACEMARK_DATA_END);
  end (out);
}

/* Geometry */

/* amap_geometry_append_number() (the shortest of %.15g, %.16g and
 * %.17g that reads back) without printf for the usual coordinate, one
 * with at most seven decimals: n / 1e7 is then the double nearest to
 * the decimal n·10⁻⁷, and with at most 15 significant digits (under 10⁸)
 * that decimal is what %.15g gives. Anything else goes the long way. */
static void
append_number (GString *str,
               double   value)
{
  double magnitude = fabs (value);

  if (magnitude >= 1e-4 && magnitude < 1e8)
    {
      gint64 n = llround (value * 1e7);

      if ((double) n / 1e7 == value)
        {
          char buf[32];
          char *p = buf + sizeof buf;
          guint64 u = n < 0 ? (guint64) -n : (guint64) n;
          guint64 whole = u / 10000000;
          guint64 fraction = u % 10000000;
          guint decimals = 7;

          while (decimals > 0 && fraction % 10 == 0)
            {
              fraction /= 10;
              decimals--;
            }
          for (guint i = 0; i < decimals; i++)
            {
              *--p = (char) ('0' + fraction % 10);
              fraction /= 10;
            }
          if (decimals > 0)
            *--p = '.';
          do
            {
              *--p = (char) ('0' + whole % 10);
              whole /= 10;
            }
          while (whole > 0);
          if (n < 0)
            *--p = '-';

          put_len (str, p, buf + sizeof buf - p);
          return;
        }
    }

  amap_geometry_append_number (str, value);
}

/* As amap_geometry_format_kml_coordinates(). */
static void
coordinates (Output             *out,
             const AmapGeometry *geometry)
{
  const AmapCoord *coords = amap_geometry_get_coords (geometry);
  guint n = amap_geometry_get_n_coords (geometry);

  start (out, "coordinates");
  raw (out, "");
  for (guint i = 0; i < n && !out->failed; i++)
    {
      const AmapCoord *c = &coords[i];

      if (i > 0)
        g_string_append_c (out->buffer, ' ');
      append_number (out->buffer, c->lon);
      g_string_append_c (out->buffer, ',');
      append_number (out->buffer, c->lat);
      if (!isnan (c->alt))
        {
          g_string_append_c (out->buffer, ',');
          append_number (out->buffer, c->alt);
        }
    }
  end (out);
}

static void
write_geometry (Output             *out,
                const AmapGeometry *geometry)
{
  switch (amap_geometry_get_kind (geometry))
    {
    case AMAP_GEOMETRY_POINT:
      start (out, "Point");
      coordinates (out, geometry);
      end (out);
      break;

    case AMAP_GEOMETRY_LINE_STRING:
      start (out, "LineString");
      element (out, "tessellate", "1");
      coordinates (out, geometry);
      end (out);
      break;

    case AMAP_GEOMETRY_POLYGON:
      start (out, "Polygon");
      element (out, "tessellate", "1");
      for (guint i = 0; i < amap_geometry_get_n_children (geometry); i++)
        {
          start (out, i == 0 ? "outerBoundaryIs" : "innerBoundaryIs");
          start (out, "LinearRing");
          coordinates (out, amap_geometry_get_child (geometry, i));
          end (out);
          end (out);
        }
      end (out);
      break;

    case AMAP_GEOMETRY_COLLECTION:
      start (out, "MultiGeometry");
      for (guint i = 0; i < amap_geometry_get_n_children (geometry); i++)
        write_geometry (out, amap_geometry_get_child (geometry, i));
      end (out);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The form we use for a pin beside a shape: a collection of two, the
 * Point first. A shape of that form is always written with its pin. */
static gboolean
looks_like_pin_and_shape (const AmapGeometry *shape)
{
  return amap_geometry_get_kind (shape) == AMAP_GEOMETRY_COLLECTION
         && amap_geometry_get_n_children (shape) == 2
         && amap_geometry_get_kind (amap_geometry_get_child (shape, 0)) == AMAP_GEOMETRY_POINT;
}

static void
write_asset_geometry (Output                *out,
                      const AmapAssetRecord *r)
{
  const char *wkt = r->shape;
  g_autoptr(AmapGeometry) shape = NULL;
  g_autoptr(AmapGeometry) point = NULL;

  /* The usual asset, a pin and no shape: what write_geometry() writes
   * for the point, without making one. */
  if (wkt == NULL)
    {
      if (isnan (r->latitude) && isnan (r->longitude))
        return;
      start (out, "Point");
      start (out, "coordinates");
      raw (out, "");
      if (!out->failed)
        {
          append_number (out->buffer, r->longitude);
          g_string_append_c (out->buffer, ',');
          append_number (out->buffer, r->latitude);
        }
      end (out);
      end (out);
      return;
    }

  if (wkt != NULL)
    {
      g_autoptr(GError) error = NULL;

      shape = amap_geometry_from_wkt (wkt, &error);
      if (shape == NULL)
        g_warning ("Not writing the shape of “%s” (%s): %s", r->name, r->uuid, error->message);
      else if (amap_geometry_is_empty (shape))
        g_clear_pointer (&shape, amap_geometry_free);
    }

  if (!isnan (r->latitude) || !isnan (r->longitude))
    point = amap_geometry_new_point (r->longitude, r->latitude, NAN);

  /* A pin where the reader would put it anyway needs no Point of its own:
   * the plain shape is what other tools read best. */
  if (point != NULL && shape != NULL && !looks_like_pin_and_shape (shape))
    {
      double lon, lat;

      if (amap_geometry_get_representative_point (shape, &lon, &lat)
          && lon == r->longitude
          && lat == r->latitude)
        g_clear_pointer (&point, amap_geometry_free);
    }

  if (point != NULL && shape != NULL)
    {
      start (out, "MultiGeometry");
      write_geometry (out, point);
      write_geometry (out, shape);
      end (out);
    }
  else if (point != NULL)
    write_geometry (out, point);
  else if (shape != NULL)
    write_geometry (out, shape);
}

/* Placemarks */

static void
write_placemark (Output                *out,
                 const AmapAssetRecord *r,
                 AmapCategory          *category,
                 gboolean               include_private)
{
  start (out, "Placemark");
  if (r->uuid != NULL && !out->failed)
    {
      /* An XML id may not start with a digit, as most uuids do. What
       * attribute() would write: an escaped key needs no escaping. */
      put_len (out->buffer, " id=\"asset-", 11);
      append_escaped_key (out->buffer, r->uuid);
      g_string_append_c (out->buffer, '"');
    }

  element (out, "name", r->name);
  element (out, "address", r->address);
  element (out, "phoneNumber", r->phone);
  /* The asset's own text: the card is the style's (write_balloon()). */
  element (out, "description", r->description);

  g_string_assign (out->id, "#");
  put (out->id, r->is_hub ? "hub-" : "cat-");
  append_escaped_key (out->id, amap_category_get_key (category));
  element (out, "styleUrl", out->id->str);

  write_extended_data (out, r, include_private);
  write_asset_geometry (out, r);

  end (out); /* Placemark */
}

/* The general path: @asset's fields in @r, its extras encoded into
 * @extras as the store encodes them. */
static void
record_from_asset (AmapAssetRecord *r,
                   AmapAsset       *asset,
                   GString         *extras)
{
  amap_asset_record_encode_extras (asset, extras);

  *r = (AmapAssetRecord) {
    .uuid = amap_asset_get_uuid (asset),
    .source_id = amap_asset_get_source_id (asset),
    .name = amap_asset_get_name (asset),
    .category = amap_asset_get_category (asset),
    .shape = amap_asset_get_shape (asset),
    .address = amap_asset_get_address (asset),
    .description = amap_asset_get_description (asset),
    .strengths = amap_asset_get_strengths (asset),
    .needs = amap_asset_get_needs (asset),
    .website = amap_asset_get_website (asset),
    .phone = amap_asset_get_phone (asset),
    .email = amap_asset_get_email (asset),
    .last_contacted = amap_asset_get_last_contacted (asset),
    .stage = amap_asset_get_stage (asset),
    .location_source = amap_asset_get_location_source (asset),
    .is_hub = amap_asset_get_is_hub (asset),
    .latitude = amap_asset_get_latitude (asset),
    .longitude = amap_asset_get_longitude (asset),
    .created = amap_asset_get_created (asset),
    .modified = amap_asset_get_modified (asset),
    .extras = extras->str,
    .extras_len = extras->len,
    .folders = amap_asset_get_folders (asset),
    .tags = amap_asset_get_tags (asset),
    .contacts = amap_asset_get_contacts (asset),
    .interactions = amap_asset_get_interactions (asset),
  };
}

static AmapCategory *
find_category (GPtrArray  *categories,
               const char *key,
               guint      *index)
{
  for (guint i = 0; i < categories->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (categories, i);

      if (g_strcmp0 (amap_category_get_key (category), key) == 0)
        {
          if (index != NULL)
            *index = i;
          return category;
        }
    }

  return NULL;
}

static const char *
asset_category_key (AmapAsset *asset)
{
  const char *key = amap_asset_get_category (asset);

  return key != NULL ? key : AMAP_CATEGORY_OTHER;
}

static int
compare_category_keys (gconstpointer a,
                       gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Fills @self->used_categories (in file order) and @self->used_groups
 * from the category keys the placemarks use (no duplicates): known
 * categories in their order, then unknown keys sorted. */
static void
set_used_categories (AmapKmlWriter *self,
                     GPtrArray     *keys)
{
  g_autoptr(GPtrArray) unknown_keys = g_ptr_array_new ();
  g_autofree gboolean *used = g_new0 (gboolean, self->categories->len + 1);

  g_ptr_array_set_size (self->used_categories, 0);
  g_hash_table_remove_all (self->used_groups);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      guint index;

      if (find_category (self->categories, key, &index) != NULL)
        used[index] = TRUE;
      else
        g_ptr_array_add (unknown_keys, (gpointer) key);
    }
  g_ptr_array_sort (unknown_keys, compare_category_keys);

  for (guint i = 0; i < self->categories->len; i++)
    if (used[i])
      {
        AmapCategory *category = g_ptr_array_index (self->categories, i);

        g_ptr_array_add (self->used_categories, g_object_ref (category));
        g_hash_table_insert (self->used_groups, g_strdup (amap_category_get_key (category)),
                             GUINT_TO_POINTER (self->used_categories->len));
      }

  for (guint i = 0; i < unknown_keys->len; i++)
    {
      const char *key = g_ptr_array_index (unknown_keys, i);

      g_ptr_array_add (self->used_categories,
                       amap_category_new (key, key, UNKNOWN_COLOR,
                                          "mark-location-symbolic", FALSE));
      g_hash_table_insert (self->used_groups, g_strdup (key),
                           GUINT_TO_POINTER (self->used_categories->len));
    }
}

/* The index of @key in @self->used_categories, G_MAXUINT if not used. */
static guint
lookup_group (AmapKmlWriter *self,
              const char    *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->used_groups, key)) - 1;
}

/* Fills @self->used_categories and returns the entries sorted for
 * writing. */
static GArray *
plan (AmapKmlWriter *self,
      GPtrArray     *assets)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GArray *entries = g_array_sized_new (FALSE, TRUE, sizeof (Entry), assets->len);

  g_array_set_clear_func (entries, (GDestroyNotify) entry_clear);

  for (guint i = 0; i < assets->len; i++)
    {
      const char *key = asset_category_key (g_ptr_array_index (assets, i));

      if (g_hash_table_add (seen, (gpointer) key))
        g_ptr_array_add (keys, (gpointer) key);
    }
  set_used_categories (self, keys);

  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);
      const char *name = amap_asset_get_name (asset);
      Entry entry = { asset, 0, NULL };

      entry.group = lookup_group (self, asset_category_key (asset));
      entry.sort_name = g_utf8_casefold (name != NULL ? name : "", -1);
      if (self->by_layer)
        {
          AmapCategory *category = g_ptr_array_index (self->used_categories, entry.group);
          const char * const *folders = amap_asset_get_folders (asset);
          guint n = g_strv_length ((char **) folders);

          if (n == 0)
            {
              const char *category_name[] = { amap_category_get_name (category), NULL };

              entry.layer = g_strdupv ((char **) category_name);
              n = 1;
            }
          else
            entry.layer = g_strdupv ((char **) folders);

          entry.sort_layer = g_new0 (char *, n + 1);
          for (guint j = 0; j < n; j++)
            entry.sort_layer[j] = g_utf8_casefold (entry.layer[j], -1);
        }
      g_array_append_val (entries, entry);
    }

  g_array_sort (entries, compare_entries);

  return entries;
}

/* Frees @self->out; FALSE with its error if something failed. */
static gboolean
finish_output (AmapKmlWriter  *self,
               gboolean        ok,
               GError        **error)
{
  Output *out = self->out;

  self->out = NULL;
  ok = ok && !out->failed;
  g_string_free (out->buffer, TRUE);
  g_string_free (out->scratch, TRUE);
  g_string_free (out->card, TRUE);
  g_string_free (out->id, TRUE);
  g_string_free (out->extras, TRUE);

  if (!ok)
    {
      if (g_cancellable_set_error_if_cancelled (out->cancellable, error))
        g_clear_error (&out->error);
      else if (out->error != NULL)
        g_propagate_error (error, g_steal_pointer (&out->error));
      else
        g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                             _("Could not write the KML file"));
    }

  g_clear_error (&out->error);
  g_clear_object (&out->cancellable);
  g_clear_object (&out->stream);
  g_free (out);

  return ok;
}

static void
amap_kml_writer_finalize (GObject *object)
{
  AmapKmlWriter *self = (AmapKmlWriter *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->used_categories, g_ptr_array_unref);
  g_clear_pointer (&self->used_groups, g_hash_table_unref);
  g_clear_pointer (&self->open_folders, g_ptr_array_unref);
  if (self->out != NULL)
    finish_output (self, FALSE, NULL);

  G_OBJECT_CLASS (amap_kml_writer_parent_class)->finalize (object);
}

static void
amap_kml_writer_class_init (AmapKmlWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_kml_writer_finalize;
}

static void
amap_kml_writer_init (AmapKmlWriter *self)
{
  self->categories = amap_category_list_builtin ();
  self->used_categories = g_ptr_array_new_with_free_func (g_object_unref);
  self->used_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->group = G_MAXUINT;
  self->open_folders = g_ptr_array_new_with_free_func (g_free);
  self->icons = AMAP_KML_ICONS_REMOTE;
  self->include_private = TRUE;
}

/**
 * amap_kml_writer_new:
 * @title: (nullable): the name of the Document (the map's title)
 *
 * Returns: (transfer full): a writer for the built-in categories and
 *   remote icons, until told otherwise.
 */
AmapKmlWriter *
amap_kml_writer_new (const char *title)
{
  AmapKmlWriter *self = g_object_new (AMAP_TYPE_KML_WRITER, NULL);

  self->title = g_strdup (title);
  return self;
}

void
amap_kml_writer_set_categories (AmapKmlWriter *self,
                                GListModel    *categories)
{
  guint n;

  g_return_if_fail (AMAP_IS_KML_WRITER (self));
  g_return_if_fail (G_IS_LIST_MODEL (categories));

  n = g_list_model_get_n_items (categories);
  g_ptr_array_set_size (self->categories, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->categories, g_list_model_get_item (categories, i));
}

void
amap_kml_writer_set_icons (AmapKmlWriter *self,
                           AmapKmlIcons   icons)
{
  g_return_if_fail (AMAP_IS_KML_WRITER (self));

  self->icons = icons;
}

/**
 * amap_kml_writer_set_include_private:
 * @include: FALSE to leave out the key leaders (every field of every
 *   contact), the visit log and the last-contacted date, from the card and
 *   from the ExtendedData
 *
 * TRUE until told otherwise: the lossless file that reads back whole.
 */
void
amap_kml_writer_set_include_private (AmapKmlWriter *self,
                                     gboolean       include)
{
  g_return_if_fail (AMAP_IS_KML_WRITER (self));
  g_return_if_fail (self->out == NULL);

  self->include_private = !!include;
}

gboolean
amap_kml_writer_get_include_private (AmapKmlWriter *self)
{
  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), FALSE);

  return self->include_private;
}

/**
 * amap_kml_writer_set_by_layer:
 * @by_layer: TRUE for nested Folders after each asset's folders (its My
 *   Maps layer, amap_asset_get_folders()), an asset without folders in a
 *   Folder named after its category; FALSE (the default) for one Folder
 *   per category
 *
 * Only for amap_kml_writer_write(): the streamed write goes by category.
 */
void
amap_kml_writer_set_by_layer (AmapKmlWriter *self,
                              gboolean       by_layer)
{
  g_return_if_fail (AMAP_IS_KML_WRITER (self));
  g_return_if_fail (self->out == NULL);

  self->by_layer = !!by_layer;
}

GPtrArray *
amap_kml_writer_get_used_categories (AmapKmlWriter *self)
{
  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), NULL);

  return self->used_categories;
}

char *
amap_kml_writer_dup_icon_path (const char *category_key)
{
  GString *path = g_string_new ("files/");

  g_return_val_if_fail (category_key != NULL, NULL);

  append_escaped_key (path, category_key);
  put (path, ".png");
  return g_string_free (path, FALSE);
}

/* Starts the document: header, styles of the used categories, the map's
 * ExtendedData. */
static gboolean
begin_output (AmapKmlWriter  *self,
              GOutputStream  *stream,
              GCancellable   *cancellable,
              GError        **error)
{
  Output *out;

  out = g_new0 (Output, 1);
  out->stream = g_object_ref (stream);
  out->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  out->buffer = g_string_sized_new (OUTPUT_CHUNK + 64 * 1024);
  out->scratch = g_string_new (NULL);
  out->card = g_string_new (NULL);
  out->id = g_string_new (NULL);
  out->extras = g_string_new (NULL);
  set_card_labels (&out->labels);
  self->out = out;
  self->group = G_MAXUINT;

  put (out->buffer, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  start (out, "kml");
  attribute (out, "xmlns", KML_NAMESPACE);
  start (out, "Document");
  element (out, "name", self->title != NULL ? self->title : _("Asset Map"));
  element (out, "open", "1");

  for (guint i = 0; i < self->used_categories->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (self->used_categories, i);

      write_style (out, self->icons, category, FALSE, self->include_private);
      write_style (out, self->icons, category, TRUE, self->include_private);
    }

  start (out, "ExtendedData");
  data (out, DOCUMENT_DATA_INDENT, "asset_map_version", PACKAGE_VERSION);
  /* Format 2: <description> is the asset's own description (format 1, up
   * to 0.2.0, had a card there and the description in the ExtendedData). */
  data (out, DOCUMENT_DATA_INDENT, "asset_map_format", KML_FORMAT);
  /* So that our import of this file keeps the key leaders and the log a
   * map already has for these assets, instead of taking them away. */
  if (!self->include_private)
    data (out, DOCUMENT_DATA_INDENT, "private_data", "omitted");
  raw (out, DOCUMENT_DATA_END);
  end (out);

  if (out->failed)
    return finish_output (self, FALSE, error);

  return TRUE;
}

/* By layer: closes the open Folders that are not part of @layer and opens
 * the rest of it. */
static void
enter_layer (AmapKmlWriter      *self,
             const char * const *layer)
{
  Output *out = self->out;
  guint common = 0;

  while (common < self->open_folders->len && layer[common] != NULL &&
         strcmp (g_ptr_array_index (self->open_folders, common), layer[common]) == 0)
    common++;

  while (self->open_folders->len > common)
    {
      end (out); /* Folder */
      g_ptr_array_remove_index (self->open_folders, self->open_folders->len - 1);
    }

  for (guint i = common; layer[i] != NULL; i++)
    {
      start (out, "Folder");
      element (out, "name", layer[i]);
      g_ptr_array_add (self->open_folders, g_strdup (layer[i]));
    }
}

/* One placemark, in its category's Folder (by layer: in its layer's). */
static void
add_placemark (AmapKmlWriter         *self,
               const AmapAssetRecord *record,
               guint                  group,
               const char * const    *layer)
{
  Output *out = self->out;
  AmapCategory *category = g_ptr_array_index (self->used_categories, group);

  if (layer != NULL)
    enter_layer (self, layer);
  else if (group != self->group)
    {
      if (self->group != G_MAXUINT)
        end (out); /* Folder */
      self->group = group;
      start (out, "Folder");
      element (out, "name", amap_category_get_name (category));
    }

  write_placemark (out, record, category, self->include_private);
}

/* The same for an AmapAsset. */
static void
add_asset_placemark (AmapKmlWriter      *self,
                     AmapAsset          *asset,
                     guint               group,
                     const char * const *layer)
{
  AmapAssetRecord record;

  record_from_asset (&record, asset, self->out->extras);
  add_placemark (self, &record, group, layer);
}

static gboolean
end_output (AmapKmlWriter  *self,
            GError        **error)
{
  Output *out = self->out;

  if (self->group != G_MAXUINT)
    end (out); /* Folder */
  self->group = G_MAXUINT;
  for (guint i = 0; i < self->open_folders->len; i++)
    end (out); /* Folder */
  g_ptr_array_set_size (self->open_folders, 0);

  while (out->depth > 0)
    end (out);
  flush (out);

  return finish_output (self, TRUE, error);
}

gboolean
amap_kml_writer_write (AmapKmlWriter *self,
                       GPtrArray     *assets,
                       GOutputStream *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GArray) entries = NULL;

  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), FALSE);
  g_return_val_if_fail (assets != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (self->out == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  entries = plan (self, assets);

  if (!begin_output (self, stream, cancellable, error))
    return FALSE;

  for (guint i = 0; i < entries->len && !self->out->failed; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);

      if (g_cancellable_is_cancelled (cancellable))
        return finish_output (self, FALSE, error);

      add_asset_placemark (self, entry->asset, entry->group, (const char * const *) entry->layer);
    }

  return end_output (self, error);
}

/**
 * amap_kml_writer_begin:
 * @category_keys: the category keys of the assets that will be added, each
 *   once, in any order
 *
 * Starts a streamed write: the header and the styles go out now, then
 * each amap_kml_writer_add() writes one placemark, and
 * amap_kml_writer_end() finishes the document. The caller adds the assets
 * in the order amap_kml_writer_write() would write them (by category in
 * the order of the categories, then by casefolded name, name and uuid):
 * the bytes are then the same. On error the write is over.
 */
gboolean
amap_kml_writer_begin (AmapKmlWriter      *self,
                       const char * const *category_keys,
                       GOutputStream      *stream,
                       GCancellable       *cancellable,
                       GError            **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (self->out == NULL, FALSE);
  g_return_val_if_fail (!self->by_layer, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  for (guint i = 0; category_keys != NULL && category_keys[i] != NULL; i++)
    g_ptr_array_add (keys, (gpointer) category_keys[i]);
  set_used_categories (self, keys);

  return begin_output (self, stream, cancellable, error);
}

/* Writes @asset after the ones added before; see amap_kml_writer_begin(). */
gboolean
amap_kml_writer_add (AmapKmlWriter  *self,
                     AmapAsset      *asset,
                     GError        **error)
{
  guint group;

  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), FALSE);
  g_return_val_if_fail (AMAP_IS_ASSET (asset), FALSE);
  g_return_val_if_fail (self->out != NULL, FALSE);

  group = lookup_group (self, asset_category_key (asset));
  if (group == G_MAXUINT)
    {
      finish_output (self, FALSE, NULL);
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("Could not write “%s”: its category “%s” was not announced"),
                   amap_asset_get_name (asset), asset_category_key (asset));
      return FALSE;
    }

  if (g_cancellable_is_cancelled (self->out->cancellable))
    return finish_output (self, FALSE, error);

  add_asset_placemark (self, asset, group, NULL);

  if (self->out->failed)
    return finish_output (self, FALSE, error);

  return TRUE;
}

/**
 * amap_kml_writer_add_record:
 * @record: the asset's fields (see amap-asset-record.h)
 *
 * amap_kml_writer_add() for an asset given as plain data: the same bytes
 * as for an AmapAsset with these fields.
 */
gboolean
amap_kml_writer_add_record (AmapKmlWriter          *self,
                            const AmapAssetRecord  *record,
                            GError                **error)
{
  const char *key;
  guint group;

  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (self->out != NULL, FALSE);

  if (record->asset != NULL)
    return amap_kml_writer_add (self, record->asset, error);

  key = record->category != NULL ? record->category : AMAP_CATEGORY_OTHER;
  group = lookup_group (self, key);
  if (group == G_MAXUINT)
    {
      finish_output (self, FALSE, NULL);
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("Could not write “%s”: its category “%s” was not announced"),
                   record->name, key);
      return FALSE;
    }

  if (g_cancellable_is_cancelled (self->out->cancellable))
    return finish_output (self, FALSE, error);

  add_placemark (self, record, group, NULL);

  if (self->out->failed)
    return finish_output (self, FALSE, error);

  return TRUE;
}

gboolean
amap_kml_writer_end (AmapKmlWriter  *self,
                     GError        **error)
{
  g_return_val_if_fail (AMAP_IS_KML_WRITER (self), FALSE);
  g_return_val_if_fail (self->out != NULL, FALSE);

  return end_output (self, error);
}
