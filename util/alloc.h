/*
 * alloc.h - the one allocator every tfaudit module uses.
 *
 * All heap memory goes through these wrappers (and jansson is pointed at them
 * with json_set_alloc_funcs), so a test can make the Nth allocation fail and
 * check that every caller reports TFA_ENOMEM cleanly instead of crashing
 * (curl's "torture" mode, SQLite's OOM tests).
 *
 * tfa_free(NULL) is a no-op, like free().
 */
#ifndef TFA_ALLOC_H
#define TFA_ALLOC_H

#include <stddef.h>

void *tfa_malloc(size_t size);
void *tfa_calloc(size_t n, size_t size);
/* Like realloc, but on failure the old block is left untouched and NULL returned. */
void *tfa_realloc(void *ptr, size_t size);
void tfa_free(void *ptr);
/* Copy of the first len bytes of s plus a NUL; NULL on out-of-memory. */
char *tfa_strndup(const char *s, size_t len);
char *tfa_strdup(const char *s);

/*
 * Make room for `need` elements of `size` bytes in the array *(void **)pp
 * whose capacity is *cap, doubling it (from 16). 0, or TFA_ENOMEM with the
 * array untouched. Every growable array in tfaudit uses this.
 */
int tfa_array_grow(void *pp, size_t *cap, size_t need, size_t size);

/*
 * Test hook: make the allocation `n` calls from now fail (1 = the next one),
 * and every later one until re-armed; 0 disarms. The counter is process-wide
 * on purpose: it exists only for the allocation-failure tests, which run one
 * case per forked process (Check's default), and costs one atomic load per
 * allocation otherwise.
 */
void tfa_alloc_fail_after(long n);
/* The same, but only allocation `n` fails and the later ones succeed: what
 * a caller that ignores one failure and carries on would build is then
 * visible (a document one field short), not hidden by failures after it. */
void tfa_alloc_fail_only(long n);
/* Number of allocations that the hook made fail since it was last armed. */
long tfa_alloc_failures(void);

#endif
