/*
 * ledger.h - the tamper-evident ledger of gate verdicts (SQLite).
 *
 * Every `tfaudit gate` appends one record: the verdict record the checklist
 * evaluator built (a JSON object, stored whole) plus a few fields repeated
 * as indexed columns for queries (time, workspace, window, operator,
 *verdict, tool version). Nothing here reads inside the verdict record: the
 * caller guarantees it holds no sensitive value (it is built from the run
 * model, which never holds attribute values).
 *
 * The chain. Record N is stored as its "body", the canonical JSON (canon.h)
 * of the envelope
 *     {"format":"tfaudit-ledger/1","operator":..,"prev":PREV,"record":{..},
 *      "seq":N,"time":"2025-03-01T10:00:00Z","tool_version":..,
 *      "verdict":"GO"|"NO-GO","window":..,"workspace":..}
 * (absent operator/window/tool_version are null), and its hash is the
 * SHA-256 of those bytes in lowercase hex. PREV is record N-1's hash, or 64
 * zeros for record 1. Sequence numbers start at 1 and have no gaps. A
 * one-row table holds the head (last sequence number and hash), updated in
 * the same transaction, so a truncated tail shows. tfa_ledger_verify
 * recomputes everything and names the first record that was edited,
 * deleted, reordered or truncated away. What a hash chain cannot show by
 * itself: someone rewriting the last records and the head consistently.
 *
 * Signatures. With a signer set (tfa_ledger_set_signer), the envelope also
 * holds "key": the signer's key id (crypto/sign.h), and the Ed25519
 * signature of the body is stored beside it. The body holds prev and seq,
 * so a signature covers the record's content and its position in the chain:
 * an editor who recomputes hashes and the head cannot re-sign without the
 * private key. tfa_ledger_verify_with checks signatures against trusted
 * keys. What signatures cannot show: records cut off the end (the rest
 * still verifies). Anchors (anchor.h), statements of the head kept outside
 * the database, catch that.
 *
 * Read-only. With opts.read_only the file is opened read-only and never
 * switched to WAL or migrated: listing, reading and verifying work on a
 * copy in a read-only directory or mount.
 *
 * Concurrency and crashes. The file is in WAL mode with synchronous=FULL.
 * An append reads the head and inserts the record in one BEGIN IMMEDIATE
 * transaction, so concurrent appenders (processes or connections) serialize
 * and never fork the chain; a busy database is retried with backoff. A
 * process killed mid-append leaves the whole record or none of it.
 *
 * Ownership: a tfa_ledger is used by one thread at a time. Records returned
 * through `**out` belong to the caller (tfa_ledger_record_free). Summaries
 * passed to a list callback are borrowed for the duration of the call.
 */
#ifndef TFA_LEDGER_H
#define TFA_LEDGER_H

#include <jansson.h>
#include <stdint.h>

#include "sign.h"
#include "util/error.h"
#include "util/sha256.h"

#define TFA_LEDGER_FORMAT        "tfaudit-ledger/1"
#define TFA_LEDGER_SCHEMA        4          /* PRAGMA user_version this build writes */
#define TFA_LEDGER_APPLICATION   0x74666175 /* PRAGMA application_id, "tfau" */
#define TFA_LEDGER_HASH_HEX      TFA_SHA256_HEX
#define TFA_LEDGER_WORKSPACE_MAX 90 /* HCP Terraform's workspace name limit */

typedef struct tfa_ledger tfa_ledger;

typedef struct tfa_ledger_options {
    int create;               /* create the file and its directories when absent */
    unsigned busy_timeout_ms; /* how long one statement waits on a lock */
    unsigned append_attempts; /* transactions tried before TFA_ECONFLICT */
    int read_only;            /* open read-only: no WAL switch, no migration, no append */
    /* PostgreSQL only: serialize appends with SERIALIZABLE transactions and
     * retries instead of the advisory lock (bench/ledger.sh measures both;
     * the lock is the default: 8 processes appending at once measured within
     * 10% either way, and the lock wastes no work and needs no retry budget) */
    int serializable;
} tfa_ledger_options;

#define TFA_LEDGER_OPTIONS_INIT                                                                    \
    {                                                                                              \
        .create = 0, .busy_timeout_ms = 10000, .append_attempts = 50, .read_only = 0,              \
        .serializable = 0                                                                          \
    }

/*
 * Open (and with opts->create, create) the ledger at `path`, upgrading its
 * schema when it is older: a SQLite file, or a PostgreSQL database given as
 * a postgresql:// (or postgres://) URL, which libpq reads with its usual
 * environment (PGPASSWORD, ~/.pgpass, PGSSLMODE...). Errors: TFA_ENOTFOUND (no such file and not
 * creating), TFA_EINPUT (not a tfaudit ledger), TFA_EVERSION (a schema newer
 * than this build), TFA_EIO, TFA_ENOMEM. opts may be NULL for the defaults.
 */
int tfa_ledger_open(tfa_ledger **out, const char *path, const tfa_ledger_options *opts,
                    tfa_error *err);
void tfa_ledger_free(tfa_ledger *ledger);

/* `path` as messages and listings show it: a file as it is, a PostgreSQL
 * URL without its password (user:PASSWORD@ and password=... dropped). A
 * copy for tfa_free, or NULL on out-of-memory. */
char *tfa_ledger_display_name(const char *path);

/* The ledger as messages name it (tfa_ledger_display_name of its path),
 * owned by the ledger. */
const char *tfa_ledger_name(const tfa_ledger *ledger);

/* Sign every record appended from now on with `signer` (borrowed: keep it
 * alive while the ledger appends); NULL stops signing. */
void tfa_ledger_set_signer(tfa_ledger *ledger, const tfa_signer *signer);

/* The ledger's id: the hash of its record 1 (anchors name the ledger they
 * are for by it). TFA_ENOTFOUND while the ledger is empty. */
int tfa_ledger_id(tfa_ledger *ledger, char out[TFA_LEDGER_HASH_HEX], tfa_error *err);

/* The head: last sequence number (0 when empty) and its hash. */
int tfa_ledger_head(tfa_ledger *ledger, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX],
                    tfa_error *err);

/* What a caller appends. Strings and the record are borrowed. */
typedef struct tfa_ledger_entry {
    int64_t time;              /* seconds since the epoch (the caller's clock) */
    const char *workspace;     /* required; see tfa_ledger_workspace_check */
    const char *window;        /* apply window as given (--window); may be NULL */
    const char *operator_name; /* --operator or the login name; may be NULL */
    const char *verdict;       /* "GO" or "NO-GO" */
    const char *tool_version;  /* TFA_VERSION; may be NULL */
    const json_t *record;      /* the verdict record: a JSON object */
} tfa_ledger_entry;

/* A stored record, as appended or read back. All fields are owned by it. */
typedef struct tfa_ledger_record {
    int64_t id; /* the sequence number: 1, 2, 3... */
    int64_t time;
    char *workspace, *window, *operator_name, *verdict, *tool_version; /* NULL when absent */
    char hash[TFA_LEDGER_HASH_HEX], prev_hash[TFA_LEDGER_HASH_HEX];
    char *body; /* the canonical JSON the hash covers (NUL-terminated) */
    size_t body_len;
    char *key_id;    /* the body's "key": who signed; NULL for an unsigned record */
    char *signature; /* base64 Ed25519 signature of body; NULL when unsigned */
    json_t *record;  /* the verdict record, parsed from body */
} tfa_ledger_record;

void tfa_ledger_record_free(tfa_ledger_record *rec);

/*
 * Append one record. On success *out (when out is not NULL) is the stored
 * record, including its id and hash. Errors: TFA_EUSAGE (a missing or
 * invalid field: bad workspace name, verdict not GO/NO-GO, record not an
 * object), TFA_ECONFLICT (still busy after opts.append_attempts), TFA_EIO,
 * TFA_ENOMEM, TFA_ELIMIT.
 */
int tfa_ledger_append(tfa_ledger_record **out, tfa_ledger *ledger, const tfa_ledger_entry *entry,
                      tfa_error *err);

/*
 * Append `n` records in one transaction, in the order given (the nightly
 * audit records every workspace at once: all of them or none). On success
 * *first_id (when not NULL) is the id of the first; the others follow
 * without gaps. Errors as tfa_ledger_append; nothing is written on error.
 */
int tfa_ledger_append_batch(tfa_ledger *ledger, const tfa_ledger_entry *entries, size_t n,
                            int64_t *first_id, tfa_error *err);

/* Read record `id`. TFA_ENOTFOUND when there is none. */
int tfa_ledger_get(tfa_ledger_record **out, tfa_ledger *ledger, int64_t id, tfa_error *err);

/* Which records tfa_ledger_list visits. */
typedef struct tfa_ledger_filter {
    const char *workspace; /* NULL: every workspace */
    int64_t since;         /* records at or after this time; INT64_MIN: all */
    const char *verdict;   /* "GO", "NO-GO", or NULL for both */
} tfa_ledger_filter;

#define TFA_LEDGER_FILTER_INIT                                                                     \
    {                                                                                              \
        .workspace = NULL, .since = INT64_MIN, .verdict = NULL                                     \
    }

/* A listed record: the indexed columns only (no body is parsed). */
typedef struct tfa_ledger_summary {
    int64_t id, time;
    const char *workspace, *window, *operator_name, *verdict, *tool_version; /* NULL when absent */
    const char *hash;
} tfa_ledger_summary;

/* Return non-zero to stop the listing; tfa_ledger_list then returns it. */
typedef int (*tfa_ledger_list_cb)(const tfa_ledger_summary *summary, void *payload);

/* Visit matching records in id order. */
int tfa_ledger_list(tfa_ledger *ledger, const tfa_ledger_filter *filter, tfa_ledger_list_cb cb,
                    void *payload, tfa_error *err);

/* Which records tfa_ledger_list_json visits, and what it extracts. */
typedef struct tfa_ledger_json_query {
    const char *const *paths; /* SQLite JSON paths inside the record: "$.gate.audit_id" */
    size_t n_paths;           /* at most TFA_LEDGER_JSON_PATHS; records where paths[0] is null
                                 or absent are skipped */
    int64_t since;            /* records at or after this time; INT64_MIN: all */
    int descending;           /* newest first */
    int64_t before_seq;       /* only records before this sequence number; 0: all */
    const char *workspace;    /* only this workspace's records (indexed); NULL: all */
} tfa_ledger_json_query;

#define TFA_LEDGER_JSON_PATHS 8

/* A listed record with the extracted values (strings as their text, numbers
 * as written, objects and arrays as JSON text; NULL when absent),
 * borrowed for the duration of the callback. */
typedef int (*tfa_ledger_json_cb)(const tfa_ledger_summary *summary, const char *const *values,
                                  void *payload);

/* Visit matching records in id order (or reverse); a non-zero return from
 * `cb` stops the listing and is returned. */
int tfa_ledger_list_json(tfa_ledger *ledger, const tfa_ledger_json_query *q, tfa_ledger_json_cb cb,
                         void *payload, tfa_error *err);

/* Audit summaries. A record may carry an "audit_summary" member (a JSON
 * object: the nightly audit puts its summary in the first record it
 * appends). It is hashed with the record like everything else, and also
 * kept in an indexed column, so the summaries of the last audits are read
 * without reading the records in between; verify checks the column against
 * the record. `summary` is its canonical JSON text, borrowed for the call. */
typedef int (*tfa_ledger_summary_cb)(const tfa_ledger_summary *record, const char *summary,
                                     void *payload);

/* Visit the records that carry an audit summary, newest first when
 * `descending`; a non-zero return from `cb` stops and is returned. */
int tfa_ledger_list_audit_summaries(tfa_ledger *ledger, int64_t since, int descending,
                                    tfa_ledger_summary_cb cb, void *payload, tfa_error *err);

/* Audit records. Each workspace's record of a nightly audit carries an
 * "audit" object (its id, shard, items and drift against the audit before);
 * like the summary it is hashed with the record and kept in an indexed
 * column that verify checks. Visit the records carrying one, newest first
 * when `descending`, without reading bodies: the previous audit is found in
 * the time it takes to read its own records, however long the ledger. The
 * values (borrowed for the call) are the object's canonical JSON, its "id"
 * and its "shard" (NULL when null or absent). */
int tfa_ledger_list_audits(tfa_ledger *ledger, int descending, tfa_ledger_json_cb cb, void *payload,
                           tfa_error *err);

/* What tfa_ledger_verify found wrong first. */
typedef enum tfa_ledger_fault {
    TFA_LEDGER_INTACT = 0,
    TFA_LEDGER_EDITED,     /* a record's body, hash or columns were changed */
    TFA_LEDGER_DELETED,    /* a sequence number is missing before the last record */
    TFA_LEDGER_REORDERED,  /* a record sits at another sequence number than it was written at */
    TFA_LEDGER_UNLINKED,   /* a record does not chain to the one before it */
    TFA_LEDGER_TRUNCATED,  /* records after the last one present are missing */
    TFA_LEDGER_UNRECORDED, /* records exist past the head: added outside tfaudit */
    TFA_LEDGER_UNSIGNED,   /* trusted keys given, and a record has no signature */
    TFA_LEDGER_UNTRUSTED,  /* signed by a key that is not trusted */
    TFA_LEDGER_FORGED,     /* the signature does not match the record */
    TFA_LEDGER_UNANCHORED, /* an anchored head is not in the ledger at its position */
} tfa_ledger_fault;

/* "edited", "deleted", "reordered", "unlinked", "truncated", "unrecorded",
 * "unsigned", "untrusted", "forged", "unanchored", "intact". */
const char *tfa_ledger_fault_name(tfa_ledger_fault fault);

typedef struct tfa_ledger_verification {
    int64_t records;                     /* records present */
    int64_t head_id;                     /* the head: last id appended, */
    char head_hash[TFA_LEDGER_HASH_HEX]; /* and its hash */
    tfa_ledger_fault fault;              /* TFA_LEDGER_INTACT when the chain is valid */
    int64_t bad_id;                      /* first bad record (0 when intact) */
    char detail[256];                    /* one line: what is wrong with bad_id */
    int signatures_checked;              /* trusted keys were given */
    int64_t signed_records;              /* records with a signature (checked or not) */
    size_t anchors_checked;              /* anchors compared with the ledger */
    int64_t anchored_seq;                /* newest anchored sequence number; 0: none */
    int64_t from_seq;                    /* the first record checked (1: the whole chain) */
} tfa_ledger_verification;

struct tfa_anchor;

/* What tfa_ledger_verify_with checks besides the chain. */
typedef struct tfa_ledger_verify_options {
    const tfa_keyring *trusted;       /* every record must be signed by one of these */
    const struct tfa_anchor *anchors; /* heads stated elsewhere (anchor.h) */
    size_t n_anchors;
    /* Incremental: check from record from_seq on (0 or 1: from record 1),
     * trusting it as the checkpoint; with from_hash, only if its stored hash
     * is that one (a checkpoint kept from an earlier verify or an anchor). */
    int64_t from_seq;
    const char *from_hash;
} tfa_ledger_verify_options;

#define TFA_LEDGER_VERIFY_OPTIONS_INIT                                                             \
    {                                                                                              \
        .trusted = NULL, .anchors = NULL, .n_anchors = 0, .from_seq = 0, .from_hash = NULL         \
    }

/*
 * Recompute the chain. Returns 0 when the check ran, whatever it found (see
 * out->fault); an error only when the ledger could not be read.
 */
int tfa_ledger_verify(tfa_ledger *ledger, tfa_ledger_verification *out, tfa_error *err);

/* The chain, then signatures (opts->trusted) and anchors (opts->anchors),
 * in record order: the first bad record is named whichever check finds it.
 * Anchors must be for this ledger (see tfa_ledger_id) and their statement
 * signatures were checked by whoever read them (anchor.h). */
int tfa_ledger_verify_with(tfa_ledger *ledger, const tfa_ledger_verify_options *opts,
                           tfa_ledger_verification *out, tfa_error *err);

/* TFA_EUSAGE unless `name` is a workspace name the ledger and evidence
 * paths accept: 1-90 of [A-Za-z0-9._-], not starting with '.' or '-'. */
int tfa_ledger_workspace_check(const char *name, tfa_error *err);

#endif
