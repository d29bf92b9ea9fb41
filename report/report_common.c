/*
 * report_common.c - evidence wording shared by every report format and the
 * format dispatch (see report.h, report_int.h).
 */
#include "util/compat.h"

#include "report_int.h"
#include "util/escape.h"

int tfa_report_format_from_name(const char *name, tfa_report_format *out)
{
    static const char *const names[] = {"text",   "markdown",          "json", "junit", "sarif",
                                        "github", "gitlab-codequality"};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(names); i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (tfa_report_format)i;
            return 0;
        }
    return TFA_EUSAGE;
}

int tfa_report_write(tfa_buf *out, const tfa_verdict *v, tfa_report_format format,
                     const tfa_report_options *opts)
{
    switch (format) {
    case TFA_REPORT_MARKDOWN:
        return tfa_report_markdown(out, v, opts);
    case TFA_REPORT_JSON:
        return tfa_report_json(out, v);
    case TFA_REPORT_JUNIT:
        return tfa_report_junit(out, v, opts);
    case TFA_REPORT_SARIF:
        return tfa_report_sarif(out, v, opts);
    case TFA_REPORT_GITHUB:
        return tfa_report_github(out, v, opts);
    case TFA_REPORT_CODEQUALITY:
        return tfa_report_codequality(out, v);
    default:
        return tfa_report_text(out, v, opts);
    }
}

void tfa_scratch_release(tfa_buf *out, tfa_buf *scratch)
{
    if (tfa_buf_status(scratch) && !out->failed)
        out->failed = tfa_buf_status(scratch);
    tfa_buf_release(scratch);
}

/* Evidence lines are plain text for every format: each is written whole
 * into a scratch buffer, then appended through the text escaper, so a
 * control character from an input (an address, a sign-off name, a waiver
 * reason) shows as \x1b or \n in the terminal, the JUnit body and the
 * Markdown page alike, and can never end the line early. */
static int escaped(tfa_buf *out, tfa_buf *raw)
{
    tfa_esc_text_n(out, raw->ptr, raw->len);
    tfa_scratch_release(out, raw);
    return tfa_buf_status(out);
}

int tfa_ev_fact(tfa_buf *out, const tfa_fact_read *f)
{
    tfa_buf raw;
    tfa_buf_init(&raw, TFA_BUF_NO_MAX);
    if (!f->present) {
        tfa_buf_printf(&raw, "%s: no value (%s)", f->name, f->why);
    } else {
        tfa_buf_printf(&raw, "%s = ", f->name);
        tfa_value_format(&raw, &f->value);
    }
    return escaped(out, &raw);
}

int tfa_ev_query(tfa_buf *out, const tfa_query_read *q)
{
    tfa_buf raw;
    tfa_buf_init(&raw, TFA_BUF_NO_MAX);
    tfa_buf_printf(&raw, "%s = ", q->query);
    tfa_value_format(&raw, &q->result);
    tfa_buf_printf(&raw, " (%zu of %zu %s %s)", q->listed, q->total, q->collection,
                   q->listed_match ? "matched" : "did not match");
    return escaped(out, &raw);
}

/* An ERROR's missing fact is in its evidence, with its reason; an ERROR
 * with none (a query over nothing, a value that orders with nothing) says
 * why itself. */
static int reason_in_evidence(const tfa_result *r)
{
    size_t i;
    for (i = 0; i < r->evidence.n_facts; i++)
        if (!r->evidence.facts[i].present)
            return 1;
    return 0;
}

int tfa_ev_note(tfa_buf *out, const tfa_result *r)
{
    tfa_buf raw;
    tfa_buf_init(&raw, TFA_BUF_NO_MAX);
    if (r->signoff && r->status == TFA_ITEM_PENDING) {
        tfa_buf_printf(&raw, "sign-off refused: %s", r->reason);
    } else if (r->signoff) {
        tfa_buf_printf(&raw, "signed off by %s", r->signoff->name);
        if (r->signoff->is_signed)
            tfa_buf_printf(&raw, " (signed, key %s)", r->signoff->key_id);
        else
            tfa_buf_puts(&raw, " (unsigned)");
        if (r->signoff->note)
            tfa_buf_printf(&raw, ": %s", r->signoff->note);
    } else if (r->waiver) {
        tfa_buf_printf(&raw, "waived by %s until %s: %s", r->waiver->owner, r->waiver->expires,
                       r->waiver->reason);
    } else if (r->status == TFA_ITEM_PENDING) {
        tfa_buf_printf(&raw, "awaiting sign-off (--sign-off %s=NAME)", r->item->id);
    } else if (r->status == TFA_ITEM_ERROR && !reason_in_evidence(r)) {
        tfa_buf_printf(&raw, "cannot check: %s", r->reason);
    }
    return escaped(out, &raw);
}

int tfa_ev_counts(tfa_buf *out, const tfa_verdict *v)
{
    int s;
    tfa_buf_printf(out, "%zu item%s: ", v->n_results, v->n_results == 1 ? "" : "s");
    for (s = 0; s < TFA_ITEM_STATUS_COUNT; s++)
        tfa_buf_printf(out, "%s%zu %s", s ? ", " : "", v->counts[s],
                       tfa_item_status_name((tfa_item_status)s));
    return tfa_buf_printf(out, "; %zu blocking", v->blocking);
}

int tfa_ev_waiver_warning(tfa_buf *out, const tfa_waiver_result *w)
{
    const tfa_waiver *x = w->waiver;
    if (w->use == TFA_WAIVER_EXPIRED)
        return tfa_esc_textf(out, "waiver for '%s' (%s, %s:%lu) expired on %s: not applied",
                             x->item, x->owner, x->source, x->line, x->expires);
    if (w->use == TFA_WAIVER_REFUSED)
        return tfa_esc_textf(out,
                             "waiver for '%s' (%s, %s:%lu) refused: hard items are never waivable",
                             x->item, x->owner, x->source, x->line);
    return 0;
}

/* ---- Markdown ---------------------------------------------------------------- */

/* Free text from people (owners, reasons, notes): the one Markdown
 * escaper (util/escape.h). */
void tfa_md_text(tfa_buf *out, const char *s)
{
    tfa_esc_md_text(out, s);
}

/* A title as its author wrote it (Markdown allowed: the checklist is the
 * reviewed policy, not something the run supplies), safe in a table, with
 * control characters visible as everywhere else. */
void tfa_md_title(tfa_buf *out, const char *s)
{
    tfa_buf t;
    const char *p;

    tfa_buf_init(&t, TFA_BUF_NO_MAX);
    tfa_esc_text(&t, s);
    for (p = t.ptr; *p; p++)
        if (*p == '|')
            tfa_buf_puts(out, "\\|");
        else
            tfa_buf_putc(out, *p);
    tfa_scratch_release(out, &t);
}

void tfa_md_code(tfa_buf *out, const char *s)
{
    tfa_esc_md_code(out, s);
}

void tfa_md_value(tfa_buf *out, const tfa_value *v)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_value_format(&b, v);
    tfa_md_code(out, b.ptr);
    tfa_scratch_release(out, &b);
}

void tfa_md_fact(tfa_buf *out, const tfa_fact_read *f, size_t indent, const char *eol)
{
    size_t j;
    tfa_buf_printf(out, "%*s- ", (int)indent, "");
    tfa_md_code(out, f->name);
    if (f->present) {
        tfa_buf_puts(out, " = ");
        tfa_md_value(out, &f->value);
    } else {
        tfa_buf_puts(out, ": no value (");
        tfa_md_text(out, f->why);
        tfa_buf_putc(out, ')');
    }
    tfa_buf_puts(out, eol);
    for (j = 0; j < f->n_details; j++) {
        tfa_buf_printf(out, "%*s- ", (int)indent + 2, "");
        tfa_md_text(out, f->details[j]);
        tfa_buf_puts(out, eol);
    }
}

/* json_dump_callback's sink: a failed append stops the dump. */
static int dump_to_buf(const char *text, size_t len, void *payload)
{
    return tfa_buf_put(payload, text, len) ? -1 : 0;
}

int tfa_report_dump_json(tfa_buf *out, json_t *doc)
{
    int rc;

    if (!doc)
        return TFA_ENOMEM;
    rc = json_dump_callback(doc, dump_to_buf, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (rc == 0)
        tfa_buf_putc(out, '\n');
    return tfa_buf_status(out) ? tfa_buf_status(out) : rc ? TFA_ENOMEM : 0;
}
