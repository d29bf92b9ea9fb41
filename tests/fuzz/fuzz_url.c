/*
 * fuzz_url.c - fuzz target for the URL policy (net/url.c). A URL accepted
 * must be https, or http to a loopback host; its display form must carry
 * no userinfo, query or fragment (presigned URLs hold credentials there).
 * Any string's redacted form (what error messages print) must carry no
 * query, fragment or userinfo either.
 */
#include "fuzz.h"
#include "net/url.h"
#include "util/alloc.h"

/* The authority of "scheme://authority/...": bytes after "://" up to the
 * next '/', '?' or '#'. */
static int authority_has_at(const char *s)
{
    const char *sep = strstr(s, "://");
    size_t n;
    if (!sep)
        return 0;
    sep += 3;
    n = strcspn(sep, "/?#");
    return memchr(sep, '@', n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char shown[512];
    tfa_url u = TFA_URL_INIT, again = TFA_URL_INIT;
    tfa_error err;
    char *s, *key;
    int rc;

    if (!(s = tfa_malloc(size + 1)))
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    tfa_url_redact(shown, sizeof(shown), s);
    FUZZ_CHECK(!strpbrk(shown, "?#"));
    FUZZ_CHECK(!authority_has_at(shown));

    tfa_error_init(&err);
    rc = tfa_url_parse(&u, s, &err);
    if (rc != 0) {
        FUZZ_CHECK_ERROR(&err);
        FUZZ_CHECK(rc == TFA_EUSAGE || rc == TFA_ENOMEM);
        FUZZ_CHECK(!strpbrk(err.source, "?#") && !authority_has_at(err.source));
        goto done;
    }
    FUZZ_CHECK(strcmp(u.scheme, "https") == 0 || (strcmp(u.scheme, "http") == 0 && u.loopback));
    FUZZ_CHECK(u.port > 0 && u.port <= 65535);
    FUZZ_CHECK(u.path[0] == '/');
    FUZZ_CHECK(strncmp(u.display, u.scheme, strlen(u.scheme)) == 0);
    FUZZ_CHECK(!strpbrk(u.display, "?#") && !authority_has_at(u.display));
    FUZZ_CHECK(tfa_url_same_origin(&u, &u));
    if ((key = tfa_url_host_key(&u)) != NULL) {
        FUZZ_CHECK(strncmp(key, u.host, strlen(u.host)) == 0);
        tfa_free(key);
    }
    /* the display form is a URL of the same origin */
    tfa_error_clear(&err);
    if (tfa_url_parse(&again, u.display, &err) == 0)
        FUZZ_CHECK(tfa_url_same_origin(&u, &again));
done:
    tfa_url_release(&again);
    tfa_url_release(&u);
    tfa_free(s);
    return 0;
}
