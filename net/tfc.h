/*
 * tfc.h - reading runs from HCP Terraform and Terraform Enterprise (API v2).
 *
 * Follows the HCP Terraform API reference (developer.hashicorp.com/terraform/
 * cloud-docs/api-docs): JSON:API documents (application/vnd.api+json) with a
 * bearer token.
 *  - a run:  GET /api/v2/runs/:id?include=plan,apply gives the run, its
 *    plan and its apply; the plan's JSON is GET /api/v2/plans/:id/json-output
 *    (a redirect to a signed archivist URL, followed without the token); the
 *    plan and apply logs are at their `log-read-url` attributes (signed
 *    URLs: their path is a capability, so they are never printed);
 *  - an assessment (health/drift detection): GET /api/v2/workspaces/:id/
 *    current-assessment-result, then /api/v2/assessment-results/:id/
 *    json-output (a refresh-only plan JSON) and /log-output.
 * Logs arrive framed as archivist stores them (STX first, ETX last once
 * complete); the frame is removed. IDs from the user and from the server are
 * checked (prefix, letters and digits) before they go into a URL path.
 *
 * The fetched documents are kept in memory; tfa_tfc_fetch owns them.
 */
#ifndef TFA_TFC_H
#define TFA_TFC_H

#include <stddef.h>

#include "net/http.h"
#include "util/error.h"

#define TFA_TFC_DEFAULT_HOST "app.terraform.io"
#define TFA_TFC_MAX_FILES    8

typedef struct tfa_tfc_options {
    const char *base_url;     /* "https://app.terraform.io" (tfa_tfc_host_parse) */
    const char *token;        /* bearer token for base_url's origin; NULL sends none */
    const char *token_source; /* named when the token is rejected */
    const tfa_http_options *http;
} tfa_tfc_options;

typedef struct tfa_tfc_file {
    const char *name; /* "run.json", "plan.json", "plan.log", "apply.log", "assessment.json",
                         "assessment-plan.json", "assessment.log" */
    char *source;     /* "tfc:HOST/run-ID/plan.json": the input's name */
    char *data;       /* NUL-terminated */
    size_t len;
    int terraform; /* a plan JSON or log (an input), not API metadata */
} tfa_tfc_file;

typedef struct tfa_tfc_fetch {
    char *host; /* host[:port], as sources show it */
    /* From the run document (NULL when absent or not fetched). */
    char *run_id, *run_status, *workspace_id, *plan_status, *apply_status;
    /* From the assessment result. */
    char *assessment_id;
    int drifted; /* -1 unknown, 0, 1 */
    tfa_tfc_file files[TFA_TFC_MAX_FILES];
    size_t n_files;
} tfa_tfc_fetch;

/* An empty fetch for `base_url`'s host. Errors: TFA_EUSAGE, TFA_ENOMEM. */
int tfa_tfc_fetch_new(tfa_tfc_fetch **out, const char *base_url, tfa_error *err);
void tfa_tfc_fetch_free(tfa_tfc_fetch *f);

/*
 * Fetch run `run_id` into `f`: run.json, then plan.json when the plan
 * finished, plan.log, and apply.log when the apply ran. Errors (naming the
 * request): TFA_EUSAGE (bad ID, token rejected), TFA_ENOTFOUND, TFA_EINPUT
 * (not a run document), TFA_EIO, TFA_ELIMIT, TFA_ENOMEM.
 */
int tfa_tfc_fetch_run(tfa_tfc_fetch *f, const char *run_id, const tfa_tfc_options *opts,
                      tfa_error *err);

/* Fetch the current assessment of workspace `workspace_id` into `f`:
 * assessment.json, assessment-plan.json, assessment.log. TFA_ENOTFOUND when
 * the workspace has none (health assessments off, or not run yet). */
int tfa_tfc_fetch_assessment(tfa_tfc_fetch *f, const char *workspace_id,
                             const tfa_tfc_options *opts, tfa_error *err);

/*
 * Turn a host as a user writes it ("app.terraform.io", "tfe.example.com:8443",
 * "https://tfe.example.com", "http://127.0.0.1:8080" for a loopback test
 * server) into `*base_url` ("https://app.terraform.io") and `*host`, the
 * credentials key ("app.terraform.io", "tfe.example.com:8443"). Both are
 * the caller's to tfa_free. Errors: TFA_EUSAGE, TFA_ENOMEM.
 */
int tfa_tfc_host_parse(char **base_url, char **host, const char *spec, tfa_error *err);

/* Whether `id` is PREFIX followed by 1 to 64 letters and digits. */
int tfa_tfc_id_valid(const char *id, const char *prefix);

#endif
