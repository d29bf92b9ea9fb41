/*
 * s3_archive.c - inputs -> redacted audit bundle -> S3 (see s3_archive.h).
 *
 * The archive is written as the inputs are read (a tfa_bundle_writer, in
 * input order), compressed on every core (pgzip.h). When every input is a
 * local regular file kept as it is (--raw), it is packed twice: measured,
 * then packed again into one PUT as it is sent (tfa_s3_archive_run says
 * why); otherwise into an upload that holds at most the multipart
 * threshold plus the parts in flight (s3.h).
 * A regular file archived as it is (--raw) is streamed: its size (from
 * fstat) goes in the tar header, then its bytes a chunk at a time, hashed
 * on a second thread, and a file that grows or shrinks meanwhile fails the
 * archive. Everything else is read whole first (a redacted plan's size is
 * known only once redacted), capped at TFA_LIMIT_ARCHIVE_ENTRY_BYTES.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "detect.h"
#include "plan_redact.h"
#include "net/s3_walk.h"
#include "s3_archive.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/hasher.h"
#include "util/limits.h"

void tfa_s3_archive_result_release(tfa_s3_archive_result *res)
{
    size_t i;
    for (i = 0; i < res->n_omitted; i++) {
        tfa_free(res->omitted[i].path);
        tfa_free(res->omitted[i].kind);
        tfa_free(res->omitted[i].reason);
    }
    tfa_free(res->omitted);
    tfa_free(res->object);
    tfa_free(res->url);
    memset(res, 0, sizeof(*res));
}

typedef struct packer {
    const tfa_s3_archive_options *o;
    tfa_s3_archive_result *res;
    tfa_bundle_writer *w;
    json_t *inputs; /* the manifest's list */
    size_t count;   /* inputs seen, for entry names */
    tfa_error *err;
    /* streamed inputs' SHA-256s, in order: a first packing records them
     * (`record`), a second takes them instead of hashing the inputs again
     * (the archive's own SHA-256, checked, covers the bytes) */
    tfa_buf *digests;
    int record;
    size_t streamed; /* streamed inputs seen */
} packer;

/* The next streamed input's SHA-256 from a first packing: 1 when known. */
static int digest_known(packer *p, unsigned char digest[TFA_SHA256_BYTES])
{
    size_t at = p->streamed++ * TFA_SHA256_BYTES;
    if (p->record || !p->digests || at + TFA_SHA256_BYTES > p->digests->len)
        return 0;
    memcpy(digest, p->digests->ptr + at, TFA_SHA256_BYTES);
    return 1;
}

static int omit(packer *p, const char *path, const char *kind, const char *reason)
{
    tfa_s3_archive_omitted *o;
    if (!(o = tfa_realloc(p->res->omitted, (p->res->n_omitted + 1) * sizeof(*o))))
        return tfa_error_oom(p->err);
    p->res->omitted = o;
    o = &o[p->res->n_omitted++];
    o->path = tfa_strdup(path);
    o->kind = tfa_strdup(kind);
    o->reason = tfa_strdup(reason);
    return o->path && o->kind && o->reason ? 0 : tfa_error_oom(p->err);
}

/* The kind of the bytes, from their content; "archive" for containers.
 * `head_only`: `data` is the input's first TFA_LIMIT_DETECT_BYTES + 1
 * bytes, not all of it (the extra byte says to detection that more
 * follows); NULL with *need_all set when detection must read further. */
static const char *kind_of(const char *name, const char *data, size_t len, int head_only,
                           tfa_kind *kind, int *need_all, tfa_error *err)
{
    tfa_stream *in = NULL;
    const unsigned char *raw;
    const char *head;
    size_t n;
    const char *what = NULL;

    *kind = TFA_KIND_UNKNOWN;
    if (tfa_stream_open_memory(&in, name, data, len, err) != 0)
        return NULL;
    if (tfa_stream_peek_raw(in, &raw, &n, err) == 0 &&
        tfa_detect_container(raw, n) == TFA_CONTAINER_ARCHIVE)
        what = "archive";
    else if (tfa_stream_peek(in, &head, &n, err) == 0 &&
             tfa_detect_stream_kind(in, head, n, head_only, kind, need_all, err) == 0 && !*need_all)
        what = *kind == TFA_KIND_UNKNOWN ? "unknown" : tfa_kind_name(*kind);
    tfa_stream_free(in);
    return what;
}

/* The last path component (of a file path or an S3 key). */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* The entry name of the next input. */
static void entry_name(packer *p, const char *path, char entry[600])
{
    snprintf(entry, 600, "%zu-%.200s", ++p->count, base_name(path));
}

/* The manifest's account of one input: where it went or why it was left
 * out. A field that cannot be made fails the archive, never a quiet gap. */
typedef struct input_fact {
    const char *path, *kind, *why; /* why: NULL when archived */
    uint64_t bytes;
    const unsigned char *sha; /* the input's */
    int redacted;
    size_t values;
    const char *entry; /* archived: its entry name, size, hash */
    uint64_t archived_bytes;
    const unsigned char *archived_sha;
} input_fact;

static int record(packer *p, const input_fact *f)
{
    char orig[TFA_SHA256_HEX], arch[TFA_SHA256_HEX];
    json_t *m;

    tfa_sha256_hex(f->sha, orig);
    if (f->why && omit(p, f->path, f->kind, f->why) != 0)
        return p->err->status;
    m = json_pack("{s:s, s:s, s:I, s:s, s:b, s:b, s:I}", "path", f->path, "kind", f->kind, "bytes",
                  (json_int_t)f->bytes, "sha256", orig, "included", f->why == NULL, "redacted",
                  f->redacted, "redacted_values", (json_int_t)f->values);
    if (!f->why)
        tfa_sha256_hex(f->archived_sha, arch);
    if (m && (!f->why ? json_object_set_new(
                            m, "archived",
                            json_pack("{s:s+, s:I, s:s}", "name", TFA_BUNDLE_INPUTS, f->entry,
                                      "bytes", (json_int_t)f->archived_bytes, "sha256", arch))
                      : json_object_set_new(m, "reason", json_string(f->why))) != 0) {
        json_decref(m);
        m = NULL;
    }
    if (!m || json_array_append_new(p->inputs, m) != 0)
        return tfa_error_oom(p->err);
    if (!f->why) {
        p->res->included++;
        p->res->redacted_values += f->values;
    }
    return 0;
}

/* One input's bytes (`in`) whose SHA-256 is `digest`: archived (redacted
 * unless raw) or left out. */
static int pack_one(packer *p, const char *path, const tfa_buf *in,
                    const unsigned char digest[TFA_SHA256_BYTES])
{
    unsigned char d[TFA_SHA256_BYTES];
    char entry[600];
    tfa_redact_stats st = {0};
    input_fact f = {path, NULL, NULL, in->len, digest, 0, 0, entry, in->len, digest};
    tfa_kind kind;
    tfa_buf red;
    tfa_error rerr;
    int rc = 0, need_all = 0;

    tfa_buf_init(&red, TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
    tfa_error_init(&rerr);
    entry_name(p, path, entry);
    if (!(f.kind = kind_of(path, in->ptr, in->len, 0, &kind, &need_all, p->err))) {
        rc = p->err->status ? p->err->status : tfa_error_oom(p->err);
        goto done;
    }
    if (!p->o->raw) {
        if (kind == TFA_KIND_PLAN || kind == TFA_KIND_STATE) {
            if (tfa_plan_redact(&red, kind, path, in->ptr, in->len, &st, &rerr) == 0)
                f.redacted = 1;
            else if (rerr.status == TFA_ENOMEM)
                rc = tfa_error_oom(p->err);
            else
                f.why = rerr.message;
        } else if (kind == TFA_KIND_UI_LOG || kind == TFA_KIND_TEXT_LOG) {
            f.why = "logs cannot be redacted: they carry free text with no marks of what is "
                    "sensitive (--raw keeps them)";
        } else {
            f.why = "only plans, states and logs are archived (--raw keeps anything)";
        }
    }
    if (rc)
        goto done;
    if (f.redacted) { /* the redacted bytes go to the bundle, with their own hash */
        tfa_sha256_digest(red.ptr, red.len, d);
        f.archived_bytes = red.len;
        f.archived_sha = d;
        f.values = st.values;
    }
    if (!f.why)
        rc = tfa_bundle_writer_add_input(p->w, entry, f.redacted ? red.ptr : in->ptr,
                                         (size_t)f.archived_bytes, f.archived_sha, p->err);
    if (rc == 0)
        rc = record(p, &f);
done:
    tfa_buf_release(&red);
    return rc;
}

/* Read a stream whole, raw bytes, into `out` (capped), straight into its
 * buffer. */
static int slurp(tfa_stream *in, tfa_buf *out, tfa_error *err)
{
    long long n = 1;
    char extra;

    while (n > 0) {
        /* what the buffer holds beyond its terminating NUL */
        size_t room = out->cap ? out->cap - out->len - 1 : 0, more = out->max - out->len;
        if (room == 0 && more == 0) { /* at the cap: one byte more is too many */
            if ((n = tfa_stream_read_raw(in, &extra, 1, err)) <= 0)
                break;
            tfa_error_set_source(err, tfa_stream_name(in));
            return tfa_error_set(err, TFA_ELIMIT, "larger than %llu bytes",
                                 (unsigned long long)TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
        }
        if (room == 0 && tfa_buf_grow(out, more < (1u << 20) ? more : (1u << 20)) != 0) {
            tfa_error_set_source(err, tfa_stream_name(in));
            return tfa_error_oom(err);
        }
        if (room == 0)
            continue;
        if ((n = tfa_stream_read_raw(in, out->ptr + out->len, room, err)) > 0) {
            out->len += (size_t)n;
            out->ptr[out->len] = '\0';
        }
    }
    return n < 0 ? (int)n : 0;
}

static int pack_stream(packer *p, tfa_stream *in)
{
    unsigned char digest[TFA_SHA256_BYTES];
    tfa_buf data;
    int rc;
    tfa_buf_init(&data, TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
    if ((rc = slurp(in, &data, p->err)) == 0) {
        tfa_stream_digest(in, digest); /* hashed as read */
        rc = pack_one(p, tfa_stream_name(in), &data, digest);
    }
    tfa_buf_release(&data);
    return rc;
}

/* Ask for transparent huge pages over a large buffer about to be filled:
 * 100 MiB is 25,600 page faults in 4 KiB pages and 50 in 2 MiB ones, and
 * page faults are most of what copying a file into fresh memory costs. A
 * hint only: where it is refused the buffer works the same. */
static void huge_pages(void *p, size_t len)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)p,
              start = (a + page - 1) & ~(page - 1), end = (a + len) & ~(page - 1);
#ifdef MADV_HUGEPAGE
    if (len >= (4u << 20) && end > start)
        madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)start, (void)end;
#endif
}

/* read(2) until `len` bytes or the end: the count, or -1 with errno. */
static ssize_t read_full(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* A file read whole or streamed must end where fstat said: one that grew
 * or shrank meanwhile holds neither what it was nor what it became. */
static int size_changed(const char *path, int fd, uint64_t got, uint64_t size, tfa_error *err)
{
    char extra;
    ssize_t n = got == size ? read_full(fd, &extra, 1) : 0;
    if (n == 0 && got == size)
        return 0;
    tfa_error_set_source(err, path);
    if (n < 0)
        return tfa_error_set(err, TFA_EIO, "read failed: %s", strerror(errno));
    if (got < size)
        return tfa_error_set(err, TFA_EINPUT, "shrank while it was read (%llu of %llu bytes)",
                             (unsigned long long)got, (unsigned long long)size);
    return tfa_error_set(err, TFA_EINPUT, "grew while it was read (past %llu bytes)",
                         (unsigned long long)size);
}

/* A regular file of 1 byte up to the entry cap, open: its descriptor and
 * size; -1 otherwise (the caller reads it as a stream, which says why
 * when it fails). */
static int open_regular(const char *path, uint64_t max, uint64_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size >= max) {
        close(fd);
        return -1;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    *size = (uint64_t)st.st_size;
    return fd;
}

/*
 * A regular file read whole into `out`, a buffer of its size, hashed
 * behind the reads. 1 when it is not read here (see open_regular).
 */
static int read_file(const char *path, tfa_buf *out, unsigned char digest[TFA_SHA256_BYTES],
                     tfa_error *err)
{
    tfa_hasher h;
    uint64_t size;
    int fd, rc = 0;

    if ((fd = open_regular(path, out->max, &size)) < 0)
        return 1;
    if (tfa_buf_grow(out, (size_t)size) != 0) {
        close(fd);
        return tfa_error_oom(err);
    }
    huge_pages(out->ptr, out->cap);
    tfa_hasher_start(&h, out->ptr, 0, NULL);
    while (out->len < size) {
        size_t want = size - out->len < (8u << 20) ? (size_t)size - out->len : (8u << 20);
        ssize_t n = read_full(fd, out->ptr + out->len, want);
        if (n < 0) {
            tfa_error_set_source(err, path);
            rc = tfa_error_set(err, TFA_EIO, "read failed: %s", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        tfa_hasher_post(&h, (size_t)n);
    }
    out->ptr[out->len] = '\0';
    if (rc == 0)
        rc = size_changed(path, fd, out->len, size, err);
    tfa_hasher_finish(&h, digest);
    close(fd);
    return rc;
}

/* Streamed inputs: read a chunk at a time into a ring this many chunks
 * long (the hasher a few chunks behind the archive), never held whole:
 * the input's pages are touched once, by the copy into the archive, not
 * also by a buffer the size of the input (fresh memory, zeroed page by
 * page on first touch, costs more than the copy). */
#define STREAM_CHUNK (1u << 20)
#define STREAM_RING  (4 * STREAM_CHUNK)

/*
 * A regular file archived as it is (--raw), streamed into the bundle. 1
 * when it is not streamed here: not a regular file (see open_regular), or
 * its kind cannot be told from its head (a CI log whose Terraform output
 * starts past it: detection reads the whole input).
 */
static int pack_streamed(packer *p, const char *path)
{
    unsigned char digest[TFA_SHA256_BYTES];
    char entry[600], *ring = NULL;
    input_fact f = {path, NULL, NULL, 0, digest, 0, 0, entry, 0, digest};
    uint64_t size, pos;
    tfa_kind kind;
    tfa_hasher h;
    ssize_t n;
    int fd, rc = 0, need_all = 0, hash;

    if ((fd = open_regular(path, TFA_LIMIT_ARCHIVE_ENTRY_BYTES, &size)) < 0)
        return 1;
    if (!(ring = tfa_malloc(STREAM_RING))) {
        close(fd);
        return tfa_error_oom(p->err);
    }
    /* the head, and one byte more when there is more: what detection of
     * the whole file would see (see kind_of) */
    n = read_full(fd, ring, size > TFA_LIMIT_DETECT_BYTES ? TFA_LIMIT_DETECT_BYTES + 1 : size);
    if (n < 0) {
        tfa_error_set_source(p->err, path);
        rc = tfa_error_set(p->err, TFA_EIO, "read failed: %s", strerror(errno));
        goto done;
    }
    f.kind = kind_of(path, ring, (size_t)n, (uint64_t)n < size, &kind, &need_all, p->err);
    if (!f.kind) {
        rc = need_all ? 1 : p->err->status ? p->err->status : tfa_error_oom(p->err);
        goto done;
    }
    entry_name(p, path, entry);
    if ((rc = tfa_bundle_writer_input_begin(p->w, entry, size, p->err)) != 0)
        goto done;
    if ((hash = !digest_known(p, digest)) != 0)
        tfa_hasher_start(&h, ring, STREAM_RING, NULL);
    pos = 0;
    while (rc == 0 && n > 0) {
        size_t off = (size_t)(pos % STREAM_RING), want;
        if ((rc = tfa_bundle_writer_input_data(p->w, ring + off, (size_t)n, p->err)) != 0)
            break;
        if (hash)
            tfa_hasher_post(&h, (size_t)n);
        pos += (uint64_t)n;
        off = (size_t)(pos % STREAM_RING);
        want = STREAM_RING - off < STREAM_CHUNK ? STREAM_RING - off : STREAM_CHUNK;
        if (size - pos < want)
            want = (size_t)(size - pos);
        if (hash)
            tfa_hasher_room(&h, want);
        if (want && (n = read_full(fd, ring + off, want)) < 0) {
            tfa_error_set_source(p->err, path);
            rc = tfa_error_set(p->err, TFA_EIO, "read failed: %s", strerror(errno));
        }
        if (!want)
            n = 0;
    }
    if (hash)
        tfa_hasher_finish(&h, digest);
    if (rc == 0 && p->record && p->digests && tfa_buf_put(p->digests, digest, sizeof(digest)) != 0)
        rc = tfa_error_oom(p->err);
    if (rc == 0)
        rc = size_changed(path, fd, pos, size, p->err);
    if (rc == 0 && (rc = tfa_bundle_writer_input_end(p->w, digest, p->err)) == 0) {
        f.bytes = f.archived_bytes = size;
        rc = record(p, &f);
    }
done:
    tfa_free(ring);
    close(fd);
    return rc;
}

static int pack_input(packer *p, tfa_s3 *s3, const char *arg)
{
    tfa_stream *in = NULL;
    tfa_s3_walk *w = NULL;
    const char *name;
    int rc;

    if (!tfa_s3_is_url(arg)) {
        unsigned char digest[TFA_SHA256_BYTES];
        tfa_buf data;
        if (p->o->raw && (rc = pack_streamed(p, arg)) != 1)
            return rc;
        tfa_buf_init(&data, TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
        if ((rc = read_file(arg, &data, digest, p->err)) == 0)
            rc = pack_one(p, arg, &data, digest);
        tfa_buf_release(&data);
        if (rc != 1)
            return rc;
        if ((rc = tfa_stream_open_path(&in, arg, p->err)) == 0)
            rc = pack_stream(p, in);
        tfa_stream_free(in);
        return rc;
    }
    if ((rc = tfa_s3_walk_open(&w, s3, arg, p->err)) != 0)
        return rc;
    while ((rc = tfa_s3_walk_next(w, &name, &in, p->err)) == 1) {
        rc = pack_stream(p, in);
        tfa_stream_free(in);
        in = NULL;
        if (rc)
            break;
    }
    tfa_s3_walk_free(w);
    return rc;
}

/* ---- the destination ---------------------------------------------------------- */

static int name_ok(const char *w)
{
    size_t i, n = strlen(w);
    if (n == 0 || n > 128 || strcmp(w, ".") == 0 || strcmp(w, "..") == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z') ||
              (w[i] >= '0' && w[i] <= '9') || w[i] == '.' || w[i] == '_' || w[i] == '-'))
            return 0;
    return 1;
}

/* Check the options; the object's bucket and key into *bucket, *key. */
static int destination(const tfa_s3_archive_options *o, const char *workspace, char **bucket,
                       char **key, char *retain, tfa_error *err)
{
    char stamp[TFA_UTC_COMPACT_SIZE];
    char *prefix = NULL;
    int64_t until;
    tfa_buf k;
    int rc;

    *bucket = *key = NULL;
    if (!name_ok(workspace))
        return tfa_error_set(err, TFA_EUSAGE,
                             "workspace '%.130s' must be letters, digits, '.', '_' or '-'",
                             workspace);
    if (o->sse && strcmp(o->sse, "aws:kms") != 0 && strcmp(o->sse, "AES256") != 0)
        return tfa_error_set(err, TFA_EUSAGE, "--sse must be aws:kms or AES256, not '%.40s'",
                             o->sse);
    if (o->retain_until) {
        if ((rc = tfa_utc_parse(&until, o->retain_until, err)) != 0)
            return TFA_EUSAGE;
        if (until <= o->now)
            return tfa_error_set(err, TFA_EUSAGE, "--retain-until '%.40s' is not in the future",
                                 o->retain_until);
        tfa_utc_format_iso(until, retain);
    }
    if (!o->to || (rc = tfa_s3_url_parse(bucket, &prefix, o->to, err)) != 0)
        return o->to ? rc : tfa_error_set(err, TFA_EUSAGE, "no --to s3://BUCKET/PREFIX/");
    tfa_utc_format_compact(o->now, stamp);
    tfa_buf_init(&k, TFA_BUF_NO_MAX);
    tfa_buf_puts(&k, prefix);
    if (k.len && k.ptr[k.len - 1] != '/')
        tfa_buf_putc(&k, '/');
    tfa_buf_printf(&k, "%s/%s.tar.gz", workspace, stamp);
    tfa_free(prefix);
    if (!(*key = tfa_buf_detach(&k, NULL)))
        return tfa_error_oom(err);
    return 0;
}

static int upload_sink(void *payload, const void *data, size_t len, tfa_error *err)
{
    return tfa_s3_upload_write(payload, data, len, err);
}

static json_t *manifest_of(const packer *p, const char *workspace, const char *object)
{
    char iso[TFA_UTC_ISO_SIZE];
    tfa_utc_format_iso(p->o->now, iso);
    return json_pack("{s:s+, s:s, s:s, s:s, s:b, s:O}", "created_by", "tfaudit ",
                     p->o->tool_version ? p->o->tool_version : "unknown", "time", iso, "workspace",
                     workspace, "object", object, "redacted", !p->o->raw, "inputs", p->inputs);
}

/* What one packing of the archive takes. */
typedef struct pack_job {
    const tfa_s3_archive_options *o;
    const char *const *inputs;
    size_t n_inputs;
    tfa_s3 *s3; /* for s3:// inputs */
    const char *workspace, *object;
    tfa_buf *digests;     /* see packer; NULL: none */
    tfa_pgzip_plan *plan; /* the compression's choices (tfa_pgzip_plan); NULL: none */
    int record;
} pack_job;

/* The whole archive, inputs then manifest, into `sink`; what went in and
 * what was left out into `res`. */
static int pack_all(const pack_job *j, tfa_bundle_sink sink, void *payload,
                    tfa_s3_archive_result *res, tfa_error *err)
{
    packer p = {j->o, res, NULL, json_array(), 0, err, j->digests, j->record, 0};
    json_t *manifest = NULL;
    size_t i;
    int rc;

    if (!p.inputs)
        return tfa_error_oom(err);
    if ((rc = tfa_bundle_writer_open_planned(&p.w, j->o->now, sink, payload, j->plan, err)) != 0)
        goto done;
    for (i = 0; i < j->n_inputs && rc == 0; i++)
        rc = pack_input(&p, j->s3, j->inputs[i]);
    if (rc)
        goto done;
    if (res->included == 0) {
        rc = tfa_error_set(err, TFA_EINPUT, "nothing to archive: every input was left out");
        goto done;
    }
    if (!(manifest = manifest_of(&p, j->workspace, j->object)))
        rc = tfa_error_oom(err);
    else
        rc = tfa_bundle_writer_close(p.w, manifest, err);
done:
    tfa_bundle_writer_free(p.w); /* before the sink it writes to */
    json_decref(manifest);
    json_decref(p.inputs);
    return rc;
}

/*
 * Packed twice, sent while packed (see tfa_s3_archive_run): an archive of
 * --raw inputs that are all local regular files, which a second packing
 * reads again into the same bytes. Not redacted inputs: redaction holds
 * and rewrites a whole input, and doing that twice costs more than holding
 * the archive. Not s3:// inputs (downloaded twice), nor pipes or stdin
 * (read once).
 */
static int packs_twice(const tfa_s3_archive_options *o, const char *const *inputs, size_t n)
{
    struct stat st;
    size_t i;
    if (!o->raw)
        return 0;
    for (i = 0; i < n; i++)
        if (tfa_s3_is_url(inputs[i]) || stat(inputs[i], &st) != 0 || !S_ISREG(st.st_mode))
            return 0;
    return 1;
}

/* The first packing's sink: the archive's size and SHA-256, no bytes
 * kept; it stops past the multipart threshold (`over`). Hashed here, on
 * the packing's thread, straight from the compressor's buffers (a stored
 * block's are the input's own): the other core hashes the inputs, and a
 * copy into a ring for a third thread cost more CPU than it spread
 * (bench/s3.sh: the first packing's wall time no shorter). */

typedef struct measure {
    tfa_sha256 sha;
    uint64_t bytes, over;
    int too_big;
} measure;

static int measure_sink(void *payload, const void *data, size_t len, tfa_error *err)
{
    measure *m = payload;
    if (len > m->over - m->bytes) {
        m->too_big = 1;
        return tfa_error_set(err, TFA_ELIMIT, "past the multipart threshold");
    }
    tfa_sha256_update(&m->sha, data, len);
    m->bytes += len;
    return 0;
}

/* The first packing: 0 with the size in `m`, the SHA-256 in `digest` and
 * what went in in `res`; 1 when the archive is larger than `over` (`res`
 * released: the archive goes as a multipart upload instead); an error. */
static int measure_pass(const pack_job *j, uint64_t over, measure *m,
                        unsigned char digest[TFA_SHA256_BYTES], tfa_s3_archive_result *res,
                        tfa_error *err)
{
    tfa_error e;
    int rc;

    memset(m, 0, sizeof(*m));
    m->over = over;
    tfa_error_init(&e);
    tfa_sha256_init(&m->sha);
    rc = pack_all(j, measure_sink, m, res, &e);
    tfa_sha256_final(&m->sha, digest);
    if (rc == 0)
        return 0;
    if (m->too_big) {
        tfa_s3_archive_result_release(res);
        return 1;
    }
    *err = e;
    return rc;
}

/* The second packing, into the PUT as it goes (tfa_s3_producer): what it
 * says went in is the first's, and so is each block's compression choice
 * (the job's plan: stored blocks cost no probe nor CRC again); the bytes
 * are checked to be the same as they are sent. */
static int pack_again(void *payload, tfa_s3_write_fn write, void *sink, tfa_error *err)
{
    tfa_s3_archive_result scratch;
    int rc;
    memset(&scratch, 0, sizeof(scratch));
    rc = pack_all(payload, write, sink, &scratch, err);
    tfa_s3_archive_result_release(&scratch);
    return rc;
}

/* Packed into an upload (tfa_s3_upload: held, then one PUT, or multipart
 * past the threshold): the object is made only by tfa_s3_upload_finish,
 * once the archive is whole. */
static int pack_held(const pack_job *j, const char *bucket, const char *key,
                     const tfa_s3_put_options *put, tfa_s3_put_result *pr,
                     tfa_s3_archive_result *res, tfa_error *err)
{
    tfa_s3_upload *up = NULL;
    int rc;
    if ((rc = tfa_s3_upload_new(&up, j->s3, bucket, key, put, err)) == 0 &&
        (rc = pack_all(j, upload_sink, up, res, err)) == 0)
        rc = tfa_s3_upload_finish(up, pr, err);
    tfa_s3_upload_free(up); /* aborts whatever did not finish */
    return rc;
}

/*
 * Why pack twice: S3 signs the body's SHA-256 in the PUT's headers, before
 * its first byte, so one packing must end before the PUT starts. Holding
 * its bytes meanwhile (pack_held) costs first-touching memory the size of
 * the archive and a PUT that starts only then; measuring them instead
 * (size and SHA-256, nothing kept) and packing again while the PUT goes
 * costs one more packing, on the other core, overlapped with the sending
 * (bench/s3.sh), made cheaper by following the first packing's choices
 * (tfa_pgzip_plan): its SHA-256 checked as the bytes go covers them.
 */
int tfa_s3_archive_run(tfa_s3_archive_result *out, const char *const *inputs, size_t n_inputs,
                       const tfa_s3_archive_options *o, tfa_error *err)
{
    const char *workspace = o->workspace ? o->workspace : "default";
    char retain[TFA_UTC_ISO_SIZE] = "", hex[TFA_SHA256_HEX];
    unsigned char digest[TFA_SHA256_BYTES];
    tfa_s3_put_options put = o->put;
    tfa_s3_put_result pr;
    char *bucket = NULL, *key = NULL;
    tfa_s3 *s3 = NULL;
    tfa_pgzip_plan plan = {NULL, 0, 0, 0};
    pack_job job = {o, inputs, n_inputs, NULL, workspace, NULL, NULL, &plan, 0};
    tfa_buf object, digests;
    measure m;
    int rc;

    memset(out, 0, sizeof(*out));
    tfa_buf_init(&object, TFA_BUF_NO_MAX);
    tfa_buf_init(&digests, TFA_BUF_NO_MAX);
    if ((rc = destination(o, workspace, &bucket, &key, retain, err)) != 0 ||
        (rc = tfa_s3_new(&s3, &o->s3, err)) != 0)
        goto done;
    tfa_buf_printf(&object, "s3://%s/%s", bucket, key);
    if (tfa_buf_status(&object)) {
        rc = tfa_error_oom(err);
        goto done;
    }
    job.s3 = s3;
    job.object = object.ptr;
    put.content_type = "application/gzip";
    put.retain_until = retain[0] ? retain : NULL;
    put.sse = o->sse;
    rc = 1;
    job.digests = &digests;
    job.record = 1;
    if (packs_twice(o, inputs, n_inputs) &&
        (rc = measure_pass(&job, tfa_s3_multipart_over(&put), &m, digest, out, err)) == 0) {
        job.record = 0;  /* the second packing takes the inputs' SHA-256s */
        plan.replay = 1; /* and the first's choice for each block */
        rc =
            tfa_s3_put_produced(s3, bucket, key, &put, m.bytes, digest, pack_again, &job, &pr, err);
    }
    job.digests = NULL; /* held: every input hashed as it is read */
    job.plan = NULL;
    job.record = 0;
    if (rc == 1) /* held, or multipart past the threshold */
        rc = pack_held(&job, bucket, key, &put, &pr, out, err);
    if (rc)
        goto done;
    tfa_sha256_hex(pr.sha256, hex);
    memcpy(out->sha256, hex, sizeof(out->sha256));
    out->bytes = pr.bytes;
    out->parts = pr.parts;
    out->object = tfa_buf_detach(&object, NULL);
    if (!out->object || !(out->url = tfa_s3_object_url(s3, bucket, key)))
        rc = tfa_error_oom(err);
done:
    tfa_s3_free(s3);
    tfa_free(bucket);
    tfa_free(key);
    tfa_buf_release(&object);
    tfa_buf_release(&digests);
    tfa_pgzip_plan_release(&plan);
    return rc;
}
