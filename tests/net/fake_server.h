/*
 * fake_server.h - start, script and inspect tests/net/fake_tfc.py from a
 * Check suite (header-only: each tests/net/check_*.c is its own program).
 *
 * The server runs as a child process for a whole TCase (an unchecked
 * fixture, so it is started once, in Check's parent process) and exits by
 * itself after --lifetime seconds should a test runner die. Requests are
 * read back from its JSON-lines log.
 */
#ifndef TFA_FAKE_SERVER_H
#define TFA_FAKE_SERVER_H

#include "util/compat.h"

#include <jansson.h>
#include <signal.h>
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

/* Start the server; `extra` (NULL-terminated, may be NULL) is appended to
 * its arguments. Waits up to 10 s for its port. Returns 0 or -1. */
static inline int fake_start(fake_server *s, const char *const *extra, int tls)
{
    char *tmp = tfa_test_mkdtemp(), port_file[600], log[600], err[600], buf[32];
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
    for (i = 0; i < 200; i++) { /* 10 s */
        FILE *f = fopen(port_file, "r");
        if (f) {
            if (fgets(buf, sizeof(buf), f))
                s->port = (int)strtol(buf, NULL, 10);
            fclose(f);
            break;
        }
        usleep(50000);
    }
    if (s->port <= 0)
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

/* Every logged request whose path contains `needle`, in order (a new array). */
static inline json_t *fake_requests(const fake_server *s, const char *needle)
{
    char path[600], *text, *line, *next;
    json_t *out = json_array();
    size_t len;

    snprintf(path, sizeof(path), "%s/requests.jsonl", s->dir);
    text = tfa_test_read_file(path, &len);
    for (line = text; line && *line; line = next) {
        json_t *e;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        else
            next = line + strlen(line);
        e = json_loads(line, 0, NULL);
        if (e && json_is_string(json_object_get(e, "path")) &&
            strstr(json_string_value(json_object_get(e, "path")), needle))
            json_array_append(out, e);
        json_decref(e);
    }
    free(text);
    return out;
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
    tfa_http_options o;
    tfa_http_request r = {0};
    tfa_http_response res;
    char url[128], body[512];
    tfa_error err;
    int rc;

    tfa_http_options_init(&o);
    o.max_retries = 0;
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    snprintf(url, sizeof(url), "%s/_fault", s->base);
    snprintf(body, sizeof(body), "{\"path\": \"%s\", \"actions\": \"%s\"}", path, actions);
    r.method = "POST";
    r.url = url;
    r.body = body;
    r.body_len = strlen(body);
    r.content_type = "application/json";
    rc = tfa_http_perform(&res, &r, &o, &err);
    tfa_http_response_release(&res);
    return rc;
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
static inline int fake_available(void)
{
    return system("python3 -c 'import http.server, ssl' >/dev/null 2>&1") == 0;
}

#endif
