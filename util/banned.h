/*
 * banned.h - libc calls we never use (git's banned.h, curl's checksrc list).
 *
 * Included last by compat.h, so every tfaudit source that includes compat.h
 * gets a compile error for these. The CI lint step greps for them as well.
 * Use tfa_buf / snprintf / the cursor helpers instead; gmtime_r/localtime_r
 * instead of their static-buffer variants.
 */
#ifndef TFA_BANNED_H
#define TFA_BANNED_H

#define TFA_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) TFA_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TFA_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TFA_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TFA_BANNED(strncat)
#undef sprintf
#define sprintf(...) TFA_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TFA_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TFA_BANNED(strtok)
#undef atoi
#define atoi(x) TFA_BANNED(atoi)
#undef atol
#define atol(x) TFA_BANNED(atol)
#undef sscanf
#define sscanf(...) TFA_BANNED(sscanf)
#undef gmtime
#define gmtime(t) TFA_BANNED(gmtime)
#undef localtime
#define localtime(t) TFA_BANNED(localtime)

#endif
