/*
 * cli_inputs.h - load the INPUT... arguments of a command into one run,
 * reporting the first error on stderr (shared by every command that reads
 * inputs, so they all accept the same forms and --kind).
 */
#ifndef TFA_CLI_INPUTS_H
#define TFA_CLI_INPUTS_H

#include "cli_net.h"
#include "opts.h"
#include "run.h"

/* Returns 0, or an exit status after printing the error. On success *out is
 * a new run the caller frees; notes are printed to stderr. */
int tfa_cli_load_inputs(tfa_run **out, const tfa_strlist *paths, const char *kind, const char *cmd);
/* The same, with the command's --cacert/--verbose for remote inputs
 * (https://, tfc:; see remote/load.h); `net` may be NULL. */
int tfa_cli_load_inputs_net(tfa_run **out, const tfa_strlist *paths, const char *kind,
                            const char *cmd, const tfa_cli_net *net);

#endif
