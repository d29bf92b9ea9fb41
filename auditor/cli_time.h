/*
 * cli_time.h - the CLI's one reading of times: --now, $TFAUDIT_NOW and the
 * clock, and option values such as --since. Every command accepts the forms
 * of util/utc.h (TFA_UTC_FORMS), and refuses any other with one line.
 */
#ifndef TFA_CLI_TIME_H
#define TFA_CLI_TIME_H

#include <stdint.h>

#include "util/utc.h"

/* The help of --now; `what` says what the time decides, e.g. "judge
 * waiver expiry". */
#define TFA_CLI_NOW_HELP(what)                                                                     \
    what " as of TIME instead of the clock: " TFA_UTC_FORMS " (default: $TFAUDIT_NOW)"

/* The time a command runs at: `given` (--now, or the value the option layer
 * took from TFAUDIT_NOW or the configuration), else $TFAUDIT_NOW when set and
 * not empty, else the clock. 0, or a one-line message naming where the bad
 * value came from and TFA_EXIT_USAGE. This is the only place the CLI reads
 * the clock for a decision. */
int tfa_cli_now(const char *given, int64_t *now);

/* An option's time value (`option` as "--since"): 0, or a one-line message
 * and TFA_EXIT_USAGE. */
int tfa_cli_time(const char *option, const char *text, int64_t *out);

#endif
