/*
 * url.c - URL policy, display and origin (see url.h).
 */
#include "util/compat.h"

#include <curl/curl.h>

#include "net/url.h"
#include "util/alloc.h"
#include "util/buf.h"

void tfa_url_release(tfa_url *u)
{
    tfa_free(u->scheme);
    tfa_free(u->host);
    tfa_free(u->path);
    tfa_free(u->display);
    memset(u, 0, sizeof(*u));
}

int tfa_url_is_http(const char *arg)
{
    return strncmp(arg, "https://", 8) == 0 || strncmp(arg, "http://", 7) == 0;
}

void tfa_url_redact(char *out, size_t size, const char *raw)
{
    size_t len = strcspn(raw, "?#"), o = 0, i;
    const char *sep = strstr(raw, "://");
    size_t skip_from = 0, skip_to = 0;

    if (size == 0)
        return;
    if (sep && (size_t)(sep - raw) < len) {
        size_t auth = (size_t)(sep - raw) + 3;
        size_t end = auth + strcspn(raw + auth, "/?#");
        /* the last '@': a password may hold one ("user:p@ss@host") */
        const char *at = memrchr(raw + auth, '@', end - auth);
        if (at) {
            skip_from = auth;
            skip_to = (size_t)(at - raw) + 1;
        }
    }
    for (i = 0; i < len && o + 1 < size; i++)
        if (i < skip_from || i >= skip_to)
            out[o++] = raw[i];
    out[o] = '\0';
}

/* 127.0.0.0/8 written as a dotted quad. */
static int is_ipv4_loopback(const char *h)
{
    unsigned parts = 0, value = 0, digits = 0;
    const char *p;

    if (strncmp(h, "127.", 4) != 0)
        return 0;
    for (p = h;; p++) {
        if (*p >= '0' && *p <= '9') {
            value = value * 10 + (unsigned)(*p - '0');
            if (++digits > 3 || value > 255)
                return 0;
        } else if (*p == '.' || *p == '\0') {
            if (digits == 0)
                return 0;
            parts++;
            digits = value = 0;
            if (*p == '\0')
                break;
        } else {
            return 0;
        }
    }
    return parts == 4;
}

static int is_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 || is_ipv4_loopback(host);
}

static char *dup_lower(const char *s)
{
    char *d = tfa_strdup(s);
    char *p;
    for (p = d; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

/* scheme://host[:port]path into u->display. */
static int build_display(tfa_url *u, const char *explicit_port, const char *path)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_printf(&b, "%s://%s", u->scheme, u->host);
    if (explicit_port)
        tfa_buf_printf(&b, ":%s", explicit_port);
    tfa_buf_puts(&b, path ? path : "/");
    u->display = tfa_buf_detach(&b, NULL);
    return u->display ? 0 : TFA_ENOMEM;
}

/* Copy the parts curl parsed into `out`; 0 or TFA_ENOMEM. */
static int take_parts(tfa_url *out, CURLU *h)
{
    char *scheme = NULL, *host = NULL, *port = NULL, *eport = NULL, *path = NULL;
    int rc = TFA_ENOMEM;

    if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        rc = TFA_EUSAGE;
        goto done;
    }
    if (curl_url_get(h, CURLUPART_PORT, &eport, 0) != CURLUE_OK)
        eport = NULL;
    if (curl_url_get(h, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        path = NULL;
    out->scheme = dup_lower(scheme);
    out->host = dup_lower(host);
    out->path = tfa_strdup(path ? path : "/");
    out->port = (unsigned)strtoul(port, NULL, 10);
    if (out->port == 0) { /* curl takes ":0"; nothing can be reached there */
        rc = TFA_EUSAGE;
        goto done;
    }
    if (!out->scheme || !out->host || !out->path || build_display(out, eport, out->path) != 0)
        goto done;
    out->loopback = is_loopback(out->host);
    rc = 0;
done:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(eport);
    curl_free(path);
    return rc;
}

int tfa_url_parse(tfa_url *out, const char *url, tfa_error *err)
{
    char shown[TFA_ERROR_SOURCE_MAX];
    CURLU *h = curl_url();
    int rc = 0;

    memset(out, 0, sizeof(*out));
    tfa_url_redact(shown, sizeof(shown), url);
    if (!h)
        return tfa_error_oom(err);
    if (!tfa_url_is_http(url) || curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK) {
        rc = TFA_EUSAGE;
    } else if ((rc = take_parts(out, h)) == TFA_ENOMEM) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (rc) {
        tfa_error_set_source(err, shown);
        rc = tfa_error_set(err, TFA_EUSAGE, "not a valid http or https URL");
    } else if (strcmp(out->scheme, "http") == 0 && !out->loopback) {
        tfa_error_set_source(err, shown);
        rc = tfa_error_set(err, TFA_EUSAGE,
                           "plain http is only allowed to a loopback host; use https");
    }
done:
    curl_url_cleanup(h);
    return rc;
}

char *tfa_url_host_key(const tfa_url *u)
{
    tfa_buf b;
    int def = (strcmp(u->scheme, "https") == 0 && u->port == 443) ||
              (strcmp(u->scheme, "http") == 0 && u->port == 80);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, u->host);
    if (!def)
        tfa_buf_printf(&b, ":%u", u->port);
    return tfa_buf_detach(&b, NULL);
}

int tfa_url_same_origin(const tfa_url *a, const tfa_url *b)
{
    return a->scheme && b->scheme && strcmp(a->scheme, b->scheme) == 0 &&
           strcmp(a->host, b->host) == 0 && a->port == b->port;
}
