/*
 * msg.h - the only writers of stderr (curl's tool_msgs.c).
 *
 * Every diagnostic is one line prefixed "tfaudit: ". The error helpers
 * return the exit status so call sites read `return tfa_msg_usage(...)`.
 */
#ifndef TFA_MSG_H
#define TFA_MSG_H

#include "run.h"
#include "util/error.h"

/* "tfaudit: MESSAGE"; returns TFA_EXIT_USAGE. */
int tfa_msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tfaudit: MESSAGE" then "try 'tfaudit CMD --help'"; returns TFA_EXIT_USAGE. */
int tfa_msg_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "tfaudit: SOURCE:LINE:COL: MESSAGE" from a tfa_error; returns TFA_EXIT_USAGE. */
int tfa_msg_from_error(const tfa_error *err);
/* "tfaudit: MESSAGE": what a command did besides its result (a record
 * written, a commit made), for logs; the result itself goes to stdout. */
void tfa_msg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tfaudit: warning: MESSAGE". */
void tfa_msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tfaudit: MESSAGE" for --verbose progress; the caller has redacted it. */
void tfa_msg_verbose(const char *msg);
/* The run's notes as "tfaudit: PATH:LINE:COL: note: MESSAGE". */
void tfa_msg_notes(const tfa_run *run);
/* The same for the notes from index `first` on. */
void tfa_msg_notes_since(const tfa_run *run, size_t first);

#endif
