/*
 * audit.c - running a nightly audit (see audit.h): the work queue, the
 * threads that gate workspaces, and finishing (order, record). The names
 * and the lifetime of results are in audit_record.c.
 *
 * A worker does all of one workspace: reads its s3:// objects on its own
 * kept-alive S3 client (audit_source.h), gates it, compares it with its
 * record in the previous audit and builds its record's audit object. What
 * stays on the calling thread is what needs every workspace: ordering, the
 * audit-wide notes and totals, and the one ledger transaction.
 *
 * Threads share only read-only things: the checklists, waivers, known
 * drift, sign-offs, options and the previous audit. Each job has its own
 * run, verdict and record; the parsers and the checklist evaluator keep no
 * state between calls (the one mutable file-scope variable in the code
 * base is the allocation-failure test hook, an atomic). A job's result
 * depends on that workspace and the previous audit alone, and results are
 * put in name order before anything audit-wide is summed, recorded or
 * reported, so nothing depends on which thread finished first.
 */
#include "util/compat.h"

#include <pthread.h>

#include "audit_priv.h"
#include "gate_record.h"
#include "gate_run.h"
#include "audit_source.h"
#include "util/alloc.h"
#include "util/sha256.h"
#include "util/sort.h"
#include "util/strindex.h"
#include "util/utc.h"

/* Workspaces queued or running at once per thread: enough to keep every
 * thread busy while a source reads ahead, few enough that an archive is not
 * held in memory whole. */
#define AUDIT_QUEUE_PER_THREAD 2

typedef struct job {
    tfa_audit_workspace ws; /* its strings point at the copies below; owns the inputs */
    char *name, *unreadable, *unreadable_path;
    tfa_audit_ws res;
    json_t *record;
    json_t *kd_uses; /* per known-drift entry: matched, expired, would_accept */
    const tfa_known_drift *kd;
    tfa_known_drift_result kdr;
    int64_t now;
} job;

struct tfa_audit {
    tfa_ledger *ledger;
    tfa_audit_options o;
    tfa__audit_prev_set prev;
    char id[TFA_AUDIT_ID_SIZE];
    /* what every record's audit object names (id, previous audit, shard):
     * known from the start, so workers build the objects; borrows prev.id */
    tfa_audit_result head;
    pthread_t *threads;
    unsigned n_threads;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    job **jobs;
    size_t n_jobs, cap, next, done;
    tfa_strindex names; /* the jobs' workspace names (a scan each was O(n^2) a night) */
    int closing;
    tfa_error err;     /* the first error a source or a worker hit */
    pthread_t dropper; /* frees the appended records while the caller reports */
    int dropping;
};

/* ---- one workspace ------------------------------------------------------------- */

/* The gate's prepare step: accepted drift leaves the run before evaluation. */
static int accept_known_drift(tfa_run *run, void *payload, tfa_error *err)
{
    job *j = payload;
    return tfa_known_drift_apply(&j->kdr, j->kd, run, j->now, err);
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The run's (unaccepted) drifted addresses, once each, sorted. */
static int collect_drift(tfa_audit_ws *w, const tfa_run *run)
{
    size_t n = tfa_run_change_count(run, TFA_LIST_DRIFT), i, k = 0;
    char **v = tfa_calloc(n ? n : 1, sizeof(*v));

    if (!v)
        return TFA_ENOMEM;
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        if (c->res.address && !(v[k++] = tfa_strdup(c->res.address)))
            break;
    }
    if (i < n) {
        while (k)
            tfa_free(v[--k]);
        tfa_free(v);
        return TFA_ENOMEM;
    }
    tfa_sort(v, k, sizeof(*v), by_str);
    if (!(w->drift = tfa_calloc(k ? k : 1, sizeof(*w->drift)))) {
        while (k)
            tfa_free(v[--k]);
        tfa_free(v);
        return TFA_ENOMEM;
    }
    for (i = 0; i < k; i++) {
        if (w->n_drift && strcmp(w->drift[w->n_drift - 1].address, v[i]) == 0) {
            tfa_free(v[i]);
            continue;
        }
        w->drift[w->n_drift++].address = v[i];
    }
    tfa_free(v);
    return 0;
}

static char *dup_opt(const char *s, int *oom)
{
    char *d = s ? tfa_strdup(s) : NULL;
    *oom |= s && !d;
    return d;
}

static int collect_items(tfa_audit_ws *w, const tfa_verdict *v)
{
    size_t i;
    int oom = 0;

    if (!(w->items = tfa_calloc(v->n_results ? v->n_results : 1, sizeof(*w->items))))
        return TFA_ENOMEM;
    w->n_items = v->n_results;
    for (i = 0; i < v->n_results; i++) {
        const tfa_result *r = &v->results[i];
        tfa_audit_item *it = &w->items[i];
        it->id = dup_opt(r->item->id, &oom);
        it->title = dup_opt(r->item->title, &oom);
        it->level = tfa_level_name(r->item->level);
        it->status = r->status;
        it->blocks = r->blocks;
        /* as the verdict record has it: a passing item has no reason */
        it->reason = r->status == TFA_ITEM_PASS ? NULL : dup_opt(r->reason, &oom);
        w->failing += r->blocks != 0;
    }
    w->go = v->go;
    if (!(w->skipped = tfa_calloc(v->n_skipped ? v->n_skipped : 1, sizeof(*w->skipped))))
        return TFA_ENOMEM;
    for (i = 0; i < v->n_skipped; i++) {
        size_t n = strlen(v->skipped[i].path) + strlen(v->skipped[i].reason) + 3;
        if (!(w->skipped[i] = tfa_malloc(n))) {
            oom = 1;
            break;
        }
        snprintf(w->skipped[i], n, "%s: %s", v->skipped[i].path, v->skipped[i].reason);
        w->n_skipped++;
    }
    return oom ? TFA_ENOMEM : 0;
}

static int collect_accepted(job *j)
{
    tfa_audit_ws *w = &j->res;
    size_t i;
    int oom = 0;

    if (!(w->accepted =
              tfa_calloc(j->kdr.n_accepted ? j->kdr.n_accepted : 1, sizeof(*w->accepted))))
        return TFA_ENOMEM;
    for (i = 0; i < j->kdr.n_accepted; i++) {
        const tfa_known_drift_entry *e = tfa_known_drift_at(j->kd, j->kdr.accepted[i].entry);
        char ref[TFA_ERROR_SOURCE_MAX + 24];
        tfa_audit_accepted *x = &w->accepted[w->n_accepted++];
        tfa_known_drift_entry_ref(e, ref, sizeof(ref));
        x->address = dup_opt(j->kdr.accepted[i].address, &oom);
        x->entry = dup_opt(ref, &oom);
        x->owner = dup_opt(e->owner, &oom);
        x->expires = dup_opt(e->expires, &oom);
        x->reason = dup_opt(e->reason, &oom);
    }
    return oom ? TFA_ENOMEM : 0;
}

/* Per-entry use of the known-drift file, kept for the audit-wide notes. */
static json_t *kd_uses(const job *j)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < j->kdr.n_entries; i++) {
        char ref[TFA_ERROR_SOURCE_MAX + 24];
        const tfa_known_drift_entry *e = tfa_known_drift_at(j->kd, i);
        tfa_known_drift_entry_ref(e, ref, sizeof(ref));
        /* one use that cannot be made fails them all: NULL, never a list
         * an entry short (the notes would call that entry unused) */
        if (json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:I}", "entry", ref,
                                               "address", e->address, "owner", e->owner, "expires",
                                               e->expires, "matched", (json_int_t)j->kdr.matched[i],
                                               "expired", j->kdr.expired[i], "would_accept",
                                               (json_int_t)j->kdr.would_match[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

/* Inputs that hold no document at all make a silent workspace, not a
 * broken one: the loaders say so with their own status (input.h). */
static int says_no_input(const tfa_error *err)
{
    return err->status == TFA_ENODOC;
}

/* The gate's view of a job's inputs (borrowed from the job). */
static tfa_gate_input *gate_inputs(const tfa_audit_workspace *ws, size_t n)
{
    tfa_gate_input *v = tfa_calloc(n ? n : 1, sizeof(*v));
    size_t i;
    for (i = 0; v && i < n; i++) {
        const tfa_audit_input *in = &ws->inputs[i];
        v[i].path = in->path;
        v[i].name = in->name;
        v[i].data = in->data;
        v[i].len = in->len;
        v[i].member = in->member;
        v[i].refused = in->refused;
    }
    return v;
}

static int gate_job(tfa_audit *a, job *j, size_t n_inputs, tfa_error *err)
{
    tfa_gate_request req = TFA_GATE_REQUEST_INIT;
    tfa_gate_input *inputs = gate_inputs(&j->ws, n_inputs);
    tfa_gate_meta meta;
    tfa_gate_outcome out;
    int rc;

    if (!inputs)
        return tfa_error_oom(err);
    meta.workspace = j->ws.name;
    meta.window = a->o.window;
    meta.operator_name = a->o.operator_name;
    meta.audit_id = a->id;
    meta.time = a->o.now;
    req.cl = j->ws.checklist ? j->ws.checklist : a->o.checklist;
    req.waivers = j->ws.waivers ? j->ws.waivers : a->o.waivers;
    req.signoffs = j->ws.signoffs;
    req.inputs = inputs;
    req.n_inputs = n_inputs;
    req.load = a->o.load;
    req.remote = a->o.remote;
    req.expect_no_changes = a->o.expect_no_changes || j->ws.expect_no_changes;
    req.prepare = accept_known_drift;
    req.prepare_payload = j;
    req.now = a->o.now;
    req.meta = &meta;
    j->now = a->o.now;
    tfa_known_drift_result_release(&j->kdr);
    rc = tfa_gate_run(&out, &req, err);
    if (rc == 0 && (rc = collect_items(&j->res, out.verdict)) == 0 &&
        (rc = collect_drift(&j->res, out.run)) == 0 && (rc = collect_accepted(j)) == 0) {
        j->record = out.record;
        out.record = NULL;
        if (!(j->kd_uses = kd_uses(j)))
            rc = TFA_ENOMEM;
    }
    if (rc == TFA_ENOMEM)
        tfa_error_oom(err);
    tfa_gate_outcome_release(&out);
    tfa_free(inputs);
    return rc;
}

/*
 * Gate a workspace whose s3:// objects the worker reads first, on its own
 * connection: the inputs are read in the gate's order, so when a fetch
 * fails the inputs before it are still gated first and an error of theirs
 * comes out, as it would if the gate had read them one after another.
 * Otherwise the workspace's error is the failed fetch, naming the object.
 */
static int gate_fetched(tfa_audit *a, tfa_audit_fetch *f, job *j, tfa_error *err)
{
    tfa_error ferr;
    size_t ready;
    int rc;

    tfa_error_init(&ferr);
    ready = tfa_audit_fetch_inputs(f, a->o.remote, j->ws.inputs, j->ws.n_inputs, &ferr);
    if (ready == j->ws.n_inputs)
        return gate_job(a, j, j->ws.n_inputs, err);
    if (ready > 0 && (rc = gate_job(a, j, ready, err)) != 0)
        return rc;
    *err = ferr;
    return err->status ? err->status : tfa_error_oom(err);
}

/* The workspace against the previous audit, and its record's audit
 * object: on the worker, so finishing is only ordering and appending (and
 * the previous records are parsed on every core, one at a time each). */
static int settle_job(tfa_audit *a, job *j, tfa_error *err)
{
    tfa__audit_prev_rec prev;
    json_t *obj;
    int rc, found;

    if ((rc = tfa__audit_prev_load(&a->prev, j->ws.name, &prev, &found, err)) != 0)
        return rc;
    rc = tfa__audit_compare(&j->res, found ? &prev : NULL, a->id);
    tfa__audit_prev_rec_release(&prev);
    if (rc != 0)
        return tfa_error_oom(err);
    obj = tfa__audit_object(&j->res, &a->head, j->kd_uses);
    if (!obj || json_object_set_new(j->record, "audit", obj) != 0)
        return tfa_error_oom(err);
    return 0;
}

static void run_job(tfa_audit *a, tfa_audit_fetch *w, job *j)
{
    tfa_error err;
    char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX];
    int rc;

    tfa_error_init(&err);
    j->kd = j->ws.known_drift ? j->ws.known_drift : a->o.known_drift;
    j->res.n_inputs = j->ws.n_inputs;
    if (j->ws.unreadable) { /* the source found it and could not read it */
        tfa_error_set_source(&err, j->ws.unreadable_path ? j->ws.unreadable_path : j->ws.name);
        rc = tfa_error_set(&err, TFA_EINPUT, "%s", j->ws.unreadable);
    } else {
        rc = j->ws.n_inputs ? gate_fetched(a, w, j, &err) : 0;
    }
    if (rc == 0 && j->ws.n_inputs) {
        if ((rc = settle_job(a, j, &err)) != 0)
            goto fail;
        return;
    }
    if (rc == TFA_ENOMEM)
        goto fail;
    if (rc) { /* unreadable, or nothing in it: judged on no input */
        if (says_no_input(&err)) {
            j->res.state = TFA_AUDIT_MISSING;
        } else {
            tfa_error_format(&err, line, sizeof(line));
            j->res.state = TFA_AUDIT_UNREADABLE;
            if (!(j->res.error = tfa_strdup(line)))
                goto fail;
        }
    } else {
        j->res.state = TFA_AUDIT_MISSING;
    }
    tfa__audit_ws_reset(&j->res);
    json_decref(j->record), j->record = NULL;
    json_decref(j->kd_uses), j->kd_uses = NULL;
    tfa_error_init(&err);
    if ((rc = gate_job(a, j, 0, &err)) == 0) {
        json_decref(j->kd_uses); /* judged on no input: says nothing about the entries */
        j->kd_uses = NULL;
        if ((rc = settle_job(a, j, &err)) == 0)
            return;
    }
fail:
    pthread_mutex_lock(&a->mu);
    if (!a->err.status)
        a->err = err.status ? err : a->err;
    if (!a->err.status)
        tfa_error_oom(&a->err);
    pthread_mutex_unlock(&a->mu);
}

/* ---- the queue -------------------------------------------------------------------- */

void tfa_audit_inputs_free(tfa_audit_input *inputs, size_t n)
{
    size_t i;
    for (i = 0; inputs && i < n; i++) {
        tfa_free(inputs[i].path);
        tfa_free(inputs[i].name);
        tfa_free(inputs[i].data);
        tfa_free(inputs[i].refused);
    }
    tfa_free(inputs);
}

static void free_inputs(tfa_audit_workspace *ws)
{
    tfa_audit_inputs_free(ws->inputs, ws->n_inputs);
    ws->inputs = NULL;
    ws->n_inputs = 0;
}

static void free_job(job *j)
{
    if (!j)
        return;
    free_inputs(&j->ws);
    tfa_free(j->name);
    tfa_free(j->unreadable);
    tfa_free(j->unreadable_path);
    tfa__audit_ws_release(&j->res);
    json_decref(j->record);
    json_decref(j->kd_uses);
    tfa_known_drift_result_release(&j->kdr);
    tfa_free(j);
}

static void *worker(void *arg)
{
    tfa_audit *a = arg;
    tfa_audit_fetch w;

    memset(&w, 0, sizeof(w));
    for (;;) {
        job *j;
        pthread_mutex_lock(&a->mu);
        while (a->next == a->n_jobs && !a->closing)
            pthread_cond_wait(&a->cv_work, &a->mu);
        if (a->next == a->n_jobs) {
            pthread_mutex_unlock(&a->mu);
            tfa_audit_fetch_release(&w);
            return NULL;
        }
        j = a->jobs[a->next++];
        pthread_mutex_unlock(&a->mu);
        run_job(a, &w, j);
        /* the bytes are read and the known-drift use is in the result:
         * give them back now, on this thread */
        free_inputs(&j->ws);
        tfa_known_drift_result_release(&j->kdr);
        pthread_mutex_lock(&a->mu);
        a->done++;
        pthread_cond_broadcast(&a->cv_done);
        pthread_mutex_unlock(&a->mu);
    }
}

/* An audit id: the time and a digest of the previous audit and the time,
 * so it is unique in the ledger and the same for any number of threads. */
static void make_id(tfa_audit *a)
{
    unsigned char d[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX], when[TFA_UTC_COMPACT_SIZE];
    tfa_sha256 h;

    if (a->o.audit_id) { /* given: shards of one audit share it */
        snprintf(a->id, sizeof(a->id), "%s", a->o.audit_id);
        return;
    }
    tfa_sha256_init(&h);
    tfa_sha256_update(&h, a->prev.id ? a->prev.id : "", a->prev.id ? strlen(a->prev.id) : 0);
    tfa_sha256_update(&h, &a->o.now, sizeof(a->o.now));
    tfa_sha256_final(&h, d);
    tfa_sha256_hex(d, hex);
    tfa_utc_format_compact(a->o.now, when);
    snprintf(a->id, sizeof(a->id), "audit-%s-%.8s", when, hex);
}

static int check_shard(const tfa_audit_options *o, tfa_error *err)
{
    if (!o->shard_count && !o->shard_index)
        return 0;
    if (o->shard_index < 1 || o->shard_index > o->shard_count ||
        o->shard_count > TFA_AUDIT_SHARDS_MAX)
        return tfa_error_set(err, TFA_EUSAGE, "invalid shard %u/%u", o->shard_index,
                             o->shard_count);
    if (!o->audit_id)
        return tfa_error_set(err, TFA_EUSAGE,
                             "a sharded audit needs the audit id its shards share (--audit-id)");
    return 0;
}

/* Whether a workspace is this audit's to gate (every one unless sharded). */
static int in_shard(const tfa_audit *a, const char *name)
{
    return !a->o.shard_count || tfa_audit_shard_of(name, a->o.shard_count) == a->o.shard_index;
}

int tfa_audit_new(tfa_audit **out, tfa_ledger *ledger, const tfa_audit_options *opts,
                  tfa_error *err)
{
    tfa_audit *a = tfa_calloc(1, sizeof(*a));
    unsigned i, want = opts->jobs ? opts->jobs : 1;
    int rc;

    *out = NULL;
    if (!a)
        return tfa_error_oom(err);
    a->ledger = ledger;
    a->o = *opts;
    /* n_threads counts started threads only: tfa_audit_free joins them */
    tfa_error_init(&a->err);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv_work, NULL);
    pthread_cond_init(&a->cv_done, NULL);
    if ((opts->audit_id && (rc = tfa_audit_id_check(opts->audit_id, err)) != 0) ||
        (rc = check_shard(opts, err)) != 0 ||
        (rc = tfa__audit_prev_read(&a->prev, ledger, opts->audit_id, opts->shard_index,
                                   opts->shard_count, err)) != 0) {
        tfa_audit_free(a);
        return rc;
    }
    make_id(a);
    snprintf(a->head.id, sizeof(a->head.id), "%s", a->id);
    a->head.previous = a->prev.id;
    a->head.shard_index = opts->shard_index;
    a->head.shard_count = opts->shard_count;
    if (!(a->threads = tfa_calloc(want, sizeof(*a->threads)))) {
        tfa_audit_free(a);
        return tfa_error_oom(err);
    }
    for (i = 0; i < want; i++)
        if (pthread_create(&a->threads[i], NULL, worker, a) != 0)
            break;
    a->n_threads = i; /* the ones that started */
    if (i == 0) {
        tfa_audit_free(a);
        return tfa_error_set(err, TFA_EIO, "cannot start a thread");
    }
    *out = a;
    return 0;
}

static int name_taken(const tfa_audit *a, const char *name)
{
    return tfa_strindex_find(&a->names, name, NULL);
}

/* A job for `ws`, its strings copied and its inputs taken (only on
 * success: NULL leaves them with the caller). */
static job *new_job(const tfa_audit_workspace *ws)
{
    job *j = tfa_calloc(1, sizeof(*j));
    int oom = !j;

    if (oom)
        return NULL;
    j->name = dup_opt(ws->name, &oom);
    j->unreadable = dup_opt(ws->unreadable, &oom);
    j->unreadable_path = dup_opt(ws->unreadable_path, &oom);
    j->res.name = dup_opt(ws->name, &oom);
    if (oom) {
        free_job(j); /* holds no inputs yet */
        return NULL;
    }
    j->ws = *ws;
    j->ws.name = j->name;
    j->ws.unreadable = j->unreadable;
    j->ws.unreadable_path = j->unreadable_path;
    return j;
}

static int push_job(tfa_audit *a, job *j)
{
    if (tfa_array_grow(&a->jobs, &a->cap, a->n_jobs + 1, sizeof(*a->jobs)) != 0 ||
        tfa_strindex_put(&a->names, j->ws.name, a->n_jobs) != 0)
        return TFA_ENOMEM;
    a->jobs[a->n_jobs++] = j;
    return 0;
}

int tfa_audit_add_take(tfa_audit *a, tfa_audit_workspace *ws, tfa_error *err)
{
    tfa_audit_workspace in = *ws; /* the inputs are ours from here on, whatever happens */
    job *j = NULL;
    int rc;

    ws->inputs = NULL, ws->n_inputs = 0;
    if ((rc = tfa_ledger_workspace_check(in.name, err)) != 0 || !in_shard(a, in.name))
        goto done; /* rc 0 for another shard's workspace: not ours */
    pthread_mutex_lock(&a->mu);
    if (name_taken(a, in.name)) {
        pthread_mutex_unlock(&a->mu);
        rc = tfa_error_set(err, TFA_EUSAGE, "workspace '%s' is given twice", in.name);
        goto done;
    }
    /* hold the source back while the threads catch up */
    while (a->n_jobs - a->done >= (size_t)a->n_threads * AUDIT_QUEUE_PER_THREAD + 1)
        pthread_cond_wait(&a->cv_done, &a->mu);
    pthread_mutex_unlock(&a->mu);
    if (!(j = new_job(&in))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    in.inputs = NULL, in.n_inputs = 0; /* the job's now */
    pthread_mutex_lock(&a->mu);
    if ((rc = push_job(a, j)) == 0)
        pthread_cond_signal(&a->cv_work);
    pthread_mutex_unlock(&a->mu);
    if (rc) {
        free_job(j);
        rc = tfa_error_oom(err);
    }
done:
    free_inputs(&in);
    return rc;
}

/* ---- finishing ------------------------------------------------------------------- */

/* Workspaces of the previous audit no source gave: missing now. */
static int add_missing(tfa_audit *a, tfa_error *err)
{
    size_t i;
    for (i = 0; i < a->prev.n; i++) {
        tfa_audit_workspace ws;
        int taken;
        if (!in_shard(a, a->prev.ws[i].name))
            continue;
        pthread_mutex_lock(&a->mu);
        taken = name_taken(a, a->prev.ws[i].name);
        pthread_mutex_unlock(&a->mu);
        if (taken)
            continue;
        memset(&ws, 0, sizeof(ws));
        ws.name = a->prev.ws[i].name;
        if (tfa_audit_add_take(a, &ws, err) != 0)
            return err->status;
    }
    return 0;
}

static void join_threads(tfa_audit *a)
{
    unsigned i;
    pthread_mutex_lock(&a->mu);
    a->closing = 1;
    pthread_cond_broadcast(&a->cv_work);
    pthread_mutex_unlock(&a->mu);
    for (i = 0; i < a->n_threads; i++)
        pthread_join(a->threads[i], NULL);
    a->n_threads = 0;
}

static int job_by_name(const void *x, const void *y)
{
    return strcmp((*(job *const *)x)->ws.name, (*(job *const *)y)->ws.name);
}

/* The ledger entries that append the records (*out, one per job,
 * borrowing them; the workers attached each one's audit object). */
static int prepare_records(tfa_audit *a, tfa_ledger_entry **out, tfa_error *err)
{
    tfa_ledger_entry *e = tfa_calloc(a->n_jobs, sizeof(*e));
    size_t i;

    if (!(*out = e))
        return tfa_error_oom(err);
    for (i = 0; i < a->n_jobs; i++) {
        job *j = a->jobs[i];
        e[i].time = a->o.now;
        e[i].workspace = j->ws.name;
        e[i].window = a->o.window;
        e[i].operator_name = a->o.operator_name;
        e[i].verdict = j->res.go ? "GO" : "NO-GO";
        e[i].tool_version = a->o.tool_version;
        e[i].record = j->record;
    }
    return 0;
}

/* This run's summary in the first record it appends: the history of later
 * audits reads it instead of every record (audit_history.c). */
static int put_summary(tfa_audit *a, const tfa_ledger_entry *e, tfa_error *err)
{
    char shard[32];
    json_t *sum;

    if (a->o.shard_count)
        snprintf(shard, sizeof(shard), "%u/%u", a->o.shard_index, a->o.shard_count);
    sum = tfa__audit_summary_json(a->id, a->o.shard_count ? shard : NULL, e, a->n_jobs);
    if (!sum || json_object_set_new(a->jobs[0]->record, "audit_summary", sum) != 0)
        return tfa_error_oom(err);
    return 0;
}

static void *drop_records(void *arg)
{
    tfa_audit *a = arg;
    size_t i;
    for (i = 0; i < a->n_jobs; i++) {
        json_decref(a->jobs[i]->record);
        a->jobs[i]->record = NULL;
        json_decref(a->jobs[i]->kd_uses);
        a->jobs[i]->kd_uses = NULL;
    }
    return NULL;
}

/* Everything that can fail comes before the ledger append, and the append
 * is one transaction: an error leaves nothing recorded, so a retry records
 * the audit once. After the append only hand-overs remain. */
int tfa_audit_finish(tfa_audit *a, tfa_audit_result *r, tfa_error *err)
{
    const json_t **uses;
    tfa_ledger_entry *e = NULL;
    int64_t first = 0;
    size_t i;
    int rc;

    memset(r, 0, sizeof(*r));
    rc = add_missing(a, err);
    join_threads(a);
    if (rc)
        return rc;
    if (a->err.status) {
        *err = a->err;
        return a->err.status;
    }
    if (a->n_jobs == 0 && a->o.shard_count)
        return tfa_error_set(err, TFA_EINPUT,
                             "shard %u/%u has no workspace to audit (use fewer shards)",
                             a->o.shard_index, a->o.shard_count);
    if (a->n_jobs == 0)
        return tfa_error_set(err, TFA_EINPUT, "no workspace to audit");
    r->shard_index = a->o.shard_index;
    r->shard_count = a->o.shard_count;
    tfa_sort(a->jobs, a->n_jobs, sizeof(*a->jobs), job_by_name);
    snprintf(r->id, sizeof(r->id), "%s", a->id);
    r->time = a->o.now;
    r->previous_time = a->prev.time;
    if (a->prev.id && !(r->previous = tfa_strdup(a->prev.id)))
        return tfa_error_oom(err);
    if (!(uses = tfa_calloc(a->n_jobs, sizeof(*uses))))
        return tfa_error_oom(err);
    for (i = 0; i < a->n_jobs; i++)
        uses[i] = a->jobs[i]->kd_uses;
    rc = tfa__audit_kd_notes(r, uses, a->n_jobs);
    tfa_free(uses);
    if (rc != 0)
        return tfa_error_oom(err);
    for (i = 0; i < a->n_jobs; i++)
        tfa__audit_add_totals(&r->totals, &a->jobs[i]->res);
    if ((rc = prepare_records(a, &e, err)) != 0 || (rc = put_summary(a, e, err)) != 0 ||
        (rc = tfa__audit_history_read(&r->history, &r->n_history, a->ledger, a->id, e, a->n_jobs,
                                      a->o.history ? a->o.history : 30, err)) != 0)
        goto done;
    if (!(r->ws = tfa_calloc(a->n_jobs, sizeof(*r->ws)))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_ledger_append_batch(a->ledger, e, a->n_jobs, &first, err)) != 0)
        goto done;
    r->first_record = first;
    r->last_record = first + (int64_t)a->n_jobs - 1;
    for (i = 0; i < a->n_jobs; i++) { /* hand the results over */
        r->ws[i] = a->jobs[i]->res;
        r->ws[i].ledger_id = first + (int64_t)i;
        memset(&a->jobs[i]->res, 0, sizeof(a->jobs[i]->res));
    }
    r->n_ws = a->n_jobs;
    /* the records are in the ledger and nothing refers to them: freeing
     * hundreds of JSON trees overlaps the caller's reports instead of
     * following them (if no thread starts, tfa_audit_free does it) */
    a->dropping = pthread_create(&a->dropper, NULL, drop_records, a) == 0;
done:
    tfa_free(e);
    return rc;
}

void tfa_audit_free(tfa_audit *a)
{
    size_t i;
    if (!a)
        return;
    if (a->dropping)
        pthread_join(a->dropper, NULL);
    if (a->n_threads)
        join_threads(a);
    for (i = 0; i < a->n_jobs; i++)
        free_job(a->jobs[i]);
    tfa_free(a->jobs);
    tfa_strindex_release(&a->names);
    tfa_free(a->threads);
    tfa__audit_prev_release(&a->prev);
    pthread_cond_destroy(&a->cv_work);
    pthread_cond_destroy(&a->cv_done);
    pthread_mutex_destroy(&a->mu);
    tfa_free(a);
}
