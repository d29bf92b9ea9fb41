/*
 * buf.c - tfa_buf (see buf.h for the invariants).
 */
#include "compat.h"

#include "alloc.h"
#include "buf.h"
#include "error.h"

/* Shared empty string so an initialised buffer needs no allocation. Never
 * written: cap == 0 marks a buffer still pointing here. */
static char empty_string[1];

void tfa_buf_init(tfa_buf *buf, size_t max)
{
    buf->ptr = empty_string;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
    buf->failed = 0;
}

void tfa_buf_release(tfa_buf *buf)
{
    if (buf->cap)
        tfa_free(buf->ptr);
    tfa_buf_init(buf, buf->max);
}

void tfa_buf_clear(tfa_buf *buf)
{
    buf->len = 0;
    if (buf->cap)
        buf->ptr[0] = '\0';
    buf->failed = 0;
}

void tfa_buf_truncate(tfa_buf *buf, size_t len)
{
    assert(len <= buf->len);
    buf->len = len;
    if (buf->cap)
        buf->ptr[len] = '\0';
}

int tfa_buf_grow(tfa_buf *buf, size_t extra)
{
    size_t need, cap;
    char *p;

    if (buf->failed)
        return buf->failed;
    if (extra > buf->max || buf->len > buf->max - extra) {
        buf->failed = TFA_ELIMIT;
        return buf->failed;
    }
    need = buf->len + extra + 1;
    if (need <= buf->cap)
        return 0;
    cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = tfa_realloc(buf->cap ? buf->ptr : NULL, cap);
    if (!p) {
        buf->failed = TFA_ENOMEM;
        return buf->failed;
    }
    if (!buf->cap)
        p[0] = '\0';
    buf->ptr = p;
    buf->cap = cap;
    return 0;
}

int tfa_buf_put(tfa_buf *buf, const void *data, size_t len)
{
    int rc = tfa_buf_grow(buf, len);
    if (rc)
        return rc;
    if (len)
        memcpy(buf->ptr + buf->len, data, len);
    buf->len += len;
    buf->ptr[buf->len] = '\0';
    return 0;
}

int tfa_buf_puts(tfa_buf *buf, const char *s)
{
    return tfa_buf_put(buf, s, strlen(s));
}

int tfa_buf_putc(tfa_buf *buf, char c)
{
    return tfa_buf_put(buf, &c, 1);
}

int tfa_buf_vprintf(tfa_buf *buf, const char *fmt, va_list ap)
{
    va_list cp;
    int n, rc;

    if (buf->failed)
        return buf->failed;
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        buf->failed = TFA_EINPUT;
        return buf->failed;
    }
    rc = tfa_buf_grow(buf, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return 0;
}

int tfa_buf_printf(tfa_buf *buf, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = tfa_buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return rc;
}

int tfa_buf_status(const tfa_buf *buf)
{
    return buf->failed;
}

char *tfa_buf_detach(tfa_buf *buf, size_t *len)
{
    char *p = NULL;

    if (!buf->failed) {
        p = buf->cap ? buf->ptr : tfa_strndup("", 0);
        if (p && len)
            *len = buf->len;
        if (p)
            buf->cap = 0; /* ownership moved to the caller */
    }
    tfa_buf_release(buf);
    return p;
}
