/*
 * fill.c - the checklist written back with this run's results (see
 * tfa_report_fill in report.h): the artefact teams used to make by hand,
 * ticking boxes and pasting evidence under each item.
 *
 * The source is copied byte for byte except, for each evaluated item, the
 * checkbox character and the evidence block right under the item line:
 *
 *   - [x] `drift-free` Plan shows zero drift: `drift.count == 0`
 *     - tfaudit: PASS (2025-06-01T12:00:00Z)
 *       - `drift.count` = `0`
 *
 * The block's first line starts "- tfaudit:" at the item's content indent;
 * it and the deeper-indented lines after it are what a later fill replaces.
 * None of them is a task item, so the filled file loads to the same items.
 */
#include "util/compat.h"

#include "util/utc.h"
#include "report_int.h"

static size_t leading_spaces(const char *p, const char *end)
{
    const char *s = p;
    while (s < end && *s == ' ')
        s++;
    return (size_t)(s - p);
}

static int blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p == end;
}

static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl + 1 : end;
}

/* Past an earlier fill's evidence block starting at p, or p itself. */
static const char *skip_old_block(const char *p, const char *end, size_t indent)
{
    const char *next;
    static const char mark[] = "- tfaudit:";

    if (p >= end || leading_spaces(p, end) != indent ||
        (size_t)(end - p) < indent + sizeof(mark) - 1 ||
        memcmp(p + indent, mark, sizeof(mark) - 1) != 0)
        return p;
    for (p = line_end(p, end); p < end; p = next) {
        next = line_end(p, end);
        if (blank(p, next) || leading_spaces(p, next) <= indent)
            break;
    }
    return p;
}

static void pad(tfa_buf *out, size_t n)
{
    tfa_buf_printf(out, "%*s", (int)n, "");
}

static void block(tfa_buf *out, const tfa_verdict *v, const tfa_result *r, size_t ind,
                  const char *eol)
{
    char when[TFA_UTC_ISO_SIZE];
    tfa_buf note;
    size_t i, j;

    tfa_utc_format_iso(v->now, when);
    pad(out, ind);
    tfa_buf_printf(out, "- tfaudit: **%s** (%s)%s", tfa_item_status_name(r->status), when, eol);
    for (i = 0; i < r->evidence.n_facts; i++)
        tfa_md_fact(out, &r->evidence.facts[i], ind + 2, eol);
    for (i = 0; i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        pad(out, ind + 2);
        tfa_buf_puts(out, "- ");
        tfa_md_code(out, q->query);
        tfa_buf_puts(out, " = ");
        tfa_md_value(out, &q->result);
        tfa_buf_printf(out, " (%zu of %zu %s %s)%s", q->listed, q->total, q->collection,
                       q->listed_match ? "matched" : "did not match", eol);
        for (j = 0; j < q->n_labels; j++) {
            pad(out, ind + 4);
            tfa_buf_puts(out, "- ");
            tfa_md_code(out, q->labels[j]);
            tfa_buf_puts(out, eol);
        }
        if (tfa_ev_more(q)) {
            pad(out, ind + 4);
            tfa_buf_printf(out, "- ... and %zu more%s", tfa_ev_more(q), eol);
        }
    }
    tfa_buf_init(&note, TFA_BUF_NO_MAX);
    tfa_ev_note(&note, r);
    if (note.len) {
        pad(out, ind + 2);
        tfa_buf_puts(out, "- ");
        tfa_md_text(out, note.ptr);
        tfa_buf_puts(out, eol);
    }
    tfa_scratch_release(out, &note);
}

int tfa_report_fill(tfa_buf *out, const tfa_verdict *v)
{
    size_t len, k = 0;
    const char *src = tfa_checklist_source(v->checklist, &len);
    const char *p = src, *end = src + len;

    while (p < end) {
        const char *next = line_end(p, end);
        const tfa_result *r = k < v->n_results ? &v->results[k] : NULL;
        const tfa_item *it = r ? r->item : NULL;
        const char *eol;
        size_t box, ind;

        if (!it || (size_t)(p - src) != it->line_offset) {
            tfa_buf_put(out, p, (size_t)(next - p));
            p = next;
            continue;
        }
        k++;
        box = it->box_offset;
        ind = box - 1 - it->line_offset; /* the '[' column: the item's content indent */
        eol = next - p >= 2 && next[-1] == '\n' && next[-2] == '\r' ? "\r\n" : "\n";
        tfa_buf_put(out, p, box - it->line_offset);
        tfa_buf_putc(out, r->status == TFA_ITEM_PASS ? 'x' : ' ');
        tfa_buf_put(out, src + box + 1, (size_t)(next - (src + box + 1)));
        if (next == end && (next == p || next[-1] != '\n'))
            tfa_buf_puts(out, eol);
        block(out, v, r, ind, eol);
        p = skip_old_block(next, end, ind);
    }
    return tfa_buf_status(out);
}
