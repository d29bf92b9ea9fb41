/*
 * local_file.h - read a small local file the remote layer depends on
 * (credentials.tfrc.json, a CA bundle) whole, with a size cap.
 */
#ifndef TFA_LOCAL_FILE_H
#define TFA_LOCAL_FILE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* Append the file to `out`. Errors name the path: TFA_ENOTFOUND, TFA_EIO,
 * TFA_ELIMIT (larger than `max` bytes), TFA_ENOMEM. */
int tfa_local_file_read(tfa_buf *out, const char *path, size_t max, tfa_error *err);

#endif
