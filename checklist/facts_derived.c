/*
 * facts_derived.c - run-wide facts (see facts_derived.h) and their
 * preparation (facts_prepare.h).
 *
 * Apply verification and the drift check are recomputed per fact read: a
 * checklist reads a handful of them, and both are O(n log n) over the
 * resources, so a cache would buy little and need state the const run
 * cannot hold.
 */
#include "util/compat.h"

#include "drift.h"
#include "facts_derived.h"
#include "facts_prepare.h"
#include "pin.h"
#include "verify.h"

int tfa_facts_prepare(tfa_run *run)
{
    char pin[TFA_PIN_CHARS], hex[TFA_SHA256_HEX];
    const tfa_input *plan = NULL;
    size_t i, plans = 0;
    int rc;

    for (i = 0; i < tfa_run_input_count(run); i++)
        if (tfa_run_input(run, i)->kind == TFA_KIND_PLAN)
            plan = tfa_run_input(run, i), plans++;
    if (plans == 0)
        return 0;
    if ((rc = tfa_plan_pin(run, pin)) != 0 ||
        (rc = tfa_run_set_context_str(run, TFA_CTX_PLAN_PIN, pin)) != 0)
        return rc;
    if (plans == 1) {
        tfa_sha256_hex(plan->sha256, hex);
        return tfa_run_set_context_str(run, TFA_CTX_PLAN_SHA256, hex);
    }
    return 0;
}

static int verify_fact(tfa_derived id, const tfa_run *run, tfa_value *out, const char **why)
{
    tfa_verify_result *v = NULL;
    int ok = 1;

    if (tfa_verify_apply(run, &v) != 0) {
        *why = "out of memory";
        return 0;
    }
    if (!v->has_plan || !v->has_apply) {
        *why = !v->has_plan ? "no plan (plan JSON or plan log) among the inputs"
                            : "no apply log among the inputs";
        ok = 0;
    } else if (id == TFA_D_APPLY_MATCHES) {
        *out = tfa_value_bool(v->matches);
    } else if (id == TFA_D_APPLY_COUNTS_MATCH) {
        if (!v->counts_compared) {
            *why = "the plan or the apply states no summary counts";
            ok = 0;
        } else {
            *out = tfa_value_bool(v->counts_match);
        }
    } else {
        static const tfa_verify_kind kinds[] = {TFA_VERIFY_MISSING, TFA_VERIFY_UNEXPECTED,
                                                TFA_VERIFY_MISMATCHED, TFA_VERIFY_INCOMPLETE};
        *out = tfa_value_num((double)v->count[kinds[id - TFA_D_APPLY_MISSING]]);
    }
    tfa_verify_result_free(v);
    return ok;
}

static int context_fact(const tfa_run *run, const char *name, const char *unset, tfa_value *out,
                        const char **why)
{
    const tfa_context *c = tfa_run_context(run, name);
    if (!c) {
        *why = unset;
        return 0;
    }
    *out = c->type == TFA_CONTEXT_BOOL ? tfa_value_bool(c->boolean) : tfa_value_str(c->str);
    return 1;
}

static int expects_none(const tfa_run *run)
{
    const tfa_context *c = tfa_run_context(run, TFA_CTX_EXPECT_NONE);
    return c && c->type == TFA_CONTEXT_BOOL && c->boolean;
}

/* The plan matches the approved digest: its pin, or its file's sha256
 * (bare hex or "sha256:" prefixed). */
static int pinned(const tfa_run *run, tfa_value *out, const char **why)
{
    const tfa_context *approved = tfa_run_context(run, TFA_CTX_APPROVED);
    const tfa_context *pin = tfa_run_context(run, TFA_CTX_PLAN_PIN);
    const tfa_context *sha = tfa_run_context(run, TFA_CTX_PLAN_SHA256);
    const char *a;

    if (!pin) {
        *why = "no plan among the inputs";
        return 0;
    }
    if (!approved) {
        *why = "no approved digest given (--approved FILE|DIGEST)";
        return 0;
    }
    a = approved->str;
    if (strncmp(a, "sha256:", 7) == 0)
        a += 7;
    *out = tfa_value_bool(strcmp(a, pin->str) == 0 || (sha && strcmp(a, sha->str) == 0));
    return 1;
}

int tfa_fact_derived(tfa_derived id, const tfa_run *run, tfa_value *out, const char **why)
{
    tfa_drift_result d;
    static const char *const no_git = "no IaC repository given (--iac-repo PATH)";

    switch (id) {
    case TFA_D_APPLY_MATCHES:
    case TFA_D_APPLY_MISSING:
    case TFA_D_APPLY_UNEXPECTED:
    case TFA_D_APPLY_MISMATCHED:
    case TFA_D_APPLY_INCOMPLETE:
    case TFA_D_APPLY_COUNTS_MATCH:
        return verify_fact(id, run, out, why);
    case TFA_D_DRIFT_FREE:
    case TFA_D_PLAN_CHANGES:
        tfa_drift_check(run, expects_none(run), &d);
        if (!d.determined) {
            *why = "no input can report drift (a plan or a run's log)";
            return 0;
        }
        *out = id == TFA_D_DRIFT_FREE ? tfa_value_bool(d.drift_free)
                                      : tfa_value_num((double)d.changes);
        return 1;
    case TFA_D_PLAN_PIN:
        return context_fact(run, TFA_CTX_PLAN_PIN, "no plan among the inputs", out, why);
    case TFA_D_PLAN_SHA256:
        return context_fact(run, TFA_CTX_PLAN_SHA256, "needs exactly one plan among the inputs",
                            out, why);
    case TFA_D_PLAN_PINNED:
        return pinned(run, out, why);
    case TFA_D_APPROVED_DIGEST:
        return context_fact(run, TFA_CTX_APPROVED,
                            "no approved digest given (--approved FILE|DIGEST)", out, why);
    case TFA_D_WINDOW_EXPECT_NONE:
        *out = tfa_value_bool(expects_none(run));
        return 1;
    case TFA_D_GIT_COMMIT:
        return context_fact(run, TFA_CTX_GIT_COMMIT, no_git, out, why);
    case TFA_D_GIT_BRANCH:
        return context_fact(run, TFA_CTX_GIT_BRANCH, no_git, out, why);
    case TFA_D_GIT_DIRTY:
        return context_fact(run, TFA_CTX_GIT_DIRTY, no_git, out, why);
    }
    *why = "unknown fact";
    return 0;
}
