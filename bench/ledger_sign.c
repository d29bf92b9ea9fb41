/*
 * ledger_sign.c - `make bench` section "ledger": what signing costs.
 *
 *   ledgerbench WORKDIR [N [PG_URL_BASE]]
 *   ledgerbench --year WORKDIR [N]
 *
 * Appends N records (default 10,000; the verdict record of
 * fixtures/ledger/record-go.json) to a fresh unsigned ledger and to a fresh
 * signed one, in transactions of 100 records as the nightly audit writes
 * them, then verifies each: the chain alone, and the chain with every
 * signature checked against the trusted key. One run, both ledgers, the
 * same machine: read the ratios.
 */
#include "util/compat.h"

#include <sys/time.h>
#include <unistd.h>

#include "ledger.h"
#include "sign.h"

#define BATCH      100
#define YEAR_BATCH 1000

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int fail(const tfa_error *err)
{
    char line[2048];
    tfa_error_format(err, line, sizeof(line));
    fprintf(stderr, "ledgerbench: %s\n", line);
    return 1;
}

/* Append n records to a new ledger at `path` (a file, or an empty
 * PostgreSQL database) in transactions of `batch`; seconds taken. */
static int fill(const char *path, const json_t *rec, int n, int batch, const tfa_signer *key,
                double *secs)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_entry e[YEAR_BATCH];
    tfa_ledger *l = NULL;
    tfa_error err;
    char wal[4200];
    double t0;
    int i, j, rc = 0;

    tfa_error_init(&err);
    if (strncmp(path, "postgresql://", 13) != 0) {
        unlink(path);
        snprintf(wal, sizeof(wal), "%s-wal", path);
        unlink(wal);
    }
    o.create = 1;
    if (tfa_ledger_open(&l, path, &o, &err) != 0)
        return fail(&err);
    tfa_ledger_set_signer(l, key);
    t0 = now();
    for (i = 0; i < n && rc == 0; i += batch) {
        for (j = 0; j < batch; j++)
            e[j] =
                (tfa_ledger_entry){1764000000 + i + j, "bench", NULL, "bench", "GO", "0.1.0", rec};
        if (tfa_ledger_append_batch(l, e, (size_t)(n - i < batch ? n - i : batch), NULL, &err))
            rc = fail(&err);
    }
    *secs = now() - t0;
    tfa_ledger_free(l);
    return rc;
}

static int check(const char *path, const tfa_keyring *trusted, double *secs)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_ledger *l = NULL;
    tfa_error err;
    double t0;

    tfa_error_init(&err);
    o.read_only = 1;
    vo.trusted = trusted;
    if (tfa_ledger_open(&l, path, &o, &err) != 0)
        return fail(&err);
    t0 = now();
    if (tfa_ledger_verify_with(l, &vo, &v, &err) != 0) {
        tfa_ledger_free(l);
        return fail(&err);
    }
    *secs = now() - t0;
    tfa_ledger_free(l);
    if (v.fault != TFA_LEDGER_INTACT) {
        fprintf(stderr, "ledgerbench: %s: %s\n", path, v.detail);
        return 1;
    }
    return 0;
}

/* A year of nights: --year WORKDIR [N]. */
static int year(const char *dir, int n)
{
    char path[4096];
    double fill_s, verify_s;
    json_t *rec = json_pack("{s:s, s:{s:s, s:s}, s:[{s:s, s:s, s:s}]}", "verdict", "GO", "gate",
                            "audit_id", "2026-12-04T02:00:00Z", "workspace", "prod-eu-1", "items",
                            "id", "no-drift", "status", "pass", "level", "hard");
    char *text = json_dumps(rec, JSON_COMPACT);
    int rc;

    snprintf(path, sizeof(path), "%s/ledger-year.db", dir);
    rc = fill(path, rec, n, YEAR_BATCH, NULL, &fill_s) || check(path, NULL, &verify_s);
    if (rc == 0) {
        printf("== ledger, year-sized: %d records of %zu bytes (generated)\n", n,
               text ? strlen(text) : 0);
        printf("%-22s %9.2f %12.0f\n", "append (1000/tx)", fill_s, n / fill_s);
        printf("%-22s %9.2f %12.0f\n", "verify (full chain)", verify_s, n / verify_s);
    }
    free(text);
    json_decref(rec);
    return rc;
}

int main(int argc, char **argv)
{
    char plain[4096], signd[4096], keyfile[4096];
    double ap, as, vp, vs;
    tfa_signer *key = NULL;
    tfa_keyring *ring = NULL;
    json_t *rec;
    tfa_error err;
    tfa_buf line;
    char pg_plain[1024] = "", pg_signed[1024] = "";
    double pap = 0, pas = 0, pvp = 0, pvs = 0;
    int n, rc;

    if (argc >= 3 && strcmp(argv[1], "--year") == 0)
        return year(argv[2], argc > 3 ? (int)strtol(argv[3], NULL, 10) : 1000000);
    n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10000;
    if (argc < 2 || n < 1) {
        fprintf(stderr, "usage: ledgerbench WORKDIR [N [PG_URL_BASE]] | --year WORKDIR [N]\n");
        return 2;
    }
    if (argc > 3) {
        snprintf(pg_plain, sizeof(pg_plain), "%s/bench_unsigned", argv[3]);
        snprintf(pg_signed, sizeof(pg_signed), "%s/bench_signed", argv[3]);
    }
    tfa_error_init(&err);
    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    snprintf(plain, sizeof(plain), "%s/ledger-unsigned.db", argv[1]);
    snprintf(signd, sizeof(signd), "%s/ledger-signed.db", argv[1]);
    snprintf(keyfile, sizeof(keyfile), "%s/bench-key.pem", argv[1]);
    unlink(keyfile);
    if (!(rec = json_load_file("fixtures/ledger/record-go.json", 0, NULL))) {
        fprintf(stderr, "ledgerbench: run from the source tree (fixtures/ledger/record-go.json)\n");
        return 2;
    }
    if (tfa_signer_generate(&key, keyfile, &err) != 0 ||
        tfa_signer_public_line(&line, key, NULL) != 0 ||
        tfa_keyring_parse(&ring, "bench", line.ptr, line.len, &err) != 0)
        return fail(&err);
    rc = fill(plain, rec, n, BATCH, NULL, &ap) || fill(signd, rec, n, BATCH, key, &as) ||
         check(plain, NULL, &vp) || check(signd, ring, &vs);
    if (rc == 0 && *pg_plain)
        rc = fill(pg_plain, rec, n, BATCH, NULL, &pap) ||
             fill(pg_signed, rec, n, BATCH, key, &pas) || check(pg_plain, NULL, &pvp) ||
             check(pg_signed, ring, &pvs);
    if (rc == 0) {
        char *text = json_dumps(rec, JSON_COMPACT);
        printf("== ledger: %d records of %zu bytes, transactions of %d (one run)\n", n,
               text ? strlen(text) : 0, BATCH);
        free(text);
        printf("%-22s %9s %12s", "", "seconds", "records/s");
        if (*pg_plain)
            printf(" %13s %12s %9s", "PG seconds", "PG rec/s", "PG/SQLite");
        fputc('\n', stdout);
#define ROW(name, s, p)                                                                            \
    do {                                                                                           \
        printf("%-22s %9.2f %12.0f", name, s, n / s);                                              \
        if (*pg_plain)                                                                             \
            printf(" %13.2f %12.0f %8.2fx", p, n / p, p / s);                                      \
        fputc('\n', stdout);                                                                       \
    } while (0)
        ROW("append unsigned", ap, pap);
        ROW("append signed", as, pas);
        ROW("verify chain", vp, pvp);
        ROW("verify + signatures", vs, pvs);
#undef ROW
        printf("signing costs %.2fx on append, %.2fx on verify (SQLite)\n", as / ap, vs / vp);
    }
    json_decref(rec);
    tfa_keyring_free(ring);
    tfa_signer_free(key);
    tfa_buf_release(&line);
    return rc;
}
