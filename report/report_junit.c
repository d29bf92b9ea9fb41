/*
 * report_junit.c - JUnit XML for CI: one <testcase> per item, one
 * <testsuite> per run of consecutive items under the same heading.
 *
 * The mapping keeps CI's red/green equal to the verdict: an item that
 * blocks is a <failure> (FAIL, PENDING) or an <error> (ERROR); an item that
 * does not block but did not pass (WAIVED, or an advisory item that failed)
 * is <skipped> with the reason; PASS is a plain testcase. Evidence goes in
 * the body of the failure, or <system-out> for the others. The layout is
 * the common subset CI tools read (Jenkins, GitLab, GitHub reporters);
 * tests/checklist/junit.xsd is the schema the tests validate against.
 * Every string goes through util/escape.h: the evidence body is text
 * escaped line by line, then XML-escaped whole.
 */
#include "util/compat.h"

#include "util/utc.h"
#include "report_int.h"
#include "util/escape.h"

/* The evidence of a result as plain text lines. */
static void evidence_text(tfa_buf *out, const tfa_result *r)
{
    size_t i, j;

    if (r->item->expr_text) {
        tfa_esc_textf(out, "condition: %s", r->item->expr_text);
        tfa_buf_putc(out, '\n');
    }
    for (i = 0; i < r->evidence.n_facts; i++) {
        tfa_ev_fact(out, &r->evidence.facts[i]);
        tfa_buf_putc(out, '\n');
    }
    for (i = 0; i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        tfa_ev_query(out, q);
        tfa_buf_putc(out, '\n');
        for (j = 0; j < q->n_labels; j++) {
            tfa_buf_puts(out, "  - ");
            tfa_esc_text(out, q->labels[j]);
            tfa_buf_putc(out, '\n');
        }
        if (tfa_ev_more(q))
            tfa_buf_printf(out, "  ... and %zu more\n", tfa_ev_more(q));
    }
    if (tfa_ev_note(out, r) == 0 && out->len && out->ptr[out->len - 1] != '\n')
        tfa_buf_putc(out, '\n');
}

static void testcase(tfa_buf *out, const tfa_verdict *v, const tfa_result *r)
{
    const tfa_item *it = r->item;
    const char *tag = NULL;
    tfa_buf ev, msg;

    tfa_buf_init(&ev, TFA_BUF_NO_MAX);
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    evidence_text(&ev, r);
    tfa_buf_puts(out, "    <testcase classname=\"");
    tfa_esc_xml(out, tfa_checklist_name(v->checklist));
    tfa_buf_puts(out, "\" name=\"");
    tfa_esc_xml(out, it->id);
    tfa_buf_puts(out, ": ");
    tfa_esc_xml(out, it->title);
    tfa_buf_puts(out, "\" time=\"0\">\n");
    if (r->blocks)
        tag = r->status == TFA_ITEM_ERROR ? "error" : "failure";
    else if (r->status != TFA_ITEM_PASS)
        tag = "skipped";
    tfa_buf_printf(&msg, "%s (%s)", tfa_item_status_name(r->status), tfa_level_name(it->level));
    if (r->reason)
        tfa_buf_printf(&msg, ": %s", r->reason);
    if (r->waiver)
        tfa_buf_printf(&msg, ": waived by %s until %s", r->waiver->owner, r->waiver->expires);
    if (tag) {
        tfa_buf_printf(out, "      <%s message=\"", tag);
        tfa_esc_xml(out, msg.ptr);
        if (strcmp(tag, "skipped") == 0) {
            tfa_buf_puts(out, "\"/>\n");
        } else {
            tfa_buf_printf(out, "\" type=\"%s\">", tfa_item_status_name(r->status));
            tfa_esc_xml_body(out, ev.ptr);
            tfa_buf_printf(out, "</%s>\n", tag);
        }
    }
    if (!tag || strcmp(tag, "skipped") == 0) {
        tfa_buf_puts(out, "      <system-out>");
        tfa_esc_xml_body(out, ev.ptr);
        tfa_buf_puts(out, "</system-out>\n");
    }
    tfa_buf_puts(out, "    </testcase>\n");
    tfa_scratch_release(out, &ev);
    tfa_scratch_release(out, &msg);
}

/* Counts of results [from, to) for a suite's attributes. */
static void suite_counts(const tfa_verdict *v, size_t from, size_t to, size_t c[3])
{
    size_t i;
    c[0] = c[1] = c[2] = 0; /* failures, errors, skipped */
    for (i = from; i < to; i++) {
        const tfa_result *r = &v->results[i];
        if (r->blocks)
            c[r->status == TFA_ITEM_ERROR ? 1 : 0]++;
        else if (r->status != TFA_ITEM_PASS)
            c[2]++;
    }
}

static void suite(tfa_buf *out, const tfa_verdict *v, size_t from, size_t to, const char *when)
{
    const char *section = v->results[from].item->section;
    const char *title = tfa_checklist_title(v->checklist);
    size_t c[3], i;

    suite_counts(v, from, to, c);
    tfa_buf_puts(out, "  <testsuite name=\"");
    tfa_esc_xml(out, section ? section : title ? title : tfa_checklist_name(v->checklist));
    tfa_buf_printf(out,
                   "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\" "
                   "timestamp=\"%.19s\">\n",
                   to - from, c[0], c[1], c[2], when);
    tfa_buf_printf(out, "    <properties>\n      <property name=\"verdict\" value=\"%s\"/>\n",
                   v->go ? "GO" : "NO-GO");
    tfa_buf_puts(out, "      <property name=\"checklist\" value=\"");
    tfa_esc_xml(out, tfa_checklist_name(v->checklist));
    tfa_buf_puts(out, "\"/>\n");
    for (i = 0; i < v->n_skipped; i++) { /* members --skip-unknown skipped */
        tfa_buf_puts(out, "      <property name=\"skipped-input\" value=\"");
        tfa_esc_xml(out, v->skipped[i].path);
        tfa_buf_puts(out, ": ");
        tfa_esc_xml(out, v->skipped[i].reason);
        tfa_buf_puts(out, "\"/>\n");
    }
    tfa_buf_puts(out, "    </properties>\n");
    for (i = from; i < to; i++)
        testcase(out, v, &v->results[i]);
    tfa_buf_puts(out, "  </testsuite>\n");
}

int tfa_report_junit(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    char when[TFA_UTC_ISO_SIZE];
    size_t c[3], from = 0, i;

    tfa_utc_format_iso(v->now, when);
    suite_counts(v, 0, v->n_results, c);
    tfa_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
    tfa_buf_printf(out, "tfaudit %s %s: ", opts->command, v->go ? "GO" : "NO-GO");
    tfa_esc_xml(out, tfa_checklist_name(v->checklist));
    tfa_buf_printf(out,
                   "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\">\n",
                   v->n_results, c[0], c[1], c[2]);
    for (i = 1; i <= v->n_results; i++)
        if (i == v->n_results || v->results[i].item->section != v->results[from].item->section) {
            suite(out, v, from, i, when);
            from = i;
        }
    tfa_buf_puts(out, "</testsuites>\n");
    return tfa_buf_status(out);
}
