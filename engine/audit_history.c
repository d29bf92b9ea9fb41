/*
 * audit_history.c - the audits of the ledger, one summary each, for the
 * audit report's charts and `tfaudit trend`. Reads each record's "audit"
 * object only (audit_record.c), extracted by SQLite, never the whole body.
 *
 * Newest first, stopping at the first record of the audit after the last
 * one wanted: the nightly audit reads its 30 audits of history, and its
 * cost must not grow with the ledger (a year of nights is millions of
 * records). The summaries are then put oldest first.
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"

typedef struct hist {
    tfa_audit_summary *v;
    size_t n, cap;
    const char *workspace; /* only this workspace; NULL: all */
    size_t last;           /* audits wanted; 0: all */
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

static int row(const tfa_ledger_summary *r, const char *const *v, void *payload)
{
    hist *h = payload;
    json_t *audit = v[1] ? json_loads(v[1], 0, NULL) : NULL;
    int rc = add_record(h, v[0], r->time, r->workspace, r->verdict, audit);
    json_decref(audit);
    return rc;
}

/* Read the ledger's last h->last audits (newest first) into `h`; 0 or a
 * status with err set. */
static int read_ledger(hist *h, tfa_ledger *ledger, int64_t since, tfa_error *err)
{
    static const char *const paths[] = {"$.gate.audit_id", "$.audit"};
    tfa_ledger_json_query q = {paths, 2, INT64_MIN, 1};
    int rc;

    q.since = since;
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
