/* amap-cli.c: the headless command line (--list, --import, --export)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-cli"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-cli.h"
#include "amap-error.h"
#include "amap-export.h"
#include "amap-import.h"
#include "amap-import-plan.h"
#include "amap-map-render.h"
#include "amap-mbtiles.h"

void
amap_cli_append_field (GString    *line,
                       const char *text)
{
  const char *p = text != NULL ? text : "";

  /* Runs without a tab or line break in one piece. */
  while (*p != '\0')
    {
      size_t run = strcspn (p, "\t\n\r");

      g_string_append_len (line, p, (gssize) run);
      p += run;
      if (*p != '\0')
        {
          g_string_append_c (line, ' ');
          p++;
        }
    }
}

gboolean
amap_cli_print_lines (GPtrArray          *items,
                      AmapCliFormatFunc   format,
                      FILE               *out,
                      GError            **error)
{
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *line = format (g_ptr_array_index (items, i));

      fputs (line, out);
      fputc ('\n', out);
    }

  if (fflush (out) != 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("Could not write the list: %s"), g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/*
 * "%.7f" of @value in the C locale, as g_ascii_formatd() writes it, without
 * printf: a million-asset --list spent a fifth of its time in glibc's
 * exact decimal conversion. The double is m × 2^e exactly, so m × 10^7
 * (under 2^77) shifted right by -e is the value in units of 10^-7, and the
 * bits shifted out say how to round: up above one half, to even at exactly
 * one half, as glibc rounds. Anything else (|value| ≥ 2^33, infinities,
 * NaN) goes to g_ascii_formatd().
 */
const char *
amap_cli_format_coordinate (char   *buf,
                            double  value)
{
  unsigned __int128 scaled, rest, half;
  guint64 units, whole;
  guint32 fraction;
  double magnitude = fabs (value);
  char digits[24];
  char *p = buf;
  int exponent, shift, n = 0;
  guint64 mantissa;

  if (!isfinite (value) || magnitude >= 8589934592.0)
    return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.7f", value);

  if (signbit (value))
    *p++ = '-';

  mantissa = (guint64) ldexp (frexp (magnitude, &exponent), 53);
  shift = 53 - exponent;  /* magnitude = mantissa × 2^-shift, shift > 19 */
  if (magnitude == 0 || shift > 120)
    units = 0;  /* under 2^-67: far below half a unit */
  else
    {
      scaled = (unsigned __int128) mantissa * 10000000u;
      units = (guint64) (scaled >> shift);
      rest = scaled - ((unsigned __int128) units << shift);
      half = (unsigned __int128) 1 << (shift - 1);
      if (rest > half || (rest == half && (units & 1) != 0))
        units++;
    }

  whole = units / 10000000u;
  fraction = (guint32) (units % 10000000u);
  do
    {
      digits[n++] = (char) ('0' + whole % 10);
      whole /= 10;
    }
  while (whole > 0);
  while (n > 0)
    *p++ = digits[--n];
  *p++ = '.';
  for (int i = 6; i >= 0; i--)
    {
      p[i] = (char) ('0' + fraction % 10);
      fraction /= 10;
    }
  p[7] = '\0';

  return buf;
}

static void
append_coordinate (GString *line,
                   double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (line, amap_cli_format_coordinate (buf, value));
}

/* The general way: tests compare the streaming --list with it. */
static void
append_coordinate_printf (GString *line,
                          double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (line, g_ascii_formatd (buf, sizeof buf, "%.7f", value));
}

char *
amap_cli_format_asset (AmapAsset *asset)
{
  GString *line;

  g_return_val_if_fail (AMAP_IS_ASSET (asset), NULL);

  line = g_string_new (NULL);
  amap_cli_append_field (line, amap_asset_get_uuid (asset));
  g_string_append_c (line, '\t');
  amap_cli_append_field (line, amap_asset_get_name (asset));
  g_string_append_c (line, '\t');
  amap_cli_append_field (line, amap_asset_get_category (asset));
  g_string_append_c (line, '\t');
  if (amap_asset_get_has_location (asset))
    {
      append_coordinate_printf (line, amap_asset_get_latitude (asset));
      g_string_append_c (line, '\t');
      append_coordinate_printf (line, amap_asset_get_longitude (asset));
    }
  else
    {
      g_string_append_c (line, '\t');
    }

  return g_string_free (line, FALSE);
}

typedef struct
{
  FILE    *out;
  GString *line;  /* reused for every line */
} ListPrinter;

/* The line amap_cli_format_asset() makes of the same asset, and its
 * newline, from the row itself. */
static gboolean
print_summary_line (const AmapStoreSummary  *summary,
                    gpointer                 user_data,
                    GError                 **error)
{
  ListPrinter *printer = user_data;
  GString *line = printer->line;

  g_string_truncate (line, 0);
  amap_cli_append_field (line, summary->uuid);
  g_string_append_c (line, '\t');
  amap_cli_append_field (line, summary->name);
  g_string_append_c (line, '\t');
  amap_cli_append_field (line, summary->category);
  g_string_append_c (line, '\t');
  if (!isnan (summary->latitude) || !isnan (summary->longitude))
    {
      append_coordinate (line, summary->latitude);
      g_string_append_c (line, '\t');
      append_coordinate (line, summary->longitude);
    }
  else
    {
      g_string_append_c (line, '\t');
    }
  g_string_append_c (line, '\n');

  fwrite (line->str, 1, line->len, printer->out);
  return TRUE;
}

/* The lines stream from the store: a map of a million assets lists in
 * the memory of a few. */
gboolean
amap_cli_list (AmapStore  *store,
               FILE       *out,
               GError    **error)
{
  g_autoptr(GString) line = NULL;
  ListPrinter printer;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  line = g_string_sized_new (256);
  printer = (ListPrinter) { out, line };
  if (!amap_store_foreach_summary_row (store, print_summary_line, &printer, error))
    return FALSE;

  if (fflush (out) != 0 || ferror (out))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("Could not write the list: %s"), g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

gboolean
amap_cli_import (AmapStore   *store,
                 const char  *path,
                 const char  *default_category,
                 const char  *category_for_all,
                 FILE        *out,
                 GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autofree char *text = NULL;
  g_autofree char *lower = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
  lower = g_utf8_strdown (path, -1);

  /* --category: every place gets it, whatever its layer or style says.
   * A GPX file's places have neither: it is their default. */
  if (category_for_all != NULL && g_str_has_suffix (lower, ".gpx"))
    report = amap_import_file (store, file, category_for_all, NULL, NULL, NULL, error);
  else if (category_for_all != NULL)
    {
      g_autoptr(AmapImportPlan) plan = NULL;

      if (amap_store_lookup_category (store, category_for_all) == NULL)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNKNOWN_CATEGORY,
                       _("The category “%s” is not one of this map’s"), category_for_all);
          return FALSE;
        }
      plan = amap_import_plan_scan (store, file, default_category, NULL, error);
      if (plan == NULL)
        return FALSE;
      amap_import_plan_set_category_for_all (plan, category_for_all);
      report = amap_import_plan_apply (plan, store, NULL, NULL, NULL, error);
    }
  else
    report = amap_import_file (store, file, default_category, NULL, NULL, NULL, error);
  if (report == NULL)
    return FALSE;

  text = amap_import_report_to_string (report);
  fputs (text, out);
  if (!g_str_has_suffix (text, "\n"))
    fputc ('\n', out);
  fflush (out);

  return TRUE;
}

gboolean
amap_cli_export (AmapStore        *store,
                 const char       *path,
                 AmapExportFlags   flags,
                 FILE             *out,
                 GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);

  if (!amap_export_file_with_flags (store, NULL, file, flags, NULL, error))
    return FALSE;

  /* A file for others: say what it does not hold, and how to include it. */
  if ((flags & AMAP_EXPORT_INCLUDE_PRIVATE) == 0)
    {
      display = g_filename_display_name (path);
      /* Translators: %s is a file name. */
      fprintf (out, _("%s: key leaders’ contact details and the visit log were left out "
                      "(--include-private includes them).\n"),
               display);
      fflush (out);
    }

  return TRUE;
}

gboolean
amap_cli_backup (const char  *map_path,
                 const char  *dest_path,
                 GError     **error)
{
  g_return_val_if_fail (map_path != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);

  return amap_store_backup_file (map_path, dest_path, NULL, error);
}

gboolean
amap_cli_salvage (const char  *damaged_path,
                  const char  *new_path,
                  FILE        *out,
                  GError     **error)
{
  g_autoptr(AmapStore) saved = NULL;
  g_autofree char *display = NULL;
  guint n;

  g_return_val_if_fail (damaged_path != NULL, FALSE);
  g_return_val_if_fail (new_path != NULL, FALSE);

  if (!amap_store_salvage (damaged_path, new_path, error))
    return FALSE;

  saved = amap_store_open_existing (new_path, TRUE, error);
  if (saved == NULL)
    return FALSE;

  n = amap_store_count_assets (saved);
  display = g_filename_display_name (new_path);
  /* Translators: %u is a number of assets, %s the new map's file name. */
  fprintf (out, ngettext ("Saved %u asset into “%s”.\n", "Saved %u assets into “%s”.\n", n),
           n, display);
  fflush (out);

  return TRUE;
}

/* The map as a PNG (--export-png) */

static gboolean
parse_size (const char *text,
            int        *width,
            int        *height)
{
  char *end;
  gint64 w, h;

  w = g_ascii_strtoll (text, &end, 10);
  if (end == text || (*end != 'x' && *end != 'X'))
    return FALSE;
  text = end + 1;
  h = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0')
    return FALSE;
  if (w < AMAP_CLI_PNG_MIN_SIDE || h < AMAP_CLI_PNG_MIN_SIDE
      || w > AMAP_CLI_PNG_MAX_SIDE || h > AMAP_CLI_PNG_MAX_SIDE)
    return FALSE;

  *width = (int) w;
  *height = (int) h;
  return TRUE;
}

static gboolean
parse_bbox (const char *text,
            double      bbox[4])
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end;

      g_strstrip (parts[i]);
      bbox[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0')
        return FALSE;
    }

  return amap_map_render_bounds_are_valid (bbox[0], bbox[1], bbox[2], bbox[3]);
}

gboolean
amap_cli_export_png (AmapStore   *store,
                     const char  *path,
                     const char  *size,
                     const char  *bbox,
                     const char  *mbtiles_path,
                     const char  *tile_dir,
                     const char  *attribution,
                     GError     **error)
{
  g_autoptr(AmapMapRender) render = NULL;
  g_autoptr(AmapMbtiles) mbtiles = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GFile) file = NULL;
  int width = AMAP_CLI_PNG_DEFAULT_WIDTH, height = AMAP_CLI_PNG_DEFAULT_HEIGHT;
  double bounds[4];

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (size != NULL && !parse_size (size, &width, &height))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   /* Translators: %s is what was typed after --size */
                   _("“%s” is not a size. Give the width and height in pixels, for example "
                     "--size 1600x1000 (each between %d and %d)."),
                   size, AMAP_CLI_PNG_MIN_SIDE, AMAP_CLI_PNG_MAX_SIDE);
      return FALSE;
    }
  if (bbox != NULL && !parse_bbox (bbox, bounds))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   /* Translators: %s is what was typed after --bbox */
                   _("“%s” is not an area. Give west, south, east and north in degrees, for "
                     "example --bbox -122.23,37.77,-122.21,37.78."), bbox);
      return FALSE;
    }

  if (mbtiles_path != NULL)
    {
      mbtiles = amap_mbtiles_open (mbtiles_path, error);
      if (mbtiles == NULL)
        return FALSE;
      if (amap_mbtiles_is_vector (mbtiles))
        {
          g_autofree char *display = g_filename_display_name (mbtiles_path);

          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                       _("“%s” holds vector tiles, which a map image cannot show yet. Use an "
                         "MBTiles file of PNG or JPEG tiles."), display);
          return FALSE;
        }
    }

  assets = amap_store_list_assets (store, error);
  if (assets == NULL)
    return FALSE;

  if (bbox == NULL)
    {
      gboolean located = FALSE;

      for (guint i = 0; i < assets->len && !located; i++)
        located = amap_asset_get_has_location (g_ptr_array_index (assets, i))
                  || amap_asset_get_shape (g_ptr_array_index (assets, i)) != NULL;
      if (!located)
        {
          g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                               _("The map has no asset with a location to show. Give the area "
                                 "to draw with --bbox WEST,SOUTH,EAST,NORTH."));
          return FALSE;
        }
    }

  render = amap_map_render_new ();
  amap_map_render_add_assets (render, assets, store);
  {
    double latitude, longitude;

    if (amap_store_get_home (store, &latitude, &longitude, NULL))
      amap_map_render_set_home (render, TRUE, latitude, longitude);
  }
  if (bbox != NULL)
    amap_map_render_set_bounds (render, bounds[0], bounds[1], bounds[2], bounds[3]);
  if (mbtiles != NULL)
    amap_map_render_set_mbtiles (render, mbtiles);
  else
    {
      amap_map_render_set_tile_dir (render, tile_dir);
      amap_map_render_set_attribution (render, attribution != NULL
                                               ? attribution : _("© OpenStreetMap contributors"));
    }

  file = g_file_new_for_commandline_arg (path);
  return amap_map_render_write_png (render, file, width, height, error);
}
