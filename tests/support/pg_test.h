/*
 * pg_test.h - what the tests that run against PostgreSQL share: the
 * throwaway cluster the ctest fixture "pg" started
 * (tests/support/pg_cluster.sh; $TFA_PG_STATE names its state directory),
 * a fresh database per call, and admin statements.
 */
#ifndef TFA_PG_TEST_H
#define TFA_PG_TEST_H

#include "util/compat.h"

#include <check.h>
#include <libpq-fe.h>
#include <unistd.h>

#include "testsupport.h"

typedef struct tfa_test_pg {
    char base[512]; /* postgresql://tfaudit:PASSWORD@127.0.0.1:PORT */
    char password[128];
    char state[1024]; /* the fixture's state directory */
    unsigned dbs;
} tfa_test_pg;

/* KEY='VALUE' from the fixture's env file. */
static inline void tfa_test_pg_value(const char *text, const char *key, char *out, size_t n)
{
    char pat[64];
    const char *p, *end;

    snprintf(pat, sizeof(pat), "%s='", key);
    p = strstr(text, pat);
    ck_assert_msg(p != NULL, "%s missing from the cluster's env file", key);
    p += strlen(pat);
    end = strchr(p, '\'');
    ck_assert_ptr_nonnull(end);
    snprintf(out, n, "%.*s", (int)(end - p), p);
}

/* 1 and `pg` filled when $TFA_PG_STATE names a running cluster, else 0. */
static inline int tfa_test_pg_init(tfa_test_pg *pg)
{
    const char *st = getenv("TFA_PG_STATE");
    char path[1100], *text;

    memset(pg, 0, sizeof(*pg));
    if (!st || !*st)
        return 0;
    snprintf(pg->state, sizeof(pg->state), "%s", st);
    snprintf(path, sizeof(path), "%s/env", st);
    text = tfa_test_read_file(path, NULL);
    ck_assert_msg(text != NULL, "no PostgreSQL cluster: %s missing", path);
    tfa_test_pg_value(text, "TFA_PG_BASE", pg->base, sizeof(pg->base));
    tfa_test_pg_value(text, "TFA_PG_PASSWORD", pg->password, sizeof(pg->password));
    free(text);
    return 1;
}

/* Run `sql` in database `db` as the cluster's superuser. */
static inline void tfa_test_pg_admin(const tfa_test_pg *pg, const char *db, const char *sql)
{
    char url[700];
    PGconn *c;
    PGresult *r;

    snprintf(url, sizeof(url), "%s/%s", pg->base, db);
    c = PQconnectdb(url);
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
    r = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* A fresh database; its URL in `url`. */
static inline void tfa_test_pg_new_db(tfa_test_pg *pg, char *url, size_t n)
{
    char name[64], sql[128];
    snprintf(name, sizeof(name), "t%d_%u", (int)getpid(), pg->dbs++);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    tfa_test_pg_admin(pg, "postgres", sql);
    snprintf(url, n, "%s/%s", pg->base, name);
}

#endif
