/*
 * git_state.c - the state of the repository a plan was made from: HEAD's
 * commit, the branch, and whether the work tree differs (see
 * git_evidence.h). Read-only: the status walk is asked not to refresh the
 * index on disk.
 */
#include "util/compat.h"

#include <git2.h>

#include "git_evidence.h"
#include "util/alloc.h"

static int git_fail(tfa_error *err, const char *what)
{
    const git_error *e = git_error_last();
    return tfa_error_set(err, TFA_EIO, "%s: %s", what, e && e->message ? e->message : "failed");
}

/* The branch HEAD names, checked out or unborn; NULL when detached. */
static int head_branch(git_repository *repo, char **out, tfa_error *err)
{
    git_reference *head = NULL;
    const char *target;
    int rc = 0;

    *out = NULL;
    if (git_reference_lookup(&head, repo, "HEAD") != 0)
        return git_fail(err, "cannot read HEAD");
    target = git_reference_symbolic_target(head);
    if (target) {
        if (strncmp(target, "refs/heads/", 11) == 0)
            target += 11;
        if (!(*out = tfa_strdup(target)))
            rc = tfa_error_oom(err);
    }
    git_reference_free(head);
    return rc;
}

static int head_commit(git_repository *repo, char hex[TFA_GIT_OID_HEX], tfa_error *err)
{
    git_object *commit = NULL;
    int rc = git_revparse_single(&commit, repo, "HEAD^{commit}");

    hex[0] = '\0';
    if (rc == 0)
        git_oid_tostr(hex, TFA_GIT_OID_HEX, git_object_id(commit));
    else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH)
        rc = git_fail(err, "cannot read HEAD's commit");
    else
        rc = 0; /* no commit yet */
    git_object_free(commit);
    git_error_clear();
    return rc;
}

static int is_dirty(git_repository *repo, int *dirty, tfa_error *err)
{
    git_status_options so;
    git_status_list *list = NULL;

    *dirty = 0;
    if (git_repository_is_bare(repo))
        return 0;
    if (git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION) != 0)
        return git_fail(err, "cannot read the work tree status");
    so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    if (git_status_list_new(&list, repo, &so) != 0)
        return git_fail(err, "cannot read the work tree status");
    *dirty = git_status_list_entrycount(list) > 0;
    git_status_list_free(list);
    return 0;
}

int tfa_git_state_read(tfa_git_state *out, const char *repo_path, tfa_error *err)
{
    git_repository *repo = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    git_libgit2_init();
    rc = git_repository_open_ext(&repo, repo_path, 0, NULL);
    if (rc) {
        rc = rc == GIT_ENOTFOUND ? tfa_error_set(err, TFA_ENOTFOUND,
                                                 "no git repository at or above '%s'", repo_path)
                                 : git_fail(err, "cannot open the repository");
        goto done;
    }
    rc = head_commit(repo, out->commit, err);
    rc = rc ? rc : head_branch(repo, &out->branch, err);
    rc = rc ? rc : is_dirty(repo, &out->dirty, err);
done:
    if (rc) {
        tfa_error_set_source(err, repo_path);
        tfa_git_state_release(out);
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rc;
}

void tfa_git_state_release(tfa_git_state *state)
{
    tfa_free(state->branch);
    memset(state, 0, sizeof(*state));
}

json_t *tfa_git_state_facts(const tfa_git_state *state)
{
    return json_pack("{s:o, s:o, s:b}", "git.commit",
                     state->commit[0] ? json_string(state->commit) : json_null(), "git.branch",
                     state->branch ? json_string(state->branch) : json_null(), "git.dirty",
                     state->dirty);
}
