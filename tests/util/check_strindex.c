/*
 * check_strindex.c - names to positions (util/strindex.h): every name put
 * is found with its value, through growth; absent names are not; equal
 * keys replace; a failed growth leaves the index as it was.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "util/alloc.h"
#include "util/strindex.h"

START_TEST(strindex_finds_what_was_put)
{
    static char names[5000][16];
    tfa_strindex ix = TFA_STRINDEX_INIT;
    size_t i, v;

    ck_assert_int_eq(tfa_strindex_find(&ix, "ws-1", &v), 0); /* empty: no table yet */
    for (i = 0; i < 5000; i++) {
        snprintf(names[i], sizeof(names[i]), "ws-%zu", i);
        ck_assert_int_eq(tfa_strindex_put(&ix, names[i], i), 0);
    }
    ck_assert_uint_eq(ix.count, 5000);
    ck_assert_uint_ge(ix.cap * 3, ix.count * 4);
    for (i = 0; i < 5000; i++) {
        char probe[16];
        snprintf(probe, sizeof(probe), "ws-%zu", i); /* another copy of the key */
        ck_assert_int_eq(tfa_strindex_find(&ix, probe, &v), 1);
        ck_assert_uint_eq(v, i);
    }
    ck_assert_int_eq(tfa_strindex_find(&ix, "ws-5000", &v), 0);
    ck_assert_int_eq(tfa_strindex_find(&ix, "", NULL), 0);
    ck_assert_int_eq(tfa_strindex_put(&ix, "ws-7", 42), 0); /* replaces */
    ck_assert_uint_eq(ix.count, 5000);
    ck_assert_int_eq(tfa_strindex_find(&ix, names[7], &v), 1);
    ck_assert_uint_eq(v, 42);
    tfa_strindex_release(&ix);
    ck_assert_int_eq(tfa_strindex_find(&ix, "ws-1", NULL), 0);
}
END_TEST

START_TEST(strindex_keeps_its_contents_when_growth_fails)
{
    static char names[48][8];
    tfa_strindex ix = TFA_STRINDEX_INIT;
    size_t i, v;

    for (i = 0; i < 48; i++) { /* 48 fill a 64-slot table to 3/4 */
        snprintf(names[i], sizeof(names[i]), "n%zu", i);
        ck_assert_int_eq(tfa_strindex_put(&ix, names[i], i), 0);
    }
    tfa_alloc_fail_after(1);
    ck_assert_int_eq(tfa_strindex_put(&ix, "one more", 48), TFA_ENOMEM);
    tfa_alloc_fail_after(0);
    ck_assert_uint_eq(ix.count, 48);
    for (i = 0; i < 48; i++) {
        ck_assert_int_eq(tfa_strindex_find(&ix, names[i], &v), 1);
        ck_assert_uint_eq(v, i);
    }
    ck_assert_int_eq(tfa_strindex_find(&ix, "one more", NULL), 0);
    tfa_strindex_release(&ix);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("strindex");
    TCase *tc = tcase_create("strindex");

    tcase_add_test(tc, strindex_finds_what_was_put);
    tcase_add_test(tc, strindex_keeps_its_contents_when_growth_fails);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
