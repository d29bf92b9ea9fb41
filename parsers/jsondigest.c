/*
 * jsondigest.c - canonical digests of JSON values (see jsondigest.h).
 *
 * The digest is defined bottom-up, one SHA-256 per container:
 *   object  H('o' || n || sorted(H(key) || digest(value)) ...)
 *   array   H('a' || digest(element) ...)      in order
 *   string  H('s' || decoded text)             (longer than the scanner's
 *           window: H('S' || the scanner's digest of it))
 *   number  H('n' || tfa_json_number_hash)     exact decimal value
 *   true, false, null: H('t'), H('f'), H('z')
 * Object members are sorted by their 64-byte (key digest, value digest)
 * entries, so key order is irrelevant and duplicate keys stay counted.
 * Depth is bounded by the scanner's own nesting limit.
 *
 * Leaf and key digests are memoized per top-level call: a plan's
 * configuration section repeats the same few keys ("address", "mode",
 * "expressions") and values hundreds of thousands of times, and one SHA-256
 * per key was most of its cost. The cache maps (tag, text) to the digest, so
 * it changes no digest; without memory for it, every leaf is hashed.
 *
 * The (key, value) entries of the objects being digested share one stack:
 * an object pushes its entries above its parents' and drops them when its
 * digest is made, so a configuration section costs one buffer, not a
 * malloc, reallocs and a free per object (three per resource).
 */
#include "util/compat.h"

#include "jsondigest.h"
#include "jsonread.h"
#include "util/alloc.h"
#include "util/sort.h"

#define ENTRY (2 * TFA_SHA256_BYTES)

#define CACHE_SLOTS 1024u /* a power of two */
#define CACHE_TEXT  30u   /* longer texts are hashed every time */

#define OBJ_SLOTS   256u /* a power of two */
#define OBJ_MEMBERS 2u   /* larger objects are hashed every time */

typedef struct cache_slot {
    unsigned char used; /* text length + 1; 0 = empty */
    char tag;
    char text[CACHE_TEXT];
    unsigned char digest[TFA_SHA256_BYTES];
} cache_slot;

/* A small object's digest by its sorted entries (which are digests: equal
 * entries, equal object). Configuration sections repeat the same small
 * objects ({"constant_value": "ami-123"}, {"ami": {...}}) once per
 * resource, each a SHA-256 of two blocks. */
typedef struct obj_slot {
    size_t n; /* members; 0 = empty (an empty object is hashed every time) */
    unsigned char entries[OBJ_MEMBERS * ENTRY];
    unsigned char digest[TFA_SHA256_BYTES];
} obj_slot;

/* One top-level digest: the scanner, the decoding scratch, the memo (NULL
 * when it could not be allocated), the entries of the open objects. */
typedef struct digest_ctx {
    tfa_scan *s;
    tfa_buf *scratch;
    cache_slot *cache;
    struct obj_slot *objs; /* the memo of small objects (NULL: none) */
    tfa_buf entries;
} digest_ctx;

static void tagged_sha(char tag, const void *data, size_t len, unsigned char out[TFA_SHA256_BYTES])
{
    unsigned char one[64];
    tfa_sha256 sha;
    if (len < sizeof(one)) { /* most texts: one update instead of two */
        one[0] = (unsigned char)tag;
        if (len)
            memcpy(one + 1, data, len);
        tfa_sha256_digest(one, len + 1, out);
        return;
    }
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, &tag, 1);
    if (len)
        tfa_sha256_update(&sha, data, len);
    tfa_sha256_final(&sha, out);
}

/* The memo slot of (tag, text): a multiply-xorshift over 8-byte words
 * (short texts: two overlapping 4-byte words, or bytes). For slot choice
 * only, so byte order does not matter. A byte-at-a-time FNV-1a here was
 * 4% of summarizing a 100k-resource plan. */
static size_t slot_of(char tag, const unsigned char *p, size_t len)
{
    const uint64_t k = 0x9E3779B97F4A7C15u;
    uint64_t h = (uint64_t)len * k ^ (unsigned char)tag, w;
    uint32_t a, b;

    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    if (len >= 4) {
        memcpy(&a, p, 4);
        memcpy(&b, p + len - 4, 4);
        h = (h ^ ((uint64_t)a << 32 | b)) * k;
    } else {
        for (; len; p++, len--)
            h = (h ^ *p) * k;
    }
    h ^= h >> 32;
    return (size_t)(h ^ (h >> 15)) & (CACHE_SLOTS - 1);
}

/* H(tag || data), from the memo when the same short text was seen. */
static void tagged(digest_ctx *c, char tag, const void *data, size_t len,
                   unsigned char out[TFA_SHA256_BYTES])
{
    cache_slot *slot;

    if (!c->cache || len > CACHE_TEXT) {
        tagged_sha(tag, data, len, out);
        return;
    }
    slot = &c->cache[slot_of(tag, data, len)];
    if (slot->used == len + 1 && slot->tag == tag &&
        (len == 0 || memcmp(slot->text, data, len) == 0)) {
        memcpy(out, slot->digest, TFA_SHA256_BYTES);
        return;
    }
    tagged_sha(tag, data, len, out);
    slot->used = (unsigned char)(len + 1);
    slot->tag = tag;
    if (len)
        memcpy(slot->text, data, len);
    memcpy(slot->digest, out, TFA_SHA256_BYTES);
}

/* A 64-bit hash, tagged, in a fixed byte order (digests are the same on every platform). */
static void tagged_u64(digest_ctx *c, char tag, uint64_t h, unsigned char out[TFA_SHA256_BYTES])
{
    unsigned char le[8];
    size_t i;
    for (i = 0; i < 8; i++)
        le[i] = (unsigned char)(h >> (8 * i));
    tagged(c, tag, le, sizeof(le), out);
}

static int leaf(digest_ctx *c, const tfa_token *t, unsigned char out[TFA_SHA256_BYTES])
{
    tfa_buf *scratch = c->scratch;
    const char *text;
    size_t len;
    uint64_t h;

    switch (t->type) {
    case TFA_TOK_STR:
        if (!t->truncated) {
            if (tfa_json_string_text(t, scratch, &text, &len) != 0)
                return TFA_ENOMEM;
            tagged(c, 's', text, len, out);
            return 0;
        }
        h = t->digest;
        break;
    case TFA_TOK_NUM:
        h = tfa_json_number_hash(t->ptr, t->len, 0);
        break;
    case TFA_TOK_TRUE:
        tagged(c, 't', NULL, 0, out);
        return 0;
    case TFA_TOK_FALSE:
        tagged(c, 'f', NULL, 0, out);
        return 0;
    default:
        tagged(c, 'z', NULL, 0, out);
        return 0;
    }
    tagged_u64(c, t->type == TFA_TOK_STR ? 'S' : 'n', h, out);
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return memcmp(a, b, ENTRY);
}

/* Whether entry a sorts after entry b (as cmp_entry orders them). Their
 * first 8 bytes, a digest's, nearly always decide: compared as one
 * big-endian word before calling memcmp. */
static int entry_after(const unsigned char *a, const unsigned char *b)
{
    uint64_t x = 0, y = 0;
    int i;
    for (i = 0; i < 8; i++) {
        x = x << 8 | a[i];
        y = y << 8 | b[i];
    }
    return x != y ? x > y : memcmp(a, b, ENTRY) > 0;
}

/* Sort n entries. Most objects have a handful of members: an insertion
 * sort in place costs less than the general sort's merge buffer. */
static void sort_entries(unsigned char *e, size_t n)
{
    unsigned char t[ENTRY];
    size_t i, j;

    if (n > 16) {
        tfa_sort(e, n, ENTRY, cmp_entry);
        return;
    }
    for (i = 1; i < n; i++) {
        for (j = i; j > 0 && entry_after(e + (j - 1) * ENTRY, e + i * ENTRY); j--)
            ;
        if (j == i)
            continue;
        memcpy(t, e + i * ENTRY, ENTRY);
        memmove(e + (j + 1) * ENTRY, e + j * ENTRY, (i - j) * ENTRY);
        memcpy(e + j * ENTRY, t, ENTRY);
    }
}

static int value(digest_ctx *c, const tfa_token *first, unsigned char out[TFA_SHA256_BYTES],
                 tfa_error *err);

static int object(digest_ctx *c, unsigned char out[TFA_SHA256_BYTES], tfa_error *err)
{
    tfa_scan *s = c->s;
    unsigned char entry[ENTRY], count[8];
    tfa_sha256 sha;
    tfa_token k, v;
    const char *text;
    size_t len, n = 0, i, base = c->entries.len;
    unsigned char *e;
    obj_slot *slot = NULL;
    int rc;

    for (;;) {
        if ((rc = tfa_scan_next(s, &k, err)) != 0)
            goto done;
        if (k.type == TFA_TOK_OBJ_END)
            break;
        if (k.truncated) {
            tagged_u64(c, 'K', k.digest, entry);
        } else {
            if (tfa_json_string_text(&k, c->scratch, &text, &len) != 0)
                goto oom;
            tagged(c, 'k', text, len, entry);
        }
        if ((rc = tfa_scan_next(s, &v, err)) != 0 ||
            (rc = value(c, &v, entry + TFA_SHA256_BYTES, err)) != 0)
            goto done;
        if (tfa_buf_put(&c->entries, (const char *)entry, ENTRY) != 0)
            goto oom;
        n++;
    }
    e = (unsigned char *)c->entries.ptr + base;
    sort_entries(e, n);
    if (c->objs && n >= 1 && n <= OBJ_MEMBERS) {
        /* the slot from the entries' first bytes: digests, so spread */
        size_t h = (size_t)e[0] << 8 | e[1];
        h ^= (size_t)e[TFA_SHA256_BYTES] << 8 | e[TFA_SHA256_BYTES + 1];
        if (n == 2)
            h ^= (size_t)e[ENTRY] << 8 | e[ENTRY + TFA_SHA256_BYTES];
        slot = &c->objs[h & (OBJ_SLOTS - 1)];
        if (slot->n == n && memcmp(slot->entries, e, n * ENTRY) == 0) {
            memcpy(out, slot->digest, TFA_SHA256_BYTES);
            rc = 0;
            goto done;
        }
    }
    for (i = 0; i < 8; i++)
        count[i] = (unsigned char)((uint64_t)n >> (8 * i));
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, "o", 1);
    tfa_sha256_update(&sha, count, sizeof(count));
    if (n)
        tfa_sha256_update(&sha, e, n * ENTRY);
    tfa_sha256_final(&sha, out);
    if (slot) {
        slot->n = n;
        memcpy(slot->entries, e, n * ENTRY);
        memcpy(slot->digest, out, TFA_SHA256_BYTES);
    }
    rc = 0;
    goto done;
oom:
    rc = tfa_error_oom(err);
done:
    tfa_buf_truncate(&c->entries, base);
    return rc;
}

static int array(digest_ctx *c, unsigned char out[TFA_SHA256_BYTES], tfa_error *err)
{
    tfa_scan *s = c->s;
    unsigned char d[TFA_SHA256_BYTES];
    tfa_sha256 sha;
    tfa_token t;
    int rc;

    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, "a", 1);
    for (;;) {
        if ((rc = tfa_scan_next(s, &t, err)) != 0)
            return rc;
        if (t.type == TFA_TOK_ARR_END)
            break;
        if ((rc = value(c, &t, d, err)) != 0)
            return rc;
        tfa_sha256_update(&sha, d, sizeof(d));
    }
    tfa_sha256_final(&sha, out);
    return 0;
}

static int value(digest_ctx *c, const tfa_token *first, unsigned char out[TFA_SHA256_BYTES],
                 tfa_error *err)
{
    if (first->type == TFA_TOK_OBJ)
        return object(c, out, err);
    if (first->type == TFA_TOK_ARR)
        return array(c, out, err);
    return leaf(c, first, out) ? tfa_error_oom(err) : 0;
}

int tfa_jsondigest_value(tfa_scan *s, const tfa_token *first, tfa_buf *scratch,
                         unsigned char out[TFA_SHA256_BYTES], tfa_error *err)
{
    digest_ctx c;
    int rc;

    c.s = s;
    c.scratch = scratch;
    c.cache = NULL;
    c.objs = NULL;
    tfa_buf_init(&c.entries, TFA_BUF_NO_MAX);
    /* a container may repeat its leaves; a leaf alone has nothing to share */
    if (first->type == TFA_TOK_OBJ || first->type == TFA_TOK_ARR)
        c.cache = tfa_calloc(CACHE_SLOTS, sizeof(cache_slot));
    if (c.cache)
        c.objs = tfa_calloc(OBJ_SLOTS, sizeof(obj_slot));
    rc = value(&c, first, out, err);
    tfa_free(c.cache);
    tfa_free(c.objs);
    tfa_buf_release(&c.entries);
    return rc;
}

void tfa_digest_add(unsigned char out[TFA_SHA256_BYTES], const unsigned char add[TFA_SHA256_BYTES])
{
    unsigned carry = 0;
    int i;
    for (i = TFA_SHA256_BYTES - 1; i >= 0; i--) {
        carry += (unsigned)out[i] + add[i];
        out[i] = (unsigned char)carry;
        carry >>= 8;
    }
}
