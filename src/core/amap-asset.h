/* amap-asset.h: one place on the map (a business, a clinic, a park...)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "amap-contact.h"
#include "amap-interaction.h"

G_BEGIN_DECLS

typedef enum
{
  AMAP_STAGE_IDENTIFIED,
  AMAP_STAGE_CONTACTED,
  AMAP_STAGE_MET,
  AMAP_STAGE_PARTNER,
  AMAP_STAGE_INACTIVE,
} AmapStage;

#define AMAP_TYPE_STAGE (amap_stage_get_type ())
GType        amap_stage_get_type         (void);
/* Stable keys ("identified", "contacted", "met", "partner", "inactive"). */
const char  *amap_stage_to_string        (AmapStage   stage);
gboolean     amap_stage_from_string      (const char *str,
                                          AmapStage  *stage);
/* Translated, for display. */
const char  *amap_stage_get_display_name (AmapStage   stage);

/* Where an asset's location came from. */
typedef enum
{
  AMAP_LOCATION_SOURCE_UNKNOWN,   /* stored before the app kept it */
  AMAP_LOCATION_SOURCE_MANUAL,    /* placed, dragged or typed by the user */
  AMAP_LOCATION_SOURCE_IMPORTED,  /* the geometry of the file it came from */
  AMAP_LOCATION_SOURCE_GEOCODED,  /* found from the address: the user should check it */
} AmapLocationSource;

#define AMAP_TYPE_LOCATION_SOURCE (amap_location_source_get_type ())
GType        amap_location_source_get_type    (void);
/* Stable keys ("manual", "imported", "geocoded"; NULL for unknown). */
const char  *amap_location_source_to_string   (AmapLocationSource  source);
gboolean     amap_location_source_from_string (const char         *str,
                                               AmapLocationSource *source);

#define AMAP_TYPE_ASSET (amap_asset_get_type ())
G_DECLARE_FINAL_TYPE (AmapAsset, amap_asset, AMAP, ASSET, GObject)

/*
 * AmapAsset is a plain value object: the store hands out fresh copies and
 * takes them back through amap_store_add_asset()/amap_store_update_asset().
 * Changing an AmapAsset changes nothing on disk by itself.
 *
 * Properties (all G_PARAM_EXPLICIT_NOTIFY; strings are NULL when unset,
 * never ""; setters turn "" into NULL):
 *   "uuid"            string, set by the store on add when NULL
 *   "source-id"       string, the id of the KML Placemark it came from
 *   "name"            string, required (non-empty after trimming)
 *   "category"        string, a category key (amap-category.h)
 *   "has-location"    boolean, read-only; FALSE for an address not yet
 *                     geocoded
 *   "latitude"        double, WGS84 degrees, NAN without location
 *   "longitude"       double, WGS84 degrees, NAN without location
 *   "shape"           string, WKT of a line or polygon (or a collection)
 *                     in lon/lat order, NULL for a plain point
 *   "address" "description" "strengths" "needs" "website" "phone" "email"
 *                     strings
 *   "is-hub"          boolean, a community hub
 *   "stage"           AmapStage
 *   "last-contacted"  string "YYYY-MM-DD" or NULL
 *   "location-source" AmapLocationSource
 *   "created"         gint64 UTC unix seconds, set by the store
 *   "modified"        gint64 UTC unix seconds, set by the store
 * Not properties (no notify): tags, folders, extra fields, contacts,
 * interactions.
 */
AmapAsset   *amap_asset_new                (const char  *name);
/* A deep copy: extras, tags, contacts and interactions too. A copy of a
 * summary is a summary. */
AmapAsset   *amap_asset_copy               (AmapAsset   *self);

/*
 * Summaries: what a list of every asset and the map need, without the
 * details, so that 100,000 of them fit in little memory. A summary holds
 * the uuid, name, category, location, shape, stage, hub, location source,
 * last-contacted, tags and folders; its address, description, strengths,
 * needs, website, phone, email, source id, dates, extra fields, contacts
 * and log are unset (not known, rather than empty). The store refuses to
 * save a summary (or a copy of one): whoever changes an asset it got from
 * a list gets the whole asset first (amap_store_get_asset()).
 */
typedef struct
{
  const char         *uuid;
  const char         *name;
  const char         *category;
  double              latitude;          /* NAN: no location */
  double              longitude;
  const char         *shape;             /* WKT, NULL for a point */
  const char         *last_contacted;
  AmapStage           stage;
  gboolean            is_hub;
  AmapLocationSource  location_source;
} AmapAssetSummary;

/* A new summary with these fields ("" is NULL, as the setters have it);
 * tags and folders are set afterwards with the usual setters. Emits no
 * notifications: it is made in bulk, by the store. */
AmapAsset   *amap_asset_new_summary        (const AmapAssetSummary *summary);
/* A summary of @self: its summary fields, tags and folders. */
AmapAsset   *amap_asset_summarize          (AmapAsset   *self);
/* TRUE for a summary: its details are not known. */
gboolean     amap_asset_is_summary         (AmapAsset   *self);
/* Field-by-field equality, children included; a summary never equals
 * a whole asset. */
gboolean     amap_asset_equal              (AmapAsset   *a,
                                            AmapAsset   *b);
/* Checks name and coordinates (not the category, which needs a store);
 * a translated AMAP_ERROR_INVALID says what is wrong. */
gboolean     amap_asset_validate           (AmapAsset   *self,
                                            GError     **error);
/* TRUE when -90 <= lat <= 90 and -180 <= lon <= 180, both finite. */
gboolean     amap_coordinates_are_valid    (double       latitude,
                                            double       longitude);

const char  *amap_asset_get_uuid           (AmapAsset   *self);
void         amap_asset_set_uuid           (AmapAsset   *self,
                                            const char  *uuid);
const char  *amap_asset_get_source_id      (AmapAsset   *self);
void         amap_asset_set_source_id      (AmapAsset   *self,
                                            const char  *source_id);
const char  *amap_asset_get_name           (AmapAsset   *self);
void         amap_asset_set_name           (AmapAsset   *self,
                                            const char  *name);
const char  *amap_asset_get_category       (AmapAsset   *self);
void         amap_asset_set_category       (AmapAsset   *self,
                                            const char  *category);
gboolean     amap_asset_get_has_location   (AmapAsset   *self);
double       amap_asset_get_latitude       (AmapAsset   *self);
double       amap_asset_get_longitude      (AmapAsset   *self);
/* Sets both at once (one notify each); no range check here. */
void         amap_asset_set_location       (AmapAsset   *self,
                                            double       latitude,
                                            double       longitude);
void         amap_asset_clear_location     (AmapAsset   *self);
const char  *amap_asset_get_shape          (AmapAsset   *self);
void         amap_asset_set_shape          (AmapAsset   *self,
                                            const char  *wkt);
const char  *amap_asset_get_address        (AmapAsset   *self);
void         amap_asset_set_address        (AmapAsset   *self,
                                            const char  *address);
const char  *amap_asset_get_description    (AmapAsset   *self);
void         amap_asset_set_description    (AmapAsset   *self,
                                            const char  *description);
const char  *amap_asset_get_strengths      (AmapAsset   *self);
void         amap_asset_set_strengths      (AmapAsset   *self,
                                            const char  *strengths);
const char  *amap_asset_get_needs          (AmapAsset   *self);
void         amap_asset_set_needs          (AmapAsset   *self,
                                            const char  *needs);
const char  *amap_asset_get_website        (AmapAsset   *self);
void         amap_asset_set_website        (AmapAsset   *self,
                                            const char  *website);
const char  *amap_asset_get_phone          (AmapAsset   *self);
void         amap_asset_set_phone          (AmapAsset   *self,
                                            const char  *phone);
const char  *amap_asset_get_email          (AmapAsset   *self);
void         amap_asset_set_email          (AmapAsset   *self,
                                            const char  *email);
gboolean     amap_asset_get_is_hub         (AmapAsset   *self);
void         amap_asset_set_is_hub         (AmapAsset   *self,
                                            gboolean     is_hub);
AmapStage    amap_asset_get_stage          (AmapAsset   *self);
void         amap_asset_set_stage          (AmapAsset   *self,
                                            AmapStage    stage);
const char  *amap_asset_get_last_contacted (AmapAsset   *self);
void         amap_asset_set_last_contacted (AmapAsset   *self,
                                            const char  *date);
gint64       amap_asset_get_created        (AmapAsset   *self);
void         amap_asset_set_created        (AmapAsset   *self,
                                            gint64       created);
gint64       amap_asset_get_modified       (AmapAsset   *self);
void         amap_asset_set_modified       (AmapAsset   *self,
                                            gint64       modified);

/* Tags: a sorted set of non-empty strings, compared case-sensitively. */
const char * const *amap_asset_get_tags    (AmapAsset   *self);
void         amap_asset_set_tags           (AmapAsset   *self,
                                            const char * const *tags);
void         amap_asset_add_tag            (AmapAsset   *self,
                                            const char  *tag);
gboolean     amap_asset_has_tag            (AmapAsset   *self,
                                            const char  *tag);

/* Folders: the path of folders the placemark sat in, in the file it came
 * from (a My Maps layer is one folder), outermost first. Never NULL;
 * empty when it had none. Names are trimmed; empty ones are dropped. */
const char * const *amap_asset_get_folders (AmapAsset   *self);
void         amap_asset_set_folders        (AmapAsset   *self,
                                            const char * const *folders);
/* The folders joined with " › " for display and filtering; NULL when none. */
char        *amap_asset_dup_folder_label   (AmapAsset   *self);

AmapLocationSource amap_asset_get_location_source (AmapAsset *self);
void         amap_asset_set_location_source (AmapAsset        *self,
                                             AmapLocationSource source);

/* Extra fields: free key/value text, e.g. KML ExtendedData that has no
 * column of its own. A NULL value removes the key. Keys come back sorted. */
const char  *amap_asset_get_extra          (AmapAsset   *self,
                                            const char  *key);
void         amap_asset_set_extra          (AmapAsset   *self,
                                            const char  *key,
                                            const char  *value);
GStrv        amap_asset_dup_extra_keys     (AmapAsset   *self);

/* Key leaders, in the order they were added. The array is owned by the
 * asset; elements are AmapContact. */
GPtrArray   *amap_asset_get_contacts       (AmapAsset   *self);
void         amap_asset_add_contact        (AmapAsset   *self,
                                            AmapContact *contact);
void         amap_asset_remove_contact     (AmapAsset   *self,
                                            AmapContact *contact);

/* The log, oldest first by date. Owned by the asset; elements are
 * AmapInteraction. Adding one never changes last-contacted here: the store
 * does that when it saves (last-contacted follows the newest interaction). */
GPtrArray   *amap_asset_get_interactions   (AmapAsset       *self);
void         amap_asset_add_interaction    (AmapAsset       *self,
                                            AmapInteraction *interaction);
void         amap_asset_remove_interaction (AmapAsset       *self,
                                            AmapInteraction *interaction);

G_END_DECLS
