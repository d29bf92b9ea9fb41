/*
 * checklist.c - the Markdown checklist loader (see checklist.h for the
 * format).
 *
 * Markdown is read line by line, as CommonMark would render it for the
 * parts that matter here: ATX headings, fenced code blocks (skipped) and
 * task-list items (`- [ ]`, `* [x]`, `1. [ ]`, at any indentation). Every
 * other line is prose and is left alone. mdblock.c says which lines are
 * code or raw HTML, and refuses what a renderer could read otherwise. An item line is split into
 * id, title, expression and level; the expression goes to expr_parse.c with its line and column, so
 * every error points into the file.
 */
#include "util/compat.h"

#include "builtin.h"
#include "checklist.h"
#include "expr.h"
#include "mdblock.h"
#include "suggest.h"
#include "textfile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"

typedef struct heading {
    const char *text;
    const char *path; /* "Before apply / Sign-off": the chain below the title */
    int level;
    long parent; /* index of the enclosing heading, -1 for none */
} heading;

typedef struct slot {
    tfa_item item;
    long heading; /* index of the nearest heading above, -1 for none */
} slot;

struct tfa_checklist {
    tfa_arena *arena;
    const char *name;
    char *src;
    size_t len;
    unsigned char sha256[TFA_SHA256_BYTES];
    const char *title;
    slot *items;
    size_t n_items, cap_items;
    heading *headings;
    size_t n_headings, cap_headings;
};

/* One line being parsed: its bytes (without the newline) and position. */
typedef struct line {
    tfa_checklist *cl;
    const char *p;
    size_t len;
    size_t offset; /* of p in the source */
    unsigned long no;
    tfa_error *err;
} line;

const char *tfa_level_name(tfa_level level)
{
    switch (level) {
    case TFA_LEVEL_SOFT:
        return "soft";
    case TFA_LEVEL_ADVISORY:
        return "advisory";
    default:
        return "hard";
    }
}

static int fail_status_at(const line *l, int status, size_t col0, const char *fmt, ...)
    TFA_PRINTF(4, 5);
static int fail_at(const line *l, size_t col0, const char *fmt, ...) TFA_PRINTF(3, 4);

static int vfail_at(const line *l, int status, size_t col0, const char *fmt, va_list ap)
    TFA_PRINTF(4, 0);
static int vfail_at(const line *l, int status, size_t col0, const char *fmt, va_list ap)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    tfa_pos pos;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    pos.line = l->no;
    pos.column = (unsigned long)col0 + 1;
    pos.offset = l->offset + col0;
    tfa_error_set_source(l->err, l->cl->name);
    /* the first error wins, status and message together (error.h) */
    return tfa_error_set_at(l->err, status, &pos, "%s", msg);
}

/* An error of `status` at byte col0 (0-based) of the line. */
static int fail_status_at(const line *l, int status, size_t col0, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_at(l, status, col0, fmt, ap);
    va_end(ap);
    return rc;
}

/* An input error at byte col0 (0-based) of the line. */
static int fail_at(const line *l, size_t col0, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_at(l, TFA_EINPUT, col0, fmt, ap);
    va_end(ap);
    return rc;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static size_t skip_spaces(const line *l, size_t i)
{
    while (i < l->len && is_space(l->p[i]))
        i++;
    return i;
}

static const char *copy(tfa_checklist *cl, const char *p, size_t n)
{
    while (n && is_space(*p))
        p++, n--;
    while (n && is_space(p[n - 1]))
        n--;
    return tfa_arena_strndup(cl->arena, p, n);
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int same_text(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* ---- headings ------------------------------------------------------------------ */

/* An ATX heading: its level (1-6) and text span, or 0. */
static int atx_heading(const line *l, size_t *start, size_t *end)
{
    size_t i = 0, e;
    int level = 0;

    while (i < l->len && i < 3 && l->p[i] == ' ')
        i++;
    while (i < l->len && l->p[i] == '#' && level < 7)
        i++, level++;
    if (level == 0 || level > 6 || (i < l->len && !is_space(l->p[i])))
        return 0;
    i = skip_spaces(l, i);
    e = l->len;
    while (e > i && is_space(l->p[e - 1]))
        e--;
    /* an optional closing run of #s, preceded by a space */
    {
        size_t h = e;
        while (h > i && l->p[h - 1] == '#')
            h--;
        if (h == i || is_space(l->p[h - 1])) {
            e = h;
            while (e > i && is_space(l->p[e - 1]))
                e--;
        }
    }
    *start = i, *end = e;
    return level;
}

static int add_heading(tfa_checklist *cl, const line *l, int level, size_t s, size_t e)
{
    heading *h;
    long parent = (long)cl->n_headings - 1;

    if (cl->n_headings == cl->cap_headings) {
        size_t cap = cl->cap_headings ? cl->cap_headings * 2 : 16;
        heading *n = tfa_realloc(cl->headings, cap * sizeof(*n));
        if (!n)
            return tfa_error_oom(l->err);
        cl->headings = n, cl->cap_headings = cap;
    }
    while (parent >= 0 && cl->headings[parent].level >= level)
        parent = cl->headings[parent].parent;
    h = &cl->headings[cl->n_headings++];
    h->level = level;
    h->parent = parent;
    h->text = copy(cl, l->p + s, e - s);
    if (!h->text)
        return tfa_error_oom(l->err);
    h->path = h->text;
    if (parent >= 0 && cl->headings[parent].level > 1) {
        const char *pp = cl->headings[parent].path;
        size_t a = strlen(pp), b = strlen(h->text);
        char *joined = tfa_arena_alloc(cl->arena, a + b + 4);
        if (!joined)
            return tfa_error_oom(l->err);
        memcpy(joined, pp, a);
        memcpy(joined + a, " / ", 3);
        memcpy(joined + a + 3, h->text, b + 1);
        h->path = joined;
    }
    if (level == 1 && !cl->title)
        cl->title = h->text;
    return 0;
}

/* ---- items ------------------------------------------------------------------- */

/* A task-list marker: bullet or ordinal, spaces, [ ], [x] or [X], then a
 * space or the end. Sets *box to the byte inside the brackets and *rest past
 * the marker. */
static int task_marker(const line *l, size_t *box, size_t *rest)
{
    size_t i = skip_spaces(l, 0), d = i;

    if (i < l->len && (l->p[i] == '-' || l->p[i] == '*' || l->p[i] == '+')) {
        i++;
    } else {
        while (i < l->len && l->p[i] >= '0' && l->p[i] <= '9' && i - d < 9)
            i++;
        if (i == d || i >= l->len || (l->p[i] != '.' && l->p[i] != ')'))
            return 0;
        i++;
    }
    if (i >= l->len || !is_space(l->p[i]))
        return 0;
    i = skip_spaces(l, i);
    if (i + 3 > l->len || l->p[i] != '[' || l->p[i + 2] != ']' ||
        (l->p[i + 1] != ' ' && l->p[i + 1] != 'x' && l->p[i + 1] != 'X'))
        return 0;
    if (i + 3 < l->len && !is_space(l->p[i + 3]))
        return 0;
    *box = i + 1;
    *rest = skip_spaces(l, i + 3);
    return 1;
}

/* A code span at i: sets the content span and returns the index after its
 * closing run, or 0 (error recorded) when it is not closed. */
static size_t code_span(const line *l, size_t i, size_t *cs, size_t *ce)
{
    size_t n = 0, j, k;

    while (i + n < l->len && l->p[i + n] == '`')
        n++;
    for (j = i + n; j < l->len;) {
        if (l->p[j] != '`') {
            j++;
            continue;
        }
        for (k = 0; j + k < l->len && l->p[j + k] == '`'; k++)
            ;
        if (k == n) {
            *cs = i + n, *ce = j;
            return j + k;
        }
        j += k;
    }
    fail_at(l, i, "unterminated code span");
    return 0;
}

static int valid_id(const char *p, size_t n)
{
    size_t i;
    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (i > 0 && (c == '-' || c == '_' || c == '.'))))
            return 0;
    }
    return 1;
}

static int word_at(const line *l, size_t i, const char *w)
{
    size_t n = strlen(w);
    return i + n <= l->len && memcmp(l->p + i, w, n) == 0 &&
           (i + n == l->len || is_space(l->p[i + n]) || l->p[i + n] == '(');
}

/*
 * `builtin` or `builtin NAME` at *i: the item checks built-in NAME, or the
 * built-in its id names. A user's own id keeps its meaning in their
 * checklist (`no-db-destroy ...: builtin no-destroy`); the built-in's
 * expression is what is evaluated and shown. Advances *i past it.
 */
static int parse_builtin(const line *l, size_t *i, tfa_item *it)
{
    tfa_checklist *cl = l->cl;
    size_t at = *i, ns, ne;
    const char *name = it->id, *expr;
    char *named = NULL;
    const tfa_expr *e = NULL;
    int rc;

    ns = skip_spaces(l, at + strlen("builtin"));
    for (ne = ns; ne < l->len && !is_space(l->p[ne]) && l->p[ne] != '('; ne++)
        ;
    if (ne > ns) {
        if (!(named = tfa_arena_strndup(cl->arena, l->p + ns, ne - ns)))
            return tfa_error_oom(l->err);
        name = named;
        at = ns;
    }
    if (!(expr = tfa_builtin_expr(name))) {
        const char *hint = tfa_builtin_suggest(name);
        if (hint)
            return fail_at(l, at, "'%s' is not a built-in requirement (did you mean '%s'?)", name,
                           hint);
        return fail_at(l, at, "'%s' is not a built-in requirement (%s)%s", name,
                       tfa_builtin_names(), named ? "" : "; name one after the word: builtin NAME");
    }
    rc = tfa_expr_parse(&e, cl->arena, expr, strlen(expr), cl->name, l->no, (unsigned long)at + 1,
                        l->err);
    if (rc)
        return rc;
    it->expr = e;
    it->expr_text = expr; /* static: lives as long as the program */
    *i = named ? ne : *i + strlen("builtin");
    return 0;
}

/* The part after the title's colon: expression span or `manual`, then an
 * optional level. `i` is at the backtick or the word. */
static int parse_tail(const line *l, size_t i, tfa_item *it)
{
    tfa_checklist *cl = l->cl;
    size_t cs = 0, ce = 0, ls, le;
    const tfa_expr *e = NULL;
    int rc;

    if (l->p[i] == '`') {
        size_t after = code_span(l, i, &cs, &ce);
        if (!after)
            return TFA_EINPUT;
        while (cs < ce && is_space(l->p[cs]))
            cs++;
        while (ce > cs && is_space(l->p[ce - 1]))
            ce--;
        if (cs == ce)
            return fail_at(l, i, "empty expression");
        rc = tfa_expr_parse(&e, cl->arena, l->p + cs, ce - cs, cl->name, l->no,
                            (unsigned long)cs + 1, l->err);
        if (rc)
            return rc;
        it->expr = e;
        if (!(it->expr_text = copy(cl, l->p + cs, ce - cs)))
            return tfa_error_oom(l->err);
        i = after;
    } else if (word_at(l, i, "builtin")) {
        if ((rc = parse_builtin(l, &i, it)) != 0)
            return rc;
    } else {
        it->manual = 1;
        i += strlen("manual");
    }
    i = skip_spaces(l, i);
    if (i < l->len && l->p[i] == '(') {
        ls = skip_spaces(l, i + 1);
        for (le = ls; le < l->len && l->p[le] != ')'; le++)
            ;
        if (le >= l->len)
            return fail_at(l, i, "unclosed '(' after the %s",
                           it->manual ? "word manual" : "expression");
        while (le > ls && is_space(l->p[le - 1]))
            le--;
        if (le - ls == 4 && memcmp(l->p + ls, "hard", 4) == 0)
            it->level = TFA_LEVEL_HARD;
        else if (le - ls == 4 && memcmp(l->p + ls, "soft", 4) == 0)
            it->level = TFA_LEVEL_SOFT;
        else if (le - ls == 8 && memcmp(l->p + ls, "advisory", 8) == 0)
            it->level = TFA_LEVEL_ADVISORY;
        else
            return fail_at(l, ls, "unknown level '%.*s' (hard, soft or advisory)", (int)(le - ls),
                           l->p + ls);
        while (l->p[le] != ')')
            le++;
        i = skip_spaces(l, le + 1);
    }
    if (i < l->len)
        return fail_at(l, i, "unexpected text after the %s",
                       it->manual ? "word manual" : "expression");
    return 0;
}

/* "Title (soft)" on a built-in named by its id alone: the level ends the
 * title. */
static void id_only_level(const line *l, tfa_item *it, size_t *end)
{
    static const struct {
        const char *text;
        tfa_level level;
    } levels[] = {
        {"(hard)", TFA_LEVEL_HARD}, {"(soft)", TFA_LEVEL_SOFT}, {"(advisory)", TFA_LEVEL_ADVISORY}};
    size_t e = *end, k, n;

    while (e > 0 && is_space(l->p[e - 1]))
        e--;
    for (k = 0; k < TFA_ARRAY_SIZE(levels); k++) {
        n = strlen(levels[k].text);
        if (e >= n && memcmp(l->p + e - n, levels[k].text, n) == 0) {
            it->level = levels[k].level;
            e -= n;
            while (e > 0 && is_space(l->p[e - 1]))
                e--;
            *end = e;
            return;
        }
    }
}

/* Find the colon that ends the title: the first one (outside code spans)
 * followed by a code span or `manual` whose tail parses. */
static int split_title(const line *l, size_t i, tfa_item *it, size_t *colon)
{
    tfa_error first;
    size_t cs, ce, j;
    int tried = 0, rc = 0;

    tfa_error_init(&first);
    while (i < l->len) {
        if (l->p[i] == '`') {
            size_t after = code_span(l, i, &cs, &ce);
            if (!after)
                return TFA_EINPUT;
            i = after;
            continue;
        }
        if (l->p[i] == ':') {
            j = skip_spaces(l, i + 1);
            if (j < l->len &&
                (l->p[j] == '`' || word_at(l, j, "manual") || word_at(l, j, "builtin"))) {
                tfa_error attempt;
                tfa_error_init(&attempt);
                it->expr = NULL;
                it->manual = 0, it->level = TFA_LEVEL_HARD, it->expr_text = NULL;
                {
                    line probe = *l;
                    probe.err = &attempt;
                    rc = parse_tail(&probe, j, it);
                }
                if (rc == 0) {
                    *colon = i;
                    return 0;
                }
                if (rc == TFA_ENOMEM || !tried)
                    first = attempt;
                tried = 1;
                if (rc == TFA_ENOMEM)
                    break;
            }
        }
        i++;
    }
    if (tried) {
        *l->err = first;
        return first.status;
    }
    if (tfa_builtin_expr(it->id)) {
        /* a built-in named by its id alone: the whole rest is the title */
        const char *expr = tfa_builtin_expr(it->id);
        const tfa_expr *e = NULL;
        int rc2 =
            tfa_expr_parse(&e, l->cl->arena, expr, strlen(expr), l->cl->name, l->no, 1, l->err);
        if (rc2)
            return rc2;
        it->expr = e;
        it->expr_text = expr;
        it->manual = 0, it->level = TFA_LEVEL_HARD;
        *colon = l->len;
        id_only_level(l, it, colon);
        return 0;
    }
    return fail_at(l, l->len,
                   "expected ': `expression`', ': manual' or ': builtin' after the title");
}

static slot *push_item(tfa_checklist *cl, const line *l)
{
    if (cl->n_items == TFA_LIMIT_CHECKLIST_ITEMS) {
        /* never `err->status = TFA_ELIMIT` after the fact: that wrote the
         * limit's status over an error already there, under its message */
        fail_status_at(l, TFA_ELIMIT, 0, "more than %d items", TFA_LIMIT_CHECKLIST_ITEMS);
        return NULL;
    }
    if (cl->n_items == cl->cap_items) {
        size_t cap = cl->cap_items ? cl->cap_items * 2 : 32;
        slot *n = tfa_realloc(cl->items, cap * sizeof(*n));
        if (!n) {
            tfa_error_oom(l->err);
            return NULL;
        }
        cl->items = n, cl->cap_items = cap;
    }
    memset(&cl->items[cl->n_items], 0, sizeof(slot));
    return &cl->items[cl->n_items];
}

static int parse_item(tfa_checklist *cl, const line *l, size_t box, size_t i)
{
    size_t cs, ce, after, colon = 0, k;
    slot *s = push_item(cl, l);
    tfa_item *it;
    int rc;

    if (!s)
        return l->err->status;
    it = &s->item;
    if (i >= l->len || l->p[i] != '`')
        return fail_at(l, i, "expected the item id in backticks after the checkbox");
    if (!(after = code_span(l, i, &cs, &ce)))
        return TFA_EINPUT;
    while (cs < ce && is_space(l->p[cs]))
        cs++;
    while (ce > cs && is_space(l->p[ce - 1]))
        ce--;
    if (!valid_id(l->p + cs, ce - cs))
        return fail_at(l, cs, "invalid item id '%.*s' (letters, digits, '-', '_' and '.')",
                       (int)(ce - cs), l->p + cs);
    if (!(it->id = copy(cl, l->p + cs, ce - cs)))
        return tfa_error_oom(l->err);
    for (k = 0; k < cl->n_items; k++)
        if (strcmp(cl->items[k].item.id, it->id) == 0)
            return fail_at(l, cs, "duplicate item id '%s' (first on line %lu)", it->id,
                           cl->items[k].item.line);
    if ((rc = split_title(l, after, it, &colon)) != 0)
        return rc;
    if (!(it->title = copy(cl, l->p + after, colon - after)))
        return tfa_error_oom(l->err);
    if (!it->title[0])
        return fail_at(l, colon, "item '%s' has no title", it->id);
    it->checked = l->p[box] != ' ';
    it->line = l->no;
    it->line_offset = l->offset;
    it->line_end = l->offset + l->len;
    it->box_offset = l->offset + box;
    it->section = cl->n_headings ? cl->headings[cl->n_headings - 1].path : NULL;
    s->heading = (long)cl->n_headings - 1;
    cl->n_items++;
    return 0;
}

/* A task-list item the line holds inside a block quote, which tfaudit does
 * not read (a renderer shows it, ticked or not): an error, not a skip. */
static int quoted_item(const line *l, const tfa_md_line *ml)
{
    const char *p = l->p + ml->content;
    size_t n = l->len - ml->content;
    return ml->quoted && n >= 3 && p[0] == '[' && p[2] == ']' &&
           (p[1] == ' ' || p[1] == 'x' || p[1] == 'X') && (n == 3 || is_space(p[3]));
}

static int parse_lines(tfa_checklist *cl, tfa_error *err)
{
    size_t pos = 0, box, rest, hs, he, col = 0;
    tfa_md_reader md;
    tfa_md_line ml;
    const char *why = NULL;
    line l;
    int level, rc;

    l.cl = cl, l.err = err, l.no = 0;
    tfa_md_init(&md);
    while (pos < cl->len) {
        const char *nl = memchr(cl->src + pos, '\n', cl->len - pos);
        l.p = cl->src + pos;
        l.offset = pos;
        l.len = nl ? (size_t)(nl - l.p) : cl->len - pos;
        pos += l.len + (nl != NULL);
        l.no++;
        if (l.len && l.p[l.len - 1] == '\r')
            l.len--;
        if (tfa_md_next(&md, l.p, l.len, l.no, &ml, &col, &why) != 0)
            return fail_at(&l, col, "%s", why);
        if (ml.kind == TFA_MD_FENCE || ml.kind == TFA_MD_CODE)
            continue;
        if (ml.setext) /* a heading a reader sees, under which no section starts */
            return fail_at(&l, 0,
                           "an underlined heading: tfaudit reads '#' headings only; write it "
                           "as '# TEXT' or '## TEXT' (or put a blank line above a rule)");
        if (quoted_item(&l, &ml))
            return fail_at(&l, ml.content,
                           "a checklist item in a block quote is not read; take it out of the "
                           "quote");
        /* raw HTML holds no heading (mdblock.c refuses one there); an item
         * written in it is still read: stricter than a renderer hiding it */
        if (ml.kind == TFA_MD_TEXT && (level = atx_heading(&l, &hs, &he)) != 0)
            rc = add_heading(cl, &l, level, hs, he);
        else if (task_marker(&l, &box, &rest))
            rc = parse_item(cl, &l, box, rest);
        else
            rc = 0;
        if (rc)
            return rc;
    }
    if (cl->n_items == 0) {
        tfa_error_set_source(err, cl->name);
        return tfa_error_set(err, TFA_EINPUT,
                             "no checklist items (an item is a line like "
                             "- [ ] `id` Title: `expression`)");
    }
    return 0;
}

static int parse_owned(tfa_checklist **out, const char *name, char *text, size_t len,
                       const unsigned char *sha256, tfa_error *err)
{
    tfa_checklist *cl = tfa_calloc(1, sizeof(*cl));
    int rc;

    *out = NULL;
    if (!cl || tfa_arena_new(&cl->arena) != 0) {
        tfa_free(text);
        tfa_free(cl);
        return tfa_error_oom(err);
    }
    cl->src = text, cl->len = len;
    if (sha256)
        memcpy(cl->sha256, sha256, TFA_SHA256_BYTES);
    else
        tfa_sha256_digest(text, len, cl->sha256);
    if (!(cl->name = tfa_arena_strdup(cl->arena, name))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (memchr(text, '\0', len)) {
        tfa_error_set_source(err, name);
        rc = tfa_error_set(err, TFA_EINPUT, "not a text file (NUL byte)");
        goto done;
    }
    rc = parse_lines(cl, err);
done:
    if (rc)
        tfa_checklist_free(cl);
    else
        *out = cl;
    return rc;
}

int tfa_checklist_parse(tfa_checklist **out, const char *name, const char *text, size_t len,
                        tfa_error *err)
{
    char *copy_of = tfa_strndup(text, len);
    *out = NULL;
    if (!copy_of)
        return tfa_error_oom(err);
    if (len > TFA_LIMIT_CHECKLIST_BYTES) {
        tfa_free(copy_of);
        tfa_error_set_source(err, name);
        return tfa_error_set(err, TFA_ELIMIT, "larger than %u bytes", TFA_LIMIT_CHECKLIST_BYTES);
    }
    return parse_owned(out, name, copy_of, len, NULL, err);
}

int tfa_checklist_load(tfa_checklist **out, const char *path, tfa_error *err)
{
    unsigned char sha[TFA_SHA256_BYTES];
    tfa_buf b;
    size_t len;
    char *text;
    int rc;

    *out = NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if ((rc = tfa_textfile_read(path, TFA_LIMIT_CHECKLIST_BYTES, &b, sha, err)) != 0) {
        tfa_buf_release(&b);
        return rc;
    }
    len = 0;
    text = tfa_buf_detach(&b, &len);
    if (!text)
        return tfa_error_oom(err);
    return parse_owned(out, path, text, len, sha, err);
}

void tfa_checklist_free(tfa_checklist *cl)
{
    if (!cl)
        return;
    tfa_arena_free(cl->arena);
    tfa_free(cl->src);
    tfa_free(cl->items);
    tfa_free(cl->headings);
    tfa_free(cl);
}

const char *tfa_checklist_name(const tfa_checklist *cl)
{
    return cl->name;
}

const char *tfa_checklist_title(const tfa_checklist *cl)
{
    return cl->title;
}

const char *tfa_checklist_source(const tfa_checklist *cl, size_t *len)
{
    if (len)
        *len = cl->len;
    return cl->src;
}

const unsigned char *tfa_checklist_sha256(const tfa_checklist *cl)
{
    return cl->sha256;
}

size_t tfa_checklist_item_count(const tfa_checklist *cl)
{
    return cl->n_items;
}

const tfa_item *tfa_checklist_item(const tfa_checklist *cl, size_t i)
{
    return i < cl->n_items ? &cl->items[i].item : NULL;
}

const tfa_item *tfa_checklist_find(const tfa_checklist *cl, const char *id)
{
    size_t i;
    for (i = 0; i < cl->n_items; i++)
        if (strcmp(cl->items[i].item.id, id) == 0)
            return &cl->items[i].item;
    return NULL;
}

const char *tfa_checklist_suggest(const tfa_checklist *cl, const char *id)
{
    tfa_suggest s;
    size_t i;
    tfa_suggest_init(&s, id, strlen(id));
    for (i = 0; i < cl->n_items; i++)
        tfa_suggest_offer(&s, cl->items[i].item.id);
    return tfa_suggest_best(&s);
}

int tfa_checklist_in_section(const tfa_checklist *cl, size_t i, const char *section)
{
    long h = i < cl->n_items ? cl->items[i].heading : -1;
    for (; h >= 0; h = cl->headings[h].parent)
        if (same_text(cl->headings[h].text, section))
            return 1;
    return 0;
}

const char *tfa_checklist_find_section(const tfa_checklist *cl, const char *section)
{
    size_t h;
    for (h = 0; h < cl->n_headings; h++)
        if (same_text(cl->headings[h].text, section))
            return cl->headings[h].text;
    return NULL;
}
