/*
 * check_ui_log_errors.c - the UI log reader's refusals and limits: lines
 * that are not messages, with their exact positions; field limits that hold
 * on messages it only counts; a cut-off last line kept apart from a cut
 * value; every allocation failure.
 */
#include "util/compat.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"
#include "ui_log_test.h"

static void error_eq(const char *path, int status, unsigned long line, unsigned long col,
                     const char *msg)
{
    tfa_error err;
    ck_assert_int_eq(load_fails(path, &err), status);
    ck_assert_str_eq(err.source, path);
    ck_assert_uint_eq(err.line, line);
    ck_assert_uint_eq(err.column, col);
    ck_assert_str_eq(err.message, msg);
}

START_TEST(ui_log_rejects_lines_that_are_not_messages)
{
    error_eq(FIX "nonjson-middle.log", TFA_EINPUT, 3, 1, "unexpected 'E', expected a JSON value");
    error_eq(FIX "array-line.log", TFA_EINPUT, 2, 1,
             "expected a JSON object (a UI log message), not an array");
    error_eq(FIX "two-per-line.log", TFA_EINPUT, 1, 169,
             "unexpected '{', expected a line break after the JSON value");
    error_eq(FIX "ui-version-2.log", TFA_EVERSION, 1, 162,
             "unsupported ui version \"2.0\" (this build reads up to 1.3)");
}
END_TEST

START_TEST(ui_log_rejects_a_string_line_and_a_message_without_address)
{
    static const char version[] =
        "{\"@level\":\"info\",\"terraform\":\"1.9.5\",\"type\":\"version\","
        "\"ui\":\"1.2\"}\n";
    const char *cases[][2] = {
        {"\"x\"\n", "expected a JSON object (a UI log message), not a string"},
        {"{\"change\":{\"resource\":{\"addr\":7},\"action\":\"create\"},\"type\":\"planned_"
         "change\"}",
         "planned_change message without a resource address"},
        {"{\"hook\":{\"action\":\"create\"},\"type\":\"apply_start\"}\n",
         "apply_start message without a resource address"},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_buf text;
        tfa_run *run = NULL;
        tfa_error err;
        tfa_buf_init(&text, TFA_BUF_NO_MAX);
        tfa_buf_printf(&text, "%s\n%s", version, cases[i][0]);
        tfa_error_init(&err);
        ck_assert_int_eq(
            tfa_test_load_mem(&run, "mem.log", text.ptr, text.len, TFA_KIND_UI_LOG, &err),
            TFA_EINPUT);
        ck_assert_uint_eq(err.line, 3);
        ck_assert_uint_eq(err.column, 1);
        ck_assert_str_eq(err.message, cases[i][1]);
        tfa_buf_release(&text);
    }
}
END_TEST

/* A message with two "type" members is refused at the second, whichever
 * path reads it (skimmed as only counted, or token by token): otherwise
 * the type a reader believed would decide whether an apply error is
 * recorded or counted as a refresh. */
START_TEST(ui_log_refuses_a_message_with_two_types)
{
    static const char *const lines[] = {
        "{\"hook\":{\"resource\":{\"addr\":\"null_resource.a\"},\"action\":\"create\"},"
        "\"type\":\"apply_errored\",\"type\":\"refresh_start\"}",
        "{\"hook\":{\"resource\":{\"addr\":\"null_resource.a\"},\"action\":\"create\"},"
        "\"type\":\"refresh_start\",\"type\":\"apply_errored\"}",
        "{\"type\":\"log\",\"@message\":\"x\",\"type\":\"log\"}",
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(lines); i++) {
        const char *second = strstr(strstr(lines[i], "\"type\":") + 1, "\"type\":") + 7;
        tfa_buf text;
        tfa_run *run = NULL;
        tfa_error err;
        tfa_buf_init(&text, TFA_BUF_NO_MAX);
        tfa_buf_printf(&text, "{\"type\":\"log\"}\n%s\n", lines[i]);
        tfa_error_init(&err);
        ck_assert_int_eq(
            tfa_test_load_mem(&run, "mem.log", text.ptr, text.len, TFA_KIND_UI_LOG, &err),
            TFA_EINPUT);
        ck_assert_uint_eq(err.line, 2);
        ck_assert_uint_eq(err.column, (unsigned long)(second - lines[i]) + 1);
        ck_assert_str_eq(err.message, "a UI log message with two \"type\" members");
        tfa_buf_release(&text);
    }
}
END_TEST

/* Messages that are only counted (refresh_*: skimmed, not read token by
 * token) keep the field limits of the token path: an address over
 * TFA_LIMIT_STRING_BYTES is still an error at its place, and a long
 * @message, which is never read, still is not. */
START_TEST(ui_log_keeps_field_limits_on_messages_it_only_counts)
{
    static const char version[] = "{\"@level\":\"info\",\"@message\":\"v\",\"terraform\":\"1.9.5\","
                                  "\"type\":\"version\",\"ui\":\"1.2\"}\n";
    int addr;

    for (addr = 0; addr < 2; addr++) {
        tfa_buf text, big;
        tfa_run *run = NULL;
        tfa_error err;
        int rc;

        tfa_buf_init(&text, TFA_BUF_NO_MAX);
        tfa_buf_init(&big, TFA_BUF_NO_MAX);
        ck_assert_int_eq(tfa_buf_grow(&big, TFA_LIMIT_STRING_BYTES + 8), 0);
        memset(big.ptr, 'x', TFA_LIMIT_STRING_BYTES + 8);
        big.len = TFA_LIMIT_STRING_BYTES + 8;
        tfa_buf_printf(&text,
                       "%s{\"@level\":\"info\",\"@message\":\"%.*s\",\"hook\":{\"resource\":"
                       "{\"addr\":\"a.%.*s\"}},\"type\":\"refresh_start\"}\n",
                       version, addr ? 1 : (int)big.len, big.ptr, addr ? (int)big.len : 1, big.ptr);
        tfa_error_init(&err);
        rc = tfa_test_load_mem(&run, "mem.log", text.ptr, text.len, TFA_KIND_UI_LOG, &err);
        if (addr) {
            ck_assert_int_eq(rc, TFA_ELIMIT);
            ck_assert_uint_eq(err.line, 2);
            ck_assert_msg(strstr(err.message, "\"addr\" is longer than"), "%s", err.message);
        } else {
            ck_assert_tfa_ok(rc, &err);
            ck_assert_uint_eq(tfa_run_input(run, 0)->log.messages, 2);
            tfa_run_free(run);
        }
        tfa_buf_release(&text);
        tfa_buf_release(&big);
    }
}
END_TEST

START_TEST(ui_log_keeps_what_precedes_a_cut_off_last_line)
{
    tfa_run *run = load(FIX "truncated-tail.log");
    const tfa_log_info *log = &tfa_run_input(run, 0)->log;
    const tfa_note *n;
    const tfa_applied *a;

    ck_assert_int_eq(log->truncated_tail, 1);
    ck_assert_int_eq(log->messages, 5);
    ck_assert_int_eq(log->planned, 1);
    ck_assert_int_eq(log->applied, 0);
    str_eq_or_null(log->operation, "apply", "operation");
    ck_assert_int_eq(log->has_counts, 0);
    ck_assert_int_eq(log->final_summary, 0);
    ck_assert_uint_eq(tfa_run_note_count(run), 1);
    n = tfa_run_note(run, 0);
    ck_assert_str_eq(n->message, "the last line is cut off (the input ends inside it); it was "
                                 "skipped");
    ck_assert_uint_eq(n->pos.line, 6);
    ck_assert_uint_eq(n->pos.column, 1);
    /* the create was still in flight when the log ends */
    ck_assert_uint_eq(tfa_run_applied_count(run), 1);
    a = tfa_run_applied(run, 0);
    str_eq_or_null(a->res.address, "aws_instance.web[0]", "address");
    ck_assert_int_eq(a->status, TFA_APPLY_STARTED);
    ck_assert_double_eq(a->elapsed, 10);
    str_eq_or_null(a->id_value, NULL, "id_value");
    tfa_run_free(run);
}
END_TEST

START_TEST(ui_log_tells_a_cut_value_from_a_complete_last_line)
{
    static const char first[] = "{\"@level\":\"info\",\"type\":\"log\"}\n";
    static const char *const cut[] = {"{\"@level\":\"info\",\"x\":tr", "{\"@level\":\"in",
                                      "{\"elapsed\":1", "{\"elapsed\":-", "{\"@level\":"};
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cut); i++) {
        char text[256];
        tfa_run *run;
        snprintf(text, sizeof(text), "%s%s", first, cut[i]);
        run = load_text(text);
        ck_assert_msg(tfa_run_input(run, 0)->log.truncated_tail == 1, "'%s'", cut[i]);
        ck_assert_int_eq(tfa_run_input(run, 0)->log.messages, 1);
        tfa_run_free(run);
    }
    /* a last line without its newline is complete, not cut */
    {
        tfa_run *run = load_text("{\"type\":\"log\"}\n{\"type\":\"log\"}");
        ck_assert_int_eq(tfa_run_input(run, 0)->log.truncated_tail, 0);
        ck_assert_int_eq(tfa_run_input(run, 0)->log.messages, 2);
        ck_assert_uint_eq(tfa_run_note_count(run), 0);
        tfa_run_free(run);
    }
}
END_TEST

/* One planned_change line of `action` for the root module's `addr`. */
static void put_change(tfa_buf *b, const char *addr, const char *action)
{
    tfa_buf_printf(b,
                   "{\"@level\":\"info\",\"@message\":\"%s: Plan to %s\",\"change\":{\"resource\":"
                   "{\"addr\":\"%s\",\"resource_type\":\"null_resource\",\"resource_name\":\"x\","
                   "\"resource_key\":null,\"implied_provider\":\"null\",\"module\":\"\","
                   "\"resource\":\"%s\"},\"action\":\"%s\"},\"type\":\"planned_change\"}\n",
                   addr, action, addr, addr, action);
}

/* `text` (taken) ended by a change_summary of `op` with these counts, read
 * as a UI log: it must load (`line` 0), or fail as not adding up at that
 * line. */
static void expect_summary(size_t i, tfa_buf *text, const char *op, long add, long change,
                           long remove, unsigned long line)
{
    tfa_run *run = NULL;
    tfa_error err;
    char want[64];
    int rc;

    tfa_buf_printf(
        text,
        "{\"@level\":\"info\",\"@message\":\"...\",\"changes\":{\"add\":%ld,\"change\":%ld,"
        "\"import\":0,\"remove\":%ld,\"operation\":\"%s\"},\"type\":\"change_summary\"}\n",
        add, change, remove, op);
    tfa_error_init(&err);
    rc = tfa_test_load_mem(&run, "mem.log", text->ptr, text->len, TFA_KIND_UI_LOG, &err);
    if (!line) {
        ck_assert_msg(rc == 0, "case %zu: %s", i, err.message);
    } else {
        snprintf(want, sizeof(want), "this %s's change_summary does not add up",
                 strcmp(op, "plan") == 0 ? "plan" : "apply");
        ck_assert_msg(rc == TFA_EINPUT, "case %zu read", i);
        ck_assert_msg(strstr(err.message, want), "case %zu: %s", i, err.message);
        ck_assert_uint_eq(err.line, line);
    }
    tfa_run_free(run);
    tfa_buf_release(text);
}

/* The plan's change_summary against the planned changes before it: the
 * summaries Terraform writes for them pass, any other is refused at the
 * summary's line, so a log that lost a planned delete (a cut CI log) or
 * had its summary edited is never read as a plan without that delete. */
START_TEST(ui_log_refuses_a_plan_summary_that_does_not_add_up)
{
    /* the planned changes: action and address, up to five */
    static const struct {
        const char *changes[5][2];
        long add, change, remove;
        int ok;
    } cases[] = {
        {{{"create", "null_resource.a"},
          {"update", "null_resource.b"},
          {"delete", "null_resource.c"}},
         1,
         1,
         1,
         1},
        /* a delete is missing; the summary hides one; an update, a create is missing */
        {{{"create", "null_resource.a"}, {"update", "null_resource.b"}}, 1, 1, 1, 0},
        {{{"create", "null_resource.a"},
          {"update", "null_resource.b"},
          {"delete", "null_resource.c"}},
         1,
         1,
         0,
         0},
        {{{"create", "null_resource.a"}, {"delete", "null_resource.c"}}, 1, 1, 1, 0},
        {{{"create", "null_resource.a"}}, 2, 0, 0, 0},
        /* a replace: delete/create either way; create then forget, counted to
         * add or (some versions) not at all; nothing else */
        {{{"replace", "null_resource.a"}}, 1, 0, 1, 1},
        {{{"replace", "null_resource.a"}}, 1, 0, 0, 1},
        {{{"replace", "null_resource.a"}}, 0, 0, 0, 1},
        {{{"replace", "null_resource.a"}}, 0, 0, 1, 0},
        {{{"replace", "null_resource.a"}}, 1, 0, 2, 0},
        /* not counted by Terraform */
        {{{"delete", "data.null_data_source.d"}}, 0, 0, 0, 1},
        {{{"read", "data.null_data_source.d"},
          {"noop", "null_resource.n"},
          {"move", "null_resource.m"},
          {"import", "null_resource.i"},
          {"remove", "null_resource.f"}},
         0,
         0,
         0,
         1},
        {{{NULL, NULL}}, 0, 0, 0, 1},
        {{{NULL, NULL}}, 0, 0, 1, 0},
    };
    size_t i, j;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_buf text;
        unsigned long lines = 1;

        tfa_buf_init(&text, TFA_BUF_NO_MAX);
        tfa_buf_puts(&text, "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.5\",\"terraform\":"
                            "\"1.9.5\",\"type\":\"version\",\"ui\":\"1.2\"}\n");
        for (j = 0; j < 5 && cases[i].changes[j][0]; j++, lines++)
            put_change(&text, cases[i].changes[j][1], cases[i].changes[j][0]);
        expect_summary(i, &text, "plan", cases[i].add, cases[i].change, cases[i].remove,
                       cases[i].ok ? 0 : lines + 1);
    }
}
END_TEST

/* One apply_start and apply_complete pair of `action` for `addr`. */
static void put_applied(tfa_buf *b, const char *addr, const char *action)
{
    static const char *const types[] = {"apply_start", "apply_complete"};
    size_t i;
    for (i = 0; i < 2; i++)
        tfa_buf_printf(b,
                       "{\"@level\":\"info\",\"@message\":\"%s\",\"hook\":{\"resource\":{\"addr\":"
                       "\"%s\"},\"action\":\"%s\"},\"type\":\"%s\"}\n",
                       addr, addr, action, types[i]);
}

/* An apply's change_summary against the resources it completed: a replace
 * is a delete and a create; a log that lost a completed delete, or whose
 * summary was edited, is refused at the summary's line. */
START_TEST(ui_log_refuses_an_apply_summary_that_does_not_add_up)
{
    static const struct {
        int lose_delete;
        long add, change, remove;
        int ok;
    } cases[] = {
        {0, 2, 1, 2, 1}, {1, 2, 1, 2, 0}, {0, 2, 1, 1, 0}, {0, 1, 1, 2, 0}, {0, 2, 0, 2, 0},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_buf text;

        tfa_buf_init(&text, TFA_BUF_NO_MAX);
        put_applied(&text, "null_resource.r", "delete"); /* a replace */
        put_applied(&text, "null_resource.r", "create");
        put_applied(&text, "null_resource.u", "update");
        put_applied(&text, "data.null_data_source.d", "read"); /* not counted */
        if (!cases[i].lose_delete)
            put_applied(&text, "null_resource.d", "delete");
        put_applied(&text, "null_resource.c", "create");
        expect_summary(i, &text, "apply", cases[i].add, cases[i].change, cases[i].remove,
                       cases[i].ok            ? 0
                       : cases[i].lose_delete ? 11
                                              : 13);
    }
}
END_TEST

/* A change_summary count that is not a non-negative integer is an error
 * naming it, not 0: a summary that cannot be read says nothing. */
START_TEST(ui_log_refuses_a_summary_count_it_cannot_read)
{
    static const char *const cases[][2] = {
        {"\"1\"", "\"remove\" must be a number, not a string"},
        {"-1", "\"remove\" out of range (0 to 9223372036854775807)"},
        {"1.5", "\"remove\" must be an integer"},
        {"null", "a change_summary count must be a non-negative integer"},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        char text[256];
        tfa_run *run = NULL;
        tfa_error err;
        snprintf(text, sizeof(text),
                 "{\"@level\":\"info\",\"@message\":\"Plan\",\"changes\":{\"add\":0,\"change\":0,"
                 "\"remove\":%s,\"operation\":\"apply\"},\"type\":\"change_summary\"}\n",
                 cases[i][0]);
        tfa_error_init(&err);
        ck_assert_int_eq(
            tfa_test_load_mem(&run, "mem.log", text, strlen(text), TFA_KIND_UI_LOG, &err),
            TFA_EINPUT);
        ck_assert_str_eq(err.message, cases[i][1]);
        ck_assert_uint_eq(err.line, 1);
        tfa_run_free(run);
    }
}
END_TEST

/* Each run of a log (a version message starts one) is summed alone. */
START_TEST(ui_log_sums_each_run_alone)
{
    static const char run_text[] =
        "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.5\",\"terraform\":\"1.9.5\",\"type\":"
        "\"version\",\"ui\":\"1.2\"}\n";
    tfa_buf text;
    tfa_run *run = NULL;
    tfa_error err;

    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    tfa_buf_puts(&text, run_text);
    put_change(&text, "null_resource.a", "delete"); /* a run cut before its summary */
    tfa_buf_puts(&text, run_text);
    put_change(&text, "null_resource.b", "create");
    tfa_buf_puts(&text, "{\"@level\":\"info\",\"@message\":\"Plan: ...\",\"changes\":{\"add\":1,"
                        "\"change\":0,\"import\":0,\"remove\":0,\"operation\":\"plan\"},\"type\":"
                        "\"change_summary\"}\n");
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "mem.log", text.ptr, text.len, TFA_KIND_UI_LOG, &err),
                     &err);
    /* both runs' changes stay in the run model: the delete is not lost */
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_PLANNED), 2);
    tfa_run_free(run);
    tfa_buf_release(&text);
}
END_TEST

START_TEST(ui_log_survives_allocation_failures)
{
    int rc = TFA_ENOMEM;
    long n;

    /* fail the 1st, 2nd, ... allocation until a load gets through */
    for (n = 1; rc == TFA_ENOMEM && n < 100000; n++) {
        tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
        tfa_run *run = NULL;
        tfa_error err;
        tfa_error_init(&err);
        tfa_alloc_fail_after(n);
        rc = tfa_run_new(&run);
        if (rc == 0)
            rc = tfa_run_load(run, FIX "apply-errored.log", &lo, &err);
        tfa_alloc_fail_after(0);
        ck_assert_msg(rc == 0 || rc == TFA_ENOMEM, "n=%ld: %d %s", n, rc, err.message);
        if (rc == 0)
            ck_assert_uint_eq(tfa_run_applied_count(run), 3);
        tfa_run_free(run);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_gt(n, 10);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ui_log_errors");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, ui_log_rejects_lines_that_are_not_messages);
    tcase_add_test(tc, ui_log_rejects_a_string_line_and_a_message_without_address);
    tcase_add_test(tc, ui_log_refuses_a_message_with_two_types);
    tcase_add_test(tc, ui_log_keeps_field_limits_on_messages_it_only_counts);
    tcase_add_test(tc, ui_log_keeps_what_precedes_a_cut_off_last_line);
    tcase_add_test(tc, ui_log_tells_a_cut_value_from_a_complete_last_line);
    tcase_add_test(tc, ui_log_refuses_a_plan_summary_that_does_not_add_up);
    tcase_add_test(tc, ui_log_sums_each_run_alone);
    tcase_add_test(tc, ui_log_refuses_an_apply_summary_that_does_not_add_up);
    tcase_add_test(tc, ui_log_refuses_a_summary_count_it_cannot_read);
    tcase_add_test(tc, ui_log_survives_allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
