/*
 * check_s3_read.c - reading S3 objects against a real S3-compatible server
 * (s3rver behind tests/net/s3/fault_proxy.py, see s3_server.h): one ranged
 * GET per object chunk, the later chunks bound to the first's ETag, and the
 * answers servers give instead (416 for an empty object, 200 for a server
 * that ignores Range). The suite skips (77) when node is not installed.
 */
#include "util/compat.h"

#include "s3_server.h"

static char *read_all(tfa_s3 *s3, const char *bucket, const char *key, size_t *len, tfa_error *err)
{
    tfa_stream *in = NULL;
    tfa_buf b;
    char chunk[65536];
    long long n;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (tfa_s3_open(&in, s3, bucket, key, key, err) != 0)
        return NULL;
    while ((n = tfa_stream_read_raw(in, chunk, sizeof(chunk), err)) > 0)
        tfa_buf_put(&b, chunk, (size_t)n);
    tfa_stream_free(in);
    if (n < 0) {
        tfa_buf_release(&b);
        return NULL;
    }
    return tfa_buf_detach(&b, len);
}

static void put_object(tfa_s3 *s3, const char *bucket, const char *key, const void *data,
                       size_t len)
{
    tfa_s3_put_options po = {0};
    tfa_s3_put_result pr;
    tfa_s3_upload *up = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_s3_upload_new(&up, s3, bucket, key, &po, &err), &err);
    ck_assert_tfa_ok(tfa_s3_upload_write(up, data, len, &err), &err);
    ck_assert_tfa_ok(tfa_s3_upload_finish(up, &pr, &err), &err);
    tfa_s3_upload_free(up);
}

START_TEST(s3_reads_are_one_ranged_get_with_fallbacks)
{
    size_t len = TFA_S3_CHUNK_BYTES + 12345, got = 0, i;
    char *data = malloc(len), *back;
    tfa_http_options ho;
    tfa_error err;
    json_t *reqs;
    tfa_s3 *s3, *direct;

    for (i = 0; i < len; i++)
        data[i] = (char)('a' + (i * 7 + i / 4096) % 26);
    http_opts(&ho);
    direct = client(srv.s3, &ho);
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    put_object(direct, "bulk", "reads/small.json", "{\"a\": 1}\n", 9);
    put_object(direct, "bulk", "reads/empty.json", "", 0);
    put_object(direct, "bulk", "reads/two-chunks.bin", data, len);

    /* a small object: one GET, nothing else */
    back = read_all(s3, "bulk", "reads/small.json", &got, &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    ck_assert_uint_eq(got, 9);
    ck_assert_int_eq(memcmp(back, "{\"a\": 1}\n", 9), 0);
    tfa_free(back);
    reqs = logged("/bulk/reads/small.json");
    ck_assert_uint_eq(json_array_size(reqs), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "method")), "GET");
    json_decref(reqs);

    /* two chunks: two GETs, the second bound to the first's ETag */
    back = read_all(s3, "bulk", "reads/two-chunks.bin", &got, &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    ck_assert_uint_eq(got, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    tfa_free(back);
    ck_assert_uint_eq(count_logged("/bulk/reads/two-chunks.bin"), 2);

    /* an empty object: S3 answers 416 for byte 0 (s3rver answers a broken
     * 206, hence the proxy's 416), then a HEAD confirms it is empty */
    arm("GET", "/bulk/reads/empty.json", "s416");
    back = read_all(s3, "bulk", "reads/empty.json", &got, &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    ck_assert_uint_eq(got, 0);
    tfa_free(back);
    reqs = logged("/bulk/reads/empty.json");
    ck_assert_uint_eq(json_array_size(reqs), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 1), "method")), "HEAD");
    json_decref(reqs);
    /* listed empty (a prefix read): HEAD only */
    {
        tfa_s3_walk *w = NULL;
        tfa_stream *in = NULL;
        const char *name;
        char b[16];
        ck_assert_tfa_ok(tfa_s3_walk_open(&w, s3, "s3://bulk/reads/", &err), &err);
        while (tfa_s3_walk_next(w, &name, &in, &err) == 1) {
            if (strstr(name, "empty.json"))
                ck_assert_int_eq(tfa_stream_read_raw(in, b, sizeof(b), &err), 0);
            tfa_stream_free(in);
        }
        ck_assert_int_eq(err.status, 0);
        tfa_s3_walk_free(w);
        ck_assert_uint_eq(count_logged("/bulk/reads/empty.json"), 3);
    }

    /* a server that ignores Range: the whole object in one answer */
    arm("GET", "/bulk/reads/two-chunks.bin", "norange");
    back = read_all(s3, "bulk", "reads/two-chunks.bin", &got, &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    ck_assert_uint_eq(got, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    tfa_free(back);
    ck_assert_uint_eq(count_logged("/bulk/reads/two-chunks.bin"), 4); /* 2, the walk's open, 1 */

    /* missing: the open fails with the S3 error */
    ck_assert_ptr_null(read_all(s3, "bulk", "reads/nope.json", &got, &err));
    ck_assert_int_eq(err.status, TFA_ENOTFOUND);
    tfa_s3_free(s3);
    tfa_s3_free(direct);
    free(data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("s3_read");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, s3_reads_are_one_ranged_get_with_fallbacks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return s3_suite_main(suite());
}
