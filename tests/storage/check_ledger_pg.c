/*
 * check_ledger_pg.c - the PostgreSQL ledger against a real server: the
 * throwaway PostgreSQL 15 cluster tests/support/pg_cluster.sh starts (the
 * ctest fixture "pg"; $TFA_PG_STATE names its state directory). Every test
 * gets a database of its own.
 *
 * What must hold on the shared backend as on the embedded one: the same
 * bodies and hashes for the same entries, listings and JSON queries alike,
 * 8 processes appending at once never fork the chain, a server restart in
 * the middle of a burst loses nothing that was reported recorded and
 * records nothing twice, a dropped connection is re-made, `ledger copy`
 * round-trips, and a wrong password or a stopped server is a clear error
 * that never shows the password.
 */
#include "util/compat.h"

#include <sys/time.h>
#include <unistd.h>

#include "ledger_copy.h"
#include "pg_test.h"
#include "storage_test.h"

#define PROCESSES   8
#define PER_PROCESS 200

static tfa_test_pg cluster;
static char cluster_sh[2048];
static int serializable; /* the appenders' mode (children inherit it) */
static char *tmp;

static void setup(void)
{
    const char *src = getenv("TFA_SOURCE_DIR");

    ck_assert_msg(tfa_test_pg_init(&cluster),
                  "TFA_PG_STATE is not set (run through ctest: fixture pg)");
    snprintf(cluster_sh, sizeof(cluster_sh), "%s/tests/support/pg_cluster.sh", src ? src : ".");
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

#define admin(db, sql) tfa_test_pg_admin(&cluster, (db), (sql))
#define new_db(url, n) tfa_test_pg_new_db(&cluster, (url), (n))
#define state          cluster.state
#define password       cluster.password

static tfa_ledger *open_at(const char *url, int create)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;

    tfa_error_init(&err);
    o.create = create;
    ck_assert_tfa_ok(tfa_ledger_open(&l, url, &o, &err), &err);
    return l;
}

static void append(tfa_ledger *l, int64_t time, const char *ws, const char *verdict, json_t *rec,
                   char hash[TFA_LEDGER_HASH_HEX])
{
    tfa_ledger_entry e = {time, ws, "window-1", "ops", verdict, "0.9.0", rec};
    tfa_ledger_record *out = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_append(&out, l, &e, &err), &err);
    if (hash)
        memcpy(hash, out->hash, TFA_LEDGER_HASH_HEX);
    tfa_ledger_record_free(out);
}

static int64_t verify_intact(tfa_ledger *l, const tfa_keyring *trusted)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_error err;

    tfa_error_init(&err);
    vo.trusted = trusted;
    ck_assert_tfa_ok(tfa_ledger_verify_with(l, &vo, &v, &err), &err);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    return v.records;
}

typedef struct collected {
    json_t *rows; /* [[id, workspace, verdict, audit_id, audit], ...] */
} collected;

static int collect_json(const tfa_ledger_summary *s, const char *const *v, void *payload)
{
    collected *c = payload;
    json_t *audit = v[1] ? json_loads(v[1], 0, NULL) : json_null();
    json_array_append_new(c->rows, json_pack("[I, s, s, s?, o]", (json_int_t)s->id, s->workspace,
                                             s->verdict, v[0], audit ? audit : json_null()));
    return 0;
}

static json_t *query(tfa_ledger *l, int descending)
{
    static const char *const paths[] = {"$.gate.audit_id", "$.audit"};
    tfa_ledger_json_query q = {
        .paths = paths, .n_paths = 2, .since = INT64_MIN, .descending = descending};
    collected c = {json_array()};
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_list_json(l, &q, collect_json, &c, &err), &err);
    return c.rows;
}

static int take_summary(const tfa_ledger_summary *r, const char *summary, void *payload)
{
    json_array_append_new(payload, json_pack("[I, s]", (json_int_t)r->id, summary));
    return 0;
}

static json_t *summaries_of(tfa_ledger *l)
{
    json_t *out = json_array();
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_list_audit_summaries(l, INT64_MIN, 1, take_summary, out, &err),
                     &err);
    return out;
}

START_TEST(pg_records_equal_sqlite_records)
{
    char url[700], db[1100], h1[TFA_LEDGER_HASH_HEX], h2[TFA_LEDGER_HASH_HEX];
    tfa_ledger *pg, *sq;
    tfa_ledger_record *a = NULL, *b = NULL;
    json_t *rec = test_record("GO"), *qa, *qb;
    tfa_error err;
    int i;

    new_db(url, sizeof(url));
    snprintf(db, sizeof(db), "%s/ledger.db", tmp);
    pg = open_at(url, 1);
    sq = open_at(db, 1);
    for (i = 0; i < 6; i++) {
        /* audit records carry the objects the history reads; others not */
        if (i % 2)
            json_object_set_new(rec, "gate", json_pack("{s:s}", "audit_id", i < 4 ? "A1" : "A2"));
        else
            json_object_del(rec, "gate");
        json_object_set_new(rec, "audit",
                            json_pack("{s:s, s:i, s:[s]}", "state", "audited", "regressions", i,
                                      "drift", "aws_s3.x \"q\""));
        if (i == 1 || i == 4)
            json_object_set_new(rec, "audit_summary",
                                json_pack("{s:s, s:i}", "audit_id", i < 4 ? "A1" : "A2", "go", i));
        else
            json_object_del(rec, "audit_summary");
        append(pg, 1740823200 + i, i % 2 ? "prod" : "stage", i == 3 ? "NO-GO" : "GO", rec, h1);
        append(sq, 1740823200 + i, i % 2 ? "prod" : "stage", i == 3 ? "NO-GO" : "GO", rec, h2);
        ck_assert_str_eq(h1, h2);
    }
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_get(&a, pg, 4, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_get(&b, sq, 4, &err), &err);
    ck_assert_str_eq(a->body, b->body);
    ck_assert_str_eq(a->verdict, "NO-GO");
    ck_assert_int_eq(verify_intact(pg, NULL), 6);
    qa = summaries_of(pg);
    qb = summaries_of(sq);
    ck_assert_int_eq(json_array_size(qa), 2);
    ck_assert_msg(json_equal(qa, qb), "audit summaries differ between backends");
    json_decref(qa);
    json_decref(qb);
    for (i = 0; i < 2; i++) {
        qa = query(pg, i);
        qb = query(sq, i);
        ck_assert_int_eq(json_array_size(qa), 3); /* records without an audit id are skipped */
        ck_assert_msg(json_equal(qa, qb), "list_json differs between backends");
        json_decref(qa);
        json_decref(qb);
    }
    tfa_ledger_record_free(a);
    tfa_ledger_record_free(b);
    tfa_ledger_free(pg);
    tfa_ledger_free(sq);
    json_decref(rec);
}
END_TEST

/* A child: append `n` records numbered 0..n-1 for `ws`; writes each
 * confirmed record's hash to `log` (one line each) before going on. */
static void appender(const char *url, const char *ws, int n, const char *log)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    json_t *rec = json_object();
    tfa_ledger *l = NULL;
    FILE *f = log ? fopen(log, "w") : NULL;
    char line[2048];
    tfa_error err;
    int i, failed = 0;

    tfa_error_init(&err);
    o.create = 1;
    o.append_attempts = 200; /* rides out a server restart */
    o.serializable = serializable;
    if (tfa_ledger_open(&l, url, &o, &err) != 0)
        goto fail;
    for (i = 0; i < n; i++) {
        tfa_ledger_entry e = {1740823200 + i, ws, NULL, "stress", "GO", "0.9.0", rec};
        tfa_ledger_record *out = NULL;
        json_object_set_new(rec, "n", json_integer(i));
        tfa_error_init(&err);
        if (tfa_ledger_append(&out, l, &e, &err) != 0) {
            failed++;
            continue; /* not reported recorded: may or may not be there */
        }
        if (f) {
            fprintf(f, "%s %d\n", out->hash, i);
            fflush(f);
        }
        tfa_ledger_record_free(out);
    }
    if (failed)
        goto fail;
    tfa_ledger_free(l);
    _exit(0);
fail:
    tfa_error_format(&err, line, sizeof(line));
    fprintf(stderr, "%s: %s (%d failed)\n", ws, line, failed);
    _exit(1);
}

typedef struct seen {
    json_t *by_ws; /* workspace -> next n expected */
    json_t *hashes;
    tfa_ledger *l;
    int bad;
} seen;

static int check_order(const tfa_ledger_summary *s, void *payload)
{
    seen *o = payload;
    tfa_ledger_record *r = NULL;
    json_int_t next = json_integer_value(json_object_get(o->by_ws, s->workspace));
    tfa_error err;

    tfa_error_init(&err);
    if (tfa_ledger_get(&r, o->l, s->id, &err) != 0)
        return 1;
    /* in the order its process wrote them, none twice */
    if (json_integer_value(json_object_get(r->record, "n")) != next)
        o->bad++;
    json_object_set_new(o->by_ws, s->workspace, json_integer(next + 1));
    json_object_set_new(o->hashes, s->hash, json_true());
    tfa_ledger_record_free(r);
    return 0;
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The server restarted (pg_ctl restart -m fast: every connection dropped). */
static void restart_server(void)
{
    pid_t pid = fork();
    int st;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execlp("sh", "sh", cluster_sh, "restart", state, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "pg_cluster.sh restart failed");
}

/* Wait until the ledger at `url` holds `n` records: the burst is under way. */
static void wait_for_records(const char *url, int64_t n)
{
    int64_t seq = 0;
    char hash[TFA_LEDGER_HASH_HEX];
    tfa_ledger *l = open_at(url, 0);
    tfa_error err;
    int i;

    for (i = 0; i < 3000 && seq < n; i++) {
        tfa_error_init(&err);
        ck_assert_tfa_ok(tfa_ledger_head(l, &seq, hash, &err), &err);
        usleep(2000);
    }
    tfa_ledger_free(l);
    ck_assert_msg(seq >= n, "the appenders did not start");
}

/* Appends the children have confirmed so far (lines of their logs). */
static int confirmed(int procs)
{
    char log[1200], *text, *p;
    int i, n = 0;

    for (i = 0; i < procs; i++) {
        snprintf(log, sizeof(log), "%s/p%d.log", tmp, i);
        if (!(text = tfa_test_read_file(log, NULL)))
            continue;
        for (p = text; (p = strchr(p, '\n')) != NULL; p++)
            n++;
        free(text);
    }
    return n;
}

static void run_appenders(const char *url, int procs, int per, int64_t restart_after, double *secs)
{
    pid_t pid[PROCESSES];
    char ws[32], log[1200];
    double t0 = now();
    int i, st;

    for (i = 0; i < procs; i++) {
        snprintf(ws, sizeof(ws), "p%d", i);
        snprintf(log, sizeof(log), "%s/p%d.log", tmp, i);
        pid[i] = fork();
        ck_assert_int_ge(pid[i], 0);
        if (pid[i] == 0)
            appender(url, ws, per, log);
    }
    if (restart_after) {
        wait_for_records(url, restart_after);
        restart_server();
        /* the restart must have hit the burst, not followed it */
        ck_assert_msg(confirmed(procs) < procs * per, "the appends ended before the restart");
    }
    for (i = 0; i < procs; i++) {
        ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "appender %d failed", i);
    }
    *secs = now() - t0;
}

/* Every hash a child reported recorded is in the ledger. */
static void reported_are_there(const seen *o, int procs, int per)
{
    char log[1200], *text, *line, *save = NULL;
    int i, n;

    for (i = 0; i < procs; i++) {
        snprintf(log, sizeof(log), "%s/p%d.log", tmp, i);
        text = tfa_test_read_file(log, NULL);
        ck_assert_ptr_nonnull(text);
        n = 0;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
            line[TFA_LEDGER_HASH_HEX - 1] = '\0';
            ck_assert_msg(json_object_get(o->hashes, line) != NULL,
                          "p%d: record %s was reported recorded and is not in the ledger", i, line);
        }
        ck_assert_int_eq(n, per);
        free(text);
    }
}

static void check_burst(const char *url, int procs, int per)
{
    tfa_ledger *l = open_at(url, 0);
    seen o = {json_object(), json_object(), l, 0};
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(verify_intact(l, NULL), procs * per);
    ck_assert_tfa_ok(tfa_ledger_list(l, NULL, check_order, &o, &err), &err);
    ck_assert_int_eq(o.bad, 0);
    reported_are_there(&o, procs, per);
    json_decref(o.by_ws);
    json_decref(o.hashes);
    tfa_ledger_free(l);
}

START_TEST(pg_eight_processes_append_at_once)
{
    char url[700];
    double secs;
    tfa_ledger *l;

    new_db(url, sizeof(url));
    l = open_at(url, 1); /* created first: the children race on appends only */
    tfa_ledger_free(l);
    run_appenders(url, PROCESSES, PER_PROCESS, 0, &secs);
    fprintf(stderr, "pg: %d processes x %d appends: %.2f s, %.0f appends/s\n", PROCESSES,
            PER_PROCESS, secs, PROCESSES * PER_PROCESS / secs);
    check_burst(url, PROCESSES, PER_PROCESS);
}
END_TEST

/* Without the lock: SERIALIZABLE transactions, conflicts (40001, and the
 * unique seq two appenders race for) retried. */
START_TEST(pg_serializable_appends_retry_their_conflicts)
{
    char url[700];
    double secs;
    tfa_ledger *l;

    new_db(url, sizeof(url));
    l = open_at(url, 1);
    tfa_ledger_free(l);
    serializable = 1;
    run_appenders(url, 4, 100, 0, &secs);
    serializable = 0;
    check_burst(url, 4, 100);
}
END_TEST

START_TEST(pg_server_restart_mid_burst_loses_nothing)
{
    char url[700];
    double secs;
    tfa_ledger *l;

    new_db(url, sizeof(url));
    l = open_at(url, 1);
    tfa_ledger_free(l);
    run_appenders(url, 4, 500, 200, &secs);
    fprintf(stderr, "pg: 4 x 500 appends across a server restart: %.2f s\n", secs);
    check_burst(url, 4, 500);
}
END_TEST

START_TEST(pg_dropped_connection_is_remade)
{
    char url[700], sql[256];
    tfa_ledger *l;
    json_t *rec = json_pack("{s:i}", "n", 1);
    const char *name;

    new_db(url, sizeof(url));
    l = open_at(url, 1);
    append(l, 1740823200, "prod", "GO", rec, NULL);
    name = strrchr(url, '/') + 1;
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'"
             " AND pid <> pg_backend_pid()",
             name);
    admin("postgres", sql);
    append(l, 1740823201, "prod", "NO-GO", rec, NULL);
    ck_assert_int_eq(verify_intact(l, NULL), 2);
    tfa_ledger_free(l);
    json_decref(rec);
}
END_TEST

typedef struct rows {
    json_t *list;
} rows;

static int take_row(const tfa_ledger_summary *s, void *payload)
{
    rows *r = payload;
    json_array_append_new(r->list, json_string(s->hash));
    return 0;
}

static json_t *all_records(tfa_ledger *l)
{
    json_t *out = json_array();
    int64_t seq, id;
    char hash[TFA_LEDGER_HASH_HEX];
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_head(l, &seq, hash, &err), &err);
    for (id = 1; id <= seq; id++) {
        tfa_ledger_record *r = NULL;
        ck_assert_tfa_ok(tfa_ledger_get(&r, l, id, &err), &err);
        json_array_append_new(out, json_pack("[s, s, s?]", r->hash, r->body, r->signature));
        tfa_ledger_record_free(r);
    }
    return out;
}

START_TEST(pg_copy_round_trips_sqlite_pg_sqlite)
{
    char url[700], a[1100], b[1100], c[1100], key[1100];
    tfa_ledger *src, *pg, *back, *other;
    tfa_ledger_copy_result r;
    tfa_signer *signer = NULL;
    tfa_keyring *trusted = NULL;
    json_t *rec = test_record("NO-GO"), *ra, *rb;
    tfa_buf line;
    tfa_error err;
    rows hashes = {json_array()};
    int i;

    tfa_error_init(&err);
    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    snprintf(key, sizeof(key), "%s/signing.pem", tmp);
    ck_assert_tfa_ok(tfa_signer_generate(&signer, key, &err), &err);
    ck_assert_int_eq(tfa_signer_public_line(&line, signer, NULL), 0);
    ck_assert_tfa_ok(tfa_keyring_parse(&trusted, "trusted", line.ptr, line.len, &err), &err);
    new_db(url, sizeof(url));
    snprintf(a, sizeof(a), "%s/a.db", tmp);
    snprintf(b, sizeof(b), "%s/b.db", tmp);
    snprintf(c, sizeof(c), "%s/c.db", tmp);
    src = open_at(a, 1);
    tfa_ledger_set_signer(src, signer);
    for (i = 0; i < 7; i++) {
        /* some records carry an audit summary: its indexed column travels too */
        if (i % 3 == 0)
            json_object_set_new(rec, "audit_summary",
                                json_pack("{s:s, s:i}", "audit_id", "a", "workspaces", i));
        else
            json_object_del(rec, "audit_summary");
        append(src, 1740823200 + i * 60, i % 3 ? "prod" : "stage", i % 2 ? "GO" : "NO-GO", rec,
               NULL);
    }
    pg = open_at(url, 1);
    ck_assert_tfa_ok(tfa_ledger_copy(src, pg, &r, &err), &err);
    ck_assert_int_eq(r.copied, 7);
    ck_assert_int_eq(verify_intact(pg, trusted), 7); /* signatures travel with the records */
    /* more records at the source: a second copy adds just those */
    append(src, 1740830000, "prod", "GO", rec, NULL);
    ck_assert_tfa_ok(tfa_ledger_copy(src, pg, &r, &err), &err);
    ck_assert_int_eq(r.copied, 1);
    ck_assert_int_eq(r.present, 7);
    back = open_at(b, 1);
    ck_assert_tfa_ok(tfa_ledger_copy(pg, back, &r, &err), &err);
    ck_assert_int_eq(r.copied, 8);
    ra = all_records(src);
    rb = all_records(back);
    ck_assert_msg(json_equal(ra, rb), "bodies, hashes or signatures changed in the round trip");
    json_decref(ra);
    json_decref(rb);
    ra = summaries_of(src);
    rb = summaries_of(back);
    ck_assert_int_eq(json_array_size(ra), 4); /* records 1, 4, 7 and 8 */
    ck_assert_msg(json_equal(ra, rb), "audit summaries changed in the round trip");
    ck_assert_int_eq(verify_intact(back, trusted), 8);
    ck_assert_tfa_ok(tfa_ledger_list(pg, NULL, take_row, &hashes, &err), &err);
    ck_assert_int_eq(json_array_size(hashes.list), 8);
    /* another chain at the destination: refused, nothing written */
    other = open_at(c, 1);
    append(other, 1740823200, "elsewhere", "GO", rec, NULL);
    ck_assert_int_eq(tfa_ledger_copy(pg, other, &r, &err), TFA_EINPUT);
    ck_assert_msg(strstr(err.message, "another chain") != NULL, "%s", err.message);
    ck_assert_int_eq(verify_intact(other, NULL), 1);
    json_decref(ra);
    json_decref(rb);
    json_decref(hashes.list);
    json_decref(rec);
    tfa_ledger_free(other);
    tfa_ledger_free(back);
    tfa_ledger_free(pg);
    tfa_ledger_free(src);
    tfa_keyring_free(trusted);
    tfa_signer_free(signer);
    tfa_buf_release(&line);
}
END_TEST

START_TEST(pg_errors_are_clear_and_keep_the_password)
{
    const char *bin = getenv("TFA_BINARY");
    char url[700], bad[800], *at;
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_test_output out;
    tfa_error err;

    new_db(url, sizeof(url));
    /* the wrong password, in the library and on the command line */
    at = strchr(url + strlen("postgresql://"), '@');
    snprintf(bad, sizeof(bad), "postgresql://tfaudit:not-%s%s", password, at);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_ledger_open(&l, bad, &o, &err), TFA_EIO);
    ck_assert_msg(strstr(err.message, "password authentication failed") != NULL, "%s", err.message);
    ck_assert_ptr_null(strstr(err.message, password));
    ck_assert_ptr_null(strstr(err.source, password));
    ck_assert_ptr_nonnull(bin);
    {
        const char *argv[] = {bin, "ledger", "list", "--ledger", bad, NULL};
        ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
        ck_assert_int_eq(out.status, 2);
        ck_assert_msg(strstr(out.err, "password authentication failed") != NULL, "%s", out.err);
        ck_assert_ptr_null(strstr(out.err, password));
        ck_assert_str_eq(out.out, "");
        tfa_test_output_release(&out);
    }
    /* nothing listening: a clear error, no hang */
    tfa_error_init(&err);
    snprintf(bad, sizeof(bad), "postgresql://tfaudit:%s@127.0.0.1:1/x", password);
    ck_assert_int_eq(tfa_ledger_open(&l, bad, &o, &err), TFA_EIO);
    ck_assert_msg(strstr(err.message, "cannot connect") != NULL, "%s", err.message);
    ck_assert_ptr_null(strstr(err.source, password));
    /* a database without a ledger, read: not found; a newer schema: refused */
    tfa_error_init(&err);
    o.read_only = 1;
    ck_assert_int_eq(tfa_ledger_open(&l, url, &o, &err), TFA_ENOTFOUND);
    l = open_at(url, 1);
    tfa_ledger_free(l);
    l = NULL;
    admin(strrchr(url, '/') + 1, "UPDATE tfaudit.meta SET schema_version = 99");
    tfa_error_init(&err);
    o.read_only = 0;
    ck_assert_int_eq(tfa_ledger_open(&l, url, &o, &err), TFA_EVERSION);
}
END_TEST

START_TEST(pg_verify_from_a_checkpoint)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    char url[700], h5[TFA_LEDGER_HASH_HEX], sql[256];
    tfa_ledger_verification v;
    json_t *rec = json_pack("{s:i}", "n", 1);
    tfa_ledger *l;
    tfa_error err;
    int i;

    new_db(url, sizeof(url));
    l = open_at(url, 1);
    for (i = 1; i <= 9; i++)
        append(l, 1740823200 + i, "prod", "GO", rec, i == 5 ? h5 : NULL);
    tfa_error_init(&err);
    vo.from_seq = 5;
    vo.from_hash = h5;
    ck_assert_tfa_ok(tfa_ledger_verify_with(l, &vo, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_INTACT);
    ck_assert_int_eq(v.records, 5);
    /* a record after the checkpoint edited: found; one before it: not looked at */
    snprintf(
        sql, sizeof(sql),
        "UPDATE tfaudit.records SET body = replace(body, '\"GO\"', '\"NO-GO\"') WHERE seq = 7");
    admin(strrchr(url, '/') + 1, sql);
    ck_assert_tfa_ok(tfa_ledger_verify_with(l, &vo, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_EDITED);
    ck_assert_int_eq(v.bad_id, 7);
    tfa_ledger_free(l);
    json_decref(rec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger_pg");
    TCase *tc = tcase_create("pg");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, pg_records_equal_sqlite_records);
    tcase_add_test(tc, pg_eight_processes_append_at_once);
    tcase_add_test(tc, pg_serializable_appends_retry_their_conflicts);
    tcase_add_test(tc, pg_server_restart_mid_burst_loses_nothing);
    tcase_add_test(tc, pg_dropped_connection_is_remade);
    tcase_add_test(tc, pg_copy_round_trips_sqlite_pg_sqlite);
    tcase_add_test(tc, pg_errors_are_clear_and_keep_the_password);
    tcase_add_test(tc, pg_verify_from_a_checkpoint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
