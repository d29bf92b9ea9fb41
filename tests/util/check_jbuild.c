/*
 * check_jbuild.c - checked JSON building (util/jbuild.h): with any one
 * allocation failing (the later ones succeeding, so a builder that ignored
 * the failure would go on and return a document one member short), the
 * result is the whole document or NULL, never a document with a member
 * missing; and a NULL value or container counts as a failure.
 */
#include "util/compat.h"

#include "alloc_sweep.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/jbuild.h"

/* {"name": ..., "items": [{"path": ..., "n": i}...], "none": null} */
static json_t *build(void)
{
    json_t *o = json_object(), *items = json_array();
    int bad = 0, i;

    tfa_jbuild_set(o, "name", json_string("workspace"), &bad);
    for (i = 0; i < 4; i++)
        tfa_jbuild_append(items, json_pack("{s:s, s:i}", "path", "a/b", "n", i), &bad);
    tfa_jbuild_set(o, "items", items, &bad);
    tfa_jbuild_set(o, "none", json_null(), &bad);
    return tfa_jbuild_done(o, bad);
}

static int build_step(void *payload)
{
    return tfa_sweep_doc(build(), payload);
}

START_TEST(jbuild_document_is_whole_or_absent)
{
    json_t *full;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    full = build();
    ck_assert_ptr_nonnull(full);
    ck_assert_uint_eq(json_array_size(json_object_get(full, "items")), 4);
    /* every allocation the builder makes had its turn to fail */
    ck_assert_int_gt(tfa_alloc_sweep_alone("jbuild", build_step, full), 8);
    json_decref(full);
}
END_TEST

START_TEST(jbuild_null_values_and_containers_fail)
{
    json_t *o = json_object();
    int bad = 0;

    tfa_jbuild_set(o, "x", json_integer(1), &bad);
    ck_assert_int_eq(bad, 0);
    tfa_jbuild_set(o, "y", NULL, &bad); /* a value that could not be made */
    ck_assert_int_eq(bad, 1);
    ck_assert_ptr_null(tfa_jbuild_done(o, bad)); /* freed: ASan would see a leak */

    bad = 0;
    tfa_jbuild_append(NULL, json_string("taken over and freed"), &bad);
    ck_assert_int_eq(bad, 1);
    bad = 0;
    tfa_jbuild_set(NULL, "k", json_string("taken over and freed"), &bad);
    ck_assert_int_eq(bad, 1);
    ck_assert_ptr_null(tfa_jbuild_done(NULL, 0));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("jbuild");
    TCase *tc = tcase_create("jbuild");
    tcase_add_test(tc, jbuild_document_is_whole_or_absent);
    tcase_add_test(tc, jbuild_null_values_and_containers_fail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
