/* amap-cli-tours.h: the headless tour commands (--list-tours,
 * --itinerary, --export-tour)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdio.h>

#include <gio/gio.h>

#include "amap-store.h"

G_BEGIN_DECLS

/* One tour as a --list-tours line, without the newline: name, number of
 * stops, departure ("YYYY-MM-DD HH:MM" in the tour's zone, empty when not
 * set), separated by tabs; tabs and line breaks in the name become
 * spaces. */
char     *amap_cli_format_tour        (AmapTour    *tour);

/* Prints every tour of @store to @out, one a line, by name. */
gboolean  amap_cli_list_tours         (AmapStore   *store,
                                       FILE        *out,
                                       GError     **error);

/* Saves the itinerary of the tour named @tour_name (case and surrounding
 * spaces do not matter) as a PDF at @path. */
gboolean  amap_cli_itinerary          (AmapStore   *store,
                                       const char  *tour_name,
                                       const char  *path,
                                       GError     **error);

/* Exports the tour named @tour_name to @path, KML or GPX by its suffix. */
gboolean  amap_cli_export_tour        (AmapStore   *store,
                                       const char  *tour_name,
                                       const char  *path,
                                       GError     **error);

/* TRUE when @options (of the command line) ask for a tour command. */
gboolean  amap_cli_tours_requested    (GVariantDict *options);

/* Runs the tour commands @options ask for: --list-tours, --itinerary NAME
 * and --export-tour NAME, the last two writing the files named by @files
 * (the arguments that are not options, in order: the itinerary's first).
 * Prints what went wrong to stderr, one sentence naming the file or the
 * tour. Returns the exit status. */
int       amap_cli_tours_run          (AmapStore          *store,
                                       GVariantDict       *options,
                                       const char * const *files);

/* The tile cache of the base map the settings choose (NULL: none) and in
 * @attribution its credit (NULL: OpenStreetMap's). */
char     *amap_cli_dup_tile_dir       (char       **attribution);

G_END_DECLS
