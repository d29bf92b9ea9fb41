/*
 * cli_context.h - the run context a command's options assert (see run.h,
 * tfa_run_set_context): --approved FILE|DIGEST, --expect no-changes and
 * --iac-repo PATH, shared by check, gate, facts and audit.
 */
#ifndef TFA_CLI_CONTEXT_H
#define TFA_CLI_CONTEXT_H

#include "run.h"

typedef struct tfa_cli_context {
    const char *approved; /* a pin, a sha256 (bare or "sha256:"), or a file: a plan or a digest */
    const char *expect;   /* "no-changes" or NULL */
    const char *iac_repo; /* path inside a git repository, or NULL */
} tfa_cli_context;

/* Compute the derived facts (tfa_facts_prepare) and set the context from
 * `ctx`. Returns 0, or an exit status after printing why. */
int tfa_cli_apply_context(tfa_run *run, const tfa_cli_context *ctx, const char *cmd);

#endif
