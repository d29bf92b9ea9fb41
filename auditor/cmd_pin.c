/*
 * cmd_pin.c - `tfaudit pin PLAN`: the plan's pin (see checklist/pin.h) and
 * its raw file digest, for approving a plan by checksum.
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "pin.h"
#include "render.h"

typedef struct pin_opts {
    const char *format;
    tfa_cli_net net;
} pin_opts;

static const tfa_opt options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(pin_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_NET_OPTIONS(pin_opts, net),
};

const tfa_cmd_spec tfa_cmd_pin_spec = {
    "pin",
    "[options] PLAN",
    "Print a plan's pin: a digest of what it will do, stable across re-serialization",
    "The pin (tfapin2:) covers what the apply will do: every planned resource\n"
    "change (action, provider, moves, imports, a digest of its values), the\n"
    "configuration section (provisioners such as local-exec, provider\n"
    "configuration, module sources and versions) by digest, variables (names,\n"
    "values by digest, sensitive ones too), output changes (names, actions, values\n"
    "by digest), and the format and Terraform versions. Key order, whitespace,\n"
    "escapes, number spelling and the timestamp do not change it; no value can be\n"
    "read back from it. Give it to checklists as `--approved PIN` (fact\n"
    "approved.plan_digest; built-in plan-pinned). Pins of tfaudit before 2\n"
    "(tfapin1:) covered less and are refused: pin the approved plan again.\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    1};

int tfa_cmd_pin(int argc, char **argv)
{
    pin_opts o = {"text", {NULL, 0}};
    tfa_strlist args = {0};
    tfa_run *run = NULL;
    char pin[TFA_PIN_CHARS], hex[TFA_SHA256_HEX];
    const tfa_input *in;
    int rc = tfa_opts_parse(&tfa_cmd_pin_spec, argc, argv, &o, &args);

    if (rc || (rc = tfa_cli_load_inputs_net(&run, &args, "plan", "pin", &o.net)) != 0)
        goto done;
    if ((rc = tfa_plan_pin(run, pin)) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    in = tfa_run_input(run, 0);
    tfa_sha256_hex(in->sha256, hex);
    if (strcmp(o.format, "json") == 0) {
        rc = tfa_render_json(
            json_pack("{s:s, s:s, s:s}", "path", in->path, "pin", pin, "sha256", hex));
    } else {
        tfa_render_printf(stdout, "%s  %s\n", pin, in->path);
        tfa_render_printf(stdout, "sha256:%s  %s\n", hex, in->path);
    }
    if (rc == 0)
        rc = tfa_render_finish();
done:
    tfa_run_free(run);
    tfa_strlist_release(&args);
    return rc;
}
