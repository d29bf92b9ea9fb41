/*
 * alloc_sweep.h - the allocation-failure sweep (STYLE.md rules 20 and 24,
 * curl's "torture" mode): run a step with its 1st, 2nd, 3rd... allocation
 * failing (util/alloc.h's hook; jansson is routed through it too) until a
 * run makes no allocation fail. Every failing run must return TFA_ENOMEM:
 * never crash, leak (under ASan) or report a half-done result as success.
 * `check` sees the status of every run, to assert what must hold after a
 * failure (nothing recorded, no file left) and after the success.
 */
#ifndef TFA_ALLOC_SWEEP_H
#define TFA_ALLOC_SWEEP_H

#include <check.h>
#include <jansson.h>

#include "util/alloc.h"
#include "util/error.h"

typedef int (*tfa_sweep_step)(void *payload);
typedef void (*tfa_sweep_check)(void *payload, int rc);

/* Sweep `step`; returns the number of runs that had an allocation fail. */
static inline long tfa_alloc_sweep(const char *what, tfa_sweep_step step, tfa_sweep_check check,
                                   void *payload)
{
    long n, failed = 0;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    for (n = 1;; n++) {
        long failures;
        int rc;
        tfa_alloc_fail_after(n);
        rc = step(payload);
        failures = tfa_alloc_failures();
        tfa_alloc_fail_after(0);
        if (check)
            check(payload, rc);
        if (failures == 0) {
            ck_assert_msg(rc == 0, "%s: status %d with no allocation failing", what, rc);
            return failed;
        }
        ck_assert_msg(rc == TFA_ENOMEM, "%s: allocation %ld failed, status %d (%s)", what, n, rc,
                      tfa_status_str(rc));
        failed++;
    }
}

#endif
