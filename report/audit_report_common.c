/*
 * audit_report_common.c - what the audit report writers share: the
 * regression list and the per-format styles (see audit_report.h).
 */
#include "util/compat.h"

#include "audit_report.h"
#include "util/escape.h"
#include "util/utc.h"

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

static int text_code(tfa_buf *out, const char *s)
{
    tfa_buf_putc(out, '`');
    tfa_esc_text(out, s);
    return tfa_buf_putc(out, '`');
}

const tfa_audit_style tfa_audit_style_text = {tfa_esc_text, text_code};
const tfa_audit_style tfa_audit_style_md = {tfa_esc_md_text, tfa_esc_md_code};

void tfa_audit_regression_text(const tfa_audit_regression *g, const tfa_audit_style *st,
                               tfa_buf *out)
{
    const tfa_audit_ws *w = g->ws;
    st->text(out, w->name);
    if (g->item) {
        tfa_buf_puts(out, ": new failure ");
        st->code(out, g->item->id);
        tfa_buf_puts(out, " (");
        st->text(out, g->item->level);
        tfa_buf_printf(out, ", %s)", tfa_item_status_name(g->item->status));
        if (g->item->reason) {
            tfa_buf_puts(out, ": ");
            st->text(out, g->item->reason);
        }
    } else if (g->drift) {
        tfa_buf_puts(out, ": new drift ");
        st->text(out, g->drift->address);
    } else if (w->state == TFA_AUDIT_MISSING) {
        tfa_buf_puts(out, ": missing: no inputs this time (last seen in ");
        st->text(out, w->last_seen ? w->last_seen : "no audit");
        tfa_buf_putc(out, ')');
    } else {
        tfa_buf_puts(out, ": inputs cannot be read: ");
        st->text(out, w->error ? w->error : "unknown error");
    }
}

void tfa_audit_time(int64_t t, char out[32])
{
    char iso[TFA_UTC_ISO_SIZE];
    tfa_utc_format_iso(t, iso);
    snprintf(out, 32, "%s", iso);
}
