/*
 * check_cli.c - `tfaudit check` / `gate` behaviour the data-driven CLI cases
 * cannot express: the clock from $TFAUDIT_NOW, --output and --fill files,
 * no colour through a pipe, and gate deciding exactly as check does.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "util/utc.h"

#define CHECKLIST "checklists/telemetry-apply.md"
#define CLEAN     "fixtures/plans/grafana-clean.json"
#define DRIFT     "fixtures/plans/grafana-drift.json"

static char *dir;

static void setup(void)
{
    dir = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    unsetenv("TFAUDIT_NOW");
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

START_TEST(cli_takes_now_from_the_environment)
{
    const char *argv[] = {
        "tfaudit",    "check",           "--checklist", CHECKLIST,
        "--section",  "Before apply",    "--waivers",   "fixtures/waivers/window-2025-06.md",
        "--sign-off", "leadership=Dana", DRIFT,         NULL};
    tfa_test_output o;

    setenv("TFAUDIT_NOW", "2025-07-01T00:00:00Z", 1);
    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "evaluated: 2025-07-01T00:00:00Z\n"));
    /* both waivers have expired by July */
    ck_assert(tfa_test_contains(o.err, o.err_len,
                                "tfaudit: warning: fixtures/waivers/window-2025-06.md:7: waiver "
                                "for 'scope' expired on 2025-06-30: not applied\n"));
    tfa_test_output_release(&o);

    /* an RFC 3339 offset is the same instant in UTC */
    setenv("TFAUDIT_NOW", "2025-07-01T02:00:00+02:00", 1);
    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "evaluated: 2025-07-01T00:00:00Z\n"));
    tfa_test_output_release(&o);

    setenv("TFAUDIT_NOW", "soon", 1);
    run(argv, &o);
    ck_assert_int_eq(o.status, 2);
    ck_assert_str_eq(o.err, "tfaudit: invalid TFAUDIT_NOW 'soon' (use " TFA_UTC_FORMS ")\n");
    ck_assert_uint_eq(o.out_len, 0);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(cli_writes_output_and_fill_files)
{
    char out[4096], filled[4096], *report, *fill;
    const char *argv[] = {"tfaudit", "check",      "--checklist", CHECKLIST, "--format",
                          "json",    "--output",   out,           "--fill",  filled,
                          "--now",   "2025-06-02", CLEAN,         NULL};
    const char *plain[] = {"tfaudit", "check", "--checklist", CHECKLIST, "--format",
                           "json",    "--now", "2025-06-02",  CLEAN,     NULL};
    tfa_test_output o, p;
    size_t n;

    snprintf(out, sizeof(out), "%s/report.json", dir);
    snprintf(filled, sizeof(filled), "%s/filled.md", dir);
    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    ck_assert_uint_eq(o.out_len, 0);
    report = tfa_test_read_file(out, &n);
    ck_assert_ptr_nonnull(report);
    run(plain, &p);
    ck_assert_str_eq(report, p.out);
    fill = tfa_test_read_file(filled, &n);
    ck_assert_ptr_nonnull(fill);
    ck_assert(strstr(fill, "- [x] `drift-free` Nothing changed outside Terraform since the last "
                           "apply: builtin\n  - tfaudit: **PASS** "
                           "(2025-06-02T00:00:00Z)\n"));
    ck_assert(strstr(fill, "- [ ] `leadership` Leadership go/no-go sign-off: manual\n"
                           "  - tfaudit: **PENDING** (2025-06-02T00:00:00Z)\n"
                           "    - awaiting sign-off (--sign-off leadership=NAME)\n"));
    free(report);
    free(fill);
    tfa_test_output_release(&o);
    tfa_test_output_release(&p);
}
END_TEST

START_TEST(cli_output_to_a_bad_path_is_an_error)
{
    const char *argv[] = {"tfaudit", "check",    "--checklist",
                          CHECKLIST, "--output", "/nonexistent-dir/report.txt",
                          CLEAN,     NULL};
    tfa_test_output o;

    run(argv, &o);
    ck_assert_int_eq(o.status, 2);
    ck_assert_str_eq(o.err, "tfaudit: cannot write '/nonexistent-dir/report.txt': No such file or "
                            "directory\n");
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(cli_gate_decides_as_check_does)
{
    const char *check[] = {"tfaudit", "check", "--checklist", CHECKLIST, "--format",
                           "json",    "--now", "2025-06-02",  DRIFT,     NULL};
    char ledger[4096];
    const char *gate[] = {"tfaudit", "gate",       "--checklist", CHECKLIST, "--format", "json",
                          "--now",   "2025-06-02", "--ledger",    ledger,    DRIFT,      NULL};
    tfa_test_output a, b;

    snprintf(ledger, sizeof(ledger), "%s/ledger.db", dir); /* the fixture's temp dir */
    run(check, &a);
    run(gate, &b);
    ck_assert_int_eq(a.status, 1);
    ck_assert_int_eq(b.status, 1);
    ck_assert_str_eq(a.out, b.out);
    ck_assert_str_eq(a.err, "");
    /* gate only adds where the decision was recorded */
#define PREFIX "tfaudit: verdict NO-GO recorded as ledger record #1 (sha256 "
    ck_assert_msg(strncmp(b.err, PREFIX, strlen(PREFIX)) == 0 &&
                      strchr(b.err, '\n') == b.err + b.err_len - 1,
                  "gate stderr: %s", b.err);
    tfa_test_output_release(&a);
    tfa_test_output_release(&b);
}
END_TEST

START_TEST(cli_prints_no_colour_into_a_pipe)
{
    const char *argv[] = {"tfaudit", "check", "--checklist", CHECKLIST, DRIFT, NULL};
    tfa_test_output o;

    run(argv, &o);
    ck_assert_int_eq(o.status, 1);
    ck_assert(!tfa_test_contains(o.out, o.out_len, "\033["));
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(cli_help_lists_the_commands)
{
    const char *argv[] = {"tfaudit", "--help", NULL};
    const char *facts[] = {"tfaudit", "check", "--help", NULL};
    tfa_test_output o;

    run(argv, &o);
    ck_assert_int_eq(o.status, 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "\n  check          Evaluate a Markdown "));
    ck_assert(tfa_test_contains(o.out, o.out_len, "\n  gate           Decide GO / NO-GO"));
    ck_assert(tfa_test_contains(o.out, o.out_len, "\n  facts          List the facts"));
    tfa_test_output_release(&o);
    run(facts, &o);
    ck_assert_int_eq(o.status, 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "--sign-off ID=NAME[:NOTE]"));
    ck_assert(tfa_test_contains(o.out, o.out_len, "Exit status: 0 GO, 1 NO-GO, 2 usage"));
    tfa_test_output_release(&o);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("check");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cli_takes_now_from_the_environment);
    tcase_add_test(tc, cli_writes_output_and_fill_files);
    tcase_add_test(tc, cli_output_to_a_bad_path_is_an_error);
    tcase_add_test(tc, cli_gate_decides_as_check_does);
    tcase_add_test(tc, cli_prints_no_colour_into_a_pipe);
    tcase_add_test(tc, cli_help_lists_the_commands);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
