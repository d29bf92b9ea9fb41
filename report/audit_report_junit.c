/*
 * audit_report_junit.c - the audit as JUnit XML: a <testsuite> per
 * workspace, a <testcase> per item. Items that block (FAIL, ERROR, PENDING
 * on hard or soft items) are <failure>s, waived ones <skipped>; a missing
 * or unreadable workspace is one failing <testcase name="inputs">; members
 * --skip-unknown left out are listed in the suite's <system-out>.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "util/escape.h"

static void attr(tfa_buf *out, const char *name, const char *value)
{
    tfa_buf_printf(out, " %s=\"", name);
    tfa_esc_xml(out, value);
    tfa_buf_putc(out, '"');
}

static void testcase(tfa_buf *out, const tfa_audit_ws *w, const tfa_audit_item *it)
{
    tfa_buf_puts(out, "    <testcase");
    attr(out, "classname", w->name);
    attr(out, "name", it->id);
    tfa_buf_puts(out, ">");
    if (it->blocks) {
        tfa_buf_puts(out, "<failure");
        attr(out, "type", tfa_item_status_name(it->status));
        attr(out, "message", it->reason ? it->reason : tfa_item_status_name(it->status));
        tfa_buf_putc(out, '>');
        tfa_esc_xml_body(out, it->level);
        tfa_buf_printf(out, " (%s), %s", tfa_audit_delta_name(it->delta),
                       it->delta == TFA_DELTA_RECURRING ? "failing again" : "");
        if (it->streak > 1)
            tfa_buf_printf(out, " %u audits in a row", it->streak);
        tfa_buf_puts(out, "</failure>");
    } else if (it->status == TFA_ITEM_WAIVED) {
        tfa_buf_puts(out, "<skipped message=\"waived\"/>");
    }
    tfa_buf_puts(out, "</testcase>\n");
}

int tfa_audit_report_junit(tfa_buf *out, const tfa_audit_result *r)
{
    size_t i, k;

    tfa_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
    attr(out, "name", r->id);
    tfa_buf_printf(out, " tests=\"%zu\" failures=\"%zu\">\n", r->n_ws, r->totals.nogo);
    for (i = 0; i < r->n_ws; i++) {
        const tfa_audit_ws *w = &r->ws[i];
        int audited = w->state == TFA_AUDIT_AUDITED;
        size_t fails = 0, skipped = 0;
        for (k = 0; audited && k < w->n_items; k++) {
            fails += w->items[k].blocks != 0;
            skipped += !w->items[k].blocks && w->items[k].status == TFA_ITEM_WAIVED;
        }
        tfa_buf_puts(out, "  <testsuite");
        attr(out, "name", w->name);
        tfa_buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
                       audited ? w->n_items : 1, audited ? fails : 1, skipped);
        if (!audited) {
            tfa_buf_puts(out, "    <testcase");
            attr(out, "classname", w->name);
            tfa_buf_puts(out, " name=\"inputs\"><failure");
            attr(out, "type", tfa_audit_state_name(w->state));
            attr(out, "message",
                 w->state == TFA_AUDIT_MISSING ? "no inputs this time"
                                               : (w->error ? w->error : ""));
            tfa_buf_puts(out, "/></testcase>\n");
        }
        for (k = 0; audited && k < w->n_items; k++)
            testcase(out, w, &w->items[k]);
        if (w->n_skipped) { /* what the verdict did not cover, never silently */
            tfa_buf_puts(out, "    <system-out>");
            for (k = 0; k < w->n_skipped; k++) {
                tfa_buf_puts(out, "skipped (--skip-unknown): ");
                tfa_esc_xml_body(out, w->skipped[k]);
                tfa_buf_putc(out, '\n');
            }
            tfa_buf_puts(out, "</system-out>\n");
        }
        tfa_buf_puts(out, "  </testsuite>\n");
    }
    tfa_buf_puts(out, "</testsuites>\n");
    return tfa_buf_status(out);
}
