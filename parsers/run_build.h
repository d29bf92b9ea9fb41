/*
 * run_build.h - how readers add records to a run (internal to parsers/).
 *
 * Readers push a zeroed record, then fill it with strings copied into the
 * run's arena. A push or copy returns NULL only on out-of-memory, which the
 * reader reports as TFA_ENOMEM; the run is then unusable and is freed whole
 * (a failed load never leaves a partial model behind for anyone to use).
 */
#ifndef TFA_RUN_BUILD_H
#define TFA_RUN_BUILD_H

#include "run.h"

/* A new input; its index is tfa_run_input_count(run) - 1. */
tfa_input *tfa_run_push_input(tfa_run *run, const char *path, tfa_kind kind);
tfa_input *tfa_run_input_mut(tfa_run *run, size_t i);

tfa_change *tfa_run_push_change(tfa_run *run, tfa_list list);
tfa_applied *tfa_run_push_applied(tfa_run *run);
tfa_diag *tfa_run_push_diag(tfa_run *run);
tfa_output *tfa_run_push_output(tfa_run *run);
tfa_variable *tfa_run_push_variable(tfa_run *run);
tfa_state_resource *tfa_run_push_state_resource(tfa_run *run);
tfa_lock *tfa_run_push_lock(tfa_run *run);
/* A note with a formatted message (copied). */
int tfa_run_add_note(tfa_run *run, unsigned input, const tfa_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A note about a file that is no input of the run (a skipped directory entry
 * or archive member); `path` and the message are copied. */
int tfa_run_add_path_note(tfa_run *run, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies into the run's arena. */
const char *tfa_run_strndup(tfa_run *run, const char *s, size_t len);
const char *tfa_run_strdup(tfa_run *run, const char *s);
/* A shared copy for strings that repeat across records (types, providers,
 * modes, module paths, actions): one copy per distinct value. */
const char *tfa_run_intern(tfa_run *run, const char *s, size_t len);
void *tfa_run_alloc(tfa_run *run, size_t size);

/* Copy a resource's strings in (interning the repetitive ones). */
int tfa_run_copy_resource(tfa_run *run, tfa_resource *dst, const tfa_resource *src);

#endif
