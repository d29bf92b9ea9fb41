/*
 * waivers.c - waiver files, Markdown table or JSON (see waivers.h).
 *
 * JSON goes through the parsers' one JSON scanner (scan.h), so positions
 * and the strictness of the grammar are the same as for every input.
 */
#include "util/compat.h"

#include "date.h"
#include "jsonread.h"
#include "scan.h"
#include "stream.h"
#include "textfile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/limits.h"
#include "waivers.h"

/* Longest field of a waiver (a reason is a sentence or two). */
#define WAIVER_FIELD_BYTES 4096

enum { W_ITEM, W_OWNER, W_EXPIRES, W_REASON, W_FIELDS };
static const char *const field_names[W_FIELDS] = {"item", "owner", "expires", "reason"};

struct tfa_waivers {
    tfa_arena *arena;
    const char *name;
    tfa_waiver *items;
    size_t n, cap;
};

static int fail(tfa_waivers *w, unsigned long line, unsigned long col, tfa_error *err,
                const char *fmt, ...) TFA_PRINTF(5, 6);

static int fail(tfa_waivers *w, unsigned long line, unsigned long col, tfa_error *err,
                const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    tfa_pos pos = {0, 0, 0};
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pos.line = line, pos.column = col;
    tfa_error_set_source(err, w->name);
    return tfa_error_set_at(err, TFA_EINPUT, &pos, "%s", msg);
}

/* Add a waiver from its four fields (lengths given; copied). `cols` are the
 * columns of the fields for messages. */
static int add(tfa_waivers *w, const char *const f[W_FIELDS], const size_t len[W_FIELDS],
               unsigned long line, const unsigned long cols[W_FIELDS], tfa_error *err)
{
    tfa_waiver *x;
    size_t i, k;
    const char *s[W_FIELDS];
    long day;

    for (k = 0; k < W_FIELDS; k++)
        if (!f[k] || len[k] == 0)
            return fail(w, line, cols[k], err, "waiver has no %s", field_names[k]);
    if (tfa_date_parse(f[W_EXPIRES], len[W_EXPIRES], &day) != 0)
        return fail(w, line, cols[W_EXPIRES], err, "invalid expiry date '%.*s' (YYYY-MM-DD)",
                    (int)len[W_EXPIRES], f[W_EXPIRES]);
    for (k = 0; k < W_FIELDS; k++)
        if (!(s[k] = tfa_arena_strndup(w->arena, f[k], len[k])))
            return tfa_error_oom(err);
    for (i = 0; i < w->n; i++)
        if (strcmp(w->items[i].item, s[W_ITEM]) == 0)
            return fail(w, line, cols[W_ITEM], err, "item '%s' is waived twice (first on line %lu)",
                        s[W_ITEM], w->items[i].line);
    if (w->n == TFA_LIMIT_CHECKLIST_ITEMS)
        return fail(w, line, 1, err, "more than %d waivers", TFA_LIMIT_CHECKLIST_ITEMS);
    if (tfa_array_grow(&w->items, &w->cap, w->n + 1, sizeof(*w->items)) != 0)
        return tfa_error_oom(err);
    x = &w->items[w->n++];
    x->item = s[W_ITEM], x->owner = s[W_OWNER], x->expires = s[W_EXPIRES], x->reason = s[W_REASON];
    x->expires_day = day;
    x->source = w->name;
    x->line = line;
    x->column = cols[W_ITEM];
    return 0;
}

/* ---- Markdown ---------------------------------------------------------------- */

#define MAX_CELLS 16

typedef struct cell {
    const char *p;
    size_t len;
    unsigned long col;
} cell;

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Split a table row into trimmed cells (backticks around a cell dropped).
 * Returns the number of cells, 0 when the line is not a table row. */
static size_t split_row(const char *p, size_t len, cell *cells)
{
    size_t i = 0, n = 0;

    while (len && (p[len - 1] == '\r' || is_space(p[len - 1])))
        len--;
    while (i < len && is_space(p[i]))
        i++;
    if (i >= len || p[i] != '|')
        return 0;
    for (i++; i < len && n < MAX_CELLS; i++) {
        size_t s = i, e;
        while (i < len && p[i] != '|')
            i += (p[i] == '\\' && i + 1 < len) ? 2 : 1;
        e = i < len ? i : len;
        while (s < e && is_space(p[s]))
            s++;
        while (e > s && is_space(p[e - 1]))
            e--;
        if (e - s >= 2 && p[s] == '`' && p[e - 1] == '`')
            s++, e--;
        cells[n].p = p + s, cells[n].len = e - s, cells[n].col = (unsigned long)s + 1;
        n++;
    }
    return n;
}

static int cell_is(const cell *c, const char *w)
{
    size_t i, n = strlen(w);
    if (c->len != n)
        return 0;
    for (i = 0; i < n; i++)
        if ((c->p[i] | 0x20) != w[i])
            return 0;
    return 1;
}

/* Column index of each field in a header row; 1 when all four are there. */
static int header(const cell *cells, size_t n, int col[W_FIELDS])
{
    static const char *const alias[W_FIELDS] = {"id", "owner", "expiry", "reason"};
    size_t i, k;
    for (k = 0; k < W_FIELDS; k++) {
        col[k] = -1;
        for (i = 0; i < n; i++)
            if (cell_is(&cells[i], field_names[k]) || cell_is(&cells[i], alias[k]))
                col[k] = (int)i;
        if (col[k] < 0)
            return 0;
    }
    return 1;
}

static int parse_markdown(tfa_waivers *w, const char *text, size_t len, tfa_error *err)
{
    size_t pos = 0, n;
    unsigned long no = 0;
    int col[W_FIELDS], state = 0; /* 0 before the header, 1 at the delimiter, 2 in rows */
    cell cells[MAX_CELLS];
    int rc;

    while (pos < len) {
        const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - p) : len - pos;
        pos += l + (nl != NULL);
        no++;
        n = split_row(p, l, cells);
        if (state == 0) {
            state = n && header(cells, n, col);
        } else if (state == 1) {
            if (!n || cells[0].len == 0 || cells[0].p[0] != '-')
                return fail(w, no, 1, err, "expected the table's delimiter row (|---|---|)");
            state = 2;
        } else if (!n) {
            break; /* the table ended */
        } else {
            const char *f[W_FIELDS];
            size_t flen[W_FIELDS];
            unsigned long cols[W_FIELDS];
            size_t k;
            for (k = 0; k < W_FIELDS; k++) {
                int c = col[k];
                f[k] = (size_t)c < n ? cells[c].p : NULL;
                flen[k] = (size_t)c < n ? cells[c].len : 0;
                cols[k] = (size_t)c < n ? cells[c].col : 1;
            }
            if ((rc = add(w, f, flen, no, cols, err)) != 0)
                return rc;
        }
    }
    if (state == 0) {
        tfa_error_set_source(err, w->name);
        return tfa_error_set(err, TFA_EINPUT,
                             "no waiver table (a Markdown table with columns item, owner, "
                             "expires and reason)");
    }
    return 0;
}

/* ---- JSON -------------------------------------------------------------------- */

static int parse_json_waiver(tfa_waivers *w, tfa_scan *sc, const tfa_token *obj, tfa_error *err)
{
    tfa_buf val[W_FIELDS];
    const char *f[W_FIELDS] = {NULL, NULL, NULL, NULL};
    size_t len[W_FIELDS] = {0, 0, 0, 0};
    unsigned long cols[W_FIELDS] = {0, 0, 0, 0};
    tfa_token t, v;
    size_t k;
    int rc = 0;

    for (k = 0; k < W_FIELDS; k++)
        tfa_buf_init(&val[k], WAIVER_FIELD_BYTES);
    if (obj->type != TFA_TOK_OBJ) {
        rc = tfa_scan_fail(sc, err, &obj->pos, TFA_EINPUT, "a waiver must be an object");
        goto done;
    }
    for (k = 0; k < W_FIELDS; k++)
        cols[k] = obj->pos.column;
    while ((rc = tfa_scan_next(sc, &t, err)) == 0 && t.type == TFA_TOK_KEY) {
        for (k = 0; k < W_FIELDS && !tfa_token_is(&t, field_names[k]); k++)
            ;
        if (k == W_FIELDS) {
            rc = tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT,
                               "unknown waiver field (item, owner, expires, reason)");
            goto done;
        }
        if ((rc = tfa_scan_next(sc, &v, err)) != 0 ||
            (rc = tfa_json_string(sc, &v, field_names[k], &val[k], err)) < 0)
            goto done;
        f[k] = val[k].ptr, len[k] = val[k].len, cols[k] = v.pos.column;
    }
    if (rc == 0)
        rc = add(w, f, len, obj->pos.line, cols, err);
done:
    for (k = 0; k < W_FIELDS; k++)
        tfa_buf_release(&val[k]);
    return rc < 0 ? rc : 0;
}

static int parse_json(tfa_waivers *w, const char *text, size_t len, tfa_error *err)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_token t;
    int rc;

    if ((rc = tfa_stream_open_memory(&in, w->name, text, len, err)) != 0 ||
        (rc = tfa_scan_new(&sc, in, &so, err)) != 0 || (rc = tfa_scan_next(sc, &t, err)) != 0)
        goto done;
    if (t.type == TFA_TOK_OBJ) {
        /* {"waivers": [...]}: other keys are skipped */
        while ((rc = tfa_scan_next(sc, &t, err)) == 0 && t.type == TFA_TOK_KEY) {
            int wanted = tfa_token_is(&t, "waivers");
            if ((rc = tfa_scan_next(sc, &t, err)) != 0)
                goto done;
            if (wanted)
                break;
            if ((rc = tfa_scan_skip(sc, &t, err)) != 0)
                goto done;
        }
        if (rc == 0 && t.type != TFA_TOK_ARR) {
            rc = tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT, "expected \"waivers\": [...]");
            goto done;
        }
    }
    if (rc == 0 && t.type != TFA_TOK_ARR)
        rc = tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT, "expected a list of waivers");
    while (rc == 0 && (rc = tfa_scan_next(sc, &t, err)) == 0 && t.type != TFA_TOK_ARR_END)
        rc = parse_json_waiver(w, sc, &t, err);
done:
    tfa_scan_free(sc);
    tfa_stream_free(in);
    return rc;
}

/* ---- API --------------------------------------------------------------------- */

int tfa_waivers_parse(tfa_waivers **out, const char *name, const char *text, size_t len,
                      tfa_error *err)
{
    tfa_waivers *w = tfa_calloc(1, sizeof(*w));
    size_t i = 0;
    int rc;

    *out = NULL;
    if (!w || tfa_arena_new(&w->arena) != 0 || !(w->name = tfa_arena_strdup(w->arena, name))) {
        tfa_waivers_free(w);
        return tfa_error_oom(err);
    }
    while (i < len && (is_space(text[i]) || text[i] == '\n' || text[i] == '\r'))
        i++;
    if (i < len && (text[i] == '{' || text[i] == '['))
        rc = parse_json(w, text, len, err);
    else
        rc = parse_markdown(w, text, len, err);
    if (rc)
        tfa_waivers_free(w);
    else
        *out = w;
    return rc;
}

int tfa_waivers_load(tfa_waivers **out, const char *path, tfa_error *err)
{
    unsigned char sha[TFA_SHA256_BYTES];
    tfa_buf b;
    int rc;

    *out = NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    rc = tfa_textfile_read(path, TFA_LIMIT_CHECKLIST_BYTES, &b, sha, err);
    if (rc == 0)
        rc = tfa_waivers_parse(out, path, b.ptr, b.len, err);
    tfa_buf_release(&b);
    return rc;
}

void tfa_waivers_free(tfa_waivers *w)
{
    if (!w)
        return;
    tfa_arena_free(w->arena);
    tfa_free(w->items);
    tfa_free(w);
}

size_t tfa_waivers_count(const tfa_waivers *w)
{
    return w ? w->n : 0;
}

const tfa_waiver *tfa_waivers_at(const tfa_waivers *w, size_t i)
{
    return w && i < w->n ? &w->items[i] : NULL;
}

const tfa_waiver *tfa_waivers_find(const tfa_waivers *w, const char *item)
{
    size_t i;
    for (i = 0; w && i < w->n; i++)
        if (strcmp(w->items[i].item, item) == 0)
            return &w->items[i];
    return NULL;
}

int tfa_waivers_check(const tfa_waivers *w, const tfa_checklist *cl, tfa_error *err)
{
    tfa_pos pos = {0, 0, 0};
    size_t i;
    for (i = 0; w && i < w->n; i++) {
        const tfa_waiver *x = &w->items[i];
        const char *near;
        if (tfa_checklist_find(cl, x->item))
            continue;
        near = tfa_checklist_suggest(cl, x->item);
        pos.line = x->line, pos.column = x->column;
        tfa_error_set_source(err, w->name);
        if (near)
            return tfa_error_set_at(err, TFA_EINPUT, &pos,
                                    "waiver for unknown item '%s' (did you mean '%s'?)", x->item,
                                    near);
        return tfa_error_set_at(err, TFA_EINPUT, &pos, "waiver for unknown item '%s'", x->item);
    }
    return 0;
}
