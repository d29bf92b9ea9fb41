/*
 * facts.c - per-input facts as JSON (see facts.h). Key order is fixed so the
 * output is stable byte for byte.
 */
#include "util/compat.h"

#include "facts.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *tristate(tfa_tristate t)
{
    return t == TFA_UNSET ? json_null() : json_boolean(t == TFA_TRUE);
}

/* An object being filled, and whether any field could not be set: a
 * value that could not be made (out of memory) fails the whole object, so
 * no caller records facts one field short. */
typedef struct facts {
    json_t *o;
    int bad;
} facts;

static void put(facts *f, const char *key, json_t *v)
{
    if (!f->o) {
        json_decref(v);
        f->bad = 1;
    } else if (json_object_set_new(f->o, key, v) != 0) { /* frees v; NULL is refused */
        f->bad = 1;
    }
}

/* The object filled, or NULL (and nothing leaked) when a field failed. */
static json_t *finish(facts *f)
{
    if (f->bad) {
        json_decref(f->o);
        return NULL;
    }
    return f->o;
}

static void put_counts(facts *o, const tfa_counts *c, int known)
{
    put(o, "add", known ? json_integer(c->add) : json_null());
    put(o, "change", known ? json_integer(c->change) : json_null());
    put(o, "destroy", known ? json_integer(c->destroy) : json_null());
    put(o, "import", known ? json_integer(c->import) : json_null());
    put(o, "forget", known ? json_integer(c->forget) : json_null());
}

static void plan_facts(facts *o, const tfa_input *in)
{
    const tfa_plan_info *p = &in->plan;
    facts actions = {json_object(), 0};
    int a;

    put(o, "plan_format_version", str_or_null(p->plan_format_version));
    for (a = 0; a < TFA_ACTION_COUNT; a++)
        if (a != TFA_ACTION_UNKNOWN || p->actions[a])
            put(&actions, tfa_action_name((tfa_action)a), json_integer(p->actions[a]));
    put(o, "actions", finish(&actions));
    put_counts(o, &p->counts, 1);
    put(o, "drift", json_integer(p->drift));
    put(o, "deferred", json_integer(p->deferred));
    put(o, "outputs", json_integer(p->outputs));
    put(o, "variables", json_integer(p->variables));
    put(o, "applyable", tristate(p->applyable));
    put(o, "complete", tristate(p->complete));
    put(o, "errored", tristate(p->errored));
    put(o, "timestamp", str_or_null(p->timestamp));
}

static void log_facts(facts *o, const tfa_input *in)
{
    const tfa_log_info *l = &in->log;

    put(o, "operation", str_or_null(l->operation));
    put_counts(o, &l->counts, l->has_counts);
    put(o, "no_changes", json_boolean(l->no_changes));
    put(o, "errors", json_integer(l->errors));
    put(o, "warnings", json_integer(l->warnings));
    put(o, "drift", json_integer(l->drift));
    put(o, "planned", json_integer(l->planned));
    put(o, "applied", json_integer(l->applied));
    put(o, "apply_errors", json_integer(l->apply_errors));
    if (in->kind == TFA_KIND_UI_LOG) {
        put(o, "ui_version", str_or_null(l->ui_version));
        put(o, "messages", json_integer(l->messages));
        put(o, "unknown_messages", json_integer(l->unknown_messages));
    } else {
        put(o, "sentinel_result", tristate(l->sentinel_result));
        put(o, "policies_evaluated", json_integer(l->policies_evaluated));
        put(o, "policies_passed", json_integer(l->policies_passed));
        put(o, "policies_failed", json_integer(l->policies_failed));
        put(o, "cost_estimated", json_boolean(l->has_cost));
        put(o, "cost_monthly", str_or_null(l->cost_monthly));
        put(o, "cost_monthly_delta", str_or_null(l->cost_monthly_delta));
    }
    put(o, "truncated_tail", json_boolean(l->truncated_tail));
}

static void state_facts(facts *o, const tfa_input *in)
{
    const tfa_state_info *s = &in->state;
    put(o, "state_version", s->state_version >= 0 ? json_integer(s->state_version) : json_null());
    put(o, "serial", s->serial >= 0 ? json_integer(s->serial) : json_null());
    put(o, "lineage", str_or_null(s->lineage));
    put(o, "resources", json_integer(s->resources));
    put(o, "data_sources", json_integer(s->data_sources));
    put(o, "outputs", json_integer(s->outputs));
}

json_t *tfa_input_facts(const tfa_run *run, size_t i)
{
    const tfa_input *in = tfa_run_input(run, i);
    facts f = {json_object(), 0}, *o = &f;

    if (!f.o || !in)
        return f.o;
    put(o, "format_version", str_or_null(in->format_version));
    put(o, "terraform_version", str_or_null(in->tool_version));
    put(o, "tool", str_or_null(in->tool));
    put(o, "documents", json_integer(in->documents));
    switch (in->kind) {
    case TFA_KIND_PLAN:
        plan_facts(o, in);
        break;
    case TFA_KIND_UI_LOG:
    case TFA_KIND_TEXT_LOG:
        log_facts(o, in);
        break;
    case TFA_KIND_STATE:
        state_facts(o, in);
        break;
    default:
        break;
    }
    return finish(o);
}

json_t *tfa_input_to_json(const tfa_run *run, size_t i)
{
    const tfa_input *in = tfa_run_input(run, i);
    char hex[TFA_SHA256_HEX];
    facts f = {json_object(), 0}, *o = &f;

    if (!f.o || !in)
        return f.o;
    tfa_sha256_hex(in->sha256, hex);
    put(o, "path", json_string(in->path));
    put(o, "kind", json_string(tfa_kind_name(in->kind)));
    put(o, "sha256", json_string(hex));
    put(o, "bytes", json_integer((json_int_t)in->bytes));
    if (in->encoding) /* as before: no field rather than a null */
        put(o, "encoding", json_string(in->encoding));
    put(o, "facts", tfa_input_facts(run, i));
    return finish(o);
}
