/*
 * check_s3_upload.c - the S3 client's uploads through the library against
 * the real S3-compatible test server (s3_server.h): parts sent 4 at once
 * arrive in order, an upload held in memory or in its spool turns
 * multipart past its threshold, the spool also when its file system is
 * full, and a dropped
 * connection retries a part or, for good, aborts the upload. Archives made
 * by `tfaudit archive` are check_s3.c's. The suite skips (77) when node is
 * not installed.
 */
#include "util/compat.h"

#include <signal.h>
#include <sys/resource.h>

#include "s3_server.h"

/* Upload `len` bytes of `data` as big/KEY in writes of `piece` (uneven,
 * as the compressor makes them), multipart past `over` (0: the default). */
static int upload_pieces(tfa_s3 *s3, const char *key, const unsigned char *data, size_t len,
                         size_t piece, uint64_t over, tfa_s3_put_result *pr, tfa_error *err)
{
    tfa_s3_put_options po = {0};
    tfa_s3_upload *up = NULL;
    size_t i;
    int rc;

    po.multipart_over = over;
    if ((rc = tfa_s3_upload_new(&up, s3, "big", key, &po, err)) != 0)
        return rc;
    for (i = 0; i < len && rc == 0; i += piece)
        rc = tfa_s3_upload_write(up, data + i, len - i < piece ? len - i : piece, err);
    if (rc == 0)
        rc = tfa_s3_upload_finish(up, pr, err);
    tfa_s3_upload_free(up);
    return rc;
}

/* big/KEY holds `data` byte for byte, sent in `parts` parts, with its
 * size and SHA-256 in the result, and no upload is left open. */
static void check_stored(tfa_s3 *s3, const char *key, const unsigned char *data, size_t len,
                         const tfa_s3_put_result *pr, unsigned parts)
{
    unsigned char want[TFA_SHA256_BYTES];
    char path[256];
    size_t got = 0;
    char *back;

    ck_assert_uint_eq(pr->parts, parts);
    ck_assert_uint_eq(pr->bytes, len);
    tfa_sha256_digest(data, len, want);
    ck_assert_int_eq(memcmp(pr->sha256, want, sizeof(want)), 0);
    snprintf(path, sizeof(path), "/big/%s?partNumber=", key);
    ck_assert_uint_eq(count_logged(path), parts);
    back = get_object(s3, "big", key, &got);
    ck_assert_uint_eq(got, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    ck_assert_int_eq(open_uploads(s3, "big"), 0);
    tfa_free(back);
}

/* 105 MiB through the library with the default part size and the
 * threshold at one part: 7 parts, 4 in flight, read back byte for byte. */
START_TEST(s3_concurrent_parts_arrive_in_order)
{
    size_t len = 105u << 20;
    unsigned char *data = malloc(len);
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;

    fill_noise(data, len, 0x2545f4914f6cdd1dull);
    http_opts(&ho);
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    /* parts as soon as one is full */
    ck_assert_tfa_ok(
        upload_pieces(s3, "parts/ordered.bin", data, len, 100000, TFA_S3_PART_BYTES, &pr, &err),
        &err);
    check_stored(s3, "parts/ordered.bin", data, len, &pr, 7);
    ck_assert_uint_ge(assert_all_signed("/big/parts/ordered.bin"), 10);
    tfa_s3_free(s3);
    free(data);
}
END_TEST

/* An upload held in memory up to its threshold (40 MiB) that goes past
 * it: what memory holds becomes the first parts of a multipart upload, the
 * rest follows; 70 MiB in 16 MiB parts is 5 parts, read back byte for
 * byte. */
START_TEST(s3_held_past_the_threshold_turns_multipart)
{
    size_t len = 70u << 20;
    unsigned char *data = malloc(len);
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;

    fill_noise(data, len, 0x2545f4914f6cdd1dull);
    http_opts(&ho);
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    ck_assert_tfa_ok(
        upload_pieces(s3, "parts/spooled.bin", data, len, 1u << 20, 40u << 20, &pr, &err), &err);
    /* the SHA-256 checked: the memory's hasher, then the writer */
    check_stored(s3, "parts/spooled.bin", data, len, &pr, 5);
    tfa_s3_free(s3);
    free(data);
}
END_TEST

/* A threshold past the default (256 MiB): held in the spool file, not in
 * memory. */
#define SPOOLED_OVER (256u << 20)

/* Upload `len` bytes of noise in pieces of `piece` under `threshold` (0:
 * the default), with the file size limited to 8 MiB (RLIMIT_FSIZE, as a
 * small tmpfs would), so a spool file fills up; the object must be stored
 * whole, as `parts` parts (0: one PutObject). */
static void upload_fsize_limited(const char *key, size_t len, uint64_t seed, size_t piece,
                                 uint64_t threshold, int parts)
{
    unsigned char *data = malloc(len);
    struct rlimit was, small;
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_error err;
    tfa_s3 *s3;
    int rc;

    fill_noise(data, len, seed);
    http_opts(&ho);
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &was), 0);
    small = was;
    small.rlim_cur = 8u << 20;
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG */
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    rc = upload_pieces(s3, key, data, len, piece, threshold, &pr, &err);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &was), 0);
    ck_assert_tfa_ok(rc, &err);
    check_stored(s3, key, data, len, &pr, parts);
    tfa_s3_free(s3);
    free(data);
}

/* Under the default threshold the object is held in memory, never in the
 * spool file: with the file size limited to 8 MiB, 40 MiB in uneven
 * pieces still goes as one PutObject (no parts), byte for byte, with the
 * SHA-256 of the memory's hasher. */
START_TEST(s3_default_threshold_holds_in_memory)
{
    upload_fsize_limited("parts/in-memory.bin", 40u << 20, 0x9e3779b97f4a7c15ull, 777777, 0, 0);
}
END_TEST

/* A spool whose file system fills up hands over to a multipart upload:
 * 40 MiB goes as 3 parts, read back byte for byte, with the object's
 * SHA-256. */
START_TEST(s3_full_spool_turns_multipart)
{
    upload_fsize_limited("parts/full-spool.bin", 40u << 20, 0x9e3779b97f4a7c15ull, 1u << 20,
                         SPOOLED_OVER, 3);
}
END_TEST

/* The same when the spool fills up at the object's last bytes: the spool
 * is written behind the writer (by its hasher's thread), so the failure is
 * found by tfa_s3_upload_finish, which hands over to a multipart upload
 * then: one part. */
START_TEST(s3_spool_full_at_its_end_turns_multipart)
{
    size_t len = (8u << 20) + 300000; /* fill_noise: a multiple of 8 */
    upload_fsize_limited("parts/full-at-end.bin", len, 0x2545f4914f6cdd1dull, len, SPOOLED_OVER, 1);
}
END_TEST

/* 12 MiB in 5 MiB parts with the threshold at 5 MiB: three parts. */
static int upload_parts(tfa_s3 *s3, const char *key, tfa_error *err)
{
    tfa_s3_put_options po = {0};
    tfa_s3_put_result pr;
    tfa_s3_upload *up = NULL;
    size_t len = 12u << 20;
    char *data = malloc(len);
    int rc;

    memset(data, 'x', len);
    po.multipart_over = 5u << 20;
    po.part_bytes = 5u << 20;
    rc = tfa_s3_upload_new(&up, s3, "faults", key, &po, err);
    if (rc == 0)
        rc = tfa_s3_upload_write(up, data, len, err);
    if (rc == 0)
        rc = tfa_s3_upload_finish(up, &pr, err);
    if (rc == 0)
        ck_assert_uint_eq(pr.parts, 3);
    tfa_s3_upload_free(up);
    free(data);
    return rc;
}

START_TEST(s3_dropped_connection_leaves_no_object_and_no_upload)
{
    tfa_http_options ho;
    tfa_s3_object head;
    tfa_error err;
    tfa_s3 *s3, *direct;

    http_opts(&ho);
    ho.backoff_ms = 1;
    s3 = client(srv.proxy, &ho);
    direct = client(srv.s3, &ho);
    tfa_error_init(&err);

    /* once: the part is sent again and the upload completes */
    arm("PUT", "/faults/once.bin?partNumber=2", "drop");
    ck_assert_tfa_ok(upload_parts(s3, "once.bin", &err), &err);
    ck_assert_tfa_ok(tfa_s3_head(direct, "faults", "once.bin", &head, &err), &err);
    ck_assert_uint_eq(head.size, 12u << 20);

    /* for good: the upload fails and is aborted */
    arm("PUT", "/faults/dropped.bin?partNumber=2", "drop*");
    ck_assert_int_eq(upload_parts(s3, "dropped.bin", &err), TFA_EIO);
    ck_assert_str_eq(err.source, "s3://faults/dropped.bin");
    ck_assert_msg(strstr(err.message, "after 5 attempts") != NULL, "%s", err.message);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_s3_head(direct, "faults", "dropped.bin", &head, &err), TFA_ENOTFOUND);
    ck_assert_int_eq(open_uploads(direct, "faults"), 0);
    {
        json_t *reqs = logged("/faults/dropped.bin?uploadId="), *e;
        size_t i, deletes = 0;
        json_array_foreach(reqs, i, e)
        {
            deletes += strcmp(json_string_value(json_object_get(e, "method")), "DELETE") == 0;
        }
        ck_assert_uint_eq(deletes, 1);
        json_decref(reqs);
    }
    tfa_s3_free(s3);
    tfa_s3_free(direct);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("s3_upload");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, s3_concurrent_parts_arrive_in_order);
    tcase_add_test(tc, s3_held_past_the_threshold_turns_multipart);
    tcase_add_test(tc, s3_default_threshold_holds_in_memory);
    tcase_add_test(tc, s3_full_spool_turns_multipart);
    tcase_add_test(tc, s3_spool_full_at_its_end_turns_multipart);
    tcase_add_test(tc, s3_dropped_connection_leaves_no_object_and_no_upload);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return s3_suite_main(suite());
}
