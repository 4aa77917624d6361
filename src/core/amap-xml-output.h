/* amap-xml-output.h: an xmlTextWriter over a GOutputStream that keeps the
 * first error, for the small writers (GPX, tour KML)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AmapXmlOutput AmapXmlOutput;

/* Starts an indented UTF-8 document on @stream. Every call below does
 * nothing once something failed; amap_xml_output_finish() reports it. */
AmapXmlOutput *amap_xml_output_new       (GOutputStream  *stream,
                                          GCancellable   *cancellable);
void           amap_xml_output_start     (AmapXmlOutput  *out,
                                          const char     *element);
void           amap_xml_output_end       (AmapXmlOutput  *out);
/* Text is cleaned to what XML 1.0 can carry (valid UTF-8, no control
 * characters). A NULL @value writes nothing. */
void           amap_xml_output_attribute (AmapXmlOutput  *out,
                                          const char     *name,
                                          const char     *value);
void           amap_xml_output_element   (AmapXmlOutput  *out,
                                          const char     *name,
                                          const char     *text);
/* Raw text inside the open element (numbers, coordinates). */
void           amap_xml_output_raw       (AmapXmlOutput  *out,
                                          const char     *text);
/* A latitude or longitude with 7 decimals in the C locale. */
void           amap_xml_output_coordinate_attribute (AmapXmlOutput *out,
                                                     const char    *name,
                                                     double         value);
/* Ends the document, flushes and frees @out. */
gboolean       amap_xml_output_finish    (AmapXmlOutput  *out,
                                          GError        **error);

G_END_DECLS
