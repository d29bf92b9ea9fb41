/*
 * check_ledger_cli.c - what the data-driven CLI cases cannot pin down:
 * where `tfaudit ledger` finds its ledger (--ledger, $TFAUDIT_LEDGER, then
 * the default outside the working tree, `tfaudit ledger path`, created with
 * its directories on first append) and error messages that name a temporary
 * path. HOME is an empty directory of the test's own.
 */
#include "util/compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "storage_test.h"

static char *tmp;
static char record[4096];
static char home[4096];

static void setup(void)
{
    const char *src = getenv("TFA_SOURCE_DIR");
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    snprintf(record, sizeof(record), "%s/fixtures/ledger/record-go.json", src ? src : ".");
    ck_assert_int_eq(chdir(tmp), 0);
    snprintf(home, sizeof(home), "%s/home", tmp);
    ck_assert_int_eq(mkdir(home, 0700), 0);
    setenv("HOME", home, 1);
    unsetenv("XDG_STATE_HOME");
    unsetenv("TFAUDIT_LEDGER");
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

/* Run tfaudit; returns the status, output in *o (release it). */
static int run(tfa_test_output *o, const char *const *argv)
{
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, o), 0);
    return o->status;
}

static void append(const char *ledger, const char *workspace)
{
    const char *with[] = {"tfaudit",
                          "ledger",
                          "append",
                          "--record",
                          record,
                          "--workspace",
                          workspace,
                          "--verdict",
                          "GO",
                          "--time",
                          "2025-03-01T10:00:00Z",
                          "--ledger",
                          ledger,
                          NULL};
    const char *without[] = {"tfaudit",
                             "ledger",
                             "append",
                             "--record",
                             record,
                             "--workspace",
                             workspace,
                             "--verdict",
                             "GO",
                             "--time",
                             "2025-03-01T10:00:00Z",
                             NULL};
    tfa_test_output o;
    ck_assert_msg(run(&o, ledger ? with : without) == 0, "%s", o.err);
    tfa_test_output_release(&o);
}

/* What `tfaudit ledger path` says (free it). */
static char *default_path(void)
{
    const char *argv[] = {"tfaudit", "ledger", "path", NULL};
    tfa_test_output o;
    char *out;
    ck_assert_int_eq(run(&o, argv), 0);
    ck_assert_msg(strncmp(o.out, home, strlen(home)) == 0, "not under HOME: %s", o.out);
    out = strndup(o.out, o.out_len - 1);
    tfa_test_output_release(&o);
    return out;
}

static char *list_workspaces(const char *ledger)
{
    const char *with[] = {"tfaudit", "ledger", "list", "--ledger", ledger, NULL};
    const char *without[] = {"tfaudit", "ledger", "list", NULL};
    tfa_test_output o;
    char *out;
    ck_assert_msg(run(&o, ledger ? with : without) == 0, "%s", o.err);
    out = strdup(o.out);
    tfa_test_output_release(&o);
    return out;
}

START_TEST(ledger_path_is_option_then_environment_then_default)
{
    struct stat st;
    char *out, *def = default_path();

    append(NULL, "default-ws");
    ck_assert_int_eq(stat(def, &st), 0);
    ck_assert_int_ne(stat(".tfaudit", &st), 0); /* nothing in the working directory */
    free(def);
    setenv("TFAUDIT_LEDGER", "env/ledger.db", 1);
    append(NULL, "env-ws");
    ck_assert_int_eq(stat("env/ledger.db", &st), 0);
    append("opt.db", "opt-ws");

    out = list_workspaces(NULL); /* $TFAUDIT_LEDGER */
    ck_assert(strstr(out, "env-ws") && !strstr(out, "default-ws") && !strstr(out, "opt-ws"));
    free(out);
    out = list_workspaces("opt.db"); /* --ledger wins over the environment */
    ck_assert(strstr(out, "opt-ws") && !strstr(out, "env-ws"));
    free(out);
    setenv("TFAUDIT_LEDGER", "", 1); /* empty means unset */
    out = list_workspaces(NULL);
    ck_assert(strstr(out, "default-ws") && !strstr(out, "env-ws"));
    free(out);
}
END_TEST

START_TEST(ledger_errors_name_the_ledger)
{
    const char *show[] = {"tfaudit", "ledger", "show", "7", NULL};
    const char *list[] = {"tfaudit", "ledger", "list", NULL};
    char *def = default_path(), want[8192];
    tfa_test_output o;

    ck_assert_int_eq(run(&o, list), 2);
    snprintf(want, sizeof(want), "tfaudit: ledger '%s' does not exist\n", def);
    ck_assert_str_eq(o.err, want);
    ck_assert_str_eq(o.out, "");
    tfa_test_output_release(&o);
    append(NULL, "prod");
    ck_assert_int_eq(run(&o, show), 2);
    snprintf(want, sizeof(want), "tfaudit: %s: no ledger record 7\n", def);
    ck_assert_str_eq(o.err, want);
    tfa_test_output_release(&o);
    free(def);
    ck_assert_int_eq(tfa_test_write_file("bad.db", "plain text, not a database at all....\n", 39),
                     0);
    setenv("TFAUDIT_LEDGER", "bad.db", 1);
    ck_assert_int_eq(run(&o, list), 2);
    ck_assert_str_eq(o.err, "tfaudit: bad.db: not a tfaudit ledger (file is not a database)\n");
    tfa_test_output_release(&o);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger_cli");
    TCase *tc = tcase_create("ledger_cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ledger_path_is_option_then_environment_then_default);
    tcase_add_test(tc, ledger_errors_name_the_ledger);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
