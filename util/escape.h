/*
 * escape.h - text from inputs, made safe for each output format: one
 * escaper per format, used by every writer (reports, audit reports, ledger
 * views, the commands that print directly).
 *
 * Inputs are hostile: a plan can name a resource "x\x1b]0;owned\x07", a
 * waiver owner can hold "\r\ntfaudit: GO", a known-drift reason can hold
 * "<script>" or "[x](javascript:...)". Each format has one rule:
 *
 *  text      (terminal, logs) every control character, DEL, C1 control,
 *            line or paragraph separator, bidirectional override and every
 *            byte that is not valid UTF-8 is shown as a visible escape
 *            (\n \r \t \x1b \x7f \u009b \u202e \xff); everything else,
 *            including valid UTF-8, as it is. Backslashes stay as they are:
 *            the output is for reading, not for parsing back.
 *  markdown  text escaping first, then what Markdown or HTML would read:
 *            `< > &` as entities, `\ ` * _ [ ] | # ~ !` and the '(' of "](" backslash-escaped,
 *            so input cannot open a tag, a link, emphasis, a table cell or a
 *            new line (hence no heading or list item either). Code spans get
 *            a fence longer than any backtick run inside, and are not used
 *            for text a sloppy renderer could read as HTML or a link.
 *  xml/html  text escaping first (XML 1.0 forbids most control characters
 *            even as references), then `& < > " '` as entities. Only an
 *            element body written by the tool keeps its raw line breaks.
 *  json      invalid UTF-8 bytes as U+FFFD (jansson refuses them and
 *            escapes control characters itself).
 *
 * Every function appends to `out` and returns tfa_buf_status(out): 0, or
 * the buffer's sticky failure (TFA_ENOMEM / TFA_ELIMIT). A NULL string
 * appends nothing.
 */
#ifndef TFA_ESCAPE_H
#define TFA_ESCAPE_H

#include <stddef.h>

#include "util/buf.h"

/* Length of the valid UTF-8 sequence at `s` (1-4), 0 if there is none (RFC
 * 3629: no overlongs, no surrogates, nothing above U+10FFFF). `s` must be
 * NUL-terminated (a NUL ends any sequence early). */
size_t tfa_utf8_len(const unsigned char *s);

/* Text: control characters and invalid UTF-8 as visible escapes. */
int tfa_esc_text(tfa_buf *out, const char *s);
/* The same for `len` bytes (NULs included, shown as \x00). */
int tfa_esc_text_n(tfa_buf *out, const char *s, size_t len);
/* printf, then tfa_esc_text over the whole result: for a line whose
 * arguments come from inputs. `fmt` holds no line break of its own. */
int tfa_esc_textf(tfa_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Markdown inline text (table cells, list items, paragraphs). */
int tfa_esc_md_text(tfa_buf *out, const char *s);
/* A Markdown code span; `|` escaped so it can sit in a table cell. Text
 * holding `<`, `>`, `&` or `](` is written as tfa_esc_md_text instead. */
int tfa_esc_md_code(tfa_buf *out, const char *s);

/* XML or HTML text or attribute value: quotes escaped, line breaks and
 * tabs visible (\n \t) like every other control character. */
int tfa_esc_xml(tfa_buf *out, const char *s);
/* XML or HTML element text that keeps its line breaks and tabs (JUnit
 * failure bodies, <pre>); quotes stay as they are (not in an attribute). */
int tfa_esc_xml_body(tfa_buf *out, const char *s);

/* Valid UTF-8 for a JSON string: invalid bytes become U+FFFD. */
int tfa_esc_utf8(tfa_buf *out, const char *s);

#endif
