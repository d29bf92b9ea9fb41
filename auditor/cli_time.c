/*
 * cli_time.c - --now, $TFAUDIT_NOW and time-valued options (see cli_time.h).
 */
#include "util/compat.h"

#include <time.h>

#include "cli_time.h"
#include "msg.h"
#include "util/utc.h"

int tfa_cli_time(const char *option, const char *text, int64_t *out)
{
    if (tfa_utc_parse(out, text, NULL) != 0)
        return tfa_msg_error("invalid %s '%s' (use %s)", option, text, TFA_UTC_FORMS);
    return 0;
}

int tfa_cli_now(const char *given, int64_t *now)
{
    const char *env = getenv("TFAUDIT_NOW");

    /* the option layer (opts.h) may have stored the variable itself: the
     * same pointer, and then the message names the variable */
    if ((!given || given == env) && env && *env)
        return tfa_cli_time("TFAUDIT_NOW", env, now);
    if (given)
        return tfa_cli_time("--now", given, now);
    *now = (int64_t)time(NULL);
    return 0;
}
