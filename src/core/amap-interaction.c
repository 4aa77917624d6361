/* amap-interaction.c: one entry of an asset's log of visits and meetings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-interaction"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "amap-interaction.h"

struct _AmapInteraction
{
  GObject parent_instance;

  gint64               id;
  char                *date;
  AmapInteractionKind  kind;
  char                *notes;
};

G_DEFINE_FINAL_TYPE (AmapInteraction, amap_interaction, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AmapInteractionKind, amap_interaction_kind,
  G_DEFINE_ENUM_VALUE (AMAP_INTERACTION_VISIT, "visit"),
  G_DEFINE_ENUM_VALUE (AMAP_INTERACTION_MEETING, "meeting"),
  G_DEFINE_ENUM_VALUE (AMAP_INTERACTION_CALL, "call"),
  G_DEFINE_ENUM_VALUE (AMAP_INTERACTION_EVENT, "event"),
  G_DEFINE_ENUM_VALUE (AMAP_INTERACTION_EMAIL, "email"),
  G_DEFINE_ENUM_VALUE (AMAP_INTERACTION_OTHER, "other"))

enum {
  PROP_0,
  PROP_ID,
  PROP_DATE,
  PROP_KIND,
  PROP_NOTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *key;
  const char *display_name;
} kinds[] = {
  [AMAP_INTERACTION_VISIT] = { "visit", N_("Visit") },
  [AMAP_INTERACTION_MEETING] = { "meeting", N_("Meeting") },
  [AMAP_INTERACTION_CALL] = { "call", N_("Call") },
  [AMAP_INTERACTION_EVENT] = { "event", N_("Event") },
  [AMAP_INTERACTION_EMAIL] = { "email", N_("Email") },
  [AMAP_INTERACTION_OTHER] = { "other", N_("Other") },
};

static void
amap_interaction_finalize (GObject *object)
{
  AmapInteraction *self = (AmapInteraction *)object;

  g_free (self->date);
  g_free (self->notes);

  G_OBJECT_CLASS (amap_interaction_parent_class)->finalize (object);
}

static void
amap_interaction_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AmapInteraction *self = AMAP_INTERACTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_interaction_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AmapInteraction *self = AMAP_INTERACTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      amap_interaction_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_DATE:
      amap_interaction_set_date (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      amap_interaction_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_NOTES:
      amap_interaction_set_notes (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_interaction_class_init (AmapInteractionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = amap_interaction_finalize;
  object_class->get_property = amap_interaction_get_property;
  object_class->set_property = amap_interaction_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL, flags);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       AMAP_TYPE_INTERACTION_KIND, AMAP_INTERACTION_VISIT, flags);
  properties[PROP_NOTES] =
    g_param_spec_string ("notes", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_interaction_init (AmapInteraction *self)
{
  self->kind = AMAP_INTERACTION_VISIT;
}

const char *
amap_interaction_kind_to_string (AmapInteractionKind kind)
{
  g_return_val_if_fail (kind <= AMAP_INTERACTION_OTHER, "other");
  return kinds[kind].key;
}

gboolean
amap_interaction_kind_from_string (const char          *str,
                                   AmapInteractionKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_strcmp0 (str, kinds[i].key) == 0)
        {
          if (kind != NULL)
            *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
amap_interaction_kind_get_display_name (AmapInteractionKind kind)
{
  g_return_val_if_fail (kind <= AMAP_INTERACTION_OTHER, NULL);
  return _(kinds[kind].display_name);
}

/**
 * amap_interaction_new:
 * @date: (nullable): "YYYY-MM-DD"; the store refuses an invalid one
 * @kind: what happened
 * @notes: (nullable): free text
 */
AmapInteraction *
amap_interaction_new (const char          *date,
                      AmapInteractionKind  kind,
                      const char          *notes)
{
  return g_object_new (AMAP_TYPE_INTERACTION,
                       "date", date,
                       "kind", kind,
                       "notes", notes,
                       NULL);
}

AmapInteraction *
amap_interaction_copy (AmapInteraction *self)
{
  AmapInteraction *copy;

  g_return_val_if_fail (AMAP_IS_INTERACTION (self), NULL);

  copy = amap_interaction_new (self->date, self->kind, self->notes);
  copy->id = self->id;

  return copy;
}

/**
 * amap_interaction_equal:
 *
 * Compares date, kind and notes; not the id, so an interaction read back
 * from the store equals the one that was saved.
 */
gboolean
amap_interaction_equal (AmapInteraction *a,
                        AmapInteraction *b)
{
  g_return_val_if_fail (AMAP_IS_INTERACTION (a), FALSE);
  g_return_val_if_fail (AMAP_IS_INTERACTION (b), FALSE);

  return a->kind == b->kind &&
         g_strcmp0 (a->date, b->date) == 0 &&
         g_strcmp0 (a->notes, b->notes) == 0;
}

gint64
amap_interaction_get_id (AmapInteraction *self)
{
  g_return_val_if_fail (AMAP_IS_INTERACTION (self), 0);
  return self->id;
}

void
amap_interaction_set_id (AmapInteraction *self,
                         gint64           id)
{
  g_return_if_fail (AMAP_IS_INTERACTION (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
amap_interaction_get_date (AmapInteraction *self)
{
  g_return_val_if_fail (AMAP_IS_INTERACTION (self), NULL);
  return self->date;
}

/**
 * amap_interaction_set_date:
 *
 * Keeps whatever it is given ("" becomes NULL) so that an editor can show
 * it back; amap_date_is_valid() tells, and the store refuses to save an
 * interaction whose date is not valid.
 */
void
amap_interaction_set_date (AmapInteraction *self,
                           const char      *date)
{
  g_return_if_fail (AMAP_IS_INTERACTION (self));

  if (date != NULL && *date == '\0')
    date = NULL;

  if (g_strcmp0 (self->date, date) == 0)
    return;

  g_free (self->date);
  self->date = g_strdup (date);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

AmapInteractionKind
amap_interaction_get_kind (AmapInteraction *self)
{
  g_return_val_if_fail (AMAP_IS_INTERACTION (self), AMAP_INTERACTION_OTHER);
  return self->kind;
}

void
amap_interaction_set_kind (AmapInteraction     *self,
                           AmapInteractionKind  kind)
{
  g_return_if_fail (AMAP_IS_INTERACTION (self));
  g_return_if_fail (kind <= AMAP_INTERACTION_OTHER);

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
amap_interaction_get_notes (AmapInteraction *self)
{
  g_return_val_if_fail (AMAP_IS_INTERACTION (self), NULL);
  return self->notes;
}

void
amap_interaction_set_notes (AmapInteraction *self,
                            const char      *notes)
{
  g_return_if_fail (AMAP_IS_INTERACTION (self));

  if (notes != NULL && *notes == '\0')
    notes = NULL;

  if (g_strcmp0 (self->notes, notes) == 0)
    return;

  g_free (self->notes);
  self->notes = g_strdup (notes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES]);
}

gboolean
amap_date_is_valid (const char *date)
{
  guint year, month, day;

  if (date == NULL || strlen (date) != 10)
    return FALSE;

  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        {
          if (date[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (date[i]))
        return FALSE;
    }

  year = (guint) g_ascii_strtoull (date, NULL, 10);
  month = (guint) g_ascii_strtoull (date + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (date + 8, NULL, 10);

  return g_date_valid_dmy (day, month, year);
}
