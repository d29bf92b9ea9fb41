/*
 * check_s3_stream.c - `tfaudit archive --raw` streaming regular files into
 * the archive as it uploads, against the real S3-compatible test server
 * (s3_server.h): inputs keep their order, bytes and kinds (a CI log whose
 * Terraform output starts past the detection head is read whole instead),
 * and an input that does not end where its size said fails the archive
 * after parts went out: exit 2, no object, the multipart upload aborted.
 * Local files are packed twice (measured, then packed again into one PUT
 * as it is sent): the same archive, byte for byte, as a multipart upload
 * of the same inputs makes, and an input whose bytes change between the
 * two packings stores nothing.
 * The suite skips (77) when node is not installed.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "s3_server.h"

/* `len` bytes of noise into DIR/NAME; its path into `path`. */
static void noise_at(char *path, size_t cap, const char *name, size_t len, uint64_t seed)
{
    unsigned char *data = malloc(len);
    fill_noise(data, len, seed);
    snprintf(path, cap, "%s/%s", srv.dir, name);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    free(data);
}

/* The manifest's "kind" of input `i`. */
static const char *kind_at(const tfa_bundle_verification *v, size_t i)
{
    json_t *in = json_array_get(json_object_get(v->manifest, "inputs"), i);
    return json_string_value(json_object_get(in, "kind"));
}

/* Run `tfaudit archive` (argv) against the checking proxy: it must succeed;
 * its "sha256: " line. */
static char *archived(const char *const *argv)
{
    tfa_test_output out;
    char *sha;

    aws_env(srv.proxy);
    run(&out, argv);
    ck_assert_msg(out.status == 0, "%s", out.err);
    sha = line_of(out.out, "sha256: ");
    ck_assert_ptr_nonnull(sha);
    tfa_test_output_release(&out);
    return sha;
}

/* A noise file crossing the read ring several times (not a whole number
 * of chunks), a CI job log whose Terraform output starts past the 64 KiB
 * head, and a file of 3 bytes: in the order given, each entry's bytes the
 * file's, each kind the one detection gives the whole file. */
START_TEST(s3_streamed_inputs_keep_their_order_bytes_and_kinds)
{
    const char *argv[] = {
        "tfaudit", "archive", "--raw", "--to", "s3://big/stream/", "--now", "2026-11-27T08:00:00Z",
        NULL,      NULL,      NULL,    NULL};
    char noise[600], ci[600], tiny[600], local[600], cmd[2400];
    size_t len = (9u << 20) + 12344, n = 0, i; /* fill_noise: a multiple of 8 */
    tfa_bundle_verification v;
    tfa_http_options ho;
    tfa_error err;
    tfa_buf log;
    char *obj, *sha;
    tfa_s3 *s3;
    int rc;

    noise_at(noise, sizeof(noise), "noise.bin", len, 0x2545f4914f6cdd1dull);
    tfa_buf_init(&log, TFA_BUF_NO_MAX);
    tfa_buf_puts(&log, "##[group]Run terraform plan\n");
    for (i = 0; log.len < (100u << 10); i++)
        tfa_buf_printf(&log, "npm WARN deprecated package-%zu@1.0.0: setup noise\n", i);
    tfa_buf_puts(&log, "Terraform will perform the following actions:\n\n"
                       "  # null_resource.a will be created\n"
                       "  + resource \"null_resource\" \"a\" {\n"
                       "      + id = (known after apply)\n"
                       "    }\n\n"
                       "Plan: 1 to add, 0 to change, 0 to destroy.\n");
    snprintf(ci, sizeof(ci), "%s/ci.log", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(ci, log.ptr, log.len), 0);
    snprintf(tiny, sizeof(tiny), "%s/tiny.txt", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(tiny, "abc", 3), 0);
    argv[7] = noise;
    argv[8] = ci;
    argv[9] = tiny;
    sha = archived(argv);

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    obj = get_object(s3, "big", "stream/default/20261127T080000Z.tar.gz", &n);
    tfa_s3_free(s3);
    {
        unsigned char d[TFA_SHA256_BYTES];
        char hex[TFA_SHA256_HEX];
        tfa_sha256_digest(obj, n, d);
        tfa_sha256_hex(d, hex);
        ck_assert_str_eq(hex, sha);
    }
    snprintf(local, sizeof(local), "%s/stream.tar.gz", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(local, obj, n), 0);
    tfa_free(obj);
    free(sha);

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_verify(&v, local, &err), &err);
    ck_assert_msg(v.valid, "%s", v.detail);
    ck_assert_uint_eq(v.files, 3);
    ck_assert_str_eq(kind_at(&v, 0), "unknown");
    ck_assert_str_eq(kind_at(&v, 1), "text-log");
    ck_assert_str_eq(kind_at(&v, 2), "unknown");
    tfa_bundle_verification_release(&v);
    /* standard tools: gzip and tar read it, entries in input order, each
     * one the file's bytes */
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && gzip -t stream.tar.gz && "
             "test \"$(tar -tzf stream.tar.gz | tr '\\n' ' ')\" = "
             "'inputs/1-noise.bin inputs/2-ci.log inputs/3-tiny.txt manifest.json ' && "
             "tar -xzOf stream.tar.gz inputs/1-noise.bin | cmp - noise.bin && "
             "tar -xzOf stream.tar.gz inputs/2-ci.log | cmp - ci.log && "
             "tar -xzOf stream.tar.gz inputs/3-tiny.txt | cmp - tiny.txt",
             srv.dir);
    rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "standard tools: %d", rc);
    tfa_buf_release(&log);
}
END_TEST

/* A sysfs attribute says 4096 bytes and holds a line: an input that ends
 * before its size. Read after 40 MiB of noise with a 16 MiB threshold, so
 * the multipart upload is open, its parts on their way, when it fails:
 * exit 2 naming the file, no object, the upload aborted last and none
 * left open. */
START_TEST(s3_an_input_short_of_its_size_aborts_the_archive)
{
    const char *short_file = "/sys/kernel/mm/transparent_hugepage/enabled";
    const char *argv[] = {"tfaudit",
                          "archive",
                          "--raw",
                          "--to",
                          "s3://big/short/",
                          "--now",
                          "2026-11-27T09:00:00Z",
                          "--multipart-threshold",
                          "16M",
                          NULL,
                          NULL,
                          NULL};
    char noise[600];
    tfa_http_options ho;
    tfa_test_output out;
    tfa_s3_object head;
    struct stat st;
    tfa_error err;
    json_t *reqs;
    tfa_s3 *s3;

    if (stat(short_file, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 4096)
        return; /* no such attribute here: nothing to test */
    noise_at(noise, sizeof(noise), "before.bin", 40u << 20, 0x9e3779b97f4a7c15ull);
    argv[9] = noise;
    argv[10] = short_file;
    aws_env(srv.proxy);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_msg(strstr(out.err, short_file) && strstr(out.err, "shrank while it was read") &&
                      strstr(out.err, "of 4096 bytes"),
                  "%s", out.err);
    ck_assert_uint_eq(out.out_len, 0);
    tfa_test_output_release(&out);

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_s3_head(s3, "big", "short/default/20261127T090000Z.tar.gz", &head, &err),
                     TFA_ENOTFOUND);
    ck_assert_int_eq(open_uploads(s3, "big"), 0);
    tfa_s3_free(s3);
    /* the upload was open (its parts queued, some maybe sent: when the
     * senders start is the scheduler's) and its abort came last */
    ck_assert_uint_eq(count_logged("/big/short/default/20261127T090000Z.tar.gz?uploads"), 1);
    reqs = logged("/big/short/default/20261127T090000Z.tar.gz");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(reqs, json_array_size(reqs) - 1), "method")),
                     "DELETE");
    json_decref(reqs);
}
END_TEST

/* `tfaudit archive --raw` of FILES to s3://big/twice/ at 10:00, with
 * `threshold` (NULL: the default): its "sha256: " line. */
static char *archive_sha(const char *a, const char *b, const char *threshold)
{
    const char *argv[] = {"tfaudit",
                          "archive",
                          "--raw",
                          "--to",
                          "s3://big/twice/",
                          "--now",
                          "2026-11-27T10:00:00Z",
                          a,
                          b,
                          NULL,
                          NULL,
                          NULL};
    if (threshold) {
        argv[9] = "--multipart-threshold";
        argv[10] = threshold;
    }
    return archived(argv);
}

/* 21 MiB of noise and a small file: under the threshold, packed twice and
 * sent as one PUT while packed the second time (no multipart request, the
 * payload hash checked by the proxy); over an 8 MiB threshold, held and
 * sent in parts. The same archive both ways, read back byte for byte. */
START_TEST(s3_packed_twice_is_the_archive_packed_once)
{
    const char *key = "/big/twice/default/20261127T100000Z.tar.gz";
    char noise[600], small[600];
    char *one_put, *parts, *obj;
    unsigned char d[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_http_options ho;
    tfa_s3 *s3;
    size_t n = 0;

    noise_at(noise, sizeof(noise), "twice.bin", (21u << 20) + 8, 0x2545f4914f6cdd1dull);
    snprintf(small, sizeof(small), "%s/twice.txt", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(small, "plan text\n", 10), 0);
    one_put = archive_sha(noise, small, NULL);
    ck_assert_uint_eq(count_logged("/big/twice/default/20261127T100000Z.tar.gz?uploads"), 0);
    ck_assert_uint_eq(assert_all_signed(key), 2); /* the PUT, the HEAD */
    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    obj = get_object(s3, "big", key + 5, &n);
    tfa_sha256_digest(obj, n, d);
    tfa_sha256_hex(d, hex);
    ck_assert_str_eq(hex, one_put);
    tfa_free(obj);
    parts = archive_sha(noise, small, "8M");
    ck_assert_uint_eq(count_logged("/big/twice/default/20261127T100000Z.tar.gz?uploads"), 1);
    ck_assert_str_eq(parts, one_put);
    obj = get_object(s3, "big", key + 5, &n);
    tfa_sha256_digest(obj, n, d);
    tfa_sha256_hex(d, hex);
    ck_assert_str_eq(hex, one_put);
    tfa_free(obj);
    tfa_s3_free(s3);
    free(one_put);
    free(parts);
}
END_TEST

/* The PUT answered 503 once (after its whole body): the retry packs the
 * archive a third time, following the first packing's choices again (noise
 * stored, text compressed), and the object is the measured archive. */
START_TEST(s3_packed_twice_and_retried_is_the_measured_archive)
{
    const char *key = "/big/retried/default/20261127T100000Z.tar.gz";
    const char *argv[] = {
        "tfaudit", "archive", "--raw", "--to", "s3://big/retried/", "--now", "2026-11-27T10:00:00Z",
        NULL,      NULL,      NULL};
    char noise[600], text[600], *obj, *sha;
    unsigned char d[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_http_options ho;
    tfa_buf t;
    tfa_s3 *s3;
    size_t n = 0;

    noise_at(noise, sizeof(noise), "retried.bin", (6u << 20) + 16, 0x2545f4914f6cdd1dull);
    tfa_buf_init(&t, TFA_BUF_NO_MAX);
    while (t.len < (3u << 20))
        tfa_buf_printf(&t, "resource \"null_resource\" \"r%zu\" {}\n", t.len);
    snprintf(text, sizeof(text), "%s/retried.tf", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(text, t.ptr, t.len), 0);
    tfa_buf_release(&t);
    argv[7] = noise;
    argv[8] = text;
    arm("PUT", key, "s503");
    sha = archived(argv);
    ck_assert_uint_eq(count_logged(key), 3);      /* the PUT twice, the HEAD */
    ck_assert_uint_eq(assert_all_signed(key), 2); /* the 503 aside */
    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    obj = get_object(s3, "big", key + 5, &n);
    tfa_s3_free(s3);
    tfa_sha256_digest(obj, n, d);
    tfa_sha256_hex(d, hex);
    ck_assert_str_eq(hex, sha);
    ck_assert_uint_lt(n, (8u << 20)); /* the text compressed */
    tfa_free(obj);
    free(sha);
}
END_TEST

/* A writer rewriting 8 bytes of a file in place (its size unchanged) with
 * a counter, as fast as it can, until stopped. */
typedef struct rewriter {
    int fd;
    off_t at;
    atomic_int stop;
    uint64_t writes;
} rewriter;

static void *rewrite(void *arg)
{
    rewriter *r = arg;
    while (!atomic_load(&r->stop)) {
        uint64_t v = ++r->writes;
        if (pwrite(r->fd, &v, sizeof(v), r->at) != (ssize_t)sizeof(v))
            break;
    }
    return NULL;
}

/* An input rewritten in place while it is archived (noise, so the block
 * is stored, its CRC the first packing's): the second packing's bytes are
 * not the measured ones. Exit 2 naming that, and no object. */
START_TEST(s3_an_input_changing_between_the_packings_stores_nothing)
{
    const char *argv[] = {"tfaudit",
                          "archive",
                          "--raw",
                          "--to",
                          "s3://big/changing/",
                          "--now",
                          "2026-11-27T11:00:00Z",
                          NULL,
                          NULL};
    char noise[600];
    tfa_http_options ho;
    tfa_test_output out;
    tfa_s3_object head;
    tfa_error err;
    rewriter r = {-1, 5u << 20, 0, 0};
    pthread_t t;
    tfa_s3 *s3;

    noise_at(noise, sizeof(noise), "changing.bin", 24u << 20, 0x9e3779b97f4a7c15ull);
    r.fd = open(noise, O_WRONLY | O_CLOEXEC);
    ck_assert_int_ge(r.fd, 0);
    ck_assert_int_eq(pthread_create(&t, NULL, rewrite, &r), 0);
    argv[7] = noise;
    aws_env(srv.proxy);
    run(&out, argv);
    atomic_store(&r.stop, 1);
    pthread_join(t, NULL);
    close(r.fd);
    ck_assert_uint_gt(r.writes, 1);
    ck_assert_int_eq(out.status, 2);
    ck_assert_msg(strstr(out.err, "differ from the ones measured before its upload"), "%s",
                  out.err);
    ck_assert_uint_eq(out.out_len, 0);
    tfa_test_output_release(&out);

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(
        tfa_s3_head(s3, "big", "changing/default/20261127T110000Z.tar.gz", &head, &err),
        TFA_ENOTFOUND);
    tfa_s3_free(s3);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("s3_stream");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, s3_streamed_inputs_keep_their_order_bytes_and_kinds);
    tcase_add_test(tc, s3_an_input_short_of_its_size_aborts_the_archive);
    tcase_add_test(tc, s3_packed_twice_is_the_archive_packed_once);
    tcase_add_test(tc, s3_packed_twice_and_retried_is_the_measured_archive);
    tcase_add_test(tc, s3_an_input_changing_between_the_packings_stores_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return s3_suite_main(suite());
}
