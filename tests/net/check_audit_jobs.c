/*
 * check_audit_jobs.c - the nightly audit gives the same reports and the
 * same ledger bodies with 1, 2 and 4 threads, from a directory and from an
 * S3 prefix on the S3 test server (s3rver behind the checking proxy,
 * s3_server.h), and a workspace whose object cannot be fetched is that
 * workspace's error, named, while the others are audited.
 *
 * Two nights per ledger, so the comparison with the previous audit (done by
 * the workers) is covered too. The workers read S3 objects on their own
 * connection before gating; the ordering case checks that an earlier
 * input's error still comes first, as when the gate reads them in turn.
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "ledger.h"
#include "s3_server.h"
#include "util/buf.h"

static const char *const jobs[] = {"1", "2", "4"};
#define N_JOBS (sizeof(jobs) / sizeof(jobs[0]))

/* workspace, file, fixture (NULL: `text`) */
static const struct {
    const char *ws, *file, *fixture, *text;
} files[] = {
    {"ws-a", "plan.json", "fixtures/plans/grafana-clean.json", NULL},
    {"ws-b", "plan.json", "fixtures/plans/grafana-drift.json", NULL},
    {"ws-c", "plan.json", "fixtures/verify/refresh-only.json", NULL},
    {"ws-d", "plan.json", "fixtures/plans/actions-all.json", NULL},
    {"ws-e", "plan.json", NULL, "{\"format_version\": \"1.2\", \"resource_changes\": ["},
    {"ws-f", "plan.json", "fixtures/plans/grafana-drift.json", NULL},
    {"ws-f", "refresh.json", "fixtures/verify/refresh-only.json", NULL},
    {"ws-g", "plan.json", "fixtures/plans/grafana-clean.json", NULL},
    {"ws-h", "notes.bin", NULL, "\x01\x02 not a document"},
    {"ws-i", "plan.json", "fixtures/plans/grafana-destroy.json", NULL},
    {"ws-j", "plan.json", "fixtures/plans/grafana-clean.json", NULL},
    {"ws-k", "plan.json", "fixtures/plans/grafana-drift.json", NULL},
};
#define N_FILES (sizeof(files) / sizeof(files[0]))

static char *file_bytes(size_t i, size_t *len)
{
    if (files[i].fixture)
        return tfa_test_read_file(files[i].fixture, len);
    *len = strlen(files[i].text);
    return strdup(files[i].text);
}

/* The night as a directory under `root`. */
static void write_dir(const char *root)
{
    char p[1024];
    size_t i, len;
    for (i = 0; i < N_FILES; i++) {
        char *data = file_bytes(i, &len);
        ck_assert_ptr_nonnull(data);
        snprintf(p, sizeof(p), "%s/%s", root, files[i].ws);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/%s/%s", root, files[i].ws, files[i].file);
        ck_assert_int_eq(tfa_test_write_file(p, data, len), 0);
        free(data);
    }
}

/* The night as objects under s3://audit/PREFIX (straight to s3rver). */
static void put_night(const char *prefix)
{
    tfa_http_options ho;
    tfa_s3 *s3;
    size_t i, len;

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    for (i = 0; i < N_FILES; i++) {
        char key[512], *data = file_bytes(i, &len);
        tfa_http_response res;
        tfa_error err;
        ck_assert_ptr_nonnull(data);
        snprintf(key, sizeof(key), "%s%s/%s", prefix, files[i].ws, files[i].file);
        tfa_error_init(&err);
        tfa_http_response_init(&res);
        ck_assert_tfa_ok(tfa_s3_request(s3, &res, "PUT", "audit", key, NULL, NULL, data, len, &err),
                         &err);
        tfa_http_response_release(&res);
        free(data);
    }
    tfa_s3_free(s3);
}

/* Every record's body, in order, joined by newlines. */
static char *ledger_bodies(const char *path)
{
    tfa_ledger_options lo = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_ledger_record *rec = NULL;
    tfa_error err;
    tfa_buf b;
    int64_t id;

    lo.read_only = 1;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_open(&l, path, &lo, &err), &err);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (id = 1; tfa_ledger_get(&rec, l, id, &err) == 0; id++) {
        tfa_buf_put(&b, rec->body, rec->body_len);
        tfa_buf_putc(&b, '\n');
        tfa_ledger_record_free(rec);
        rec = NULL;
    }
    ck_assert_int_eq(err.status, TFA_ENOTFOUND);
    ck_assert_int_gt(id, 1);
    tfa_ledger_free(l);
    return tfa_buf_detach(&b, NULL);
}

typedef struct night {
    char *report[2]; /* the JSON reports of the two nights */
    char *err[2];
    char *bodies;
} night;

/* Two audits of `source` into a fresh ledger with `j` threads. */
static void two_nights(night *n, const char *dir, const char *source, const char *j,
                       int want_status)
{
    static const char *const when[] = {"--now=2026-11-26T02:00:00Z", "--now=2026-11-27T02:00:00Z"};
    char ledger[1024];
    int k;

    snprintf(ledger, sizeof(ledger), "%s/ledger-%s-%s.db", dir,
             strncmp(source, "s3://", 5) == 0 ? "s3" : "dir", j);
    for (k = 0; k < 2; k++) {
        const char *argv[] = {"tfaudit",
                              "audit",
                              "--ledger",
                              ledger,
                              when[k],
                              "--operator",
                              "night-shift",
                              "-c",
                              "checklists/nightly-drift.md",
                              "-f",
                              "json",
                              "-j",
                              j,
                              source,
                              NULL};
        tfa_test_output o;
        run(&o, argv);
        ck_assert_msg(o.status == want_status, "-j %s %s: exit %d; stderr: %s", j, source, o.status,
                      o.err);
        n->report[k] = strdup(o.out);
        n->err[k] = strdup(o.err);
        tfa_test_output_release(&o);
    }
    n->bodies = ledger_bodies(ledger);
}

static void night_release(night *n)
{
    free(n->report[0]), free(n->report[1]);
    free(n->err[0]), free(n->err[1]);
    tfa_free(n->bodies);
}

/* -j 1, 2 and 4 of `source`: the same reports, stderr and ledger bodies;
 * the -j 1 reports come back in *first (parsed, the second night). */
static json_t *same_for_any_jobs(const char *dir, const char *source, int want_status)
{
    night n[N_JOBS];
    json_t *last;
    size_t i;
    int k;

    for (i = 0; i < N_JOBS; i++)
        two_nights(&n[i], dir, source, jobs[i], want_status);
    for (i = 1; i < N_JOBS; i++) {
        for (k = 0; k < 2; k++) {
            ck_assert_msg(strcmp(n[0].report[k], n[i].report[k]) == 0,
                          "%s night %d: -j 1 and -j %s reports differ", source, k + 1, jobs[i]);
            ck_assert_msg(strcmp(n[0].err[k], n[i].err[k]) == 0,
                          "%s night %d: -j 1 and -j %s stderr differ:\n%s\n---\n%s", source, k + 1,
                          jobs[i], n[0].err[k], n[i].err[k]);
        }
        ck_assert_msg(strcmp(n[0].bodies, n[i].bodies) == 0,
                      "%s: -j 1 and -j %s ledger bodies differ", source, jobs[i]);
    }
    last = json_loads(n[0].report[1], 0, NULL);
    ck_assert_ptr_nonnull(last);
    for (i = 0; i < N_JOBS; i++)
        night_release(&n[i]);
    return last;
}

static const char *sget(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* What both sources must say of the night, whatever the thread count. */
static void check_night(const json_t *r)
{
    ck_assert_int_eq(json_array_size(json_object_get(r, "workspaces")), 11);
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-a"), "state"), "audited");
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-a"), "change"), "present");
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-b"), "verdict"), "NO-GO");
    /* a malformed plan and an unknown member: unreadable, named, NO-GO */
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-e"), "state"), "unreadable");
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-e"), "verdict"), "NO-GO");
    ck_assert_msg(strstr(sget(tfa_test_report_ws(r, "ws-e"), "error"), "ws-e/plan.json") != NULL,
                  "%s", sget(tfa_test_report_ws(r, "ws-e"), "error"));
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-h"), "state"), "unreadable");
    ck_assert_msg(strstr(sget(tfa_test_report_ws(r, "ws-h"), "error"), "ws-h/notes.bin") != NULL,
                  "%s", sget(tfa_test_report_ws(r, "ws-h"), "error"));
}

START_TEST(audit_jobs_same_from_a_directory)
{
    char *dir = tfa_test_mkdtemp(), night_dir[600];
    json_t *r;

    ck_assert_ptr_nonnull(dir);
    snprintf(night_dir, sizeof(night_dir), "%s/night", dir);
    mkdir(night_dir, 0755);
    write_dir(night_dir);
    r = same_for_any_jobs(dir, night_dir, 1);
    check_night(r);
    json_decref(r);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(audit_jobs_same_from_an_s3_prefix)
{
    char *dir = tfa_test_mkdtemp();
    json_t *r;

    ck_assert_ptr_nonnull(dir);
    put_night("jobs/");
    aws_env(srv.proxy); /* through the proxy: every request's signature checked */
    r = same_for_any_jobs(dir, "s3://audit/jobs/", 1);
    check_night(r);
    ck_assert_msg(strstr(sget(tfa_test_report_ws(r, "ws-e"), "error"),
                         "s3://audit/jobs/ws-e/plan.json") != NULL,
                  "%s", sget(tfa_test_report_ws(r, "ws-e"), "error"));
    json_decref(r);
    ck_assert_int_gt(assert_all_signed("/audit/jobs/"), 0);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(audit_jobs_failed_fetch_is_that_workspace_s_error)
{
    char *dir = tfa_test_mkdtemp();
    const char *attempts;
    const json_t *w;
    json_t *r;

    ck_assert_ptr_nonnull(dir);
    put_night("faulty/");
    aws_env(srv.proxy);
    /* ws-c's object answers 500 whatever the retries: unreadable, named */
    arm("GET", "/audit/faulty/ws-c/plan.json", "s500*");
    /* ws-f: its first object is fine, its second fails */
    arm("GET", "/audit/faulty/ws-f/refresh.json", "s500*");
    r = same_for_any_jobs(dir, "s3://audit/faulty/", 1);
    w = tfa_test_report_ws(r, "ws-c");
    ck_assert_str_eq(sget(w, "state"), "unreadable");
    ck_assert_str_eq(sget(w, "verdict"), "NO-GO");
    ck_assert_msg(strstr(sget(w, "error"), "s3://audit/faulty/ws-c/plan.json") != NULL, "%s",
                  sget(w, "error"));
    ck_assert_msg(strstr(sget(w, "error"), "500") != NULL, "%s", sget(w, "error"));
    /* fetched once per audit (its retries, not a second round by the gate):
     * 3 thread counts, 2 nights */
    attempts = strstr(sget(w, "error"), " after ");
    ck_assert_ptr_nonnull(attempts);
    ck_assert_uint_eq(count_logged("/audit/faulty/ws-c/plan.json"),
                      6 * strtoul(attempts + 7, NULL, 10));
    w = tfa_test_report_ws(r, "ws-f");
    ck_assert_str_eq(sget(w, "state"), "unreadable");
    ck_assert_msg(strstr(sget(w, "error"), "s3://audit/faulty/ws-f/refresh.json") != NULL, "%s",
                  sget(w, "error"));
    /* the others are audited as ever */
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-a"), "state"), "audited");
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-b"), "state"), "audited");
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-e"), "state"), "unreadable");
    json_decref(r);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

/* An input's error comes before a later input's failed fetch, as when the
 * gate reads them in turn: the malformed first object is named. */
START_TEST(audit_jobs_earlier_input_error_comes_first)
{
    static const char *const objects[][2] = {
        {"order/ws-p/a.json", "{\"format_version\": \"1.2\", \"resource_changes\": ["},
        {"order/ws-p/b.json", "{}"},
        {"order/ws-q/plan.json", "{}"},
    };
    const char *argv[] = {"tfaudit",
                          "audit",
                          "--ledger",
                          NULL,
                          "--now=2026-11-27T02:00:00Z",
                          "-c",
                          "checklists/nightly-drift.md",
                          "-f",
                          "json",
                          "-j",
                          "2",
                          "s3://audit/order/",
                          NULL};
    char *dir = tfa_test_mkdtemp(), ledger[700];
    tfa_http_options ho;
    tfa_test_output o;
    tfa_s3 *s3;
    json_t *r;
    size_t i;

    ck_assert_ptr_nonnull(dir);
    snprintf(ledger, sizeof(ledger), "%s/ledger.db", dir);
    argv[3] = ledger;
    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
        tfa_http_response res;
        tfa_error err;
        tfa_error_init(&err);
        tfa_http_response_init(&res);
        ck_assert_tfa_ok(tfa_s3_request(s3, &res, "PUT", "audit", objects[i][0], NULL, NULL,
                                        objects[i][1], strlen(objects[i][1]), &err),
                         &err);
        tfa_http_response_release(&res);
    }
    tfa_s3_free(s3);
    aws_env(srv.proxy);
    arm("GET", "/audit/order/ws-p/b.json", "s500*");
    run(&o, argv);
    ck_assert_msg(o.status == 1, "exit %d: %s", o.status, o.err);
    r = json_loadb(o.out, o.out_len, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "ws-p"), "state"), "unreadable");
    ck_assert_msg(strstr(sget(tfa_test_report_ws(r, "ws-p"), "error"),
                         "s3://audit/order/ws-p/a.json") != NULL,
                  "%s", sget(tfa_test_report_ws(r, "ws-p"), "error"));
    json_decref(r);
    tfa_test_output_release(&o);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit_jobs");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, audit_jobs_same_from_a_directory);
    tcase_add_test(tc, audit_jobs_same_from_an_s3_prefix);
    tcase_add_test(tc, audit_jobs_failed_fetch_is_that_workspace_s_error);
    tcase_add_test(tc, audit_jobs_earlier_input_error_comes_first);
    suite_add_tcase(s, tc);
    return s3_suite_main(s);
}
