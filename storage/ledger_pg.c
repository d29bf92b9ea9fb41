/*
 * ledger_pg.c - the shared ledger backend: PostgreSQL through libpq (see
 * ledger_priv.h for what a backend does, ledger.h for the guarantees).
 *
 * The tables live in their own schema, "tfaudit", so a ledger can share a
 * database with anything else; tfaudit.meta holds the schema version, and
 * `migrations[v]` turns version v into v + 1 inside one transaction that
 * holds the ledger's advisory lock, so two processes opening a new ledger
 * migrate it once.
 *
 * Appends are serialized by a transaction-level advisory lock taken first
 * in the write transaction: the head read, inserts and head update of one
 * appender never interleave with another's, on any machine, and the lock
 * goes with the transaction whether it commits, fails or the connection
 * drops. synchronous_commit is forced on for this session, so a COMMIT that
 * returned is on disk before any verdict is reported.
 *
 * A dropped connection (server restart, network) fails the attempt with
 * TFA_ECONFLICT, which the front retries after a backoff: the next attempt
 * reconnects. The one ambiguous moment is a connection lost while COMMIT
 * was in flight; then the head is read again after reconnecting, and the
 * commit happened exactly when the head is the hash this append wrote.
 *
 * Large reads go through a cursor fetched in batches, so a year-sized
 * ledger is verified in bounded memory.
 */
#include "util/compat.h"

#include <libpq-fe.h>

#include "ledger_priv.h"
#include "util/alloc.h"
#include "util/buf.h"

#define PG_SCHEMA      2            /* tfaudit.meta.schema_version this build writes */
#define PG_LOCK_KEY    "1952866677" /* 0x74666175, "tfau": the append and migration lock */
#define PG_FETCH_ROWS  "1000"
#define PG_CONNECT_SEC "10"

typedef struct pg {
    PGconn *conn;
    char *url; /* kept for reconnecting; holds the password: never printed */
    int in_tx;
    unsigned cursors; /* names nested cursors apart */
    int schema;       /* the database's schema version (older when opened read-only) */
} pg;

#define P(l) ((pg *)(l)->impl)

/* The "audit" member of a body, where it is an object (what the audit
 * column holds from schema 2 on, and stands in for it before). */
#define LEGACY_AUDIT                                                                               \
    "(CASE WHEN json_typeof(body::json #> '{record,audit}') = 'object'"                            \
    " THEN (body::json #> '{record,audit}')::text END)"

static const char *const migrations[] = {
    /* 0 -> 1: records, the indexes listings and history read by, the chain head. */
    "CREATE SCHEMA IF NOT EXISTS tfaudit;"
    "CREATE TABLE tfaudit.meta ("
    " id integer PRIMARY KEY CHECK (id = 1),"
    " application text NOT NULL,"
    " schema_version integer NOT NULL);"
    "CREATE TABLE tfaudit.records ("
    " seq bigint PRIMARY KEY," /* 1, 2, 3... gapless */
    " time bigint NOT NULL,"   /* seconds since the epoch, UTC */
    " time_utc text NOT NULL,"
    " workspace text NOT NULL,"
    " apply_window text,"
    " operator text,"
    " verdict text NOT NULL,"
    " tool_version text,"
    " prev_hash text NOT NULL,"
    " hash text NOT NULL,"
    " body text NOT NULL," /* the canonical bytes the hash covers, as written */
    " signature text,"
    " audit_summary text);" /* canonical JSON of the record's "audit_summary" */
    "CREATE INDEX records_workspace_time ON tfaudit.records (workspace, time);"
    "CREATE INDEX records_audit_summary ON tfaudit.records (seq) WHERE audit_summary IS NOT NULL;"
    "CREATE INDEX records_time ON tfaudit.records (time);"
    "CREATE TABLE tfaudit.chain_head ("
    " id integer PRIMARY KEY CHECK (id = 1),"
    " seq bigint NOT NULL,"
    " hash text NOT NULL);"
    "INSERT INTO tfaudit.chain_head (id, seq, hash) VALUES (1, 0, '" TFA__LEDGER_GENESIS "');"
    "INSERT INTO tfaudit.meta (id, application, schema_version) VALUES (1, 'tfaudit', 0);",
    /* 1 -> 2: the "audit" object of each workspace's record of a nightly
     * audit, indexed where present, so the previous audit is read without
     * parsing bodies. Earlier records get theirs from the body: the json
     * type keeps the text, so it is the member's canonical form, which
     * verify checks. */
    "ALTER TABLE tfaudit.records ADD COLUMN audit text;"
    "UPDATE tfaudit.records SET audit = " LEGACY_AUDIT ";"
    "CREATE INDEX records_audit ON tfaudit.records (seq) WHERE audit IS NOT NULL;",
};

/* The first line of libpq's message (it may span lines). */
static void first_line(char *out, size_t n, const char *msg)
{
    size_t len = msg ? strcspn(msg, "\n") : 0;
    snprintf(out, n, "%.*s", (int)len, msg ? msg : "");
}

/* Is a failure one a retry can get past: the connection went away, the
 * server is restarting, or a serialization/deadlock failure. */
static int transient(PGconn *conn, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(conn) != CONNECTION_OK)
        return 1;
    if (!state)
        return res == NULL;
    return strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 ||
           strcmp(state, "40P01") == 0 || strncmp(state, "57P", 3) == 0;
}

static int pg_error(tfa_ledger *l, const PGresult *res, const char *what, tfa_error *err)
{
    char detail[TFA_ERROR_MESSAGE_MAX];
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* without the lock, two appenders can race for the same seq */
    int lost_race = l->opts.serializable && state && strcmp(state, "23505") == 0;

    if (!msg || !*msg)
        msg = PQerrorMessage(P(l)->conn);
    first_line(detail, sizeof(detail), msg);
    return tfa__ledger_error(l, lost_race || transient(P(l)->conn, res) ? TFA_ECONFLICT : TFA_EIO,
                             what, *detail ? detail : "connection lost", err);
}

/* Run a statement with text parameters; *out the result when wanted. */
static int run(tfa_ledger *l, const char *sql, int n, const char *const *params, PGresult **out,
               const char *what, tfa_error *err)
{
    PGresult *res = PQexecParams(P(l)->conn, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = pg_error(l, res, what, err);
    if (rc == 0 && out)
        *out = res;
    else
        PQclear(res);
    return rc;
}

/* Statements without parameters, possibly several (simple protocol). */
static int exec(tfa_ledger *l, const char *sql, const char *what, tfa_error *err)
{
    PGresult *res = PQexec(P(l)->conn, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : pg_error(l, res, what, err);
    PQclear(res);
    return rc;
}

/* (Re)connect with the session settings every statement relies on. */
static int connect_db(tfa_ledger *l, tfa_error *err)
{
    /* connect_timeout before dbname: a value in the URL itself wins */
    const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *const vals[] = {PG_CONNECT_SEC, "tfaudit", P(l)->url, NULL};
    char detail[TFA_ERROR_MESSAGE_MAX];
    pg *p = P(l);

    if (p->conn)
        PQfinish(p->conn);
    p->in_tx = 0;
    p->conn = PQconnectdbParams(keys, vals, 1);
    if (!p->conn)
        return tfa_error_oom(err);
    if (PQstatus(p->conn) != CONNECTION_OK) {
        first_line(detail, sizeof(detail), PQerrorMessage(p->conn));
        return tfa__ledger_error(l, TFA_EIO, "cannot connect to the ledger", detail, err);
    }
    if (PQsetClientEncoding(p->conn, "UTF8") != 0)
        return pg_error(l, NULL, "setting the client encoding", err);
    /* a record reported recorded is on the server's disk, whatever the
     * server's default; reads of a read-only ledger cannot write */
    return exec(l,
                l->opts.read_only ? "SET synchronous_commit = on;"
                                    " SET default_transaction_read_only = on"
                                  : "SET synchronous_commit = on",
                "configuring the session", err);
}

/* The schema version, or 0 when the tables are not there. */
static int schema_version(tfa_ledger *l, int *version, tfa_error *err)
{
    PGresult *res = NULL;
    int rc = run(l, "SELECT CASE WHEN to_regclass('tfaudit.meta') IS NULL THEN -1 END", 0, NULL,
                 &res, "reading the schema", err);

    *version = 0;
    if (rc)
        return rc;
    if (!PQgetisnull(res, 0, 0)) { /* no meta table: a new ledger */
        PQclear(res);
        return 0;
    }
    PQclear(res);
    res = NULL;
    if ((rc = run(l, "SELECT application, schema_version FROM tfaudit.meta WHERE id = 1", 0, NULL,
                  &res, "reading the schema", err)) != 0)
        return rc;
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "tfaudit") != 0)
        rc = tfa__ledger_error(l, TFA_EINPUT, "not a tfaudit ledger",
                               "schema tfaudit belongs to another application", err);
    else
        *version = (int)strtol(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    if (rc == 0 && *version > PG_SCHEMA) {
        char detail[96];
        snprintf(detail, sizeof(detail), "version %d is newer than this tfaudit's (%d)", *version,
                 PG_SCHEMA);
        rc = tfa__ledger_error(l, TFA_EVERSION, "ledger schema", detail, err);
    }
    return rc;
}

static int migrate(tfa_ledger *l, tfa_error *err)
{
    char sql[96];
    int v = 0, rc = schema_version(l, &v, err);

    P(l)->schema = v;
    if (rc || v == PG_SCHEMA)
        return rc;
    if (v == 0 && (l->opts.read_only || !l->opts.create))
        return tfa__ledger_error(l, TFA_ENOTFOUND, "no ledger",
                                 "the database holds no tfaudit ledger", err);
    if (l->opts.read_only)
        return 0; /* read an older schema as it is */
    if ((rc = exec(l, "BEGIN; SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")",
                   "upgrading the schema", err)) != 0)
        return rc;
    rc = schema_version(l, &v, err); /* another process may have done it meanwhile */
    for (; rc == 0 && v < PG_SCHEMA; v++)
        rc = exec(l, migrations[v], "upgrading the schema", err);
    if (rc == 0) {
        snprintf(sql, sizeof(sql), "UPDATE tfaudit.meta SET schema_version = %d WHERE id = 1",
                 PG_SCHEMA);
        rc = exec(l, sql, "upgrading the schema", err);
    }
    rc = rc ? rc : exec(l, "COMMIT", "upgrading the schema", err);
    if (rc)
        PQclear(PQexec(P(l)->conn, "ROLLBACK"));
    else
        P(l)->schema = PG_SCHEMA;
    return rc;
}

/* ---- the backend operations ---------------------------------------------- */

static void pg_close(tfa_ledger *l)
{
    pg *p = P(l);
    if (!p)
        return;
    PQfinish(p->conn);
    if (p->url)
        explicit_bzero(p->url, strlen(p->url));
    tfa_free(p->url);
    tfa_free(p);
    l->impl = NULL;
}

/* A dropped connection is re-made before a transaction starts (the front
 * retries an attempt that failed because of it). */
static int begin(tfa_ledger *l, const char *sql, const char *what, tfa_error *err)
{
    tfa_error cerr;
    int rc;

    if (PQstatus(P(l)->conn) != CONNECTION_OK) {
        tfa_error_init(&cerr);
        if ((rc = connect_db(l, &cerr)) != 0)
            return rc == TFA_ENOMEM
                       ? tfa_error_oom(err)
                       : tfa__ledger_error(l, TFA_ECONFLICT, "connection lost", cerr.message, err);
    }
    if ((rc = exec(l, sql, what, err)) == 0)
        P(l)->in_tx = 1;
    else
        PQclear(PQexec(P(l)->conn, "ROLLBACK"));
    return rc;
}

static int pg_begin_write(tfa_ledger *l, tfa_error *err)
{
    if (l->opts.serializable) /* conflicts surface as 40001 and are retried */
        return begin(l, "BEGIN ISOLATION LEVEL SERIALIZABLE", "starting the append", err);
    return begin(l, "BEGIN; SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")", "starting the append",
                 err);
}

static int pg_begin_read(tfa_ledger *l, tfa_error *err)
{
    return begin(l, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting to read", err);
}

static int pg_head(tfa_ledger *l, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX], int *found,
                   tfa_error *err)
{
    PGresult *res = NULL;
    int rc = run(l, "SELECT seq, hash FROM tfaudit.chain_head WHERE id = 1", 0, NULL, &res,
                 "reading the chain head", err);

    *found = 0, *seq = 0, hash[0] = '\0';
    if (rc == 0 && PQntuples(res) == 1) {
        *found = 1;
        *seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        snprintf(hash, TFA_LEDGER_HASH_HEX, "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return rc;
}

/* After COMMIT failed with the connection gone: did it happen? */
static int commit_outcome(tfa_ledger *l, const char *expect_head, tfa_error *err)
{
    char hash[TFA_LEDGER_HASH_HEX];
    int64_t seq;
    int found, rc;

    if ((rc = connect_db(l, err)) != 0 || (rc = pg_head(l, &seq, hash, &found, err)) != 0)
        return tfa__ledger_error(l, TFA_ECONFLICT, "connection lost while committing", "retrying",
                                 err);
    if (expect_head && strcmp(hash, expect_head) == 0)
        return 0;
    return tfa__ledger_error(l, TFA_ECONFLICT, "connection lost while committing",
                             "the record was not written; retrying", err);
}

static int pg_commit(tfa_ledger *l, const char *expect_head, tfa_error *err)
{
    PGresult *res = PQexec(P(l)->conn, "COMMIT");
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;

    P(l)->in_tx = 0;
    if (st != PGRES_COMMAND_OK) {
        if (PQstatus(P(l)->conn) != CONNECTION_OK && expect_head)
            rc = commit_outcome(l, expect_head, err);
        else
            rc = pg_error(l, res, "committing", err);
    }
    PQclear(res);
    return rc;
}

static void pg_rollback(tfa_ledger *l)
{
    if (P(l)->in_tx && PQstatus(P(l)->conn) == CONNECTION_OK)
        PQclear(PQexec(P(l)->conn, "ROLLBACK"));
    P(l)->in_tx = 0;
}

static int pg_insert(tfa_ledger *l, const tfa__ledger_row *r, tfa_error *err)
{
    static const char sql[] =
        "INSERT INTO tfaudit.records (seq, time, time_utc, workspace, apply_window, operator,"
        " verdict, tool_version, prev_hash, hash, body, signature, audit_summary, audit) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
    char seq[24], time[24];
    const char *params[14] = {seq,
                              time,
                              r->time_utc,
                              r->workspace,
                              r->window,
                              r->operator_name,
                              r->verdict,
                              r->tool_version,
                              r->prev_hash,
                              r->hash,
                              r->body,
                              r->signature,
                              r->audit_summary,
                              r->audit};
    const char *head[2] = {seq, r->hash};
    int rc;

    snprintf(seq, sizeof(seq), "%lld", (long long)r->seq);
    snprintf(time, sizeof(time), "%lld", (long long)r->time);
    if ((rc = run(l, sql, 14, params, NULL, "writing the record", err)) != 0)
        return rc;
    return run(l, "UPDATE tfaudit.chain_head SET seq = $1, hash = $2 WHERE id = 1", 2, head, NULL,
               "writing the record", err);
}

static int pg_count(tfa_ledger *l, int64_t from_seq, int64_t *n, tfa_error *err)
{
    char from[24];
    const char *params[1] = {from};
    PGresult *res = NULL;
    int rc;

    snprintf(from, sizeof(from), "%lld", (long long)from_seq);
    rc = run(l, "SELECT count(*) FROM tfaudit.records WHERE seq >= $1", 1, params, &res,
             "counting the records", err);
    if (rc == 0)
        *n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

/* The scan's query: only the number of paths and the flags shape it; every
 * value is a parameter. The body is parsed once per row (jsonb), in an
 * inner query that walks the primary key in order: the outer query keeps
 * that order without sorting, so rows stream through the cursor and a
 * reader that stops early (the newest audits) reads only what it needs. */
static int scan_sql(tfa_ledger *l, const tfa__ledger_scan *s, const char *cursor, tfa_buf *sql)
{
    const char *dir = s->descending ? "DESC" : "ASC";
    const char *audit = P(l)->schema >= 2 ? "audit" : LEGACY_AUDIT;
    size_t i;

    tfa_buf_printf(sql,
                   "DECLARE %s NO SCROLL CURSOR FOR SELECT seq, time, time_utc, workspace,"
                   " apply_window, operator, verdict, tool_version, prev_hash, hash",
                   cursor);
    if (s->with_body)
        tfa_buf_puts(sql, ", body, signature");
    if (s->with_summary)
        tfa_buf_printf(sql, ", audit_summary, %s", audit);
    if (s->only_audits) /* from the small column, not the body */
        tfa_buf_printf(sql, ", (%s)::json ->> 'id', (%s)::json ->> 'shard'", audit, audit);
    for (i = 0; i < s->n_paths; i++)
        tfa_buf_printf(sql, ", j #>> $%zu::text[]", i + 6);
    tfa_buf_puts(sql, " FROM (SELECT *");
    if (s->n_paths)
        tfa_buf_puts(sql, ", body::jsonb AS j");
    tfa_buf_printf(sql,
                   " FROM tfaudit.records WHERE seq >= $1 AND ($2 = 0 OR seq <= $2)"
                   " AND time >= $3 AND %s AND ($5::text IS NULL OR verdict = $5)%s%s%s%s"
                   " ORDER BY seq %s OFFSET 0) r",
                   s->workspace ? "workspace = $4" : "$4::text IS NULL",
                   s->only_summaries ? " AND audit_summary IS NOT NULL" : "",
                   s->only_audits ? " AND " : "", s->only_audits ? audit : "",
                   s->only_audits ? " IS NOT NULL" : "", dir);
    if (s->n_paths)
        tfa_buf_puts(sql, " WHERE j #>> $6::text[] IS NOT NULL");
    tfa_buf_printf(sql, " ORDER BY seq %s", dir);
    return tfa_buf_status(sql);
}

/* "{record,a,b}" of "$.a.b" (checked by the front). */
static char *pg_path(const char *path)
{
    const char *keys = tfa__ledger_path_keys(path);
    size_t n = keys ? strlen(keys) : 0, i;
    char *out = keys ? tfa_malloc(n + 10) : NULL;

    if (!out)
        return NULL;
    memcpy(out, "{record,", 8);
    for (i = 0; i < n; i++)
        out[8 + i] = keys[i] == '.' ? ',' : keys[i];
    memcpy(out + 8 + n, "}", 2);
    return out;
}

static void row_of(tfa__ledger_row *row, const PGresult *res, int i, const tfa__ledger_scan *s,
                   const char **values)
{
    int c = 10;
    size_t k;
#define V(col) (PQgetisnull(res, i, (col)) ? NULL : PQgetvalue(res, i, (col)))
    row->seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
    row->time = strtoll(PQgetvalue(res, i, 1), NULL, 10);
    row->time_utc = V(2);
    row->workspace = V(3);
    row->window = V(4);
    row->operator_name = V(5);
    row->verdict = V(6);
    row->tool_version = V(7);
    row->prev_hash = V(8);
    row->hash = V(9);
    if (s->with_body) {
        row->body = V(10);
        row->body_len = row->body ? (size_t)PQgetlength(res, i, 10) : 0;
        row->signature = V(11);
        c = 12;
    }
    if (s->with_summary) {
        row->audit_summary = V(c);
        row->audit = V(c + 1);
        c += 2;
    }
    if (s->only_audits) {
        row->audit_id = V(c);
        row->audit_shard = V(c + 1);
        c += 2;
    }
    for (k = 0; k < s->n_paths; k++)
        values[k] = V(c + (int)k);
#undef V
}

static int fetch_all(tfa_ledger *l, const char *cursor, const tfa__ledger_scan *s,
                     tfa__ledger_row_cb cb, void *payload, tfa_error *err)
{
    const char *values[TFA_LEDGER_JSON_PATHS];
    char sql[64];
    tfa__ledger_row row;
    PGresult *res = NULL;
    int rc = 0, stop = 0, n, i;

    snprintf(sql, sizeof(sql), "FETCH " PG_FETCH_ROWS " FROM %s", cursor);
    memset(&row, 0, sizeof(row));
    row.values = values;
    do {
        if ((rc = run(l, sql, 0, NULL, &res, "reading the records", err)) != 0)
            return rc;
        n = PQntuples(res);
        for (i = 0; i < n && !stop; i++) {
            row_of(&row, res, i, s, values);
            stop = cb(&row, payload);
        }
        PQclear(res);
        res = NULL;
    } while (n > 0 && !stop);
    return stop;
}

static int pg_scan(tfa_ledger *l, const tfa__ledger_scan *s, tfa__ledger_row_cb cb, void *payload,
                   tfa_error *err)
{
    char from[24], to[24], since[24], cursor[32], close_sql[48], *paths[TFA_LEDGER_JSON_PATHS];
    const char *params[5 + TFA_LEDGER_JSON_PATHS] = {from, to, since, s->workspace, s->verdict};
    int rc = 0, own_tx = !P(l)->in_tx, oom = 0;
    tfa_error end_err;
    tfa_buf sql;
    size_t i;

    memset(paths, 0, sizeof(paths));
    snprintf(from, sizeof(from), "%lld", (long long)s->from_seq);
    snprintf(to, sizeof(to), "%lld", (long long)s->to_seq);
    snprintf(since, sizeof(since), "%lld", (long long)s->since);
    snprintf(cursor, sizeof(cursor), "tfa_scan_%u", P(l)->cursors++);
    for (i = 0; i < s->n_paths; i++)
        oom |= !(paths[i] = pg_path(s->paths[i]));
    for (i = 0; i < s->n_paths; i++)
        params[5 + i] = paths[i];
    tfa_buf_init(&sql, TFA_BUF_NO_MAX);
    if (oom || scan_sql(l, s, cursor, &sql) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    /* a cursor lives in a transaction: a read snapshot when none is open */
    if (own_tx && (rc = pg_begin_read(l, err)) != 0)
        goto done;
    if ((rc = run(l, sql.ptr, 5 + (int)s->n_paths, params, NULL, "reading the records", err)) ==
        0) {
        rc = fetch_all(l, cursor, s, cb, payload, err);
        snprintf(close_sql, sizeof(close_sql), "CLOSE %s", cursor);
        tfa_error_init(&end_err);
        if (rc >= 0)
            exec(l, close_sql, "reading the records", &end_err);
    }
    if (own_tx) {
        tfa_error_init(&end_err);
        if (rc < 0)
            pg_rollback(l);
        else
            pg_commit(l, NULL, &end_err);
    }
done:
    for (i = 0; i < s->n_paths; i++)
        tfa_free(paths[i]);
    tfa_buf_release(&sql);
    return rc;
}

static const tfa__ledger_backend pg_backend = {
    .close = pg_close,
    .begin_write = pg_begin_write,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .head = pg_head,
    .insert = pg_insert,
    .count = pg_count,
    .scan = pg_scan,
};

int tfa__ledger_pg_open(tfa_ledger *l, const char *url, tfa_error *err)
{
    pg *p = tfa_calloc(1, sizeof(*p));
    int rc;

    if (!p || !(p->url = tfa_strdup(url))) {
        tfa_free(p);
        return tfa_error_oom(err);
    }
    l->impl = p;
    l->be = &pg_backend;
    if ((rc = connect_db(l, err)) != 0)
        return rc;
    return migrate(l, err);
}
