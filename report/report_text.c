/*
 * report_text.c - the terminal report (`--format text`, the default).
 *
 * Verdict first, then each item under its section with the evidence
 * indented below it, then what blocks and the inputs. Colour (ANSI) only
 * when the caller asks, which the CLI does on a TTY without NO_COLOR.
 * Every string from the checklist or the inputs goes through the text
 * escaper (util/escape.h): the only control characters in this report are
 * its own line breaks and colours.
 */
#include "util/compat.h"

#include "util/utc.h"
#include "report_int.h"
#include "util/escape.h"

#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define CYAN   "\033[36m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

/* Width of the status column: "PENDING" and a space. */
#define STATUS_WIDTH 8
/* Short digests: enough to tell inputs apart at a glance. */
#define SHORT_DIGEST 12

static const char *status_color(tfa_item_status s)
{
    switch (s) {
    case TFA_ITEM_PASS:
        return GREEN;
    case TFA_ITEM_WAIVED:
        return CYAN;
    case TFA_ITEM_PENDING:
        return YELLOW;
    default:
        return RED;
    }
}

static void colored(tfa_buf *out, int color, const char *code, const char *text, int width)
{
    if (color)
        tfa_buf_puts(out, code);
    tfa_buf_puts(out, text);
    if (color)
        tfa_buf_puts(out, RESET);
    if (width > (int)strlen(text))
        tfa_buf_printf(out, "%*s", width - (int)strlen(text), "");
}

static void item_block(tfa_buf *out, const tfa_result *r, int color)
{
    const tfa_item *it = r->item;
    const char *pad = "           ";
    size_t i, j;

    tfa_buf_puts(out, "  ");
    colored(out, color, status_color(r->status), tfa_item_status_name(r->status), STATUS_WIDTH);
    tfa_esc_textf(out, " %s: %s", it->id, it->title);
    if (it->level != TFA_LEVEL_HARD)
        tfa_buf_printf(out, " (%s)", tfa_level_name(it->level));
    tfa_buf_putc(out, '\n');
    for (i = 0; i < r->evidence.n_facts; i++) {
        tfa_buf_puts(out, pad);
        tfa_ev_fact(out, &r->evidence.facts[i]);
        tfa_buf_putc(out, '\n');
        for (j = 0; j < r->evidence.facts[i].n_details; j++) {
            tfa_buf_printf(out, "%s  - ", pad);
            tfa_esc_text(out, r->evidence.facts[i].details[j]);
            tfa_buf_putc(out, '\n');
        }
    }
    for (i = 0; i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        tfa_buf_puts(out, pad);
        tfa_ev_query(out, q);
        tfa_buf_putc(out, '\n');
        for (j = 0; j < q->n_labels; j++) {
            tfa_buf_printf(out, "%s  - ", pad);
            tfa_esc_text(out, q->labels[j]);
            tfa_buf_putc(out, '\n');
        }
        if (tfa_ev_more(q))
            tfa_buf_printf(out, "%s  ... and %zu more\n", pad, tfa_ev_more(q));
    }
    {
        tfa_buf note;
        tfa_buf_init(&note, TFA_BUF_NO_MAX);
        tfa_ev_note(&note, r);
        if (note.len)
            tfa_buf_printf(out, "%s%s\n", pad, note.ptr);
        tfa_scratch_release(out, &note);
    }
}

static void blocking_line(tfa_buf *out, const tfa_verdict *v)
{
    size_t i, n = 0;
    if (!v->blocking)
        return;
    tfa_buf_puts(out, "\nblocking: ");
    for (i = 0; i < v->n_results; i++)
        if (v->results[i].blocks)
            tfa_esc_textf(out, "%s%s (%s)", n++ ? ", " : "", v->results[i].item->id,
                          tfa_item_status_name(v->results[i].status));
    tfa_buf_putc(out, '\n');
}

static void inputs_block(tfa_buf *out, const tfa_verdict *v)
{
    size_t i;
    tfa_buf_puts(out, "\ninputs:\n");
    for (i = 0; i < v->n_inputs; i++) {
        const tfa_verdict_input *in = &v->inputs[i];
        tfa_esc_textf(out, "  %s (%s", in->path, in->kind);
        if (in->tool_version)
            tfa_esc_textf(out, ", %s %s", in->tool ? in->tool : "terraform", in->tool_version);
        tfa_buf_printf(out, ", sha256 %.*s)\n", SHORT_DIGEST, in->sha256);
    }
    if (v->n_skipped)
        tfa_buf_puts(out, "\nskipped inputs:\n");
    for (i = 0; i < v->n_skipped; i++)
        tfa_esc_textf(out, "  %s: %s", v->skipped[i].path, v->skipped[i].reason),
            tfa_buf_putc(out, '\n');
}

int tfa_report_text(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    const char *title = tfa_checklist_title(v->checklist), *section = "";
    char when[TFA_UTC_ISO_SIZE];
    size_t i, n;

    tfa_utc_format_iso(v->now, when);
    tfa_buf_printf(out, "tfaudit %s: ", opts->command);
    if (opts->color)
        tfa_buf_puts(out, BOLD);
    colored(out, opts->color, v->go ? GREEN : RED, v->go ? "GO" : "NO-GO", 0);
    tfa_buf_putc(out, '\n');
    tfa_esc_textf(out, "checklist: %s", tfa_checklist_name(v->checklist));
    if (title)
        tfa_esc_textf(out, " (%s)", title);
    if (v->section)
        tfa_esc_textf(out, ", section '%s'", v->section);
    tfa_buf_printf(out, "\nevaluated: %s\n", when);
    tfa_ev_counts(out, v);
    tfa_buf_putc(out, '\n');
    for (i = 0; i < v->n_results; i++) {
        const char *s = v->results[i].item->section;
        if (i == 0 || (s ? s : "") != section) {
            section = s ? s : "";
            tfa_buf_putc(out, '\n');
            tfa_esc_text(out, s ? s : "(no section)");
            tfa_buf_putc(out, '\n');
        }
        item_block(out, &v->results[i], opts->color);
    }
    blocking_line(out, v);
    for (i = 0, n = 0; i < v->n_waivers; i++)
        if (v->waivers[i].use == TFA_WAIVER_EXPIRED || v->waivers[i].use == TFA_WAIVER_REFUSED) {
            tfa_buf_puts(out, n++ ? "" : "\n");
            tfa_ev_waiver_warning(out, &v->waivers[i]);
            tfa_buf_putc(out, '\n');
        }
    inputs_block(out, v);
    return tfa_buf_status(out);
}
