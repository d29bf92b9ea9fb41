/*
 * input.h - loading inputs into a run: the parsers' front door.
 *
 * tfa_run_load reads one input as the user named it: a file, "-" for
 * standard input, a directory (walked in name order, links not followed:
 * dirwalk.h), or an archive (tar, zip or a compressed file, read in memory:
 * archive_load.h). Its kind is detected from content unless forced. Each
 * document read becomes one tfa_input of the run; archive members are named
 * "archive!member/path", directory entries "dir/relative/path".
 *
 * Every member counts: a directory entry or archive member that cannot be
 * identified or read (of no known kind, empty, a link, a device or FIFO, an
 * absolute or ".." name) is an error naming the member, exactly as the same
 * file named directly is. Skipping is opt-in: a member whose name matches a
 * `skip_unknown` glob is skipped instead and listed as a note with its path
 * (tfa_note.path), which reports and ledger records show as skipped inputs.
 * A member that was identified but is malformed is never skipped.
 */
#ifndef TFA_INPUT_H
#define TFA_INPUT_H

#include "run.h"
#include "stream.h"
#include "util/limits.h"

/* Handed one document at a time instead of filling the caller's run (see
 * tfa_load_options.each_document): `doc` is a run holding that document
 * alone (borrowed for the call), or NULL with `failed` saying why it could
 * not be read (named by err->source). Return 0 to go on, or a negative
 * status with `err` set to stop. */
typedef int (*tfa_document_fn)(void *payload, const tfa_run *doc, const tfa_error *failed,
                               tfa_error *err);

typedef struct tfa_load_options {
    tfa_kind kind; /* force this kind (--kind); TFA_KIND_UNKNOWN detects */
    tfa_limits limits;
    /* --skip-unknown: globs (fnmatch, '*' also matches '/') matched against
     * a member's full name and each tail of it that starts a component:
     * "runs/bundle.tar.gz!logs/x.txt", "bundle.tar.gz!logs/x.txt",
     * "logs/x.txt", "x.txt". Borrowed. */
    const char *const *skip_unknown;
    size_t n_skip_unknown;
    /* NULL: every document goes into the run and the first error stops the
     * load. Set: each document, read or not, goes to this callback in its
     * own run and the load goes on (`tfaudit summarize`); errors of a
     * container (a damaged archive, a guard, an unreadable directory) still
     * stop the load of that input. */
    tfa_document_fn each_document;
    void *each_document_payload;
    /* The command shows no plan pin (`tfaudit summarize`): a plan's
     * configuration section is read and checked as JSON but not digested,
     * which was a fifth of reading a large plan, and tfa_plan_pin refuses
     * the run (tfa_plan_info.configuration_unread). */
    int unpinned;
} tfa_load_options;

#define TFA_LOAD_OPTIONS_INIT                                                                      \
    {                                                                                              \
        TFA_KIND_UNKNOWN, TFA_LIMITS_INIT, NULL, 0, NULL, NULL, 0                                  \
    }

/*
 * Read `path` into `run`. Errors (with `err` naming the file or member and
 * position): TFA_ENOTFOUND, TFA_EIO, TFA_EINPUT (malformed, empty, of no
 * known kind, a member that cannot be read, a damaged archive),
 * TFA_ENODOC (a directory or archive holding no input at all),
 * TFA_EVERSION, TFA_ELIMIT (opts->limits, e.g. archive guards),
 * TFA_ENOMEM. After an error the run must be freed, not used: it may hold
 * part of the failed input.
 */
int tfa_run_load(tfa_run *run, const char *path, const tfa_load_options *opts, tfa_error *err);

/* Read an already open stream (stdin, HTTP bodies): a document or an
 * archive, named by the stream's name. The stream is not freed; it is read
 * to its end unless it is an archive (whose reader stops at its end
 * marker). */
int tfa_run_load_stream(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err);

/* The same for a stream that is a member of a directory or archive read
 * elsewhere (the nightly audit's archive workspaces): refused or skipped by
 * the member rules above. */
int tfa_run_load_member(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err);

/* A member the caller found unreadable before reading it (`why`: "symbolic
 * link", "unsafe member name ..."): skipped with a note when opts->skip_unknown
 * matches `name`, else TFA_EINPUT naming it. */
int tfa_run_refuse_member(tfa_run *run, const char *name, const char *why,
                          const tfa_load_options *opts, tfa_error *err);

/* The first opts->skip_unknown glob that matches member `name`; NULL if none. */
const char *tfa_load_skip_glob(const tfa_load_options *opts, const char *name);

#endif
