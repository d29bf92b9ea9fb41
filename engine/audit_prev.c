/*
 * audit_prev.c - what the comparison reads of a workspace's record in the
 * previous audit (audit_priv.h): its state, last sighting, missing streak,
 * items and drift, read with the parsers' tokenizer into the structs the
 * comparison works on.
 *
 * Why not jansson: it built a tree of hash tables for each object only for
 * a dozen values to be read from it, 20 us an 830-byte object, most of what
 * comparing 2,000 workspaces with the previous audit cost (issue 18: night
 * 60 against night 1). Members the comparison does not read are skipped
 * unparsed by the tokenizer, which still checks them.
 *
 * The text is the record's canonical JSON (PostgreSQL's jsonb text from
 * that backend), read back from the ledger. A value of the wrong type, a
 * member given twice or an item id given twice is an edit, not something
 * to guess around: the audit stops with an error naming the workspace and
 * pointing at `ledger verify`, which checks the column against the record.
 */
#include "util/compat.h"

#include <limits.h>

#include "audit_priv.h"
#include "jsonread.h"
#include "stream.h"
#include "util/alloc.h"
#include "util/sort.h"

typedef struct reader {
    tfa_scan *sc;
    tfa_buf text; /* decoded strings */
    tfa_error *err;
} reader;

/* The members read at each level, as bits, so a second one is refused. */
enum { M_STATE = 1, M_LAST_SEEN = 2, M_MISSING = 4, M_ITEMS = 8, M_DRIFT = 16 };
enum { I_BLOCKS = 1, I_STREAK = 2, I_STATUS = 4 };
enum { D_ADDRESS = 1, D_FIRST_SEEN = 2, D_STREAK = 4 };

/* A string or null value: a copy, or NULL for null. */
static int take_str(reader *r, const tfa_token *t, const char *what, char **out)
{
    int rc = tfa_json_string(r->sc, t, what, &r->text, r->err);
    tfa_free(*out);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!(*out = tfa_strndup(r->text.ptr, r->text.len)))
        return tfa_error_oom(r->err);
    return 0;
}

static int take_count(reader *r, const tfa_token *t, const char *what, unsigned *out)
{
    long long v = 0;
    int rc = tfa_json_integer(r->sc, t, what, 0, UINT_MAX, &v, r->err);
    *out = (unsigned)v;
    return rc < 0 ? rc : 0;
}

static tfa_item_status status_of(const char *name)
{
    size_t s;
    for (s = 0; s < TFA_ITEM_STATUS_COUNT; s++)
        if (name && strcmp(tfa_item_status_name((tfa_item_status)s), name) == 0)
            return (tfa_item_status)s;
    return TFA_ITEM_ERROR; /* a status this build does not know cannot have passed */
}

/* One item: {"blocks": b, "streak": n, "status": "PASS", ...}. */
static int read_item(reader *r, tfa_audit_item *it)
{
    tfa_token k, v;
    unsigned seen = 0;
    char *status = NULL;
    int rc;

    if ((rc = tfa_json_expect(r->sc, &v, TFA_TOK_OBJ, "items.*", r->err)) != 0)
        return rc;
    while ((rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = tfa_scan_next(r->sc, &v, r->err)) != 0)
            break;
        if (tfa_token_is(&k, "blocks")) {
            rc = tfa_json_once(r->sc, &k, &seen, I_BLOCKS, "blocks", r->err);
            rc = rc ? rc : tfa_json_bool(r->sc, &v, "blocks", &it->blocks, r->err);
        } else if (tfa_token_is(&k, "streak")) {
            rc = tfa_json_once(r->sc, &k, &seen, I_STREAK, "streak", r->err);
            rc = rc ? rc : take_count(r, &v, "streak", &it->streak);
        } else if (tfa_token_is(&k, "status")) {
            rc = tfa_json_once(r->sc, &k, &seen, I_STATUS, "status", r->err);
            rc = rc ? rc : take_str(r, &v, "status", &status);
        } else {
            rc = tfa_scan_skip(r->sc, &v, r->err);
        }
        if (rc < 0)
            break;
    }
    it->status = status_of(status); /* none: cannot have passed either */
    it->level = "hard";
    tfa_free(status);
    return rc;
}

static int item_by_id(const void *a, const void *b)
{
    return strcmp(((const tfa_audit_item *)a)->id, ((const tfa_audit_item *)b)->id);
}

/* "items": {"<id>": {...}, ...}, kept sorted by id (binary search). */
static int read_items(reader *r, const tfa_token *open, tfa__audit_prev_rec *rec)
{
    tfa_token k;
    size_t cap = 0, i;
    int rc;

    if (open->type == TFA_TOK_NULL)
        return 0;
    if (open->type != TFA_TOK_OBJ)
        return tfa_scan_fail(r->sc, r->err, &open->pos, TFA_EINPUT, "\"items\" is not an object");
    while ((rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type == TFA_TOK_KEY) {
        tfa_audit_item *it;
        tfa_buf_clear(&r->text);
        if (tfa_array_grow(&rec->items, &cap, rec->n_items + 1, sizeof(*rec->items)) != 0 ||
            tfa_scan_decode(&k, &r->text) != 0)
            return tfa_error_oom(r->err);
        it = memset(&rec->items[rec->n_items], 0, sizeof(*it));
        if (!(it->id = tfa_strndup(r->text.ptr, r->text.len)))
            return tfa_error_oom(r->err);
        rec->n_items++;
        if ((rc = read_item(r, it)) != 0)
            return rc;
    }
    if (rc != 0)
        return rc;
    tfa_sort(rec->items, rec->n_items, sizeof(*rec->items), item_by_id);
    for (i = 1; i < rec->n_items; i++)
        if (strcmp(rec->items[i - 1].id, rec->items[i].id) == 0)
            return tfa_scan_fail(r->sc, r->err, &open->pos, TFA_EINPUT,
                                 "item \"%s\" given twice in \"items\"", rec->items[i].id);
    return 0;
}

/* One drift entry: {"address": "...", "first_seen": "audit-..."|null, "streak": n, ...}. */
static int read_drift_entry(reader *r, const tfa_token *open, tfa_audit_drift *d)
{
    tfa_token k, v;
    unsigned seen = 0;
    int rc;

    if (open->type != TFA_TOK_OBJ)
        return tfa_scan_fail(r->sc, r->err, &open->pos, TFA_EINPUT,
                             "a \"drift\" entry is not an object");
    while ((rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = tfa_scan_next(r->sc, &v, r->err)) != 0)
            break;
        if (tfa_token_is(&k, "address")) {
            rc = tfa_json_once(r->sc, &k, &seen, D_ADDRESS, "address", r->err);
            rc = rc ? rc : take_str(r, &v, "address", &d->address);
        } else if (tfa_token_is(&k, "first_seen")) {
            rc = tfa_json_once(r->sc, &k, &seen, D_FIRST_SEEN, "first_seen", r->err);
            rc = rc ? rc : take_str(r, &v, "first_seen", &d->first_seen);
        } else if (tfa_token_is(&k, "streak")) {
            rc = tfa_json_once(r->sc, &k, &seen, D_STREAK, "streak", r->err);
            rc = rc ? rc : take_count(r, &v, "streak", &d->streak);
        } else {
            rc = tfa_scan_skip(r->sc, &v, r->err);
        }
        if (rc < 0)
            return rc;
    }
    if (rc == 0 && !d->address) /* what would it be compared by? */
        rc = tfa_scan_fail(r->sc, r->err, &open->pos, TFA_EINPUT,
                           "a \"drift\" entry without an address");
    return rc;
}

/* "drift": [{...}, ...], in the record's order. */
static int read_drift(reader *r, const tfa_token *open, tfa__audit_prev_rec *rec)
{
    tfa_token v;
    size_t cap = 0;
    int rc;

    if (open->type == TFA_TOK_NULL)
        return 0;
    if (open->type != TFA_TOK_ARR)
        return tfa_scan_fail(r->sc, r->err, &open->pos, TFA_EINPUT, "\"drift\" is not an array");
    while ((rc = tfa_scan_next(r->sc, &v, r->err)) == 0 && v.type != TFA_TOK_ARR_END) {
        if (tfa_array_grow(&rec->drift, &cap, rec->n_drift + 1, sizeof(*rec->drift)) != 0)
            return tfa_error_oom(r->err);
        memset(&rec->drift[rec->n_drift], 0, sizeof(*rec->drift));
        rec->n_drift++;
        if ((rc = read_drift_entry(r, &v, &rec->drift[rec->n_drift - 1])) != 0)
            return rc;
    }
    return rc;
}

/* The whole object, then the end of the text. */
static int read_record(reader *r, tfa__audit_prev_rec *rec)
{
    tfa_token k, v;
    unsigned seen = 0;
    int rc;

    if ((rc = tfa_json_expect(r->sc, &v, TFA_TOK_OBJ, "audit", r->err)) != 0)
        return rc;
    while ((rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = tfa_scan_next(r->sc, &v, r->err)) != 0)
            return rc;
        if (tfa_token_is(&k, "state")) {
            rc = tfa_json_once(r->sc, &k, &seen, M_STATE, "state", r->err);
            rc = rc ? rc : take_str(r, &v, "state", &rec->state);
        } else if (tfa_token_is(&k, "last_seen")) {
            rc = tfa_json_once(r->sc, &k, &seen, M_LAST_SEEN, "last_seen", r->err);
            rc = rc ? rc : take_str(r, &v, "last_seen", &rec->last_seen);
        } else if (tfa_token_is(&k, "missing_streak")) {
            rc = tfa_json_once(r->sc, &k, &seen, M_MISSING, "missing_streak", r->err);
            rc = rc ? rc : take_count(r, &v, "missing_streak", &rec->missing_streak);
        } else if (tfa_token_is(&k, "items")) {
            rc = tfa_json_once(r->sc, &k, &seen, M_ITEMS, "items", r->err);
            rc = rc ? rc : read_items(r, &v, rec);
        } else if (tfa_token_is(&k, "drift")) {
            rc = tfa_json_once(r->sc, &k, &seen, M_DRIFT, "drift", r->err);
            rc = rc ? rc : read_drift(r, &v, rec);
        } else {
            rc = tfa_scan_skip(r->sc, &v, r->err);
        }
        if (rc < 0)
            return rc;
    }
    if (rc == 0 && (rc = tfa_scan_next(r->sc, &v, r->err)) == 0 && v.type != TFA_TOK_EOF)
        rc = tfa_scan_fail(r->sc, r->err, &v.pos, TFA_EINPUT, "text after the audit object");
    return rc;
}

int tfa__audit_prev_parse(tfa__audit_prev_rec *rec, const char *name, const char *text, size_t len,
                          tfa_error *err)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    reader r;
    int rc;

    memset(rec, 0, sizeof(*rec));
    memset(&r, 0, sizeof(r));
    r.err = err;
    tfa_buf_init(&r.text, TFA_BUF_NO_MAX);
    if ((rc = tfa_stream_open_memory(&in, name, text, len, err)) == 0) {
        tfa_stream_unhashed(in); /* read back from the ledger, not evidence */
        if ((rc = tfa_scan_new(&r.sc, in, &so, err)) == 0)
            rc = read_record(&r, rec);
    }
    tfa_scan_free(r.sc);
    tfa_stream_free(in);
    tfa_buf_release(&r.text);
    if (rc != 0)
        tfa__audit_prev_rec_release(rec);
    return rc;
}

void tfa__audit_prev_rec_release(tfa__audit_prev_rec *rec)
{
    size_t i;

    for (i = 0; i < rec->n_items; i++)
        tfa_free(rec->items[i].id);
    tfa_free(rec->items);
    for (i = 0; i < rec->n_drift; i++) {
        tfa_free(rec->drift[i].address);
        tfa_free(rec->drift[i].first_seen);
    }
    tfa_free(rec->drift);
    tfa_free(rec->state);
    tfa_free(rec->last_seen);
    memset(rec, 0, sizeof(*rec));
}

const tfa_audit_item *tfa__audit_prev_item(const tfa__audit_prev_rec *rec, const char *id)
{
    size_t lo = 0, hi = rec->n_items;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rec->items[mid].id, id);
        if (c == 0)
            return &rec->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
