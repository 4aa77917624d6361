/* amap-tour-order.h: ordering a tour's stops and splitting them across
 * buses, over a cost matrix. Plain arrays in, plain arrays out: safe in a
 * worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The points of a problem with @n stops are numbered 0..n-1 (the stops),
 * n (the start) and n+1 (the end; it may be the same place as the start).
 * @matrix holds (n+2)×(n+2) costs, row-major: matrix[i * (n + 2) + j] is
 * the cost of going from i to j (seconds of driving, or metres). It need
 * not be symmetric.
 */

/* The cost of visiting the stops in @order (a permutation of 0..n-1) from
 * the start to the end. */
double   amap_tour_order_length   (const double *matrix,
                                   guint         n,
                                   const guint  *order);

/* Finds a short order of the @n stops from the start to the end: a
 * construction (nearest neighbour or cheapest insertion), then 2-opt and
 * Or-opt moves until none improves. @order holds the user's order on
 * entry (a permutation of 0..n-1) and the new one on return; the new
 * order is never longer than the one given (an equally long one is kept
 * as given). Up to 12 stops the result is the exact optimum (a Held-Karp
 * search); above, the heuristic adds a few seeded perturbation rounds, so
 * the same input always gives the same order. Returns its length. */
double   amap_tour_order_optimize (const double *matrix,
                                   guint         n,
                                   guint        *order);

/*
 * Splits the @n stops across @n_buses buses that all start and end where
 * the tour does, and orders each bus's stops. @dwell_s[i] is the time
 * spent at stop i; @limit_s is the longest a bus may be out (driving plus
 * dwell; <= 0: no limit). When a split exists in which every bus is back
 * within @limit_s the result has one; among those (or, when there is
 * none, among all) it balances the buses' lengths (it minimizes the
 * longest bus).
 *
 * On return @bus[i] is stop i's bus and @order lists all n stops grouped
 * by bus (bus 0's stops in visiting order, then bus 1's, …). Returns TRUE
 * when every bus is back within the limit (always TRUE without one).
 * @matrix must be in seconds (of driving); @dwell_s may be NULL (no time
 * at the stops). Exact up to 12 stops; above, a giant tour cut into runs,
 * then stops moved and swapped between buses while the longest bus gets
 * shorter. A bus may get no stops when there are more buses than it pays
 * to use; it then has length 0.
 */
gboolean amap_tour_order_split    (const double *matrix,
                                   const double *dwell_s,
                                   guint         n,
                                   guint         n_buses,
                                   double        limit_s,
                                   guint        *bus,
                                   guint        *order);

G_END_DECLS
