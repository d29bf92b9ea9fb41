/*
 * verify.h - did the apply do exactly what the approved plan said?
 *
 * The run holds both sides: the approved plan (a plan JSON, or a plan log:
 * a UI or text log whose operation is "plan") and the apply (UI or text logs
 * of an apply or destroy). Resources are compared by address:
 *  - missing:    planned (any action but no-op and forget) but not applied
 *  - unexpected: applied but not planned
 *  - mismatched: both, with a different action class (planned update,
 *                applied replace)
 *  - errored:    the apply reported an error for it
 *  - incomplete: the apply started it and never reported it finished
 * and the apply's summary counts are compared with the plan's.
 *
 * How the apply ended (the outcome) is judged per apply log, because only
 * the end of a log proves the apply succeeded: Terraform prints "Apply
 * complete!" / "Destroy complete!" (a change_summary with operation apply or
 * destroy in -json logs) only once the whole operation, state save
 * included, succeeded.
 *  - failed:     an apply log reports an error diagnostic (an error after
 *                the last resource, e.g. "Failed to save state", included);
 *                the apply does not match the plan
 *  - unfinished: no error, but an apply log has no final summary after its
 *                last resource event, or its last line is cut: the log
 *                proves nothing (the apply was interrupted, or the log is
 *                incomplete); whether it matches is not known
 *  - finished:   every apply log ends with its final summary, no error
 * Each reason is kept as a line naming the log and position.
 *
 * Per address the apply's events combine: a delete and a create make a
 * replace, whichever came first (create_before_destroy destroys the deposed
 * object after creating the new one). Import-only changes (no-op with an
 * import) need no apply event but may have one. Forgotten resources have no
 * apply events; only the counts cover them.
 */
#ifndef TFA_VERIFY_H
#define TFA_VERIFY_H

#include <stddef.h>

#include "run.h"

typedef enum tfa_verify_kind {
    TFA_VERIFY_MISSING = 0,
    TFA_VERIFY_UNEXPECTED,
    TFA_VERIFY_MISMATCHED,
    TFA_VERIFY_ERRORED,
    TFA_VERIFY_INCOMPLETE,
    TFA_VERIFY_KIND_COUNT
} tfa_verify_kind;

/* "missing", "unexpected", "mismatched", "errored", "incomplete". */
const char *tfa_verify_kind_name(tfa_verify_kind kind);

typedef struct tfa_verify_item {
    const char *address; /* borrowed from the run */
    tfa_verify_kind kind;
    tfa_action planned; /* TFA_ACTION_UNKNOWN when not planned */
    tfa_action applied; /* TFA_ACTION_UNKNOWN when not applied */
} tfa_verify_item;

typedef enum tfa_apply_outcome {
    TFA_OUTCOME_FINISHED = 0,
    TFA_OUTCOME_FAILED,
    TFA_OUTCOME_UNFINISHED
} tfa_apply_outcome;

/* "finished", "failed", "unfinished". */
const char *tfa_apply_outcome_name(tfa_apply_outcome o);

/* Reasons kept per result; the rest are counted in n_problems. */
#define TFA_VERIFY_PROBLEMS 20

typedef struct tfa_verify_result {
    int has_plan, has_apply; /* inputs for each side were given */
    tfa_verify_item *items;  /* sorted by address, then kind; owned by the result */
    size_t n_items;
    size_t count[TFA_VERIFY_KIND_COUNT];
    size_t planned, applied; /* resources on each side */
    int counts_compared;     /* both sides stated summary counts */
    tfa_counts plan_counts, apply_counts;
    int counts_match;
    tfa_apply_outcome outcome; /* the worst over the apply logs (failed > unfinished) */
    int finished;              /* every apply log ends with its final summary, uncut */
    char **problems;           /* why not finished: "apply.log:14: error after the last resource:
                                  Failed to save state"; owned by the result */
    size_t n_problems, n_problems_kept;
    int matches; /* both sides present, no item, counts agree (or absent), outcome finished */
} tfa_verify_result;

/* Compare; *out is freed with tfa_verify_result_free. TFA_ENOMEM only. */
int tfa_verify_apply(const tfa_run *run, tfa_verify_result **out);
void tfa_verify_result_free(tfa_verify_result *res);

/* Which side an input belongs to (also used by facts and drift). */
int tfa_input_is_plan_side(const tfa_input *in);
int tfa_input_is_apply_side(const tfa_run *run, size_t input);

#endif
