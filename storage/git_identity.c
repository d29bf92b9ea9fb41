/*
 * git_identity.c - author and committer for tfaudit's commits; the order
 * is in git_identity.h.
 */
#include "util/compat.h"

#include "git_identity.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"

#define IDENT_CAP 256

int tfa_git_identity_parse(const char *spec, char *name, char *email, size_t cap)
{
    const char *lt, *gt, *end;
    size_t nlen, elen;

    if (!spec || !(lt = strchr(spec, '<')) || !(gt = strchr(lt, '>')) || gt[1] != '\0')
        return -1;
    end = lt;
    while (end > spec && end[-1] == ' ')
        end--;
    nlen = (size_t)(end - spec);
    elen = (size_t)(gt - lt - 1);
    if (nlen == 0 || elen == 0 || nlen >= cap || elen >= cap || memchr(lt + 1, '<', elen))
        return -1;
    memcpy(name, spec, nlen);
    name[nlen] = '\0';
    memcpy(email, lt + 1, elen);
    email[elen] = '\0';
    return 0;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* One part of an identity: the environment variable, else the config key,
 * else EMAIL (e-mail only), else the fallback. Copied into `out`. */
static void resolve_part(char *out, size_t cap, const char *env_name, git_config *cfg,
                         const char *key, const char *fallback, int is_email)
{
    git_config_entry *e = NULL;
    const char *v = nonempty(getenv(env_name));

    if (!v && cfg && git_config_get_entry(&e, cfg, key) == 0)
        v = nonempty(e->value);
    if (!v && is_email)
        v = nonempty(getenv("EMAIL"));
    snprintf(out, cap, "%s", v ? v : fallback);
    git_config_entry_free(e);
    git_error_clear();
}

int tfa_git_identity_resolve(git_signature **author, git_signature **committer,
                             git_repository *repo, const char *explicit_author, int64_t time,
                             tfa_error *err)
{
    char host[128], fallback_mail[200];
    char an[IDENT_CAP], ae[IDENT_CAP], cn[IDENT_CAP], ce[IDENT_CAP];
    git_config *cfg = NULL;
    int rc = 0;

    *author = *committer = NULL;
    if (gethostname(host, sizeof(host)) != 0 || !host[0])
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    snprintf(fallback_mail, sizeof(fallback_mail), "tfaudit@%s", host);
    if (repo && git_repository_config_snapshot(&cfg, repo) != 0)
        cfg = NULL;
    git_error_clear();

    if (explicit_author) {
        if (tfa_git_identity_parse(explicit_author, an, ae, sizeof(an)) != 0) {
            rc = tfa_error_set(err, TFA_EUSAGE,
                               "--git-author: expected \"Name <email>\", got \"%s\"",
                               explicit_author);
            goto done;
        }
    } else {
        resolve_part(an, sizeof(an), "GIT_AUTHOR_NAME", cfg, "user.name", "tfaudit", 0);
        resolve_part(ae, sizeof(ae), "GIT_AUTHOR_EMAIL", cfg, "user.email", fallback_mail, 1);
    }
    resolve_part(cn, sizeof(cn), "GIT_COMMITTER_NAME", cfg, "user.name", "tfaudit", 0);
    resolve_part(ce, sizeof(ce), "GIT_COMMITTER_EMAIL", cfg, "user.email", fallback_mail, 1);

    if (git_signature_new(author, an, ae, (git_time_t)time, 0) != 0 ||
        git_signature_new(committer, cn, ce, (git_time_t)time, 0) != 0) {
        const git_error *e = git_error_last();
        rc = tfa_error_set(err, TFA_EUSAGE, "invalid commit identity: %s",
                           e && e->message ? e->message : "rejected by libgit2");
        git_signature_free(*author);
        git_signature_free(*committer);
        *author = *committer = NULL;
    }
done:
    git_config_free(cfg);
    git_error_clear();
    return rc;
}
