/*
 * cmd_comment.c - `tfaudit comment`: post a Markdown report as one sticky
 * comment on a GitHub pull request or a GitLab merge request, and update
 * that same comment on every later run (storage/pr_comment.h).
 *
 * The report is any Markdown tfaudit wrote (`check`, `gate` or `audit
 * --format markdown`), from a file or standard input, so the command that
 * decides and the command that talks to the forge stay apart: a pipeline
 * keeps its exit status from the gate, and a comment that cannot be posted
 * is this command's failure (exit 2), never a changed verdict.
 */
#include "util/compat.h"

#include "cli_net.h"
#include "commands.h"
#include "exit.h"
#include "ledger.h"
#include "msg.h"
#include "pr_comment.h"
#include "net/local_file.h"
#include "util/limits.h"

typedef struct comment_opts {
    const char *github, *gitlab, *body_file, *workspace, *api_url;
    int dry_run;
    tfa_cli_net net;
} comment_opts;

#define S(name, field, arg, help)                                                                  \
    {                                                                                              \
        name, 0, TFA_OPT_STRING, offsetof(comment_opts, field), arg, help, NULL                    \
    }

static const tfa_opt options[] = {
    S("github", github, "OWNER/REPO#PR", "comment on this GitHub pull request (GITHUB_TOKEN)"),
    S("gitlab", gitlab, "PROJECT!MR", "comment on this GitLab merge request (GITLAB_TOKEN)"),
    S("body-file", body_file, "FILE", "the Markdown report ('-' for standard input)"),
    S("workspace", workspace, "NAME",
      "whose comment this is: one sticky comment per workspace (default: default)"),
    S("api-url", api_url, "URL",
      "API root (default: $GITHUB_API_URL or https://api.github.com; $CI_API_V4_URL or "
      "https://gitlab.com/api/v4)"),
    {"dry-run", 'n', TFA_OPT_FLAG, offsetof(comment_opts, dry_run), NULL,
     "print the comment body instead of posting it", NULL},
    TFA_CLI_NET_OPTIONS(comment_opts, net),
};

const tfa_cmd_spec tfa_cmd_comment_spec = {
    "comment",
    "(--github OWNER/REPO#PR | --gitlab PROJECT!MR) [options] [--body-file] FILE",
    "Post a Markdown report as one sticky PR/MR comment, updated on each run",
    "  tfaudit gate ... --format markdown -o report.md plan.json; status=$?\n"
    "  tfaudit comment --github octo/infra#42 --workspace prod report.md\n"
    "\n"
    "The comment starts with a hidden marker, <!-- tfaudit:WORKSPACE -->; the next\n"
    "run finds it (following every page of comments) and edits it instead of adding\n"
    "another. Reports longer than 65,536 characters are cut at a line with a note.\n"
    "Tokens come from GITHUB_TOKEN or GITLAB_TOKEN and are sent only to the API\n"
    "URL's origin; they never appear in output. Rate limits (429, or 403 with\n"
    "Retry-After) are waited out as the server asks, up to 60 s.\n"
    "\n"
    "Exit status: 0 posted (stdout: created|updated and the comment's address),\n"
    "2 usage, input or API error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    1};

/* The whole of standard input, up to `max` bytes. */
static int read_stdin(tfa_buf *out, size_t max)
{
    char chunk[65536];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        if (out->len + n > max)
            return tfa_msg_error("-: the report is larger than %zu bytes", max);
        if (tfa_buf_put(out, chunk, n) != 0)
            return tfa_msg_error("out of memory");
    }
    if (ferror(stdin))
        return tfa_msg_error("-: cannot read standard input: %s", strerror(errno));
    return 0;
}

static int read_body(tfa_buf *md, const char *path)
{
    tfa_error err;

    tfa_error_init(&err);
    if (strcmp(path, "-") == 0)
        return read_stdin(md, TFA_LIMIT_HTTP_API_BYTES);
    if (tfa_local_file_read(md, path, TFA_LIMIT_HTTP_API_BYTES, &err) != 0)
        return tfa_msg_from_error(&err);
    return 0;
}

/* --api-url, else the CI's own variable, else the public service. */
static const char *api_url(const comment_opts *o, tfa_forge forge)
{
    const char *env = getenv(forge == TFA_FORGE_GITHUB ? "GITHUB_API_URL" : "CI_API_V4_URL");
    if (o->api_url)
        return o->api_url;
    if (env && *env)
        return env;
    return forge == TFA_FORGE_GITHUB ? "https://api.github.com" : "https://gitlab.com/api/v4";
}

static int check_usage(const comment_opts *o, const tfa_strlist *args, const char **file)
{
    tfa_error err;

    tfa_error_init(&err);
    if (!o->github == !o->gitlab)
        return tfa_msg_usage("comment", "give exactly one of --github OWNER/REPO#PR and --gitlab "
                                        "PROJECT!MR");
    if ((o->body_file != NULL) == (args->n == 1))
        return tfa_msg_usage("comment", "give the report once: --body-file FILE or FILE");
    *file = o->body_file ? o->body_file : args->items[0];
    if (o->workspace && tfa_ledger_workspace_check(o->workspace, &err) != 0)
        return tfa_msg_usage("comment", "--workspace: %s", err.message);
    return 0;
}

static int post(const comment_opts *o, const tfa_pr_target *t, const char *body)
{
    const char *source = t->forge == TFA_FORGE_GITHUB ? "GITHUB_TOKEN" : "GITLAB_TOKEN";
    const char *token = getenv(source);
    tfa_pr_comment_options po;
    tfa_pr_comment_result res;
    tfa_cli_net_ctx nc;
    tfa_error err;
    int rc;

    if (!token || !*token)
        return tfa_msg_usage("comment", "%s is not set: the API needs a token", source);
    if ((rc = tfa_cli_net_init(&nc, &o->net, "comment")) != 0)
        return rc;
    tfa_error_init(&err);
    memset(&po, 0, sizeof(po));
    po.http = &nc.http;
    po.api_url = api_url(o, t->forge);
    po.token = token;
    po.token_source = source;
    po.workspace = o->workspace ? o->workspace : "default";
    if (tfa_pr_comment_post(&res, t, body, &po, &err) != 0)
        return tfa_msg_from_error(&err);
    if (res.url[0])
        printf("%s %s\n", res.updated ? "updated" : "created", res.url);
    else
        printf("%s comment %lld on %s%c%lu\n", res.updated ? "updated" : "created", res.id, t->repo,
               t->forge == TFA_FORGE_GITHUB ? '#' : '!', t->number);
    return fflush(stdout) == 0 ? TFA_EXIT_GO : tfa_msg_error("cannot write the output");
}

int tfa_cmd_comment(int argc, char **argv)
{
    comment_opts o;
    tfa_strlist args = {0};
    tfa_pr_target t;
    tfa_buf md, body;
    tfa_error err;
    const char *file = NULL;
    int rc;

    memset(&o, 0, sizeof(o));
    tfa_buf_init(&md, TFA_BUF_NO_MAX);
    tfa_buf_init(&body, TFA_BUF_NO_MAX);
    tfa_error_init(&err);
    if ((rc = tfa_opts_parse(&tfa_cmd_comment_spec, argc, argv, &o, &args)) != 0) {
        if (rc == -1) /* --help was printed */
            rc = TFA_EXIT_GO;
        goto done;
    }
    if ((rc = check_usage(&o, &args, &file)) != 0)
        goto done;
    if (tfa_pr_target_parse(&t, o.github ? TFA_FORGE_GITHUB : TFA_FORGE_GITLAB,
                            o.github ? o.github : o.gitlab, &err) != 0) {
        rc = tfa_msg_usage("comment", "%s", err.message);
        goto done;
    }
    if ((rc = read_body(&md, file)) != 0)
        goto done;
    if (tfa_pr_comment_body(&body, o.workspace ? o.workspace : "default", md.ptr, md.len, 0,
                            &err) != 0) {
        tfa_error_set_source(&err, file);
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    if (o.dry_run) {
        rc = fwrite(body.ptr, 1, body.len, stdout) == body.len && fflush(stdout) == 0
                 ? TFA_EXIT_GO
                 : tfa_msg_error("cannot write the output");
        goto done;
    }
    rc = post(&o, &t, body.ptr);
done:
    tfa_buf_release(&md);
    tfa_buf_release(&body);
    tfa_strlist_release(&args);
    return rc;
}
