/*
 * lines.c - line reader, normalizer and cursor (see lines.h).
 *
 * The reader keeps one window of decoded bytes. A line is handed out in
 * place (its "\n" overwritten by a NUL), so reading costs no copy; only the
 * unfinished tail of the window moves to the front when more input is
 * needed. The window never holds more than one line plus one read chunk.
 */
#include "util/compat.h"

#include "lines.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

/* Bytes asked of the stream per read: large enough that the per-read cost
 * vanishes, small enough that a reader of a tiny log allocates little. */
#define LINES_CHUNK (256u * 1024u)

struct tfa_lines {
    tfa_stream *in;
    tfa_buf win;     /* decoded bytes; the next line starts at `start` */
    size_t start;    /* first byte not handed out yet */
    size_t scanned;  /* bytes after `start` known to hold no newline */
    uint64_t offset; /* decoded offset of win.ptr[start] */
    unsigned long count;
    size_t max;
    int normalize, eof;
};

int tfa_lines_new(tfa_lines **out, tfa_stream *in, const tfa_lines_options *opts, tfa_error *err)
{
    tfa_lines *r = tfa_calloc(1, sizeof(*r));

    *out = NULL;
    if (!r)
        return tfa_error_oom(err);
    r->in = in;
    r->max = opts && opts->max_bytes ? opts->max_bytes : TFA_LIMIT_LINE_BYTES;
    r->normalize = opts ? opts->normalize : 1;
    /* a prelude detection read through and dropped still counts (stream.h) */
    tfa_stream_skipped(in, &r->count, &r->offset);
    /* lines are handed out in place and written into: a large input is
     * hashed on the second core from a copy of each read (stream.h) */
    tfa_stream_async_hash_copy(in);
    tfa_buf_init(&r->win, TFA_BUF_NO_MAX);
    *out = r;
    return 0;
}

void tfa_lines_free(tfa_lines *r)
{
    if (!r)
        return;
    tfa_buf_release(&r->win);
    tfa_free(r);
}

unsigned long tfa_lines_count(const tfa_lines *r)
{
    return r->count;
}

/* Move the unfinished line to the front and append one chunk of input. */
static int fill(tfa_lines *r, tfa_error *err)
{
    long long n;

    if (r->start) {
        memmove(r->win.ptr, r->win.ptr + r->start, r->win.len - r->start);
        tfa_buf_truncate(&r->win, r->win.len - r->start);
        r->start = 0;
    }
    if (tfa_buf_grow(&r->win, LINES_CHUNK) != 0)
        return tfa_error_oom(err);
    n = tfa_stream_read(r->in, r->win.ptr + r->win.len, LINES_CHUNK, err);
    if (n < 0)
        return (int)n;
    if (n == 0)
        r->eof = 1;
    r->win.len += (size_t)n;
    r->win.ptr[r->win.len] = '\0';
    return 0;
}

static int too_long(tfa_lines *r, tfa_error *err)
{
    tfa_pos pos;
    pos.line = r->count + 1;
    pos.column = 1;
    pos.offset = r->offset;
    tfa_error_set_source(err, tfa_stream_name(r->in));
    return tfa_error_set_at(err, TFA_ELIMIT, &pos, "line longer than %zu bytes", r->max);
}

int tfa_lines_next(tfa_lines *r, tfa_line *line, tfa_error *err)
{
    char *text, *nl;
    size_t len, avail;
    unsigned flags = 0;
    int rc;

    for (;;) {
        avail = r->win.len - r->start;
        nl = avail > r->scanned
                 ? memchr(r->win.ptr + r->start + r->scanned, '\n', avail - r->scanned)
                 : NULL;
        if (nl)
            break;
        r->scanned = avail;
        if (avail > r->max + 1) /* + 1: a CR before the newline does not count */
            return too_long(r, err);
        if (r->eof) {
            if (avail == 0)
                return 0;
            break;
        }
        if ((rc = fill(r, err)) != 0)
            return rc;
    }
    text = r->win.ptr + r->start;
    len = nl ? (size_t)(nl - text) : avail;
    if (nl)
        *nl = '\0';
    else
        flags |= TFA_LINE_NO_EOL; /* text[len] is the window's own NUL */
    if (len && text[len - 1] == '\r') {
        text[--len] = '\0';
        flags |= TFA_LINE_CR;
    }
    if (len > r->max)
        return too_long(r, err);
    r->count++;
    line->pos.line = r->count;
    line->pos.column = 1;
    line->pos.offset = r->offset;
    r->start = nl ? (size_t)(nl - r->win.ptr) + 1 : r->win.len;
    r->offset += r->start - (size_t)(text - r->win.ptr);
    r->scanned = 0;
    if (r->normalize)
        len = tfa_line_normalize(text, len, &flags);
    line->text = text;
    line->len = len;
    line->flags = flags;
    return 1;
}

int tfa_lines_split(const char *s, size_t len, size_t *pos, const char **line, size_t *line_len)
{
    const char *start = s + *pos, *nl;
    size_t n;

    if (*pos >= len)
        return 0;
    nl = memchr(start, '\n', len - *pos);
    n = nl ? (size_t)(nl - start) : len - *pos;
    *pos += n + (nl != NULL);
    if (n && start[n - 1] == '\r')
        n--;
    *line = start;
    *line_len = n;
    return 1;
}

/* A few kilobytes: the lines looked at next are still in the cache. */
#define FINDER_LOOK 4096u

size_t tfa_byte_finder_next(tfa_byte_finder *f, const char *buf, size_t from, size_t upto,
                            size_t have, char byte)
{
    const char *p;
    size_t stop;

    if (f->at < from)
        f->at = f->end = from; /* what was found lies behind */
    if (f->at < f->end || f->end >= upto)
        return f->at;
    stop = have - f->end > FINDER_LOOK ? f->end + FINDER_LOOK : have;
    stop = stop > upto ? stop : upto;
    p = memchr(buf + f->end, byte, stop - f->end);
    f->at = p ? (size_t)(p - buf) : stop;
    f->end = stop;
    return f->at;
}

/* ---- normalizer ------------------------------------------------------------ */

static int digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if ((unsigned char)(s[i] - '0') > 9)
            return 0;
    return 1;
}

/* The end of the run of digits at s[i..len): GitHub's runner writes seven
 * fraction digits on every line, told at once when 16 bytes are there. */
static size_t digits_end(const char *s, size_t i, size_t len)
{
#if defined(__SSE2__)
    if (i + 16 <= len) {
        const __m128i d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)),
                                       _mm_set1_epi8('0'));
        unsigned not_digit =
            (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)) ^
            0xFFFFu;
        if (not_digit)
            return i + (size_t)__builtin_ctz(not_digit);
        i += 16;
    }
#endif
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* Whether s[0..19) (of at least 20 bytes) is "2022-09-02T04:32:40" (the
 * "T" may be "t" or a blank). CI runners stamp every line of a job log with
 * one: the first 16 bytes are tested at once. */
static int date_time(const char *s)
{
#if defined(__SSE2__)
    /* lanes 0-3, 5-6, 8-9, 11-12, 14-15 are digits; 4, 7 '-'; 13 ':' */
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    const __m128i sep = _mm_setr_epi8(0, 0, 0, 0, '-', 0, 0, '-', 0, 0, 0, 0, 0, ':', 0, 0);
    const unsigned digits_at = 0xDB6Fu; /* 1101 1011 0110 1111: lanes 0-3 5 6 8 9 11 12 14 15 */
    unsigned dm = (unsigned)_mm_movemask_epi8(is_digit);
    unsigned sm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sep));
    if ((dm & digits_at) != digits_at || (sm & 0x2090u) != 0x2090u)
        return 0;
#else
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
        !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
        return 0;
#endif
    return (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && s[16] == ':' && digits(s + 17, 2);
}

size_t tfa_rfc3339_prefix(const char *s, size_t len)
{
    size_t i = 19;

    /* 2022-09-02T04:32:40 */
    if (len < 20 || !date_time(s))
        return 0;
    if (s[i] == '.') {
        size_t f = ++i;
        i = digits_end(s, i, len);
        if (i == f)
            return 0;
    }
    if (i < len && (s[i] == 'Z' || s[i] == 'z'))
        return i + 1;
    if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) && s[i + 3] == ':' &&
        digits(s + i + 4, 2))
        return i + 6;
    return 0;
}

/* Length of the escape sequence at s[0] == ESC (ECMA-48). */
static size_t escape_len(const char *s, size_t len)
{
    size_t i = 1;
    unsigned char c;

    if (len < 2)
        return len;
    c = (unsigned char)s[1];
    if (c == '[') { /* CSI: parameters and intermediates, then a final byte */
        for (i = 2; i < len; i++) {
            c = (unsigned char)s[i];
            if (c >= 0x40 && c <= 0x7e)
                return i + 1;
            if (c < 0x20 || c > 0x3f)
                return i; /* malformed: drop what looked like the sequence */
        }
        return len;
    }
    if (c == ']') { /* OSC: up to BEL or ST (ESC \) */
        for (i = 2; i < len; i++) {
            if (s[i] == '\a')
                return i + 1;
            if (s[i] == '\x1b' && i + 1 < len && s[i + 1] == '\\')
                return i + 2;
        }
        return len;
    }
    while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x2f)
        i++; /* intermediates, e.g. ESC ( B */
    return i < len ? i + 1 : len;
}

static size_t drop_prefix(char *s, size_t len, size_t n)
{
    if (n == 0)
        return len;
    memmove(s, s + n, len - n);
    return len - n;
}

static int hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* GitLab runners (FF_TIMESTAMPS, 17.0+) write "TIMESTAMP 00O text": a stream
 * number, O(ut) or E(rr), then " " or "+" (the line continues the previous
 * one, which arrived unterminated). The marker's length, or 0. */
static size_t gitlab_stream(const char *s, size_t len)
{
    if (len >= 4 && hex(s[0]) && hex(s[1]) && (s[2] == 'O' || s[2] == 'E') &&
        (s[3] == ' ' || s[3] == '+'))
        return 4;
    return 0;
}

/* The timestamps CI systems and Go loggers put before a line: RFC 3339
 * (GitHub Actions, Azure Pipelines, GitLab); hclog's TF_LOG form with a
 * "+0200" offset; Go's standard logger "2019/08/20 10:00:00" (TF_LOG before
 * 0.15); the Jenkins timestamper's "[2024-01-01T10:00:00.123Z]" or "[10:00:00]".
 * Its length, or 0. */
static size_t log_timestamp(const char *s, size_t len)
{
    size_t n, i;

    if (len > 2 && s[0] == '[') {
        n = log_timestamp(s + 1, len - 1);
        if (n == 0 && len >= 10 && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
            s[6] == ':' && digits(s + 7, 2)) {
            /* "[10:20:30]": a time of day alone (Jenkins' timestamper, CI wrappers) */
            n = 8;
            if (s[9] == '.')
                for (n++; n + 1 < len && s[n + 1] >= '0' && s[n + 1] <= '9'; n++)
                    ;
        }
        return n && n + 1 < len && s[n + 1] == ']' ? n + 2 : 0;
    }
    if ((n = tfa_rfc3339_prefix(s, len)) != 0)
        return n;
    if (len >= 24 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
        digits(s + 8, 2) && s[10] == 'T' && digits(s + 11, 2) && s[13] == ':' &&
        digits(s + 14, 2) && s[16] == ':' && digits(s + 17, 2)) {
        /* 2023-05-10T10:00:00.123+0200 */
        i = 19;
        if (s[i] == '.')
            for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
                ;
        if (i + 5 <= len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 4))
            return i + 5;
        return 0;
    }
    if (len >= 19 && digits(s, 4) && s[4] == '/' && digits(s + 5, 2) && s[7] == '/' &&
        digits(s + 8, 2) && s[10] == ' ' && digits(s + 11, 2) && s[13] == ':' &&
        digits(s + 14, 2) && s[16] == ':' && digits(s + 17, 2)) {
        i = 19;
        if (i < len && s[i] == '.')
            for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
                ;
        return i;
    }
    return 0;
}

/* GitLab's collapsible section markers, "section_start:1700000000:NAME[opts]"
 * and "section_end:1700000000:NAME", each followed by an erase-line escape
 * and maybe text: the marker's length (with escapes before it), or 0. */
static size_t gitlab_section(const char *s, size_t len)
{
    size_t i = 0;
    tfa_cur c;

    if (len == 0 || (s[0] != 's' && s[0] != '\x1b'))
        return 0; /* nearly every line: no call into the literals below */
    while (i < len && s[i] == '\x1b')
        i += escape_len(s + i, len - i);
    c = tfa_cur_of(s + i, len - i);
    if (!tfa_cur_lit(&c, "section_start:") && !tfa_cur_lit(&c, "section_end:"))
        return 0;
    while (c.p < c.end && *c.p >= '0' && *c.p <= '9')
        c.p++;
    if (!tfa_cur_lit(&c, ":"))
        return 0;
    while (c.p < c.end && *c.p != '\x1b' && *c.p != ' ' && *c.p != '[')
        c.p++;
    if (c.p < c.end && *c.p == '[')
        while (c.p < c.end && *c.p++ != ']')
            ;
    return (size_t)(c.p - s);
}

#define BOX_MARGIN "\xe2\x94\x82" /* │ U+2502 */
#define BOX_OPEN   "\xe2\x95\xb7" /* ╷ U+2577 */
#define BOX_CLOSE  "\xe2\x95\xb5" /* ╵ U+2575 */

static int only_blanks(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* Which of CR (1) and ESC (2) the line holds: one pass where two memchr
 * calls cost more than the bytes on lines of CI-log length. The compares
 * are gathered in two vectors and looked at once, at the end: nearly every
 * line holds neither. */
static unsigned cr_esc(const char *s, size_t len)
{
    unsigned found = 0;
    size_t i = 0;
#if defined(__SSE2__)
    if (len >= 16) {
        const __m128i cr = _mm_set1_epi8('\r'), esc = _mm_set1_epi8('\x1b');
        __m128i v, any_cr = _mm_setzero_si128(), any_esc = _mm_setzero_si128();
        for (; i + 16 <= len; i += 16) {
            v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            any_cr = _mm_or_si128(any_cr, _mm_cmpeq_epi8(v, cr));
            any_esc = _mm_or_si128(any_esc, _mm_cmpeq_epi8(v, esc));
        }
        if (i < len) { /* the last 16 bytes, overlapping what was seen */
            v = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
            any_cr = _mm_or_si128(any_cr, _mm_cmpeq_epi8(v, cr));
            any_esc = _mm_or_si128(any_esc, _mm_cmpeq_epi8(v, esc));
        }
        return (_mm_movemask_epi8(any_cr) ? 1u : 0u) | (_mm_movemask_epi8(any_esc) ? 2u : 0u);
    }
#endif
    for (; i < len; i++)
        found |= s[i] == '\r' ? 1u : s[i] == '\x1b' ? 2u : 0u;
    return found;
}

/* Whether s (of at least 30 bytes) starts "2024-03-05T09:12:40.0007919Z ":
 * a date-time with seven fraction digits, 'Z' and a blank, as GitHub's and
 * Azure's runners stamp every line. */
static int github_stamp(const char *s)
{
#if defined(__SSE2__)
    /* lanes of s[13..29): ':' 0, digits 1-2, ':' 3, digits 4-5, '.' 6,
     * digits 7-13, 'Z' 14, ' ' 15 */
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 13));
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const __m128i lit = _mm_setr_epi8(':', 0, 0, ':', 0, 0, '.', 0, 0, 0, 0, 0, 0, 0, 'Z', ' ');
    unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
    unsigned lm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lit));
    /* digits at lanes 1 2 4 5 7-13: 0011 1111 1011 0110 */
    return (dm & 0x3FB6u) == 0x3FB6u && (lm & 0xC049u) == 0xC049u && date_time(s) && s[10] == 'T';
#else
    return date_time(s) && s[10] == 'T' && s[19] == '.' && digits(s + 20, 7) && s[27] == 'Z' &&
           s[28] == ' ';
#endif
}

/* Bytes of the CI prefixes at the start of a line without CRs: GitLab
 * section markers, one timestamp and the blank after it, GitLab's stream
 * marker, a section marker after the runner's timestamp. */
static size_t ci_prefix(const char *s, size_t len, unsigned *flags)
{
    size_t off, n;

    /* GitHub Actions' and Azure's own form on every line, told at once; it
     * is what the general path below would find (a digit is no section
     * marker, the fraction ends at the 'Z', a blank follows) */
    if (len >= 30 && github_stamp(s)) {
        off = 29;
        off += gitlab_stream(s + off, len - off);
        off += gitlab_section(s + off, len - off);
        *flags |= TFA_LINE_TIMESTAMP;
        return off;
    }
    off = gitlab_section(s, len);
    n = log_timestamp(s + off, len - off);
    if (n && (n == len - off || s[off + n] == ' ' || s[off + n] == '\t')) {
        off += n + (n < len - off);
        off += gitlab_stream(s + off, len - off);
        off += gitlab_section(s + off, len - off); /* after the runner's timestamp */
        *flags |= TFA_LINE_TIMESTAMP;
    }
    return off;
}

/* Bytes of a diagnostic box margin at the start of a line without escapes;
 * *len becomes 0 for a line that is only the box's top or bottom. */
static size_t box_prefix(const char *s, size_t *len, unsigned *flags)
{
    size_t n = *len;

    if (n >= 3 && memcmp(s, BOX_MARGIN, 3) == 0) {
        *flags |= TFA_LINE_MARGIN;
        return 3 + (n > 3 && s[3] == ' ');
    }
    if (n >= 3 && memcmp(s, BOX_OPEN, 3) == 0 && only_blanks(s + 3, n - 3)) {
        *len = 0;
        *flags |= TFA_LINE_BOX_OPEN;
    } else if (n >= 3 && memcmp(s, BOX_CLOSE, 3) == 0 && only_blanks(s + 3, n - 3)) {
        *len = 0;
        *flags |= TFA_LINE_BOX_CLOSE;
    }
    return 0;
}

static size_t trim_blanks(const char *s, size_t len)
{
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len;
}

size_t tfa_line_normalize(char *s, size_t len, unsigned *flags)
{
    size_t orig = len, r, w, n;
    unsigned found = cr_esc(s, len);

    if (found & 1) {
        for (r = w = 0; r < len; r++)
            if (s[r] != '\r')
                s[w++] = s[r];
        len = w;
        *flags |= TFA_LINE_CR;
    }
    len = drop_prefix(s, len, ci_prefix(s, len, flags));
    if ((found & 2) && memchr(s, '\x1b', len)) {
        for (r = w = 0; r < len;) {
            if (s[r] == '\x1b')
                r += escape_len(s + r, len - r);
            else
                s[w++] = s[r++];
        }
        len = w;
        *flags |= TFA_LINE_ANSI;
    }
    n = box_prefix(s, &len, flags); /* may set len to 0 */
    len = drop_prefix(s, len, n);
    len = trim_blanks(s, len);
    if (len < orig)
        s[len] = '\0';
    return len;
}

int tfa_line_view(const char *s, size_t len, const char **text, size_t *text_len, unsigned *flags)
{
    if (cr_esc(s, len))
        return 0; /* removing them rewrites the line */
    tfa_line_view_plain(s, len, text, text_len, flags);
    return 1;
}

void tfa_line_view_plain(const char *s, size_t len, const char **text, size_t *text_len,
                         unsigned *flags)
{
    size_t off = ci_prefix(s, len, flags);

    s += off;
    len -= off;
    off = box_prefix(s, &len, flags);
    *text = s + off;
    *text_len = trim_blanks(s + off, len - off);
}

/* ---- cursor ------------------------------------------------------------------ */

int tfa_cur_long(tfa_cur *c, long *out)
{
    const char *p = c->p;
    long v = 0;

    while (p < c->end && *p >= '0' && *p <= '9' && p - c->p < 18)
        v = v * 10 + (*p++ - '0');
    if (p == c->p || (p < c->end && *p >= '0' && *p <= '9'))
        return 0;
    c->p = p;
    *out = v;
    return 1;
}

int tfa_cur_blanks(tfa_cur *c)
{
    const char *p = c->p;
    while (p < c->end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == c->p)
        return 0;
    c->p = p;
    return 1;
}

int tfa_cur_until(tfa_cur *c, const char *lit, const char **s, size_t *n)
{
    size_t ln = strlen(lit);
    const char *hit = memmem(c->p, tfa_cur_left(c), lit, ln);
    if (!hit)
        return 0;
    *s = c->p;
    *n = (size_t)(hit - c->p);
    c->p = hit + ln;
    return 1;
}

int tfa_cur_eol(const tfa_cur *c)
{
    return c->p >= c->end;
}
