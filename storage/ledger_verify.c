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
 * then the last row must be the chain head            else truncated /
 *                                                      unrecorded / edited.
 * The canonical form is recomputed with the generic writer (canon.c), not
 * the one ledger.c appends with, so the two cross-check each other.
 */
#include "util/compat.h"

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

/* Steps 1-6 for one row. `prev` is the previous row's hash (updated). */
static int check_row(tfa_ledger_verification *v, sqlite3_stmt *st, int64_t expect,
                     char prev[TFA_LEDGER_HASH_HEX], tfa_error *err)
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
    if ((rc = check_body(v, st, seq, &env, err)) != 0)
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

int tfa_ledger_verify(tfa_ledger *ledger, tfa_ledger_verification *out, tfa_error *err)
{
    static const char sql[] = "SELECT seq, time, time_utc, workspace, apply_window, operator,"
                              " verdict, tool_version, prev_hash, hash, body FROM records"
                              " ORDER BY seq";
    char prev[TFA_LEDGER_HASH_HEX] = TFA__LEDGER_GENESIS;
    sqlite3_stmt *st = NULL;
    int64_t expect = 1;
    int rc, found = 0, bad = 0;

    memset(out, 0, sizeof(*out));
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
        bad = check_row(out, st, expect++, prev, err);
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
done:
    sqlite3_finalize(st);
    sqlite3_exec(ledger->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}
