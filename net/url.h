/*
 * url.h - what tfaudit decides about a URL before it talks to it.
 *
 * Parsed with libcurl's own URL API (curl_url), so the decision is made on
 * exactly what the transfer will use. Three concerns, one per function:
 *  - policy: https always; plain http only to a loopback host (tests, a
 *    local mirror), so no token or plan ever crosses a network in clear;
 *  - display: the URL without userinfo, query and fragment. Presigned URLs
 *    (S3, GCS, HCP Terraform's archivist) carry their credentials in the
 *    query, and userinfo is a password: neither is ever printed or recorded;
 *  - origin: scheme, host and port, which decide whether a request may carry
 *    the Authorization header (RFC 6454 origins).
 */
#ifndef TFA_URL_H
#define TFA_URL_H

#include "util/error.h"

typedef struct tfa_url {
    char *scheme;  /* "https" or "http", lowercase */
    char *host;    /* lowercase; IPv6 literals keep their brackets */
    unsigned port; /* explicit, or the scheme's default */
    char *path;    /* "/" at least; no query */
    char *display; /* scheme://host[:port]/path: safe to print */
    int loopback;  /* host is localhost, 127.0.0.0/8 or [::1] */
} tfa_url;

#define TFA_URL_INIT                                                                               \
    {                                                                                              \
        NULL, NULL, 0, NULL, NULL, 0                                                               \
    }

/*
 * Parse an absolute http(s) URL and apply the policy above. Errors:
 * TFA_EUSAGE for a malformed URL, another scheme, or http to a host that is
 * not loopback (the message names the URL without its query); TFA_ENOMEM.
 * Release `out` with tfa_url_release in every case.
 */
int tfa_url_parse(tfa_url *out, const char *url, tfa_error *err);
void tfa_url_release(tfa_url *u);

/* "host" or "host:port" when the port is not the scheme's default: how
 * Terraform names a service host (the credentials key). NULL on OOM. */
char *tfa_url_host_key(const tfa_url *u);

/* Same scheme, host and port. */
int tfa_url_same_origin(const tfa_url *a, const tfa_url *b);

/* Whether `arg` names a remote input by its scheme ("https://", "http://"). */
int tfa_url_is_http(const char *arg);

/* A printable form of a string that may not even parse: everything before
 * the first '?' or '#', with any "user:password@" removed. */
void tfa_url_redact(char *out, size_t size, const char *raw);

#endif
