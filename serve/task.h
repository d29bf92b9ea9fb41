/*
 * task.h - one run task, from request to callback (private to serve/).
 */
#ifndef TFA_SERVE_TASK_H
#define TFA_SERVE_TASK_H

#include "ledger.h"
#include "runtask.h"
#include "server.h"

/* What happened to a task, for the log and the counters. */
typedef struct tfa_task_report {
    int passed;        /* the result sent (or that would have been) */
    int callback_ok;   /* the platform accepted the callback */
    int64_t ledger_id; /* 0 when nothing was recorded */
    char message[256]; /* the callback's message */
    char callback_error[256];
} tfa_task_report;

/*
 * Do the task: download the plan, evaluate, record into `ledger` (the
 * worker's own connection), call back. Never fails silently: every path
 * ends in a callback attempt, whose outcome is in `rep`.
 */
void tfa_task_run(const tfa_serve_options *o, tfa_ledger *ledger, const tfa_runtask *t,
                  tfa_task_report *rep);

/* Call back "failed" with `why` and no outcomes (a task the server could
 * not run: shutting down, no ledger). */
void tfa_task_fail(const tfa_serve_options *o, const tfa_runtask *t, const char *why,
                   tfa_task_report *rep);

#endif
