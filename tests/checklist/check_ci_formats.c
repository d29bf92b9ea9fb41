/*
 * check_ci_formats.c - the CI formats of check, gate and audit, from the
 * real binary: SARIF validated against the official SARIF 2.1.0 schema
 * (tests/checklist/sarif-schema-2.1.0.json, with python3-jsonschema),
 * GitHub workflow commands escaped against hostile addresses and paths,
 * the step summary, the GitLab Code Quality shape, and --color / NO_COLOR.
 */
#include "util/compat.h"

#include <jansson.h>

#include "report_ci.h"
#include "testsupport.h"

#define CHECKLIST "checklists/telemetry-apply.md"
#define NIGHTLY   "checklists/nightly-drift.md"
#define CLEAN     "fixtures/plans/grafana-clean.json"
#define DESTROY   "fixtures/plans/grafana-destroy.json"
#define DRIFT     "fixtures/plans/grafana-drift.json"
#define SCHEMA    "tests/checklist/sarif-schema-2.1.0.json"
#define NOW       "2025-06-03T08:00:00Z"

static char *dir;

static void setup(void)
{
    dir = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    unsetenv("TFAUDIT_NOW");
    unsetenv("NO_COLOR");
    unsetenv("GITHUB_STEP_SUMMARY");
    setenv("TFAUDIT_LEDGER", "/nonexistent/never-used.db", 1);
}

static void teardown(void)
{
    tfa_test_rmtree(dir);
    free(dir);
}

static void run(const char *const *argv, tfa_test_output *o)
{
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, o), 0);
}

static char *tmp_path(const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    ck_assert_ptr_nonnull(p);
    snprintf(p, strlen(dir) + strlen(name) + 2, "%s/%s", dir, name);
    return p;
}

/* Write stdout of a finished run to DIR/name; the path (free it). */
static char *save(const tfa_test_output *o, const char *name)
{
    char *p = tmp_path(name);
    ck_assert_int_eq(tfa_test_write_file(p, o->out, o->out_len), 0);
    return p;
}

/* Validate with tests/checklist/sarif_validate.py (main() has made sure
 * python3-jsonschema is there). */
static void valid_sarif(const char *path)
{
    char cmd[2048];
    int rc;
    snprintf(cmd, sizeof(cmd), "python3 tests/checklist/sarif_validate.py %s '%s'", SCHEMA, path);
    rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc), "validator did not run");
    ck_assert_msg(WEXITSTATUS(rc) == 0, "%s is not valid SARIF 2.1.0 (see stderr)", path);
}

static json_t *parse(const tfa_test_output *o)
{
    json_error_t jerr;
    json_t *j = json_loadb(o->out, o->out_len, 0, &jerr);
    ck_assert_msg(j != NULL, "line %d: %s", jerr.line, jerr.text);
    return j;
}

static json_t *results_of(json_t *log)
{
    return json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results");
}

/* The results with ruleId `rule`. */
static size_t count_rule(json_t *results, const char *rule)
{
    size_t i, n = 0;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "ruleId")), rule) == 0)
            n++;
    }
    return n;
}

static const char *fingerprint(json_t *result)
{
    return json_string_value(
        json_object_get(json_object_get(result, "partialFingerprints"), "tfaudit/v1"));
}

START_TEST(sarif_from_check_validates_and_locates_findings)
{
    const char *argv[] = {"tfaudit", "check", "--checklist", CHECKLIST, "--section", "Before apply",
                          "--now",   NOW,     "--format",    "sarif",   DESTROY,     NULL};
    tfa_test_output o, again;
    json_t *log, *again_log, *results, *r, *loc, *rules;
    char *path;
    size_t i;

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    path = save(&o, "check.sarif");
    valid_sarif(path);
    log = parse(&o);
    results = results_of(log);
    rules = json_object_get(
        json_object_get(json_object_get(json_array_get(json_object_get(log, "runs"), 0), "tool"),
                        "driver"),
        "rules");
    ck_assert_uint_eq(json_array_size(rules), 8); /* one per evaluated item */
    /* the failing item, then one result per offending address; the pending sign-off */
    ck_assert_uint_eq(count_rule(results, "no-destroy"), 3);
    ck_assert_uint_eq(count_rule(results, "leadership"), 1);
    ck_assert_uint_eq(json_array_size(results), 4);
    r = json_array_get(results, 1);
    ck_assert_str_eq(json_string_value(json_object_get(r, "level")), "error");
    loc = json_array_get(json_object_get(r, "locations"), 0);
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation"), "uri")),
        CHECKLIST);
    ck_assert_int_eq(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(loc, "physicalLocation"), "region"), "startLine")),
        31);
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_array_get(json_object_get(loc, "logicalLocations"), 0), "fullyQualifiedName")),
        "grafana_dashboard.legacy_overview");
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(
                json_object_get(json_array_get(json_object_get(r, "relatedLocations"), 0),
                                "physicalLocation"),
                "artifactLocation"),
            "uri")),
        DESTROY);
    /* fingerprints: distinct per finding, the same on the next run */
    run(argv, &again);
    again_log = parse(&again);
    json_array_foreach(results, i, r)
    {
        size_t k;
        ck_assert_uint_eq(strlen(fingerprint(r)), 64);
        ck_assert_str_eq(fingerprint(r), fingerprint(json_array_get(results_of(again_log), i)));
        for (k = 0; k < i; k++)
            ck_assert_str_ne(fingerprint(r), fingerprint(json_array_get(results, k)));
    }
    ck_assert_ptr_null(strstr(o.out, TFA_TEST_CANARY));
    json_decref(again_log);
    json_decref(log);
    free(path);
    tfa_test_output_release(&again);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(sarif_levels_and_waivers)
{
    const char *argv[] = {"tfaudit",  "check", "--checklist", CHECKLIST,
                          "--now",    NOW,     "--waivers",   "fixtures/waivers/window-2025-06.md",
                          "--format", "sarif", DRIFT,         NULL};
    tfa_test_output o;
    json_t *log, *results, *r;
    char *path;
    size_t i, suppressed = 0, warnings = 0;

    run(argv, &o);
    path = save(&o, "waived.sarif");
    valid_sarif(path);
    log = parse(&o);
    results = results_of(log);
    json_array_foreach(results, i, r)
    {
        json_t *s = json_object_get(r, "suppressions");
        if (strcmp(json_string_value(json_object_get(r, "level")), "warning") == 0)
            warnings++;
        if (s) {
            suppressed++;
            ck_assert_str_eq(json_string_value(json_object_get(json_array_get(s, 0), "status")),
                             "accepted");
        }
    }
    ck_assert_uint_gt(warnings, 0);   /* soft items */
    ck_assert_uint_gt(suppressed, 0); /* the waived soft item */
    json_decref(log);
    free(path);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(sarif_from_gate_validates)
{
    char *ledger = tmp_path("ledger.db"), *path;
    const char *argv[] = {"tfaudit",      "gate",     "--checklist", CHECKLIST,  "--section",
                          "Before apply", "--ledger", ledger,        "--format", "sarif",
                          "--now",        NOW,        DESTROY,       NULL};
    tfa_test_output o;
    json_t *log;

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    path = save(&o, "gate.sarif");
    valid_sarif(path);
    log = parse(&o);
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(log, "runs"), 0), "automationDetails"),
            "id")),
        "tfaudit/gate/");
    json_decref(log);
    free(path);
    free(ledger);
    tfa_test_output_release(&o);
}
END_TEST

/* runs/api (clean) and runs/web (drifted) under DIR. */
static char *audit_runs(void)
{
    char *runs = tmp_path("runs"), cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "mkdir -p '%s/api' '%s/web' && cp " CLEAN " '%s/api/plan.json' && cp " DRIFT
             " '%s/web/plan.json'",
             runs, runs, runs, runs);
    ck_assert_int_eq(system(cmd), 0);
    return runs;
}

START_TEST(sarif_from_audit_validates_with_baselines)
{
    char *runs = audit_runs(), *ledger = tmp_path("ledger.db"), *path;
    const char *argv[] = {"tfaudit", "audit",      "--checklist", NIGHTLY, "--ledger", ledger,
                          "--now",   "2026-11-27", "--format",    "sarif", runs,       NULL};
    tfa_test_output o;
    json_t *log, *results, *r;
    size_t i;

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    path = save(&o, "audit1.sarif");
    valid_sarif(path);
    log = parse(&o);
    results = results_of(log);
    ck_assert_uint_eq(count_rule(results, "tfaudit/drift"), 2);
    json_array_foreach(results, i, r)
    {
        ck_assert_str_eq(json_string_value(json_object_get(r, "baselineState")), "new");
    }
    json_decref(log);
    tfa_test_output_release(&o);
    free(path);

    argv[7] = "2026-11-28";
    run(argv, &o);
    ck_assert_int_eq(o.status, 0); /* nothing new */
    path = save(&o, "audit2.sarif");
    valid_sarif(path);
    log = parse(&o);
    json_array_foreach(results_of(log), i, r)
    {
        ck_assert_str_eq(json_string_value(json_object_get(r, "baselineState")), "unchanged");
    }
    json_decref(log);
    tfa_test_output_release(&o);
    free(path);
    free(ledger);
    free(runs);
}
END_TEST

START_TEST(github_escapes_what_the_runner_unescapes)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_github_command(&b, "error", "dir,a:b%c.md", 7, "t:1,2%\r\n", "m:1,2%\r\n::warning::x");
    ck_assert_str_eq(b.ptr, "::error file=dir%2Ca%3Ab%25c.md,line=7,title=t%3A1%2C2%25%0D%0A::"
                            "m:1,2%25%0D%0A::warning::x\n");
    tfa_buf_clear(&b);
    tfa_github_command(&b, "notice", NULL, 0, NULL, "bad \xff byte");
    ck_assert_str_eq(b.ptr, "::notice::bad \xef\xbf\xbd byte\n");
    tfa_buf_release(&b);
}
END_TEST

/* A plan whose destroyed folder has a hostile address, under a checklist
 * whose path holds ',', ':' and '%'. */
START_TEST(github_format_survives_hostile_addresses_and_paths)
{
    char *plan = tmp_path("plan.json"), *cl = tmp_path("a,b:c%d.md"), *text, *p;
    const char *argv[] = {"tfaudit", "check", "--checklist", cl,       "--section", "Before apply",
                          "--now",   NOW,     "--format",    "github", plan,        NULL};
    const char *hostile = "grafana_folder.sandbox[\\\"x%0Ay,z:w\\r\\n::warning file=f::pwned\\\"]";
    tfa_test_output o;
    tfa_buf b;
    size_t len, lines = 0;

    text = tfa_test_read_file(DESTROY, &len);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (p = text; *p;) {
        if (strncmp(p, "\"grafana_folder.sandbox\"", 24) == 0) {
            tfa_buf_printf(&b, "\"%s\"", hostile);
            p += 24;
        } else {
            tfa_buf_putc(&b, *p++);
        }
    }
    ck_assert_int_eq(tfa_test_write_file(plan, b.ptr, b.len), 0);
    free(text);
    text = tfa_test_read_file(CHECKLIST, &len);
    ck_assert_int_eq(tfa_test_write_file(cl, text, len), 0);
    free(text);
    tfa_buf_release(&b);

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    /* every line is a command; none was smuggled in */
    for (p = o.out; *p; p = strchr(p, '\n') + 1) {
        ck_assert_msg(strncmp(p, "::error ", 8) == 0, "unexpected line: %s", p);
        lines++;
    }
    ck_assert_uint_eq(lines, 3);
    ck_assert(tfa_test_contains(o.out, o.out_len, "/a%2Cb%3Ac%25d.md,line=31,"));
    ck_assert(tfa_test_contains(
        o.out, o.out_len,
        "%0A  - grafana_folder.sandbox[\"x%250Ay,z:w%0D%0A::warning file=f::pwned\"]\n"));
    free(plan);
    free(cl);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(github_format_appends_the_step_summary)
{
    char *summary = tmp_path("summary.md"), *text;
    const char *argv[] = {"tfaudit", "check", "--checklist", CHECKLIST, "--section", "Before apply",
                          "--now",   NOW,     "--format",    "github",  DESTROY,     NULL};
    tfa_test_output o;
    size_t len;

    ck_assert_int_eq(tfa_test_write_file(summary, "earlier step\n", 13), 0);
    setenv("GITHUB_STEP_SUMMARY", summary, 1);
    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    text = tfa_test_read_file(summary, &len);
    ck_assert(strncmp(text, "earlier step\n# NO-GO: ", 22) == 0);
    ck_assert(tfa_test_contains(text, len, "\n## Evidence\n"));
    ck_assert_ptr_null(strstr(o.out, "## Evidence")); /* stdout has only the commands */
    free(text);
    tfa_test_output_release(&o);

    /* other formats leave it alone */
    argv[9] = "json";
    ck_assert_int_eq(tfa_test_write_file(summary, "", 0), 0);
    run(argv, &o);
    text = tfa_test_read_file(summary, &len);
    ck_assert_uint_eq(len, 0);
    free(text);
    free(summary);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(codequality_has_gitlabs_shape)
{
    const char *argv[] = {"tfaudit",      "check", "--checklist", CHECKLIST,  "--section",
                          "Before apply", "--now", NOW,           "--format", "gitlab-codequality",
                          DESTROY,        NULL};
    const char *go[] = {
        "tfaudit", "check", "--checklist", CHECKLIST,         "--section", "Before apply",
        "--now",   NOW,     "--sign-off",  "leadership=Dana", "--format",  "gitlab-codequality",
        CLEAN,     NULL};
    tfa_test_output o;
    json_t *issues, *x;
    size_t i, k;

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    issues = parse(&o);
    ck_assert(json_is_array(issues));
    ck_assert_uint_eq(json_array_size(issues), 4);
    json_array_foreach(issues, i, x)
    {
        const char *sev = json_string_value(json_object_get(x, "severity"));
        json_t *loc = json_object_get(x, "location");
        ck_assert(json_is_string(json_object_get(x, "description")));
        ck_assert(json_is_string(json_object_get(x, "check_name")));
        ck_assert_uint_eq(strlen(json_string_value(json_object_get(x, "fingerprint"))), 64);
        ck_assert(strcmp(sev, "info") == 0 || strcmp(sev, "minor") == 0 ||
                  strcmp(sev, "major") == 0 || strcmp(sev, "critical") == 0 ||
                  strcmp(sev, "blocker") == 0);
        ck_assert_str_eq(json_string_value(json_object_get(loc, "path")), CHECKLIST);
        ck_assert(json_integer_value(json_object_get(json_object_get(loc, "lines"), "begin")) >= 1);
        for (k = 0; k < i; k++)
            ck_assert_str_ne(
                json_string_value(json_object_get(x, "fingerprint")),
                json_string_value(json_object_get(json_array_get(issues, k), "fingerprint")));
    }
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(issues, 0), "severity")),
                     "blocker");
    json_decref(issues);
    tfa_test_output_release(&o);

    run(go, &o);
    ck_assert_int_eq(o.status, 0);
    ck_assert_str_eq(o.out, "[]\n");
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(codequality_and_github_from_audit)
{
    char *runs = audit_runs(), *ledger = tmp_path("ledger.db");
    const char *argv[] = {"tfaudit", "audit", "--checklist", NIGHTLY,    "--ledger",
                          ledger,    "--now", "2026-11-27",  "--format", "gitlab-codequality",
                          runs,      NULL};
    tfa_test_output o;
    json_t *issues;

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    issues = parse(&o);
    ck_assert_uint_eq(json_array_size(issues), 6);
    json_decref(issues);
    tfa_test_output_release(&o);

    argv[7] = "2026-11-28";
    argv[9] = "github";
    run(argv, &o);
    ck_assert_int_eq(o.status, 0);
    ck_assert(tfa_test_contains(o.out, o.out_len,
                                "::error file=" NIGHTLY ",line=13,title=tfaudit audit web%3A "
                                "tfaudit/drift::web: drift: grafana_dashboard.api_latency"));
    ck_assert(
        tfa_test_contains(o.out, o.out_len, "::notice title=tfaudit audit%3A no regression::"));
    tfa_test_output_release(&o);
    free(ledger);
    free(runs);
}
END_TEST

START_TEST(color_follows_the_flag_then_no_color)
{
    const char *argv[] = {"tfaudit", "check", "--checklist", CHECKLIST, "--section", "Before apply",
                          "--now",   NOW,     "--color",     "always",  CLEAN,       NULL};
    tfa_test_output o;

    setenv("NO_COLOR", "1", 1);
    run(argv, &o); /* an explicit flag beats NO_COLOR */
    ck_assert(tfa_test_contains(o.out, o.out_len, "\033["));
    tfa_test_output_release(&o);
    argv[9] = "never";
    unsetenv("NO_COLOR");
    run(argv, &o);
    ck_assert(!tfa_test_contains(o.out, o.out_len, "\033["));
    tfa_test_output_release(&o);
    argv[9] = "auto"; /* a pipe is no terminal */
    run(argv, &o);
    ck_assert(!tfa_test_contains(o.out, o.out_len, "\033["));
    tfa_test_output_release(&o);
    argv[9] = "sometimes";
    run(argv, &o);
    ck_assert_int_eq(o.status, 2);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(version_names_the_commit_and_the_libraries)
{
    const char *argv[] = {"tfaudit", "--version", NULL};
    static const char *const lines[] = {"\ncommit     ",   "\njansson    2.", "\nlibarchive 3.",
                                        "\nlibgit2    1.", "\nlibcurl    ",   "\nsqlite3    3."};
    tfa_test_output o;
    size_t i;

    run(argv, &o);
    ck_assert_int_eq(o.status, 0);
    ck_assert(strncmp(o.out, "tfaudit " TFA_VERSION "\n", strlen(TFA_VERSION) + 9) == 0);
    for (i = 0; i < TFA_ARRAY_SIZE(lines); i++)
        ck_assert_msg(tfa_test_contains(o.out, o.out_len, lines[i]), "no '%s' in:\n%s", lines[i],
                      o.out);
    ck_assert_str_eq(o.err, "");
    tfa_test_output_release(&o);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ci_formats");
    TCase *tc = tcase_create("formats");

    if (system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) {
        fprintf(stderr, "skipped: python3-jsonschema is not installed (make deps)\n");
        return 77;
    }

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sarif_from_check_validates_and_locates_findings);
    tcase_add_test(tc, sarif_levels_and_waivers);
    tcase_add_test(tc, sarif_from_gate_validates);
    tcase_add_test(tc, sarif_from_audit_validates_with_baselines);
    tcase_add_test(tc, github_escapes_what_the_runner_unescapes);
    tcase_add_test(tc, github_format_survives_hostile_addresses_and_paths);
    tcase_add_test(tc, github_format_appends_the_step_summary);
    tcase_add_test(tc, codequality_has_gitlabs_shape);
    tcase_add_test(tc, codequality_and_github_from_audit);
    tcase_add_test(tc, color_follows_the_flag_then_no_color);
    tcase_add_test(tc, version_names_the_commit_and_the_libraries);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
