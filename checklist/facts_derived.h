/*
 * facts_derived.h - facts that are not a field of an input: the results of
 * analyses over the whole run (apply verification, drift-free, the plan's
 * pin) and facts the caller asserts in the evaluation's context
 * (eval_context.h: the approved plan digest, git state, whether the window
 * expects no changes). Internal to
 * checklist/: facts_catalog.c lists them and calls tfa_fact_derived.
 */
#ifndef TFA_FACTS_DERIVED_H
#define TFA_FACTS_DERIVED_H

#include "facts_catalog.h"
#include "run.h"
#include "value.h"

typedef enum tfa_derived {
    TFA_D_APPLY_MATCHES = 0,
    TFA_D_APPLY_MISSING,
    TFA_D_APPLY_UNEXPECTED,
    TFA_D_APPLY_MISMATCHED,
    TFA_D_APPLY_INCOMPLETE,
    TFA_D_APPLY_COUNTS_MATCH,
    TFA_D_DRIFT_FREE,
    TFA_D_PLAN_CHANGES,
    TFA_D_PLAN_PIN,
    TFA_D_PLAN_SHA256,
    TFA_D_PLAN_PINNED,
    TFA_D_APPROVED_DIGEST,
    TFA_D_WINDOW_EXPECT_NONE,
    TFA_D_GIT_COMMIT,
    TFA_D_GIT_BRANCH,
    TFA_D_GIT_DIRTY,
    TFA_D_APPLY_FINISHED /* issue 14: every apply log ends with its final summary */
} tfa_derived;

/* Like tfa_fact_value: 1 with *out (strings borrowed from the source), or 0
 * with *why. */
int tfa_fact_derived(tfa_derived id, const tfa_fact_source *src, tfa_value *out, const char **why);
/* tfa_fact_explain for a derived fact. */
int tfa_fact_derived_explain(tfa_derived id, const tfa_fact_source *src, tfa_fact_detail_fn add,
                             void *payload);

#endif
