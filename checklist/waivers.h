/*
 * waivers.h - the human inputs to a verdict: waivers and sign-offs.
 *
 * A waiver lets a soft (or advisory) item that fails, or a manual one still
 * pending, stop blocking, for a stated reason, on someone's authority, until
 * a date. Hard items are never waivable: a waiver naming one is refused.
 * A waiver is valid through its expiry date (UTC); an expired one does not
 * apply and is reported. The file is Markdown or JSON:
 *
 *   | item  | owner | expires    | reason                             |
 *   |-------|-------|------------|------------------------------------|
 *   | scope | alice | 2025-07-01 | dashboards move with their folder  |
 *
 *   {"waivers": [{"item": "scope", "owner": "alice", "expires": "2025-07-01",
 *                 "reason": "dashboards move with their folder"}]}
 *
 * (a top-level JSON array of the same objects is accepted too). The first
 * Markdown table whose header has the four columns is read; other prose is
 * ignored. All four fields are required.
 *
 * A sign-off is `--sign-off ID=NAME[:note]`: who signed a manual item.
 *
 * Ownership: each set owns its records and strings; pointers returned are
 * borrowed from it.
 */
#ifndef TFA_WAIVERS_H
#define TFA_WAIVERS_H

#include <stddef.h>

#include "checklist.h"
#include "util/error.h"

typedef struct tfa_waiver {
    const char *item;
    const char *owner;
    const char *reason;
    const char *expires;  /* YYYY-MM-DD as written */
    long expires_day;     /* days since 1970-01-01 */
    const char *source;   /* the waivers file */
    unsigned long line;   /* where the waiver is written */
    unsigned long column; /* of its item id */
} tfa_waiver;

typedef struct tfa_waivers tfa_waivers;

/* Read a waivers file (Markdown, or JSON when it starts with '{' or '[').
 * Errors as "FILE:LINE:COL: message": TFA_EINPUT (missing field, bad date,
 * an item waived twice), TFA_ENOTFOUND, TFA_EIO, TFA_ELIMIT, TFA_ENOMEM. */
int tfa_waivers_load(tfa_waivers **out, const char *path, tfa_error *err);
int tfa_waivers_parse(tfa_waivers **out, const char *name, const char *text, size_t len,
                      tfa_error *err);
void tfa_waivers_free(tfa_waivers *w);

size_t tfa_waivers_count(const tfa_waivers *w);
const tfa_waiver *tfa_waivers_at(const tfa_waivers *w, size_t i);
const tfa_waiver *tfa_waivers_find(const tfa_waivers *w, const char *item);

/* Check every waiver names an item of `cl`: TFA_EINPUT at the waiver's
 * line otherwise, with a suggestion when an id is close. */
int tfa_waivers_check(const tfa_waivers *w, const tfa_checklist *cl, tfa_error *err);

typedef struct tfa_signoff {
    const char *item;
    const char *name;
    const char *note; /* NULL when none */
} tfa_signoff;

typedef struct tfa_signoffs tfa_signoffs;

int tfa_signoffs_new(tfa_signoffs **out);
void tfa_signoffs_free(tfa_signoffs *s);
/* Add "ID=NAME[:note]" (copied) after checking that ID is a manual item of
 * `cl` and not signed already. TFA_EUSAGE with the reason, or TFA_ENOMEM. */
int tfa_signoffs_add(tfa_signoffs *s, const tfa_checklist *cl, const char *arg, tfa_error *err);
const tfa_signoff *tfa_signoffs_find(const tfa_signoffs *s, const char *item);

#endif
