/*
 * redact.c - redactor dispatch (see redact.h for why it is empty).
 */
#include "util/compat.h"

#include "redact.h"

int tfa_redact_supported(tfa_kind kind)
{
    (void)kind;
    return 0;
}

int tfa_redact_input(tfa_buf *out, tfa_kind kind, const char *data, size_t len, tfa_error *err)
{
    (void)out;
    (void)data;
    (void)len;
    return tfa_error_set(err, TFA_ENOTFOUND, "no redactor for %s inputs yet", tfa_kind_name(kind));
}
