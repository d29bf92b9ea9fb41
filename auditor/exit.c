/*
 * exit.c - command status -> process exit code (see exit.h).
 *
 * Why a function and not `rc < 0 ? GO : rc` at the end of each command:
 * that idiom hid the --help sentinel, and with it every negative status
 * that reached the same line, as GO. Here the sentinel has its own value
 * and whatever is not a known status fails closed.
 */
#include "exit.h"

int tfa_exit_known(int status)
{
    return status == TFA_EXIT_GO || status == TFA_EXIT_NOGO || status == TFA_EXIT_USAGE ||
           status == TFA_EXIT_HELP;
}

int tfa_exit_code(int status)
{
    switch (status) {
    case TFA_EXIT_GO:
    case TFA_EXIT_HELP:
        return 0;
    case TFA_EXIT_NOGO:
        return 1;
    default: /* TFA_EXIT_USAGE, a negative tfa_status, anything unknown */
        return TFA_EXIT_USAGE;
    }
}
