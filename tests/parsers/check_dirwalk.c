/*
 * check_dirwalk.c - directories as inputs: name order, what is skipped and
 * how, links never followed, archives inside the tree.
 */
#include "util/compat.h"

#include <archive.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testsupport.h"

static char *root;        /* a temp dir, the cwd of each test */
static char srcdir[4096]; /* the source tree, where fixtures/ is */

static char *read_fixture(const char *rel, size_t *len)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/fixtures/archive/%s", srcdir, rel);
    return tfa_test_read_file(path, len);
}

static void put(const char *rel, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
}

static void put_fixture(const char *rel, const char *fixture)
{
    size_t len;
    char *data = read_fixture(fixture, &len);
    ck_assert_ptr_nonnull(data);
    put(rel, data, len);
    free(data);
}

static void mkdir_in(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void setup(void)
{
    ck_assert_ptr_nonnull(getcwd(srcdir, sizeof(srcdir)));
    root = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(chdir(root), 0); /* paths below are reported as given: relative */
}

static void teardown(void)
{
    tfa_test_rmtree(root);
    free(root);
}

/*
 * tree/
 *   README.md  a/state.json  b/plan.json  b/run.tar.gz (plan.json, notes.txt)
 *   blob.bin (binary)  empty.json  fifo  up -> ../outside.json  loop -> .
 * Files are created out of name order so readdir order is unlikely sorted.
 */
static void build_tree(void)
{
    static const char blob[] = {'\x7f', 'E', 'L', 'F', 0, 0, 0, 1, 2, 3};
    tfa_test_member m[2] = {{"plan.json", NULL, 0, 0, NULL}, {"notes.txt", "hi\n", 3, 0, NULL}};
    size_t len;
    char *ar;

    m[0].data = read_fixture("plan.json", &len);
    m[0].len = len;
    ar = tfa_test_archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, m, 2, &len);
    mkdir_in("tree");
    mkdir_in("tree/b");
    mkdir_in("tree/a");
    put("tree/b/run.tar.gz", ar, len);
    put("tree/empty.json", "", 0);
    put("tree/blob.bin", blob, sizeof(blob));
    put_fixture("tree/b/plan.json", "plan.json");
    put_fixture("tree/a/state.json", "state.json");
    put_fixture("tree/README.md", "README.md");
    put_fixture("outside.json", "plan.json");
    ck_assert_int_eq(symlink("../outside.json", "tree/up"), 0);
    ck_assert_int_eq(symlink(".", "tree/loop"), 0);
    ck_assert_int_eq(mkfifo("tree/fifo", 0644), 0);
    free((char *)(uintptr_t)m[0].data);
    free(ar);
}

static void expect_run(const tfa_run *run, const char *const *inputs, const char *const *notes)
{
    size_t i;
    for (i = 0; inputs[i]; i++) {
        ck_assert_uint_gt(tfa_run_input_count(run), i);
        ck_assert_str_eq(tfa_run_input(run, i)->path, inputs[i]);
    }
    ck_assert_uint_eq(tfa_run_input_count(run), i);
    for (i = 0; notes[i]; i++) {
        const tfa_note *n = tfa_run_note(run, i);
        char line[2048];
        ck_assert_msg(n != NULL, "note %zu missing: %s", i, notes[i]);
        snprintf(line, sizeof(line), "%s: %s", n->path ? n->path : "", n->message);
        ck_assert_str_eq(line, notes[i]);
    }
    ck_assert_uint_eq(tfa_run_note_count(run), i);
}

/* Entries that cannot be read are an error unless skipped: skip them all
 * (--skip-unknown '*') to see them listed; `strict` leaves them errors. */
static int strict;

static int load(tfa_run **run, const char *path, tfa_error *err)
{
    static const char *const skip_all[] = {"*"};
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    if (!strict)
        lo.skip_unknown = skip_all, lo.n_skip_unknown = 1;
    tfa_error_init(err);
    ck_assert_int_eq(tfa_run_new(run), 0);
    return tfa_run_load(*run, path, &lo, err);
}

START_TEST(dirwalk_reads_a_tree_in_name_order_and_notes_skips)
{
    /* given "tree" or "tree/", paths are what was given plus the relative path */
    const char *given = _i ? "tree/" : "tree";
    const char *inputs[] = {"tree/a/state.json", "tree/b/plan.json", "tree/b/run.tar.gz!plan.json",
                            NULL};
    const char *notes[] = {
        "tree/README.md: skipped (--skip-unknown '*'): not a Terraform plan, state or log",
        "tree/b/run.tar.gz!notes.txt: skipped (--skip-unknown '*'): not a Terraform plan, state "
        "or log",
        "tree/blob.bin: skipped (--skip-unknown '*'): not a Terraform plan, state or log",
        "tree/empty.json: skipped (--skip-unknown '*'): empty input",
        "tree/fifo: skipped (--skip-unknown '*'): not a regular file",
        "tree/loop: skipped (--skip-unknown '*'): symbolic link (a directory walk never follows "
        "links: name its target to read it)",
        "tree/up: skipped (--skip-unknown '*'): symbolic link (a directory walk never follows "
        "links: name its target to read it)",
        NULL};
    tfa_run *run = NULL;
    tfa_error err;

    build_tree();
    ck_assert_tfa_ok(load(&run, given, &err), &err);
    expect_run(run, inputs, notes);
    ck_assert_int_eq(tfa_run_input(run, 0)->kind, TFA_KIND_STATE);
    ck_assert_int_eq(tfa_run_input(run, 1)->kind, TFA_KIND_PLAN);
    tfa_run_free(run);
}
END_TEST

START_TEST(dirwalk_of_nothing_readable_is_an_error)
{
    tfa_run *run = NULL;
    tfa_error err;

    mkdir_in("docs");
    mkdir_in("docs/empty");
    put_fixture("docs/README.md", "README.md");
    ck_assert_int_eq(load(&run, "docs", &err), TFA_ENODOC);
    ck_assert_str_eq(err.source, "docs");
    ck_assert_str_eq(err.message, "no Terraform plan, state or log in this directory");
    tfa_run_free(run);
    /* without the skip, the README is what stops the walk, named */
    strict = 1;
    ck_assert_int_eq(load(&run, "docs", &err), TFA_EINPUT);
    strict = 0;
    ck_assert_str_eq(err.source, "docs/README.md");
    ck_assert_str_eq(err.message, "not a Terraform plan, state or log (use --kind to force one, "
                                  "or --skip-unknown GLOB to skip it)");
    tfa_run_free(run);
}
END_TEST

START_TEST(dirwalk_reports_unreadable_files)
{
    tfa_run *run = NULL;
    tfa_error err;

    if (geteuid() == 0)
        return; /* root reads everything: nothing to test */
    mkdir_in("d");
    put_fixture("d/plan.json", "plan.json");
    ck_assert_int_eq(chmod("d/plan.json", 0), 0);
    ck_assert_int_eq(load(&run, "d", &err), TFA_EIO);
    ck_assert_str_eq(err.source, "d/plan.json");
    ck_assert_str_eq(err.message, "cannot open: Permission denied");
    tfa_run_free(run);
}
END_TEST

START_TEST(dirwalk_follows_a_link_named_on_the_command_line)
{
    /* only links met during a walk are skipped; a link the user names is
     * what the user asked for */
    const char *inputs[] = {"via/a/state.json", NULL}, *notes[] = {NULL};
    tfa_run *run = NULL;
    tfa_error err;

    mkdir_in("real");
    mkdir_in("real/a");
    put_fixture("real/a/state.json", "state.json");
    ck_assert_int_eq(symlink("real", "via"), 0);
    ck_assert_tfa_ok(load(&run, "via", &err), &err);
    expect_run(run, inputs, notes);
    tfa_run_free(run);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dirwalk");
    TCase *tc = tcase_create("dirwalk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, dirwalk_reads_a_tree_in_name_order_and_notes_skips, 0, 2);
    tcase_add_test(tc, dirwalk_of_nothing_readable_is_an_error);
    tcase_add_test(tc, dirwalk_reports_unreadable_files);
    tcase_add_test(tc, dirwalk_follows_a_link_named_on_the_command_line);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
