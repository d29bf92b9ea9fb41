/*
 * cli_context.h - the evaluation context a command's options assert
 * (checklist/eval_context.h): --approved FILE|DIGEST, --expect no-changes
 * and --iac-repo PATH, shared by check, gate, facts and audit.
 */
#ifndef TFA_CLI_CONTEXT_H
#define TFA_CLI_CONTEXT_H

#include "opts.h"
#include "eval_context.h"

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

/* Set everything `ctx` asserts in `out`: the expectation, --approved and
 * --iac-repo. Returns 0, or an exit status after printing why. */
int tfa_cli_apply_context(tfa_eval_context *out, const tfa_cli_context *ctx, const char *cmd);

/* Only --approved and --iac-repo, for a context whose expectation is set
 * already (gate_run.h sets it). Returns 0, or an exit status after
 * printing why. */
int tfa_cli_assert_context(tfa_eval_context *out, const tfa_cli_context *ctx, const char *cmd);

#endif
