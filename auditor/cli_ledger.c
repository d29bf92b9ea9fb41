/*
 * cli_ledger.c - ledger path resolution and opening (see cli_ledger.h).
 */
#include "util/compat.h"

#include "cli_ledger.h"
#include "exit.h"
#include "msg.h"

const char *tfa_cli_ledger_path(const char *option)
{
    const char *env = getenv(TFA_CLI_LEDGER_ENV);
    if (option)
        return option;
    return env && *env ? env : TFA_CLI_LEDGER_DEFAULT;
}

int tfa_cli_ledger_open(tfa_ledger **out, const char *option, int create)
{
    tfa_ledger_options lo = TFA_LEDGER_OPTIONS_INIT;
    tfa_error err;

    tfa_error_init(&err);
    lo.create = create;
    if (tfa_ledger_open(out, tfa_cli_ledger_path(option), &lo, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}
