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

/* Whether the line could be a progress or refresh line: both need the
 * address (up to the first blank or colon outside quotes and brackets, as
 * tfa_text_address_len reads it) to be followed by ": " or " (deposed
 * object". Exactly their precondition, checked without parsing an address:
 * most lines of CI noise fail it at their first word. */
static int may_be_progress(const char *s, size_t len)
{
    int open;
    size_t i = tfa_text_address_end(s, len, 1, &open);

    (void)open; /* an unclosed quote or bracket runs to the end: too short below */
    if (i == 0 || i + 1 >= len)
        return 0;
    return (s[i] == ':' && s[i + 1] == ' ') || (s[i] == ' ' && s[i + 1] == '(');
}

static int is_marker(const tfa_line *l)
{
    tfa_text_summary sum;
    tfa_text_header h;
    tfa_text_progress p;
    tfa_text_trace tr;
    tfa_text_span v;
    const char *tool;
    size_t i, n;

    if (l->len == 0)
        return 0;
    /* the first byte rules out most prefixes before any comparison: a CI log
     * of a gigabyte is millions of lines to test */
    for (i = 0; i < TFA_ARRAY_SIZE(prefixes); i++) {
        if (prefixes[i][0] != l->text[0])
            continue;
        n = strlen(prefixes[i]);
        if (l->len >= n && memcmp(l->text, prefixes[i], n) == 0)
            return 1;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(lines); i++)
        if (lines[i][0] == l->text[0] && l->len == strlen(lines[i]) &&
            memcmp(l->text, lines[i], l->len) == 0)
            return 1;
    /* a diagnostic inside Terraform's box */
    if ((l->flags & TFA_LINE_MARGIN) && ((l->len > 7 && memcmp(l->text, "Error: ", 7) == 0) ||
                                         (l->len > 9 && memcmp(l->text, "Warning: ", 9) == 0)))
        return 1;
    if (tfa_text_trace_parse(l->text, l->len, &tr))
        return tr.kind == TFA_TRACE_VERSION || tr.kind == TFA_TRACE_ARGS;
    if (tfa_text_header_parse(l->text, l->len, &h))
        return plausible_address(h.addr.ptr, h.addr.len);
    if (may_be_progress(l->text, l->len)) {
        if (tfa_text_progress_parse(l->text, l->len, &p))
            return plausible_address(p.addr.ptr, p.addr.len);
        if (tfa_text_refresh_parse(l->text, l->len))
            return plausible_address(l->text, tfa_text_address_len(l->text, l->len, 1));
    }
    return tfa_text_summary_parse(l->text, l->len, &sum) ||
           tfa_text_version_parse(l->text, l->len, &tool, &v) ||
           tfa_text_cost_table_header(l->text, l->len);
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

int tfa_text_line_is_marker(const char *s, size_t n)
{
    char copy[TFA_LIMIT_MARKER_LINE_BYTES];
    tfa_line l;

    n = n < sizeof(copy) ? n : sizeof(copy);
    copy_line(copy, s, n);
    l.flags = 0;
    l.text = copy;
    l.len = tfa_line_normalize(copy, n, &l.flags);
    return is_marker(&l);
}

int tfa_text_has_marker(const char *text, size_t len)
{
    const char *s;
    size_t pos = 0, n;

    while (tfa_lines_split(text, len, &pos, &s, &n))
        if (tfa_text_line_is_marker(s, n))
            return 1;
    return 0;
}
