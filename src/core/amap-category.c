/* amap-category.c: what kind of asset a pin is (business, faith-based...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-category"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-category.h"

struct _AmapCategory
{
  GObject parent_instance;

  char     *key;
  char     *name;
  char     *color;
  char     *icon_name;
  gboolean  builtin;
};

G_DEFINE_FINAL_TYPE (AmapCategory, amap_category, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_NAME,
  PROP_COLOR,
  PROP_ICON_NAME,
  PROP_BUILTIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Colors come from the GNOME palette, one hue each so that pins of
 * different categories stay apart on the map; icons are symbolic icons
 * that Adwaita ships (checked against Debian 12's adwaita-icon-theme 43). */
static const struct {
  const char *key;
  const char *name;
  const char *color;
  const char *icon_name;
} builtins[] = {
  { AMAP_CATEGORY_BUSINESS, N_("Business"), "#e66100", "system-software-install-symbolic" },
  { AMAP_CATEGORY_FAITH, N_("Faith-Based Organization"), "#813d9c", "emote-love-symbolic" },
  { AMAP_CATEGORY_HUB, N_("Gathering Place"), "#c01c28", "user-home-symbolic" },
  { AMAP_CATEGORY_NONPROFIT, N_("Nonprofit / Community-Based Org"), "#865e3c", "system-users-symbolic" },
  { AMAP_CATEGORY_PUBLIC, N_("Public Agency"), "#1a5fb4", "emblem-documents-symbolic" },
  { AMAP_CATEGORY_EDUCATION, N_("School / Higher Education"), "#e5a50a", "x-office-presentation-symbolic" },
  { AMAP_CATEGORY_HEALTH, N_("Health"), "#62a0ea", "applications-science-symbolic" },
  { AMAP_CATEGORY_PARK, N_("Park / Recreation"), "#26a269", "emoji-nature-symbolic" },
  { AMAP_CATEGORY_LIBRARY, N_("Library / Arts & Culture"), "#c061cb", "accessories-dictionary-symbolic" },
  { AMAP_CATEGORY_OTHER, N_("Other"), "#5e5c64", "mark-location-symbolic" },
};

static void
amap_category_finalize (GObject *object)
{
  AmapCategory *self = (AmapCategory *)object;

  g_free (self->key);
  g_free (self->name);
  g_free (self->color);
  g_free (self->icon_name);

  G_OBJECT_CLASS (amap_category_parent_class)->finalize (object);
}

static void
amap_category_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AmapCategory *self = AMAP_CATEGORY (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;

    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;

    case PROP_BUILTIN:
      g_value_set_boolean (value, self->builtin);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_category_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AmapCategory *self = AMAP_CATEGORY (object);

  switch (prop_id)
    {
    case PROP_KEY:
      self->key = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_COLOR:
      self->color = g_value_dup_string (value);
      break;

    case PROP_ICON_NAME:
      self->icon_name = g_value_dup_string (value);
      break;

    case PROP_BUILTIN:
      self->builtin = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_category_class_init (AmapCategoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = amap_category_finalize;
  object_class->get_property = amap_category_get_property;
  object_class->set_property = amap_category_set_property;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, flags);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL, flags);
  properties[PROP_BUILTIN] = g_param_spec_boolean ("builtin", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_category_init (AmapCategory *self)
{
}

AmapCategory *
amap_category_new (const char *key,
                   const char *name,
                   const char *color,
                   const char *icon_name,
                   gboolean    builtin)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_object_new (AMAP_TYPE_CATEGORY,
                       "key", key,
                       "name", name,
                       "color", color,
                       "icon-name", icon_name,
                       "builtin", builtin,
                       NULL);
}

const char *
amap_category_get_key (AmapCategory *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY (self), NULL);
  return self->key;
}

const char *
amap_category_get_name (AmapCategory *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY (self), NULL);
  return self->name;
}

const char *
amap_category_get_color (AmapCategory *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY (self), NULL);
  return self->color;
}

const char *
amap_category_get_icon_name (AmapCategory *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY (self), NULL);
  return self->icon_name;
}

gboolean
amap_category_get_builtin (AmapCategory *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY (self), FALSE);
  return self->builtin;
}

GPtrArray *
amap_category_list_builtin (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    g_ptr_array_add (list, amap_category_new (builtins[i].key,
                                              _(builtins[i].name),
                                              builtins[i].color,
                                              builtins[i].icon_name,
                                              TRUE));

  return list;
}

AmapCategory *
amap_category_lookup_builtin (const char *key)
{
  static GPtrArray *list;

  if (g_once_init_enter (&list))
    g_once_init_leave (&list, amap_category_list_builtin ());

  for (guint i = 0; key != NULL && i < list->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (list, i);

      if (g_str_equal (amap_category_get_key (category), key))
        return category;
    }

  return NULL;
}

gboolean
amap_color_is_valid (const char *color)
{
  if (color == NULL || color[0] != '#')
    return FALSE;

  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;

  return color[7] == '\0';
}
