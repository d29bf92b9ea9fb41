/*
 * alloc.c - allocation wrappers with a failure-injection hook (see alloc.h).
 */
#include "compat.h"

#include <stdatomic.h>

#include "alloc.h"
#include "error.h"

/* The only mutable file-scope state in the code base: a test hook, see alloc.h. */
static atomic_long fail_countdown;
static atomic_long fail_count;
static atomic_int fail_once; /* tfa_alloc_fail_only: disarm after one failure */

static int should_fail(void)
{
    long n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (TFA_LIKELY(n == 0))
        return 0;
    if (n > 1) {
        atomic_fetch_sub_explicit(&fail_countdown, 1, memory_order_relaxed);
        return 0;
    }
    if (atomic_load_explicit(&fail_once, memory_order_relaxed))
        atomic_store(&fail_countdown, 0);
    atomic_fetch_add_explicit(&fail_count, 1, memory_order_relaxed);
    return 1;
}

void tfa_alloc_fail_after(long n)
{
    atomic_store(&fail_once, 0);
    atomic_store(&fail_countdown, n < 0 ? 0 : n);
    atomic_store(&fail_count, 0);
}

void tfa_alloc_fail_only(long n)
{
    tfa_alloc_fail_after(n);
    atomic_store(&fail_once, 1);
}

long tfa_alloc_failures(void)
{
    return atomic_load(&fail_count);
}

void *tfa_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *tfa_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *tfa_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void tfa_free(void *ptr)
{
    free(ptr);
}

char *tfa_strndup(const char *s, size_t len)
{
    char *p = tfa_malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *tfa_strdup(const char *s)
{
    return tfa_strndup(s, strlen(s));
}

int tfa_array_grow(void *pp, size_t *cap, size_t need, size_t size)
{
    void *p;
    size_t n = *cap ? *cap : 16;

    if (need <= *cap)
        return 0;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    if (size && n > SIZE_MAX / size)
        return TFA_ENOMEM;
    memcpy(&p, pp, sizeof(p));
    p = tfa_realloc(p, n * size);
    if (!p)
        return TFA_ENOMEM;
    memcpy(pp, &p, sizeof(p));
    *cap = n;
    return 0;
}
