/* amap-tour.h: a bus tour of the neighborhood: where it starts and ends,
 * when it leaves, and its stops in order, on one or more buses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AMAP_TOUR_DEFAULT_SPEED_KMH     25.0
#define AMAP_TOUR_DEFAULT_DWELL_MINUTES 15
#define AMAP_TOUR_MAX_BUSES             8

/* Where a tour starts or ends. */
typedef enum
{
  AMAP_TOUR_PLACE_HOME,   /* the map's home (the school) */
  AMAP_TOUR_PLACE_ASSET,  /* an asset, by uuid */
  AMAP_TOUR_PLACE_POINT,  /* a point on the map */
  AMAP_TOUR_PLACE_START,  /* the end only: back where the tour started */
} AmapTourPlaceKind;

#define AMAP_TYPE_TOUR_STOP (amap_tour_stop_get_type ())
G_DECLARE_FINAL_TYPE (AmapTourStop, amap_tour_stop, AMAP, TOUR_STOP, GObject)

/*
 * AmapTourStop: one stop of a tour, a plain value object like AmapAsset.
 * Properties: "asset-uuid" (string, required), "dwell-minutes" (int >= 0,
 * default AMAP_TOUR_DEFAULT_DWELL_MINUTES), "note" (string: the talking
 * points for the staff, NULL when unset), "bus" (uint, 0-based index of the
 * bus that makes the stop, < the tour's n-buses).
 */
AmapTourStop *amap_tour_stop_new               (const char   *asset_uuid);
AmapTourStop *amap_tour_stop_copy              (AmapTourStop *self);
gboolean      amap_tour_stop_equal             (AmapTourStop *a,
                                                AmapTourStop *b);
const char   *amap_tour_stop_get_asset_uuid    (AmapTourStop *self);
void          amap_tour_stop_set_asset_uuid    (AmapTourStop *self,
                                                const char   *uuid);
int           amap_tour_stop_get_dwell_minutes (AmapTourStop *self);
void          amap_tour_stop_set_dwell_minutes (AmapTourStop *self,
                                                int           minutes);
const char   *amap_tour_stop_get_note          (AmapTourStop *self);
void          amap_tour_stop_set_note          (AmapTourStop *self,
                                                const char   *note);
guint         amap_tour_stop_get_bus           (AmapTourStop *self);
void          amap_tour_stop_set_bus           (AmapTourStop *self,
                                                guint         bus);

#define AMAP_TYPE_TOUR (amap_tour_get_type ())
G_DECLARE_FINAL_TYPE (AmapTour, amap_tour, AMAP, TOUR, GObject)

/*
 * AmapTour: a plain value object. The store hands out fresh copies and
 * takes them back (amap_store_add_tour(), amap_store_update_tour()).
 *
 * Properties (G_PARAM_EXPLICIT_NOTIFY):
 *   "id"             gint64, 0 until stored
 *   "name"           string, required
 *   "departure"      GDateTime (boxed), in the local time zone; NULL: not
 *                    set yet (a schedule then starts at 09:00 today)
 *   "latest-return"  GDateTime, NULL when there is none
 *   "speed-kmh"      double > 0, default AMAP_TOUR_DEFAULT_SPEED_KMH
 *   "n-buses"        uint 1..AMAP_TOUR_MAX_BUSES, default 1
 *   "created" "modified"  gint64 UTC unix seconds, set by the store
 * The start and the end (below) and the stops are not properties; a
 * change to them emits "changed".
 *
 * Stops are in order. Each bus's stops are the stops with that "bus", in
 * the order they have in the tour; so one list serves any number of buses.
 *
 * Signals: "changed" () after anything of the tour changed.
 */
AmapTour     *amap_tour_new                (const char   *name);
/* A deep copy, stops included. */
AmapTour     *amap_tour_copy               (AmapTour     *self);
gboolean      amap_tour_equal              (AmapTour     *a,
                                            AmapTour     *b);
/* Name, speed, buses, dwell times, bus indexes, latest return after the
 * departure; a translated AMAP_ERROR_INVALID says what is wrong. */
gboolean      amap_tour_validate           (AmapTour     *self,
                                            GError      **error);

gint64        amap_tour_get_id             (AmapTour     *self);
void          amap_tour_set_id             (AmapTour     *self,
                                            gint64        id);
const char   *amap_tour_get_name           (AmapTour     *self);
void          amap_tour_set_name           (AmapTour     *self,
                                            const char   *name);
GDateTime    *amap_tour_get_departure      (AmapTour     *self);
void          amap_tour_set_departure      (AmapTour     *self,
                                            GDateTime    *departure);
/* The time a schedule starts from: the departure, or 09:00 today in the
 * local zone when none is set. Transfer full. */
GDateTime    *amap_tour_dup_schedule_departure (AmapTour *self);
GDateTime    *amap_tour_get_latest_return  (AmapTour     *self);
void          amap_tour_set_latest_return  (AmapTour     *self,
                                            GDateTime    *latest_return);
double        amap_tour_get_speed_kmh      (AmapTour     *self);
void          amap_tour_set_speed_kmh      (AmapTour     *self,
                                            double        speed_kmh);
guint         amap_tour_get_n_buses        (AmapTour     *self);
/* Stops on buses that no longer exist move to the last bus. */
void          amap_tour_set_n_buses        (AmapTour     *self,
                                            guint         n_buses);
gint64        amap_tour_get_created        (AmapTour     *self);
void          amap_tour_set_created        (AmapTour     *self,
                                            gint64        created);
gint64        amap_tour_get_modified       (AmapTour     *self);
void          amap_tour_set_modified       (AmapTour     *self,
                                            gint64        modified);

/* Start and end. @uuid is used for AMAP_TOUR_PLACE_ASSET, @latitude and
 * @longitude for AMAP_TOUR_PLACE_POINT (NAN otherwise). The default start
 * is HOME, the default end START. */
void          amap_tour_set_start          (AmapTour          *self,
                                            AmapTourPlaceKind  kind,
                                            const char        *uuid,
                                            double             latitude,
                                            double             longitude);
AmapTourPlaceKind amap_tour_get_start      (AmapTour          *self,
                                            const char       **uuid,
                                            double            *latitude,
                                            double            *longitude);
void          amap_tour_set_end            (AmapTour          *self,
                                            AmapTourPlaceKind  kind,
                                            const char        *uuid,
                                            double             latitude,
                                            double             longitude);
AmapTourPlaceKind amap_tour_get_end        (AmapTour          *self,
                                            const char       **uuid,
                                            double            *latitude,
                                            double            *longitude);

/* Stops */
guint         amap_tour_get_n_stops        (AmapTour     *self);
/* Transfer none. */
AmapTourStop *amap_tour_get_stop           (AmapTour     *self,
                                            guint         index);
/* The index of the first stop at @uuid, or -1. */
int           amap_tour_find_stop          (AmapTour     *self,
                                            const char   *uuid);
/* @index may be the number of stops (append). The tour takes a ref. */
void          amap_tour_insert_stop        (AmapTour     *self,
                                            guint         index,
                                            AmapTourStop *stop);
void          amap_tour_remove_stop        (AmapTour     *self,
                                            guint         index);
void          amap_tour_move_stop          (AmapTour     *self,
                                            guint         from,
                                            guint         to);
/* Reverses the order of each bus's stops. */
void          amap_tour_reverse            (AmapTour     *self);
/* Puts the stops in the order of @order (a permutation of 0..n-1). */
void          amap_tour_reorder            (AmapTour     *self,
                                            const guint  *order);
/* The indexes (into the tour's stops) of @bus's stops, in order. */
GArray       *amap_tour_get_bus_stops      (AmapTour     *self,
                                            guint         bus);

G_END_DECLS
