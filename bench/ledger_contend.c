/*
 * ledger_contend.c - `make bench` section "ledger": appends from many
 * processes at once into one PostgreSQL ledger, serialized by the advisory
 * lock (the default) and by SERIALIZABLE transactions with retries.
 *
 *   ledgercontend URL_LOCK URL_SERIALIZABLE PROCESSES N
 *
 * Each URL names an empty database; PROCESSES children append N records
 * each, one transaction per record as gates do. Prints the wall time and
 * appends/s of both ways, and checks each ledger's chain afterwards.
 */
#include "util/compat.h"

#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger.h"

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void child(const char *url, int serializable, int id, int n)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    json_t *rec = json_pack("{s:s, s:i}", "verdict", "GO", "process", id);
    tfa_ledger *l = NULL;
    char ws[32], line[2048];
    tfa_error err;
    int i;

    tfa_error_init(&err);
    o.serializable = serializable;
    o.append_attempts = 1000;
    snprintf(ws, sizeof(ws), "p%d", id);
    if (tfa_ledger_open(&l, url, &o, &err) != 0)
        goto fail;
    for (i = 0; i < n; i++) {
        tfa_ledger_entry e = {1764000000 + i, ws, NULL, "bench", "GO", "0.1.0", rec};
        if (tfa_ledger_append(NULL, l, &e, &err) != 0)
            goto fail;
    }
    tfa_ledger_free(l);
    _exit(0);
fail:
    tfa_error_format(&err, line, sizeof(line));
    fprintf(stderr, "ledgercontend: %s\n", line);
    _exit(1);
}

/* PROCESSES children at once; seconds, or < 0 when one failed. */
static double run(const char *url, int serializable, int procs, int n)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_ledger *l = NULL;
    tfa_error err;
    double t0, secs;
    int i, st, bad = 0;

    tfa_error_init(&err);
    o.create = 1;
    if (tfa_ledger_open(&l, url, &o, &err) != 0) /* created before the race */
        return -1;
    tfa_ledger_free(l);
    t0 = now();
    for (i = 0; i < procs; i++)
        if (fork() == 0)
            child(url, serializable, i, n);
    for (i = 0; i < procs; i++)
        if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad = 1;
    secs = now() - t0;
    o.create = 0;
    if (bad || tfa_ledger_open(&l, url, &o, &err) != 0)
        return -1;
    if (tfa_ledger_verify(l, &v, &err) != 0 || v.fault != TFA_LEDGER_INTACT ||
        v.records != (int64_t)procs * n)
        bad = 1;
    tfa_ledger_free(l);
    return bad ? -1 : secs;
}

int main(int argc, char **argv)
{
    int procs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 0;
    int n = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 0;
    double lock, ser;

    if (argc != 5 || procs < 1 || n < 1) {
        fprintf(stderr, "usage: ledgercontend URL_LOCK URL_SERIALIZABLE PROCESSES N\n");
        return 2;
    }
    lock = run(argv[1], 0, procs, n);
    ser = run(argv[2], 1, procs, n);
    if (lock < 0 || ser < 0) {
        fprintf(stderr, "ledgercontend: a run failed or its chain does not verify\n");
        return 1;
    }
    printf("== ledger, PostgreSQL: %d processes x %d appends at once (one run, chains verified)\n",
           procs, n);
    printf("%-28s %9s %12s\n", "", "seconds", "appends/s");
    printf("%-28s %9.2f %12.0f\n", "advisory lock (default)", lock, procs * n / lock);
    printf("%-28s %9.2f %12.0f\n", "SERIALIZABLE + retry", ser, procs * n / ser);
    printf("the lock is %.2fx the speed of SERIALIZABLE\n", ser / lock);
    return 0;
}
