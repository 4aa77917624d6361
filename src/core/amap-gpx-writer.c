/* amap-gpx-writer.c: a tour as GPX 1.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-gpx-writer"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-gpx-writer.h"
#include "amap-xml-output.h"

#define GPX_NAMESPACE "http://www.topografix.com/GPX/1/1"
#define XSI_NAMESPACE "http://www.w3.org/2001/XMLSchema-instance"
#define GPX_SCHEMA_LOCATION GPX_NAMESPACE " http://www.topografix.com/GPX/1/1/gpx.xsd"

/* The name of a bus's route: the tour's, with the bus when there are
 * several. */
static char *
dup_route_name (AmapTourPlan *plan,
                guint         bus)
{
  const char *name = amap_tour_get_name (amap_tour_plan_get_tour (plan));

  if (amap_tour_plan_get_n_buses (plan) <= 1)
    return g_strdup (name);

  /* Translators: a tour's name and a bus number, "Staff welcome tour — Bus 2" */
  return g_strdup_printf (_("%s — Bus %u"), name, bus + 1);
}

static void
write_point (AmapXmlOutput *out,
             const char    *element,
             double         latitude,
             double         longitude)
{
  amap_xml_output_start (out, element);
  amap_xml_output_coordinate_attribute (out, "lat", latitude);
  amap_xml_output_coordinate_attribute (out, "lon", longitude);
}

/* The uuid of the start or end when it is an asset. */
static const char *
place_uuid (AmapTour *tour,
            gboolean  end)
{
  const char *uuid = NULL;
  AmapTourPlaceKind kind = end ? amap_tour_get_end (tour, &uuid, NULL, NULL)
                               : amap_tour_get_start (tour, &uuid, NULL, NULL);

  if (kind == AMAP_TOUR_PLACE_START)
    kind = amap_tour_get_start (tour, &uuid, NULL, NULL);
  return kind == AMAP_TOUR_PLACE_ASSET ? uuid : NULL;
}

static void
write_place_uuid (AmapXmlOutput *out,
                  const char    *uuid)
{
  if (uuid == NULL)
    return;
  amap_xml_output_start (out, "extensions");
  amap_xml_output_element (out, "amap:uuid", uuid);
  amap_xml_output_end (out);
}

static void
write_route (AmapXmlOutput *out,
             AmapTourPlan  *plan,
             guint          bus)
{
  g_autofree char *name = dup_route_name (plan, bus);
  char number[16];
  double latitude, longitude;
  const char *place = NULL;
  guint n_stops = amap_tour_plan_get_n_stops (plan, bus);

  amap_xml_output_start (out, "rte");
  amap_xml_output_element (out, "name", name);
  g_snprintf (number, sizeof number, "%u", bus + 1);
  amap_xml_output_element (out, "number", number);
  amap_xml_output_start (out, "extensions");
  amap_xml_output_element (out, "amap:tour", amap_tour_get_name (amap_tour_plan_get_tour (plan)));
  amap_xml_output_element (out, "amap:bus", number);
  amap_xml_output_end (out);

  amap_tour_plan_get_start (plan, &latitude, &longitude, &place);
  write_point (out, "rtept", latitude, longitude);
  amap_xml_output_element (out, "name", place);
  amap_xml_output_element (out, "type", "start");
  write_place_uuid (out, place_uuid (amap_tour_plan_get_tour (plan), FALSE));
  amap_xml_output_end (out);

  for (guint i = 0; i < n_stops; i++)
    {
      AmapAsset *asset = amap_tour_plan_get_stop_asset (plan, bus, i);
      AmapTourStop *stop = amap_tour_plan_get_stop (plan, bus, i);
      char dwell[16];

      write_point (out, "rtept", amap_asset_get_latitude (asset), amap_asset_get_longitude (asset));
      amap_xml_output_element (out, "name", amap_asset_get_name (asset));
      amap_xml_output_element (out, "cmt", amap_tour_stop_get_note (stop));
      amap_xml_output_element (out, "desc", amap_asset_get_address (asset));
      amap_xml_output_element (out, "type", "stop");
      amap_xml_output_start (out, "extensions");
      g_snprintf (dwell, sizeof dwell, "%d", amap_tour_stop_get_dwell_minutes (stop));
      amap_xml_output_element (out, "amap:uuid", amap_asset_get_uuid (asset));
      amap_xml_output_element (out, "amap:dwell", dwell);
      amap_xml_output_end (out);
      amap_xml_output_end (out);
    }

  amap_tour_plan_get_end (plan, &latitude, &longitude, &place);
  write_point (out, "rtept", latitude, longitude);
  amap_xml_output_element (out, "name", place);
  amap_xml_output_element (out, "type", "end");
  write_place_uuid (out, place_uuid (amap_tour_plan_get_tour (plan), TRUE));
  amap_xml_output_end (out);

  amap_xml_output_end (out);  /* rte */
}

static void
write_track (AmapXmlOutput *out,
             AmapTourPlan  *plan,
             guint          bus)
{
  g_autofree char *name = dup_route_name (plan, bus);
  char number[16];
  guint n_stops = amap_tour_plan_get_n_stops (plan, bus);
  double last_lat = NAN, last_lon = NAN;

  amap_xml_output_start (out, "trk");
  amap_xml_output_element (out, "name", name);
  g_snprintf (number, sizeof number, "%u", bus + 1);
  amap_xml_output_element (out, "number", number);
  amap_xml_output_start (out, "trkseg");

  for (guint i = 0; i <= n_stops; i++)
    {
      AmapRouteLeg *leg = amap_tour_plan_get_leg (plan, bus, i);

      for (guint j = 0; leg != NULL && j + 1 < leg->points->len; j += 2)
        {
          double latitude = g_array_index (leg->points, double, j);
          double longitude = g_array_index (leg->points, double, j + 1);

          /* A leg starts where the last one ended: once is enough. */
          if (latitude == last_lat && longitude == last_lon)
            continue;
          write_point (out, "trkpt", latitude, longitude);
          amap_xml_output_end (out);
          last_lat = latitude;
          last_lon = longitude;
        }
    }

  amap_xml_output_end (out);  /* trkseg */
  amap_xml_output_end (out);  /* trk */
}

gboolean
amap_gpx_writer_write (AmapTourPlan   *plan,
                       GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  AmapXmlOutput *out;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  guint n_buses;

  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (plan), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  n_buses = amap_tour_plan_get_n_buses (plan);
  out = amap_xml_output_new (stream, cancellable);

  amap_xml_output_start (out, "gpx");
  amap_xml_output_attribute (out, "version", "1.1");
  amap_xml_output_attribute (out, "creator", "Asset Map " PACKAGE_VERSION);
  amap_xml_output_attribute (out, "xmlns", GPX_NAMESPACE);
  amap_xml_output_attribute (out, "xmlns:xsi", XSI_NAMESPACE);
  amap_xml_output_attribute (out, "xmlns:amap", AMAP_GPX_NAMESPACE);
  amap_xml_output_attribute (out, "xsi:schemaLocation", GPX_SCHEMA_LOCATION);

  amap_xml_output_start (out, "metadata");
  amap_xml_output_element (out, "name", amap_tour_get_name (amap_tour_plan_get_tour (plan)));
  amap_xml_output_element (out, "time", time);
  amap_xml_output_end (out);

  /* GPX wants every rte before any trk. */
  for (guint bus = 0; bus < n_buses; bus++)
    write_route (out, plan, bus);
  for (guint bus = 0; bus < n_buses; bus++)
    write_track (out, plan, bus);

  amap_xml_output_end (out);  /* gpx */

  return amap_xml_output_finish (out, error);
}
