/*
 * server.h - `tfaudit serve --run-task`: tfaudit as an HCP Terraform /
 * Terraform Enterprise run task.
 *
 * The platform POSTs a signed request when a run reaches a stage; the
 * server authenticates it (HMAC-SHA512 of the body, before parsing), answers
 * 200 at once and queues the work. A worker then downloads the plan JSON
 * with the run's token, evaluates the checklist with the run's context,
 * records the verdict in the ledger and PATCHes the result back to the
 * platform: passed or failed, with one outcome per item that is not PASS.
 *
 * Fail closed: a plan that cannot be downloaded or read, a verdict that
 * cannot be recorded, or a server shutting down before the task ran all end
 * in a "failed" callback that says why; a task is never left without one
 * while the server runs. Manual items stay PENDING, and fail the task,
 * unless a signed sign-off token for the run's plan pin is in the
 * sign-off directory (see tfa_serve_options).
 *
 * Bounded: a fixed pool of workers and a queue of fixed length (503 with
 * Retry-After when full), a request body cap (413), a connection timeout,
 * and the HTTP client's timeouts and size cap for the plan and callback.
 * Retried deliveries of one task result (same task_result_id) are
 * recognised: one ledger record, one callback.
 *
 * Routes: POST / (or any path) the run-task endpoint; GET /healthz.
 * Built on libmicrohttpd; TLS with --tls-cert/--tls-key (GnuTLS inside it).
 */
#ifndef TFA_SERVE_SERVER_H
#define TFA_SERVE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "checklist.h"
#include "ledger.h"
#include "sign.h"
#include "net/http.h"
#include "util/error.h"

typedef struct tfa_serve_options {
    const char *address;  /* IPv4 or IPv6 literal to bind; NULL: 127.0.0.1 */
    unsigned port;        /* 0: an ephemeral port (tfa_server_port tells) */
    const char *tls_cert; /* PEM certificate chain and key, both or neither */
    const char *tls_key;
    const unsigned char *hmac_key; /* the run task's HMAC key (borrowed) */
    size_t hmac_key_len;
    const tfa_checklist *checklist; /* borrowed; outlives the server */
    const char *section;            /* NULL: every item */
    const char *ledger;             /* ledger database path */
    const char *result_url;         /* shown with each result; "{run_id}" is replaced */
    unsigned workers;               /* evaluations at once; 0: 2 */
    unsigned queue_max;             /* tasks waiting; 0: 64 */
    size_t max_body;                /* request body cap; 0: 1 MiB */
    unsigned connection_timeout_s;  /* idle connection; 0: 30 */
    const tfa_http_options *http;   /* plan download and callback (borrowed) */
    /* The access and task log: one line per event (no newline), never a
     * token or signature; called from several threads. NULL: none. */
    void (*log)(void *payload, const char *line);
    void *log_payload;
    int64_t (*now)(void *payload); /* evaluation clock; NULL: time() */
    void *now_payload;
    /* Trust (all borrowed, all optional). Every ledger record is signed
     * with `signer`; manual items pass only on signed sign-off tokens
     * (waivers.h) by a key `allowed_signers` lists for the item, for the
     * run's plan pin, unexpired, read from the files of `signoff_dir` for
     * each task (tokens dropped there later count for later runs). An
     * unreadable sign-off directory fails the task with the reason. */
    const tfa_signer *signer;
    const tfa_keyring *allowed_signers;
    const char *signoff_dir; /* needs allowed_signers */
    /* Called after each record is appended, with the worker's ledger (for
     * anchoring its head); non-zero fails the task: the record stays, the
     * platform hears that it is not anchored. Called from several
     * threads. NULL: nothing. */
    int (*recorded)(void *payload, tfa_ledger *ledger, int64_t now, tfa_error *err);
    void *recorded_payload;
} tfa_serve_options;

typedef struct tfa_server tfa_server;

/* Start listening and the workers. Errors: TFA_EUSAGE (bad options, TLS
 * files), TFA_EIO (cannot bind), TFA_ENOMEM. */
int tfa_server_start(tfa_server **out, const tfa_serve_options *opts, tfa_error *err);

/* The port bound (the ephemeral one when opts.port was 0). */
unsigned tfa_server_port(const tfa_server *s);

/* Counters for /healthz and tests. */
typedef struct tfa_server_stats {
    uint64_t accepted, rejected_signature, rejected_busy, duplicates;
    uint64_t passed, failed, callbacks_failed;
    unsigned queued, running;
} tfa_server_stats;
void tfa_server_stats_get(tfa_server *s, tfa_server_stats *out);

/*
 * Stop: refuse new connections, let running tasks finish (each ends with
 * its callback), fail every task still queued with a callback saying the
 * server stopped before checking it, join the workers, free. NULL is fine.
 */
void tfa_server_stop(tfa_server *s);

#endif
