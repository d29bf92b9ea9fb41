/*
 * check_common.c - argv to verdict to report to exit status, for `check`
 * and `gate` (see check_common.h).
 *
 * Order matters: the checklist, waivers and sign-offs are loaded and
 * validated before any input is read, so a broken checklist fails fast with
 * its position and exit 2, whatever the inputs.
 */
#include "util/compat.h"

#include <unistd.h>

#include "check_common.h"
#include "cli_inputs.h"
#include "cli_time.h"
#include "util/utc.h"
#include "exit.h"
#include "gate_run.h"
#include "textfile.h"
#include "util/limits.h"
#include "msg.h"
#include "net/load.h"
#include "report.h"
#include "util/alloc.h"

typedef struct check_run {
    const tfa_cmd_spec *spec;
    tfa_check_opts o;
    tfa_strlist args;
    tfa_checklist *cl;
    tfa_waivers *waivers;
    tfa_signoffs *signoffs;
    tfa_keyring *allowed;  /* --allowed-signers */
    tfa_gate_outcome gate; /* the run and the verdict */
    int64_t now;
    int context_status; /* exit status of a failed --approved/--iac-repo */
} check_run;

/* One sign-off (typed or a token): usage errors name the command. */
static int add_signoff(check_run *c, const char *arg)
{
    tfa_error err;

    tfa_error_init(&err);
    if (tfa_signoffs_add(c->signoffs, c->cl, arg, &err) == 0)
        return 0;
    return err.status == TFA_EUSAGE ? tfa_msg_usage(c->spec->name, "%s", err.message)
                                    : tfa_msg_from_error(&err);
}

/* --sign-off-file: one sign-off or token a line (waivers.h). */
static int add_signoff_file(check_run *c, const char *path)
{
    tfa_error err;

    tfa_error_init(&err);
    if (tfa_signoffs_add_file(c->signoffs, c->cl, path, &err) == 0)
        return 0;
    return err.status == TFA_EUSAGE
               ? tfa_msg_usage(c->spec->name, "%s:%lu: %s", path, err.line, err.message)
               : tfa_msg_from_error(&err);
}

static int load_human_inputs(check_run *c)
{
    tfa_error err;
    size_t i;
    int rc;

    tfa_error_init(&err);
    if (tfa_checklist_load(&c->cl, c->o.checklist, &err) != 0)
        return tfa_msg_from_error(&err);
    if (c->o.waivers && (tfa_waivers_load(&c->waivers, c->o.waivers, &err) != 0 ||
                         tfa_waivers_check(c->waivers, c->cl, &err) != 0))
        return tfa_msg_from_error(&err);
    if (tfa_signoffs_new(&c->signoffs) != 0)
        return tfa_msg_error("out of memory");
    if (c->o.allowed_signers) {
        if ((rc = tfa_cli_keyring_load(&c->allowed, c->o.allowed_signers)) != 0)
            return rc;
        tfa_signoffs_require_signed(c->signoffs, c->allowed);
    }
    for (i = 0; i < c->o.sign_offs.n; i++)
        if ((rc = add_signoff(c, c->o.sign_offs.items[i])) != 0)
            return rc;
    return c->o.sign_off_file ? add_signoff_file(c, c->o.sign_off_file) : 0;
}

static void warn_waivers(const tfa_verdict *v)
{
    size_t i;
    for (i = 0; i < v->n_waivers; i++) {
        const tfa_waiver *w = v->waivers[i].waiver;
        if (v->waivers[i].use == TFA_WAIVER_EXPIRED)
            tfa_msg_warn("%s:%lu: waiver for '%s' expired on %s: not applied", w->source, w->line,
                         w->item, w->expires);
        else if (v->waivers[i].use == TFA_WAIVER_REFUSED)
            tfa_msg_warn("%s:%lu: waiver for '%s' refused: hard items are never waivable",
                         w->source, w->line, w->item);
    }
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

static int use_color(const check_run *c)
{
    if (strcmp(c->o.format, "text") != 0)
        return 0;
    if (c->o.output) /* a file is no terminal: colour only when asked for */
        return c->o.color && strcmp(c->o.color, "always") == 0;
    return tfa_cli_color(c->o.color, STDOUT_FILENO);
}

/* --format github: the Markdown report also goes to the step summary. */
static int step_summary(check_run *c, const tfa_report_options *ro)
{
    tfa_buf md;
    int rc = 0;

    if (strcmp(c->o.format, "github") != 0 || !getenv("GITHUB_STEP_SUMMARY"))
        return 0;
    tfa_buf_init(&md, TFA_BUF_NO_MAX);
    if (tfa_report_markdown(&md, c->gate.verdict, ro) != 0)
        rc = tfa_msg_error("out of memory");
    else
        tfa_cli_step_summary(&md);
    tfa_buf_release(&md);
    return rc;
}

static int write_reports(check_run *c)
{
    tfa_report_options ro = TFA_REPORT_OPTIONS_INIT;
    tfa_report_format fmt = TFA_REPORT_TEXT;
    tfa_buf b;
    int rc = 0;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_report_format_from_name(c->o.format, &fmt);
    ro.color = use_color(c);
    ro.command = c->spec->name;
    if (tfa_report_write(&b, c->gate.verdict, fmt, &ro) != 0) {
        rc = tfa_msg_error("out of memory");
    } else if (c->o.output) {
        rc = write_file(c->o.output, &b);
    } else if (fwrite(b.ptr, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
        rc = tfa_msg_error("cannot write the output");
    }
    if (rc == 0)
        rc = step_summary(c, &ro);
    if (rc == 0 && c->o.fill) {
        tfa_buf_clear(&b);
        rc = tfa_report_fill(&b, c->gate.verdict) != 0 ? tfa_msg_error("out of memory")
                                                       : write_file(c->o.fill, &b);
    }
    tfa_buf_release(&b);
    return rc;
}

/* The gate's assert step: --approved and --iac-repo (printed errors). */
static int assert_context(tfa_eval_context *context, void *payload, tfa_error *err)
{
    check_run *c = payload;
    (void)err;
    c->context_status = tfa_cli_assert_context(context, &c->o.ctx, c->spec->name);
    return c->context_status ? TFA_EUSAGE : 0;
}

static int any_remote(const tfa_strlist *args)
{
    size_t i;
    for (i = 0; i < args->n; i++)
        if (tfa_remote_is_input(args->items[i]))
            return 1;
    return 0;
}

/* Inputs -> run -> context -> verdict, through the same gate every
 * workspace of `tfaudit audit` goes through (gate_run.h). */
static int evaluate(check_run *c)
{
    tfa_gate_request req = TFA_GATE_REQUEST_INIT;
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_gate_input *inputs = NULL;
    tfa_cli_net_ctx nc;
    tfa_error err;
    size_t i;
    int rc;

    tfa_error_init(&err);
    if ((rc = tfa_cli_load_options(&lo, &c->o.in, c->spec->name)) != 0)
        return rc;
    if (any_remote(&c->args)) {
        if ((rc = tfa_cli_net_init(&nc, &c->o.net, c->spec->name)) != 0)
            return rc;
        req.remote = &nc.remote;
    }
    if (!(inputs = tfa_calloc(c->args.n ? c->args.n : 1, sizeof(*inputs))))
        return tfa_msg_error("out of memory");
    for (i = 0; i < c->args.n; i++)
        inputs[i].path = c->args.items[i];
    req.cl = c->cl;
    req.section = c->o.section;
    req.waivers = c->waivers;
    req.signoffs = c->signoffs;
    req.inputs = inputs;
    req.n_inputs = c->args.n;
    req.load = &lo;
    req.expect_no_changes = c->o.ctx.expect != NULL;
    req.assert_context = assert_context;
    req.assert_payload = c;
    req.now = c->now;
    rc = tfa_gate_run(&c->gate, &req, &err);
    tfa_free(inputs);
    if (c->gate.stage > TFA_GATE_LOAD && c->gate.run)
        tfa_msg_notes(c->gate.run);
    if (rc == 0)
        return 0;
    if (c->gate.stage == TFA_GATE_PREPARE && c->context_status)
        return c->context_status;
    if (c->gate.stage == TFA_GATE_EVALUATE && err.status == TFA_EUSAGE)
        return tfa_msg_usage(c->spec->name, "%s", err.message);
    if (err.status)
        tfa_msg_from_error(&err);
    return TFA_EXIT_USAGE;
}

int tfa_check_main(const tfa_cmd_spec *spec, int argc, char **argv, tfa_check_recorder record,
                   void *payload)
{
    check_run c;
    int rc;

    memset(&c, 0, sizeof(c));
    c.spec = spec;
    c.o.format = "text";
    if ((rc = tfa_opts_parse(spec, argc, argv, &c.o, &c.args)) != 0)
        goto done;
    c.o.inputs = c.args.items;
    c.o.n_inputs = c.args.n;
    if (!c.o.checklist) {
        rc = tfa_msg_usage(spec->name, "--checklist FILE is required");
        goto done;
    }
    if ((rc = tfa_cli_now(c.o.now, &c.now)) != 0 || (rc = load_human_inputs(&c)) != 0 ||
        (rc = evaluate(&c)) != 0)
        goto done;
    if (record) {
        tfa_check_state st = {spec, &c.o, c.cl, c.gate.run, c.gate.context, c.gate.verdict, c.now};
        if ((rc = record(&st, payload)) != 0)
            goto done;
    }
    warn_waivers(c.gate.verdict);
    if ((rc = write_reports(&c)) == 0)
        rc = c.gate.verdict->go ? TFA_EXIT_GO : TFA_EXIT_NOGO;
done:
    tfa_gate_outcome_release(&c.gate);
    tfa_signoffs_free(c.signoffs);
    tfa_keyring_free(c.allowed);
    tfa_waivers_free(c.waivers);
    tfa_checklist_free(c.cl);
    tfa_strlist_release(&c.o.sign_offs);
    tfa_cli_inputs_release(&c.o.in);
    tfa_strlist_release(&c.args);
    return rc;
}
