/*
 * check_notify.c - verdict webhooks (net/notify.h): the body built from a
 * verdict record, and its delivery to the webhook receiver in
 * tests/net/fake_tfc.py, with a canary secret that must never arrive.
 */
#include "util/compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fake_server.h"
#include "input.h"
#include "net/notify.h"
#include "net/load.h"

static fake_server srv;

static void server_up(void)
{
    fake_start_or_exit(&srv);
}

static void server_down(void)
{
    fake_stop(&srv);
}

static json_t *load_json(const char *path)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s:%d: %s", path, jerr.line, jerr.text);
    return j;
}

static char *body_of(const char *record_path)
{
    json_t *rec = load_json(record_path), *body = NULL;
    tfa_error err;
    char *text;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_notify_body(&body, rec, &err), &err);
    text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(body);
    json_decref(rec);
    return text;
}

static void body_matches(const char *record_path, const char *body_path)
{
    json_t *want = load_json(body_path), *got;
    char *text = body_of(record_path);
    got = json_loads(text, 0, NULL);
    ck_assert_msg(json_equal(got, want), "%s gives %s", record_path, text);
    json_decref(got);
    json_decref(want);
    free(text);
}

START_TEST(notify_body_of_a_nogo_record)
{
    body_matches("fixtures/notify/record-nogo.json", "fixtures/notify/body-nogo.json");
}
END_TEST

START_TEST(notify_body_of_a_go_record)
{
    body_matches("fixtures/notify/record-go.json", "fixtures/notify/body-go.json");
}
END_TEST

START_TEST(notify_body_leaves_evidence_out)
{
    char *text = body_of("fixtures/notify/record-nogo.json");
    /* the record holds the canary in an item's evidence: it stays there */
    ck_assert_ptr_null(strstr(text, TFA_TEST_CANARY));
    ck_assert_ptr_null(strstr(text, "evidence"));
    ck_assert_ptr_null(strstr(text, "aws_iam_role"));
    free(text);
}
END_TEST

START_TEST(notify_body_caps_items_and_fields)
{
    json_t *rec = json_pack("{s:s}", "verdict", "NO-GO"), *items = json_array(), *body = NULL;
    json_t *failing;
    char title[400], id[16];
    tfa_error err;
    int i;

    memset(title, 't', sizeof(title) - 1);
    title[sizeof(title) - 1] = '\0';
    for (i = 0; i < 25; i++) {
        snprintf(id, sizeof(id), "item-%d", i);
        json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "id", id, "title", title, "status",
                                               i % 2 ? "error" : "FAIL"));
    }
    json_object_set_new(rec, "items", items);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_notify_body(&body, rec, &err), &err);
    failing = json_object_get(json_object_get(body, "tfaudit"), "failing");
    ck_assert_uint_eq(json_array_size(failing), TFA_NOTIFY_MAX_ITEMS);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(body, "tfaudit"), "failing_count")), 25);
    ck_assert_uint_eq(
        strlen(json_string_value(json_object_get(json_array_get(failing, 0), "title"))),
        TFA_NOTIFY_MAX_FIELD);
    ck_assert_str_eq(json_string_value(json_object_get(body, "text")),
                     "tfaudit: *NO-GO*: 25 failing items: `item-0` FAIL, `item-1` error, `item-2` "
                     "FAIL, `item-3` error, `item-4` FAIL and 20 more.");
    json_decref(body);
    json_decref(rec);
}
END_TEST

START_TEST(notify_body_escapes_text_for_slack)
{
    json_t *rec = json_pack("{s:s,s:s}", "verdict", "GO", "workspace", "a<b>&c"), *body = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_notify_body(&body, rec, &err), &err);
    ck_assert_str_eq(json_string_value(json_object_get(body, "text")),
                     "tfaudit: *GO* for workspace `a&lt;b&gt;&amp;c`.");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(body, "tfaudit"), "workspace")),
        "a<b>&c");
    json_decref(body);
    json_decref(rec);
}
END_TEST

START_TEST(notify_body_needs_a_verdict)
{
    json_t *rec = json_pack("{s:s}", "workspace", "w"), *body = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_notify_body(&body, rec, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message, "the verdict record has no verdict");
    ck_assert_ptr_null(body);
    json_decref(rec);
}
END_TEST

START_TEST(notify_body_survives_every_allocation_failure)
{
    json_t *rec = load_json("fixtures/notify/record-nogo.json");
    json_t *want = load_json("fixtures/notify/body-nogo.json");
    long n, failures;
    int rc;

    for (n = 1; n < 5000; n++) {
        json_t *body = NULL;
        tfa_error err;
        tfa_error_init(&err);
        tfa_alloc_fail_after(n);
        rc = tfa_notify_body(&body, rec, &err);
        failures = tfa_alloc_failures();
        tfa_alloc_fail_after(0);
        if (rc == 0) {
            /* success despite a failed allocation must still be the whole body */
            ck_assert_msg(json_equal(body, want), "allocation %ld: incomplete body", n);
            json_decref(body);
            if (failures == 0)
                break;
        } else {
            ck_assert_int_eq(rc, TFA_ENOMEM);
            ck_assert_ptr_null(body);
        }
    }
    ck_assert_int_lt(n, 5000);
    json_decref(want);
    json_decref(rec);
}
END_TEST

/* ---- delivery ------------------------------------------------------------- */

typedef struct posted {
    tfa_http_options http;
    fake_clock clk;
    tfa_notify_options no;
    tfa_error err;
    char url[256];
    char line[2048];
    int rc;
} posted;

static int post(posted *p, const char *path, const json_t *rec)
{
    memset(p, 0, sizeof(*p));
    fake_http_options(&p->http, &p->clk);
    p->no.http = &p->http;
    tfa_error_init(&p->err);
    snprintf(p->url, sizeof(p->url), "%s%s", srv.base, path);
    p->rc = tfa_notify_post(p->url, rec, &p->no, &p->err);
    tfa_error_format(&p->err, p->line, sizeof(p->line));
    return p->rc;
}

START_TEST(notify_post_delivers_the_body)
{
    json_t *rec = load_json("fixtures/notify/record-nogo.json"), *reqs, *e;
    char *want = body_of("fixtures/notify/record-nogo.json");
    posted p;

    ck_assert_tfa_ok(post(&p, "/hook?deliver=1", rec), &p.err);
    reqs = fake_requests(&srv, "/hook?deliver=1");
    ck_assert_uint_eq(json_array_size(reqs), 1);
    e = json_array_get(reqs, 0);
    ck_assert_str_eq(json_string_value(json_object_get(e, "method")), "POST");
    ck_assert_str_eq(json_string_value(json_object_get(e, "content_type")), "application/json");
    ck_assert_str_eq(json_string_value(json_object_get(e, "body")), want);
    ck_assert_ptr_null(fake_auth(reqs, 0));
    ck_assert(json_is_false(json_object_get(e, "canary")));
    json_decref(reqs);
    json_decref(rec);
    free(want);
}
END_TEST

START_TEST(notify_post_failure_names_only_the_origin)
{
    json_t *rec = load_json("fixtures/notify/record-go.json");
    char want[256];
    posted p;

    ck_assert_int_eq(post(&p, "/hook/500", rec), TFA_EIO);
    snprintf(want, sizeof(want), "webhook http://127.0.0.1:%d/...: HTTP 500", srv.port);
    ck_assert_str_eq(p.line, want);
    ck_assert_uint_eq(p.clk.n, 0); /* a 500 may have been delivered: no second post */
    json_decref(rec);
}
END_TEST

START_TEST(notify_post_waits_out_throttling)
{
    json_t *rec = load_json("fixtures/notify/record-go.json");
    posted p;

    ck_assert_tfa_ok(post(&p, "/f/r429.0,ok/knotify/hook", rec), &p.err);
    ck_assert_uint_eq(p.clk.n, 1);
    json_decref(rec);
}
END_TEST

START_TEST(notify_post_to_nobody_fails_cleanly)
{
    json_t *rec = load_json("fixtures/notify/record-go.json");
    int port = fake_closed_port();
    char want[256];
    posted p;

    memset(&p, 0, sizeof(p));
    fake_http_options(&p.http, &p.clk);
    p.no.http = &p.http;
    tfa_error_init(&p.err);
    snprintf(p.url, sizeof(p.url), "http://127.0.0.1:%d/services/T0/B0/SECRETPATH", port);
    ck_assert_int_eq(tfa_notify_post(p.url, rec, &p.no, &p.err), TFA_EIO);
    tfa_error_format(&p.err, p.line, sizeof(p.line));
    snprintf(want, sizeof(want),
             "webhook http://127.0.0.1:%d/...: cannot connect to 127.0.0.1 port %d (after 3 "
             "attempts)",
             port, port);
    ck_assert_str_eq(p.line, want);
    json_decref(rec);
}
END_TEST

START_TEST(notify_refuses_plain_http_without_showing_the_path)
{
    json_t *rec = load_json("fixtures/notify/record-go.json");
    tfa_notify_options no = {NULL};
    tfa_http_options h;
    tfa_error err;

    tfa_http_options_init(&h);
    no.http = &h;
    tfa_error_init(&err);
    ck_assert_int_eq(
        tfa_notify_post("http://hooks.example.com/services/T0/B0/SECRETPATH", rec, &no, &err),
        TFA_EUSAGE);
    ck_assert_str_eq(err.message, "webhook URL refused: plain http is only allowed to a loopback "
                                  "host; use https");
    ck_assert_str_eq(err.source, "");
    json_decref(rec);
}
END_TEST

/* A plan with a sensitive canary value, read over HTTP, audited into a
 * record whose evidence is everything the run model knows; the webhook
 * receives no trace of the canary. */
START_TEST(notify_canary_never_reaches_the_webhook)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_remote_options ro;
    tfa_http_options h;
    fake_clock clk;
    tfa_run *run = NULL;
    json_t *rec, *items = json_array(), *reqs;
    char url[256];
    tfa_error err;
    size_t i;
    posted p;

    fake_http_options(&h, &clk);
    memset(&ro, 0, sizeof(ro));
    ro.http = &h;
    tfa_error_init(&err);
    snprintf(url, sizeof(url), "%s/file/tfc/archivist/plan-8F5JFydVYAmtTjET.json", srv.base);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_run_load_remote(run, url, &lo, &ro, &err), &err);
    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_CHANGES); i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_CHANGES, i);
        json_t *paths = json_array();
        size_t k;
        for (k = 0; k < c->n_changed; k++)
            json_array_append_new(paths, json_string(c->changed[k]));
        json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:{s:o}}", "id", c->res.address,
                                               "title", tfa_action_name(c->action), "status",
                                               "FAIL", "evidence", "changed", paths));
    }
    rec =
        json_pack("{s:s,s:s,s:o}", "verdict", "NO-GO", "workspace", "grafana-prod", "items", items);
    ck_assert_tfa_ok(post(&p, "/hook?pipeline=1", rec), &p.err);
    reqs = fake_requests(&srv, "/hook?pipeline=1");
    ck_assert_uint_eq(json_array_size(reqs), 1);
    ck_assert(json_is_false(json_object_get(json_array_get(reqs, 0), "canary")));
    ck_assert_msg(strstr(json_string_value(json_object_get(json_array_get(reqs, 0), "body")),
                         "`grafana_data_source.prometheus` FAIL"),
                  "%s", json_string_value(json_object_get(json_array_get(reqs, 0), "body")));
    json_decref(reqs);
    json_decref(rec);
    tfa_run_free(run);
}
END_TEST

START_TEST(notify_post_survives_every_allocation_failure)
{
    json_t *rec = load_json("fixtures/notify/record-go.json");
    long n, failures;
    posted p;

    for (n = 1; n < 5000; n++) {
        tfa_alloc_fail_after(n);
        post(&p, "/hook?oom=1", rec);
        failures = tfa_alloc_failures();
        tfa_alloc_fail_after(0);
        ck_assert_msg(p.rc == 0 || p.rc == TFA_ENOMEM, "allocation %ld: %s", n, p.line);
        if (p.rc == 0 && failures == 0)
            break;
    }
    ck_assert_int_lt(n, 5000);
    json_decref(rec);
}
END_TEST

/* The gate posts after the record is written; a failed post changes nothing. */
START_TEST(notify_gate_posts_its_verdict)
{
    char ledger[700], url[128], bad[128];
    const char *argv[] = {"tfaudit",
                          "gate",
                          "--checklist",
                          "checklists/telemetry-apply.md",
                          "--section",
                          "Before apply",
                          "--workspace",
                          "grafana",
                          "--now",
                          "2026-11-27T05:00:00Z",
                          "--ledger",
                          ledger,
                          "--notify",
                          url,
                          "fixtures/plans/grafana-sensitive.json",
                          NULL};
    tfa_test_output out;
    json_t *reqs;
    const char *body;

    snprintf(ledger, sizeof(ledger), "%s/gate-ledger.db", srv.dir);
    snprintf(url, sizeof(url), "%s/hook?gate=1", srv.base);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 1, "%s", out.err); /* NO-GO: leadership has not signed */
    tfa_test_output_release(&out);
    reqs = fake_requests(&srv, "/hook?gate=1");
    ck_assert_uint_eq(json_array_size(reqs), 1);
    body = json_string_value(json_object_get(json_array_get(reqs, 0), "body"));
    ck_assert_ptr_nonnull(strstr(body, "NO-GO"));
    ck_assert_ptr_nonnull(strstr(body, "grafana"));
    ck_assert_ptr_nonnull(strstr(body, "leadership"));
    ck_assert_ptr_nonnull(strstr(body, "\"ledger\":{\"id\":1,\"hash\":\""));
    ck_assert_ptr_null(strstr(body, TFA_TEST_CANARY));
    json_decref(reqs);

    /* the webhook fails: a warning, the same verdict and exit status */
    snprintf(bad, sizeof(bad), "%s/hook/500", srv.base);
    argv[13] = bad;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_int_eq(out.status, 1);
    ck_assert_msg(tfa_test_contains(out.err, out.err_len,
                                    "warning: notification not delivered (the verdict stands)"),
                  "%s", out.err);
    ck_assert_msg(tfa_test_contains(out.err, out.err_len, "recorded as ledger record #2"), "%s",
                  out.err);
    tfa_test_output_release(&out);
}
END_TEST

START_TEST(notify_no_request_carried_the_canary)
{
    ck_assert(!fake_canary_seen(&srv));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("notify");
    TCase *body = tcase_create("body"), *tc = tcase_create("server");

    tcase_add_test(body, notify_body_of_a_nogo_record);
    tcase_add_test(body, notify_body_of_a_go_record);
    tcase_add_test(body, notify_body_leaves_evidence_out);
    tcase_add_test(body, notify_body_caps_items_and_fields);
    tcase_add_test(body, notify_body_escapes_text_for_slack);
    tcase_add_test(body, notify_body_needs_a_verdict);
    tcase_add_test(body, notify_body_survives_every_allocation_failure);
    tcase_add_test(body, notify_refuses_plain_http_without_showing_the_path);
    suite_add_tcase(s, body);

    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, notify_post_delivers_the_body);
    tcase_add_test(tc, notify_post_failure_names_only_the_origin);
    tcase_add_test(tc, notify_post_waits_out_throttling);
    tcase_add_test(tc, notify_post_to_nobody_fails_cleanly);
    tcase_add_test(tc, notify_canary_never_reaches_the_webhook);
    tcase_add_test(tc, notify_post_survives_every_allocation_failure);
    tcase_add_test(tc, notify_gate_posts_its_verdict);
    tcase_add_test(tc, notify_no_request_carried_the_canary);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    json_set_alloc_funcs(tfa_malloc, tfa_free); /* so allocation failures reach jansson */
    return fake_suite_main(suite());
}
