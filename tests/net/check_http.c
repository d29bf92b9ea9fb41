/*
 * check_http.c - the HTTP client (remote/http.h) and URL policy (remote/url.h)
 * against a real server on 127.0.0.1 (tests/net/fake_tfc.py) with injected
 * faults: throttling, server errors, slow drips, truncation, oversized
 * bodies, redirects to another origin, loops, refused connections, TLS.
 */
#include "util/compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "fake_server.h"
#include "net/url.h"

#define PLAN      "/file/tfc/archivist/plan-8F5JFydVYAmtTjET.json"
#define PLAN_FILE "fixtures/tfc/archivist/plan-8F5JFydVYAmtTjET.json"
#define PLAN_SIZE 6629

static fake_server srv; /* one per TCase, started in Check's parent */

static void server_up(void)
{
    fake_start_or_exit(&srv);
}

static void server_down(void)
{
    fake_stop(&srv);
}

/* One request and everything it produced. */
typedef struct got {
    tfa_http_options o;
    tfa_http_request r;
    tfa_http_response res;
    tfa_error err;
    fake_clock clk;
    char url[1024];
    char line[2048]; /* the error as it would be printed */
    int rc;
} got;

/* A request for `path` on the server. */
static void prepare(got *g, const char *path)
{
    memset(g, 0, sizeof(*g));
    fake_http_options(&g->o, &g->clk);
    tfa_error_init(&g->err);
    tfa_http_response_init(&g->res);
    snprintf(g->url, sizeof(g->url), "%s%s", srv.base, path);
    g->r.url = g->url;
}

static int run(got *g)
{
    g->rc = tfa_http_perform(&g->res, &g->r, &g->o, &g->err);
    tfa_error_format(&g->err, g->line, sizeof(g->line));
    return g->rc;
}

static void done(got *g)
{
    tfa_http_response_release(&g->res);
}

static void assert_is_plan(const got *g)
{
    size_t len;
    char *want = tfa_test_read_file(PLAN_FILE, &len);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_eq(g->res.body.len, len);
    ck_assert_int_eq(memcmp(g->res.body.ptr, want, len), 0);
    free(want);
}

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

START_TEST(http_get_reads_the_whole_body)
{
    got g;
    prepare(&g, PLAN "?X-Amz-Signature=abc");
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_int_eq(g.res.status, 200);
    ck_assert_uint_eq(g.res.attempts, 1);
    assert_is_plan(&g);
    ck_assert_uint_eq(g.clk.n, 0);
    done(&g);
}
END_TEST

START_TEST(http_retries_429_after_its_retry_after)
{
    got g;
    prepare(&g, "/f/r429.2/k429" PLAN);
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_uint_eq(g.res.attempts, 2);
    ck_assert_uint_eq(g.clk.n, 1);
    ck_assert_int_eq(g.clk.slept[0], 2000); /* Retry-After honoured exactly, no jitter */
    assert_is_plan(&g);
    done(&g);
}
END_TEST

START_TEST(http_retries_503_after_an_http_date)
{
    got g;
    prepare(&g, "/f/d503.3/k503" PLAN);
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_uint_eq(g.res.attempts, 2);
    ck_assert_uint_eq(g.clk.n, 1);
    /* a date has one-second resolution: 3 s ahead, give or take one */
    ck_assert_msg(g.clk.slept[0] >= 1000 && g.clk.slept[0] <= 4000, "slept %ld ms", g.clk.slept[0]);
    done(&g);
}
END_TEST

START_TEST(http_retries_500_twice_with_backoff_and_jitter)
{
    got g;
    prepare(&g, "/f/s500,s500/k500" PLAN);
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_uint_eq(g.res.attempts, 3);
    ck_assert_uint_eq(g.clk.n, 2);
    /* equal jitter at 0.5: half of 100 ms plus a quarter, then of 200 ms */
    ck_assert_int_eq(g.clk.slept[0], 75);
    ck_assert_int_eq(g.clk.slept[1], 150);
    assert_is_plan(&g);
    done(&g);
}
END_TEST

START_TEST(http_error_names_the_url_without_its_query)
{
    got g;
    char want[2048];
    prepare(&g, "/f/s502*/kname" PLAN "?X-Amz-Signature=SECRET#frag");
    ck_assert_int_eq(run(&g), TFA_EIO);
    snprintf(want, sizeof(want), "%s/f/s502*/kname" PLAN ": HTTP 502 after 3 attempts", srv.base);
    ck_assert_str_eq(g.line, want);
    ck_assert_ptr_null(strstr(g.line, "SECRET"));
    done(&g);
}
END_TEST

START_TEST(http_post_is_not_retried_on_500)
{
    got g;
    prepare(&g, "/f/s500,ok/kpost500/hook");
    g.r.method = "POST";
    g.r.body = "{}";
    g.r.body_len = 2;
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_uint_eq(g.res.attempts, 1);
    done(&g);
}
END_TEST

START_TEST(http_post_is_retried_on_503)
{
    got g;
    prepare(&g, "/f/r503.0,ok/kpost503/hook");
    g.r.method = "POST";
    g.r.body = "{}";
    g.r.body_len = 2;
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_uint_eq(g.res.attempts, 2);
    ck_assert_str_eq(g.res.body.ptr, "ok");
    done(&g);
}
END_TEST

START_TEST(http_aborts_a_slow_drip)
{
    got g;
    double t0 = now_s();
    prepare(&g, "/f/drip*/kdrip" PLAN);
    g.o.max_retries = 1;
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_msg(
        strstr(g.line, ": transfer too slow: under 1000 bytes/s for 1 s (after 2 attempts)"), "%s",
        g.line);
    ck_assert_msg(now_s() - t0 < 8.0, "took %.1f s", now_s() - t0);
    done(&g);
}
END_TEST

START_TEST(http_stops_at_the_overall_timeout)
{
    got g;
    prepare(&g, "/f/slow*/kslow" PLAN);
    g.o.max_retries = 0;
    g.o.low_speed_bytes = 1;
    g.o.timeout_ms = 1500;
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_msg(strstr(g.line, ": timed out after 1500 ms"), "%s", g.line);
    done(&g);
}
END_TEST

START_TEST(http_reports_a_truncated_body)
{
    got g;
    prepare(&g, "/f/trunc*/ktrunc" PLAN);
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_msg(strstr(g.line, ": response truncated: connection closed after 3314 of 6629 "
                                 "bytes (after 3 attempts)"),
                  "%s", g.line);
    done(&g);
}
END_TEST

START_TEST(http_retries_a_truncated_body)
{
    got g;
    prepare(&g, "/f/trunc/ktrunc1" PLAN);
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_uint_eq(g.res.attempts, 2);
    assert_is_plan(&g);
    done(&g);
}
END_TEST

START_TEST(http_caps_a_body_with_a_length)
{
    got g;
    prepare(&g, "/f/big.3000000/kbig/x");
    g.o.max_bytes = 100000;
    ck_assert_int_eq(run(&g), TFA_ELIMIT);
    ck_assert_msg(strstr(g.line, ": response larger than the 100000-byte limit"), "%s", g.line);
    ck_assert_uint_eq(g.res.attempts, 1);
    done(&g);
}
END_TEST

START_TEST(http_caps_a_body_without_a_length)
{
    got g;
    prepare(&g, "/f/bigc.3000000/kbigc/x");
    g.r.max_bytes = 65536; /* the request's own, tighter cap */
    ck_assert_int_eq(run(&g), TFA_ELIMIT);
    ck_assert_msg(strstr(g.line, ": response larger than the 65536-byte limit"), "%s", g.line);
    ck_assert_uint_le(g.res.body.len, 65536);
    done(&g);
}
END_TEST

START_TEST(http_takes_a_body_at_the_cap)
{
    got g;
    prepare(&g, "/f/big.100000/kexact/x");
    g.o.max_bytes = 100000;
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_uint_eq(g.res.body.len, 100000);
    done(&g);
}
END_TEST

START_TEST(http_redirect_to_another_host_drops_the_token)
{
    got g;
    json_t *first, *echo;
    prepare(&g, "/f/redir.localhost/kcross/echo");
    g.r.token = FAKE_TOKEN;
    g.r.token_source = "TFE_TOKEN";
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_str_eq(g.res.body.ptr, "echo\n");
    first = fake_requests(&srv, "/f/redir.localhost/kcross/echo");
    echo = fake_requests(&srv, "/echo");
    ck_assert_uint_eq(json_array_size(first), 1);
    ck_assert_str_eq(fake_auth(first, 0), "Bearer " FAKE_TOKEN);
    /* the request that reached localhost:PORT carried no Authorization */
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(echo, json_array_size(echo) - 1), "host")),
        srv.other + 7);
    ck_assert_ptr_null(fake_auth(echo, json_array_size(echo) - 1));
    json_decref(first);
    json_decref(echo);
    done(&g);
}
END_TEST

START_TEST(http_redirect_within_the_origin_keeps_the_token)
{
    got g;
    json_t *reqs;
    prepare(&g, "/f/redir.127.0.0.1/ksame/echo?same=1");
    g.r.token = FAKE_TOKEN;
    ck_assert_tfa_ok(run(&g), &g.err);
    reqs = fake_requests(&srv, "/echo?same=1");
    ck_assert_uint_eq(json_array_size(reqs), 2);
    ck_assert_str_eq(fake_auth(reqs, 1), "Bearer " FAKE_TOKEN);
    json_decref(reqs);
    done(&g);
}
END_TEST

START_TEST(http_token_goes_only_to_its_origin)
{
    got g;
    char origin[128];
    json_t *reqs;
    prepare(&g, "");
    snprintf(g.url, sizeof(g.url), "%s/echo?origin-test=1", srv.other);
    snprintf(origin, sizeof(origin), "%s/api/v2", srv.base);
    g.r.token = FAKE_TOKEN;
    g.r.token_origin = origin;
    ck_assert_tfa_ok(run(&g), &g.err);
    reqs = fake_requests(&srv, "origin-test=1");
    ck_assert_uint_eq(json_array_size(reqs), 1);
    ck_assert_ptr_null(fake_auth(reqs, 0));
    json_decref(reqs);
    done(&g);
}
END_TEST

START_TEST(http_redirect_loops_are_bounded)
{
    got g;
    prepare(&g, "/f/loop*/kloop/echo");
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_msg(strstr(g.line, ": too many redirects (more than 5) (after a redirect to "
                                 "127.0.0.1:"),
                  "%s", g.line);
    ck_assert_uint_eq(g.res.attempts, 6);
    done(&g);
}
END_TEST

START_TEST(http_refuses_a_redirect_to_plain_http_elsewhere)
{
    got g;
    prepare(&g, "/f/redir.192.0.2.7/krefuse/echo");
    ck_assert_int_eq(run(&g), TFA_EUSAGE);
    ck_assert_msg(strstr(g.line, ": HTTP 302: redirect refused: plain http is only allowed to a "
                                 "loopback host; use https"),
                  "%s", g.line);
    ck_assert_uint_eq(g.res.attempts, 1);
    done(&g);
}
END_TEST

START_TEST(http_refuses_plain_http_to_a_remote_host)
{
    got g;
    prepare(&g, "");
    g.r.url = "http://plans.example.com/p.json?token=SECRET";
    ck_assert_int_eq(run(&g), TFA_EUSAGE);
    ck_assert_str_eq(g.line, "http://plans.example.com/p.json: plain http is only allowed to a "
                             "loopback host; use https");
    ck_assert_uint_eq(g.res.attempts, 0);
    done(&g);
}
END_TEST

START_TEST(http_rejected_token_is_named_by_its_source)
{
    got g;
    prepare(&g, "/f/s401/k401/echo");
    g.r.token = "wrong-" FAKE_TOKEN;
    g.r.token_source = "TF_TOKEN_app_terraform_io";
    ck_assert_int_eq(run(&g), TFA_EUSAGE);
    ck_assert_msg(strstr(g.line, ": HTTP 401: token rejected (token from "
                                 "TF_TOKEN_app_terraform_io)"),
                  "%s", g.line);
    ck_assert_ptr_null(strstr(g.line, FAKE_TOKEN));
    done(&g);
}
END_TEST

START_TEST(http_refuses_a_token_that_would_split_a_header)
{
    got g;
    prepare(&g, "/echo");
    g.r.token = "abc\r\nX-Injected: 1";
    g.r.token_source = "TFE_TOKEN";
    ck_assert_int_eq(run(&g), TFA_EUSAGE);
    ck_assert_msg(strstr(g.line, "the token from TFE_TOKEN contains spaces or control characters"),
                  "%s", g.line);
    ck_assert_uint_eq(g.res.attempts, 0);
    done(&g);
}
END_TEST

START_TEST(http_404_is_not_found)
{
    got g;
    prepare(&g, "/file/tfc/no-such-file.json");
    ck_assert_int_eq(run(&g), TFA_ENOTFOUND);
    ck_assert_int_eq(g.res.status, 404);
    ck_assert_uint_eq(g.res.attempts, 1);
    done(&g);
}
END_TEST

START_TEST(http_reports_a_refused_connection)
{
    got g;
    char want[256];
    int port = fake_closed_port();
    prepare(&g, "");
    snprintf(g.url, sizeof(g.url), "http://127.0.0.1:%d/plan.json", port);
    ck_assert_int_eq(run(&g), TFA_EIO);
    snprintf(
        want, sizeof(want),
        "http://127.0.0.1:%d/plan.json: cannot connect to 127.0.0.1 port %d (after 3 attempts)",
        port, port);
    ck_assert_str_eq(g.line, want);
    ck_assert_uint_eq(g.clk.n, 2);
    done(&g);
}
END_TEST

START_TEST(http_connect_timeout_is_bounded)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), fill[3], port, i;
    char want[256];
    double t0;
    got g;

    /* a listener whose backlog is full: the kernel drops further SYNs */
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(fd, 0), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    for (i = 0; i < 3; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(fill[i], (struct sockaddr *)&a, sizeof(a));
    }
    usleep(200000);
    prepare(&g, "");
    snprintf(g.url, sizeof(g.url), "http://127.0.0.1:%d/plan.json", port);
    g.o.connect_timeout_ms = 1000;
    g.o.max_retries = 0;
    t0 = now_s();
    ck_assert_int_eq(run(&g), TFA_EIO);
    snprintf(want, sizeof(want),
             "http://127.0.0.1:%d/plan.json: cannot connect to 127.0.0.1 port %d: timed out after "
             "1000 ms",
             port, port);
    ck_assert_str_eq(g.line, want);
    ck_assert_msg(now_s() - t0 < 5.0, "took %.1f s", now_s() - t0);
    for (i = 0; i < 3; i++)
        close(fill[i]);
    close(fd);
    done(&g);
}
END_TEST

START_TEST(http_refuses_a_retry_after_longer_than_its_cap)
{
    got g;
    prepare(&g, "/f/r429.3600/klong/echo");
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_msg(
        strstr(g.line, ": HTTP 429: the server asks to retry after 3600 s, more than 60 s"), "%s",
        g.line);
    ck_assert_uint_eq(g.clk.n, 0);
    done(&g);
}
END_TEST

static void collect(void *payload, const char *msg)
{
    tfa_buf *b = payload;
    tfa_buf_puts(b, msg);
    tfa_buf_putc(b, '\n');
}

START_TEST(http_trace_shows_no_token_and_no_query)
{
    got g;
    tfa_buf trace;
    tfa_buf_init(&trace, TFA_BUF_NO_MAX);
    prepare(&g, "/f/r503.0,redir.localhost/ktrace/echo?X-Amz-Signature=SECRET-Q");
    g.o.trace = collect;
    g.o.payload = &trace;
    g.o.sleep_ms = NULL; /* Retry-After 0: a real, zero-length sleep */
    g.r.token = FAKE_TOKEN;
    g.r.token_source = "TFE_TOKEN";
    ck_assert_tfa_ok(run(&g), &g.err);
    ck_assert_msg(strstr(trace.ptr, "HTTP 503, Retry-After: retrying in 0.00 s\n"), "%s",
                  trace.ptr);
    ck_assert_msg(strstr(trace.ptr, "HTTP 302: redirected to localhost:"), "%s", trace.ptr);
    ck_assert_msg(strstr(trace.ptr, "(another origin: the token is not sent)"), "%s", trace.ptr);
    ck_assert_ptr_null(strstr(trace.ptr, "SECRET"));
    ck_assert_ptr_null(strstr(trace.ptr, FAKE_TOKEN));
    tfa_buf_release(&trace);
    done(&g);
}
END_TEST

START_TEST(http_no_request_carried_the_canary)
{
    ck_assert(!fake_canary_seen(&srv));
}
END_TEST

/* ---- without a server ---------------------------------------------------- */

START_TEST(http_retry_after_values)
{
    time_t now = 1732700000; /* 2024-11-27T09:33:20Z */
    ck_assert_int_eq(tfa_http_retry_after_ms("120", now), 120000);
    ck_assert_int_eq(tfa_http_retry_after_ms(" 0 ", now), 0);
    ck_assert_int_eq(tfa_http_retry_after_ms("Wed, 27 Nov 2024 09:33:50 GMT", now), 30000);
    ck_assert_int_eq(tfa_http_retry_after_ms("Wed, 27 Nov 2024 09:00:00 GMT", now), 0);
    ck_assert_int_eq(tfa_http_retry_after_ms("soon", now), -1);
    ck_assert_int_eq(tfa_http_retry_after_ms("12s", now), -1);
    ck_assert_int_ge(tfa_http_retry_after_ms("99999999999999999999", now), 60000);
}
END_TEST

START_TEST(url_policy_display_and_origin)
{
    tfa_url a = TFA_URL_INIT, b = TFA_URL_INIT;
    tfa_error err;
    char shown[128];

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_url_parse(&a, "https://User:Pw@Plans.Example.COM/x/p.json?sig=1#f", &err),
                     &err);
    ck_assert_str_eq(a.display, "https://plans.example.com/x/p.json");
    ck_assert_str_eq(a.host, "plans.example.com");
    ck_assert_uint_eq(a.port, 443);
    ck_assert_int_eq(a.loopback, 0);
    ck_assert_tfa_ok(tfa_url_parse(&b, "https://plans.example.com:443/other", &err), &err);
    ck_assert(tfa_url_same_origin(&a, &b));
    tfa_url_release(&b);
    ck_assert_tfa_ok(tfa_url_parse(&b, "https://plans.example.com:8443/x", &err), &err);
    ck_assert(!tfa_url_same_origin(&a, &b));
    ck_assert_str_eq(b.display, "https://plans.example.com:8443/x");
    tfa_url_release(&b);
    ck_assert_tfa_ok(tfa_url_parse(&b, "http://127.0.0.9:8080/p", &err), &err);
    ck_assert_int_eq(b.loopback, 1);
    tfa_url_release(&b);
    ck_assert_tfa_ok(tfa_url_parse(&b, "http://[::1]:8080/p", &err), &err);
    ck_assert_int_eq(b.loopback, 1);
    tfa_url_release(&b);
    ck_assert_int_eq(tfa_url_parse(&b, "http://127.0.0.1.example.com/p", &err), TFA_EUSAGE);
    tfa_url_release(&b);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_url_parse(&b, "ftp://example.com/p?k=SECRET", &err), TFA_EUSAGE);
    ck_assert_str_eq(err.source, "ftp://example.com/p");
    ck_assert_str_eq(err.message, "not a valid http or https URL");
    tfa_url_release(&b);
    tfa_url_release(&a);
    tfa_url_redact(shown, sizeof(shown), "https://u:p@h.example/a/b?q=1#f");
    ck_assert_str_eq(shown, "https://h.example/a/b");
    tfa_url_redact(shown, sizeof(shown), "not a url?x");
    ck_assert_str_eq(shown, "not a url");
    /* a password holding '@' is dropped whole (found by fuzz_url) */
    tfa_url_redact(shown, sizeof(shown), "https://user:p@ss@h.example/a");
    ck_assert_str_eq(shown, "https://h.example/a");
    /* port 0 reaches nothing (curl takes it) */
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_url_parse(&b, "https://h.example:0/a", &err), TFA_EUSAGE);
    tfa_url_release(&b);
}
END_TEST

/* ---- TLS ----------------------------------------------------------------- */

static fake_server tls;
static char cert_dir[512];

static void tls_up(void)
{
    char cmd[2048], *dir = tfa_test_mkdtemp(), cert[600], key[600];
    const char *extra[] = {"--tls-cert", cert, "--tls-key", key, NULL};

    snprintf(cert_dir, sizeof(cert_dir), "%s", dir);
    free(dir);
    snprintf(cert, sizeof(cert), "%s/cert.pem", cert_dir);
    snprintf(key, sizeof(key), "%s/key.pem", cert_dir);
    /* a fresh self-signed certificate for 127.0.0.1, and an unrelated one */
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && for n in '' other-; do openssl req -x509 -newkey ec -pkeyopt "
             "ec_paramgen_curve:prime256v1 -nodes -keyout ${n}key.pem -out ${n}cert.pem -days 1 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || exit 1; "
             "done",
             cert_dir);
    if (system(cmd) != 0 || fake_start(&tls, extra, 1) != 0) {
        fprintf(stderr, "cannot make a certificate with openssl or start the TLS server\n");
        exit(1);
    }
}

static void tls_down(void)
{
    fake_stop(&tls);
    tfa_test_rmtree(cert_dir);
}

static void tls_prepare(got *g, const char *path, const char *cacert)
{
    static char ca[600];
    memset(g, 0, sizeof(*g));
    fake_http_options(&g->o, &g->clk);
    tfa_error_init(&g->err);
    tfa_http_response_init(&g->res);
    snprintf(g->url, sizeof(g->url), "%s%s", tls.base, path);
    g->r.url = g->url;
    if (cacert) {
        snprintf(ca, sizeof(ca), "%s/%s", cert_dir, cacert);
        g->o.cacert = ca;
    }
}

START_TEST(tls_with_the_cacert_succeeds)
{
    got g;
    tls_prepare(&g, PLAN, "cert.pem");
    ck_assert_tfa_ok(run(&g), &g.err);
    assert_is_plan(&g);
    done(&g);
}
END_TEST

START_TEST(tls_without_the_cacert_fails_clearly)
{
    got g;
    char want[512];
    tls_prepare(&g, PLAN, NULL);
    ck_assert_int_eq(run(&g), TFA_EIO);
    snprintf(want, sizeof(want), "%s" PLAN ": TLS certificate of 127.0.0.1 not trusted (",
             tls.base);
    ck_assert_msg(strncmp(g.line, want, strlen(want)) == 0, "%s", g.line);
    ck_assert_msg(strstr(g.line, "); use --cacert FILE to trust a private CA"), "%s", g.line);
    ck_assert_uint_eq(g.res.attempts, 1); /* not retried: retrying cannot help */
    done(&g);
}
END_TEST

START_TEST(tls_with_another_cacert_fails)
{
    got g;
    tls_prepare(&g, PLAN, "other-cert.pem");
    ck_assert_int_eq(run(&g), TFA_EIO);
    ck_assert_msg(strstr(g.line, "TLS certificate of 127.0.0.1 not trusted"), "%s", g.line);
    done(&g);
}
END_TEST

START_TEST(tls_refuses_a_downgrade_redirect)
{
    got g;
    tls_prepare(&g, "/f/redirp.127.0.0.1/kdown/echo", "cert.pem");
    g.r.token = FAKE_TOKEN;
    ck_assert_int_eq(run(&g), TFA_EUSAGE);
    ck_assert_msg(strstr(g.line, ": HTTP 302: redirect refused: from https to http"), "%s", g.line);
    done(&g);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("server");
    TCase *t2 = tcase_create("tls");
    TCase *t3 = tcase_create("offline");

    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, http_get_reads_the_whole_body);
    tcase_add_test(tc, http_retries_429_after_its_retry_after);
    tcase_add_test(tc, http_retries_503_after_an_http_date);
    tcase_add_test(tc, http_retries_500_twice_with_backoff_and_jitter);
    tcase_add_test(tc, http_error_names_the_url_without_its_query);
    tcase_add_test(tc, http_post_is_not_retried_on_500);
    tcase_add_test(tc, http_post_is_retried_on_503);
    tcase_add_test(tc, http_aborts_a_slow_drip);
    tcase_add_test(tc, http_stops_at_the_overall_timeout);
    tcase_add_test(tc, http_reports_a_truncated_body);
    tcase_add_test(tc, http_retries_a_truncated_body);
    tcase_add_test(tc, http_caps_a_body_with_a_length);
    tcase_add_test(tc, http_caps_a_body_without_a_length);
    tcase_add_test(tc, http_takes_a_body_at_the_cap);
    tcase_add_test(tc, http_redirect_to_another_host_drops_the_token);
    tcase_add_test(tc, http_redirect_within_the_origin_keeps_the_token);
    tcase_add_test(tc, http_token_goes_only_to_its_origin);
    tcase_add_test(tc, http_redirect_loops_are_bounded);
    tcase_add_test(tc, http_refuses_a_redirect_to_plain_http_elsewhere);
    tcase_add_test(tc, http_refuses_plain_http_to_a_remote_host);
    tcase_add_test(tc, http_rejected_token_is_named_by_its_source);
    tcase_add_test(tc, http_refuses_a_token_that_would_split_a_header);
    tcase_add_test(tc, http_404_is_not_found);
    tcase_add_test(tc, http_reports_a_refused_connection);
    tcase_add_test(tc, http_connect_timeout_is_bounded);
    tcase_add_test(tc, http_refuses_a_retry_after_longer_than_its_cap);
    tcase_add_test(tc, http_trace_shows_no_token_and_no_query);
    tcase_add_test(tc, http_no_request_carried_the_canary);
    suite_add_tcase(s, tc);

    tcase_add_unchecked_fixture(t2, tls_up, tls_down);
    tcase_set_timeout(t2, 60);
    tcase_add_test(t2, tls_with_the_cacert_succeeds);
    tcase_add_test(t2, tls_without_the_cacert_fails_clearly);
    tcase_add_test(t2, tls_with_another_cacert_fails);
    tcase_add_test(t2, tls_refuses_a_downgrade_redirect);
    suite_add_tcase(s, t2);

    tcase_add_test(t3, http_retry_after_values);
    tcase_add_test(t3, url_policy_display_and_origin);
    suite_add_tcase(s, t3);
    return s;
}

int main(void)
{
    return fake_suite_main(suite());
}
