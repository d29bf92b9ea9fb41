/*
 * verdict.c - evaluates a checklist over a run and decides GO / NO-GO
 * (see verdict.h for the statuses and the rule).
 */
#include "util/compat.h"

#include "util/utc.h"
#include "expr.h"
#include "util/alloc.h"
#include "verdict.h"

const char *tfa_item_status_name(tfa_item_status s)
{
    static const char *const names[TFA_ITEM_STATUS_COUNT] = {"PASS", "FAIL", "WAIVED", "PENDING",
                                                             "ERROR"};
    return (unsigned)s < TFA_ITEM_STATUS_COUNT ? names[s] : "ERROR";
}

const char *tfa_waiver_use_name(tfa_waiver_use u)
{
    switch (u) {
    case TFA_WAIVER_APPLIED:
        return "applied";
    case TFA_WAIVER_EXPIRED:
        return "expired";
    case TFA_WAIVER_REFUSED:
        return "refused";
    default:
        return "unused";
    }
}

/* A manual item passes on a sign-off that counts (waivers.h): a signed
 * one must be for this plan's pin, unexpired, by a key allowed its role. */
static int eval_manual(tfa_verdict *v, tfa_result *r, const tfa_item *it,
                       const tfa_fact_source *src, const tfa_eval_options *opts)
{
    const tfa_signoff *any = tfa_signoffs_find(opts->signoffs, it->id);
    /* the pin is opaque here: pin.h computes it, whatever its version */
    const char *pin = any && any->is_signed && src->has_pin ? src->pin : NULL;
    char msg[512];
    const char *why;

    if (!any) {
        r->status = TFA_ITEM_PENDING;
        r->reason = "awaiting sign-off";
        return 0;
    }
    r->signoff = tfa_signoffs_find_for(opts->signoffs, it->id, pin, v->now);
    why = tfa_signoff_refusal(opts->signoffs, r->signoff, pin, v->now, msg, sizeof(msg));
    r->status = why ? TFA_ITEM_PENDING : TFA_ITEM_PASS;
    if (why && !(r->reason = tfa_arena_strdup(v->arena, why)))
        return TFA_ENOMEM;
    return 0;
}

static int eval_item(tfa_verdict *v, tfa_result *r, const tfa_item *it, const tfa_fact_source *src,
                     const tfa_eval_options *opts)
{
    int result = 0;
    const char *why = NULL;
    int rc;

    r->item = it;
    if (it->manual)
        return eval_manual(v, r, it, src, opts);
    if ((rc = tfa_expr_eval(it->expr, src, v->arena, &r->evidence, &result, &why)) != 0)
        return rc;
    if (result < 0) {
        r->status = TFA_ITEM_ERROR;
        r->reason = why;
    } else {
        r->status = result ? TFA_ITEM_PASS : TFA_ITEM_FAIL;
        r->reason = result ? NULL : "condition not met";
    }
    return 0;
}

static tfa_result *result_for(tfa_verdict *v, const char *id)
{
    size_t i;
    for (i = 0; i < v->n_results; i++)
        if (strcmp(v->results[i].item->id, id) == 0)
            return &v->results[i];
    return NULL;
}

/* Decide what each waiver does, and apply the ones that hold. */
static int apply_waivers(tfa_verdict *v, const tfa_checklist *cl, const tfa_waivers *w)
{
    long today = tfa_utc_day(v->now);
    size_t i, n = tfa_waivers_count(w);

    if (!n)
        return 0;
    if (!(v->waivers = tfa_arena_calloc(v->arena, n, sizeof(*v->waivers))))
        return TFA_ENOMEM;
    for (i = 0; i < n; i++) {
        const tfa_waiver *x = tfa_waivers_at(w, i);
        const tfa_item *it = tfa_checklist_find(cl, x->item);
        tfa_result *r = result_for(v, x->item);
        tfa_waiver_result *wr = &v->waivers[v->n_waivers++];

        wr->waiver = x;
        if (it && it->level == TFA_LEVEL_HARD)
            wr->use = TFA_WAIVER_REFUSED;
        else if (today > x->expires_day)
            wr->use = TFA_WAIVER_EXPIRED;
        else if (r && (r->status == TFA_ITEM_FAIL || r->status == TFA_ITEM_PENDING))
            wr->use = TFA_WAIVER_APPLIED;
        else
            wr->use = TFA_WAIVER_UNUSED;
        if (wr->use == TFA_WAIVER_APPLIED) {
            r->status = TFA_ITEM_WAIVED;
            r->waiver = x;
        }
    }
    return 0;
}

static const char *dup(tfa_verdict *v, const char *s, int *oom)
{
    const char *d;
    if (!s)
        return NULL;
    if (!(d = tfa_arena_strdup(v->arena, s)))
        *oom = 1;
    return d;
}

static int copy_inputs(tfa_verdict *v, const tfa_run *run)
{
    size_t i, n = tfa_run_input_count(run);
    int oom = 0;

    if (n && !(v->inputs = tfa_arena_calloc(v->arena, n, sizeof(*v->inputs))))
        return TFA_ENOMEM;
    for (i = 0; i < n; i++) {
        const tfa_input *in = tfa_run_input(run, i);
        tfa_verdict_input *c = &v->inputs[i];
        c->path = dup(v, in->path, &oom);
        c->kind = tfa_kind_name(in->kind);
        c->tool = dup(v, in->tool, &oom);
        c->tool_version = dup(v, in->tool_version, &oom);
        c->format_version = dup(v, in->format_version, &oom);
        c->bytes = in->bytes;
        tfa_sha256_hex(in->sha256, c->sha256);
    }
    v->n_inputs = n;
    for (i = 0; i < tfa_run_note_count(run); i++) /* notes with a path: skipped members */
        v->n_skipped += tfa_run_note(run, i)->path != NULL;
    if (v->n_skipped &&
        !(v->skipped = tfa_arena_calloc(v->arena, v->n_skipped, sizeof(*v->skipped))))
        return TFA_ENOMEM;
    for (i = 0, n = 0; i < tfa_run_note_count(run); i++) {
        const tfa_note *note = tfa_run_note(run, i);
        if (!note->path)
            continue;
        v->skipped[n].path = dup(v, note->path, &oom);
        v->skipped[n++].reason = dup(v, note->message, &oom);
    }
    return oom ? TFA_ENOMEM : 0;
}

static void decide(tfa_verdict *v)
{
    size_t i;
    for (i = 0; i < v->n_results; i++) {
        tfa_result *r = &v->results[i];
        r->blocks = r->item->level != TFA_LEVEL_ADVISORY &&
                    (r->status == TFA_ITEM_FAIL || r->status == TFA_ITEM_ERROR ||
                     r->status == TFA_ITEM_PENDING);
        v->counts[r->status]++;
        v->blocking += r->blocks != 0;
    }
    v->go = v->blocking == 0;
}

static int select_items(tfa_verdict *v, const tfa_checklist *cl, const char *section,
                        tfa_error *err)
{
    size_t i, n = 0, total = tfa_checklist_item_count(cl);

    if (section && !(v->section = tfa_checklist_find_section(cl, section)))
        return tfa_error_set(err, TFA_EUSAGE, "no section '%s' in %s", section,
                             tfa_checklist_name(cl));
    for (i = 0; i < total; i++)
        n += !section || tfa_checklist_in_section(cl, i, section);
    if (n == 0)
        return tfa_error_set(err, TFA_EUSAGE, "section '%s' of %s has no items", section,
                             tfa_checklist_name(cl));
    if (!(v->results = tfa_arena_calloc(v->arena, n, sizeof(*v->results))))
        return tfa_error_oom(err);
    for (i = 0; i < total; i++)
        if (!section || tfa_checklist_in_section(cl, i, section))
            v->results[v->n_results++].item = tfa_checklist_item(cl, i);
    return 0;
}

int tfa_verdict_evaluate(tfa_verdict **out, const tfa_checklist *cl, const tfa_run *run,
                         const tfa_eval_options *opts, tfa_error *err)
{
    tfa_verdict *v = tfa_calloc(1, sizeof(*v));
    tfa_fact_source src;
    size_t i;
    int rc;

    *out = NULL;
    if (!v || tfa_arena_new(&v->arena) != 0) {
        tfa_free(v);
        return tfa_error_oom(err);
    }
    v->checklist = cl;
    v->now = opts->now;
    if ((rc = select_items(v, cl, opts->section, err)) != 0)
        goto done;
    if ((rc = tfa_fact_source_init(&src, run, opts->context)) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    for (i = 0; i < v->n_results; i++)
        if ((rc = eval_item(v, &v->results[i], v->results[i].item, &src, opts)) != 0) {
            rc = tfa_error_oom(err);
            goto done;
        }
    if ((rc = apply_waivers(v, cl, opts->waivers)) != 0 || (rc = copy_inputs(v, run)) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    decide(v);
done:
    if (rc)
        tfa_verdict_free(v);
    else
        *out = v;
    return rc;
}

void tfa_verdict_free(tfa_verdict *v)
{
    if (!v)
        return;
    tfa_arena_free(v->arena);
    tfa_free(v);
}
