/*
 * cli_context.h - the run context a command's options assert (see run.h,
 * tfa_run_set_context): --approved FILE|DIGEST, --expect no-changes and
 * --iac-repo PATH, shared by check, gate, facts and audit.
 */
#ifndef TFA_CLI_CONTEXT_H
#define TFA_CLI_CONTEXT_H

#include "opts.h"
#include "run.h"

typedef struct tfa_cli_context {
    const char *approved; /* a pin, a sha256 (bare or "sha256:"), or a file: a plan or a digest */
    const char *expect;   /* "no-changes" or NULL */
    const char *iac_repo; /* path inside a git repository, or NULL */
} tfa_cli_context;

/* The option rows that fill a tfa_cli_context member of a command's struct. */
/* clang-format off */
#define TFA_CLI_CONTEXT_OPTIONS(type, member)                                                      \
    {"approved", 0, TFA_OPT_STRING, offsetof(type, member.approved), "FILE|DIGEST",                \
     "the approved plan (a plan file, a file holding its digest, a pin or a sha256)", NULL},       \
    {"expect", 0, TFA_OPT_CHOICE, offsetof(type, member.expect), "WHAT",                           \
     "no-changes: the window expects no managed change (fact window.expect_no_changes)",           \
     "no-changes"},                                                                                \
    {"iac-repo", 0, TFA_OPT_STRING, offsetof(type, member.iac_repo), "PATH",                       \
     "git repository the plan was made from (facts git.commit, git.branch, git.dirty)", NULL}
/* clang-format on */

/* Compute the derived facts (tfa_facts_prepare) and set the context from
 * `ctx`. Returns 0, or an exit status after printing why. */
int tfa_cli_apply_context(tfa_run *run, const tfa_cli_context *ctx, const char *cmd);

/* Only what the caller asserts about the run, --approved and --iac-repo,
 * for a run whose facts are prepared and expectation set (gate_run.h does
 * both). Returns 0, or an exit status after printing why. */
int tfa_cli_assert_context(tfa_run *run, const tfa_cli_context *ctx, const char *cmd);

#endif
