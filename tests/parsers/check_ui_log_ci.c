/*
 * check_ui_log_ci.c - `terraform plan|apply -json` logs as CI systems store
 * them (parsers/ui_log_ci.c): every corpus ui-json file wrapped in a GitHub
 * Actions job log (runner prelude, "[command]" echo, a timestamp on every
 * line, CRLF, a UTF-8 BOM; GitLab colour and section markers; "[HH:MM:SS]")
 * is detected as a UI log and gives the same facts as the bare file.
 * Mutations fail closed: a cut-off message in the middle is an error at its
 * line, an apply without its final change_summary reads exactly as the bare
 * file without it, other output between messages is an error.
 */
#include "util/compat.h"

#include <dirent.h>
#include <jansson.h>

#include "detect.h"
#include "facts.h"
#include "input.h"
#include "run.h"
#include "testsupport.h"
#include "util/buf.h"
#include "util/limits.h"

enum wrap {
    W_GITHUB,      /* prelude, RFC 3339 timestamps, epilogue */
    W_GITHUB_CRLF, /* the same with CRLF line ends */
    W_GITHUB_BOM,  /* the same after a UTF-8 BOM */
    W_GITLAB,      /* colour, section markers, "$ terraform ..." echo */
    W_CLOCK,       /* "[10:20:30] " before every line */
    W_GITHUB_LONG, /* github behind a prelude longer than detection's head */
    W_COUNT
};

static const char *const wrap_names[] = {"github", "github-crlf", "github-bom",
                                         "gitlab", "clock",       "github-long"};

static void put_line(tfa_buf *b, enum wrap w, const char *s, size_t n)
{
    switch (w) {
    case W_CLOCK:
        tfa_buf_printf(b, "[10:20:30] ");
        break;
    case W_GITLAB:
        tfa_buf_printf(b, "2024-05-01T10:20:30.123456Z 00O ");
        break;
    default:
        tfa_buf_printf(b, "2024-05-01T10:20:30.1234567Z ");
    }
    ck_assert_int_eq(tfa_buf_put(b, s, n), 0);
    tfa_buf_printf(b, "%s", w == W_GITHUB_CRLF || w == W_GITHUB_BOM ? "\r\n" : "\n");
}

static void put_str(tfa_buf *b, enum wrap w, const char *s)
{
    put_line(b, w, s, strlen(s));
}

/* `log` as the job log of system `w`. */
static void wrap(tfa_buf *b, enum wrap w, const char *log, size_t len)
{
    const char *p = log, *end = log + len, *nl;

    tfa_buf_clear(b);
    if (w == W_GITHUB_BOM)
        tfa_buf_printf(b, "\xef\xbb\xbf");
    if (w == W_GITLAB) {
        put_str(b, w, "\x1b[0KRunning with gitlab-runner 17.0.0 (44feccdf)");
        put_str(b, w,
                "section_start:1714558830:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "
                "\"step_script\" stage of the job script\x1b[0;m");
        put_str(b, w, "\x1b[32;1m$ terraform init -input=false\x1b[0;m");
        put_str(b, w, "\x1b[0m\x1b[1mInitializing the backend...\x1b[0m");
        put_str(b, w, "\x1b[0m\x1b[1m\x1b[32mTerraform has been successfully initialized!\x1b[0m");
        put_str(b, w, "\x1b[32;1m$ terraform apply -json -auto-approve\x1b[0;m");
    } else {
        put_str(b, w, "Current runner version: '2.316.1'");
        while (w == W_GITHUB_LONG && b->len < 2 * TFA_LIMIT_DETECT_BYTES)
            put_str(b, w, "npm WARN deprecated inflight@1.0.6: This module is not supported");
        put_str(b, w, "##[group]Operating System");
        put_str(b, w, "Ubuntu 22.04.4 LTS");
        put_str(b, w, "##[endgroup]");
        put_str(b, w, "##[group]Run terraform init");
        put_str(b, w, "[command]/home/runner/work/_temp/abc/terraform-bin init -input=false");
        put_str(b, w, "Terraform has been successfully initialized!");
        put_str(b, w, "##[endgroup]");
        put_str(b, w, "##[group]Run terraform apply -json -auto-approve");
        put_str(b, w, "[command]/usr/bin/terraform apply -json -auto-approve");
    }
    for (; p < end; p = nl + 1) {
        if (!(nl = memchr(p, '\n', (size_t)(end - p))))
            nl = end;
        put_line(b, w, p, (size_t)(nl - p));
        if (nl == end)
            break;
    }
    if (w == W_GITLAB) {
        put_str(b, w, "section_end:1714558840:step_script\r\x1b[0K");
        put_str(b, w, "\x1b[32;1mJob succeeded\x1b[0;m");
    } else {
        put_str(b, w, "##[endgroup]");
        put_str(b, w, "::debug::Terraform exited with code 0.");
        put_str(b, w, "Post job cleanup.");
        put_str(b, w, "Cleaning up orphan processes");
    }
}

/* Load `data`: 0 and the input's facts in *facts (decref it), or the status. */
static int facts_of(const char *name, const char *data, size_t len, tfa_kind kind, json_t **facts,
                    tfa_error *err)
{
    tfa_run *run = NULL;
    int rc;

    tfa_error_init(err);
    *facts = NULL;
    rc = tfa_test_load_mem(&run, name, data, len, kind, err);
    if (rc == 0) {
        ck_assert_int_eq(tfa_run_input(run, 0)->kind, TFA_KIND_UI_LOG);
        ck_assert_ptr_nonnull(*facts = tfa_input_facts(run, 0));
    }
    tfa_run_free(run);
    return rc;
}

static void same_facts(const char *what, json_t *want, json_t *got)
{
    char *a, *b;
    if (json_equal(want, got))
        return;
    a = json_dumps(want, JSON_SORT_KEYS);
    b = json_dumps(got, JSON_SORT_KEYS);
    ck_abort_msg("%s: facts differ\n bare:    %s\n wrapped: %s", what, a, b);
}

/* Bare and every wrapping of `log` give the same facts, or fail alike. */
static void check_wrappings(const char *what, const char *log, size_t len)
{
    tfa_buf b;
    tfa_error e1, e2;
    json_t *want, *got;
    int w, rc = facts_of("bare.log", log, len, TFA_KIND_UNKNOWN, &want, &e1), rc2;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (w = 0; w < W_COUNT; w++) {
        wrap(&b, (enum wrap)w, log, len);
        rc2 = facts_of("ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &got, &e2);
        ck_assert_msg(rc2 == rc, "%s (%s): status %d, bare %d (%s / %s)", what, wrap_names[w], rc2,
                      rc, e2.message, e1.message);
        if (rc == 0)
            same_facts(what, want, got);
        json_decref(got);
        /* forced, as `--kind ui-log` */
        rc2 = facts_of("ci.log", b.ptr, b.len, TFA_KIND_UI_LOG, &got, &e2);
        ck_assert_int_eq(rc2, rc);
        json_decref(got);
    }
    json_decref(want);
    tfa_buf_release(&b);
}

/* Line `n` (1-based) of log: its start and length. */
static int line_of(const char *log, size_t len, unsigned long n, size_t *at, size_t *line_len)
{
    const char *p = log, *end = log + len, *nl;
    unsigned long i;
    for (i = 1; p < end; i++, p = nl + 1) {
        if (!(nl = memchr(p, '\n', (size_t)(end - p))))
            nl = end;
        if (i == n) {
            *at = (size_t)(p - log);
            *line_len = (size_t)(nl - p);
            return 1;
        }
    }
    return 0;
}

static unsigned long count_lines(const char *log, size_t len)
{
    unsigned long n = 0;
    size_t i;
    for (i = 0; i < len; i++)
        n += log[i] == '\n';
    return n + (len && log[len - 1] != '\n');
}

/* A message in the middle cut in half: an error at its line in the job log
 * (10 prelude lines before the first message of the github wrapping). */
static void check_cut_middle(const char *what, const char *log, size_t len)
{
    unsigned long lines = count_lines(log, len), mid = lines / 2 + 1;
    size_t at, n;
    tfa_buf cut, b;
    tfa_error err;
    json_t *facts;

    if (lines < 3 || !line_of(log, len, mid, &at, &n) || n < 4)
        return;
    tfa_buf_init(&cut, TFA_BUF_NO_MAX);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_buf_put(&cut, log, at + n / 2), 0);
    ck_assert_int_eq(tfa_buf_put(&cut, log + at + n, len - at - n), 0);
    wrap(&b, W_GITHUB, cut.ptr, cut.len);
    ck_assert_msg(facts_of("ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &facts, &err) == TFA_EINPUT,
                  "%s: a cut line %lu was read", what, mid);
    ck_assert_msg(err.line == mid + 10, "%s: error at line %lu, cut line %lu: %s", what, err.line,
                  mid + 10, err.message);
    ck_assert_str_eq(err.source, "ci.log");
    tfa_buf_release(&cut);
    tfa_buf_release(&b);
}

/* An apply whose last change_summary line is gone: the wrapped log reads as
 * the bare one without it (an unfinished apply: no counts). */
static void check_dropped_summary(const char *what, const char *log, size_t len)
{
    const char *last = NULL, *p = log;
    size_t at, n;
    tfa_buf cut;
    tfa_error err;
    json_t *facts;

    while ((p = memmem(p, len - (size_t)(p - log), "\"type\":\"change_summary\"", 23))) {
        last = p;
        p++;
    }
    if (!last || !memmem(log, len, "\"type\":\"apply_", 14))
        return;
    for (at = (size_t)(last - log); at > 0 && log[at - 1] != '\n'; at--)
        ;
    for (n = (size_t)(last - log); n < len && log[n] != '\n'; n++)
        ;
    tfa_buf_init(&cut, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_buf_put(&cut, log, at), 0);
    if (n < len)
        ck_assert_int_eq(tfa_buf_put(&cut, log + n + 1, len - n - 1), 0);
    check_wrappings(what, cut.ptr, cut.len);
    ck_assert_int_eq(facts_of("bare.log", cut.ptr, cut.len, TFA_KIND_UNKNOWN, &facts, &err), 0);
    ck_assert_str_eq(json_string_value(json_object_get(facts, "operation")), "apply");
    ck_assert(json_is_null(json_object_get(facts, "add")));
    json_decref(facts);
    tfa_buf_release(&cut);
}

/* A real log that lost its first `type` message of a counted action (a
 * planned_change, or an apply_complete) while its run's summary of
 * `operation` stays: refused, as not adding up (plan_tally.h). */
static void check_dropped_counted(const char *what, const char *log, size_t len, const char *type,
                                  const char *operation)
{
    static const char *const counted[] = {"\"action\":\"create\"", "\"action\":\"update\"",
                                          "\"action\":\"delete\"", "\"action\":\"replace\""};
    char summary[64];
    size_t at = 0, end, i;
    tfa_buf cut;
    tfa_error err;
    json_t *facts = NULL;

    snprintf(summary, sizeof(summary), "\"operation\":\"%s\"", operation);
    if (!memmem(log, len, summary, strlen(summary)))
        return;
    for (; at < len; at = end + 1) {
        const char *line = log + at, *nl = memchr(line, '\n', len - at);
        end = nl ? (size_t)(nl - log) : len;
        if (!memmem(line, end - at, type, strlen(type)))
            continue;
        for (i = 0; i < TFA_ARRAY_SIZE(counted); i++)
            if (memmem(line, end - at, counted[i], strlen(counted[i])))
                break;
        if (i < TFA_ARRAY_SIZE(counted))
            break;
    }
    if (at >= len)
        return;
    tfa_buf_init(&cut, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_buf_put(&cut, log, at), 0);
    if (end < len)
        ck_assert_int_eq(tfa_buf_put(&cut, log + end + 1, len - end - 1), 0);
    ck_assert_msg(facts_of("bare.log", cut.ptr, cut.len, TFA_KIND_UNKNOWN, &facts, &err) ==
                      TFA_EINPUT,
                  "%s: read without a %s line", what, type);
    ck_assert_msg(strstr(err.message, "does not add up"), "%s: %s", what, err.message);
    tfa_buf_release(&cut);
}

START_TEST(ui_log_ci_corpus_wrapped_gives_the_same_facts)
{
    char *dir = tfa_test_need_corpus_path("ui-json"), path[4096];
    struct dirent *de;
    DIR *d = opendir(dir);
    int files = 0;

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL) {
        size_t len;
        char *log;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        ck_assert_ptr_nonnull(log = tfa_test_read_file(path, &len));
        check_wrappings(de->d_name, log, len);
        check_cut_middle(de->d_name, log, len);
        check_dropped_summary(de->d_name, log, len);
        check_dropped_counted(de->d_name, log, len, "\"type\":\"planned_change\"", "plan");
        check_dropped_counted(de->d_name, log, len, "\"type\":\"apply_complete\"", "apply");
        free(log);
        files++;
    }
    closedir(d);
    ck_assert_int_ge(files, 10);
    free(dir);
}
END_TEST

#define MSG(type, extra)                                                                           \
    "{\"@level\":\"info\",\"@message\":\"m\",\"@module\":\"terraform.ui\"" extra                   \
    ",\"type\":\"" type "\"}\n"
#define TS "2024-05-01T10:20:30.1234567Z "
/* The planned changes a change_summary of 2 to add and 1 to destroy sums. */
#define PLANNED(action, addr)                                                                      \
    MSG("planned_change",                                                                          \
        ",\"change\":{\"resource\":{\"addr\":\"" addr "\"},\"action\":\"" action "\"}")
#define PLANNED_2_1                                                                                \
    TS PLANNED("create", "null_resource.a") TS PLANNED("create", "null_resource.b")                \
        TS PLANNED("delete", "null_resource.c")

static const char plan_log[] =
    TS "##[group]Run terraform plan -json\n" TS "[command]/usr/bin/terraform plan -json\n" TS MSG(
        "version", ",\"terraform\":\"1.9.5\",\"ui\":\"1.2\"") TS
    "@@MIDDLE@@\n" PLANNED_2_1 TS MSG("change_summary",
                                      ",\"changes\":{\"add\":2,\"change\":0,\"import\":0,"
                                      "\"remove\":1,\"operation\":\"plan\"}") TS "##[endgroup]\n";

/* plan_log with its line 4 replaced by `middle`: the status, err set. */
static int load_middle(const char *middle, tfa_kind kind, json_t **facts, tfa_error *err)
{
    tfa_buf b;
    const char *at = strstr(plan_log, "@@MIDDLE@@");
    int rc;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_buf_put(&b, plan_log, (size_t)(at - plan_log)), 0);
    tfa_buf_printf(&b, "%s%s", middle, at + strlen("@@MIDDLE@@"));
    rc = facts_of("ci.log", b.ptr, b.len, kind, facts, err);
    tfa_buf_release(&b);
    return rc;
}

START_TEST(ui_log_ci_tolerates_markers_between_messages)
{
    static const char *const ok[] = {"::group::Plan",
                                     "::endgroup::",
                                     "##[group]Run terraform apply -json",
                                     "##[endgroup]",
                                     "##[section]Starting: Apply",
                                     "::debug::stdout",
                                     "[command]/usr/bin/terraform apply -json tfplan",
                                     "\x1b[32;1m$ terraform apply -json\x1b[0;m",
                                     "section_start:1714558830:apply\r\x1b[0K",
                                     ""};
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(ok); i++) {
        json_t *facts;
        tfa_error err;
        ck_assert_msg(load_middle(ok[i], TFA_KIND_UNKNOWN, &facts, &err) == 0, "%s: %s", ok[i],
                      err.message);
        ck_assert_int_eq(json_integer_value(json_object_get(facts, "add")), 2);
        ck_assert_int_eq(json_integer_value(json_object_get(facts, "destroy")), 1);
        json_decref(facts);
    }
}
END_TEST

START_TEST(ui_log_ci_refuses_other_output_between_messages)
{
    static const struct {
        const char *middle, *says;
    } bad[] = {
        {"Error: something went wrong", "between messages"},
        {"##[warning]retrying", "between messages"},
        {"{\"foo\": 1}", "not a Terraform UI log message"},
        {"{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"log\"", "does not end on its line"},
        {"[1, 2]", "between messages"},
    };
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(bad); i++) {
        json_t *facts;
        tfa_error err;
        ck_assert_int_eq(load_middle(bad[i].middle, TFA_KIND_UNKNOWN, &facts, &err), TFA_EINPUT);
        ck_assert_msg(strstr(err.message, bad[i].says), "%s: %s", bad[i].middle, err.message);
        ck_assert_uint_eq(err.line, 4);
        ck_assert_str_eq(err.source, "ci.log");
        ck_assert_int_eq(load_middle(bad[i].middle, TFA_KIND_UI_LOG, &facts, &err), TFA_EINPUT);
    }
}
END_TEST

START_TEST(ui_log_ci_notes_what_it_skipped)
{
    unsigned char digest[TFA_SHA256_BYTES];
    tfa_run *run = NULL;
    tfa_error err;
    char text[1024];
    const tfa_note *n;

    tfa_buf b;
    const char *at = strstr(plan_log, "@@MIDDLE@@");

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_buf_put(&b, plan_log, (size_t)(at - plan_log)), 0);
    tfa_buf_printf(&b, "::group::x%s", at + strlen("@@MIDDLE@@"));
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_uint_ge(tfa_run_note_count(run), 1);
    n = tfa_run_note(run, tfa_run_note_count(run) - 1);
    snprintf(text, sizeof(text), "%s", n->message);
    ck_assert_msg(strstr(text, "2 line(s) before the first message, 1 CI marker or command "
                               "line(s) between messages and 1 line(s) after"),
                  "%s", text);
    /* the input's digest is the file's (the filter's stream is not hashed) */
    tfa_sha256_digest(b.ptr, b.len, digest);
    ck_assert_uint_eq(tfa_run_input(run, 0)->bytes, b.len);
    ck_assert_mem_eq(tfa_run_input(run, 0)->sha256, digest, sizeof(digest));
    tfa_buf_release(&b);
    tfa_run_free(run);
}
END_TEST

START_TEST(ui_log_ci_without_messages_is_no_ui_log)
{
    static const char log[] =
        TS "##[group]Run terraform plan -json\n" TS "Error: No configuration files\n";
    json_t *facts;
    tfa_error err;

    ck_assert_int_eq(facts_of("ci.log", log, strlen(log), TFA_KIND_UI_LOG, &facts, &err),
                     TFA_EINPUT);
    ck_assert_msg(strstr(err.message, "no Terraform UI log message"), "%s", err.message);
}
END_TEST

START_TEST(ui_log_ci_keeps_what_precedes_a_cut_off_last_line)
{
    /* the input ends inside the last message, as in a bare log: kept, noted */
    static const char log[] = TS "[command]/usr/bin/terraform plan -json\n" PLANNED_2_1 TS MSG(
        "change_summary", ",\"changes\":{\"add\":2,\"change\":0,\"import\":0,\"remove\":1,"
                          "\"operation\":\"plan\"}") TS "{\"@level\":\"info\",\"@mess";
    json_t *facts;
    tfa_error err;

    ck_assert_int_eq(facts_of("ci.log", log, strlen(log), TFA_KIND_UNKNOWN, &facts, &err), 0);
    ck_assert(json_is_true(json_object_get(facts, "truncated_tail")));
    ck_assert_int_eq(json_integer_value(json_object_get(facts, "add")), 2);
    json_decref(facts);
}
END_TEST

/* A log of several MiB, so that lines cross the filter's reads and the
 * tokenizer's window: a long refresh with applies spread through it, and a
 * message longer than the window (the filter hands it on in pieces). */
static void big_log(tfa_buf *b)
{
    static const char hook[] = "\"hook\":{\"resource\":{\"addr\":\"aws_s3_bucket.b%d\",\"module\":"
                               "\"\",\"resource\":\"aws_s3_bucket.b%d\",\"implied_provider\":"
                               "\"aws\",\"resource_type\":\"aws_s3_bucket\",\"resource_name\":"
                               "\"b%d\",\"resource_key\":null},\"action\":\"create\"%s}";
    int i;

    tfa_buf_init(b, TFA_BUF_NO_MAX);
    tfa_buf_printf(b, MSG("version", ",\"terraform\":\"1.9.5\",\"ui\":\"1.2\""));
    for (i = 0; b->len < 5u * 1024 * 1024; i++) {
        tfa_buf_printf(b,
                       "{\"@level\":\"info\",\"@message\":\"b%d: Refreshing state... "
                       "[id=i-%08d]\",\"@module\":\"terraform.ui\",",
                       i, i);
        tfa_buf_printf(b, hook, i, i, i, ",\"id_key\":\"id\",\"id_value\":\"x\"");
        tfa_buf_printf(b, ",\"type\":\"refresh_start\"}\n");
        if (i % 997 == 0) {
            tfa_buf_printf(b, "{\"@level\":\"info\",\"@message\":\"caf\xc3\xa9\",");
            tfa_buf_printf(b, hook, i, i, i, "");
            tfa_buf_printf(b, ",\"type\":\"apply_start\"}\n{\"@level\":\"info\",\"@message\":"
                              "\"done\",");
            tfa_buf_printf(b, hook, i, i, i, ",\"elapsed_seconds\":1");
            tfa_buf_printf(b, ",\"type\":\"apply_complete\"}\n");
        }
        if (i == 3000) {
            tfa_buf_printf(b, "{\"@level\":\"info\",\"@message\":\"");
            ck_assert_int_eq(tfa_buf_grow(b, 1536 * 1024), 0);
            memset(b->ptr + b->len, 'x', 1536 * 1024);
            b->len += 1536 * 1024;
            tfa_buf_printf(b, "\",\"type\":\"log\"}\n");
        }
    }
    tfa_buf_printf(b,
                   MSG("change_summary", ",\"changes\":{\"add\":%d,\"change\":0,\"import\":0,"
                                         "\"remove\":0,\"operation\":\"apply\"}"),
                   i / 997 + 1);
    ck_assert_int_eq(tfa_buf_status(b), 0);
}

START_TEST(ui_log_ci_reads_logs_larger_than_its_reads)
{
    tfa_buf b;
    big_log(&b);
    check_wrappings("big", b.ptr, b.len);
    check_cut_middle("big", b.ptr, b.len);
    tfa_buf_release(&b);
}
END_TEST

START_TEST(ui_log_ci_refuses_a_line_over_the_limit)
{
    tfa_buf b;
    tfa_error err;
    json_t *facts;
    size_t n = TFA_LIMIT_LINE_BYTES + 16;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_printf(&b, TS "[command]/usr/bin/terraform plan -json\n" TS MSG(
                           "version", ",\"terraform\":\"1.9.5\",\"ui\":\"1.2\"") TS
                   "{\"@level\":\"info\",\"@message\":\"");
    ck_assert_int_eq(tfa_buf_grow(&b, n), 0);
    memset(b.ptr + b.len, 'x', n);
    b.len += n;
    tfa_buf_printf(&b, "\",\"type\":\"log\"}\n");
    ck_assert_int_eq(facts_of("ci.log", b.ptr, b.len, TFA_KIND_UI_LOG, &facts, &err), TFA_ELIMIT);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_msg(strstr(err.message, "line longer than"), "%s", err.message);
    tfa_buf_release(&b);
}
END_TEST

/* A prelude longer than the detection head (npm ci, apt output) before the
 * -json stream: detection reads on to the first message and the log reads
 * as it does with a short prelude; line numbers and the count of prelude
 * lines include what detection dropped. */
START_TEST(ui_log_ci_reads_past_a_long_prelude)
{
    const char *at = strstr(plan_log, "@@MIDDLE@@");
    unsigned long pre = 0;
    tfa_buf b, log;
    tfa_error err;
    json_t *want, *got;
    tfa_run *run = NULL;
    char text[1024], want_note[64];

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_init(&log, TFA_BUF_NO_MAX);
    /* plan_log without its middle line (and that line's timestamp) */
    ck_assert_int_eq(tfa_buf_put(&log, plan_log, (size_t)(at - plan_log) - strlen(TS)), 0);
    tfa_buf_puts(&log, at + strlen("@@MIDDLE@@\n"));
    ck_assert_tfa_ok(facts_of("ci.log", log.ptr, log.len, TFA_KIND_UNKNOWN, &want, &err), &err);
    tfa_buf_puts(&b, TS "Current runner version: '2.316.1'\n");
    pre++;
    while (b.len < 3 * TFA_LIMIT_DETECT_BYTES) {
        tfa_buf_printf(&b, TS "npm WARN deprecated pkg-%lu@1.0.0: this module is not supported\n",
                       pre);
        pre++;
    }
    tfa_buf_put(&b, log.ptr, log.len);
    ck_assert_tfa_ok(facts_of("ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &got, &err), &err);
    same_facts("long prelude", want, got);
    json_decref(got);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &err), &err);
    snprintf(text, sizeof(text), "%s", tfa_run_note(run, tfa_run_note_count(run) - 1)->message);
    snprintf(want_note, sizeof(want_note), "%lu line(s) before the first message", pre + 2);
    ck_assert_msg(strstr(text, want_note) != NULL, "%s", text);
    tfa_run_free(run);

    /* terraform init's text output past the head, then the -json stream:
     * the first message wins over init's lines, as in the head */
    tfa_buf_truncate(&b, b.len - log.len);
    tfa_buf_puts(&b, TS "Initializing the backend...\n" TS
                        "Terraform has been successfully initialized!\n");
    tfa_buf_put(&b, log.ptr, log.len);
    ck_assert_tfa_ok(facts_of("ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &got, &err), &err);
    same_facts("init past the head", want, got);
    json_decref(got);
    /* ...but not when the first message lies beyond the look-ahead (half a
     * MiB past init's line): then the log is a text log */
    tfa_buf_truncate(&b, b.len - log.len);
    while (b.len < 3 * TFA_LIMIT_DETECT_BYTES + 600 * 1024)
        tfa_buf_puts(&b, TS "building assets: webpack compiled with 3 warnings in 4815 ms\n");
    tfa_buf_put(&b, log.ptr, log.len);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_int_eq(tfa_run_input(run, 0)->kind, TFA_KIND_TEXT_LOG);
    tfa_run_free(run);
    run = NULL;
    tfa_buf_truncate(&b, b.len - log.len);
    while (b.len > 3 * TFA_LIMIT_DETECT_BYTES + 400 * 1024) { /* back within it */
        size_t end = b.len - 1;
        while (end > 0 && b.ptr[end - 1] != '\n')
            end--;
        tfa_buf_truncate(&b, end);
    }
    tfa_buf_put(&b, log.ptr, log.len);
    ck_assert_tfa_ok(facts_of("ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &got, &err), &err);
    same_facts("init within the look-ahead", want, got);
    json_decref(got);

    /* a message cut after the prelude: the error names its true line */
    tfa_buf_truncate(&b, 0);
    tfa_buf_puts(&b, TS "Current runner version: '2.316.1'\n");
    for (pre = 1; b.len < 3 * TFA_LIMIT_DETECT_BYTES; pre++)
        tfa_buf_printf(&b, TS "npm WARN deprecated pkg-%lu@1.0.0: this module is not supported\n",
                       pre);
    tfa_buf_put(&b, log.ptr, log.len);
    {
        size_t keep = b.len - log.len, v = (size_t)(strstr(log.ptr, "ssage\":\"m\"") - log.ptr);
        tfa_buf_truncate(&b, keep);
        tfa_buf_put(&b, log.ptr, v);
        tfa_buf_puts(&b, strchr(log.ptr + v, '\n'));
    }
    ck_assert_int_eq(facts_of("ci.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &got, &err), TFA_EINPUT);
    ck_assert_msg(err.line == pre + 3, "line %lu, want %lu: %s", err.line, pre + 3, err.message);
    json_decref(want);
    tfa_buf_release(&b);
    tfa_buf_release(&log);
}
END_TEST

static tfa_kind kind_of(const char *s)
{
    tfa_kind k;
    ck_assert_int_eq(tfa_detect_kind(s, strlen(s), 0, &k), 0);
    return k;
}

START_TEST(ui_log_ci_detection)
{
    /* a prelude with terraform init's text output, then the -json stream */
    ck_assert_int_eq(kind_of(TS "Current runner version: '2.316.1'\r\n" TS
                                "Terraform has been successfully initialized!\r\n" TS
                                "[command]/usr/bin/terraform apply -json\r\n" TS
                                "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.5\","
                                "\"@module\":\"terraform.ui\",\"type\":\"version\"}\r\n"),
                     TFA_KIND_UI_LOG);
    ck_assert_int_eq(kind_of("[10:20:30] + terraform plan -json\n"
                             "[10:20:31] \x1b[0m{\"@level\":\"info\",\"@message\":\"m\"}\n"),
                     TFA_KIND_UI_LOG);
    /* other JSON after a prelude: no UI log (text rules decide) */
    ck_assert_int_eq(kind_of(TS "##[group]Run cat x.json\n" TS "{\"foo\": 1, \"bar\": 2}\n"),
                     TFA_KIND_UNKNOWN);
    ck_assert_int_eq(kind_of(TS "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n" TS
                                "{\"resource_changes\": []}\n"),
                     TFA_KIND_TEXT_LOG);
    /* the bare stream is still read as before */
    ck_assert_int_eq(kind_of("{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"log\"}\n"),
                     TFA_KIND_UI_LOG);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ui_log_ci");
    TCase *tc = tcase_create("ci");
    tcase_add_test(tc, ui_log_ci_tolerates_markers_between_messages);
    tcase_add_test(tc, ui_log_ci_refuses_other_output_between_messages);
    tcase_add_test(tc, ui_log_ci_notes_what_it_skipped);
    tcase_add_test(tc, ui_log_ci_without_messages_is_no_ui_log);
    tcase_add_test(tc, ui_log_ci_detection);
    tcase_add_test(tc, ui_log_ci_reads_past_a_long_prelude);
    tcase_add_test(tc, ui_log_ci_keeps_what_precedes_a_cut_off_last_line);
    tcase_add_test(tc, ui_log_ci_reads_logs_larger_than_its_reads);
    tcase_add_test(tc, ui_log_ci_refuses_a_line_over_the_limit);
    suite_add_tcase(s, tc);
    tc = tfa_test_corpus_case("corpus");
    tcase_add_test(tc, ui_log_ci_corpus_wrapped_gives_the_same_facts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
