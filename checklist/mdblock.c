/*
 * mdblock.c - Markdown block structure, as far as tfaudit reads it (see
 * mdblock.h for what is followed and what is refused).
 */
#include "util/compat.h"

#include "mdblock.h"

/* Raw HTML blocks (CommonMark 4.6), by how they end. */
enum {
    HTML_NONE,
    HTML_RAW,     /* <script, <pre, <style, <textarea: at their end tag */
    HTML_COMMENT, /* <!-- : at --> */
    HTML_PI,      /* <? : at ?> */
    HTML_DECL,    /* <!X : at > */
    HTML_CDATA,   /* <![CDATA[ : at ]]> */
    HTML_BLOCK    /* any other tag: at a blank line */
};

static const char *const raw_tags[] = {"script", "pre", "style", "textarea"};

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void tfa_md_init(tfa_md_reader *r)
{
    memset(r, 0, sizeof(*r));
}

static int blank(const char *p, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (!is_space(p[i]))
            return 0;
    return 1;
}

/* Does p[0..len) hold `w` (ASCII, any case)? */
static int has_word(const char *p, size_t len, const char *w)
{
    size_t n = strlen(w), i, k;
    for (i = 0; i + n <= len; i++) {
        for (k = 0; k < n && lower((unsigned char)p[i + k]) == w[k]; k++)
            ;
        if (k == n)
            return 1;
    }
    return 0;
}

/* A code fence's run at p[i] (three or more ` or ~): its length, or 0. A
 * backtick run followed by a backtick is no fence (CommonMark: it is an
 * inline code span). */
static size_t fence_at(const char *p, size_t len, size_t i, char *ch)
{
    size_t n = 0, k;

    if (i >= len || (p[i] != '`' && p[i] != '~'))
        return 0;
    while (i + n < len && p[i + n] == p[i])
        n++;
    if (n < 3)
        return 0;
    if (p[i] == '`')
        for (k = i + n; k < len; k++)
            if (p[k] == '`')
                return 0;
    *ch = p[i];
    return n;
}

int tfa_md_is_heading(const char *p, size_t len)
{
    size_t n = 0;
    while (n < len && p[n] == '#')
        n++;
    return n >= 1 && n <= 6 && (n == len || is_space(p[n]));
}

/* Past indentation, list markers and quote markers: where the line's own
 * text starts. Sets *nested for a list marker or '>', *quoted for '>'. */
static size_t strip(const char *p, size_t len, int *nested, int *quoted)
{
    size_t i = 0, j;

    for (;;) {
        while (i < len && is_space(p[i]))
            i++;
        if (i < len && p[i] == '>') {
            i++;
            *nested = *quoted = 1;
            continue;
        }
        if (i < len && (p[i] == '-' || p[i] == '*' || p[i] == '+') &&
            (i + 1 == len || is_space(p[i + 1]))) {
            i++;
            *nested = 1;
            continue;
        }
        for (j = i; j < len && j - i < 9 && p[j] >= '0' && p[j] <= '9'; j++)
            ;
        if (j > i && j < len && (p[j] == '.' || p[j] == ')') &&
            (j + 1 == len || is_space(p[j + 1]))) {
            i = j + 1;
            *nested = 1;
            continue;
        }
        return i;
    }
}

/* The raw HTML block that text at p[0..len) starts, or HTML_NONE. Any tag
 * counts, inline or not: taking too much for HTML only refuses more. */
static int html_start(const char *p, size_t len)
{
    size_t k, n;

    if (len < 2 || p[0] != '<')
        return HTML_NONE;
    if (len >= 4 && memcmp(p, "<!--", 4) == 0)
        return HTML_COMMENT;
    if (len >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
        return HTML_CDATA;
    if (p[1] == '?')
        return HTML_PI;
    if (p[1] == '!' && len > 2 && is_letter(p[2]))
        return HTML_DECL;
    if (!is_letter(p[1]) && p[1] != '/')
        return HTML_NONE;
    for (k = 0; k < TFA_ARRAY_SIZE(raw_tags); k++) {
        n = strlen(raw_tags[k]);
        if (len >= n + 1 && has_word(p + 1, n, raw_tags[k]) &&
            (len == n + 1 || p[n + 1] == '>' || is_space(p[n + 1])))
            return HTML_RAW;
    }
    return HTML_BLOCK;
}

/* Does this line end an HTML block of `kind` (blocks that end at a blank
 * line are ended by the caller)? */
static int html_ends(int kind, const char *p, size_t len)
{
    size_t k;
    switch (kind) {
    case HTML_RAW:
        for (k = 0; k < TFA_ARRAY_SIZE(raw_tags); k++) {
            char end[16];
            snprintf(end, sizeof(end), "</%s>", raw_tags[k]);
            if (has_word(p, len, end))
                return 1;
        }
        return 0;
    case HTML_COMMENT:
        return has_word(p, len, "-->");
    case HTML_PI:
        return has_word(p, len, "?>");
    case HTML_DECL:
        return memchr(p, '>', len) != NULL;
    case HTML_CDATA:
        return has_word(p, len, "]]>");
    default:
        return 0;
    }
}

/* A setext heading's underline: at most three spaces, then only '=' or
 * only '-', then spaces. Under paragraph text it makes that text a
 * heading a reader sees and a '#' reader does not. */
static int underline(const char *p, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len && i < 3 && p[i] == ' ')
        i++;
    if (i >= len || (p[i] != '=' && p[i] != '-'))
        return 0;
    while (i + n < len && p[i + n] == p[i])
        n++;
    return blank(p + i + n, len - i - n);
}

static int refuse(size_t at, size_t *col, const char **why, const char *msg)
{
    *col = at;
    *why = msg;
    return -1;
}

/* The column of a line's first non-blank byte, counting a tab to the next
 * multiple of 4 as CommonMark does; its index through *at (len: blank). */
static size_t indent_of(const char *p, size_t len, size_t *at)
{
    size_t i, col = 0;

    for (i = 0; i < len && is_space(p[i]); i++)
        col = p[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    *at = i;
    return col;
}

/*
 * The list item a line starts with its marker at p[i] (column col): the
 * column of the item's text (CommonMark 5.2: past the marker and the 1-4
 * spaces after it; one past the marker when none or more follow), or 0
 * when p[i] starts no item. *inner: a tab, another marker or a '>' follows
 * the marker, a structure this reader does not follow.
 */
static size_t item_at(const char *p, size_t len, size_t i, size_t col, int *inner)
{
    size_t j = i, k, s;
    int nested = 0, quoted = 0;

    if (j < len && (p[j] == '-' || p[j] == '*' || p[j] == '+')) {
        j++;
    } else {
        while (j < len && j - i < 9 && p[j] >= '0' && p[j] <= '9')
            j++;
        if (j == i || j == len || (p[j] != '.' && p[j] != ')'))
            return 0;
        j++;
    }
    if (j < len && !is_space(p[j]))
        return 0;
    for (k = j; k < len && p[k] == ' '; k++)
        ;
    s = k - j;
    *inner = k < len && (p[k] == '\t' || (strip(p + k, len - k, &nested, &quoted), nested));
    if (k == len || s > 4)
        s = 1;
    return col + (j - i) + s;
}

/*
 * Items a line indented to `ind` leaves open, and the item it starts. A
 * line less indented than an item's text ends it, unless it continues the
 * item's paragraph lazily (CommonMark 5.2), which a line reader cannot
 * tell: after a non-blank line that may be so, the reader is unsure until
 * a line at column 0 after a blank one, or a heading there, ends every
 * item for certain.
 */
static void track_items(tfa_md_reader *r, const char *p, size_t len, size_t at, size_t ind,
                        int may_start)
{
    int inner = 0, popped = 0;
    size_t w = may_start ? item_at(p, len, at, ind, &inner) : 0;
    char ch;
    /* what no paragraph continues into: a new item, a heading, a fence, a
     * quote, HTML */
    int block = w || tfa_md_is_heading(p + at, len - at) || fence_at(p, len, at, &ch) ||
                p[at] == '>' || html_start(p + at, len - at) != HTML_NONE;

    while (r->nitems && r->items[r->nitems - 1] > ind) {
        r->nitems--;
        popped = 1;
    }
    if (popped && !r->prev_blank && !block)
        r->unsure = 1;
    if (ind == 0 && (r->prev_blank || block))
        r->unsure = 0;
    if (!w)
        return;
    /* four spaces past its container's text: indented code, not an item */
    if (inner || r->nitems == TFA_MD_ITEMS || ind > (r->nitems ? r->items[r->nitems - 1] : 0) + 3)
        r->unsure = 1;
    else
        r->items[r->nitems++] = w;
}

/* In a fence: only its closing line matters (the fence's item's text
 * column, at most three spaces more, the opening's character at least as
 * many times, nothing else). */
static void in_fence(tfa_md_reader *r, const char *p, size_t len, size_t i, size_t ind,
                     tfa_md_line *out)
{
    size_t n = 0;

    while (ind >= r->fence_w && ind - r->fence_w <= 3 && i + n < len && p[i + n] == r->fence_ch)
        n++;
    if (n >= r->fence_len && blank(p + i + n, len - i - n)) {
        r->fence_len = 0;
        out->kind = TFA_MD_FENCE;
    } else {
        out->kind = TFA_MD_CODE;
    }
}

int tfa_md_next(tfa_md_reader *r, const char *p, size_t len, unsigned long no, tfa_md_line *out,
                size_t *col, const char **why)
{
    const char *cr = memchr(p, '\r', len);
    int nested = 0, quoted = 0, kind;
    size_t c, n, at, ind, w;
    char ch;

    memset(out, 0, sizeof(*out));
    if (cr)
        return refuse((size_t)(cr - p), col, why,
                      "a carriage return that ends no line (a Markdown renderer starts a new "
                      "line there): save the file with LF or CRLF line ends");
    ind = indent_of(p, len, &at);
    if (r->fence_len && r->fence_w && at < len && ind < r->fence_w)
        r->fence_len = 0; /* its item ends here, and the fence with it */
    if (r->fence_len) {
        in_fence(r, p, len, at, ind, out);
        r->prev_blank = at == len;
        return 0;
    }
    if (at < len)
        track_items(r, p, len, at, ind, !r->html && p[at] != '>');
    r->prev_blank = at == len;
    out->setext = r->para && underline(p, len);
    c = strip(p, len, &nested, &quoted);
    out->content = c, out->quoted = quoted;
    /* text a following underline would make a heading (over-approximated:
     * a renderer may read it as part of a list item and the line as a rule) */
    r->para = !r->fence_len && !r->html && !nested && c <= 3 && c < len && p[c] != '|' &&
              !tfa_md_is_heading(p + c, len - c) && !fence_at(p, len, c, &ch) &&
              !html_start(p + c, len - c);
    if (r->html) {
        out->kind = TFA_MD_HTML;
        if (r->html == HTML_BLOCK && blank(p, len)) {
            r->html = HTML_NONE;
            out->kind = TFA_MD_TEXT;
            return 0;
        }
        if (fence_at(p, len, c, &ch))
            return refuse(c, col, why,
                          "a code fence inside raw HTML (a comment or an HTML block above): a "
                          "renderer shows it as HTML; end the HTML before the fence");
        if (tfa_md_is_heading(p + c, len - c))
            return refuse(c, col, why,
                          "a heading inside raw HTML (a comment or an HTML block above): a "
                          "renderer shows no heading here; end the HTML before it");
        if (r->html != HTML_BLOCK && html_ends(r->html, p, len))
            r->html = HTML_NONE;
        return 0;
    }
    if ((n = fence_at(p, len, c, &ch)) != 0) {
        w = r->nitems ? r->items[r->nitems - 1] : 0;
        if (c != at || (ind && (r->unsure || ind < w || ind - w > 3)))
            return refuse(c, col, why,
                          "a code fence on a list marker's line, in a quote, indented unlike the "
                          "text of its list item, or after a line that may continue an item: "
                          "start it at column 1 or at its item's text column, after a blank "
                          "line");
        r->fence_len = n, r->fence_ch = ch, r->fence_w = w;
        out->kind = TFA_MD_FENCE;
        return 0;
    }
    if (nested && tfa_md_is_heading(p + c, len - c))
        return refuse(c, col, why,
                      "a heading in a list item or a quote starts no section; start it at "
                      "column 1");
    if ((kind = html_start(p + c, len - c)) != HTML_NONE) {
        out->kind = TFA_MD_HTML;
        if (kind == HTML_BLOCK || !html_ends(kind, p + c + 2, len - c - 2)) {
            r->html = kind;
            r->html_line = no;
        }
        return 0;
    }
    out->kind = TFA_MD_TEXT;
    return 0;
}
