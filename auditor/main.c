/*
 * main.c - tfaudit's entry point: the command table and dispatch.
 */
#include "util/compat.h"

#include <jansson.h>

#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "tfa_build_info.h"
#include "util/alloc.h"
#include "version.h"

static const tfa_command commands[] = {
    {&tfa_cmd_summarize_spec, tfa_cmd_summarize},
    {&tfa_cmd_drift_spec, tfa_cmd_drift},
    {&tfa_cmd_verify_apply_spec, tfa_cmd_verify_apply},
    {&tfa_cmd_pin_spec, tfa_cmd_pin},
    {&tfa_cmd_diff_spec, tfa_cmd_diff},
    {&tfa_cmd_check_spec, tfa_cmd_check},
    {&tfa_cmd_gate_spec, tfa_cmd_gate},
    {&tfa_cmd_facts_spec, tfa_cmd_facts},
    {&tfa_cmd_ledger_spec, tfa_cmd_ledger},
    {&tfa_cmd_bundle_spec, tfa_cmd_bundle},
    {&tfa_cmd_fetch_spec, tfa_cmd_fetch},
    {&tfa_cmd_notify_spec, tfa_cmd_notify},
    {&tfa_cmd_archive_spec, tfa_cmd_archive},
    {&tfa_cmd_audit_spec, tfa_cmd_audit},
    {&tfa_cmd_trend_spec, tfa_cmd_trend},
    {&tfa_cmd_comment_spec, tfa_cmd_comment},
};

static const tfa_command *find(const char *name)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(commands); i++)
        if (strcmp(commands[i].spec->name, name) == 0)
            return &commands[i];
    return NULL;
}

static int usage(FILE *out)
{
    size_t i;
    fputs("usage: tfaudit [--version] [--help] COMMAND [ARGS]\n\n"
          "Audits Terraform and OpenTofu runs before and after an apply window.\n\n"
          "commands:\n",
          out);
    for (i = 0; i < TFA_ARRAY_SIZE(commands); i++)
        fprintf(out, "  %-14s %s\n", commands[i].spec->name, commands[i].spec->summary);
    fputs("\nRun 'tfaudit help COMMAND' or 'tfaudit COMMAND --help' for a command's options.\n"
          "Exit status: 0 GO/pass, 1 NO-GO/fail, 2 usage or input error.\n",
          out);
    return out == stdout ? TFA_EXIT_GO : TFA_EXIT_USAGE;
}

static int help(int argc, char **argv)
{
    const tfa_command *c;
    if (argc < 3)
        return usage(stdout);
    c = find(argv[2]);
    if (!c)
        return tfa_msg_usage(NULL, "'%s' is not a tfaudit command", argv[2]);
    tfa_opts_help(c->spec, stdout);
    return TFA_EXIT_GO;
}

int main(int argc, char **argv)
{
    const tfa_command *c;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return usage(stdout);
    if (strcmp(argv[1], "--version") == 0)
        return tfa_version_print(stdout, TFA_GIT_COMMIT);
    if (strcmp(argv[1], "help") == 0)
        return help(argc, argv);
    c = find(argv[1]);
    if (!c)
        return tfa_msg_usage(NULL, "'%s' is not a tfaudit command", argv[1]);
    return c->run(argc - 1, argv + 1);
}
