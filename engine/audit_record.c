/*
 * audit_record.c - the "audit" object each workspace's ledger record
 * carries (tfaudit.audit/1), reading the previous audit back, and the
 * names and the lifetime of results (audit.h).
 *
 *   {"format": "tfaudit.audit/1", "id": "audit-20261127T020000Z-1a2b3c4d",
 *    "previous": "audit-...", "state": "audited|missing|unreadable" (older
 *    records say "error" for unreadable; readers take both),
 *    "change": "present|new|returned|missing|still-missing", "error": null,
 *    "last_seen": "audit-...", "missing_streak": 0, "regressions": 1, "failing": 2,
 *    "shard": "2/4" (null when not sharded), "inputs": 3,
 *    "items": {"drift-free": {"status": "FAIL", "blocks": true, "streak": 2,
 *                             "delta": "recurring"}, ...},
 *    "drift": [{"address": "aws_s3_bucket.logs", "first_seen": "audit-...",
 *               "streak": 2, "new": false}],
 *    "resolved_drift": ["..."],
 *    "accepted": [{"address", "entry": "known-drift.md:4", "owner", "expires", "reason"}],
 *    "known_drift": [{"entry", "address", "owner", "expires", "matched", "expired",
 *                     "would_accept"}]}
 *
 * For a missing or unreadable workspace, "items" and "drift" are the last
 * known ones, carried forward (see audit.h). Only names, statuses, ids and
 * addresses: no attribute value can reach it.
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"
#include "util/sort.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Add `v` to the array `*doc` (key NULL) or the object under `key`. When
 * `v` could not be made or added (out of memory, a string json_pack
 * refused), `*doc` is freed and NULL: the record fails whole instead of
 * being written one entry short. Takes `v` in every case. */
static void add(json_t **doc, const char *key, json_t *v)
{
    int rc;
    if (!*doc) {
        json_decref(v);
        return;
    }
    rc = key ? json_object_set_new(*doc, key, v) : json_array_append_new(*doc, v);
    if (rc != 0) {
        json_decref(*doc);
        *doc = NULL;
    }
}

static json_t *items_json(const tfa_audit_ws *w)
{
    json_t *o = json_object();
    size_t i;
    for (i = 0; o && i < w->n_items; i++) {
        const tfa_audit_item *it = &w->items[i];
        add(&o, it->id,
            json_pack("{s:s, s:b, s:I, s:s}", "status", tfa_item_status_name(it->status), "blocks",
                      it->blocks, "streak", (json_int_t)it->streak, "delta",
                      tfa_audit_delta_name(it->delta)));
    }
    return o;
}

static json_t *drift_json(const tfa_audit_ws *w)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < w->n_drift; i++)
        add(&a, NULL,
            json_pack("{s:s, s:o, s:I, s:b}", "address", w->drift[i].address, "first_seen",
                      str_or_null(w->drift[i].first_seen), "streak", (json_int_t)w->drift[i].streak,
                      "new", w->drift[i].is_new));
    return a;
}

static json_t *accepted_json(const tfa_audit_ws *w)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < w->n_accepted; i++) {
        const tfa_audit_accepted *x = &w->accepted[i];
        add(&a, NULL,
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "address", x->address, "entry", x->entry,
                      "owner", x->owner, "expires", x->expires, "reason", x->reason));
    }
    return a;
}

json_t *tfa__audit_object(const tfa_audit_ws *w, const tfa_audit_result *r, const json_t *kd_uses)
{
    json_t *resolved = json_array(), *o;
    char shard[32];
    size_t i;

    for (i = 0; resolved && i < w->n_resolved_drift; i++)
        add(&resolved, NULL, json_string(w->resolved_drift[i]));
    o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o, "
                  "s:o}",
                  "format", TFA_AUDIT_FORMAT, "id", r->id, "previous", str_or_null(r->previous),
                  "state", tfa_audit_state_name(w->state), "change",
                  tfa_audit_change_name(w->change), "error", str_or_null(w->error), "last_seen",
                  str_or_null(w->last_seen), "missing_streak", (json_int_t)w->missing_streak,
                  "regressions", (json_int_t)w->regressions, "failing", (json_int_t)w->failing,
                  "items", items_json(w), "drift", drift_json(w), "resolved_drift",
                  resolved /* NULL fails the pack */, "accepted", accepted_json(w), "known_drift",
                  kd_uses ? json_deep_copy(kd_uses) : json_array());
    snprintf(shard, sizeof(shard), "%u/%u", r->shard_index, r->shard_count);
    if (o && (json_object_set_new(o, "shard", r->shard_count ? json_string(shard) : json_null()) ||
              json_object_set_new(o, "inputs", json_integer((json_int_t)w->n_inputs)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- audit-wide notes and totals ------------------------------------------------- */

static char *dup_opt(const char *s, int *oom)
{
    char *d = s ? tfa_strdup(s) : NULL;
    *oom |= s && !d;
    return d;
}

int tfa__audit_kd_notes(tfa_audit_result *r, const json_t *const *uses, size_t n_uses)
{
    json_t *agg = json_object(), *u, *e;
    const char *ref;
    size_t i, k;
    int oom = !agg;

    for (i = 0; !oom && i < n_uses; i++)
        json_array_foreach((json_t *)(uintptr_t)uses[i], k, u)
        {
            ref = json_string_value(json_object_get(u, "entry"));
            if (!(e = json_object_get(agg, ref))) {
                /* a copy: the sums below must not land in this workspace's
                 * own use, which its record carries */
                oom |= json_object_set_new(agg, ref, json_copy(u)) != 0;
                continue;
            }
            oom |= json_object_set_new(
                       e, "matched",
                       json_integer(json_integer_value(json_object_get(e, "matched")) +
                                    json_integer_value(json_object_get(u, "matched")))) != 0;
            oom |= json_object_set_new(
                       e, "would_accept",
                       json_integer(json_integer_value(json_object_get(e, "would_accept")) +
                                    json_integer_value(json_object_get(u, "would_accept")))) != 0;
        }
    if (!oom && !(r->kd_notes = tfa_calloc(json_object_size(agg) + 1, sizeof(*r->kd_notes))))
        oom = 1;
    json_object_foreach(agg, ref, e)
    {
        tfa_audit_kd_note *n;
        int expired = json_is_true(json_object_get(e, "expired"));
        if (oom || (!expired && json_integer_value(json_object_get(e, "matched")) > 0))
            continue;
        n = &r->kd_notes[r->n_kd_notes++];
        n->entry = dup_opt(ref, &oom);
        n->address = dup_opt(json_string_value(json_object_get(e, "address")), &oom);
        n->owner = dup_opt(json_string_value(json_object_get(e, "owner")), &oom);
        n->expires = dup_opt(json_string_value(json_object_get(e, "expires")), &oom);
        n->expired = expired;
        n->would_accept = (size_t)json_integer_value(json_object_get(e, "would_accept"));
        r->totals.expired_entries += expired;
        r->totals.stale_entries += !expired;
    }
    json_decref(agg);
    return oom ? TFA_ENOMEM : 0;
}

void tfa__audit_add_totals(tfa_audit_totals *t, const tfa_audit_ws *w)
{
    size_t i;
    t->workspaces++;
    t->go += w->go && w->state == TFA_AUDIT_AUDITED;
    t->nogo += !(w->go && w->state == TFA_AUDIT_AUDITED);
    t->audited += w->state == TFA_AUDIT_AUDITED;
    t->missing += w->state == TFA_AUDIT_MISSING;
    t->errors += w->state == TFA_AUDIT_UNREADABLE;
    t->regressions += w->regressions;
    t->new_workspaces += w->change == TFA_AUDIT_NEW;
    t->returned += w->change == TFA_AUDIT_RETURNED;
    t->went_missing += w->change == TFA_AUDIT_WENT_MISSING;
    t->resolved_drift += w->n_resolved_drift;
    t->accepted += w->n_accepted;
    if (w->state != TFA_AUDIT_AUDITED)
        return;
    for (i = 0; i < w->n_items; i++) {
        t->new_failures += w->items[i].delta == TFA_DELTA_NEW;
        t->resolved += w->items[i].delta == TFA_DELTA_RESOLVED;
        t->recurring += w->items[i].delta == TFA_DELTA_RECURRING;
    }
    for (i = 0; i < w->n_drift; i++) {
        t->new_drift += w->drift[i].is_new;
        t->persisting_drift += !w->drift[i].is_new;
    }
}

/* ---- the previous audit ------------------------------------------------------------- */

typedef struct prev_reader {
    tfa__audit_prev_set *set;
    size_t cap;
    int oom;
    const char *own_id; /* this audit's id when given: its shards' records are skipped */
    char own_shard[32]; /* "K/N" or "" (unsharded) */
    int64_t recorded;   /* a record of this very shard: the id of one */
} prev_reader;

/* Newest first: the first audit id seen (other than this audit's own, whose
 * other shards may be recorded already) is the latest audit. Its records
 * are contiguous among the audit records (each shard appends in one
 * transaction, audits do not overlap), so stop at a third id. v: the audit
 * object's text, its id, its shard. */
static int prev_row(const tfa_ledger_summary *s, const char *const *v, void *payload)
{
    prev_reader *r = payload;
    tfa__audit_prev_set *p = r->set;
    tfa__audit_prev *w;

    if (!v[0] || !v[1] || !s->workspace) /* not ours to judge: `ledger verify` checks records */
        return 0;
    if (r->own_id && strcmp(v[1], r->own_id) == 0) {
        if (!p->id && strcmp(v[2] ? v[2] : "", r->own_shard) == 0) {
            r->recorded = s->id;
            return 1;
        }
        return 0;
    }
    if (!p->id) {
        if (!(p->id = tfa_strdup(v[1])))
            return r->oom = 1;
        p->time = s->time;
    } else if (strcmp(p->id, v[1]) != 0) {
        return 1;
    }
    if (tfa_array_grow(&p->ws, &r->cap, p->n + 1, sizeof(*p->ws)) != 0)
        return r->oom = 1;
    w = &p->ws[p->n];
    w->name = tfa_strdup(s->workspace);
    w->audit = tfa_strdup(v[0]);
    p->n += w->name || w->audit; /* released whole by tfa__audit_prev_release */
    if (!w->name || !w->audit)
        return r->oom = 1;
    return 0;
}

static int prev_by_name(const void *a, const void *b)
{
    return strcmp(((const tfa__audit_prev *)a)->name, ((const tfa__audit_prev *)b)->name);
}

int tfa__audit_prev_read(tfa__audit_prev_set *out, tfa_ledger *ledger, const char *own_id,
                         unsigned shard_index, unsigned shard_count, tfa_error *err)
{
    prev_reader r;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    out->ledger = tfa_ledger_name(ledger);
    r.set = out;
    r.own_id = own_id;
    if (shard_count)
        snprintf(r.own_shard, sizeof(r.own_shard), "%u/%u", shard_index, shard_count);
    rc = tfa_ledger_list_audits(ledger, 1, prev_row, &r, err);
    if (r.oom)
        return tfa_error_oom(err);
    if (rc < 0)
        return rc;
    if (r.recorded) /* a retried job must not record its workspaces twice */
        return tfa_error_set(err, TFA_ECONFLICT, "audit %s%s%s is already recorded (record #%lld)",
                             own_id, *r.own_shard ? " shard " : "", r.own_shard,
                             (long long)r.recorded);
    tfa_sort(out->ws, out->n, sizeof(*out->ws), prev_by_name);
    return 0;
}

void tfa__audit_prev_release(tfa__audit_prev_set *p)
{
    size_t i;
    for (i = 0; i < p->n; i++) {
        tfa_free(p->ws[i].name);
        tfa_free(p->ws[i].audit);
    }
    tfa_free(p->ws);
    tfa_free(p->id);
    memset(p, 0, sizeof(*p));
}

int tfa__audit_prev_load(const tfa__audit_prev_set *p, const char *name, tfa__audit_prev_rec *rec,
                         int *found, tfa_error *err)
{
    size_t lo = 0, hi = p->n;
    tfa_error perr;
    int rc;

    memset(rec, 0, sizeof(*rec));
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->ws[mid].name, name);
        if (c < 0) {
            lo = mid + 1;
        } else if (c > 0) {
            hi = mid;
        } else {
            tfa_error_init(&perr);
            rc =
                tfa__audit_prev_parse(rec, name, p->ws[mid].audit, strlen(p->ws[mid].audit), &perr);
            if (rc == TFA_ENOMEM)
                return tfa_error_oom(err);
            if (rc != 0) { /* an edit no comparison should be trusted on */
                tfa_error_set_source(err, p->ledger);
                return tfa_error_set(err, TFA_EINPUT,
                                     "audit %s: the record of workspace '%s' cannot be read"
                                     " (column %lu: %s): edited? run `tfaudit ledger verify`",
                                     p->id, name, perr.column, perr.message);
            }
            *found = 1;
            return 0;
        }
    }
    return 0;
}

/* ---- names and the lifetime of results ------------------------------------------ */

const char *tfa_audit_state_name(tfa_audit_state s)
{
    static const char *const n[] = {"audited", "missing", "unreadable"};
    return (unsigned)s < 3 ? n[s] : "audited";
}

const char *tfa_audit_change_name(tfa_audit_change c)
{
    static const char *const n[] = {"present", "new", "returned", "missing", "still-missing"};
    return (unsigned)c < 5 ? n[c] : "present";
}

const char *tfa_audit_delta_name(tfa_audit_delta d)
{
    static const char *const n[] = {"none", "new", "resolved", "recurring"};
    return (unsigned)d < 4 ? n[d] : "none";
}

void tfa__audit_ws_reset(tfa_audit_ws *w)
{
    size_t i;
    for (i = 0; i < w->n_items; i++) {
        tfa_free(w->items[i].id);
        tfa_free(w->items[i].title);
        tfa_free(w->items[i].reason);
    }
    tfa_free(w->items);
    for (i = 0; i < w->n_drift; i++) {
        tfa_free(w->drift[i].address);
        tfa_free(w->drift[i].first_seen);
    }
    tfa_free(w->drift);
    for (i = 0; i < w->n_resolved_drift; i++)
        tfa_free(w->resolved_drift[i]);
    tfa_free(w->resolved_drift);
    for (i = 0; i < w->n_accepted; i++) {
        tfa_free(w->accepted[i].address);
        tfa_free(w->accepted[i].entry);
        tfa_free(w->accepted[i].owner);
        tfa_free(w->accepted[i].expires);
        tfa_free(w->accepted[i].reason);
    }
    tfa_free(w->accepted);
    for (i = 0; i < w->n_skipped; i++)
        tfa_free(w->skipped[i]);
    tfa_free(w->skipped);
    w->skipped = NULL, w->n_skipped = 0;
    w->items = NULL, w->n_items = 0, w->drift = NULL, w->n_drift = 0;
    w->resolved_drift = NULL, w->n_resolved_drift = 0, w->accepted = NULL, w->n_accepted = 0;
    w->failing = 0, w->go = 0;
}

void tfa__audit_ws_release(tfa_audit_ws *w)
{
    tfa__audit_ws_reset(w);
    tfa_free(w->name);
    tfa_free(w->error);
    tfa_free(w->last_seen);
    memset(w, 0, sizeof(*w));
}

void tfa_audit_result_release(tfa_audit_result *r)
{
    size_t i;
    for (i = 0; i < r->n_ws; i++)
        tfa__audit_ws_release(&r->ws[i]);
    tfa_free(r->ws);
    for (i = 0; i < r->n_kd_notes; i++) {
        tfa_free(r->kd_notes[i].entry);
        tfa_free(r->kd_notes[i].address);
        tfa_free(r->kd_notes[i].owner);
        tfa_free(r->kd_notes[i].expires);
    }
    tfa_free(r->kd_notes);
    tfa_free(r->previous);
    tfa_audit_summaries_free(r->history, r->n_history);
    memset(r, 0, sizeof(*r));
}

int tfa_audit_has_regression(const tfa_audit_result *r)
{
    return r->totals.regressions > 0;
}

int tfa_audit_has_failure(const tfa_audit_result *r)
{
    return r->totals.nogo > 0;
}
