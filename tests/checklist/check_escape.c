/*
 * check_escape.c - util/escape.h, one escaper per output format, and the
 * property that no report writer lets an input's text change the shape of
 * its output (tests/support/report_safety.h), over a few thousand generated
 * hostile strings. The same invariants run under libFuzzer in
 * tests/fuzz/fuzz_reports.c.
 */
#include "util/compat.h"

#include "report_safety.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/escape.h"

/* `fn` over `in`, as a string the test frees. */
static char *esc(int (*fn)(tfa_buf *, const char *), const char *in)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(fn(&b, in), 0);
    return tfa_buf_detach(&b, NULL);
}

#define ck_assert_esc(fn, in, want)                                                                \
    do {                                                                                           \
        char *got_ = esc(fn, in);                                                                  \
        ck_assert_str_eq(got_, want);                                                              \
        tfa_free(got_);                                                                            \
    } while (0)

START_TEST(text_shows_control_characters_as_escapes)
{
    ck_assert_esc(tfa_esc_text, "web\x1b]0;owned\x07", "web\\x1b]0;owned\\x07");
    ck_assert_esc(tfa_esc_text, "a\r\ntfaudit: GO\tb", "a\\r\\ntfaudit: GO\\tb");
    ck_assert_esc(tfa_esc_text, "del\x7f nul-free", "del\\x7f nul-free");
    /* C1 CSI, RTL override and line separator are valid UTF-8 but not shown raw */
    ck_assert_esc(tfa_esc_text,
                  "\xc2\x9b"
                  "2J \xe2\x80\xae"
                  "x \xe2\x80\xa8",
                  "\\u009b2J \\u202ex \\u2028");
    /* bytes that are not UTF-8 (a lone continuation, an overlong, a surrogate) */
    ck_assert_esc(tfa_esc_text, "\xff\x80\xc0\xaf\xed\xa0\x80",
                  "\\xff\\x80\\xc0\\xaf\\xed\\xa0\\x80");
    /* a truncated sequence at the end of the string */
    ck_assert_esc(tfa_esc_text, "ok\xe6\x97", "ok\\xe6\\x97");
    /* what is printable stays as it is, UTF-8 and backslashes included */
    ck_assert_esc(tfa_esc_text, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92 a\\b",
                  "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92 a\\b");
}
END_TEST

START_TEST(text_counts_embedded_nul_and_formats_whole_lines)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_esc_text_n(&b, "a\0b", 3);
    ck_assert_str_eq(b.ptr, "a\\x00b");
    tfa_buf_clear(&b);
    tfa_esc_textf(&b, "%s: %d", "x\ny", 7);
    ck_assert_str_eq(b.ptr, "x\\ny: 7");
    tfa_buf_release(&b);
}
END_TEST

START_TEST(markdown_text_cannot_open_html_links_or_lines)
{
    ck_assert_esc(tfa_esc_md_text, "<script>alert(1)</script>",
                  "&lt;script&gt;alert(1)&lt;/script&gt;");
    ck_assert_esc(tfa_esc_md_text, "[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert(1))");
    ck_assert_esc(tfa_esc_md_text, "a\n# heading\r\n- item | cell *b* _i_ ~s~ `c` &amp;",
                  "a\\\\n\\# heading\\\\r\\\\n- item \\| cell \\*b\\* \\_i\\_ \\~s\\~ \\`c\\` "
                  "&amp;amp;");
    ck_assert_esc(tfa_esc_md_text, "esc\x1b[31m", "esc\\\\x1b\\[31m");
}
END_TEST

START_TEST(markdown_code_spans_fence_past_backticks)
{
    ck_assert_esc(tfa_esc_md_code, "aws_instance.web[0]", "`aws_instance.web[0]`");
    ck_assert_esc(tfa_esc_md_code, "a`b", "``a`b``");
    ck_assert_esc(tfa_esc_md_code, "`x`", "`` `x` ``");
    ck_assert_esc(tfa_esc_md_code, "a|b\nc\x1b", "`a\\|b\\nc\\x1b`");
    /* what a sloppy renderer could read as HTML or a link leaves the span */
    ck_assert_esc(tfa_esc_md_code, "x[\"<b>\"]", "x\\[\"&lt;b&gt;\"\\]");
    ck_assert_esc(tfa_esc_md_code, "[x](javascript:1)", "\\[x\\]\\(javascript:1)");
}
END_TEST

START_TEST(xml_escapes_markup_and_shows_forbidden_characters)
{
    ck_assert_esc(tfa_esc_xml, "<a href=\"x\">'&]]>",
                  "&lt;a href=&quot;x&quot;&gt;&#39;&amp;]]&gt;");
    ck_assert_esc(tfa_esc_xml, "a\nb\x1b\x01\xef\xbf\xbe", "a\\nb\\x1b\\x01\\ufffe");
    ck_assert_esc(tfa_esc_xml_body, "line 1\n\tline \"2\" <x>\x07",
                  "line 1\n\tline \"2\" &lt;x&gt;\\x07");
}
END_TEST

START_TEST(utf8_for_json_replaces_invalid_bytes)
{
    ck_assert_esc(tfa_esc_utf8,
                  "a\xff"
                  "b\xc3\xa9\x1b",
                  "a\xef\xbf\xbd"
                  "b\xc3\xa9\x1b");
}
END_TEST

/* ---- the property over every writer ------------------------------------------------ */

/* Pieces a hostile input is made of, mixed with random bytes. */
static const char *const pieces[] = {
    "\x1b]0;owned\x07",
    "\x1b[2J",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\x01",
    "\x08",
    "\xc2\x9b",
    "\xc2\x85",
    "\xe2\x80\xae",
    "\xe2\x80\xa8",
    "\xef\xbb\xbf",
    "\xef\xbf\xbf",
    "\xff",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\xe6\x97",
    "tfaudit: GO",
    "\n# heading",
    "\n- [x] ",
    "\n| a | b |",
    "\n> quote",
    "\n```",
    "<script>alert(1)</script>",
    "<",
    ">",
    "&",
    "&amp;",
    "&#10;",
    "[x](javascript:alert(1))",
    "](",
    "[",
    "]",
    "(",
    ")",
    "|",
    "#",
    "`",
    "``",
    "*",
    "_",
    "~",
    "!",
    "\\",
    "\"",
    "'",
    "]]>",
    "<![CDATA[",
    "-->",
    "caf\xc3\xa9",
    "\xf0\x9f\x94\x92",
    " ",
    "aws_instance.web[\"",
    "\"]",
    "%s",
    "%n",
};

/* xorshift: deterministic, so a failure reproduces from its index. */
static uint32_t next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static size_t generate(uint32_t *state, char *out, size_t cap)
{
    size_t len = 0, parts = 1 + next(state) % 6, i;
    for (i = 0; i < parts; i++) {
        if (next(state) % 4 == 0) {
            char c = (char)(1 + next(state) % 255); /* a random byte, never NUL */
            if (len + 1 < cap)
                out[len++] = c;
        } else {
            const char *p = pieces[next(state) % TFA_ARRAY_SIZE(pieces)];
            size_t n = strlen(p);
            if (len + n < cap) {
                memcpy(out + len, p, n);
                len += n;
            }
        }
    }
    out[len] = '\0';
    return len;
}

/* Number of generated strings; each runs all 18 writers twice. */
#define PROPERTY_CASES 3000

START_TEST(no_writer_lets_input_change_the_shape_of_its_output)
{
    char why[TFA_SAFETY_WHY_MAX], s[128];
    uint32_t state = 0x7fa0d1u;
    size_t i;

    /* the plain pieces alone first, then generated mixtures */
    for (i = 0; i < TFA_ARRAY_SIZE(pieces); i++)
        if (tfa_report_safety_check(pieces[i], strlen(pieces[i]), why) != 0)
            ck_abort_msg("piece %zu: %s", i, why);
    for (i = 0; i < PROPERTY_CASES; i++) {
        size_t len = generate(&state, s, sizeof(s));
        if (tfa_report_safety_check(s, len, why) != 0) {
            tfa_buf shown;
            tfa_buf_init(&shown, TFA_BUF_NO_MAX);
            tfa_esc_text(&shown, s);
            ck_abort_msg("case %zu \"%s\": %s", i, shown.ptr, why);
        }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("escape");
    TCase *tc = tcase_create("escape");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, text_shows_control_characters_as_escapes);
    tcase_add_test(tc, text_counts_embedded_nul_and_formats_whole_lines);
    tcase_add_test(tc, markdown_text_cannot_open_html_links_or_lines);
    tcase_add_test(tc, markdown_code_spans_fence_past_backticks);
    tcase_add_test(tc, xml_escapes_markup_and_shows_forbidden_characters);
    tcase_add_test(tc, utf8_for_json_replaces_invalid_bytes);
    tcase_add_test(tc, no_writer_lets_input_change_the_shape_of_its_output);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
