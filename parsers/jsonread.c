/*
 * jsonread.c - shared JSON field readers (see jsonread.h).
 */
#include "util/compat.h"

#include "jsonread.h"
#include "util/hash.h"

const char *tfa_json_tok_name(tfa_tok t)
{
    switch (t) {
    case TFA_TOK_OBJ:
        return "an object";
    case TFA_TOK_ARR:
        return "an array";
    case TFA_TOK_STR:
        return "a string";
    case TFA_TOK_NUM:
        return "a number";
    case TFA_TOK_TRUE:
    case TFA_TOK_FALSE:
        return "a boolean";
    case TFA_TOK_NULL:
        return "null";
    default:
        return "a value";
    }
}

static int wrong_type(tfa_scan *s, const tfa_token *t, const char *what, const char *want,
                      tfa_error *err)
{
    return tfa_scan_fail(s, err, &t->pos, TFA_EINPUT, "\"%s\" must be %s, not %s", what, want,
                         tfa_json_tok_name(t->type));
}

int tfa_json_string(tfa_scan *s, const tfa_token *t, const char *what, tfa_buf *out, tfa_error *err)
{
    int rc;
    tfa_buf_clear(out);
    if (t->type == TFA_TOK_NULL)
        return 0;
    if (t->type != TFA_TOK_STR)
        return wrong_type(s, t, what, "a string", err);
    if (t->truncated || (rc = tfa_scan_decode(t, out)) == TFA_ELIMIT)
        return tfa_scan_fail(s, err, &t->pos, TFA_ELIMIT, "\"%s\" is longer than %zu bytes", what,
                             out->max);
    if (rc)
        return tfa_error_oom(err);
    return 1;
}

int tfa_json_integer(tfa_scan *s, const tfa_token *t, const char *what, long long min,
                     long long max, long long *out, tfa_error *err)
{
    long long v = 0;
    size_t i = 0;
    int neg = 0;

    if (t->type == TFA_TOK_NULL)
        return 0;
    if (t->type != TFA_TOK_NUM)
        return wrong_type(s, t, what, "a number", err);
    if (t->len && t->ptr[0] == '-')
        neg = 1, i = 1;
    for (; i < t->len; i++) {
        int d = t->ptr[i] - '0';
        if (d < 0 || d > 9)
            return tfa_scan_fail(s, err, &t->pos, TFA_EINPUT, "\"%s\" must be an integer", what);
        if (v > (LLONG_MAX - d) / 10)
            goto range;
        v = v * 10 + d;
    }
    if (neg)
        v = -v;
    if (v < min || v > max)
        goto range;
    *out = v;
    return 1;
range:
    return tfa_scan_fail(s, err, &t->pos, TFA_EINPUT, "\"%s\" out of range (%lld to %lld)", what,
                         min, max);
}

int tfa_json_bool(tfa_scan *s, const tfa_token *t, const char *what, int *out, tfa_error *err)
{
    if (t->type == TFA_TOK_NULL)
        return 0;
    if (t->type != TFA_TOK_TRUE && t->type != TFA_TOK_FALSE)
        return wrong_type(s, t, what, "a boolean", err);
    *out = t->type == TFA_TOK_TRUE;
    return 1;
}

int tfa_json_twice(tfa_scan *s, const tfa_token *key, const char *name, tfa_error *err)
{
    return tfa_scan_fail(s, err, &key->pos, TFA_EINPUT, "\"%s\" given twice", name);
}

int tfa_json_once_of(tfa_scan *s, const tfa_token *key, unsigned *seen, const char *const *names,
                     size_t n, tfa_error *err)
{
    size_t i;
    for (i = 0; i < n && i < 32; i++)
        if (tfa_token_is(key, names[i]))
            return tfa_json_once(s, key, seen, 1u << i, names[i], err);
    return 0;
}

int tfa_json_open(tfa_scan *s, tfa_token *t, tfa_tok type, const char *what, tfa_error *err)
{
    int rc = tfa_scan_next(s, t, err);
    if (rc)
        return rc;
    if (t->type == TFA_TOK_NULL)
        return 0;
    if (t->type != type)
        return wrong_type(s, t, what, tfa_json_tok_name(type), err);
    return 1;
}

int tfa_json_expect(tfa_scan *s, tfa_token *t, tfa_tok type, const char *what, tfa_error *err)
{
    int rc = tfa_scan_next(s, t, err);
    if (rc)
        return rc;
    if (t->type != type)
        return wrong_type(s, t, what, tfa_json_tok_name(type), err);
    return 0;
}

int tfa_json_check_version(tfa_scan *s, const tfa_token *t, const char *what, const char *version,
                           unsigned max_major, unsigned known_minor, int *newer, tfa_error *err)
{
    unsigned long major = 0, minor = 0;
    const char *p = version;
    int digits = 0;

    while (*p >= '0' && *p <= '9' && major < 100000)
        major = major * 10 + (unsigned long)(*p++ - '0'), digits++;
    if (!digits || *p++ != '.')
        goto bad;
    for (digits = 0; *p >= '0' && *p <= '9' && minor < 100000; digits++)
        minor = minor * 10 + (unsigned long)(*p++ - '0');
    if (!digits || *p)
        goto bad;
    if (major > max_major)
        return tfa_scan_fail(s, err, &t->pos, TFA_EVERSION,
                             "unsupported %s \"%s\" (this build reads up to %u.%u)", what, version,
                             max_major, known_minor);
    *newer = major == max_major && minor > known_minor;
    return 0;
bad:
    return tfa_scan_fail(s, err, &t->pos, TFA_EINPUT, "%s \"%s\" is not a MAJOR.MINOR version",
                         what, version);
}

int tfa_json_any_true(tfa_scan *s, const tfa_token *t, int *out, tfa_error *err)
{
    unsigned depth;
    tfa_token x;
    int rc;

    *out = t->type == TFA_TOK_TRUE;
    if (t->type != TFA_TOK_OBJ && t->type != TFA_TOK_ARR)
        return 0;
    depth = tfa_scan_depth(s) - 1;
    do {
        if ((rc = tfa_scan_next(s, &x, err)) != 0)
            return rc;
        if (x.type == TFA_TOK_TRUE)
            *out = 1;
    } while (tfa_scan_depth(s) > depth);
    return 0;
}

int tfa_json_string_text(const tfa_token *t, tfa_buf *scratch, const char **text, size_t *len)
{
    if (!t->escaped) {
        *text = t->ptr;
        *len = t->len;
        return 0;
    }
    tfa_buf_clear(scratch);
    if (tfa_scan_decode(t, scratch) != 0)
        return TFA_ENOMEM;
    *text = scratch->ptr;
    *len = scratch->len;
    return 0;
}

/* Append one significant digit to the running number digest: digits go
 * to `digits` in chunks of its size; full chunks are chained into *chain. */
static void number_digit(char *digits, size_t *nd, size_t cap, uint64_t *chain, int *chained,
                         char d, uint64_t seed)
{
    if (*nd == cap) {
        *chain = tfa_hash_mix(*chained ? *chain : seed, tfa_hash64(digits, cap, seed));
        *chained = 1;
        *nd = 0;
    }
    digits[(*nd)++] = d;
}

uint64_t tfa_json_number_hash(const char *p, size_t n, uint64_t seed)
{
    /* value = (-1)^neg * digits * 10^exp with no leading/trailing zeros; every
     * significant digit counts, however many (a 309-digit integer is exact) */
    char digits[64];
    size_t nd = 0, i = 0;
    long long exp = 0, e = 0, zeros = 0;
    int neg = 0, esign = 1, seen_dot = 0, chained = 0, any = 0;
    uint64_t h, chain = 0, dseed;

    if (i < n && p[i] == '-')
        neg = 1, i++;
    dseed = seed ^ (neg ? 0x6e6567ull : 0);
    for (; i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'); i++) {
        if (p[i] == '.') {
            seen_dot = 1;
            continue;
        }
        if (seen_dot)
            exp--;
        if (!any && p[i] == '0')
            continue; /* leading zeros */
        if (p[i] == '0') {
            zeros++; /* trailing unless a nonzero digit follows */
            continue;
        }
        for (; zeros > 0; zeros--)
            number_digit(digits, &nd, sizeof(digits), &chain, &chained, '0', dseed);
        number_digit(digits, &nd, sizeof(digits), &chain, &chained, p[i], dseed);
        any = 1;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            esign = p[i++] == '-' ? -1 : 1;
        for (; i < n && p[i] >= '0' && p[i] <= '9' && e < 100000000; i++)
            e = e * 10 + (p[i] - '0');
    }
    exp += esign * e + zeros;
    if (!any)
        return tfa_hash64("0", 1, seed); /* -0, 0.00, 0e5 */
    h = tfa_hash64(digits, nd, dseed);
    if (chained)
        h = tfa_hash_mix(chain, h);
    return tfa_hash_mix(h, (uint64_t)exp);
}

int tfa_json_leaf_digest(const tfa_token *t, tfa_buf *scratch, uint64_t *out)
{
    const char *text;
    size_t len;
    switch (t->type) {
    case TFA_TOK_STR:
        if (t->truncated) {
            *out = tfa_hash_mix(t->digest, 1);
            return 0;
        }
        if (tfa_json_string_text(t, scratch, &text, &len) != 0)
            return TFA_ENOMEM;
        *out = tfa_hash64(text, len, 1);
        return 0;
    case TFA_TOK_NUM:
        *out = tfa_json_number_hash(t->ptr, t->len, 2);
        return 0;
    case TFA_TOK_TRUE:
        *out = 3;
        return 0;
    default:
        *out = 4;
        return 0;
    }
}

static int ident_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '-'));
}

int tfa_json_path_key(tfa_buf *path, const char *key, size_t len)
{
    size_t i;
    int ident = len > 0;

    for (i = 0; i < len && ident; i++)
        ident = ident_char(key[i], i == 0);
    if (ident) {
        if (path->len)
            tfa_buf_putc(path, '.');
        return tfa_buf_put(path, key, len);
    }
    tfa_buf_put(path, "[\"", 2);
    for (i = 0; i < len; i++) {
        if (key[i] == '"' || key[i] == '\\')
            tfa_buf_putc(path, '\\');
        tfa_buf_putc(path, key[i]);
    }
    return tfa_buf_put(path, "\"]", 2);
}
