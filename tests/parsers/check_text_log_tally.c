/*
 * check_text_log_tally.c - a text log's summary lines against what it lists
 * before them (parsers/plan_tally.h): a "Plan:" line against the change
 * blocks, an "Apply complete!" / "Destroy complete!" line against the
 * resources whose "... complete after" lines came since the last summary.
 * What Terraform writes passes; a log that lost lines, or was edited, is an
 * error at the summary line, on hand-made logs and on every real log of the
 * corpus and the fixtures with a line dropped.
 */
#include "util/compat.h"

#include <dirent.h>

#include "input.h"
#include "testsupport.h"
#include "util/buf.h"

/* A text plan's "Plan:" line against the change headers before it, run by
 * run: what Terraform writes passes, a lost block or an edited line is an
 * error at the summary line. */
START_TEST(text_log_refuses_a_plan_line_that_does_not_add_up)
{
    static const char head[] = "Terraform v1.9.5\n\nTerraform will perform the following "
                               "actions:\n\n";
    static const char create[] = "  # null_resource.a will be created\n"
                                 "  + resource \"null_resource\" \"a\" {\n"
                                 "      + id = (known after apply)\n"
                                 "    }\n\n";
    static const char destroy[] = "  # null_resource.b will be destroyed\n"
                                  "  - resource \"null_resource\" \"b\" {\n"
                                  "      - id = \"1\" -> null\n"
                                  "    }\n\n";
    static const char read_data[] = "  # data.null_data_source.d will be read during apply\n"
                                    " <= data \"null_data_source\" \"d\" {\n"
                                    "      + id = (known after apply)\n"
                                    "    }\n\n";
    static const struct {
        const char *blocks[3];
        const char *plan;
        unsigned long line; /* of the error; 0: reads */
    } cases[] = {
        {{create, destroy, read_data}, "Plan: 1 to add, 0 to change, 1 to destroy.\n", 0},
        {{create, read_data}, "Plan: 1 to add, 0 to change, 1 to destroy.\n", 15},
        {{create, destroy}, "Plan: 1 to add, 0 to change, 0 to destroy.\n", 15},
        {{destroy}, "Plan: 1 to add, 0 to change, 1 to destroy.\n", 10},
        {{read_data}, "No changes. Your infrastructure matches the configuration.\n", 0},
    };
    size_t i, j;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_buf b;
        tfa_run *run = NULL;
        tfa_error err;
        int rc;

        tfa_buf_init(&b, TFA_BUF_NO_MAX);
        tfa_buf_puts(&b, head);
        for (j = 0; j < 3 && cases[i].blocks[j]; j++)
            tfa_buf_puts(&b, cases[i].blocks[j]);
        tfa_buf_puts(&b, cases[i].plan);
        tfa_error_init(&err);
        rc = tfa_test_load_mem(&run, "plan.log", b.ptr, b.len, TFA_KIND_TEXT_LOG, &err);
        if (!cases[i].line) {
            ck_assert_msg(rc == 0, "case %zu: %s", i, err.message);
        } else {
            ck_assert_msg(rc == TFA_EINPUT, "case %zu read", i);
            ck_assert_ptr_nonnull(strstr(err.message, "summary line does not add up"));
            ck_assert_uint_eq(err.line, cases[i].line);
            ck_assert_str_eq(err.source, "plan.log");
        }
        tfa_run_free(run);
        tfa_buf_release(&b);
    }
}
END_TEST

/* Every real text log of the corpus whose plan lists a change block before
 * its "Plan:" line, with that block dropped (header to its closing brace):
 * refused at the summary, not read as a plan without that change. */
START_TEST(text_log_corpus_plan_that_lost_a_block_is_refused)
{
    char *dir = tfa_test_need_corpus_path("text-log"), path[4096];
    struct dirent *de;
    DIR *d = opendir(dir);
    int tried = 0;

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d))) {
        size_t len = 0, at, end;
        const char *head, *plan;
        tfa_run *run = NULL;
        tfa_error err;
        char *log;
        tfa_buf cut;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        ck_assert_ptr_nonnull(log = tfa_test_read_file(path, &len));
        /* the first block after "... will perform the following actions:"
         * (a "# ADDR will be ..." block, or a 0.11 "+ ADDR" entry), to the
         * blank line that ends it, before the "Plan:" line */
        head = strstr(log, "will perform the following actions:");
        at = head ? (size_t)(head - log) : len;
        while (at < len && log[at] != '\n')
            at++;
        while (at < len && (log[at] == '\n' || log[at] == '\r'))
            at++;
        plan = at < len ? strstr(log + at, "\nPlan: ") : NULL;
        end = plan && strstr(log + at, "\n\n") ? (size_t)(strstr(log + at, "\n\n") - log) + 1 : 0;
        if (!plan || end > (size_t)(plan - log)) {
            free(log);
            continue;
        }
        tfa_buf_init(&cut, TFA_BUF_NO_MAX);
        ck_assert_int_eq(tfa_buf_put(&cut, log, at), 0);
        ck_assert_int_eq(tfa_buf_put(&cut, log + end + 1, len - end - 1), 0);
        tfa_error_init(&err);
        ck_assert_msg(tfa_test_load_mem(&run, de->d_name, cut.ptr, cut.len, TFA_KIND_TEXT_LOG,
                                        &err) == TFA_EINPUT,
                      "%s: read without its first change block", de->d_name);
        ck_assert_msg(strstr(err.message, "does not add up"), "%s: %s", de->d_name, err.message);
        tfa_run_free(run);
        tfa_buf_release(&cut);
        free(log);
        tried++;
    }
    closedir(d);
    ck_assert_int_ge(tried, 5);
    free(dir);
}
END_TEST

/* An apply's summary against the resources completed before it: a
 * replace is a destruction and a creation, data source reads and imports
 * count nothing, and several applies in one log are counted apart. */
START_TEST(text_log_refuses_an_apply_line_that_does_not_add_up)
{
    static const char destroy[] = "null_resource.b: Destroying... [id=1]\n"
                                  "null_resource.b: Destruction complete after 0s\n";
    static const char create[] = "null_resource.a: Creating...\n"
                                 "null_resource.a: Creation complete after 1s [id=2]\n";
    static const char replace[] = "null_resource.r: Destroying... [id=3]\n"
                                  "null_resource.r: Destruction complete after 0s\n"
                                  "null_resource.r: Creating...\n"
                                  "null_resource.r: Creation complete after 0s [id=4]\n";
    static const char other[] = "null_resource.c: Destroying... [id=8]\n"
                                "null_resource.c: Destruction complete after 0s\n";
    static const char update[] = "null_resource.u: Modifying... [id=5]\n"
                                 "null_resource.u: Modifications complete after 2s [id=5]\n";
    static const char reads[] = "data.null_data_source.d: Reading...\n"
                                "data.null_data_source.d: Read complete after 0s [id=6]\n"
                                "null_resource.i: Importing... [id=7]\n"
                                "null_resource.i: Import complete [id=7]\n";
    static const struct {
        const char *parts[4];
        const char *summary;
        unsigned long line; /* of the error; 0: reads */
    } cases[] = {
        {{destroy, create, replace, reads},
         "Apply complete! Resources: 1 imported, 2 added, 0 changed, 2 destroyed.\n",
         0},
        {{update, reads}, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.\n", 0},
        {{destroy, other}, "Destroy complete! Resources: 2 destroyed.\n", 0},
        /* a destruction lost: its two lines, or only its completion */
        {{create, replace}, "Apply complete! Resources: 2 added, 0 changed, 2 destroyed.\n", 10},
        {{create, "null_resource.b: Destroying... [id=1]\n", replace},
         "Apply complete! Resources: 2 added, 0 changed, 2 destroyed.\n",
         11},
        /* the summary edited */
        {{destroy, create}, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n", 8},
        {{update}, "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.\n", 6},
        /* a second apply in the same log is counted from the first's summary */
        {{create, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n\n", create},
         "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.\n",
         10},
    };
    size_t i, j;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_buf b;
        tfa_run *run = NULL;
        tfa_error err;
        int rc;

        tfa_buf_init(&b, TFA_BUF_NO_MAX);
        tfa_buf_puts(&b, "Terraform v1.9.5\n\n");
        for (j = 0; j < 4 && cases[i].parts[j]; j++)
            tfa_buf_puts(&b, cases[i].parts[j]);
        tfa_buf_puts(&b, "\n");
        tfa_buf_puts(&b, cases[i].summary);
        tfa_error_init(&err);
        rc = tfa_test_load_mem(&run, "apply.log", b.ptr, b.len, TFA_KIND_TEXT_LOG, &err);
        if (!cases[i].line) {
            ck_assert_msg(rc == 0, "case %zu: %s", i, err.message);
        } else {
            ck_assert_msg(rc == TFA_EINPUT, "case %zu read", i);
            ck_assert_msg(strstr(err.message, "summary line does not add up"), "case %zu: %s", i,
                          err.message);
            ck_assert_msg(err.line == cases[i].line, "case %zu: line %lu", i, err.line);
            ck_assert_str_eq(err.source, "apply.log");
        }
        tfa_run_free(run);
        tfa_buf_release(&b);
    }
}
END_TEST

/* Whether the log is read as a text log (not a -json log quoting the same
 * messages) when its kind is detected. */
static int is_text_log(const char *name, const char *log, size_t len)
{
    tfa_run *run = NULL;
    tfa_error err;
    int text;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, name, log, len, TFA_KIND_UNKNOWN, &err), &err);
    text = tfa_run_input(run, 0)->kind == TFA_KIND_TEXT_LOG;
    tfa_run_free(run);
    return text;
}

/* Drop the first "... complete after" line of a resource (not a data source
 * read) from every log in `dir` that has one before an apply summary; the
 * rest must be refused at the summary. Returns how many logs were tried. */
static int drop_a_completion(const char *dir)
{
    char path[4096];
    struct dirent *de;
    DIR *d = opendir(dir);
    int tried = 0;

    ck_assert_msg(d != NULL, "%s", dir);
    while ((de = readdir(d))) {
        static const char *const done[] = {": Creation complete after ",
                                           ": Modifications complete after ",
                                           ": Destruction complete after "};
        size_t len = 0, k;
        const char *hit = NULL, *start, *end;
        tfa_run *run = NULL;
        tfa_error err;
        char *log;
        tfa_buf cut;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        ck_assert_ptr_nonnull(log = tfa_test_read_file(path, &len));
        for (k = 0; k < TFA_ARRAY_SIZE(done); k++) {
            const char *h = strstr(log, done[k]);
            if (h && (!hit || h < hit))
                hit = h;
        }
        if (!hit || !strstr(hit, "complete! Resources: ") || !is_text_log(de->d_name, log, len)) {
            free(log);
            continue;
        }
        for (start = hit; start > log && start[-1] != '\n'; start--)
            ;
        end = strchr(hit, '\n');
        end = end ? end + 1 : log + len;
        tfa_buf_init(&cut, TFA_BUF_NO_MAX);
        ck_assert_int_eq(tfa_buf_put(&cut, log, (size_t)(start - log)), 0);
        ck_assert_int_eq(tfa_buf_put(&cut, end, len - (size_t)(end - log)), 0);
        tfa_error_init(&err);
        ck_assert_msg(tfa_test_load_mem(&run, de->d_name, cut.ptr, cut.len, TFA_KIND_TEXT_LOG,
                                        &err) == TFA_EINPUT,
                      "%s: read without a resource's completion", de->d_name);
        ck_assert_msg(strstr(err.message, "apply's summary line does not add up") ||
                          strstr(err.message, "destroy's summary line does not add up"),
                      "%s: %s", de->d_name, err.message);
        tfa_run_free(run);
        tfa_buf_release(&cut);
        free(log);
        tried++;
    }
    closedir(d);
    return tried;
}

/* Real apply logs: Terraform 0.11 to 1.x, OpenTofu, CI jobs, Atlantis. */
START_TEST(text_log_fixture_apply_that_lost_a_completion_is_refused)
{
    ck_assert_int_ge(drop_a_completion("fixtures/text-logs"), 3);
    ck_assert_int_ge(drop_a_completion("fixtures/ci-logs"), 3);
}
END_TEST

START_TEST(text_log_corpus_apply_that_lost_a_completion_is_refused)
{
    char *dir = tfa_test_need_corpus_path("text-log");
    ck_assert_int_ge(drop_a_completion(dir), 5);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text_log_tally");
    TCase *tc = tcase_create("tally");

    tcase_add_test(tc, text_log_refuses_a_plan_line_that_does_not_add_up);
    tcase_add_test(tc, text_log_refuses_an_apply_line_that_does_not_add_up);
    tcase_add_test(tc, text_log_fixture_apply_that_lost_a_completion_is_refused);
    suite_add_tcase(s, tc);
    tc = tfa_test_corpus_case("corpus");
    tcase_add_test(tc, text_log_corpus_plan_that_lost_a_block_is_refused);
    tcase_add_test(tc, text_log_corpus_apply_that_lost_a_completion_is_refused);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
