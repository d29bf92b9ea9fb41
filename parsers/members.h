/*
 * members.h - an archive's members one by one, unread, for callers that
 * split one bundle into several runs (the nightly audit reads
 * "nightly.tar.gz!<workspace>/..." into one run per workspace).
 *
 * The members pass through the same reader as tfa_run_load's (archive.c):
 * the same formats, names ("outer!member/path") and guards (tfa_limits:
 * total and member size, member count, compression ratio), counted over the
 * whole archive. Members of the outermost archive are handed to the callback
 * as streams of raw bytes instead of being read; what the callback leaves
 * unread is drained, so the guards see every byte. A member the archive
 * reader refuses (a link, a special file, an absolute or ".." name) is
 * handed over too, without a stream and with the reason, so the caller can
 * fail the workspace it belongs to (tfa_run_refuse_member applies
 * --skip-unknown). Nested archives are the callback's business (it can load
 * the member with tfa_run_load_member).
 */
#ifndef TFA_MEMBERS_H
#define TFA_MEMBERS_H

#include "run.h"
#include "stream.h"
#include "util/error.h"

struct tfa_load_options;

/* `name` is the full name ("nightly.tar.gz!ws/plan.json"), `path` the
 * member's path inside the archive ("ws/plan.json"); both are borrowed for
 * the call. Read `s` with tfa_stream_read_raw; when the member is refused,
 * `s` is NULL and `refused` says why (else `refused` is NULL). Return 0 or a
 * negative status with `err` set. */
typedef int (*tfa_member_fn)(void *payload, const char *name, const char *path, tfa_stream *s,
                             const char *refused, tfa_error *err);

/* Hand every regular member of the archive at `path` to `fn`, in archive
 * order. Errors: TFA_ENOTFOUND, TFA_EIO, TFA_EINPUT (not an archive, or a
 * damaged one), TFA_ELIMIT, TFA_ENOMEM, or what `fn` returns. */
int tfa_archive_each(const char *path, const struct tfa_load_options *opts, tfa_run *notes,
                     tfa_member_fn fn, void *payload, tfa_error *err);

#endif
