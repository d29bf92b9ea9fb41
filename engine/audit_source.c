/*
 * audit_source.c - workspaces from a directory or an archive (see
 * audit_source.h).
 */
#include "util/compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "audit_source.h"
#include "net/s3.h"
#include "net/s3_walk.h"
#include "members.h"
#include "run_build.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/sort.h"

/* ---- directories ----------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(char ***out, size_t *n, const char *dir, tfa_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **v = NULL;
    size_t cap = 0;

    *n = 0;
    if (!d) {
        tfa_error_set_source(err, dir);
        return tfa_error_set(err, TFA_EIO, "cannot read directory: %s", strerror(errno));
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden folders such as .tfaudit */
        if (*n == cap) {
            char **nv = tfa_realloc(v, (cap = cap ? cap * 2 : 32) * sizeof(*nv));
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[*n] = tfa_strdup(e->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    *out = v;
    if (e != NULL)
        return tfa_error_oom(err);
    tfa_sort(v, *n, sizeof(*v), by_name);
    return 0;
}

/* Is `target` (a resolved path) `root` or under it? */
static int is_under(const char *target, const char *root)
{
    size_t n = strlen(root);
    if (strncmp(target, root, n) != 0)
        return 0;
    return target[n] == '\0' || target[n] == '/' || (n > 0 && root[n - 1] == '/');
}

/*
 * A top-level symbolic link. One to a folder inside the source root is a
 * workspace, read through the link; one that leaves the root, dangles or
 * cannot be resolved is a workspace that cannot be read: never dropped. A
 * link to a file inside the root is a file (`*is_file`).
 */
static const char *link_verdict(const char *path, const char *root, int *is_file)
{
    char *target = realpath(path, NULL);
    const char *why = NULL;
    struct stat st;

    *is_file = 0;
    if (!target)
        return "symbolic link whose target cannot be resolved";
    if (!root || !is_under(target, root))
        why = "symbolic link to outside the audit source (links are followed only within it)";
    else if (stat(target, &st) != 0)
        why = "symbolic link whose target cannot be read";
    else if (!S_ISDIR(st.st_mode))
        *is_file = 1;
    free(target); /* realpath's malloc */
    return why;
}

static int add_dir(tfa_audit *audit, const char *dir, tfa_run *notes, tfa_error *err)
{
    char **names = NULL, *root = realpath(dir, NULL);
    size_t n = 0, i, found = 0;
    tfa_buf path;
    int rc;

    tfa_buf_init(&path, TFA_BUF_NO_MAX);
    rc = list_dir(&names, &n, dir, err);
    for (i = 0; rc == 0 && i < n; i++) {
        tfa_audit_workspace ws;
        struct stat st;
        const char *why = NULL;
        int is_file = 0;
        tfa_buf_clear(&path);
        tfa_buf_printf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        if (tfa_buf_status(&path)) {
            rc = tfa_error_oom(err);
            break;
        }
        if (lstat(path.ptr, &st) != 0)
            why = "cannot be read";
        else if (S_ISLNK(st.st_mode))
            why = link_verdict(path.ptr, root, &is_file);
        else if (!S_ISDIR(st.st_mode))
            is_file = 1;
        if (is_file) {
            if (tfa_run_add_path_note(notes, path.ptr, "skipped: not in a workspace folder") != 0)
                rc = tfa_error_oom(err);
            continue;
        }
        memset(&ws, 0, sizeof(ws));
        ws.name = names[i];
        ws.unreadable = why;
        ws.unreadable_path = path.ptr;
        if (!why && (!(ws.inputs = tfa_calloc(1, sizeof(*ws.inputs))) ||
                     !(ws.inputs[0].path = tfa_strdup(path.ptr)))) {
            tfa_free(ws.inputs);
            rc = tfa_error_oom(err);
            break;
        }
        ws.n_inputs = why ? 0 : 1;
        rc = tfa_audit_add_take(audit, &ws, err);
        found++;
    }
    for (i = 0; i < n; i++)
        tfa_free(names[i]);
    tfa_free(names);
    free(root); /* realpath's malloc */
    tfa_buf_release(&path);
    if (rc == 0 && found == 0) {
        tfa_error_set_source(err, dir);
        rc = tfa_error_set(err, TFA_EINPUT, "no workspace folder in this directory");
    }
    return rc;
}

/* ---- archives ---------------------------------------------------------------------- */

typedef struct grouping {
    tfa_audit *audit;
    tfa_run *notes;
    tfa_buf ws;              /* the workspace being collected */
    tfa_audit_input *inputs; /* its members, bytes in memory */
    size_t n, cap;
    char **done; /* workspaces already handed over */
    size_t n_done, cap_done;
    size_t found;
} grouping;

static void drop_inputs(grouping *g)
{
    tfa_audit_inputs_free(g->inputs, g->n);
    g->inputs = NULL, g->n = 0, g->cap = 0;
}

/* Hand the collected workspace to the audit (which takes the bytes). */
static int flush(grouping *g, tfa_error *err)
{
    tfa_audit_workspace ws;
    int rc;

    if (g->ws.len == 0)
        return 0;
    memset(&ws, 0, sizeof(ws));
    ws.name = g->ws.ptr;
    ws.inputs = g->inputs;
    ws.n_inputs = g->n;
    g->inputs = NULL, g->n = 0, g->cap = 0; /* the audit's now */
    rc = tfa_audit_add_take(g->audit, &ws, err);
    if (g->n_done == g->cap_done) {
        size_t cap = g->cap_done ? g->cap_done * 2 : 64;
        char **v = tfa_realloc(g->done, cap * sizeof(*v));
        if (!v)
            return tfa_error_oom(err);
        g->done = v, g->cap_done = cap;
    }
    if (!(g->done[g->n_done] = tfa_strdup(g->ws.ptr)))
        return tfa_error_oom(err);
    g->n_done++;
    g->found++;
    tfa_buf_clear(&g->ws);
    return rc;
}

static int seen_before(const grouping *g, const char *ws, size_t len)
{
    size_t i;
    for (i = 0; i < g->n_done; i++)
        if (strlen(g->done[i]) == len && memcmp(g->done[i], ws, len) == 0)
            return 1;
    return 0;
}

/* The member's bytes, raw (the gate's loader decodes and detects them). */
static int slurp(tfa_stream *s, tfa_audit_input *in, tfa_error *err)
{
    tfa_buf b;
    char chunk[64 * 1024];
    long long n;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    while ((n = tfa_stream_read_raw(s, chunk, sizeof(chunk), err)) > 0)
        if (tfa_buf_put(&b, chunk, (size_t)n) != 0) {
            tfa_buf_release(&b);
            return tfa_error_oom(err);
        }
    if (n < 0) {
        tfa_buf_release(&b);
        return (int)n;
    }
    in->data = tfa_buf_detach(&b, &in->len);
    return in->data ? 0 : tfa_error_oom(err);
}

static int member(void *payload, const char *name, const char *path, tfa_stream *s,
                  const char *refused, tfa_error *err)
{
    grouping *g = payload;
    const char *slash = strchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;
    tfa_audit_input *in;
    int rc;

    if (!slash || slash[1] == '\0')
        return tfa_run_add_path_note(g->notes, name, "skipped: not in a workspace folder")
                   ? tfa_error_oom(err)
                   : 0;
    if (g->ws.len != len || memcmp(g->ws.ptr, path, len) != 0) {
        if ((rc = flush(g, err)) != 0)
            return rc;
        if (seen_before(g, path, len)) {
            tfa_error_set_source(err, name);
            return tfa_error_set(err, TFA_EINPUT,
                                 "workspace '%.*s' has members apart in the archive; write the "
                                 "archive one workspace folder after another",
                                 (int)len, path);
        }
        if (tfa_buf_put(&g->ws, path, len) != 0)
            return tfa_error_oom(err);
    }
    if (tfa_array_grow(&g->inputs, &g->cap, g->n + 1, sizeof(*g->inputs)) != 0)
        return tfa_error_oom(err);
    in = &g->inputs[g->n];
    memset(in, 0, sizeof(*in));
    in->member = 1;
    if (!(in->name = tfa_strdup(name)))
        return tfa_error_oom(err);
    g->n++;
    if (refused) /* the workspace's gate refuses it (or skips it: --skip-unknown) */
        return (in->refused = tfa_strdup(refused)) ? 0 : tfa_error_oom(err);
    return slurp(s, in, err);
}

static int add_archive(tfa_audit *audit, const char *path, const tfa_load_options *lo,
                       tfa_run *notes, tfa_error *err)
{
    grouping g;
    size_t i;
    int rc;

    memset(&g, 0, sizeof(g));
    g.audit = audit;
    g.notes = notes;
    tfa_buf_init(&g.ws, TFA_BUF_NO_MAX);
    rc = tfa_archive_each(path, lo, notes, member, &g, err);
    if (rc == 0)
        rc = flush(&g, err);
    if (rc == 0 && g.found == 0) {
        tfa_error_set_source(err, path);
        rc = tfa_error_set(err, TFA_EINPUT, "no workspace folder in this archive");
    }
    drop_inputs(&g);
    for (i = 0; i < g.n_done; i++)
        tfa_free(g.done[i]);
    tfa_free(g.done);
    tfa_buf_release(&g.ws);
    return rc;
}

/* One S3 workspace: the objects of `keys` [from, to), all under
 * PREFIX/<ws>/, as s3:// paths: the worker that gates it reads them
 * (tfa_audit_fetch_inputs), the gate's remote loader any it leaves. */
static int add_s3_workspace(tfa_audit *audit, const char *bucket, const tfa_s3_listing *l,
                            size_t from, size_t to, const char *ws, tfa_error *err)
{
    tfa_audit_workspace w;
    size_t i;

    memset(&w, 0, sizeof(w));
    w.name = ws;
    if (!(w.inputs = tfa_calloc(to - from, sizeof(*w.inputs))))
        return tfa_error_oom(err);
    w.n_inputs = to - from; /* all of them, so a failed one is released below */
    for (i = from; i < to; i++) {
        size_t n = strlen(bucket) + strlen(l->keys[i]) + 7;
        if (!(w.inputs[i - from].path = tfa_malloc(n)))
            break;
        snprintf(w.inputs[i - from].path, n, "s3://%s/%s", bucket, l->keys[i]);
    }
    if (i < to) {
        tfa_audit_inputs_free(w.inputs, w.n_inputs);
        return tfa_error_oom(err);
    }
    return tfa_audit_add_take(audit, &w, err);
}

/* s3://BUCKET/PREFIX/: ListObjectsV2 is in key order, so a workspace's
 * objects are contiguous, as in a sorted directory walk. */
static int add_s3(tfa_audit *audit, const char *url, const tfa_remote_options *ro, tfa_run *notes,
                  tfa_error *err)
{
    tfa_s3_options so;
    tfa_s3_listing l = {NULL, NULL, 0};
    char *bucket = NULL, *prefix = NULL, ws[256];
    size_t i, start = 0, plen, found = 0;
    tfa_s3 *s3 = NULL;
    int rc;

    if (!ro)
        return tfa_error_set(err, TFA_EUSAGE, "s3:// sources need network options");
    so.http = ro->http, so.env = ro->env, so.endpoint = ro->s3_endpoint;
    if ((rc = tfa_s3_url_parse(&bucket, &prefix, url, err)) != 0)
        goto done;
    plen = strlen(prefix);
    if (plen && prefix[plen - 1] != '/') {
        tfa_error_set_source(err, url);
        rc = tfa_error_set(err, TFA_EUSAGE, "an audit source is a prefix: end it with '/'");
        goto done;
    }
    if ((rc = tfa_s3_new(&s3, &so, err)) != 0 || (rc = tfa_s3_list(&l, s3, bucket, prefix, err)))
        goto done;
    for (i = 0; i <= l.n && rc == 0; i++) {
        const char *rel = i < l.n ? l.keys[i] + plen : NULL, *slash = rel ? strchr(rel, '/') : NULL;
        size_t wl = slash ? (size_t)(slash - rel) : 0;
        /* close the open workspace when the first component changes */
        if (start < i && (!rel || !slash || strlen(ws) != wl || strncmp(ws, rel, wl) != 0)) {
            rc = add_s3_workspace(audit, bucket, &l, start, i, ws, err);
            found++;
            start = i;
        }
        if (!rel || rc)
            continue;
        if (!slash || wl == 0 || wl >= sizeof(ws) || rel[strlen(rel) - 1] == '/') {
            char note[1024];
            snprintf(note, sizeof(note), "s3://%s/%s", bucket, l.keys[i]);
            if (tfa_run_add_path_note(notes, note, "skipped: not in a workspace folder") != 0)
                rc = tfa_error_oom(err);
            start = i + 1;
            continue;
        }
        if (start == i) {
            memcpy(ws, rel, wl);
            ws[wl] = '\0';
        }
    }
    if (rc == 0 && found == 0) {
        tfa_error_set_source(err, url);
        rc = tfa_error_set(err, TFA_EINPUT, "no workspace folder under this prefix");
    }
done:
    tfa_s3_listing_release(&l);
    tfa_s3_free(s3);
    tfa_free(bucket);
    tfa_free(prefix);
    return rc;
}

int tfa_audit_source_add(tfa_audit *audit, const char *arg, const tfa_load_options *lo,
                         const tfa_remote_options *remote, tfa_run *notes, tfa_error *err)
{
    struct stat st;

    if (strncmp(arg, "s3://", 5) == 0)
        return add_s3(audit, arg, remote, notes, err);

    if (stat(arg, &st) != 0) {
        tfa_error_set_source(err, arg);
        return tfa_error_set(err, TFA_ENOTFOUND, "no such file or directory");
    }
    if (S_ISDIR(st.st_mode))
        return add_dir(audit, arg, notes, err);
    return add_archive(audit, arg, lo, notes, err);
}

/* ---- s3:// objects, read by the audit's workers ----------------------------------- */

static tfa_s3 *fetch_client(tfa_audit_fetch *f, const tfa_remote_options *remote)
{
    tfa_s3_options so;

    if (!f->s3 && !f->failed) {
        so.http = remote->http, so.env = remote->env, so.endpoint = remote->s3_endpoint;
        tfa_error_init(&f->err);
        f->failed = tfa_s3_new(&f->s3, &so, &f->err) != 0;
    }
    return f->s3;
}

/* One input: 0 read into memory, 1 left as it is, or a status. */
static int fetch_one(tfa_audit_fetch *f, const tfa_remote_options *remote, tfa_audit_input *in,
                     size_t max, tfa_error *err)
{
    char *bucket = NULL, *key = NULL;
    void *data = NULL;
    size_t len = 0, kl;
    tfa_error perr;
    int rc = 1;

    tfa_error_init(&perr);
    if (!in->path || !tfa_s3_is_url(in->path) || !remote)
        return 1;
    if (tfa_s3_url_parse(&bucket, &key, in->path, &perr) != 0)
        goto done; /* the gate's loader says what is wrong with it */
    kl = strlen(key);
    if (kl == 0 || key[kl - 1] == '/')
        goto done; /* a prefix: the loader lists and streams it */
    if (!fetch_client(f, remote)) {
        *err = f->err;
        rc = err->status;
        goto done;
    }
    if ((rc = tfa_s3_get_small(&data, &len, f->s3, bucket, key, in->path, max, err)) == 0) {
        in->name = in->path;
        in->path = NULL;
        in->data = data;
        in->len = len;
        in->member = 1; /* as the loader reads the objects of a prefix */
    }
done:
    tfa_free(bucket);
    tfa_free(key);
    return rc;
}

size_t tfa_audit_fetch_inputs(tfa_audit_fetch *f, const tfa_remote_options *remote,
                              tfa_audit_input *in, size_t n_in, tfa_error *err)
{
    size_t i, budget = TFA_AUDIT_FETCH_BYTES;
    int rc;

    for (i = 0; i < n_in && budget > 0; i++) {
        size_t max = budget < TFA_S3_CHUNK_BYTES ? budget : TFA_S3_CHUNK_BYTES;
        if ((rc = fetch_one(f, remote, &in[i], max, err)) == 1)
            continue;
        if (rc != 0)
            return i;
        budget -= in[i].len;
    }
    return n_in;
}

void tfa_audit_fetch_release(tfa_audit_fetch *f)
{
    tfa_s3_free(f->s3);
    memset(f, 0, sizeof(*f));
}
