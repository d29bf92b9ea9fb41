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
 */
#include "util/compat.h"

#include "jsondigest.h"
#include "jsonread.h"
#include "util/sort.h"

#define ENTRY (2 * TFA_SHA256_BYTES)

static void tagged(char tag, const void *data, size_t len, unsigned char out[TFA_SHA256_BYTES])
{
    tfa_sha256 sha;
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, &tag, 1);
    if (len)
        tfa_sha256_update(&sha, data, len);
    tfa_sha256_final(&sha, out);
}

/* A 64-bit hash, tagged, in a fixed byte order (digests are the same on every platform). */
static void tagged_u64(char tag, uint64_t h, unsigned char out[TFA_SHA256_BYTES])
{
    unsigned char le[8];
    size_t i;
    for (i = 0; i < 8; i++)
        le[i] = (unsigned char)(h >> (8 * i));
    tagged(tag, le, sizeof(le), out);
}

static int leaf(const tfa_token *t, tfa_buf *scratch, unsigned char out[TFA_SHA256_BYTES])
{
    const char *text;
    size_t len;
    uint64_t h;

    switch (t->type) {
    case TFA_TOK_STR:
        if (!t->truncated) {
            if (tfa_json_string_text(t, scratch, &text, &len) != 0)
                return TFA_ENOMEM;
            tagged('s', text, len, out);
            return 0;
        }
        h = t->digest;
        break;
    case TFA_TOK_NUM:
        h = tfa_json_number_hash(t->ptr, t->len, 0);
        break;
    case TFA_TOK_TRUE:
        tagged('t', NULL, 0, out);
        return 0;
    case TFA_TOK_FALSE:
        tagged('f', NULL, 0, out);
        return 0;
    default:
        tagged('z', NULL, 0, out);
        return 0;
    }
    tagged_u64(t->type == TFA_TOK_STR ? 'S' : 'n', h, out);
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return memcmp(a, b, ENTRY);
}

static int object(tfa_scan *s, tfa_buf *scratch, unsigned char out[TFA_SHA256_BYTES],
                  tfa_error *err)
{
    unsigned char entry[ENTRY], count[8];
    tfa_buf entries;
    tfa_sha256 sha;
    tfa_token k, v;
    const char *text;
    size_t len, n = 0, i;
    int rc;

    tfa_buf_init(&entries, TFA_BUF_NO_MAX);
    for (;;) {
        if ((rc = tfa_scan_next(s, &k, err)) != 0)
            goto done;
        if (k.type == TFA_TOK_OBJ_END)
            break;
        if (k.truncated) {
            tagged_u64('K', k.digest, entry);
        } else {
            if (tfa_json_string_text(&k, scratch, &text, &len) != 0)
                goto oom;
            tagged('k', text, len, entry);
        }
        if ((rc = tfa_scan_next(s, &v, err)) != 0 ||
            (rc = tfa_jsondigest_value(s, &v, scratch, entry + TFA_SHA256_BYTES, err)) != 0)
            goto done;
        tfa_buf_put(&entries, (const char *)entry, ENTRY);
        if (tfa_buf_status(&entries))
            goto oom;
        n++;
    }
    tfa_sort(entries.ptr, n, ENTRY, cmp_entry);
    for (i = 0; i < 8; i++)
        count[i] = (unsigned char)((uint64_t)n >> (8 * i));
    tfa_sha256_init(&sha);
    tfa_sha256_update(&sha, "o", 1);
    tfa_sha256_update(&sha, count, sizeof(count));
    if (n)
        tfa_sha256_update(&sha, entries.ptr, n * ENTRY);
    tfa_sha256_final(&sha, out);
    rc = 0;
    goto done;
oom:
    rc = tfa_error_oom(err);
done:
    tfa_buf_release(&entries);
    return rc;
}

static int array(tfa_scan *s, tfa_buf *scratch, unsigned char out[TFA_SHA256_BYTES], tfa_error *err)
{
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
        if ((rc = tfa_jsondigest_value(s, &t, scratch, d, err)) != 0)
            return rc;
        tfa_sha256_update(&sha, d, sizeof(d));
    }
    tfa_sha256_final(&sha, out);
    return 0;
}

int tfa_jsondigest_value(tfa_scan *s, const tfa_token *first, tfa_buf *scratch,
                         unsigned char out[TFA_SHA256_BYTES], tfa_error *err)
{
    if (first->type == TFA_TOK_OBJ)
        return object(s, scratch, out, err);
    if (first->type == TFA_TOK_ARR)
        return array(s, scratch, out, err);
    return leaf(first, scratch, out) ? tfa_error_oom(err) : 0;
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
