/*
 * canon.c - canonical JSON writer (the definition is in canon.h).
 */
#include "util/compat.h"

#include "util/sort.h"

#include "canon.h"
#include "util/alloc.h"
#include "util/limits.h"

/* One object member while sorting. */
typedef struct member {
    const char *key;
    size_t len;
    const json_t *value;
} member;

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

int tfa_canon_string(tfa_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    tfa_buf_putc(out, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\r':
            esc = "\\r";
            break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
            break;
        }
        tfa_buf_put(out, s + run, i - run);
        tfa_buf_puts(out, esc);
        run = i + 1;
    }
    tfa_buf_put(out, s + run, len - run);
    return tfa_buf_putc(out, '"');
}

static int canon_real(tfa_buf *out, double d)
{
    char num[40];
    int n = snprintf(num, sizeof(num), "%.17g", d);
    if (n < 0 || (size_t)n >= sizeof(num))
        return TFA_EINPUT;
    tfa_buf_put(out, num, (size_t)n);
    if (!strpbrk(num, ".eEni"))
        tfa_buf_puts(out, ".0");
    return tfa_buf_status(out);
}

static int canon_value(tfa_buf *out, const json_t *v, unsigned depth, tfa_error *err);

static int canon_object(tfa_buf *out, const json_t *v, unsigned depth, tfa_error *err)
{
    size_t n = json_object_size(v), i = 0;
    member *m = NULL;
    void *it;
    int rc = 0;

    if (n && !(m = tfa_malloc(n * sizeof(*m))))
        return tfa_error_oom(err);
    /* The iterator API is the only one that yields key lengths; it takes a
     * mutable object but does not modify it. */
    for (it = json_object_iter((json_t *)(uintptr_t)v); it && i < n;
         it = json_object_iter_next((json_t *)(uintptr_t)v, it), i++) {
        m[i].key = json_object_iter_key(it);
        m[i].len = json_object_iter_key_len(it);
        m[i].value = json_object_iter_value(it);
    }
    if (i)
        tfa_sort(m, i, sizeof(*m), member_cmp);
    tfa_buf_putc(out, '{');
    for (n = i, i = 0; i < n && rc == 0; i++) {
        if (i)
            tfa_buf_putc(out, ',');
        tfa_canon_string(out, m[i].key, m[i].len);
        tfa_buf_putc(out, ':');
        rc = canon_value(out, m[i].value, depth + 1, err);
    }
    tfa_buf_putc(out, '}');
    tfa_free(m);
    return rc;
}

static int canon_value(tfa_buf *out, const json_t *v, unsigned depth, tfa_error *err)
{
    size_t i;
    int rc = 0;

    if (depth > TFA_LIMIT_JSON_DEPTH)
        return tfa_error_set(err, TFA_ELIMIT, "json nesting deeper than %u", TFA_LIMIT_JSON_DEPTH);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        rc = canon_object(out, v, depth, err);
        break;
    case JSON_ARRAY:
        tfa_buf_putc(out, '[');
        for (i = 0; i < json_array_size(v) && rc == 0; i++) {
            if (i)
                tfa_buf_putc(out, ',');
            rc = canon_value(out, json_array_get(v, i), depth + 1, err);
        }
        tfa_buf_putc(out, ']');
        break;
    case JSON_STRING:
        tfa_canon_string(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        tfa_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        if (canon_real(out, json_real_value(v)) == TFA_EINPUT)
            rc = tfa_error_set(err, TFA_EINPUT, "a real number has no canonical form");
        break;
    case JSON_TRUE:
        tfa_buf_puts(out, "true");
        break;
    case JSON_FALSE:
        tfa_buf_puts(out, "false");
        break;
    case JSON_NULL:
        tfa_buf_puts(out, "null");
        break;
    }
    return rc;
}

int tfa_canon_json(tfa_buf *out, const json_t *value, tfa_error *err)
{
    int rc;

    if (!value)
        return tfa_error_set(err, TFA_EUSAGE, "no json value to write");
    rc = canon_value(out, value, 0, err);
    if (rc == 0 && (rc = tfa_buf_status(out)) != 0)
        rc = rc == TFA_ENOMEM ? tfa_error_oom(err)
                              : tfa_error_set(err, rc, "canonical json exceeds its size limit");
    return rc;
}
