/* amap-http.c: one GET to a web service, with its own clock and the
 * caller's cancellable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-http"

#include "config.h"

#include <string.h>

#include "amap-http.h"

GUri *
amap_http_parse_web_uri (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return NULL;

  return g_steal_pointer (&uri);
}

char *
amap_http_tidy_base_url (const char *typed)
{
  char *url = g_strstrip (g_strdup (typed != NULL ? typed : ""));

  while (url[0] != '\0' && url[strlen (url) - 1] == '/')
    url[strlen (url) - 1] = '\0';

  return url;
}

char *
amap_http_uri_display_host (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if (host == NULL)
    host = "";
  if (port > 0)
    return g_strdup_printf ("%s:%d", host, port);

  return g_strdup (host);
}

void
amap_http_request_init (AmapHttpRequest *request,
                        GUri            *uri)
{
  request->host = amap_http_uri_display_host (uri);
  request->cancellable = g_cancellable_new ();
}

static void
on_caller_cancelled_cb (GCancellable *caller,
                        GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

void
amap_http_request_follow (AmapHttpRequest *request,
                          GCancellable    *caller,
                          GCallback        callback,
                          gpointer         data,
                          GDestroyNotify   destroy)
{
  g_return_if_fail (request->caller_cancellable == NULL);

  if (caller == NULL)
    return;

  request->caller_cancellable = g_object_ref (caller);
  if (callback != NULL)
    request->cancelled_id = g_cancellable_connect (caller, callback, data, destroy);
  else
    request->cancelled_id = g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled_cb),
                                                   g_object_ref (request->cancellable),
                                                   g_object_unref);
}

static void
stop_timeout (AmapHttpRequest *request)
{
  if (request->timeout_source != NULL)
    {
      g_source_destroy (request->timeout_source);
      g_clear_pointer (&request->timeout_source, g_source_unref);
    }
}

void
amap_http_request_clear (AmapHttpRequest *request)
{
  stop_timeout (request);
  if (request->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (request->caller_cancellable, request->cancelled_id);
      g_clear_object (&request->caller_cancellable);
    }
  g_clear_object (&request->cancellable);
  g_clear_object (&request->message);
  g_clear_pointer (&request->host, g_free);
}

SoupMessageHeaders *
amap_http_request_new_message (AmapHttpRequest *request,
                               const char      *url)
{
  SoupMessageHeaders *headers;

  g_clear_object (&request->message);
  request->message = soup_message_new (SOUP_METHOD_GET, url);
  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  return headers;
}

static gboolean
on_timeout_cb (gpointer data)
{
  AmapHttpRequest *request = data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

void
amap_http_request_send (AmapHttpRequest    *request,
                        SoupSession        *session,
                        GTask              *task,
                        guint               timeout,
                        GAsyncReadyCallback callback)
{
  g_return_if_fail (request->message != NULL);
  g_return_if_fail (request->timeout_source == NULL);

  /* The session is the app's and shared: its own timeout is not ours to
   * change, so the request has its own clock. The task (its data holds
   * the request) lives while the message is on the wire, and the clock
   * stops when it comes back or the request is cleared. */
  request->timeout = timeout;
  request->timeout_source = g_timeout_source_new_seconds (timeout);
  g_source_set_callback (request->timeout_source, on_timeout_cb, request, NULL);
  g_source_set_priority (request->timeout_source, g_task_get_priority (task));
  g_source_attach (request->timeout_source, g_task_get_context (task));

  soup_session_send_and_read_async (session, request->message, G_PRIORITY_DEFAULT,
                                    request->cancellable, callback, g_object_ref (task));
}

GBytes *
amap_http_request_finish (AmapHttpRequest *request,
                          SoupSession     *session,
                          GAsyncResult    *result,
                          GError         **error)
{
  GBytes *body;

  body = soup_session_send_and_read_finish (session, result, error);
  stop_timeout (request);

  return body;
}
