/*
 * fake_server.h - the servers tests/net starts, in one place (header-only:
 * each tests/net/check_*.c is its own program).
 *
 * What every such server shares lives here: waiting for the port file a
 * server writes once it listens, reading its JSON-lines request log,
 * scripting faults through POST /_fault, and a suite's main that skips (77)
 * when python3 cannot run the servers. Then tests/net/fake_tfc.py: it runs
 * as a child process for a whole TCase (an unchecked fixture, so it is
 * started once, in Check's parent process) and exits by itself after
 * --lifetime seconds should a test runner die. s3_server.h builds the S3
 * server (s3rver behind a fault proxy) on the same helpers.
 */
#ifndef TFA_FAKE_SERVER_H
#define TFA_FAKE_SERVER_H

#include "util/compat.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/http.h"
#include "testsupport.h"
#include "util/alloc.h"

/* The token the fake API accepts. */
#define FAKE_TOKEN "tok-5ac1e9.atlasv1.FAKE-TOKEN-0b7d"

typedef struct fake_server {
    pid_t pid;
    int port;
    char dir[512];  /* temp dir: port file, request log, certificates */
    char base[64];  /* "http://127.0.0.1:PORT" (https:// with TLS) */
    char other[64]; /* the same server as another origin: "http://localhost:PORT" */
} fake_server;

/* ---- shared by every test server ------------------------------------------ */

/* The port in the file a server writes once it listens, waiting up to
 * `wait_ms` for it; 0 when it never came. */
static inline int fake_port_file(const char *path, int wait_ms)
{
    int waited = 0, port = 0;
    for (;;) {
        char *text = tfa_test_read_file(path, NULL);
        if (text) {
            port = (int)strtol(text, NULL, 10);
            free(text);
            if (port > 0)
                return port;
        }
        if (waited >= wait_ms)
            return 0;
        usleep(50000);
        waited += 50;
    }
}

/* The entries of a JSON-lines file (a server's request log) whose string
 * field `key` contains `needle`, in order (a new array); every entry when
 * `key` is NULL. Lines that are not JSON are skipped. */
static inline json_t *fake_jsonl(const char *path, const char *key, const char *needle)
{
    char *text = tfa_test_read_file(path, NULL), *line, *next;
    json_t *out = json_array();

    for (line = text; line && *line; line = next) {
        json_t *e;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        else
            next = line + strlen(line);
        e = json_loads(line, 0, NULL);
        if (e && (!key || (json_is_string(json_object_get(e, key)) &&
                           strstr(json_string_value(json_object_get(e, key)), needle))))
            json_array_append(out, e);
        json_decref(e);
    }
    free(text);
    return out;
}

/* Script a server's faults: POST the JSON `body` to BASE/_fault (see
 * fake_tfc.py and s3/fault_proxy.py for what each understands). */
static inline int fake_post_fault(const char *base, const char *body)
{
    tfa_http_options o;
    tfa_http_request r = {0};
    tfa_http_response res;
    char url[160];
    tfa_error err;
    int rc;

    tfa_http_options_init(&o);
    o.max_retries = 0;
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    snprintf(url, sizeof(url), "%s/_fault", base);
    r.method = "POST";
    r.url = url;
    r.body = body;
    r.body_len = strlen(body);
    r.content_type = "application/json";
    rc = tfa_http_perform(&res, &r, &o, &err);
    tfa_http_response_release(&res);
    return rc;
}

/* A port nothing listens on, on 127.0.0.1: bind port 0, read it, close. */
static inline int fake_closed_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    ck_assert_int_ge(fd, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static inline int fake_available(void)
{
    return system("python3 -c 'import http.server, ssl' >/dev/null 2>&1") == 0;
}

/* main() of a suite that needs the python servers: skipped (77) when
 * python3 cannot run them. */
static inline int fake_suite_main(Suite *s)
{
    if (!fake_available()) {
        fprintf(stderr, "skipped: python3 with http.server and ssl is needed\n");
        return 77;
    }
    return tfa_test_main(s);
}

/* ---- fake_tfc.py ----------------------------------------------------------------- */

/* Start the server; `extra` (NULL-terminated, may be NULL) is appended to
 * its arguments. Waits up to 10 s for its port. Returns 0 or -1. */
static inline int fake_start(fake_server *s, const char *const *extra, int tls)
{
    char *tmp = tfa_test_mkdtemp(), port_file[600], log[600], err[600];
    const char *argv[40];
    size_t n = 0;
    int i;

    memset(s, 0, sizeof(*s));
    if (!tmp)
        return -1;
    snprintf(s->dir, sizeof(s->dir), "%s", tmp);
    free(tmp);
    snprintf(port_file, sizeof(port_file), "%s/port", s->dir);
    snprintf(log, sizeof(log), "%s/requests.jsonl", s->dir);
    snprintf(err, sizeof(err), "%s/server.err", s->dir);
    argv[n++] = "python3";
    argv[n++] = "tests/net/fake_tfc.py";
    argv[n++] = "--port-file", argv[n++] = port_file;
    argv[n++] = "--fixtures", argv[n++] = "fixtures";
    argv[n++] = "--log", argv[n++] = log;
    argv[n++] = "--token", argv[n++] = FAKE_TOKEN;
    argv[n++] = "--canary", argv[n++] = TFA_TEST_CANARY;
    argv[n++] = "--lifetime", argv[n++] = "600";
    if (tfa_test_corpus())
        argv[n++] = "--corpus", argv[n++] = tfa_test_corpus();
    for (i = 0; extra && extra[i] && n < TFA_ARRAY_SIZE(argv) - 1; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        FILE *e = fopen(err, "w");
        if (e)
            dup2(fileno(e), 2);
        execvp("python3", (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    if ((s->port = fake_port_file(port_file, 10000)) <= 0)
        return -1;
    snprintf(s->base, sizeof(s->base), "%s://127.0.0.1:%d", tls ? "https" : "http", s->port);
    snprintf(s->other, sizeof(s->other), "%s://localhost:%d", tls ? "https" : "http", s->port);
    return 0;
}

static inline void fake_stop(fake_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    if (s->dir[0])
        tfa_test_rmtree(s->dir);
}

/* fake_start for an unchecked fixture: a server that does not start ends
 * the test program (Check's parent), saying so. */
static inline void fake_start_or_exit(fake_server *s)
{
    if (fake_start(s, NULL, 0) != 0) {
        fprintf(stderr, "cannot start tests/net/fake_tfc.py\n");
        exit(1);
    }
}

/* Every logged request whose path contains `needle`, in order (a new array). */
static inline json_t *fake_requests(const fake_server *s, const char *needle)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/requests.jsonl", s->dir);
    return fake_jsonl(path, "path", needle);
}

/* The Authorization header of request `i` of `reqs`, or NULL. */
static inline const char *fake_auth(const json_t *reqs, size_t i)
{
    return json_string_value(json_object_get(json_array_get(reqs, i), "authorization"));
}

/* Whether any request so far carried the canary (headers, path or body). */
static inline int fake_canary_seen(const fake_server *s)
{
    json_t *all = fake_requests(s, ""), *e;
    size_t i;
    int seen = 0;
    json_array_foreach(all, i, e)
    {
        if (json_is_true(json_object_get(e, "canary")))
            seen = 1;
    }
    json_decref(all);
    return seen;
}

/* Script the next requests to the exact `path` (see fake_tfc.py). */
static inline int fake_arm(const fake_server *s, const char *path, const char *actions)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"path\": \"%s\", \"actions\": \"%s\"}", path, actions);
    return fake_post_fault(s->base, body);
}

/* Injected clock and sleeps: sleeps are recorded, not slept. */
typedef struct fake_clock {
    long slept[16];
    size_t n;
    double jitter;
} fake_clock;

static inline void fake_sleep(void *p, long ms)
{
    fake_clock *c = p;
    if (c->n < TFA_ARRAY_SIZE(c->slept))
        c->slept[c->n] = ms;
    c->n++;
}

static inline double fake_jitter(void *p)
{
    return ((fake_clock *)p)->jitter;
}

/* Options for fast tests: 1 s low-speed window, 100 ms backoff, recorded sleeps. */
static inline void fake_http_options(tfa_http_options *o, fake_clock *c)
{
    memset(c, 0, sizeof(*c));
    c->jitter = 0.5;
    tfa_http_options_init(o);
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 20000;
    o->low_speed_bytes = 1000;
    o->low_speed_seconds = 1;
    o->max_retries = 2;
    o->backoff_ms = 100;
    o->sleep_ms = fake_sleep;
    o->jitter = fake_jitter;
    o->payload = c;
}

/* Whether python3 can run the server at all (else the suite skips). */
#endif
