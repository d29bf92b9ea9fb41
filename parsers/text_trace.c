/*
 * text_trace.c - TF_LOG line grammar (see text_trace.h).
 */
#include "util/compat.h"

#include "lines.h"
#include "text_trace.h"

static const char *const levels[] = {"[TRACE]", "[DEBUG]", "[INFO]", "[WARN]", "[ERROR]"};

static tfa_text_span span_of(const char *p, size_t n)
{
    tfa_text_span s;
    s.ptr = p;
    s.len = n;
    return s;
}

/* `vertex "NAME" error: SUMMARY`; NAME is an address, maybe with a node
 * suffix (" (destroy)", " (expand)"), or a provider or other node. */
static void vertex_error(tfa_cur *c, tfa_text_trace *out)
{
    const char *name, *summary;
    size_t n, alen;

    if (!tfa_cur_lit(c, "vertex \"") || !tfa_cur_until(c, "\" error: ", &name, &n))
        return;
    summary = c->p;
    out->kind = TFA_TRACE_VERTEX_ERROR;
    out->vertex = span_of(name, n);
    out->summary = span_of(summary, tfa_cur_left(c));
    alen = tfa_text_address_len(name, n, 0);
    if (alen && (alen == n || (n > alen + 2 && name[alen] == ' ' && name[alen + 1] == '(' &&
                               name[n - 1] == ')')))
        out->addr = span_of(name, alen);
}

int tfa_text_trace_parse(const char *s, size_t len, tfa_text_trace *out)
{
    tfa_cur c = tfa_cur_of(s, len);
    size_t i;

    if (len < 6 || s[0] != '[') /* most lines: `out` is not looked at on 0 */
        return 0;
    memset(out, 0, sizeof(*out));
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (tfa_cur_lit(&c, levels[i]))
            break;
    if (i == sizeof(levels) / sizeof(levels[0]) || (!tfa_cur_eol(&c) && !tfa_cur_blanks(&c)))
        return 0;
    out->error = i == 4;
    if (tfa_text_version_parse(c.p, tfa_cur_left(&c), &out->tool, &out->version) &&
        (tfa_cur_peek(&c, "Terraform version: ") || tfa_cur_peek(&c, "OpenTofu version: "))) {
        out->kind = TFA_TRACE_VERSION;
    } else if (tfa_cur_lit(&c, "CLI args: []string{")) {
        out->kind = TFA_TRACE_ARGS;
        out->cmd = tfa_text_ci_args(c.p, tfa_cur_left(&c));
    } else if (out->error) {
        vertex_error(&c, out);
    }
    return 1;
}
