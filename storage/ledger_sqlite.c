/*
 * ledger_sqlite.c - the embedded ledger backend: one SQLite file (see
 * ledger_priv.h for what a backend does, ledger.h for the guarantees).
 *
 * Schema versions are PRAGMA user_version; `migrations[v]` turns version v
 * into v + 1 and runs inside the same IMMEDIATE transaction that bumps
 * user_version, so two processes opening a new ledger at once migrate it
 * exactly once. application_id marks the file as ours, so pointing --ledger
 * at some other SQLite database fails instead of adding tables to it.
 *
 * The file is in WAL mode with synchronous=FULL; an append's BEGIN
 * IMMEDIATE is the append lock (a busy database is retried by the front).
 */
#include "util/compat.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ledger_priv.h"
#include "util/alloc.h"
#include "util/backoff.h"
#include "util/buf.h"

#define TFA__SQLITE_PAGE_SIZE "16384"

typedef struct sq {
    sqlite3 *db;
    int64_t schema; /* the file's schema version (older when opened read-only) */
    /* prepared once, on the first append: parsing the two statements anew
     * for every record was a tenth of a 2,000-record batch's append */
    sqlite3_stmt *insert, *set_head;
} sq;

#define S(l) ((sq *)(l)->impl)

/* The "audit" member of a body, where it is an object (what the audit
 * column holds from schema 4 on, and stands in for it before). */
#define LEGACY_AUDIT                                                                               \
    "(CASE WHEN json_valid(body) AND json_type(body, '$.record.audit') = 'object'"                 \
    " THEN json_extract(body, '$.record.audit') END)"

static const char *const migrations[] = {
    /* 0 -> 1: records, the indexes `ledger list` filters on, the chain head. */
    "CREATE TABLE records ("
    " seq INTEGER PRIMARY KEY," /* 1, 2, 3... gapless */
    " time INTEGER NOT NULL,"   /* seconds since the epoch, UTC */
    " time_utc TEXT NOT NULL,"  /* the same, as in the body */
    " workspace TEXT NOT NULL,"
    " apply_window TEXT," /* WINDOW is an SQL keyword */
    " operator TEXT,"
    " verdict TEXT NOT NULL,"
    " tool_version TEXT,"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL,"
    " body TEXT NOT NULL);"
    "CREATE INDEX records_workspace_time ON records (workspace, time);"
    "CREATE INDEX records_time ON records (time);"
    "CREATE TABLE chain_head ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " seq INTEGER NOT NULL,"
    " hash TEXT NOT NULL);"
    "INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '" TFA__LEDGER_GENESIS "');",
    /* 1 -> 2: the Ed25519 signature of each body (NULL: unsigned). */
    "ALTER TABLE records ADD COLUMN signature TEXT;",
    /* 2 -> 3: the record's audit summary, indexed where present, so the
     * history of audits is read without parsing bodies. */
    "ALTER TABLE records ADD COLUMN audit_summary TEXT;"
    "CREATE INDEX records_audit_summary ON records (seq) WHERE audit_summary IS NOT NULL;",
    /* 3 -> 4: the "audit" object of each workspace's record of a nightly
     * audit, indexed where present, so the previous audit is read without
     * parsing bodies. Earlier records get theirs from the body: a body is
     * canonical JSON and json_extract copies its tokens as they are, so the
     * text is the member's canonical form, which verify checks. */
    "ALTER TABLE records ADD COLUMN audit TEXT;"
    "UPDATE records SET audit = " LEGACY_AUDIT ";"
    "CREATE INDEX records_audit ON records (seq) WHERE audit IS NOT NULL;",
};

static int sql_error(tfa_ledger *ledger, int rc, const char *what, tfa_error *err)
{
    int status;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        status = TFA_ECONFLICT;
        break;
    case SQLITE_NOTADB:
        status = TFA_EINPUT;
        break;
    case SQLITE_NOMEM:
        return tfa_error_oom(err);
    default:
        status = TFA_EIO;
        break;
    }
    if (status == TFA_EINPUT)
        tfa_error_set(err, status, "not a tfaudit ledger (file is not a database)");
    else
        tfa_error_set(err, status, "%s: %s", what,
                      S(ledger)->db ? sqlite3_errmsg(S(ledger)->db) : sqlite3_errstr(rc));
    tfa_error_set_source(err, ledger->path);
    return status;
}

/* mkdir -p of the directory part of `path`. */
static int make_parents(const char *path, tfa_error *err)
{
    char *dir = tfa_strdup(path), *p;
    int rc = 0;

    if (!dir)
        return tfa_error_oom(err);
    for (p = dir + 1; *p && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            rc = tfa_error_set(err, TFA_EIO, "cannot create directory '%s': %s", dir,
                               strerror(errno));
        *p = '/';
    }
    tfa_free(dir);
    return rc;
}

static int exec(tfa_ledger *l, const char *sql, const char *what, tfa_error *err)
{
    int rc = sqlite3_exec(S(l)->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sql_error(l, rc, what, err);
}

/* The application id, schema version and table count, read by one
 * statement, hence from one snapshot: read one by one, another process's
 * migration could commit in between (id 0 read before, version 2 after) and
 * a new ledger would look like another application's database. */
static int read_header(tfa_ledger *l, int64_t *app, int64_t *version, int64_t *tables,
                       tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(S(l)->db,
                                "SELECT a.application_id, u.user_version,"
                                " (SELECT count(*) FROM sqlite_master)"
                                " FROM pragma_application_id a, pragma_user_version u",
                                -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *app = sqlite3_column_int64(st, 0);
        *version = sqlite3_column_int64(st, 1);
        *tables = sqlite3_column_int64(st, 2);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : sql_error(l, rc, "reading the schema", err);
}

/* Is this file ours, and at which schema version? (0 for a new file.) */
static int schema_version(tfa_ledger *l, int64_t *version, tfa_error *err)
{
    int64_t app = 0, tables = 0;
    int rc = read_header(l, &app, version, &tables, err);

    if (rc)
        return rc;
    if (app != TFA_LEDGER_APPLICATION && (app != 0 || *version != 0 || tables != 0)) {
        tfa_error_set(err, TFA_EINPUT, "not a tfaudit ledger (another application's database)");
        tfa_error_set_source(err, l->path);
        return TFA_EINPUT;
    }
    if (*version > TFA_LEDGER_SCHEMA) {
        tfa_error_set(err, TFA_EVERSION,
                      "ledger schema version %lld is newer than this tfaudit's (%d)",
                      (long long)*version, TFA_LEDGER_SCHEMA);
        tfa_error_set_source(err, l->path);
        return TFA_EVERSION;
    }
    return 0;
}

static int migrate(tfa_ledger *l, tfa_error *err)
{
    char sql[96];
    int64_t v = 0;
    int rc = schema_version(l, &v, err);

    S(l)->schema = v;
    if (rc || v == TFA_LEDGER_SCHEMA)
        return rc;
    if ((rc = exec(l, "BEGIN IMMEDIATE", "upgrading the schema", err)) != 0)
        return rc;
    rc = schema_version(l, &v, err); /* another process may have done it meanwhile */
    for (; rc == 0 && v < TFA_LEDGER_SCHEMA; v++)
        rc = exec(l, migrations[v], "upgrading the schema", err);
    if (rc == 0) {
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; PRAGMA application_id = %d",
                 TFA_LEDGER_SCHEMA, TFA_LEDGER_APPLICATION);
        rc = exec(l, sql, "upgrading the schema", err);
    }
    rc = rc ? rc : exec(l, "COMMIT", "upgrading the schema", err);
    if (rc)
        sqlite3_exec(S(l)->db, "ROLLBACK", NULL, NULL, NULL);
    else
        S(l)->schema = TFA_LEDGER_SCHEMA;
    return rc;
}

/* WAL so readers never block the appender; FULL so a committed record
 * survives power loss too, not only a killed process. */
static int configure(tfa_ledger *l, tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    sqlite3_extended_result_codes(S(l)->db, 1);
    sqlite3_busy_timeout(S(l)->db, (int)l->opts.busy_timeout_ms);
    /* A new file only (the size of an existing one is fixed): a record is
     * 4-7 KB, so on 4 KB pages each spilled into overflow pages, one
     * pread or pwrite per 4 KB; on 16 KB pages a record and its audit
     * object lie in their leaf page. */
    if ((rc = exec(l, "PRAGMA page_size = " TFA__SQLITE_PAGE_SIZE, "configuring", err)) != 0)
        return rc;
    rc = sqlite3_prepare_v2(S(l)->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(st, 0);
        rc = mode && strcmp((const char *)mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return sql_error(l, rc, "switching to WAL mode", err);
    return exec(l, "PRAGMA synchronous = FULL", "configuring", err);
}

/* Configure and migrate. Switching a new file to WAL needs an exclusive
 * lock for which SQLite does not call the busy handler, so two processes
 * creating the same ledger retry here. */
static int prepare(tfa_ledger *l, tfa_error *err)
{
    tfa_error attempt_err;
    tfa_backoff wait;
    unsigned attempt;
    int rc;

    tfa_backoff_init(&wait, 1, TFA__LEDGER_BACKOFF_MAX_MS);
    for (attempt = 0;; attempt++) {
        tfa_error_init(&attempt_err);
        rc = configure(l, &attempt_err);
        rc = rc ? rc : migrate(l, &attempt_err);
        if (rc != TFA_ECONFLICT || attempt + 1 >= l->opts.append_attempts)
            break;
        tfa_backoff_sleep_ms(tfa_backoff_delay(&wait, attempt));
    }
    if (rc && err && err->status == 0)
        *err = attempt_err;
    return rc;
}

/* Is `path` a copy nobody writes to: no write permission bits at all, or
 * on a read-only mount, or not writable by us, and no WAL beside it? */
static int frozen_copy(const char *path)
{
    char wal[PATH_MAX];
    struct statvfs vfs;
    struct stat st;

    if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal) || stat(wal, &st) == 0)
        return 0;
    if (stat(path, &st) == 0 && (st.st_mode & 0222) == 0)
        return 1;
    if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
        return 1;
    return access(path, W_OK) != 0;
}

/* Read-only: the schema as it is, no WAL switch, no migration. A WAL
 * database needs its -shm, which cannot be created beside a read-only copy
 * (and must not be, even by root): such a copy is opened as immutable,
 * which it is. Anything else is opened mode=ro with the usual locking, so
 * reading a ledger that a gate is appending to stays consistent. */
static int open_read_only(tfa_ledger *l, tfa_error *err)
{
    tfa_error pass_err;
    tfa_buf uri;
    int64_t v = 0;
    int rc = 0, pass, frozen = frozen_copy(l->path);

    tfa_buf_init(&uri, TFA_BUF_NO_MAX);
    for (pass = frozen; pass < 2; pass++) {
        sqlite3_close(S(l)->db);
        S(l)->db = NULL;
        tfa_buf_clear(&uri);
        tfa_buf_puts(&uri, "file:");
        /* the path, %-encoding what a URI would read otherwise */
        for (const char *p = l->path; *p; p++)
            if (*p == '?' || *p == '#' || *p == '%')
                tfa_buf_printf(&uri, "%%%02X", (unsigned char)*p);
            else
                tfa_buf_putc(&uri, *p);
        tfa_buf_puts(&uri, pass ? "?mode=ro&immutable=1" : "?mode=ro");
        if (tfa_buf_status(&uri) != 0) {
            rc = tfa_error_oom(err);
            break;
        }
        tfa_error_init(&pass_err);
        rc = sqlite3_open_v2(uri.ptr, &S(l)->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
            rc = sql_error(l, rc, "cannot open the ledger", &pass_err);
            break;
        }
        sqlite3_extended_result_codes(S(l)->db, 1);
        sqlite3_busy_timeout(S(l)->db, (int)l->opts.busy_timeout_ms);
        rc = schema_version(l, &v, &pass_err);
        if (rc == 0 || access(l->path, W_OK) == 0)
            break;
    }
    if (rc && err && err->status == 0)
        *err = pass_err;
    tfa_buf_release(&uri);
    S(l)->schema = v;
    return rc;
}

/* A new file that could not be made a ledger goes away again, so a failed
 * gate leaves no empty ledger behind. */
static void remove_created(tfa_ledger *l)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[PATH_MAX];
    size_t i;

    sqlite3_close(S(l)->db);
    S(l)->db = NULL;
    for (i = 0; i < TFA_ARRAY_SIZE(suffixes); i++)
        if ((size_t)snprintf(path, sizeof(path), "%s%s", l->path, suffixes[i]) < sizeof(path))
            unlink(path);
}

/* ---- the backend operations ---------------------------------------------- */

static void sq_close(tfa_ledger *l)
{
    if (S(l)) {
        sqlite3_finalize(S(l)->insert);
        sqlite3_finalize(S(l)->set_head);
        sqlite3_close(S(l)->db);
        tfa_free(S(l));
        l->impl = NULL;
    }
}

static int sq_begin_write(tfa_ledger *l, tfa_error *err)
{
    return exec(l, "BEGIN IMMEDIATE", "starting the append", err);
}

static int sq_begin_read(tfa_ledger *l, tfa_error *err)
{
    return exec(l, "BEGIN", "starting to read", err);
}

static int sq_commit(tfa_ledger *l, const char *expect_head, tfa_error *err)
{
    (void)expect_head; /* a local COMMIT's outcome is never in doubt */
    return exec(l, "COMMIT", "committing", err);
}

static void sq_rollback(tfa_ledger *l)
{
    if (!sqlite3_get_autocommit(S(l)->db))
        sqlite3_exec(S(l)->db, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_head(tfa_ledger *l, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX], int *found,
                   tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    const unsigned char *h;
    int rc = sqlite3_prepare_v2(S(l)->db, "SELECT seq, hash FROM chain_head WHERE id = 1", -1, &st,
                                NULL);

    *found = 0, *seq = 0, hash[0] = '\0';
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *found = 1;
        *seq = sqlite3_column_int64(st, 0);
        h = sqlite3_column_text(st, 1);
        snprintf(hash, TFA_LEDGER_HASH_HEX, "%s", h ? (const char *)h : "");
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sql_error(l, rc, "reading the chain head", err);
}

/* Bind text or NULL; SQLITE_OK or the bind's error. */
static int bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text64(st, i, s, len, SQLITE_STATIC, SQLITE_UTF8);
}

#define BIND_STR(st, i, s) bind_text((st), (i), (s), (s) ? strlen(s) : 0)

static int run(sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The statement `sql` kept in *slot, prepared on first use and reset for
 * the next. */
static int cached(tfa_ledger *l, sqlite3_stmt **slot, const char *sql, sqlite3_stmt **out)
{
    int rc = SQLITE_OK;

    if (!*slot)
        rc = sqlite3_prepare_v3(S(l)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
    *out = *slot;
    return rc;
}

/* A cached statement after its run: reset, its bindings dropped (they
 * point into the caller's buffers). */
static int finished(sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int sq_insert(tfa_ledger *l, const tfa__ledger_row *r, tfa_error *err)
{
    static const char sql[] =
        "INSERT INTO records (seq, time, time_utc, workspace, apply_window, operator, verdict,"
        " tool_version, prev_hash, hash, body, signature, audit_summary, audit) VALUES (?1, ?2,"
        " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14);";
    sqlite3_stmt *st = NULL;
    int rc = cached(l, &S(l)->insert, sql, &st);

    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(st, 1, r->seq);
        rc = rc ? rc : sqlite3_bind_int64(st, 2, r->time);
        rc = rc ? rc : BIND_STR(st, 3, r->time_utc);
        rc = rc ? rc : BIND_STR(st, 4, r->workspace);
        rc = rc ? rc : BIND_STR(st, 5, r->window);
        rc = rc ? rc : BIND_STR(st, 6, r->operator_name);
        rc = rc ? rc : BIND_STR(st, 7, r->verdict);
        rc = rc ? rc : BIND_STR(st, 8, r->tool_version);
        rc = rc ? rc : BIND_STR(st, 9, r->prev_hash);
        rc = rc ? rc : BIND_STR(st, 10, r->hash);
        rc = rc ? rc : bind_text(st, 11, r->body, r->body_len);
        rc = rc ? rc : BIND_STR(st, 12, r->signature);
        rc = rc ? rc : BIND_STR(st, 13, r->audit_summary);
        rc = rc ? rc : BIND_STR(st, 14, r->audit);
        rc = finished(st, run(st, rc));
    }
    if (rc == SQLITE_OK &&
        (rc = cached(l, &S(l)->set_head, "UPDATE chain_head SET seq = ?1, hash = ?2 WHERE id = 1",
                     &st)) == SQLITE_OK) {
        rc = sqlite3_bind_int64(st, 1, r->seq);
        rc = rc ? rc : BIND_STR(st, 2, r->hash);
        rc = finished(st, run(st, rc));
    }
    return rc == SQLITE_OK ? 0 : sql_error(l, rc, "writing the record", err);
}

static int sq_count(tfa_ledger *l, int64_t from_seq, int64_t *n, tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(S(l)->db, "SELECT count(*) FROM records WHERE seq >= ?1", -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, from_seq);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : sql_error(l, rc, "counting the records", err);
}

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The scan's statement: only the number of paths and the flags shape the
 * SQL; every value is bound. */
static int scan_sql(tfa_ledger *l, const tfa__ledger_scan *s, tfa_buf *sql)
{
    size_t i;

    tfa_buf_puts(sql, "SELECT seq, time, time_utc, workspace, apply_window, operator, verdict,"
                      " tool_version, prev_hash, hash");
    if (s->with_body)
        tfa_buf_puts(sql, S(l)->schema >= 2 ? ", body, signature" : ", body, NULL");
    if (s->with_summary) {
        tfa_buf_puts(sql, S(l)->schema >= 3 ? ", audit_summary" : ", NULL");
        tfa_buf_puts(sql, S(l)->schema >= 4 ? ", audit" : ", " LEGACY_AUDIT);
    }
    if (s->only_audits) /* from the small column, not the body */
        tfa_buf_printf(sql, ", json_extract(%s, '$.id'), json_extract(%s, '$.shard')",
                       S(l)->schema >= 4 ? "audit" : LEGACY_AUDIT,
                       S(l)->schema >= 4 ? "audit" : LEGACY_AUDIT);
    for (i = 0; i < s->n_paths; i++)
        tfa_buf_printf(sql, ", json_extract(body, '$.record' || substr(?%zu, 2))", i + 6);
    /* a given workspace is a plain equality, so the planner can take its
     * index (one workspace's history among millions of records) */
    tfa_buf_printf(sql,
                   " FROM records WHERE seq >= ?1 AND (?2 = 0 OR seq <= ?2) AND time >= ?3"
                   " AND %s AND (?5 IS NULL OR verdict = ?5)",
                   s->workspace ? "workspace = ?4" : "?4 IS NULL");
    if (s->n_paths)
        tfa_buf_puts(sql, " AND json_extract(body, '$.record' || substr(?6, 2)) IS NOT NULL");
    if (s->only_summaries)
        tfa_buf_puts(sql, S(l)->schema >= 3 ? " AND audit_summary IS NOT NULL" : " AND 0");
    if (s->only_audits)
        tfa_buf_puts(sql, S(l)->schema >= 4 ? " AND audit IS NOT NULL"
                                            : " AND " LEGACY_AUDIT " IS NOT NULL");
    tfa_buf_printf(sql, " ORDER BY seq %s", s->descending ? "DESC" : "ASC");
    return tfa_buf_status(sql);
}

static int sq_scan(tfa_ledger *l, const tfa__ledger_scan *s, tfa__ledger_row_cb cb, void *payload,
                   tfa_error *err)
{
    const char *values[TFA_LEDGER_JSON_PATHS];
    tfa__ledger_row row;
    sqlite3_stmt *st = NULL;
    tfa_buf sql;
    int rc, stop = 0, c;
    size_t i;

    tfa_buf_init(&sql, TFA_BUF_NO_MAX);
    if (scan_sql(l, s, &sql) != 0) {
        tfa_buf_release(&sql);
        return tfa_error_oom(err);
    }
    rc = sqlite3_prepare_v2(S(l)->db, sql.ptr, -1, &st, NULL);
    tfa_buf_release(&sql);
    rc = rc ? rc : sqlite3_bind_int64(st, 1, s->from_seq);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, s->to_seq);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, s->since);
    rc = rc ? rc : BIND_STR(st, 4, s->workspace);
    rc = rc ? rc : BIND_STR(st, 5, s->verdict);
    for (i = 0; rc == SQLITE_OK && i < s->n_paths; i++)
        rc = BIND_STR(st, (int)i + 6, s->paths[i]);
    memset(&row, 0, sizeof(row));
    row.values = values;
    while (rc == SQLITE_OK && !stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        row.seq = sqlite3_column_int64(st, 0);
        row.time = sqlite3_column_int64(st, 1);
        row.time_utc = text(st, 2);
        row.workspace = text(st, 3);
        row.window = text(st, 4);
        row.operator_name = text(st, 5);
        row.verdict = text(st, 6);
        row.tool_version = text(st, 7);
        row.prev_hash = text(st, 8);
        row.hash = text(st, 9);
        c = 10;
        if (s->with_body) {
            row.body = text(st, 10);
            row.body_len = (size_t)sqlite3_column_bytes(st, 10);
            row.signature = text(st, 11);
            c = 12;
        }
        if (s->with_summary) {
            row.audit_summary = text(st, c++);
            row.audit = text(st, c++);
        }
        if (s->only_audits) {
            row.audit_id = text(st, c++);
            row.audit_shard = text(st, c++);
        }
        for (i = 0; i < s->n_paths; i++)
            values[i] = text(st, c + (int)i);
        stop = cb(&row, payload);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE || rc == SQLITE_OK ? 0 : sql_error(l, rc, "reading the records", err);
}

static const tfa__ledger_backend sqlite_backend = {
    .close = sq_close,
    .begin_write = sq_begin_write,
    .begin_read = sq_begin_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .head = sq_head,
    .insert = sq_insert,
    .count = sq_count,
    .scan = sq_scan,
};

int tfa__ledger_sqlite_open(tfa_ledger *l, const char *path, tfa_error *err)
{
    struct stat st;
    int rc = 0, created = 0, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    if (!(l->impl = tfa_calloc(1, sizeof(sq))))
        return tfa_error_oom(err);
    l->be = &sqlite_backend;
    if (stat(path, &st) != 0) {
        if (!l->opts.create || l->opts.read_only)
            return tfa_error_set(err, TFA_ENOTFOUND, "ledger '%s' does not exist", path);
        if ((rc = make_parents(path, err)) != 0)
            return rc;
        flags |= SQLITE_OPEN_CREATE;
        created = 1;
    }
    if (l->opts.read_only)
        return open_read_only(l, err);
    rc = sqlite3_open_v2(path, &S(l)->db, flags, NULL);
    if (rc != SQLITE_OK)
        rc = sql_error(l, rc, "cannot open the ledger", err);
    else
        rc = prepare(l, err);
    if (rc && created)
        remove_created(l);
    return rc;
}
