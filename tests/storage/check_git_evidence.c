/*
 * check_git_evidence.c - evidence commits and repository facts on
 * temporary repositories made with the git CLI: a checked-out feature
 * branch with staged, unstaged and untracked changes that must stay
 * byte-for-byte untouched; the evidence branch's tree, message and author;
 * the rollout plan section; races; the canary in git objects.
 */
#include "util/compat.h"

#include <git2.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "git_evidence.h"
#include "record_render.h"
#include "storage_test.h"

#define T0 1740823200 /* 2025-03-01T10:00:00Z */

static const char plan_head[] =
    "# Telemetry rollout plan\n\n## Phase 1\n\nShip the dashboards.\n\n";
static const char plan_tail[] = "<!-- tfaudit:evidence:end -->\n\n## Notes\n\nKeep this | as is.\n";

static char *tmp;
static char repo[4096];

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    snprintf(repo, sizeof(repo), "%s/repo", tmp);
    ck_assert_int_eq(
        sh("set -e; git init -q -b main '%s'; cd '%s'; git config user.name 'Test Lead';"
           " git config user.email lead@example.com; mkdir docs;"
           " printf '%%s<!-- tfaudit:evidence:start -->\\nold table\\n%%s' '%s' '%s' > "
           "docs/rollout.md;"
           " printf 'hello\\n' > README.md; git add -A; git commit -qm init;"
           " git checkout -q -b feature; printf 'edited\\n' >> README.md;"
           " printf 'staged\\n' > staged.txt; git add staged.txt; printf 'loose\\n' > "
           "untracked.txt",
           repo, repo, plan_head, plan_tail),
        0);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

/* Everything a user could notice: files, index, HEAD, refs, status. */
static char *snapshot(void)
{
    char *s =
        sh_out("cd '%s' && sha256sum README.md staged.txt untracked.txt docs/rollout.md"
               " .git/index .git/HEAD && git rev-parse main feature && git status --porcelain",
               repo);
    ck_assert_ptr_nonnull(s);
    return s;
}

static char *git_out(const char *args)
{
    char *s = sh_out("git -C '%s' %s", repo, args);
    ck_assert_msg(s != NULL, "git %s failed", args);
    return s;
}

/* A ledger record from the live run, its report and evidence. */
typedef struct verdict {
    tfa_ledger *ledger;
    tfa_ledger_record *rec;
    tfa_buf report;
    tfa_git_evidence ev;
} verdict;

static const char *const failing[] = {"scope", "leadership"};

static void verdict_make(verdict *v, const char *workspace, const char *word, int64_t t)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    json_t *rec = test_record(word);
    char db[4200];
    tfa_ledger_entry e = {t, workspace, NULL, "alice", word, "0.1.0", rec};
    tfa_error err;

    memset(v, 0, sizeof(*v));
    tfa_error_init(&err);
    snprintf(db, sizeof(db), "%s/ledger.db", tmp);
    o.create = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&v->ledger, db, &o, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_append(&v->rec, v->ledger, &e, &err), &err);
    tfa_buf_init(&v->report, TFA_BUF_NO_MAX);
    ck_assert_tfa_ok(tfa_record_render(&v->report, v->rec, TFA_RECORD_MARKDOWN, &err), &err);
    tfa_git_evidence_from_record(&v->ev, v->rec);
    v->ev.report_md = v->report.ptr;
    v->ev.report_len = v->report.len;
    if (strcmp(word, "NO-GO") == 0) {
        v->ev.failing = failing;
        v->ev.n_failing = 2;
    }
    json_decref(rec);
}

static void verdict_release(verdict *v)
{
    tfa_buf_release(&v->report);
    tfa_ledger_record_free(v->rec);
    tfa_ledger_free(v->ledger);
}

static void commit(tfa_git_evidence_result *res, verdict *v, const tfa_git_evidence_options *o)
{
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_git_evidence_commit(res, repo, &v->ev, o, &err), &err);
}

static int scan_object(const git_oid *id, void *payload)
{
    git_odb *odb = payload;
    git_odb_object *obj = NULL;
    int found;
    ck_assert_int_eq(git_odb_read(&obj, odb, id), 0);
    found = tfa_test_contains(git_odb_object_data(obj), git_odb_object_size(obj), TFA_TEST_CANARY);
    git_odb_object_free(obj);
    return found ? 1 : 0;
}

/* Whether any object of the repository (inflated) holds the canary. */
static int objects_hold_canary(void)
{
    git_repository *r = NULL;
    git_odb *odb = NULL;
    int rc;
    git_libgit2_init();
    ck_assert_int_eq(git_repository_open(&r, repo), 0);
    ck_assert_int_eq(git_repository_odb(&odb, r), 0);
    rc = git_odb_foreach(odb, scan_object, odb);
    git_odb_free(odb);
    git_repository_free(r);
    git_libgit2_shutdown();
    return rc == 1;
}

START_TEST(git_evidence_commits_beside_an_untouched_worktree)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result res;
    char *before = snapshot(), *after, *s, want[4096];
    verdict v;

    verdict_make(&v, "prod", "NO-GO", T0);
    o.rollout_plan = "docs/rollout.md";
    commit(&res, &v, &o);
    after = snapshot();
    ck_assert_str_eq(after, before);
    ck_assert_str_eq(res.md_path, "evidence/prod/20250301T100000Z-NO-GO.md");
    ck_assert_str_eq(res.json_path, "evidence/prod/20250301T100000Z-NO-GO.json");
    ck_assert_uint_eq(res.retries, 0);

    s = git_out("rev-parse tfaudit-evidence");
    ck_assert_int_eq(strncmp(s, res.commit, 40), 0);
    free(s);
    s = git_out("rev-parse tfaudit-evidence^ feature");
    ck_assert_int_eq(strncmp(s, s + 41, 40), 0); /* the branch starts at HEAD */
    free(s);
    s = git_out("ls-tree -r --name-only tfaudit-evidence");
    ck_assert_str_eq(s, "README.md\ndocs/rollout.md\nevidence/latest.json\n"
                        "evidence/prod/20250301T100000Z-NO-GO.json\n"
                        "evidence/prod/20250301T100000Z-NO-GO.md\n");
    free(s);
    s = git_out("show tfaudit-evidence:evidence/prod/20250301T100000Z-NO-GO.json");
    ck_assert_str_eq(s, v.rec->body);
    free(s);
    s = git_out("show tfaudit-evidence:evidence/prod/20250301T100000Z-NO-GO.md");
    ck_assert_str_eq(s, v.report.ptr);
    free(s);
    s = git_out("log -1 --format='%an <%ae> %at %cn %ct%n%B' tfaudit-evidence");
    snprintf(want, sizeof(want),
             "Test Lead <lead@example.com> 1740823200 Test Lead 1740823200\n"
             "tfaudit: prod NO-GO\n\nWorkspace: prod\nVerdict: NO-GO\nTime: 2025-03-01T10:00:00Z\n"
             "Ledger record: 1 sha256:%s\nFailing items: scope, leadership\n"
             "Evidence: evidence/prod/20250301T100000Z-NO-GO.md\n\n",
             v.rec->hash);
    ck_assert_str_eq(s, want);
    free(s);
    s = git_out("show tfaudit-evidence:docs/rollout.md");
    snprintf(want, sizeof(want),
             "%s<!-- tfaudit:evidence:start -->\n"
             "| Workspace | Time (UTC) | Verdict | Failing items | Evidence |\n"
             "|---|---|---|---|---|\n"
             "| prod | 2025-03-01T10:00:00Z | NO-GO | `scope`, `leadership` | "
             "[20250301T100000Z-NO-GO.md](../evidence/prod/20250301T100000Z-NO-GO.md) |\n%s",
             plan_head, plan_tail);
    ck_assert_str_eq(s, want);
    free(s);
    ck_assert_int_eq(sh("git -C '%s' fsck --strict --no-progress 2>/dev/null", repo), 0);
    ck_assert(!objects_hold_canary());
    ck_assert(file_contains(TEST_PLAN, TFA_TEST_CANARY));
    tfa_git_evidence_result_release(&res);
    verdict_release(&v);
    free(before);
    free(after);
}
END_TEST

START_TEST(git_evidence_keeps_the_latest_verdict_per_workspace)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result r1, r2, r3;
    verdict a, b, c;
    char *s;

    o.rollout_plan = "docs/rollout.md";
    verdict_make(&a, "prod", "NO-GO", T0);
    commit(&r1, &a, &o);
    /* HEAD's copy of the plan changes; the branch already has its own */
    ck_assert_int_eq(sh("cd '%s' && git stash -q -u && printf 'HEAD ONLY\\n' >> docs/rollout.md &&"
                        " git commit -qam head && git stash pop -q",
                        repo),
                     0);
    verdict_make(&b, "staging", "GO", T0 + 60);
    commit(&r2, &b, &o);
    verdict_make(&c, "prod", "GO", T0 + 120);
    commit(&r3, &c, &o);
    s = git_out("show tfaudit-evidence:docs/rollout.md");
    ck_assert(!strstr(s, "HEAD ONLY"));
    ck_assert(strstr(s, "| prod | 2025-03-01T10:02:00Z | GO | none | "
                        "[20250301T100200Z-GO.md](../evidence/prod/20250301T100200Z-GO.md) |\n"
                        "| staging | 2025-03-01T10:01:00Z | GO | none | "
                        "[20250301T100100Z-GO.md](../evidence/staging/20250301T100100Z-GO.md) |\n"
                        "<!-- tfaudit:evidence:end -->\n\n## Notes\n"));
    ck_assert_int_eq(strncmp(s, plan_head, strlen(plan_head)), 0);
    free(s);
    s = git_out("log --format=%s tfaudit-evidence");
    ck_assert_str_eq(s, "tfaudit: prod GO\ntfaudit: staging GO\ntfaudit: prod NO-GO\ninit\n");
    free(s);
    s = git_out(
        "show tfaudit-evidence:evidence/latest.json | jq -c '.workspaces | map_values(.verdict)'");
    ck_assert_str_eq(s, "{\"prod\":\"GO\",\"staging\":\"GO\"}\n");
    free(s);
    tfa_git_evidence_result_release(&r1);
    tfa_git_evidence_result_release(&r2);
    tfa_git_evidence_result_release(&r3);
    verdict_release(&a);
    verdict_release(&b);
    verdict_release(&c);
}
END_TEST

START_TEST(git_evidence_adds_markers_when_absent)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result res;
    char *s, want[2048], abs_plan[4200];
    verdict v;

    ck_assert_int_eq(sh("cd '%s' && printf '# Plan\\r\\n\\r\\nNo markers here.' > docs/plain.md &&"
                        " git add docs/plain.md && git commit -qm plain",
                        repo),
                     0);
    snprintf(abs_plan, sizeof(abs_plan), "%s/docs/plain.md", repo); /* absolute works too */
    o.rollout_plan = abs_plan;
    o.branch = "audit/evidence";
    o.dir = "audit";
    verdict_make(&v, "prod", "GO", T0);
    commit(&res, &v, &o);
    s = git_out("show audit/evidence:docs/plain.md");
    snprintf(want, sizeof(want),
             "# Plan\r\n\r\nNo markers here.\r\n\r\n<!-- tfaudit:evidence:start -->\r\n"
             "| Workspace | Time (UTC) | Verdict | Failing items | Evidence |\r\n"
             "|---|---|---|---|---|\r\n"
             "| prod | 2025-03-01T10:00:00Z | GO | none | "
             "[20250301T100000Z-GO.md](../audit/prod/20250301T100000Z-GO.md) |\r\n"
             "<!-- tfaudit:evidence:end -->\r\n");
    ck_assert_str_eq(s, want);
    free(s);
    tfa_git_evidence_result_release(&res);
    verdict_release(&v);
}
END_TEST

START_TEST(git_evidence_refuses_bad_plans_and_branches)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result res;
    tfa_error err;
    verdict v;
    char *before = snapshot(), *after;

    verdict_make(&v, "prod", "GO", T0);
    tfa_error_init(&err);
    o.branch = "feature";
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &v.ev, &o, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message,
                     "branch 'feature' is checked out; evidence goes to a branch nobody works on");
    tfa_git_evidence_result_release(&res);
    tfa_error_clear(&err);
    o.branch = "bad..name";
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &v.ev, &o, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "invalid branch name 'bad..name'");
    tfa_git_evidence_result_release(&res);
    tfa_error_clear(&err);
    o.branch = NULL;
    o.rollout_plan = "docs/missing.md";
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &v.ev, &o, &err), TFA_ENOTFOUND);
    ck_assert_str_eq(err.message, "rollout plan 'docs/missing.md' is neither on branch "
                                  "'tfaudit-evidence' nor at HEAD");
    tfa_git_evidence_result_release(&res);
    tfa_error_clear(&err);
    o.rollout_plan = "../outside.md";
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &v.ev, &o, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "invalid rollout plan path '../outside.md' (relative to the "
                                  "repository root)");
    tfa_git_evidence_result_release(&res);
    tfa_error_clear(&err);
    o.rollout_plan = "/etc/hostname";
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &v.ev, &o, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message,
                     "rollout plan '/etc/hostname' is not inside the repository's work tree");
    tfa_git_evidence_result_release(&res);
    tfa_error_clear(&err);
    ck_assert_int_eq(sh("cd '%s' && printf 'x\\n<!-- tfaudit:evidence:start -->\\ny\\n' > docs/b.md"
                        " && git add docs/b.md && git commit -qm b",
                        repo),
                     0);
    free(before);
    before = snapshot();
    o.rollout_plan = "docs/b.md";
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &v.ev, &o, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message, "the evidence start marker has no end marker");
    ck_assert_str_eq(err.source, "docs/b.md");
    tfa_git_evidence_result_release(&res);
    ck_assert_int_eq(sh("git -C '%s' rev-parse -q --verify tfaudit-evidence >/dev/null", repo), 1);
    after = snapshot();
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    verdict_release(&v);
}
END_TEST

/* The race: another writer commits between our commit and our ref update. */
typedef struct racer {
    verdict *other;
    int fired;
} racer;

static int race(void *payload)
{
    racer *r = payload;
    tfa_git_evidence_result res;
    if (r->fired++)
        return 0;
    commit(&res, r->other, NULL);
    tfa_git_evidence_result_release(&res);
    return 0;
}

static void race_once(int branch_exists)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result res;
    verdict first, mine, other;
    racer r;
    char *s;

    verdict_make(&other, "staging", "NO-GO", T0 + 5);
    verdict_make(&mine, "prod", "GO", T0 + 10);
    if (branch_exists) {
        verdict_make(&first, "dev", "GO", T0);
        commit(&res, &first, NULL);
        tfa_git_evidence_result_release(&res);
        verdict_release(&first);
    }
    r.other = &other;
    r.fired = 0;
    o.before_update = race;
    o.payload = &r;
    commit(&res, &mine, &o);
    ck_assert_uint_eq(res.retries, 1);
    ck_assert_int_eq(r.fired, 2);
    s = git_out("log --format=%s tfaudit-evidence");
    ck_assert_str_eq(s, branch_exists ? "tfaudit: prod GO\ntfaudit: staging NO-GO\n"
                                        "tfaudit: dev GO\ninit\n"
                                      : "tfaudit: prod GO\ntfaudit: staging NO-GO\ninit\n");
    free(s);
    s = git_out("show tfaudit-evidence:evidence/latest.json | jq -c '.workspaces | keys'");
    ck_assert_str_eq(s, branch_exists ? "[\"dev\",\"prod\",\"staging\"]\n"
                                      : "[\"prod\",\"staging\"]\n");
    free(s);
    tfa_git_evidence_result_release(&res);
    verdict_release(&mine);
    verdict_release(&other);
}

START_TEST(git_evidence_retries_when_the_branch_moves)
{
    race_once(1);
}
END_TEST

START_TEST(git_evidence_retries_when_the_branch_appears)
{
    race_once(0);
}
END_TEST

/* A writer that wins every race: each attempt finds the branch moved. */
typedef struct always_racer {
    verdict others[2];
    unsigned fired;
} always_racer;

static int race_always(void *payload)
{
    always_racer *r = payload;
    tfa_git_evidence_result res;
    commit(&res, &r->others[r->fired++ % 2], NULL);
    tfa_git_evidence_result_release(&res);
    return 0;
}

/* The retries run out: the error says why (the branch kept moving, how many
 * attempts) and keeps what the last lost race said. */
START_TEST(git_evidence_says_why_it_gave_up)
{
    tfa_git_evidence_options o = TFA_GIT_EVIDENCE_OPTIONS_INIT;
    tfa_git_evidence_result res;
    always_racer r;
    tfa_error err;
    verdict mine;

    verdict_make(&r.others[0], "staging", "NO-GO", T0 + 5);
    verdict_make(&r.others[1], "dev", "GO", T0 + 7);
    verdict_make(&mine, "prod", "GO", T0 + 10);
    r.fired = 0;
    o.before_update = race_always;
    o.payload = &r;
    o.attempts = 2;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_git_evidence_commit(&res, repo, &mine.ev, &o, &err), TFA_ECONFLICT);
    ck_assert_uint_eq(r.fired, 2);
    ck_assert_uint_eq(res.retries, 1);
    ck_assert_int_eq(err.status, TFA_ECONFLICT);
    ck_assert_msg(strncmp(err.message,
                          "branch 'tfaudit-evidence' kept moving; gave up after 2 attempts "
                          "(another writer moved the evidence branch: ",
                          strlen("branch 'tfaudit-evidence' kept moving; gave up after 2 attempts "
                                 "(another writer moved the evidence branch: ")) == 0,
                  "message: %s", err.message);
    ck_assert_str_eq(err.source, repo);
    tfa_git_evidence_result_release(&res);
    verdict_release(&mine);
    verdict_release(&r.others[0]);
    verdict_release(&r.others[1]);
}
END_TEST

START_TEST(git_evidence_two_processes_commit_concurrently)
{
    pid_t pid[2];
    char *s;
    int i, st;

    for (i = 0; i < 2; i++) {
        pid[i] = fork();
        ck_assert_int_ge(pid[i], 0);
        if (pid[i] == 0) {
            int k;
            for (k = 0; k < 10; k++) {
                verdict v;
                tfa_git_evidence_result res;
                tfa_error err;
                verdict_make(&v, i ? "b" : "a", "GO", T0 + k);
                tfa_error_init(&err);
                if (tfa_git_evidence_commit(&res, repo, &v.ev, NULL, &err) != 0) {
                    fprintf(stderr, "%s\n", err.message);
                    _exit(1);
                }
                tfa_git_evidence_result_release(&res);
                verdict_release(&v);
            }
            _exit(0);
        }
    }
    for (i = 0; i < 2; i++) {
        ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", i);
    }
    s = git_out("rev-list --count tfaudit-evidence ^feature");
    ck_assert_str_eq(s, "20\n");
    free(s);
    s = git_out("ls-tree -r --name-only tfaudit-evidence evidence/ | grep -c '\\.json$'");
    ck_assert_str_eq(s, "21\n"); /* 20 records and latest.json */
    free(s);
}
END_TEST

START_TEST(git_evidence_names_a_second_verdict_in_the_same_second)
{
    tfa_git_evidence_result r1, r2;
    verdict v;

    verdict_make(&v, "prod", "GO", T0);
    commit(&r1, &v, NULL);
    commit(&r2, &v, NULL);
    ck_assert_str_eq(r2.md_path, "evidence/prod/20250301T100000Z-GO-2.md");
    ck_assert_str_eq(r2.json_path, "evidence/prod/20250301T100000Z-GO-2.json");
    tfa_git_evidence_result_release(&r1);
    tfa_git_evidence_result_release(&r2);
    verdict_release(&v);
}
END_TEST

START_TEST(git_state_reads_head_branch_and_dirt)
{
    tfa_git_state st;
    tfa_error err;
    char *head = git_out("rev-parse HEAD"), *before = snapshot(), *after, sub[4200];
    json_t *facts;

    tfa_error_init(&err);
    snprintf(sub, sizeof(sub), "%s/docs", repo); /* found from a subdirectory */
    ck_assert_tfa_ok(tfa_git_state_read(&st, sub, &err), &err);
    ck_assert_int_eq(strncmp(st.commit, head, 40), 0);
    ck_assert_str_eq(st.branch, "feature");
    ck_assert_int_eq(st.dirty, 1);
    facts = tfa_git_state_facts(&st);
    ck_assert_str_eq(json_string_value(json_object_get(facts, "git.branch")), "feature");
    ck_assert(json_is_true(json_object_get(facts, "git.dirty")));
    json_decref(facts);
    tfa_git_state_release(&st);
    after = snapshot();
    ck_assert_str_eq(after, before); /* reading the status wrote nothing */

    ck_assert_int_eq(sh("cd '%s' && git stash -q -u && git checkout -q --detach", repo), 0);
    ck_assert_tfa_ok(tfa_git_state_read(&st, repo, &err), &err);
    ck_assert_ptr_null(st.branch);
    ck_assert_int_eq(st.dirty, 0);
    tfa_git_state_release(&st);

    snprintf(sub, sizeof(sub), "%s/empty", tmp);
    ck_assert_int_eq(sh("git init -q -b trunk '%s'", sub), 0);
    ck_assert_tfa_ok(tfa_git_state_read(&st, sub, &err), &err);
    ck_assert_str_eq(st.commit, "");
    ck_assert_str_eq(st.branch, "trunk");
    facts = tfa_git_state_facts(&st);
    ck_assert(json_is_null(json_object_get(facts, "git.commit")));
    json_decref(facts);
    tfa_git_state_release(&st);

    ck_assert_int_eq(tfa_git_state_read(&st, tmp, &err), TFA_ENOTFOUND);
    free(head);
    free(before);
    free(after);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("git_evidence");
    TCase *tc = tcase_create("git_evidence");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, git_evidence_commits_beside_an_untouched_worktree);
    tcase_add_test(tc, git_evidence_keeps_the_latest_verdict_per_workspace);
    tcase_add_test(tc, git_evidence_adds_markers_when_absent);
    tcase_add_test(tc, git_evidence_refuses_bad_plans_and_branches);
    tcase_add_test(tc, git_evidence_retries_when_the_branch_moves);
    tcase_add_test(tc, git_evidence_retries_when_the_branch_appears);
    tcase_add_test(tc, git_evidence_says_why_it_gave_up);
    tcase_add_test(tc, git_evidence_two_processes_commit_concurrently);
    tcase_add_test(tc, git_evidence_names_a_second_verdict_in_the_same_second);
    tcase_add_test(tc, git_state_reads_head_branch_and_dirt);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
