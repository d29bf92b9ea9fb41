/*
 * scan_priv.h - the scanner's state and its small hot helpers, shared by
 * scan.c (the tokenizer) and scan_skip.c (the fast skip path and escape
 * decoding). Internal to parsers/; static inline so both keep them inlined.
 */
#ifndef TFA_SCAN_PRIV_H
#define TFA_SCAN_PRIV_H

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "scan.h"
#include "util/limits.h"

/* The smallest window tfa_scan_options.window may ask for: the longest
 * look-ahead the scanner needs (CI noise prefixes, 9 bytes) and then some. */
#define TFA_SCAN_MIN_WINDOW 16

enum state {
    ST_TOP,          /* between top-level values */
    ST_VALUE,        /* after ':' or ',' in an array */
    ST_VALUE_OR_END, /* after '[' */
    ST_KEY,          /* after ',' in an object */
    ST_KEY_OR_END,   /* after '{' */
    ST_COLON,        /* after a key whose ':' was not yet in the window */
    ST_COMMA_OR_END  /* after a value inside a container */
};

struct tfa_scan {
    tfa_stream *in;
    char *buf;    /* the window, inside win[cur] */
    char *win[2]; /* the windows' memory: room bytes, then cap + 1 (see refill) */
    unsigned cur; /* buf lies in win[cur]; refills fill win[!cur] */
    size_t room;  /* bytes kept in front of a read ahead without moving it */
    int ahead;    /* a read ahead is posted into win[!cur] + room */
    size_t cap, pos, len;
    uint64_t base;       /* decoded offset of buf[0] */
    unsigned long line;  /* current line, 1-based */
    uint64_t line_start; /* decoded offset of the current line's first byte */
    int eof;
    int ci_noise;
    int lines;                    /* JSON Lines: a top-level value per line */
    unsigned long value_end_line; /* line where the last top-level value ended */
    int truncated;                /* the input ended inside a value */
    enum state state;
    unsigned depth, max_depth;
    unsigned long documents; /* top-level values completed */
    tfa_buf key;             /* the last key's text: stable until the next key */
    unsigned char stack[TFA_LIMIT_JSON_DEPTH / 8 + 1]; /* bit set = object */
};

#if defined(__SSE2__)
/* The bytes at p that need attention in a string, one bit each. */
static inline unsigned tfa_scan__special16(const char *p)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* signed compare: bytes >= 0x80 are negative, so < 0x20 catches both */
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
}
#endif

/* First index >= i whose byte needs attention in a string: '"', '\\', a
 * control byte or a non-ASCII byte. Returns n when there is none. */
/* always inlined: a call per string costs more than the search (the 64-byte
 * loop made it too large for GCC to inline on its own) */
__attribute__((always_inline)) static inline size_t tfa_scan__find_special(const char *buf,
                                                                           size_t i, size_t n)
{
#if defined(__SSE2__)
    uint64_t m;

    /* Most strings end in their first 16 bytes; the rest are looked at 64
     * bytes per branch, so a string of 17 to 64 bytes costs one mispredicted
     * exit, not one per 16 bytes. */
    if (i + 16 <= n) {
        if ((m = tfa_scan__special16(buf + i)) != 0)
            return i + (size_t)__builtin_ctzll(m);
        i += 16;
    }
    while (i + 64 <= n) {
        m = (uint64_t)tfa_scan__special16(buf + i) |
            (uint64_t)tfa_scan__special16(buf + i + 16) << 16 |
            (uint64_t)tfa_scan__special16(buf + i + 32) << 32 |
            (uint64_t)tfa_scan__special16(buf + i + 48) << 48;
        if (m)
            return i + (size_t)__builtin_ctzll(m);
        i += 64;
    }
    while (i + 16 <= n) {
        if ((m = tfa_scan__special16(buf + i)) != 0)
            return i + (size_t)__builtin_ctzll(m);
        i += 16;
    }
#endif
    while (i < n) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return i;
        i++;
    }
    return n;
}

static inline int tfa_scan__hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline long tfa_scan__hex4(const char *p)
{
    long v = 0;
    int i, d;
    for (i = 0; i < 4; i++) {
        if ((d = tfa_scan__hexval(p[i])) < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at p (n bytes available), 0 if invalid,
 * -1 if more bytes are needed to tell (RFC 3629, section 4). */
static inline int tfa_scan__utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    int len, i;

    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else
        return 0;
    for (i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF))
            return 0;
    }
    return len;
}

/* Length of the escape at p (n bytes available), 0 if invalid, -1 if more
 * bytes are needed. A high surrogate must be followed by a low one. */
static inline int tfa_scan__escape_len(const char *p, size_t n)
{
    long u, lo;
    if (n < 2)
        return -1;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        return 2;
    case 'u':
        break;
    default:
        return 0;
    }
    if (n < 6)
        return -1;
    if ((u = tfa_scan__hex4(p + 2)) < 0)
        return 0;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return 0;
    if (u < 0xD800 || u > 0xDBFF)
        return 6;
    /* a high surrogate: decide as soon as the bytes present allow */
    if ((n > 6 && p[6] != '\\') || (n > 7 && p[7] != 'u'))
        return 0;
    if (n < 12)
        return -1;
    if ((lo = tfa_scan__hex4(p + 8)) < 0 || lo < 0xDC00 || lo > 0xDFFF)
        return 0;
    return 12;
}

static inline void tfa_scan__push(tfa_scan *s, int is_object)
{
    if (is_object)
        s->stack[s->depth / 8] |= (unsigned char)(1u << (s->depth % 8));
    else
        s->stack[s->depth / 8] &= (unsigned char)~(1u << (s->depth % 8));
    s->depth++;
}

static inline int tfa_scan__in_object(const tfa_scan *s)
{
    unsigned d = s->depth - 1;
    return (s->stack[d / 8] >> (d % 8)) & 1;
}

static inline void tfa_scan__after_value(tfa_scan *s)
{
    if (s->depth == 0) {
        s->state = ST_TOP;
        s->documents++;
        s->value_end_line = s->line;
    } else {
        s->state = ST_COMMA_OR_END;
    }
}

#endif
