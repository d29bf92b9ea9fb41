/*
 * s3_put_stream.c - one PutObject of an object made while it is sent (see
 * tfa_s3_put_produced in s3.h).
 *
 * The producer runs on a thread of its own and writes into a ring; the
 * HTTP client's read callback, on the caller's thread, takes from the ring,
 * hashes what it takes and hands it to libcurl. The producer waits when
 * the ring is full, the sender when it is empty. The last bytes of the
 * object are handed over only once the producer has finished without
 * error and the hash of everything sent is the one signed: a PUT whose
 * body comes out different is cut short, and a body that is cut short is
 * never stored. A retry (the HTTP client's, on 503 and the like) stops the
 * producer, empties the ring and starts the producer again.
 */
#include "util/compat.h"

#include <pthread.h>

#include "s3_upload_priv.h"
#include "util/alloc.h"

/* The ring between producer and sender: a few of libcurl's reads and of
 * the archive's gzip members, small enough to stay in the cache. */
#define PIPE_RING (4u << 20)

typedef struct pipe_state {
    tfa_s3_producer produce;
    void *payload;
    uint64_t size;
    const unsigned char *want; /* the SHA-256 signed */
    char *ring;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* either side's progress */
    pthread_t thread;
    int running; /* a producer thread to join */
    /* under mu */
    uint64_t wrote, taken; /* bytes into the ring, out of it */
    int done, cancel, rc;
    tfa_error perr; /* the producer's error (rc) */
    /* the sender's */
    tfa_sha256 sha;
    int failed; /* the body failed: `why` is the PUT's error */
    tfa_error why;
} pipe_state;

/* The producer's sink: copy into the ring, waiting for room. */
static int pipe_write(void *sink, const void *data, size_t len, tfa_error *err)
{
    pipe_state *p = sink;
    const char *d = data;
    int rc = 0;

    pthread_mutex_lock(&p->mu);
    if (len > p->size - p->wrote) /* never waits holding more than the object */
        rc = tfa_error_set(err, TFA_EINPUT,
                           "the object's bytes run past the %llu measured before its upload",
                           (unsigned long long)p->size);
    while (rc == 0 && len) {
        size_t at = (size_t)(p->wrote % PIPE_RING), n;
        while (p->wrote - p->taken == PIPE_RING && !p->cancel)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->cancel) {
            rc = tfa_error_set(err, TFA_EIO, "the upload stopped");
            break;
        }
        n = PIPE_RING - (size_t)(p->wrote - p->taken); /* room */
        if (n > PIPE_RING - at)
            n = PIPE_RING - at;
        if (n > len)
            n = len;
        pthread_mutex_unlock(&p->mu); /* the sender reads only below p->wrote */
        memcpy(p->ring + at, d, n);
        pthread_mutex_lock(&p->mu);
        p->wrote += n;
        d += n;
        len -= n;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static void *produce_thread(void *arg)
{
    pipe_state *p = arg;
    tfa_error e;
    int rc;

    tfa_error_init(&e);
    rc = p->produce(p->payload, pipe_write, p, &e);
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    p->rc = rc;
    if (rc)
        p->perr = e;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Stop the producer (its next write fails) and join it. */
static void pipe_stop(pipe_state *p)
{
    if (!p->running)
        return;
    pthread_mutex_lock(&p->mu);
    p->cancel = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    p->running = 0;
}

/* tfa_http_body's rewind: before every attempt, the producer (re)started
 * on an empty ring. */
static int pipe_rewind(void *payload, tfa_error *err)
{
    pipe_state *p = payload;
    pipe_stop(p); /* no other thread past here */
    p->wrote = p->taken = 0;
    p->done = p->cancel = p->rc = p->failed = 0;
    tfa_error_init(&p->perr);
    tfa_sha256_init(&p->sha);
    if (pthread_create(&p->thread, NULL, produce_thread, p) != 0)
        return tfa_error_set(err, TFA_EIO, "cannot start a thread to make the upload's bytes");
    p->running = 1;
    return 0;
}

/* The body failed: its error, kept for the PUT's (see tfa_s3_put_produced). */
static long long pipe_fail(pipe_state *p, const tfa_error *why, tfa_error *err)
{
    p->failed = 1;
    p->why = *why;
    *err = *why;
    return -1;
}

/* Past the last byte: the producer's return, and the hash of what went. */
static long long pipe_check_end(pipe_state *p, tfa_error *err)
{
    unsigned char got[TFA_SHA256_BYTES];
    char got_hex[TFA_SHA256_HEX], want_hex[TFA_SHA256_HEX];
    tfa_error why;
    int rc;

    pthread_mutex_lock(&p->mu);
    while (!p->done)
        pthread_cond_wait(&p->cv, &p->mu);
    rc = p->rc;
    why = p->perr;
    pthread_mutex_unlock(&p->mu);
    if (rc)
        return pipe_fail(p, &why, err);
    tfa_sha256_final(&p->sha, got);
    if (memcmp(got, p->want, sizeof(got)) == 0)
        return 0;
    tfa_sha256_hex(got, got_hex);
    tfa_sha256_hex(p->want, want_hex);
    tfa_error_init(&why);
    tfa_error_set(&why, TFA_EINPUT,
                  "the object's bytes differ from the ones measured before its upload (SHA-256 "
                  "%.16s..., not %.16s...): the upload was stopped before its end",
                  got_hex, want_hex);
    return pipe_fail(p, &why, err);
}

/* tfa_http_body's read, on the sender's thread. */
static long long pipe_read(void *payload, char *buf, size_t size, tfa_error *err)
{
    pipe_state *p = payload;
    size_t at, n;
    int last;

    pthread_mutex_lock(&p->mu);
    while (p->wrote == p->taken && !p->done)
        pthread_cond_wait(&p->cv, &p->mu);
    if (p->wrote == p->taken) { /* done, and everything taken: short */
        int rc = p->rc;
        pthread_mutex_unlock(&p->mu);
        if (rc == 0) {
            tfa_error why;
            tfa_error_init(&why);
            tfa_error_set(&why, TFA_EINPUT,
                          "the object's bytes ended after %llu of the %llu measured before its "
                          "upload",
                          (unsigned long long)p->taken, (unsigned long long)p->size);
            return pipe_fail(p, &why, err);
        }
        return pipe_check_end(p, err); /* the producer's error */
    }
    at = (size_t)(p->taken % PIPE_RING);
    n = (size_t)(p->wrote - p->taken);
    pthread_mutex_unlock(&p->mu); /* the producer writes only past p->taken's ring */
    if (n > PIPE_RING - at)
        n = PIPE_RING - at;
    if (n > size)
        n = size;
    memcpy(buf, p->ring + at, n);
    tfa_sha256_update(&p->sha, buf, n);
    last = p->taken + n == p->size; /* the sender's own counter */
    if (last && pipe_check_end(p, err) != 0)
        return -1;
    pthread_mutex_lock(&p->mu);
    p->taken += n;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return (long long)n;
}

int tfa_s3_put_produced(tfa_s3 *s3, const char *bucket, const char *key,
                        const tfa_s3_put_options *opts, uint64_t size,
                        const unsigned char sha256[TFA_SHA256_BYTES], tfa_s3_producer produce,
                        void *payload, tfa_s3_put_result *out, tfa_error *err)
{
    pipe_state p;
    tfa_http_body body = {size, pipe_rewind, pipe_read, &p};
    tfa_http_response res;
    const char *lines[8];
    char sum[48], sum_line[80];
    tfa_s3_object head;
    tfa_buf store;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (size > TFA_S3_PUT_MAX)
        return tfa_error_set(err, TFA_EUSAGE, "%llu bytes is more than one PutObject takes",
                             (unsigned long long)size);
    memset(&p, 0, sizeof(p));
    p.produce = produce, p.payload = payload, p.size = size, p.want = sha256;
    if (!(p.ring = tfa_malloc(PIPE_RING)))
        return tfa_error_oom(err);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    tfa_buf_init(&store, TFA_BUF_NO_MAX);
    tfa_http_response_init(&res);
    tfa_s3__checksum_of(sha256, sum);
    snprintf(sum_line, sizeof(sum_line), "x-amz-checksum-sha256: %s", sum);
    lines[n++] = sum_line;
    if (tfa_s3__object_headers(
            opts && opts->content_type ? opts->content_type : "application/octet-stream",
            opts ? opts->retain_until : NULL, opts ? opts->sse : NULL, &store, lines, &n) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    lines[n] = NULL;
    rc = tfa_s3__request_stream(s3, &res, "PUT", bucket, key, lines, &body, sha256, err);
    pipe_stop(&p);
    if (rc && p.failed) { /* the body's own error, as it was, not as S3's */
        *err = p.why;
        rc = p.why.status;
    }
    if (rc)
        goto done;
    tfa_http_response_header(&res, "ETag", out->etag, sizeof(out->etag));
    if ((rc = tfa_s3_head(s3, bucket, key, &head, err)) == 0 && head.size != size)
        rc = tfa_error_set(err, TFA_EIO, "the stored object has %llu bytes, not %llu",
                           (unsigned long long)head.size, (unsigned long long)size);
    out->bytes = size;
    memcpy(out->sha256, sha256, TFA_SHA256_BYTES);
done:
    pipe_stop(&p);
    tfa_http_response_release(&res);
    tfa_buf_release(&store);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    tfa_free(p.ring);
    return rc;
}
