/*
 * cmd_audit.c - `tfaudit audit`: the nightly IaC regression audit. Parses
 * options, loads the human inputs (manifest, checklist, waivers, known
 * drift) before any run is read, hands the sources to the audit
 * (engine/audit.h), writes the reports and maps the result to an exit
 * status. Everything else is library code.
 */
#include "util/compat.h"

#include <malloc.h>
#include <pwd.h>
#include <unistd.h>

#include "audit_manifest.h"
#include "audit_report.h"
#include "audit_source.h"
#include "cli_ci.h"
#include "cli_inputs.h"
#include "cli_ledger.h"
#include "cli_net.h"
#include "cli_time.h"
#include "commands.h"
#include "util/utc.h"
#include "exit.h"
#include "msg.h"

typedef struct audit_opts {
    const char *manifest, *checklist, *waivers, *known_drift, *expect;
    const char *jobs, *format, *output, *html, *fail_on;
    const char *ledger, *operator_name, *window, *now;
    const char *shard, *audit_id;
    tfa_cli_inputs in;
    tfa_cli_net net;
    tfa_cli_sign sign;
} audit_opts;

#define S(name, sh, field, arg, help)                                                              \
    {                                                                                              \
        name, sh, TFA_OPT_STRING, offsetof(audit_opts, field), arg, help, NULL                     \
    }

static const tfa_opt options[] = {
    S("manifest", 'm', manifest, "FILE", "audit.json: workspaces, inputs, checklists"),
    S("checklist", 'c', checklist, "FILE", "default checklist (required without a manifest's)"),
    S("waivers", 'w', waivers, "FILE", "default waivers for soft items"),
    S("known-drift", 'k', known_drift, "FILE", "accepted drift (Markdown table or JSON)"),
    {"expect", 0, TFA_OPT_CHOICE, offsetof(audit_opts, expect), "WHAT",
     "no-changes: every workspace expects no managed change", "no-changes"},
    S("jobs", 'j', jobs, "N", "workspaces evaluated at once (default: the number of cores)"),
    {"format", 'f', TFA_OPT_CHOICE, offsetof(audit_opts, format), "FORMAT",
     "report: text (default), json, junit, markdown, sarif, github or gitlab-codequality",
     "text|json|junit|markdown|sarif|github|gitlab-codequality"},
    S("output", 'o', output, "FILE", "write the report to FILE instead of standard output"),
    S("html", 0, html, "FILE", "also write the self-contained HTML report to FILE"),
    {"fail-on", 0, TFA_OPT_CHOICE, offsetof(audit_opts, fail_on), "WHEN",
     "regressions (default): exit 1 on a regression; any: on any NO-GO workspace",
     "regressions|any"},
    S("ledger", 0, ledger, "PATH",
      "ledger database (default: $TFAUDIT_LEDGER, else 'tfaudit ledger path')"),
    S("operator", 0, operator_name, "NAME", "who runs the audit (default: the login name)"),
    S("window", 0, window, "TEXT", "recorded with every verdict"),
    S("now", 0, now, "TIME", TFA_CLI_NOW_HELP("run the audit")),
    S("shard", 0, shard, "K/N", "audit only shard K of N (a CI matrix job each; needs --audit-id)"),
    S("audit-id", 0, audit_id, "ID", "the audit's id, shared by its shards (default: derived)"),
    TFA_CLI_INPUT_OPTIONS(audit_opts, in),
    TFA_CLI_NET_OPTIONS(audit_opts, net),
    TFA_CLI_SIGN_OPTIONS(audit_opts, sign),
};

const tfa_cmd_spec tfa_cmd_audit_spec = {
    "audit",
    "[options] (--manifest audit.json | DIR|ARCHIVE...) | finish ID [options]",
    "Audit every workspace, record it, and compare with the previous audit",
    "Gates every workspace like 'tfaudit gate' (in parallel), records all verdicts\n"
    "in the ledger under one audit id, and compares them with the previous audit:\n"
    "new failures, resolved, recurring, drift that persists, new and missing\n"
    "workspaces. Without --manifest, each argument is a directory or an archive\n"
    "whose top-level folders are workspaces (runs/<workspace>/..., or\n"
    "nightly.tar.gz!<workspace>/...). Known drift (--known-drift) is removed from\n"
    "a workspace's drift before its checklist is evaluated.\n"
    "\n"
    "A workspace is missing when it is gone since the last audit, unreadable when\n"
    "it is there but not understood: a member that cannot be read or identified\n"
    "(unless --skip-unknown skips it, and lists it in the record), a malformed\n"
    "document, a workspace folder that is a symbolic link leading out of the\n"
    "source (links inside it are followed). Both are NO-GO.\n"
    "\n"
    "Sharded: on a CI matrix, job K of N runs 'tfaudit audit --shard K/N --audit-id\n"
    "ID' over the same sources and the shared ledger; it gates the workspaces whose\n"
    "stable name hash falls in shard K, compares them with the previous audit and\n"
    "records them under ID. Then one job runs 'tfaudit audit finish ID' (also when\n"
    "shard jobs failed): it reads every shard's records back and writes the reports\n"
    "of the whole audit. A shard that recorded nothing is named and the finish\n"
    "fails (exit 2): it is never taken for a clean one. A shard recorded twice is\n"
    "refused. 'audit finish ID' also re-reports any earlier audit.\n"
    "\n"
    "Exit status: 0 no regression, 1 a regression (a new hard or soft failure, new\n"
    "drift, a workspace missing or unreadable; with --fail-on any, any NO-GO\n"
    "workspace), 2 usage, manifest, checklist or ledger error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    TFA_ARGS_UNLIMITED};

typedef struct audit_cmd {
    audit_opts o;
    tfa_strlist args;
    tfa_audit_manifest *manifest;
    tfa_checklist *cl;
    tfa_waivers *waivers;
    tfa_known_drift *kd;
    tfa_ledger *ledger;
    tfa_signer *signer; /* --signing-key: signs every record */
    tfa_run *notes;
    tfa_audit *audit;
    tfa_audit_result res;
    int64_t now;
    unsigned jobs;
    unsigned shard_index, shard_count;
} audit_cmd;

static int resolve_jobs(audit_cmd *c)
{
    long n;
    char *end;
    if (!c->o.jobs) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
        c->jobs = n > 0 ? (unsigned)n : 1;
        return 0;
    }
    errno = 0;
    n = strtol(c->o.jobs, &end, 10);
    if (errno || *end || n < 1 || n > 256)
        return tfa_msg_usage("audit", "invalid value '%s' for --jobs (1 to 256)", c->o.jobs);
    c->jobs = (unsigned)n;
    return 0;
}

/* Manifest, checklist, waivers and known drift: all before any input. */
static int load_human_inputs(audit_cmd *c)
{
    tfa_error err;
    tfa_error_init(&err);
    if (c->o.manifest && c->args.n)
        return tfa_msg_usage("audit", "give --manifest or DIR|ARCHIVE arguments, not both");
    if (!c->o.manifest && !c->args.n)
        return tfa_msg_usage("audit", "nothing to audit: give --manifest FILE or DIR|ARCHIVE...");
    if (c->o.manifest && tfa_audit_manifest_load(&c->manifest, c->o.manifest, &err) != 0)
        return tfa_msg_from_error(&err);
    if (c->o.checklist && tfa_checklist_load(&c->cl, c->o.checklist, &err) != 0)
        return tfa_msg_from_error(&err);
    if (!c->cl && !(c->manifest && tfa_audit_manifest_checklist(c->manifest)))
        return tfa_msg_usage("audit", "--checklist FILE is required (or \"checklist\" in the "
                                      "manifest)");
    if (c->o.waivers && tfa_waivers_load(&c->waivers, c->o.waivers, &err) != 0)
        return tfa_msg_from_error(&err);
    if (c->o.known_drift && tfa_known_drift_load(&c->kd, c->o.known_drift, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}

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

static int run_audit(audit_cmd *c, const tfa_load_options *lo, const tfa_remote_options *ro)
{
    tfa_audit_options ao = TFA_AUDIT_OPTIONS_INIT;
    char user[256];
    tfa_error err;
    size_t i;
    int rc = 0;

    tfa_error_init(&err);
    ao.checklist = c->cl ? c->cl : tfa_audit_manifest_checklist(c->manifest);
    ao.waivers = c->waivers    ? c->waivers
                 : c->manifest ? tfa_audit_manifest_waivers(c->manifest)
                               : NULL;
    ao.known_drift = c->kd         ? c->kd
                     : c->manifest ? tfa_audit_manifest_known_drift(c->manifest)
                                   : NULL;
    ao.load = lo;
    ao.remote = ro;
    ao.expect_no_changes =
        c->o.expect != NULL || (c->manifest && tfa_audit_manifest_expect_no_changes(c->manifest));
    ao.jobs = c->jobs;
    ao.now = c->now;
    ao.operator_name = c->o.operator_name ? c->o.operator_name : login_name(user, sizeof(user));
    ao.window = c->o.window;
    ao.tool_version = TFA_VERSION;
    ao.audit_id = c->o.audit_id;
    ao.shard_index = c->shard_index;
    ao.shard_count = c->shard_count;
    if ((rc = tfa_cli_signer_load(&c->signer, &c->o.sign)) != 0 ||
        (rc = tfa_cli_ledger_open(&c->ledger, c->o.ledger, 1)) != 0)
        return rc;
    tfa_ledger_set_signer(c->ledger, c->signer);
    if (tfa_run_new(&c->notes) != 0)
        return tfa_msg_error("out of memory");
    /* Every workspace's inputs are read into buffers of a few MB. glibc
     * serves those with mmap and gives them back with munmap, a pair per
     * buffer, and the page faults and unmaps of the audit's threads queue
     * on the one process memory map: on 100 workspaces 40% of the CPU time
     * was the kernel's and -j 2 gained 1.1x. Served from the heap and kept
     * there for reuse, the kernel's share falls by 3.5x and -j 2 gains
     * 1.7x (bench/audit_j.sh). Peak memory is what the workers hold at
     * once either way. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    /* No fastbins (tcache still serves small blocks per thread): the
     * records' JSON trees are hundreds of thousands of small blocks freed
     * after the append, and every large block freed among them made glibc
     * consolidate the fastbins again. Freeing 2,000 records took 150 ms, a
     * quarter of the audit; without fastbins 45 ms, and the audit is 1.18x
     * faster (bench/history.sh). */
    mallopt(M_MXFAST, 0);
    if (tfa_audit_new(&c->audit, c->ledger, &ao, &err) != 0)
        return tfa_msg_from_error(&err);
    if (c->manifest)
        rc = tfa_audit_manifest_add(c->manifest, c->audit, &err);
    for (i = 0; rc == 0 && i < c->args.n; i++)
        rc = tfa_audit_source_add(c->audit, c->args.items[i], lo, ro, c->notes, &err);
    if (rc == 0)
        rc = tfa_audit_finish(c->audit, &c->res, &err);
    tfa_msg_notes(c->notes);
    if (rc)
        return tfa_msg_from_error(&err);
    return c->o.sign.anchor_to ? tfa_cli_anchor(c->ledger, c->o.sign.anchor_to, c->signer, c->now,
                                                &c->o.net, ao.operator_name)
                               : 0;
}

static int write_file(const char *path, const tfa_buf *b)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f)
        return tfa_msg_error("cannot write '%s': %s", path, strerror(errno));
    ok = fwrite(b->ptr, 1, b->len, f) == b->len;
    if (fclose(f) != 0 || !ok)
        return tfa_msg_error("cannot write '%s': %s", path, strerror(errno));
    return 0;
}

static const tfa_checklist *default_checklist(const audit_cmd *c)
{
    return c->cl ? c->cl : c->manifest ? tfa_audit_manifest_checklist(c->manifest) : NULL;
}

static int needs_json(const audit_cmd *c, const char *fmt)
{
    return strcmp(fmt, "json") == 0 || strcmp(fmt, "markdown") == 0 || c->o.html ||
           (strcmp(fmt, "github") == 0 && getenv("GITHUB_STEP_SUMMARY"));
}

static int write_reports(audit_cmd *c)
{
    char sha[TFA_SHA256_HEX] = "";
    const char *fmt = c->o.format ? c->o.format : "text";
    tfa_buf json, b;
    int rc = 0;

    tfa_buf_init(&json, TFA_BUF_NO_MAX);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    /* the JSON report is the output, or what Markdown and HTML name by its
     * digest; the other formats do without it (on 2,000 workspaces it is
     * 65 ms of the night) */
    if (needs_json(c, fmt) && tfa_audit_report_json_text(&json, &c->res, sha) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (strcmp(fmt, "json") == 0)
        tfa_buf_put(&b, json.ptr, json.len);
    else if (strcmp(fmt, "junit") == 0)
        tfa_audit_report_junit(&b, &c->res);
    else if (strcmp(fmt, "markdown") == 0)
        tfa_audit_report_markdown(&b, &c->res, sha, 0);
    else if (strcmp(fmt, "sarif") == 0)
        tfa_audit_report_sarif(&b, &c->res, default_checklist(c));
    else if (strcmp(fmt, "github") == 0)
        tfa_audit_report_github(&b, &c->res, default_checklist(c));
    else if (strcmp(fmt, "gitlab-codequality") == 0)
        tfa_audit_report_codequality(&b, &c->res, default_checklist(c));
    else
        tfa_audit_report_text(&b, &c->res);
    if (tfa_buf_status(&b)) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (c->o.output)
        rc = write_file(c->o.output, &b);
    else if (fwrite(b.ptr, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
        rc = tfa_msg_error("cannot write the output");
    if (rc == 0 && strcmp(fmt, "github") == 0 && getenv("GITHUB_STEP_SUMMARY")) {
        tfa_buf_clear(&b);
        if (tfa_audit_report_markdown(&b, &c->res, sha, 0) != 0)
            rc = tfa_msg_error("out of memory");
        else
            tfa_cli_step_summary(&b);
    }
    if (rc == 0 && c->o.html) {
        tfa_buf_clear(&b);
        rc = tfa_audit_report_html(&b, &c->res, sha) != 0 ? tfa_msg_error("out of memory")
                                                          : write_file(c->o.html, &b);
    }
done:
    tfa_buf_release(&json);
    tfa_buf_release(&b);
    return rc;
}

static void note_known_drift(const tfa_audit_result *r)
{
    size_t i;
    for (i = 0; i < r->n_kd_notes; i++) {
        const tfa_audit_kd_note *x = &r->kd_notes[i];
        if (x->expired)
            tfa_msg_warn("%s: known drift for '%s' expired on %s: not applied", x->entry,
                         x->address, x->expires);
        else
            tfa_msg_warn("%s: known drift for '%s' matched nothing (stale)", x->entry, x->address);
    }
}

/* --shard and --audit-id: checked before anything is read. */
static int resolve_shard(audit_cmd *c)
{
    tfa_error err;
    tfa_error_init(&err);
    if (c->o.audit_id && tfa_audit_id_check(c->o.audit_id, &err) != 0)
        return tfa_msg_usage("audit", "--audit-id '%s': %s", c->o.audit_id, err.message);
    if (!c->o.shard)
        return 0;
    if (tfa_audit_shard_parse(c->o.shard, &c->shard_index, &c->shard_count, &err) != 0)
        return tfa_msg_usage("audit", "%s", err.message);
    if (!c->o.audit_id)
        return tfa_msg_usage("audit", "--shard needs --audit-id: the id every shard records under");
    return 0;
}

/* `tfaudit audit finish ID`: the audit read back from the ledger (every
 * shard), reported like the audit itself. */
static int finish_audit(audit_cmd *c)
{
    tfa_error err;
    int rc;
    tfa_error_init(&err);
    if (c->args.n != 2)
        return tfa_msg_usage("audit", "finish takes one audit id: tfaudit audit finish ID");
    if (c->o.manifest || c->o.checklist || c->o.shard || c->o.audit_id || c->o.known_drift ||
        c->o.waivers)
        return tfa_msg_usage("audit", "finish reads the audit from the ledger: give only the "
                                      "ledger and report options");
    if ((rc = tfa_cli_ledger_open(&c->ledger, c->o.ledger, 0)) != 0)
        return rc;
    if (tfa_audit_collect(&c->res, c->ledger, c->args.items[1], 30, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}

static int any_remote(const tfa_strlist *args)
{
    size_t i;
    for (i = 0; i < args->n; i++)
        if (tfa_remote_is_input(args->items[i]))
            return 1;
    return 0;
}

int tfa_cmd_audit(int argc, char **argv)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    const tfa_remote_options *ro = NULL;
    tfa_cli_net_ctx nc;
    audit_cmd c;
    int rc;

    memset(&c, 0, sizeof(c));
    if ((rc = tfa_opts_parse(&tfa_cmd_audit_spec, argc, argv, &c.o, &c.args)) != 0)
        goto done;
    if (c.args.n && strcmp(c.args.items[0], "finish") == 0) {
        if ((rc = finish_audit(&c)) != 0)
            goto done;
        tfa_msg_note("audit %s: ledger records #%lld-#%lld", c.res.id,
                     (long long)c.res.first_record, (long long)c.res.last_record);
        goto report;
    }
    if ((rc = resolve_shard(&c)) != 0 || (rc = tfa_cli_now(c.o.now, &c.now)) != 0 ||
        (rc = resolve_jobs(&c)) != 0 || (rc = tfa_cli_load_options(&lo, &c.o.in, "audit")) != 0 ||
        (rc = load_human_inputs(&c)) != 0)
        goto done;
    if (c.manifest || any_remote(&c.args)) { /* remote inputs and s3:// sources */
        if ((rc = tfa_cli_net_init(&nc, &c.o.net, "audit")) != 0)
            goto done;
        ro = &nc.remote;
    }
    if ((rc = run_audit(&c, &lo, ro)) != 0)
        goto done;
    tfa_msg_note("audit %s recorded as ledger records #%lld-#%lld", c.res.id,
                 (long long)c.res.first_record, (long long)c.res.last_record);
report:
    note_known_drift(&c.res);
    if ((rc = write_reports(&c)) != 0)
        goto done;
    if (c.o.fail_on && strcmp(c.o.fail_on, "any") == 0)
        rc = tfa_audit_has_failure(&c.res) || tfa_audit_has_regression(&c.res) ? TFA_EXIT_NOGO
                                                                               : TFA_EXIT_GO;
    else
        rc = tfa_audit_has_regression(&c.res) ? TFA_EXIT_NOGO : TFA_EXIT_GO;
done:
    tfa_audit_result_release(&c.res);
    tfa_audit_free(c.audit);
    tfa_run_free(c.notes);
    tfa_ledger_free(c.ledger);
    tfa_signer_free(c.signer);
    tfa_known_drift_free(c.kd);
    tfa_waivers_free(c.waivers);
    tfa_checklist_free(c.cl);
    tfa_audit_manifest_free(c.manifest);
    tfa_cli_inputs_release(&c.o.in);
    tfa_strlist_release(&c.args);
    return rc;
}
