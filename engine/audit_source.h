/*
 * audit_source.h - where the nightly audit's workspaces come from, without
 * a manifest: an argument whose top-level folders are workspaces.
 *
 *   runs/                      nightly-2026-11-27.tar.gz
 *     prod-api/plan.json         prod-api/plan.json
 *     prod-api/apply.json        prod-api/apply.json
 *     staging/plan.json          staging/plan.json
 *
 * A directory's subdirectories are workspaces, read by path (so each is
 * walked by the gate's own loader, on the audit's threads). An archive is
 * read once, in order, with tfa_archive_each (members.h): each member's
 * first path component names its workspace, and a workspace is handed to
 * the audit, its members' bytes in memory, as soon as the archive moves on
 * to the next one, so evaluation overlaps decompression. Members of one
 * workspace must therefore be together in the archive (as `tar` and `zip`
 * write a directory tree); a workspace that shows up again later is an
 * error naming the member. Files at the top level belong to no workspace
 * and are noted as skipped.
 *
 * A new kind of source (an object store prefix, s3://bucket/nightly/) plugs
 * in as one more function of this shape: list the objects under the prefix,
 * group them by the first path component after it, and call tfa_audit_add_take
 * once per workspace with its inputs (paths for the gate's remote loader,
 * or bytes already fetched) - see tfa_audit_source_add, which dispatches on
 * the argument's form.
 */
#ifndef TFA_AUDIT_SOURCE_H
#define TFA_AUDIT_SOURCE_H

#include "audit.h"
#include "input.h"
#include "net/load.h"
#include "net/s3.h"
#include "run.h"

/* Add the workspaces `arg` holds to `audit`: a directory, an archive, or an
 * s3://BUCKET/PREFIX/ (its objects grouped by the first key component below
 * the prefix, each workspace's objects read by the worker that gates it,
 * tfa_audit_fetch_inputs below; `remote` is required for it). Skipped files are noted in `notes` (a
 * run used only for its notes). Errors: TFA_ENOTFOUND, TFA_EIO, TFA_EINPUT (neither a directory nor
 * an archive, no workspace folder, a workspace split in the archive), TFA_ELIMIT, TFA_EUSAGE (a
 * folder name that is no valid workspace name, an s3:// source that is not a prefix), TFA_ENOMEM,
 * and the S3 client's. */
int tfa_audit_source_add(tfa_audit *audit, const char *arg, const tfa_load_options *lo,
                         const tfa_remote_options *remote, tfa_run *notes, tfa_error *err);

/* ---- s3:// objects, read by the audit's workers ----------------------------------- */

/*
 * What one worker keeps from workspace to workspace: its S3 client, made on
 * first use with the options the gate's remote loader would use, so the
 * objects it reads share one kept-alive connection (and one credential
 * lookup) instead of a client and a connection each. Zero it to start;
 * tfa_audit_fetch_release at the end.
 */
typedef struct tfa_audit_fetch {
    tfa_s3 *s3;
    int failed; /* the client could not be made: err says why */
    tfa_error err;
} tfa_audit_fetch;

/* S3 objects a worker holds in memory for one workspace; past this the
 * workspace's other objects are left to the gate's loader, which streams
 * them. */
#define TFA_AUDIT_FETCH_BYTES (2u * TFA_S3_CHUNK_BYTES)

/*
 * Read the s3://BUCKET/KEY inputs among `in` whole into memory, in order,
 * turning each into the in-memory member the gate reads exactly as it
 * would the object's stream (same name, same loader). Inputs that are no
 * single object, larger than one answer or past TFA_AUDIT_FETCH_BYTES stay
 * as they are. Returns the number of inputs before the first whose fetch
 * failed, with its error in `err` (the object named as a stream of it
 * would name it); n_in when none failed.
 */
size_t tfa_audit_fetch_inputs(tfa_audit_fetch *f, const tfa_remote_options *remote,
                              tfa_audit_input *in, size_t n_in, tfa_error *err);
void tfa_audit_fetch_release(tfa_audit_fetch *f);

#endif
