/*
 * check_hasher.c - SHA-256 behind a producer (util/hasher.h): the digest of
 * a buffer filled in pieces and of a ring reused many times over is the
 * one-shot digest, a hash carried on from a state ends where one pass
 * would, a tee gets every byte in order before it is hashed, and a tee that
 * refuses stops the hasher at the refused range with the ring's bytes kept.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "util/hasher.h"

static void fill(unsigned char *p, size_t n, uint64_t x)
{
    size_t i;
    for (i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] = (unsigned char)x;
    }
}

/* A producer copying `data` into a ring of `ring` bytes in pieces of
 * uneven sizes, as the archive's reads and the compressor's members come. */
static int produce(tfa_hasher *h, char *ring_buf, size_t ring, const unsigned char *data,
                   size_t len)
{
    size_t pos = 0, k = 0;
    while (pos < len) {
        size_t at = pos % ring, n = 1 + (k++ * 7919) % (ring / 3);
        int bad;
        if (n > ring - at)
            n = ring - at;
        if (n > len - pos)
            n = len - pos;
        if ((bad = tfa_hasher_room(h, n)) != 0)
            return bad;
        memcpy(ring_buf + at, data + pos, n);
        tfa_hasher_post(h, n);
        pos += n;
    }
    return 0;
}

START_TEST(hasher_digests_match_one_pass)
{
    size_t len = 3u << 20, ring = 64u << 10, i;
    unsigned char *data = malloc(len), want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    char *ring_buf = malloc(ring);
    tfa_sha256 half;
    tfa_hasher h;

    fill(data, len, 0x9e3779b97f4a7c15ull);
    tfa_sha256_digest(data, len, want);

    /* a ring reused 48 times over */
    tfa_hasher_start(&h, ring_buf, ring, NULL);
    ck_assert_int_eq(produce(&h, ring_buf, ring, data, len), 0);
    tfa_hasher_finish(&h, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);

    /* a buffer that holds everything, posted in pieces, carried on from the
     * state of its first half hashed elsewhere */
    tfa_sha256_init(&half);
    tfa_sha256_update(&half, data, len / 2);
    tfa_hasher_start(&h, data + len / 2, 0, &half);
    for (i = len / 2; i < len; i += 100003)
        tfa_hasher_post(&h, len - i < 100003 ? len - i : 100003);
    ck_assert_int_eq(tfa_hasher_room(&h, len), 0); /* no ring: never waits */
    tfa_hasher_finish(&h, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);

    /* nothing posted: the empty digest */
    tfa_sha256_digest("", 0, want);
    tfa_hasher_start(&h, ring_buf, ring, NULL);
    tfa_hasher_finish(&h, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);
    free(ring_buf);
    free(data);
}
END_TEST

/* A tee that keeps what it is given, refusing once it holds `limit`. */
typedef struct keeper {
    unsigned char *kept;
    size_t len, limit;
} keeper;

static int keep(void *payload, const char *data, size_t len)
{
    keeper *k = payload;
    if (k->len + len > k->limit)
        return ENOSPC;
    memcpy(k->kept + k->len, data, len);
    k->len += len;
    return 0;
}

START_TEST(hasher_tee_gets_every_byte_in_order)
{
    size_t len = 5u << 20, ring = 256u << 10;
    unsigned char *data = malloc(len), want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    char *ring_buf = malloc(ring);
    keeper k = {malloc(len), 0, len};
    tfa_sha256 st;
    tfa_hasher h;

    fill(data, len, 42);
    tfa_sha256_digest(data, len, want);
    tfa_hasher_start_tee(&h, ring_buf, ring, NULL, keep, &k);
    ck_assert_int_eq(produce(&h, ring_buf, ring, data, len), 0);
    ck_assert_int_eq(tfa_hasher_stop(&h, &st), 0);
    ck_assert_uint_eq(h.hashed, len);
    tfa_sha256_final(&st, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);
    ck_assert_uint_eq(k.len, len);
    ck_assert_int_eq(memcmp(k.kept, data, len), 0);
    free(k.kept);
    free(ring_buf);
    free(data);
}
END_TEST

/* The tee refuses past 1 MiB: the producer's room says so (it never
 * waits for a hasher that stopped), the state is the digest of what was
 * teed, and the ring still holds every byte from there to what was
 * posted. */
START_TEST(hasher_tee_refusal_stops_at_the_refused_range)
{
    size_t len = 4u << 20, ring = 256u << 10, i;
    unsigned char *data = malloc(len), want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    char *ring_buf = calloc(1, ring);
    keeper k = {malloc(len), 0, 1u << 20};
    tfa_sha256 st;
    tfa_hasher h;
    int bad;

    fill(data, len, 7);
    tfa_hasher_start_tee(&h, ring_buf, ring, NULL, keep, &k);
    bad = produce(&h, ring_buf, ring, data, len);
    ck_assert_int_eq(bad, ENOSPC);
    ck_assert_int_eq(tfa_hasher_stop(&h, &st), ENOSPC);
    ck_assert_uint_eq(h.hashed, k.len);
    ck_assert_uint_le(k.len, 1u << 20);
    ck_assert_uint_ge(h.ready, h.hashed);
    ck_assert_uint_le(h.ready - h.hashed, ring);
    ck_assert_int_eq(memcmp(k.kept, data, k.len), 0);
    tfa_sha256_final(&st, got);
    tfa_sha256_digest(data, k.len, want);
    ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);
    for (i = h.hashed; i < h.ready; i++)
        ck_assert_int_eq((unsigned char)ring_buf[i % ring], data[i]);
    free(k.kept);
    free(ring_buf);
    free(data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hasher");
    TCase *tc = tcase_create("hasher");

    tcase_add_test(tc, hasher_digests_match_one_pass);
    tcase_add_test(tc, hasher_tee_gets_every_byte_in_order);
    tcase_add_test(tc, hasher_tee_refusal_stops_at_the_refused_range);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
