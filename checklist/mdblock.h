/*
 * mdblock.h - which lines of a Markdown file (checklist, waivers, known
 * drift) a renderer shows as code, as raw HTML, or as the document's own
 * text, read line by line.
 *
 * tfaudit reads these files as a person reads them rendered: an item or a
 * waiver row the page shows must be read, and one the page shows as code
 * must not be. CommonMark nests fences and HTML blocks in list items and
 * quotes, where they end with their container; a line reader that does not
 * follow containers could take a renderer's closing fence for an opening
 * one and skip every item after it. So this reader does not guess: it
 * follows fences that start a line (column 1, closed as CommonMark closes
 * them) and refuses, at the line, what it could read unlike a renderer:
 *   - a code fence in a list item, a quote, or indented;
 *   - a code fence or a heading inside raw HTML (a comment, a <details>
 *     block...), which a renderer shows as HTML or not at all;
 *   - a heading in a list item or a quote (it starts no section here);
 *   - a carriage return that ends no line (CommonMark's old-Mac line end:
 *     a renderer starts a new line there, a line reader does not).
 * An underlined (setext) heading is flagged (`setext`), for the checklist
 * reader to refuse: it reads '#' headings only, and sections matter there.
 * Raw HTML is otherwise read as text: an item written in it is still
 * evaluated (stricter than a renderer, which hides or flattens it).
 */
#ifndef TFA_MDBLOCK_H
#define TFA_MDBLOCK_H

#include <stddef.h>

typedef enum {
    TFA_MD_TEXT,  /* the document's own text: headings, items, rows */
    TFA_MD_HTML,  /* inside raw HTML (possibly: a start is over-approximated) */
    TFA_MD_FENCE, /* a code fence's opening or closing line */
    TFA_MD_CODE   /* inside a fenced code block */
} tfa_md_kind;

typedef struct tfa_md_reader {
    size_t fence_len; /* 0: not in a fence */
    char fence_ch;
    int html;                /* 0, or the kind of HTML block we are in */
    int para;                /* the last line was paragraph text */
    unsigned long html_line; /* where it started */
} tfa_md_reader;

/* One line, as classified. */
typedef struct tfa_md_line {
    tfa_md_kind kind;
    size_t content; /* offset past indentation, list markers and '>' */
    int quoted;     /* the line is in a block quote (starts with '>') */
    int setext;     /* an underline making the text above it a heading */
} tfa_md_line;

void tfa_md_init(tfa_md_reader *r);

/*
 * Classify line `no` (bytes p[0..len), without its line end). Returns 0, or
 * -1 with *col (0-based byte) and a static *why when the line is refused
 * (see above); the caller reports it at FILE:LINE:COL.
 */
int tfa_md_next(tfa_md_reader *r, const char *p, size_t len, unsigned long no, tfa_md_line *out,
                size_t *col, const char **why);

/* Is the text at p[0..len) an ATX heading's opening (1-6 '#', then a space,
 * a tab or the end)? */
int tfa_md_is_heading(const char *p, size_t len);

#endif
