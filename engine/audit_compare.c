/*
 * audit_compare.c - one workspace against its record in the previous audit
 * (the rules are in audit.h).
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"
#include "util/sort.h"

static void compare_items(tfa_audit_ws *w, const tfa__audit_prev_rec *prev)
{
    size_t i;

    for (i = 0; i < w->n_items; i++) {
        tfa_audit_item *it = &w->items[i];
        const tfa_audit_item *p = prev ? tfa__audit_prev_item(prev, it->id) : NULL;
        int before = p && p->blocks;
        if (it->blocks && before) {
            it->delta = TFA_DELTA_RECURRING;
            it->streak = p->streak + 1;
        } else if (it->blocks) {
            it->delta = TFA_DELTA_NEW;
            it->streak = 1;
            w->regressions++;
        } else {
            it->delta = before ? TFA_DELTA_RESOLVED : TFA_DELTA_NONE;
            it->streak = 0;
        }
    }
}

static const tfa_audit_drift *find_drift(const tfa__audit_prev_rec *prev, const char *address)
{
    size_t i;
    for (i = 0; prev && i < prev->n_drift; i++)
        if (strcmp(prev->drift[i].address, address) == 0)
            return &prev->drift[i];
    return NULL;
}

static int is_accepted(const tfa_audit_ws *w, const char *address)
{
    size_t i;
    for (i = 0; i < w->n_accepted; i++)
        if (strcmp(w->accepted[i].address, address) == 0)
            return 1;
    return 0;
}

static int compare_drift(tfa_audit_ws *w, const tfa__audit_prev_rec *prev, const char *id)
{
    size_t i, n_prev = prev ? prev->n_drift : 0;

    for (i = 0; i < w->n_drift; i++) {
        tfa_audit_drift *x = &w->drift[i];
        const tfa_audit_drift *p = find_drift(prev, x->address);
        const char *first = p ? p->first_seen : NULL;
        x->is_new = !p;
        x->streak = p ? p->streak + 1 : 1;
        if (!(x->first_seen = tfa_strdup(first ? first : id)))
            return TFA_ENOMEM;
        w->regressions += x->is_new;
    }
    if (!(w->resolved_drift = tfa_calloc(n_prev + 1, sizeof(char *))))
        return TFA_ENOMEM;
    for (i = 0; i < n_prev; i++) {
        const char *a = prev->drift[i].address;
        size_t k;
        if (is_accepted(w, a))
            continue;
        for (k = 0; k < w->n_drift && strcmp(w->drift[k].address, a) != 0; k++)
            ;
        if (k < w->n_drift)
            continue;
        if (!(w->resolved_drift[w->n_resolved_drift] = tfa_strdup(a)))
            return TFA_ENOMEM;
        w->n_resolved_drift++;
    }
    return 0;
}

static int item_by_id(const void *a, const void *b)
{
    return strcmp(((const tfa_audit_item *)a)->id, ((const tfa_audit_item *)b)->id);
}

void tfa__audit_sort_carried(tfa_audit_ws *w)
{
    tfa_sort(w->items, w->n_items, sizeof(*w->items), item_by_id);
}

/* A workspace judged on no input keeps its last known items and drift,
 * moved out of the previous record (its items are in id order already). */
static void carry(tfa_audit_ws *w, tfa__audit_prev_rec *prev)
{
    tfa__audit_ws_reset(w);
    w->items = prev->items, w->n_items = prev->n_items;
    w->drift = prev->drift, w->n_drift = prev->n_drift;
    prev->items = NULL, prev->n_items = 0;
    prev->drift = NULL, prev->n_drift = 0;
}

int tfa__audit_compare(tfa_audit_ws *w, tfa__audit_prev_rec *prev, const char *id)
{
    const char *prev_state = prev ? prev->state : NULL;
    int was_silent = prev_state && strcmp(prev_state, "audited") != 0;
    int was_missing = prev_state && strcmp(prev_state, "missing") == 0;
    const char *last = prev ? prev->last_seen : NULL;

    w->regressions = 0;
    if (w->state == TFA_AUDIT_AUDITED) {
        w->change = !prev ? TFA_AUDIT_NEW : was_silent ? TFA_AUDIT_RETURNED : TFA_AUDIT_PRESENT;
        compare_items(w, prev);
        if (!(w->last_seen = tfa_strdup(id)))
            return TFA_ENOMEM;
        return compare_drift(w, prev, id);
    }
    if (w->state == TFA_AUDIT_MISSING) {
        w->change = was_missing ? TFA_AUDIT_STILL_MISSING : TFA_AUDIT_WENT_MISSING;
        w->missing_streak = was_missing ? prev->missing_streak + 1 : 1;
        w->regressions = !was_missing;
    } else { /* unreadable: whatever it hides could be new, every time */
        w->change = prev ? TFA_AUDIT_PRESENT : TFA_AUDIT_NEW;
        w->regressions = 1;
    }
    if (last && !(w->last_seen = tfa_strdup(last)))
        return TFA_ENOMEM;
    if (prev)
        carry(w, prev);
    else
        tfa__audit_ws_reset(w);
    return 0;
}
