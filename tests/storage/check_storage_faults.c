/*
 * check_storage_faults.c - storage under allocation failure and I/O faults
 * (STYLE.md rule 24; SQLite's "How SQLite Is Tested"): canonical JSON, the
 * redactor, bundles, out-directory files and git evidence with their Nth
 * allocation failing (alloc_sweep.h), and bundles, out-directory files and
 * git evidence on a full disk, after short writes and over a directory.
 *
 * The faults are made portably, without root or a tiny file system: a
 * file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes write() short and
 * then fail with EFBIG, /dev/full fails a stream with ENOSPC, a directory
 * where the file goes fails the rename with EISDIR, and a read-only
 * directory fails the create with EACCES (skipped as root, who may write
 * anyway). Each must end in TFA_EIO naming the file, and leave no partial
 * record: no file, no temporary, no branch.
 */
#include "util/compat.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_sweep.h"
#include "bundle.h"
#include "canon.h"
#include "git_evidence.h"
#include "outdir.h"
#include "redact.h"
#include "storage_test.h"

#define T0 1740823200 /* 2025-03-01T10:00:00Z */

static char *tmp;

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmp, name);
}

/* Entries of `dir` other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* The file-size limit: writes past `bytes` come back short, then EFBIG
 * (SIGXFSZ ignored). Lift it (RLIM_INFINITY) before asserting anything:
 * Check writes its own results to files too. */
static void fsize_limit(rlim_t bytes)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
    rl.rlim_cur = bytes;
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* ---- allocation failure --------------------------------------------------------- */

typedef struct json_job {
    json_t *value;
    char *text;
    size_t len;
    tfa_buf first; /* the output of the first successful run */
} json_job;

static int canon_step(void *payload)
{
    json_job *j = payload;
    tfa_buf b;
    tfa_error err;
    int rc;
    tfa_error_init(&err);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    rc = tfa_canon_json(&b, j->value, &err);
    if (rc == 0 && tfa_buf_status(&b))
        rc = TFA_ENOMEM;
    if (rc == 0)
        ck_assert_msg(b.len == j->first.len && memcmp(b.ptr, j->first.ptr, b.len) == 0,
                      "canonical JSON differs after a sweep run");
    tfa_buf_release(&b);
    return rc;
}

static int redact_step(void *payload)
{
    json_job *j = payload;
    tfa_buf b;
    tfa_error err;
    int rc;
    tfa_error_init(&err);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    rc = tfa_redact_input(&b, TFA_KIND_PLAN, j->text, j->len, &err);
    if (rc == 0)
        ck_assert_msg(!tfa_test_contains(b.ptr, b.len, TFA_TEST_CANARY), "canary kept");
    tfa_buf_release(&b);
    return rc;
}

START_TEST(canon_and_redact_survive_every_allocation_failure)
{
    json_job j;
    tfa_error err;

    tfa_error_init(&err);
    memset(&j, 0, sizeof(j));
    j.text = tfa_test_read_file(TEST_PLAN, &j.len);
    ck_assert_ptr_nonnull(j.text);
    j.value = json_loadb(j.text, j.len, 0, NULL);
    ck_assert_ptr_nonnull(j.value);
    tfa_buf_init(&j.first, TFA_BUF_NO_MAX);
    ck_assert_tfa_ok(tfa_canon_json(&j.first, j.value, &err), &err);
    ck_assert_int_gt(tfa_alloc_sweep("canon", canon_step, NULL, &j), 20);
    ck_assert_int_gt(tfa_alloc_sweep("redact", redact_step, NULL, &j), 40);
    tfa_buf_release(&j.first);
    json_decref(j.value);
    free(j.text);
}
END_TEST

/* A bundle of two files, an input and a manifest member, written to `path`. */
static int bundle_to(const char *path, tfa_error *err)
{
    tfa_bundle *b = NULL;
    json_t *m = json_pack("{s:s}", "ledger", "0123abcd");
    int rc;

    if (!m)
        return tfa_error_oom(err);
    if ((rc = tfa_bundle_new(&b, T0, err)) == 0 &&
        (rc = tfa_bundle_add(b, "record.json", "{\"a\":1}", 7, err)) == 0 &&
        (rc = tfa_bundle_add(b, "report.md", "# Report\n", 9, err)) == 0 &&
        (rc = tfa_bundle_add_input(b, "plan.json", "{}", 2, err)) == 0)
        rc = tfa_bundle_write(b, path, m, err);
    tfa_bundle_free(b);
    json_decref(m);
    return rc;
}

static int bundle_step(void *payload)
{
    char path[4200];
    tfa_error err;
    tfa_error_init(&err);
    (void)payload;
    tmp_path(path, sizeof(path), "b.tar.gz");
    return bundle_to(path, &err);
}

/* A failed write leaves nothing; a successful one the bundle alone. */
static void bundle_check(void *payload, int rc)
{
    (void)payload;
    ck_assert_int_eq(entries(tmp), rc == 0 ? 1 : 0);
}

static int outdir_step(void *payload)
{
    tfa_outdir *d = NULL;
    tfa_error err;
    int rc;
    tfa_error_init(&err);
    if ((rc = tfa_outdir_open(&d, payload, &err)) == 0)
        rc = tfa_outdir_write(d, "plan.json", "{}", 2, &err);
    tfa_outdir_free(d);
    return rc;
}

START_TEST(bundle_and_outdir_survive_every_allocation_failure)
{
    char out[4200];
    ck_assert_int_gt(tfa_alloc_sweep("bundle", bundle_step, bundle_check, NULL), 50);
    tmp_path(out, sizeof(out), "out");
    ck_assert_int_gt(tfa_alloc_sweep("outdir", outdir_step, NULL, out), 1);
    ck_assert_int_eq(entries(out), 1);
}
END_TEST

/* ---- git evidence ----------------------------------------------------------------- */

static char repo[4200];

static void setup_repo(void)
{
    setup();
    tmp_path(repo, sizeof(repo), "repo");
    ck_assert_int_eq(sh("set -e; git init -q -b main '%s'; git -C '%s' -c user.name=Lead -c "
                        "user.email=lead@example.com commit -q --allow-empty -m init",
                        repo, repo),
                     0);
}

static int branch_exists(void)
{
    return sh("git -C '%s' rev-parse -q --verify refs/heads/" TFA_GIT_EVIDENCE_BRANCH " >/dev/null",
              repo) == 0;
}

static int evidence_step(void *payload)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence ev;
    tfa_git_evidence_result res;
    static const char *const failing[] = {"scope"};
    tfa_error err;
    int rc;

    (void)payload;
    tfa_error_init(&err);
    memset(&ev, 0, sizeof(ev));
    memset(&res, 0, sizeof(res));
    o.author = "tfaudit test <test@example.com>";
    ev.time = T0, ev.workspace = "prod", ev.verdict = "NO-GO";
    ev.report_md = "# NO-GO\n", ev.report_len = 8;
    ev.record_json = "{\"verdict\":\"NO-GO\"}", ev.record_len = 19;
    ev.failing = failing, ev.n_failing = 1;
    rc = tfa_git_evidence_commit(&res, repo, &ev, &o, &err);
    tfa_git_evidence_result_release(&res);
    return rc;
}

static void evidence_check(void *payload, int rc)
{
    (void)payload;
    ck_assert_int_eq(branch_exists(), rc == 0);
}

START_TEST(git_evidence_survives_every_allocation_failure)
{
    ck_assert_int_gt(tfa_alloc_sweep("git evidence", evidence_step, evidence_check, NULL), 40);
}
END_TEST

/* ---- I/O faults ------------------------------------------------------------------- */

START_TEST(bundle_on_a_full_disk_leaves_no_file)
{
    char path[4200];
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    tmp_path(path, sizeof(path), "b.tar.gz");
    fsize_limit(100); /* the first write comes back short, the next fails */
    rc = bundle_to(path, &err);
    fsize_limit(RLIM_INFINITY);
    ck_assert_int_eq(rc, TFA_EIO);
    ck_assert_str_eq(err.source, path);
    ck_assert_msg(strstr(err.message, "cannot write the bundle: ") == err.message, "%s",
                  err.message);
    ck_assert_int_eq(entries(tmp), 0);
}
END_TEST

START_TEST(bundle_over_a_directory_leaves_it_alone)
{
    char path[4200];
    tfa_error err;

    tfa_error_init(&err);
    tmp_path(path, sizeof(path), "b.tar.gz");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_int_eq(bundle_to(path, &err), TFA_EIO);
    ck_assert_str_eq(err.source, path);
    ck_assert_str_eq(err.message, "cannot write the bundle: Is a directory");
    ck_assert_int_eq(entries(tmp), 1);
    ck_assert_int_eq(entries(path), 0);
}
END_TEST

/* A sink that writes a stream: /dev/full fails it at the flush. */
static int file_sink(void *payload, const void *data, size_t len, tfa_error *err)
{
    FILE *f = payload;
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0)
        return tfa_error_set(err, TFA_EIO, "cannot write the upload: %s", strerror(errno));
    return 0;
}

START_TEST(bundle_to_a_full_stream_stops_with_the_sink_error)
{
    FILE *f = fopen("/dev/full", "w");
    tfa_bundle *b = NULL;
    tfa_error err;

    if (!f)
        return; /* no /dev/full here: nothing to test */
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_new(&b, T0, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_add(b, "record.json", "{}", 2, &err), &err);
    ck_assert_int_eq(tfa_bundle_write_to(b, file_sink, f, NULL, &err), TFA_EIO);
    ck_assert_str_eq(err.message, "cannot write the upload: No space left on device");
    tfa_bundle_free(b);
    fclose(f);
}
END_TEST

START_TEST(outdir_on_a_full_disk_leaves_no_file)
{
    char dir[4200], big[4096];
    tfa_outdir *d = NULL;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    memset(big, 'x', sizeof(big));
    tmp_path(dir, sizeof(dir), "out");
    ck_assert_tfa_ok(tfa_outdir_open(&d, dir, &err), &err);
    fsize_limit(1000); /* a short write of 1000 bytes, then EFBIG */
    rc = tfa_outdir_write(d, "plan.json", big, sizeof(big), &err);
    fsize_limit(RLIM_INFINITY);
    ck_assert_int_eq(rc, TFA_EIO);
    ck_assert_msg(strstr(err.source, "/out/plan.json") != NULL, "%s", err.source);
    ck_assert_str_eq(err.message, "cannot write: File too large");
    ck_assert_int_eq(entries(dir), 0);
    tfa_outdir_free(d);
}
END_TEST

START_TEST(outdir_over_a_directory_or_read_only_leaves_no_file)
{
    char dir[4200], sub[4300];
    tfa_outdir *d = NULL;
    tfa_error err;

    tfa_error_init(&err);
    tmp_path(dir, sizeof(dir), "out");
    ck_assert_tfa_ok(tfa_outdir_open(&d, dir, &err), &err);
    snprintf(sub, sizeof(sub), "%s/plan.json", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    ck_assert_int_eq(tfa_outdir_write(d, "plan.json", "{}", 2, &err), TFA_EIO);
    ck_assert_str_eq(err.message, "cannot rename into place: Is a directory");
    ck_assert_int_eq(entries(dir), 1);
    ck_assert_int_eq(rmdir(sub), 0);
    if (geteuid() != 0) { /* root writes into a read-only directory anyway */
        tfa_error_clear(&err);
        ck_assert_int_eq(chmod(dir, 0500), 0);
        ck_assert_int_eq(tfa_outdir_write(d, "plan.json", "{}", 2, &err), TFA_EIO);
        ck_assert_str_eq(err.message, "cannot create: Permission denied");
        ck_assert_int_eq(chmod(dir, 0700), 0);
        ck_assert_int_eq(entries(dir), 0);
    }
    tfa_outdir_free(d);
}
END_TEST

START_TEST(git_evidence_on_a_full_disk_moves_no_branch)
{
    int rc;
    fsize_limit(64); /* every object libgit2 writes is larger */
    rc = evidence_step(NULL);
    fsize_limit(RLIM_INFINITY);
    ck_assert_int_eq(rc, TFA_EIO);
    ck_assert(!branch_exists());
    ck_assert_int_eq(evidence_step(NULL), 0); /* room again: it goes through */
    ck_assert(branch_exists());
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("storage_faults");
    TCase *alloc = tcase_create("alloc"), *io = tcase_create("io"), *git = tcase_create("git");
    tcase_add_checked_fixture(alloc, setup, teardown);
    tcase_set_timeout(alloc, 600);
    tcase_add_test(alloc, canon_and_redact_survive_every_allocation_failure);
    tcase_add_test(alloc, bundle_and_outdir_survive_every_allocation_failure);
    suite_add_tcase(s, alloc);
    tcase_add_checked_fixture(io, setup, teardown);
    tcase_add_test(io, bundle_on_a_full_disk_leaves_no_file);
    tcase_add_test(io, bundle_over_a_directory_leaves_it_alone);
    tcase_add_test(io, bundle_to_a_full_stream_stops_with_the_sink_error);
    tcase_add_test(io, outdir_on_a_full_disk_leaves_no_file);
    tcase_add_test(io, outdir_over_a_directory_or_read_only_leaves_no_file);
    suite_add_tcase(s, io);
    tcase_add_checked_fixture(git, setup_repo, teardown);
    tcase_set_timeout(git, 600);
    tcase_add_test(git, git_evidence_survives_every_allocation_failure);
    tcase_add_test(git, git_evidence_on_a_full_disk_moves_no_branch);
    suite_add_tcase(s, git);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
