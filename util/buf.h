/*
 * buf.h - tfa_buf, the one growable byte buffer (curl's dynbuf, git's strbuf).
 *
 * Invariants, after tfa_buf_init and until tfa_buf_release:
 *  - `ptr` is never NULL and ptr[len] == '\0', so a buffer is always a valid
 *    C string (the data itself may contain NULs);
 *  - the buffer never grows past `max` bytes (a limit chosen by its creator);
 *  - out-of-memory or hitting `max` is sticky: the failing append and every
 *    later one do nothing, `oom` stays set, and tfa_buf_status() reports it,
 *    so a run of appends needs one check at the end.
 * tfa_buf_release on a zeroed or released buffer is a no-op.
 */
#ifndef TFA_BUF_H
#define TFA_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct tfa_buf {
    char *ptr;
    size_t len;
    size_t cap; /* 0 while ptr points at the shared empty string */
    size_t max;
    int failed; /* 0, TFA_ENOMEM or TFA_ELIMIT: the first failure */
} tfa_buf;

#define TFA_BUF_NO_MAX ((size_t)-1)

void tfa_buf_init(tfa_buf *buf, size_t max);
void tfa_buf_release(tfa_buf *buf);
/* Empty the buffer, keep its memory and clear a sticky failure. */
void tfa_buf_clear(tfa_buf *buf);
/* Shorten to `len` bytes (len <= buf->len). */
void tfa_buf_truncate(tfa_buf *buf, size_t len);

/* Appends return 0 or the sticky failure status (TFA_ENOMEM / TFA_ELIMIT). */
int tfa_buf_grow(tfa_buf *buf, size_t extra);
int tfa_buf_put(tfa_buf *buf, const void *data, size_t len);
int tfa_buf_puts(tfa_buf *buf, const char *s);
int tfa_buf_putc(tfa_buf *buf, char c);
int tfa_buf_printf(tfa_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tfa_buf_vprintf(tfa_buf *buf, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
int tfa_buf_status(const tfa_buf *buf);

/* Hand the bytes to the caller (free with tfa_free) and reset the buffer.
 * Returns NULL if the buffer had failed; the buffer is reset either way. */
char *tfa_buf_detach(tfa_buf *buf, size_t *len);

#endif
