/* amap-category-dot.c: a colored disc with the category's symbolic icon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-category-dot"

#include "config.h"

#include "amap-category-dot.h"

struct _AmapCategoryDot
{
  GtkWidget  parent_instance;

  GtkWidget *image;
  char      *color;
  GdkRGBA    rgba;
};

enum {
  PROP_0,
  PROP_COLOR,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AmapCategoryDot, amap_category_dot, GTK_TYPE_WIDGET)

static void
amap_category_dot_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AmapCategoryDot *self = AMAP_CATEGORY_DOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  float size = MIN (width, height);
  GskRoundedRect disc;

  gsk_rounded_rect_init_from_rect (&disc,
                                   &GRAPHENE_RECT_INIT ((width - size) / 2.f,
                                                        (height - size) / 2.f,
                                                        size, size),
                                   size / 2.f);
  gtk_snapshot_push_rounded_clip (snapshot, &disc);
  gtk_snapshot_append_color (snapshot, &self->rgba, &disc.bounds);
  gtk_snapshot_pop (snapshot);

  if (gtk_widget_get_visible (self->image))
    gtk_widget_snapshot_child (widget, self->image, snapshot);
}

static void
amap_category_dot_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AmapCategoryDot *self = AMAP_CATEGORY_DOT (object);

  switch (prop_id)
    {
    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, amap_category_dot_get_icon_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_category_dot_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AmapCategoryDot *self = AMAP_CATEGORY_DOT (object);

  switch (prop_id)
    {
    case PROP_COLOR:
      amap_category_dot_set_color (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      amap_category_dot_set_icon_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_category_dot_dispose (GObject *object)
{
  AmapCategoryDot *self = AMAP_CATEGORY_DOT (object);

  g_clear_pointer (&self->image, gtk_widget_unparent);

  G_OBJECT_CLASS (amap_category_dot_parent_class)->dispose (object);
}

static void
amap_category_dot_finalize (GObject *object)
{
  AmapCategoryDot *self = AMAP_CATEGORY_DOT (object);

  g_free (self->color);

  G_OBJECT_CLASS (amap_category_dot_parent_class)->finalize (object);
}

static void
amap_category_dot_class_init (AmapCategoryDotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = amap_category_dot_get_property;
  object_class->set_property = amap_category_dot_set_property;
  object_class->dispose = amap_category_dot_dispose;
  object_class->finalize = amap_category_dot_finalize;

  widget_class->snapshot = amap_category_dot_snapshot;

  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, flags);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "categorydot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
amap_category_dot_init (AmapCategoryDot *self)
{
  gdk_rgba_parse (&self->rgba, "#5e5c64");
  self->image = gtk_image_new ();
  gtk_widget_set_halign (self->image, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->image, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->image, FALSE);
  gtk_widget_set_parent (self->image, GTK_WIDGET (self));
}

GtkWidget *
amap_category_dot_new (void)
{
  return g_object_new (AMAP_TYPE_CATEGORY_DOT, NULL);
}

const char *
amap_category_dot_get_color (AmapCategoryDot *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY_DOT (self), NULL);

  return self->color;
}

void
amap_category_dot_set_color (AmapCategoryDot *self,
                             const char      *color)
{
  g_return_if_fail (AMAP_IS_CATEGORY_DOT (self));

  if (g_strcmp0 (self->color, color) == 0)
    return;

  g_free (self->color);
  self->color = g_strdup (color);
  if (color == NULL || !gdk_rgba_parse (&self->rgba, color))
    gdk_rgba_parse (&self->rgba, "#5e5c64");

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

const char *
amap_category_dot_get_icon_name (AmapCategoryDot *self)
{
  g_return_val_if_fail (AMAP_IS_CATEGORY_DOT (self), NULL);

  return gtk_image_get_icon_name (GTK_IMAGE (self->image));
}

void
amap_category_dot_set_icon_name (AmapCategoryDot *self,
                                 const char      *icon_name)
{
  g_return_if_fail (AMAP_IS_CATEGORY_DOT (self));

  if (g_strcmp0 (amap_category_dot_get_icon_name (self), icon_name) == 0)
    return;

  gtk_image_set_from_icon_name (GTK_IMAGE (self->image), icon_name);
  gtk_widget_set_visible (self->image, icon_name != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}
