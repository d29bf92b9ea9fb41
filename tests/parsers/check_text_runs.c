/*
 * check_text_runs.c - logs as teams archive them: CI job logs (GitHub
 * Actions, GitLab CI, Jenkins, Azure Pipelines), TF_LOG traces and Atlantis
 * comments, read as runs (fixtures/ci-logs/), and detection past a long
 * prelude, in bounded memory.
 */
#include "util/compat.h"

#include "detect.h"
#include "input.h"
#include "lines.h"
#include "stream.h"
#include "text_ci.h"
#include "text_trace.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/sha256.h"

#define FIXTURES "fixtures/ci-logs/"

static tfa_run *load_path(const char *path)
{
    tfa_load_options opts = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_run_load(run, path, &opts, &err), &err);
    return run;
}

/* The last applied record of `action`, or NULL. */
static const tfa_applied *last_applied(const tfa_run *run, tfa_action action)
{
    const tfa_applied *a = NULL;
    size_t i;
    for (i = 0; i < tfa_run_applied_count(run); i++)
        if (tfa_run_applied(run, i)->action == action)
            a = tfa_run_applied(run, i);
    return a;
}

/* One run's facts: name, operation, counts (add < 0: undetermined). */
static void expect_run(const tfa_run *run, size_t i, const char *path, const char *op, long add,
                       long change, long destroy)
{
    const tfa_input *in = tfa_run_input(run, i);

    ck_assert_ptr_nonnull(in);
    ck_assert_str_eq(in->path, path);
    ck_assert_int_eq(in->kind, TFA_KIND_TEXT_LOG);
    ck_assert_msg(in->log.operation && strcmp(in->log.operation, op) == 0, "%s: operation %s", path,
                  in->log.operation ? in->log.operation : "(none)");
    ck_assert_int_eq(in->log.has_counts, add >= 0);
    if (add >= 0) {
        ck_assert_int_eq(in->log.counts.add, add);
        ck_assert_int_eq(in->log.counts.change, change);
        ck_assert_int_eq(in->log.counts.destroy, destroy);
    }
}

START_TEST(github_actions_job_is_a_plan_run_and_an_apply_run)
{
    tfa_run *run = load_path(FIXTURES "github-actions.log");
    const tfa_input *plan, *apply;
    size_t i;

    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    expect_run(run, 0, FIXTURES "github-actions.log#1", "plan", 1, 1, 0);
    expect_run(run, 1, FIXTURES "github-actions.log#2", "apply", 1, 1, 0);
    plan = tfa_run_input(run, 0);
    apply = tfa_run_input(run, 1);
    /* data source reads in the plan run are reads, not applies */
    ck_assert_int_eq(plan->log.applied, 0);
    ck_assert_int_eq(apply->log.applied, 2);
    ck_assert_int_eq(plan->log.planned, 2);
    /* both runs name the whole file by size and digest */
    ck_assert_uint_eq(plan->bytes, apply->bytes);
    ck_assert_int_eq(memcmp(plan->sha256, apply->sha256, sizeof(plan->sha256)), 0);
    /* records say which run they come from; reads are no applied records */
    ck_assert_uint_eq(tfa_run_applied_count(run), 2);
    for (i = 0; i < tfa_run_applied_count(run); i++)
        ck_assert_uint_eq(tfa_run_applied(run, i)->input, 1);
    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_PLANNED); i++)
        ck_assert_uint_eq(tfa_run_change(run, TFA_LIST_PLANNED, i)->input, 0);
    tfa_run_free(run);
}
END_TEST

/* The plan run is the plan side, the apply run the apply side: the apply did
 * what the plan said. */
START_TEST(plan_run_and_apply_run_verify_against_each_other)
{
    const char *argv[] = {"tfaudit", "verify-apply",
                          "--plan",  FIXTURES "github-actions.log",
                          "--apply", FIXTURES "github-actions.log",
                          NULL};
    tfa_test_output out;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "status %d\n%s%s", out.status, out.out, out.err);
    tfa_test_output_release(&out);
}
END_TEST

START_TEST(gitlab_job_with_sections_and_colour_is_two_opentofu_runs)
{
    tfa_run *run = load_path(FIXTURES "gitlab-ci.log");

    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    expect_run(run, 0, FIXTURES "gitlab-ci.log#1", "plan", 0, 0, 1);
    expect_run(run, 1, FIXTURES "gitlab-ci.log#2", "apply", 0, 0, 1);
    ck_assert_str_eq(tfa_run_input(run, 1)->tool, "opentofu");
    ck_assert_str_eq(tfa_run_input(run, 1)->tool_version, "1.6.2");
    tfa_run_free(run);
}
END_TEST

START_TEST(jenkins_failed_apply_keeps_its_operation_and_errors)
{
    tfa_run *run = load_path(FIXTURES "jenkins.log");
    const tfa_input *apply;

    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    expect_run(run, 0, FIXTURES "jenkins.log#1", "plan", 2, 0, 0);
    expect_run(run, 1, FIXTURES "jenkins.log#2", "apply", -1, 0, 0);
    apply = tfa_run_input(run, 1);
    ck_assert_int_eq(apply->log.errors, 1);
    ck_assert_int_eq(apply->log.apply_errors, 1);
    ck_assert_int_eq(apply->log.applied, 1);
    ck_assert_str_eq(apply->tool_version, "1.5.7");
    tfa_run_free(run);
}
END_TEST

START_TEST(azure_destroy_that_failed_part_way_is_a_destroy)
{
    tfa_run *run = load_path(FIXTURES "azure-pipelines.log");

    ck_assert_uint_eq(tfa_run_input_count(run), 1);
    expect_run(run, 0, FIXTURES "azure-pipelines.log", "destroy", -1, 0, 0);
    ck_assert_int_eq(tfa_run_input(run, 0)->log.errors, 1);
    ck_assert_str_eq(tfa_run_input(run, 0)->tool_version, "1.6.6");
    tfa_run_free(run);
}
END_TEST

START_TEST(tf_log_trace_gives_operation_version_and_apply_errors)
{
    tfa_run *run = load_path(FIXTURES "tf-trace-apply.log");
    const tfa_input *in = tfa_run_input(run, 0);

    ck_assert_uint_eq(tfa_run_input_count(run), 1);
    expect_run(run, 0, FIXTURES "tf-trace-apply.log", "apply", -1, 0, 0);
    ck_assert_str_eq(in->tool, "terraform");
    ck_assert_str_eq(in->tool_version, "1.5.7");
    ck_assert_int_eq(in->log.apply_errors, 2);
    ck_assert_int_eq(in->log.errors, 3);
    /* nothing in the debug lines is taken for the CLI's output */
    ck_assert_int_eq(in->log.planned, 0);
    ck_assert_int_eq(in->log.applied, 0);
    tfa_run_free(run);
}
END_TEST

START_TEST(atlantis_comment_is_a_run_per_project)
{
    tfa_run *run = load_path(FIXTURES "atlantis-plan.md");
    size_t i;
    int noted = 0;

    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    expect_run(run, 0, FIXTURES "atlantis-plan.md#1", "plan", 2, 0, 0);
    expect_run(run, 1, FIXTURES "atlantis-plan.md#2", "plan", 0, 1, 1);
    for (i = 0; i < tfa_run_note_count(run); i++)
        if (tfa_run_note(run, i)->input == 1 &&
            strstr(tfa_run_note(run, i)->message, "dir: `envs/production` workspace: `default`"))
            noted = 1;
    ck_assert_msg(noted, "the production run does not name its project");
    tfa_run_free(run);

    run = load_path(FIXTURES "atlantis-apply.md");
    ck_assert_uint_eq(tfa_run_input_count(run), 1);
    expect_run(run, 0, FIXTURES "atlantis-apply.md", "apply", 2, 0, 0);
    tfa_run_free(run);
}
END_TEST

/* A GitHub Actions prelude of `bytes` bytes (npm noise, timestamps). */
static void prelude(tfa_buf *b, size_t bytes)
{
    unsigned long i = 0;
    tfa_buf_puts(b, "2024-03-05T09:00:00.0000001Z Current runner version: '2.314.1'\n");
    while (b->len < bytes) {
        tfa_buf_printf(b,
                       "2024-03-05T09:00:%02lu.%07luZ npm WARN deprecated pkg-%lu@1.0.%lu: this "
                       "package is no longer supported\n",
                       i % 60, i * 7919 % 10000000, i, i % 9);
        i++;
    }
}

static char *ci_log_with_prelude(size_t bytes, size_t *len)
{
    size_t flen;
    char *fixture = tfa_test_read_file(FIXTURES "github-actions.log", &flen);
    tfa_buf b;

    ck_assert_ptr_nonnull(fixture);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    prelude(&b, bytes);
    tfa_buf_put(&b, fixture, flen);
    free(fixture);
    return tfa_buf_detach(&b, len);
}

START_TEST(summarize_json_of_a_job_log_with_a_long_prelude)
{
    char *dir = tfa_test_mkdtemp(), path[512], *data;
    const char *argv[] = {"tfaudit", "summarize", "--format", "json", path, NULL};
    tfa_test_output out;
    size_t len;

    data = ci_log_with_prelude(120 * 1024, &len);
    snprintf(path, sizeof(path), "%s/job.log", dir);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "status %d: %s", out.status, out.err);
    ck_assert(tfa_test_contains(out.out, out.out_len, "\"kind\": \"text-log\""));
    ck_assert(tfa_test_contains(out.out, out.out_len, "job.log#2\""));
    ck_assert(tfa_test_contains(out.out, out.out_len, "\"operation\": \"apply\""));
    ck_assert(tfa_test_contains(out.out, out.out_len,
                                "\"add\": 1,\n        \"change\": 1,\n"
                                "        \"destroy\": 0,"));
    tfa_test_output_release(&out);
    tfa_free(data);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

/* Read through a memory stream (no file to reopen): positions stay true. */
START_TEST(prelude_is_read_through_once_and_lines_keep_their_numbers)
{
    size_t len, i, prelude_lines = 0;
    char *data = ci_log_with_prelude(9 * 1024 * 1024, &len);
    unsigned char digest[TFA_SHA256_BYTES];
    tfa_sha256 sha;
    const char *apply_line = strstr(data, "aws_s3_bucket_versioning.artifacts: Creating...");
    tfa_error err;
    tfa_run *run = NULL;
    const tfa_applied *a = NULL;

    ck_assert_ptr_nonnull(apply_line);
    for (i = 0; data + i < apply_line; i++)
        prelude_lines += data[i] == '\n';
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "job.log", data, len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    ck_assert_uint_eq(tfa_run_input(run, 0)->bytes, len);
    /* past 4 MiB the digest is taken on another thread while detection reads:
     * it must still be the file's */
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, data, len);
    tfa_sha256_final(&sha, digest);
    ck_assert_int_eq(memcmp(tfa_run_input(run, 0)->sha256, digest, sizeof(digest)), 0);
    ck_assert_int_eq(memcmp(tfa_run_input(run, 1)->sha256, digest, sizeof(digest)), 0);
    a = last_applied(run, TFA_ACTION_CREATE);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->pos.line, prelude_lines + 1);
    tfa_run_free(run);
    tfa_free(data);
}
END_TEST

/* Detection looks for CR, ESC and '{' a few kilobytes at a time rather than
 * per line (detect_stream.c): a prelude where they come every few lines,
 * in colour, with CRLF ends and a '{' too far into a line to be a message,
 * still hands the reader the same lines. */
START_TEST(noisy_prelude_lines_are_read_through_and_lines_keep_their_numbers)
{
    size_t flen, len, i, prelude_lines = 0;
    char *fixture = tfa_test_read_file(FIXTURES "github-actions.log", &flen), *data;
    const char *apply_line;
    tfa_error err;
    tfa_run *run = NULL;
    const tfa_applied *a = NULL;
    tfa_buf b;

    ck_assert_ptr_nonnull(fixture);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    prelude(&b, 64 * 1024);
    for (i = 0; b.len < 600 * 1024; i++) {
        tfa_buf_printf(&b, "2024-03-05T09:01:%02zu.%07zuZ ", i % 60, i * 31 % 10000000);
        if (i == 3000) /* the first marker, in colour, with a CRLF end: a run of its own */
            tfa_buf_puts(&b, "\x1b[1mNo changes.\x1b[0m Your infrastructure matches");
        else if (i % 7 == 0)
            tfa_buf_printf(&b, "\x1b[36;1mcolour %zu: Creating...\x1b[0m", i);
        else if (i % 11 == 0)
            tfa_buf_printf(&b, "%-140s {\"@level\": \"info\"} %zu", "late brace", i);
        else
            tfa_buf_printf(&b, "Unpacking libssl3:amd64 (3.0.2-0ubuntu1.%zu) ...", i);
        tfa_buf_puts(&b, i % 5 == 0 ? "\r\n" : "\n");
    }
    tfa_buf_put(&b, fixture, flen);
    free(fixture);
    data = tfa_buf_detach(&b, &len);
    apply_line = strstr(data, "aws_s3_bucket_versioning.artifacts: Creating...");
    ck_assert_ptr_nonnull(apply_line);
    for (i = 0; data + i < apply_line; i++)
        prelude_lines += data[i] == '\n';
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "job.log", data, len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 3);
    ck_assert_int_eq(tfa_run_input(run, 0)->kind, TFA_KIND_TEXT_LOG);
    ck_assert(tfa_run_input(run, 0)->log.no_changes);
    a = last_applied(run, TFA_ACTION_CREATE);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->pos.line, prelude_lines + 1);
    tfa_run_free(run);
    tfa_free(data);
}
END_TEST

static int load_status(const char *data, size_t len, tfa_error *err)
{
    tfa_run *run = NULL;
    int rc;

    tfa_error_init(err);
    rc = tfa_test_load_mem(&run, "big.log", data, len, TFA_KIND_UNKNOWN, err);
    tfa_run_free(run);
    return rc;
}

START_TEST(long_text_without_terraform_is_rejected)
{
    tfa_buf b;
    tfa_error err;
    size_t i;

    /* a CI job that never ran terraform: read to its end, then refused */
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    prelude(&b, 2 * 1024 * 1024);
    ck_assert_int_eq(load_status(b.ptr, b.len, &err), TFA_EINPUT);
    ck_assert_msg(strstr(err.message, "not a Terraform plan, state or log") != NULL, "%s",
                  err.message);
    tfa_buf_release(&b);

    /* an application log with Terraform-looking lines only after the head:
     * no CI or shell prelude, so it is refused from its head */
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (i = 0; b.len < 256 * 1024; i++)
        tfa_buf_printf(&b, "Mar  5 10:00:%02zu web-7 nginx[812]: GET /health 200\n", i % 60);
    tfa_buf_puts(&b, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n");
    ck_assert_int_eq(load_status(b.ptr, b.len, &err), TFA_EINPUT);
    tfa_buf_release(&b);
}
END_TEST

static void sha_of(const void *data, size_t len, unsigned char out[TFA_SHA256_BYTES])
{
    tfa_sha256 sha;
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, data, len);
    tfa_sha256_final(&sha, out);
}

/* Reads into two buffers in turn, each scribbled over as soon as the stream
 * says it is hashed (tfa_stream_sync_but_last), in reads of changing sizes:
 * the digest is still the input's. Under ThreadSanitizer (make test-tsan)
 * this is also the check that the thread is done with what it is given back. */
START_TEST(hashing_ahead_in_two_buffers_covers_every_byte_once)
{
    const size_t len = 12u * 1024 * 1024 + 4099;
    unsigned char *data = tfa_malloc(len), want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    char *buf[2];
    size_t i, total = 0, want_n;
    long long n = 1;
    tfa_stream *in = NULL;
    tfa_error err;

    ck_assert_ptr_nonnull(data);
    for (i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 2654435761u >> 13);
    sha_of(data, len, want);
    buf[0] = tfa_malloc(1024 * 1024);
    buf[1] = tfa_malloc(1024 * 1024);
    ck_assert(buf[0] && buf[1]);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "mem", data, len, &err), &err);
    tfa_stream_async_hash_ahead(in);
    for (i = 0; n > 0; i++) {
        want_n = 1 + (i * 7919 * 131) % (1024 * 1024);
        n = tfa_stream_read(in, buf[i % 2], want_n, &err);
        ck_assert_int_ge(n, 0);
        ck_assert_int_eq(memcmp(buf[i % 2], data + total, (size_t)n), 0);
        total += (size_t)n;
        tfa_stream_sync_but_last(in);
        memset(buf[(i + 1) % 2], 0xA5, 1024 * 1024); /* the read before last's bytes */
    }
    tfa_stream_async_hash_stop(in);
    ck_assert_uint_eq(total, len);
    ck_assert_uint_eq(tfa_stream_bytes(in), len);
    tfa_stream_digest(in, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
    tfa_stream_free(in);
    tfa_free(buf[0]);
    tfa_free(buf[1]);
    tfa_free(data);
}
END_TEST

/* Detection that reads a long prelude to its end finds nothing and leaves the
 * stream drained and hashed, past the size where hashing moves to a thread. */
START_TEST(detection_through_a_prelude_hashes_all_of_it)
{
    unsigned char want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    const char *head;
    size_t hlen;
    tfa_kind found = TFA_KIND_TEXT_LOG;
    tfa_stream *in = NULL;
    tfa_error err;
    tfa_buf b;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    prelude(&b, 7 * 1024 * 1024 + 333);
    sha_of(b.ptr, b.len, want);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "job.log", b.ptr, b.len, &err), &err);
    ck_assert_tfa_ok(tfa_stream_peek(in, &head, &hlen, &err), &err);
    ck_assert_tfa_ok(tfa_detect_text_stream(in, &found, &err), &err);
    ck_assert_int_eq(found, TFA_KIND_UNKNOWN);
    ck_assert_tfa_ok(tfa_stream_drain(in, &err), &err);
    ck_assert_uint_eq(tfa_stream_bytes(in), b.len);
    tfa_stream_digest(in, got);
    ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
    tfa_stream_free(in);
    tfa_buf_release(&b);
}
END_TEST

START_TEST(overlong_prelude_lines_are_skipped_in_bounded_memory)
{
    size_t flen;
    char *fixture = tfa_test_read_file(FIXTURES "gitlab-ci.log", &flen);
    tfa_buf b;
    tfa_error err;
    tfa_run *run = NULL;

    ck_assert_ptr_nonnull(fixture);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "Running with gitlab-runner 16.9.1 (782c6ecb)\n");
    prelude(&b, 100 * 1024);
    /* a 3 MB line of base64 noise, longer than the detection window */
    while (b.len < 3 * 1024 * 1024)
        tfa_buf_puts(&b, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=");
    tfa_buf_puts(&b, "\n");
    tfa_buf_put(&b, fixture, flen);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "job.log", b.ptr, b.len, TFA_KIND_UNKNOWN, &err),
                     &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    expect_run(run, 1, "job.log#2", "apply", 0, 0, 1);
    tfa_run_free(run);
    tfa_buf_release(&b);
    free(fixture);
}
END_TEST

START_TEST(versions_from_every_line_terraform_prints_them_in)
{
    static const struct {
        const char *text, *tool, *version;
    } cases[] = {
        {"Terraform version: 0.11.14\n\nApply complete! Resources: 0 added, 0 changed, 0 "
         "destroyed.\n",
         "terraform", "0.11.14"},
        {"Terraform v1.5.7\non linux_amd64\nNo changes. Your infrastructure matches the "
         "configuration.\n",
         "terraform", "1.5.7"},
        {"Terraform v1.9.5 on linux_amd64\n  # null_resource.a will be created\n"
         "  + resource \"null_resource\" \"a\" {}\nPlan: 1 to add, 0 to change, 0 to destroy.\n",
         "terraform", "1.9.5"},
        {"2019/08/20 10:00:00 [INFO] Terraform version: 0.12.6  \n"
         "2019/08/20 10:00:00 [INFO] CLI args: []string{\"terraform\", \"plan\"}\n",
         "terraform", "0.12.6"},
        {"2024-03-05T10:00:00.000Z [INFO]  OpenTofu version: 1.6.2\n", "opentofu", "1.6.2"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tfa_run *run = NULL;
        tfa_error err;
        const tfa_input *in;
        tfa_error_init(&err);
        ck_assert_tfa_ok(tfa_test_load_mem(&run, "v.log", cases[i].text, strlen(cases[i].text),
                                           TFA_KIND_UNKNOWN, &err),
                         &err);
        in = tfa_run_input(run, 0);
        ck_assert_msg(in->tool && strcmp(in->tool, cases[i].tool) == 0, "case %zu: tool", i);
        ck_assert_msg(in->tool_version && strcmp(in->tool_version, cases[i].version) == 0,
                      "case %zu: version %s", i, in->tool_version ? in->tool_version : "-");
        tfa_run_free(run);
    }
}
END_TEST

/* The checklist reads the apply run of a job: a failed apply turns it NO-GO. */
START_TEST(apply_facts_come_from_the_apply_run)
{
    char *dir = tfa_test_mkdtemp(), list[512];
    static const char checklist[] = "# Window\n\n"
                                    "- [ ] `applied` The apply finished cleanly: "
                                    "`apply.errors == 0 and apply.add == 1`\n";
    const char *go[] = {"tfaudit", "check", "--checklist", list, FIXTURES "github-actions.log",
                        NULL};
    const char *nogo[] = {"tfaudit", "check", "--checklist", list, FIXTURES "jenkins.log", NULL};
    tfa_test_output out;

    snprintf(list, sizeof(list), "%s/checklist.md", dir);
    ck_assert_int_eq(tfa_test_write_file(list, checklist, strlen(checklist)), 0);
    ck_assert_int_eq(tfa_test_run(go, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "github job: status %d\n%s%s", out.status, out.out, out.err);
    tfa_test_output_release(&out);
    ck_assert_int_eq(tfa_test_run(nogo, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 1, "jenkins job: status %d\n%s%s", out.status, out.out, out.err);
    tfa_test_output_release(&out);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

/* A job that retried its apply: the last apply is what apply facts read. */
START_TEST(retried_apply_in_one_job_reads_the_last_apply)
{
    static const char retry[] = "[2024-03-05T11:09:00.000Z] [Pipeline] sh\n"
                                "[2024-03-05T11:09:01.000Z] + terraform apply -input=false "
                                "-auto-approve\n"
                                "aws_lambda_function.hook: Creating...\n"
                                "aws_lambda_function.hook: Creation complete after 3s "
                                "[id=deploy-hook]\n\n"
                                "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n";
    static const char checklist[] = "# Window\n\n"
                                    "- [ ] `applied` The apply finished cleanly: "
                                    "`apply.errors == 0 and apply.add == 1`\n";
    char *dir = tfa_test_mkdtemp(), list[512], log[512], *data;
    const char *argv[] = {"tfaudit", "check", "--checklist", list, log, NULL};
    tfa_test_output out;
    tfa_buf b;
    size_t len;
    tfa_run *run;

    data = tfa_test_read_file(FIXTURES "jenkins.log", &len);
    ck_assert_ptr_nonnull(data);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_put(&b, data, len);
    tfa_buf_puts(&b, retry);
    snprintf(list, sizeof(list), "%s/checklist.md", dir);
    snprintf(log, sizeof(log), "%s/job.log", dir);
    ck_assert_int_eq(tfa_test_write_file(list, checklist, strlen(checklist)), 0);
    ck_assert_int_eq(tfa_test_write_file(log, b.ptr, b.len), 0);
    run = load_path(log);
    ck_assert_uint_eq(tfa_run_input_count(run), 3);
    expect_run(run, 1, tfa_run_input(run, 1)->path, "apply", -1, 0, 0);
    expect_run(run, 2, tfa_run_input(run, 2)->path, "apply", 1, 0, 0);
    tfa_run_free(run);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "status %d\n%s%s", out.status, out.out, out.err);
    tfa_test_output_release(&out);
    tfa_buf_release(&b);
    free(data);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- the line recognizers ------------------------------------------------------- */

static int command_of(const char *s, tfa_ci_cmd *cmd)
{
    return tfa_text_ci_command(s, strlen(s), cmd);
}

START_TEST(ci_command_lines_name_their_operation)
{
    static const struct {
        const char *line;
        int is;
        tfa_ci_cmd cmd;
    } cases[] = {
        {"[command]/home/runner/work/_temp/7c1e/terraform-bin plan -no-color", 1, TFA_CI_PLAN},
        {"[command]/opt/hostedtoolcache/terraform/1.6.6/x64/terraform apply -destroy", 1,
         TFA_CI_DESTROY},
        {"##[group]Run terraform apply -auto-approve tfplan", 1, TFA_CI_APPLY},
        {"$ tofu -chdir=envs/prod plan -out=plan.cache", 1, TFA_CI_PLAN},
        {"+ terraform destroy -auto-approve", 1, TFA_CI_DESTROY},
        {"+ TF_IN_AUTOMATION=1 terraform show -no-color tfplan", 1, TFA_CI_SHOW},
        {"$ terragrunt run-all apply --terragrunt-non-interactive", 1, TFA_CI_APPLY},
        {"$ terraform init -input=false", 1, TFA_CI_OTHER},
        {"+ terraform = \"1.5\"", 0, TFA_CI_OTHER}, /* an attribute in a diff block */
        {"+ resource \"aws_instance\" \"web\" {", 0, TFA_CI_OTHER},
        {"terraform apply -auto-approve", 0, TFA_CI_OTHER}, /* the script echo in a group */
        {"$ make plan", 0, TFA_CI_OTHER},
    };
    size_t i;
    tfa_ci_cmd cmd;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cmd = TFA_CI_OTHER;
        ck_assert_msg(command_of(cases[i].line, &cmd) == cases[i].is, "%s", cases[i].line);
        if (cases[i].is)
            ck_assert_msg(cmd == cases[i].cmd, "%s: %d", cases[i].line, (int)cmd);
    }
}
END_TEST

START_TEST(trace_and_atlantis_lines)
{
    static const char vertex[] = "[ERROR] vertex \"module.db.aws_db_instance.main[0]\" error: "
                                 "Provider produced inconsistent result after apply";
    static const char node[] = "[ERROR] vertex \"aws_instance.web (destroy)\" error: boom";
    static const char args[] = "[INFO]  CLI args: []string{\"/usr/local/bin/terraform\", "
                               "\"-chdir=prod\", \"apply\", \"-destroy\"}";
    tfa_text_trace t;
    tfa_ci_cmd cmd;
    const char *project;
    size_t n;

    ck_assert(tfa_text_trace_parse(vertex, strlen(vertex), &t));
    ck_assert_int_eq(t.kind, TFA_TRACE_VERTEX_ERROR);
    ck_assert_uint_eq(t.addr.len, strlen("module.db.aws_db_instance.main[0]"));
    ck_assert(tfa_text_trace_parse(node, strlen(node), &t));
    ck_assert_uint_eq(t.addr.len, strlen("aws_instance.web"));
    ck_assert(tfa_text_trace_parse(args, strlen(args), &t));
    ck_assert_int_eq(t.kind, TFA_TRACE_ARGS);
    ck_assert_int_eq(t.cmd, TFA_CI_DESTROY);
    ck_assert(!tfa_text_trace_parse("[Pipeline] sh", 13, &t));

    ck_assert_int_eq(tfa_text_atlantis("Ran Plan for 3 projects:", 24, &cmd, &project, &n), 1);
    ck_assert_int_eq(cmd, TFA_CI_PLAN);
    ck_assert_int_eq(tfa_text_atlantis("### 2. project: `api` dir: `svc/api` workspace: `prod`", 55,
                                       &cmd, &project, &n),
                     3);
    ck_assert_int_eq(strncmp(project, "project: `api` dir: `svc/api` workspace: `prod`", n), 0);
    ck_assert_int_eq(
        tfa_text_atlantis("Ran Apply for dir: `x` workspace: `default`", 43, &cmd, &project, &n),
        2);
    ck_assert_int_eq(cmd, TFA_CI_APPLY);
    ck_assert_int_eq(tfa_text_atlantis("### Plan Summary", 16, &cmd, &project, &n), 0);
}
END_TEST

static void expect_normalized(const char *in, const char *want)
{
    char buf[512];
    unsigned flags = 0;
    size_t n = strlen(in);

    memcpy(buf, in, n + 1);
    n = tfa_line_normalize(buf, n, &flags);
    buf[n] = '\0';
    ck_assert_str_eq(buf, want);
}

START_TEST(normalizer_drops_ci_and_logger_prefixes)
{
    expect_normalized("section_start:1709630006:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "
                      "\"step_script\"\x1b[0;m",
                      "Executing \"step_script\"");
    expect_normalized("section_end:1709630040:step_script\r\x1b[0K", "");
    expect_normalized("section_start:1709630006:plan[collapsed=true]\r\x1b[0KPlan", "Plan");
    expect_normalized("2023-05-10T10:00:00.123+0200 [INFO]  Terraform version: 1.4.6",
                      "[INFO]  Terraform version: 1.4.6");
    expect_normalized("2019/08/20 10:00:00 [INFO] CLI args: x", "[INFO] CLI args: x");
    expect_normalized("[2024-03-05T11:00:01.037Z] + terraform plan", "+ terraform plan");
    expect_normalized("2024-03-05T09:12:40.1370000Z ##[group]Run terraform plan",
                      "##[group]Run terraform plan");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("text_runs");
    TCase *tc = tcase_create("runs");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, github_actions_job_is_a_plan_run_and_an_apply_run);
    tcase_add_test(tc, plan_run_and_apply_run_verify_against_each_other);
    tcase_add_test(tc, gitlab_job_with_sections_and_colour_is_two_opentofu_runs);
    tcase_add_test(tc, jenkins_failed_apply_keeps_its_operation_and_errors);
    tcase_add_test(tc, azure_destroy_that_failed_part_way_is_a_destroy);
    tcase_add_test(tc, tf_log_trace_gives_operation_version_and_apply_errors);
    tcase_add_test(tc, atlantis_comment_is_a_run_per_project);
    tcase_add_test(tc, summarize_json_of_a_job_log_with_a_long_prelude);
    tcase_add_test(tc, prelude_is_read_through_once_and_lines_keep_their_numbers);
    tcase_add_test(tc, noisy_prelude_lines_are_read_through_and_lines_keep_their_numbers);
    tcase_add_test(tc, long_text_without_terraform_is_rejected);
    tcase_add_test(tc, hashing_ahead_in_two_buffers_covers_every_byte_once);
    tcase_add_test(tc, detection_through_a_prelude_hashes_all_of_it);
    tcase_add_test(tc, overlong_prelude_lines_are_skipped_in_bounded_memory);
    tcase_add_test(tc, versions_from_every_line_terraform_prints_them_in);
    tcase_add_test(tc, apply_facts_come_from_the_apply_run);
    tcase_add_test(tc, retried_apply_in_one_job_reads_the_last_apply);
    tcase_add_test(tc, ci_command_lines_name_their_operation);
    tcase_add_test(tc, trace_and_atlantis_lines);
    tcase_add_test(tc, normalizer_drops_ci_and_logger_prefixes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
