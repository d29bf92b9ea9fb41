/*
 * s3_upload.c - uploads: one PutObject, or a multipart upload that is
 * completed or aborted, never left open (see s3.h).
 *
 * Every body carries x-amz-content-sha256 (signed, checked by S3) and
 * x-amz-checksum-sha256 (base64, kept by S3 with the object, and what
 * Object Lock accepts in place of Content-MD5). A multipart upload declares
 * x-amz-checksum-algorithm SHA256 and lists each part's checksum when it
 * completes. CompleteMultipartUpload can answer 200 with an <Error> body:
 * that is a failure too.
 *
 * Parts go concurrently: up to TFA_S3_PARTS_IN_FLIGHT senders, each a
 * thread with its own connection (libcurl's shared connection cache is not
 * safe across threads), take whole parts from a queue the writer fills.
 * The writer waits when that many parts are queued or being sent, so
 * memory stays at the pending bytes plus the parts in flight. Each part's
 * ETag and checksum land in its own slot, so the completion lists parts in
 * order whichever finished first. The first part that fails stops the
 * rest (queued parts are dropped, parts being sent finish), and the
 * multipart upload is aborted only after every sender has stopped, so no
 * part can arrive after the abort and leave an upload open.
 *
 * Below the multipart threshold the object is held and sent as one
 * PutObject once finished (hold() says why one PUT): in memory up to a
 * threshold of TFA_S3_MEMORY_OVER (the default), hashed behind the writer
 * by a second thread; past such a threshold, in an unnamed spool file,
 * written and hashed behind the writer by a second thread (see the
 * spool's ring) and sent mapped from the file.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "s3_priv.h"
#include "s3_upload_priv.h"
#include "net/s3_xml.h"
#include "util/alloc.h"

static void base64(const unsigned char *in, size_t n, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        out[o++] = t[in[i] >> 2];
        out[o++] = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[o++] = t[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        out[o++] = t[in[i + 2] & 63];
    }
    if (i < n) {
        out[o++] = t[in[i] >> 2];
        if (i + 1 < n) {
            out[o++] = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
            out[o++] = t[(in[i + 1] & 15) << 2];
        } else {
            out[o++] = t[(in[i] & 3) << 4];
            out[o++] = '=';
        }
        out[o++] = '=';
    }
    out[o] = '\0';
}

void tfa_s3__checksum(const void *data, size_t len, char out[48], unsigned char d[TFA_SHA256_BYTES])
{
    tfa_sha256_digest(data ? data : "", len, d);
    base64(d, TFA_SHA256_BYTES, out);
}

void tfa_s3__checksum_of(const unsigned char d[TFA_SHA256_BYTES], char out[48])
{
    base64(d, TFA_SHA256_BYTES, out);
}

uint64_t tfa_s3_multipart_over(const tfa_s3_put_options *opts)
{
    uint64_t over = opts && opts->multipart_over ? opts->multipart_over : TFA_S3_MULTIPART_OVER;
    return over > TFA_S3_PUT_MAX ? TFA_S3_PUT_MAX : over; /* past it, S3 refuses a PutObject */
}

int tfa_s3_upload_new(tfa_s3_upload **out, tfa_s3 *s3, const char *bucket, const char *key,
                      const tfa_s3_put_options *opts, tfa_error *err)
{
    tfa_s3_upload *up = tfa_calloc(1, sizeof(*up));
    int bad = 0;

    *out = NULL;
    if (!up)
        return tfa_error_oom(err);
    up->s3 = s3;
    up->over = tfa_s3_multipart_over(opts);
    up->part_bytes = opts && opts->part_bytes ? opts->part_bytes : TFA_S3_PART_BYTES;
    tfa_buf_init(&up->pending, TFA_BUF_NO_MAX);
    up->spool = -1;
    tfa_sha256_init(&up->sha);
    tfa_error_init(&up->send_err);
    pthread_mutex_init(&up->mu, NULL);
    pthread_cond_init(&up->cv_work, NULL);
    pthread_cond_init(&up->cv_done, NULL);
    bad |= !(up->bucket = tfa_strdup(bucket)) || !(up->key = tfa_strdup(key));
    bad |= !(up->content_type = tfa_strdup(
                 opts && opts->content_type ? opts->content_type : "application/octet-stream"));
    if (opts && opts->retain_until)
        bad |= !(up->retain_until = tfa_strdup(opts->retain_until));
    if (opts && opts->sse)
        bad |= !(up->sse = tfa_strdup(opts->sse));
    if (bad) {
        tfa_s3_upload_free(up);
        return tfa_error_oom(err);
    }
    *out = up;
    return 0;
}

int tfa_s3__object_headers(const char *content_type, const char *retain_until, const char *sse,
                           tfa_buf *store, const char *lines[8], size_t *n)
{
    size_t offs[6], k = 0, i;
    tfa_buf_clear(store);
    offs[k++] = store->len;
    tfa_buf_printf(store, "Content-Type: %s", content_type);
    tfa_buf_putc(store, '\0');
    if (retain_until) {
        offs[k++] = store->len;
        tfa_buf_puts(store, "x-amz-object-lock-mode: COMPLIANCE");
        tfa_buf_putc(store, '\0');
        offs[k++] = store->len;
        tfa_buf_printf(store, "x-amz-object-lock-retain-until-date: %s", retain_until);
        tfa_buf_putc(store, '\0');
    }
    if (sse) {
        offs[k++] = store->len;
        tfa_buf_printf(store, "x-amz-server-side-encryption: %s", sse);
        tfa_buf_putc(store, '\0');
    }
    if (tfa_buf_status(store))
        return TFA_ENOMEM;
    for (i = 0; i < k; i++)
        lines[(*n)++] = store->ptr + offs[i];
    return 0;
}

static int object_headers(tfa_s3_upload *up, tfa_buf *store, const char *lines[8], size_t *n)
{
    return tfa_s3__object_headers(up->content_type, up->retain_until, up->sse, store, lines, n);
}

/* The whole object as one PutObject: `body` is the bytes held in memory
 * or the spool file mapped. Its SHA-256, signed and sent as the checksum, is the
 * one the writes computed: the body is not hashed again. */
static int put_single(tfa_s3_upload *up, const void *body, size_t len, tfa_s3_put_result *out,
                      tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES];
    const char *lines[8];
    char sum[48], sum_line[80];
    tfa_http_response res;
    tfa_sha256 whole = up->sha; /* finished again by tfa_s3_upload_finish */
    tfa_buf store;
    size_t n = 0;
    int rc;

    tfa_buf_init(&store, TFA_BUF_NO_MAX);
    tfa_http_response_init(&res);
    tfa_sha256_final(&whole, digest);
    base64(digest, TFA_SHA256_BYTES, sum);
    snprintf(sum_line, sizeof(sum_line), "x-amz-checksum-sha256: %s", sum);
    lines[n++] = sum_line;
    if (object_headers(up, &store, lines, &n) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    lines[n] = NULL;
    rc = tfa_s3__request_on(up->s3, &up->s3->http, &res, "PUT", up->bucket, up->key, NULL, lines,
                            body, len, digest, err);
    if (rc == 0)
        tfa_http_response_header(&res, "ETag", out->etag, sizeof(out->etag));
done:
    tfa_http_response_release(&res);
    tfa_buf_release(&store);
    return rc;
}

/* PutObject of what the spool holds, mapped rather than read into memory. */
static int put_spooled(tfa_s3_upload *up, tfa_s3_put_result *out, tfa_error *err)
{
    /* populated at once: the PUT reads it all, and one fault per page
     * costs more than the reading */
    void *map = mmap(NULL, (size_t)up->spooled, PROT_READ, MAP_SHARED | MAP_POPULATE, up->spool, 0);
    int rc;
    if (map == MAP_FAILED)
        return tfa_error_set(err, TFA_EIO, "cannot map the upload's spool file: %s",
                             strerror(errno));
    rc = put_single(up, map, (size_t)up->spooled, out, err);
    munmap(map, (size_t)up->spooled);
    return rc;
}

static int create_multipart(tfa_s3_upload *up, tfa_error *err)
{
    const char *lines[8];
    tfa_http_response res;
    tfa_buf store, id;
    size_t n = 0;
    int rc;

    tfa_buf_init(&store, TFA_BUF_NO_MAX);
    tfa_buf_init(&id, 1024);
    tfa_http_response_init(&res);
    lines[n++] = "x-amz-checksum-algorithm: SHA256";
    if (object_headers(up, &store, lines, &n) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    lines[n] = NULL;
    rc = tfa_s3_request(up->s3, &res, "POST", up->bucket, up->key, "uploads=", lines, NULL, 0, err);
    if (rc == 0 && tfa_xml_get(&id, res.body.ptr, res.body.ptr + res.body.len, "UploadId") != 1)
        rc = tfa_error_set(err, TFA_EIO, "CreateMultipartUpload answered without an UploadId");
    if (rc == 0 && !(up->upload_id = tfa_strdup(id.ptr)))
        rc = tfa_error_oom(err);
    if (rc == 0)
        rc = tfa_s3__senders_start(up, err);
done:
    tfa_http_response_release(&res);
    tfa_buf_release(&store);
    tfa_buf_release(&id);
    return rc;
}

int tfa_s3__part_query(const tfa_s3_upload *up, unsigned part, tfa_buf *q)
{
    tfa_buf_clear(q);
    if (part)
        tfa_buf_printf(q, "partNumber=%u&", part);
    tfa_buf_puts(q, "uploadId=");
    return tfa_s3__encode(q, up->upload_id, strlen(up->upload_id), 0);
}

/* Hand every whole part that is pending to the senders. A pending buffer
 * that is exactly one part is handed over as it is; more (a threshold over
 * one part) is cut into copies. */
static int flush_parts(tfa_s3_upload *up, tfa_error *err)
{
    size_t off = 0;
    int rc = 0;
    if (up->pending.len == up->part_bytes) {
        size_t n = up->pending.len;
        char *part = tfa_buf_detach(&up->pending, NULL);
        return part ? tfa_s3__part_queue(up, part, n, err) : tfa_error_oom(err);
    }
    while (rc == 0 && up->pending.len - off >= up->part_bytes) {
        char *part = tfa_malloc(up->part_bytes);
        if (!part)
            return tfa_error_oom(err);
        memcpy(part, up->pending.ptr + off, up->part_bytes);
        rc = tfa_s3__part_queue(up, part, up->part_bytes, err);
        off += up->part_bytes;
    }
    if (off) {
        memmove(up->pending.ptr, up->pending.ptr + off, up->pending.len - off);
        tfa_buf_truncate(&up->pending, up->pending.len - off);
    }
    return rc;
}

/* write(2) all of `len` bytes: 0, or an errno. */
static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Held in memory below this; in the spool file from there. Growing a
 * buffer in memory costs a page fault per 4 KiB and copies as it doubles;
 * the file's pages come from the page cache (fresh memory, zeroed on first
 * touch, costs more than the copy into the page cache: measured). */
#define TFA_S3_HOLD_BYTES (1u << 20)

/*
 * The spool's ring: the writer copies each piece of the object here and
 * goes on; a tfa_hasher's thread writes it to the spool file (the tee) and
 * hashes it (what the PUT signs) behind the writer. So the writer (the
 * archive's tar and the order of its gzip members) neither writes the
 * file nor hashes: on two cores both leave the one busy thread, and the
 * bytes are hashed from the ring, in the cache, not read back from the
 * file. The caller's buffers are reused as soon as a write returns: hence
 * the copy, into a ring that stays in the cache.
 */
#define TFA_S3_SPOOL_RING  (4u << 20)
#define TFA_S3_SPOOL_PIECE (TFA_S3_SPOOL_RING / 4)

/* The tee: append to the spool file (on the hasher's thread; the spool's
 * descriptor does not change while it runs). */
static int spool_tee(void *payload, const char *data, size_t len)
{
    const tfa_s3_upload *up = payload;
    return write_all(up->spool, data, len);
}

/*
 * The object held in memory (thresholds up to TFA_S3_MEMORY_OVER): the
 * writer copies each piece once, into a mapping reserved for the whole
 * threshold, and a tfa_hasher's thread hashes it behind the writer; the
 * PUT sends from the mapping. A spool file costs the same copy into the
 * ring plus a second, into the page cache, and that write (with the hash)
 * on the hasher's thread is what the packing waited for: measured, 100 MiB
 * archived spent 0.16 s of its 0.23 s of packing in the spool's write(2).
 * The mapping is reserved, not committed: memory is the bytes held, in
 * huge pages where the kernel gives them (a page fault per 2 MiB, not per
 * 4 KiB). A threshold raised past TFA_S3_MEMORY_OVER is held in the spool
 * file, whose pages the kernel can write out.
 */
#define TFA_S3_MEMORY_OVER TFA_S3_MULTIPART_OVER

/* Hold in memory from now on, starting with the pending bytes (hashed as
 * they came: the hasher goes on from there). -1 when the threshold is
 * past TFA_S3_MEMORY_OVER or no mapping can be made (the spool file then). */
static int mem_open(tfa_s3_upload *up)
{
    void *map;
    if (up->over > TFA_S3_MEMORY_OVER || up->pending.len > up->over)
        return -1;
    map = mmap(NULL, (size_t)up->over, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return -1;
#ifdef MADV_HUGEPAGE
    madvise(map, (size_t)up->over, MADV_HUGEPAGE); /* a hint: refused, 4 KiB pages */
#endif
    up->mem = map;
    up->mem_cap = (size_t)up->over;
    memcpy(up->mem, up->pending.ptr, up->pending.len);
    up->mem_len = up->pending.len;
    tfa_buf_release(&up->pending);
    tfa_buf_init(&up->pending, TFA_BUF_NO_MAX);
    tfa_hasher_start(&up->hasher, up->mem + up->mem_len, 0, &up->sha);
    up->hasher_on = 1;
    return 0;
}

/* Copy into memory, for the hasher's thread to hash behind. hold() keeps
 * the object within the threshold, so within the mapping. */
static int mem_add(tfa_s3_upload *up, const void *data, size_t len, tfa_error *err)
{
    if (len > up->mem_cap - up->mem_len)
        return tfa_error_set(err, TFA_EIO, "the upload's hold is full (%zu bytes)", up->mem_cap);
    memcpy(up->mem + up->mem_len, data, len);
    up->mem_len += len;
    tfa_hasher_post(&up->hasher, len);
    return 0;
}

/* Stop the memory's hasher: up->sha is the writer's again, of every byte
 * held (no tee: nothing can fail). */
static void mem_stop(tfa_s3_upload *up)
{
    if (up->mem && up->hasher_on) {
        tfa_hasher_stop(&up->hasher, &up->sha);
        up->hasher_on = 0;
    }
}

static void mem_close(tfa_s3_upload *up)
{
    mem_stop(up); /* none is running past here */
    if (up->mem)
        munmap(up->mem, up->mem_cap);
    up->mem = NULL;
    up->mem_cap = up->mem_len = 0;
}

/* Stop the spool's hasher: up->sha is the writer's again, up->spooled the
 * file's bytes. 0, or the errno of the write that failed (the bytes from
 * there on are still in the ring). */
static int spool_stop(tfa_s3_upload *up)
{
    int bad;
    if (up->spool < 0 || !up->hasher_on) /* no spool, or the hasher is the memory's */
        return up->spool_errno;
    bad = tfa_hasher_stop(&up->hasher, &up->sha);
    up->hasher_on = 0;
    up->spooled += up->hasher.hashed;
    return up->spool_errno = bad;
}

/* An unnamed file in $TMPDIR (or /tmp) that goes away when closed, holding
 * the pending bytes from now on, with its ring and hasher. -1 when no file
 * can be made: the caller starts the multipart upload instead. */
static int spool_open(tfa_s3_upload *up)
{
    const char *dir = getenv("TMPDIR");
    tfa_buf path;
    int fd;

    if (!dir || !*dir)
        dir = "/tmp";
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) { /* a file system without O_TMPFILE: a named file, unlinked at once */
        tfa_buf_init(&path, TFA_BUF_NO_MAX);
        if (tfa_buf_printf(&path, "%s/tfaudit-upload-XXXXXX", dir) == 0 &&
            (fd = mkstemp(path.ptr)) >= 0)
            unlink(path.ptr);
        tfa_buf_release(&path);
        if (fd < 0)
            return -1;
    }
    if (write_all(fd, up->pending.ptr, up->pending.len) != 0 ||
        !(up->ring = tfa_malloc(TFA_S3_SPOOL_RING))) {
        close(fd);
        return -1;
    }
    up->spool = fd;
    up->spooled = up->pending.len;
    up->spool_errno = 0;
    up->ringed = 0;
    tfa_buf_release(&up->pending);
    tfa_buf_init(&up->pending, TFA_BUF_NO_MAX);
    /* the pending bytes were hashed as they came: the hasher goes on from
     * there */
    tfa_hasher_start_tee(&up->hasher, up->ring, TFA_S3_SPOOL_RING, &up->sha, spool_tee, up);
    up->hasher_on = 1;
    return 0;
}

static void spool_close(tfa_s3_upload *up)
{
    spool_stop(up); /* none is running past here */
    if (up->spool >= 0)
        close(up->spool);
    tfa_free(up->ring);
    up->ring = NULL;
    up->spool = -1;
    up->spooled = 0;
}

/* Fill parts from `data` and hand each whole one to the senders. */
static int feed_parts(tfa_s3_upload *up, const void *data, size_t len, tfa_error *err)
{
    const char *p = data;
    int rc = flush_parts(up, err);
    while (rc == 0 && len) {
        /* one part at a time, handed over whole, without a copy */
        size_t n = len;
        if (up->pending.len < up->part_bytes && n > up->part_bytes - up->pending.len)
            n = up->part_bytes - up->pending.len;
        if (up->pending.len == 0 && tfa_buf_grow(&up->pending, up->part_bytes))
            rc = tfa_error_oom(err);
        else if (tfa_buf_put(&up->pending, p, n) != 0)
            rc = tfa_error_oom(err);
        if (rc == 0)
            rc = flush_parts(up, err);
        p += n;
        len -= n;
    }
    return rc;
}

/* The multipart upload (created) starts with what memory holds; the
 * memory is released. */
static int mem_to_parts(tfa_s3_upload *up, tfa_error *err)
{
    int rc;
    mem_stop(up);
    rc = feed_parts(up, up->mem, up->mem_len, err);
    mem_close(up);
    return rc;
}

/* The multipart upload (created) starts with what the spool holds, read
 * back a part at a time, then what its ring holds that the spool could not
 * take; the spool is closed. */
static int spool_to_parts(tfa_s3_upload *up, tfa_error *err)
{
    char *buf = tfa_malloc(up->part_bytes);
    uint64_t off = 0, from, to;
    int rc = buf ? 0 : tfa_error_oom(err);

    spool_stop(up); /* a failed write: its bytes are in the ring */
    while (rc == 0 && off < up->spooled) {
        size_t want = up->spooled - off < up->part_bytes ? (size_t)(up->spooled - off)
                                                         : up->part_bytes,
               got = 0;
        while (rc == 0 && got < want) {
            ssize_t n = pread(up->spool, buf + got, want - got, (off_t)(off + got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                rc = tfa_error_set(err, TFA_EIO, "cannot read the upload's spool file: %s",
                                   n < 0 ? strerror(errno) : "it is shorter than written");
            else
                got += (size_t)n;
        }
        if (rc == 0)
            rc = feed_parts(up, buf, want, err);
        off += want;
    }
    for (from = up->hasher.hashed, to = up->hasher.ready; rc == 0 && from < to;) {
        size_t at = (size_t)(from % TFA_S3_SPOOL_RING), n = to - from < TFA_S3_SPOOL_RING - at
                                                                ? (size_t)(to - from)
                                                                : TFA_S3_SPOOL_RING - at;
        tfa_sha256_update(&up->sha, up->ring + at, n);
        rc = feed_parts(up, up->ring + at, n, err);
        from += n;
    }
    tfa_free(buf);
    spool_close(up);
    return rc;
}

/* The multipart upload takes over from the spool: created, then fed what
 * the spool holds. */
static int spool_give_up(tfa_s3_upload *up, tfa_error *err)
{
    int rc = create_multipart(up, err);
    return rc ? rc : spool_to_parts(up, err);
}

/* Copy into the spool's ring, for its thread to write and hash. When the
 * spool could not take an earlier piece (its file system is full: a small
 * tmpfs), the multipart upload takes over with what the spool and its ring
 * hold. */
static int spool_add(tfa_s3_upload *up, const void *data, size_t len, tfa_error *err)
{
    const char *p = data;
    int rc;

    while (len) {
        size_t at = (size_t)(up->ringed % TFA_S3_SPOOL_RING), n = TFA_S3_SPOOL_RING - at;
        if (n > TFA_S3_SPOOL_PIECE)
            n = TFA_S3_SPOOL_PIECE;
        if (n > len)
            n = len;
        if (tfa_hasher_room(&up->hasher, n) != 0) {
            if ((rc = spool_give_up(up, err)) != 0)
                return rc;
            tfa_sha256_update(&up->sha, p, len);
            return feed_parts(up, p, len, err);
        }
        memcpy(up->ring + at, p, n);
        tfa_hasher_post(&up->hasher, n);
        up->ringed += n;
        p += n;
        len -= n;
    }
    return 0;
}

/*
 * Bytes of an object that may still go as one PutObject: in memory up to
 * TFA_S3_HOLD_BYTES (small objects, a ledger anchor, make no file), past
 * that in the spool file. Once the object passes the threshold, the
 * multipart upload starts with what was held. Why hold up to a threshold
 * over one part: a PutObject is one pass over the bytes on the server, a
 * multipart upload two (the parts, then the object made of them: s3rver
 * copies them on completion), and an archive that compresses fast is sent
 * faster whole than in parts.
 */
static int hold(tfa_s3_upload *up, const void *data, size_t len, tfa_error *err)
{
    int rc;
    if (up->total > up->over) {
        if ((rc = create_multipart(up, err)) != 0)
            return rc;
        if (up->mem && (rc = mem_to_parts(up, err)) != 0) /* hashed up to here */
            return rc;
        if (up->spool >= 0 && (rc = spool_to_parts(up, err)) != 0) /* hashed up to here */
            return rc;
        tfa_sha256_update(&up->sha, data, len);
        return feed_parts(up, data, len, err);
    }
    if (!up->mem && up->spool < 0 && up->pending.len + len > TFA_S3_HOLD_BYTES &&
        mem_open(up) != 0 && spool_open(up) != 0) {
        /* neither memory nor a spool file: parts from now on, as over the
         * threshold */
        if ((rc = create_multipart(up, err)) != 0)
            return rc;
        tfa_sha256_update(&up->sha, data, len);
        return feed_parts(up, data, len, err);
    }
    if (up->mem)
        return mem_add(up, data, len, err);
    if (up->spool >= 0)
        return spool_add(up, data, len, err);
    tfa_sha256_update(&up->sha, data, len);
    return tfa_buf_put(&up->pending, data, len) ? tfa_error_oom(err) : 0;
}

int tfa_s3_upload_write(tfa_s3_upload *up, const void *data, size_t len, tfa_error *err)
{
    int rc;
    if (up->failed)
        return tfa_error_set(err, TFA_EUSAGE, "the upload failed already");
    up->total += len;
    if (up->upload_id) {
        tfa_sha256_update(&up->sha, data, len);
        rc = feed_parts(up, data, len, err);
    } else {
        rc = hold(up, data, len, err);
    }
    up->failed = rc != 0;
    return rc;
}

static int complete(tfa_s3_upload *up, tfa_s3_put_result *out, tfa_error *err)
{
    tfa_http_response res;
    const char *lines[2] = {"Content-Type: application/xml", NULL};
    tfa_buf q, body, code;
    unsigned i;
    int rc;

    tfa_buf_init(&q, TFA_BUF_NO_MAX);
    tfa_buf_init(&body, TFA_BUF_NO_MAX);
    tfa_buf_init(&code, 128);
    tfa_http_response_init(&res);
    tfa_buf_puts(&body, "<CompleteMultipartUpload>");
    for (i = 0; i < up->parts; i++) /* in part order, whichever finished first */
        tfa_buf_printf(&body,
                       "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag>"
                       "<ChecksumSHA256>%s</ChecksumSHA256></Part>",
                       i + 1, up->done[i].etag, up->done[i].sum);
    tfa_buf_puts(&body, "</CompleteMultipartUpload>");
    if (tfa_s3__part_query(up, 0, &q) != 0 || tfa_buf_status(&body)) {
        rc = tfa_error_oom(err);
        goto done;
    }
    rc = tfa_s3_request(up->s3, &res, "POST", up->bucket, up->key, q.ptr, lines, body.ptr, body.len,
                        err);
    if (rc == 0 && tfa_xml_get(&code, res.body.ptr, res.body.ptr + res.body.len, "Code") == 1)
        rc = tfa_error_set(err, TFA_EIO, "CompleteMultipartUpload failed (S3 error %s)", code.ptr);
    if (rc == 0 && tfa_xml_get(&code, res.body.ptr, res.body.ptr + res.body.len, "ETag") == 1)
        snprintf(out->etag, sizeof(out->etag), "%s", code.ptr);
done:
    tfa_http_response_release(&res);
    tfa_buf_release(&q);
    tfa_buf_release(&body);
    tfa_buf_release(&code);
    return rc;
}

/* AbortMultipartUpload. When it fails, the caller's error (the reason the
 * upload stopped) is kept and the open upload is named after it. */
static void abort_upload(tfa_s3_upload *up, tfa_error *err)
{
    tfa_http_response res;
    tfa_error why;
    tfa_buf q;
    int rc;

    if (!up->upload_id)
        return;
    tfa_buf_init(&q, TFA_BUF_NO_MAX);
    tfa_http_response_init(&res);
    tfa_error_init(&why);
    rc = tfa_s3__part_query(up, 0, &q) ? TFA_ENOMEM
                                       : tfa_s3_request(up->s3, &res, "DELETE", up->bucket, up->key,
                                                        q.ptr, NULL, NULL, 0, &why);
    if (rc && err && err->status) {
        tfa_buf msg;
        size_t n;
        tfa_buf_init(&msg, TFA_BUF_NO_MAX);
        tfa_buf_printf(&msg, "%s; and the multipart upload %.60s could not be aborted: %s",
                       err->message, up->upload_id,
                       rc == TFA_ENOMEM ? "out of memory" : why.message);
        n = msg.len < sizeof(err->message) - 1 ? msg.len : sizeof(err->message) - 1;
        if (!msg.failed) {
            memcpy(err->message, msg.ptr, n);
            err->message[n] = '\0';
        }
        tfa_buf_release(&msg);
    }
    tfa_free(up->upload_id);
    up->upload_id = NULL;
    tfa_http_response_release(&res);
    tfa_buf_release(&q);
}

int tfa_s3_upload_finish(tfa_s3_upload *up, tfa_s3_put_result *out, tfa_error *err)
{
    tfa_s3_object head;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (up->failed)
        return tfa_error_set(err, TFA_EUSAGE, "the upload failed already");
    /* every byte spooled and hashed; or, when the spool could not take
     * them all, the multipart upload takes over */
    if (!up->upload_id && up->spool >= 0 && spool_stop(up) != 0)
        rc = spool_give_up(up, err);
    if (rc == 0 && !up->upload_id) {
        mem_stop(up); /* every byte hashed */
        if (up->mem)
            rc = put_single(up, up->mem, up->mem_len, out, err);
        else if (up->spool >= 0)
            rc = put_spooled(up, out, err);
        else
            rc = put_single(up, up->pending.ptr, up->pending.len, out, err);
        mem_close(up);
        spool_close(up);
    } else if (rc == 0) {
        if (up->pending.len || up->parts == 0) { /* the last part, taken over */
            size_t n = up->pending.len;
            char *last = tfa_buf_detach(&up->pending, NULL);
            rc = last ? tfa_s3__part_queue(up, last, n, err) : tfa_error_oom(err);
        }
        if (rc == 0)
            rc = tfa_s3__parts_wait(up, err);
        if (rc == 0)
            rc = complete(up, out, err);
        out->parts = up->parts;
    }
    if (rc == 0 && (rc = tfa_s3_head(up->s3, up->bucket, up->key, &head, err)) == 0 &&
        head.size != up->total)
        rc = tfa_error_set(err, TFA_EIO, "the stored object has %llu bytes, not %llu",
                           (unsigned long long)head.size, (unsigned long long)up->total);
    if (rc) {
        up->failed = 1;
        tfa_s3__senders_stop(up); /* nothing may arrive after the abort */
        abort_upload(up, err);
        return rc;
    }
    tfa_s3__senders_stop(up);
    tfa_free(up->upload_id); /* completed: nothing left to abort */
    up->upload_id = NULL;
    out->bytes = up->total;
    tfa_sha256_final(&up->sha, out->sha256);
    return 0;
}

void tfa_s3_upload_free(tfa_s3_upload *up)
{
    if (!up)
        return;
    tfa_s3__senders_stop(up);
    abort_upload(up, NULL);
    mem_close(up);
    spool_close(up);
    tfa_buf_release(&up->pending);
    tfa_free(up->done);
    pthread_cond_destroy(&up->cv_work);
    pthread_cond_destroy(&up->cv_done);
    pthread_mutex_destroy(&up->mu);
    tfa_free(up->bucket);
    tfa_free(up->key);
    tfa_free(up->content_type);
    tfa_free(up->retain_until);
    tfa_free(up->sse);
    tfa_free(up);
}
