/*
 * cmd_serve.c - `tfaudit serve --run-task`: run as an HCP Terraform /
 * Terraform Enterprise run task until SIGTERM or SIGINT (serve/server.h).
 *
 * The HMAC key is read from a file (never from the command line, where
 * `ps` shows it). Signals are taken by this thread with sigwait, so no
 * handler runs inside the server's threads; a stop lets running tasks end
 * with their callback and fails the queued ones with one.
 */
#include "util/compat.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include "anchor.h"
#include "cli_ledger.h"
#include "cli_net.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "server.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/escape.h"

typedef struct serve_opts {
    int run_task;
    const char *listen, *checklist, *section, *hmac_key_file, *ledger;
    const char *tls_cert, *tls_key, *result_url, *workers, *queue, *max_body, *port_file;
    const char *allowed_signers, *signoff_dir;
    tfa_cli_sign sign;
    tfa_cli_net net;
} serve_opts;

#define SERVE_OPT(name, field, arg, help)                                                          \
    {                                                                                              \
        name, 0, TFA_OPT_STRING, offsetof(serve_opts, field), arg, help, NULL                      \
    }

static const tfa_opt options[] = {
    {"run-task", 0, TFA_OPT_FLAG, offsetof(serve_opts, run_task), NULL,
     "serve the run-task integration API (the only mode)", NULL},
    SERVE_OPT("listen", listen, "ADDR:PORT",
              "address and port to listen on (default 127.0.0.1:8480; [::1]:8480 for IPv6; port 0: "
              "any free one)"),
    SERVE_OPT("checklist", checklist, "FILE", "the checklist every run is gated with"),
    SERVE_OPT("section", section, "HEADING", "evaluate only this section"),
    SERVE_OPT("hmac-key-file", hmac_key_file, "FILE",
              "the run task's HMAC key (requests not signed with it get 401)"),
    SERVE_OPT("ledger", ledger, "PATH",
              "ledger database (default: $TFAUDIT_LEDGER, else "
              ".tfaudit/ledger.db)"),
    SERVE_OPT("tls-cert", tls_cert, "FILE", "serve https with this PEM certificate chain"),
    SERVE_OPT("tls-key", tls_key, "FILE", "... and this PEM private key"),
    SERVE_OPT("result-url", result_url, "URL",
              "link sent with each result; {run_id} is replaced by the run's id"),
    SERVE_OPT("workers", workers, "N", "runs evaluated at once (default 2)"),
    SERVE_OPT("queue", queue, "N", "runs waiting before requests get 503 (default 64)"),
    SERVE_OPT("max-body", max_body, "BYTES", "largest request body accepted (default 1048576)"),
    SERVE_OPT("port-file", port_file, "FILE", "write the port listened on to FILE once ready"),
    SERVE_OPT("allowed-signers", allowed_signers, "FILE",
              "keys allowed to sign off manual items (ROLE[,ROLE] ed25519 KEY COMMENT lines)"),
    SERVE_OPT("sign-off-dir", signoff_dir, "DIR",
              "signed sign-off tokens ('tfaudit sign-off'), read for every run; needs "
              "--allowed-signers"),
    TFA_CLI_SIGN_OPTIONS(serve_opts, sign),
    TFA_CLI_NET_OPTIONS(serve_opts, net),
};

const tfa_cmd_spec tfa_cmd_serve_spec = {
    "serve",
    "--run-task --checklist FILE --hmac-key-file FILE [options]",
    "Gate HCP Terraform / Terraform Enterprise runs as a run task",
    "Answers the run-task integration API (payload version 1). Every request\n"
    "must carry X-TFC-Task-Signature, the HMAC-SHA512 of its body with the task's\n"
    "key; others get 401 before anything in them is read. A request is answered\n"
    "200 at once; a worker then downloads the run's plan JSON with the request's\n"
    "token, evaluates the checklist, records the verdict in the ledger (the record\n"
    "names the run, stage, organization and task result) and PATCHes the result\n"
    "back: passed or failed, with one outcome per item that is not PASS and its\n"
    "evidence. pre_plan requests pass with a note that nothing was checked.\n"
    "Manual items stay PENDING and fail the task unless --sign-off-dir holds a\n"
    "signed sign-off token for the run's plan pin by a key --allowed-signers\n"
    "allows for the item (the directory is read for every run: drop the token\n"
    "there and retry the run). With --signing-key every record is signed; with\n"
    "--anchor-to the ledger head is anchored after every record, and a run whose\n"
    "record cannot be anchored fails. A plan that cannot be downloaded or read,\n"
    "or a sign-off directory that cannot be read, fails the task with\n"
    "the reason. A retried delivery of the same task result is recorded and\n"
    "answered once. GET /healthz reports the queue.\n"
    "\n"
    "SIGTERM or SIGINT stops the server: running tasks finish with their\n"
    "callback, queued ones are failed with a callback saying so. Exit status: 0\n"
    "after a stop, 2 on a usage error or when it cannot listen.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    0};

static int parse_uint(const char *what, const char *text, unsigned long min, unsigned long max,
                      unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!text)
        return 0;
    errno = 0;
    v = strtoul(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return tfa_msg_usage("serve", "--%s: expected a number from %lu to %lu, got '%s'", what,
                             min, max, text);
    *out = v;
    return 0;
}

/* "127.0.0.1:8480", "[::1]:8480", ":8480" or "8480". */
static int parse_listen(const char *text, char *addr, size_t size, unsigned *port)
{
    const char *colon, *host = "127.0.0.1";
    size_t hlen = strlen(host);
    unsigned long p = 8480;

    if (text) {
        if (text[0] == '[' && (colon = strstr(text, "]:")) != NULL) {
            host = text + 1, hlen = (size_t)(colon - text - 1), colon++;
        } else if ((colon = strrchr(text, ':')) != NULL) {
            if (colon > text)
                host = text, hlen = (size_t)(colon - text);
        } else {
            colon = text - 1;
        }
        if (hlen >= size || parse_uint("listen", colon + 1, 0, 65535, &p) != 0)
            return TFA_EXIT_USAGE;
    }
    memcpy(addr, host, hlen);
    addr[hlen] = '\0';
    *port = (unsigned)p;
    return 0;
}

/* The key, without a final newline; a group- or world-readable file is
 * refused, as ssh refuses such a private key. */
static int read_key(const char *path, tfa_buf *key)
{
    struct stat st;
    char chunk[4096];
    FILE *f;
    size_t n;

    if (!(f = fopen(path, "rb")))
        return tfa_msg_error("%s: cannot open the HMAC key: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
        fclose(f);
        return tfa_msg_error("%s: the HMAC key is readable by others (chmod 600 it)", path);
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tfa_buf_put(key, chunk, n);
    fclose(f);
    while (key->len && (key->ptr[key->len - 1] == '\n' || key->ptr[key->len - 1] == '\r'))
        key->ptr[--key->len] = '\0';
    if (key->failed || key->len == 0)
        return tfa_msg_error("%s: the HMAC key is empty or over 4096 bytes", path);
    return 0;
}

static int write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (!(f = fopen(tmp, "w")) || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 ||
        rename(tmp, path) != 0)
        return tfa_msg_error("%s: cannot write the port file: %s", path, strerror(errno));
    return 0;
}

/* The server's log, on stderr; lines are whole, whichever thread writes. */
static void log_to_stderr(void *payload, const char *line)
{
    tfa_buf b;

    (void)payload;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_esc_text(&b, line); /* requests are input: control characters made visible */
    flockfile(stderr);
    fprintf(stderr, "tfaudit serve: %s\n", tfa_buf_status(&b) ? "(out of memory)" : b.ptr);
    funlockfile(stderr);
    tfa_buf_release(&b);
}

/* --anchor-to after every record. Workers record concurrently: one anchor
 * at a time, so appends to an anchor file or repository never interleave. */
typedef struct anchor_hook {
    const char *dest;
    const tfa_signer *signer;
    tfa_s3_options s3;
    pthread_mutex_t lock;
} anchor_hook;

static int anchor_recorded(void *payload, tfa_ledger *ledger, int64_t now, tfa_error *err)
{
    anchor_hook *h = payload;
    tfa_anchor_options ao = TFA_ANCHOR_OPTIONS_INIT;
    tfa_anchor a;
    int rc;

    ao.signer = h->signer;
    ao.now = now;
    ao.operator_name = "tfaudit serve";
    ao.s3 = tfa_s3_is_url(h->dest) ? &h->s3 : NULL;
    pthread_mutex_lock(&h->lock);
    rc = tfa_anchor_write(&a, ledger, h->dest, &ao, err);
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* The keys: signing key and allowed signers, loaded once. */
typedef struct serve_trust {
    tfa_signer *signer;
    tfa_keyring *allowed;
    anchor_hook anchor;
} serve_trust;

static int trust_load(serve_trust *t, const serve_opts *o, tfa_serve_options *so,
                      tfa_cli_net_ctx *nc)
{
    int rc;

    if (o->signoff_dir && !o->allowed_signers)
        return tfa_msg_usage("serve", "--sign-off-dir needs --allowed-signers");
    if ((rc = tfa_cli_signer_load(&t->signer, &o->sign)) != 0 ||
        (o->allowed_signers && (rc = tfa_cli_keyring_load(&t->allowed, o->allowed_signers)) != 0))
        return rc;
    so->signer = t->signer;
    so->allowed_signers = t->allowed;
    so->signoff_dir = o->signoff_dir;
    if (o->sign.anchor_to) {
        t->anchor.dest = o->sign.anchor_to;
        t->anchor.signer = t->signer;
        t->anchor.s3.http = &nc->http;
        t->anchor.s3.env = nc->remote.env;
        so->recorded = anchor_recorded;
        so->recorded_payload = &t->anchor;
    }
    return 0;
}

static int serve(const serve_opts *o, const tfa_checklist *cl, const tfa_buf *key)
{
    tfa_serve_options so;
    tfa_cli_net_ctx nc;
    tfa_server *server = NULL;
    serve_trust trust;
    char addr[256];
    unsigned long workers = 2, queue = 64, max_body = 1 << 20;
    char *ledger = NULL;
    sigset_t sigs;
    tfa_error err;
    int rc, sig;

    memset(&so, 0, sizeof(so));
    memset(&trust, 0, sizeof(trust));
    pthread_mutex_init(&trust.anchor.lock, NULL);
    tfa_error_init(&err);
    if ((rc = parse_listen(o->listen, addr, sizeof(addr), &so.port)) != 0 ||
        (rc = parse_uint("workers", o->workers, 1, 256, &workers)) != 0 ||
        (rc = parse_uint("queue", o->queue, 1, 100000, &queue)) != 0 ||
        (rc = parse_uint("max-body", o->max_body, 1, 1UL << 30, &max_body)) != 0 ||
        (rc = tfa_cli_net_init(&nc, &o->net, "serve")) != 0 ||
        (rc = trust_load(&trust, o, &so, &nc)) != 0)
        goto done;
    if (tfa_cli_ledger_resolve(&ledger, o->ledger, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    so.address = addr;
    so.tls_cert = o->tls_cert;
    so.tls_key = o->tls_key;
    so.hmac_key = (const unsigned char *)key->ptr;
    so.hmac_key_len = key->len;
    so.checklist = cl;
    so.section = o->section;
    so.ledger = ledger;
    so.result_url = o->result_url;
    so.workers = (unsigned)workers;
    so.queue_max = (unsigned)queue;
    so.max_body = max_body;
    so.http = &nc.http;
    so.log = log_to_stderr;
    /* the server's threads inherit the mask: only sigwait below sees these */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    if (tfa_server_start(&server, &so, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    tfa_msg_note("serving run tasks on %s://%s%s%s:%u", o->tls_cert ? "https" : "http",
                 strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "",
                 tfa_server_port(server));
    if (o->port_file && (rc = write_port_file(o->port_file, tfa_server_port(server))) != 0) {
        tfa_server_stop(server);
        goto done;
    }
    do {
        if (sigwait(&sigs, &sig) != 0)
            sig = SIGTERM;
    } while (sig == SIGPIPE);
    tfa_msg_note("signal %d: stopping (running tasks finish, queued ones are failed)", sig);
    tfa_server_stop(server);
    rc = TFA_EXIT_GO;
done:
    tfa_free(ledger);
    tfa_signer_free(trust.signer);
    tfa_keyring_free(trust.allowed);
    pthread_mutex_destroy(&trust.anchor.lock);
    return rc;
}

int tfa_cmd_serve(int argc, char **argv)
{
    serve_opts o;
    tfa_strlist args = {0};
    tfa_checklist *cl = NULL;
    tfa_buf key;
    tfa_error err;
    int rc;

    memset(&o, 0, sizeof(o));
    tfa_buf_init(&key, 4096);
    tfa_error_init(&err);
    if ((rc = tfa_opts_parse(&tfa_cmd_serve_spec, argc, argv, &o, &args)) != 0)
        goto done;
    if (!o.run_task || !o.checklist || !o.hmac_key_file) {
        rc = tfa_msg_usage("serve", "serve needs --run-task, --checklist and --hmac-key-file");
        goto done;
    }
    if ((rc = read_key(o.hmac_key_file, &key)) != 0)
        goto done;
    if (tfa_checklist_load(&cl, o.checklist, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    rc = serve(&o, cl, &key);
done:
    if (key.ptr)
        memset(key.ptr, 0, key.len);
    tfa_buf_release(&key);
    tfa_checklist_free(cl);
    tfa_strlist_release(&args);
    return rc;
}
