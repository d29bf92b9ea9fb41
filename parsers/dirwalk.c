/*
 * dirwalk.c - a directory as an input (see dirwalk.h for the rules).
 */
#include "util/compat.h"

#include "util/sort.h"

#include <dirent.h>
#include <sys/stat.h>

#include "dirwalk.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static void names_release(name_list *ns)
{
    size_t i;
    for (i = 0; i < ns->n; i++)
        tfa_free(ns->v[i]);
    tfa_free(ns->v);
}

static int names_push(name_list *ns, const char *name)
{
    if (tfa_array_grow(&ns->v, &ns->cap, ns->n + 1, sizeof(*ns->v)) != 0)
        return TFA_ENOMEM;
    if (!(ns->v[ns->n] = tfa_strdup(name)))
        return TFA_ENOMEM;
    ns->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of `dir` but "." and "..", in strcmp order (readdir's order
 * depends on the file system, so it cannot be reported as is). */
static int list_dir(name_list *ns, const char *dir, tfa_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        tfa_error_set_source(err, dir);
        return tfa_error_set(err, TFA_EIO, "cannot read directory: %s", strerror(errno));
    }
    errno = 0;
    while (rc == 0 && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = names_push(ns, e->d_name) ? tfa_error_oom(err) : 0;
    if (rc == 0 && errno != 0) {
        tfa_error_set_source(err, dir);
        rc = tfa_error_set(err, TFA_EIO, "cannot read directory: %s", strerror(errno));
    }
    closedir(d);
    if (rc == 0 && ns->n > 1)
        tfa_sort(ns->v, ns->n, sizeof(*ns->v), by_name);
    return rc;
}

static int walk(tfa_load *ld, tfa_buf *path, tfa_error *err);

/* One directory entry, by what lstat says it is (links are not followed). */
static int visit(tfa_load *ld, tfa_buf *path, tfa_error *err)
{
    tfa_stream *in = NULL;
    struct stat st;
    int rc;

    if (lstat(path->ptr, &st) != 0) {
        tfa_error_set_source(err, path->ptr);
        return tfa_error_set(err, TFA_EIO, "cannot read: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return walk(ld, path, err);
    if (S_ISLNK(st.st_mode))
        return tfa_load_refuse(ld, path->ptr,
                               "symbolic link (a directory walk never follows links: name its "
                               "target to read it)",
                               err);
    if (!S_ISREG(st.st_mode))
        return tfa_load_refuse(ld, path->ptr, "not a regular file", err);
    if ((rc = tfa_stream_open_path(&in, path->ptr, err)) == 0)
        rc = tfa_load_stream(ld, in, err);
    tfa_stream_free(in);
    return rc;
}

static int walk(tfa_load *ld, tfa_buf *path, tfa_error *err)
{
    name_list ns = {NULL, 0, 0};
    size_t base = path->len, i;
    int rc = list_dir(&ns, path->ptr, err);

    for (i = 0; rc == 0 && i < ns.n; i++) {
        tfa_buf_truncate(path, base);
        if (base == 0 || path->ptr[base - 1] != '/')
            tfa_buf_putc(path, '/');
        tfa_buf_puts(path, ns.v[i]);
        rc = tfa_buf_status(path) ? tfa_error_oom(err) : visit(ld, path, err);
    }
    tfa_buf_truncate(path, base);
    names_release(&ns);
    return rc;
}

int tfa_dir_load(tfa_load *ld, const char *path, tfa_error *err)
{
    int member = ld->member, rc;
    tfa_buf p;

    tfa_buf_init(&p, TFA_BUF_NO_MAX);
    ld->member = 1;
    rc = tfa_buf_puts(&p, path) ? tfa_error_oom(err) : walk(ld, &p, err);
    ld->member = member;
    if (rc == 0)
        rc = tfa_load_require_input(ld, path, "directory", err);
    tfa_buf_release(&p);
    return rc;
}
