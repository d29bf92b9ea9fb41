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
#include "sign.h"
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

/*
 * Sign-offs. A plain sign-off "ID=NAME[:note]" is a name anyone can type:
 * reports mark it "unsigned". A signed sign-off is a token (signoff_token.c)
 * that `tfaudit sign-off` makes with an Ed25519 key:
 *     tfaso1.<base64url(claim JSON)>.<base64url(signature)>
 * binding the role (a manual item's id), the plan's pin (pin.h, opaque
 * here), the signer's key id, the time it was issued and its expiry. With
 * an allowed-signers list (`ROLE[,ROLE] ed25519 BASE64 COMMENT` lines), a
 * manual item passes only on a token whose signature verifies with a key
 * listed for that role, for the pin of the plan being gated, unexpired;
 * anything else leaves it PENDING with the reason, plain sign-offs
 * included.
 */
typedef struct tfa_signoff {
    const char *item;
    const char *name; /* plain: as typed; token: the signer key's comment (or id) */
    const char *note; /* NULL when none */
    /* tokens only (is_signed): */
    int is_signed;
    const char *token;  /* the token itself, evidence anyone can check again */
    const char *key_id; /* the signer's key id */
    const char *pin;    /* the plan pin it is bound to */
    int64_t issued, expires;
    const char *refused; /* known when added: why it cannot count; NULL when it may */
} tfa_signoff;

typedef struct tfa_signoffs tfa_signoffs;

int tfa_signoffs_new(tfa_signoffs **out);
void tfa_signoffs_free(tfa_signoffs *s);

/* Require signed tokens checked against `allowed` (borrowed: keep it alive
 * while `s` is used). Call before adding. */
void tfa_signoffs_require_signed(tfa_signoffs *s, const tfa_keyring *allowed);

/* Add "ID=NAME[:note]" or a token (copied) after checking that its item is
 * a manual item of `cl` and not signed already. TFA_EUSAGE with the reason
 * (also: a malformed token, or a token without an allowed-signers list),
 * or TFA_ENOMEM. A token whose signature or signer is refused is added,
 * with `refused` saying why. */
int tfa_signoffs_add(tfa_signoffs *s, const tfa_checklist *cl, const char *arg, tfa_error *err);
const tfa_signoff *tfa_signoffs_find(const tfa_signoffs *s, const char *item);

/* The sign-off of `item` that counts for a plan with pin `pin` at `now`;
 * when none does, the one whose refusal explains best (a token for this
 * plan, else the first); NULL when the item has none. */
const tfa_signoff *tfa_signoffs_find_for(const tfa_signoffs *s, const char *item, const char *pin,
                                         int64_t now);

/* Add every sign-off in a file: one sign-off or token a line, blank and '#'
 * lines skipped. Errors as tfa_signoffs_add, and the file's, naming the
 * file and line. */
int tfa_signoffs_add_file(tfa_signoffs *s, const tfa_checklist *cl, const char *path,
                          tfa_error *err);

/* Add every file of `dir` (sorted by name; names starting with "." are
 * skipped, subdirectories ignored) as tfa_signoffs_add_file does. Anything
 * else there (a socket, a device), more than TFA_SIGNOFF_DIR_FILES files,
 * or a line that is not a sign-off is an error naming it: a sign-off that
 * cannot be read never silently does not count. */
#define TFA_SIGNOFF_DIR_FILES 4096
int tfa_signoffs_add_dir(tfa_signoffs *s, const tfa_checklist *cl, const char *dir, tfa_error *err);

/* Why `so` does not count for a plan with pin `pin` (NULL when the run has
 * no plan) at time `now`, as a message kept in `buf`; NULL when it counts.
 * Plain sign-offs count unless signed ones are required. */
const char *tfa_signoff_refusal(const tfa_signoffs *s, const tfa_signoff *so, const char *pin,
                                int64_t now, char *buf, size_t size);

#define TFA_SIGNOFF_TOKEN_PREFIX "tfaso1."
#define TFA_SIGNOFF_FORMAT       "tfaudit-signoff/1"

/* What a token claims. */
typedef struct tfa_signoff_claim {
    const char *role; /* a manual item's id */
    const char *pin;  /* the plan's pin */
    const char *note; /* may be NULL */
    int64_t issued, expires;
} tfa_signoff_claim;

/* Make a token for `claim`, signed by `key`, appended to `out`. TFA_EUSAGE
 * (an empty role or pin, expiry before issue), TFA_ENOMEM, TFA_EIO. */
int tfa_signoff_token_make(tfa_buf *out, const tfa_signer *key, const tfa_signoff_claim *claim,
                           tfa_error *err);

#endif
