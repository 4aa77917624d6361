/* amap-gpx-reader.c: GPX bytes in, waypoints and routes out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-gpx-reader"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>

#include "amap-error.h"
#include "amap-gpx-reader.h"
#include "amap-gpx-writer.h"

#define GPX_10 "http://www.topografix.com/GPX/1/0"
#define GPX_11 "http://www.topografix.com/GPX/1/1"
#define CHUNK_SIZE (64 * 1024)

typedef enum
{
  FIELD_NONE,
  FIELD_DOCUMENT_NAME,
  FIELD_ROUTE_NAME,
  FIELD_NAME,
  FIELD_COMMENT,
  FIELD_DESCRIPTION,
  FIELD_TYPE,
  FIELD_UUID,
  FIELD_DWELL,
  FIELD_ROUTE_TOUR,
  FIELD_ROUTE_BUS,
} Field;

typedef struct
{
  char             *file_name;
  xmlParserCtxtPtr  ctxt;
  GError           *error;
  AmapGpxDocument  *document;

  /* Where we are: element depth and what the open elements are. */
  guint             depth;
  guint             gpx_depth;       /* 0 until <gpx> */
  gboolean          in_metadata;
  AmapGpxRoute     *route;           /* the open <rte> */
  AmapGpxPoint     *point;           /* the open <wpt> or <rtept> */
  gboolean          point_valid;
  guint             point_depth;
  gboolean          in_extensions;
  gboolean          in_route_extensions;
  guint             skip_depth;      /* inside <trk> or an unknown element: ignored */

  Field             field;
  guint             field_depth;
  GString          *text;
  gboolean          text_too_long;
  guint             n_points;
  guint64           bytes_read;
} Reader;

static void
point_free (gpointer data)
{
  AmapGpxPoint *point = data;

  g_free (point->name);
  g_free (point->comment);
  g_free (point->description);
  g_free (point->type);
  g_free (point->uuid);
  g_free (point);
}

static void
route_free (gpointer data)
{
  AmapGpxRoute *route = data;

  g_free (route->name);
  g_free (route->tour);
  g_ptr_array_unref (route->points);
  g_free (route);
}

void
amap_gpx_document_free (AmapGpxDocument *document)
{
  if (document == NULL)
    return;

  g_free (document->name);
  g_ptr_array_unref (document->waypoints);
  g_ptr_array_unref (document->routes);
  g_free (document);
}

static guint
current_line (Reader *self)
{
  return self->ctxt != NULL ? (guint) xmlSAX2GetLineNumber (self->ctxt) : 0;
}

static void
fail (Reader *self,
      GError *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  if (self->ctxt != NULL)
    xmlStopParser (self->ctxt);
}

static gboolean
is_gpx (const xmlChar *uri)
{
  /* Files without a namespace are read as GPX too: some tools omit it. */
  return uri == NULL
         || g_str_equal ((const char *) uri, GPX_11)
         || g_str_equal ((const char *) uri, GPX_10);
}

static gboolean
parse_coordinate (const xmlChar **attributes,
                  int             n_attributes,
                  const char     *name,
                  double         *value)
{
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **attr = attributes + 5 * i;
      g_autofree char *text = NULL;
      char *end = NULL;

      if (attr[2] != NULL || !g_str_equal ((const char *) attr[0], name))
        continue;

      text = g_strndup ((const char *) attr[3], attr[4] - attr[3]);
      g_strstrip (text);
      *value = g_ascii_strtod (text, &end);
      return end != text && *end == '\0' && isfinite (*value);
    }

  return FALSE;
}

static void
begin_field (Reader *self,
             Field   field)
{
  self->field = field;
  self->field_depth = self->depth;
  g_string_truncate (self->text, 0);
  self->text_too_long = FALSE;
}

static char *
take_text (Reader *self)
{
  g_autofree char *text = g_utf8_make_valid (self->text->str, self->text->len);

  g_strstrip (text);
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
replace (char **field,
         char  *value)
{
  g_free (*field);
  *field = value;
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
  Reader *self = user_data;
  const char *name = (const char *) localname;
  gboolean gpx = is_gpx (uri);

  self->depth++;

  if (self->skip_depth > 0 || self->field != FIELD_NONE)
    return;

  if (self->gpx_depth == 0)
    {
      if (gpx && g_str_equal (name, "gpx"))
        self->gpx_depth = self->depth;
      else
        fail (self, g_error_new (AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                                 _("%s is not a GPX file: it starts with <%s>, not <gpx>"),
                                 self->file_name, name));
      return;
    }

  /* Ours, inside a route's <extensions>. */
  if (self->in_route_extensions)
    {
      if (uri != NULL && g_str_equal ((const char *) uri, AMAP_GPX_NAMESPACE))
        {
          if (g_str_equal (name, "tour"))
            begin_field (self, FIELD_ROUTE_TOUR);
          else if (g_str_equal (name, "bus"))
            begin_field (self, FIELD_ROUTE_BUS);
        }
      return;
    }

  /* Our own extensions, inside a point's <extensions>. */
  if (self->in_extensions)
    {
      if (uri != NULL && g_str_equal ((const char *) uri, AMAP_GPX_NAMESPACE))
        {
          if (g_str_equal (name, "uuid"))
            begin_field (self, FIELD_UUID);
          else if (g_str_equal (name, "dwell"))
            begin_field (self, FIELD_DWELL);
        }
      return;
    }

  if (!gpx)
    {
      self->skip_depth = self->depth;
      return;
    }

  if (self->point != NULL)
    {
      if (g_str_equal (name, "name"))
        begin_field (self, FIELD_NAME);
      else if (g_str_equal (name, "cmt"))
        begin_field (self, FIELD_COMMENT);
      else if (g_str_equal (name, "desc"))
        begin_field (self, FIELD_DESCRIPTION);
      else if (g_str_equal (name, "type"))
        begin_field (self, FIELD_TYPE);
      else if (g_str_equal (name, "extensions"))
        self->in_extensions = TRUE;
      else
        self->skip_depth = self->depth;
      return;
    }

  if (g_str_equal (name, "wpt") || (self->route != NULL && g_str_equal (name, "rtept")))
    {
      double latitude = NAN, longitude = NAN;

      self->point = g_new0 (AmapGpxPoint, 1);
      self->point->dwell_minutes = -1;
      self->point->line = current_line (self);
      self->point_depth = self->depth;
      self->point_valid = parse_coordinate (attributes, n_attributes, "lat", &latitude)
                          && parse_coordinate (attributes, n_attributes, "lon", &longitude)
                          && latitude >= -90 && latitude <= 90
                          && longitude >= -180 && longitude <= 180;
      self->point->latitude = latitude;
      self->point->longitude = longitude;
      return;
    }

  if (self->route != NULL)
    {
      if (g_str_equal (name, "name") && self->depth == self->gpx_depth + 2)
        begin_field (self, FIELD_ROUTE_NAME);
      else if (g_str_equal (name, "extensions") && self->depth == self->gpx_depth + 2)
        self->in_route_extensions = TRUE;
      else
        self->skip_depth = self->depth;
      return;
    }

  if (self->depth == self->gpx_depth + 1 && g_str_equal (name, "rte"))
    {
      self->route = g_new0 (AmapGpxRoute, 1);
      self->route->points = g_ptr_array_new_with_free_func (point_free);
      self->route->line = current_line (self);
      self->route->bus = -1;
      return;
    }

  if (self->depth == self->gpx_depth + 1 && g_str_equal (name, "metadata"))
    {
      self->in_metadata = TRUE;
      return;
    }

  if (g_str_equal (name, "name")
      && ((self->in_metadata && self->depth == self->gpx_depth + 2)
          || (!self->in_metadata && self->depth == self->gpx_depth + 1)))
    {
      begin_field (self, FIELD_DOCUMENT_NAME);
      return;
    }

  /* trk, author, bounds, …: nothing we read. */
  self->skip_depth = self->depth;
}

static void
finish_point (Reader *self)
{
  AmapGpxPoint *point = g_steal_pointer (&self->point);

  if (!self->point_valid)
    {
      self->document->n_dropped++;
      point_free (point);
      return;
    }

  if (++self->n_points > AMAP_GPX_MAX_POINTS)
    {
      point_free (point);
      fail (self, g_error_new (AMAP_ERROR, AMAP_ERROR_UNSAFE,
                               _("%s has more than %u points, more than can be imported"),
                               self->file_name, AMAP_GPX_MAX_POINTS));
      return;
    }

  if (self->route != NULL)
    g_ptr_array_add (self->route->points, point);
  else
    g_ptr_array_add (self->document->waypoints, point);
}

static void
finish_field (Reader *self)
{
  g_autofree char *text = NULL;
  Field field = self->field;

  self->field = FIELD_NONE;
  if (self->text_too_long)
    return;  /* dropped: longer than any name or note */

  text = take_text (self);
  switch (field)
    {
    case FIELD_DOCUMENT_NAME:
      if (self->document->name == NULL)
        replace (&self->document->name, g_steal_pointer (&text));
      break;
    case FIELD_ROUTE_NAME:
      replace (&self->route->name, g_steal_pointer (&text));
      break;
    case FIELD_NAME:
      replace (&self->point->name, g_steal_pointer (&text));
      break;
    case FIELD_COMMENT:
      replace (&self->point->comment, g_steal_pointer (&text));
      break;
    case FIELD_DESCRIPTION:
      replace (&self->point->description, g_steal_pointer (&text));
      break;
    case FIELD_TYPE:
      replace (&self->point->type, g_steal_pointer (&text));
      break;
    case FIELD_UUID:
      if (text != NULL && g_uuid_string_is_valid (text))
        replace (&self->point->uuid, g_ascii_strdown (text, -1));
      break;
    case FIELD_DWELL:
      {
        gint64 minutes;

        if (text != NULL && g_ascii_string_to_signed (text, 10, 0, 24 * 60, &minutes, NULL))
          self->point->dwell_minutes = (int) minutes;
      }
      break;
    case FIELD_ROUTE_TOUR:
      replace (&self->route->tour, g_steal_pointer (&text));
      break;
    case FIELD_ROUTE_BUS:
      {
        gint64 bus;

        if (text != NULL && g_ascii_string_to_signed (text, 10, 1, 1000, &bus, NULL))
          self->route->bus = (int) bus;
      }
      break;
    case FIELD_NONE:
    default:
      break;
    }
}

static void
on_end_element (void          *user_data,
                const xmlChar *localname,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  Reader *self = user_data;
  guint depth = self->depth--;

  if (self->skip_depth > 0)
    {
      if (depth == self->skip_depth)
        self->skip_depth = 0;
      return;
    }

  if (self->field != FIELD_NONE)
    {
      if (depth == self->field_depth)
        finish_field (self);
      return;
    }

  if (self->in_extensions)
    {
      if (depth == self->point_depth + 1)
        self->in_extensions = FALSE;
      return;
    }

  if (self->in_route_extensions)
    {
      if (depth == self->gpx_depth + 2)
        self->in_route_extensions = FALSE;
      return;
    }

  if (self->point != NULL && depth == self->point_depth)
    {
      finish_point (self);
      return;
    }

  if (self->route != NULL && depth == self->gpx_depth + 1)
    {
      g_ptr_array_add (self->document->routes, g_steal_pointer (&self->route));
      return;
    }

  if (self->in_metadata && depth == self->gpx_depth + 1)
    self->in_metadata = FALSE;
}

static void
on_characters (void          *user_data,
               const xmlChar *text,
               int            len)
{
  Reader *self = user_data;

  if (self->field == FIELD_NONE || self->skip_depth > 0 || self->text_too_long)
    return;
  if (self->text->len + len > AMAP_GPX_MAX_TEXT)
    {
      self->text_too_long = TRUE;
      return;
    }
  g_string_append_len (self->text, (const char *) text, len);
}

static void
on_internal_subset (void          *user_data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  Reader *self = user_data;

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

static void
on_structured_error (void        *user_data,
                     xmlErrorPtr  error)
{
}

static void
ignore_generic_error (void       *ctx,
                      const char *msg,
                      ...)
{
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
      sax.cdataBlock = on_characters;
      sax.internalSubset = on_internal_subset;
      sax.externalSubset = on_internal_subset;
      sax.entityDecl = on_entity_decl;
      sax.serror = on_structured_error;
      g_once_init_leave (&initialized, 1);
    }

  return &sax;
}

static void
reader_clear (Reader *self)
{
  if (self->ctxt != NULL)
    {
      xmlFreeDoc (self->ctxt->myDoc);
      self->ctxt->myDoc = NULL;
      xmlFreeParserCtxt (self->ctxt);
      self->ctxt = NULL;
    }
  if (self->point != NULL)
    point_free (g_steal_pointer (&self->point));
  if (self->route != NULL)
    route_free (g_steal_pointer (&self->route));
  g_clear_pointer (&self->document, amap_gpx_document_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->file_name, g_free);
  if (self->text != NULL)
    g_string_free (g_steal_pointer (&self->text), TRUE);
}

static gboolean
reader_init (Reader     *self,
             const char *file_name,
             GError    **error)
{
  memset (self, 0, sizeof *self);
  self->file_name = g_strdup (file_name != NULL ? file_name : "GPX");
  self->text = g_string_new (NULL);
  self->document = g_new0 (AmapGpxDocument, 1);
  self->document->waypoints = g_ptr_array_new_with_free_func (point_free);
  self->document->routes = g_ptr_array_new_with_free_func (route_free);

  xmlSetGenericErrorFunc (NULL, ignore_generic_error);
  self->ctxt = xmlCreatePushParserCtxt (get_sax_handler (), self, NULL, 0, self->file_name);
  if (self->ctxt == NULL)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED, _("Could not start reading %s"),
                   self->file_name);
      return FALSE;
    }
  xmlCtxtUseOptions (self->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  return TRUE;
}

static gboolean
reader_feed (Reader     *self,
             const char *data,
             gsize       len,
             gboolean    last)
{
  int rc;

  if (self->error != NULL)
    return FALSE;

  self->bytes_read += len;
  if (self->bytes_read > AMAP_GPX_MAX_BYTES)
    {
      fail (self, g_error_new (AMAP_ERROR, AMAP_ERROR_UNSAFE,
                               _("%s is larger than the %u MB a GPX file may have"),
                               self->file_name, (guint) (AMAP_GPX_MAX_BYTES / 1024 / 1024)));
      return FALSE;
    }

  rc = xmlParseChunk (self->ctxt, data, (int) len, last);
  if (self->error != NULL)
    return FALSE;

  if (rc != 0 && !self->ctxt->wellFormed)
    {
      xmlErrorPtr last_error = xmlCtxtGetLastError (self->ctxt);
      g_autofree char *message = g_strdup (last_error != NULL && last_error->message != NULL
                                           ? last_error->message : _("not well-formed"));

      g_strstrip (message);
      fail (self, g_error_new (AMAP_ERROR, AMAP_ERROR_PARSE,
                               /* Translators: file name, line, and what is wrong */
                               _("%s:%d: %s"), self->file_name,
                               last_error != NULL ? last_error->line : 0, message));
      return FALSE;
    }

  return TRUE;
}

static AmapGpxDocument *
reader_finish (Reader  *self,
               GError **error)
{
  AmapGpxDocument *document;

  if (self->error == NULL && self->gpx_depth == 0)
    self->error = g_error_new (AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                               _("%s is not a GPX file"), self->file_name);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      reader_clear (self);
      return NULL;
    }

  document = g_steal_pointer (&self->document);
  reader_clear (self);
  return document;
}

AmapGpxDocument *
amap_gpx_reader_read_bytes (GBytes      *bytes,
                            const char  *file_name,
                            GError     **error)
{
  Reader reader;
  gsize len;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  if (!reader_init (&reader, file_name, error))
    {
      reader_clear (&reader);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &len);
  while (len > CHUNK_SIZE && reader_feed (&reader, data, CHUNK_SIZE, FALSE))
    {
      data += CHUNK_SIZE;
      len -= CHUNK_SIZE;
    }
  if (reader.error == NULL)
    reader_feed (&reader, data, len, TRUE);

  return reader_finish (&reader, error);
}

AmapGpxDocument *
amap_gpx_reader_read_stream (GInputStream  *stream,
                             const char    *file_name,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *buffer = g_malloc (CHUNK_SIZE);
  Reader reader;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  if (!reader_init (&reader, file_name, error))
    {
      reader_clear (&reader);
      return NULL;
    }

  for (;;)
    {
      GError *local_error = NULL;
      gssize n = g_input_stream_read (stream, buffer, CHUNK_SIZE, cancellable, &local_error);

      if (n < 0)
        {
          fail (&reader, local_error);
          break;
        }
      if (!reader_feed (&reader, buffer, n, n == 0) || n == 0)
        break;
    }

  return reader_finish (&reader, error);
}
