/* bench-map-view.c: frame times, time to first frame and memory of the map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by build-aux/bench (section "map"), under Xvfb, one process per
 * measurement so that each starts cold and its memory is its own:
 *
 *   bench-map-view --generate PATH N   writes a map of N assets spread over a
 *                                      30 km box (a city), several categories,
 *                                      stages and one hub in fifty; N = 0 is
 *                                      the empty map (one asset, no location)
 *   bench-map-view window PATH         the app's window on the map at PATH
 *   bench-map-view markers N           the reference: a bare ShumateSimpleMap
 *                                      with a ShumateMarkerLayer holding one
 *                                      widget (a ShumateMarker with an icon)
 *                                      per asset, as a naive app would
 *
 * Both measuring modes wait for the first frame, then run one script of
 * 300 frames (a pan across the box, a zoom in, a diagonal pan zooming out)
 * by setting the viewport's location and zoom from a tick callback, and
 * print one line of key=value pairs:
 *
 *   ttff_start_ms    process start (/proc/self/stat, 10 ms ticks) to the
 *                    end of the first frame's paint
 *   ttff_present_ms  gtk_window_present() to the end of the first paint
 *   ttff_cpu_ms      the CPU time (user and system, every thread) the
 *                    process had used by the end of the first paint: on a
 *                    shared machine, steadier than the wall times
 *   frame_p50_ms, frame_p95_ms
 *                    the frame clock's frame_time deltas over the script
 *                    (gdk_frame_clock_get_timings(): the time between the
 *                    starts of consecutive frames, so a frame that misses
 *                    its slot shows as a longer interval)
 *   work_p50_ms, work_p95_ms
 *                    per frame, the wall time from the frame clock's
 *                    "update" to "after-paint" (layout, snapshot and render:
 *                    the work a frame costs, even when it fits the slot)
 *   rss_mib, hwm_mib VmRSS and VmHWM from /proc/self/status after the script
 *
 * BENCH_MAP_FRAMES=1 prints each frame's work on stderr.
 */

#define G_LOG_DOMAIN "bench-map-view"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <shumate/shumate.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "amap-asset.h"
#include "amap-category.h"
#include "amap-map-view.h"
#include "amap-pin-layer.h"
#include "amap-store.h"
#include "amap-window.h"

#define N_FRAMES 300
/* Oakland-sized: 30 km by 30 km around this center. */
#define CENTER_LAT 37.80
#define CENTER_LON -122.25
#define HALF_LAT (15.0 / 111.0)
#define HALF_LON (15.0 / (111.0 * 0.79))

typedef struct
{
  GtkWidget       *window;
  GtkWidget       *ticker;
  GtkWidget       *map;
  ShumateViewport *viewport;
  GdkFrameClock   *clock;
  gint64           present_time;
  gint64           ttff_present;
  double           ttff_start;
  double           ttff_cpu;
  gint64           update_time;
  gint64           first_counter;
  guint            frame;
  GArray          *work;        /* gint64 microseconds */
  GArray          *deltas;      /* gint64 microseconds */
  gint64           last_frame_time;
  gint64           last_seen_counter;
  gboolean         running;
  gboolean         done;
} Bench;

static double
process_age_ms (void)
{
  g_autofree char *stat = NULL;
  const char *p;
  unsigned long long start_ticks = 0;
  struct timespec now;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return NAN;
  /* Field 22; the second field (the name) may hold spaces, so count from
   * its closing parenthesis. */
  p = strrchr (stat, ')');
  for (int field = 2; p != NULL && field < 22; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL)
    return NAN;
  start_ticks = g_ascii_strtoull (p + 1, NULL, 10);
  clock_gettime (CLOCK_BOOTTIME, &now);
  return (now.tv_sec * 1000.0 + now.tv_nsec / 1e6)
         - start_ticks * 1000.0 / sysconf (_SC_CLK_TCK);
}

static double
process_cpu_ms (void)
{
  struct timespec cpu;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0)
    return NAN;
  return cpu.tv_sec * 1000.0 + cpu.tv_nsec / 1e6;
}

static double
status_mib (const char *key)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return NAN;
  p = strstr (status, key);
  if (p == NULL)
    return NAN;
  return g_ascii_strtod (p + strlen (key) + 1, NULL) / 1024.0;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *values,
               double  fraction)
{
  guint index;

  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_int64);
  index = MIN (values->len - 1, (guint) ceil (fraction * values->len) - 1);
  return g_array_index (values, gint64, index) / 1000.0;
}

/* The script: frame @i of N_FRAMES. */
static void
script_view (guint   i,
             double *latitude,
             double *longitude,
             double *zoom)
{
  double t;

  if (i < 100)
    {
      /* West to east across the box at a district zoom. */
      t = i / 99.0;
      *latitude = CENTER_LAT;
      *longitude = CENTER_LON - HALF_LON + 2 * HALF_LON * t;
      *zoom = 13.0;
    }
  else if (i < 200)
    {
      /* Into a neighborhood, down to street level. */
      t = (i - 100) / 99.0;
      *latitude = CENTER_LAT + 0.01 * t;
      *longitude = CENTER_LON + 0.01 * t;
      *zoom = 12.0 + 5.0 * t;
    }
  else
    {
      /* A diagonal pan back out to the whole city. */
      t = (i - 200) / 99.0;
      *latitude = CENTER_LAT + 0.01 - (HALF_LAT) * t;
      *longitude = CENTER_LON + 0.01 - (HALF_LON) * t;
      *zoom = 17.0 - 6.0 * t;
    }
}

static void
collect_timings (Bench *bench)
{
  gint64 current = gdk_frame_clock_get_frame_counter (bench->clock);
  gint64 from = MAX (bench->last_seen_counter + 1,
                     gdk_frame_clock_get_history_start (bench->clock));

  for (gint64 counter = from; counter <= current; counter++)
    {
      GdkFrameTimings *timings = gdk_frame_clock_get_timings (bench->clock, counter);
      gint64 frame_time;

      if (timings == NULL)
        continue;
      frame_time = gdk_frame_timings_get_frame_time (timings);
      if (counter > bench->first_counter && bench->last_frame_time > 0)
        {
          gint64 delta = frame_time - bench->last_frame_time;
          g_array_append_val (bench->deltas, delta);
        }
      bench->last_frame_time = frame_time;
      bench->last_seen_counter = counter;
    }
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;
  double latitude, longitude, zoom;

  if (!bench->running)
    return G_SOURCE_CONTINUE;
  collect_timings (bench);
  if (bench->frame >= N_FRAMES)
    {
      bench->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  script_view (bench->frame++, &latitude, &longitude, &zoom);
  shumate_viewport_set_zoom_level (bench->viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (bench->viewport), latitude, longitude);
  return G_SOURCE_CONTINUE;
}

static void
on_update_cb (GdkFrameClock *clock,
              Bench         *bench)
{
  bench->update_time = g_get_monotonic_time ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->ttff_present == 0)
    {
      bench->ttff_present = now - bench->present_time;
      bench->ttff_start = process_age_ms ();
      bench->ttff_cpu = process_cpu_ms ();
      return;
    }
  if (bench->running && bench->frame > 0 && bench->frame <= N_FRAMES
      && bench->update_time > 0)
    {
      gint64 work = now - bench->update_time;
      g_array_append_val (bench->work, work);
      if (g_getenv ("BENCH_MAP_FRAMES") != NULL)
        g_printerr ("frame %u work %.1f ms\n", bench->frame, work / 1000.0);
    }
  bench->update_time = 0;
}

static gboolean
start_script_cb (gpointer user_data)
{
  Bench *bench = user_data;

  bench->first_counter = gdk_frame_clock_get_frame_counter (bench->clock);
  bench->last_seen_counter = bench->first_counter;
  bench->running = TRUE;
  gtk_widget_add_tick_callback (bench->ticker, tick_cb, bench, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_map_cb (GtkWidget *widget,
           Bench     *bench)
{
  bench->clock = gtk_widget_get_frame_clock (bench->window);
  g_signal_connect (bench->clock, "update", G_CALLBACK (on_update_cb), bench);
  g_signal_connect (bench->clock, "after-paint", G_CALLBACK (on_after_paint_cb), bench);
}

static void
run (Bench *bench)
{
  gtk_window_set_default_size (GTK_WINDOW (bench->window), 1280, 800);
  g_signal_connect (bench->window, "map", G_CALLBACK (on_map_cb), bench);
  bench->present_time = g_get_monotonic_time ();
  gtk_window_present (GTK_WINDOW (bench->window));

  while (bench->ttff_present == 0)
    g_main_context_iteration (NULL, TRUE);
  /* Let whatever the first frame started (the window's own fit to the
   * assets, idle loads) settle for a second before the script. */
  g_timeout_add (1000, start_script_cb, bench);
  while (!bench->done)
    g_main_context_iteration (NULL, TRUE);

  g_print ("ttff_start_ms=%.0f ttff_present_ms=%.0f ttff_cpu_ms=%.0f frames=%u"
           " frame_p50_ms=%.2f frame_p95_ms=%.2f work_p50_ms=%.2f work_p95_ms=%.2f"
           " rss_mib=%.1f hwm_mib=%.1f map_mapped=%d\n",
           bench->ttff_start, bench->ttff_present / 1000.0, bench->ttff_cpu, bench->deltas->len,
           percentile_ms (bench->deltas, 0.5), percentile_ms (bench->deltas, 0.95),
           percentile_ms (bench->work, 0.5), percentile_ms (bench->work, 0.95),
           status_mib ("VmRSS:"), status_mib ("VmHWM:"),
           gtk_widget_get_mapped (bench->map));
}

static int
generate (const char *path,
          guint       n)
{
  static const char * const categories[] = {
    AMAP_CATEGORY_HEALTH, AMAP_CATEGORY_PARK, AMAP_CATEGORY_EDUCATION,
    AMAP_CATEGORY_LIBRARY, AMAP_CATEGORY_BUSINESS, AMAP_CATEGORY_NONPROFIT,
    AMAP_CATEGORY_FAITH, AMAP_CATEGORY_PUBLIC,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  AmapStoreBatch *batch;
  /* Ten neighborhood centers where assets cluster, the rest spread out. */
  double hubs[10][2];

  g_unlink (path);
  store = amap_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (hubs); i++)
    {
      hubs[i][0] = CENTER_LAT + g_rand_double_range (rand, -HALF_LAT, HALF_LAT) * 0.8;
      hubs[i][1] = CENTER_LON + g_rand_double_range (rand, -HALF_LON, HALF_LON) * 0.8;
    }
  batch = amap_store_batch_begin (store, &error);
  if (batch == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  amap_store_batch_set_name (batch, "bench");
  if (n == 0)
    {
      /* The empty map: no pins, but one asset without a location, so that
       * the window shows its map rather than the first-run placeholder. */
      g_autoptr(AmapAsset) asset = amap_asset_new ("Not on the map");

      if (!amap_store_batch_put (batch, asset, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          amap_store_batch_abort (batch);
          return 1;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Asset %u on %u%s Street", i,
                                               i % 90 + 1, i % 10 == 1 ? "st" : "th");
      g_autoptr(AmapAsset) asset = amap_asset_new (name);
      double latitude, longitude;

      amap_asset_set_category (asset, categories[g_rand_int_range (rand, 0, G_N_ELEMENTS (categories))]);
      amap_asset_set_stage (asset, (AmapStage) g_rand_int_range (rand, 0, AMAP_STAGE_INACTIVE + 1));
      amap_asset_set_is_hub (asset, i % 50 == 0);
      amap_asset_set_description (asset, "A place the community uses; open weekdays.");
      amap_asset_set_address (asset, "1200 Fruitvale Ave, Oakland, CA");
      if (g_rand_int_range (rand, 0, 10) < 6)
        {
          guint h = g_rand_int_range (rand, 0, G_N_ELEMENTS (hubs));
          /* Gaussian-ish around a neighborhood center, about 1 km. */
          latitude = hubs[h][0] + (g_rand_double (rand) + g_rand_double (rand) - 1) * 0.012;
          longitude = hubs[h][1] + (g_rand_double (rand) + g_rand_double (rand) - 1) * 0.015;
        }
      else
        {
          latitude = CENTER_LAT + g_rand_double_range (rand, -HALF_LAT, HALF_LAT);
          longitude = CENTER_LON + g_rand_double_range (rand, -HALF_LON, HALF_LON);
        }
      amap_asset_set_location (asset, latitude, longitude);
      if (!amap_store_batch_put (batch, asset, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          amap_store_batch_abort (batch);
          return 1;
        }
    }
  if (!amap_store_batch_commit (batch, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

static void
set_up_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.assetmap.AssetMap");

  /* No network: no base map, so only the pins and the map's own drawing
   * are measured. */
  g_settings_set_string (settings, "base-map", "none");
  g_settings_set_boolean (settings, "show-walking-rings", FALSE);
}

static int
run_window (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapStore) store = NULL;
  Bench bench = { 0 };
  GtkWidget *map_view;

  set_up_settings ();
  store = amap_store_open_existing (path, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  bench.work = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.deltas = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.window = GTK_WIDGET (amap_window_new (NULL, store));
  map_view = amap_window_get_map_view (AMAP_WINDOW (bench.window));
  /* The window ticks even when the map is not on screen (an empty map
   * shows a placeholder instead); the output says whether it was. */
  bench.ticker = bench.window;
  bench.map = map_view;
  bench.viewport = shumate_layer_get_viewport (SHUMATE_LAYER (amap_map_view_get_pin_layer (AMAP_MAP_VIEW (map_view))));
  run (&bench);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  return 0;
}

static int
run_markers (guint n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  Bench bench = { 0 };
  ShumateSimpleMap *map;
  ShumateMarkerLayer *layer;

  bench.work = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.deltas = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.window = gtk_window_new ();
  map = shumate_simple_map_new ();
  bench.viewport = shumate_simple_map_get_viewport (map);
  shumate_viewport_set_reference_map_source (bench.viewport,
                                             shumate_map_source_registry_get_by_id (shumate_map_source_registry_new_with_defaults (),
                                                                                    SHUMATE_MAP_SOURCE_OSM_MAPNIK));
  shumate_viewport_set_zoom_level (bench.viewport, 13);
  shumate_location_set_location (SHUMATE_LOCATION (bench.viewport), CENTER_LAT, CENTER_LON);
  layer = shumate_marker_layer_new (bench.viewport);
  for (guint i = 0; i < n; i++)
    {
      ShumateMarker *marker = shumate_marker_new ();

      shumate_marker_set_child (marker, gtk_image_new_from_icon_name ("mark-location-symbolic"));
      shumate_location_set_location (SHUMATE_LOCATION (marker),
                                     CENTER_LAT + g_rand_double_range (rand, -HALF_LAT, HALF_LAT),
                                     CENTER_LON + g_rand_double_range (rand, -HALF_LON, HALF_LON));
      shumate_marker_layer_add_marker (layer, marker);
    }
  shumate_simple_map_add_overlay_layer (map, SHUMATE_LAYER (layer));
  gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (map));
  bench.ticker = GTK_WIDGET (map);
  bench.map = GTK_WIDGET (map);
  run (&bench);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--generate"))
    return generate (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
  if (argc != 3 || (!g_str_equal (argv[1], "window") && !g_str_equal (argv[1], "markers")))
    {
      g_printerr ("Usage: %s --generate PATH N | window PATH | markers N\n", argv[0]);
      return 2;
    }

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  gtk_init ();
  adw_init ();

  if (g_str_equal (argv[1], "window"))
    return run_window (argv[2]);
  return run_markers ((guint) g_ascii_strtoull (argv[2], NULL, 10));
}
