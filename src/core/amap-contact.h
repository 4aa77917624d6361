/* amap-contact.h: a key leader at an asset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AMAP_TYPE_CONTACT (amap_contact_get_type ())
G_DECLARE_FINAL_TYPE (AmapContact, amap_contact, AMAP, CONTACT, GObject)

/* Properties: "id" (gint64, 0 until stored), "name", "role", "phone",
 * "email", "language" (preferred language, free text), "notes". */
AmapContact *amap_contact_new            (const char  *name);
AmapContact *amap_contact_copy           (AmapContact *self);
gboolean     amap_contact_equal          (AmapContact *a,
                                          AmapContact *b);

gint64       amap_contact_get_id         (AmapContact *self);
void         amap_contact_set_id         (AmapContact *self,
                                          gint64       id);
const char  *amap_contact_get_name       (AmapContact *self);
void         amap_contact_set_name       (AmapContact *self,
                                          const char  *name);
const char  *amap_contact_get_role       (AmapContact *self);
void         amap_contact_set_role       (AmapContact *self,
                                          const char  *role);
const char  *amap_contact_get_phone      (AmapContact *self);
void         amap_contact_set_phone      (AmapContact *self,
                                          const char  *phone);
const char  *amap_contact_get_email      (AmapContact *self);
void         amap_contact_set_email      (AmapContact *self,
                                          const char  *email);
const char  *amap_contact_get_language   (AmapContact *self);
void         amap_contact_set_language   (AmapContact *self,
                                          const char  *language);
const char  *amap_contact_get_notes      (AmapContact *self);
void         amap_contact_set_notes      (AmapContact *self,
                                          const char  *notes);

G_END_DECLS
