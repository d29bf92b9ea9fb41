/*
 * bundle.c - writing audit bundles (see bundle.h; checking them is
 * bundle_verify.c).
 *
 * Files are held in memory until tfa_bundle_write sorts them and streams
 * the archive: bundles carry reports, a record and redacted inputs, all
 * small next to the inputs themselves.
 */
#include "util/compat.h"

#include "util/sort.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "pgzip.h"
#include "relpath.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct bundle_file {
    char *name;
    char *data;
    size_t len;
    int hashed; /* sha holds the caller's digest of data */
    unsigned char sha[TFA_SHA256_BYTES];
} bundle_file;

struct tfa_bundle {
    int64_t mtime;
    bundle_file *files;
    size_t n, cap;
};

int tfa_bundle_new(tfa_bundle **out, int64_t mtime, tfa_error *err)
{
    *out = tfa_calloc(1, sizeof(**out));
    if (!*out)
        return tfa_error_oom(err);
    (*out)->mtime = mtime;
    return 0;
}

void tfa_bundle_free(tfa_bundle *bundle)
{
    size_t i;
    if (!bundle)
        return;
    for (i = 0; i < bundle->n; i++) {
        tfa_free(bundle->files[i].name);
        tfa_free(bundle->files[i].data);
    }
    tfa_free(bundle->files);
    tfa_free(bundle);
}

/* Add `*data` as it is (taken: NULL afterwards, freed on failure). */
static int add_taken(tfa_bundle *bundle, const char *name, char **data, size_t len,
                     const unsigned char *sha, tfa_error *err)
{
    bundle_file f = {NULL, *data, len, sha != NULL, {0}};
    size_t i;
    int rc = 0;

    *data = NULL;
    if (!tfa_relpath_ok(name) || strcmp(name, TFA_BUNDLE_MANIFEST) == 0)
        rc = tfa_error_set(err, TFA_EUSAGE, "invalid bundle entry name '%s'", name);
    for (i = 0; rc == 0 && i < bundle->n; i++)
        if (strcmp(bundle->files[i].name, name) == 0)
            rc = tfa_error_set(err, TFA_EUSAGE, "bundle entry '%s' added twice", name);
    if (rc == 0 &&
        (!f.data ||
         tfa_array_grow(&bundle->files, &bundle->cap, bundle->n + 1, sizeof(*bundle->files)) != 0 ||
         !(f.name = tfa_strdup(name))))
        rc = tfa_error_oom(err);
    if (rc) {
        tfa_free(f.data);
        return rc;
    }
    if (sha)
        memcpy(f.sha, sha, sizeof(f.sha));
    bundle->files[bundle->n++] = f;
    return 0;
}

int tfa_bundle_add(tfa_bundle *bundle, const char *name, const void *data, size_t len,
                   tfa_error *err)
{
    char *copy = tfa_malloc(len ? len : 1);
    if (copy && len)
        memcpy(copy, data, len);
    return add_taken(bundle, name, &copy, len, NULL, err);
}

/* inputs/NAME, or NULL out of memory */
static char *input_name(const char *name)
{
    tfa_buf full;
    tfa_buf_init(&full, TFA_BUF_NO_MAX);
    tfa_buf_puts(&full, TFA_BUNDLE_INPUTS);
    tfa_buf_puts(&full, name);
    return tfa_buf_detach(&full, NULL);
}

int tfa_bundle_add_input(tfa_bundle *bundle, const char *name, const void *redacted, size_t len,
                         tfa_error *err)
{
    char *full = input_name(name);
    int rc = full ? tfa_bundle_add(bundle, full, redacted, len, err) : tfa_error_oom(err);
    tfa_free(full);
    return rc;
}

int tfa_bundle_add_input_take(tfa_bundle *bundle, const char *name, char **redacted, size_t len,
                              const unsigned char sha256[TFA_SHA256_BYTES], tfa_error *err)
{
    char *full = input_name(name);
    int rc;
    if (!full) {
        tfa_free(*redacted);
        *redacted = NULL;
        return tfa_error_oom(err);
    }
    rc = add_taken(bundle, full, redacted, len, sha256, err);
    tfa_free(full);
    return rc;
}

size_t tfa_bundle_count(const tfa_bundle *bundle)
{
    return bundle->n;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const bundle_file *)a)->name, ((const bundle_file *)b)->name);
}

/* The manifest: the caller's members plus "format" and "files". */
static int manifest_bytes(tfa_bundle *b, const json_t *extra, tfa_buf *out, tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    json_t *m = extra ? json_deep_copy(extra) : json_object(), *files = json_array();
    size_t i;
    int rc = 0;

    if (!m || !files || !json_is_object(m)) {
        rc = m && files ? tfa_error_set(err, TFA_EUSAGE, "the bundle manifest must be an object")
                        : tfa_error_oom(err);
        goto done;
    }
    for (i = 0; i < b->n; i++) {
        if (b->files[i].hashed)
            memcpy(digest, b->files[i].sha, sizeof(digest));
        else
            tfa_sha256_digest(b->files[i].data, b->files[i].len, digest);
        tfa_sha256_hex(digest, hex);
        if (json_array_append_new(files,
                                  json_pack("{s:s, s:I, s:s}", "name", b->files[i].name, "bytes",
                                            (json_int_t)b->files[i].len, "sha256", hex)) != 0) {
            rc = tfa_error_oom(err);
            goto done;
        }
    }
    if (json_object_set_new(m, "format", json_string(TFA_BUNDLE_FORMAT)) ||
        json_object_set(m, "files", files)) {
        rc = tfa_error_oom(err);
        goto done;
    }
    /* Pretty for people, sorted for determinism. */
    {
        char *s = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (!s || tfa_buf_puts(out, s) || tfa_buf_putc(out, '\n'))
            rc = tfa_error_oom(err);
        if (s) {
            void (*free_fn)(void *);
            json_malloc_t malloc_fn;
            json_get_alloc_funcs(&malloc_fn, &free_fn);
            free_fn(s);
        }
    }
done:
    json_decref(files);
    json_decref(m);
    return rc;
}

static int entry(struct archive *a, const char *name, const void *data, size_t len, int64_t mtime)
{
    struct archive_entry *e = archive_entry_new();
    int rc;

    if (!e)
        return ARCHIVE_FATAL;
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, (time_t)mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    rc = archive_write_header(a, e);
    if (rc == ARCHIVE_OK && len && archive_write_data(a, data, len) != (la_ssize_t)len)
        rc = ARCHIVE_FATAL;
    archive_entry_free(e);
    return rc;
}

/* Where the archive goes: a descriptor, or a caller's sink. */
typedef struct target {
    int fd;
    tfa_bundle_sink sink;
    void *payload;
    tfa_error *err;
    int failed; /* the sink failed: its error is in err */
    tfa_pgzip *gz;
} target;

/* Compressed members to the descriptor or the caller's sink. */
static int gz_out(void *p, const void *data, size_t len, tfa_error *err)
{
    target *t = p;
    const char *c = data;
    if (t->sink)
        return t->sink(t->payload, data, len, err);
    while (len) {
        ssize_t n = write(t->fd, c, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return tfa_error_set(err, TFA_EIO, "cannot write the bundle: %s",
                                 n < 0 ? strerror(errno) : "short write");
        c += n;
        len -= (size_t)n;
    }
    return 0;
}

static la_ssize_t tar_write(struct archive *a, void *p, const void *data, size_t len)
{
    target *t = p;
    (void)a;
    if (tfa_pgzip_write(t->gz, data, len, t->err) != 0) {
        t->failed = 1;
        return -1;
    }
    return (la_ssize_t)len;
}

/*
 * Stream the sorted entries and the manifest into the target: libarchive
 * writes the tar, pgzip.h compresses it on every core as gzip members (an
 * ordinary .tar.gz to every reader; see pgzip.h for why members).
 */
static int write_archive(tfa_bundle *b, target *t, const tfa_buf *manifest, tfa_error *err)
{
    struct archive *a = NULL;
    size_t i;
    int rc;

    if (tfa_pgzip_new(&t->gz, gz_out, t, NULL, err) != 0)
        return err->status;
    a = archive_write_new();
    rc = a ? ARCHIVE_OK : ARCHIVE_FATAL;
    if (rc == ARCHIVE_OK)
        rc = archive_write_set_format_pax_restricted(a);
    if (rc == ARCHIVE_OK) {
        /* no blocking: libarchive hands its writes straight to the
         * compressor (which cuts its own blocks) instead of copying them
         * into 64 KiB blocks first, and pads nothing */
        archive_write_set_bytes_per_block(a, 0);
        rc = archive_write_open2(a, t, NULL, tar_write, NULL, NULL);
    }
    for (i = 0; rc == ARCHIVE_OK && i < b->n; i++)
        rc = entry(a, b->files[i].name, b->files[i].data, b->files[i].len, b->mtime);
    if (rc == ARCHIVE_OK)
        rc = entry(a, TFA_BUNDLE_MANIFEST, manifest->ptr, manifest->len, b->mtime);
    if (rc == ARCHIVE_OK)
        rc = archive_write_close(a);
    if (rc == ARCHIVE_OK && tfa_pgzip_finish(t->gz, err) != 0)
        t->failed = 1, rc = ARCHIVE_FATAL;
    if (rc != ARCHIVE_OK && t->failed) {
        archive_write_free(a);
        tfa_pgzip_free(t->gz);
        return err->status ? err->status : TFA_EIO;
    }
    if (rc != ARCHIVE_OK)
        tfa_error_set(err, TFA_EIO, "cannot write the bundle: %s",
                      a && archive_error_string(a) ? archive_error_string(a) : "out of memory");
    archive_write_free(a);
    tfa_pgzip_free(t->gz);
    return rc == ARCHIVE_OK ? 0 : TFA_EIO;
}

int tfa_bundle_write_to(tfa_bundle *bundle, tfa_bundle_sink sink, void *payload,
                        const json_t *manifest, tfa_error *err)
{
    target t = {-1, sink, payload, err, 0, NULL};
    tfa_buf m;
    int rc;

    tfa_buf_init(&m, TFA_BUF_NO_MAX);
    tfa_sort(bundle->files, bundle->n, sizeof(*bundle->files), by_name);
    if ((rc = manifest_bytes(bundle, manifest, &m, err)) == 0)
        rc = write_archive(bundle, &t, &m, err);
    tfa_buf_release(&m);
    return rc;
}

int tfa_bundle_write(tfa_bundle *bundle, const char *path, const json_t *manifest, tfa_error *err)
{
    tfa_buf m, tmp;
    int fd = -1, rc;

    tfa_buf_init(&m, TFA_BUF_NO_MAX);
    tfa_buf_init(&tmp, TFA_BUF_NO_MAX);
    if (bundle->n)
        tfa_sort(bundle->files, bundle->n, sizeof(*bundle->files), by_name);
    if ((rc = manifest_bytes(bundle, manifest, &m, err)) != 0)
        goto done;
    if (tfa_buf_printf(&tmp, "%s.tmp-XXXXXX", path) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((fd = mkstemp(tmp.ptr)) < 0) {
        rc = tfa_error_set(err, TFA_EIO, "cannot create a temporary file: %s", strerror(errno));
        goto done;
    }
    fchmod(fd, 0644);
    {
        target t = {fd, NULL, NULL, err, 0, NULL};
        if ((rc = write_archive(bundle, &t, &m, err)) != 0)
            goto done;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        rc = tfa_error_set(err, TFA_EIO, "cannot write the bundle: %s", strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp.ptr, path) != 0)
        rc = tfa_error_set(err, TFA_EIO, "cannot write the bundle: %s", strerror(errno));
done:
    if (fd >= 0)
        close(fd);
    if (rc && tmp.len)
        unlink(tmp.ptr);
    if (rc)
        tfa_error_set_source(err, path);
    tfa_buf_release(&m);
    tfa_buf_release(&tmp);
    return rc;
}
