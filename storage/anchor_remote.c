/*
 * anchor_remote.c - anchors in a git repository and in S3 (see anchor.h).
 */
#include "util/compat.h"

#include <sys/stat.h>

#include <git2.h>

#include "anchor_priv.h"
#include "git_evidence.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

int tfa__anchor_is_git(const char *path)
{
    char probe[PATH_MAX];
    struct stat st;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (snprintf(probe, sizeof(probe), "%s/.git", path) < (int)sizeof(probe) &&
        stat(probe, &st) == 0)
        return 1;
    /* a bare repository */
    return snprintf(probe, sizeof(probe), "%s/HEAD", path) < (int)sizeof(probe) &&
           stat(probe, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- git ------------------------------------------------------------------ */

/* anchors/LEDGER/SEQ.json: one directory per ledger, names sort by seq. */
static int anchor_path(tfa_buf *out, const tfa_anchor *a)
{
    tfa_buf_printf(out, "%s/%.16s/%012lld.json", TFA_ANCHOR_DIR, a->ledger, (long long)a->seq);
    return tfa_buf_status(out);
}

int tfa__anchor_git_write(tfa_anchor *a, const tfa_buf *line, const char *repo,
                          const tfa_anchor_options *opts, tfa_error *err)
{
    tfa_git_evidence_options go = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result res;
    tfa_git_file file;
    tfa_buf path, msg;
    int rc;

    tfa_buf_init(&path, TFA_BUF_NO_MAX);
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    go.branch = opts->git_branch;
    go.operator_name = opts->operator_name;
    tfa_buf_printf(&msg, "tfaudit: anchor ledger head %lld\n\nLedger: %s\nRecord: %lld sha256:%s\n",
                   (long long)a->seq, a->ledger, (long long)a->seq, a->hash);
    if (a->key_id[0])
        tfa_buf_printf(&msg, "Signed-by: %s\n", a->key_id);
    if (anchor_path(&path, a) != 0 || tfa_buf_status(&msg) != 0)
        return tfa_error_oom(err);
    file.path = path.ptr;
    file.data = line->ptr;
    file.len = line->len;
    rc = tfa_git_evidence_commit_files(&res, repo, &file, 1, msg.ptr, a->time, &go, err);
    if (rc == 0)
        snprintf(a->source, sizeof(a->source), "%s@%.12s:%s", repo, res.commit, path.ptr);
    tfa_git_evidence_result_release(&res);
    tfa_buf_release(&path);
    tfa_buf_release(&msg);
    return rc;
}

typedef struct git_walk {
    git_repository *repo;
    tfa_anchor_set *set;
    const tfa_keyring *trusted;
    const char *repo_path, *commit;
    tfa_error *err;
    int rc;
} git_walk;

static int git_visit(const char *root, const git_tree_entry *te, void *payload)
{
    git_walk *w = payload;
    git_blob *blob = NULL;
    char name[TFA_ANCHOR_SOURCE_MAX];
    const char *file = git_tree_entry_name(te);
    size_t n = strlen(file);

    if (git_tree_entry_type(te) != GIT_OBJECT_BLOB || n < 5 || strcmp(file + n - 5, ".json") != 0)
        return 0;
    snprintf(name, sizeof(name), "%s@%.12s:%s/%s%s", w->repo_path, w->commit, TFA_ANCHOR_DIR, root,
             file);
    if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(te)) != 0) {
        w->rc = tfa_error_set(w->err, TFA_EIO, "%s: cannot read the anchor", name);
        return -1;
    }
    w->rc = tfa__anchor_read_lines(w->set, git_blob_rawcontent(blob),
                                   (size_t)git_blob_rawsize(blob), name, w->trusted, w->err);
    git_blob_free(blob);
    return w->rc ? -1 : 0;
}

int tfa__anchor_git_read(tfa_anchor_set *set, const char *repo, const tfa_anchor_options *opts,
                         tfa_error *err)
{
    const char *branch = opts->git_branch ? opts->git_branch : TFA_GIT_EVIDENCE_BRANCH;
    char refname[512], hex[TFA_GIT_OID_HEX];
    git_walk w = {NULL, set, opts->trusted, repo, hex, err, 0};
    git_object *obj = NULL;
    git_tree *tree = NULL;
    git_tree_entry *dir = NULL;
    int rc = 0;

    git_libgit2_init();
    snprintf(refname, sizeof(refname), "refs/heads/%s", branch);
    if (git_repository_open_ext(&w.repo, repo, 0, NULL) != 0) {
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no git repository at or above '%s'", repo);
        goto done;
    }
    if (git_revparse_single(&obj, w.repo, refname) != 0 ||
        git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) != 0) {
        rc =
            tfa_error_set(err, TFA_ENOTFOUND, "'%s' has no branch '%s' with anchors", repo, branch);
        goto done;
    }
    git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
    if (git_tree_entry_bypath(&dir, tree, TFA_ANCHOR_DIR) != 0) {
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no %s/ on branch '%s' of '%s'", TFA_ANCHOR_DIR,
                           branch, repo);
        goto done;
    }
    git_tree_free(tree);
    tree = NULL;
    if (git_tree_lookup(&tree, w.repo, git_tree_entry_id(dir)) != 0) {
        rc = tfa_error_set(err, TFA_EIO, "'%s': cannot read %s/", repo, TFA_ANCHOR_DIR);
        goto done;
    }
    if (git_tree_walk(tree, GIT_TREEWALK_PRE, git_visit, &w) != 0 && w.rc == 0)
        rc = tfa_error_set(err, TFA_EIO, "'%s': cannot walk %s/", repo, TFA_ANCHOR_DIR);
    rc = rc ? rc : w.rc;
done:
    git_error_clear();
    git_tree_entry_free(dir);
    git_tree_free(tree);
    git_object_free(obj);
    git_repository_free(w.repo);
    git_libgit2_shutdown();
    return rc;
}

/* ---- S3 ------------------------------------------------------------------- */

/*
 * Does the bucket have Object Lock on, and no default retention of its
 * own? Then each anchor gets TFA_ANCHOR_RETENTION_DAYS of COMPLIANCE
 * retention. With a default retention S3 applies it to every object
 * already; without Object Lock (or when the bucket does not say, as many
 * S3-compatible stores do not) nothing is asked that would be refused.
 */
static int retention_for(tfa_s3 *s3, const char *bucket, int64_t now, char out[TFA_UTC_ISO_SIZE])
{
    tfa_http_response res;
    tfa_error ignored;
    const char *body;

    out[0] = '\0';
    tfa_http_response_init(&res);
    tfa_error_init(&ignored);
    if (tfa_s3_request(s3, &res, "GET", bucket, "", "object-lock=", NULL, NULL, 0, &ignored) == 0) {
        body = res.body.ptr;
        if (strstr(body, "<ObjectLockEnabled>Enabled</ObjectLockEnabled>") &&
            !strstr(body, "<DefaultRetention>"))
            tfa_utc_format_iso(now + (int64_t)TFA_ANCHOR_RETENTION_DAYS * 86400, out);
    }
    tfa_http_response_release(&res);
    return 0;
}

static int s3_target(const char *url, const tfa_anchor_options *opts, tfa_s3 **s3, char **bucket,
                     char **prefix, tfa_error *err)
{
    int rc;
    *s3 = NULL;
    *bucket = *prefix = NULL;
    if (!opts->s3)
        return tfa_error_set(err, TFA_EUSAGE, "'%s': s3:// anchors are not available here", url);
    if ((rc = tfa_s3_url_parse(bucket, prefix, url, err)) != 0 ||
        (rc = tfa_s3_new(s3, opts->s3, err)) != 0)
        return rc;
    return 0;
}

int tfa__anchor_s3_write(tfa_anchor *a, const tfa_buf *line, const char *url,
                         const tfa_anchor_options *opts, tfa_error *err)
{
    char retain[TFA_UTC_ISO_SIZE] = "";
    tfa_s3_put_options put;
    tfa_s3_upload *up = NULL;
    tfa_s3_put_result pr;
    char *bucket = NULL, *prefix = NULL;
    tfa_s3 *s3 = NULL;
    tfa_buf key;
    int rc;

    memset(&put, 0, sizeof(put));
    tfa_buf_init(&key, TFA_BUF_NO_MAX);
    if ((rc = s3_target(url, opts, &s3, &bucket, &prefix, err)) != 0)
        goto done;
    tfa_buf_puts(&key, prefix);
    if (key.len && key.ptr[key.len - 1] != '/')
        tfa_buf_putc(&key, '/');
    if (anchor_path(&key, a) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    retention_for(s3, bucket, opts->now, retain);
    put.content_type = "application/json";
    put.retain_until = retain[0] ? retain : NULL;
    if ((rc = tfa_s3_upload_new(&up, s3, bucket, key.ptr, &put, err)) != 0 ||
        (rc = tfa_s3_upload_write(up, line->ptr, line->len, err)) != 0 ||
        (rc = tfa_s3_upload_finish(up, &pr, err)) != 0)
        goto done;
    snprintf(a->source, sizeof(a->source), "s3://%s/%s%s", bucket, key.ptr,
             retain[0] ? " (retained)" : "");
done:
    tfa_s3_upload_free(up);
    tfa_s3_free(s3);
    tfa_free(bucket);
    tfa_free(prefix);
    tfa_buf_release(&key);
    return rc;
}

int tfa__anchor_s3_read(tfa_anchor_set *set, const char *url, const tfa_anchor_options *opts,
                        tfa_error *err)
{
    char *bucket = NULL, *prefix = NULL, name[TFA_ANCHOR_SOURCE_MAX], chunk[8192];
    tfa_s3_listing list;
    tfa_stream *st = NULL;
    tfa_s3 *s3 = NULL;
    tfa_buf text;
    size_t i;
    int rc;

    memset(&list, 0, sizeof(list));
    tfa_buf_init(&text, TFA_LIMIT_ANCHOR_FILE_BYTES);
    if ((rc = s3_target(url, opts, &s3, &bucket, &prefix, err)) != 0 ||
        (rc = tfa_s3_list(&list, s3, bucket, prefix, err)) != 0)
        goto done;
    for (i = 0; rc == 0 && i < list.n; i++) {
        long long n;
        size_t len = strlen(list.keys[i]);
        if (len < 5 || strcmp(list.keys[i] + len - 5, ".json") != 0 ||
            !strstr(list.keys[i], TFA_ANCHOR_DIR "/"))
            continue;
        snprintf(name, sizeof(name), "s3://%s/%s", bucket, list.keys[i]);
        tfa_buf_clear(&text);
        if ((rc = tfa_s3_open(&st, s3, bucket, list.keys[i], name, err)) != 0)
            break;
        while ((n = tfa_stream_read_raw(st, chunk, sizeof(chunk), err)) > 0)
            if (tfa_buf_put(&text, chunk, (size_t)n) != 0)
                break;
        rc = n < 0 ? (int)n : tfa_buf_status(&text) ? tfa_error_oom(err) : 0;
        tfa_stream_free(st);
        st = NULL;
        rc = rc ? rc : tfa__anchor_read_lines(set, text.ptr, text.len, name, opts->trusted, err);
    }
done:
    tfa_s3_listing_release(&list);
    tfa_s3_free(s3);
    tfa_free(bucket);
    tfa_free(prefix);
    tfa_buf_release(&text);
    return rc;
}
