/*
 * canon.h - canonical JSON: one byte sequence per JSON value, so a value can
 * be hashed and the hash recomputed later (the ledger chain, bundle
 * manifests, evidence commits).
 *
 * tfaudit canonical JSON, version 1. A value is written as:
 *  - object: '{', members sorted by key, ',' between, '}'. Keys compare as
 *    raw UTF-8 byte strings (memcmp; a proper prefix sorts first). A member
 *    is the key as a string, ':', the value. Keys are unique (jansson).
 *  - array: '[', elements in their order, ',' between, ']'.
 *  - string: '"', then each byte: '"' and '\' as \" and \\; the controls
 *    0x08 0x09 0x0a 0x0c 0x0d as \b \t \n \f \r; other bytes below 0x20 as
 *    \u00XX with lowercase hex; every other byte (0x7f, '/', all non-ASCII
 *    UTF-8) as itself. Then '"'.
 *  - integer: decimal, '-' for negatives, no leading zeros or '+'.
 *  - real: printf "%.17g" in the C locale (exactly reversible for IEEE
 *    doubles), with ".0" appended when that has no '.', 'e' or "inf"/"nan"
 *    (non-finite values cannot occur: jansson refuses them).
 *  - true, false, null.
 * No whitespace anywhere outside strings, no trailing newline.
 *
 * It is close to RFC 8785 (JCS) but not the same: JCS sorts keys by UTF-16
 * code units and writes numbers the ECMAScript way. Reals are rare in
 * records (fact values); "%.17g" keeps them exact without a shortest-repr
 * printer. Parsing the output and writing it again yields the same bytes.
 */
#ifndef TFA_CANON_H
#define TFA_CANON_H

#include <jansson.h>

#include "util/buf.h"
#include "util/error.h"

/* Append the canonical form of `value` to `out`. Errors: TFA_ENOMEM, or
 * TFA_ELIMIT (nesting deeper than TFA_LIMIT_JSON_DEPTH, or out->max). */
int tfa_canon_json(tfa_buf *out, const json_t *value, tfa_error *err);

/* Append a string (len bytes, may hold NULs) in canonical form. */
int tfa_canon_string(tfa_buf *out, const char *s, size_t len);

#endif
