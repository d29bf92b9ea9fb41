/*
 * archive.c - archive members as inputs, in memory (see archive_load.h).
 *
 * Bytes flow: the archive's tfa_stream -> arc_read (libarchive's read
 * callback) -> libarchive's decompression and format readers ->
 * archive_read_data -> member_read (a tfa_stream source) -> the member's
 * reader. Only the formats and filters tfaudit promises are enabled, so
 * libarchive never bids mtree, cpio or uudecode on decompressed text, and the
 * raw format (a single compressed file) is accepted only behind a
 * decompression filter.
 *
 * Every byte libarchive decompresses for us, whether a reader wants it or
 * not, passes member_read, which is where the guards count: skipped members
 * are drained through it too, so a bomb cannot hide in a member we skip.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <libdeflate.h>
#include <locale.h>

#include "archive_load.h"
#include "scan.h"
#include "zip_end.h"
#include "util/alloc.h"
#include "util/buf.h"

#define ARC_CHUNK (128u * 1024u) /* raw bytes handed to libarchive per callback */

/* One archive being read. */
typedef struct arc {
    tfa_load *ld;
    const tfa_limits *lim;
    tfa_stream *in; /* the archive's own bytes */
    struct archive *a;
    tfa_error *err;         /* where arc_read records a failing input stream */
    unsigned char *buf;     /* arc_read's buffer, owned by libarchive between calls */
    unsigned char *scratch; /* drain buffer for skipped members */
    tfa_buf name;           /* full name of the current member: "outer!path" */
    size_t path_at;         /* where the path starts in `name`; 0 before the first */
    uint64_t consumed;      /* raw bytes handed to libarchive */
    uint64_t last_chunk;    /* bytes of the last of them, still in buf */
    unsigned char *tail;    /* a zip's last TFA_ZIP_END_TAIL raw bytes read so far */
    size_t tail_len;
    uint64_t entries;      /* headers libarchive gave */
    uint64_t produced;     /* bytes libarchive decompressed out of them */
    uint64_t member_bytes; /* bytes of the current member so far */
    tfa_zip_seen *seen;    /* a zip's entries as read, for its directory to list */
    size_t seen_cap;
    tfa_buf zip_names; /* their names, as stored */
    uint32_t zip_crc;  /* CRC-32 of the current zip entry's data so far */
} arc;

/* ---- messages ------------------------------------------------------------- */

/* "4 GiB", "512 MiB", or a byte count when not a round size. */
static const char *size_str(char *buf, size_t cap, uint64_t n)
{
    static const char *const units[] = {"GiB", "MiB", "KiB"};
    static const unsigned shifts[] = {30, 20, 10};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(units); i++)
        if (n >= (1ull << shifts[i]) && n % (1ull << shifts[i]) == 0) {
            snprintf(buf, cap, "%llu %s", (unsigned long long)(n >> shifts[i]), units[i]);
            return buf;
        }
    snprintf(buf, cap, "%llu bytes", (unsigned long long)n);
    return buf;
}

/*
 * Record libarchive's complaint unless a lower layer (the input stream, a
 * guard in a nested archive) already said why: that message wins. libarchive
 * starts its messages with a capital ("Truncated tar archive"); ours are
 * lowercase.
 */
static int arc_fail(arc *x, const char *source, const char *what)
{
    const char *msg = archive_error_string(x->a);
    const char *after =
        x->path_at && source == tfa_stream_name(x->in) ? x->name.ptr + x->path_at : NULL;
    char first;

    if (x->err->status)
        return x->err->status;
    if (!msg)
        msg = "unknown error";
    first = msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z'
                ? (char)(msg[0] - 'A' + 'a')
                : msg[0];
    tfa_error_set_source(x->err, source);
    if (after) /* a header after this member is bad: say where */
        return tfa_error_set(x->err, TFA_EINPUT, "%s after member '%s': %c%s", what, after, first,
                             msg[0] ? msg + 1 : "");
    return tfa_error_set(x->err, TFA_EINPUT, "%s: %c%s", what, first, msg[0] ? msg + 1 : "");
}

/* ---- byte flow and guards --------------------------------------------------- */

/* Keep the last TFA_ZIP_END_TAIL bytes of the archive seen so far. */
static void keep_tail(arc *x, const unsigned char *p, size_t n)
{
    size_t keep;

    if (n >= TFA_ZIP_END_TAIL) {
        memcpy(x->tail, p + n - TFA_ZIP_END_TAIL, TFA_ZIP_END_TAIL);
        x->tail_len = TFA_ZIP_END_TAIL;
        return;
    }
    keep = x->tail_len + n > TFA_ZIP_END_TAIL ? TFA_ZIP_END_TAIL - n : x->tail_len;
    memmove(x->tail, x->tail + x->tail_len - keep, keep);
    memcpy(x->tail + keep, p, n);
    x->tail_len = keep + n;
}

/* Whether `out` bytes decompressed from what was read so far is a ratio
 * only a decompression bomb has. */
static int bomb(const arc *x, uint64_t out)
{
    return out > x->lim->archive_ratio_min_bytes && out / x->lim->archive_ratio > x->consumed;
}

static int bomb_error(const arc *x, tfa_error *err)
{
    return tfa_error_set(err, TFA_ELIMIT,
                         "compression ratio above %u:1, refusing a likely decompression bomb",
                         x->lim->archive_ratio);
}

/* The guards on everything decompressed, members or not: the zero blocks
 * between and after joined tar archives are read through, and gigabytes of
 * them pack into a few megabytes. libarchive skips them without calling us
 * but to read, so this runs at each raw chunk (at most 128 KiB of input,
 * about 130 MB decompressed, between two checks) and at the end. */
static int outside_members(const arc *x, struct archive *a)
{
    uint64_t out = (uint64_t)archive_filter_bytes(a, 0), total = x->lim->archive_total_bytes;
    char sz[32];

    if (bomb(x, out))
        return bomb_error(x, x->err);
    /* headers and padding are not what --max-bytes counts: what lies
     * outside members is held to it alone, and only past the bomb guard's
     * floor, so a small limit still reads a tar's 10 KiB records */
    if (out > x->produced && out - x->produced > total &&
        out - x->produced > x->lim->archive_ratio_min_bytes)
        return tfa_error_set(x->err, TFA_ELIMIT,
                             "archives decompress to more than %s (see --max-bytes)",
                             size_str(sz, sizeof(sz), total));
    return 0;
}

static la_ssize_t arc_read(struct archive *a, void *ctx, const void **out)
{
    arc *x = ctx;
    long long n;
    int rc;

    if (archive_filter_count(a) > 1 && (rc = outside_members(x, a)) != 0) {
        tfa_error_set_source(x->err, tfa_stream_name(x->in));
        archive_set_error(a, EIO, "decompression guard");
        return -1;
    }
    n = tfa_stream_read_raw(x->in, x->buf, ARC_CHUNK, x->err);
    if (n < 0) {
        archive_set_error(a, EIO, "input failed");
        return -1;
    }
    x->consumed += (uint64_t)n;
    x->last_chunk = (uint64_t)n;
    if (!x->entries || archive_format(a) == ARCHIVE_FORMAT_ZIP) /* the format is known */
        keep_tail(x, x->buf, (size_t)n);
    *out = x->buf;
    return (la_ssize_t)n;
}

/* Count `n` decompressed bytes of the current member against the guards. */
static int account(arc *x, uint64_t n, tfa_error *err)
{
    const tfa_limits *lim = x->lim;
    uint64_t entry_max = lim->archive_entry_bytes;
    char sz[32];

    x->member_bytes += n;
    x->produced += n;
    x->ld->archive_bytes += n;
    if (x->member_bytes > entry_max)
        return tfa_error_set(err, TFA_ELIMIT, "archive member larger than the %s limit",
                             size_str(sz, sizeof(sz), entry_max));
    if (x->ld->archive_bytes > lim->archive_total_bytes)
        return tfa_error_set(err, TFA_ELIMIT,
                             "archives decompress to more than %s (see --max-bytes)",
                             size_str(sz, sizeof(sz), lim->archive_total_bytes));
    return bomb(x, x->produced) ? bomb_error(x, err) : 0;
}

/* tfa_stream source over the current member's data. */
static long long member_read(void *ctx, void *buf, size_t len, tfa_error *err)
{
    arc *x = ctx;
    la_ssize_t n = archive_read_data(x->a, buf, len);
    int rc;

    if (n < 0)
        return arc_fail(x, x->name.ptr, "cannot read archive member");
    if (n > 0 && (rc = account(x, (uint64_t)n, err)) != 0)
        return rc;
    if (n > 0 && archive_format(x->a) == ARCHIVE_FORMAT_ZIP) /* for its directory record */
        x->zip_crc = libdeflate_crc32(x->zip_crc, buf, (size_t)n);
    return n;
}

/* Read what is left of the current member, counting it: skipped members are
 * decompressed all the same, so they must pass the guards too. */
static int drain_member(arc *x, tfa_error *err)
{
    long long n;
    do {
        n = member_read(x, x->scratch, ARC_CHUNK, err);
    } while (n > 0);
    if (n < 0)
        tfa_error_set_source(err, x->name.ptr);
    return n < 0 ? (int)n : 0;
}

/* Refuse a member whose header already says it is too big, before reading
 * any of it (the limits are the ones account() applies). */
static int check_declared(arc *x, struct archive_entry *e, tfa_error *err)
{
    uint64_t size;

    if (!archive_entry_size_is_set(e) || archive_entry_size(e) <= 0)
        return 0;
    size = (uint64_t)archive_entry_size(e);
    if (size <= x->lim->archive_entry_bytes &&
        size <= x->lim->archive_total_bytes - x->ld->archive_bytes)
        return 0;
    tfa_error_set_source(err, x->name.ptr);
    return account(x, size, err);
}

/* ---- member names and types ---------------------------------------------------- */

static int is_unsafe_path(const char *p)
{
    const char *c = p;
    if (p[0] == '/' || p[0] == '\\' ||
        (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':'))
        return 1; /* absolute, also as zip files from Windows write them */
    while (*c) {
        size_t n = strcspn(c, "/\\");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return 1;
        c += n;
        if (*c)
            c++;
    }
    return 0;
}

/* The single member of a compressed file: its name without the suffix
 * ("plan.json.gz" -> "plan.json"), or libarchive's "data". */
static void raw_member_path(tfa_buf *out, const char *outer)
{
    static const char *const sfx[] = {".gz", ".bz2", ".xz", ".zst", ".zstd"};
    const char *base = outer, *p;
    size_t len, i;

    for (p = outer; *p; p++)
        if (*p == '/' || *p == '!')
            base = p + 1;
    len = strlen(base);
    for (i = 0; i < TFA_ARRAY_SIZE(sfx); i++) {
        size_t n = strlen(sfx[i]);
        if (len > n && strcmp(base + len - n, sfx[i]) == 0) {
            tfa_buf_put(out, base, len - n);
            return;
        }
    }
    tfa_buf_puts(out, "data");
}

/* Append `p` with control characters and bytes that are not UTF-8 shown as
 * '?': names reach terminals and JSON, which must be valid UTF-8. */
static void put_safe(tfa_buf *out, const char *p)
{
    size_t left = strlen(p);
    while (left > 0) {
        const unsigned char c = (unsigned char)*p;
        int n = c < 0x80 ? 1 : tfa_utf8_seq((const unsigned char *)p, left);
        if (n <= 0 || (n == 1 && (c < 0x20 || c == 0x7f))) {
            tfa_buf_putc(out, '?');
            n = 1;
        } else {
            tfa_buf_put(out, p, (size_t)n);
        }
        p += n;
        left -= (size_t)n;
    }
}

/*
 * x->name = "outer!path", the path as stored but with leading "./" dropped
 * (put_safe). Returns the reason to skip the member, "" to skip it silently
 * (directories), or NULL to read it.
 */
static const char *member_name(arc *x, struct archive_entry *e)
{
    const char *path = archive_entry_pathname_utf8(e);
    const char *p;
    int unsafe;

    if (!path)
        path = archive_entry_pathname(e);
    if (!path)
        path = ""; /* a name libarchive could not convert (see tfa_archive_load) */
    unsafe = is_unsafe_path(path);
    p = path;
    while (!unsafe && p[0] == '.' && p[1] == '/')
        for (p += 2; *p == '/'; p++)
            ;
    tfa_buf_clear(&x->name);
    tfa_buf_puts(&x->name, tfa_stream_name(x->in));
    tfa_buf_putc(&x->name, '!');
    x->path_at = x->name.len;
    if (archive_format(x->a) == ARCHIVE_FORMAT_RAW) {
        raw_member_path(&x->name, tfa_stream_name(x->in));
        p = "";
    }
    put_safe(&x->name, p);
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
        return "";
    case AE_IFLNK:
        return "symbolic link (links are never followed)";
    case AE_IFREG:
        if (archive_entry_hardlink(e))
            return "hard link (links are never followed)";
        if (unsafe)
            return "unsafe member name (absolute or containing '..')";
        return path[0] ? NULL : "member name cannot be read";
    default:
        return archive_entry_hardlink(e) ? "hard link (links are never followed)"
                                         : "not a regular file";
    }
}

/* ---- members ---------------------------------------------------------------------- */

static int load_member(arc *x, struct archive_entry *e, tfa_error *err)
{
    tfa_stream_source src = {member_read, NULL, NULL};
    tfa_stream *s = NULL;
    const char *skip = member_name(x, e);
    int rc;

    src.ctx = x;
    x->member_bytes = 0;
    if ((rc = tfa_buf_status(&x->name)) != 0)
        return tfa_error_oom(err);
    if ((rc = check_declared(x, e, err)) != 0)
        return rc;
    if (skip) {
        if (skip[0] && x->ld->each && x->ld->depth == 1) /* tfa_archive_each: the caller judges */
            rc = x->ld->each(x->ld->each_payload, x->name.ptr, x->name.ptr + x->path_at, NULL, skip,
                             err);
        else if (skip[0])
            rc = tfa_load_refuse(x->ld, x->name.ptr, skip, err);
        return rc ? rc : drain_member(x, err);
    }
    if ((rc = tfa_stream_new(&s, x->name.ptr, &src, err)) == 0) {
        if (x->ld->each && x->ld->depth == 1) /* tfa_archive_each: the caller reads it */
            rc = x->ld->each(x->ld->each_payload, x->name.ptr, x->name.ptr + x->path_at, s, NULL,
                             err);
        else
            rc = tfa_load_stream(x->ld, s, err);
    }
    if (rc == 0)
        rc = tfa_stream_drain(s, err); /* skipped or partly read: count the rest */
    tfa_stream_free(s);
    return rc;
}

static int count_member(arc *x, tfa_error *err)
{
    x->entries++;
    if (++x->ld->archive_entries <= x->lim->archive_entries)
        return 0;
    tfa_error_set_source(err, tfa_stream_name(x->in));
    return tfa_error_set(err, TFA_ELIMIT, "more than %zu archive members (limit)",
                         x->lim->archive_entries);
}

/* A raw "archive" is a single compressed file; without a compression filter
 * it is just bytes that no archive format recognised. */
static int check_format(arc *x, tfa_error *err)
{
    if (archive_format(x->a) != ARCHIVE_FORMAT_RAW || archive_filter_count(x->a) > 1)
        return 0;
    tfa_error_set_source(err, tfa_stream_name(x->in));
    return tfa_error_set(err, TFA_EINPUT, "not a tar, zip or compressed file");
}

/* Whether buf[0..n) is all zero bytes. */
static int all_zero(const unsigned char *buf, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (buf[i])
            return 0;
    return 1;
}

/* What the directory must say of the entry whose header libarchive just
 * read: where it starts (libarchive consumed everything before it) and its
 * name as stored (a name flagged UTF-8 is converted to UTF-8, an identity). */
static int zip_entry_seen(arc *x, struct archive_entry *e, tfa_error *err)
{
    const char *name = archive_entry_pathname(e);
    tfa_zip_seen *s;
    size_t n = (size_t)(x->entries - 1);

    if (tfa_array_grow(&x->seen, &x->seen_cap, n + 1, sizeof(*x->seen)) != 0)
        return tfa_error_oom(err);
    s = &x->seen[n];
    memset(s, 0, sizeof(*s));
    s->offset = (uint64_t)archive_read_header_position(x->a);
    x->zip_crc = 0;
    s->name_at = x->zip_names.len;
    s->name_len = name ? strlen(name) : 0;
    tfa_buf_put(&x->zip_names, name ? name : "", s->name_len);
    return tfa_buf_status(&x->zip_names) ? tfa_error_oom(err) : 0;
}

/* The size and CRC-32 of what was read out of the entry just loaded, for a
 * regular file (the data of a link is its target, which libarchive keeps). */
static void zip_entry_read(arc *x, struct archive_entry *e)
{
    tfa_zip_seen *s = &x->seen[x->entries - 1];

    s->sized = archive_entry_filetype(e) == AE_IFREG && !archive_entry_hardlink(e);
    s->size = x->member_bytes;
    s->crc = x->zip_crc;
}

/* The raw bytes after where libarchive stopped: those it read ahead (still in
 * the tail or the last chunk), then the rest of the stream. */
typedef struct zip_rest {
    arc *x;
    const unsigned char *held; /* read ahead, not yet taken */
    size_t held_len;
    size_t at, len; /* unread part of x->scratch */
} zip_rest;

static int zip_pull(void *ctx, unsigned char *dst, size_t n, tfa_error *err)
{
    zip_rest *r = ctx;
    arc *x = r->x;

    while (n > 0) {
        size_t k;
        if (r->held_len) {
            k = n < r->held_len ? n : r->held_len;
            memcpy(dst, r->held, k);
            r->held += k, r->held_len -= k;
        } else {
            if (r->at == r->len) {
                long long got = tfa_stream_read_raw(x->in, x->scratch, ARC_CHUNK, err);
                if (got <= 0)
                    return got < 0 ? (int)got : 1;
                x->consumed += (uint64_t)got;
                keep_tail(x, x->scratch, (size_t)got);
                r->at = 0, r->len = (size_t)got;
            }
            k = n < r->len - r->at ? n : r->len - r->at;
            memcpy(dst, x->scratch + r->at, k);
            r->at += k;
        }
        dst += k, n -= k;
    }
    return 0;
}

/*
 * After a zip's last local entry: its central directory, read record by
 * record as it comes, must list the entries read, one for one (zip_end.h);
 * the end record after it must be the one a seeking reader finds from the
 * end, and nothing but zero padding may follow it.
 */
static int check_zip_end(arc *x, tfa_error *err)
{
    la_int64_t taken = archive_filter_bytes(x->a, -1);
    zip_rest r;
    tfa_zip_end end;
    uint64_t held, end_at;
    char why[300];
    size_t i;
    int rc;

    memset(&r, 0, sizeof(r));
    r.x = x;
    held = taken < 0 || (uint64_t)taken > x->consumed ? UINT64_MAX : x->consumed - (uint64_t)taken;
    if (held <= x->tail_len) {
        r.held = x->tail + x->tail_len - held;
    } else if (held <= x->last_chunk) {
        r.held = x->buf + x->last_chunk - held;
    } else {
        snprintf(why, sizeof(why), "cannot tell where its central directory starts");
        goto refuse;
    }
    r.held_len = (size_t)held;
    rc = tfa_zip_dir_check(x->seen, (size_t)x->entries, x->zip_names.ptr, (uint64_t)taken, zip_pull,
                           &r, &end_at, why, sizeof(why), err);
    if (rc < 0)
        return rc;
    if (rc > 0)
        goto refuse;
    for (;;) { /* the rest of the stream, into the tail */
        unsigned char b;
        if ((rc = zip_pull(&r, &b, 1, err)) < 0)
            return rc;
        if (rc == 1)
            break;
    }
    rc = tfa_zip_end_find(x->tail, x->tail_len, x->consumed - x->tail_len, &end);
    if (rc != 0 || x->consumed - end.after != end_at) {
        snprintf(why, sizeof(why), "%s",
                 rc == -1 ? "zip without an end of central directory record"
                          : "its end record is not the one after its central directory");
        goto refuse;
    }
    for (i = x->tail_len - end.after; i < x->tail_len; i++)
        if (x->tail[i]) {
            snprintf(why, sizeof(why),
                     "data after the end of the archive at byte %llu (something appended to "
                     "it?)",
                     (unsigned long long)(x->consumed - end.after));
            goto refuse;
        }
    return 0;
refuse:
    tfa_error_set_source(err, tfa_stream_name(x->in));
    return tfa_error_set(err, TFA_EINPUT, "%s", why);
}

/*
 * After the last member: the raw bytes the decompressor did not take must be
 * zeros (blocking padding), as gzip and GNU tar require. libarchive stops at
 * the end of a gzip, bzip2, xz or zstd stream and ignores whatever follows,
 * so a file appended to a .tar.gz, or the same archive with anything after
 * it, would otherwise be read as if it were not there. The unread bytes are
 * the tail of the last chunk handed to libarchive (archive_filter_bytes
 * counts what its lowest filter consumed, not what it read ahead) and the
 * rest of the stream. A zip is checked by its end record instead
 * (check_zip_end): its central directory follows the entries, and the
 * streaming reader stops before it.
 */
static int check_tail(arc *x, tfa_error *err)
{
    la_int64_t taken = archive_filter_bytes(x->a, -1);
    uint64_t held;
    long long n;

    if (archive_format(x->a) == ARCHIVE_FORMAT_ZIP)
        return check_zip_end(x, err);
    if (archive_filter_count(x->a) > 1 && outside_members(x, x->a) != 0) {
        tfa_error_set_source(err, tfa_stream_name(x->in));
        return err->status;
    }
    if (taken < 0 || (uint64_t)taken > x->consumed)
        return 0;
    held = x->consumed - (uint64_t)taken;
    if (held > x->last_chunk || !all_zero(x->buf + (x->last_chunk - held), (size_t)held))
        goto trailing;
    while ((n = tfa_stream_read_raw(x->in, x->scratch, ARC_CHUNK, err)) > 0) {
        x->consumed += (uint64_t)n;
        if (!all_zero(x->scratch, (size_t)n))
            goto trailing;
    }
    return n < 0 ? (int)n : 0;
trailing:
    tfa_error_set_source(err, tfa_stream_name(x->in));
    return tfa_error_set(err, TFA_EINPUT,
                         "data after the end of the archive at byte %llu (something appended "
                         "to it?)",
                         (unsigned long long)taken);
}

static int read_members(arc *x, tfa_error *err)
{
    struct archive_entry *e;
    int r, rc, zip;

    for (;;) {
        r = archive_read_next_header(x->a, &e);
        if (r == ARCHIVE_EOF)
            return check_tail(x, err);
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) /* RETRY too: a damaged header */
            return arc_fail(x, tfa_stream_name(x->in), "cannot read archive");
        if ((rc = count_member(x, err)) != 0 || (rc = check_format(x, err)) != 0)
            return rc;
        zip = archive_format(x->a) == ARCHIVE_FORMAT_ZIP;
        if ((zip && (rc = zip_entry_seen(x, e, err)) != 0) || (rc = load_member(x, e, err)) != 0)
            return rc;
        if (zip)
            zip_entry_read(x, e);
    }
}

static int arc_open(arc *x, tfa_error *err)
{
    struct archive *a = archive_read_new();

    x->a = a;
    if (!a)
        return tfa_error_oom(err);
    /* A libarchive built without a library falls back to an external program
     * for that filter (ARCHIVE_WARN); that still never writes to disk. */
    if (archive_read_support_filter_gzip(a) < ARCHIVE_WARN ||
        archive_read_support_filter_bzip2(a) < ARCHIVE_WARN ||
        archive_read_support_filter_xz(a) < ARCHIVE_WARN ||
        archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_support_format_zip(a) != ARCHIVE_OK ||
        archive_read_support_format_raw(a) != ARCHIVE_OK)
        return arc_fail(x, tfa_stream_name(x->in), "cannot set up the archive reader");
    /* Tar archives put one after the other (cat a.tar b.tar) are read whole,
     * as `tar -i` reads them: stopping at the first end-of-archive marker
     * would leave the members after it unread and unreported. */
    if (archive_read_set_format_option(a, "tar", "read_concatenated_archives", "1") != ARCHIVE_OK)
        return arc_fail(x, tfa_stream_name(x->in), "cannot set up the archive reader");
#if ARCHIVE_VERSION_NUMBER >= 3003003
    (void)archive_read_support_filter_zstd(a); /* optional: not every libarchive has it */
#endif
    if (archive_read_open(a, x, NULL, arc_read, NULL) != ARCHIVE_OK)
        return arc_fail(x, tfa_stream_name(x->in), "cannot read archive");
    return 0;
}

/*
 * libarchive converts zip names flagged UTF-8 to the charset of the current
 * locale, which fails for any non-ASCII name in the C locale tfaudit runs in
 * (both pathname getters then return NULL). A UTF-8 LC_CTYPE for this thread
 * only, while the archive is read, makes that conversion an identity without
 * touching the process locale; numbers and messages stay in the C locale.
 */
static void with_utf8_names(locale_t *utf8, locale_t *old)
{
    *utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (*utf8)
        *old = uselocale(*utf8);
}

int tfa_archive_load(tfa_load *ld, tfa_stream *in, tfa_error *err)
{
    locale_t utf8 = (locale_t)0, old = (locale_t)0;
    arc x;
    int member = ld->member, rc;

    memset(&x, 0, sizeof(x));
    x.ld = ld;
    x.lim = &ld->opts->limits;
    x.in = in;
    x.err = err;
    tfa_buf_init(&x.name, TFA_BUF_NO_MAX);
    tfa_buf_init(&x.zip_names, TFA_BUF_NO_MAX);
    if (ld->depth >= x.lim->archive_depth) {
        tfa_error_set_source(err, tfa_stream_name(in));
        return tfa_error_set(err, TFA_ELIMIT, "archives nested more than %u deep (limit)",
                             x.lim->archive_depth);
    }
    x.buf = tfa_malloc(ARC_CHUNK);
    x.scratch = tfa_malloc(ARC_CHUNK);
    x.tail = tfa_malloc(TFA_ZIP_END_TAIL);
    if (!x.buf || !x.scratch || !x.tail) {
        rc = tfa_error_oom(err);
        goto done;
    }
    ld->depth++;
    ld->member = 1;
    with_utf8_names(&utf8, &old);
    if ((rc = arc_open(&x, err)) == 0)
        rc = read_members(&x, err);
    if (utf8) {
        uselocale(old);
        freelocale(utf8);
    }
    ld->depth--;
    ld->member = member;
    if (rc == 0)
        rc = tfa_load_require_input(ld, tfa_stream_name(in), "archive", err);
done:
    if (x.a)
        archive_read_free(x.a);
    tfa_free(x.buf);
    tfa_free(x.scratch);
    tfa_free(x.tail);
    tfa_buf_release(&x.name);
    tfa_buf_release(&x.zip_names);
    tfa_free(x.seen);
    return rc;
}
