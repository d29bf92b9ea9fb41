/*
 * cli_ledger.h - where the ledger is and how commands open it (shared by
 * `tfaudit ledger ...`, `gate`, `audit` and `trend`, so all resolve the same
 * file).
 *
 * The default lives outside the working tree, where it cannot be committed
 * by accident: $XDG_STATE_HOME/tfaudit/ID/ledger.db, or
 * $HOME/.local/state/tfaudit/ID/ledger.db when XDG_STATE_HOME is unset or
 * not absolute (XDG Base Directory Specification 0.8). ID names the project:
 * the basename of the git repository root holding the current directory (or
 * of the current directory outside a repository), a dash, and the first 12
 * hex digits of the SHA-256 of that directory's absolute path, so two
 * checkouts called "infra" keep separate ledgers. `tfaudit ledger path`
 * prints it.
 */
#ifndef TFA_CLI_LEDGER_H
#define TFA_CLI_LEDGER_H

#include "ledger.h"

#define TFA_CLI_LEDGER_DEFAULT "'tfaudit ledger path'" /* in help texts */
#define TFA_CLI_LEDGER_ENV     "TFAUDIT_LEDGER"

/*
 * --ledger PATH if given, else $TFAUDIT_LEDGER if set and not empty, else
 * the default above, into *out (the caller frees it with tfa_free). Errors:
 * TFA_EUSAGE (neither HOME nor an absolute XDG_STATE_HOME is set), TFA_EIO
 * (the current directory is unreadable), TFA_ENOMEM.
 */
int tfa_cli_ledger_resolve(char **out, const char *option, tfa_error *err);

/* Open the ledger `option` resolves to (creating it when `create`).
 * Returns 0, or an exit status after printing the error. */
int tfa_cli_ledger_open(tfa_ledger **out, const char *option, int create);

#endif
