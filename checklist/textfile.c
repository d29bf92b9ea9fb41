/*
 * textfile.c - whole small text files (see textfile.h).
 */
#include "util/compat.h"

#include "stream.h"
#include "textfile.h"

int tfa_textfile_read(const char *path, size_t max, tfa_buf *out,
                      unsigned char sha256[TFA_SHA256_BYTES], tfa_error *err)
{
    tfa_stream *in = NULL;
    char chunk[16384];
    long long n;
    int rc;

    tfa_buf_clear(out);
    if ((rc = tfa_stream_open_path(&in, path, err)) != 0)
        return rc;
    while ((n = tfa_stream_read(in, chunk, sizeof(chunk), err)) > 0) {
        if (out->len + (size_t)n > max) {
            tfa_error_set_source(err, path);
            rc = tfa_error_set(err, TFA_ELIMIT, "larger than %zu bytes", max);
            goto done;
        }
        if (tfa_buf_put(out, chunk, (size_t)n) != 0) {
            rc = tfa_error_oom(err);
            goto done;
        }
    }
    if (n < 0) {
        rc = (int)n;
        goto done;
    }
    if (memchr(out->ptr, '\0', out->len)) {
        tfa_error_set_source(err, path);
        rc = tfa_error_set(err, TFA_EINPUT, "not a text file (NUL byte)");
        goto done;
    }
    tfa_stream_digest(in, sha256);
done:
    tfa_stream_free(in);
    return rc;
}
