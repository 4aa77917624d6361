/* amap-cluster.c: grid clustering and hit testing of pins in screen space
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "amap-cluster"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amap-cluster.h"

typedef struct
{
  gint64 row;
  gint64 col;
  double x;       /* the point's, so that a cell's points are read in order */
  double y;
  guint  id;
  guint  index;   /* into the input, to keep input order inside a cell */
} CellEntry;

static void
cluster_free (gpointer data)
{
  AmapCluster *cluster = data;

  if (cluster == NULL)
    return;
  g_free (cluster->members);
  g_free (cluster);
}

/*
 * Sorts @entries by row, then column, keeping input order inside a cell:
 * what a comparison sort by (row, column, input index) gives, by a radix
 * sort on the offsets from the smallest row and column, 16 bits a pass and
 * only as many passes as the spread needs. At 100,000 points the
 * comparison sort was most of a zoom step's clustering.
 */
static void
sort_by_cell (CellEntry *entries,
              guint      n)
{
  g_autofree CellEntry *buffer = NULL;
  g_autofree guint *counts = NULL;
  CellEntry *from = entries, *to;
  gint64 min_row, max_row, min_col, max_col;

  if (n < 2)
    return;

  min_row = max_row = entries[0].row;
  min_col = max_col = entries[0].col;
  for (guint i = 1; i < n; i++)
    {
      min_row = MIN (min_row, entries[i].row);
      max_row = MAX (max_row, entries[i].row);
      min_col = MIN (min_col, entries[i].col);
      max_col = MAX (max_col, entries[i].col);
    }

  buffer = g_new (CellEntry, n);
  counts = g_new (guint, 1 << 16);
  to = buffer;

  /* Least significant first: the column, then the row. */
  for (int pass_row = 0; pass_row < 2; pass_row++)
    {
      guint64 spread = pass_row ? (guint64) (max_row - min_row) : (guint64) (max_col - min_col);
      gint64 base = pass_row ? min_row : min_col;

      for (guint shift = 0; shift < 64 && (spread >> shift) != 0; shift += 16)
        {
          guint total = 0;
          CellEntry *swap;

          memset (counts, 0, sizeof (guint) << 16);
          for (guint i = 0; i < n; i++)
            {
              guint64 offset = (guint64) ((pass_row ? from[i].row : from[i].col) - base);

              counts[(offset >> shift) & 0xffff]++;
            }
          for (guint d = 0; d < (1 << 16); d++)
            {
              guint count = counts[d];

              counts[d] = total;
              total += count;
            }
          for (guint i = 0; i < n; i++)
            {
              guint64 offset = (guint64) ((pass_row ? from[i].row : from[i].col) - base);

              to[counts[(offset >> shift) & 0xffff]++] = from[i];
            }
          swap = from;
          from = to;
          to = swap;
        }
    }

  if (from != entries)
    memcpy (entries, from, n * sizeof (CellEntry));
}

static int
compare_by_size (gconstpointer a,
                 gconstpointer b)
{
  const AmapCluster *ca = *(AmapCluster * const *) a;
  const AmapCluster *cb = *(AmapCluster * const *) b;

  if (ca->n_members != cb->n_members)
    return ca->n_members > cb->n_members ? -1 : 1;
  if (ca->y != cb->y)
    return ca->y < cb->y ? -1 : 1;
  if (ca->x != cb->x)
    return ca->x < cb->x ? -1 : 1;
  return 0;
}

/* Sorts @clusters as compare_by_size() does, on copies of what it compares
 * rather than through every cluster's pointer. */
typedef struct
{
  AmapCluster cluster;    /* n_members, x and y are set */
  AmapCluster *pointer;
} SizeKey;

static int
compare_size_keys (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const AmapCluster *pa = &((const SizeKey *) a)->cluster;
  const AmapCluster *pb = &((const SizeKey *) b)->cluster;

  return compare_by_size (&pa, &pb);
}

static void
sort_by_size (GPtrArray *clusters)
{
  g_autofree SizeKey *keys = g_new (SizeKey, MAX (clusters->len, 1));

  for (guint i = 0; i < clusters->len; i++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, i);

      keys[i].cluster.n_members = cluster->n_members;
      keys[i].cluster.x = cluster->x;
      keys[i].cluster.y = cluster->y;
      keys[i].pointer = cluster;
    }
  /* Stable, as g_ptr_array_sort() was. */
  g_qsort_with_data (keys, clusters->len, sizeof (SizeKey), compare_size_keys, NULL);
  for (guint i = 0; i < clusters->len; i++)
    clusters->pdata[i] = keys[i].pointer;
}

/* A grid alone leaves two badges side by side when a crowd straddles a
 * cell edge. The biggest clusters first take in every cluster whose
 * centroid lies within @distance of their own (as gridded). */
/* A cluster's place in a grid of cells as wide as the merge distance, so
 * that a cluster's neighbors within that distance are in the 3 × 3 cells
 * around it. */
/* A cluster's cell (its index is into the clusters, sorted by size). */
typedef CellEntry GridEntry;

/* The first entry of the cell (@row, @col) in the sorted @grid. */
static guint
grid_lower_bound (const GridEntry *grid,
                  guint            n,
                  gint64           row,
                  gint64           col)
{
  guint low = 0, high = n;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (grid[mid].row < row || (grid[mid].row == row && grid[mid].col < col))
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

/*
 * Biggest first, each cluster absorbs the later ones whose centre lies
 * within @distance of its own, in their order. Only the clusters in the
 * 3 × 3 grid cells around it can be that close, so each looks at those
 * instead of at every later cluster: at street level, where every pin is a
 * cluster of its own, a few thousand pins in view made that quadratic loop
 * most of a frame.
 */
static GPtrArray *
merge_neighbors (GPtrArray *clusters,
                 double     distance)
{
  g_autoptr(GPtrArray) merged = g_ptr_array_new_with_free_func (cluster_free);
  g_autofree gboolean *absorbed = NULL;
  g_autofree GridEntry *grid = NULL;
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = clusters->len;

  sort_by_size (clusters);
  absorbed = g_new0 (gboolean, MAX (n, 1));

  grid = g_new (GridEntry, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, i);

      grid[i].row = (gint64) floor (cluster->y / distance);
      grid[i].col = (gint64) floor (cluster->x / distance);
      grid[i].x = cluster->x;
      grid[i].y = cluster->y;
      grid[i].id = i;
      grid[i].index = i;
    }
  sort_by_cell (grid, n);

  for (guint i = 0; i < n; i++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, i);
      double grid_x = cluster->x, grid_y = cluster->y;
      gint64 row = (gint64) floor (grid_y / distance);
      gint64 col = (gint64) floor (grid_x / distance);
      double sum_x, sum_y;

      if (absorbed[i])
        continue;

      g_array_set_size (candidates, 0);
      /* The three cells of a row are next to each other in the grid. */
      for (gint64 r = row - 1; r <= row + 1; r++)
        for (guint k = grid_lower_bound (grid, n, r, col - 1);
             k < n && grid[k].row == r && grid[k].col <= col + 1; k++)
          if (grid[k].index > i && !absorbed[grid[k].index])
            g_array_append_val (candidates, grid[k].index);
      g_array_sort (candidates, compare_uint);

      sum_x = cluster->x * cluster->n_members;
      sum_y = cluster->y * cluster->n_members;

      for (guint m = 0; m < candidates->len; m++)
        {
          guint j = g_array_index (candidates, guint, m);
          AmapCluster *other = g_ptr_array_index (clusters, j);

          if (hypot (other->x - grid_x, other->y - grid_y) >= distance)
            continue;

          absorbed[j] = TRUE;
          cluster->members = g_renew (guint, cluster->members,
                                      cluster->n_members + other->n_members);
          memcpy (cluster->members + cluster->n_members, other->members,
                  other->n_members * sizeof (guint));
          cluster->n_members += other->n_members;
          sum_x += other->x * other->n_members;
          sum_y += other->y * other->n_members;
          cluster->min_x = MIN (cluster->min_x, other->min_x);
          cluster->min_y = MIN (cluster->min_y, other->min_y);
          cluster->max_x = MAX (cluster->max_x, other->max_x);
          cluster->max_y = MAX (cluster->max_y, other->max_y);
        }

      cluster->x = sum_x / cluster->n_members;
      cluster->y = sum_y / cluster->n_members;
    }

  /* Move the survivors over; the absorbed are freed with @clusters. */
  for (guint i = 0; i < n; i++)
    if (!absorbed[i])
      {
        g_ptr_array_add (merged, g_ptr_array_index (clusters, i));
        clusters->pdata[i] = NULL;
      }
  g_ptr_array_unref (clusters);

  return g_steal_pointer (&merged);
}

GPtrArray *
amap_cluster_points (const AmapClusterPoint *points,
                     guint                   n_points,
                     double                  cell_size)
{
  g_autoptr(GPtrArray) clusters = g_ptr_array_new_with_free_func (cluster_free);
  g_autofree CellEntry *entries = NULL;
  guint n_entries = 0;
  guint i = 0;

  g_return_val_if_fail (points != NULL || n_points == 0, NULL);
  g_return_val_if_fail (cell_size > 0, NULL);

  /* Sorting by cell puts each cell's points next to each other: n log n,
   * no hash table, and a stable order for the caller. */
  entries = g_new (CellEntry, MAX (n_points, 1));
  for (guint k = 0; k < n_points; k++)
    {
      if (!isfinite (points[k].x) || !isfinite (points[k].y))
        continue;
      entries[n_entries].row = (gint64) floor (points[k].y / cell_size);
      entries[n_entries].col = (gint64) floor (points[k].x / cell_size);
      entries[n_entries].x = points[k].x;
      entries[n_entries].y = points[k].y;
      entries[n_entries].id = points[k].id;
      entries[n_entries].index = k;
      n_entries++;
    }
  sort_by_cell (entries, n_entries);

  while (i < n_entries)
    {
      AmapCluster *cluster = g_new0 (AmapCluster, 1);
      guint end = i;
      double sum_x = 0, sum_y = 0;

      while (end < n_entries
             && entries[end].row == entries[i].row
             && entries[end].col == entries[i].col)
        end++;

      cluster->n_members = end - i;
      cluster->members = g_new (guint, cluster->n_members);
      cluster->min_x = cluster->min_y = INFINITY;
      cluster->max_x = cluster->max_y = -INFINITY;

      for (guint k = i; k < end; k++)
        {
          const CellEntry *p = &entries[k];

          cluster->members[k - i] = p->id;
          sum_x += p->x;
          sum_y += p->y;
          cluster->min_x = MIN (cluster->min_x, p->x);
          cluster->min_y = MIN (cluster->min_y, p->y);
          cluster->max_x = MAX (cluster->max_x, p->x);
          cluster->max_y = MAX (cluster->max_y, p->y);
        }
      cluster->x = sum_x / cluster->n_members;
      cluster->y = sum_y / cluster->n_members;

      g_ptr_array_add (clusters, cluster);
      i = end;
    }

  return merge_neighbors (g_steal_pointer (&clusters), cell_size);
}

gboolean
amap_cluster_hit_test (const AmapHitBox *boxes,
                       guint             n_boxes,
                       double            x,
                       double            y,
                       guint            *id)
{
  g_return_val_if_fail (boxes != NULL || n_boxes == 0, FALSE);

  for (guint k = n_boxes; k > 0; k--)
    {
      const AmapHitBox *box = &boxes[k - 1];
      double left = box->x - box->anchor_x;
      double top = box->y - box->anchor_y;

      if (x >= left && x <= left + box->width
          && y >= top && y <= top + box->height)
        {
          if (id != NULL)
            *id = box->id;
          return TRUE;
        }
    }

  return FALSE;
}
