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

/* The literal true, null or false that starts with `c` at `p` (`avail`
 * bytes there): its length, or 0 when it is not there whole. */
static inline size_t literal_len(const char *p, size_t avail, char c)
{
    /* constant lengths, so the compiler compares in registers instead of
     * calling memcmp per literal (memcmp went from 4.2% to 1.8% of the
     * profile of summarizing a 100k-resource plan) */
    if (c == 'f')
        return avail >= 5 && memcmp(p, "false", 5) == 0 ? 5 : 0;
    return avail >= 4 && memcmp(p, c == 't' ? "true" : "null", 4) == 0 ? 4 : 0;
}

/* Record the kind of the container opened at `depth` (1: object). */
static inline void stack_mark(tfa_scan *s, unsigned depth, int obj)
{
    if (obj)
        s->stack[depth / 8] |= (unsigned char)(1u << (depth % 8));
    else
        s->stack[depth / 8] &= (unsigned char)~(1u << (depth % 8));
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
        if ((n = literal_len(b + s->pos, (size_t)(end - (b + s->pos)), c)) == 0)
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
            stack_mark(s, depth, obj);
            depth++;
            pos++;
            st = obj ? ST_KEY_OR_END : ST_VALUE_OR_END;
            continue;
        case 't':
        case 'n':
        case 'f':
            if ((n = literal_len(b + pos, len - pos, c)) == 0)
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

/* ---- skimming one line's object ------------------------------------------ */

/* skim_string from the first byte of a string that needs a look (an escape,
 * UTF-8), or near the window's end: one 16-byte compare at a time. */
static size_t skim_string_rest(const char *b, size_t i, size_t end, unsigned *escaped)
{
    for (;;) {
        unsigned char c;
        int n;

        i = tfa_scan__find_special(b, i, end);
        if (i == end)
            return 0;
        c = (unsigned char)b[i];
        if (c == '"')
            return i;
        if (c == '\\') {
            n = tfa_scan__escape_len(b + i, end - i);
            *escaped = 1;
        } else if (c >= 0x80) {
            n = tfa_scan__utf8_seq((const unsigned char *)b + i, end - i);
        } else {
            return 0;
        }
        if (n <= 0)
            return 0;
        i += (size_t)n;
    }
}

/*
 * The bytes of 64 of the window at once, for the strings of a skimmed
 * line: where its quotes are, and where the bytes are that need a look in a
 * string (a backslash, a control byte, a non-ASCII byte). The strings of a
 * log line are many and of every length: looking for each one's end 16
 * bytes at a time left the loop at a different turn for each, and the
 * mispredicted exits were most of the skim's cost. Here a string's end is
 * read off the masks of its block, computed once for all the strings in it.
 */
typedef struct skim_block {
    size_t base; /* window offset of the block (a multiple of 64), or SIZE_MAX */
    uint64_t quote, special;
} skim_block;

#if defined(__SSE2__)
/* The masks of 16 bytes at p: quotes, and bytes that need a look. */
static inline void skim_masks16(const char *p, unsigned *q, unsigned *sp)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    *q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    /* signed compare: bytes >= 0x80 are negative, so < 0x20 catches both */
    *sp = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
                                                   _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
}

static void skim_block_at(skim_block *k, const char *b, size_t base)
{
    unsigned q0, q1, q2, q3, s0, s1, s2, s3;

    skim_masks16(b + base, &q0, &s0);
    skim_masks16(b + base + 16, &q1, &s1);
    skim_masks16(b + base + 32, &q2, &s2);
    skim_masks16(b + base + 48, &q3, &s3);
    k->base = base;
    k->quote = (uint64_t)q0 | (uint64_t)q1 << 16 | (uint64_t)q2 << 32 | (uint64_t)q3 << 48;
    k->special = (uint64_t)s0 | (uint64_t)s1 << 16 | (uint64_t)s2 << 32 | (uint64_t)s3 << 48;
}
#endif

/* Index of the closing quote of the string whose content starts at i,
 * validating escapes and UTF-8 as scan_string does; 0 (never a closing
 * quote's index) for anything scan_string must judge: a control byte, a bad
 * sequence, the window's end. */
static inline size_t skim_string(skim_block *k, const char *b, size_t i, size_t end,
                                 unsigned *escaped)
{
#if defined(__SSE2__)
    for (;;) {
        size_t base = i & ~(size_t)63, j;
        uint64_t m;

        if (base + 64 > end)
            break; /* the last bytes of the window */
        if (k->base != base)
            skim_block_at(k, b, base);
        m = (k->quote | k->special) >> (i & 63);
        if (m) {
            j = i + (size_t)__builtin_ctzll(m);
            if ((k->quote >> (j & 63)) & 1)
                return j;
            return skim_string_rest(b, j, end, escaped);
        }
        i = base + 64;
    }
#else
    (void)k;
#endif
    return skim_string_rest(b, i, end, escaped);
}

static inline void skim_token(const tfa_scan *s, tfa_token *t, tfa_tok type, size_t at,
                              const char *ptr, size_t len)
{
    t->type = type;
    t->ptr = ptr;
    t->len = len;
    t->escaped = t->truncated = 0;
    t->digest = 0;
    t->pos.offset = s->base + at;
    t->pos.line = s->line; /* a skimmed object has no line break */
    t->pos.column = (unsigned long)(t->pos.offset - s->line_start + 1);
}

/*
 * The skip path's transitions (skip_run) over one object, with its
 * top-level members written out and its strings validated in place. It
 * reads no input: the object must end before the window does, and a line
 * break refuses (the token path tells a multi-line message from a cut one).
 */
int tfa_scan_skim(tfa_scan *s, tfa_scan_member *m, size_t cap, tfa_scan_skim_state *k)
{
    const char *b = s->buf;
    size_t i = s->pos, end = s->len, q, n, nm = 0, longest = 0;
    unsigned depth = s->depth, esc;
    enum state st = s->state;
    tfa_token *v;
    skim_block blk;
    int obj = 1;
    char c;

    if (depth != 1 || st != ST_KEY_OR_END)
        return 0;
    blk.base = SIZE_MAX;
    blk.quote = blk.special = 0;
    k->pos = s->pos;
    k->state = (int)s->state;
    k->line = s->line;
    k->line_start = s->line_start;
    k->documents = s->documents;
    k->value_end_line = s->value_end_line;
    while (i < end) {
        c = b[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        switch (st) {
        case ST_COMMA_OR_END:
            if (c == ',') {
                i++;
                st = obj ? ST_KEY : ST_VALUE;
                continue;
            }
            if ((c == '}' && obj) || (c == ']' && !obj))
                goto close;
            return 0;
        case ST_COLON:
            if (c != ':')
                return 0;
            i++;
            st = ST_VALUE;
            continue;
        case ST_KEY_OR_END:
            if (c == '}')
                goto close;
            /* fall through */
        case ST_KEY:
            esc = 0;
            if (c != '"' || !(q = skim_string(&blk, b, i + 1, end, &esc)))
                return 0;
            if (depth == 1) {
                if (nm == cap)
                    return 0;
                skim_token(s, &m[nm].key, TFA_TOK_KEY, i, b + i + 1, q - i - 1);
                m[nm].key.escaped = esc;
            }
            i = q + 1;
            st = ST_COLON;
            if (i < end && b[i] == ':') { /* "key": as loggers write it */
                i++;
                st = ST_VALUE;
            }
            continue;
        case ST_VALUE_OR_END:
            if (c == ']')
                goto close;
            /* fall through */
        case ST_VALUE:
            break;
        default:
            return 0;
        }
        v = depth == 1 ? &m[nm++].value : NULL; /* its key took the slot */
        switch (c) {
        case '"':
            esc = 0;
            if (!(q = skim_string(&blk, b, i + 1, end, &esc)))
                return 0;
            if (v) {
                skim_token(s, v, TFA_TOK_STR, i, b + i + 1, q - i - 1);
                v->escaped = esc;
            }
            longest = q - i - 1 > longest ? q - i - 1 : longest;
            i = q + 1;
            break;
        case '{':
        case '[':
            if (depth >= s->max_depth)
                return 0;
            obj = c == '{';
            if (v)
                skim_token(s, v, obj ? TFA_TOK_OBJ : TFA_TOK_ARR, i, NULL, 0);
            stack_mark(s, depth, obj);
            depth++;
            i++;
            st = obj ? ST_KEY_OR_END : ST_VALUE_OR_END;
            continue;
        case 't':
        case 'n':
        case 'f':
            if ((n = literal_len(b + i, end - i, c)) == 0)
                return 0;
            if (v)
                skim_token(s, v,
                           c == 't'   ? TFA_TOK_TRUE
                           : c == 'n' ? TFA_TOK_NULL
                                      : TFA_TOK_FALSE,
                           i, b + i, n);
            i += n;
            break;
        default:
            if ((n = plain_number(b + i, b + end)) == 0)
                return 0;
            if (v)
                skim_token(s, v, TFA_TOK_NUM, i, b + i, n);
            longest = n > longest ? n : longest;
            i += n;
            break;
        }
        st = ST_COMMA_OR_END;
        continue;
    close:
        i++;
        if (--depth == 0) {
            s->pos = i;
            s->depth = 0;
            tfa_scan__after_value(s);
            k->n = nm;
            k->longest = longest;
            return 1;
        }
        obj = run_in_object(s, depth);
        st = ST_COMMA_OR_END;
    }
    return 0;
}

void tfa_scan_skim_undo(tfa_scan *s, const tfa_scan_skim_state *k)
{
    s->pos = k->pos;
    s->depth = 1;
    s->state = (enum state)k->state;
    s->line = k->line;
    s->line_start = k->line_start;
    s->documents = k->documents;
    s->value_end_line = k->value_end_line;
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
