/*
 * audit_report_html.c - the audit as one self-contained HTML page for a
 * leadership review, and the trend page (see audit_report.h).
 *
 * Self-contained means: inline CSS, inline SVG, no script, no font, no
 * image URL; the Content-Security-Policy meta (default-src 'none', inline
 * styles only) makes the browser refuse any load should one slip in. The
 * layout is one column that wraps: cards and charts flow at 1280 px and
 * stack at 390 px, wide tables scroll inside their own box, and print
 * styles drop the shadows and keep sections whole.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "util/escape.h"

static const char css[] =
    "*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1d2330;background:#f3f5f8}"
    "main{max-width:1180px;margin:0 auto;padding:20px}"
    "header.banner{border-radius:12px;padding:20px 24px;color:#fff;margin-bottom:18px}"
    ".bad{background:#b42318}.good{background:#067647}"
    "header h1{margin:0 0 4px;font-size:26px}header p{margin:0;opacity:.92}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}"
    ".card{flex:1 1 150px;background:#fff;border-radius:10px;padding:12px 16px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.08)}"
    ".card b{display:block;font-size:26px}.card span{color:#5b6473;font-size:13px}"
    ".card.alert b{color:#b42318}"
    "section{background:#fff;border-radius:10px;padding:16px 20px;margin-bottom:18px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.08);break-inside:avoid}"
    "h2{font-size:18px;margin:0 0 10px}"
    "ul.reg{margin:0;padding-left:20px}ul.reg li{margin:4px 0}"
    ".charts{display:flex;flex-wrap:wrap;gap:18px}.chart{flex:1 1 340px;min-width:0}"
    ".chart svg{width:100%;height:auto;display:block}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7ec;vertical-align:top}"
    "th{background:#f8f9fb}.tag{display:inline-block;border-radius:6px;padding:1px 8px;"
    "font-weight:600;font-size:12px}.tag.go{background:#d1fadf;color:#05603a}"
    ".tag.nogo{background:#fee4e2;color:#912018}.tag.miss{background:#eaecf0;color:#344054}"
    "code{font-size:13px;background:#f2f4f7;padding:0 4px;border-radius:4px;word-break:break-all}"
    "td code{word-break:normal;white-space:nowrap}.heat svg{min-width:520px;width:100%}"
    "footer{color:#5b6473;font-size:12px;word-break:break-all;padding:0 4px 24px}"
    ".legend span{display:inline-block;margin-right:12px;font-size:12px}"
    ".legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}"
    "@media (max-width:600px){main{padding:10px}header h1{font-size:21px}"
    ".card b{font-size:21px}td,th{padding:5px}}"
    "@media print{body{background:#fff}section,.card{box-shadow:none;border:1px solid #ccc}"
    "header.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/* Every string from an input or the ledger: util/escape.h's XML/HTML
 * escaper (entities, and control characters made visible). */
static void esc(tfa_buf *o, const char *s)
{
    tfa_esc_xml(o, s);
}

static void page_start(tfa_buf *o, const char *title)
{
    tfa_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action "
                    "'none'\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<meta name=\"referrer\" content=\"no-referrer\"><title>");
    esc(o, title);
    tfa_buf_printf(o, "</title><style>%s</style></head><body><main>\n", css);
}

static void card(tfa_buf *o, size_t n, const char *label, int alert)
{
    tfa_buf_printf(o, "<div class=\"card%s\"><b>%zu</b><span>%s</span></div>",
                   alert && n ? " alert" : "", n, label);
}

/* ---- charts ------------------------------------------------------------------------ */

static void short_date(int64_t t, char out[8])
{
    char iso[32];
    tfa_audit_time(t, iso);
    snprintf(out, 8, "%.5s", iso + 5); /* MM-DD */
}

/* GO / NO-GO per audit: stacked bars, missing in grey. */
static void chart_verdicts(tfa_buf *o, const tfa_audit_summary *h, size_t n)
{
    const double W = 600, H = 240, L = 40, B = 30, T = 14;
    size_t i, max = 1;
    double bw;

    for (i = 0; i < n; i++)
        max = h[i].workspaces > max ? h[i].workspaces : max;
    bw = n ? (W - L - 10) / (double)n : 0;
    tfa_buf_printf(o,
                   "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"c1t\">"
                   "<title id=\"c1t\">GO and NO-GO workspaces per audit, last %zu audits</title>",
                   W, H, n);
    tfa_buf_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#98a2b3\"/>",
                   L, H - B, W - 10, H - B);
    tfa_buf_printf(o,
                   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\" "
                   "fill=\"#5b6473\">%zu</text>",
                   L - 4, T + 4, max);
    for (i = 0; i < n; i++) {
        double x = L + (double)i * bw + bw * 0.12, w = bw * 0.76, scale = (H - B - T) / (double)max;
        double hg = (double)h[i].go * scale, hm = (double)h[i].missing * scale;
        double hn = (double)(h[i].nogo - h[i].missing) * scale, y = H - B;
        char d[8];
        tfa_buf_puts(o, "<g><title>");
        esc(o, h[i].id);
        tfa_buf_printf(o, ": %zu GO, %zu NO-GO (%zu missing)</title>", h[i].go, h[i].nogo,
                       h[i].missing);
        tfa_buf_printf(o,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#12b76a\"/>",
                       x, y - hg, w, hg);
        y -= hg;
        tfa_buf_printf(o,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#d92d20\"/>",
                       x, y - hn, w, hn);
        y -= hn;
        tfa_buf_printf(o,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#98a2b3\"/></g>",
                       x, y - hm, w, hm);
        if (i == 0 || i + 1 == n || (n > 6 && i % (n / 5) == 0)) {
            short_date(h[i].time, d);
            tfa_buf_printf(o,
                           "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\" "
                           "fill=\"#5b6473\">%s</text>",
                           x + w / 2, H - B + 16, d);
        }
    }
    tfa_buf_puts(o, "</svg>");
}

/* Unaccepted drift (and accepted, dashed) over the audits. */
static void chart_drift(tfa_buf *o, const tfa_audit_summary *h, size_t n)
{
    const double W = 600, H = 240, L = 40, B = 30, T = 14;
    size_t i, max = 1, pass;

    for (i = 0; i < n; i++) {
        max = h[i].drift > max ? h[i].drift : max;
        max = h[i].accepted > max ? h[i].accepted : max;
    }
    tfa_buf_printf(o,
                   "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"c2t\">"
                   "<title id=\"c2t\">Drifted resources per audit</title>",
                   W, H);
    tfa_buf_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#98a2b3\"/>",
                   L, H - B, W - 10, H - B);
    tfa_buf_printf(o,
                   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\" "
                   "fill=\"#5b6473\">%zu</text><text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
                   "text-anchor=\"end\" fill=\"#5b6473\">0</text>",
                   L - 4, T + 4, max, L - 4, H - B);
    for (pass = 0; pass < 2; pass++) {
        tfa_buf_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s points=\"",
                       pass ? "#7a5af8" : "#f79009", pass ? " stroke-dasharray=\"6 4\"" : "");
        for (i = 0; i < n; i++) {
            double x = n > 1 ? L + (W - L - 20) * (double)i / (double)(n - 1) : L + (W - L) / 2;
            size_t v = pass ? h[i].accepted : h[i].drift;
            tfa_buf_printf(o, "%.1f,%.1f ", x, H - B - (H - B - T) * (double)v / (double)max);
        }
        tfa_buf_puts(o, "\"/>");
    }
    for (i = 0; i < n; i++) {
        double x = n > 1 ? L + (W - L - 20) * (double)i / (double)(n - 1) : L + (W - L) / 2;
        char d[8];
        tfa_buf_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#f79009\"><title>", x,
                       H - B - (H - B - T) * (double)h[i].drift / (double)max);
        esc(o, h[i].id);
        tfa_buf_printf(o, ": %zu drifted, %zu accepted</title></circle>", h[i].drift,
                       h[i].accepted);
        if (i == 0 || i + 1 == n || (n > 6 && i % (n / 5) == 0)) {
            short_date(h[i].time, d);
            tfa_buf_printf(o,
                           "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\" "
                           "fill=\"#5b6473\">%s</text>",
                           x, H - B + 16, d);
        }
    }
    tfa_buf_puts(o, "</svg>");
}

/* Heatmap rows: workspaces needing attention first, up to this many. */
#define HEAT_ROWS 40
#define HEAT_COLS 24

static const char *cell_color(const tfa_audit_ws *w, const tfa_audit_item *it)
{
    if (w->state != TFA_AUDIT_AUDITED)
        return "#d0d5dd";
    if (!it)
        return "#f2f4f7";
    switch (it->status) {
    case TFA_ITEM_PASS:
        return "#32d583";
    case TFA_ITEM_WAIVED:
        return "#84caff";
    case TFA_ITEM_PENDING:
        return "#fdb022";
    case TFA_ITEM_ERROR:
        return "#912018";
    default:
        return it->blocks ? "#f04438" : "#fec84b";
    }
}

static const tfa_audit_item *find_item(const tfa_audit_ws *w, const char *id)
{
    size_t i;
    for (i = 0; i < w->n_items; i++)
        if (strcmp(w->items[i].id, id) == 0)
            return &w->items[i];
    return NULL;
}

static void chart_heatmap(tfa_buf *o, const tfa_audit_result *r)
{
    const char *cols[HEAT_COLS];
    const tfa_audit_ws *rows[HEAT_ROWS];
    size_t nc = 0, nr = 0, i, k, pass, hidden = 0;
    double cw, ch = 18, L = 150, T = 96, W = 600, H;

    for (i = 0; i < r->n_ws; i++) /* columns: item ids in first-seen order */
        for (k = 0; r->ws[i].state == TFA_AUDIT_AUDITED && k < r->ws[i].n_items; k++) {
            size_t c;
            for (c = 0; c < nc && strcmp(cols[c], r->ws[i].items[k].id) != 0; c++)
                ;
            if (c == nc && nc < HEAT_COLS)
                cols[nc++] = r->ws[i].items[k].id;
        }
    for (pass = 0; pass < 2; pass++) /* rows: NO-GO first, then GO, name order */
        for (i = 0; i < r->n_ws; i++) {
            int bad = !(r->ws[i].state == TFA_AUDIT_AUDITED && r->ws[i].go);
            if (bad != !pass)
                continue;
            if (nr < HEAT_ROWS)
                rows[nr++] = &r->ws[i];
            else
                hidden++;
        }
    cw = nc ? (W - L - 10) / (double)nc : 0;
    if (cw > 40)
        cw = 40;
    H = T + ch * (double)nr + (hidden ? 22 : 6);
    tfa_buf_printf(o,
                   "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"c3t\">"
                   "<title id=\"c3t\">Workspace by item status, this audit</title>",
                   W, H);
    for (k = 0; k < nc; k++) {
        tfa_buf_printf(o,
                       "<text transform=\"translate(%.1f %.0f) rotate(-50)\" font-size=\"11\" "
                       "fill=\"#344054\">",
                       L + cw * (double)k + cw / 2, T - 6);
        esc(o, cols[k]);
        tfa_buf_puts(o, "</text>");
    }
    for (i = 0; i < nr; i++) {
        const tfa_audit_ws *w = rows[i];
        double y = T + ch * (double)i;
        tfa_buf_printf(o,
                       "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
                       "fill=\"#344054\">",
                       L - 6, y + ch * 0.7);
        esc(o, w->name);
        tfa_buf_puts(o, "</text>");
        for (k = 0; k < nc; k++) {
            const tfa_audit_item *it = find_item(w, cols[k]);
            tfa_buf_printf(o,
                           "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "rx=\"2\" fill=\"%s\"><title>",
                           L + cw * (double)k + 1, y + 1, cw - 2, ch - 2, cell_color(w, it));
            esc(o, w->name);
            tfa_buf_puts(o, " / ");
            esc(o, cols[k]);
            tfa_buf_printf(o, ": %s</title></rect>",
                           w->state != TFA_AUDIT_AUDITED ? tfa_audit_state_name(w->state)
                           : it                          ? tfa_item_status_name(it->status)
                                                         : "not in its checklist");
        }
    }
    if (hidden)
        tfa_buf_printf(o,
                       "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" fill=\"#5b6473\">and %zu "
                       "more workspaces (all GO) not drawn</text>",
                       L, H - 6, hidden);
    tfa_buf_puts(o, "</svg><p class=\"legend\"><span><i style=\"background:#32d583\"></i>pass"
                    "</span><span><i style=\"background:#f04438\"></i>fail</span><span><i "
                    "style=\"background:#912018\"></i>error</span><span><i style=\"background:"
                    "#fdb022\"></i>pending</span><span><i style=\"background:#84caff\"></i>waived"
                    "</span><span><i style=\"background:#d0d5dd\"></i>missing</span></p>");
}

/* ---- the audit page --------------------------------------------------------------- */

static int reg_item(const tfa_audit_regression *g, void *payload)
{
    tfa_buf *o = payload, b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_audit_regression_text(g, &tfa_audit_style_text, &b);
    tfa_buf_puts(o, "<li>");
    esc(o, b.ptr);
    tfa_buf_puts(o, "</li>");
    tfa_buf_release(&b);
    return 0;
}

static void ws_table(tfa_buf *o, const tfa_audit_result *r)
{
    size_t i, k, pass;
    tfa_buf_puts(o, "<section><h2>Workspaces</h2><div class=\"scroll\"><table><thead><tr>"
                    "<th>Workspace</th><th>Verdict</th><th>State</th><th>Failing items</th>"
                    "<th>Drift</th></tr></thead><tbody>");
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < r->n_ws; i++) {
            const tfa_audit_ws *w = &r->ws[i];
            int go = w->state == TFA_AUDIT_AUDITED && w->go, n = 0;
            if (go != (int)pass)
                continue;
            tfa_buf_puts(o, "<tr><td>");
            esc(o, w->name);
            tfa_buf_printf(o, "</td><td><span class=\"tag %s\">%s</span></td><td>%s</td><td>",
                           go                              ? "go"
                           : w->state == TFA_AUDIT_AUDITED ? "nogo"
                                                           : "miss",
                           go ? "GO" : "NO-GO",
                           w->state == TFA_AUDIT_AUDITED ? tfa_audit_change_name(w->change)
                                                         : tfa_audit_state_name(w->state));
            for (k = 0; w->state == TFA_AUDIT_AUDITED && k < w->n_items; k++)
                if (w->items[k].blocks) {
                    tfa_buf_puts(o, n++ ? ", <code>" : "<code>");
                    esc(o, w->items[k].id);
                    tfa_buf_puts(o, "</code>");
                    if (w->items[k].streak > 1)
                        tfa_buf_printf(o, " (%u in a row)", w->items[k].streak);
                }
            if (w->state == TFA_AUDIT_UNREADABLE && w->error) {
                esc(o, w->error);
                n++;
            }
            tfa_buf_printf(o, "%s</td><td>%zu", n ? "" : "&ndash;",
                           w->state == TFA_AUDIT_AUDITED ? w->n_drift : 0);
            if (w->n_accepted)
                tfa_buf_printf(o, " (+%zu accepted)", w->n_accepted);
            tfa_buf_puts(o, "</td></tr>");
        }
    tfa_buf_puts(o, "</tbody></table></div></section>\n");
}

static void kd_section(tfa_buf *o, const tfa_audit_result *r)
{
    size_t i;
    if (!r->n_kd_notes)
        return;
    tfa_buf_puts(o, "<section><h2>Known drift to review</h2><ul class=\"reg\">");
    for (i = 0; i < r->n_kd_notes; i++) {
        const tfa_audit_kd_note *x = &r->kd_notes[i];
        tfa_buf_printf(o, "<li><b>%s</b> ", x->expired ? "Expired" : "Stale");
        esc(o, x->entry);
        tfa_buf_puts(o, ": <code>");
        esc(o, x->address);
        tfa_buf_puts(o, "</code>, owner ");
        esc(o, x->owner);
        if (x->expired) {
            tfa_buf_puts(o, ", expired after ");
            esc(o, x->expires);
            tfa_buf_printf(o, "; would accept %zu drift record%s", x->would_accept,
                           x->would_accept == 1 ? "" : "s");
        } else {
            tfa_buf_puts(o, ": accepted nothing, can be deleted");
        }
        tfa_buf_puts(o, "</li>");
    }
    tfa_buf_puts(o, "</ul></section>\n");
}

/* Members --skip-unknown left out, by workspace. */
static void skipped_section(tfa_buf *o, const tfa_audit_result *r)
{
    size_t i, k, n = 0;
    for (i = 0; i < r->n_ws; i++)
        n += r->ws[i].n_skipped;
    if (!n)
        return;
    tfa_buf_printf(o, "<section><h2>Skipped inputs (%zu, --skip-unknown)</h2><ul class=\"reg\">",
                   n);
    for (i = 0; i < r->n_ws; i++)
        for (k = 0; k < r->ws[i].n_skipped; k++) {
            tfa_buf_puts(o, "<li><b>");
            esc(o, r->ws[i].name);
            tfa_buf_puts(o, "</b>: ");
            esc(o, r->ws[i].skipped[k]);
            tfa_buf_puts(o, "</li>");
        }
    tfa_buf_puts(o, "</ul></section>\n");
}

int tfa_audit_report_html(tfa_buf *o, const tfa_audit_result *r, const char *json_sha256)
{
    const tfa_audit_totals *t = &r->totals;
    char when[32];

    tfa_audit_time(r->time, when);
    page_start(o, "tfaudit nightly audit");
    tfa_buf_printf(o,
                   "<header class=\"banner %s\"><h1>%s</h1><p>Nightly IaC audit of %s &middot; "
                   "%zu workspaces",
                   t->regressions ? "bad" : "good",
                   t->regressions ? "Regressions since the last audit" : "No regressions", when,
                   t->workspaces);
    if (t->regressions)
        tfa_buf_printf(o, " &middot; %zu regression%s", t->regressions,
                       t->regressions == 1 ? "" : "s");
    /* no regression is not all clear: say what still fails */
    if (t->nogo)
        tfa_buf_printf(o, " &middot; %zu of %zu NO-GO%s", t->nogo, t->workspaces,
                       t->regressions ? "" : ", none of them new");
    tfa_buf_puts(o, "</p></header>\n<div class=\"cards\">");
    card(o, t->go, "GO", 0);
    card(o, t->nogo, "NO-GO", 1);
    card(o, t->regressions, "regressions", 1);
    card(o, t->missing, "missing", 1);
    card(o, t->new_drift + t->persisting_drift, "drifted resources", 1);
    card(o, t->accepted, "accepted drift", 0);
    tfa_buf_puts(o, "</div>\n");
    if (t->regressions) {
        tfa_buf_printf(o, "<section><h2>Regressions (%zu)</h2><ul class=\"reg\">", t->regressions);
        tfa_audit_regressions(r, reg_item, o);
        tfa_buf_puts(o, "</ul></section>\n");
    }
    tfa_buf_printf(o,
                   "<section><h2>Trend</h2><div class=\"charts\"><div class=\"chart\">"
                   "<h3>GO / NO-GO per audit (last %zu)</h3>",
                   r->n_history);
    chart_verdicts(o, r->history, r->n_history);
    tfa_buf_puts(o, "<p class=\"legend\"><span><i style=\"background:#12b76a\"></i>GO</span>"
                    "<span><i style=\"background:#d92d20\"></i>NO-GO</span><span><i "
                    "style=\"background:#98a2b3\"></i>missing</span></p></div>"
                    "<div class=\"chart\"><h3>Drifted resources</h3>");
    chart_drift(o, r->history, r->n_history);
    tfa_buf_puts(o, "<p class=\"legend\"><span><i style=\"background:#f79009\"></i>unaccepted"
                    "</span><span><i style=\"background:#7a5af8\"></i>accepted</span></p></div>"
                    "</div></section>\n<section><h2>Workspace &times; item, this audit</h2>"
                    "<div class=\"scroll heat\">");
    chart_heatmap(o, r);
    tfa_buf_puts(o, "</div></section>\n");
    ws_table(o, r);
    skipped_section(o, r);
    kd_section(o, r);
    tfa_buf_puts(o, "<footer>Audit <code>");
    esc(o, r->id);
    tfa_buf_printf(o, "</code> &middot; ledger records #%lld&ndash;#%lld",
                   (long long)r->first_record, (long long)r->last_record);
    if (r->previous) {
        tfa_buf_puts(o, " &middot; compared with <code>");
        esc(o, r->previous);
        tfa_buf_puts(o, "</code>");
    }
    if (json_sha256)
        tfa_buf_printf(o, " &middot; JSON report sha256 <code>%s</code>", json_sha256);
    tfa_buf_puts(o, "</footer></main></body></html>\n");
    return tfa_buf_status(o);
}

int tfa_audit_trend_html(tfa_buf *o, const tfa_audit_summary *h, size_t n, const char *workspace)
{
    size_t i;
    page_start(o, "tfaudit trend");
    tfa_buf_puts(o, "<header class=\"banner good\"><h1>Audit trend</h1><p>");
    if (workspace) {
        tfa_buf_puts(o, "Workspace ");
        esc(o, workspace);
        tfa_buf_puts(o, " &middot; ");
    }
    tfa_buf_printf(o,
                   "%zu audits</p></header><section><div class=\"charts\"><div "
                   "class=\"chart\"><h3>GO / NO-GO per audit</h3>",
                   n);
    chart_verdicts(o, h, n);
    tfa_buf_puts(o, "</div><div class=\"chart\"><h3>Drifted resources</h3>");
    chart_drift(o, h, n);
    tfa_buf_puts(o, "</div></div></section><section><h2>Audits</h2><div class=\"scroll\"><table>"
                    "<thead><tr><th>Audit</th><th>GO</th><th>NO-GO</th><th>Missing</th>"
                    "<th>Failing items</th><th>Drift</th><th>Regressions</th><th>Longest streak"
                    "</th></tr></thead><tbody>");
    for (i = 0; i < n; i++) {
        tfa_buf_puts(o, "<tr><td><code>");
        esc(o, h[i].id);
        tfa_buf_printf(o,
                       "</code></td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu"
                       "</td><td>%zu</td><td>",
                       h[i].go, h[i].nogo, h[i].missing, h[i].failing, h[i].drift,
                       h[i].regressions);
        if (h[i].longest_streak) {
            esc(o, h[i].longest_streak_item);
            tfa_buf_printf(o, " (%u)", h[i].longest_streak);
        }
        tfa_buf_puts(o, "</td></tr>");
    }
    tfa_buf_puts(o, "</tbody></table></div></section></main></body></html>\n");
    return tfa_buf_status(o);
}
