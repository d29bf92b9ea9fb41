/*
 * check_members.c - every member counts, workspaces are never dropped
 * (issue 14, observations 4 and 7; issue 15, many inputs), through the
 * real binary on real directories and real archives built here:
 *   - a readable plan beside one member that cannot be read or identified
 *     (garbage, empty, UTF-16 without a BOM, an unsafe name, a link, a
 *     FIFO) is exit 2 naming the member, in a directory, a tar.gz and a zip,
 *     as the same file named directly is;
 *   - --skip-unknown skips it and every report and the ledger record list it;
 *   - `audit`: a workspace with such a member is "unreadable", NO-GO and a
 *     regression, in every report format; a workspace folder that is a
 *     symbolic link is followed inside the source root, else unreadable;
 *   - `summarize A B C` with B broken shows A and C and exits 2.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testsupport.h"

static char *tmp, *plan;
static size_t plan_len;

static const char utf16_nobom[] = "{\0\"\0f\0o\0r\0m\0a\0t\0_\0v\0e\0r\0s\0i\0o\0n\0\"\0:\0\"\0"
                                  "1\0.\0\x32\0\"\0}\0";

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    plan = tfa_test_read_file("fixtures/archive/plan.json", &plan_len);
    ck_assert_ptr_nonnull(plan);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp), free(plan);
}

static char *at(const char *rel)
{
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/%s", tmp, rel);
    return p;
}

static void put(const char *rel, const char *data, size_t len)
{
    char *p = at(rel);
    ck_assert_int_eq(tfa_test_write_file(p, data, len), 0);
    free(p);
}

static void dir(const char *rel)
{
    char *p = at(rel);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    free(p);
}

/* A checklist the fixture plan passes: GO unless an input is refused. */
static const char *checklist(void)
{
    static const char text[] = "# Members\n\n- [ ] `no-destroy` Nothing destroyed: builtin\n";
    put("checklist.md", text, sizeof(text) - 1);
    return "checklist.md";
}

/* Run tfaudit in tmp with argv; returns the output (release it). */
static tfa_test_output run(const char *const *argv)
{
    char before[4096];
    tfa_test_output o;
    ck_assert_ptr_nonnull(getcwd(before, sizeof(before)));
    ck_assert_int_eq(chdir(tmp), 0);
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
    ck_assert_int_eq(chdir(before), 0);
    return o;
}

/* ---- one unreadable member beside a readable plan ---------------------------------- */

typedef struct bad_member {
    const char *name; /* member path */
    const char *data;
    size_t len;
    unsigned type; /* AE_IF* for archives (0: regular) */
    const char *link;
} bad_member;

static const bad_member bad[] = {
    {"logs/x.json",
     "\x7f"
     "ELF\x02\x01 garbage",
     13, 0, NULL},
    {"logs/empty.json", "", 0, 0, NULL},
    {"logs/utf16.json", utf16_nobom, sizeof(utf16_nobom) - 1, 0, NULL},
    {"../x.json", NULL, 0, 0, NULL},                         /* archives only */
    {"logs/latest.json", NULL, 0, AE_IFLNK, "../plan.json"}, /* a link */
};

/* The bundle `name` in tmp: plan.json and bad member b, as a directory, a
 * tar.gz or a zip (kind 0, 1, 2). Returns 0 when the kind cannot hold it. */
static int bundle(const char *name, int kind, size_t b)
{
    tfa_test_member m[2] = {{"plan.json", NULL, 0, 0, NULL}, {NULL, NULL, 0, 0, NULL}};
    char path[4096], *ar;
    size_t len;

    if (kind == 0) {
        if (strncmp(bad[b].name, "../", 3) == 0)
            return 0; /* a file system has no such name */
        snprintf(path, sizeof(path), "%s/%s", tmp, name);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        snprintf(path, sizeof(path), "%s/%s/logs", tmp, name);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        snprintf(path, sizeof(path), "%s/plan.json", name);
        put(path, plan, plan_len);
        snprintf(path, sizeof(path), "%s/%s/%s", tmp, name, bad[b].name);
        if (bad[b].type == AE_IFLNK)
            ck_assert_int_eq(symlink(bad[b].link, path), 0);
        else
            ck_assert_int_eq(tfa_test_write_file(path, bad[b].data, bad[b].len), 0);
        return 1;
    }
    m[0].data = plan, m[0].len = plan_len;
    m[1].path = bad[b].name;
    m[1].data = bad[b].data ? bad[b].data : plan;
    m[1].len = bad[b].data ? bad[b].len : plan_len;
    m[1].type = bad[b].type;
    m[1].link = bad[b].link;
    if (bad[b].type)
        m[1].data = NULL, m[1].len = 0;
    ar = tfa_test_archive(kind == 1 ? ARCHIVE_FORMAT_TAR_PAX_RESTRICTED : ARCHIVE_FORMAT_ZIP,
                          kind == 1 ? ARCHIVE_FILTER_GZIP : ARCHIVE_FILTER_NONE, m, 2, &len);
    ck_assert_ptr_nonnull(ar);
    put(name, ar, len);
    free(ar);
    return 1;
}

static const char *const kinds[] = {"bundle", "bundle.tar.gz", "bundle.zip"};

/* Observation 4: was a note and GO; now exit 2, one line naming the member. */
START_TEST(an_unreadable_member_is_exit_2_naming_it)
{
    size_t b;
    for (b = 0; b < TFA_ARRAY_SIZE(bad); b++) {
        const char *argv[] = {"tfaudit", "check", "-c", checklist(), kinds[_i], NULL};
        char member[256];
        tfa_test_output o;

        tfa_test_rmtree(tmp);
        ck_assert_int_eq(mkdir(tmp, 0700), 0);
        if (!bundle(kinds[_i], _i, b))
            continue;
        checklist();
        o = run(argv);
        snprintf(member, sizeof(member), "%s%s%s", kinds[_i], _i ? "!" : "/", bad[b].name);
        ck_assert_msg(o.status == 2, "%s: exit %d: %s", member, o.status, o.err);
        ck_assert_msg(tfa_test_contains(o.err, o.err_len, member), "%s not named: %s", member,
                      o.err);
        ck_assert_msg(strchr(o.err, '\n') == o.err + o.err_len - 1, "not one line: %s", o.err);
        ck_assert_uint_eq(o.out_len, 0);
        tfa_test_output_release(&o);
    }
}
END_TEST

/* The same bytes named directly were already exit 2: members now agree. */
START_TEST(the_same_file_named_directly_is_exit_2_too)
{
    size_t b;
    for (b = 0; b < 3; b++) {
        const char *argv[] = {"tfaudit", "check", "-c", checklist(), "loose.json", NULL};
        tfa_test_output o;
        put("loose.json", bad[b].data, bad[b].len);
        o = run(argv);
        ck_assert_msg(o.status == 2, "%s: exit %d", bad[b].name, o.status);
        ck_assert(tfa_test_contains(o.err, o.err_len, "loose.json"));
        tfa_test_output_release(&o);
    }
}
END_TEST

/* A FIFO in a directory is refused without being opened (it would block). */
START_TEST(a_fifo_in_a_directory_is_refused_unopened)
{
    const char *argv[] = {"tfaudit", "check", "-c", checklist(), "runs", NULL};
    char *fifo = at("runs/pipe");
    tfa_test_output o;

    dir("runs");
    put("runs/plan.json", plan, plan_len);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    o = run(argv);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "runs/pipe: not a regular file"));
    tfa_test_output_release(&o);
    free(fifo);
}
END_TEST

/* ---- --skip-unknown: skipped and listed ------------------------------------------- */

START_TEST(skip_unknown_lists_the_member_in_every_report_and_the_ledger)
{
    static const char *const formats[] = {"text", "json", "markdown", "junit"};
    char member[256], ledger[4096];
    size_t f;
    tfa_test_output o;
    json_t *rec;

    checklist();
    ck_assert(bundle(kinds[_i], _i, 0));
    snprintf(member, sizeof(member), "%s%slogs/x.json", kinds[_i], _i ? "!" : "/");
    for (f = 0; f < TFA_ARRAY_SIZE(formats); f++) {
        const char *argv[] = {
            "tfaudit",  "check",          "-c",          "checklist.md", "--format",
            formats[f], "--skip-unknown", "logs/*.json", kinds[_i],      NULL};
        o = run(argv);
        ck_assert_msg(o.status == 0, "%s: exit %d: %s", formats[f], o.status, o.err);
        ck_assert_msg(tfa_test_contains(o.out, o.out_len, member), "%s report lacks %s: %s",
                      formats[f], member, o.out);
        ck_assert(tfa_test_contains(o.out, o.out_len, "not a Terraform plan, state or log"));
        tfa_test_output_release(&o);
    }
    /* gate: the ledger record lists it */
    snprintf(ledger, sizeof(ledger), "--ledger=%s/ledger.db", tmp);
    {
        const char *gate[] = {"tfaudit",     "gate",    "-c",   "checklist.md",
                              "--workspace", "w",       ledger, "--skip-unknown",
                              "x.json",      kinds[_i], NULL};
        const char *show[] = {"tfaudit", "ledger", "show", "1", "--format", "json", ledger, NULL};
        o = run(gate);
        ck_assert_msg(o.status == 0, "gate: %d %s", o.status, o.err);
        tfa_test_output_release(&o);
        o = run(show);
        ck_assert_int_eq(o.status, 0);
        rec = json_loads(o.out, 0, NULL);
        ck_assert_ptr_nonnull(rec);
        ck_assert_str_eq(
            json_string_value(json_object_get(
                json_array_get(json_object_get(json_object_get(rec, "record"), "skipped"), 0),
                "path")),
            member);
        json_decref(rec);
        tfa_test_output_release(&o);
    }
}
END_TEST

/* ---- audit ------------------------------------------------------------------------- */

static tfa_test_output audit(const char *now, const char *format, const char *source,
                             const char *extra)
{
    char nowarg[64];
    const char *argv[16];
    size_t n = 0;
    snprintf(nowarg, sizeof(nowarg), "--now=%s", now);
    argv[n++] = "tfaudit", argv[n++] = "audit", argv[n++] = "--ledger=ledger.db";
    argv[n++] = nowarg, argv[n++] = "-c", argv[n++] = "checklist.md", argv[n++] = "-j";
    argv[n++] = "2", argv[n++] = "-f", argv[n++] = format;
    if (extra)
        argv[n++] = extra;
    argv[n++] = source;
    argv[n] = NULL;
    return run(argv);
}

static const json_t *ws(const json_t *report, const char *name)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(report, "workspaces"), i, w)
    {
        if (strcmp(json_string_value(json_object_get(w, "name")), name) == 0)
            return w;
    }
    ck_abort_msg("no workspace %s", name);
    return NULL;
}

static const char *sget(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Observation 4 in audit: the workspace was GO; now unreadable, a regression. */
START_TEST(audit_workspace_with_an_unreadable_member_is_unreadable)
{
    static const char *const formats[] = {"text", "junit", "markdown"};
    tfa_test_output o;
    json_t *r;
    const json_t *w;
    size_t f;

    checklist();
    dir("runs"), dir("runs/good"), dir("runs/broken");
    put("runs/good/plan.json", plan, plan_len);
    put("runs/broken/plan.json", plan, plan_len);
    put("runs/broken/apply.json", utf16_nobom, sizeof(utf16_nobom) - 1);
    o = audit("2026-11-25T02:00:00Z", "json", "runs", "--html=report.html");
    ck_assert_msg(o.status == 1, "exit %d: %s", o.status, o.err);
    r = json_loads(o.out, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(sget(ws(r, "good"), "verdict"), "GO");
    w = ws(r, "broken");
    ck_assert_str_eq(sget(w, "state"), "unreadable");
    ck_assert_str_eq(sget(w, "verdict"), "NO-GO");
    ck_assert_msg(strstr(sget(w, "error"), "runs/broken/apply.json") != NULL, "%s",
                  sget(w, "error"));
    ck_assert_int_ge(json_integer_value(json_object_get(w, "regressions")), 1);
    json_decref(r);
    tfa_test_output_release(&o);
    {
        size_t hl;
        char *p = at("report.html"), *html = tfa_test_read_file(p, &hl);
        ck_assert(tfa_test_contains(html, hl, "unreadable"));
        ck_assert(tfa_test_contains(html, hl, "runs/broken/apply.json"));
        free(html), free(p);
    }
    /* the next night, still unreadable: still a regression, in every format */
    for (f = 0; f < TFA_ARRAY_SIZE(formats); f++) {
        char now[32];
        snprintf(now, sizeof(now), "2026-11-%02zuT02:00:00Z", 26 + f);
        o = audit(now, formats[f], "runs", NULL);
        ck_assert_msg(o.status == 1, "%s: exit %d", formats[f], o.status);
        ck_assert_msg(tfa_test_contains(o.out, o.out_len, "unreadable"), "%s: %s", formats[f],
                      o.out);
        ck_assert_msg(tfa_test_contains(o.out, o.out_len, "apply.json"), "%s: %s", formats[f],
                      o.out);
        tfa_test_output_release(&o);
    }
    /* skipped on request: audited, and the record lists the member */
    o = audit("2026-11-30T02:00:00Z", "json", "runs", "--skip-unknown=apply.json");
    r = json_loads(o.out, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(sget(ws(r, "broken"), "state"), "audited");
    ck_assert_str_eq(sget(ws(r, "broken"), "verdict"), "GO");
    ck_assert(
        strstr(json_string_value(json_array_get(json_object_get(ws(r, "broken"), "skipped"), 0)),
               "runs/broken/apply.json: skipped (--skip-unknown 'apply.json')") != NULL);
    tfa_test_output_release(&o);
    {
        char id[32];
        const char *show[] = {
            "tfaudit", "ledger", "show", id, "--format", "json", "--ledger=ledger.db", NULL};
        json_t *rec;
        snprintf(id, sizeof(id), "%lld",
                 (long long)json_integer_value(json_object_get(ws(r, "broken"), "ledger_record")));
        o = run(show);
        rec = json_loads(o.out, 0, NULL);
        ck_assert_ptr_nonnull(rec);
        ck_assert_str_eq(
            sget(json_array_get(json_object_get(json_object_get(rec, "record"), "skipped"), 0),
                 "path"),
            "runs/broken/apply.json");
        json_decref(rec);
        tfa_test_output_release(&o);
    }
    json_decref(r);
}
END_TEST

/* The same from an archive: an unsafe member name makes its workspace
 * unreadable, never a dropped note. */
START_TEST(audit_archive_workspace_with_an_unsafe_member_is_unreadable)
{
    tfa_test_member m[] = {{"good/plan.json", plan, plan_len, 0, NULL},
                           {"broken/plan.json", plan, plan_len, 0, NULL},
                           {"broken/../../x.json", plan, plan_len, 0, NULL},
                           {"empty/plan.json", plan, plan_len, 0, NULL},
                           {"empty/notes.txt", "", 0, 0, NULL}};
    size_t len;
    char *ar = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, 5, &len);
    tfa_test_output o;
    json_t *r;

    checklist();
    put("nightly.tar.gz", ar, len);
    free(ar);
    o = audit("2026-11-25T02:00:00Z", "json", "nightly.tar.gz", NULL);
    ck_assert_msg(o.status == 1, "exit %d: %s", o.status, o.err);
    r = json_loads(o.out, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(sget(ws(r, "good"), "verdict"), "GO");
    ck_assert_str_eq(sget(ws(r, "broken"), "state"), "unreadable");
    ck_assert(strstr(sget(ws(r, "broken"), "error"), "nightly.tar.gz!broken/../../x.json: unsafe"));
    ck_assert_str_eq(sget(ws(r, "empty"), "state"), "unreadable");
    ck_assert(strstr(sget(ws(r, "empty"), "error"), "nightly.tar.gz!empty/notes.txt: empty"));
    json_decref(r);
    tfa_test_output_release(&o);
}
END_TEST

/* Observation 7: a symlinked workspace folder disappeared with a note. */
START_TEST(audit_follows_a_workspace_link_inside_the_root_only)
{
    char *target, *link;
    tfa_test_output o;
    json_t *r;

    checklist();
    dir("runs"), dir("runs/.store"), dir("runs/.store/linked"), dir("outside"),
        dir("outside/escaped");
    put("runs/.store/linked/plan.json", plan, plan_len);
    put("outside/escaped/plan.json", plan, plan_len);
    link = at("runs/linked");
    ck_assert_int_eq(symlink(".store/linked", link), 0);
    free(link);
    link = at("runs/escaped");
    target = at("outside/escaped");
    ck_assert_int_eq(symlink(target, link), 0);
    free(link), free(target);
    link = at("runs/dangling");
    ck_assert_int_eq(symlink("nowhere", link), 0);
    free(link);
    o = audit("2026-11-25T02:00:00Z", "json", "runs", NULL);
    ck_assert_msg(o.status == 1, "exit %d: %s", o.status, o.err);
    r = json_loads(o.out, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(sget(ws(r, "linked"), "state"), "audited");
    ck_assert_str_eq(sget(ws(r, "linked"), "verdict"), "GO");
    ck_assert_str_eq(sget(ws(r, "escaped"), "state"), "unreadable");
    ck_assert(strstr(sget(ws(r, "escaped"), "error"), "outside the audit source"));
    ck_assert_str_eq(sget(ws(r, "dangling"), "state"), "unreadable");
    ck_assert_int_eq(json_array_size(json_object_get(r, "workspaces")), 3);
    ck_assert(!tfa_test_contains(o.err, o.err_len, "not in a workspace folder"));
    json_decref(r);
    tfa_test_output_release(&o);
}
END_TEST

/* ---- summarize: every input shown, exit 2 at the end --------------------------------- */

START_TEST(summarize_shows_every_input_and_exits_2_for_a_broken_one)
{
    const char *text[] = {"tfaudit", "summarize", "a.json", "b.json", "c.json", NULL};
    const char *json[] = {"tfaudit", "summarize", "-f", "json", "a.json", "b.json", "c.json", NULL};
    tfa_test_output o;
    json_t *r, *in;

    put("a.json", plan, plan_len);
    put("b.json", "not json at all\n", 16);
    put("c.json", plan, plan_len);
    o = run(text);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.out, o.out_len, "a.json: plan"));
    ck_assert(tfa_test_contains(o.out, o.out_len, "c.json: plan"));
    ck_assert(tfa_test_contains(o.err, o.err_len, "b.json"));
    tfa_test_output_release(&o);
    o = run(json);
    ck_assert_int_eq(o.status, 2);
    r = json_loads(o.out, 0, NULL);
    ck_assert_ptr_nonnull(r);
    in = json_object_get(r, "inputs");
    ck_assert_uint_eq(json_array_size(in), 3);
    ck_assert_str_eq(sget(json_array_get(in, 0), "kind"), "plan");
    ck_assert_str_eq(sget(json_array_get(in, 1), "path"), "b.json");
    ck_assert_ptr_nonnull(sget(json_array_get(in, 1), "error"));
    ck_assert_str_eq(sget(json_array_get(in, 2), "kind"), "plan");
    json_decref(r);
    tfa_test_output_release(&o);
}
END_TEST

START_TEST(summarize_of_a_directory_shows_every_member)
{
    const char *argv[] = {"tfaudit", "summarize", "runs", NULL};
    tfa_test_output o;

    dir("runs");
    put("runs/a.json", plan, plan_len);
    put("runs/b.json", "", 0);
    put("runs/c.json", plan, plan_len);
    o = run(argv);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.out, o.out_len, "runs/a.json: plan"));
    ck_assert(tfa_test_contains(o.out, o.out_len, "runs/c.json: plan"));
    ck_assert(tfa_test_contains(o.err, o.err_len, "runs/b.json: empty input"));
    tfa_test_output_release(&o);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("members");
    TCase *tc = tcase_create("members");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, an_unreadable_member_is_exit_2_naming_it, 0, 3);
    tcase_add_test(tc, the_same_file_named_directly_is_exit_2_too);
    tcase_add_test(tc, a_fifo_in_a_directory_is_refused_unopened);
    tcase_add_loop_test(tc, skip_unknown_lists_the_member_in_every_report_and_the_ledger, 0, 3);
    suite_add_tcase(s, tc);
    tc = tcase_create("audit");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, audit_workspace_with_an_unreadable_member_is_unreadable);
    tcase_add_test(tc, audit_archive_workspace_with_an_unsafe_member_is_unreadable);
    tcase_add_test(tc, audit_follows_a_workspace_link_inside_the_root_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("summarize");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, summarize_shows_every_input_and_exits_2_for_a_broken_one);
    tcase_add_test(tc, summarize_of_a_directory_shows_every_member);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
