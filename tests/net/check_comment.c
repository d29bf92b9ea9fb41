/*
 * check_comment.c - `tfaudit comment` against the fake GitHub and GitLab
 * comment APIs (tests/net/fake_forge.py behind fake_tfc.py): create, then
 * update the same comment across pages of other comments, one comment per
 * workspace, 403, 404, rate limits with Retry-After, a next-page link to
 * another origin, a missing token, and a report over 65,536 characters
 * trimmed. The token never reaches any output.
 */
#include "util/compat.h"

#include "fake_server.h"
#include "pr_comment.h"
#include "util/buf.h"

static fake_server srv;
static char *dir;
static char gh_api[128], gl_api[128];

static void server_up(void)
{
    fake_start_or_exit(&srv);
    snprintf(gh_api, sizeof(gh_api), "%s/github", srv.base);
    snprintf(gl_api, sizeof(gl_api), "%s/gitlab", srv.base);
}

static void server_down(void)
{
    fake_stop(&srv);
}

static void setup(void)
{
    dir = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    setenv("HOME", dir, 1);
    setenv("GITHUB_TOKEN", FAKE_TOKEN, 1);
    setenv("GITLAB_TOKEN", FAKE_TOKEN, 1);
    setenv("TFAUDIT_HTTP_BACKOFF_MS", "10", 1);
    unsetenv("GITHUB_API_URL");
    unsetenv("CI_API_V4_URL");
}

static void teardown(void)
{
    tfa_test_rmtree(dir);
    free(dir);
}

/* DIR/NAME with `text`; the path (free it). */
static char *report(const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", dir, name);
    ck_assert_int_eq(tfa_test_write_file(p, text, strlen(text)), 0);
    return p;
}

/* tfaudit comment ARGS... (NULL-terminated); never shows the token. */
static void comment(tfa_test_output *o, const char *const *args)
{
    const char *argv[24] = {"tfaudit", "comment"};
    size_t i;
    for (i = 0; args[i] && i < 21; i++)
        argv[i + 2] = args[i];
    argv[i + 2] = NULL;
    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, o), 0);
    ck_assert(!tfa_test_contains(o->out, o->out_len, FAKE_TOKEN));
    ck_assert(!tfa_test_contains(o->err, o->err_len, FAKE_TOKEN));
}

/* Post a comment as somebody else would. */
static void noise(const char *path, int n)
{
    tfa_http_options ho;
    tfa_http_request r = {0};
    tfa_http_response res;
    char url[256];
    tfa_error err;
    int i;

    tfa_http_options_init(&ho);
    snprintf(url, sizeof(url), "%s%s", srv.base, path);
    for (i = 0; i < n; i++) {
        tfa_error_init(&err);
        tfa_http_response_init(&res);
        r.method = "POST";
        r.url = url;
        r.body = "{\"body\": \"LGTM <!-- tfaudit:default --> (quoted)\"}";
        r.body_len = strlen(r.body);
        r.content_type = "application/json";
        r.token = FAKE_TOKEN;
        ck_assert_tfa_ok(tfa_http_perform(&res, &r, &ho, &err), &err);
        tfa_http_response_release(&res);
    }
}

/* The comments the server holds on a thread (a new array): every page. */
static json_t *thread(const char *path)
{
    json_t *all = json_array();
    char url[256];
    int page;

    for (page = 1; page < 50; page++) {
        tfa_http_options ho;
        tfa_http_request r = {0};
        tfa_http_response res;
        tfa_error err;
        json_t *list;

        tfa_http_options_init(&ho);
        tfa_error_init(&err);
        tfa_http_response_init(&res);
        snprintf(url, sizeof(url), "%s%s?page=%d", srv.base, path, page);
        r.url = url;
        r.token = FAKE_TOKEN;
        ck_assert_tfa_ok(tfa_http_perform(&res, &r, &ho, &err), &err);
        list = json_loadb(res.body.ptr, res.body.len, 0, NULL);
        tfa_http_response_release(&res);
        ck_assert_ptr_nonnull(list);
        if (json_array_size(list) == 0) {
            json_decref(list);
            break;
        }
        json_array_extend(all, list);
        json_decref(list);
    }
    return all;
}

/* How many comments on a thread start with the marker of `workspace`. */
static size_t ours(const char *path, const char *workspace, const char **last_body, json_t **keep)
{
    json_t *all = thread(path), *c;
    char marker[128];
    size_t i, n = 0;

    snprintf(marker, sizeof(marker), "<!-- tfaudit:%s -->\n", workspace);
    json_array_foreach(all, i, c)
    {
        const char *b = json_string_value(json_object_get(c, "body"));
        if (b && strncmp(b, marker, strlen(marker)) == 0) {
            n++;
            if (last_body)
                *last_body = b;
        }
    }
    *keep = all;
    return n;
}

/* Requests logged to a path (needle), by method. */
static size_t requests(const char *needle, const char *method)
{
    json_t *all = fake_requests(&srv, needle), *e;
    size_t i, n = 0;
    json_array_foreach(all, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "method")), method) == 0)
            n++;
    }
    json_decref(all);
    return n;
}

#define GH_THREAD(n) "/github/repos/octo/infra/issues/" #n "/comments"
#define GL_THREAD(n) "/gitlab/projects/group%2Fsub%2Finfra/merge_requests/" #n "/notes"

START_TEST(comment_github_creates_then_updates_across_pages)
{
    char *first = report("first.md", "# NO-GO: telemetry\n\nfirst run\n");
    char *second = report("second.md", "# GO: telemetry\n\nsecond run\n");
    const char *args[] = {"--github", "octo/infra#1", "--api-url", gh_api, first, NULL};
    const char *body = NULL;
    tfa_test_output o;
    json_t *all;

    noise(GH_THREAD(1), 4); /* quoting the marker mid-text is not ours */
    comment(&o, args);
    ck_assert_msg(o.status == 0, "%s", o.err);
    ck_assert(
        strncmp(o.out, "created https://github.example/octo/infra/pull/1#issuecomment-", 62) == 0);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(ours(GH_THREAD(1), "default", &body, &all), 1);
    ck_assert_str_eq(body, "<!-- tfaudit:default -->\n# NO-GO: telemetry\n\nfirst run\n");
    json_decref(all);

    noise(GH_THREAD(1), 5); /* ours is now on page 2 of 4 */
    args[4] = second;
    comment(&o, args);
    ck_assert_msg(o.status == 0, "%s", o.err);
    ck_assert(
        strncmp(o.out, "updated https://github.example/octo/infra/pull/1#issuecomment-", 62) == 0);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(ours(GH_THREAD(1), "default", &body, &all), 1);
    ck_assert_str_eq(body, "<!-- tfaudit:default -->\n# GO: telemetry\n\nsecond run\n");
    json_decref(all);
    ck_assert_uint_eq(requests("/issues/comments/", "PATCH"), 1);
    ck_assert_uint_eq(requests("/github/repositories/", "GET"), 2); /* Link rel="next" followed */
    {
        json_t *reqs = fake_requests(&srv, "/github/repositories/");
        ck_assert_str_eq(fake_auth(reqs, 0), "Bearer " FAKE_TOKEN);
        json_decref(reqs);
    }
    free(first);
    free(second);
}
END_TEST

START_TEST(comment_keeps_one_comment_per_workspace)
{
    char *md = report("r.md", "report\n");
    const char *args[] = {"--github",  "octo/infra#2", "--workspace", "prod",
                          "--api-url", gh_api,         "--body-file", md,
                          NULL};
    tfa_test_output o;
    json_t *all;
    int i;

    for (i = 0; i < 2; i++) {
        comment(&o, args);
        ck_assert_int_eq(o.status, 0);
        tfa_test_output_release(&o);
        args[3] = "staging";
    }
    comment(&o, args);
    ck_assert_int_eq(o.status, 0);
    ck_assert(strncmp(o.out, "updated ", 8) == 0);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(ours(GH_THREAD(2), "prod", NULL, &all), 1);
    json_decref(all);
    ck_assert_uint_eq(ours(GH_THREAD(2), "staging", NULL, &all), 1);
    ck_assert_uint_eq(json_array_size(all), 2);
    json_decref(all);
    free(md);
}
END_TEST

START_TEST(comment_gitlab_creates_then_updates_across_pages)
{
    char *md = report("r.md", "# NO-GO\n"), *md2 = report("r2.md", "# GO\n");
    const char *args[] = {"--gitlab", "group/sub/infra!7", md, NULL};
    const char *body = NULL;
    tfa_test_output o;
    json_t *all;

    setenv("CI_API_V4_URL", gl_api, 1); /* as a GitLab job has it */
    noise(GL_THREAD(7), 4);             /* with the system note: ours lands on page 2 */
    comment(&o, args);
    ck_assert_msg(o.status == 0, "%s", o.err);
    ck_assert(strncmp(o.out, "created comment ", 16) == 0);
    ck_assert(tfa_test_contains(o.out, o.out_len, " on group/sub/infra!7\n"));
    tfa_test_output_release(&o);
    noise(GL_THREAD(7), 2);
    args[2] = md2;
    comment(&o, args);
    ck_assert_msg(o.status == 0, "%s", o.err);
    ck_assert(strncmp(o.out, "updated comment ", 16) == 0);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(ours(GL_THREAD(7), "default", &body, &all), 1);
    ck_assert_str_eq(body, "<!-- tfaudit:default -->\n# GO\n");
    json_decref(all);
    ck_assert_uint_eq(requests("merge_requests/7/notes/", "PUT"), 1);
    ck_assert(requests("merge_requests/7/notes?per_page=100&sort=asc&order_by=created_at&page=2",
                       "GET") >= 1); /* X-Next-Page followed */
    free(md);
    free(md2);
}
END_TEST

START_TEST(comment_reports_403_and_404)
{
    char *md = report("r.md", "x\n");
    const char *args[] = {"--github", "octo/infra#3", "--api-url", gh_api, md, NULL};
    tfa_test_output o;

    ck_assert_int_eq(fake_arm(&srv, GH_THREAD(3), "s403*"), 0);
    comment(&o, args);
    ck_assert_int_eq(o.status, 2);
    ck_assert_str_eq(o.out, "");
    ck_assert(tfa_test_contains(o.err, o.err_len,
                                "HTTP 403: token rejected (token from GITHUB_TOKEN)\n"));
    tfa_test_output_release(&o);

    args[1] = "o/missing#1";
    comment(&o, args);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(
        o.err, o.err_len,
        "/github/repos/o/missing/issues/1/comments: HTTP 404: not found, or not readable with "
        "the token from GITHUB_TOKEN\n"));
    tfa_test_output_release(&o);

    args[0] = "--gitlab";
    args[1] = "group/missing!1";
    args[3] = gl_api;
    comment(&o, args);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "HTTP 404: not found"));
    tfa_test_output_release(&o);
    free(md);
}
END_TEST

START_TEST(comment_waits_out_rate_limits)
{
    char *md = report("r.md", "x\n");
    const char *args[] = {"--github", "octo/infra#4", "--api-url", gh_api, "-v", md, NULL};
    tfa_test_output o;

    /* 429 with Retry-After, then GitHub's secondary limit: 403 with Retry-After */
    ck_assert_int_eq(fake_arm(&srv, GH_THREAD(4), "r429.1,r403.1,ok*"), 0);
    comment(&o, args);
    ck_assert_msg(o.status == 0, "%s", o.err);
    ck_assert(tfa_test_contains(o.err, o.err_len, "HTTP 429, Retry-After: retrying in 1.00 s"));
    ck_assert(tfa_test_contains(o.err, o.err_len, "HTTP 403, Retry-After: retrying in 1.00 s"));
    ck_assert(strncmp(o.out, "created ", 8) == 0);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(requests(GH_THREAD(4), "GET"), 3);
    ck_assert_uint_eq(requests(GH_THREAD(4), "POST"), 1);

    /* a wait longer than the cap fails at once */
    ck_assert_int_eq(fake_arm(&srv, GH_THREAD(4), "r429.3600"), 0);
    comment(&o, args);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len,
                                "HTTP 429: the server asks to retry after 3600 s, more than 60 s"));
    tfa_test_output_release(&o);
    free(md);
}
END_TEST

/* An update that may have reached the server is not sent again blindly:
 * a PATCH is retried only on what cannot have been applied (429, 503). */
START_TEST(comment_update_is_not_repeated_blindly)
{
    char *md = report("r.md", "x\n"), path[128];
    const char *args[] = {"--github", "octo/infra#8", "--api-url", gh_api, md, NULL};
    const char *id;
    tfa_test_output o;

    comment(&o, args);
    ck_assert_int_eq(o.status, 0);
    id = strstr(o.out, "issuecomment-");
    ck_assert_ptr_nonnull(id);
    snprintf(path, sizeof(path), "/github/repos/octo/infra/issues/comments/%.*s",
             (int)strcspn(id + 13, "\n"), id + 13);
    tfa_test_output_release(&o);
    ck_assert_int_eq(fake_arm(&srv, path, "s502,ok*"), 0);
    comment(&o, args);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, ": HTTP 502\n"));
    tfa_test_output_release(&o);
    ck_assert_uint_eq(requests(path, "PATCH"), 1);
    ck_assert_int_eq(fake_arm(&srv, path, "r503.0,ok*"), 0);
    comment(&o, args);
    ck_assert_int_eq(o.status, 0);
    ck_assert(strncmp(o.out, "updated ", 8) == 0);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(requests(path, "PATCH"), 3);
    free(md);
}
END_TEST

START_TEST(comment_refuses_a_next_page_on_another_origin)
{
    char *md = report("r.md", "x\n");
    const char *args[] = {"--github", "octo/infra#666", "--api-url", gh_api, md, NULL};
    tfa_test_output o;

    noise(GH_THREAD(666), 4);
    comment(&o, args);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "the next page of comments is outside"));
    tfa_test_output_release(&o);
    {
        json_t *all = fake_requests(&srv, "/github/repositories/"), *e;
        size_t i;
        json_array_foreach(all, i, e)
        {
            ck_assert_msg(strncmp(json_string_value(json_object_get(e, "host")), "localhost", 9),
                          "the token followed a link to another origin");
        }
        json_decref(all);
    }
    free(md);
}
END_TEST

START_TEST(comment_trims_a_report_over_the_limit)
{
    tfa_buf big;
    const char *args[] = {"--github", "octo/infra#5", "--api-url", gh_api, NULL, NULL};
    const char *body = NULL, *p;
    tfa_test_output o;
    json_t *all;
    char *md;
    size_t chars = 0;
    int i;

    tfa_buf_init(&big, TFA_BUF_NO_MAX);
    tfa_buf_puts(&big, "# NO-GO: telemetry\n\n");
    for (i = 0; i < 3000; i++) /* 3000 lines of 40 characters, 2 of them 2 bytes */
        tfa_buf_printf(&big, "- `grafana_folder.f%05d` \xc3\xa9t\xc3\xa9 drifted...\n", i);
    md = report("big.md", big.ptr);
    args[4] = md;
    comment(&o, args);
    ck_assert_msg(o.status == 0, "%s", o.err);
    tfa_test_output_release(&o);
    ck_assert_uint_eq(ours(GH_THREAD(5), "default", &body, &all), 1);
    for (p = body; *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    ck_assert_uint_le(chars, TFA_PR_COMMENT_MAX);
    ck_assert_uint_gt(chars, TFA_PR_COMMENT_MAX - 1000);
    ck_assert(strncmp(body, "<!-- tfaudit:default -->\n# NO-GO: telemetry\n", 44) == 0);
    ck_assert(tfa_test_contains(body, strlen(body),
                                "> **Report trimmed** to fit a comment "
                                "(65536 characters at most): the first "));
    ck_assert(tfa_test_contains(body, strlen(body), " of its 3002 lines are shown"));
    json_decref(all);
    tfa_buf_release(&big);
    free(md);
}
END_TEST

START_TEST(comment_usage_errors)
{
    char *md = report("r.md", "x\n"), *bad = report("bad.md", "x\xff\n");
    const char *no_target[] = {md, NULL};
    const char *bad_target[] = {"--github", "octo#1", md, NULL};
    const char *bad_gitlab[] = {"--gitlab", "../etc!1", md, NULL};
    const char *two_bodies[] = {"--github", "o/r#1", "--body-file", md, md, NULL};
    const char *not_utf8[] = {"--github", "o/r#1", "--api-url", gh_api, bad, NULL};
    const char *no_token[] = {"--github", "o/r#1", "--api-url", gh_api, md, NULL};
    const char *bad_ws[] = {"--github", "o/r#1", "--workspace", "a -->", md, NULL};
    const char *dry[] = {"--gitlab", "42!3", "--workspace", "prod", "--dry-run", md, NULL};
    tfa_test_output o;

    comment(&o, no_target);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "give exactly one of --github"));
    tfa_test_output_release(&o);
    comment(&o, bad_target);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len,
                                "invalid GitHub pull request 'octo#1' (OWNER/REPO#NUMBER)"));
    tfa_test_output_release(&o);
    comment(&o, bad_gitlab);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "invalid GitLab merge request '../etc!1'"));
    tfa_test_output_release(&o);
    comment(&o, two_bodies);
    ck_assert_int_eq(o.status, 2);
    tfa_test_output_release(&o);
    comment(&o, not_utf8);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "bad.md: the report is not valid UTF-8\n"));
    tfa_test_output_release(&o);
    comment(&o, bad_ws);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "--workspace: invalid workspace name"));
    tfa_test_output_release(&o);
    unsetenv("GITHUB_TOKEN");
    comment(&o, no_token);
    ck_assert_int_eq(o.status, 2);
    ck_assert(tfa_test_contains(o.err, o.err_len, "GITHUB_TOKEN is not set"));
    tfa_test_output_release(&o);
    comment(&o, dry); /* no network, no token needed */
    ck_assert_int_eq(o.status, 0);
    ck_assert_str_eq(o.out, "<!-- tfaudit:prod -->\nx\n");
    tfa_test_output_release(&o);
    free(md);
    free(bad);
}
END_TEST

START_TEST(comment_body_is_cut_at_a_line_within_budget)
{
    tfa_buf out, md;
    tfa_error err;
    int i;

    tfa_error_init(&err);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    tfa_buf_init(&md, TFA_BUF_NO_MAX);
    for (i = 0; i < 3; i++) /* 3 lines of 201 characters; the marker line has 20 */
        tfa_buf_printf(&md, "%c%0199d\n", 'a' + i, 0);
    ck_assert_tfa_ok(tfa_pr_comment_body(&out, "ws", md.ptr, md.len, 623, &err), &err);
    ck_assert_uint_eq(out.len, 623);
    tfa_buf_clear(&out);
    /* 400 characters are kept for the note: room for one line */
    ck_assert_tfa_ok(tfa_pr_comment_body(&out, "ws", md.ptr, md.len, 622, &err), &err);
    ck_assert(strncmp(out.ptr, "<!-- tfaudit:ws -->\na0", 22) == 0);
    ck_assert(!tfa_test_contains(out.ptr, out.len, "\nb0"));
    ck_assert(tfa_test_contains(out.ptr, out.len, "the first 1 of its 3 lines are shown"));
    ck_assert_uint_le(out.len, 622);
    tfa_buf_clear(&out);
    /* a budget smaller than the note still ends with the note, and no line */
    ck_assert_tfa_ok(tfa_pr_comment_body(&out, "ws", md.ptr, md.len, 100, &err), &err);
    ck_assert(tfa_test_contains(out.ptr, out.len, "the first 0 of its 3 lines are shown"));
    tfa_buf_release(&md);
    tfa_buf_release(&out);
}
END_TEST

START_TEST(comment_target_parsing)
{
    tfa_pr_target t;
    tfa_error err;
    static const char *const bad_gh[] = {"o/r",     "o/r#",    "o/r#0",  "/r#1",   "o/#1",
                                         "o/r/x#1", "o.x/r#1", "o/..#1", "o/r#1a", "o r/x#1"};
    size_t i;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_pr_target_parse(&t, TFA_FORGE_GITHUB, "octo-org/.github#12", &err), &err);
    ck_assert_str_eq(t.repo, "octo-org/.github");
    ck_assert_uint_eq(t.number, 12);
    ck_assert_tfa_ok(tfa_pr_target_parse(&t, TFA_FORGE_GITLAB, "a/b.c/d_e!3", &err), &err);
    ck_assert_str_eq(t.repo, "a/b.c/d_e");
    for (i = 0; i < TFA_ARRAY_SIZE(bad_gh); i++)
        ck_assert_msg(tfa_pr_target_parse(&t, TFA_FORGE_GITHUB, bad_gh[i], &err) == TFA_EUSAGE,
                      "%s accepted", bad_gh[i]);
    ck_assert_int_eq(tfa_pr_target_parse(&t, TFA_FORGE_GITLAB, "a//b!1", &err), TFA_EUSAGE);
    ck_assert_int_eq(tfa_pr_target_parse(&t, TFA_FORGE_GITLAB, "a/b/!1", &err), TFA_EUSAGE);
    ck_assert_int_eq(tfa_pr_target_parse(&t, TFA_FORGE_GITLAB, "a%2Fb!1", &err), TFA_EUSAGE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("comment");
    TCase *tc = tcase_create("forge");
    TCase *unit = tcase_create("unit");

    if (!fake_available()) {
        fprintf(stderr, "skipped: python3 cannot run the fake server\n");
        return 77;
    }
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, comment_github_creates_then_updates_across_pages);
    tcase_add_test(tc, comment_keeps_one_comment_per_workspace);
    tcase_add_test(tc, comment_gitlab_creates_then_updates_across_pages);
    tcase_add_test(tc, comment_reports_403_and_404);
    tcase_add_test(tc, comment_waits_out_rate_limits);
    tcase_add_test(tc, comment_update_is_not_repeated_blindly);
    tcase_add_test(tc, comment_refuses_a_next_page_on_another_origin);
    tcase_add_test(tc, comment_trims_a_report_over_the_limit);
    tcase_add_test(tc, comment_usage_errors);
    suite_add_tcase(s, tc);
    tcase_add_test(unit, comment_body_is_cut_at_a_line_within_budget);
    tcase_add_test(unit, comment_target_parsing);
    suite_add_tcase(s, unit);
    return tfa_test_main(s);
}
