/*
 * escape.c - one escaper per output format (see escape.h).
 *
 * Everything starts from visible(): the text rule. The other formats run
 * it first and then escape what their own syntax would read, so a control
 * character looks the same (\x1b) in a terminal, a Markdown page, a JUnit
 * report and an HTML page.
 */
#include "util/compat.h"

#include "util/escape.h"

/* visible(): control characters to pass through raw (structure that the
 * caller wrote, such as the lines of a JUnit failure body). */
#define KEEP_NL  1u
#define KEEP_TAB 2u

/* Length of the valid UTF-8 sequence at s with `avail` bytes readable. */
static size_t utf8_len_n(const unsigned char *s, size_t avail)
{
    size_t need, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        need = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        need = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        need = 4;
    else
        return 0;
    if (avail < need)
        return 0;
    for (i = 1; i < need; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) || /* overlong, surrogate */
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)) /* overlong, > U+10FFFF */
        return 0;
    return need;
}

size_t tfa_utf8_len(const unsigned char *s)
{
    return utf8_len_n(s, strnlen((const char *)s, 4));
}

static unsigned long utf8_decode(const unsigned char *s, size_t n)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    unsigned long cp = s[0] & lead_mask[n];
    size_t i;
    for (i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3f);
    return cp;
}

/* Code points that are valid UTF-8 but change what a reader sees: C1
 * controls (a terminal may read U+009B as CSI), line and paragraph
 * separators, bidirectional marks and overrides ("Trojan Source"), the
 * byte order mark, and the two non-characters XML forbids. */
static int invisible(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
           cp == 0xfffe || cp == 0xffff;
}

static int visible(tfa_buf *out, const char *s, size_t len, unsigned keep)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    while (p < end) {
        unsigned c = *p;
        size_t n;
        if (c >= 0x20 && c < 0x7f) {
            tfa_buf_putc(out, (char)c);
            n = 1;
        } else if ((c == '\n' && (keep & KEEP_NL)) || (c == '\t' && (keep & KEEP_TAB))) {
            tfa_buf_putc(out, (char)c);
            n = 1;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            tfa_buf_puts(out, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
            n = 1;
        } else if (c < 0x80 || (n = utf8_len_n(p, (size_t)(end - p))) == 0) {
            tfa_buf_printf(out, "\\x%02x", c); /* C0, DEL, a byte that is not UTF-8 */
            n = 1;
        } else if (invisible(utf8_decode(p, n))) {
            tfa_buf_printf(out, "\\u%04lx", utf8_decode(p, n));
        } else {
            tfa_buf_put(out, p, n);
        }
        p += n;
    }
    return tfa_buf_status(out);
}

int tfa_esc_text(tfa_buf *out, const char *s)
{
    return s ? visible(out, s, strlen(s), 0) : tfa_buf_status(out);
}

int tfa_esc_text_n(tfa_buf *out, const char *s, size_t len)
{
    return visible(out, s, len, 0);
}

/* A scratch buffer's failure is passed on to `out`: escaped output that
 * lost text must never pass for complete. */
static int scratch_done(tfa_buf *out, tfa_buf *scratch)
{
    if (tfa_buf_status(scratch) && !out->failed)
        out->failed = tfa_buf_status(scratch);
    tfa_buf_release(scratch);
    return tfa_buf_status(out);
}

int tfa_esc_textf(tfa_buf *out, const char *fmt, ...)
{
    tfa_buf line;
    va_list ap;

    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    va_start(ap, fmt);
    tfa_buf_vprintf(&line, fmt, ap);
    va_end(ap);
    visible(out, line.ptr, line.len, 0);
    return scratch_done(out, &line);
}

/* ---- Markdown -------------------------------------------------------------- */

int tfa_esc_md_text(tfa_buf *out, const char *s)
{
    tfa_buf t;
    const char *p;

    if (!s)
        return tfa_buf_status(out);
    tfa_buf_init(&t, TFA_BUF_NO_MAX);
    visible(&t, s, strlen(s), 0);
    for (p = t.ptr; *p; p++) {
        if (*p == '<')
            tfa_buf_puts(out, "&lt;");
        else if (*p == '>')
            tfa_buf_puts(out, "&gt;");
        else if (*p == '&')
            tfa_buf_puts(out, "&amp;");
        else if (strchr("\\`*_[]|#~!", *p) || (*p == '(' && p > t.ptr && p[-1] == ']'))
            tfa_buf_printf(out, "\\%c", *p); /* "](" escaped too: not even a naive link */
        else
            tfa_buf_putc(out, *p);
    }
    return scratch_done(out, &t);
}

/* Inside a code span CommonMark reads nothing but the closing fence (and, in
 * a GFM table, `|`): a fence longer than any backtick run, padded when the
 * text starts or ends with a backtick. Text that a sloppy renderer (a chat
 * tool, a mail client) could still take for HTML, an entity or a link even
 * inside backticks (`<`, `>`, `&`, `](`) is written as escaped text
 * instead: it loses the monospace, never its meaning. */
int tfa_esc_md_code(tfa_buf *out, const char *s)
{
    size_t run = 0, longest = 0, i;
    tfa_buf t;
    int pad;

    if (s && (strpbrk(s, "<>&") || strstr(s, "](")))
        return tfa_esc_md_text(out, s);
    tfa_buf_init(&t, TFA_BUF_NO_MAX);
    if (s)
        visible(&t, s, strlen(s), 0);
    for (i = 0; i < t.len; i++) {
        run = t.ptr[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    pad = t.len && (t.ptr[0] == '`' || t.ptr[t.len - 1] == '`');
    for (i = 0; i <= longest; i++)
        tfa_buf_putc(out, '`');
    if (pad)
        tfa_buf_putc(out, ' ');
    for (i = 0; i < t.len; i++)
        if (t.ptr[i] == '|')
            tfa_buf_puts(out, "\\|");
        else
            tfa_buf_putc(out, t.ptr[i]);
    if (pad)
        tfa_buf_putc(out, ' ');
    for (i = 0; i <= longest; i++)
        tfa_buf_putc(out, '`');
    return scratch_done(out, &t);
}

/* ---- XML and HTML -------------------------------------------------------------- */

static int xml(tfa_buf *out, const char *s, unsigned keep)
{
    tfa_buf t;
    const char *p;

    if (!s)
        return tfa_buf_status(out);
    tfa_buf_init(&t, TFA_BUF_NO_MAX);
    visible(&t, s, strlen(s), keep);
    for (p = t.ptr; *p; p++) {
        switch (*p) {
        case '<':
            tfa_buf_puts(out, "&lt;");
            break;
        case '>':
            tfa_buf_puts(out, "&gt;");
            break;
        case '&':
            tfa_buf_puts(out, "&amp;");
            break;
        case '"':
        case '\'': /* only attributes need these; a body keeps them readable */
            if (keep)
                tfa_buf_putc(out, *p);
            else
                tfa_buf_puts(out, *p == '"' ? "&quot;" : "&#39;");
            break;
        default:
            tfa_buf_putc(out, *p);
        }
    }
    return scratch_done(out, &t);
}

int tfa_esc_xml(tfa_buf *out, const char *s)
{
    return xml(out, s, 0);
}

int tfa_esc_xml_body(tfa_buf *out, const char *s)
{
    return xml(out, s, KEEP_NL | KEEP_TAB);
}

/* ---- JSON ------------------------------------------------------------------- */

int tfa_esc_utf8(tfa_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    while (p && *p) {
        if ((n = tfa_utf8_len(p)) == 0) {
            tfa_buf_puts(out, "\xef\xbf\xbd");
            n = 1;
        } else {
            tfa_buf_put(out, p, n);
        }
        p += n;
    }
    return tfa_buf_status(out);
}
