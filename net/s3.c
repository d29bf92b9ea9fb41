/*
 * s3.c - the S3 client: URLs, signed requests, errors, HeadObject (see s3.h;
 * reading is s3_read.c, uploads s3_upload.c).
 *
 * libcurl 7.88 signs the path and query exactly as given (it neither sorts
 * nor re-encodes them) and takes the payload hash from x-amz-content-sha256
 * when the request carries one. So this file builds every URL in SigV4's
 * canonical form itself: key bytes outside A-Z a-z 0-9 - _ . ~ / become
 * %XX, query parameters are sorted and each has '='. What is signed is then
 * exactly what is sent, on AWS and on any S3-compatible store.
 */
#include "util/compat.h"

#include "net/s3.h"
#include "s3_priv.h"
#include "net/s3_xml.h"
#include "net/url.h"
#include "util/alloc.h"
#include "util/limits.h"

int tfa_s3_is_url(const char *arg)
{
    return strncmp(arg, "s3://", 5) == 0;
}

/* S3's bucket naming rules, loosely: 3 to 63 of a-z 0-9 . - (and _ and
 * capitals, which old buckets have), starting with a letter or digit. */
static int bucket_ok(const char *b, size_t n)
{
    size_t i;
    if (n < 3 || n > 63 || !((b[0] >= 'a' && b[0] <= 'z') || (b[0] >= '0' && b[0] <= '9')))
        return 0;
    for (i = 0; i < n; i++)
        if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z') ||
              (b[i] >= '0' && b[i] <= '9') || b[i] == '.' || b[i] == '-' || b[i] == '_'))
            return 0;
    return 1;
}

int tfa_s3_url_parse(char **bucket, char **key, const char *url, tfa_error *err)
{
    const char *b = url + 5, *slash;
    size_t n;

    *bucket = *key = NULL;
    if (!tfa_s3_is_url(url))
        return tfa_error_set(err, TFA_EUSAGE, "'%.200s' is not an s3://BUCKET/KEY URL", url);
    slash = strchr(b, '/');
    n = slash ? (size_t)(slash - b) : strlen(b);
    if (!bucket_ok(b, n))
        return tfa_error_set(err, TFA_EUSAGE, "'%.*s' is not an S3 bucket name",
                             (int)(n > 80 ? 80 : n), b);
    *bucket = tfa_strndup(b, n);
    *key = tfa_strdup(slash ? slash + 1 : "");
    if (!*bucket || !*key) {
        tfa_free(*bucket);
        tfa_free(*key);
        *bucket = *key = NULL;
        return tfa_error_oom(err);
    }
    return 0;
}

/* ---- the client ------------------------------------------------------------------ */

int tfa_s3_new(tfa_s3 **out, const tfa_s3_options *opts, tfa_error *err)
{
    tfa_s3 *s3 = tfa_calloc(1, sizeof(*s3));
    tfa_url u = TFA_URL_INIT;
    int rc;

    *out = NULL;
    if (!s3)
        return tfa_error_oom(err);
    tfa_buf_init(&s3->scope, TFA_BUF_NO_MAX);
    if ((rc = tfa_aws_config_load(&s3->cfg, &opts->env, opts->endpoint, err)) != 0)
        goto fail;
    if (s3->cfg.endpoint) {
        size_t n = strlen(s3->cfg.endpoint);
        while (n > 0 && s3->cfg.endpoint[n - 1] == '/')
            s3->cfg.endpoint[--n] = '\0';
        if ((rc = tfa_url_parse(&u, s3->cfg.endpoint, err)) != 0)
            goto fail;
    }
    s3->http = *opts->http;
    if ((rc = tfa_http_pool_new(&s3->pool)) != 0) {
        rc = rc == TFA_ENOMEM ? tfa_error_oom(err)
                              : tfa_error_set(err, rc, "libcurl cannot share connections");
        goto fail;
    }
    s3->http.pool = s3->pool;
    tfa_buf_printf(&s3->scope, "aws:amz:%s:s3", s3->cfg.region);
    if (tfa_buf_status(&s3->scope)) {
        rc = tfa_error_oom(err);
        goto fail;
    }
    tfa_url_release(&u);
    *out = s3;
    return 0;
fail:
    tfa_url_release(&u);
    tfa_s3_free(s3);
    return rc;
}

void tfa_s3_free(tfa_s3 *s3)
{
    if (!s3)
        return;
    tfa_aws_config_release(&s3->cfg);
    tfa_http_pool_free(s3->pool);
    tfa_buf_release(&s3->scope);
    tfa_free(s3);
}

const char *tfa_s3_region(const tfa_s3 *s3)
{
    return s3->cfg.region;
}

const char *tfa_s3_endpoint(const tfa_s3 *s3)
{
    return s3->cfg.endpoint;
}

/* Append `s` URI-encoded the SigV4 way; '/' kept when `keep_slash`. */
int tfa_s3__encode(tfa_buf *b, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            tfa_buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            tfa_buf_put(b, e, 3);
        }
    }
    return tfa_buf_status(b);
}

/* Path-style on a custom endpoint and for dotted bucket names. */
static int url_for(const tfa_s3 *s3, tfa_buf *b, const char *bucket, const char *key)
{
    if (s3->cfg.endpoint)
        tfa_buf_printf(b, "%s/%s/", s3->cfg.endpoint, bucket);
    else if (strchr(bucket, '.'))
        tfa_buf_printf(b, "https://s3.%s.amazonaws.com/%s/", s3->cfg.region, bucket);
    else
        tfa_buf_printf(b, "https://%s.s3.%s.amazonaws.com/", bucket, s3->cfg.region);
    if (!*key && (s3->cfg.endpoint || strchr(bucket, '.')))
        tfa_buf_truncate(b, b->len - 1); /* the bucket itself: /BUCKET */
    return tfa_s3__encode(b, key, strlen(key), 1);
}

char *tfa_s3_object_url(const tfa_s3 *s3, const char *bucket, const char *key)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    url_for(s3, &b, bucket, key);
    return tfa_buf_detach(&b, NULL);
}

/* ---- errors ------------------------------------------------------------------- */

/* Turn a failed request into one line about s3://BUCKET/KEY. `why` holds the
 * HTTP client's own message. */
static int s3_error(tfa_s3 *s3, const tfa_http_response *res, const char *bucket, const char *key,
                    const tfa_error *why, tfa_error *err)
{
    const char *end = res->body.ptr + res->body.len;
    char src[TFA_ERROR_SOURCE_MAX], region[64] = "";
    long st = res->status;
    tfa_buf code;
    const char *c;
    int rc;

    if (why->status == TFA_ENOMEM)
        return tfa_error_oom(err);
    tfa_buf_init(&code, 64);
    if (tfa_xml_get(&code, res->body.ptr, end, "Code") != 1)
        tfa_buf_clear(&code);
    c = code.len ? code.ptr : NULL;
    snprintf(src, sizeof(src), "s3://%s/%s", bucket, key);
    tfa_error_set_source(err, src);
    if (st == 401 || st == 403) {
        if (c && strcmp(c, "InvalidAccessKeyId") == 0)
            rc = tfa_error_set(err, TFA_EUSAGE,
                               "HTTP %ld %s: the access key is not known; it came from %s", st, c,
                               s3->cfg.source);
        else if (c && strcmp(c, "SignatureDoesNotMatch") == 0)
            rc = tfa_error_set(err, TFA_EUSAGE,
                               "HTTP %ld %s: the secret key does not match; it came from %s", st, c,
                               s3->cfg.secret_source);
        else if (c && (strcmp(c, "ExpiredToken") == 0 || strcmp(c, "InvalidToken") == 0 ||
                       strcmp(c, "TokenRefreshRequired") == 0))
            rc = tfa_error_set(err, TFA_EUSAGE,
                               "HTTP %ld %s: the session token is expired or invalid; it came "
                               "from %s",
                               st, c, s3->cfg.token_source ? s3->cfg.token_source : "nowhere");
        else
            rc = tfa_error_set(err, TFA_EUSAGE,
                               "HTTP %ld %s: access denied to the credentials from %s", st,
                               c ? c : "AccessDenied", s3->cfg.source);
    } else if (st == 404) {
        rc = tfa_error_set(err, TFA_ENOTFOUND, "HTTP 404 %s: %s", c ? c : "NotFound",
                           c && strcmp(c, "NoSuchBucket") == 0   ? "no such bucket"
                           : c && strcmp(c, "NoSuchUpload") == 0 ? "no such multipart upload"
                                                                 : "no such key");
    } else if (st >= 300 && st < 400 &&
               tfa_http_response_header(res, "x-amz-bucket-region", region, sizeof(region))) {
        rc = tfa_error_set(err, TFA_EUSAGE,
                           "HTTP %ld %s: the bucket is in region %s, not %s (set AWS_REGION)", st,
                           c ? c : "PermanentRedirect", region, s3->cfg.region);
    } else if (c) {
        rc = tfa_error_set(err, why->status, "%s (S3 error %s)", why->message, c);
    } else {
        rc = tfa_error_set(err, why->status, "%s", why->message);
    }
    tfa_buf_release(&code);
    return rc;
}

/* ---- requests ------------------------------------------------------------------ */

#define MAX_HEADERS 16

int tfa_s3_request(tfa_s3 *s3, tfa_http_response *res, const char *method, const char *bucket,
                   const char *key, const char *query, const char *const *headers, const void *body,
                   size_t len, tfa_error *err)
{
    return tfa_s3__request_on(s3, &s3->http, res, method, bucket, key, query, headers, body, len,
                              NULL, err);
}

/* One signed request whose body is `body` (`len` bytes) or `stream`. */
static int request(tfa_s3 *s3, const tfa_http_options *http, tfa_http_response *res,
                   const char *method, const char *bucket, const char *key, const char *query,
                   const char *const *headers, const void *body, size_t len,
                   const tfa_http_body *stream, const unsigned char *body_sha256, tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX], sha_line[100], name[TFA_ERROR_SOURCE_MAX];
    const char *lines[MAX_HEADERS + 3];
    tfa_http_request req = {0};
    tfa_buf url, token;
    tfa_error why;
    size_t n = 0, i;
    int rc;

    tfa_buf_init(&url, TFA_BUF_NO_MAX);
    tfa_buf_init(&token, TFA_BUF_NO_MAX);
    tfa_error_init(&why);
    url_for(s3, &url, bucket, key);
    if (query && *query)
        tfa_buf_printf(&url, "?%s", query);
    if (body_sha256)
        memcpy(digest, body_sha256, sizeof(digest));
    else
        tfa_sha256_digest(body ? body : "", len, digest);
    tfa_sha256_hex(digest, hex);
    snprintf(sha_line, sizeof(sha_line), "x-amz-content-sha256: %s", hex);
    lines[n++] = sha_line;
    if (s3->cfg.session_token) {
        tfa_buf_printf(&token, "x-amz-security-token: %s", s3->cfg.session_token);
        lines[n++] = token.ptr;
    }
    for (i = 0; headers && headers[i] && i < MAX_HEADERS; i++)
        lines[n++] = headers[i];
    lines[n] = NULL;
    if (tfa_buf_status(&url) || tfa_buf_status(&token)) {
        rc = tfa_error_oom(err);
        goto done;
    }
    snprintf(name, sizeof(name), "s3://%s/%s", bucket, key);
    req.method = method;
    req.url = url.ptr;
    req.name = name;
    req.headers = lines;
    req.body = body;
    req.body_len = len;
    req.stream = stream;
    req.token_source = s3->cfg.source;
    req.aws_sigv4 = s3->scope.ptr;
    req.aws_key = s3->cfg.key;
    req.aws_secret = s3->cfg.secret;
    req.max_bytes = strcmp(method, "GET") == 0 && *key && !query ? 0 : TFA_LIMIT_HTTP_API_BYTES;
    if ((rc = tfa_http_perform(res, &req, http, &why)) != 0)
        rc = s3_error(s3, res, bucket, key, &why, err);
done:
    memset(token.ptr, 0, token.len);
    tfa_buf_release(&token);
    tfa_buf_release(&url);
    return rc;
}

int tfa_s3__request_on(tfa_s3 *s3, const tfa_http_options *http, tfa_http_response *res,
                       const char *method, const char *bucket, const char *key, const char *query,
                       const char *const *headers, const void *body, size_t len,
                       const unsigned char *body_sha256, tfa_error *err)
{
    return request(s3, http, res, method, bucket, key, query, headers, body, len, NULL, body_sha256,
                   err);
}

int tfa_s3__request_stream(tfa_s3 *s3, tfa_http_response *res, const char *method,
                           const char *bucket, const char *key, const char *const *headers,
                           const tfa_http_body *stream,
                           const unsigned char body_sha256[TFA_SHA256_BYTES], tfa_error *err)
{
    return request(s3, &s3->http, res, method, bucket, key, NULL, headers, NULL, 0, stream,
                   body_sha256, err);
}

int tfa_s3_head(tfa_s3 *s3, const char *bucket, const char *key, tfa_s3_object *out, tfa_error *err)
{
    tfa_http_response res;
    int rc;

    memset(out, 0, sizeof(*out));
    tfa_http_response_init(&res);
    rc = tfa_s3_request(s3, &res, "HEAD", bucket, key, NULL, NULL, NULL, 0, err);
    if (rc == 0) {
        out->size = res.content_length == UINT64_MAX ? 0 : res.content_length;
        tfa_http_response_header(&res, "ETag", out->etag, sizeof(out->etag));
    }
    tfa_http_response_release(&res);
    return rc;
}
