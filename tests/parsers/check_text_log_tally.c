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

#include "facts_catalog.h"
#include "input.h"
#include "testsupport.h"
#include "util/buf.h"

/* A log made of a head, up to four parts and a summary line: read when
 * `line` is 0, else refused at that line. */
typedef struct summary_case {
    const char *parts[4];
    const char *summary;
    unsigned long line; /* of the error; 0: reads */
} summary_case;

static void expect_summary(const char *name, const char *head, const summary_case *c, size_t i)
{
    tfa_buf b;
    tfa_run *run = NULL;
    tfa_error err;
    size_t j;
    int rc;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, head);
    for (j = 0; j < 4 && c->parts[j]; j++)
        tfa_buf_puts(&b, c->parts[j]);
    tfa_buf_puts(&b, c->summary);
    tfa_error_init(&err);
    rc = tfa_test_load_mem(&run, name, b.ptr, b.len, TFA_KIND_TEXT_LOG, &err);
    if (!c->line) {
        ck_assert_msg(rc == 0, "%s case %zu: %s", name, i, err.message);
    } else {
        ck_assert_msg(rc == TFA_EINPUT, "%s case %zu read", name, i);
        ck_assert_msg(strstr(err.message, "summary line does not add up"), "%s case %zu: %s", name,
                      i, err.message);
        ck_assert_msg(err.line == c->line, "%s case %zu: line %lu", name, i, err.line);
        ck_assert_str_eq(err.source, name);
    }
    tfa_run_free(run);
    tfa_buf_release(&b);
}

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
    static const summary_case cases[] = {
        {{create, destroy, read_data}, "Plan: 1 to add, 0 to change, 1 to destroy.\n", 0},
        {{create, read_data}, "Plan: 1 to add, 0 to change, 1 to destroy.\n", 15},
        {{create, destroy}, "Plan: 1 to add, 0 to change, 0 to destroy.\n", 15},
        {{destroy}, "Plan: 1 to add, 0 to change, 1 to destroy.\n", 10},
        {{read_data}, "No changes. Your infrastructure matches the configuration.\n", 0},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++)
        expect_summary("plan.log", head, &cases[i], i);
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
    static const summary_case cases[] = {
        {{destroy, create, replace, reads},
         "\nApply complete! Resources: 1 imported, 2 added, 0 changed, 2 destroyed.\n",
         0},
        {{update, reads}, "\nApply complete! Resources: 0 added, 1 changed, 0 destroyed.\n", 0},
        {{destroy, other}, "\nDestroy complete! Resources: 2 destroyed.\n", 0},
        /* a destruction lost: its two lines, or only its completion */
        {{create, replace}, "\nApply complete! Resources: 2 added, 0 changed, 2 destroyed.\n", 10},
        {{create, "null_resource.b: Destroying... [id=1]\n", replace},
         "\nApply complete! Resources: 2 added, 0 changed, 2 destroyed.\n",
         11},
        /* the summary edited */
        {{destroy, create}, "\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n", 8},
        {{update}, "\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.\n", 6},
        /* a second apply in the same log is counted from the first's summary */
        {{create, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n\n", create},
         "\nApply complete! Resources: 2 added, 0 changed, 0 destroyed.\n",
         10},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++)
        expect_summary("apply.log", "Terraform v1.9.5\n\n", &cases[i], i);
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

/* A range of a log to drop: [*from, *to). 0 when the log has none. */
typedef int cut_fn(const char *name, const char *log, size_t len, size_t *from, size_t *to);

/* The first block after "... will perform the following actions:" (a
 * "# ADDR will be ..." block, or a 0.11 "+ ADDR" entry), to the blank line
 * that ends it, before the "Plan:" line. */
static int first_block(const char *name, const char *log, size_t len, size_t *from, size_t *to)
{
    const char *head = strstr(log, "will perform the following actions:"), *plan, *blank;
    size_t at = head ? (size_t)(head - log) : len;

    (void)name;
    while (at < len && log[at] != '\n')
        at++;
    while (at < len && (log[at] == '\n' || log[at] == '\r'))
        at++;
    plan = at < len ? strstr(log + at, "\nPlan: ") : NULL;
    blank = plan ? strstr(log + at, "\n\n") : NULL;
    if (!blank || blank > plan)
        return 0;
    *from = at;
    *to = (size_t)(blank - log) + 2;
    return 1;
}

/* The first "... complete after" line of a resource (not a data source
 * read) before an apply summary, in a log read as a text log. */
static int first_completion(const char *name, const char *log, size_t len, size_t *from, size_t *to)
{
    static const char *const done[] = {": Creation complete after ",
                                       ": Modifications complete after ",
                                       ": Destruction complete after "};
    const char *hit = NULL, *start, *end;
    size_t k;

    for (k = 0; k < TFA_ARRAY_SIZE(done); k++) {
        const char *h = strstr(log, done[k]);
        if (h && (!hit || h < hit))
            hit = h;
    }
    if (!hit || !strstr(hit, "complete! Resources: ") || !is_text_log(name, log, len))
        return 0;
    for (start = hit; start > log && start[-1] != '\n'; start--)
        ;
    end = strchr(hit, '\n');
    *from = (size_t)(start - log);
    *to = end ? (size_t)(end - log) + 1 : len;
    return 1;
}

/* Every log in `dir` with `cut` dropped from it is refused at a summary
 * that no longer adds up. Returns how many logs had something to cut. */
static int refused_when_cut(const char *dir, cut_fn *cut)
{
    char path[4096];
    struct dirent *de;
    DIR *d = opendir(dir);
    int tried = 0;

    ck_assert_msg(d != NULL, "%s", dir);
    while ((de = readdir(d))) {
        size_t len = 0, from, to;
        tfa_run *run = NULL;
        tfa_error err;
        char *log;
        tfa_buf b;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        ck_assert_ptr_nonnull(log = tfa_test_read_file(path, &len));
        if (cut(de->d_name, log, len, &from, &to)) {
            tfa_buf_init(&b, TFA_BUF_NO_MAX);
            ck_assert_int_eq(tfa_buf_put(&b, log, from), 0);
            ck_assert_int_eq(tfa_buf_put(&b, log + to, len - to), 0);
            tfa_error_init(&err);
            ck_assert_msg(tfa_test_load_mem(&run, de->d_name, b.ptr, b.len, TFA_KIND_TEXT_LOG,
                                            &err) == TFA_EINPUT,
                          "%s: read with bytes %zu-%zu dropped", de->d_name, from, to);
            ck_assert_msg(strstr(err.message, "summary line does not add up"), "%s: %s", de->d_name,
                          err.message);
            tfa_run_free(run);
            tfa_buf_release(&b);
            tried++;
        }
        free(log);
    }
    closedir(d);
    return tried;
}

/* Every real text plan of the corpus that lost its first change block is
 * refused at its "Plan:" line, not read as a plan without that change. */
START_TEST(text_log_corpus_plan_that_lost_a_block_is_refused)
{
    char *dir = tfa_test_need_corpus_path("text-log");
    ck_assert_int_ge(refused_when_cut(dir, first_block), 5);
    free(dir);
}
END_TEST

/* Real apply logs: Terraform 0.11 to 1.x, OpenTofu, CI jobs, Atlantis. */
START_TEST(text_log_fixture_apply_that_lost_a_completion_is_refused)
{
    ck_assert_int_ge(refused_when_cut("fixtures/text-logs", first_completion), 3);
    ck_assert_int_ge(refused_when_cut("fixtures/ci-logs", first_completion), 3);
}
END_TEST

START_TEST(text_log_corpus_apply_that_lost_a_completion_is_refused)
{
    char *dir = tfa_test_need_corpus_path("text-log");
    ck_assert_int_ge(refused_when_cut(dir, first_completion), 5);
    free(dir);
}
END_TEST

/* Whether some input of `run` lists planned changes after its run's last
 * plan summary (tfa_log_info.planned_open). */
static int has_open_plan(const tfa_run *run)
{
    size_t i;
    for (i = 0; i < tfa_run_input_count(run); i++)
        if (tfa_run_input(run, i)->log.planned_open > 0)
            return 1;
    return 0;
}

/*
 * Every real log of `dir` whose plan lists changes, cut just before the
 * first line holding `summary` (its plan summary): the run it ends in lists
 * planned changes after its last plan summary, so no collection of changes
 * is proven from it (a destroy after the cut was never read), while the
 * whole log leaves none open. Returns how many logs were cut.
 */
static int open_when_cut(const char *dir, const char *summary)
{
    char path[4096], why[512];
    struct dirent *de;
    DIR *d = opendir(dir);
    int tried = 0;

    ck_assert_msg(d != NULL, "%s", dir);
    while ((de = readdir(d))) {
        size_t len = 0, at;
        const char *hit;
        tfa_run *run = NULL;
        tfa_error err;
        char *log;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        ck_assert_ptr_nonnull(log = tfa_test_read_file(path, &len));
        tfa_error_init(&err);
        if ((hit = strstr(log, summary)) == NULL ||
            tfa_test_load_mem(&run, de->d_name, log, len, TFA_KIND_UNKNOWN, &err) != 0) {
            free(log); /* no plan summary, or a log the suites refuse whole */
            continue;
        }
        ck_assert_msg(!has_open_plan(run), "%s: whole, yet a plan is open", de->d_name);
        tfa_run_free(run);
        for (at = (size_t)(hit - log); at > 0 && log[at - 1] != '\n'; at--)
            ;
        ck_assert_tfa_ok(tfa_test_load_mem(&run, de->d_name, log, at, TFA_KIND_UNKNOWN, &err),
                         &err);
        if (tfa_run_change_count(run, TFA_LIST_PLANNED) > 0) {
            ck_assert_msg(has_open_plan(run), "%s: cut at byte %zu, no plan left open", de->d_name,
                          at);
            ck_assert_msg(!tfa_coll_proven(run, TFA_COLL_CHANGES, why, sizeof(why)),
                          "%s: cut at byte %zu, its changes still proven", de->d_name, at);
            ck_assert_msg(strstr(why, "after its last plan summary"), "%s: %s", de->d_name, why);
            tried++;
        }
        tfa_run_free(run);
        free(log);
    }
    closedir(d);
    return tried;
}

/* Real plan logs, text and -json, cut before their plan summary. */
START_TEST(log_corpus_plan_cut_before_its_summary_proves_no_changes)
{
    char *text = tfa_test_need_corpus_path("text-log"),
         *json = tfa_test_need_corpus_path("ui-json");
    ck_assert_int_ge(open_when_cut(text, "\nPlan: "), 5);
    ck_assert_int_ge(open_when_cut(json, "\"change_summary\""), 3);
    free(text);
    free(json);
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
    tcase_add_test(tc, log_corpus_plan_cut_before_its_summary_proves_no_changes);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
