/*
 * check_signing_cli.c - signing keys, signed records, anchors and signed
 * sign-offs through the tfaudit binary, as an operator and an auditor use
 * them: keys made with `key generate`, tokens with `sign-off`, gates with
 * --signing-key/--anchor-to/--allowed-signers, checks with `ledger verify`.
 */
#include "util/compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "storage_test.h"

#define CHECKLIST "checklists/telemetry-apply.md"
#define CLEAN     "fixtures/plans/grafana-clean.json"
#define DESTROY   "fixtures/plans/grafana-destroy.json"
#define NOW       "2026-11-27T21:30:00Z"

static char *tmp;
static char ledger[4096], ops[4096], dana[4096], sam[4096], trusted[4096], allowed[4096];
static char anchors[4096];

static int run(tfa_test_output *o, const char *const *argv)
{
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, o), 0);
    return o->status;
}

/* `key generate`; the public line is appended to `list`, prefixed. */
static void keygen(const char *path, const char *comment, const char *list, const char *prefix)
{
    const char *argv[] = {"tfaudit", "key", "generate", "--out", path, "--comment", comment, NULL};
    tfa_test_output o;
    FILE *f;

    ck_assert_int_eq(run(&o, argv), 0);
    ck_assert_int_eq(strncmp(o.out, "ed25519 ", 8), 0);
    ck_assert_ptr_nonnull(f = fopen(list, "a"));
    fprintf(f, "%s%s", prefix, o.out);
    fclose(f);
    tfa_test_output_release(&o);
}

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    snprintf(ledger, sizeof(ledger), "%s/ledger.db", tmp);
    snprintf(ops, sizeof(ops), "%s/ops.pem", tmp);
    snprintf(dana, sizeof(dana), "%s/dana.pem", tmp);
    snprintf(sam, sizeof(sam), "%s/sam.pem", tmp);
    snprintf(trusted, sizeof(trusted), "%s/trusted.pub", tmp);
    snprintf(allowed, sizeof(allowed), "%s/allowed_signers", tmp);
    snprintf(anchors, sizeof(anchors), "%s/anchors.jsonl", tmp);
    setenv("TFAUDIT_NOW", NOW, 1);
    unsetenv("TFAUDIT_SIGNING_KEY");
    unsetenv("TFAUDIT_LEDGER");
    keygen(ops, "ops", trusted, "");
    keygen(dana, "Dana Reyes", allowed, "leadership ");
    keygen(sam, "Sam", allowed, "security ");
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

static char *token(const char *key, const char *role, const char *plan, const char *now)
{
    const char *argv[] = {"tfaudit", "sign-off", "--key", key, "--role", role,
                          "--note",  "CHG-1042", "--now", now, plan,     NULL};
    tfa_test_output o;
    char *t;
    ck_assert_int_eq(run(&o, argv), 0);
    ck_assert_int_eq(strncmp(o.out, "tfaso1.", 7), 0);
    o.out[strcspn(o.out, "\n")] = '\0';
    t = strdup(o.out);
    tfa_test_output_release(&o);
    return t;
}

/* Gate `plan` before apply with one sign-off; the report in *o. */
static int gate(tfa_test_output *o, const char *plan, const char *signoff, int with_allowed)
{
    const char *argv[] = {"tfaudit",
                          "gate",
                          "--checklist",
                          CHECKLIST,
                          "--section",
                          "Before apply",
                          "--workspace",
                          "prod",
                          "--ledger",
                          ledger,
                          "--signing-key",
                          ops,
                          "--anchor-to",
                          anchors,
                          "--sign-off",
                          signoff,
                          with_allowed ? "--allowed-signers" : plan,
                          with_allowed ? allowed : NULL,
                          plan,
                          NULL};
    return run(o, argv);
}

START_TEST(key_generate_refuses_to_overwrite_and_public_repeats_the_line)
{
    const char *gen[] = {"tfaudit", "key", "generate", "--out", ops, NULL};
    const char *pub[] = {"tfaudit", "key", "public", "--comment", "ops", ops, NULL};
    tfa_test_output o;
    struct stat st;
    char *list = tfa_test_read_file(trusted, NULL);

    ck_assert_int_eq(stat(ops, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(run(&o, gen), 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "never overwritten"));
    tfa_test_output_release(&o);
    ck_assert_int_eq(run(&o, pub), 0);
    ck_assert_str_eq(o.out, list);
    tfa_test_output_release(&o);
    free(list);
}
END_TEST

START_TEST(signed_sign_off_passes_only_for_its_plan_role_and_signers)
{
    char *good = token(dana, "leadership", CLEAN, NOW);
    char *other_plan = token(dana, "leadership", DESTROY, NOW);
    char *wrong_role_key = token(sam, "leadership", CLEAN, NOW);
    char *other_role = token(dana, "security", CLEAN, NOW);
    char *expired = token(dana, "leadership", CLEAN, "2026-11-20T00:00:00Z");
    char *evil;
    tfa_test_output o;
    char evil_key[4200], evil_list[4200];

    ck_assert_int_eq(gate(&o, CLEAN, good, 1), 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "signed off by Dana Reyes (signed, key SHA256:"));
    tfa_test_output_release(&o);

    ck_assert_int_eq(gate(&o, CLEAN, other_plan, 1), 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "signed sign-off is for another plan"));
    tfa_test_output_release(&o);

    ck_assert_int_eq(gate(&o, CLEAN, wrong_role_key, 1), 1);
    ck_assert_msg(tfa_test_contains(o.out, o.out_len, "is not allowed to sign off 'leadership'"),
                  "%s", o.out);
    tfa_test_output_release(&o);

    /* a valid token for another role does not sign off leadership */
    ck_assert_int_eq(gate(&o, CLEAN, other_role, 1), 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "unknown item 'security'"));
    tfa_test_output_release(&o);

    ck_assert_int_eq(gate(&o, CLEAN, expired, 1), 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "expired at 2026-11-21T00:00:00Z"));
    tfa_test_output_release(&o);

    /* a key that is not in --allowed-signers at all */
    snprintf(evil_key, sizeof(evil_key), "%s/evil.pem", tmp);
    snprintf(evil_list, sizeof(evil_list), "%s/evil.pub", tmp);
    keygen(evil_key, "Mallory", evil_list, "leadership ");
    evil = token(evil_key, "leadership", CLEAN, NOW);
    ck_assert_int_eq(gate(&o, CLEAN, evil, 1), 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "is not in --allowed-signers"));
    tfa_test_output_release(&o);

    /* typed names: refused with --allowed-signers, "unsigned" without */
    ck_assert_int_eq(gate(&o, CLEAN, "leadership=Dana Reyes", 1), 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "unsigned sign-off refused"));
    tfa_test_output_release(&o);
    ck_assert_int_eq(gate(&o, CLEAN, "leadership=Dana Reyes", 0), 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "signed off by Dana Reyes (unsigned)"));
    tfa_test_output_release(&o);
    /* a token cannot be checked without the list */
    ck_assert_int_eq(gate(&o, CLEAN, good, 0), 2);
    tfa_test_output_release(&o);

    free(good);
    free(other_plan);
    free(wrong_role_key);
    free(other_role);
    free(expired);
    free(evil);
}
END_TEST

static int verify(tfa_test_output *o, const char *keys, const char *anchor)
{
    const char *argv[] = {"tfaudit", "ledger",
                          "verify",  "--ledger",
                          ledger,    keys ? "--trusted-keys" : NULL,
                          keys,      anchor ? "--anchor" : NULL,
                          anchor,    NULL};
    return run(o, argv);
}

START_TEST(gate_signs_and_anchors_and_verify_names_forgeries)
{
    char *good = token(dana, "leadership", CLEAN, NOW);
    tfa_test_output o;
    int i;

    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(gate(&o, i == 1 ? DESTROY : CLEAN, good, 1), i == 1 ? 1 : 0);
        ck_assert(tfa_test_contains(o.err, o.err_len, ", signed"));
        ck_assert(tfa_test_contains(o.err, o.err_len, "anchored in"));
        tfa_test_output_release(&o);
    }
    ck_assert_int_eq(verify(&o, NULL, NULL), 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "signatures: not checked"));
    tfa_test_output_release(&o);
    ck_assert_int_eq(verify(&o, trusted, anchors), 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "every record signed by a trusted key"));
    ck_assert(tfa_test_contains(o.out, o.out_len, "anchors: 3 checked, newest anchored record 3"));
    tfa_test_output_release(&o);

    /* truncation with the head moved back: signatures hold, the anchor does not */
    ck_assert_int_eq(sh("sqlite3 '%s' \"DELETE FROM records WHERE seq = 3; UPDATE chain_head SET"
                        " seq = 2, hash = (SELECT hash FROM records WHERE seq = 2)\"",
                        ledger),
                     0);
    ck_assert_int_eq(verify(&o, trusted, NULL), 0);
    tfa_test_output_release(&o);
    ck_assert_int_eq(verify(&o, trusted, anchors), 1);
    ck_assert_msg(
        tfa_test_contains(o.out, o.out_len, "ledger: anchor check failed: record 3 is missing"),
        "%s", o.out);
    tfa_test_output_release(&o);

    free(good);
}
END_TEST

START_TEST(bundles_carry_the_signature_and_verify_it)
{
    char bundle[4200], evil_key[4200], evil_list[4200];
    const char *exp[] = {"tfaudit", "ledger",         "export", "--ledger", ledger, "--bundle",
                         bundle,    "--trusted-keys", trusted,  "1",        NULL};
    const char *ok[] = {"tfaudit", "bundle", "verify", "--trusted-keys", trusted, bundle, NULL};
    const char *other[] = {"tfaudit", "bundle", "verify", "--trusted-keys",
                           evil_list, bundle,   NULL};
    char *good = token(dana, "leadership", CLEAN, NOW);
    tfa_test_output o;

    snprintf(bundle, sizeof(bundle), "%s/record-1.tar.gz", tmp);
    snprintf(evil_key, sizeof(evil_key), "%s/evil.pem", tmp);
    snprintf(evil_list, sizeof(evil_list), "%s/evil.pub", tmp);
    keygen(evil_key, "Mallory", evil_list, "");
    ck_assert_int_eq(gate(&o, CLEAN, good, 1), 0);
    tfa_test_output_release(&o);
    ck_assert_int_eq(run(&o, exp), 0);
    tfa_test_output_release(&o);
    ck_assert_int_eq(run(&o, ok), 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "signature: record signed by trusted key"));
    tfa_test_output_release(&o);
    ck_assert_int_eq(run(&o, other), 1);
    ck_assert(tfa_test_contains(o.out, o.out_len, "signed by an untrusted key"));
    tfa_test_output_release(&o);
    free(good);
}
END_TEST

START_TEST(gate_failing_before_recording_leaves_no_ledger)
{
    const char *argv[] = {"tfaudit", "gate",          "--checklist",          CHECKLIST, "--ledger",
                          ledger,    "--signing-key", "/nonexistent/key.pem", CLEAN,     NULL};
    tfa_test_output o;
    struct stat st;

    ck_assert_int_eq(run(&o, argv), 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "/nonexistent/key.pem"));
    ck_assert_int_ne(stat(ledger, &st), 0);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(anchor_in_a_git_repository_leaves_the_work_tree_alone)
{
    char repo[4200], *status;
    const char *anchor[] = {"tfaudit", "ledger", "anchor",        "--ledger", ledger,
                            "--to",    repo,     "--signing-key", ops,        NULL};
    tfa_test_output o;
    char *good = token(dana, "leadership", CLEAN, NOW);

    ck_assert_int_eq(gate(&o, CLEAN, good, 1), 0);
    tfa_test_output_release(&o);
    snprintf(repo, sizeof(repo), "%s/repo", tmp);
    ck_assert_int_eq(sh("git init -q '%s' && git -C '%s' -c user.name=t -c user.email=t@e commit"
                        " -q --allow-empty -m init",
                        repo, repo),
                     0);
    ck_assert_int_eq(run(&o, anchor), 0);
    tfa_test_output_release(&o);
    ck_assert_int_eq(verify(&o, trusted, repo), 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, "anchors: 1 checked, newest anchored record 1"));
    tfa_test_output_release(&o);
    status = sh_out("git -C '%s' status --porcelain; git -C '%s' rev-parse --abbrev-ref HEAD", repo,
                    repo);
    ck_assert_str_eq(status, "master\n");
    free(status);
    free(good);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("signing_cli");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, key_generate_refuses_to_overwrite_and_public_repeats_the_line);
    tcase_add_test(tc, signed_sign_off_passes_only_for_its_plan_role_and_signers);
    tcase_add_test(tc, gate_signs_and_anchors_and_verify_names_forgeries);
    tcase_add_test(tc, gate_failing_before_recording_leaves_no_ledger);
    tcase_add_test(tc, bundles_carry_the_signature_and_verify_it);
    tcase_add_test(tc, anchor_in_a_git_repository_leaves_the_work_tree_alone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
