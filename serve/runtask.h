/*
 * runtask.h - the HCP Terraform / Terraform Enterprise run-task protocol
 * (run tasks integration API, payload version 1): the request the platform
 * POSTs to a task's URL, its HMAC signature, and the task-result callback
 * body tfaudit PATCHes back.
 *
 * The request is authenticated before anything in it is believed: the
 * platform signs the exact body with the task's HMAC key (HMAC-SHA512, hex,
 * header X-TFC-Task-Signature), and tfa_runtask_signature_ok compares in
 * constant time. Only then is the body parsed.
 */
#ifndef TFA_RUNTASK_H
#define TFA_RUNTASK_H

#include <jansson.h>
#include <stddef.h>

#include "util/error.h"
#include "verdict.h"

#define TFA_RUNTASK_SIGNATURE_HEADER "X-TFC-Task-Signature"

typedef enum tfa_runtask_stage {
    TFA_STAGE_TEST = 0, /* the registration check: answer 200, no callback */
    TFA_STAGE_PRE_PLAN,
    TFA_STAGE_POST_PLAN,
    TFA_STAGE_PRE_APPLY,
    TFA_STAGE_POST_APPLY
} tfa_runtask_stage;

/* A parsed request. Every string is owned by the request (NULL when the
 * payload did not carry it); free with tfa_runtask_free. */
typedef struct tfa_runtask {
    tfa_runtask_stage stage;
    const char *stage_name; /* as sent: "post_plan" */
    char *access_token;     /* secret: never logged, never recorded */
    char *task_result_id, *task_result_callback_url, *enforcement_level;
    char *run_id, *run_app_url, *run_message, *run_created_by, *run_created_at;
    char *organization_name, *workspace_id, *workspace_name, *workspace_app_url;
    char *plan_json_api_url; /* post_plan, pre_apply, post_apply */
    char *vcs_branch, *vcs_commit_url;
    int is_speculative;
} tfa_runtask;

/*
 * Parse a request body. TFA_EINPUT with one line saying what is wrong
 * (not JSON, payload_version other than 1, a missing field the stage needs,
 * an unknown stage). The callback URL and the plan URL are not checked
 * here: the HTTP client's policy does that when they are used.
 */
int tfa_runtask_parse(tfa_runtask **out, const void *body, size_t len, tfa_error *err);
void tfa_runtask_free(tfa_runtask *t);

/* Whether `header` (hex, either case) is HMAC-SHA512(key, body). Constant
 * time in the signature's content; 0 for a missing or malformed header. */
int tfa_runtask_signature_ok(const void *key, size_t key_len, const void *body, size_t len,
                             const char *header);

/* HMAC-SHA512(key, body) as 128 lowercase hex digits + NUL into `out`
 * (what the platform sends; the tests sign with it). 0, or -1. */
int tfa_runtask_sign(const void *key, size_t key_len, const void *body, size_t len, char out[129]);

/* The result of one task, as the callback reports it. */
typedef struct tfa_runtask_result {
    int passed;
    const char *message; /* one line, at most 200 characters are sent */
    const char *url;     /* link shown beside the result; may be NULL */
    const tfa_verdict
        *verdict; /* outcomes: one per blocking or advisory-failing item; may be NULL */
} tfa_runtask_result;

/*
 * The JSON:API body of the task-result callback: {"data": {"type":
 * "task-results", "attributes": {status, message, url}, "relationships":
 * {"outcomes": {"data": [...]}}}}, one outcome per item that is not PASS,
 * with the item's evidence as its Markdown body and Status / Severity tags.
 * NULL on out-of-memory.
 */
json_t *tfa_runtask_callback_body(const tfa_runtask_result *res);

#endif
