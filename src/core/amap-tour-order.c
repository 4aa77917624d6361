/* amap-tour-order.c: ordering a tour's stops and splitting them across
 * buses, over a cost matrix
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-order"

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-tour-order.h"
#include "amap-tour-order-private.h"

/*
 * The order of the stops (a path with fixed ends, asymmetric costs):
 *
 * - Up to EXACT_MAX stops, a Held-Karp dynamic programme finds the exact
 *   optimum (2^12 × 12 states: well under a millisecond).
 * - Above, cheapest insertion builds an order; then 2-opt (reversing a
 *   run of stops, the reversed run's cost computed in its new direction)
 *   and Or-opt (moving a run of one to three stops elsewhere, either way
 *   round) until no move improves. The same local search also starts
 *   from the user's order, and rounds of perturbation (a double-bridge
 *   kick, then the local search again, kept when shorter) improve the
 *   best. While searching, moves are only tried next to each point's ten
 *   nearest points; a last search over every move makes sure that none
 *   improves the result. The random numbers are seeded from the problem,
 *   so the same tour always gets the same answer.
 * - Whatever happens, the result is compared with the order given, and
 *   the order given wins ties: the optimizer never makes a tour longer.
 *
 * Splitting across buses minimizes the longest bus (driving plus dwell),
 * then the total: if any split brings every bus back within the limit,
 * the split with the shortest longest bus does too. Up to EXACT_MAX stops
 * that is exact (a dynamic programme over subsets); above, a giant tour
 * cut into pieces is improved by moving and swapping stops between buses.
 */

#define EXACT_MAX     12
#define SPLIT_EXACT_MAX 12
#define MAX_SEGMENT   3
#define N_NEAR        10

typedef struct
{
  const double *matrix;
  guint         n;       /* stops; n is the start, n + 1 the end */
  guint         stride;  /* n + 2 */
} Problem;

static inline double
cost (const Problem *p,
      guint          from,
      guint          to)
{
  return p->matrix[(gsize) from * p->stride + to];
}

static void
problem_init (Problem      *p,
              const double *matrix,
              guint         n)
{
  p->matrix = matrix;
  p->n = n;
  p->stride = n + 2;
}

/* Lengths are sums of many terms: compare them with some slack, so that
 * rounding never makes a move look like an improvement and loop. */
static inline double
slack (double length)
{
  return 1e-9 * MAX (1.0, fabs (length));
}

/* Path helpers: a path is start, the stops, end (n + 2 entries). */

static double
path_length (const Problem *p,
             const guint   *path,
             guint          len)
{
  double total = 0.0;

  for (guint i = 0; i + 1 < len; i++)
    total += cost (p, path[i], path[i + 1]);

  return total;
}

/* fwd[k]: the cost of path[0..k] forwards; bwd[k]: the same edges driven
 * backwards (path[k] to path[k-1] ... to path[0]). A run path[i..j]
 * costs fwd[j] - fwd[i] forwards and bwd[j] - bwd[i] reversed. */
static void
prefix_sums (const Problem *p,
             const guint   *path,
             guint          len,
             double        *fwd,
             double        *bwd)
{
  fwd[0] = bwd[0] = 0.0;
  for (guint k = 1; k < len; k++)
    {
      fwd[k] = fwd[k - 1] + cost (p, path[k - 1], path[k]);
      bwd[k] = bwd[k - 1] + cost (p, path[k], path[k - 1]);
    }
}

typedef struct
{
  const Problem *p;
  guint         *path;  /* len entries, path[0] and path[len - 1] fixed */
  guint          len;
  guint         *scratch;
  double        *fwd;
  double        *bwd;
  /* When set, moves are only tried where they make an edge to one of the
   * n_near nearest points of a point (near[x * n_near + t]): much faster,
   * nearly as good; a search without them follows, to finish. */
  const guint   *near;
  guint          n_near;
  guint         *pos;   /* pos[path[k]] == k, with near */
} Search;

static void
search_init (Search        *s,
             const Problem *p,
             guint         *path,
             guint          len)
{
  s->p = p;
  s->path = path;
  s->len = len;
  s->scratch = g_new (guint, len);
  s->fwd = g_new (double, len);
  s->bwd = g_new (double, len);
  s->near = NULL;
  s->n_near = 0;
  s->pos = g_new (guint, len);
}

static void
search_clear (Search *s)
{
  g_clear_pointer (&s->scratch, g_free);
  g_clear_pointer (&s->fwd, g_free);
  g_clear_pointer (&s->bwd, g_free);
  g_clear_pointer (&s->pos, g_free);
}

static void
search_prepare (Search *s)
{
  prefix_sums (s->p, s->path, s->len, s->fwd, s->bwd);
  if (s->near != NULL)
    for (guint k = 0; k < s->len; k++)
      s->pos[s->path[k]] = k;
}

/* The n_near nearest points of each point, by the cost both ways. */
static guint *
nearest_points (const Problem *p,
                guint          n_near)
{
  guint m = p->n + 2;
  guint *near = g_new (guint, (gsize) m * n_near);
  g_autofree double *d = g_new (double, m);
  g_autofree guint *ids = g_new (guint, m);

  for (guint x = 0; x < m; x++)
    {
      guint count = 0;

      for (guint y = 0; y < m; y++)
        if (y != x)
          {
            d[y] = cost (p, x, y) + cost (p, y, x);
            ids[count++] = y;
          }

      /* Partial selection sort: n_near is small. */
      for (guint t = 0; t < n_near; t++)
        {
          guint best = t;

          for (guint u = t + 1; u < count; u++)
            if (d[ids[u]] < d[ids[best]])
              best = u;
          near[(gsize) x * n_near + t] = ids[best];
          ids[best] = ids[t];
          ids[t] = near[(gsize) x * n_near + t];
        }
    }

  return near;
}

typedef struct
{
  double   delta;
  guint    i, j, l, k;
  gboolean reversed;
} Move;

/* Reversing path[i..j]: the two new edges, the two old ones, and the run
 * driven the other way. */
static inline void
try_two_opt (const Search *s,
             guint         i,
             guint         j,
             Move         *best)
{
  const Problem *p = s->p;
  const guint *path = s->path;
  guint a = path[i - 1], b = path[i], c = path[j], d = path[j + 1];
  double delta = cost (p, a, c) + cost (p, b, d) - cost (p, a, b) - cost (p, c, d)
                 + (s->bwd[j] - s->bwd[i]) - (s->fwd[j] - s->fwd[i]);

  if (delta < best->delta)
    {
      best->delta = delta;
      best->i = i;
      best->j = j;
    }
}

/* The best 2-opt move: reversing path[i..j], 1 <= i < j <= len - 2. */
static gboolean
two_opt_best (Search *s,
              double  eps)
{
  guint *path = s->path;
  guint last = s->len - 2;
  Move best = { -eps, 0, 0, 0, 0, FALSE };

  search_prepare (s);

  if (s->near == NULL)
    {
      for (guint i = 1; i < last; i++)
        for (guint j = i + 1; j <= last; j++)
          try_two_opt (s, i, j, &best);
    }
  else
    {
      /* The new edge path[i-1] -> path[j] to a near point, or the new
       * edge path[i] -> path[j+1] from one. */
      for (guint i = 1; i < last; i++)
        for (guint t = 0; t < s->n_near; t++)
          {
            guint j = s->pos[s->near[(gsize) path[i - 1] * s->n_near + t]];

            if (j > i && j <= last)
              try_two_opt (s, i, j, &best);
          }
      for (guint j = 2; j <= last; j++)
        for (guint t = 0; t < s->n_near; t++)
          {
            guint i = s->pos[s->near[(gsize) path[j + 1] * s->n_near + t]];

            if (i >= 1 && i < j)
              try_two_opt (s, i, j, &best);
          }
    }

  if (best.j == 0)
    return FALSE;

  for (guint i = best.i, j = best.j; i < j; i++, j--)
    {
      guint t = path[i];

      path[i] = path[j];
      path[j] = t;
    }

  return TRUE;
}

/* The run path[i..i+l-1] put between path[k] and path[k+1]; @gain is what
 * taking it out saves, @turn what driving it reversed adds. */
static inline void
try_or_opt (const Search *s,
            guint         i,
            guint         l,
            guint         k,
            double        gain,
            double        turn,
            Move         *best)
{
  const Problem *p = s->p;
  const guint *path = s->path;
  guint first = path[i], end = path[i + l - 1];
  guint u, v;
  double base, fwd, rev;

  if (k > s->len - 2 || (k + 1 >= i && k <= i + l - 1))
    return;

  u = path[k];
  v = path[k + 1];
  base = cost (p, u, v) + gain;
  fwd = cost (p, u, first) + cost (p, end, v) - base;
  rev = cost (p, u, end) + cost (p, first, v) + turn - base;

  if (fwd < best->delta)
    {
      best->delta = fwd;
      best->i = i, best->l = l, best->k = k, best->reversed = FALSE;
    }
  if (l > 1 && rev < best->delta)
    {
      best->delta = rev;
      best->i = i, best->l = l, best->k = k, best->reversed = TRUE;
    }
}

/* The best Or-opt move: the run path[i..i+l-1] (l <= MAX_SEGMENT) moved
 * between path[k] and path[k+1], forwards or reversed. */
static gboolean
or_opt_best (Search *s,
             double  eps)
{
  const Problem *p = s->p;
  guint *path = s->path;
  guint last = s->len - 2;
  Move best = { -eps, 0, 0, 0, 0, FALSE };

  search_prepare (s);

  for (guint l = 1; l <= MAX_SEGMENT && l < last; l++)
    for (guint i = 1; i + l - 1 <= last; i++)
      {
        guint a = path[i - 1], first = path[i], end = path[i + l - 1], b = path[i + l];
        double gain = cost (p, a, first) + cost (p, end, b) - cost (p, a, b);
        double turn = (s->bwd[i + l - 1] - s->bwd[i]) - (s->fwd[i + l - 1] - s->fwd[i]);

        if (s->near == NULL)
          {
            for (guint k = 0; k <= last; k++)
              try_or_opt (s, i, l, k, gain, turn, &best);
          }
        else
          {
            /* Next to a near point of either end of the run, on either
             * side of it. */
            for (guint e = 0; e < 2; e++)
              for (guint t = 0; t < s->n_near; t++)
                {
                  guint w = s->near[(gsize) (e ? end : first) * s->n_near + t];
                  guint at = s->pos[w];

                  try_or_opt (s, i, l, at, gain, turn, &best);
                  if (at > 0)
                    try_or_opt (s, i, l, at - 1, gain, turn, &best);
                }
          }
      }

  if (best.l == 0)
    return FALSE;

  /* Rebuild: everything but the run, with the run after path[best.k]. */
  {
    guint *out = s->scratch;
    guint o = 0;

    for (guint k = 0; k < s->len; k++)
      {
        if (k >= best.i && k < best.i + best.l)
          continue;

        out[o++] = path[k];
        if (k == best.k)
          for (guint r = 0; r < best.l; r++)
            out[o++] = best.reversed ? path[best.i + best.l - 1 - r] : path[best.i + r];
      }

    g_assert (o == s->len);
    memcpy (path, out, s->len * sizeof (guint));
  }

  return TRUE;
}

/* 2-opt and Or-opt until neither improves. */
static void
local_search (Search *s)
{
  /* Each move shortens the path by more than the slack, so this ends;
   * the cap only guards against costs that are not numbers. */
  guint cap = 1000 + 100 * s->len;

  if (s->len < 4)
    return;

  for (guint moves = 0; moves < cap; moves++)
    {
      double eps = slack (path_length (s->p, s->path, s->len));

      if (two_opt_best (s, eps))
        continue;
      if (or_opt_best (s, eps))
        continue;
      break;
    }
}

/* Cheapest insertion: start with start -> end, insert each stop where it
 * adds least, the stop that adds least first. O(n^3) at most, O(n^2) in
 * practice with the cached best positions. */
static void
cheapest_insertion (const Problem *p,
                    guint         *path)
{
  guint n = p->n;
  guint len = 2;
  g_autofree gboolean *placed = g_new0 (gboolean, n);
  g_autofree double *best_add = g_new (double, n);
  g_autofree guint *best_pos = g_new (guint, n);

  path[0] = n;
  path[1] = n + 1;

  for (guint s = 0; s < n; s++)
    {
      best_add[s] = cost (p, n, s) + cost (p, s, n + 1) - cost (p, n, n + 1);
      best_pos[s] = 0;
    }

  for (guint step = 0; step < n; step++)
    {
      guint pick = G_MAXUINT;
      guint pos;

      for (guint s = 0; s < n; s++)
        if (!placed[s] && (pick == G_MAXUINT || best_add[s] < best_add[pick]))
          pick = s;

      pos = best_pos[pick];
      memmove (&path[pos + 2], &path[pos + 1], (len - pos - 1) * sizeof (guint));
      path[pos + 1] = pick;
      len++;
      placed[pick] = TRUE;

      /* The edge (path[pos], path[pos + 2]) is gone and two are new: a
       * stop whose best place was that edge is recomputed, the others
       * only compare with the two new edges. */
      for (guint s = 0; s < n; s++)
        {
          if (placed[s])
            continue;

          if (best_pos[s] == pos)
            {
              best_add[s] = G_MAXDOUBLE;
              for (guint k = 0; k + 1 < len; k++)
                {
                  double add = cost (p, path[k], s) + cost (p, s, path[k + 1])
                               - cost (p, path[k], path[k + 1]);

                  if (add < best_add[s])
                    {
                      best_add[s] = add;
                      best_pos[s] = k;
                    }
                }
            }
          else
            {
              if (best_pos[s] > pos)
                best_pos[s]++;

              for (guint k = pos; k <= pos + 1; k++)
                {
                  double add = cost (p, path[k], s) + cost (p, s, path[k + 1])
                               - cost (p, path[k], path[k + 1]);

                  if (add < best_add[s])
                    {
                      best_add[s] = add;
                      best_pos[s] = k;
                    }
                }
            }
        }
    }
}

/* Double bridge on a path: A B C D -> A C B D, with the ends in place. */
static void
double_bridge (guint  *path,
               guint   len,
               guint  *scratch,
               GRand  *rand)
{
  guint n = len - 2;
  guint cut[3];
  guint o = 0;

  g_assert (n >= 3);

  /* Three distinct cuts in 1..n: B = [c0, c1), C = [c1, c2). */
  for (;;)
    {
      for (guint i = 0; i < 3; i++)
        cut[i] = g_rand_int_range (rand, 1, n + 1);
      if (cut[0] > cut[1]) { guint t = cut[0]; cut[0] = cut[1]; cut[1] = t; }
      if (cut[1] > cut[2]) { guint t = cut[1]; cut[1] = cut[2]; cut[2] = t; }
      if (cut[0] > cut[1]) { guint t = cut[0]; cut[0] = cut[1]; cut[1] = t; }
      if (cut[0] < cut[1] && cut[1] < cut[2])
        break;
    }

  for (guint k = 0; k < cut[0]; k++)
    scratch[o++] = path[k];
  for (guint k = cut[1]; k < cut[2]; k++)
    scratch[o++] = path[k];
  for (guint k = cut[0]; k < cut[1]; k++)
    scratch[o++] = path[k];
  for (guint k = cut[2]; k < len; k++)
    scratch[o++] = path[k];

  g_assert (o == len);
  memcpy (path, scratch, len * sizeof (guint));
}

static guint32
problem_seed (const Problem *p)
{
  guint32 h = 2166136261u ^ p->n;
  gsize count = (gsize) p->stride * p->stride;

  /* A hash of the matrix (a sample of it for big ones). */
  for (gsize i = 0; i < count; i += 1 + count / 4096)
    {
      double v = p->matrix[i];
      guint64 bits;

      memcpy (&bits, &v, sizeof bits);
      h = (h ^ (guint32) bits ^ (guint32) (bits >> 32)) * 16777619u;
    }

  return h;
}

/* How many perturbation rounds: enough to matter on a school's tour, few
 * enough that a 100-stop tour stays well under the time budget. */
static guint
n_kicks (guint n)
{
  if (n < 8)
    return 0;
  if (n <= 150)
    return 150;
  if (n <= 400)
    return 60;
  return 10;
}

/* The heuristic on a path of n + 2 entries: construction, local search
 * from the construction and from @path itself, perturbation; @path gets
 * the best found (never worse than it was). */
static double
optimize_heuristic (const Problem *p,
                    guint         *path)
{
  guint len = p->n + 2;
  g_autofree guint *best = g_memdup2 (path, len * sizeof (guint));
  g_autofree guint *trial = g_new (guint, len);
  g_autofree guint *near = NULL;
  double best_len;
  Search s;
  g_autoptr(GRand) rand = NULL;
  guint kicks;

  search_init (&s, p, best, len);
  s.n_near = MIN (N_NEAR, len - 1);
  s.near = near = nearest_points (p, s.n_near);

  /* From the given order. */
  local_search (&s);
  best_len = path_length (p, best, len);

  /* From cheapest insertion. */
  cheapest_insertion (p, trial);
  s.path = trial;
  local_search (&s);
  if (path_length (p, trial, len) < best_len - slack (best_len))
    {
      memcpy (best, trial, len * sizeof (guint));
      best_len = path_length (p, best, len);
    }

  /* Iterated local search from the best. */
  kicks = p->n >= 3 ? n_kicks (p->n) : 0;
  rand = g_rand_new_with_seed (problem_seed (p));
  for (guint k = 0; k < kicks; k++)
    {
      double trial_len;

      memcpy (trial, best, len * sizeof (guint));
      double_bridge (trial, len, s.scratch, rand);
      local_search (&s);
      trial_len = path_length (p, trial, len);
      if (trial_len < best_len - slack (best_len))
        {
          memcpy (best, trial, len * sizeof (guint));
          best_len = trial_len;
        }
    }

  /* Finish with every move, so that none improves the result. */
  s.path = best;
  s.near = NULL;
  local_search (&s);
  best_len = path_length (p, best, len);
  search_clear (&s);

  if (best_len < path_length (p, path, len) - slack (best_len))
    memcpy (path, best, len * sizeof (guint));

  return path_length (p, path, len);
}

/* Held-Karp over the stops @ids[0..m-1] (m <= EXACT_MAX): dp[mask][j] is
 * the cheapest way from the start through the stops of mask ending at
 * ids[j]; parent[mask][j] the stop before (or -1 for the start). */
typedef struct
{
  guint    m;
  guint   *ids;
  double  *dp;
  gint8   *parent;
} HeldKarp;

static void
held_karp_run (HeldKarp      *hk,
               const Problem *p,
               const guint   *ids,
               guint          m)
{
  gsize states = ((gsize) 1 << m) * m;

  g_assert (m <= EXACT_MAX + 1);

  hk->m = m;
  hk->ids = g_memdup2 (ids, MAX (m, 1) * sizeof (guint));
  hk->dp = g_new (double, MAX (states, 1));
  hk->parent = g_new (gint8, MAX (states, 1));

  for (gsize i = 0; i < states; i++)
    hk->dp[i] = INFINITY;

  for (guint j = 0; j < m; j++)
    {
      hk->dp[((gsize) 1 << j) * m + j] = cost (p, p->n, ids[j]);
      hk->parent[((gsize) 1 << j) * m + j] = -1;
    }

  for (gsize mask = 1; mask < ((gsize) 1 << m); mask++)
    for (guint j = 0; j < m; j++)
      {
        double here;

        if (!(mask & ((gsize) 1 << j)))
          continue;

        here = hk->dp[mask * m + j];
        if (!isfinite (here))
          continue;

        for (guint k = 0; k < m; k++)
          {
            gsize next;
            double c;

            if (mask & ((gsize) 1 << k))
              continue;

            next = (mask | ((gsize) 1 << k)) * m + k;
            c = here + cost (p, ids[j], ids[k]);
            if (c < hk->dp[next])
              {
                hk->dp[next] = c;
                hk->parent[next] = (gint8) j;
              }
          }
      }
}

static void
held_karp_clear (HeldKarp *hk)
{
  g_clear_pointer (&hk->ids, g_free);
  g_clear_pointer (&hk->dp, g_free);
  g_clear_pointer (&hk->parent, g_free);
}

/* The shortest route through the stops of @mask (bits over hk->ids), from
 * the start to the end; its last stop in @last (-1 when mask is empty). */
static double
held_karp_cost (const HeldKarp *hk,
                const Problem  *p,
                gsize           mask,
                int            *last)
{
  double best = INFINITY;

  *last = -1;
  if (mask == 0)
    return cost (p, p->n, p->n + 1);

  for (guint j = 0; j < hk->m; j++)
    {
      double c;

      if (!(mask & ((gsize) 1 << j)))
        continue;

      c = hk->dp[mask * hk->m + j] + cost (p, hk->ids[j], p->n + 1);
      if (c < best)
        {
          best = c;
          *last = j;
        }
    }

  return best;
}

/* Writes the stops of @mask in the best order to @out; returns how many. */
static guint
held_karp_order (const HeldKarp *hk,
                 const Problem  *p,
                 gsize           mask,
                 guint          *out)
{
  int j;
  guint count = 0;

  held_karp_cost (hk, p, mask, &j);
  for (gsize m = mask; m != 0; m &= m - 1)
    count++;

  for (guint i = count; i > 0; i--)
    {
      int prev;

      g_assert (j >= 0);
      out[i - 1] = hk->ids[j];
      prev = hk->parent[mask * hk->m + j];
      mask &= ~((gsize) 1 << j);
      j = prev;
    }

  return count;
}

/* Public API */

double
amap_tour_order_length (const double *matrix,
                        guint         n,
                        const guint  *order)
{
  Problem p;
  double total;
  guint at;

  g_return_val_if_fail (matrix != NULL, 0.0);
  g_return_val_if_fail (n == 0 || order != NULL, 0.0);

  problem_init (&p, matrix, n);
  at = n;
  total = 0.0;
  for (guint i = 0; i < n; i++)
    {
      total += cost (&p, at, order[i]);
      at = order[i];
    }

  return total + cost (&p, at, n + 1);
}

static gboolean
is_permutation (const guint *order,
                guint        n)
{
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      if (order[i] >= n || seen[order[i]])
        return FALSE;
      seen[order[i]] = TRUE;
    }

  return TRUE;
}

double
amap_tour_order_optimize_heuristic (const double *matrix,
                                    guint         n,
                                    guint        *order)
{
  Problem p;
  g_autofree guint *path = NULL;

  g_return_val_if_fail (matrix != NULL, 0.0);
  g_return_val_if_fail (n == 0 || order != NULL, 0.0);
  g_return_val_if_fail (is_permutation (order, n), 0.0);

  problem_init (&p, matrix, n);
  path = g_new (guint, n + 2);
  path[0] = n;
  memcpy (path + 1, order, n * sizeof (guint));
  path[n + 1] = n + 1;

  optimize_heuristic (&p, path);
  memcpy (order, path + 1, n * sizeof (guint));

  return amap_tour_order_length (matrix, n, order);
}

double
amap_tour_order_local_search (const double *matrix,
                              guint         n,
                              guint        *order)
{
  Problem p;
  g_autofree guint *path = NULL;
  Search s;

  g_return_val_if_fail (matrix != NULL, 0.0);
  g_return_val_if_fail (n == 0 || order != NULL, 0.0);
  g_return_val_if_fail (is_permutation (order, n), 0.0);

  problem_init (&p, matrix, n);
  path = g_new (guint, n + 2);
  path[0] = n;
  memcpy (path + 1, order, n * sizeof (guint));
  path[n + 1] = n + 1;

  search_init (&s, &p, path, n + 2);
  local_search (&s);
  search_clear (&s);
  memcpy (order, path + 1, n * sizeof (guint));

  return amap_tour_order_length (matrix, n, order);
}

/**
 * amap_tour_order_optimize:
 *
 * Exact up to 12 stops, a local-search heuristic above (see the top of
 * this file). Safe in a worker thread: no globals.
 */
double
amap_tour_order_optimize (const double *matrix,
                          guint         n,
                          guint        *order)
{
  Problem p;
  double given;

  g_return_val_if_fail (matrix != NULL, 0.0);
  g_return_val_if_fail (n == 0 || order != NULL, 0.0);
  g_return_val_if_fail (is_permutation (order, n), 0.0);

  given = amap_tour_order_length (matrix, n, order);
  if (n < 2)
    return given;

  if (n > EXACT_MAX)
    return amap_tour_order_optimize_heuristic (matrix, n, order);

  problem_init (&p, matrix, n);
  {
    HeldKarp hk;
    g_autofree guint *ids = g_new (guint, n);
    g_autofree guint *best = g_new (guint, n);
    int last;
    double length;

    for (guint i = 0; i < n; i++)
      ids[i] = i;

    held_karp_run (&hk, &p, ids, n);
    length = held_karp_cost (&hk, &p, ((gsize) 1 << n) - 1, &last);
    held_karp_order (&hk, &p, ((gsize) 1 << n) - 1, best);
    held_karp_clear (&hk);

    if (length < given - slack (given))
      memcpy (order, best, n * sizeof (guint));
  }

  return amap_tour_order_length (matrix, n, order);
}

/* Splitting across buses */

typedef struct
{
  double max;
  double sum;
} Score;

/* Lexicographic: the longest bus first, then the total. */
static gboolean
score_better (Score a,
              Score b)
{
  if (a.max < b.max - slack (b.max))
    return TRUE;
  if (a.max > b.max + slack (b.max))
    return FALSE;
  return a.sum < b.sum - slack (b.sum);
}

/* A bus: its stops in order (stop indexes), its length with dwell. */
typedef struct
{
  GArray *stops;
  double  length;
} Bus;

static double
bus_length (const Problem *p,
            const double  *dwell_s,
            GArray        *stops)
{
  double total;
  guint at = p->n;

  if (stops->len == 0)
    return 0.0;

  total = 0.0;
  for (guint i = 0; i < stops->len; i++)
    {
      guint s = g_array_index (stops, guint, i);

      total += cost (p, at, s) + dwell_s[s];
      at = s;
    }

  return total + cost (p, at, p->n + 1);
}

/* Orders one bus's stops over a sub-matrix of the whole; @quick skips the
 * perturbation rounds (while the split is still changing). */
static void
bus_optimize (const Problem *p,
              const double  *dwell_s,
              Bus           *bus,
              gboolean       quick)
{
  guint m = bus->stops->len;

  if (m >= 2)
    {
      guint stride = m + 2;
      g_autofree double *sub = g_new (double, (gsize) stride * stride);
      g_autofree guint *ids = g_new (guint, stride);
      g_autofree guint *order = g_new (guint, m);

      for (guint i = 0; i < m; i++)
        {
          ids[i] = g_array_index (bus->stops, guint, i);
          order[i] = i;
        }
      ids[m] = p->n;
      ids[m + 1] = p->n + 1;

      for (guint i = 0; i < stride; i++)
        for (guint j = 0; j < stride; j++)
          sub[(gsize) i * stride + j] = cost (p, ids[i], ids[j]);

      if (quick && m > EXACT_MAX)
        {
          Problem sp;
          g_autofree guint *path = g_new (guint, stride);
          Search search;

          problem_init (&sp, sub, m);
          path[0] = m;
          for (guint i = 0; i < m; i++)
            path[i + 1] = i;
          path[m + 1] = m + 1;
          search_init (&search, &sp, path, stride);
          local_search (&search);
          search_clear (&search);
          memcpy (order, path + 1, m * sizeof (guint));
        }
      else
        amap_tour_order_optimize (sub, m, order);

      for (guint i = 0; i < m; i++)
        g_array_index (bus->stops, guint, i) = ids[order[i]];
    }

  bus->length = bus_length (p, dwell_s, bus->stops);
}

static Score
buses_score (const Bus *buses,
             guint      k)
{
  Score score = { 0.0, 0.0 };

  for (guint b = 0; b < k; b++)
    {
      score.max = MAX (score.max, buses[b].length);
      score.sum += buses[b].length;
    }

  return score;
}

/* Exact: the split with the shortest longest bus, then the least total,
 * over all subsets of the n (<= SPLIT_EXACT_MAX) stops. */
static void
split_exact (const Problem *p,
             const double  *dwell_s,
             guint          k,
             Bus           *buses)
{
  guint n = p->n;
  gsize full = ((gsize) 1 << n) - 1;
  gsize count = full + 1;
  HeldKarp hk;
  g_autofree guint *ids = g_new (guint, MAX (n, 1));
  g_autofree double *len = g_new (double, count);
  g_autofree double *f = g_new (double, count);
  g_autofree double *g = g_new (double, count * k);
  g_autofree gsize *choice = g_new (gsize, count * k);
  g_autofree guint *out = g_new (guint, MAX (n, 1));
  double best_max;
  gsize rest;

  for (guint i = 0; i < n; i++)
    ids[i] = i;
  held_karp_run (&hk, p, ids, n);

  for (gsize mask = 0; mask < count; mask++)
    {
      int last;
      double dwell = 0.0;

      for (guint i = 0; i < n; i++)
        if (mask & ((gsize) 1 << i))
          dwell += dwell_s[i];

      len[mask] = mask == 0 ? 0.0 : held_karp_cost (&hk, p, mask, &last) + dwell;
    }

  /* f over j buses: the shortest longest bus for each set of stops. The
   * block holding the lowest stop is enumerated, so each split is seen
   * once per order of blocks. */
  memcpy (f, len, count * sizeof (double));
  for (guint j = 2; j <= k; j++)
    {
      g_autofree double *next = g_new (double, count);

      next[0] = 0.0;
      for (gsize mask = 1; mask < count; mask++)
        {
          gsize low = mask & (~mask + 1);
          gsize others = mask & ~low;
          double best = f[mask];

          /* Submasks of others, each with low added: the first bus. */
          for (gsize sub = others;; sub = (sub - 1) & others)
            {
              gsize block = sub | low;
              double v = MAX (len[block], f[mask & ~block]);

              if (v < best)
                best = v;
              if (sub == 0)
                break;
            }
          next[mask] = best;
        }
      memcpy (f, next, count * sizeof (double));
    }
  best_max = f[full];

  /* g over j buses: the least total with no bus longer than best_max
   * (with slack, as the sums above are not in the same order). */
  for (guint j = 1; j <= k; j++)
    {
      double *gj = &g[(gsize) (j - 1) * count];
      gsize *cj = &choice[(gsize) (j - 1) * count];

      gj[0] = 0.0;
      cj[0] = 0;
      for (gsize mask = 1; mask < count; mask++)
        {
          gsize low = mask & (~mask + 1);
          gsize others = mask & ~low;

          gj[mask] = INFINITY;
          cj[mask] = 0;
          for (gsize sub = others;; sub = (sub - 1) & others)
            {
              gsize block = sub | low;
              gsize remain = mask & ~block;
              double v;

              if (len[block] <= best_max + slack (best_max))
                {
                  if (j == 1)
                    v = remain == 0 ? len[block] : INFINITY;
                  else
                    v = len[block] + g[(gsize) (j - 2) * count + remain];

                  if (v < gj[mask])
                    {
                      gj[mask] = v;
                      cj[mask] = block;
                    }
                }
              if (sub == 0)
                break;
            }
        }
    }

  rest = full;
  for (guint b = 0; b < k; b++)
    {
      gsize block = rest == 0 ? 0 : choice[(gsize) (k - 1 - b) * count + rest];
      guint m;

      g_assert (rest == 0 || block != 0);
      m = held_karp_order (&hk, p, block, out);
      g_array_set_size (buses[b].stops, 0);
      g_array_append_vals (buses[b].stops, out, m);
      buses[b].length = bus_length (p, dwell_s, buses[b].stops);
      rest &= ~block;
    }
  g_assert (rest == 0);

  held_karp_clear (&hk);
}

/* The cheapest place to insert @stop in @stops: the added length (dwell
 * included) and the index it would take. */
static double
cheapest_place (const Problem *p,
                const double  *dwell_s,
                GArray        *stops,
                guint          skip,   /* an index of stops to ignore, or G_MAXUINT */
                guint          stop,
                guint         *at)
{
  double best = INFINITY;
  guint prev = p->n;
  guint m = stops->len;
  gboolean any = FALSE;

  *at = 0;
  for (guint i = 0; i <= m; i++)
    {
      guint next;
      double add;

      if (i < m && i == skip)
        continue;

      next = i < m ? g_array_index (stops, guint, i) : p->n + 1;
      any = TRUE;
      add = cost (p, prev, stop) + cost (p, stop, next) - cost (p, prev, next);
      if (add < best)
        {
          best = add;
          *at = i;
        }
      prev = next;
    }

  g_assert (any);

  /* An empty bus starts to drive. */
  if (m == 0 || (m == 1 && skip == 0))
    best = cost (p, p->n, stop) + cost (p, stop, p->n + 1);

  return best + dwell_s[stop];
}

/* What the bus saves without its stop at @index. */
static double
removal_saving (const Problem *p,
                const double  *dwell_s,
                const Bus     *bus,
                guint          index)
{
  GArray *stops = bus->stops;
  guint stop = g_array_index (stops, guint, index);
  guint prev = index == 0 ? p->n : g_array_index (stops, guint, index - 1);
  guint next = index + 1 == stops->len ? p->n + 1 : g_array_index (stops, guint, index + 1);

  if (stops->len == 1)
    return bus->length;

  return cost (p, prev, stop) + cost (p, stop, next) - cost (p, prev, next) + dwell_s[stop];
}

static void
split_heuristic (const Problem *p,
                 const double  *dwell_s,
                 guint          k,
                 Bus           *buses)
{
  guint n = p->n;
  g_autofree guint *giant = g_new (guint, n);
  g_autofree double *cut_f = NULL;
  g_autofree guint *cut_at = NULL;
  guint limit_rounds = 20 * n + 100;

  /* A giant tour over all the stops... */
  for (guint i = 0; i < n; i++)
    giant[i] = i;
  amap_tour_order_optimize (p->matrix, n, giant);

  /* ...cut into at most k runs, each a bus, minimizing the longest:
   * cut_f[j * (n + 1) + i] is the best longest bus for the first i stops
   * on j buses. O(k n^2), each run's length from prefix sums. */
  {
    g_autofree double *inner = g_new (double, n + 1);
    g_autofree double *dwell_sum = g_new (double, n + 1);
    guint rows = k + 1, cols = n + 1;

    inner[0] = 0.0;
    dwell_sum[0] = 0.0;
    for (guint i = 0; i < n; i++)
      {
        inner[i + 1] = inner[i] + (i > 0 ? cost (p, giant[i - 1], giant[i]) : 0.0);
        dwell_sum[i + 1] = dwell_sum[i] + dwell_s[giant[i]];
      }

    cut_f = g_new (double, (gsize) rows * cols);
    cut_at = g_new (guint, (gsize) rows * cols);
    for (guint i = 0; i <= n; i++)
      cut_f[i] = i == 0 ? 0.0 : INFINITY;

    for (guint j = 1; j <= k; j++)
      for (guint i = 0; i <= n; i++)
        {
          double best = cut_f[(gsize) (j - 1) * cols + i];
          guint best_at = i;

          /* The last run: giant[a..i-1]. */
          for (guint a = 0; a < i; a++)
            {
              double run = cost (p, n, giant[a]) + (inner[i] - inner[a + 1])
                           + cost (p, giant[i - 1], n + 1) + (dwell_sum[i] - dwell_sum[a]);
              double v = MAX (run, cut_f[(gsize) (j - 1) * cols + a]);

              if (v < best)
                {
                  best = v;
                  best_at = a;
                }
            }
          cut_f[(gsize) j * cols + i] = best;
          cut_at[(gsize) j * cols + i] = best_at;
        }

    {
      guint i = n;

      for (guint j = k; j >= 1; j--)
        {
          guint a = cut_at[(gsize) j * cols + i];

          g_array_set_size (buses[j - 1].stops, 0);
          if (a < i)
            g_array_append_vals (buses[j - 1].stops, &giant[a], i - a);
          i = a;
        }
    }
  }

  for (guint b = 0; b < k; b++)
    bus_optimize (p, dwell_s, &buses[b], TRUE);

  /* Then move one stop to another bus, or swap two, while the longest
   * bus (then the total) gets shorter; the changed buses are ordered
   * again after each move. Each candidate's lengths are exact for the
   * move before reordering, which can only shorten them. */
  for (guint round = 0; round < limit_rounds; round++)
    {
      Score current = buses_score (buses, k);
      Score best = current;
      guint best_kind = 0, best_a = 0, best_i = 0, best_b = 0, best_j = 0;
      guint best_at_a = 0, best_at_b = 0;

      for (guint a = 0; a < k; a++)
        for (guint i = 0; i < buses[a].stops->len; i++)
          {
            guint s = g_array_index (buses[a].stops, guint, i);
            double without_s = buses[a].length - removal_saving (p, dwell_s, &buses[a], i);

            for (guint b = 0; b < k; b++)
              {
                guint at;
                double with_s;
                Score score;

                if (b == a)
                  continue;

                /* Move s from a to b. */
                with_s = buses[b].length + cheapest_place (p, dwell_s, buses[b].stops,
                                                           G_MAXUINT, s, &at);
                score.max = 0.0;
                score.sum = current.sum - buses[a].length - buses[b].length + without_s + with_s;
                for (guint c = 0; c < k; c++)
                  score.max = MAX (score.max, c == a ? without_s : c == b ? with_s : buses[c].length);
                if (score_better (score, best))
                  {
                    best = score;
                    best_kind = 1, best_a = a, best_i = i, best_b = b, best_at_b = at;
                  }

                /* Swap s with each stop t of b (each pair once). */
                if (b < a)
                  continue;

                for (guint j = 0; j < buses[b].stops->len; j++)
                  {
                    guint t = g_array_index (buses[b].stops, guint, j);
                    guint at_a, at_b;
                    double la, lb;

                    la = without_s + cheapest_place (p, dwell_s, buses[a].stops, i, t, &at_a);
                    lb = buses[b].length - removal_saving (p, dwell_s, &buses[b], j)
                         + cheapest_place (p, dwell_s, buses[b].stops, j, s, &at_b);
                    score.max = 0.0;
                    score.sum = current.sum - buses[a].length - buses[b].length + la + lb;
                    for (guint c = 0; c < k; c++)
                      score.max = MAX (score.max, c == a ? la : c == b ? lb : buses[c].length);
                    if (score_better (score, best))
                      {
                        best = score;
                        best_kind = 2, best_a = a, best_i = i, best_b = b, best_j = j;
                        best_at_a = at_a, best_at_b = at_b;
                      }
                  }
              }
          }

      if (best_kind == 0)
        break;

      if (best_kind == 1)
        {
          guint s = g_array_index (buses[best_a].stops, guint, best_i);

          g_array_remove_index (buses[best_a].stops, best_i);
          g_array_insert_val (buses[best_b].stops, best_at_b, s);
        }
      else
        {
          guint s = g_array_index (buses[best_a].stops, guint, best_i);
          guint t = g_array_index (buses[best_b].stops, guint, best_j);

          /* The insertion index counted the removed stop's slot; adjust. */
          g_array_remove_index (buses[best_a].stops, best_i);
          g_array_insert_val (buses[best_a].stops,
                              best_at_a > best_i ? best_at_a - 1 : best_at_a, t);
          g_array_remove_index (buses[best_b].stops, best_j);
          g_array_insert_val (buses[best_b].stops,
                              best_at_b > best_j ? best_at_b - 1 : best_at_b, s);
        }

      bus_optimize (p, dwell_s, &buses[best_a], TRUE);
      bus_optimize (p, dwell_s, &buses[best_b], TRUE);

      /* Reordering never lengthens a bus, so the move stands; were the
       * costs not numbers, stop rather than loop. */
      if (!score_better (buses_score (buses, k), current))
        break;
    }

  for (guint b = 0; b < k; b++)
    bus_optimize (p, dwell_s, &buses[b], FALSE);
}

gboolean
amap_tour_order_split (const double *matrix,
                       const double *dwell_s,
                       guint         n,
                       guint         n_buses,
                       double        limit_s,
                       guint        *bus,
                       guint        *order)
{
  Problem p;
  g_autofree Bus *buses = NULL;
  g_autofree double *no_dwell = NULL;
  gboolean in_time = TRUE;
  guint o = 0;

  g_return_val_if_fail (matrix != NULL, FALSE);
  g_return_val_if_fail (n_buses >= 1, FALSE);
  g_return_val_if_fail (n == 0 || (bus != NULL && order != NULL), FALSE);

  if (dwell_s == NULL)
    dwell_s = no_dwell = g_new0 (double, MAX (n, 1));

  problem_init (&p, matrix, n);
  buses = g_new0 (Bus, n_buses);
  for (guint b = 0; b < n_buses; b++)
    buses[b].stops = g_array_new (FALSE, FALSE, sizeof (guint));

  if (n == 0)
    ;
  else if (n_buses == 1)
    {
      for (guint i = 0; i < n; i++)
        g_array_append_val (buses[0].stops, i);
      bus_optimize (&p, dwell_s, &buses[0], FALSE);
    }
  else if (n <= SPLIT_EXACT_MAX)
    split_exact (&p, dwell_s, n_buses, buses);
  else
    split_heuristic (&p, dwell_s, n_buses, buses);

  for (guint b = 0; b < n_buses; b++)
    {
      for (guint i = 0; i < buses[b].stops->len; i++)
        {
          guint s = g_array_index (buses[b].stops, guint, i);

          bus[s] = b;
          order[o++] = s;
        }

      if (limit_s > 0.0 && buses[b].length > limit_s + slack (limit_s))
        in_time = FALSE;

      g_array_unref (buses[b].stops);
    }

  g_assert (o == n);

  return in_time;
}
