/*
 * s3_server.h - the S3 test server (s3rver behind tests/net/s3/fault_proxy.py,
 * started by tests/net/s3/start.sh) and helpers for the suites that use it
 * (header-only: each tests/net/check_s3*.c is its own program and starts
 * its own server once, in main).
 */
#ifndef TFA_S3_SERVER_H
#define TFA_S3_SERVER_H

#include "fake_server.h" /* what every test server shares */
#include "net/s3.h"
#include "net/s3_walk.h"

#define KEY    "AKIATFAUDITTEST0001"
#define SECRET "tfaudit-test-secret-0b7d"

static struct {
    char dir[512];
    int s3_port, proxy_port;
    char s3[64], proxy[64]; /* http://127.0.0.1:PORT */
} srv;

static inline int read_port(const char *name)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s", srv.dir, name);
    return fake_port_file(path, 0); /* start.sh waited for it */
}

/* ---- the server, for the whole suite --------------------------------------- */

static inline int server_start(void)
{
    char *tmp = tfa_test_mkdtemp(), cmd[1800];
    int rc;
    if (!tmp)
        return -1;
    snprintf(srv.dir, sizeof(srv.dir), "%s", tmp);
    free(tmp);
    /* HOME in the temp dir: npm's cache and logs stay out of the build tree */
    snprintf(cmd, sizeof(cmd),
             "HOME='%s' LIFETIME=900 tests/net/s3/start.sh '%s' >'%s/start.log' 2>&1", srv.dir,
             srv.dir, srv.dir);
    rc = system(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        return 77;
    if (rc != 0)
        return -1;
    srv.s3_port = read_port("s3.port");
    srv.proxy_port = read_port("proxy.port");
    snprintf(srv.s3, sizeof(srv.s3), "http://127.0.0.1:%d", srv.s3_port);
    snprintf(srv.proxy, sizeof(srv.proxy), "http://127.0.0.1:%d", srv.proxy_port);
    return srv.s3_port > 0 && srv.proxy_port > 0 ? 0 : -1;
}

static inline void server_stop(void)
{
    char path[600], *pids, *p;
    snprintf(path, sizeof(path), "%s/pids", srv.dir);
    pids = tfa_test_read_file(path, NULL);
    for (p = pids; p && *p;) {
        pid_t pid = (pid_t)strtol(p, &p, 10);
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, NULL, WNOHANG);
        }
        while (*p == '\n')
            p++;
    }
    free(pids);
    tfa_test_rmtree(srv.dir);
}

/* ---- helpers --------------------------------------------------------------------- */

/* The environment of the tfaudit binary and of the library's clients. */
static inline void aws_env(const char *endpoint)
{
    setenv("AWS_ACCESS_KEY_ID", KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    setenv("TFAUDIT_HTTP_BACKOFF_MS", "20", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_ENDPOINT_URL_S3");
}

static inline void http_opts(tfa_http_options *o)
{
    tfa_http_options_init(o);
    o->backoff_ms = 20;
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 120000;
}

static inline tfa_s3 *client(const char *endpoint, tfa_http_options *ho)
{
    tfa_s3_options so;
    tfa_s3 *s3 = NULL;
    tfa_error err;
    extern char **environ;

    aws_env(endpoint);
    tfa_error_init(&err);
    so.http = ho;
    so.env.environ = (const char *const *)environ;
    so.env.home = NULL;
    so.endpoint = NULL;
    ck_assert_tfa_ok(tfa_s3_new(&s3, &so, &err), &err);
    return s3;
}

/* Run tfaudit with NULL-terminated arguments. */
static inline void run(tfa_test_output *out, const char *const *argv)
{
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, out), 0);
}

/* Requests the proxy logged whose path contains `needle` (a new array). */
static inline json_t *logged(const char *needle)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/requests.jsonl", srv.dir);
    return fake_jsonl(path, "path", needle);
}

/* How many requests the proxy logged whose path contains `needle`. */
static inline size_t count_logged(const char *needle)
{
    json_t *reqs = logged(needle);
    size_t n = json_array_size(reqs);
    json_decref(reqs);
    return n;
}

/* Every request to `needle` verified (signature and payload hash). */
static inline size_t assert_all_signed(const char *needle)
{
    json_t *reqs = logged(needle), *e;
    size_t i, n = 0;
    json_array_foreach(reqs, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "action")), "ok") != 0)
            continue;
        ck_assert_msg(json_is_true(json_object_get(e, "sig")), "unsigned: %s",
                      json_string_value(json_object_get(e, "path")));
        ck_assert_msg(json_is_true(json_object_get(e, "payload")), "payload hash: %s",
                      json_string_value(json_object_get(e, "path")));
        n++;
    }
    json_decref(reqs);
    return n;
}

/* Script the proxy: requests of `method` whose path contains `match`. */
static inline void arm(const char *method, const char *match, const char *actions)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"method\": \"%s\", \"match\": \"%s\", \"actions\": \"%s\"}",
             method, match, actions);
    ck_assert_int_eq(fake_post_fault(srv.proxy, body), 0);
}

/* The object's bytes, by the library (a plain GET). */
static inline char *get_object(tfa_s3 *s3, const char *bucket, const char *key, size_t *len)
{
    tfa_http_response res;
    tfa_error err;
    char *p;
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    ck_assert_tfa_ok(tfa_s3_request(s3, &res, "GET", bucket, key, NULL, NULL, NULL, 0, &err), &err);
    p = tfa_buf_detach(&res.body, len);
    tfa_http_response_release(&res);
    return p;
}

/* How many multipart uploads are open in `bucket` (ListMultipartUploads). */
static inline int open_uploads(tfa_s3 *s3, const char *bucket)
{
    tfa_http_response res;
    tfa_error err;
    const char *p;
    int n = 0;
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    ck_assert_tfa_ok(tfa_s3_request(s3, &res, "GET", bucket, "", "uploads=", NULL, NULL, 0, &err),
                     &err);
    ck_assert_ptr_nonnull(strstr(res.body.ptr, "<ListMultipartUploadsResult"));
    for (p = res.body.ptr; (p = strstr(p, "<Upload>")) != NULL; p++)
        n++;
    tfa_http_response_release(&res);
    return n;
}

/* A line of `text` starting with `prefix`, copied (without the newline). */
static inline char *line_of(const char *text, const char *prefix)
{
    const char *p = strstr(text, prefix), *e;
    if (!p)
        return NULL;
    p += strlen(prefix);
    e = strchr(p, '\n');
    return strndup(p, e ? (size_t)(e - p) : strlen(p));
}

/* ---- archive, read back, audit ----------------------------------------------------- */

/* `len` (a multiple of 8) bytes of xorshift noise from seed `x`:
 * incompressible, and the same for the same seed. */
static inline void fill_noise(unsigned char *data, size_t len, uint64_t x)
{
    size_t i;
    ck_assert_ptr_nonnull(data);
    for (i = 0; i < len; i += 8) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        memcpy(data + i, &x, 8);
    }
}

/* Start the server for a whole suite and run it: 77 without node. */
static inline int s3_suite_main(Suite *suite)
{
    int rc = server_start();
    if (rc == 77) {
        fprintf(stderr, "skipped: node is not installed (tests/net/s3/start.sh)\n");
        return 77;
    }
    if (rc != 0) {
        fprintf(stderr, "cannot start the S3 test server (see %s/start.log)\n", srv.dir);
        return 1;
    }
    rc = tfa_test_main(suite);
    server_stop();
    return rc;
}

#endif
