/* test-category-guess.c: a category from a layer or style name, in whole words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "amap-category.h"
#include "amap-category-guess.h"

typedef struct
{
  const char *text;
  const char *category;  /* NULL: no guess */
} Case;

static void
check_cases (const Case *cases,
             gsize       n)
{
  for (gsize i = 0; i < n; i++)
    {
      const char *guess = amap_category_guess (cases[i].text);

      if (g_strcmp0 (guess, cases[i].category) != 0)
        g_error ("“%s” guessed %s, expected %s", cases[i].text,
                 guess != NULL ? guess : "(none)",
                 cases[i].category != NULL ? cases[i].category : "(none)");
    }
}

static void
test_english (void)
{
  static const Case cases[] = {
    { "Parks", AMAP_CATEGORY_PARK },
    { "Churches", AMAP_CATEGORY_FAITH },
    { "Libraries", AMAP_CATEGORY_LIBRARY },
    { "Public Libraries", AMAP_CATEGORY_LIBRARY },
    { "Pharmacies", AMAP_CATEGORY_HEALTH },
    { "Local businesses", AMAP_CATEGORY_BUSINESS },
    { "FOOD BANKS", AMAP_CATEGORY_NONPROFIT },
    { "Banks", AMAP_CATEGORY_BUSINESS },
    { "Community Centers", AMAP_CATEGORY_HUB },
    { "Fire stations", AMAP_CATEGORY_PUBLIC },
    { "Schools & colleges", AMAP_CATEGORY_EDUCATION },
    { "churchStyle", AMAP_CATEGORY_FAITH },
    { "sn_school", AMAP_CATEGORY_EDUCATION },
    { "http://maps.google.com/mapfiles/kml/shapes/parks.png", AMAP_CATEGORY_PARK },
    /* Whole words only. */
    { "Parking", NULL },
    { "Sparks Fitness", NULL },
    { "Bookstore", NULL },
    { "github", NULL },
    { "Untitled layer", NULL },
    { "icon-1899-0288D1", NULL },
    { "", NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_spanish (void)
{
  static const Case cases[] = {
    { "Iglesias", AMAP_CATEGORY_FAITH },
    { "Parques", AMAP_CATEGORY_PARK },
    { "Bibliotecas públicas", AMAP_CATEGORY_LIBRARY },
    { "BIBLIOTECAS PÚBLICAS", AMAP_CATEGORY_LIBRARY },
    { "Museos", AMAP_CATEGORY_LIBRARY },
    { "Escuelas", AMAP_CATEGORY_EDUCATION },
    { "Educación", AMAP_CATEGORY_EDUCATION },
    { "Clínicas y hospitales", AMAP_CATEGORY_HEALTH },
    { "Farmacias", AMAP_CATEGORY_HEALTH },
    { "Tiendas", AMAP_CATEGORY_BUSINESS },
    { "Restaurantes", AMAP_CATEGORY_BUSINESS },
    { "Mercados", AMAP_CATEGORY_BUSINESS },
    { "Bancos de alimentos", AMAP_CATEGORY_NONPROFIT },
    { "Centros comunitarios", AMAP_CATEGORY_HUB },
    { "Jardín de infantes", AMAP_CATEGORY_EDUCATION },
    { "Policía", AMAP_CATEGORY_PUBLIC },
    { "Lycée Jean Moulin", AMAP_CATEGORY_EDUCATION },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* The defects of the substring matching: a street or a directions layer
 * named a category. */
static void
test_streets_and_directions (void)
{
  static const Case cases[] = {
    { "Directions from 6394 Stores Rd to Oakland", NULL },
    { "Directions from Church St to Park Ave", NULL },
    { "Indicaciones para llegar a Biblioteca Central", NULL },
    { "Cómo llegar al parque", NULL },
    { "Church St", NULL },
    { "Park Ave", NULL },
    { "Market St", NULL },
    { "Library Ln", NULL },
    { "1200 Park Avenue", NULL },
    { "Stores Rd", NULL },
    { "Calle Iglesia", NULL },
    { "Avenida del Parque", NULL },
    { "Av. Mercado 12", NULL },
    /* A street in the name does not hide the real word. */
    { "Park Street Church", AMAP_CATEGORY_FAITH },
    { "Church Street Park", AMAP_CATEGORY_PARK },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

/* Names in other scripts that match no word: no guess (the default
 * category), never a wrong one. */
static void
test_other_scripts (void)
{
  static const Case cases[] = {
    { "еда", NULL },
    { "музеи", NULL },
    { "教会", NULL },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/category-guess/english", test_english);
  g_test_add_func ("/category-guess/spanish", test_spanish);
  g_test_add_func ("/category-guess/streets-and-directions", test_streets_and_directions);
  g_test_add_func ("/category-guess/other-scripts", test_other_scripts);

  return g_test_run ();
}
