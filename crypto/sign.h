/*
 * sign.h - Ed25519 keys and signatures, through OpenSSL's libcrypto (no
 * cryptography of our own).
 *
 * A private key is a PEM file (PKCS#8, what `openssl genpkey -algorithm
 * ed25519` writes). A public key is written on one line as OpenSSH's
 * allowed-signers files look:
 *     ed25519 BASE64 COMMENT
 * where BASE64 is the 32-byte raw public key. Its key id is
 * "SHA256:" + unpadded base64 of SHA-256 of those 32 bytes (the shape of an
 * OpenSSH fingerprint): records, anchors and sign-off tokens name the key
 * that signed them by this id.
 *
 * A key list (tfa_keyring) is a file of such lines, optionally preceded by
 * principals (`ROLE[,ROLE...] ed25519 BASE64 COMMENT`, an allowed-signers
 * file); blank lines and lines starting with '#' are skipped.
 *
 * Ownership: objects returned through `**out` belong to the caller (the
 * matching _free). Pointers returned by accessors are borrowed from their
 * object. Thread safety: a key or key list may be shared read-only.
 */
#ifndef TFA_SIGN_H
#define TFA_SIGN_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

#define TFA_KEY_ALGORITHM   "ed25519"
#define TFA_KEY_ID_SIZE     52 /* "SHA256:" + 43 base64 digits + NUL */
#define TFA_KEY_PUBLIC_SIZE 45 /* 32 bytes in base64 (44) + NUL */
#define TFA_SIG_BYTES       64
#define TFA_SIG_B64_SIZE    89 /* 64 bytes in base64 (88) + NUL */

typedef struct tfa_signer tfa_signer;

/*
 * Write a new private key to `path` (mode 0600). The file must not exist:
 * TFA_EUSAGE when it does (a key is never overwritten), TFA_EIO, TFA_ENOMEM.
 * On success *out (when not NULL) is the new key.
 */
int tfa_signer_generate(tfa_signer **out, const char *path, tfa_error *err);

/* Read a private key file. TFA_ENOTFOUND, TFA_EINPUT (not an Ed25519
 * private key in PEM), TFA_EIO, TFA_ENOMEM. */
int tfa_signer_load(tfa_signer **out, const char *path, tfa_error *err);
void tfa_signer_free(tfa_signer *key);

const char *tfa_signer_key_id(const tfa_signer *key);
/* The 32-byte public key in base64. */
const char *tfa_signer_public(const tfa_signer *key);

/* Append "ed25519 BASE64 COMMENT" (no newline; no comment when NULL). */
int tfa_signer_public_line(tfa_buf *out, const tfa_signer *key, const char *comment);

/* Sign `len` bytes; the signature in base64 goes to `out`. TFA_ENOMEM or
 * TFA_EIO (libcrypto failed). */
int tfa_signer_sign(const tfa_signer *key, const void *data, size_t len, char out[TFA_SIG_B64_SIZE],
                    tfa_error *err);

typedef struct tfa_keyring tfa_keyring;

/* One public key of a key list: borrowed from the list. */
typedef struct tfa_public_key {
    const char *key_id;
    const char *public_b64;
    const char *principals; /* "ROLE[,ROLE...]"; NULL when the line has none */
    const char *comment;    /* NULL when none */
    unsigned long line;     /* where it is written */
} tfa_public_key;

/* Read a key list. Errors as "FILE:LINE: message": TFA_EINPUT (not an
 * ed25519 key, bad base64), TFA_ENOTFOUND, TFA_EIO, TFA_ELIMIT, TFA_ENOMEM.
 * An empty list is TFA_EINPUT: trusting nobody is a mistake, not a policy. */
int tfa_keyring_load(tfa_keyring **out, const char *path, tfa_error *err);
int tfa_keyring_parse(tfa_keyring **out, const char *name, const char *text, size_t len,
                      tfa_error *err);
void tfa_keyring_free(tfa_keyring *ring);

size_t tfa_keyring_count(const tfa_keyring *ring);
const tfa_public_key *tfa_keyring_at(const tfa_keyring *ring, size_t i);

/* The key with this id, or NULL. With `principal`, only a key listed for
 * it (an exact match of one of its comma-separated principals). */
const tfa_public_key *tfa_keyring_find(const tfa_keyring *ring, const char *key_id,
                                       const char *principal);

/* Whether `sig_b64` is a valid signature of `data` by `key` (1), or not
 * (0: wrong signature, malformed signature). <0 only for TFA_ENOMEM. */
int tfa_keyring_check(const tfa_keyring *ring, const tfa_public_key *key, const void *data,
                      size_t len, const char *sig_b64);

/* base64 (RFC 4648), standard alphabet with padding, or the URL-safe
 * alphabet without padding. Decoding rejects anything else, including
 * whitespace: TFA_EINPUT. */
int tfa_base64_encode(tfa_buf *out, const void *data, size_t len, int url);
int tfa_base64_decode(tfa_buf *out, const char *text, size_t len, int url);

#endif
