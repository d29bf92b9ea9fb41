/*
 * check_stream_ahead.c - the scanner reading ahead on the stream's thread
 * (stream.h tfa_stream_ahead) against reading on its own: the same tokens,
 * positions, errors (read errors included), end, byte count and digest, in
 * any window size, at every place a document can end or a read can fail.
 */
#include "util/compat.h"

#include <pthread.h>
#include <time.h>

#include "scan.h"
#include "stream.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/sha256.h"

/* A source over memory that stores at most `chunk` bytes a read and fails
 * once `fail_at` bytes were read; it notes reads run off the test's thread. */
typedef struct test_source {
    const char *data;
    size_t len, pos, chunk, fail_at;
    pthread_t main;
    int *off_main;
} test_source;

static long long test_read(void *ctx, void *buf, size_t len, tfa_error *err)
{
    test_source *t = ctx;
    size_t n = t->len - t->pos;
    if (!pthread_equal(pthread_self(), t->main))
        *t->off_main = 1;
    if (t->pos >= t->fail_at)
        return tfa_error_set(err, TFA_EIO, "read failed: boom at %zu", t->pos);
    if (n > len)
        n = len;
    if (n > t->chunk)
        n = t->chunk;
    if (t->pos + n > t->fail_at)
        n = t->fail_at - t->pos;
    memcpy(buf, t->data + t->pos, n);
    t->pos += n;
    return (long long)n;
}

static void test_close(void *ctx)
{
    tfa_free(ctx);
}

typedef struct run_opts {
    size_t window; /* 0: the default */
    size_t chunk;  /* largest read the source serves */
    size_t fail_at;
    int ahead; /* read ahead, from the start after a head of `head` bytes (0: as
                * large inputs do, once the hashing thread started) */
    size_t head;
    size_t tokens; /* stop after this many tokens (0: all) */
    int pause;     /* yield 100 us after each token: time for the thread to take a read */
} run_opts;

/* Everything a scan of `doc` shows, as text: each token, the error or the
 * end, then (after the scanner is gone) the rest read through the stream,
 * the byte count and the digest. */
static void transcript(const char *doc, size_t len, const run_opts *o, tfa_buf *out, int *off_main)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    test_source *src = tfa_calloc(1, sizeof(*src));
    tfa_stream_source ss = {test_read, test_close, NULL};
    unsigned char d[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_error err;
    tfa_token t;
    size_t count = 0;
    int rc;

    ck_assert_ptr_nonnull(src);
    src->data = doc;
    src->len = len;
    src->chunk = o->chunk ? o->chunk : (size_t)-1;
    src->fail_at = o->fail_at ? o->fail_at : (size_t)-1;
    src->main = pthread_self();
    src->off_main = off_main;
    ss.ctx = src;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_stream_new(&in, "fail.json", &ss, &err), &err);
    if (o->head)
        tfa_stream_test_early(in, o->head);
    if (o->ahead)
        tfa_stream_any_thread(in);
    so.window = o->window;
    ck_assert_tfa_ok(tfa_scan_new(&sc, in, &so, &err), &err);
    while ((rc = tfa_scan_next(sc, &t, &err)) == 0 && t.type != TFA_TOK_EOF) {
        tfa_buf_printf(out, "%d %lu:%lu:%llu %d ", (int)t.type, t.pos.line, t.pos.column,
                       (unsigned long long)t.pos.offset, (int)t.truncated);
        if (t.truncated)
            tfa_buf_printf(out, "#%016llx\n", (unsigned long long)t.digest);
        else
            tfa_buf_printf(out, "%.*s\n", (int)t.len, t.ptr ? t.ptr : "");
        if (o->tokens && ++count == o->tokens)
            break;
        if (o->pause) {
            const struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
        }
    }
    tfa_buf_printf(out, "rc %d %s [%s] %lu:%lu:%llu truncated %d\n", rc, err.message, err.source,
                   err.line, err.column, (unsigned long long)err.offset, tfa_scan_truncated(sc));
    tfa_scan_free(sc);
    if (o->tokens) { /* what the scanner did not take is still the stream's */
        char buf[7];
        long long n;
        tfa_error_init(&err);
        while ((n = tfa_stream_read(in, buf, sizeof(buf), &err)) > 0)
            tfa_buf_put(out, buf, (size_t)n);
        tfa_buf_printf(out, "\nrest %lld %s\n", n, err.message);
    }
    tfa_error_init(&err);
    rc = tfa_stream_drain(in, &err);
    tfa_stream_digest(in, d);
    if (rc == 0) { /* the whole input, once, in order */
        unsigned char want[TFA_SHA256_BYTES];
        tfa_sha256_digest(doc, len, want);
        ck_assert_int_eq(memcmp(d, want, sizeof(want)), 0);
        ck_assert_uint_eq(tfa_stream_bytes(in), len);
    }
    tfa_sha256_hex(d, hex);
    tfa_buf_printf(out, "drain %d %s bytes %llu %s\n", rc, err.message,
                   (unsigned long long)tfa_stream_bytes(in), hex);
    tfa_stream_free(in);
    ck_assert_int_eq(tfa_buf_status(out), 0);
}

/* Scan `doc` both ways (with the same head and hashing thread, reading
 * on the test's thread or ahead on the stream's); the transcripts must
 * match. Returns 1 when the
 * read-ahead run read off the test's thread. */
static int agree(const char *doc, size_t len, run_opts o)
{
    tfa_buf a, b;
    int off_main = 0, unused = 0;

    tfa_buf_init(&a, (size_t)1 << 30);
    tfa_buf_init(&b, (size_t)1 << 30);
    o.ahead = 0;
    transcript(doc, len, &o, &a, &unused);
    o.ahead = 1;
    transcript(doc, len, &o, &b, &off_main);
    if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) {
        size_t at = 0, from;
        while (at < a.len && at < b.len && a.ptr[at] == b.ptr[at])
            at++;
        from = at > 300 ? at - 300 : 0;
        ck_abort_msg("window %zu chunk %zu fail_at %zu head %zu doc '%.40s', from byte %zu:\n"
                     "%.600s\n---- ahead:\n%.600s",
                     o.window, o.chunk, o.fail_at, o.head, doc, from, a.ptr + from, b.ptr + from);
    }
    tfa_buf_release(&a);
    tfa_buf_release(&b);
    return off_main;
}

static const char *const docs[] = {
    "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"aws_s3_bucket.b\", "
    "\"change\": {\"actions\": [\"create\"], \"after\": {\"tags\": {\"k\": \"v\\u00e9\\ud83d"
    "\\ude00\"}, \"n\": -12.5e+3, \"ok\": true, \"no\": false, \"x\": null}}}]}\n",
    "[\"a string of forty bytes, give or take..\", \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", "
    "12345678901234567890, {\"a key of some length here\": [[], {}]}]",
    "{\"a\": [1, 2, 3], \"b\": \"unterminated",
    "{\"a\": [1, 2, 3]} trailing",
    "{\"bad\": \"ctl\x01\"}",
    "\xef\xbb\xbf{\"bom\": [\"utf-8 with a byte order mark\", 1]}",
    "{\"a\":1}\n{\"b\":2}\n  [3, \"x\"]  ",
};

START_TEST(ahead_agrees_with_reading_in_any_window)
{
    size_t i, w, c;
    int off_main = 0;
    for (i = 0; i < TFA_ARRAY_SIZE(docs); i++)
        for (w = 16; w <= 72; w++)
            for (c = 1; c <= 9; c += 4) {
                /* until the thread has read once: on a loaded machine the
                 * reader can take every read itself (a read the thread has
                 * not started is run by whoever needs it first) */
                run_opts o = {w, c, 0, 0, 4 + w % 13, 0, !off_main};
                off_main |= agree(docs[i], strlen(docs[i]), o);
            }
    ck_assert_msg(off_main, "the read-ahead never ran on the stream's thread");
}
END_TEST

START_TEST(ahead_agrees_with_reading_in_utf16)
{
    /* {"a":"é"} in UTF-16 LE: decoded reads never read ahead */
    static const char le[] = {'\xff', '\xfe', '{', 0, '"',    0, 'a', 0, '"', 0,
                              ':',    0,      '"', 0, '\xe9', 0, '"', 0, '}', 0};
    size_t w;
    for (w = 16; w <= 24; w++) {
        run_opts o = {w, 3, 0, 0, 4, 0, 0};
        agree(le, sizeof(le), o);
    }
}
END_TEST

START_TEST(ahead_ends_where_reading_ends_at_every_offset)
{
    const char *doc = docs[0];
    size_t len = strlen(doc), cut, w;
    for (cut = 0; cut <= len; cut++)
        for (w = 16; w <= 20; w++) {
            run_opts o = {w, 1 + cut % 5, 0, 0, 4, 0, 0};
            agree(doc, cut, o);
        }
}
END_TEST

START_TEST(ahead_fails_where_reading_fails)
{
    const char *doc = docs[1];
    size_t len = strlen(doc), at, w;
    for (at = 1; at <= len + 1; at++)
        for (w = 16; w <= 40; w += 3) {
            run_opts o = {w, 1 + at % 7, at, 0, 4 + at % 5, 0, 0};
            agree(doc, len, o);
        }
}
END_TEST

/* Tokens longer than the room kept in front of a read ahead (an eighth of
 * the window) give it back and read on this thread: strings of every
 * length up to the window's, and beyond it (streamed). */
START_TEST(ahead_keeps_tokens_longer_than_its_room)
{
    tfa_buf doc;
    size_t n, w;
    tfa_buf_init(&doc, (size_t)1 << 30);
    for (n = 1; n <= 100; n++) {
        tfa_buf_puts(&doc, n % 2 ? "[\"" : "{\"");
        for (w = 0; w < n; w++)
            tfa_buf_putc(&doc, (char)('a' + (n + w) % 26));
        tfa_buf_puts(&doc, n % 2 ? "\", 1]\n" : "\": 12345}\n");
    }
    ck_assert_int_eq(tfa_buf_status(&doc), 0);
    for (w = 16; w <= 80; w++) {
        run_opts o = {w, 64, 0, 0, 4, 0, 0};
        agree(doc.ptr, doc.len, o);
    }
    tfa_buf_release(&doc);
}
END_TEST

/* A large input in the default window, as the plan reader scans it: the
 * read-ahead starts after the hashing thread does, and gives back what it
 * read when the scanner stops early. */
START_TEST(ahead_agrees_on_a_large_document)
{
    tfa_buf doc;
    size_t i;
    int off_main = 0;

    tfa_buf_init(&doc, (size_t)1 << 30);
    tfa_buf_puts(&doc, "[");
    for (i = 0; doc.len < 9u * 1024 * 1024; i++) {
        tfa_buf_printf(&doc, "%s{\"address\": \"null_resource.r%zu\", \"v\": [%zu, \"",
                       i ? ", " : "", i, i * 7);
        if (i % 5000 == 17) { /* longer than the room, then than the window */
            size_t k, n = i % 10000 == 17 ? 200000 : 2000000;
            for (k = 0; k < n; k++)
                tfa_buf_putc(&doc, (char)('a' + k % 26));
        }
        tfa_buf_puts(&doc, "\"]}");
    }
    tfa_buf_puts(&doc, "]");
    ck_assert_int_eq(tfa_buf_status(&doc), 0);
    {
        run_opts o = {0, 300000, 0, 1, 0, 0, 0};
        tfa_buf a;
        tfa_buf_init(&a, (size_t)1 << 30);
        transcript(doc.ptr, doc.len, &o, &a, &off_main);
        ck_assert_msg(off_main, "the read-ahead never ran on the stream's thread");
        tfa_buf_release(&a);
    }
    {
        run_opts o = {0, 1u << 20, 0, 0, 4, 0, 0};
        agree(doc.ptr, doc.len, o);
        o.tokens = 20000; /* stop with a read ahead posted: the rest is read after */
        agree(doc.ptr, doc.len, o);
        o.fail_at = 6u * 1024 * 1024 + 5;
        o.tokens = 0;
        agree(doc.ptr, doc.len, o);
    }
    tfa_buf_release(&doc);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stream_ahead");
    TCase *tc = tcase_create("stream_ahead");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ahead_agrees_with_reading_in_any_window);
    tcase_add_test(tc, ahead_agrees_with_reading_in_utf16);
    tcase_add_test(tc, ahead_ends_where_reading_ends_at_every_offset);
    tcase_add_test(tc, ahead_fails_where_reading_fails);
    tcase_add_test(tc, ahead_keeps_tokens_longer_than_its_room);
    tcase_add_test(tc, ahead_agrees_on_a_large_document);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
