/*
 * ledger_read.c - reading the ledger back: one record, listings, JSON
 * queries (see ledger.h). Nothing here writes, so all of it works on a
 * ledger opened read-only.
 */
#include "util/compat.h"

#include "ledger_priv.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- reading ------------------------------------------------------------ */

static char *column_dup(sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return tfa__ledger_dup((const char *)s, oom);
}

static int record_from_row(tfa_ledger_record **out, tfa_ledger *l, sqlite3_stmt *st, tfa_error *err)
{
    tfa_ledger_record *r = tfa_calloc(1, sizeof(*r));
    const unsigned char *hash, *prev;
    json_t *env = NULL;
    int oom = !r, rc = 0;

    if (!r)
        return tfa_error_oom(err);
    r->id = sqlite3_column_int64(st, 0);
    r->time = sqlite3_column_int64(st, 1);
    r->workspace = column_dup(st, 2, &oom);
    r->window = column_dup(st, 3, &oom);
    r->operator_name = column_dup(st, 4, &oom);
    r->verdict = column_dup(st, 5, &oom);
    r->tool_version = column_dup(st, 6, &oom);
    prev = sqlite3_column_text(st, 7);
    hash = sqlite3_column_text(st, 8);
    snprintf(r->prev_hash, sizeof(r->prev_hash), "%s", prev ? (const char *)prev : "");
    snprintf(r->hash, sizeof(r->hash), "%s", hash ? (const char *)hash : "");
    r->signature = column_dup(st, 10, &oom);
    r->body_len = (size_t)sqlite3_column_bytes(st, 9);
    r->body = tfa_strndup((const char *)sqlite3_column_text(st, 9), r->body_len);
    oom |= !r->body;
    if (!oom) {
        env = json_loadb(r->body, r->body_len, JSON_ALLOW_NUL, NULL);
        r->record = json_incref(json_object_get(env, "record"));
        r->key_id = tfa__ledger_dup(json_string_value(json_object_get(env, "key")), &oom);
        json_decref(env);
        if (!json_is_object(r->record)) {
            tfa_error_set(err, TFA_EINPUT,
                          "record %lld is not readable JSON; run 'tfaudit ledger verify'",
                          (long long)r->id);
            tfa_error_set_source(err, l->path);
            rc = TFA_EINPUT;
        }
    }
    if (oom)
        rc = tfa_error_oom(err);
    if (rc)
        tfa_ledger_record_free(r);
    else
        *out = r;
    return rc;
}

int tfa_ledger_get(tfa_ledger_record **out, tfa_ledger *ledger, int64_t id, tfa_error *err)
{
    char sql[192];
    sqlite3_stmt *st = NULL;
    int rc;

    snprintf(sql, sizeof(sql),
             "SELECT seq, time, workspace, apply_window, operator, verdict, tool_version,"
             " prev_hash, hash, body, %s FROM records WHERE seq = ?1",
             TFA__LEDGER_SIGNATURE_COL(ledger));
    rc = sqlite3_prepare_v2(ledger->db, sql, -1, &st, NULL);

    *out = NULL;
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW) {
        rc = record_from_row(out, ledger, st, err);
    } else if (rc == SQLITE_DONE) {
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no ledger record %lld", (long long)id);
        tfa_error_set_source(err, ledger->path);
    } else {
        rc = tfa__ledger_sql_error(ledger, rc, "reading the record", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int tfa_ledger_list(tfa_ledger *ledger, const tfa_ledger_filter *filter, tfa_ledger_list_cb cb,
                    void *payload, tfa_error *err)
{
    static const char sql[] =
        "SELECT seq, time, workspace, apply_window, operator, verdict, tool_version, hash"
        " FROM records WHERE (?1 IS NULL OR workspace = ?1) AND time >= ?2"
        " AND (?3 IS NULL OR verdict = ?3) ORDER BY seq";
    tfa_ledger_filter all = TFA_LEDGER_FILTER_INIT;
    tfa_ledger_summary s;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(ledger->db, sql, -1, &st, NULL), stop = 0;

    if (!filter)
        filter = &all;
    if (rc == SQLITE_OK) {
        tfa__ledger_bind_text(st, 1, filter->workspace);
        sqlite3_bind_int64(st, 2, filter->since);
        tfa__ledger_bind_text(st, 3, filter->verdict);
    }
    while (rc == SQLITE_OK && !stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        s.id = sqlite3_column_int64(st, 0);
        s.time = sqlite3_column_int64(st, 1);
        s.workspace = (const char *)sqlite3_column_text(st, 2);
        s.window = (const char *)sqlite3_column_text(st, 3);
        s.operator_name = (const char *)sqlite3_column_text(st, 4);
        s.verdict = (const char *)sqlite3_column_text(st, 5);
        s.tool_version = (const char *)sqlite3_column_text(st, 6);
        s.hash = (const char *)sqlite3_column_text(st, 7);
        stop = cb(&s, payload);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE || rc == SQLITE_OK ? 0
                                                : tfa__ledger_sql_error(ledger, rc, "listing", err);
}

int tfa_ledger_list_json(tfa_ledger *ledger, const tfa_ledger_json_query *q, tfa_ledger_json_cb cb,
                         void *payload, tfa_error *err)
{
    const char *values[TFA_LEDGER_JSON_PATHS];
    tfa_ledger_summary s;
    sqlite3_stmt *st = NULL;
    tfa_buf sql;
    size_t i;
    int rc, stop = 0;

    if (q->n_paths == 0 || q->n_paths > TFA_LEDGER_JSON_PATHS)
        return tfa_error_set(err, TFA_EUSAGE, "between 1 and %d JSON paths", TFA_LEDGER_JSON_PATHS);
    /* the paths are bound as parameters; only their number shapes the SQL */
    tfa_buf_init(&sql, TFA_BUF_NO_MAX);
    tfa_buf_puts(&sql, "SELECT seq, time, workspace, apply_window, operator, verdict, tool_version,"
                       " hash");
    for (i = 0; i < q->n_paths; i++)
        tfa_buf_printf(&sql, ", json_extract(body, '$.record' || substr(?%zu, 2))", i + 2);
    tfa_buf_printf(&sql,
                   " FROM records WHERE time >= ?1 AND"
                   " json_extract(body, '$.record' || substr(?2, 2)) IS NOT NULL"
                   " ORDER BY seq %s",
                   q->descending ? "DESC" : "ASC");
    if (tfa_buf_status(&sql) != 0) {
        tfa_buf_release(&sql);
        return tfa_error_oom(err);
    }
    rc = sqlite3_prepare_v2(ledger->db, sql.ptr, -1, &st, NULL);
    tfa_buf_release(&sql);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, q->since);
        for (i = 0; i < q->n_paths; i++)
            tfa__ledger_bind_text(st, (int)i + 2, q->paths[i]);
    }
    while (rc == SQLITE_OK && !stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        s.id = sqlite3_column_int64(st, 0);
        s.time = sqlite3_column_int64(st, 1);
        s.workspace = (const char *)sqlite3_column_text(st, 2);
        s.window = (const char *)sqlite3_column_text(st, 3);
        s.operator_name = (const char *)sqlite3_column_text(st, 4);
        s.verdict = (const char *)sqlite3_column_text(st, 5);
        s.tool_version = (const char *)sqlite3_column_text(st, 6);
        s.hash = (const char *)sqlite3_column_text(st, 7);
        for (i = 0; i < q->n_paths; i++)
            values[i] = (const char *)sqlite3_column_text(st, (int)i + 8);
        stop = cb(&s, values, payload);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE || rc == SQLITE_OK ? 0
                                                : tfa__ledger_sql_error(ledger, rc, "listing", err);
}
