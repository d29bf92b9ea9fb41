/*
 * error.c - tfa_error recording and formatting (see error.h).
 */
#include "compat.h"

#include "error.h"

const char *tfa_status_str(int status)
{
    switch (status) {
    case TFA_OK:
        return "success";
    case TFA_EINPUT:
        return "bad input";
    case TFA_ENOTFOUND:
        return "not found";
    case TFA_EIO:
        return "input/output error";
    case TFA_ENOMEM:
        return "out of memory";
    case TFA_EVERSION:
        return "unsupported format version";
    case TFA_ELIMIT:
        return "limit exceeded";
    case TFA_EUSAGE:
        return "invalid usage";
    case TFA_ECONFLICT:
        return "conflicting concurrent update";
    case TFA_ENODOC:
        return "no document";
    default:
        return "unknown error";
    }
}

void tfa_error_init(tfa_error *err)
{
    err->status = 0;
    err->source[0] = '\0';
    err->line = err->column = 0;
    err->offset = UINT64_MAX;
    err->json_path[0] = '\0';
    err->message[0] = '\0';
}

void tfa_error_clear(tfa_error *err)
{
    tfa_error_init(err);
}

__attribute__((format(printf, 4, 0))) static int
vset(tfa_error *err, int status, const tfa_pos *pos, const char *fmt, va_list ap)
{
    if (!err || err->status != 0)
        return status;
    err->status = status;
    if (pos) {
        err->line = pos->line;
        err->column = pos->column;
        err->offset = pos->offset;
    }
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return status;
}

int tfa_error_set(tfa_error *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(err, status, NULL, fmt, ap);
    va_end(ap);
    return status;
}

int tfa_error_set_at(tfa_error *err, int status, const tfa_pos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(err, status, pos, fmt, ap);
    va_end(ap);
    return status;
}

int tfa_error_oom(tfa_error *err)
{
    return tfa_error_set(err, TFA_ENOMEM, "out of memory");
}

void tfa_error_set_source(tfa_error *err, const char *source)
{
    if (err && source && err->source[0] == '\0')
        snprintf(err->source, sizeof(err->source), "%s", source);
}

void tfa_error_prefix_source(tfa_error *err, const char *outer)
{
    char tmp[TFA_ERROR_SOURCE_MAX];
    if (!err || !outer)
        return;
    if (err->source[0] == '\0') {
        snprintf(err->source, sizeof(err->source), "%s", outer);
        return;
    }
    /* outer + "!" + source, truncated to fit (no snprintf: gcc cannot see
     * that truncation is intended here) */
    {
        size_t a = strlen(outer), b = strlen(err->source), cap = sizeof(tmp) - 1;
        if (a > cap)
            a = cap;
        memcpy(tmp, outer, a);
        if (a < cap)
            tmp[a++] = '!';
        if (b > cap - a)
            b = cap - a;
        memcpy(tmp + a, err->source, b);
        tmp[a + b] = '\0';
    }
    memcpy(err->source, tmp, sizeof(tmp));
}

void tfa_error_format(const tfa_error *err, char *out, size_t size)
{
    const char *msg = err->message[0] ? err->message : tfa_status_str(err->status);
    if (err->source[0] && err->line)
        snprintf(out, size, "%s:%lu:%lu: %s", err->source, err->line, err->column, msg);
    else if (err->source[0])
        snprintf(out, size, "%s: %s", err->source, msg);
    else
        snprintf(out, size, "%s", msg);
}
