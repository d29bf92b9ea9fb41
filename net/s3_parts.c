/*
 * s3_parts.c - the senders of a multipart upload (s3_upload.c says how
 * parts go): up to TFA_S3_PARTS_IN_FLIGHT threads, each on its own
 * connection, take whole parts from the queue the writer fills and put each
 * part's ETag and checksum in its slot.
 */
#include "util/compat.h"

#include "s3_upload_priv.h"
#include "util/alloc.h"

/* UploadPart on the sender's own connection; its ETag and checksum into
 * their slot. */
static int put_part(sender *snd, const part_job *j, tfa_error *err)
{
    tfa_s3_upload *up = snd->up;
    char sum[48], sum_line[80], etag[128] = "";
    unsigned char digest[TFA_SHA256_BYTES];
    const char *lines[2] = {sum_line, NULL};
    tfa_http_response res;
    tfa_buf q;
    int rc;

    tfa_buf_init(&q, TFA_BUF_NO_MAX);
    tfa_http_response_init(&res);
    tfa_s3__checksum(j->data, j->len, sum,
                     digest); /* one hash: the checksum and the signed payload */
    snprintf(sum_line, sizeof(sum_line), "x-amz-checksum-sha256: %s", sum);
    if (tfa_s3__part_query(up, j->number, &q) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    rc = tfa_s3__request_on(up->s3, &snd->http, &res, "PUT", up->bucket, up->key, q.ptr, lines,
                            j->data, j->len, digest, err);
    if (rc == 0 && !tfa_http_response_header(&res, "ETag", etag, sizeof(etag)))
        rc = tfa_error_set(err, TFA_EIO, "answered without an ETag");
    if (rc == 0) {
        pthread_mutex_lock(&up->mu);
        snprintf(up->done[j->number - 1].etag, sizeof(up->done[0].etag), "%s", etag);
        memcpy(up->done[j->number - 1].sum, sum, sizeof(sum));
        pthread_mutex_unlock(&up->mu);
    }
done:
    tfa_http_response_release(&res);
    tfa_buf_release(&q);
    return rc;
}

/* The first failure, named by its part: "UploadPart 3: HTTP 500 ...". */
static void part_failed(tfa_s3_upload *up, unsigned number, const tfa_error *why)
{
    if (up->send_failed)
        return;
    up->send_failed = 1;
    up->send_err = *why;
    if (why->status != TFA_ENOMEM)
        snprintf(up->send_err.message, sizeof(up->send_err.message), "UploadPart %u: %.480s",
                 number, why->message);
}

static void *send_parts(void *arg)
{
    sender *snd = arg;
    tfa_s3_upload *up = snd->up;
    for (;;) {
        part_job j;
        tfa_error err;
        int rc = 0;
        pthread_mutex_lock(&up->mu);
        while (up->q_len == 0 && !up->closing)
            pthread_cond_wait(&up->cv_work, &up->mu);
        if (up->q_len == 0) {
            pthread_mutex_unlock(&up->mu);
            return NULL;
        }
        j = up->queue[up->q_head];
        up->q_head = (up->q_head + 1) % TFA_S3_PARTS_IN_FLIGHT;
        up->q_len--;
        rc = up->send_failed || up->closing; /* stopping: drop it */
        pthread_mutex_unlock(&up->mu);
        tfa_error_init(&err);
        if (!rc && put_part(snd, &j, &err) != 0) {
            pthread_mutex_lock(&up->mu);
            part_failed(up, j.number, &err);
            pthread_mutex_unlock(&up->mu);
        }
        tfa_free(j.data);
        pthread_mutex_lock(&up->mu);
        up->in_flight--;
        pthread_cond_broadcast(&up->cv_done);
        pthread_mutex_unlock(&up->mu);
    }
}

/* Start the senders, each with its own connection pool. */
int tfa_s3__senders_start(tfa_s3_upload *up, tfa_error *err)
{
    unsigned i;
    if (!(up->senders = tfa_calloc(TFA_S3_PARTS_IN_FLIGHT, sizeof(*up->senders))))
        return tfa_error_oom(err);
    for (i = 0; i < TFA_S3_PARTS_IN_FLIGHT; i++) {
        sender *snd = &up->senders[up->n_senders];
        snd->up = up;
        snd->http = up->s3->http;
        if (tfa_http_pool_new(&snd->pool) != 0)
            break;
        snd->http.pool = snd->pool;
        if (pthread_create(&snd->thread, NULL, send_parts, snd) != 0) {
            tfa_http_pool_free(snd->pool);
            break;
        }
        up->n_senders++;
    }
    return up->n_senders ? 0 : tfa_error_set(err, TFA_EIO, "cannot start an upload thread");
}

/* Stop and join the senders: queued parts are dropped, parts being sent
 * finish. Nothing is in flight afterwards. */
void tfa_s3__senders_stop(tfa_s3_upload *up)
{
    unsigned i;
    pthread_mutex_lock(&up->mu);
    up->closing = 1;
    pthread_cond_broadcast(&up->cv_work);
    pthread_mutex_unlock(&up->mu);
    for (i = 0; i < up->n_senders; i++) {
        pthread_join(up->senders[i].thread, NULL);
        tfa_http_pool_free(up->senders[i].pool);
    }
    up->n_senders = 0;
    tfa_free(up->senders);
    up->senders = NULL;
}

/* The first part's failure into `err`. */
static int send_error(tfa_s3_upload *up, tfa_error *err)
{
    *err = up->send_err;
    return up->send_err.status ? up->send_err.status : TFA_EIO;
}

/* Queue part number up->parts + 1 (taking `data`), waiting while
 * TFA_S3_PARTS_IN_FLIGHT parts are queued or being sent. */
int tfa_s3__part_queue(tfa_s3_upload *up, char *data, size_t len, tfa_error *err)
{
    int rc = 0;
    if (up->parts >= up->done_cap) {
        size_t cap = up->done_cap ? up->done_cap * 2 : 64;
        part_done *d;
        pthread_mutex_lock(&up->mu); /* senders write into the slots */
        d = tfa_realloc(up->done, cap * sizeof(*d));
        if (d)
            up->done = d, up->done_cap = cap;
        pthread_mutex_unlock(&up->mu);
        if (!d) {
            tfa_free(data);
            return tfa_error_oom(err);
        }
    }
    pthread_mutex_lock(&up->mu);
    while (up->in_flight >= TFA_S3_PARTS_IN_FLIGHT && !up->send_failed)
        pthread_cond_wait(&up->cv_done, &up->mu);
    if (up->send_failed) {
        rc = send_error(up, err);
    } else {
        up->queue[(up->q_head + up->q_len) % TFA_S3_PARTS_IN_FLIGHT] =
            (part_job){++up->parts, data, len};
        up->q_len++;
        up->in_flight++;
        pthread_cond_signal(&up->cv_work);
    }
    pthread_mutex_unlock(&up->mu);
    if (rc)
        tfa_free(data);
    return rc;
}

/* Wait until every queued part is sent; the first failure, if any. */
int tfa_s3__parts_wait(tfa_s3_upload *up, tfa_error *err)
{
    int rc = 0;
    pthread_mutex_lock(&up->mu);
    while (up->in_flight > 0)
        pthread_cond_wait(&up->cv_done, &up->mu);
    if (up->send_failed)
        rc = send_error(up, err);
    pthread_mutex_unlock(&up->mu);
    return rc;
}
