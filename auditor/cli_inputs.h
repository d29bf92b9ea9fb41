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
    const char *kind;         /* --kind, NULL to detect */
    const char *max_bytes;    /* --max-bytes N[K|M|G], NULL for the default */
    tfa_strlist skip_unknown; /* --skip-unknown GLOB, repeatable (tfa_cli_inputs_release) */
} tfa_cli_inputs;

/* clang-format off */
#define TFA_CLI_INPUT_OPTIONS(type, field)                                                         \
    {"kind", 0, TFA_OPT_CHOICE, offsetof(type, field) + offsetof(tfa_cli_inputs, kind), "KIND",    \
     "read every input as this kind instead of detecting it", "plan|ui-log|text-log|state"},       \
    {"max-bytes", 0, TFA_OPT_STRING, offsetof(type, field) + offsetof(tfa_cli_inputs, max_bytes),  \
     "N[K|M|G]", "stop after decompressing N bytes from archives (default 4G)", NULL},             \
    {"skip-unknown", 0, TFA_OPT_LIST,                                                              \
     offsetof(type, field) + offsetof(tfa_cli_inputs, skip_unknown), "GLOB",                       \
     "skip (and list) directory or archive members matching GLOB that cannot be read or "          \
     "identified; without it they are an error (repeatable)", NULL}
/* clang-format on */

/* Free what option parsing collected (--skip-unknown). */
void tfa_cli_inputs_release(tfa_cli_inputs *in);

/* Returns 0, or an exit status after printing the error. On success *out is
 * a new run the caller frees; notes are printed to stderr. */
int tfa_cli_load(tfa_run **out, const tfa_strlist *paths, const tfa_cli_inputs *in,
                 const char *cmd);

/* The same, with the command's --cacert/--verbose for remote inputs
 * (https://, tfc:; see remote/load.h); `net` may be NULL. */
int tfa_cli_load_net(tfa_run **out, const tfa_strlist *paths, const tfa_cli_inputs *in,
                     const char *cmd, const tfa_cli_net *net);

/*
 * Every input, each document apart (input.h, each_document): `fn` sees each
 * document that was read, in a run of its own, and each one that could not
 * be, with its error; an input whose container fails (a damaged archive, an
 * unreadable or empty directory, a remote error) is handed to `fn` as failed
 * too, and the next input is read all the same. Skipped members are noted in
 * `*skipped` (a run of notes only, the caller frees it) and printed. Returns
 * 0, or an exit status after printing a usage error or running out of memory.
 */
int tfa_cli_load_each(const tfa_strlist *paths, const tfa_cli_inputs *in, const char *cmd,
                      const tfa_cli_net *net, tfa_document_fn fn, void *payload, tfa_run **skipped);

/* The same with only --kind (kept for commands that do not embed
 * tfa_cli_inputs yet). */
int tfa_cli_load_inputs(tfa_run **out, const tfa_strlist *paths, const char *kind, const char *cmd);
/* The same, with the command's --cacert/--verbose for remote inputs
 * (https://, tfc:; see remote/load.h); `net` may be NULL. */
int tfa_cli_load_inputs_net(tfa_run **out, const tfa_strlist *paths, const char *kind,
                            const char *cmd, const tfa_cli_net *net);

/* --kind, --max-bytes and --skip-unknown into load options (which borrow
 * the globs from `in`). Returns 0, or an exit status
 * after printing the usage error. */
int tfa_cli_load_options(tfa_load_options *lo, const tfa_cli_inputs *in, const char *cmd);

/* Parse "N[K|M|G]" (binary multiples, case-insensitive, N > 0) into *out. */
int tfa_cli_parse_size(const char *s, uint64_t *out);

#endif
