/*
 * runtask.c - parsing, authenticating and answering run-task requests; the
 * protocol is described in runtask.h.
 */
#include "util/compat.h"

#include "runtask.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "report.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/jbuild.h"

#define MESSAGE_MAX 200

static const struct {
    const char *name;
    tfa_runtask_stage stage;
} stages[] = {
    {"test", TFA_STAGE_TEST},
    {"pre_plan", TFA_STAGE_PRE_PLAN},
    {"post_plan", TFA_STAGE_POST_PLAN},
    {"pre_apply", TFA_STAGE_PRE_APPLY},
    {"post_apply", TFA_STAGE_POST_APPLY},
};

static char *dup_field(json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));
    return s ? tfa_strdup(s) : NULL;
}

void tfa_runtask_free(tfa_runtask *t)
{
    if (!t)
        return;
    if (t->access_token) /* a secret: do not leave it in freed memory */
        OPENSSL_cleanse(t->access_token, strlen(t->access_token));
    tfa_free(t->access_token);
    tfa_free(t->task_result_id);
    tfa_free(t->task_result_callback_url);
    tfa_free(t->enforcement_level);
    tfa_free(t->run_id);
    tfa_free(t->run_app_url);
    tfa_free(t->run_message);
    tfa_free(t->run_created_by);
    tfa_free(t->run_created_at);
    tfa_free(t->organization_name);
    tfa_free(t->workspace_id);
    tfa_free(t->workspace_name);
    tfa_free(t->workspace_app_url);
    tfa_free(t->plan_json_api_url);
    tfa_free(t->vcs_branch);
    tfa_free(t->vcs_commit_url);
    tfa_free(t);
}

/* The fields every stage needs, and the plan URL the plan stages need. */
static int check_fields(const tfa_runtask *t, tfa_error *err)
{
    const char *missing = NULL;

    if (!t->access_token)
        missing = "access_token";
    else if (!t->task_result_id)
        missing = "task_result_id";
    else if (!t->task_result_callback_url)
        missing = "task_result_callback_url";
    else if (t->stage != TFA_STAGE_TEST && !t->run_id)
        missing = "run_id";
    else if (t->stage >= TFA_STAGE_POST_PLAN && !t->plan_json_api_url)
        missing = "plan_json_api_url";
    if (missing)
        return tfa_error_set(err, TFA_EINPUT, "run task request without %s (stage %s)", missing,
                             t->stage_name);
    return 0;
}

int tfa_runtask_parse(tfa_runtask **out, const void *body, size_t len, tfa_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *v;
    tfa_runtask *t = NULL;
    const char *stage;
    size_t i;
    int rc = 0;

    *out = NULL;
    if (!doc || !json_is_object(doc)) {
        rc = tfa_error_set(err, TFA_EINPUT, "run task request: not a JSON object (%d:%d: %s)",
                           jerr.line, jerr.column, doc ? "not an object" : jerr.text);
        goto done;
    }
    v = json_object_get(doc, "payload_version");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        rc = tfa_error_set(err, TFA_EINPUT,
                           "run task request: payload_version must be 1 (this build reads 1)");
        goto done;
    }
    stage = json_string_value(json_object_get(doc, "stage"));
    for (i = 0; stage && i < TFA_ARRAY_SIZE(stages) && strcmp(stages[i].name, stage) != 0; i++)
        ;
    if (!stage || i == TFA_ARRAY_SIZE(stages)) {
        rc = tfa_error_set(err, TFA_EINPUT, "run task request: unknown stage '%s'",
                           stage ? stage : "(none)");
        goto done;
    }
    if (!(t = tfa_calloc(1, sizeof(*t)))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    t->stage = stages[i].stage;
    t->stage_name = stages[i].name;
    t->access_token = dup_field(doc, "access_token");
    t->task_result_id = dup_field(doc, "task_result_id");
    t->task_result_callback_url = dup_field(doc, "task_result_callback_url");
    t->enforcement_level = dup_field(doc, "task_result_enforcement_level");
    t->run_id = dup_field(doc, "run_id");
    t->run_app_url = dup_field(doc, "run_app_url");
    t->run_message = dup_field(doc, "run_message");
    t->run_created_by = dup_field(doc, "run_created_by");
    t->run_created_at = dup_field(doc, "run_created_at");
    t->organization_name = dup_field(doc, "organization_name");
    t->workspace_id = dup_field(doc, "workspace_id");
    t->workspace_name = dup_field(doc, "workspace_name");
    t->workspace_app_url = dup_field(doc, "workspace_app_url");
    t->plan_json_api_url = dup_field(doc, "plan_json_api_url");
    t->vcs_branch = dup_field(doc, "vcs_branch");
    t->vcs_commit_url = dup_field(doc, "vcs_commit_url");
    t->is_speculative = json_is_true(json_object_get(doc, "is_speculative"));
    rc = check_fields(t, err);
done:
    json_decref(doc);
    if (rc)
        tfa_runtask_free(t);
    else
        *out = t;
    return rc;
}

int tfa_runtask_sign(const void *key, size_t key_len, const void *body, size_t len, char out[129])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    unsigned i;

    if (key_len > (size_t)INT32_MAX ||
        !HMAC(EVP_sha512(), key, (int)key_len, body, len, mac, &mac_len) || mac_len != 64)
        return -1;
    for (i = 0; i < mac_len; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[128] = '\0';
    return 0;
}

int tfa_runtask_signature_ok(const void *key, size_t key_len, const void *body, size_t len,
                             const char *header)
{
    char want[129], got[129];
    size_t i;

    if (!header || strlen(header) != 128 || tfa_runtask_sign(key, key_len, body, len, want) != 0)
        return 0;
    for (i = 0; i < 128; i++) { /* the platform sends lowercase; accept either */
        char c = header[i];
        got[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    got[128] = '\0';
    return CRYPTO_memcmp(want, got, 128) == 0;
}

/* Status and Severity tags of one outcome, as the platform colours them. */
static json_t *outcome_tags(const tfa_result *r)
{
    const char *level = r->status == TFA_ITEM_WAIVED || !r->blocks ? "warning" : "error";
    const char *sev = r->item->level == TFA_LEVEL_HARD   ? "High"
                      : r->item->level == TFA_LEVEL_SOFT ? "Medium"
                                                         : "Low";
    const char *sev_level = r->item->level == TFA_LEVEL_HARD   ? "error"
                            : r->item->level == TFA_LEVEL_SOFT ? "warning"
                                                               : "info";

    return json_pack("{s:[{s:s, s:s}], s:[{s:s, s:s}]}", "Status", "label",
                     tfa_item_status_name(r->status), "level", level, "Severity", "label", sev,
                     "level", sev_level);
}

static json_t *outcome(const tfa_result *r)
{
    tfa_buf body, desc;
    json_t *o = NULL;

    tfa_buf_init(&body, 65536); /* the platform caps an outcome body */
    tfa_buf_init(&desc, TFA_BUF_NO_MAX);
    tfa_report_item_markdown(&body, r);
    tfa_buf_printf(&desc, "%s %s: %s", tfa_item_status_name(r->status), r->item->id,
                   r->item->title);
    /* "o", not "o*": tags that could not be made fail the outcome (and the
     * body), never an outcome posted without them */
    if (!desc.failed && body.failed != TFA_ENOMEM)
        o = json_pack("{s:s, s:{s:s, s:s, s:s, s:o}}", "type", "task-result-outcomes", "attributes",
                      "outcome-id", r->item->id, "description", desc.ptr, "body",
                      body.ptr ? body.ptr : "", "tags", outcome_tags(r));
    tfa_buf_release(&body);
    tfa_buf_release(&desc);
    return o;
}

json_t *tfa_runtask_callback_body(const tfa_runtask_result *res)
{
    char message[MESSAGE_MAX + 1];
    json_t *outcomes = json_array(), *attributes, *o;
    size_t i;
    int bad = 0;

    snprintf(message, sizeof(message), "%s", res->message ? res->message : "");
    for (i = 0; outcomes && res->verdict && i < res->verdict->n_results; i++) {
        const tfa_result *r = &res->verdict->results[i];
        if (r->status == TFA_ITEM_PASS)
            continue;
        if (!(o = outcome(r)) || json_array_append_new(outcomes, o) != 0) {
            json_decref(outcomes);
            return NULL;
        }
    }
    /* the url is set apart, not packed with "s*": json_pack leaves an
     * optional member out when its value cannot be made, and a body
     * without the link would pass for one that has none */
    attributes =
        json_pack("{s:s, s:s}", "status", res->passed ? "passed" : "failed", "message", message);
    if (res->url)
        tfa_jbuild_set(attributes, "url", json_string(res->url), &bad);
    /* "o" refuses NULL: outcomes or attributes that could not be made
     * make no body */
    return json_pack("{s:{s:s, s:o, s:{s:{s:o}}}}", "data", "type", "task-results", "attributes",
                     tfa_jbuild_done(attributes, bad), "relationships", "outcomes", "data",
                     outcomes);
}
