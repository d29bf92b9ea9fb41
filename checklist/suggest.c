/*
 * suggest.c - closest-name suggestions (see suggest.h).
 */
#include "util/compat.h"

#include "suggest.h"

void tfa_suggest_init(tfa_suggest *s, const char *want, size_t len)
{
    if (len >= sizeof(s->want))
        len = sizeof(s->want) - 1;
    memcpy(s->want, want, len);
    s->want[len] = '\0';
    s->want_len = len;
    s->best = NULL;
    s->best_dist = (size_t)-1;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment distance, three rows of the DP table. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][TFA_SUGGEST_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
    size_t i, j;

    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        t = prev2, prev2 = prev, prev = cur, cur = t;
    }
    return prev[lb];
}

void tfa_suggest_offer(tfa_suggest *s, const char *candidate)
{
    size_t len = strlen(candidate), d, limit;

    if (len > TFA_SUGGEST_MAX || s->want_len == 0)
        return;
    d = distance(s->want, s->want_len, candidate, len);
    /* A typo is a few edits; beyond a third of the name it is another name. */
    limit = s->want_len / 3 > 2 ? s->want_len / 3 : 2;
    if (d <= limit && d < s->best_dist) {
        s->best = candidate;
        s->best_dist = d;
    }
}

const char *tfa_suggest_best(const tfa_suggest *s)
{
    return s->best;
}
