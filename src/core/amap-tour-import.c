/* amap-tour-import.c: routes in KML, KMZ and GPX files imported as tours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-import"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-gpx-reader.h"
#include "amap-kml-reader.h"
#include "amap-kmz.h"
#include "amap-tour-import.h"

/* A start or end this close to the home is the home; an end this close
 * to the start is "back at the start". */
#define SAME_PLACE_M 30.0

#define ROLE_START "start"
#define ROLE_STOP  "stop"
#define ROLE_END   "end"
#define ROLE_ROUTE "route"

/* Our own fields on a tour's placemarks (amap-tour-kml-writer.h): not
 * kept on the assets. */
static const char * const tour_fields[] = {
  "tour_role", "tour_stop", "asset_name", "dwell_minutes", "note",
};

typedef struct
{
  AmapAsset *asset;        /* owned; its uuid is the stored asset's after the batch */
  char      *role;         /* ROLE_*, or NULL when the file does not say */
  char      *note;
  int        dwell_minutes; /* -1: the default */
} Waypoint;

typedef struct
{
  guint      folder;
  char      *name;
  GPtrArray *waypoints;   /* Waypoint */
  guint      n_lines;
  guint      n_other;     /* polygons and other shapes: not a route */
  /* Ours: the tour this is a bus of, and the bus (from 1; 0: unknown). */
  char      *tour_name;
  guint      bus;
} Route;

static void
waypoint_free (gpointer data)
{
  Waypoint *waypoint = data;

  g_clear_object (&waypoint->asset);
  g_free (waypoint->role);
  g_free (waypoint->note);
  g_free (waypoint);
}

static void
route_free (gpointer data)
{
  Route *route = data;

  g_free (route->name);
  g_free (route->tour_name);
  g_ptr_array_unref (route->waypoints);
  g_free (route);
}

static Route *
route_new (const char *name)
{
  Route *route = g_new0 (Route, 1);

  route->name = g_strdup (name);
  route->waypoints = g_ptr_array_new_with_free_func (waypoint_free);
  return route;
}

static double
distance_m (double latitude1,
            double longitude1,
            double latitude2,
            double longitude2)
{
  double p1 = latitude1 * G_PI / 180, p2 = latitude2 * G_PI / 180;
  double dp = p2 - p1, dl = (longitude2 - longitude1) * G_PI / 180;
  double h = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2 * 6371008.8 * asin (MIN (1.0, sqrt (h)));
}

static gboolean
is_line (const char *shape)
{
  return shape != NULL
         && (g_ascii_strncasecmp (shape, "LINESTRING", 10) == 0
             || g_ascii_strncasecmp (shape, "MULTILINESTRING", 15) == 0);
}

/* KML */

typedef struct
{
  GPtrArray  *routes;   /* Route, in the order their folders first appear */
  GHashTable *by_folder; /* folder serial -> Route */
} KmlRun;

static gboolean
on_placemark (AmapKmlReader              *reader,
              AmapAsset                  *asset,
              const AmapKmlPlacemarkInfo *info,
              gpointer                    user_data,
              GError                    **error)
{
  KmlRun *run = user_data;
  Route *route = g_hash_table_lookup (run->by_folder, GUINT_TO_POINTER (info->folder));
  const char *shape = amap_asset_get_shape (asset);
  const char *role = amap_asset_get_extra (asset, "tour_role");
  Waypoint *waypoint;

  if (route == NULL)
    {
      route = route_new (info->folder_name);
      route->folder = info->folder;
      g_hash_table_insert (run->by_folder, GUINT_TO_POINTER (info->folder), route);
      g_ptr_array_add (run->routes, route);
    }

  if (is_line (shape) || g_strcmp0 (role, ROLE_ROUTE) == 0)
    {
      const char *bus = amap_asset_get_extra (asset, "tour_bus");
      guint64 number;

      route->n_lines++;
      if (g_strcmp0 (role, ROLE_ROUTE) == 0 && route->tour_name == NULL
          && bus != NULL && g_ascii_string_to_unsigned (bus, 10, 1, AMAP_TOUR_MAX_BUSES, &number, NULL))
        {
          route->tour_name = g_strdup (amap_asset_get_extra (asset, "tour_name"));
          route->bus = route->tour_name != NULL ? (guint) number : 0;
        }
      return TRUE;
    }
  if (shape != NULL || !amap_asset_get_has_location (asset))
    {
      route->n_other++;
      return TRUE;
    }

  waypoint = g_new0 (Waypoint, 1);
  waypoint->asset = amap_asset_copy (asset);
  waypoint->dwell_minutes = -1;
  if (role != NULL && (g_str_equal (role, ROLE_START) || g_str_equal (role, ROLE_STOP)
                       || g_str_equal (role, ROLE_END)))
    {
      const char *name = amap_asset_get_extra (asset, "asset_name");
      const char *dwell = amap_asset_get_extra (asset, "dwell_minutes");
      gint64 minutes;

      waypoint->role = g_strdup (role);
      waypoint->note = g_strdup (amap_asset_get_extra (asset, "note"));
      if (dwell != NULL && g_ascii_string_to_signed (dwell, 10, 0, 24 * 60, &minutes, NULL))
        waypoint->dwell_minutes = (int) minutes;
      if (name != NULL)
        amap_asset_set_name (waypoint->asset, name);
      /* The balloon text we wrote (the times and the note), not the asset's. */
      amap_asset_set_description (waypoint->asset, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (tour_fields); i++)
    amap_asset_set_extra (waypoint->asset, tour_fields[i], NULL);

  g_ptr_array_add (route->waypoints, waypoint);
  return TRUE;
}

static gboolean
read_kml (AmapStore     *store,
          GFile         *file,
          const char    *default_category,
          GPtrArray     *routes,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(AmapKmlReader) reader = amap_kml_reader_new (basename);
  g_autoptr(GHashTable) by_folder = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (route_free);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GBufferedInputStream) buffered = NULL;
  KmlRun run = { found, by_folder };
  const guint8 *head;
  gsize head_len = 0;
  gboolean ok;

  amap_kml_reader_set_default_category (reader, default_category);
  amap_kml_reader_set_categories (reader, amap_store_get_categories (store));
  amap_kml_reader_set_callbacks (reader, on_placemark, NULL, &run);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return FALSE;

  buffered = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new (G_INPUT_STREAM (stream)));
  if (g_buffered_input_stream_fill (buffered, 4, cancellable, error) < 0)
    return FALSE;
  head = g_buffered_input_stream_peek_buffer (buffered, &head_len);

  if (amap_kmz_looks_like_zip (head, head_len))
    {
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                       _("%s is not on this computer; copy it here first"), basename);
          return FALSE;
        }
      ok = amap_kmz_read_file (path, reader, cancellable, NULL, NULL, error);
    }
  else
    ok = amap_kml_reader_read_stream (reader, G_INPUT_STREAM (buffered), cancellable, error);

  if (!ok)
    return FALSE;

  for (guint i = 0; i < found->len; i++)
    {
      Route *route = g_ptr_array_index (found, i);

      if (route->n_lines > 0 && route->n_other == 0 && route->waypoints->len >= 2)
        g_ptr_array_add (routes, g_ptr_array_steal_index (found, i--));
    }

  return TRUE;
}

/* GPX */

static char *
gpx_source_id (const char         *basename,
               const AmapGpxPoint *point)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_checksum_update (sum, (const guchar *) basename, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) (point->name != NULL ? point->name : ""), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) g_ascii_formatd (buf, sizeof buf, "%.7f", point->latitude), -1);
  g_checksum_update (sum, (const guchar *) ",", 1);
  g_checksum_update (sum, (const guchar *) g_ascii_formatd (buf, sizeof buf, "%.7f", point->longitude), -1);

  return g_strdup_printf ("gpx-%.24s", g_checksum_get_string (sum));
}

static gboolean
read_gpx (GFile         *file,
          const char    *default_category,
          GPtrArray     *routes,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(AmapGpxDocument) document = NULL;

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return FALSE;

  document = amap_gpx_reader_read_stream (G_INPUT_STREAM (stream), basename, cancellable, error);
  if (document == NULL)
    return FALSE;

  for (guint i = 0; i < document->routes->len; i++)
    {
      AmapGpxRoute *rte = g_ptr_array_index (document->routes, i);
      gboolean ours = FALSE;
      Route *route;

      if (rte->points->len < 2)
        continue;

      for (guint j = 0; j < rte->points->len; j++)
        {
          AmapGpxPoint *point = g_ptr_array_index (rte->points, j);

          if (point->uuid != NULL || g_strcmp0 (point->type, ROLE_STOP) == 0)
            ours = TRUE;
        }

      route = route_new (rte->name != NULL ? rte->name : document->name);
      if (rte->tour != NULL && rte->bus >= 1 && rte->bus <= AMAP_TOUR_MAX_BUSES)
        {
          route->tour_name = g_strdup (rte->tour);
          route->bus = (guint) rte->bus;
        }
      for (guint j = 0; j < rte->points->len; j++)
        {
          AmapGpxPoint *point = g_ptr_array_index (rte->points, j);
          Waypoint *waypoint = g_new0 (Waypoint, 1);
          g_autofree char *source_id = gpx_source_id (basename, point);
          g_autofree char *fallback = NULL;

          if (point->name == NULL)
            /* Translators: the name of a route point that has none */
            fallback = g_strdup_printf (_("Point %u"), j + 1);
          waypoint->asset = amap_asset_new (point->name != NULL ? point->name : fallback);
          amap_asset_set_location (waypoint->asset, point->latitude, point->longitude);
          amap_asset_set_category (waypoint->asset, default_category);
          amap_asset_set_uuid (waypoint->asset, point->uuid);
          amap_asset_set_source_id (waypoint->asset, source_id);
          waypoint->dwell_minutes = point->dwell_minutes;
          if (ours)
            {
              /* Ours: desc is the address, cmt the stop's note, type the role. */
              amap_asset_set_address (waypoint->asset, point->description);
              waypoint->note = g_strdup (point->comment);
              if (g_strcmp0 (point->type, ROLE_START) == 0 || g_strcmp0 (point->type, ROLE_STOP) == 0
                  || g_strcmp0 (point->type, ROLE_END) == 0)
                waypoint->role = g_strdup (point->type);
            }
          else
            {
              amap_asset_set_description (waypoint->asset, point->description);
              waypoint->note = g_strdup (point->comment);
            }
          g_ptr_array_add (route->waypoints, waypoint);
        }
      g_ptr_array_add (routes, route);
    }

  return TRUE;
}

/* Making the tours */

/* The asset to use for @waypoint: the map's own when it is still there
 * (our files carry the uuid), else @waypoint's asset put into the batch
 * (a new asset, or the one an earlier import of the same file made). */
static gboolean
resolve_asset (AmapStore       *store,
               AmapStoreBatch  *batch,
               Waypoint        *waypoint,
               GHashTable      *done,
               GError         **error)
{
  const char *uuid = amap_asset_get_uuid (waypoint->asset);
  const char *source_id = amap_asset_get_source_id (waypoint->asset);
  const char *known;

  if (uuid != NULL)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (store, uuid, NULL);

      if (stored != NULL)
        return TRUE;
    }

  /* The same place twice in one file (a loop written out): one asset. */
  if (source_id != NULL && (known = g_hash_table_lookup (done, source_id)) != NULL)
    {
      amap_asset_set_uuid (waypoint->asset, known);
      return TRUE;
    }

  if (uuid == NULL)
    {
      g_autofree char *fresh = g_uuid_string_random ();

      amap_asset_set_uuid (waypoint->asset, fresh);
    }

  /* put() keeps the stored asset's uuid when the source id matches. */
  if (!amap_store_batch_put (batch, waypoint->asset, NULL, error))
    return FALSE;

  if (source_id != NULL)
    g_hash_table_insert (done, g_strdup (source_id), g_strdup (amap_asset_get_uuid (waypoint->asset)));
  return TRUE;
}

static char *
unique_tour_name (AmapStore  *store,
                  GPtrArray  *taken,
                  const char *name)
{
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *candidate = n == 1 ? g_strdup (name)
                                          /* Translators: a tour's name and a number, "Staff tour 2" */
                                          : g_strdup_printf (_("%s %u"), name, n);
      g_autoptr(AmapTour) existing = amap_store_find_tour (store, candidate, NULL);
      gboolean used = existing != NULL;

      for (guint i = 0; !used && i < taken->len; i++)
        used = g_utf8_collate (g_ptr_array_index (taken, i), candidate) == 0;
      if (!used)
        return g_steal_pointer (&candidate);
    }

  return g_strdup (name);
}

static gboolean
near (AmapAsset *asset,
      double     latitude,
      double     longitude)
{
  return distance_m (amap_asset_get_latitude (asset), amap_asset_get_longitude (asset),
                     latitude, longitude) <= SAME_PLACE_M;
}

/* The waypoints of @route that are stops: [*first, *last). Ours say
 * which are the start and the end; otherwise they are the first and the
 * last, as in a directions layer. */
static void
split_route (Route     *route,
             Waypoint **start,
             Waypoint **end,
             guint     *first,
             guint     *last)
{
  gboolean has_roles = FALSE;

  *start = *end = NULL;
  *first = 0;
  *last = route->waypoints->len;

  for (guint i = 0; i < route->waypoints->len; i++)
    if (((Waypoint *) g_ptr_array_index (route->waypoints, i))->role != NULL)
      has_roles = TRUE;

  if (has_roles)
    {
      Waypoint *w0 = g_ptr_array_index (route->waypoints, 0);
      Waypoint *wn = g_ptr_array_index (route->waypoints, route->waypoints->len - 1);

      if (g_strcmp0 (w0->role, ROLE_START) == 0)
        {
          *start = w0;
          *first = 1;
        }
      if (g_strcmp0 (wn->role, ROLE_END) == 0 && *last > *first)
        {
          *end = wn;
          (*last)--;
        }
    }
  else
    {
      *start = g_ptr_array_index (route->waypoints, 0);
      *end = g_ptr_array_index (route->waypoints, route->waypoints->len - 1);
      *first = 1;
      (*last)--;
    }
}

/* One tour from @routes: one route, or the buses of one of our tours
 * (the start and the end are the first bus's). */
static AmapTour *
build_tour (AmapStore       *store,
            AmapStoreBatch  *batch,
            GPtrArray       *routes,
            const char      *name,
            GHashTable      *done,
            GError         **error)
{
  g_autoptr(AmapTour) tour = amap_tour_new (name);
  double home_lat = NAN, home_lon = NAN;
  gboolean has_home = amap_store_get_home (store, &home_lat, &home_lon, NULL);
  Waypoint *start = NULL, *end = NULL;
  guint first, last;
  guint n_buses = 1;

  for (guint r = 0; r < routes->len; r++)
    n_buses = MAX (n_buses, ((Route *) g_ptr_array_index (routes, r))->bus);
  amap_tour_set_n_buses (tour, MIN (n_buses, AMAP_TOUR_MAX_BUSES));

  split_route (g_ptr_array_index (routes, 0), &start, &end, &first, &last);

  if (start != NULL && has_home && near (start->asset, home_lat, home_lon))
    amap_tour_set_start (tour, AMAP_TOUR_PLACE_HOME, NULL, NAN, NAN);
  else if (start != NULL)
    {
      if (!resolve_asset (store, batch, start, done, error))
        return NULL;
      amap_tour_set_start (tour, AMAP_TOUR_PLACE_ASSET, amap_asset_get_uuid (start->asset), NAN, NAN);
    }

  if (end != NULL && start != NULL
      && near (end->asset, amap_asset_get_latitude (start->asset), amap_asset_get_longitude (start->asset)))
    amap_tour_set_end (tour, AMAP_TOUR_PLACE_START, NULL, NAN, NAN);
  else if (end != NULL && has_home && near (end->asset, home_lat, home_lon))
    amap_tour_set_end (tour, AMAP_TOUR_PLACE_HOME, NULL, NAN, NAN);
  else if (end != NULL)
    {
      if (!resolve_asset (store, batch, end, done, error))
        return NULL;
      amap_tour_set_end (tour, AMAP_TOUR_PLACE_ASSET, amap_asset_get_uuid (end->asset), NAN, NAN);
    }

  for (guint r = 0; r < routes->len; r++)
    {
      Route *route = g_ptr_array_index (routes, r);
      Waypoint *route_start, *route_end;

      if (r > 0)
        split_route (route, &route_start, &route_end, &first, &last);

      for (guint i = first; i < last; i++)
        {
          Waypoint *waypoint = g_ptr_array_index (route->waypoints, i);
          g_autoptr(AmapTourStop) stop = NULL;

          if (!resolve_asset (store, batch, waypoint, done, error))
            return NULL;

          stop = amap_tour_stop_new (amap_asset_get_uuid (waypoint->asset));
          if (waypoint->dwell_minutes >= 0)
            amap_tour_stop_set_dwell_minutes (stop, waypoint->dwell_minutes);
          amap_tour_stop_set_note (stop, waypoint->note);
          amap_tour_stop_set_bus (stop, MIN (MAX (route->bus, 1), AMAP_TOUR_MAX_BUSES) - 1);
          amap_tour_insert_stop (tour, amap_tour_get_n_stops (tour), stop);
        }
    }

  if (!amap_store_batch_add_tour (batch, tour, error))
    return NULL;

  return g_steal_pointer (&tour);
}

/* The routes grouped into tours: the buses of one of our tours together,
 * in file order; any other route alone. */
static GPtrArray *
group_routes (GPtrArray *routes)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < routes->len; i++)
    {
      Route *route = g_ptr_array_index (routes, i);
      GPtrArray *group = NULL;

      for (guint g = 0; route->bus > 0 && g < groups->len && group == NULL; g++)
        {
          GPtrArray *candidate = g_ptr_array_index (groups, g);
          Route *head = g_ptr_array_index (candidate, 0);
          gboolean taken = FALSE;

          if (head->bus == 0 || g_strcmp0 (head->tour_name, route->tour_name) != 0)
            continue;
          for (guint k = 0; k < candidate->len; k++)
            if (((Route *) g_ptr_array_index (candidate, k))->bus == route->bus)
              taken = TRUE;
          if (!taken)
            group = candidate;
        }

      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_ptr_array_add (groups, group);
        }
      g_ptr_array_add (group, route);
    }

  /* The first bus first: its start and end are the tour's. */
  for (guint g = 0; g < groups->len; g++)
    {
      GPtrArray *group = g_ptr_array_index (groups, g);

      for (guint k = 1; k < group->len; k++)
        if (((Route *) g_ptr_array_index (group, k))->bus < ((Route *) g_ptr_array_index (group, 0))->bus)
          {
            gpointer tmp = group->pdata[0];

            group->pdata[0] = group->pdata[k];
            group->pdata[k] = tmp;
          }
    }

  return groups;
}

static gboolean
is_gpx_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (basename != NULL ? basename : "", -1);

  return g_str_has_suffix (lower, ".gpx");
}

GPtrArray *
amap_tour_import_file (AmapStore     *store,
                       GFile         *file,
                       const char    *default_category,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func (route_free);
  g_autoptr(GPtrArray) tours = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *basename = NULL;
  g_autofree char *display = NULL;
  AmapStoreBatch *batch;
  gboolean ok;

  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (default_category == NULL)
    default_category = "other";

  basename = g_file_get_basename (file);
  display = g_file_get_parse_name (file);

  if (is_gpx_file (file))
    ok = read_gpx (file, default_category, routes, cancellable, error);
  else
    ok = read_kml (store, file, default_category, routes, cancellable, error);
  if (!ok)
    return NULL;

  if (routes->len == 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                   /* Translators: %s is a file name */
                   _("“%s” holds no route to import as a tour. A tour needs a folder with a "
                     "route line and its stops (KML, as Google My Maps writes directions) "
                     "or a route of points (GPX)."),
                   display);
      return NULL;
    }

  batch = amap_store_batch_begin (store, error);
  if (batch == NULL)
    return NULL;
  /* "Undo Import of “tour.gpx” (3 Assets)" */
  amap_store_batch_set_name (batch, basename);

  groups = group_routes (routes);
  for (guint i = 0; i < groups->len; i++)
    {
      GPtrArray *group = g_ptr_array_index (groups, i);
      Route *route = g_ptr_array_index (group, 0);
      const char *wanted = route->bus > 0 ? route->tour_name : route->name;
      g_autofree char *fallback = NULL;
      g_autofree char *name = NULL;
      AmapTour *tour;

      if (wanted == NULL)
        {
          fallback = g_strdup (basename);
          if (strrchr (fallback, '.') != NULL)
            *strrchr (fallback, '.') = '\0';
        }
      name = unique_tour_name (store, names, wanted != NULL ? wanted : fallback);
      tour = build_tour (store, batch, group, name, done, error);
      if (tour == NULL)
        {
          amap_store_batch_abort (batch);
          return NULL;
        }
      g_ptr_array_add (tours, tour);
      g_ptr_array_add (names, g_steal_pointer (&name));
    }

  if (!amap_store_batch_commit (batch, error))
    return NULL;

  return g_steal_pointer (&tours);
}
