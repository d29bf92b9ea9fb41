/*
 * redact_site.c - the marks and values of one redaction site, and the
 * spans they turn into (see plan_redact.h for the rules, redact_priv.h for
 * the state).
 *
 * A site's marks may come after its values (Terraform writes before, after,
 * after_unknown, before_sensitive, after_sensitive in that order), so the
 * document pass only records where each value lies. When the site's object
 * ends, each value is walked again from memory with a second scanner: the
 * first sensitive root met on the way down is replaced whole, and the
 * leaves under it are summed into an order-independent digest, so a root
 * whose before and after differ (by the plan reader's own leaf rules:
 * decoded strings, exact-decimal numbers, nulls absent) is told apart.
 */
#include "util/compat.h"

#include "jsonread.h"
#include "redact_priv.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/limits.h"

int tfa_rd__fail(redactor *r, const tfa_pos *pos, int status, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return tfa_scan_fail(r->scan, r->err, pos, status, "%s", msg);
}

int tfa_rd__span(redactor *r, uint64_t start, uint64_t end, const char *rep)
{
    if (tfa_array_grow(&r->spans, &r->cap_spans, r->n_spans + 1, sizeof(*r->spans)) != 0)
        return tfa_error_oom(r->err);
    r->spans[r->n_spans].start = start;
    r->spans[r->n_spans].end = end;
    r->spans[r->n_spans].rep = rep;
    r->n_spans++;
    r->values++;
    return 0;
}

int tfa_rd__value(redactor *r, const tfa_token *t, rd_value *v)
{
    int rc = tfa_scan_skip(r->scan, t, r->err);
    if (rc)
        return rc;
    v->seen = 1;
    v->null = t->type == TFA_TOK_NULL;
    v->start = t->pos.offset;
    v->end = tfa_scan_pos(r->scan).offset;
    return 0;
}

/* Whether the value text [start, end) holds anything: not null, not {} or []. */
static int holds_value(const redactor *r, uint64_t start, uint64_t end)
{
    const char *p = r->text + start, *e = r->text + end;
    if (*p == 'n')
        return 0;
    if (*p != '{' && *p != '[')
        return 1;
    for (p++; p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
        ;
    return p < e && *p != '}' && *p != ']';
}

int tfa_rd__whole(redactor *r, const tfa_token *t)
{
    rd_value v;
    int rc = tfa_rd__value(r, t, &v);
    if (rc || !holds_value(r, v.start, v.end))
        return rc;
    return tfa_rd__span(r, v.start, v.end, "\"" TFA_REDACTED "\"");
}

int tfa_rd__unknown(redactor *r, const tfa_token *t)
{
    if (t->type == TFA_TOK_NUM || t->type == TFA_TOK_TRUE || t->type == TFA_TOK_FALSE ||
        t->type == TFA_TOK_NULL)
        return 0;
    return tfa_rd__whole(r, t);
}

/* ---- name sets ----------------------------------------------------------- */

int tfa_rd__set_add(tfa_buf *set, const char *s, size_t len)
{
    uint32_t n = (uint32_t)len;
    tfa_buf_put(set, &n, sizeof(n));
    return tfa_buf_put(set, s, len);
}

int tfa_rd__set_has(const tfa_buf *set, const char *s, size_t len)
{
    size_t i = 0;
    while (i + sizeof(uint32_t) <= set->len) {
        uint32_t n;
        memcpy(&n, set->ptr + i, sizeof(n));
        i += sizeof(n);
        if (n == len && memcmp(set->ptr + i, s, len) == 0)
            return 1;
        i += n;
    }
    return 0;
}

/* ---- marks ---------------------------------------------------------------- */

void tfa_rd__site_reset(rd_site *st, int two_sided)
{
    memset(st->side, 0, sizeof(st->side));
    memset(st->marks_seen, 0, sizeof(st->marks_seen));
    memset(&st->replace, 0, sizeof(st->replace));
    st->two_sided = two_sided;
    tfa_buf_clear(&st->roots);
    st->n_roots = 0;
}

static int add_root(redactor *r, rd_site *st, const char *path, size_t len)
{
    const char *p = st->roots.ptr;
    size_t i;
    for (i = 0; i < st->n_roots; i++, p += strlen(p) + 1)
        if (strlen(p) == len && memcmp(p, path, len) == 0)
            return 0;
    tfa_buf_put(&st->roots, path, len);
    if (tfa_buf_putc(&st->roots, '\0') != 0)
        return tfa_error_oom(r->err);
    st->n_roots++;
    return 0;
}

/* Append the step for key token `k` to `path`; 0, or ELIMIT/ENOMEM. */
static int path_key(tfa_buf *path, tfa_buf *scratch, const tfa_token *k)
{
    const char *text;
    size_t len;
    if (k->truncated)
        return TFA_ELIMIT;
    if (tfa_json_string_text(k, scratch, &text, &len) != 0)
        return TFA_ENOMEM;
    tfa_json_path_key(path, text, len);
    return tfa_buf_status(path);
}

static int marks_walk(redactor *r, rd_site *st, const tfa_token *t, unsigned depth)
{
    size_t base = r->path.len;
    unsigned long i = 0;
    tfa_token k, v;
    int rc;

    switch (t->type) {
    case TFA_TOK_TRUE:
        return add_root(r, st, r->path.ptr, r->path.len);
    case TFA_TOK_FALSE:
    case TFA_TOK_NULL:
        return 0;
    case TFA_TOK_OBJ:
    case TFA_TOK_ARR:
        break;
    default: /* a mark that is no boolean: the value here is unknown ground */
        return add_root(r, st, r->path.ptr, r->path.len);
    }
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END || k.type == TFA_TOK_ARR_END)
            return 0;
        if (k.type == TFA_TOK_KEY) {
            rc = path_key(&r->path, &r->scratch, &k);
            if (rc == 0)
                rc = tfa_scan_next(r->scan, &v, r->err);
            else if (rc == TFA_ENOMEM)
                return tfa_error_oom(r->err);
        } else {
            tfa_buf_printf(&r->path, "[%lu]", i++);
            rc = tfa_buf_status(&r->path);
            v = k;
        }
        if (rc == TFA_ELIMIT) { /* a path too long to name: mark the whole value */
            tfa_buf_clear(&r->path);
            if ((rc = add_root(r, st, "", 0)) != 0)
                return rc;
            rc = k.type == TFA_TOK_KEY ? tfa_scan_next(r->scan, &v, r->err) : 0;
            if (rc == 0)
                rc = tfa_scan_skip(r->scan, &v, r->err);
            tfa_buf_clear(&r->path);
        } else if (rc == 0) {
            rc = marks_walk(r, st, &v, depth + 1);
        }
        if (rc)
            return rc;
        tfa_buf_truncate(&r->path, base);
    }
}

int tfa_rd__marks(redactor *r, rd_site *st, const tfa_token *t)
{
    tfa_buf_clear(&r->path);
    return marks_walk(r, st, t, 0);
}

/* ---- the second look at a site's values ------------------------------------ */

/* What a value walk found at one root on one side. */
typedef struct hit {
    int present; /* the root's node exists and is not null */
    int holds;   /* and holds a value (not an empty container) */
    uint64_t start, end;
    uint64_t sum, xr, n; /* order-independent digest of the leaves under it */
} hit;

typedef struct vwalk {
    redactor *r;
    rd_site *st;
    tfa_scan *s;
    uint64_t base; /* document offset of the walked text */
    tfa_buf path, scratch;
    hit *hits; /* [side * n_roots + root] */
    int side;
    int fail_whole; /* a mark ran deeper than a scalar value: replace it */
} vwalk;

/* Index of the root equal to `path`, or -1. */
static long root_index(const rd_site *st, const char *path, size_t len)
{
    const char *p = st->roots.ptr;
    size_t i;
    for (i = 0; i < st->n_roots; i++, p += strlen(p) + 1)
        if (strlen(p) == len && memcmp(p, path, len) == 0)
            return (long)i;
    return -1;
}

/* Whether `prefix` is `path` or a whole-step prefix of it. */
static int step_prefix(const char *prefix, size_t plen, const char *path, size_t len)
{
    if (plen > len || memcmp(prefix, path, plen) != 0)
        return 0;
    return plen == 0 || plen == len || path[plen] == '.' || path[plen] == '[';
}

/* Whether some root lies strictly below `path`. */
static int root_below(const rd_site *st, const char *path, size_t len)
{
    const char *p = st->roots.ptr;
    size_t i;
    for (i = 0; i < st->n_roots; i++, p += strlen(p) + 1)
        if (strlen(p) > len && step_prefix(path, len, p, strlen(p)))
            return 1;
    return 0;
}

/* Sum the leaves of the value starting with `t` into `h` (paths below
 * w->path, which the caller has set to the root). */
static int digest_walk(vwalk *w, const tfa_token *t, hit *h)
{
    size_t base = w->path.len;
    unsigned long i = 0;
    uint64_t d;
    tfa_token k, v;
    int rc;

    if (t->type == TFA_TOK_NULL)
        return 0;
    if (t->type != TFA_TOK_OBJ && t->type != TFA_TOK_ARR) {
        if (tfa_json_leaf_digest(t, &w->scratch, &d) != 0)
            return TFA_ENOMEM;
        d = tfa_hash_mix(tfa_hash64(w->path.ptr, w->path.len, 7), d);
        h->sum += d, h->xr ^= d, h->n++;
        return 0;
    }
    for (;;) {
        if ((rc = tfa_scan_next(w->s, &k, w->r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END || k.type == TFA_TOK_ARR_END)
            return 0;
        if (k.type == TFA_TOK_KEY) {
            if ((rc = path_key(&w->path, &w->scratch, &k)) == TFA_ENOMEM ||
                (rc == 0 && (rc = tfa_scan_next(w->s, &v, w->r->err)) != 0))
                return rc;
        } else {
            tfa_buf_printf(&w->path, "[%lu]", i++);
            rc = tfa_buf_status(&w->path);
            v = k;
        }
        /* past the path limit the leaves still count, under a shared name */
        if (rc == TFA_ELIMIT)
            tfa_buf_truncate(&w->path, base);
        if ((rc = digest_walk(w, &v, h)) != 0)
            return rc;
        tfa_buf_truncate(&w->path, base);
    }
}

static int value_walk(vwalk *w, const tfa_token *t)
{
    size_t base = w->path.len;
    unsigned long i = 0;
    long root = root_index(w->st, w->path.ptr, w->path.len);
    uint64_t start = w->base + t->pos.offset;
    tfa_token k, v;
    int rc;

    if (root >= 0) {
        hit *h = &w->hits[(size_t)w->side * w->st->n_roots + (size_t)root];
        rc = digest_walk(w, t, h);
        if (rc == 0 && t->type != TFA_TOK_NULL) {
            h->present = 1;
            h->start = start;
            h->end = w->base + tfa_scan_pos(w->s).offset;
            h->holds = holds_value(w->r, h->start, h->end);
        }
        return rc;
    }
    if (t->type != TFA_TOK_OBJ && t->type != TFA_TOK_ARR) {
        if (t->type != TFA_TOK_NULL && root_below(w->st, w->path.ptr, w->path.len))
            return tfa_rd__span(w->r, start, w->base + tfa_scan_pos(w->s).offset,
                                "\"" TFA_REDACTED "\"");
        return 0;
    }
    for (;;) {
        if ((rc = tfa_scan_next(w->s, &k, w->r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END || k.type == TFA_TOK_ARR_END)
            return 0;
        if (k.type == TFA_TOK_KEY) {
            if ((rc = path_key(&w->path, &w->scratch, &k)) == TFA_ENOMEM ||
                (rc == 0 && (rc = tfa_scan_next(w->s, &v, w->r->err)) != 0))
                return rc;
        } else {
            tfa_buf_printf(&w->path, "[%lu]", i++);
            rc = tfa_buf_status(&w->path);
            v = k;
        }
        if (rc == TFA_ELIMIT) { /* too deep to match marks against: replace it */
            uint64_t vs = w->base + v.pos.offset;
            if ((rc = tfa_scan_skip(w->s, &v, w->r->err)) != 0 ||
                (rc = tfa_rd__span(w->r, vs, w->base + tfa_scan_pos(w->s).offset,
                                   "\"" TFA_REDACTED "\"")) != 0)
                return rc;
        } else if ((rc = value_walk(w, &v)) != 0) {
            return rc;
        }
        tfa_buf_truncate(&w->path, base);
    }
}

/* Open a scanner over the document text [start, end). */
static int open_window(vwalk *w, tfa_stream **in, uint64_t start, uint64_t end)
{
    int rc = tfa_stream_open_memory(in, w->r->name, w->r->text + start, (size_t)(end - start),
                                    w->r->err);
    w->base = start;
    if (rc == 0)
        rc = tfa_scan_new(&w->s, *in, NULL, w->r->err);
    return rc;
}

static int walk_side(vwalk *w, int side, const rd_value *val)
{
    tfa_stream *in = NULL;
    tfa_token t;
    int rc;

    w->side = side;
    tfa_buf_clear(&w->path);
    if ((rc = open_window(w, &in, val->start, val->end)) == 0 &&
        (rc = tfa_scan_next(w->s, &t, w->r->err)) == 0)
        rc = value_walk(w, &t);
    tfa_scan_free(w->s);
    w->s = NULL;
    tfa_stream_free(in);
    return rc;
}

/* replace_paths: [["tags", "Name"], ["values", "a-key"]]: a string step that
 * follows a sensitive root may name a key inside a sensitive value. */
static int walk_replace_paths(vwalk *w, const rd_value *val)
{
    tfa_stream *in = NULL;
    tfa_token t, step;
    int first, rc = open_window(w, &in, val->start, val->end);

    if (rc == 0 && (rc = tfa_scan_next(w->s, &t, w->r->err)) == 0 && t.type != TFA_TOK_ARR)
        rc = tfa_scan_skip(w->s, &t, w->r->err); /* the plan reader refuses it anyway */
    while (rc == 0 && t.type == TFA_TOK_ARR) {
        if ((rc = tfa_scan_next(w->s, &t, w->r->err)) != 0 || t.type != TFA_TOK_ARR)
            break;
        tfa_buf_clear(&w->path);
        for (first = 1;
             (rc = tfa_scan_next(w->s, &step, w->r->err)) == 0 && step.type != TFA_TOK_ARR_END;
             first = 0) {
            const char *p = w->st->roots.ptr;
            int inside = 0;
            size_t i;
            /* the first step is a resource attribute's name (schema, never
             * data); a later one may be a map key */
            for (i = 0; i < w->st->n_roots && !first; i++, p += strlen(p) + 1)
                inside |= step_prefix(p, strlen(p), w->path.ptr, w->path.len);
            if (inside && step.type == TFA_TOK_STR) {
                if ((rc = tfa_rd__span(w->r, w->base + step.pos.offset,
                                       w->base + tfa_scan_pos(w->s).offset,
                                       "\"" TFA_REDACTED "\"")) != 0)
                    break;
            } else if (inside) {
                rc = tfa_scan_skip(w->s, &step, w->r->err);
            } else if (step.type == TFA_TOK_STR) {
                rc = path_key(&w->path, &w->scratch, &step);
            } else if (step.type == TFA_TOK_NUM) {
                tfa_buf_printf(&w->path, "[%.*s]", (int)step.len, step.ptr);
                rc = tfa_buf_status(&w->path);
            } else {
                rc = tfa_scan_skip(w->s, &step, w->r->err);
            }
            if (rc == TFA_ELIMIT)
                rc = 0, tfa_buf_clear(&w->path); /* "" is inside every root */
            if (rc)
                break;
        }
        t.type = TFA_TOK_ARR;
    }
    tfa_scan_free(w->s);
    w->s = NULL;
    tfa_stream_free(in);
    return rc == TFA_ENOMEM ? tfa_error_oom(w->r->err) : rc;
}

/* Record the spans of every root hit, now that both sides are known. */
static int emit_hits(vwalk *w)
{
    size_t n = w->st->n_roots, k;
    int rc = 0;

    for (k = 0; k < n && rc == 0; k++) {
        hit *b = &w->hits[k], *a = &w->hits[n + k];
        int changed =
            b->present != a->present || b->n != a->n || b->sum != a->sum || b->xr != a->xr;
        if (b->holds)
            rc = tfa_rd__span(w->r, b->start, b->end, "\"" TFA_REDACTED "\"");
        if (rc == 0 && a->holds)
            rc = tfa_rd__span(w->r, a->start, a->end,
                              changed && b->holds ? "\"" TFA_REDACTED_CHANGED "\""
                                                  : "\"" TFA_REDACTED "\"");
    }
    return rc;
}

int tfa_rd__site_finish(redactor *r, rd_site *st)
{
    vwalk w;
    int s, rc = 0;

    /* a value whose marks are missing is all unknown ground */
    for (s = 0; s < (st->two_sided ? 2 : 1); s++)
        if (st->side[s].seen && !st->side[s].null && !st->marks_seen[s] &&
            (rc = add_root(r, st, "", 0)) != 0)
            return rc;
    if (st->n_roots == 0)
        return 0;
    memset(&w, 0, sizeof(w));
    w.r = r;
    w.st = st;
    tfa_buf_init(&w.path, TFA_LIMIT_PATH_BYTES);
    tfa_buf_init(&w.scratch, TFA_LIMIT_SCAN_WINDOW);
    if (!(w.hits = tfa_calloc(2 * st->n_roots, sizeof(*w.hits))))
        rc = tfa_error_oom(r->err);
    for (s = 0; rc == 0 && s < 2; s++)
        if (st->side[s].seen && !st->side[s].null)
            rc = walk_side(&w, s, &st->side[s]);
    if (rc == 0)
        rc = emit_hits(&w);
    if (rc == 0 && st->replace.seen && !st->replace.null)
        rc = walk_replace_paths(&w, &st->replace);
    tfa_free(w.hits);
    tfa_buf_release(&w.path);
    tfa_buf_release(&w.scratch);
    if (rc == TFA_ENOMEM)
        return tfa_error_oom(r->err);
    return rc;
}
