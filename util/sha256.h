/*
 * sha256.h - SHA-256 (FIPS 180-4), streaming.
 *
 * Every input's raw bytes are hashed as they are read, so the digest costs no
 * second pass. On x86-64 CPUs with the SHA extensions the block function uses
 * them (about 5x the portable code, which matters on 400 MB plans); the choice
 * is made per context at init, with no global state.
 */
#ifndef TFA_SHA256_H
#define TFA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TFA_SHA256_BYTES 32
#define TFA_SHA256_HEX   (2 * TFA_SHA256_BYTES + 1)

typedef struct tfa_sha256 {
    uint32_t state[8];
    uint64_t total;
    unsigned char block[64];
    size_t used;
    void (*blocks)(uint32_t state[8], const unsigned char *data, size_t n);
} tfa_sha256;

void tfa_sha256_init(tfa_sha256 *ctx);
void tfa_sha256_update(tfa_sha256 *ctx, const void *data, size_t len);
void tfa_sha256_final(tfa_sha256 *ctx, unsigned char out[TFA_SHA256_BYTES]);
/* One-shot digest of a buffer. */
void tfa_sha256_digest(const void *data, size_t len, unsigned char out[TFA_SHA256_BYTES]);
/* Lowercase hex with NUL: `hex` holds TFA_SHA256_HEX bytes. */
void tfa_sha256_hex(const unsigned char digest[TFA_SHA256_BYTES], char hex[TFA_SHA256_HEX]);

#endif
