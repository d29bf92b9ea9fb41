/*
 * keyring.c - lists of Ed25519 public keys: trusted keys and allowed
 * signers (see sign.h for the line format).
 */
#include "util/compat.h"

#include <openssl/evp.h>

#include "sign.h"
#include "sign_priv.h"
#include "util/alloc.h"
#include "util/limits.h"

typedef struct entry {
    tfa_public_key pub; /* first: a tfa_public_key * is an entry * */
    EVP_PKEY *pkey;
    char key_id[TFA_KEY_ID_SIZE];
    char public_b64[TFA_KEY_PUBLIC_SIZE];
    char *principals, *comment;
} entry;

struct tfa_keyring {
    entry **keys;
    size_t n, cap;
};

static void entry_free(entry *e)
{
    if (!e)
        return;
    EVP_PKEY_free(e->pkey);
    tfa_free(e->principals);
    tfa_free(e->comment);
    tfa_free(e);
}

void tfa_keyring_free(tfa_keyring *ring)
{
    size_t i;
    if (!ring)
        return;
    for (i = 0; i < ring->n; i++)
        entry_free(ring->keys[i]);
    tfa_free(ring->keys);
    tfa_free(ring);
}

size_t tfa_keyring_count(const tfa_keyring *ring)
{
    return ring ? ring->n : 0;
}

const tfa_public_key *tfa_keyring_at(const tfa_keyring *ring, size_t i)
{
    return i < ring->n ? &ring->keys[i]->pub : NULL;
}

/* Is `principal` one of the comma-separated `list`? */
static int lists(const char *list, const char *principal)
{
    size_t n = strlen(principal);
    const char *p = list;

    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, principal, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

const tfa_public_key *tfa_keyring_find(const tfa_keyring *ring, const char *key_id,
                                       const char *principal)
{
    size_t i;
    for (i = 0; ring && key_id && i < ring->n; i++) {
        const entry *e = ring->keys[i];
        if (strcmp(e->key_id, key_id) != 0)
            continue;
        if (!principal || (e->principals && lists(e->principals, principal)))
            return &e->pub;
    }
    return NULL;
}

int tfa_keyring_check(const tfa_keyring *ring, const tfa_public_key *key, const void *data,
                      size_t len, const char *sig_b64)
{
    const entry *e = (const entry *)key;
    EVP_MD_CTX *ctx = NULL;
    tfa_buf sig;
    int ok = 0;

    (void)ring;
    tfa_buf_init(&sig, TFA_SIG_BYTES + 4);
    if (!sig_b64 || tfa_base64_decode(&sig, sig_b64, strlen(sig_b64), 0) != 0 ||
        sig.len != TFA_SIG_BYTES)
        goto done;
    if (!(ctx = EVP_MD_CTX_new())) {
        ok = TFA_ENOMEM;
        goto done;
    }
    ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, e->pkey) == 1 &&
         EVP_DigestVerify(ctx, (const unsigned char *)sig.ptr, sig.len, data, len) == 1;
done:
    EVP_MD_CTX_free(ctx);
    tfa_buf_release(&sig);
    return ok;
}

/* Split off the next whitespace-separated word of [*p, end). */
static int word(const char **p, const char *end, const char **w, size_t *n)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *w = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    *n = (size_t)(*p - *w);
    return *n > 0;
}

static int line_error(tfa_error *err, const char *name, unsigned long line, const char *what)
{
    tfa_error_set(err, TFA_EINPUT, "%s:%lu: %s", name, line, what);
    return TFA_EINPUT;
}

/* One non-blank line: [PRINCIPALS] ed25519 BASE64 [COMMENT...]. */
static int parse_line(entry **out, const char *name, unsigned long line, const char *p,
                      const char *end, tfa_error *err)
{
    const char *w1, *w2, *w3, *principals = NULL, *b64;
    size_t n1, n2, n3, n_principals = 0, n_b64;
    entry *e = NULL;
    tfa_buf raw;
    int rc = 0;

    tfa_buf_init(&raw, 64);
    word(&p, end, &w1, &n1);
    word(&p, end, &w2, &n2);
    if (n1 == strlen(TFA_KEY_ALGORITHM) && memcmp(w1, TFA_KEY_ALGORITHM, n1) == 0) {
        b64 = w2, n_b64 = n2;
    } else if (n2 == strlen(TFA_KEY_ALGORITHM) && memcmp(w2, TFA_KEY_ALGORITHM, n2) == 0) {
        principals = w1, n_principals = n1;
        word(&p, end, &w3, &n3);
        b64 = w3, n_b64 = n3;
    } else {
        rc = line_error(err, name, line, "expected '[PRINCIPALS] ed25519 BASE64 [COMMENT]'");
        goto done;
    }
    if (tfa_base64_decode(&raw, b64, n_b64, 0) != 0 || raw.len != 32) {
        rc = line_error(err, name, line, "not a base64 Ed25519 public key (32 bytes)");
        goto done;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (!(e = tfa_calloc(1, sizeof(*e)))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    e->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, (const unsigned char *)raw.ptr,
                                          raw.len);
    e->principals = principals ? tfa_strndup(principals, n_principals) : NULL;
    e->comment = p < end ? tfa_strndup(p, (size_t)(end - p)) : NULL;
    snprintf(e->public_b64, sizeof(e->public_b64), "%.*s", (int)n_b64, b64);
    if (!e->pkey || (principals && !e->principals) || (p < end && !e->comment) ||
        tfa__key_id(e->key_id, (const unsigned char *)raw.ptr) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    e->pub.key_id = e->key_id;
    e->pub.public_b64 = e->public_b64;
    e->pub.principals = e->principals;
    e->pub.comment = e->comment;
    e->pub.line = line;
    *out = e;
    e = NULL; /* handed over */
done:
    entry_free(e);
    tfa_buf_release(&raw);
    return rc;
}

int tfa_keyring_parse(tfa_keyring **out, const char *name, const char *text, size_t len,
                      tfa_error *err)
{
    tfa_keyring *ring = tfa_calloc(1, sizeof(*ring));
    const char *p = text, *end = text + len;
    unsigned long line = 0;
    int rc = 0;

    *out = NULL;
    if (!ring)
        return tfa_error_oom(err);
    while (rc == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e = nl ? nl : end;
        entry *k = NULL;
        line++;
        p = nl ? nl + 1 : end;
        while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s == e || *s == '#')
            continue;
        if (ring->n >= TFA_LIMIT_KEYRING_KEYS) {
            rc = tfa_error_set(err, TFA_ELIMIT, "%s:%lu: more than %d keys", name, line,
                               TFA_LIMIT_KEYRING_KEYS);
            break;
        }
        if ((rc = parse_line(&k, name, line, s, e, err)) != 0)
            break;
        if (tfa_array_grow(&ring->keys, &ring->cap, ring->n + 1, sizeof(*ring->keys)) != 0) {
            entry_free(k);
            rc = tfa_error_oom(err);
            break;
        }
        ring->keys[ring->n++] = k;
    }
    if (rc == 0 && ring->n == 0)
        rc = tfa_error_set(err, TFA_EINPUT, "%s: no public key in the file", name);
    if (rc)
        tfa_keyring_free(ring);
    else
        *out = ring;
    return rc;
}

int tfa_keyring_load(tfa_keyring **out, const char *path, tfa_error *err)
{
    tfa_buf text;
    int rc;

    *out = NULL;
    tfa_buf_init(&text, TFA_LIMIT_KEYRING_BYTES);
    rc = tfa__read_small_file(&text, path, TFA_LIMIT_KEYRING_BYTES, err);
    rc = rc ? rc : tfa_keyring_parse(out, path, text.ptr, text.len, err);
    tfa_buf_release(&text);
    return rc;
}
