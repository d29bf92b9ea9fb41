/*
 * recfile.h - the small record files people keep beside a checklist: a
 * Markdown table, or JSON, of records with a few string fields (waivers,
 * known drift). One reader for both, so every such file has the same rules:
 *
 *   | item  | owner | expires    | reason |      {"waivers": [{"item": "scope", ...}]}
 *   |-------|-------|------------|--------|      [{"item": "scope", ...}]
 *   | scope | alice | 2025-07-01 | moved  |
 *
 * Markdown: the first table whose header names every required field (by
 * name or alias, case-insensitive) is read; prose around it is ignored; a
 * cell in backticks loses them; the table ends at the first line that is not
 * a row. JSON goes through the parsers' one scanner (scan.h): an object
 * holding `list_key`, or a bare list; every record an object of string
 * fields (unknown fields are refused, null means absent).
 *
 * The reader checks the shape and that required fields are present and not
 * empty; the caller checks the values (dates, duplicates) in its callback.
 * Errors read "FILE:LINE:COL: message".
 */
#ifndef TFA_RECFILE_H
#define TFA_RECFILE_H

#include <stddef.h>

#include "util/arena.h"
#include "util/error.h"

#define TFA_RECFILE_FIELDS_MAX 8

typedef struct tfa_recfile_field {
    const char *name;  /* "item" */
    const char *alias; /* another header spelling ("id"); may be NULL */
    int required;
} tfa_recfile_field;

typedef struct tfa_recfile_spec {
    const char *what;       /* one record, for messages: "waiver" */
    const char *list_key;   /* the JSON key and plural: "waivers" */
    const char *table_help; /* "item, owner, expires and reason" */
    const tfa_recfile_field *fields;
    size_t n_fields;    /* at most TFA_RECFILE_FIELDS_MAX */
    size_t field_bytes; /* longest field value */
} tfa_recfile_spec;

/* One record: field k is f[k] (len[k] bytes, not NUL-terminated; NULL when
 * absent), written at line `line`, column cols[k] (the record's column when
 * absent). Borrowed for the duration of the callback. */
typedef struct tfa_recfile_row {
    const char *f[TFA_RECFILE_FIELDS_MAX];
    size_t len[TFA_RECFILE_FIELDS_MAX];
    unsigned long cols[TFA_RECFILE_FIELDS_MAX];
    unsigned long line;
} tfa_recfile_row;

/* Return 0 to go on, or a negative status (with `err` set) to stop. */
typedef int (*tfa_recfile_fn)(void *payload, const tfa_recfile_row *row, tfa_error *err);

/* Parse `text` (UTF-8, `len` bytes) named `name`: JSON when it starts with
 * '{' or '[', else Markdown. Errors: TFA_EINPUT, TFA_ELIMIT, TFA_ENOMEM, or
 * what the callback returns. */
int tfa_recfile_parse(const tfa_recfile_spec *spec, const char *name, const char *text, size_t len,
                      tfa_recfile_fn fn, void *payload, tfa_error *err);

/* Record an error at line:col of `name`; returns TFA_EINPUT. */
int tfa_recfile_fail(const char *name, unsigned long line, unsigned long col, tfa_error *err,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * A parsed record file (waivers, known drift): the records in an array,
 * their strings in an arena, the file's name kept for messages. A module's
 * opaque type is a struct whose first member is a tfa_recset, so the one
 * lifecycle below serves every record file.
 */
typedef struct tfa_recset {
    tfa_arena *arena; /* the records' strings */
    const char *name; /* the file's name, in the arena */
    void *items;      /* the records */
    size_t n, cap;
} tfa_recset;

/* A new set, `size` bytes (the module's struct), holding the records of
 * `text`: `add` is called for each row with the set as payload and appends
 * with tfa_recset_push. Errors: tfa_recfile_parse's and add's, TFA_ENOMEM;
 * *out is NULL on error. */
int tfa_recset_parse(tfa_recset **out, size_t size, const tfa_recfile_spec *spec, const char *name,
                     const char *text, size_t len, tfa_recfile_fn add, tfa_error *err);
/* The same, read from the file at `path` (at most TFA_LIMIT_CHECKLIST_BYTES;
 * textfile.h's errors). */
int tfa_recset_load(tfa_recset **out, size_t size, const tfa_recfile_spec *spec, const char *path,
                    tfa_recfile_fn add, tfa_error *err);
void tfa_recset_free(tfa_recset *set);
/* A zeroed record of `size` bytes appended to the set; NULL on out-of-memory. */
void *tfa_recset_push(tfa_recset *set, size_t size);

#endif
