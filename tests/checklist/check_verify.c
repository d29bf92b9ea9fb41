/*
 * check_verify.c - apply verification edge cases: create-before-destroy
 * replaces, resources that start and never finish, import-only changes,
 * applies without a plan side, and forgotten resources.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "verify.h"

#define V                                                                                          \
    "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.5\",\"type\":\"version\","                  \
    "\"terraform\":\"1.9.5\",\"ui\":\"1.2\"}\n"
#define RES(a)                                                                                     \
    "{\"addr\":\"" a "\",\"module\":\"\",\"resource\":\"" a "\","                                  \
    "\"implied_provider\":\"aws\",\"resource_type\":\"aws_instance\","                             \
    "\"resource_name\":\"x\",\"resource_key\":null}"
#define HOOK(type, a, action)                                                                      \
    "{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"" type                                     \
    "\",\"hook\":{\"resource\":" RES(a) ",\"action\":\"" action "\",\"elapsed_seconds\":1}}\n"

static void load(tfa_run *run, const char *name, const char *doc)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, name, doc, strlen(doc), &err), &err);
    ck_assert_tfa_ok(tfa_run_load_stream(run, in, &lo, &err), &err);
    tfa_stream_free(in);
}

static tfa_verify_result *verify(const char *plan, const char *apply)
{
    tfa_verify_result *v = NULL;
    tfa_run *run = NULL;
    ck_assert_int_eq(tfa_run_new(&run), 0);
    if (plan)
        load(run, "plan.json", plan);
    load(run, "apply.log", apply);
    ck_assert_int_eq(tfa_verify_apply(run, &v), 0);
    /* items borrow their addresses from the run: these tests look only at
     * kinds and counts once it is gone */
    tfa_run_free(run);
    return v;
}

static const char *plan_of(const char *actions, const char *importing)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_instance.x\","
             "\"mode\":\"managed\",\"type\":\"aws_instance\",\"name\":\"x\",\"change\":{"
             "\"actions\":%s,\"before\":null,\"after\":null%s}}]}",
             actions, importing ? importing : "");
    return buf;
}

START_TEST(verify_create_before_destroy_is_a_replace)
{
    tfa_verify_result *v = verify(plan_of("[\"create\",\"delete\"]", NULL),
                                  V HOOK("apply_start", "aws_instance.x", "create")
                                      HOOK("apply_complete", "aws_instance.x", "create")
                                          HOOK("apply_start", "aws_instance.x", "delete")
                                              HOOK("apply_complete", "aws_instance.x", "delete"));
    ck_assert(v->has_plan && v->has_apply);
    ck_assert_uint_eq(v->n_items, 0);
    ck_assert(v->matches);
    tfa_verify_result_free(v);
}
END_TEST

START_TEST(verify_reports_resources_that_never_finished)
{
    tfa_verify_result *v =
        verify(plan_of("[\"update\"]", NULL), V HOOK("apply_start", "aws_instance.x", "update"));
    ck_assert_uint_eq(v->n_items, 1);
    ck_assert_int_eq(v->items[0].kind, TFA_VERIFY_INCOMPLETE);
    ck_assert_uint_eq(v->count[TFA_VERIFY_INCOMPLETE], 1);
    ck_assert(!v->matches);
    tfa_verify_result_free(v);
}
END_TEST

START_TEST(verify_import_only_changes_need_no_apply_event)
{
    tfa_verify_result *v = verify(plan_of("[\"no-op\"]", ",\"importing\":{\"id\":\"i-1\"}"),
                                  V "{\"@level\":\"info\",\"@message\":\"Apply complete! "
                                    "Resources: 1 imported, 0 added, 0 changed, 0 destroyed.\","
                                    "\"type\":\"change_summary\",\"changes\":{\"add\":0,"
                                    "\"change\":0,\"import\":1,\"remove\":0,\"operation\":"
                                    "\"apply\"}}\n");
    ck_assert_uint_eq(v->n_items, 0);
    ck_assert(v->counts_compared && v->counts_match);
    ck_assert(v->matches);
    tfa_verify_result_free(v);
}
END_TEST

START_TEST(verify_without_a_plan_side_never_matches)
{
    tfa_verify_result *v = verify(NULL, V HOOK("apply_start", "aws_instance.x", "create")
                                            HOOK("apply_complete", "aws_instance.x", "create"));
    ck_assert(!v->has_plan);
    ck_assert(v->has_apply);
    ck_assert(!v->matches);
    tfa_verify_result_free(v);
}
END_TEST

START_TEST(verify_forget_needs_no_apply_event)
{
    tfa_verify_result *v = verify(plan_of("[\"forget\"]", NULL),
                                  V "{\"@level\":\"info\",\"@message\":\"Apply complete!\","
                                    "\"type\":\"change_summary\",\"changes\":{\"add\":0,"
                                    "\"change\":0,\"remove\":0,\"forget\":1,\"operation\":"
                                    "\"apply\"}}\n");
    ck_assert_uint_eq(v->n_items, 0);
    ck_assert(v->matches);
    tfa_verify_result_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("verify");
    tcase_add_test(tc, verify_create_before_destroy_is_a_replace);
    tcase_add_test(tc, verify_reports_resources_that_never_finished);
    tcase_add_test(tc, verify_import_only_changes_need_no_apply_event);
    tcase_add_test(tc, verify_without_a_plan_side_never_matches);
    tcase_add_test(tc, verify_forget_needs_no_apply_event);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
