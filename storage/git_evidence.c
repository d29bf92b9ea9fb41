/*
 * git_evidence.c - committing verdict evidence to an evidence branch with
 * libgit2, in memory (see git_evidence.h; the repository facts are in
 * git_state.c).
 *
 * One attempt: read the branch tip (or HEAD), read DIR/latest.json and the
 * rollout plan from it, load its tree into an index that lives only in
 * memory, add the new blobs, write the tree and the commit objects, then
 * move the branch if and only if it still points at the tip we read.
 * Objects written by an attempt that loses the race are unreachable and
 * pruned by git gc like any other loose garbage.
 */
#include "util/compat.h"

#include "util/sort.h"

#include <git2.h>

#include "git_evidence.h"
#include "git_identity.h"
#include "relpath.h"
#include "rollout_section.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/backoff.h"
#include "util/buf.h"

#define LATEST_JSON    "latest.json"
#define LATEST_FORMAT  "tfaudit-evidence-latest/1"
#define MAX_SAME_NAMES 1000 /* -2 .. -999 suffixes for one second's verdicts */

typedef struct job {
    git_repository *repo;
    const tfa_git_evidence *ev; /* NULL when committing plain files */
    const tfa_git_file *files;  /* tfa_git_evidence_commit_files: what to add */
    size_t n_files;
    const char *message;
    int64_t time;
    const tfa_git_evidence_options *o;
    const char *branch, *dir;
    const char *plan; /* the rollout plan, repository-relative; NULL for none */
    tfa_buf refname, plan_buf;
    git_signature *author, *committer;
} job;

/* One attempt's state, released after each attempt. */
typedef struct attempt {
    git_reference *tip_ref;
    git_commit *tip, *head;
    git_oid old;
    int has_old;
    tfa_buf md_path, json_path, latest, plan, message;
    json_t *latest_obj;
} attempt;

static int git_fail(tfa_error *err, int status, const char *what)
{
    const git_error *e = git_error_last();
    return tfa_error_set(err, status, "%s: %s", what, e && e->message ? e->message : "failed");
}

void tfa_git_evidence_from_record(tfa_git_evidence *ev, const tfa_ledger_record *rec)
{
    ev->time = rec->time;
    ev->workspace = rec->workspace;
    ev->verdict = rec->verdict;
    ev->record_json = rec->body;
    ev->record_len = rec->body_len;
    ev->record_id = rec->id;
    ev->record_hash = rec->hash;
}

void tfa_git_evidence_result_release(tfa_git_evidence_result *res)
{
    tfa_free(res->md_path);
    tfa_free(res->json_path);
    memset(res, 0, sizeof(*res));
}

/* ---- reading the base --------------------------------------------------- */

/* The blob at `path` in `commit`'s tree into `out`; TFA_ENOTFOUND if none. */
static int read_file(job *j, git_commit *commit, const char *path, tfa_buf *out,
                     git_filemode_t *mode, tfa_error *err)
{
    git_tree *tree = NULL;
    git_tree_entry *te = NULL;
    git_blob *blob = NULL;
    int rc = TFA_ENOTFOUND;

    if (!commit)
        return TFA_ENOTFOUND;
    if (git_commit_tree(&tree, commit) != 0)
        return git_fail(err, TFA_EIO, "cannot read a tree");
    if (git_tree_entry_bypath(&te, tree, path) == 0 && git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
        if (git_blob_lookup(&blob, j->repo, git_tree_entry_id(te)) != 0) {
            rc = git_fail(err, TFA_EIO, "cannot read a blob");
        } else {
            if (mode)
                *mode = git_tree_entry_filemode(te);
            rc = tfa_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))
                     ? tfa_error_oom(err)
                     : 0;
        }
    }
    git_blob_free(blob);
    git_tree_entry_free(te);
    git_tree_free(tree);
    return rc;
}

static int file_exists(job *j, git_commit *commit, const char *path)
{
    git_tree *tree = NULL;
    git_tree_entry *te = NULL;
    int found = commit && git_commit_tree(&tree, commit) == 0 &&
                git_tree_entry_bypath(&te, tree, path) == 0;
    (void)j;
    git_tree_entry_free(te);
    git_tree_free(tree);
    return found;
}

/* The branch tip (if any) and HEAD's commit (if any). */
static int read_base(job *j, attempt *a, tfa_error *err)
{
    git_object *peeled = NULL;
    git_reference *head = NULL;
    int rc = git_reference_lookup(&a->tip_ref, j->repo, j->refname.ptr);

    if (rc == 0) {
        a->old = *git_reference_target(a->tip_ref);
        a->has_old = 1;
        if (git_commit_lookup(&a->tip, j->repo, &a->old) != 0)
            return git_fail(err, TFA_EIO, "cannot read the evidence branch");
    } else if (rc != GIT_ENOTFOUND) {
        return git_fail(err, TFA_EIO, "cannot read the evidence branch");
    }
    rc = git_repository_head(&head, j->repo);
    if (rc == 0 && git_reference_peel(&peeled, head, GIT_OBJECT_COMMIT) == 0)
        a->head = (git_commit *)peeled;
    else if (rc != 0 && rc != GIT_EUNBORNBRANCH && rc != GIT_ENOTFOUND)
        rc = git_fail(err, TFA_EIO, "cannot read HEAD");
    else
        rc = 0;
    git_reference_free(head);
    git_error_clear();
    return rc;
}

/* DIR/WS/STAMP-VERDICT[-N].{md,json}, unique in the base tree. */
static int evidence_paths(job *j, attempt *a, git_commit *base, tfa_error *err)
{
    char stamp[TFA_UTC_COMPACT_SIZE];
    unsigned n;

    tfa_utc_format_compact(j->ev->time, stamp);
    for (n = 1; n < MAX_SAME_NAMES; n++) {
        tfa_buf_clear(&a->md_path);
        tfa_buf_printf(&a->md_path, "%s/%s/%s-%s", j->dir, j->ev->workspace, stamp, j->ev->verdict);
        if (n > 1)
            tfa_buf_printf(&a->md_path, "-%u", n);
        tfa_buf_clear(&a->json_path);
        tfa_buf_put(&a->json_path, a->md_path.ptr, a->md_path.len);
        tfa_buf_puts(&a->md_path, ".md");
        if (tfa_buf_puts(&a->json_path, ".json") || tfa_buf_status(&a->md_path))
            return tfa_error_oom(err);
        if (!file_exists(j, base, a->md_path.ptr) && !file_exists(j, base, a->json_path.ptr))
            return 0;
    }
    return tfa_error_set(err, TFA_ELIMIT, "more than %d verdicts for one workspace in one second",
                         MAX_SAME_NAMES);
}

/* ---- latest.json and the rollout table ----------------------------------- */

static int update_latest(job *j, attempt *a, git_commit *base, const char *latest_path,
                         tfa_error *err)
{
    char iso[TFA_UTC_ISO_SIZE];
    tfa_buf old;
    json_t *ws, *failing, *entry;
    size_t i;
    int rc;
    char *s;

    tfa_buf_init(&old, TFA_BUF_NO_MAX);
    rc = read_file(j, base, latest_path, &old, NULL, err);
    if (rc == 0)
        a->latest_obj = json_loadb(old.ptr, old.len, 0, NULL);
    tfa_buf_release(&old);
    if (rc && rc != TFA_ENOTFOUND)
        return rc;
    if (!json_is_object(a->latest_obj)) { /* absent, or not ours: start afresh */
        json_decref(a->latest_obj);
        a->latest_obj = json_pack("{s:s, s:{}}", "format", LATEST_FORMAT, "workspaces");
    }
    ws = json_object_get(a->latest_obj, "workspaces");
    if (!json_is_object(ws) && json_object_set_new(a->latest_obj, "workspaces", ws = json_object()))
        ws = NULL;
    failing = json_array(); /* made here: the returns above would leak it */
    /* an item that cannot be listed fails the file: never a latest.json
     * that shows a NO-GO with fewer failing items than it had */
    for (i = 0; failing && i < j->ev->n_failing; i++)
        if (json_array_append_new(failing, json_string(j->ev->failing[i])) != 0) {
            json_decref(failing);
            failing = NULL;
        }
    tfa_utc_format_iso(j->ev->time, iso);
    entry = json_pack("{s:s, s:s, s:o, s:s, s:I, s:s?}", "time", iso, "verdict", j->ev->verdict,
                      "failing", failing, "evidence", a->md_path.ptr, "record_id",
                      (json_int_t)j->ev->record_id, "record_hash", j->ev->record_hash);
    if (!a->latest_obj || !ws || !entry || json_object_set_new(ws, j->ev->workspace, entry))
        return tfa_error_oom(err);
    s = json_dumps(a->latest_obj, JSON_INDENT(2) | JSON_SORT_KEYS);
    rc = !s || tfa_buf_puts(&a->latest, s) || tfa_buf_putc(&a->latest, '\n');
    if (s) {
        json_malloc_t m;
        json_free_t f;
        json_get_alloc_funcs(&m, &f);
        f(s);
    }
    return rc ? tfa_error_oom(err) : 0;
}

/* A table cell: '|' escaped, no line breaks. */
static void cell(tfa_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            tfa_buf_puts(b, "\\|");
        else
            tfa_buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
    }
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One row: workspace, time, verdict, failing items, link. */
static void table_row(tfa_buf *body, const char *name, const json_t *e, size_t ups)
{
    const char *ev = json_string_value(json_object_get(e, "evidence"));
    const char *base = ev && strrchr(ev, '/') ? strrchr(ev, '/') + 1 : ev;
    const json_t *f;
    size_t i;

    tfa_buf_puts(body, "| ");
    cell(body, name);
    tfa_buf_puts(body, " | ");
    cell(body, json_string_value(json_object_get(e, "time")));
    tfa_buf_puts(body, " | ");
    cell(body, json_string_value(json_object_get(e, "verdict")));
    tfa_buf_puts(body, " | ");
    if (json_array_size(json_object_get(e, "failing")) == 0)
        tfa_buf_puts(body, "none");
    json_array_foreach(json_object_get(e, "failing"), i, f)
    {
        tfa_buf_puts(body, i ? ", `" : "`");
        cell(body, json_string_value(f));
        tfa_buf_putc(body, '`');
    }
    tfa_buf_puts(body, " | [");
    cell(body, base);
    tfa_buf_puts(body, "](");
    for (i = 0; i < ups; i++)
        tfa_buf_puts(body, "../");
    cell(body, ev);
    tfa_buf_puts(body, ") |\n");
}

/* The table, sorted by workspace, links relative to the plan's directory. */
static int rollout_table(job *j, attempt *a, tfa_buf *body, tfa_error *err)
{
    const json_t *ws = json_object_get(a->latest_obj, "workspaces"), *e;
    size_t i = 0, n = json_object_size(ws), ups = 0;
    const char **names = tfa_calloc(n ? n : 1, sizeof(*names));
    const char *name, *p;

    if (!names)
        return tfa_error_oom(err);
    for (p = j->plan; *p; p++)
        ups += *p == '/';
    json_object_foreach((json_t *)(uintptr_t)ws, name, e)
    {
        if (i < n)
            names[i++] = name;
    }
    tfa_sort(names, i, sizeof(*names), by_string);
    tfa_buf_puts(body, "| Workspace | Time (UTC) | Verdict | Failing items | Evidence |\n"
                       "|---|---|---|---|---|\n");
    for (n = i, i = 0; i < n; i++)
        table_row(body, names[i], json_object_get(ws, names[i]), ups);
    tfa_free(names);
    return tfa_buf_status(body) ? tfa_error_oom(err) : 0;
}

/* The rollout plan with its section replaced, into a->plan. */
static int update_plan(job *j, attempt *a, git_filemode_t *mode, tfa_error *err)
{
    tfa_buf doc, body;
    int rc;

    tfa_buf_init(&doc, TFA_BUF_NO_MAX);
    tfa_buf_init(&body, TFA_BUF_NO_MAX);
    *mode = GIT_FILEMODE_BLOB;
    rc = read_file(j, a->tip, j->plan, &doc, mode, err);
    if (rc == TFA_ENOTFOUND)
        rc = read_file(j, a->head, j->plan, &doc, mode, err);
    if (rc == TFA_ENOTFOUND)
        rc = tfa_error_set(err, TFA_ENOTFOUND,
                           "rollout plan '%s' is neither on branch '%s' nor at HEAD", j->plan,
                           j->branch);
    rc = rc ? rc : rollout_table(j, a, &body, err);
    if (rc == 0 && (rc = tfa_rollout_section_replace(&a->plan, doc.ptr, doc.len, body.ptr, err)))
        tfa_error_set_source(err, j->plan);
    tfa_buf_release(&doc);
    tfa_buf_release(&body);
    return rc;
}

/* ---- tree, commit, branch ----------------------------------------------- */

typedef struct new_file {
    const char *path;
    const char *data;
    size_t len;
    git_filemode_t mode;
} new_file;

static int build_tree(job *j, git_commit *base, const new_file *files, size_t n, git_oid *tree_oid,
                      tfa_error *err)
{
    git_index *index = NULL;
    git_tree *tree = NULL;
    size_t i;
    int rc = 0;

    if (git_index_new(&index) != 0)
        return git_fail(err, TFA_ENOMEM, "cannot create an index in memory");
    if (base && (git_commit_tree(&tree, base) != 0 || git_index_read_tree(index, tree) != 0))
        rc = git_fail(err, TFA_EIO, "cannot read the base tree");
    for (i = 0; rc == 0 && i < n; i++) {
        git_index_entry e;
        memset(&e, 0, sizeof(e));
        e.mode = files[i].mode;
        e.path = files[i].path;
        if (git_blob_create_from_buffer(&e.id, j->repo, files[i].data, files[i].len) != 0 ||
            git_index_add(index, &e) != 0)
            rc = git_fail(err, TFA_EIO, "cannot add a file to the evidence tree");
    }
    if (rc == 0 && git_index_write_tree_to(tree_oid, index, j->repo) != 0)
        rc = git_fail(err, TFA_EIO, "cannot write the evidence tree");
    git_tree_free(tree);
    git_index_free(index);
    return rc;
}

static int message(job *j, attempt *a)
{
    char iso[TFA_UTC_ISO_SIZE];
    size_t i;

    tfa_utc_format_iso(j->ev->time, iso);
    tfa_buf_printf(&a->message, "tfaudit: %s %s\n\nWorkspace: %s\nVerdict: %s\nTime: %s\n",
                   j->ev->workspace, j->ev->verdict, j->ev->workspace, j->ev->verdict, iso);
    if (j->ev->record_hash)
        tfa_buf_printf(&a->message, "Ledger record: %lld sha256:%s\n", (long long)j->ev->record_id,
                       j->ev->record_hash);
    if (j->ev->n_failing)
        tfa_buf_puts(&a->message, "Failing items:");
    for (i = 0; i < j->ev->n_failing; i++)
        tfa_buf_printf(&a->message, "%s %s", i ? "," : "", j->ev->failing[i]);
    if (j->ev->n_failing)
        tfa_buf_putc(&a->message, '\n');
    if (j->o->operator_name)
        tfa_buf_printf(&a->message, "Operator: %s\n", j->o->operator_name);
    tfa_buf_printf(&a->message, "Evidence: %s\n", a->md_path.ptr);
    return tfa_buf_status(&a->message);
}

/* Move the branch from a->old (or from nothing) to `commit`. TFA_ECONFLICT
 * when another writer moved it first. */
static int move_branch(job *j, attempt *a, const git_oid *commit, tfa_error *err)
{
    git_reference *ref = NULL;
    tfa_buf log;
    int rc;

    tfa_buf_init(&log, TFA_BUF_NO_MAX);
    if (j->ev)
        tfa_buf_printf(&log, "tfaudit: evidence %s %s", j->ev->workspace, j->ev->verdict);
    else
        tfa_buf_puts(&log, "tfaudit: evidence");
    if (tfa_buf_status(&log)) {
        tfa_buf_release(&log);
        return tfa_error_oom(err);
    }
    if (a->has_old)
        rc = git_reference_create_matching(&ref, j->repo, j->refname.ptr, commit, 1, &a->old,
                                           log.ptr);
    else
        rc = git_reference_create(&ref, j->repo, j->refname.ptr, commit, 0, log.ptr);
    git_reference_free(ref);
    tfa_buf_release(&log);
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) {
        /* libgit2's words say which race was lost (a moved tip, a branch
         * that appeared, a lock): kept for the error if the retries run out */
        rc = git_fail(err, TFA_ECONFLICT, "another writer moved the evidence branch");
        git_error_clear();
        return rc;
    }
    return rc ? git_fail(err, TFA_EIO, "cannot update the evidence branch") : 0;
}

static void attempt_release(attempt *a)
{
    git_reference_free(a->tip_ref);
    git_commit_free(a->tip);
    git_commit_free(a->head);
    tfa_buf_release(&a->md_path);
    tfa_buf_release(&a->json_path);
    tfa_buf_release(&a->latest);
    tfa_buf_release(&a->plan);
    tfa_buf_release(&a->message);
    json_decref(a->latest_obj);
    memset(a, 0, sizeof(*a));
}

static void attempt_init(attempt *a)
{
    memset(a, 0, sizeof(*a));
    tfa_buf_init(&a->md_path, TFA_BUF_NO_MAX);
    tfa_buf_init(&a->json_path, TFA_BUF_NO_MAX);
    tfa_buf_init(&a->latest, TFA_BUF_NO_MAX);
    tfa_buf_init(&a->plan, TFA_BUF_NO_MAX);
    tfa_buf_init(&a->message, TFA_BUF_NO_MAX);
}

/* Build the commit on the current tip and try to move the branch. */
static int try_once(job *j, tfa_git_evidence_result *out, tfa_error *err)
{
    new_file files[4];
    tfa_buf latest_path;
    git_oid tree_oid, commit_oid;
    git_tree *tree = NULL;
    const git_commit *parents[1];
    git_commit *base;
    attempt a;
    size_t n = 0;
    int rc;

    attempt_init(&a);
    tfa_buf_init(&latest_path, TFA_BUF_NO_MAX);
    if (tfa_buf_printf(&latest_path, "%s/%s", j->dir, LATEST_JSON) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = read_base(j, &a, err)) != 0)
        goto done;
    base = a.has_old ? a.tip : a.head;
    if ((rc = evidence_paths(j, &a, base, err)) ||
        (rc = update_latest(j, &a, base, latest_path.ptr, err)))
        goto done;
    files[n++] = (new_file){a.md_path.ptr, j->ev->report_md, j->ev->report_len, GIT_FILEMODE_BLOB};
    files[n++] =
        (new_file){a.json_path.ptr, j->ev->record_json, j->ev->record_len, GIT_FILEMODE_BLOB};
    files[n++] = (new_file){latest_path.ptr, a.latest.ptr, a.latest.len, GIT_FILEMODE_BLOB};
    if (j->plan) {
        files[n] = (new_file){j->plan, NULL, 0, GIT_FILEMODE_BLOB};
        if ((rc = update_plan(j, &a, &files[n].mode, err)) != 0)
            goto done;
        files[n].data = a.plan.ptr;
        files[n++].len = a.plan.len;
    }
    if ((rc = build_tree(j, base, files, n, &tree_oid, err)) != 0)
        goto done;
    if (message(j, &a) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    parents[0] = base;
    if (git_tree_lookup(&tree, j->repo, &tree_oid) != 0 ||
        git_commit_create(&commit_oid, j->repo, NULL, j->author, j->committer, "UTF-8",
                          a.message.ptr, tree, base ? 1 : 0, parents) != 0) {
        rc = git_fail(err, TFA_EIO, "cannot write the evidence commit");
        goto done;
    }
    if (j->o->before_update && (rc = j->o->before_update(j->o->payload)) != 0)
        goto done;
    /* the result is made before the branch moves: nothing fails after it */
    out->md_path = tfa_buf_detach(&a.md_path, NULL);
    out->json_path = tfa_buf_detach(&a.json_path, NULL);
    if (!out->md_path || !out->json_path)
        rc = tfa_error_oom(err);
    if (rc == 0 && (rc = move_branch(j, &a, &commit_oid, err)) == 0)
        git_oid_tostr(out->commit, sizeof(out->commit), &commit_oid);
    if (rc) {
        tfa_free(out->md_path), out->md_path = NULL;
        tfa_free(out->json_path), out->json_path = NULL;
    }
done:
    git_tree_free(tree);
    tfa_buf_release(&latest_path);
    attempt_release(&a);
    return rc;
}

/* The plain-files variant of try_once: j->files on the tip, j->message. */
static int try_files(job *j, tfa_git_evidence_result *out, tfa_error *err)
{
    git_oid tree_oid, commit_oid;
    git_tree *tree = NULL;
    const git_commit *parents[1];
    git_commit *base;
    new_file *files = tfa_calloc(j->n_files ? j->n_files : 1, sizeof(*files));
    attempt a;
    size_t i;
    int rc;

    attempt_init(&a);
    if (!files) {
        rc = tfa_error_oom(err);
        goto done;
    }
    for (i = 0; i < j->n_files; i++)
        files[i] =
            (new_file){j->files[i].path, j->files[i].data, j->files[i].len, GIT_FILEMODE_BLOB};
    if ((rc = read_base(j, &a, err)) != 0)
        goto done;
    base = a.has_old ? a.tip : a.head;
    if ((rc = build_tree(j, base, files, j->n_files, &tree_oid, err)) != 0)
        goto done;
    parents[0] = base;
    if (git_tree_lookup(&tree, j->repo, &tree_oid) != 0 ||
        git_commit_create(&commit_oid, j->repo, NULL, j->author, j->committer, "UTF-8", j->message,
                          tree, base ? 1 : 0, parents) != 0) {
        rc = git_fail(err, TFA_EIO, "cannot write the evidence commit");
        goto done;
    }
    if ((rc = move_branch(j, &a, &commit_oid, err)) != 0)
        goto done;
    git_oid_tostr(out->commit, sizeof(out->commit), &commit_oid);
done:
    git_tree_free(tree);
    tfa_free(files);
    attempt_release(&a);
    return rc;
}

/* ---- setting up --------------------------------------------------------- */

static int check_input(const tfa_git_evidence *ev, const char *dir, tfa_error *err)
{
    int rc = tfa_ledger_workspace_check(ev->workspace, err);
    if (rc)
        return rc;
    if (!ev->verdict || (strcmp(ev->verdict, "GO") != 0 && strcmp(ev->verdict, "NO-GO") != 0))
        return tfa_error_set(err, TFA_EUSAGE, "verdict must be GO or NO-GO");
    if (!ev->report_md || !ev->record_json)
        return tfa_error_set(err, TFA_EUSAGE, "the evidence needs a report and a record");
    if (!tfa_relpath_ok(dir))
        return tfa_error_set(err, TFA_EUSAGE, "invalid evidence directory '%s'", dir);
    return 0;
}

/* The rollout plan as a repository-relative path: relative paths are taken
 * as such; an absolute path must lie inside the work tree. */
static int resolve_plan(job *j, tfa_error *err)
{
    const char *p = j->o->rollout_plan, *wd;
    char real_p[PATH_MAX], real_wd[PATH_MAX];
    size_t n;

    if (!p)
        return 0;
    j->plan = p;
    if (p[0] == '/') {
        wd = git_repository_workdir(j->repo);
        if (!wd || !realpath(wd, real_wd) || !realpath(p, real_p) ||
            strncmp(real_p, real_wd, n = strlen(real_wd)) != 0 || real_p[n] != '/')
            return tfa_error_set(err, TFA_EUSAGE,
                                 "rollout plan '%s' is not inside the repository's work tree", p);
        if (tfa_buf_puts(&j->plan_buf, real_p + n + 1) != 0)
            return tfa_error_oom(err);
        j->plan = j->plan_buf.ptr;
    }
    if (!tfa_relpath_ok(j->plan))
        return tfa_error_set(err, TFA_EUSAGE,
                             "invalid rollout plan path '%s' (relative to the repository root)", p);
    return 0;
}

/* Refuse a branch that is checked out: moving it would change a worktree. */
static int check_branch(job *j, tfa_error *err)
{
    git_reference *ref = NULL, *head = NULL;
    const char *target;
    int valid = 0, rc = 0;

    if (git_reference_name_is_valid(&valid, j->refname.ptr) != 0 || !valid)
        return tfa_error_set(err, TFA_EUSAGE, "invalid branch name '%s'", j->branch);
    if (git_reference_lookup(&head, j->repo, "HEAD") == 0 &&
        (target = git_reference_symbolic_target(head)) && strcmp(target, j->refname.ptr) == 0)
        rc = 1;
    if (!rc && git_reference_lookup(&ref, j->repo, j->refname.ptr) == 0 &&
        git_branch_is_checked_out(ref) == 1)
        rc = 1;
    git_reference_free(ref);
    git_reference_free(head);
    git_error_clear();
    if (rc)
        return tfa_error_set(
            err, TFA_EUSAGE,
            "branch '%s' is checked out; evidence goes to a branch nobody works on", j->branch);
    return 0;
}

/* Author and committer at the verdict's time: see git_identity.h. */
static int signature(job *j, tfa_error *err)
{
    return tfa_git_identity_resolve(&j->author, &j->committer, j->repo, j->o->author, j->time, err);
}

/* The retries ran out: say so first, then what the last attempt recorded.
 * The first error wins (error.h), so a plain tfa_error_set here would keep
 * only the attempt's detail and hide why the commit gave up. */
static void gave_up(tfa_error *err, const char *branch, unsigned attempts)
{
    char detail[TFA_ERROR_MESSAGE_MAX];
    size_t n, d, cap = sizeof(err->message) - 1;

    memcpy(detail, err->message, sizeof(detail));
    detail[sizeof(detail) - 1] = '\0';
    err->status = TFA_ECONFLICT;
    snprintf(err->message, sizeof(err->message),
             "branch '%s' kept moving; gave up after %u attempts", branch, attempts);
    if (!detail[0])
        return;
    /* " (detail)", cut to fit (memcpy: gcc cannot see that snprintf's
     * truncation is intended here) */
    n = strlen(err->message), d = strlen(detail);
    if (n + 3 > cap)
        return;
    if (d > cap - n - 3)
        d = cap - n - 3;
    memcpy(err->message + n, " (", 2);
    memcpy(err->message + n + 2, detail, d);
    memcpy(err->message + n + 2 + d, ")", 2);
}

/* Open the repository, check the branch, then attempt until the branch
 * moves (try_once for evidence, try_files for plain files). */
static int run_job(job *j, tfa_git_evidence_result *out, const char *repo_path, tfa_error *err)
{
    tfa_error attempt_err;
    tfa_backoff backoff;
    unsigned tries;
    int rc;

    /* another writer moved the branch: 2 ms doubling to 50 ms, jittered so
     * two writers that collided do not collide again */
    tfa_backoff_init(&backoff, 2, 50);
    git_libgit2_init();
    if (tfa_buf_printf(&j->refname, "refs/heads/%s", j->branch) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    rc = git_repository_open_ext(&j->repo, repo_path, 0, NULL);
    if (rc) {
        rc = rc == GIT_ENOTFOUND ? tfa_error_set(err, TFA_ENOTFOUND,
                                                 "no git repository at or above '%s'", repo_path)
                                 : git_fail(err, TFA_EIO, "cannot open the repository");
        goto done;
    }
    if ((rc = resolve_plan(j, err)) != 0 || (rc = check_branch(j, err)) != 0 ||
        (rc = signature(j, err)) != 0)
        goto done;
    for (tries = 0;; tries++) {
        tfa_error_init(&attempt_err);
        rc = j->ev ? try_once(j, out, &attempt_err) : try_files(j, out, &attempt_err);
        if (rc != TFA_ECONFLICT || tries + 1 >= j->o->attempts)
            break;
        out->retries++;
        tfa_backoff_sleep_ms(tfa_backoff_delay(&backoff, tries));
    }
    if (rc == TFA_ECONFLICT)
        gave_up(&attempt_err, j->branch, tries + 1);
    if (rc && err && err->status == 0)
        *err = attempt_err;
done:
    if (rc)
        tfa_error_set_source(err, repo_path);
    git_signature_free(j->author);
    git_signature_free(j->committer);
    git_repository_free(j->repo);
    tfa_buf_release(&j->refname);
    tfa_buf_release(&j->plan_buf);
    git_libgit2_shutdown();
    return rc;
}

int tfa_git_evidence_commit(tfa_git_evidence_result *out, const char *repo_path,
                            const tfa_git_evidence *ev, const tfa_git_evidence_options *opts,
                            tfa_error *err)
{
    tfa_git_evidence_options defaults = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    job j;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&j, 0, sizeof(j));
    j.ev = ev;
    j.time = ev->time;
    j.o = opts ? opts : &defaults;
    j.branch = j.o->branch ? j.o->branch : TFA_GIT_EVIDENCE_BRANCH;
    j.dir = j.o->dir ? j.o->dir : TFA_GIT_EVIDENCE_DIR;
    tfa_buf_init(&j.refname, TFA_BUF_NO_MAX);
    tfa_buf_init(&j.plan_buf, TFA_BUF_NO_MAX);
    if ((rc = check_input(ev, j.dir, err)) != 0)
        return rc;
    return run_job(&j, out, repo_path, err);
}

int tfa_git_evidence_commit_files(tfa_git_evidence_result *out, const char *repo_path,
                                  const tfa_git_file *files, size_t n, const char *message,
                                  int64_t time, const tfa_git_evidence_options *opts,
                                  tfa_error *err)
{
    tfa_git_evidence_options defaults = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    size_t i;
    job j;

    memset(out, 0, sizeof(*out));
    memset(&j, 0, sizeof(j));
    j.files = files;
    j.n_files = n;
    j.message = message;
    j.time = time;
    j.o = opts ? opts : &defaults;
    j.branch = j.o->branch ? j.o->branch : TFA_GIT_EVIDENCE_BRANCH;
    tfa_buf_init(&j.refname, TFA_BUF_NO_MAX);
    tfa_buf_init(&j.plan_buf, TFA_BUF_NO_MAX);
    for (i = 0; i < n; i++)
        if (!tfa_relpath_ok(files[i].path))
            return tfa_error_set(err, TFA_EUSAGE, "invalid evidence path '%s'", files[i].path);
    return run_job(&j, out, repo_path, err);
}
