/*
 * git_evidence.h - verdict evidence committed to a git repository, and the
 * facts of the repository a plan was made from (libgit2).
 *
 * tfa_git_evidence_commit adds, in one commit on an evidence branch
 * (default "tfaudit-evidence"):
 *     DIR/WORKSPACE/20250301T100000Z-NO-GO.md     the Markdown report
 *     DIR/WORKSPACE/20250301T100000Z-NO-GO.json   the JSON record
 *     DIR/latest.json                             latest verdict per workspace
 *     ROLLOUT_PLAN (optional)                     its evidence section updated
 * without touching the working tree, the index, HEAD or any other ref: the
 * tree is built in memory (an index that is never written to disk) from the
 * branch tip, or from HEAD when the branch does not exist yet (so the
 * branch starts as HEAD plus evidence, reviewable and mergeable). The
 * branch moves only if it still points where it did when the commit was
 * built (git_reference_create_matching); a concurrent writer makes it retry
 * on the new tip. A second verdict for the same workspace, time and verdict
 * gets "-2", "-3"... before the extension.
 *
 * The rollout plan (a Markdown file in the repository, path relative to its
 * root) is read from the branch tip when it is there, else from HEAD; its
 * section between the tfaudit markers (rollout_section.h) becomes a table
 * of the latest verdict per workspace, built from DIR/latest.json: time,
 * verdict, failing items and a link to the evidence file. The rest of the
 * document stays byte for byte.
 */
#ifndef TFA_GIT_EVIDENCE_H
#define TFA_GIT_EVIDENCE_H

#include <jansson.h>
#include <stdint.h>

#include "ledger.h"
#include "util/error.h"

#define TFA_GIT_EVIDENCE_BRANCH "tfaudit-evidence"
#define TFA_GIT_EVIDENCE_DIR    "evidence"
#define TFA_GIT_OID_HEX         41 /* 40 hex digits + NUL (SHA-1 repositories) */

typedef struct tfa_git_evidence_options {
    const char *branch;        /* NULL: TFA_GIT_EVIDENCE_BRANCH */
    const char *dir;           /* NULL: TFA_GIT_EVIDENCE_DIR */
    const char *rollout_plan;  /* Markdown file: repository-relative, or absolute inside the
                                  work tree; NULL: none */
    const char *author;        /* "Name <email>" (--git-author); NULL: the environment, git
                                  config, else tfaudit <tfaudit@HOST> (git_identity.h) */
    const char *operator_name; /* named in the commit message; may be NULL */
    unsigned attempts;         /* branch updates tried before TFA_ECONFLICT */
    /* Test hook, normally NULL: called once per attempt after the commit
     * object is written and before the branch is moved. */
    int (*before_update)(void *payload);
    void *payload;
} tfa_git_evidence_options;

#define TFA_GIT_EVIDENCE_OPTIONS_INIT                                                              \
    {                                                                                              \
        .branch = NULL, .dir = NULL, .attempts = 20                                                \
    }

/* One verdict's evidence. Everything is borrowed. */
typedef struct tfa_git_evidence {
    int64_t time;          /* the verdict's time (commit time too) */
    const char *workspace; /* see tfa_ledger_workspace_check */
    const char *verdict;   /* "GO" or "NO-GO" */
    const char *report_md; /* the Markdown report */
    size_t report_len;
    const char *record_json; /* the JSON record (the ledger body: its sha256 is record_hash) */
    size_t record_len;
    int64_t record_id;          /* ledger record id; 0 when not recorded */
    const char *record_hash;    /* ledger record hash; may be NULL */
    const char *const *failing; /* ids of the items that block (FAIL, ERROR, PENDING) */
    size_t n_failing;
} tfa_git_evidence;

/* Set time, workspace, verdict, record_json, record_id and record_hash from
 * a ledger record (borrowed: keep `rec` alive while `ev` is used). */
void tfa_git_evidence_from_record(tfa_git_evidence *ev, const tfa_ledger_record *rec);

typedef struct tfa_git_evidence_result {
    char commit[TFA_GIT_OID_HEX];
    char *md_path, *json_path; /* repository-relative; owned */
    unsigned retries;          /* times another writer moved the branch first */
} tfa_git_evidence_result;

/*
 * Commit the evidence to the repository at (or above) `repo_path`. Errors:
 * TFA_EUSAGE (bad workspace, verdict, branch or path; the branch is checked
 * out somewhere), TFA_ENOTFOUND (no repository; the rollout plan is in
 * neither the branch nor HEAD), TFA_EINPUT (unbalanced markers in the
 * rollout plan), TFA_ECONFLICT (lost the race opts.attempts times),
 * TFA_EIO, TFA_ENOMEM. Release the result in every case.
 */
int tfa_git_evidence_commit(tfa_git_evidence_result *out, const char *repo_path,
                            const tfa_git_evidence *ev, const tfa_git_evidence_options *opts,
                            tfa_error *err);
void tfa_git_evidence_result_release(tfa_git_evidence_result *res);

/* A file to add: repository-relative path and bytes (borrowed). */
typedef struct tfa_git_file {
    const char *path;
    const char *data;
    size_t len;
} tfa_git_file;

/*
 * Commit `files` on the evidence branch with `message`, at `time`, the same
 * way (in memory, the branch moved only if it did not move meanwhile; the
 * working tree, index and HEAD untouched). opts->dir and rollout_plan are
 * not used. Sets out->commit only. Errors as tfa_git_evidence_commit.
 */
int tfa_git_evidence_commit_files(tfa_git_evidence_result *out, const char *repo_path,
                                  const tfa_git_file *files, size_t n, const char *message,
                                  int64_t time, const tfa_git_evidence_options *opts,
                                  tfa_error *err);

/* Where the infrastructure code stood (--iac-repo). */
typedef struct tfa_git_state {
    char commit[TFA_GIT_OID_HEX]; /* HEAD commit; "" before the first commit */
    char *branch;                 /* checked-out branch; NULL when HEAD is detached */
    int dirty;                    /* tracked changes, staged or not, or untracked files */
} tfa_git_state;

/* Read HEAD and the status of the repository at (or above) `repo_path`,
 * writing nothing. TFA_ENOTFOUND when there is no repository. */
int tfa_git_state_read(tfa_git_state *out, const char *repo_path, tfa_error *err);
void tfa_git_state_release(tfa_git_state *state);

/* The facts a checklist can test: {"git.commit": "<hex>"|null,
 * "git.branch": "<name>"|null, "git.dirty": bool}. NULL on out-of-memory. */
json_t *tfa_git_state_facts(const tfa_git_state *state);

#endif
