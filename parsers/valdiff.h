/*
 * valdiff.h - which attribute paths differ between two values, by digest.
 *
 * A plan's `before` and `after` are sibling values read one after the other
 * from a stream, so they cannot be walked in step without keeping one of
 * them. Instead the reader reports every leaf of each side as (path, digest
 * of its JSON text); this table pairs them by path and yields the paths
 * whose digests differ or that exist on one side only, plus paths whose
 * value is only known after apply (after_unknown). Values are never stored.
 *
 * Leaves are non-null scalars. A null, an absent attribute and an empty
 * container are the same thing here (Terraform itself shows unset and null
 * alike), so `{"a": null}` vs `{}` is not a change, and a list growing from
 * [] to ["x"] changes `list[0]`.
 *
 * Paths under a sensitive path (before_sensitive / after_sensitive) are
 * reported as that sensitive path, flagged, so no map key or list position
 * inside a sensitive value leaves this module.
 */
#ifndef TFA_VALDIFF_H
#define TFA_VALDIFF_H

#include <stddef.h>
#include <stdint.h>

typedef enum tfa_side {
    TFA_SIDE_BEFORE = 0,
    TFA_SIDE_AFTER,
    TFA_SIDE_UNKNOWN,  /* after_unknown: true at this path */
    TFA_SIDE_SENSITIVE /* before_ or after_sensitive: true at this path */
} tfa_side;

typedef struct tfa_valdiff_result {
    const char *const *paths; /* sorted, unique; borrowed until the next reset */
    const unsigned char *sensitive;
    size_t n;
    int truncated;      /* more than max_paths changed */
    uint64_t digest[2]; /* order-independent digest of all leaves seen */
} tfa_valdiff_result;

typedef struct tfa_valdiff tfa_valdiff;

int tfa_valdiff_new(tfa_valdiff **out);
void tfa_valdiff_free(tfa_valdiff *d);
/* Forget all leaves (keeps memory for the next resource). */
void tfa_valdiff_reset(tfa_valdiff *d);
/* Record a leaf. `digest` is ignored for UNKNOWN and SENSITIVE. TFA_ENOMEM. */
int tfa_valdiff_leaf(tfa_valdiff *d, tfa_side side, const char *path, size_t len, uint64_t digest);
/* Compute the changed paths (at most max_paths). TFA_ENOMEM. */
int tfa_valdiff_finish(tfa_valdiff *d, size_t max_paths, tfa_valdiff_result *out);

#endif
