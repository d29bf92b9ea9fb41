/*
 * gate_run.h - one gate, from inputs to verdict record: what `tfaudit
 * check`, `tfaudit gate` and every workspace of `tfaudit audit` do.
 *
 * The steps, in order: read the inputs into a new run (files, directories,
 * archives, remote forms, or bytes already in memory); let the caller
 * adjust the run (the audit removes accepted drift); make the evaluation's
 * context (eval_context.h: the window's expectation, then what the caller
 * asserts: the CLI's --approved and --iac-repo); evaluate the checklist
 * over the run and that context; build the verdict record the ledger keeps
 * (gate_record.h). Loading and evaluating the checklist,
 * waivers and sign-offs stay with the caller, which does them once, before
 * any input is read.
 *
 * Thread safety: nothing here keeps state between calls; concurrent gates
 * may share the checklist, waivers, sign-offs and options (all read-only),
 * never a run.
 */
#ifndef TFA_GATE_RUN_H
#define TFA_GATE_RUN_H

#include <jansson.h>
#include <stdint.h>

#include "checklist.h"
#include "eval_context.h"
#include "gate_record.h"
#include "input.h"
#include "run.h"
#include "verdict.h"
#include "waivers.h"

struct tfa_remote_options;

/* One input: a path, or bytes already in memory named `name`. */
typedef struct tfa_gate_input {
    const char *path; /* file, directory, archive, "-" or a remote form; NULL for data */
    const char *name; /* data only: the input's name ("nightly.tar.gz!ws/plan.json") */
    const void *data; /* data only: borrowed for the call */
    size_t len;
    int member;          /* data only: an archive member (input.h member rules) */
    const char *refused; /* data only: a member refused unread, and why (no data) */
} tfa_gate_input;

/* Called after loading, before evaluation, to judge the run's records.
 * Return 0, or a negative status with `err` set (or already reported,
 * err->status 0). */
typedef int (*tfa_gate_prepare_fn)(tfa_run *run, void *payload, tfa_error *err);

/* Called after prepare to set what the caller asserts in the gate's
 * context (which already holds the window's expectation). Returns like
 * tfa_gate_prepare_fn. */
typedef int (*tfa_gate_assert_fn)(tfa_eval_context *context, void *payload, tfa_error *err);

typedef struct tfa_gate_request {
    const tfa_checklist *cl;
    const char *section;          /* NULL: every item */
    const tfa_waivers *waivers;   /* may be NULL */
    const tfa_signoffs *signoffs; /* may be NULL */
    const tfa_gate_input *inputs;
    size_t n_inputs;
    const tfa_load_options *load;            /* NULL: the defaults */
    const struct tfa_remote_options *remote; /* remote/load.h; NULL: remote forms refused */
    int expect_no_changes;                   /* sets window.expect_no_changes */
    tfa_gate_prepare_fn prepare;             /* may be NULL */
    void *prepare_payload;
    tfa_gate_assert_fn assert_context; /* may be NULL */
    void *assert_payload;
    int64_t now;               /* evaluation time (waiver expiry): the caller's clock */
    const tfa_gate_meta *meta; /* NULL: no record is built */
} tfa_gate_request;

#define TFA_GATE_REQUEST_INIT                                                                      \
    {                                                                                              \
        .cl = NULL, .inputs = NULL, .n_inputs = 0, .load = NULL, .meta = NULL                      \
    }

/* How far a gate got: the stage that failed, or TFA_GATE_DONE. */
typedef enum tfa_gate_stage {
    TFA_GATE_LOAD = 0,
    TFA_GATE_PREPARE,
    TFA_GATE_EVALUATE,
    TFA_GATE_RECORD,
    TFA_GATE_DONE
} tfa_gate_stage;

typedef struct tfa_gate_outcome {
    tfa_gate_stage stage;
    tfa_run *run;              /* kept after a failure past loading (its notes still count) */
    tfa_eval_context *context; /* what the verdict was evaluated with */
    tfa_verdict *verdict;      /* borrows req->cl, waivers and sign-offs */
    json_t *record;            /* when req->meta was given */
} tfa_gate_outcome;

/*
 * Run one gate. `out` is filled as far as it got; release it in every case.
 * Errors: the loaders' codes (input.h, remote/load.h; TFA_EUSAGE for a remote
 * form without req->remote), the prepare and assert callbacks', TFA_EUSAGE (no such
 * section), TFA_ENOMEM. A failed item is not an error: it is the verdict.
 */
int tfa_gate_run(tfa_gate_outcome *out, const tfa_gate_request *req, tfa_error *err);
void tfa_gate_outcome_release(tfa_gate_outcome *o);

#endif
