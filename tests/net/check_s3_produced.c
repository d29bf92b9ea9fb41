/*
 * check_s3_produced.c - one PutObject of an object made while it is sent
 * (tfa_s3_put_produced), against the real S3-compatible test server
 * (s3_server.h), through the proxy that checks every signature and
 * payload hash: the object arrives byte for byte with the SHA-256 signed
 * before its first byte; a retried PUT makes the bytes again; a server
 * that drops the connection mid-body, and a producer whose bytes differ
 * from the ones measured (other bytes, fewer, more, or its own failure),
 * fail the PUT and leave no object. The suite skips (77) when node is not
 * installed.
 */
#include "util/compat.h"

#include "s3_server.h"

/* A producer of `len` bytes of `data` in pieces of `piece`, the byte at
 * `flip` changed (SIZE_MAX: none), `cut` bytes fewer or `extra` more, or
 * failing with `fail` halfway; `runs` counts its runs. */
typedef struct maker {
    const unsigned char *data;
    size_t len, piece, flip, cut, extra;
    int fail;
    int runs;
} maker;

static int make(void *payload, tfa_s3_write_fn write, void *sink, tfa_error *err)
{
    maker *m = payload;
    size_t end = m->len - m->cut, i;
    static const char more[16] = "0123456789abcdef";
    int rc = 0;

    m->runs++;
    for (i = 0; i < end && rc == 0; i += m->piece) {
        size_t n = end - i < m->piece ? end - i : m->piece;
        if (m->fail && i >= m->len / 2)
            return tfa_error_set(err, m->fail, "the producer's own failure");
        if (m->flip >= i && m->flip < i + n) {
            unsigned char *copy = malloc(n);
            memcpy(copy, m->data + i, n);
            copy[m->flip - i] ^= 0x5a;
            rc = write(sink, copy, n, err);
            free(copy);
        } else {
            rc = write(sink, m->data + i, n, err);
        }
    }
    if (rc == 0 && m->extra)
        rc = write(sink, more, m->extra, err);
    return rc;
}

static void maker_init(maker *m, const unsigned char *data, size_t len)
{
    memset(m, 0, sizeof(*m));
    m->data = data;
    m->len = len;
    m->piece = 1000003; /* uneven, as gzip members come */
    m->flip = SIZE_MAX;
}

/* PUT big/KEY from `m`, declared as `len` bytes of `data`. */
static int put(tfa_s3 *s3, const char *key, maker *m, tfa_s3_put_result *pr, tfa_error *err)
{
    unsigned char sha[TFA_SHA256_BYTES];
    tfa_s3_put_options po = {0};
    tfa_sha256_digest(m->data, m->len, sha);
    po.content_type = "application/gzip";
    return tfa_s3_put_produced(s3, "big", key, &po, m->len, sha, make, m, pr, err);
}

static unsigned char *noise(size_t len)
{
    unsigned char *data = malloc(len);
    fill_noise(data, len, 0x9e3779b97f4a7c15ull);
    return data;
}

/* big/KEY holds exactly `data` (and, given `sha256`, its digest is that). */
static void assert_stored(tfa_s3 *s3, const char *key, const unsigned char *data, size_t len,
                          const unsigned char *sha256)
{
    unsigned char d[TFA_SHA256_BYTES];
    size_t got = 0;
    char *back = get_object(s3, "big", key, &got);

    ck_assert_uint_eq(got, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    if (sha256) {
        tfa_sha256_digest(back, got, d);
        ck_assert_int_eq(memcmp(d, sha256, sizeof(d)), 0);
    }
    tfa_free(back);
}

/* 30 MiB made while sent (several times the ring between producer and
 * sender): one signed PUT whose payload hash checks out, no multipart
 * upload, the object byte for byte with the SHA-256 given. */
START_TEST(s3_produced_object_arrives_byte_for_byte)
{
    size_t len = 30u << 20;
    unsigned char *data = noise(len), want[TFA_SHA256_BYTES];
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;
    maker m;

    http_opts(&ho);
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    maker_init(&m, data, len);
    ck_assert_tfa_ok(put(s3, "produced/whole.bin", &m, &pr, &err), &err);
    ck_assert_int_eq(m.runs, 1);
    ck_assert_uint_eq(pr.bytes, len);
    ck_assert_uint_eq(pr.parts, 0);
    tfa_sha256_digest(data, len, want);
    ck_assert_int_eq(memcmp(pr.sha256, want, sizeof(want)), 0);
    ck_assert_uint_eq(assert_all_signed("/big/produced/whole.bin"), 2); /* PUT, HEAD */
    ck_assert_uint_eq(count_logged("/big/produced/whole.bin?"), 0);     /* no multipart */
    assert_stored(s3, "produced/whole.bin", data, len, want);
    tfa_s3_free(s3);
    free(data);
}
END_TEST

/* A 503 SlowDown: the PUT is retried, the bytes made again from the
 * start. */
START_TEST(s3_produced_put_retried_makes_the_bytes_again)
{
    size_t len = 9u << 20;
    unsigned char *data = noise(len);
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;
    maker m;

    http_opts(&ho);
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    maker_init(&m, data, len);
    arm("PUT", "/big/produced/retried.bin", "s503");
    ck_assert_tfa_ok(put(s3, "produced/retried.bin", &m, &pr, &err), &err);
    ck_assert_int_eq(m.runs, 2);
    assert_stored(s3, "produced/retried.bin", data, len, NULL);
    tfa_s3_free(s3);
    free(data);
}
END_TEST

/* No object at big/KEY, asked of the server itself. */
static void assert_absent(const char *key)
{
    tfa_http_options ho;
    tfa_s3_object head;
    tfa_error err;
    tfa_s3 *direct;
    http_opts(&ho);
    direct = client(srv.s3, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_s3_head(direct, "big", key, &head, &err), TFA_ENOTFOUND);
    tfa_s3_free(direct);
}

/* The server drops the connection halfway through every body: the PUT
 * fails after its retries (each one making the bytes again), nothing is
 * stored. */
START_TEST(s3_produced_put_dropped_mid_body_fails)
{
    size_t len = 9u << 20;
    unsigned char *data = noise(len);
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;
    maker m;

    http_opts(&ho);
    ho.backoff_ms = 1;
    ho.max_retries = 2;
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    maker_init(&m, data, len);
    arm("PUT", "/big/produced/dropped.bin", "drop*");
    ck_assert_int_eq(put(s3, "produced/dropped.bin", &m, &pr, &err), TFA_EIO);
    ck_assert_str_eq(err.source, "s3://big/produced/dropped.bin");
    ck_assert_msg(strstr(err.message, "after 3 attempts") != NULL, "%s", err.message);
    ck_assert_int_eq(m.runs, 3);
    assert_absent("produced/dropped.bin");
    tfa_s3_free(s3);
    free(data);
}
END_TEST

/* Run `m` (its bytes other than `len` bytes of data declare) into KEY:
 * the PUT fails with `status` and `what` in the message, nothing stored,
 * not retried. */
static void assert_refused(const char *key, maker *m, int status, const char *what)
{
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;

    http_opts(&ho);
    ho.backoff_ms = 1;
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(put(s3, key, m, &pr, &err), status);
    ck_assert_msg(strstr(err.message, what) != NULL, "%s", err.message);
    ck_assert_int_eq(m->runs, 1);
    assert_absent(key);
    tfa_s3_free(s3);
}

/* The bytes made differ from the ones measured: one byte changed (in the
 * first MiB, long gone when the difference shows), fewer bytes, more
 * bytes, or the producer's own failure halfway (its error kept as it
 * is). Each time the PUT is cut short and nothing is stored. */
START_TEST(s3_produced_bytes_other_than_measured_store_nothing)
{
    size_t len = 11u << 20;
    unsigned char *data = noise(len);
    maker m;

    maker_init(&m, data, len);
    m.flip = 12345;
    assert_refused("produced/flipped.bin", &m, TFA_EINPUT,
                   "differ from the ones measured before its upload");
    maker_init(&m, data, len);
    m.flip = len - 1; /* in the very last byte */
    assert_refused("produced/flipped-last.bin", &m, TFA_EINPUT,
                   "differ from the ones measured before its upload");
    maker_init(&m, data, len);
    m.cut = 1;
    assert_refused("produced/short.bin", &m, TFA_EINPUT, "ended after");
    maker_init(&m, data, len);
    m.extra = 5;
    assert_refused("produced/long.bin", &m, TFA_EINPUT, "run past the");
    maker_init(&m, data, len);
    m.fail = TFA_ELIMIT;
    assert_refused("produced/failed.bin", &m, TFA_ELIMIT, "the producer's own failure");
    free(data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("s3_produced");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, s3_produced_object_arrives_byte_for_byte);
    tcase_add_test(tc, s3_produced_put_retried_makes_the_bytes_again);
    tcase_add_test(tc, s3_produced_put_dropped_mid_body_fails);
    tcase_add_test(tc, s3_produced_bytes_other_than_measured_store_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return s3_suite_main(suite());
}
