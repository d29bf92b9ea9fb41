/*
 * audit_history.c - the audits of the ledger, one summary each, for the
 * audit report's charts and `tfaudit trend`. Reads each record's "audit"
 * object only (audit_record.c), extracted by SQLite, never the whole body.
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"

typedef struct hist {
    tfa_audit_summary *v;
    size_t n, cap;
    const char *workspace; /* only this workspace; NULL: all */
    int oom;
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
        if (streak > (json_int_t)s->longest_streak) {
            size_t n = strlen(ws) + strlen(key) + 2;
            char *name = tfa_malloc(n);
            if (!name) {
                *oom = 1;
                return;
            }
            snprintf(name, n, "%s/%s", ws, key);
            tfa_free(s->longest_streak_item);
            s->longest_streak_item = name;
            s->longest_streak = (unsigned)streak;
        }
    }
}

/* Count one workspace record of audit `id` (its "audit" object). */
static int add_record(hist *h, const char *id, int64_t time, const char *workspace,
                      const char *verdict, const json_t *audit)
{
    tfa_audit_summary *s;
    const char *state;

    if (h->workspace && (!workspace || strcmp(h->workspace, workspace) != 0))
        return 0;
    if (!(s = current(h, id, time)))
        return h->oom = 1;
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

/* Keep the last `last` summaries (0: all). */
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

/* Read the ledger's audits into `h`; 0 or a status with err set. */
static int read_ledger(hist *h, tfa_ledger *ledger, int64_t since, tfa_error *err)
{
    static const char *const paths[] = {"$.gate.audit_id", "$.audit"};
    tfa_ledger_json_query q = {paths, 2, INT64_MIN, 0};
    int rc;

    q.since = since;
    rc = tfa_ledger_list_json(ledger, &q, row, h, err);
    if (h->oom || rc > 0)
        return tfa_error_oom(err);
    return rc;
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
    *out = NULL, *n_out = 0;
    if ((rc = read_ledger(&h, ledger, since, err)) != 0) {
        tfa_audit_summaries_free(h.v, h.n);
        return rc;
    }
    keep_last(&h, last);
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
    *out = NULL, *n_out = 0;
    if ((rc = read_ledger(&h, ledger, INT64_MIN, err)) != 0) {
        tfa_audit_summaries_free(h.v, h.n);
        return rc;
    }
    /* the audit about to be recorded, counted as its records will read */
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
