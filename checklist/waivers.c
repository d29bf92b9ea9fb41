/*
 * waivers.c - waiver files, Markdown table or JSON (see waivers.h).
 *
 * The file's shape (Markdown table or JSON) is read by recfile.h, shared
 * with the known-drift file; this file checks and keeps the waivers.
 */
#include "util/compat.h"

#include "util/utc.h"
#include "recfile.h"
#include "util/alloc.h"
#include "util/limits.h"
#include "waivers.h"

/* Longest field of a waiver (a reason is a sentence or two). */
#define WAIVER_FIELD_BYTES 4096

enum { W_ITEM, W_OWNER, W_EXPIRES, W_REASON, W_FIELDS };

struct tfa_waivers {
    tfa_recset rs; /* first: the record file's lifecycle (recfile.h) */
};

static tfa_waiver *items(const tfa_waivers *w)
{
    return w->rs.items;
}

static const tfa_recfile_field fields[W_FIELDS] = {
    {"item", "id", 1}, {"owner", NULL, 1}, {"expires", "expiry", 1}, {"reason", NULL, 1}};

static const tfa_recfile_spec spec = {"waiver", "waivers", "item, owner, expires and reason",
                                      fields,   W_FIELDS,  WAIVER_FIELD_BYTES};

/* Add a waiver from a record of the file (fields copied). */
static int add(void *payload, const tfa_recfile_row *row, tfa_error *err)
{
    tfa_waivers *w = payload; /* the set, as tfa_recset_parse made it */
    tfa_waiver *x;
    size_t i, k;
    const char *s[W_FIELDS];
    long day;

    if (tfa_utc_parse_date(row->f[W_EXPIRES], row->len[W_EXPIRES], &day) != 0)
        return tfa_recfile_fail(w->rs.name, row->line, row->cols[W_EXPIRES], err,
                                "invalid expiry date '%.*s' (YYYY-MM-DD)", (int)row->len[W_EXPIRES],
                                row->f[W_EXPIRES]);
    for (k = 0; k < W_FIELDS; k++)
        if (!(s[k] = tfa_arena_strndup(w->rs.arena, row->f[k], row->len[k])))
            return tfa_error_oom(err);
    for (i = 0; i < w->rs.n; i++)
        if (strcmp(items(w)[i].item, s[W_ITEM]) == 0)
            return tfa_recfile_fail(w->rs.name, row->line, row->cols[W_ITEM], err,
                                    "item '%s' is waived twice (first on line %lu)", s[W_ITEM],
                                    items(w)[i].line);
    if (w->rs.n == TFA_LIMIT_CHECKLIST_ITEMS)
        return tfa_recfile_fail(w->rs.name, row->line, 1, err, "more than %d waivers",
                                TFA_LIMIT_CHECKLIST_ITEMS);
    if (!(x = tfa_recset_push(&w->rs, sizeof(*x))))
        return tfa_error_oom(err);
    x->item = s[W_ITEM], x->owner = s[W_OWNER], x->expires = s[W_EXPIRES], x->reason = s[W_REASON];
    x->expires_day = day;
    x->source = w->rs.name;
    x->line = row->line;
    x->column = row->cols[W_ITEM];
    return 0;
}

/* ---- API --------------------------------------------------------------------- */

int tfa_waivers_parse(tfa_waivers **out, const char *name, const char *text, size_t len,
                      tfa_error *err)
{
    tfa_recset *rs = NULL;
    int rc = tfa_recset_parse(&rs, sizeof(tfa_waivers), &spec, name, text, len, add, err);
    *out = (tfa_waivers *)rs;
    return rc;
}

int tfa_waivers_load(tfa_waivers **out, const char *path, tfa_error *err)
{
    tfa_recset *rs = NULL;
    int rc = tfa_recset_load(&rs, sizeof(tfa_waivers), &spec, path, add, err);
    *out = (tfa_waivers *)rs;
    return rc;
}

void tfa_waivers_free(tfa_waivers *w)
{
    tfa_recset_free(w ? &w->rs : NULL);
}

size_t tfa_waivers_count(const tfa_waivers *w)
{
    return w ? w->rs.n : 0;
}

const tfa_waiver *tfa_waivers_at(const tfa_waivers *w, size_t i)
{
    return w && i < w->rs.n ? &items(w)[i] : NULL;
}

const tfa_waiver *tfa_waivers_find(const tfa_waivers *w, const char *item)
{
    size_t i;
    for (i = 0; w && i < w->rs.n; i++)
        if (strcmp(items(w)[i].item, item) == 0)
            return &items(w)[i];
    return NULL;
}

int tfa_waivers_check(const tfa_waivers *w, const tfa_checklist *cl, tfa_error *err)
{
    tfa_pos pos = {0, 0, 0};
    size_t i;
    for (i = 0; w && i < w->rs.n; i++) {
        const tfa_waiver *x = &items(w)[i];
        const char *near;
        if (tfa_checklist_find(cl, x->item))
            continue;
        near = tfa_checklist_suggest(cl, x->item);
        pos.line = x->line, pos.column = x->column;
        tfa_error_set_source(err, w->rs.name);
        if (near)
            return tfa_error_set_at(err, TFA_EINPUT, &pos,
                                    "waiver for unknown item '%s' (did you mean '%s'?)", x->item,
                                    near);
        return tfa_error_set_at(err, TFA_EINPUT, &pos, "waiver for unknown item '%s'", x->item);
    }
    return 0;
}
