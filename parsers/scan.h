/*
 * scan.h - the streaming JSON tokenizer every JSON reader drives.
 *
 * A pull scanner over a tfa_stream (RFC 8259). It reads bounded windows
 * (TFA_LIMIT_SCAN_WINDOW), never builds values, and checks everything a
 * strict parser would: grammar, UTF-8 in strings, control and NUL bytes,
 * escapes (including surrogate pairs), numbers that overflow a double, and
 * nesting depth. Every error carries the stream's name, line and column.
 *
 * Several top-level values may follow each other (`terragrunt run-all show
 * -json`, UI logs with one message per line); TFA_TOK_EOF comes after the
 * last. With `ci_noise` set, wrapper noise between top-level values is
 * skipped: lines starting "[command]", "::" or "##[" (GitHub Actions
 * workflow commands) and literal "%0A"/"%0D" escapes. With `lines` set, the
 * input is JSON Lines (UI logs): each top-level value must start on a line
 * of its own.
 *
 * Token text stays valid until the next call, except a KEY's text, which
 * stays valid until the next KEY token: readers may read a key's value first
 * and then decide what the key was. Strings longer than the window are
 * validated but not kept: the token says `truncated` and carries a digest of
 * the raw text instead.
 */
#ifndef TFA_SCAN_H
#define TFA_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stream.h"
#include "util/buf.h"
#include "util/error.h"

typedef enum tfa_tok {
    TFA_TOK_EOF = 0,
    TFA_TOK_OBJ,     /* { */
    TFA_TOK_OBJ_END, /* } */
    TFA_TOK_ARR,     /* [ */
    TFA_TOK_ARR_END, /* ] */
    TFA_TOK_KEY,     /* an object key; the ':' is consumed */
    TFA_TOK_STR,
    TFA_TOK_NUM,
    TFA_TOK_TRUE,
    TFA_TOK_FALSE,
    TFA_TOK_NULL
} tfa_tok;

typedef struct tfa_token {
    tfa_tok type;
    const char *ptr; /* KEY/STR: raw text between the quotes; NUM: the number */
    size_t len;
    unsigned escaped : 1;   /* KEY/STR has backslash escapes (see tfa_scan_decode) */
    unsigned truncated : 1; /* STR longer than the window: ptr is NULL, use digest */
    uint64_t digest;        /* STR when truncated: digest of the raw text (SHA-256 based) */
    tfa_pos pos;            /* where the token starts */
} tfa_token;

typedef struct tfa_scan_options {
    unsigned max_depth; /* 0 = TFA_LIMIT_JSON_DEPTH */
    int ci_noise;       /* skip CI wrapper noise between top-level values */
    int lines;          /* JSON Lines: one top-level value per line */
    /* 0 = TFA_LIMIT_SCAN_WINDOW. Tests use windows of a few bytes so that
     * every token of a small document lies across a refill somewhere (keys,
     * numbers and kept strings are limited to the window). */
    size_t window;
} tfa_scan_options;

#define TFA_SCAN_OPTIONS_INIT                                                                      \
    {                                                                                              \
        0, 0, 0, 0                                                                                 \
    }

typedef struct tfa_scan tfa_scan;

/* The scanner borrows `in`, which must outlive it. */
int tfa_scan_new(tfa_scan **out, tfa_stream *in, const tfa_scan_options *opts, tfa_error *err);
void tfa_scan_free(tfa_scan *s);

/* Next token; 0 or a negative tfa_status with `err` set (TFA_EINPUT for bad
 * JSON, TFA_ELIMIT for a limit, TFA_EIO for read errors). */
int tfa_scan_next(tfa_scan *s, tfa_token *tok, tfa_error *err);
/* After an OBJ or ARR token: consume the rest of that value, validating it.
 * After any other token: nothing to do. */
int tfa_scan_skip(tfa_scan *s, const tfa_token *tok, tfa_error *err);

/*
 * Skimming one line's object (JSON Lines readers, after the OBJ token of a
 * top-level value): when the whole object lies on its line in the window and
 * holds only what the skip path takes (plain numbers, literals, strings with
 * valid escapes and UTF-8; no line break, nothing beyond max_depth), it is
 * validated and consumed in one pass, as tfa_scan_skip would, and its
 * top-level members are handed out: each key, and each value as
 * tfa_scan_next would give it (an object or array value only as its opening
 * token, its contents validated and skipped). Anything else, including every
 * error, is left to the token-by-token path: tfa_scan_skim then consumes
 * nothing and returns 0. It never reads input, so it cannot fail.
 *
 * A reader that finds it needs more than the members (a message kind whose
 * payload it reads token by token) calls tfa_scan_skim_undo before any other
 * scanner call: the scanner is back just after the object's '{'.
 */
typedef struct tfa_scan_member {
    tfa_token key, value;
} tfa_scan_member;

typedef struct tfa_scan_skim_state {
    size_t n;       /* members in the caller's array */
    size_t longest; /* longest string (raw bytes) or number anywhere in the object */
    /* where tfa_scan_skim_undo goes back to */
    size_t pos;
    unsigned long line, value_end_line, documents;
    uint64_t line_start;
    int state;
} tfa_scan_skim_state;

/* Skim the object just opened into m[0..cap); 1 if consumed (k->n members),
 * 0 if not (more than cap members, or anything listed above). Token text
 * stays valid until the next scanner call. */
int tfa_scan_skim(tfa_scan *s, tfa_scan_member *m, size_t cap, tfa_scan_skim_state *k);
void tfa_scan_skim_undo(tfa_scan *s, const tfa_scan_skim_state *k);

/* After tfa_scan_next failed: whether it failed because the input ended
 * inside a value (a truncated document or a cut-off last log line), as
 * opposed to bad JSON. Readers of logs keep what came before such a tail. */
int tfa_scan_truncated(const tfa_scan *s);

/* Containers open right now (0 between top-level values). */
unsigned tfa_scan_depth(const tfa_scan *s);
/* Where the scanner is (the next unread byte). */
tfa_pos tfa_scan_pos(const tfa_scan *s);
const char *tfa_scan_name(const tfa_scan *s);

/* Record an error at `pos` (or the current position when NULL), naming the
 * scanner's input; returns `status`. For readers' semantic errors. */
int tfa_scan_fail(const tfa_scan *s, tfa_error *err, const tfa_pos *pos, int status,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Append the decoded text of a KEY/STR token (escapes resolved) to `out`. */
int tfa_scan_decode(const tfa_token *tok, tfa_buf *out);
/* Compare a KEY/STR token with a plain ASCII literal (no escapes in `lit`),
 * by decoded text: "\u0061ctions" is "actions" (scan_key.c). Inline so the
 * literal's length folds to a constant: readers compare every key of a
 * plan against a few names. */
int tfa_token_is_escaped(const tfa_token *tok, const char *lit);
static inline int tfa_token_is(const tfa_token *tok, const char *lit)
{
    size_t n = strlen(lit);
    if (tok->truncated)
        return 0;
    if (tok->escaped)
        return tfa_token_is_escaped(tok, lit);
    return tok->len == n && memcmp(tok->ptr, lit, n) == 0;
}

/* Length of the valid UTF-8 sequence (RFC 3629) at p, n bytes available: 0
 * if invalid, -1 if more bytes are needed to tell. The scanner's own check,
 * for other code that must keep text valid UTF-8 (archive member names). */
int tfa_utf8_seq(const unsigned char *p, size_t n);

#endif
