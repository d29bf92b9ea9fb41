/*
 * recfile.c - Markdown-table and JSON record files (see recfile.h).
 *
 * Moved out of waivers.c when known drift (known_drift.c) needed the same
 * reader: one table splitter and one JSON walk for every such file.
 */
#include "util/compat.h"

#include "jsonread.h"
#include "mdblock.h"
#include "recfile.h"
#include "scan.h"
#include "stream.h"
#include "textfile.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

int tfa_recfile_fail(const char *name, unsigned long line, unsigned long col, tfa_error *err,
                     const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    tfa_pos pos = {0, 0, 0};
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pos.line = line, pos.column = col;
    tfa_error_set_source(err, name);
    return tfa_error_set_at(err, TFA_EINPUT, &pos, "%s", msg);
}

/* Required fields present and not empty, then the caller's checks. */
static int deliver(const tfa_recfile_spec *spec, const char *name, const tfa_recfile_row *row,
                   tfa_recfile_fn fn, void *payload, tfa_error *err)
{
    size_t k;
    for (k = 0; k < spec->n_fields; k++) {
        if (spec->fields[k].required && (!row->f[k] || row->len[k] == 0))
            return tfa_recfile_fail(name, row->line, row->cols[k], err, "%s has no %s", spec->what,
                                    spec->fields[k].name);
        /* the JSON reader's buffers stop at field_bytes; a table cell must too */
        if (row->f[k] && row->len[k] > spec->field_bytes) {
            tfa_pos pos = {0, 0, 0};
            pos.line = row->line, pos.column = row->cols[k];
            tfa_error_set_source(err, name);
            return tfa_error_set_at(err, TFA_ELIMIT, &pos, "%s %s longer than %zu bytes",
                                    spec->what, spec->fields[k].name, spec->field_bytes);
        }
    }
    return fn(payload, row, err);
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
    while (i < len && p[i] == ' ' && i < 3)
        i++;
    if (i >= len || p[i] != '|')
        return 0; /* indented four columns or more: a renderer shows code */
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
    size_t i, n = w ? strlen(w) : 0;
    if (!w || c->len != n)
        return 0;
    for (i = 0; i < n; i++)
        if ((c->p[i] | 0x20) != w[i])
            return 0;
    return 1;
}

/* Column index of each field in a header row (-1 when absent); 1 when every
 * required field is there, -1 (with *twice the field) when a field heads two
 * columns: a reader of the table sees one, this reader would take another. */
static int header(const tfa_recfile_spec *spec, const cell *cells, size_t n, int *col,
                  const char **twice)
{
    size_t i, k;
    for (k = 0; k < spec->n_fields; k++) {
        const tfa_recfile_field *f = &spec->fields[k];
        col[k] = -1;
        for (i = 0; i < n; i++) {
            if (!cell_is(&cells[i], f->name) && !cell_is(&cells[i], f->alias))
                continue;
            if (col[k] >= 0) {
                *twice = f->name;
                return -1;
            }
            col[k] = (int)i;
        }
        if (col[k] < 0 && f->required)
            return 0;
    }
    return 1;
}

static void row_from_cells(const tfa_recfile_spec *spec, const int *col, const cell *cells,
                           size_t n, unsigned long line, tfa_recfile_row *row)
{
    size_t k;
    row->line = line;
    for (k = 0; k < spec->n_fields; k++) {
        int c = col[k];
        int here = c >= 0 && (size_t)c < n;
        row->f[k] = here ? cells[c].p : NULL;
        row->len[k] = here ? cells[c].len : 0;
        row->cols[k] = here ? cells[c].col : 1;
    }
}

static int parse_markdown(const tfa_recfile_spec *spec, const char *name, const char *text,
                          size_t len, tfa_recfile_fn fn, void *payload, tfa_error *err)
{
    size_t pos = 0, n, bad = 0;
    unsigned long no = 0;
    int col[TFA_RECFILE_FIELDS_MAX],
        state = 0; /* 0 before the header, 1 at the delimiter, 2 rows */
    cell cells[MAX_CELLS];
    tfa_recfile_row row;
    tfa_md_reader md;
    tfa_md_line ml;
    const char *why = NULL;
    int rc;

    tfa_md_init(&md);
    while (pos < len) {
        const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - p) : len - pos;
        pos += l + (nl != NULL);
        no++;
        if (tfa_md_next(&md, p, l && p[l - 1] == '\r' ? l - 1 : l, no, &ml, &bad, &why) != 0)
            return tfa_recfile_fail(name, no, (unsigned long)bad + 1, err, "%s", why);
        /* a table in a code block or in raw HTML (an example, a comment) is
         * no table a reader sees: it waives nothing */
        n = ml.kind == TFA_MD_TEXT ? split_row(p, l, cells) : 0;
        if (state == 0) {
            const char *twice = NULL;
            state = n ? header(spec, cells, n, col, &twice) : 0;
            if (state < 0)
                return tfa_recfile_fail(name, no, 1, err, "the %s column \"%s\" is given twice",
                                        spec->what, twice);
        } else if (state == 1) {
            if (!n || cells[0].len == 0 || cells[0].p[0] != '-')
                return tfa_recfile_fail(name, no, 1, err,
                                        "expected the table's delimiter row (|---|---|)");
            state = 2;
        } else if (!n) {
            break; /* the table ended */
        } else {
            row_from_cells(spec, col, cells, n, no, &row);
            if ((rc = deliver(spec, name, &row, fn, payload, err)) != 0)
                return rc;
        }
    }
    if (state == 0) {
        tfa_error_set_source(err, name);
        return tfa_error_set(err, TFA_EINPUT, "no %s table (a Markdown table with columns %s)",
                             spec->what, spec->table_help);
    }
    return 0;
}

/* ---- JSON -------------------------------------------------------------------- */

static int field_list(const tfa_recfile_spec *spec, char *out, size_t cap)
{
    size_t k, used = 0;
    out[0] = '\0';
    for (k = 0; k < spec->n_fields && used < cap; k++)
        used +=
            (size_t)snprintf(out + used, cap - used, "%s%s", k ? ", " : "", spec->fields[k].name);
    return 0;
}

static int parse_json_record(const tfa_recfile_spec *spec, tfa_scan *sc, const tfa_token *obj,
                             tfa_recfile_fn fn, void *payload, tfa_error *err)
{
    tfa_buf val[TFA_RECFILE_FIELDS_MAX];
    tfa_recfile_row row;
    tfa_token t, v;
    char names[256];
    unsigned seen = 0;
    size_t k;
    int rc = 0;

    memset(&row, 0, sizeof(row));
    for (k = 0; k < spec->n_fields; k++)
        tfa_buf_init(&val[k], spec->field_bytes);
    if (obj->type != TFA_TOK_OBJ) {
        rc = tfa_scan_fail(sc, err, &obj->pos, TFA_EINPUT, "a %s must be an object", spec->what);
        goto done;
    }
    row.line = obj->pos.line;
    for (k = 0; k < spec->n_fields; k++)
        row.cols[k] = obj->pos.column;
    while ((rc = tfa_scan_next(sc, &t, err)) == 0 && t.type == TFA_TOK_KEY) {
        for (k = 0; k < spec->n_fields && !tfa_token_is(&t, spec->fields[k].name); k++)
            ;
        if (k == spec->n_fields) {
            field_list(spec, names, sizeof(names));
            rc = tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT, "unknown %s field (%s)", spec->what,
                               names);
            goto done;
        }
        /* a field given twice is refused: a reader of the file sees the
         * first, jansson-style readers the last (which item is waived) */
        if ((rc = tfa_json_once(sc, &t, &seen, 1u << k, spec->fields[k].name, err)) != 0 ||
            (rc = tfa_scan_next(sc, &v, err)) != 0 ||
            (rc = tfa_json_string(sc, &v, spec->fields[k].name, &val[k], err)) < 0)
            goto done;
        if (rc == 1)
            row.f[k] = val[k].ptr, row.len[k] = val[k].len, row.cols[k] = v.pos.column;
        rc = 0;
    }
    if (rc == 0)
        rc = deliver(spec, tfa_scan_name(sc), &row, fn, payload, err);
done:
    for (k = 0; k < spec->n_fields; k++)
        tfa_buf_release(&val[k]);
    return rc < 0 ? rc : 0;
}

/* After the list: the rest of the object holds no second list (a reader of
 * the file sees one, jansson-style readers the last) and the document ends
 * there: what follows would be read by no one the same way. */
static int parse_json_rest(const tfa_recfile_spec *spec, tfa_scan *sc, int in_object,
                           tfa_error *err)
{
    tfa_token t;
    int rc = 0;

    while (in_object && (rc = tfa_scan_next(sc, &t, err)) == 0 && t.type == TFA_TOK_KEY) {
        if (tfa_token_is(&t, spec->list_key))
            return tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT, "\"%s\" given twice", spec->list_key);
        if ((rc = tfa_scan_next(sc, &t, err)) != 0 || (rc = tfa_scan_skip(sc, &t, err)) != 0)
            return rc;
    }
    if (in_object && rc != 0)
        return rc;
    if ((rc = tfa_scan_next(sc, &t, err)) != 0)
        return rc;
    if (t.type != TFA_TOK_EOF)
        return tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT,
                             "a second JSON value after the %s (one document only)",
                             spec->list_key);
    return 0;
}

static int parse_json(const tfa_recfile_spec *spec, const char *name, const char *text, size_t len,
                      tfa_recfile_fn fn, void *payload, tfa_error *err)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_token t;
    int rc, in_object = 0;

    if ((rc = tfa_stream_open_memory(&in, name, text, len, err)) != 0 ||
        (rc = tfa_scan_new(&sc, in, &so, err)) != 0 || (rc = tfa_scan_next(sc, &t, err)) != 0)
        goto done;
    if (t.type == TFA_TOK_OBJ) {
        /* {"<list_key>": [...]}: other keys are skipped */
        in_object = 1;
        while ((rc = tfa_scan_next(sc, &t, err)) == 0 && t.type == TFA_TOK_KEY) {
            int wanted = tfa_token_is(&t, spec->list_key);
            if ((rc = tfa_scan_next(sc, &t, err)) != 0)
                goto done;
            if (wanted)
                break;
            if ((rc = tfa_scan_skip(sc, &t, err)) != 0)
                goto done;
        }
        if (rc == 0 && t.type != TFA_TOK_ARR) {
            rc = tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT, "expected \"%s\": [...]",
                               spec->list_key);
            goto done;
        }
    }
    if (rc == 0 && t.type != TFA_TOK_ARR)
        rc = tfa_scan_fail(sc, err, &t.pos, TFA_EINPUT, "expected a list of %s", spec->list_key);
    while (rc == 0 && (rc = tfa_scan_next(sc, &t, err)) == 0 && t.type != TFA_TOK_ARR_END)
        rc = parse_json_record(spec, sc, &t, fn, payload, err);
    if (rc == 0)
        rc = parse_json_rest(spec, sc, in_object, err);
done:
    tfa_scan_free(sc);
    tfa_stream_free(in);
    return rc;
}

int tfa_recfile_parse(const tfa_recfile_spec *spec, const char *name, const char *text, size_t len,
                      tfa_recfile_fn fn, void *payload, tfa_error *err)
{
    size_t i = 0;

    assert(spec->n_fields <= TFA_RECFILE_FIELDS_MAX);
    while (i < len && (is_space(text[i]) || text[i] == '\n' || text[i] == '\r'))
        i++;
    if (i < len && (text[i] == '{' || text[i] == '['))
        return parse_json(spec, name, text, len, fn, payload, err);
    return parse_markdown(spec, name, text, len, fn, payload, err);
}

/* ---- the set of a file's records ---------------------------------------------- */

int tfa_recset_parse(tfa_recset **out, size_t size, const tfa_recfile_spec *spec, const char *name,
                     const char *text, size_t len, tfa_recfile_fn add, tfa_error *err)
{
    tfa_recset *set = tfa_calloc(1, size);
    int rc;

    *out = NULL;
    if (!set || tfa_arena_new(&set->arena) != 0 ||
        !(set->name = tfa_arena_strdup(set->arena, name))) {
        tfa_recset_free(set);
        return tfa_error_oom(err);
    }
    if ((rc = tfa_recfile_parse(spec, set->name, text, len, add, set, err)) != 0)
        tfa_recset_free(set);
    else
        *out = set;
    return rc;
}

int tfa_recset_load(tfa_recset **out, size_t size, const tfa_recfile_spec *spec, const char *path,
                    tfa_recfile_fn add, tfa_error *err)
{
    unsigned char sha[TFA_SHA256_BYTES];
    tfa_buf b;
    int rc;

    *out = NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    rc = tfa_textfile_read(path, TFA_LIMIT_CHECKLIST_BYTES, &b, sha, err);
    if (rc == 0)
        rc = tfa_recset_parse(out, size, spec, path, b.ptr, b.len, add, err);
    tfa_buf_release(&b);
    return rc;
}

void tfa_recset_free(tfa_recset *set)
{
    if (!set)
        return;
    tfa_arena_free(set->arena);
    tfa_free(set->items);
    tfa_free(set);
}

void *tfa_recset_push(tfa_recset *set, size_t size)
{
    char *slot;
    if (tfa_array_grow(&set->items, &set->cap, set->n + 1, size) != 0)
        return NULL;
    slot = (char *)set->items + set->n++ * size;
    memset(slot, 0, size);
    return slot;
}
