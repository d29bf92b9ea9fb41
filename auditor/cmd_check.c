/*
 * cmd_check.c - `tfaudit check`: evaluate a checklist over a run's inputs
 * and report GO / NO-GO with the evidence for every item.
 */
#include "util/compat.h"

#include "check_common.h"
#include "commands.h"

static const tfa_opt options[] = {TFA_CHECK_OPTIONS};

const tfa_cmd_spec tfa_cmd_check_spec = {
    "check",
    "--checklist FILE [options] INPUT...",
    "Evaluate a Markdown checklist over plans, logs and states: GO or NO-GO",
    "Each item is PASS, FAIL, WAIVED (a soft item covered by a valid waiver),\n"
    "PENDING (a manual item nobody signed off) or ERROR (a fact it reads has no\n"
    "value for these inputs). The verdict is GO when no hard or soft item is\n"
    "FAIL, ERROR or PENDING; advisory items never block.\n"
    "\n"
    "Checklist items are task-list lines:\n"
    "  - [ ] `drift-free` Plan shows zero drift: `drift.count == 0`\n"
    "  - [ ] `scope` Only Grafana changes: `none(changes where not type ~ \"grafana_*\")` (soft)\n"
    "  - [ ] `leadership` Leadership sign-off: manual\n"
    "'tfaudit facts INPUT...' lists every fact and collection an expression may use.\n"
    "\n"
    "Exit status: 0 GO, 1 NO-GO, 2 usage, input or checklist error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    TFA_ARGS_UNLIMITED};

int tfa_cmd_check(int argc, char **argv)
{
    return tfa_check_main(&tfa_cmd_check_spec, argc, argv, NULL, NULL);
}
