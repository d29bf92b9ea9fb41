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
 * follows fences that start a line, at the top level (indented at most
 * three spaces) or in a list item (at the item's text column, plus at most
 * three spaces), and closes them as CommonMark does: at a closing fence,
 * and for an item's fence also at the first line indented less than the
 * item's text (the item ends there, and its fence with it). It refuses, at
 * the line, what it could read unlike a renderer:
 *   - a code fence on a list marker's line, in a quote, indented otherwise,
 *     or after a line that may have continued an item lazily (CommonMark
 *     5.2: the item stays open, and this reader cannot tell);
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

/* List items nested deeper than this leave the reader unsure (above). */
#define TFA_MD_ITEMS 8

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
    /* list items: the text column of each open one, outermost first */
    size_t items[TFA_MD_ITEMS];
    size_t nitems;
    int unsure;     /* items may be open that `items` does not hold */
    int prev_blank; /* the last line was blank */
    size_t fence_w; /* the fence's item's text column; 0 at the top level */
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
