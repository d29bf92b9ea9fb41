/*
 * gate_run.c - one gate from inputs to verdict record (see gate_run.h).
 */
#include "util/compat.h"

#include "gate_run.h"
#include "net/load.h"
#include "stream.h"

static int load_one(tfa_run *run, const tfa_gate_input *in, const tfa_load_options *lo,
                    const tfa_remote_options *remote, tfa_error *err)
{
    tfa_stream *s = NULL;
    int rc;

    if (in->path && tfa_remote_is_input(in->path)) {
        if (!remote) {
            tfa_error_set_source(err, in->path);
            return tfa_error_set(err, TFA_EUSAGE, "remote inputs are not available here");
        }
        return tfa_run_load_remote(run, in->path, lo, remote, err);
    }
    if (in->path)
        return tfa_run_load(run, in->path, lo, err);
    if (in->refused)
        return tfa_run_refuse_member(run, in->name, in->refused, lo, err);
    if ((rc = tfa_stream_open_memory(&s, in->name, in->data, in->len, err)) == 0)
        rc = in->member ? tfa_run_load_member(run, s, lo, err)
                        : tfa_run_load_stream(run, s, lo, err);
    tfa_stream_free(s);
    return rc;
}

int tfa_gate_run(tfa_gate_outcome *out, const tfa_gate_request *req, tfa_error *err)
{
    tfa_load_options defaults = TFA_LOAD_OPTIONS_INIT;
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    out->stage = TFA_GATE_LOAD;
    if (tfa_run_new(&out->run) != 0)
        return tfa_error_oom(err);
    for (i = 0; i < req->n_inputs; i++)
        if ((rc = load_one(out->run, &req->inputs[i], req->load ? req->load : &defaults,
                           req->remote, err)) != 0) {
            tfa_run_free(out->run); /* a failed load leaves a run nobody may use */
            out->run = NULL;
            return rc;
        }
    out->stage = TFA_GATE_PREPARE;
    if (req->prepare && (rc = req->prepare(out->run, req->prepare_payload, err)) != 0)
        return rc;
    if (tfa_eval_context_new(&out->context) != 0 ||
        (req->expect_no_changes &&
         tfa_eval_context_set_bool(out->context, TFA_CTX_EXPECT_NONE, 1) != 0))
        return tfa_error_oom(err);
    if (req->assert_context &&
        (rc = req->assert_context(out->context, req->assert_payload, err)) != 0)
        return rc;
    out->stage = TFA_GATE_EVALUATE;
    eo.section = req->section;
    eo.waivers = req->waivers;
    eo.signoffs = req->signoffs;
    eo.now = req->now;
    eo.context = out->context;
    if ((rc = tfa_verdict_evaluate(&out->verdict, req->cl, out->run, &eo, err)) != 0)
        return rc;
    out->stage = TFA_GATE_RECORD;
    if (req->meta &&
        !(out->record = tfa_gate_record(out->verdict, req->cl, out->run, out->context, req->meta)))
        return tfa_error_oom(err);
    out->stage = TFA_GATE_DONE;
    return 0;
}

void tfa_gate_outcome_release(tfa_gate_outcome *o)
{
    json_decref(o->record);
    tfa_verdict_free(o->verdict);
    tfa_eval_context_free(o->context);
    tfa_run_free(o->run);
    memset(o, 0, sizeof(*o));
}
