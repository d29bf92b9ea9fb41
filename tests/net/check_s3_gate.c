/*
 * check_s3_gate.c - S3 through the commands that use it beside archive:
 * `gate --archive-to` records the uploaded object in the ledger, and
 * `audit s3://BUCKET/PREFIX/` reads its workspaces straight from a prefix.
 * Against the same S3 test server as check_s3.c (s3_server.h).
 */
#include "util/compat.h"

#include "s3_server.h"

START_TEST(s3_gate_archives_inputs_and_records_the_object)
{
    char ledger[700], *sha, *p, obj_sha[65];
    const char *gate[] = {"tfaudit",
                          "gate",
                          "--checklist",
                          "checklists/telemetry-apply.md",
                          "--section",
                          "Before apply",
                          "--sign-off",
                          "leadership=Dana",
                          "--workspace",
                          "grafana",
                          "--now",
                          "2026-11-27T03:00:00Z",
                          "--ledger",
                          ledger,
                          "--archive-to",
                          "s3://audit/gates/",
                          "fixtures/plans/grafana-clean.json",
                          NULL};
    const char *show[] = {"tfaudit", "ledger",   "show", "1", "--format",
                          "json",    "--ledger", ledger, NULL};
    const char *verify[] = {"tfaudit", "bundle",
                            "verify",  "--sha256",
                            obj_sha,   "s3://audit/gates/grafana/20261127T030000Z.tar.gz",
                            NULL};
    tfa_test_output out;

    snprintf(ledger, sizeof(ledger), "%s/gate-ledger.db", srv.dir);
    aws_env(srv.proxy);
    run(&out, gate);
    ck_assert_msg(out.status == 0, "%s", out.err);
    ck_assert_msg(tfa_test_contains(out.err, out.err_len,
                                    "tfaudit: inputs archived to "
                                    "s3://audit/gates/grafana/20261127T030000Z.tar.gz (sha256 "),
                  "%s", out.err);
    tfa_test_output_release(&out);

    /* the ledger record names the object and its digest... */
    run(&out, show);
    ck_assert_msg(out.status == 0, "%s", out.err);
    ck_assert(tfa_test_contains(
        out.out, out.out_len, "\"object\": \"s3://audit/gates/grafana/20261127T030000Z.tar.gz\""));
    p = strstr(out.out, "\"archive\"");
    ck_assert_ptr_nonnull(p);
    sha = strstr(p, "\"sha256\": \"");
    ck_assert_ptr_nonnull(sha);
    memcpy(obj_sha, sha + 11, 64);
    obj_sha[64] = '\0';
    ck_assert(!tfa_test_contains(out.out, out.out_len, TFA_TEST_CANARY));
    tfa_test_output_release(&out);

    /* ...and the object there is that digest */
    run(&out, verify);
    ck_assert_msg(out.status == 0, "%s%s", out.out, out.err);
    tfa_test_output_release(&out);
}
END_TEST

/* Put a fixture file as an object (straight to s3rver). */
static void put_file(tfa_s3 *s3, const char *bucket, const char *key, const char *path)
{
    tfa_http_response res;
    tfa_error err;
    size_t len;
    char *data = tfa_test_read_file(path, &len);

    ck_assert_ptr_nonnull(data);
    tfa_error_init(&err);
    tfa_http_response_init(&res);
    ck_assert_tfa_ok(tfa_s3_request(s3, &res, "PUT", bucket, key, NULL, NULL, data, len, &err),
                     &err);
    tfa_http_response_release(&res);
    free(data);
}

START_TEST(s3_audit_reads_workspaces_from_a_prefix)
{
    char ledger[700];
    const char *audit[] = {"tfaudit",
                           "audit",
                           "--checklist",
                           "checklists/nightly-drift.md",
                           "--now",
                           "2026-11-27T04:00:00Z",
                           "--ledger",
                           ledger,
                           "--format",
                           "json",
                           "s3://audit/by-night/2026-11-27/",
                           NULL};
    tfa_http_options ho;
    tfa_test_output out;
    tfa_s3 *s3;

    snprintf(ledger, sizeof(ledger), "%s/audit-ledger.db", srv.dir);
    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    put_file(s3, "audit", "by-night/2026-11-27/grafana/plan.json",
             "fixtures/plans/grafana-clean.json");
    put_file(s3, "audit", "by-night/2026-11-27/network/plan.json",
             "fixtures/verify/refresh-only.json");
    put_file(s3, "audit", "by-night/2026-11-27/README.txt",
             "README.md"); /* no workspace: skipped */
    tfa_s3_free(s3);

    aws_env(srv.proxy);
    run(&out, audit);
    /* network drifted: a regression on the first audit of it (new failure) */
    ck_assert_msg(out.status == 1, "%s", out.err);
    ck_assert(tfa_test_contains(out.out, out.out_len, "\"name\": \"grafana\""));
    ck_assert(tfa_test_contains(out.out, out.out_len, "\"name\": \"network\""));
    ck_assert_msg(
        tfa_test_contains(out.err, out.err_len,
                          "s3://audit/by-night/2026-11-27/README.txt: note: skipped: not in a "
                          "workspace folder"),
        "%s", out.err);
    tfa_test_output_release(&out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("s3_gate");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, s3_gate_archives_inputs_and_records_the_object);
    tcase_add_test(tc, s3_audit_reads_workspaces_from_a_prefix);
    suite_add_tcase(s, tc);
    return s3_suite_main(s);
}
