/*
 * backoff.c - exponential backoff with equal jitter (see backoff.h).
 */
#include "util/compat.h"

#include <time.h>
#include <unistd.h>

#include "util/backoff.h"

/* splitmix64: spreads seeds that differ in few bits (pids, addresses) over
 * the whole state, so two nearby seeds do not start nearby sequences. */
static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void tfa_backoff_init_seeded(tfa_backoff *b, long base, long max, uint64_t seed)
{
    b->base = base > 0 ? base : 0;
    b->max = max > b->base ? max : b->base;
    b->state = mix(seed);
    if (b->state == 0) /* xorshift's one fixed point */
        b->state = 0x9e3779b97f4a7c15ull;
}

void tfa_backoff_init(tfa_backoff *b, long base, long max)
{
    /* one per thread: its address tells the threads of a process apart */
    static _Thread_local char thread_marker;
    struct timespec mono = {0, 0}, real = {0, 0};
    uint64_t seed;

    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    seed = mix((uint64_t)getpid()) ^ mix((uint64_t)(uintptr_t)&thread_marker) ^
           mix((uint64_t)(uintptr_t)b) ^
           mix((uint64_t)mono.tv_nsec ^ ((uint64_t)mono.tv_sec << 30)) ^
           mix((uint64_t)real.tv_nsec ^ ((uint64_t)real.tv_sec << 30));
    tfa_backoff_init_seeded(b, base, max, seed);
}

double tfa_backoff_uniform(tfa_backoff *b)
{
    /* xorshift64* (Vigna): plenty for spreading retries; not for secrets */
    b->state ^= b->state >> 12;
    b->state ^= b->state << 25;
    b->state ^= b->state >> 27;
    return (double)((b->state * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}

long tfa_backoff_delay_at(const tfa_backoff *b, unsigned attempt, double u)
{
    long d = b->base;
    unsigned i;

    /* doubling stops at max before it could overflow */
    for (i = 0; i < attempt && d < b->max; i++)
        d = d > b->max / 2 ? b->max : d * 2;
    if (d > b->max)
        d = b->max;
    if (!(u >= 0.0)) /* NaN too */
        u = 0.0;
    if (u > 1.0)
        u = 1.0;
    return d / 2 + (long)(u * (double)(d - d / 2));
}

long tfa_backoff_delay(tfa_backoff *b, unsigned attempt)
{
    return tfa_backoff_delay_at(b, attempt, tfa_backoff_uniform(b));
}

void tfa_backoff_sleep_ms(long ms)
{
    struct timespec ts;

    if (ms <= 0)
        return;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
