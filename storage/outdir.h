/*
 * outdir.h - write named files into one directory, and only there.
 *
 * For `tfaudit fetch --out DIR`: every file lands in DIR or nowhere.
 *  - a name is a plain file name: letters, digits, '.', '_' and '-', not
 *    starting with '.', at most 128 bytes; anything else (a '/', "..", a
 *    control character) is refused before the file system is touched;
 *  - each file is written to a fresh temporary name in DIR (O_EXCL,
 *    O_NOFOLLOW) and renamed over the target, so a reader never sees half a
 *    file and a symlink planted at DIR/NAME is replaced, never followed;
 *  - files are created 0600: a plan JSON holds sensitive values.
 */
#ifndef TFA_OUTDIR_H
#define TFA_OUTDIR_H

#include <stddef.h>

#include "util/error.h"

typedef struct tfa_outdir tfa_outdir;

/* Open DIR, creating it (0700, one level) when absent. Errors: TFA_EIO,
 * TFA_ENOMEM. */
int tfa_outdir_open(tfa_outdir **out, const char *dir, tfa_error *err);
void tfa_outdir_free(tfa_outdir *d);

/* Whether `name` is acceptable (see above). */
int tfa_outdir_name_ok(const char *name);

/* Write DIR/NAME. Errors: TFA_EUSAGE (a refused name), TFA_EIO, TFA_ENOMEM. */
int tfa_outdir_write(tfa_outdir *d, const char *name, const void *data, size_t len, tfa_error *err);

#endif
