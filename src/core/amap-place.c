/* amap-place.c: a place found by place search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-place"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-place.h"

struct _AmapPlace
{
  GObject parent_instance;

  char    *display_name;
  char    *title;
  char    *subtitle;
  double   latitude;
  double   longitude;
  char    *category;
  char    *kind;
  double   importance;
  double   bounds[4]; /* south, west, north, east; NAN without */
  gboolean is_coordinates;
};

G_DEFINE_FINAL_TYPE (AmapPlace, amap_place, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_IS_COORDINATES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
amap_place_finalize (GObject *object)
{
  AmapPlace *self = AMAP_PLACE (object);

  g_free (self->display_name);
  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->category);
  g_free (self->kind);

  G_OBJECT_CLASS (amap_place_parent_class)->finalize (object);
}

static void
amap_place_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AmapPlace *self = AMAP_PLACE (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case PROP_IS_COORDINATES:
      g_value_set_boolean (value, self->is_coordinates);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_place_class_init (AmapPlaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_place_finalize;
  object_class->get_property = amap_place_get_property;

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL, -90, 90, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL, -180, 180, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_COORDINATES] =
    g_param_spec_boolean ("is-coordinates", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_place_init (AmapPlace *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->bounds); i++)
    self->bounds[i] = NAN;
}

/**
 * amap_place_new:
 * @display_name: the server's name for the place
 *
 * Returns: (transfer full): a place at @latitude, @longitude.
 */
AmapPlace *
amap_place_new (const char *display_name,
                double      latitude,
                double      longitude)
{
  AmapPlace *self;
  const char *comma;

  g_return_val_if_fail (display_name != NULL, NULL);

  self = g_object_new (AMAP_TYPE_PLACE, NULL);
  self->display_name = g_strstrip (g_strdup (display_name));
  self->latitude = latitude;
  self->longitude = longitude;

  /* "Fruitvale Station, 3401, East 12th Street, Oakland": the first part
   * names it, the rest says where it is. */
  comma = strchr (self->display_name, ',');
  if (comma != NULL)
    {
      self->title = g_strstrip (g_strndup (self->display_name, comma - self->display_name));
      self->subtitle = g_strstrip (g_strdup (comma + 1));
      if (self->subtitle[0] == '\0')
        g_clear_pointer (&self->subtitle, g_free);
    }
  else
    {
      self->title = g_strdup (self->display_name);
    }

  return self;
}

/**
 * amap_place_new_for_coordinates:
 *
 * Returns: (transfer full): a place named after its coordinates.
 */
AmapPlace *
amap_place_new_for_coordinates (double latitude,
                                double longitude)
{
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *name = NULL;
  AmapPlace *self;

  g_ascii_formatd (lat, sizeof lat, "%.6f", latitude);
  g_ascii_formatd (lon, sizeof lon, "%.6f", longitude);
  name = g_strdup_printf ("%s, %s", lat, lon);

  self = g_object_new (AMAP_TYPE_PLACE, NULL);
  self->display_name = g_strdup (name);
  self->title = g_steal_pointer (&name);
  self->subtitle = g_strdup (_("Coordinates"));
  self->latitude = latitude;
  self->longitude = longitude;
  self->is_coordinates = TRUE;

  return self;
}

const char *
amap_place_get_display_name (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NULL);
  return self->display_name;
}

const char *
amap_place_get_title (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NULL);
  return self->title;
}

const char *
amap_place_get_subtitle (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NULL);
  return self->subtitle;
}

double
amap_place_get_latitude (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NAN);
  return self->latitude;
}

double
amap_place_get_longitude (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NAN);
  return self->longitude;
}

const char *
amap_place_get_category (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NULL);
  return self->category;
}

const char *
amap_place_get_kind (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), NULL);
  return self->kind;
}

double
amap_place_get_importance (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), 0.0);
  return self->importance;
}

gboolean
amap_place_get_is_coordinates (AmapPlace *self)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), FALSE);
  return self->is_coordinates;
}

gboolean
amap_place_get_bounds (AmapPlace *self,
                       double    *south,
                       double    *west,
                       double    *north,
                       double    *east)
{
  g_return_val_if_fail (AMAP_IS_PLACE (self), FALSE);

  if (isnan (self->bounds[0]))
    return FALSE;

  if (south != NULL)
    *south = self->bounds[0];
  if (west != NULL)
    *west = self->bounds[1];
  if (north != NULL)
    *north = self->bounds[2];
  if (east != NULL)
    *east = self->bounds[3];
  return TRUE;
}

void
amap_place_set_kind (AmapPlace  *self,
                     const char *category,
                     const char *kind)
{
  g_return_if_fail (AMAP_IS_PLACE (self));

  g_free (self->category);
  self->category = g_strdup (category);
  g_free (self->kind);
  self->kind = g_strdup (kind);
}

void
amap_place_set_importance (AmapPlace *self,
                           double     importance)
{
  g_return_if_fail (AMAP_IS_PLACE (self));

  self->importance = isfinite (importance) ? importance : 0.0;
}

void
amap_place_set_bounds (AmapPlace *self,
                       double     south,
                       double     west,
                       double     north,
                       double     east)
{
  g_return_if_fail (AMAP_IS_PLACE (self));

  /* A box off the Earth or inside out is no box. */
  if (!(south >= -90 && north <= 90 && south <= north && west >= -180 && east <= 180 && west <= east))
    return;

  self->bounds[0] = south;
  self->bounds[1] = west;
  self->bounds[2] = north;
  self->bounds[3] = east;
}
