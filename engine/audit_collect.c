/*
 * audit_collect.c - sharded audits (see audit.h): which shard a workspace
 * belongs to, and an audit read back from the ledger, every shard's
 * records, into one result for the reports (`tfaudit audit finish`).
 *
 * Each record holds what the report needs: the verdict record (items with
 * their titles, levels and reasons; skipped members) and the "audit" object
 * (audit_record.c: state, change, deltas, streaks, drift, accepted drift,
 * known-drift uses, the shard). Nothing is recomputed: the comparison with
 * the previous audit was made by each shard when it recorded, and reading
 * it back gives the same report an unsharded audit printed.
 */
#include "util/compat.h"

#include "audit_priv.h"
#include "util/alloc.h"
#include "util/sha256.h"
#include "util/sort.h"

int tfa_audit_id_check(const char *id, tfa_error *err)
{
    size_t i, n = strlen(id);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok)
            break;
    }
    if (n == 0 || n >= TFA_AUDIT_ID_SIZE || i < n)
        return tfa_error_set(err, TFA_EUSAGE,
                             "invalid audit id (1 to %d letters, digits, '.', '_' or '-', "
                             "starting with a letter or digit)",
                             TFA_AUDIT_ID_SIZE - 1);
    return 0;
}

static int parse_uint(const char **p, unsigned *out)
{
    unsigned long v = 0;
    const char *s = *p;
    if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
        return -1;
    while (*s >= '0' && *s <= '9' && v <= TFA_AUDIT_SHARDS_MAX)
        v = v * 10 + (unsigned long)(*s++ - '0');
    if (v > TFA_AUDIT_SHARDS_MAX)
        return -1;
    *out = (unsigned)v;
    *p = s;
    return 0;
}

int tfa_audit_shard_parse(const char *text, unsigned *k, unsigned *n, tfa_error *err)
{
    const char *p = text;
    if (parse_uint(&p, k) != 0 || *p++ != '/' || parse_uint(&p, n) != 0 || *p || *k < 1 || *k > *n)
        return tfa_error_set(err, TFA_EUSAGE, "invalid shard '%s' (K/N, 1 <= K <= N <= %d)", text,
                             TFA_AUDIT_SHARDS_MAX);
    return 0;
}

unsigned tfa_audit_shard_of(const char *workspace, unsigned n)
{
    unsigned char d[TFA_SHA256_BYTES];
    uint64_t h = 0;
    int i;
    if (n <= 1)
        return 1;
    tfa_sha256_digest(workspace, strlen(workspace), d);
    for (i = 0; i < 8; i++)
        h = h << 8 | d[i];
    return (unsigned)(h % n) + 1;
}

/* ---- reading an audit back ----------------------------------------------------------- */

typedef struct collector {
    const char *id;
    tfa_audit_result *r;
    size_t cap;
    json_t **uses; /* each record's "known_drift" */
    size_t uses_cap;
    unsigned n_shards;   /* from the first record; 0: unsharded */
    unsigned char *seen; /* [n_shards]: shards that recorded */
    char *previous;      /* the first record's "previous" ("" for none) */
    int done;            /* passed the audit's records (newest first) */
    tfa_error *err;
    int rc;
} collector;

static char *dup_or_null(const char *s, int *oom)
{
    char *d = s ? tfa_strdup(s) : NULL;
    *oom |= s && !d;
    return d;
}

static const char *sget(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int parse_state(const char *s, tfa_audit_state *out)
{
    if (!s)
        return -1;
    *out = strcmp(s, "missing") == 0                                 ? TFA_AUDIT_MISSING
           : strcmp(s, "unreadable") == 0 || strcmp(s, "error") == 0 ? TFA_AUDIT_UNREADABLE
                                                                     : TFA_AUDIT_AUDITED;
    return strcmp(s, "audited") == 0 || *out != TFA_AUDIT_AUDITED ? 0 : -1;
}

static int parse_name(const char *s, const char *const *names, int n)
{
    int i;
    for (i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* The items, in the verdict's order, with the audit object's deltas. */
static int fill_items(tfa_audit_ws *w, const json_t *verdict_items, const json_t *audit_items,
                      int *oom)
{
    static const char *const levels[] = {"hard", "soft", "advisory"};
    static const char *const statuses[] = {"PASS", "FAIL", "WAIVED", "PENDING", "ERROR"};
    static const char *const deltas[] = {"none", "new", "resolved", "recurring"};
    const json_t *v;
    size_t i;

    if (!(w->items = tfa_calloc(json_array_size(verdict_items) + 1, sizeof(*w->items))))
        return *oom = 1;
    json_array_foreach((json_t *)(uintptr_t)verdict_items, i, v)
    {
        tfa_audit_item *it = &w->items[w->n_items];
        const json_t *a = json_object_get(audit_items, sget(v, "id") ? sget(v, "id") : "");
        int level = parse_name(sget(v, "level"), levels, 3);
        int status = parse_name(sget(v, "status"), statuses, 5);
        int delta = parse_name(sget(a, "delta"), deltas, 4);
        if (!sget(v, "id") || level < 0 || status < 0 || !a || delta < 0)
            return -1;
        it->id = dup_or_null(sget(v, "id"), oom);
        it->title = dup_or_null(sget(v, "title"), oom);
        it->level = levels[level];
        it->status = (tfa_item_status)status;
        it->blocks = json_is_true(json_object_get(a, "blocks"));
        it->reason = dup_or_null(sget(v, "reason"), oom);
        it->delta = (tfa_audit_delta)delta;
        it->streak = (unsigned)json_integer_value(json_object_get(a, "streak"));
        w->n_items++;
    }
    return 0;
}

/* A workspace judged on no input: its last known items, carried forward
 * in the audit object (audit_compare.c), reported as the audit did. */
static int carried_items(tfa_audit_ws *w, const json_t *audit_items, int *oom)
{
    static const char *const statuses[] = {"PASS", "FAIL", "WAIVED", "PENDING", "ERROR"};
    const char *key;
    const json_t *a;

    if (!(w->items = tfa_calloc(json_object_size(audit_items) + 1, sizeof(*w->items))))
        return *oom = 1;
    json_object_foreach((json_t *)(uintptr_t)audit_items, key, a)
    {
        tfa_audit_item *it = &w->items[w->n_items++];
        int status = parse_name(sget(a, "status"), statuses, 5);
        it->id = dup_or_null(key, oom);
        it->level = "hard";
        it->status = status < 0 ? TFA_ITEM_ERROR : (tfa_item_status)status;
        it->blocks = json_is_true(json_object_get(a, "blocks"));
        it->streak = (unsigned)json_integer_value(json_object_get(a, "streak"));
    }
    if (!*oom)
        tfa__audit_sort_carried(w);
    return 0;
}

static int fill_lists(tfa_audit_ws *w, const json_t *audit, const json_t *skipped, int *oom)
{
    const json_t *drift = json_object_get(audit, "drift"),
                 *acc = json_object_get(audit, "accepted");
    const json_t *res = json_object_get(audit, "resolved_drift"), *x;
    size_t i;

    w->drift = tfa_calloc(json_array_size(drift) + 1, sizeof(*w->drift));
    w->accepted = tfa_calloc(json_array_size(acc) + 1, sizeof(*w->accepted));
    w->resolved_drift = tfa_calloc(json_array_size(res) + 1, sizeof(*w->resolved_drift));
    w->skipped = tfa_calloc(json_array_size(skipped) + 1, sizeof(*w->skipped));
    if (!w->drift || !w->accepted || !w->resolved_drift || !w->skipped)
        return *oom = 1;
    json_array_foreach((json_t *)(uintptr_t)drift, i, x)
    {
        tfa_audit_drift *d = &w->drift[w->n_drift++];
        d->address = dup_or_null(sget(x, "address"), oom);
        d->first_seen = dup_or_null(sget(x, "first_seen"), oom);
        d->is_new = json_is_true(json_object_get(x, "new"));
        d->streak = (unsigned)json_integer_value(json_object_get(x, "streak"));
    }
    json_array_foreach((json_t *)(uintptr_t)acc, i, x)
    {
        tfa_audit_accepted *a = &w->accepted[w->n_accepted++];
        a->address = dup_or_null(sget(x, "address"), oom);
        a->entry = dup_or_null(sget(x, "entry"), oom);
        a->owner = dup_or_null(sget(x, "owner"), oom);
        a->expires = dup_or_null(sget(x, "expires"), oom);
        a->reason = dup_or_null(sget(x, "reason"), oom);
    }
    json_array_foreach((json_t *)(uintptr_t)res, i, x)
    {
        w->resolved_drift[w->n_resolved_drift++] = dup_or_null(json_string_value(x), oom);
    }
    json_array_foreach((json_t *)(uintptr_t)skipped, i, x)
    {
        const char *p = sget(x, "path"), *why = sget(x, "reason");
        size_t n = (p ? strlen(p) : 0) + (why ? strlen(why) : 0) + 3;
        char *s = tfa_malloc(n);
        if (!s)
            return *oom = 1;
        snprintf(s, n, "%s: %s", p ? p : "", why ? why : "");
        w->skipped[w->n_skipped++] = s;
    }
    return 0;
}

/* Which shard a record says it is, counted as seen; -1 when it does not
 * fit the shards seen before. */
static int note_shard(collector *c, const json_t *audit)
{
    const json_t *v = json_object_get(audit, "shard");
    unsigned k = 0, n = 0;
    tfa_error ignore;

    if (json_is_null(v) || !v) {
        if (c->r->n_ws && c->n_shards)
            return -1;
        return 0;
    }
    if (!json_is_string(v) || tfa_audit_shard_parse(json_string_value(v), &k, &n, &ignore) != 0)
        return -1;
    if (c->r->n_ws == 0) {
        if (!(c->seen = tfa_calloc(n, 1)))
            return -2;
        c->n_shards = n;
    } else if (n != c->n_shards) {
        return -1;
    }
    c->seen[k - 1] = 1;
    return 0;
}

static int collect_row(const tfa_ledger_summary *s, const char *const *v, void *payload)
{
    collector *c = payload;
    tfa_audit_result *r = c->r;
    json_t *audit = NULL, *items = NULL, *skipped = NULL;
    tfa_audit_ws *w;
    const char *prev;
    int oom = 0, bad = 0, sh;

    if (strcmp(v[0], c->id) != 0) { /* newer audits first, then ours, then the previous */
        if (!r->n_ws)
            return 0;
        if (c->previous && strcmp(v[0], c->previous) == 0)
            r->previous_time = s->time; /* its last record, as an unsharded audit reads it */
        return 1;
    }
    if (!v[1] || !(audit = json_loads(v[1], 0, NULL)) || !s->workspace ||
        (v[2] && !(items = json_loads(v[2], 0, NULL))) ||
        (v[3] && !(skipped = json_loads(v[3], 0, NULL)))) {
        bad = 1;
        goto done;
    }
    prev = sget(audit, "previous") ? sget(audit, "previous") : "";
    if ((sh = note_shard(c, audit)) == -2 ||
        tfa_array_grow(&r->ws, &c->cap, r->n_ws + 1, sizeof(*r->ws)) != 0 ||
        tfa_array_grow(&c->uses, &c->uses_cap, r->n_ws + 1, sizeof(*c->uses)) != 0) {
        oom = 1;
        goto done;
    }
    if (sh < 0) {
        c->rc = tfa_error_set(c->err, TFA_EINPUT,
                              "audit %s: record #%lld says shard %s, other records say %u shards",
                              c->id, (long long)s->id,
                              sget(audit, "shard") ? sget(audit, "shard") : "none", c->n_shards);
        goto done;
    }
    if (!c->previous) {
        if (!(c->previous = tfa_strdup(prev))) {
            oom = 1;
            goto done;
        }
    } else if (strcmp(c->previous, prev) != 0) {
        c->rc = tfa_error_set(c->err, TFA_EINPUT,
                              "audit %s: its shards were compared with different previous "
                              "audits ('%s', '%s'): run the audit again under a new id",
                              c->id, c->previous, prev);
        goto done;
    }
    w = &r->ws[r->n_ws];
    memset(w, 0, sizeof(*w));
    c->uses[r->n_ws] = json_incref(json_object_get(audit, "known_drift"));
    r->n_ws++;
    w->name = dup_or_null(s->workspace, &oom);
    w->ledger_id = s->id;
    w->go = s->verdict && strcmp(s->verdict, "GO") == 0;
    w->error = dup_or_null(sget(audit, "error"), &oom);
    w->last_seen = dup_or_null(sget(audit, "last_seen"), &oom);
    w->missing_streak = (unsigned)json_integer_value(json_object_get(audit, "missing_streak"));
    w->regressions = (size_t)json_integer_value(json_object_get(audit, "regressions"));
    w->failing = (size_t)json_integer_value(json_object_get(audit, "failing"));
    w->n_inputs = (size_t)json_integer_value(json_object_get(audit, "inputs"));
    {
        static const char *const changes[] = {"present", "new", "returned", "missing",
                                              "still-missing"};
        int ch = parse_name(sget(audit, "change"), changes, 5);
        bad |= ch < 0 || parse_state(sget(audit, "state"), &w->state) != 0;
        w->change = ch < 0 ? TFA_AUDIT_PRESENT : (tfa_audit_change)ch;
    }
    if (!bad && w->state != TFA_AUDIT_AUDITED) {
        if (carried_items(w, json_object_get(audit, "items"), &oom) != 0 ||
            fill_lists(w, audit, NULL, &oom) != 0)
            bad = !oom;
    } else if (!bad && (fill_items(w, items, json_object_get(audit, "items"), &oom) != 0 ||
                        fill_lists(w, audit, skipped, &oom) != 0)) {
        bad = !oom;
    }
    if (r->first_record == 0 || s->id < r->first_record)
        r->first_record = s->id;
    if (s->id > r->last_record)
        r->last_record = s->id;
    r->time = s->time; /* newest first: ends at the first shard's time */
done:
    if (bad && !c->rc)
        c->rc = tfa_error_set(c->err, TFA_EINPUT,
                              "ledger record #%lld of audit %s is not an audit record this "
                              "version reads",
                              (long long)s->id, c->id);
    if (oom && !c->rc)
        c->rc = tfa_error_oom(c->err);
    json_decref(audit);
    json_decref(items);
    json_decref(skipped);
    return c->rc ? 1 : 0;
}

static int ws_by_name(const void *a, const void *b)
{
    return strcmp(((const tfa_audit_ws *)a)->name, ((const tfa_audit_ws *)b)->name);
}

/* The shards that recorded nothing, named: "2, 4 of 4". */
static int missing_shards(collector *c)
{
    char list[256];
    size_t at = 0, n = 0;
    unsigned k;
    list[0] = '\0';
    for (k = 0; k < c->n_shards; k++)
        if (!c->seen[k]) {
            n++;
            if (at + 16 < sizeof(list))
                at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%u", at ? ", " : "", k + 1);
        }
    if (!n)
        return 0;
    return tfa_error_set(c->err, TFA_EINPUT,
                         "audit %s: shard%s %s%s of %u recorded nothing: run %s with --shard "
                         "K/%u --audit-id %s first; a shard that did not report is not clean",
                         c->id, n > 1 ? "s" : "", list, at + 16 >= sizeof(list) ? "..." : "",
                         c->n_shards, n > 1 ? "them" : "it", c->n_shards, c->id);
}

int tfa_audit_collect(tfa_audit_result *out, tfa_ledger *ledger, const char *id, size_t history,
                      tfa_error *err)
{
    static const char *const paths[] = {"$.gate.audit_id", "$.audit", "$.items", "$.skipped"};
    tfa_ledger_json_query q = {.paths = paths, .n_paths = 4, .since = INT64_MIN, .descending = 1};
    collector c;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.id = id, c.r = out, c.err = err;
    if ((rc = tfa_audit_id_check(id, err)) != 0)
        return rc;
    rc = tfa_ledger_list_json(ledger, &q, collect_row, &c, err);
    if (c.rc)
        rc = c.rc;
    else if (rc > 0)
        rc = 0;
    if (rc == 0 && out->n_ws == 0)
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no audit '%s' in the ledger", id);
    if (rc == 0 && c.n_shards)
        rc = missing_shards(&c);
    if (rc == 0) {
        snprintf(out->id, sizeof(out->id), "%s", id);
        out->shard_count = 0; /* the result covers every shard */
        if (*c.previous && !(out->previous = tfa_strdup(c.previous)))
            rc = tfa_error_oom(err);
        for (i = 0; rc == 0 && i < out->n_ws; i++)
            tfa__audit_add_totals(&out->totals, &out->ws[i]);
        if (rc == 0 && tfa__audit_kd_notes(out, (const json_t *const *)c.uses, out->n_ws) != 0)
            rc = tfa_error_oom(err);
    }
    if (rc == 0) {
        tfa_sort(out->ws, out->n_ws, sizeof(*out->ws), ws_by_name);
        rc = tfa_audit_history(&out->history, &out->n_history, ledger, NULL, INT64_MIN,
                               history ? history : 30, err);
    }
    for (i = 0; c.uses && i < out->n_ws; i++)
        json_decref(c.uses[i]);
    tfa_free(c.uses);
    tfa_free(c.seen);
    tfa_free(c.previous);
    return rc;
}
