/*
 * backoff.h - the one retry backoff: exponential delays with "equal jitter"
 * (half of each delay fixed, half random), so clients that collided (HTTP
 * retries against one server, two processes moving one git branch, two
 * appenders on one ledger) do not retry again in lockstep.
 *
 * The random half comes from a small PRNG state the caller keeps in a
 * tfa_backoff (no globals, no rand()): each retry loop has its own, seeded
 * from the process, the thread and the clock, so threads and processes
 * started together still draw different delays. Units are the caller's
 * (milliseconds throughout tfaudit).
 */
#ifndef TFA_UTIL_BACKOFF_H
#define TFA_UTIL_BACKOFF_H

#include <stdint.h>

typedef struct tfa_backoff {
    long base;      /* the delay before the first retry (attempt 0) */
    long max;       /* cap on one delay; the doubling stops there */
    uint64_t state; /* xorshift64* state, never 0 */
} tfa_backoff;

/* A backoff from `base` doubling up to `max`, seeded from the pid, the
 * calling thread, the clock and the state's own address. */
void tfa_backoff_init(tfa_backoff *b, long base, long max);

/* The same with a fixed seed: the same delays on every run (tests). */
void tfa_backoff_init_seeded(tfa_backoff *b, long base, long max, uint64_t seed);

/* The next number of the state, uniform in [0, 1). */
double tfa_backoff_uniform(tfa_backoff *b);

/* The delay before retry `attempt` (0-based): d = min(base * 2^attempt, max),
 * then d/2 + u * (d - d/2) with u from tfa_backoff_uniform. Never negative,
 * never above max, whatever attempt is. */
long tfa_backoff_delay(tfa_backoff *b, unsigned attempt);

/* The same for a given u in [0, 1] (callers whose jitter is injected; a u
 * outside is clamped). */
long tfa_backoff_delay_at(const tfa_backoff *b, unsigned attempt, double u);

/* Sleep `ms` milliseconds, the whole time even when a signal interrupts. */
void tfa_backoff_sleep_ms(long ms);

#endif
