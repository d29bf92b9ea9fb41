/*
 * testsupport.h - helpers shared by the Check suites.
 *
 * Tests run from the source tree root (ctest's WORKING_DIRECTORY), with
 * TFA_BINARY naming the built tfaudit. The corpus in ../shared/corpus may be
 * absent: tests that need it skip.
 */
#ifndef TFA_TESTSUPPORT_H
#define TFA_TESTSUPPORT_H

#include <check.h>
#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "input.h"
#include "run.h"
#include "util/error.h"

/* The canary secret fixtures carry in sensitive values: it must never appear
 * in any output, report, ledger, commit, bundle or request. */
#define TFA_TEST_CANARY "CANARY-7f3a9c1e-DO-NOT-LEAK"

/* Workspace `name` of an audit report (JSON): aborts the test when absent. */
static inline const json_t *tfa_test_report_ws(const json_t *report, const char *name)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(report, "workspaces"), i, w)
    {
        const char *n = json_string_value(json_object_get(w, "name"));
        if (n && strcmp(n, name) == 0)
            return w;
    }
    ck_abort_msg("no workspace %s", name);
    return NULL;
}

/* Assert rc == 0, printing the tfa_error when not. */
#define ck_assert_tfa_ok(rc, err)                                                                  \
    do {                                                                                           \
        int rc_ = (rc);                                                                            \
        char msg_[2048];                                                                           \
        if (rc_ != 0) {                                                                            \
            tfa_error_format((err), msg_, sizeof(msg_));                                           \
            ck_abort_msg("status %d (%s): %s", rc_, tfa_status_str(rc_), msg_);                    \
        }                                                                                          \
    } while (0)

/* ../shared/corpus relative to the source tree ($TFA_CORPUS overrides), or
 * NULL when absent. */
const char *tfa_test_corpus(void);
/* Path of a file under the corpus (static buffer per call site is not
 * needed: the result is malloc'd; free it). NULL when the corpus is absent. */
char *tfa_test_corpus_path(const char *rel);

/* Tests that read the corpus live in test cases made by
 * tfa_test_corpus_case (tagged TFA_TEST_CORPUS_TAG). tests/CMakeLists.txt
 * registers a suite using it twice, the second time as NAME_corpus, which
 * is skipped (exit 77) when the corpus is absent: a corpus test never
 * passes without having read the corpus. Inside such a case,
 * tfa_test_need_corpus_path fails the test when the corpus is absent. */
#define TFA_TEST_CORPUS_TAG "corpus"
TCase *tfa_test_corpus_case(const char *name);
char *tfa_test_need_corpus_path(const char *rel);

/* Whole file into memory (NUL-terminated); NULL on failure. */
char *tfa_test_read_file(const char *path, size_t *len);
int tfa_test_write_file(const char *path, const void *data, size_t len);
/* A new empty directory under $TMPDIR; free the string. */
char *tfa_test_mkdtemp(void);
/* A self-signed certificate for 127.0.0.1 made with the openssl CLI:
 * DIR/cert.pem and DIR/key.pem (P-256, one day). 0, or -1. */
int tfa_test_self_signed_cert(const char *dir);
/* rm -rf */
void tfa_test_rmtree(const char *path);

/* Load `data` (named `name`) into a new run. Returns the status; *out is the
 * run on success (free it), NULL otherwise. */
int tfa_test_load_mem(tfa_run **out, const char *name, const char *data, size_t len, tfa_kind kind,
                      tfa_error *err);
/* The same with the load options `lo`. */
int tfa_test_load_mem_with(tfa_run **out, const char *name, const char *data, size_t len,
                           const tfa_load_options *lo, tfa_error *err);

/* A member of an archive a test builds. `data` NULL means `len` zero bytes
 * (bombs are written without holding them in memory). `type` is an AE_IF*
 * file type (0 = regular file); `link` is a symlink's target, or for a
 * regular file the member it is a hard link to. */
typedef struct tfa_test_member {
    const char *path;
    const char *data;
    unsigned long long len;
    unsigned type;
    const char *link;
} tfa_test_member;

/* Build an archive in memory with libarchive's writer. `format` and `filter`
 * are ARCHIVE_FORMAT_* and ARCHIVE_FILTER_* codes (ARCHIVE_FORMAT_RAW for a
 * single compressed file). Returns malloc'd bytes (free them), or NULL when
 * this libarchive cannot write that combination (e.g. no zstd). */
char *tfa_test_archive(int format, int filter, const tfa_test_member *m, size_t n, size_t *len);

/* The result of running the tfaudit binary. */
typedef struct tfa_test_output {
    char *out, *err; /* NUL-terminated; free with tfa_test_output_release */
    size_t out_len, err_len;
    int status; /* exit status, or 128 + signal */
} tfa_test_output;

/* Run $TFA_BINARY with argv (argv[0] is ignored; NULL-terminated), feeding
 * `input` (may be NULL) on stdin. Returns 0 if it ran. */
int tfa_test_run(const char *const *argv, const char *input, size_t input_len,
                 tfa_test_output *out);
void tfa_test_output_release(tfa_test_output *out);
/* Whether `needle` occurs in `hay` of length len. */
int tfa_test_contains(const char *hay, size_t len, const char *needle);

/* Run one suite (CK_RUN_CASE etc. honoured); returns the process exit code. */
int tfa_test_main(Suite *s);

#endif
