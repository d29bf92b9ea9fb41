/*
 * cmd_drift.c - `tfaudit drift`: what changed outside of Terraform.
 * Exit 0 drift-free, 1 drift (or changes when none are expected), 2 error.
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "commands.h"
#include "drift.h"
#include "exit.h"
#include "msg.h"
#include "render.h"
#include "util/jbuild.h"

typedef struct drift_opts {
    const char *format, *expect;
    tfa_cli_inputs in;
    tfa_cli_net net;
} drift_opts;

static const tfa_opt options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(drift_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    {"expect", 0, TFA_OPT_CHOICE, offsetof(drift_opts, expect), "WHAT",
     "no-changes: the window expects no managed resource change either", "no-changes"},
    TFA_CLI_INPUT_OPTIONS(drift_opts, in),
    TFA_CLI_NET_OPTIONS(drift_opts, net),
};

const tfa_cmd_spec tfa_cmd_drift_spec = {
    "drift",
    "[options] INPUT...",
    "List resources changed outside of Terraform; exit 1 on drift",
    "Drift comes from a plan's resource_drift (a refresh-only plan lists every\n"
    "drifted resource there), -json logs' resource_drift messages, and text logs'\n"
    "\"Objects have changed outside of Terraform\" section. Attribute paths are\n"
    "shown, never values; paths inside sensitive values stop at the sensitive one.\n"
    "Drift is proven or not known: a text log whose drift section has entries this\n"
    "build cannot read is an input error (exit 2, naming the line), never \"No drift\".\n"
    "Exit status: 0 drift-free, 1 drift, 2 error (drift not known included).\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    TFA_ARGS_UNLIMITED};

static void print_text(const tfa_run *run, const tfa_drift_result *d, int expect_none)
{
    size_t i, n = tfa_run_change_count(run, TFA_LIST_DRIFT);

    if (d->drift == 0)
        fputs("No drift: nothing changed outside of Terraform.\n", stdout);
    else
        tfa_render_printf(stdout, "Drift: %zu resource%s changed outside of Terraform.\n", d->drift,
                          d->drift == 1 ? "" : "s");
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        tfa_render_printf(stdout, "  %3s %s (%s)", tfa_render_symbol(c->action), c->res.address,
                          c->action == TFA_ACTION_DELETE ? "deleted" : tfa_action_name(c->action));
        if (c->n_changed && c->action != TFA_ACTION_DELETE) {
            fputs(": ", stdout);
            tfa_render_paths(stdout, c);
        }
        fputc('\n', stdout);
    }
    if (expect_none)
        tfa_render_printf(stdout,
                          "Changes: %zu managed resource change%s planned (none expected).\n",
                          d->changes, d->changes == 1 ? "" : "s");
}

static json_t *to_json(const tfa_run *run, const tfa_drift_result *d, int expect_none)
{
    json_t *arr = json_array();
    size_t i;
    int bad = 0;
    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_DRIFT); i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        tfa_jbuild_append(arr,
                          json_pack("{s:s, s:s, s:s, s:o}", "address", c->res.address, "action",
                                    tfa_action_name(c->action), "input",
                                    tfa_run_input(run, c->input)->path, "changed",
                                    tfa_render_paths_json(c)),
                          &bad);
    }
    /* "o" refuses NULL: a list an entry short makes no document */
    return json_pack("{s:b, s:I, s:o, s:b, s:I}", "drift_free", d->drift_free, "drift_count",
                     (json_int_t)d->drift, "drift", tfa_jbuild_done(arr, bad), "expect_no_changes",
                     expect_none, "changes", (json_int_t)d->changes);
}

int tfa_cmd_drift(int argc, char **argv)
{
    drift_opts o = {"text", NULL, {NULL, NULL, {NULL, 0, 0, NULL}}, {NULL, 0}};
    tfa_strlist args = {0};
    tfa_drift_result d;
    tfa_run *run = NULL;
    int rc = tfa_opts_parse(&tfa_cmd_drift_spec, argc, argv, &o, &args), expect_none;

    if (rc || (rc = tfa_cli_load_net(&run, &args, &o.in, "drift", &o.net)) != 0)
        goto done;
    expect_none = o.expect != NULL;
    tfa_drift_check(run, expect_none, &d);
    if (!d.determined) {
        rc = tfa_msg_error("no input can report drift (give a plan, a refresh-only plan or a "
                           "run's log)");
        goto done;
    }
    if (d.unknown) {
        /* an input not fully understood is an input error, not "no drift" */
        if (d.unknown_pos.line)
            rc = tfa_msg_error("%s:%lu: %s: drift is not known", d.unknown_input,
                               d.unknown_pos.line, d.unknown_why);
        else
            rc = tfa_msg_error("%s: %s: drift is not known", d.unknown_input, d.unknown_why);
        goto done;
    }
    if (strcmp(o.format, "json") == 0)
        rc = tfa_render_json(to_json(run, &d, expect_none));
    else
        print_text(run, &d, expect_none);
    if (rc == 0 && (rc = tfa_render_finish()) == 0)
        rc = d.drift_free ? TFA_EXIT_GO : TFA_EXIT_NOGO;
done:
    tfa_run_free(run);
    tfa_cli_inputs_release(&o.in);
    tfa_strlist_release(&args);
    return rc;
}
