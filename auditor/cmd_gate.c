/*
 * cmd_gate.c - `tfaudit gate`: the go/no-go gate of an apply window. It
 * decides exactly as `check` does, then records the decision before it is
 * reported: the verdict record goes into the ledger (one transaction), then
 * optionally to git beside the rollout plan and to a webhook.
 *
 * A decision that cannot be recorded is not a decision: a ledger failure
 * makes the gate exit 2. A git evidence failure also exits 2, naming the
 * ledger record that did get written. A failed notification is reported
 * and changes nothing.
 */
#include "util/compat.h"

#include <jansson.h>
#include <pwd.h>
#include <unistd.h>

#include "check_common.h"
#include "cli_ledger.h"
#include "commands.h"
#include "exit.h"
#include "gate_record.h"
#include "git_evidence.h"
#include "msg.h"
#include "net/notify.h"
#include "report.h"
#include "s3_archive.h"
#include "util/alloc.h"
#include "util/buf.h"

#define GATE_OPT(name, field, arg, help)                                                           \
    {                                                                                              \
        name, 0, TFA_OPT_STRING, offsetof(tfa_check_opts, gate.field), arg, help, NULL             \
    }

static const tfa_opt options[] = {
    TFA_CHECK_OPTIONS,
    GATE_OPT("workspace", workspace, "NAME", "workspace the verdict is for (default: default)"),
    GATE_OPT("window", window, "TEXT", "the apply window, as your change process names it"),
    GATE_OPT("operator", operator_name, "NAME", "who runs the gate (default: the login name)"),
    GATE_OPT("ledger", ledger, "PATH",
             "ledger database (default: $TFAUDIT_LEDGER, else 'tfaudit ledger path')"),
    GATE_OPT("git-repo", git_repo, "PATH", "also commit the evidence to this git repository"),
    GATE_OPT("git-author", git_author, "\"NAME <EMAIL>\"",
             "author of the evidence commit (default: GIT_AUTHOR_*, git config, tfaudit)"),
    GATE_OPT("git-branch", git_branch, "NAME", "evidence branch (default: tfaudit-evidence)"),
    GATE_OPT("git-dir", git_dir, "DIR", "evidence directory in that branch (default: evidence)"),
    GATE_OPT("rollout-plan", rollout_plan, "PATH",
             "Markdown rollout plan in that repository whose evidence section is updated"),
    GATE_OPT("notify", notify, "URL", "post the verdict to this webhook (Slack-compatible)"),
    GATE_OPT("archive-to", archive_to, "s3://BUCKET/PREFIX/",
             "archive the inputs (sensitive values redacted) to S3 and record the object"),
    TFA_CLI_SIGN_OPTIONS(tfa_check_opts, gate.sign),
};

const tfa_cmd_spec tfa_cmd_gate_spec = {
    "gate",
    "--checklist FILE [options] INPUT...",
    "Decide GO / NO-GO for an apply window and record the verdict as evidence",
    "Evaluates like 'tfaudit check', then records the verdict in the ledger\n"
    "(chained SHA-256 records; 'tfaudit ledger verify' checks them) with the\n"
    "checklist's text and every input's digest and facts, before it reports.\n"
    "With --git-repo it also commits the Markdown report and the JSON record to\n"
    "an evidence branch without touching the working tree; with --notify it\n"
    "posts the verdict to a webhook; with --archive-to it uploads the inputs\n"
    "(plans and states redacted, what cannot be redacted left out) to S3 first\n"
    "and records the object's URL and SHA-256 in the ledger record.\n"
    "\n"
    "Exit status: 0 GO, 1 NO-GO, 2 usage, input or checklist error, or a verdict\n"
    "that could not be recorded.\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    TFA_ARGS_UNLIMITED};

/* The login name, for --operator's default. */
static const char *login_name(char *buf, size_t size)
{
    struct passwd pw, *res = NULL;
    char tmp[1024];
    const char *user = getenv("USER");

    if (getpwuid_r(geteuid(), &pw, tmp, sizeof(tmp), &res) == 0 && res && res->pw_name)
        user = res->pw_name;
    if (!user || !*user)
        return NULL;
    snprintf(buf, size, "%s", user);
    return buf;
}

static int commit_evidence(const tfa_check_state *st, const tfa_ledger_record *rec,
                           const json_t *record)
{
    tfa_git_evidence_options go = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_report_options ro = TFA_REPORT_OPTIONS_INIT;
    const tfa_gate_opts *g = &st->o->gate;
    tfa_git_evidence_result res;
    tfa_git_evidence ev;
    tfa_error err;
    tfa_buf md;
    int rc = 0;

    tfa_error_init(&err);
    tfa_buf_init(&md, TFA_BUF_NO_MAX);
    memset(&res, 0, sizeof(res));
    tfa_git_evidence_from_record(&ev, rec);
    ev.failing = tfa_gate_record_blocking(record, &ev.n_failing);
    ro.command = st->spec->name;
    if (tfa_report_write(&md, st->verdict, TFA_REPORT_MARKDOWN, &ro) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    ev.report_md = md.ptr;
    ev.report_len = md.len;
    go.branch = g->git_branch;
    go.dir = g->git_dir;
    go.rollout_plan = g->rollout_plan;
    go.author = g->git_author;
    go.operator_name = rec->operator_name;
    if (tfa_git_evidence_commit(&res, g->git_repo, &ev, &go, &err) != 0) {
        tfa_msg_from_error(&err);
        rc = tfa_msg_error("verdict recorded as ledger record #%lld, but not committed to git",
                           (long long)rec->id);
        goto done;
    }
    tfa_msg_note("evidence committed: %.12s on %s (%s)", res.commit,
                 g->git_branch ? g->git_branch : TFA_GIT_EVIDENCE_BRANCH, res.md_path);
done:
    tfa_free((void *)(uintptr_t)ev.failing);
    tfa_git_evidence_result_release(&res);
    tfa_buf_release(&md);
    return rc;
}

static void notify(const tfa_check_state *st, const json_t *record)
{
    tfa_cli_net_ctx nc;
    tfa_notify_options no;
    tfa_error err;

    tfa_error_init(&err);
    if (tfa_cli_net_init(&nc, &st->o->net, st->spec->name) != 0)
        return;
    no.http = &nc.http;
    if (tfa_notify_post(st->o->gate.notify, record, &no, &err) != 0) {
        char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX];
        tfa_error_format(&err, line, sizeof(line));
        tfa_msg_warn("notification not delivered (the verdict stands): %s", line);
    }
}

/* Upload the gated inputs and note the object in the record, before the
 * record is written: a record that claims an archive must have one. */
static int archive_inputs(const tfa_check_state *st, const char *workspace, json_t *record)
{
    tfa_s3_archive_options ao;
    tfa_s3_archive_result res;
    tfa_cli_net_ctx nc;
    tfa_error err;
    int rc;

    memset(&ao, 0, sizeof(ao));
    memset(&res, 0, sizeof(res));
    tfa_error_init(&err);
    if ((rc = tfa_cli_net_init(&nc, &st->o->net, st->spec->name)) != 0)
        return rc;
    ao.to = st->o->gate.archive_to;
    ao.workspace = workspace;
    ao.now = st->now;
    ao.tool_version = TFA_VERSION;
    ao.s3.http = &nc.http;
    ao.s3.env = nc.remote.env;
    if (tfa_s3_archive_run(&res, st->o->inputs, st->o->n_inputs, &ao, &err) != 0) {
        tfa_msg_from_error(&err);
        return tfa_msg_error("inputs not archived: the verdict was not recorded");
    }
    rc =
        json_object_set_new(record, "archive",
                            json_pack("{s:s, s:s, s:s, s:I, s:I}", "object", res.object, "url",
                                      res.url, "sha256", res.sha256, "bytes", (json_int_t)res.bytes,
                                      "inputs_left_out", (json_int_t)res.n_omitted)) != 0
            ? tfa_msg_error("out of memory")
            : 0;
    if (rc == 0)
        tfa_msg_note("inputs archived to %s (sha256 %.16s...)", res.object, res.sha256);
    tfa_s3_archive_result_release(&res);
    return rc;
}

static int record_verdict(const tfa_check_state *st, void *payload)
{
    const tfa_gate_opts *g = &st->o->gate;
    char user[256];
    tfa_gate_meta meta = {g->workspace ? g->workspace : "default", g->window,
                          g->operator_name ? g->operator_name : login_name(user, sizeof(user)),
                          NULL, st->now};
    tfa_ledger_entry e = {st->now,
                          meta.workspace,
                          meta.window,
                          meta.operator_name,
                          st->verdict->go ? "GO" : "NO-GO",
                          TFA_VERSION,
                          NULL};
    tfa_ledger_record *rec = NULL;
    tfa_ledger *ledger = NULL;
    tfa_signer *signer = NULL;
    json_t *record = NULL;
    tfa_error err;
    int rc = 0;

    (void)payload;
    tfa_error_init(&err);
    if (tfa_ledger_workspace_check(meta.workspace, &err) != 0) {
        rc = tfa_msg_usage(st->spec->name, "--workspace: %s", err.message);
        goto done;
    }
    if ((rc = tfa_cli_signer_load(&signer, &g->sign)) != 0)
        goto done;
    if (!(record = tfa_gate_record(st->verdict, st->cl, st->run, st->context, &meta))) {
        rc = tfa_msg_error("cannot build the verdict record: out of memory");
        goto done;
    }
    e.record = record;
    if (g->archive_to && (rc = archive_inputs(st, meta.workspace, record)) != 0)
        goto done;
    if ((rc = tfa_cli_ledger_open(&ledger, g->ledger, 1)) != 0)
        goto done;
    tfa_ledger_set_signer(ledger, signer);
    if (tfa_ledger_append(&rec, ledger, &e, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    tfa_msg_note("verdict %s recorded as ledger record #%lld (sha256 %.16s...)%s", e.verdict,
                 (long long)rec->id, rec->hash, signer ? ", signed" : "");
    if (g->sign.anchor_to && (rc = tfa_cli_anchor(ledger, g->sign.anchor_to, signer, st->now,
                                                  &st->o->net, meta.operator_name)) != 0)
        goto done;
    if (g->git_repo && (rc = commit_evidence(st, rec, record)) != 0)
        goto done;
    if (g->notify) {
        /* the webhook also names the ledger record that holds the decision;
         * a body without it is not sent (the verdict stands, as for any
         * undelivered notification) */
        if (json_object_set_new(
                record, "ledger",
                json_pack("{s:I, s:s}", "id", (json_int_t)rec->id, "hash", rec->hash)) != 0)
            tfa_msg_warn("notification not delivered (the verdict stands): out of memory");
        else
            notify(st, record);
    }
done:
    tfa_ledger_record_free(rec);
    tfa_ledger_free(ledger);
    tfa_signer_free(signer);
    json_decref(record);
    return rc;
}

int tfa_cmd_gate(int argc, char **argv)
{
    return tfa_check_main(&tfa_cmd_gate_spec, argc, argv, record_verdict, NULL);
}
