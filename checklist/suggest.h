/*
 * suggest.h - "did you mean" for misspelt names (facts, fields, item ids).
 *
 * Candidates are offered one at a time; the closest by edit distance
 * (Damerau-Levenshtein: a swapped pair costs one edit, as in "cuont") wins,
 * when close enough to be a plausible typo rather than a different name.
 */
#ifndef TFA_SUGGEST_H
#define TFA_SUGGEST_H

#include <stddef.h>

/* The longest name compared; longer names are never suggested. */
#define TFA_SUGGEST_MAX 128

typedef struct tfa_suggest {
    char want[TFA_SUGGEST_MAX];
    size_t want_len;
    const char *best; /* borrowed from the candidate offered */
    size_t best_dist;
} tfa_suggest;

void tfa_suggest_init(tfa_suggest *s, const char *want, size_t len);
void tfa_suggest_offer(tfa_suggest *s, const char *candidate);
/* The best candidate, or NULL when none is close enough. */
const char *tfa_suggest_best(const tfa_suggest *s);

#endif
