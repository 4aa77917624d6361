/* test-asset.c: AmapAsset's notifications and its stored form of extras
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amap-asset.h"
#include "amap-asset-record.h"

/* Property name -> times notified, in the order they came. */
typedef struct {
  GString *log;
} Watch;

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              Watch      *watch)
{
  g_string_append_printf (watch->log, "%s;", g_param_spec_get_name (pspec));
}

/* The log's names sorted: GLib's order for a frozen queue's
 * notifications is its own. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
sorted_log (Watch *watch)
{
  g_auto(GStrv) names = g_strsplit (watch->log->str, ";", -1);

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return g_strjoinv (";", names);
}

static void
test_new (void)
{
  g_autoptr(AmapAsset) named = amap_asset_new ("Clinic");
  g_autoptr(AmapAsset) empty = amap_asset_new ("");
  g_autoptr(AmapAsset) unnamed = amap_asset_new (NULL);
  g_autofree char *name = NULL;

  g_assert_cmpstr (amap_asset_get_name (named), ==, "Clinic");
  g_object_get (named, "name", &name, NULL);
  g_assert_cmpstr (name, ==, "Clinic");
  g_assert_null (amap_asset_get_name (empty));
  g_assert_null (amap_asset_get_name (unnamed));
  g_assert_cmpstr (amap_asset_get_category (named), ==, "other");
  g_assert_false (amap_asset_get_has_location (named));
}

/* A watcher sees every real change, once, as before: the setters skip
 * the notification only when nobody is connected. */
static void
test_notify_watched (void)
{
  g_autoptr(AmapAsset) asset = amap_asset_new ("Clinic");
  Watch watch = { g_string_new (NULL) };
  g_autofree char *sorted = NULL;

  g_signal_connect (asset, "notify", G_CALLBACK (on_notify_cb), &watch);

  amap_asset_set_location (asset, 45.5, -73.6);
  sorted = sorted_log (&watch);
  g_assert_cmpstr (sorted, ==, ";has-location;latitude;longitude");
  g_clear_pointer (&sorted, g_free);
  g_string_truncate (watch.log, 0);

  amap_asset_set_location (asset, 45.5, -73.6);
  amap_asset_set_name (asset, "Clinic");
  g_assert_cmpstr (watch.log->str, ==, "");

  amap_asset_set_name (asset, "Park");
  amap_asset_set_stage (asset, AMAP_STAGE_MET);
  amap_asset_set_is_hub (asset, TRUE);
  amap_asset_set_created (asset, 10);
  amap_asset_set_modified (asset, 20);
  amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_MANUAL);
  amap_asset_clear_location (asset);
  g_assert_true (g_str_has_prefix (watch.log->str,
                                   "name;stage;is-hub;created;modified;location-source;"));
  g_string_erase (watch.log, 0, strlen ("name;stage;is-hub;created;modified;location-source;"));
  sorted = sorted_log (&watch);
  g_assert_cmpstr (sorted, ==, ";has-location;latitude;longitude");

  g_string_free (watch.log, TRUE);
}

/* Changes made before anyone connects are there when they do. */
static void
test_notify_unwatched (void)
{
  g_autoptr(AmapAsset) asset = amap_asset_new ("Clinic");
  Watch watch = { g_string_new (NULL) };
  double latitude = 0;

  amap_asset_set_location (asset, 45.5, -73.6);
  amap_asset_set_phone (asset, "555");
  g_assert_true (amap_asset_get_has_location (asset));
  g_object_get (asset, "latitude", &latitude, NULL);
  g_assert_cmpfloat (latitude, ==, 45.5);
  g_assert_cmpstr (amap_asset_get_phone (asset), ==, "555");

  g_signal_connect (asset, "notify::phone", G_CALLBACK (on_notify_cb), &watch);
  amap_asset_set_location (asset, 1, 2);
  g_assert_cmpstr (watch.log->str, ==, "");
  amap_asset_set_phone (asset, "556");
  g_assert_cmpstr (watch.log->str, ==, "phone;");

  g_string_free (watch.log, TRUE);
}

/* A handler blocked while the value changes inside a freeze, unblocked
 * before the thaw, hears of it: GLib emits at the thaw. */
static void
test_notify_blocked_then_thawed (void)
{
  g_autoptr(AmapAsset) asset = amap_asset_new ("Clinic");
  Watch watch = { g_string_new (NULL) };
  gulong id = g_signal_connect (asset, "notify", G_CALLBACK (on_notify_cb), &watch);

  g_object_freeze_notify (G_OBJECT (asset));
  g_signal_handler_block (asset, id);
  amap_asset_set_email (asset, "a@example.org");
  amap_asset_set_location (asset, 3, 4);
  g_signal_handler_unblock (asset, id);
  g_object_thaw_notify (G_OBJECT (asset));

  g_assert_true (strstr (watch.log->str, "email;") != NULL);
  g_assert_true (strstr (watch.log->str, "has-location;") != NULL);

  g_string_free (watch.log, TRUE);
}

/* A binding is a handler too. */
static void
test_notify_binding (void)
{
  g_autoptr(AmapAsset) source = amap_asset_new ("Clinic");
  g_autoptr(AmapAsset) target = amap_asset_new (NULL);

  g_object_bind_property (source, "name", target, "name", G_BINDING_DEFAULT);
  g_object_bind_property (source, "latitude", target, "latitude", G_BINDING_DEFAULT);
  amap_asset_set_name (source, "Park");
  amap_asset_set_location (source, 7, 8);

  g_assert_cmpstr (amap_asset_get_name (target), ==, "Park");
  g_assert_cmpfloat (amap_asset_get_latitude (target), ==, 7);
}

static void
test_encode_extras (void)
{
  g_autoptr(AmapAsset) asset = amap_asset_new ("Clinic");
  g_autoptr(GString) buffer = g_string_new ("stale");
  g_autoptr(GString) expected = g_string_new (NULL);

  amap_asset_record_encode_extras (asset, buffer);
  g_assert_cmpuint (buffer->len, ==, 0);

  /* More keys than fit on the encoder's stack, in no particular order. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%02u", (i * 7) % 40);
      g_autofree char *value = i % 5 ? g_strdup_printf ("v%u", i) : g_strdup ("");

      amap_asset_set_extra (asset, key, value);
    }
  amap_asset_set_extra (asset, "K", "upper");
  amap_asset_set_extra (asset, "k", "lower");

  {
    g_auto(GStrv) keys = amap_asset_dup_extra_keys (asset);

    for (guint i = 0; keys[i] != NULL; i++)
      {
        const char *value = amap_asset_get_extra (asset, keys[i]);

        g_string_append_len (expected, keys[i], strlen (keys[i]) + 1);
        g_string_append_len (expected, value, strlen (value) + 1);
      }
  }

  amap_asset_record_encode_extras (asset, buffer);
  g_assert_cmpmem (buffer->str, buffer->len, expected->str, expected->len);
  g_assert_true (memcmp (buffer->str, "K\0upper\0k\0lower\0k00\0\0k01\0", 25) == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/asset/new", test_new);
  g_test_add_func ("/asset/notify/watched", test_notify_watched);
  g_test_add_func ("/asset/notify/unwatched", test_notify_unwatched);
  g_test_add_func ("/asset/notify/blocked-then-thawed", test_notify_blocked_then_thawed);
  g_test_add_func ("/asset/notify/binding", test_notify_binding);
  g_test_add_func ("/asset/encode-extras", test_encode_extras);

  return g_test_run ();
}
