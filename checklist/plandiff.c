/*
 * plandiff.c - compare two plans' change sets (see plandiff.h): both sides
 * sorted by (address, deposed) and merged.
 */
#include "util/compat.h"

#include "util/sort.h"

#include "jsondigest.h"
#include "plandiff.h"
#include "util/alloc.h"

const char *tfa_plandiff_kind_name(tfa_plandiff_kind kind)
{
    static const char *const names[] = {"added",      "removed", "action",
                                        "attributes", "values",  "provider"};
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

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int classify(const tfa_change *x, const tfa_change *y, tfa_plandiff_kind *kind)
{
    if (!same_str(x->res.provider, y->res.provider))
        *kind = TFA_PLANDIFF_PROVIDER;
    else if (x->action != y->action || x->replace != y->replace)
        *kind = TFA_PLANDIFF_ACTION;
    else if (!same_paths(x, y))
        *kind = TFA_PLANDIFF_PATHS;
    else if (x->value_digest[0] != y->value_digest[0] || x->value_digest[1] != y->value_digest[1])
        *kind = TFA_PLANDIFF_VALUES;
    else
        return 0;
    return 1;
}

/* ---- configuration, variables, outputs -------------------------------------- */

typedef struct others {
    tfa_plandiff_other *v;
    size_t n, cap;
} others;

static int add_other(others *o, const char *what, const char *name, const char *how)
{
    if (tfa_array_grow(&o->v, &o->cap, o->n + 1, sizeof(*o->v)) != 0)
        return TFA_ENOMEM;
    o->v[o->n].what = what;
    o->v[o->n].name = name;
    o->v[o->n].how = how;
    o->n++;
    return 0;
}

/* The configuration digests of a run's plans, added up (as pin.c lists them):
 * 1, 0 when no plan has a configuration, -1 when one was loaded unpinned. */
static int config_digest(const tfa_run *run, unsigned char out[TFA_SHA256_BYTES])
{
    size_t i;
    int has = 0;

    memset(out, 0, TFA_SHA256_BYTES);
    for (i = 0; i < tfa_run_input_count(run); i++) {
        const tfa_input *in = tfa_run_input(run, i);
        if (in->kind == TFA_KIND_PLAN && in->plan.configuration_unread)
            return -1; /* loaded unpinned: its configuration was not digested */
        if (in->kind != TFA_KIND_PLAN || !in->plan.has_configuration)
            continue;
        tfa_digest_add(out, in->plan.configuration_digest);
        has = 1;
    }
    return has;
}

/* A named record of either kind, as the merge below sees it. */
typedef struct named {
    const char *name;
    tfa_action action;
    int sensitive, has_value;
    const unsigned char *digest;
} named;

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* The plan variables (outputs: non-no-op output changes) of a run, sorted. */
static named *collect_named(const tfa_run *run, int outputs, size_t *n)
{
    size_t total = outputs ? tfa_run_output_count(run) : tfa_run_variable_count(run), i;
    named *v = tfa_malloc((total ? total : 1) * sizeof(*v));

    *n = 0;
    if (!v)
        return NULL;
    for (i = 0; i < total; i++) {
        named *e = &v[*n];
        if (outputs) {
            const tfa_output *o = tfa_run_output(run, i);
            if (o->action == TFA_ACTION_NOOP || tfa_run_input(run, o->input)->kind != TFA_KIND_PLAN)
                continue;
            *e = (named){o->name, o->action, o->sensitive, o->has_value, o->value_digest};
        } else {
            const tfa_variable *x = tfa_run_variable(run, i);
            if (tfa_run_input(run, x->input)->kind != TFA_KIND_PLAN)
                continue;
            *e = (named){x->name, TFA_ACTION_NOOP, 0, x->has_value, x->value_digest};
        }
        (*n)++;
    }
    tfa_sort(v, *n, sizeof(*v), cmp_named);
    return v;
}

static const char *named_how(const named *x, const named *y)
{
    if (x->action != y->action)
        return "action";
    if (x->sensitive != y->sensitive || x->has_value != y->has_value ||
        (x->has_value && memcmp(x->digest, y->digest, TFA_SHA256_BYTES) != 0))
        return "value";
    return NULL;
}

static int diff_named(const tfa_run *ra, const tfa_run *rb, int outputs, others *o)
{
    const char *what = outputs ? "output" : "variable", *how;
    size_t na, nb, i = 0, j = 0;
    named *a = collect_named(ra, outputs, &na), *b = collect_named(rb, outputs, &nb);
    int rc = a && b ? 0 : TFA_ENOMEM;

    while (rc == 0 && (i < na || j < nb)) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].name, b[j].name);
        if (c < 0)
            rc = add_other(o, what, a[i].name, "removed");
        else if (c > 0)
            rc = add_other(o, what, b[j].name, "added");
        else if ((how = named_how(&a[i], &b[j])) != NULL)
            rc = add_other(o, what, b[j].name, how);
        i += c <= 0;
        j += c >= 0;
    }
    tfa_free(a);
    tfa_free(b);
    return rc;
}

static int diff_others(const tfa_run *ra, const tfa_run *rb, tfa_plandiff_result *res)
{
    unsigned char ca[TFA_SHA256_BYTES], cb[TFA_SHA256_BYTES];
    others o = {NULL, 0, 0};
    int ha = config_digest(ra, ca), hb = config_digest(rb, cb), rc = 0;

    if (ha < 0 || hb < 0)
        return TFA_EUSAGE;
    if (ha != hb || memcmp(ca, cb, sizeof(ca)) != 0)
        rc = add_other(&o, "configuration", NULL, !hb ? "removed" : !ha ? "added" : "differs");
    if (rc == 0)
        rc = diff_named(ra, rb, 0, &o);
    if (rc == 0)
        rc = diff_named(ra, rb, 1, &o);
    if (rc) {
        tfa_free(o.v);
        return rc;
    }
    res->others = o.v;
    res->n_others = o.n;
    return 0;
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
    if ((rc = diff_others(ra, rb, res)) != 0)
        goto done;
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
    tfa_free(res->items);
    tfa_free(res->others);
    tfa_free(res);
}
