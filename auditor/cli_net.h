/*
 * cli_net.h - the network settings every command that reads inputs or talks
 * to a server shares: --cacert and --verbose from its option table, tuning
 * from TFAUDIT_HTTP_* variables, tokens from the environment and $HOME.
 *
 * A command adds the options with one macro row in its table and passes the
 * member to tfa_cli_load_inputs_net (or tfa_cli_net_init for its own use):
 *
 *   typedef struct my_opts { ...; tfa_cli_net net; } my_opts;
 *   static const tfa_opt options[] = { ..., TFA_CLI_NET_OPTIONS(my_opts, net) };
 *
 * Environment (documented in tfaudit(1)):
 *   TFAUDIT_HTTP_RETRIES, TFAUDIT_HTTP_BACKOFF_MS, TFAUDIT_HTTP_CONNECT_TIMEOUT,
 *   TFAUDIT_HTTP_TIMEOUT, TFAUDIT_HTTP_LOW_SPEED_LIMIT, TFAUDIT_HTTP_LOW_SPEED_TIME,
 *   TFAUDIT_HTTP_MAX_BYTES; TF_CLOUD_HOSTNAME (the host of tfc:run-ID);
 *   TF_TOKEN_<host>, TFE_TOKEN, HOME (credentials.h).
 */
#ifndef TFA_CLI_NET_H
#define TFA_CLI_NET_H

#include "opts.h"
#include "net/http.h"
#include "net/load.h"

typedef struct tfa_cli_net {
    const char *cacert;
    int verbose;
} tfa_cli_net;

#define TFA_CLI_NET_OPTIONS(type, member)                                                          \
    {"cacert",                                                                                     \
     0,                                                                                            \
     TFA_OPT_STRING,                                                                               \
     offsetof(type, member.cacert),                                                                \
     "FILE",                                                                                       \
     "also trust the CA certificates in FILE (PEM) for https",                                     \
     NULL},                                                                                        \
    {                                                                                              \
        "verbose", 'v', TFA_OPT_FLAG, offsetof(type, member.verbose), NULL,                        \
            "show network progress on stderr (never tokens or query strings)", NULL                \
    }

typedef struct tfa_cli_net_ctx {
    tfa_http_options http;
    tfa_remote_options remote;
} tfa_cli_net_ctx;

/* Fill `ctx` from `net` (may be NULL) and the environment. Returns 0, or the
 * exit status after printing why (a malformed TFAUDIT_HTTP_* value). */
int tfa_cli_net_init(tfa_cli_net_ctx *ctx, const tfa_cli_net *net, const char *cmd);

#endif
