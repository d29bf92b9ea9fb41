/*
 * audit_history.c - the audits of the ledger, one summary each, for the
 * audit report's charts and `tfaudit trend`. Reads each record's "audit"
 * object only (audit_record.c), extracted by SQLite, never the whole body.
 *
 * Newest first, stopping at the first record of the audit after the last
 * one wanted: the nightly audit reads its 30 audits of history, and its
 * cost must not grow with the ledger (a year of nights is millions of
 * records). The summaries are then put oldest first.
 *
 * Each audit (each shard of one) stores its own summary in the first
 * record it appends ("audit_summary", tfa__audit_summary_json), which the
 * ledger keeps in an indexed column: the history of all workspaces is read
 * from those, one small row per audit, and the cost of a night does not
 * grow with the number of workspaces times the nights shown. Audits
 * recorded before summaries existed are read from their records, as is the
 * history of one workspace (a summary covers every workspace).
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"

typedef struct hist {
    tfa_audit_summary *v;
    size_t n, cap;
    const char *workspace; /* only this workspace; NULL: all */
    size_t last;           /* audits wanted; 0: all */
    int64_t before_seq;    /* records: only those before this one (0: all) */
    size_t n_summarized;   /* v[0..n_summarized) came from stored summaries */
    int oom, full;
} hist;

static tfa_audit_summary *current(hist *h, const char *id, int64_t time)
{
    tfa_audit_summary *s;
    if (h->n && strcmp(h->v[h->n - 1].id, id) == 0)
        return &h->v[h->n - 1];
    if (tfa_array_grow(&h->v, &h->cap, h->n + 1, sizeof(*h->v)) != 0)
        return NULL;
    s = &h->v[h->n];
    memset(s, 0, sizeof(*s));
    if (!(s->id = tfa_strdup(id)))
        return NULL;
    s->time = time;
    h->n++;
    return s;
}

static void count_items(tfa_audit_summary *s, const json_t *audit, const char *ws, int *oom)
{
    const json_t *items = json_object_get(audit, "items"), *v;
    const char *key;
    json_object_foreach((json_t *)(uintptr_t)items, key, v)
    {
        json_int_t streak = json_integer_value(json_object_get(v, "streak"));
        if (!json_is_true(json_object_get(v, "blocks")))
            continue;
        s->failing++;
        /* the longest streak; on a tie the first "ws/item" by name, so the
         * order records are read in (newest first) does not matter */
        if (streak > (json_int_t)s->longest_streak ||
            (streak == (json_int_t)s->longest_streak && streak > 0)) {
            size_t n = strlen(ws) + strlen(key) + 2;
            char *name = tfa_malloc(n);
            if (!name) {
                *oom = 1;
                return;
            }
            snprintf(name, n, "%s/%s", ws, key);
            if (streak == (json_int_t)s->longest_streak && s->longest_streak_item &&
                strcmp(name, s->longest_streak_item) >= 0) {
                tfa_free(name);
                continue;
            }
            tfa_free(s->longest_streak_item);
            s->longest_streak_item = name;
            s->longest_streak = (unsigned)streak;
        }
    }
}

/* Count one workspace record of audit `id` (its "audit" object): records
 * come newest first, so an audit's summary ends at its first record. */
static int add_record(hist *h, const char *id, int64_t time, const char *workspace,
                      const char *verdict, const json_t *audit)
{
    tfa_audit_summary *s;
    const char *state;

    if (h->workspace && (!workspace || strcmp(h->workspace, workspace) != 0))
        return 0;
    if (h->last && h->n == h->last && strcmp(h->v[h->n - 1].id, id) != 0)
        return h->full = 1; /* an older audit than the ones wanted */
    if (!(s = current(h, id, time)))
        return h->oom = 1;
    if (time < s->time)
        s->time = time; /* an audit's time is its first record's */
    if (!audit)
        return 0;
    state = json_string_value(json_object_get(audit, "state"));
    s->workspaces++;
    s->regressions += (size_t)json_integer_value(json_object_get(audit, "regressions"));
    if (state && strcmp(state, "missing") == 0) {
        s->missing++, s->nogo++;
    } else if (state && (strcmp(state, "unreadable") == 0 || strcmp(state, "error") == 0)) {
        s->errors++, s->nogo++;
    } else {
        int go = verdict && strcmp(verdict, "GO") == 0;
        s->go += go, s->nogo += !go;
        s->drift += json_array_size(json_object_get(audit, "drift"));
        s->accepted += json_array_size(json_object_get(audit, "accepted"));
        count_items(s, audit, workspace ? workspace : "", &h->oom);
    }
    return h->oom;
}

static int summarized(const hist *h, const char *id)
{
    size_t i;
    for (i = 0; i < h->n_summarized; i++)
        if (strcmp(h->v[i].id, id) == 0)
            return 1;
    return 0;
}

static int row(const tfa_ledger_summary *r, const char *const *v, void *payload)
{
    hist *h = payload;
    json_t *audit;
    int rc;

    /* the summaries' audits are counted already (the query reads only
     * records before the oldest summary: older audits, by their records) */
    if (h->before_seq && summarized(h, v[0]))
        return 0;
    audit = v[1] ? json_loads(v[1], 0, NULL) : NULL;
    rc = add_record(h, v[0], r->time, r->workspace, r->verdict, audit);
    json_decref(audit);
    return rc;
}

typedef struct by_summary {
    hist *h;
    int64_t oldest_seq; /* the oldest record with a summary read (0: none) */
} by_summary;

static int summary_row(const tfa_ledger_summary *r, const char *text, void *payload);

/* Read the ledger's last h->last audits (newest first) into `h`: from the
 * stored summaries, then from the records of audits older than the oldest
 * summary (recorded before summaries existed); one workspace's history from
 * its records. 0 or a status with err set. */
static int read_ledger(hist *h, tfa_ledger *ledger, int64_t since, tfa_error *err)
{
    static const char *const paths[] = {"$.gate.audit_id", "$.audit"};
    tfa_ledger_json_query q = {.paths = paths, .n_paths = 2, .since = INT64_MIN, .descending = 1};
    by_summary b = {h, 0};
    int rc;

    q.since = since;
    q.workspace = h->workspace; /* one workspace's records, through its index */
    if (!h->workspace) {
        rc = tfa_ledger_list_audit_summaries(ledger, since, 1, summary_row, &b, err);
        if (h->oom || (rc > 0 && !h->full))
            return tfa_error_oom(err);
        if (rc < 0)
            return rc;
        if (h->full || b.oldest_seq == 1)
            return 0;
        if (b.oldest_seq) { /* older audits, without summaries */
            h->before_seq = b.oldest_seq;
            h->n_summarized = h->n;
            q.before_seq = b.oldest_seq;
        }
    }
    rc = tfa_ledger_list_json(ledger, &q, row, h, err);
    if (h->oom || (rc > 0 && !h->full))
        return tfa_error_oom(err);
    return rc < 0 ? rc : 0;
}

static void reverse(hist *h)
{
    size_t i;
    for (i = 0; i < h->n / 2; i++) {
        tfa_audit_summary t = h->v[i];
        h->v[i] = h->v[h->n - 1 - i];
        h->v[h->n - 1 - i] = t;
    }
}

/* Keep the last `last` summaries of an oldest-first list (0: all). */
static void keep_last(hist *h, size_t last)
{
    size_t drop = last && h->n > last ? h->n - last : 0, i;
    for (i = 0; i < drop; i++) {
        tfa_free(h->v[i].id);
        tfa_free(h->v[i].longest_streak_item);
    }
    if (drop)
        memmove(h->v, h->v + drop, (h->n - drop) * sizeof(*h->v));
    h->n -= drop;
}

/* Longest streak: the greater, on a tie the first "ws/item" by name. */
static int take_streak(tfa_audit_summary *s, unsigned streak, const char *name)
{
    char *copy;
    if (!name || streak == 0 || streak < s->longest_streak ||
        (streak == s->longest_streak && s->longest_streak_item &&
         strcmp(name, s->longest_streak_item) >= 0))
        return 0;
    if (!(copy = tfa_strdup(name)))
        return TFA_ENOMEM;
    tfa_free(s->longest_streak_item);
    s->longest_streak_item = copy;
    s->longest_streak = streak;
    return 0;
}

json_t *tfa__audit_summary_json(const char *id, const char *shard, const tfa_ledger_entry *pending,
                                size_t n)
{
    hist h;
    json_t *out = NULL;
    size_t i;

    memset(&h, 0, sizeof(h));
    for (i = 0; i < n && !h.oom; i++)
        add_record(&h, id, pending[i].time, pending[i].workspace, pending[i].verdict,
                   json_object_get(pending[i].record, "audit"));
    if (!h.oom && h.n == 1) {
        const tfa_audit_summary *s = &h.v[0];
        out =
            json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}",
                      "audit_id", id, "shard", shard, "workspaces", (json_int_t)s->workspaces, "go",
                      (json_int_t)s->go, "nogo", (json_int_t)s->nogo, "missing",
                      (json_int_t)s->missing, "errors", (json_int_t)s->errors, "regressions",
                      (json_int_t)s->regressions, "drift", (json_int_t)s->drift, "accepted",
                      (json_int_t)s->accepted, "failing", (json_int_t)s->failing, "longest_streak",
                      (json_int_t)s->longest_streak, "longest_streak_item", s->longest_streak_item);
    }
    tfa_audit_summaries_free(h.v, h.n);
    return out;
}

static size_t count_of(const json_t *o, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v > 0 ? (size_t)v : 0;
}

/* One audit's (or shard's) stored summary, added to its audit's. */
static int summary_row(const tfa_ledger_summary *r, const char *text, void *payload)
{
    by_summary *b = payload;
    hist *h = b->h;
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    const char *id = json_string_value(json_object_get(j, "audit_id"));
    tfa_audit_summary *s;

    if (!id) { /* not ours to judge: verify checks the column against the record */
        json_decref(j);
        return 0;
    }
    if (h->last && h->n == h->last && strcmp(h->v[h->n - 1].id, id) != 0) {
        json_decref(j);
        return h->full = 1;
    }
    if (!(s = current(h, id, r->time))) {
        json_decref(j);
        return h->oom = 1;
    }
    b->oldest_seq = r->id;
    if (r->time < s->time)
        s->time = r->time;
    s->workspaces += count_of(j, "workspaces");
    s->go += count_of(j, "go");
    s->nogo += count_of(j, "nogo");
    s->missing += count_of(j, "missing");
    s->errors += count_of(j, "errors");
    s->regressions += count_of(j, "regressions");
    s->drift += count_of(j, "drift");
    s->accepted += count_of(j, "accepted");
    s->failing += count_of(j, "failing");
    if (take_streak(s, (unsigned)count_of(j, "longest_streak"),
                    json_string_value(json_object_get(j, "longest_streak_item"))) != 0)
        h->oom = 1;
    json_decref(j);
    return h->oom;
}

void tfa_audit_summaries_free(tfa_audit_summary *s, size_t n)
{
    size_t i;
    for (i = 0; s && i < n; i++) {
        tfa_free(s[i].id);
        tfa_free(s[i].longest_streak_item);
    }
    tfa_free(s);
}

int tfa_audit_history(tfa_audit_summary **out, size_t *n_out, tfa_ledger *ledger,
                      const char *workspace, int64_t since, size_t last, tfa_error *err)
{
    hist h;
    int rc;

    memset(&h, 0, sizeof(h));
    h.workspace = workspace;
    h.last = last;
    *out = NULL, *n_out = 0;
    if ((rc = read_ledger(&h, ledger, since, err)) != 0) {
        tfa_audit_summaries_free(h.v, h.n);
        return rc;
    }
    reverse(&h);
    *out = h.v;
    *n_out = h.n;
    return 0;
}

int tfa__audit_history_read(tfa_audit_summary **out, size_t *n_out, tfa_ledger *ledger,
                            const char *id, const tfa_ledger_entry *pending, size_t n_pending,
                            size_t last, tfa_error *err)
{
    hist h;
    size_t i;
    int rc;

    memset(&h, 0, sizeof(h));
    h.last = last;
    *out = NULL, *n_out = 0;
    if ((rc = read_ledger(&h, ledger, INT64_MIN, err)) != 0) {
        tfa_audit_summaries_free(h.v, h.n);
        return rc;
    }
    reverse(&h);
    /* the audit about to be recorded, counted as its records will read
     * (joining its other shards' records when the ledger's newest audit is
     * this one) */
    h.last = 0;
    for (i = 0; i < n_pending && !h.oom; i++)
        add_record(&h, id, pending[i].time, pending[i].workspace, pending[i].verdict,
                   json_object_get(pending[i].record, "audit"));
    if (h.oom) {
        tfa_audit_summaries_free(h.v, h.n);
        return tfa_error_oom(err);
    }
    keep_last(&h, last);
    *out = h.v;
    *n_out = h.n;
    return 0;
}
