/*
 * arena.h - a bump allocator freed in one call (libgit2's git_pool).
 *
 * A run's model lives in one arena: thousands of small strings and records
 * that all die together. Allocation is a pointer bump in 64 KiB blocks.
 * Built with TFA_ARENA_DEBUG (the sanitizer build), every allocation is its
 * own malloc block so AddressSanitizer still sees overflows between objects.
 */
#ifndef TFA_ARENA_H
#define TFA_ARENA_H

#include <stddef.h>

typedef struct tfa_arena tfa_arena;

int tfa_arena_new(tfa_arena **out);
void tfa_arena_free(tfa_arena *arena);

/* Memory aligned for any object; NULL on out-of-memory, and for a size so
 * close to SIZE_MAX that rounding it up would wrap. */
void *tfa_arena_alloc(tfa_arena *arena, size_t size);
void *tfa_arena_calloc(tfa_arena *arena, size_t n, size_t size);
/* NUL-terminated copy of len bytes. */
char *tfa_arena_strndup(tfa_arena *arena, const char *s, size_t len);
char *tfa_arena_strdup(tfa_arena *arena, const char *s);
/* Bytes handed out so far (for memory figures in benchmarks). */
size_t tfa_arena_used(const tfa_arena *arena);

#endif
