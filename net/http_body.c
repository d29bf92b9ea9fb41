/*
 * http_body.c - libcurl reading a tfa_http_body (see http.h): the body's
 * pieces handed over as libcurl asks, the count checked against the
 * declared length, the body's own error kept for the request's.
 */
#include "util/compat.h"

#include "http_body.h"

int tfa_http__upload_start(tfa_http__upload *u, tfa_error *err)
{
    int rc;
    u->sent = 0;
    u->failed = 0;
    tfa_error_init(&u->why);
    if ((rc = u->body->rewind(u->body->payload, &u->why)) != 0) {
        *err = u->why;
        return rc;
    }
    return 0;
}

size_t tfa_http__upload_read(char *buf, size_t size, size_t n, void *payload)
{
    tfa_http__upload *u = payload;
    uint64_t left = u->body->len - u->sent;
    size_t want = size * n;
    long long got;

    if (u->failed)
        return CURL_READFUNC_ABORT;
    if (want > left)
        want = (size_t)left;
    if (want == 0) /* libcurl reads no further than the length it was given */
        return 0;
    got = u->body->read(u->body->payload, buf, want, &u->why);
    if (got < 0) {
        u->failed = 1;
        if (!u->why.status)
            tfa_error_set(&u->why, TFA_EIO, "the request body could not be made");
        return CURL_READFUNC_ABORT;
    }
    if (got == 0 || (size_t)got > want) { /* short of its length, or past it */
        u->failed = 1;
        tfa_error_set(&u->why, TFA_EIO, "the request body %s after %llu of %llu bytes",
                      got ? "ran past its length" : "ended", (unsigned long long)u->sent,
                      (unsigned long long)u->body->len);
        return CURL_READFUNC_ABORT;
    }
    u->sent += (uint64_t)got;
    return (size_t)got;
}
