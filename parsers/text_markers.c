/*
 * text_markers.c - text log recognition (see text_markers.h).
 *
 * Each line of the head goes through the shared normalizer (lines.h), so a
 * log with colour codes, diagnostic boxes, CRLF line ends or CI timestamps
 * is recognized like its plain form. Detection allocates nothing: it could
 * not report running out of memory, only misjudge the input; lines are
 * normalized in a stack copy of their first TFA_LIMIT_MARKER_LINE_BYTES. A marker must be a whole
 * line of a shape only these tools print, anchored at its start: a word like "Error: " in the
 * middle of a line ("ValueError: ...") or an unboxed "Error: " line, which any program may print,
 * is not enough.
 */
#include "util/compat.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "address.h"
#include "lines.h"
#include "text_grammar.h"
#include "text_markers.h"
#include "text_trace.h"
#include "util/limits.h"

/* Lines that start with one of these are Terraform's, OpenTofu's or HCP's.
 * Stored inline (not as pointers) so the first-byte pass over them, made
 * for every line of a CI log, reads one table instead of chasing pointers. */
static const char prefixes[][80] = {
    "Terraform will perform the following actions:",
    "OpenTofu will perform the following actions:",
    "Terraform will invoke the following action(s):",
    "OpenTofu will invoke the following action(s):",
    "Terraform used the selected providers to generate the following execution",
    "OpenTofu used the selected providers to generate the following execution",
    "Terraform planned the following actions, but then encountered a problem:",
    "An execution plan has been generated and is shown below.",
    "Resource actions are indicated with the following symbols:",
    "No changes. Infrastructure is up-to-date.",
    "No changes. Your infrastructure matches the configuration.",
    "No changes. Your infrastructure still matches the configuration.",
    "No changes. No objects need to be destroyed.",
    "Note: Objects have changed outside of Terraform",
    "Note: Objects have changed outside of OpenTofu",
    "Acquiring state lock. This may take a few moments...",
    "Releasing state lock. This may take a few moments...",
    "Terraform has been successfully initialized!",
    "OpenTofu has been successfully initialized!",
    "Initializing the backend...",
    "Initializing provider plugins...",
    "Initializing plugins and modules...",
    "Refreshing Terraform state in-memory prior to plan...",
    "Sentinel Result: true",
    "Sentinel Result: false",
    "Organization Policy Check:",
    "Workspace Policy Check:",
    "Sentinel Policy Evaluation",
    "OPA Policy Evaluation",
    "Terraform policy Evaluations",
    /* Atlantis pull request comments */
    "Ran Plan for ",
    "Ran Apply for ",
    "Ran Policy Check for ",
};

/* one bit per prefix in tfa_text_markers.prefixes */
_Static_assert(TFA_ARRAY_SIZE(prefixes) <= 64, "more marker prefixes than bits");

/* Whole lines. */
static const char *const lines[] = {"Cost estimation:", "Cost Estimation:"};

/* Whether an address looks like Terraform's rather than "config.yaml": a
 * resource type is named PROVIDER_TYPE; the few without an underscore are
 * data sources ("data.http.x", "data.external.x"). Detection only: the
 * reader takes any address. */
static int plausible_address(const char *s, size_t len)
{
    tfa_address a;
    if (tfa_address_parse(s, len, &a) != 0)
        return 0;
    return a.mode.len || a.module.len || memchr(s + a.type.off, '_', a.type.len) != NULL;
}

static void add_first(tfa_text_markers *m, unsigned char c)
{
    m->first[c >> 6] |= (uint64_t)1 << (c & 63);
}

void tfa_text_markers_init(tfa_text_markers *m)
{
    const char *g;
    size_t i;

    memset(m, 0, sizeof(*m));
    for (i = 0; i < TFA_ARRAY_SIZE(prefixes); i++) {
        add_first(m, (unsigned char)prefixes[i][0]);
        m->prefixes[(unsigned char)prefixes[i][0]] |= (uint64_t)1 << i;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(lines); i++)
        add_first(m, (unsigned char)lines[i][0]);
    /* the first bytes the grammars in is_marker accept, progress lines
     * aside: a trace line's "[", a change header's indent or "#", the
     * summaries' "No changes.", "Plan: ", "Apply complete!", "Destroy
     * complete!", the versions' "Terraform"/"OpenTofu", the cost table's
     * blanks or "|" (text_grammar.c, text_trace.c) */
    for (g = "[ #NPADTO|"; *g; g++)
        add_first(m, (unsigned char)*g);
}

/* Whether the line's first word is no address: the first byte that can
 * end or shape an address (tfa_text_address_end: a blank, a colon, a quote,
 * a bracket, a backslash) or a '.' is a blank or a colon. The address would
 * then end there without the '.' every TYPE.NAME holds, so
 * tfa_address_parse refuses it, or it is empty: neither grammar of
 * progress_marker reads the line. One compare of 16 bytes rules out most
 * lines of a CI log ("npm WARN ...", "Get:12 ...", indented lines). */
static int plain_first_word(const char *t, size_t len)
{
    size_t i = 0;
#if defined(__SSE2__)
    if (len >= 16) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)t);
        unsigned ends = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
        unsigned other = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('[')),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8(']'))),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
        unsigned any = ends | other;
        if (any)
            return (ends & any & (0u - any)) != 0; /* the lowest one ends the word */
        i = 16;
    }
#endif
    for (; i < len; i++) {
        char c = t[i];
        if (c == ' ' || c == '\t' || c == ':')
            return 1;
        if (c == '.' || c == '"' || c == '[' || c == ']' || c == '\\')
            return 0;
    }
    return 0;
}

/* A progress or refresh line ("ADDR: Creating...", "ADDR: Refreshing
 * state..."): 1 or 0 when it is one of those shapes, -1 when neither. Both
 * grammars start with the address (up to the first blank or colon outside
 * quotes and brackets, as tfa_text_address_len reads it) followed by ": " or
 * " (deposed object": that precondition is checked first, on one scan, and
 * most lines of CI noise fail it at their first word. */
static int progress_marker(const char *t, size_t len)
{
    tfa_text_progress p;
    tfa_address a;
    int open;
    size_t i;

    if (plain_first_word(t, len))
        return -1;
    i = tfa_text_address_end(t, len, 1, &open);

    /* an unclosed quote or bracket runs to the end: too short here */
    if (i == 0 || i + 1 >= len ||
        !((t[i] == ':' && t[i + 1] == ' ') || (t[i] == ' ' && t[i + 1] == '(')))
        return -1;
    if (open || tfa_address_parse(t, i, &a) != 0)
        return -1; /* tfa_text_address_len is 0: neither grammar reads the line */
    if (tfa_text_progress_parse(t, len, &p))
        return plausible_address(p.addr.ptr, p.addr.len);
    if (tfa_text_refresh_parse(t, len))
        return plausible_address(t, tfa_text_address_len(t, len, 1));
    return -1;
}

/* Whether the normalized line t[0..len) (flags from the normalizer) is a marker. */
static int is_marker(const tfa_text_markers *m, const char *t, size_t len, unsigned flags)
{
    tfa_text_summary sum;
    tfa_text_header h;
    tfa_text_trace tr;
    tfa_text_span v;
    const char *tool;
    unsigned char c0;
    uint64_t cand;
    size_t i, n;
    int k;

    if (len == 0)
        return 0;
    /* A line whose first byte no table and no grammar below starts with can
     * only be a progress line (and most lines of a CI log of a gigabyte are
     * ruled out of everything else at once); else the first byte rules out
     * most prefixes before any comparison. */
    c0 = (unsigned char)t[0];
    if (((m->first[c0 >> 6] >> (c0 & 63)) & 1) == 0 && !(flags & TFA_LINE_MARGIN))
        return progress_marker(t, len) == 1;
    for (cand = m->prefixes[c0]; cand; cand &= cand - 1) {
        i = (size_t)__builtin_ctzll(cand);
        n = strlen(prefixes[i]);
        if (len >= n && memcmp(t, prefixes[i], n) == 0)
            return 1;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(lines); i++)
        if (lines[i][0] == t[0] && len == strlen(lines[i]) && memcmp(t, lines[i], len) == 0)
            return 1;
    /* a diagnostic inside Terraform's box */
    if ((flags & TFA_LINE_MARGIN) &&
        ((len > 7 && memcmp(t, "Error: ", 7) == 0) || (len > 9 && memcmp(t, "Warning: ", 9) == 0)))
        return 1;
    /* Each grammar below is asked only for lines whose first byte it can
     * start with (the literal each one opens with, text_grammar.c and
     * text_trace.c): a CI log's "##[group]", "[command]" or indented lines
     * pass the first-byte test above and used to go through every one. */
    if (c0 == '[' && tfa_text_trace_parse(t, len, &tr))
        return tr.kind == TFA_TRACE_VERSION || tr.kind == TFA_TRACE_ARGS;
    if ((c0 == ' ' || c0 == '#') && tfa_text_header_parse(t, len, &h))
        return plausible_address(h.addr.ptr, h.addr.len);
    if ((k = progress_marker(t, len)) >= 0)
        return k;
    switch (c0) {
    case 'N': /* "No changes." */
    case 'P': /* "Plan: " */
    case 'A': /* "Apply complete! " */
    case 'D': /* "Destroy complete! " */
        return tfa_text_summary_parse(t, len, &sum);
    case 'T': /* "Terraform v" */
    case 'O': /* "OpenTofu v" */
        return tfa_text_version_parse(t, len, &tool, &v);
    case ' ': /* "| PRODUCT | NAME ...", blanks ignored */
    case '|':
        return tfa_text_cost_table_header(t, len);
    default:
        return 0;
    }
}

/* memcpy of a line-sized, run-time length: 16-byte moves with an
 * overlapping last one, which beat the string instructions a compiler picks
 * for a copy into a bounded stack array (millions of lines per gigabyte). */
static void copy_line(char *dst, const char *src, size_t n)
{
#if defined(__SSE2__)
    size_t i;
    if (n >= 16) {
        for (i = 0; i + 16 <= n; i += 16)
            _mm_storeu_si128((__m128i *)(void *)(dst + i),
                             _mm_loadu_si128((const __m128i *)(const void *)(src + i)));
        if (i < n)
            _mm_storeu_si128((__m128i *)(void *)(dst + n - 16),
                             _mm_loadu_si128((const __m128i *)(const void *)(src + n - 16)));
        return;
    }
#endif
    memcpy(dst, src, n);
}

int tfa_text_markers_line_plain(const tfa_text_markers *m, const char *s, size_t n)
{
    const char *t;
    size_t len;
    unsigned flags = 0;

    n = n < TFA_LIMIT_MARKER_LINE_BYTES ? n : TFA_LIMIT_MARKER_LINE_BYTES;
    tfa_line_view_plain(s, n, &t, &len, &flags);
    return is_marker(m, t, len, flags);
}

int tfa_text_markers_line(const tfa_text_markers *m, const char *s, size_t n)
{
    char copy[TFA_LIMIT_MARKER_LINE_BYTES];
    const char *t;
    size_t len;
    unsigned flags = 0;

    /* the CR of a CRLF line end: the normalizer would remove it (and only
     * sets TFA_LINE_CR, which is_marker does not look at), so without it
     * the line is looked at where it is */
    if (n && s[n - 1] == '\r')
        n--;
    n = n < sizeof(copy) ? n : sizeof(copy);
    /* most lines need no rewriting: look at them where they are */
    if (tfa_line_view(s, n, &t, &len, &flags))
        return is_marker(m, t, len, flags);
    copy_line(copy, s, n);
    len = tfa_line_normalize(copy, n, &flags);
    return is_marker(m, copy, len, flags);
}

int tfa_text_line_is_marker(const char *s, size_t n)
{
    tfa_text_markers m;
    tfa_text_markers_init(&m);
    return tfa_text_markers_line(&m, s, n);
}

int tfa_text_has_marker(const char *text, size_t len)
{
    tfa_text_markers m;
    const char *s;
    size_t pos = 0, n;

    tfa_text_markers_init(&m);
    while (tfa_lines_split(text, len, &pos, &s, &n))
        if (tfa_text_markers_line(&m, s, n))
            return 1;
    return 0;
}
