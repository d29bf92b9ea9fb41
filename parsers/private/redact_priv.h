/*
 * redact_priv.h - state shared by plan_redact.c (the document's grammar)
 * and redact_site.c (marks, values, replaced spans). Internal to parsers/.
 */
#ifndef TFA_REDACT_PRIV_H
#define TFA_REDACT_PRIV_H

#include <stdint.h>

#include "plan_redact.h"
#include "scan.h"

/* A byte range of the document to be written as `rep` instead. */
typedef struct rd_span {
    uint64_t start, end;
    const char *rep; /* JSON text */
} rd_span;

/* A value of a site: where it is in the document. */
typedef struct rd_value {
    int seen, null;
    uint64_t start, end;
} rd_value;

/*
 * A site: an object whose values are redacted by marks found in the same
 * object (a change: before/after with before_/after_sensitive; a resource:
 * values with sensitive_values). Marks become root paths ("" = the whole
 * value), in the plan reader's path syntax, NUL-separated in `roots`.
 */
typedef struct rd_site {
    rd_value side[2];  /* before (or values), after */
    int marks_seen[2]; /* before_sensitive / after_sensitive (or sensitive_values) */
    int two_sided;     /* a change; else a resource's values */
    rd_value replace;  /* replace_paths, redacted where they enter a sensitive value */
    tfa_buf roots;     /* NUL-separated */
    size_t n_roots;
} rd_site;

typedef struct rd_var {
    size_t name_off, name_len; /* in rd->names */
    rd_value value;
} rd_var;

typedef struct redactor {
    tfa_scan *scan;
    tfa_error *err;
    const char *name;
    const char *text; /* the decoded document */
    size_t len;
    rd_span *spans;
    size_t n_spans, cap_spans;
    tfa_buf path, scratch;
    rd_site site;
    /* per document: top-level variables and what configuration declares */
    rd_var *vars;
    size_t n_vars, cap_vars;
    tfa_buf names;     /* variable names (top-level), by offset */
    tfa_buf declared;  /* root variables declared: NUL-free length-prefixed entries */
    tfa_buf sensitive; /* root variables declared sensitive: same form */
    size_t values;     /* values replaced */
} redactor;

int tfa_rd__fail(redactor *r, const tfa_pos *pos, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Replace [start, end) with `rep`. */
int tfa_rd__span(redactor *r, uint64_t start, uint64_t end, const char *rep);
/* Consume the value starting with `t`; its extent into *v. */
int tfa_rd__value(redactor *r, const tfa_token *t, rd_value *v);
/* Consume the value starting with `t` and replace it unless it is a
 * number, boolean or null (fail closed for keys nobody knows). */
int tfa_rd__unknown(redactor *r, const tfa_token *t);
/* Consume the value and replace it when it holds anything (not null, not
 * an empty container). */
int tfa_rd__whole(redactor *r, const tfa_token *t);

void tfa_rd__site_reset(rd_site *st, int two_sided);
/* Read a mark value (the token `t` starts it) into the site's roots. */
int tfa_rd__marks(redactor *r, rd_site *st, const tfa_token *t);
/* The site's object ended: decide and record its spans. */
int tfa_rd__site_finish(redactor *r, rd_site *st);

/* Length-prefixed name sets (declared / sensitive variables). */
int tfa_rd__set_add(tfa_buf *set, const char *s, size_t len);
int tfa_rd__set_has(const tfa_buf *set, const char *s, size_t len);

#endif
