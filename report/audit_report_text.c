/*
 * audit_report_text.c - the terminal summary of an audit and of the trend
 * (see audit_report.h). Every string from an input or the ledger goes
 * through the text escaper: the only control characters here are the
 * report's own line breaks.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "util/escape.h"

static int line_regression(const tfa_audit_regression *g, void *payload)
{
    tfa_buf *out = payload;
    tfa_buf_puts(out, "  ");
    tfa_audit_regression_text(g, &tfa_audit_style_text, out);
    tfa_buf_putc(out, '\n');
    return 0;
}

static void failing_items(tfa_buf *out, const tfa_audit_ws *w)
{
    size_t i, n = 0;
    for (i = 0; i < w->n_items; i++)
        if (w->items[i].blocks)
            tfa_esc_textf(out, "%s%s", n++ ? ", " : "", w->items[i].id);
    if (!n)
        tfa_buf_puts(out, "-");
}

/* The heading of a section before its first line. */
static void head(tfa_buf *out, size_t *n, const char *title)
{
    if ((*n)++ == 0)
        tfa_buf_printf(out, "\n%s:\n", title);
}

static void sections(tfa_buf *out, const tfa_audit_result *r)
{
    size_t i, k, n;

    for (i = 0, n = 0; i < r->n_ws; i++)
        for (k = 0; r->ws[i].state == TFA_AUDIT_AUDITED && k < r->ws[i].n_items; k++)
            if (r->ws[i].items[k].delta == TFA_DELTA_RECURRING) {
                head(out, &n, "Recurring");
                tfa_esc_textf(out, "  %s: `%s` failing %u audits in a row", r->ws[i].name,
                              r->ws[i].items[k].id, r->ws[i].items[k].streak);
                tfa_buf_putc(out, '\n');
            }
    for (i = 0, n = 0; i < r->n_ws; i++) {
        const tfa_audit_ws *w = &r->ws[i];
        if (w->change == TFA_AUDIT_STILL_MISSING) {
            head(out, &n, "Still missing");
            tfa_esc_textf(out, "  %s: missing %u audits in a row", w->name, w->missing_streak);
            tfa_buf_putc(out, '\n');
        }
    }
    for (i = 0, n = 0; i < r->n_ws; i++)
        for (k = 0; r->ws[i].state == TFA_AUDIT_AUDITED && k < r->ws[i].n_items; k++)
            if (r->ws[i].items[k].delta == TFA_DELTA_RESOLVED) {
                head(out, &n, "Resolved");
                tfa_esc_textf(out, "  %s: `%s`", r->ws[i].name, r->ws[i].items[k].id);
                tfa_buf_putc(out, '\n');
            }
    for (i = 0, n = 0; i < r->n_ws; i++)
        for (k = 0; k < r->ws[i].n_resolved_drift; k++) {
            head(out, &n, "Resolved drift");
            tfa_esc_textf(out, "  %s: drift %s", r->ws[i].name, r->ws[i].resolved_drift[k]);
            tfa_buf_putc(out, '\n');
        }
    for (i = 0, n = 0; i < r->n_ws; i++)
        for (k = 0; r->ws[i].state == TFA_AUDIT_AUDITED && k < r->ws[i].n_drift; k++)
            if (!r->ws[i].drift[k].is_new) {
                head(out, &n, "Persisting drift");
                tfa_esc_textf(out, "  %s: %s since %s (%u audits)", r->ws[i].name,
                              r->ws[i].drift[k].address, r->ws[i].drift[k].first_seen,
                              r->ws[i].drift[k].streak);
                tfa_buf_putc(out, '\n');
            }
    for (i = 0, n = 0; i < r->n_ws; i++)
        for (k = 0; k < r->ws[i].n_accepted; k++) {
            const tfa_audit_accepted *x = &r->ws[i].accepted[k];
            head(out, &n, "Accepted drift");
            tfa_esc_textf(out, "  %s: %s by %s (%s, until %s)", r->ws[i].name, x->address, x->entry,
                          x->owner, x->expires);
            tfa_buf_putc(out, '\n');
        }
    for (i = 0, n = 0; i < r->n_kd_notes; i++) {
        const tfa_audit_kd_note *x = &r->kd_notes[i];
        head(out, &n, "Known drift");
        if (x->expired)
            tfa_esc_textf(out,
                          "  expired: %s (%s, owner %s, expired after %s): accepts nothing "
                          "now; would accept %zu drift record%s",
                          x->entry, x->address, x->owner, x->expires, x->would_accept,
                          x->would_accept == 1 ? "" : "s");
        else
            tfa_esc_textf(out, "  stale: %s (%s, owner %s): accepted nothing; delete it", x->entry,
                          x->address, x->owner);
        tfa_buf_putc(out, '\n');
    }
}

int tfa_audit_report_text(tfa_buf *out, const tfa_audit_result *r)
{
    const tfa_audit_totals *t = &r->totals;
    char when[32], prev[32];
    size_t i, k;

    tfa_audit_time(r->time, when);
    tfa_esc_textf(out, "tfaudit audit %s: %s", r->id,
                  t->regressions ? "REGRESSIONS" : "NO REGRESSIONS");
    tfa_buf_putc(out, '\n');
    if (r->previous) {
        tfa_audit_time(r->previous_time, prev);
        tfa_esc_textf(out, "time %s, compared with %s (%s)", when, r->previous, prev);
        tfa_buf_putc(out, '\n');
    } else {
        tfa_buf_printf(out, "time %s, first audit in this ledger\n", when);
    }
    tfa_buf_printf(out,
                   "workspaces %zu: %zu GO, %zu NO-GO (%zu missing, %zu unreadable); %zu new, %zu "
                   "returned\n",
                   t->workspaces, t->go, t->nogo, t->missing, t->errors, t->new_workspaces,
                   t->returned);
    tfa_buf_printf(out,
                   "items: %zu new, %zu resolved, %zu recurring; drift: %zu new, %zu persisting, "
                   "%zu resolved, %zu accepted\n",
                   t->new_failures, t->resolved, t->recurring, t->new_drift, t->persisting_drift,
                   t->resolved_drift, t->accepted);
    if (t->regressions) {
        tfa_buf_printf(out, "\nRegressions (%zu):\n", t->regressions);
        tfa_audit_regressions(r, line_regression, out);
    }
    sections(out, r);
    tfa_buf_puts(out, "\nWorkspaces:\n");
    for (i = 0; i < r->n_ws; i++) {
        const tfa_audit_ws *w = &r->ws[i];
        tfa_esc_textf(out, "  %-24s %-6s %-13s ", w->name,
                      w->state == TFA_AUDIT_AUDITED && w->go ? "GO" : "NO-GO",
                      w->state == TFA_AUDIT_AUDITED ? tfa_audit_change_name(w->change)
                                                    : tfa_audit_state_name(w->state));
        if (w->state == TFA_AUDIT_AUDITED)
            failing_items(out, w);
        else if (w->state == TFA_AUDIT_UNREADABLE && w->error)
            tfa_esc_text(out, w->error);
        else
            tfa_buf_puts(out, "-");
        tfa_buf_putc(out, '\n');
        for (k = 0; k < w->n_skipped; k++) /* listed: never silently */
            tfa_esc_textf(out, "    skipped %s", w->skipped[k]), tfa_buf_putc(out, '\n');
    }
    tfa_buf_printf(out, "\nrecorded as ledger records #%lld-#%lld\n", (long long)r->first_record,
                   (long long)r->last_record);
    return tfa_buf_status(out);
}

int tfa_audit_trend_text(tfa_buf *out, const tfa_audit_summary *h, size_t n, const char *workspace)
{
    size_t i;
    tfa_esc_textf(out, "tfaudit trend%s%s: %zu audit%s", workspace ? " for " : "",
                  workspace ? workspace : "", n, n == 1 ? "" : "s");
    tfa_buf_putc(out, '\n');
    tfa_buf_printf(out, "%-20s %-34s %5s %5s %6s %7s %6s %8s %8s  %s\n", "time", "audit", "GO",
                   "NO-GO", "missing", "failing", "drift", "accepted", "regress.",
                   "longest streak");
    for (i = 0; i < n; i++) {
        char when[32];
        tfa_audit_time(h[i].time, when);
        tfa_esc_textf(out, "%-20s %-34s %5zu %5zu %7zu %7zu %6zu %8zu %8zu  ", when, h[i].id,
                      h[i].go, h[i].nogo, h[i].missing, h[i].failing, h[i].drift, h[i].accepted,
                      h[i].regressions);
        if (h[i].longest_streak) {
            tfa_esc_textf(out, "%s (%u)", h[i].longest_streak_item, h[i].longest_streak);
            tfa_buf_putc(out, '\n');
        } else {
            tfa_buf_puts(out, "-\n");
        }
    }
    return tfa_buf_status(out);
}
