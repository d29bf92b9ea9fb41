/*
 * audit_priv.h - what the audit's files share (audit.c runs workspaces,
 * audit_compare.c compares with the previous audit, audit_record.c builds
 * and reads the records' "audit" objects, audit_history.c reads the
 * history). Not part of the storage contract (audit.h is).
 */
#ifndef TFA_AUDIT_PRIV_H
#define TFA_AUDIT_PRIV_H

#include <jansson.h>

#include "audit.h"

/* A workspace of the previous audit, from its record's "audit" object,
 * kept as text and parsed when it is compared (tfa__audit_prev_load): a
 * night holds one parsed object at a time, not thousands. */
typedef struct tfa__audit_prev {
    char *name;
    char *audit; /* the "audit" object's canonical JSON */
} tfa__audit_prev;

typedef struct tfa__audit_prev_set {
    const char *ledger; /* its name, for errors (borrowed from the ledger) */
    char *id;           /* NULL: no previous audit */
    int64_t time;
    tfa__audit_prev *ws; /* sorted by name */
    size_t n;
} tfa__audit_prev_set;

/* Read the latest audit of the ledger other than `own_id` (NULL: any).
 * TFA_ECONFLICT when shard `shard_index`/`shard_count` of `own_id` (or
 * `own_id` itself, unsharded) is recorded already. */
int tfa__audit_prev_read(tfa__audit_prev_set *out, tfa_ledger *ledger, const char *own_id,
                         unsigned shard_index, unsigned shard_count, tfa_error *err);
void tfa__audit_prev_release(tfa__audit_prev_set *p);
/* What the comparison reads of a workspace's record in the previous audit
 * (audit_prev.c): the items (id, status, blocks, streak; sorted by id) and
 * drift (address, first_seen, streak) in the audit's own structs, so a
 * workspace judged on no input carries them over as they are. */
typedef struct tfa__audit_prev_rec {
    char *state;     /* "audited", "missing", "unreadable"; NULL: not given */
    char *last_seen; /* audit id; NULL: not given */
    unsigned missing_streak;
    tfa_audit_item *items;
    size_t n_items;
    tfa_audit_drift *drift;
    size_t n_drift;
} tfa__audit_prev_rec;

/* Read a record's "audit" object text (`name` for errors). 0, TFA_EINPUT
 * (not such an object: an edit) or TFA_ENOMEM; *rec is empty on error. */
int tfa__audit_prev_parse(tfa__audit_prev_rec *rec, const char *name, const char *text, size_t len,
                          tfa_error *err);
void tfa__audit_prev_rec_release(tfa__audit_prev_rec *rec);
/* The item `id` of `rec`, or NULL. */
const tfa_audit_item *tfa__audit_prev_item(const tfa__audit_prev_rec *rec, const char *id);

/* Workspace `name`'s record in the previous audit into *rec; *found is 0
 * (and *rec empty) when the previous audit did not have it. TFA_EINPUT
 * when its text is not an audit object (verify checks the column against
 * the record: the message says to run it). */
int tfa__audit_prev_load(const tfa__audit_prev_set *p, const char *name, tfa__audit_prev_rec *rec,
                         int *found, tfa_error *err);

/* Compare `ws` (filled from its gate) with its previous record (NULL: not
 * in the previous audit) and set deltas, streaks, first-seen audits,
 * change and regressions. For a missing workspace, carry the previous
 * drift and items (moved out of `prev`). `id` is this audit's id. 0 or
 * TFA_ENOMEM. */
int tfa__audit_compare(tfa_audit_ws *ws, tfa__audit_prev_rec *prev, const char *id);

/* The items a workspace judged on no input carries from its previous
 * record, put in id order: that record's key order is the store's (a
 * canonical body sorts keys, PostgreSQL's jsonb orders them by length),
 * and a report must not depend on which ledger it was read from. */
void tfa__audit_sort_carried(tfa_audit_ws *ws);

/* The "audit" object of a workspace's record (a new reference). */
json_t *tfa__audit_object(const tfa_audit_ws *ws, const tfa_audit_result *r, const json_t *kd_uses);

/* Expired and stale known-drift entries (r->kd_notes and the totals'
 * entry counts) from the per-entry uses of every workspace: `uses[i]` is
 * a record's "known_drift" array (NULL: none). 0 or TFA_ENOMEM. */
int tfa__audit_kd_notes(tfa_audit_result *r, const json_t *const *uses, size_t n);
/* Count one workspace into the totals. */
void tfa__audit_add_totals(tfa_audit_totals *t, const tfa_audit_ws *w);

/* The last `last` audits (oldest first): the ledger's, then audit `id`
 * whose records (`pending`, each with its "audit" object) are about to be
 * appended, so the history is complete before the ledger is written. */
int tfa__audit_history_read(tfa_audit_summary **out, size_t *n_out, tfa_ledger *ledger,
                            const char *id, const tfa_ledger_entry *pending, size_t n_pending,
                            size_t last, tfa_error *err);
void tfa_audit_summaries_free(tfa_audit_summary *s, size_t n);
/* The summary of this run's records of audit `id` (`shard` "K/N" or NULL),
 * as stored in its first record's "audit_summary" (a new reference; NULL
 * on out-of-memory). */
json_t *tfa__audit_summary_json(const char *id, const char *shard, const tfa_ledger_entry *pending,
                                size_t n);

/* Free what a workspace result owns and zero it; _reset keeps the name. */
void tfa__audit_ws_release(tfa_audit_ws *ws);
void tfa__audit_ws_reset(tfa_audit_ws *ws);

#endif
