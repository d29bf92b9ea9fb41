/*
 * gate_record.h - the record `tfaudit gate` (and the nightly audit) persists:
 * the verdict document (tfaudit.verdict/1, see checklist/verdict_json.c) plus
 * what the ledger keeps beside it: the checklist's full text, every input's
 * facts (the `summarize --format json` contract), the context the caller
 * asserted (approved digest, git state, expectations: eval_context.h) with
 * the plan's digests, and the gate's own who/where/when.
 * Like everything built from the run model, it holds no attribute value.
 */
#ifndef TFA_GATE_RECORD_H
#define TFA_GATE_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "checklist.h"
#include "eval_context.h"
#include "run.h"
#include "verdict.h"

typedef struct tfa_gate_meta {
    const char *workspace;
    const char *window;        /* may be NULL */
    const char *operator_name; /* may be NULL */
    const char *audit_id;      /* the nightly audit this gate belongs to; NULL for a plain gate */
    int64_t time;
} tfa_gate_meta;

/* A new record (json_decref it); NULL on out-of-memory. `context` is the
 * one the verdict was evaluated with (may be NULL). */
json_t *tfa_gate_record(const tfa_verdict *v, const tfa_checklist *cl, const tfa_run *run,
                        const tfa_eval_context *context, const tfa_gate_meta *meta);

/* Ids of the items that block the verdict (FAIL, ERROR, PENDING on hard or
 * soft items), borrowed from the record; *n set. NULL when none. */
const char **tfa_gate_record_blocking(const json_t *record, size_t *n);

#endif
