/*
 * load.h - one tfa_run_load call in progress (internal to parsers/).
 *
 * An input argument can be a file, a directory or an archive, and an archive
 * can hold archives. input.c, dirwalk.c and archive.c pass this context down
 * the tree so that the archive guards (limits.h) count across everything one
 * argument expands to, and so that members know they are members: a member
 * that cannot be identified or read is an error naming it, like the same
 * file named on the command line, unless --skip-unknown matches it.
 */
#ifndef TFA_LOAD_H
#define TFA_LOAD_H

#include "input.h"
#include "members.h"

typedef struct tfa_load {
    tfa_run *run;
    const tfa_load_options *opts;
    unsigned depth;         /* archives around the stream being read (0: none) */
    int member;             /* reading a directory entry or archive member */
    uint64_t archive_bytes; /* bytes decompressed so far, all archives */
    size_t archive_entries; /* archive members seen so far, all archives */
    size_t inputs_at_start; /* inputs the run held before this load */
    size_t documents;       /* documents read or reported (opts->each_document) */
    /* tfa_archive_each: members of the outermost archive go here instead of
     * being read (NULL for a normal load) */
    tfa_member_fn each;
    void *each_payload;
} tfa_load;

/* Detect `in` and read it: archives go to archive.c, documents to their
 * reader. A member of no known kind (or empty) is refused (tfa_load_refuse). */
int tfa_load_stream(tfa_load *ld, tfa_stream *in, tfa_error *err);

/* Member `path` cannot be read (`why`): skip it with a note ("skipped
 * (--skip-unknown 'GLOB'): WHY") when a skip glob matches, else TFA_EINPUT
 * naming it (handed to opts->each_document when set, and the load goes on). */
int tfa_load_refuse(tfa_load *ld, const char *path, const char *why, tfa_error *err);

/* A directory or archive named on the command line (not a member) that
 * yielded no input is an error: an audit of an empty bundle must not pass for
 * an audit of its contents. */
int tfa_load_require_input(tfa_load *ld, const char *path, const char *what, tfa_error *err);

#endif
