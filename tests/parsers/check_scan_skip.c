/*
 * check_scan_skip.c - the scanner's fast paths against its token path: a
 * value skipped whole (tfa_scan_skip) or a line's object skimmed
 * (tfa_scan_skim) must end, fail, and place errors exactly where reading
 * it token by token (tfa_scan_next) does, in any window size.
 */
#include "util/compat.h"

#include "scan_test.h"
#include "util/alloc.h"
#include "util/limits.h"

/* Skip the first value of `doc` with tfa_scan_skip on one scanner (whose
 * window holds `window` bytes, 0: the default) and with tfa_scan_next on
 * another (default window): same status, same error, same place after. */
static void skip_like_next_window(const char *doc, size_t len, size_t window)
{
    scanned a, b;
    tfa_token t;
    int ra, rb;

    open_scan_window(&a, doc, len, 0, window);
    open_scan(&b, doc, len, 0);
    ra = tfa_scan_next(a.sc, &t, &a.err);
    if (ra == 0)
        ra = tfa_scan_skip(a.sc, &t, &a.err);
    rb = tfa_scan_next(b.sc, &t, &b.err);
    if (rb == 0 && (t.type == TFA_TOK_OBJ || t.type == TFA_TOK_ARR))
        while ((rb = tfa_scan_next(b.sc, &t, &b.err)) == 0 && tfa_scan_depth(b.sc) > 0)
            ;
    ck_assert_msg(ra == rb, "doc %.40s, window %zu: skip %d (%s), next %d (%s)", doc, window, ra,
                  a.err.message, rb, b.err.message);
    if (ra != 0) {
        ck_assert_str_eq(a.err.message, b.err.message);
        ck_assert_uint_eq(a.err.line, b.err.line);
        ck_assert_uint_eq(a.err.column, b.err.column);
    } else {
        ck_assert_uint_eq(tfa_scan_pos(a.sc).offset, tfa_scan_pos(b.sc).offset);
        ck_assert_uint_eq(tfa_scan_pos(a.sc).line, tfa_scan_pos(b.sc).line);
        ck_assert_uint_eq(tfa_scan_pos(a.sc).column, tfa_scan_pos(b.sc).column);
        ra = tfa_scan_next(a.sc, &t, &a.err);
        rb = tfa_scan_next(b.sc, &t, &b.err);
        ck_assert_int_eq(ra, rb);
    }
    close_scan(&a);
    close_scan(&b);
}

static void skip_like_next(const char *doc, size_t len)
{
    skip_like_next_window(doc, len, 0);
}

START_TEST(scan_skip_agrees_with_next)
{
    static const char *const docs[] = {
        "{\"a\": [1, -2.5, 0, \"x\"], \"b\": {\"c\": null, \"d\": [true, false, {}]}, \"e\": []}",
        "[[[[[]]]], {\"k\": {\"k\": {\"k\": 1}}}, \"s\"]\n",
        "{\"a\":1,}",
        "[1,]",
        "{\"a\" 1}",
        "[1 2]",
        "{\"a\": [1}",
        "[tru]",
        "[-]",
        "[01]",
        "[1.]",
        "[1e5, 1E+2, -0.5e-3]",
        "{\"a\":\n[1,\n2]\n,\n\"b\"\n:\n3}",
        "{\"\\u00e9\\\\\\\\\\\"\": \"\\ud83d\\ude00\", \"x\": \"caf\xc3\xa9 \xe2\x82\xac\"}",
        "[\"abcdefghijklm\\\\\", \"abcdefghijklmno\\\\\\\"\", "
        "\"0123456789abcdefghijklmnopqrstu\\\"v\"]",
        "[\"\xc3\"]",
        "[\"a\tb\"]",
        "{\"a\": [1, 2",
        "[{}, [], {\"a\": []}] [1]",
        "{\"a\": 1} trailing",
    };
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(docs); i++)
        skip_like_next(docs[i], strlen(docs[i]));
}
END_TEST

/* Read the rest of an object whose '{' was just read, token by token, to
 * its close; returns the status. Top-level members go to m[], their keys'
 * text (which the next key replaces) to keys[]. */
static int members_by_next(scanned *b, tfa_scan_member *m, char (*keys)[64], size_t cap, size_t *n)
{
    tfa_token t;
    int rc;
    *n = 0;
    while ((rc = tfa_scan_next(b->sc, &t, &b->err)) == 0 && tfa_scan_depth(b->sc) > 0) {
        if (t.type != TFA_TOK_KEY || tfa_scan_depth(b->sc) != 1)
            continue;
        ck_assert_uint_lt(*n, cap);
        ck_assert_uint_lt(t.len, 64);
        memcpy(keys[*n], t.ptr, t.len);
        m[*n].key = t;
        m[*n].key.ptr = keys[*n];
        if ((rc = tfa_scan_next(b->sc, &m[*n].value, &b->err)) != 0)
            return rc;
        if ((rc = tfa_scan_skip(b->sc, &m[*n].value, &b->err)) != 0)
            return rc;
        (*n)++;
    }
    return rc;
}

static void same_token(const tfa_token *a, const tfa_token *b)
{
    ck_assert_int_eq(a->type, b->type);
    ck_assert_uint_eq(a->escaped, b->escaped);
    ck_assert_uint_eq(a->pos.offset, b->pos.offset);
    ck_assert_uint_eq(a->pos.line, b->pos.line);
    ck_assert_uint_eq(a->pos.column, b->pos.column);
    if (a->type != TFA_TOK_OBJ && a->type != TFA_TOK_ARR) {
        ck_assert_uint_eq(a->len, b->len);
        ck_assert_int_eq(memcmp(a->ptr, b->ptr, a->len), 0);
    }
}

/* tfa_scan_skim on the first line's object of `doc` against tfa_scan_next
 * on another scanner: when it takes the object, the same members and the
 * same place after; when it does not (or after tfa_scan_skim_undo), the
 * token path from there gives what it gives from the start. Returns
 * whether the skim took it. */
static int skim_like_next(const char *doc, int undo)
{
    tfa_scan_member ma[16], mb[16];
    char keys_a[16][64], keys_b[16][64];
    tfa_scan_skim_state k;
    scanned a, b;
    tfa_token t;
    size_t nb = 0, i;
    int ra, rb, took;

    open_scan(&a, doc, strlen(doc), 0);
    open_scan(&b, doc, strlen(doc), 0);
    ck_assert_tfa_ok(tfa_scan_next(a.sc, &t, &a.err), &a.err);
    ck_assert_int_eq(t.type, TFA_TOK_OBJ);
    ck_assert_tfa_ok(tfa_scan_next(b.sc, &t, &b.err), &b.err);
    rb = members_by_next(&b, mb, keys_b, TFA_ARRAY_SIZE(mb), &nb);
    took = tfa_scan_skim(a.sc, ma, 8, &k); /* room for 8 members */
    if (took && undo)
        tfa_scan_skim_undo(a.sc, &k);
    if (took && !undo) {
        ck_assert_msg(rb == 0, "doc %s: skimmed, but the token path says %s", doc, b.err.message);
        ck_assert_uint_eq(k.n, nb);
        for (i = 0; i < nb; i++) {
            same_token(&ma[i].key, &mb[i].key);
            same_token(&ma[i].value, &mb[i].value);
        }
    } else {
        size_t na;
        ck_assert_uint_eq(tfa_scan_depth(a.sc), 1);
        ra = members_by_next(&a, ma, keys_a, TFA_ARRAY_SIZE(ma), &na);
        ck_assert_msg(ra == rb, "doc %s: %d (%s) after the skim, %d (%s)", doc, ra, a.err.message,
                      rb, b.err.message);
        if (ra) {
            ck_assert_str_eq(a.err.message, b.err.message);
            ck_assert_uint_eq(a.err.line, b.err.line);
            ck_assert_uint_eq(a.err.column, b.err.column);
        }
    }
    if (rb == 0) {
        ck_assert_uint_eq(tfa_scan_pos(a.sc).offset, tfa_scan_pos(b.sc).offset);
        ck_assert_uint_eq(tfa_scan_depth(a.sc), 0);
        ra = tfa_scan_next(a.sc, &t, &a.err);
        rb = tfa_scan_next(b.sc, &t, &b.err);
        ck_assert_int_eq(ra, rb);
        ck_assert_str_eq(a.err.message, b.err.message);
    }
    close_scan(&a);
    close_scan(&b);
    return took;
}

START_TEST(scan_skim_agrees_with_next)
{
    /* taken: one line, plain values (escapes and UTF-8 are validated) */
    static const char *const taken[] = {
        "{}\n{}",
        "{\"@level\": \"info\", \"type\": \"refresh_start\", \"hook\": {\"resource\": "
        "{\"addr\": \"a.b\", \"resource_key\": null}, \"id\": [1, -2.5, 0, true, false, {}]}}\n",
        "{\"k\\\"\": \"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\", \"n\": 12}   \n[1]",
        "{\"a\": {}} {\"b\": 1}",
    };
    /* left to the token path: errors, exponents, line breaks, cut objects,
     * more members than the caller has room for, bad bytes */
    static const char *const left[] = {
        "{\"a\": 1e5}",
        "{\"a\":\n1}",
        "{\"a\": [1,]}",
        "{\"a\" 1}",
        "{\"a\": \"x\xc3\"}",
        "{\"a\": \"\\x\"}",
        "{\"a\": \"tab\there\"}",
        "{\"a\": [1, 2",
        "{\"a\": tru}",
        "{\"a\": 01}",
        "{\"1\":1,\"2\":2,\"3\":3,\"4\":4,\"5\":5,\"6\":6,\"7\":7,\"8\":8,\"9\":9}",
    };
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(taken); i++) {
        ck_assert_msg(skim_like_next(taken[i], 0), "not skimmed: %s", taken[i]);
        skim_like_next(taken[i], 1);
    }
    for (i = 0; i < TFA_ARRAY_SIZE(left); i++)
        ck_assert_msg(!skim_like_next(left[i], 0), "skimmed: %s", left[i]);
}
END_TEST

/* The skim reads strings 64 bytes of the window at a time (scan_skip.c):
 * escapes, UTF-8, bad bytes and string ends at every offset around those
 * blocks, and strings longer than a block, agree with the token path. */
START_TEST(scan_skim_agrees_at_every_block_offset)
{
    static const struct {
        const char *text;
        int valid;
    } strs[] = {
        {"", 1},
        {"x", 1},
        {"\\\"q", 1},
        {"\\u00e9\\ud83d\\ude00", 1},
        {"caf\xc3\xa9 \xe2\x82\xac", 1},
        {"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz!", 1},
        {"bad \xc3(", 0},
        {"ctl \x01", 0},
        {"esc \\x", 0},
    };
    char doc[512];
    size_t pad, i;

    for (pad = 0; pad < 140; pad++)
        for (i = 0; i < TFA_ARRAY_SIZE(strs); i++) {
            snprintf(doc, sizeof(doc), "{\"p\": \"%.*s\", \"s\": [\"%s\", \"%s\"], \"n\": null}\n",
                     (int)pad,
                     "................................................................"
                     "................................................................"
                     "................",
                     strs[i].text, strs[i].text);
            ck_assert_msg(skim_like_next(doc, 0) == strs[i].valid, "pad %zu: %s", pad, doc);
            skim_like_next(doc, 1);
        }
}
END_TEST

/* Past the window: escapes and multi-byte characters at every offset modulo
 * 32 around each refill, with an error at the end or none. */
START_TEST(scan_skip_agrees_with_next_across_windows)
{
    tfa_buf doc;
    int bad, i;

    for (bad = 0; bad < 2; bad++) {
        tfa_buf_init(&doc, TFA_BUF_NO_MAX);
        tfa_buf_puts(&doc, "{\"list\": [");
        for (i = 0; doc.len < 3 * TFA_LIMIT_SCAN_WINDOW; i++) {
            tfa_buf_printf(
                &doc, "%s{\"k%d\": \"%.*s\\\\%.*s\\\"\xc3\xa9\", \"n\": [%d, -%d.5, true, null]}",
                i ? ", " : "", i, i % 33, "................................x", i % 17,
                "\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\", i, i);
        }
        tfa_buf_puts(&doc, bad ? "], \"z\": [1,]}" : "], \"z\": {}}");
        ck_assert_int_eq(tfa_buf_status(&doc), 0);
        skip_like_next(doc.ptr, doc.len);
        tfa_buf_release(&doc);
    }
}
END_TEST

/*
 * Windows of 24 to 88 bytes (the longest key here is 19) put every token of these documents across
 * a refill at some window size, with the skip's fast paths (skip_run, skip_fast) meeting the
 * window's end at every offset: escapes and backslash runs around 16 and 32 bytes into a string,
 * multi-byte characters, numbers and literals cut anywhere, deep nesting, line breaks, and errors
 * inside the skipped value, which must read the same (message, line, column) as token by token with
 * the default window.
 */
START_TEST(scan_skip_agrees_with_next_in_any_window)
{
    static const char *const docs[] = {
        "{\"a\": [1, -2.5, 0, \"x\"], \"b\": {\"c\": null, \"d\": [true, false, {}]}, \"e\": []}",
        "[[[[[[[[{\"k\": [[{\"k\": {\"k\": [1, [2, [3, {}]]]}}]]}]]]]]]]]",
        "{\"0123456789abcde\\\"\": \"0123456789abcdefghijklmnopqrstu\\\\\", \"n\": 123456789012}",
        "[\"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\", "
        "\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\"]",
        "{\"caf\xc3\xa9\": \"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac \xf0\x9f\x98\x80\", \"u\": "
        "\"\\ud83d\\ude00\\u00e9\"}",
        "{\"a\":\n[1,\n2]\n,\n\"b\"\n:\n3,\r\n\"c\"\t:\ttrue}",
        "[1e5, 1E+2, -0.5e-3, 0.25, -0, 1234567.5, false, null, true]",
        /* errors inside the skipped value */
        "{\"a\": [1, 2, {\"b\": tru}], \"c\": 1}",
        "{\"a\": [1, 2, {\"b\": nulls}], \"c\": 1}",
        "{\"a\": {\"b\": \"x\\u12g4\"}}",
        "{\"a\": {\"b\": \"x\\q\"}}",
        "{\"a\": {\"b\": \"\\ud83d\\u0041\"}}",
        "{\"a\": {\"b\": \"tab\there\"}}",
        "{\"a\": {\"b\": \"bad \xc3\x28 utf-8\"}}",
        "{\"a\": {\"b\": \"\xed\xa0\x80 surrogate\"}}",
        "{\"a\": [1, 2],\n \"b\" 1}",
        "{\"a\": [1, 2,]}",
        "{\"a\": [1, 2}, \"b\": 1}",
        "{\"a\": {\"b\": 1]}",
        "{\"a\": [01]}",
        "{\"a\": [1.]}",
        "{\"a\": [-]}",
        "{\"a\": [1 2]}",
        "{\"a\": {\"b\": 1,, \"c\": 2}}",
        "{\"a\": {\"b\": 1} \"c\": 2}",
        "{\"a\": [\"x\" \"y\"]}",
        "{\"a\": {1: 2}}",
        "{\"a\": [\"k\": 1]}",
        "{\"a\": [1, 2, {\"b\": [true, false, null",
        "{\"a\": \"unterminated",
    };
    size_t i, w;

    for (i = 0; i < TFA_ARRAY_SIZE(docs); i++)
        for (w = 24; w <= 88; w++)
            skip_like_next_window(docs[i], strlen(docs[i]), w);
}
END_TEST

/* Nesting beyond the limit inside a skipped value, with the window's end
 * anywhere in the brackets: the same error at the same place. */
START_TEST(scan_skip_limits_depth_in_any_window)
{
    tfa_buf doc;
    size_t w;
    int i;

    tfa_buf_init(&doc, TFA_BUF_NO_MAX);
    tfa_buf_puts(&doc, "{\"deep\": ");
    for (i = 0; i < TFA_LIMIT_JSON_DEPTH + 4; i++)
        tfa_buf_puts(&doc, i % 2 ? "[" : "{\"k\": ");
    ck_assert_int_eq(tfa_buf_status(&doc), 0);
    for (w = 16; w <= 48; w++)
        skip_like_next_window(doc.ptr, doc.len, w);
    skip_like_next(doc.ptr, doc.len);
    tfa_buf_release(&doc);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scan_skip");
    TCase *tc = tcase_create("scan_skip");
    tcase_add_test(tc, scan_skip_agrees_with_next);
    tcase_add_test(tc, scan_skip_agrees_with_next_across_windows);
    tcase_add_test(tc, scan_skip_agrees_with_next_in_any_window);
    tcase_add_test(tc, scan_skip_limits_depth_in_any_window);
    tcase_add_test(tc, scan_skim_agrees_with_next);
    tcase_add_test(tc, scan_skim_agrees_at_every_block_offset);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
