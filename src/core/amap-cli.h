/* amap-cli.h: the headless command line (--list, --import, --export, --backup, --salvage)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdio.h>

#include <gio/gio.h>

#include "amap-export.h"
#include "amap-store.h"

G_BEGIN_DECLS

/* One asset as a --list line, without the newline: uuid, name, category,
 * latitude, longitude, separated by tabs. Coordinates use "%.7f" in the C
 * locale and are empty without a location; tabs and line breaks in the
 * name become spaces. */
char     *amap_cli_format_asset       (AmapAsset   *asset);

/* Writes "%.7f" of @value in the C locale into @buf (at least
 * G_ASCII_DTOSTR_BUF_SIZE bytes), the bytes g_ascii_formatd() writes;
 * returns @buf. */
const char *amap_cli_format_coordinate (char   *buf,
                                        double  value);

/* Appends @text (NULL: nothing) with tabs and line breaks as spaces, so
 * that it stays one field of one line. */
void      amap_cli_append_field       (GString     *line,
                                       const char  *text);

/* Prints @format of each of @items on a line of its own, then flushes. */
typedef char *(*AmapCliFormatFunc) (gpointer item);
gboolean  amap_cli_print_lines        (GPtrArray          *items,
                                       AmapCliFormatFunc   format,
                                       FILE               *out,
                                       GError            **error);

/* Prints every live asset of @store to @out, one a line. */
gboolean  amap_cli_list               (AmapStore   *store,
                                       FILE        *out,
                                       GError     **error);

/* Imports @path (.kml or .kmz) into @store and prints the report to @out. */
gboolean  amap_cli_import             (AmapStore   *store,
                                       const char  *path,
                                       const char  *default_category,
                                       const char  *category_for_all,
                                       FILE        *out,
                                       GError     **error);

/* Exports the whole map to @path (.kml or .kmz) with @flags; when the
 * private data is left out, says so in one line on @out. */
gboolean  amap_cli_export             (AmapStore       *store,
                                       const char      *path,
                                       AmapExportFlags  flags,
                                       FILE            *out,
                                       GError         **error);

/* Saves a consistent copy of the map @map_path as @dest_path (see
 * amap_store_backup_file()). */
gboolean  amap_cli_backup             (const char  *map_path,
                                       const char  *dest_path,
                                       GError     **error);

/* Saves what can still be read from the damaged map @damaged_path into a
 * new map @new_path (see amap_store_salvage()) and says how many assets
 * that is on @out. */
gboolean  amap_cli_salvage            (const char  *damaged_path,
                                       const char  *new_path,
                                       FILE        *out,
                                       GError     **error);

/* --export-png: the map of every asset (or of @bbox, "W,S,E,N" in
 * degrees) as a PNG of @size ("WIDTHxHEIGHT" pixels; NULL: 1600x1000),
 * with pins, legend, scale and attribution; tiles from the MBTiles file
 * @mbtiles_path, else from @tile_dir (a tile cache, may be NULL) credited
 * with @attribution (NULL: OpenStreetMap's). */
#define AMAP_CLI_PNG_DEFAULT_WIDTH  1600
#define AMAP_CLI_PNG_DEFAULT_HEIGHT 1000
#define AMAP_CLI_PNG_MIN_SIDE       64
#define AMAP_CLI_PNG_MAX_SIDE       10000
gboolean  amap_cli_export_png         (AmapStore   *store,
                                       const char  *path,
                                       const char  *size,
                                       const char  *bbox,
                                       const char  *mbtiles_path,
                                       const char  *tile_dir,
                                       const char  *attribution,
                                       GError     **error);

G_END_DECLS
