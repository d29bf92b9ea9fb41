/*
 * check_ui_log.c - the `terraform plan|apply -json` UI log reader: records
 * and facts from real-shaped logs (fixtures/ui-logs/, written the way
 * Terraform 1.9 and OpenTofu 1.8 print them) and secrets that must stay
 * out. Errors, limits and cut-off lines: check_ui_log_errors.c.
 */
#include "util/compat.h"

#include "input.h"
#include "run.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"
#include "ui_log_test.h"

static void counts_eq(const tfa_counts *c, long add, long change, long destroy, long import,
                      long forget)
{
    ck_assert_int_eq(c->add, add);
    ck_assert_int_eq(c->change, change);
    ck_assert_int_eq(c->destroy, destroy);
    ck_assert_int_eq(c->import, import);
    ck_assert_int_eq(c->forget, forget);
}

typedef struct want_change {
    const char *address, *module, *mode, *type, *name, *index;
    tfa_action action;
    const char *prev, *reason;
    int importing;
    const char *importing_id;
    unsigned long line;
} want_change;

static void change_eq(const tfa_change *c, const want_change *w)
{
    str_eq_or_null(c->res.address, w->address, "address");
    str_eq_or_null(c->res.module, w->module, "module");
    str_eq_or_null(c->res.mode, w->mode, "mode");
    str_eq_or_null(c->res.type, w->type, "type");
    str_eq_or_null(c->res.name, w->name, "name");
    str_eq_or_null(c->res.index, w->index, "index");
    str_eq_or_null(c->res.provider, "aws", "provider");
    str_eq_or_null(c->res.deposed, NULL, "deposed");
    ck_assert_msg(c->action == w->action, "%s: action %s", w->address, tfa_action_name(c->action));
    ck_assert_int_eq(c->replace, TFA_REPLACE_NONE);
    str_eq_or_null(c->prev_address, w->prev, "prev_address");
    str_eq_or_null(c->reason, w->reason, "reason");
    ck_assert_int_eq(c->importing, w->importing);
    str_eq_or_null(c->importing_id, w->importing_id, "importing_id");
    ck_assert_uint_eq(c->n_changed, 0);
    ck_assert_uint_eq(c->input, 0);
    ck_assert_uint_eq(c->pos.line, w->line);
    ck_assert_uint_eq(c->pos.column, 1);
}

START_TEST(ui_log_reads_drift_and_planned_changes)
{
    static const want_change drift[] = {{"aws_security_group.web", NULL, "managed",
                                         "aws_security_group", "web", NULL, TFA_ACTION_UPDATE, NULL,
                                         NULL, 0, NULL, 4},
                                        {"aws_s3_bucket.logs", NULL, "managed", "aws_s3_bucket",
                                         "logs", NULL, TFA_ACTION_DELETE, NULL, NULL, 0, NULL, 5}};
    static const want_change planned[] = {
        {"module.net.aws_subnet.a[\"eu-west-1a\"]", "module.net", "managed", "aws_subnet", "a",
         "\"eu-west-1a\"", TFA_ACTION_CREATE, NULL, NULL, 0, NULL, 6},
        {"aws_security_group.web", NULL, "managed", "aws_security_group", "web", NULL,
         TFA_ACTION_UPDATE, NULL, NULL, 0, NULL, 7},
        {"aws_instance.web[0]", NULL, "managed", "aws_instance", "web", "0", TFA_ACTION_REPLACE,
         NULL, "replace_because_cannot_update", 0, NULL, 8},
        {"aws_s3_bucket.logs", NULL, "managed", "aws_s3_bucket", "logs", NULL, TFA_ACTION_DELETE,
         NULL, "delete_because_no_resource_config", 0, NULL, 9},
        {"aws_iam_role.ci", NULL, "managed", "aws_iam_role", "ci", NULL, TFA_ACTION_NOOP, NULL,
         NULL, 1, "ci-deployer", 10},
        {"aws_s3_bucket.assets", NULL, "managed", "aws_s3_bucket", "assets", NULL, TFA_ACTION_NOOP,
         "aws_s3_bucket.static", NULL, 0, NULL, 11},
        {"module.app.aws_sqs_queue.jobs", "module.app", "managed", "aws_sqs_queue", "jobs", NULL,
         TFA_ACTION_UPDATE, "aws_sqs_queue.jobs", NULL, 0, NULL, 12},
        {"data.aws_ami.base", NULL, "data", "aws_ami", "base", NULL, TFA_ACTION_READ, NULL,
         "read_because_config_unknown", 0, NULL, 13},
        {"aws_instance.legacy", NULL, "managed", "aws_instance", "legacy", NULL, TFA_ACTION_FORGET,
         NULL, NULL, 0, NULL, 14}};
    tfa_run *run = load(FIX "plan-drift.log");
    const tfa_input *in = tfa_run_input(run, 0);
    const tfa_log_info *log = &in->log;
    size_t i;

    str_eq_or_null(in->tool, "terraform", "tool");
    str_eq_or_null(in->tool_version, "1.9.5", "tool_version");
    str_eq_or_null(in->format_version, NULL, "format_version");
    str_eq_or_null(log->ui_version, "1.2", "ui_version");
    ck_assert_uint_eq(in->documents, 1);
    str_eq_or_null(log->operation, "plan", "operation");
    ck_assert_int_eq(log->has_counts, 1);
    counts_eq(&log->counts, 2, 2, 2, 1, 0);
    ck_assert_int_eq(log->no_changes, 0);
    ck_assert_int_eq(log->drift, 2);
    ck_assert_int_eq(log->planned, 9);
    ck_assert_int_eq(log->messages, 16);
    ck_assert_int_eq(log->unknown_messages, 0);
    ck_assert_int_eq(log->errors + log->warnings + log->applied + log->apply_errors, 0);
    ck_assert_int_eq(log->truncated_tail, 0);

    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_DRIFT), TFA_ARRAY_SIZE(drift));
    for (i = 0; i < TFA_ARRAY_SIZE(drift); i++)
        change_eq(tfa_run_change(run, TFA_LIST_DRIFT, i), &drift[i]);
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_PLANNED), TFA_ARRAY_SIZE(planned));
    for (i = 0; i < TFA_ARRAY_SIZE(planned); i++)
        change_eq(tfa_run_change(run, TFA_LIST_PLANNED, i), &planned[i]);
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_CHANGES), 0);
    ck_assert_uint_eq(tfa_run_applied_count(run), 0);
    ck_assert_uint_eq(tfa_run_diag_count(run), 0);
    ck_assert_uint_eq(tfa_run_note_count(run), 0);

    ck_assert_uint_eq(tfa_run_output_count(run), 2);
    str_eq_or_null(tfa_run_output(run, 0)->name, "db_password", "output");
    ck_assert_int_eq(tfa_run_output(run, 0)->sensitive, 1);
    ck_assert_int_eq(tfa_run_output(run, 0)->action, TFA_ACTION_CREATE);
    str_eq_or_null(tfa_run_output(run, 1)->name, "web_ip", "output");
    ck_assert_int_eq(tfa_run_output(run, 1)->sensitive, 0);
    ck_assert_int_eq(tfa_run_output(run, 1)->action, TFA_ACTION_UPDATE);
    tfa_run_free(run);
}
END_TEST

static void applied_eq(const tfa_applied *a, const char *address, tfa_action action,
                       tfa_apply_status status, const char *id_value, double elapsed,
                       unsigned long line)
{
    str_eq_or_null(a->res.address, address, "address");
    str_eq_or_null(a->res.provider, "aws", "provider");
    ck_assert_int_eq(a->action, action);
    ck_assert_int_eq(a->status, status);
    str_eq_or_null(a->id_key, id_value ? "id" : NULL, "id_key");
    str_eq_or_null(a->id_value, id_value, "id_value");
    ck_assert_double_eq(a->elapsed, elapsed);
    ck_assert_uint_eq(a->pos.line, line);
}

START_TEST(ui_log_follows_each_resource_through_apply)
{
    tfa_run *run = load(FIX "apply-errored.log");
    const tfa_log_info *log = &tfa_run_input(run, 0)->log;
    const tfa_diag *d;

    /* an apply that failed prints no apply summary: the plan's is the last,
     * and the apply messages after it make this the log of an apply that did
     * not finish, with no apply counts (the plan's are not the apply's) */
    str_eq_or_null(log->operation, "apply", "operation");
    ck_assert_int_eq(log->has_counts, 0);
    ck_assert_int_eq(log->final_summary, 0);
    ck_assert_int_eq(log->applied, 2);
    ck_assert_int_eq(log->apply_errors, 1);
    ck_assert_int_eq(log->errors, 1);
    ck_assert_int_eq(log->planned, 3);
    ck_assert_int_eq(log->messages, 14);

    ck_assert_uint_eq(tfa_run_applied_count(run), 3);
    /* the delete's ID comes from its apply_start, the create's from apply_complete */
    applied_eq(tfa_run_applied(run, 0), "aws_s3_bucket.logs", TFA_ACTION_DELETE, TFA_APPLY_COMPLETE,
               "acme-logs-eu", 1, 6);
    applied_eq(tfa_run_applied(run, 1), "aws_instance.web[0]", TFA_ACTION_CREATE,
               TFA_APPLY_COMPLETE, "i-0abc123def4567890", 13, 7);
    str_eq_or_null(tfa_run_applied(run, 1)->res.index, "0", "index");
    applied_eq(tfa_run_applied(run, 2), "aws_db_instance.main", TFA_ACTION_CREATE,
               TFA_APPLY_ERRORED, NULL, 16, 8);

    ck_assert_uint_eq(tfa_run_diag_count(run), 1);
    d = tfa_run_diag(run, 0);
    ck_assert_int_eq(d->severity, TFA_SEV_ERROR);
    str_eq_or_null(d->summary,
                   "creating RDS DB Instance (main): InvalidParameterValue: Invalid DB engine "
                   "version",
                   "summary");
    str_eq_or_null(d->detail, NULL, "detail"); /* "" in the log */
    str_eq_or_null(d->address, "aws_db_instance.main", "address");
    str_eq_or_null(d->range_file, "db.tf", "range_file");
    ck_assert_uint_eq(d->range_line, 1);
    ck_assert_uint_eq(d->range_column, 1);
    ck_assert_uint_eq(d->pos.line, 14);
    tfa_run_free(run);
}
END_TEST

START_TEST(ui_log_reads_diagnostics_with_ranges)
{
    tfa_run *run = load(FIX "diagnostics.log");
    const tfa_log_info *log = &tfa_run_input(run, 0)->log;
    const tfa_diag *d;

    ck_assert_int_eq(log->errors, 2);
    ck_assert_int_eq(log->warnings, 1);
    str_eq_or_null(log->operation, NULL, "operation");
    ck_assert_int_eq(log->has_counts, 0);
    ck_assert_uint_eq(tfa_run_diag_count(run), 3);

    d = tfa_run_diag(run, 0);
    ck_assert_int_eq(d->severity, TFA_SEV_WARNING);
    str_eq_or_null(d->summary, "Argument is deprecated", "summary");
    str_eq_or_null(d->detail, "Use the aws_s3_bucket_versioning resource instead.", "detail");
    str_eq_or_null(d->address, "aws_s3_bucket.logs", "address");
    str_eq_or_null(d->range_file, "storage.tf", "range_file");
    ck_assert_uint_eq(d->range_line, 14);
    ck_assert_uint_eq(d->range_column, 3);
    ck_assert_uint_eq(d->pos.line, 2);

    d = tfa_run_diag(run, 1);
    ck_assert_int_eq(d->severity, TFA_SEV_ERROR);
    str_eq_or_null(d->summary, "Reference to undeclared input variable", "summary");
    str_eq_or_null(d->detail,
                   "An input variable with the name \"region\" has not been declared. This "
                   "variable can be declared with a variable \"region\" {} block.",
                   "detail");
    str_eq_or_null(d->address, NULL, "address");
    str_eq_or_null(d->range_file, "modules/net/main.tf", "range_file");
    ck_assert_uint_eq(d->range_line, 7);
    ck_assert_uint_eq(d->range_column, 12);

    d = tfa_run_diag(run, 2);
    ck_assert_int_eq(d->severity, TFA_SEV_ERROR);
    str_eq_or_null(d->detail,
                   "Please see https://registry.terraform.io/providers/hashicorp/aws\nfor more "
                   "information about providing credentials.",
                   "detail");
    str_eq_or_null(d->range_file, NULL, "range_file");
    ck_assert_uint_eq(d->range_line, 0);
    tfa_run_free(run);
}
END_TEST

START_TEST(ui_log_cuts_long_diagnostic_text)
{
    tfa_buf log;
    tfa_run *run;
    const char *detail;
    size_t i;

    tfa_buf_init(&log, TFA_BUF_NO_MAX);
    tfa_buf_puts(&log, "{\"@level\":\"error\",\"diagnostic\":{\"severity\":\"error\","
                       "\"summary\":\"big\",\"detail\":\"");
    for (i = 0; i < TFA_LIMIT_MESSAGE_BYTES; i++) /* a 2-byte character across the limit */
        tfa_buf_puts(&log, i == TFA_LIMIT_MESSAGE_BYTES - 1 ? "\xc3\xa9" : "x");
    tfa_buf_puts(&log, "\"},\"type\":\"diagnostic\"}\n");
    run = load_text(log.ptr);
    detail = tfa_run_diag(run, 0)->detail;
    ck_assert_uint_eq(strlen(detail), TFA_LIMIT_MESSAGE_BYTES - 1 + 3);
    ck_assert_str_eq(detail + TFA_LIMIT_MESSAGE_BYTES - 1, "\xe2\x80\xa6");
    tfa_run_free(run);
    tfa_buf_release(&log);
}
END_TEST

START_TEST(ui_log_reads_opentofu_logs)
{
    tfa_run *run = load(FIX "opentofu.log");
    const tfa_input *in = tfa_run_input(run, 0);
    const tfa_change *c;

    str_eq_or_null(in->tool, "opentofu", "tool");
    str_eq_or_null(in->tool_version, "1.8.3", "tool_version");
    str_eq_or_null(in->log.ui_version, "1.2", "ui_version");
    counts_eq(&in->log.counts, 1, 0, 0, 0, 1);
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_PLANNED), 2);
    c = tfa_run_change(run, TFA_LIST_PLANNED, 0);
    str_eq_or_null(c->res.provider, "random", "provider");
    ck_assert_int_eq(tfa_run_change(run, TFA_LIST_PLANNED, 1)->action, TFA_ACTION_FORGET);
    tfa_run_free(run);

    /* the "tofu.ui" spelling of the UI version key */
    run = load_text("{\"@level\":\"info\",\"@message\":\"OpenTofu 1.9.0\",\"@module\":\"tofu.ui\","
                    "\"tofu\":\"1.9.0\",\"tofu.ui\":\"1.2\",\"type\":\"version\"}\n");
    in = tfa_run_input(run, 0);
    str_eq_or_null(in->tool, "opentofu", "tool");
    str_eq_or_null(in->tool_version, "1.9.0", "tool_version");
    str_eq_or_null(in->log.ui_version, "1.2", "ui_version");
    tfa_run_free(run);

    /* no version message: the @module says which tool wrote the log */
    run = load_text("{\"@level\":\"info\",\"@message\":\"x\",\"@module\":\"tofu.ui\","
                    "\"type\":\"log\"}\n");
    str_eq_or_null(tfa_run_input(run, 0)->tool, "opentofu", "tool");
    str_eq_or_null(tfa_run_input(run, 0)->tool_version, NULL, "tool_version");
    tfa_run_free(run);
}
END_TEST

START_TEST(ui_log_counts_message_types_it_does_not_know)
{
    tfa_run *run = load(FIX "unknown-types.log");
    const tfa_input *in = tfa_run_input(run, 0);

    ck_assert_int_eq(in->log.messages, 8);
    ck_assert_int_eq(in->log.unknown_messages, 2); /* a typeless line is a plain log line */
    ck_assert_int_eq(in->log.planned + in->log.applied + in->log.errors, 0);
    ck_assert_uint_eq(tfa_run_applied_count(run), 0); /* action_start: not a resource */
    str_eq_or_null(in->tool_version, "1.14.0", "tool_version");
    str_eq_or_null(in->log.ui_version, "1.3", "ui_version");
    str_eq_or_null(in->log.operation, "plan", "operation");
    ck_assert_int_eq(in->log.no_changes, 1);
    ck_assert_uint_eq(tfa_run_note_count(run), 0);
    tfa_run_free(run);

    /* a later minor UI version is read, with a note */
    run = load_text("{\"terraform\":\"1.20.0\",\"type\":\"version\",\"ui\":\"1.7\"}\n"
                    "{\"type\":\"teleport_start\"}\n");
    ck_assert_int_eq(tfa_run_input(run, 0)->log.unknown_messages, 1);
    ck_assert_uint_eq(tfa_run_note_count(run), 1);
    ck_assert_str_eq(tfa_run_note(run, 0)->message, "ui version \"1.7\" is newer than 1.3; message "
                                                    "types it adds are counted as unknown");
    tfa_run_free(run);
}
END_TEST

START_TEST(ui_log_takes_the_last_summary_and_agreeing_versions)
{
    tfa_run *run =
        load_text("{\"terraform\":\"1.9.5\",\"type\":\"version\",\"ui\":\"1.2\"}\n"
                  "{\"change\":{\"resource\":{\"addr\":\"a.b\"},\"action\":\"replace\"},"
                  "\"type\":\"planned_change\"}\n"
                  "{\"changes\":{\"add\":1,\"change\":0,\"remove\":1,\"operation\":\"plan\"},"
                  "\"type\":\"change_summary\"}\n"
                  "{\"terraform\":\"1.9.6\",\"type\":\"version\",\"ui\":\"1.2\"}\n"
                  "{\"hook\":{\"resource\":{\"addr\":\"a.b\"},\"action\":\"delete\"},"
                  "\"type\":\"apply_complete\"}\n"
                  "{\"changes\":{\"add\":0,\"change\":0,\"remove\":1,\"operation\":\"destroy\"},"
                  "\"type\":\"change_summary\"}\n");
    const tfa_input *in = tfa_run_input(run, 0);

    str_eq_or_null(in->log.operation, "destroy", "operation");
    counts_eq(&in->log.counts, 0, 0, 1, 0, 0);
    str_eq_or_null(in->tool_version, NULL, "tool_version"); /* 1.9.5 and 1.9.6 */
    str_eq_or_null(in->tool, "terraform", "tool");
    str_eq_or_null(in->log.ui_version, "1.2", "ui_version");
    ck_assert_uint_eq(in->documents, 2);
    ck_assert_uint_eq(tfa_run_note_count(run), 1);
    tfa_run_free(run);

    /* apply messages and no summary: an apply */
    run = load_text("{\"hook\":{\"resource\":{\"addr\":\"a.b\"},\"action\":\"create\"},"
                    "\"type\":\"apply_start\"}\n");
    str_eq_or_null(tfa_run_input(run, 0)->log.operation, "apply", "operation");
    ck_assert_int_eq(tfa_run_input(run, 0)->log.has_counts, 0);
    ck_assert_int_eq(tfa_run_applied(run, 0)->status, TFA_APPLY_STARTED);
    ck_assert_double_eq(tfa_run_applied(run, 0)->elapsed, -1);
    tfa_run_free(run);
}
END_TEST

/*
 * Token text lives in the scanner's window and moves when the window is
 * refilled, so a key must be resolved before its value is read. The first
 * refill comes at the end of the detection head (TFA_LIMIT_DETECT_BYTES):
 * padding the first line moves that boundary across every byte of the
 * messages after it. A long last line makes the refill overwrite the whole
 * head, so stale token text cannot still read right.
 */
START_TEST(ui_log_reads_messages_across_window_refills)
{
    static const char tail[] =
        "{\"@level\":\"info\",\"change\":{\"resource\":{\"addr\":\"module.a.aws_s3_bucket.b["
        "\\\"k\\\"]\","
        "\"module\":\"module.a\",\"implied_provider\":\"aws\",\"resource_type\":\"aws_s3_bucket\","
        "\"resource_name\":\"b\",\"resource_key\":\"k\"},\"previous_resource\":{\"addr\":"
        "\"aws_s3_bucket.b\"},\"action\":\"update\",\"reason\":\"cannot_update\",\"importing\":"
        "{\"id\":\"bkt\"}},\"type\":\"planned_change\"}\n"
        "{\"@level\":\"error\",\"diagnostic\":{\"severity\":\"error\",\"summary\":\"boom\","
        "\"detail\":\"bad\",\"address\":\"aws_s3_bucket.b\",\"range\":{\"filename\":\"s3.tf\","
        "\"start\":{\"line\":12,\"column\":5,\"byte\":200}}},\"type\":\"diagnostic\"}\n"
        "{\"hook\":{\"resource\":{\"addr\":\"aws_instance.x\",\"implied_provider\":\"aws\"},"
        "\"action\":\"create\"},\"type\":\"apply_start\"}\n"
        "{\"hook\":{\"resource\":{\"addr\":\"aws_instance.x\",\"implied_provider\":\"aws\"},"
        "\"action\":\"create\",\"id_key\":\"id\",\"id_value\":\"i-42\",\"elapsed_seconds\":7},"
        "\"type\":\"apply_complete\"}\n"
        "{\"changes\":{\"add\":1,\"change\":0,\"import\":2,\"remove\":0,\"operation\":\"apply\"},"
        "\"type\":\"change_summary\"}\n"
        "{\"outputs\":{\"endpoint\":{\"sensitive\":true,\"action\":\"create\"}},\"type\":"
        "\"outputs\"}\n"
        "{\"@module\":\"tofu.ui\",\"tofu\":\"1.8.3\",\"type\":\"version\",\"ui\":\"1.2\"}\n";
    static const char head[] = "{\"@level\":\"info\",\"@message\":\"",
                      end[] = "\",\"type\":\"log\"}\n";
    size_t fixed = sizeof(head) - 1 + sizeof(end) - 1, pad;
    tfa_buf text;

    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    for (pad = TFA_LIMIT_DETECT_BYTES - fixed - sizeof(tail); pad < TFA_LIMIT_DETECT_BYTES - fixed;
         pad++) {
        const tfa_change *c;
        const tfa_diag *d;
        const tfa_applied *a;
        const tfa_input *in;
        tfa_run *run;

        tfa_buf_clear(&text);
        tfa_buf_puts(&text, head);
        tfa_buf_grow(&text, pad);
        memset(text.ptr + text.len, 'x', pad);
        text.len += pad;
        text.ptr[text.len] = '\0';
        tfa_buf_puts(&text, end);
        tfa_buf_puts(&text, tail);
        tfa_buf_puts(&text, head);
        tfa_buf_grow(&text, TFA_LIMIT_DETECT_BYTES);
        memset(text.ptr + text.len, 'y', TFA_LIMIT_DETECT_BYTES);
        text.len += TFA_LIMIT_DETECT_BYTES;
        text.ptr[text.len] = '\0';
        tfa_buf_puts(&text, end);
        ck_assert_int_eq(tfa_buf_status(&text), 0);
        run = load_text(text.ptr);
        in = tfa_run_input(run, 0);
        ck_assert_int_eq(in->log.messages, 9);
        ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_PLANNED), 1);
        c = tfa_run_change(run, TFA_LIST_PLANNED, 0);
        str_eq_or_null(c->res.address, "module.a.aws_s3_bucket.b[\"k\"]", "address");
        str_eq_or_null(c->res.index, "\"k\"", "index");
        str_eq_or_null(c->res.provider, "aws", "provider");
        str_eq_or_null(c->prev_address, "aws_s3_bucket.b", "prev_address");
        str_eq_or_null(c->reason, "replace_because_cannot_update", "reason");
        str_eq_or_null(c->importing_id, "bkt", "importing_id");
        ck_assert_int_eq(c->action, TFA_ACTION_UPDATE);
        d = tfa_run_diag(run, 0);
        ck_assert_int_eq(d->severity, TFA_SEV_ERROR);
        str_eq_or_null(d->summary, "boom", "summary");
        str_eq_or_null(d->detail, "bad", "detail");
        str_eq_or_null(d->address, "aws_s3_bucket.b", "diag address");
        str_eq_or_null(d->range_file, "s3.tf", "range_file");
        ck_assert_uint_eq(d->range_line, 12);
        ck_assert_uint_eq(d->range_column, 5);
        ck_assert_uint_eq(tfa_run_applied_count(run), 1);
        a = tfa_run_applied(run, 0);
        ck_assert_int_eq(a->status, TFA_APPLY_COMPLETE);
        str_eq_or_null(a->id_key, "id", "id_key");
        str_eq_or_null(a->id_value, "i-42", "id_value");
        ck_assert_double_eq(a->elapsed, 7);
        str_eq_or_null(in->log.operation, "apply", "operation");
        counts_eq(&in->log.counts, 1, 0, 0, 2, 0);
        ck_assert_uint_eq(tfa_run_output_count(run), 1);
        str_eq_or_null(tfa_run_output(run, 0)->name, "endpoint", "output");
        ck_assert_int_eq(tfa_run_output(run, 0)->sensitive, 1);
        ck_assert_int_eq(tfa_run_output(run, 0)->action, TFA_ACTION_CREATE);
        str_eq_or_null(in->tool, "opentofu", "tool");
        str_eq_or_null(in->tool_version, "1.8.3", "tool_version");
        str_eq_or_null(in->log.ui_version, "1.2", "ui_version");
        tfa_run_free(run);
    }
    tfa_buf_release(&text);
}
END_TEST

static int leaks(const char *s)
{
    return s && strstr(s, TFA_TEST_CANARY) != NULL;
}

static int resource_leaks(const tfa_resource *r)
{
    return leaks(r->address) || leaks(r->module) || leaks(r->mode) || leaks(r->type) ||
           leaks(r->name) || leaks(r->index) || leaks(r->provider) || leaks(r->deposed);
}

/* Whether any string the run holds contains the canary. */
static int run_leaks(const tfa_run *run)
{
    const tfa_input *in = tfa_run_input(run, 0);
    size_t i;
    int l, bad = leaks(in->tool_version) || leaks(in->log.ui_version) || leaks(in->log.operation);

    for (l = 0; l < TFA_LIST_CHANGE_COUNT; l++)
        for (i = 0; i < tfa_run_change_count(run, (tfa_list)l); i++) {
            const tfa_change *c = tfa_run_change(run, (tfa_list)l, i);
            bad |= resource_leaks(&c->res) || leaks(c->prev_address) || leaks(c->reason) ||
                   leaks(c->importing_id);
        }
    for (i = 0; i < tfa_run_applied_count(run); i++)
        bad |= resource_leaks(&tfa_run_applied(run, i)->res) ||
               leaks(tfa_run_applied(run, i)->id_value);
    for (i = 0; i < tfa_run_diag_count(run); i++) {
        const tfa_diag *d = tfa_run_diag(run, i);
        bad |= leaks(d->summary) || leaks(d->detail) || leaks(d->address) || leaks(d->range_file);
    }
    for (i = 0; i < tfa_run_output_count(run); i++)
        bad |= leaks(tfa_run_output(run, i)->name);
    for (i = 0; i < tfa_run_note_count(run); i++)
        bad |= leaks(tfa_run_note(run, i)->message);
    return bad;
}

START_TEST(ui_log_never_keeps_secret_values)
{
    const char *argv[] = {"tfaudit", "summarize", "--format", "json", FIX "canary.log", NULL};
    tfa_run *run = load(FIX "canary.log");
    tfa_test_output out;
    char *raw;
    size_t len;

    /* the fixture does carry the canary, in five places */
    raw = tfa_test_read_file(FIX "canary.log", &len);
    ck_assert_ptr_nonnull(raw);
    ck_assert(tfa_test_contains(raw, len, TFA_TEST_CANARY));
    free(raw);

    ck_assert(!run_leaks(run));
    ck_assert_int_eq(tfa_run_input(run, 0)->log.messages, 7);
    ck_assert_int_eq(tfa_run_input(run, 0)->log.errors, 1);
    str_eq_or_null(tfa_run_diag(run, 0)->detail, "The password must be at least 16 characters.",
                   "detail");
    str_eq_or_null(tfa_run_change(run, TFA_LIST_PLANNED, 0)->importing_id, "i-0123",
                   "importing_id");
    ck_assert_uint_eq(tfa_run_output_count(run), 2);
    str_eq_or_null(tfa_run_output(run, 0)->name, "db_password", "output");
    ck_assert_int_eq(tfa_run_output(run, 0)->sensitive, 1);
    ck_assert_int_eq(tfa_run_output(run, 0)->action, TFA_ACTION_UNKNOWN);
    tfa_run_free(run);

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_int_eq(out.status, 0);
    ck_assert(tfa_test_contains(out.out, out.out_len, "\"ui-log\""));
    ck_assert(!tfa_test_contains(out.out, out.out_len, TFA_TEST_CANARY));
    ck_assert(!tfa_test_contains(out.err, out.err_len, TFA_TEST_CANARY));
    tfa_test_output_release(&out);
}
END_TEST

START_TEST(ui_log_reads_ids_from_the_corpus_apply)
{
    char *path = tfa_test_need_corpus_path(
        "ui-json/hashicorp-terraform__cloud__testdata__apply-json-with-provisioner__apply.log");
    tfa_run *run;

    run = load(path);
    ck_assert_uint_eq(tfa_run_applied_count(run), 2);
    ck_assert_int_eq(tfa_run_applied(run, 0)->action, TFA_ACTION_DELETE);
    ck_assert_int_eq(tfa_run_applied(run, 0)->status, TFA_APPLY_COMPLETE);
    str_eq_or_null(tfa_run_applied(run, 0)->id_value, "102500065134967380", "id_value");
    ck_assert_int_eq(tfa_run_applied(run, 1)->action, TFA_ACTION_CREATE);
    str_eq_or_null(tfa_run_applied(run, 1)->id_value, "7836952171100801169", "id_value");
    str_eq_or_null(tfa_run_applied(run, 1)->res.provider, "null", "provider");
    str_eq_or_null(tfa_run_input(run, 0)->tool, "terraform", "tool"); /* from @module */
    tfa_run_free(run);
    free(path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ui_log");
    TCase *tc = tcase_create("records");
    tcase_add_test(tc, ui_log_reads_drift_and_planned_changes);
    tcase_add_test(tc, ui_log_follows_each_resource_through_apply);
    tcase_add_test(tc, ui_log_reads_diagnostics_with_ranges);
    tcase_add_test(tc, ui_log_cuts_long_diagnostic_text);
    tcase_add_test(tc, ui_log_reads_opentofu_logs);
    tcase_add_test(tc, ui_log_counts_message_types_it_does_not_know);
    tcase_add_test(tc, ui_log_takes_the_last_summary_and_agreeing_versions);
    tcase_add_test(tc, ui_log_reads_messages_across_window_refills);
    suite_add_tcase(s, tc);
    tc = tcase_create("secrets");
    tcase_add_test(tc, ui_log_never_keeps_secret_values);
    suite_add_tcase(s, tc);
    tc = tfa_test_corpus_case("corpus");
    tcase_add_test(tc, ui_log_reads_ids_from_the_corpus_apply);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
