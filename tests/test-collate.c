/* test-collate.c: the sort keys of names equal GLib's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "amap-collate.h"

static const char * const names[] = {
  "", "a", "A", "Zoë's Café", "ZZ Top Barber", "zz top barber", "St. Mary's",
  "st marys", "123 Main St", "Main St 123", "Élan", "elan", "Iglesia San José",
  "IGLESIA SAN JOSE", "ñandú", "Nandu", "Straße", "STRASSE", "   spaces  ",
  "tab\there", "a-b_c.d/e", "~!@#$%^&*()", "Fruitvale Library", "fruitvale library",
  "Ǆemal", "ﬁne", "İstanbul", "Ωmega", "日本語", "Crème & Brûlée #3",
};

static void
check_all (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *folded = g_utf8_casefold (names[i], -1);
      g_autofree char *ours_folded = amap_casefold (names[i], -1);
      g_autofree char *key = g_utf8_collate_key (names[i], -1);
      g_autofree char *ours_key = amap_collate_key (names[i]);
      g_autofree char *sort_key = g_utf8_collate_key (folded, -1);
      g_autofree char *ours_sort_key = amap_name_sort_key (names[i]);

      g_assert_cmpstr (ours_folded, ==, folded);
      g_assert_cmpstr (ours_key, ==, key);
      g_assert_cmpstr (ours_sort_key, ==, sort_key);
    }

  /* A length cuts the text as g_utf8_casefold() cuts it. */
  {
    g_autofree char *folded = g_utf8_casefold ("ABCdef", 4);
    g_autofree char *ours = amap_casefold ("ABCdef", 4);

    g_assert_cmpstr (ours, ==, folded);
  }
}

/* In the locale the tests run in, and in others this machine has. */
static void
test_same_as_glib (void)
{
  static const char * const locales[] = { "", "C.UTF-8", "en_US.UTF-8", "es_ES.UTF-8", "C" };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  guint tried = 0;

  for (guint i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      if (setlocale (LC_ALL, locales[i]) == NULL)
        continue;
      tried++;
      check_all ();
    }

  setlocale (LC_ALL, saved);
  g_assert_cmpuint (tried, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/collate/same-as-glib", test_same_as_glib);

  return g_test_run ();
}
