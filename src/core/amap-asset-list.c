/* amap-asset-list.c: every live asset of a store, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-asset-list"

#include "config.h"

#include "amap-asset-list.h"

struct _AmapAssetList
{
  GObject    parent_instance;

  AmapStore *store;
  GPtrArray *items;
  /* uuid (owned by the item) -> AmapAsset, for find() */
  GHashTable *by_uuid;
};

static void amap_asset_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmapAssetList, amap_asset_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      amap_asset_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
find_position (AmapAssetList *self,
               const char    *uuid,
               guint         *position)
{
  AmapAsset *item;

  if (uuid == NULL || !(item = g_hash_table_lookup (self->by_uuid, uuid)))
    return FALSE;

  return g_ptr_array_find (self->items, item, position);
}

static void
reload (AmapAssetList *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  guint old_n = self->items->len;

  assets = amap_store_list_summaries (self->store, &error);
  if (assets == NULL)
    {
      g_warning ("Cannot list the assets of %s: %s",
                 amap_store_get_path (self->store), error->message);
      assets = g_ptr_array_new_with_free_func (g_object_unref);
    }

  g_hash_table_remove_all (self->by_uuid);
  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&assets);

  for (guint i = 0; i < self->items->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (self->items, i);

      g_hash_table_insert (self->by_uuid, (gpointer) amap_asset_get_uuid (asset), asset);
    }

  if (old_n > 0 || self->items->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->items->len);
      if (old_n != self->items->len)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}

static void
replace_item (AmapAssetList *self,
              guint          position,
              AmapAsset     *asset)
{
  AmapAsset *old = g_ptr_array_index (self->items, position);

  g_hash_table_remove (self->by_uuid, amap_asset_get_uuid (old));
  g_ptr_array_index (self->items, position) = g_object_ref (asset);
  g_hash_table_insert (self->by_uuid, (gpointer) amap_asset_get_uuid (asset), asset);
  g_object_unref (old);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
}

/* The list holds summaries only, also of what was just saved: its
 * memory stays what the summaries of the map take, however many assets
 * are edited. */
static void
on_asset_added_cb (AmapAssetList *self,
                   AmapAsset     *stored)
{
  g_autoptr(AmapAsset) asset = amap_asset_summarize (stored);
  guint position;

  /* The same asset twice would be a bug elsewhere; treat it as an update
   * rather than show it twice. */
  if (find_position (self, amap_asset_get_uuid (asset), &position))
    {
      replace_item (self, position, asset);
      return;
    }

  g_ptr_array_add (self->items, g_object_ref (asset));
  g_hash_table_insert (self->by_uuid, (gpointer) amap_asset_get_uuid (asset), asset);
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_asset_updated_cb (AmapAssetList *self,
                     AmapAsset     *stored)
{
  g_autoptr(AmapAsset) asset = NULL;
  guint position;

  if (!find_position (self, amap_asset_get_uuid (stored), &position))
    {
      on_asset_added_cb (self, stored);
      return;
    }

  asset = amap_asset_summarize (stored);
  replace_item (self, position, asset);
}

static void
on_asset_removed_cb (AmapAssetList *self,
                     const char    *uuid)
{
  guint position;

  if (!find_position (self, uuid, &position))
    return;

  g_hash_table_remove (self->by_uuid, uuid);
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_reset_cb (AmapAssetList *self)
{
  reload (self);
}

/* GListModel interface */

static GType
amap_asset_list_get_item_type (GListModel *model)
{
  return AMAP_TYPE_ASSET;
}

static guint
amap_asset_list_get_n_items (GListModel *model)
{
  return AMAP_ASSET_LIST (model)->items->len;
}

static gpointer
amap_asset_list_get_item (GListModel *model,
                          guint       position)
{
  AmapAssetList *self = AMAP_ASSET_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
amap_asset_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = amap_asset_list_get_item_type;
  iface->get_n_items = amap_asset_list_get_n_items;
  iface->get_item = amap_asset_list_get_item;
}

/* GObject */

static void
amap_asset_list_constructed (GObject *object)
{
  AmapAssetList *self = (AmapAssetList *)object;

  G_OBJECT_CLASS (amap_asset_list_parent_class)->constructed (object);

  g_assert (AMAP_IS_STORE (self->store));

  g_signal_connect_object (self->store, "asset-added",
                           G_CALLBACK (on_asset_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-updated",
                           G_CALLBACK (on_asset_updated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "asset-removed",
                           G_CALLBACK (on_asset_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "reset",
                           G_CALLBACK (on_reset_cb), self, G_CONNECT_SWAPPED);

  reload (self);
}

static void
amap_asset_list_dispose (GObject *object)
{
  AmapAssetList *self = (AmapAssetList *)object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_asset_list_parent_class)->dispose (object);
}

static void
amap_asset_list_finalize (GObject *object)
{
  AmapAssetList *self = (AmapAssetList *)object;

  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_asset_list_parent_class)->finalize (object);
}

static void
amap_asset_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AmapAssetList *self = AMAP_ASSET_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, AMAP_TYPE_ASSET);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_list_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AmapAssetList *self = AMAP_ASSET_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_list_class_init (AmapAssetListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = amap_asset_list_constructed;
  object_class->dispose = amap_asset_list_dispose;
  object_class->finalize = amap_asset_list_finalize;
  object_class->get_property = amap_asset_list_get_property;
  object_class->set_property = amap_asset_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_OBJECT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_asset_list_init (AmapAssetList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Public API */

AmapAssetList *
amap_asset_list_new (AmapStore *store)
{
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);

  return g_object_new (AMAP_TYPE_ASSET_LIST, "store", store, NULL);
}

AmapStore *
amap_asset_list_get_store (AmapAssetList *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET_LIST (self), NULL);
  return self->store;
}

/**
 * amap_asset_list_find:
 * @position: (out) (optional): where the item is
 *
 * Returns: (transfer none) (nullable): the item with @uuid
 */
AmapAsset *
amap_asset_list_find (AmapAssetList *self,
                      const char    *uuid,
                      guint         *position)
{
  guint pos;

  g_return_val_if_fail (AMAP_IS_ASSET_LIST (self), NULL);

  if (!find_position (self, uuid, &pos))
    return NULL;

  if (position != NULL)
    *position = pos;

  return g_ptr_array_index (self->items, pos);
}
