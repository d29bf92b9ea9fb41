/*
 * check_gate_git.c - `tfaudit gate --git-repo --rollout-plan --iac-repo`
 * end to end on a real repository made with git: the evidence lands on its
 * own branch, the rollout plan's section is written there, and the user's
 * working tree, index and checked-out branch are left exactly as they were.
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "testsupport.h"
#include "util/buf.h"

static char *dir;

static void setup(void)
{
    dir = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
    tfa_test_rmtree(dir);
    free(dir);
}

/* Run a shell command in the repository; its stdout, or NULL on failure. */
static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *sh(const char *fmt, ...)
{
    char cmd[4096], chunk[4096];
    tfa_buf out;
    va_list ap;
    FILE *p;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        tfa_buf_put(&out, chunk, n);
    if (pclose(p) != 0) {
        tfa_buf_release(&out);
        return NULL;
    }
    return tfa_buf_detach(&out, NULL);
}

#define GIT "git -C '%s/iac' -c user.name=Dev -c user.email=dev@example.invalid "

START_TEST(gate_commits_evidence_beside_the_rollout_plan)
{
    char ledger[600], repo[600];
    const char *argv[] = {"tfaudit",
                          "gate",
                          "--checklist",
                          "checklists/telemetry-apply.md",
                          "--section",
                          "Before apply",
                          "--sign-off",
                          "leadership=Dana Reyes",
                          "--workspace",
                          "telemetry",
                          "--now",
                          "2026-11-27T06:00:00Z",
                          "--operator",
                          "Dana Reyes",
                          "--ledger",
                          ledger,
                          "--git-repo",
                          repo,
                          "--rollout-plan",
                          "docs/rollout.md",
                          "--iac-repo",
                          repo,
                          "--format",
                          "json",
                          "fixtures/plans/grafana-clean.json",
                          NULL};
    char *head_before, *status_before, *plan, *tree, *subject, *out_json;
    tfa_test_output out;

    snprintf(ledger, sizeof(ledger), "%s/ledger.db", dir);
    snprintf(repo, sizeof(repo), "%s/iac", dir);
    free(sh("git init -q -b main '%s/iac' && mkdir '%s/iac/docs' && "
            "printf '# Telemetry rollout\\n\\nSteps.\\n' > '%s/iac/docs/rollout.md' && "
            "echo 'resource {}' > '%s/iac/main.tf'",
            dir, dir, dir, dir));
    free(sh(GIT "add -A && " GIT "commit -qm plan", dir, dir));
    /* the user's work in progress: must survive untouched */
    free(sh("echo '# wip' >> '%s/iac/main.tf' && echo staged > '%s/iac/new.tf' && " GIT
            "add new.tf",
            dir, dir, dir));
    head_before = sh(GIT "rev-parse HEAD", dir);
    status_before = sh(GIT "status --porcelain", dir);

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "%s", out.err);
    ck_assert_msg(tfa_test_contains(out.err, out.err_len, "evidence committed: "), "%s", out.err);
    ck_assert(tfa_test_contains(out.out, out.out_len, "\"verdict\": \"GO\""));
    tfa_test_output_release(&out);

    /* the evidence branch */
    tree = sh(GIT "ls-tree -r --name-only tfaudit-evidence", dir);
    ck_assert_ptr_nonnull(tree);
    ck_assert_ptr_nonnull(strstr(tree, "evidence/telemetry/20261127T060000Z-GO.md\n"));
    ck_assert_ptr_nonnull(strstr(tree, "evidence/telemetry/20261127T060000Z-GO.json\n"));
    plan = sh(GIT "show tfaudit-evidence:docs/rollout.md", dir);
    ck_assert_ptr_nonnull(plan);
    ck_assert_int_eq(strncmp(plan, "# Telemetry rollout\n\nSteps.\n", 28), 0);
    ck_assert_ptr_nonnull(strstr(plan, "<!-- tfaudit:evidence:start -->"));
    ck_assert_ptr_nonnull(strstr(plan, "| telemetry | 2026-11-27T06:00:00Z | GO |"));
    /* no identity anywhere (the tests' HOME is empty): tfaudit's own, and
     * the operator in the message */
    subject = sh(GIT "log -1 --format='%%s%%n%%b%%n%%an <%%ae>' tfaudit-evidence", dir);
    ck_assert_ptr_nonnull(strstr(subject, "telemetry"));
    ck_assert_ptr_nonnull(strstr(subject, "GO"));
    ck_assert_ptr_nonnull(strstr(subject, "Operator: Dana Reyes\n"));
    ck_assert_ptr_nonnull(strstr(subject, "\ntfaudit <tfaudit@"));
    out_json = sh(GIT "show tfaudit-evidence:evidence/telemetry/20261127T060000Z-GO.json", dir);
    ck_assert_ptr_nonnull(strstr(out_json, "\"git.dirty\":true"));
    ck_assert_ptr_null(strstr(out_json, TFA_TEST_CANARY));

    /* the user's side: same HEAD, same branch, same index and working tree */
    {
        char *head_after = sh(GIT "rev-parse HEAD", dir), *status_after,
             *branch = sh(GIT "symbolic-ref --short HEAD", dir),
             *wt = sh("cat '%s/iac/docs/rollout.md'", dir);
        status_after = sh(GIT "status --porcelain", dir);
        ck_assert_str_eq(head_after, head_before);
        ck_assert_str_eq(status_after, status_before);
        ck_assert_str_eq(branch, "main\n");
        ck_assert_str_eq(wt, "# Telemetry rollout\n\nSteps.\n");
        free(head_after), free(status_after), free(branch), free(wt);
    }
    free(head_before), free(status_before), free(plan), free(tree), free(subject), free(out_json);
}
END_TEST

/* One gate into `repo` at minute `min`; the evidence commit's author and
 * committer as "NAME <EMAIL>|NAME <EMAIL>\n", or NULL when the gate failed. */
static char *gate_identity(const char *repo, int min, const char *git_author, int *status)
{
    char ledger[600], now[32];
    const char *argv[24];
    tfa_test_output out;
    int n = 0;

    snprintf(ledger, sizeof(ledger), "%s/ledger.db", dir);
    snprintf(now, sizeof(now), "2026-11-27T06:%02d:00Z", min);
    argv[n++] = "tfaudit", argv[n++] = "gate", argv[n++] = "--checklist";
    argv[n++] = "checklists/telemetry-apply.md", argv[n++] = "--section";
    argv[n++] = "Before apply", argv[n++] = "--sign-off", argv[n++] = "leadership=Dana";
    argv[n++] = "--now", argv[n++] = now, argv[n++] = "--ledger", argv[n++] = ledger;
    argv[n++] = "--git-repo", argv[n++] = repo;
    if (git_author)
        argv[n++] = "--git-author", argv[n++] = git_author;
    argv[n++] = "fixtures/plans/grafana-clean.json", argv[n] = NULL;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    *status = out.status;
    tfa_test_output_release(&out);
    if (*status != 0)
        return NULL;
    return sh(GIT "log -1 --format='%%an <%%ae>|%%cn <%%ce>' tfaudit-evidence", dir);
}

/* A CI runner has no identity: tfaudit's own; then, as git does, the
 * environment, the repository's config, and --git-author over all. */
START_TEST(commit_identity_follows_git)
{
    char repo[600], *who;
    int status;

    snprintf(repo, sizeof(repo), "%s/iac", dir);
    free(sh("git init -q -b main '%s/iac' && echo x > '%s/iac/main.tf'", dir, dir));
    free(sh(GIT "add -A && " GIT "commit -qm init", dir, dir));

    who = gate_identity(repo, 1, NULL, &status);
    ck_assert_ptr_nonnull(who);
    ck_assert_msg(strncmp(who, "tfaudit <tfaudit@", 17) == 0, "%s", who);
    free(who);

    setenv("GIT_AUTHOR_NAME", "Env Author", 1);
    setenv("GIT_AUTHOR_EMAIL", "author@example.invalid", 1);
    setenv("GIT_COMMITTER_EMAIL", "ci@example.invalid", 1);
    who = gate_identity(repo, 2, NULL, &status);
    ck_assert_ptr_nonnull(who);
    ck_assert_msg(
        strncmp(who, "Env Author <author@example.invalid>|tfaudit <ci@example.invalid>", 64) == 0,
        "%s", who);
    free(who);
    unsetenv("GIT_AUTHOR_NAME"), unsetenv("GIT_AUTHOR_EMAIL"), unsetenv("GIT_COMMITTER_EMAIL");

    free(sh("git -C '%s/iac' config user.name 'Repo User' && "
            "git -C '%s/iac' config user.email repo@example.invalid",
            dir, dir));
    who = gate_identity(repo, 3, NULL, &status);
    ck_assert_ptr_nonnull(who);
    ck_assert_str_eq(who, "Repo User <repo@example.invalid>|Repo User <repo@example.invalid>\n");
    free(who);

    who = gate_identity(repo, 4, "Ops Bot <ops@example.invalid>", &status);
    ck_assert_ptr_nonnull(who);
    ck_assert_str_eq(who, "Ops Bot <ops@example.invalid>|Repo User <repo@example.invalid>\n");
    free(who);

    /* a malformed --git-author is a usage error, before anything is recorded */
    who = gate_identity(repo, 5, "nobody", &status);
    ck_assert_ptr_null(who);
    ck_assert_int_eq(status, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gate_git");
    TCase *tc = tcase_create("gate_git");
    if (system("git --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "skipped: git is needed\n");
        return 77;
    }
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, gate_commits_evidence_beside_the_rollout_plan);
    tcase_add_test(tc, commit_identity_follows_git);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
