/*
 * cli_ledger.h - where the ledger is and how commands open it (shared by
 * `tfaudit ledger ...`, `gate`, `audit` and `trend`, so all resolve the same
 * file), and the signing key and anchor every recording command takes.
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

#include "cli_net.h"
#include "ledger.h"
#include "sign.h"

#define TFA_CLI_LEDGER_DEFAULT "'tfaudit ledger path'" /* in help texts */
#define TFA_CLI_LEDGER_ENV     "TFAUDIT_LEDGER"
#define TFA_CLI_SIGNING_ENV    "TFAUDIT_SIGNING_KEY"

/*
 * --ledger PATH if given, else $TFAUDIT_LEDGER if set and not empty, else
 * the default above, into *out (the caller frees it with tfa_free). Errors:
 * TFA_EUSAGE (neither HOME nor an absolute XDG_STATE_HOME is set), TFA_EIO
 * (the current directory is unreadable), TFA_ENOMEM.
 */
int tfa_cli_ledger_resolve(char **out, const char *option, tfa_error *err);

/* Open the ledger `option` resolves to: for appending (creating it when
 * absent) when `write`, else read-only (it must exist). Returns 0, or an
 * exit status after printing the error. */
int tfa_cli_ledger_open(tfa_ledger **out, const char *option, int write);

/* The option rows of the recording commands (gate, audit, ledger append,
 * ledger anchor): --signing-key FILE and --anchor-to DEST. */
typedef struct tfa_cli_sign {
    const char *signing_key;
    const char *anchor_to;
} tfa_cli_sign;

#define TFA_CLI_SIGN_OPTIONS(type, member)                                                         \
    {"signing-key",                                                                                \
     0,                                                                                            \
     TFA_OPT_STRING,                                                                               \
     offsetof(type, member.signing_key),                                                           \
     "FILE",                                                                                       \
     "sign every ledger record with this Ed25519 key (default: $" TFA_CLI_SIGNING_ENV ")",         \
     NULL},                                                                                        \
    {                                                                                              \
        "anchor-to", 0, TFA_OPT_STRING, offsetof(type, member.anchor_to), "DEST",                  \
            "after recording, anchor the ledger head in DEST (file, git repository or "            \
            "s3://BUCKET/PREFIX/)",                                                                \
            NULL                                                                                   \
    }

/* The signing key --signing-key or $TFAUDIT_SIGNING_KEY names; *out stays
 * NULL when neither is set. Returns 0, or an exit status after printing. */
int tfa_cli_signer_load(tfa_signer **out, const tfa_cli_sign *o);

/* Read a public key list (--trusted-keys, --allowed-signers). Returns 0,
 * or an exit status after printing. */
int tfa_cli_keyring_load(tfa_keyring **out, const char *path);

/* Anchor the ledger's head at `dest` and say so on stderr. `net` may be
 * NULL (then s3:// is refused). Returns 0, or an exit status after
 * printing. */
int tfa_cli_anchor(tfa_ledger *ledger, const char *dest, const tfa_signer *signer, int64_t now,
                   const tfa_cli_net *net, const char *author);

#endif
