/*
 * cli_ledger.c - ledger path resolution and opening, signing keys and
 * anchors for the recording commands (see cli_ledger.h).
 */
#include "util/compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "anchor.h"
#include "cli_ledger.h"
#include "exit.h"
#include "msg.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/sha256.h"

#define LEDGER_ID_HASH_HEX 12 /* 48 bits: distinct per checkout, short to read */

/* The git repository root holding `dir` (an absolute path), else `dir`;
 * cut in place. Only a .git entry is looked for: no git library needed. */
static void project_root(char *dir)
{
    size_t len = strlen(dir);
    tfa_buf probe;

    tfa_buf_init(&probe, TFA_BUF_NO_MAX);
    for (;;) {
        struct stat st;
        char *slash;
        tfa_buf_clear(&probe);
        tfa_buf_printf(&probe, "%.*s/.git", (int)len, dir);
        if (tfa_buf_status(&probe) == 0 && stat(probe.ptr, &st) == 0) {
            dir[len ? len : 1] = '\0';
            break;
        }
        slash = memrchr(dir, '/', len);
        if (!slash || len == 0)
            break; /* no repository: the current directory itself */
        len = (size_t)(slash - dir);
    }
    tfa_buf_release(&probe);
}

static int project_id(tfa_buf *out, tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX], *cwd = getcwd(NULL, 0), *base;
    size_t i;

    if (!cwd)
        return tfa_error_set(err, TFA_EIO, "cannot read the current directory: %s",
                             strerror(errno));
    project_root(cwd);
    tfa_sha256_digest(cwd, strlen(cwd), digest);
    tfa_sha256_hex(digest, hex);
    base = strrchr(cwd, '/') ? strrchr(cwd, '/') + 1 : cwd;
    for (i = 0; base[i]; i++)
        tfa_buf_putc(out, strchr("-._", base[i]) || (base[i] >= '0' && base[i] <= '9') ||
                                  ((base[i] | 32) >= 'a' && (base[i] | 32) <= 'z')
                              ? base[i]
                              : '_');
    tfa_buf_printf(out, "%s-%.*s", i ? "" : "root", LEDGER_ID_HASH_HEX, hex);
    free(cwd); /* getcwd's own allocation */
    return 0;
}

static int default_path(tfa_buf *out, tfa_error *err)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int rc;

    if (xdg && xdg[0] == '/')
        tfa_buf_printf(out, "%s/tfaudit/", xdg);
    else if (home && *home)
        tfa_buf_printf(out, "%s/.local/state/tfaudit/", home);
    else
        return tfa_error_set(err, TFA_EUSAGE,
                             "no place for the default ledger: HOME is unset (pass --ledger PATH "
                             "or set " TFA_CLI_LEDGER_ENV ")");
    if ((rc = project_id(out, err)) != 0)
        return rc;
    tfa_buf_puts(out, "/ledger.db");
    return 0;
}

int tfa_cli_ledger_resolve(char **out, const char *option, tfa_error *err)
{
    const char *env = getenv(TFA_CLI_LEDGER_ENV);
    tfa_buf b;
    int rc = 0;

    *out = NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (option)
        tfa_buf_puts(&b, option);
    else if (env && *env)
        tfa_buf_puts(&b, env);
    else
        rc = default_path(&b, err);
    if (rc == 0 && tfa_buf_status(&b) != 0)
        rc = tfa_error_oom(err);
    if (rc == 0)
        *out = tfa_buf_detach(&b, NULL);
    tfa_buf_release(&b);
    return rc;
}

int tfa_cli_ledger_open(tfa_ledger **out, const char *option, int write)
{
    tfa_ledger_options lo = TFA_LEDGER_OPTIONS_INIT;
    char *path = NULL;
    tfa_error err;
    int rc = 0;

    tfa_error_init(&err);
    lo.create = write;
    lo.read_only = !write;
    if (tfa_cli_ledger_resolve(&path, option, &err) != 0 ||
        tfa_ledger_open(out, path, &lo, &err) != 0)
        rc = tfa_msg_from_error(&err);
    tfa_free(path);
    return rc;
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
