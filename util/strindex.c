/*
 * strindex.c - names to positions (see strindex.h).
 */
#include "util/compat.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/strindex.h"

#define SEED 0x6e616d6573ull /* "names" */

void tfa_strindex_release(tfa_strindex *ix)
{
    tfa_free(ix->slots);
    memset(ix, 0, sizeof(*ix));
}

/* The slot holding `key`, or the empty slot where it would go. */
static tfa_strindex_slot *probe(const tfa_strindex *ix, const char *key, uint64_t h)
{
    size_t j;
    for (j = h & (ix->cap - 1); ix->slots[j].key; j = (j + 1) & (ix->cap - 1))
        if (ix->slots[j].hash == h && strcmp(ix->slots[j].key, key) == 0)
            break;
    return &ix->slots[j];
}

int tfa_strindex_find(const tfa_strindex *ix, const char *key, size_t *value)
{
    const tfa_strindex_slot *s;
    if (!ix->cap)
        return 0;
    s = probe(ix, key, tfa_hash64(key, strlen(key), SEED));
    if (!s->key)
        return 0;
    if (value)
        *value = s->value;
    return 1;
}

static int grow(tfa_strindex *ix)
{
    tfa_strindex old = *ix;
    size_t cap = ix->cap ? ix->cap * 2 : 64, i;

    if (!(ix->slots = tfa_calloc(cap, sizeof(*ix->slots)))) {
        ix->slots = old.slots;
        return TFA_ENOMEM;
    }
    ix->cap = cap;
    for (i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *probe(ix, old.slots[i].key, old.slots[i].hash) = old.slots[i];
    tfa_free(old.slots);
    return 0;
}

int tfa_strindex_put(tfa_strindex *ix, const char *key, size_t value)
{
    uint64_t h = tfa_hash64(key, strlen(key), SEED);
    tfa_strindex_slot *s;

    if ((ix->count + 1) * 4 > ix->cap * 3 && grow(ix) != 0)
        return TFA_ENOMEM;
    s = probe(ix, key, h);
    if (!s->key) {
        s->key = key;
        s->hash = h;
        ix->count++;
    }
    s->value = value;
    return 0;
}
