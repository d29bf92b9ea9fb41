/*
 * ledger_priv.h - what the ledger's front (ledger.c, ledger_read.c,
 * ledger_verify.c) and its two backends (ledger_sqlite.c, ledger_pg.c)
 * share. Not part of the storage contract (ledger.h is).
 *
 * The front owns everything that makes a record what it is: the envelope,
 * canonical JSON, hashes, signatures, the chain check, retries. A backend
 * only stores rows and hands them back: it holds the same columns in both
 * databases, serializes appenders (begin_write takes a lock that lasts until
 * commit or rollback), and reads in one snapshot between begin_read and end.
 */
#ifndef TFA_LEDGER_PRIV_H
#define TFA_LEDGER_PRIV_H

#include "ledger.h"

/* The hash record 1 chains to. */
#define TFA__LEDGER_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* One stored row, borrowed for the duration of a callback. */
typedef struct tfa__ledger_row {
    int64_t seq, time;
    const char *time_utc, *workspace, *window, *operator_name, *verdict, *tool_version;
    const char *prev_hash, *hash;
    const char *body; /* NULL unless the scan asked for bodies */
    size_t body_len;
    const char *signature;     /* NULL: unsigned (or a schema without the column) */
    const char *audit_summary; /* canonical JSON of the record's "audit_summary"; NULL: none */
    const char *audit;         /* canonical JSON of the record's "audit"; NULL: none */
    const char *audit_id;      /* its "id" and "shard" (only_audits scans) */
    const char *audit_shard;
    const char *const *values; /* the scan's JSON paths, extracted (NULL when absent) */
} tfa__ledger_row;

/* Which rows a scan visits, in seq order (or reverse), and what it reads. */
typedef struct tfa__ledger_scan {
    int64_t from_seq, to_seq; /* seq in [from_seq, to_seq]; to_seq 0: no end */
    int64_t since;            /* time >= since; INT64_MIN: all */
    const char *workspace;    /* NULL: all */
    const char *verdict;      /* NULL: both */
    int descending;
    int with_body;            /* body and signature */
    int with_summary;         /* audit_summary and audit (the indexed members) */
    int only_summaries;       /* rows with an audit_summary only (an index serves them) */
    int only_audits;          /* rows with an audit only (an index serves them), with its
                                 id and shard */
    const char *const *paths; /* keys inside the record, as "$.a.b"; rows where paths[0] is
                                 absent or null are skipped */
    size_t n_paths;
} tfa__ledger_scan;

#define TFA__LEDGER_SCAN_INIT                                                                      \
    {                                                                                              \
        .from_seq = 1, .to_seq = 0, .since = INT64_MIN, .workspace = NULL, .verdict = NULL,        \
        .descending = 0, .with_body = 0, .with_summary = 0, .only_summaries = 0, .only_audits = 0, \
        .paths = NULL, .n_paths = 0                                                                \
    }

/* Non-zero stops the scan; the scan then returns it. */
typedef int (*tfa__ledger_row_cb)(const tfa__ledger_row *row, void *payload);

typedef struct tfa__ledger_backend {
    void (*close)(tfa_ledger *l);
    /* A write transaction holding the append lock; ends in commit/rollback. */
    int (*begin_write)(tfa_ledger *l, tfa_error *err);
    /* A read-only snapshot (verify); ends in commit. */
    int (*begin_read)(tfa_ledger *l, tfa_error *err);
    /* Commit; `expect_head` (may be NULL) is the head hash this transaction
     * wrote, so a backend that lost its connection while committing can
     * tell whether the commit happened (0) or not (TFA_ECONFLICT: retry). */
    int (*commit)(tfa_ledger *l, const char *expect_head, tfa_error *err);
    void (*rollback)(tfa_ledger *l);
    /* The head; *found 0 when the head row is missing. */
    int (*head)(tfa_ledger *l, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX], int *found,
                tfa_error *err);
    /* Insert one row (all fields but values) and move the head to it. */
    int (*insert)(tfa_ledger *l, const tfa__ledger_row *row, tfa_error *err);
    int (*count)(tfa_ledger *l, int64_t from_seq, int64_t *n, tfa_error *err);
    int (*scan)(tfa_ledger *l, const tfa__ledger_scan *s, tfa__ledger_row_cb cb, void *payload,
                tfa_error *err);
} tfa__ledger_backend;

struct tfa_ledger {
    const tfa__ledger_backend *be;
    void *impl; /* the backend's connection state */
    char *path; /* what errors name: the file, or the URL without its password */
    tfa_ledger_options opts;
    const tfa_signer *signer; /* signs what is appended; NULL: unsigned records */
};

/* Backend opens: fill l->be and l->impl (l->path and l->opts are set). */
int tfa__ledger_sqlite_open(tfa_ledger *l, const char *path, tfa_error *err);
int tfa__ledger_pg_open(tfa_ledger *l, const char *url, tfa_error *err);

/* Is `path` a PostgreSQL connection URL (postgresql:// or postgres://)? */
int tfa__ledger_is_pg(const char *path);

/* "a.b" of "$.a.b": the keys of a JSON path the backends accept (letters,
 * digits, '_' and '-' between dots). NULL when the path is another form. */
const char *tfa__ledger_path_keys(const char *path);

/* A copy of `s` (NULL stays NULL); sets *oom when the copy fails. */
char *tfa__ledger_dup(const char *s, int *oom);

/* Retries (a busy ledger, a dropped connection) wait 1 ms doubling up to
 * this, jittered (util/backoff.h). */
#define TFA__LEDGER_BACKOFF_MAX_MS 100

/* Set err to "WHAT: DETAIL" (status) with the ledger as its source. */
int tfa__ledger_error(const tfa_ledger *l, int status, const char *what, const char *detail,
                      tfa_error *err);

/* An entry's checks before it is appended (workspace, verdict, record). */
int tfa__ledger_check_entry(const tfa_ledger_entry *e, tfa_error *err);

/* ---- a batch's canonical forms (ledger_prep.c) ---------------------------- */

/* What is canonicalized once per entry, before any attempt: the record,
 * and the members kept in indexed columns too (the audit summary, and the
 * "audit" object each workspace's record of a nightly audit carries). An
 * empty buffer: the record has no such member. */
enum {
    TFA__LEDGER_CANON_RECORD,
    TFA__LEDGER_CANON_SUMMARY,
    TFA__LEDGER_CANON_AUDIT,
    TFA__LEDGER_CANON_PER_ENTRY
};

typedef struct tfa__ledger_prep tfa__ledger_prep;

/* Start preparing entries[0..n) in order (on a thread for large batches);
 * the entries must outlive *out. */
int tfa__ledger_prep_start(tfa__ledger_prep **out, const tfa_ledger_entry *entries, size_t n,
                           tfa_error *err);

/* Wait for entry i: *canon its TFA__LEDGER_CANON_PER_ENTRY buffers, or the
 * entry's error (the first failing entry's, in order) in err. */
int tfa__ledger_prep_wait(tfa__ledger_prep *p, size_t i, const tfa_buf **canon, tfa_error *err);

/* Stop preparing, wait for the thread, free everything. */
void tfa__ledger_prep_free(tfa__ledger_prep *p);

#endif
