/*
 * credentials.h - API tokens for HCP Terraform / Terraform Enterprise hosts,
 * found where the Terraform CLI and the tfe provider look for them.
 *
 * Order, first found wins:
 *  1. TF_TOKEN_<host>: Terraform's host-specific variable. The host is
 *     spelled with "." as "_" and "-" as "__" and compared case-insensitively
 *     (Terraform's command/cliconfig collectCredentialsFromEnv), so
 *     TF_TOKEN_app_terraform_io is the token for app.terraform.io;
 *  2. TFE_TOKEN: the tfe provider's variable, for any host (skipped when the
 *     caller wants host-bound tokens only);
 *  3. credentials."<host>".token in $HOME/.terraform.d/credentials.tfrc.json,
 *     the file `terraform login` writes.
 * A token is returned with the name of where it came from, so a rejected
 * token can be reported by its source and never by its value.
 */
#ifndef TFA_CREDENTIALS_H
#define TFA_CREDENTIALS_H

#include <stddef.h>

#include "util/error.h"

typedef struct tfa_credentials_env {
    const char *const *environ; /* NAME=VALUE strings, NULL-terminated; NULL for none */
    const char *home;           /* directory holding .terraform.d; NULL to skip the file */
} tfa_credentials_env;

typedef struct tfa_auth_token {
    char *value;  /* NULL when no token was found; wiped by _release */
    char *source; /* "TF_TOKEN_app_terraform_io", "TFE_TOKEN" or the file's path */
} tfa_auth_token;

#define TFA_AUTH_TOKEN_INIT                                                                        \
    {                                                                                              \
        NULL, NULL                                                                                 \
    }

/*
 * The token for `host` ("app.terraform.io", "tfe.example.com:8443"; compared
 * case-insensitively). With `host_bound` set, TFE_TOKEN is not considered:
 * used for plain URLs, where only a token configured for that very host may
 * be sent. Returns 0 with out->value NULL when there is none. Errors:
 * TFA_EINPUT (the credentials file is not valid JSON, or a token has spaces
 * or control characters), TFA_EIO, TFA_ELIMIT, TFA_ENOMEM. The messages name
 * the source, never a value. Release `out` in every case.
 */
int tfa_credentials_find(tfa_auth_token *out, const char *host, const tfa_credentials_env *env,
                         int host_bound, tfa_error *err);
void tfa_auth_token_release(tfa_auth_token *t);

/* "TF_TOKEN_" + host spelled for a variable name into `out`; 0, or -1 when
 * the host has characters a variable cannot carry (":" of a port). */
int tfa_credentials_env_name(char *out, size_t size, const char *host);

#endif
