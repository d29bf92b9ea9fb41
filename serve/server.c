/*
 * server.c - the run-task HTTP server: libmicrohttpd answers, a fixed pool
 * of workers does the tasks (see server.h for what is promised).
 *
 * Threads: libmicrohttpd's own polling thread runs the request handler,
 * which only authenticates, parses and queues (or refuses) a task, so it
 * never waits on the network. Each worker has its own ledger connection and
 * runs one task at a time. The queue, the set of task results seen and the
 * counters are guarded by one mutex.
 */
#include "util/compat.h"

#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtask.h"
#include "task.h"
#include "util/alloc.h"
#include "util/buf.h"

#define SEEN_MAX 4096 /* task results remembered for retried deliveries */

typedef struct job {
    tfa_runtask *task;
    struct job *next;
} job;

struct tfa_server {
    tfa_serve_options o;
    struct MHD_Daemon *daemon;
    char *tls_cert, *tls_key; /* PEM text: libmicrohttpd keeps pointers */
    unsigned port;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job *head, *tail;
    unsigned queued, running;
    int stopping;
    pthread_t *workers;
    unsigned n_workers;
    char **seen; /* ring of task_result_ids */
    size_t n_seen, seen_next;
    tfa_server_stats stats;
};

/* Per-connection state: the body as it arrives. */
typedef struct upload {
    tfa_buf body;
    int too_big;
} upload;

/*
 * One log line in logfmt: time=... then the key/value pairs given as
 * NULL-terminated (key, value) strings. Values are quoted when they hold a
 * blank, a quote, '=' or a control character, which is escaped (\xNN): a
 * path or id from a request cannot forge a line.
 */
static void log_kv(const tfa_server *s, ...)
{
    char stamp[32];
    struct tm tm;
    time_t now = time(NULL);
    const char *k, *v;
    tfa_buf line;
    va_list ap;

    if (!s->o.log)
        return;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    tfa_buf_init(&line, 4096);
    tfa_buf_printf(&line, "time=%s", stamp);
    va_start(ap, s);
    while ((k = va_arg(ap, const char *)) != NULL) {
        const unsigned char *p;
        int quote = 0;
        v = va_arg(ap, const char *);
        if (!v)
            v = "-";
        for (p = (const unsigned char *)v; *p; p++)
            quote |= *p <= ' ' || *p == '"' || *p == '=' || *p == 0x7f || *p == '\\';
        tfa_buf_printf(&line, " %s=%s", k, quote ? "\"" : "");
        for (p = (const unsigned char *)v; *p; p++) {
            if (*p < ' ' || *p == 0x7f)
                tfa_buf_printf(&line, "\\x%02x", *p);
            else if (*p == '"' || *p == '\\')
                tfa_buf_printf(&line, "\\%c", *p);
            else
                tfa_buf_putc(&line, (char)*p);
        }
        if (quote)
            tfa_buf_putc(&line, '"');
    }
    va_end(ap);
    if (line.ptr)
        s->o.log(s->o.log_payload, line.ptr);
    tfa_buf_release(&line);
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *body,
                               const char *retry_after)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                                             MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok;

    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (retry_after)
        MHD_add_response_header(r, "Retry-After", retry_after);
    ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Whether `id` was seen before; remembers it. Called with the lock held. */
static int seen_before(tfa_server *s, const char *id)
{
    size_t i;
    char *copy;

    for (i = 0; i < s->n_seen; i++)
        if (strcmp(s->seen[i], id) == 0)
            return 1;
    if (!(copy = tfa_strdup(id)))
        return 0;
    if (s->n_seen < SEEN_MAX) {
        s->seen[s->n_seen++] = copy;
    } else {
        tfa_free(s->seen[s->seen_next]);
        s->seen[s->seen_next] = copy;
        s->seen_next = (s->seen_next + 1) % SEEN_MAX;
    }
    return 0;
}

/* Queue a task; the HTTP status to answer with. Takes `t` in every case. */
static unsigned enqueue(tfa_server *s, tfa_runtask *t)
{
    job *j = tfa_calloc(1, sizeof(*j));
    unsigned status = 200;

    pthread_mutex_lock(&s->lock);
    if (!j) {
        status = 500;
    } else if (s->stopping || s->queued >= s->o.queue_max) {
        s->stats.rejected_busy++;
        status = 503;
    } else if (seen_before(s, t->task_result_id)) {
        s->stats.duplicates++;
    } else {
        j->task = t;
        t = NULL;
        if (s->tail)
            s->tail->next = j;
        else
            s->head = j;
        s->tail = j;
        j = NULL;
        s->queued++;
        s->stats.accepted++;
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
    tfa_free(j);
    tfa_runtask_free(t);
    return status;
}

static enum MHD_Result healthz(tfa_server *s, struct MHD_Connection *c)
{
    tfa_server_stats st;
    char body[256];

    tfa_server_stats_get(s, &st);
    snprintf(body, sizeof(body),
             "{\"status\":\"%s\",\"queued\":%u,\"running\":%u,\"passed\":%llu,\"failed\":%llu}",
             st.queued >= s->o.queue_max ? "busy" : "ok", st.queued, st.running,
             (unsigned long long)st.passed, (unsigned long long)st.failed);
    return respond(c, 200, body, NULL);
}

/* The whole body has arrived: authenticate, parse, queue. */
static enum MHD_Result finish(tfa_server *s, struct MHD_Connection *c, const char *url, upload *u)
{
    const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, TFA_RUNTASK_SIGNATURE_HEADER);
    tfa_runtask *t = NULL;
    unsigned status;
    tfa_error err;

    if (u->too_big) {
        log_kv(s, "event", "request", "path", url, "status", "413", "reason", "body too large",
               NULL);
        return respond(c, 413, "{\"error\":\"request body too large\"}", NULL);
    }
    if (!tfa_runtask_signature_ok(s->o.hmac_key, s->o.hmac_key_len, u->body.ptr, u->body.len,
                                  sig)) {
        pthread_mutex_lock(&s->lock);
        s->stats.rejected_signature++;
        pthread_mutex_unlock(&s->lock);
        log_kv(s, "event", "request", "path", url, "status", "401", "reason",
               sig ? "bad signature" : "no signature", NULL);
        return respond(c, 401, "{\"error\":\"bad or missing request signature\"}", NULL);
    }
    tfa_error_init(&err);
    if (tfa_runtask_parse(&t, u->body.ptr ? u->body.ptr : "", u->body.len, &err) != 0) {
        log_kv(s, "event", "request", "path", url, "status", "400", "reason", err.message, NULL);
        return respond(c, 400, "{\"error\":\"not a run task request (payload version 1)\"}", NULL);
    }
    if (t->stage == TFA_STAGE_TEST) { /* the platform checking the URL and key */
        log_kv(s, "event", "request", "path", url, "status", "200", "stage", "test", "task_result",
               t->task_result_id, NULL);
        tfa_runtask_free(t);
        return respond(c, 200, "{}", NULL);
    }
    {
        char *trid = tfa_strdup(t->task_result_id), *run = t->run_id ? tfa_strdup(t->run_id) : NULL;
        const char *stage = t->stage_name;
        status = enqueue(s, t); /* takes t */
        log_kv(s, "event", "request", "path", url, "status",
               status == 200   ? "200"
               : status == 503 ? "503"
                               : "500",
               "stage", stage, "task_result", trid, "run", run, NULL);
        tfa_free(trid);
        tfa_free(run);
    }
    if (status == 503) {
        return respond(c, 503, "{\"error\":\"busy: try again\"}", "5");
    }
    return respond(c, status, status == 200 ? "{}" : "{\"error\":\"internal error\"}", NULL);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls)
{
    tfa_server *s = cls;
    upload *u = *con_cls;

    (void)version;
    if (strcmp(method, "GET") == 0 && strcmp(url, "/healthz") == 0)
        return healthz(s, c);
    if (strcmp(method, "POST") != 0)
        return respond(c, 405, "{\"error\":\"POST a run task request\"}", NULL);
    if (!u) { /* first call: headers only */
        if (!(u = tfa_calloc(1, sizeof(*u))))
            return MHD_NO;
        tfa_buf_init(&u->body, s->o.max_body);
        *con_cls = u;
        return MHD_YES;
    }
    if (*data_size) {
        if (!u->too_big && tfa_buf_put(&u->body, data, *data_size) != 0)
            u->too_big = 1;
        *data_size = 0;
        return MHD_YES;
    }
    return finish(s, c, url, u);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    upload *u = *con_cls;

    (void)cls, (void)c, (void)toe;
    if (u) {
        tfa_buf_release(&u->body);
        tfa_free(u);
        *con_cls = NULL;
    }
}

static job *take(tfa_server *s)
{
    job *j;

    pthread_mutex_lock(&s->lock);
    while (!s->head && !s->stopping)
        pthread_cond_wait(&s->wake, &s->lock);
    j = s->head;
    if (j && !s->stopping) {
        s->head = j->next;
        if (!s->head)
            s->tail = NULL;
        s->queued--;
        s->running++;
    } else {
        j = NULL; /* stopping: what is still queued is failed by tfa_server_stop */
    }
    pthread_mutex_unlock(&s->lock);
    return j;
}

static void account(tfa_server *s, const tfa_runtask *t, const tfa_task_report *rep, int ran)
{
    pthread_mutex_lock(&s->lock);
    if (ran)
        s->running--;
    if (rep->passed)
        s->stats.passed++;
    else
        s->stats.failed++;
    if (!rep->callback_ok)
        s->stats.callbacks_failed++;
    pthread_mutex_unlock(&s->lock);
    log_kv(s, "event", "result", "task_result", t->task_result_id, "run", t->run_id, "result",
           rep->passed ? "passed" : "failed", "message", rep->message, "callback",
           rep->callback_ok ? "delivered" : "failed", "error",
           rep->callback_ok ? NULL : rep->callback_error, NULL);
}

static void *worker(void *arg)
{
    tfa_server *s = arg;
    tfa_ledger_options lo = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *ledger = NULL;
    tfa_task_report rep;
    tfa_error err;
    job *j;

    lo.create = 1;
    while ((j = take(s)) != NULL) {
        tfa_error_init(&err);
        if (!ledger && tfa_ledger_open(&ledger, s->o.ledger, &lo, &err) == 0)
            tfa_ledger_set_signer(ledger, s->o.signer);
        if (!ledger) {
            char why[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX + 32], line[sizeof(why) - 32];
            tfa_error_format(&err, line, sizeof(line));
            snprintf(why, sizeof(why), "ledger not available: %s", line);
            tfa_task_fail(&s->o, j->task, why, &rep);
        } else {
            tfa_task_run(&s->o, ledger, j->task, &rep);
        }
        account(s, j->task, &rep, 1);
        tfa_runtask_free(j->task);
        tfa_free(j);
    }
    tfa_ledger_free(ledger);
    return NULL;
}

static char *read_pem(const char *path, tfa_error *err)
{
    FILE *f = fopen(path, "rb");
    tfa_buf b;
    char chunk[4096];
    size_t n;

    if (!f) {
        tfa_error_set(err, TFA_EUSAGE, "cannot open: %s", strerror(errno));
        tfa_error_set_source(err, path);
        return NULL;
    }
    tfa_buf_init(&b, 1 << 20);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tfa_buf_put(&b, chunk, n);
    fclose(f);
    return tfa_buf_detach(&b, NULL);
}

static int start_daemon(tfa_server *s, tfa_error *err)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    const char *addr = s->o.address ? s->o.address : "127.0.0.1";
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    const union MHD_DaemonInfo *info;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)s->o.port);
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)s->o.port);
        flags |= MHD_USE_IPv6;
    } else {
        return tfa_error_set(err, TFA_EUSAGE, "--listen: '%s' is not an IP address", addr);
    }
    if (s->o.tls_cert || s->o.tls_key) {
        if (!s->o.tls_cert || !s->o.tls_key)
            return tfa_error_set(err, TFA_EUSAGE, "--tls-cert and --tls-key go together");
        if (!(s->tls_cert = read_pem(s->o.tls_cert, err)) ||
            !(s->tls_key = read_pem(s->o.tls_key, err)))
            return err->status ? err->status : TFA_ENOMEM;
        flags |= MHD_USE_TLS;
    }
    s->daemon = MHD_start_daemon(flags, (uint16_t)s->o.port, NULL, NULL, handle, s,
                                 MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_NOTIFY_COMPLETED, completed,
                                 s, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned)s->o.connection_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
                                 1024u, s->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
                                 s->tls_cert, MHD_OPTION_HTTPS_MEM_KEY, s->tls_key, MHD_OPTION_END);
    if (!s->daemon)
        return tfa_error_set(err, TFA_EIO, "cannot listen on %s port %u%s", addr, s->o.port,
                             s->tls_cert ? " (or the TLS certificate and key were refused)" : "");
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->o.port;
    return 0;
}

int tfa_server_start(tfa_server **out, const tfa_serve_options *opts, tfa_error *err)
{
    tfa_server *s = tfa_calloc(1, sizeof(*s));
    unsigned i;
    int rc = 0;

    *out = NULL;
    if (!s)
        return tfa_error_oom(err);
    s->o = *opts;
    if (!s->o.workers)
        s->o.workers = 2;
    if (!s->o.queue_max)
        s->o.queue_max = 64;
    if (!s->o.max_body)
        s->o.max_body = 1 << 20;
    if (!s->o.connection_timeout_s)
        s->o.connection_timeout_s = 30;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (s->o.signoff_dir && !s->o.allowed_signers) {
        rc = tfa_error_set(err, TFA_EUSAGE, "a sign-off directory needs allowed signers");
        goto done;
    }
    if (!s->o.hmac_key || !s->o.hmac_key_len || !s->o.checklist || !s->o.ledger) {
        rc = tfa_error_set(err, TFA_EUSAGE,
                           "a run task needs an HMAC key, a checklist and a ledger");
        goto done;
    }
    if (!(s->seen = tfa_calloc(SEEN_MAX, sizeof(*s->seen))) ||
        !(s->workers = tfa_calloc(s->o.workers, sizeof(*s->workers)))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    for (i = 0; i < s->o.workers; i++) {
        if (pthread_create(&s->workers[i], NULL, worker, s) != 0) {
            rc = tfa_error_set(err, TFA_EIO, "cannot start a worker thread");
            goto done;
        }
        s->n_workers++;
    }
    rc = start_daemon(s, err);
done:
    if (rc)
        tfa_server_stop(s);
    else
        *out = s;
    return rc;
}

unsigned tfa_server_port(const tfa_server *s)
{
    return s->port;
}

void tfa_server_stats_get(tfa_server *s, tfa_server_stats *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    out->queued = s->queued;
    out->running = s->running;
    pthread_mutex_unlock(&s->lock);
}

void tfa_server_stop(tfa_server *s)
{
    tfa_task_report rep;
    job *j, *left;
    unsigned i;
    size_t k;

    if (!s)
        return;
    if (s->daemon) /* no new request; the handler may still be finishing one */
        MHD_stop_daemon(s->daemon);
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    left = s->head;
    s->head = s->tail = NULL;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
    for (i = 0; i < s->n_workers; i++) /* running tasks end with their callback */
        pthread_join(s->workers[i], NULL);
    for (j = left; j; j = left) {
        left = j->next;
        tfa_task_fail(&s->o, j->task,
                      "tfaudit stopped before checking this run: nothing was evaluated; "
                      "re-run the task",
                      &rep);
        account(s, j->task, &rep, 0);
        tfa_runtask_free(j->task);
        tfa_free(j);
    }
    for (k = 0; s->seen && k < s->n_seen; k++)
        tfa_free(s->seen[k]);
    tfa_free(s->seen);
    tfa_free(s->workers);
    tfa_free(s->tls_cert);
    tfa_free(s->tls_key);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    tfa_free(s);
}
