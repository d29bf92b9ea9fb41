/*
 * s3_archive.c - inputs -> redacted audit bundle -> S3 (see s3_archive.h).
 *
 * Each input is read whole (an entry's size goes in its tar header before
 * its bytes, and a redacted plan's size is known only once redacted),
 * capped at TFA_LIMIT_ARCHIVE_ENTRY_BYTES. The archive itself is never
 * held whole: bundle.c streams it, compressed on every core (pgzip.h),
 * into the upload, which holds at most the multipart threshold plus the
 * parts in flight (s3.h), so compression and upload overlap.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "detect.h"
#include "text_ci.h"
#include "plan_redact.h"
#include "net/s3_walk.h"
#include "s3_archive.h"
#include "util/utc.h"
#include "util/alloc.h"
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
    tfa_bundle *bundle;
    json_t *inputs; /* the manifest's list */
    size_t count;   /* inputs seen, for entry names */
    tfa_error *err;
} packer;

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

/* The kind of the bytes, from their content; "archive" for containers. */
static const char *kind_of(const char *name, const char *data, size_t len, tfa_kind *kind,
                           tfa_error *err)
{
    tfa_stream *in = NULL;
    const unsigned char *raw;
    const char *head;
    size_t n;
    const char *what = NULL;
    int found = 0;

    *kind = TFA_KIND_UNKNOWN;
    if (tfa_stream_open_memory(&in, name, data, len, err) != 0)
        return NULL;
    if (tfa_stream_peek_raw(in, &raw, &n, err) == 0 &&
        tfa_detect_container(raw, n) == TFA_CONTAINER_ARCHIVE)
        what = "archive";
    else if (tfa_stream_peek(in, &head, &n, err) == 0 &&
             tfa_detect_kind(head, n, tfa_stream_head_is_all(in), kind) == 0) {
        /* a CI job log whose Terraform output starts past the head */
        if (*kind == TFA_KIND_UNKNOWN && !tfa_stream_head_is_all(in) &&
            tfa_text_ci_prelude(head, n) && tfa_detect_text_stream(in, &found, err) != 0) {
            tfa_stream_free(in);
            return NULL;
        }
        if (found)
            *kind = TFA_KIND_TEXT_LOG;
        what = *kind == TFA_KIND_UNKNOWN ? "unknown" : tfa_kind_name(*kind);
    }
    tfa_stream_free(in);
    return what;
}

/* The last path component (of a file path or an S3 key). */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* One input's bytes (`in`, taken) whose SHA-256 is `digest`: archived
 * (redacted unless raw) or left out. */
static int pack_one(packer *p, const char *path, tfa_buf *in,
                    const unsigned char digest[TFA_SHA256_BYTES])
{
    char orig[TFA_SHA256_HEX], arch[TFA_SHA256_HEX], entry[600];
    const char *data = in->ptr;
    size_t len = in->len, archived_len = 0;
    tfa_redact_stats st = {0};
    const char *why = NULL, *kind_name;
    tfa_kind kind;
    tfa_buf red;
    tfa_error rerr;
    json_t *m;
    int rc = 0, redacted = 0;

    tfa_buf_init(&red, TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
    tfa_error_init(&rerr);
    p->count++;
    tfa_sha256_hex(digest, orig);
    if (!(kind_name = kind_of(path, data, len, &kind, p->err))) {
        rc = p->err->status ? p->err->status : tfa_error_oom(p->err);
        goto done;
    }
    if (!p->o->raw) {
        if (kind == TFA_KIND_PLAN || kind == TFA_KIND_STATE) {
            if (tfa_plan_redact(&red, kind, path, data, len, &st, &rerr) == 0)
                redacted = 1;
            else if (rerr.status == TFA_ENOMEM)
                rc = tfa_error_oom(p->err);
            else
                why = rerr.message;
        } else if (kind == TFA_KIND_UI_LOG || kind == TFA_KIND_TEXT_LOG) {
            why = "logs cannot be redacted: they carry free text with no marks of what is "
                  "sensitive (--raw keeps them)";
        } else {
            why = "only plans, states and logs are archived (--raw keeps anything)";
        }
    }
    if (rc)
        goto done;
    snprintf(entry, sizeof(entry), "%zu-%.200s", p->count, base_name(path));
    if (!why) {
        /* the bytes archived go to the bundle as they are, with their hash
         * (the original's, when they are the original bytes) */
        unsigned char d[TFA_SHA256_BYTES];
        tfa_buf *bytes = redacted ? &red : in;
        char *take;
        archived_len = bytes->len;
        if (redacted)
            tfa_sha256_digest(red.ptr, red.len, d);
        else
            memcpy(d, digest, sizeof(d));
        tfa_sha256_hex(d, arch);
        if (!(take = tfa_buf_detach(bytes, NULL))) {
            rc = tfa_error_oom(p->err);
            goto done;
        }
        if ((rc = tfa_bundle_add_input_take(p->bundle, entry, &take, archived_len, d, p->err)) != 0)
            goto done;
        p->res->included++;
        p->res->redacted_values += st.values;
    } else if ((rc = omit(p, path, kind_name, why)) != 0) {
        goto done;
    }
    m = json_pack("{s:s, s:s, s:I, s:s, s:b, s:b, s:I}", "path", path, "kind", kind_name, "bytes",
                  (json_int_t)len, "sha256", orig, "included", why == NULL, "redacted", redacted,
                  "redacted_values", (json_int_t)st.values);
    /* the manifest says where each input went or why it was left out: a
     * field that cannot be made fails the archive, never a quiet gap */
    if (m &&
        (!why ? json_object_set_new(m, "archived",
                                    json_pack("{s:s+, s:I, s:s}", "name", TFA_BUNDLE_INPUTS, entry,
                                              "bytes", (json_int_t)archived_len, "sha256", arch))
              : json_object_set_new(m, "reason", json_string(why))) != 0) {
        json_decref(m);
        m = NULL;
    }
    if (!m || json_array_append_new(p->inputs, m) != 0)
        rc = tfa_error_oom(p->err);
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

/* A file's bytes hashed on a second thread as they are read, so reading
 * and hashing (each about as long on a 100 MiB input) overlap. */
typedef struct read_hash {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const char *base;
    size_t ready, hashed; /* bytes read; bytes hashed (under mu) */
    int done;
    tfa_sha256 sha;
} read_hash;

static void *hash_read(void *arg)
{
    read_hash *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        size_t from, to;
        while (r->hashed == r->ready && !r->done)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->hashed == r->ready)
            break;
        from = r->hashed;
        to = r->ready;
        pthread_mutex_unlock(&r->mu);
        tfa_sha256_update(&r->sha, r->base + from, to - from);
        pthread_mutex_lock(&r->mu);
        r->hashed = to;
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/*
 * A regular file read whole into `out`, a buffer of its size, hashed
 * behind the reads. 1 when it is not read here (not a regular file, empty,
 * over the cap, not openable): the caller reads it as a stream, which says
 * why when it fails. A file that grows while it is read is an error: the
 * archive would hold neither what it was nor what it became.
 */
static int read_file(const char *path, tfa_buf *out, unsigned char digest[TFA_SHA256_BYTES],
                     tfa_error *err)
{
    struct stat st;
    read_hash r;
    pthread_t t;
    size_t size;
    int fd, threaded, rc = 0;
    char extra;
    ssize_t n = 1;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size >= out->max) {
        close(fd);
        return 1;
    }
    size = (size_t)st.st_size;
    if (tfa_buf_grow(out, size) != 0) {
        close(fd);
        return tfa_error_oom(err);
    }
    huge_pages(out->ptr, out->cap);
    memset(&r, 0, sizeof(r));
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    r.base = out->ptr;
    tfa_sha256_init(&r.sha);
    threaded = pthread_create(&t, NULL, hash_read, &r) == 0;
    while (out->len < size && n > 0) {
        size_t want = size - out->len < (8u << 20) ? size - out->len : (8u << 20);
        if ((n = read(fd, out->ptr + out->len, want)) < 0 && errno == EINTR) {
            n = 1;
            continue;
        }
        if (n < 0) {
            tfa_error_set_source(err, path);
            rc = tfa_error_set(err, TFA_EIO, "read failed: %s", strerror(errno));
        } else if (n > 0 && threaded) {
            pthread_mutex_lock(&r.mu);
            out->len += (size_t)n;
            r.ready = out->len;
            pthread_cond_signal(&r.cv);
            pthread_mutex_unlock(&r.mu);
        } else if (n > 0) {
            tfa_sha256_update(&r.sha, out->ptr + out->len, (size_t)n);
            out->len += (size_t)n;
        }
    }
    out->ptr[out->len] = '\0';
    if (rc == 0 && out->len == size && read(fd, &extra, 1) > 0) {
        tfa_error_set_source(err, path);
        rc = tfa_error_set(err, TFA_EINPUT, "grew while it was read (past %zu bytes)", size);
    }
    if (threaded) {
        pthread_mutex_lock(&r.mu);
        r.done = 1;
        pthread_cond_signal(&r.cv);
        pthread_mutex_unlock(&r.mu);
        pthread_join(t, NULL);
    }
    tfa_sha256_final(&r.sha, digest);
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
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

int tfa_s3_archive_run(tfa_s3_archive_result *out, const char *const *inputs, size_t n_inputs,
                       const tfa_s3_archive_options *o, tfa_error *err)
{
    const char *workspace = o->workspace ? o->workspace : "default";
    char retain[TFA_UTC_ISO_SIZE] = "", hex[TFA_SHA256_HEX];
    tfa_s3_put_options put = o->put;
    tfa_s3_upload *up = NULL;
    tfa_s3_put_result pr;
    char *bucket = NULL, *key = NULL;
    json_t *manifest = NULL;
    tfa_s3 *s3 = NULL;
    packer p = {o, out, NULL, json_array(), 0, err};
    tfa_buf object;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    tfa_buf_init(&object, TFA_BUF_NO_MAX);
    if (!p.inputs) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = destination(o, workspace, &bucket, &key, retain, err)) != 0 ||
        (rc = tfa_s3_new(&s3, &o->s3, err)) != 0 ||
        (rc = tfa_bundle_new(&p.bundle, o->now, err)) != 0)
        goto done;
    for (i = 0; i < n_inputs && rc == 0; i++)
        rc = pack_input(&p, s3, inputs[i]);
    if (rc)
        goto done;
    if (out->included == 0) {
        rc = tfa_error_set(err, TFA_EINPUT, "nothing to archive: every input was left out");
        goto done;
    }
    tfa_buf_printf(&object, "s3://%s/%s", bucket, key);
    if (tfa_buf_status(&object) || !(manifest = manifest_of(&p, workspace, object.ptr))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    put.content_type = "application/gzip";
    put.retain_until = retain[0] ? retain : NULL;
    put.sse = o->sse;
    if ((rc = tfa_s3_upload_new(&up, s3, bucket, key, &put, err)) != 0 ||
        (rc = tfa_bundle_write_to(p.bundle, upload_sink, up, manifest, err)) != 0 ||
        (rc = tfa_s3_upload_finish(up, &pr, err)) != 0)
        goto done;
    tfa_sha256_hex(pr.sha256, hex);
    memcpy(out->sha256, hex, sizeof(out->sha256));
    out->bytes = pr.bytes;
    out->parts = pr.parts;
    out->object = tfa_buf_detach(&object, NULL);
    if (!out->object || !(out->url = tfa_s3_object_url(s3, bucket, key)))
        rc = tfa_error_oom(err);
done:
    tfa_s3_upload_free(up); /* aborts whatever did not finish */
    json_decref(manifest);
    json_decref(p.inputs);
    tfa_bundle_free(p.bundle);
    tfa_s3_free(s3);
    tfa_free(bucket);
    tfa_free(key);
    tfa_buf_release(&object);
    return rc;
}
