/*
 * zip_end.h - a zip's central directory and end record, checked against
 * the entries a streaming reader met (internal to parsers/).
 *
 * libarchive reads a zip from a stream by its local headers, in order, and
 * stops at the central directory; `unzip`, and every tool that can seek,
 * read the central directory instead. An archive where the two disagree (an
 * entry the directory lists whose local header is not where the stream
 * reader looks, or a local entry the directory leaves out) shows one set of
 * members to tfaudit and another to the people and tools reading it after.
 * Counting is not enough: a directory can list as many entries as the
 * stream holds but other ones (an entry embedded in another's stored data,
 * another name, size or order). So the reader remembers each entry it met
 * and, after the last, reads the directory record by record as it comes
 * and requires it to list the same entries; the end record found from the
 * end, as seeking readers find it, must be the one that follows.
 */
#ifndef TFA_ZIP_END_H
#define TFA_ZIP_END_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* The end record with its longest comment, and the zip64 locator and end
 * record before it: how many of an archive's last bytes the search needs. */
#define TFA_ZIP_END_TAIL (22u + 65535u + 20u + 56u)

typedef struct tfa_zip_end {
    uint64_t entries; /* entries in the central directory */
    size_t after;     /* bytes after the end record and its comment */
} tfa_zip_end;

/* Find the end of central directory record in the last `len` bytes of an
 * archive, `base` being the offset of tail[0] in it: the last record whose
 * comment fits before the end and whose directory ends where the record (or
 * its zip64 record) starts. 0 and `out` filled; -1 when there is no
 * record; -2 when no record's directory ends there (bytes between them, or
 * before the first entry, as in self-extracting zips). */
int tfa_zip_end_find(const unsigned char *tail, size_t len, uint64_t base, tfa_zip_end *out);

/* What the streaming reader met of one entry, which the directory must say
 * again: where its local header starts, its name as stored, and (for the
 * regular files it read through) how many bytes its data decompressed to
 * and their CRC-32. */
typedef struct tfa_zip_seen {
    uint64_t offset; /* of its local header in the archive */
    uint64_t size;   /* bytes read out of it, when `sized` */
    uint32_t crc;    /* their CRC-32, when `sized` */
    size_t name_at;  /* its name in the names buffer */
    size_t name_len;
    int sized;
} tfa_zip_seen;

/* Pulls exactly `n` more bytes of the archive into `dst`: 0, 1 when the
 * archive ends first, or a negative status (`err` set). */
typedef int (*tfa_zip_pull)(void *ctx, unsigned char *dst, size_t n, tfa_error *err);

/*
 * Read the central directory starting at byte `dir_at` (where the streaming
 * reader stopped) record by record through `pull`, up to and including the
 * end record and its comment, and require it to list exactly the entries in
 * `seen` (names in `names`), in order: same count, names byte for byte,
 * local header offsets, sizes and CRC-32s, zip64 records read as APPNOTE 4.3.14 and
 * 4.5.3 say. 0 with `*end_at` the byte after the end record's comment; 1
 * with `why` saying how the directory differs; negative on a failed pull.
 */
int tfa_zip_dir_check(const tfa_zip_seen *seen, size_t n, const char *names, uint64_t dir_at,
                      tfa_zip_pull pull, void *ctx, uint64_t *end_at, char *why, size_t cap,
                      tfa_error *err);

#endif
