/*
 * cli_ci.h - what the CLI does for CI systems and terminals, shared by
 * check, gate and audit: whether text gets colour, and the GitHub Actions
 * step summary.
 */
#ifndef TFA_CLI_CI_H
#define TFA_CLI_CI_H

#include "util/buf.h"

/* The --color row for an option table (a const char * member). */
#define TFA_CLI_COLOR_OPTION(type, member)                                                         \
    {                                                                                              \
        "color", 0, TFA_OPT_CHOICE, offsetof(type, member), "WHEN",                                \
            "colour text output: auto (default: on a terminal, unless NO_COLOR is set), always, "  \
            "never",                                                                               \
            "auto|always|never"                                                                    \
    }

/* Whether to colour text written to `fd`: --color `when` ("always",
 * "never", or "auto"/NULL), then NO_COLOR (https://no-color.org: set and
 * not empty turns colour off), then TERM=dumb, then whether fd is a
 * terminal. An explicit --color=always wins over NO_COLOR, as the
 * convention asks of command-line flags. */
int tfa_cli_color(const char *when, int fd);

/* When $GITHUB_STEP_SUMMARY names a file, append `md` to it (GitHub
 * renders it on the run's summary page). Returns 0; a file that cannot be
 * written is a warning, never a changed verdict. */
int tfa_cli_step_summary(const tfa_buf *md);

#endif
