/*
 * exit.h - tfaudit's exit statuses, in one place.
 */
#ifndef TFA_EXIT_H
#define TFA_EXIT_H

#define TFA_EXIT_GO    0 /* GO, pass, no drift, match */
#define TFA_EXIT_NOGO  1 /* NO-GO, fail, drift, mismatch */
#define TFA_EXIT_USAGE 2 /* usage, input or checklist error */

#endif
