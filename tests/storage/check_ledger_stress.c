/*
 * check_ledger_stress.c - the ledger under concurrent appenders and under
 * kill -9. Both print their figures on stderr (ctest --output-on-failure
 * or running the binary shows them).
 *
 * Concurrency: two forked processes append 200 records each to one ledger
 * at the same time; every record must be there, each process's records in
 * the order it wrote them, and the chain valid.
 *
 * Crash: a child appends signed records in a loop (1 to 32 KiB of padding,
 * so a write spans many pages) and is killed with SIGKILL at a random
 * moment, over and over. After each kill the ledger must verify, every
 * record signed by the trusted key, and the record count must sit between
 * the appends the child confirmed and those plus the one in flight. Set
 * TFA_STRESS_SEED to replay a run.
 */
#include "util/compat.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include "storage_test.h"

#define PER_PROCESS 200
#define KILLS       60

static char *tmp;
static char db[4096];
static tfa_signer *key;
static tfa_keyring *trusted;

static void setup(void)
{
    char path[4200];
    tfa_error err;
    tfa_buf line;

    tfa_error_init(&err);
    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    snprintf(db, sizeof(db), "%s/.tfaudit/ledger.db", tmp);
    snprintf(path, sizeof(path), "%s/signing.pem", tmp);
    ck_assert_tfa_ok(tfa_signer_generate(&key, path, &err), &err);
    ck_assert_int_eq(tfa_signer_public_line(&line, key, NULL), 0);
    ck_assert_tfa_ok(tfa_keyring_parse(&trusted, "trusted", line.ptr, line.len, &err), &err);
    tfa_buf_release(&line);
}

static void teardown(void)
{
    tfa_keyring_free(trusted);
    tfa_signer_free(key);
    tfa_test_rmtree(tmp);
    free(tmp);
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* A child: append `n` records for `workspace`, numbered 0..n-1. */
static void appender(const char *workspace, json_t *rec, int n)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    char line[2048];
    int i;

    tfa_error_init(&err);
    o.create = 1;
    if (tfa_ledger_open(&l, db, &o, &err) != 0)
        goto fail;
    for (i = 0; i < n; i++) {
        tfa_ledger_entry e = {1740823200 + i, workspace, NULL, "stress", "GO", "0.1.0", rec};
        json_object_set_new(rec, "n", json_integer(i));
        if (tfa_ledger_append(NULL, l, &e, &err) != 0)
            goto fail;
    }
    tfa_ledger_free(l);
    _exit(0);
fail:
    tfa_error_format(&err, line, sizeof(line));
    fprintf(stderr, "%s: %s\n", workspace, line);
    _exit(1);
}

typedef struct order {
    json_int_t next[2];
    int bad;
    tfa_ledger *l;
} order;

/* Each workspace's records must come in the order its process wrote them. */
static int check_order(const tfa_ledger_summary *s, void *payload)
{
    order *o = payload;
    tfa_ledger_record *r = NULL;
    tfa_error err;
    int w = strcmp(s->workspace, "p1") == 0;

    tfa_error_init(&err);
    if (tfa_ledger_get(&r, o->l, s->id, &err) != 0)
        return 1;
    if (json_integer_value(json_object_get(r->record, "n")) != o->next[w]++)
        o->bad++;
    tfa_ledger_record_free(r);
    return 0;
}

START_TEST(ledger_two_processes_append_concurrently)
{
    json_t *rec = test_record("GO");
    tfa_ledger_verification v;
    tfa_ledger *l = NULL;
    tfa_error err;
    order o = {{0, 0}, 0, NULL};
    pid_t pid[2];
    double t0, secs;
    int i, st;

    t0 = now();
    for (i = 0; i < 2; i++) {
        pid[i] = fork();
        ck_assert_int_ge(pid[i], 0);
        if (pid[i] == 0)
            appender(i ? "p1" : "p0", rec, PER_PROCESS);
    }
    for (i = 0; i < 2; i++) {
        ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "appender %d failed", i);
    }
    secs = now() - t0;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, NULL, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    ck_assert_int_eq(v.records, 2 * PER_PROCESS);
    ck_assert_int_eq(v.head_id, 2 * PER_PROCESS);
    o.l = l;
    ck_assert_tfa_ok(tfa_ledger_list(l, NULL, check_order, &o, &err), &err);
    ck_assert_int_eq(o.next[0], PER_PROCESS);
    ck_assert_int_eq(o.next[1], PER_PROCESS);
    ck_assert_int_eq(o.bad, 0);
    fprintf(stderr,
            "concurrency: 2 processes x %d appends -> %lld records, chain valid, in %.2f s "
            "(%.0f appends/s)\n",
            PER_PROCESS, (long long)v.records, secs, 2 * PER_PROCESS / secs);
    tfa_ledger_free(l);
    json_decref(rec);
}
END_TEST

/* The crash child: 'b' on the pipe before each append, 'c' after commit. */
static void crash_child(int fd, json_t *rec, unsigned seed)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    char *pad;
    int i;

    tfa_error_init(&err);
    o.create = 1;
    if (!(pad = malloc(32 * 1024 + 1)) || tfa_ledger_open(&l, db, &o, &err) != 0)
        _exit(1);
    tfa_ledger_set_signer(l, key);
    for (i = 0;; i++) {
        size_t n = 1024 + rand_r(&seed) % (31 * 1024);
        tfa_ledger_entry e = {1740823200 + i, "crash", NULL, "stress", "NO-GO", "0.1.0", rec};
        memset(pad, 'x', n);
        pad[n] = '\0';
        json_object_set_new(rec, "padding", json_string(pad));
        if (write(fd, "b", 1) != 1 || tfa_ledger_append(NULL, l, &e, &err) != 0 ||
            write(fd, "c", 1) != 1)
            _exit(1);
    }
}

/* Read what the child said until EOF: confirmed appends, last byte. */
static void drain(int fd, long *confirmed, char *last)
{
    char buf[4096];
    ssize_t n, i;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (i = 0; i < n; i++) {
            *confirmed += buf[i] == 'c';
            *last = buf[i];
        }
}

static int64_t verify_count(void)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_ledger *l = NULL;
    tfa_error err;
    tfa_error_init(&err);
    vo.trusted = trusted;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, NULL, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_verify_with(l, &vo, &v, &err), &err);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    tfa_ledger_free(l);
    return v.records;
}

START_TEST(ledger_survives_kill_9_mid_append)
{
    const char *env = getenv("TFA_STRESS_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL), seed0 = seed;
    json_t *rec = test_record("NO-GO");
    long confirmed = 0, mid = 0;
    int64_t records = 0;
    double t0 = now();
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    int k;

    /* created first: a kill before the child's first append (a slow,
     * sanitized start) must find a ledger to verify */
    tfa_error_init(&err);
    o.create = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    tfa_ledger_free(l);
    for (k = 0; k < KILLS; k++) {
        int fds[2], st;
        char last = 0;
        pid_t pid;
        struct timespec ts = {0, 0};

        ck_assert_int_eq(pipe(fds), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            crash_child(fds[1], rec, seed + (unsigned)k);
        }
        close(fds[1]);
        ts.tv_nsec = (long)(2 + rand_r(&seed) % 30) * 1000000L;
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        drain(fds[0], &confirmed, &last);
        close(fds[0]);
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFSIGNALED(st), "the child ended by itself (status %d)", st);
        mid += last == 'b';
        records = verify_count();
        ck_assert_msg(records >= confirmed && records <= confirmed + k + 1,
                      "after %d kills: %lld records, %ld confirmed appends", k + 1,
                      (long long)records, confirmed);
    }
    fprintf(stderr,
            "crash: %d SIGKILLs (%ld between the start of an append and its confirmation), %ld "
            "signed appends confirmed, %lld records, "
            "chain and signatures valid after every kill, %.2f s (seed %u)\n",
            KILLS, mid, confirmed, (long long)records, now() - t0, seed0);
    ck_assert_int_ge(mid, 1);
    json_decref(rec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger_stress");
    TCase *tc = tcase_create("stress");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, ledger_two_processes_append_concurrently);
    tcase_add_test(tc, ledger_survives_kill_9_mid_append);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
