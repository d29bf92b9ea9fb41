/*
 * rollout_section.c - replacing the tfaudit section of a Markdown document
 * (see rollout_section.h).
 */
#include "util/compat.h"

#include "rollout_section.h"

static const char *find(const char *hay, size_t len, const char *needle)
{
    return memmem(hay, len, needle, strlen(needle));
}

/* The body with each "\n" written as `nl`. */
static void put_body(tfa_buf *out, const char *body, const char *nl)
{
    for (; *body; body++) {
        if (*body == '\n')
            tfa_buf_puts(out, nl);
        else
            tfa_buf_putc(out, *body);
    }
}

int tfa_rollout_section_replace(tfa_buf *out, const char *doc, size_t len, const char *body,
                                tfa_error *err)
{
    const char *start = find(doc, len, TFA_ROLLOUT_START), *end, *first_end;
    const char *eol = memchr(doc, '\n', len);
    const char *nl = eol && eol > doc && eol[-1] == '\r' ? "\r\n" : "\n";
    size_t after;

    first_end = find(doc, len, TFA_ROLLOUT_END);
    if (!start) {
        if (first_end)
            return tfa_error_set(err, TFA_EINPUT, "an evidence end marker has no start marker");
        tfa_buf_put(out, doc, len);
        if (len && doc[len - 1] != '\n')
            tfa_buf_puts(out, nl);
        if (len)
            tfa_buf_puts(out, nl);
        tfa_buf_puts(out, TFA_ROLLOUT_START);
        tfa_buf_puts(out, nl);
        put_body(out, body, nl);
        tfa_buf_puts(out, TFA_ROLLOUT_END);
        tfa_buf_puts(out, nl);
        return tfa_buf_status(out) ? tfa_error_oom(err) : 0;
    }
    if (first_end && first_end < start)
        return tfa_error_set(err, TFA_EINPUT,
                             "an evidence end marker comes before the start marker");
    after = (size_t)(start - doc) + strlen(TFA_ROLLOUT_START);
    end = find(doc + after, len - after, TFA_ROLLOUT_END);
    if (!end)
        return tfa_error_set(err, TFA_EINPUT, "the evidence start marker has no end marker");
    tfa_buf_put(out, doc, after);
    tfa_buf_puts(out, nl);
    put_body(out, body, nl);
    tfa_buf_put(out, end, len - (size_t)(end - doc));
    return tfa_buf_status(out) ? tfa_error_oom(err) : 0;
}
