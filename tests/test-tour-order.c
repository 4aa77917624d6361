/* test-tour-order.c: the stop-order optimizer and the split across buses,
 * against brute force and local optimality
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-tour-order.h"
#include "amap-tour-order-private.h"

/* Points in the plane: n stops, then the start, then the end. */
typedef struct
{
  guint   n;
  double *x;
  double *y;
  double *matrix;
} Instance;

static void
instance_free (Instance *inst)
{
  g_free (inst->x);
  g_free (inst->y);
  g_free (inst->matrix);
  g_free (inst);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Instance, instance_free)

/* With @asymmetric, going north costs half as much again as going south
 * (a hill), so a run reversed by 2-opt changes cost. */
static void
instance_fill_matrix (Instance *inst,
                      gboolean  asymmetric)
{
  guint m = inst->n + 2;

  inst->matrix = g_new (double, m * m);
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < m; j++)
      {
        double d = hypot (inst->x[i] - inst->x[j], inst->y[i] - inst->y[j]);

        if (asymmetric && inst->y[j] > inst->y[i])
          d += 0.5 * (inst->y[j] - inst->y[i]);
        inst->matrix[i * m + j] = d;
      }
}

static Instance *
instance_new (guint n)
{
  Instance *inst = g_new0 (Instance, 1);

  inst->n = n;
  inst->x = g_new0 (double, n + 2);
  inst->y = g_new0 (double, n + 2);

  return inst;
}

/* Stops uniform in a 10 km square; the start in it, the end at the start
 * or elsewhere. */
static Instance *
instance_random (guint    n,
                 guint32  seed,
                 gboolean asymmetric,
                 gboolean same_end)
{
  Instance *inst = instance_new (n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < n + 2; i++)
    {
      inst->x[i] = g_rand_double_range (rand, 0, 10);
      inst->y[i] = g_rand_double_range (rand, 0, 10);
    }
  if (same_end)
    {
      inst->x[n + 1] = inst->x[n];
      inst->y[n + 1] = inst->y[n];
    }
  instance_fill_matrix (inst, asymmetric);

  return inst;
}

static void
shuffle (guint  *order,
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

static void
assert_permutation (const guint *order,
                    guint        n)
{
  g_autofree gboolean *seen = g_new0 (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (order[i], <, n);
      g_assert_false (seen[order[i]]);
      seen[order[i]] = TRUE;
    }
}

/* The length, computed here rather than by the code under test. */
static double
length (const Instance *inst,
        const guint    *order)
{
  guint m = inst->n + 2;
  guint at = inst->n;
  double total = 0.0;

  for (guint i = 0; i < inst->n; i++)
    {
      total += inst->matrix[at * m + order[i]];
      at = order[i];
    }

  return total + inst->matrix[at * m + inst->n + 1];
}

/* Exact, by depth-first search with a bound. */
typedef struct
{
  const Instance *inst;
  guint          *current;
  gboolean       *used;
  double          best;
  guint          *best_order;
} Brute;

static void
brute_step (Brute  *b,
            guint   depth,
            guint   at,
            double  so_far)
{
  const Instance *inst = b->inst;
  guint m = inst->n + 2;

  if (so_far >= b->best)
    return;

  if (depth == inst->n)
    {
      double total = so_far + inst->matrix[at * m + inst->n + 1];

      if (total < b->best)
        {
          b->best = total;
          memcpy (b->best_order, b->current, inst->n * sizeof (guint));
        }
      return;
    }

  for (guint s = 0; s < inst->n; s++)
    {
      if (b->used[s])
        continue;

      b->used[s] = TRUE;
      b->current[depth] = s;
      brute_step (b, depth + 1, s, so_far + inst->matrix[at * m + s]);
      b->used[s] = FALSE;
    }
}

static double
brute_force (const Instance *inst,
             guint          *best_order)
{
  g_autofree guint *current = g_new0 (guint, inst->n + 1);
  g_autofree gboolean *used = g_new0 (gboolean, inst->n + 1);
  Brute b = { inst, current, used, INFINITY, best_order };

  brute_step (&b, 0, inst->n, 0.0);

  return b.best;
}

/* No reversal of a run of stops makes the order shorter. */
static void
assert_two_opt_optimal (const Instance *inst,
                        const guint    *order)
{
  guint n = inst->n;
  double len = length (inst, order);
  g_autofree guint *trial = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        memcpy (trial, order, n * sizeof (guint));
        for (guint a = i, b = j; a < b; a++, b--)
          {
            guint t = trial[a];

            trial[a] = trial[b];
            trial[b] = t;
          }
        if (length (inst, trial) < len - 1e-9 * len)
          g_error ("reversing stops %u..%u of %u shortens %.9f to %.9f",
                   i, j, n, len, length (inst, trial));
      }
}

/* No stop moved elsewhere makes the order shorter. */
static void
assert_or_opt_optimal (const Instance *inst,
                       const guint    *order)
{
  guint n = inst->n;
  double len = length (inst, order);
  g_autofree guint *trial = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    for (guint to = 0; to < n; to++)
      {
        guint o = 0;

        if (to == i)
          continue;

        for (guint k = 0; k < n; k++)
          {
            if (k == i)
              continue;
            if (o == to)
              trial[o++] = order[i];
            trial[o++] = order[k];
          }
        if (o == to)
          trial[o++] = order[i];
        g_assert_cmpuint (o, ==, n);

        if (length (inst, trial) < len - 1e-9 * len)
          g_error ("moving stop %u to %u of %u shortens %.9f to %.9f",
                   i, to, n, len, length (inst, trial));
      }
}

static void
test_length (void)
{
  g_autoptr(Instance) inst = instance_random (5, 1, TRUE, FALSE);
  const guint order[] = { 3, 1, 4, 0, 2 };
  guint m = 7;
  double expected = inst->matrix[5 * m + 3] + inst->matrix[3 * m + 1] +
                    inst->matrix[1 * m + 4] + inst->matrix[4 * m + 0] +
                    inst->matrix[0 * m + 2] + inst->matrix[2 * m + 6];

  g_assert_cmpfloat_with_epsilon (amap_tour_order_length (inst->matrix, 5, order), expected, 1e-12);
  /* No stops: from the start straight to the end. */
  {
    const double two[] = { 0, 5, 7, 0 };

    g_assert_cmpfloat (amap_tour_order_length (two, 0, NULL), ==, 5);
  }
}

/* Both the exact path and the heuristic. */
typedef double (*OptimizeFunc) (const double *matrix, guint n, guint *order);

static const struct {
  const char   *name;
  OptimizeFunc  func;
} optimizers[] = {
  { "optimize", amap_tour_order_optimize },
  { "heuristic", amap_tour_order_optimize_heuristic },
};

static void
test_square (void)
{
  /* The corners of a square and the middles of its sides, start and end
   * at the centre: the shortest way is around the square. */
  static const double xy[][2] = {
    { 0, 0 }, { 2, 2 }, { 2, 0 }, { 0, 2 }, { 1, 0 }, { 2, 1 }, { 1, 2 }, { 0, 1 },
  };
  g_autoptr(Instance) inst = instance_new (8);

  for (guint i = 0; i < 8; i++)
    {
      inst->x[i] = xy[i][0];
      inst->y[i] = xy[i][1];
    }
  inst->x[8] = inst->x[9] = 1;
  inst->y[8] = inst->y[9] = 1;
  instance_fill_matrix (inst, FALSE);

  for (guint f = 0; f < G_N_ELEMENTS (optimizers); f++)
    {
      guint order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
      double given = length (inst, order);
      double got = optimizers[f].func (inst->matrix, 8, order);

      g_test_message ("%s: %g -> %g", optimizers[f].name, given, got);
      assert_permutation (order, 8);
      g_assert_cmpfloat_with_epsilon (got, length (inst, order), 1e-9);
      /* Out to a middle (1), around the perimeter to the corner next to
       * it (7), back from that corner (√2). */
      g_assert_cmpfloat_with_epsilon (got, 8.0 + G_SQRT2, 1e-9);
      assert_two_opt_optimal (inst, order);
    }
}

static void
test_line (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  /* Stops at 1..n on a line, the start at 0 and the end at n + 1: the
   * only shortest order is along the line, whichever order is given;
   * with the start and end swapped, the other way. */
  for (guint n = 2; n <= 40; n += n < 14 ? 1 : 13)
    for (guint f = 0; f < G_N_ELEMENTS (optimizers); f++)
      for (guint flip = 0; flip < 2; flip++)
        {
          g_autoptr(Instance) inst = instance_new (n);
          g_autofree guint *order = g_new (guint, n);

          for (guint i = 0; i < n; i++)
            inst->x[i] = i + 1;
          inst->x[n] = flip ? n + 1 : 0;
          inst->x[n + 1] = flip ? 0 : n + 1;
          instance_fill_matrix (inst, TRUE);

          shuffle (order, n, rand);
          optimizers[f].func (inst->matrix, n, order);
          for (guint i = 0; i < n; i++)
            g_assert_cmpuint (order[i], ==, flip ? n - 1 - i : i);
          g_assert_cmpfloat_with_epsilon (length (inst, order), n + 1, 1e-9);
        }

  /* There and back from one end: 2n, in any order that goes out and
   * comes back. */
  for (guint f = 0; f < G_N_ELEMENTS (optimizers); f++)
    {
      g_autoptr(Instance) inst = instance_new (20);
      guint order[20];

      for (guint i = 0; i < 20; i++)
        inst->x[i] = i + 1;
      instance_fill_matrix (inst, FALSE);
      shuffle (order, 20, rand);
      g_assert_cmpfloat_with_epsilon (optimizers[f].func (inst->matrix, 20, order), 40, 1e-9);
    }
}

static void
test_exact_small (void)
{
  /* Up to 8 stops, symmetric and not, the end at the start or not:
   * amap_tour_order_optimize() finds the brute-force optimum. */
  for (guint n = 1; n <= 8; n++)
    for (guint32 seed = 1; seed <= 25; seed++)
      {
        gboolean asym = seed % 2, same_end = seed % 3 == 0;
        g_autoptr(Instance) inst = instance_random (n, seed * 100 + n, asym, same_end);
        g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
        g_autofree guint *order = g_new (guint, n);
        g_autofree guint *best = g_new (guint, n);
        double optimum = brute_force (inst, best);
        double got;

        shuffle (order, n, rand);
        got = amap_tour_order_optimize (inst->matrix, n, order);
        assert_permutation (order, n);
        g_assert_cmpfloat_with_epsilon (got, length (inst, order), 1e-9);
        g_assert_cmpfloat_with_epsilon (got, optimum, 1e-9);

        /* Given an optimal order, it keeps it as it is. */
        memcpy (order, best, n * sizeof (guint));
        for (guint f = 0; f < G_N_ELEMENTS (optimizers); f++)
          {
            optimizers[f].func (inst->matrix, n, order);
            g_assert_cmpmem (order, n * sizeof (guint), best, n * sizeof (guint));
          }
      }
}

static void
test_random (void)
{
  static const guint sizes[] = { 10, 12, 13, 20, 35, 60, 100, 200 };

  /* Never longer than the order given, a 2-opt and an Or-opt local
   * optimum; with the given order a random one, and a good one. */
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint32 seed = 1; seed <= (sizes[s] >= 100 ? 2 : 4); seed++)
      {
        guint n = sizes[s];
        g_autoptr(Instance) inst = instance_random (n, seed * 7919 + n, seed % 2 == 0, seed % 3 == 0);
        g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
        g_autofree guint *order = g_new (guint, n);
        g_autofree guint *again = g_new (guint, n);
        double given, got;

        shuffle (order, n, rand);
        given = length (inst, order);
        got = amap_tour_order_optimize (inst->matrix, n, order);
        g_test_message ("%u stops, seed %u: %.3f -> %.3f", n, seed, given, got);
        assert_permutation (order, n);
        g_assert_cmpfloat_with_epsilon (got, length (inst, order), 1e-9 * got);
        g_assert_cmpfloat (got, <=, given);
        assert_two_opt_optimal (inst, order);
        assert_or_opt_optimal (inst, order);

        /* From its own result, it does not get longer (nor change). */
        memcpy (again, order, n * sizeof (guint));
        g_assert_cmpfloat (amap_tour_order_optimize (inst->matrix, n, again), <=, got);
      }
}

/* Splitting across buses */

#define AMAP_MAX_TEST_BUSES 8

/* Seconds: the matrix is in km, driven at 25 km/h. */
static Instance *
bus_instance_random (guint    n,
                     guint32  seed,
                     double  *dwell)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x5eed);
  Instance *inst = instance_random (n, seed, seed % 2 == 0, seed % 3 != 0);
  guint m = n + 2;

  for (guint i = 0; i < m * m; i++)
    inst->matrix[i] *= 3600.0 / 25.0;
  for (guint i = 0; i < n; i++)
    dwell[i] = 60.0 * g_rand_int_range (rand, 0, 31);

  return inst;
}

/* Bus lengths from @bus and @order, checking the shape of the result. */
static double
check_split (const Instance *inst,
             const double   *dwell,
             guint           k,
             const guint    *bus,
             const guint    *order,
             double         *lengths)
{
  guint n = inst->n, m = n + 2;
  double longest = 0.0;
  guint at[AMAP_MAX_TEST_BUSES];
  guint o = 0;

  assert_permutation (order, n);
  for (guint b = 0; b < k; b++)
    {
      lengths[b] = 0.0;
      at[b] = n;
    }

  /* Grouped by bus, buses in order. */
  for (guint i = 0; i < n; i++)
    {
      guint s = order[i];

      g_assert_cmpuint (bus[s], <, k);
      if (i > 0)
        g_assert_cmpuint (bus[order[i - 1]], <=, bus[s]);
      lengths[bus[s]] += inst->matrix[at[bus[s]] * m + s] + dwell[s];
      at[bus[s]] = s;
      o++;
    }
  g_assert_cmpuint (o, ==, n);

  /* Each bus that leaves comes back to the end. */
  for (guint b = 0; b < k; b++)
    {
      if (at[b] != n)
        lengths[b] += inst->matrix[at[b] * m + n + 1];
      longest = MAX (longest, lengths[b]);
    }

  return longest;
}

/* The best route through the stops of @mask, by brute force. */
static double
brute_subset (const Instance *inst,
              guint           mask)
{
  g_autoptr(Instance) sub = NULL;
  g_autofree guint *ids = g_new (guint, inst->n + 2);
  g_autofree guint *best = g_new (guint, inst->n + 1);
  guint count = 0, m = inst->n + 2, sm;

  if (mask == 0)
    return 0.0;

  for (guint i = 0; i < inst->n; i++)
    if (mask & (1u << i))
      ids[count++] = i;
  ids[count] = inst->n;
  ids[count + 1] = inst->n + 1;

  sub = instance_new (count);
  sm = count + 2;
  sub->matrix = g_new (double, sm * sm);
  for (guint i = 0; i < sm; i++)
    for (guint j = 0; j < sm; j++)
      sub->matrix[i * sm + j] = inst->matrix[ids[i] * m + ids[j]];

  return brute_force (sub, best);
}

static void
test_split_brute_force (void)
{
  guint instances = 0;

  for (guint n = 1; n <= 7; n++)
    for (guint k = 2; k <= 3; k++)
      for (guint32 seed = 1; seed <= 8; seed++)
        {
          double dwell[8];
          g_autoptr(Instance) inst = bus_instance_random (n, seed * 31 + n * 7 + k, dwell);
          guint count = 1u << n;
          g_autofree double *subset = g_new (double, count);
          guint bus[8], order[8];
          double lengths[3];
          double best = INFINITY, got;
          guint total = 1;

          for (guint mask = 0; mask < count; mask++)
            {
              subset[mask] = brute_subset (inst, mask);
              for (guint i = 0; i < n; i++)
                if (mask & (1u << i))
                  subset[mask] += dwell[i];
            }

          /* Every assignment of the stops to the buses. */
          for (guint i = 0; i < n; i++)
            total *= k;
          for (guint a = 0; a < total; a++)
            {
              guint masks[3] = { 0, 0, 0 };
              double longest = 0.0;

              for (guint i = 0, code = a; i < n; i++, code /= k)
                masks[code % k] |= 1u << i;
              for (guint b = 0; b < k; b++)
                longest = MAX (longest, subset[masks[b]]);
              best = MIN (best, longest);
            }

          /* Without a limit: the shortest longest bus, each bus exact. */
          g_assert_true (amap_tour_order_split (inst->matrix, dwell, n, k, 0, bus, order));
          got = check_split (inst, dwell, k, bus, order, lengths);
          g_assert_cmpfloat_with_epsilon (got, best, 1e-6);
          for (guint b = 0; b < k; b++)
            {
              guint mask = 0;

              for (guint i = 0; i < n; i++)
                if (bus[i] == b)
                  mask |= 1u << i;
              g_assert_cmpfloat_with_epsilon (lengths[b], subset[mask], 1e-6);
            }

          /* A limit that some split meets: the result meets it. */
          g_assert_true (amap_tour_order_split (inst->matrix, dwell, n, k, best + 1.0, bus, order));
          got = check_split (inst, dwell, k, bus, order, lengths);
          g_assert_cmpfloat (got, <=, best + 1.0);

          /* A limit no split meets: it says so, and still balances. */
          g_assert_false (amap_tour_order_split (inst->matrix, dwell, n, k, best - 1.0, bus, order));
          got = check_split (inst, dwell, k, bus, order, lengths);
          g_assert_cmpfloat_with_epsilon (got, best, 1e-6);

          instances++;
        }

  g_test_message ("%u instances checked against brute force", instances);
}

/* Two far clusters, east and west of the start: one bus each is back in
 * time, one bus doing both (or a bus crossing over) is not. */
static void
test_split_clusters (void)
{
  for (guint n = 14; n <= 60; n += 23)
    for (guint k = 2; k <= 3; k++)
      {
        g_autoptr(Instance) inst = instance_new (n);
        g_autoptr(GRand) rand = g_rand_new_with_seed (n * 10 + k);
        g_autofree double *dwell = g_new0 (double, n);
        g_autofree guint *bus = g_new (guint, n);
        g_autofree guint *order = g_new (guint, n);
        double lengths[3];
        double one_cluster;
        double longest;

        for (guint i = 0; i < n; i++)
          {
            /* Alternate, so that the given order mixes the clusters. */
            inst->x[i] = (i % 2 ? 20 : -20) + g_rand_double_range (rand, -1, 1);
            inst->y[i] = g_rand_double_range (rand, -1, 1);
            dwell[i] = 300;
          }
        instance_fill_matrix (inst, FALSE);
        for (guint i = 0; i < (n + 2) * (n + 2); i++)
          inst->matrix[i] *= 3600.0 / 25.0;

        /* A bus for each cluster, ordered on its own, is back by the
         * limit; a bus that crosses over drives 80 km more. */
        one_cluster = 0.0;
        for (guint side = 0; side < 2; side++)
          {
            g_autoptr(Instance) sub = instance_new (0);
            guint ids[64], count = 0, m = n + 2, sm;
            guint sub_order[64];
            double len;

            for (guint i = 0; i < n; i++)
              if (i % 2 == side)
                ids[count++] = i;
            ids[count] = n;
            ids[count + 1] = n + 1;
            sub->n = count;
            sm = count + 2;
            sub->matrix = g_new (double, sm * sm);
            for (guint i = 0; i < sm; i++)
              for (guint j = 0; j < sm; j++)
                sub->matrix[i * sm + j] = inst->matrix[ids[i] * m + ids[j]];
            for (guint i = 0; i < count; i++)
              sub_order[i] = i;
            len = amap_tour_order_optimize (sub->matrix, count, sub_order) + 300.0 * count;
            one_cluster = MAX (one_cluster, len);
          }
        one_cluster *= 1.001;

        g_assert_true (amap_tour_order_split (inst->matrix, dwell, n, k, one_cluster, bus, order));
        longest = check_split (inst, dwell, k, bus, order, lengths);
        g_assert_cmpfloat (longest, <=, one_cluster);
        for (guint i = 0; i < n; i++)
          for (guint j = 0; j < n; j++)
            if (bus[i] == bus[j] && k == 2)
              g_assert_cmpint (inst->x[i] > 0, ==, inst->x[j] > 0);
      }
}

static void
test_split_random (void)
{
  /* Larger instances: the shape of the result, each bus a 2-opt local
   * optimum, and no worse than cutting an optimized single tour into
   * runs one bus each... which is where the heuristic starts, so it must
   * not be worse than dealing the stops round-robin either. */
  static const guint sizes[] = { 13, 25, 60, 120 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 2; k <= 4; k++)
      {
        guint n = sizes[s], m = n + 2;
        g_autofree double *dwell = g_new (double, n);
        g_autoptr(Instance) inst = bus_instance_random (n, n * 13 + k, dwell);
        g_autofree guint *bus = g_new (guint, n);
        g_autofree guint *order = g_new (guint, n);
        double lengths[4];
        double longest, round_robin = 0.0;

        g_assert_true (amap_tour_order_split (inst->matrix, dwell, n, k, 0, bus, order));
        longest = check_split (inst, dwell, k, bus, order, lengths);

        /* Each bus's order is locally optimal. */
        for (guint b = 0; b < k; b++)
          {
            g_autoptr(Instance) sub = NULL;
            g_autofree guint *ids = g_new (guint, m);
            g_autofree guint *sub_order = g_new (guint, n);
            guint count = 0, sm;

            for (guint i = 0; i < n; i++)
              if (bus[order[i]] == b)
                ids[count++] = order[i];
            if (count < 2)
              continue;
            ids[count] = n;
            ids[count + 1] = n + 1;
            sub = instance_new (count);
            sm = count + 2;
            sub->matrix = g_new (double, sm * sm);
            for (guint i = 0; i < sm; i++)
              for (guint j = 0; j < sm; j++)
                sub->matrix[i * sm + j] = inst->matrix[ids[i] * m + ids[j]];
            for (guint i = 0; i < count; i++)
              sub_order[i] = i;
            assert_two_opt_optimal (sub, sub_order);
          }

        /* Round-robin over the stops sorted by angle around the start,
         * each bus then optimized: a simple sweep. */
        {
          g_autofree guint *sorted = g_new (guint, n);
          g_autofree guint *rr_bus = g_new (guint, n);

          for (guint i = 0; i < n; i++)
            sorted[i] = i;
          for (guint i = 1; i < n; i++)
            for (guint j = i; j > 0; j--)
              {
                double aj = atan2 (inst->y[sorted[j]] - inst->y[n], inst->x[sorted[j]] - inst->x[n]);
                double ai = atan2 (inst->y[sorted[j - 1]] - inst->y[n], inst->x[sorted[j - 1]] - inst->x[n]);
                guint t;

                if (ai <= aj)
                  break;
                t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
              }
          for (guint i = 0; i < n; i++)
            rr_bus[sorted[i]] = (guint) ((guint64) i * k / n);

          for (guint b = 0; b < k; b++)
            {
              g_autoptr(Instance) sub = NULL;
              g_autofree guint *ids = g_new (guint, m);
              g_autofree guint *sub_order = g_new (guint, n);
              guint count = 0, sm;
              double len;

              for (guint i = 0; i < n; i++)
                if (rr_bus[i] == b)
                  ids[count++] = i;
              ids[count] = n;
              ids[count + 1] = n + 1;
              sub = instance_new (count);
              sm = count + 2;
              sub->matrix = g_new (double, sm * sm);
              for (guint i = 0; i < sm; i++)
                for (guint j = 0; j < sm; j++)
                  sub->matrix[i * sm + j] = inst->matrix[ids[i] * m + ids[j]];
              for (guint i = 0; i < count; i++)
                sub_order[i] = i;
              len = count == 0 ? 0.0 : amap_tour_order_optimize (sub->matrix, count, sub_order);
              for (guint i = 0; i < count; i++)
                len += dwell[ids[i]];
              round_robin = MAX (round_robin, len);
            }
        }

        g_test_message ("%u stops on %u buses: longest %.0f s, sweep %.0f s",
                        n, k, longest, round_robin);
        g_assert_cmpfloat (longest, <=, round_robin * 1.0001);

        /* The limit is what it says. */
        g_assert_true (amap_tour_order_split (inst->matrix, dwell, n, k, longest * 1.01, bus, order));
        g_assert_false (amap_tour_order_split (inst->matrix, dwell, n, k, longest * 0.5, bus, order));
      }
}

static void
test_split_degenerate (void)
{
  g_autoptr(Instance) inst = instance_random (3, 5, FALSE, TRUE);
  double dwell[3] = { 600, 600, 600 };
  guint bus[3] = { 9, 9, 9 }, order[3];
  double lengths[8];

  /* More buses than stops: one stop each at most, the others stay. */
  g_assert_true (amap_tour_order_split (inst->matrix, dwell, 3, 8, 0, bus, order));
  check_split (inst, dwell, 8, bus, order, lengths);
  for (guint i = 0; i < 3; i++)
    for (guint j = i + 1; j < 3; j++)
      g_assert_cmpuint (bus[i], !=, bus[j]);

  /* One bus: the optimized order. */
  g_assert_true (amap_tour_order_split (inst->matrix, NULL, 3, 1, 0, bus, order));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (bus[i], ==, 0);
  g_assert_cmpfloat_with_epsilon (amap_tour_order_length (inst->matrix, 3, order),
                                  brute_force (inst, (guint[3]) { 0 }), 1e-9);

  /* No stops. */
  g_assert_true (amap_tour_order_split (inst->matrix, NULL, 0, 2, 100, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tour-order/length", test_length);
  g_test_add_func ("/tour-order/square", test_square);
  g_test_add_func ("/tour-order/line", test_line);
  g_test_add_func ("/tour-order/exact-small", test_exact_small);
  g_test_add_func ("/tour-order/random", test_random);
  g_test_add_func ("/tour-order/split/brute-force", test_split_brute_force);
  g_test_add_func ("/tour-order/split/clusters", test_split_clusters);
  g_test_add_func ("/tour-order/split/random", test_split_random);
  g_test_add_func ("/tour-order/split/degenerate", test_split_degenerate);

  return g_test_run ();
}
