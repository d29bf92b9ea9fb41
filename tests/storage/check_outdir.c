/*
 * check_outdir.c - confined, atomic writes into one directory (storage/outdir.h).
 */
#include "util/compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"
#include "testsupport.h"

START_TEST(outdir_names_are_plain_file_names)
{
    ck_assert(tfa_outdir_name_ok("plan.json"));
    ck_assert(tfa_outdir_name_ok("assessment-plan.json"));
    ck_assert(tfa_outdir_name_ok("apply_2.log"));
    ck_assert(!tfa_outdir_name_ok(""));
    ck_assert(!tfa_outdir_name_ok(NULL));
    ck_assert(!tfa_outdir_name_ok("."));
    ck_assert(!tfa_outdir_name_ok(".."));
    ck_assert(!tfa_outdir_name_ok(".hidden"));
    ck_assert(!tfa_outdir_name_ok("../plan.json"));
    ck_assert(!tfa_outdir_name_ok("a/b"));
    ck_assert(!tfa_outdir_name_ok("/etc/passwd"));
    ck_assert(!tfa_outdir_name_ok("plan.json\n"));
    ck_assert(!tfa_outdir_name_ok("pl an.json"));
}
END_TEST

START_TEST(outdir_writes_only_inside_and_atomically)
{
    char *tmp = tfa_test_mkdtemp(), dir[600], path[700], *got;
    tfa_outdir *d = NULL;
    struct stat st;
    tfa_error err;
    size_t len;

    snprintf(dir, sizeof(dir), "%s/new", tmp);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_outdir_open(&d, dir, &err), &err);
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_tfa_ok(tfa_outdir_write(d, "plan.json", "{}\n", 3, &err), &err);
    ck_assert_tfa_ok(tfa_outdir_write(d, "plan.json", "{\"a\":1}\n", 8, &err), &err);
    snprintf(path, sizeof(path), "%s/plan.json", dir);
    got = tfa_test_read_file(path, &len);
    ck_assert_str_eq(got, "{\"a\":1}\n");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    free(got);
    ck_assert_int_eq(tfa_outdir_write(d, "../escape.json", "x", 1, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "refusing to write a file named '../escape.json'");
    snprintf(path, sizeof(path), "%s/escape.json", tmp);
    ck_assert_int_ne(access(path, F_OK), 0);
    tfa_outdir_free(d);
    /* no temporary file is left behind */
    snprintf(path, sizeof(path), "ls -A '%s' | grep -v '^plan.json$' | grep -q .", dir);
    ck_assert_int_ne(system(path), 0);
    tfa_test_rmtree(tmp);
    free(tmp);
}
END_TEST

START_TEST(outdir_reports_an_unusable_directory)
{
    char *tmp = tfa_test_mkdtemp(), file[600], dir[700];
    tfa_outdir *d = NULL;
    tfa_error err;

    snprintf(file, sizeof(file), "%s/file", tmp);
    ck_assert_int_eq(tfa_test_write_file(file, "x", 1), 0);
    snprintf(dir, sizeof(dir), "%s/sub", file);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_outdir_open(&d, dir, &err), TFA_EIO);
    ck_assert_str_eq(err.source, dir);
    ck_assert_str_eq(err.message, "cannot create the directory: Not a directory");
    ck_assert_ptr_null(d);
    tfa_test_rmtree(tmp);
    free(tmp);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("outdir");
    TCase *tc = tcase_create("outdir");
    tcase_add_test(tc, outdir_names_are_plain_file_names);
    tcase_add_test(tc, outdir_writes_only_inside_and_atomically);
    tcase_add_test(tc, outdir_reports_an_unusable_directory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
