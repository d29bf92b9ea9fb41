/*
 * drift.h - the drift-free requirement.
 *
 * Drift is what Terraform found changed outside of it: plan JSON
 * resource_drift (refresh-only plans list every drifted resource there), UI
 * log resource_drift messages, and text logs' "Objects have changed outside
 * of Terraform" section. A run is drift-free when it has no drift entry and,
 * when the window expects no changes, no managed resource change either
 * (a refresh-only or a no-op window).
 */
#ifndef TFA_DRIFT_H
#define TFA_DRIFT_H

#include <stddef.h>

#include "run.h"

typedef struct tfa_drift_result {
    int determined; /* some input can report drift (a plan, or a run's log) */
    size_t drift;   /* drift entries */
    size_t changes; /* managed resource changes other than no-op and read */
    int drift_free; /* determined, no drift, and no changes if expected none */
} tfa_drift_result;

void tfa_drift_check(const tfa_run *run, int expect_no_changes, tfa_drift_result *out);

#endif
