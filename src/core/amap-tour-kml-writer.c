/* amap-tour-kml-writer.c: a tour as KML 2.2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-kml-writer"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-map-render.h"
#include "amap-tour-kml-writer.h"
#include "amap-xml-output.h"

#define KML_NAMESPACE "http://www.opengis.net/kml/2.2"
#define STOP_ICON     "https://maps.google.com/mapfiles/kml/paddle/wht-blank.png"
#define PLACE_ICON    "https://maps.google.com/mapfiles/kml/paddle/wht-square.png"

/* "#rrggbb" to KML's aabbggrr. */
static char *
dup_kml_color (const char *color)
{
  return g_strdup_printf ("ff%c%c%c%c%c%c",
                          g_ascii_tolower (color[5]), g_ascii_tolower (color[6]),
                          g_ascii_tolower (color[3]), g_ascii_tolower (color[4]),
                          g_ascii_tolower (color[1]), g_ascii_tolower (color[2]));
}

static void
write_data (AmapXmlOutput *out,
            const char    *name,
            const char    *value)
{
  if (value == NULL)
    return;

  amap_xml_output_start (out, "Data");
  amap_xml_output_attribute (out, "name", name);
  amap_xml_output_element (out, "value", value);
  amap_xml_output_end (out);
}

static void
write_styles (AmapXmlOutput *out,
              guint          n_buses)
{
  for (guint bus = 0; bus < n_buses; bus++)
    {
      g_autofree char *color = dup_kml_color (amap_map_render_get_bus_color (bus));
      g_autofree char *route_id = g_strdup_printf ("route-%u", bus + 1);
      g_autofree char *stop_id = g_strdup_printf ("stop-%u", bus + 1);

      amap_xml_output_start (out, "Style");
      amap_xml_output_attribute (out, "id", route_id);
      amap_xml_output_start (out, "LineStyle");
      amap_xml_output_element (out, "color", color);
      amap_xml_output_element (out, "width", "5");
      amap_xml_output_end (out);
      amap_xml_output_end (out);

      amap_xml_output_start (out, "Style");
      amap_xml_output_attribute (out, "id", stop_id);
      amap_xml_output_start (out, "IconStyle");
      amap_xml_output_element (out, "color", color);
      amap_xml_output_start (out, "Icon");
      amap_xml_output_element (out, "href", STOP_ICON);
      amap_xml_output_end (out);
      amap_xml_output_end (out);
      amap_xml_output_end (out);
    }

  amap_xml_output_start (out, "Style");
  amap_xml_output_attribute (out, "id", "place");
  amap_xml_output_start (out, "IconStyle");
  amap_xml_output_element (out, "color", "ff311f24");
  amap_xml_output_start (out, "Icon");
  amap_xml_output_element (out, "href", PLACE_ICON);
  amap_xml_output_end (out);
  amap_xml_output_end (out);
  amap_xml_output_end (out);
}

static void
write_point (AmapXmlOutput *out,
             double         latitude,
             double         longitude)
{
  char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = NULL;

  g_ascii_formatd (lon, sizeof lon, "%.7f", longitude);
  g_ascii_formatd (lat, sizeof lat, "%.7f", latitude);
  text = g_strconcat (lon, ",", lat, NULL);

  amap_xml_output_start (out, "Point");
  amap_xml_output_element (out, "coordinates", text);
  amap_xml_output_end (out);
}

static void
write_place (AmapXmlOutput *out,
             const char    *role,
             const char    *label,
             double         latitude,
             double         longitude,
             const char    *place,
             const char    *uuid)
{
  g_autofree char *name = g_strdup_printf ("%s: %s", label, place != NULL ? place : "");

  amap_xml_output_start (out, "Placemark");
  amap_xml_output_element (out, "name", name);
  amap_xml_output_element (out, "styleUrl", "#place");
  amap_xml_output_start (out, "ExtendedData");
  write_data (out, "tour_role", role);
  write_data (out, "asset_name", place);
  write_data (out, "uuid", uuid);
  amap_xml_output_end (out);
  write_point (out, latitude, longitude);
  amap_xml_output_end (out);
}

static void
write_route_line (AmapXmlOutput *out,
                  AmapTourPlan  *plan,
                  guint          bus,
                  const char    *name)
{
  g_autoptr(GString) coordinates = g_string_new ("\n");
  g_autofree char *style = g_strdup_printf ("#route-%u", bus + 1);
  g_autofree char *bus_number = g_strdup_printf ("%u", bus + 1);
  guint n_stops = amap_tour_plan_get_n_stops (plan, bus);
  double last_lat = NAN, last_lon = NAN;

  for (guint i = 0; i <= n_stops; i++)
    {
      AmapRouteLeg *leg = amap_tour_plan_get_leg (plan, bus, i);

      for (guint j = 0; leg != NULL && j + 1 < leg->points->len; j += 2)
        {
          double latitude = g_array_index (leg->points, double, j);
          double longitude = g_array_index (leg->points, double, j + 1);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          if (latitude == last_lat && longitude == last_lon)
            continue;
          g_string_append (coordinates, g_ascii_formatd (buf, sizeof buf, "%.7f", longitude));
          g_string_append_c (coordinates, ',');
          g_string_append (coordinates, g_ascii_formatd (buf, sizeof buf, "%.7f", latitude));
          g_string_append_c (coordinates, '\n');
          last_lat = latitude;
          last_lon = longitude;
        }
    }

  amap_xml_output_start (out, "Placemark");
  amap_xml_output_element (out, "name", name);
  amap_xml_output_element (out, "styleUrl", style);
  amap_xml_output_start (out, "ExtendedData");
  write_data (out, "tour_role", "route");
  write_data (out, "tour_name", amap_tour_get_name (amap_tour_plan_get_tour (plan)));
  write_data (out, "tour_bus", bus_number);
  amap_xml_output_end (out);
  amap_xml_output_start (out, "LineString");
  amap_xml_output_element (out, "tessellate", "1");
  amap_xml_output_element (out, "coordinates", coordinates->str);
  amap_xml_output_end (out);
  amap_xml_output_end (out);
}

static void
write_bus (AmapXmlOutput *out,
           AmapTourPlan  *plan,
           guint          bus)
{
  AmapTour *tour = amap_tour_plan_get_tour (plan);
  const char *tour_name = amap_tour_get_name (tour);
  const char *uuid = NULL;
  AmapSchedule *schedule = amap_tour_plan_get_schedule (plan, bus);
  g_autofree char *folder = NULL;
  g_autofree char *style = g_strdup_printf ("#stop-%u", bus + 1);
  double latitude, longitude;
  const char *place = NULL;
  guint n_stops = amap_tour_plan_get_n_stops (plan, bus);

  if (amap_tour_plan_get_n_buses (plan) > 1)
    /* Translators: a tour's name and a bus number, "Staff welcome tour — Bus 2" */
    folder = g_strdup_printf (_("%s — Bus %u"), tour_name, bus + 1);
  else
    folder = g_strdup (tour_name);

  amap_xml_output_start (out, "Folder");
  amap_xml_output_element (out, "name", folder);

  write_route_line (out, plan, bus, folder);

  amap_tour_plan_get_start (plan, &latitude, &longitude, &place);
  if (amap_tour_get_start (tour, &uuid, NULL, NULL) != AMAP_TOUR_PLACE_ASSET)
    uuid = NULL;
  /* Translators: the name of a tour's first placemark, "Start: School" */
  write_place (out, "start", _("Start"), latitude, longitude, place, uuid);

  for (guint i = 0; i < n_stops; i++)
    {
      AmapAsset *asset = amap_tour_plan_get_stop_asset (plan, bus, i);
      AmapTourStop *stop = amap_tour_plan_get_stop (plan, bus, i);
      const char *asset_name = amap_asset_get_name (asset);
      g_autofree char *name = g_strdup_printf ("%u. %s", i + 1, asset_name);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *dwell = g_strdup_printf ("%d", amap_tour_stop_get_dwell_minutes (stop));
      g_autofree char *description = NULL;

      if (schedule != NULL && i < amap_schedule_get_n_stops (schedule))
        {
          const AmapScheduleStop *times = amap_schedule_get_stop (schedule, i);
          g_autofree char *arrival = g_date_time_format (times->arrival, "%H:%M");
          g_autofree char *departure = g_date_time_format (times->departure, "%H:%M");
          const char *note = amap_tour_stop_get_note (stop);

          /* Translators: a stop's times in a KML balloon, "Stop 2: 09:12–09:27" */
          description = g_strdup_printf (_("Stop %u: %s–%s"), i + 1, arrival, departure);
          if (note != NULL)
            {
              char *with_note = g_strconcat (description, "\n\n", note, NULL);

              g_free (description);
              description = with_note;
            }
        }

      amap_xml_output_start (out, "Placemark");
      amap_xml_output_element (out, "name", name);
      amap_xml_output_element (out, "address", amap_asset_get_address (asset));
      amap_xml_output_element (out, "description", description);
      amap_xml_output_element (out, "styleUrl", style);
      amap_xml_output_start (out, "ExtendedData");
      write_data (out, "tour_role", "stop");
      write_data (out, "tour_stop", number);
      write_data (out, "asset_name", asset_name);
      write_data (out, "uuid", amap_asset_get_uuid (asset));
      write_data (out, "category", amap_asset_get_category (asset));
      write_data (out, "dwell_minutes", dwell);
      write_data (out, "note", amap_tour_stop_get_note (stop));
      amap_xml_output_end (out);
      write_point (out, amap_asset_get_latitude (asset), amap_asset_get_longitude (asset));
      amap_xml_output_end (out);
    }

  amap_tour_plan_get_end (plan, &latitude, &longitude, &place);
  switch (amap_tour_get_end (tour, &uuid, NULL, NULL))
    {
    case AMAP_TOUR_PLACE_ASSET:
      break;
    case AMAP_TOUR_PLACE_START:
      if (amap_tour_get_start (tour, &uuid, NULL, NULL) != AMAP_TOUR_PLACE_ASSET)
        uuid = NULL;
      break;
    case AMAP_TOUR_PLACE_HOME:
    case AMAP_TOUR_PLACE_POINT:
    default:
      uuid = NULL;
      break;
    }
  /* Translators: the name of a tour's last placemark, "End: School" */
  write_place (out, "end", _("End"), latitude, longitude, place, uuid);

  amap_xml_output_end (out);  /* Folder */
}

gboolean
amap_tour_kml_writer_write (AmapTourPlan   *plan,
                            GOutputStream  *stream,
                            GCancellable   *cancellable,
                            GError        **error)
{
  AmapXmlOutput *out;
  guint n_buses;
  g_autofree char *buses = NULL;

  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (plan), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  n_buses = amap_tour_plan_get_n_buses (plan);
  buses = g_strdup_printf ("%u", n_buses);
  out = amap_xml_output_new (stream, cancellable);

  amap_xml_output_start (out, "kml");
  amap_xml_output_attribute (out, "xmlns", KML_NAMESPACE);
  amap_xml_output_start (out, "Document");
  amap_xml_output_element (out, "name", amap_tour_get_name (amap_tour_plan_get_tour (plan)));
  write_styles (out, n_buses);
  amap_xml_output_start (out, "ExtendedData");
  write_data (out, "asset_map_version", PACKAGE_VERSION);
  write_data (out, "tour_buses", buses);
  amap_xml_output_end (out);

  for (guint bus = 0; bus < n_buses; bus++)
    write_bus (out, plan, bus);

  amap_xml_output_end (out);  /* Document */
  amap_xml_output_end (out);  /* kml */

  return amap_xml_output_finish (out, error);
}
