/*
 * load.h - remote inputs: a URL or an HCP Terraform run read into a run,
 * exactly as if the bytes had come from a file (input.h).
 *
 * Forms:
 *  - https://HOST/PATH (or http:// to a loopback host): one document. It is
 *    named by the URL without its query and fragment (presigned URLs carry
 *    their credentials there). A bearer token is sent only if one is
 *    configured for exactly that host (TF_TOKEN_<host> or the credentials
 *    file; never TFE_TOKEN, which is not bound to a host).
 *  - tfc:[HOST/]run-ID: the plan JSON, plan log and apply log of an HCP
 *    Terraform / Terraform Enterprise run (tfc.h), each an input named
 *    "tfc:HOST/run-ID/plan.json" and so on.
 *  - tfc:[HOST/]ws-ID: the workspace's current health assessment: its plan
 *    JSON (drift) and log.
 *  - s3://BUCKET/KEY, s3://BUCKET/PREFIX/: one object, or every object
 *    under the prefix (s3_walk.h), each an input named s3://BUCKET/KEY and
 *    streamed into its reader (AWS credentials: aws_config.h).
 * HOST defaults to app.terraform.io and may carry a port or a scheme
 * ("tfc:http://127.0.0.1:8080/run-X" reaches a loopback test server).
 */
#ifndef TFA_REMOTE_LOAD_H
#define TFA_REMOTE_LOAD_H

#include "input.h"
#include "net/credentials.h"
#include "net/http.h"
#include "net/tfc.h"

typedef struct tfa_remote_options {
    const tfa_http_options *http;
    tfa_credentials_env env; /* where tokens are looked up */
    const char *tfc_host;    /* host for "tfc:run-ID"; NULL for TFA_TFC_DEFAULT_HOST */
    const char *s3_endpoint; /* --endpoint for s3:// inputs; NULL: AWS_ENDPOINT_URL... */
} tfa_remote_options;

/* Whether `arg` is a remote input ("https://", "http://", "tfc:", "s3://"). */
int tfa_remote_is_input(const char *arg);

/*
 * Download `arg` and load every document it names into `run` (input.h's
 * tfa_run_load_stream, so content detection and archives work as for
 * files). Errors name the URL (without query) or the tfc: source:
 * TFA_EUSAGE (bad form, URL refused, no token, token rejected),
 * TFA_ENOTFOUND, TFA_EIO, TFA_ELIMIT, TFA_EINPUT and the readers' codes.
 */
int tfa_run_load_remote(tfa_run *run, const char *arg, const tfa_load_options *lo,
                        const tfa_remote_options *ro, tfa_error *err);

/* A connection to one HCP Terraform host: its base URL, the credentials key
 * and the token found for it, and tfc options pointing at them. */
typedef struct tfa_tfc_session {
    char *base_url;
    char *host;
    tfa_auth_token token;
    tfa_tfc_options opts;
} tfa_tfc_session;

/*
 * Open a session for `host_spec` (NULL: ro->tfc_host or the default host).
 * Without a token for the host it fails with TFA_EUSAGE and a message that
 * says where a token can be put. Release `s` in every case.
 */
int tfa_tfc_session_open(tfa_tfc_session *s, const char *host_spec, const tfa_remote_options *ro,
                         tfa_error *err);
void tfa_tfc_session_release(tfa_tfc_session *s);

#endif
