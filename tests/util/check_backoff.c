/*
 * check_backoff.c - the one retry backoff (util/backoff.h): the delays'
 * bounds and doubling, no overflow near LONG_MAX, the jitter's range, and
 * states that differ per thread and per seed.
 */
#include "util/compat.h"

#include <math.h>
#include <pthread.h>

#include "testsupport.h"
#include "util/backoff.h"

START_TEST(backoff_doubles_within_equal_jitter_bounds)
{
    tfa_backoff b;
    unsigned n;
    int k;

    tfa_backoff_init(&b, 500, 30000);
    for (n = 0; n < 64; n++) {
        long d = n < 6 ? 500L << n : 30000; /* 500 1000 ... 16000, then the cap */
        for (k = 0; k < 200; k++) {
            long got = tfa_backoff_delay(&b, n);
            ck_assert_msg(got >= d / 2 && got <= d, "attempt %u: %ld outside [%ld, %ld]", n, got,
                          d / 2, d);
        }
    }
    /* the ends of the jitter: half fixed, half random */
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 0, 0.0), 250);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 0, 0.5), 375);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 0, 1.0), 500);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 2, 0.0), 1000);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 9, 1.0), 30000);
    /* an injected u outside [0, 1] is clamped, NaN is 0 */
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 0, -3.0), 250);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 0, 7.0), 500);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 0, nan("")), 250);
}
END_TEST

START_TEST(backoff_does_not_overflow)
{
    tfa_backoff b;

    tfa_backoff_init_seeded(&b, LONG_MAX / 3, LONG_MAX, 1);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, 1000000, 1.0), LONG_MAX);
    ck_assert_int_ge(tfa_backoff_delay(&b, UINT_MAX), LONG_MAX / 2);
    tfa_backoff_init_seeded(&b, 3, LONG_MAX, 1);
    ck_assert_int_eq(tfa_backoff_delay_at(&b, UINT_MAX, 1.0), LONG_MAX);
    /* a nonsense configuration still gives delays in [0, max] */
    tfa_backoff_init_seeded(&b, -5, -10, 1);
    ck_assert_int_eq(tfa_backoff_delay(&b, 3), 0);
    tfa_backoff_init_seeded(&b, 100, 10, 1); /* max below base: base is the cap */
    ck_assert_int_le(tfa_backoff_delay(&b, 3), 100);
}
END_TEST

START_TEST(backoff_uniform_is_in_range_and_spread)
{
    tfa_backoff b;
    double sum = 0, lo = 1, hi = 0;
    int i, buckets[10] = {0};

    tfa_backoff_init_seeded(&b, 1, 2, 42);
    for (i = 0; i < 100000; i++) {
        double u = tfa_backoff_uniform(&b);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u, lo = u < lo ? u : lo, hi = u > hi ? u : hi;
        buckets[(int)(u * 10)]++;
    }
    /* a fixed seed: these hold exactly on every run, they are not timing */
    ck_assert(fabs(sum / 100000 - 0.5) < 0.01);
    ck_assert(lo < 0.001 && hi > 0.999);
    for (i = 0; i < 10; i++)
        ck_assert_msg(buckets[i] > 9000 && buckets[i] < 11000, "bucket %d: %d", i, buckets[i]);
}
END_TEST

START_TEST(backoff_seeds_give_their_own_sequences)
{
    tfa_backoff a, b, c;
    int i, same_ab = 1, same_ac = 1;

    tfa_backoff_init_seeded(&a, 1000, 100000, 7);
    tfa_backoff_init_seeded(&b, 1000, 100000, 7);
    tfa_backoff_init_seeded(&c, 1000, 100000, 8);
    for (i = 0; i < 16; i++) {
        long x = tfa_backoff_delay(&a, 6), y = tfa_backoff_delay(&b, 6),
             z = tfa_backoff_delay(&c, 6);
        same_ab &= x == y;
        same_ac &= x == z;
    }
    ck_assert(same_ab);
    ck_assert(!same_ac);
    /* seed 0 is not xorshift's fixed point */
    tfa_backoff_init_seeded(&a, 1, 2, 0);
    ck_assert(tfa_backoff_uniform(&a) != tfa_backoff_uniform(&a));
}
END_TEST

typedef struct draws {
    pthread_barrier_t *start;
    double u[8];
} draws;

static void *draw(void *arg)
{
    draws *d = arg;
    tfa_backoff b;
    int i;

    pthread_barrier_wait(d->start);
    tfa_backoff_init(&b, 1, 2);
    for (i = 0; i < 8; i++)
        d->u[i] = tfa_backoff_uniform(&b);
    return NULL;
}

START_TEST(backoff_threads_started_together_draw_differently)
{
    enum { N = 8 };
    pthread_barrier_t start;
    pthread_t t[N];
    draws d[N];
    int i, j;

    ck_assert_int_eq(pthread_barrier_init(&start, NULL, N), 0);
    for (i = 0; i < N; i++) {
        d[i].start = &start;
        ck_assert_int_eq(pthread_create(&t[i], NULL, draw, &d[i]), 0);
    }
    for (i = 0; i < N; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&start);
    for (i = 0; i < N; i++)
        for (j = i + 1; j < N; j++)
            ck_assert_msg(memcmp(d[i].u, d[j].u, sizeof(d[i].u)) != 0,
                          "threads %d and %d drew the same jitter", i, j);
}
END_TEST

START_TEST(backoff_sleep_of_nothing_returns)
{
    tfa_backoff_sleep_ms(0);
    tfa_backoff_sleep_ms(-5);
    tfa_backoff_sleep_ms(1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("backoff");
    TCase *tc = tcase_create("backoff");

    tcase_add_test(tc, backoff_doubles_within_equal_jitter_bounds);
    tcase_add_test(tc, backoff_does_not_overflow);
    tcase_add_test(tc, backoff_uniform_is_in_range_and_spread);
    tcase_add_test(tc, backoff_seeds_give_their_own_sequences);
    tcase_add_test(tc, backoff_threads_started_together_draw_differently);
    tcase_add_test(tc, backoff_sleep_of_nothing_returns);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
