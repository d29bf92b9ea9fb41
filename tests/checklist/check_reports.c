/*
 * check_reports.c - the report formats (exact text, Markdown, the JSON
 * record's schema, JUnit XML validated against tests/checklist/junit.xsd),
 * the fill round trip, and the canary: a secret in every sensitive value
 * of a plan fixture never reaches any report, fill, or facts listing.
 */
#include "util/compat.h"

#include <sys/wait.h>
#include <unistd.h>

#include "util/utc.h"
#include "input.h"
#include "report.h"
#include "runfix.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *const small =
    "# Small <check> & \"co\"\n"
    "\n"
    "Prose stays.\n"
    "\n"
    "## Pre\n"
    "- [ ] `a` Adds two: `plan.add == 2`\n"
    "- [x] `b` Nothing deleted: `none(changes where action == \"delete\")` (soft)\n"
    "  - tfaudit: **PASS** (2020-01-01T00:00:00Z)\n"
    "    - stale evidence from an earlier fill\n"
    "- [ ] `c` State serial: `state.serial > 0` (advisory)\n"
    "## Sign-off\n"
    "1. [ ] `m` Leadership | sign-off: manual\n"
    "\n"
    "Closing prose.\n";

static const char *const waivers = "| item | owner | expires | reason |\n"
                                   "|---|---|---|---|\n"
                                   "| b | alice | 2025-05-31 | bucket retired <today> |\n"
                                   "| a | bob | 2025-12-31 | no |\n";

typedef struct fixture {
    tfa_run *run;
    tfa_checklist *cl;
    tfa_waivers *w;
    tfa_signoffs *so;
    tfa_verdict *v;
} fixture;

static fixture fx;

static void evaluate(const char *text, const char *signoff, const char *section)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_parse(&fx.cl, "small.md", text, strlen(text), &err), &err);
    ck_assert_tfa_ok(tfa_waivers_parse(&fx.w, "w.md", waivers, strlen(waivers), &err), &err);
    ck_assert_int_eq(tfa_signoffs_new(&fx.so), 0);
    if (signoff)
        ck_assert_tfa_ok(tfa_signoffs_add(fx.so, fx.cl, signoff, &err), &err);
    eo.waivers = fx.w;
    eo.signoffs = fx.so;
    eo.section = section;
    ck_assert_int_eq(tfa_utc_parse(&eo.now, "2025-06-01T08:30:00Z", NULL), 0);
    ck_assert_tfa_ok(tfa_verdict_evaluate(&fx.v, fx.cl, fx.run, &eo, &err), &err);
}

static void setup(void)
{
    memset(&fx, 0, sizeof(fx));
    fx.run = rf_standard();
}

static void teardown(void)
{
    tfa_verdict_free(fx.v);
    tfa_signoffs_free(fx.so);
    tfa_waivers_free(fx.w);
    tfa_checklist_free(fx.cl);
    tfa_run_free(fx.run);
}

static char *render(tfa_report_format f, int color)
{
    tfa_report_options ro = TFA_REPORT_OPTIONS_INIT;
    tfa_buf b;
    ro.color = color;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_report_write(&b, fx.v, f, &ro), 0);
    return tfa_buf_detach(&b, NULL);
}

START_TEST(report_text_is_exact)
{
    static const char *const want =
        "tfaudit check: NO-GO\n"
        "checklist: small.md (Small <check> & \"co\")\n"
        "evaluated: 2025-06-01T08:30:00Z\n"
        "4 items: 2 PASS, 1 FAIL, 0 WAIVED, 0 PENDING, 1 ERROR; 1 blocking\n"
        "\n"
        "Pre\n"
        "  PASS     a: Adds two\n"
        "           plan.add = 2\n"
        "  FAIL     b: Nothing deleted (soft)\n"
        "           none(changes where action == \"delete\") = false (1 of 4 changes matched)\n"
        "             - module.net.aws_s3_bucket.logs (plan plan.json)\n"
        "  ERROR    c: State serial (advisory)\n"
        "           state.serial: no value (no state among the inputs)\n"
        "\n"
        "Sign-off\n"
        "  PASS     m: Leadership | sign-off\n"
        "           signed off by Dana Reyes (unsigned): CHG-1042\n"
        "\n"
        "blocking: b (FAIL)\n"
        "\n"
        "waiver for 'b' (alice, w.md:3) expired on 2025-05-31: not applied\n"
        "waiver for 'a' (bob, w.md:4) refused: hard items are never waivable\n"
        "\n"
        "inputs:\n"
        "  plan.json (plan, terraform 1.9.5, sha256 000000000000)\n"
        "  apply.json (ui-log, terraform 1.9.5, sha256 000000000000)\n";
    char *got;

    evaluate(small, "m=Dana Reyes:CHG-1042", NULL);
    got = render(TFA_REPORT_TEXT, 0);
    ck_assert_str_eq(got, want);
    tfa_free(got);
    got = render(TFA_REPORT_TEXT, 1);
    ck_assert(strstr(got, "tfaudit check: \033[1m\033[31mNO-GO\033[0m\n"));
    ck_assert(strstr(got, "  \033[32mPASS\033[0m     a: Adds two\n"));
    ck_assert(strstr(got, "  \033[31mFAIL\033[0m     b:"));
    tfa_free(got);
}
END_TEST

START_TEST(report_markdown_has_banner_table_evidence_inputs)
{
    char *md;

    evaluate(small, NULL, NULL);
    md = render(TFA_REPORT_MARKDOWN, 0);
    ck_assert_msg(strncmp(md,
                          "# NO-GO: Small <check> & \"co\"\n\n"
                          "> **NO-GO**: 2 items block: `b` (FAIL), `m` (PENDING)\n",
                          strlen("# NO-GO: Small <check> & \"co\"\n\n> **NO-GO**: 2 items block: "
                                 "`b` (FAIL), `m` (PENDING)\n")) == 0,
                  "%s", md);
    ck_assert(strstr(md, "| Evaluated | 2025-06-01T08:30:00Z by tfaudit "));
    ck_assert(strstr(md, "| **FAIL** | `b` | Nothing deleted | soft | Pre |\n"));
    ck_assert(strstr(md, "| **PENDING** | `m` | Leadership \\| sign-off | hard | Sign-off |\n"));
    ck_assert(strstr(md, "### FAIL: `b` Nothing deleted\n\nCondition: "
                         "`none(changes where action == \"delete\")` (soft), **blocks**\n\n"
                         "- `none(changes where action == \"delete\")` = `false` (1 of 4 changes "
                         "matched)\n  - `module.net.aws_s3_bucket.logs (plan plan.json)`\n"));
    ck_assert(strstr(md, "- `state.serial`: no value (no state among the inputs)\n"));
    ck_assert(strstr(md, "- awaiting sign-off (--sign-off m=NAME)\n"));
    ck_assert(
        strstr(md, "| `b` | alice | 2025-05-31 | expired | bucket retired &lt;today&gt; |\n"));
    ck_assert(strstr(md, "| `a` | bob | 2025-12-31 | refused | no |\n"));
    ck_assert(strstr(md, "| `apply.json` | ui-log | terraform 1.9.5 | 0 | `0000000000000000"));
    tfa_free(md);
}
END_TEST

START_TEST(report_json_follows_the_schema)
{
    json_t *j, *items, *it, *q;
    json_error_t jerr;
    char *text;

    evaluate(small, "m=Dana Reyes:CHG-1042", NULL);
    text = render(TFA_REPORT_JSON, 0);
    j = json_loads(text, 0, &jerr);
    ck_assert_msg(j != NULL, "%s", jerr.text);
    ck_assert_str_eq(json_string_value(json_object_get(j, "schema")), "tfaudit.verdict/1");
    ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "NO-GO");
    ck_assert_str_eq(json_string_value(json_object_get(j, "evaluated_at")), "2025-06-01T08:30:00Z");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "checklist"), "title")),
                     "Small <check> & \"co\"");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "summary"), "pass")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "summary"), "blocking")),
                     1);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "blocking"), 0)), "b");
    items = json_object_get(j, "items");
    ck_assert_uint_eq(json_array_size(items), 4);
    it = json_array_get(items, 1);
    ck_assert_str_eq(json_string_value(json_object_get(it, "id")), "b");
    ck_assert_str_eq(json_string_value(json_object_get(it, "level")), "soft");
    ck_assert_str_eq(json_string_value(json_object_get(it, "kind")), "check");
    ck_assert_str_eq(json_string_value(json_object_get(it, "status")), "FAIL");
    ck_assert(json_is_true(json_object_get(it, "blocks")));
    ck_assert_int_eq(json_integer_value(json_object_get(it, "line")), 7);
    q = json_array_get(json_object_get(it, "queries"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(q, "collection")), "changes");
    ck_assert(json_is_false(json_object_get(q, "result")));
    ck_assert_int_eq(json_integer_value(json_object_get(q, "total")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(q, "listed")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(q, "listed_are")), "matching");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(q, "elements"), 0)),
                     "module.net.aws_s3_bucket.logs (plan plan.json)");
    ck_assert_int_eq(json_integer_value(json_object_get(q, "more")), 0);
    it = json_array_get(items, 2);
    ck_assert_str_eq(json_string_value(json_object_get(it, "reason")),
                     "state.serial has no value: no state among the inputs");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(it, "facts"), 0), "missing")),
                     "no state among the inputs");
    it = json_array_get(items, 3);
    ck_assert_str_eq(json_string_value(json_object_get(it, "kind")), "manual");
    ck_assert(json_is_null(json_object_get(it, "expression")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(it, "sign_off"), "note")),
                     "CHG-1042");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(j, "waivers"), 0), "status")),
                     "expired");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(json_object_get(j, "inputs"), 1), "kind")),
        "ui-log");
    json_decref(j);
    tfa_free(text);
}
END_TEST

/* xmllint --schema on the report; returns its exit status. */
static int xmllint(const char *xml)
{
    char *dir = tfa_test_mkdtemp(), path[4096], log[4096], cmd[12288], *said;
    int st;

    ck_assert_ptr_nonnull(dir);
    snprintf(path, sizeof(path), "%s/report.xml", dir);
    snprintf(log, sizeof(log), "%s/xmllint.log", dir);
    ck_assert_int_eq(tfa_test_write_file(path, xml, strlen(xml)), 0);
    snprintf(cmd, sizeof(cmd), "xmllint --noout --schema tests/checklist/junit.xsd '%s' >'%s' 2>&1",
             path, log);
    st = system(cmd);
    if (st != 0 && (said = tfa_test_read_file(log, NULL)) != NULL) {
        fprintf(stderr, "%s", said);
        free(said);
    }
    tfa_test_rmtree(dir);
    free(dir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(report_junit_validates_against_the_schema)
{
    char *xml;

    evaluate(small, NULL, NULL);
    xml = render(TFA_REPORT_JUNIT, 0);
    ck_assert_int_eq(xmllint(xml), 0);
    ck_assert(strstr(xml, "<testsuites name=\"tfaudit check NO-GO: small.md\" tests=\"4\" "
                          "failures=\"2\" errors=\"0\" skipped=\"1\" time=\"0\">\n"));
    ck_assert(strstr(xml, "<testsuite name=\"Pre\" tests=\"3\" failures=\"1\" errors=\"0\" "
                          "skipped=\"1\""));
    ck_assert(strstr(xml, "<testcase classname=\"small.md\" name=\"b: Nothing deleted\" "
                          "time=\"0\">\n      <failure message=\"FAIL (soft): condition not "
                          "met\" type=\"FAIL\">"));
    ck_assert(strstr(xml, "<skipped message=\"ERROR (advisory): state.serial has no value: no "
                          "state among the inputs\"/>"));
    ck_assert(strstr(xml, "<failure message=\"PENDING (hard): awaiting sign-off\" "
                          "type=\"PENDING\">"));
    tfa_free(xml);
}
END_TEST

START_TEST(report_junit_escapes_and_validates_when_go)
{
    static const char *const odd = "# <Go> & \"quotes\"\n"
                                   "- [ ] `x` Less <than> & \"more\": `plan.add < 3`\n"
                                   "- [ ] `y` Control \x01 byte: `plan.add > 0` (advisory)\n";
    char *xml;

    evaluate(odd, NULL, NULL);
    ck_assert_int_eq(fx.v->go, 1);
    xml = render(TFA_REPORT_JUNIT, 0);
    ck_assert_int_eq(xmllint(xml), 0);
    ck_assert(strstr(xml, "name=\"x: Less &lt;than&gt; &amp; &quot;more&quot;\""));
    ck_assert(strstr(xml, "<testsuite name=\"&lt;Go&gt; &amp; &quot;quotes&quot;\""));
    ck_assert(strstr(xml, "plan.add &lt; 3"));
    ck_assert(!strchr(xml, '\x01'));
    tfa_free(xml);
}
END_TEST

static char *fill(void)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_report_fill(&b, fx.v), 0);
    return tfa_buf_detach(&b, NULL);
}

START_TEST(fill_ticks_passes_and_round_trips)
{
    static const char *const want =
        "# Small <check> & \"co\"\n"
        "\n"
        "Prose stays.\n"
        "\n"
        "## Pre\n"
        "- [x] `a` Adds two: `plan.add == 2`\n"
        "  - tfaudit: **PASS** (2025-06-01T08:30:00Z)\n"
        "    - `plan.add` = `2`\n"
        "- [ ] `b` Nothing deleted: `none(changes where action == \"delete\")` (soft)\n"
        "  - tfaudit: **FAIL** (2025-06-01T08:30:00Z)\n"
        "    - `none(changes where action == \"delete\")` = `false` (1 of 4 changes matched)\n"
        "      - `module.net.aws_s3_bucket.logs (plan plan.json)`\n"
        "- [ ] `c` State serial: `state.serial > 0` (advisory)\n"
        "  - tfaudit: **ERROR** (2025-06-01T08:30:00Z)\n"
        "    - `state.serial`: no value (no state among the inputs)\n"
        "## Sign-off\n"
        "1. [x] `m` Leadership | sign-off: manual\n"
        "   - tfaudit: **PASS** (2025-06-01T08:30:00Z)\n"
        "     - signed off by Dana Reyes (unsigned): CHG-1042 \\*urgent\\*\n"
        "\n"
        "Closing prose.\n";
    tfa_checklist *again = NULL;
    tfa_verdict *v2 = NULL;
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_error err;
    char *filled, *refilled;
    size_t i;

    evaluate(small, "m=Dana Reyes:CHG-1042 *urgent*", NULL);
    filled = fill();
    ck_assert_str_eq(filled, want);

    /* the filled checklist loads to the same items */
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_parse(&again, "filled.md", filled, strlen(filled), &err), &err);
    ck_assert_uint_eq(tfa_checklist_item_count(again), tfa_checklist_item_count(fx.cl));
    for (i = 0; i < tfa_checklist_item_count(again); i++) {
        const tfa_item *x = tfa_checklist_item(fx.cl, i), *y = tfa_checklist_item(again, i);
        ck_assert_str_eq(x->id, y->id);
        ck_assert_str_eq(x->title, y->title);
        ck_assert_str_eq(x->section, y->section);
        ck_assert_int_eq(x->level, y->level);
        ck_assert_int_eq(x->manual, y->manual);
        ck_assert(x->manual || strcmp(x->expr_text, y->expr_text) == 0);
    }

    /* and filling it again replaces the evidence instead of repeating it */
    eo.signoffs = fx.so;
    eo.now = fx.v->now;
    ck_assert_tfa_ok(tfa_verdict_evaluate(&v2, again, fx.run, &eo, &err), &err);
    {
        tfa_buf b;
        tfa_buf_init(&b, TFA_BUF_NO_MAX);
        ck_assert_int_eq(tfa_report_fill(&b, v2), 0);
        refilled = tfa_buf_detach(&b, NULL);
    }
    ck_assert_str_eq(refilled, want);
    tfa_free(refilled);
    tfa_verdict_free(v2);
    tfa_checklist_free(again);
    tfa_free(filled);
}
END_TEST

START_TEST(fill_keeps_crlf_and_items_outside_the_section)
{
    static const char *const crlf = "## A\r\n- [x] `a` A: `plan.add == 9`\r\n## B\r\n"
                                    "- [x] `b` B: `plan.add == 9`\r\n"
                                    "  - tfaudit: **PASS** (old)\r\n";
    char *filled;

    evaluate(crlf, NULL, "A");
    filled = fill();
    ck_assert_str_eq(filled, "## A\r\n- [ ] `a` A: `plan.add == 9`\r\n"
                             "  - tfaudit: **FAIL** (2025-06-01T08:30:00Z)\r\n"
                             "    - `plan.add` = `2`\r\n"
                             "## B\r\n- [x] `b` B: `plan.add == 9`\r\n"
                             "  - tfaudit: **PASS** (old)\r\n");
    tfa_free(filled);
}
END_TEST

/* ---- the canary ---------------------------------------------------------------- */

static const char *const canary_checklist =
    "# Canary\n"
    "- [ ] `secrets` Sensitive changes: `count(changes where sensitive) == 0`\n"
    "- [ ] `paths` Changed paths: `none(changes where changed ~ \"*\")`\n"
    "- [ ] `all` All managed: `all(changes where mode == \"managed\" and not sensitive)`\n"
    "- [ ] `ds` Data sources: `any(changes where type == \"grafana_data_source\" and "
    "\"http_headers\" in changed)`\n"
    "- [ ] `outputs` Outputs: `plan.outputs == 0 and plan.variables == 0`\n"
    "- [ ] `m` Manual: manual\n";

static void load_fixture(tfa_run **out, const char *path)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(out), 0);
    ck_assert_tfa_ok(tfa_run_load(*out, path, &lo, &err), &err);
}

static void no_canary(const char *what, const char *text)
{
    ck_assert_msg(!strstr(text, TFA_TEST_CANARY), "the canary leaked into %s", what);
}

START_TEST(canary_never_reaches_a_report)
{
    static const char *const plan = "fixtures/plans/grafana-sensitive.json";
    static const char *const lists[] = {"checklists/telemetry-apply.md",
                                        "checklists/nightly-drift.md", NULL};
    tfa_report_format f;
    size_t len, k;
    char *raw = tfa_test_read_file(plan, &len), *out;
    json_t *j;
    tfa_buf b;

    ck_assert_ptr_nonnull(raw);
    ck_assert_msg(strstr(raw, TFA_TEST_CANARY), "the fixture must carry the canary");
    free(raw);
    tfa_run_free(fx.run);
    load_fixture(&fx.run, plan);
    for (k = 0; k < TFA_ARRAY_SIZE(lists); k++) {
        if (lists[k]) {
            size_t n;
            char *t = tfa_test_read_file(lists[k], &n);
            evaluate(t, NULL, NULL);
            free(t);
        } else {
            evaluate(canary_checklist, "m=Dana", NULL);
            ck_assert_int_eq(fx.v->results[0].status, TFA_ITEM_FAIL); /* it saw them */
        }
        for (f = TFA_REPORT_TEXT; f <= TFA_REPORT_JUNIT; f++) {
            out = render(f, 1);
            no_canary("a report", out);
            tfa_free(out);
        }
        out = fill();
        no_canary("the filled checklist", out);
        tfa_free(out);
        j = tfa_verdict_to_json(fx.v);
        out = json_dumps(j, 0);
        no_canary("the verdict record", out);
        free(out);
        json_decref(j);
        tfa_verdict_free(fx.v), tfa_signoffs_free(fx.so), tfa_waivers_free(fx.w);
        tfa_checklist_free(fx.cl);
        fx.v = NULL, fx.so = NULL, fx.w = NULL, fx.cl = NULL;
    }
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_report_facts_text(&b, fx.run, NULL), 0);
    no_canary("the facts listing", b.ptr);
    tfa_buf_release(&b);
    j = tfa_report_facts_json(fx.run, NULL);
    out = json_dumps(j, 0);
    no_canary("the facts JSON", out);
    free(out);
    json_decref(j);
}
END_TEST

START_TEST(canary_never_reaches_cli_output)
{
    static const char *const formats[] = {"text", "markdown", "json", "junit"};
    char *dir = tfa_test_mkdtemp(), fillpath[4096], ledger[4096], *filled;
    tfa_test_output o;
    size_t i, n;

    ck_assert_ptr_nonnull(dir);
    snprintf(fillpath, sizeof(fillpath), "%s/filled.md", dir);
    snprintf(ledger, sizeof(ledger), "%s/ledger.db", dir); /* never the checkout's */
    for (i = 0; i < TFA_ARRAY_SIZE(formats); i++) {
        const char *argv[] = {"tfaudit",
                              "gate",
                              "--checklist",
                              "checklists/telemetry-apply.md",
                              "--format",
                              formats[i],
                              "--fill",
                              fillpath,
                              "--ledger",
                              ledger,
                              "--now",
                              "2025-06-05",
                              "fixtures/plans/grafana-sensitive.json",
                              NULL};
        ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
        ck_assert_int_eq(o.status, 1);
        ck_assert(o.out_len > 0);
        ck_assert_msg(!tfa_test_contains(o.out, o.out_len, TFA_TEST_CANARY), "stdout (%s)",
                      formats[i]);
        ck_assert_msg(!tfa_test_contains(o.err, o.err_len, TFA_TEST_CANARY), "stderr (%s)",
                      formats[i]);
        tfa_test_output_release(&o);
        filled = tfa_test_read_file(fillpath, &n);
        ck_assert_ptr_nonnull(filled);
        ck_assert(!tfa_test_contains(filled, n, TFA_TEST_CANARY));
        free(filled);
    }
    {
        const char *argv[] = {
            "tfaudit", "facts", "--format", "json", "fixtures/plans/grafana-sensitive.json", NULL};
        ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
        ck_assert_int_eq(o.status, 0);
        ck_assert(!tfa_test_contains(o.out, o.out_len, TFA_TEST_CANARY));
        tfa_test_output_release(&o);
    }
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("formats");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, report_text_is_exact);
    tcase_add_test(tc, report_markdown_has_banner_table_evidence_inputs);
    tcase_add_test(tc, report_json_follows_the_schema);
    tcase_add_test(tc, report_junit_validates_against_the_schema);
    tcase_add_test(tc, report_junit_escapes_and_validates_when_go);
    tcase_add_test(tc, fill_ticks_passes_and_round_trips);
    tcase_add_test(tc, fill_keeps_crlf_and_items_outside_the_section);
    tcase_add_test(tc, canary_never_reaches_a_report);
    tcase_add_test(tc, canary_never_reaches_cli_output);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
