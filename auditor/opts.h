/*
 * opts.h - declarative command-line options: one table per command drives
 * both parsing and --help, so the two cannot drift apart (libgit2's cli
 * option specs, tmux's cmd_entry).
 *
 * The same tables drive the layers under the command line, so every long
 * option NAME can also come, in this order of precedence, from
 *   1. --NAME on the command line,
 *   2. the environment variable TFAUDIT_NAME (upper case, '-' as '_'),
 *   3. the configuration file (.tfaudit.yml, config.h), key NAME,
 *   4. the command's built-in default (what the options struct held).
 * Two options exist for every command without being in its table:
 * --config FILE (the configuration file; also $TFAUDIT_CONFIG) and
 * --workspace NAME (whose overrides in the file apply; a command with its
 * own --workspace uses that one for both).
 */
#ifndef TFA_OPTS_H
#define TFA_OPTS_H

#include <stddef.h>
#include <stdio.h>

typedef enum tfa_opt_type {
    TFA_OPT_FLAG,   /* int set to 1 */
    TFA_OPT_STRING, /* const char * (borrowed from argv); last one wins */
    TFA_OPT_LIST,   /* tfa_strlist, repeatable */
    TFA_OPT_CHOICE  /* const char * that must be one of `choices` ("a|b|c") */
} tfa_opt_type;

typedef struct tfa_opts_store tfa_opts_store;

typedef struct tfa_strlist {
    const char **items; /* borrowed from argv, or from `store` of the args list */
    size_t n, cap;
    tfa_opts_store *store; /* the args list of a parse owns the strings that came
                              from the environment and the configuration file */
} tfa_strlist;

typedef struct tfa_opt {
    const char *name; /* long name without the dashes */
    char short_name;  /* 0 for none */
    tfa_opt_type type;
    size_t offset;   /* offsetof(options struct, field) */
    const char *arg; /* value name in help, e.g. "FILE" */
    const char *help;
    const char *choices;
} tfa_opt;

typedef struct tfa_cmd_spec {
    const char *name;
    const char *usage;       /* "[options] INPUT..." */
    const char *summary;     /* one line for `tfaudit help` */
    const char *description; /* paragraphs after the options; may be NULL */
    const tfa_opt *opts;
    size_t nopts;
    unsigned min_args, max_args; /* positional arguments */
} tfa_cmd_spec;

#define TFA_ARGS_UNLIMITED 0xffffffffu

/*
 * Parse argv[1..argc) for `spec` into `opts` and `args`. Returns 0 to go on,
 * TFA_EXIT_HELP when --help was printed (the command returns it as it is;
 * main maps it to exit 0), or TFA_EXIT_USAGE after printing why.
 * `args` must be released with tfa_strlist_release in every case.
 */
int tfa_opts_parse(const tfa_cmd_spec *spec, int argc, char **argv, void *opts, tfa_strlist *args);

/* Where an option's value came from (`tfaudit config show`). */
typedef enum tfa_opt_source {
    TFA_OPT_FROM_DEFAULT = 0,
    TFA_OPT_FROM_FLAG,
    TFA_OPT_FROM_ENV,
    TFA_OPT_FROM_CONFIG
} tfa_opt_source;

#define TFA_OPT_WHERE_MAX 512

typedef struct tfa_opt_origin {
    tfa_opt_source source;
    char
        where[TFA_OPT_WHERE_MAX]; /* "--ledger", "env TFAUDIT_LEDGER", ".tfaudit.yml:3:12 (gate)" */
    const char *shown; /* the value as it may be printed: "${NAME}" for anything read from the
                          environment, which may be a secret; borrowed from the args list */
} tfa_opt_origin;

typedef struct tfa_opts_parse_options {
    tfa_opt_origin *origins; /* spec->nopts entries, filled when not NULL */
    int any_args;            /* do not check the number of positional arguments */
    const char *config_path; /* [out] the configuration file read, or NULL */
    const char *workspace;   /* [out] the workspace whose overrides applied, or NULL */
} tfa_opts_parse_options;

#define TFA_OPTS_PARSE_OPTIONS_INIT                                                                \
    {                                                                                              \
        NULL, 0, NULL, NULL                                                                        \
    }

/* tfa_opts_parse, reporting where each value came from; the [out] strings
 * are borrowed from `args`. */
int tfa_opts_parse_ext(const tfa_cmd_spec *spec, int argc, char **argv, void *opts,
                       tfa_strlist *args, tfa_opts_parse_options *po);
void tfa_opts_help(const tfa_cmd_spec *spec, FILE *out);
int tfa_strlist_push(tfa_strlist *l, const char *s);
/* Frees the list and, for the args list of a parse, the strings it owns. */
void tfa_strlist_release(tfa_strlist *l);

#endif
