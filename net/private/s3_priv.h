/*
 * s3_priv.h - the S3 client's state, shared by s3.c, s3_read.c and
 * s3_upload.c. Internal to net/.
 */
#ifndef TFA_S3_PRIV_H
#define TFA_S3_PRIV_H

#include "net/s3.h"
#include "util/buf.h"

struct tfa_s3 {
    tfa_aws_config cfg;
    tfa_http_options http; /* the caller's, with our pool */
    tfa_http_pool *pool;
    tfa_buf scope; /* "aws:amz:REGION:s3" */
};

/* Append `s` URI-encoded as SigV4 wants it; '/' kept when `keep_slash`. */
int tfa_s3__encode(tfa_buf *b, const char *s, size_t n, int keep_slash);

/* tfa_s3_request with other HTTP options: a thread of its own needs its
 * own connection pool (libcurl's shared connection cache is not safe
 * across threads: known bug 11.11 of curl 7.88). The rest of the client is
 * read-only once made, so requests on several threads may share it.
 * `body_sha256`, when not NULL, is the body's SHA-256 the caller has
 * already computed (it is not hashed twice). */
int tfa_s3__request_on(tfa_s3 *s3, const tfa_http_options *http, tfa_http_response *res,
                       const char *method, const char *bucket, const char *key, const char *query,
                       const char *const *headers, const void *body, size_t len,
                       const unsigned char *body_sha256, tfa_error *err);

/* The same with a body made as it is sent (http.h), whose SHA-256 the
 * caller knows before its first byte: what the signature covers. */
int tfa_s3__request_stream(tfa_s3 *s3, tfa_http_response *res, const char *method,
                           const char *bucket, const char *key, const char *const *headers,
                           const tfa_http_body *stream,
                           const unsigned char body_sha256[TFA_SHA256_BYTES], tfa_error *err);

#endif
