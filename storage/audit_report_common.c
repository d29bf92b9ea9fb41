/*
 * audit_report_common.c - what the audit report writers share: the
 * regression list and escaping (see audit_report.h).
 */
#include "util/compat.h"

#include "audit_report.h"
#include "utc.h"

int tfa_audit_regressions(const tfa_audit_result *r, tfa_audit_regression_fn fn, void *payload)
{
    size_t i, k;
    int rc;

    for (i = 0; i < r->n_ws; i++) {
        const tfa_audit_ws *w = &r->ws[i];
        tfa_audit_regression g = {w, NULL, NULL};
        if (w->state != TFA_AUDIT_AUDITED) {
            if (w->regressions && (rc = fn(&g, payload)) != 0)
                return rc;
            continue;
        }
        for (k = 0; k < w->n_items; k++) {
            if (w->items[k].delta != TFA_DELTA_NEW)
                continue;
            g.item = &w->items[k];
            if ((rc = fn(&g, payload)) != 0)
                return rc;
        }
        g.item = NULL;
        for (k = 0; k < w->n_drift; k++) {
            if (!w->drift[k].is_new)
                continue;
            g.drift = &w->drift[k];
            if ((rc = fn(&g, payload)) != 0)
                return rc;
        }
    }
    return 0;
}

void tfa_audit_regression_text(const tfa_audit_regression *g, tfa_buf *out)
{
    const tfa_audit_ws *w = g->ws;
    if (g->item)
        tfa_buf_printf(out, "%s: new failure `%s` (%s, %s)%s%s", w->name, g->item->id,
                       g->item->level, tfa_item_status_name(g->item->status),
                       g->item->reason ? ": " : "", g->item->reason ? g->item->reason : "");
    else if (g->drift)
        tfa_buf_printf(out, "%s: new drift %s", w->name, g->drift->address);
    else if (w->state == TFA_AUDIT_MISSING)
        tfa_buf_printf(out, "%s: missing: no inputs this time (last seen in %s)", w->name,
                       w->last_seen ? w->last_seen : "no audit");
    else
        tfa_buf_printf(out, "%s: inputs cannot be read: %s", w->name,
                       w->error ? w->error : "unknown error");
}

void tfa_audit_time(int64_t t, char out[32])
{
    char iso[TFA_UTC_ISO_SIZE];
    tfa_utc_format_iso(t, iso);
    snprintf(out, 32, "%s", iso);
}

int tfa_audit_put_escaped(tfa_buf *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            tfa_buf_puts(out, "&amp;");
            break;
        case '<':
            tfa_buf_puts(out, "&lt;");
            break;
        case '>':
            tfa_buf_puts(out, "&gt;");
            break;
        case '"':
            tfa_buf_puts(out, "&quot;");
            break;
        case '\'':
            tfa_buf_puts(out, "&#39;");
            break;
        default:
            tfa_buf_putc(out, *s);
        }
    }
    return tfa_buf_status(out);
}
