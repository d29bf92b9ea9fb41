/*
 * audit_report_md.c - the audit as Markdown for a PR comment or a chat post
 * (see audit_report.h for the budget rule).
 *
 * The budget is counted in bytes, which are never fewer than characters.
 * Every part is written line by line through fits(): the verdict and counts
 * first (always), then the regressions (as many as fit, then how many were
 * left out), then the other sections while room is left, each closed with
 * "and N more" when cut; the footer (audit id and the JSON report's digest)
 * has its room reserved from the start. Every string from an input or the
 * ledger goes through the Markdown escaper (util/escape.h), so no input can
 * open a tag or a link or start a line of its own.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "util/escape.h"

/* Room kept for one "and N more" line. */
#define MORE_LINE 96

typedef struct md {
    tfa_buf *out;
    size_t limit; /* where the body must stop: budget - footer */
    tfa_buf line;
} md;

/* Append the pending line if it fits with room for a closing "more" line. */
static int fits(md *m)
{
    if (m->out->len + m->line.len + MORE_LINE > m->limit)
        return 0;
    tfa_buf_put(m->out, m->line.ptr, m->line.len);
    return 1;
}

static void more(md *m, size_t n, const char *what)
{
    if (n)
        tfa_buf_printf(m->out, "- and %zu more %s\n", n, what);
}

typedef struct reg_state {
    md *m;
    size_t listed, left;
} reg_state;

static int reg_line(const tfa_audit_regression *g, void *payload)
{
    reg_state *s = payload;
    tfa_buf_clear(&s->m->line);
    tfa_buf_puts(&s->m->line, "- ");
    tfa_audit_regression_text(g, &tfa_audit_style_md, &s->m->line);
    tfa_buf_putc(&s->m->line, '\n');
    if (!s->left && fits(s->m))
        s->listed++;
    else
        s->left++;
    return 0;
}

/* A section: lines from `each`, heading first, "and N more" when cut. */
typedef int (*line_fn)(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *line);

static void section(md *m, const tfa_audit_result *r, const char *heading, const char *intro,
                    line_fn fn, const char *what)
{
    size_t i, k, shown = 0, left = 0;
    int headed = 0;
    for (i = 0; i < r->n_ws; i++)
        for (k = 0;; k++) {
            int rc;
            tfa_buf_clear(&m->line);
            rc = fn(r, i, k, &m->line);
            if (rc < 0)
                break;
            if (rc == 0)
                continue;
            if (!headed) {
                if (m->out->len + strlen(heading) + strlen(intro) + 2 * MORE_LINE > m->limit)
                    return; /* no room even for the heading */
                tfa_buf_printf(m->out, "\n### %s\n\n%s", heading, intro);
                headed = 1;
            }
            if (!left && fits(m))
                shown++;
            else
                left++;
        }
    if (headed)
        more(m, left, what);
}

/* Line makers: rc -1 past the last k of workspace i, 0 nothing, 1 a line. */
static int recurring(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    if (k >= w->n_items || w->state != TFA_AUDIT_AUDITED)
        return -1;
    if (w->items[k].delta != TFA_DELTA_RECURRING)
        return 0;
    tfa_buf_puts(l, "- ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_puts(l, ": ");
    tfa_esc_md_code(l, w->items[k].id);
    tfa_buf_printf(l, " failing %u audits in a row\n", w->items[k].streak);
    return 1;
}

static int resolved(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    if (k >= w->n_items + w->n_resolved_drift || w->state != TFA_AUDIT_AUDITED)
        return -1;
    if (k >= w->n_items) {
        tfa_buf_puts(l, "- ");
        tfa_esc_md_text(l, w->name);
        tfa_buf_puts(l, ": drift on ");
        tfa_esc_md_text(l, w->resolved_drift[k - w->n_items]);
        tfa_buf_putc(l, '\n');
        return 1;
    }
    if (w->items[k].delta != TFA_DELTA_RESOLVED)
        return 0;
    tfa_buf_puts(l, "- ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_puts(l, ": ");
    tfa_esc_md_code(l, w->items[k].id);
    tfa_buf_putc(l, '\n');
    return 1;
}

static int persisting(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    if (k >= w->n_drift || w->state != TFA_AUDIT_AUDITED)
        return -1;
    if (w->drift[k].is_new)
        return 0;
    tfa_buf_puts(l, "- ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_puts(l, ": ");
    tfa_esc_md_text(l, w->drift[k].address);
    tfa_buf_puts(l, " since ");
    tfa_esc_md_code(l, w->drift[k].first_seen);
    tfa_buf_printf(l, " (%u audits)\n", w->drift[k].streak);
    return 1;
}

static int accepted(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    if (k >= w->n_accepted)
        return -1;
    tfa_buf_puts(l, "- ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_puts(l, ": ");
    tfa_esc_md_text(l, w->accepted[k].address);
    tfa_buf_puts(l, ", accepted by ");
    tfa_esc_md_text(l, w->accepted[k].entry);
    tfa_buf_puts(l, " (");
    tfa_esc_md_text(l, w->accepted[k].owner);
    tfa_buf_puts(l, ", until ");
    tfa_esc_md_text(l, w->accepted[k].expires);
    tfa_buf_puts(l, ")\n");
    return 1;
}

static int still_missing(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    if (k > 0)
        return -1;
    if (w->change != TFA_AUDIT_STILL_MISSING)
        return 0;
    tfa_buf_puts(l, "- ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_printf(l, ": missing %u audits in a row (last seen in ", w->missing_streak);
    tfa_esc_md_code(l, w->last_seen ? w->last_seen : "none");
    tfa_buf_puts(l, ")\n");
    return 1;
}

/* Members --skip-unknown left out: listed, so a reader sees what the
 * verdicts did not cover. */
static int skipped(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    if (k >= w->n_skipped)
        return -1;
    tfa_buf_puts(l, "- ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_puts(l, ": ");
    tfa_esc_md_text(l, w->skipped[k]);
    tfa_buf_putc(l, '\n');
    return 1;
}

static int ws_row(const tfa_audit_result *r, size_t i, size_t k, tfa_buf *l)
{
    const tfa_audit_ws *w = &r->ws[i];
    size_t j, n = 0;
    if (k > 0)
        return -1;
    if (w->state == TFA_AUDIT_AUDITED && w->go)
        return 0; /* the table lists the workspaces that need attention */
    tfa_buf_puts(l, "| ");
    tfa_esc_md_text(l, w->name);
    tfa_buf_printf(l, " | NO-GO | %s | ",
                   w->state == TFA_AUDIT_AUDITED ? tfa_audit_change_name(w->change)
                                                 : tfa_audit_state_name(w->state));
    for (j = 0; w->state == TFA_AUDIT_AUDITED && j < w->n_items; j++)
        if (w->items[j].blocks) {
            tfa_buf_puts(l, n++ ? ", " : "");
            tfa_esc_md_code(l, w->items[j].id);
        }
    if (w->state == TFA_AUDIT_UNREADABLE && w->error) {
        tfa_esc_md_text(l, w->error);
        n++;
    }
    tfa_buf_puts(l, n ? " |\n" : "- |\n");
    return 1;
}

static void known_drift(md *m, const tfa_audit_result *r)
{
    size_t i, left = 0;
    if (!r->n_kd_notes || m->out->len + 2 * MORE_LINE > m->limit)
        return;
    tfa_buf_puts(m->out, "\n### Known drift to review\n\n");
    for (i = 0; i < r->n_kd_notes; i++) {
        const tfa_audit_kd_note *x = &r->kd_notes[i];
        tfa_buf_clear(&m->line);
        tfa_buf_puts(&m->line, x->expired ? "- expired: " : "- stale: ");
        tfa_esc_md_text(&m->line, x->entry);
        tfa_buf_puts(&m->line, " (");
        tfa_esc_md_code(&m->line, x->address);
        tfa_buf_puts(&m->line, ", ");
        tfa_esc_md_text(&m->line, x->owner);
        if (x->expired) {
            tfa_buf_puts(&m->line, ", after ");
            tfa_esc_md_text(&m->line, x->expires);
            tfa_buf_printf(&m->line, "): would accept %zu drift record%s\n", x->would_accept,
                           x->would_accept == 1 ? "" : "s");
        } else {
            tfa_buf_puts(&m->line, "): accepted nothing\n");
        }
        if (left || !fits(m))
            left++;
    }
    more(m, left, "entries");
}

int tfa_audit_report_markdown(tfa_buf *out, const tfa_audit_result *r, const char *json_sha256,
                              size_t budget)
{
    const tfa_audit_totals *t = &r->totals;
    size_t start = out->len;
    reg_state rs;
    tfa_buf footer;
    md m;

    if (!budget)
        budget = TFA_AUDIT_MD_BUDGET;
    tfa_buf_init(&footer, TFA_BUF_NO_MAX);
    tfa_buf_init(&m.line, TFA_BUF_NO_MAX);
    tfa_buf_puts(&footer, "\n---\nLedger audit ");
    tfa_esc_md_code(&footer, r->id);
    tfa_buf_printf(&footer, ", records #%lld-#%lld. Full JSON report: sha256 ",
                   (long long)r->first_record, (long long)r->last_record);
    tfa_esc_md_code(&footer, json_sha256 ? json_sha256 : "(not computed)");
    tfa_buf_puts(&footer, ".\n");
    m.out = out;
    m.limit = start + budget - footer.len;
    tfa_buf_printf(out, "## tfaudit nightly audit: %s\n\n",
                   t->regressions ? "REGRESSIONS" : "no regressions");
    tfa_buf_printf(out,
                   "**%zu workspaces**: %zu GO, %zu NO-GO (%zu missing, %zu unreadable). "
                   "Items: %zu new, %zu resolved, %zu recurring. Drift: %zu new, %zu persisting, "
                   "%zu accepted.",
                   t->workspaces, t->go, t->nogo, t->missing, t->errors, t->new_failures,
                   t->resolved, t->recurring, t->new_drift, t->persisting_drift, t->accepted);
    if (r->previous) {
        tfa_buf_puts(out, " Compared with ");
        tfa_esc_md_code(out, r->previous);
        tfa_buf_puts(out, ".\n");
    } else {
        tfa_buf_puts(out, " First audit in this ledger.\n");
    }
    if (t->regressions) {
        tfa_buf_printf(out, "\n### Regressions (%zu)\n\n", t->regressions);
        memset(&rs, 0, sizeof(rs));
        rs.m = &m;
        tfa_audit_regressions(r, reg_line, &rs);
        if (rs.left)
            tfa_buf_printf(
                out, "- and %zu more regressions not listed here (see the JSON report)\n", rs.left);
    }
    section(&m, r, "Needs attention",
            "| workspace | verdict | state | failing items |\n|---|---|---|---|\n", ws_row,
            "workspaces");
    section(&m, r, "Skipped inputs (--skip-unknown)", "", skipped, "skipped members");
    section(&m, r, "Still missing", "", still_missing, "workspaces");
    section(&m, r, "Recurring", "", recurring, "recurring failures");
    section(&m, r, "Persisting drift", "", persisting, "drifted resources");
    section(&m, r, "Accepted drift", "", accepted, "accepted resources");
    section(&m, r, "Resolved", "", resolved, "resolved items");
    known_drift(&m, r);
    tfa_buf_put(out, footer.ptr, footer.len);
    tfa_buf_release(&footer);
    tfa_buf_release(&m.line);
    return tfa_buf_status(out);
}
