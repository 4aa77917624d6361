/* amap-http.h: one GET to a web service, with its own clock and the
 * caller's cancellable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * Embedded in a client's per-request data. The session is the app's and
 * shared: its own timeout is not ours to change, so a request has its own
 * clock, which cancels @cancellable (ours) and sets @timed_out. The
 * caller's cancellable is chained to ours.
 */
typedef struct
{
  char         *host;               /* "host" or "host:port", for messages */
  SoupMessage  *message;
  GCancellable *cancellable;        /* ours: the caller's, or the timeout */
  GCancellable *caller_cancellable;
  gulong        cancelled_id;
  GSource      *timeout_source;
  guint         timeout;            /* seconds */
  gboolean      timed_out;
} AmapHttpRequest;

/* The URL parsed, when it is an http or https address with a host; NULL
 * otherwise. */
GUri     *amap_http_parse_web_uri      (const char       *url);
/* A server's address as typed, tidied: outer space and trailing slashes
 * gone, so that BASE/path has one slash between; "" for NULL. */
char     *amap_http_tidy_base_url      (const char       *typed);
/* "host" or "host:port", for people. */
char     *amap_http_uri_display_host   (GUri             *uri);

/* Sets @host from @uri and makes our cancellable. */
void      amap_http_request_init       (AmapHttpRequest  *request,
                                        GUri             *uri);
/* Connects @caller to @callback (or, when NULL, to cancelling ours). */
void      amap_http_request_follow     (AmapHttpRequest  *request,
                                        GCancellable     *caller,
                                        GCallback         callback,
                                        gpointer          data,
                                        GDestroyNotify    destroy);
/* Frees what the request holds, not the request. */
void      amap_http_request_clear      (AmapHttpRequest  *request);
/* Makes @request->message, a GET of @url asking for JSON; returns its
 * request headers, for more. */
SoupMessageHeaders *
          amap_http_request_new_message (AmapHttpRequest *request,
                                         const char      *url);
/* Starts the clock (@timeout seconds) and sends; @callback gets a
 * reference to @task as its data. */
void      amap_http_request_send       (AmapHttpRequest  *request,
                                        SoupSession      *session,
                                        GTask            *task,
                                        guint             timeout,
                                        GAsyncReadyCallback callback);
/* The body, or NULL with @error set; stops the clock either way. Where
 * it is NULL, @request->timed_out tells a timeout from a cancel
 * (G_IO_ERROR_CANCELLED) and from a server that could not be reached. */
GBytes   *amap_http_request_finish     (AmapHttpRequest  *request,
                                        SoupSession      *session,
                                        GAsyncResult     *result,
                                        GError          **error);

G_END_DECLS
