/*
 * limits.h - every limit tfaudit applies to its input, in one place.
 *
 * Each limit has a name, a value and the reason for that value. Readers take
 * their limits from a tfa_limits struct (initialised from these defaults) so
 * that a caller can tighten them, and so tests can hit them with small inputs.
 */
#ifndef TFA_LIMITS_H
#define TFA_LIMITS_H

#include <stddef.h>
#include <stdint.h>

/* JSON nesting. Terraform's own documents nest about 20 deep (module, resource,
 * change, value, then the value's own structure). 512 leaves room for deeply
 * nested provider values while stopping "[[[[..." attacks long before they cost
 * anything: the scanner tracks depth in a bit stack of this size. */
#define TFA_LIMIT_JSON_DEPTH 512

/* Bytes the JSON scanner reads per refill and the largest token it can hand out
 * whole. Strings longer than this are still validated, just not materialised
 * (the caller sees `truncated`); keys and numbers longer than this are an error. */
#define TFA_LIMIT_SCAN_WINDOW (1u << 20)

/* Longest object key or wanted string value (address, type, version...). A
 * Terraform address is bounded by HCL identifiers; 64 KiB is generous. */
#define TFA_LIMIT_STRING_BYTES (64u * 1024u)

/* Changed attribute paths kept per resource change. A replace of a resource
 * with a huge nested value could produce thousands; past this the change is
 * flagged `changed_truncated` instead of growing without bound. */
#define TFA_LIMIT_CHANGED_PATHS 4096

/* Length of one attribute path, e.g. `ingress[0].cidr_blocks[1]`. */
#define TFA_LIMIT_PATH_BYTES 4096

/* Bytes peeked at the head of an input to decide its kind. */
#define TFA_LIMIT_DETECT_BYTES (64u * 1024u)

/* Longest line a log reader accepts before it reports the line as too long.
 * Real text logs have 64 KiB lines (the corpus has a 64,931-byte one). */
#define TFA_LIMIT_LINE_BYTES (16u * 1024u * 1024u)

/* Archive guards (see archive.c). Archives are read in memory, so these
 * bound the work a hostile archive can cause, never disk use.
 *  - TOTAL: bytes decompressed out of every archive of one input argument
 *    (--max-bytes). 4 GiB is ~100 large plans; a CI bundle is far smaller.
 *  - ENTRY: one member. 2 GiB is twice the largest plan JSON we have seen.
 *  - ENTRIES: members (of every type) per input argument; 100,000 tiny
 *    members read in 0.3 s, more is a header flood, not a bundle.
 *  - RATIO: decompressed vs compressed bytes of one archive. Plans compress
 *    10:1 (gzip -9) to 35:1 (xz -9, zstd -19); gzip cannot pass ~1032:1, so
 *    only crafted bzip2/xz/zstd streams of long runs reach 1000:1. Judged
 *    only past RATIO_MIN_BYTES, so small members never trip it.
 *  - DEPTH: archives inside archives (a.tar.gz!inner.zip!plan.json is 2). */
#define TFA_LIMIT_ARCHIVE_TOTAL_BYTES     (4ull * 1024 * 1024 * 1024) /* --max-bytes */
#define TFA_LIMIT_ARCHIVE_ENTRY_BYTES     (2ull * 1024 * 1024 * 1024)
#define TFA_LIMIT_ARCHIVE_ENTRIES         100000
#define TFA_LIMIT_ARCHIVE_RATIO           1000 /* decompressed:compressed, bomb guard */
#define TFA_LIMIT_ARCHIVE_RATIO_MIN_BYTES (64ull * 1024 * 1024)
#define TFA_LIMIT_ARCHIVE_DEPTH           2 /* nested archives */

/* Longest diagnostic message (summary or detail) kept in the model. */
#define TFA_LIMIT_MESSAGE_BYTES (8u * 1024u)

/* Limits a reader runs with; TFA_LIMITS_INIT gives the defaults above. */
typedef struct tfa_limits {
    unsigned json_depth;
    size_t string_bytes;
    size_t changed_paths;
    size_t line_bytes;
    uint64_t archive_total_bytes;
    uint64_t archive_entry_bytes;
    size_t archive_entries;
    unsigned archive_ratio;
    unsigned archive_depth;
    uint64_t archive_ratio_min_bytes;
} tfa_limits;

#define TFA_LIMITS_INIT                                                                            \
    {                                                                                              \
        TFA_LIMIT_JSON_DEPTH, TFA_LIMIT_STRING_BYTES, TFA_LIMIT_CHANGED_PATHS,                     \
            TFA_LIMIT_LINE_BYTES, TFA_LIMIT_ARCHIVE_TOTAL_BYTES, TFA_LIMIT_ARCHIVE_ENTRY_BYTES,    \
            TFA_LIMIT_ARCHIVE_ENTRIES, TFA_LIMIT_ARCHIVE_RATIO, TFA_LIMIT_ARCHIVE_DEPTH,           \
            TFA_LIMIT_ARCHIVE_RATIO_MIN_BYTES                                                      \
    }

#endif
