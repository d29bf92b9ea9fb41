/*
 * cli_ledger.h - where the ledger is and how commands open it (shared by
 * `tfaudit ledger ...` and `tfaudit gate`, so both resolve the same file).
 */
#ifndef TFA_CLI_LEDGER_H
#define TFA_CLI_LEDGER_H

#include "ledger.h"

#define TFA_CLI_LEDGER_DEFAULT "./.tfaudit/ledger.db"
#define TFA_CLI_LEDGER_ENV     "TFAUDIT_LEDGER"

/* --ledger PATH if given, else $TFAUDIT_LEDGER if set and not empty, else
 * .tfaudit/ledger.db under the current directory. */
const char *tfa_cli_ledger_path(const char *option);

/* Open the ledger `option` resolves to (creating it when `create`).
 * Returns 0, or an exit status after printing the error. */
int tfa_cli_ledger_open(tfa_ledger **out, const char *option, int create);

#endif
