/*
 * valdiff.c - changed attribute paths by leaf digests (see valdiff.h).
 *
 * One open-addressing table keyed by the path's hash holds, per path, the
 * digest seen on each side. Path text goes into one pool buffer, NUL
 * separated, so the result can point into it without copies.
 */
#include "util/compat.h"

#include "util/sort.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "valdiff.h"

#define F_BEFORE  1u
#define F_AFTER   2u
#define F_UNKNOWN 4u

typedef struct entry {
    uint64_t path_hash, before, after;
    size_t path_off, path_len;
    unsigned flags;
} entry;

struct tfa_valdiff {
    entry *entries;
    size_t count, cap; /* entries */
    uint32_t *index;   /* slot -> entry + 1; 0 = empty */
    size_t index_cap;  /* power of two */
    tfa_buf pool;      /* path text, NUL separated */
    size_t *sens_off;  /* sensitive paths in the pool */
    size_t sens_count, sens_cap;
    const char **out_paths;
    unsigned char *out_sens;
    size_t out_cap;
};

int tfa_valdiff_new(tfa_valdiff **out)
{
    tfa_valdiff *d = tfa_calloc(1, sizeof(*d));
    *out = NULL;
    if (!d)
        return TFA_ENOMEM;
    tfa_buf_init(&d->pool, TFA_BUF_NO_MAX);
    *out = d;
    return 0;
}

void tfa_valdiff_free(tfa_valdiff *d)
{
    if (!d)
        return;
    tfa_free(d->entries);
    tfa_free(d->index);
    tfa_buf_release(&d->pool);
    tfa_free(d->sens_off);
    tfa_free(d->out_paths);
    tfa_free(d->out_sens);
    tfa_free(d);
}

void tfa_valdiff_reset(tfa_valdiff *d)
{
    if (d->count && d->index)
        memset(d->index, 0, d->index_cap * sizeof(*d->index));
    d->count = 0;
    d->sens_count = 0;
    tfa_buf_clear(&d->pool);
}

static int pool_add(tfa_valdiff *d, const char *path, size_t len, size_t *off)
{
    *off = d->pool.len;
    tfa_buf_put(&d->pool, path, len);
    return tfa_buf_putc(&d->pool, '\0') ? TFA_ENOMEM : 0;
}

static int grow_index(tfa_valdiff *d)
{
    size_t cap = d->index_cap ? d->index_cap * 2 : 64, i;
    uint32_t *idx = tfa_calloc(cap, sizeof(*idx));
    if (!idx)
        return TFA_ENOMEM;
    for (i = 0; i < d->count; i++) {
        size_t j = d->entries[i].path_hash & (cap - 1);
        while (idx[j])
            j = (j + 1) & (cap - 1);
        idx[j] = (uint32_t)(i + 1);
    }
    tfa_free(d->index);
    d->index = idx;
    d->index_cap = cap;
    return 0;
}

static entry *find_or_add(tfa_valdiff *d, const char *path, size_t len, uint64_t h)
{
    size_t j;
    entry *e;

    if ((d->count + 1) * 2 > d->index_cap && grow_index(d) != 0)
        return NULL;
    for (j = h & (d->index_cap - 1); d->index[j]; j = (j + 1) & (d->index_cap - 1)) {
        e = &d->entries[d->index[j] - 1];
        if (e->path_hash == h && e->path_len == len &&
            memcmp(d->pool.ptr + e->path_off, path, len) == 0)
            return e;
    }
    if (tfa_array_grow(&d->entries, &d->cap, d->count + 1, sizeof(*d->entries)) != 0)
        return NULL;
    e = &d->entries[d->count];
    memset(e, 0, sizeof(*e));
    e->path_hash = h;
    e->path_len = len;
    if (pool_add(d, path, len, &e->path_off) != 0)
        return NULL;
    d->index[j] = (uint32_t)(++d->count);
    return e;
}

int tfa_valdiff_leaf(tfa_valdiff *d, tfa_side side, const char *path, size_t len, uint64_t digest)
{
    entry *e;

    if (side == TFA_SIDE_SENSITIVE) {
        if (tfa_array_grow(&d->sens_off, &d->sens_cap, d->sens_count + 1, sizeof(*d->sens_off)) !=
            0)
            return TFA_ENOMEM;
        return pool_add(d, path, len, &d->sens_off[d->sens_count++]);
    }
    e = find_or_add(d, path, len, tfa_hash64(path, len, 0x7061746873ull));
    if (!e)
        return TFA_ENOMEM;
    if (side == TFA_SIDE_BEFORE) {
        e->flags |= F_BEFORE;
        e->before = digest;
    } else if (side == TFA_SIDE_AFTER) {
        e->flags |= F_AFTER;
        e->after = digest;
    } else {
        e->flags |= F_UNKNOWN;
    }
    return 0;
}

/* The sensitive path covering `p`, if any: equal, or a prefix ending at a
 * component boundary ('.' or '['), or the root "". */
static const char *sensitive_cover(const tfa_valdiff *d, const char *p)
{
    size_t k;
    for (k = 0; k < d->sens_count; k++) {
        const char *s = d->pool.ptr + d->sens_off[k];
        size_t n = strlen(s);
        if (n == 0 || (strncmp(p, s, n) == 0 && (p[n] == '\0' || p[n] == '.' || p[n] == '[')))
            return s;
    }
    return NULL;
}

typedef struct outpath {
    const char *path;
    unsigned char sensitive;
} outpath;

static int cmp_out(const void *a, const void *b)
{
    return strcmp(((const outpath *)a)->path, ((const outpath *)b)->path);
}

static int changed(const entry *e)
{
    if (e->flags & F_UNKNOWN)
        return 1;
    if ((e->flags & (F_BEFORE | F_AFTER)) != (F_BEFORE | F_AFTER))
        return 1;
    return e->before != e->after;
}

static int ensure_out(tfa_valdiff *d, size_t n)
{
    const char **p;
    unsigned char *s;
    if (n <= d->out_cap)
        return 0;
    p = tfa_realloc(d->out_paths, n * sizeof(*p));
    if (!p)
        return TFA_ENOMEM;
    d->out_paths = p;
    s = tfa_realloc(d->out_sens, n);
    if (!s)
        return TFA_ENOMEM;
    d->out_sens = s;
    d->out_cap = n;
    return 0;
}

int tfa_valdiff_finish(tfa_valdiff *d, size_t max_paths, tfa_valdiff_result *out)
{
    outpath *tmp = NULL;
    size_t i, n = 0, w = 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < d->count; i++) {
        const entry *e = &d->entries[i];
        /* two lanes with different mixing, summed so order does not matter */
        uint64_t b = (e->flags & F_BEFORE) ? e->before : 0, a = (e->flags & F_AFTER) ? e->after : 0;
        uint64_t u = (e->flags & F_UNKNOWN) ? 0x756e6b6e6f776eull : 0;
        out->digest[0] += tfa_hash_mix(e->path_hash, tfa_hash_mix(b, tfa_hash_mix(a, u)));
        out->digest[1] += tfa_hash_mix(tfa_hash_mix(a ^ 0x5bd1e995ull, b) + u, e->path_hash);
        if (changed(e))
            n++;
    }
    if (n == 0)
        return 0;
    tmp = tfa_malloc(n * sizeof(*tmp));
    if (!tmp)
        return TFA_ENOMEM;
    for (i = 0, n = 0; i < d->count; i++) {
        const char *p = d->pool.ptr + d->entries[i].path_off, *cover;
        if (!changed(&d->entries[i]))
            continue;
        cover = sensitive_cover(d, p);
        tmp[n].path = cover ? cover : p;
        tmp[n].sensitive = cover != NULL;
        n++;
    }
    tfa_sort(tmp, n, sizeof(*tmp), cmp_out);
    for (i = 0; i < n; i++) /* drop duplicates (several paths under one sensitive one) */
        if (w == 0 || strcmp(tmp[w - 1].path, tmp[i].path) != 0)
            tmp[w++] = tmp[i];
    if (w > max_paths) {
        out->truncated = 1;
        w = max_paths;
    }
    if ((rc = ensure_out(d, w)) != 0)
        goto done;
    for (i = 0; i < w; i++) {
        d->out_paths[i] = tmp[i].path;
        d->out_sens[i] = tmp[i].sensitive;
    }
    out->paths = d->out_paths;
    out->sensitive = d->out_sens;
    out->n = w;
done:
    tfa_free(tmp);
    return rc;
}
