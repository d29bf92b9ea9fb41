/*
 * fuzz_canon.c - fuzz target for canonical JSON (storage/canon.c), the bytes
 * the ledger chain and bundle manifests hash. Any JSON jansson accepts must
 * write canonically, and the canonical form must read back to an equal
 * value that writes the same bytes again (canon.h's promise), with no
 * whitespace outside strings.
 */
#include "fuzz.h"
#include "canon.h"

/* No blank outside strings (strings are where '"' toggles, '\' escapes). */
static int blank_outside_strings(const char *p, size_t n)
{
    size_t i;
    int in = 0;
    for (i = 0; i < n; i++) {
        if (in && p[i] == '\\')
            i++;
        else if (p[i] == '"')
            in = !in;
        else if (!in && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *v, *back = NULL;
    tfa_buf a, b;
    tfa_error err;
    int rc;

    v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!v)
        return 0;
    tfa_buf_init(&a, TFA_BUF_NO_MAX);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_error_init(&err);
    rc = tfa_canon_json(&a, v, &err);
    if (rc != 0) {
        FUZZ_CHECK_ERROR(&err);
        FUZZ_CHECK(rc == TFA_ELIMIT || rc == TFA_ENOMEM);
        goto done;
    }
    FUZZ_CHECK(!blank_outside_strings(a.ptr, a.len));
    back = json_loadb(a.ptr, a.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    FUZZ_CHECK(back != NULL);
    FUZZ_CHECK(json_equal(v, back));
    rc = tfa_canon_json(&b, back, &err);
    FUZZ_CHECK(rc == 0 || rc == TFA_ENOMEM);
    FUZZ_CHECK(rc != 0 || (a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0));
done:
    tfa_buf_release(&a);
    tfa_buf_release(&b);
    json_decref(back);
    json_decref(v);
    return 0;
}
