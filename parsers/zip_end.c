/*
 * zip_end.c - a zip's end of central directory record and its directory
 * (see zip_end.h; APPNOTE.TXT 4.3.14-4.3.16).
 */
#include "util/compat.h"

#include "zip_end.h"
#include "util/alloc.h"

#define EOCD_SIG   0x06054b50u
#define EOCD_LEN   22u
#define LOC64_SIG  0x07064b50u
#define LOC64_LEN  20u
#define EOCD64_SIG 0x06064b50u
#define EOCD64_LEN 56u

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The zip64 count, when its end record comes right before the locator,
 * right before the end record at `at` (where every writer puts them), and
 * the directory it describes ends where that record starts. */
static int zip64_entries(const unsigned char *tail, size_t at, uint64_t base, uint64_t *entries)
{
    const unsigned char *loc, *rec;

    if (at < LOC64_LEN + EOCD64_LEN)
        return -1;
    loc = tail + at - LOC64_LEN;
    rec = loc - EOCD64_LEN;
    if (le32(loc) != LOC64_SIG || le32(rec) != EOCD64_SIG ||
        le64(rec + 48) + le64(rec + 40) != base + (uint64_t)(rec - tail))
        return -1;
    *entries = le64(rec + 32);
    return 0;
}

int tfa_zip_end_find(const unsigned char *tail, size_t len, uint64_t base, tfa_zip_end *out)
{
    size_t at;
    int found = -1;

    if (len < EOCD_LEN)
        return -1;
    /* Backwards, as unzip looks: the last record whose comment fits before
     * the end and whose directory ends where the record starts (a comment
     * may hold the signature; its "directory" ends anywhere). */
    for (at = len - EOCD_LEN + 1; at-- > 0;) {
        const unsigned char *p = tail + at;
        size_t comment;
        int zip64;

        if (le32(p) != EOCD_SIG)
            continue;
        comment = le16(p + 20);
        if (at + EOCD_LEN + comment > len)
            continue;
        zip64 =
            le16(p + 10) == 0xFFFFu || le32(p + 12) == 0xFFFFFFFFu || le32(p + 16) == 0xFFFFFFFFu;
        found = -2;
        if (zip64 ? zip64_entries(tail, at, base, &out->entries) != 0
                  : (uint64_t)le32(p + 16) + le32(p + 12) != base + at)
            continue;
        if (!zip64)
            out->entries = le16(p + 10);
        out->after = len - (at + EOCD_LEN + comment);
        return 0;
    }
    return found;
}

/* ---- the central directory, record by record ---------------------------- */

#define CDH_SIG 0x02014b50u
#define CDH_LEN 46u
#define VAR_MAX 65535u /* a name, extra field or comment: 16-bit lengths */

typedef struct dir_reader {
    tfa_zip_pull pull;
    void *ctx;
    tfa_error *err;
    uint64_t pos;       /* byte of the archive the next pull reads */
    unsigned char *var; /* VAR_MAX bytes: a record's variable parts */
    char *why;
    size_t cap;
} dir_reader;

/* Pull `n` bytes; 1 (with `why`) when the archive ends first. */
static int take(dir_reader *r, unsigned char *dst, size_t n)
{
    int rc = r->pull(r->ctx, dst, n, r->err);

    if (rc == 1)
        snprintf(r->why, r->cap, "the zip ends inside its central directory at byte %llu",
                 (unsigned long long)r->pos);
    r->pos += n;
    return rc;
}

/* `name` quoted for a one-line message: printable ASCII, '?' for the rest. */
static void quote(char *out, size_t cap, const unsigned char *name, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < len && o + 4 < cap; i++)
        out[o++] = name[i] >= 0x20 && name[i] < 0x7f && name[i] != '"' ? (char)name[i] : '?';
    if (i < len && o + 4 <= cap)
        out[o++] = '.', out[o++] = '.', out[o++] = '.';
    out[o] = '\0';
}

/* A directory record's 64-bit fields from its zip64 extra field (4.5.3):
 * those set to all ones in the record, in this order, when present. */
static int zip64_fields(const unsigned char *extra, size_t len, uint64_t *usize, uint64_t *csize,
                        uint64_t *offset)
{
    uint64_t *const field[] = {usize, csize, offset};
    const uint64_t ones = 0xFFFFFFFFu;
    size_t at = 0, i;

    while (at + 4 <= len) {
        size_t id = le16(extra + at), n = le16(extra + at + 2), k = 0;

        if (at + 4 + n > len)
            return -1;
        if (id == 0x0001u)
            for (i = 0; i < 3; i++) {
                if (*field[i] != ones)
                    continue;
                if (k + 8 > n)
                    return -1;
                *field[i] = le64(extra + at + 4 + k);
                k += 8;
            }
        at += 4 + n;
    }
    return *usize == ones || *csize == ones || *offset == ones ? -1 : 0;
}

/* One directory record, its signature read: compare it with `s` (NULL when
 * the stream reader met no more entries). 0, 1 refused, negative error. */
static int dir_record(dir_reader *r, const tfa_zip_seen *s, const char *names)
{
    unsigned char h[CDH_LEN - 4], *var = r->var;
    uint64_t usize, csize, offset, at = r->pos - 4;
    size_t name_len, extra_len, comment_len;
    char q[80];
    int rc;

    if ((rc = take(r, h, sizeof(h))) != 0)
        return rc;
    usize = le32(h + 20);
    csize = le32(h + 16);
    offset = le32(h + 38);
    name_len = le16(h + 24);
    extra_len = le16(h + 26);
    comment_len = le16(h + 28);
    if ((rc = take(r, var, name_len)) != 0)
        return rc;
    quote(q, sizeof(q), var, name_len);
    if (!s) {
        snprintf(r->why, r->cap,
                 "the zip's central directory lists \"%s\" (record at byte %llu), an entry the "
                 "archive does not store in order before it",
                 q, (unsigned long long)at);
        return 1;
    }
    if (name_len != s->name_len || memcmp(var, names + s->name_at, name_len) != 0) {
        char want[80];

        quote(want, sizeof(want), (const unsigned char *)names + s->name_at, s->name_len);
        snprintf(r->why, r->cap,
                 "the zip's central directory lists \"%s\" where the archive stores \"%s\"", q,
                 want);
        return 1;
    }
    if ((rc = take(r, var, extra_len)) != 0)
        return rc;
    if (zip64_fields(var, extra_len, &usize, &csize, &offset) != 0) {
        snprintf(r->why, r->cap,
                 "the zip's central directory record for \"%s\" has a broken zip64 extra field", q);
        return 1;
    }
    if (offset != s->offset) {
        snprintf(r->why, r->cap,
                 "the zip's central directory lists \"%s\" at byte %llu, which the archive's "
                 "entries do not have there (its entry starts at byte %llu)",
                 q, (unsigned long long)offset, (unsigned long long)s->offset);
        return 1;
    }
    if (s->sized && usize != s->size) {
        snprintf(r->why, r->cap,
                 "the zip's central directory says \"%s\" holds %llu bytes, but its entry "
                 "holds %llu",
                 q, (unsigned long long)usize, (unsigned long long)s->size);
        return 1;
    }
    if (s->sized && le32(h + 12) != s->crc) {
        snprintf(r->why, r->cap,
                 "the zip's central directory gives \"%s\" CRC-32 %08lx, but its data's is %08lx",
                 q, (unsigned long)le32(h + 12), (unsigned long)s->crc);
        return 1;
    }
    return take(r, var, comment_len);
}

/* The zip64 end record and its locator (4.3.14, 4.3.15), the signature of
 * the record read: they must describe the directory just read. */
static int dir_zip64_end(dir_reader *r, uint64_t count, uint64_t dir_at, uint64_t dir_len)
{
    unsigned char h[52], loc[LOC64_LEN];
    uint64_t at = r->pos - 4, size, left;
    int rc;

    if ((rc = take(r, h, sizeof(h))) != 0)
        return rc;
    size = le64(h);
    if (size < 44)
        goto bad;
    for (left = size - 44; left > 0;) { /* the extensible data sector */
        size_t n = left > VAR_MAX ? VAR_MAX : (size_t)left;
        if ((rc = take(r, r->var, n)) != 0)
            return rc;
        left -= n;
    }
    if (le64(h + 20) != count || le64(h + 28) != count || le64(h + 36) != dir_len ||
        le64(h + 44) != dir_at)
        goto bad;
    if ((rc = take(r, loc, sizeof(loc))) != 0)
        return rc;
    if (le32(loc) == LOC64_SIG && le64(loc + 8) == at)
        return 0;
bad:
    snprintf(r->why, r->cap,
             "the zip's zip64 end record at byte %llu does not describe its central directory",
             (unsigned long long)at);
    return 1;
}

/* The end record (4.3.16), its signature read, and its comment. */
static int dir_end(dir_reader *r, int zip64, uint64_t count, uint64_t dir_at, uint64_t dir_len)
{
    unsigned char h[EOCD_LEN - 4];
    uint64_t at = r->pos - 4;
    int rc;

    if ((rc = take(r, h, sizeof(h))) != 0)
        return rc;
    if (le16(h) != 0 || le16(h + 2) != 0 ||
        !((le16(h + 4) == count && le16(h + 6) == count) ||
          (zip64 && le16(h + 4) == 0xFFFFu && le16(h + 6) == 0xFFFFu)) ||
        !(le32(h + 8) == dir_len || (zip64 && le32(h + 8) == 0xFFFFFFFFu)) ||
        !(le32(h + 12) == dir_at || (zip64 && le32(h + 12) == 0xFFFFFFFFu))) {
        snprintf(r->why, r->cap,
                 "the zip's end record at byte %llu does not describe its central directory "
                 "(%llu entries, %llu bytes at byte %llu)",
                 (unsigned long long)at, (unsigned long long)count, (unsigned long long)dir_len,
                 (unsigned long long)dir_at);
        return 1;
    }
    return take(r, r->var, le16(h + 16));
}

int tfa_zip_dir_check(const tfa_zip_seen *seen, size_t n, const char *names, uint64_t dir_at,
                      tfa_zip_pull pull, void *ctx, uint64_t *end_at, char *why, size_t cap,
                      tfa_error *err)
{
    dir_reader r = {pull, ctx, err, dir_at, NULL, why, cap};
    unsigned char sig[4];
    uint64_t count = 0, dir_len = 0;
    int zip64 = 0, rc;

    r.var = tfa_malloc(VAR_MAX);
    if (!r.var)
        return tfa_error_oom(err);
    for (;;) {
        if ((rc = take(&r, sig, 4)) != 0)
            break;
        if (le32(sig) == CDH_SIG && !zip64) {
            if ((rc = dir_record(&r, count < n ? &seen[count] : NULL, names)) != 0)
                break;
            count++;
            dir_len = r.pos - dir_at;
        } else if (le32(sig) == EOCD64_SIG && !zip64) {
            if ((rc = dir_zip64_end(&r, count, dir_at, dir_len)) != 0)
                break;
            zip64 = 1;
        } else if (le32(sig) == EOCD_SIG) {
            rc = dir_end(&r, zip64, count, dir_at, dir_len);
            break;
        } else {
            snprintf(why, cap,
                     "unexpected bytes at byte %llu, in the zip's central directory or before it",
                     (unsigned long long)(r.pos - 4));
            rc = 1;
            break;
        }
    }
    tfa_free(r.var);
    if (rc == 0 && count != n) {
        snprintf(why, cap,
                 "its central directory lists %llu entries, but %llu are stored in order before "
                 "it: a tool reading the directory would see other members",
                 (unsigned long long)count, (unsigned long long)n);
        rc = 1;
    }
    *end_at = r.pos;
    return rc;
}
