/*
 * scan_skip.c - the scanner's fast skip path and escape decoding (see
 * scan.h). tfa_scan_skip consumes plain tokens that lie wholly inside the
 * window with exactly the transitions tfa_scan_next makes, and hands
 * anything else (escapes, non-ASCII, window edges, errors) to it, so the
 * strictness is the same on both paths.
 */
#include "util/compat.h"

#include "scan_priv.h"

/* A plain number entirely inside the window: -?(0|[1-9][0-9]*)(.[0-9]+)?,
 * followed by a byte that cannot continue it. Returns its length, or 0 to
 * let scan_number handle it (exponents, errors, window edge). */
static size_t plain_number(const char *p, const char *end)
{
    const char *q = p;
    if (q < end && *q == '-')
        q++;
    if (q == end || *q < '0' || *q > '9')
        return 0;
    if (*q == '0')
        q++;
    else
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    if (q < end && *q == '.') {
        const char *f = ++q;
        while (q < end && *q >= '0' && *q <= '9')
            q++;
        if (q == f)
            return 0;
    }
    if (q == end || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9') || *q == '.' || *q == '-' ||
        *q == '+')
        return 0;
    return (size_t)(q - p);
}

/* Fast path of tfa_scan_skip: consume one plain token (or separator) that
 * lies wholly in the window, with exactly the transitions tfa_scan_next
 * makes. Returns 1 if it did, 0 if the general tokenizer must take it. */
static int skip_fast(tfa_scan *s)
{
    const char *b = s->buf, *end = s->buf + s->len;
    size_t q, n;
    char c = b[s->pos];

    switch (s->state) {
    case ST_COMMA_OR_END:
        if (c == ',') {
            s->pos++;
            s->state = tfa_scan__in_object(s) ? ST_KEY : ST_VALUE;
            return 1;
        }
        if ((c == '}' && tfa_scan__in_object(s)) || (c == ']' && !tfa_scan__in_object(s))) {
            s->pos++;
            s->depth--;
            tfa_scan__after_value(s);
            return 1;
        }
        return 0;
    case ST_COLON:
        if (c != ':')
            return 0;
        s->pos++;
        s->state = ST_VALUE;
        return 1;
    case ST_KEY_OR_END:
    case ST_KEY:
        if (c == '}' && s->state == ST_KEY_OR_END) {
            s->pos++;
            s->depth--;
            tfa_scan__after_value(s);
            return 1;
        }
        if (c != '"' || (q = tfa_scan__find_special(b, s->pos + 1, s->len)) == s->len ||
            b[q] != '"')
            return 0;
        s->pos = q + 1;
        s->state = ST_COLON;
        return 1;
    case ST_VALUE_OR_END:
        if (c == ']') {
            s->pos++;
            s->depth--;
            tfa_scan__after_value(s);
            return 1;
        }
        /* fall through */
    case ST_VALUE:
        break;
    default:
        return 0;
    }
    switch (c) {
    case '"':
        if ((q = tfa_scan__find_special(b, s->pos + 1, s->len)) == s->len || b[q] != '"')
            return 0;
        s->pos = q + 1;
        break;
    case '{':
    case '[':
        if (s->depth >= s->max_depth)
            return 0;
        tfa_scan__push(s, c == '{');
        s->pos++;
        s->state = c == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
        return 1;
    case 't':
    case 'n':
    case 'f':
        n = c == 'f' ? 5 : 4;
        if ((size_t)(end - (b + s->pos)) < n || memcmp(b + s->pos,
                                                       c == 't'   ? "true"
                                                       : c == 'n' ? "null"
                                                                  : "false",
                                                       n) != 0)
            return 0;
        s->pos += n;
        break;
    default:
        if ((n = plain_number(b + s->pos, end)) == 0)
            return 0;
        s->pos += n;
        break;
    }
    tfa_scan__after_value(s);
    return 1;
}

/* Close the container at `depth` (whose kind is in the stack) and return
 * the kind of the one around it. */
static inline int run_in_object(const tfa_scan *s, unsigned depth)
{
    unsigned d = depth - 1;
    return (s->stack[d / 8] >> (d % 8)) & 1;
}

/*
 * skip_fast over a stretch, with the scanner's state in locals: a byte store
 * to the nesting stack may alias any field of `s`, so the token-at-a-time
 * path reloads them all per token, which was most of the cost of skipping a
 * plan's planned_values and prior_state. The same transitions as skip_fast;
 * it stops (state written back) at anything skip_fast would refuse, at the
 * window's end, and before the close that ends the skip at depth `target`,
 * which the caller's general path takes.
 */
static void skip_run(tfa_scan *s, unsigned target)
{
    const char *b = s->buf;
    size_t pos = s->pos, len = s->len, q, n;
    enum state st = s->state;
    unsigned depth = s->depth;
    unsigned long line = s->line;
    uint64_t line_start = s->line_start;
    int obj;
    char c;

    if (depth <= target || depth == 0)
        return;
    obj = run_in_object(s, depth);
    while (pos < len) {
        c = b[pos];
        if (c == ' ' || c == '\t' || c == '\r') {
            pos++;
            continue;
        }
        if (c == '\n') {
            pos++;
            line++;
            line_start = s->base + pos;
            continue;
        }
        switch (st) {
        case ST_COMMA_OR_END:
            if (c == ',') {
                pos++;
                st = obj ? ST_KEY : ST_VALUE;
                continue;
            }
            if ((c == '}' && obj) || (c == ']' && !obj))
                goto close;
            goto out;
        case ST_COLON:
            if (c != ':')
                goto out;
            pos++;
            st = ST_VALUE;
            continue;
        case ST_KEY_OR_END:
            if (c == '}')
                goto close;
            /* fall through */
        case ST_KEY:
            if (c != '"' || (q = tfa_scan__find_special(b, pos + 1, len)) == len || b[q] != '"')
                goto out;
            pos = q + 1;
            st = ST_COLON;
            continue;
        case ST_VALUE_OR_END:
            if (c == ']')
                goto close;
            /* fall through */
        case ST_VALUE:
            break;
        default:
            goto out;
        }
        switch (c) {
        case '"':
            if ((q = tfa_scan__find_special(b, pos + 1, len)) == len || b[q] != '"')
                goto out;
            pos = q + 1;
            break;
        case '{':
        case '[':
            if (depth >= s->max_depth)
                goto out;
            obj = c == '{';
            if (obj)
                s->stack[depth / 8] |= (unsigned char)(1u << (depth % 8));
            else
                s->stack[depth / 8] &= (unsigned char)~(1u << (depth % 8));
            depth++;
            pos++;
            st = obj ? ST_KEY_OR_END : ST_VALUE_OR_END;
            continue;
        case 't':
        case 'n':
        case 'f':
            n = c == 'f' ? 5 : 4;
            if (len - pos < n || memcmp(b + pos,
                                        c == 't'   ? "true"
                                        : c == 'n' ? "null"
                                                   : "false",
                                        n) != 0)
                goto out;
            pos += n;
            break;
        default:
            if ((n = plain_number(b + pos, b + len)) == 0)
                goto out;
            pos += n;
            break;
        }
        st = ST_COMMA_OR_END; /* depth > target >= 0: inside a container */
        continue;
    close:
        if (depth - 1 <= target || depth - 1 == 0)
            goto out; /* the caller closes it, with what ending a value entails */
        pos++;
        depth--;
        obj = run_in_object(s, depth);
        st = ST_COMMA_OR_END;
    }
out:
    s->pos = pos;
    s->state = st;
    s->depth = depth;
    s->line = line;
    s->line_start = line_start;
}

int tfa_scan_skip(tfa_scan *s, const tfa_token *tok, tfa_error *err)
{
    unsigned target;
    tfa_token t;
    int rc;

    if (tok->type != TFA_TOK_OBJ && tok->type != TFA_TOK_ARR)
        return 0;
    target = s->depth - 1;
    while (s->depth > target) {
        skip_run(s, target);
        if (s->depth <= target)
            break;
        if (s->pos < s->len) {
            char c = s->buf[s->pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                s->pos++;
                continue;
            }
            if (c == '\n') {
                s->pos++;
                s->line++;
                s->line_start = s->base + s->pos;
                continue;
            }
            if (skip_fast(s))
                continue;
        }
        if ((rc = tfa_scan_next(s, &t, err)) != 0)
            return rc;
    }
    return 0;
}

int tfa_scan_decode(const tfa_token *tok, tfa_buf *out)
{
    const char *p = tok->ptr, *e = tok->ptr + tok->len;
    char u8[4];

    if (tok->truncated)
        return TFA_ELIMIT; /* callers check `truncated` before asking for text */
    if (!tok->escaped)
        return tfa_buf_put(out, p, tok->len);
    while (p < e) {
        const char *bs = memchr(p, '\\', (size_t)(e - p));
        if (!bs)
            return tfa_buf_put(out, p, (size_t)(e - p));
        tfa_buf_put(out, p, (size_t)(bs - p));
        p = bs + 1; /* the scanner validated every escape */
        switch (*p) {
        case 'b':
            tfa_buf_putc(out, '\b');
            break;
        case 'f':
            tfa_buf_putc(out, '\f');
            break;
        case 'n':
            tfa_buf_putc(out, '\n');
            break;
        case 'r':
            tfa_buf_putc(out, '\r');
            break;
        case 't':
            tfa_buf_putc(out, '\t');
            break;
        case 'u': {
            unsigned long cp = (unsigned long)tfa_scan__hex4(p + 1);
            size_t n;
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) +
                     ((unsigned long)tfa_scan__hex4(p + 3) - 0xDC00);
                p += 6;
            }
            if (cp < 0x80) {
                u8[0] = (char)cp, n = 1;
            } else if (cp < 0x800) {
                u8[0] = (char)(0xC0 | (cp >> 6)), u8[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
            } else if (cp < 0x10000) {
                u8[0] = (char)(0xE0 | (cp >> 12)), u8[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u8[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
            } else {
                u8[0] = (char)(0xF0 | (cp >> 18)), u8[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u8[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u8[3] = (char)(0x80 | (cp & 0x3F));
                n = 4;
            }
            tfa_buf_put(out, u8, n);
            break;
        }
        default:
            tfa_buf_putc(out, *p);
            break; /* " \ / */
        }
        p++;
    }
    return tfa_buf_status(out);
}
