/*
 * check_audit_engine.c - the nightly audit through its library API
 * (engine/audit.h), on real SQLite ledgers in a temporary directory:
 * "missing" and "unreadable" told apart by status code, never by the words
 * of a message; tfa_audit_add_take owning the inputs on every path; the
 * history of an audit as the ledger reads it back; a full disk at the
 * append (nothing recorded, the retry records once); and the allocation
 * sweep over a whole audit: a failure leaves nothing recorded, and a retry
 * records the audit once.
 */
#include "util/compat.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_sweep.h"
#include "audit.h"
#include "testsupport.h"
#include "util/alloc.h"

#define NOW 1764208800 /* 2025-11-27T02:00:00Z */

static const char cl_text[] = "# Nightly\n## Drift\n"
                              "- [ ] `drift-free` Nothing changed outside Terraform: builtin\n"
                              "- [ ] `complete` The plan completed: `not plan.errored`\n";

static const char plan[] =
    "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"resource_changes\":[{"
    "\"address\":\"aws_s3_bucket.logs\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\","
    "\"name\":\"logs\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"change\":{"
    "\"actions\":[\"no-op\"],\"before\":{\"bucket\":\"logs\"},\"after\":{\"bucket\":\"logs\"},"
    "\"after_unknown\":{},\"before_sensitive\":{},\"after_sensitive\":{}}}],"
    "\"applyable\":true,\"complete\":true,\"errored\":false}";

static char *tmp;
static tfa_checklist *cl;

static void setup(void)
{
    tfa_error err;
    tfa_error_init(&err);
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    ck_assert_tfa_ok(tfa_checklist_parse(&cl, "nightly.md", cl_text, strlen(cl_text), &err), &err);
}

/* The sweep appends a thousand times: on tmpfs when there is one, as the
 * fsyncs of a disk would make it minutes. */
static void setup_sweep(void)
{
    if (access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
    setup();
}

static void teardown(void)
{
    tfa_checklist_free(cl);
    tfa_test_rmtree(tmp);
    free(tmp);
}

static char *tmp_path(const char *name)
{
    size_t n = strlen(tmp) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", tmp, name);
    return p;
}

/* One in-memory input named `name` holding `text`; NULL on out-of-memory. */
static tfa_audit_input *data_input(const char *name, const char *text)
{
    tfa_audit_input *in = tfa_calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    in->name = tfa_strdup(name);
    in->data = tfa_strdup(text);
    in->len = strlen(text);
    if (!in->name || !in->data) {
        tfa_audit_inputs_free(in, 1);
        return NULL;
    }
    return in;
}

/* One input by path; NULL on out-of-memory. */
static tfa_audit_input *path_input(const char *path)
{
    tfa_audit_input *in = tfa_calloc(1, sizeof(*in));
    if (in && !(in->path = tfa_strdup(path))) {
        tfa_free(in);
        return NULL;
    }
    return in;
}

static int open_ledger(tfa_ledger **out, const char *path, tfa_error *err)
{
    tfa_ledger_options lo = TFA_LEDGER_OPTIONS_INIT;
    lo.create = 1;
    return tfa_ledger_open(out, path, &lo, err);
}

static int64_t records(const char *path)
{
    tfa_ledger *l = NULL;
    char hash[TFA_LEDGER_HASH_HEX];
    int64_t seq = -1;
    tfa_error err;

    tfa_error_init(&err);
    if (access(path, F_OK) != 0)
        return 0;
    ck_assert_tfa_ok(open_ledger(&l, path, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_head(l, &seq, hash, &err), &err);
    tfa_ledger_free(l);
    return seq;
}

/* Queue workspace `name` with `in` (taken, may be NULL: no input). */
static int add(tfa_audit *a, const char *name, tfa_audit_input *in, tfa_error *err)
{
    tfa_audit_workspace ws;
    memset(&ws, 0, sizeof(ws));
    ws.name = name;
    ws.inputs = in;
    ws.n_inputs = in ? 1 : 0;
    return tfa_audit_add_take(a, &ws, err);
}

static const tfa_audit_ws *find(const tfa_audit_result *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->n_ws; i++)
        if (strcmp(r->ws[i].name, name) == 0)
            return &r->ws[i];
    ck_abort_msg("no workspace %s", name);
    return NULL;
}

START_TEST(audit_tells_missing_from_unreadable_by_code)
{
    tfa_audit_options o = TFA_AUDIT_OPTIONS_INIT;
    char *db = tmp_path("ledger.db"), *empty = tmp_path("empty");
    tfa_audit_workspace ws;
    tfa_audit_result r;
    tfa_ledger *l = NULL;
    tfa_audit *a = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(mkdir(empty, 0755), 0);
    ck_assert_tfa_ok(open_ledger(&l, db, &err), &err);
    o.checklist = cl, o.now = NOW;
    ck_assert_tfa_ok(tfa_audit_new(&a, l, &o, &err), &err);
    ck_assert_tfa_ok(add(a, "alpha", data_input("alpha/plan.json", plan), &err), &err);
    /* a folder holding no document: TFA_ENODOC, gone */
    ck_assert_tfa_ok(add(a, "empty", path_input(empty), &err), &err);
    /* a document that is not one: TFA_EINPUT, there but unreadable */
    ck_assert_tfa_ok(add(a, "garbage", data_input("garbage/plan.json", "{\"x\":"), &err), &err);
    /* the words of ENODOC's message with another code: still unreadable */
    memset(&ws, 0, sizeof(ws));
    ws.name = "worded";
    ws.unreadable = "no Terraform plan, state or log in this directory";
    ws.unreadable_path = "runs/worded";
    ck_assert_tfa_ok(tfa_audit_add_take(a, &ws, &err), &err);
    ck_assert_tfa_ok(tfa_audit_finish(a, &r, &err), &err);
    ck_assert_uint_eq(r.n_ws, 4);
    ck_assert_int_eq(find(&r, "alpha")->state, TFA_AUDIT_AUDITED);
    ck_assert_int_eq(find(&r, "empty")->state, TFA_AUDIT_MISSING);
    ck_assert_ptr_null(find(&r, "empty")->error);
    ck_assert_int_eq(find(&r, "garbage")->state, TFA_AUDIT_UNREADABLE);
    ck_assert_int_eq(find(&r, "worded")->state, TFA_AUDIT_UNREADABLE);
    ck_assert_str_eq(find(&r, "worded")->error,
                     "runs/worded: no Terraform plan, state or log in this directory");
    ck_assert_uint_eq(r.totals.missing, 1);
    ck_assert_uint_eq(r.totals.errors, 2);
    ck_assert_int_eq(records(db), 4);
    tfa_audit_result_release(&r);
    tfa_audit_free(a);
    tfa_ledger_free(l);
    free(db), free(empty);
}
END_TEST

START_TEST(audit_add_take_owns_the_inputs_on_every_path)
{
    tfa_audit_options o = TFA_AUDIT_OPTIONS_INIT;
    char *db = tmp_path("ledger.db");
    tfa_audit_workspace ws;
    tfa_ledger *l = NULL;
    tfa_audit *a = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(open_ledger(&l, db, &err), &err);
    o.checklist = cl, o.now = NOW;
    ck_assert_tfa_ok(tfa_audit_new(&a, l, &o, &err), &err);
    memset(&ws, 0, sizeof(ws));
    ws.name = "alpha";
    ws.inputs = data_input("alpha/plan.json", plan);
    ws.n_inputs = 1;
    ck_assert_tfa_ok(tfa_audit_add_take(a, &ws, &err), &err);
    ck_assert_ptr_null(ws.inputs);
    ck_assert_uint_eq(ws.n_inputs, 0);
    /* refused: given twice, a bad name; the inputs are freed all the same
     * (LeakSanitizer would report them) */
    ws.inputs = data_input("alpha/plan.json", plan), ws.n_inputs = 1;
    ck_assert_int_eq(tfa_audit_add_take(a, &ws, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "workspace 'alpha' is given twice");
    ck_assert_ptr_null(ws.inputs);
    tfa_error_clear(&err);
    ws.name = "../up";
    ws.inputs = data_input("up/plan.json", plan), ws.n_inputs = 1;
    ck_assert_int_eq(tfa_audit_add_take(a, &ws, &err), TFA_EUSAGE);
    ck_assert_ptr_null(ws.inputs);
    tfa_audit_free(a); /* never finished: nothing recorded */
    ck_assert_int_eq(records(db), 0);
    tfa_ledger_free(l);
    free(db);
}
END_TEST

static void same_summaries(const tfa_audit_summary *x, size_t nx, const tfa_audit_summary *h,
                           size_t n)
{
    size_t i;

    ck_assert_uint_eq(nx, n);
    for (i = 0; i < n; i++) {
        const tfa_audit_summary *a = &x[i], *b = &h[i];
        ck_assert_str_eq(a->id, b->id);
        ck_assert_int_eq(a->time, b->time);
        ck_assert_uint_eq(a->workspaces, b->workspaces);
        ck_assert_uint_eq(a->go, b->go);
        ck_assert_uint_eq(a->nogo, b->nogo);
        ck_assert_uint_eq(a->missing, b->missing);
        ck_assert_uint_eq(a->errors, b->errors);
        ck_assert_uint_eq(a->failing, b->failing);
        ck_assert_uint_eq(a->regressions, b->regressions);
        ck_assert_uint_eq(a->longest_streak, b->longest_streak);
        ck_assert_uint_eq(a->drift, b->drift);
        ck_assert_uint_eq(a->accepted, b->accepted);
        ck_assert_pstr_eq(a->longest_streak_item, b->longest_streak_item);
    }
}

static void same_history(const tfa_audit_result *r, tfa_ledger *l)
{
    tfa_audit_summary *h = NULL;
    size_t n = 0;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_audit_history(&h, &n, l, NULL, INT64_MIN, 30, &err), &err);
    ck_assert_uint_gt(n, 0);
    ck_assert_str_eq(r->history[n - 1].id, r->id);
    same_summaries(r->history, r->n_history, h, n);
    tfa_audit_summaries_free(h, n);
}

/* One audit of alpha (and beta when `beta`) over the ledger at `db`; with
 * `check`, its history is compared with the ledger's afterwards. */
static int night(const char *db, int64_t now, int beta, int check, tfa_audit_result *r,
                 tfa_error *err)
{
    tfa_audit_options o = TFA_AUDIT_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_audit *a = NULL;
    int rc;

    memset(r, 0, sizeof(*r));
    o.checklist = cl, o.now = now;
    if ((rc = open_ledger(&l, db, err)) != 0 || (rc = tfa_audit_new(&a, l, &o, err)) != 0)
        goto done;
    if ((rc = add(a, "alpha", data_input("alpha/plan.json", plan), err)) != 0 ||
        (beta && (rc = add(a, "beta", data_input("beta/plan.json", "{\"x\":"), err)) != 0))
        goto done;
    if ((rc = tfa_audit_finish(a, r, err)) == 0 && check)
        same_history(r, l);
done:
    tfa_audit_free(a);
    tfa_ledger_free(l);
    return rc;
}

START_TEST(audit_history_counts_this_audit_as_the_ledger_reads_it)
{
    char *db = tmp_path("ledger.db");
    tfa_audit_result r;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(night(db, NOW, 1, 1, &r, &err), &err);
    ck_assert_uint_eq(r.n_history, 1);
    ck_assert_uint_eq(r.history[0].errors, 1);
    tfa_audit_result_release(&r);
    ck_assert_tfa_ok(night(db, NOW + 86400, 0, 1, &r, &err), &err); /* beta goes missing */
    ck_assert_uint_eq(r.n_history, 2);
    ck_assert_uint_eq(r.history[1].missing, 1);
    ck_assert_int_eq(find(&r, "beta")->change, TFA_AUDIT_WENT_MISSING);
    ck_assert_int_eq(r.first_record, 3);
    ck_assert_int_eq(find(&r, "beta")->ledger_id, 4);
    tfa_audit_result_release(&r);
    ck_assert_int_eq(records(db), 4);
    free(db);
}
END_TEST

/* A full disk when the audit appends (RLIMIT_FSIZE below the ledger's
 * files: SQLite's WAL cannot take the records): an error naming the ledger, nothing
 * recorded, and the same audit goes through once there is room. */
START_TEST(audit_on_a_full_disk_records_nothing)
{
    char *db = tmp_path("ledger.db");
    struct rlimit rl, lim;
    tfa_audit_result r;
    tfa_error err;
    struct stat st;
    int rc;

    tfa_error_init(&err);
    ck_assert_tfa_ok(night(db, NOW, 1, 1, &r, &err), &err);
    tfa_audit_result_release(&r);
    ck_assert_int_eq(stat(db, &st), 0);
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
    lim = rl;
    /* below every file's size: the append's first page write past 4 KiB
     * fails, whether it lands in the database or in a WAL a migration left
     * larger than the append needs */
    lim.rlim_cur = 4096;
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    rc = night(db, NOW + 86400, 0, 0, &r, &err);
    setrlimit(RLIMIT_FSIZE, &rl); /* before any assertion: Check writes files too */
    tfa_audit_result_release(&r);
    ck_assert_int_eq(rc, TFA_EIO);
    ck_assert_msg(err.message[0] != '\0', "no message");
    ck_assert_int_eq(records(db), 2);
    tfa_error_clear(&err);
    ck_assert_tfa_ok(night(db, NOW + 86400, 0, 1, &r, &err), &err);
    tfa_audit_result_release(&r);
    ck_assert_int_eq(records(db), 4);
    free(db);
}
END_TEST

/* ---- the allocation sweep --------------------------------------------------------- */
/* The history of `db` (the last `last` audits). */
static tfa_audit_summary *history_of(const char *db, size_t last, size_t *n)
{
    tfa_audit_summary *h = NULL;
    tfa_ledger *l = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(open_ledger(&l, db, &err), &err);
    ck_assert_tfa_ok(tfa_audit_history(&h, n, l, NULL, INT64_MIN, last, &err), &err);
    tfa_ledger_free(l);
    return h;
}

static void sql(const char *db, const char *stmt)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, stmt, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void copy_file(const char *from, const char *to);

/* The history read from the audits' stored summaries equals the history
 * read record by record: a copy with the summary column cleared (a ledger
 * written before summaries) and one cleared for the older nights only
 * (both ways in one read) give the same, whole or cut to the last audits.
 * The cleared column is also tampering: verify names it. */
START_TEST(audit_history_from_summaries_equals_history_from_records)
{
    char *db = tmp_path("ledger.db"), *all = tmp_path("none.db"), *part = tmp_path("part.db");
    tfa_audit_summary *want, *got;
    tfa_ledger_verification v;
    tfa_audit_result r;
    tfa_ledger *l = NULL;
    size_t n_want, n_got, last;
    tfa_error err;
    int d;

    tfa_error_init(&err);
    for (d = 0; d < 6; d++) { /* beta comes and goes: errors, missing, returned */
        ck_assert_tfa_ok(night(db, NOW + d * 86400, d % 2 == 0, 1, &r, &err), &err);
        tfa_audit_result_release(&r);
    }
    sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    copy_file(db, all);
    copy_file(db, part);
    sql(all, "UPDATE records SET audit_summary = NULL");
    sql(part, "UPDATE records SET audit_summary = NULL WHERE seq <= 5");
    for (last = 0; last <= 6; last += 3) {
        want = history_of(db, last, &n_want);
        ck_assert_uint_eq(n_want, last ? last : 6);
        got = history_of(all, last, &n_got);
        same_summaries(want, n_want, got, n_got);
        tfa_audit_summaries_free(got, n_got);
        got = history_of(part, last, &n_got);
        same_summaries(want, n_want, got, n_got);
        tfa_audit_summaries_free(got, n_got);
        tfa_audit_summaries_free(want, n_want);
    }
    ck_assert_tfa_ok(open_ledger(&l, all, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_EDITED);
    ck_assert_msg(strstr(v.detail, "audit_summary") != NULL, "%s", v.detail);
    tfa_ledger_free(l);
    free(db);
    free(all);
    free(part);
}
END_TEST

/* The previous audit is read from the audit column: a column that is not
 * JSON fails the night and records nothing (verify names the edit too). */
START_TEST(audit_refuses_a_previous_record_it_cannot_read)
{
    char *db = tmp_path("ledger.db");
    tfa_ledger_verification v;
    tfa_audit_result r;
    tfa_ledger *l = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(night(db, NOW, 1, 1, &r, &err), &err);
    tfa_audit_result_release(&r);
    sql(db, "UPDATE records SET audit = substr(audit, 1, 40) WHERE workspace = 'beta'");
    ck_assert_int_eq(night(db, NOW + 86400, 1, 1, &r, &err), TFA_EIO);
    ck_assert_msg(strstr(err.message, "malformed JSON") != NULL, "%s", err.message);
    tfa_audit_result_release(&r);
    ck_assert_int_eq(records(db), 2);
    ck_assert_tfa_ok(open_ledger(&l, db, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_verify(l, &v, &err), &err);
    ck_assert_int_eq(v.fault, TFA_LEDGER_EDITED);
    ck_assert_msg(strstr(v.detail, "column 'audit'") != NULL, "%s", v.detail);
    tfa_ledger_free(l);

    /* text SQLite reads (it finds the id) that is no audit object the
     * comparison could trust: each edit fails the night, naming the ledger,
     * the workspace and what is wrong, and records nothing */
    static const struct {
        const char *set, *says;
    } edits[] = {
        {"substr(audit, 1, length(audit) - 1) || ',\"state\":\"audited\"}'",
         "\"state\" given twice"},
        {"json_set(audit, '$.items', 7)", "\"items\" is not an object"},
        {"json_set(audit, '$.items.converged', json('[]'))", "\"items.*\" must be an object"},
        {"json_set(audit, '$.items.converged.streak', -1)", "\"streak\" out of range"},
        {"json_set(audit, '$.drift', json('[{\"streak\":1}]'))",
         "a \"drift\" entry without an address"},
        {"json_set(audit, '$.missing_streak', 'many')", "\"missing_streak\" must be a number"},
        {"json_set(audit, '$.last_seen', 1)", "\"last_seen\" must be a string"},
    };
    size_t i;
    char edit[512];

    sql(db, "UPDATE records SET audit = (SELECT audit FROM records WHERE workspace = 'alpha')"
            " WHERE workspace = 'beta'");
    sql(db, "CREATE TABLE kept AS SELECT audit FROM records WHERE workspace = 'beta'");
    for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        snprintf(edit, sizeof(edit),
                 "UPDATE records SET audit = (SELECT audit FROM kept) WHERE workspace = 'beta';"
                 "UPDATE records SET audit = %s WHERE workspace = 'beta'",
                 edits[i].set);
        sql(db, edit);
        tfa_error_init(&err);
        ck_assert_msg(night(db, NOW + 86400, 1, 1, &r, &err) == TFA_EINPUT, "%zu: %s", i,
                      err.message);
        ck_assert_msg(strstr(err.message, "workspace 'beta' cannot be read") != NULL, "%s",
                      err.message);
        ck_assert_msg(strstr(err.message, edits[i].says) != NULL, "%zu: %s", i, err.message);
        ck_assert_str_eq(err.source, db);
        tfa_audit_result_release(&r);
        ck_assert_int_eq(records(db), 2);
    }
    free(db);
}
END_TEST

typedef struct sweep {
    char *seed, *db; /* a ledger holding night 1; the copy each run appends to */
    int64_t before;
} sweep;

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    char *data = tfa_test_read_file(from, &len);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(tfa_test_write_file(to, data, len), 0);
    free(data);
}

static int sweep_step(void *payload)
{
    sweep *s = payload;
    tfa_audit_result r;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    rc = night(s->db, NOW + 86400, 0, 0, &r, &err);
    tfa_audit_result_release(&r);
    return rc;
}

/* A failed audit recorded nothing and a retry records it once; a
 * successful one recorded every workspace. */
static void sweep_check(void *payload, int rc)
{
    sweep *s = payload;
    tfa_audit_result r;
    tfa_error err;

    tfa_error_init(&err);
    if (rc != 0) {
        ck_assert_int_eq(records(s->db), s->before);
        ck_assert_tfa_ok(night(s->db, NOW + 86400, 0, 0, &r, &err), &err);
        tfa_audit_result_release(&r);
    }
    ck_assert_int_eq(records(s->db), s->before + 2);
    copy_file(s->seed, s->db);
}

START_TEST(audit_survives_every_allocation_failure_and_records_once)
{
    sweep s;
    long failed;
    tfa_audit_result r;
    tfa_error err;

    tfa_error_init(&err);
    s.seed = tmp_path("seed.db"), s.db = tmp_path("ledger.db");
    ck_assert_tfa_ok(night(s.seed, NOW, 1, 1, &r, &err), &err);
    tfa_audit_result_release(&r);
    s.before = records(s.seed);
    ck_assert_int_eq(s.before, 2);
    copy_file(s.seed, s.db);
    failed = tfa_alloc_sweep("audit", sweep_step, sweep_check, &s);
    fprintf(stderr, "audit: %ld allocation failures swept\n", failed);
    ck_assert_int_gt(failed, 100);
    free(s.seed), free(s.db);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("audit_engine");
    TCase *tc = tcase_create("audit");
    TCase *sw = tcase_create("alloc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, audit_tells_missing_from_unreadable_by_code);
    tcase_add_test(tc, audit_add_take_owns_the_inputs_on_every_path);
    tcase_add_test(tc, audit_history_counts_this_audit_as_the_ledger_reads_it);
    tcase_add_test(tc, audit_on_a_full_disk_records_nothing);
    tcase_add_test(tc, audit_history_from_summaries_equals_history_from_records);
    tcase_add_test(tc, audit_refuses_a_previous_record_it_cannot_read);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(sw, setup_sweep, teardown);
    tcase_set_timeout(sw, 900);
    tcase_add_test(sw, audit_survives_every_allocation_failure_and_records_once);
    suite_add_tcase(s, sw);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
