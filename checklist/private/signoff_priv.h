/*
 * signoff_priv.h - what signoff.c and signoff_token.c share (waivers.h is
 * the contract).
 */
#ifndef TFA_SIGNOFF_PRIV_H
#define TFA_SIGNOFF_PRIV_H

#include "util/arena.h"
#include "waivers.h"

/* A token issued this far in the future still counts (clocks differ). */
#define TFA_SIGNOFF_CLOCK_SKEW 300

/*
 * Read a token into `out` (strings in `arena`): its claim, and whether its
 * signature verifies with a key `allowed` lists for its role (out->refused
 * says why not). TFA_EUSAGE for a token that is not one (bad encoding,
 * missing claim fields), TFA_ENOMEM.
 */
int tfa__signoff_token_read(tfa_signoff *out, tfa_arena *arena, const char *token,
                            const tfa_keyring *allowed, tfa_error *err);

#endif
