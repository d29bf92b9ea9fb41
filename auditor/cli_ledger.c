/*
 * cli_ledger.c - ledger path resolution and opening, signing keys and
 * anchors for the recording commands (see cli_ledger.h).
 */
#include "util/compat.h"

#include "anchor.h"
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

int tfa_cli_ledger_open(tfa_ledger **out, const char *option, int write)
{
    tfa_ledger_options lo = TFA_LEDGER_OPTIONS_INIT;
    tfa_error err;

    tfa_error_init(&err);
    lo.create = write;
    lo.read_only = !write;
    if (tfa_ledger_open(out, tfa_cli_ledger_path(option), &lo, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}

int tfa_cli_signer_load(tfa_signer **out, const tfa_cli_sign *o)
{
    const char *path = o->signing_key, *env = getenv(TFA_CLI_SIGNING_ENV);
    tfa_error err;

    *out = NULL;
    tfa_error_init(&err);
    if (!path && env && *env)
        path = env;
    if (!path)
        return 0;
    if (tfa_signer_load(out, path, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}

int tfa_cli_keyring_load(tfa_keyring **out, const char *path)
{
    tfa_error err;

    tfa_error_init(&err);
    if (tfa_keyring_load(out, path, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}

int tfa_cli_anchor(tfa_ledger *ledger, const char *dest, const tfa_signer *signer, int64_t now,
                   const tfa_cli_net *net, const char *author)
{
    tfa_anchor_options ao = TFA_ANCHOR_OPTIONS_INIT;
    tfa_s3_options s3;
    tfa_cli_net_ctx nc;
    tfa_anchor a;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    memset(&s3, 0, sizeof(s3));
    ao.signer = signer;
    ao.now = now;
    ao.operator_name = author;
    if (net && tfa_s3_is_url(dest)) {
        if ((rc = tfa_cli_net_init(&nc, net, "anchor")) != 0)
            return rc;
        s3.http = &nc.http;
        s3.env = nc.remote.env;
        ao.s3 = &s3;
    }
    if (tfa_anchor_write(&a, ledger, dest, &ao, &err) != 0) {
        tfa_msg_from_error(&err);
        return tfa_msg_error("ledger head not anchored in '%s'", dest);
    }
    tfa_msg_note("ledger head %lld anchored in %s%s", (long long)a.seq, a.source,
                 signer ? "" : " (unsigned: no signing key)");
    return 0;
}
