/*
 * check_ledger_audits.c - the "audit" column (SQLite schema 4, PostgreSQL
 * schema 2) on real SQLite files, and again on PostgreSQL as the ctest
 * check_ledger_audits_pg: what is indexed, what the listing returns, the
 * migration of a ledger that already holds audits, and verify catching an
 * edited column (the previous audit is read from it, so a lie there would
 * change what a night compares against).
 */
#include "util/compat.h"

#include "canon.h"
#include "pg_test.h"
#include "storage_test.h"

#define T0 1740823200 /* 2025-03-01T10:00:00Z */

static char *tmp;
static char db[4096]; /* a file, or a PostgreSQL URL */
static tfa_test_pg cluster;
static int on_pg;

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    if ((on_pg = tfa_test_pg_init(&cluster)) != 0)
        tfa_test_pg_new_db(&cluster, db, sizeof(db));
    else
        snprintf(db, sizeof(db), "%s/ledger.db", tmp);
}

/* Statements on the ledger's tables, as someone with database access
 * would run them. */
static void tamper(const char *sql)
{
    char text[512];
    if (!on_pg) {
        ck_assert_msg(sh("sqlite3 '%s' \"%s\"", db, sql) == 0, "%s", sql);
        return;
    }
    snprintf(text, sizeof(text), "SET search_path = tfaudit; %s", sql);
    tfa_test_pg_admin(&cluster, strrchr(db, '/') + 1, text);
}

/* Back to the schema before the audit column: SQLite 3, PostgreSQL 1. */
static void downgrade(void)
{
    tamper(on_pg ? "DROP INDEX records_audit; ALTER TABLE records DROP COLUMN audit;"
                   " UPDATE meta SET schema_version = 1"
                 : "DROP INDEX records_audit; ALTER TABLE records DROP COLUMN audit;"
                   " PRAGMA user_version = 3");
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

static tfa_ledger *open_ledger(int read_only)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    tfa_error_init(&err);
    o.create = !read_only;
    o.read_only = read_only;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    return l;
}

/* Record i: 0 no audit, 1 and 3 an audit object (with text a canonical
 * form must escape), 2 an "audit" that is not an object (not indexed). */
static json_t *record(int i)
{
    json_t *rec = test_record("GO");
    if (i % 2 == 1)
        json_object_set_new(rec, "audit",
                            json_pack("{s:s, s:n, s:{s:{s:b, s:i}}, s:[{s:s}]}", "id",
                                      i == 1 ? "audit-1" : "audit-3", "shard", "items",
                                      "drift-free", "blocks", 1, "streak", i, "drift", "address",
                                      "aws_s3_bucket.b[\"caf\xc3\xa9 \\\"q\\\"\"]\n\t/x"));
    else if (i == 2)
        json_object_set_new(rec, "audit", json_string("not an object"));
    return rec;
}

static void fill(tfa_ledger *l)
{
    tfa_error err;
    int i;
    tfa_error_init(&err);
    for (i = 0; i < 4; i++) {
        json_t *rec = record(i);
        tfa_ledger_entry e = {T0 + i, "prod", NULL, NULL, "GO", "0.1.0", rec};
        ck_assert_tfa_ok(tfa_ledger_append(NULL, l, &e, &err), &err);
        json_decref(rec);
    }
}

typedef struct seen {
    int64_t id[8];
    char *text[8], *audit_id[8];
    size_t n;
} seen;

static int collect(const tfa_ledger_summary *s, const char *const *values, void *payload)
{
    seen *v = payload;
    ck_assert_uint_lt(v->n, 8);
    ck_assert_ptr_null(values[2]); /* "shard": null */
    v->id[v->n] = s->id;
    v->audit_id[v->n] = strdup(values[1]);
    v->text[v->n++] = strdup(values[0]);
    return 0;
}

/* The listing, newest first: records 4 and 2 (seq), each the canonical
 * JSON of its record's "audit". */
static void expect_audits(tfa_ledger *l)
{
    tfa_error err;
    seen v;
    size_t i;

    memset(&v, 0, sizeof(v));
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_list_audits(l, 1, collect, &v, &err), &err);
    ck_assert_uint_eq(v.n, 2);
    ck_assert_int_eq(v.id[0], 4);
    ck_assert_int_eq(v.id[1], 2);
    for (i = 0; i < v.n; i++) {
        json_t *want = record(i == 0 ? 3 : 1);
        tfa_buf canon;
        tfa_buf_init(&canon, TFA_BUF_NO_MAX);
        ck_assert_tfa_ok(tfa_canon_json(&canon, json_object_get(want, "audit"), &err), &err);
        ck_assert_str_eq(v.text[i], canon.ptr);
        ck_assert_str_eq(v.audit_id[i], i == 0 ? "audit-3" : "audit-1");
        free(v.audit_id[i]);
        tfa_buf_release(&canon);
        json_decref(want);
        free(v.text[i]);
    }
}

static void expect_verify(const char *detail)
{
    tfa_ledger *l = open_ledger(1);
    tfa_ledger_verification v;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_str_eq(v.detail, detail);
    tfa_ledger_free(l);
}

START_TEST(audits_are_listed_from_their_column)
{
    tfa_ledger *l = open_ledger(0);
    fill(l);
    expect_audits(l);
    tfa_ledger_free(l);
    expect_verify("");
}
END_TEST

/* A ledger from before the column (audits in bodies only) is read as it is when opened
 * read-only, and migrated for writing: the column filled from the bodies
 * is what an append would have written, so verify passes. */
START_TEST(a_schema_3_ledger_gets_its_audit_column)
{
    tfa_ledger *l = open_ledger(0);
    char *out;

    fill(l);
    tfa_ledger_free(l);
    downgrade();
    l = open_ledger(1);
    expect_audits(l);
    tfa_ledger_free(l);
    expect_verify("");
    l = open_ledger(0);
    expect_audits(l);
    tfa_ledger_free(l);
    if (!on_pg) {
        out = sh_out("sqlite3 '%s' 'PRAGMA user_version; SELECT count(audit) FROM records'", db);
        ck_assert_str_eq(out, "4\n2\n");
        free(out);
    }
    expect_verify(""); /* a column left empty would differ from its record */
}
END_TEST

static const struct {
    const char *name, *sql;
} edits[] = {
    {"another audit", "UPDATE records SET audit = '{\"id\":\"audit-0\"}' WHERE seq = 2"},
    {"dropped", "UPDATE records SET audit = NULL WHERE seq = 2"},
    {"added", "UPDATE records SET audit = '{\"id\":\"audit-0\"}' WHERE seq = 3"},
    {"spaced", "UPDATE records SET audit = ' ' || audit WHERE seq = 2"},
};

START_TEST(verify_names_an_edited_audit_column)
{
    tfa_ledger *l = open_ledger(0);
    char want[128];

    fill(l);
    tfa_ledger_free(l);
    tamper(edits[_i].sql);
    snprintf(want, sizeof(want),
             "record %d: column 'audit' differs from the hashed record (edited)", _i == 2 ? 3 : 2);
    expect_verify(want);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger_audits");
    TCase *tc = tcase_create("audits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, audits_are_listed_from_their_column);
    tcase_add_test(tc, a_schema_3_ledger_gets_its_audit_column);
    tcase_add_loop_test(tc, verify_names_an_edited_audit_column, 0, (int)TFA_ARRAY_SIZE(edits));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
