/* amap-cli-tours.c: the headless tour commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "amap-cli.h"
#include "amap-cli-tours.h"
#include "amap-error.h"
#include "amap-map-render.h"
#include "amap-routing.h"
#include "amap-tour-export.h"
#include "amap-tour-plan.h"

/* Our settings, when the schema is installed (the headless commands must
 * work without it: a build tree, a script). */
static GSettings *
lookup_settings (const char *key)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return NULL;

  return g_settings_new (APPLICATION_ID);
}

static double
detour_factor (void)
{
  g_autoptr(GSettings) settings = lookup_settings ("detour-factor");
  double factor = settings != NULL ? g_settings_get_double (settings, "detour-factor") : 0;

  return factor >= 1 ? factor : AMAP_ROUTING_DEFAULT_DETOUR_FACTOR;
}

/* The tile cache of the base map the window shows (amap-map-view.c), and
 * its credit (NULL: OpenStreetMap's). */
static char *
dup_tile_dir (char **attribution)
{
  g_autoptr(GSettings) settings = lookup_settings ("base-map");
  g_autofree char *base_map = NULL;

  *attribution = NULL;
  if (settings == NULL)
    return amap_map_render_dup_tile_dir ("osm-standard");

  base_map = g_settings_get_string (settings, "base-map");
  if (g_str_equal (base_map, "none"))
    return NULL;
  if (g_str_equal (base_map, "custom"))
    {
      g_autofree char *url = g_settings_get_string (settings, "tile-url-template");
      g_autofree char *digest = NULL;
      g_autofree char *key = NULL;

      g_strstrip (url);
      if (url[0] != '\0' && strstr (url, "{z}") != NULL)
        {
          g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_PARSE_RELAXED, NULL);

          digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
          key = g_strdup_printf ("custom-%.16s", digest);
          /* Translators: the credit of a custom tile server on a printed map */
          *attribution = uri != NULL && g_uri_get_host (uri) != NULL
                         ? g_strdup_printf (_("Tiles: %s"), g_uri_get_host (uri))
                         : g_strdup (_("Custom tile server"));
          return amap_map_render_dup_tile_dir (key);
        }
    }

  return amap_map_render_dup_tile_dir ("osm-standard");
}

char *
amap_cli_format_tour (AmapTour *tour)
{
  GString *line;
  GDateTime *departure;

  g_return_val_if_fail (AMAP_IS_TOUR (tour), NULL);

  line = g_string_new (NULL);
  amap_cli_append_field (line, amap_tour_get_name (tour));
  g_string_append_printf (line, "\t%u\t", amap_tour_get_n_stops (tour));
  departure = amap_tour_get_departure (tour);
  if (departure != NULL)
    {
      g_autofree char *text = g_date_time_format (departure, "%Y-%m-%d %H:%M");

      g_string_append (line, text);
    }

  return g_string_free (line, FALSE);
}

gboolean
amap_cli_list_tours (AmapStore  *store,
                     FILE       *out,
                     GError    **error)
{
  g_autoptr(GPtrArray) tours = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  tours = amap_store_list_tours (store, error);
  if (tours == NULL)
    return FALSE;

  return amap_cli_print_lines (tours, (AmapCliFormatFunc) amap_cli_format_tour, out, error);
}

static AmapTourPlan *
plan_for (AmapStore   *store,
          const char  *tour_name,
          GError     **error)
{
  g_autoptr(AmapTour) tour = NULL;
  g_autoptr(GError) local_error = NULL;

  tour = amap_store_find_tour (store, tour_name, &local_error);
  if (tour == NULL)
    {
      if (g_error_matches (local_error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND))
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                     /* Translators: %s is a tour's name */
                     _("This map has no tour named “%s”; --list-tours shows the tours it has"),
                     tour_name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return amap_tour_plan_new (store, tour, detour_factor (), error);
}

gboolean
amap_cli_itinerary (AmapStore   *store,
                    const char  *tour_name,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *tile_dir = NULL;
  g_autofree char *attribution = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (tour_name != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  plan = plan_for (store, tour_name, error);
  if (plan == NULL)
    return FALSE;

  file = g_file_new_for_commandline_arg (path);
  tile_dir = dup_tile_dir (&attribution);

  return amap_tour_export_file (plan, file, AMAP_TOUR_FORMAT_PDF, tile_dir, attribution, NULL, error);
}

gboolean
amap_cli_export_tour (AmapStore   *store,
                      const char  *tour_name,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(AmapTourPlan) plan = NULL;
  g_autoptr(GFile) file = NULL;
  AmapTourFormat format;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (tour_name != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
  if (!amap_tour_export_format_for_file (file, &format) || format == AMAP_TOUR_FORMAT_PDF)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                           _("A tour is exported as .kml (Google Earth, My Maps) or .gpx "
                             "(GPS devices); name the file so"));
      return FALSE;
    }

  plan = plan_for (store, tour_name, error);
  if (plan == NULL)
    return FALSE;

  return amap_tour_export_file (plan, file, format, NULL, NULL, NULL, error);
}

gboolean
amap_cli_tours_requested (GVariantDict *options)
{
  g_return_val_if_fail (options != NULL, FALSE);

  return g_variant_dict_contains (options, "list-tours")
         || g_variant_dict_contains (options, "itinerary")
         || g_variant_dict_contains (options, "export-tour");
}

int
amap_cli_tours_run (AmapStore          *store,
                    GVariantDict       *options,
                    const char * const *files)
{
  const char *itinerary = NULL;
  const char *export_tour = NULL;
  gboolean list = FALSE;
  guint next_file = 0;
  guint n_files = files != NULL ? g_strv_length ((char **) files) : 0;

  g_return_val_if_fail (AMAP_IS_STORE (store), 1);
  g_return_val_if_fail (options != NULL, 1);

  g_variant_dict_lookup (options, "itinerary", "&s", &itinerary);
  g_variant_dict_lookup (options, "export-tour", "&s", &export_tour);
  g_variant_dict_lookup (options, "list-tours", "b", &list);

  if (itinerary != NULL)
    {
      g_autoptr(GError) error = NULL;
      const char *path = next_file < n_files ? files[next_file++] : NULL;

      if (path == NULL)
        {
          g_printerr (_("asset-map: --itinerary needs the PDF file to write after the tour’s name, "
                        "for example: --itinerary \"%s\" itinerary.pdf\n"), itinerary);
          return 2;
        }
      if (!amap_cli_itinerary (store, itinerary, path, &error))
        {
          g_printerr ("asset-map: %s\n", error->message);
          return 1;
        }
    }

  if (export_tour != NULL)
    {
      g_autoptr(GError) error = NULL;
      const char *path = next_file < n_files ? files[next_file++] : NULL;

      if (path == NULL)
        {
          g_printerr (_("asset-map: --export-tour needs the .kml or .gpx file to write after "
                        "the tour’s name, for example: --export-tour \"%s\" tour.gpx\n"),
                      export_tour);
          return 2;
        }
      if (!amap_cli_export_tour (store, export_tour, path, &error))
        {
          g_printerr ("asset-map: %s\n", error->message);
          return 1;
        }
    }

  if (list)
    {
      g_autoptr(GError) error = NULL;

      if (!amap_cli_list_tours (store, stdout, &error))
        {
          g_printerr (_("asset-map: Could not list the tours: %s\n"), error->message);
          return 1;
        }
    }

  return 0;
}

char *
amap_cli_dup_tile_dir (char **attribution)
{
  g_return_val_if_fail (attribution != NULL, NULL);

  return dup_tile_dir (attribution);
}
