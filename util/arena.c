/*
 * arena.c - tfa_arena (see arena.h).
 */
#include "compat.h"

#include "alloc.h"
#include "arena.h"
#include "error.h"

#define ARENA_BLOCK_BYTES (64u * 1024u)
#define ARENA_ALIGN       (sizeof(max_align_t))

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[]; /* aligned payload */
} block;

struct tfa_arena {
    block *head;
    size_t used;
};

int tfa_arena_new(tfa_arena **out)
{
    *out = tfa_calloc(1, sizeof(tfa_arena));
    return *out ? 0 : TFA_ENOMEM;
}

void tfa_arena_free(tfa_arena *arena)
{
    block *b, *next;
    if (!arena)
        return;
    for (b = arena->head; b; b = next) {
        next = b->next;
        tfa_free(b);
    }
    tfa_free(arena);
}

/* The largest request that still fits a block header and the rounding up
 * to ARENA_ALIGN without wrapping around SIZE_MAX: anything larger would
 * round to a few bytes and hand out memory the caller overruns. */
#define ARENA_MAX_REQUEST (SIZE_MAX - sizeof(block) - ARENA_ALIGN)

static block *new_block(size_t size)
{
    block *b = size <= ARENA_MAX_REQUEST ? tfa_malloc(sizeof(block) + size) : NULL;
    if (!b)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

#ifdef TFA_ARENA_DEBUG
void *tfa_arena_alloc(tfa_arena *arena, size_t size)
{
    block *b = new_block(size);
    if (!b)
        return NULL;
    b->next = arena->head;
    arena->head = b;
    arena->used += size;
    return b->data;
}
#else
void *tfa_arena_alloc(tfa_arena *arena, size_t size)
{
    block *b = arena->head;
    size_t need;
    void *p;

    if (size > ARENA_MAX_REQUEST)
        return NULL;
    need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

    if (!b || b->size - b->used < need) {
        if (need > ARENA_BLOCK_BYTES / 4) {
            /* A big object gets its own block behind the current one, so
             * the current block's free tail is not wasted. */
            block *big = new_block(need);
            if (!big)
                return NULL;
            big->used = need;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                arena->head = big;
            }
            arena->used += need;
            return big->data;
        }
        b = new_block(ARENA_BLOCK_BYTES);
        if (!b)
            return NULL;
        b->next = arena->head;
        arena->head = b;
    }
    p = (char *)b->data + b->used;
    b->used += need;
    arena->used += need;
    return p;
}
#endif

void *tfa_arena_calloc(tfa_arena *arena, size_t n, size_t size)
{
    void *p;
    if (size && n > SIZE_MAX / size)
        return NULL;
    p = tfa_arena_alloc(arena, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

char *tfa_arena_strndup(tfa_arena *arena, const char *s, size_t len)
{
    char *p = len < SIZE_MAX ? tfa_arena_alloc(arena, len + 1) : NULL; /* len + 1 would wrap */
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *tfa_arena_strdup(tfa_arena *arena, const char *s)
{
    return tfa_arena_strndup(arena, s, strlen(s));
}

size_t tfa_arena_used(const tfa_arena *arena)
{
    return arena->used;
}
