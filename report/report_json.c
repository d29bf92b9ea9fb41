/*
 * report_json.c - `--format json`: the verdict record (tfaudit.verdict/1,
 * built by checklist/verdict_json.c, the same document gate records),
 * indented, keys in schema order.
 */
#include "util/compat.h"

#include "report_int.h"

int tfa_report_json(tfa_buf *out, const tfa_verdict *v)
{
    return tfa_report_dump_json(out, tfa_verdict_to_json(v));
}
