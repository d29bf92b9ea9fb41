/*
 * jsonread.h - field readers shared by the JSON-based readers (plan, state,
 * UI log), so each format file holds only its grammar.
 */
#ifndef TFA_JSONREAD_H
#define TFA_JSONREAD_H

#include "scan.h"
#include "util/buf.h"

/* Read the value token `t` as a string into `out` (cleared first).
 * Returns 1 when the value is a string, 0 when it is null, or a negative
 * status: TFA_EINPUT if it is another type (`what` names the field in the
 * message), TFA_ELIMIT if longer than out->max. */
int tfa_json_string(tfa_scan *s, const tfa_token *t, const char *what, tfa_buf *out,
                    tfa_error *err);

/* Read the value token `t` as an integer in [min, max]. 1 = number, 0 = null. */
int tfa_json_integer(tfa_scan *s, const tfa_token *t, const char *what, long long min,
                     long long max, long long *out, tfa_error *err);

/* Read the value token `t` as a boolean. 1 = boolean, 0 = null. */
int tfa_json_bool(tfa_scan *s, const tfa_token *t, const char *what, int *out, tfa_error *err);

/* "an object", "an array", "a string", "a number", "a boolean", "null". */
const char *tfa_json_tok_name(tfa_tok type);

/* Read the next token as an optional container: 1 when it opens `type`
 * (TFA_TOK_OBJ or TFA_TOK_ARR), 0 when it is null, else TFA_EINPUT naming
 * `what`. */
int tfa_json_open(tfa_scan *s, tfa_token *t, tfa_tok type, const char *what, tfa_error *err);

/* Read the next token and require it to be `type` (`what` names it). */
int tfa_json_expect(tfa_scan *s, tfa_token *t, tfa_tok type, const char *what, tfa_error *err);

/*
 * Check a "MAJOR.MINOR" format version string against what this build reads:
 * majors up to `max_major`, minors up to `known_minor` of that major. A later
 * minor sets *newer and is accepted (readers note it); a later major or a
 * string that is not a version is TFA_EVERSION / TFA_EINPUT at the token.
 */
int tfa_json_check_version(tfa_scan *s, const tfa_token *t, const char *what, const char *version,
                           unsigned max_major, unsigned known_minor, int *newer, tfa_error *err);

/* Note that a reader took member `key` (bit `bit` of *seen, one bit per
 * member it takes from that object): TFA_EINPUT at the key when it took
 * it already. JSON leaves duplicate names to the reader (RFC 8259 4) and
 * tools differ on which one wins, so a member that decides what a record
 * says is taken once and a second is refused. `name` is the member's name
 * for the message. Inline, as the plan reader takes every member of every
 * change through it; tfa_json_twice is the error. */
int tfa_json_twice(tfa_scan *s, const tfa_token *key, const char *name, tfa_error *err);
static inline int tfa_json_once(tfa_scan *s, const tfa_token *key, unsigned *seen, unsigned bit,
                                const char *name, tfa_error *err)
{
    if (*seen & bit)
        return tfa_json_twice(s, key, name, err);
    *seen |= bit;
    return 0;
}

/* tfa_json_once for a key that may be one of `names` (bit i for names[i],
 * at most 32): the first time each is given it is marked in *seen, a
 * second time is the error; a key not among them passes. */
int tfa_json_once_of(tfa_scan *s, const tfa_token *key, unsigned *seen, const char *const *names,
                     size_t n, tfa_error *err);

/* Whether a value contains `true` anywhere (sensitivity markers); consumes it. */
int tfa_json_any_true(tfa_scan *s, const tfa_token *t, int *out, tfa_error *err);

#endif

/*
 * Canonical forms, so digests and paths do not depend on how a serializer
 * chose to write the same value (escapes, number spelling, key order is
 * handled by the callers).
 *
 * tfa_json_string_text: the decoded text of a KEY/STR token; no copy when
 * the token has no escapes, else decoded into `scratch`. TFA_ENOMEM.
 */
int tfa_json_string_text(const tfa_token *t, tfa_buf *scratch, const char **text, size_t *len);

/* A hash of a JSON number's value as exact decimal: 150, 150.0 and 1.5e2
 * hash alike (sign, significant digits, decimal exponent). */
uint64_t tfa_json_number_hash(const char *num, size_t len, uint64_t seed);

/* Digest of a leaf value (STR, NUM, TRUE, FALSE), independent of how it was
 * spelled: decoded strings, exact-decimal numbers; a string longer than the
 * scan window by the digest the scanner streamed. Everything that compares
 * values by digest (changed paths, pins, the redactor) uses this one.
 * 0 or TFA_ENOMEM (escaped strings are decoded into `scratch`). */
int tfa_json_leaf_digest(const tfa_token *t, tfa_buf *scratch, uint64_t *out);

/* Append an attribute path step for object key `key` (decoded text): `.key`
 * (`key` at the root) when it is an identifier, else `["key"]` with `"` and
 * `\` escaped. Returns the buffer status. */
int tfa_json_path_key(tfa_buf *path, const char *key, size_t len);
