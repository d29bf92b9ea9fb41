/*
 * s3_read.c - reading from S3: an object as a stream of ranged GETs, and
 * ListObjectsV2 (see s3.h).
 *
 * An object of up to one chunk (every plan and log of a nightly audit)
 * costs one request: the first ranged GET also says the object's size and
 * ETag, so no HeadObject goes before it.
 */
#include "util/compat.h"

#include "s3_priv.h"
#include "net/s3_walk.h"
#include "net/s3_xml.h"
#include "util/alloc.h"
#include "util/limits.h"

/* ---- an object as a stream ---------------------------------------------------- */

typedef struct chunked {
    tfa_s3 *s3;
    char *bucket, *key;
    tfa_s3_object obj;
    uint64_t next;         /* offset of the next chunk to fetch */
    tfa_http_response res; /* the current chunk */
    size_t at;             /* bytes of it handed out */
} chunked;

static void chunked_close(void *ctx)
{
    chunked *c = ctx;
    if (!c)
        return;
    tfa_http_response_release(&c->res);
    tfa_free(c->bucket);
    tfa_free(c->key);
    tfa_free(c);
}

/* Fetch [c->next, c->next + CHUNK) with If-Match on the object's ETag. */
static int fetch_chunk(chunked *c, tfa_error *err)
{
    uint64_t last = c->next + TFA_S3_CHUNK_BYTES - 1;
    char range[80], match[sizeof(c->obj.etag) + 16];
    const char *headers[3] = {range, NULL, NULL};
    int rc;

    if (last >= c->obj.size)
        last = c->obj.size - 1;
    snprintf(range, sizeof(range), "Range: bytes=%llu-%llu", (unsigned long long)c->next,
             (unsigned long long)last);
    if (c->obj.etag[0]) {
        snprintf(match, sizeof(match), "If-Match: %s", c->obj.etag);
        headers[1] = match;
    }
    tfa_http_response_release(&c->res);
    tfa_http_response_init(&c->res);
    c->at = 0;
    rc = tfa_s3_request(c->s3, &c->res, "GET", c->bucket, c->key, NULL, headers, NULL, 0, err);
    if (rc == 0 && c->res.status == 200 && c->next == 0 && c->res.body.len == c->obj.size)
        ; /* a server that ignores Range and sends it all: fine when it is all */
    else if (rc == 0 && (c->res.status != 206 || c->res.body.len != last - c->next + 1))
        rc =
            tfa_error_set(err, TFA_EIO, "HTTP %ld: got %zu bytes for a range of %llu",
                          c->res.status, c->res.body.len, (unsigned long long)(last - c->next + 1));
    else if (rc == TFA_EIO && c->res.status == 412)
        tfa_error_clear(err),
            rc = tfa_error_set(err, TFA_EIO, "the object changed while it was read");
    if (rc == 0)
        c->next += c->res.body.len;
    return rc;
}

/* "bytes FIRST-LAST/TOTAL" -> TOTAL; 0 when the header is absent or
 * another form ("*" for an unknown total). */
static int content_range_total(const tfa_http_response *res, uint64_t first, uint64_t *total)
{
    char v[128], *end;
    unsigned long long a, b, t;
    if (!tfa_http_response_header(res, "Content-Range", v, sizeof(v)) ||
        strncmp(v, "bytes ", 6) != 0)
        return 0;
    a = strtoull(v + 6, &end, 10);
    if (*end != '-' || a != first)
        return 0;
    b = strtoull(end + 1, &end, 10);
    if (*end != '/' || b < a)
        return 0;
    t = strtoull(end + 1, &end, 10);
    if (*end || t <= b)
        return 0;
    *total = t;
    return 1;
}

/*
 * The first chunk, without a HeadObject: one ranged GET says the size
 * (Content-Range) and the ETag the later chunks must match. A server that
 * ignores Range answers 200 with the whole object, which is then the one
 * chunk. 416 is the answer for an empty object (no byte 0): a HeadObject
 * then confirms it is empty, and anything else is an error.
 */
static int fetch_first(chunked *c, tfa_error *err)
{
    char range[80];
    const char *headers[2] = {range, NULL};
    tfa_error why;
    int rc;

    tfa_error_init(&why);
    snprintf(range, sizeof(range), "Range: bytes=0-%llu",
             (unsigned long long)TFA_S3_CHUNK_BYTES - 1);
    rc = tfa_s3_request(c->s3, &c->res, "GET", c->bucket, c->key, NULL, headers, NULL, 0, &why);
    if (rc && c->res.status == 416) {
        if ((rc = tfa_s3_head(c->s3, c->bucket, c->key, &c->obj, err)) == 0 && c->obj.size != 0)
            rc = tfa_error_set(err, TFA_EIO, "HTTP 416 for the first bytes of a %llu-byte object",
                               (unsigned long long)c->obj.size);
        tfa_http_response_release(&c->res);
        tfa_http_response_init(&c->res);
        return rc;
    }
    if (rc) {
        *err = why;
        return rc;
    }
    tfa_http_response_header(&c->res, "ETag", c->obj.etag, sizeof(c->obj.etag));
    if (c->res.status == 200)
        c->obj.size = c->res.body.len;
    else if (c->res.status != 206 || !content_range_total(&c->res, 0, &c->obj.size) ||
             c->res.body.len !=
                 (c->obj.size < TFA_S3_CHUNK_BYTES ? c->obj.size : TFA_S3_CHUNK_BYTES))
        return tfa_error_set(err, TFA_EIO, "HTTP %ld: %zu bytes and no usable Content-Range",
                             c->res.status, c->res.body.len);
    c->next = c->res.body.len;
    return 0;
}

static long long chunked_read(void *ctx, void *buf, size_t len, tfa_error *err)
{
    chunked *c = ctx;
    size_t n;
    int rc;

    if (c->at == c->res.body.len) {
        if (c->next >= c->obj.size)
            return 0;
        if ((rc = fetch_chunk(c, err)) != 0)
            return rc;
    }
    n = c->res.body.len - c->at;
    if (n > len)
        n = len;
    memcpy(buf, c->res.body.ptr + c->at, n);
    c->at += n;
    return (long long)n;
}

int tfa_s3_open(tfa_stream **out, tfa_s3 *s3, const char *bucket, const char *key, const char *name,
                tfa_error *err)
{
    return tfa_s3_open_sized(out, s3, bucket, key, name, UINT64_MAX, err);
}

/* The object's first chunk (or its HeadObject when listed empty), with
 * the size cap checked: what opening it as a stream and reading it whole
 * both start with. */
static int open_chunked(chunked **out, tfa_s3 *s3, const char *bucket, const char *key,
                        const char *name, uint64_t listed_size, tfa_error *err)
{
    chunked *c = tfa_calloc(1, sizeof(*c));
    int rc;

    *out = NULL;
    if (!c)
        return tfa_error_oom(err);
    tfa_http_response_init(&c->res);
    c->s3 = s3;
    c->bucket = tfa_strdup(bucket);
    c->key = tfa_strdup(key);
    if (!c->bucket || !c->key) {
        chunked_close(c);
        return tfa_error_oom(err);
    }
    /* listed empty: a range has no byte to name (S3 answers 416, some
     * S3-compatible servers worse), so HeadObject alone confirms it */
    rc = listed_size == 0 ? tfa_s3_head(s3, bucket, key, &c->obj, err) : fetch_first(c, err);
    if (rc == 0 && listed_size == 0 && c->obj.size != 0)
        rc = tfa_error_set(err, TFA_EIO, "the object changed since it was listed");
    if (rc != 0) {
        chunked_close(c);
        return rc;
    }
    if (c->obj.size > s3->http.max_bytes) {
        chunked_close(c);
        tfa_error_set_source(err, name);
        return tfa_error_set(err, TFA_ELIMIT, "object of %llu bytes is over the %llu-byte limit",
                             (unsigned long long)c->obj.size,
                             (unsigned long long)s3->http.max_bytes);
    }
    *out = c;
    return 0;
}

int tfa_s3_open_sized(tfa_stream **out, tfa_s3 *s3, const char *bucket, const char *key,
                      const char *name, uint64_t listed_size, tfa_error *err)
{
    tfa_stream_source src = {chunked_read, chunked_close, NULL};
    chunked *c;
    int rc;

    *out = NULL;
    if ((rc = open_chunked(&c, s3, bucket, key, name, listed_size, err)) != 0)
        return rc;
    src.ctx = c;
    return tfa_stream_new(out, name, &src, err);
}

int tfa_s3_get_small(void **data, size_t *len, tfa_s3 *s3, const char *bucket, const char *key,
                     const char *name, size_t max, tfa_error *err)
{
    chunked *c;
    int rc;

    *data = NULL, *len = 0;
    /* open_chunked sets c whenever it returns 0; the second test says so to
     * GCC's -O3 null-dereference analysis, which cannot see it */
    if ((rc = open_chunked(&c, s3, bucket, key, name, UINT64_MAX, err)) != 0 || !c)
        return rc ? rc : tfa_error_oom(err);
    /* the first answer held all of it (an empty object has no body to take) */
    if (c->obj.size == 0 || c->obj.size > max || c->next < c->obj.size) {
        chunked_close(c);
        return 1;
    }
    *data = tfa_buf_detach(&c->res.body, len);
    chunked_close(c);
    return *data ? 0 : tfa_error_oom(err);
}

/* ---- ListObjectsV2 ---------------------------------------------------------------- */

void tfa_s3_listing_release(tfa_s3_listing *l)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        tfa_free(l->keys[i]);
    tfa_free(l->keys);
    tfa_free(l->sizes);
    memset(l, 0, sizeof(*l));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode a URL-encoded key (encoding-type=url) in place. */
static void url_decode(tfa_buf *b)
{
    size_t i, o = 0;
    for (i = 0; i < b->len; i++) {
        char c = b->ptr[i];
        if (c == '%' && i + 2 < b->len && hexval(b->ptr[i + 1]) >= 0 &&
            hexval(b->ptr[i + 2]) >= 0) {
            c = (char)(hexval(b->ptr[i + 1]) * 16 + hexval(b->ptr[i + 2]));
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        b->ptr[o++] = c;
    }
    tfa_buf_truncate(b, o);
}

static int add_key(tfa_s3_listing *l, size_t *cap, const tfa_buf *key, uint64_t size,
                   tfa_error *err)
{
    if (l->n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        char **k = tfa_realloc(l->keys, c * sizeof(*k));
        uint64_t *s;
        if (!k)
            return tfa_error_oom(err);
        l->keys = k;
        if (!(s = tfa_realloc(l->sizes, c * sizeof(*s))))
            return tfa_error_oom(err);
        l->sizes = s;
        *cap = c;
    }
    if (!(l->keys[l->n] = tfa_strndup(key->ptr, key->len)))
        return tfa_error_oom(err);
    l->sizes[l->n++] = size;
    return 0;
}

/* One page's <Contents>; *next gets NextContinuationToken when truncated. */
static int read_page(tfa_s3_listing *l, size_t *cap, const tfa_http_response *res, tfa_buf *next,
                     const char *src, tfa_error *err)
{
    const char *p = res->body.ptr, *end = p + res->body.len, *text;
    tfa_buf key, size, trunc;
    size_t len;
    int url_keys, rc = 0, found;

    tfa_buf_init(&key, TFA_BUF_NO_MAX);
    tfa_buf_init(&size, 64);
    tfa_buf_init(&trunc, 64);
    url_keys = tfa_xml_get(&key, p, end, "EncodingType") == 1 && strcmp(key.ptr, "url") == 0;
    while (rc == 0 && (found = tfa_xml_next(&p, end, "Contents", &text, &len)) != 0) {
        if (found < 0 || tfa_xml_get(&key, text, text + len, "Key") != 1 ||
            tfa_xml_get(&size, text, text + len, "Size") != 1) {
            tfa_error_set_source(err, src);
            rc = tfa_error_set(err, TFA_EINPUT, "a ListObjectsV2 answer S3 would not send");
            break;
        }
        if (url_keys)
            url_decode(&key);
        if (l->n >= TFA_LIMIT_ARCHIVE_ENTRIES) {
            tfa_error_set_source(err, src);
            rc = tfa_error_set(err, TFA_ELIMIT, "more than %d objects under the prefix",
                               TFA_LIMIT_ARCHIVE_ENTRIES);
            break;
        }
        rc = add_key(l, cap, &key, strtoull(size.ptr, NULL, 10), err);
    }
    tfa_buf_clear(next);
    if (rc == 0 && tfa_xml_get(&trunc, res->body.ptr, end, "IsTruncated") == 1 &&
        strcmp(trunc.ptr, "true") == 0 &&
        tfa_xml_get(next, res->body.ptr, end, "NextContinuationToken") != 1) {
        tfa_error_set_source(err, src);
        rc = tfa_error_set(err, TFA_EINPUT, "a truncated listing without a continuation token");
    }
    tfa_buf_release(&key);
    tfa_buf_release(&size);
    tfa_buf_release(&trunc);
    return rc;
}

int tfa_s3_list(tfa_s3_listing *out, tfa_s3 *s3, const char *bucket, const char *prefix,
                tfa_error *err)
{
    tfa_buf query, next;
    tfa_http_response res;
    char src[TFA_ERROR_SOURCE_MAX];
    size_t cap = 0, pages = 0;
    tfa_error page_err;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    tfa_buf_init(&query, TFA_BUF_NO_MAX);
    tfa_buf_init(&next, TFA_BUF_NO_MAX);
    tfa_http_response_init(&res);
    snprintf(src, sizeof(src), "s3://%s/%s", bucket, prefix);
    do {
        /* parameters in SigV4's canonical (sorted) order */
        tfa_buf_clear(&query);
        if (next.len) {
            tfa_buf_puts(&query, "continuation-token=");
            tfa_s3__encode(&query, next.ptr, next.len, 0);
            tfa_buf_putc(&query, '&');
        }
        tfa_buf_puts(&query, "encoding-type=url&list-type=2&prefix=");
        if (tfa_s3__encode(&query, prefix, strlen(prefix), 0) != 0) {
            rc = tfa_error_oom(err);
            break;
        }
        /* errors name the prefix listed, not the bucket */
        tfa_error_init(&page_err);
        tfa_error_set_source(&page_err, src);
        if ((rc = tfa_s3_request(s3, &res, "GET", bucket, "", query.ptr, NULL, NULL, 0,
                                 &page_err)) != 0) {
            if (!err->status)
                *err = page_err;
            break;
        }
        if ((rc = read_page(out, &cap, &res, &next, src, err)) != 0)
            break;
        pages++;
    } while (next.len && pages <= TFA_LIMIT_ARCHIVE_ENTRIES);
    tfa_http_response_release(&res);
    tfa_buf_release(&query);
    tfa_buf_release(&next);
    if (rc)
        tfa_s3_listing_release(out);
    return rc;
}
