/*
 * stream_thread.c - a stream's second thread: background hashing and
 * read-ahead (see private/stream_thread.h).
 *
 * At most JOBS jobs are in flight: the hashing of the reader's last two
 * windows (tfa_stream_async_hash_ahead) and one read ahead. A read job,
 * once the source returned, becomes the hashing of what it stored; the
 * reader may use those bytes as soon as the read is over (it does not
 * write them before tfa_stream_sync, stream.h).
 */
#include "util/compat.h"

#include <pthread.h>

#include "stream_thread.h"
#include "util/alloc.h"

#define JOBS 3

typedef struct job {
    void *data;
    size_t len;
    int read; /* read into data[0..len) first */
} job;

struct tfa_stream_thread {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    tfa_sha256 *sha;
    const tfa_stream_source *src;
    job jobs[JOBS]; /* in flight: jobs[head], then the next */
    unsigned head, count;
    int taken; /* jobs[head] is being run (by the thread or the reader) */
    int quit;
    /* the posted read: its outcome, until the reader collects it */
    int reading, read_done;
    long long read_n;
    tfa_error read_err;
};

static void pop(tfa_stream_thread *t)
{
    t->head = (t->head + 1) % JOBS;
    t->count--;
    t->taken = 0;
    pthread_cond_broadcast(&t->cv);
}

/*
 * Run jobs[head], not yet taken; called and returns with the lock held, the
 * work itself runs without it. The reader (`by_reader`) running a read job
 * only reads: the hashing of what it stored stays queued for the thread.
 */
static void run_head(tfa_stream_thread *t, int by_reader)
{
    job j = t->jobs[t->head];
    t->taken = 1;
    pthread_mutex_unlock(&t->mu);
    if (j.read) {
        tfa_error e;
        long long n;
        tfa_error_init(&e);
        n = t->src->read(t->src->ctx, j.data, j.len, &e);
        pthread_mutex_lock(&t->mu);
        t->read_n = n;
        t->read_err = e;
        t->read_done = 1;
        if (n <= 0) {
            pop(t);
            return;
        }
        t->jobs[t->head].read = 0; /* now the hashing of what it stored */
        t->jobs[t->head].len = (size_t)n;
        j.len = (size_t)n;
        pthread_cond_broadcast(&t->cv);
        if (by_reader) {
            t->taken = 0;
            return;
        }
        pthread_mutex_unlock(&t->mu);
    }
    tfa_sha256_update(t->sha, j.data, j.len);
    pthread_mutex_lock(&t->mu);
    pop(t);
}

static void *thread_main(void *arg)
{
    tfa_stream_thread *t = arg;
    pthread_mutex_lock(&t->mu);
    for (;;) {
        while ((!t->count || t->taken) && !t->quit)
            pthread_cond_wait(&t->cv, &t->mu);
        if (!t->count || t->taken)
            break;
        run_head(t, 0);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

tfa_stream_thread *tfa_stream_thread_start(tfa_sha256 *sha, const tfa_stream_source *src)
{
    tfa_stream_thread *t = tfa_calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->sha = sha;
    t->src = src;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, thread_main, t) != 0) {
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        tfa_free(t);
        return NULL;
    }
    return t;
}

/* Wait until at most `left` jobs are in flight, running the ones the thread
 * has not started. Called and returns with the lock held. */
static void wait_locked(tfa_stream_thread *t, unsigned left)
{
    while (t->count > left) {
        if (!t->taken)
            run_head(t, 1);
        else
            pthread_cond_wait(&t->cv, &t->mu);
    }
}

void tfa_stream_thread_wait(tfa_stream_thread *t, unsigned left)
{
    pthread_mutex_lock(&t->mu);
    wait_locked(t, left);
    pthread_mutex_unlock(&t->mu);
}

static void post(tfa_stream_thread *t, void *data, size_t len, int read)
{
    job *j;
    pthread_mutex_lock(&t->mu);
    wait_locked(t, JOBS - 1);
    j = &t->jobs[(t->head + t->count) % JOBS];
    j->data = data;
    j->len = len;
    j->read = read;
    t->count++;
    if (read) {
        t->reading = 1;
        t->read_done = 0;
    }
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void tfa_stream_thread_hash(tfa_stream_thread *t, const void *data, size_t len)
{
    post(t, (void *)(uintptr_t)data, len, 0); /* hash jobs only read their bytes */
}

void tfa_stream_thread_read(tfa_stream_thread *t, void *buf, size_t len)
{
    post(t, buf, len, 1);
}

long long tfa_stream_thread_read_result(tfa_stream_thread *t, tfa_error *err)
{
    long long n;
    pthread_mutex_lock(&t->mu);
    while (t->reading && !t->read_done) {
        if (!t->taken)
            run_head(t, 1); /* the read, or a hashing queued before it */
        else
            pthread_cond_wait(&t->cv, &t->mu);
    }
    n = t->reading ? t->read_n : 0;
    if (n < 0 && err && !err->status && t->read_err.status)
        *err = t->read_err;
    t->reading = t->read_done = 0;
    pthread_mutex_unlock(&t->mu);
    return n;
}

void tfa_stream_thread_stop(tfa_stream_thread *t)
{
    if (!t)
        return;
    tfa_stream_thread_wait(t, 0);
    pthread_mutex_lock(&t->mu);
    t->quit = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    tfa_free(t);
}
