/*
 * stream.c - tfa_stream: counted, hashed, decoded input bytes (see stream.h).
 *
 * UTF-16 is transcoded in place of reading: raw bytes go to `raw` (with at
 * most three bytes of an unfinished code unit or surrogate pair carried at its
 * front), then out as UTF-8. Each UTF-16 code unit becomes at most 3 UTF-8
 * bytes and a surrogate pair (4 bytes) becomes 4, so reading len/3*2 raw
 * bytes always fits the caller's buffer.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"
#include "stream_thread.h"
#include "util/alloc.h"
#include "util/limits.h"

#define RAW_CHUNK (256u * 1024u)

/* Largest read whose bytes tfa_stream_async_hash_copy hashes from a copy. */
#define COPY_CHUNK (256u * 1024u)

/* Inputs smaller than this are hashed inline: a thread costs more than it
 * saves on them (archives and directories hold thousands of small files). */
#define ASYNC_HASH_MIN_BYTES (4u * 1024u * 1024u)

struct tfa_stream {
    char *name;
    tfa_stream_source src;
    tfa_sha256 sha;
    uint64_t raw_bytes;
    int eof;
    /* Raw head kept for detection; served first by every read. */
    unsigned char *head;
    size_t head_cap, head_len, head_pos;
    int head_filled;
    tfa_encoding enc;
    unsigned async_jobs;      /* jobs a read may leave in flight: 0 (inline hashing), 1 or 2 */
    int async_copy;           /* hash copies of what reads return (tfa_stream_async_hash_copy) */
    unsigned char *copies[2]; /* COPY_CHUNK bytes each, in turn; the thread hashes them */
    unsigned copy_next;
    int last_posted; /* the last tfa_stream_read left its bytes to the thread */
    int unhashed;    /* a derived stream (tfa_stream_unhashed) */
    tfa_stream_thread *hash_thread;
    uint64_t async_min; /* raw bytes read before a thread is worth starting */
    int any_thread;     /* the source may be read on the thread (tfa_stream_ahead) */
    char *ahead;        /* where the read ahead posted stores its bytes, if one is */
    /* What a read ahead given up stored (counted and hashed), or its error:
     * served before anything else the source has. */
    char *pend;
    size_t pend_len, pend_pos;
    int pend_rc;
    tfa_error pend_err;
    /* UTF-16 only: carried raw bytes and the decoded head. */
    unsigned char *raw;
    size_t raw_len;
    char *dhead;
    size_t dhead_len, dhead_pos;
    /* Decoded bytes given back by tfa_stream_unread, served before the rest. */
    char *back;
    size_t back_len, back_pos;
    unsigned long skipped_lines; /* lines before the given-back bytes */
    uint64_t skipped_bytes;      /* decoded bytes before them */
};

const char *tfa_encoding_name(tfa_encoding enc)
{
    static const char *names[] = {"utf-8", "utf-8-bom", "utf-16le", "utf-16be"};
    return (unsigned)enc < TFA_ARRAY_SIZE(names) ? names[enc] : "unknown";
}

/* ---- sources ---------------------------------------------------------- */

typedef struct fd_source {
    int fd;
    int owned;
    char *path;
} fd_source;

static long long fd_read(void *ctx, void *buf, size_t len, tfa_error *err)
{
    fd_source *f = ctx;
    ssize_t n;
    do {
        n = read(f->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return tfa_error_set(err, TFA_EIO, "read failed: %s", strerror(errno));
    return n;
}

static void fd_close(void *ctx)
{
    fd_source *f = ctx;
    if (f->owned)
        close(f->fd);
    tfa_free(f->path);
    tfa_free(f);
}

typedef struct mem_source {
    const unsigned char *data;
    size_t len, pos;
} mem_source;

static long long mem_read(void *ctx, void *buf, size_t len, tfa_error *err)
{
    mem_source *m = ctx;
    size_t n = m->len - m->pos < len ? m->len - m->pos : len;
    (void)err;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long long)n;
}

static void mem_close(void *ctx)
{
    tfa_free(ctx);
}

/* ---- background hashing and read-ahead ---------------------------------- */

void tfa_stream_async_hash(tfa_stream *s)
{
    s->async_jobs = 1;
}

void tfa_stream_async_hash_ahead(tfa_stream *s)
{
    s->async_jobs = 2;
}

void tfa_stream_async_hash_copy(tfa_stream *s)
{
    tfa_stream_sync(s); /* nothing the caller owns stays in flight */
    s->async_copy = 1;
}

void tfa_stream_async_hash_stop(tfa_stream *s)
{
    tfa_stream_sync(s);
    s->async_jobs = 0;
    s->async_copy = 0;
}

/* Hand the thread a copy of buf[0..n): 1, or 0 when there is no room for
 * one (the caller hashes inline). Jobs of this kind take the two copies in
 * turn, so the one to fill was hashed once at most one job is in flight. */
static int post_copy(tfa_stream *s, const void *buf, size_t n)
{
    if (n > COPY_CHUNK)
        return 0;
    if (!s->copies[0]) {
        s->copies[0] = tfa_malloc(COPY_CHUNK);
        s->copies[1] = tfa_malloc(COPY_CHUNK);
        if (!s->copies[0] || !s->copies[1]) {
            tfa_free(s->copies[0]);
            tfa_free(s->copies[1]);
            s->copies[0] = s->copies[1] = NULL;
            s->async_copy = 0; /* inline hashing from now on */
            return 0;
        }
    }
    tfa_stream_thread_wait(s->hash_thread, 1);
    memcpy(s->copies[s->copy_next], buf, n);
    tfa_stream_thread_hash(s->hash_thread, s->copies[s->copy_next], n);
    s->copy_next ^= 1;
    return 1;
}

void tfa_stream_sync(tfa_stream *s)
{
    if (s->hash_thread)
        tfa_stream_thread_wait(s->hash_thread, 0);
}

void tfa_stream_sync_but_last(tfa_stream *s)
{
    if (s->hash_thread)
        tfa_stream_thread_wait(s->hash_thread, s->last_posted ? 1 : 0);
}

void tfa_stream_test_early(tfa_stream *s, size_t head)
{
    s->async_min = 0;
    if (head >= 4 && head < s->head_cap)
        s->head_cap = head;
}

void tfa_stream_any_thread(tfa_stream *s)
{
    s->any_thread = 1;
}

int tfa_stream_ahead(tfa_stream *s, char *buf, size_t len)
{
    /* the plain case only: raw UTF-8 straight from a source the thread may
     * read, nothing held back to serve first, hashing already on the thread */
    if (!s->hash_thread || !s->any_thread || s->async_jobs < 2 || s->async_copy || s->unhashed ||
        s->ahead || s->eof || len == 0 || s->raw || s->head_filled < 2 ||
        s->head_pos < s->head_len || s->back_pos < s->back_len || s->pend_pos < s->pend_len ||
        s->pend_rc)
        return 0;
    tfa_stream_thread_read(s->hash_thread, buf, len);
    s->ahead = buf;
    s->last_posted = 0;
    return 1;
}

long long tfa_stream_ahead_take(tfa_stream *s, tfa_error *err)
{
    long long n;
    if (!s->ahead)
        return tfa_error_set(err, TFA_EUSAGE, "no read ahead to take");
    n = tfa_stream_thread_read_result(s->hash_thread, err);
    s->ahead = NULL;
    if (n < 0) {
        tfa_error_set_source(err, s->name);
        return n;
    }
    if (n == 0)
        s->eof = 1;
    s->raw_bytes += (uint64_t)n;
    s->last_posted = n > 0; /* its hashing is the thread's last job */
    return n;
}

void tfa_stream_ahead_cancel(tfa_stream *s)
{
    const char *buf = s->ahead;
    tfa_error e;
    long long n;

    if (!buf)
        return;
    tfa_error_init(&e);
    n = tfa_stream_ahead_take(s, &e);
    if (n > 0) {
        tfa_free(s->pend);
        s->pend_pos = s->pend_len = 0;
        if ((s->pend = tfa_malloc((size_t)n)) == NULL) {
            s->pend_rc = tfa_error_oom(&e); /* those bytes are gone: fail, never skip them */
        } else {
            memcpy(s->pend, buf, (size_t)n);
            s->pend_len = (size_t)n;
        }
    } else if (n < 0) {
        s->pend_rc = (int)n;
    }
    if (s->pend_rc) {
        tfa_error_set_source(&e, s->name);
        s->pend_err = e;
    }
}

/* ---- construction ------------------------------------------------------- */

int tfa_stream_new(tfa_stream **out, const char *name, const tfa_stream_source *src, tfa_error *err)
{
    tfa_stream *s = tfa_calloc(1, sizeof(*s));
    *out = NULL;
    if (!s || !(s->name = tfa_strdup(name))) {
        tfa_free(s);
        if (src->close)
            src->close(src->ctx);
        return tfa_error_oom(err);
    }
    s->src = *src;
    s->async_min = ASYNC_HASH_MIN_BYTES;
    s->head_cap = TFA_LIMIT_DETECT_BYTES;
    tfa_sha256_init(&s->sha);
    *out = s;
    return 0;
}

int tfa_stream_open_path(tfa_stream **out, const char *path, tfa_error *err)
{
    tfa_stream_source src = {fd_read, fd_close, NULL};
    fd_source *f = NULL;
    struct stat st;
    int fd, rc;

    *out = NULL;
    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            tfa_error_set_source(err, path);
            return tfa_error_set(err, errno == ENOENT ? TFA_ENOTFOUND : TFA_EIO, "cannot open: %s",
                                 strerror(errno));
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            tfa_error_set_source(err, path);
            return tfa_error_set(err, TFA_EINPUT, "is a directory");
        }
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    f = tfa_calloc(1, sizeof(*f));
    if (!f) {
        if (fd != STDIN_FILENO)
            close(fd);
        return tfa_error_oom(err);
    }
    f->fd = fd;
    f->owned = fd != STDIN_FILENO;
    src.ctx = f;
    if ((rc = tfa_stream_new(out, path, &src, err)) == 0)
        (*out)->any_thread = 1; /* read(2) on another thread is the same read */
    return rc;
}

int tfa_stream_open_memory(tfa_stream **out, const char *name, const void *data, size_t len,
                           tfa_error *err)
{
    tfa_stream_source src = {mem_read, mem_close, NULL};
    mem_source *m = tfa_calloc(1, sizeof(*m));
    int rc;
    *out = NULL;
    if (!m)
        return tfa_error_oom(err);
    m->data = data;
    m->len = len;
    src.ctx = m;
    if ((rc = tfa_stream_new(out, name, &src, err)) == 0)
        (*out)->any_thread = 1; /* immutable bytes, one reader at a time */
    return rc;
}

void tfa_stream_free(tfa_stream *s)
{
    if (!s)
        return;
    tfa_stream_thread_stop(s->hash_thread);
    tfa_free(s->copies[0]);
    tfa_free(s->copies[1]);
    if (s->src.close)
        s->src.close(s->src.ctx);
    tfa_free(s->head);
    tfa_free(s->raw);
    tfa_free(s->dhead);
    tfa_free(s->back);
    tfa_free(s->pend);
    tfa_free(s->name);
    tfa_free(s);
}

const char *tfa_stream_name(const tfa_stream *s)
{
    return s->name;
}

/* ---- raw bytes ------------------------------------------------------------ */

/* Read from the source, counting and hashing. `caller_buf` says buf is the
 * reader's own memory, which it promises not to change before tfa_stream_sync
 * (so it may be hashed in the background). */
static long long source_read_ex(tfa_stream *s, void *buf, size_t len, int caller_buf,
                                tfa_error *err)
{
    long long n;
    if (len == 0)
        return 0;
    tfa_stream_ahead_cancel(s); /* the source is read here now */
    if (s->pend_rc) {
        n = s->pend_rc;
        s->pend_rc = 0;
        if (err && !err->status)
            *err = s->pend_err;
        return n;
    }
    if (s->pend_pos < s->pend_len) {
        n = (long long)(s->pend_len - s->pend_pos < len ? s->pend_len - s->pend_pos : len);
        memcpy(buf, s->pend + s->pend_pos, (size_t)n);
        s->pend_pos += (size_t)n;
        return n;
    }
    if (s->eof)
        return 0;
    if (s->hash_thread && !s->async_copy) /* the buffer of the read before last may be this one */
        tfa_stream_thread_wait(s->hash_thread, s->async_jobs > 1 ? 1 : 0);
    n = s->src.read(s->src.ctx, buf, len, err);
    if (n < 0) {
        tfa_error_set_source(err, s->name);
        return n;
    }
    if (n == 0) {
        s->eof = 1;
        return 0;
    }
    s->raw_bytes += (uint64_t)n;
    if (s->unhashed)
        return n;
    if (caller_buf && (s->async_jobs || s->async_copy) && !s->hash_thread &&
        s->raw_bytes >= s->async_min)
        s->hash_thread = tfa_stream_thread_start(&s->sha, &s->src);
    if (caller_buf && s->async_copy && s->hash_thread && post_copy(s, buf, (size_t)n)) {
        /* the caller may change buf at once */
    } else if (caller_buf && s->async_jobs && s->hash_thread) {
        tfa_stream_thread_hash(s->hash_thread, buf, (size_t)n);
        s->last_posted = 1;
    } else {
        tfa_stream_sync(s); /* in order, after what is in flight */
        tfa_sha256_update(&s->sha, buf, (size_t)n);
    }
    return n;
}

static long long source_read(tfa_stream *s, void *buf, size_t len, tfa_error *err)
{
    return source_read_ex(s, buf, len, 0, err);
}

static void detect_encoding(tfa_stream *s)
{
    const unsigned char *h = s->head;
    if (s->head_len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
        s->enc = TFA_ENC_UTF8_BOM;
        s->head_pos = 3;
    } else if (s->head_len >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
        s->enc = TFA_ENC_UTF16LE;
        s->head_pos = 2;
    } else if (s->head_len >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
        s->enc = TFA_ENC_UTF16BE;
        s->head_pos = 2;
    }
}

static int fill_head(tfa_stream *s, tfa_error *err)
{
    long long n;
    if (s->head_filled)
        return 0;
    s->head = tfa_malloc(s->head_cap);
    if (!s->head)
        return tfa_error_oom(err);
    while (s->head_len < s->head_cap) {
        n = source_read(s, s->head + s->head_len, s->head_cap - s->head_len, err);
        if (n < 0)
            return (int)n;
        if (n == 0)
            break;
        s->head_len += (size_t)n;
    }
    s->head_filled = 1;
    return 0;
}

int tfa_stream_peek_raw(tfa_stream *s, const unsigned char **head, size_t *len, tfa_error *err)
{
    int rc = fill_head(s, err);
    if (rc)
        return rc;
    *head = s->head;
    *len = s->head_len;
    return 0;
}

int tfa_stream_head_is_all(const tfa_stream *s)
{
    return s->head_filled && s->eof;
}

/* Raw bytes after the head position (which skips a BOM once detected). */
static long long read_after_head(tfa_stream *s, void *buf, size_t len, tfa_error *err)
{
    if (s->head_pos < s->head_len) {
        size_t n = s->head_len - s->head_pos < len ? s->head_len - s->head_pos : len;
        memcpy(buf, s->head + s->head_pos, n);
        s->head_pos += n;
        return (long long)n;
    }
    return source_read(s, buf, len, err);
}

long long tfa_stream_read_raw(tfa_stream *s, void *buf, size_t len, tfa_error *err)
{
    if (!s->head_filled) /* raw reads start at byte 0: no BOM handling */
        return source_read(s, buf, len, err);
    return read_after_head(s, buf, len, err);
}

/* ---- decoding ------------------------------------------------------------- */

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Transcode s->raw[0..raw_len) into out; keep an incomplete tail (odd byte or
 * lone high surrogate waiting for its pair) at the front of s->raw. `final`
 * says no more bytes will come, making such a tail an error.
 */
static int utf16_flush(tfa_stream *s, char *out, size_t cap, size_t *produced, int final,
                       tfa_error *err)
{
    const int le = s->enc == TFA_ENC_UTF16LE;
    const unsigned char *p = s->raw;
    size_t i = 0, o = 0;

    while (i + 2 <= s->raw_len && o + 4 <= cap) {
        uint32_t u = le ? (uint32_t)(p[i] | p[i + 1] << 8) : (uint32_t)(p[i] << 8 | p[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t lo;
            if (i + 4 > s->raw_len)
                break;
            lo = le ? (uint32_t)(p[i + 2] | p[i + 3] << 8) : (uint32_t)(p[i + 2] << 8 | p[i + 3]);
            if (lo < 0xDC00 || lo > 0xDFFF)
                goto bad;
            o += put_utf8(out + o, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
            i += 4;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            goto bad;
        } else {
            o += put_utf8(out + o, u);
            i += 2;
        }
    }
    if (final && i < s->raw_len && o + 4 <= cap) {
        tfa_error_set_source(err, s->name);
        return tfa_error_set(err, TFA_EINPUT, "invalid UTF-16: input ends inside a character");
    }
    memmove(s->raw, s->raw + i, s->raw_len - i);
    s->raw_len -= i;
    *produced = o;
    return 0;
bad:
    tfa_error_set_source(err, s->name);
    return tfa_error_set(err, TFA_EINPUT, "invalid UTF-16: unpaired surrogate near byte %llu",
                         (unsigned long long)(s->raw_bytes - s->raw_len + i));
}

/* Fill the head and work out the encoding, once, before any decoded read. */
static int prepare_decoding(tfa_stream *s, tfa_error *err)
{
    int rc;
    if (s->raw || s->head_filled > 1)
        return 0;
    rc = fill_head(s, err);
    if (rc)
        return rc;
    s->head_filled = 2; /* encoding decided */
    detect_encoding(s);
    if (s->enc == TFA_ENC_UTF16LE || s->enc == TFA_ENC_UTF16BE) {
        s->raw = tfa_malloc(RAW_CHUNK + 4);
        if (!s->raw)
            return tfa_error_oom(err);
    }
    return 0;
}

/* Decode a UTF-16 chunk of at most RAW_CHUNK raw bytes into out. */
static long long utf16_read(tfa_stream *s, char *out, size_t cap, tfa_error *err)
{
    size_t produced = 0;
    long long n;
    int rc;

    while (produced == 0) {
        size_t want = cap / 3 * 2;
        if (want > RAW_CHUNK)
            want = RAW_CHUNK;
        if (want < 4)
            return tfa_error_set(err, TFA_EUSAGE, "read buffer too small for UTF-16 input");
        want -= s->raw_len < want ? s->raw_len : want;
        n = read_after_head(s, s->raw + s->raw_len, want, err);
        if (n < 0)
            return n;
        s->raw_len += (size_t)n;
        rc = utf16_flush(s, out, cap, &produced, n == 0, err);
        if (rc)
            return rc;
        if (n == 0)
            break;
    }
    return (long long)produced;
}

int tfa_stream_peek(tfa_stream *s, const char **head, size_t *len, tfa_error *err)
{
    long long n;
    int rc = prepare_decoding(s, err);
    if (rc)
        return rc;
    if (!s->raw) {
        *head = (const char *)s->head + s->head_pos;
        *len = s->head_len - s->head_pos;
        return 0;
    }
    if (!s->dhead) {
        size_t cap = (s->head_len / 2 + 2) * 3;
        s->dhead = tfa_malloc(cap);
        if (!s->dhead)
            return tfa_error_oom(err);
        while (s->head_pos < s->head_len) {
            n = utf16_read(s, s->dhead + s->dhead_len, cap - s->dhead_len, err);
            if (n < 0)
                return (int)n;
            if (n == 0)
                break;
            s->dhead_len += (size_t)n;
        }
    }
    *head = s->dhead + s->dhead_pos;
    *len = s->dhead_len - s->dhead_pos;
    return 0;
}

long long tfa_stream_read(tfa_stream *s, char *buf, size_t len, tfa_error *err)
{
    int rc = prepare_decoding(s, err);
    if (rc)
        return rc;
    s->last_posted = 0;
    if (s->back_pos < s->back_len) {
        size_t n = s->back_len - s->back_pos < len ? s->back_len - s->back_pos : len;
        memcpy(buf, s->back + s->back_pos, n);
        s->back_pos += n;
        return (long long)n;
    }
    if (!s->raw && s->head_pos >= s->head_len)
        return source_read_ex(s, buf, len, 1, err); /* UTF-8: straight into buf */
    if (!s->raw)
        return read_after_head(s, buf, len, err);
    if (s->dhead_pos < s->dhead_len) {
        size_t n = s->dhead_len - s->dhead_pos < len ? s->dhead_len - s->dhead_pos : len;
        memcpy(buf, s->dhead + s->dhead_pos, n);
        s->dhead_pos += n;
        return (long long)n;
    }
    return utf16_read(s, buf, len, err);
}

int tfa_stream_unread(tfa_stream *s, const char *data, size_t len, unsigned long lines_before,
                      uint64_t bytes_before, tfa_error *err)
{
    char *copy = len ? tfa_malloc(len) : NULL;
    if (len && !copy)
        return tfa_error_oom(err);
    if (len)
        memcpy(copy, data, len);
    tfa_free(s->back);
    s->back = copy;
    s->back_len = len;
    s->back_pos = 0;
    s->skipped_lines = lines_before;
    s->skipped_bytes = bytes_before;
    return 0;
}

void tfa_stream_skipped(const tfa_stream *s, unsigned long *lines, uint64_t *bytes)
{
    *lines = s->skipped_lines;
    *bytes = s->skipped_bytes;
}

int tfa_stream_drain(tfa_stream *s, tfa_error *err)
{
    unsigned char *tmp;
    long long n;

    if (s->eof) {
        tfa_stream_sync(s);
        return 0;
    }
    tmp = tfa_malloc(RAW_CHUNK);
    if (!tmp)
        return tfa_error_oom(err);
    do {
        n = source_read(s, tmp, RAW_CHUNK, err);
    } while (n > 0);
    tfa_free(tmp);
    tfa_stream_sync(s);
    return n < 0 ? (int)n : 0;
}

tfa_encoding tfa_stream_encoding(const tfa_stream *s)
{
    return s->enc;
}

uint64_t tfa_stream_bytes(const tfa_stream *s)
{
    return s->raw_bytes;
}

void tfa_stream_unhashed(tfa_stream *s)
{
    s->unhashed = 1;
}

void tfa_stream_digest(tfa_stream *s, unsigned char out[TFA_SHA256_BYTES])
{
    tfa_stream_sync(s);
    tfa_sha256_final(&s->sha, out);
}
