/*
 * audit.h - the nightly IaC regression audit: every workspace gated like
 * `tfaudit gate`, recorded in the ledger under one audit id, and compared
 * with the previous audit found there.
 *
 * What is audited comes from sources (audit_source.h: a manifest, a
 * directory or an archive whose top-level folders are workspaces). Each
 * workspace goes through gate_run.h, in parallel on `jobs` threads; its
 * known drift (known_drift.h) is removed from the run before evaluation.
 * Results are then put in workspace-name order, compared with the previous
 * audit and appended to the ledger in one transaction, so the output and
 * the records are the same whatever the number of threads.
 *
 * The comparison reads only the ledger: each record carries an "audit"
 * object (tfaudit.audit/1, see audit_record.c) with the item statuses and
 * streaks, the drifted addresses with the audit each was first seen in,
 * what known drift accepted, and the workspace's state. Per workspace and
 * item it finds:
 *   new        failing (hard/soft FAIL, ERROR, PENDING) now, not last time:
 *              a regression; every failing item of a new workspace is new
 *   resolved   failing last time, not now
 *   recurring  failing both times, with the number of audits in a row
 * per drifted resource address: new (a regression) or persisting (with the
 * audit it was first seen in); and per workspace: new, returned (missing
 * last time), or missing: audited last time (or listed in the manifest) and
 * without inputs now. A silent workspace is not a clean one: the first
 * audit it is missing in counts as a regression, later ones as recurring.
 * "missing" means gone: not given by any source, or a folder holding no
 * document at all (TFA_ENODOC). A workspace that is there but cannot be
 * understood is "unreadable": a member that cannot be read or identified
 * (input.h: no known kind, empty, a link, an unsafe name; unless
 * --skip-unknown skips it), a malformed document, a workspace folder that
 * is a symbolic link leaving the source root. Unreadable is NO-GO and a
 * regression in every audit it lasts (what it hides could be new), with
 * the reason. Missing and unreadable workspaces are still recorded: their
 * checklist evaluated over no input (every item ERROR, NO-GO), with their
 * last known drift and items carried forward so the history continues.
 *
 * Sharding. An audit too large for one machine runs as N jobs, each with
 * the same audit id and `shard_count` N: job K audits the workspaces whose
 * stable hash (tfa_audit_shard_of) is K, compares each with the previous
 * audit (the latest audit in the ledger with another id) and records them
 * in one transaction, like an unsharded audit; its records carry "shard":
 * "K/N". The partition is by name, so a workspace of the previous audit
 * that no source gives is found missing by the one shard it belongs to.
 * tfa_audit_collect (run once, after every shard) reads the audit back from
 * the ledger into one result for the reports, and refuses (TFA_EINPUT,
 * naming them) when a shard recorded nothing: a shard that did not report
 * is never taken for a clean one. Audits are expected not to overlap in
 * time: the previous audit is found newest-first among the audit records.
 *
 * Library code: nothing here prints or reads the clock (`now` comes in).
 */
#ifndef TFA_AUDIT_H
#define TFA_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "checklist.h"
#include "gate_run.h"
#include "known_drift.h"
#include "ledger.h"
#include "verdict.h"
#include "waivers.h"

#define TFA_AUDIT_FORMAT  "tfaudit.audit/1"
#define TFA_AUDIT_ID_SIZE 40 /* "audit-20261127T020000Z-0123abcd" and NUL */

/* ---- what is audited ------------------------------------------------------------ */

/* One input of a workspace as a source hands it over. Every pointer is
 * tfa_malloc'd (or NULL) and owned by whoever holds the input; the
 * workspace's inputs are taken over by tfa_audit_add_take. */
typedef struct tfa_audit_input {
    char *path; /* file, directory, archive or remote form; NULL for data */
    char *name; /* data only: "nightly.tar.gz!ws/plan.json" */
    void *data; /* data only: the bytes */
    size_t len;
    int member;    /* data only: an archive member (input.h member rules) */
    char *refused; /* data only: a member refused unread, and why (no data) */
} tfa_audit_input;

/* Free `n` inputs, what they point to and the array (NULL-safe). */
void tfa_audit_inputs_free(tfa_audit_input *inputs, size_t n);

/* One workspace as a source yields it. The name and the unreadable strings
 * are copied; `inputs` (a tfa_malloc'd array, with all it points to) is
 * taken over. The checklist, waivers, known drift and sign-offs are
 * borrowed (NULL: the audit's defaults) and must outlive the audit. */
typedef struct tfa_audit_workspace {
    const char *name;
    tfa_audit_input *inputs;
    size_t n_inputs;
    const tfa_checklist *checklist;
    const tfa_waivers *waivers;
    const tfa_known_drift *known_drift;
    const tfa_signoffs *signoffs;
    int expect_no_changes; /* in addition to the audit-wide setting */
    /* Set by a source that found the workspace but cannot read it (a
     * symbolic link out of the source root): why, and the path it is at. */
    const char *unreadable, *unreadable_path;
} tfa_audit_workspace;

typedef struct tfa_audit tfa_audit;

/* ---- results --------------------------------------------------------------------- */

typedef enum tfa_audit_state {
    TFA_AUDIT_AUDITED = 0,
    TFA_AUDIT_MISSING,   /* gone: no inputs this time */
    TFA_AUDIT_UNREADABLE /* there, but its inputs could not be read or identified */
} tfa_audit_state;

typedef enum tfa_audit_change {
    TFA_AUDIT_PRESENT = 0,  /* audited last time too */
    TFA_AUDIT_NEW,          /* not in the previous audit */
    TFA_AUDIT_RETURNED,     /* missing last time, inputs again now */
    TFA_AUDIT_WENT_MISSING, /* had inputs last time, none now: a regression */
    TFA_AUDIT_STILL_MISSING /* missing last time too */
} tfa_audit_change;

typedef enum tfa_audit_delta {
    TFA_DELTA_NONE = 0, /* passing now and last time */
    TFA_DELTA_NEW,      /* failing now, not last time: a regression */
    TFA_DELTA_RESOLVED, /* failing last time, not now */
    TFA_DELTA_RECURRING /* failing both times */
} tfa_audit_delta;

/* "audited", "missing", "unreadable" / "present", "new", "returned", "missing", "still-missing" /
 * "none", "new", "resolved", "recurring". */
const char *tfa_audit_state_name(tfa_audit_state s);
const char *tfa_audit_change_name(tfa_audit_change c);
const char *tfa_audit_delta_name(tfa_audit_delta d);

typedef struct tfa_audit_item {
    char *id, *title;
    const char *level; /* "hard", "soft", "advisory" */
    tfa_item_status status;
    int blocks; /* failing: hard or soft FAIL, ERROR or PENDING */
    char *reason;
    tfa_audit_delta delta;
    unsigned streak; /* audits in a row failing, this one included */
} tfa_audit_item;

typedef struct tfa_audit_drift {
    char *address;
    char *first_seen; /* audit id */
    int is_new;       /* not drifted in the previous audit: a regression */
    unsigned streak;  /* audits in a row */
} tfa_audit_drift;

typedef struct tfa_audit_accepted {
    char *address;
    char *entry; /* "known-drift.md:4" */
    char *owner, *expires, *reason;
} tfa_audit_accepted;

typedef struct tfa_audit_ws {
    char *name;
    tfa_audit_state state;
    tfa_audit_change change;
    char *error; /* TFA_AUDIT_UNREADABLE: why, naming the file or member */
    int go;
    size_t n_inputs;
    tfa_audit_item *items;
    size_t n_items;
    tfa_audit_drift *drift; /* unaccepted drift, by address */
    size_t n_drift;
    char **resolved_drift; /* drifted last time, not now */
    size_t n_resolved_drift;
    tfa_audit_accepted *accepted;
    size_t n_accepted;
    char **skipped; /* "path: reason" of members --skip-unknown skipped */
    size_t n_skipped;
    unsigned missing_streak; /* audits in a row without inputs */
    size_t regressions;      /* new failures + new drift + went missing + unreadable */
    size_t failing;          /* failing items */
    int64_t ledger_id;
    char *last_seen; /* last audit with inputs; NULL if never */
} tfa_audit_ws;

/* A known-drift entry the audit calls out. */
typedef struct tfa_audit_kd_note {
    char *entry; /* "known-drift.md:4" */
    char *address, *owner, *expires;
    int expired;         /* expired (else stale: valid and accepted nothing) */
    size_t would_accept; /* expired: drift records it would have accepted */
} tfa_audit_kd_note;

/* One audit in the ledger's history (for charts and `tfaudit trend`). */
typedef struct tfa_audit_summary {
    char *id;
    int64_t time;
    size_t workspaces, go, nogo, missing, errors;
    size_t drift;       /* unaccepted drifted resources, over audited workspaces */
    size_t accepted;    /* accepted drifted resources */
    size_t failing;     /* failing items, over audited workspaces */
    size_t regressions; /* as recorded */
    unsigned longest_streak;
    char *longest_streak_item; /* "ws/item" */
} tfa_audit_summary;

typedef struct tfa_audit_totals {
    size_t workspaces, go, nogo, audited, missing, errors;
    size_t regressions, new_failures, resolved, recurring;
    size_t new_drift, persisting_drift, resolved_drift, accepted;
    size_t new_workspaces, returned, went_missing;
    size_t expired_entries, stale_entries;
} tfa_audit_totals;

typedef struct tfa_audit_result {
    char id[TFA_AUDIT_ID_SIZE];
    int64_t time;
    char *previous; /* the previous audit's id; NULL for the first */
    int64_t previous_time;
    tfa_audit_ws *ws; /* in name order */
    size_t n_ws;
    tfa_audit_kd_note *kd_notes;
    size_t n_kd_notes;
    tfa_audit_totals totals;
    int64_t first_record, last_record; /* ledger ids */
    tfa_audit_summary *history;        /* oldest first, this audit last */
    size_t n_history;
    unsigned shard_index, shard_count; /* the shard this result covers; 0/0: all */
} tfa_audit_result;

/* ---- running --------------------------------------------------------------------- */

typedef struct tfa_audit_options {
    const tfa_checklist *checklist; /* the default checklist (required) */
    const tfa_waivers *waivers;     /* defaults; may be NULL */
    const tfa_known_drift *known_drift;
    const tfa_load_options *load;
    const struct tfa_remote_options *remote; /* NULL: remote inputs refused */
    int expect_no_changes;
    unsigned jobs;                      /* threads evaluating workspaces; 0 means 1 */
    int64_t now;                        /* the audit's time: the caller's clock */
    const char *operator_name, *window; /* recorded; may be NULL */
    const char *tool_version;
    size_t history;       /* audits to read back for charts (30) */
    const char *audit_id; /* the audit's id (tfa_audit_id_check); NULL: derived from the
                             time and the previous audit */
    unsigned shard_index; /* 1..shard_count: audit only this shard's workspaces */
    unsigned shard_count; /* 0: not sharded */
} tfa_audit_options;

#define TFA_AUDIT_OPTIONS_INIT                                                                     \
    {                                                                                              \
        .checklist = NULL, .jobs = 1, .history = 30                                                \
    }

/* Start an audit over `ledger` (read for the previous audit, appended to by
 * tfa_audit_finish). */
int tfa_audit_new(tfa_audit **out, tfa_ledger *ledger, const tfa_audit_options *opts,
                  tfa_error *err);
/* Queue a workspace (sources call this; it may block while the workers
 * catch up). ws->inputs is taken over in every case, also on error: on
 * return ws->inputs is NULL and ws->n_inputs 0. TFA_EUSAGE for an invalid
 * or repeated name (first error wins), TFA_ENOMEM. */
int tfa_audit_add_take(tfa_audit *audit, tfa_audit_workspace *ws, tfa_error *err);
/* Wait for every workspace, compare, record, and fill `out` (release with
 * tfa_audit_result_release, also after an error). The ledger is appended to
 * last, after everything else that can fail: an error means nothing was
 * recorded (a retry records the audit once), success that all was. Errors:
 * TFA_EINPUT (no workspace at all), the ledger's codes, TFA_ENOMEM. */
int tfa_audit_finish(tfa_audit *audit, tfa_audit_result *out, tfa_error *err);
void tfa_audit_free(tfa_audit *audit);

void tfa_audit_result_release(tfa_audit_result *r);

/*
 * The audits recorded in the ledger, oldest first: those at or after `since`
 * (INT64_MIN: all), the last `last` of them (0: all), counting only
 * `workspace` when not NULL. Free with tfa_audit_summaries_free.
 */
int tfa_audit_history(tfa_audit_summary **out, size_t *n, tfa_ledger *ledger, const char *workspace,
                      int64_t since, size_t last, tfa_error *err);
void tfa_audit_summaries_free(tfa_audit_summary *s, size_t n);

/* ---- sharding -------------------------------------------------------------------- */

/* An audit id given by the caller: 1 to TFA_AUDIT_ID_SIZE-1 characters of
 * [A-Za-z0-9._-], starting with a letter or digit. TFA_EUSAGE otherwise. */
int tfa_audit_id_check(const char *id, tfa_error *err);

/* "K/N" with 1 <= K <= N <= TFA_AUDIT_SHARDS_MAX. TFA_EUSAGE otherwise. */
#define TFA_AUDIT_SHARDS_MAX 1024
int tfa_audit_shard_parse(const char *text, unsigned *k, unsigned *n, tfa_error *err);

/* The shard (1..n) a workspace belongs to: the first 8 bytes of the
 * SHA-256 of its name, big-endian, modulo n, plus one. Stable across
 * machines, releases and the order workspaces are given in. */
unsigned tfa_audit_shard_of(const char *workspace, unsigned n);

/* Read audit `id` back from the ledger (every shard's records) into `out`,
 * with `history` audits of history (0: 30), for the reports. Errors:
 * TFA_ENOTFOUND (no record of that audit), TFA_EINPUT (a shard that
 * recorded nothing, shards that disagree on the shard count or on the
 * previous audit; the message names them), the ledger's codes,
 * TFA_ENOMEM. Release `out` with tfa_audit_result_release, also after an
 * error. */
int tfa_audit_collect(tfa_audit_result *out, tfa_ledger *ledger, const char *id, size_t history,
                      tfa_error *err);

/* Exit policy: whether the audit has a regression / any failing workspace. */
int tfa_audit_has_regression(const tfa_audit_result *r);
int tfa_audit_has_failure(const tfa_audit_result *r);

#endif
