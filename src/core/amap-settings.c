/* amap-settings.c: the app's GSettings, also where the schema is not installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-settings"

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "amap-core-resources.h"
#include "amap-settings.h"

#define BUILT_IN_SCHEMAS "/io/github/assetmap/AssetMap/schemas/gschemas.compiled"

typedef struct
{
  /* Set when the schema is not installed: the one built in, and the
   * backend every AmapSettings of the process shares. */
  GSettingsSchema  *schema;
  GSettingsBackend *backend;
} Fallback;

static gboolean
schema_is_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  return schema != NULL;
}

/* GSettingsSchemaSource reads a directory: the built-in compiled schema
 * goes into a private temporary one, which is gone again once read (the
 * source keeps the file mapped). */
static GSettingsSchema *
load_built_in_schema (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GSettingsSchema *schema = NULL;

  if (!(bytes = g_resource_lookup_data (amap_core_get_resource (), BUILT_IN_SCHEMAS, G_RESOURCE_LOOKUP_FLAGS_NONE, error)))
    return NULL;
  if (!(dir = g_dir_make_tmp ("asset-map-schema-XXXXXX", error)))
    return NULL;

  path = g_build_filename (dir, "gschemas.compiled", NULL);
  if (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    {
      source = g_settings_schema_source_new_from_directory (dir, NULL, FALSE, error);
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APPLICATION_ID, FALSE);
    }

  g_unlink (path);
  g_rmdir (dir);

  if (schema == NULL && error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "the built-in schemas have no %s", APPLICATION_ID);
  return schema;
}

static Fallback *
get_fallback (void)
{
  static gsize initialized;
  static Fallback fallback;

  if (g_once_init_enter (&initialized))
    {
      if (!schema_is_installed ())
        {
          g_autoptr(GError) error = NULL;

          fallback.schema = load_built_in_schema (&error);
          if (fallback.schema == NULL)
            g_error ("The settings schema %s is not installed and the built-in copy "
                     "could not be read: %s", APPLICATION_ID, error->message);
          fallback.backend = g_memory_settings_backend_new ();
          g_warning ("The settings schema %s is not installed: settings last until Asset Map "
                     "quits. Run the app with build-aux/run, or install it, to keep them.",
                     APPLICATION_ID);
        }
      g_once_init_leave (&initialized, 1);
    }

  return fallback.schema != NULL ? &fallback : NULL;
}

GSettings *
amap_settings_new (void)
{
  Fallback *fallback = get_fallback ();

  if (fallback == NULL)
    return g_settings_new (APPLICATION_ID);

  return g_settings_new_full (fallback->schema, fallback->backend, NULL);
}

gboolean
amap_settings_are_persistent (void)
{
  return get_fallback () == NULL;
}
