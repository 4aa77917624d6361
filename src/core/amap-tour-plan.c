/* amap-tour-plan.c: a tour made concrete: its places, legs and schedules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-plan"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-error.h"
#include "amap-tour-order.h"
#include "amap-tour-plan.h"

typedef struct
{
  GArray       *indexes;  /* guint: the stops' indexes in the tour */
  GPtrArray    *assets;   /* AmapAsset, one per stop on the route */
  GPtrArray    *legs;     /* AmapRouteLeg, n_stops + 1 */
  AmapSchedule *schedule;
} BusPlan;

struct _AmapTourPlan
{
  GObject parent_instance;

  AmapTour  *tour;
  double     detour_factor;

  double     start_latitude;
  double     start_longitude;
  char      *start_name;
  double     end_latitude;
  double     end_longitude;
  char      *end_name;

  guint      n_buses;
  BusPlan   *buses;
  gboolean   on_roads;

  /* Translated sentences, NULL-terminated. */
  GPtrArray *warnings;
};

G_DEFINE_FINAL_TYPE (AmapTourPlan, amap_tour_plan, G_TYPE_OBJECT)

static void
bus_plan_clear (BusPlan *bus)
{
  g_clear_pointer (&bus->indexes, g_array_unref);
  g_clear_pointer (&bus->assets, g_ptr_array_unref);
  g_clear_pointer (&bus->legs, g_ptr_array_unref);
  g_clear_pointer (&bus->schedule, amap_schedule_unref);
}

static void
amap_tour_plan_dispose (GObject *object)
{
  AmapTourPlan *self = (AmapTourPlan *)object;

  for (guint b = 0; self->buses != NULL && b < self->n_buses; b++)
    bus_plan_clear (&self->buses[b]);
  g_clear_object (&self->tour);

  G_OBJECT_CLASS (amap_tour_plan_parent_class)->dispose (object);
}

static void
amap_tour_plan_finalize (GObject *object)
{
  AmapTourPlan *self = (AmapTourPlan *)object;

  g_clear_pointer (&self->buses, g_free);
  g_clear_pointer (&self->start_name, g_free);
  g_clear_pointer (&self->end_name, g_free);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_tour_plan_parent_class)->finalize (object);
}

static void
amap_tour_plan_class_init (AmapTourPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amap_tour_plan_dispose;
  object_class->finalize = amap_tour_plan_finalize;
}

static void
amap_tour_plan_init (AmapTourPlan *self)
{
  self->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/* Where the start or the end is; FALSE with a message that says what to
 * set. */
static gboolean
resolve_place (AmapTourPlan       *self,
               AmapStore          *store,
               gboolean            is_start,
               double             *latitude,
               double             *longitude,
               char              **name,
               GError            **error)
{
  const char *uuid = NULL;
  double lat = NAN, lon = NAN;
  AmapTourPlaceKind kind = is_start
                           ? amap_tour_get_start (self->tour, &uuid, &lat, &lon)
                           : amap_tour_get_end (self->tour, &uuid, &lat, &lon);
  const char *tour_name = amap_tour_get_name (self->tour);

  switch (kind)
    {
    case AMAP_TOUR_PLACE_START:
      g_assert (!is_start);
      *latitude = self->start_latitude;
      *longitude = self->start_longitude;
      *name = g_strdup (self->start_name);
      return TRUE;

    case AMAP_TOUR_PLACE_HOME:
      {
        const char *home_name = NULL;

        if (!amap_store_get_home (store, &lat, &lon, &home_name))
          {
            g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                         is_start
                         ? _("The tour “%s” starts at the school, but the map has no school "
                             "location yet. Set the map’s home, or choose where the tour starts.")
                         : _("The tour “%s” ends at the school, but the map has no school "
                             "location yet. Set the map’s home, or choose where the tour ends."),
                         tour_name);
            return FALSE;
          }
        *latitude = lat;
        *longitude = lon;
        *name = g_strdup (home_name != NULL && *home_name != '\0' ? home_name : _("School"));
        return TRUE;
      }

    case AMAP_TOUR_PLACE_ASSET:
      {
        g_autoptr(AmapAsset) asset = uuid ? amap_store_get_asset (store, uuid, NULL) : NULL;

        if (asset == NULL)
          {
            g_set_error (error, AMAP_ERROR, AMAP_ERROR_NOT_FOUND,
                         is_start
                         ? _("The tour “%s” starts at an asset that is no longer on the map. "
                             "Choose where the tour starts.")
                         : _("The tour “%s” ends at an asset that is no longer on the map. "
                             "Choose where the tour ends."),
                         tour_name);
            return FALSE;
          }
        if (!amap_asset_get_has_location (asset))
          {
            g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                         is_start
                         ? _("The tour “%s” starts at “%s”, which has no location. "
                             "Place “%s” on the map, or choose where the tour starts.")
                         : _("The tour “%s” ends at “%s”, which has no location. "
                             "Place “%s” on the map, or choose where the tour ends."),
                         tour_name, amap_asset_get_name (asset), amap_asset_get_name (asset));
            return FALSE;
          }
        *latitude = amap_asset_get_latitude (asset);
        *longitude = amap_asset_get_longitude (asset);
        *name = g_strdup (amap_asset_get_name (asset));
        return TRUE;
      }

    case AMAP_TOUR_PLACE_POINT:
    default:
      if (!amap_coordinates_are_valid (lat, lon))
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       is_start
                       ? _("The tour “%s” starts at a point that is not on Earth. "
                           "Choose where the tour starts on the map.")
                       : _("The tour “%s” ends at a point that is not on Earth. "
                           "Choose where the tour ends on the map."),
                       tour_name);
          return FALSE;
        }
      *latitude = lat;
      *longitude = lon;
      *name = g_strdup (is_start ? _("Starting point") : _("End point"));
      return TRUE;
    }
}

static void
add_warning (AmapTourPlan *self,
             char         *sentence)
{
  for (guint i = 0; i < self->warnings->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->warnings, i), sentence) == 0)
      {
        g_free (sentence);
        return;
      }

  g_ptr_array_add (self->warnings, sentence);
}

static void
build_bus (AmapTourPlan *self,
           AmapStore    *store,
           guint         b)
{
  BusPlan *bus = &self->buses[b];
  g_autoptr(GArray) all = amap_tour_get_bus_stops (self->tour, b);
  g_autoptr(GDateTime) departure = amap_tour_dup_schedule_departure (self->tour);
  double speed = amap_tour_get_speed_kmh (self->tour);
  double prev_lat = self->start_latitude, prev_lon = self->start_longitude;
  g_autofree double *distances = NULL;
  g_autofree double *durations = NULL;
  g_autofree int *dwell = NULL;
  guint n;

  bus->indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  bus->assets = g_ptr_array_new_with_free_func (g_object_unref);
  bus->legs = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);

  if (!(speed > 0.0) || !isfinite (speed))
    speed = AMAP_TOUR_DEFAULT_SPEED_KMH;

  for (guint i = 0; i < all->len; i++)
    {
      guint index = g_array_index (all, guint, i);
      AmapTourStop *stop = amap_tour_get_stop (self->tour, index);
      const char *uuid = amap_tour_stop_get_asset_uuid (stop);
      AmapAsset *asset = uuid ? amap_store_get_asset (store, uuid, NULL) : NULL;

      if (asset == NULL)
        {
          add_warning (self, g_strdup_printf (_("Stop %u is at an asset that is no longer on the "
                                                "map, so it is not on the route."), index + 1));
          continue;
        }
      if (!amap_asset_get_has_location (asset))
        {
          add_warning (self, g_strdup_printf (_("“%s” has no location, so it is not on the route. "
                                                "Place it on the map to visit it."),
                                              amap_asset_get_name (asset)));
          g_object_unref (asset);
          continue;
        }

      g_array_append_val (bus->indexes, index);
      g_ptr_array_add (bus->assets, asset);
    }

  n = bus->indexes->len;
  distances = g_new (double, n + 1);
  durations = g_new (double, n + 1);
  dwell = g_new (int, MAX (n, 1));

  for (guint i = 0; i <= n; i++)
    {
      double lat, lon;
      AmapRouteLeg *leg;

      if (i < n)
        {
          AmapAsset *asset = g_ptr_array_index (bus->assets, i);

          lat = amap_asset_get_latitude (asset);
          lon = amap_asset_get_longitude (asset);
          dwell[i] = amap_tour_stop_get_dwell_minutes (
            amap_tour_get_stop (self->tour, g_array_index (bus->indexes, guint, i)));
        }
      else
        {
          lat = self->end_latitude;
          lon = self->end_longitude;
        }

      /* The road leg the map has stored between the two, else a straight
       * one at the tour's speed. */
      leg = amap_store_lookup_route_leg (store, prev_lat, prev_lon, lat, lon);
      if (leg == NULL)
        {
          leg = amap_routing_straight_leg (prev_lat, prev_lon, lat, lon, self->detour_factor, speed);
          self->on_roads = FALSE;
        }

      distances[i] = leg->distance_m;
      durations[i] = leg->duration_s;
      g_ptr_array_add (bus->legs, leg);
      prev_lat = lat;
      prev_lon = lon;
    }

  bus->schedule = amap_schedule_new (departure, amap_tour_get_latest_return (self->tour),
                                     distances, durations, dwell, n);
}

/* Public API */

/**
 * amap_tour_plan_new:
 * @detour_factor: how much longer the streets are than straight lines
 *   (AMAP_ROUTING_DEFAULT_DETOUR_FACTOR), for legs the map has no road
 *   leg for
 *
 * Returns: (transfer full): the plan, or NULL with @error set.
 */
AmapTourPlan *
amap_tour_plan_new (AmapStore  *store,
                    AmapTour   *tour,
                    double      detour_factor,
                    GError    **error)
{
  g_autoptr(AmapTourPlan) self = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (AMAP_IS_TOUR (tour), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (AMAP_TYPE_TOUR_PLAN, NULL);
  self->tour = amap_tour_copy (tour);
  self->detour_factor = detour_factor > 0.0 && isfinite (detour_factor)
                        ? detour_factor : AMAP_ROUTING_DEFAULT_DETOUR_FACTOR;
  self->on_roads = TRUE;

  if (!resolve_place (self, store, TRUE, &self->start_latitude, &self->start_longitude,
                      &self->start_name, error) ||
      !resolve_place (self, store, FALSE, &self->end_latitude, &self->end_longitude,
                      &self->end_name, error))
    return NULL;

  self->n_buses = CLAMP (amap_tour_get_n_buses (self->tour), 1, AMAP_TOUR_MAX_BUSES);
  self->buses = g_new0 (BusPlan, self->n_buses);
  for (guint b = 0; b < self->n_buses; b++)
    build_bus (self, store, b);

  return g_steal_pointer (&self);
}

/* Transfer none: the plan's own copy of the tour. */
AmapTour *
amap_tour_plan_get_tour (AmapTourPlan *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  return self->tour;
}

guint
amap_tour_plan_get_n_buses (AmapTourPlan *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), 1);
  return self->n_buses;
}

void
amap_tour_plan_get_start (AmapTourPlan  *self,
                          double        *latitude,
                          double        *longitude,
                          const char   **name)
{
  g_return_if_fail (AMAP_IS_TOUR_PLAN (self));

  if (latitude != NULL)
    *latitude = self->start_latitude;
  if (longitude != NULL)
    *longitude = self->start_longitude;
  if (name != NULL)
    *name = self->start_name;
}

void
amap_tour_plan_get_end (AmapTourPlan  *self,
                        double        *latitude,
                        double        *longitude,
                        const char   **name)
{
  g_return_if_fail (AMAP_IS_TOUR_PLAN (self));

  if (latitude != NULL)
    *latitude = self->end_latitude;
  if (longitude != NULL)
    *longitude = self->end_longitude;
  if (name != NULL)
    *name = self->end_name;
}

guint
amap_tour_plan_get_n_stops (AmapTourPlan *self,
                            guint         bus)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), 0);
  g_return_val_if_fail (bus < self->n_buses, 0);

  return self->buses[bus].indexes->len;
}

guint
amap_tour_plan_get_stop_index (AmapTourPlan *self,
                               guint         bus,
                               guint         index)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), 0);
  g_return_val_if_fail (bus < self->n_buses, 0);
  g_return_val_if_fail (index < self->buses[bus].indexes->len, 0);

  return g_array_index (self->buses[bus].indexes, guint, index);
}

AmapTourStop *
amap_tour_plan_get_stop (AmapTourPlan *self,
                         guint         bus,
                         guint         index)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  g_return_val_if_fail (bus < self->n_buses, NULL);
  g_return_val_if_fail (index < self->buses[bus].indexes->len, NULL);

  return amap_tour_get_stop (self->tour, g_array_index (self->buses[bus].indexes, guint, index));
}

AmapAsset *
amap_tour_plan_get_stop_asset (AmapTourPlan *self,
                               guint         bus,
                               guint         index)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  g_return_val_if_fail (bus < self->n_buses, NULL);
  g_return_val_if_fail (index < self->buses[bus].assets->len, NULL);

  return g_ptr_array_index (self->buses[bus].assets, index);
}

/* Transfer none. */
AmapRouteLeg *
amap_tour_plan_get_leg (AmapTourPlan *self,
                        guint         bus,
                        guint         index)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  g_return_val_if_fail (bus < self->n_buses, NULL);
  g_return_val_if_fail (index < self->buses[bus].legs->len, NULL);

  return g_ptr_array_index (self->buses[bus].legs, index);
}

/* Transfer none. */
AmapSchedule *
amap_tour_plan_get_schedule (AmapTourPlan *self,
                             guint         bus)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  g_return_val_if_fail (bus < self->n_buses, NULL);

  return self->buses[bus].schedule;
}

gboolean
amap_tour_plan_get_on_roads (AmapTourPlan *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), FALSE);
  return self->on_roads;
}

const char * const *
amap_tour_plan_get_warnings (AmapTourPlan *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

GArray *
amap_tour_plan_get_route_points (AmapTourPlan *self,
                                 guint         bus)
{
  GArray *points;
  BusPlan *plan;

  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  g_return_val_if_fail (bus < self->n_buses, NULL);

  plan = &self->buses[bus];
  points = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * (plan->assets->len + 2));
  g_array_append_val (points, self->start_latitude);
  g_array_append_val (points, self->start_longitude);
  for (guint i = 0; i < plan->assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (plan->assets, i);
      double lat = amap_asset_get_latitude (asset), lon = amap_asset_get_longitude (asset);

      g_array_append_val (points, lat);
      g_array_append_val (points, lon);
    }
  g_array_append_val (points, self->end_latitude);
  g_array_append_val (points, self->end_longitude);

  return points;
}

/* Optimizing: everything the worker needs, copied, so that it touches
 * nothing of the plan's. */
typedef struct
{
  AmapTour *tour;         /* the result, changed in the worker */
  gboolean  split;
  guint     n_buses;
  guint     n;            /* stops on the route, all buses */
  guint    *index;        /* n: each one's index in the tour */
  guint    *bus;          /* n: its bus now */
  double   *latitude;     /* n + 2: the stops, the start, the end */
  double   *longitude;
  double   *dwell_s;      /* n */
  double    detour_factor;
  double    speed_kmh;
  double    limit_s;      /* latest return - departure, or 0 */
} OptimizeJob;

static void
optimize_job_free (OptimizeJob *job)
{
  g_clear_object (&job->tour);
  g_free (job->index);
  g_free (job->bus);
  g_free (job->latitude);
  g_free (job->longitude);
  g_free (job->dwell_s);
  g_free (job);
}

/* Seconds of driving between the points @ids (stops, then start and end)
 * in the straight-line model: the optimizer needs every pair, and the
 * map only has the road legs of the order it has. */
static double *
job_matrix (OptimizeJob *job,
            const guint *ids,
            guint        m)
{
  guint stride = m + 2;
  double *matrix = g_new (double, (gsize) stride * stride);
  double speed_ms = job->speed_kmh / 3.6;

  for (guint i = 0; i < stride; i++)
    for (guint j = 0; j < stride; j++)
      {
        guint a = i < m ? ids[i] : job->n + (i - m);
        guint b = j < m ? ids[j] : job->n + (j - m);

        matrix[(gsize) i * stride + j] =
          amap_routing_great_circle_m (job->latitude[a], job->longitude[a],
                                       job->latitude[b], job->longitude[b])
          * job->detour_factor / speed_ms;
      }

  return matrix;
}

/* The stops on the route, as @sequence (job indexes, in their new order
 * and with their new buses), take the places in the tour's list that the
 * route's stops had; stops not on the route stay where they are. */
static void
job_apply (OptimizeJob *job,
           const guint *sequence)
{
  guint n_tour = amap_tour_get_n_stops (job->tour);
  g_autofree guint *order = g_new (guint, MAX (n_tour, 1));
  g_autofree guint *slots = g_memdup2 (job->index, MAX (job->n, 1) * sizeof (guint));

  for (guint i = 0; i < n_tour; i++)
    order[i] = i;

  /* The slots in list order. */
  for (guint i = 1; i < job->n; i++)
    for (guint j = i; j > 0 && slots[j - 1] > slots[j]; j--)
      {
        guint t = slots[j];

        slots[j] = slots[j - 1];
        slots[j - 1] = t;
      }

  for (guint i = 0; i < job->n; i++)
    order[slots[i]] = job->index[sequence[i]];

  for (guint i = 0; i < job->n; i++)
    amap_tour_stop_set_bus (amap_tour_get_stop (job->tour, job->index[i]), job->bus[i]);

  amap_tour_reorder (job->tour, order);
}

static void
optimize_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  OptimizeJob *job = data;
  g_autofree guint *sequence = g_new (guint, MAX (job->n, 1));
  guint o = 0;

  if (job->split && job->n_buses > 1 && job->n > 0)
    {
      g_autofree guint *ids = g_new (guint, job->n);
      g_autofree guint *new_bus = g_new (guint, job->n);
      g_autofree double *matrix = NULL;

      for (guint i = 0; i < job->n; i++)
        ids[i] = i;
      matrix = job_matrix (job, ids, job->n);
      amap_tour_order_split (matrix, job->dwell_s, job->n, job->n_buses, job->limit_s,
                             new_bus, sequence);
      memcpy (job->bus, new_bus, job->n * sizeof (guint));
      o = job->n;
    }
  else
    {
      for (guint b = 0; b < job->n_buses; b++)
        {
          g_autofree guint *ids = g_new (guint, MAX (job->n, 1));
          g_autofree guint *order = NULL;
          g_autofree double *matrix = NULL;
          guint m = 0;

          for (guint i = 0; i < job->n; i++)
            if (job->bus[i] == b)
              ids[m++] = i;
          if (m == 0)
            continue;

          order = g_new (guint, m);
          for (guint i = 0; i < m; i++)
            order[i] = i;
          if (m >= 2)
            {
              matrix = job_matrix (job, ids, m);
              amap_tour_order_optimize (matrix, m, order);
            }
          for (guint i = 0; i < m; i++)
            sequence[o++] = ids[order[i]];

          if (g_task_return_error_if_cancelled (task))
            return;
        }
    }

  g_assert (o == job->n);

  if (g_task_return_error_if_cancelled (task))
    return;

  job_apply (job, sequence);
  g_task_return_pointer (task, g_steal_pointer (&job->tour), g_object_unref);
}

void
amap_tour_plan_optimize_async (AmapTourPlan        *self,
                               gboolean             split_across_buses,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OptimizeJob *job;
  guint n = 0, k = 0;

  g_return_if_fail (AMAP_IS_TOUR_PLAN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_tour_plan_optimize_async);

  for (guint b = 0; b < self->n_buses; b++)
    n += self->buses[b].indexes->len;

  job = g_new0 (OptimizeJob, 1);
  job->tour = amap_tour_copy (self->tour);
  job->split = split_across_buses;
  job->n_buses = self->n_buses;
  job->n = n;
  job->index = g_new (guint, MAX (n, 1));
  job->bus = g_new (guint, MAX (n, 1));
  job->latitude = g_new (double, n + 2);
  job->longitude = g_new (double, n + 2);
  job->dwell_s = g_new (double, MAX (n, 1));
  job->detour_factor = self->detour_factor;
  job->speed_kmh = amap_tour_get_speed_kmh (self->tour);
  if (!(job->speed_kmh > 0.0) || !isfinite (job->speed_kmh))
    job->speed_kmh = AMAP_TOUR_DEFAULT_SPEED_KMH;

  for (guint b = 0; b < self->n_buses; b++)
    for (guint i = 0; i < self->buses[b].indexes->len; i++, k++)
      {
        AmapAsset *asset = g_ptr_array_index (self->buses[b].assets, i);
        AmapTourStop *stop = amap_tour_plan_get_stop (self, b, i);

        job->index[k] = g_array_index (self->buses[b].indexes, guint, i);
        job->bus[k] = b;
        job->latitude[k] = amap_asset_get_latitude (asset);
        job->longitude[k] = amap_asset_get_longitude (asset);
        job->dwell_s[k] = 60.0 * amap_tour_stop_get_dwell_minutes (stop);
      }
  job->latitude[n] = self->start_latitude;
  job->longitude[n] = self->start_longitude;
  job->latitude[n + 1] = self->end_latitude;
  job->longitude[n + 1] = self->end_longitude;

  {
    GDateTime *latest = amap_tour_get_latest_return (self->tour);
    g_autoptr(GDateTime) departure = amap_tour_dup_schedule_departure (self->tour);

    job->limit_s = latest != NULL
                   ? MAX (g_date_time_difference (latest, departure) / (double) G_TIME_SPAN_SECOND, 1.0)
                   : 0.0;
  }

  g_task_set_task_data (task, job, (GDestroyNotify) optimize_job_free);
  g_task_run_in_thread (task, optimize_thread);
}

/**
 * amap_tour_plan_optimize_finish:
 *
 * Returns: (transfer full): a new tour, the plan's with its stops in the
 *   new order (and on their new buses), or NULL with @error set.
 */
AmapTour *
amap_tour_plan_optimize_finish (AmapTourPlan  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Fetching road legs */

typedef struct
{
  AmapStore         *store;
  AmapRoutingClient *client;
  GPtrArray         *legs;   /* AmapRouteLeg, of the buses routed so far */
  guint              bus;    /* the next bus to look at */
} FetchJob;

static void
fetch_job_free (FetchJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->client);
  g_clear_pointer (&job->legs, g_ptr_array_unref);
  g_free (job);
}

static gboolean
bus_needs_roads (AmapTourPlan *self,
                 guint         b)
{
  BusPlan *bus = &self->buses[b];

  /* A bus with no stops does not leave. */
  if (bus->indexes->len == 0)
    return FALSE;

  for (guint i = 0; i < bus->legs->len; i++)
    if (((AmapRouteLeg *) g_ptr_array_index (bus->legs, i))->kind != AMAP_ROUTE_LEG_ROAD)
      return TRUE;

  return FALSE;
}

/* Stores what was fetched; FALSE with @error when the store fails. */
static gboolean
fetch_store (FetchJob  *job,
             GError   **error)
{
  g_autofree char *url = NULL;

  if (job->legs->len == 0)
    return TRUE;

  g_object_get (job->client, "base-url", &url, NULL);
  return amap_store_put_route_legs_full (job->store, job->legs, url, error);
}

static void fetch_next (GTask *task);

static void
on_bus_routed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  FetchJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) legs = NULL;

  legs = amap_routing_client_route_finish (AMAP_ROUTING_CLIENT (source), result, &error);
  if (legs == NULL)
    {
      /* Keep the buses routed before this one. */
      fetch_store (job, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < legs->len; i++)
    g_ptr_array_add (job->legs, amap_route_leg_ref (g_ptr_array_index (legs, i)));

  fetch_next (g_steal_pointer (&task));
}

/* Takes the reference to @task. */
static void
fetch_next (GTask *task)
{
  AmapTourPlan *self = g_task_get_source_object (task);
  FetchJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  while (job->bus < self->n_buses && !bus_needs_roads (self, job->bus))
    job->bus++;

  if (job->bus < self->n_buses)
    {
      g_autoptr(GArray) points = amap_tour_plan_get_route_points (self, job->bus++);

      amap_routing_client_route_async (job->client, (const double *) points->data,
                                       points->len / 2, g_task_get_cancellable (task),
                                       on_bus_routed_cb, task);
      return;
    }

  if (!fetch_store (job, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
amap_tour_plan_fetch_roads_async (AmapTourPlan        *self,
                                  AmapStore           *store,
                                  AmapRoutingClient   *client,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  FetchJob *job;

  g_return_if_fail (AMAP_IS_TOUR_PLAN (self));
  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (AMAP_IS_ROUTING_CLIENT (client));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_tour_plan_fetch_roads_async);

  job = g_new0 (FetchJob, 1);
  job->store = g_object_ref (store);
  job->client = g_object_ref (client);
  job->legs = g_ptr_array_new_with_free_func ((GDestroyNotify) amap_route_leg_unref);
  g_task_set_task_data (task, job, (GDestroyNotify) fetch_job_free);

  fetch_next (task);
}

gboolean
amap_tour_plan_fetch_roads_finish (AmapTourPlan  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
