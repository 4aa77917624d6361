/* bench-store.c: how long a box query and a full-text search take on a
 * big map (run by build-aux/bench on its 100,000-asset map, not a test)
 *
 *   bench-store MAP.assetmap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "amap-store.h"

#define N_RUNS 200

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

/* This thread's CPU time in ms: on a shared machine the wall time also
 * counts the waits for a core. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static void
print_times (const char *what,
             double     *ms,
             double     *cpu,
             guint       n,
             double      mean_results)
{
  qsort (ms, n, sizeof (double), compare_doubles);
  qsort (cpu, n, sizeof (double), compare_doubles);
  printf ("%-44s median %7.3f ms   p95 %7.3f ms   CPU median %7.3f ms   p95 %7.3f ms   "
          "(%.0f results on average)\n",
          what, ms[n / 2], ms[n * 95 / 100], cpu[n / 2], cpu[n * 95 / 100], mean_results);
}

/* @n_runs searches for @words in turn, ranked (amap_store_search()) or
 * as the set the window's filter takes (amap_store_search_matches()). */
static void
time_searches (AmapStore          *store,
               const char         *what,
               const char * const *words,
               guint               n_words,
               guint               n_runs,
               gboolean            ranked)
{
  double ms[N_RUNS], cpu[N_RUNS];
  double results = 0;

  g_assert (n_runs <= N_RUNS);
  for (guint i = 0; i < n_runs; i++)
    {
      const char *word = words[i % n_words];
      g_autoptr(GError) error = NULL;
      double start_cpu = cpu_ms ();
      gint64 start = g_get_monotonic_time ();

      if (ranked)
        {
          g_autoptr(GPtrArray) found = amap_store_search (store, word, &error);

          g_assert_no_error (error);
          results += found->len;
        }
      else
        {
          g_autoptr(GHashTable) found = amap_store_search_matches (store, word, &error);

          g_assert_no_error (error);
          results += g_hash_table_size (found);
        }
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      cpu[i] = cpu_ms () - start_cpu;
    }
  print_times (what, ms, cpu, n_runs, results / n_runs);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const garcia = "garcia";
  static const char * const words[] = {
    /* What someone looks for: a place's name or part of it, a street. */
    "ñandú", "lachaise", "crème brûlée", "12345", "zoë café", "4711",
    "harrison 12", "são joão 77", "müller", "barbería 9001", "sunrise", "jade",
  };
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261202);
  double west = 180, east = -180, south = 90, north = -90;
  double box_ms[N_RUNS], box_cpu[N_RUNS];
  double box_results = 0;
  g_autoptr(GPtrArray) all = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-store MAP.assetmap\n");
      return 2;
    }

  store = amap_store_open_existing (argv[1], TRUE, &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  /* The map's extent, from the whole world's box. */
  all = amap_store_query_box (store, -90, -180, 90, 180, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) assets = amap_store_list_assets (store, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < assets->len; i++)
      {
        AmapAsset *asset = g_ptr_array_index (assets, i);

        if (!amap_asset_get_has_location (asset))
          continue;
        south = MIN (south, amap_asset_get_latitude (asset));
        north = MAX (north, amap_asset_get_latitude (asset));
        west = MIN (west, amap_asset_get_longitude (asset));
        east = MAX (east, amap_asset_get_longitude (asset));
      }
  }

  printf ("Store queries on %u assets (%u located), %d runs each\n",
          amap_store_count_assets (store), all->len, N_RUNS);

  /* A window's view at street level: a box a tenth of the map's width. */
  for (guint i = 0; i < N_RUNS; i++)
    {
      double w = (east - west) / 10, h = (north - south) / 10;
      double x = g_rand_double_range (rand, west, east - w);
      double y = g_rand_double_range (rand, south, north - h);
      double start_cpu = cpu_ms ();
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) found = amap_store_query_box (store, y, x, y + h, x + w, &error);

      box_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      box_cpu[i] = cpu_ms () - start_cpu;
      g_assert_no_error (error);
      box_results += found->len;
    }
  print_times ("box query (a tenth of the map's width)", box_ms, box_cpu, N_RUNS, box_results / N_RUNS);

  time_searches (store, "full-text search (a name, words as prefixes)", words,
                 G_N_ELEMENTS (words), N_RUNS, TRUE);
  /* The same names as the window's search filter takes them: a set of
   * uuids, unranked (amap_store_search() ranks, for callers that show
   * the best first; the window filters its list by the set). */
  time_searches (store, "the same names as a set (the window's filter)", words,
                 G_N_ELEMENTS (words), N_RUNS, FALSE);
  /* And a word in every fifth asset, for the worst case. */
  time_searches (store, "full-text search (\"garcia\": many results)", &garcia, 1, N_RUNS / 10, TRUE);
  time_searches (store, "the same as a set (the window's filter)", &garcia, 1, N_RUNS / 10, FALSE);

  return 0;
}
