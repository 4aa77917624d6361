/* amap-geocoder.h: place search through a Nominatim-compatible server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "amap-place.h"

G_BEGIN_DECLS

#define AMAP_GEOCODER_DEFAULT_URL "https://nominatim.openstreetmap.org"

#define AMAP_GEOCODER_ERROR (amap_geocoder_error_quark ())

/**
 * AmapGeocoderError:
 * @AMAP_GEOCODER_ERROR_INVALID_URL: the server's address is not a web address.
 * @AMAP_GEOCODER_ERROR_UNREACHABLE: no answer: offline, refused, or too slow.
 * @AMAP_GEOCODER_ERROR_SERVER: the server answered with an HTTP error.
 * @AMAP_GEOCODER_ERROR_BAD_RESPONSE: the answer is not Nominatim's JSON.
 *
 * Every message is a sentence for the user, naming the server. No place
 * found is not an error: an empty list.
 */
typedef enum
{
  AMAP_GEOCODER_ERROR_INVALID_URL,
  AMAP_GEOCODER_ERROR_UNREACHABLE,
  AMAP_GEOCODER_ERROR_SERVER,
  AMAP_GEOCODER_ERROR_BAD_RESPONSE,
} AmapGeocoderError;

GQuark amap_geocoder_error_quark (void);

#define AMAP_TYPE_GEOCODER (amap_geocoder_get_type ())
G_DECLARE_FINAL_TYPE (AmapGeocoder, amap_geocoder, AMAP, GEOCODER, GObject)

/*
 * A client of a Nominatim-compatible search service, used within the
 * public server's usage policy: the app's own User-Agent, one request at
 * a time and at most one a second (searches wait in a queue, each starting
 * at least "interval" ms after the previous one started), and answers
 * cached on disk so that asking again asks nobody.
 *
 * Properties (construct-only unless said):
 *   "base-url"   e.g. "https://nominatim.openstreetmap.org"; the request is
 *                BASE/search?q=…&format=jsonv2&limit=N&addressdetails=0
 *   "session"    the app's SoupSession (NULL: one of ours with our User-Agent)
 *   "cache-dir"  where answers are kept (NULL: USER_CACHE_DIR/asset-map/places)
 *   "cache-max-age"  seconds an answer stays good (default 30 days)
 *   "language"   Accept-Language (NULL: from the user's locale)
 *   "interval"   ms between the starts of two requests (default 1000)
 *   "timeout"    seconds (read-write, default 15)
 *   "n-requests" read-only: requests sent so far (for tests and debugging)
 */
AmapGeocoder *amap_geocoder_new            (const char          *base_url,
                                            SoupSession         *session);
const char   *amap_geocoder_get_base_url   (AmapGeocoder        *self);
guint         amap_geocoder_get_n_requests (AmapGeocoder        *self);

/* Searches for @query and returns up to @limit (1..50) places, best first.
 * A query asked before (same server, language and limit, younger than the
 * cache's age limit) is answered from the cache without a request. */
void          amap_geocoder_search_async   (AmapGeocoder        *self,
                                            const char          *query,
                                            guint                limit,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* Transfer full: a GPtrArray of AmapPlace, empty when nothing matched;
 * NULL with @error (AMAP_GEOCODER_ERROR, or G_IO_ERROR_CANCELLED). */
GPtrArray    *amap_geocoder_search_finish  (AmapGeocoder        *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
