/*
 * commands.h - every subcommand: one file each, cmd_<name>.c, exporting its
 * spec (options and help) and its entry point. main.c lists them in its
 * command table; adding a command means a new file and one table row.
 */
#ifndef TFA_COMMANDS_H
#define TFA_COMMANDS_H

#include "opts.h"

typedef struct tfa_command {
    const tfa_cmd_spec *spec;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} tfa_command;

extern const tfa_cmd_spec tfa_cmd_summarize_spec;
int tfa_cmd_summarize(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_drift_spec;
int tfa_cmd_drift(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_verify_apply_spec;
int tfa_cmd_verify_apply(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_pin_spec;
int tfa_cmd_pin(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_diff_spec;
int tfa_cmd_diff(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_check_spec;
int tfa_cmd_check(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_gate_spec;
int tfa_cmd_gate(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_facts_spec;
int tfa_cmd_facts(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_ledger_spec;
int tfa_cmd_ledger(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_bundle_spec;
int tfa_cmd_bundle(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_fetch_spec;
int tfa_cmd_fetch(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_notify_spec;
int tfa_cmd_notify(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_archive_spec;
int tfa_cmd_archive(int argc, char **argv);

extern const tfa_cmd_spec tfa_cmd_audit_spec;
int tfa_cmd_audit(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_trend_spec;
int tfa_cmd_trend(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_key_spec;
int tfa_cmd_key(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_signoff_spec;
int tfa_cmd_signoff(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_serve_spec;
int tfa_cmd_serve(int argc, char **argv);
extern const tfa_cmd_spec tfa_cmd_config_spec;
int tfa_cmd_config(int argc, char **argv);

/* The subcommands of a group command, NULL-terminated ("ledger list", ...). */
extern const tfa_cmd_spec *const tfa_cmd_ledger_subspecs[];
extern const tfa_cmd_spec *const tfa_cmd_bundle_subspecs[];
extern const tfa_cmd_spec *const tfa_cmd_config_subspecs[];

/* Every command, in `tfaudit help` order (command_table.c). */
const tfa_command *tfa_commands(size_t *n);
const tfa_command *tfa_command_find(const char *name);

/* Upper bound on leaf specs, for callers that keep them on the stack. */
#define TFA_COMMAND_SPECS_MAX 64
/* Every leaf spec (a command's, or each subcommand's of a group) into
 * out[0..max); returns how many there are (which may exceed max). */
size_t tfa_command_specs(const tfa_cmd_spec **out, size_t max);
/* The leaf spec named `name` ("gate", "ledger list"), or NULL. */
const tfa_cmd_spec *tfa_command_spec_find(const char *name);
extern const tfa_cmd_spec tfa_cmd_comment_spec;
int tfa_cmd_comment(int argc, char **argv);

#endif
