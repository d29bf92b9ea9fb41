/*
 * sign.c - Ed25519 private keys: generate, load, sign (see sign.h).
 *
 * The key file is created with O_EXCL and mode 0600 in one open(), so
 * there is no moment where another user could read it and no way to
 * overwrite an existing key by mistake. Key bytes pass through libcrypto's
 * memory BIOs only and are cleansed before being freed.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "sign_priv.h"
#include "util/alloc.h"
#include "util/limits.h"
#include "util/sha256.h"

struct tfa_signer {
    EVP_PKEY *pkey;
    char key_id[TFA_KEY_ID_SIZE];
    char public_b64[TFA_KEY_PUBLIC_SIZE];
};

int tfa__key_id(char out[TFA_KEY_ID_SIZE], const unsigned char raw[32])
{
    unsigned char digest[TFA_SHA256_BYTES];
    tfa_buf b;
    int rc;

    tfa_sha256_digest(raw, 32, digest);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "SHA256:");
    rc = tfa_base64_encode(&b, digest, sizeof(digest), 0);
    while (rc == 0 && b.len && b.ptr[b.len - 1] == '=')
        tfa_buf_truncate(&b, b.len - 1);
    if (rc == 0)
        snprintf(out, TFA_KEY_ID_SIZE, "%s", b.ptr);
    tfa_buf_release(&b);
    return rc;
}

/* Fill the ids of a freshly loaded or generated key. */
static int describe(tfa_signer *k, tfa_error *err)
{
    unsigned char raw[32];
    size_t n = sizeof(raw);
    tfa_buf b;
    int rc;

    if (EVP_PKEY_get_raw_public_key(k->pkey, raw, &n) != 1 || n != sizeof(raw))
        return tfa_error_set(err, TFA_EIO, "cannot read the public key (libcrypto)");
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    rc = tfa_base64_encode(&b, raw, n, 0);
    if (rc == 0)
        snprintf(k->public_b64, sizeof(k->public_b64), "%s", b.ptr);
    tfa_buf_release(&b);
    rc = rc ? rc : tfa__key_id(k->key_id, raw);
    return rc ? tfa_error_oom(err) : 0;
}

void tfa_signer_free(tfa_signer *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    tfa_free(key);
}

/* Write all of `len` bytes to fd. */
static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int write_key(const char *path, EVP_PKEY *pkey, tfa_error *err)
{
    BIO *mem = BIO_new(BIO_s_mem());
    char *pem = NULL;
    long len = 0;
    int fd = -1, rc = 0;

    if (!mem || PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
        (len = BIO_get_mem_data(mem, &pem)) <= 0) {
        rc = tfa_error_set(err, TFA_ENOMEM, "cannot encode the private key (libcrypto)");
        goto done;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        rc = errno == EEXIST
                 ? tfa_error_set(err, TFA_EUSAGE, "'%s' exists: a key is never overwritten", path)
                 : tfa_error_set(err, TFA_EIO, "cannot create '%s': %s", path, strerror(errno));
        goto done;
    }
    if (write_all(fd, pem, (size_t)len) != 0 || fsync(fd) != 0) {
        rc = tfa_error_set(err, TFA_EIO, "cannot write '%s': %s", path, strerror(errno));
        unlink(path);
    }
done:
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = tfa_error_set(err, TFA_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (pem && len > 0)
        OPENSSL_cleanse(pem, (size_t)len);
    BIO_free(mem);
    return rc;
}

int tfa_signer_generate(tfa_signer **out, const char *path, tfa_error *err)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    tfa_signer *k = tfa_calloc(1, sizeof(*k));
    int rc = 0;

    if (out)
        *out = NULL;
    if (!ctx || !k) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &k->pkey) != 1) {
        rc = tfa_error_set(err, TFA_EIO, "cannot generate an Ed25519 key (libcrypto)");
        goto done;
    }
    if ((rc = describe(k, err)) != 0 || (rc = write_key(path, k->pkey, err)) != 0)
        goto done;
    if (out) {
        *out = k;
        k = NULL; /* handed over */
    }
done:
    tfa_signer_free(k);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

int tfa__read_small_file(tfa_buf *out, const char *path, size_t max, tfa_error *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;
    int rc = 0;

    if (!f)
        return tfa_error_set(err, errno == ENOENT ? TFA_ENOTFOUND : TFA_EIO, "cannot open '%s': %s",
                             path, strerror(errno));
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len + n > max)
            rc = tfa_error_set(err, TFA_ELIMIT, "'%s' is larger than %zu bytes", path, max);
        else if (tfa_buf_put(out, chunk, n) != 0)
            rc = tfa_error_oom(err);
    }
    if (rc == 0 && ferror(f))
        rc = tfa_error_set(err, TFA_EIO, "cannot read '%s': %s", path, strerror(errno));
    OPENSSL_cleanse(chunk, sizeof(chunk));
    fclose(f);
    return rc;
}

int tfa_signer_load(tfa_signer **out, const char *path, tfa_error *err)
{
    tfa_signer *k = tfa_calloc(1, sizeof(*k));
    BIO *mem = NULL;
    tfa_buf pem;
    int rc;

    *out = NULL;
    tfa_buf_init(&pem, TFA_LIMIT_KEY_FILE_BYTES);
    if (!k) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa__read_small_file(&pem, path, TFA_LIMIT_KEY_FILE_BYTES, err)) != 0)
        goto done;
    if (!(mem = BIO_new_mem_buf(pem.ptr, (int)pem.len))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    k->pkey = PEM_read_bio_PrivateKey(mem, NULL, NULL, NULL);
    if (!k->pkey || EVP_PKEY_id(k->pkey) != EVP_PKEY_ED25519) {
        rc = tfa_error_set(err, TFA_EINPUT, "'%s' is not an Ed25519 private key (PEM)", path);
        goto done;
    }
    if ((rc = describe(k, err)) != 0)
        goto done;
    *out = k;
    k = NULL; /* handed over */
done:
    BIO_free(mem);
    if (pem.cap)
        OPENSSL_cleanse(pem.ptr, pem.len);
    tfa_buf_release(&pem);
    tfa_signer_free(k);
    return rc;
}

const char *tfa_signer_key_id(const tfa_signer *key)
{
    return key->key_id;
}

const char *tfa_signer_public(const tfa_signer *key)
{
    return key->public_b64;
}

int tfa_signer_public_line(tfa_buf *out, const tfa_signer *key, const char *comment)
{
    tfa_buf_printf(out, "%s %s", TFA_KEY_ALGORITHM, key->public_b64);
    if (comment && *comment)
        tfa_buf_printf(out, " %s", comment);
    return tfa_buf_status(out);
}

int tfa_signer_sign(const tfa_signer *key, const void *data, size_t len, char out[TFA_SIG_B64_SIZE],
                    tfa_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char sig[TFA_SIG_BYTES];
    size_t n = sizeof(sig);
    tfa_buf b;
    int rc = 0;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (!ctx) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) != 1 ||
        EVP_DigestSign(ctx, sig, &n, data, len) != 1 || n != sizeof(sig)) {
        rc = tfa_error_set(err, TFA_EIO, "cannot sign (libcrypto)");
        goto done;
    }
    if (tfa_base64_encode(&b, sig, n, 0) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    snprintf(out, TFA_SIG_B64_SIZE, "%s", b.ptr);
done:
    tfa_buf_release(&b);
    EVP_MD_CTX_free(ctx);
    return rc;
}
