/* amap-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-error"

#include "config.h"

#include "amap-error.h"

G_DEFINE_QUARK (amap-error-quark, amap_error)
