/* bench-tour-order.c: speed and quality of the stop-order optimizer on
 * seeded random tours (run by build-aux/bench, not a test)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amap-tour-order.h"
#include "amap-tour-order-private.h"

/* A tour in a town: stops uniform in a 10 km square, the start (and end)
 * at a school among them; costs are seconds of driving at 25 km/h over
 * straight lines × 1.3, as the app computes them without a server. */
static double *
random_matrix (guint    n,
               guint32  seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint m = n + 2;
  g_autofree double *x = g_new (double, m);
  g_autofree double *y = g_new (double, m);
  double *matrix = g_new (double, m * m);

  for (guint i = 0; i <= n; i++)
    {
      x[i] = g_rand_double_range (rand, 0, 10);
      y[i] = g_rand_double_range (rand, 0, 10);
    }
  x[n + 1] = x[n];
  y[n + 1] = y[n];

  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < m; j++)
      matrix[i * m + j] = hypot (x[i] - x[j], y[i] - y[j]) * 1.3 / 25.0 * 3600.0;

  return matrix;
}

static void
random_order (guint  *order,
              guint   n,
              GRand  *rand)
{
  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = n; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      guint t = order[i - 1];

      order[i - 1] = order[j];
      order[j] = t;
    }
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* Brute force: depth-first over all orders, cut off when a prefix is
 * already as long as the best. Independent of the code under test. */
static void
brute_step (const double *matrix,
            guint         n,
            guint         depth,
            guint         at,
            double        so_far,
            gboolean     *used,
            double       *best)
{
  guint m = n + 2;

  if (so_far >= *best)
    return;

  if (depth == n)
    {
      *best = MIN (*best, so_far + matrix[at * m + n + 1]);
      return;
    }

  for (guint s = 0; s < n; s++)
    if (!used[s])
      {
        used[s] = TRUE;
        brute_step (matrix, n, depth + 1, s, so_far + matrix[at * m + s], used, best);
        used[s] = FALSE;
      }
}

static double
brute_force (const double *matrix,
             guint         n)
{
  g_autofree gboolean *used = g_new0 (gboolean, n);
  double best = INFINITY;

  brute_step (matrix, n, 0, n, 0.0, used, &best);
  return best;
}

int
main (int   argc,
      char *argv[])
{
  guint speed_n = 100, speed_runs = 20;
  guint small_n = 10, small_runs = 200;
  guint big_n = 100, big_runs = 20, restarts = 50;

  if (argc > 1 && strcmp (argv[1], "--quick") == 0)
    {
      small_runs = 20;
      big_runs = 3;
    }

  /* Speed: the optimizer as the app calls it, from a random order. */
  {
    g_autofree double *ms = g_new (double, speed_runs);
    g_autofree guint *order = g_new (guint, speed_n);

    for (guint r = 0; r < speed_runs; r++)
      {
        g_autofree double *matrix = random_matrix (speed_n, 1000 + r);
        g_autoptr(GRand) rand = g_rand_new_with_seed (r);
        gint64 t0;

        random_order (order, speed_n, rand);
        t0 = g_get_monotonic_time ();
        amap_tour_order_optimize (matrix, speed_n, order);
        ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
      }
    qsort (ms, speed_runs, sizeof (double), compare_doubles);
    printf ("Optimizing a %u-stop tour: median %.1f ms over %u seeded instances "
            "(fastest %.1f, slowest %.1f; target < 50 ms)\n",
            speed_n, (ms[(speed_runs - 1) / 2] + ms[speed_runs / 2]) / 2,
            speed_runs, ms[0], ms[speed_runs - 1]);
  }

  /* Quality at 10 stops against brute force: the optimizer (exact up to
   * 12 stops), and its heuristic alone for comparison. */
  {
    guint exact = 0, heuristic_exact = 0;
    double worst_gap = 0.0;
    guint order[16];

    for (guint r = 0; r < small_runs; r++)
      {
        g_autofree double *matrix = random_matrix (small_n, 5000 + r);
        g_autoptr(GRand) rand = g_rand_new_with_seed (r);
        double optimum = brute_force (matrix, small_n);
        double got;

        random_order (order, small_n, rand);
        got = amap_tour_order_optimize (matrix, small_n, order);
        if (got <= optimum * (1 + 1e-9))
          exact++;

        random_order (order, small_n, rand);
        got = amap_tour_order_optimize_heuristic (matrix, small_n, order);
        if (got <= optimum * (1 + 1e-9))
          heuristic_exact++;
        worst_gap = MAX (worst_gap, got / optimum - 1);
      }
    printf ("At %u stops: equal to the brute-force optimum in %.1f %% of %u seeded instances "
            "(target >= 95 %%); the heuristic alone, without the exact search: %.1f %%, "
            "worst %.2f %% longer\n",
            small_n, 100.0 * exact / small_runs, small_runs,
            100.0 * heuristic_exact / small_runs, 100 * worst_gap);
  }

  /* Quality at 100 stops: against the best of 50 random restarts (each a
   * random order improved by 2-opt and Or-opt until no move improves). */
  {
    g_autofree guint *order = g_new (guint, big_n);
    double sum_gap = 0.0, worst_gap = -INFINITY;
    guint beaten = 0;

    for (guint r = 0; r < big_runs; r++)
      {
        g_autofree double *matrix = random_matrix (big_n, 9000 + r);
        g_autoptr(GRand) rand = g_rand_new_with_seed (r);
        double best = INFINITY, got, gap;

        for (guint k = 0; k < restarts; k++)
          {
            random_order (order, big_n, rand);
            best = MIN (best, amap_tour_order_local_search (matrix, big_n, order));
          }

        random_order (order, big_n, rand);
        got = amap_tour_order_optimize (matrix, big_n, order);
        gap = got / best - 1;
        sum_gap += gap;
        worst_gap = MAX (worst_gap, gap);
        beaten += gap < 0;
      }
    printf ("At %u stops: mean gap to the best of %u random-restart runs %+.2f %% over %u seeded "
            "instances (worst %+.2f %%; shorter than that best in %u; target <= 3 %%)\n",
            big_n, restarts, 100 * sum_gap / big_runs, big_runs, 100 * worst_gap, beaten);
  }

  /* For the record: larger tours, and splitting across buses (no
   * targets; both run in a worker thread in the app). */
  {
    static const guint sizes[] = { 200, 500 };

    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        guint n = sizes[s];
        g_autofree double *matrix = random_matrix (n, 77 + n);
        g_autofree guint *order = g_new (guint, n);
        g_autoptr(GRand) rand = g_rand_new_with_seed (n);
        gint64 t0;

        random_order (order, n, rand);
        t0 = g_get_monotonic_time ();
        amap_tour_order_optimize (matrix, n, order);
        printf ("Optimizing a %u-stop tour: %.0f ms (one instance)\n",
                n, (g_get_monotonic_time () - t0) / 1000.0);
      }
  }
  {
    static const struct { guint n, buses; } cases[] = { { 12, 3 }, { 40, 2 }, { 100, 3 } };

    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        guint n = cases[c].n, runs = 5;
        double ms[5];
        g_autofree guint *bus = g_new (guint, n);
        g_autofree guint *order = g_new (guint, n);
        g_autofree double *dwell = g_new (double, n);

        for (guint i = 0; i < n; i++)
          dwell[i] = 15 * 60;
        for (guint r = 0; r < runs; r++)
          {
            g_autofree double *matrix = random_matrix (n, 300 + r);
            gint64 t0 = g_get_monotonic_time ();

            amap_tour_order_split (matrix, dwell, n, cases[c].buses, 0, bus, order);
            ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
          }
        qsort (ms, runs, sizeof (double), compare_doubles);
        printf ("Splitting %u stops across %u buses: median %.1f ms over %u seeded instances%s\n",
                n, cases[c].buses, ms[runs / 2], runs, n <= 12 ? " (exact)" : "");
      }
  }

  return 0;
}
