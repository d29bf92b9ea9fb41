/*
 * waivers.c - waiver files, Markdown table or JSON (see waivers.h).
 *
 * The file's shape (Markdown table or JSON) is read by recfile.h, shared
 * with the known-drift file; this file checks and keeps the waivers.
 */
#include "util/compat.h"

#include "date.h"
#include "recfile.h"
#include "textfile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/limits.h"
#include "waivers.h"

/* Longest field of a waiver (a reason is a sentence or two). */
#define WAIVER_FIELD_BYTES 4096

enum { W_ITEM, W_OWNER, W_EXPIRES, W_REASON, W_FIELDS };

struct tfa_waivers {
    tfa_arena *arena;
    const char *name;
    tfa_waiver *items;
    size_t n, cap;
};

static const tfa_recfile_field fields[W_FIELDS] = {
    {"item", "id", 1}, {"owner", NULL, 1}, {"expires", "expiry", 1}, {"reason", NULL, 1}};

static const tfa_recfile_spec spec = {"waiver", "waivers", "item, owner, expires and reason",
                                      fields,   W_FIELDS,  WAIVER_FIELD_BYTES};

/* Add a waiver from a record of the file (fields copied). */
static int add(void *payload, const tfa_recfile_row *row, tfa_error *err)
{
    tfa_waivers *w = payload;
    tfa_waiver *x;
    size_t i, k;
    const char *s[W_FIELDS];
    long day;

    if (tfa_date_parse(row->f[W_EXPIRES], row->len[W_EXPIRES], &day) != 0)
        return tfa_recfile_fail(w->name, row->line, row->cols[W_EXPIRES], err,
                                "invalid expiry date '%.*s' (YYYY-MM-DD)", (int)row->len[W_EXPIRES],
                                row->f[W_EXPIRES]);
    for (k = 0; k < W_FIELDS; k++)
        if (!(s[k] = tfa_arena_strndup(w->arena, row->f[k], row->len[k])))
            return tfa_error_oom(err);
    for (i = 0; i < w->n; i++)
        if (strcmp(w->items[i].item, s[W_ITEM]) == 0)
            return tfa_recfile_fail(w->name, row->line, row->cols[W_ITEM], err,
                                    "item '%s' is waived twice (first on line %lu)", s[W_ITEM],
                                    w->items[i].line);
    if (w->n == TFA_LIMIT_CHECKLIST_ITEMS)
        return tfa_recfile_fail(w->name, row->line, 1, err, "more than %d waivers",
                                TFA_LIMIT_CHECKLIST_ITEMS);
    if (tfa_array_grow(&w->items, &w->cap, w->n + 1, sizeof(*w->items)) != 0)
        return tfa_error_oom(err);
    x = &w->items[w->n++];
    x->item = s[W_ITEM], x->owner = s[W_OWNER], x->expires = s[W_EXPIRES], x->reason = s[W_REASON];
    x->expires_day = day;
    x->source = w->name;
    x->line = row->line;
    x->column = row->cols[W_ITEM];
    return 0;
}

/* ---- API --------------------------------------------------------------------- */

int tfa_waivers_parse(tfa_waivers **out, const char *name, const char *text, size_t len,
                      tfa_error *err)
{
    tfa_waivers *w = tfa_calloc(1, sizeof(*w));
    int rc;

    *out = NULL;
    if (!w || tfa_arena_new(&w->arena) != 0 || !(w->name = tfa_arena_strdup(w->arena, name))) {
        tfa_waivers_free(w);
        return tfa_error_oom(err);
    }
    rc = tfa_recfile_parse(&spec, w->name, text, len, add, w, err);
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
