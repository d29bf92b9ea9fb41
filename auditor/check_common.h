/*
 * check_common.h - what `tfaudit check` and `tfaudit gate` share: their
 * options and the run from argv to exit status. The two commands decide the
 * same way; gate also hands the verdict record to a recorder (the ledger).
 */
#ifndef TFA_CHECK_COMMON_H
#define TFA_CHECK_COMMON_H

#include "checklist.h"
#include "cli_ci.h"
#include "cli_context.h"
#include "cli_inputs.h"
#include "cli_ledger.h"
#include "cli_net.h"
#include "cli_time.h"
#include "opts.h"
#include "verdict.h"

/* Options only `gate` has (its recorder reads them). */
typedef struct tfa_gate_opts {
    const char *ledger;
    const char *workspace, *window, *operator_name;
    const char *git_repo, *git_branch, *git_dir, *git_author, *rollout_plan;
    const char *notify;
    const char *archive_to;
    tfa_cli_sign sign; /* --signing-key, --anchor-to */
} tfa_gate_opts;

typedef struct tfa_check_opts {
    const char *checklist;
    const char *section;
    tfa_strlist sign_offs;
    const char *sign_off_file;   /* sign-offs, one a line */
    const char *allowed_signers; /* only signed tokens count */
    const char *waivers;
    const char *format;
    const char *color;
    const char *output;
    const char *fill;
    tfa_cli_inputs in; /* --kind, --max-bytes */
    const char *now;
    tfa_cli_context ctx; /* --approved, --expect, --iac-repo */
    tfa_cli_net net;     /* --cacert, --verbose */
    tfa_gate_opts gate;
    const char *const *inputs; /* the INPUT arguments, set after parsing */
    size_t n_inputs;
} tfa_check_opts;

/* The option rows of both commands (each cmd_*.c owns its table, built
 * from this list, and its help text). */
#define TFA_CHECK_OPTIONS                                                                          \
    {"checklist",                                                                                  \
     'c',                                                                                          \
     TFA_OPT_STRING,                                                                               \
     offsetof(tfa_check_opts, checklist),                                                          \
     "FILE",                                                                                       \
     "the Markdown checklist to evaluate (required)",                                              \
     NULL},                                                                                        \
        {"section",                                                                                \
         0,                                                                                        \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, section),                                                        \
         "NAME",                                                                                   \
         "evaluate only the items under this heading",                                             \
         NULL},                                                                                    \
        {"sign-off",                                                                               \
         0,                                                                                        \
         TFA_OPT_LIST,                                                                             \
         offsetof(tfa_check_opts, sign_offs),                                                      \
         "ID=NAME[:NOTE]|TOKEN",                                                                   \
         "sign off manual item ID, or give a signed token ('tfaudit sign-off') (repeatable)",      \
         NULL},                                                                                    \
        {"sign-off-file",                                                                          \
         0,                                                                                        \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, sign_off_file),                                                  \
         "FILE",                                                                                   \
         "sign-offs or tokens, one a line ('#' comments)",                                         \
         NULL},                                                                                    \
        {"allowed-signers",                                                                        \
         0,                                                                                        \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, allowed_signers),                                                \
         "FILE",                                                                                   \
         "'ROLE ed25519 BASE64 COMMENT' lines: manual items pass only on a valid signed token",    \
         NULL},                                                                                    \
        {"waivers",                                                                                \
         'w',                                                                                      \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, waivers),                                                        \
         "FILE",                                                                                   \
         "waivers for soft items (Markdown table or JSON)",                                        \
         NULL},                                                                                    \
        {"format",                                                                                 \
         'f',                                                                                      \
         TFA_OPT_CHOICE,                                                                           \
         offsetof(tfa_check_opts, format),                                                         \
         "FORMAT",                                                                                 \
         "report format: text (default), markdown, json, junit, sarif, github (workflow "          \
         "commands) or gitlab-codequality",                                                        \
         "text|markdown|json|junit|sarif|github|gitlab-codequality"},                              \
        TFA_CLI_COLOR_OPTION(tfa_check_opts, color),                                               \
        {"output",                                                                                 \
         'o',                                                                                      \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, output),                                                         \
         "FILE",                                                                                   \
         "write the report to FILE instead of standard output",                                    \
         NULL},                                                                                    \
        {"fill",                                                                                   \
         0,                                                                                        \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, fill),                                                           \
         "OUT.md",                                                                                 \
         "write the checklist with results and evidence filled in",                                \
         NULL},                                                                                    \
        TFA_CLI_INPUT_OPTIONS(tfa_check_opts, in),                                                 \
        {"now",                                                                                    \
         0,                                                                                        \
         TFA_OPT_STRING,                                                                           \
         offsetof(tfa_check_opts, now),                                                            \
         "TIME",                                                                                   \
         TFA_CLI_NOW_HELP("judge waiver and known-drift expiry"),                                  \
         NULL},                                                                                    \
        TFA_CLI_CONTEXT_OPTIONS(tfa_check_opts, ctx), TFA_CLI_NET_OPTIONS(tfa_check_opts, net)

/* What a recorder sees: everything the decision was made from. */
typedef struct tfa_check_state {
    const tfa_cmd_spec *spec;
    const tfa_check_opts *o;
    const tfa_checklist *cl;
    const tfa_run *run;
    const tfa_eval_context *context; /* what the verdict was evaluated with */
    const tfa_verdict *verdict;
    int64_t now;
} tfa_check_state;

/* Hands the verdict over (gate: to the ledger, git, a webhook). Returns 0,
 * or an exit status after printing why. */
typedef int (*tfa_check_recorder)(const tfa_check_state *st, void *payload);

/* Parse argv with `spec`, evaluate, report; returns the exit status (0 GO,
 * 1 NO-GO, 2 usage, input or checklist error). `record` may be NULL. */
int tfa_check_main(const tfa_cmd_spec *spec, int argc, char **argv, tfa_check_recorder record,
                   void *payload);

#endif
