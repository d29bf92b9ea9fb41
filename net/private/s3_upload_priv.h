/*
 * s3_upload_priv.h - what s3_upload.c (holding, one PUT, multipart
 * create/complete/abort) and s3_parts.c (the threads that send the parts of
 * a multipart upload) share. Private to net/.
 */
#ifndef TFA_S3_UPLOAD_PRIV_H
#define TFA_S3_UPLOAD_PRIV_H

#include <pthread.h>

#include "s3_priv.h"
#include "util/hasher.h"

typedef struct part_job {
    unsigned number; /* 1-based */
    char *data;
    size_t len;
} part_job;

typedef struct part_done {
    char etag[128];
    char sum[48];
} part_done;

typedef struct sender {
    struct tfa_s3_upload *up;
    tfa_http_pool *pool;
    tfa_http_options http;
    pthread_t thread;
} sender;

struct tfa_s3_upload {
    tfa_s3 *s3;
    char *bucket, *key;
    char *content_type, *retain_until, *sse;
    uint64_t over;
    size_t part_bytes;
    tfa_buf pending; /* bytes not sent yet */
    /* bytes held past TFA_S3_HOLD_BYTES: in memory (`mem`, a mapping of
     * `mem_cap` bytes, `mem_len` filled, hashed behind by `hasher`) up to a
     * threshold of TFA_S3_MEMORY_OVER, else in the spool file */
    char *mem;
    size_t mem_cap, mem_len;
    int spool;        /* -1, or the spool file */
    uint64_t spooled; /* bytes in the spool file (past the hasher's once stopped) */
    /* the spool's ring and hasher: the writer copies into the ring, the
     * hasher's thread writes it to the spool and goes on hashing up->sha */
    char *ring;
    uint64_t ringed; /* bytes copied into the ring */
    tfa_hasher hasher;
    int hasher_on, spool_errno;
    tfa_sha256 sha;
    uint64_t total;
    char *upload_id; /* an open multipart upload */
    unsigned parts;  /* parts handed to the senders */
    int failed;
    /* the senders (while a multipart upload is open) */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    sender *senders;
    unsigned n_senders;
    part_job queue[TFA_S3_PARTS_IN_FLIGHT];
    size_t q_head, q_len;
    unsigned in_flight; /* queued or being sent */
    part_done *done;    /* by part number - 1 */
    size_t done_cap;
    int send_failed, closing;
    tfa_error send_err; /* the first part that failed */
};

/* Base64 SHA-256 of a body: 44 characters; the digest into `d`. */
void tfa_s3__checksum(const void *data, size_t len, char out[48],
                      unsigned char d[TFA_SHA256_BYTES]);

/* The same of a digest already made. */
void tfa_s3__checksum_of(const unsigned char d[TFA_SHA256_BYTES], char out[48]);

/* The header lines an object's creation carries (PutObject,
 * CreateMultipartUpload): Content-Type, Object Lock when `retain_until`,
 * SSE when `sse`, kept in `store`, appended to `lines` from *n. 0 or
 * TFA_ENOMEM. */
int tfa_s3__object_headers(const char *content_type, const char *retain_until, const char *sse,
                           tfa_buf *store, const char *lines[8], size_t *n);

/* "partNumber=N&uploadId=ID" (no partNumber when `part` is 0), sorted and
 * encoded, into `q`. 0 or TFA_ENOMEM. */
int tfa_s3__part_query(const tfa_s3_upload *up, unsigned part, tfa_buf *q);

/* s3_parts.c: start the senders (each with its own connection); stop and
 * join them (queued parts dropped, parts being sent finish); queue part
 * up->parts + 1, taking `data`, waiting while TFA_S3_PARTS_IN_FLIGHT are
 * queued or being sent; wait until every queued part is sent. Errors are
 * the first part's failure. */
int tfa_s3__senders_start(tfa_s3_upload *up, tfa_error *err);
void tfa_s3__senders_stop(tfa_s3_upload *up);
int tfa_s3__part_queue(tfa_s3_upload *up, char *data, size_t len, tfa_error *err);
int tfa_s3__parts_wait(tfa_s3_upload *up, tfa_error *err);

#endif
