/*
 * sign_priv.h - what sign.c and keyring.c share (not part of sign.h).
 */
#ifndef TFA_SIGN_PRIV_H
#define TFA_SIGN_PRIV_H

#include "sign.h"

/* The key id of a 32-byte raw public key. TFA_ENOMEM. */
int tfa__key_id(char out[TFA_KEY_ID_SIZE], const unsigned char raw[32]);

/* Append the bytes of `path` to `out`, at most `max`: TFA_ENOTFOUND,
 * TFA_EIO, TFA_ELIMIT, TFA_ENOMEM, with `err` naming the file. */
int tfa__read_small_file(tfa_buf *out, const char *path, size_t max, tfa_error *err);

#endif
