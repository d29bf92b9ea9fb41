/*
 * lines.h - the one line reader of the text readers, its normalizer, and the
 * cursor the text grammars are parsed with (STYLE.md rule 5: curl's
 * lib/curl_get_line.c, libgit2's src/libgit2/parse.h).
 *
 * tfa_lines hands out the lines of a tfa_stream (decoded UTF-8) one at a
 * time, with their line number and byte offset. A line ends at "\n"; a "\r"
 * before it (CRLF) is dropped; a last line without a newline is still a line
 * (flagged TFA_LINE_NO_EOL). Lines longer than the limit are an error, never
 * silently cut, so a reader cannot miss a summary line hidden past the cut.
 *
 * The normalizer turns a line of terminal output as CI systems store it back
 * into what Terraform meant to print (corpus README, text-log rules):
 *   2022-09-02T04:32:40.5102493Z \e[31m│\e[0m \e[1m\e[31mError: \e[0mBad
 * becomes "Error: Bad". It removes, in this order: every carriage return; one
 * leading RFC 3339 timestamp and the blank after it (and the "00O " / "01E+"
 * stream marker GitLab runners put after theirs); ANSI escape sequences
 * (CSI such as SGR colours, OSC, and two-byte ESC sequences); one leading
 * diagnostic box margin "│" and the space after it (a line that is only "╷"
 * or "╵", the box's top or bottom, becomes empty); trailing blanks. Bare
 * "[0m" left where a copy dropped the ESC byte are kept: "[10m0s elapsed]"
 * is real text of that shape.
 *
 * Line text points into the reader's window and stays valid until the next
 * call; it is writable, so a reader may parse it in place.
 */
#ifndef TFA_LINES_H
#define TFA_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stream.h"
#include "util/error.h"

/* What a line had before normalization (tfa_line.flags). */
enum {
    TFA_LINE_NO_EOL = 1u << 0,    /* the last line, without a newline */
    TFA_LINE_CR = 1u << 1,        /* carriage returns were removed */
    TFA_LINE_TIMESTAMP = 1u << 2, /* a leading RFC 3339 timestamp was removed */
    TFA_LINE_ANSI = 1u << 3,      /* escape sequences (colour) were removed */
    TFA_LINE_MARGIN = 1u << 4,    /* a "│" box margin was removed: inside a diagnostic */
    TFA_LINE_BOX_OPEN = 1u << 5,  /* the line was "╷": a diagnostic box starts */
    TFA_LINE_BOX_CLOSE = 1u << 6  /* the line was "╵": a diagnostic box ends */
};

typedef struct tfa_line {
    char *text; /* NUL-terminated, without its line end; writable */
    size_t len;
    tfa_pos pos; /* line number, column 1, offset of the line start */
    unsigned flags;
} tfa_line;

typedef struct tfa_lines_options {
    size_t max_bytes; /* longest line accepted; 0 = TFA_LIMIT_LINE_BYTES */
    int normalize;    /* run tfa_line_normalize on every line */
} tfa_lines_options;

#define TFA_LINES_OPTIONS_INIT                                                                     \
    {                                                                                              \
        0, 1                                                                                       \
    }

typedef struct tfa_lines tfa_lines;

/* A reader over `in`, which it borrows (the stream must outlive it). `opts`
 * may be NULL for the defaults. TFA_ENOMEM. */
int tfa_lines_new(tfa_lines **out, tfa_stream *in, const tfa_lines_options *opts, tfa_error *err);
void tfa_lines_free(tfa_lines *r);

/*
 * The next line into `line`. Returns 1 when a line was read, 0 at the end of
 * the input, or a negative status with `err` set: TFA_ELIMIT for a line
 * longer than max_bytes (at that line), TFA_EIO / TFA_EINPUT from the
 * stream (a read error, broken UTF-16), TFA_ENOMEM.
 */
int tfa_lines_next(tfa_lines *r, tfa_line *line, tfa_error *err);

/* Lines handed out so far. */
unsigned long tfa_lines_count(const tfa_lines *r);

/* Lines of text already in memory, for callers that must not allocate
 * (detection): the next line of s[*pos..len), without its line end or a CR
 * before it, and *pos advanced past it. Returns 1 for a line, 0 at the end.
 * The text is not normalized (it is not writable). */
int tfa_lines_split(const char *s, size_t len, size_t *pos, const char **line, size_t *line_len);

/* Normalize `s` (len bytes, no line end) in place as described above; adds
 * TFA_LINE_* flags to *flags and returns the new length. s[result] is set
 * to NUL when the text shrank. */
size_t tfa_line_normalize(char *s, size_t len, unsigned *flags);

/* The normalized form of `s` (len bytes, no line end) without writing it,
 * for callers that only look at lines (detection): when the line holds no
 * carriage return and no ESC, normalizing it only drops a prefix and
 * trailing blanks, so *text / *text_len are that part of `s` (not
 * NUL-terminated), TFA_LINE_* flags are added to *flags as
 * tfa_line_normalize would, and 1 is returned. Else 0 (nothing set): copy
 * the line and call tfa_line_normalize. */
int tfa_line_view(const char *s, size_t len, const char **text, size_t *text_len, unsigned *flags);
/* tfa_line_view of a line the caller knows holds no carriage return and no
 * ESC (it looked for them over many lines at once): always a view. */
void tfa_line_view_plain(const char *s, size_t len, const char **text, size_t *text_len,
                         unsigned *flags);

/* Where the next `byte` of a buffer of lines is, looked for a few kilobytes
 * at a time: a CI log holds a CR, an ESC or a '{' on few of its lines, and
 * one memchr over a few kilobytes (still in the cache when its lines are
 * looked at) costs less than a look at every line. Positions are offsets
 * into the caller's buffer: reset when its bytes move. */
typedef struct tfa_byte_finder {
    size_t at;  /* the first `byte` at or after where it was looked for, or `end` */
    size_t end; /* nothing was looked at past this */
} tfa_byte_finder;

static inline void tfa_byte_finder_reset(tfa_byte_finder *f)
{
    f->at = f->end = 0;
}

/* The offset of the first `byte` at or after `from` in buf[0..have), or an
 * offset >= `upto` when there is none before `upto` (<= have). Calls must
 * not go back: `from` never less than at the call before (since a reset). */
size_t tfa_byte_finder_next(tfa_byte_finder *f, const char *buf, size_t from, size_t upto,
                            size_t have, char byte);

/* Whether s starts with an RFC 3339 date-time ("2022-09-02T04:32:40Z",
 * fraction and numeric offset allowed); returns its length, or 0. */
size_t tfa_rfc3339_prefix(const char *s, size_t len);

/* ---- cursor --------------------------------------------------------------
 * A bounded cursor over one line (curl's strparse). Every function either
 * consumes what it matched and returns 1, or leaves the cursor untouched and
 * returns 0, so a grammar reads as one chain:
 *   tfa_cur_lit(&c, "Plan: ") && tfa_cur_long(&c, &add) && tfa_cur_lit(&c, " to add, ")
 */
typedef struct tfa_cur {
    const char *p, *end;
} tfa_cur;

static inline tfa_cur tfa_cur_of(const char *s, size_t len)
{
    tfa_cur c;
    c.p = s;
    c.end = s + len;
    return c;
}

static inline size_t tfa_cur_left(const tfa_cur *c)
{
    return (size_t)(c->end - c->p);
}

/* Whether the rest starts with `lit` (nothing consumed). Inline, first byte
 * before any call: detection tries a dozen literals on every line of a
 * gigabyte log, and nearly all differ at their first byte. */
static inline int tfa_cur_peek(const tfa_cur *c, const char *lit)
{
    size_t n;
    if (lit[0] == '\0')
        return 1;
    if (c->p >= c->end || *c->p != lit[0])
        return 0;
    n = strlen(lit);
    return tfa_cur_left(c) >= n && memcmp(c->p, lit, n) == 0;
}

/* The literal `lit`. */
static inline int tfa_cur_lit(tfa_cur *c, const char *lit)
{
    if (!tfa_cur_peek(c, lit))
        return 0;
    c->p += strlen(lit);
    return 1;
}
/* A decimal number of at most 18 digits (no sign) into *out. */
int tfa_cur_long(tfa_cur *c, long *out);
/* One or more spaces or tabs. */
int tfa_cur_blanks(tfa_cur *c);
/* Everything up to the first `lit` (which is consumed too); the text before
 * it goes to *s / *n. */
int tfa_cur_until(tfa_cur *c, const char *lit, const char **s, size_t *n);
/* Whether the cursor is at the end. */
int tfa_cur_eol(const tfa_cur *c);

#endif
