/*
 * compat.h - the first include of every tfaudit source file.
 *
 * Pulls in the standard headers the code base relies on, then banned.h, so a
 * banned call anywhere below is a compile error (a system header included
 * after banned.h would trip over the macros, hence the fixed list here).
 */
#ifndef TFA_COMPAT_H
#define TFA_COMPAT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, strcasestr-free code, gmtime_r, posix_fadvise */
#endif

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

#define TFA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define TFA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TFA_LIKELY(x)    __builtin_expect(!!(x), 1)
#define TFA_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#else
#define TFA_PRINTF(f, a)
#define TFA_LIKELY(x)   (x)
#define TFA_UNLIKELY(x) (x)
#endif

#endif
