/*
 * expr_eval.c - evaluates a parsed checklist expression over a run and
 * records the evidence (see expr.h).
 *
 * Types were checked at load, so evaluation cannot meet a type error; the
 * only way an expression fails to decide is a fact with no value for these
 * inputs, which makes the item an ERROR naming the fact and the reason,
 * or a collection no input fills (facts_catalog.h tfa_coll_proven): an
 * empty `changes` proves nothing when no input could have listed one.
 * `and` / `or` short-circuit, so `inputs.states == 0 or state.serial > 0`
 * is decidable without a state. Collection queries always visit every
 * element, so their evidence counts all of them.
 */
#include "util/compat.h"

#include "domain.h"
#include "expr.h"

enum { EVAL_OK = 0, EVAL_MISSING = 1 }; /* or a negative tfa_status */

typedef struct ctx {
    const tfa_fact_source *src;
    const tfa_run *run; /* src->run */
    tfa_arena *arena;
    tfa_evidence *ev;
    size_t cap_facts, cap_queries;
    int in_elem;
    tfa_coll coll;
    size_t index;
    const char *missing;
} ctx;

static void count_nodes(const tfa_expr *e, size_t *facts, size_t *queries)
{
    if (!e)
        return;
    if (e->kind == TFA_E_FACT)
        (*facts)++;
    if (e->kind == TFA_E_QUERY)
        (*queries)++;
    count_nodes(e->a, facts, queries);
    count_nodes(e->b, facts, queries);
}

static const char *dup(ctx *c, const char *s)
{
    return tfa_arena_strdup(c->arena, s ? s : "(unnamed)");
}

/* tfa_fact_detail_fn: copy a detail line into the last fact read. */
static int add_detail(void *payload, const char *line)
{
    ctx *c = payload;
    tfa_fact_read *r = &c->ev->facts[c->ev->n_facts - 1];
    const char **d;

    if (!r->details) {
        r->details = tfa_arena_alloc(c->arena, (TFA_FACT_DETAILS + 2) * sizeof(*r->details));
        if (!r->details)
            return TFA_ENOMEM;
    }
    if (r->n_details >= TFA_FACT_DETAILS + 2) /* the lines, a summary, "and N more" */
        return 0;
    d = (const char **)(uintptr_t)r->details;
    if (!(d[r->n_details] = tfa_arena_strdup(c->arena, line)))
        return TFA_ENOMEM;
    r->n_details++;
    return 0;
}

static int record_fact(ctx *c, const tfa_fact *f, int present, const tfa_value *v, const char *why)
{
    tfa_evidence *ev = c->ev;
    tfa_fact_read *r;
    size_t i;

    for (i = 0; i < ev->n_facts; i++)
        if (ev->facts[i].name == tfa_fact_name(f))
            return 0;
    assert(ev->n_facts < c->cap_facts);
    r = &ev->facts[ev->n_facts++];
    r->name = tfa_fact_name(f); /* static: the catalog outlives everything */
    r->present = present;
    r->why = NULL;
    /* the reason may be the source's (facts_catalog.h), which goes first */
    if (why && !(r->why = dup(c, why)))
        return TFA_ENOMEM;
    r->value = present ? *v : tfa_value_null();
    if (present && v->type == TFA_V_STR && !(r->value.s = dup(c, v->s)))
        return TFA_ENOMEM;
    if (present)
        return tfa_fact_explain(f, c->src, add_detail, c);
    return 0;
}

static int eval(ctx *c, const tfa_expr *e, tfa_value *out);

static int eval_fact(ctx *c, const tfa_expr *e, tfa_value *out)
{
    const char *why = NULL;
    int present = tfa_fact_value(e->fact, c->src, out, &why);
    char msg[256];

    if (record_fact(c, e->fact, present, out, why) != 0)
        return TFA_ENOMEM;
    if (present)
        return EVAL_OK;
    snprintf(msg, sizeof(msg), "%s has no value: %s", tfa_fact_name(e->fact), why);
    if (!(c->missing = tfa_arena_strdup(c->arena, msg)))
        return TFA_ENOMEM;
    return EVAL_MISSING;
}

/* A label of element i, copied into the verdict's arena. */
static const char *label(ctx *c, tfa_coll coll, size_t i)
{
    tfa_buf b;
    const char *s = NULL;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (tfa_coll_label(&b, c->run, coll, i) == 0)
        s = tfa_arena_strndup(c->arena, b.ptr, b.len);
    tfa_buf_release(&b);
    return s;
}

static int eval_query(ctx *c, const tfa_expr *e, tfa_value *out)
{
    size_t n, i, matched = 0, cap;
    const char **labels = NULL;
    char why[TFA_ERROR_MESSAGE_MAX];
    tfa_query_read *q;
    tfa_value v;
    int rc;

    if (!tfa_coll_proven(c->run, e->coll, why, sizeof(why))) {
        if (!(c->missing = tfa_arena_strdup(c->arena, why)))
            return TFA_ENOMEM;
        return EVAL_MISSING;
    }
    n = tfa_coll_size(c->run, e->coll);
    cap = n < TFA_EVIDENCE_LABELS ? n : TFA_EVIDENCE_LABELS;
    if (cap && !(labels = tfa_arena_alloc(c->arena, cap * sizeof(*labels))))
        return TFA_ENOMEM;
    assert(c->ev->n_queries < c->cap_queries);
    q = &c->ev->queries[c->ev->n_queries];
    memset(q, 0, sizeof(*q));
    q->listed_match = e->op != TFA_Q_ALL;
    for (i = 0; i < n; i++) {
        int hit = 1;
        if (e->b) {
            c->in_elem = 1, c->coll = e->coll, c->index = i;
            rc = eval(c, e->b, &v);
            c->in_elem = 0;
            if (rc != EVAL_OK)
                return rc;
            hit = v.b;
        }
        matched += hit;
        if (hit == q->listed_match) {
            if (q->n_labels < cap && !(labels[q->n_labels++] = label(c, e->coll, i)))
                return TFA_ENOMEM;
            q->listed++;
        }
    }
    switch (e->op) {
    case TFA_Q_COUNT:
        *out = tfa_value_num((double)matched);
        break;
    case TFA_Q_ANY:
        *out = tfa_value_bool(matched > 0);
        break;
    case TFA_Q_ALL:
        *out = tfa_value_bool(matched == n);
        break;
    default:
        *out = tfa_value_bool(matched == 0);
        break;
    }
    q->query = e->text;
    q->collection = tfa_coll_name(e->coll);
    q->total = n;
    q->labels = labels;
    q->result = *out;
    c->ev->n_queries++;
    return EVAL_OK;
}

/* A comparison's truth, or -1 when it cannot be decided: an order asked of
 * a null (a field the input does not state) or of a stated value that is
 * no version. Read as false, `not (elapsed > 600)` and
 * `none(applied where elapsed > 600)` would pass on a value nobody knows. */
static int compare(const tfa_expr *e, const tfa_value *a, const tfa_value *b)
{
    int op = e->op, order;

    switch (op) {
    case TFA_OP_EQ:
        return tfa_value_eq(a, b);
    case TFA_OP_NE:
        return !tfa_value_eq(a, b);
    case TFA_OP_MATCH:
        return tfa_value_match(a, b);
    case TFA_OP_NMATCH:
        return !tfa_value_match(a, b);
    case TFA_OP_IN:
        return tfa_value_in(a, b);
    case TFA_OP_NIN:
        return !tfa_value_in(a, b);
    default:
        if (e->dom && e->dom->version) {
            if (a->type != TFA_V_STR || b->type != TFA_V_STR ||
                !tfa_version_cmp(a->s, b->s, &order))
                return -1;
        } else if (!tfa_value_order(a, b, &order)) {
            return -1;
        }
        return op == TFA_OP_LT   ? order < 0
               : op == TFA_OP_LE ? order <= 0
               : op == TFA_OP_GT ? order > 0
                                 : order >= 0;
    }
}

/* Why the order of `e`'s operands (values a, b) is unknown, as the item's
 * reason: the operand that has no order, by name and, in a query, element. */
static int unordered(ctx *c, const tfa_expr *e, const tfa_value *a, const tfa_value *b)
{
    /* the null, else (both stated) the one that is no version */
    int first = a->type == TFA_V_NULL ||
                (b->type != TFA_V_NULL && a->type == TFA_V_STR && !tfa_version_valid(a->s));
    const tfa_expr *x = first ? e->a : e->b;
    const tfa_value *xv = first ? a : b;
    const char *name = "a value", *of = NULL;
    tfa_buf msg;
    int rc = 0;

    if (x->kind == TFA_E_FIELD)
        name = tfa_field_name(x->field);
    else if (x->kind == TFA_E_FACT)
        name = tfa_fact_name(x->fact);
    if (c->in_elem && x->kind == TFA_E_FIELD && !(of = label(c, c->coll, c->index)))
        return TFA_ENOMEM;
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    tfa_buf_printf(&msg, "%s%s%s is ", name, of ? " of " : "", of ? of : "");
    if (xv->type == TFA_V_NULL) {
        tfa_buf_printf(&msg, "null and orders with nothing (write '%s != null and ...')", name);
    } else {
        tfa_value_format(&msg, xv);
        tfa_buf_puts(&msg, ", which is no version and orders with none");
    }
    if (tfa_buf_status(&msg) != 0 || !(c->missing = tfa_arena_strndup(c->arena, msg.ptr, msg.len)))
        rc = TFA_ENOMEM;
    tfa_buf_release(&msg);
    return rc ? rc : EVAL_MISSING;
}

static int eval(ctx *c, const tfa_expr *e, tfa_value *out)
{
    tfa_value a, b;
    int rc;

    switch (e->kind) {
    case TFA_E_LIT:
        *out = e->lit;
        return EVAL_OK;
    case TFA_E_FACT:
        return eval_fact(c, e, out);
    case TFA_E_FIELD: {
        char why[TFA_ERROR_MESSAGE_MAX];
        assert(c->in_elem);
        if (tfa_field_unread(e->field, c->run, c->coll, c->index, why, sizeof(why))) {
            /* an action this build does not know may be a destroy: the
             * condition cannot be decided, the item cannot pass */
            return (c->missing = tfa_arena_strdup(c->arena, why)) ? EVAL_MISSING : TFA_ENOMEM;
        }
        *out = tfa_field_value(e->field, c->run, c->coll, c->index);
        return EVAL_OK;
    }
    case TFA_E_QUERY:
        return eval_query(c, e, out);
    case TFA_E_NOT:
        if ((rc = eval(c, e->a, &a)) != EVAL_OK)
            return rc;
        *out = tfa_value_bool(!a.b);
        return EVAL_OK;
    case TFA_E_AND:
    case TFA_E_OR:
        if ((rc = eval(c, e->a, &a)) != EVAL_OK)
            return rc;
        if (a.b == (e->kind == TFA_E_OR)) {
            *out = a;
            return EVAL_OK;
        }
        return eval(c, e->b, out);
    case TFA_E_CMP:
        if ((rc = eval(c, e->a, &a)) != EVAL_OK || (rc = eval(c, e->b, &b)) != EVAL_OK)
            return rc;
        if ((rc = compare(e, &a, &b)) < 0)
            return unordered(c, e, &a, &b);
        *out = tfa_value_bool(rc);
        return EVAL_OK;
    }
    return EVAL_OK;
}

int tfa_expr_eval(const tfa_expr *e, const tfa_fact_source *src, tfa_arena *arena, tfa_evidence *ev,
                  int *result, const char **reason)
{
    ctx c;
    tfa_value v;
    int rc;

    memset(&c, 0, sizeof(c));
    memset(ev, 0, sizeof(*ev));
    c.src = src, c.run = src->run, c.arena = arena, c.ev = ev;
    count_nodes(e, &c.cap_facts, &c.cap_queries);
    if ((c.cap_facts && !(ev->facts = tfa_arena_calloc(arena, c.cap_facts, sizeof(*ev->facts)))) ||
        (c.cap_queries &&
         !(ev->queries = tfa_arena_calloc(arena, c.cap_queries, sizeof(*ev->queries)))))
        return TFA_ENOMEM;
    *reason = NULL;
    rc = eval(&c, e, &v);
    if (rc < 0)
        return rc;
    if (rc == EVAL_MISSING) {
        *result = -1;
        *reason = c.missing;
        return 0;
    }
    *result = v.b;
    return 0;
}
