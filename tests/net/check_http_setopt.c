/*
 * check_http_setopt.c - an option libcurl refuses fails the request; it is
 * never skipped. This program interposes curl_easy_setopt (its own
 * definition wins over libcurl's for the code linked into it, and forwards
 * to libcurl's through dlsym) to refuse one chosen option, as a libcurl
 * whose TLS backend lacks CURLOPT_CAINFO_BLOB would: --cacert is then an
 * error, never a request that silently trusts only the system store.
 */
#include "util/compat.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include "net/http.h"
#include "testsupport.h"

#undef curl_easy_setopt /* curl.h's type-checking macro */

/* The option to refuse (0: none) and how many calls went through here;
 * Check forks each test, so each starts from these. */
static CURLoption refused_option;
static unsigned setopt_calls;

CURLcode curl_easy_setopt(CURL *h, CURLoption option, ...);
CURLcode curl_easy_setopt(CURL *h, CURLoption option, ...)
{
    typedef CURLcode (*real_fn)(CURL *, CURLoption, ...);
    real_fn real;
    CURLcode rc;
    va_list ap;

    setopt_calls++;
    if (refused_option && option == refused_option)
        return CURLE_NOT_BUILT_IN;
    *(void **)&real = dlsym(RTLD_NEXT, "curl_easy_setopt");
    if (!real)
        return CURLE_FAILED_INIT;
    va_start(ap, option);
    /* the three kinds of argument libcurl takes, by the option's number */
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = real(h, option, va_arg(ap, long));
    else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
        rc = real(h, option, va_arg(ap, curl_off_t));
    else
        rc = real(h, option, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

static char *dir, ca[4200];

static void setup(void)
{
    static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    dir = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    ck_assert_int_eq(tfa_test_write_file(ca, pem, sizeof(pem) - 1), 0);
}

static void teardown(void)
{
    tfa_test_rmtree(dir);
    free(dir);
}

/* A GET of a closed port on 127.0.0.1 with --cacert, no retries. */
static int get(tfa_error *err, tfa_http_response *res)
{
    tfa_http_options o;
    tfa_http_request r;

    tfa_http_options_init(&o);
    o.max_retries = 0;
    o.cacert = ca;
    memset(&r, 0, sizeof(r));
    r.url = "https://127.0.0.1:1/plan.json";
    tfa_error_init(err);
    tfa_http_response_init(res);
    return tfa_http_perform(res, &r, &o, err);
}

START_TEST(cacert_without_cainfo_blob_is_an_error)
{
    tfa_http_response res;
    tfa_error err;

    refused_option = CURLOPT_CAINFO_BLOB;
    ck_assert_int_eq(get(&err, &res), TFA_EUSAGE);
    ck_assert_msg(strncmp(err.message, "--cacert cannot be used with this libcurl (", 43) == 0,
                  "%s", err.message);
    ck_assert_msg(strstr(err.message, "(CURLOPT_CAINFO_BLOB: "), "%s", err.message);
    ck_assert_uint_eq(res.attempts, 0); /* nothing was sent */
    tfa_http_response_release(&res);
}
END_TEST

START_TEST(any_refused_option_is_an_error)
{
    tfa_http_response res;
    tfa_error err;

    refused_option = CURLOPT_LOW_SPEED_TIME;
    ck_assert_int_eq(get(&err, &res), TFA_EIO);
    ck_assert_msg(strstr(err.message, ") refused CURLOPT_LOW_SPEED_TIME: "), "%s", err.message);
    ck_assert_uint_eq(res.attempts, 0);
    tfa_http_response_release(&res);
}
END_TEST

START_TEST(options_accepted_reach_the_network)
{
    tfa_http_response res;
    tfa_error err;

    ck_assert_int_eq(get(&err, &res), TFA_EIO); /* the closed port */
    ck_assert_msg(!strstr(err.message, "refused CURLOPT") && !strstr(err.message, "--cacert"), "%s",
                  err.message);
    ck_assert_uint_eq(res.attempts, 1);
    ck_assert_uint_gt(setopt_calls, 10); /* the interposer saw them */
    tfa_http_response_release(&res);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("http_setopt");
    TCase *tc = tcase_create("setopt");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cacert_without_cainfo_blob_is_an_error);
    tcase_add_test(tc, any_refused_option_is_an_error);
    tcase_add_test(tc, options_accepted_reach_the_network);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
