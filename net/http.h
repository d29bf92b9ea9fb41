/*
 * http.h - tfaudit's one HTTP client (libcurl): GET into memory, POST,
 * PATCH and PUT JSON, and PUT bodies made as they are sent (tfa_http_body).
 *
 * Everything that crosses a network goes through tfa_http_perform, so the
 * safety rules live in one place:
 *  - TLS peer and host verification are always on; `cacert` adds a CA
 *    bundle to the system's, it never replaces or disables verification;
 *  - https only, plain http only to loopback (url.h), and never a redirect
 *    from https down to http;
 *  - redirects are followed here, not by libcurl, so the bearer token is sent
 *    only to the origin it was given for: a redirect to another host (HCP
 *    Terraform's json-output -> signed archivist or S3 URL) goes without it;
 *  - bounded everything: connect timeout, low-speed abort, a per-attempt
 *    timeout, a body size cap, a redirect count, and a retry count;
 *  - retries with exponential backoff and jitter on connection failures,
 *    timeouts, truncated bodies and 429/500/502/503/504; a Retry-After on 429
 *    or 503 (seconds or an HTTP-date) is honoured exactly, and one longer
 *    than `retry_after_max_ms` fails at once rather than stall a gate. A 403
 *    with a Retry-After, or a 403/429 with GitHub's "x-ratelimit-remaining:
 *    0" and "x-ratelimit-reset", is a rate limit and waits the same way. A
 *    POST or PATCH is retried only when the server cannot have acted on it
 *    (no connection, 429, 503, a rate limit), so a webhook is not delivered
 *    twice;
 *  - nothing secret is printed or put in an error: not the token, not a
 *    header, not a query string. Errors and trace lines name the request by
 *    `name` or by the URL without its query (url.h).
 * The clock, sleep and jitter are injectable so tests run fast and exact.
 */
#ifndef TFA_HTTP_H
#define TFA_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct tfa_http_options {
    long connect_timeout_ms; /* TCP and TLS handshake, per attempt */
    long timeout_ms;         /* one attempt, end to end; 0 for none */
    long low_speed_bytes;    /* abort an attempt slower than this many bytes/s ... */
    long low_speed_seconds;  /* ... for this many seconds (libcurl counts whole seconds) */
    unsigned max_retries;    /* attempts after the first */
    long backoff_ms;         /* delay before the first retry; doubles each time */
    long backoff_max_ms;     /* cap on one delay */
    long retry_after_max_ms; /* a longer Retry-After is an error */
    uint64_t max_bytes;      /* cap on a response body (TFA_ELIMIT) */
    unsigned max_redirects;  /* per request */
    const char *cacert;      /* extra PEM CA bundle to trust; NULL for none */
    const char *user_agent;  /* NULL: "tfaudit/VERSION" */
    /* Injectable; NULL selects the real clock, nanosleep and a PRNG. */
    time_t (*now)(void *payload);                  /* wall clock, for Retry-After dates */
    void (*sleep_ms)(void *payload, long ms);      /* the wait before a retry */
    double (*jitter)(void *payload);               /* uniform in [0, 1) */
    void (*trace)(void *payload, const char *msg); /* --verbose progress; already redacted */
    void *payload;
    struct tfa_http_pool *pool; /* connections kept across requests; NULL for none */
} tfa_http_options;

/* libcurl's process-wide setup (curl_global_init), once, from main before
 * any thread starts, and its teardown at the end of main. net/ never does it
 * on its own: curl_easy_init would, lazily, and before libcurl 7.84 not
 * safely when two threads (audit -j, multipart senders) start at once.
 * Test programs call them around their suites (testsupport.c). 0 or TFA_EIO. */
int tfa_http_global_init(tfa_error *err);
void tfa_http_global_cleanup(void);

/* A pool of connections (and DNS and TLS sessions) that the requests of one
 * job share, so a run of S3 requests to one host pays one handshake. Used by
 * one thread at a time. */
typedef struct tfa_http_pool tfa_http_pool;
/* 0, TFA_ENOMEM, or TFA_EIO when libcurl refuses to share. */
int tfa_http_pool_new(tfa_http_pool **out);
void tfa_http_pool_free(tfa_http_pool *pool);

/* Defaults: 10 s connect, 600 s per attempt, abort below 1 byte/s for 30 s,
 * TFA_LIMIT_HTTP_RETRIES retries from 500 ms up to 30 s, Retry-After up to
 * TFA_LIMIT_HTTP_RETRY_AFTER s, TFA_LIMIT_HTTP_BYTES, TFA_LIMIT_HTTP_REDIRECTS. */
void tfa_http_options_init(tfa_http_options *opts);

/*
 * A request body produced while it is sent (a PUT of an archive packed as
 * it goes), instead of `body`: exactly `len` bytes (Content-Length), read
 * a piece at a time on the thread that calls tfa_http_perform. `rewind` is
 * called before every attempt, the first included, and starts the body
 * over from its first byte (a retry sends it again). `read` gives up to
 * `size` bytes: the count, 0 at the end, or -1 with `err` set (the
 * transfer is aborted, not retried, and that error is the request's). A
 * body that ends before `len` bytes or runs past it fails the request.
 */
typedef struct tfa_http_body {
    uint64_t len;
    int (*rewind)(void *payload, tfa_error *err);
    long long (*read)(void *payload, char *buf, size_t size, tfa_error *err);
    void *payload;
} tfa_http_body;

typedef struct tfa_http_request {
    const char *method;       /* "GET" (when NULL), "POST", "PUT", "PATCH", "HEAD", "DELETE" */
    const char *url;          /* absolute; checked against the url.h policy */
    const char *name;         /* shown in errors and traces; NULL: URL without query */
    const char *accept;       /* Accept header value, or NULL */
    const char *content_type; /* Content-Type header value, or NULL */
    const void *body;         /* POST, PUT or PATCH body */
    size_t body_len;
    const tfa_http_body *stream; /* PUT only: a body made as it is sent, instead */
    const char *token;           /* bearer token, sent only to the token's origin: */
    const char *token_origin;    /* a URL of that origin; NULL for `url`'s own */
    const char *token_source;    /* where it came from ("TFE_TOKEN"), named on 401/403 */
    uint64_t max_bytes;          /* tighter body cap for this request; 0 for opts->max_bytes */
    /* Extra header lines ("Name: value"), NULL-terminated; may be NULL. */
    const char *const *headers;
    /* AWS Signature Version 4 by libcurl (CURLOPT_AWS_SIGV4), e.g.
     * "aws:amz:eu-west-1:s3", with the access key pair. The path and query
     * are signed as given, so callers pass them in canonical form (S3:
     * segments URI-encoded, parameters sorted, each with '='), and the
     * payload hash is the x-amz-content-sha256 header the caller sets.
     * Signed requests go to `url`'s origin only: redirects are not followed. */
    const char *aws_sigv4;
    const char *aws_key, *aws_secret;
} tfa_http_request;

typedef struct tfa_http_response {
    long status;             /* final HTTP status; 0 when no response was received */
    tfa_buf body;            /* the final response's body */
    unsigned attempts;       /* transfers made, retries and redirects included */
    tfa_buf headers;         /* the final response's header lines, CRLF-separated */
    uint64_t content_length; /* of the final response; UINT64_MAX when not given */
} tfa_http_response;

void tfa_http_response_init(tfa_http_response *res);
void tfa_http_response_release(tfa_http_response *res);

/* The value of response header `name` (case-insensitive, the first one),
 * without surrounding blanks, into `out`; 1 when present, else 0. */
int tfa_http_response_header(const tfa_http_response *res, const char *name, char *out,
                             size_t size);

/*
 * Send `req` and read the whole response into `res` (init'ed by the caller).
 * Returns 0 when the final status is 2xx. Otherwise `err` holds one line
 * naming the request and the HTTP status or transport failure, and:
 *   TFA_EUSAGE    a URL the policy refuses; 401/403 (the token is named by
 *                 its source, never by value; for a signed request, the
 *                 credentials by `token_source`)
 *   TFA_ENOTFOUND 404 or 410
 *   TFA_ELIMIT    the body is larger than the cap
 *   TFA_EIO       anything else (other statuses after retries, TLS failure,
 *                 no connection, timeout, truncated body)
 *   TFA_ENOMEM
 * `res->status` keeps the last status seen, so callers can tell 404 apart.
 */
int tfa_http_perform(tfa_http_response *res, const tfa_http_request *req,
                     const tfa_http_options *opts, tfa_error *err);

/* Parse a Retry-After value (delta-seconds or an HTTP-date) against `now`:
 * milliseconds to wait (0 for a date in the past), or -1 if unparseable. */
long tfa_http_retry_after_ms(const char *value, time_t now);

#endif
