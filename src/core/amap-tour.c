/* amap-tour.c: a bus tour of the neighborhood: where it starts and ends,
 * when it leaves, and its stops in order, on one or more buses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-asset.h"
#include "amap-error.h"
#include "amap-tour.h"

/* AmapTourStop */

struct _AmapTourStop
{
  GObject parent_instance;

  char  *asset_uuid;
  int    dwell_minutes;
  char  *note;
  guint  bus;
};

G_DEFINE_FINAL_TYPE (AmapTourStop, amap_tour_stop, G_TYPE_OBJECT)

enum {
  STOP_PROP_0,
  STOP_PROP_ASSET_UUID,
  STOP_PROP_DWELL_MINUTES,
  STOP_PROP_NOTE,
  STOP_PROP_BUS,
  STOP_N_PROPS
};

static GParamSpec *stop_properties[STOP_N_PROPS];

/* "" and NULL are the same: unset. */
static const char *
normalize_string (const char *value)
{
  return value != NULL && *value == '\0' ? NULL : value;
}

static void
amap_tour_stop_finalize (GObject *object)
{
  AmapTourStop *self = (AmapTourStop *)object;

  g_clear_pointer (&self->asset_uuid, g_free);
  g_clear_pointer (&self->note, g_free);

  G_OBJECT_CLASS (amap_tour_stop_parent_class)->finalize (object);
}

static void
amap_tour_stop_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmapTourStop *self = AMAP_TOUR_STOP (object);

  switch (prop_id)
    {
    case STOP_PROP_ASSET_UUID:
      g_value_set_string (value, self->asset_uuid);
      break;

    case STOP_PROP_DWELL_MINUTES:
      g_value_set_int (value, self->dwell_minutes);
      break;

    case STOP_PROP_NOTE:
      g_value_set_string (value, self->note);
      break;

    case STOP_PROP_BUS:
      g_value_set_uint (value, self->bus);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_stop_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AmapTourStop *self = AMAP_TOUR_STOP (object);

  switch (prop_id)
    {
    case STOP_PROP_ASSET_UUID:
      amap_tour_stop_set_asset_uuid (self, g_value_get_string (value));
      break;

    case STOP_PROP_DWELL_MINUTES:
      amap_tour_stop_set_dwell_minutes (self, g_value_get_int (value));
      break;

    case STOP_PROP_NOTE:
      amap_tour_stop_set_note (self, g_value_get_string (value));
      break;

    case STOP_PROP_BUS:
      amap_tour_stop_set_bus (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_stop_class_init (AmapTourStopClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = amap_tour_stop_finalize;
  object_class->get_property = amap_tour_stop_get_property;
  object_class->set_property = amap_tour_stop_set_property;

  stop_properties[STOP_PROP_ASSET_UUID] =
    g_param_spec_string ("asset-uuid", NULL, NULL, NULL, flags);
  stop_properties[STOP_PROP_DWELL_MINUTES] =
    g_param_spec_int ("dwell-minutes", NULL, NULL, 0, G_MAXINT,
                      AMAP_TOUR_DEFAULT_DWELL_MINUTES, flags);
  stop_properties[STOP_PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL, flags);
  stop_properties[STOP_PROP_BUS] =
    g_param_spec_uint ("bus", NULL, NULL, 0, AMAP_TOUR_MAX_BUSES - 1, 0, flags);

  g_object_class_install_properties (object_class, STOP_N_PROPS, stop_properties);
}

static void
amap_tour_stop_init (AmapTourStop *self)
{
  self->dwell_minutes = AMAP_TOUR_DEFAULT_DWELL_MINUTES;
}

AmapTourStop *
amap_tour_stop_new (const char *asset_uuid)
{
  return g_object_new (AMAP_TYPE_TOUR_STOP, "asset-uuid", asset_uuid, NULL);
}

AmapTourStop *
amap_tour_stop_copy (AmapTourStop *self)
{
  AmapTourStop *copy;

  g_return_val_if_fail (AMAP_IS_TOUR_STOP (self), NULL);

  copy = g_object_new (AMAP_TYPE_TOUR_STOP, NULL);
  copy->asset_uuid = g_strdup (self->asset_uuid);
  copy->dwell_minutes = self->dwell_minutes;
  copy->note = g_strdup (self->note);
  copy->bus = self->bus;

  return copy;
}

gboolean
amap_tour_stop_equal (AmapTourStop *a,
                      AmapTourStop *b)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP (a), FALSE);
  g_return_val_if_fail (AMAP_IS_TOUR_STOP (b), FALSE);

  return g_strcmp0 (a->asset_uuid, b->asset_uuid) == 0 &&
         a->dwell_minutes == b->dwell_minutes &&
         g_strcmp0 (a->note, b->note) == 0 &&
         a->bus == b->bus;
}

const char *
amap_tour_stop_get_asset_uuid (AmapTourStop *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP (self), NULL);
  return self->asset_uuid;
}

void
amap_tour_stop_set_asset_uuid (AmapTourStop *self,
                               const char   *uuid)
{
  g_return_if_fail (AMAP_IS_TOUR_STOP (self));

  uuid = normalize_string (uuid);
  if (g_strcmp0 (self->asset_uuid, uuid) == 0)
    return;

  g_free (self->asset_uuid);
  self->asset_uuid = g_strdup (uuid);
  g_object_notify_by_pspec (G_OBJECT (self), stop_properties[STOP_PROP_ASSET_UUID]);
}

int
amap_tour_stop_get_dwell_minutes (AmapTourStop *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP (self), 0);
  return self->dwell_minutes;
}

void
amap_tour_stop_set_dwell_minutes (AmapTourStop *self,
                                  int           minutes)
{
  g_return_if_fail (AMAP_IS_TOUR_STOP (self));
  g_return_if_fail (minutes >= 0);

  if (self->dwell_minutes == minutes)
    return;

  self->dwell_minutes = minutes;
  g_object_notify_by_pspec (G_OBJECT (self), stop_properties[STOP_PROP_DWELL_MINUTES]);
}

const char *
amap_tour_stop_get_note (AmapTourStop *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP (self), NULL);
  return self->note;
}

void
amap_tour_stop_set_note (AmapTourStop *self,
                         const char   *note)
{
  g_return_if_fail (AMAP_IS_TOUR_STOP (self));

  note = normalize_string (note);
  if (g_strcmp0 (self->note, note) == 0)
    return;

  g_free (self->note);
  self->note = g_strdup (note);
  g_object_notify_by_pspec (G_OBJECT (self), stop_properties[STOP_PROP_NOTE]);
}

guint
amap_tour_stop_get_bus (AmapTourStop *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP (self), 0);
  return self->bus;
}

void
amap_tour_stop_set_bus (AmapTourStop *self,
                        guint         bus)
{
  g_return_if_fail (AMAP_IS_TOUR_STOP (self));
  g_return_if_fail (bus < AMAP_TOUR_MAX_BUSES);

  if (self->bus == bus)
    return;

  self->bus = bus;
  g_object_notify_by_pspec (G_OBJECT (self), stop_properties[STOP_PROP_BUS]);
}

/* AmapTour */

typedef struct
{
  AmapTourPlaceKind  kind;
  char              *uuid;
  double             latitude;
  double             longitude;
} Place;

struct _AmapTour
{
  GObject parent_instance;

  gint64     id;
  char      *name;
  GDateTime *departure;
  GDateTime *latest_return;
  double     speed_kmh;
  guint      n_buses;
  gint64     created;
  gint64     modified;

  Place      start;
  Place      end;

  /* AmapTourStop, in order; the tour listens to each one's notify. */
  GPtrArray *stops;

  /* While > 0, changes are collected into one "changed" at the end. */
  guint      freeze;
  gboolean   pending_changed;
};

G_DEFINE_FINAL_TYPE (AmapTour, amap_tour, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DEPARTURE,
  PROP_LATEST_RETURN,
  PROP_SPEED_KMH,
  PROP_N_BUSES,
  PROP_CREATED,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
freeze_changed (AmapTour *self)
{
  self->freeze++;
}

static void
emit_changed (AmapTour *self)
{
  if (self->freeze > 0)
    self->pending_changed = TRUE;
  else
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
thaw_changed (AmapTour *self)
{
  g_assert (self->freeze > 0);

  if (--self->freeze == 0 && self->pending_changed)
    {
      self->pending_changed = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

/* Notifies @prop and emits "changed". */
static void
property_changed (AmapTour *self,
                  guint     prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  emit_changed (self);
}

static void
place_clear (Place *place)
{
  g_clear_pointer (&place->uuid, g_free);
}

static void
place_copy (Place       *to,
            const Place *from)
{
  place_clear (to);
  to->kind = from->kind;
  to->uuid = g_strdup (from->uuid);
  to->latitude = from->latitude;
  to->longitude = from->longitude;
}

static gboolean
double_equal (double a,
              double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

static gboolean
place_equal (const Place *a,
             const Place *b)
{
  return a->kind == b->kind &&
         g_strcmp0 (a->uuid, b->uuid) == 0 &&
         double_equal (a->latitude, b->latitude) &&
         double_equal (a->longitude, b->longitude);
}

/* Keeps only what @kind uses, so that two equal places compare equal. */
static void
place_set (Place             *place,
           AmapTourPlaceKind  kind,
           const char        *uuid,
           double             latitude,
           double             longitude)
{
  place_clear (place);
  place->kind = kind;
  place->uuid = kind == AMAP_TOUR_PLACE_ASSET ? g_strdup (normalize_string (uuid)) : NULL;
  place->latitude = kind == AMAP_TOUR_PLACE_POINT ? latitude : NAN;
  place->longitude = kind == AMAP_TOUR_PLACE_POINT ? longitude : NAN;
}

static AmapTourPlaceKind
place_get (const Place  *place,
           const char  **uuid,
           double       *latitude,
           double       *longitude)
{
  if (uuid != NULL)
    *uuid = place->uuid;
  if (latitude != NULL)
    *latitude = place->latitude;
  if (longitude != NULL)
    *longitude = place->longitude;

  return place->kind;
}

static gboolean
date_time_equal (GDateTime *a,
                 GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_equal (a, b);
}

static void
on_stop_notify_cb (AmapTourStop *stop,
                   GParamSpec   *pspec,
                   AmapTour     *self)
{
  emit_changed (self);
}

static void
watch_stop (AmapTour     *self,
            AmapTourStop *stop)
{
  g_signal_connect_object (stop, "notify", G_CALLBACK (on_stop_notify_cb), self, 0);
}

static void
unwatch_stop (AmapTour     *self,
              AmapTourStop *stop)
{
  g_signal_handlers_disconnect_by_func (stop, on_stop_notify_cb, self);
}

static void
amap_tour_dispose (GObject *object)
{
  AmapTour *self = (AmapTour *)object;

  if (self->stops != NULL)
    {
      for (guint i = 0; i < self->stops->len; i++)
        unwatch_stop (self, g_ptr_array_index (self->stops, i));
      g_clear_pointer (&self->stops, g_ptr_array_unref);
    }

  G_OBJECT_CLASS (amap_tour_parent_class)->dispose (object);
}

static void
amap_tour_finalize (GObject *object)
{
  AmapTour *self = (AmapTour *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->departure, g_date_time_unref);
  g_clear_pointer (&self->latest_return, g_date_time_unref);
  place_clear (&self->start);
  place_clear (&self->end);

  G_OBJECT_CLASS (amap_tour_parent_class)->finalize (object);
}

static void
amap_tour_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  AmapTour *self = AMAP_TOUR (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_DEPARTURE:
      g_value_set_boxed (value, self->departure);
      break;

    case PROP_LATEST_RETURN:
      g_value_set_boxed (value, self->latest_return);
      break;

    case PROP_SPEED_KMH:
      g_value_set_double (value, self->speed_kmh);
      break;

    case PROP_N_BUSES:
      g_value_set_uint (value, self->n_buses);
      break;

    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;

    case PROP_MODIFIED:
      g_value_set_int64 (value, self->modified);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  AmapTour *self = AMAP_TOUR (object);

  switch (prop_id)
    {
    case PROP_ID:
      amap_tour_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      amap_tour_set_name (self, g_value_get_string (value));
      break;

    case PROP_DEPARTURE:
      amap_tour_set_departure (self, g_value_get_boxed (value));
      break;

    case PROP_LATEST_RETURN:
      amap_tour_set_latest_return (self, g_value_get_boxed (value));
      break;

    case PROP_SPEED_KMH:
      amap_tour_set_speed_kmh (self, g_value_get_double (value));
      break;

    case PROP_N_BUSES:
      amap_tour_set_n_buses (self, g_value_get_uint (value));
      break;

    case PROP_CREATED:
      amap_tour_set_created (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED:
      amap_tour_set_modified (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_tour_class_init (AmapTourClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = amap_tour_dispose;
  object_class->finalize = amap_tour_finalize;
  object_class->get_property = amap_tour_get_property;
  object_class->set_property = amap_tour_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DEPARTURE] =
    g_param_spec_boxed ("departure", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_LATEST_RETURN] =
    g_param_spec_boxed ("latest-return", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /* The range is wide so that a bad value reaches amap_tour_validate(),
   * which says what is wrong, instead of a GLib warning. */
  properties[PROP_SPEED_KMH] =
    g_param_spec_double ("speed-kmh", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE,
                         AMAP_TOUR_DEFAULT_SPEED_KMH, flags);
  properties[PROP_N_BUSES] =
    g_param_spec_uint ("n-buses", NULL, NULL, 1, AMAP_TOUR_MAX_BUSES, 1, flags);
  properties[PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_MODIFIED] =
    g_param_spec_int64 ("modified", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmapTour::changed:
   *
   * Emitted once after anything of the tour changed: a property, the
   * start or the end, the list of stops, or a property of one of its
   * stops. An operation that changes several things emits it once.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
amap_tour_init (AmapTour *self)
{
  self->speed_kmh = AMAP_TOUR_DEFAULT_SPEED_KMH;
  self->n_buses = 1;
  place_set (&self->start, AMAP_TOUR_PLACE_HOME, NULL, NAN, NAN);
  place_set (&self->end, AMAP_TOUR_PLACE_START, NULL, NAN, NAN);
  self->stops = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Public API */

/**
 * amap_tour_new:
 * @name: (nullable): the tour's name
 *
 * A tour from home back to home, at the default speed, on one bus, with
 * no stops and no departure set.
 */
AmapTour *
amap_tour_new (const char *name)
{
  return g_object_new (AMAP_TYPE_TOUR, "name", name, NULL);
}

AmapTour *
amap_tour_copy (AmapTour *self)
{
  AmapTour *copy;

  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);

  copy = g_object_new (AMAP_TYPE_TOUR, NULL);
  copy->id = self->id;
  copy->name = g_strdup (self->name);
  copy->departure = self->departure ? g_date_time_ref (self->departure) : NULL;
  copy->latest_return = self->latest_return ? g_date_time_ref (self->latest_return) : NULL;
  copy->speed_kmh = self->speed_kmh;
  copy->n_buses = self->n_buses;
  copy->created = self->created;
  copy->modified = self->modified;
  place_copy (&copy->start, &self->start);
  place_copy (&copy->end, &self->end);

  for (guint i = 0; i < self->stops->len; i++)
    {
      AmapTourStop *stop = amap_tour_stop_copy (g_ptr_array_index (self->stops, i));

      watch_stop (copy, stop);
      g_ptr_array_add (copy->stops, stop);
    }

  return copy;
}

gboolean
amap_tour_equal (AmapTour *a,
                 AmapTour *b)
{
  g_return_val_if_fail (AMAP_IS_TOUR (a), FALSE);
  g_return_val_if_fail (AMAP_IS_TOUR (b), FALSE);

  if (a == b)
    return TRUE;

  if (a->id != b->id ||
      g_strcmp0 (a->name, b->name) != 0 ||
      !date_time_equal (a->departure, b->departure) ||
      !date_time_equal (a->latest_return, b->latest_return) ||
      !double_equal (a->speed_kmh, b->speed_kmh) ||
      a->n_buses != b->n_buses ||
      a->created != b->created ||
      a->modified != b->modified ||
      !place_equal (&a->start, &b->start) ||
      !place_equal (&a->end, &b->end) ||
      a->stops->len != b->stops->len)
    return FALSE;

  for (guint i = 0; i < a->stops->len; i++)
    if (!amap_tour_stop_equal (g_ptr_array_index (a->stops, i),
                               g_ptr_array_index (b->stops, i)))
      return FALSE;

  return TRUE;
}

static gboolean
validate_place (AmapTour     *self,
                const Place  *place,
                gboolean      is_start,
                GError      **error)
{
  switch (place->kind)
    {
    case AMAP_TOUR_PLACE_HOME:
      return TRUE;

    case AMAP_TOUR_PLACE_ASSET:
      if (place->uuid == NULL)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       is_start
                       ? _("The tour “%s” starts at a place that is not chosen yet. Choose where it starts.")
                       : _("The tour “%s” ends at a place that is not chosen yet. Choose where it ends."),
                       self->name);
          return FALSE;
        }
      return TRUE;

    case AMAP_TOUR_PLACE_POINT:
      if (!amap_coordinates_are_valid (place->latitude, place->longitude))
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       is_start
                       ? _("The tour “%s” starts at a point that is not on Earth. Choose where it starts on the map.")
                       : _("The tour “%s” ends at a point that is not on Earth. Choose where it ends on the map."),
                       self->name);
          return FALSE;
        }
      return TRUE;

    case AMAP_TOUR_PLACE_START:
      if (is_start)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("The tour “%s” cannot start where it starts. Choose where it starts."),
                       self->name);
          return FALSE;
        }
      return TRUE;

    default:
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The tour “%s” has a start or an end of an unknown kind. Choose where it starts and ends."),
                   self->name);
      return FALSE;
    }
}

/**
 * amap_tour_validate:
 *
 * Checks what can be checked without a store: the name, the speed, the
 * number of buses, each stop's asset, dwell time and bus, the start and
 * the end, and that the latest return is after the departure.
 */
gboolean
amap_tour_validate (AmapTour  *self,
                    GError   **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (AMAP_IS_TOUR (self), FALSE);

  trimmed = g_strstrip (g_strdup (self->name ? self->name : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The tour has no name. Type a name, then save again."));
      return FALSE;
    }

  if (!isfinite (self->speed_kmh) || self->speed_kmh <= 0.0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The speed of the tour “%s” must be more than 0 km/h. "
                     "25 km/h is typical of a bus in town."),
                   self->name);
      return FALSE;
    }

  if (self->n_buses < 1 || self->n_buses > AMAP_TOUR_MAX_BUSES)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The tour “%s” must use between 1 and %d buses."),
                   self->name, AMAP_TOUR_MAX_BUSES);
      return FALSE;
    }

  if (!validate_place (self, &self->start, TRUE, error) ||
      !validate_place (self, &self->end, FALSE, error))
    return FALSE;

  if (self->departure != NULL && self->latest_return != NULL &&
      g_date_time_compare (self->latest_return, self->departure) <= 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The latest return of the tour “%s” is not after its departure. "
                     "Set a later return time, or none."),
                   self->name);
      return FALSE;
    }

  for (guint i = 0; i < self->stops->len; i++)
    {
      AmapTourStop *stop = g_ptr_array_index (self->stops, i);

      if (stop->asset_uuid == NULL)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("Stop %u of the tour “%s” is not at any asset. Remove it or choose its asset."),
                       i + 1, self->name);
          return FALSE;
        }

      if (stop->dwell_minutes < 0)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("Stop %u of the tour “%s” has a negative time at the stop. "
                         "Set it to 0 minutes or more."),
                       i + 1, self->name);
          return FALSE;
        }

      if (stop->bus >= self->n_buses)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("Stop %u of the tour “%s” is on bus %u, but the tour has %u buses. "
                         "Move the stop to another bus."),
                       i + 1, self->name, stop->bus + 1, self->n_buses);
          return FALSE;
        }
    }

  return TRUE;
}

gint64
amap_tour_get_id (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), 0);
  return self->id;
}

void
amap_tour_set_id (AmapTour *self,
                  gint64    id)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  if (self->id == id)
    return;

  self->id = id;
  property_changed (self, PROP_ID);
}

const char *
amap_tour_get_name (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);
  return self->name;
}

void
amap_tour_set_name (AmapTour   *self,
                    const char *name)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  name = normalize_string (name);
  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  property_changed (self, PROP_NAME);
}

GDateTime *
amap_tour_get_departure (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);
  return self->departure;
}

void
amap_tour_set_departure (AmapTour  *self,
                         GDateTime *departure)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  if (date_time_equal (self->departure, departure))
    return;

  g_clear_pointer (&self->departure, g_date_time_unref);
  self->departure = departure ? g_date_time_ref (departure) : NULL;
  property_changed (self, PROP_DEPARTURE);
}

/**
 * amap_tour_dup_schedule_departure:
 *
 * The time the schedule starts from: the departure, or 09:00 today in the
 * local time zone when the tour has none yet.
 *
 * Returns: (transfer full): a new reference.
 */
GDateTime *
amap_tour_dup_schedule_departure (AmapTour *self)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);

  if (self->departure != NULL)
    return g_date_time_ref (self->departure);

  now = g_date_time_new_now_local ();
  return g_date_time_new_local (g_date_time_get_year (now),
                                g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now),
                                9, 0, 0);
}

GDateTime *
amap_tour_get_latest_return (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);
  return self->latest_return;
}

void
amap_tour_set_latest_return (AmapTour  *self,
                             GDateTime *latest_return)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  if (date_time_equal (self->latest_return, latest_return))
    return;

  g_clear_pointer (&self->latest_return, g_date_time_unref);
  self->latest_return = latest_return ? g_date_time_ref (latest_return) : NULL;
  property_changed (self, PROP_LATEST_RETURN);
}

double
amap_tour_get_speed_kmh (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), AMAP_TOUR_DEFAULT_SPEED_KMH);
  return self->speed_kmh;
}

void
amap_tour_set_speed_kmh (AmapTour *self,
                         double    speed_kmh)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  if (double_equal (self->speed_kmh, speed_kmh))
    return;

  self->speed_kmh = speed_kmh;
  property_changed (self, PROP_SPEED_KMH);
}

guint
amap_tour_get_n_buses (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), 1);
  return self->n_buses;
}

void
amap_tour_set_n_buses (AmapTour *self,
                       guint     n_buses)
{
  g_return_if_fail (AMAP_IS_TOUR (self));
  g_return_if_fail (n_buses >= 1 && n_buses <= AMAP_TOUR_MAX_BUSES);

  if (self->n_buses == n_buses)
    return;

  freeze_changed (self);
  self->n_buses = n_buses;
  for (guint i = 0; i < self->stops->len; i++)
    {
      AmapTourStop *stop = g_ptr_array_index (self->stops, i);

      if (stop->bus >= n_buses)
        amap_tour_stop_set_bus (stop, n_buses - 1);
    }
  property_changed (self, PROP_N_BUSES);
  thaw_changed (self);
}

gint64
amap_tour_get_created (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), 0);
  return self->created;
}

void
amap_tour_set_created (AmapTour *self,
                       gint64    created)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  if (self->created == created)
    return;

  self->created = created;
  property_changed (self, PROP_CREATED);
}

gint64
amap_tour_get_modified (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), 0);
  return self->modified;
}

void
amap_tour_set_modified (AmapTour *self,
                        gint64    modified)
{
  g_return_if_fail (AMAP_IS_TOUR (self));

  if (self->modified == modified)
    return;

  self->modified = modified;
  property_changed (self, PROP_MODIFIED);
}

/* Start and end */

static void
set_place (AmapTour          *self,
           Place             *place,
           AmapTourPlaceKind  kind,
           const char        *uuid,
           double             latitude,
           double             longitude)
{
  Place wanted = { 0, };

  place_set (&wanted, kind, uuid, latitude, longitude);
  if (place_equal (place, &wanted))
    {
      place_clear (&wanted);
      return;
    }

  place_clear (place);
  *place = wanted;
  emit_changed (self);
}

void
amap_tour_set_start (AmapTour          *self,
                     AmapTourPlaceKind  kind,
                     const char        *uuid,
                     double             latitude,
                     double             longitude)
{
  g_return_if_fail (AMAP_IS_TOUR (self));
  g_return_if_fail (kind != AMAP_TOUR_PLACE_START);
  g_return_if_fail (kind <= AMAP_TOUR_PLACE_START);

  set_place (self, &self->start, kind, uuid, latitude, longitude);
}

AmapTourPlaceKind
amap_tour_get_start (AmapTour     *self,
                     const char  **uuid,
                     double       *latitude,
                     double       *longitude)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), AMAP_TOUR_PLACE_HOME);
  return place_get (&self->start, uuid, latitude, longitude);
}

void
amap_tour_set_end (AmapTour          *self,
                   AmapTourPlaceKind  kind,
                   const char        *uuid,
                   double             latitude,
                   double             longitude)
{
  g_return_if_fail (AMAP_IS_TOUR (self));
  g_return_if_fail (kind <= AMAP_TOUR_PLACE_START);

  set_place (self, &self->end, kind, uuid, latitude, longitude);
}

AmapTourPlaceKind
amap_tour_get_end (AmapTour     *self,
                   const char  **uuid,
                   double       *latitude,
                   double       *longitude)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), AMAP_TOUR_PLACE_START);
  return place_get (&self->end, uuid, latitude, longitude);
}

/* Stops */

guint
amap_tour_get_n_stops (AmapTour *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), 0);
  return self->stops->len;
}

AmapTourStop *
amap_tour_get_stop (AmapTour *self,
                    guint     index)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);
  g_return_val_if_fail (index < self->stops->len, NULL);

  return g_ptr_array_index (self->stops, index);
}

int
amap_tour_find_stop (AmapTour   *self,
                     const char *uuid)
{
  g_return_val_if_fail (AMAP_IS_TOUR (self), -1);

  for (guint i = 0; i < self->stops->len; i++)
    {
      AmapTourStop *stop = g_ptr_array_index (self->stops, i);

      if (uuid != NULL && g_strcmp0 (stop->asset_uuid, uuid) == 0)
        return i;
    }

  return -1;
}

void
amap_tour_insert_stop (AmapTour     *self,
                       guint         index,
                       AmapTourStop *stop)
{
  g_return_if_fail (AMAP_IS_TOUR (self));
  g_return_if_fail (AMAP_IS_TOUR_STOP (stop));
  g_return_if_fail (index <= self->stops->len);

  /* The same stop object may be in the list twice; it is watched once. */
  if (!g_ptr_array_find (self->stops, stop, NULL))
    watch_stop (self, stop);
  g_ptr_array_insert (self->stops, index, g_object_ref (stop));
  emit_changed (self);
}

void
amap_tour_remove_stop (AmapTour *self,
                       guint     index)
{
  AmapTourStop *stop;

  g_return_if_fail (AMAP_IS_TOUR (self));
  g_return_if_fail (index < self->stops->len);

  stop = g_ptr_array_steal_index (self->stops, index);
  if (!g_ptr_array_find (self->stops, stop, NULL))
    unwatch_stop (self, stop);
  g_object_unref (stop);
  emit_changed (self);
}

/**
 * amap_tour_move_stop:
 * @from: the stop's index now
 * @to: its index after the move
 *
 * Moves one stop; the stops between shift by one.
 */
void
amap_tour_move_stop (AmapTour *self,
                     guint     from,
                     guint     to)
{
  gpointer stop;

  g_return_if_fail (AMAP_IS_TOUR (self));
  g_return_if_fail (from < self->stops->len);
  g_return_if_fail (to < self->stops->len);

  if (from == to)
    return;

  stop = g_ptr_array_steal_index (self->stops, from);
  g_ptr_array_insert (self->stops, to, stop);
  emit_changed (self);
}

void
amap_tour_reverse (AmapTour *self)
{
  gboolean changed = FALSE;

  g_return_if_fail (AMAP_IS_TOUR (self));

  /* Each bus's stops keep the positions they have in the list, and take
   * them in reverse order: the other buses' stops do not move. */
  for (guint bus = 0; bus < self->n_buses; bus++)
    {
      g_autoptr(GArray) indexes = amap_tour_get_bus_stops (self, bus);

      for (guint i = 0, j = indexes->len; i + 1 < j; i++, j--)
        {
          guint a = g_array_index (indexes, guint, i);
          guint b = g_array_index (indexes, guint, j - 1);
          gpointer tmp = self->stops->pdata[a];

          self->stops->pdata[a] = self->stops->pdata[b];
          self->stops->pdata[b] = tmp;
          changed = TRUE;
        }
    }

  if (changed)
    emit_changed (self);
}

void
amap_tour_reorder (AmapTour    *self,
                   const guint *order)
{
  guint n;
  g_autofree gboolean *seen = NULL;
  g_autofree gpointer *old = NULL;
  gboolean changed = FALSE;

  g_return_if_fail (AMAP_IS_TOUR (self));

  n = self->stops->len;
  if (n == 0)
    return;

  g_return_if_fail (order != NULL);

  seen = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      g_return_if_fail (order[i] < n);
      g_return_if_fail (!seen[order[i]]);
      seen[order[i]] = TRUE;
    }

  old = g_memdup2 (self->stops->pdata, n * sizeof (gpointer));
  for (guint i = 0; i < n; i++)
    {
      self->stops->pdata[i] = old[order[i]];
      changed |= order[i] != i;
    }

  if (changed)
    emit_changed (self);
}

/**
 * amap_tour_get_bus_stops:
 *
 * Returns: (transfer full): a new array of guint, the indexes of the stops
 *   on @bus in the order of the tour.
 */
GArray *
amap_tour_get_bus_stops (AmapTour *self,
                         guint     bus)
{
  GArray *indexes;

  g_return_val_if_fail (AMAP_IS_TOUR (self), NULL);

  indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self->stops->len; i++)
    {
      AmapTourStop *stop = g_ptr_array_index (self->stops, i);

      if (stop->bus == bus)
        g_array_append_val (indexes, i);
    }

  return indexes;
}
