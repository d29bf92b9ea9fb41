/*
 * cli_context.c - options -> evaluation context (see cli_context.h).
 */
#include "util/compat.h"

#include "cli_context.h"
#include "cli_inputs.h"
#include "exit.h"
#include "git_evidence.h"
#include "msg.h"
#include "pin.h"
#include "util/alloc.h"

static int is_hex64(const char *s)
{
    size_t i;
    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[64] == '\0';
}

/* A digest as written: a pin (of any version: another version's pin is
 * refused by plan.pinned with its own message), 64 lowercase hex digits, or
 * "sha256:" + those. */
static int is_digest(const char *s)
{
    if (tfa_pin_version(s) > 0)
        return 1;
    if (strncmp(s, "sha256:", 7) == 0)
        s += 7;
    return strlen(s) == 64 && is_hex64(s);
}

static int set_approved(tfa_eval_context *out, const char *digest)
{
    return tfa_eval_context_set_str(out, TFA_CTX_APPROVED, digest) ? tfa_msg_error("out of memory")
                                                                   : 0;
}

/* --approved FILE: a plan (its pin is approved) or a file holding a digest. */
static int approved_from_file(tfa_eval_context *out, const char *path, const char *cmd)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    char pin[TFA_PIN_CHARS], text[128];
    tfa_run *plan = NULL;
    tfa_error err;
    size_t n;
    int rc;
    FILE *f = fopen(path, "r");

    if (!f)
        return tfa_msg_usage(cmd, "--approved '%s' is neither a digest nor a readable file", path);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = '\0';
    if (is_digest(text))
        return set_approved(out, text);
    tfa_error_init(&err);
    lo.kind = TFA_KIND_PLAN;
    if (tfa_run_new(&plan) != 0)
        return tfa_msg_error("out of memory");
    rc = tfa_run_load(plan, path, &lo, &err);
    if (rc == 0)
        rc = tfa_plan_pin(plan, pin);
    tfa_run_free(plan);
    if (rc) {
        tfa_error_prefix_source(&err, "--approved");
        return tfa_msg_from_error(&err);
    }
    return set_approved(out, pin);
}

static int git_context(tfa_eval_context *out, const char *repo)
{
    tfa_git_state st;
    tfa_error err;
    int rc = 0;

    tfa_error_init(&err);
    memset(&st, 0, sizeof(st));
    if (tfa_git_state_read(&st, repo, &err) != 0)
        return tfa_msg_from_error(&err);
    if ((st.commit[0] && tfa_eval_context_set_str(out, TFA_CTX_GIT_COMMIT, st.commit)) ||
        (st.branch && tfa_eval_context_set_str(out, TFA_CTX_GIT_BRANCH, st.branch)) ||
        tfa_eval_context_set_bool(out, TFA_CTX_GIT_DIRTY, st.dirty))
        rc = tfa_msg_error("out of memory");
    tfa_git_state_release(&st);
    return rc;
}

int tfa_cli_apply_context(tfa_eval_context *out, const tfa_cli_context *ctx, const char *cmd)
{
    if (ctx->expect && tfa_eval_context_set_bool(out, TFA_CTX_EXPECT_NONE, 1) != 0)
        return tfa_msg_error("out of memory");
    return tfa_cli_assert_context(out, ctx, cmd);
}

int tfa_cli_assert_context(tfa_eval_context *out, const tfa_cli_context *ctx, const char *cmd)
{
    int rc;

    if (ctx->approved) {
        rc = is_digest(ctx->approved) ? set_approved(out, ctx->approved)
                                      : approved_from_file(out, ctx->approved, cmd);
        if (rc)
            return rc;
    }
    if (ctx->iac_repo && (rc = git_context(out, ctx->iac_repo)) != 0)
        return rc;
    return 0;
}
