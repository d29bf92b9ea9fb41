/*
 * cli_inputs.h - load the INPUT... arguments of a command into one run,
 * reporting the first error on stderr (shared by every command that reads
 * inputs, so they all accept the same forms, --kind and --max-bytes).
 *
 * A command embeds a tfa_cli_inputs in its options struct and puts
 * TFA_CLI_INPUT_OPTIONS(its_struct, field) in its option table:
 *
 *     typedef struct my_opts { const char *format; tfa_cli_inputs in; } my_opts;
 *     static const tfa_opt options[] = {
 *         {"format", ...},
 *         TFA_CLI_INPUT_OPTIONS(my_opts, in),
 *     };
 *     ... tfa_cli_load(&run, &args, &o.in, "mycmd");
 */
#ifndef TFA_CLI_INPUTS_H
#define TFA_CLI_INPUTS_H

#include "cli_net.h"
#include "input.h"
#include "opts.h"
#include "run.h"

typedef struct tfa_cli_inputs {
    const char *kind;      /* --kind, NULL to detect */
    const char *max_bytes; /* --max-bytes N[K|M|G], NULL for the default */
} tfa_cli_inputs;

/* clang-format off */
#define TFA_CLI_INPUT_OPTIONS(type, field)                                                         \
    {"kind", 0, TFA_OPT_CHOICE, offsetof(type, field) + offsetof(tfa_cli_inputs, kind), "KIND",    \
     "read every input as this kind instead of detecting it", "plan|ui-log|text-log|state"},       \
    {"max-bytes", 0, TFA_OPT_STRING, offsetof(type, field) + offsetof(tfa_cli_inputs, max_bytes),  \
     "N[K|M|G]", "stop after decompressing N bytes from archives (default 4G)", NULL}
/* clang-format on */

/* Returns 0, or an exit status after printing the error. On success *out is
 * a new run the caller frees; notes are printed to stderr. */
int tfa_cli_load(tfa_run **out, const tfa_strlist *paths, const tfa_cli_inputs *in,
                 const char *cmd);

/* The same, with the command's --cacert/--verbose for remote inputs
 * (https://, tfc:; see remote/load.h); `net` may be NULL. */
int tfa_cli_load_net(tfa_run **out, const tfa_strlist *paths, const tfa_cli_inputs *in,
                     const char *cmd, const tfa_cli_net *net);

/* The same with only --kind (kept for commands that do not embed
 * tfa_cli_inputs yet). */
int tfa_cli_load_inputs(tfa_run **out, const tfa_strlist *paths, const char *kind, const char *cmd);
/* The same, with the command's --cacert/--verbose for remote inputs
 * (https://, tfc:; see remote/load.h); `net` may be NULL. */
int tfa_cli_load_inputs_net(tfa_run **out, const tfa_strlist *paths, const char *kind,
                            const char *cmd, const tfa_cli_net *net);

/* --kind and --max-bytes into load options. Returns 0, or an exit status
 * after printing the usage error. */
int tfa_cli_load_options(tfa_load_options *lo, const tfa_cli_inputs *in, const char *cmd);

/* Parse "N[K|M|G]" (binary multiples, case-insensitive, N > 0) into *out. */
int tfa_cli_parse_size(const char *s, uint64_t *out);

#endif
