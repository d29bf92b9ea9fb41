/*
 * hash.h - a fast non-cryptographic 64-bit hash.
 *
 * Used for hash tables and for comparing attribute values by digest without
 * keeping them (plan_json.c). Not for anything an attacker could exploit:
 * collisions there only cost a changed path being missed, at odds of 2^-64.
 * The result is the same on every platform (explicit little-endian loads), so
 * digests built from it are stable.
 */
#ifndef TFA_HASH_H
#define TFA_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t tfa_hash64(const void *data, size_t len, uint64_t seed);

/* Combine two hashes into one (order matters). */
static inline uint64_t tfa_hash_mix(uint64_t a, uint64_t b)
{
    uint64_t h = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

#endif
