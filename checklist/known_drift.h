/*
 * known_drift.h - drift a team has accepted, for the nightly audit.
 *
 * Some drift is expected for a while (an autoscaler owns desired_count, a
 * console change awaits its pull request). A known-drift file says which,
 * on whose authority and until when, in the same shapes as the waivers file
 * (recfile.h):
 *
 *   | address                      | attributes    | owner | expires    | reason              |
 *   |------------------------------|---------------|-------|------------|---------------------|
 *   | aws_ecs_service.api          | desired_count | sre   | 2026-12-31 | autoscaler owns it  |
 *   | module.dash.grafana_folder.* |               | obs   | 2026-12-01 | UI edits until #412 |
 *
 *   {"known_drift": [{"address": "aws_ecs_service.api", "attributes": "desired_count",
 *                     "owner": "sre", "expires": "2026-12-31", "reason": "..."}]}
 *
 * `address` is a glob (`*` any run of characters, `?` one) over the drifted
 * resource's address. `attributes` (optional) is a comma-separated list of
 * attribute path globs; a pattern also covers everything below the path it
 * names ("tags" covers "tags.owner"). Without attributes any change of the
 * resource is accepted.
 *
 * How a drift record is judged:
 *  - An entry accepts a drift record when its address matches and, if it
 *    lists attributes, every changed attribute path of the record is
 *    covered. A record that names no attribute paths (UI and text logs do
 *    not say what changed) is accepted by an entry with attributes only when
 *    a record of the same resource that does name them (the plan's) was
 *    accepted in the same run; otherwise nothing vouches for it.
 *  - An entry is valid through its expiry date (UTC). An expired entry
 *    accepts nothing; the audit names it, with the drift it would have
 *    accepted, so the owner renews it or fixes the drift.
 *  - A valid entry that accepted nothing anywhere is stale: the drift is
 *    gone and the entry can be deleted.
 *
 * What acceptance does: accepted records are removed from the run's drift
 * list before the checklist is evaluated, so drift.count, drift.free (the
 * built-in drift-free item) and `drift` queries see only unaccepted drift.
 * The per-input counters plan.drift and log.drift still say what each input
 * reported: they describe the file, not the judgement. What was accepted is
 * kept as evidence (tfa_known_drift_result) and recorded by the audit.
 *
 * Ownership: the file's entries live in the tfa_known_drift; a result owns
 * copies of the addresses it lists and borrows the entries.
 */
#ifndef TFA_KNOWN_DRIFT_H
#define TFA_KNOWN_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "util/error.h"

typedef struct tfa_known_drift_entry {
    const char *address;           /* glob */
    const char *const *attributes; /* globs; none: any attribute */
    size_t n_attributes;
    const char *attributes_text; /* as written; NULL when none */
    const char *owner, *reason;
    const char *expires; /* YYYY-MM-DD as written */
    long expires_day;    /* days since 1970-01-01 */
    const char *source;  /* the file */
    unsigned long line;
} tfa_known_drift_entry;

typedef struct tfa_known_drift tfa_known_drift;

/* Read a known-drift file (Markdown, or JSON when it starts with '{' or
 * '['). Errors "FILE:LINE:COL: message": TFA_EINPUT (missing field, bad
 * date), TFA_ENOTFOUND, TFA_EIO, TFA_ELIMIT, TFA_ENOMEM. */
int tfa_known_drift_load(tfa_known_drift **out, const char *path, tfa_error *err);
int tfa_known_drift_parse(tfa_known_drift **out, const char *name, const char *text, size_t len,
                          tfa_error *err);
void tfa_known_drift_free(tfa_known_drift *kd);

size_t tfa_known_drift_count(const tfa_known_drift *kd);
const tfa_known_drift_entry *tfa_known_drift_at(const tfa_known_drift *kd, size_t i);

/* "FILE:LINE" of an entry, its name in reports. */
void tfa_known_drift_entry_ref(const tfa_known_drift_entry *e, char *out, size_t size);

/* A resource whose drift an entry accepted. */
typedef struct tfa_known_drift_accept {
    char *address;
    size_t entry; /* index in the file */
} tfa_known_drift_accept;

/* What one file did to one run. */
typedef struct tfa_known_drift_result {
    tfa_known_drift_accept *accepted; /* by address, sorted, one per address */
    size_t n_accepted;
    size_t *matched;        /* per entry: drift records it accepted */
    size_t *would_match;    /* per entry: records an expired entry would have accepted */
    unsigned char *expired; /* per entry: past its expiry as of `now` */
    size_t n_entries;
    size_t removed; /* drift records removed from the run */
} tfa_known_drift_result;

/*
 * Judge the run's drift against `kd` as of `now` (seconds since the epoch,
 * the caller's clock) and remove the accepted records from the run's drift
 * list. `out` is filled (release it with tfa_known_drift_result_release,
 * also after an error). 0 or TFA_ENOMEM. `kd` may be NULL (nothing known).
 */
int tfa_known_drift_apply(tfa_known_drift_result *out, const tfa_known_drift *kd, tfa_run *run,
                          int64_t now, tfa_error *err);
void tfa_known_drift_result_release(tfa_known_drift_result *r);

#endif
