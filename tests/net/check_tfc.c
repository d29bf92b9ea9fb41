/*
 * check_tfc.c - HCP Terraform runs and assessments (remote/tfc.h), tokens
 * (remote/credentials.h) and remote inputs (remote/load.h), against the fake
 * API in tests/net/fake_tfc.py serving fixtures/tfc.
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "facts.h"
#include "fake_server.h"
#include "net/credentials.h"
#include "net/load.h"
#include "net/tfc.h"

#define RUN       "run-CLRvGJ8gNEXnMqvb"
#define PLAN_ONLY "run-9QqkXU2yKcfPNhtm"
#define WS        "ws-6jrRyVDv1J8zQMB5"
#define ARCHIVIST "fixtures/tfc/archivist/"

static fake_server srv;

static void server_up(void)
{
    fake_start_or_exit(&srv);
}

static void server_down(void)
{
    fake_stop(&srv);
}

/* A tfc session against the fake server. */
typedef struct tfc {
    tfa_http_options http;
    tfa_tfc_options o;
    fake_clock clk;
    tfa_tfc_fetch *f;
    tfa_error err;
    char line[2048];
} tfc;

static void tfc_open(tfc *t, const char *token)
{
    memset(t, 0, sizeof(*t));
    fake_http_options(&t->http, &t->clk);
    t->o.base_url = srv.base;
    t->o.token = token;
    t->o.token_source = "TFE_TOKEN";
    t->o.http = &t->http;
    tfa_error_init(&t->err);
    ck_assert_tfa_ok(tfa_tfc_fetch_new(&t->f, srv.base, &t->err), &t->err);
}

static int tfc_done(tfc *t, int rc)
{
    tfa_error_format(&t->err, t->line, sizeof(t->line));
    return rc;
}

static void tfc_close(tfc *t)
{
    tfa_tfc_fetch_free(t->f);
}

/* File `i` of the fetch is `name` with the bytes of fixture `path`. */
static void assert_file(const tfa_tfc_fetch *f, size_t i, const char *name, const char *path)
{
    size_t len;
    char *want;
    ck_assert_uint_gt(f->n_files, i);
    ck_assert_str_eq(f->files[i].name, name);
    if (!path)
        return;
    want = tfa_test_read_file(path, &len);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_eq(f->files[i].len, len);
    ck_assert_int_eq(memcmp(f->files[i].data, want, len), 0);
    free(want);
}

/* ---- credentials, hosts and IDs (no server) ------------------------------ */

START_TEST(credentials_variable_names_follow_terraform)
{
    char name[128];
    ck_assert_int_eq(tfa_credentials_env_name(name, sizeof(name), "app.terraform.io"), 0);
    ck_assert_str_eq(name, "TF_TOKEN_app_terraform_io");
    ck_assert_int_eq(tfa_credentials_env_name(name, sizeof(name), "tfe-prod.example.com"), 0);
    ck_assert_str_eq(name, "TF_TOKEN_tfe__prod_example_com");
    ck_assert_int_eq(tfa_credentials_env_name(name, sizeof(name), "tfe.example.com:8443"), -1);
}
END_TEST

START_TEST(credentials_host_variable_wins)
{
    const char *env[] = {"PATH=/bin", "TFE_TOKEN=generic-token",
                         "TF_TOKEN_tfe__prod_example_com=host-token",
                         "TF_TOKEN_APP_TERRAFORM_IO=up", NULL};
    tfa_credentials_env ce = {env, NULL};
    tfa_auth_token t = TFA_AUTH_TOKEN_INIT;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_credentials_find(&t, "tfe-prod.example.com", &ce, 0, &err), &err);
    ck_assert_str_eq(t.value, "host-token");
    ck_assert_str_eq(t.source, "TF_TOKEN_tfe__prod_example_com");
    tfa_auth_token_release(&t);
    /* Terraform compares hosts case-insensitively, variable names included */
    ck_assert_tfa_ok(tfa_credentials_find(&t, "app.terraform.io", &ce, 0, &err), &err);
    ck_assert_str_eq(t.value, "up");
    ck_assert_str_eq(t.source, "TF_TOKEN_APP_TERRAFORM_IO");
    tfa_auth_token_release(&t);
    ck_assert_tfa_ok(tfa_credentials_find(&t, "other.example.com", &ce, 0, &err), &err);
    ck_assert_str_eq(t.source, "TFE_TOKEN");
    tfa_auth_token_release(&t);
    /* TFE_TOKEN is bound to no host: never for a plain URL */
    ck_assert_tfa_ok(tfa_credentials_find(&t, "other.example.com", &ce, 1, &err), &err);
    ck_assert_ptr_null(t.value);
    tfa_auth_token_release(&t);
}
END_TEST

/* $HOME/.terraform.d/credentials.tfrc.json with `text`; returns HOME. */
static char *home_with(const char *text)
{
    char *home = tfa_test_mkdtemp(), dir[600], file[700];
    snprintf(dir, sizeof(dir), "%s/.terraform.d", home);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(file, sizeof(file), "%s/credentials.tfrc.json", dir);
    ck_assert_int_eq(tfa_test_write_file(file, text, strlen(text)), 0);
    return home;
}

START_TEST(credentials_from_the_terraform_login_file)
{
    char *home = home_with("{\"credentials\": {\"app.terraform.io\": {\"token\": \"file-token\"},"
                           " \"127.0.0.1:8080\": {\"token\": \"local-token\"}}}");
    const char *env[] = {"TF_TOKEN_app_terraform_io=env-token", NULL};
    tfa_credentials_env ce = {NULL, home};
    tfa_auth_token t = TFA_AUTH_TOKEN_INIT;
    tfa_error err;
    char want[700];

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_credentials_find(&t, "app.terraform.io", &ce, 1, &err), &err);
    ck_assert_str_eq(t.value, "file-token");
    snprintf(want, sizeof(want), "%s/.terraform.d/credentials.tfrc.json", home);
    ck_assert_str_eq(t.source, want);
    tfa_auth_token_release(&t);
    ck_assert_tfa_ok(tfa_credentials_find(&t, "127.0.0.1:8080", &ce, 0, &err), &err);
    ck_assert_str_eq(t.value, "local-token");
    tfa_auth_token_release(&t);
    ce.environ = env; /* the variable comes first */
    ck_assert_tfa_ok(tfa_credentials_find(&t, "app.terraform.io", &ce, 0, &err), &err);
    ck_assert_str_eq(t.value, "env-token");
    tfa_auth_token_release(&t);
    tfa_test_rmtree(home);
    free(home);
}
END_TEST

START_TEST(credentials_file_errors_never_quote_it)
{
    char *home = home_with("{\"credentials\": {\"app.terraform.io\": {\"token\": SECRET-IN-FILE");
    tfa_credentials_env ce = {NULL, home};
    tfa_auth_token t = TFA_AUTH_TOKEN_INIT;
    tfa_error err;
    char line[2048];

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_credentials_find(&t, "app.terraform.io", &ce, 0, &err), TFA_EINPUT);
    tfa_error_format(&err, line, sizeof(line));
    ck_assert_msg(strstr(line, "/.terraform.d/credentials.tfrc.json:1:48: unexpected 'S', "
                               "expected a JSON value"),
                  "%s", line);
    ck_assert_ptr_null(strstr(line, "SECRET"));
    tfa_auth_token_release(&t);
    tfa_test_rmtree(home);
    free(home);
}
END_TEST

START_TEST(credentials_refuse_a_token_with_spaces)
{
    const char *env[] = {"TFE_TOKEN=two words", NULL};
    tfa_credentials_env ce = {env, "/nonexistent"};
    tfa_auth_token t = TFA_AUTH_TOKEN_INIT;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_credentials_find(&t, "app.terraform.io", &ce, 0, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message,
                     "the token in TFE_TOKEN is empty or has spaces or control characters");
    tfa_auth_token_release(&t);
}
END_TEST

START_TEST(tfc_ids_are_checked_before_use)
{
    char longid[80];
    ck_assert(tfa_tfc_id_valid(RUN, "run-"));
    ck_assert(tfa_tfc_id_valid(WS, "ws-"));
    ck_assert(!tfa_tfc_id_valid("run-", "run-"));
    ck_assert(!tfa_tfc_id_valid("run-../../admin", "run-"));
    ck_assert(!tfa_tfc_id_valid("run-abc/json-output", "run-"));
    ck_assert(!tfa_tfc_id_valid("run-abc?x=1", "run-"));
    ck_assert(!tfa_tfc_id_valid(WS, "run-"));
    ck_assert(!tfa_tfc_id_valid(NULL, "run-"));
    memset(longid, 'a', sizeof(longid));
    memcpy(longid, "run-", 4);
    longid[4 + 64] = '\0';
    ck_assert(tfa_tfc_id_valid(longid, "run-"));
    longid[4 + 64] = 'a';
    longid[4 + 65] = '\0';
    ck_assert(!tfa_tfc_id_valid(longid, "run-"));
}
END_TEST

static void host_is(const char *spec, const char *base, const char *key)
{
    char *b = NULL, *k = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_tfc_host_parse(&b, &k, spec, &err), &err);
    ck_assert_str_eq(b, base);
    ck_assert_str_eq(k, key);
    tfa_free(b);
    tfa_free(k);
}

static void host_fails(const char *spec, const char *message)
{
    char *b = NULL, *k = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_tfc_host_parse(&b, &k, spec, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, message);
    ck_assert_ptr_null(b);
}

START_TEST(tfc_hosts_as_users_write_them)
{
    host_is("app.terraform.io", "https://app.terraform.io", "app.terraform.io");
    host_is("TFE.Example.com:8443", "https://TFE.Example.com:8443", "tfe.example.com:8443");
    host_is("https://tfe.example.com/", "https://tfe.example.com", "tfe.example.com");
    host_is("http://127.0.0.1:8080", "http://127.0.0.1:8080", "127.0.0.1:8080");
    host_fails("http://tfe.example.com",
               "plain http is only allowed to a loopback host; use https");
    host_fails("tfe.example.com/api", "a host is a name and an optional port, not a URL");
}
END_TEST

/* ---- fetching ------------------------------------------------------------- */

START_TEST(tfc_fetch_an_applied_run)
{
    tfc t;
    char src[256];
    json_t *reqs, *arch;
    size_t i;

    tfc_open(&t, FAKE_TOKEN);
    ck_assert_tfa_ok(tfc_done(&t, tfa_tfc_fetch_run(t.f, RUN, &t.o, &t.err)), &t.err);
    ck_assert_uint_eq(t.f->n_files, 4);
    assert_file(t.f, 0, "run.json", NULL);
    assert_file(t.f, 1, "plan.json", ARCHIVIST "plan-8F5JFydVYAmtTjET.json");
    assert_file(t.f, 2, "plan.log", ARCHIVIST "plan-8F5JFydVYAmtTjET.log"); /* unframed */
    assert_file(t.f, 3, "apply.log", ARCHIVIST "apply-47MBvjwzBG8YKc2v.log");
    ck_assert_int_eq(t.f->files[0].terraform, 0);
    ck_assert_int_eq(t.f->files[1].terraform, 1);
    snprintf(src, sizeof(src), "tfc:127.0.0.1:%d/" RUN "/plan.json", srv.port);
    ck_assert_str_eq(t.f->files[1].source, src);
    ck_assert_str_eq(t.f->run_status, "applied");
    ck_assert_str_eq(t.f->workspace_id, WS);
    ck_assert_str_eq(t.f->plan_status, "finished");
    ck_assert_str_eq(t.f->apply_status, "finished");
    reqs = fake_requests(&srv, "/api/v2/runs/" RUN);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "path")),
                     "/api/v2/runs/" RUN "?include=plan,apply");
    ck_assert_str_eq(fake_auth(reqs, 0), "Bearer " FAKE_TOKEN);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "accept")),
                     "application/vnd.api+json");
    /* the signed archivist URLs, on another origin, never saw the token */
    arch = fake_requests(&srv, "/_archivist/");
    ck_assert_uint_ge(json_array_size(arch), 3);
    for (i = 0; i < json_array_size(arch); i++)
        ck_assert_ptr_null(fake_auth(arch, i));
    json_decref(reqs);
    json_decref(arch);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_fetch_a_plan_only_run)
{
    tfc t;
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_tfa_ok(tfc_done(&t, tfa_tfc_fetch_run(t.f, PLAN_ONLY, &t.o, &t.err)), &t.err);
    ck_assert_uint_eq(t.f->n_files, 3); /* the apply never ran: no apply.log */
    assert_file(t.f, 1, "plan.json", ARCHIVIST "plan-W5v7s3pJtaVv8dkK.json");
    assert_file(t.f, 2, "plan.log", ARCHIVIST "plan-W5v7s3pJtaVv8dkK.log");
    ck_assert_str_eq(t.f->run_status, "planned_and_finished");
    ck_assert_str_eq(t.f->apply_status, "unreachable");
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_fetch_the_current_assessment)
{
    tfc t;
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_tfa_ok(tfc_done(&t, tfa_tfc_fetch_assessment(t.f, WS, &t.o, &t.err)), &t.err);
    ck_assert_uint_eq(t.f->n_files, 3);
    assert_file(t.f, 0, "assessment.json", "fixtures/tfc/assessments/" WS ".json");
    assert_file(t.f, 1, "assessment-plan.json", ARCHIVIST "asmtres-cHh5777xmQrTz3m8.json");
    assert_file(t.f, 2, "assessment.log", ARCHIVIST "asmtres-cHh5777xmQrTz3m8.log");
    ck_assert_str_eq(t.f->assessment_id, "asmtres-cHh5777xmQrTz3m8");
    ck_assert_int_eq(t.f->drifted, 1);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_no_assessment_is_said_plainly)
{
    tfc t;
    char want[512];
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(
        tfc_done(&t, tfa_tfc_fetch_assessment(t.f, "ws-NoHealthChecks1", &t.o, &t.err)),
        TFA_ENOTFOUND);
    snprintf(want, sizeof(want),
             "%s/api/v2/workspaces/ws-NoHealthChecks1/current-assessment-result: no current "
             "assessment result (health assessments off or not run yet, or not readable with the "
             "token from TFE_TOKEN)",
             srv.base);
    ck_assert_str_eq(t.line, want);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_rejected_token_names_its_source)
{
    tfc t;
    char want[512];
    tfc_open(&t, "not-the-" FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, RUN, &t.o, &t.err)), TFA_EUSAGE);
    snprintf(want, sizeof(want),
             "%s/api/v2/runs/" RUN ": HTTP 401: token rejected (token from TFE_TOKEN)", srv.base);
    ck_assert_str_eq(t.line, want);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_unknown_run_is_not_found)
{
    tfc t;
    char want[512];
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, "run-NoSuchRun00001", &t.o, &t.err)),
                     TFA_ENOTFOUND);
    snprintf(want, sizeof(want),
             "%s/api/v2/runs/run-NoSuchRun00001: HTTP 404: not found, or not readable with the "
             "token from TFE_TOKEN",
             srv.base);
    ck_assert_str_eq(t.line, want);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_hostile_run_id_sends_nothing)
{
    tfc t;
    json_t *reqs;
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, "run-../../admin", &t.o, &t.err)),
                     TFA_EUSAGE);
    ck_assert_str_eq(t.line, "'run-../../admin' is not a run ID (run- and letters or digits)");
    reqs = fake_requests(&srv, "admin");
    ck_assert_uint_eq(json_array_size(reqs), 0);
    json_decref(reqs);
    tfc_close(&t);
}
END_TEST

/* A server's answer is input too: its IDs and URLs are checked. */
START_TEST(tfc_hostile_answers_are_refused)
{
    tfc t;
    char want[512];
    json_t *reqs;

    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, "run-HostilePlanId01", &t.o, &t.err)),
                     TFA_EINPUT);
    snprintf(want, sizeof(want),
             "tfc:127.0.0.1:%d/run-HostilePlanId01/run.json: the run document has no valid plan id",
             srv.port);
    ck_assert_str_eq(t.line, want);
    reqs = fake_requests(&srv, "admin");
    ck_assert_uint_eq(json_array_size(reqs), 0);
    json_decref(reqs);
    tfc_close(&t);

    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, "run-HostileLogUrl01", &t.o, &t.err)),
                     TFA_EUSAGE);
    snprintf(want, sizeof(want),
             "tfc:127.0.0.1:%d/run-HostileLogUrl01/plan.log: plain http is only allowed to a "
             "loopback host; use https",
             srv.port);
    ck_assert_str_eq(t.line, want);
    tfc_close(&t);

    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, "run-AnswersOther01", &t.o, &t.err)),
                     TFA_EINPUT);
    snprintf(want, sizeof(want),
             "tfc:127.0.0.1:%d/run-AnswersOther01/run.json: the run document is not about "
             "run-AnswersOther01",
             srv.port);
    ck_assert_str_eq(t.line, want);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_api_throttling_is_waited_out)
{
    tfc t;
    ck_assert_int_eq(fake_arm(&srv, "/api/v2/runs/" RUN, "r429.1"), 0);
    ck_assert_int_eq(fake_arm(&srv, "/api/v2/plans/plan-8F5JFydVYAmtTjET/json-output", "s500,s500"),
                     0);
    ck_assert_int_eq(fake_arm(&srv, "/_archivist/v1/object/plan-8F5JFydVYAmtTjET.log", "trunc"), 0);
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_tfa_ok(tfc_done(&t, tfa_tfc_fetch_run(t.f, RUN, &t.o, &t.err)), &t.err);
    /* 429 with Retry-After: 1, two 500s backed off, one truncated log retried */
    ck_assert_uint_eq(t.clk.n, 4);
    ck_assert_int_eq(t.clk.slept[0], 1000);
    ck_assert_int_eq(t.clk.slept[1], 75);
    ck_assert_int_eq(t.clk.slept[2], 150);
    ck_assert_int_eq(t.clk.slept[3], 75);
    assert_file(t.f, 1, "plan.json", ARCHIVIST "plan-8F5JFydVYAmtTjET.json");
    assert_file(t.f, 2, "plan.log", ARCHIVIST "plan-8F5JFydVYAmtTjET.log");
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_log_errors_name_the_source_not_the_signed_url)
{
    tfc t;
    char want[512];
    ck_assert_int_eq(fake_arm(&srv, "/_archivist/v1/object/apply-47MBvjwzBG8YKc2v.log", "s403*"),
                     0);
    tfc_open(&t, FAKE_TOKEN);
    ck_assert_int_eq(tfc_done(&t, tfa_tfc_fetch_run(t.f, RUN, &t.o, &t.err)), TFA_EUSAGE);
    snprintf(want, sizeof(want),
             "tfc:127.0.0.1:%d/" RUN "/apply.log: HTTP 403: access denied (the token is not sent "
             "there)",
             srv.port);
    ck_assert_str_eq(t.line, want);
    ck_assert_int_eq(fake_arm(&srv, "/_archivist/v1/object/apply-47MBvjwzBG8YKc2v.log", "ok"), 0);
    tfc_close(&t);
}
END_TEST

START_TEST(tfc_fetch_survives_every_allocation_failure)
{
    long n, failures;
    int rc;

    for (n = 1; n < 5000; n++) {
        tfc t;
        tfc_open(&t, FAKE_TOKEN);
        tfa_alloc_fail_after(n);
        rc = tfa_tfc_fetch_run(t.f, RUN, &t.o, &t.err);
        failures = tfa_alloc_failures();
        tfa_alloc_fail_after(0);
        if (rc == 0) {
            ck_assert_uint_eq(t.f->n_files, 4);
            assert_file(t.f, 3, "apply.log", ARCHIVIST "apply-47MBvjwzBG8YKc2v.log");
        } else {
            ck_assert_msg(rc == TFA_ENOMEM, "allocation %ld: %d %s", n, rc, t.err.message);
        }
        tfc_close(&t);
        if (rc == 0 && failures == 0)
            break;
    }
    ck_assert_int_lt(n, 5000);
}
END_TEST

/* ---- remote inputs ---------------------------------------------------------- */

/* Whether the UI log reader exists yet (it lands with issue 3). */
static int ui_log_readable(void)
{
    const char *doc = "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.5\",\"@module\":"
                      "\"terraform.ui\",\"terraform\":\"1.9.5\",\"type\":\"version\",\"ui\":"
                      "\"1.2\"}\n";
    tfa_run *run = NULL;
    tfa_error err;
    int rc;
    tfa_error_init(&err);
    rc = tfa_test_load_mem(&run, "probe.log", doc, strlen(doc), TFA_KIND_UNKNOWN, &err);
    tfa_run_free(run);
    return rc == 0;
}

typedef struct loaded {
    tfa_http_options http;
    fake_clock clk;
    tfa_remote_options ro;
    tfa_load_options lo;
    tfa_run *run;
    tfa_error err;
    char line[2048];
    int rc;
} loaded;

static int load(loaded *l, const char *arg, const char *const *env, const char *home)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    memset(l, 0, sizeof(*l));
    l->lo = lo;
    fake_http_options(&l->http, &l->clk);
    l->ro.http = &l->http;
    l->ro.env.environ = env;
    l->ro.env.home = home;
    tfa_error_init(&l->err);
    ck_assert_int_eq(tfa_run_new(&l->run), 0);
    l->rc = tfa_run_load_remote(l->run, arg, &l->lo, &l->ro, &l->err);
    tfa_error_format(&l->err, l->line, sizeof(l->line));
    return l->rc;
}

static void input_is(const tfa_run *run, size_t i, const char *path, tfa_kind kind)
{
    const tfa_input *in = tfa_run_input(run, i);
    ck_assert_ptr_nonnull(in);
    ck_assert_str_eq(in->path, path);
    ck_assert_int_eq(in->kind, kind);
}

START_TEST(remote_tfc_run_becomes_inputs)
{
    const char *env[] = {"TFE_TOKEN=" FAKE_TOKEN, NULL};
    char arg[256], name[256];
    loaded l;

    snprintf(arg, sizeof(arg), "tfc:%s/" RUN, srv.base);
    load(&l, arg, env, NULL);
    if (!ui_log_readable()) {
        /* until the UI log reader lands, the plan log is where loading stops */
        snprintf(name, sizeof(name), "tfc:127.0.0.1:%d/" RUN "/plan.log: ", srv.port);
        ck_assert_msg(strncmp(l.line, name, strlen(name)) == 0, "%s", l.line);
    } else {
        ck_assert_tfa_ok(l.rc, &l.err);
        ck_assert_uint_eq(tfa_run_input_count(l.run), 3);
        snprintf(name, sizeof(name), "tfc:127.0.0.1:%d/" RUN "/apply.log", srv.port);
        input_is(l.run, 2, name, TFA_KIND_UI_LOG);
    }
    snprintf(name, sizeof(name), "tfc:127.0.0.1:%d/" RUN "/plan.json", srv.port);
    input_is(l.run, 0, name, TFA_KIND_PLAN);
    ck_assert_int_eq(tfa_run_input(l.run, 0)->plan.counts.add, 1);
    ck_assert_int_eq(tfa_run_input(l.run, 0)->plan.counts.change, 2);
    tfa_run_free(l.run);
}
END_TEST

START_TEST(remote_tfc_workspace_becomes_its_assessment)
{
    const char *env[] = {"TFE_TOKEN=" FAKE_TOKEN, NULL};
    char arg[256], name[256];
    loaded l;

    snprintf(arg, sizeof(arg), "tfc:%s/" WS, srv.base);
    load(&l, arg, env, NULL);
    snprintf(name, sizeof(name), "tfc:127.0.0.1:%d/" WS "/assessment-plan.json", srv.port);
    input_is(l.run, 0, name, TFA_KIND_PLAN);
    ck_assert_int_eq(tfa_run_input(l.run, 0)->plan.drift, 1);
    if (ui_log_readable())
        ck_assert_tfa_ok(l.rc, &l.err);
    tfa_run_free(l.run);
}
END_TEST

START_TEST(remote_tfc_without_a_token_says_where_to_put_one)
{
    loaded l;
    ck_assert_int_eq(load(&l, "tfc:" RUN, NULL, NULL), TFA_EUSAGE);
    ck_assert_str_eq(l.line, "app.terraform.io: no API token: set TF_TOKEN_app_terraform_io or "
                             "TFE_TOKEN, or run 'terraform login'");
    tfa_run_free(l.run);
    ck_assert_int_eq(load(&l, "tfc:" RUN "/x", NULL, NULL), TFA_EUSAGE);
    ck_assert_str_eq(l.line, "'tfc:" RUN "/x' is not tfc:[HOST/]run-ID or tfc:[HOST/]ws-ID");
    tfa_run_free(l.run);
}
END_TEST

START_TEST(remote_url_is_named_without_its_query)
{
    char arg[512], name[512];
    tfa_run *local = NULL;
    tfa_error err;
    loaded l;

    snprintf(arg, sizeof(arg),
             "%s/file/tfc/archivist/plan-8F5JFydVYAmtTjET.json?X-Amz-Signature=SECRET", srv.base);
    ck_assert_tfa_ok(load(&l, arg, NULL, NULL), &l.err);
    snprintf(name, sizeof(name), "%s/file/tfc/archivist/plan-8F5JFydVYAmtTjET.json", srv.base);
    input_is(l.run, 0, name, TFA_KIND_PLAN);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&local), 0);
    ck_assert_tfa_ok(tfa_run_load(local, ARCHIVIST "plan-8F5JFydVYAmtTjET.json", &l.lo, &err),
                     &err);
    ck_assert_int_eq(
        memcmp(tfa_run_input(local, 0)->sha256, tfa_run_input(l.run, 0)->sha256, TFA_SHA256_BYTES),
        0);
    tfa_run_free(local);
    tfa_run_free(l.run);
}
END_TEST

START_TEST(remote_url_gets_only_a_token_bound_to_its_host)
{
    const char *env[] = {"TFE_TOKEN=generic-" FAKE_TOKEN, NULL};
    char arg[512], cred[512], *home;
    json_t *reqs;
    loaded l;

    snprintf(arg, sizeof(arg), "%s/file/tfc/archivist/plan-W5v7s3pJtaVv8dkK.json?bound=0",
             srv.base);
    ck_assert_tfa_ok(load(&l, arg, env, NULL), &l.err);
    tfa_run_free(l.run);
    snprintf(cred, sizeof(cred),
             "{\"credentials\": {\"127.0.0.1:%d\": {\"token\": \"bound-" FAKE_TOKEN "\"}}}",
             srv.port);
    home = home_with(cred);
    snprintf(arg, sizeof(arg), "%s/file/tfc/archivist/plan-W5v7s3pJtaVv8dkK.json?bound=1",
             srv.base);
    ck_assert_tfa_ok(load(&l, arg, env, home), &l.err);
    tfa_run_free(l.run);
    reqs = fake_requests(&srv, "?bound=0");
    ck_assert_ptr_null(fake_auth(reqs, 0));
    json_decref(reqs);
    reqs = fake_requests(&srv, "?bound=1");
    ck_assert_str_eq(fake_auth(reqs, 0), "Bearer bound-" FAKE_TOKEN);
    json_decref(reqs);
    tfa_test_rmtree(home);
    free(home);
}
END_TEST

/* Facts of a corpus file read over HTTP equal those read from disk. */
static void same_as_file(const char *rel, const char *label)
{
    char arg[1024], *path = tfa_test_corpus_path(rel), *a = NULL, *b = NULL;
    tfa_run *local = NULL;
    tfa_error err;
    loaded l;
    int rc;

    snprintf(arg, sizeof(arg), "%s/corpus/%s", srv.base, rel);
    load(&l, arg, NULL, NULL);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&local), 0);
    rc = tfa_run_load(local, path, &l.lo, &err);
    ck_assert_msg(rc == l.rc, "%s: %d over http, %d from the file", label, l.rc, rc);
    if (rc == 0) {
        json_t *x = tfa_input_to_json(l.run, 0), *y = tfa_input_to_json(local, 0);
        json_object_del(x, "path");
        json_object_del(y, "path");
        a = json_dumps(x, JSON_SORT_KEYS);
        b = json_dumps(y, JSON_SORT_KEYS);
        ck_assert_msg(strcmp(a, b) == 0, "%s: %s over http, %s from the file", label, a, b);
        json_decref(x);
        json_decref(y);
    } else {
        ck_assert_str_eq(l.err.message, err.message);
    }
    free(a);
    free(b);
    free(path);
    tfa_run_free(local);
    tfa_run_free(l.run);
}

START_TEST(remote_corpus_over_http_reads_as_files)
{
    char *list = tfa_test_need_corpus_path("expected.jsonl");
    json_t *files = fake_jsonl(list, "file", ""), *e;
    size_t i, n = 0;

    json_array_foreach(files, i, e)
    {
        const char *file = json_string_value(json_object_get(e, "file"));
        same_as_file(file, file);
        n++;
    }
    json_decref(files);
    ck_assert_uint_gt(n, 50);
    free(list);
}
END_TEST

START_TEST(tfc_no_request_carried_the_canary)
{
    ck_assert(!fake_canary_seen(&srv));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tfc");
    TCase *off = tcase_create("offline"), *tc = tcase_create("server");

    tcase_add_test(off, credentials_variable_names_follow_terraform);
    tcase_add_test(off, credentials_host_variable_wins);
    tcase_add_test(off, credentials_from_the_terraform_login_file);
    tcase_add_test(off, credentials_file_errors_never_quote_it);
    tcase_add_test(off, credentials_refuse_a_token_with_spaces);
    tcase_add_test(off, tfc_ids_are_checked_before_use);
    tcase_add_test(off, tfc_hosts_as_users_write_them);
    suite_add_tcase(s, off);

    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tfc_fetch_an_applied_run);
    tcase_add_test(tc, tfc_fetch_a_plan_only_run);
    tcase_add_test(tc, tfc_fetch_the_current_assessment);
    tcase_add_test(tc, tfc_no_assessment_is_said_plainly);
    tcase_add_test(tc, tfc_rejected_token_names_its_source);
    tcase_add_test(tc, tfc_unknown_run_is_not_found);
    tcase_add_test(tc, tfc_hostile_run_id_sends_nothing);
    tcase_add_test(tc, tfc_hostile_answers_are_refused);
    tcase_add_test(tc, tfc_fetch_survives_every_allocation_failure);
    tcase_add_test(tc, tfc_api_throttling_is_waited_out);
    tcase_add_test(tc, tfc_log_errors_name_the_source_not_the_signed_url);
    tcase_add_test(tc, remote_tfc_run_becomes_inputs);
    tcase_add_test(tc, remote_tfc_workspace_becomes_its_assessment);
    tcase_add_test(tc, remote_tfc_without_a_token_says_where_to_put_one);
    tcase_add_test(tc, remote_url_is_named_without_its_query);
    tcase_add_test(tc, remote_url_gets_only_a_token_bound_to_its_host);
    tcase_add_test(tc, tfc_no_request_carried_the_canary);
    suite_add_tcase(s, tc);

    tc = tfa_test_corpus_case("corpus");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, remote_corpus_over_http_reads_as_files);
    tcase_add_test(tc, tfc_no_request_carried_the_canary);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    json_set_alloc_funcs(tfa_malloc, tfa_free); /* so allocation failures reach jansson */
    return fake_suite_main(suite());
}
