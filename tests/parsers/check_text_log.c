/*
 * check_text_log.c - the plain-text log reader and text detection, on the
 * fixtures in fixtures/text-logs/ (the line grammar: check_text_grammar.c).
 *
 * Each fixture NAME.log has NAME.model beside it: the run model the reader
 * must build, every fact and record, in the text form dump_run() writes.
 * Run with TFA_UPDATE_MODELS=1 to rewrite them (then review the diff).
 */
#include "util/compat.h"

#include "detect.h"
#include "input.h"
#include "testsupport.h"
#include "text_grammar.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

#define FIXTURES "fixtures/text-logs/"

static const char *const fixtures[] = {
    "plan-nocolor",    "plan-color",  "apply-ci",           "apply-error", "lock-error",
    "lock-error-0.12", "diag-boxes",  "import-forget",      "opentofu",    "two-runs",
    "tf011-apply",     "tf011-error", "policy-evaluations",
};

/* ---- the model as text --------------------------------------------------------- */

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static void dump_resource(tfa_buf *b, const tfa_resource *r)
{
    tfa_buf_printf(b, " %s [%s %s.%s", r->address, or_dash(r->mode), or_dash(r->type),
                   or_dash(r->name));
    if (r->index)
        tfa_buf_printf(b, " index=%s", r->index);
    if (r->module)
        tfa_buf_printf(b, " module=%s", r->module);
    if (r->deposed)
        tfa_buf_printf(b, " deposed=%s", r->deposed);
    if (r->provider)
        tfa_buf_printf(b, " provider=%s", r->provider);
    tfa_buf_puts(b, "]");
}

static void dump_change(tfa_buf *b, const char *list, const tfa_change *c, int positions)
{
    static const char *const replace[] = {"", " delete-first", " create-first", " create-forget"};
    size_t i;

    tfa_buf_printf(b, "%s", list);
    if (positions)
        tfa_buf_printf(b, " @%lu", c->pos.line);
    dump_resource(b, &c->res);
    tfa_buf_printf(b, " %s%s", tfa_action_name(c->action), replace[c->replace]);
    if (c->prev_address)
        tfa_buf_printf(b, " prev=%s", c->prev_address);
    if (c->reason)
        tfa_buf_printf(b, " reason=%s", c->reason);
    if (c->importing)
        tfa_buf_printf(b, " importing=%s", or_dash(c->importing_id));
    tfa_buf_puts(b, "\n    changed:");
    for (i = 0; i < c->n_changed; i++)
        tfa_buf_printf(b, " %s%s", c->changed[i], c->changed_sensitive[i] ? "(sensitive)" : "");
    if (c->changed_truncated)
        tfa_buf_puts(b, " (truncated)");
    if (c->n_replace_paths) {
        tfa_buf_puts(b, "\n    forces:");
        for (i = 0; i < c->n_replace_paths; i++)
            tfa_buf_printf(b, " %s", c->replace_paths[i]);
    }
    tfa_buf_putc(b, '\n');
}

static void dump_text(tfa_buf *b, const char *text)
{
    const char *p = text, *nl;
    for (; p; p = nl ? nl + 1 : NULL) {
        int n;
        nl = strchr(p, '\n');
        n = nl ? (int)(nl - p) : (int)strlen(p);
        tfa_buf_printf(b, n ? "    | %.*s\n" : "    |\n", n, p);
    }
}

static void dump_records(tfa_buf *b, const tfa_run *run, int positions)
{
    static const char *const status[] = {"started", "complete", "errored"};
    static const char *const event[] = {"acquiring", "releasing", "error"};
    size_t i;

    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_DRIFT); i++)
        dump_change(b, "drift", tfa_run_change(run, TFA_LIST_DRIFT, i), positions);
    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_PLANNED); i++)
        dump_change(b, "planned", tfa_run_change(run, TFA_LIST_PLANNED, i), positions);
    for (i = 0; i < tfa_run_applied_count(run); i++) {
        const tfa_applied *a = tfa_run_applied(run, i);
        tfa_buf_puts(b, "applied");
        if (positions)
            tfa_buf_printf(b, " @%lu", a->pos.line);
        dump_resource(b, &a->res);
        tfa_buf_printf(b, " %s %s", tfa_action_name(a->action), status[a->status]);
        if (a->id_key)
            tfa_buf_printf(b, " %s=%s", a->id_key, or_dash(a->id_value));
        if (a->elapsed >= 0)
            tfa_buf_printf(b, " after=%gs", a->elapsed);
        tfa_buf_putc(b, '\n');
    }
    for (i = 0; i < tfa_run_diag_count(run); i++) {
        const tfa_diag *d = tfa_run_diag(run, i);
        tfa_buf_printf(b, "diag");
        if (positions)
            tfa_buf_printf(b, " @%lu", d->pos.line);
        tfa_buf_printf(b, " %s \"%s\"", tfa_severity_name(d->severity), d->summary);
        if (d->address)
            tfa_buf_printf(b, " address=%s", d->address);
        if (d->range_file)
            tfa_buf_printf(b, " range=%s:%lu", d->range_file, d->range_line);
        tfa_buf_putc(b, '\n');
        if (d->detail)
            dump_text(b, d->detail);
    }
    for (i = 0; i < tfa_run_lock_count(run); i++) {
        const tfa_lock *k = tfa_run_lock(run, i);
        tfa_buf_puts(b, "lock");
        if (positions)
            tfa_buf_printf(b, " @%lu", k->pos.line);
        tfa_buf_printf(b, " %s", event[k->event]);
        if (k->event == TFA_LOCK_ERROR)
            tfa_buf_printf(b, " id=%s path=%s operation=%s who=%s version=%s created=%s info=%s",
                           or_dash(k->id), or_dash(k->path), or_dash(k->operation), or_dash(k->who),
                           or_dash(k->version), or_dash(k->created), or_dash(k->info));
        tfa_buf_putc(b, '\n');
    }
    for (i = 0; i < tfa_run_note_count(run); i++)
        tfa_buf_printf(b, "note %s\n", tfa_run_note(run, i)->message);
}

static const char *tristate(tfa_tristate t)
{
    return t == TFA_UNSET ? "unset" : t == TFA_TRUE ? "true" : "false";
}

/* Every fact and record of a one-input run; `positions` adds line numbers. */
static void dump_run(tfa_buf *b, const tfa_run *run, int positions)
{
    const tfa_input *in = tfa_run_input(run, 0);
    const tfa_log_info *l = &in->log;

    tfa_buf_printf(b, "input kind=%s tool=%s version=%s documents=%u\n", tfa_kind_name(in->kind),
                   or_dash(in->tool), or_dash(in->tool_version), in->documents);
    tfa_buf_printf(b, "log operation=%s", or_dash(l->operation));
    if (l->has_counts)
        tfa_buf_printf(b, " add=%ld change=%ld destroy=%ld import=%ld forget=%ld", l->counts.add,
                       l->counts.change, l->counts.destroy, l->counts.import, l->counts.forget);
    else
        tfa_buf_puts(b, " counts=undetermined");
    tfa_buf_printf(b, " no_changes=%d\n", l->no_changes);
    tfa_buf_printf(b,
                   "log errors=%ld warnings=%ld drift=%ld planned=%ld applied=%ld "
                   "apply_errors=%ld truncated_tail=%d\n",
                   l->errors, l->warnings, l->drift, l->planned, l->applied, l->apply_errors,
                   l->truncated_tail);
    if (positions)
        tfa_buf_printf(b, "log lines=%ld\n", l->messages);
    tfa_buf_printf(b,
                   "policy sentinel=%s evaluated=%ld passed=%ld failed=%ld hard=%ld soft=%ld "
                   "advisory=%ld\n",
                   tristate(l->sentinel_result), l->policies_evaluated, l->policies_passed,
                   l->policies_failed, l->policies_hard_failed, l->policies_soft_failed,
                   l->policies_advisory_failed);
    tfa_buf_printf(b, "cost estimated=%d monthly=%s delta=%s resources=%ld/%ld\n", l->has_cost,
                   or_dash(l->cost_monthly), or_dash(l->cost_monthly_delta), l->cost_estimated,
                   l->cost_resources);
    dump_records(b, run, positions);
}

static tfa_run *load(const char *path, const tfa_load_options *opts, int *status, tfa_error *err)
{
    tfa_load_options dflt = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;

    tfa_error_init(err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    *status = tfa_run_load(run, path, opts ? opts : &dflt, err);
    if (*status) {
        tfa_run_free(run);
        return NULL;
    }
    return run;
}

static tfa_run *load_fixture(const char *name)
{
    char path[256];
    tfa_error err;
    tfa_run *run;
    int rc;

    snprintf(path, sizeof(path), FIXTURES "%s.log", name);
    run = load(path, NULL, &rc, &err);
    ck_assert_tfa_ok(rc, &err);
    return run;
}

static char *model_of(const char *name, int positions)
{
    tfa_run *run = load_fixture(name);
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    dump_run(&b, run, positions);
    tfa_run_free(run);
    return tfa_buf_detach(&b, NULL);
}

/* ---- whole fixtures --------------------------------------------------------------- */

START_TEST(text_log_fixture_builds_its_model)
{
    const char *name = fixtures[_i];
    char path[256], *got = model_of(name, 1), *want;
    size_t len;

    snprintf(path, sizeof(path), FIXTURES "%s.model", name);
    if (getenv("TFA_UPDATE_MODELS")) {
        ck_assert_int_eq(tfa_test_write_file(path, got, strlen(got)), 0);
    }
    want = tfa_test_read_file(path, &len);
    ck_assert_msg(want != NULL, "%s is missing", path);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "--- %s: got ---\n%s", name, got);
    ck_assert_msg(strcmp(got, want) == 0, "%s: model differs from %s (got it on stderr)", name,
                  path);
    tfa_free(got);
    free(want);
}
END_TEST

START_TEST(text_log_colour_and_plain_give_the_same_model)
{
    char *plain = model_of("plan-nocolor", 0), *colour = model_of("plan-color", 0);
    ck_assert_str_eq(colour, plain);
    tfa_free(plain);
    tfa_free(colour);
}
END_TEST

/* Fixtures that hold the canary, in attribute values, heredocs, jsonencode
 * keys, drift, diagnostics' snippets and value gutters. */
START_TEST(text_log_canary_stays_out_of_model_and_output)
{
    const char *name = fixtures[_i];
    const char *const formats[] = {"json", "text"};
    char path[256], *data, *model;
    size_t len, f;

    snprintf(path, sizeof(path), FIXTURES "%s.log", name);
    data = tfa_test_read_file(path, &len);
    ck_assert_ptr_nonnull(data);
    if (strcmp(name, "plan-nocolor") == 0 || strcmp(name, "plan-color") == 0 ||
        strcmp(name, "tf011-apply") == 0 || strcmp(name, "diag-boxes") == 0)
        ck_assert_msg(tfa_test_contains(data, len, TFA_TEST_CANARY), "%s lost its canary", name);
    model = model_of(name, 1);
    ck_assert_msg(!strstr(model, TFA_TEST_CANARY), "%s: canary in the model", name);
    for (f = 0; f < TFA_ARRAY_SIZE(formats); f++) {
        const char *argv[] = {"tfaudit", "summarize", "--format", formats[f], path, NULL};
        tfa_test_output out;
        ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
        ck_assert_msg(out.status == 0, "%s: status %d: %s", name, out.status, out.err);
        ck_assert_msg(!tfa_test_contains(out.out, out.out_len, TFA_TEST_CANARY) &&
                          !tfa_test_contains(out.err, out.err_len, TFA_TEST_CANARY),
                      "%s: canary in summarize --format %s", name, formats[f]);
        tfa_test_output_release(&out);
    }
    tfa_free(model);
    free(data);
}
END_TEST

/* ---- facts the corpus README defines, asserted one by one ---------------------------- */

START_TEST(text_log_plan_counts_drift_and_sensitive_names)
{
    tfa_run *run = load_fixture("plan-color");
    const tfa_input *in = tfa_run_input(run, 0);
    const tfa_change *c;

    ck_assert_int_eq(in->kind, TFA_KIND_TEXT_LOG);
    ck_assert_str_eq(in->tool, "terraform");
    ck_assert_str_eq(in->tool_version, "1.9.5");
    ck_assert_str_eq(in->log.operation, "plan");
    ck_assert_int_eq(in->log.has_counts, 1);
    ck_assert_int_eq(in->log.counts.add, 2);
    ck_assert_int_eq(in->log.counts.change, 1);
    ck_assert_int_eq(in->log.counts.destroy, 2);
    ck_assert_int_eq(in->log.drift, 3);
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_DRIFT), 3);
    c = tfa_run_change(run, TFA_LIST_DRIFT, 2);
    ck_assert_str_eq(c->res.address, "aws_ssm_parameter.token");
    ck_assert_int_eq(c->action, TFA_ACTION_UPDATE);
    ck_assert_uint_eq(c->n_changed, 2);
    ck_assert_str_eq(c->changed[0], "value");
    ck_assert_int_eq(c->changed_sensitive[0], 1);
    ck_assert_str_eq(c->changed[1], "version");
    ck_assert_int_eq(c->changed_sensitive[1], 0);
    c = tfa_run_change(run, TFA_LIST_PLANNED, 2);
    ck_assert_str_eq(c->res.address, "aws_instance.web");
    ck_assert_int_eq(c->action, TFA_ACTION_REPLACE);
    ck_assert_int_eq(c->replace, TFA_REPLACE_DELETE_FIRST);
    ck_assert_uint_eq(c->n_replace_paths, 1);
    ck_assert_str_eq(c->replace_paths[0], "ami");
    tfa_run_free(run);
}
END_TEST

START_TEST(text_log_two_runs_leave_counts_undetermined)
{
    tfa_run *run = load_fixture("two-runs");
    const tfa_input *in = tfa_run_input(run, 0);

    ck_assert_str_eq(in->log.operation, "plan");
    ck_assert_int_eq(in->log.has_counts, 0);
    ck_assert_int_eq(in->log.no_changes, 0);
    ck_assert_uint_eq(in->documents, 2);
    ck_assert_int_eq(in->log.planned, 3);
    tfa_run_free(run);
}
END_TEST

START_TEST(text_log_lock_error_keeps_lock_info)
{
    tfa_run *run = load_fixture("lock-error");
    const tfa_lock *k;

    ck_assert_uint_eq(tfa_run_lock_count(run), 2);
    ck_assert_int_eq(tfa_run_lock(run, 0)->event, TFA_LOCK_ACQUIRING);
    k = tfa_run_lock(run, 1);
    ck_assert_int_eq(k->event, TFA_LOCK_ERROR);
    ck_assert_str_eq(k->id, "3b9a2f44-1c6e-7d2a-8f00-5a3b1c2d4e6f");
    ck_assert_str_eq(k->path, "tfaudit-state/prod/terraform.tfstate");
    ck_assert_str_eq(k->operation, "OperationTypeApply");
    ck_assert_str_eq(k->who, "runner@fv-az123-456");
    ck_assert_str_eq(k->version, "1.9.5");
    ck_assert_str_eq(k->created, "2024-05-01 09:58:12.345678901 +0000 UTC");
    ck_assert_ptr_null(k->info);
    ck_assert_int_eq(tfa_run_input(run, 0)->log.errors, 1);
    /* the Lock Info lines are fields, not detail prose */
    ck_assert_ptr_null(strstr(tfa_run_diag(run, 0)->detail, "runner@"));
    tfa_run_free(run);
}
END_TEST

START_TEST(text_log_apply_progress_and_failure)
{
    tfa_run *run = load_fixture("apply-error");
    const tfa_input *in = tfa_run_input(run, 0);
    const tfa_applied *a;

    ck_assert_uint_eq(tfa_run_applied_count(run), 2);
    a = tfa_run_applied(run, 0);
    ck_assert_str_eq(a->res.address, "module.net.aws_subnet.private[\"eu-west-1a\"]");
    ck_assert_str_eq(a->res.module, "module.net");
    ck_assert_str_eq(a->res.index, "\"eu-west-1a\"");
    ck_assert_int_eq(a->status, TFA_APPLY_COMPLETE);
    ck_assert_str_eq(a->id_value, "subnet-0123456789abcdef0");
    ck_assert(a->elapsed == 2.0);
    a = tfa_run_applied(run, 1);
    ck_assert_str_eq(a->res.address, "aws_instance.broken");
    ck_assert_int_eq(a->status, TFA_APPLY_ERRORED);
    ck_assert(a->elapsed == 10.0);
    ck_assert_int_eq(in->log.applied, 1);
    ck_assert_int_eq(in->log.apply_errors, 1);
    ck_assert_int_eq(in->log.errors, 1);
    ck_assert_str_eq(tfa_run_diag(run, 0)->address, "aws_instance.broken");
    tfa_run_free(run);
}
END_TEST

/* ---- detection ------------------------------------------------------------------- */

static tfa_kind kind_of_text(const char *s)
{
    tfa_kind k;
    ck_assert_int_eq(tfa_detect_kind(s, strlen(s), 1, &k), 0);
    return k;
}

START_TEST(text_markers_see_through_colour_boxes_and_timestamps)
{
    ck_assert_int_eq(kind_of_text("2024-05-01T10:00:00.1234567Z \x1b[0m\x1b[1m\x1b[32m\r\n"
                                  "2024-05-01T10:00:01.1234567Z Apply complete! Resources: 1 "
                                  "added, 0 changed, 0 destroyed.\x1b[0m\r\n"),
                     TFA_KIND_TEXT_LOG);
    ck_assert_int_eq(kind_of_text("\x1b[31m\xe2\x95\xb7\x1b[0m\x1b[0m\n\x1b[31m\xe2\x94\x82\x1b[0m "
                                  "\x1b[0m\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mBad\x1b[0m\n"),
                     TFA_KIND_TEXT_LOG);
    ck_assert_int_eq(kind_of_text("\x1b[1m  # aws_instance.web\x1b[0m will be created\n"),
                     TFA_KIND_TEXT_LOG);
    ck_assert_int_eq(kind_of_text("module.a[\"x y\"].aws_instance.web[0]: Creating...\n"),
                     TFA_KIND_TEXT_LOG);
    ck_assert_int_eq(kind_of_text("data.http.ip: Reading...\n"), TFA_KIND_TEXT_LOG);
    ck_assert_int_eq(kind_of_text("null_resource.x: Refreshing state... [id=1]\n"),
                     TFA_KIND_TEXT_LOG);
    ck_assert_int_eq(kind_of_text("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.\n"),
                     TFA_KIND_TEXT_LOG);
}
END_TEST

START_TEST(text_markers_ignore_other_text)
{
    static const char *const others[] = {
        "ValueError: Error: plan missing\n",
        "Error: file not found\n", /* any program may print this */
        "Plan: add a subnet, then change the routes.\n",
        "We use Terraform v1.5 or later.\n",
        "No changes were made.\n",
        "x.y: Creating a thing...\n",
        "settings.json: Reading...\n",
        "config.yaml: Refreshing state...\n",
        "  # notes.txt will be created\n",
        "  Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n",
        "",
    };
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(others); i++)
        ck_assert_msg(kind_of_text(others[i]) == TFA_KIND_UNKNOWN, "'%s' taken for a log",
                      others[i]);
}
END_TEST

START_TEST(text_markers_reject_readme_and_traceback_files)
{
    static const char *const files[] = {FIXTURES "not-terraform/README.md",
                                        FIXTURES "not-terraform/traceback.txt"};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(files); i++) {
        tfa_error err;
        char msg[1024];
        int rc;
        ck_assert_ptr_null(load(files[i], NULL, &rc, &err));
        ck_assert_int_eq(rc, TFA_EINPUT);
        tfa_error_format(&err, msg, sizeof(msg));
        ck_assert_msg(strstr(msg, "not a Terraform plan, state or log"), "%s: %s", files[i], msg);
    }
}
END_TEST

START_TEST(text_markers_accept_corpus_action_cost_and_policy_logs)
{
    static const char *const files[] = {
        "text-log/hashicorp-terraform__cloud__testdata__action__plan.log",
        "text-log/hashicorp-terraform__cloud__testdata__plan-cost-estimation__ce.log",
        "text-log/hashicorp-terraform__backend__remote__testdata__plan-cost-estimation__cost-"
        "estimate.log",
        "text-log/hashicorp-terraform__cloud__testdata__apply-policy-soft-failed__policy.log"};
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(files); i++) {
        char *path = tfa_test_need_corpus_path(files[i]);
        tfa_error err;
        int rc;
        tfa_run *run = load(path, NULL, &rc, &err);
        ck_assert_tfa_ok(rc, &err);
        ck_assert_int_eq(tfa_run_input(run, 0)->kind, TFA_KIND_TEXT_LOG);
        tfa_run_free(run);
        free(path);
    }
}
END_TEST

/* ---- limits ---------------------------------------------------------------------- */

START_TEST(text_log_reports_a_line_over_the_limit)
{
    tfa_load_options o = TFA_LOAD_OPTIONS_INIT;
    tfa_error err;
    char msg[1024];
    int rc;

    o.limits.line_bytes = 64;
    ck_assert_ptr_null(load(FIXTURES "plan-nocolor.log", &o, &rc, &err));
    ck_assert_int_eq(rc, TFA_ELIMIT);
    tfa_error_format(&err, msg, sizeof(msg));
    ck_assert_str_eq(msg, FIXTURES "plan-nocolor.log:4:1: line longer than 64 bytes");
}
END_TEST

START_TEST(text_log_caps_changed_paths)
{
    tfa_load_options o = TFA_LOAD_OPTIONS_INIT;
    const tfa_change *c;
    tfa_error err;
    tfa_run *run;
    int rc;

    o.limits.changed_paths = 2;
    run = load(FIXTURES "plan-nocolor.log", &o, &rc, &err);
    ck_assert_tfa_ok(rc, &err);
    c = tfa_run_change(run, TFA_LIST_PLANNED, 0);
    ck_assert_str_eq(c->res.address, "aws_db_instance.main");
    ck_assert_uint_eq(c->n_changed, 2);
    ck_assert_str_eq(c->changed[0], "allocated_storage");
    ck_assert_str_eq(c->changed[1], "engine");
    ck_assert_int_eq(c->changed_truncated, 1);
    tfa_run_free(run);
}
END_TEST

START_TEST(text_log_cuts_long_messages_on_a_character)
{
    tfa_buf doc;
    tfa_run *run = NULL;
    const tfa_diag *d;
    tfa_error err;
    size_t i;

    tfa_buf_init(&doc, TFA_BUF_NO_MAX);
    tfa_buf_puts(&doc, "Terraform v1.9.5\n\nError: ");
    for (i = 0; i < 5000; i++)
        tfa_buf_puts(&doc, "\xc3\xa9"); /* é: 10000 bytes */
    tfa_buf_puts(&doc, "\n\n");
    for (i = 0; i < 3; i++) {
        size_t k;
        for (k = 0; k < 3333; k++)
            tfa_buf_puts(&doc, "\xe2\x82\xac"); /* €, 3 bytes */
        tfa_buf_puts(&doc, "\n");
    }
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "long.log", doc.ptr, doc.len, TFA_KIND_UNKNOWN, &err),
                     &err);
    d = tfa_run_diag(run, 0);
    ck_assert_uint_eq(strlen(d->summary), TFA_LIMIT_MESSAGE_BYTES);
    ck_assert_uint_le(strlen(d->detail), TFA_LIMIT_MESSAGE_BYTES);
    ck_assert_uint_gt(strlen(d->detail), TFA_LIMIT_MESSAGE_BYTES - 3);
    /* the cut falls between characters: the text ends with a whole "€" */
    ck_assert_int_eq(memcmp(d->detail + strlen(d->detail) - 3, "\xe2\x82\xac", 3), 0);
    tfa_run_free(run);
    tfa_buf_release(&doc);
}
END_TEST

/* Found by fuzzing: a NUL inside a quoted name broke the path list. */
START_TEST(text_log_drops_names_holding_nul_bytes)
{
    static const char doc[] = "  # aws_s3_bucket.x will be updated in-place\n"
                              "  ~ resource \"aws_s3_bucket\" \"x\" {\n"
                              "      ~ tags = {\n"
                              "          + \"a\0b\" = \"1\"\n"
                              "          + \"c\" = \"2\"\n"
                              "          + \"d\0\" = \"3\"\n"
                              "        }\n"
                              "    }\n";
    const tfa_change *c;
    tfa_run *run = NULL;
    tfa_error err;

    ck_assert_tfa_ok(
        tfa_test_load_mem(&run, "nul.log", doc, sizeof(doc) - 1, TFA_KIND_TEXT_LOG, &err), &err);
    c = tfa_run_change(run, TFA_LIST_PLANNED, 0);
    ck_assert_uint_eq(c->n_changed, 1);
    ck_assert_str_eq(c->changed[0], "tags.c");
    tfa_run_free(run);
}
END_TEST

START_TEST(text_log_survives_allocation_failures)
{
    const char *name = fixtures[_i];
    char path[256];
    long n;
    int done = 0;

    snprintf(path, sizeof(path), FIXTURES "%s.log", name);
    for (n = 1; !done && n < 20000; n++) {
        tfa_load_options o = TFA_LOAD_OPTIONS_INIT;
        tfa_run *run = NULL;
        tfa_error err;
        int rc;
        tfa_error_init(&err);
        tfa_alloc_fail_after(n);
        rc = tfa_run_new(&run);
        if (rc == 0)
            rc = tfa_run_load(run, path, &o, &err);
        done = tfa_alloc_failures() == 0;
        tfa_alloc_fail_after(0);
        ck_assert_msg(rc == 0 || rc == TFA_ENOMEM, "%s, failing allocation %ld: status %d (%s)",
                      name, n, rc, err.message);
        ck_assert_msg(done || rc == TFA_ENOMEM, "%s: allocation %ld failed unnoticed", name, n);
        tfa_run_free(run);
    }
    ck_assert_msg(done, "%s: never loaded", name);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("text_log");
    TCase *tc = tcase_create("fixtures");
    int n = (int)TFA_ARRAY_SIZE(fixtures);

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, text_log_fixture_builds_its_model, 0, n);
    tcase_add_test(tc, text_log_colour_and_plain_give_the_same_model);
    tcase_add_loop_test(tc, text_log_canary_stays_out_of_model_and_output, 0, n);
    tcase_add_test(tc, text_log_plan_counts_drift_and_sensitive_names);
    tcase_add_test(tc, text_log_two_runs_leave_counts_undetermined);
    tcase_add_test(tc, text_log_lock_error_keeps_lock_info);
    tcase_add_test(tc, text_log_apply_progress_and_failure);
    suite_add_tcase(s, tc);
    tc = tcase_create("detection");
    tcase_add_test(tc, text_markers_see_through_colour_boxes_and_timestamps);
    tcase_add_test(tc, text_markers_ignore_other_text);
    tcase_add_test(tc, text_markers_reject_readme_and_traceback_files);
    suite_add_tcase(s, tc);
    tc = tfa_test_corpus_case("corpus");
    tcase_add_test(tc, text_markers_accept_corpus_action_cost_and_policy_logs);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, text_log_reports_a_line_over_the_limit);
    tcase_add_test(tc, text_log_caps_changed_paths);
    tcase_add_test(tc, text_log_cuts_long_messages_on_a_character);
    tcase_add_test(tc, text_log_drops_names_holding_nul_bytes);
    tcase_add_loop_test(tc, text_log_survives_allocation_failures, 0, n);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
