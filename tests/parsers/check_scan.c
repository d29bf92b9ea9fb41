/*
 * check_scan.c - the streaming JSON tokenizer and the stream decoding under it.
 */
#include "util/compat.h"

#include "scan_test.h"
#include "util/alloc.h"
#include "util/limits.h"
#include "util/sha256.h"

/* Scan everything; returns the status of the first failure (0 at EOF). */
static int scan_all(const char *data, size_t len, int ci_noise, tfa_error *err, int *tokens)
{
    scanned s;
    tfa_token t;
    int rc, n = 0;
    open_scan(&s, data, len, ci_noise);
    while ((rc = tfa_scan_next(s.sc, &t, &s.err)) == 0 && t.type != TFA_TOK_EOF)
        n++;
    *err = s.err;
    if (tokens)
        *tokens = n;
    close_scan(&s);
    return rc;
}

static void expect_error(const char *doc, int status, unsigned long line, unsigned long col,
                         const char *msg_part)
{
    tfa_error err;
    int rc = scan_all(doc, strlen(doc), 0, &err, NULL);
    ck_assert_msg(rc == status, "'%s': status %d, expected %d (%s)", doc, rc, status, err.message);
    ck_assert_str_eq(err.source, "doc.json");
    ck_assert_uint_eq(err.line, line);
    ck_assert_uint_eq(err.column, col);
    ck_assert_msg(strstr(err.message, msg_part), "message '%s' lacks '%s'", err.message, msg_part);
}

START_TEST(scan_tokens_of_a_document)
{
    const char *doc = "{\"a\": [1, -2.5e3, \"x\\n\", true, false, null], \"b\": {}}";
    static const tfa_tok want[] = {TFA_TOK_OBJ,     TFA_TOK_KEY,     TFA_TOK_ARR,  TFA_TOK_NUM,
                                   TFA_TOK_NUM,     TFA_TOK_STR,     TFA_TOK_TRUE, TFA_TOK_FALSE,
                                   TFA_TOK_NULL,    TFA_TOK_ARR_END, TFA_TOK_KEY,  TFA_TOK_OBJ,
                                   TFA_TOK_OBJ_END, TFA_TOK_OBJ_END, TFA_TOK_EOF};
    scanned s;
    tfa_token t;
    size_t i;
    tfa_buf b;

    open_scan(&s, doc, strlen(doc), 0);
    tfa_buf_init(&b, 100);
    for (i = 0; i < TFA_ARRAY_SIZE(want); i++) {
        ck_assert_tfa_ok(tfa_scan_next(s.sc, &t, &s.err), &s.err);
        ck_assert_int_eq(t.type, want[i]);
        if (i == 4)
            ck_assert_int_eq(memcmp(t.ptr, "-2.5e3", 6), 0);
        if (i == 5) {
            ck_assert(t.escaped);
            ck_assert_int_eq(tfa_scan_decode(&t, &b), 0);
            ck_assert_str_eq(b.ptr, "x\n");
        }
    }
    tfa_buf_release(&b);
    close_scan(&s);
}
END_TEST

START_TEST(scan_reports_positions)
{
    const char *doc = "{\n  \"a\":\n    [1,\n  2]\n}";
    scanned s;
    tfa_token t;
    open_scan(&s, doc, strlen(doc), 0);
    tfa_scan_next(s.sc, &t, &s.err); /* { */
    tfa_scan_next(s.sc, &t, &s.err); /* "a" */
    ck_assert_uint_eq(t.pos.line, 2);
    ck_assert_uint_eq(t.pos.column, 3);
    tfa_scan_next(s.sc, &t, &s.err); /* [ */
    ck_assert_uint_eq(t.pos.line, 3);
    ck_assert_uint_eq(t.pos.column, 5);
    tfa_scan_next(s.sc, &t, &s.err); /* 1 */
    tfa_scan_next(s.sc, &t, &s.err); /* 2 */
    ck_assert_uint_eq(t.pos.line, 4);
    ck_assert_uint_eq(t.pos.column, 3);
    close_scan(&s);
}
END_TEST

START_TEST(scan_rejects_malformed_json)
{
    expect_error("{\"a\": 1", TFA_EINPUT, 1, 8, "unexpected end of input");
    expect_error("{\"a\" 1}", TFA_EINPUT, 1, 6, "expected ':'");
    expect_error("{\"a\": 1,}", TFA_EINPUT, 1, 9, "object key");
    expect_error("[1 2]", TFA_EINPUT, 1, 4, "expected ',' or ']'");
    expect_error("{}\n}", TFA_EINPUT, 2, 1, "after the JSON document");
    expect_error("{\"a\": tru}", TFA_EINPUT, 1, 7, "invalid literal");
    expect_error("[01]", TFA_EINPUT, 1, 2, "leading zero");
    expect_error("[1.]", TFA_EINPUT, 1, 2, "invalid number");
    expect_error("[-]", TFA_EINPUT, 1, 2, "invalid number");
    expect_error("[\"a\\x\"]", TFA_EINPUT, 1, 4, "invalid escape");
    expect_error("[\"\\ud800\"]", TFA_EINPUT, 1, 3, "invalid escape");
    expect_error("[\"\\udc00x\"]", TFA_EINPUT, 1, 3, "invalid escape");
    expect_error("[\"a\nb\"]", TFA_EINPUT, 1, 4, "control character");
    expect_error("[\"\xc3\x28\"]", TFA_EINPUT, 1, 3, "invalid UTF-8");
    expect_error("[\"\xed\xa0\x80\"]", TFA_EINPUT, 1, 3, "invalid UTF-8");     /* surrogate */
    expect_error("[\"\xf4\x90\x80\x80\"]", TFA_EINPUT, 1, 3, "invalid UTF-8"); /* > U+10FFFF */
    expect_error("[\"\xc0\xaf\"]", TFA_EINPUT, 1, 3, "invalid UTF-8");         /* overlong */
    expect_error("[\"abc", TFA_EINPUT, 1, 6, "inside a string");
    expect_error("[\"\xe2\x82", TFA_EINPUT, 1, 5, "inside a string");
}
END_TEST

START_TEST(scan_rejects_nul_bytes)
{
    static const char in_string[] = "[\"a\0b\"]", outside[] = "[1,\0 2]";
    tfa_error err;
    ck_assert_int_eq(scan_all(in_string, sizeof(in_string) - 1, 0, &err, NULL), TFA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "NUL byte"));
    ck_assert_uint_eq(err.column, 4);
    ck_assert_int_eq(scan_all(outside, sizeof(outside) - 1, 0, &err, NULL), TFA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "NUL byte"));
}
END_TEST

START_TEST(scan_accepts_valid_unicode)
{
    const char *doc = "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\", \"\\u00e9\\ud83d\\ude00\"]";
    tfa_error err;
    int n;
    ck_assert_tfa_ok(scan_all(doc, strlen(doc), 0, &err, &n), &err);
    ck_assert_int_eq(n, 4);
}
END_TEST

START_TEST(scan_limits_nesting_depth)
{
    size_t n = TFA_LIMIT_JSON_DEPTH + 1, i;
    char *doc = malloc(2 * n + 1);
    tfa_error err;
    for (i = 0; i < n; i++)
        doc[i] = '[', doc[2 * n - 1 - i] = ']';
    doc[2 * n] = '\0';
    ck_assert_int_eq(scan_all(doc, 2 * n, 0, &err, NULL), TFA_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "nesting deeper than 512"));
    ck_assert_uint_eq(err.column, TFA_LIMIT_JSON_DEPTH + 1);
    /* exactly at the limit is fine */
    ck_assert_tfa_ok(scan_all(doc + 1, 2 * n - 2, 0, &err, NULL), &err);
    free(doc);
}
END_TEST

/* Scan `doc` with `lines` set; returns the first failure's status (0 at EOF)
 * and whether the scanner called it a truncation. */
static int scan_lines(const char *doc, int lines, tfa_error *err, int *truncated)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_token t;
    int rc;

    so.lines = lines;
    tfa_error_init(err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "doc.json", doc, strlen(doc), err), err);
    ck_assert_tfa_ok(tfa_scan_new(&sc, in, &so, err), err);
    while ((rc = tfa_scan_next(sc, &t, err)) == 0 && t.type != TFA_TOK_EOF)
        ;
    *truncated = tfa_scan_truncated(sc);
    tfa_scan_free(sc);
    tfa_stream_free(in);
    return rc;
}

START_TEST(scan_tells_truncation_from_bad_json)
{
    static const char in_string[] = "unexpected end of input inside a string (truncated JSON?)",
                      at_end[] = "unexpected end of input (truncated JSON?)";
    static const struct {
        const char *doc;
        unsigned long col;
        const char *msg; /* NULL: bad JSON, not a truncation */
    } cases[] = {
        {"{\"a\": 1", 8, at_end},     {"[\"abc", 6, in_string},   {"{\"a\": tr", 9, at_end},
        {"{\"a\": fals", 11, at_end}, {"[-", 3, at_end},          {"[1e", 4, at_end},
        {"[1.", 4, at_end},           {"[\"\\u12", 7, in_string}, {"{\"ab", 5, in_string},
        {"{\"a\"", 5, at_end},        {"{\"a\": tru}", 7, NULL},  {"[1.]", 2, NULL},
        {"[\"a\nb\"]", 4, NULL},      {"[1 2]", 4, NULL},         {"{\"a\": nul ", 7, NULL},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_error err;
        int truncated = -1, rc = scan_lines(cases[i].doc, 0, &err, &truncated);
        ck_assert_msg(rc == TFA_EINPUT, "'%s': status %d", cases[i].doc, rc);
        ck_assert_msg(truncated == (cases[i].msg != NULL), "'%s': truncated=%d (%s)", cases[i].doc,
                      truncated, err.message);
        ck_assert_msg(err.column == cases[i].col, "'%s': column %lu", cases[i].doc, err.column);
        if (cases[i].msg)
            ck_assert_str_eq(err.message, cases[i].msg);
    }
}
END_TEST

START_TEST(scan_lines_mode_wants_one_value_per_line)
{
    tfa_error err;
    int truncated;

    ck_assert_int_eq(scan_lines("{\"a\":1}\n\n{\"b\":[1,\n2]}\r\n\"x\"\n", 1, &err, &truncated), 0);
    ck_assert_int_eq(scan_lines("{}\n{} {}\n", 1, &err, &truncated), TFA_EINPUT);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.column, 4);
    ck_assert_str_eq(err.message, "unexpected '{', expected a line break after the JSON value");
    ck_assert_int_eq(truncated, 0);
    ck_assert_int_eq(scan_lines("{}\nError: boom\n", 1, &err, &truncated), TFA_EINPUT);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.column, 1);
    ck_assert_str_eq(err.message, "unexpected 'E', expected a JSON value");
    /* without `lines`, two values on a line are fine */
    ck_assert_int_eq(scan_lines("{} {}", 0, &err, &truncated), 0);
}
END_TEST

START_TEST(scan_reads_several_documents)
{
    const char *doc = "{\"a\":1}\n{\"b\":2}\n  [3]  ";
    tfa_error err;
    int n;
    ck_assert_tfa_ok(scan_all(doc, strlen(doc), 0, &err, &n), &err);
    ck_assert_int_eq(n, 11);
}
END_TEST

START_TEST(scan_skips_ci_noise_between_documents)
{
    const char *doc = "[command]/home/runner/_temp/terraform-bin show -json tfplan\n"
                      "{\"a\":1}%0A\n::debug::Terraform exited with code 0.\n"
                      "::set-output name=stdout::{\"a\":1}%0A\n##[endgroup]\n";
    tfa_error err;
    int n;
    ck_assert_tfa_ok(scan_all(doc, strlen(doc), 1, &err, &n), &err);
    ck_assert_int_eq(n, 4);
    /* without the option the same bytes are an error */
    ck_assert_int_eq(scan_all(doc, strlen(doc), 0, &err, NULL), TFA_EINPUT);
    ck_assert_uint_eq(err.line, 1);
}
END_TEST

/* A document bigger than the scan window, with tokens straddling refills. */
static char *big_doc(size_t *len, size_t string_len)
{
    tfa_buf b;
    size_t i;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "[");
    for (i = 0; i < 300000; i++)
        tfa_buf_printf(&b, "%s{\"k%zu\": \"v\xc3\xa9%zu\", \"n\": %zu.5}", i ? "," : "", i, i, i);
    tfa_buf_puts(&b, ", \"");
    for (i = 0; i < string_len; i++)
        tfa_buf_putc(&b, (char)('a' + i % 26));
    tfa_buf_puts(&b, "\", \"");
    for (i = 0; i < string_len; i++)
        tfa_buf_putc(&b, (char)('a' + i % 26));
    tfa_buf_puts(&b, "\"]");
    return tfa_buf_detach(&b, len);
}

START_TEST(scan_handles_documents_larger_than_the_window)
{
    size_t len;
    char *doc = big_doc(&len, 3 * TFA_LIMIT_SCAN_WINDOW);
    scanned s;
    tfa_token t;
    uint64_t digests[2];
    int n = 0, nd = 0, rc;

    ck_assert_uint_gt(len, 4 * TFA_LIMIT_SCAN_WINDOW);
    open_scan(&s, doc, len, 0);
    while ((rc = tfa_scan_next(s.sc, &t, &s.err)) == 0 && t.type != TFA_TOK_EOF) {
        n++;
        if (t.type == TFA_TOK_STR && t.truncated)
            digests[nd++] = t.digest;
    }
    ck_assert_tfa_ok(rc, &s.err);
    ck_assert_int_eq(n, 300000 * 6 + 4);
    ck_assert_int_eq(nd, 2);
    ck_assert(digests[0] == digests[1]); /* same text, same digest, wherever it lay */
    /* past the size where the stream hashes on a thread, into the scanner's
     * two windows in turn: still every byte once, in order */
    {
        unsigned char want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
        tfa_sha256 sha;
        tfa_sha256_init(&sha);
        tfa_sha256_update(&sha, doc, len);
        tfa_sha256_final(&sha, want);
        tfa_stream_digest(s.in, got);
        ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
    }
    close_scan(&s);
    free(doc);
}
END_TEST

/* A reader that gives up half way frees the scanner while the stream may
 * still be hashing its windows on the other thread: the scanner waits for
 * that before its windows go (ASan and TSan builds check it). */
START_TEST(scan_freed_half_way_leaves_no_hashing_behind)
{
    size_t len, stop;
    char *doc = big_doc(&len, 10);
    scanned s;
    tfa_token t;

    for (stop = 5 * TFA_LIMIT_SCAN_WINDOW; stop < len; stop += 3 * TFA_LIMIT_SCAN_WINDOW / 2) {
        open_scan(&s, doc, len, 0);
        while (tfa_scan_pos(s.sc).offset < stop) {
            ck_assert_tfa_ok(tfa_scan_next(s.sc, &t, &s.err), &s.err);
            ck_assert_int_ne(t.type, TFA_TOK_EOF);
        }
        close_scan(&s); /* the scanner first, its windows with it */
    }
    free(doc);
}
END_TEST

static void check_decoded(const unsigned char *raw, size_t len, const char *want, tfa_encoding enc)
{
    tfa_stream *in = NULL;
    tfa_error err;
    char buf[256];
    long long n;
    size_t got = 0;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "w.json", raw, len, &err), &err);
    while ((n = tfa_stream_read(in, buf + got, 16, &err)) > 0) /* small reads: split pairs */
        got += (size_t)n;
    ck_assert_int_eq(n, 0);
    ck_assert_uint_eq(got, strlen(want));
    ck_assert_int_eq(memcmp(buf, want, got), 0);
    ck_assert_int_eq(tfa_stream_encoding(in), enc);
    ck_assert_uint_eq(tfa_stream_bytes(in), len);
    tfa_stream_free(in);
}

START_TEST(stream_decodes_boms_and_utf16)
{
    /* {"a":"é😀"} */
    static const unsigned char le[] = {0xFF, 0xFE, '{',  0, '"',  0,    'a',  0,    '"', 0, ':', 0,
                                       '"',  0,    0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, '"', 0, '}', 0};
    static const unsigned char be[] = {0xFE, 0xFF, 0, '{',  0,    '"',  0,    'a',  0, '"', 0, ':',
                                       0,    '"',  0, 0xE9, 0xD8, 0x3D, 0xDE, 0x00, 0, '"', 0, '}'};
    static const unsigned char bom8[] = {0xEF, 0xBB, 0xBF, '{', '}'};
    const char *want = "{\"a\":\"\xc3\xa9\xf0\x9f\x98\x80\"}";
    check_decoded(le, sizeof(le), want, TFA_ENC_UTF16LE);
    check_decoded(be, sizeof(be), want, TFA_ENC_UTF16BE);
    check_decoded(bom8, sizeof(bom8), "{}", TFA_ENC_UTF8_BOM);
}
END_TEST

START_TEST(stream_rejects_broken_utf16)
{
    static const unsigned char lone[] = {0xFF, 0xFE, '[', 0, 0x00, 0xDC, ']', 0};
    static const unsigned char odd[] = {0xFF, 0xFE, '[', 0, ']'};
    tfa_stream *in = NULL;
    tfa_error err;
    char buf[64];

    tfa_error_init(&err);
    tfa_stream_open_memory(&in, "w.json", lone, sizeof(lone), &err);
    ck_assert_int_eq(tfa_stream_read(in, buf, sizeof(buf), &err), TFA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "unpaired surrogate"));
    tfa_stream_free(in);
    tfa_error_init(&err);
    tfa_stream_open_memory(&in, "w.json", odd, sizeof(odd), &err);
    ck_assert_int_eq(tfa_stream_read(in, buf, sizeof(buf), &err), 1);
    ck_assert_int_eq(tfa_stream_read(in, buf, sizeof(buf), &err), TFA_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "inside a character"));
    tfa_stream_free(in);
}
END_TEST

START_TEST(stream_hashes_raw_bytes)
{
    static const char doc[] = "{\"a\": 1}";
    unsigned char d[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_stream *in = NULL;
    tfa_error err;
    char buf[64];

    tfa_error_init(&err);
    tfa_stream_open_memory(&in, "x", doc, sizeof(doc) - 1, &err);
    ck_assert_int_eq(tfa_stream_read(in, buf, 3, &err), 3); /* partial read, then drain */
    ck_assert_int_eq(tfa_stream_drain(in, &err), 0);
    tfa_stream_digest(in, d);
    tfa_sha256_hex(d, hex);
    ck_assert_str_eq(hex, "f9d86028c6e0d64e225186f96acb69338b2c59764df79162107f5c4bb34d1310");
    tfa_stream_free(in);
}
END_TEST

START_TEST(scan_survives_allocation_failures)
{
    const char *doc = "{\"a\": [1, 2]}";
    long n;
    for (n = 1; n < 20; n++) {
        tfa_error err;
        tfa_stream *in = NULL;
        tfa_scan *sc = NULL;
        tfa_token t;
        int rc;
        tfa_error_init(&err);
        tfa_alloc_fail_after(n);
        rc = tfa_stream_open_memory(&in, "doc.json", doc, strlen(doc), &err);
        if (rc == 0)
            rc = tfa_scan_new(&sc, in, NULL, &err);
        while (rc == 0 && (rc = tfa_scan_next(sc, &t, &err)) == 0 && t.type != TFA_TOK_EOF)
            ;
        tfa_alloc_fail_after(0);
        ck_assert(rc == 0 || rc == TFA_ENOMEM);
        tfa_scan_free(sc);
        tfa_stream_free(in);
    }
}
END_TEST

/* The SHA-256 every stream computes (util/sha256.c, SHA-NI where the CPU
 * has it): FIPS 180-4 known answers, and any split of the updates. */
static void hex_digest(const void *data, size_t len, size_t step, char out[65])
{
    unsigned char d[TFA_SHA256_BYTES];
    tfa_sha256 sha;
    size_t i, n;

    tfa_sha256_init(&sha);
    for (i = 0; i < len; i += n) {
        n = len - i < step ? len - i : step;
        tfa_sha256_update(&sha, (const char *)data + i, n);
    }
    tfa_sha256_final(&sha, d);
    for (i = 0; i < sizeof(d); i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

START_TEST(sha256_known_answers_and_splits)
{
    static const char *const msg448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char hex[65], one[65];
    char *mil = tfa_malloc(1000000);
    size_t steps[] = {1, 3, 63, 64, 65, 1000, 4096 + 7};
    size_t i;

    hex_digest("abc", 3, 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_digest(msg448, strlen(msg448), 64, hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    hex_digest("", 0, 1, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_ptr_nonnull(mil);
    memset(mil, 'a', 1000000);
    hex_digest(mil, 1000000, 1000000, one);
    ck_assert_str_eq(one, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    for (i = 0; i < TFA_ARRAY_SIZE(steps); i++) {
        hex_digest(mil, 1000000, steps[i], hex);
        ck_assert_str_eq(hex, one);
    }
    tfa_free(mil);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("scan");
    tcase_add_test(tc, scan_tokens_of_a_document);
    tcase_add_test(tc, scan_reports_positions);
    tcase_add_test(tc, scan_rejects_malformed_json);
    tcase_add_test(tc, scan_rejects_nul_bytes);
    tcase_add_test(tc, scan_accepts_valid_unicode);
    tcase_add_test(tc, scan_limits_nesting_depth);
    tcase_add_test(tc, scan_reads_several_documents);
    tcase_add_test(tc, scan_tells_truncation_from_bad_json);
    tcase_add_test(tc, scan_lines_mode_wants_one_value_per_line);
    tcase_add_test(tc, scan_skips_ci_noise_between_documents);
    tcase_add_test(tc, scan_handles_documents_larger_than_the_window);
    tcase_add_test(tc, scan_freed_half_way_leaves_no_hashing_behind);
    tcase_add_test(tc, scan_survives_allocation_failures);
    suite_add_tcase(s, tc);
    tc = tcase_create("stream");
    tcase_add_test(tc, stream_decodes_boms_and_utf16);
    tcase_add_test(tc, stream_rejects_broken_utf16);
    tcase_add_test(tc, stream_hashes_raw_bytes);
    tcase_add_test(tc, sha256_known_answers_and_splits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
