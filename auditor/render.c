/*
 * render.c - shared output pieces (see render.h).
 */
#include "util/compat.h"

#include "exit.h"
#include "msg.h"
#include "render.h"
#include "util/buf.h"
#include "util/escape.h"
#include "util/jbuild.h"

void tfa_render_text(FILE *out, const char *s)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_esc_text(&b, s);
    fwrite(b.ptr, 1, b.len, out);
    tfa_buf_release(&b);
}

void tfa_render_printf(FILE *out, const char *fmt, ...)
{
    size_t n = strlen(fmt);
    int eol = n && fmt[n - 1] == '\n';
    tfa_buf raw, b;
    va_list ap;

    tfa_buf_init(&raw, TFA_BUF_NO_MAX);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    va_start(ap, fmt);
    tfa_buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    tfa_esc_text_n(&b, raw.ptr, eol && raw.len ? raw.len - 1 : raw.len);
    if (eol)
        tfa_buf_putc(&b, '\n');
    if (tfa_buf_status(&b)) /* never a partial line that looks whole */
        fputs("tfaudit: out of memory\n", out);
    else
        fwrite(b.ptr, 1, b.len, out);
    tfa_buf_release(&raw);
    tfa_buf_release(&b);
}

const char *tfa_render_symbol(tfa_action action)
{
    switch (action) {
    case TFA_ACTION_CREATE:
        return "+";
    case TFA_ACTION_UPDATE:
        return "~";
    case TFA_ACTION_DELETE:
        return "-";
    case TFA_ACTION_REPLACE:
        return "-/+";
    case TFA_ACTION_READ:
        return "<=";
    case TFA_ACTION_FORGET:
        return ".";
    case TFA_ACTION_NOOP:
        return " ";
    default:
        return "?";
    }
}

void tfa_render_paths(FILE *out, const tfa_change *c)
{
    size_t i;
    for (i = 0; i < c->n_changed; i++) {
        const char *p = c->changed[i][0] ? c->changed[i] : "(whole object)";
        tfa_render_printf(out, "%s%s%s", i ? ", " : "", p,
                          c->changed_sensitive[i] ? " (sensitive)" : "");
    }
    if (c->changed_truncated)
        fputs(", ...", out);
}

json_t *tfa_render_paths_json(const tfa_change *c)
{
    json_t *arr = json_array();
    size_t i;
    int bad = 0;
    for (i = 0; i < c->n_changed; i++)
        tfa_jbuild_append(arr,
                          json_pack("{s:s, s:b}", "path", c->changed[i], "sensitive",
                                    c->changed_sensitive[i] != 0),
                          &bad);
    return tfa_jbuild_done(arr, bad);
}

int tfa_render_json(json_t *root)
{
    int rc = 0;
    if (!root) /* a document that could not be built whole */
        return tfa_msg_error("out of memory");
    if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        rc = tfa_msg_error("cannot write the output");
    else
        fputc('\n', stdout);
    json_decref(root);
    return rc;
}

int tfa_render_finish(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return tfa_msg_error("cannot write the output: %s", strerror(errno));
    return 0;
}
