/*
 * gate_record.c - build the gate's record (see gate_record.h).
 */
#include "util/compat.h"

#include "facts.h"
#include "facts_catalog.h"
#include "gate_record.h"
#include "util/alloc.h"
#include "util/utc.h"

/* What the caller asserted, then the plan's digests computed from the run.
 * json_object_set_new refuses a NULL value (a failed allocation): that
 * fails the whole record, never records a context a field short. */
static json_t *context_json(const tfa_run *run, const tfa_eval_context *context)
{
    static const char *const names[] = {TFA_CTX_APPROVED, TFA_CTX_EXPECT_NONE, TFA_CTX_GIT_COMMIT,
                                        TFA_CTX_GIT_BRANCH, TFA_CTX_GIT_DIRTY};
    tfa_fact_source src;
    json_t *o;
    size_t i;
    int bad = 0;

    if (tfa_fact_source_init(&src, run, context) != 0 || !(o = json_object()))
        return NULL;
    for (i = 0; !bad && i < TFA_ARRAY_SIZE(names); i++) {
        const tfa_context_value *c = tfa_eval_context_get(context, names[i]);
        if (c)
            bad = json_object_set_new(o, names[i],
                                      c->type == TFA_CONTEXT_BOOL ? json_boolean(c->boolean)
                                                                  : json_string(c->str));
    }
    if (!bad && src.has_pin)
        bad = json_object_set_new(o, "plan.pin", json_string(src.pin));
    if (!bad && src.has_sha256)
        bad = json_object_set_new(o, "plan.sha256", json_string(src.sha256));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Give each input of the verdict document its facts and encoding. */
static int add_input_facts(json_t *record, const tfa_run *run)
{
    json_t *inputs = json_object_get(record, "inputs"), *in;
    size_t i;
    if (!json_is_array(inputs) || json_array_size(inputs) != tfa_run_input_count(run))
        return -1; /* the verdict lists the run's inputs in order */
    json_array_foreach(inputs, i, in)
    {
        const tfa_input *src = tfa_run_input(run, i);
        /* json_object_set_new refuses a NULL value (a failed allocation):
         * that is a failed record, not one without the field */
        if ((src->encoding &&
             json_object_set_new(in, "encoding", json_string(src->encoding)) != 0) ||
            json_object_set_new(in, "facts", tfa_input_facts(run, i)) != 0)
            return -1;
    }
    return 0;
}

json_t *tfa_gate_record(const tfa_verdict *v, const tfa_checklist *cl, const tfa_run *run,
                        const tfa_eval_context *context, const tfa_gate_meta *meta)
{
    json_t *record = tfa_verdict_to_json(v), *checklist, *gate;
    char when[TFA_UTC_ISO_SIZE];
    size_t len = 0;
    const char *text;

    if (!record)
        return NULL;
    checklist = json_object_get(record, "checklist");
    text = tfa_checklist_source(cl, &len);
    if (!json_is_object(checklist) ||
        json_object_set_new(checklist, "text", json_stringn(text, len)) != 0 ||
        add_input_facts(record, run) != 0)
        goto fail;
    tfa_utc_format_iso(meta->time, when);
    gate = json_pack("{s:s, s:o, s:o, s:s, s:o}", "workspace", meta->workspace, "window",
                     meta->window ? json_string(meta->window) : json_null(), "operator",
                     meta->operator_name ? json_string(meta->operator_name) : json_null(), "time",
                     when, "audit_id", meta->audit_id ? json_string(meta->audit_id) : json_null());
    if (!gate || json_object_set_new(record, "gate", gate) != 0 ||
        json_object_set_new(record, "context", context_json(run, context)) != 0)
        goto fail;
    return record;
fail:
    json_decref(record);
    return NULL;
}

const char **tfa_gate_record_blocking(const json_t *record, size_t *n)
{
    json_t *ids = json_object_get(record, "blocking"), *id;
    const char **out;
    size_t i;

    *n = 0;
    if (!json_is_array(ids) || json_array_size(ids) == 0)
        return NULL;
    out = tfa_calloc(json_array_size(ids), sizeof(*out));
    if (!out)
        return NULL;
    json_array_foreach(ids, i, id)
    {
        if (json_is_string(id))
            out[(*n)++] = json_string_value(id);
    }
    return out;
}
