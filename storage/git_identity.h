/*
 * git_identity.h - who the commits tfaudit makes are by.
 *
 * CI runners (GitHub, GitLab) and fresh machines have no git identity, and
 * libgit2 refuses a signature with an empty name or e-mail, so the evidence
 * commit must never depend on one being configured. The order follows git:
 *
 *   author:    the explicit "Name <email>" (--git-author), else
 *              GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL, else user.name /
 *              user.email (repository, global, XDG and system config), else
 *              EMAIL, else "tfaudit <tfaudit@HOSTNAME>"
 *   committer: GIT_COMMITTER_NAME / GIT_COMMITTER_EMAIL, else the same
 *              config, EMAIL and fallback (never --git-author, as `git
 *              commit --author` leaves the committer alone)
 *
 * Name and e-mail are resolved one by one, as git does: GIT_AUTHOR_NAME
 * alone keeps the configured e-mail. Private to storage/.
 */
#ifndef TFA_GIT_IDENTITY_H
#define TFA_GIT_IDENTITY_H

#include <git2.h>
#include <stdint.h>

#include "util/error.h"

/*
 * Resolve both signatures at `time` (seconds since the epoch, UTC).
 * `explicit_author` is "Name <email>" or NULL; a malformed one is
 * TFA_EUSAGE. On success the caller frees both with git_signature_free.
 */
int tfa_git_identity_resolve(git_signature **author, git_signature **committer,
                             git_repository *repo, const char *explicit_author, int64_t time,
                             tfa_error *err);

/* Split "Name <email>" into its parts (copied into name/email, each
 * NUL-terminated and at most `cap` bytes). 0, or -1 when malformed. */
int tfa_git_identity_parse(const char *spec, char *name, char *email, size_t cap);

#endif
