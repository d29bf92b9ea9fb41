/*
 * stream_thread.h - a stream's second thread (stream.c): it SHA-256-hashes
 * what the reader's reads stored while the reader parses it, and reads the
 * next chunk of the input ahead of the reader (tfa_stream_ahead). Internal
 * to parsers/.
 *
 * Jobs run one at a time in the order they were posted, so the digest is
 * over the bytes in input order. A job the thread has not started when the
 * reader needs it done is run by the reader instead: on a busy machine the
 * thread may not run for a while, and waiting for it cost more than the work.
 */
#ifndef TFA_STREAM_THREAD_H
#define TFA_STREAM_THREAD_H

#include <stddef.h>

#include "stream.h"

typedef struct tfa_stream_thread tfa_stream_thread;

/* A thread hashing into `sha` and reading from `src` (both must outlive
 * it); NULL when no thread could be started (the caller hashes inline). */
tfa_stream_thread *tfa_stream_thread_start(tfa_sha256 *sha, const tfa_stream_source *src);
/* Finish every job and end the thread. NULL is ignored. */
void tfa_stream_thread_stop(tfa_stream_thread *t);

/* Hash data[0..len) after the jobs posted before. */
void tfa_stream_thread_hash(tfa_stream_thread *t, const void *data, size_t len);
/* Read the source into buf[0..len), then hash what it stored. One read at
 * a time: its outcome must be collected before the next is posted. */
void tfa_stream_thread_read(tfa_stream_thread *t, void *buf, size_t len);
/* Wait for the posted read (running it here if the thread has not started
 * it): what the source's read returned, and its error. The hashing of what
 * it stored may still run. */
long long tfa_stream_thread_read_result(tfa_stream_thread *t, tfa_error *err);
/* Wait until at most `left` jobs are in flight. */
void tfa_stream_thread_wait(tfa_stream_thread *t, unsigned left);

#endif
