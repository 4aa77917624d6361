/* amap-cli.c: the headless command line (--list, --import, --export)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-cli"

#include "config.h"

#include <errno.h>
#include <math.h>

#include <glib/gi18n.h>

#include "amap-cli.h"
#include "amap-error.h"
#include "amap-export.h"
#include "amap-import.h"

void
amap_cli_append_field (GString    *line,
                       const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    g_string_append_c (line, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
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

static void
append_coordinate (GString *line,
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
      append_coordinate (line, amap_asset_get_latitude (asset));
      g_string_append_c (line, '\t');
      append_coordinate (line, amap_asset_get_longitude (asset));
    }
  else
    {
      g_string_append_c (line, '\t');
    }

  return g_string_free (line, FALSE);
}

static gboolean
print_asset_line (AmapAsset  *asset,
                  gpointer    user_data,
                  GError    **error)
{
  g_autofree char *line = amap_cli_format_asset (asset);
  FILE *out = user_data;

  fputs (line, out);
  fputc ('\n', out);
  return TRUE;
}

/* The lines stream from the store: a map of a million assets lists in
 * the memory of a few. */
gboolean
amap_cli_list (AmapStore  *store,
               FILE       *out,
               GError    **error)
{
  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!amap_store_foreach_summary (store, print_asset_line, out, error))
    return FALSE;

  if (fflush (out) != 0)
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
                 FILE        *out,
                 GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(AmapImportReport) report = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
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
amap_cli_export (AmapStore   *store,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);

  return amap_export_file (store, NULL, file, NULL, error);
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
