/*
 * zip_end.h - the entry count a zip's end of central directory states
 * (internal to parsers/).
 *
 * libarchive reads a zip from a stream by its local headers, in order, and
 * stops at the central directory; `unzip`, and every tool that can seek,
 * read the central directory instead. An archive where the two disagree (an
 * entry the directory lists whose local header is not where the stream
 * reader looks, or a local entry the directory leaves out) shows one set of
 * members to tfaudit and another to the people and tools reading it after.
 * The reader compares the number of entries it read with the number the
 * end record states, which needs only the last bytes of the archive.
 */
#ifndef TFA_ZIP_END_H
#define TFA_ZIP_END_H

#include <stddef.h>
#include <stdint.h>

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

#endif
