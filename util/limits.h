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

/* Bytes of a line text detection normalizes and looks at. Detection runs
 * before any reader and must not allocate (it could not report running out
 * of memory), so it works on a copy in a buffer of this size; every marker
 * line Terraform prints fits, addresses included, with room for colour codes. */
#define TFA_LIMIT_MARKER_LINE_BYTES 1024

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

/* Checklist, waiver and filled-checklist files (checklist/). A hand-written
 * checklist is a few KiB; 1 MiB leaves room for generated ones while bounding
 * what one load holds in memory. */
#define TFA_LIMIT_CHECKLIST_BYTES (1u << 20)
#define TFA_LIMIT_CONFIG_BYTES    (1u << 20) /* .tfaudit.yml: a few hundred lines in practice */

/* Items in one checklist. A checklist people tick by hand has tens of items;
 * past a few thousand it is generated data, and lookups by id stay linear. */
#define TFA_LIMIT_CHECKLIST_ITEMS 4096

/* Nesting of one checklist expression (parentheses, `not`, operands). The
 * parser recurses once per level; the bound keeps a hostile "((((..." from
 * exhausting the stack. Real conditions nest two or three deep. */
#define TFA_LIMIT_EXPR_DEPTH 64

/* Remote inputs and notifications (net/).
 * A downloaded input is held in memory before it is read, so its size is
 * capped like an archive's total: 1 GiB is far above any real plan JSON or
 * log (the corpus's largest is a few MiB) and well below what a CI runner
 * holds. API documents (JSON:API run, plan, assessment metadata) are a few
 * KiB and a system CA bundle a few hundred: 16 MiB stops a hostile server
 * (or a wrong --cacert) early. Redirects: HCP Terraform uses
 * one (json-output -> signed archivist URL); 5 leaves room for a proxy. */
#define TFA_LIMIT_HTTP_BYTES        (1ull * 1024 * 1024 * 1024) /* TFAUDIT_HTTP_MAX_BYTES */
#define TFA_LIMIT_HTTP_API_BYTES    (16u * 1024u * 1024u)       /* also CA bundles */
#define TFA_LIMIT_HTTP_REDIRECTS    5
#define TFA_LIMIT_HTTP_RETRIES      4  /* attempts after the first */
#define TFA_LIMIT_HTTP_RETRY_AFTER  60 /* seconds; a longer Retry-After fails instead */
#define TFA_LIMIT_CREDENTIALS_BYTES (1u * 1024u * 1024u) /* credentials.tfrc.json */

/* Signing (crypto/sign.h, storage/anchor.h): small text files, read whole. */
#define TFA_LIMIT_KEY_FILE_BYTES    (64u * 1024u)          /* a PEM private key */
#define TFA_LIMIT_KEYRING_BYTES     (1024u * 1024u)        /* trusted keys, allowed signers */
#define TFA_LIMIT_KEYRING_KEYS      4096                   /* keys in one of those files */
#define TFA_LIMIT_TOKEN_BYTES       4096                   /* a sign-off token */
#define TFA_LIMIT_ANCHOR_FILE_BYTES (256u * 1024u * 1024u) /* about a million anchors */

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
