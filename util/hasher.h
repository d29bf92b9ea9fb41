/*
 * hasher.h - SHA-256 of bytes a producer fills in order, computed on a
 * second thread behind it.
 *
 * Reading (or packing) and hashing each take about as long on a large
 * input; with the hash on another core they overlap. The producer fills
 * `base` in order and posts what it filled; the hasher follows. With a
 * `ring` size, `base` is reused from its start once full, and the producer
 * asks for room (waits until the bytes it is about to overwrite are hashed)
 * before each fill. Without a ring, `base` grows with the input and the
 * producer never waits (it must not move or free `base` until stopped).
 * When no thread can start, posting hashes inline: the digest is the same.
 *
 * A tee (tfa_hasher_start_tee) is handed each range before it is hashed,
 * on the same thread: a spool file written behind the producer, say, from
 * the ring the producer copied into, so neither the write nor the hash
 * costs the producer's thread. The first range the tee refuses stops the
 * thread: `hashed` stays where the refused range starts (everything before
 * it was teed whole and hashed), the ring keeps the bytes from there on,
 * and tfa_hasher_room and tfa_hasher_stop return the tee's error.
 *
 * One producer thread calls everything; the hasher thread is private.
 */
#ifndef TFA_HASHER_H
#define TFA_HASHER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

typedef struct tfa_hasher {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* either side's progress */
    const char *base;
    size_t ring;            /* 0: base holds everything posted */
    uint64_t ready, hashed; /* bytes posted; bytes teed and hashed (under mu) */
    int done, threaded;
    int failed; /* the tee's error, 0 while it takes everything (under mu) */
    int (*tee)(void *payload, const char *data, size_t len);
    void *payload;
    pthread_t thread;
    tfa_sha256 sha; /* the hasher thread's until stopped */
} tfa_hasher;

/* Start hashing `base` from `from` (a state carried on; NULL: a fresh
 * hash). `ring`: see above; 0 for a buffer that holds everything. */
void tfa_hasher_start(tfa_hasher *h, const void *base, size_t ring, const tfa_sha256 *from);
/* The same with a tee: `tee` gets each range before it is hashed and
 * returns 0, or an errno that stops the hasher (see above). */
void tfa_hasher_start_tee(tfa_hasher *h, const void *base, size_t ring, const tfa_sha256 *from,
                          int (*tee)(void *payload, const char *data, size_t len), void *payload);
/* `n` more bytes of base are filled. */
void tfa_hasher_post(tfa_hasher *h, size_t n);
/* Wait until `n` bytes past those posted may be written (ring only): 0,
 * or the tee's error. */
int tfa_hasher_room(tfa_hasher *h, size_t n);
/* Hash what is left and stop the thread; the state of everything hashed
 * (h->hashed bytes: all that was posted unless the tee failed), to finish
 * or carry on. 0, or the tee's error. */
int tfa_hasher_stop(tfa_hasher *h, tfa_sha256 *state);
/* tfa_hasher_stop, then the digest. */
void tfa_hasher_finish(tfa_hasher *h, unsigned char digest[TFA_SHA256_BYTES]);

#endif
