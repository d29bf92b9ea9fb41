/*
 * check_facts.c - the fact catalog: every row well-formed and usable in an
 * expression, and how facts combine over several inputs of each kind
 * (sums, agreement, tristates, missing values), on hand-built runs shaped
 * like what the log and state readers produce.
 */
#include "util/compat.h"

#include "expr.h"
#include "report.h"
#include "runfix.h"

static tfa_value value_of(const tfa_run *run, const char *name, const char **why)
{
    const tfa_fact *f = tfa_fact_find(name, strlen(name));
    tfa_value v = tfa_value_null();
    static tfa_fact_source src; /* string values borrow from it: outlives the call */
    ck_assert_msg(f != NULL, "no fact '%s'", name);
    ck_assert_int_eq(tfa_fact_source_init(&src, run, NULL), 0);
    *why = NULL;
    if (!tfa_fact_value(f, &src, &v, why))
        v.type = TFA_V_ANY; /* marks "no value" for the assertions below */
    return v;
}

static void expect_num(const tfa_run *run, const char *name, double want)
{
    const char *why;
    tfa_value v = value_of(run, name, &why);
    ck_assert_msg(v.type == TFA_V_NUM && v.n == want, "%s: type %d value %g (%s), want %g", name,
                  v.type, v.n, why ? why : "", want);
}

static void expect_str(const tfa_run *run, const char *name, const char *want)
{
    const char *why;
    tfa_value v = value_of(run, name, &why);
    ck_assert_msg(v.type == TFA_V_STR && strcmp(v.s, want) == 0, "%s: (%s), want '%s'", name,
                  why ? why : "", want);
}

static void expect_bool(const tfa_run *run, const char *name, int want)
{
    const char *why;
    tfa_value v = value_of(run, name, &why);
    ck_assert_msg(v.type == TFA_V_BOOL && v.b == want, "%s: (%s), want %d", name, why ? why : "",
                  want);
}

static void expect_none(const tfa_run *run, const char *name, const char *why_want)
{
    const char *why;
    tfa_value v = value_of(run, name, &why);
    ck_assert_msg(v.type == TFA_V_ANY, "%s has a value", name);
    ck_assert_str_eq(why, why_want);
}

START_TEST(catalog_rows_are_unique_documented_and_usable)
{
    tfa_arena *arena = NULL;
    tfa_error err;
    size_t i, j;
    int c;
    char text[512];

    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    ck_assert_uint_ge(tfa_fact_count(), 80);
    for (i = 0; i < tfa_fact_count(); i++) {
        const tfa_fact *f = tfa_fact_at(i);
        const tfa_expr *e = NULL;
        ck_assert(strchr(tfa_fact_name(f), '.') != NULL);
        ck_assert(strlen(tfa_fact_doc(f)) > 5);
        ck_assert_ptr_eq(tfa_fact_find(tfa_fact_name(f), strlen(tfa_fact_name(f))), f);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(tfa_fact_name(tfa_fact_at(j)), tfa_fact_name(f));
        snprintf(text, sizeof(text), "%s == %s", tfa_fact_name(f), tfa_fact_name(f));
        tfa_error_init(&err);
        ck_assert_tfa_ok(tfa_expr_parse(&e, arena, text, strlen(text), "t", 1, 1, &err), &err);
    }
    for (c = 0; c < TFA_COLL_COUNT; c++) {
        ck_assert_int_eq(
            tfa_coll_find(tfa_coll_name((tfa_coll)c), strlen(tfa_coll_name((tfa_coll)c))), c);
        for (i = 0; i < tfa_field_count((tfa_coll)c); i++) {
            const tfa_field *f = tfa_field_at((tfa_coll)c, i);
            const tfa_expr *e = NULL;
            snprintf(text, sizeof(text), "any(%s where %s == %s)", tfa_coll_name((tfa_coll)c),
                     tfa_field_name(f), tfa_field_name(f));
            tfa_error_init(&err);
            ck_assert_tfa_ok(tfa_expr_parse(&e, arena, text, strlen(text), "t", 1, 1, &err), &err);
        }
    }
    tfa_arena_free(arena);
}
END_TEST

/* Two apply logs, a destroy log, a plan-only text log with a policy check
 * and a cost estimate, two states and two plans. */
static tfa_run *mixed_run(void)
{
    tfa_run *run = NULL;
    tfa_input *in;
    tfa_lock *lock;

    ck_assert_int_eq(tfa_run_new(&run), 0);
    in = rf_input(run, "a.json", TFA_KIND_UI_LOG);
    in->log.operation = "apply", in->log.has_counts = 1;
    in->log.counts.add = 3, in->log.errors = 1, in->log.apply_errors = 1, in->log.applied = 2;
    in->log.ui_version = "1.2";
    in = rf_input(run, "b.json", TFA_KIND_UI_LOG);
    in->log.operation = "apply", in->log.has_counts = 1;
    in->log.counts.add = 1, in->log.counts.destroy = 2, in->log.applied = 3, in->log.warnings = 2;
    in->log.ui_version = "1.2";
    in = rf_input(run, "plan.log", TFA_KIND_TEXT_LOG);
    in->log.operation = "plan", in->log.no_changes = 0, in->log.messages = 120;
    in->log.sentinel_result = TFA_FALSE;
    in->log.policies_evaluated = 3, in->log.policies_passed = 2, in->log.policies_failed = 1;
    in->log.policies_soft_failed = 1;
    in->log.has_cost = 1, in->log.cost_monthly = "$25.488/mo", in->log.cost_monthly_delta = "+$1.2";
    in->log.cost_resources = 4, in->log.cost_estimated = 3;
    in->log.truncated_tail = 1;
    in = rf_input(run, "s1.tfstate", TFA_KIND_STATE);
    in->state.lineage = "4f1c", in->state.serial = 5, in->state.state_version = 4;
    in->state.resources = 10, in->state.data_sources = 2, in->state.outputs = 1;
    in->tool_version = "1.9.5";
    in = rf_input(run, "s2.json", TFA_KIND_STATE);
    in->state.lineage = "4f1c", in->state.serial = 7;
    in->state.resources = 11;
    in->tool_version = "1.9.5";
    in = rf_input(run, "p1.json", TFA_KIND_PLAN);
    in->plan.applyable = TFA_TRUE, in->plan.errored = TFA_UNSET, in->plan.complete = TFA_TRUE;
    in->plan.timestamp = "2025-06-01T10:00:00Z", in->tool_version = "1.9.5";
    in = rf_input(run, "p2.json", TFA_KIND_PLAN);
    in->plan.applyable = TFA_FALSE, in->plan.errored = TFA_TRUE, in->plan.complete = TFA_UNSET;
    in->plan.timestamp = "2025-06-01T10:00:00Z", in->tool_version = "1.8.0";
    lock = tfa_run_push_lock(run);
    ck_assert_ptr_nonnull(lock);
    lock->input = 2, lock->event = TFA_LOCK_ERROR;
    lock = tfa_run_push_lock(run);
    ck_assert_ptr_nonnull(lock);
    lock->input = 2, lock->event = TFA_LOCK_ACQUIRING;
    ck_assert_int_eq(tfa_run_add_note(run, 2, NULL, "last line truncated"), 0);
    return run;
}

START_TEST(facts_combine_apply_logs)
{
    tfa_run *run = mixed_run();

    expect_num(run, "inputs.count", 7);
    expect_num(run, "inputs.ui_logs", 2);
    expect_num(run, "inputs.text_logs", 1);
    expect_num(run, "inputs.logs", 3);
    expect_str(run, "apply.operation", "apply");
    expect_num(run, "apply.add", 4);
    expect_num(run, "apply.destroy", 2);
    expect_num(run, "apply.errors", 1);
    expect_num(run, "apply.errored", 1);
    expect_num(run, "apply.applied", 5);
    expect_num(run, "apply.warnings", 2);
    expect_num(run, "apply.unfinished", 0);
    expect_str(run, "log.ui_version", "1.2");
    expect_none(run, "log.operation", "the inputs disagree");
    expect_num(run, "log.add", 4);
    expect_num(run, "log.messages", 120);
    expect_bool(run, "log.no_changes", 0);
    expect_bool(run, "log.truncated_tail", 1);
    expect_num(run, "run.lock_errors", 1);
    expect_num(run, "run.notes", 1);
    tfa_run_free(run);
}
END_TEST

START_TEST(facts_of_policy_cost_and_state)
{
    tfa_run *run = mixed_run();

    expect_bool(run, "policy.result", 0);
    expect_num(run, "policy.evaluated", 3);
    expect_num(run, "policy.failed", 1);
    expect_num(run, "policy.soft_failed", 1);
    expect_num(run, "policy.hard_failed", 0);
    expect_str(run, "cost.monthly", "$25.488/mo");
    expect_str(run, "cost.monthly_delta", "+$1.2");
    expect_num(run, "cost.estimated", 3);
    expect_str(run, "state.lineage", "4f1c");
    expect_none(run, "state.serial", "the inputs disagree");
    expect_num(run, "state.version", 4); /* the other state does not say */
    expect_num(run, "state.resources", 21);
    expect_str(run, "state.terraform_version", "1.9.5");
    tfa_run_free(run);
}
END_TEST

START_TEST(facts_combine_plans)
{
    tfa_run *run = mixed_run();

    expect_bool(run, "plan.applyable", 0); /* all must be applyable */
    expect_bool(run, "plan.errored", 1);   /* any errored */
    expect_bool(run, "plan.complete", 1);  /* the one that says */
    expect_str(run, "plan.timestamp", "2025-06-01T10:00:00Z");
    expect_none(run, "plan.terraform_version", "the inputs disagree");
    expect_none(run, "run.terraform_version", "the inputs disagree");
    expect_none(run, "plan.format_version", "not stated by the inputs");
    /* one of them errored: what its changes add up to is not known */
    expect_none(run, "plan.no_changes",
                "a plan errored (plan.errored), so it may not list every change");
    expect_none(run, "plan.destroy",
                "a plan errored (plan.errored), so it may not list every change");
    expect_none(
        run, "drift.count",
        "drift cannot be known: p2.json: the plan errored, so it may not list every change");
    tfa_run_free(run);
}
END_TEST

START_TEST(facts_say_why_they_have_no_value)
{
    tfa_run *run = NULL;
    tfa_input *in;

    ck_assert_int_eq(tfa_run_new(&run), 0);
    in = rf_input(run, "plan.log", TFA_KIND_TEXT_LOG);
    in->log.operation = "apply"; /* an apply log without a summary line */
    expect_none(run, "apply.add", "no change summary in the logs");
    expect_num(run, "apply.errors", 0);
    expect_none(run, "plan.add", "no plan among the inputs");
    expect_none(run, "state.resources", "no state among the inputs");
    expect_none(run, "policy.result", "no policy check among the inputs");
    expect_none(run, "cost.monthly", "no cost estimate among the inputs");
    expect_none(run, "log.ui_version", "no UI log among the inputs");
    expect_str(run, "log.operation", "apply");
    tfa_run_free(run);

    /* a plan change of an action this build does not know may add or
     * destroy anything: the counts it would enter have no value */
    ck_assert_int_eq(tfa_run_new(&run), 0);
    in = rf_input(run, "plan.json", TFA_KIND_PLAN);
    in->plan.actions[TFA_ACTION_UNKNOWN] = 1;
    expect_none(run, "plan.destroy",
                "a plan change has an action this build does not know (plan.actions.unknown)");
    expect_none(run, "plan.no_changes",
                "a plan change has an action this build does not know (plan.actions.unknown)");
    expect_num(run, "plan.actions.unknown", 1);
    tfa_run_free(run);
}
END_TEST

START_TEST(facts_without_inputs_of_a_kind)
{
    tfa_run *run = NULL;

    ck_assert_int_eq(tfa_run_new(&run), 0);
    rf_input(run, "s.json", TFA_KIND_STATE);
    expect_none(run, "drift.count", "no plan or log among the inputs");
    expect_none(run, "apply.errors", "no apply log among the inputs");
    expect_none(run, "log.errors", "no log among the inputs");
    expect_num(run, "inputs.plans", 0);
    expect_num(run, "diagnostics.errors", 0);
    expect_none(run, "state.serial", "not stated by the inputs");
    tfa_run_free(run);
}
END_TEST

START_TEST(fields_read_each_collection)
{
    tfa_run *run = rf_standard();
    static const unsigned char sens[] = {1, 0};
    static const char *const paths[] = {"secure_json_data_encoded", "url"};
    tfa_change *c;
    tfa_value v;
    tfa_buf b;

    c = rf_change(run, TFA_LIST_CHANGES, 0, "grafana_data_source.loki", NULL, "grafana_data_source",
                  "loki", RF_GRAFANA, TFA_ACTION_UPDATE);
    rf_changed(run, c, paths, 2, sens);
    v = tfa_field_value(tfa_field_find(TFA_COLL_CHANGES, "sensitive", 9), run, TFA_COLL_CHANGES, 4);
    ck_assert(v.type == TFA_V_BOOL && v.b == 1);
    v = tfa_field_value(tfa_field_find(TFA_COLL_CHANGES, "sensitive", 9), run, TFA_COLL_CHANGES, 0);
    ck_assert(v.type == TFA_V_BOOL && v.b == 0);
    v = tfa_field_value(tfa_field_find(TFA_COLL_CHANGES, "input", 5), run, TFA_COLL_CHANGES, 0);
    ck_assert_str_eq(v.s, "plan.json");
    v = tfa_field_value(tfa_field_find(TFA_COLL_APPLIED, "status", 6), run, TFA_COLL_APPLIED, 2);
    ck_assert_str_eq(v.s, "started");
    v = tfa_field_value(tfa_field_find(TFA_COLL_APPLIED, "elapsed", 7), run, TFA_COLL_APPLIED, 2);
    ck_assert_int_eq(v.type, TFA_V_NULL);
    v = tfa_field_value(tfa_field_find(TFA_COLL_DIAGNOSTICS, "line", 4), run, TFA_COLL_DIAGNOSTICS,
                        0);
    ck_assert_int_eq(v.type, TFA_V_NULL);
    v = tfa_field_value(tfa_field_find(TFA_COLL_INPUTS, "kind", 4), run, TFA_COLL_INPUTS, 1);
    ck_assert_str_eq(v.s, "ui-log");
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_coll_label(&b, run, TFA_COLL_INPUTS, 1), 0);
    ck_assert_str_eq(b.ptr, "apply.json");
    tfa_buf_clear(&b);
    ck_assert_int_eq(tfa_coll_label(&b, run, TFA_COLL_DIAGNOSTICS, 0), 0);
    ck_assert_str_eq(b.ptr, "grafana_folder.f (ui-log apply.json)");
    tfa_buf_release(&b);
    ck_assert_uint_eq(tfa_coll_size(run, TFA_COLL_APPLIED), 3);
    tfa_run_free(run);
}
END_TEST

START_TEST(facts_report_lists_values)
{
    tfa_run *run = rf_standard();
    json_t *j = tfa_report_facts_json(run, NULL), *f;
    tfa_buf b;
    size_t i;
    int seen = 0;

    ck_assert_ptr_nonnull(j);
    json_array_foreach(json_object_get(j, "facts"), i, f)
    {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (strcmp(name, "plan.add") == 0) {
            ck_assert_int_eq(json_integer_value(json_object_get(f, "value")), 2);
            ck_assert(json_is_null(json_object_get(f, "missing")));
            seen++;
        }
        if (strcmp(name, "state.serial") == 0) {
            ck_assert(json_is_null(json_object_get(f, "value")));
            ck_assert_str_eq(json_string_value(json_object_get(f, "missing")),
                             "no state among the inputs");
            seen++;
        }
    }
    ck_assert_int_eq(seen, 2);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "collections")), TFA_COLL_COUNT);
    json_decref(j);

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_report_facts_text(&b, run, NULL), 0);
    ck_assert(strstr(b.ptr, "\n  plan.add                  number   2 "));
    ck_assert(strstr(b.ptr, "(no value: no state among the inputs)\n"));
    ck_assert(strstr(b.ptr, "\n  changes: planned resource changes: plan JSON, -json logs "
                            "(planned_change), text logs (\"will be\" blocks); one per resource "
                            "and action, from the most exact input [4]\n    proven by: plan; "
                            "ui-log or text-log showing a plan\n"));
    ck_assert(strstr(b.ptr, "\n  plan:\n    collections: changes, drift, deferred, inputs\n"));
    tfa_buf_release(&b);
    tfa_run_free(run);
}
END_TEST

/* One change model (issue 14): the same run given as plan JSON, a -json log
 * and a text log counts each resource once, from the most exact input;
 * records that disagree are all kept; a log that shows no plan fills
 * nothing, and drift from plans and logs is merged the same way. */
START_TEST(change_model_merges_inputs_without_double_counting)
{
    tfa_run *run = NULL;
    tfa_input *in;
    tfa_value v;
    char why[512];

    ck_assert_int_eq(tfa_run_new(&run), 0);
    rf_input(run, "plan.json", TFA_KIND_PLAN)->format_version = "1.2";
    rf_change(run, TFA_LIST_CHANGES, 0, "aws_db.main", NULL, "aws_db", "main", RF_AWS,
              TFA_ACTION_DELETE);
    rf_change(run, TFA_LIST_CHANGES, 0, "aws_s3.logs", NULL, "aws_s3", "logs", RF_AWS,
              TFA_ACTION_NOOP);
    rf_change(run, TFA_LIST_DRIFT, 0, "aws_s3.logs", NULL, "aws_s3", "logs", RF_AWS,
              TFA_ACTION_UPDATE);
    in = rf_input(run, "plan.log", TFA_KIND_TEXT_LOG);
    in->log.planned = 3;
    in->log.drift = 1;
    /* the text log says the same about aws_db.main (merged), and claims an
     * update of aws_s3.logs the plan calls a no-op (kept: they disagree) */
    rf_change(run, TFA_LIST_PLANNED, 1, "aws_db.main", NULL, "aws_db", "main", RF_AWS,
              TFA_ACTION_DELETE);
    rf_change(run, TFA_LIST_PLANNED, 1, "aws_s3.logs", NULL, "aws_s3", "logs", RF_AWS,
              TFA_ACTION_UPDATE);
    rf_change(run, TFA_LIST_PLANNED, 1, "aws_iam.ci", NULL, "aws_iam", "ci", RF_AWS,
              TFA_ACTION_CREATE);
    rf_change(run, TFA_LIST_DRIFT, 1, "aws_s3.logs", NULL, "aws_s3", "logs", RF_AWS,
              TFA_ACTION_UPDATE);

    ck_assert_uint_eq(tfa_coll_size(run, TFA_COLL_CHANGES), 4);
    ck_assert_uint_eq(tfa_run_view_merged(run, TFA_VIEW_CHANGES), 1);
    v = tfa_field_value(tfa_field_find(TFA_COLL_CHANGES, "source", 6), run, TFA_COLL_CHANGES, 0);
    ck_assert_str_eq(v.s, "plan");
    v = tfa_field_value(tfa_field_find(TFA_COLL_CHANGES, "source", 6), run, TFA_COLL_CHANGES, 3);
    ck_assert_str_eq(v.s, "text-log");
    ck_assert_uint_eq(tfa_coll_size(run, TFA_COLL_DRIFT), 1);
    expect_num(run, "drift.count", 1);
    ck_assert_uint_eq(tfa_coll_size(run, TFA_COLL_PLANNED), 3);
    ck_assert(tfa_coll_proven(run, TFA_COLL_CHANGES, why, sizeof(why)));
    ck_assert(!tfa_coll_proven(run, TFA_COLL_APPLIED, why, sizeof(why)));
    ck_assert_str_eq(why, "no input provides applied (plan.log is no apply or destroy log): give "
                          "the apply's -json or text log");
    tfa_run_free(run);

    /* a text plan whose summary its blocks do not add up to proves nothing */
    ck_assert_int_eq(tfa_run_new(&run), 0);
    in = rf_input(run, "plan.log", TFA_KIND_TEXT_LOG);
    in->log.operation = "plan", in->log.has_counts = 1, in->log.counts.destroy = 5;
    in->log.planned = 1;
    rf_change(run, TFA_LIST_PLANNED, 0, "aws_db.main", NULL, "aws_db", "main", RF_AWS,
              TFA_ACTION_DELETE);
    ck_assert(!tfa_coll_proven(run, TFA_COLL_CHANGES, why, sizeof(why)));
    ck_assert_str_eq(why, "no input provides changes (plan.log: its plan summary says 0 to add, 0 "
                          "to change, 5 to destroy, but the resource blocks read say 0, 0, 1): "
                          "give the plan JSON, a -json log or a text log of the plan");
    tfa_run_free(run);

    /* a format 0.1 plan cannot say there is no drift */
    ck_assert_int_eq(tfa_run_new(&run), 0);
    rf_input(run, "old.json", TFA_KIND_PLAN)->format_version = "0.1";
    expect_none(
        run, "drift.count",
        "no input provides drift (old.json: plan format 0.1 (Terraform before 0.15.4) does not "
        "report drift): give the plan JSON (format 0.2 or later), or a -json "
        "or text log of the plan");
    tfa_run_free(run);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("facts");
    TCase *tc = tcase_create("catalog");

    tcase_add_test(tc, catalog_rows_are_unique_documented_and_usable);
    tcase_add_test(tc, facts_combine_apply_logs);
    tcase_add_test(tc, change_model_merges_inputs_without_double_counting);
    tcase_add_test(tc, facts_of_policy_cost_and_state);
    tcase_add_test(tc, facts_combine_plans);
    tcase_add_test(tc, facts_say_why_they_have_no_value);
    tcase_add_test(tc, facts_without_inputs_of_a_kind);
    tcase_add_test(tc, fields_read_each_collection);
    tcase_add_test(tc, facts_report_lists_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
