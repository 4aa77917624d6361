/* writer-fixtures.h: assets with every field filled, for the writer tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-asset.h"

G_BEGIN_DECLS

/* Appended to every text field: markup, a CDATA end, accents, CJK, Arabic. */
#define FIXTURE_NASTY " & <b>bold</b> > ]]> ]]]]>> café 北京 مرحبا"

/* Five assets (new refs):
 *   0 "Café Luna …"       business, a point, every field, two contacts,
 *                          two interactions, tags, extras
 *   1 "Iglesia …"          faith, a hub, a LineString shape and a pin the
 *                          user moved off the line's middle
 *   2 "Parque …"           park, a Polygon with a hole, the pin at its
 *                          representative point
 *   3 "Centro …"           nonprofit, no location (an address only)
 *   4 "Mystery …"          category "zz-unknown" that no map defines
 * Their uuids start with digits (XML ids may not). */
GPtrArray *fixture_assets_new        (void);
/* Only the assets a store accepts: without the unknown category. */
GPtrArray *fixture_store_assets_new  (void);

/* Runs @argv, returns its stdout (NULL when it could not run or failed;
 * then *@stderr_out holds why). */
char      *fixture_spawn             (const char * const *argv,
                                      char              **stderr_out,
                                      int                *exit_status);
/* TRUE when @program is on PATH. */
gboolean   fixture_have_program      (const char         *program);
/* The path of ogckml22.xsd, or NULL (with the reason in *@why). */
char      *fixture_schema_path       (char              **why);
/* Runs xmllint against the OGC schema; skips the test when it can't. */
void       fixture_assert_validates  (const char         *path);
/* Parses "ogrinfo -ro -al" output: the features in order, each a
 * GHashTable of field name -> value, plus "__geometry" for the WKT line. */
GPtrArray *fixture_ogrinfo_features  (const char         *path);
/* The first "POINT (x y" inside @wkt: TRUE and the numbers when found. */
gboolean   fixture_find_point        (const char         *wkt,
                                      double             *x,
                                      double             *y);

G_END_DECLS
