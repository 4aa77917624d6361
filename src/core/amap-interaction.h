/* amap-interaction.h: one entry of an asset's log of visits and meetings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  AMAP_INTERACTION_VISIT,
  AMAP_INTERACTION_MEETING,
  AMAP_INTERACTION_CALL,
  AMAP_INTERACTION_EVENT,
  AMAP_INTERACTION_EMAIL,
  AMAP_INTERACTION_OTHER,
} AmapInteractionKind;

#define AMAP_TYPE_INTERACTION_KIND (amap_interaction_kind_get_type ())
GType        amap_interaction_kind_get_type         (void);
/* Stable keys ("visit", "meeting", ...) for storage and files. */
const char  *amap_interaction_kind_to_string        (AmapInteractionKind  kind);
gboolean     amap_interaction_kind_from_string      (const char          *str,
                                                     AmapInteractionKind *kind);
/* Translated, for display ("Visit", "Meeting", ...). */
const char  *amap_interaction_kind_get_display_name (AmapInteractionKind  kind);

#define AMAP_TYPE_INTERACTION (amap_interaction_get_type ())
G_DECLARE_FINAL_TYPE (AmapInteraction, amap_interaction, AMAP, INTERACTION, GObject)

/* Properties: "id" (gint64, 0 until stored), "date" (GDate-like ISO 8601
 * day "YYYY-MM-DD", validated), "kind" (AmapInteractionKind), "notes". */
AmapInteraction     *amap_interaction_new       (const char          *date,
                                                 AmapInteractionKind  kind,
                                                 const char          *notes);
AmapInteraction     *amap_interaction_copy      (AmapInteraction     *self);
gboolean             amap_interaction_equal     (AmapInteraction     *a,
                                                 AmapInteraction     *b);
gint64               amap_interaction_get_id    (AmapInteraction     *self);
void                 amap_interaction_set_id    (AmapInteraction     *self,
                                                 gint64               id);
const char          *amap_interaction_get_date  (AmapInteraction     *self);
void                 amap_interaction_set_date  (AmapInteraction     *self,
                                                 const char          *date);
AmapInteractionKind  amap_interaction_get_kind  (AmapInteraction     *self);
void                 amap_interaction_set_kind  (AmapInteraction     *self,
                                                 AmapInteractionKind  kind);
const char          *amap_interaction_get_notes (AmapInteraction     *self);
void                 amap_interaction_set_notes (AmapInteraction     *self,
                                                 const char          *notes);

/* TRUE when @date is a real calendar day written "YYYY-MM-DD". */
gboolean             amap_date_is_valid         (const char          *date);

G_END_DECLS
