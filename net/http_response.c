/*
 * http_response.c - what a response holds for the caller: the body, the
 * status and the headers kept (tfa_http_response_*), and reading the one
 * header whose value the client itself interprets, Retry-After.
 * Separate from http.c, which runs transfers: nothing here touches a
 * connection.
 */
#include "util/compat.h"

#include <curl/curl.h>
#include <strings.h>

#include "net/http.h"

/* Response headers kept for the caller (ETag, Content-Range...): S3 and
 * HCP Terraform send well under 8 KiB; more is cut, not an error. */
#define HEADERS_MAX (64u * 1024u)

void tfa_http_response_init(tfa_http_response *res)
{
    res->status = 0;
    res->attempts = 0;
    res->content_length = UINT64_MAX;
    tfa_buf_init(&res->body, TFA_BUF_NO_MAX);
    tfa_buf_init(&res->headers, HEADERS_MAX);
}

void tfa_http_response_release(tfa_http_response *res)
{
    tfa_buf_release(&res->body);
    tfa_buf_release(&res->headers);
    res->status = 0;
    res->attempts = 0;
}

int tfa_http_response_header(const tfa_http_response *res, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    const char *line = res->headers.ptr, *end = line + res->headers.len;

    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line)), *v, *ve;
        if (!eol)
            eol = end;
        if ((size_t)(eol - line) > n && line[n] == ':' && strncasecmp(line, name, n) == 0) {
            for (v = line + n + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
                ;
            for (ve = eol; ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'); ve--)
                ;
            snprintf(out, size, "%.*s", (int)(ve - v), v);
            return 1;
        }
        line = eol + 1;
    }
    return 0;
}

long tfa_http_retry_after_ms(const char *value, time_t now)
{
    const char *p = value;
    long secs = 0;
    time_t when;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p >= '0' && *p <= '9') {
        for (; *p >= '0' && *p <= '9'; p++) {
            if (secs > LONG_MAX / 10000)
                return LONG_MAX / 1000 * 1000; /* absurdly long: certainly over any cap */
            secs = secs * 10 + (*p - '0');
        }
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        return *p ? -1 : secs * 1000;
    }
    when = curl_getdate(value, NULL);
    if (when == (time_t)-1)
        return -1;
    if (when <= now)
        return 0;
    if ((long long)(when - now) > LONG_MAX / 1000)
        return LONG_MAX / 1000 * 1000;
    return (long)(when - now) * 1000;
}
