/*
 * testsupport.c - helpers for the Check suites (see testsupport.h).
 */
#include "util/compat.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "net/http.h"
#include "testsupport.h"
#include "util/buf.h"

const char *tfa_test_corpus(void)
{
    const char *dir = getenv("TFA_CORPUS");
    struct stat st;
    if (!dir || !dir[0])
        dir = "../shared/corpus";
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

TCase *tfa_test_corpus_case(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_tags(tc, TFA_TEST_CORPUS_TAG);
    return tc;
}

char *tfa_test_need_corpus_path(const char *rel)
{
    char *p = tfa_test_corpus_path(rel);
    ck_assert_msg(p != NULL, "the corpus is absent, yet a corpus case ran");
    return p;
}

char *tfa_test_corpus_path(const char *rel)
{
    const char *c = tfa_test_corpus();
    size_t n;
    char *p;
    if (!c)
        return NULL;
    n = strlen(c) + strlen(rel) + 2;
    p = malloc(n);
    snprintf(p, n, "%s/%s", c, rel);
    return p;
}

char *tfa_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    tfa_buf b;
    char chunk[65536];
    size_t n;
    if (!f)
        return NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tfa_buf_put(&b, chunk, n);
    fclose(f);
    return tfa_buf_detach(&b, len);
}

int tfa_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f)
        return -1;
    ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

char *tfa_test_mkdtemp(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    size_t n = strlen(base) + 32;
    char *p = malloc(n);
    snprintf(p, n, "%s/tfaudit-test-XXXXXX", base);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

void tfa_test_rmtree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    if (d) {
        while ((e = readdir(d)) != NULL) {
            char sub[4096];
            struct stat st;
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                tfa_test_rmtree(sub);
            else
                unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

int tfa_test_load_mem(tfa_run **out, const char *name, const char *data, size_t len, tfa_kind kind,
                      tfa_error *err)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    lo.kind = kind;
    return tfa_test_load_mem_with(out, name, data, len, &lo, err);
}

int tfa_test_load_mem_with(tfa_run **out, const char *name, const char *data, size_t len,
                           const tfa_load_options *lo, tfa_error *err)
{
    tfa_stream *in = NULL;
    tfa_run *run = NULL;
    int rc;

    *out = NULL;
    if ((rc = tfa_run_new(&run)) != 0)
        return tfa_error_oom(err);
    rc = tfa_stream_open_memory(&in, name, data, len, err);
    if (rc == 0)
        rc = tfa_run_load_stream(run, in, lo, err);
    tfa_stream_free(in);
    if (rc)
        tfa_run_free(run);
    else
        *out = run;
    return rc;
}

static la_ssize_t archive_to_buf(struct archive *a, void *ctx, const void *data, size_t len)
{
    (void)a;
    return tfa_buf_put(ctx, data, len) == 0 ? (la_ssize_t)len : -1;
}

static int write_member(struct archive *a, const tfa_test_member *m)
{
    static const char zeros[1 << 20];
    struct archive_entry *e = archive_entry_new();
    unsigned long long left = m->len;
    int ok;

    archive_entry_set_pathname(e, m->path);
    archive_entry_set_filetype(e, m->type ? m->type : AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 1714644672, 0); /* fixed: archives are reproducible */
    if (m->type == AE_IFLNK)
        archive_entry_set_symlink(e, m->link);
    else if (m->link)
        archive_entry_set_hardlink(e, m->link);
    if ((!m->type || m->type == AE_IFREG) && !m->link)
        archive_entry_set_size(e, (la_int64_t)m->len);
    ok = archive_write_header(a, e) == ARCHIVE_OK;
    while (ok && left > 0 && (!m->type || m->type == AE_IFREG) && !m->link) {
        size_t n = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);
        const char *p = m->data ? m->data + (m->len - left) : zeros;
        ok = archive_write_data(a, p, n) == (la_ssize_t)n;
        left -= n;
    }
    archive_entry_free(e);
    return ok;
}

char *tfa_test_archive(int format, int filter, const tfa_test_member *m, size_t n, size_t *len)
{
    struct archive *a = archive_write_new();
    tfa_buf b;
    size_t i;
    int ok;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ok = archive_write_set_format(a, format) == ARCHIVE_OK &&
         (filter == ARCHIVE_FILTER_NONE || archive_write_add_filter(a, filter) == ARCHIVE_OK) &&
         archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK &&
         archive_write_open(a, &b, NULL, archive_to_buf, NULL) == ARCHIVE_OK;
    for (i = 0; ok && i < n; i++)
        ok = write_member(a, &m[i]);
    ok = archive_write_close(a) == ARCHIVE_OK && ok;
    archive_write_free(a);
    if (!ok) {
        tfa_buf_release(&b);
        return NULL;
    }
    return tfa_buf_detach(&b, len);
}

/* Pump stdin in and stdout/stderr out without deadlocking on full pipes. */
static void pump(int in_fd, const char *input, size_t input_len, int out_fd, int err_fd,
                 tfa_buf *out, tfa_buf *err)
{
    struct pollfd p[3];
    size_t sent = 0;
    char chunk[65536];
    int open_out = 1, open_err = 1;

    if (in_fd >= 0 && input_len == 0) {
        close(in_fd);
        in_fd = -1;
    }
    while (open_out || open_err || in_fd >= 0) {
        int n = 0, i;
        p[n].fd = out_fd, p[n].events = open_out ? POLLIN : 0, n++;
        p[n].fd = err_fd, p[n].events = open_err ? POLLIN : 0, n++;
        p[n].fd = in_fd, p[n].events = in_fd >= 0 ? POLLOUT : 0, n++;
        if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
            break;
        for (i = 0; i < 2; i++) {
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t r = read(p[i].fd, chunk, sizeof(chunk));
                if (r > 0)
                    tfa_buf_put(i == 0 ? out : err, chunk, (size_t)r);
                else if (i == 0)
                    open_out = 0;
                else
                    open_err = 0;
            }
        }
        if (in_fd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in_fd, input + sent, input_len - sent);
            if (w > 0)
                sent += (size_t)w;
            if (w <= 0 || sent == input_len) {
                close(in_fd);
                in_fd = -1;
            }
        }
    }
}

int tfa_test_run(const char *const *argv, const char *input, size_t input_len, tfa_test_output *out)
{
    const char *bin = getenv("TFA_BINARY");
    int pin[2], pout[2], perr[2], st = 0;
    tfa_buf ob, eb;
    pid_t pid;

    memset(out, 0, sizeof(*out));
    if (!bin || pipe(pin) || pipe(pout) || pipe(perr))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(pin[0], 0), dup2(pout[1], 1), dup2(perr[1], 2);
        close(pin[1]), close(pout[0]), close(perr[0]);
        execv(bin, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(pin[0]), close(pout[1]), close(perr[1]);
    signal(SIGPIPE, SIG_IGN);
    tfa_buf_init(&ob, TFA_BUF_NO_MAX);
    tfa_buf_init(&eb, TFA_BUF_NO_MAX);
    pump(pin[1], input, input ? input_len : 0, pout[0], perr[0], &ob, &eb);
    close(pout[0]), close(perr[0]);
    waitpid(pid, &st, 0);
    out->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    out->out = tfa_buf_detach(&ob, &out->out_len);
    out->err = tfa_buf_detach(&eb, &out->err_len);
    return 0;
}

void tfa_test_output_release(tfa_test_output *out)
{
    free(out->out);
    free(out->err);
    memset(out, 0, sizeof(*out));
}

int tfa_test_contains(const char *hay, size_t len, const char *needle)
{
    return hay && memmem(hay, len, needle, strlen(needle)) != NULL;
}

int tfa_test_main(Suite *s)
{
    const char *mode = getenv("TFA_TEST_CORPUS");
    const char *include = NULL, *exclude = NULL;
    SRunner *sr = srunner_create(s);
    char *home = tfa_test_mkdtemp(), sub[4096];
    int failed;

    /* ctest runs a suite with corpus cases twice: TFA_TEST_CORPUS=exclude
     * (everything else) and =only (the corpus cases; skipped, 77, when the
     * corpus is absent, so its absence shows as SKIP, never as a pass). Run
     * by hand, a suite runs the corpus cases when the corpus is there. */
    if (mode && strcmp(mode, "only") == 0) {
        if (!tfa_test_corpus()) {
            printf("skipped: the corpus (../shared/corpus or $TFA_CORPUS) is absent\n");
            srunner_free(sr);
            if (home)
                tfa_test_rmtree(home);
            free(home);
            return 77;
        }
        include = TFA_TEST_CORPUS_TAG;
    } else if ((mode && strcmp(mode, "exclude") == 0) || !tfa_test_corpus()) {
        exclude = TFA_TEST_CORPUS_TAG;
    }
    /* Hermetic: a HOME of its own for the suite, removed after, so nothing
     * a test runs (a default ledger, state, config) lands in the build tree
     * or outlives the run; ctest's HOME is only the fallback. */
    if (!home) {
        printf("cannot make a temp HOME\n");
        srunner_free(sr);
        return 1;
    }
    setenv("HOME", home, 1);
    snprintf(sub, sizeof(sub), "%s/.config", home);
    setenv("XDG_CONFIG_HOME", sub, 1);
    snprintf(sub, sizeof(sub), "%s/.local/state", home);
    setenv("XDG_STATE_HOME", sub, 1);
    /* what main does for the commands tests run in-process: net/ never
     * initializes libcurl itself */
    if (tfa_http_global_init(NULL) != 0) {
        printf("cannot initialize libcurl\n");
        tfa_test_rmtree(home);
        free(home);
        srunner_free(sr);
        return 1;
    }
    srunner_run_tagged(sr, NULL, NULL, include, exclude, CK_NORMAL);
    tfa_http_global_cleanup();
    tfa_test_rmtree(home);
    free(home);
    if (srunner_ntests_run(sr) == 0) { /* nothing checked is not a pass */
        printf("skipped: no test ran\n");
        srunner_free(sr);
        return 77;
    }
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

int tfa_test_self_signed_cert(const char *dir)
{
    char cmd[2048];

    snprintf(cmd, sizeof(cmd),
             "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
             "-nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.1 -addext "
             "subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             dir);
    return system(cmd) == 0 ? 0 : -1;
}
