/*
 * task.c - one run task: plan download, gate, ledger record, callback.
 */
#include "util/compat.h"

#include "task.h"

#include <string.h>
#include <time.h>

#include "gate_record.h"
#include "gate_run.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "waivers.h"

#define CONTENT_TYPE "application/vnd.api+json"

static int64_t now_of(const tfa_serve_options *o)
{
    return o->now ? o->now(o->now_payload) : (int64_t)time(NULL);
}

/* --result-url with "{run_id}" replaced; NULL when not configured. */
static char *result_url(const tfa_serve_options *o, const tfa_runtask *t)
{
    const char *at;
    tfa_buf b;

    if (!o->result_url)
        return NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    at = strstr(o->result_url, "{run_id}");
    if (at && t->run_id) {
        tfa_buf_put(&b, o->result_url, (size_t)(at - o->result_url));
        tfa_buf_puts(&b, t->run_id);
        tfa_buf_puts(&b, at + strlen("{run_id}"));
    } else {
        tfa_buf_puts(&b, o->result_url);
    }
    return tfa_buf_detach(&b, NULL);
}

static void callback(const tfa_serve_options *o, const tfa_runtask *t,
                     const tfa_runtask_result *res, tfa_task_report *rep)
{
    tfa_http_request req = {0};
    tfa_http_response resp;
    json_t *body = tfa_runtask_callback_body(res);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    tfa_error err;

    tfa_error_init(&err);
    tfa_http_response_init(&resp);
    rep->passed = res->passed;
    snprintf(rep->message, sizeof(rep->message), "%s", res->message);
    if (!text) {
        snprintf(rep->callback_error, sizeof(rep->callback_error), "out of memory");
        goto done;
    }
    req.method = "PATCH";
    req.url = t->task_result_callback_url;
    req.name = "task result callback";
    req.content_type = CONTENT_TYPE;
    req.accept = CONTENT_TYPE;
    req.body = text;
    req.body_len = strlen(text);
    req.token = t->access_token;
    req.token_source = "the run task request's access_token";
    if (tfa_http_perform(&resp, &req, o->http, &err) == 0)
        rep->callback_ok = 1;
    else
        tfa_error_format(&err, rep->callback_error, sizeof(rep->callback_error));
done:
    tfa_http_response_release(&resp);
    free(text);
    json_decref(body);
}

void tfa_task_fail(const tfa_serve_options *o, const tfa_runtask *t, const char *why,
                   tfa_task_report *rep)
{
    tfa_runtask_result res = {0, why, NULL, NULL};
    char *url = result_url(o, t);

    res.url = url;
    callback(o, t, &res, rep);
    tfa_free(url);
}

static int download_plan(const tfa_serve_options *o, const tfa_runtask *t, tfa_http_response *resp,
                         tfa_error *err)
{
    tfa_http_request req = {0};

    req.url = t->plan_json_api_url;
    req.name = "the run's plan JSON";
    req.accept = "application/json";
    req.token = t->access_token;
    req.token_source = "the run task request's access_token";
    return tfa_http_perform(resp, &req, o->http, err);
}

/* What the record says of the run task, beside the gate's own context. */
static int note_run_task(json_t *record, const tfa_runtask *t)
{
    json_t *rt =
        json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:s?}", "stage", t->stage_name,
                  "run_id", t->run_id, "task_result_id", t->task_result_id, "organization",
                  t->organization_name, "workspace_id", t->workspace_id, "workspace",
                  t->workspace_name, "run_created_by", t->run_created_by, "is_speculative",
                  t->is_speculative, "vcs_commit_url", t->vcs_commit_url);
    return rt ? json_object_set_new(record, "run_task", rt) : -1;
}

/* "NO-GO: 2 of 7 items block: no-destroy, leadership (ledger #12)". */
static void summary(tfa_buf *b, const tfa_verdict *v, int64_t ledger_id)
{
    size_t i, named = 0;

    tfa_buf_printf(b, "%s: ", v->go ? "GO" : "NO-GO");
    if (v->go)
        tfa_buf_printf(b, "no item of %zu blocks", v->n_results);
    else
        tfa_buf_printf(b, "%zu of %zu items block:", v->blocking, v->n_results);
    for (i = 0; i < v->n_results && named < 5; i++) {
        if (!v->results[i].blocks)
            continue;
        tfa_buf_printf(b, "%s %s", named ? "," : "", v->results[i].item->id);
        named++;
    }
    if (v->blocking > named)
        tfa_buf_printf(b, " and %zu more", v->blocking - named);
    tfa_buf_printf(b, " (ledger #%lld)", (long long)ledger_id);
}

/* A workspace name the ledger accepts: the platform's own, else "run-task". */
static const char *workspace_of(const tfa_runtask *t)
{
    tfa_error e;

    tfa_error_init(&e);
    if (t->workspace_name && tfa_ledger_workspace_check(t->workspace_name, &e) == 0)
        return t->workspace_name;
    return "run-task";
}

/* The sign-off tokens in the directory now: read for every task, so a token
 * made for a run's plan after its first attempt counts when it is retried. */
static int load_signoffs(const tfa_serve_options *o, tfa_signoffs **out, tfa_error *err)
{
    if (tfa_signoffs_new(out) != 0)
        return tfa_error_oom(err);
    tfa_signoffs_require_signed(*out, o->allowed_signers);
    return tfa_signoffs_add_dir(*out, o->checklist, o->signoff_dir, err);
}

void tfa_task_run(const tfa_serve_options *o, tfa_ledger *ledger, const tfa_runtask *t,
                  tfa_task_report *rep)
{
    tfa_gate_request req = TFA_GATE_REQUEST_INIT;
    tfa_gate_outcome out;
    tfa_gate_input in = {NULL, NULL, NULL, 0, 0, NULL};
    tfa_gate_meta meta;
    tfa_http_response plan;
    tfa_ledger_record *rec = NULL;
    tfa_signoffs *signoffs = NULL;
    tfa_runtask_result res = {0, NULL, NULL, NULL};
    char name[300], why[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX + 64];
    char *url = result_url(o, t);
    tfa_buf msg;
    tfa_error err;

    memset(rep, 0, sizeof(*rep));
    memset(&out, 0, sizeof(out));
    tfa_error_init(&err);
    tfa_http_response_init(&plan);
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    res.url = url;
    if (t->stage == TFA_STAGE_PRE_PLAN) {
        res.passed = 1;
        res.message = "Nothing checked: tfaudit checks the plan (post_plan, pre_apply)";
        callback(o, t, &res, rep);
        goto done;
    }
    if (o->signoff_dir && load_signoffs(o, &signoffs, &err) != 0) {
        char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX];
        tfa_error_format(&err, line, sizeof(line));
        snprintf(why, sizeof(why), "sign-offs not read: %s", line);
        goto failed;
    }
    if (download_plan(o, t, &plan, &err) != 0) {
        tfa_error_format(&err, why, sizeof(why));
        goto failed;
    }
    snprintf(name, sizeof(name), "tfc:%s/plan.json", t->run_id);
    in.name = name;
    in.data = plan.body.ptr ? plan.body.ptr : "";
    in.len = plan.body.len;
    meta.workspace = workspace_of(t);
    meta.window = t->run_id;
    meta.operator_name = t->run_created_by;
    meta.audit_id = NULL;
    meta.time = now_of(o);
    req.cl = o->checklist;
    req.section = o->section;
    req.inputs = &in;
    req.n_inputs = 1;
    req.now = meta.time;
    req.meta = &meta;
    req.signoffs = signoffs;
    if (tfa_gate_run(&out, &req, &err) != 0 || !out.record) {
        tfa_error_format(&err, why, sizeof(why));
        goto failed;
    }
    if (note_run_task(out.record, t) != 0) {
        snprintf(why, sizeof(why), "out of memory");
        goto failed;
    }
    {
        tfa_ledger_entry e = {meta.time,
                              meta.workspace,
                              meta.window,
                              meta.operator_name,
                              out.verdict->go ? "GO" : "NO-GO",
                              TFA_VERSION,
                              out.record};
        if (tfa_ledger_append(&rec, ledger, &e, &err) != 0) {
            char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX];
            tfa_error_format(&err, line, sizeof(line));
            snprintf(why, sizeof(why), "verdict not recorded: %s", line);
            goto failed;
        }
    }
    rep->ledger_id = rec->id;
    if (o->recorded && o->recorded(o->recorded_payload, ledger, meta.time, &err) != 0) {
        char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX];
        tfa_error_format(&err, line, sizeof(line));
        snprintf(why, sizeof(why), "verdict %s recorded as ledger #%lld, but: %s",
                 out.verdict->go ? "GO" : "NO-GO", (long long)rec->id, line);
        goto failed;
    }
    summary(&msg, out.verdict, rec->id);
    res.passed = out.verdict->go;
    res.message = msg.ptr ? msg.ptr : (out.verdict->go ? "GO" : "NO-GO");
    res.verdict = out.verdict;
    callback(o, t, &res, rep);
    goto done;
failed:
    /* fail closed: the platform hears why, and the run does not proceed */
    res.passed = 0;
    res.message = why;
    res.verdict = out.verdict;
    callback(o, t, &res, rep);
done:
    tfa_ledger_record_free(rec);
    tfa_gate_outcome_release(&out);
    tfa_signoffs_free(signoffs);
    tfa_http_response_release(&plan);
    tfa_buf_release(&msg);
    tfa_free(url);
}
