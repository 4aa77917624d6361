/* test-util.h: what the tests share: temporary folders, running the
 * app's binary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and everything in it. */
void     test_util_remove_dir  (const char          *path);

/* Runs $AMAP_BINARY with @args (NULL-terminated) and no display, in the C
 * language, without our settings schema (the headless commands must not
 * need it; the isolated XDG directories hide the system's schemas too).
 * FALSE when there is no binary to run; the test then skips. */
gboolean test_util_run_binary  (const char * const  *args,
                                char               **out,
                                char               **err,
                                int                 *exit_status);

G_END_DECLS
