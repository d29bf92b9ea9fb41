/*
 * check_pgzip.c - parallel gzip members: what they make is read back
 * byte for byte by libarchive (as every bundle reader here reads it) and by
 * `gzip -dc`; the boundaries (empty, one byte, one block exactly, many
 * blocks); the same bytes for any number of threads; and a sink failure
 * that stops the stream with its own status. Stored blocks are the bytes
 * libdeflate stores; a plan replayed on the same bytes makes the same
 * stream, and on other bytes a different one.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <libdeflate.h>
#include <sys/wait.h>

#include "pgzip.h"
#include "testsupport.h"
#include "util/buf.h"

typedef struct collect {
    tfa_buf out;
    size_t calls, fail_at; /* fail the fail_at-th call (1-based; 0 never) */
} collect;

static int to_buf(void *p, const void *data, size_t len, tfa_error *err)
{
    collect *c = p;
    if (++c->calls == c->fail_at)
        return tfa_error_set(err, TFA_EIO, "disk full (test)");
    return tfa_buf_put(&c->out, data, len) ? tfa_error_oom(err) : 0;
}

/* Bytes that compress somewhat (text-like) but not to nothing. */
static unsigned char *sample(size_t len)
{
    static const char words[] = "resource aws_s3_bucket \"logs\" { acl = \"private\" }\n";
    unsigned char *p = calloc(1, len ? len : 1);
    unsigned long long x = 0x9e3779b97f4a7c15ull;
    size_t i;
    for (i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] =
            (x & 7) == 0 ? (unsigned char)(x >> 24) : (unsigned char)words[i % (sizeof(words) - 1)];
    }
    return p;
}

/* Compress `len` bytes written in pieces of `piece`. */
static void compress(collect *c, const void *data, size_t len, size_t piece,
                     const tfa_pgzip_options *o)
{
    const char *p = data;
    tfa_pgzip *z = NULL;
    tfa_error err;

    tfa_error_init(&err);
    tfa_buf_init(&c->out, TFA_BUF_NO_MAX);
    c->calls = 0;
    ck_assert_tfa_ok(tfa_pgzip_new(&z, to_buf, c, o, &err), &err);
    while (len) {
        size_t n = len < piece ? len : piece;
        ck_assert_tfa_ok(tfa_pgzip_write(z, p, n, &err), &err);
        p += n;
        len -= n;
    }
    ck_assert_tfa_ok(tfa_pgzip_finish(z, &err), &err);
    tfa_pgzip_free(z);
}

/* libarchive's gzip filter over the raw format: the whole stream. */
static unsigned char *libarchive_inflate(const tfa_buf *gz, size_t *len)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    tfa_buf out;
    char chunk[65536];
    la_ssize_t n;

    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    archive_read_support_filter_gzip(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
    ck_assert_int_eq(archive_read_open_memory(a, gz->ptr, gz->len), ARCHIVE_OK);
    if (archive_read_next_header(a, &e) == ARCHIVE_OK)
        while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
            tfa_buf_put(&out, chunk, (size_t)n);
    ck_assert_int_eq(archive_filter_code(a, 0), ARCHIVE_FILTER_GZIP);
    archive_read_free(a);
    return (unsigned char *)tfa_buf_detach(&out, len);
}

/* `gzip -dc` of the stream (after `gzip -t`). */
static unsigned char *gzip_inflate(const tfa_buf *gz, size_t *len)
{
    char *dir = tfa_test_mkdtemp(), in[600], out[600], cmd[2000];
    unsigned char *p;
    int rc;

    snprintf(in, sizeof(in), "%s/s.gz", dir);
    snprintf(out, sizeof(out), "%s/s", dir);
    ck_assert_int_eq(tfa_test_write_file(in, gz->ptr, gz->len), 0);
    snprintf(cmd, sizeof(cmd), "gzip -t '%s' && gzip -dc '%s' > '%s'", in, in, out);
    rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "gzip failed: %d", rc);
    p = (unsigned char *)tfa_test_read_file(out, len);
    ck_assert_ptr_nonnull(p);
    tfa_test_rmtree(dir);
    free(dir);
    return p;
}

static void round_trip(size_t len, size_t block, unsigned threads, size_t piece)
{
    tfa_pgzip_options o = {block, 0, threads, NULL};
    unsigned char *data = sample(len), *back;
    size_t n = 0;
    collect c = {0};

    compress(&c, data, len, piece, &o);
    ck_assert_uint_gt(c.out.len, 0);
    back = libarchive_inflate(&c.out, &n);
    ck_assert_uint_eq(n, len);
    ck_assert(len == 0 || memcmp(back, data, len) == 0);
    free(back);
    back = gzip_inflate(&c.out, &n);
    ck_assert_uint_eq(n, len);
    ck_assert(len == 0 || memcmp(back, data, len) == 0);
    free(back);
    tfa_buf_release(&c.out);
    free(data);
}

START_TEST(empty_input_is_one_empty_member)
{
    round_trip(0, 4096, 2, 1);
}
END_TEST

START_TEST(one_byte)
{
    round_trip(1, 4096, 2, 1);
}
END_TEST

START_TEST(exactly_one_block)
{
    round_trip(65536, 65536, 2, 65536);
    round_trip(65536, 65536, 3, 1000);
}
END_TEST

START_TEST(many_blocks_any_threads_any_pieces)
{
    static const unsigned threads[] = {1, 2, 3, 4};
    /* 37 blocks and a tail, fed in uneven pieces: more blocks than slots */
    round_trip(37 * 4096 + 123, 4096, threads[_i], _i == 0 ? 1 : 5000 + (size_t)_i * 777);
}
END_TEST

START_TEST(default_options_on_three_mib)
{
    round_trip(3u * TFA_PGZIP_BLOCK_BYTES + 17, 0, 0, 1u << 20);
}
END_TEST

START_TEST(same_bytes_for_any_number_of_threads)
{
    size_t len = 20 * 8192 + 5;
    unsigned char *data = sample(len);
    tfa_pgzip_options o = {8192, 0, 1, NULL};
    collect one = {0}, four = {0};

    compress(&one, data, len, 3000, &o);
    o.threads = 4;
    compress(&four, data, len, 8192, &o);
    ck_assert_uint_eq(one.out.len, four.out.len);
    ck_assert_int_eq(memcmp(one.out.ptr, four.out.ptr, one.out.len), 0);
    /* one gzip member per block: 21 headers (1f 8b 08) */
    {
        size_t i, members = 0;
        for (i = 0; i + 2 < one.out.len; i++)
            members += (unsigned char)one.out.ptr[i] == 0x1f &&
                       (unsigned char)one.out.ptr[i + 1] == 0x8b && one.out.ptr[i + 2] == 8;
        ck_assert_uint_ge(members, 21);
    }
    tfa_buf_release(&one.out);
    tfa_buf_release(&four.out);
    free(data);
}
END_TEST

/* Random bytes (incompressible) between text: the random blocks are stored
 * (the output is the input plus headers), the text blocks compressed, and
 * gzip and libarchive read the whole stream back byte for byte. */
START_TEST(incompressible_blocks_are_stored_and_read_back)
{
    size_t block = 256u << 10, len = 8 * block, i, n = 0;
    unsigned char *data = sample(len), *back;
    unsigned long long x = 0x2545f4914f6cdd1dull;
    tfa_pgzip_options o = {block, 0, 2, NULL};
    collect rnd = {0}, mixed = {0};

    for (i = 0; i < len; i += 8) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        memcpy(data + i, &x, 8);
    }
    compress(&rnd, data, len, 100000, &o);
    /* stored: at most 5 bytes per 64 KiB stored block and 18 per member */
    ck_assert_uint_ge(rnd.out.len, len);
    ck_assert_uint_le(rnd.out.len, len + 8 * (18 + 5 * 5));
    back = gzip_inflate(&rnd.out, &n);
    ck_assert_uint_eq(n, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    free(back);

    /* blocks 2 and 5 are text again; block 6 is random but for one text
     * slice at its end: compressed, not stored */
    {
        unsigned char *text = sample(len);
        memcpy(data + 2 * block, text, block);
        memcpy(data + 5 * block, text, block);
        memcpy(data + 7 * block - 4096, text, 4096);
        free(text);
    }
    compress(&mixed, data, len, 65536, &o);
    ck_assert_uint_lt(mixed.out.len, rnd.out.len - block);
    back = libarchive_inflate(&mixed.out, &n);
    ck_assert_uint_eq(n, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    free(back);
    back = gzip_inflate(&mixed.out, &n);
    ck_assert_uint_eq(n, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    free(back);
    tfa_buf_release(&rnd.out);
    tfa_buf_release(&mixed.out);
    free(data);
}
END_TEST

/* Noise (incompressible) over `len` bytes, but text in blocks `text_a`
 * and `text_b` of `block` bytes (-1: none). */
static unsigned char *noise_with_text(size_t len, size_t block, int text_a, int text_b)
{
    unsigned char *data = sample(len), *text = sample(block);
    unsigned long long x = 0x2545f4914f6cdd1dull;
    size_t i;
    for (i = 0; i + 8 <= len; i += 8) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        memcpy(data + i, &x, 8);
    }
    if (text_a >= 0)
        memcpy(data + (size_t)text_a * block, text, block);
    if (text_b >= 0)
        memcpy(data + (size_t)text_b * block, text, block);
    free(text);
    return data;
}

/* Stored blocks are framed here, not by libdeflate: the stream is still
 * byte for byte what libdeflate's level 0 makes of each block (five full
 * blocks and a short one, all noise). */
START_TEST(stored_blocks_are_the_bytes_libdeflate_stores)
{
    size_t block = 256u << 10, len = 5 * block + (100u << 10), at, n;
    unsigned char *data = noise_with_text(len, block, -1, -1);
    struct libdeflate_compressor *store = libdeflate_alloc_compressor(0);
    tfa_pgzip_options o = {block, 0, 2, NULL};
    unsigned char *out = malloc(2 * block);
    collect c = {0};
    tfa_buf want;

    tfa_buf_init(&want, TFA_BUF_NO_MAX);
    for (at = 0; at < len; at += n) {
        n = len - at < block ? len - at : block;
        size_t got = libdeflate_gzip_compress(store, data + at, n, out, 2 * block);
        ck_assert_uint_gt(got, n);
        ck_assert_int_eq(tfa_buf_put(&want, out, got), 0);
    }
    compress(&c, data, len, 100000, &o);
    ck_assert_uint_eq(c.out.len, want.len);
    ck_assert_int_eq(memcmp(c.out.ptr, want.ptr, want.len), 0);
    tfa_buf_release(&c.out);
    tfa_buf_release(&want);
    libdeflate_free_compressor(store);
    free(out);
    free(data);
}
END_TEST

/* A plan recorded by one compression (noise stored, text compressed) and
 * replayed by the next, on another number of threads: the same stream.
 * Replayed on bytes changed in a stored block, the stream differs (the
 * recorded CRC is taken, not the new bytes': gzip refuses it), which is
 * why a replay is checked by its caller; a block of another length is
 * chosen as usual. */
START_TEST(a_plan_replayed_makes_the_same_stream_from_the_same_bytes)
{
    size_t block = 256u << 10, len = 6 * block + (80u << 10), i;
    unsigned char *data = noise_with_text(len, block, 1, 4);
    tfa_pgzip_plan plan = {NULL, 0, 0, 0};
    tfa_pgzip_options rec = {block, 0, 2, &plan}, again = {block, 0, 1, &plan};
    collect one = {0}, two = {0}, other = {0};
    char *dir = tfa_test_mkdtemp(), path[600], cmd[1400];
    int rc;

    compress(&one, data, len, 70000, &rec);
    ck_assert_uint_eq(plan.n, 7);
    for (i = 0; i < plan.n; i++)
        ck_assert_int_eq(plan.blocks[i].stored, i != 1 && i != 4);
    ck_assert_uint_eq(plan.blocks[6].len, 80u << 10);
    plan.replay = 1;
    compress(&two, data, len, 65536, &again);
    ck_assert_uint_eq(plan.n, 7); /* a replay records nothing */
    ck_assert_uint_eq(two.out.len, one.out.len);
    ck_assert_int_eq(memcmp(two.out.ptr, one.out.ptr, one.out.len), 0);

    data[3 * block + 7] ^= 1; /* in a stored block */
    compress(&other, data, len, 65536, &again);
    ck_assert_uint_eq(other.out.len, one.out.len);
    ck_assert_int_ne(memcmp(other.out.ptr, one.out.ptr, one.out.len), 0);
    snprintf(path, sizeof(path), "%s/changed.gz", dir);
    ck_assert_int_eq(tfa_test_write_file(path, other.out.ptr, other.out.len), 0);
    snprintf(cmd, sizeof(cmd), "gzip -t '%s' 2>/dev/null", path);
    rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) != 0, "gzip took a stale CRC");
    tfa_buf_release(&other.out);

    /* shorter: the last block is not the recorded one and is chosen from
     * its bytes, a valid stream of the bytes given */
    data[3 * block + 7] ^= 1;
    compress(&other, data, len - 1000, 65536, &again);
    {
        size_t n = 0;
        unsigned char *back = gzip_inflate(&other.out, &n);
        ck_assert_uint_eq(n, len - 1000);
        ck_assert_int_eq(memcmp(back, data, n), 0);
        free(back);
    }
    tfa_test_rmtree(dir);
    free(dir);
    tfa_buf_release(&one.out);
    tfa_buf_release(&two.out);
    tfa_buf_release(&other.out);
    tfa_pgzip_plan_release(&plan);
    free(data);
}
END_TEST

START_TEST(a_sink_failure_stops_the_stream)
{
    size_t len = 40 * 4096, i;
    unsigned char *data = sample(len);
    tfa_pgzip_options o = {4096, 0, 2, NULL};
    collect c = {0};
    tfa_pgzip *z = NULL;
    tfa_error err;
    int rc = 0;

    tfa_error_init(&err);
    tfa_buf_init(&c.out, TFA_BUF_NO_MAX);
    c.fail_at = 3;
    ck_assert_tfa_ok(tfa_pgzip_new(&z, to_buf, &c, &o, &err), &err);
    for (i = 0; i < len && rc == 0; i += 1024)
        rc = tfa_pgzip_write(z, data + i, 1024, &err);
    ck_assert_int_eq(rc, TFA_EIO);
    ck_assert_str_eq(err.message, "disk full (test)");
    ck_assert_uint_eq(c.calls, 3); /* nothing after the failure */
    /* every later call says the same, and freeing stops the workers */
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_pgzip_write(z, data, 10, &err), TFA_EIO);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_pgzip_finish(z, &err), TFA_EIO);
    ck_assert_uint_eq(c.calls, 3);
    tfa_pgzip_free(z);

    /* failing in finish (the last member) is reported by finish */
    tfa_buf_clear(&c.out);
    c.calls = 0;
    c.fail_at = 1;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_pgzip_new(&z, to_buf, &c, &o, &err), &err);
    ck_assert_tfa_ok(tfa_pgzip_write(z, data, 100, &err), &err);
    ck_assert_int_eq(tfa_pgzip_finish(z, &err), TFA_EIO);
    tfa_pgzip_free(z);
    tfa_pgzip_free(NULL);
    tfa_buf_release(&c.out);
    free(data);
}
END_TEST

START_TEST(a_bad_level_is_refused)
{
    tfa_pgzip_options o = {0, 13, 1, NULL};
    tfa_pgzip *z = NULL;
    collect c = {0};
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_pgzip_new(&z, to_buf, &c, &o, &err), TFA_EUSAGE);
    ck_assert_ptr_null(z);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pgzip");
    TCase *tc = tcase_create("members");
    tcase_add_test(tc, empty_input_is_one_empty_member);
    tcase_add_test(tc, one_byte);
    tcase_add_test(tc, exactly_one_block);
    tcase_add_loop_test(tc, many_blocks_any_threads_any_pieces, 0, 4);
    tcase_add_test(tc, default_options_on_three_mib);
    tcase_add_test(tc, same_bytes_for_any_number_of_threads);
    tcase_add_test(tc, incompressible_blocks_are_stored_and_read_back);
    tcase_add_test(tc, stored_blocks_are_the_bytes_libdeflate_stores);
    tcase_add_test(tc, a_plan_replayed_makes_the_same_stream_from_the_same_bytes);
    tcase_add_test(tc, a_sink_failure_stops_the_stream);
    tcase_add_test(tc, a_bad_level_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
