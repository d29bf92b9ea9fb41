/*
 * http.c - the HTTP client (see http.h for the rules it enforces).
 *
 * Shape: tfa_http_perform walks redirects (hop), each hop makes up to
 * 1 + max_retries attempts, each attempt is one libcurl transfer on a handle
 * reused across attempts so connections to the same host are kept. libcurl
 * never follows a redirect itself (FOLLOWLOCATION off): each hop's URL is
 * checked against the url.h policy and the token's origin here.
 */
#include "util/compat.h"

#include <curl/curl.h>

#include "http_body.h"
#include "net/http.h"
#include "net/local_file.h"
#include "net/url.h"
#include "util/alloc.h"
#include "util/backoff.h"
#include "util/limits.h"

void tfa_http_options_init(tfa_http_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->connect_timeout_ms = 10000;
    opts->timeout_ms = 600000;
    opts->low_speed_bytes = 1;
    opts->low_speed_seconds = 30;
    opts->max_retries = TFA_LIMIT_HTTP_RETRIES;
    opts->backoff_ms = 500;
    opts->backoff_max_ms = 30000;
    opts->retry_after_max_ms = TFA_LIMIT_HTTP_RETRY_AFTER * 1000L;
    opts->max_bytes = TFA_LIMIT_HTTP_BYTES;
    opts->max_redirects = TFA_LIMIT_HTTP_REDIRECTS;
}

int tfa_http_global_init(tfa_error *err)
{
    CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK)
        return tfa_error_set(err, TFA_EIO, "cannot initialize libcurl: %s",
                             curl_easy_strerror(code));
    return 0;
}

void tfa_http_global_cleanup(void)
{
    curl_global_cleanup();
}

struct tfa_http_pool {
    CURLSH *share;
};

int tfa_http_pool_new(tfa_http_pool **out)
{
    tfa_http_pool *p = tfa_calloc(1, sizeof(*p));
    *out = NULL;
    if (!p || !(p->share = curl_share_init())) {
        tfa_free(p);
        return TFA_ENOMEM;
    }
    /* a pool that shares nothing would still work, but not as documented */
    if (curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
        curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(p->share);
        tfa_free(p);
        return TFA_EIO;
    }
    *out = p;
    return 0;
}

void tfa_http_pool_free(tfa_http_pool *pool)
{
    if (!pool)
        return;
    curl_share_cleanup(pool->share);
    tfa_free(pool);
}

/* ---- state of one tfa_http_perform ---------------------------------------- */

typedef struct http_ctx {
    const tfa_http_request *req;
    const tfa_http_options *opts;
    tfa_http_response *res;
    tfa_error *err;
    CURL *curl;
    tfa_buf ca;              /* system bundle + opts->cacert, when cacert is set */
    tfa_url origin;          /* the only origin the token goes to */
    tfa_url hop;             /* the URL of the current hop */
    char *url;               /* the same, as given (query included): only for libcurl */
    unsigned hop_no;         /* 0 for req->url */
    char *name;              /* what errors and traces call the request (owned) */
    uint64_t max;            /* body cap */
    tfa_backoff backoff;     /* delays between retries, with this request's own jitter */
    int is_post;             /* POST or PATCH: not idempotent */
    int method;              /* M_GET, ... */
    int token_sent;          /* on the current hop */
    int token_dropped;       /* a redirect left the origin: never sent again */
    tfa_http__upload upload; /* req->stream's reading */
} http_ctx;

/* What one transfer produced. */
typedef struct attempt {
    CURLcode code;
    long status;
    long retry_after_ms; /* -1: none given or unparseable */
    int over_limit, oom;
    char *location; /* redirect target (owned) */
    curl_off_t content_length, connect_us;
    double seconds;
    char errbuf[CURL_ERROR_SIZE];
} attempt;

typedef enum outcome { DONE = 0, REDIRECT, RETRY, FAIL } outcome;

enum { M_GET = 0, M_POST, M_PUT, M_HEAD, M_DELETE, M_PATCH };
static const char *const method_names[] = {"GET", "POST", "PUT", "HEAD", "DELETE", "PATCH"};

static void trace(const http_ctx *c, const char *fmt, ...) TFA_PRINTF(2, 3);
static void trace(const http_ctx *c, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (!c->opts->trace)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->opts->trace(c->opts->payload, line);
}

/* Where the current hop goes, for messages: "" on the first hop, else
 * " (after a redirect to HOST:PORT)". Never the redirect's path or query. */
static void hop_note(const http_ctx *c, char *out, size_t size)
{
    if (c->hop_no == 0)
        out[0] = '\0';
    else
        snprintf(out, size, " (after a redirect to %s:%u)", c->hop.host, c->hop.port);
}

static int fail(http_ctx *c, int status, const char *fmt, ...) TFA_PRINTF(3, 4);
static int fail(http_ctx *c, int status, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX], note[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hop_note(c, note, sizeof(note));
    tfa_error_set_source(c->err, c->name);
    return tfa_error_set(c->err, status, "%s%s", msg, note);
}

/* ---- options ------------------------------------------------------------ */

static time_t now(const http_ctx *c)
{
    return c->opts->now ? c->opts->now(c->opts->payload) : time(NULL);
}

/* The system bundle libcurl would use plus the extra one, as one PEM blob,
 * so --cacert adds a CA instead of replacing the trust store. */
static int load_ca(http_ctx *c)
{
    char *sys = NULL;
    int rc;

    tfa_buf_init(&c->ca, TFA_BUF_NO_MAX);
    if (!c->opts->cacert)
        return 0;
    if (curl_easy_getinfo(c->curl, CURLINFO_CAINFO, &sys) == CURLE_OK && sys) {
        tfa_error scratch;
        tfa_error_init(&scratch);
        /* an unreadable system bundle leaves just the extra CA: still verified */
        if (tfa_local_file_read(&c->ca, sys, TFA_LIMIT_HTTP_API_BYTES, &scratch) != 0)
            tfa_buf_clear(&c->ca);
        tfa_buf_putc(&c->ca, '\n');
    }
    rc = tfa_local_file_read(&c->ca, c->opts->cacert, TFA_LIMIT_HTTP_API_BYTES, c->err);
    if (rc == 0 && tfa_buf_status(&c->ca) != 0)
        rc = tfa_error_oom(c->err);
    return rc;
}

/* A token is a header value: refuse anything that could end the header. */
static int token_ok(const char *t)
{
    for (; *t; t++)
        if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7e)
            return 0;
    return 1;
}

static struct curl_slist *add_header(struct curl_slist *l, int *bad, const char *fmt, ...)
    TFA_PRINTF(3, 4);
static struct curl_slist *add_header(struct curl_slist *l, int *bad, const char *fmt, ...)
{
    tfa_buf b;
    struct curl_slist *n;
    va_list ap;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    va_start(ap, fmt);
    tfa_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    n = tfa_buf_status(&b) ? NULL : curl_slist_append(l, b.ptr);
    memset(b.ptr, 0, b.len); /* may hold the token */
    tfa_buf_release(&b);
    if (!n)
        *bad = 1;
    return n ? n : l;
}

static struct curl_slist *headers(http_ctx *c, int *bad)
{
    const tfa_http_request *r = c->req;
    struct curl_slist *l = NULL;

    *bad = 0;
    c->token_sent =
        r->token && *r->token && !c->token_dropped && tfa_url_same_origin(&c->origin, &c->hop);
    if (r->accept)
        l = add_header(l, bad, "Accept: %s", r->accept);
    if (r->content_type)
        l = add_header(l, bad, "Content-Type: %s", r->content_type);
    if (c->token_sent)
        l = add_header(l, bad, "Authorization: Bearer %s", r->token);
    for (size_t i = 0; r->headers && r->headers[i]; i++)
        l = add_header(l, bad, "%s", r->headers[i]);
    l = add_header(l, bad, "Expect:"); /* no 100-continue round trip for POSTs and PUTs */
    return l;
}

/* ---- one transfer ------------------------------------------------------- */

typedef struct sink {
    http_ctx *c;
    attempt *a;
    int sized;
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *p)
{
    sink *s = p;
    tfa_buf *body = &s->c->res->body;
    size_t len = size * n;

    if (!s->sized) {
        curl_off_t cl = -1;
        s->sized = 1;
        if (curl_easy_getinfo(s->c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
            cl > 0 && (uint64_t)cl <= s->c->max)
            tfa_buf_grow(body, (size_t)cl); /* one allocation for the whole body */
    }
    if ((uint64_t)body->len + len > s->c->max) {
        s->a->over_limit = 1;
        return 0;
    }
    if (tfa_buf_put(body, data, len) != 0) {
        s->a->oom = 1;
        return 0;
    }
    return len;
}

/* Keep the header lines of the last response (a redirect or 100 starts over). */
static size_t on_header(char *data, size_t size, size_t n, void *p)
{
    tfa_buf *h = &((http_ctx *)p)->res->headers;
    size_t len = size * n;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
        tfa_buf_clear(h);
    tfa_buf_put(h, data, len); /* past the buffer's cap the rest is dropped */
    return len;
}

/* curl_easy_setopt with its result kept: the first option libcurl refuses
 * (an older libcurl, a TLS backend without CURLOPT_CAINFO_BLOB) fails the
 * transfer. An option skipped silently could drop --cacert or a timeout. */
typedef struct setter {
    CURL *h;
    CURLcode code;     /* the first refusal, or CURLE_OK */
    CURLoption option; /* the option refused */
    const char *name;  /* its name, for the message */
} setter;

#define SETOPT(s, opt, val) set_checked((s), (opt), #opt, curl_easy_setopt((s)->h, (opt), (val)))

static void set_checked(setter *s, CURLoption option, const char *name, CURLcode code)
{
    if (code == CURLE_OK || s->code != CURLE_OK)
        return;
    s->code = code, s->option = option, s->name = name;
}

static void set_method(http_ctx *c, setter *s)
{
    const tfa_http_request *r = c->req;

    if (c->method == M_HEAD) {
        SETOPT(s, CURLOPT_NOBODY, 1L);
        return;
    }
    if (r->stream) { /* a PUT (tfa_http_perform checked) */
        SETOPT(s, CURLOPT_UPLOAD, 1L);
        SETOPT(s, CURLOPT_READFUNCTION, tfa_http__upload_read);
        SETOPT(s, CURLOPT_READDATA, &c->upload);
        SETOPT(s, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->stream->len);
        SETOPT(s, CURLOPT_UPLOAD_BUFFERSIZE, TFA_HTTP__UPLOAD_BUFFER);
        return;
    }
    if (c->method == M_POST || c->method == M_PUT || c->method == M_PATCH) {
        SETOPT(s, CURLOPT_POST, 1L);
        SETOPT(s, CURLOPT_POSTFIELDS, r->body ? r->body : "");
        SETOPT(s, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    if (c->method == M_PUT || c->method == M_DELETE || c->method == M_PATCH)
        SETOPT(s, CURLOPT_CUSTOMREQUEST, method_names[c->method]);
}

static void set_signing(http_ctx *c, setter *s)
{
    const tfa_http_request *r = c->req;
    if (!r->aws_sigv4)
        return;
    SETOPT(s, CURLOPT_AWS_SIGV4, r->aws_sigv4);
    SETOPT(s, CURLOPT_USERNAME, r->aws_key ? r->aws_key : "");
    SETOPT(s, CURLOPT_PASSWORD, r->aws_secret ? r->aws_secret : "");
    SETOPT(s, CURLOPT_PATH_AS_IS, 1L); /* keys may hold "./" */
}

/* Every option of one transfer: 0, or the error naming the option refused. */
static int set_options(http_ctx *c, attempt *a, sink *sk, struct curl_slist *hdrs)
{
    const tfa_http_options *o = c->opts;
    setter st = {c->curl, CURLE_OK, CURLOPT_URL, NULL}, *s = &st;

    SETOPT(s, CURLOPT_URL, c->url);
    SETOPT(s, CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(s, CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(s, CURLOPT_NOSIGNAL, 1L);
    SETOPT(s, CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(s, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca.len) {
        struct curl_blob blob = {c->ca.ptr, c->ca.len, CURL_BLOB_NOCOPY};
        SETOPT(s, CURLOPT_CAINFO_BLOB, &blob);
    }
    SETOPT(s, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SETOPT(s, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    SETOPT(s, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
    SETOPT(s, CURLOPT_LOW_SPEED_TIME, o->low_speed_seconds);
    if (c->method != M_HEAD) /* a HEAD's Content-Length is the object's, not a body */
        SETOPT(s, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max);
    if (o->pool)
        SETOPT(s, CURLOPT_SHARE, o->pool->share);
    SETOPT(s, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "tfaudit/" TFA_VERSION);
    SETOPT(s, CURLOPT_HTTPHEADER, hdrs);
    SETOPT(s, CURLOPT_ERRORBUFFER, a->errbuf);
    SETOPT(s, CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(s, CURLOPT_WRITEDATA, sk);
    SETOPT(s, CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(s, CURLOPT_HEADERDATA, c);
    set_method(c, s);
    set_signing(c, s);
    if (st.code == CURLE_OK)
        return 0;
    if (st.option == CURLOPT_CAINFO_BLOB)
        return fail(c, TFA_EUSAGE,
                    "--cacert cannot be used with this libcurl (%s): it does not take CA "
                    "certificates from memory (CURLOPT_CAINFO_BLOB: %s)",
                    curl_version(), curl_easy_strerror(st.code));
    return fail(c, TFA_EIO, "libcurl (%s) refused %s: %s", curl_version(), st.name,
                curl_easy_strerror(st.code));
}

/* GitHub's primary rate limit: 403 or 429 with "x-ratelimit-remaining: 0"
 * and the epoch second it resets at. The wait until then, or -1. */
static long rate_limit_reset_ms(const http_ctx *c)
{
    struct curl_header *h = NULL;
    long long reset = 0;
    const char *p;
    time_t t;

    if (curl_easy_header(c->curl, "x-ratelimit-remaining", 0, CURLH_HEADER, -1, &h) != CURLHE_OK ||
        strcmp(h->value, "0") != 0 ||
        curl_easy_header(c->curl, "x-ratelimit-reset", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
        return -1;
    for (p = h->value; *p >= '0' && *p <= '9' && reset < (1LL << 40); p++)
        reset = reset * 10 + (*p - '0');
    if (*p || p == h->value)
        return -1;
    t = now(c);
    if (reset <= (long long)t)
        return 0;
    return reset - (long long)t > LONG_MAX / 1000 ? LONG_MAX / 1000 * 1000
                                                  : (long)(reset - (long long)t) * 1000;
}

static void read_result(http_ctx *c, attempt *a)
{
    struct curl_header *h = NULL;
    char *loc = NULL;
    curl_off_t total = 0;

    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &a->status);
    curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &a->content_length);
    c->res->content_length = a->content_length >= 0 ? (uint64_t)a->content_length : UINT64_MAX;
    curl_easy_getinfo(c->curl, CURLINFO_CONNECT_TIME_T, &a->connect_us);
    curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &total);
    a->seconds = (double)total / 1e6;
    if ((a->status == 429 || a->status == 503 || a->status == 403) &&
        curl_easy_header(c->curl, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        a->retry_after_ms = tfa_http_retry_after_ms(h->value, now(c));
    if ((a->status == 429 || a->status == 403) && a->retry_after_ms < 0)
        a->retry_after_ms = rate_limit_reset_ms(c);
    if (a->status >= 300 && a->status < 400 &&
        curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc &&
        !(a->location = tfa_strdup(loc)))
        a->oom = 1;
}

/* libcurl copied the header lines, the token among them: wipe the copies. */
static void free_headers(struct curl_slist *l)
{
    struct curl_slist *p;
    for (p = l; p; p = p->next)
        memset(p->data, 0, strlen(p->data));
    curl_slist_free_all(l);
}

/* One transfer of the current hop into c->res->body. */
static int transfer(http_ctx *c, attempt *a)
{
    struct curl_slist *hdrs;
    sink s = {c, a, 0};
    int bad, rc;

    tfa_free(a->location);
    memset(a, 0, sizeof(*a));
    a->retry_after_ms = -1;
    tfa_buf_clear(&c->res->body);
    tfa_buf_clear(&c->res->headers);
    hdrs = headers(c, &bad);
    if (bad) {
        free_headers(hdrs);
        return tfa_error_oom(c->err);
    }
    curl_easy_reset(c->curl);
    if ((rc = set_options(c, a, &s, hdrs)) != 0 ||
        (c->req->stream && (rc = tfa_http__upload_start(&c->upload, c->err)) != 0)) {
        free_headers(hdrs);
        return rc;
    }
    a->code = curl_easy_perform(c->curl);
    free_headers(hdrs);
    read_result(c, a);
    c->res->attempts++;
    if (a->code == CURLE_OK)
        c->res->status = a->status;
    return 0;
}

/* ---- deciding what an attempt means ------------------------------------ */

/* A failure worth another attempt. A POST is retried only when nothing can
 * have reached the server's application. */
static int transient(const http_ctx *c, const attempt *a)
{
    if (a->code == CURLE_OK) {
        if (a->status == 429 || a->status == 503)
            return 1;
        if (a->status == 403 && a->retry_after_ms >= 0) /* a rate limit, not a refusal */
            return 1;
        return !c->is_post &&
               (a->status == 408 || a->status == 500 || a->status == 502 || a->status == 504);
    }
    switch (a->code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        return 1;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return !c->is_post;
    default:
        return 0;
    }
}

/* libcurl's detail text, unless it could echo the URL (and so a query). */
static const char *detail(const attempt *a)
{
    if (a->errbuf[0] && !strstr(a->errbuf, "://") && !strchr(a->errbuf, '?'))
        return a->errbuf;
    return curl_easy_strerror(a->code);
}

/* One line for a transport failure (a->code != CURLE_OK). */
static void describe(const http_ctx *c, const attempt *a, char *out, size_t size)
{
    const tfa_http_options *o = c->opts;
    switch (a->code) {
    case CURLE_COULDNT_CONNECT:
        snprintf(out, size, "cannot connect to %s port %u", c->hop.host, c->hop.port);
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        snprintf(out, size, "cannot resolve host %s", c->hop.host);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (a->connect_us == 0)
            snprintf(out, size, "cannot connect to %s port %u: timed out after %ld ms", c->hop.host,
                     c->hop.port, o->connect_timeout_ms);
        else if (strncmp(a->errbuf, "Operation too slow", 18) == 0)
            snprintf(out, size, "transfer too slow: under %ld bytes/s for %ld s",
                     o->low_speed_bytes, o->low_speed_seconds);
        else
            snprintf(out, size, "timed out after %ld ms", o->timeout_ms);
        break;
    case CURLE_PARTIAL_FILE:
        snprintf(out, size, "response truncated: connection closed after %zu of %lld bytes",
                 c->res->body.len, (long long)a->content_length);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        snprintf(out, size,
                 "TLS certificate of %s not trusted (%s); use --cacert FILE to trust a private CA",
                 c->hop.host, detail(a));
        break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
        snprintf(out, size, "TLS connection to %s failed (%s)", c->hop.host, detail(a));
        break;
    case CURLE_GOT_NOTHING:
        snprintf(out, size, "empty reply from %s", c->hop.host);
        break;
    default:
        snprintf(out, size, "transfer failed (%s)", detail(a));
        break;
    }
}

static int status_error(http_ctx *c, const attempt *a, unsigned tries)
{
    const char *src = c->req->token_source ? c->req->token_source : "the configured source";
    char after[48] = "";

    if (tries > 1)
        snprintf(after, sizeof(after), " after %u attempts", tries);
    if (a->status == 401 || a->status == 403) {
        if (c->req->aws_sigv4)
            return fail(c, TFA_EUSAGE, "HTTP %ld: access denied (credentials from %s)", a->status,
                        src);
        if (c->token_sent)
            return fail(c, TFA_EUSAGE, "HTTP %ld: token rejected (token from %s)", a->status, src);
        if (c->req->token && *c->req->token)
            return fail(c, TFA_EUSAGE, "HTTP %ld: access denied (the token is not sent there)",
                        a->status);
        return fail(c, TFA_EUSAGE, "HTTP %ld: access denied (no token was sent)", a->status);
    }
    if (a->status == 404 || a->status == 410) {
        if (c->token_sent)
            return fail(c, TFA_ENOTFOUND,
                        "HTTP %ld: not found, or not readable with the token from %s", a->status,
                        src);
        return fail(c, TFA_ENOTFOUND, "HTTP %ld: not found", a->status);
    }
    if (a->status >= 300 && a->status < 400)
        return fail(c, TFA_EIO, "HTTP %ld: redirect without a usable Location", a->status);
    return fail(c, TFA_EIO, "HTTP %ld%s", a->status, after);
}

/* Final error for an attempt that failed and will not be retried. */
static int attempt_error(http_ctx *c, const attempt *a, unsigned tries)
{
    char why[TFA_ERROR_MESSAGE_MAX];

    if (a->oom)
        return tfa_error_oom(c->err);
    if (c->upload.failed) /* the body's own error, not the transfer's */
        return fail(c, c->upload.why.status, "%s", c->upload.why.message);
    if (a->over_limit || a->code == CURLE_FILESIZE_EXCEEDED)
        return fail(c, TFA_ELIMIT, "response larger than the %llu-byte limit",
                    (unsigned long long)c->max);
    if (a->code == CURLE_OK)
        return status_error(c, a, tries);
    describe(c, a, why, sizeof(why));
    if (tries > 1)
        return fail(c, TFA_EIO, "%s (after %u attempts)", why, tries);
    return fail(c, TFA_EIO, "%s", why);
}

static outcome classify(const http_ctx *c, const attempt *a)
{
    if (a->oom || a->over_limit || c->upload.failed)
        return FAIL;
    if (a->code == CURLE_OK && a->status >= 200 && a->status < 300)
        return DONE;
    if (a->code == CURLE_OK && a->status >= 300 && a->status < 400 && a->location)
        return REDIRECT;
    return transient(c, a) ? RETRY : FAIL;
}

/* The wait before retry `n` (0-based): Retry-After when given, else
 * exponential backoff with "equal jitter" (half fixed, half random). */
static long retry_delay(http_ctx *c, const attempt *a, unsigned n)
{
    if (a->retry_after_ms >= 0)
        return a->retry_after_ms;
    if (c->opts->jitter)
        return tfa_backoff_delay_at(&c->backoff, n, c->opts->jitter(c->opts->payload));
    return tfa_backoff_delay(&c->backoff, n);
}

static void trace_start(const http_ctx *c, unsigned n)
{
    const char *m = method_names[c->method];
    char what[320];

    if (c->hop_no)
        snprintf(what, sizeof(what), "%s via %s:%u (redirect %u)", c->name, c->hop.host,
                 c->hop.port, c->hop_no);
    else
        snprintf(what, sizeof(what), "%s", c->name);
    if (n)
        trace(c, "%s %s (attempt %u of %u)", m, what, n + 1, c->opts->max_retries + 1);
    else
        trace(c, "%s %s", m, what);
}

/* Why an attempt is being retried, for the trace. */
static void retry_reason(const http_ctx *c, const attempt *a, char *out, size_t size)
{
    if (a->code == CURLE_OK)
        snprintf(out, size, "HTTP %ld%s", a->status, a->retry_after_ms >= 0 ? ", Retry-After" : "");
    else
        describe(c, a, out, size);
}

/* The attempts at the current hop: DONE, REDIRECT (a->location set) or FAIL
 * with *rc and the error set. */
static outcome attempts(http_ctx *c, attempt *a, int *rc)
{
    char why[TFA_ERROR_MESSAGE_MAX];
    unsigned n;
    outcome o;
    long delay;

    for (n = 0;; n++) {
        trace_start(c, n);
        if ((*rc = transfer(c, a)) != 0)
            return FAIL;
        o = classify(c, a);
        if (o == DONE)
            trace(c, "HTTP %ld: %zu bytes in %.2f s", a->status, c->res->body.len, a->seconds);
        if (o != RETRY)
            break;
        retry_reason(c, a, why, sizeof(why));
        if (n >= c->opts->max_retries)
            break;
        delay = retry_delay(c, a, n);
        if (delay > c->opts->retry_after_max_ms) {
            *rc =
                fail(c, TFA_EIO, "HTTP %ld: the server asks to retry after %ld s, more than %ld s",
                     a->status, delay / 1000, c->opts->retry_after_max_ms / 1000);
            return FAIL;
        }
        trace(c, "%s: retrying in %.2f s", why, (double)delay / 1000.0);
        if (c->opts->sleep_ms)
            c->opts->sleep_ms(c->opts->payload, delay);
        else
            tfa_backoff_sleep_ms(delay);
    }
    if (o != DONE && o != REDIRECT)
        *rc = attempt_error(c, a, n + 1);
    return o == RETRY ? FAIL : o;
}

/* Move to a redirect's target, or refuse it. */
static int follow(http_ctx *c, attempt *a)
{
    tfa_url next = TFA_URL_INIT;
    tfa_error why;
    int rc = 0;

    tfa_error_init(&why);
    if (c->req->aws_sigv4)
        return fail(c, TFA_EIO, "HTTP %ld: a redirect of a signed request is not followed",
                    a->status);
    if (c->hop_no >= c->opts->max_redirects)
        return fail(c, TFA_EIO, "too many redirects (more than %u)", c->opts->max_redirects);
    if (c->is_post && a->status != 307 && a->status != 308)
        return fail(c, TFA_EIO, "HTTP %ld: a redirect of a %s is not followed", a->status,
                    method_names[c->method]);
    if (tfa_url_parse(&next, a->location, &why) != 0) {
        rc = why.status == TFA_ENOMEM
                 ? tfa_error_oom(c->err)
                 : fail(c, TFA_EUSAGE, "HTTP %ld: redirect refused: %s", a->status, why.message);
    } else if (strcmp(c->hop.scheme, "https") == 0 && strcmp(next.scheme, "https") != 0) {
        rc = fail(c, TFA_EUSAGE, "HTTP %ld: redirect refused: from https to http", a->status);
    } else {
        int keeps = c->token_sent && tfa_url_same_origin(&c->origin, &next);
        trace(c, "HTTP %ld: redirected to %s:%u%s", a->status, next.host, next.port,
              c->token_sent && !keeps ? " (another origin: the token is not sent)" : "");
        tfa_url_release(&c->hop);
        c->hop = next;
        memset(&next, 0, sizeof(next)); /* handed over */
        tfa_free(c->url);
        c->url = a->location;
        a->location = NULL; /* handed over */
        c->hop_no++;
        if (!keeps)
            c->token_dropped = 1;
    }
    tfa_url_release(&next);
    return rc;
}

int tfa_http_perform(tfa_http_response *res, const tfa_http_request *req,
                     const tfa_http_options *opts, tfa_error *err)
{
    http_ctx c;
    attempt a;
    tfa_error why;
    int rc;

    memset(&c, 0, sizeof(c));
    memset(&a, 0, sizeof(a));
    c.req = req, c.opts = opts, c.res = res, c.err = err;
    for (c.method = M_GET; req->method && c.method < (int)TFA_ARRAY_SIZE(method_names); c.method++)
        if (strcmp(req->method, method_names[c.method]) == 0)
            break;
    if (c.method == (int)TFA_ARRAY_SIZE(method_names)) {
        rc = tfa_error_set(err, TFA_EUSAGE, "unsupported HTTP method '%s'", req->method);
        goto done;
    }
    if (req->stream && c.method != M_PUT) {
        rc = tfa_error_set(err, TFA_EUSAGE, "a streamed body goes only with PUT, not %s",
                           method_names[c.method]);
        goto done;
    }
    c.upload.body = req->stream;
    /* what matters for retries: only a POST or a PATCH may not be repeated blindly */
    c.is_post = c.method == M_POST || c.method == M_PATCH;
    c.max = req->max_bytes && req->max_bytes < opts->max_bytes ? req->max_bytes : opts->max_bytes;
    tfa_backoff_init(&c.backoff, opts->backoff_ms, opts->backoff_max_ms);
    tfa_buf_init(&c.ca, TFA_BUF_NO_MAX);
    tfa_error_init(&why);
    if (tfa_url_parse(&c.hop, req->url, &why) != 0) {
        /* a named request keeps its name: its URL may be a capability */
        if (why.status != TFA_ENOMEM)
            tfa_error_set_source(err, req->name ? req->name : why.source);
        rc = tfa_error_set(err, why.status, "%s", why.message);
        goto done;
    }
    if ((rc = tfa_url_parse(&c.origin, req->token_origin ? req->token_origin : req->url, err)) != 0)
        goto done;
    if (!(c.name = tfa_strdup(req->name ? req->name : c.hop.display))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (req->token && !token_ok(req->token)) {
        rc = fail(&c, TFA_EUSAGE, "the token from %s contains spaces or control characters",
                  req->token_source ? req->token_source : "the configured source");
        goto done;
    }
    if (!(c.url = tfa_strdup(req->url)) || !(c.curl = curl_easy_init())) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = load_ca(&c)) != 0)
        goto done;
    while (attempts(&c, &a, &rc) == REDIRECT && (rc = follow(&c, &a)) == 0) {
        tfa_free(a.location);
        a.location = NULL;
    }
done:
    tfa_free(a.location);
    curl_easy_cleanup(c.curl);
    tfa_buf_release(&c.ca);
    tfa_url_release(&c.origin);
    tfa_url_release(&c.hop);
    tfa_free(c.url);
    tfa_free(c.name);
    return rc;
}
