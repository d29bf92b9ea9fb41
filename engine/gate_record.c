/*
 * gate_record.c - build the gate's record (see gate_record.h).
 */
#include "util/compat.h"

#include "facts.h"
#include "gate_record.h"
#include "util/alloc.h"
#include "util/utc.h"

static json_t *context_json(const tfa_run *run)
{
    static const char *const names[] = {"approved.plan_digest",
                                        "window.expect_no_changes",
                                        "git.commit",
                                        "git.branch",
                                        "git.dirty",
                                        "plan.pin",
                                        "plan.sha256"};
    json_t *o = json_object();
    size_t i;
    for (i = 0; o && i < TFA_ARRAY_SIZE(names); i++) {
        const tfa_context *c = tfa_run_context(run, names[i]);
        /* a value that could not be made (out of memory) fails the whole
         * record: a context silently missing a field would be recorded */
        if (c && json_object_set_new(o, names[i],
                                     c->type == TFA_CONTEXT_BOOL ? json_boolean(c->boolean)
                                                                 : json_string(c->str)) != 0) {
            json_decref(o);
            o = NULL;
        }
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
                        const tfa_gate_meta *meta)
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
        json_object_set_new(record, "context", context_json(run)) != 0)
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
