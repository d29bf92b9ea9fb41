/*
 * check_ledger.c - the ledger API on real SQLite files in temporary
 * directories: schema, append/get/list, and chain verification against
 * tampering done the way an attacker would, through the sqlite3 CLI.
 */
#include "util/compat.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "storage_test.h"
#include "util/alloc.h"
#include "util/limits.h"

#define T0 1740823200 /* 2025-03-01T10:00:00Z */

static char *tmp;
static char db[4096];

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    snprintf(db, sizeof(db), "%s/work/.tfaudit/ledger.db", tmp);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

static tfa_ledger *open_ledger(int create)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    tfa_error_init(&err);
    o.create = create;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    return l;
}

static const char *const verdicts[] = {"GO", "NO-GO", "NO-GO", "GO", "GO"};

/* Five records: prod, staging, prod, staging, prod, an hour apart. */
static void fill(tfa_ledger *l, int n)
{
    tfa_error err;
    int i;
    tfa_error_init(&err);
    for (i = 0; i < n; i++) {
        json_t *rec = test_record(verdicts[i % 5]);
        tfa_ledger_entry e = {T0 + i * 3600,
                              i % 2 ? "staging" : "prod",
                              "2025-03-01 10:00-12:00",
                              "alice",
                              verdicts[i % 5],
                              "0.1.0",
                              rec};
        tfa_ledger_record *r = NULL;
        ck_assert_tfa_ok(tfa_ledger_append(&r, l, &e, &err), &err);
        ck_assert_int_eq(r->id, i + 1);
        tfa_ledger_record_free(r);
        json_decref(rec);
    }
}

static void expect_fault(tfa_ledger_fault fault, int64_t bad_id, const char *detail)
{
    tfa_ledger *l = open_ledger(0);
    tfa_ledger_verification v;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_msg(v.fault == fault, "fault %s (%s), expected %s", tfa_ledger_fault_name(v.fault),
                  v.detail, tfa_ledger_fault_name(fault));
    ck_assert_int_eq(v.bad_id, bad_id);
    ck_assert_str_eq(v.detail, detail);
    tfa_ledger_free(l);
}

START_TEST(ledger_open_creates_directories_wal_and_schema)
{
    tfa_ledger *l = open_ledger(1);
    char *out;
    tfa_ledger_free(l);
    out = sh_out("sqlite3 '%s' 'PRAGMA journal_mode; PRAGMA user_version; PRAGMA application_id;'",
                 db);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "wal\n4\n1952866677\n");
    free(out);
    l = open_ledger(0); /* reopening an existing ledger migrates nothing */
    tfa_ledger_free(l);
}
END_TEST

/* A schema-1 ledger (before signatures) is read as it is when opened
 * read-only, and upgraded in place when opened for appending. */
START_TEST(ledger_schema_1_reads_read_only_and_upgrades_for_writing)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_ledger_record *rec = NULL;
    tfa_ledger *l = open_ledger(1);
    tfa_error err;
    char *out;

    fill(l, 3);
    tfa_ledger_free(l);
    ck_assert_int_eq(
        sh("sqlite3 '%s' 'DROP INDEX records_audit; ALTER TABLE records DROP COLUMN audit;"
           " DROP INDEX records_audit_summary; ALTER TABLE records DROP COLUMN"
           " audit_summary; ALTER TABLE records DROP COLUMN signature; PRAGMA user_version = 1'",
           db),
        0);
    tfa_error_init(&err);
    o.read_only = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    ck_assert_tfa_ok(tfa_ledger_get(&rec, l, 2, &err), &err);
    ck_assert_ptr_null(rec->signature);
    tfa_ledger_record_free(rec);
    tfa_ledger_free(l);
    out = sh_out("sqlite3 '%s' 'PRAGMA user_version'", db);
    ck_assert_str_eq(out, "1\n");
    free(out);
    l = open_ledger(0);
    expect_fault(TFA_LEDGER_INTACT, 0, "");
    tfa_ledger_free(l);
    out = sh_out("sqlite3 '%s' 'PRAGMA user_version'", db);
    ck_assert_str_eq(out, "4\n");
    free(out);
}
END_TEST

START_TEST(ledger_open_reports_a_missing_ledger)
{
    tfa_ledger *l = NULL;
    tfa_error err;
    char want[4200];
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_ledger_open(&l, db, NULL, &err), TFA_ENOTFOUND);
    ck_assert_ptr_null(l);
    snprintf(want, sizeof(want), "ledger '%s' does not exist", db);
    ck_assert_str_eq(err.message, want);
}
END_TEST

START_TEST(ledger_open_refuses_what_is_not_a_ledger)
{
    tfa_ledger *l = open_ledger(1);
    tfa_error err;
    tfa_ledger_free(l);

    ck_assert_int_eq(sh("sqlite3 '%s' 'PRAGMA user_version = 5'", db), 0);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_ledger_open(&l, db, NULL, &err), TFA_EVERSION);
    ck_assert_str_eq(err.message, "ledger schema version 5 is newer than this tfaudit's (4)");
    ck_assert_str_eq(err.source, db);

    tfa_test_rmtree(tmp);
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    snprintf(db, sizeof(db), "%s/other.db", tmp);
    ck_assert_int_eq(sh("sqlite3 '%s' 'CREATE TABLE t (x)'", db), 0);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_ledger_open(&l, db, NULL, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message, "not a tfaudit ledger (another application's database)");

    snprintf(db, sizeof(db), "%s/notes.txt", tmp);
    ck_assert_int_eq(tfa_test_write_file(db, "just some text, long enough to be a header\n", 43),
                     0);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_ledger_open(&l, db, NULL, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message, "not a tfaudit ledger (file is not a database)");
}
END_TEST

START_TEST(ledger_append_stores_a_chained_canonical_record)
{
    tfa_ledger *l = open_ledger(1);
    tfa_ledger_record *r1 = NULL, *r2 = NULL;
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_error err;
    json_t *rec = test_record("NO-GO");

    fill(l, 2);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_get(&r1, l, 1, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_get(&r2, l, 2, &err), &err);
    ck_assert_str_eq(r1->prev_hash,
                     "0000000000000000000000000000000000000000000000000000000000000000");
    ck_assert_str_eq(r2->prev_hash, r1->hash);
    tfa_sha256_digest(r2->body, r2->body_len, digest);
    tfa_sha256_hex(digest, hex);
    ck_assert_str_eq(r2->hash, hex);
    ck_assert_int_eq(r2->time, T0 + 3600);
    ck_assert_str_eq(r2->workspace, "staging");
    ck_assert_str_eq(r2->window, "2025-03-01 10:00-12:00");
    ck_assert_str_eq(r2->operator_name, "alice");
    ck_assert_str_eq(r2->verdict, "NO-GO");
    ck_assert_str_eq(r2->tool_version, "0.1.0");
    ck_assert(json_equal(r2->record, rec));
    {
        static const char head[] =
            "{\"format\":\"tfaudit-ledger/1\",\"operator\":\"alice\",\"prev\":\"";
        ck_assert_msg(strncmp(r2->body, head, strlen(head)) == 0, "body starts %.80s", r2->body);
    }
    ck_assert(tfa_test_contains(r2->body, r2->body_len,
                                ",\"seq\":2,\"time\":\"2025-03-01T11:00:00Z\",\"tool_version\":"
                                "\"0.1.0\",\"verdict\":\"NO-GO\",\"window\":\"2025-03-01 "
                                "10:00-12:00\",\"workspace\":\"staging\"}"));
    tfa_ledger_record_free(r1);
    ck_assert_int_eq(tfa_ledger_get(&r1, l, 3, &err), TFA_ENOTFOUND);
    ck_assert_str_eq(err.message, "no ledger record 3");
    ck_assert_ptr_null(r1);
    tfa_ledger_record_free(r2);
    json_decref(rec);
    tfa_ledger_free(l);
}
END_TEST

START_TEST(ledger_append_refuses_invalid_entries)
{
    tfa_ledger *l = open_ledger(1);
    json_t *rec = test_record("GO"), *arr = json_array();
    tfa_ledger_entry e = {T0, "prod", NULL, NULL, "GO", NULL, rec};
    tfa_error err;

    tfa_error_init(&err);
    e.workspace = "../etc";
    ck_assert_int_eq(tfa_ledger_append(NULL, l, &e, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message,
                     "invalid workspace name '../etc' (letters, digits, '.', '-', '_')");
    tfa_error_clear(&err);
    e.workspace = "prod";
    e.verdict = "MAYBE";
    ck_assert_int_eq(tfa_ledger_append(NULL, l, &e, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "verdict must be GO or NO-GO");
    tfa_error_clear(&err);
    e.verdict = "GO";
    e.record = arr;
    ck_assert_int_eq(tfa_ledger_append(NULL, l, &e, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "the verdict record must be a JSON object");
    tfa_error_clear(&err);
    e.record = rec;
    e.operator_name = "bad\xff";
    ck_assert_int_eq(tfa_ledger_append(NULL, l, &e, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "the operator is not valid UTF-8");
    json_decref(rec);
    json_decref(arr);
    tfa_ledger_free(l);
}
END_TEST

/* A batch large enough to be canonicalized on a second thread while the
 * first records are written (ledger_prep.c). */
#define BATCH 64

static void batch_entries(tfa_ledger_entry *e, json_t **recs)
{
    int i;
    for (i = 0; i < BATCH; i++) {
        recs[i] = test_record(verdicts[i % 5]);
        json_object_set_new(recs[i], "n", json_integer(i));
        e[i] = (tfa_ledger_entry){
            T0 + i, i % 2 ? "staging" : "prod", NULL, "alice", verdicts[i % 5], "0.1.0", recs[i]};
    }
}

static int64_t head_seq(tfa_ledger *l, char hash[TFA_LEDGER_HASH_HEX])
{
    tfa_error err;
    int64_t seq = -1;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_head(l, &seq, hash, &err), &err);
    return seq;
}

/* A batch's records are the records its entries appended one by one
 * would be, hash for hash; an entry that cannot be appended, early or
 * late in the batch and whether the entry checks or the canonical form
 * refuse it, fails the whole batch with its error and records nothing. */
START_TEST(ledger_batch_equals_single_appends_and_fails_whole)
{
    tfa_ledger *l = open_ledger(1), *one;
    tfa_ledger_entry e[BATCH];
    json_t *recs[BATCH], *deep = json_object(), *inner = deep;
    char h1[TFA_LEDGER_HASH_HEX], h2[TFA_LEDGER_HASH_HEX], db1[4096];
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    const char *bad_verdict = "MAYBE";
    int64_t first = 0;
    tfa_error err;
    int i, at;

    tfa_error_init(&err);
    batch_entries(e, recs);
    for (i = 0; i <= TFA_LIMIT_JSON_DEPTH + 1; i++) { /* past the canonical writer's depth */
        json_t *next = json_object();
        json_object_set_new(inner, "a", next);
        inner = next;
    }
    /* every failure leaves the ledger as it was, whatever its place */
    for (at = 0; at < BATCH; at += 21) {
        const char *verdict = e[at].verdict;
        e[at].verdict = bad_verdict;
        ck_assert_int_eq(tfa_ledger_append_batch(l, e, BATCH, &first, &err), TFA_EUSAGE);
        ck_assert_str_eq(err.message, "verdict must be GO or NO-GO");
        tfa_error_clear(&err);
        e[at].verdict = verdict;
        e[at].record = deep;
        ck_assert_int_eq(tfa_ledger_append_batch(l, e, BATCH, &first, &err), TFA_ELIMIT);
        ck_assert_str_eq(err.message, "json nesting deeper than 512");
        tfa_error_clear(&err);
        e[at].record = recs[at];
        ck_assert_int_eq(head_seq(l, h1), 0);
    }
    ck_assert_tfa_ok(tfa_ledger_append_batch(l, e, BATCH, &first, &err), &err);
    ck_assert_int_eq(first, 1);
    /* the same entries one by one, into another ledger */
    snprintf(db1, sizeof(db1), "%s/one.db", tmp);
    o.create = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&one, db1, &o, &err), &err);
    for (i = 0; i < BATCH; i++)
        ck_assert_tfa_ok(tfa_ledger_append(NULL, one, &e[i], &err), &err);
    ck_assert_int_eq(head_seq(l, h1), BATCH);
    ck_assert_int_eq(head_seq(one, h2), BATCH);
    ck_assert_str_eq(h1, h2);
    for (i = 0; i < BATCH; i++)
        json_decref(recs[i]);
    json_decref(deep);
    tfa_ledger_free(one);
    tfa_ledger_free(l);
}
END_TEST

typedef struct listed {
    char ids[256];
    int stop_after;
    int n;
} listed;

static int collect(const tfa_ledger_summary *s, void *payload)
{
    listed *ls = payload;
    size_t len = strlen(ls->ids);
    snprintf(ls->ids + len, sizeof(ls->ids) - len, "%s%lld:%s:%s", len ? " " : "", (long long)s->id,
             s->workspace, s->verdict);
    return ++ls->n == ls->stop_after ? 7 : 0;
}

START_TEST(ledger_list_filters_by_workspace_time_and_verdict)
{
    tfa_ledger *l = open_ledger(1);
    tfa_ledger_filter f = TFA_LEDGER_FILTER_INIT;
    listed ls = {"", 0, 0};
    tfa_error err;

    tfa_error_init(&err);
    fill(l, 5);
    ck_assert_tfa_ok(tfa_ledger_list(l, &f, collect, &ls, &err), &err);
    ck_assert_str_eq(ls.ids, "1:prod:GO 2:staging:NO-GO 3:prod:NO-GO 4:staging:GO 5:prod:GO");
    memset(&ls, 0, sizeof(ls));
    f.workspace = "prod";
    ck_assert_tfa_ok(tfa_ledger_list(l, &f, collect, &ls, &err), &err);
    ck_assert_str_eq(ls.ids, "1:prod:GO 3:prod:NO-GO 5:prod:GO");
    memset(&ls, 0, sizeof(ls));
    f.since = T0 + 2 * 3600;
    ck_assert_tfa_ok(tfa_ledger_list(l, &f, collect, &ls, &err), &err);
    ck_assert_str_eq(ls.ids, "3:prod:NO-GO 5:prod:GO");
    memset(&ls, 0, sizeof(ls));
    f.verdict = "NO-GO";
    f.workspace = NULL;
    f.since = INT64_MIN;
    ck_assert_tfa_ok(tfa_ledger_list(l, &f, collect, &ls, &err), &err);
    ck_assert_str_eq(ls.ids, "2:staging:NO-GO 3:prod:NO-GO");
    memset(&ls, 0, sizeof(ls));
    ls.stop_after = 1;
    ck_assert_int_eq(tfa_ledger_list(l, &f, collect, &ls, &err), 7);
    ck_assert_str_eq(ls.ids, "2:staging:NO-GO");
    tfa_ledger_free(l);
}
END_TEST

START_TEST(ledger_verify_accepts_an_intact_chain)
{
    tfa_ledger *l = open_ledger(1);
    tfa_ledger_verification v;
    tfa_ledger_record *r = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_INTACT);
    ck_assert_int_eq(v.records, 0);
    fill(l, 5);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_INTACT);
    ck_assert_int_eq(v.records, 5);
    ck_assert_int_eq(v.head_id, 5);
    ck_assert_tfa_ok(tfa_ledger_get(&r, l, 5, &err), &err);
    ck_assert_str_eq(v.head_hash, r->hash);
    tfa_ledger_record_free(r);
    tfa_ledger_free(l);
}
END_TEST

/* Tampering done with the sqlite3 CLI on a five-record ledger. */
static const struct {
    const char *name, *sql;
    tfa_ledger_fault fault;
    int64_t bad_id;
    const char *detail;
} tampers[] = {
    {"edit a body",
     "UPDATE records SET body = replace(body, '\"PENDING\"', '\"PASS\"') WHERE seq = 3",
     TFA_LEDGER_EDITED, 3, "record 3 does not match its hash (edited)"},
    {"edit a column", "UPDATE records SET verdict = 'GO' WHERE seq = 2", TFA_LEDGER_EDITED, 2,
     "record 2: column 'verdict' differs from the hashed record (edited)"},
    {"edit a time", "UPDATE records SET time = time - 86400 WHERE seq = 4", TFA_LEDGER_EDITED, 4,
     "record 4: column 'time' differs from the hashed record (edited)"},
    {"edit a hash", "UPDATE records SET hash = upper(hash) WHERE seq = 1", TFA_LEDGER_EDITED, 1,
     "record 1 does not match its hash (edited)"},
    {"delete one", "DELETE FROM records WHERE seq = 2", TFA_LEDGER_DELETED, 2,
     "record 2 is missing (deleted)"},
    {"reorder",
     "UPDATE records SET seq = -1 WHERE seq = 2; UPDATE records SET seq = 2 WHERE seq = 3;"
     " UPDATE records SET seq = 3 WHERE seq = -1",
     TFA_LEDGER_REORDERED, 2, "record 2 holds record 3 (records reordered)"},
    {"delete and renumber",
     "DELETE FROM records WHERE seq = 3; UPDATE records SET seq = seq - 1 WHERE seq > 3",
     TFA_LEDGER_REORDERED, 3, "record 3 holds record 4 (records reordered)"},
    {"truncate the tail", "DELETE FROM records WHERE seq >= 4", TFA_LEDGER_TRUNCATED, 4,
     "records 4 to 5 are missing (truncated)"},
    {"drop the last", "DELETE FROM records WHERE seq = 5", TFA_LEDGER_TRUNCATED, 5,
     "record 5 is missing (truncated)"},
    {"drop them all", "DELETE FROM records", TFA_LEDGER_TRUNCATED, 1,
     "records 1 to 5 are missing (truncated)"},
    {"copy one past the head",
     "INSERT INTO records SELECT 6, time, time_utc, workspace,"
     " apply_window, operator, verdict, tool_version, prev_hash, hash,"
     " body, signature, audit_summary, audit FROM records WHERE seq = 5",
     TFA_LEDGER_REORDERED, 6, "record 6 holds record 5 (records reordered)"},
    {"move the head back", "UPDATE chain_head SET seq = 4", TFA_LEDGER_UNRECORDED, 5,
     "record 5 is past the chain head (added outside tfaudit)"},
    {"drop the head", "DELETE FROM chain_head", TFA_LEDGER_EDITED, 5,
     "the chain head is missing (edited)"},
};

START_TEST(ledger_verify_names_the_first_tampered_record)
{
    tfa_ledger *l = open_ledger(1);
    fill(l, 5);
    tfa_ledger_free(l);
    ck_assert_msg(sh("sqlite3 '%s' \"%s\"", db, tampers[_i].sql) == 0, "%s", tampers[_i].name);
    expect_fault(tampers[_i].fault, tampers[_i].bad_id, tampers[_i].detail);
}
END_TEST

/* Rewrite record `id`'s body and store its new hash, as an attacker who
 * knows the scheme would. */
static void rehash(int64_t id, const char *from, const char *to)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX], sql[512];

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    snprintf(sql, sizeof(sql),
             "UPDATE records SET body = replace(body, '%s', '%s') WHERE seq = %lld", from, to,
             (long long)id);
    ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_prepare_v2(h, "SELECT body FROM records WHERE seq = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    tfa_sha256_digest(sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0), digest);
    sqlite3_finalize(st);
    tfa_sha256_hex(digest, hex);
    snprintf(sql, sizeof(sql), "UPDATE records SET hash = '%s' WHERE seq = %lld", hex,
             (long long)id);
    ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

START_TEST(ledger_verify_catches_a_rehashed_record_by_its_successor)
{
    tfa_ledger *l = open_ledger(1);
    fill(l, 5);
    tfa_ledger_free(l);
    rehash(2, "\"FAIL\"", "\"WAIVED\"");
    expect_fault(TFA_LEDGER_UNLINKED, 2,
                 "record 2 is not the record 3 was chained to (replaced, or edited and re-hashed)");
}
END_TEST

/* The documented limit: rewriting the tail and the head consistently is
 * not visible from inside the ledger (anchors outside it catch that). */
START_TEST(ledger_verify_cannot_see_a_consistently_rewritten_tail)
{
    tfa_ledger *l = open_ledger(1);
    fill(l, 5);
    tfa_ledger_free(l);
    rehash(5, "\"alice\"", "\"mallory\"");
    ck_assert_int_eq(sh("sqlite3 '%s' \"UPDATE records SET operator = 'mallory' WHERE seq = 5;"
                        " UPDATE chain_head SET hash = (SELECT hash FROM records WHERE seq = 5)\"",
                        db),
                     0);
    expect_fault(TFA_LEDGER_INTACT, 0, "");
}
END_TEST

START_TEST(ledger_append_after_truncation_keeps_the_gap_visible)
{
    tfa_ledger *l = open_ledger(1);
    fill(l, 5);
    tfa_ledger_free(l);
    ck_assert_int_eq(sh("sqlite3 '%s' 'DELETE FROM records WHERE seq >= 4'", db), 0);
    l = open_ledger(0);
    fill(l, 0);
    {
        json_t *rec = test_record("GO");
        tfa_ledger_entry e = {T0, "prod", NULL, NULL, "GO", NULL, rec};
        tfa_ledger_record *r = NULL;
        tfa_error err;
        tfa_error_init(&err);
        ck_assert_tfa_ok(tfa_ledger_append(&r, l, &e, &err), &err);
        ck_assert_int_eq(r->id, 6);
        tfa_ledger_record_free(r);
        json_decref(rec);
    }
    tfa_ledger_free(l);
    expect_fault(TFA_LEDGER_DELETED, 4, "record 4 is missing (deleted)");
}
END_TEST

START_TEST(ledger_two_connections_interleave_into_one_chain)
{
    tfa_ledger *a = open_ledger(1), *b = open_ledger(0);
    json_t *rec = test_record("GO");
    tfa_ledger_verification v;
    tfa_error err;
    int i;

    tfa_error_init(&err);
    for (i = 0; i < 20; i++) {
        tfa_ledger_entry e = {T0 + i, i % 2 ? "b" : "a", NULL, NULL, "GO", NULL, rec};
        ck_assert_tfa_ok(tfa_ledger_append(NULL, i % 2 ? b : a, &e, &err), &err);
    }
    ck_assert_tfa_ok(tfa_ledger_verify(b, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_INTACT);
    ck_assert_int_eq(v.records, 20);
    json_decref(rec);
    tfa_ledger_free(a);
    tfa_ledger_free(b);
}
END_TEST

START_TEST(ledger_round_trips_awkward_json)
{
    tfa_ledger *l = open_ledger(1);
    json_t *rec =
        json_pack("{s:s#, s:f, s:f, s:I, s:s, s:[], s:{}, s:n}", "nul", "a\0b", 3, "real", 0.1,
                  "whole", 2.0, "big", (json_int_t)4611686018427387904LL, "utf8",
                  "\xc3\xa9\xe2\x82\xac \"q\" \\ \n\t\x01", "empty_list", "empty_obj", "null");
    tfa_ledger_entry e = {T0, "prod", "w\xc3\xa9", "\xc3\xa9ric", "GO", NULL, rec};
    tfa_ledger_record *r = NULL;
    tfa_ledger_verification v;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_ptr_nonnull(rec);
    ck_assert_tfa_ok(tfa_ledger_append(NULL, l, &e, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_get(&r, l, 1, &err), &err);
    ck_assert(json_equal(r->record, rec));
    ck_assert_str_eq(r->operator_name, "\xc3\xa9ric");
    ck_assert_ptr_null(r->tool_version);
    ck_assert(tfa_test_contains(r->body, r->body_len, "\"nul\":\"a\\u0000b\""));
    ck_assert(tfa_test_contains(r->body, r->body_len, "\"whole\":2.0}"));
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    tfa_ledger_record_free(r);
    json_decref(rec);
    tfa_ledger_free(l);
}
END_TEST

START_TEST(ledger_file_never_holds_the_canary)
{
    char path[4200];
    tfa_ledger *l = open_ledger(1);
    ck_assert_msg(file_contains(TEST_PLAN, TFA_TEST_CANARY), "the fixture lost its canary");
    fill(l, 5);
    snprintf(path, sizeof(path), "%s-wal", db);
    ck_assert(!file_contains(path, TFA_TEST_CANARY)); /* while open: the WAL holds the pages */
    tfa_ledger_free(l);
    ck_assert(!file_contains(db, TFA_TEST_CANARY));
    ck_assert(file_contains(db, "grafana_dashboard.telemetry")); /* the records are there */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger");
    TCase *tc = tcase_create("ledger");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ledger_open_creates_directories_wal_and_schema);
    tcase_add_test(tc, ledger_open_reports_a_missing_ledger);
    tcase_add_test(tc, ledger_schema_1_reads_read_only_and_upgrades_for_writing);
    tcase_add_test(tc, ledger_open_refuses_what_is_not_a_ledger);
    tcase_add_test(tc, ledger_append_stores_a_chained_canonical_record);
    tcase_add_test(tc, ledger_append_refuses_invalid_entries);
    tcase_add_test(tc, ledger_batch_equals_single_appends_and_fails_whole);
    tcase_add_test(tc, ledger_list_filters_by_workspace_time_and_verdict);
    tcase_add_test(tc, ledger_verify_accepts_an_intact_chain);
    tcase_add_loop_test(tc, ledger_verify_names_the_first_tampered_record, 0,
                        (int)TFA_ARRAY_SIZE(tampers));
    tcase_add_test(tc, ledger_verify_catches_a_rehashed_record_by_its_successor);
    tcase_add_test(tc, ledger_verify_cannot_see_a_consistently_rewritten_tail);
    tcase_add_test(tc, ledger_append_after_truncation_keeps_the_gap_visible);
    tcase_add_test(tc, ledger_two_connections_interleave_into_one_chain);
    tcase_add_test(tc, ledger_round_trips_awkward_json);
    tcase_add_test(tc, ledger_file_never_holds_the_canary);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
