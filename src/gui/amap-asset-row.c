/* amap-asset-row.c: one asset in the sidebar list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-asset-row"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "amap-asset-row.h"
#include "amap-category-dot.h"

struct _AmapAssetRow
{
  GtkWidget  parent_instance;

  AmapStore *store;
  AmapAsset *item;
  /* Meters from the school, NAN when not shown. */
  double     distance;

  AmapCategoryDot *dot;
  GtkLabel  *name_label;
  GtkLabel  *detail_label;
  GtkWidget *no_location_label;
  GtkLabel  *distance_label;
  GtkWidget *hub_badge;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AmapAssetRow, amap_asset_row, GTK_TYPE_WIDGET)

static void
update (AmapAssetRow *self)
{
  AmapCategory *category = NULL;
  g_autofree char *detail = NULL;
  const char *category_name;

  if (self->item == NULL)
    {
      gtk_label_set_label (self->name_label, NULL);
      gtk_label_set_label (self->detail_label, NULL);
      gtk_widget_set_visible (self->no_location_label, FALSE);
      gtk_widget_set_visible (self->hub_badge, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->distance_label), FALSE);
      return;
    }

  if (self->store != NULL && amap_asset_get_category (self->item) != NULL)
    category = amap_store_lookup_category (self->store, amap_asset_get_category (self->item));

  category_name = category != NULL ? amap_category_get_name (category)
                                   : amap_asset_get_category (self->item);
  if (category_name == NULL)
    category_name = _("No category");

  /* The stage first: a long category name is cut off at the end, and the
   * pin's color already says the category. */
  /* Translators: "Partner · Business": an asset's relationship stage, then its category. */
  detail = g_strdup_printf (C_("stage and category", "%s · %s"),
                            amap_stage_get_display_name (amap_asset_get_stage (self->item)),
                            category_name);

  gtk_label_set_label (self->name_label, amap_asset_get_name (self->item));
  gtk_label_set_label (self->detail_label, detail);
  amap_category_dot_set_color (self->dot, category != NULL ? amap_category_get_color (category) : NULL);
  amap_category_dot_set_icon_name (self->dot, category != NULL ? amap_category_get_icon_name (category)
                                                               : "mark-location-symbolic");
  gtk_widget_set_visible (self->no_location_label, !amap_asset_get_has_location (self->item));
  gtk_widget_set_visible (self->hub_badge, amap_asset_get_is_hub (self->item));

  /* In miles and feet, as the walking rings on the map. */
  if (!isnan (self->distance) && isfinite (self->distance))
    {
      double miles = self->distance / 1609.344;
      g_autofree char *text = NULL;

      if (miles < 0.1)
        /* Translators: a distance from the school in feet. */
        text = g_strdup_printf (_("%.0f ft"), MAX (50.0, round (self->distance * 3.28084 / 50.0) * 50.0));
      else
        /* Translators: a distance from the school in miles. */
        text = g_strdup_printf (_("%.1f mi"), miles);
      gtk_label_set_label (self->distance_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->distance_label), !isnan (self->distance) && isfinite (self->distance));
}

static void
amap_asset_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmapAssetRow *self = AMAP_ASSET_ROW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AmapAssetRow *self = AMAP_ASSET_ROW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ITEM:
      amap_asset_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_row_dispose (GObject *object)
{
  AmapAssetRow *self = AMAP_ASSET_ROW (object);

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_ASSET_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_asset_row_parent_class)->dispose (object);
}

static void
amap_asset_row_class_init (AmapAssetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = amap_asset_row_get_property;
  object_class->set_property = amap_asset_row_set_property;
  object_class->dispose = amap_asset_row_dispose;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, AMAP_TYPE_ASSET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (AMAP_TYPE_CATEGORY_DOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-asset-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapAssetRow, dot);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetRow, no_location_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetRow, distance_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetRow, hub_badge);
  gtk_widget_class_set_css_name (widget_class, "assetrow");
}

static void
amap_asset_row_init (AmapAssetRow *self)
{
  self->distance = NAN;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
amap_asset_row_new (AmapStore *store)
{
  return g_object_new (AMAP_TYPE_ASSET_ROW, "store", store, NULL);
}

AmapAsset *
amap_asset_row_get_item (AmapAssetRow *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET_ROW (self), NULL);

  return self->item;
}

void
amap_asset_row_set_item (AmapAssetRow *self,
                         AmapAsset    *item)
{
  g_return_if_fail (AMAP_IS_ASSET_ROW (self));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

/* @meters: the distance from the school shown in the row; NAN shows none. */
void
amap_asset_row_set_distance (AmapAssetRow *self,
                             double        meters)
{
  g_return_if_fail (AMAP_IS_ASSET_ROW (self));

  if (self->distance == meters || (isnan (self->distance) && isnan (meters)))
    return;

  self->distance = meters;
  update (self);
}
