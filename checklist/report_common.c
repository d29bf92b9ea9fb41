/*
 * report_common.c - evidence wording shared by every report format and the
 * format dispatch (see report.h, report_int.h).
 */
#include "util/compat.h"

#include "report_int.h"

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

int tfa_ev_fact(tfa_buf *out, const tfa_fact_read *f)
{
    if (!f->present)
        return tfa_buf_printf(out, "%s: no value (%s)", f->name, f->why);
    tfa_buf_printf(out, "%s = ", f->name);
    return tfa_value_format(out, &f->value);
}

int tfa_ev_query(tfa_buf *out, const tfa_query_read *q)
{
    tfa_buf_printf(out, "%s = ", q->query);
    tfa_value_format(out, &q->result);
    return tfa_buf_printf(out, " (%zu of %zu %s %s)", q->listed, q->total, q->collection,
                          q->listed_match ? "matched" : "did not match");
}

size_t tfa_ev_more(const tfa_query_read *q)
{
    return q->listed > q->n_labels ? q->listed - q->n_labels : 0;
}

int tfa_ev_note(tfa_buf *out, const tfa_result *r)
{
    if (r->signoff) {
        tfa_buf_printf(out, "signed off by %s", r->signoff->name);
        return r->signoff->note ? tfa_buf_printf(out, ": %s", r->signoff->note)
                                : tfa_buf_status(out);
    }
    if (r->waiver)
        return tfa_buf_printf(out, "waived by %s until %s: %s", r->waiver->owner,
                              r->waiver->expires, r->waiver->reason);
    if (r->status == TFA_ITEM_PENDING)
        return tfa_buf_printf(out, "awaiting sign-off (--sign-off %s=NAME)", r->item->id);
    /* an ERROR's missing fact is already in the evidence, with its reason */
    if (r->status == TFA_ITEM_ERROR && r->evidence.n_facts == 0)
        return tfa_buf_printf(out, "cannot check: %s", r->reason);
    return 0;
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
        return tfa_buf_printf(out, "waiver for '%s' (%s, %s:%lu) expired on %s: not applied",
                              x->item, x->owner, x->source, x->line, x->expires);
    if (w->use == TFA_WAIVER_REFUSED)
        return tfa_buf_printf(out,
                              "waiver for '%s' (%s, %s:%lu) refused: hard items are never waivable",
                              x->item, x->owner, x->source, x->line);
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
            return 0;
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

int tfa_utf8_clean(tfa_buf *out, const char *s, int xml)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0 || (xml && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')) {
            tfa_buf_puts(out, "\xef\xbf\xbd");
            p++;
            continue;
        }
        tfa_buf_put(out, p, n);
        p += n;
    }
    return tfa_buf_status(out);
}

/* ---- Markdown ---------------------------------------------------------------- */

/* Free text from people (owners, reasons, notes): escape what Markdown
 * would interpret, and HTML, so the page renders what was typed. */
void tfa_md_text(tfa_buf *out, const char *s)
{
    tfa_buf clean;
    const char *p;

    tfa_buf_init(&clean, TFA_BUF_NO_MAX);
    tfa_utf8_clean(&clean, s, 1);
    for (p = clean.ptr; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            tfa_buf_putc(out, ' ');
        else if (*p == '<')
            tfa_buf_puts(out, "&lt;");
        else if (*p == '>')
            tfa_buf_puts(out, "&gt;");
        else if (*p == '&')
            tfa_buf_puts(out, "&amp;");
        else if (strchr("\\`*_[]|#", *p))
            tfa_buf_printf(out, "\\%c", *p);
        else
            tfa_buf_putc(out, *p);
    }
    tfa_scratch_release(out, &clean);
}

/* A title as its author wrote it (Markdown allowed), safe in a table. */
void tfa_md_title(tfa_buf *out, const char *s)
{
    for (; *s; s++)
        if (*s == '|')
            tfa_buf_puts(out, "\\|");
        else
            tfa_buf_putc(out, *s);
}

/* `s` as a code span: a fence longer than any backtick run inside, padded
 * when it starts or ends with a backtick; `|` escaped for tables. */
void tfa_md_code(tfa_buf *out, const char *s)
{
    size_t run = 0, longest = 0, i, n = strlen(s);
    int pad = n && (s[0] == '`' || s[n - 1] == '`');
    tfa_buf clean;

    for (i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    tfa_buf_init(&clean, TFA_BUF_NO_MAX);
    tfa_utf8_clean(&clean, s, 1);
    for (i = 0; i <= longest; i++)
        tfa_buf_putc(out, '`');
    if (pad)
        tfa_buf_putc(out, ' ');
    for (i = 0; i < clean.len; i++) {
        char c = clean.ptr[i];
        if (c == '|')
            tfa_buf_puts(out, "\\|");
        else
            tfa_buf_putc(out, c == '\n' || c == '\r' ? ' ' : c);
    }
    if (pad)
        tfa_buf_putc(out, ' ');
    for (i = 0; i <= longest; i++)
        tfa_buf_putc(out, '`');
    tfa_scratch_release(out, &clean);
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
