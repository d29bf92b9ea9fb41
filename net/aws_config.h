/*
 * aws_config.h - AWS credentials, region and S3 endpoint, found where the
 * AWS CLI and SDKs look for them (the "shared config and credentials
 * files" convention).
 *
 * Credentials, first found wins:
 *  1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *     one without the other is an error naming the missing variable;
 *  2. the profile AWS_PROFILE (or AWS_DEFAULT_PROFILE, else "default"):
 *     its aws_access_key_id / aws_secret_access_key / aws_session_token in
 *     the credentials file ($AWS_SHARED_CREDENTIALS_FILE or
 *     $HOME/.aws/credentials, section [NAME]), else in the config file
 *     ($AWS_CONFIG_FILE or $HOME/.aws/config, section [profile NAME] or
 *     [default]). A profile that gets its keys some other way (role_arn,
 *     credential_process, sso_*, web identity) is refused by name: tfaudit
 *     has no AWS SDK to run those.
 * Region: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, else
 * us-east-1. Endpoint: the caller's (--endpoint), AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL, the profile's `endpoint_url`, else AWS itself.
 * Secrets are wiped when released and never appear in a message: errors
 * and `source` name the variable or the profile and file.
 */
#ifndef TFA_AWS_CONFIG_H
#define TFA_AWS_CONFIG_H

#include "net/credentials.h"
#include "util/error.h"

typedef struct tfa_aws_config {
    char *key, *secret, *session_token; /* wiped by _release */
    char *source;        /* "AWS_ACCESS_KEY_ID" or "profile 'ci' in /home/u/.aws/credentials" */
    char *secret_source; /* "AWS_SECRET_ACCESS_KEY" or the profile again */
    char *token_source;  /* "AWS_SESSION_TOKEN" or the profile; NULL without a token */
    char *region;
    char *endpoint; /* NULL: AWS's own endpoints */
} tfa_aws_config;

/*
 * Fill `out` from `env` (environment strings and $HOME); `endpoint` (may be
 * NULL) overrides the endpoint settings. Errors: TFA_EUSAGE (no credentials,
 * half a key pair, an unknown or unsupported profile: the message says what
 * to set), TFA_EINPUT (a file that is not INI), TFA_EIO, TFA_ELIMIT,
 * TFA_ENOMEM. Release `out` in every case.
 */
int tfa_aws_config_load(tfa_aws_config *out, const tfa_credentials_env *env, const char *endpoint,
                        tfa_error *err);
void tfa_aws_config_release(tfa_aws_config *c);

#endif
