/*
 * report_github.c - the verdict as GitHub Actions workflow commands
 * (`--format github`): an annotation per item that is not PASS, on the
 * item's line in the checklist, then one for the verdict. Levels: hard
 * items are errors, soft ones warnings, advisory ones notices; a WAIVED
 * item is a notice naming its waiver. Escaping is in report_ci.c.
 *
 * The Markdown step summary ($GITHUB_STEP_SUMMARY) is the CLI's business:
 * it appends the Markdown report there.
 */
#include "util/compat.h"

#include "report_ci.h"
#include "report_int.h"

static int item(tfa_buf *out, const tfa_verdict *v, const tfa_result *r)
{
    const char *cmd =
        r->status == TFA_ITEM_WAIVED ? "notice" : tfa_ci_github_command(r->item->level);
    tfa_buf title, msg;

    tfa_buf_init(&title, TFA_BUF_NO_MAX);
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    tfa_buf_printf(&title, "tfaudit %s: %s", tfa_item_status_name(r->status), r->item->id);
    tfa_ci_item_message(&msg, r, 1);
    if (tfa_buf_status(&title) || tfa_buf_status(&msg))
        out->failed = TFA_ENOMEM;
    else
        tfa_github_command(out, cmd, tfa_checklist_name(v->checklist), r->item->line, title.ptr,
                           msg.ptr);
    tfa_buf_release(&title);
    tfa_buf_release(&msg);
    return tfa_buf_status(out);
}

static int verdict_line(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    tfa_buf title, msg;
    size_t i, n = 0;

    tfa_buf_init(&title, TFA_BUF_NO_MAX);
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    tfa_buf_printf(&title, "tfaudit %s: %s", opts && opts->command ? opts->command : "check",
                   v->go ? "GO" : "NO-GO");
    if (!v->blocking)
        tfa_buf_puts(&msg, "GO: no item blocks. ");
    else
        tfa_buf_printf(&msg, "NO-GO: %zu item%s block%s: ", v->blocking,
                       v->blocking == 1 ? "" : "s", v->blocking == 1 ? "s" : "");
    for (i = 0; i < v->n_results; i++)
        if (v->results[i].blocks)
            tfa_buf_printf(&msg, "%s%s (%s)", n++ ? ", " : "", v->results[i].item->id,
                           tfa_item_status_name(v->results[i].status));
    if (v->blocking)
        tfa_buf_puts(&msg, ". ");
    tfa_ev_counts(&msg, v);
    if (tfa_buf_status(&title) || tfa_buf_status(&msg))
        out->failed = TFA_ENOMEM;
    else
        tfa_github_command(out, v->go ? "notice" : "error", tfa_checklist_name(v->checklist), 0,
                           title.ptr, msg.ptr);
    tfa_buf_release(&title);
    tfa_buf_release(&msg);
    return tfa_buf_status(out);
}

int tfa_report_github(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    size_t i;
    for (i = 0; i < v->n_results; i++)
        if (v->results[i].status != TFA_ITEM_PASS)
            item(out, v, &v->results[i]);
    return verdict_line(out, v, opts);
}
