/*
 * input.h - loading inputs into a run: the parsers' front door.
 *
 * tfa_run_load reads one input as the user named it: a file, "-" for
 * standard input, a directory (walked in name order, links not followed:
 * dirwalk.h), or an archive (tar, zip or a compressed file, read in memory:
 * archive_load.h). Its kind is detected from content unless forced. Each
 * document read becomes one tfa_input of the run; archive members are named
 * "archive!member/path", directory entries "dir/relative/path". Files of no
 * known kind inside a directory or archive are skipped with a note
 * (tfa_note.path); named directly, they are an error.
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
 * Read `path` into `run`. Errors (with `err` naming the file or member and
 * position): TFA_ENOTFOUND, TFA_EIO, TFA_EINPUT (malformed, empty, of no
 * known kind, a damaged archive, or a directory or archive holding no
 * input), TFA_EVERSION, TFA_ELIMIT (opts->limits, e.g. archive guards),
 * TFA_ENOMEM. After an error the run must be freed, not used: it may hold
 * part of the failed input.
 */
int tfa_run_load(tfa_run *run, const char *path, const tfa_load_options *opts, tfa_error *err);

/* Read an already open stream (stdin, HTTP bodies): a document or an
 * archive, named by the stream's name. The stream is not freed; it is read
 * to its end unless it is an archive (whose reader stops at its end
 * marker). */
int tfa_run_load_stream(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err);

#endif
