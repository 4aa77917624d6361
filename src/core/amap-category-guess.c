/* amap-category-guess.c: the built-in category a layer or style name suggests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-category-guess"

#include "config.h"

#include <string.h>

#include "amap-category.h"
#include "amap-category-guess.h"

/*
 * Words are compared after the text has been cut into words (letters and
 * digits; a lower-case letter followed by a capital starts a new word, so
 * "churchStyle" is "church style"), decomposed, stripped of accents and
 * case-folded: "Bibliothèques" is "bibliotheques". An entry of several
 * words matches that many words in a row. Each word of the text may carry
 * an English or Spanish plural ending (-s, -es, -ies for -y, -ces for -z).
 *
 * All phrases are tried before any single word, so "food bank" is a
 * nonprofit although "bank" alone is a business, and "jardín de infantes"
 * is a school although "jardín" alone is a park. Otherwise the first entry
 * that matches wins: more specific entries come first.
 */
typedef struct
{
  const char *words;
  const char *category;
} Entry;

static const Entry entries[] = {
  /* Community hubs */
  { "community center", AMAP_CATEGORY_HUB },
  { "community centre", AMAP_CATEGORY_HUB },
  { "community hub", AMAP_CATEGORY_HUB },
  { "neighborhood center", AMAP_CATEGORY_HUB },
  { "youth center", AMAP_CATEGORY_HUB },
  { "hub", AMAP_CATEGORY_HUB },
  { "centro comunitario", AMAP_CATEGORY_HUB },
  { "centro vecinal", AMAP_CATEGORY_HUB },
  { "casa comunal", AMAP_CATEGORY_HUB },
  { "salon comunal", AMAP_CATEGORY_HUB },

  /* Nonprofits */
  { "food bank", AMAP_CATEGORY_NONPROFIT },
  { "food pantry", AMAP_CATEGORY_NONPROFIT },
  { "non profit", AMAP_CATEGORY_NONPROFIT },
  { "banco de alimentos", AMAP_CATEGORY_NONPROFIT },
  { "comedor social", AMAP_CATEGORY_NONPROFIT },
  { "sin fines de lucro", AMAP_CATEGORY_NONPROFIT },
  { "sin animo de lucro", AMAP_CATEGORY_NONPROFIT },
  { "nonprofit", AMAP_CATEGORY_NONPROFIT },
  { "charity", AMAP_CATEGORY_NONPROFIT },
  { "ngo", AMAP_CATEGORY_NONPROFIT },
  { "shelter", AMAP_CATEGORY_NONPROFIT },
  { "pantry", AMAP_CATEGORY_NONPROFIT },
  { "foundation", AMAP_CATEGORY_NONPROFIT },
  { "ong", AMAP_CATEGORY_NONPROFIT },
  { "fundacion", AMAP_CATEGORY_NONPROFIT },
  { "albergue", AMAP_CATEGORY_NONPROFIT },
  { "refugio", AMAP_CATEGORY_NONPROFIT },

  /* Faith */
  { "place of worship", AMAP_CATEGORY_FAITH },
  { "lugar de culto", AMAP_CATEGORY_FAITH },
  { "church", AMAP_CATEGORY_FAITH },
  { "chapel", AMAP_CATEGORY_FAITH },
  { "cathedral", AMAP_CATEGORY_FAITH },
  { "mosque", AMAP_CATEGORY_FAITH },
  { "temple", AMAP_CATEGORY_FAITH },
  { "synagogue", AMAP_CATEGORY_FAITH },
  { "worship", AMAP_CATEGORY_FAITH },
  { "faith", AMAP_CATEGORY_FAITH },
  { "religious", AMAP_CATEGORY_FAITH },
  { "religion", AMAP_CATEGORY_FAITH },
  { "parish", AMAP_CATEGORY_FAITH },
  { "iglesia", AMAP_CATEGORY_FAITH },
  { "capilla", AMAP_CATEGORY_FAITH },
  { "catedral", AMAP_CATEGORY_FAITH },
  { "mezquita", AMAP_CATEGORY_FAITH },
  { "templo", AMAP_CATEGORY_FAITH },
  { "sinagoga", AMAP_CATEGORY_FAITH },
  { "parroquia", AMAP_CATEGORY_FAITH },
  { "religioso", AMAP_CATEGORY_FAITH },
  { "religiosa", AMAP_CATEGORY_FAITH },
  { "eglise", AMAP_CATEGORY_FAITH },

  /* Health */
  { "urgent care", AMAP_CATEGORY_HEALTH },
  { "centro de salud", AMAP_CATEGORY_HEALTH },
  { "hospital", AMAP_CATEGORY_HEALTH },
  { "clinic", AMAP_CATEGORY_HEALTH },
  { "health", AMAP_CATEGORY_HEALTH },
  { "medical", AMAP_CATEGORY_HEALTH },
  { "pharmacy", AMAP_CATEGORY_HEALTH },
  { "dental", AMAP_CATEGORY_HEALTH },
  { "dentist", AMAP_CATEGORY_HEALTH },
  { "doctor", AMAP_CATEGORY_HEALTH },
  { "clinica", AMAP_CATEGORY_HEALTH },
  { "salud", AMAP_CATEGORY_HEALTH },
  { "farmacia", AMAP_CATEGORY_HEALTH },
  { "medico", AMAP_CATEGORY_HEALTH },
  { "consultorio", AMAP_CATEGORY_HEALTH },
  { "dentista", AMAP_CATEGORY_HEALTH },
  { "sanatorio", AMAP_CATEGORY_HEALTH },
  { "hopital", AMAP_CATEGORY_HEALTH },

  /* Libraries, arts and culture */
  { "casa de cultura", AMAP_CATEGORY_LIBRARY },
  { "centro cultural", AMAP_CATEGORY_LIBRARY },
  { "library", AMAP_CATEGORY_LIBRARY },
  { "museum", AMAP_CATEGORY_LIBRARY },
  { "theater", AMAP_CATEGORY_LIBRARY },
  { "theatre", AMAP_CATEGORY_LIBRARY },
  { "gallery", AMAP_CATEGORY_LIBRARY },
  { "art", AMAP_CATEGORY_LIBRARY },
  { "culture", AMAP_CATEGORY_LIBRARY },
  { "cultural", AMAP_CATEGORY_LIBRARY },
  { "biblioteca", AMAP_CATEGORY_LIBRARY },
  { "museo", AMAP_CATEGORY_LIBRARY },
  { "teatro", AMAP_CATEGORY_LIBRARY },
  { "galeria", AMAP_CATEGORY_LIBRARY },
  { "arte", AMAP_CATEGORY_LIBRARY },
  { "cultura", AMAP_CATEGORY_LIBRARY },
  { "bibliotheque", AMAP_CATEGORY_LIBRARY },
  { "musee", AMAP_CATEGORY_LIBRARY },

  /* Schools */
  { "high school", AMAP_CATEGORY_EDUCATION },
  { "jardin de infantes", AMAP_CATEGORY_EDUCATION },
  { "jardin infantil", AMAP_CATEGORY_EDUCATION },
  { "jardin de ninos", AMAP_CATEGORY_EDUCATION },
  { "school", AMAP_CATEGORY_EDUCATION },
  { "preschool", AMAP_CATEGORY_EDUCATION },
  { "kindergarten", AMAP_CATEGORY_EDUCATION },
  { "college", AMAP_CATEGORY_EDUCATION },
  { "university", AMAP_CATEGORY_EDUCATION },
  { "education", AMAP_CATEGORY_EDUCATION },
  { "academy", AMAP_CATEGORY_EDUCATION },
  { "escuela", AMAP_CATEGORY_EDUCATION },
  { "colegio", AMAP_CATEGORY_EDUCATION },
  { "universidad", AMAP_CATEGORY_EDUCATION },
  { "educacion", AMAP_CATEGORY_EDUCATION },
  { "educativo", AMAP_CATEGORY_EDUCATION },
  { "academia", AMAP_CATEGORY_EDUCATION },
  { "instituto", AMAP_CATEGORY_EDUCATION },
  { "liceo", AMAP_CATEGORY_EDUCATION },
  { "preescolar", AMAP_CATEGORY_EDUCATION },
  { "guarderia", AMAP_CATEGORY_EDUCATION },
  { "lycee", AMAP_CATEGORY_EDUCATION },
  { "ecole", AMAP_CATEGORY_EDUCATION },

  /* Parks and recreation */
  { "area verde", AMAP_CATEGORY_PARK },
  { "park", AMAP_CATEGORY_PARK },
  { "playground", AMAP_CATEGORY_PARK },
  { "recreation", AMAP_CATEGORY_PARK },
  { "garden", AMAP_CATEGORY_PARK },
  { "trail", AMAP_CATEGORY_PARK },
  { "parque", AMAP_CATEGORY_PARK },
  { "jardin", AMAP_CATEGORY_PARK },
  { "recreacion", AMAP_CATEGORY_PARK },
  { "cancha", AMAP_CATEGORY_PARK },
  { "polideportivo", AMAP_CATEGORY_PARK },
  { "parc", AMAP_CATEGORY_PARK },

  /* Public agencies */
  { "fire station", AMAP_CATEGORY_PUBLIC },
  { "fire department", AMAP_CATEGORY_PUBLIC },
  { "city hall", AMAP_CATEGORY_PUBLIC },
  { "town hall", AMAP_CATEGORY_PUBLIC },
  { "post office", AMAP_CATEGORY_PUBLIC },
  { "oficina de correos", AMAP_CATEGORY_PUBLIC },
  { "police", AMAP_CATEGORY_PUBLIC },
  { "firehouse", AMAP_CATEGORY_PUBLIC },
  { "government", AMAP_CATEGORY_PUBLIC },
  { "agency", AMAP_CATEGORY_PUBLIC },
  { "courthouse", AMAP_CATEGORY_PUBLIC },
  { "policia", AMAP_CATEGORY_PUBLIC },
  { "bomberos", AMAP_CATEGORY_PUBLIC },
  { "ayuntamiento", AMAP_CATEGORY_PUBLIC },
  { "municipalidad", AMAP_CATEGORY_PUBLIC },
  { "alcaldia", AMAP_CATEGORY_PUBLIC },
  { "gobierno", AMAP_CATEGORY_PUBLIC },
  { "agencia", AMAP_CATEGORY_PUBLIC },

  /* Businesses */
  { "business", AMAP_CATEGORY_BUSINESS },
  { "shop", AMAP_CATEGORY_BUSINESS },
  { "store", AMAP_CATEGORY_BUSINESS },
  { "restaurant", AMAP_CATEGORY_BUSINESS },
  { "dining", AMAP_CATEGORY_BUSINESS },
  { "cafe", AMAP_CATEGORY_BUSINESS },
  { "grocery", AMAP_CATEGORY_BUSINESS },
  { "grocer", AMAP_CATEGORY_BUSINESS },
  { "supermarket", AMAP_CATEGORY_BUSINESS },
  { "bakery", AMAP_CATEGORY_BUSINESS },
  { "bank", AMAP_CATEGORY_BUSINESS },
  { "market", AMAP_CATEGORY_BUSINESS },
  { "negocio", AMAP_CATEGORY_BUSINESS },
  { "comercio", AMAP_CATEGORY_BUSINESS },
  { "tienda", AMAP_CATEGORY_BUSINESS },
  { "restaurante", AMAP_CATEGORY_BUSINESS },
  { "cafeteria", AMAP_CATEGORY_BUSINESS },
  { "mercado", AMAP_CATEGORY_BUSINESS },
  { "supermercado", AMAP_CATEGORY_BUSINESS },
  { "panaderia", AMAP_CATEGORY_BUSINESS },
  { "banco", AMAP_CATEGORY_BUSINESS },
  { "empresa", AMAP_CATEGORY_BUSINESS },
};

/* Words after a name that make it a street: "Church St", "Park Ave". */
static const char * const street_suffixes[] = {
  "st", "street", "ave", "av", "avenue", "rd", "road", "ln", "lane", "blvd",
  "boulevard", "dr", "drive", "way", "ct", "pl", "ter", "terrace", "pkwy",
  "parkway", "hwy", "highway", "cir", "circle", "row", "sq", NULL
};

/* Words before a name that make it a street: "Calle Iglesia", "Avenida del
 * Parque", "Rue de l'Église". */
static const char * const street_prefixes[] = {
  "calle", "c", "avenida", "av", "avda", "paseo", "camino", "carrera", "cra",
  "calzada", "pasaje", "rue", "boulevard", NULL
};

/* Small words between a street prefix and its name. */
static const char * const street_articles[] = {
  "de", "del", "la", "el", "las", "los", "l", "d", NULL
};

static gboolean
in_list (const char         *word,
         const char * const *list)
{
  return g_strv_contains (list, word);
}

/* @token is @word or one of its plurals. */
static gboolean
token_matches (const char *token,
               const char *word)
{
  gsize word_len = strlen (word);
  gsize token_len = strlen (token);
  const char *ending;

  if (strncmp (token, word, word_len) == 0)
    {
      ending = token + word_len;
      if (*ending == '\0' || g_str_equal (ending, "s") || g_str_equal (ending, "es"))
        return TRUE;
    }

  /* library -> libraries, pharmacy -> pharmacies */
  if (word_len > 1 && word[word_len - 1] == 'y' && token_len == word_len + 2 &&
      strncmp (token, word, word_len - 1) == 0 && g_str_equal (token + word_len - 1, "ies"))
    return TRUE;

  /* luz -> luces */
  if (word_len > 1 && word[word_len - 1] == 'z' && token_len == word_len + 2 &&
      strncmp (token, word, word_len - 1) == 0 && g_str_equal (token + word_len - 1, "ces"))
    return TRUE;

  return FALSE;
}

/* The words of @text, decomposed, without accents, case-folded. */
static GPtrArray *
split_words (const char *text)
{
  g_autoptr(GString) spaced = g_string_new (NULL);
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  g_autoptr(GString) plain = NULL;
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  gunichar previous = 0;
  const char *word_start = NULL;

  /* "churchStyle" -> "church Style" */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isupper (c) && g_unichar_islower (previous))
        g_string_append_c (spaced, ' ');
      g_string_append_unichar (spaced, c);
      previous = c;
    }

  decomposed = g_utf8_normalize (spaced->str, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return words;

  plain = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (plain, c);
    }
  folded = g_utf8_casefold (plain->str, -1);

  for (const char *p = folded;; p = g_utf8_next_char (p))
    {
      gboolean in_word = *p != '\0' && g_unichar_isalnum (g_utf8_get_char (p));

      if (in_word && word_start == NULL)
        word_start = p;
      else if (!in_word && word_start != NULL)
        {
          g_ptr_array_add (words, g_strndup (word_start, p - word_start));
          word_start = NULL;
        }
      if (*p == '\0')
        break;
    }

  return words;
}

/* A My Maps directions layer: "Directions from A to B", "Indicaciones
 * para llegar a…", "Cómo llegar a…". Its places are stops, not kinds. */
static gboolean
is_directions (GPtrArray *words)
{
  const char *first = words->len > 0 ? g_ptr_array_index (words, 0) : NULL;
  const char *second = words->len > 1 ? g_ptr_array_index (words, 1) : NULL;

  if (first == NULL)
    return FALSE;
  return g_str_equal (first, "directions") || g_str_equal (first, "indicaciones") ||
         (g_str_equal (first, "como") && g_strcmp0 (second, "llegar") == 0);
}

/* The words @start .. @end - 1 of @words are part of a street name. */
static gboolean
is_street (GPtrArray *words,
           guint      start,
           guint      end)
{
  if (end < words->len && in_list (g_ptr_array_index (words, end), street_suffixes))
    return TRUE;

  for (guint i = start; i > 0; i--)
    {
      const char *before = g_ptr_array_index (words, i - 1);

      if (in_list (before, street_prefixes))
        return TRUE;
      if (!in_list (before, street_articles))
        break;
    }

  return FALSE;
}

/* Where the words of @entry occur in @words, not as a street. */
static gboolean
entry_matches (const Entry *entry,
               GPtrArray   *words)
{
  g_auto(GStrv) parts = g_strsplit (entry->words, " ", -1);
  guint n_parts = g_strv_length (parts);

  for (guint i = 0; i + n_parts <= words->len; i++)
    {
      guint j;

      for (j = 0; j < n_parts; j++)
        if (!token_matches (g_ptr_array_index (words, i + j), parts[j]))
          break;
      if (j == n_parts && !is_street (words, i, i + n_parts))
        return TRUE;
    }

  return FALSE;
}

const char *
amap_category_guess (const char *text)
{
  g_autoptr(GPtrArray) words = NULL;

  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    return NULL;

  words = split_words (text);
  if (words->len == 0 || is_directions (words))
    return NULL;

  /* Phrases first, then single words. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      {
        gboolean is_phrase = strchr (entries[i].words, ' ') != NULL;

        if (is_phrase == (pass == 0) && entry_matches (&entries[i], words))
          return entries[i].category;
      }

  return NULL;
}
