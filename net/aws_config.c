/*
 * aws_config.c - AWS credentials, region and endpoint (see aws_config.h).
 *
 * The shared files are INI as the AWS CLI writes them: "[section]" lines,
 * "key = value" lines, '#' or ';' comments. Indented lines continue a
 * nested setting (s3 =\n  addressing_style = path) and are skipped.
 */
#include "util/compat.h"

#include <strings.h>

#include "net/aws_config.h"
#include "net/local_file.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

static const char *env_get(const tfa_credentials_env *env, const char *name)
{
    size_t n = strlen(name);
    const char *const *e;
    for (e = env->environ; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return (*e)[n + 1] ? *e + n + 1 : NULL;
    return NULL;
}

static void wipe(char *s)
{
    volatile char *p = s;
    while (p && *p)
        *p++ = '\0';
}

void tfa_aws_config_release(tfa_aws_config *c)
{
    wipe(c->key);
    wipe(c->secret);
    wipe(c->session_token);
    tfa_free(c->key);
    tfa_free(c->secret);
    tfa_free(c->session_token);
    tfa_free(c->source);
    tfa_free(c->secret_source);
    tfa_free(c->token_source);
    tfa_free(c->region);
    tfa_free(c->endpoint);
    memset(c, 0, sizeof(*c));
}

/* A secret is a header value once signed: no blanks, no control bytes. */
static int printable(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

static int set(char **slot, const char *value, tfa_error *err)
{
    tfa_free(*slot);
    *slot = value ? tfa_strdup(value) : NULL;
    return !value || *slot ? 0 : tfa_error_oom(err);
}

/* ---- INI files ---------------------------------------------------------------- */

/* What one profile says, from one file. */
typedef struct profile {
    char *key, *secret, *token, *region, *endpoint;
    const char *unsupported; /* the first setting we cannot act on */
    int found;               /* the section exists */
} profile;

static void profile_release(profile *p)
{
    wipe(p->key);
    wipe(p->secret);
    wipe(p->token);
    tfa_free(p->key);
    tfa_free(p->secret);
    tfa_free(p->token);
    tfa_free(p->region);
    tfa_free(p->endpoint);
    memset(p, 0, sizeof(*p));
}

static char *trimmed(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    return tfa_strndup(s, (size_t)(e - s));
}

/* Whether the section header [s, e) (brackets stripped) names `name`:
 * "[name]" in the credentials file, "[profile name]" (or "[default]") in
 * the config file. */
static int section_is(const char *s, const char *e, const char *name, int config_file)
{
    char *sec = trimmed(s, e);
    const char *p;
    int yes;
    if (!sec)
        return -1;
    p = sec;
    if (config_file && strcmp(name, "default") != 0) {
        if (strncmp(p, "profile", 7) != 0 || (p[7] != ' ' && p[7] != '\t')) {
            tfa_free(sec);
            return 0;
        }
        for (p += 7; *p == ' ' || *p == '\t'; p++)
            ;
    }
    yes = strcmp(p, name) == 0;
    tfa_free(sec);
    return yes;
}

static int setting(profile *p, const char *k, const char *v, tfa_error *err)
{
    static const char *const unsupported[] = {
        "role_arn",      "credential_process",      "sso_session",
        "sso_start_url", "web_identity_token_file", NULL};
    char **slot = NULL;
    size_t i;

    if (strcmp(k, "aws_access_key_id") == 0)
        slot = &p->key;
    else if (strcmp(k, "aws_secret_access_key") == 0)
        slot = &p->secret;
    else if (strcmp(k, "aws_session_token") == 0)
        slot = &p->token;
    else if (strcmp(k, "region") == 0)
        slot = &p->region;
    else if (strcmp(k, "endpoint_url") == 0)
        slot = &p->endpoint;
    for (i = 0; !slot && unsupported[i]; i++)
        if (strcmp(k, unsupported[i]) == 0 && !p->unsupported)
            p->unsupported = unsupported[i];
    if (!slot)
        return 0;
    if (*slot) {
        wipe(*slot);
        tfa_free(*slot);
    }
    *slot = tfa_strdup(v);
    return *slot ? 0 : tfa_error_oom(err);
}

/* Read profile `name` from the INI file at `path` (absent is fine). */
static int read_profile(profile *p, const char *path, const char *name, int config_file,
                        tfa_error *err)
{
    tfa_buf text;
    tfa_error ferr;
    const char *line, *end;
    int in = 0, rc;

    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    tfa_error_init(&ferr);
    rc = tfa_local_file_read(&text, path, TFA_LIMIT_CREDENTIALS_BYTES, &ferr);
    if (rc == TFA_ENOTFOUND) {
        rc = 0;
        goto done;
    }
    if (rc) {
        rc = tfa_error_set(err, ferr.status, "%s: %s", path, ferr.message);
        goto done;
    }
    for (line = text.ptr, end = text.ptr + text.len; rc == 0 && line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line)), *eq;
        if (!eol)
            eol = end;
        if (*line == '[') {
            const char *close = memchr(line, ']', (size_t)(eol - line));
            if (!close) {
                rc = tfa_error_set(err, TFA_EINPUT, "%s: a section header without ']'", path);
                break;
            }
            if ((in = section_is(line + 1, close, name, config_file)) < 0)
                rc = tfa_error_oom(err);
            p->found |= in > 0;
        } else if (in && *line != '#' && *line != ';' && *line != ' ' && *line != '\t' &&
                   (eq = memchr(line, '=', (size_t)(eol - line))) != NULL) {
            char *k = trimmed(line, eq), *v = trimmed(eq + 1, eol);
            rc = k && v ? setting(p, k, v, err) : tfa_error_oom(err);
            wipe(v);
            tfa_free(k);
            tfa_free(v);
        }
        line = eol + 1;
    }
done:
    memset(text.ptr, 0, text.len);
    tfa_buf_release(&text);
    return rc;
}

/* $VAR, else $HOME/.aws/FILE; NULL without either. */
static char *file_path(const tfa_credentials_env *env, const char *var, const char *file)
{
    const char *v = env_get(env, var);
    tfa_buf b;
    if (v)
        return tfa_strdup(v);
    if (!env->home)
        return NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_printf(&b, "%s/.aws/%s", env->home, file);
    return tfa_buf_detach(&b, NULL);
}

/* ---- the search ------------------------------------------------------------------- */

static int from_env(tfa_aws_config *c, const tfa_credentials_env *env, tfa_error *err)
{
    const char *key = env_get(env, "AWS_ACCESS_KEY_ID");
    const char *secret = env_get(env, "AWS_SECRET_ACCESS_KEY");
    const char *token = env_get(env, "AWS_SESSION_TOKEN");
    int rc;

    if (!key && !secret)
        return 0;
    if (!key || !secret)
        return tfa_error_set(err, TFA_EUSAGE, "%s is set but %s is not",
                             key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                             key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    if (!printable(key) || !printable(secret) || (token && !printable(token)))
        return tfa_error_set(err, TFA_EUSAGE, "%s has spaces or control characters",
                             !printable(key)      ? "AWS_ACCESS_KEY_ID"
                             : !printable(secret) ? "AWS_SECRET_ACCESS_KEY"
                                                  : "AWS_SESSION_TOKEN");
    if ((rc = set(&c->key, key, err)) || (rc = set(&c->secret, secret, err)) ||
        (rc = set(&c->session_token, token, err)) ||
        (rc = set(&c->source, "AWS_ACCESS_KEY_ID", err)) ||
        (rc = set(&c->secret_source, "AWS_SECRET_ACCESS_KEY", err)) ||
        (rc = set(&c->token_source, token ? "AWS_SESSION_TOKEN" : NULL, err)))
        return rc;
    return 1;
}

/* Credentials from profile `name`: the credentials file first, then config. */
static int from_profile(tfa_aws_config *c, profile *cred, profile *conf, const char *name,
                        const char *cred_path, const char *conf_path, int named, tfa_error *err)
{
    profile *p = cred->key || cred->secret ? cred : conf;
    const char *path = p == cred ? cred_path : conf_path;
    tfa_buf src;
    int rc = 0;

    if (!cred->found && !conf->found) {
        if (!named)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "no AWS credentials: set AWS_ACCESS_KEY_ID and "
                                 "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in "
                                 "~/.aws/credentials");
        return tfa_error_set(err, TFA_EUSAGE, "AWS profile '%s' (AWS_PROFILE) is not in %s or %s",
                             name, cred_path ? cred_path : "~/.aws/credentials",
                             conf_path ? conf_path : "~/.aws/config");
    }
    if (!p->key || !p->secret) {
        const char *how = cred->unsupported ? cred->unsupported : conf->unsupported;
        if (how)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "AWS profile '%s' gets its credentials through %s, which "
                                 "tfaudit cannot run; export them (aws configure "
                                 "export-credentials --profile %s --format env)",
                                 name, how, name);
        return tfa_error_set(err, TFA_EUSAGE, "AWS profile '%s' in %s has no %s", name,
                             path ? path : "-",
                             p->key ? "aws_secret_access_key" : "aws_access_key_id");
    }
    if (!printable(p->key) || !printable(p->secret) || (p->token && !printable(p->token)))
        return tfa_error_set(err, TFA_EUSAGE,
                             "AWS profile '%s' in %s has a key with spaces or control characters",
                             name, path);
    tfa_buf_init(&src, TFA_BUF_NO_MAX);
    tfa_buf_printf(&src, "profile '%s' in %s", name, path);
    if (tfa_buf_status(&src) || (rc = set(&c->key, p->key, err)) ||
        (rc = set(&c->secret, p->secret, err)) || (rc = set(&c->session_token, p->token, err)) ||
        (rc = set(&c->source, src.ptr, err)) || (rc = set(&c->secret_source, src.ptr, err)) ||
        (rc = set(&c->token_source, p->token ? src.ptr : NULL, err)))
        rc = rc ? rc : tfa_error_oom(err);
    tfa_buf_release(&src);
    return rc;
}

int tfa_aws_config_load(tfa_aws_config *out, const tfa_credentials_env *env, const char *endpoint,
                        tfa_error *err)
{
    const char *name = env_get(env, "AWS_PROFILE");
    const char *v;
    char *cred_path = NULL, *conf_path = NULL;
    profile cred, conf;
    int named, rc;

    memset(out, 0, sizeof(*out));
    memset(&cred, 0, sizeof(cred));
    memset(&conf, 0, sizeof(conf));
    if (!name)
        name = env_get(env, "AWS_DEFAULT_PROFILE");
    named = name != NULL;
    if (!name)
        name = "default";
    cred_path = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    conf_path = file_path(env, "AWS_CONFIG_FILE", "config");
    if ((cred_path && (rc = read_profile(&cred, cred_path, name, 0, err)) != 0) ||
        (conf_path && (rc = read_profile(&conf, conf_path, name, 1, err)) != 0))
        goto done;
    if ((rc = from_env(out, env, err)) < 0)
        goto done;
    if (rc == 0 &&
        (rc = from_profile(out, &cred, &conf, name, cred_path, conf_path, named, err)) != 0)
        goto done;
    rc = 0;
    v = env_get(env, "AWS_REGION");
    if (!v)
        v = env_get(env, "AWS_DEFAULT_REGION");
    if (!v)
        v = conf.region ? conf.region : cred.region;
    if ((rc = set(&out->region, v ? v : "us-east-1", err)) != 0)
        goto done;
    v = endpoint;
    if (!v)
        v = env_get(env, "AWS_ENDPOINT_URL_S3");
    if (!v)
        v = env_get(env, "AWS_ENDPOINT_URL");
    if (!v)
        v = conf.endpoint ? conf.endpoint : cred.endpoint;
    rc = set(&out->endpoint, v, err);
done:
    profile_release(&cred);
    profile_release(&conf);
    tfa_free(cred_path);
    tfa_free(conf_path);
    return rc;
}
