/*
 * jsondigest.h - a SHA-256 digest of a JSON value that does not depend on
 * how it was serialized: object key order, whitespace, string escapes
 * ("\/", "\u0041") and number spelling (1.5e2 = 150.0 = 150) give the same
 * digest; any change of a key, a value, a type or an array's order gives
 * another. For plan pins (checklist/pin.h): the configuration section,
 * variable and output values are pinned by digest, never kept.
 */
#ifndef TFA_JSONDIGEST_H
#define TFA_JSONDIGEST_H

#include "scan.h"
#include "util/sha256.h"

/*
 * Consume the value starting with token `first` (already read from `s`)
 * and write its digest to `out`. `scratch` decodes escaped strings. 0, or a
 * negative status with `err` set (the scanner's input errors, TFA_ENOMEM).
 */
int tfa_jsondigest_value(tfa_scan *s, const tfa_token *first, tfa_buf *scratch,
                         unsigned char out[TFA_SHA256_BYTES], tfa_error *err);

/* out += add, as 256-bit big-endian numbers (mod 2^256): an order-free way
 * to combine digests of several documents that, unlike XOR, does not let
 * two equal digests cancel out. */
void tfa_digest_add(unsigned char out[TFA_SHA256_BYTES], const unsigned char add[TFA_SHA256_BYTES]);

#endif
