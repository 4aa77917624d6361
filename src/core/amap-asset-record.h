/* amap-asset-record.h: an asset's fields as plain data, for streaming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "amap-asset.h"

G_BEGIN_DECLS

/*
 * What the KML writer needs of one asset, without an AmapAsset: the store
 * fills one from its row (amap_store_foreach_asset_record()), pointing
 * into the row, so an export of many assets neither copies each field nor
 * builds and notifies an object per asset. Valid only during the call
 * that hands it out. The values follow AmapAsset's rules: strings NULL
 * when unset (never ""), folders and tags trimmed, without empty ones.
 *
 * When @asset is set, the rest is unset and @asset holds everything (the
 * store builds an object for the rare asset with contacts or a log).
 */
typedef struct
{
  AmapAsset          *asset;

  const char         *uuid;
  const char         *source_id;
  const char         *name;
  const char         *category;
  const char         *shape;             /* WKT */
  const char         *address;
  const char         *description;
  const char         *strengths;
  const char         *needs;
  const char         *website;
  const char         *phone;
  const char         *email;
  const char         *last_contacted;
  AmapStage           stage;
  AmapLocationSource  location_source;
  gboolean            is_hub;
  double              latitude;          /* NAN: no location */
  double              longitude;
  gint64              created;           /* Unix time, 0: unset */
  gint64              modified;
  /* The extra fields as the store keeps them: "key\0value\0…", sorted by
   * key, @extras_len bytes (a last pair without its NUL is left out). */
  const char         *extras;
  gsize               extras_len;
  const char * const *folders;           /* NULL-terminated, outermost first */
  const char * const *tags;              /* NULL-terminated, sorted */
  GPtrArray          *contacts;          /* AmapContact, or NULL */
  GPtrArray          *interactions;      /* AmapInteraction, or NULL */
} AmapAssetRecord;

/* @buffer gets "key\0value\0…" for @asset's extra fields, keys sorted
 * (empty when it has none): how the store keeps them, and how a record
 * carries them (amap-store-assets.c). */
void amap_asset_record_encode_extras (AmapAsset *asset,
                                      GString   *buffer);

G_END_DECLS
