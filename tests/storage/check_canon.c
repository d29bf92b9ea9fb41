/*
 * check_canon.c - canonical JSON (storage/canon.h), the definition the
 * ledger's hashes rest on (its timestamps: tests/util/check_utc.c).
 */
#include "util/compat.h"

#include <jansson.h>

#include "canon.h"
#include "testsupport.h"
#include "util/buf.h"

/* Canonical form of a JSON text (parsed with NULs allowed). */
static char *canon_of(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    tfa_buf b;
    tfa_error err;

    ck_assert_msg(v != NULL, "'%s': %s", text, jerr.text);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_canon_json(&b, v, &err), &err);
    json_decref(v);
    return tfa_buf_detach(&b, NULL);
}

static const struct {
    const char *in, *want;
} cases[] = {
    {"{\"b\": 1, \"a\": [true, false, null], \"A\": {}}",
     "{\"A\":{},\"a\":[true,false,null],\"b\":1}"},
    {"{\"ab\": 1, \"a\": 2, \"b\": 3, \"\": 4}", "{\"\":4,\"a\":2,\"ab\":1,\"b\":3}"},
    /* keys sort by UTF-8 bytes: 'Z' (5a) < 'a' (61) < 'é' (c3 a9) < '€' (e2 82 ac) */
    {"{\"\\u20ac\": 1, \"\\u00e9\": 2, \"a\": 3, \"Z\": 4}",
     "{\"Z\":4,\"a\":3,\"\xc3\xa9\":2,\"\xe2\x82\xac\":1}"},
    {"[\"tab\\there\", \"q\\\"b\\\\s\", \"\\u0001\\u001f\\u007f/\", \"nl\\n\\r\\b\\f\"]",
     "[\"tab\\there\",\"q\\\"b\\\\s\",\"\\u0001\\u001f\x7f/\",\"nl\\n\\r\\b\\f\"]"},
    {"[\"nul\\u0000in\"]", "[\"nul\\u0000in\"]"},
    {"[0, -1, 9223372036854775807, -9223372036854775808]",
     "[0,-1,9223372036854775807,-9223372036854775808]"},
    {"[1.5, 2.0, 0.1, -0.0, 1e300, 1e-7]",
     "[1.5,2.0,0.10000000000000001,-0.0,1.0000000000000001e+300,9.9999999999999995e-08]"},
    {"\"x\"", "\"x\""},
    {"{\"o\": {\"z\": [], \"y\": {\"b\": null, \"a\": \"\"}}}",
     "{\"o\":{\"y\":{\"a\":\"\",\"b\":null},\"z\":[]}}"},
};

START_TEST(canon_writes_the_documented_form)
{
    char *got = canon_of(cases[_i].in);
    ck_assert_str_eq(got, cases[_i].want);
    free(got);
}
END_TEST

START_TEST(canon_is_a_fixed_point)
{
    char *once = canon_of(cases[_i].in), *twice = canon_of(once);
    ck_assert_str_eq(once, twice);
    free(once);
    free(twice);
}
END_TEST

START_TEST(canon_refuses_nesting_past_the_limit)
{
    json_t *root = json_array(), *v = root;
    tfa_buf b;
    tfa_error err;
    int i;

    for (i = 0; i < 600; i++) {
        json_t *inner = json_array();
        json_array_append_new(v, inner);
        v = inner;
    }
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_canon_json(&b, root, &err), TFA_ELIMIT);
    ck_assert_str_eq(err.message, "json nesting deeper than 512");
    tfa_buf_release(&b);
    json_decref(root);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("canon");
    TCase *tc = tcase_create("canon");
    tcase_add_loop_test(tc, canon_writes_the_documented_form, 0, (int)TFA_ARRAY_SIZE(cases));
    tcase_add_loop_test(tc, canon_is_a_fixed_point, 0, (int)TFA_ARRAY_SIZE(cases));
    tcase_add_test(tc, canon_refuses_nesting_past_the_limit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
