/*
 * facts_derived.c - run-wide facts (see facts_derived.h) and the fact
 * source they are read from (facts_catalog.h).
 *
 * Apply verification and the drift check are recomputed per fact read: a
 * checklist reads a handful of them, and both are O(n log n) over the
 * resources, so a cache would buy little and need state the const run
 * cannot hold.
 */
#include "util/compat.h"

#include "drift.h"
#include "facts_catalog.h"
#include "facts_derived.h"
#include "verify.h"

/* The plan's digests are facts of the inputs, computed here once per
 * source rather than kept in the run: the run holds what the inputs say,
 * not what is computed from it. */
int tfa_fact_source_init(tfa_fact_source *src, const tfa_run *run, const tfa_eval_context *context)
{
    const tfa_input *plan = NULL;
    size_t i, plans = 0;
    int rc;

    memset(src, 0, sizeof(*src));
    src->run = run;
    src->context = context;
    if (tfa_coll_proven(run, TFA_COLL_DRIFT, src->drift_why, sizeof(src->drift_why)))
        src->drift_why[0] = '\0';
    for (i = 0; i < tfa_run_input_count(run); i++)
        if (tfa_run_input(run, i)->kind == TFA_KIND_PLAN)
            plan = tfa_run_input(run, i), plans++;
    if (plans == 0)
        return 0;
    if ((rc = tfa_plan_pin(run, src->pin)) != 0)
        return rc;
    src->has_pin = 1;
    if (plans == 1) {
        tfa_sha256_hex(plan->sha256, src->sha256);
        src->has_sha256 = 1;
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
    if (id == TFA_D_APPLY_FINISHED) {
        /* a property of the apply logs alone: no plan needed */
        if (!v->has_apply) {
            *why = "no apply log among the inputs";
            ok = 0;
        } else {
            *out = tfa_value_bool(v->finished);
        }
    } else if (!v->has_plan || !v->has_apply) {
        *why = !v->has_plan ? "no plan (plan JSON or plan log) among the inputs"
                            : "no apply log among the inputs";
        ok = 0;
    } else if (v->outcome == TFA_OUTCOME_UNFINISHED) {
        /* a log without its final summary proves nothing about what the
         * apply did after it ends: not false, not true, unknown */
        *why = "an apply log has no final summary (Apply complete! / change_summary) or is cut: "
               "the apply did not finish or the log is incomplete";
        ok = 0;
    } else if (!tfa_coll_proven(run, TFA_COLL_CHANGES, NULL, 0)) {
        /* the plan errored or its log was cut: what it lists is not all the
         * apply was to do, so no comparison can prove the apply matched */
        *why = "the plan side may not list every change (a plan errored, or a plan log was cut "
               "before its summary)";
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

/* A plan digest of the source, when the inputs give it one. */
static int digest_fact(int has, const char *digest, const char *none, tfa_value *out,
                       const char **why)
{
    if (!has) {
        *why = none;
        return 0;
    }
    *out = tfa_value_str(digest);
    return 1;
}

/* A value the caller asserted; `unset` says why there is none. */
static int context_fact(const tfa_fact_source *src, const char *name, const char *unset,
                        tfa_value *out, const char **why)
{
    const tfa_context_value *c = tfa_eval_context_get(src->context, name);
    if (!c) {
        *why = unset;
        return 0;
    }
    *out = c->type == TFA_CONTEXT_BOOL ? tfa_value_bool(c->boolean) : tfa_value_str(c->str);
    return 1;
}

static int expects_none(const tfa_fact_source *src)
{
    const tfa_context_value *c = tfa_eval_context_get(src->context, TFA_CTX_EXPECT_NONE);
    return c && c->type == TFA_CONTEXT_BOOL && c->boolean;
}

/* The approved digest, when asserted as a string. */
static const char *approved_digest(const tfa_fact_source *src)
{
    const tfa_context_value *c = tfa_eval_context_get(src->context, TFA_CTX_APPROVED);
    return c && c->type == TFA_CONTEXT_STR ? c->str : NULL;
}

/* The plan matches the approved digest: its pin, or its file's sha256
 * (bare hex or "sha256:" prefixed). */
static int pinned(const tfa_fact_source *src, tfa_value *out, const char **why)
{
    const char *a = approved_digest(src);

    if (!src->has_pin) {
        *why = "no plan among the inputs";
        return 0;
    }
    if (!a) {
        *why = "no approved digest given (--approved FILE|DIGEST)";
        return 0;
    }
    if (tfa_pin_version(a) > 0 && !tfa_pin_is_valid(a)) {
        /* never compared: an older pin covers less and would always differ */
        *why = "the approved digest is a pin of another tfaudit version (tfapin1: covered "
               "neither providers, configuration, variable values nor outputs): pin the "
               "approved plan again with this tfaudit";
        return 0;
    }
    if (strncmp(a, "sha256:", 7) == 0)
        a += 7;
    *out = tfa_value_bool(strcmp(a, src->pin) == 0 ||
                          (src->has_sha256 && strcmp(a, src->sha256) == 0));
    return 1;
}

int tfa_fact_derived(tfa_derived id, const tfa_fact_source *src, tfa_value *out, const char **why)
{
    const tfa_run *run = src->run;
    tfa_drift_result d;
    static const char *const no_git = "no IaC repository given (--iac-repo PATH)";

    switch (id) {
    case TFA_D_APPLY_MATCHES:
    case TFA_D_APPLY_MISSING:
    case TFA_D_APPLY_UNEXPECTED:
    case TFA_D_APPLY_MISMATCHED:
    case TFA_D_APPLY_INCOMPLETE:
    case TFA_D_APPLY_COUNTS_MATCH:
    case TFA_D_APPLY_FINISHED:
        return verify_fact(id, run, out, why);
    case TFA_D_DRIFT_FREE:
    case TFA_D_PLAN_CHANGES:
        tfa_drift_check(run, expects_none(src), &d);
        if (!d.determined) {
            *why = src->drift_why; /* a partial input named, or none able to */
            return 0;
        }
        if (d.unknown && id == TFA_D_DRIFT_FREE) {
            *why = d.unknown_why; /* static */
            return 0;
        }
        *out = id == TFA_D_DRIFT_FREE ? tfa_value_bool(d.drift_free)
                                      : tfa_value_num((double)d.changes);
        return 1;
    case TFA_D_PLAN_PIN:
        return digest_fact(src->has_pin, src->pin, "no plan among the inputs", out, why);
    case TFA_D_PLAN_SHA256:
        return digest_fact(src->has_sha256, src->sha256, "needs exactly one plan among the inputs",
                           out, why);
    case TFA_D_PLAN_PINNED:
        return pinned(src, out, why);
    case TFA_D_APPROVED_DIGEST:
        return context_fact(src, TFA_CTX_APPROVED,
                            "no approved digest given (--approved FILE|DIGEST)", out, why);
    case TFA_D_WINDOW_EXPECT_NONE:
        *out = tfa_value_bool(expects_none(src));
        return 1;
    case TFA_D_GIT_COMMIT:
        return context_fact(src, TFA_CTX_GIT_COMMIT, no_git, out, why);
    case TFA_D_GIT_BRANCH:
        return context_fact(src, TFA_CTX_GIT_BRANCH, no_git, out, why);
    case TFA_D_GIT_DIRTY:
        return context_fact(src, TFA_CTX_GIT_DIRTY, no_git, out, why);
    }
    *why = "unknown fact";
    return 0;
}

/* ---- explanations ------------------------------------------------------------ */

static int explain_verify(tfa_derived id, const tfa_run *run, tfa_fact_detail_fn add, void *payload)
{
    tfa_verify_result *v = NULL;
    char line[512];
    size_t i, n = 0;
    int rc = 0;

    if (tfa_verify_apply(run, &v) != 0)
        return TFA_ENOMEM;
    /* how the apply ended comes first: it is why a clean-looking list fails */
    if (id == TFA_D_APPLY_MATCHES || id == TFA_D_APPLY_FINISHED) {
        for (i = 0; i < v->n_problems_kept && n < TFA_FACT_DETAILS && rc == 0; i++, n++)
            rc = add(payload, v->problems[i]);
        if (rc == 0 && v->n_problems > v->n_problems_kept) {
            snprintf(line, sizeof(line), "and %zu more problems",
                     v->n_problems - v->n_problems_kept);
            rc = add(payload, line);
        }
    }
    for (i = 0; i < v->n_items && n < TFA_FACT_DETAILS && rc == 0; i++) {
        const tfa_verify_item *it = &v->items[i];
        int want = id == TFA_D_APPLY_MATCHES ||
                   (id == TFA_D_APPLY_MISSING && it->kind == TFA_VERIFY_MISSING) ||
                   (id == TFA_D_APPLY_UNEXPECTED && it->kind == TFA_VERIFY_UNEXPECTED) ||
                   (id == TFA_D_APPLY_MISMATCHED && it->kind == TFA_VERIFY_MISMATCHED) ||
                   (id == TFA_D_APPLY_INCOMPLETE && it->kind == TFA_VERIFY_INCOMPLETE);
        if (!want)
            continue;
        snprintf(line, sizeof(line), "%s %s: planned %s, applied %s",
                 tfa_verify_kind_name(it->kind), it->address,
                 it->planned == TFA_ACTION_UNKNOWN ? "nothing" : tfa_action_name(it->planned),
                 it->kind == TFA_VERIFY_ERRORED      ? "with an error"
                 : it->kind == TFA_VERIFY_INCOMPLETE ? "but never finished"
                 : it->applied == TFA_ACTION_UNKNOWN ? "nothing"
                                                     : tfa_action_name(it->applied));
        rc = add(payload, line);
        n++;
    }
    if (rc == 0 && id == TFA_D_APPLY_MATCHES && v->counts_compared && !v->counts_match) {
        snprintf(line, sizeof(line),
                 "summary: plan %ld to add, %ld to change, %ld to destroy; apply %ld added, "
                 "%ld changed, %ld destroyed",
                 v->plan_counts.add, v->plan_counts.change, v->plan_counts.destroy,
                 v->apply_counts.add, v->apply_counts.change, v->apply_counts.destroy);
        rc = add(payload, line);
    }
    if (rc == 0 && n == TFA_FACT_DETAILS && v->n_items > n) {
        snprintf(line, sizeof(line), "and %zu more", v->n_items - n);
        rc = add(payload, line);
    }
    tfa_verify_result_free(v);
    return rc;
}

static int explain_drift(const tfa_run *run, tfa_fact_detail_fn add, void *payload)
{
    size_t i, n = tfa_run_change_count(run, TFA_LIST_DRIFT);
    char line[512];
    int rc = 0;

    for (i = 0; i < n && i < TFA_FACT_DETAILS && rc == 0; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        snprintf(line, sizeof(line), "drift %s: %s", c->res.address,
                 c->action == TFA_ACTION_DELETE ? "deleted" : tfa_action_name(c->action));
        rc = add(payload, line);
    }
    if (rc == 0 && n > TFA_FACT_DETAILS) {
        snprintf(line, sizeof(line), "and %zu more", n - TFA_FACT_DETAILS);
        rc = add(payload, line);
    }
    return rc;
}

static int explain_pin(const tfa_fact_source *src, tfa_fact_detail_fn add, void *payload)
{
    const char *const values[] = {src->has_pin ? src->pin : NULL,
                                  src->has_sha256 ? src->sha256 : NULL, approved_digest(src)};
    static const char *const labels[] = {"plan pin", "plan sha256", "approved"};
    char line[256];
    size_t i;
    int rc = 0;

    for (i = 0; i < TFA_ARRAY_SIZE(labels) && rc == 0; i++)
        if (values[i]) {
            snprintf(line, sizeof(line), "%s %s", labels[i], values[i]);
            rc = add(payload, line);
        }
    return rc;
}

int tfa_fact_derived_explain(tfa_derived id, const tfa_fact_source *src, tfa_fact_detail_fn add,
                             void *payload)
{
    const tfa_run *run = src->run;

    switch (id) {
    case TFA_D_APPLY_MATCHES:
    case TFA_D_APPLY_MISSING:
    case TFA_D_APPLY_UNEXPECTED:
    case TFA_D_APPLY_MISMATCHED:
    case TFA_D_APPLY_INCOMPLETE:
    case TFA_D_APPLY_FINISHED:
        return explain_verify(id, run, add, payload);
    case TFA_D_DRIFT_FREE:
        return explain_drift(run, add, payload);
    case TFA_D_PLAN_PINNED:
        return explain_pin(src, add, payload);
    default:
        return 0;
    }
}
