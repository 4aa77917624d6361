/* amap-xml-output.c: an xmlTextWriter over a GOutputStream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-xml-output"

#include "config.h"

#include <glib/gi18n.h>
#include <libxml/xmlwriter.h>

#include "amap-error.h"
#include "amap-xml-output.h"

struct _AmapXmlOutput
{
  GOutputStream    *stream;
  GCancellable     *cancellable;
  GError           *error;
  xmlTextWriterPtr  xml;
  gboolean          failed;
  GString          *scratch;
};

static int
write_cb (void       *context,
          const char *buffer,
          int         len)
{
  AmapXmlOutput *out = context;

  if (out->error != NULL)
    return -1;
  if (!g_output_stream_write_all (out->stream, buffer, len, NULL, out->cancellable, &out->error))
    return -1;
  return len;
}

static int
close_cb (void *context)
{
  return 0;
}

static void
check (AmapXmlOutput *out,
       int            rc)
{
  if (rc < 0)
    out->failed = TRUE;
}

static gboolean
is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xA || c == 0xD
         || (c >= 0x20 && c <= 0xD7FF)
         || (c >= 0xE000 && c <= 0xFFFD)
         || (c >= 0x10000 && c <= 0x10FFFF);
}

/* @text as XML 1.0 can carry it; @text itself when it is fine. */
static const char *
xml_text (AmapXmlOutput *out,
          const char    *text)
{
  g_autofree char *valid = NULL;
  gboolean clean = g_utf8_validate (text, -1, NULL);

  for (const char *p = text; clean && *p != '\0'; p = g_utf8_next_char (p))
    if (!is_xml_char (g_utf8_get_char (p)))
      clean = FALSE;
  if (clean)
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

AmapXmlOutput *
amap_xml_output_new (GOutputStream *stream,
                     GCancellable  *cancellable)
{
  AmapXmlOutput *out = g_new0 (AmapXmlOutput, 1);
  xmlOutputBufferPtr buffer;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  out->stream = g_object_ref (stream);
  out->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  out->scratch = g_string_new (NULL);

  buffer = xmlOutputBufferCreateIO (write_cb, close_cb, out, NULL);
  out->xml = buffer != NULL ? xmlNewTextWriter (buffer) : NULL;
  if (out->xml == NULL)
    {
      out->failed = TRUE;
      return out;
    }

  check (out, xmlTextWriterSetIndent (out->xml, 1));
  check (out, xmlTextWriterSetIndentString (out->xml, BAD_CAST "  "));
  check (out, xmlTextWriterStartDocument (out->xml, "1.0", "UTF-8", NULL));

  return out;
}

void
amap_xml_output_start (AmapXmlOutput *out,
                       const char    *element)
{
  if (!out->failed)
    check (out, xmlTextWriterStartElement (out->xml, BAD_CAST element));
}

void
amap_xml_output_end (AmapXmlOutput *out)
{
  if (!out->failed)
    check (out, xmlTextWriterEndElement (out->xml));
}

void
amap_xml_output_attribute (AmapXmlOutput *out,
                           const char    *name,
                           const char    *value)
{
  if (!out->failed && value != NULL)
    check (out, xmlTextWriterWriteAttribute (out->xml, BAD_CAST name,
                                             BAD_CAST xml_text (out, value)));
}

void
amap_xml_output_element (AmapXmlOutput *out,
                         const char    *name,
                         const char    *text)
{
  if (!out->failed && text != NULL)
    check (out, xmlTextWriterWriteElement (out->xml, BAD_CAST name,
                                           BAD_CAST xml_text (out, text)));
}

void
amap_xml_output_raw (AmapXmlOutput *out,
                     const char    *text)
{
  if (!out->failed)
    check (out, xmlTextWriterWriteRaw (out->xml, BAD_CAST text));
}

void
amap_xml_output_coordinate_attribute (AmapXmlOutput *out,
                                      const char    *name,
                                      double         value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  amap_xml_output_attribute (out, name, g_ascii_formatd (buf, sizeof buf, "%.7f", value));
}

gboolean
amap_xml_output_finish (AmapXmlOutput  *out,
                        GError        **error)
{
  gboolean ok;

  if (!out->failed)
    check (out, xmlTextWriterEndDocument (out->xml));
  if (!out->failed)
    check (out, xmlTextWriterFlush (out->xml));
  g_clear_pointer (&out->xml, xmlFreeTextWriter);

  ok = !out->failed && out->error == NULL;
  if (!ok)
    {
      if (out->error != NULL)
        g_propagate_error (error, g_steal_pointer (&out->error));
      else
        g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                             _("The document could not be written"));
    }

  g_clear_error (&out->error);
  g_clear_object (&out->stream);
  g_clear_object (&out->cancellable);
  g_string_free (out->scratch, TRUE);
  g_free (out);

  return ok;
}
