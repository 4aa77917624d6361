/* amap-asset-editor.h: the details and editing panel of one asset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "amap-store.h"

G_BEGIN_DECLS

#define AMAP_TYPE_ASSET_EDITOR (amap_asset_editor_get_type ())
G_DECLARE_FINAL_TYPE (AmapAssetEditor, amap_asset_editor, AMAP, ASSET_EDITOR, GtkWidget)

/*
 * The editor works on its own copy of an asset, and applies each change
 * as it is made (HIG: no Save button; undo takes a change back): a
 * choice at once, typing once it pauses or the focus leaves the editor.
 * What one field received in a row is one undo step. "valid" is FALSE
 * (and the reason shown inline, the field flagged) while a field holds
 * something the store would refuse; then nothing is applied until it is
 * corrected, and the window asks when the person leaves
 * (amap_asset_editor_save_valid()). "dirty": typed, not applied yet.
 * A visit logged is stored at once even then.
 *
 * Properties: "store" (construct-only), "uuid" (read-only, of the asset
 * shown or NULL), "dirty" (read-only), "valid" (read-only).
 * Actions: "editor.save" (Ctrl+S: apply what waits now),
 *   "editor.add-contact", "editor.log-interaction".
 * Signals:
 *   "saved" (AmapAsset *asset): changes were stored; @asset is the
 *     stored copy.
 *   "find-on-map" (const char *address, const char *name): "Find on Map"
 *     was clicked ("editor.find-on-map") with an address typed.
 */
GtkWidget  *amap_asset_editor_new        (AmapStore        *store);
/* Shows a copy of @asset (NULL: nothing) and forgets what was not
 * applied; the editor's own change coming back from the store is
 * ignored, so the fields keep the cursor. For a summary (a list's item)
 * it shows the whole asset, read from the store. */
void        amap_asset_editor_set_asset  (AmapAssetEditor  *self,
                                          AmapAsset        *asset);
const char *amap_asset_editor_get_uuid   (AmapAssetEditor  *self);
gboolean    amap_asset_editor_get_dirty  (AmapAssetEditor  *self);
gboolean    amap_asset_editor_get_valid  (AmapAssetEditor  *self);
/* Applies what waits now. FALSE with @error when invalid or the store fails. */
gboolean    amap_asset_editor_save       (AmapAssetEditor  *self,
                                          GError          **error);
/* Why the edit cannot be saved as it is (a sentence), NULL when valid. */
const char *amap_asset_editor_get_problem (AmapAssetEditor *self);
/*
 * Saves every field that can be saved: each field that cannot goes back
 * to its stored value first. @not_kept: a short sentence saying what was
 * not kept (NULL when everything was). @draft and @typed: the edit as it
 * was, for amap_asset_editor_set_draft() when the person wants it back.
 * On failure nothing typed is lost: the fields hold what they held.
 */
gboolean    amap_asset_editor_save_valid (AmapAssetEditor  *self,
                                          char            **not_kept,
                                          AmapAsset       **draft,
                                          GHashTable      **typed,
                                          GError          **error);
/* Shows @draft as unsaved changes, with @typed (field name -> text, as
 * save_valid() gives) typed into the fields it could not hold. */
void        amap_asset_editor_set_draft  (AmapAssetEditor  *self,
                                          AmapAsset        *draft,
                                          GHashTable       *typed);
/* Focuses and flags the first field that cannot be saved. */
void        amap_asset_editor_focus_invalid (AmapAssetEditor *self);
void        amap_asset_editor_focus_name (AmapAssetEditor  *self);
void        amap_asset_editor_focus_header (AmapAssetEditor *self);
/* Puts a location found from the address into the coordinates, as an
 * unsaved change marked as found by place search (the person checks it). */
void        amap_asset_editor_set_found_location (AmapAssetEditor *self,
                                                  double           latitude,
                                                  double           longitude);

G_END_DECLS
