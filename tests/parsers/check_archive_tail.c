/*
 * check_archive_tail.c - what follows an archive's end is read or refused,
 * never ignored: tar archives put one after the other are read whole, and
 * bytes after a compressed stream's end (a file appended to a .tar.gz) are
 * an error unless they are zero padding. Archives are built here with
 * libarchive's writer from the fixtures in fixtures/archive/, and joined as
 * `cat` joins them.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>

#include "testsupport.h"
#include "util/alloc.h"

static char *plan, *state;
static size_t plan_len, state_len;

static void load_fixtures(void)
{
    plan = tfa_test_read_file("fixtures/archive/plan.json", &plan_len);
    state = tfa_test_read_file("fixtures/archive/state.json", &state_len);
    ck_assert_msg(plan && state, "fixtures/archive/ is missing");
}

static void free_fixtures(void)
{
    free(plan), free(state);
}

/* a + b, as `cat a b` writes them; frees both. */
static char *join(char *a, size_t a_len, const char *b, size_t b_len, size_t *len)
{
    char *out = malloc(a_len + b_len + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, a, a_len);
    memcpy(out + a_len, b, b_len);
    *len = a_len + b_len;
    free(a);
    return out;
}

/* The plan archived as `format` behind `filter`, then `tail` appended. */
static char *plan_then(int format, int filter, const char *tail, size_t tail_len, size_t *len)
{
    tfa_test_member m[] = {{"plan.json", plan, plan_len, 0, NULL}};
    size_t n;
    char *a = tfa_test_archive(format, filter, m, 1, &n);

    ck_assert_ptr_nonnull(a);
    return join(a, n, tail, tail_len, len);
}

/* Two archives in `filter`, one member each, joined: the plan first, then
 * the state. */
static char *two_archives(int filter, size_t *len)
{
    tfa_test_member m1[] = {{"plan.json", plan, plan_len, 0, NULL}};
    tfa_test_member m2[] = {{"logs/state.json", state, state_len, 0, NULL}};
    size_t l1, l2;
    char *a = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter, m1, 1, &l1);
    char *b = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter, m2, 1, &l2);
    char *out;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    out = join(a, l1, b, l2, len);
    free(b);
    return out;
}

static const struct {
    int filter;
    const char *name;
} joined[] = {
    {ARCHIVE_FILTER_NONE, "two.tar"},      /* cat a.tar b.tar */
    {ARCHIVE_FILTER_GZIP, "two.tar.gz"},   /* cat a.tar.gz b.tar.gz: two gzip members */
    {ARCHIVE_FILTER_BZIP2, "two.tar.bz2"}, /* cat a.tar.bz2 b.tar.bz2: two bzip2 streams */
};

/* Before, reading stopped at the first end-of-archive marker: the state
 * after it was neither read nor reported, and a destroying plan appended to
 * a clean run's archive went unseen. */
START_TEST(archive_reads_tar_archives_joined_one_after_the_other)
{
    tfa_run *run = NULL;
    tfa_error err;
    char p1[64], p2[64];
    size_t len;
    char *ar = two_archives(joined[_i].filter, &len);

    tfa_error_init(&err);
    snprintf(p1, sizeof(p1), "%s!plan.json", joined[_i].name);
    snprintf(p2, sizeof(p2), "%s!logs/state.json", joined[_i].name);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, joined[_i].name, ar, len, TFA_KIND_UNKNOWN, &err),
                     &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    ck_assert_str_eq(tfa_run_input(run, 0)->path, p1);
    ck_assert_str_eq(tfa_run_input(run, 1)->path, p2);
    ck_assert_int_eq(tfa_run_input(run, 1)->kind, TFA_KIND_STATE);
    tfa_run_free(run);
    free(ar);
}
END_TEST

static void expect_refused(const char *name, const char *data, size_t len, const char *message)
{
    tfa_run *run = NULL;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    rc = tfa_test_load_mem(&run, name, data, len, TFA_KIND_UNKNOWN, &err);

    ck_assert_msg(rc == TFA_EINPUT, "%s: status %d (%s)", name, rc, err.message);
    ck_assert_str_eq(err.source, name);
    ck_assert_str_eq(err.message, message);
    tfa_run_free(run);
}

/* gzip and GNU tar refuse trailing garbage ("decompression OK, trailing
 * garbage ignored", exit 2); libarchive would stop at the stream's end. */
START_TEST(archive_refuses_bytes_after_the_compressed_stream)
{
    static const char junk[] = "Error: apply failed\n";
    tfa_test_member s[] = {{"state.json", state, state_len, 0, NULL}};
    size_t st_len, i;
    char *st =
        tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, s, 1, &st_len);
    const struct {
        int format;
        const char *tail;
        size_t tail_len;
        const char *name;
    } cases[] = {
        {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, junk, sizeof(junk) - 1, "run.tar.gz"},
        /* an uncompressed tar appended to a .tar.gz is not a gzip member */
        {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, st, st_len, "run.tar.gz"},
        /* a single compressed file too */
        {ARCHIVE_FORMAT_RAW, junk, sizeof(junk) - 1, "plan.json.gz"},
    };

    ck_assert_ptr_nonnull(st);
    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        char msg[128];
        size_t len;
        char *ar =
            plan_then(cases[i].format, ARCHIVE_FILTER_GZIP, cases[i].tail, cases[i].tail_len, &len);
        snprintf(msg, sizeof(msg),
                 "data after the end of the archive at byte %zu (something appended to it?)",
                 len - cases[i].tail_len);
        expect_refused(cases[i].name, ar, len, msg);
        free(ar);
    }
    free(st);
}
END_TEST

/* Zeros after the end are blocking padding (tapes, `tar -b`), as gzip and
 * tar take them; an uncompressed tar's trailing garbage is a damaged
 * header. */
START_TEST(archive_takes_zero_padding_and_refuses_other_tails)
{
    char *zeros = calloc(1, 300000); /* more than one of the reader's chunks */
    tfa_run *run = NULL;
    tfa_error err;
    size_t len;
    char *ar;

    ck_assert_ptr_nonnull(zeros);
    tfa_error_init(&err);
    ar = plan_then(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, zeros, 300000, &len);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "pad.tar.gz", ar, len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 1);
    tfa_run_free(run);
    /* one byte that is not zero, far into the padding */
    ar[len - 1] = 'x';
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_test_load_mem(&run, "pad.tar.gz", ar, len, TFA_KIND_UNKNOWN, &err),
                     TFA_EINPUT);
    ck_assert_msg(strstr(err.message, "data after the end of the archive") != NULL, "%s",
                  err.message);
    tfa_run_free(run);
    free(ar);
    ar = plan_then(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, zeros, 512, &len);
    memcpy(ar + len - 512, "not a tar header", 16);
    expect_refused("junk.tar", ar, len,
                   "cannot read archive after member 'plan.json': damaged tar archive");
    free(ar), free(zeros);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("archive_tail");
    TCase *tc = tcase_create("tail");
    tcase_add_checked_fixture(tc, load_fixtures, free_fixtures);
    tcase_add_loop_test(tc, archive_reads_tar_archives_joined_one_after_the_other, 0,
                        (int)TFA_ARRAY_SIZE(joined));
    tcase_add_test(tc, archive_refuses_bytes_after_the_compressed_stream);
    tcase_add_test(tc, archive_takes_zero_padding_and_refuses_other_tails);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
