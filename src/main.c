/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "amap-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AmapApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* A build tree's catalogues (build-aux/run sets it), else the installed ones. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("AMAP_LOCALEDIR") != NULL ? g_getenv ("AMAP_LOCALEDIR")
                                                                      : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = amap_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
