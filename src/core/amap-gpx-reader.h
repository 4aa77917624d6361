/* amap-gpx-reader.h: GPX bytes in, waypoints and routes out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A streaming GPX 1.0/1.1 reader (libxml2 SAX2 push parser): no document
 * tree, no store. The same safety rules as the KML reader: any DOCTYPE is
 * refused (AMAP_ERROR_UNSAFE) before its internal subset is read, no
 * network or file access (XML_PARSE_NONET), and the input, each text and
 * the number of points are capped. A document that is not well-formed
 * fails with AMAP_ERROR_PARSE naming "FILE:LINE".
 *
 * Points with coordinates out of range are dropped and counted. Tracks
 * (trk) are not read: they hold a path, not places.
 */

#define AMAP_GPX_MAX_BYTES  (G_GUINT64_CONSTANT (256) * 1024 * 1024)
#define AMAP_GPX_MAX_POINTS 100000
#define AMAP_GPX_MAX_TEXT   (64 * 1024)

typedef struct
{
  double  latitude;
  double  longitude;
  char   *name;         /* NULL when unset */
  char   *comment;      /* <cmt> */
  char   *description;  /* <desc> */
  char   *type;         /* <type>; our export writes start, stop, end */
  char   *uuid;         /* our extension: the asset's uuid */
  int     dwell_minutes; /* our extension, -1 when unset */
  guint   line;
} AmapGpxPoint;

typedef struct
{
  char      *name;
  GPtrArray *points;    /* AmapGpxPoint */
  guint      line;
  char      *tour;      /* our extension: the tour it is a bus of */
  int        bus;       /* our extension: the bus, from 1; -1 when unset */
} AmapGpxRoute;

typedef struct
{
  char      *name;       /* metadata/name (1.1) or name (1.0) */
  GPtrArray *waypoints;  /* AmapGpxPoint */
  GPtrArray *routes;     /* AmapGpxRoute */
  guint      n_dropped;  /* points without valid coordinates */
} AmapGpxDocument;

void             amap_gpx_document_free (AmapGpxDocument *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapGpxDocument, amap_gpx_document_free)

/* @file_name is used in messages. */
AmapGpxDocument *amap_gpx_reader_read_bytes  (GBytes        *bytes,
                                              const char    *file_name,
                                              GError       **error);
AmapGpxDocument *amap_gpx_reader_read_stream (GInputStream  *stream,
                                              const char    *file_name,
                                              GCancellable  *cancellable,
                                              GError       **error);

G_END_DECLS
