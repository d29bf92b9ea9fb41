/*
 * text_log_apply.c - apply progress lines of a text log -> tfa_applied.
 *
 * Terraform's UI hook (internal/command/views/hook_ui.go) prints, per
 * resource instance:
 *   aws_instance.web: Creating...
 *   aws_instance.web: Still creating... [10s elapsed]        (1.x: [00m10s elapsed])
 *   aws_instance.web: Creation complete after 12s [id=i-123]
 * and 0.11 "(ID: i-123)" / "(10s elapsed)". A start line opens a record
 * (TFA_APPLY_STARTED); the matching "complete" line finishes the latest
 * record of the same address. Terraform prints no line when a resource fails:
 * the failure is an error diagnostic naming it ("with ADDR," in 1.x, "* ADDR:"
 * in 0.11), which marks its open record TFA_APPLY_ERRORED. An import
 * (Importing... / Import complete) is recorded with action no-op: the import
 * itself changes nothing, and is not counted as applied.
 *
 * The latest record per address is found through a small open-addressing
 * table, so a log of many thousands of resources stays linear.
 */
#include "util/compat.h"

#include "address.h"
#include "text_log.h"
#include "util/alloc.h"
#include "util/hash.h"

void tfa_tl_apply_release(tfa_text_log *r)
{
    tfa_free(r->slots);
    r->slots = NULL;
    r->slot_cap = r->slot_count = 0;
}

static uint64_t key_hash(const tfa_text_span *addr, const tfa_text_span *dep)
{
    return tfa_hash_mix(tfa_hash64(addr->ptr, addr->len, 0),
                        dep->len ? tfa_hash64(dep->ptr, dep->len, 1) : 0);
}

static int same_str(const char *s, const tfa_text_span *v)
{
    if (!s)
        return v->len == 0;
    return strlen(s) == v->len && memcmp(s, v->ptr, v->len) == 0;
}

/* The slot holding (addr, dep), or the empty slot where it would go. */
static size_t find_slot(const tfa_text_log *r, uint64_t h, const tfa_text_span *addr,
                        const tfa_text_span *dep)
{
    size_t mask = r->slot_cap - 1, j;
    for (j = h & mask; r->slots[j].rec; j = (j + 1) & mask) {
        const tfa_applied *a = r->slots[j].rec;
        if (r->slots[j].hash == h && same_str(a->res.address, addr) &&
            same_str(a->res.deposed, dep))
            break;
    }
    return j;
}

static int grow(tfa_text_log *r)
{
    size_t cap = r->slot_cap ? r->slot_cap * 2 : 64, i, j;
    struct tfa_tl_slot *slots = tfa_calloc(cap, sizeof(*slots));

    if (!slots)
        return tfa_tl_oom(r);
    for (i = 0; i < r->slot_cap; i++) {
        if (!r->slots[i].rec)
            continue;
        for (j = r->slots[i].hash & (cap - 1); slots[j].rec; j = (j + 1) & (cap - 1))
            ;
        slots[j] = r->slots[i];
    }
    tfa_free(r->slots);
    r->slots = slots;
    r->slot_cap = cap;
    return 0;
}

static tfa_applied *latest(const tfa_text_log *r, const tfa_text_span *addr,
                           const tfa_text_span *dep)
{
    if (!r->slot_cap)
        return NULL;
    return r->slots[find_slot(r, key_hash(addr, dep), addr, dep)].rec;
}

static int remember(tfa_text_log *r, tfa_applied *a, const tfa_text_span *addr,
                    const tfa_text_span *dep)
{
    uint64_t h = key_hash(addr, dep);
    size_t j;
    int rc;

    if ((r->slot_count + 1) * 4 > r->slot_cap * 3 && (rc = grow(r)) != 0)
        return rc;
    j = find_slot(r, h, addr, dep);
    if (!r->slots[j].rec)
        r->slot_count++;
    r->slots[j].hash = h;
    r->slots[j].rec = a;
    return 0;
}

static int set_id(tfa_text_log *r, tfa_applied *a, const tfa_text_progress *p)
{
    if (!p->id_key.len)
        return 0;
    a->id_key = tfa_run_intern(r->run, p->id_key.ptr, p->id_key.len);
    a->id_value = tfa_tl_strndup(r, p->id_value.ptr, p->id_value.len, r->ctx->limits->string_bytes);
    return a->id_key && a->id_value ? 0 : tfa_tl_oom(r);
}

static int push(tfa_text_log *r, const tfa_text_progress *p, tfa_applied **out)
{
    tfa_applied *a = tfa_run_push_applied(r->run);
    int rc;

    if (!a)
        return tfa_tl_oom(r);
    a->input = r->input;
    a->pos = r->line.pos;
    a->action = p->action;
    a->status = TFA_APPLY_STARTED;
    a->elapsed = -1;
    rc = tfa_run_resource_from_address(r->run, &a->res, p->addr.ptr, p->addr.len);
    if (rc == TFA_ENOMEM) /* TFA_EINPUT cannot happen: the grammar checked the address */
        return tfa_tl_oom(r);
    if (p->deposed.len &&
        !(a->res.deposed = tfa_run_strndup(r->run, p->deposed.ptr, p->deposed.len)))
        return tfa_tl_oom(r);
    *out = a;
    return remember(r, a, &p->addr, &p->deposed);
}

int tfa_tl_apply_progress(tfa_text_log *r, const tfa_text_progress *p)
{
    tfa_applied *a = latest(r, &p->addr, &p->deposed);
    int open = a && a->status == TFA_APPLY_STARTED && a->action == p->action, rc;

    /* an import alone is no apply event, nor a data source read (plans read them) */
    if (p->action != TFA_ACTION_NOOP && p->action != TFA_ACTION_READ)
        r->event_line = r->line.pos.line;

    if (p->phase == TFA_PHASE_START || !open) {
        if ((rc = push(r, p, &a)) != 0)
            return rc;
    }
    switch (p->phase) {
    case TFA_PHASE_COMPLETE:
        a->status = TFA_APPLY_COMPLETE;
        break;
    case TFA_PHASE_ERRORED:
        a->status = TFA_APPLY_ERRORED;
        break;
    default:
        break;
    }
    if (p->elapsed >= 0)
        a->elapsed = p->elapsed;
    return p->id_key.len && (p->phase != TFA_PHASE_STILL || !a->id_value) ? set_id(r, a, p) : 0;
}

int tfa_tl_apply_errored(tfa_text_log *r, const char *addr, size_t len)
{
    tfa_text_span s, none = {NULL, 0};
    tfa_applied *a;

    s.ptr = addr;
    s.len = len;
    a = latest(r, &s, &none);
    if (a && a->status == TFA_APPLY_STARTED)
        a->status = TFA_APPLY_ERRORED;
    return 0;
}

/*
 * What the log proves about how its apply ended. Terraform prints "Apply
 * complete!" / "Destroy complete!" only when the whole operation succeeded
 * (state saved included); a failed apply ends with its error diagnostics
 * and no summary, and a cut log ends anywhere. So:
 *  - final_summary: an "Apply complete!" / "Destroy complete!" line comes
 *    after the last progress line (a plan run may follow it: apply, then
 *    a plan to check nothing is left);
 *  - a log whose progress lines follow its last summary, a "Plan:" line
 *    (apply logs print the plan first) or none, is the log of an apply that
 *    did not finish: its operation is "apply" (as for -json logs without an
 *    apply change_summary) and it states no apply counts (the "Plan:"
 *    counts are the plan's, not the apply's).
 */
void tfa_tl_apply_facts(tfa_text_log *r)
{
    tfa_log_info *li = &r->in->log;
    size_t i, n = tfa_run_applied_count(r->run);

    for (i = r->applied_first; i < n; i++) {
        const tfa_applied *a = tfa_run_applied(r->run, i);
        /* a data source read ("Read complete after 1s") applies nothing */
        if (a->status == TFA_APPLY_COMPLETE && a->action != TFA_ACTION_NOOP &&
            a->action != TFA_ACTION_READ)
            li->applied++;
        else if (a->status == TFA_APPLY_ERRORED)
            li->apply_errors++;
    }
    li->final_summary = r->summary_line > r->event_line;
    if (r->event_line > r->last_line && (!r->have_last || r->last.op == TFA_TEXT_OP_PLAN)) {
        li->operation = "apply";
        li->has_counts = 0;
        li->no_changes = 0;
    }
}
