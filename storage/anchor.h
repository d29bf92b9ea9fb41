/*
 * anchor.h - statements of the ledger's head kept outside the database.
 *
 * A hash chain and signatures cannot show records cut off the end: what is
 * left still verifies. An anchor is a signed statement "ledger L had record
 * SEQ with hash H at TIME", written somewhere the ledger's writer does not
 * control alone: an append-only file, a commit on a git evidence branch, an
 * S3 object (under Object Lock retention when the bucket has it). `ledger
 * verify --anchor` then fails when the ledger no longer holds an anchored
 * head at its position: truncation, or a rewrite behind an anchor.
 *
 * One anchor is one line of JSON:
 *   {"anchor":{"format":"tfaudit-anchor/1","hash":H,"key":KEYID|null,
 *              "ledger":L,"seq":N,"time":"2026-12-03T08:00:00Z"},
 *    "signature":BASE64|null}
 * where the signature (crypto/sign.h) covers the canonical JSON (canon.h)
 * of the "anchor" object, and L is the ledger's id (tfa_ledger_id: the hash
 * of its record 1).
 *
 * Destinations and sources:
 *   a file         lines appended (O_APPEND, fsync), read back all of them;
 *   a git repository (a directory holding .git, or a bare one): a commit on
 *                  the evidence branch adding anchors/L/SEQ.json (git_evidence.h);
 *   s3://BUCKET/PREFIX/  an object PREFIX/L/SEQ.json (COMPLIANCE retention
 *                  when the bucket has Object Lock), every such object read back.
 */
#ifndef TFA_ANCHOR_H
#define TFA_ANCHOR_H

#include <stdint.h>

#include "ledger.h"
#include "net/s3.h"
#include "sign.h"
#include "util/buf.h"

#define TFA_ANCHOR_FORMAT     "tfaudit-anchor/1"
#define TFA_ANCHOR_SOURCE_MAX 320
#define TFA_ANCHOR_DIR        "anchors" /* in a git evidence branch, and under an S3 prefix */
/* Object Lock retention of an S3 anchor when the bucket has no default. */
#define TFA_ANCHOR_RETENTION_DAYS 400

typedef struct tfa_anchor {
    char ledger[TFA_LEDGER_HASH_HEX]; /* the ledger's id */
    int64_t seq;
    char hash[TFA_LEDGER_HASH_HEX];
    int64_t time;
    char key_id[TFA_KEY_ID_SIZE];       /* "" when unsigned */
    char source[TFA_ANCHOR_SOURCE_MAX]; /* where it was read: "FILE:LINE", a commit, an object */
} tfa_anchor;

/* A growable list of anchors. Zero it to init; tfa_anchor_set_release. */
typedef struct tfa_anchor_set {
    tfa_anchor *items;
    size_t n, cap;
} tfa_anchor_set;

void tfa_anchor_set_release(tfa_anchor_set *set);

/* Where anchors go and come from, beyond the destination string. */
typedef struct tfa_anchor_options {
    const tfa_signer *signer;   /* signs the statement; NULL: unsigned */
    const tfa_keyring *trusted; /* reading: statements must be signed by one of these */
    const char *git_branch;     /* NULL: TFA_GIT_EVIDENCE_BRANCH */
    const char *operator_name;  /* git commits: named in the message; may be NULL */
    const tfa_s3_options *s3;   /* s3:// destinations and sources; NULL: refused */
    int64_t now;
} tfa_anchor_options;

#define TFA_ANCHOR_OPTIONS_INIT                                                                    \
    {                                                                                              \
        .signer = NULL, .s3 = NULL, .now = 0                                                       \
    }

/*
 * Anchor the ledger's current head at `dest`; *out (when not NULL) is what
 * was anchored, with its source set to where it went. Errors: TFA_ENOTFOUND
 * (an empty ledger has no head to anchor; no such repository), TFA_EUSAGE
 * (a bad destination), TFA_EIO, TFA_ENOMEM, the git and S3 clients'.
 */
int tfa_anchor_write(tfa_anchor *out, tfa_ledger *ledger, const char *dest,
                     const tfa_anchor_options *opts, tfa_error *err);

/*
 * Append every anchor found at `src` to `set`. With opts->trusted, each must
 * carry a valid signature of a trusted key, else TFA_EINPUT naming it (a
 * forged anchor is as bad as a forged record). TFA_ENOTFOUND when `src`
 * holds no anchor at all; TFA_EINPUT for a malformed line ("FILE:LINE").
 */
int tfa_anchor_read(tfa_anchor_set *set, const char *src, const tfa_anchor_options *opts,
                    tfa_error *err);

/* The anchor line for `a` (no newline), signed with `signer` when not NULL;
 * sets a->key_id. TFA_ENOMEM, TFA_EIO. */
int tfa_anchor_format(tfa_buf *out, tfa_anchor *a, const tfa_signer *signer, tfa_error *err);

/* Parse one anchor line; `where` names it in errors and becomes its source. */
int tfa_anchor_parse(tfa_anchor *out, const char *line, size_t len, const char *where,
                     const tfa_keyring *trusted, tfa_error *err);

#endif
