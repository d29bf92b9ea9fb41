/*
 * config.h - the .tfaudit.yml configuration file: option defaults per command
 * and per workspace, read with libyaml (YAML 1.1; tfaudit-config(5)).
 *
 *   defaults:                       # every command that has the option
 *     checklist: checklists/release.md
 *   gate:                           # one command ("ledger" covers every
 *     notify: ${TFAUDIT_WEBHOOK}    #  "ledger SUB"; "ledger list" just one)
 *   workspaces:
 *     prod:                         # selected by --workspace prod
 *       defaults: {known-drift: prod-drift.md}
 *
 * A key under a section is a long option name, so every option of the
 * declarative tables (opts.h) is configurable by name, including options
 * added later, with no change here. The whole file is validated when loaded,
 * against every command's table: an unknown key is an error with its
 * file:line:col and a "did you mean". Values are interpolated lazily (only
 * values a command uses), so an unset ${VAR} in another workspace's section
 * does not stop today's command.
 *
 * Ownership: tfa_config_free frees the object and every string it returned.
 */
#ifndef TFA_CONFIG_H
#define TFA_CONFIG_H

#include <stddef.h>

#include "opts.h"
#include "util/error.h"

#define TFA_CONFIG_FILE_NAME "tfaudit.yml" /* searched as ".tfaudit.yml" */
#define TFA_CONFIG_ENV       "TFAUDIT_CONFIG"
#define TFA_WORKSPACE_ENV    "TFAUDIT_WORKSPACE"
#define TFA_CONFIG_VAR_MAX   255 /* longest ${NAME}; environment names are short */

typedef struct tfa_config tfa_config;

/* Every command whose options a file may name (leaf specs: "ledger list",
 * not the "ledger" group). */
typedef struct tfa_config_catalog {
    const tfa_cmd_spec *const *specs;
    size_t n;
} tfa_config_catalog;

/* One value as written: a scalar, or one item of a sequence. */
typedef struct tfa_config_scalar {
    const char *text; /* borrowed from the config */
    unsigned long line, column;
} tfa_config_scalar;

/* What a lookup found: the values of one key in the winning section. */
typedef struct tfa_config_entry {
    const tfa_config_scalar *values;
    size_t n;
    int is_sequence;
    const char *section; /* "defaults", "gate", "workspaces.prod.gate" */
} tfa_config_entry;

/*
 * Which file to read: `explicit_path` (--config) if not NULL, else
 * $TFAUDIT_CONFIG if set and not empty, else the first .tfaudit.yml in the
 * current directory or a parent, stopping after the directory that holds
 * .git (the repository root) or at the filesystem root. *out is a path
 * relative to the current directory (or as given), NULL when there is none;
 * the caller frees it with tfa_free. Errors: TFA_ENOMEM.
 */
int tfa_config_locate(char **out, const char *explicit_path, tfa_error *err);

/*
 * Read and validate `path` against `cat`. Errors carry file:line:col:
 * TFA_ENOTFOUND, TFA_EIO, TFA_ELIMIT (larger than TFA_LIMIT_CONFIG_BYTES),
 * TFA_EINPUT (not YAML, wrong shape, unknown key), TFA_ENOMEM.
 */
int tfa_config_load(tfa_config **out, const char *path, const tfa_config_catalog *cat,
                    tfa_error *err);
void tfa_config_free(tfa_config *cfg);

const char *tfa_config_path(const tfa_config *cfg);
/* The directory relative paths in the file are relative to ("." for a file
 * in the current directory). */
const char *tfa_config_dir(const tfa_config *cfg);

/*
 * The value of option `opt` for command `cmd` ("gate", "ledger list") in
 * workspace `workspace` (NULL for none). The first section that has the key
 * wins: workspaces.W.<cmd>, workspaces.W.<group>, workspaces.W.defaults,
 * <cmd>, <group>, defaults. Returns 1 when found, 0 when not.
 */
int tfa_config_lookup(tfa_config_entry *out, const tfa_config *cfg, const char *cmd,
                      const char *workspace, const char *opt);

/*
 * Expand ${VAR} and ${VAR:-default} in `v` (and $$ to $) into *out, which
 * the caller frees with tfa_free. *used_env is set when any variable was
 * read, so the value must never be printed. An unset or empty VAR without a
 * default is TFA_EINPUT at the value's position.
 */
int tfa_config_interpolate(char **out, int *used_env, const tfa_config *cfg,
                           const tfa_config_scalar *v, tfa_error *err);

#endif
