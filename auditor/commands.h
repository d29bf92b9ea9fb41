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
extern const tfa_cmd_spec tfa_cmd_comment_spec;
int tfa_cmd_comment(int argc, char **argv);

#endif
