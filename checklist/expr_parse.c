/*
 * expr_parse.c - lexer, recursive-descent parser and type checker for
 * checklist expressions (grammar in expr.h).
 *
 * Names are resolved and types checked while the tree is built, so every
 * mistake is reported at load with its column: unknown facts and fields
 * (with the closest name), comparisons between a number and a string,
 * `and` over a number, a field used outside `where`, a condition that is
 * not a condition. Messages say what to write instead where that is clear
 * ("use 'and' instead of '&&'").
 */
#include "util/compat.h"

#include "domain.h"
#include "expr.h"
#include "suggest.h"
#include "util/limits.h"

typedef enum tok_type {
    T_EOF = 0,
    T_NUM,
    T_STR,
    T_NAME,
    T_LPAREN,
    T_RPAREN,
    T_LBRACK,
    T_RBRACK,
    T_COMMA,
    T_OP
} tok_type;

typedef struct tok {
    tok_type type;
    size_t start, len; /* bytes of src */
    int op;            /* T_OP: tfa_cmp_op */
    double num;
    const char *str; /* T_STR: decoded, in the arena */
} tok;

typedef struct parser {
    const char *src;
    size_t len, pos;
    tok t;
    const char *source;
    unsigned long line, column; /* of src[0] */
    tfa_arena *arena;
    tfa_error *err;
    unsigned depth;
    int in_where;
    tfa_coll coll;
} parser;

static int perr(parser *p, size_t at, int status, const char *fmt, ...) TFA_PRINTF(4, 5);

static int perr(parser *p, size_t at, int status, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    tfa_pos pos;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pos.line = p->line;
    pos.column = p->column + (unsigned long)at;
    pos.offset = at;
    tfa_error_set_source(p->err, p->source);
    return tfa_error_set_at(p->err, status, &pos, "%s", msg);
}

/* ---- lexer ------------------------------------------------------------------- */

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int at(const parser *p, size_t i, char c)
{
    return i < p->len && p->src[i] == c;
}

static int lex_number(parser *p, size_t s)
{
    size_t i = s;
    char buf[64];

    if (at(p, i, '-'))
        i++;
    while (i < p->len && is_digit(p->src[i]))
        i++;
    if (at(p, i, '.') && i + 1 < p->len && is_digit(p->src[i + 1]))
        for (i++; i < p->len && is_digit(p->src[i]); i++)
            ;
    if (i < p->len && (p->src[i] == 'e' || p->src[i] == 'E')) {
        size_t j = i + 1;
        if (at(p, j, '+') || at(p, j, '-'))
            j++;
        if (j < p->len && is_digit(p->src[j]))
            for (i = j; i < p->len && is_digit(p->src[i]); i++)
                ;
    }
    if (i < p->len && (is_alpha(p->src[i]) || p->src[i] == '.'))
        return perr(p, s, TFA_EINPUT, "invalid number '%.*s'", (int)(i - s + 1), p->src + s);
    if (i - s >= sizeof(buf))
        return perr(p, s, TFA_EINPUT, "number too long");
    memcpy(buf, p->src + s, i - s);
    buf[i - s] = '\0';
    p->t.type = T_NUM;
    p->t.num = strtod(buf, NULL);
    p->t.len = i - s;
    return 0;
}

static int lex_string(parser *p, size_t s)
{
    tfa_buf b;
    size_t i;
    int rc = 0;

    tfa_buf_init(&b, p->len + 1);
    for (i = s + 1; i < p->len && p->src[i] != '"'; i++) {
        char c = p->src[i];
        if (c != '\\') {
            tfa_buf_putc(&b, c);
            continue;
        }
        if (++i >= p->len)
            break;
        switch (p->src[i]) {
        case '"':
        case '\\':
        case '/':
            tfa_buf_putc(&b, p->src[i]);
            break;
        case 'n':
            tfa_buf_putc(&b, '\n');
            break;
        case 't':
            tfa_buf_putc(&b, '\t');
            break;
        default:
            rc = perr(p, i - 1, TFA_EINPUT, "unknown escape '\\%c' in a string", p->src[i]);
            goto done;
        }
    }
    if (i >= p->len) {
        rc = perr(p, s, TFA_EINPUT, "unterminated string");
        goto done;
    }
    if (tfa_buf_status(&b) || !(p->t.str = tfa_arena_strndup(p->arena, b.ptr, b.len))) {
        rc = tfa_error_oom(p->err);
        goto done;
    }
    p->t.type = T_STR;
    p->t.len = i + 1 - s;
done:
    tfa_buf_release(&b);
    return rc;
}

static int lex_op(parser *p, size_t s)
{
    char c = p->src[s], d = s + 1 < p->len ? p->src[s + 1] : '\0';
    static const struct {
        char a, b;
        int op;
    } ops[] = {{'=', '=', TFA_OP_EQ}, {'!', '=', TFA_OP_NE},     {'<', '=', TFA_OP_LE},
               {'>', '=', TFA_OP_GE}, {'!', '~', TFA_OP_NMATCH}, {'<', 0, TFA_OP_LT},
               {'>', 0, TFA_OP_GT},   {'~', 0, TFA_OP_MATCH}};
    size_t k;

    for (k = 0; k < TFA_ARRAY_SIZE(ops); k++)
        if (ops[k].a == c && (!ops[k].b || ops[k].b == d)) {
            p->t.type = T_OP;
            p->t.op = ops[k].op;
            p->t.len = ops[k].b ? 2 : 1;
            return 0;
        }
    if (c == '=')
        return perr(p, s, TFA_EINPUT, "'=' is not an operator; use '=='");
    if (c == '!')
        return perr(p, s, TFA_EINPUT, "use 'not' instead of '!'");
    if (c == '&' && d == '&')
        return perr(p, s, TFA_EINPUT, "use 'and' instead of '&&'");
    if (c == '|' && d == '|')
        return perr(p, s, TFA_EINPUT, "use 'or' instead of '||'");
    if (c == '\'')
        return perr(p, s, TFA_EINPUT, "strings use double quotes");
    if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        return perr(p, s, TFA_EINPUT, "unexpected byte 0x%02x", (unsigned char)c);
    return perr(p, s, TFA_EINPUT, "unexpected character '%c'", c);
}

/* Read the next token into p->t. */
static int next(parser *p)
{
    size_t s = p->pos;
    int rc = 0;

    while (s < p->len && (p->src[s] == ' ' || p->src[s] == '\t'))
        s++;
    memset(&p->t, 0, sizeof(p->t));
    p->t.start = s;
    if (s >= p->len) {
        p->t.type = T_EOF;
    } else if (is_alpha(p->src[s])) {
        size_t i = s + 1;
        for (;;) {
            while (i < p->len && (is_alpha(p->src[i]) || is_digit(p->src[i])))
                i++;
            if (!(at(p, i, '.') && i + 1 < p->len && is_alpha(p->src[i + 1])))
                break;
            i++;
        }
        p->t.type = T_NAME;
        p->t.len = i - s;
    } else if (is_digit(p->src[s]) ||
               (p->src[s] == '-' && s + 1 < p->len && is_digit(p->src[s + 1]))) {
        rc = lex_number(p, s);
    } else if (p->src[s] == '"') {
        rc = lex_string(p, s);
    } else if (p->src[s] && strchr("()[],", p->src[s])) {
        static const tok_type punct[] = {T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_COMMA};
        p->t.type = punct[strchr("()[],", p->src[s]) - "()[],"];
        p->t.len = 1;
    } else {
        rc = lex_op(p, s);
    }
    p->pos = s + p->t.len;
    return rc;
}

static int is_word(const parser *p, const char *w)
{
    return p->t.type == T_NAME && p->t.len == strlen(w) &&
           memcmp(p->src + p->t.start, w, p->t.len) == 0;
}

/* The current token, quoted for a message. */
static int unexpected(parser *p)
{
    if (p->t.type == T_EOF)
        return perr(p, p->t.start, TFA_EINPUT, "unexpected end of expression");
    return perr(p, p->t.start, TFA_EINPUT, "unexpected '%.*s'", (int)p->t.len, p->src + p->t.start);
}

/* ---- tree -------------------------------------------------------------------- */

static tfa_expr *node(parser *p, tfa_expr_kind kind, size_t start)
{
    tfa_expr *e = tfa_arena_calloc(p->arena, 1, sizeof(*e));
    if (!e) {
        tfa_error_oom(p->err);
        return NULL;
    }
    e->kind = kind;
    e->column = p->column + (unsigned long)start;
    return e;
}

/* Byte offset of a node in src (for messages about operands). */
static size_t offset_of(const parser *p, const tfa_expr *e)
{
    return (size_t)(e->column - p->column);
}

static const char *a_type(tfa_vtype t)
{
    switch (t) {
    case TFA_V_BOOL:
        return "a condition";
    case TFA_V_NUM:
        return "a number";
    case TFA_V_STR:
        return "a string";
    case TFA_V_LIST:
        return "a list";
    case TFA_V_NULL:
        return "null";
    default:
        return "a value";
    }
}

static int want_bool(parser *p, const tfa_expr *e, const char *what)
{
    if (e->type == TFA_V_BOOL || e->type == TFA_V_ANY)
        return 0;
    return perr(p, offset_of(p, e), TFA_EINPUT, "%s needs a condition, not %s", what,
                a_type(e->type));
}

static int parse_or(parser *p, const tfa_expr **out);

/* ---- operands ---------------------------------------------------------------- */

static int parse_list(parser *p, const tfa_expr **out)
{
    size_t start = p->t.start, n = 0, cap = 0;
    tfa_value *items = NULL;
    unsigned long *cols = NULL;
    tfa_expr *e;
    int rc;

    if ((rc = next(p)) != 0)
        return rc;
    while (p->t.type != T_RBRACK) {
        tfa_value v;
        if (n && (p->t.type != T_COMMA || (rc = next(p)) != 0))
            return rc ? rc : perr(p, p->t.start, TFA_EINPUT, "expected ',' or ']' in a list");
        if (p->t.type == T_NUM)
            v = tfa_value_num(p->t.num);
        else if (p->t.type == T_STR)
            v = tfa_value_str(p->t.str);
        else if (is_word(p, "true") || is_word(p, "false"))
            v = tfa_value_bool(is_word(p, "true"));
        else if (is_word(p, "null"))
            v = tfa_value_null();
        else
            return perr(p, p->t.start, TFA_EINPUT,
                        "a list holds numbers, strings, true, false or null");
        if (n == cap) {
            tfa_value *grown;
            unsigned long *gcols;
            cap = cap ? cap * 2 : 8;
            if (!(grown = tfa_arena_alloc(p->arena, cap * sizeof(*grown))) ||
                !(gcols = tfa_arena_alloc(p->arena, cap * sizeof(*gcols))))
                return tfa_error_oom(p->err);
            if (n) {
                memcpy(grown, items, n * sizeof(*grown));
                memcpy(gcols, cols, n * sizeof(*gcols));
            }
            items = grown, cols = gcols;
        }
        cols[n] = p->column + (unsigned long)p->t.start;
        items[n++] = v;
        if ((rc = next(p)) != 0)
            return rc;
    }
    if (!(e = node(p, TFA_E_LIT, start)))
        return TFA_ENOMEM;
    e->type = TFA_V_LIST;
    e->lit.type = TFA_V_LIST;
    e->lit.items = items;
    e->lit.n_items = n;
    e->item_columns = cols;
    *out = e;
    return next(p);
}

static int unknown_name(parser *p, size_t start, size_t len)
{
    const char *name = p->src + start;
    tfa_suggest s;
    size_t i;
    int c;

    tfa_suggest_init(&s, name, len);
    if (p->in_where && !memchr(name, '.', len)) {
        for (i = 0; i < tfa_field_count(p->coll); i++)
            tfa_suggest_offer(&s, tfa_field_name(tfa_field_at(p->coll, i)));
        if (tfa_suggest_best(&s))
            return perr(p, start, TFA_EINPUT, "unknown field '%.*s' of %s (did you mean '%s'?)",
                        (int)len, name, tfa_coll_name(p->coll), tfa_suggest_best(&s));
        return perr(p, start, TFA_EINPUT, "unknown field '%.*s' of %s", (int)len, name,
                    tfa_coll_name(p->coll));
    }
    if ((c = tfa_coll_find(name, len)) >= 0)
        return perr(p, start, TFA_EINPUT,
                    "'%.*s' is a collection: query it with count(%.*s where ...), any, all or none",
                    (int)len, name, (int)len, name);
    if (!memchr(name, '.', len) && tfa_field_find(TFA_COLL_CHANGES, name, len))
        return perr(p, start, TFA_EINPUT, "'%.*s' is a field of an element: use it inside 'where'",
                    (int)len, name);
    for (i = 0; i < tfa_fact_count(); i++)
        tfa_suggest_offer(&s, tfa_fact_name(tfa_fact_at(i)));
    if (tfa_suggest_best(&s))
        return perr(p, start, TFA_EINPUT, "unknown fact '%.*s' (did you mean '%s'?)", (int)len,
                    name, tfa_suggest_best(&s));
    return perr(p, start, TFA_EINPUT, "unknown fact '%.*s' (see 'tfaudit facts')", (int)len, name);
}

static int parse_name(parser *p, const tfa_expr **out)
{
    size_t start = p->t.start, len = p->t.len;
    const char *name = p->src + start;
    const tfa_field *f = NULL;
    const tfa_fact *fact = NULL;
    tfa_expr *e;

    if (is_word(p, "true") || is_word(p, "false") || is_word(p, "null")) {
        if (!(e = node(p, TFA_E_LIT, start)))
            return TFA_ENOMEM;
        e->lit = is_word(p, "null") ? tfa_value_null() : tfa_value_bool(is_word(p, "true"));
        e->type = e->lit.type;
        *out = e;
        return next(p);
    }
    if (is_word(p, "and") || is_word(p, "or") || is_word(p, "in") || is_word(p, "where"))
        return unexpected(p);
    if (p->in_where && !memchr(name, '.', len))
        f = tfa_field_find(p->coll, name, len);
    else
        fact = tfa_fact_find(name, len);
    if (!f && !fact)
        return unknown_name(p, start, len);
    if (!(e = node(p, f ? TFA_E_FIELD : TFA_E_FACT, start)))
        return TFA_ENOMEM;
    e->field = f;
    e->fact = fact;
    e->coll = p->coll;
    e->type = f ? tfa_field_type(f) : tfa_fact_type(fact);
    e->dom = f ? tfa_domain_of_field(tfa_field_name(f)) : tfa_domain_of_fact(tfa_fact_name(fact));
    *out = e;
    return next(p);
}

static int parse_query(parser *p, const tfa_expr **out)
{
    static const char *const fns[] = {"count", "any", "all", "none"};
    size_t start = p->t.start, k;
    const tfa_expr *where = NULL;
    tfa_expr *e;
    int rc, c;

    for (k = 0; !is_word(p, fns[k]); k++)
        ;
    if (p->in_where)
        return perr(p, start, TFA_EINPUT, "collection queries do not nest");
    if ((rc = next(p)) != 0 || (rc = next(p)) != 0) /* the name, then '(' */
        return rc;
    if (p->t.type != T_NAME || (c = tfa_coll_find(p->src + p->t.start, p->t.len)) < 0) {
        tfa_suggest s;
        if (p->t.type != T_NAME)
            return perr(p, p->t.start, TFA_EINPUT, "expected a collection after '%s('", fns[k]);
        tfa_suggest_init(&s, p->src + p->t.start, p->t.len);
        for (c = 0; c < TFA_COLL_COUNT; c++)
            tfa_suggest_offer(&s, tfa_coll_name((tfa_coll)c));
        if (tfa_suggest_best(&s))
            return perr(p, p->t.start, TFA_EINPUT, "unknown collection '%.*s' (did you mean '%s'?)",
                        (int)p->t.len, p->src + p->t.start, tfa_suggest_best(&s));
        return perr(p, p->t.start, TFA_EINPUT,
                    "unknown collection '%.*s' (changes, drift, planned, deferred, applied, "
                    "diagnostics or inputs)",
                    (int)p->t.len, p->src + p->t.start);
    }
    if ((rc = next(p)) != 0)
        return rc;
    if (is_word(p, "where")) {
        if ((rc = next(p)) != 0)
            return rc;
        p->in_where = 1, p->coll = (tfa_coll)c;
        rc = parse_or(p, &where);
        p->in_where = 0;
        if (rc || (rc = want_bool(p, where, "'where'")) != 0)
            return rc;
    }
    if (p->t.type != T_RPAREN)
        return p->t.type == T_EOF ? perr(p, start, TFA_EINPUT, "unclosed '%s('", fns[k])
                                  : unexpected(p);
    if (!(e = node(p, TFA_E_QUERY, start)))
        return TFA_ENOMEM;
    e->op = (int)k;
    e->coll = (tfa_coll)c;
    e->b = where;
    e->type = k == TFA_Q_COUNT ? TFA_V_NUM : TFA_V_BOOL;
    e->text = tfa_arena_strndup(p->arena, p->src + start, p->t.start + 1 - start);
    if (!e->text)
        return tfa_error_oom(p->err);
    *out = e;
    return next(p);
}

static int is_query(const parser *p)
{
    size_t i = p->pos;
    if (!(is_word(p, "count") || is_word(p, "any") || is_word(p, "all") || is_word(p, "none")))
        return 0;
    while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
        i++;
    return at(p, i, '(');
}

static int parse_operand(parser *p, const tfa_expr **out)
{
    size_t start = p->t.start;
    tfa_expr *e;
    int rc;

    switch (p->t.type) {
    case T_NUM:
    case T_STR:
        if (!(e = node(p, TFA_E_LIT, start)))
            return TFA_ENOMEM;
        e->lit = p->t.type == T_NUM ? tfa_value_num(p->t.num) : tfa_value_str(p->t.str);
        e->type = e->lit.type;
        *out = e;
        return next(p);
    case T_LBRACK:
        return parse_list(p, out);
    case T_NAME:
        return is_query(p) ? parse_query(p, out) : parse_name(p, out);
    case T_LPAREN:
        if (++p->depth > TFA_LIMIT_EXPR_DEPTH)
            return perr(p, start, TFA_ELIMIT, "expression nested deeper than %d levels",
                        TFA_LIMIT_EXPR_DEPTH);
        if ((rc = next(p)) != 0 || (rc = parse_or(p, out)) != 0)
            return rc;
        p->depth--;
        if (p->t.type != T_RPAREN)
            return p->t.type == T_EOF ? perr(p, start, TFA_EINPUT, "unclosed '('") : unexpected(p);
        return next(p);
    default:
        return unexpected(p);
    }
}

/* ---- operators --------------------------------------------------------------- */

static const char *op_text(int op)
{
    static const char *const text[] = {"==", "!=", "<", "<=", ">", ">=", "~", "!~", "in", "not in"};
    return text[op];
}

static int check_cmp(parser *p, int op, const tfa_expr *a, const tfa_expr *b, size_t at_op)
{
    tfa_vtype x = a->type, y = b->type;

    switch (op) {
    case TFA_OP_EQ:
    case TFA_OP_NE:
        if (x != y && x != TFA_V_NULL && y != TFA_V_NULL && x != TFA_V_ANY && y != TFA_V_ANY)
            return perr(p, at_op, TFA_EINPUT, "cannot compare %s with %s", a_type(x), a_type(y));
        return 0;
    case TFA_OP_MATCH:
    case TFA_OP_NMATCH:
        if (x != TFA_V_STR && x != TFA_V_LIST && x != TFA_V_ANY)
            return perr(p, at_op, TFA_EINPUT, "'%s' matches a string against a pattern, not %s",
                        op_text(op), a_type(x));
        if (y != TFA_V_STR && y != TFA_V_LIST && y != TFA_V_ANY)
            return perr(p, offset_of(p, b), TFA_EINPUT,
                        "'%s' needs a pattern string or a list of patterns, not %s", op_text(op),
                        a_type(y));
        return 0;
    case TFA_OP_IN:
    case TFA_OP_NIN:
        if (y != TFA_V_LIST && y != TFA_V_STR && y != TFA_V_ANY)
            return perr(p, offset_of(p, b), TFA_EINPUT,
                        "'%s' needs a list or a string on its right, not %s", op_text(op),
                        a_type(y));
        return 0;
    default: {
        int xn = x == TFA_V_NUM || x == TFA_V_ANY, yn = y == TFA_V_NUM || y == TFA_V_ANY;
        int xs = x == TFA_V_STR || x == TFA_V_ANY, ys = y == TFA_V_STR || y == TFA_V_ANY;
        if ((xn && yn) || (xs && ys))
            return 0;
        return perr(p, at_op, TFA_EINPUT, "'%s' orders two numbers or two strings, not %s and %s",
                    op_text(op), a_type(x), a_type(y));
    }
    }
}

/* A string literal outside the enumeration of `d`, at byte `at`. */
static int not_in_domain(parser *p, const tfa_domain *d, const char *value, size_t at)
{
    const char *hint = tfa_domain_suggest(d, value, strlen(value));
    char list[256];

    if (hint)
        return perr(p, at, TFA_EINPUT, "\"%s\" is not %s %s (did you mean \"%s\"?)", value,
                    d->article, d->name, hint);
    tfa_domain_list(d, list, sizeof(list));
    return perr(p, at, TFA_EINPUT, "\"%s\" is not %s %s (%s)", value, d->article, d->name, list);
}

/* How a literal string meets an enumerated operand, and so which literal
 * can never hold for any of its values. */
typedef enum {
    ENUM_VALUE,    /* FIELD == "s", FIELD in ["s"]: s is a value */
    ENUM_PATTERN,  /* FIELD ~ "s", FIELD ~ ["s"]: s is a glob over values */
    ENUM_SUBJECT,  /* "s" ~ FIELD: a value, as a glob, matches s */
    ENUM_SUBSTRING /* "s" in FIELD: s is part of a value */
} enum_use;

static int enum_holds(const tfa_domain *d, const char *s, enum_use use)
{
    size_t i;

    if (use == ENUM_VALUE)
        return tfa_domain_has(d, s);
    for (i = 0; d->values[i]; i++)
        if ((use == ENUM_PATTERN && tfa_glob_match(s, d->values[i])) ||
            (use == ENUM_SUBJECT && tfa_glob_match(d->values[i], s)) ||
            (use == ENUM_SUBSTRING && strstr(d->values[i], s)))
            return 1;
    return 0;
}

/* A literal string that no value of `d` can meet, at byte `at`: a typo
 * ("destory", "destr*") that would make a condition silently constant. */
static int enum_never(parser *p, const tfa_domain *d, const char *s, enum_use use, size_t at)
{
    static const char *const how[] = {NULL, "matches no", "is matched by no", "is part of no"};
    char list[256];

    if (use == ENUM_VALUE)
        return not_in_domain(p, d, s, at);
    tfa_domain_list(d, list, sizeof(list));
    return perr(p, at, TFA_EINPUT, "\"%s\" %s %s (%s)", s, how[use], d->name, list);
}

/* Every string of literal `lit` (a string or a list) can meet a value of
 * `d` the way `use` says. */
static int check_enum_literal(parser *p, const tfa_domain *d, const tfa_expr *lit, enum_use use)
{
    size_t i;

    if (lit->kind != TFA_E_LIT)
        return 0;
    if (lit->lit.type == TFA_V_STR && !enum_holds(d, lit->lit.s, use))
        return enum_never(p, d, lit->lit.s, use, offset_of(p, lit));
    if (lit->lit.type != TFA_V_LIST || !lit->lit.items)
        return 0;
    for (i = 0; i < lit->lit.n_items; i++) {
        const tfa_value *v = &lit->lit.items[i];
        if (v->type == TFA_V_STR && !enum_holds(d, v->s, use))
            return enum_never(p, d, v->s, use, (size_t)(lit->item_columns[i] - p->column));
    }
    return 0;
}

/*
 * Typed operands (domain.h): a literal compared with an enumeration must be
 * one of its values; enumerations have no order; a literal ordered against
 * a version must be a version, and then the comparison is semantic (e->dom).
 */
static int check_domain(parser *p, tfa_expr *e, size_t at_op)
{
    const tfa_expr *a = e->a, *b = e->b;
    const tfa_expr *typed = a->dom ? a : b->dom ? b : NULL;
    const tfa_expr *other = typed == a ? b : a;
    const tfa_domain *d = typed ? typed->dom : NULL;
    int ordering = e->op >= TFA_OP_LT && e->op <= TFA_OP_GE;

    if (!d)
        return 0;
    if (d->version) {
        if (!ordering)
            return 0;
        if (other->kind == TFA_E_LIT && other->lit.type == TFA_V_STR &&
            !tfa_version_valid(other->lit.s))
            return perr(p, offset_of(p, other), TFA_EINPUT,
                        "\"%s\" is not a version (write it like \"1.9.0\")", other->lit.s);
        e->dom = d;
        return 0;
    }
    if (ordering)
        return perr(p, at_op, TFA_EINPUT, "'%s' does not order %ss; compare with '==' or 'in'",
                    op_text(e->op), d->name);
    if (e->op == TFA_OP_MATCH || e->op == TFA_OP_NMATCH)
        return check_enum_literal(p, d, other, typed == a ? ENUM_PATTERN : ENUM_SUBJECT);
    if ((e->op == TFA_OP_IN || e->op == TFA_OP_NIN) && typed != a)
        return check_enum_literal(p, d, other, ENUM_SUBSTRING); /* "x" in FIELD */
    return check_enum_literal(p, d, other, ENUM_VALUE);
}

static int parse_cmp(parser *p, const tfa_expr **out)
{
    const tfa_expr *a = NULL, *b = NULL;
    size_t at_op;
    tfa_expr *e;
    int op, rc;

    if ((rc = parse_operand(p, &a)) != 0)
        return rc;
    at_op = p->t.start;
    if (p->t.type == T_OP) {
        op = p->t.op;
    } else if (is_word(p, "in")) {
        op = TFA_OP_IN;
    } else if (is_word(p, "not")) {
        if ((rc = next(p)) != 0)
            return rc;
        if (!is_word(p, "in"))
            return perr(p, p->t.start, TFA_EINPUT, "expected 'in' after 'not'");
        op = TFA_OP_NIN;
    } else {
        *out = a;
        return 0;
    }
    if ((rc = next(p)) != 0 || (rc = parse_operand(p, &b)) != 0)
        return rc;
    if ((rc = check_cmp(p, op, a, b, at_op)) != 0)
        return rc;
    if (p->t.type == T_OP)
        return perr(p, p->t.start, TFA_EINPUT, "comparisons do not chain; combine them with 'and'");
    if (!(e = node(p, TFA_E_CMP, offset_of(p, a))))
        return TFA_ENOMEM;
    e->op = op;
    e->a = a, e->b = b;
    e->type = TFA_V_BOOL;
    if ((rc = check_domain(p, e, at_op)) != 0)
        return rc;
    *out = e;
    return 0;
}

static int parse_not(parser *p, const tfa_expr **out)
{
    size_t start = p->t.start;
    const tfa_expr *a = NULL;
    tfa_expr *e;
    int rc;

    if (!is_word(p, "not"))
        return parse_cmp(p, out);
    if (++p->depth > TFA_LIMIT_EXPR_DEPTH)
        return perr(p, start, TFA_ELIMIT, "expression nested deeper than %d levels",
                    TFA_LIMIT_EXPR_DEPTH);
    if ((rc = next(p)) != 0 || (rc = parse_not(p, &a)) != 0)
        return rc;
    p->depth--;
    if ((rc = want_bool(p, a, "'not'")) != 0)
        return rc;
    if (!(e = node(p, TFA_E_NOT, start)))
        return TFA_ENOMEM;
    e->a = a;
    e->type = TFA_V_BOOL;
    *out = e;
    return 0;
}

/* and_expr / or_expr: a left-leaning chain of `word`. */
static int parse_chain(parser *p, const tfa_expr **out, const char *word, tfa_expr_kind kind,
                       int (*sub)(parser *, const tfa_expr **))
{
    const tfa_expr *a = NULL, *b = NULL;
    char what[16];
    tfa_expr *e;
    int rc;

    snprintf(what, sizeof(what), "'%s'", word);
    if ((rc = sub(p, &a)) != 0)
        return rc;
    while (is_word(p, word)) {
        if ((rc = want_bool(p, a, what)) != 0 || (rc = next(p)) != 0 || (rc = sub(p, &b)) != 0 ||
            (rc = want_bool(p, b, what)) != 0)
            return rc;
        if (!(e = node(p, kind, offset_of(p, a))))
            return TFA_ENOMEM;
        e->a = a, e->b = b;
        e->type = TFA_V_BOOL;
        a = e;
    }
    *out = a;
    return 0;
}

static int parse_and(parser *p, const tfa_expr **out)
{
    return parse_chain(p, out, "and", TFA_E_AND, parse_not);
}

static int parse_or(parser *p, const tfa_expr **out)
{
    return parse_chain(p, out, "or", TFA_E_OR, parse_and);
}

int tfa_expr_parse(const tfa_expr **out, tfa_arena *arena, const char *src, size_t len,
                   const char *source, unsigned long line, unsigned long column, tfa_error *err)
{
    parser p;
    const tfa_expr *e = NULL;
    int rc;

    memset(&p, 0, sizeof(p));
    p.src = src, p.len = len;
    p.source = source, p.line = line, p.column = column;
    p.arena = arena, p.err = err;
    *out = NULL;
    if ((rc = next(&p)) != 0 || (rc = parse_or(&p, &e)) != 0)
        return rc;
    if (p.t.type != T_EOF)
        return unexpected(&p);
    if (e->type != TFA_V_BOOL)
        return perr(&p, 0, TFA_EINPUT, "the expression is %s, not a condition (compare it: '== 0')",
                    a_type(e->type));
    *out = e;
    return 0;
}
