/*
 * verdict.h - evaluating a checklist over a run: item statuses, evidence,
 * and the GO / NO-GO decision.
 *
 * Each item gets one status:
 *   PASS     the condition holds, or a manual item is signed off
 *   FAIL     the condition does not hold
 *   WAIVED   it failed (or is pending) but a valid waiver covers it
 *   PENDING  a manual item nobody has signed off
 *   ERROR    the condition could not be checked: a fact it reads has no
 *            value for these inputs (e.g. apply.errors without an apply log)
 * An item blocks when it is hard or soft and FAIL, ERROR or PENDING.
 * The verdict is GO when no item blocks.
 *
 * Every item carries its evidence: the facts it read with their values (or
 * why they have none) and, for collection queries, how many elements
 * matched and the first TFA_EVIDENCE_LABELS of them by address. Evidence is
 * copied into the verdict, so it outlives the run; it never holds an
 * attribute value (the run model has none).
 *
 * Ownership: the verdict owns its results and evidence. It borrows the
 * checklist, waivers and sign-offs it was evaluated with, which must
 * outlive it.
 */
#ifndef TFA_VERDICT_H
#define TFA_VERDICT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checklist.h"
#include "eval_context.h"
#include "run.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "value.h"
#include "waivers.h"

/* Offending elements named per query; the rest are counted. */
#define TFA_EVIDENCE_LABELS 20

typedef enum tfa_item_status {
    TFA_ITEM_PASS = 0,
    TFA_ITEM_FAIL,
    TFA_ITEM_WAIVED,
    TFA_ITEM_PENDING,
    TFA_ITEM_ERROR,
    TFA_ITEM_STATUS_COUNT
} tfa_item_status;

/* "PASS", "FAIL", "WAIVED", "PENDING", "ERROR". */
const char *tfa_item_status_name(tfa_item_status s);

/* A fact an item read. */
typedef struct tfa_fact_read {
    const char *name;
    int present;
    tfa_value value;            /* when present */
    const char *why;            /* when not: e.g. "no apply log among the inputs" */
    const char *const *details; /* lines explaining the value (tfa_fact_explain) */
    size_t n_details;
} tfa_fact_read;

/* A collection query an item ran. */
typedef struct tfa_query_read {
    const char *query;         /* as written: count(changes where action == "delete") */
    const char *collection;    /* "changes" */
    size_t total;              /* elements in the collection */
    size_t listed;             /* elements matching (count/any/none), or not matching (all) */
    int listed_match;          /* 1: `listed` counts matches; 0: elements failing all(...) */
    const char *const *labels; /* the first TFA_EVIDENCE_LABELS listed elements */
    size_t n_labels;
    tfa_value result; /* the query's value: a count or a boolean */
} tfa_query_read;

typedef struct tfa_evidence {
    tfa_fact_read *facts;
    size_t n_facts;
    tfa_query_read *queries;
    size_t n_queries;
} tfa_evidence;

typedef struct tfa_result {
    const tfa_item *item;
    tfa_item_status status;
    int blocks;
    const char *reason; /* why it is not PASS; NULL when it is */
    tfa_evidence evidence;
    const tfa_waiver *waiver;   /* the waiver applied (WAIVED) */
    const tfa_signoff *signoff; /* manual items: who signed */
} tfa_result;

typedef enum tfa_waiver_use {
    TFA_WAIVER_APPLIED = 0,
    TFA_WAIVER_UNUSED,  /* its item passed, errored, or was not evaluated */
    TFA_WAIVER_EXPIRED, /* past its expiry date: not applied */
    TFA_WAIVER_REFUSED  /* names a hard item: never applied */
} tfa_waiver_use;

/* "applied", "unused", "expired", "refused". */
const char *tfa_waiver_use_name(tfa_waiver_use u);

typedef struct tfa_waiver_result {
    const tfa_waiver *waiver;
    tfa_waiver_use use;
} tfa_waiver_result;

/* An input the verdict was reached on, copied from the run. */
typedef struct tfa_verdict_input {
    const char *path, *kind, *tool, *tool_version, *format_version;
    uint64_t bytes;
    char sha256[TFA_SHA256_HEX];
} tfa_verdict_input;

/* A directory or archive member --skip-unknown skipped (a run note with a
 * path): listed in every report and in the ledger record. */
typedef struct tfa_verdict_skipped {
    const char *path, *reason;
} tfa_verdict_skipped;

typedef struct tfa_verdict {
    int go;
    const tfa_checklist *checklist;
    const char *section; /* the heading evaluated (borrowed from the checklist); NULL for all */
    int64_t now;         /* evaluation time, seconds since the epoch (UTC) */
    tfa_result *results;
    size_t n_results;
    size_t counts[TFA_ITEM_STATUS_COUNT];
    size_t blocking;
    tfa_waiver_result *waivers;
    size_t n_waivers;
    tfa_verdict_input *inputs;
    size_t n_inputs;
    tfa_verdict_skipped *skipped;
    size_t n_skipped;
    tfa_arena *arena;
} tfa_verdict;

typedef struct tfa_eval_options {
    const char *section;          /* evaluate only this section; NULL for all */
    const tfa_waivers *waivers;   /* may be NULL */
    const tfa_signoffs *signoffs; /* may be NULL */
    int64_t now;                  /* for waiver expiry; the caller's clock */
    /* what the caller asserts (eval_context.h); NULL asserts nothing, and
     * the facts that need it have no value */
    const tfa_eval_context *context;
} tfa_eval_options;

#define TFA_EVAL_OPTIONS_INIT                                                                      \
    {                                                                                              \
        .section = NULL, .waivers = NULL, .signoffs = NULL, .now = 0, .context = NULL              \
    }

/*
 * Evaluate every item of `cl` (or of one section) over `run`. Errors:
 * TFA_EUSAGE when the section does not exist or holds no item, TFA_ENOMEM.
 * Item failures are not errors: they are the verdict.
 */
int tfa_verdict_evaluate(tfa_verdict **out, const tfa_checklist *cl, const tfa_run *run,
                         const tfa_eval_options *opts, tfa_error *err);
void tfa_verdict_free(tfa_verdict *v);

/*
 * The verdict record as JSON: the `--format json` report and what `gate`
 * hands to storage as evidence. A new reference (json_decref it); NULL on
 * out-of-memory. The schema ("tfaudit.verdict/1") is documented in
 * verdict_json.c and is a stable contract: fields are only ever added.
 */
json_t *tfa_verdict_to_json(const tfa_verdict *v);

/* Elements a query listed beyond those it names ("... and 5 more"); 0 if none. */
size_t tfa_ev_more(const tfa_query_read *q);

/* JSON of a value, and a JSON string that survives invalid UTF-8 (bytes
 * replaced by U+FFFD); both NULL on out-of-memory. Shared with the report
 * writers, so every JSON the tool writes spells values the same way. */
json_t *tfa_verdict_json_value(const tfa_value *v);
json_t *tfa_verdict_json_str(const char *s);

#endif
