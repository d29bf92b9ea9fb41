/*
 * ledger_read.c - reading the ledger back: one record, listings, JSON
 * queries (see ledger.h), the same over either backend. Nothing here
 * writes, so all of it works on a ledger opened read-only.
 */
#include "util/compat.h"

#include "ledger_priv.h"
#include "util/alloc.h"

typedef struct get_ctx {
    tfa_ledger *l;
    tfa_ledger_record *rec;
    tfa_error *err;
    int rc;
} get_ctx;

static int record_from_row(const tfa__ledger_row *row, void *payload)
{
    get_ctx *g = payload;
    tfa_ledger_record *r = tfa_calloc(1, sizeof(*r));
    json_t *env = NULL;
    int oom = !r;

    g->rc = 0;
    if (!r) {
        g->rc = tfa_error_oom(g->err);
        return 1;
    }
    r->id = row->seq;
    r->time = row->time;
    r->workspace = tfa__ledger_dup(row->workspace, &oom);
    r->window = tfa__ledger_dup(row->window, &oom);
    r->operator_name = tfa__ledger_dup(row->operator_name, &oom);
    r->verdict = tfa__ledger_dup(row->verdict, &oom);
    r->tool_version = tfa__ledger_dup(row->tool_version, &oom);
    snprintf(r->prev_hash, sizeof(r->prev_hash), "%s", row->prev_hash ? row->prev_hash : "");
    snprintf(r->hash, sizeof(r->hash), "%s", row->hash ? row->hash : "");
    r->signature = tfa__ledger_dup(row->signature, &oom);
    r->body_len = row->body ? row->body_len : 0;
    r->body = tfa_strndup(row->body ? row->body : "", r->body_len);
    oom |= !r->body;
    if (!oom) {
        env = json_loadb(r->body, r->body_len, JSON_ALLOW_NUL, NULL);
        r->record = json_incref(json_object_get(env, "record"));
        r->key_id = tfa__ledger_dup(json_string_value(json_object_get(env, "key")), &oom);
        json_decref(env);
        if (!json_is_object(r->record)) {
            tfa_error_set(g->err, TFA_EINPUT,
                          "record %lld is not readable JSON; run 'tfaudit ledger verify'",
                          (long long)r->id);
            tfa_error_set_source(g->err, g->l->path);
            g->rc = TFA_EINPUT;
        }
    }
    if (oom)
        g->rc = tfa_error_oom(g->err);
    if (g->rc)
        tfa_ledger_record_free(r);
    else
        g->rec = r;
    return 1;
}

int tfa_ledger_get(tfa_ledger_record **out, tfa_ledger *ledger, int64_t id, tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    get_ctx g = {ledger, NULL, err, 0};
    int rc;

    *out = NULL;
    s.from_seq = s.to_seq = id;
    s.with_body = 1;
    if (id < 1) {
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no ledger record %lld", (long long)id);
        tfa_error_set_source(err, ledger->path);
        return rc;
    }
    rc = ledger->be->scan(ledger, &s, record_from_row, &g, err);
    if (rc < 0)
        return rc;
    if (g.rc)
        return g.rc;
    if (!g.rec) {
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no ledger record %lld", (long long)id);
        tfa_error_set_source(err, ledger->path);
        return rc;
    }
    *out = g.rec;
    return 0;
}

typedef struct list_ctx {
    tfa_ledger_list_cb cb;
    tfa_ledger_json_cb json_cb;
    tfa_ledger_summary_cb summary_cb;
    void *payload;
} list_ctx;

static void summary_of(tfa_ledger_summary *s, const tfa__ledger_row *row)
{
    s->id = row->seq;
    s->time = row->time;
    s->workspace = row->workspace;
    s->window = row->window;
    s->operator_name = row->operator_name;
    s->verdict = row->verdict;
    s->tool_version = row->tool_version;
    s->hash = row->hash;
}

static int list_row(const tfa__ledger_row *row, void *payload)
{
    list_ctx *c = payload;
    tfa_ledger_summary s;
    summary_of(&s, row);
    return c->cb(&s, c->payload);
}

int tfa_ledger_list(tfa_ledger *ledger, const tfa_ledger_filter *filter, tfa_ledger_list_cb cb,
                    void *payload, tfa_error *err)
{
    tfa_ledger_filter all = TFA_LEDGER_FILTER_INIT;
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    list_ctx c = {cb, NULL, NULL, payload};

    if (!filter)
        filter = &all;
    s.workspace = filter->workspace;
    s.since = filter->since;
    s.verdict = filter->verdict;
    return ledger->be->scan(ledger, &s, list_row, &c, err);
}

static int json_row(const tfa__ledger_row *row, void *payload)
{
    list_ctx *c = payload;
    tfa_ledger_summary s;
    summary_of(&s, row);
    return c->json_cb(&s, row->values, c->payload);
}

int tfa_ledger_list_json(tfa_ledger *ledger, const tfa_ledger_json_query *q, tfa_ledger_json_cb cb,
                         void *payload, tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    list_ctx c = {NULL, cb, NULL, payload};
    size_t i;

    if (q->n_paths == 0 || q->n_paths > TFA_LEDGER_JSON_PATHS)
        return tfa_error_set(err, TFA_EUSAGE, "between 1 and %d JSON paths", TFA_LEDGER_JSON_PATHS);
    /* one path form both backends read alike */
    for (i = 0; i < q->n_paths; i++)
        if (!tfa__ledger_path_keys(q->paths[i]))
            return tfa_error_set(err, TFA_EUSAGE, "unsupported JSON path '%s' (use $.key.key)",
                                 q->paths[i] ? q->paths[i] : "");
    s.since = q->since;
    s.descending = q->descending;
    s.workspace = q->workspace;
    if (q->before_seq > 0) {
        if (q->before_seq == 1)
            return 0; /* nothing before record 1 */
        s.to_seq = q->before_seq - 1;
    }
    s.paths = q->paths;
    s.n_paths = q->n_paths;
    return ledger->be->scan(ledger, &s, json_row, &c, err);
}

static int summary_row(const tfa__ledger_row *row, void *payload)
{
    list_ctx *c = payload;
    tfa_ledger_summary s;
    summary_of(&s, row);
    return c->summary_cb(&s, row->audit_summary, c->payload);
}

static int audit_row(const tfa__ledger_row *row, void *payload)
{
    list_ctx *c = payload;
    const char *v[3] = {row->audit, row->audit_id, row->audit_shard};
    tfa_ledger_summary s;
    summary_of(&s, row);
    return c->json_cb(&s, v, c->payload);
}

int tfa_ledger_list_audit_summaries(tfa_ledger *ledger, int64_t since, int descending,
                                    tfa_ledger_summary_cb cb, void *payload, tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    list_ctx c = {NULL, NULL, cb, payload};

    s.since = since;
    s.descending = descending;
    s.with_summary = 1;
    s.only_summaries = 1;
    return ledger->be->scan(ledger, &s, summary_row, &c, err);
}

int tfa_ledger_list_audits(tfa_ledger *ledger, int descending, tfa_ledger_json_cb cb, void *payload,
                           tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    list_ctx c = {NULL, cb, NULL, payload};

    s.descending = descending;
    s.with_summary = 1;
    s.only_audits = 1;
    return ledger->be->scan(ledger, &s, audit_row, &c, err);
}
