/*
 * command_table.c - the table of subcommands (commands.h): `tfaudit help`
 * lists it, main.c dispatches through it, and the configuration file is
 * validated against every option of every command in it.
 */
#include "util/compat.h"

#include "commands.h"

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
    {&tfa_cmd_key_spec, tfa_cmd_key},
    {&tfa_cmd_signoff_spec, tfa_cmd_signoff},
    {&tfa_cmd_config_spec, tfa_cmd_config},
    {&tfa_cmd_serve_spec, tfa_cmd_serve},
    {&tfa_cmd_comment_spec, tfa_cmd_comment},
};

/* Commands made of subcommands, each with its own option table. */
static const struct {
    const tfa_cmd_spec *group;
    const tfa_cmd_spec *const *subs; /* NULL-terminated */
} groups[] = {
    {&tfa_cmd_ledger_spec, tfa_cmd_ledger_subspecs},
    {&tfa_cmd_bundle_spec, tfa_cmd_bundle_subspecs},
    {&tfa_cmd_config_spec, tfa_cmd_config_subspecs},
};

const tfa_command *tfa_commands(size_t *n)
{
    *n = TFA_ARRAY_SIZE(commands);
    return commands;
}

const tfa_command *tfa_command_find(const char *name)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(commands); i++)
        if (strcmp(commands[i].spec->name, name) == 0)
            return &commands[i];
    return NULL;
}

static const tfa_cmd_spec *const *subs_of(const tfa_cmd_spec *spec)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(groups); i++)
        if (groups[i].group == spec)
            return groups[i].subs;
    return NULL;
}

size_t tfa_command_specs(const tfa_cmd_spec **out, size_t max)
{
    size_t i, n = 0;
    for (i = 0; i < TFA_ARRAY_SIZE(commands); i++) {
        const tfa_cmd_spec *const *sub = subs_of(commands[i].spec);
        if (!sub) {
            if (n < max)
                out[n] = commands[i].spec;
            n++;
            continue;
        }
        for (; *sub; sub++) {
            if (n < max)
                out[n] = *sub;
            n++;
        }
    }
    return n;
}

const tfa_cmd_spec *tfa_command_spec_find(const char *name)
{
    const tfa_cmd_spec *specs[TFA_COMMAND_SPECS_MAX];
    size_t i, n = tfa_command_specs(specs, TFA_ARRAY_SIZE(specs));
    for (i = 0; i < n && i < TFA_ARRAY_SIZE(specs); i++)
        if (strcmp(specs[i]->name, name) == 0)
            return specs[i];
    return NULL;
}
