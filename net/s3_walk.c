/*
 * s3_walk.c - the objects of an s3:// input (see s3_walk.h).
 */
#include "util/compat.h"

#include "net/s3_walk.h"
#include "util/alloc.h"
#include "util/sort.h"
#include "util/buf.h"

struct tfa_s3_walk {
    tfa_s3 *s3;
    char *bucket, *prefix;
    tfa_s3_listing list;
    size_t next, prefix_len;
    tfa_buf name;
};

static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tfa_s3_walk_open(tfa_s3_walk **out, tfa_s3 *s3, const char *url, tfa_error *err)
{
    tfa_s3_walk *w = tfa_calloc(1, sizeof(*w));
    size_t i, kept = 0;
    int rc;

    *out = NULL;
    if (!w)
        return tfa_error_oom(err);
    w->s3 = s3;
    tfa_buf_init(&w->name, TFA_BUF_NO_MAX);
    if ((rc = tfa_s3_url_parse(&w->bucket, &w->prefix, url, err)) != 0)
        goto fail;
    w->prefix_len = strlen(w->prefix);
    if (w->prefix_len && w->prefix[w->prefix_len - 1] != '/') {
        /* one object: a listing of one, without asking for one */
        w->list.keys = tfa_calloc(1, sizeof(char *));
        w->list.sizes = tfa_calloc(1, sizeof(uint64_t));
        if (!w->list.keys || !w->list.sizes || !(w->list.keys[0] = tfa_strdup(w->prefix))) {
            rc = tfa_error_oom(err);
            goto fail;
        }
        w->list.n = 1;
        w->list.sizes[0] = UINT64_MAX; /* not listed: unknown */
        w->prefix_len = 0;
        *out = w;
        return 0;
    }
    if ((rc = tfa_s3_list(&w->list, s3, w->bucket, w->prefix, err)) != 0)
        goto fail;
    for (i = 0; i < w->list.n; i++) { /* folder markers hold nothing */
        size_t n = strlen(w->list.keys[i]);
        if (n && w->list.keys[i][n - 1] == '/') {
            tfa_free(w->list.keys[i]);
            continue;
        }
        w->list.keys[kept] = w->list.keys[i];
        w->list.sizes[kept++] = w->list.sizes[i];
    }
    w->list.n = kept;
    /* S3 lists in this order already; S3-compatible stores may not */
    tfa_sort(w->list.keys, kept, sizeof(char *), by_key);
    *out = w;
    return 0;
fail:
    tfa_s3_walk_free(w);
    return rc;
}

size_t tfa_s3_walk_count(const tfa_s3_walk *w)
{
    return w->list.n;
}

int tfa_s3_walk_next(tfa_s3_walk *w, const char **name, tfa_stream **stream, tfa_error *err)
{
    const char *key;
    int rc;

    *name = NULL;
    *stream = NULL;
    if (w->next >= w->list.n)
        return 0;
    key = w->list.keys[w->next++];
    tfa_buf_clear(&w->name);
    if (tfa_buf_printf(&w->name, "s3://%s/%s", w->bucket, key) != 0)
        return tfa_error_oom(err);
    if ((rc = tfa_s3_open_sized(stream, w->s3, w->bucket, key, w->name.ptr,
                                w->list.sizes[w->next - 1], err)) != 0)
        return rc;
    *name = w->name.ptr;
    return 1;
}

const char *tfa_s3_walk_rel(const tfa_s3_walk *w)
{
    if (w->next == 0 || w->next > w->list.n)
        return "";
    return w->list.keys[w->next - 1] + w->prefix_len;
}

void tfa_s3_walk_free(tfa_s3_walk *w)
{
    if (!w)
        return;
    tfa_s3_listing_release(&w->list);
    tfa_free(w->bucket);
    tfa_free(w->prefix);
    tfa_buf_release(&w->name);
    tfa_free(w);
}
