/*
 * opts_priv.h - what opts.c (the command line) and opts_config.c (the layers
 * under it: environment and configuration file) share. Private to them.
 */
#ifndef TFA_OPTS_PRIV_H
#define TFA_OPTS_PRIV_H

#include "opts.h"

/* Is `v` one of `choices` ("a|b|c")? */
int tfa_opts__choice_ok(const char *choices, const char *v);

/* The options every command takes outside its table (see opts.h). */
typedef struct tfa_opts__globals {
    const char *config;    /* --config FILE */
    const char *workspace; /* --workspace NAME, for a command without its own */
} tfa_opts__globals;

/*
 * Fill the options `set` does not mark (set by a flag) from the environment
 * and the configuration file, recording origins in `po` if it asks. Strings
 * go into args->store. Returns 0, or an exit status after printing why.
 */
int tfa_opts__layer(const tfa_cmd_spec *spec, void *opts, const unsigned char *set,
                    const tfa_opts__globals *g, tfa_strlist *args, tfa_opts_parse_options *po);

void tfa_opts__store_free(tfa_opts_store *st);

#endif
