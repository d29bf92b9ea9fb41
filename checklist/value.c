/*
 * value.c - checklist values: equality, ordering, membership, glob matching
 * and formatting (see value.h).
 */
#include "util/compat.h"

#include "value.h"

/* Largest integer a double holds exactly (2^53): numbers up to it print
 * without a fraction. */
#define EXACT_INT_MAX 9007199254740992.0

const char *tfa_vtype_name(tfa_vtype type)
{
    switch (type) {
    case TFA_V_NULL:
        return "null";
    case TFA_V_BOOL:
        return "boolean";
    case TFA_V_NUM:
        return "number";
    case TFA_V_STR:
        return "string";
    case TFA_V_LIST:
        return "list";
    default:
        return "any";
    }
}

tfa_value tfa_value_null(void)
{
    tfa_value v;
    memset(&v, 0, sizeof(v));
    return v;
}

tfa_value tfa_value_bool(int b)
{
    tfa_value v = tfa_value_null();
    v.type = TFA_V_BOOL;
    v.b = b != 0;
    return v;
}

tfa_value tfa_value_num(double n)
{
    tfa_value v = tfa_value_null();
    v.type = TFA_V_NUM;
    v.n = n;
    return v;
}

tfa_value tfa_value_str(const char *s)
{
    tfa_value v = tfa_value_null();
    if (s) {
        v.type = TFA_V_STR;
        v.s = s;
    }
    return v;
}

tfa_value tfa_value_strs(const char *const *strs, size_t n)
{
    tfa_value v = tfa_value_null();
    v.type = TFA_V_LIST;
    v.strs = strs;
    v.n_items = n;
    return v;
}

tfa_value tfa_value_item(const tfa_value *list, size_t i)
{
    assert(list->type == TFA_V_LIST && i < list->n_items);
    if (list->strs)
        return tfa_value_str(list->strs[i]);
    return list->items[i];
}

int tfa_value_eq(const tfa_value *a, const tfa_value *b)
{
    size_t i;

    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case TFA_V_NULL:
        return 1;
    case TFA_V_BOOL:
        return a->b == b->b;
    case TFA_V_NUM:
        return a->n == b->n;
    case TFA_V_STR:
        return strcmp(a->s, b->s) == 0;
    case TFA_V_LIST:
        if (a->n_items != b->n_items)
            return 0;
        for (i = 0; i < a->n_items; i++) {
            tfa_value x = tfa_value_item(a, i), y = tfa_value_item(b, i);
            if (!tfa_value_eq(&x, &y))
                return 0;
        }
        return 1;
    default:
        return 0;
    }
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Compare strings with digit runs as numbers: skip leading zeros, then the
 * longer run is larger, then the first differing digit decides. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (is_digit(*a) && is_digit(*b)) {
            const char *ea, *eb;
            size_t la, lb;
            int c;
            while (*a == '0' && is_digit(a[1]))
                a++;
            while (*b == '0' && is_digit(b[1]))
                b++;
            for (ea = a; is_digit(*ea); ea++)
                ;
            for (eb = b; is_digit(*eb); eb++)
                ;
            la = (size_t)(ea - a), lb = (size_t)(eb - b);
            if (la != lb)
                return la < lb ? -1 : 1;
            if ((c = memcmp(a, b, la)) != 0)
                return c < 0 ? -1 : 1;
            a = ea, b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++, b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

int tfa_value_order(const tfa_value *a, const tfa_value *b, int *out)
{
    if (a->type == TFA_V_NUM && b->type == TFA_V_NUM) {
        *out = a->n < b->n ? -1 : a->n > b->n ? 1 : 0;
        return 1;
    }
    if (a->type == TFA_V_STR && b->type == TFA_V_STR) {
        *out = natural_cmp(a->s, b->s);
        return 1;
    }
    return 0;
}

int tfa_value_in(const tfa_value *needle, const tfa_value *hay)
{
    size_t i;

    if (hay->type == TFA_V_STR)
        return needle->type == TFA_V_STR && strstr(hay->s, needle->s) != NULL;
    if (hay->type != TFA_V_LIST)
        return 0;
    for (i = 0; i < hay->n_items; i++) {
        tfa_value item = tfa_value_item(hay, i);
        if (tfa_value_eq(needle, &item))
            return 1;
    }
    return 0;
}

int tfa_glob_match(const char *p, const char *s)
{
    /* Iterative matcher with one backtrack point (the last '*'): linear in
     * practice and never recursive, whatever the pattern. */
    const char *star = NULL, *resume = NULL;

    while (*s) {
        if (*p == '*') {
            star = ++p;
            resume = s;
            continue;
        }
        if (*p == '\\' && p[1]) {
            if (p[1] == *s) {
                p += 2, s++;
                continue;
            }
        } else if (*p && (*p == '?' || *p == *s)) {
            p++, s++;
            continue;
        }
        if (!star)
            return 0;
        p = star;
        s = ++resume;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static int match_one(const char *s, const tfa_value *pattern)
{
    size_t i;

    if (pattern->type == TFA_V_STR)
        return tfa_glob_match(pattern->s, s);
    if (pattern->type != TFA_V_LIST)
        return 0;
    for (i = 0; i < pattern->n_items; i++) {
        tfa_value p = tfa_value_item(pattern, i);
        if (p.type == TFA_V_STR && tfa_glob_match(p.s, s))
            return 1;
    }
    return 0;
}

int tfa_value_match(const tfa_value *subject, const tfa_value *pattern)
{
    size_t i;

    if (subject->type == TFA_V_STR)
        return match_one(subject->s, pattern);
    if (subject->type != TFA_V_LIST)
        return 0;
    for (i = 0; i < subject->n_items; i++) {
        tfa_value item = tfa_value_item(subject, i);
        if (item.type == TFA_V_STR && match_one(item.s, pattern))
            return 1;
    }
    return 0;
}

static int format_string(tfa_buf *out, const char *s)
{
    tfa_buf_putc(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            tfa_buf_printf(out, "\\%c", c);
        else if (c == '\n')
            tfa_buf_puts(out, "\\n");
        else if (c == '\t')
            tfa_buf_puts(out, "\\t");
        else if (c < 0x20 || c == 0x7f)
            tfa_buf_printf(out, "\\u%04x", c);
        else
            tfa_buf_putc(out, (char)c);
    }
    return tfa_buf_putc(out, '"');
}

int tfa_value_format(tfa_buf *out, const tfa_value *v)
{
    size_t i;

    switch (v->type) {
    case TFA_V_BOOL:
        return tfa_buf_puts(out, v->b ? "true" : "false");
    case TFA_V_NUM:
        if (v->n <= EXACT_INT_MAX && v->n >= -EXACT_INT_MAX && v->n == (double)(long long)v->n)
            return tfa_buf_printf(out, "%lld", (long long)v->n);
        return tfa_buf_printf(out, "%.17g", v->n);
    case TFA_V_STR:
        return format_string(out, v->s);
    case TFA_V_LIST:
        tfa_buf_putc(out, '[');
        for (i = 0; i < v->n_items; i++) {
            tfa_value item = tfa_value_item(v, i);
            if (i)
                tfa_buf_puts(out, ", ");
            tfa_value_format(out, &item);
        }
        return tfa_buf_putc(out, ']');
    default:
        return tfa_buf_puts(out, "null");
    }
}
