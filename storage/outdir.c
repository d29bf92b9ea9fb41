/*
 * outdir.c - confined, atomic file writes (see outdir.h).
 */
#include "util/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"
#include "util/alloc.h"

#define NAME_MAX_BYTES 128
#define TMP_TRIES      16

struct tfa_outdir {
    int fd;
    char *path;
    unsigned seq; /* temporary names */
};

int tfa_outdir_name_ok(const char *name)
{
    size_t i;
    if (!name || !*name || name[0] == '.' || strlen(name) > NAME_MAX_BYTES)
        return 0;
    for (i = 0; name[i]; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int tfa_outdir_open(tfa_outdir **out, const char *dir, tfa_error *err)
{
    tfa_outdir *d = tfa_calloc(1, sizeof(*d));

    *out = NULL;
    if (!d || !(d->path = tfa_strdup(dir))) {
        tfa_free(d);
        return tfa_error_oom(err);
    }
    d->fd = -1;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        tfa_error_set_source(err, dir);
        tfa_outdir_free(d);
        return tfa_error_set(err, TFA_EIO, "cannot create the directory: %s", strerror(errno));
    }
    d->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->fd < 0) {
        tfa_error_set_source(err, dir);
        tfa_error_set(err, TFA_EIO, "cannot open the directory: %s", strerror(errno));
        tfa_outdir_free(d);
        return err->status;
    }
    *out = d;
    return 0;
}

void tfa_outdir_free(tfa_outdir *d)
{
    if (!d)
        return;
    if (d->fd >= 0)
        close(d->fd);
    tfa_free(d->path);
    tfa_free(d);
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int io_error(tfa_outdir *d, const char *name, const char *what, tfa_error *err)
{
    char src[TFA_ERROR_SOURCE_MAX];
    snprintf(src, sizeof(src), "%s/%s", d->path, name);
    tfa_error_set_source(err, src);
    return tfa_error_set(err, TFA_EIO, "cannot %s: %s", what, strerror(errno));
}

int tfa_outdir_write(tfa_outdir *d, const char *name, const void *data, size_t len, tfa_error *err)
{
    char tmp[NAME_MAX_BYTES + 64];
    int fd = -1, i, rc = 0;

    if (!tfa_outdir_name_ok(name))
        return tfa_error_set(err, TFA_EUSAGE, "refusing to write a file named '%.80s'",
                             name ? name : "");
    for (i = 0; i < TMP_TRIES && fd < 0; i++) {
        snprintf(tmp, sizeof(tmp), ".tfaudit-%ld-%u-%s", (long)getpid(), d->seq++, name);
        fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            return io_error(d, name, "create", err);
    }
    if (fd < 0)
        return io_error(d, name, "create", err);
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0)
        rc = io_error(d, name, "write", err);
    if (close(fd) != 0 && rc == 0)
        rc = io_error(d, name, "write", err);
    if (rc == 0 && renameat(d->fd, tmp, d->fd, name) != 0)
        rc = io_error(d, name, "rename into place", err);
    if (rc)
        unlinkat(d->fd, tmp, 0);
    return rc;
}
