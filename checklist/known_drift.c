/*
 * known_drift.c - accepted drift (see known_drift.h).
 */
#include "util/compat.h"

#include "util/utc.h"
#include "known_drift.h"
#include "recfile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/sort.h"
#include "value.h"

/* Longest field of an entry (a reason is a sentence or two). */
#define KD_FIELD_BYTES 4096

enum { K_ADDRESS, K_ATTRIBUTES, K_OWNER, K_EXPIRES, K_REASON, K_FIELDS };

static const tfa_recfile_field fields[K_FIELDS] = {{"address", "resource", 1},
                                                   {"attributes", "attribute", 0},
                                                   {"owner", NULL, 1},
                                                   {"expires", "expiry", 1},
                                                   {"reason", NULL, 1}};

static const tfa_recfile_spec spec = {"known drift entry",
                                      "known_drift",
                                      "address, owner, expires and reason (attributes optional)",
                                      fields,
                                      K_FIELDS,
                                      KD_FIELD_BYTES};

struct tfa_known_drift {
    tfa_recset rs; /* first: the record file's lifecycle (recfile.h) */
};

static tfa_known_drift_entry *items(const tfa_known_drift *kd)
{
    return kd->rs.items;
}

static int is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t';
}

/* Split "a, b.c ,d" into arena strings. */
static int split_attributes(tfa_known_drift *kd, tfa_known_drift_entry *x, const char *p,
                            size_t len)
{
    const char **v;
    size_t i = 0, n = 0, k;

    for (k = 0; k < len; k++)
        n += p[k] == ',';
    if (!(v = tfa_arena_calloc(kd->rs.arena, n + 1, sizeof(*v))))
        return TFA_ENOMEM;
    n = 0;
    while (i < len) {
        size_t s;
        while (i < len && is_sep(p[i]))
            i++;
        s = i;
        while (i < len && p[i] != ',')
            i++;
        k = i;
        while (k > s && is_sep(p[k - 1]))
            k--;
        if (k > s && !(v[n++] = tfa_arena_strndup(kd->rs.arena, p + s, k - s)))
            return TFA_ENOMEM;
    }
    x->attributes = v;
    x->n_attributes = n;
    return 0;
}

static int add(void *payload, const tfa_recfile_row *row, tfa_error *err)
{
    tfa_known_drift *kd = payload;
    tfa_known_drift_entry *x;
    const char *s[K_FIELDS];
    size_t k;
    long day;

    if (tfa_utc_parse_date(row->f[K_EXPIRES], row->len[K_EXPIRES], &day) != 0)
        return tfa_recfile_fail(kd->rs.name, row->line, row->cols[K_EXPIRES], err,
                                "invalid expiry date '%.*s' (YYYY-MM-DD)", (int)row->len[K_EXPIRES],
                                row->f[K_EXPIRES]);
    if (kd->rs.n == TFA_LIMIT_CHECKLIST_ITEMS)
        return tfa_recfile_fail(kd->rs.name, row->line, 1, err, "more than %d known drift entries",
                                TFA_LIMIT_CHECKLIST_ITEMS);
    for (k = 0; k < K_FIELDS; k++) {
        s[k] = NULL;
        if (row->f[k] && row->len[k] &&
            !(s[k] = tfa_arena_strndup(kd->rs.arena, row->f[k], row->len[k])))
            return tfa_error_oom(err);
    }
    if (!(x = tfa_recset_push(&kd->rs, sizeof(*x))))
        return tfa_error_oom(err);
    x->address = s[K_ADDRESS], x->owner = s[K_OWNER], x->reason = s[K_REASON];
    x->expires = s[K_EXPIRES], x->expires_day = day, x->attributes_text = s[K_ATTRIBUTES];
    x->source = kd->rs.name, x->line = row->line;
    if (s[K_ATTRIBUTES] && split_attributes(kd, x, s[K_ATTRIBUTES], strlen(s[K_ATTRIBUTES])) != 0)
        return tfa_error_oom(err);
    return 0;
}

int tfa_known_drift_parse(tfa_known_drift **out, const char *name, const char *text, size_t len,
                          tfa_error *err)
{
    tfa_recset *rs = NULL;
    int rc = tfa_recset_parse(&rs, sizeof(tfa_known_drift), &spec, name, text, len, add, err);
    *out = (tfa_known_drift *)rs;
    return rc;
}

int tfa_known_drift_load(tfa_known_drift **out, const char *path, tfa_error *err)
{
    tfa_recset *rs = NULL;
    int rc = tfa_recset_load(&rs, sizeof(tfa_known_drift), &spec, path, add, err);
    *out = (tfa_known_drift *)rs;
    return rc;
}

void tfa_known_drift_free(tfa_known_drift *kd)
{
    tfa_recset_free(kd ? &kd->rs : NULL);
}

size_t tfa_known_drift_count(const tfa_known_drift *kd)
{
    return kd ? kd->rs.n : 0;
}

const tfa_known_drift_entry *tfa_known_drift_at(const tfa_known_drift *kd, size_t i)
{
    return kd && i < kd->rs.n ? &items(kd)[i] : NULL;
}

void tfa_known_drift_entry_ref(const tfa_known_drift_entry *e, char *out, size_t size)
{
    snprintf(out, size, "%s:%lu", e->source, e->line);
}

/* ---- judging ------------------------------------------------------------------ */

/* Pattern `p` covers attribute path `path`: a glob match, or `path` lies
 * below what `p` names ("tags" covers "tags.owner" and "tags[\"a b\"]"). */
static int covers(const char *p, const char *path)
{
    size_t n = strlen(p);
    if (tfa_glob_match(p, path))
        return 1;
    return strncmp(p, path, n) == 0 && (path[n] == '.' || path[n] == '[');
}

/* Entry `e` accepts a record naming its changed paths. */
static int accepts(const tfa_known_drift_entry *e, const tfa_change *c)
{
    size_t i, k;
    if (!c->res.address || !tfa_glob_match(e->address, c->res.address))
        return 0;
    if (e->n_attributes == 0)
        return 1;
    if (c->n_changed == 0 || c->changed_truncated)
        return 0;
    for (i = 0; i < c->n_changed; i++) {
        for (k = 0; k < e->n_attributes && !covers(e->attributes[k], c->changed[i]); k++)
            ;
        if (k == e->n_attributes)
            return 0;
    }
    return 1;
}

typedef struct judge {
    const tfa_known_drift *kd;
    tfa_known_drift_result *r;
    long today;
    size_t *verdict; /* per drift record: entry index + 1, or 0 */
} judge;

/* The first valid entry accepting record `c` (index + 1), or 0; counts what
 * expired entries would have accepted. `paths_known` says whether an entry
 * with attributes can judge the record. */
static size_t first_accepting(judge *j, const tfa_change *c, int paths_known)
{
    size_t k, found = 0;
    for (k = 0; k < j->kd->rs.n; k++) {
        const tfa_known_drift_entry *e = &items(j->kd)[k];
        if (!paths_known && e->n_attributes > 0)
            continue;
        if (!accepts(e, c))
            continue;
        if (j->r->expired[k]) {
            j->r->would_match[k]++;
            continue;
        }
        if (!found)
            found = k + 1;
    }
    return found;
}

/* An address some record with attribute paths had accepted: its entry + 1. */
static size_t accepted_address(const judge *j, const tfa_run *run, const char *address)
{
    size_t i, n = tfa_run_change_count(run, TFA_LIST_DRIFT);
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        if (j->verdict[i] && c->n_changed && c->res.address && strcmp(c->res.address, address) == 0)
            return j->verdict[i];
    }
    return 0;
}

static int drop_accepted(const tfa_change *c, size_t i, void *payload)
{
    (void)c;
    return ((const judge *)payload)->verdict[i] != 0;
}

static int by_address(const void *a, const void *b)
{
    return strcmp(((const tfa_known_drift_accept *)a)->address,
                  ((const tfa_known_drift_accept *)b)->address);
}

/* List accepted addresses once each, sorted. */
static int collect(judge *j, const tfa_run *run, size_t n)
{
    tfa_known_drift_result *r = j->r;
    size_t i, k, m = 0;

    if (!(r->accepted = tfa_calloc(n ? n : 1, sizeof(*r->accepted))))
        return TFA_ENOMEM;
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        if (!j->verdict[i])
            continue;
        r->matched[j->verdict[i] - 1]++;
        for (k = 0; k < m && strcmp(r->accepted[k].address, c->res.address) != 0; k++)
            ;
        if (k < m)
            continue;
        if (!(r->accepted[m].address = tfa_strdup(c->res.address)))
            return TFA_ENOMEM;
        r->accepted[m].entry = j->verdict[i] - 1;
        r->n_accepted = ++m;
    }
    tfa_sort(r->accepted, m, sizeof(*r->accepted), by_address);
    return 0;
}

int tfa_known_drift_apply(tfa_known_drift_result *out, const tfa_known_drift *kd, tfa_run *run,
                          int64_t now, tfa_error *err)
{
    size_t n = tfa_run_change_count(run, TFA_LIST_DRIFT), i, ne = tfa_known_drift_count(kd);
    judge j;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    memset(&j, 0, sizeof(j));
    j.kd = kd, j.r = out, j.today = tfa_utc_day(now);
    out->n_entries = ne;
    out->matched = tfa_calloc(ne ? ne : 1, sizeof(size_t));
    out->would_match = tfa_calloc(ne ? ne : 1, sizeof(size_t));
    out->expired = tfa_calloc(ne ? ne : 1, 1);
    j.verdict = tfa_calloc(n ? n : 1, sizeof(size_t));
    if (!out->matched || !out->would_match || !out->expired || !j.verdict) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (ne == 0)
        goto done; /* nothing is known: all drift stays */
    for (i = 0; i < ne; i++)
        out->expired[i] = items(kd)[i].expires_day < j.today;
    /* records that name their changed paths first; then the others, which
     * follow the resource's verdict or need an entry without attributes */
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        if (c->n_changed)
            j.verdict[i] = first_accepting(&j, c, 1);
    }
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        if (c->n_changed || !c->res.address)
            continue;
        j.verdict[i] = accepted_address(&j, run, c->res.address);
        if (!j.verdict[i])
            j.verdict[i] = first_accepting(&j, c, 0);
    }
    if (collect(&j, run, n) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    out->removed = tfa_run_drop_changes(run, TFA_LIST_DRIFT, drop_accepted, &j);
done:
    tfa_free(j.verdict);
    return rc;
}

void tfa_known_drift_result_release(tfa_known_drift_result *r)
{
    size_t i;
    for (i = 0; r->accepted && i < r->n_accepted; i++)
        tfa_free(r->accepted[i].address);
    tfa_free(r->accepted);
    tfa_free(r->matched);
    tfa_free(r->would_match);
    tfa_free(r->expired);
    memset(r, 0, sizeof(*r));
}
