/* test-place-search.c: place search in the main window, against a
 * Nominatim-compatible server on 127.0.0.1 (Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "amap-asset-editor.h"
#include "amap-locate-dialog.h"
#include "amap-map-view.h"
#include "amap-place-search.h"
#include "amap-store.h"
#include "amap-window.h"
#include "amap-window-places.h"
#include "gui-test-util.h"

/* Two places, as nominatim.openstreetmap.org answers /search?format=jsonv2. */
static const char fruitvale_json[] =
  "[{\"place_id\":1,\"lat\":\"37.7748353\",\"lon\":\"-122.2242312\",\"category\":\"amenity\","
  "\"type\":\"school\",\"importance\":0.38,\"name\":\"Fruitvale Elementary\","
  "\"display_name\":\"Fruitvale Elementary, 3200, Boston Avenue, Fruitvale, Oakland, California, "
  "94602, United States\",\"boundingbox\":[\"37.7746\",\"37.7751\",\"-122.2245\",\"-122.2239\"]},"
  "{\"place_id\":2,\"lat\":\"37.7757\",\"lon\":\"-122.2213\",\"category\":\"place\","
  "\"type\":\"neighbourhood\",\"importance\":0.21,"
  "\"display_name\":\"Fruitvale, Oakland, California, United States\","
  "\"boundingbox\":[\"37.76\",\"37.79\",\"-122.24\",\"-122.20\"]}]";

/* The server runs in a thread of its own, so that the times it notes are
 * when the requests arrived, not when the window's busy main loop got
 * round to them. */
typedef struct
{
  char         *dir;
  AmapStore    *store;
  AmapWindow   *window;
  GThread      *thread;
  GMainContext *server_context;
  GMainLoop    *server_loop;
  GMutex        lock;
  GCond         ready;
  char         *base;
  GPtrArray    *queries;  /* q of each request, in order */
  GArray       *times;    /* gint64 µs the server got each */
  GPtrArray    *agents;
} Fixture;

/* Turns the main loop until @cond holds (the server is in this process),
 * for at most ten seconds. */
#define WAIT_FOR(cond)                                                         \
  G_STMT_START {                                                               \
    gint64 deadline_ = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;          \
    while (!(cond))                                                            \
      {                                                                        \
        g_assert_cmpint (g_get_monotonic_time (), <, deadline_);               \
        if (!g_main_context_iteration (NULL, FALSE))                           \
          g_usleep (2000);                                                     \
      }                                                                        \
    gui_test_spin ();                                                                   \
  } G_STMT_END

static void
on_request_cb (SoupServer        *soup_server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  Fixture *fixture = data;
  const char *q = query != NULL ? g_hash_table_lookup (query, "q") : NULL;
  gint64 now = g_get_monotonic_time ();
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_mutex_lock (&fixture->lock);
  g_ptr_array_add (fixture->queries, g_strdup (q));
  g_array_append_val (fixture->times, now);
  g_ptr_array_add (fixture->agents, g_strdup (soup_message_headers_get_one (headers, "User-Agent")));
  g_mutex_unlock (&fixture->lock);

  soup_server_message_set_status (msg, 200, NULL);
  if (q != NULL && strstr (q, "Fruitvale") != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      fruitvale_json, strlen (fruitvale_json));
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[]", 2);
}

static void
add_asset (AmapStore  *store,
           const char *name,
           double      latitude,
           double      longitude,
           const char *address)
{
  g_autoptr(AmapAsset) asset = amap_asset_new (name);
  g_autoptr(GError) error = NULL;

  amap_asset_set_category (asset, "other");
  if (!isnan (latitude))
    amap_asset_set_location (asset, latitude, longitude);
  amap_asset_set_address (asset, address);
  amap_store_add_asset (store, asset, &error);
  g_assert_no_error (error);
}

static gpointer
server_thread (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (fixture->server_context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, on_request_cb, fixture, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&fixture->lock);
  fixture->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&fixture->ready);
  g_mutex_unlock (&fixture->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (fixture->server_loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (fixture->server_context);

  return NULL;
}

/* The number of requests so far (and, taking the lock, what the server
 * thread wrote is seen here). */
static guint
n_requests (Fixture *fixture)
{
  guint n;

  g_mutex_lock (&fixture->lock);
  n = fixture->queries->len;
  g_mutex_unlock (&fixture->lock);

  return n;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  fixture->queries = g_ptr_array_new_with_free_func (g_free);
  fixture->agents = g_ptr_array_new_with_free_func (g_free);
  fixture->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_init (&fixture->lock);
  g_cond_init (&fixture->ready);
  fixture->server_context = g_main_context_new ();
  fixture->server_loop = g_main_loop_new (fixture->server_context, FALSE);
  fixture->thread = g_thread_new ("nominatim", server_thread, fixture);
  g_mutex_lock (&fixture->lock);
  while (fixture->base == NULL)
    g_cond_wait (&fixture->ready, &fixture->lock);
  g_mutex_unlock (&fixture->lock);
  g_settings_set_string (settings, "place-search-url", data != NULL ? data : fixture->base);

  fixture->store = gui_test_open_store ("amap-place-search-XXXXXX", &fixture->dir);

  add_asset (fixture->store, "Fruitvale Library", 37.7752, -122.2241, NULL);
  add_asset (fixture->store, "Mobile Food Pantry", NAN, NAN, "Fruitvale Station, Oakland");
  add_asset (fixture->store, "Church Basement Pantry", NAN, NAN, "Nowhere Lane 1");
  add_asset (fixture->store, "Corner Clinic", NAN, NAN, "Fruitvale Avenue 3300");
  add_asset (fixture->store, "Park Without Address", NAN, NAN, NULL);

  fixture->window = amap_window_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gui_test_spin ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gui_test_spin ();
  g_clear_object (&fixture->store);
  g_main_loop_quit (fixture->server_loop);
  g_thread_join (fixture->thread);
  g_main_loop_unref (fixture->server_loop);
  g_main_context_unref (fixture->server_context);
  g_mutex_clear (&fixture->lock);
  g_cond_clear (&fixture->ready);
  g_settings_reset (settings, "place-search-url");
  test_util_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->base);
  g_ptr_array_unref (fixture->queries);
  g_ptr_array_unref (fixture->agents);
  g_array_unref (fixture->times);
}

static AmapPlaceSearch *
get_search (Fixture *fixture)
{
  GtkWidget *search = amap_window_places_get_search (fixture->window);

  g_assert_true (AMAP_IS_PLACE_SEARCH (search));
  g_assert_true (gtk_widget_get_mapped (search));

  return AMAP_PLACE_SEARCH (search);
}

/* The entry, as a person finds it: the search entry of the place search. */
/* The button whose label reads @label (mnemonic underscores and all). */
static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  GtkWidget *child;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;
  child = gtk_button_get_child (GTK_BUTTON (widget));

  return (GTK_IS_LABEL (child) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (child)), label)) ||
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  return gui_test_find (root, is_button_labelled, label);
}

/* Clicks a button the person can see. */
static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = find_button (root, label);

  g_assert_nonnull (button);
  /* A person sees it once the results have slid down. */
  WAIT_FOR (gtk_widget_is_drawable (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  gui_test_spin ();
}

/* Types @text into the place search and presses Enter. */
static void
type_and_enter (Fixture    *fixture,
                const char *text)
{
  GtkWidget *entry = gui_test_find_descendant (GTK_WIDGET (get_search (fixture)), GTK_TYPE_SEARCH_ENTRY);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gui_test_spin ();
  g_signal_emit_by_name (entry, "activate");
  gui_test_spin ();
}

static AdwMessageDialog *
find_dialog (AmapWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
test_sets_school (Fixture       *fixture,
                  gconstpointer  data)
{
  AmapPlaceSearch *search = get_search (fixture);
  GListModel *results = amap_place_search_get_results (search);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  double lat = 0, lon = 0, zoom = 0;
  const char *name = NULL;

  g_assert_false (amap_store_get_home (fixture->store, NULL, NULL, NULL));

  /* Typing asks nobody: only Enter searches. */
  entry = gui_test_find_descendant (GTK_WIDGET (search), GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Fruitvale Elementary");
  {
    gint64 end = g_get_monotonic_time () + 600 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < end)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
  }
  g_assert_cmpuint (n_requests (fixture), ==, 0);

  type_and_enter (fixture, "Fruitvale Elementary");
  WAIT_FOR (!amap_place_search_get_busy (search));
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->queries, 0), ==, "Fruitvale Elementary");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->agents, 0), "AssetMap/"));
  g_assert_null (amap_place_search_get_message (search));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 2);

  /* Choosing the school centers the map on it. */
  amap_place_search_choose (search, 0);
  WAIT_FOR (TRUE);
  g_assert_nonnull (amap_place_search_get_chosen (search));
  WAIT_FOR ((amap_map_view_get_view (map_view, &lat, &lon, &zoom),
             fabs (lat - 37.7748353) < 1e-6 && fabs (lon + 122.2242312) < 1e-6));
  g_assert_cmpfloat (zoom, >=, 16);

  click (GTK_WIDGET (search), "Set as _School Location");
  dialog = find_dialog (fixture->window);
  g_assert_nonnull (dialog);
  /* The place's name is offered for the school's. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog))), ==,
                   "Fruitvale Elementary");
  adw_message_dialog_response (dialog, "set");
  gui_test_spin ();

  g_assert_true (amap_store_get_home (fixture->store, &lat, &lon, &name));
  g_assert_cmpstr (name, ==, "Fruitvale Elementary");
  g_assert_cmpfloat_with_epsilon (lat, 37.7748353, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, -122.2242312, 1e-9);
  /* No asset was made on the way. */
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 5);

  /* The same search again is answered from the cache. */
  type_and_enter (fixture, "fruitvale elementary");
  WAIT_FOR (!amap_place_search_get_busy (search));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 2);
  g_assert_cmpuint (n_requests (fixture), ==, 1);
}

static void
test_add_asset_here (Fixture       *fixture,
                     gconstpointer  data)
{
  AmapPlaceSearch *search = get_search (fixture);
  g_autoptr(GPtrArray) assets = NULL;
  AmapAsset *added = NULL;

  type_and_enter (fixture, "Fruitvale Elementary");
  WAIT_FOR (!amap_place_search_get_busy (search));
  amap_place_search_choose (search, 0);
  gui_test_spin ();
  click (GTK_WIDGET (search), "_Add Asset Here");

  /* Named after the place, at its address and point. */
  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
  assets = amap_store_list_assets (fixture->store, NULL);
  for (guint i = 0; i < assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (assets, i)), "Fruitvale Elementary") == 0)
      added = g_ptr_array_index (assets, i);
  g_assert_nonnull (added);
  g_assert_true (g_str_has_prefix (amap_asset_get_address (added), "Fruitvale Elementary, 3200, Boston Avenue"));
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (added), 37.7748353, 1e-9);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (added), -122.2242312, 1e-9);
  /* The server's guess, for the person to check. */
  g_assert_cmpint (amap_asset_get_location_source (added), ==, AMAP_LOCATION_SOURCE_GEOCODED);
  /* …and open in the details, the results put away. */
  g_assert_null (amap_place_search_get_chosen (search));
}

/* "Set Your School's Location" waits for a click on the map; a place
 * found in the search instead ends that wait and puts the results away,
 * so that neither the hint nor the results stay over the map. */
static void
test_school_ends_placing (Fixture       *fixture,
                          gconstpointer  data)
{
  AmapPlaceSearch *search = get_search (fixture);
  GListModel *results = amap_place_search_get_results (search);
  AmapMapView *map_view = AMAP_MAP_VIEW (amap_window_get_map_view (fixture->window));
  AdwMessageDialog *dialog;
  double lat = 0, lon = 0;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.set-home", NULL);
  gui_test_spin ();
  g_assert_true (amap_map_view_get_adding (map_view));

  type_and_enter (fixture, "37.7775, -122.2236");
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);
  click (GTK_WIDGET (search), "Set as _School Location");
  dialog = find_dialog (fixture->window);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "set");
  gui_test_spin ();

  g_assert_true (amap_store_get_home (fixture->store, &lat, &lon, NULL));
  g_assert_cmpfloat_with_epsilon (lat, 37.7775, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, -122.2236, 1e-9);
  g_assert_false (amap_map_view_get_adding (map_view));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);
  g_assert_null (amap_place_search_get_chosen (search));
}

static void
test_coordinates_offline (Fixture       *fixture,
                          gconstpointer  data)
{
  AmapPlaceSearch *search = get_search (fixture);
  GListModel *results = amap_place_search_get_results (search);
  g_autoptr(GPtrArray) assets = NULL;
  const char *message;
  gboolean found = FALSE;

  /* The server is not there: a sentence says so, in place. */
  type_and_enter (fixture, "Fruitvale Elementary");
  WAIT_FOR (!amap_place_search_get_busy (search));
  message = amap_place_search_get_message (search);
  g_assert_nonnull (message);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "could not reach"));
  g_assert_nonnull (strstr (message, "coordinates"));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);

  /* Coordinates still work: at once, without the server. */
  type_and_enter (fixture, "37°46'39\"N 122°13'25\"W");
  g_assert_false (amap_place_search_get_busy (search));
  g_assert_null (amap_place_search_get_message (search));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);
  g_assert_nonnull (amap_place_search_get_chosen (search));
  click (GTK_WIDGET (search), "_Add Asset Here");

  g_assert_cmpuint (amap_store_count_assets (fixture->store), ==, 6);
  assets = amap_store_list_assets (fixture->store, NULL);
  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);

      if (amap_asset_get_has_location (asset) &&
          fabs (amap_asset_get_latitude (asset) - (37.0 + 46.0 / 60 + 39.0 / 3600)) < 1e-9 &&
          fabs (amap_asset_get_longitude (asset) + (122.0 + 13.0 / 60 + 25.0 / 3600)) < 1e-9)
        {
          /* Typed by the person: theirs, not a guess. */
          g_assert_cmpint (amap_asset_get_location_source (asset), ==, AMAP_LOCATION_SOURCE_MANUAL);
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
test_find_on_map (Fixture       *fixture,
                  gconstpointer  data)
{
  AmapPlaceSearch *search = get_search (fixture);
  GtkWidget *editor = NULL;
  GtkWidget *find_on_map;
  g_autoptr(GPtrArray) assets = amap_store_list_assets (fixture->store, NULL);
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = NULL;

  for (guint i = 0; i < assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (assets, i)), "Mobile Food Pantry") == 0)
      uuid = amap_asset_get_uuid (g_ptr_array_index (assets, i));
  g_assert_nonnull (uuid);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-asset", "s", uuid);
  gui_test_spin ();
  editor = gui_test_find_descendant (GTK_WIDGET (fixture->window), AMAP_TYPE_ASSET_EDITOR);
  g_assert_cmpstr (amap_asset_editor_get_uuid (AMAP_ASSET_EDITOR (editor)), ==, uuid);

  /* "Find on Map", beside the address, looks the asset's address up… */
  find_on_map = gui_test_find_tooltip_button (editor, "Find on Map");
  g_assert_nonnull (find_on_map);
  WAIT_FOR (gtk_widget_is_drawable (find_on_map));
  g_signal_emit_by_name (find_on_map, "clicked");
  gui_test_spin ();
  WAIT_FOR (!amap_place_search_get_busy (search));
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->queries, 0), ==, "Fruitvale Station, Oakland");
  amap_place_search_choose (search, 1);
  gui_test_spin ();

  /* …and the chosen place becomes its location at once, as every change
   * in the editor does: both coordinates in one step, which one Undo
   * takes back. */
  click (GTK_WIDGET (search), "_Use for “Mobile Food Pantry”");
  gui_test_spin ();
  g_assert_false (amap_asset_editor_get_dirty (AMAP_ASSET_EDITOR (editor)));
  stored = amap_store_get_asset (fixture->store, uuid, NULL);
  g_assert_true (amap_asset_get_has_location (stored));
  g_assert_cmpfloat_with_epsilon (amap_asset_get_latitude (stored), 37.7757, 1e-6);
  g_assert_cmpfloat_with_epsilon (amap_asset_get_longitude (stored), -122.2213, 1e-6);
  g_assert_cmpint (amap_asset_get_location_source (stored), ==, AMAP_LOCATION_SOURCE_GEOCODED);
  g_clear_object (&stored);

  g_assert_true (amap_store_undo (fixture->store, &error));
  g_assert_no_error (error);
  stored = amap_store_get_asset (fixture->store, uuid, NULL);
  g_assert_false (amap_asset_get_has_location (stored));
}

static AmapLocateDialog *
find_locate_dialog (AmapWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AmapLocateDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (AMAP_IS_LOCATE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
test_locate_from_address (Fixture       *fixture,
                          gconstpointer  data)
{
  AmapLocateDialog *dialog;
  g_autoptr(GPtrArray) assets = NULL;
  guint located = 0;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.locate-from-address", NULL);
  gui_test_spin ();
  dialog = find_locate_dialog (fixture->window);
  g_assert_nonnull (dialog);
  /* Three have an address and no location; the park has no address. */
  g_assert_cmpuint (amap_locate_dialog_get_n_pending (dialog), ==, 3);

  click (GTK_WIDGET (dialog), "_Locate 3 Assets");
  g_assert_true (amap_locate_dialog_get_running (dialog));
  WAIT_FOR (!amap_locate_dialog_get_running (dialog));

  g_assert_cmpuint (amap_locate_dialog_get_n_found (dialog), ==, 2);
  g_assert_cmpuint (amap_locate_dialog_get_n_not_found (dialog), ==, 1);
  g_test_message ("%s", amap_locate_dialog_get_summary (dialog));
  g_assert_nonnull (strstr (amap_locate_dialog_get_summary (dialog), "Found 2 assets"));
  g_assert_nonnull (strstr (amap_locate_dialog_get_summary (dialog), "1 asset was not found"));

  /* At the service's pace: a second apart, as the server saw them. */
  g_assert_cmpuint (n_requests (fixture), ==, 3);
  for (guint i = 1; i < fixture->times->len; i++)
    g_test_message ("gap %u: %" G_GINT64_FORMAT " µs", i,
                    g_array_index (fixture->times, gint64, i) - g_array_index (fixture->times, gint64, i - 1));
  for (guint i = 1; i < fixture->times->len; i++)
    g_assert_cmpint (g_array_index (fixture->times, gint64, i) - g_array_index (fixture->times, gint64, i - 1),
                     >=, G_USEC_PER_SEC);

  assets = amap_store_list_assets (fixture->store, NULL);
  for (guint i = 0; i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);

      if (!amap_asset_get_has_location (asset))
        continue;
      located++;
      /* Each find is marked for the person to check. */
      if (g_strcmp0 (amap_asset_get_name (asset), "Fruitvale Library") != 0)
        g_assert_cmpint (amap_asset_get_location_source (asset), ==, AMAP_LOCATION_SOURCE_GEOCODED);
    }
  g_assert_cmpuint (located, ==, 3);

  /* One undo takes them all back. */
  g_assert_cmpstr (amap_store_get_undo_label (fixture->store), ==, "Undo Locate from Address (2 Assets)");
  click (GTK_WIDGET (dialog), "_Close");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  gui_test_spin ();
  g_clear_pointer (&assets, g_ptr_array_unref);
  assets = amap_store_list_assets (fixture->store, NULL);
  located = 0;
  for (guint i = 0; i < assets->len; i++)
    if (amap_asset_get_has_location (g_ptr_array_index (assets, i)))
      located++;
  g_assert_cmpuint (located, ==, 1);
}

static void
test_locate_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  AmapLocateDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.locate-from-address", NULL);
  gui_test_spin ();
  dialog = find_locate_dialog (fixture->window);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  amap_locate_dialog_start (dialog);
  /* The first (by name) is the church, whose address finds nothing. */
  WAIT_FOR (amap_locate_dialog_get_n_not_found (dialog) == 1);

  /* Cancel stops the run at once (the next search is still waiting for
   * its second) and says what was done. */
  click (GTK_WIDGET (dialog), "_Cancel");
  WAIT_FOR (!amap_locate_dialog_get_running (dialog));
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  g_test_message ("%s", amap_locate_dialog_get_summary (dialog));
  g_assert_nonnull (strstr (amap_locate_dialog_get_summary (dialog), "1 asset was not found"));
  g_assert_nonnull (strstr (amap_locate_dialog_get_summary (dialog), "Cancelled: 2 addresses were not looked up."));
  /* Nothing was looked up after the cancel, even a second later. */
  {
    gint64 end = g_get_monotonic_time () + 1200 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < end)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
  }
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  adw_init ();

  g_test_add ("/place-search/sets-school", Fixture, NULL, fixture_setup, test_sets_school, fixture_teardown);
  g_test_add ("/place-search/school-ends-placing", Fixture, NULL, fixture_setup, test_school_ends_placing,
              fixture_teardown);
  g_test_add ("/place-search/add-asset-here", Fixture, NULL, fixture_setup, test_add_asset_here, fixture_teardown);
  /* A server that is not there: a port nothing listens on. */
  g_test_add ("/place-search/coordinates-offline", Fixture, "http://127.0.0.1:9", fixture_setup,
              test_coordinates_offline, fixture_teardown);
  g_test_add ("/place-search/find-on-map", Fixture, NULL, fixture_setup, test_find_on_map, fixture_teardown);
  g_test_add ("/place-search/locate-from-address", Fixture, NULL, fixture_setup, test_locate_from_address,
              fixture_teardown);
  g_test_add ("/place-search/locate-cancel", Fixture, NULL, fixture_setup, test_locate_cancel, fixture_teardown);

  return g_test_run ();
}
