/*
 * report_json.c - `--format json`: the verdict record (tfaudit.verdict/1,
 * built by checklist/verdict_json.c, the same document gate records),
 * indented, keys in schema order.
 */
#include "util/compat.h"

#include "report_int.h"

int tfa_report_json(tfa_buf *out, const tfa_verdict *v)
{
    json_t *root = tfa_verdict_to_json(v);
    json_free_t free_fn = NULL;
    char *text;

    if (!root)
        return TFA_ENOMEM;
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return TFA_ENOMEM;
    tfa_buf_puts(out, text);
    tfa_buf_putc(out, '\n');
    json_get_alloc_funcs(NULL, &free_fn);
    free_fn(text);
    return tfa_buf_status(out);
}
