/*
 * check_s3_anchor.c - anchors in S3: `gate --anchor-to s3://...` writes
 * PREFIX/anchors/LEDGER/SEQ.json after every record, `ledger verify
 * --anchor s3://...` reads them back and catches a truncated ledger.
 * Against the S3 test server of check_s3.c (s3_server.h).
 */
#include "util/compat.h"

#include "s3_server.h"

START_TEST(s3_anchors_are_written_and_catch_truncation)
{
    char ledger[700], key[700], keys[700], cmd[2400];
    const char *keygen[] = {"tfaudit", "key", "generate", "--out", key, NULL};
    const char *gate[] = {"tfaudit",
                          "gate",
                          "--checklist",
                          "checklists/telemetry-apply.md",
                          "--section",
                          "Before apply",
                          "--sign-off",
                          "leadership=Dana",
                          "--now",
                          "2026-11-27T03:00:00Z",
                          "--ledger",
                          ledger,
                          "--signing-key",
                          key,
                          "--anchor-to",
                          "s3://audit/anchored/",
                          "fixtures/plans/grafana-clean.json",
                          NULL};
    const char *verify[] = {"tfaudit",
                            "ledger",
                            "verify",
                            "--ledger",
                            ledger,
                            "--anchor",
                            "s3://audit/anchored/",
                            "--trusted-keys",
                            keys,
                            NULL};
    tfa_test_output out;
    int i;

    snprintf(ledger, sizeof(ledger), "%s/anchor-ledger.db", srv.dir);
    snprintf(key, sizeof(key), "%s/anchor-key.pem", srv.dir);
    snprintf(keys, sizeof(keys), "%s/anchor-keys.pub", srv.dir);
    aws_env(srv.proxy);
    run(&out, keygen);
    ck_assert_int_eq(out.status, 0);
    ck_assert_int_eq(tfa_test_write_file(keys, out.out, out.out_len), 0);
    tfa_test_output_release(&out);
    for (i = 0; i < 2; i++) {
        run(&out, gate);
        ck_assert_msg(out.status == 0, "%s", out.err);
        ck_assert_msg(tfa_test_contains(out.err, out.err_len, "anchored in s3://audit/anchored/"),
                      "%s", out.err);
        tfa_test_output_release(&out);
    }
    run(&out, verify);
    ck_assert_msg(out.status == 0, "%s%s", out.out, out.err);
    ck_assert(
        tfa_test_contains(out.out, out.out_len, "anchors: 2 checked, newest anchored record 2"));
    tfa_test_output_release(&out);
    snprintf(cmd, sizeof(cmd),
             "sqlite3 '%s' \"DELETE FROM records WHERE seq = 2; UPDATE chain_head SET seq = 1,"
             " hash = (SELECT hash FROM records WHERE seq = 1)\"",
             ledger);
    ck_assert_int_eq(system(cmd), 0);
    run(&out, verify);
    ck_assert_int_eq(out.status, 1);
    ck_assert_msg(tfa_test_contains(out.out, out.out_len, "record 2 is missing"), "%s", out.out);
    tfa_test_output_release(&out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("s3_anchor");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, s3_anchors_are_written_and_catch_truncation);
    suite_add_tcase(s, tc);
    return s3_suite_main(s);
}
