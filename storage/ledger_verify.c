/*
 * ledger_verify.c - recompute the ledger's hash chain (see ledger.h).
 *
 * Rows are read in sequence order inside one read transaction, so an
 * appender running meanwhile is either wholly seen or not at all. For each
 * row, in this order (the first failure names the record):
 *   1. its sequence number is the next one            else deleted
 *   2. SHA-256 of the body equals the stored hash      else edited
 *   3. the body is canonical JSON of a known format    else edited
 *   4. the body states this sequence number            else reordered
 *   5. the body's "prev" is the previous row's hash    else unlinked
 *   6. the indexed columns equal the body's fields     else edited
 *   7. with trusted keys: the body names a trusted key  else unsigned /
 *      and the stored signature is its signature       untrusted / forged
 * then the last row must be the chain head            else truncated /
 *                                                      unrecorded / edited,
 * and every anchor's record must be there, with its hash   else unanchored.
 * The canonical form is recomputed with the generic writer (canon.c), not
 * the one ledger.c appends with, so the two cross-check each other.
 */
#include "util/compat.h"

#include "anchor.h"
#include "canon.h"
#include "ledger_priv.h"
#include "utc.h"
#include "util/buf.h"

const char *tfa_ledger_fault_name(tfa_ledger_fault fault)
{
    switch (fault) {
    case TFA_LEDGER_INTACT:
        return "intact";
    case TFA_LEDGER_EDITED:
        return "edited";
    case TFA_LEDGER_DELETED:
        return "deleted";
    case TFA_LEDGER_REORDERED:
        return "reordered";
    case TFA_LEDGER_UNLINKED:
        return "unlinked";
    case TFA_LEDGER_TRUNCATED:
        return "truncated";
    case TFA_LEDGER_UNRECORDED:
        return "unrecorded";
    case TFA_LEDGER_UNSIGNED:
        return "unsigned";
    case TFA_LEDGER_UNTRUSTED:
        return "untrusted";
    case TFA_LEDGER_FORGED:
        return "forged";
    case TFA_LEDGER_UNANCHORED:
        return "unanchored";
    }
    return "unknown";
}

static int fault(tfa_ledger_verification *v, tfa_ledger_fault f, int64_t id, const char *fmt, ...)
    TFA_PRINTF(4, 5);

static int fault(tfa_ledger_verification *v, tfa_ledger_fault f, int64_t id, const char *fmt, ...)
{
    va_list ap;
    v->fault = f;
    v->bad_id = id;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
    va_end(ap);
    return 1;
}

/* Column i as text, or NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Does the text column equal the body's string-or-null member? */
static int same(const char *column, const json_t *env, const char *key)
{
    const json_t *v = json_object_get(env, key);
    if (!column)
        return json_is_null(v);
    return json_is_string(v) && strcmp(json_string_value(v), column) == 0;
}

/* Steps 2-3: the body hashes to the stored hash and is canonical. Sets
 * *env to the parsed body. Returns 1 on a fault, 0 when fine, <0 on error. */
static int check_body(tfa_ledger_verification *v, sqlite3_stmt *st, int64_t seq, json_t **env,
                      tfa_error *err)
{
    const char *body = col(st, 10), *hash = col(st, 9);
    size_t len = (size_t)sqlite3_column_bytes(st, 10);
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_buf canon;
    tfa_error cerr;
    int rc = 0;

    if (!body)
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld has no body", (long long)seq);
    tfa_sha256_digest(body, len, digest);
    tfa_sha256_hex(digest, hex);
    if (!hash || strcmp(hex, hash) != 0)
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld does not match its hash (edited)",
                     (long long)seq);
    *env = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    if (!json_is_object(*env) || !same(TFA_LEDGER_FORMAT, *env, "format"))
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld is not a %s record (edited)",
                     (long long)seq, TFA_LEDGER_FORMAT);
    tfa_buf_init(&canon, TFA_BUF_NO_MAX);
    tfa_error_init(&cerr);
    if (tfa_canon_json(&canon, *env, &cerr) != 0) {
        rc = cerr.status == TFA_ENOMEM
                 ? tfa_error_oom(err)
                 : fault(v, TFA_LEDGER_EDITED, seq, "record %lld cannot be canonicalized (edited)",
                         (long long)seq);
    } else if (canon.len != len || memcmp(canon.ptr, body, len) != 0) {
        rc = fault(v, TFA_LEDGER_EDITED, seq, "record %lld is not in canonical form (edited)",
                   (long long)seq);
    }
    tfa_buf_release(&canon);
    return rc;
}

/* Step 6: the indexed columns a query would trust. */
static int check_columns(tfa_ledger_verification *v, sqlite3_stmt *st, int64_t seq,
                         const json_t *env)
{
    static const struct {
        int index;
        const char *column, *key;
    } cols[] = {{2, "time_utc", "time"},       {3, "workspace", "workspace"},
                {4, "apply_window", "window"}, {5, "operator", "operator"},
                {6, "verdict", "verdict"},     {7, "tool_version", "tool_version"},
                {8, "prev_hash", "prev"}};
    char iso[TFA_UTC_ISO_SIZE];
    const char *bad = NULL;
    size_t i;

    tfa_utc_format_iso(sqlite3_column_int64(st, 1), iso);
    if (!same(iso, env, "time"))
        bad = "time";
    for (i = 0; !bad && i < TFA_ARRAY_SIZE(cols); i++)
        if (!same(col(st, cols[i].index), env, cols[i].key))
            bad = cols[i].column;
    if (bad)
        return fault(v, TFA_LEDGER_EDITED, seq,
                     "record %lld: column '%s' differs from the hashed record (edited)",
                     (long long)seq, bad);
    return 0;
}

/* Step 7: signed by a trusted key, over exactly this body. */
static int check_signature(tfa_ledger_verification *v, sqlite3_stmt *st, int64_t seq,
                           const json_t *env, const tfa_keyring *trusted, tfa_error *err)
{
    const char *key = json_string_value(json_object_get(env, "key")), *sig = col(st, 11);
    const tfa_public_key *pub;
    int ok;

    if (!key || !sig)
        return fault(v, TFA_LEDGER_UNSIGNED, seq, "record %lld is not signed", (long long)seq);
    if (!(pub = tfa_keyring_find(trusted, key, NULL)))
        return fault(v, TFA_LEDGER_UNTRUSTED, seq, "record %lld is signed by an untrusted key %s",
                     (long long)seq, key);
    ok = tfa_keyring_check(trusted, pub, col(st, 10), (size_t)sqlite3_column_bytes(st, 10), sig);
    if (ok < 0)
        return tfa_error_oom(err);
    if (!ok)
        return fault(v, TFA_LEDGER_FORGED, seq,
                     "record %lld does not match its signature by %s (forged: changed after "
                     "signing)",
                     (long long)seq, key);
    return 0;
}

/* Steps 1-7 for one row. `prev` is the previous row's hash (updated). */
static int check_row(tfa_ledger_verification *v, sqlite3_stmt *st, int64_t expect,
                     char prev[TFA_LEDGER_HASH_HEX], const tfa_keyring *trusted, tfa_error *err)
{
    int64_t seq = sqlite3_column_int64(st, 0);
    const json_t *jseq;
    json_t *env = NULL;
    int rc;

    if (seq != expect) {
        if (seq > expect)
            return fault(v, TFA_LEDGER_DELETED, expect, "record %lld is missing (deleted)",
                         (long long)expect);
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld has an invalid sequence number",
                     (long long)seq);
    }
    if (col(st, 11))
        v->signed_records++;
    if ((rc = check_body(v, st, seq, &env, err)) != 0)
        goto done;
    /* before position checks: a forged record is named as forged, not as
     * the reordering or unlinking its forger had to do */
    if (trusted && (rc = check_signature(v, st, seq, env, trusted, err)) != 0)
        goto done;
    jseq = json_object_get(env, "seq");
    if (!json_is_integer(jseq) || json_integer_value(jseq) != seq) {
        rc = fault(v, TFA_LEDGER_REORDERED, seq,
                   "record %lld holds record %lld (records reordered)", (long long)seq,
                   json_is_integer(jseq) ? (long long)json_integer_value(jseq) : 0LL);
        goto done;
    }
    if (!same(prev, env, "prev")) {
        rc = fault(v, TFA_LEDGER_UNLINKED, seq - 1,
                   "record %lld is not the record %lld was chained to (replaced, or edited and "
                   "re-hashed)",
                   (long long)(seq - 1), (long long)seq);
        goto done;
    }
    if ((rc = check_columns(v, st, seq, env)) != 0)
        goto done;
    snprintf(prev, TFA_LEDGER_HASH_HEX, "%s", col(st, 9));
done:
    json_decref(env);
    return rc;
}

/* After the last row: it must be the head. */
static void check_head(tfa_ledger_verification *v, int64_t last, const char *last_hash,
                       int head_found)
{
    if (!head_found) {
        fault(v, TFA_LEDGER_EDITED, last ? last : 1, "the chain head is missing (edited)");
    } else if (v->head_id > last) {
        if (v->head_id == last + 1)
            fault(v, TFA_LEDGER_TRUNCATED, last + 1, "record %lld is missing (truncated)",
                  (long long)(last + 1));
        else
            fault(v, TFA_LEDGER_TRUNCATED, last + 1, "records %lld to %lld are missing (truncated)",
                  (long long)(last + 1), (long long)v->head_id);
    } else if (v->head_id < last) {
        fault(v, TFA_LEDGER_UNRECORDED, v->head_id + 1,
              "record %lld is past the chain head (added outside tfaudit)",
              (long long)(v->head_id + 1));
    } else if (strcmp(v->head_hash, last_hash) != 0) {
        fault(v, TFA_LEDGER_EDITED, last, "record %lld does not match the chain head (edited)",
              (long long)last);
    }
}

static int read_head(tfa_ledger *l, tfa_ledger_verification *v, int *found, tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(l->db, "SELECT seq, hash FROM chain_head WHERE id = 1", -1, &st, NULL);
    *found = 0;
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *found = 1;
        v->head_id = sqlite3_column_int64(st, 0);
        snprintf(v->head_hash, sizeof(v->head_hash), "%s", col(st, 1) ? col(st, 1) : "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : tfa__ledger_sql_error(l, rc, "reading the chain head", err);
}

/* The hash stored for record `seq`, or "" when there is none. */
static int hash_at(tfa_ledger *l, int64_t seq, char hash[TFA_LEDGER_HASH_HEX], tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db, "SELECT hash FROM records WHERE seq = ?1", -1, &st, NULL);

    hash[0] = '\0';
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, seq);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW && col(st, 0))
            snprintf(hash, TFA_LEDGER_HASH_HEX, "%s", col(st, 0));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : tfa__ledger_sql_error(l, rc, "reading", err);
}

/* Every anchor must find its record: the lowest bad one is named. */
static int check_anchors(tfa_ledger *l, tfa_ledger_verification *v, const tfa_anchor *a, size_t n,
                         int64_t last, tfa_error *err)
{
    char id[TFA_LEDGER_HASH_HEX] = "", hash[TFA_LEDGER_HASH_HEX];
    tfa_ledger_verification worst;
    size_t i;
    int rc = 0, bad = 0;

    memset(&worst, 0, sizeof(worst));
    if (n && (rc = hash_at(l, 1, id, err)) != 0)
        return rc;
    for (i = 0; i < n && rc == 0; i++) {
        tfa_ledger_verification f;
        memset(&f, 0, sizeof(f));
        v->anchors_checked++;
        if (a[i].seq > v->anchored_seq)
            v->anchored_seq = a[i].seq;
        if (strcmp(a[i].ledger, id) != 0)
            fault(&f, TFA_LEDGER_UNANCHORED, 1,
                  "record 1 is not the one anchor %s was made for (ledger replaced)", a[i].source);
        else if (a[i].seq > last)
            fault(&f, TFA_LEDGER_UNANCHORED, last + 1,
                  "record %lld is missing: anchor %s states record %lld (truncated)",
                  (long long)(last + 1), a[i].source, (long long)a[i].seq);
        else if ((rc = hash_at(l, a[i].seq, hash, err)) == 0 && strcmp(hash, a[i].hash) != 0)
            fault(&f, TFA_LEDGER_UNANCHORED, a[i].seq,
                  "record %lld is not the record anchor %s states (rewritten)", (long long)a[i].seq,
                  a[i].source);
        if (f.fault && (!bad || f.bad_id < worst.bad_id)) {
            worst = f;
            bad = 1;
        }
    }
    if (rc == 0 && bad) {
        v->fault = worst.fault;
        v->bad_id = worst.bad_id;
        memcpy(v->detail, worst.detail, sizeof(v->detail));
    }
    return rc;
}

int tfa_ledger_verify(tfa_ledger *ledger, tfa_ledger_verification *out, tfa_error *err)
{
    return tfa_ledger_verify_with(ledger, NULL, out, err);
}

int tfa_ledger_verify_with(tfa_ledger *ledger, const tfa_ledger_verify_options *opts,
                           tfa_ledger_verification *out, tfa_error *err)
{
    tfa_ledger_verify_options none = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    char prev[TFA_LEDGER_HASH_HEX] = TFA__LEDGER_GENESIS, sql[256];
    sqlite3_stmt *st = NULL;
    int64_t expect = 1;
    int rc, found = 0, bad = 0;

    memset(out, 0, sizeof(*out));
    if (!opts)
        opts = &none;
    out->signatures_checked = opts->trusted != NULL;
    snprintf(sql, sizeof(sql),
             "SELECT seq, time, time_utc, workspace, apply_window, operator, verdict,"
             " tool_version, prev_hash, hash, body, %s FROM records ORDER BY seq",
             TFA__LEDGER_SIGNATURE_COL(ledger));
    if ((rc = sqlite3_exec(ledger->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
        return tfa__ledger_sql_error(ledger, rc, "starting the check", err);
    if ((rc = read_head(ledger, out, &found, err)) != 0)
        goto done;
    rc = sqlite3_prepare_v2(ledger->db, "SELECT count(*) FROM records", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        out->records = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_ROW) {
        rc = tfa__ledger_sql_error(ledger, rc, "counting the records", err);
        goto done;
    }
    rc = sqlite3_prepare_v2(ledger->db, sql, -1, &st, NULL);
    while (rc == SQLITE_OK && !bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bad = check_row(out, st, expect++, prev, opts->trusted, err);
        rc = bad < 0 ? SQLITE_NOMEM : SQLITE_OK;
    }
    if (bad < 0) {
        rc = bad;
        goto done;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        rc = tfa__ledger_sql_error(ledger, rc, "reading the records", err);
        goto done;
    }
    rc = 0;
    if (!bad)
        check_head(out, expect - 1, prev, found);
    if (!bad && out->fault == TFA_LEDGER_INTACT)
        rc = check_anchors(ledger, out, opts->anchors, opts->n_anchors, expect - 1, err);
done:
    sqlite3_finalize(st);
    sqlite3_exec(ledger->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}
