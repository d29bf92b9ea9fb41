/*
 * base64.c - RFC 4648 base64 over libcrypto's block coder (see sign.h).
 *
 * Decoding is strict: the text must be exactly what encoding its bytes
 * gives back. So one value has one spelling, and a signature or token
 * cannot be re-spelled (padding bits, whitespace) to look different.
 */
#include "util/compat.h"

#include <openssl/evp.h>

#include "sign.h"
#include "util/alloc.h"

static void to_url(char *s, size_t *len)
{
    size_t i;
    for (i = 0; i < *len; i++)
        s[i] = s[i] == '+' ? '-' : s[i] == '/' ? '_' : s[i];
    while (*len && s[*len - 1] == '=')
        s[--*len] = '\0';
}

int tfa_base64_encode(tfa_buf *out, const void *data, size_t len, int url)
{
    size_t n = 4 * ((len + 2) / 3), start = out->len;
    int rc;

    if (len > INT_MAX / 2)
        return TFA_ELIMIT;
    if ((rc = tfa_buf_grow(out, n + 1)) != 0)
        return rc;
    EVP_EncodeBlock((unsigned char *)out->ptr + start, data, (int)len);
    if (url)
        to_url(out->ptr + start, &n);
    out->len = start + n;
    out->ptr[out->len] = '\0';
    return 0;
}

static int in_alphabet(char c, int url)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return 1;
    return url ? (c == '-' || c == '_') : (c == '+' || c == '/' || c == '=');
}

int tfa_base64_decode(tfa_buf *out, const char *text, size_t len, int url)
{
    tfa_buf std, again;
    size_t i, pad = 0, start = out->len;
    int n, rc = 0;

    tfa_buf_init(&std, TFA_BUF_NO_MAX);
    tfa_buf_init(&again, TFA_BUF_NO_MAX);
    for (i = 0; i < len; i++)
        if (!in_alphabet(text[i], url))
            return TFA_EINPUT;
    if (url) {
        for (i = 0; i < len; i++)
            tfa_buf_putc(&std, text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i]);
        while (std.len % 4)
            tfa_buf_putc(&std, '=');
    } else {
        tfa_buf_put(&std, text, len);
    }
    if ((rc = tfa_buf_status(&std)) != 0 || std.len % 4 || std.len > INT_MAX / 2) {
        rc = rc ? rc : TFA_EINPUT;
        goto done;
    }
    while (pad < 2 && pad < std.len && std.ptr[std.len - 1 - pad] == '=')
        pad++;
    if ((rc = tfa_buf_grow(out, std.len / 4 * 3 + 1)) != 0)
        goto done;
    n = EVP_DecodeBlock((unsigned char *)out->ptr + start, (const unsigned char *)std.ptr,
                        (int)std.len);
    if (n < 0 || (size_t)n < pad) {
        rc = TFA_EINPUT;
        goto done;
    }
    out->len = start + (size_t)n - pad;
    out->ptr[out->len] = '\0';
    /* one spelling per value */
    if ((rc = tfa_base64_encode(&again, out->ptr + start, out->len - start, url)) == 0 &&
        (again.len != len || memcmp(again.ptr, text, len) != 0))
        rc = TFA_EINPUT;
done:
    if (rc)
        tfa_buf_truncate(out, start);
    tfa_buf_release(&std);
    tfa_buf_release(&again);
    return rc;
}
