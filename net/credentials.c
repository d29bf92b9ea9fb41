/*
 * credentials.c - finding API tokens (see credentials.h).
 */
#include "util/compat.h"

#include <jansson.h>

#include "net/credentials.h"
#include "net/json_doc.h"
#include "net/local_file.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

#define CREDENTIALS_FILE "/.terraform.d/credentials.tfrc.json"

void tfa_auth_token_release(tfa_auth_token *t)
{
    if (t->value) {
        volatile char *p = t->value;
        while (*p)
            *p++ = '\0';
    }
    tfa_free(t->value);
    tfa_free(t->source);
    t->value = t->source = NULL;
}

int tfa_credentials_env_name(char *out, size_t size, const char *host)
{
    size_t o = 0;
    const char *p;
    int n = snprintf(out, size, "TF_TOKEN_");

    if (n < 0 || (size_t)n >= size)
        return -1;
    o = (size_t)n;
    for (p = host; *p; p++) {
        const char *put;
        char one[2] = {*p, '\0'};
        if (*p == '.')
            put = "_";
        else if (*p == '-')
            put = "__";
        else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            put = one;
        else
            return -1;
        if (o + strlen(put) >= size)
            return -1;
        memcpy(out + o, put, strlen(put));
        o += strlen(put);
    }
    out[o] = '\0';
    return 0;
}

/* A TF_TOKEN_ variable's host, Terraform's way: "__" is "-", then "_" is ".",
 * lowercased. Written into `out`; -1 when it does not fit. */
static int env_host(char *out, size_t size, const char *name, size_t len)
{
    size_t i, o = 0;
    for (i = 0; i < len; i++) {
        char c = name[i];
        if (c == '_' && i + 1 < len && name[i + 1] == '_') {
            c = '-';
            i++;
        } else if (c == '_') {
            c = '.';
        } else if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (o + 1 >= size)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

static int token_chars_ok(const char *t)
{
    if (!*t)
        return 0;
    for (; *t; t++)
        if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7e)
            return 0;
    return 1;
}

static int take(tfa_auth_token *out, const char *value, const char *source, tfa_error *err)
{
    if (!token_chars_ok(value))
        return tfa_error_set(err, TFA_EINPUT,
                             "the token in %s is empty or has spaces or control characters",
                             source);
    out->value = tfa_strdup(value);
    out->source = tfa_strdup(source);
    return out->value && out->source ? 0 : tfa_error_oom(err);
}

/* TF_TOKEN_<host> (and TFE_TOKEN unless host_bound) from the environment;
 * 1 when found, 0 when not, < 0 on error. */
static int from_env(tfa_auth_token *out, const char *host, const tfa_credentials_env *env,
                    int host_bound, tfa_error *err)
{
    const char *const *e;
    const char *tfe = NULL;
    char h[512];

    for (e = env->environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        if (strncmp(*e, "TF_TOKEN_", 9) == 0 &&
            env_host(h, sizeof(h), *e + 9, (size_t)(eq - *e) - 9) == 0 &&
            strcasecmp(h, host) == 0) {
            char name[600];
            int rc;
            snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
            rc = take(out, eq + 1, name, err);
            return rc ? rc : 1;
        }
        if ((size_t)(eq - *e) == 9 && strncmp(*e, "TFE_TOKEN", 9) == 0)
            tfe = eq + 1;
    }
    if (tfe && !host_bound) {
        int rc = take(out, tfe, "TFE_TOKEN", err);
        return rc ? rc : 1;
    }
    return 0;
}

static int from_file(tfa_auth_token *out, const char *host, const char *home, tfa_error *err)
{
    tfa_buf path, text;
    json_t *root = NULL, *creds, *value;
    const char *key;
    int rc = 0;

    tfa_buf_init(&path, TFA_BUF_NO_MAX);
    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    if (tfa_buf_printf(&path, "%s%s", home, CREDENTIALS_FILE) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_local_file_read(&text, path.ptr, TFA_LIMIT_CREDENTIALS_BYTES, err)) != 0) {
        if (rc == TFA_ENOTFOUND) {
            tfa_error_clear(err); /* no file: no token, not an error */
            rc = 0;
        }
        goto done;
    }
    if ((rc = tfa_json_doc_parse(&root, path.ptr, text.ptr, text.len, err)) != 0)
        goto done;
    creds = json_object_get(root, "credentials");
    json_object_foreach(creds, key, value)
    {
        const char *token = json_string_value(json_object_get(value, "token"));
        if (strcasecmp(key, host) == 0 && token) {
            rc = take(out, token, path.ptr, err);
            break;
        }
    }
done:
    json_decref(root);
    memset(text.ptr, 0, text.len); /* held tokens */
    tfa_buf_release(&text);
    tfa_buf_release(&path);
    return rc;
}

int tfa_credentials_find(tfa_auth_token *out, const char *host, const tfa_credentials_env *env,
                         int host_bound, tfa_error *err)
{
    int rc;

    out->value = out->source = NULL;
    if ((rc = from_env(out, host, env, host_bound, err)) != 0)
        return rc < 0 ? rc : 0;
    if (env->home && *env->home)
        return from_file(out, host, env->home, err);
    return 0;
}
