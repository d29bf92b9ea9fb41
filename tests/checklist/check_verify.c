/*
 * check_verify.c - apply verification edge cases: create-before-destroy
 * replaces, resources that start and never finish, import-only changes,
 * applies without a plan side, and forgotten resources.
 */
#include "util/compat.h"

#include "facts_catalog.h"
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

#define APPLIED(add, change, remove)                                                               \
    "{\"@level\":\"info\",\"@message\":\"Apply complete!\",\"type\":\"change_summary\","           \
    "\"changes\":{\"add\":" #add ",\"change\":" #change ",\"remove\":" #remove                     \
    ",\"operation\":\"apply\"}}\n"
#define SAVE_FAILED                                                                                \
    "{\"@level\":\"error\",\"@message\":\"Error: Failed to save state\",\"type\":\"diagnostic\","  \
    "\"diagnostic\":{\"severity\":\"error\",\"summary\":\"Failed to save state\","                 \
    "\"detail\":\"Error saving state: 403 Forbidden\"}}\n"

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

/* A plan of one change to aws_instance.x, with the values Terraform writes
 * for its actions: no prior object for a create, no planned one for a
 * removal. */
static const char *plan_of(const char *actions, const char *importing)
{
    static char buf[1024];
    const int create = strcmp(actions, "[\"create\"]") == 0;
    const int removal =
        strcmp(actions, "[\"delete\"]") == 0 || strcmp(actions, "[\"forget\"]") == 0;
    snprintf(buf, sizeof(buf),
             "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_instance.x\","
             "\"mode\":\"managed\",\"type\":\"aws_instance\",\"name\":\"x\",\"change\":{"
             "\"actions\":%s,\"before\":%s,\"after\":%s%s}}]}",
             actions, create ? "null" : "{\"id\":\"i-1\"}", removal ? "null" : "{\"id\":\"i-1\"}",
             importing ? importing : "");
    return buf;
}

START_TEST(verify_create_before_destroy_is_a_replace)
{
    tfa_verify_result *v =
        verify(plan_of("[\"create\",\"delete\"]", NULL),
               V HOOK("apply_start", "aws_instance.x", "create")
                   HOOK("apply_complete", "aws_instance.x", "create")
                       HOOK("apply_start", "aws_instance.x", "delete")
                           HOOK("apply_complete", "aws_instance.x", "delete") APPLIED(1, 0, 1));
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

/* Issue 14, observation 3: every resource completes, then the state save
 * fails. Terraform prints no apply summary; the apply failed. */
static const char *const text_plan = "  # aws_instance.x will be updated in-place\n"
                                     "  ~ resource \"aws_instance\" \"x\" {\n"
                                     "      ~ ami = \"a\" -> \"b\"\n"
                                     "    }\n"
                                     "\n"
                                     "Plan: 0 to add, 1 to change, 0 to destroy.\n";
static const char *const text_applied = "aws_instance.x: Modifying... [id=i-1]\n"
                                        "aws_instance.x: Modifications complete after 1s "
                                        "[id=i-1]\n";

static void assert_failed_save(tfa_verify_result *v)
{
    ck_assert_uint_eq(v->n_items, 0);
    ck_assert_int_eq(v->outcome, TFA_OUTCOME_FAILED);
    ck_assert(!v->finished);
    ck_assert(!v->matches);
    ck_assert_uint_eq(v->n_problems, 1);
    ck_assert_msg(strstr(v->problems[0], "error after the last resource: Failed to save state"),
                  "%s", v->problems[0]);
    tfa_verify_result_free(v);
}

START_TEST(verify_json_error_after_the_last_resource_is_a_failed_apply)
{
    assert_failed_save(verify(plan_of("[\"update\"]", NULL),
                              V HOOK("apply_start", "aws_instance.x", "update")
                                  HOOK("apply_complete", "aws_instance.x", "update") SAVE_FAILED));
}
END_TEST

START_TEST(verify_text_error_after_the_last_resource_is_a_failed_apply)
{
    char apply[1024];
    snprintf(apply, sizeof(apply), "%s%s\nError: Failed to save state\n\nError saving state: 403\n",
             text_plan, text_applied);
    assert_failed_save(verify(plan_of("[\"update\"]", NULL), apply));
}
END_TEST

/* Mutations of a finished apply log that must never leave it matching. */
START_TEST(verify_mutations_of_a_finished_apply_never_match)
{
    char log[2048];
    tfa_verify_result *v;

    /* the unmutated logs match */
    v = verify(plan_of("[\"update\"]", NULL),
               V HOOK("apply_start", "aws_instance.x", "update")
                   HOOK("apply_complete", "aws_instance.x", "update") APPLIED(0, 1, 0));
    ck_assert(v->matches && v->finished);
    tfa_verify_result_free(v);
    snprintf(log, sizeof(log),
             "%s%s\nApply complete! Resources: 0 added, 1 changed, 0 destroyed.\n", text_plan,
             text_applied);
    v = verify(plan_of("[\"update\"]", NULL), log);
    ck_assert(v->matches && v->finished);
    tfa_verify_result_free(v);

    /* cut before the summary: not known */
    v = verify(plan_of("[\"update\"]", NULL),
               V HOOK("apply_start", "aws_instance.x", "update")
                   HOOK("apply_complete", "aws_instance.x", "update"));
    ck_assert_int_eq(v->outcome, TFA_OUTCOME_UNFINISHED);
    ck_assert(!v->matches);
    ck_assert(strstr(v->problems[0], "apply log has no final summary"));
    tfa_verify_result_free(v);
    snprintf(log, sizeof(log), "%s%s", text_plan, text_applied);
    v = verify(plan_of("[\"update\"]", NULL), log);
    ck_assert_int_eq(v->outcome, TFA_OUTCOME_UNFINISHED);
    ck_assert(!v->matches);
    tfa_verify_result_free(v);

    /* the last line cut in the middle of the summary */
    v = verify(plan_of("[\"update\"]", NULL), V HOOK("apply_start", "aws_instance.x", "update")
                                                  HOOK("apply_complete", "aws_instance.x",
                                                       "update") "{\"@level\":\"info\",\"type");
    ck_assert_int_eq(v->outcome, TFA_OUTCOME_UNFINISHED);
    ck_assert(!v->matches);
    tfa_verify_result_free(v);

    /* an error appended after the summary */
    v = verify(plan_of("[\"update\"]", NULL),
               V HOOK("apply_start", "aws_instance.x", "update")
                   HOOK("apply_complete", "aws_instance.x", "update") APPLIED(0, 1, 0) SAVE_FAILED);
    ck_assert_int_eq(v->outcome, TFA_OUTCOME_FAILED);
    ck_assert(!v->matches);
    tfa_verify_result_free(v);
    snprintf(log, sizeof(log),
             "%s%s\nApply complete! Resources: 0 added, 1 changed, 0 destroyed.\n"
             "\nError: Failed to save state\n",
             text_plan, text_applied);
    v = verify(plan_of("[\"update\"]", NULL), log);
    ck_assert_int_eq(v->outcome, TFA_OUTCOME_FAILED);
    ck_assert(!v->matches);
    tfa_verify_result_free(v);

    /* a resource event after the summary: a second run that did not finish */
    v = verify(plan_of("[\"update\"]", NULL),
               V HOOK("apply_start", "aws_instance.x", "update")
                   HOOK("apply_complete", "aws_instance.x", "update") APPLIED(0, 1, 0)
                       HOOK("apply_start", "aws_instance.x", "update"));
    ck_assert(!v->matches);
    ck_assert(!v->finished);
    tfa_verify_result_free(v);
}
END_TEST

static tfa_run *load_files(const char *a, const char *b)
{
    const char *paths[] = {a, b};
    tfa_run *run = NULL;
    size_t i, len;

    ck_assert_int_eq(tfa_run_new(&run), 0);
    for (i = 0; i < 2; i++) {
        char *doc = tfa_test_read_file(paths[i], &len);
        ck_assert_msg(doc != NULL, "cannot read %s", paths[i]);
        load(run, paths[i], doc);
        free(doc);
    }
    return run;
}

/* `facts` must never say "no apply log" about an apply it judges. */
START_TEST(verify_facts_never_contradict_themselves)
{
    static const char *const logs[] = {"fixtures/verify/apply-save-failed.log",
                                       "fixtures/verify/apply-save-failed.txt"};
    tfa_run *run = load_files("fixtures/verify/plan.json", logs[_i]);
    const char *why = NULL;
    tfa_fact_source src;
    tfa_value v;
    size_t i;

    ck_assert_int_eq(tfa_fact_source_init(&src, run, NULL), 0);

    for (i = 0; i < tfa_fact_count(); i++) {
        const tfa_fact *f = tfa_fact_at(i);
        if (strncmp(tfa_fact_name(f), "apply.", 6) != 0 || tfa_fact_value(f, &src, &v, &why))
            continue;
        ck_assert_msg(strstr(why, "no apply log") == NULL, "%s: %s, for %s", tfa_fact_name(f), why,
                      logs[_i]);
    }
    ck_assert(tfa_fact_value(tfa_fact_find("apply.errors", 12), &src, &v, &why));
    ck_assert(v.type == TFA_V_NUM && v.n == 2);
    ck_assert(tfa_fact_value(tfa_fact_find("apply.matches_plan", 18), &src, &v, &why));
    ck_assert(v.type == TFA_V_BOOL && !v.b);
    ck_assert(tfa_fact_value(tfa_fact_find("apply.finished", 14), &src, &v, &why));
    ck_assert(v.type == TFA_V_BOOL && !v.b);
    tfa_run_free(run);
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
    tcase_add_test(tc, verify_json_error_after_the_last_resource_is_a_failed_apply);
    tcase_add_test(tc, verify_text_error_after_the_last_resource_is_a_failed_apply);
    tcase_add_test(tc, verify_mutations_of_a_finished_apply_never_match);
    tcase_add_loop_test(tc, verify_facts_never_contradict_themselves, 0, 2);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
