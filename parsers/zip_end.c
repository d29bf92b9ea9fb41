/*
 * zip_end.c - the entry count of a zip's end of central directory record
 * (see zip_end.h; APPNOTE.TXT 4.3.14-4.3.16).
 */
#include "util/compat.h"

#include "zip_end.h"

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
