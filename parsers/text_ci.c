/*
 * text_ci.c - CI and shell lines around Terraform's output (see text_ci.h).
 *
 * The shapes follow what the systems write: GitHub's runner prints a step as
 * "##[group]Run <first script line>" and hashicorp/setup-terraform's wrapper
 * prints "[command]<path>/terraform-bin <args>" before running the real
 * binary; Azure's tasks print "[command]<path>/terraform <args>"; GitLab's
 * runner echoes each script line as "$ <line>" (in colour, removed by the
 * normalizer); `sh -x` (Jenkins' sh step) echoes "+ <command>"; TF_LOG logs
 * os.Args as a Go string slice.
 */
#include "util/compat.h"

#include "lines.h"
#include "text_ci.h"
#include "util/limits.h"

static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '"' || c == ',' || c == '{' || c == '}' || c == '\'';
}

/* The next token of s[*i..len) (separators skipped): its start and length. */
static int token(const char *s, size_t len, size_t *i, const char **tok, size_t *n)
{
    size_t j;
    while (*i < len && is_sep(s[*i]))
        (*i)++;
    if (*i >= len)
        return 0;
    for (j = *i; j < len && !is_sep(s[j]); j++)
        ;
    *tok = s + *i;
    *n = j - *i;
    *i = j;
    return 1;
}

static int tok_is(const char *tok, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(tok, lit, n) == 0;
}

/* Whether a token names the tool: terraform, tofu, terragrunt, with a path
 * before it, "-bin" (setup-terraform's wrapper) or ".exe" after it. */
static int is_program(const char *tok, size_t n)
{
    static const char *const names[] = {"terraform", "tofu",          "terragrunt", "terraform-bin",
                                        "tofu-bin",  "terraform.exe", "tofu.exe"};
    const char *slash;
    size_t i;

    while ((slash = memchr(tok, '/', n)) != NULL) {
        n -= (size_t)(slash + 1 - tok);
        tok = slash + 1;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(names); i++)
        if (tok_is(tok, n, names[i]))
            return 1;
    return 0;
}

static tfa_ci_cmd classify(const char *s, size_t len, size_t i, const char *sub, size_t n)
{
    const char *tok;
    size_t m;

    if (tok_is(sub, n, "plan"))
        return TFA_CI_PLAN;
    if (tok_is(sub, n, "destroy"))
        return TFA_CI_DESTROY;
    if (tok_is(sub, n, "show"))
        return TFA_CI_SHOW;
    if (!tok_is(sub, n, "apply"))
        return TFA_CI_OTHER;
    while (token(s, len, &i, &tok, &m))
        if (tok_is(tok, m, "-destroy") || tok_is(tok, m, "--destroy") ||
            tok_is(tok, m, "-destroy=true"))
            return TFA_CI_DESTROY;
    return TFA_CI_APPLY;
}

tfa_ci_cmd tfa_text_ci_args(const char *s, size_t len)
{
    const char *tok;
    size_t i = 0, n;

    while (token(s, len, &i, &tok, &n)) {
        if (tok[0] == '-' || tok_is(tok, n, "run-all") || tok_is(tok, n, "run") ||
            is_program(tok, n))
            continue; /* -chdir=dir, terragrunt run-all / run --, TF_LOG's argv[0] */
        return classify(s, len, i, tok, n);
    }
    return TFA_CI_OTHER;
}

int tfa_text_ci_command(const char *s, size_t len, tfa_ci_cmd *cmd)
{
    static const char *const leads[] = {"[command]", "##[command]", "##[group]Run ", "$ ", "+ "};
    const char *tok;
    size_t i, k, n, lead = 0;

    for (k = 0; k < TFA_ARRAY_SIZE(leads); k++)
        if (len > strlen(leads[k]) && memcmp(s, leads[k], strlen(leads[k])) == 0) {
            lead = strlen(leads[k]);
            break;
        }
    if (k == TFA_ARRAY_SIZE(leads))
        return 0;
    i = lead;
    /* VAR=value assignments before the program */
    while (token(s, len, &i, &tok, &n)) {
        if (is_program(tok, n)) {
            while (i < len && s[i] == ' ')
                i++;
            if (i < len && s[i] == '=')
                return 0; /* "+ terraform = ...": an attribute line, not a command */
            *cmd = tfa_text_ci_args(s + i, len - i);
            return 1;
        }
        if (!memchr(tok, '=', n) || tok[0] == '-')
            return 0;
    }
    return 0;
}

/* Case-insensitive: does s[0..len) contain lit (lower case)? */
static int mentions(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit), i, j;
    for (i = 0; i + n <= len; i++) {
        for (j = 0; j < n && (s[i + j] | 0x20) == lit[j]; j++)
            ;
        if (j == n)
            return 1;
    }
    return 0;
}

static int runner_line(const char *s, size_t len)
{
    static const char *const leads[] = {"##[group]",
                                        "##[section]",
                                        "##[command]",
                                        "[command]",
                                        "::debug::",
                                        "::group::",
                                        "[Pipeline] ",
                                        "Running with gitlab-runner",
                                        "Started by ",
                                        "Executing \"step_script\"",
                                        "Current runner version:",
                                        "Starting: "};
    size_t k;

    for (k = 0; k < TFA_ARRAY_SIZE(leads); k++)
        if (len >= strlen(leads[k]) && memcmp(s, leads[k], strlen(leads[k])) == 0)
            return 1;
    return mentions(s, len, "terraform") || mentions(s, len, "tofu") ||
           mentions(s, len, "terragrunt") || mentions(s, len, "atlantis");
}

int tfa_text_ci_prelude(const char *head, size_t len)
{
    char copy[TFA_LIMIT_MARKER_LINE_BYTES];
    const char *s;
    size_t pos = 0, n;
    unsigned flags;

    if (memchr(head, '\0', len))
        return 0; /* binary */
    while (tfa_lines_split(head, len, &pos, &s, &n)) {
        n = n < sizeof(copy) ? n : sizeof(copy);
        memcpy(copy, s, n);
        flags = 0;
        n = tfa_line_normalize(copy, n, &flags);
        if (runner_line(copy, n))
            return 1;
    }
    return 0;
}

/* "dir: `x` workspace: `y`" (maybe "project: `p` " before it): its length. */
static size_t atlantis_project(const char *s, size_t len)
{
    tfa_cur c = tfa_cur_of(s, len);
    const char *v;
    size_t n;

    if (tfa_cur_lit(&c, "project: `") && !(tfa_cur_until(&c, "` ", &v, &n)))
        return 0;
    if (!tfa_cur_lit(&c, "dir: `") || !tfa_cur_until(&c, "` workspace: `", &v, &n) ||
        !tfa_cur_until(&c, "`", &v, &n))
        return 0;
    return (size_t)(c.p - s);
}

int tfa_text_atlantis(const char *s, size_t len, tfa_ci_cmd *cmd, const char **project,
                      size_t *project_len)
{
    static const struct {
        const char *lit;
        tfa_ci_cmd cmd;
    } ran[] = {{"Ran Plan for ", TFA_CI_PLAN},
               {"Ran Apply for ", TFA_CI_APPLY},
               {"Ran Policy Check for ", TFA_CI_OTHER}};
    tfa_cur c = tfa_cur_of(s, len);
    long k;
    size_t i, n;

    *project = NULL;
    *project_len = 0;
    for (i = 0; i < TFA_ARRAY_SIZE(ran); i++)
        if (tfa_cur_lit(&c, ran[i].lit)) {
            *cmd = ran[i].cmd;
            if (tfa_cur_long(&c, &k) && tfa_cur_lit(&c, " projects:"))
                return 1;
            if ((n = atlantis_project(c.p, tfa_cur_left(&c))) == 0)
                return 0;
            *project = c.p;
            *project_len = n;
            return 2;
        }
    /* "### 1. dir: `x` workspace: `y`" */
    if (!tfa_cur_lit(&c, "### ") || !tfa_cur_long(&c, &k) || !tfa_cur_lit(&c, ". ") ||
        (n = atlantis_project(c.p, tfa_cur_left(&c))) == 0)
        return 0;
    *cmd = TFA_CI_OTHER;
    *project = c.p;
    *project_len = n;
    return 3;
}
