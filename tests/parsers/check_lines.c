/*
 * check_lines.c - the shared line reader, the normalizer and the cursor.
 */
#include "util/compat.h"

#include "lines.h"
#include "stream.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/sha256.h"

typedef struct reader {
    tfa_stream *in;
    tfa_lines *lr;
    tfa_error err;
} reader;

static void open_reader(reader *r, const char *data, size_t len, size_t max, int normalize)
{
    tfa_lines_options lo = TFA_LINES_OPTIONS_INIT;
    lo.max_bytes = max;
    lo.normalize = normalize;
    tfa_error_init(&r->err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&r->in, "log.txt", data, len, &r->err), &r->err);
    ck_assert_tfa_ok(tfa_lines_new(&r->lr, r->in, &lo, &r->err), &r->err);
}

static void close_reader(reader *r)
{
    tfa_lines_free(r->lr);
    tfa_stream_free(r->in);
}

static void expect_line(reader *r, const char *text, unsigned long number, uint64_t offset,
                        unsigned flags)
{
    tfa_line l;
    int rc = tfa_lines_next(r->lr, &l, &r->err);
    ck_assert_msg(rc == 1, "line %lu: status %d (%s)", number, rc, r->err.message);
    ck_assert_str_eq(l.text, text);
    ck_assert_uint_eq(l.len, strlen(text));
    ck_assert_uint_eq(l.pos.line, number);
    ck_assert_uint_eq(l.pos.column, 1);
    ck_assert_uint_eq(l.pos.offset, offset);
    ck_assert_uint_eq(l.flags, flags);
}

static void expect_end(reader *r)
{
    tfa_line l;
    ck_assert_int_eq(tfa_lines_next(r->lr, &l, &r->err), 0);
    ck_assert_int_eq(tfa_lines_next(r->lr, &l, &r->err), 0); /* and stays there */
}

START_TEST(lines_split_lf_crlf_and_a_final_line)
{
    static const char doc[] = "Plan: 1\r\n\nb\nlast";
    reader r;

    open_reader(&r, doc, sizeof(doc) - 1, 0, 0);
    expect_line(&r, "Plan: 1", 1, 0, TFA_LINE_CR);
    expect_line(&r, "", 2, 9, 0);
    expect_line(&r, "b", 3, 10, 0);
    expect_line(&r, "last", 4, 12, TFA_LINE_NO_EOL);
    expect_end(&r);
    ck_assert_uint_eq(tfa_lines_count(r.lr), 4);
    close_reader(&r);

    open_reader(&r, "", 0, 0, 1);
    expect_end(&r);
    close_reader(&r);
    open_reader(&r, "\n", 1, 0, 1);
    expect_line(&r, "", 1, 0, 0);
    expect_end(&r);
    close_reader(&r);
}
END_TEST

START_TEST(lines_reject_a_line_over_the_limit)
{
    static const char doc[] = "12345678\n1234567\r\n123456789\nnever";
    static const char tail[] = "ok\n123456789";
    reader r;

    open_reader(&r, doc, sizeof(doc) - 1, 8, 1);
    expect_line(&r, "12345678", 1, 0, 0);
    expect_line(&r, "1234567", 2, 9, TFA_LINE_CR); /* the CR does not count */
    ck_assert_int_eq(tfa_lines_next(r.lr, &(tfa_line){0}, &r.err), TFA_ELIMIT);
    ck_assert_str_eq(r.err.source, "log.txt");
    ck_assert_uint_eq(r.err.line, 3);
    ck_assert_uint_eq(r.err.offset, 18);
    ck_assert_str_eq(r.err.message, "line longer than 8 bytes");
    close_reader(&r);

    open_reader(&r, tail, sizeof(tail) - 1, 8, 1); /* unterminated, too long */
    expect_line(&r, "ok", 1, 0, 0);
    ck_assert_int_eq(tfa_lines_next(r.lr, &(tfa_line){0}, &r.err), TFA_ELIMIT);
    ck_assert_uint_eq(r.err.line, 2);
    close_reader(&r);
}
END_TEST

START_TEST(lines_cross_read_chunks)
{
    tfa_buf doc;
    char want[64];
    size_t i, big = 200000;
    uint64_t off = 0;
    reader r;

    tfa_buf_init(&doc, TFA_BUF_NO_MAX);
    for (i = 0; i < 20000; i++)
        tfa_buf_printf(&doc, "line %zu %.*s\n", i, (int)(i % 37),
                       "abcdefghijklmnopqrstuvwxyz0123456789x");
    for (i = 0; i < big; i++)
        tfa_buf_putc(&doc, (char)('a' + i % 26));
    open_reader(&r, doc.ptr, doc.len, 0, 0);
    for (i = 0; i < 20000; i++) {
        snprintf(want, sizeof(want), "line %zu %.*s", i, (int)(i % 37),
                 "abcdefghijklmnopqrstuvwxyz0123456789x");
        expect_line(&r, want, i + 1, off, 0);
        off += strlen(want) + 1;
    }
    {
        tfa_line l;
        ck_assert_int_eq(tfa_lines_next(r.lr, &l, &r.err), 1);
        ck_assert_uint_eq(l.len, big);
        ck_assert_uint_eq(l.flags, TFA_LINE_NO_EOL);
        ck_assert_int_eq(l.text[big - 1], 'a' + (big - 1) % 26);
        ck_assert_int_eq(l.text[big], '\0');
    }
    expect_end(&r);
    close_reader(&r);
    tfa_buf_release(&doc);
}
END_TEST

START_TEST(lines_pass_stream_errors_on)
{
    static const unsigned char odd[] = {0xFF, 0xFE, 'a', 0, '\n', 0, 'b'}; /* UTF-16, cut */
    reader r;

    open_reader(&r, (const char *)odd, sizeof(odd), 0, 1);
    expect_line(&r, "a", 1, 0, 0);
    ck_assert_int_eq(tfa_lines_next(r.lr, &(tfa_line){0}, &r.err), TFA_EINPUT);
    ck_assert_ptr_nonnull(strstr(r.err.message, "inside a character"));
    close_reader(&r);
}
END_TEST

/* A log past the size where hashing moves to a thread, every line rewritten
 * in place by the normalizer (CR, timestamp, colour): the stream hashes
 * copies of what it returned, so the digest is still the input's. */
START_TEST(lines_written_in_place_leave_the_digest_whole)
{
    unsigned char want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    unsigned long n = 0, i;
    tfa_sha256 sha;
    tfa_buf b;
    reader r;
    tfa_line l;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (i = 0; b.len < 9u * 1024 * 1024; i++)
        tfa_buf_printf(
            &b, "2024-03-05T09:12:40.%07luZ \x1b[1maws_instance.r%lu: Creating...\x1b[0m\r\n",
            i % 10000000, i);
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, b.ptr, b.len);
    tfa_sha256_final(&sha, want);
    open_reader(&r, b.ptr, b.len, 0, 1);
    while (tfa_lines_next(r.lr, &l, &r.err) == 1) {
        ck_assert_msg(strncmp(l.text, "aws_instance.r", 14) == 0, "line %lu: %s", n + 1, l.text);
        n++;
    }
    ck_assert_uint_eq(n, i);
    ck_assert_tfa_ok(tfa_stream_drain(r.in, &r.err), &r.err);
    ck_assert_uint_eq(tfa_stream_bytes(r.in), b.len);
    tfa_stream_digest(r.in, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
    close_reader(&r);
    tfa_buf_release(&b);
}
END_TEST

/* ---- normalizer ------------------------------------------------------------------ */

static const struct norm_case {
    const char *in, *out;
    unsigned flags;
} norm_cases[] = {
    {"2022-09-02T04:32:40.5102493Z \x1b[31m\xe2\x94\x82\x1b[0m \x1b[0m\x1b[1m\x1b[31mError: "
     "\x1b[0m\x1b[0m\x1b[1mBad\x1b[0m",
     "Error: Bad", TFA_LINE_TIMESTAMP | TFA_LINE_ANSI | TFA_LINE_MARGIN},
    {"\x1b[31m\xe2\x95\xb7\x1b[0m\x1b[0m", "", TFA_LINE_ANSI | TFA_LINE_BOX_OPEN},
    {"\xe2\x95\xb5", "", TFA_LINE_BOX_CLOSE},
    {"\xe2\x94\x82", "", TFA_LINE_MARGIN},
    {"\xe2\x94\x82   on main.tf line 3:", "  on main.tf line 3:", TFA_LINE_MARGIN},
    {"\xe2\x94\x82     \xe2\x94\x82 var.x is \"y\"", "    \xe2\x94\x82 var.x is \"y\"",
     TFA_LINE_MARGIN},
    {"2024-05-01T10:00:00+02:00 Plan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-05-01t10:00:00z\tx", "x", TFA_LINE_TIMESTAMP},
    {"2024-05-01T10:00:00Z", "", TFA_LINE_TIMESTAMP},
    {"2024-06-05T12:34:56.789012Z 00O Plan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-06-05T12:34:56.789012Z 01E+\x1b[31mError: x", "Error: x",
     TFA_LINE_TIMESTAMP | TFA_LINE_ANSI},
    {"00O not after a timestamp", "00O not after a timestamp", 0},
    {"2024-05-01T10:00:00ZPlan", "2024-05-01T10:00:00ZPlan", 0},
    {"2024-05-01 10:00:00 no zone", "2024-05-01 10:00:00 no zone", 0},
    {"a\rb\r", "ab", TFA_LINE_CR},
    {"\x1b]0;title\x07text\x1b]8;;http://x\x1b\\link", "textlink", TFA_LINE_ANSI},
    {"\x1b(Btext\x1b", "text", TFA_LINE_ANSI},
    {"[10m0s elapsed]", "[10m0s elapsed]", 0},
    {"  # aws_instance.x will be created   ", "  # aws_instance.x will be created", 0},
    {"x \xe2\x94\x82 not a margin", "x \xe2\x94\x82 not a margin", 0},
    {"\xe2\x95\xb7 not a box edge", "\xe2\x95\xb7 not a box edge", 0},
    /* CR and ESC on both sides of the 16-byte blocks the search reads */
    {"0123456789abcde\rf0123456789abcdef0123", "0123456789abcdef0123456789abcdef0123", TFA_LINE_CR},
    {"0123456789abcdef\x1b[1mX0123456789abcdef", "0123456789abcdefX0123456789abcdef",
     TFA_LINE_ANSI},
    {"0123456789abcdef0123456789abcde\x1b[0m\r", "0123456789abcdef0123456789abcde",
     TFA_LINE_ANSI | TFA_LINE_CR},
    {"0123456789abcdef0123456789abcdef\r", "0123456789abcdef0123456789abcdef", TFA_LINE_CR},
    /* GitHub's stamp is told at once (lines.c github_stamp); its near misses
     * go the general way */
    {"2024-03-05T09:12:40.0007919Z Plan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-03-05T09:12:40.0007919Z 00O Plan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-03-05T09:12:40.0007919Z section_start:1:x[collapsed=true]Plan: 1", "Plan: 1",
     TFA_LINE_TIMESTAMP},
    {"2024-03-05t09:12:40.0007919z Plan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-03-05T09:12:40.00079191Z Plan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-03-05T09:12:40.000791Z  Plan: 1 to add", " Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-03-05T09:12:40.0007919Z\tPlan: 1 to add", "Plan: 1 to add", TFA_LINE_TIMESTAMP},
    {"2024-03-05T09:12:40.0007919ZPlan: 1 to add", "2024-03-05T09:12:40.0007919ZPlan: 1 to add", 0},
    {"2024-03-05T09:12:40.00a7919Z Plan: 1 to add", "2024-03-05T09:12:40.00a7919Z Plan: 1 to add",
     0},
    {"2024-03-05T09:12:40,0007919Z Plan: 1 to add", "2024-03-05T09:12:40,0007919Z Plan: 1 to add",
     0},
    {"2024-03-05T09:1:40.00007919Z Plan: 1 to add", "2024-03-05T09:1:40.00007919Z Plan: 1 to add",
     0},
};

START_TEST(normalize_strips_what_ci_and_terminals_add)
{
    const struct norm_case *c = &norm_cases[_i];
    size_t n = strlen(c->in);
    char *s = tfa_strndup(c->in, n);
    unsigned flags = 0;
    size_t len = tfa_line_normalize(s, n, &flags);

    ck_assert_msg(len == strlen(c->out) && memcmp(s, c->out, len) == 0 && s[len] == '\0',
                  "case %d: got '%.*s'", _i, (int)len, s);
    ck_assert_msg(flags == c->flags, "case %d: flags %#x, want %#x", _i, flags, c->flags);
    tfa_free(s);
}
END_TEST

/* The read-only view agrees with the normalizer wherever it answers, and
 * declines exactly the lines that hold a CR or an ESC. */
START_TEST(view_matches_normalize)
{
    const struct norm_case *c = &norm_cases[_i];
    size_t n = strlen(c->in), len = 0;
    const char *text = NULL;
    unsigned flags = 0;
    int rewrites = memchr(c->in, '\r', n) || memchr(c->in, '\x1b', n);

    ck_assert_int_eq(tfa_line_view(c->in, n, &text, &len, &flags), !rewrites);
    if (rewrites)
        return;
    ck_assert_msg(text >= c->in && text + len <= c->in + n, "case %d: outside the line", _i);
    ck_assert_msg(len == strlen(c->out) && memcmp(text, c->out, len) == 0, "case %d: got '%.*s'",
                  _i, (int)len, text);
    ck_assert_msg(flags == c->flags, "case %d: flags %#x, want %#x", _i, flags, c->flags);
}
END_TEST

START_TEST(normalize_runs_on_read_lines)
{
    static const char doc[] = "2022-09-02T04:32:40.5102493Z \x1b[1mPlan:\x1b[0m 1 to add\r\n"
                              "\xe2\x95\xb7\n\xe2\x94\x82 Error: x\n";
    reader r;
    open_reader(&r, doc, sizeof(doc) - 1, 0, 1);
    expect_line(&r, "Plan: 1 to add", 1, 0, TFA_LINE_TIMESTAMP | TFA_LINE_ANSI | TFA_LINE_CR);
    expect_line(&r, "", 2, 53, TFA_LINE_BOX_OPEN);
    expect_line(&r, "Error: x", 3, 57, TFA_LINE_MARGIN);
    expect_end(&r);
    close_reader(&r);
}
END_TEST

START_TEST(rfc3339_prefix_lengths)
{
    ck_assert_uint_eq(tfa_rfc3339_prefix("2022-09-02T04:32:40.5102493Z x", 30), 28);
    ck_assert_uint_eq(tfa_rfc3339_prefix("2022-09-02T04:32:40Z", 20), 20);
    ck_assert_uint_eq(tfa_rfc3339_prefix("2022-09-02T04:32:40-07:00", 25), 25);
    ck_assert_uint_eq(tfa_rfc3339_prefix("2022-09-02T04:32:40", 19), 0);
    ck_assert_uint_eq(tfa_rfc3339_prefix("2022-09-02T04:32:40.Z", 21), 0);
    ck_assert_uint_eq(tfa_rfc3339_prefix("2022-09-02T04:32:40+0700", 24), 0);
    ck_assert_uint_eq(tfa_rfc3339_prefix("22-09-02T04:32:40Z", 18), 0);
}
END_TEST

START_TEST(cursor_chains_and_backs_off)
{
    static const char line[] = "Plan: 12 to add, 3 to change.";
    tfa_cur c = tfa_cur_of(line, sizeof(line) - 1), save;
    const char *s;
    size_t n;
    long a = 0, b = 0;

    ck_assert(tfa_cur_lit(&c, "Plan: ") && tfa_cur_long(&c, &a) && tfa_cur_lit(&c, " to add, "));
    ck_assert_int_eq(a, 12);
    save = c;
    ck_assert(!tfa_cur_lit(&c, "4"));
    ck_assert_ptr_eq(c.p, save.p);
    ck_assert(tfa_cur_peek(&c, "3 to"));
    ck_assert(tfa_cur_long(&c, &b) && tfa_cur_blanks(&c) && !tfa_cur_blanks(&c));
    ck_assert(tfa_cur_until(&c, ".", &s, &n) && n == 9 && memcmp(s, "to change", 9) == 0);
    ck_assert(tfa_cur_eol(&c));
    ck_assert(!tfa_cur_until(&c, ".", &s, &n));
    c = tfa_cur_of("1234567890123456789", 19); /* 19 digits: more than a long can promise */
    ck_assert(!tfa_cur_long(&c, &a));
    c = tfa_cur_of("x", 1);
    ck_assert(!tfa_cur_long(&c, &a));
}
END_TEST

START_TEST(lines_survive_allocation_failures)
{
    static const char doc[] = "a\nb\r\nc";
    long n;
    for (n = 1; n < 12; n++) {
        tfa_stream *in = NULL;
        tfa_lines *lr = NULL;
        tfa_error err;
        tfa_line l;
        int rc, count = 0;
        tfa_error_init(&err);
        tfa_alloc_fail_after(n);
        rc = tfa_stream_open_memory(&in, "x", doc, sizeof(doc) - 1, &err);
        if (rc == 0)
            rc = tfa_lines_new(&lr, in, NULL, &err);
        while (rc == 0 && (rc = tfa_lines_next(lr, &l, &err)) == 1)
            count++, rc = 0;
        tfa_alloc_fail_after(0);
        ck_assert_msg(rc == 0 || rc == TFA_ENOMEM, "fail after %ld: status %d", n, rc);
        if (rc == 0)
            ck_assert_int_eq(count, 3);
        tfa_lines_free(lr);
        tfa_stream_free(in);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lines");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, lines_split_lf_crlf_and_a_final_line);
    tcase_add_test(tc, lines_reject_a_line_over_the_limit);
    tcase_add_test(tc, lines_cross_read_chunks);
    tcase_add_test(tc, lines_pass_stream_errors_on);
    tcase_add_test(tc, lines_survive_allocation_failures);
    tcase_add_test(tc, lines_written_in_place_leave_the_digest_whole);
    suite_add_tcase(s, tc);
    tc = tcase_create("normalize");
    tcase_add_loop_test(tc, normalize_strips_what_ci_and_terminals_add, 0,
                        (int)TFA_ARRAY_SIZE(norm_cases));
    tcase_add_loop_test(tc, view_matches_normalize, 0, (int)TFA_ARRAY_SIZE(norm_cases));
    tcase_add_test(tc, normalize_runs_on_read_lines);
    tcase_add_test(tc, rfc3339_prefix_lengths);
    suite_add_tcase(s, tc);
    tc = tcase_create("cursor");
    tcase_add_test(tc, cursor_chains_and_backs_off);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
