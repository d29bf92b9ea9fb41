/*
 * verify.c - apply verification (see verify.h).
 *
 * Both sides are flattened to (address, action, status) entries, sorted by
 * address and merged, so the comparison is O(n log n) in the number of
 * resources and needs no hash table.
 */
#include "util/compat.h"

#include <stdarg.h>

#include "util/sort.h"

#include "util/alloc.h"
#include "verify.h"

#define BIT(a) (1u << (a))

typedef struct entry {
    const char *address;
    tfa_action action;
    int importing; /* plan side: an import is part of the change */
    tfa_apply_status status;
} entry;

typedef struct side {
    entry *e;
    size_t n, cap;
} side;

const char *tfa_verify_kind_name(tfa_verify_kind kind)
{
    static const char *const names[] = {"missing", "unexpected", "mismatched", "errored",
                                        "incomplete"};
    return (unsigned)kind < TFA_VERIFY_KIND_COUNT ? names[kind] : "unknown";
}

int tfa_input_is_plan_side(const tfa_input *in)
{
    if (in->kind == TFA_KIND_PLAN)
        return 1;
    return (in->kind == TFA_KIND_UI_LOG || in->kind == TFA_KIND_TEXT_LOG) && in->log.operation &&
           strcmp(in->log.operation, "plan") == 0;
}

int tfa_input_is_apply_side(const tfa_run *run, size_t input)
{
    const tfa_input *in = tfa_run_input(run, input);
    size_t i;

    if (!in || (in->kind != TFA_KIND_UI_LOG && in->kind != TFA_KIND_TEXT_LOG))
        return 0;
    if (in->log.operation &&
        (strcmp(in->log.operation, "apply") == 0 || strcmp(in->log.operation, "destroy") == 0))
        return 1;
    for (i = 0; i < tfa_run_applied_count(run); i++)
        if (tfa_run_applied(run, i)->input == input)
            return 1;
    return 0;
}

static int push(side *s, const char *address, tfa_action action, int importing,
                tfa_apply_status status)
{
    if (tfa_array_grow(&s->e, &s->cap, s->n + 1, sizeof(*s->e)) != 0)
        return TFA_ENOMEM;
    s->e[s->n].address = address;
    s->e[s->n].action = action;
    s->e[s->n].importing = importing;
    s->e[s->n].status = status;
    s->n++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->address, ((const entry *)b)->address);
}

/* The plan side: plan JSON changes when any plan JSON was given (it is the
 * approved artifact), else the planned_change lines of plan logs. */
static int collect_plan(const tfa_run *run, side *s, int *has_plan)
{
    tfa_list list = TFA_LIST_PLANNED;
    size_t i;

    for (i = 0; i < tfa_run_input_count(run); i++) {
        const tfa_input *in = tfa_run_input(run, i);
        if (tfa_input_is_plan_side(in))
            *has_plan = 1;
        if (in->kind == TFA_KIND_PLAN)
            list = TFA_LIST_CHANGES;
    }
    for (i = 0; i < tfa_run_change_count(run, list); i++) {
        const tfa_change *c = tfa_run_change(run, list, i);
        if (!tfa_input_is_plan_side(tfa_run_input(run, c->input)))
            continue;
        if (c->action == TFA_ACTION_FORGET || (c->action == TFA_ACTION_NOOP && !c->importing))
            continue;
        if (push(s, c->res.address, c->action, c->importing, TFA_APPLY_COMPLETE))
            return TFA_ENOMEM;
    }
    return 0;
}

static int collect_apply(const tfa_run *run, side *s, int *has_apply)
{
    size_t i;
    for (i = 0; i < tfa_run_input_count(run); i++)
        if (tfa_input_is_apply_side(run, i))
            *has_apply = 1;
    for (i = 0; i < tfa_run_applied_count(run); i++) {
        const tfa_applied *a = tfa_run_applied(run, i);
        if (!tfa_input_is_apply_side(run, a->input))
            continue;
        if (push(s, a->res.address, a->action, 0, a->status))
            return TFA_ENOMEM;
    }
    return 0;
}

/* One action class from the actions seen for an address. */
static tfa_action class_of(unsigned mask)
{
    mask &= ~BIT(TFA_ACTION_NOOP);
    if ((mask & BIT(TFA_ACTION_REPLACE)) ||
        ((mask & BIT(TFA_ACTION_CREATE)) && (mask & BIT(TFA_ACTION_DELETE))))
        return TFA_ACTION_REPLACE;
    if (mask == 0)
        return TFA_ACTION_NOOP;
    if ((mask & (mask - 1)) == 0) { /* exactly one */
        int a = 0;
        while (!(mask & BIT(a)))
            a++;
        return (tfa_action)a;
    }
    return TFA_ACTION_UNKNOWN;
}

typedef struct group {
    unsigned mask;
    int importing, errored, finished, started;
} group;

/* Fold entries [*i, ...) sharing an address into a group. */
static void fold(const side *s, size_t *i, const char *address, group *g)
{
    memset(g, 0, sizeof(*g));
    while (*i < s->n && strcmp(s->e[*i].address, address) == 0) {
        const entry *e = &s->e[*i];
        g->mask |= BIT(e->action);
        g->importing |= e->importing;
        g->errored |= e->status == TFA_APPLY_ERRORED;
        g->finished |= e->status == TFA_APPLY_COMPLETE;
        g->started = 1;
        (*i)++;
    }
}

typedef struct builder {
    tfa_verify_item *items;
    size_t n, cap;
} builder;

static int add_item(builder *b, tfa_verify_result *res, const char *address, tfa_verify_kind kind,
                    tfa_action planned, tfa_action applied)
{
    if (tfa_array_grow(&b->items, &b->cap, b->n + 1, sizeof(*b->items)) != 0)
        return TFA_ENOMEM;
    b->items[b->n].address = address;
    b->items[b->n].kind = kind;
    b->items[b->n].planned = planned;
    b->items[b->n].applied = applied;
    b->n++;
    res->count[kind]++;
    return 0;
}

/* Judge one address present on one or both sides. */
static int judge(builder *b, tfa_verify_result *res, const char *address, const group *p,
                 const group *a)
{
    tfa_action planned = p ? class_of(p->mask) : TFA_ACTION_UNKNOWN;
    tfa_action applied = a ? class_of(a->mask) : TFA_ACTION_UNKNOWN;
    int import_only = p && planned == TFA_ACTION_NOOP && p->importing;

    if (a && a->errored)
        return add_item(b, res, address, TFA_VERIFY_ERRORED, planned, applied);
    if (a && !a->finished)
        return add_item(b, res, address, TFA_VERIFY_INCOMPLETE, planned, applied);
    if (!a)
        return import_only ? 0 : add_item(b, res, address, TFA_VERIFY_MISSING, planned, applied);
    if (!p)
        return applied == TFA_ACTION_NOOP
                   ? 0
                   : add_item(b, res, address, TFA_VERIFY_UNEXPECTED, planned, applied);
    if (planned == applied || (import_only && applied == TFA_ACTION_NOOP))
        return 0;
    return add_item(b, res, address, TFA_VERIFY_MISMATCHED, planned, applied);
}

static void add_counts(tfa_counts *sum, const tfa_counts *c)
{
    sum->add += c->add;
    sum->change += c->change;
    sum->destroy += c->destroy;
    sum->import += c->import;
    sum->forget += c->forget;
}

/* Summary counts of each side: plan JSON counts (or plan log summaries),
 * and the apply or destroy summaries of apply logs. */
static void compare_counts(const tfa_run *run, tfa_verify_result *res)
{
    int have_plan_json = 0, plan_counts = 0, apply_counts = 0;
    size_t i;

    for (i = 0; i < tfa_run_input_count(run); i++)
        have_plan_json |= tfa_run_input(run, i)->kind == TFA_KIND_PLAN;
    for (i = 0; i < tfa_run_input_count(run); i++) {
        const tfa_input *in = tfa_run_input(run, i);
        if (in->kind == TFA_KIND_PLAN) {
            add_counts(&res->plan_counts, &in->plan.counts);
            plan_counts = 1;
        } else if (!have_plan_json && tfa_input_is_plan_side(in) && in->log.has_counts) {
            add_counts(&res->plan_counts, &in->log.counts);
            plan_counts = 1;
        } else if (tfa_input_is_apply_side(run, i) && in->log.has_counts && in->log.operation &&
                   strcmp(in->log.operation, "plan") != 0) {
            add_counts(&res->apply_counts, &in->log.counts);
            apply_counts = 1;
        }
    }
    res->counts_compared = plan_counts && apply_counts;
    res->counts_match =
        !res->counts_compared || (res->plan_counts.add == res->apply_counts.add &&
                                  res->plan_counts.change == res->apply_counts.change &&
                                  res->plan_counts.destroy == res->apply_counts.destroy);
}

const char *tfa_apply_outcome_name(tfa_apply_outcome o)
{
    static const char *const names[] = {"finished", "failed", "unfinished"};
    return (unsigned)o <= TFA_OUTCOME_UNFINISHED ? names[o] : "unknown";
}

typedef struct problems {
    char **v;
    size_t n, cap, total;
} problems;

static int add_problem(problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_problem(problems *p, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (p->total++ >= TFA_VERIFY_PROBLEMS)
        return 0;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (tfa_array_grow(&p->v, &p->cap, p->n + 1, sizeof(*p->v)) != 0 ||
        !(p->v[p->n] = tfa_strdup(line)))
        return TFA_ENOMEM;
    p->n++;
    return 0;
}

/* The line of an apply log's last resource event (0: none). */
static unsigned long last_event(const tfa_run *run, size_t input)
{
    unsigned long line = 0;
    size_t i;
    for (i = 0; i < tfa_run_applied_count(run); i++) {
        const tfa_applied *a = tfa_run_applied(run, i);
        if (a->input == input && a->action != TFA_ACTION_NOOP && a->pos.line > line)
            line = a->pos.line;
    }
    return line;
}

static int has_final_summary(const tfa_input *in)
{
    return in->log.final_summary;
}

/* How one apply log ended: errors first (they prove the failure), then a
 * missing final summary or a cut last line (they prove nothing). */
static int judge_log(const tfa_run *run, size_t input, tfa_verify_result *res, problems *p)
{
    const tfa_input *in = tfa_run_input(run, input);
    unsigned long last = last_event(run, input);
    size_t i;
    int errors = 0, rc = 0;

    for (i = 0; i < tfa_run_diag_count(run) && rc == 0; i++) {
        const tfa_diag *d = tfa_run_diag(run, i);
        if (d->input != input || d->severity != TFA_SEV_ERROR)
            continue;
        errors++;
        if (d->address)
            rc = add_problem(p, "%s:%lu: error on %s: %.200s", in->path, d->pos.line, d->address,
                             d->summary);
        else
            rc = add_problem(p, "%s:%lu: error %s: %.200s", in->path, d->pos.line,
                             d->pos.line > last ? "after the last resource" : "during the apply",
                             d->summary);
    }
    if (rc || errors) {
        res->outcome = TFA_OUTCOME_FAILED;
        res->finished = res->finished && has_final_summary(in) && !in->log.truncated_tail;
        return rc;
    }
    if (in->log.truncated_tail)
        rc = add_problem(p, "%s: apply log is cut: its last line is incomplete", in->path);
    else if (!has_final_summary(in))
        rc = add_problem(p,
                         "%s: apply log has no final summary: the apply did not finish or the "
                         "log is cut",
                         in->path);
    else
        return 0;
    res->finished = 0;
    if (res->outcome == TFA_OUTCOME_FINISHED)
        res->outcome = TFA_OUTCOME_UNFINISHED;
    return rc;
}

static int judge_outcome(const tfa_run *run, tfa_verify_result *res)
{
    problems p = {NULL, 0, 0, 0};
    size_t i;
    int rc = 0;

    res->finished = 1;
    for (i = 0; i < tfa_run_input_count(run) && rc == 0; i++)
        if (tfa_input_is_apply_side(run, i))
            rc = judge_log(run, i, res, &p);
    res->problems = p.v;
    res->n_problems_kept = p.n;
    res->n_problems = p.total;
    return rc;
}

static int cmp_item(const void *x, const void *y)
{
    const tfa_verify_item *a = x, *b = y;
    int c = strcmp(a->address, b->address);
    return c ? c : (int)a->kind - (int)b->kind;
}

int tfa_verify_apply(const tfa_run *run, tfa_verify_result **out)
{
    side plan = {NULL, 0, 0}, apply = {NULL, 0, 0};
    tfa_verify_result *res = tfa_calloc(1, sizeof(*res));
    builder b = {NULL, 0, 0};
    size_t i = 0, j = 0;
    int rc = TFA_ENOMEM;

    *out = NULL;
    if (!res || collect_plan(run, &plan, &res->has_plan) ||
        collect_apply(run, &apply, &res->has_apply))
        goto done;
    tfa_sort(plan.e, plan.n, sizeof(entry), cmp_entry);
    tfa_sort(apply.e, apply.n, sizeof(entry), cmp_entry);
    while (i < plan.n || j < apply.n) {
        int c = i == plan.n ? 1 : j == apply.n ? -1 : strcmp(plan.e[i].address, apply.e[j].address);
        const char *address = c <= 0 ? plan.e[i].address : apply.e[j].address;
        group gp, ga;
        if (c <= 0) {
            fold(&plan, &i, address, &gp);
            res->planned++;
        }
        if (c >= 0) {
            fold(&apply, &j, address, &ga);
            res->applied++;
        }
        if (judge(&b, res, address, c <= 0 ? &gp : NULL, c >= 0 ? &ga : NULL))
            goto done;
    }
    tfa_sort(b.items, b.n, sizeof(*b.items), cmp_item);
    compare_counts(run, res);
    res->items = b.items;
    res->n_items = b.n;
    b.items = NULL;
    if (judge_outcome(run, res) != 0)
        goto done;
    res->matches = res->has_plan && res->has_apply && res->n_items == 0 && res->counts_match &&
                   res->outcome == TFA_OUTCOME_FINISHED;
    *out = res;
    res = NULL;
    rc = 0;
done:
    tfa_free(plan.e);
    tfa_free(apply.e);
    tfa_free(b.items);
    tfa_verify_result_free(res);
    return rc;
}

void tfa_verify_result_free(tfa_verify_result *res)
{
    size_t i;

    if (!res)
        return;
    for (i = 0; i < res->n_problems_kept; i++)
        tfa_free(res->problems[i]);
    tfa_free(res->problems);
    tfa_free(res->items);
    tfa_free(res);
}
