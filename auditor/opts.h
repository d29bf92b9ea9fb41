/*
 * opts.h - declarative command-line options: one table per command drives
 * both parsing and --help, so the two cannot drift apart (libgit2's cli
 * option specs, tmux's cmd_entry).
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

typedef struct tfa_strlist {
    const char **items; /* borrowed from argv */
    size_t n, cap;
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
void tfa_opts_help(const tfa_cmd_spec *spec, FILE *out);
int tfa_strlist_push(tfa_strlist *l, const char *s);
void tfa_strlist_release(tfa_strlist *l);

#endif
