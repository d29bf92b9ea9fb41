/*
 * report_md.c - the Markdown report, for a leadership review: a verdict
 * banner, the item table, every item's evidence, waivers, and the inputs
 * with their digests, so the page says what was decided, why, and on
 * exactly which files. GitHub-flavoured Markdown (tables).
 */
#include "util/compat.h"

#include "util/utc.h"
#include "report_int.h"

static void banner(tfa_buf *out, const tfa_verdict *v)
{
    const char *title = tfa_checklist_title(v->checklist);
    size_t i, n = 0;

    tfa_buf_printf(out, "# %s: ", v->go ? "GO" : "NO-GO");
    tfa_md_title(out, title ? title : tfa_checklist_name(v->checklist));
    tfa_buf_printf(out, "\n\n> **%s**", v->go ? "GO" : "NO-GO");
    if (!v->blocking)
        tfa_buf_puts(out, ": no item blocks\n");
    else
        tfa_buf_printf(out, ": %zu item%s block%s: ", v->blocking, v->blocking == 1 ? "" : "s",
                       v->blocking == 1 ? "s" : "");
    for (i = 0; i < v->n_results; i++) {
        const tfa_result *r = &v->results[i];
        if (!r->blocks)
            continue;
        tfa_buf_puts(out, n++ ? ", " : "");
        tfa_md_code(out, r->item->id);
        tfa_buf_printf(out, " (%s)", tfa_item_status_name(r->status));
    }
    if (v->blocking)
        tfa_buf_putc(out, '\n');
}

static void about(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    char hex[TFA_SHA256_HEX], when[TFA_UTC_ISO_SIZE];

    tfa_sha256_hex(tfa_checklist_sha256(v->checklist), hex);
    tfa_utc_format_iso(v->now, when);
    tfa_buf_puts(out, "\n| | |\n|---|---|\n| Checklist | ");
    tfa_md_code(out, tfa_checklist_name(v->checklist));
    tfa_buf_puts(out, " (sha256 ");
    tfa_md_code(out, hex);
    tfa_buf_puts(out, ") |\n| Section | ");
    if (v->section)
        tfa_md_text(out, v->section);
    else
        tfa_buf_puts(out, "all");
    tfa_buf_printf(out, " |\n| Evaluated | %s by tfaudit %s (`tfaudit %s`) |\n| Items | ", when,
                   TFA_VERSION, opts->command);
    tfa_ev_counts(out, v);
    tfa_buf_puts(out, " |\n");
}

static void item_table(tfa_buf *out, const tfa_verdict *v)
{
    size_t i;
    tfa_buf_puts(out, "\n## Items\n\n| Status | Item | Title | Level | Section |\n"
                      "|---|---|---|---|---|\n");
    for (i = 0; i < v->n_results; i++) {
        const tfa_result *r = &v->results[i];
        tfa_buf_printf(out, "| %s%s%s | ", r->blocks ? "**" : "", tfa_item_status_name(r->status),
                       r->blocks ? "**" : "");
        tfa_md_code(out, r->item->id);
        tfa_buf_puts(out, " | ");
        tfa_md_title(out, r->item->title);
        tfa_buf_printf(out, " | %s | ", tfa_level_name(r->item->level));
        if (r->item->section)
            tfa_md_title(out, r->item->section);
        tfa_buf_puts(out, " |\n");
    }
}

static void evidence(tfa_buf *out, const tfa_result *r)
{
    const tfa_item *it = r->item;
    tfa_buf note;
    size_t i, j;

    tfa_buf_printf(out, "\n### %s: ", tfa_item_status_name(r->status));
    tfa_md_code(out, it->id);
    tfa_buf_putc(out, ' ');
    tfa_md_title(out, it->title);
    tfa_buf_puts(out, "\n\n");
    if (it->manual) {
        tfa_buf_printf(out, "Manual item (%s)", tfa_level_name(it->level));
    } else {
        tfa_buf_puts(out, "Condition: ");
        tfa_md_code(out, it->expr_text);
        tfa_buf_printf(out, " (%s)", tfa_level_name(it->level));
    }
    tfa_buf_puts(out, r->blocks ? ", **blocks**\n\n" : "\n\n");
    for (i = 0; i < r->evidence.n_facts; i++)
        tfa_md_fact(out, &r->evidence.facts[i], 0, "\n");
    for (i = 0; i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        tfa_buf_puts(out, "- ");
        tfa_md_code(out, q->query);
        tfa_buf_puts(out, " = ");
        tfa_md_value(out, &q->result);
        tfa_buf_printf(out, " (%zu of %zu %s %s)\n", q->listed, q->total, q->collection,
                       q->listed_match ? "matched" : "did not match");
        for (j = 0; j < q->n_labels; j++) {
            tfa_buf_puts(out, "  - ");
            tfa_md_code(out, q->labels[j]);
            tfa_buf_putc(out, '\n');
        }
        if (tfa_ev_more(q))
            tfa_buf_printf(out, "  - ... and %zu more\n", tfa_ev_more(q));
    }
    tfa_buf_init(&note, TFA_BUF_NO_MAX);
    tfa_ev_note(&note, r);
    if (note.len) {
        tfa_buf_puts(out, "- ");
        tfa_md_text(out, note.ptr);
        tfa_buf_putc(out, '\n');
    }
    tfa_scratch_release(out, &note);
}

static void waivers(tfa_buf *out, const tfa_verdict *v)
{
    size_t i;
    if (!v->n_waivers)
        return;
    tfa_buf_puts(out, "\n## Waivers\n\n| Item | Owner | Expires | Status | Reason |\n"
                      "|---|---|---|---|---|\n");
    for (i = 0; i < v->n_waivers; i++) {
        const tfa_waiver *w = v->waivers[i].waiver;
        tfa_buf_puts(out, "| ");
        tfa_md_code(out, w->item);
        tfa_buf_puts(out, " | ");
        tfa_md_text(out, w->owner);
        tfa_buf_puts(out, " | ");
        tfa_md_text(out, w->expires);
        tfa_buf_printf(out, " | %s | ", tfa_waiver_use_name(v->waivers[i].use));
        tfa_md_text(out, w->reason);
        tfa_buf_puts(out, " |\n");
    }
}

static void inputs(tfa_buf *out, const tfa_verdict *v)
{
    size_t i;
    tfa_buf_puts(out, "\n## Inputs\n\n| Input | Kind | Tool | Bytes | sha256 |\n"
                      "|---|---|---|---|---|\n");
    for (i = 0; i < v->n_inputs; i++) {
        const tfa_verdict_input *in = &v->inputs[i];
        tfa_buf_puts(out, "| ");
        tfa_md_code(out, in->path);
        tfa_buf_printf(out, " | %s | ", in->kind);
        if (in->tool_version) {
            tfa_md_text(out, in->tool ? in->tool : "terraform");
            tfa_buf_putc(out, ' ');
            tfa_md_text(out, in->tool_version);
        }
        tfa_buf_printf(out, " | %llu | ", (unsigned long long)in->bytes);
        tfa_md_code(out, in->sha256);
        tfa_buf_puts(out, " |\n");
    }
    if (v->n_skipped)
        tfa_buf_puts(out, "\n## Skipped inputs\n\n| Input | Why |\n|---|---|\n");
    for (i = 0; i < v->n_skipped; i++) {
        tfa_buf_puts(out, "| ");
        tfa_md_code(out, v->skipped[i].path);
        tfa_buf_puts(out, " | ");
        tfa_md_text(out, v->skipped[i].reason);
        tfa_buf_puts(out, " |\n");
    }
}

int tfa_report_markdown(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    size_t i;

    banner(out, v);
    about(out, v, opts);
    item_table(out, v);
    tfa_buf_puts(out, "\n## Evidence\n");
    for (i = 0; i < v->n_results; i++)
        evidence(out, &v->results[i]);
    waivers(out, v);
    inputs(out, v);
    return tfa_buf_status(out);
}

int tfa_report_item_markdown(tfa_buf *out, const tfa_result *r)
{
    evidence(out, r);
    return out->failed ? TFA_ENOMEM : 0;
}
