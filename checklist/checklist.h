/*
 * checklist.h - codified apply checklists: Markdown files that decide.
 *
 * A checklist is Markdown a person can read and render as-is. ATX headings
 * (`#`..`######`) group items into sections (phases such as "Before apply"
 * and "After apply"); prose, tables and code blocks are kept as they are.
 * An item is a task-list line:
 *
 *   - [ ] `drift-free` Plan shows zero drift: `drift.count == 0`
 *   - [ ] `scope` Only Grafana changes: `count(changes where not type ~ "grafana_*") == 0` (soft)
 *   - [ ] `tf-pinned` Terraform 1.9.x: `plan.terraform_version ~ "1.9.*"` (advisory)
 *   - [ ] `leadership` Leadership go/no-go sign-off: manual
 *
 * The first code span is the item's id (unique in the file; letters,
 * digits, '-', '_', '.'), then the title, then after a colon either the
 * expression in a code span (expr.h) or the word `manual`, then optionally
 * the level: `(hard)` (the default; never waivable), `(soft)` (waivable) or
 * `(advisory)` (reported, never blocks). A `[x]` in the file is kept but
 * means nothing to the evaluation: items are re-checked on every run, and
 * manual items pass only with a sign-off naming who signed.
 *
 * Every error is caught at load, before anything is evaluated, as
 * "FILE:LINE:COLUMN: message" (syntax, unknown facts with a suggestion,
 * type mismatches, duplicate ids). Fenced code blocks are skipped, so a
 * checklist can show examples of the syntax.
 *
 * Ownership: a tfa_checklist owns its items, their expressions and a copy
 * of the source text; everything returned is borrowed from it.
 */
#ifndef TFA_CHECKLIST_H
#define TFA_CHECKLIST_H

#include <stddef.h>

#include "util/error.h"
#include "util/sha256.h"

typedef enum tfa_level {
    TFA_LEVEL_HARD = 0, /* blocks; never waivable */
    TFA_LEVEL_SOFT,     /* blocks unless waived */
    TFA_LEVEL_ADVISORY  /* reported, never blocks */
} tfa_level;

/* "hard", "soft", "advisory". */
const char *tfa_level_name(tfa_level level);

typedef struct tfa_item {
    const char *id;
    const char *title;
    const char *section;         /* headings above, below the title: "Before apply / Sign-off";
                                    NULL before any heading */
    const char *expr_text;       /* the expression as written; NULL if manual */
    const struct tfa_expr *expr; /* parsed expression; NULL if manual */
    int manual;
    tfa_level level;
    int checked;                  /* the file has [x] */
    unsigned long line;           /* 1-based line of the item */
    size_t line_offset, line_end; /* the line's bytes in the source */
    size_t box_offset;            /* the byte between [ and ] */
} tfa_item;

typedef struct tfa_checklist tfa_checklist;

/* Read and parse a checklist file (UTF-8, UTF-16 with BOM). Errors:
 * TFA_ENOTFOUND, TFA_EIO, TFA_EINPUT (any checklist error, positioned),
 * TFA_ELIMIT (larger than TFA_LIMIT_CHECKLIST_BYTES), TFA_ENOMEM. */
int tfa_checklist_load(tfa_checklist **out, const char *path, tfa_error *err);
/* Parse text already in memory (copied); `name` is used in messages. */
int tfa_checklist_parse(tfa_checklist **out, const char *name, const char *text, size_t len,
                        tfa_error *err);
void tfa_checklist_free(tfa_checklist *cl);

const char *tfa_checklist_name(const tfa_checklist *cl);
/* Text of the first level-1 heading; NULL if none. */
const char *tfa_checklist_title(const tfa_checklist *cl);
/* The (decoded) source text and its SHA-256 (of the file's raw bytes). */
const char *tfa_checklist_source(const tfa_checklist *cl, size_t *len);
const unsigned char *tfa_checklist_sha256(const tfa_checklist *cl);

size_t tfa_checklist_item_count(const tfa_checklist *cl);
const tfa_item *tfa_checklist_item(const tfa_checklist *cl, size_t i);
/* The item with this id, or NULL. */
const tfa_item *tfa_checklist_find(const tfa_checklist *cl, const char *id);
/* The closest item id to a misspelt one, or NULL. */
const char *tfa_checklist_suggest(const tfa_checklist *cl, const char *id);

/* Whether item i lies under a heading whose text is `section` (case
 * insensitive), directly or in a subsection. */
int tfa_checklist_in_section(const tfa_checklist *cl, size_t i, const char *section);
/* The text of the first heading matching `section` (case insensitive), as
 * the file spells it; NULL if none. */
const char *tfa_checklist_find_section(const tfa_checklist *cl, const char *section);

#endif
