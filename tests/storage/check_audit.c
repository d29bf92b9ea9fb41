/*
 * check_audit.c - the nightly audit end to end: generated workspaces
 * audited three nights in a row through the real binary (night 1 clean;
 * night 2 a workspace drifts and another disappears; night 3 the drift is
 * accepted through known drift and the workspace returns), known-drift
 * expiry with an injected clock, stale entries, archives as sources, the
 * same result for any number of threads, the Markdown size budget, and the
 * canary that must never appear in any report or in the ledger.
 */
#include "util/compat.h"

#include <archive.h>
#include <jansson.h>
#include <sys/stat.h>

#include "audit.h"
#include "audit_report.h"
#include "pg_test.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"

/* A plan of one bucket (and, for `soft`, a pending update), the canary in
 * its attribute values; `drift` adds console drift of the bucket's acl. */
static char *plan_json(int drift, int soft)
{
    tfa_buf b;
    const char *res = "\"address\":\"aws_s3_bucket.logs\",\"mode\":\"managed\",\"type\":"
                      "\"aws_s3_bucket\",\"name\":\"logs\",\"provider_name\":"
                      "\"registry.terraform.io/hashicorp/aws\"";
    const char *val =
        "{\"bucket\":\"logs\",\"acl\":\"private\",\"tags\":{\"owner\":\"" TFA_TEST_CANARY "\"}}";
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(
        &b, "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"resource_drift\":[");
    if (drift)
        tfa_buf_printf(
            &b,
            "{%s,\"change\":{\"actions\":[\"update\"],\"before\":%s,\"after\":{\"bucket\":"
            "\"logs\",\"acl\":\"public-read\",\"tags\":{\"owner\":\"" TFA_TEST_CANARY
            "\"}},\"after_unknown\":{},\"before_sensitive\":{},\"after_sensitive\":{}}}",
            res, val);
    tfa_buf_printf(
        &b,
        "],\"resource_changes\":[{%s,\"change\":{\"actions\":[\"no-op\"],\"before\":%s,"
        "\"after\":%s,\"after_unknown\":{},\"before_sensitive\":{},\"after_sensitive\":{}}}",
        res, val, val);
    if (soft)
        tfa_buf_puts(&b,
                     ",{\"address\":\"aws_iam_role.ci\",\"mode\":\"managed\",\"type\":"
                     "\"aws_iam_role\",\"name\":\"ci\",\"provider_name\":\"registry.terraform.io/"
                     "hashicorp/aws\",\"change\":{\"actions\":[\"update\"],\"before\":{\"name\":"
                     "\"ci\"},\"after\":{\"name\":\"ci2\"},\"after_unknown\":{},"
                     "\"before_sensitive\":{},\"after_sensitive\":{}}}");
    tfa_buf_puts(&b, "],\"applyable\":true,\"complete\":true,\"errored\":false}");
    return tfa_buf_detach(&b, NULL);
}

static char *tmp;
static tfa_test_pg cluster;
static int on_pg; /* ctest check_audit_pg: every ledger a PostgreSQL database */

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    on_pg = tfa_test_pg_init(&cluster);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

static char *path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path(const char *fmt, ...)
{
    char rel[512], *out = malloc(1024);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof(rel), fmt, ap);
    va_end(ap);
    snprintf(out, 1024, "%s/%s", tmp, rel);
    return out;
}

/* A ledger named `name`: a file under tmp, or with the PostgreSQL fixture
 * (check_audit_pg) a fresh database, so every test here runs on both
 * backends. */
static char *ledger_at(const char *name)
{
    char url[700];
    if (!on_pg)
        return path("%s", name);
    tfa_test_pg_new_db(&cluster, url, sizeof(url));
    return strdup(url);
}

/* tmp/<night>/<ws>/plan.json */
static void workspace(const char *night, const char *ws, int drift, int soft)
{
    char *d = path("%s", night), *w = path("%s/%s", night, ws),
         *f = path("%s/%s/plan.json", night, ws);
    char *text = plan_json(drift, soft);
    mkdir(d, 0755);
    mkdir(w, 0755);
    ck_assert_int_eq(tfa_test_write_file(f, text, strlen(text)), 0);
    tfa_free(text);
    free(d), free(w), free(f);
}

static const char *checklist(void)
{
    static char p[1024];
    snprintf(p, sizeof(p), "%s/checklists/nightly-drift.md",
             getenv("TFA_SOURCE_DIR") ? getenv("TFA_SOURCE_DIR") : ".");
    return p;
}

/* Run `tfaudit audit` on night `dir`; the JSON report comes back parsed. */
static json_t *audit(const char *ledger, const char *now, const char *dir, const char *kd,
                     const char *jobs, const char *extra, int want_status, char **err_out)
{
    const char *argv[20];
    char nowarg[64];
    tfa_test_output o;
    json_t *j;
    size_t n = 0;

    snprintf(nowarg, sizeof(nowarg), "--now=%s", now);
    argv[n++] = "tfaudit", argv[n++] = "audit", argv[n++] = "--ledger", argv[n++] = ledger;
    argv[n++] = nowarg, argv[n++] = "-c", argv[n++] = checklist(), argv[n++] = "-f";
    argv[n++] = "json", argv[n++] = "-j", argv[n++] = jobs;
    if (kd)
        argv[n++] = "-k", argv[n++] = kd;
    if (extra)
        argv[n++] = extra;
    argv[n++] = dir;
    argv[n] = NULL;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
    ck_assert_msg(o.status == want_status, "exit %d, wanted %d; stderr: %s", o.status, want_status,
                  o.err);
    ck_assert_msg(!tfa_test_contains(o.out, o.out_len, TFA_TEST_CANARY), "canary in the report");
    ck_assert_msg(!tfa_test_contains(o.err, o.err_len, TFA_TEST_CANARY), "canary on stderr");
    j = json_loadb(o.out, o.out_len, 0, NULL);
    ck_assert_msg(j != NULL, "not JSON: %s", o.out);
    if (err_out)
        *err_out = strdup(o.err);
    tfa_test_output_release(&o);
    return j;
}

static const char *sget(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long iget(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* The item `id` of workspace w. */
static const json_t *item(const json_t *w, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(w, "items"), i, it)
    {
        if (strcmp(sget(it, "id"), id) == 0)
            return it;
    }
    ck_abort_msg("no item %s", id);
    return NULL;
}

/* The regression lines, joined with '\n'. */
static char *regressions(const json_t *report)
{
    tfa_buf b;
    size_t i;
    json_t *r;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    json_array_foreach(json_object_get(report, "regression_list"), i, r)
    {
        tfa_buf_printf(&b, "%s\n", json_string_value(r));
    }
    return tfa_buf_detach(&b, NULL);
}

static void write_kd(const char *file, const char *expires)
{
    char text[512];
    snprintf(text, sizeof(text),
             "# Accepted drift\n\n| address | attributes | owner | expires | reason |\n"
             "|---|---|---|---|---|\n"
             "| aws_s3_bucket.logs | acl | sre | %s | public bucket until the CDN move |\n"
             "| aws_iam_role.* | | sec | 2027-01-31 | role rotation |\n",
             expires);
    ck_assert_int_eq(tfa_test_write_file(file, text, strlen(text)), 0);
}

static void nights(const char *jobs, json_t *out[3])
{
    char *ledger = ledger_at(jobs), *kd = path("known-drift.md");
    char *n1 = path("n1"), *n2 = path("n2"), *n3 = path("n3");

    workspace("n1", "alpha", 0, 0), workspace("n1", "beta", 0, 0), workspace("n1", "gamma", 0, 0);
    workspace("n1", "delta", 0, 0);
    workspace("n2", "alpha", 1, 0), workspace("n2", "gamma", 1, 0), workspace("n2", "delta", 0, 1);
    workspace("n3", "alpha", 1, 0), workspace("n3", "beta", 0, 0), workspace("n3", "gamma", 1, 0);
    workspace("n3", "delta", 0, 1);
    write_kd(kd, "2026-12-31");
    /* gamma's drift is not the acl alone in night 3: give it its own file */
    out[0] = audit(ledger, "2026-11-25T02:00:00Z", n1, NULL, jobs, NULL, 0, NULL);
    out[1] = audit(ledger, "2026-11-26T02:00:00Z", n2, NULL, jobs, NULL, 1, NULL);
    out[2] = audit(ledger, "2026-11-27T02:00:00Z", n3, kd, jobs, NULL, 0, NULL);
    free(ledger), free(kd), free(n1), free(n2), free(n3);
}

START_TEST(audit_three_nights_new_resolved_recurring_missing)
{
    json_t *r[3];
    char *regs;
    const json_t *w, *d;
    const char *id1, *id2;

    nights("2", r);
    id1 = sget(r[0], "audit_id"), id2 = sget(r[1], "audit_id");
    /* night 1: everything new and clean */
    ck_assert(json_is_false(json_object_get(r[0], "regressions")));
    ck_assert_int_eq(iget(json_object_get(r[0], "totals"), "new_workspaces"), 4);
    ck_assert_str_eq(sget(tfa_test_report_ws(r[0], "alpha"), "change"), "new");
    ck_assert_str_eq(id1, "audit-20261125T020000Z-995862b6");
    /* night 2: alpha and gamma drift, beta is gone, delta fails a soft item */
    regs = regressions(r[1]);
    ck_assert_str_eq(regs, "alpha: new failure `drift-free` (hard, FAIL): condition not met\n"
                           "alpha: new drift aws_s3_bucket.logs\n"
                           "beta: missing: no inputs this time (last seen in "
                           "audit-20261125T020000Z-995862b6)\n"
                           "delta: new failure `converged` (soft, FAIL): condition not met\n"
                           "gamma: new failure `drift-free` (hard, FAIL): condition not met\n"
                           "gamma: new drift aws_s3_bucket.logs\n");
    tfa_free(regs);
    ck_assert_str_eq(sget(tfa_test_report_ws(r[1], "beta"), "state"), "missing");
    ck_assert_str_eq(sget(tfa_test_report_ws(r[1], "beta"), "change"), "missing");
    ck_assert_int_eq(iget(json_object_get(r[1], "totals"), "went_missing"), 1);
    ck_assert_int_eq(iget(json_object_get(r[1], "totals"), "new_drift"), 2);
    /* night 3: alpha's drift accepted, beta back, gamma and delta recurring */
    ck_assert(json_is_false(json_object_get(r[2], "regressions")));
    regs = regressions(r[2]);
    ck_assert_str_eq(regs, "");
    tfa_free(regs);
    w = tfa_test_report_ws(r[2], "alpha");
    ck_assert_str_eq(sget(w, "verdict"), "GO");
    ck_assert_str_eq(sget(item(w, "drift-free"), "delta"), "resolved");
    d = json_array_get(json_object_get(w, "accepted"), 0);
    ck_assert_str_eq(sget(d, "address"), "aws_s3_bucket.logs");
    ck_assert(strstr(sget(d, "entry"), "known-drift.md:5") != NULL);
    ck_assert_int_eq(json_array_size(json_object_get(w, "drift")), 0);
    ck_assert_str_eq(sget(tfa_test_report_ws(r[2], "beta"), "change"), "returned");
    ck_assert_str_eq(sget(tfa_test_report_ws(r[2], "beta"), "verdict"), "GO");
    w = tfa_test_report_ws(
        r[2], "gamma"); /* gamma's drift is accepted too: the entry matches every workspace */
    ck_assert_str_eq(sget(w, "verdict"), "GO");
    w = tfa_test_report_ws(r[2], "delta");
    ck_assert_str_eq(sget(item(w, "converged"), "delta"), "recurring");
    ck_assert_int_eq(iget(item(w, "converged"), "streak"), 2);
    ck_assert_int_eq(iget(json_object_get(r[2], "totals"), "recurring"), 1);
    ck_assert_int_eq(iget(json_object_get(r[2], "totals"), "resolved"), 2);
    ck_assert_int_eq(iget(json_object_get(r[2], "totals"), "accepted"), 2);
    /* the role entry accepted nothing: stale */
    d = json_array_get(json_object_get(r[2], "known_drift"), 0);
    ck_assert_str_eq(sget(d, "state"), "stale");
    ck_assert_str_eq(sget(d, "address"), "aws_iam_role.*");
    ck_assert_int_eq(json_array_size(json_object_get(r[2], "history")), 3);
    (void)id2;
    json_decref(r[0]), json_decref(r[1]), json_decref(r[2]);
}
END_TEST

START_TEST(audit_same_result_for_any_number_of_threads)
{
    json_t *a[3], *b[3];
    size_t i;
    nights("1", a);
    nights("2", b);
    for (i = 0; i < 3; i++) {
        char *x, *y;
        /* the operator and ledger are the same; everything else must be */
        x = json_dumps(a[i], JSON_SORT_KEYS), y = json_dumps(b[i], JSON_SORT_KEYS);
        ck_assert_str_eq(x, y);
        tfa_free(x), tfa_free(y);
        json_decref(a[i]), json_decref(b[i]);
    }
}
END_TEST

START_TEST(audit_persisting_drift_keeps_its_first_audit)
{
    char *ledger = ledger_at("l.db"), *n2 = path("n2"), *n3 = path("n3");
    json_t *r2, *r3;
    const json_t *d;
    workspace("n2", "gamma", 1, 0);
    workspace("n3", "gamma", 1, 0);
    r2 = audit(ledger, "2026-11-26T02:00:00Z", n2, NULL, "2", NULL, 1, NULL);
    r3 = audit(ledger, "2026-11-27T02:00:00Z", n3, NULL, "2", NULL, 0, NULL);
    d = json_array_get(json_object_get(tfa_test_report_ws(r3, "gamma"), "drift"), 0);
    ck_assert_str_eq(sget(d, "address"), "aws_s3_bucket.logs");
    ck_assert_str_eq(sget(d, "first_seen"), sget(r2, "audit_id"));
    ck_assert_int_eq(iget(d, "streak"), 2);
    ck_assert(json_is_false(json_object_get(d, "new")));
    ck_assert_str_eq(sget(item(tfa_test_report_ws(r3, "gamma"), "drift-free"), "delta"),
                     "recurring");
    json_decref(r3);
    /* --fail-on any: a failing workspace fails the audit even without regression */
    r3 = audit(ledger, "2026-11-28T02:00:00Z", n3, NULL, "2", "--fail-on=any", 1, NULL);
    json_decref(r2), json_decref(r3);
    free(ledger), free(n2), free(n3);
}
END_TEST

START_TEST(audit_known_drift_expires_with_the_clock)
{
    char *l1 = ledger_at("l1.db"), *l2 = ledger_at("l2.db"), *kd = path("kd.md"), *n = path("n1");
    json_t *r;
    char *err = NULL;
    const json_t *d;

    workspace("n1", "alpha", 1, 0);
    write_kd(kd, "2026-11-30");
    r = audit(l1, "2026-11-30T23:59:59Z", n, kd, "2", NULL, 0, NULL); /* valid through the day */
    ck_assert_int_eq(json_array_size(json_object_get(tfa_test_report_ws(r, "alpha"), "accepted")),
                     1);
    json_decref(r);
    r = audit(l2, "2026-12-01T00:00:00Z", n, kd, "2", NULL, 1, &err);
    ck_assert_int_eq(json_array_size(json_object_get(tfa_test_report_ws(r, "alpha"), "accepted")),
                     0);
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "alpha"), "verdict"), "NO-GO");
    d = json_array_get(json_object_get(r, "known_drift"), 0);
    ck_assert_str_eq(sget(d, "state"), "expired");
    ck_assert_int_eq(iget(d, "would_accept"), 1);
    ck_assert_msg(strstr(err, "known drift for 'aws_s3_bucket.logs' expired on 2026-11-30: not "
                              "applied") != NULL,
                  "stderr: %s", err);
    free(err);
    json_decref(r);
    free(l1), free(l2), free(kd), free(n);
}
END_TEST

START_TEST(audit_reads_workspaces_from_an_archive)
{
    char *p1 = plan_json(0, 0), *p2 = plan_json(1, 0), *ar = path("nightly.tar.gz");
    char *ledger = ledger_at("l.db");
    tfa_test_member m[] = {{"alpha/plan.json", p1, strlen(p1), 0, NULL},
                           {"beta/plan.json", p2, strlen(p2), 0, NULL},
                           {"README", "hello", 5, 0, NULL}};
    size_t len;
    char *bytes =
        tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, 3, &len);
    json_t *r;

    ck_assert_ptr_nonnull(bytes);
    ck_assert_int_eq(tfa_test_write_file(ar, bytes, len), 0);
    r = audit(ledger, "2026-11-25T02:00:00Z", ar, NULL, "2", NULL, 1, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r, "workspaces")), 2);
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "alpha"), "verdict"), "GO");
    ck_assert_str_eq(sget(tfa_test_report_ws(r, "beta"), "verdict"), "NO-GO");
    json_decref(r);
    free(bytes), tfa_free(p1), tfa_free(p2), free(ar), free(ledger);
}
END_TEST

START_TEST(audit_never_writes_the_canary)
{
    char *ledger = path("l.db"), *n = path("n1"), *html = path("a.html"), *db;
    const char *formats[] = {"text", "markdown", "junit", "json"};
    size_t i, len;
    workspace("n1", "alpha", 1, 1);
    for (i = 0; i < 4; i++) {
        const char *argv[] = {"tfaudit",    "audit", "--ledger",  ledger, "--now",
                              "2026-11-25", "-c",    checklist(), "-f",   formats[i],
                              "--html",     html,    n,           NULL};
        tfa_test_output o;
        char *page;
        ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
        ck_assert_msg(o.status <= 1, "status %d: %s", o.status, o.err);
        ck_assert(!tfa_test_contains(o.out, o.out_len, TFA_TEST_CANARY));
        ck_assert(!tfa_test_contains(o.err, o.err_len, TFA_TEST_CANARY));
        page = tfa_test_read_file(html, &len);
        ck_assert(!tfa_test_contains(page, len, TFA_TEST_CANARY));
        ck_assert(tfa_test_contains(page, len, "Content-Security-Policy"));
        free(page);
        tfa_test_output_release(&o);
    }
    db = tfa_test_read_file(ledger, &len);
    ck_assert(!tfa_test_contains(db, len, TFA_TEST_CANARY));
    free(db), free(ledger), free(n), free(html);
}
END_TEST

/* Run tfaudit with `argv`; its JSON report, parsed (NULL when stdout is
 * not JSON), the exit status and stderr come back. */
static json_t *run_json(const char **argv, int *status, char **err_out)
{
    tfa_test_output o;
    json_t *j;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
    ck_assert(!tfa_test_contains(o.out, o.out_len, TFA_TEST_CANARY));
    ck_assert(!tfa_test_contains(o.err, o.err_len, TFA_TEST_CANARY));
    *status = o.status;
    j = json_loadb(o.out, o.out_len, 0, NULL);
    if (err_out)
        *err_out = strdup(o.err);
    tfa_test_output_release(&o);
    return j;
}

/* The report of `tfaudit audit finish ID`. */
static json_t *finish(const char *ledger, const char *id, int want_status)
{
    const char *argv[] = {"tfaudit", "audit", "finish", id, "--ledger", ledger, "-f", "json", NULL};
    int status;
    char *err;
    json_t *j = run_json(argv, &status, &err);
    ck_assert_msg(status == want_status, "finish %s: exit %d: %s", id, status, err);
    free(err);
    return j;
}

/* Shard k of 4 of night `dir` under audit id `id`. */
static void shard(const char *ledger, const char *now, const char *dir, const char *kd,
                  const char *id, unsigned k)
{
    char sh[32], idarg[64], nowarg[64];
    const char *argv[20];
    size_t n = 0;
    int status;
    char *err;
    json_t *j;

    snprintf(sh, sizeof(sh), "--shard=%u/4", k);
    snprintf(idarg, sizeof(idarg), "--audit-id=%s", id);
    snprintf(nowarg, sizeof(nowarg), "--now=%s", now);
    argv[n++] = "tfaudit", argv[n++] = "audit", argv[n++] = "--ledger", argv[n++] = ledger;
    argv[n++] = nowarg, argv[n++] = "-c", argv[n++] = checklist(), argv[n++] = "-f";
    argv[n++] = "json", argv[n++] = sh, argv[n++] = idarg, argv[n++] = "-j", argv[n++] = "2";
    if (kd)
        argv[n++] = "-k", argv[n++] = kd;
    argv[n++] = dir;
    argv[n] = NULL;
    j = run_json(argv, &status, &err);
    ck_assert_msg(status <= 1, "shard %u: exit %d: %s", k, status, err);
    ck_assert_str_eq(sget(j, "audit_id"), id);
    free(err);
    json_decref(j);
}

/* The report without the ledger record numbers (shards record in their
 * own order) as sorted JSON text. */
static char *comparable(json_t *report)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(report, "workspaces"), i, w)
    {
        json_object_del(w, "ledger_record");
    }
    json_object_del(report, "ledger");
    return json_dumps(report, JSON_SORT_KEYS | JSON_INDENT(1));
}

/* Three nights (new, missing, drift, soft failures, known drift accepted)
 * over 16 workspaces, audited whole in one ledger and as 4 shards plus
 * `audit finish` in another: the reports are the same. A missing shard
 * is named and fails the finish; a shard run twice is refused. */
START_TEST(audit_four_shards_equal_the_unsharded_audit)
{
    static const char *const nows[] = {"2026-11-25T02:00:00Z", "2026-11-26T02:00:00Z",
                                       "2026-11-27T02:00:00Z"};
    static const char *const ids[] = {"night-1", "night-2", "night-3"};
    char *la = ledger_at("whole.db"), *lb = ledger_at("sharded.db"), *kd = path("known-drift.md");
    char *lc = ledger_at("partial.db"), *dirs[3], *err = NULL, name[32], idarg[32];
    unsigned seen[5] = {0}, k;
    int night, i, status;
    json_t *whole, *sharded;

    for (i = 0; i < 16; i++) {
        snprintf(name, sizeof(name), "ws-%02d", i);
        seen[tfa_audit_shard_of(name, 4)]++;
        workspace("n1", name, 0, 0);
        if (i != 3) /* ws-03 goes missing on night 2 */
            workspace("n2", name, i % 4 == 1, i % 5 == 0);
        workspace("n3", name, i % 4 == 1, i % 7 == 0);
    }
    for (k = 1; k <= 4; k++)
        ck_assert_msg(seen[k] > 0, "shard %u holds no workspace: pick other names", k);
    write_kd(kd, "2026-12-31");
    dirs[0] = path("n1"), dirs[1] = path("n2"), dirs[2] = path("n3");
    for (night = 0; night < 3; night++) {
        const char *kdp = night == 2 ? kd : NULL;
        char *a, *b;
        snprintf(idarg, sizeof(idarg), "--audit-id=%s", ids[night]);
        whole = audit(la, nows[night], dirs[night], kdp, "2", idarg, night > 0, NULL);
        for (k = 4; k >= 1; k--) /* any order */
            shard(lb, nows[night], dirs[night], kdp, ids[night], k);
        sharded = finish(lb, ids[night], night > 0);
        a = comparable(whole), b = comparable(sharded);
        ck_assert_str_eq(a, b);
        tfa_free(a), tfa_free(b);
        json_decref(whole), json_decref(sharded);
    }
    /* night 2 in one ledger is what it is: missing ws-03 is a regression */
    sharded = finish(lb, "night-2", 1);
    ck_assert_str_eq(sget(tfa_test_report_ws(sharded, "ws-03"), "change"), "missing");
    json_decref(sharded);

    /* a shard that did not run: named, never clean */
    shard(lc, nows[0], dirs[0], NULL, "partial", 1);
    shard(lc, nows[0], dirs[0], NULL, "partial", 3);
    {
        const char *argv[] = {"tfaudit", "audit", "finish", "partial", "--ledger", lc, NULL};
        json_t *j = run_json(argv, &status, &err);
        ck_assert_int_eq(status, 2);
        ck_assert_ptr_null(j);
        ck_assert_msg(strstr(err, "shards 2, 4 of 4 recorded nothing") != NULL, "%s", err);
        free(err);
    }
    /* a shard run again: refused, nothing recorded twice */
    {
        const char *argv[] = {"tfaudit",    "audit",   "--ledger",  lc,        "--now",
                              nows[0],      "-c",      checklist(), "--shard", "3/4",
                              "--audit-id", "partial", dirs[0],     NULL};
        json_t *j = run_json(argv, &status, &err);
        ck_assert_int_eq(status, 2);
        ck_assert_msg(strstr(err, "audit partial shard 3/4 is already recorded") != NULL, "%s",
                      err);
        json_decref(j);
        free(err);
    }
    for (night = 0; night < 3; night++)
        free(dirs[night]);
    free(la), free(lb), free(lc), free(kd);
}
END_TEST

/* An expired known-drift entry two workspaces' drift matches: the audit's
 * own report and `audit finish` (which sums each record's use of the entry
 * again) both say it would have accepted 2, so no record carries the sum. */
START_TEST(audit_known_drift_use_stays_per_workspace)
{
    char *ledger = ledger_at("kd.db"), *kd = path("known-drift.md"), *n = path("n1"), *a, *b;
    json_t *whole, *back;
    const json_t *note;

    workspace("n1", "alpha", 1, 0), workspace("n1", "beta", 0, 0), workspace("n1", "gamma", 1, 0);
    write_kd(kd, "2026-11-01");
    whole = audit(ledger, "2026-11-25T02:00:00Z", n, kd, "2", "--audit-id=kd-night", 1, NULL);
    note = json_array_get(json_object_get(whole, "known_drift"), 0);
    if (strcmp(sget(note, "address"), "aws_s3_bucket.logs") != 0)
        note = json_array_get(json_object_get(whole, "known_drift"), 1);
    ck_assert_str_eq(sget(note, "address"), "aws_s3_bucket.logs");
    ck_assert_str_eq(sget(note, "state"), "expired");
    ck_assert_int_eq(iget(note, "would_accept"), 2);
    back = finish(ledger, "kd-night", 1);
    note = json_array_get(json_object_get(back, "known_drift"), 0);
    if (strcmp(sget(note, "address"), "aws_s3_bucket.logs") != 0)
        note = json_array_get(json_object_get(back, "known_drift"), 1);
    ck_assert_int_eq(iget(note, "would_accept"), 2);
    a = comparable(whole), b = comparable(back);
    ck_assert_str_eq(a, b);
    tfa_free(a), tfa_free(b);
    json_decref(whole), json_decref(back);
    free(ledger), free(kd), free(n);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("nights");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, audit_three_nights_new_resolved_recurring_missing);
    tcase_add_test(tc, audit_same_result_for_any_number_of_threads);
    tcase_add_test(tc, audit_persisting_drift_keeps_its_first_audit);
    tcase_add_test(tc, audit_known_drift_expires_with_the_clock);
    tcase_add_test(tc, audit_reads_workspaces_from_an_archive);
    tcase_add_test(tc, audit_never_writes_the_canary);
    tcase_add_test(tc, audit_four_shards_equal_the_unsharded_audit);
    tcase_add_test(tc, audit_known_drift_use_stays_per_workspace);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
