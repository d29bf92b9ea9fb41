/*
 * anchor_remote.c - anchors in a git repository and in S3 (see anchor.h).
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "anchor_priv.h"

int tfa__anchor_is_git(const char *path)
{
    char probe[PATH_MAX];
    struct stat st;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (snprintf(probe, sizeof(probe), "%s/.git", path) < (int)sizeof(probe) &&
        stat(probe, &st) == 0)
        return 1;
    /* a bare repository */
    return snprintf(probe, sizeof(probe), "%s/HEAD", path) < (int)sizeof(probe) &&
           stat(probe, &st) == 0 && S_ISREG(st.st_mode);
}

int tfa__anchor_git_write(tfa_anchor *a, const tfa_buf *line, const char *repo,
                          const tfa_anchor_options *opts, tfa_error *err)
{
    (void)a, (void)line, (void)opts;
    return tfa_error_set(err, TFA_EUSAGE, "'%s': git anchors are not supported yet", repo);
}

int tfa__anchor_git_read(tfa_anchor_set *set, const char *repo, const tfa_anchor_options *opts,
                         tfa_error *err)
{
    (void)set, (void)opts;
    return tfa_error_set(err, TFA_EUSAGE, "'%s': git anchors are not supported yet", repo);
}

int tfa__anchor_s3_write(tfa_anchor *a, const tfa_buf *line, const char *url,
                         const tfa_anchor_options *opts, tfa_error *err)
{
    (void)a, (void)line, (void)opts;
    return tfa_error_set(err, TFA_EUSAGE, "'%s': s3 anchors are not supported yet", url);
}

int tfa__anchor_s3_read(tfa_anchor_set *set, const char *url, const tfa_anchor_options *opts,
                        tfa_error *err)
{
    (void)set, (void)opts;
    return tfa_error_set(err, TFA_EUSAGE, "'%s': s3 anchors are not supported yet", url);
}
