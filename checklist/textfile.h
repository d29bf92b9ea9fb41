/*
 * textfile.h - read a whole small text file (checklist, waivers) through the
 * parsers' stream, so encodings (BOM, UTF-16) and digests are handled the
 * way they are for every other input.
 */
#ifndef TFA_TEXTFILE_H
#define TFA_TEXTFILE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/sha256.h"

/*
 * Read `path` ("-" for standard input) decoded to UTF-8 into `out` (cleared
 * first), at most `max` bytes, and the SHA-256 of its raw bytes into
 * `sha256`. Errors, with `err` naming the file: TFA_ENOTFOUND, TFA_EIO,
 * TFA_ELIMIT (larger than max), TFA_EINPUT (a NUL byte: not text),
 * TFA_ENOMEM.
 */
int tfa_textfile_read(const char *path, size_t max, tfa_buf *out,
                      unsigned char sha256[TFA_SHA256_BYTES], tfa_error *err);

#endif
