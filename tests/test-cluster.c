/* test-cluster.c: pins crowd into clusters; a click finds the pin on top
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "amap-cluster.h"
#include "amap-projection.h"

/* A pin like the map draws: 28 x 38 pixels, its tip (the anchor) at the
 * middle of the bottom edge. */
#define PIN_W 28.0
#define PIN_H 38.0

static AmapHitBox
pin_box (double x,
         double y,
         guint  id)
{
  AmapHitBox box = { x, y, PIN_W, PIN_H, PIN_W / 2, PIN_H, id };
  return box;
}

static void
test_hit_topmost (void)
{
  /* Two pins overlapping: 2 is drawn after 1, so it is on top. */
  AmapHitBox boxes[] = {
    pin_box (100, 100, 1),
    pin_box (110, 105, 2),
    pin_box (300, 300, 3),
  };
  guint id = 0;

  /* In the overlap: the one on top. */
  g_assert_true (amap_cluster_hit_test (boxes, G_N_ELEMENTS (boxes), 105, 90, &id));
  g_assert_cmpuint (id, ==, 2);
  /* Only under pin 1 (left of pin 2's box). */
  g_assert_true (amap_cluster_hit_test (boxes, G_N_ELEMENTS (boxes), 88, 80, &id));
  g_assert_cmpuint (id, ==, 1);
  /* The tip itself. */
  g_assert_true (amap_cluster_hit_test (boxes, G_N_ELEMENTS (boxes), 300, 300, &id));
  g_assert_cmpuint (id, ==, 3);
  /* The head's top edge. */
  g_assert_true (amap_cluster_hit_test (boxes, G_N_ELEMENTS (boxes), 300, 300 - PIN_H, &id));
  g_assert_cmpuint (id, ==, 3);
}

static void
test_hit_just_outside (void)
{
  AmapHitBox boxes[] = { pin_box (300, 300, 3) };
  guint id = 42;

  /* Just below the tip, above the head, left and right of the box. */
  g_assert_false (amap_cluster_hit_test (boxes, 1, 300, 300.5, &id));
  g_assert_false (amap_cluster_hit_test (boxes, 1, 300, 300 - PIN_H - 0.5, &id));
  g_assert_false (amap_cluster_hit_test (boxes, 1, 300 - PIN_W / 2 - 0.5, 290, &id));
  g_assert_false (amap_cluster_hit_test (boxes, 1, 300 + PIN_W / 2 + 0.5, 290, &id));
  g_assert_cmpuint (id, ==, 42);
  /* Nothing drawn, nothing hit. */
  g_assert_false (amap_cluster_hit_test (NULL, 0, 300, 290, &id));
}

static guint
total_members (GPtrArray *clusters)
{
  guint total = 0;

  for (guint i = 0; i < clusters->len; i++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, i);
      g_assert_cmpuint (cluster->n_members, >, 0);
      total += cluster->n_members;
    }
  return total;
}

static void
test_cluster_counts_add_up (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  g_autofree AmapClusterPoint *points = g_new (AmapClusterPoint, 1000);
  g_autofree gboolean *seen = g_new0 (gboolean, 1000);

  for (guint i = 0; i < 1000; i++)
    {
      points[i].x = g_rand_double_range (rand, -2000, 2000);
      points[i].y = g_rand_double_range (rand, -2000, 2000);
      points[i].id = i;
    }

  for (double cell = 10; cell <= 1000; cell *= 3)
    {
      g_autoptr(GPtrArray) clusters = amap_cluster_points (points, 1000, cell);

      g_assert_cmpuint (total_members (clusters), ==, 1000);
      /* Every point in exactly one cluster, inside its cluster's box. */
      memset (seen, 0, 1000 * sizeof (gboolean));
      for (guint i = 0; i < clusters->len; i++)
        {
          AmapCluster *cluster = g_ptr_array_index (clusters, i);

          for (guint k = 0; k < cluster->n_members; k++)
            {
              guint id = cluster->members[k];

              g_assert_false (seen[id]);
              seen[id] = TRUE;
              g_assert_cmpfloat (points[id].x, >=, cluster->min_x);
              g_assert_cmpfloat (points[id].x, <=, cluster->max_x);
            }
          g_assert_cmpfloat (cluster->x, >=, cluster->min_x);
          g_assert_cmpfloat (cluster->x, <=, cluster->max_x);
        }
    }
}

static void
test_cluster_close_points_merge (void)
{
  AmapClusterPoint points[] = {
    { 10, 10, 0 }, { 20, 30, 1 }, { 45, 5, 2 },   /* one 50 px cell */
    { 260, 10, 3 },                                /* alone */
    { NAN, 10, 4 },                                /* not drawable */
  };
  g_autoptr(GPtrArray) clusters = amap_cluster_points (points, G_N_ELEMENTS (points), 50);
  AmapCluster *first;

  g_assert_cmpuint (clusters->len, ==, 2);
  first = g_ptr_array_index (clusters, 0);
  g_assert_cmpuint (first->n_members, ==, 3);
  g_assert_cmpfloat_with_epsilon (first->x, 25, 1e-9);
  g_assert_cmpfloat_with_epsilon (first->y, 15, 1e-9);
  g_assert_cmpuint (((AmapCluster *) g_ptr_array_index (clusters, 1))->n_members, ==, 1);
}

static void
test_cluster_straddling_cell_edge (void)
{
  /* Two pins 4 px apart on either side of a cell edge: one badge, not
   * two badges drawn on top of each other. */
  AmapClusterPoint points[] = { { 48, 10, 0 }, { 52, 10, 1 }, { 200, 10, 2 } };
  g_autoptr(GPtrArray) clusters = amap_cluster_points (points, G_N_ELEMENTS (points), 50);
  AmapCluster *first;

  g_assert_cmpuint (clusters->len, ==, 2);
  first = g_ptr_array_index (clusters, 0);
  g_assert_cmpuint (first->n_members, ==, 2);
  g_assert_cmpfloat_with_epsilon (first->x, 50, 1e-9);
  g_assert_cmpfloat (first->min_x, ==, 48);
  g_assert_cmpfloat (first->max_x, ==, 52);
}

static guint
count_clusters_at_zoom (const double (*places)[2],
                        guint         n_places,
                        double        zoom,
                        guint        *largest)
{
  g_autofree AmapClusterPoint *points = g_new (AmapClusterPoint, n_places);
  g_autoptr(GPtrArray) clusters = NULL;

  for (guint i = 0; i < n_places; i++)
    {
      amap_projection_location_to_pixels (places[i][0], places[i][1], zoom,
                                          &points[i].x, &points[i].y);
      points[i].id = i;
    }
  clusters = amap_cluster_points (points, n_places, 60);
  g_assert_cmpuint (total_members (clusters), ==, n_places);

  *largest = 0;
  for (guint i = 0; i < clusters->len; i++)
    *largest = MAX (*largest, ((AmapCluster *) g_ptr_array_index (clusters, i))->n_members);

  return clusters->len;
}

static void
test_cluster_splits_when_zooming_in (void)
{
  /* Five places on one block of Fruitvale, about 100 m apart. */
  static const double places[][2] = {
    { 37.7750, -122.2240 },
    { 37.7758, -122.2232 },
    { 37.7742, -122.2226 },
    { 37.7765, -122.2250 },
    { 37.7736, -122.2244 },
  };
  guint largest, n_clusters;
  guint previous = 0;

  /* City view: one badge for all five. */
  n_clusters = count_clusters_at_zoom (places, G_N_ELEMENTS (places), 11, &largest);
  g_assert_cmpuint (n_clusters, ==, 1);
  g_assert_cmpuint (largest, ==, 5);

  /* Zooming in never merges, and at street level every pin stands alone. */
  for (double zoom = 11; zoom <= 19; zoom += 1)
    {
      n_clusters = count_clusters_at_zoom (places, G_N_ELEMENTS (places), zoom, &largest);
      g_assert_cmpuint (n_clusters, >=, previous);
      previous = n_clusters;
    }
  g_assert_cmpuint (n_clusters, ==, 5);
  g_assert_cmpuint (largest, ==, 1);
}

/* The clustering as first written: points grouped by grid cell, then,
 * biggest first, each group absorbing every later one whose centre lies
 * within a cell's width of its own, looking at all of them. The grid
 * search that replaced the inner loop must give the same clusters. */
typedef struct
{
  double  x, y;
  guint   n;
  guint  *members;
} RefCluster;

static int
ref_compare (gconstpointer a,
             gconstpointer b)
{
  const RefCluster *ca = a;
  const RefCluster *cb = b;

  if (ca->n != cb->n)
    return ca->n > cb->n ? -1 : 1;
  if (ca->y != cb->y)
    return ca->y < cb->y ? -1 : 1;
  if (ca->x != cb->x)
    return ca->x < cb->x ? -1 : 1;
  return 0;
}

static GArray *
reference_clusters (const AmapClusterPoint *points,
                    guint                   n_points,
                    double                  cell)
{
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (RefCluster));
  g_autoptr(GArray) merged = g_array_new (FALSE, TRUE, sizeof (RefCluster));
  g_autofree gboolean *absorbed = NULL;

  /* Groups in order of their cell (row, then column), members in input order. */
  for (guint k = 0; k < n_points; k++)
    {
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                                              (gint64) floor (points[k].y / cell),
                                              (gint64) floor (points[k].x / cell));
      gpointer index;
      RefCluster *group;

      if (!g_hash_table_lookup_extended (cells, key, NULL, &index))
        {
          RefCluster fresh = { 0 };

          fresh.members = g_new (guint, n_points);
          g_array_append_val (groups, fresh);
          index = GUINT_TO_POINTER (groups->len - 1);
          g_hash_table_insert (cells, g_steal_pointer (&key), index);
        }
      group = &g_array_index (groups, RefCluster, GPOINTER_TO_UINT (index));
      group->members[group->n++] = points[k].id;
      group->x += points[k].x;
      group->y += points[k].y;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      RefCluster *group = &g_array_index (groups, RefCluster, i);

      group->x /= group->n;
      group->y /= group->n;
    }

  g_array_sort (groups, ref_compare);
  absorbed = g_new0 (gboolean, MAX (groups->len, 1));
  for (guint i = 0; i < groups->len; i++)
    {
      RefCluster *group = &g_array_index (groups, RefCluster, i);
      double gx = group->x, gy = group->y;
      double sx = gx * group->n, sy = gy * group->n;

      if (absorbed[i])
        continue;
      for (guint j = i + 1; j < groups->len; j++)
        {
          RefCluster *other = &g_array_index (groups, RefCluster, j);

          if (absorbed[j] || hypot (other->x - gx, other->y - gy) >= cell)
            continue;
          absorbed[j] = TRUE;
          memcpy (group->members + group->n, other->members, other->n * sizeof (guint));
          group->n += other->n;
          sx += other->x * other->n;
          sy += other->y * other->n;
        }
      group->x = sx / group->n;
      group->y = sy / group->n;
      g_array_append_val (merged, *group);
    }
  for (guint i = 0; i < groups->len; i++)
    if (absorbed[i])
      g_free (g_array_index (groups, RefCluster, i).members);
  g_array_unref (groups);

  return g_steal_pointer (&merged);
}

static void
test_cluster_same_as_all_pairs (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const double cells[] = { 44.0, 13.0, 1e-6 };

  for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
    {
      g_autofree AmapClusterPoint *points = g_new (AmapClusterPoint, 3000);
      g_autoptr(GPtrArray) clusters = NULL;
      g_autoptr(GArray) expected = NULL;

      /* Clumps of a few pixels (many cells that touch and merge) and
       * points spread over a city-sized view, some exactly on top of each
       * other. */
      for (guint k = 0; k < 3000; k++)
        {
          if (k % 3 == 0)
            {
              points[k].x = 500 + g_rand_double_range (rand, -60, 60);
              points[k].y = 400 + g_rand_double_range (rand, -60, 60);
            }
          else if (k % 3 == 1)
            {
              points[k].x = g_rand_double_range (rand, -2000, 2000);
              points[k].y = g_rand_double_range (rand, -1500, 1500);
            }
          else
            points[k] = points[k - 2];
          points[k].id = k;
        }

      clusters = amap_cluster_points (points, 3000, cells[c]);
      expected = reference_clusters (points, 3000, cells[c]);

      g_assert_cmpuint (clusters->len, ==, expected->len);
      for (guint i = 0; i < expected->len; i++)
        {
          AmapCluster *got = g_ptr_array_index (clusters, i);
          RefCluster *want = &g_array_index (expected, RefCluster, i);

          g_assert_cmpuint (got->n_members, ==, want->n);
          g_assert_cmpmem (got->members, got->n_members * sizeof (guint),
                           want->members, want->n * sizeof (guint));
          g_assert_cmpfloat_with_epsilon (got->x, want->x, 1e-6);
          g_assert_cmpfloat_with_epsilon (got->y, want->y, 1e-6);
          g_free (want->members);
        }
    }
}

/* Points on a wide lattice (negative and positive, so that the sort by
 * cell takes several passes for rows and columns), some sharing a place:
 * each cell's points form one cluster, in input order, and no cell is
 * split in two. */
static void
test_cells_wide_spread (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) clusters = NULL;
  g_autofree AmapClusterPoint *points = NULL;
  g_autofree gboolean *seen = NULL;
  guint n = 20000;

  points = g_new (AmapClusterPoint, n);
  for (guint i = 0; i < n; i++)
    {
      if (i % 3 == 2)
        points[i] = points[g_rand_int_range (rand, 0, i)];
      else
        {
          points[i].x = g_rand_int_range (rand, -100000, 100000) + 0.0005;
          points[i].y = g_rand_int_range (rand, -3, 3) * 70000.0 + g_rand_int_range (rand, 0, 40) + 0.0005;
        }
      points[i].id = i;
      g_hash_table_add (cells, g_strdup_printf ("%.0f,%.0f", floor (points[i].x * 1000),
                                                 floor (points[i].y * 1000)));
    }

  /* Cells of a thousandth: distinct places are a whole unit apart, so no
   * two cells merge. */
  clusters = amap_cluster_points (points, n, 1e-3);
  g_assert_cmpuint (clusters->len, ==, g_hash_table_size (cells));

  seen = g_new0 (gboolean, n);
  for (guint c = 0; c < clusters->len; c++)
    {
      AmapCluster *cluster = g_ptr_array_index (clusters, c);

      for (guint k = 0; k < cluster->n_members; k++)
        {
          guint id = cluster->members[k];

          g_assert_false (seen[id]);
          seen[id] = TRUE;
          g_assert_true (k == 0 || cluster->members[k - 1] < id);
          g_assert_cmpfloat (points[id].x, ==, points[cluster->members[0]].x);
          g_assert_cmpfloat (points[id].y, ==, points[cluster->members[0]].y);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cluster/cells-wide-spread", test_cells_wide_spread);
  g_test_add_func ("/cluster/hit-test/topmost", test_hit_topmost);
  g_test_add_func ("/cluster/hit-test/just-outside", test_hit_just_outside);
  g_test_add_func ("/cluster/counts-add-up", test_cluster_counts_add_up);
  g_test_add_func ("/cluster/close-points-merge", test_cluster_close_points_merge);
  g_test_add_func ("/cluster/straddling-cell-edge", test_cluster_straddling_cell_edge);
  g_test_add_func ("/cluster/splits-when-zooming-in", test_cluster_splits_when_zooming_in);
  g_test_add_func ("/cluster/same-as-all-pairs", test_cluster_same_as_all_pairs);

  return g_test_run ();
}
