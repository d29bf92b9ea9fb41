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

/* Both sweeps: `alone` fails only the Nth allocation (tfa_alloc_fail_only),
 * otherwise every one from the Nth on (tfa_alloc_fail_after). */
static inline long tfa_alloc_sweep_with(const char *what, tfa_sweep_step step,
                                        tfa_sweep_check check, void *payload, int alone)
{
    long n, failed = 0;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    for (n = 1;; n++) {
        long failures;
        int rc;
        if (alone)
            tfa_alloc_fail_only(n);
        else
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
        ck_assert_msg(rc == TFA_ENOMEM || (alone && rc == 0),
                      "%s: allocation %ld failed%s, status %d (%s)", what, n,
                      alone ? " alone (a document a member short?)" : "", rc, tfa_status_str(rc));
        failed++;
    }
}

/* Sweep `step`; returns the number of runs that had an allocation fail. */
static inline long tfa_alloc_sweep(const char *what, tfa_sweep_step step, tfa_sweep_check check,
                                   void *payload)
{
    return tfa_alloc_sweep_with(what, step, check, payload, 0);
}

/*
 * The "alone" sweep, for a step whose result is whole or absent: run it
 * with only its 1st, 2nd, 3rd... allocation failing, the later ones
 * succeeding, so a builder that ignored the failure would go on and return
 * a document a member short. Every run must return 0 (whole) or TFA_ENOMEM
 * (absent). Returns the number of runs that had an allocation fail.
 */
static inline long tfa_alloc_sweep_alone(const char *what, tfa_sweep_step step, void *payload)
{
    return tfa_alloc_sweep_with(what, step, NULL, payload, 1);
}

/* A step's status for `doc` (freed here) built under a sweep: 0 when whole
 * (equal to `full`), TFA_ENOMEM when absent, TFA_EINPUT when it differs.
 * json_equal allocates nothing, so it still compares after a failure. */
static inline int tfa_sweep_doc(json_t *doc, const json_t *full)
{
    int rc = !doc ? TFA_ENOMEM : json_equal(doc, full) ? 0 : TFA_EINPUT;
    json_decref(doc);
    return rc;
}

#endif
