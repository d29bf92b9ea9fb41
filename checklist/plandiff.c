/*
 * plandiff.c - compare two plans' change sets (see plandiff.h): both sides
 * sorted by (address, deposed) and merged.
 */
#include "util/compat.h"

#include "util/sort.h"

#include "plandiff.h"
#include "util/alloc.h"

const char *tfa_plandiff_kind_name(tfa_plandiff_kind kind)
{
    static const char *const names[] = {"added", "removed", "action", "attributes", "values"};
    return (unsigned)kind < TFA_PLANDIFF_KIND_COUNT ? names[kind] : "unknown";
}

static int key_cmp(const tfa_change *x, const tfa_change *y)
{
    int c = strcmp(x->res.address, y->res.address);
    if (c)
        return c;
    return strcmp(x->res.deposed ? x->res.deposed : "", y->res.deposed ? y->res.deposed : "");
}

static int cmp_change(const void *a, const void *b)
{
    return key_cmp(*(const tfa_change *const *)a, *(const tfa_change *const *)b);
}

/* The run's non-no-op plan changes, sorted. */
static const tfa_change **sorted_changes(const tfa_run *run, size_t *n)
{
    size_t total = tfa_run_change_count(run, TFA_LIST_CHANGES), i;
    const tfa_change **v = tfa_malloc((total ? total : 1) * sizeof(*v));
    *n = 0;
    if (!v)
        return NULL;
    for (i = 0; i < total; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_CHANGES, i);
        if (c->action != TFA_ACTION_NOOP || c->prev_address || c->importing)
            v[(*n)++] = c;
    }
    tfa_sort(v, *n, sizeof(*v), cmp_change);
    return v;
}

static int same_paths(const tfa_change *x, const tfa_change *y)
{
    size_t i;
    if (x->n_changed != y->n_changed)
        return 0;
    for (i = 0; i < x->n_changed; i++)
        if (strcmp(x->changed[i], y->changed[i]) != 0)
            return 0;
    return 1;
}

static int classify(const tfa_change *x, const tfa_change *y, tfa_plandiff_kind *kind)
{
    if (x->action != y->action || x->replace != y->replace)
        *kind = TFA_PLANDIFF_ACTION;
    else if (!same_paths(x, y))
        *kind = TFA_PLANDIFF_PATHS;
    else if (x->value_digest[0] != y->value_digest[0] || x->value_digest[1] != y->value_digest[1])
        *kind = TFA_PLANDIFF_VALUES;
    else
        return 0;
    return 1;
}

int tfa_plan_diff(const tfa_run *ra, const tfa_run *rb, tfa_plandiff_result **out)
{
    size_t na = 0, nb = 0, i = 0, j = 0, n = 0;
    const tfa_change **a = sorted_changes(ra, &na), **b = sorted_changes(rb, &nb);
    tfa_plandiff_result *res = tfa_calloc(1, sizeof(*res));
    tfa_plandiff_item *items = tfa_malloc((na + nb + 1) * sizeof(*items));
    int rc = TFA_ENOMEM;

    *out = NULL;
    if (!a || !b || !res || !items)
        goto done;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : key_cmp(a[i], b[j]);
        tfa_plandiff_item *it = &items[n];
        it->a = c <= 0 ? a[i] : NULL;
        it->b = c >= 0 ? b[j] : NULL;
        if (c < 0)
            it->kind = TFA_PLANDIFF_REMOVED, n++;
        else if (c > 0)
            it->kind = TFA_PLANDIFF_ADDED, n++;
        else if (classify(a[i], b[j], &it->kind))
            n++;
        i += c <= 0;
        j += c >= 0;
    }
    for (i = 0; i < n; i++)
        res->count[items[i].kind]++;
    res->items = items;
    res->n_items = n;
    items = NULL;
    *out = res;
    res = NULL;
    rc = 0;
done:
    tfa_free(a);
    tfa_free(b);
    tfa_free(items);
    tfa_plandiff_result_free(res);
    return rc;
}

void tfa_plandiff_result_free(tfa_plandiff_result *res)
{
    if (!res)
        return;
    tfa_free((void *)(uintptr_t)res->items);
    tfa_free(res);
}
