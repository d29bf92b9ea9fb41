/*
 * cli_inputs.c - INPUT... -> run (see cli_inputs.h).
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "exit.h"
#include "input.h"
#include "msg.h"

int tfa_cli_load_inputs(tfa_run **out, const tfa_strlist *paths, const char *kind, const char *cmd)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    tfa_error err;
    size_t i;
    int rc = 0;

    *out = NULL;
    tfa_error_init(&err);
    if (kind && (lo.kind = tfa_kind_from_name(kind)) == TFA_KIND_UNKNOWN)
        return tfa_msg_usage(cmd, "unknown kind '%s' (plan, ui-log, text-log, state)", kind);
    if (tfa_run_new(&run) != 0)
        return tfa_msg_error("out of memory");
    for (i = 0; i < paths->n && rc == 0; i++)
        rc = tfa_run_load(run, paths->items[i], &lo, &err);
    if (rc) {
        tfa_msg_from_error(&err);
        tfa_run_free(run);
        return TFA_EXIT_USAGE;
    }
    tfa_msg_notes(run);
    *out = run;
    return 0;
}
