/*
 * drift.c - the drift-free requirement (see drift.h).
 */
#include "util/compat.h"

#include "drift.h"
#include "facts_catalog.h"
#include "verify.h"

/* Managed changes a window expecting none must not have. */
static size_t managed_changes(const tfa_run *run)
{
    tfa_list list = TFA_LIST_PLANNED;
    size_t i, n = 0;

    for (i = 0; i < tfa_run_input_count(run); i++)
        if (tfa_run_input(run, i)->kind == TFA_KIND_PLAN)
            list = TFA_LIST_CHANGES;
    for (i = 0; i < tfa_run_change_count(run, list); i++) {
        const tfa_change *c = tfa_run_change(run, list, i);
        if (!tfa_input_is_plan_side(tfa_run_input(run, c->input)))
            continue;
        if (c->action == TFA_ACTION_NOOP || c->action == TFA_ACTION_READ)
            continue;
        if (c->res.mode && strcmp(c->res.mode, "managed") != 0)
            continue;
        n++;
    }
    return n;
}

void tfa_drift_check(const tfa_run *run, int expect_no_changes, tfa_drift_result *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    /* drift is known when an input could have listed it (facts_catalog.h,
     * tfa_coll_proven: a plan of format 0.2+, a log that shows a plan),
     * and counted once per resource however many inputs report it */
    out->determined = tfa_coll_proven(run, TFA_COLL_DRIFT, NULL, 0);
    for (i = 0; i < tfa_run_input_count(run) && !out->unknown; i++) {
        const tfa_input *in = tfa_run_input(run, i);
        if (!in->log.drift_banner || (in->log.drift > 0 && in->log.drift_unread == 0))
            continue;
        out->unknown = 1;
        out->unknown_input = in->path;
        if (in->log.drift_unread) {
            out->unknown_pos = in->log.drift_unread_pos;
            out->unknown_why = "a drift entry of the \"Objects have changed outside of "
                               "Terraform\" section could not be read";
        } else {
            out->unknown_why = "the log says objects changed outside of Terraform, but none of "
                               "its drift entries could be read";
        }
    }
    if (out->unknown) /* an input reports drift it could not be read: not "no input" */
        out->determined = 1;
    out->drift = tfa_run_view_count(run, TFA_VIEW_DRIFT);
    out->changes = managed_changes(run);
    out->drift_free = out->determined && !out->unknown && out->drift == 0 &&
                      (!expect_no_changes || out->changes == 0);
}
