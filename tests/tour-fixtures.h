/* tour-fixtures.h: a map with a home, assets and a stored tour, for the
 * tour output tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "amap-store.h"
#include "amap-tour-plan.h"

G_BEGIN_DECLS

#define TOUR_FIXTURE_MAX_STOPS 8
#define TOUR_FIXTURE_NAME "Staff welcome tour"

typedef struct
{
  char      *dir;
  char      *path;       /* the map */
  AmapStore *store;
  AmapTour  *tour;       /* as stored */
  char      *uuids[TOUR_FIXTURE_MAX_STOPS];
  const char *names[TOUR_FIXTURE_MAX_STOPS];
  guint      n_stops;
} TourFixture;

/* A map in a new temporary directory: home "Fruitvale Elementary", and
 * @n_stops assets (each with a leader, strengths, needs) that the tour
 * TOUR_FIXTURE_NAME visits in order (departing 2026-03-10 09:00 local,
 * notes on each stop; the stops alternate between @n_buses buses). */
void          tour_fixture_setup     (TourFixture *fixture,
                                      guint        n_stops,
                                      guint        n_buses);
void          tour_fixture_teardown  (TourFixture *fixture);
/* The plan of the stored tour. */
AmapTourPlan *tour_fixture_plan      (TourFixture *fixture);
/* A path in the fixture's directory. */
char         *tour_fixture_file      (TourFixture *fixture,
                                      const char  *name);
/* Removes @dir and everything in it. */
void          tour_fixture_remove_tree (const char *dir);
/* The text of a PDF (pdftotext, layout order), or NULL (skipped) when
 * poppler-utils is missing. Pages from @first to @last (1-based; 0: all). */
char         *tour_fixture_pdf_text  (const char  *path,
                                      int          first,
                                      int          last);
/* pdfinfo's page count, or -1 (skipped). */
int           tour_fixture_pdf_pages (const char  *path);
/* TRUE when @needles appear in @haystack in this order (NULL-terminated). */
gboolean      tour_fixture_in_order  (const char  *haystack,
                                      const char * const *needles);

G_END_DECLS
