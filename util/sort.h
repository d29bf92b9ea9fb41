/*
 * sort.h - qsort that accepts an empty array.
 *
 * qsort(NULL, 0, ...) is undefined behaviour (its first argument is declared
 * non-null) and empty lists are common here (no drift, no changes), so every
 * sort in tfaudit goes through this.
 */
#ifndef TFA_SORT_H
#define TFA_SORT_H

#include <stdlib.h>

static inline void tfa_sort(void *base, size_t n, size_t size,
                            int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

#endif
