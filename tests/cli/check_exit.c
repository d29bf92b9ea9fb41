/*
 * check_exit.c - exit statuses from one place (auditor/exit.h): a status
 * becomes an exit code only through tfa_exit_code, so no negative or
 * unknown status can ever be exit 0 (GO); --help of every command, and
 * `tfaudit help COMMAND`, is exit 0 with the help on stdout.
 *
 * Commands are read from `tfaudit --help`, so a new command is covered
 * without touching this file. The data-driven cases tests/cli/cases/help-*
 * pin the same for each command by name.
 */
#include "util/compat.h"

#include <sys/wait.h>

#include "exit.h"
#include "testsupport.h"
#include "util/error.h"

START_TEST(exit_code_maps_each_known_status)
{
    ck_assert_int_eq(tfa_exit_code(TFA_EXIT_GO), 0);
    ck_assert_int_eq(tfa_exit_code(TFA_EXIT_NOGO), 1);
    ck_assert_int_eq(tfa_exit_code(TFA_EXIT_USAGE), 2);
    ck_assert_int_eq(tfa_exit_code(TFA_EXIT_HELP), 0);
    ck_assert(tfa_exit_known(TFA_EXIT_HELP));
    /* the help sentinel is no status a shell could see */
    ck_assert_int_gt(TFA_EXIT_HELP, 255);
}
END_TEST

/* Observation 10 of issue 14: `return rc < 0 ? GO : rc` in every command
 * turned any negative status into exit 0. */
START_TEST(no_negative_or_unknown_status_becomes_go)
{
    static const int odd[] = {INT_MIN, INT_MIN + 1, -256, -255, -1,  3,   4,      64,     77,
                              125,     126,         127,  128,  255, 257, 0x1000, INT_MAX};
    int s;
    size_t i;

    for (s = -4096; s < 0; s++) {
        ck_assert_msg(tfa_exit_code(s) == TFA_EXIT_USAGE, "status %d (%s) -> exit %d", s,
                      tfa_status_str(s), tfa_exit_code(s));
        ck_assert(!tfa_exit_known(s));
    }
    for (i = 0; i < TFA_ARRAY_SIZE(odd); i++) {
        ck_assert_msg(tfa_exit_code(odd[i]) == TFA_EXIT_USAGE, "status %d -> exit %d", odd[i],
                      tfa_exit_code(odd[i]));
        ck_assert(!tfa_exit_known(odd[i]));
    }
    /* every library status by name, as a command could let one escape */
    ck_assert_int_eq(tfa_exit_code(TFA_ENOMEM), 2);
    ck_assert_int_eq(tfa_exit_code(TFA_EINPUT), 2);
    ck_assert_int_eq(tfa_exit_code(TFA_EUSAGE), 2);
    ck_assert_int_eq(tfa_exit_code(TFA_EIO), 2);
}
END_TEST

/* The command names `tfaudit --help` lists (the lines after "commands:"). */
static size_t command_names(char names[32][32])
{
    const char *argv[] = {"tfaudit", "--help", NULL};
    tfa_test_output out;
    const char *p;
    size_t n = 0;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_int_eq(out.status, 0);
    p = strstr(out.out, "commands:\n");
    ck_assert_ptr_nonnull(p);
    p += strlen("commands:\n");
    while (strncmp(p, "  ", 2) == 0 && n < 32) {
        size_t len = strcspn(p + 2, " \n");
        ck_assert_uint_lt(len, 32);
        memcpy(names[n], p + 2, len);
        names[n++][len] = '\0';
        p = strchr(p, '\n') + 1;
    }
    tfa_test_output_release(&out);
    return n;
}

static void assert_help(const char *a1, const char *a2, const char *name)
{
    const char *argv[] = {"tfaudit", a1, a2, NULL};
    char want[64];
    tfa_test_output out;

    snprintf(want, sizeof(want), "usage: tfaudit %s ", name);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "tfaudit %s %s: exit %d", a1, a2, out.status);
    ck_assert_msg(strncmp(out.out, want, strlen(want)) == 0, "tfaudit %s %s: stdout %s", a1, a2,
                  out.out);
    ck_assert_msg(out.err_len == 0, "tfaudit %s %s: stderr %s", a1, a2, out.err);
    tfa_test_output_release(&out);
}

START_TEST(every_command_help_is_exit_0_on_stdout)
{
    char names[32][32];
    size_t n = command_names(names), i;

    ck_assert_uint_ge(n, 15);
    for (i = 0; i < n; i++) {
        assert_help(names[i], "--help", names[i]);
        assert_help(names[i], "-h", names[i]);
        assert_help("help", names[i], names[i]);
    }
}
END_TEST

/* A result that stdout could not take is no result: exit 2, even for help. */
START_TEST(output_that_cannot_be_written_is_exit_2)
{
    const char *bin = getenv("TFA_BINARY");
    char cmd[4096];
    int st;

    ck_assert_ptr_nonnull(bin);
    snprintf(cmd, sizeof(cmd), "'%s' check --help >/dev/full 2>/dev/null", bin);
    st = system(cmd);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 2);
    snprintf(cmd, sizeof(cmd),
             "'%s' check --checklist fixtures/hostile/checklist.md --now 2025-06-04T02:30:00Z "
             "fixtures/hostile/plan.json >/dev/full 2>/dev/null",
             bin);
    st = system(cmd);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("exit");
    TCase *tc = tcase_create("exit");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, exit_code_maps_each_known_status);
    tcase_add_test(tc, no_negative_or_unknown_status_becomes_go);
    tcase_add_test(tc, every_command_help_is_exit_0_on_stdout);
    tcase_add_test(tc, output_that_cannot_be_written_is_exit_2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
