/* amap-tour-order-private.h: the optimizer's heuristic on its own, for
 * the tests and the benchmark (amap_tour_order_optimize() solves small
 * tours exactly instead)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Like amap_tour_order_optimize(), at any size: construction, 2-opt and
 * Or-opt, perturbation; never longer than the order given. */
double amap_tour_order_optimize_heuristic (const double *matrix,
                                           guint         n,
                                           guint        *order);

/* 2-opt and Or-opt alone, from @order, until no move improves: what a
 * random-restart search repeats (the benchmark's yardstick). */
double amap_tour_order_local_search       (const double *matrix,
                                           guint         n,
                                           guint        *order);

G_END_DECLS
