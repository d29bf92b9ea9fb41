/*
 * cmd_facts.c - `tfaudit facts`: every name a checklist expression may use,
 * with its value for the inputs given (or the catalog alone without any).
 */
#include "util/compat.h"

#include <jansson.h>

#include "cli_context.h"
#include "cli_inputs.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "report.h"

typedef struct facts_opts {
    const char *format;
    tfa_cli_inputs in;
    tfa_cli_context ctx;
    tfa_cli_net net;
} facts_opts;

static const tfa_opt options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(facts_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_INPUT_OPTIONS(facts_opts, in),
    TFA_CLI_CONTEXT_OPTIONS(facts_opts, ctx),
    TFA_CLI_NET_OPTIONS(facts_opts, net),
};

const tfa_cmd_spec tfa_cmd_facts_spec = {
    "facts",
    "[options] [INPUT...]",
    "List the facts and collections checklists can use, with their values",
    "Without inputs, lists the catalog; with inputs, shows each fact's value for\n"
    "them, or why it has none (a checklist item reading such a fact is an ERROR).\n"
    "PROVEN BY says which input kinds give a fact its value; the last part lists,\n"
    "per input kind, the collections it fills and the facts it proves. A query\n"
    "over a collection no input fills is an ERROR, never an empty PASS.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    TFA_ARGS_UNLIMITED};

static int print(const tfa_run *run, const tfa_eval_context *context, int json)
{
    tfa_buf b;
    json_t *root;
    int rc = 0;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (json) {
        root = tfa_report_facts_json(run, context);
        if (!root)
            return tfa_msg_error("out of memory");
        rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
        json_decref(root);
        if (!rc)
            fputc('\n', stdout);
    } else if (tfa_report_facts_text(&b, run, context) != 0) {
        rc = 1;
    } else {
        rc = fwrite(b.ptr, 1, b.len, stdout) != b.len;
    }
    tfa_buf_release(&b);
    if (rc || fflush(stdout) != 0 || ferror(stdout))
        return tfa_msg_error("cannot write the output");
    return 0;
}

int tfa_cmd_facts(int argc, char **argv)
{
    facts_opts o = {"text", {NULL, NULL, {NULL, 0, 0, NULL}}, {NULL, NULL, NULL}, {NULL, 0}};
    tfa_strlist args = {0};
    tfa_eval_context *context = NULL;
    tfa_run *run = NULL;
    int rc = tfa_opts_parse(&tfa_cmd_facts_spec, argc, argv, &o, &args);

    if (rc)
        goto done;
    if (args.n && (rc = tfa_cli_load_net(&run, &args, &o.in, "facts", &o.net)) != 0)
        goto done;
    if (args.n && tfa_eval_context_new(&context) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (args.n && (rc = tfa_cli_apply_context(context, &o.ctx, "facts")) != 0)
        goto done;
    rc = print(run, context, strcmp(o.format, "json") == 0);
done:
    tfa_eval_context_free(context);
    tfa_run_free(run);
    tfa_cli_inputs_release(&o.in);
    tfa_strlist_release(&args);
    return rc;
}
