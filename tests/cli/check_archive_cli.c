/*
 * check_archive_cli.c - `tfaudit summarize` on archives, as a user runs it.
 *
 *  - Conformance: a tar.gz and a zip of each corpus folder give, member by
 *    member, the same JSON (kind, sha256, bytes, encoding, facts) as the
 *    loose files; loose files tfaudit refuses are refused the same way as
 *    members, naming the member; files it would not read are skipped with a
 *    note. Compared generically, so it holds whatever the readers report.
 *  - Hostile archives (links, ../ and absolute names, a 1 GiB bomb, a
 *    truncated gzip, deep nesting) give a clear result, exit 2 where the
 *    input is unusable, and write nothing: tfaudit runs in an empty cwd with
 *    an empty TMPDIR, and both stay empty.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testsupport.h"
#include "util/buf.h"

static size_t dir_count(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    size_t n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Replace every `from` in `s` with `to` (malloc'd). */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t fl = strlen(from);
    const char *p;
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    while ((p = strstr(s, from)) != NULL) {
        tfa_buf_put(&b, s, (size_t)(p - s));
        tfa_buf_puts(&b, to);
        s = p + fl;
    }
    tfa_buf_puts(&b, s);
    return tfa_buf_detach(&b, NULL);
}

static void write_archive(const char *path, int format, int filter, const tfa_test_member *m,
                          size_t n)
{
    size_t len;
    char *ar = tfa_test_archive(format, filter, m, n, &len);
    ck_assert_ptr_nonnull(ar);
    ck_assert_int_eq(tfa_test_write_file(path, ar, len), 0);
    free(ar);
}

/* ---- conformance --------------------------------------------------------- */

typedef struct corpus_file {
    char name[256];
    char *data;
    size_t len;
    int status;
    json_t *input;    /* the loose file's input object, status 0 only */
    char *err;        /* the loose file's stderr */
    const char *skip; /* note a member gets instead of an error, or NULL */
} corpus_file;

static void run_loose(corpus_file *f, const char *path)
{
    const char *argv[] = {"tfaudit", "summarize", "--format", "json", path, NULL};
    tfa_test_output out;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    f->status = out.status;
    f->err = strdup(out.err);
    f->input = NULL;
    f->skip = NULL;
    if (out.status == 0) {
        json_t *doc = json_loads(out.out, 0, NULL);
        ck_assert_ptr_nonnull(doc);
        f->input = json_incref(json_array_get(json_object_get(doc, "inputs"), 0));
        json_object_del(f->input, "path");
        json_decref(doc);
    } else if (strstr(out.err, ": not a Terraform plan, state or log (use --kind")) {
        f->skip = "not a Terraform plan, state or log";
    } else if (strstr(out.err, ": empty input\n")) {
        f->skip = "empty input";
    }
    tfa_test_output_release(&out);
}

/* The archive's JSON has the loose inputs, in order, named ARCH!name; its
 * stderr is exactly the skip notes. */
static void check_archive(const char *arch, corpus_file *fs, size_t n, tfa_buf *why)
{
    const char **argv = calloc(2 * n + 6, sizeof(*argv));
    tfa_test_output out;
    json_t *doc, *inputs;
    tfa_buf notes;
    size_t i, k = 0, loaded = 0, a = 0;

    /* members the loose file is refused for are an error in the archive too,
     * unless skipped by name: skip them, and expect them listed */
    argv[a++] = "tfaudit", argv[a++] = "summarize", argv[a++] = "--format", argv[a++] = "json";
    tfa_buf_init(&notes, TFA_BUF_NO_MAX);
    for (i = 0; i < n; i++) {
        loaded += fs[i].input != NULL;
        if (fs[i].skip) {
            tfa_buf_printf(&notes, "tfaudit: %s!%s: note: skipped (--skip-unknown '%s'): %s\n",
                           arch, fs[i].name, fs[i].name, fs[i].skip);
            argv[a++] = "--skip-unknown", argv[a++] = fs[i].name;
        }
    }
    argv[a++] = arch;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    free(argv);
    if (loaded == 0) {
        ck_assert_int_eq(out.status, 2);
        tfa_test_output_release(&out);
        tfa_buf_release(&notes);
        return;
    }
    ck_assert_msg(out.status == 0, "%s: status %d: %s", arch, out.status, out.err);
    if (strcmp(out.err, notes.ptr) != 0)
        tfa_buf_printf(why, "\n  %s: stderr\n%s\n  expected\n%s", arch, out.err, notes.ptr);
    doc = json_loads(out.out, 0, NULL);
    inputs = json_object_get(doc, "inputs");
    ck_assert_uint_eq(json_array_size(inputs), loaded);
    for (i = 0; i < n; i++) {
        json_t *got;
        char want_path[1024];
        if (!fs[i].input)
            continue;
        got = json_array_get(inputs, k++);
        snprintf(want_path, sizeof(want_path), "%s!%s", arch, fs[i].name);
        if (strcmp(json_string_value(json_object_get(got, "path")), want_path) != 0)
            tfa_buf_printf(why, "\n  %s: input %zu is %s", want_path, k - 1,
                           json_string_value(json_object_get(got, "path")));
        json_object_del(got, "path");
        if (!json_equal(got, fs[i].input))
            tfa_buf_printf(why, "\n  %s: differs from the loose file", want_path);
    }
    json_decref(doc);
    tfa_test_output_release(&out);
    tfa_buf_release(&notes);
}

/* A loose file tfaudit refuses is refused as a member too, naming it. */
static void check_refused(const char *dir, const corpus_file *f, const char *loose, tfa_buf *why)
{
    tfa_test_member m = {f->name, f->data, f->len, 0, NULL};
    char arch[4096], member[4400];
    const char *argv[] = {"tfaudit", "summarize", "--format", "json", arch, NULL};
    tfa_test_output out;
    char *want;

    snprintf(arch, sizeof(arch), "%s/one.tar.gz", dir);
    snprintf(member, sizeof(member), "%s!%s", arch, f->name);
    write_archive(arch, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, &m, 1);
    want = replace_all(f->err, loose, member);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    /* stdout: the JSON, with the member as an input carrying its error */
    if (out.status != f->status || strcmp(out.err, want) != 0 ||
        !tfa_test_contains(out.out, out.out_len, "\"error\": "))
        tfa_buf_printf(why, "\n  %s: status %d, stderr %s  expected %d, %s", member, out.status,
                       out.err, f->status, want);
    free(want);
    tfa_test_output_release(&out);
}

static size_t read_folder(const char *folder, corpus_file **out)
{
    char *dir = tfa_test_corpus_path(folder);
    struct dirent **names = NULL;
    corpus_file *fs;
    int n = scandir(dir, &names, NULL, alphasort), i;
    size_t k = 0;

    ck_assert_int_ge(n, 0);
    fs = calloc((size_t)n + 1, sizeof(*fs));
    for (i = 0; i < n; i++) {
        char path[4096];
        if (names[i]->d_name[0] != '.') {
            snprintf(fs[k].name, sizeof(fs[k].name), "%s", names[i]->d_name);
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            fs[k].data = tfa_test_read_file(path, &fs[k].len);
            run_loose(&fs[k], path);
            k++;
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    *out = fs;
    return k;
}

START_TEST(archive_members_match_loose_files)
{
    static const char *const folders[] = {"plan-json", "state-json", "text-log", "ui-json"};
    const char *folder = folders[_i];
    char *tmp, *loose_dir, arch[4096], loose[4400];
    tfa_test_member *m;
    corpus_file *fs;
    size_t n, i, k = 0;
    tfa_buf why;

    tmp = tfa_test_mkdtemp();
    loose_dir = tfa_test_need_corpus_path(folder);
    n = read_folder(folder, &fs);
    m = calloc(n, sizeof(*m));
    tfa_buf_init(&why, TFA_BUF_NO_MAX);
    for (i = 0; i < n; i++) {
        if (fs[i].input || fs[i].skip) {
            m[k].path = fs[i].name, m[k].data = fs[i].data, m[k].len = fs[i].len;
            k++;
        } else {
            snprintf(loose, sizeof(loose), "%s/%s", loose_dir, fs[i].name);
            check_refused(tmp, &fs[i], loose, &why);
        }
    }
    snprintf(arch, sizeof(arch), "%s/%s.tar.gz", tmp, folder);
    write_archive(arch, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, k);
    check_archive(arch, fs, n, &why);
    snprintf(arch, sizeof(arch), "%s/%s.zip", tmp, folder);
    write_archive(arch, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, k);
    check_archive(arch, fs, n, &why);
    if (why.len)
        fprintf(stderr, "%s:%s\n", folder, why.ptr);
    ck_assert_msg(why.len == 0, "%s: archive members disagree with loose files (see stderr)",
                  folder);
    for (i = 0; i < n; i++) {
        free(fs[i].data), free(fs[i].err);
        json_decref(fs[i].input);
    }
    free(fs), free(m), free(loose_dir);
    tfa_buf_release(&why);
    tfa_test_rmtree(tmp);
    free(tmp);
}
END_TEST

/* ---- hostile archives ------------------------------------------------------ */

typedef struct sandbox {
    char *in;  /* where the test writes its archives */
    char *cwd; /* tfaudit's working directory: must stay empty */
    char *tmp; /* tfaudit's TMPDIR: must stay empty */
    char *plan;
    size_t plan_len;
} sandbox;

static void sandbox_init(sandbox *sb)
{
    char src[4096];
    char path[4200];
    ck_assert_ptr_nonnull(getcwd(src, sizeof(src)));
    snprintf(path, sizeof(path), "%s/fixtures/archive/plan.json", src);
    sb->plan = tfa_test_read_file(path, &sb->plan_len);
    ck_assert_ptr_nonnull(sb->plan);
    sb->in = tfa_test_mkdtemp();
    sb->cwd = tfa_test_mkdtemp();
    sb->tmp = tfa_test_mkdtemp();
}

static void sandbox_release(sandbox *sb)
{
    tfa_test_rmtree(sb->in), tfa_test_rmtree(sb->cwd), tfa_test_rmtree(sb->tmp);
    free(sb->in), free(sb->cwd), free(sb->tmp), free(sb->plan);
}

/* Run `summarize [opt] IN/name` from the empty cwd; check status, stdout
 * (NULL: anything when status is 0, nothing otherwise) and stderr, with
 * "IN" in the expectations standing for the input dir. */
static void expect_run(sandbox *box, const char *opt, const char *name, int status,
                       const char *want_out, const char *want_err)
{
    char arch[4096], before[4096];
    const char *argv[6] = {"tfaudit", "summarize", NULL, NULL, NULL, NULL};
    tfa_test_output out;
    char *err_exp;
    int a = 2;

    snprintf(arch, sizeof(arch), "%s/%s", box->in, name);
    if (opt)
        argv[a++] = opt;
    argv[a] = arch;
    ck_assert_ptr_nonnull(getcwd(before, sizeof(before)));
    ck_assert_int_eq(chdir(box->cwd), 0);
    ck_assert_int_eq(setenv("TMPDIR", box->tmp, 1), 0);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_int_eq(chdir(before), 0);
    err_exp = replace_all(want_err, "IN/", "");
    {
        char *e = replace_all(out.err, arch, name); /* IN/name -> name */
        ck_assert_msg(out.status == status, "%s: status %d: %s", name, out.status, out.err);
        ck_assert_str_eq(e, err_exp);
        free(e);
    }
    if (want_out)
        ck_assert_msg(tfa_test_contains(out.out, out.out_len, want_out), "%s: stdout %s", name,
                      out.out);
    else if (status != 0)
        ck_assert_uint_eq(out.out_len, 0); /* no partial use of a refused input */
    ck_assert(!tfa_test_contains(out.out, out.out_len, TFA_TEST_CANARY));
    ck_assert(!tfa_test_contains(out.err, out.err_len, TFA_TEST_CANARY));
    ck_assert_uint_eq(dir_count(box->cwd), 0);
    ck_assert_uint_eq(dir_count(box->tmp), 0);
    free(err_exp);
    tfa_test_output_release(&out);
}

static sandbox sb; /* per test: tcase_add_checked_fixture */

static void sandbox_setup(void)
{
    sandbox_init(&sb);
}

static void sandbox_teardown(void)
{
    /* nothing appeared beside the one input either */
    ck_assert_uint_eq(dir_count(sb.in), 1);
    sandbox_release(&sb);
}

static void put_archive(const char *name, int format, int filter, const tfa_test_member *m,
                        size_t n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", sb.in, name);
    write_archive(path, format, filter, m, n);
}

START_TEST(hostile_names_and_links_are_refused_or_skipped_on_request)
{
    tfa_test_member m[] = {{"../evil.json", sb.plan, sb.plan_len, 0, NULL},
                           {"../../../../../../tmp/evil2.json", sb.plan, sb.plan_len, 0, NULL},
                           {"/etc/passwd", sb.plan, sb.plan_len, 0, NULL},
                           {"passwd", NULL, 0, AE_IFLNK, "/etc/passwd"},
                           {"plan.json", sb.plan, sb.plan_len, 0, NULL},
                           {"again.json", NULL, 0, 0, "plan.json"}};
    char path[4096];
    struct stat st;

    put_archive("evil.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, m, 6);
    /* refused, each named, the rest still shown; exit 2 */
    expect_run(&sb, NULL, "evil.tar", 2, "evil.tar!plan.json: plan",
               "tfaudit: IN/evil.tar!../evil.json: unsafe member name (absolute or containing "
               "'..'); --skip-unknown GLOB skips it\n"
               "tfaudit: IN/evil.tar!../../../../../../tmp/evil2.json: unsafe member name "
               "(absolute or containing '..'); --skip-unknown GLOB skips it\n"
               "tfaudit: IN/evil.tar!/etc/passwd: unsafe member name (absolute or containing "
               "'..'); --skip-unknown GLOB skips it\n"
               "tfaudit: IN/evil.tar!passwd: symbolic link (links are never followed); "
               "--skip-unknown GLOB skips it\n"
               "tfaudit: IN/evil.tar!again.json: hard link (links are never followed); "
               "--skip-unknown GLOB skips it\n");
    /* skipped on request: still listed, never silently */
    expect_run(&sb, "--skip-unknown=*", "evil.tar", 0, "evil.tar!plan.json: plan",
               "tfaudit: IN/evil.tar!../evil.json: note: skipped (--skip-unknown '*'): unsafe "
               "member name (absolute or containing '..')\n"
               "tfaudit: IN/evil.tar!../../../../../../tmp/evil2.json: note: skipped "
               "(--skip-unknown '*'): unsafe member name (absolute or containing '..')\n"
               "tfaudit: IN/evil.tar!/etc/passwd: note: skipped (--skip-unknown '*'): unsafe "
               "member name (absolute or containing '..')\n"
               "tfaudit: IN/evil.tar!passwd: note: skipped (--skip-unknown '*'): symbolic link "
               "(links are never followed)\n"
               "tfaudit: IN/evil.tar!again.json: note: skipped (--skip-unknown '*'): hard link "
               "(links are never followed)\n");
    snprintf(path, sizeof(path), "%s/../evil.json", sb.cwd);
    ck_assert_int_ne(stat(path, &st), 0);
    ck_assert_int_ne(stat("/tmp/evil2.json", &st), 0);
}
END_TEST

START_TEST(a_decompression_bomb_is_refused)
{
    /* 1 GiB of zeros: zstd squeezes it to ~32 KiB (bzip2 to ~1 KiB) */
    tfa_test_member m[] = {{"plan.json", sb.plan, sb.plan_len, 0, NULL},
                           {"zeros.bin", NULL, 1ull << 30, 0, NULL}};
    char path[4096];
    size_t len;
    char *ar = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD, m, 2, &len);

    if (!ar)
        ar = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_BZIP2, m, 2, &len);
    snprintf(path, sizeof(path), "%s/bomb.tar", sb.in);
    ck_assert_int_eq(tfa_test_write_file(path, ar, len), 0);
    free(ar);
    /* skipped members are drained through the guards all the same */
    expect_run(&sb, "--skip-unknown=*.bin", "bomb.tar", 2, "bomb.tar!plan.json: plan",
               "tfaudit: IN/bomb.tar!zeros.bin: note: skipped (--skip-unknown '*.bin'): not a "
               "Terraform plan, state or log\n"
               "tfaudit: IN/bomb.tar!zeros.bin: compression ratio above 1000:1, refusing a likely "
               "decompression bomb\n");
}
END_TEST

START_TEST(max_bytes_counts_a_compressed_file_as_it_inflates)
{
    /* a compressed file declares no size (a stream of plan documents, as
     * terragrunt writes them) */
    tfa_test_member m[] = {{"data", NULL, 0, 0, NULL}};
    tfa_buf many;

    tfa_buf_init(&many, TFA_BUF_NO_MAX);
    while (many.len < (20u << 20))
        tfa_buf_put(&many, sb.plan, sb.plan_len);
    m[0].data = many.ptr, m[0].len = many.len;
    put_archive("plans.json.gz", ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, m, 1);
    tfa_buf_release(&many);
    expect_run(&sb, "--max-bytes=16M", "plans.json.gz", 2, NULL,
               "tfaudit: IN/plans.json.gz!plans.json: archives decompress to more than 16 MiB (see "
               "--max-bytes)\n");
}
END_TEST

START_TEST(a_truncated_gzip_names_the_member)
{
    tfa_test_member m[] = {{"plan.json", sb.plan, sb.plan_len, 0, NULL},
                           {"noise.bin", NULL, 4u << 20, 0, NULL}};
    char path[4096];
    size_t len;
    char *ar = tfa_test_archive(ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_GZIP, m, 2, &len);

    snprintf(path, sizeof(path), "%s/trunc.tar.gz", sb.in);
    ck_assert_int_eq(tfa_test_write_file(path, ar, len / 2), 0);
    free(ar);
    expect_run(&sb, "--skip-unknown=*.bin", "trunc.tar.gz", 2, "trunc.tar.gz!plan.json: plan",
               "tfaudit: IN/trunc.tar.gz!noise.bin: note: skipped (--skip-unknown '*.bin'): not a "
               "Terraform plan, state or log\n"
               "tfaudit: IN/trunc.tar.gz!noise.bin: cannot read archive member: truncated gzip "
               "input\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("archive_cli");
    TCase *tc = tfa_test_corpus_case("conformance");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, archive_members_match_loose_files, 0, 4);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, sandbox_setup, sandbox_teardown);
    tcase_add_test(tc, hostile_names_and_links_are_refused_or_skipped_on_request);
    tcase_add_test(tc, a_decompression_bomb_is_refused);
    tcase_add_test(tc, max_bytes_counts_a_compressed_file_as_it_inflates);
    tcase_add_test(tc, a_truncated_gzip_names_the_member);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
