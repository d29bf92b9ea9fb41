/*
 * ledger.c - opening, appending to and reading the ledger (see ledger.h;
 * the chain check is in ledger_verify.c).
 *
 * Schema versions are PRAGMA user_version; `migrations[v]` turns version v
 * into v + 1 and runs inside the same IMMEDIATE transaction that bumps
 * user_version, so two processes opening a new ledger at once migrate it
 * exactly once. application_id marks the file as ours, so pointing --ledger
 * at some other SQLite database fails instead of adding tables to it.
 */
#include "util/compat.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "canon.h"
#include "ledger_priv.h"
#include "utc.h"
#include "util/alloc.h"
#include "util/buf.h"

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
};

int tfa__ledger_sql_error(tfa_ledger *ledger, int rc, const char *what, tfa_error *err)
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
                      ledger->db ? sqlite3_errmsg(ledger->db) : sqlite3_errstr(rc));
    tfa_error_set_source(err, ledger->path);
    return status;
}

int tfa_ledger_workspace_check(const char *name, tfa_error *err)
{
    size_t i, n = name ? strlen(name) : 0;

    if (n == 0)
        return tfa_error_set(err, TFA_EUSAGE, "a workspace name is required");
    if (n > TFA_LEDGER_WORKSPACE_MAX)
        return tfa_error_set(err, TFA_EUSAGE, "workspace name longer than %d bytes",
                             TFA_LEDGER_WORKSPACE_MAX);
    for (i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 ((c == '.' || c == '-') && i > 0) || c == '_';
        if (!ok)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "invalid workspace name '%s' (letters, digits, '.', '-', '_')",
                                 name);
    }
    return 0;
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
    int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : tfa__ledger_sql_error(l, rc, what, err);
}

/* The application id, schema version and table count, read by one
 * statement, hence from one snapshot: read one by one, another process's
 * migration could commit in between (id 0 read before, version 2 after) and
 * a new ledger would look like another application's database. */
static int read_header(tfa_ledger *l, int64_t *app, int64_t *version, int64_t *tables,
                       tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db,
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
    return rc == SQLITE_OK ? 0 : tfa__ledger_sql_error(l, rc, "reading the schema", err);
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

    l->schema = v;
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
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    else
        l->schema = TFA_LEDGER_SCHEMA;
    return rc;
}

/* WAL so readers never block the appender; FULL so a committed record
 * survives power loss too, not only a killed process. */
static int configure(tfa_ledger *l, tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    sqlite3_extended_result_codes(l->db, 1);
    sqlite3_busy_timeout(l->db, (int)l->opts.busy_timeout_ms);
    rc = sqlite3_prepare_v2(l->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(st, 0);
        rc = mode && strcmp((const char *)mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return tfa__ledger_sql_error(l, rc, "switching to WAL mode", err);
    return exec(l, "PRAGMA synchronous = FULL", "configuring", err);
}

/* Exponential backoff with jitter, 1 ms to about 100 ms, so two appenders
 * that collided do not collide again in lockstep. */
static void backoff(unsigned attempt)
{
    unsigned shift = attempt < 7 ? attempt : 7;
    uint32_t jitter = ((uint32_t)getpid() * 2654435761u + attempt * 40503u) % 1000u;
    struct timespec ts;
    long us = (1L << shift) * 800L + (long)jitter;
    ts.tv_sec = 0;
    ts.tv_nsec = us * 1000L;
    nanosleep(&ts, NULL);
}

/* Configure and migrate. Switching a new file to WAL needs an exclusive
 * lock for which SQLite does not call the busy handler, so two processes
 * creating the same ledger retry here. */
static int prepare(tfa_ledger *l, tfa_error *err)
{
    tfa_error attempt_err;
    unsigned attempt;
    int rc;

    for (attempt = 0;; attempt++) {
        tfa_error_init(&attempt_err);
        rc = configure(l, &attempt_err);
        rc = rc ? rc : migrate(l, &attempt_err);
        if (rc != TFA_ECONFLICT || attempt + 1 >= l->opts.append_attempts)
            break;
        backoff(attempt);
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
        sqlite3_close(l->db);
        l->db = NULL;
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
        rc = sqlite3_open_v2(uri.ptr, &l->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
            rc = tfa__ledger_sql_error(l, rc, "cannot open the ledger", &pass_err);
            break;
        }
        sqlite3_extended_result_codes(l->db, 1);
        sqlite3_busy_timeout(l->db, (int)l->opts.busy_timeout_ms);
        rc = schema_version(l, &v, &pass_err);
        if (rc == 0 || access(l->path, W_OK) == 0)
            break;
    }
    if (rc && err && err->status == 0)
        *err = pass_err;
    tfa_buf_release(&uri);
    l->schema = v;
    return rc;
}

/* A new file that could not be made a ledger goes away again, so a failed
 * gate leaves no empty ledger behind. */
static void remove_created(tfa_ledger *l)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[PATH_MAX];
    size_t i;

    sqlite3_close(l->db);
    l->db = NULL;
    for (i = 0; i < TFA_ARRAY_SIZE(suffixes); i++)
        if ((size_t)snprintf(path, sizeof(path), "%s%s", l->path, suffixes[i]) < sizeof(path))
            unlink(path);
}

int tfa_ledger_open(tfa_ledger **out, const char *path, const tfa_ledger_options *opts,
                    tfa_error *err)
{
    tfa_ledger_options defaults = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    struct stat st;
    int rc = 0, created = 0, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    *out = NULL;
    if (!(l = tfa_calloc(1, sizeof(*l))) || !(l->path = tfa_strdup(path))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    l->opts = opts ? *opts : defaults;
    if (stat(path, &st) != 0) {
        if (!l->opts.create || l->opts.read_only) {
            rc = tfa_error_set(err, TFA_ENOTFOUND, "ledger '%s' does not exist", path);
            goto done;
        }
        if ((rc = make_parents(path, err)) != 0)
            goto done;
        flags |= SQLITE_OPEN_CREATE;
        created = 1;
    }
    if (l->opts.read_only) {
        rc = open_read_only(l, err);
        goto done;
    }
    rc = sqlite3_open_v2(path, &l->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = tfa__ledger_sql_error(l, rc, "cannot open the ledger", err);
        goto done;
    }
    rc = prepare(l, err);
done:
    if (rc && created && l)
        remove_created(l);
    if (rc)
        tfa_ledger_free(l);
    else
        *out = l;
    return rc;
}

void tfa_ledger_free(tfa_ledger *ledger)
{
    if (!ledger)
        return;
    sqlite3_close(ledger->db);
    tfa_free(ledger->path);
    tfa_free(ledger);
}

void tfa_ledger_set_signer(tfa_ledger *ledger, const tfa_signer *signer)
{
    ledger->signer = signer;
}

void tfa_ledger_record_free(tfa_ledger_record *rec)
{
    if (!rec)
        return;
    tfa_free(rec->key_id);
    tfa_free(rec->signature);
    tfa_free(rec->workspace);
    tfa_free(rec->window);
    tfa_free(rec->operator_name);
    tfa_free(rec->verdict);
    tfa_free(rec->tool_version);
    tfa_free(rec->body);
    json_decref(rec->record);
    tfa_free(rec);
}

/* ---- appending ---------------------------------------------------------- */

static int check_text(const char *s, const char *what, tfa_error *err)
{
    json_t *j;
    if (!s)
        return 0;
    if (!(j = json_string(s))) /* jansson validates UTF-8 */
        return tfa_error_set(err, TFA_EUSAGE, "%s is not valid UTF-8", what);
    json_decref(j);
    return 0;
}

static int check_entry(const tfa_ledger_entry *e, tfa_error *err)
{
    int rc = tfa_ledger_workspace_check(e->workspace, err);
    if (rc)
        return rc;
    if (!e->verdict || (strcmp(e->verdict, "GO") != 0 && strcmp(e->verdict, "NO-GO") != 0))
        return tfa_error_set(err, TFA_EUSAGE, "verdict must be GO or NO-GO");
    if (!json_is_object(e->record))
        return tfa_error_set(err, TFA_EUSAGE, "the verdict record must be a JSON object");
    rc = check_text(e->window, "the window", err);
    rc = rc ? rc : check_text(e->operator_name, "the operator", err);
    return rc ? rc : check_text(e->tool_version, "the tool version", err);
}

static void put_member(tfa_buf *b, const char *key, const char *value)
{
    tfa_canon_string(b, key, strlen(key));
    tfa_buf_putc(b, ':');
    if (value)
        tfa_canon_string(b, value, strlen(value));
    else
        tfa_buf_puts(b, "null");
}

/* The envelope of ledger.h, written directly in canonical form (keys in
 * byte order); ledger_verify.c recomputes it with the generic writer. */
static int envelope(tfa_buf *b, const tfa_ledger_entry *e, int64_t seq, const char *prev,
                    const char *key_id, const tfa_buf *record)
{
    char iso[TFA_UTC_ISO_SIZE];

    tfa_utc_format_iso(e->time, iso);
    tfa_buf_putc(b, '{');
    put_member(b, "format", TFA_LEDGER_FORMAT);
    tfa_buf_putc(b, ',');
    if (key_id) { /* only signed records have it: unsigned bodies stay as schema 1 wrote them */
        put_member(b, "key", key_id);
        tfa_buf_putc(b, ',');
    }
    put_member(b, "operator", e->operator_name);
    tfa_buf_putc(b, ',');
    put_member(b, "prev", prev);
    tfa_buf_puts(b, ",\"record\":");
    tfa_buf_put(b, record->ptr, record->len);
    tfa_buf_printf(b, ",\"seq\":%lld,", (long long)seq);
    put_member(b, "time", iso);
    tfa_buf_putc(b, ',');
    put_member(b, "tool_version", e->tool_version);
    tfa_buf_putc(b, ',');
    put_member(b, "verdict", e->verdict);
    tfa_buf_putc(b, ',');
    put_member(b, "window", e->window);
    tfa_buf_putc(b, ',');
    put_member(b, "workspace", e->workspace);
    return tfa_buf_putc(b, '}');
}

void tfa__ledger_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* The head: last sequence number and hash. */
static int read_head(tfa_ledger *l, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX], tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(l->db, "SELECT seq, hash FROM chain_head WHERE id = 1", -1, &st, NULL);
    const unsigned char *h;

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        h = sqlite3_column_text(st, 1);
        snprintf(hash, TFA_LEDGER_HASH_HEX, "%s", h ? (const char *)h : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        tfa_error_set(err, TFA_EINPUT,
                      "the ledger's chain head is missing; run 'tfaudit ledger verify'");
        tfa_error_set_source(err, l->path);
        return TFA_EINPUT;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : tfa__ledger_sql_error(l, rc, "reading the chain head", err);
}

int tfa_ledger_head(tfa_ledger *ledger, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX],
                    tfa_error *err)
{
    return read_head(ledger, seq, hash, err);
}

int tfa_ledger_id(tfa_ledger *ledger, char out[TFA_LEDGER_HASH_HEX], tfa_error *err)
{
    sqlite3_stmt *st = NULL;
    const unsigned char *h;
    int rc =
        sqlite3_prepare_v2(ledger->db, "SELECT hash FROM records WHERE seq = 1", -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        h = sqlite3_column_text(st, 0);
        snprintf(out, TFA_LEDGER_HASH_HEX, "%s", h ? (const char *)h : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        tfa_error_set(err, TFA_ENOTFOUND, "the ledger is empty");
        tfa_error_set_source(err, ledger->path);
        return TFA_ENOTFOUND;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : tfa__ledger_sql_error(ledger, rc, "reading record 1", err);
}

static int insert(tfa_ledger *l, const tfa_ledger_entry *e, int64_t seq, const char *prev,
                  const char *hash, const tfa_buf *body, const char *signature, tfa_error *err)
{
    static const char sql[] =
        "INSERT INTO records (seq, time, time_utc, workspace, apply_window, operator, verdict,"
        " tool_version, prev_hash, hash, body, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
        " ?9, ?10, ?11, ?12);";
    char iso[TFA_UTC_ISO_SIZE];
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);

    tfa_utc_format_iso(e->time, iso);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_int64(st, 2, e->time);
        tfa__ledger_bind_text(st, 3, iso);
        tfa__ledger_bind_text(st, 4, e->workspace);
        tfa__ledger_bind_text(st, 5, e->window);
        tfa__ledger_bind_text(st, 6, e->operator_name);
        tfa__ledger_bind_text(st, 7, e->verdict);
        tfa__ledger_bind_text(st, 8, e->tool_version);
        tfa__ledger_bind_text(st, 9, prev);
        tfa__ledger_bind_text(st, 10, hash);
        sqlite3_bind_text(st, 11, body->ptr, (int)body->len, SQLITE_STATIC);
        tfa__ledger_bind_text(st, 12, signature);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(l->db, "UPDATE chain_head SET seq = ?1, hash = ?2 WHERE id = 1", -1,
                                &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, seq);
            tfa__ledger_bind_text(st, 2, hash);
            rc = sqlite3_step(st);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        sqlite3_finalize(st);
    }
    return rc == SQLITE_OK ? 0 : tfa__ledger_sql_error(l, rc, "writing the record", err);
}

char *tfa__ledger_dup(const char *s, int *oom)
{
    char *d = s ? tfa_strdup(s) : NULL;
    if (s && !d)
        *oom = 1;
    return d;
}

/* The record as stored, from what was just written. Takes `body`. */
static int stored(tfa_ledger_record **out, const tfa_ledger *l, const tfa_ledger_entry *e,
                  int64_t seq, const char *prev, const char *hash, const char *signature,
                  tfa_buf *body, tfa_error *err)
{
    tfa_ledger_record *r = tfa_calloc(1, sizeof(*r));
    int oom = !r;

    if (r) {
        r->id = seq;
        r->time = e->time;
        r->workspace = tfa__ledger_dup(e->workspace, &oom);
        r->window = tfa__ledger_dup(e->window, &oom);
        r->operator_name = tfa__ledger_dup(e->operator_name, &oom);
        r->verdict = tfa__ledger_dup(e->verdict, &oom);
        r->tool_version = tfa__ledger_dup(e->tool_version, &oom);
        r->key_id = tfa__ledger_dup(l->signer ? tfa_signer_key_id(l->signer) : NULL, &oom);
        r->signature = tfa__ledger_dup(l->signer ? signature : NULL, &oom);
        snprintf(r->hash, sizeof(r->hash), "%s", hash);
        snprintf(r->prev_hash, sizeof(r->prev_hash), "%s", prev);
        r->record = json_deep_copy(e->record);
        oom |= !r->record;
        r->body = tfa_buf_detach(body, &r->body_len);
        oom |= !r->body;
    }
    if (oom) {
        tfa_ledger_record_free(r);
        return tfa_error_oom(err);
    }
    *out = r;
    return 0;
}

/* Chain and insert one record inside the open transaction; *seq and
 * prev are the head before, and are advanced. */
static int chain_one(tfa_ledger *l, const tfa_ledger_entry *e, const tfa_buf *record, int64_t *seq,
                     char prev[TFA_LEDGER_HASH_HEX], tfa_buf *body, char hash[TFA_LEDGER_HASH_HEX],
                     char sig[TFA_SIG_B64_SIZE], tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES];
    int rc;

    tfa_buf_clear(body);
    (*seq)++;
    if (envelope(body, e, *seq, prev, l->signer ? tfa_signer_key_id(l->signer) : NULL, record) != 0)
        return tfa_error_oom(err);
    tfa_sha256_digest(body->ptr, body->len, digest);
    tfa_sha256_hex(digest, hash);
    /* signed inside the transaction: the signature covers the seq and
     * prev this record really gets */
    if (l->signer && (rc = tfa_signer_sign(l->signer, body->ptr, body->len, sig, err)) != 0)
        return rc;
    if ((rc = insert(l, e, *seq, prev, hash, body, l->signer ? sig : NULL, err)) != 0)
        return rc;
    return 0;
}

/* One attempt: the head read and the inserts share one write transaction. */
static int append_once(tfa_ledger_record **out, tfa_ledger *l, const tfa_ledger_entry *e,
                       const tfa_buf *records, size_t n, int64_t *first_id, tfa_error *err)
{
    char prev[TFA_LEDGER_HASH_HEX], hash[TFA_LEDGER_HASH_HEX], last_prev[TFA_LEDGER_HASH_HEX];
    char sig[TFA_SIG_B64_SIZE] = "";
    tfa_buf body;
    int64_t seq = 0;
    size_t i;
    int rc;

    tfa_buf_init(&body, TFA_BUF_NO_MAX);
    if ((rc = exec(l, "BEGIN IMMEDIATE", "starting the append", err)) != 0)
        goto done;
    if ((rc = read_head(l, &seq, prev, err)) != 0)
        goto done;
    if (first_id)
        *first_id = seq + 1;
    for (i = 0; i < n && rc == 0; i++) {
        memcpy(last_prev, prev, sizeof(prev));
        rc = chain_one(l, &e[i], &records[i], &seq, prev, &body, hash, sig, err);
        memcpy(prev, hash, sizeof(prev));
    }
    rc = rc ? rc : exec(l, "COMMIT", "committing the record", err);
    if (rc == 0 && out)
        rc = stored(out, l, &e[n - 1], seq, last_prev, hash, sig, &body, err);
done:
    if (rc && !sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    tfa_buf_release(&body);
    return rc;
}

/* Canonical records of `n` entries, then attempts until one wins the lock. */
static int append_entries(tfa_ledger_record **out, tfa_ledger *ledger,
                          const tfa_ledger_entry *entries, size_t n, int64_t *first_id,
                          tfa_error *err)
{
    tfa_buf *records = NULL;
    tfa_error attempt_err;
    unsigned attempt;
    size_t i;
    int rc = 0;

    if (ledger->opts.read_only) {
        tfa_error_set(err, TFA_EUSAGE, "the ledger was opened read-only");
        tfa_error_set_source(err, ledger->path);
        return TFA_EUSAGE;
    }
    if (!(records = tfa_calloc(n ? n : 1, sizeof(*records))))
        return tfa_error_oom(err);
    for (i = 0; i < n; i++)
        tfa_buf_init(&records[i], TFA_BUF_NO_MAX);
    for (i = 0; i < n && rc == 0; i++)
        if ((rc = check_entry(&entries[i], err)) == 0)
            rc = tfa_canon_json(&records[i], entries[i].record, err);
    for (attempt = 0; rc == 0 && n > 0; attempt++) {
        tfa_error_init(&attempt_err);
        rc = append_once(out, ledger, entries, records, n, first_id, &attempt_err);
        if (rc != TFA_ECONFLICT || attempt + 1 >= ledger->opts.append_attempts) {
            if (rc == TFA_ECONFLICT) {
                tfa_error_clear(&attempt_err);
                tfa_error_set(&attempt_err, rc, "ledger still busy after %u attempts", attempt + 1);
                tfa_error_set_source(&attempt_err, ledger->path);
            }
            if (rc && err && err->status == 0)
                *err = attempt_err;
            break;
        }
        backoff(attempt);
    }
    for (i = 0; i < n; i++)
        tfa_buf_release(&records[i]);
    tfa_free(records);
    return rc;
}

int tfa_ledger_append(tfa_ledger_record **out, tfa_ledger *ledger, const tfa_ledger_entry *entry,
                      tfa_error *err)
{
    if (out)
        *out = NULL;
    return append_entries(out, ledger, entry, 1, NULL, err);
}

int tfa_ledger_append_batch(tfa_ledger *ledger, const tfa_ledger_entry *entries, size_t n,
                            int64_t *first_id, tfa_error *err)
{
    return append_entries(NULL, ledger, entries, n, first_id, err);
}
