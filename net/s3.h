/*
 * s3.h - an S3 client over the one HTTP client (http.h), signed by
 * libcurl's AWS Signature Version 4: no AWS SDK.
 *
 * What it does, each on the S3 REST API (API version 2006-03-01):
 *  - HeadObject, GetObject (ranged, see tfa_s3_open), ListObjectsV2 with
 *    continuation tokens, PutObject, and multipart uploads (Create, Upload
 *    Part, Complete, Abort) for large objects;
 *  - every request carries x-amz-content-sha256, the SHA-256 of its body,
 *    which the signature covers: S3 refuses a body that does not hash to
 *    it, so an upload either arrives intact or fails;
 *  - addressing: virtual-hosted (https://BUCKET.s3.REGION.amazonaws.com/KEY)
 *    on AWS, path-style (ENDPOINT/BUCKET/KEY) for a custom endpoint (MinIO,
 *    Ceph, s3rver) and for bucket names with dots (TLS wildcards);
 *  - errors: one line naming s3://BUCKET/KEY, the HTTP status and S3's
 *    error code; a rejected credential (InvalidAccessKeyId,
 *    SignatureDoesNotMatch, ExpiredToken...) is TFA_EUSAGE and names the
 *    variable or profile it came from (aws_config.h), never its value.
 * Retries, backoff (503 SlowDown included), timeouts and size caps are the
 * HTTP client's. Requests of one client share connections (a pool).
 */
#ifndef TFA_S3_H
#define TFA_S3_H

#include <stddef.h>
#include <stdint.h>

#include "net/aws_config.h"
#include "net/http.h"
#include "stream.h"
#include "util/sha256.h"

/* Whether `arg` is an s3:// URL. */
int tfa_s3_is_url(const char *arg);

/* "s3://BUCKET/KEY" -> bucket and key (both owned; key may be ""). TFA_EUSAGE
 * for another form or a bucket name S3 would refuse. */
int tfa_s3_url_parse(char **bucket, char **key, const char *url, tfa_error *err);

typedef struct tfa_s3_options {
    const tfa_http_options *http; /* retries, timeouts, caps, trace; copied */
    tfa_credentials_env env;      /* environment and $HOME (aws_config.h) */
    const char *endpoint;         /* --endpoint; NULL for the environment's or AWS */
} tfa_s3_options;

typedef struct tfa_s3 tfa_s3;

/* A client with credentials found now. Errors: aws_config.h's, and
 * TFA_EUSAGE for an endpoint URL the HTTP policy refuses. */
int tfa_s3_new(tfa_s3 **out, const tfa_s3_options *opts, tfa_error *err);
void tfa_s3_free(tfa_s3 *s3);

/* The region and endpoint in use (endpoint NULL on AWS). */
const char *tfa_s3_region(const tfa_s3 *s3);
const char *tfa_s3_endpoint(const tfa_s3 *s3);

/*
 * The HTTP URL of an object, for people: the request URL without query.
 * Owned by the caller; NULL on out of memory.
 */
char *tfa_s3_object_url(const tfa_s3 *s3, const char *bucket, const char *key);

/*
 * One signed request. `query` is "name=value&..." already sorted and
 * encoded (or NULL); `headers` extra lines (NULL-terminated, may be NULL);
 * the body is sent as is and hashed into x-amz-content-sha256. On failure
 * `err` holds the S3 error (see above) and `res` the last answer.
 */
int tfa_s3_request(tfa_s3 *s3, tfa_http_response *res, const char *method, const char *bucket,
                   const char *key, const char *query, const char *const *headers, const void *body,
                   size_t len, tfa_error *err);

typedef struct tfa_s3_object {
    uint64_t size;
    char etag[128];
} tfa_s3_object;

/* HeadObject. TFA_ENOTFOUND when there is no such key. */
int tfa_s3_head(tfa_s3 *s3, const char *bucket, const char *key, tfa_s3_object *out,
                tfa_error *err);

/*
 * A stream of the object's bytes (stream.h), named `name`, read in ranged
 * GETs of TFA_S3_CHUNK_BYTES. The first is sent at once (errors such as
 * TFA_ENOTFOUND come from here) and gives the size (Content-Range) and the
 * ETag: an object of one chunk costs one request, no HeadObject. Later
 * chunks carry If-Match on that ETag, so memory stays at one chunk, each
 * chunk is retried on its own, and an object replaced while being read
 * fails instead of mixing two versions. A server that ignores Range (200,
 * the whole object) and the 416 of an empty object are understood.
 * An object larger than the HTTP size cap fails at once (TFA_ELIMIT).
 * The client must outlive the stream.
 */
#define TFA_S3_CHUNK_BYTES (8u * 1024u * 1024u)
int tfa_s3_open(tfa_stream **out, tfa_s3 *s3, const char *bucket, const char *key, const char *name,
                tfa_error *err);
/* The same, for an object a listing gave with `listed_size` (UINT64_MAX:
 * unknown): a listed empty object is confirmed by HeadObject instead. */
int tfa_s3_open_sized(tfa_stream **out, tfa_s3 *s3, const char *bucket, const char *key,
                      const char *name, uint64_t listed_size, tfa_error *err);

/* A listing: keys in S3's order (bytewise, which is UTF-8 code point order). */
typedef struct tfa_s3_listing {
    char **keys;
    uint64_t *sizes;
    size_t n;
} tfa_s3_listing;

/* ListObjectsV2 of every key under `prefix`, following continuation tokens,
 * at most TFA_LIMIT_ARCHIVE_ENTRIES keys (TFA_ELIMIT past that). */
int tfa_s3_list(tfa_s3_listing *out, tfa_s3 *s3, const char *bucket, const char *prefix,
                tfa_error *err);
void tfa_s3_listing_release(tfa_s3_listing *l);

/* ---- writing -------------------------------------------------------------- */

typedef struct tfa_s3_put_options {
    const char *content_type; /* NULL: application/octet-stream */
    const char *retain_until; /* Object Lock COMPLIANCE until this ISO 8601 time; NULL none */
    const char *sse;          /* "aws:kms" or "AES256"; NULL none */
    uint64_t multipart_over;  /* 0: TFA_S3_MULTIPART_OVER */
    size_t part_bytes;        /* 0: TFA_S3_PART_BYTES */
} tfa_s3_put_options;

/* Objects larger than this go as multipart uploads, in parts of this size,
 * this many parts sent at once (each on its own connection), the first
 * ones as soon as the object passes the threshold, so the rest overlaps
 * whatever produces the bytes (the archive's compression). Smaller ones
 * go as one PutObject: a server makes an object of parts by copying them
 * (s3rver, MinIO), so up to this size one PUT is faster than parts sent
 * while they are made (measured in bench/s3.sh: 100 MiB, 2 cores); made
 * whole first (tfa_s3_upload) or while it is sent (tfa_s3_put_produced). */
#define TFA_S3_MULTIPART_OVER  (128ull * 1024 * 1024)
#define TFA_S3_PART_BYTES      (16u * 1024u * 1024u)
#define TFA_S3_PUT_MAX         (5ull << 30) /* S3's largest PutObject: a higher threshold is this */
#define TFA_S3_PARTS_IN_FLIGHT 4

/* The threshold of `opts` (NULL: the defaults): multipart_over or
 * TFA_S3_MULTIPART_OVER, at most TFA_S3_PUT_MAX. */
uint64_t tfa_s3_multipart_over(const tfa_s3_put_options *opts);

/* What an upload produced. */
typedef struct tfa_s3_put_result {
    uint64_t bytes;
    unsigned char sha256[TFA_SHA256_BYTES]; /* of the whole object */
    unsigned parts;                         /* 0 for a single PutObject */
    char etag[128];
} tfa_s3_put_result;

/*
 * An upload fed in pieces. Bytes are held until they pass `multipart_over`
 * (in memory when the threshold is at most the default, TFA_S3_MULTIPART_OVER:
 * memory is then the object's bytes, up to 128 MiB; with a higher
 * threshold, past 1 MiB in an unnamed file in $TMPDIR or /tmp, mapped for
 * the PUT); a smaller object goes as one PutObject when
 * finished, a larger one as a multipart upload whose parts leave as they
 * fill, up to TFA_S3_PARTS_IN_FLIGHT at once on threads of their own
 * (memory: one part pending plus the parts in flight; the writer waits
 * when they are all busy). Without a spool file, the multipart upload
 * starts once one part is full. Any failure, and freeing an unfinished upload, aborts the
 * multipart upload once no part is in flight, so no partial object and no
 * open upload is left; a failed part is named in the error ("UploadPart
 * N: HTTP 500 ..."), and an abort that fails is reported in it too.
 * Verified: every part's SHA-256 is signed, and the finished object's size
 * is checked by HEAD. Not thread-safe itself: one writer.
 */
typedef struct tfa_s3_upload tfa_s3_upload;
int tfa_s3_upload_new(tfa_s3_upload **out, tfa_s3 *s3, const char *bucket, const char *key,
                      const tfa_s3_put_options *opts, tfa_error *err);
int tfa_s3_upload_write(tfa_s3_upload *up, const void *data, size_t len, tfa_error *err);
int tfa_s3_upload_finish(tfa_s3_upload *up, tfa_s3_put_result *out, tfa_error *err);
void tfa_s3_upload_free(tfa_s3_upload *up);

/*
 * One PutObject of an object made while it is sent: `produce` writes its
 * bytes to `write` (bundle.h's sink has this shape), in order, on a thread
 * of its own, while this thread sends them; memory is a ring of a few MiB,
 * not the object. The object's size and SHA-256 must be known before (the
 * signature covers the hash: `produce` ran once already into a counting
 * hash), and `produce` must make the same bytes every time it runs: it
 * runs again from the start when the PUT is retried.
 * Verified as they leave: the bytes sent are hashed, and the last ones are
 * held back until `produce` has returned 0 having written exactly `size`
 * bytes and their SHA-256 is `sha256`; otherwise the PUT is aborted before
 * its end (so S3 stores nothing) and fails with TFA_EINPUT ("differ from
 * the bytes measured"), or with produce's own error, kept as it is. S3
 * checks the hash once more (x-amz-content-sha256), and the stored size
 * by HEAD. At most TFA_S3_PUT_MAX bytes (TFA_EUSAGE past it).
 */
typedef int (*tfa_s3_write_fn)(void *sink, const void *data, size_t len, tfa_error *err);
typedef int (*tfa_s3_producer)(void *payload, tfa_s3_write_fn write, void *sink, tfa_error *err);
int tfa_s3_put_produced(tfa_s3 *s3, const char *bucket, const char *key,
                        const tfa_s3_put_options *opts, uint64_t size,
                        const unsigned char sha256[TFA_SHA256_BYTES], tfa_s3_producer produce,
                        void *payload, tfa_s3_put_result *out, tfa_error *err);

#endif
