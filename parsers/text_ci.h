/*
 * text_ci.h - the lines CI systems and shells wrap Terraform's output in
 * (internal to parsers/).
 *
 * A CI job log holds a runner prelude (checkout, setup steps), then the
 * steps that run terraform, each announced by a line of the CI system or
 * the shell:
 *   GitHub Actions  "##[group]Run terraform plan", and the setup-terraform
 *                   wrapper's "[command]/home/runner/work/_temp/.../terraform-bin plan"
 *   Azure Pipelines "##[section]Starting: Plan", "[command]/opt/.../terraform plan"
 *   GitLab CI       "$ terraform plan" (the job script echo), section markers
 *   Jenkins         "+ terraform plan" (sh -x), "[Pipeline] sh"
 *   TF_LOG          "[INFO]  CLI args: []string{"terraform", "plan"}"
 * These recognizers work on normalized lines (lines.h): timestamps, colour
 * and GitLab section markers already removed. They keep no state and
 * allocate nothing, so detection and the reader agree.
 */
#ifndef TFA_TEXT_CI_H
#define TFA_TEXT_CI_H

#include <stddef.h>

/* What a terraform command line runs. */
typedef enum tfa_ci_cmd {
    TFA_CI_OTHER = 0, /* init, validate, fmt, output, version... */
    TFA_CI_PLAN,      /* plan (also plan -destroy: still a plan) */
    TFA_CI_APPLY,
    TFA_CI_DESTROY, /* destroy, apply -destroy */
    TFA_CI_SHOW     /* show: renders a saved plan */
} tfa_ci_cmd;

/* A line that starts a terraform, tofu or terragrunt command, as one of the
 * systems above echoes it: 1 and the subcommand's class in *cmd, else 0. */
int tfa_text_ci_command(const char *s, size_t len, tfa_ci_cmd *cmd);

/* The arguments of a command ("terraform apply -destroy", or TF_LOG's
 * "\"terraform\", \"apply\"" list): the subcommand's class. Global options
 * (-chdir=...), terragrunt's run-all and a leading program name are
 * skipped. */
tfa_ci_cmd tfa_text_ci_args(const char *s, size_t len);

/* Whether a text head looks like a CI job or shell log that may hold
 * Terraform's output further on: a line of a CI runner (GitHub Actions,
 * Azure Pipelines, GitLab, Jenkins markers), or a line that names terraform,
 * tofu, terragrunt or atlantis. Detection reads on past such a head only:
 * any other text is rejected after its head. */
int tfa_text_ci_prelude(const char *head, size_t len);

/*
 * Atlantis pull request comments (runatlantis/atlantis server/events
 * templates): "Ran Plan for 2 projects:" opens a comment of several project
 * sections, each headed "### 1. dir: `x` workspace: `y`"; a comment about one
 * project is headed "Ran Plan for dir: `x` workspace: `y`". Returns 1 for a
 * "Ran X for N projects:" line (*cmd set), 2 for a one-project header (*cmd
 * and the project set), 3 for a section header (the project set, *cmd
 * TFA_CI_OTHER: the comment's first line says), 0 for any other line. The
 * project is the "dir: ... workspace: ..." text, borrowed from the line.
 */
int tfa_text_atlantis(const char *s, size_t len, tfa_ci_cmd *cmd, const char **project,
                      size_t *project_len);

#endif
