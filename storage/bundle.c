/*
 * bundle.c - writing audit bundles (see bundle.h; checking them is
 * bundle_verify.c).
 *
 * One writer makes every archive: entries streamed into libarchive's tar,
 * compressed by pgzip.h, each listed (name, size, SHA-256) for the
 * manifest written last. A tfa_bundle holds its files in memory until
 * tfa_bundle_write sorts them and hands them to a writer (reports, a
 * record and redacted inputs, all small); tfa_s3_archive writes inputs of
 * hundreds of MiB through a writer of its own as they are read.
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
static int add_taken(tfa_bundle *bundle, const char *name, char **data, size_t len, tfa_error *err)
{
    bundle_file f = {NULL, *data, len};
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
    bundle->files[bundle->n++] = f;
    return 0;
}

int tfa_bundle_add(tfa_bundle *bundle, const char *name, const void *data, size_t len,
                   tfa_error *err)
{
    char *copy = tfa_malloc(len ? len : 1);
    if (copy && len)
        memcpy(copy, data, len);
    return add_taken(bundle, name, &copy, len, err);
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

size_t tfa_bundle_count(const tfa_bundle *bundle)
{
    return bundle->n;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const bundle_file *)a)->name, ((const bundle_file *)b)->name);
}

/* ---- the writer: entries streamed into tar + pgzip as they come ---------------- */

/* What the manifest lists of an entry written. */
typedef struct written {
    char *name;
    uint64_t len;
    unsigned char sha[TFA_SHA256_BYTES];
} written;

/* Where the archive goes: a descriptor, or a caller's sink. */
typedef struct target {
    int fd;
    tfa_bundle_sink sink;
    void *payload;
} target;

struct tfa_bundle_writer {
    int64_t mtime;
    target t;
    tfa_pgzip *gz;
    struct archive *a;
    tfa_error *err; /* the call in progress's, for tar_write */
    written *files;
    size_t n, cap;
    uint64_t want, got; /* the entry being streamed: its size, bytes given */
    int streaming;
    int dropping; /* freed unclosed: what libarchive still writes goes nowhere */
    int status;   /* sticky: the first failure */
};

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
    tfa_bundle_writer *w = p;
    (void)a;
    if (w->dropping)
        return (la_ssize_t)len;
    if (tfa_pgzip_write(w->gz, data, len, w->err) != 0) {
        w->status = w->err->status ? w->err->status : TFA_EIO;
        return -1;
    }
    return (la_ssize_t)len;
}

/* A libarchive failure: the compressor's or sink's error when it was one
 * of theirs (already in err), libarchive's own otherwise. Sticky. */
static int tar_failed(tfa_bundle_writer *w, tfa_error *err)
{
    if (!w->status) {
        const char *why = w->a ? archive_error_string(w->a) : NULL;
        w->status =
            tfa_error_set(err, TFA_EIO, "cannot write the bundle: %s", why ? why : "out of memory");
    }
    return w->status;
}

/* A writer whose failure is sticky: the error again. */
static int refuse(tfa_bundle_writer *w, tfa_error *err)
{
    if (err->status == 0)
        tfa_error_set(err, w->status, "the bundle failed already");
    return w->status;
}

/*
 * Start the archive: libarchive writes the tar, pgzip.h compresses it on
 * every core as gzip members (an ordinary .tar.gz to every reader; see
 * pgzip.h for why members).
 */
static int writer_open(tfa_bundle_writer **out, int64_t mtime, const target *t,
                       tfa_pgzip_plan *plan, tfa_error *err)
{
    tfa_bundle_writer *w = tfa_calloc(1, sizeof(*w));
    tfa_pgzip_options gz = {0, 0, 0, plan};
    int rc;

    *out = NULL;
    if (!w)
        return tfa_error_oom(err);
    w->mtime = mtime;
    w->t = *t;
    w->err = err;
    if (tfa_pgzip_new(&w->gz, gz_out, &w->t, &gz, err) != 0) {
        rc = err->status;
        tfa_bundle_writer_free(w);
        return rc;
    }
    w->a = archive_write_new();
    rc = w->a ? archive_write_set_format_pax_restricted(w->a) : ARCHIVE_FATAL;
    if (rc == ARCHIVE_OK) {
        /* no blocking: libarchive hands its writes straight to the
         * compressor (which cuts its own blocks) instead of copying them
         * into 64 KiB blocks first, and pads nothing */
        archive_write_set_bytes_per_block(w->a, 0);
        rc = archive_write_open2(w->a, w, NULL, tar_write, NULL, NULL);
    }
    if (rc != ARCHIVE_OK) {
        rc = tar_failed(w, err);
        tfa_bundle_writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int tfa_bundle_writer_open(tfa_bundle_writer **out, int64_t mtime, tfa_bundle_sink sink,
                           void *payload, tfa_error *err)
{
    target t = {-1, sink, payload};
    return writer_open(out, mtime, &t, NULL, err);
}

int tfa_bundle_writer_open_planned(tfa_bundle_writer **out, int64_t mtime, tfa_bundle_sink sink,
                                   void *payload, tfa_pgzip_plan *plan, tfa_error *err)
{
    target t = {-1, sink, payload};
    return writer_open(out, mtime, &t, plan, err);
}

void tfa_bundle_writer_free(tfa_bundle_writer *w)
{
    size_t i;
    if (!w)
        return;
    /* libarchive closes an open archive as it frees it, padding an
     * unfinished entry with zeros: none of that may reach the sink */
    w->dropping = 1;
    if (w->a)
        archive_write_free(w->a);
    tfa_pgzip_free(w->gz);
    for (i = 0; i < w->n; i++)
        tfa_free(w->files[i].name);
    tfa_free(w->files);
    tfa_free(w);
}

/* A tar header for `len` bytes to come. */
static int tar_header(tfa_bundle_writer *w, const char *name, uint64_t len, tfa_error *err)
{
    struct archive_entry *e = archive_entry_new();
    int rc;

    if (!e)
        return w->status = tfa_error_oom(err);
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, (time_t)w->mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    w->err = err;
    rc = archive_write_header(w->a, e);
    archive_entry_free(e);
    if (rc != ARCHIVE_OK)
        return tar_failed(w, err);
    w->want = len;
    w->got = 0;
    w->streaming = 1;
    return 0;
}

/* An entry's header, once its name is checked and listed. */
static int entry_begin(tfa_bundle_writer *w, const char *name, uint64_t len, tfa_error *err)
{
    size_t i;

    if (w->status)
        return refuse(w, err);
    if (w->streaming)
        return tfa_error_set(err, TFA_EUSAGE, "bundle entry '%s' added while '%s' is unfinished",
                             name, w->files[w->n - 1].name);
    if (!tfa_relpath_ok(name) || strcmp(name, TFA_BUNDLE_MANIFEST) == 0)
        return tfa_error_set(err, TFA_EUSAGE, "invalid bundle entry name '%s'", name);
    for (i = 0; i < w->n; i++)
        if (strcmp(w->files[i].name, name) == 0)
            return tfa_error_set(err, TFA_EUSAGE, "bundle entry '%s' added twice", name);
    if (tfa_array_grow(&w->files, &w->cap, w->n + 1, sizeof(*w->files)) != 0 ||
        !(w->files[w->n].name = tfa_strdup(name)))
        return tfa_error_oom(err);
    w->files[w->n++].len = len;
    return tar_header(w, name, len, err);
}

static int entry_data(tfa_bundle_writer *w, const void *data, size_t len, tfa_error *err)
{
    if (w->status)
        return refuse(w, err);
    if (!w->streaming || len > w->want - w->got)
        return w->status = tfa_error_set(
                   err, TFA_EUSAGE, "bundle entry '%s' given more than its %llu bytes",
                   w->n ? w->files[w->n - 1].name : "", (unsigned long long)w->want);
    w->err = err;
    if (len && archive_write_data(w->a, data, len) != (la_ssize_t)len)
        return tar_failed(w, err);
    w->got += len;
    return 0;
}

/* The entry is complete: exactly the size its header gave (libarchive
 * would pad a short entry with zeros), listed with `sha`. */
static int entry_end(tfa_bundle_writer *w, const unsigned char sha[TFA_SHA256_BYTES],
                     tfa_error *err)
{
    if (w->status)
        return refuse(w, err);
    if (!w->streaming || w->got != w->want)
        return w->status =
                   tfa_error_set(err, TFA_EUSAGE, "bundle entry '%s' got %llu of its %llu bytes",
                                 w->n ? w->files[w->n - 1].name : "", (unsigned long long)w->got,
                                 (unsigned long long)w->want);
    memcpy(w->files[w->n - 1].sha, sha, TFA_SHA256_BYTES);
    w->streaming = 0;
    return 0;
}

/* A whole entry; hashed here when the caller has no digest of it. */
static int entry_whole(tfa_bundle_writer *w, const char *name, const void *data, size_t len,
                       const unsigned char *sha, tfa_error *err)
{
    unsigned char d[TFA_SHA256_BYTES];
    int rc;
    if (!sha)
        tfa_sha256_digest(len ? data : "", len, d);
    if ((rc = entry_begin(w, name, len, err)) != 0 || (rc = entry_data(w, data, len, err)) != 0)
        return rc;
    return entry_end(w, sha ? sha : d, err);
}

int tfa_bundle_writer_add_input(tfa_bundle_writer *w, const char *name, const void *redacted,
                                size_t len, const unsigned char sha256[TFA_SHA256_BYTES],
                                tfa_error *err)
{
    char *full = input_name(name);
    int rc = full ? entry_whole(w, full, redacted, len, sha256, err) : tfa_error_oom(err);
    tfa_free(full);
    return rc;
}

int tfa_bundle_writer_input_begin(tfa_bundle_writer *w, const char *name, uint64_t size,
                                  tfa_error *err)
{
    char *full = input_name(name);
    int rc = full ? entry_begin(w, full, size, err) : tfa_error_oom(err);
    tfa_free(full);
    return rc;
}

int tfa_bundle_writer_input_data(tfa_bundle_writer *w, const void *data, size_t len, tfa_error *err)
{
    return entry_data(w, data, len, err);
}

int tfa_bundle_writer_input_end(tfa_bundle_writer *w, const unsigned char sha256[TFA_SHA256_BYTES],
                                tfa_error *err)
{
    return entry_end(w, sha256, err);
}

/* The manifest: the caller's members plus "format" and "files" (every
 * entry written, in order). */
static int manifest_bytes(const tfa_bundle_writer *w, const json_t *extra, tfa_buf *out,
                          tfa_error *err)
{
    char hex[TFA_SHA256_HEX];
    json_t *m = extra ? json_deep_copy(extra) : json_object(), *files = json_array();
    size_t i;
    int rc = 0;

    if (!m || !files || !json_is_object(m)) {
        rc = m && files ? tfa_error_set(err, TFA_EUSAGE, "the bundle manifest must be an object")
                        : tfa_error_oom(err);
        goto done;
    }
    for (i = 0; i < w->n; i++) {
        tfa_sha256_hex(w->files[i].sha, hex);
        if (json_array_append_new(files,
                                  json_pack("{s:s, s:I, s:s}", "name", w->files[i].name, "bytes",
                                            (json_int_t)w->files[i].len, "sha256", hex)) != 0) {
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

int tfa_bundle_writer_close(tfa_bundle_writer *w, const json_t *manifest, tfa_error *err)
{
    tfa_buf m;
    int rc;

    if (w->status)
        return refuse(w, err);
    if (w->streaming)
        return w->status = tfa_error_set(err, TFA_EUSAGE, "bundle entry '%s' is unfinished",
                                         w->files[w->n - 1].name);
    tfa_buf_init(&m, TFA_BUF_NO_MAX);
    /* the manifest lists every other entry, not itself: written past the
     * name checks */
    if ((rc = manifest_bytes(w, manifest, &m, err)) != 0 ||
        (rc = tar_header(w, TFA_BUNDLE_MANIFEST, m.len, err)) != 0 ||
        (rc = entry_data(w, m.ptr, m.len, err)) != 0)
        goto done;
    w->streaming = 0;
    w->err = err;
    if (archive_write_close(w->a) != ARCHIVE_OK) {
        rc = tar_failed(w, err);
        goto done;
    }
    if ((rc = tfa_pgzip_finish(w->gz, err)) != 0)
        w->status = rc;
done:
    tfa_buf_release(&m);
    return rc;
}

/* ---- bundles held in memory, written sorted ------------------------------------- */

static int write_sorted(tfa_bundle *b, const target *t, const json_t *manifest, tfa_error *err)
{
    tfa_bundle_writer *w = NULL;
    size_t i;
    int rc;

    tfa_sort(b->files, b->n, sizeof(*b->files), by_name);
    if ((rc = writer_open(&w, b->mtime, t, NULL, err)) != 0)
        return rc;
    for (i = 0; i < b->n && rc == 0; i++)
        rc = entry_whole(w, b->files[i].name, b->files[i].data, b->files[i].len, NULL, err);
    if (rc == 0)
        rc = tfa_bundle_writer_close(w, manifest, err);
    tfa_bundle_writer_free(w);
    return rc;
}

int tfa_bundle_write_to(tfa_bundle *bundle, tfa_bundle_sink sink, void *payload,
                        const json_t *manifest, tfa_error *err)
{
    target t = {-1, sink, payload};
    return write_sorted(bundle, &t, manifest, err);
}

int tfa_bundle_write(tfa_bundle *bundle, const char *path, const json_t *manifest, tfa_error *err)
{
    tfa_buf tmp;
    int fd = -1, rc;

    tfa_buf_init(&tmp, TFA_BUF_NO_MAX);
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
        target t = {fd, NULL, NULL};
        if ((rc = write_sorted(bundle, &t, manifest, err)) != 0)
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
    tfa_buf_release(&tmp);
    return rc;
}
