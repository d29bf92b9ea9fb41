/*
 * input.h - loading inputs into a run: the parsers' front door.
 *
 * tfa_run_load reads one input as the user named it: a file, "-" for
 * standard input, a directory (walked), or an archive (read in memory).
 * Its kind is detected from content unless forced. Each document read
 * becomes one tfa_input of the run.
 */
#ifndef TFA_INPUT_H
#define TFA_INPUT_H

#include "run.h"
#include "stream.h"
#include "util/limits.h"

typedef struct tfa_load_options {
    tfa_kind kind; /* force this kind (--kind); TFA_KIND_UNKNOWN detects */
    tfa_limits limits;
} tfa_load_options;

#define TFA_LOAD_OPTIONS_INIT                                                                      \
    {                                                                                              \
        TFA_KIND_UNKNOWN, TFA_LIMITS_INIT                                                          \
    }

/*
 * Read `path` into `run`. Errors (with `err` naming the file and position):
 * TFA_ENOTFOUND, TFA_EIO, TFA_EINPUT (malformed, empty, or of no known kind),
 * TFA_EVERSION, TFA_ELIMIT, TFA_ENOMEM. After an error the run must be
 * freed, not used: it may hold part of the failed input.
 */
int tfa_run_load(tfa_run *run, const char *path, const tfa_load_options *opts, tfa_error *err);

/* Read an already open stream (HTTP bodies, archive members); `name` is the
 * stream's name. The stream is read to its end but not freed. */
int tfa_run_load_stream(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err);

#endif
