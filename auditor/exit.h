/*
 * exit.h - tfaudit's exit statuses, in one place.
 *
 * A command returns one of the TFA_EXIT_* values and main() turns it into
 * the process's exit code with tfa_exit_code(), the only mapping there is.
 * An unknown status (a negative tfa_status that escaped a command, or any
 * other value) is an error, exit 2: it can never become GO.
 */
#ifndef TFA_EXIT_H
#define TFA_EXIT_H

#define TFA_EXIT_GO    0 /* GO, pass, no drift, match */
#define TFA_EXIT_NOGO  1 /* NO-GO, fail, drift, mismatch */
#define TFA_EXIT_USAGE 2 /* usage, input or checklist error */

/* Not an exit code: the command printed its help (--help) and did nothing
 * else. Outside 0..255 so that it can never be mistaken for a status the
 * shell would see; main() maps it to 0. */
#define TFA_EXIT_HELP 0x100

/* The process exit code for a command's status: GO 0, NO-GO 1, USAGE 2,
 * HELP 0, and 2 for anything else. */
int tfa_exit_code(int status);

/* Whether `status` is one of the statuses above (tfa_exit_code maps
 * every other value to 2, and main says so on stderr). */
int tfa_exit_known(int status);

#endif
