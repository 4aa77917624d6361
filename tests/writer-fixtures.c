/* writer-fixtures.c: assets with every field filled, for the writer tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "amap-category.h"
#include "amap-geometry.h"
#include "writer-fixtures.h"

static char *
nasty (const char *text)
{
  return g_strconcat (text, FIXTURE_NASTY, NULL);
}

/* The shape as the geometry code writes it, so that a round trip through
 * the reader (which stores amap_geometry_to_wkt()) can compare strings. */
static char *
canonical_wkt (const char *wkt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapGeometry) geometry = amap_geometry_from_wkt (wkt, &error);

  g_assert_no_error (error);
  return amap_geometry_to_wkt (geometry);
}

static void
fill_text_fields (AmapAsset  *asset,
                  const char *what)
{
  g_autofree char *address = nasty ("12 Rue de l’Église\nSpringfield");
  g_autofree char *description = nasty ("Open on Saturdays.\r\nAsk for the manager.");
  g_autofree char *strengths = nasty ("Meeting room for 40; bilingual staff");
  g_autofree char *needs = nasty ("Volunteers; a ramp");
  g_autofree char *website = nasty ("https://example.org/?a=1&b=2");
  g_autofree char *phone = nasty ("+1 555 0100");
  g_autofree char *email = nasty ("hello@example.org");
  g_autofree char *source = g_strconcat ("src-", what, FIXTURE_NASTY, NULL);

  amap_asset_set_address (asset, address);
  amap_asset_set_description (asset, description);
  amap_asset_set_strengths (asset, strengths);
  amap_asset_set_needs (asset, needs);
  amap_asset_set_website (asset, website);
  amap_asset_set_phone (asset, phone);
  amap_asset_set_email (asset, email);
  amap_asset_set_source_id (asset, source);
}

static void
add_contacts_and_log (AmapAsset *asset)
{
  g_autoptr(AmapContact) first = amap_contact_new ("Ms. Núñez" FIXTURE_NASTY);
  g_autoptr(AmapContact) second = amap_contact_new ("王 先生" FIXTURE_NASTY);
  g_autoptr(AmapInteraction) visit = NULL;
  g_autoptr(AmapInteraction) meeting = NULL;

  amap_contact_set_role (first, "Owner" FIXTURE_NASTY);
  amap_contact_set_phone (first, "+1 555 0101" FIXTURE_NASTY);
  amap_contact_set_email (first, "nunez@example.org" FIXTURE_NASTY);
  amap_contact_set_language (first, "Español" FIXTURE_NASTY);
  amap_contact_set_notes (first, "Prefers mornings.\nCall first." FIXTURE_NASTY);
  amap_asset_add_contact (asset, first);

  /* Only a name: the other keys must come back unset. */
  amap_asset_add_contact (asset, second);

  visit = amap_interaction_new ("2026-09-14", AMAP_INTERACTION_VISIT,
                                "Walked the block" FIXTURE_NASTY);
  meeting = amap_interaction_new ("2026-10-02", AMAP_INTERACTION_MEETING, NULL);
  amap_asset_add_interaction (asset, visit);
  amap_asset_add_interaction (asset, meeting);
}

GPtrArray *
fixture_assets_new (void)
{
  GPtrArray *assets = g_ptr_array_new_with_free_func (g_object_unref);
  AmapAsset *asset;
  g_autofree char *wkt = NULL;

  asset = amap_asset_new ("Café Luna" FIXTURE_NASTY);
  amap_asset_set_uuid (asset, "0a1b2c3d-0000-4000-8000-000000000001");
  amap_asset_set_category (asset, AMAP_CATEGORY_BUSINESS);
  amap_asset_set_location (asset, 37.7749123456789, -122.41941234567891);
  fill_text_fields (asset, "cafe");
  amap_asset_set_stage (asset, AMAP_STAGE_PARTNER);
  amap_asset_set_last_contacted (asset, "2026-10-02");
  amap_asset_set_created (asset, 1767225600);   /* 2026-01-01T00:00:00Z */
  amap_asset_set_modified (asset, 1779883200);
  amap_asset_add_tag (asset, "food" FIXTURE_NASTY);
  amap_asset_add_tag (asset, "après-école");
  amap_asset_add_tag (asset, "夜");
  amap_asset_set_extra (asset, "Opening hours", "7–19" FIXTURE_NASTY);
  amap_asset_set_extra (asset, "Wi-Fi ]]> & <ok>", "yes" FIXTURE_NASTY);
  add_contacts_and_log (asset);
  g_ptr_array_add (assets, asset);

  asset = amap_asset_new ("Iglesia San José" FIXTURE_NASTY);
  amap_asset_set_uuid (asset, "1b2c3d4e-0000-4000-8000-000000000002");
  amap_asset_set_category (asset, AMAP_CATEGORY_FAITH);
  amap_asset_set_is_hub (asset, TRUE);
  amap_asset_set_stage (asset, AMAP_STAGE_MET);
  wkt = canonical_wkt ("LINESTRING (-122.4101 37.7801, -122.4092 37.7808, -122.4083 37.7812)");
  amap_asset_set_shape (asset, wkt);
  g_clear_pointer (&wkt, g_free);
  amap_asset_set_location (asset, 37.7805, -122.40965);
  fill_text_fields (asset, "church");
  amap_asset_set_created (asset, 1767225601);
  amap_asset_set_modified (asset, 1767225601);
  g_ptr_array_add (assets, asset);

  asset = amap_asset_new ("Parque del Río" FIXTURE_NASTY);
  amap_asset_set_uuid (asset, "2c3d4e5f-0000-4000-8000-000000000003");
  amap_asset_set_category (asset, AMAP_CATEGORY_PARK);
  wkt = canonical_wkt ("POLYGON ((-122.43 37.76, -122.42 37.76, -122.42 37.77, -122.43 37.77, -122.43 37.76), "
                       "(-122.427 37.763, -122.423 37.763, -122.423 37.767, -122.427 37.767, -122.427 37.763))");
  amap_asset_set_shape (asset, wkt);
  g_clear_pointer (&wkt, g_free);
  /* The pin where the reader puts it for a polygon (the line's pin above
   * was moved by the user). */
  {
    g_autoptr(AmapGeometry) polygon = amap_geometry_from_wkt (amap_asset_get_shape (asset), NULL);
    double lon, lat;

    g_assert_true (amap_geometry_get_representative_point (polygon, &lon, &lat));
    amap_asset_set_location (asset, lat, lon);
  }
  fill_text_fields (asset, "park");
  amap_asset_set_created (asset, 1767225602);
  amap_asset_set_modified (asset, 1767225602);
  g_ptr_array_add (assets, asset);

  asset = amap_asset_new ("Centro Comunitario" FIXTURE_NASTY);
  amap_asset_set_uuid (asset, "3d4e5f60-0000-4000-8000-000000000004");
  amap_asset_set_category (asset, AMAP_CATEGORY_NONPROFIT);
  amap_asset_set_address (asset, "400 Mission St" FIXTURE_NASTY);
  amap_asset_set_stage (asset, AMAP_STAGE_CONTACTED);
  amap_asset_set_created (asset, 1767225603);
  amap_asset_set_modified (asset, 1767225603);
  g_ptr_array_add (assets, asset);

  asset = amap_asset_new ("Mystery Shop" FIXTURE_NASTY);
  amap_asset_set_uuid (asset, "4e5f6071-0000-4000-8000-000000000005");
  amap_asset_set_category (asset, "zz-unknown");
  amap_asset_set_location (asset, -33.8688, 151.2093);
  amap_asset_set_created (asset, 1767225604);
  amap_asset_set_modified (asset, 1767225604);
  g_ptr_array_add (assets, asset);

  return assets;
}

GPtrArray *
fixture_store_assets_new (void)
{
  GPtrArray *assets = fixture_assets_new ();

  g_ptr_array_remove_index (assets, assets->len - 1);
  return assets;
}

char *
fixture_spawn (const char * const *argv,
               char              **stderr_out,
               int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    {
      if (stderr_out != NULL)
        *stderr_out = g_strdup (error->message);
      if (exit_status != NULL)
        *exit_status = -1;
      return NULL;
    }

  if (exit_status != NULL)
    *exit_status = g_spawn_check_wait_status (status, NULL) ? 0 : (status != 0 ? status : -1);
  if (stderr_out != NULL)
    *stderr_out = g_steal_pointer (&err);

  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;

  return g_steal_pointer (&out);
}

gboolean
fixture_have_program (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);

  return path != NULL;
}

char *
fixture_schema_path (char **why)
{
  const char *dir = g_getenv ("AMAP_SCHEMA_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      *why = g_strdup ("AMAP_SCHEMA_DIR is not set");
      return NULL;
    }

  path = g_build_filename (dir, "ogckml22.xsd", NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      *why = g_strdup_printf ("%s is missing", path);
      return NULL;
    }

  return g_steal_pointer (&path);
}

void
fixture_assert_validates (const char *path)
{
  g_autofree char *why = NULL;
  g_autofree char *schema = fixture_schema_path (&why);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (schema == NULL)
    {
      g_test_skip (why);
      return;
    }
  if (!fixture_have_program ("xmllint"))
    {
      g_test_skip ("xmllint is not installed (package libxml2-utils)");
      return;
    }

  {
    const char *argv[] = { "xmllint", "--nonet", "--noout", "--schema", schema, path, NULL };

    out = fixture_spawn (argv, &err, &status);
  }
  if (status != 0)
    g_error ("%s does not validate against %s:\n%s", path, schema, err);
  g_assert_nonnull (strstr (err, "validates"));
}

GPtrArray *
fixture_ogrinfo_features (const char *path)
{
  const char *argv[] = { "ogrinfo", "-ro", "-al", "-q", path, NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *features = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  GHashTable *current = NULL;
  int status;

  out = fixture_spawn (argv, &err, &status);
  if (out == NULL)
    g_error ("ogrinfo failed on %s: %s", path, err);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *eq;

      if (g_str_has_prefix (line, "OGRFeature("))
        {
          current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_ptr_array_add (features, current);
          continue;
        }
      if (current == NULL || !g_str_has_prefix (line, "  "))
        continue;

      line += 2;
      eq = strstr (line, ") = ");
      if (eq != NULL && strchr (line, '(') != NULL && strchr (line, '(') < eq)
        {
          g_autofree char *name = g_strstrip (g_strndup (line, strchr (line, '(') - line));

          g_hash_table_insert (current, g_steal_pointer (&name), g_strdup (eq + 4));
        }
      else if (g_str_has_prefix (line, "POINT") || g_str_has_prefix (line, "LINESTRING")
               || g_str_has_prefix (line, "POLYGON") || g_str_has_prefix (line, "MULTI")
               || g_str_has_prefix (line, "GEOMETRYCOLLECTION"))
        g_hash_table_insert (current, g_strdup ("__geometry"), g_strdup (line));
    }

  return features;
}

gboolean
fixture_find_point (const char *wkt,
                    double     *x,
                    double     *y)
{
  const char *p = strstr (wkt, "POINT");
  char *end;

  if (p == NULL)
    return FALSE;

  p = strchr (p, '(');
  if (p == NULL)
    return FALSE;

  *x = g_ascii_strtod (p + 1, &end);
  if (end == p + 1)
    return FALSE;
  *y = g_ascii_strtod (end, &end);

  return TRUE;
}
