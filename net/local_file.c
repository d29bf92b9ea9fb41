/*
 * local_file.c - capped whole-file reads (see local_file.h).
 */
#include "util/compat.h"

#include "net/local_file.h"

int tfa_local_file_read(tfa_buf *out, const char *path, size_t max, tfa_error *err)
{
    char chunk[16384];
    size_t start = out->len, n;
    FILE *f = fopen(path, "rb");
    int rc = 0;

    if (!f) {
        tfa_error_set_source(err, path);
        return tfa_error_set(err, errno == ENOENT ? TFA_ENOTFOUND : TFA_EIO, "cannot open: %s",
                             strerror(errno));
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len - start + n > max) {
            tfa_error_set_source(err, path);
            rc = tfa_error_set(err, TFA_ELIMIT, "larger than %zu bytes", max);
            goto done;
        }
        if (tfa_buf_put(out, chunk, n) != 0) {
            rc = tfa_error_oom(err);
            goto done;
        }
    }
    if (ferror(f)) {
        tfa_error_set_source(err, path);
        rc = tfa_error_set(err, TFA_EIO, "cannot read");
    }
done:
    fclose(f);
    return rc;
}
