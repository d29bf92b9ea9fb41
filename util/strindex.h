/*
 * strindex.h - names to positions: a hash index over strings the caller
 * keeps (it stores pointers, not copies), for "is this name taken, and
 * where" over thousands of names without a scan per lookup.
 *
 * Open addressing with linear probing, at most 3/4 full, 64-bit hashes
 * (util/hash.h) compared before the strings. Not thread-safe: callers that
 * share one hold their own lock.
 */
#ifndef TFA_STRINDEX_H
#define TFA_STRINDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct tfa_strindex_slot {
    const char *key; /* NULL: empty */
    uint64_t hash;
    size_t value;
} tfa_strindex_slot;

typedef struct tfa_strindex {
    tfa_strindex_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t count;
} tfa_strindex;

#define TFA_STRINDEX_INIT                                                                          \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void tfa_strindex_release(tfa_strindex *ix);
/* 1 and *value when `key` is in the index, else 0 (value may be NULL). */
int tfa_strindex_find(const tfa_strindex *ix, const char *key, size_t *value);
/* Map `key` (borrowed: it must outlive the index) to `value`, replacing
 * the value of an equal key. 0 or TFA_ENOMEM (the index unchanged). */
int tfa_strindex_put(tfa_strindex *ix, const char *key, size_t value);

#endif
