/*
 * pr_comment.h - a sticky pull request / merge request comment: the
 * Markdown report posted as one comment, and the same comment updated on
 * every later run (`tfaudit comment`).
 *
 * The comment is found again by a hidden marker on its first line,
 * "<!-- tfaudit:WORKSPACE -->", so each workspace keeps its own comment on
 * a PR that several workspaces gate. APIs (REST, JSON bodies, bearer
 * token; the token goes only to the API's origin, see http.h):
 *
 *  GitHub (github.com or GHES: --api-url https://HOST/api/v3)
 *    list   GET   /repos/OWNER/REPO/issues/N/comments?per_page=100, pages
 *                 followed through the Link header's rel="next"
 *    create POST  /repos/OWNER/REPO/issues/N/comments      {"body"}
 *    update PATCH /repos/OWNER/REPO/issues/comments/ID     {"body"}
 *  GitLab (gitlab.com or self-managed: --api-url https://HOST/api/v4)
 *    list   GET   /projects/ID-OR-ENCODED-PATH/merge_requests/N/notes
 *                 ?per_page=100&sort=asc&order_by=created_at&page=P, pages
 *                 followed through X-Next-Page (system notes skipped)
 *    create POST  .../merge_requests/N/notes                {"body"}
 *    update PUT   .../merge_requests/N/notes/ID             {"body"}
 *
 * A next-page link must stay under the API URL, or listing stops with an
 * error rather than send the token elsewhere. Retries, Retry-After and rate
 * limits are the HTTP client's (http.h). The body is at most
 * TFA_PR_COMMENT_MAX characters (GitHub's limit; GitLab allows more):
 * longer reports are cut at a line boundary with a note saying so, the way
 * the audit's Markdown keeps to its budget.
 *
 * Library code: nothing here prints; the token comes in through options.
 */
#ifndef TFA_PR_COMMENT_H
#define TFA_PR_COMMENT_H

#include <stddef.h>

#include "net/http.h"
#include "util/buf.h"
#include "util/error.h"

#define TFA_PR_COMMENT_MAX   65536 /* characters */
#define TFA_PR_COMMENT_PAGES 100   /* pages of 100 comments listed at most */

typedef enum tfa_forge { TFA_FORGE_GITHUB = 0, TFA_FORGE_GITLAB } tfa_forge;

typedef struct tfa_pr_target {
    tfa_forge forge;
    char repo[256];       /* "OWNER/REPO" (GitHub), "group/sub/project" or an id (GitLab) */
    unsigned long number; /* the PR number or the MR iid */
} tfa_pr_target;

/* "OWNER/REPO#N" (GitHub) or "PROJECT!N" (GitLab) into `t`. Errors:
 * TFA_EUSAGE with what is expected. */
int tfa_pr_target_parse(tfa_pr_target *t, tfa_forge forge, const char *text, tfa_error *err);

/* The comment body: the marker line for `workspace`, then `md` (len bytes,
 * valid UTF-8), cut to `budget` characters (0: TFA_PR_COMMENT_MAX) at a
 * line boundary with a closing note when longer. Errors: TFA_EINPUT (not
 * UTF-8, or a NUL byte), TFA_ENOMEM. */
int tfa_pr_comment_body(tfa_buf *out, const char *workspace, const char *md, size_t len,
                        size_t budget, tfa_error *err);

typedef struct tfa_pr_comment_options {
    const tfa_http_options *http;
    const char *api_url;      /* the API root, e.g. "https://api.github.com" */
    const char *token;        /* bearer token */
    const char *token_source; /* named in errors: "GITHUB_TOKEN" */
    const char *workspace;    /* the marker's name */
} tfa_pr_comment_options;

typedef struct tfa_pr_comment_result {
    int updated;    /* 1: an existing comment was updated; 0: one was created */
    long long id;   /* the comment's id */
    char url[512];  /* its web address when the API gives one, else "" */
    unsigned pages; /* comment pages listed */
} tfa_pr_comment_result;

/* Find this workspace's comment on `t` and update it with `body` (from
 * tfa_pr_comment_body), or create it. Errors: those of tfa_http_perform
 * (TFA_EUSAGE for 401/403, TFA_ENOTFOUND for 404...), TFA_EIO for a reply
 * that is not the JSON expected or a next page elsewhere, TFA_ENOMEM. */
int tfa_pr_comment_post(tfa_pr_comment_result *res, const tfa_pr_target *t, const char *body,
                        const tfa_pr_comment_options *opts, tfa_error *err);

#endif
