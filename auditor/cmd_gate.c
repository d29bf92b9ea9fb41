/*
 * cmd_gate.c - `tfaudit gate`: the go/no-go gate of an apply window. It
 * decides exactly as `check` does and also hands the verdict record to the
 * evidence ledger, so every decision is kept with what it was based on.
 */
#include "util/compat.h"

#include <jansson.h>

#include "check_common.h"
#include "commands.h"
#include "msg.h"

static const tfa_opt options[] = {TFA_CHECK_OPTIONS};

const tfa_cmd_spec tfa_cmd_gate_spec = {
    "gate",
    "--checklist FILE [options] INPUT...",
    "Decide GO / NO-GO for an apply window and record the verdict as evidence",
    "Evaluates like 'tfaudit check' and records the verdict record (the\n"
    "--format json document) with its inputs' digests.\n"
    "\n"
    "Exit status: 0 GO, 1 NO-GO, 2 usage, input or checklist error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    TFA_ARGS_UNLIMITED};

/*
 * The seam to storage: the record is tfa_verdict_to_json(), the same
 * document `--format json` prints (schema tfaudit.verdict/1). The ledger
 * persists it here once storage/ provides it; until then building it
 * proves the record can be made, and a failure stops the gate rather than
 * let a decision go unrecorded.
 */
static int record_verdict(const tfa_verdict *v, void *payload)
{
    json_t *record = tfa_verdict_to_json(v);

    (void)payload;
    if (!record)
        return tfa_msg_error("cannot build the verdict record: out of memory");
    json_decref(record);
    return 0;
}

int tfa_cmd_gate(int argc, char **argv)
{
    return tfa_check_main(&tfa_cmd_gate_spec, argc, argv, record_verdict, NULL);
}
