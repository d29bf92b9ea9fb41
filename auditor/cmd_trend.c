/*
 * cmd_trend.c - `tfaudit trend`: the audits recorded in the ledger, one line
 * each: verdicts, failing items, drift counts and the longest failing streak.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "cli_ledger.h"
#include "cli_time.h"
#include "commands.h"
#include "util/utc.h"
#include "exit.h"
#include "msg.h"
#include "util/alloc.h"

typedef struct trend_opts {
    const char *workspace, *since, *format, *ledger, *output;
} trend_opts;

static const tfa_opt options[] = {
    {"workspace", 0, TFA_OPT_STRING, offsetof(trend_opts, workspace), "NAME", "only this workspace",
     NULL},
    {"since", 0, TFA_OPT_STRING, offsetof(trend_opts, since), "TIME",
     "audits at or after TIME: " TFA_UTC_FORMS, NULL},
    {"format", 'f', TFA_OPT_CHOICE, offsetof(trend_opts, format), "FORMAT",
     "text (default), json or html", "text|json|html"},
    {"output", 'o', TFA_OPT_STRING, offsetof(trend_opts, output), "FILE",
     "write to FILE instead of standard output", NULL},
    {"ledger", 0, TFA_OPT_STRING, offsetof(trend_opts, ledger), "PATH",
     "ledger database (default: $TFAUDIT_LEDGER, else 'tfaudit ledger path')", NULL},
};

const tfa_cmd_spec tfa_cmd_trend_spec = {
    "trend",
    "[--workspace W] [--since DATE] [--format text|json|html]",
    "Show the history of nightly audits from the ledger",
    "Reads the audits 'tfaudit audit' recorded: per audit the GO / NO-GO and\n"
    "missing workspaces, failing items, drifted and accepted resources,\n"
    "regressions, and the longest failing streak.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    0};

/* A workspace no audit of the ledger has is a typo, not an empty history:
 * refused (exit 2) rather than reported as "0 audits". */
static int known_workspace(tfa_ledger *ledger, const char *workspace)
{
    tfa_audit_summary *h = NULL;
    tfa_error err;
    size_t n = 0;
    int rc = 0;

    tfa_error_init(&err);
    if (tfa_audit_history(&h, &n, ledger, workspace, INT64_MIN, 1, &err) != 0)
        rc = tfa_msg_from_error(&err);
    else if (n == 0)
        rc = tfa_msg_usage("trend", "no audit in the ledger has workspace '%s'", workspace);
    tfa_audit_summaries_free(h, n);
    return rc;
}

int tfa_cmd_trend(int argc, char **argv)
{
    trend_opts o;
    tfa_strlist args = {0};
    tfa_audit_summary *h = NULL;
    tfa_ledger *ledger = NULL;
    int64_t since = INT64_MIN;
    tfa_error err;
    tfa_buf b;
    size_t n = 0;
    int rc;

    memset(&o, 0, sizeof(o));
    tfa_error_init(&err);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if ((rc = tfa_opts_parse(&tfa_cmd_trend_spec, argc, argv, &o, &args)) != 0)
        goto done;
    if (o.since && (rc = tfa_cli_time("--since", o.since, &since)) != 0)
        goto done;
    if ((rc = tfa_cli_ledger_open(&ledger, o.ledger, 0)) != 0)
        goto done;
    if (tfa_audit_history(&h, &n, ledger, o.workspace, since, 0, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    if (o.workspace && n == 0 && (rc = known_workspace(ledger, o.workspace)) != 0)
        goto done;
    if (o.format && strcmp(o.format, "json") == 0) {
        json_t *j = tfa_audit_trend_json(h, n, o.workspace);
        char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        if (text)
            tfa_buf_printf(&b, "%s\n", text);
        else
            b.failed = TFA_ENOMEM; /* never an empty history for a failed one */
        json_decref(j);
        tfa_free(text);
    } else if (o.format && strcmp(o.format, "html") == 0) {
        tfa_audit_trend_html(&b, h, n, o.workspace);
    } else {
        tfa_audit_trend_text(&b, h, n, o.workspace);
    }
    if (tfa_buf_status(&b)) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (o.output) {
        FILE *f = fopen(o.output, "wb");
        int bad = !f || fwrite(b.ptr, 1, b.len, f) != b.len;
        if ((f && fclose(f) != 0) || bad) { /* a full disk shows at close */
            rc = tfa_msg_error("cannot write '%s'", o.output);
            goto done;
        }
    } else if (fwrite(b.ptr, 1, b.len, stdout) != b.len) {
        rc = tfa_msg_error("cannot write the output");
        goto done;
    }
    rc = TFA_EXIT_GO;
done:
    tfa_audit_summaries_free(h, n);
    tfa_ledger_free(ledger);
    tfa_buf_release(&b);
    tfa_strlist_release(&args);
    return rc;
}
