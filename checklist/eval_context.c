/*
 * eval_context.c - the caller's assertions for an evaluation (see
 * eval_context.h). A handful of names: a linear scan over a sequence, the
 * strings in an arena freed with the context.
 */
#include "util/compat.h"

#include "eval_context.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/seq.h"

typedef struct entry {
    const char *name;
    tfa_context_value value;
} entry;

struct tfa_eval_context {
    tfa_seq entries; /* of entry */
    tfa_arena *arena;
};

int tfa_eval_context_new(tfa_eval_context **out)
{
    tfa_eval_context *ctx = tfa_calloc(1, sizeof(*ctx));

    *out = NULL;
    if (!ctx)
        return TFA_ENOMEM;
    if (tfa_arena_new(&ctx->arena) != 0) {
        tfa_free(ctx);
        return TFA_ENOMEM;
    }
    tfa_seq_init(&ctx->entries, sizeof(entry));
    *out = ctx;
    return 0;
}

void tfa_eval_context_free(tfa_eval_context *ctx)
{
    if (!ctx)
        return;
    tfa_seq_release(&ctx->entries);
    tfa_arena_free(ctx->arena);
    tfa_free(ctx);
}

static entry *find(const tfa_eval_context *ctx, const char *name)
{
    size_t i;
    for (i = 0; i < ctx->entries.count; i++) {
        entry *e = tfa_seq_at(&ctx->entries, i);
        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

const tfa_context_value *tfa_eval_context_get(const tfa_eval_context *ctx, const char *name)
{
    const entry *e = ctx ? find(ctx, name) : NULL;
    return e ? &e->value : NULL;
}

/* The entry of `name`, made when missing; NULL on out-of-memory. */
static entry *slot(tfa_eval_context *ctx, const char *name)
{
    entry *e = find(ctx, name);
    if (e)
        return e;
    if (!(e = tfa_seq_push(&ctx->entries)))
        return NULL;
    if (!(e->name = tfa_arena_strdup(ctx->arena, name))) {
        tfa_seq_pop(&ctx->entries);
        return NULL;
    }
    return e;
}

int tfa_eval_context_set_str(tfa_eval_context *ctx, const char *name, const char *value)
{
    char *copy = tfa_arena_strdup(ctx->arena, value);
    entry *e = copy ? slot(ctx, name) : NULL;

    /* the copy first: a failure leaves a set name with its old value, a
     * new name unset, never a name without a value */
    if (!e)
        return TFA_ENOMEM;
    e->value.type = TFA_CONTEXT_STR;
    e->value.str = copy;
    e->value.boolean = 0;
    return 0;
}

int tfa_eval_context_set_bool(tfa_eval_context *ctx, const char *name, int value)
{
    entry *e = slot(ctx, name);

    if (!e)
        return TFA_ENOMEM;
    e->value.type = TFA_CONTEXT_BOOL;
    e->value.str = NULL;
    e->value.boolean = value != 0;
    return 0;
}
