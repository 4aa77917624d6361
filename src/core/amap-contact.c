/* amap-contact.c: a key leader at an asset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-contact"

#include "config.h"

#include "amap-contact.h"

struct _AmapContact
{
  GObject parent_instance;

  gint64  id;
  char   *name;
  char   *role;
  char   *phone;
  char   *email;
  char   *language;
  char   *notes;
};

G_DEFINE_FINAL_TYPE (AmapContact, amap_contact, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_ROLE,
  PROP_PHONE,
  PROP_EMAIL,
  PROP_LANGUAGE,
  PROP_NOTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Stores @value in @field ("" becomes NULL) and notifies @prop when the
 * value really changed. */
static void
set_string (AmapContact  *self,
            char        **field,
            const char   *value,
            guint         prop)
{
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static char **
string_field (AmapContact *self,
              guint        prop)
{
  switch (prop)
    {
    case PROP_NAME: return &self->name;
    case PROP_ROLE: return &self->role;
    case PROP_PHONE: return &self->phone;
    case PROP_EMAIL: return &self->email;
    case PROP_LANGUAGE: return &self->language;
    case PROP_NOTES: return &self->notes;
    default: return NULL;
    }
}

static void
amap_contact_finalize (GObject *object)
{
  AmapContact *self = (AmapContact *)object;

  g_free (self->name);
  g_free (self->role);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->language);
  g_free (self->notes);

  G_OBJECT_CLASS (amap_contact_parent_class)->finalize (object);
}

static void
amap_contact_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AmapContact *self = AMAP_CONTACT (object);

  if (prop_id == PROP_ID)
    g_value_set_int64 (value, self->id);
  else if (prop_id > PROP_ID && prop_id < N_PROPS)
    g_value_set_string (value, *string_field (self, prop_id));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
amap_contact_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AmapContact *self = AMAP_CONTACT (object);

  if (prop_id == PROP_ID)
    amap_contact_set_id (self, g_value_get_int64 (value));
  else if (prop_id > PROP_ID && prop_id < N_PROPS)
    set_string (self, string_field (self, prop_id), g_value_get_string (value), prop_id);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
amap_contact_class_init (AmapContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = amap_contact_finalize;
  object_class->get_property = amap_contact_get_property;
  object_class->set_property = amap_contact_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  properties[PROP_PHONE] = g_param_spec_string ("phone", NULL, NULL, NULL, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, NULL, flags);
  properties[PROP_NOTES] = g_param_spec_string ("notes", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_contact_init (AmapContact *self)
{
}

AmapContact *
amap_contact_new (const char *name)
{
  return g_object_new (AMAP_TYPE_CONTACT, "name", name, NULL);
}

/**
 * amap_contact_copy:
 *
 * A new contact with the same fields, id included.
 */
AmapContact *
amap_contact_copy (AmapContact *self)
{
  AmapContact *copy;

  g_return_val_if_fail (AMAP_IS_CONTACT (self), NULL);

  copy = g_object_new (AMAP_TYPE_CONTACT, NULL);
  copy->id = self->id;
  copy->name = g_strdup (self->name);
  copy->role = g_strdup (self->role);
  copy->phone = g_strdup (self->phone);
  copy->email = g_strdup (self->email);
  copy->language = g_strdup (self->language);
  copy->notes = g_strdup (self->notes);

  return copy;
}

/**
 * amap_contact_equal:
 *
 * Compares the user-visible fields. The id is not compared: a contact
 * read back from the store equals the one that was saved.
 */
gboolean
amap_contact_equal (AmapContact *a,
                    AmapContact *b)
{
  g_return_val_if_fail (AMAP_IS_CONTACT (a), FALSE);
  g_return_val_if_fail (AMAP_IS_CONTACT (b), FALSE);

  return g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->role, b->role) == 0 &&
         g_strcmp0 (a->phone, b->phone) == 0 &&
         g_strcmp0 (a->email, b->email) == 0 &&
         g_strcmp0 (a->language, b->language) == 0 &&
         g_strcmp0 (a->notes, b->notes) == 0;
}

gint64
amap_contact_get_id (AmapContact *self)
{
  g_return_val_if_fail (AMAP_IS_CONTACT (self), 0);
  return self->id;
}

void
amap_contact_set_id (AmapContact *self,
                     gint64       id)
{
  g_return_if_fail (AMAP_IS_CONTACT (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

#define STRING_ACCESSORS(field, PROP)                                   \
  const char *                                                          \
  amap_contact_get_##field (AmapContact *self)                          \
  {                                                                     \
    g_return_val_if_fail (AMAP_IS_CONTACT (self), NULL);                \
    return self->field;                                                 \
  }                                                                     \
                                                                        \
  void                                                                  \
  amap_contact_set_##field (AmapContact *self,                          \
                            const char  *field)                         \
  {                                                                     \
    g_return_if_fail (AMAP_IS_CONTACT (self));                          \
    set_string (self, &self->field, field, PROP);                       \
  }

STRING_ACCESSORS (name, PROP_NAME)
STRING_ACCESSORS (role, PROP_ROLE)
STRING_ACCESSORS (phone, PROP_PHONE)
STRING_ACCESSORS (email, PROP_EMAIL)
STRING_ACCESSORS (language, PROP_LANGUAGE)
STRING_ACCESSORS (notes, PROP_NOTES)
