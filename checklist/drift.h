/*
 * drift.h - the drift-free requirement.
 *
 * Drift is what Terraform found changed outside of it: plan JSON
 * resource_drift (refresh-only plans list every drifted resource there), UI
 * log resource_drift messages, and text logs' "Objects have changed outside
 * of Terraform" section. A run is drift-free when it has no drift entry and,
 * when the window expects no changes, no managed resource change either
 * (a refresh-only or a no-op window).
 *
 * Drift is proven or not known, never assumed zero: a text log that says
 * "Objects have changed outside of Terraform" but whose entries could not
 * all be read (no entry at all, or lines of the section no entry explains)
 * leaves drift unknown, and so does anything else the readers could not
 * interpret there. -json logs need no such check: a resource_drift message
 * without a resource or with a bad action is an input error already.
 */
#ifndef TFA_DRIFT_H
#define TFA_DRIFT_H

#include <stddef.h>

#include "run.h"

typedef struct tfa_drift_result {
    int determined; /* some input can report drift (a plan, or a run's log) */
    size_t drift;   /* drift entries */
    size_t changes; /* managed resource changes other than no-op and read */
    int drift_free; /* determined, known, no drift, and no changes if expected none */
    /* not known: an input says there is drift this build could not read */
    int unknown;
    const char *unknown_input; /* its path (borrowed from the run) */
    tfa_pos unknown_pos;       /* the first line not read (line 0: none) */
    const char *unknown_why;   /* static: "the drift section has no entry this build can read" */
} tfa_drift_result;

void tfa_drift_check(const tfa_run *run, int expect_no_changes, tfa_drift_result *out);

#endif
