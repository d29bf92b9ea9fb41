/*
 * hasher.c - SHA-256 behind a producer, on a second thread (see hasher.h).
 */
#include "compat.h"

#include "hasher.h"

/* Largest range teed then hashed at once: written, its bytes are still in
 * the cache when they are hashed. */
#define PIECE (1u << 20)

/* Tee and hash base's bytes [from, to), wrapping round the ring; where the
 * tee stops, its error (*at: where the refused piece starts). */
static int hash_range(tfa_hasher *h, uint64_t from, uint64_t to, uint64_t *at)
{
    while (from < to) {
        size_t off = h->ring ? (size_t)(from % h->ring) : (size_t)from,
               n = h->ring && to - from > h->ring - off ? h->ring - off : (size_t)(to - from);
        int bad;
        if (n > PIECE)
            n = PIECE;
        if (h->tee && (bad = h->tee(h->payload, h->base + off, n)) != 0) {
            *at = from;
            return bad;
        }
        tfa_sha256_update(&h->sha, h->base + off, n);
        from += n;
    }
    *at = to;
    return 0;
}

static void *run(void *arg)
{
    tfa_hasher *h = arg;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        uint64_t from, to, at;
        int bad;
        while (h->hashed == h->ready && !h->done)
            pthread_cond_wait(&h->cv, &h->mu);
        if (h->hashed == h->ready)
            break;
        from = h->hashed;
        to = h->ready;
        pthread_mutex_unlock(&h->mu);
        bad = hash_range(h, from, to, &at);
        pthread_mutex_lock(&h->mu);
        h->hashed = at;
        h->failed = bad;
        pthread_cond_broadcast(&h->cv);
        if (bad)
            break;
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

void tfa_hasher_start_tee(tfa_hasher *h, const void *base, size_t ring, const tfa_sha256 *from,
                          int (*tee)(void *payload, const char *data, size_t len), void *payload)
{
    memset(h, 0, sizeof(*h));
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    h->base = base;
    h->ring = ring;
    h->tee = tee;
    h->payload = payload;
    if (from)
        h->sha = *from;
    else
        tfa_sha256_init(&h->sha);
    h->threaded = pthread_create(&h->thread, NULL, run, h) == 0;
}

void tfa_hasher_start(tfa_hasher *h, const void *base, size_t ring, const tfa_sha256 *from)
{
    tfa_hasher_start_tee(h, base, ring, from, NULL, NULL);
}

void tfa_hasher_post(tfa_hasher *h, size_t n)
{
    if (!h->threaded) {
        uint64_t at;
        h->ready += n;
        if (!h->failed) {
            h->failed = hash_range(h, h->hashed, h->ready, &at);
            h->hashed = at;
        }
        return;
    }
    pthread_mutex_lock(&h->mu);
    h->ready += n;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

int tfa_hasher_room(tfa_hasher *h, size_t n)
{
    int bad;
    if (!h->threaded)
        return h->failed;
    pthread_mutex_lock(&h->mu);
    while (h->ring && !h->failed && h->ready + n - h->hashed > h->ring)
        pthread_cond_wait(&h->cv, &h->mu);
    bad = h->failed;
    pthread_mutex_unlock(&h->mu);
    return bad;
}

int tfa_hasher_stop(tfa_hasher *h, tfa_sha256 *state)
{
    if (h->threaded) {
        pthread_mutex_lock(&h->mu);
        h->done = 1;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        pthread_join(h->thread, NULL);
        h->threaded = 0;
    }
    *state = h->sha;
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    return h->failed;
}

void tfa_hasher_finish(tfa_hasher *h, unsigned char digest[TFA_SHA256_BYTES])
{
    tfa_sha256 st;
    tfa_hasher_stop(h, &st);
    tfa_sha256_final(&st, digest);
}
