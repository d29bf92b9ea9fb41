/*
 * audit_compare.c - one workspace against its record in the previous audit
 * (the rules are in audit.h).
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"
#include "util/sort.h"

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static unsigned num(const json_t *o, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v > 0 ? (unsigned)v : 0;
}

static int prev_failing(const json_t *items, const char *id, unsigned *streak)
{
    const json_t *it = json_object_get(items, id);
    *streak = num(it, "streak");
    return json_is_true(json_object_get(it, "blocks"));
}

static void compare_items(tfa_audit_ws *w, const json_t *prev)
{
    const json_t *items = json_object_get(prev, "items");
    size_t i;

    for (i = 0; i < w->n_items; i++) {
        tfa_audit_item *it = &w->items[i];
        unsigned streak = 0;
        int before = prev && prev_failing(items, it->id, &streak);
        if (it->blocks && before) {
            it->delta = TFA_DELTA_RECURRING;
            it->streak = streak + 1;
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

static const json_t *find_drift(const json_t *drift, const char *address)
{
    size_t i;
    const json_t *d;
    json_array_foreach(drift, i, d)
    {
        const char *a = str(d, "address");
        if (a && strcmp(a, address) == 0)
            return d;
    }
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

static int compare_drift(tfa_audit_ws *w, const json_t *prev, const char *id)
{
    const json_t *drift = json_object_get(prev, "drift"), *d;
    size_t i;

    for (i = 0; i < w->n_drift; i++) {
        tfa_audit_drift *x = &w->drift[i];
        const json_t *p = find_drift(drift, x->address);
        const char *first = p ? str(p, "first_seen") : NULL;
        x->is_new = !p;
        x->streak = p ? num(p, "streak") + 1 : 1;
        if (!(x->first_seen = tfa_strdup(first ? first : id)))
            return TFA_ENOMEM;
        w->regressions += x->is_new;
    }
    if (!(w->resolved_drift = tfa_calloc(json_array_size(drift) + 1, sizeof(char *))))
        return TFA_ENOMEM;
    json_array_foreach(drift, i, d)
    {
        const char *a = str(d, "address");
        size_t k;
        if (!a || is_accepted(w, a))
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

/* A workspace judged on no input keeps its last known items and drift. */
static int carry(tfa_audit_ws *w, const json_t *prev)
{
    const json_t *items = json_object_get(prev, "items"), *v, *d;
    const json_t *drift = json_object_get(prev, "drift");
    const char *key;
    size_t i;
    int oom = 0;

    tfa__audit_ws_reset(w);
    w->items = tfa_calloc(json_object_size(items) + 1, sizeof(*w->items));
    w->drift = tfa_calloc(json_array_size(drift) + 1, sizeof(*w->drift));
    if (!w->items || !w->drift)
        return TFA_ENOMEM;
    json_object_foreach((json_t *)(uintptr_t)items, key, v)
    {
        tfa_audit_item *it = &w->items[w->n_items++];
        const char *st = str(v, "status");
        size_t s;
        for (s = 0; s < TFA_ITEM_STATUS_COUNT && st && strcmp(tfa_item_status_name(s), st); s++)
            ;
        it->id = tfa_strdup(key);
        it->level = "hard";
        it->status = s < TFA_ITEM_STATUS_COUNT ? (tfa_item_status)s : TFA_ITEM_ERROR;
        it->blocks = json_is_true(json_object_get(v, "blocks"));
        it->streak = num(v, "streak");
        oom |= !it->id;
    }
    json_array_foreach(drift, i, d)
    {
        tfa_audit_drift *x = &w->drift[w->n_drift++];
        x->address = tfa_strdup(str(d, "address") ? str(d, "address") : "");
        x->first_seen = str(d, "first_seen") ? tfa_strdup(str(d, "first_seen")) : NULL;
        x->streak = num(d, "streak");
        oom |= !x->address;
    }
    if (!oom)
        tfa__audit_sort_carried(w);
    return oom ? TFA_ENOMEM : 0;
}

int tfa__audit_compare(tfa_audit_ws *w, const json_t *prev, const char *id)
{
    const char *prev_state = str(prev, "state");
    int was_silent = prev_state && strcmp(prev_state, "audited") != 0;
    int was_missing = prev_state && strcmp(prev_state, "missing") == 0;
    const char *last = prev ? str(prev, "last_seen") : NULL;

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
        w->missing_streak = was_missing ? num(prev, "missing_streak") + 1 : 1;
        w->regressions = !was_missing;
    } else { /* unreadable: whatever it hides could be new, every time */
        w->change = prev ? TFA_AUDIT_PRESENT : TFA_AUDIT_NEW;
        w->regressions = 1;
    }
    if (last && !(w->last_seen = tfa_strdup(last)))
        return TFA_ENOMEM;
    return prev ? carry(w, prev) : (tfa__audit_ws_reset(w), 0);
}
