/* amap-asset.c: one place on the map (a business, a clinic, a park...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-asset"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-asset.h"
#include "amap-asset-record.h"
#include "amap-category.h"
#include "amap-error.h"

struct _AmapAsset
{
  GObject parent_instance;

  char       *uuid;
  char       *source_id;
  char       *name;
  char       *category;
  double      latitude;
  double      longitude;
  char       *shape;
  char       *address;
  char       *description;
  char       *strengths;
  char       *needs;
  char       *website;
  char       *phone;
  char       *email;
  gboolean    is_hub;
  AmapStage   stage;
  char       *last_contacted;
  gint64      created;
  gint64      modified;

  AmapLocationSource location_source;
  /* Only what lists and the map draw (amap_asset_new_summary()). */
  gboolean    summary;

  /* The children are made when first needed: a list of 100,000 assets
   * has few with any, and five empty containers each were half of an
   * asset's memory. */
  /* Sorted, NULL-terminated; NULL: none. */
  GPtrArray  *tags;
  /* Outermost first, NULL-terminated; NULL: none. */
  GPtrArray  *folders;
  /* key -> value, both owned; keys come out sorted by dup_extra_keys().
   * NULL: none. */
  GHashTable *extras;
  /* NULL until amap_asset_get_contacts() or an add. */
  GPtrArray  *contacts;
  GPtrArray  *interactions;
};

G_DEFINE_FINAL_TYPE (AmapAsset, amap_asset, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AmapStage, amap_stage,
  G_DEFINE_ENUM_VALUE (AMAP_STAGE_IDENTIFIED, "identified"),
  G_DEFINE_ENUM_VALUE (AMAP_STAGE_CONTACTED, "contacted"),
  G_DEFINE_ENUM_VALUE (AMAP_STAGE_MET, "met"),
  G_DEFINE_ENUM_VALUE (AMAP_STAGE_PARTNER, "partner"),
  G_DEFINE_ENUM_VALUE (AMAP_STAGE_INACTIVE, "inactive"))

G_DEFINE_ENUM_TYPE (AmapLocationSource, amap_location_source,
  G_DEFINE_ENUM_VALUE (AMAP_LOCATION_SOURCE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (AMAP_LOCATION_SOURCE_MANUAL, "manual"),
  G_DEFINE_ENUM_VALUE (AMAP_LOCATION_SOURCE_IMPORTED, "imported"),
  G_DEFINE_ENUM_VALUE (AMAP_LOCATION_SOURCE_GEOCODED, "geocoded"))

enum {
  PROP_0,
  PROP_UUID,
  PROP_SOURCE_ID,
  PROP_NAME,
  PROP_CATEGORY,
  PROP_HAS_LOCATION,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_SHAPE,
  PROP_ADDRESS,
  PROP_DESCRIPTION,
  PROP_STRENGTHS,
  PROP_NEEDS,
  PROP_WEBSITE,
  PROP_PHONE,
  PROP_EMAIL,
  PROP_IS_HUB,
  PROP_STAGE,
  PROP_LAST_CONTACTED,
  PROP_CREATED,
  PROP_MODIFIED,
  PROP_LOCATION_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static guint notify_signal_id;

static const struct {
  const char *key;
  const char *display_name;
} stages[] = {
  [AMAP_STAGE_IDENTIFIED] = { "identified", N_("Identified") },
  [AMAP_STAGE_CONTACTED] = { "contacted", N_("Contacted") },
  [AMAP_STAGE_MET] = { "met", N_("Met") },
  [AMAP_STAGE_PARTNER] = { "partner", N_("Partner") },
  [AMAP_STAGE_INACTIVE] = { "inactive", N_("Inactive") },
};

static char **
string_field (AmapAsset *self,
              guint      prop)
{
  switch (prop)
    {
    case PROP_UUID: return &self->uuid;
    case PROP_SOURCE_ID: return &self->source_id;
    case PROP_NAME: return &self->name;
    case PROP_CATEGORY: return &self->category;
    case PROP_SHAPE: return &self->shape;
    case PROP_ADDRESS: return &self->address;
    case PROP_DESCRIPTION: return &self->description;
    case PROP_STRENGTHS: return &self->strengths;
    case PROP_NEEDS: return &self->needs;
    case PROP_WEBSITE: return &self->website;
    case PROP_PHONE: return &self->phone;
    case PROP_EMAIL: return &self->email;
    case PROP_LAST_CONTACTED: return &self->last_contacted;
    default: return NULL;
    }
}

/* Whether a change must be announced. An importer builds thousands of
 * assets nobody is connected to yet, and in GLib 2.74 a notification
 * costs its queue's freeze and thaw even then. Any "notify" handler on
 * @self counts, whatever its detail ("notify", "notify::name"), bindings
 * and expression watches included, blocked ones too (one may be unblocked
 * before a frozen queue thaws). (g_signal_has_handler_pending() would not
 * do: in 2.74 it matches only handlers of exactly the given detail.)
 * AmapAsset overrides neither notify nor dispatch_properties_changed, so
 * without a handler a notification has no effect anyone could see. */
static inline gboolean
is_watched (AmapAsset *self)
{
  return g_signal_handler_find (self, G_SIGNAL_MATCH_ID, notify_signal_id,
                                0, NULL, NULL, NULL) != 0;
}

static inline void
notify (AmapAsset *self,
        guint      prop)
{
  if (is_watched (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Stores @value ("" becomes NULL) and notifies when it really changed. */
static void
set_string (AmapAsset  *self,
            guint       prop,
            const char *value)
{
  char **field = string_field (self, prop);

  g_assert (field != NULL);

  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  notify (self, prop);
}

static char *
dup_field (const char *value)
{
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static guint
array_len (GPtrArray *array)
{
  return array != NULL ? array->len : 0;
}

static GPtrArray *
ensure_strings (GPtrArray **array)
{
  if (*array == NULL)
    *array = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  return *array;
}

static GPtrArray *
ensure_objects (GPtrArray **array)
{
  if (*array == NULL)
    *array = g_ptr_array_new_with_free_func (g_object_unref);
  return *array;
}

static gboolean
strings_equal (GPtrArray *a,
               GPtrArray *b)
{
  if (array_len (a) != array_len (b))
    return FALSE;
  for (guint i = 0; i < array_len (a); i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

static GPtrArray *
copy_strings (GPtrArray *array)
{
  GPtrArray *copy;

  if (array_len (array) == 0)
    return NULL;

  copy = g_ptr_array_new_null_terminated (array->len, g_free, TRUE);
  for (guint i = 0; i < array->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (array, i)));
  return copy;
}

static int
compare_interactions (gconstpointer a,
                      gconstpointer b)
{
  AmapInteraction *ia = *(AmapInteraction * const *)a;
  AmapInteraction *ib = *(AmapInteraction * const *)b;

  return g_strcmp0 (amap_interaction_get_date (ia), amap_interaction_get_date (ib));
}

static void
amap_asset_finalize (GObject *object)
{
  AmapAsset *self = (AmapAsset *)object;

  for (guint prop = PROP_UUID; prop < N_PROPS; prop++)
    {
      char **field = string_field (self, prop);

      if (field != NULL)
        g_clear_pointer (field, g_free);
    }

  g_clear_pointer (&self->tags, g_ptr_array_unref);
  g_clear_pointer (&self->folders, g_ptr_array_unref);
  g_clear_pointer (&self->extras, g_hash_table_unref);
  g_clear_pointer (&self->contacts, g_ptr_array_unref);
  g_clear_pointer (&self->interactions, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_asset_parent_class)->finalize (object);
}

static void
amap_asset_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AmapAsset *self = AMAP_ASSET (object);

  switch (prop_id)
    {
    case PROP_HAS_LOCATION:
      g_value_set_boolean (value, amap_asset_get_has_location (self));
      break;

    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;

    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;

    case PROP_IS_HUB:
      g_value_set_boolean (value, self->is_hub);
      break;

    case PROP_STAGE:
      g_value_set_enum (value, self->stage);
      break;

    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;

    case PROP_MODIFIED:
      g_value_set_int64 (value, self->modified);
      break;

    case PROP_LOCATION_SOURCE:
      g_value_set_enum (value, self->location_source);
      break;

    default:
      if (string_field (self, prop_id) != NULL)
        g_value_set_string (value, *string_field (self, prop_id));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AmapAsset *self = AMAP_ASSET (object);

  switch (prop_id)
    {
    case PROP_LATITUDE:
      amap_asset_set_location (self, g_value_get_double (value), self->longitude);
      break;

    case PROP_LONGITUDE:
      amap_asset_set_location (self, self->latitude, g_value_get_double (value));
      break;

    case PROP_IS_HUB:
      amap_asset_set_is_hub (self, g_value_get_boolean (value));
      break;

    case PROP_STAGE:
      amap_asset_set_stage (self, g_value_get_enum (value));
      break;

    case PROP_CREATED:
      amap_asset_set_created (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED:
      amap_asset_set_modified (self, g_value_get_int64 (value));
      break;

    case PROP_LOCATION_SOURCE:
      amap_asset_set_location_source (self, g_value_get_enum (value));
      break;

    default:
      if (string_field (self, prop_id) != NULL)
        set_string (self, prop_id, g_value_get_string (value));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_class_init (AmapAssetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  static const struct {
    guint prop;
    const char *name;
  } strings[] = {
    { PROP_UUID, "uuid" },
    { PROP_SOURCE_ID, "source-id" },
    { PROP_NAME, "name" },
    { PROP_CATEGORY, "category" },
    { PROP_SHAPE, "shape" },
    { PROP_ADDRESS, "address" },
    { PROP_DESCRIPTION, "description" },
    { PROP_STRENGTHS, "strengths" },
    { PROP_NEEDS, "needs" },
    { PROP_WEBSITE, "website" },
    { PROP_PHONE, "phone" },
    { PROP_EMAIL, "email" },
    { PROP_LAST_CONTACTED, "last-contacted" },
  };

  object_class->finalize = amap_asset_finalize;
  object_class->get_property = amap_asset_get_property;
  object_class->set_property = amap_asset_set_property;

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    properties[strings[i].prop] =
      g_param_spec_string (strings[i].name, NULL, NULL, NULL, flags);

  properties[PROP_HAS_LOCATION] =
    g_param_spec_boolean ("has-location", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_IS_HUB] =
    g_param_spec_boolean ("is-hub", NULL, NULL, FALSE, flags);
  properties[PROP_STAGE] =
    g_param_spec_enum ("stage", NULL, NULL, AMAP_TYPE_STAGE, AMAP_STAGE_IDENTIFIED, flags);
  properties[PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_MODIFIED] =
    g_param_spec_int64 ("modified", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LOCATION_SOURCE] =
    g_param_spec_enum ("location-source", NULL, NULL, AMAP_TYPE_LOCATION_SOURCE,
                       AMAP_LOCATION_SOURCE_UNKNOWN, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);
}

static void
amap_asset_init (AmapAsset *self)
{
  self->latitude = NAN;
  self->longitude = NAN;
  self->stage = AMAP_STAGE_IDENTIFIED;
  self->category = g_strdup (AMAP_CATEGORY_OTHER);
}

/* Stages */

const char *
amap_stage_to_string (AmapStage stage)
{
  g_return_val_if_fail (stage <= AMAP_STAGE_INACTIVE, "identified");
  return stages[stage].key;
}

gboolean
amap_stage_from_string (const char *str,
                        AmapStage  *stage)
{
  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      if (g_strcmp0 (str, stages[i].key) == 0)
        {
          if (stage != NULL)
            *stage = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
amap_stage_get_display_name (AmapStage stage)
{
  g_return_val_if_fail (stage <= AMAP_STAGE_INACTIVE, NULL);
  return _(stages[stage].display_name);
}

static const char * const location_sources[] = {
  [AMAP_LOCATION_SOURCE_UNKNOWN] = NULL,
  [AMAP_LOCATION_SOURCE_MANUAL] = "manual",
  [AMAP_LOCATION_SOURCE_IMPORTED] = "imported",
  [AMAP_LOCATION_SOURCE_GEOCODED] = "geocoded",
};

const char *
amap_location_source_to_string (AmapLocationSource source)
{
  g_return_val_if_fail (source <= AMAP_LOCATION_SOURCE_GEOCODED, NULL);
  return location_sources[source];
}

/* NULL or "" is UNKNOWN (and TRUE). */
gboolean
amap_location_source_from_string (const char         *str,
                                  AmapLocationSource *source)
{
  if (str == NULL || *str == '\0')
    {
      if (source != NULL)
        *source = AMAP_LOCATION_SOURCE_UNKNOWN;
      return TRUE;
    }

  for (guint i = AMAP_LOCATION_SOURCE_MANUAL; i < G_N_ELEMENTS (location_sources); i++)
    {
      if (g_str_equal (str, location_sources[i]))
        {
          if (source != NULL)
            *source = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Public API */

/**
 * amap_asset_new:
 * @name: (nullable): the asset's name
 *
 * A new asset in the "other" category, at stage "identified", without a
 * location.
 */
AmapAsset *
amap_asset_new (const char *name)
{
  AmapAsset *self = g_object_new (AMAP_TYPE_ASSET, NULL);

  /* What set_string() would store; nobody can be watching yet. */
  self->name = dup_field (name);

  return self;
}

AmapAsset *
amap_asset_copy (AmapAsset *self)
{
  AmapAsset *copy;

  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);

  copy = g_object_new (AMAP_TYPE_ASSET, NULL);

  for (guint prop = PROP_UUID; prop < N_PROPS; prop++)
    {
      char **from = string_field (self, prop);

      if (from != NULL)
        {
          char **to = string_field (copy, prop);

          g_free (*to);
          *to = g_strdup (*from);
        }
    }

  copy->latitude = self->latitude;
  copy->longitude = self->longitude;
  copy->is_hub = self->is_hub;
  copy->stage = self->stage;
  copy->created = self->created;
  copy->modified = self->modified;
  copy->location_source = self->location_source;
  /* A copy of a summary is a summary: it cannot be saved over the asset. */
  copy->summary = self->summary;

  copy->tags = copy_strings (self->tags);
  copy->folders = copy_strings (self->folders);

  if (self->extras != NULL && g_hash_table_size (self->extras) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      copy->extras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, self->extras);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy->extras, g_strdup (key), g_strdup (value));
    }

  for (guint i = 0; i < array_len (self->contacts); i++)
    g_ptr_array_add (ensure_objects (&copy->contacts),
                     amap_contact_copy (g_ptr_array_index (self->contacts, i)));

  for (guint i = 0; i < array_len (self->interactions); i++)
    g_ptr_array_add (ensure_objects (&copy->interactions),
                     amap_interaction_copy (g_ptr_array_index (self->interactions, i)));

  return copy;
}

static guint
n_extras (AmapAsset *self)
{
  return self->extras != NULL ? g_hash_table_size (self->extras) : 0;
}

/**
 * amap_asset_new_summary:
 * @summary: the fields, copied
 *
 * Returns: (transfer full): a new summary (amap_asset_is_summary())
 */
AmapAsset *
amap_asset_new_summary (const AmapAssetSummary *summary)
{
  AmapAsset *self;

  g_return_val_if_fail (summary != NULL, NULL);
  g_return_val_if_fail (summary->stage <= AMAP_STAGE_INACTIVE, NULL);
  g_return_val_if_fail (summary->location_source <= AMAP_LOCATION_SOURCE_GEOCODED, NULL);

  self = g_object_new (AMAP_TYPE_ASSET, NULL);
  self->summary = TRUE;
  self->uuid = dup_field (summary->uuid);
  self->name = dup_field (summary->name);
  g_free (self->category);
  self->category = dup_field (summary->category);
  self->latitude = summary->latitude;
  self->longitude = summary->longitude;
  self->shape = dup_field (summary->shape);
  self->last_contacted = dup_field (summary->last_contacted);
  self->stage = summary->stage;
  self->is_hub = !!summary->is_hub;
  self->location_source = summary->location_source;

  return self;
}

/**
 * amap_asset_summarize:
 *
 * Returns: (transfer full): a new summary of @self
 */
AmapAsset *
amap_asset_summarize (AmapAsset *self)
{
  AmapAssetSummary summary;
  AmapAsset *result;

  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);

  summary = (AmapAssetSummary) {
    .uuid = self->uuid,
    .name = self->name,
    .category = self->category,
    .latitude = self->latitude,
    .longitude = self->longitude,
    .shape = self->shape,
    .last_contacted = self->last_contacted,
    .stage = self->stage,
    .is_hub = self->is_hub,
    .location_source = self->location_source,
  };
  result = amap_asset_new_summary (&summary);
  result->tags = copy_strings (self->tags);
  result->folders = copy_strings (self->folders);

  return result;
}

gboolean
amap_asset_is_summary (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), FALSE);

  return self->summary;
}

static gboolean
double_equal (double a,
              double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

gboolean
amap_asset_equal (AmapAsset *a,
                  AmapAsset *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (AMAP_IS_ASSET (a), FALSE);
  g_return_val_if_fail (AMAP_IS_ASSET (b), FALSE);

  if (a == b)
    return TRUE;

  for (guint prop = PROP_UUID; prop < N_PROPS; prop++)
    {
      char **sa = string_field (a, prop);

      if (sa != NULL && g_strcmp0 (*sa, *string_field (b, prop)) != 0)
        return FALSE;
    }

  if (!double_equal (a->latitude, b->latitude) ||
      !double_equal (a->longitude, b->longitude) ||
      !a->is_hub != !b->is_hub ||
      a->stage != b->stage ||
      a->created != b->created ||
      a->modified != b->modified ||
      a->location_source != b->location_source)
    return FALSE;

  if (!a->summary != !b->summary)
    return FALSE;

  if (!strings_equal (a->folders, b->folders) || !strings_equal (a->tags, b->tags))
    return FALSE;

  if (n_extras (a) != n_extras (b))
    return FALSE;
  if (n_extras (a) > 0)
    {
      g_hash_table_iter_init (&iter, a->extras);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_strcmp0 (value, g_hash_table_lookup (b->extras, key)) != 0)
          return FALSE;
    }

  if (array_len (a->contacts) != array_len (b->contacts))
    return FALSE;
  for (guint i = 0; i < array_len (a->contacts); i++)
    if (!amap_contact_equal (g_ptr_array_index (a->contacts, i),
                             g_ptr_array_index (b->contacts, i)))
      return FALSE;

  if (array_len (a->interactions) != array_len (b->interactions))
    return FALSE;
  for (guint i = 0; i < array_len (a->interactions); i++)
    if (!amap_interaction_equal (g_ptr_array_index (a->interactions, i),
                                 g_ptr_array_index (b->interactions, i)))
      return FALSE;

  return TRUE;
}

gboolean
amap_coordinates_are_valid (double latitude,
                            double longitude)
{
  return isfinite (latitude) && isfinite (longitude) &&
         latitude >= -90.0 && latitude <= 90.0 &&
         longitude >= -180.0 && longitude <= 180.0;
}

/**
 * amap_asset_validate:
 *
 * Checks what can be checked without a store: the name, the coordinates,
 * the last-contacted date and the dates of the interactions.
 */
gboolean
amap_asset_validate (AmapAsset  *self,
                     GError    **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (AMAP_IS_ASSET (self), FALSE);

  trimmed = g_strstrip (g_strdup (self->name ? self->name : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           _("The asset has no name. Type a name, then save again."));
      return FALSE;
    }

  if (amap_asset_get_has_location (self) &&
      !amap_coordinates_are_valid (self->latitude, self->longitude))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The location of “%s” is not on Earth (latitude %g, longitude %g). "
                     "Latitude must be between −90 and 90 and longitude between −180 and 180."),
                   self->name, self->latitude, self->longitude);
      return FALSE;
    }

  if (self->last_contacted != NULL && !amap_date_is_valid (self->last_contacted))
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("The last-contacted date of “%s” (“%s”) is not a real day. "
                     "Write it as year-month-day, for example 2024-09-30."),
                   self->name, self->last_contacted);
      return FALSE;
    }

  for (guint i = 0; i < array_len (self->interactions); i++)
    {
      AmapInteraction *interaction = g_ptr_array_index (self->interactions, i);
      const char *date = amap_interaction_get_date (interaction);

      if (!amap_date_is_valid (date))
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                       _("An interaction with “%s” has the date “%s”, which is not a real day. "
                         "Write it as year-month-day, for example 2024-09-30."),
                       self->name, date ? date : "");
          return FALSE;
        }
    }

  return TRUE;
}

#define STRING_ACCESSORS(field, PROP)                                   \
  const char *                                                          \
  amap_asset_get_##field (AmapAsset *self)                              \
  {                                                                     \
    g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);                  \
    return self->field;                                                 \
  }                                                                     \
                                                                        \
  void                                                                  \
  amap_asset_set_##field (AmapAsset  *self,                             \
                          const char *value)                            \
  {                                                                     \
    g_return_if_fail (AMAP_IS_ASSET (self));                            \
    set_string (self, PROP, value);                                     \
  }

STRING_ACCESSORS (uuid, PROP_UUID)
STRING_ACCESSORS (source_id, PROP_SOURCE_ID)
STRING_ACCESSORS (name, PROP_NAME)
STRING_ACCESSORS (category, PROP_CATEGORY)
STRING_ACCESSORS (shape, PROP_SHAPE)
STRING_ACCESSORS (address, PROP_ADDRESS)
STRING_ACCESSORS (description, PROP_DESCRIPTION)
STRING_ACCESSORS (strengths, PROP_STRENGTHS)
STRING_ACCESSORS (needs, PROP_NEEDS)
STRING_ACCESSORS (website, PROP_WEBSITE)
STRING_ACCESSORS (phone, PROP_PHONE)
STRING_ACCESSORS (email, PROP_EMAIL)
STRING_ACCESSORS (last_contacted, PROP_LAST_CONTACTED)

gboolean
amap_asset_get_has_location (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), FALSE);
  return !isnan (self->latitude) || !isnan (self->longitude);
}

double
amap_asset_get_latitude (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), NAN);
  return self->latitude;
}

double
amap_asset_get_longitude (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), NAN);
  return self->longitude;
}

void
amap_asset_set_location (AmapAsset *self,
                         double     latitude,
                         double     longitude)
{
  gboolean had_location;

  g_return_if_fail (AMAP_IS_ASSET (self));

  if (!is_watched (self))
    {
      self->latitude = latitude;
      self->longitude = longitude;
      return;
    }

  had_location = amap_asset_get_has_location (self);

  g_object_freeze_notify (G_OBJECT (self));

  if (!double_equal (self->latitude, latitude))
    {
      self->latitude = latitude;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATITUDE]);
    }

  if (!double_equal (self->longitude, longitude))
    {
      self->longitude = longitude;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGITUDE]);
    }

  if (had_location != amap_asset_get_has_location (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_LOCATION]);

  g_object_thaw_notify (G_OBJECT (self));
}

void
amap_asset_clear_location (AmapAsset *self)
{
  amap_asset_set_location (self, NAN, NAN);
}

gboolean
amap_asset_get_is_hub (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), FALSE);
  return self->is_hub;
}

void
amap_asset_set_is_hub (AmapAsset *self,
                       gboolean   is_hub)
{
  g_return_if_fail (AMAP_IS_ASSET (self));

  is_hub = !!is_hub;
  if (self->is_hub == is_hub)
    return;

  self->is_hub = is_hub;
  notify (self, PROP_IS_HUB);
}

AmapStage
amap_asset_get_stage (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), AMAP_STAGE_IDENTIFIED);
  return self->stage;
}

void
amap_asset_set_stage (AmapAsset *self,
                      AmapStage  stage)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (stage <= AMAP_STAGE_INACTIVE);

  if (self->stage == stage)
    return;

  self->stage = stage;
  notify (self, PROP_STAGE);
}

gint64
amap_asset_get_created (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), 0);
  return self->created;
}

void
amap_asset_set_created (AmapAsset *self,
                        gint64     created)
{
  g_return_if_fail (AMAP_IS_ASSET (self));

  if (self->created == created)
    return;

  self->created = created;
  notify (self, PROP_CREATED);
}

gint64
amap_asset_get_modified (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), 0);
  return self->modified;
}

void
amap_asset_set_modified (AmapAsset *self,
                         gint64     modified)
{
  g_return_if_fail (AMAP_IS_ASSET (self));

  if (self->modified == modified)
    return;

  self->modified = modified;
  notify (self, PROP_MODIFIED);
}

/* Tags */

const char * const *
amap_asset_get_tags (AmapAsset *self)
{
  static const char * const no_tags[] = { NULL };

  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);

  /* An empty array may not have allocated its terminator yet. */
  if (self->tags == NULL || self->tags->pdata == NULL)
    return no_tags;

  return (const char * const *) self->tags->pdata;
}

void
amap_asset_set_tags (AmapAsset          *self,
                     const char * const *tags)
{
  g_return_if_fail (AMAP_IS_ASSET (self));

  g_clear_pointer (&self->tags, g_ptr_array_unref);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    amap_asset_add_tag (self, tags[i]);
}

const char * const *
amap_asset_get_folders (AmapAsset *self)
{
  static const char * const no_folders[] = { NULL };

  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);

  if (self->folders == NULL || self->folders->pdata == NULL)
    return no_folders;

  return (const char * const *) self->folders->pdata;
}

void
amap_asset_set_folders (AmapAsset          *self,
                        const char * const *folders)
{
  g_return_if_fail (AMAP_IS_ASSET (self));

  g_clear_pointer (&self->folders, g_ptr_array_unref);

  for (guint i = 0; folders != NULL && folders[i] != NULL; i++)
    {
      char *name = g_strstrip (g_strdup (folders[i]));

      if (*name == '\0')
        g_free (name);
      else
        g_ptr_array_add (ensure_strings (&self->folders), name);
    }
}

char *
amap_asset_dup_folder_label (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);

  if (array_len (self->folders) == 0)
    return NULL;

  return g_strjoinv (" › ", (char **) amap_asset_get_folders (self));
}

AmapLocationSource
amap_asset_get_location_source (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), AMAP_LOCATION_SOURCE_UNKNOWN);

  return self->location_source;
}

void
amap_asset_set_location_source (AmapAsset          *self,
                                AmapLocationSource  source)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (source <= AMAP_LOCATION_SOURCE_GEOCODED);

  if (self->location_source == source)
    return;

  self->location_source = source;
  notify (self, PROP_LOCATION_SOURCE);
}

/**
 * amap_asset_add_tag:
 *
 * Adds @tag (trimmed) unless it is empty or already there.
 */
void
amap_asset_add_tag (AmapAsset  *self,
                    const char *tag)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (AMAP_IS_ASSET (self));

  if (tag == NULL)
    return;

  trimmed = g_strstrip (g_strdup (tag));
  if (*trimmed == '\0' || amap_asset_has_tag (self, trimmed))
    return;

  g_ptr_array_add (ensure_strings (&self->tags), g_steal_pointer (&trimmed));
  g_ptr_array_sort (self->tags, compare_strings);
}

gboolean
amap_asset_has_tag (AmapAsset  *self,
                    const char *tag)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), FALSE);

  for (guint i = 0; i < array_len (self->tags); i++)
    if (g_strcmp0 (g_ptr_array_index (self->tags, i), tag) == 0)
      return TRUE;

  return FALSE;
}

/* Extra fields */

const char *
amap_asset_get_extra (AmapAsset  *self,
                      const char *key)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return self->extras != NULL ? g_hash_table_lookup (self->extras, key) : NULL;
}

void
amap_asset_set_extra (AmapAsset  *self,
                      const char *key,
                      const char *value)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (key != NULL && *key != '\0');

  if (value == NULL)
    {
      if (self->extras != NULL)
        g_hash_table_remove (self->extras, key);
      return;
    }

  if (self->extras == NULL)
    self->extras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (self->extras, g_strdup (key), g_strdup (value));
}

GStrv
amap_asset_dup_extra_keys (AmapAsset *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);

  keys = g_ptr_array_new_null_terminated (n_extras (self), NULL, TRUE);
  if (self->extras != NULL)
    {
      g_hash_table_iter_init (&iter, self->extras);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (keys, g_strdup (key));
    }
  g_ptr_array_sort (keys, compare_strings);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
}

typedef struct
{
  const char *key;
  const char *value;
  gsize       key_size;
  gsize       value_size;
} ExtraPair;

static int
compare_extra_pairs (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (((const ExtraPair *) a)->key, ((const ExtraPair *) b)->key);
}

/* The same bytes as walking amap_asset_dup_extra_keys(), without copying
 * the keys or looking each one up again: the store encodes every asset it
 * writes, most with a handful of extras, so an insertion sort (up to 16)
 * and one resize of @buffer beat qsort() and an append per string. */
void
amap_asset_record_encode_extras (AmapAsset *asset,
                                 GString   *buffer)
{
  ExtraPair stack_pairs[16];
  g_autofree ExtraPair *heap_pairs = NULL;
  ExtraPair *pairs = stack_pairs;
  GHashTableIter iter;
  gpointer key, value;
  gsize size = 0;
  char *out;
  guint n = 0;

  g_return_if_fail (AMAP_IS_ASSET (asset));

  g_string_truncate (buffer, 0);
  if (n_extras (asset) == 0)
    return;

  if (n_extras (asset) > G_N_ELEMENTS (stack_pairs))
    pairs = heap_pairs = g_new (ExtraPair, n_extras (asset));

  g_hash_table_iter_init (&iter, asset->extras);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ExtraPair pair = { key, value, strlen (key) + 1, strlen (value) + 1 };
      guint i = n++;

      /* Keys are unique, so strcmp() never ties. */
      if (heap_pairs == NULL)
        for (; i > 0 && strcmp (pairs[i - 1].key, pair.key) > 0; i--)
          pairs[i] = pairs[i - 1];
      pairs[i] = pair;
      size += pair.key_size + pair.value_size;
    }
  if (heap_pairs != NULL)
    qsort (pairs, n, sizeof (ExtraPair), compare_extra_pairs);

  g_string_set_size (buffer, size);
  out = buffer->str;
  for (guint i = 0; i < n; i++)
    {
      memcpy (out, pairs[i].key, pairs[i].key_size);
      out += pairs[i].key_size;
      memcpy (out, pairs[i].value, pairs[i].value_size);
      out += pairs[i].value_size;
    }
}

/* Contacts */

GPtrArray *
amap_asset_get_contacts (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);
  return ensure_objects (&self->contacts);
}

void
amap_asset_add_contact (AmapAsset   *self,
                        AmapContact *contact)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (AMAP_IS_CONTACT (contact));

  g_ptr_array_add (ensure_objects (&self->contacts), g_object_ref (contact));
}

void
amap_asset_remove_contact (AmapAsset   *self,
                           AmapContact *contact)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (AMAP_IS_CONTACT (contact));

  if (self->contacts != NULL)
    g_ptr_array_remove (self->contacts, contact);
}

/* Interactions */

GPtrArray *
amap_asset_get_interactions (AmapAsset *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET (self), NULL);
  return ensure_objects (&self->interactions);
}

void
amap_asset_add_interaction (AmapAsset       *self,
                            AmapInteraction *interaction)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (AMAP_IS_INTERACTION (interaction));

  g_ptr_array_add (ensure_objects (&self->interactions), g_object_ref (interaction));
  /* g_ptr_array_sort() is a stable merge sort, so entries of one day keep
   * the order they were added in. */
  g_ptr_array_sort (self->interactions, compare_interactions);
}

void
amap_asset_remove_interaction (AmapAsset       *self,
                               AmapInteraction *interaction)
{
  g_return_if_fail (AMAP_IS_ASSET (self));
  g_return_if_fail (AMAP_IS_INTERACTION (interaction));

  if (self->interactions != NULL)
    g_ptr_array_remove (self->interactions, interaction);
}
