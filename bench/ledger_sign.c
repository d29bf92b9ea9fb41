/*
 * ledger_sign.c - `make bench` section "ledger": what signing costs.
 *
 *   ledgerbench WORKDIR [N]
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

#define BATCH 100

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

/* Append n records to a new ledger at `path`; seconds taken. */
static int fill(const char *path, const json_t *rec, int n, const tfa_signer *key, double *secs)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_entry e[BATCH];
    tfa_ledger *l = NULL;
    tfa_error err;
    char wal[4200];
    double t0;
    int i, j, rc = 0;

    tfa_error_init(&err);
    unlink(path);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    o.create = 1;
    if (tfa_ledger_open(&l, path, &o, &err) != 0)
        return fail(&err);
    tfa_ledger_set_signer(l, key);
    t0 = now();
    for (i = 0; i < n && rc == 0; i += BATCH) {
        for (j = 0; j < BATCH; j++)
            e[j] =
                (tfa_ledger_entry){1764000000 + i + j, "bench", NULL, "bench", "GO", "0.1.0", rec};
        if (tfa_ledger_append_batch(l, e, (size_t)(n - i < BATCH ? n - i : BATCH), NULL, &err))
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

int main(int argc, char **argv)
{
    char plain[4096], signd[4096], keyfile[4096];
    double ap, as, vp, vs;
    tfa_signer *key = NULL;
    tfa_keyring *ring = NULL;
    json_t *rec;
    tfa_error err;
    tfa_buf line;
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10000, rc;

    if (argc < 2 || n < 1) {
        fprintf(stderr, "usage: ledgerbench WORKDIR [N]\n");
        return 2;
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
    rc = fill(plain, rec, n, NULL, &ap) || fill(signd, rec, n, key, &as) ||
         check(plain, NULL, &vp) || check(signd, ring, &vs);
    if (rc == 0) {
        char *text = json_dumps(rec, JSON_COMPACT);
        printf("== ledger: %d records of %zu bytes, transactions of %d (one run)\n", n,
               text ? strlen(text) : 0, BATCH);
        free(text);
        printf("%-22s %9s %12s\n", "", "seconds", "records/s");
        printf("%-22s %9.2f %12.0f\n", "append unsigned", ap, n / ap);
        printf("%-22s %9.2f %12.0f\n", "append signed", as, n / as);
        printf("%-22s %9.2f %12.0f\n", "verify chain", vp, n / vp);
        printf("%-22s %9.2f %12.0f\n", "verify + signatures", vs, n / vs);
        printf("signing costs %.2fx on append, %.2fx on verify\n", as / ap, vs / vp);
    }
    json_decref(rec);
    tfa_keyring_free(ring);
    tfa_signer_free(key);
    tfa_buf_release(&line);
    return rc;
}
