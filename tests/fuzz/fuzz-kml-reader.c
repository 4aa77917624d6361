/* fuzz-kml-reader.c: libFuzzer target for the KML/KMZ reader and WKT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build: CC=clang meson setup _build-fuzz -Dfuzzing=true
 * Run:   _build-fuzz/tests/fuzz/fuzz-kml-reader -dict=tests/fuzz/kml.dict \
 *          -max_total_time=180 WORKDIR ../shared/kml-corpus
 * Any crash becomes a file in tests/data/fuzz-regressions/, which
 * test-kml-reader reads on every run.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "amap-geometry.h"
#include "amap-kml-reader.h"
#include "amap-kmz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static gboolean
on_placemark (AmapKmlReader              *reader,
              AmapAsset                  *asset,
              const AmapKmlPlacemarkInfo *info,
              gpointer                    user_data,
              GError                    **error)
{
  const char *shape = amap_asset_get_shape (asset);

  /* Whatever the reader hands out must be valid and its shape must read
   * back to the same WKT. */
  g_assert_true (amap_asset_validate (asset, NULL));
  if (shape != NULL)
    {
      g_autoptr(AmapGeometry) geom = amap_geometry_from_wkt (shape, NULL);
      g_autofree char *again = NULL;

      g_assert_nonnull (geom);
      again = amap_geometry_to_wkt (geom);
      g_assert_cmpstr (again, ==, shape);
    }
  if (info->category_pending && info->style_url != NULL)
    (void) amap_kml_reader_resolve_style (reader, info->style_url);
  return TRUE;
}

static void
on_message (AmapKmlReader         *reader,
            AmapImportMessageKind  kind,
            guint                  line,
            const char            *text,
            gpointer               user_data)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(AmapKmlReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  /* "WKT:" inputs exercise the WKT parser alone. */
  if (size >= 4 && memcmp (data, "WKT:", 4) == 0)
    {
      g_autofree char *text = g_strndup ((const char *) data + 4, size - 4);
      g_autoptr(AmapGeometry) geom = amap_geometry_from_wkt (text, NULL);

      if (geom != NULL)
        {
          g_autofree char *wkt = amap_geometry_to_wkt (geom);
          g_autoptr(AmapGeometry) again = amap_geometry_from_wkt (wkt, NULL);
          g_autofree char *wkt_again = NULL;
          double lon, lat;

          /* Writing is stable: a tree that mixes 2D and 3D members comes
           * back all 3D (missing altitudes 0), and from then on equal. */
          g_assert_nonnull (again);
          wkt_again = amap_geometry_to_wkt (again);
          g_assert_cmpstr (wkt_again, ==, wkt);
          if (amap_geometry_has_altitude (geom) == amap_geometry_has_altitude (again) &&
              !amap_geometry_has_altitude (geom))
            g_assert_true (amap_geometry_equal (geom, again));
          amap_geometry_get_representative_point (geom, &lon, &lat);
        }
      return 0;
    }

  reader = amap_kml_reader_new ("fuzz.kml");
  amap_kml_reader_set_callbacks (reader, on_placemark, on_message, NULL);

  if (amap_kmz_looks_like_zip (data, size))
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);

      amap_kmz_read_bytes (bytes, "fuzz.kmz", reader, NULL, &error);
    }
  else
    {
      /* Feed in two chunks split at an input-dependent place, so that
       * chunk boundaries fall everywhere. */
      size_t split = size > 0 ? data[0] % (size + 1) : 0;

      amap_kml_reader_begin (reader);
      if (amap_kml_reader_feed (reader, (const char *) data, split, &error) &&
          amap_kml_reader_feed (reader, (const char *) data + split, size - split, &error))
        amap_kml_reader_end (reader, &error);
    }

  return 0;
}
