/* amap-geocoder.c: place search through a Nominatim-compatible server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-geocoder"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "amap-geocoder.h"
#include "amap-http.h"

#define USER_AGENT "AssetMap/" PACKAGE_VERSION " (+" PROJECT_URL ")"
#define DEFAULT_TIMEOUT_S 15
#define DEFAULT_INTERVAL_MS 1000
#define DEFAULT_CACHE_MAX_AGE_S (30 * 24 * 3600)
/* Added to the wait between two requests: the way to the server is not
 * always as fast for the second as for the first, and it is the server
 * that should see a second between them. */
#define INTERVAL_SLACK_MS 50
#define MAX_LIMIT 50
/* Nominatim answers a few kilobytes; more is not a list of places. */
#define MAX_RESPONSE_BYTES (4 * 1024 * 1024)

G_DEFINE_QUARK (amap-geocoder-error-quark, amap_geocoder_error)

struct _AmapGeocoder
{
  GObject      parent_instance;

  char        *base_url;
  SoupSession *session;
  char        *cache_dir;
  guint        cache_max_age;
  char        *language;
  guint        interval;
  guint        timeout;

  GQueue       queue;       /* GTask, waiting for their turn */
  GTask       *current;     /* the request on the wire */
  gint64       last_start;  /* monotonic µs of the last request's start, then of its
                             * answer; 0 before any */
  guint        pump_id;
  guint        n_requests;
  gboolean     pruned;
};

G_DEFINE_FINAL_TYPE (AmapGeocoder, amap_geocoder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_SESSION,
  PROP_CACHE_DIR,
  PROP_CACHE_MAX_AGE,
  PROP_LANGUAGE,
  PROP_INTERVAL,
  PROP_TIMEOUT,
  PROP_N_REQUESTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pump (AmapGeocoder *self);

typedef struct
{
  AmapHttpRequest http;
  char           *query;      /* as sent */
  guint           limit;
  char           *cache_path;
  char           *url;
} Search;

static void
search_free (Search *search)
{
  amap_http_request_clear (&search->http);
  g_free (search->query);
  g_free (search->cache_path);
  g_free (search->url);
  g_free (search);
}

/* "de-DE, de, en" from the locale; NULL for the C locale. */
static char *
language_from_locale (void)
{
  const char * const *names = g_get_language_names ();
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *tag = NULL;

      if (strchr (names[i], '.') != NULL || strchr (names[i], '@') != NULL ||
          g_str_equal (names[i], "C") || g_str_equal (names[i], "POSIX"))
        continue;
      tag = g_strdelimit (g_strdup (names[i]), "_", '-');
      if (!g_ptr_array_find_with_equal_func (tags, tag, g_str_equal, NULL))
        g_ptr_array_add (tags, g_steal_pointer (&tag));
    }

  if (tags->len == 0)
    return NULL;
  g_ptr_array_add (tags, NULL);

  return g_strjoinv (", ", (char **) tags->pdata);
}

/* The query as people mean it: whitespace collapsed, outer space gone. */
static char *
tidy_query (const char *query)
{
  g_auto(GStrv) words = g_strsplit_set (query, " \t\r\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);
  kept = g_strv_builder_end (builder);

  return g_strjoinv (" ", kept);
}

/* Same server, language, limit and query, whatever the letter case. */
static char *
cache_path_for (AmapGeocoder *self,
                const char   *query,
                guint         limit)
{
  g_autofree char *normal = g_utf8_normalize (query, -1, G_NORMALIZE_NFC);
  g_autofree char *folded = g_utf8_casefold (normal != NULL ? normal : query, -1);
  g_autofree char *key = g_strdup_printf ("v1\n%s\n%s\n%u\n%s", self->base_url,
                                          self->language != NULL ? self->language : "",
                                          limit, folded);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *name = g_strconcat (digest, ".json", NULL);

  return g_build_filename (self->cache_dir, name, NULL);
}

static gboolean
get_double (JsonObject *object,
            const char *member,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      break;

    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      break;

    case G_TYPE_STRING:
      {
        /* Nominatim sends coordinates as strings: "37.7775". */
        const char *text = json_node_get_string (node);
        char *end = NULL;

        *value = g_ascii_strtod (text, &end);
        if (end == text || *end != '\0')
          return FALSE;
      }
      break;

    default:
      return FALSE;
    }

  return isfinite (*value);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_element_double (JsonArray *array,
                    guint      index,
                    double    *value)
{
  g_autoptr(JsonObject) wrapper = json_object_new ();

  json_object_set_member (wrapper, "v", json_node_copy (json_array_get_element (array, index)));

  return get_double (wrapper, "v", value);
}

/*
 * Nominatim's jsonv2: an array of objects with "display_name", "lat" and
 * "lon" (strings), "boundingbox" (four strings: south, north, west,
 * east), "category" and "type", "importance". Entries without a name or
 * a point on Earth are left out. FALSE when @data is not such an array;
 * @server_message then holds the server's {"error": …} text, if any.
 */
static gboolean
parse_places (const char  *data,
              gsize        size,
              guint        limit,
              GPtrArray  **places_out,
              char       **server_message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *root;
  JsonArray *array;

  *server_message = NULL;

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *error = json_object_get_member (object, "error");

      if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
        *server_message = g_strdup (get_string (json_node_get_object (error), "message"));
      else if (error != NULL)
        *server_message = g_strdup (get_string (object, "error"));
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array) && places->len < limit; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *box;
      const char *name, *category;
      double lat, lon, importance;
      AmapPlace *place;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      object = json_node_get_object (node);

      name = get_string (object, "display_name");
      if (name == NULL || name[0] == '\0')
        name = get_string (object, "name");
      if (name == NULL || name[0] == '\0' ||
          !get_double (object, "lat", &lat) || !get_double (object, "lon", &lon) ||
          lat < -90 || lat > 90 || lon < -180 || lon > 180)
        continue;

      place = amap_place_new (name, lat, lon);
      /* jsonv2 says "category"; format=json said "class". */
      category = get_string (object, "category");
      if (category == NULL)
        category = get_string (object, "class");
      amap_place_set_kind (place, category, get_string (object, "type"));
      if (get_double (object, "importance", &importance))
        amap_place_set_importance (place, importance);

      box = json_object_get_member (object, "boundingbox");
      if (box != NULL && JSON_NODE_HOLDS_ARRAY (box) &&
          json_array_get_length (json_node_get_array (box)) == 4)
        {
          JsonArray *b = json_node_get_array (box);
          double south, north, west, east;

          if (get_element_double (b, 0, &south) && get_element_double (b, 1, &north) &&
              get_element_double (b, 2, &west) && get_element_double (b, 3, &east))
            amap_place_set_bounds (place, south, west, north, east);
        }

      g_ptr_array_add (places, place);
    }

  *places_out = g_steal_pointer (&places);
  return TRUE;
}

/* The cache: one small JSON file an answer, {"url", "query", "time",
 * "body"}, named by a hash of what was asked. */

static GPtrArray *
cache_lookup (AmapGeocoder *self,
              Search       *search)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *server_message = NULL;
  GPtrArray *places = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *body;
  double time;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize size;

  if (!g_file_get_contents (search->cache_path, &contents, &size, NULL))
    return NULL;

  if (!json_parser_load_from_data (parser, contents, size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto stale;
  object = json_node_get_object (root);
  if (g_strcmp0 (get_string (object, "url"), self->base_url) != 0 ||
      !get_double (object, "time", &time) ||
      (body = get_string (object, "body")) == NULL)
    goto stale;
  /* Too old, or from a clock that was wrong. */
  if (time < (double) now - self->cache_max_age || time > (double) now + 24 * 3600)
    goto stale;
  if (!parse_places (body, strlen (body), search->limit, &places, &server_message))
    goto stale;

  g_debug ("“%s” from the cache", search->query);
  return places;

stale:
  g_unlink (search->cache_path);
  return NULL;
}

/* Forgets answers older than the age limit, once a run. */
static void
cache_prune (AmapGeocoder *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (self->pruned)
    return;
  self->pruned = TRUE;

  dir = g_dir_open (self->cache_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf buf;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (self->cache_dir, name, NULL);
      if (g_stat (path, &buf) == 0 && (gint64) buf.st_mtime < now - (gint64) self->cache_max_age)
        g_unlink (path);
    }
}

static void
cache_store (AmapGeocoder *self,
             Search       *search,
             const char   *body,
             gsize         size)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body_text = g_strndup (body, size);

  if (g_mkdir_with_parents (self->cache_dir, 0700) != 0)
    {
      g_debug ("No cache in %s: %s", self->cache_dir, g_strerror (errno));
      return;
    }
  cache_prune (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, self->base_url);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, search->query);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body_text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  /* A cache that cannot be written only costs a request next time. */
  if (!g_file_set_contents (search->cache_path, text, -1, &error))
    g_debug ("Could not cache “%s”: %s", search->query, error->message);
}

/* Requests */

static void
on_caller_cancelled_cb (GCancellable *caller,
                        GTask        *task);

static gboolean
drop_cancelled_cb (gpointer data)
{
  GTask *task = data;
  AmapGeocoder *self = g_task_get_source_object (task);

  /* Still waiting for its turn: it leaves the queue now rather than at
   * its turn. */
  if (g_queue_remove (&self->queue, task))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Place search was cancelled."));
      g_object_unref (task);
    }

  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled_cb (GCancellable *caller,
                        GTask        *task)
{
  Search *search = g_task_get_task_data (task);

  /* Inside a "cancelled" handler nothing may disconnect from @caller
   * (it would deadlock), so a waiting search leaves from an idle. */
  if (search->http.message != NULL)
    g_cancellable_cancel (search->http.cancellable);
  else
    g_idle_add_full (G_PRIORITY_DEFAULT, drop_cancelled_cb, g_object_ref (task), g_object_unref);
}

static void
finish_current (AmapGeocoder *self,
                GTask        *task)
{
  if (self->current == task)
    {
      /* The next request waits a whole interval from this one's answer
       * too: a request the network held back must not let the next one
       * reach the server less than an interval after it. */
      self->last_start = g_get_monotonic_time ();
      self->current = NULL;
      g_object_unref (task);
    }
}

static void
on_send_and_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GTask) task = data;
  AmapGeocoder *self = g_task_get_source_object (task);
  Search *search = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) places = NULL;
  g_autofree char *server_message = NULL;
  const char *bytes;
  gsize size = 0;
  guint status;

  g_object_ref (self);
  body = amap_http_request_finish (&search->http, SOUP_SESSION (source), result, &error);
  finish_current (self, task);

  if (body == NULL)
    {
      if (search->http.timed_out)
        g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_UNREACHABLE,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "The place search server at %s did not answer in %u second. "
                                              "Try again later; coordinates can still be typed or pasted.",
                                              "The place search server at %s did not answer in %u seconds. "
                                              "Try again later; coordinates can still be typed or pasted.",
                                              search->http.timeout),
                                 search->http.host, search->http.timeout);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_UNREACHABLE,
                                 _("Place search could not reach %s (%s). Check your connection, "
                                   "or the server’s address in Preferences; coordinates can still "
                                   "be typed or pasted."),
                                 search->http.host, error->message);
      goto out;
    }

  status = soup_message_get_status (search->http.message);
  bytes = g_bytes_get_data (body, &size);

  if (status == 429 || status == SOUP_STATUS_FORBIDDEN)
    {
      g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_SERVER,
                               _("The place search server at %s refuses searches for now (%u %s). "
                                 "Wait a while before searching again, or use another server "
                                 "in Preferences."),
                               search->http.host, status, soup_status_get_phrase (status));
      goto out;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_SERVER,
                               _("The place search server at %s answered with an error (%u %s). "
                                 "Try again later, or check the server’s address in Preferences."),
                               search->http.host, status, soup_status_get_phrase (status));
      goto out;
    }

  if (size > MAX_RESPONSE_BYTES ||
      !parse_places (bytes, size, search->limit, &places, &server_message))
    {
      if (server_message != NULL)
        {
          gsize len = strlen (server_message);

          /* Its sentence inside ours, without its full stop. */
          while (len > 0 && (server_message[len - 1] == '.' || g_ascii_isspace (server_message[len - 1])))
            server_message[--len] = '\0';
        }
      if (server_message != NULL)
        g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_SERVER,
                                 _("The place search server at %s could not search (“%s”). "
                                   "Try other words, or check the server’s address in Preferences."),
                                 search->http.host, server_message);
      else
        g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_BAD_RESPONSE,
                                 _("The place search server at %s answered with something that is "
                                   "not a list of places. Check the server’s address in Preferences "
                                   "(a Nominatim server)."),
                                 search->http.host);
      goto out;
    }

  cache_store (self, search, bytes, size);
  g_task_return_pointer (task, g_steal_pointer (&places), (GDestroyNotify) g_ptr_array_unref);

out:
  pump (self);
  g_object_unref (self);
}

static void
send_request (AmapGeocoder *self,
              GTask        *task)
{
  Search *search = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  const char *user_agent;

  headers = amap_http_request_new_message (&search->http, search->url);
  if (self->language != NULL)
    soup_message_headers_replace (headers, "Accept-Language", self->language);
  /* The usage policy wants the app named: a session without a
   * User-Agent of its own gets ours. */
  user_agent = soup_session_get_user_agent (self->session);
  if (user_agent == NULL || user_agent[0] == '\0')
    soup_message_headers_replace (headers, "User-Agent", USER_AGENT);

  self->n_requests++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REQUESTS]);

  g_debug ("GET %s", search->url);
  amap_http_request_send (&search->http, self->session, task, self->timeout, on_send_and_read_cb);
}

static gboolean
pump_cb (gpointer data)
{
  AmapGeocoder *self = data;

  self->pump_id = 0;
  pump (self);

  return G_SOURCE_REMOVE;
}

/* Starts the next waiting search when the one on the wire is done and a
 * second has passed since it started. */
static void
pump (AmapGeocoder *self)
{
  GTask *task;

  if (self->current != NULL || self->pump_id != 0)
    return;

  while ((task = g_queue_peek_head (&self->queue)) != NULL)
    {
      Search *search = g_task_get_task_data (task);
      GPtrArray *places;
      gint64 now, due;

      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          g_queue_pop_head (&self->queue);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Place search was cancelled."));
          g_object_unref (task);
          continue;
        }

      /* The search before it may have asked the same. */
      if ((places = cache_lookup (self, search)) != NULL)
        {
          g_queue_pop_head (&self->queue);
          g_task_return_pointer (task, places, (GDestroyNotify) g_ptr_array_unref);
          g_object_unref (task);
          continue;
        }

      now = g_get_monotonic_time ();
      due = self->last_start + (gint64) self->interval * G_TIME_SPAN_MILLISECOND;
      if (self->last_start != 0 && now < due)
        {
          guint wait_ms = (guint) ((due - now + 999) / 1000) + INTERVAL_SLACK_MS;

          self->pump_id = g_timeout_add (wait_ms, pump_cb, self);
          return;
        }

      self->current = g_queue_pop_head (&self->queue);
      self->last_start = now;
      send_request (self, task);
      return;
    }
}

/* GObject */

static void
amap_geocoder_dispose (GObject *object)
{
  AmapGeocoder *self = AMAP_GEOCODER (object);

  /* Searches hold the geocoder: none can be left here. */
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (amap_geocoder_parent_class)->dispose (object);
}

static void
amap_geocoder_finalize (GObject *object)
{
  AmapGeocoder *self = AMAP_GEOCODER (object);

  g_free (self->base_url);
  g_free (self->cache_dir);
  g_free (self->language);

  G_OBJECT_CLASS (amap_geocoder_parent_class)->finalize (object);
}

static void
amap_geocoder_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AmapGeocoder *self = AMAP_GEOCODER (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    case PROP_CACHE_MAX_AGE:
      g_value_set_uint (value, self->cache_max_age);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_N_REQUESTS:
      g_value_set_uint (value, self->n_requests);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_geocoder_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AmapGeocoder *self = AMAP_GEOCODER (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      /* BASE/search: one slash between, whatever was typed. */
      self->base_url = amap_http_tidy_base_url (g_value_get_string (value));
      break;
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_CACHE_DIR:
      self->cache_dir = g_value_dup_string (value);
      break;
    case PROP_CACHE_MAX_AGE:
      self->cache_max_age = g_value_get_uint (value);
      break;
    case PROP_LANGUAGE:
      self->language = g_value_dup_string (value);
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      if (self->timeout != g_value_get_uint (value))
        {
          self->timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_geocoder_constructed (GObject *object)
{
  AmapGeocoder *self = AMAP_GEOCODER (object);

  G_OBJECT_CLASS (amap_geocoder_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = g_strdup ("");
  if (self->session == NULL)
    self->session = soup_session_new_with_options ("user-agent", USER_AGENT, NULL);
  if (self->cache_dir == NULL)
    self->cache_dir = g_build_filename (g_get_user_cache_dir (), "asset-map", "places", NULL);
  if (self->language == NULL)
    self->language = language_from_locale ();
}

static void
amap_geocoder_class_init (AmapGeocoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = amap_geocoder_constructed;
  object_class->dispose = amap_geocoder_dispose;
  object_class->finalize = amap_geocoder_finalize;
  object_class->get_property = amap_geocoder_get_property;
  object_class->set_property = amap_geocoder_set_property;

  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL, construct);
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION, construct);
  properties[PROP_CACHE_DIR] = g_param_spec_string ("cache-dir", NULL, NULL, NULL, construct);
  properties[PROP_CACHE_MAX_AGE] =
    g_param_spec_uint ("cache-max-age", NULL, NULL, 0, G_MAXUINT, DEFAULT_CACHE_MAX_AGE_S, construct);
  properties[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, NULL, construct);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, 60000, DEFAULT_INTERVAL_MS, construct);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_REQUESTS] =
    g_param_spec_uint ("n-requests", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amap_geocoder_init (AmapGeocoder *self)
{
  self->timeout = DEFAULT_TIMEOUT_S;
  self->interval = DEFAULT_INTERVAL_MS;
  self->cache_max_age = DEFAULT_CACHE_MAX_AGE_S;
  g_queue_init (&self->queue);
}

/* Public API */

/**
 * amap_geocoder_new:
 * @base_url: the server, e.g. "https://nominatim.openstreetmap.org"
 * @session: (nullable): the app's session
 */
AmapGeocoder *
amap_geocoder_new (const char  *base_url,
                   SoupSession *session)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  return g_object_new (AMAP_TYPE_GEOCODER, "base-url", base_url, "session", session, NULL);
}

const char *
amap_geocoder_get_base_url (AmapGeocoder *self)
{
  g_return_val_if_fail (AMAP_IS_GEOCODER (self), NULL);

  return self->base_url;
}

guint
amap_geocoder_get_n_requests (AmapGeocoder *self)
{
  g_return_val_if_fail (AMAP_IS_GEOCODER (self), 0);

  return self->n_requests;
}

void
amap_geocoder_search_async (AmapGeocoder       *self,
                            const char         *query,
                            guint               limit,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *tidy = NULL;
  g_autofree char *escaped = NULL;
  GPtrArray *places;
  Search *search;

  g_return_if_fail (AMAP_IS_GEOCODER (self));
  g_return_if_fail (query != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_geocoder_search_async);

  limit = CLAMP (limit, 1, MAX_LIMIT);
  tidy = tidy_query (query);
  if (tidy[0] == '\0')
    {
      g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  uri = amap_http_parse_web_uri (self->base_url);
  if (uri == NULL)
    {
      g_task_return_new_error (task, AMAP_GEOCODER_ERROR, AMAP_GEOCODER_ERROR_INVALID_URL,
                               _("The place search server’s address “%s” is not a web address. "
                                 "Check it in Preferences (it starts with https://); coordinates "
                                 "can still be typed or pasted."),
                               self->base_url);
      return;
    }

  search = g_new0 (Search, 1);
  search->query = g_steal_pointer (&tidy);
  search->limit = limit;
  search->cache_path = cache_path_for (self, search->query, limit);
  amap_http_request_init (&search->http, uri);
  escaped = g_uri_escape_string (search->query, NULL, FALSE);
  search->url = g_strdup_printf ("%s/search?q=%s&format=jsonv2&limit=%u&addressdetails=0",
                                 self->base_url, escaped, limit);
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Asked before: no request at all. */
  if ((places = cache_lookup (self, search)) != NULL)
    {
      g_task_return_pointer (task, places, (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  amap_http_request_follow (&search->http, cancellable, G_CALLBACK (on_caller_cancelled_cb),
                            task, NULL);

  g_queue_push_tail (&self->queue, g_steal_pointer (&task));
  pump (self);
}

/**
 * amap_geocoder_search_finish:
 *
 * Returns: (transfer full) (element-type AmapPlace): the places, best
 *   first (empty: none found), or NULL with @error set.
 */
GPtrArray *
amap_geocoder_search_finish (AmapGeocoder  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (AMAP_IS_GEOCODER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
