/*
 * check_expr.c - the expression language: every operator, short-circuit,
 * collection queries and their evidence, over a hand-built run; plus the
 * value helpers (glob, natural order) underneath.
 */
#include "util/compat.h"

#include "expr.h"
#include "runfix.h"
#include "util/arena.h"

typedef struct expr_case {
    const char *expr;
    int want; /* 1 true, 0 false, -1 a fact had no value */
} expr_case;

static const expr_case cases[] = {
    /* comparisons */
    {"plan.add == 2", 1},
    {"plan.add != 2", 0},
    {"plan.add < 3", 1},
    {"plan.add <= 2", 1},
    {"plan.add > 2", 0},
    {"plan.add >= 2", 1},
    {"plan.add == 2.0", 1},
    {"plan.add > -1", 1},
    {"10 == 1e1", 1},
    {"\"1.9.5\" == plan.terraform_version", 1},
    {"plan.terraform_version < \"1.10.0\"", 1},
    {"plan.terraform_version > \"1.10.0\"", 0},
    {"plan.terraform_version >= \"1.9.5\"", 1},
    {"[1, \"a\", true, null] == [1, \"a\", true, null]", 1},
    {"[1, 2] != [2, 1]", 1},
    /* glob match */
    {"plan.terraform_version ~ \"1.9.*\"", 1},
    {"plan.terraform_version !~ \"1.9.*\"", 0},
    {"plan.terraform_version ~ \"1.?.5\"", 1},
    {"plan.terraform_version ~ \"1.9\"", 0},
    {"plan.terraform_version ~ [\"0.*\", \"1.9.*\"]", 1},
    {"plan.terraform_version ~ []", 0},
    /* membership */
    {"plan.tool in [\"terraform\", \"opentofu\"]", 1},
    {"plan.tool not in [\"opentofu\"]", 1},
    {"plan.tool in []", 0},
    {"\"form\" in plan.tool", 1},
    {"\"tofu\" in plan.tool", 0},
    /* logic and parentheses */
    {"true", 1},
    {"false", 0},
    {"plan.applyable and not plan.errored", 1},
    {"plan.errored or plan.add == 2", 1},
    {"not (plan.add == 2)", 0},
    {"not not plan.applyable", 1},
    {"(plan.add == 2 or plan.destroy == 0) and plan.change == 1", 1},
    {"plan.add == 2 or plan.destroy == 0 and plan.change == 5", 1},
    {"(plan.add == 2 or plan.destroy == 0) and plan.change == 5", 0},
    /* collection queries */
    {"count(changes) == 4", 1},
    {"count(changes where action != \"no-op\") == 3", 1},
    {"any(changes where action == \"delete\")", 1},
    {"any(changes where action == \"replace\")", 0},
    {"all(changes where provider ~ \"*grafana*\")", 0},
    {"all(changes where mode == \"managed\")", 1},
    {"none(changes where type ~ \"grafana_*\" and action == \"delete\")", 1},
    {"count(changes where \"tags.owner\" in changed) == 1", 1},
    {"count(changes where \"tags.team\" not in changed) == 4", 1},
    {"any(changes where changed ~ \"tags.*\")", 1},
    {"count(changes where changed !~ \"tags.*\") == 3", 1},
    {"count(changes where module == null) == 3", 1},
    {"count(changes where module ~ \"module.*\") == 1", 1},
    {"count(changes where module !~ \"module.*\") == 3", 1},
    /* a null orders with nothing: unknown, not false, so neither `not` nor
     * `none` can turn it into a pass; a guard decides first */
    {"count(changes where module < \"z\") == 1", -1},
    {"none(changes where module > \"z\")", -1},
    {"not any(changes where module > \"z\")", -1},
    {"count(changes where module != null and module < \"z\") == 1", 1},
    {"count(changes where index == null and not importing) == 4", 1},
    {"any(changes where plan.add == 2 and action == \"create\")", 1},
    {"any(drift where address == \"grafana_dashboard.a\")", 1},
    {"count(deferred) == 0", 1},
    /* a collection no input fills is unknown, never empty (issue 14): the
     * apply log of a saved plan shows no plan */
    {"count(planned) == 0", -1},
    {"count(planned) == 0 or true", -1},
    {"any(changes where source == \"plan\") and none(changes where source == \"text-log\")", 1},
    {"all(applied where source == \"ui-log\")", 1},
    /* versions order semantically (domain.h) */
    {"plan.terraform_version >= \"1.9\"", 1},
    {"plan.terraform_version >= \"1.10.0\"", 0},
    {"plan.terraform_version > \"1.9.5-rc1\"", 1},
    {"plan.terraform_version < \"v1.9.6\"", 1},
    {"plan.terraform_version == \"1.9.5\"", 1},
    {"count(applied where status == \"started\") == 1", 1},
    {"all(applied where elapsed > 0)", -1}, /* one never finished: no elapsed */
    {"all(applied where elapsed != null and elapsed > 0)", 0},
    {"all(applied where status != \"complete\" or elapsed > 0)", 1},
    {"count(inputs where kind == \"ui-log\") == 1", 1},
    {"any(diagnostics where severity == \"warning\" and address == \"grafana_folder.f\")", 1},
    /* facts across inputs */
    {"apply.add == plan.add and apply.destroy == plan.destroy", 1},
    {"apply.unfinished == 0", 0},
    {"apply.warnings == 1 and apply.errors == 0", 1},
    {"log.ui_version == \"1.2\" and log.messages == 42", 1},
    {"run.tool == \"terraform\" and inputs.count == 2 and inputs.states == 0", 1},
    {"drift.count == 1 and diagnostics.warnings == 1", 1},
    /* missing values: ERROR, unless short-circuit makes them irrelevant */
    {"state.serial > 0", -1},
    {"plan.timestamp ~ \"2025-*\"", -1},
    {"inputs.states == 0 or state.serial > 0", 1},
    {"inputs.states > 0 and state.serial > 0", 0},
    {"state.serial > 0 or inputs.states == 0", -1},
    {"any(changes where policy.failed > 0)", -1},
    {"count(changes where false and policy.failed > 0) == 0", 1},
};

static tfa_run *run;

static void setup(void)
{
    run = rf_standard();
}

static void teardown(void)
{
    tfa_run_free(run);
}

/* Parse (must succeed) and evaluate; returns the result. */
static int eval_text(const char *text, tfa_arena *arena, tfa_evidence *ev, const char **reason)
{
    const tfa_expr *e = NULL;
    tfa_error err;
    tfa_fact_source src;
    int result = 99;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_expr_parse(&e, arena, text, strlen(text), "t.md", 1, 1, &err), &err);
    ck_assert_int_eq(tfa_fact_source_init(&src, run, NULL), 0);
    ck_assert_int_eq(tfa_expr_eval(e, &src, arena, ev, &result, reason), 0);
    return result;
}

START_TEST(expr_evaluates_each_operator)
{
    tfa_arena *arena = NULL;
    tfa_evidence ev;
    const char *reason;
    int got;

    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    got = eval_text(cases[_i].expr, arena, &ev, &reason);
    ck_assert_msg(got == cases[_i].want, "'%s': got %d, want %d (%s)", cases[_i].expr, got,
                  cases[_i].want, reason ? reason : "");
    ck_assert(got == -1 ? reason != NULL : reason == NULL);
    tfa_arena_free(arena);
}
END_TEST

START_TEST(expr_missing_fact_names_fact_and_reason)
{
    tfa_arena *arena = NULL;
    tfa_evidence ev;
    const char *reason;

    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    ck_assert_int_eq(eval_text("state.serial > 0", arena, &ev, &reason), -1);
    ck_assert_str_eq(reason, "state.serial has no value: no state among the inputs");
    ck_assert_uint_eq(ev.n_facts, 1);
    ck_assert_str_eq(ev.facts[0].name, "state.serial");
    ck_assert_int_eq(ev.facts[0].present, 0);
    ck_assert_str_eq(ev.facts[0].why, "no state among the inputs");
    ck_assert_int_eq(eval_text("plan.timestamp ~ \"x\"", arena, &ev, &reason), -1);
    ck_assert_str_eq(reason, "plan.timestamp has no value: not stated by the inputs");
    tfa_arena_free(arena);
}
END_TEST

START_TEST(expr_evidence_records_facts_once_with_values)
{
    tfa_arena *arena = NULL;
    tfa_evidence ev;
    const char *reason;

    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    ck_assert_int_eq(
        eval_text("plan.add == 2 and plan.add > 0 and plan.terraform_version ~ \"1.*\"", arena, &ev,
                  &reason),
        1);
    ck_assert_uint_eq(ev.n_facts, 2);
    ck_assert_str_eq(ev.facts[0].name, "plan.add");
    ck_assert_int_eq(ev.facts[0].value.type, TFA_V_NUM);
    ck_assert(ev.facts[0].value.n == 2);
    ck_assert_str_eq(ev.facts[1].name, "plan.terraform_version");
    ck_assert_str_eq(ev.facts[1].value.s, "1.9.5");
    ck_assert_uint_eq(ev.n_queries, 0);
    tfa_arena_free(arena);
}
END_TEST

START_TEST(expr_query_evidence_lists_offending_elements)
{
    tfa_arena *arena = NULL;
    tfa_evidence ev;
    const char *reason;
    const tfa_query_read *q;

    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    ck_assert_int_eq(
        eval_text("count(changes where action != \"no-op\") == 0", arena, &ev, &reason), 0);
    ck_assert_uint_eq(ev.n_queries, 1);
    q = &ev.queries[0];
    ck_assert_str_eq(q->query, "count(changes where action != \"no-op\")");
    ck_assert_str_eq(q->collection, "changes");
    ck_assert_uint_eq(q->total, 4);
    ck_assert_uint_eq(q->listed, 3);
    ck_assert_int_eq(q->listed_match, 1);
    ck_assert_uint_eq(q->n_labels, 3);
    ck_assert_str_eq(q->labels[0], "grafana_dashboard.a (plan plan.json)");
    ck_assert_str_eq(q->labels[1], "module.net.aws_s3_bucket.logs (plan plan.json)");
    ck_assert_str_eq(q->labels[2], "grafana_folder.f (plan plan.json)");
    ck_assert(q->result.type == TFA_V_NUM && q->result.n == 3);

    /* all(): the elements that fail the condition are the offenders */
    ck_assert_int_eq(eval_text("all(changes where type ~ \"grafana_*\")", arena, &ev, &reason), 0);
    q = &ev.queries[0];
    ck_assert_int_eq(q->listed_match, 0);
    ck_assert_uint_eq(q->listed, 1);
    ck_assert_str_eq(q->labels[0], "module.net.aws_s3_bucket.logs (plan plan.json)");
    ck_assert(q->result.type == TFA_V_BOOL && q->result.b == 0);
    tfa_arena_free(arena);
}
END_TEST

START_TEST(expr_query_names_first_twenty_and_counts_all)
{
    tfa_arena *arena = NULL;
    tfa_evidence ev;
    const char *reason;
    char addr[64];
    int i;

    for (i = 0; i < 25; i++) {
        snprintf(addr, sizeof(addr), "aws_s3_bucket.b[%d]", i);
        rf_change(run, TFA_LIST_CHANGES, 0, addr, NULL, "aws_s3_bucket", "b", RF_AWS,
                  TFA_ACTION_DELETE);
    }
    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    ck_assert_int_eq(
        eval_text("none(changes where type == \"aws_s3_bucket\")", arena, &ev, &reason), 0);
    ck_assert_uint_eq(ev.queries[0].total, 29);
    ck_assert_uint_eq(ev.queries[0].listed, 26);
    ck_assert_uint_eq(ev.queries[0].n_labels, TFA_EVIDENCE_LABELS);
    ck_assert_str_eq(ev.queries[0].labels[0], "module.net.aws_s3_bucket.logs (plan plan.json)");
    ck_assert_str_eq(ev.queries[0].labels[19], "aws_s3_bucket.b[18] (plan plan.json)");
    tfa_arena_free(arena);
}
END_TEST

START_TEST(expr_evidence_outlives_the_run)
{
    tfa_arena *arena = NULL;
    tfa_evidence ev;
    const char *reason;

    ck_assert_int_eq(tfa_arena_new(&arena), 0);
    ck_assert_int_eq(
        eval_text("any(changes where action == \"delete\") and run.tool == \"terraform\"", arena,
                  &ev, &reason),
        1);
    tfa_run_free(run);
    run = NULL;
    /* strings were copied into the arena: still readable (ASan would flag it) */
    ck_assert_str_eq(ev.queries[0].labels[0], "module.net.aws_s3_bucket.logs (plan plan.json)");
    ck_assert_str_eq(ev.facts[0].value.s, "terraform");
    tfa_arena_free(arena);
}
END_TEST

START_TEST(value_glob_matches_whole_strings)
{
    ck_assert(tfa_glob_match("grafana_*", "grafana_dashboard"));
    ck_assert(!tfa_glob_match("grafana_*", "aws_grafana_workspace"));
    ck_assert(tfa_glob_match("*grafana*", "aws_grafana_workspace"));
    ck_assert(tfa_glob_match("*", ""));
    ck_assert(!tfa_glob_match("?", ""));
    ck_assert(tfa_glob_match("a*b*c", "aXXbYYbZc"));
    ck_assert(!tfa_glob_match("a*b*c", "aXXbYYbZ"));
    ck_assert(tfa_glob_match("module.*.aws_*[\"x\"]", "module.net.aws_s3_bucket.b[\"x\"]"));
    ck_assert(tfa_glob_match("1.\\*", "1.*"));
    ck_assert(!tfa_glob_match("1.\\*", "1.9"));
    ck_assert(tfa_glob_match("**", "abc"));
}
END_TEST

START_TEST(value_orders_versions_naturally)
{
    tfa_value a = tfa_value_str("1.10.0"), b = tfa_value_str("1.9.12"), n = tfa_value_null();
    tfa_value x = tfa_value_str("v007"), y = tfa_value_str("v7");
    int o = 0;

    ck_assert(tfa_value_order(&a, &b, &o) && o > 0);
    ck_assert(tfa_value_order(&b, &a, &o) && o < 0);
    ck_assert(tfa_value_order(&x, &y, &o) && o == 0);
    ck_assert(!tfa_value_order(&a, &n, &o));
}
END_TEST

START_TEST(value_formats_as_written)
{
    tfa_value items[3];
    tfa_value list;
    tfa_buf b;

    items[0] = tfa_value_num(3), items[1] = tfa_value_num(2.5), items[2] = tfa_value_str("a\"b\n");
    list = tfa_value_null();
    list.type = TFA_V_LIST, list.items = items, list.n_items = 3;
    tfa_buf_init(&b, 1024);
    tfa_value_format(&b, &list);
    ck_assert_str_eq(b.ptr, "[3, 2.5, \"a\\\"b\\n\"]");
    tfa_buf_release(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("eval");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, expr_evaluates_each_operator, 0, (int)TFA_ARRAY_SIZE(cases));
    tcase_add_test(tc, expr_missing_fact_names_fact_and_reason);
    tcase_add_test(tc, expr_evidence_records_facts_once_with_values);
    tcase_add_test(tc, expr_query_evidence_lists_offending_elements);
    tcase_add_test(tc, expr_query_names_first_twenty_and_counts_all);
    tcase_add_test(tc, expr_evidence_outlives_the_run);
    suite_add_tcase(s, tc);
    tc = tcase_create("value");
    tcase_add_test(tc, value_glob_matches_whole_strings);
    tcase_add_test(tc, value_orders_versions_naturally);
    tcase_add_test(tc, value_formats_as_written);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
