/*
 * check_serve.c - `tfaudit serve --run-task` end to end: the real binary
 * listening on 127.0.0.1, signed run-task requests sent to it as HCP
 * Terraform sends them, and tests/net/fake_tfc.py as the platform that
 * serves the plan JSON and receives the result callbacks.
 */
#include "util/compat.h"

#include <pthread.h>

#include "fake_server.h"
#include "runtask.h"
#include "util/buf.h"

#define HMAC_KEY "run-task-hmac-key-7f3a"

static fake_server srv; /* the platform */

typedef struct serve_proc {
    pid_t pid;
    int port;
    char dir[512], log[600], ledger[600];
    const char *checklist; /* NULL: fixtures/checklists/run-task.md */
} serve_proc;

static void platform_up(void)
{
    ck_assert_int_eq(fake_start(&srv, NULL, 0), 0);
}

static void platform_down(void)
{
    fake_stop(&srv);
}

/* Start `tfaudit serve` with `extra` arguments (NULL-terminated, may be NULL). */
static void serve_start(serve_proc *p, const char *const *extra)
{
    char *tmp = tfa_test_mkdtemp(), key[600], port_file[600], buf[32];
    const char *argv[48];
    size_t n = 0;
    FILE *f;
    int i;

    const char *checklist = p->checklist ? p->checklist : "fixtures/checklists/run-task.md";

    memset(p, 0, sizeof(*p));
    p->checklist = checklist;
    ck_assert_ptr_nonnull(tmp);
    snprintf(p->dir, sizeof(p->dir), "%s", tmp);
    free(tmp);
    snprintf(key, sizeof(key), "%s/hmac.key", p->dir);
    snprintf(port_file, sizeof(port_file), "%s/port", p->dir);
    snprintf(p->log, sizeof(p->log), "%s/serve.log", p->dir);
    snprintf(p->ledger, sizeof(p->ledger), "%s/ledger.db", p->dir);
    f = fopen(key, "w");
    ck_assert_ptr_nonnull(f);
    fputs(HMAC_KEY "\n", f);
    fclose(f);
    chmod(key, 0600);
    argv[n++] = getenv("TFA_BINARY");
    argv[n++] = "serve", argv[n++] = "--run-task";
    argv[n++] = "--listen", argv[n++] = "127.0.0.1:0";
    argv[n++] = "--checklist", argv[n++] = checklist;
    argv[n++] = "--hmac-key-file", argv[n++] = key;
    argv[n++] = "--ledger", argv[n++] = p->ledger;
    argv[n++] = "--port-file", argv[n++] = port_file;
    argv[n++] = "--result-url", argv[n++] = "https://tfaudit.example/runs/{run_id}";
    for (i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    setenv("TFAUDIT_HTTP_BACKOFF_MS", "50", 1);
    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0) {
        FILE *e = fopen(p->log, "w");
        if (e)
            dup2(fileno(e), 2);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    for (i = 0; i < 400 && p->port <= 0; i++) { /* 20 s */
        if ((f = fopen(port_file, "r")) != NULL) {
            if (fgets(buf, sizeof(buf), f))
                p->port = (int)strtol(buf, NULL, 10);
            fclose(f);
        }
        if (p->port <= 0)
            usleep(50000);
    }
    ck_assert_msg(p->port > 0, "tfaudit serve did not start");
}

/* SIGTERM; the exit status. */
static int serve_stop(serve_proc *p)
{
    int status = -1;

    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, &status, 0);
        p->pid = 0;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void serve_cleanup(serve_proc *p)
{
    if (p->pid > 0)
        serve_stop(p);
    tfa_test_rmtree(p->dir);
}

/* A run-task request body as the platform sends it. */
static void payload(char *out, size_t size, const char *stage, const char *trid, const char *plan)
{
    snprintf(out, size,
             "{\"payload_version\":1,\"stage\":\"%s\",\"access_token\":\"%s\","
             "\"capabilitites\":{\"outcomes\":true},\"is_speculative\":false,"
             "\"organization_name\":\"acme\",\"run_app_url\":\"https://app.example/r\","
             "\"run_created_at\":\"2026-12-01T10:00:00Z\",\"run_created_by\":\"dana\","
             "\"run_id\":\"run-%s\",\"run_message\":\"Triggered via UI\","
             "\"task_result_callback_url\":\"%s/api/v2/task-results/%s/callback\","
             "\"task_result_enforcement_level\":\"mandatory\",\"task_result_id\":\"%s\","
             "\"workspace_app_url\":\"https://app.example/w\",\"workspace_id\":\"ws-1\","
             "\"workspace_name\":\"telemetry-prod\","
             "\"plan_json_api_url\":\"%s/api/v2/plans/%s/json-output\"}",
             stage, FAKE_TOKEN, trid, srv.base, trid, trid, srv.base, plan);
}

/* POST `body` to the server; `sign`: 1 signed with the key, 0 unsigned,
 * -1 signed with another key. The HTTP status. */
static long post_to(const serve_proc *p, const char *scheme, const char *cacert, const char *body,
                    int sign)
{
    char url[64], sig[129], header[200];
    const char *headers[2] = {NULL, NULL};
    tfa_http_options o;
    tfa_http_request r = {0};
    tfa_http_response res;
    tfa_error err;
    long status;

    tfa_http_options_init(&o);
    o.max_retries = 0;
    o.cacert = cacert;
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    snprintf(url, sizeof(url), "%s://127.0.0.1:%d/", scheme, p->port);
    if (sign) {
        const char *key = sign > 0 ? HMAC_KEY : "another-key";
        ck_assert_int_eq(tfa_runtask_sign(key, strlen(key), body, strlen(body), sig), 0);
        snprintf(header, sizeof(header), "%s: %s", TFA_RUNTASK_SIGNATURE_HEADER, sig);
        headers[0] = header;
    }
    r.method = "POST";
    r.url = url;
    r.body = body;
    r.body_len = strlen(body);
    r.content_type = "application/json";
    r.headers = headers;
    tfa_http_perform(&res, &r, &o, &err);
    status = res.status;
    tfa_http_response_release(&res);
    return status;
}

static long post(const serve_proc *p, const char *body, int sign)
{
    return post_to(p, "http", NULL, body, sign);
}

/* GET /healthz: the number after `"key":` in its JSON, or -1. */
static long health(const serve_proc *p, const char *key)
{
    char url[64], needle[64];
    const char *at;
    tfa_http_options o;
    tfa_http_request r = {0};
    tfa_http_response res;
    tfa_error err;
    long v = -1;

    tfa_http_options_init(&o);
    o.max_retries = 0;
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", p->port);
    snprintf(needle, sizeof(needle), "\"%s\":", key);
    r.url = url;
    if (tfa_http_perform(&res, &r, &o, &err) == 0 && tfa_buf_putc(&res.body, '\0') == 0 &&
        (at = strstr(res.body.ptr, needle)) != NULL)
        v = strtol(at + strlen(needle), NULL, 10);
    tfa_http_response_release(&res);
    return v;
}

/* The callbacks received for `trid` ("" for all), waiting up to 60 s for `n`. */
static json_t *callbacks(const char *trid, size_t n)
{
    char needle[128];
    json_t *got = NULL;
    int i;

    snprintf(needle, sizeof(needle), "task-results/%s", trid);
    for (i = 0; i < 600; i++) {
        size_t k, ok = 0;
        json_t *e, *all;
        json_decref(got);
        all = fake_requests(&srv, needle);
        got = json_array();
        json_array_foreach(all, k, e)
        {
            const char *path = json_string_value(json_object_get(e, "path"));
            if (strstr(path, "/callback") && !strstr(path, "/f/"))
                json_array_append(got, e), ok++;
        }
        json_decref(all);
        if (json_array_size(got) >= n)
            break;
        usleep(100000);
    }
    return got;
}

static json_t *callback_doc(const json_t *req)
{
    return json_loads(json_string_value(json_object_get(req, "body")), 0, NULL);
}

static const char *attr(const json_t *doc, const char *name)
{
    return json_string_value(
        json_object_get(json_object_get(json_object_get(doc, "data"), "attributes"), name));
}

static long ledger_count(const serve_proc *p)
{
    char cmd[800], line[64];
    FILE *f;
    long n = -1;

    snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'select count(*) from records' 2>&1", p->ledger);
    if ((f = popen(cmd, "r")) != NULL) {
        if (fgets(line, sizeof(line), f))
            n = strtol(line, NULL, 10);
        pclose(f);
    }
    return n;
}

START_TEST(serve_passes_a_clean_plan)
{
    serve_proc p = {0};
    char body[2048];
    json_t *cb, *doc;

    serve_start(&p, NULL);
    payload(body, sizeof(body), "post_plan", "taskrs-Clean000000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    cb = callbacks("taskrs-Clean000000001", 1);
    ck_assert_uint_eq(json_array_size(cb), 1);
    ck_assert_str_eq(fake_auth(cb, 0), "Bearer " FAKE_TOKEN);
    doc = callback_doc(json_array_get(cb, 0));
    ck_assert_str_eq(attr(doc, "status"), "passed");
    ck_assert_msg(strncmp(attr(doc, "message"), "GO: ", 4) == 0, "%s", attr(doc, "message"));
    ck_assert_str_eq(attr(doc, "url"), "https://tfaudit.example/runs/run-taskrs-Clean000000001");
    json_decref(doc);
    json_decref(cb);
    ck_assert_int_eq(serve_stop(&p), 0);
    ck_assert_int_eq(ledger_count(&p), 1);
    {
        size_t len;
        char *log = tfa_test_read_file(p.log, &len);
        ck_assert_ptr_nonnull(log);
        ck_assert_ptr_null(strstr(log, FAKE_TOKEN)); /* the token is never logged */
        ck_assert_ptr_nonnull(strstr(
            log, "task_result=taskrs-Clean000000001 run=run-taskrs-Clean000000001 result=passed"));
        free(log);
    }
    serve_cleanup(&p);
}
END_TEST

START_TEST(serve_fails_a_plan_that_destroys)
{
    serve_proc p = {0};
    char body[2048];
    json_t *cb, *doc, *outcomes, *o;
    size_t i;
    int named = 0;

    serve_start(&p, NULL);
    payload(body, sizeof(body), "post_plan", "taskrs-Destroy0000001", "plan-RunTaskDestroy01");
    ck_assert_int_eq(post(&p, body, 1), 200);
    cb = callbacks("taskrs-Destroy0000001", 1);
    ck_assert_uint_eq(json_array_size(cb), 1);
    doc = callback_doc(json_array_get(cb, 0));
    ck_assert_str_eq(attr(doc, "status"), "failed");
    ck_assert_ptr_nonnull(strstr(attr(doc, "message"), "no-destroy"));
    outcomes = json_object_get(
        json_object_get(json_object_get(json_object_get(doc, "data"), "relationships"), "outcomes"),
        "data");
    json_array_foreach(outcomes, i, o)
    {
        json_t *a = json_object_get(o, "attributes");
        if (strcmp(json_string_value(json_object_get(a, "outcome-id")), "no-destroy") == 0) {
            named = 1;
            ck_assert_ptr_nonnull(
                strstr(json_string_value(json_object_get(a, "body")), "grafana_"));
            ck_assert_str_eq(
                json_string_value(json_object_get(
                    json_array_get(json_object_get(json_object_get(a, "tags"), "Status"), 0),
                    "label")),
                "FAIL");
        }
    }
    ck_assert(named);
    json_decref(doc);
    json_decref(cb);
    ck_assert_int_eq(serve_stop(&p), 0);
    ck_assert_int_eq(ledger_count(&p), 1);
    serve_cleanup(&p);
}
END_TEST

START_TEST(serve_refuses_bad_signatures_and_bodies)
{
    serve_proc p = {0};
    const char *extra[] = {"--max-body", "4096", NULL};
    char body[2048], big[8192];
    json_t *cb;

    serve_start(&p, extra);
    payload(body, sizeof(body), "post_plan", "taskrs-BadSig0000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 0), 401);
    ck_assert_int_eq(post(&p, body, -1), 401);
    memset(big, ' ', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[0] = '{';
    ck_assert_int_eq(post(&p, big, 1), 413);
    ck_assert_int_eq(post(&p, "{\"payload_version\":2}", 1), 400);
    /* the registration test: 200, nothing else */
    payload(body, sizeof(body), "test", "taskrs-Test00000000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    ck_assert_int_eq(serve_stop(&p), 0);
    cb = callbacks("taskrs-BadSig0000001", 0);
    ck_assert_uint_eq(json_array_size(cb), 0);
    json_decref(cb);
    cb = callbacks("taskrs-Test00000000001", 0);
    ck_assert_uint_eq(json_array_size(cb), 0);
    json_decref(cb);
    ck_assert_int_le(ledger_count(&p), 0); /* no ledger, or an empty one */
    serve_cleanup(&p);
}
END_TEST

START_TEST(serve_answers_a_retried_delivery_once)
{
    serve_proc p = {0};
    char body[2048];
    json_t *cb;

    serve_start(&p, NULL);
    payload(body, sizeof(body), "pre_apply", "taskrs-Dup00000000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    ck_assert_int_eq(post(&p, body, 1), 200);
    cb = callbacks("taskrs-Dup00000000001", 1);
    ck_assert_uint_eq(json_array_size(cb), 1);
    json_decref(cb);
    ck_assert_int_eq(serve_stop(&p), 0);
    cb = callbacks("taskrs-Dup00000000001", 2);
    ck_assert_uint_eq(json_array_size(cb), 1);
    json_decref(cb);
    ck_assert_int_eq(ledger_count(&p), 1);
    serve_cleanup(&p);
}
END_TEST

/* pre_plan passes with a note; a plan that cannot be had fails with why; a
 * callback answered 500 is sent again. */
START_TEST(serve_pre_plan_missing_plan_and_callback_retry)
{
    serve_proc p = {0};
    char body[2048], path[256];
    json_t *cb, *doc;

    serve_start(&p, NULL);
    payload(body, sizeof(body), "pre_plan", "taskrs-PrePlan000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    cb = callbacks("taskrs-PrePlan000001", 1);
    doc = callback_doc(json_array_get(cb, 0));
    ck_assert_str_eq(attr(doc, "status"), "passed");
    ck_assert_ptr_nonnull(strstr(attr(doc, "message"), "Nothing checked"));
    json_decref(doc), json_decref(cb);

    payload(body, sizeof(body), "post_plan", "taskrs-NoPlan0000001", "plan-DoesNotExist0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    cb = callbacks("taskrs-NoPlan0000001", 1);
    doc = callback_doc(json_array_get(cb, 0));
    ck_assert_str_eq(attr(doc, "status"), "failed");
    json_decref(doc), json_decref(cb);

    snprintf(path, sizeof(path), "/api/v2/task-results/taskrs-Retry00000001/callback");
    ck_assert_int_eq(fake_arm(&srv, path, "r503.0,r429.0,ok"), 0);
    payload(body, sizeof(body), "post_plan", "taskrs-Retry00000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    cb = callbacks("taskrs-Retry00000001", 3);
    ck_assert_uint_eq(json_array_size(cb), 3); /* 503, 429, then delivered */
    json_decref(cb);
    ck_assert_int_eq(serve_stop(&p), 0);
    /* pre_plan has nothing to record, a plan that was never read no verdict */
    ck_assert_int_eq(ledger_count(&p), 1);
    serve_cleanup(&p);
}
END_TEST

typedef struct burst {
    const serve_proc *p;
    int first, count;
    int ok;
} burst;

static void *send_burst(void *arg)
{
    burst *b = arg;
    char body[2048], trid[64];
    int i;

    for (i = b->first; i < b->first + b->count; i++) {
        snprintf(trid, sizeof(trid), "taskrs-Burst%09d", i);
        payload(body, sizeof(body), "post_plan", trid,
                i % 3 ? "plan-RunTaskClean0001" : "plan-RunTaskDestroy01");
        if (post(b->p, body, 1) == 200)
            b->ok++;
    }
    return NULL;
}

static size_t burst_callbacks(int first, int count, int want_each)
{
    size_t got = 0;
    char trid[64];
    int i;

    for (i = first; i < first + count; i++) {
        json_t *cb;
        snprintf(trid, sizeof(trid), "taskrs-Burst%09d", i);
        cb = callbacks(trid, want_each ? 1 : 0);
        got += json_array_size(cb) > 0;
        json_decref(cb);
    }
    return got;
}

/* 100 runs from 8 connections at once: every one gets its callback. */
START_TEST(serve_hundred_concurrent_runs)
{
    const char *extra[] = {"--workers", "4", "--queue", "128", NULL};
    pthread_t th[8];
    burst b[8];
    serve_proc p = {0};
    int i, accepted = 0;

    serve_start(&p, extra);
    for (i = 0; i < 8; i++) {
        b[i].p = &p, b[i].first = i * 13, b[i].count = i == 7 ? 9 : 13, b[i].ok = 0;
        ck_assert_int_eq(pthread_create(&th[i], NULL, send_burst, &b[i]), 0);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        accepted += b[i].ok;
    }
    ck_assert_int_eq(accepted, 100);
    ck_assert_uint_eq(burst_callbacks(0, 100, 1), 100);
    ck_assert_int_eq(serve_stop(&p), 0);
    ck_assert_int_eq(ledger_count(&p), 100);
    serve_cleanup(&p);
}
END_TEST

/* SIGTERM in the middle of a burst: every accepted task gets a callback. */
START_TEST(serve_sigterm_leaves_no_task_without_callback)
{
    const char *extra[] = {"--workers", "1", "--queue", "256", NULL};
    serve_proc p = {0};
    burst b;

    serve_start(&p, extra);
    b.p = &p, b.first = 1000, b.count = 40, b.ok = 0;
    send_burst(&b);
    ck_assert_int_eq(b.ok, 40);
    ck_assert_int_eq(serve_stop(&p), 0); /* most are still queued */
    ck_assert_uint_eq(burst_callbacks(1000, 40, 0), 40);
    serve_cleanup(&p);
}
END_TEST

/* A full queue answers 503; a plan download past its deadline fails the
 * task with the reason; /healthz tells what waits and runs. */
START_TEST(serve_busy_and_deadline)
{
    const char *extra[] = {"--workers", "1", "--queue", "1", NULL};
    serve_proc p = {0};
    char body[2048];
    json_t *cb, *doc;
    int i;

    setenv("TFAUDIT_HTTP_TIMEOUT", "2", 1);
    setenv("TFAUDIT_HTTP_RETRIES", "0", 1);
    serve_start(&p, extra);
    unsetenv("TFAUDIT_HTTP_TIMEOUT"), unsetenv("TFAUDIT_HTTP_RETRIES");
    ck_assert_int_eq(fake_arm(&srv, "/api/v2/plans/plan-RunTaskSlow00001/json-output", "slow"), 0);
    payload(body, sizeof(body), "post_plan", "taskrs-Slow000000001", "plan-RunTaskSlow00001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    for (i = 0; i < 100 && health(&p, "running") != 1; i++)
        usleep(20000);
    ck_assert_int_eq(health(&p, "running"), 1);
    payload(body, sizeof(body), "post_plan", "taskrs-Queued0000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 200);
    ck_assert_int_eq(health(&p, "queued"), 1);
    payload(body, sizeof(body), "post_plan", "taskrs-Busy000000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post(&p, body, 1), 503);

    cb = callbacks("taskrs-Slow000000001", 1);
    doc = callback_doc(json_array_get(cb, 0));
    ck_assert_str_eq(attr(doc, "status"), "failed");
    ck_assert_msg(strstr(attr(doc, "message"), "plan JSON"), "%s", attr(doc, "message"));
    json_decref(doc), json_decref(cb);
    cb = callbacks("taskrs-Queued0000001", 1);
    doc = callback_doc(json_array_get(cb, 0));
    ck_assert_str_eq(attr(doc, "status"), "passed");
    json_decref(doc), json_decref(cb);
    ck_assert_int_eq(serve_stop(&p), 0);
    cb = callbacks("taskrs-Busy000000001", 0);
    ck_assert_uint_eq(json_array_size(cb), 0); /* refused: the platform delivers it again */
    json_decref(cb);
    serve_cleanup(&p);
}
END_TEST

/* --tls-cert/--tls-key: the same service over https. */
START_TEST(serve_over_tls)
{
    char dir[512], cert[600], key[600], body[2048];
    const char *extra[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    char *tmp = tfa_test_mkdtemp();
    serve_proc p = {0};
    json_t *cb;

    snprintf(dir, sizeof(dir), "%s", tmp);
    free(tmp);
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    ck_assert_int_eq(tfa_test_self_signed_cert(dir), 0);
    serve_start(&p, extra);
    payload(body, sizeof(body), "post_plan", "taskrs-Tls0000000001", "plan-RunTaskClean0001");
    ck_assert_int_eq(post_to(&p, "https", cert, body, 1), 200);
    ck_assert_int_eq(post_to(&p, "https", NULL, body, 1), 0); /* an unknown CA: refused */
    cb = callbacks("taskrs-Tls0000000001", 1);
    ck_assert_uint_eq(json_array_size(cb), 1);
    json_decref(cb);
    ck_assert_int_eq(serve_stop(&p), 0);
    serve_cleanup(&p);
    tfa_test_rmtree(dir);
}
END_TEST

START_TEST(serve_no_request_carried_the_canary)
{
    ck_assert(!fake_canary_seen(&srv));
}
END_TEST

/* Run the tfaudit binary; its exit status, stdout in *out (may be NULL). */
static int tfaudit(const char *const *argv, char **out)
{
    tfa_test_output o;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
    if (out)
        *out = strdup(o.out);
    tfa_test_output_release(&o);
    return o.status;
}

/* `key generate` into dir/NAME.pem; its public line appended to `list` after `prefix`. */
static void keygen(const char *dir, const char *name, const char *list, const char *prefix)
{
    char pem[700];
    const char *argv[] = {"tfaudit", "key", "generate", "--out", pem, "--comment", name, NULL};
    char *pub = NULL;
    FILE *f;

    snprintf(pem, sizeof(pem), "%s/%s.pem", dir, name);
    ck_assert_int_eq(tfaudit(argv, &pub), 0);
    ck_assert_ptr_nonnull(f = fopen(list, "a"));
    fprintf(f, "%s%s", prefix, pub);
    fclose(f);
    free(pub);
}

/* A sign-off token by dir/NAME.pem for `role` and `plan`, written to `file`. */
static void signoff(const char *dir, const char *name, const char *role, const char *plan,
                    const char *file)
{
    char pem[700];
    const char *argv[] = {"tfaudit", "sign-off", "--key", pem, "--role", role, plan, NULL};
    char *tok = NULL;
    FILE *f;

    snprintf(pem, sizeof(pem), "%s/%s.pem", dir, name);
    ck_assert_int_eq(tfaudit(argv, &tok), 0);
    ck_assert_int_eq(strncmp(tok, "tfaso1.", 7), 0);
    ck_assert_ptr_nonnull(f = fopen(file, "w"));
    fprintf(f, "# %s for %s\n%s", role, plan, tok);
    fclose(f);
    free(tok);
}

static json_t *run_task(serve_proc *p, const char *trid, const char *plan)
{
    char body[2048];
    json_t *cb, *doc;

    payload(body, sizeof(body), "post_plan", trid, plan);
    ck_assert_int_eq(post(p, body, 1), 200);
    cb = callbacks(trid, 1);
    ck_assert_uint_eq(json_array_size(cb), 1);
    doc = callback_doc(json_array_get(cb, 0));
    json_decref(cb);
    return doc;
}

/* Manual items pass only on a signed token for the run's plan pin; every
 * record is signed and anchored, and `ledger verify` accepts them. */
START_TEST(serve_signs_records_and_takes_signed_sign_offs)
{
    serve_proc p = {0};
    char *keys = tfa_test_mkdtemp(), trusted[700], allowed[700], tokens[700], anchors[700];
    char ops[700], file[800];
    const char *extra[] = {
        "--signing-key",  ops,    "--anchor-to", anchors, "--allowed-signers", allowed,
        "--sign-off-dir", tokens, NULL};
    json_t *doc;

    ck_assert_ptr_nonnull(keys);
    unsetenv("TFAUDIT_NOW");
    snprintf(trusted, sizeof(trusted), "%s/trusted.pub", keys);
    snprintf(allowed, sizeof(allowed), "%s/allowed_signers", keys);
    snprintf(tokens, sizeof(tokens), "%s/tokens", keys);
    snprintf(anchors, sizeof(anchors), "%s/anchors.jsonl", keys);
    snprintf(ops, sizeof(ops), "%s/ops.pem", keys);
    ck_assert_int_eq(mkdir(tokens, 0700), 0);
    keygen(keys, "ops", trusted, "");
    keygen(keys, "dana", allowed, "approval ");
    keygen(keys, "mallory", trusted, ""); /* trusted to sign records, not allowed to approve */
    p.checklist = "fixtures/checklists/run-task-signoff.md";
    serve_start(&p, extra);

    /* no token: the manual item is pending and the task fails, naming it */
    doc = run_task(&p, "taskrs-SignOff0000001", "plan-RunTaskClean0001");
    ck_assert_str_eq(attr(doc, "status"), "failed");
    ck_assert_msg(strstr(attr(doc, "message"), "approval") != NULL, "%s", attr(doc, "message"));
    json_decref(doc);

    /* a token for another plan, and one by a key not allowed the role: still failed */
    snprintf(file, sizeof(file), "%s/destroy.tok", tokens);
    signoff(keys, "dana", "approval", "fixtures/plans/grafana-destroy.json", file);
    snprintf(file, sizeof(file), "%s/mallory.tok", tokens);
    signoff(keys, "mallory", "approval", "fixtures/plans/grafana-clean.json", file);
    doc = run_task(&p, "taskrs-SignOff0000002", "plan-RunTaskClean0001");
    ck_assert_str_eq(attr(doc, "status"), "failed");
    json_decref(doc);

    /* dana's token for this plan, dropped in while the server runs: passed */
    snprintf(file, sizeof(file), "%s/clean.tok", tokens);
    signoff(keys, "dana", "approval", "fixtures/plans/grafana-clean.json", file);
    doc = run_task(&p, "taskrs-SignOff0000003", "plan-RunTaskClean0001");
    ck_assert_msg(strcmp(attr(doc, "status"), "passed") == 0, "%s", attr(doc, "message"));
    json_decref(doc);

    /* a file that is not a sign-off fails the task, naming it: never skipped */
    snprintf(file, sizeof(file), "%s/notes.txt", tokens);
    {
        FILE *f = fopen(file, "w");
        ck_assert_ptr_nonnull(f);
        fputs("approved by Dana over the phone\n", f);
        fclose(f);
    }
    doc = run_task(&p, "taskrs-SignOff0000004", "plan-RunTaskClean0001");
    ck_assert_str_eq(attr(doc, "status"), "failed");
    ck_assert_msg(strstr(attr(doc, "message"), "sign-offs not read") != NULL &&
                      strstr(attr(doc, "message"), "notes.txt:1") != NULL,
                  "%s", attr(doc, "message"));
    json_decref(doc);

    ck_assert_int_eq(serve_stop(&p), 0);
    ck_assert_int_eq(ledger_count(&p), 3);
    {
        const char *verify[] = {"tfaudit",        "ledger", "verify",   "--ledger", p.ledger,
                                "--trusted-keys", trusted,  "--anchor", anchors,    NULL};
        char *out = NULL;
        ck_assert_int_eq(tfaudit(verify, &out), 0);
        free(out);
    }
    serve_cleanup(&p);
    tfa_test_rmtree(keys);
    free(keys);
}
END_TEST

/* A sign-off directory without allowed signers is a usage error at start. */
START_TEST(serve_refuses_sign_off_dir_without_allowed_signers)
{
    const char *argv[] = {"tfaudit",
                          "serve",
                          "--run-task",
                          "--checklist",
                          "fixtures/checklists/run-task.md",
                          "--hmac-key-file",
                          "/nonexistent",
                          "--sign-off-dir",
                          "/tmp",
                          NULL};
    tfa_test_output o;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
    ck_assert_int_eq(o.status, 2);
    ck_assert_uint_eq(o.out_len, 0);
    tfa_test_output_release(&o);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("serve");

    if (system("python3 --version >/dev/null 2>&1 && sqlite3 --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "skipped: python3 and sqlite3 are needed\n");
        return 77;
    }
    tcase_add_unchecked_fixture(tc, platform_up, platform_down);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, serve_passes_a_clean_plan);
    tcase_add_test(tc, serve_fails_a_plan_that_destroys);
    tcase_add_test(tc, serve_refuses_bad_signatures_and_bodies);
    tcase_add_test(tc, serve_answers_a_retried_delivery_once);
    tcase_add_test(tc, serve_pre_plan_missing_plan_and_callback_retry);
    tcase_add_test(tc, serve_hundred_concurrent_runs);
    tcase_add_test(tc, serve_sigterm_leaves_no_task_without_callback);
    tcase_add_test(tc, serve_busy_and_deadline);
    tcase_add_test(tc, serve_over_tls);
    tcase_add_test(tc, serve_signs_records_and_takes_signed_sign_offs);
    tcase_add_test(tc, serve_refuses_sign_off_dir_without_allowed_signers);
    tcase_add_test(tc, serve_no_request_carried_the_canary);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
