/*
 * bundle.h - audit bundles: a deterministic tar.gz of the evidence for one
 *verdict, with a manifest that hashes every file (libarchive).
 *
 * A bundle holds files added by name plus manifest.json, written last:
 *     {"format": "tfaudit-bundle/1",
 *      "files": [{"name", "bytes", "sha256"}, ...],   every other entry
 *      ...members the caller adds (ledger chain hashes, inputs)}
 * Determinism: entries are sorted by name, every entry is a regular file
 * with mode 0644, uid/gid 0, no user or group names and the mtime the
 * caller gives (the record's time); the gzip header carries no timestamp.
 * The same content always gives the same bytes, so a bundle's own SHA-256
 * identifies it.
 *
 * Inputs go under inputs/ through tfa_bundle_add_input, which only accepts
 * bytes the caller has already redacted (see redact.h): the one door by
 * which run inputs enter a bundle.
 */
#ifndef TFA_BUNDLE_H
#define TFA_BUNDLE_H

#include <jansson.h>
#include <stdint.h>

#include "pgzip.h"
#include "sign.h"
#include "stream.h"
#include "util/error.h"
#include "util/sha256.h"

#define TFA_BUNDLE_FORMAT   "tfaudit-bundle/1"
#define TFA_BUNDLE_MANIFEST "manifest.json"
#define TFA_BUNDLE_INPUTS   "inputs/"

typedef struct tfa_bundle tfa_bundle;

/* A new, empty bundle whose entries will carry `mtime`. */
int tfa_bundle_new(tfa_bundle **out, int64_t mtime, tfa_error *err);
void tfa_bundle_free(tfa_bundle *bundle);

/* Add a file (the bytes are copied). Names are relative, '/'-separated,
 * without "." or ".." components; TFA_EUSAGE for a bad or duplicate name,
 * or for "manifest.json" itself. */
int tfa_bundle_add(tfa_bundle *bundle, const char *name, const void *data, size_t len,
                   tfa_error *err);

/* Add an input as inputs/NAME. `redacted` must hold no sensitive value:
 * callers pass what a redactor returned, never raw input bytes. */
int tfa_bundle_add_input(tfa_bundle *bundle, const char *name, const void *redacted, size_t len,
                         tfa_error *err);

/* Files added so far (the manifest not counted). */
size_t tfa_bundle_count(const tfa_bundle *bundle);

/* Write the bundle to `path` (atomically: a temporary file renamed into
 * place). `manifest` (an object, may be NULL) supplies the manifest's other
 * members; "format" and "files" are set here. Errors: TFA_EIO, TFA_ENOMEM. */
int tfa_bundle_write(tfa_bundle *bundle, const char *path, const json_t *manifest, tfa_error *err);

/* Where tfa_bundle_write_to sends the archive's bytes: 0, or a status
 * with `err` set (the write stops there). */
typedef int (*tfa_bundle_sink)(void *payload, const void *data, size_t len, tfa_error *err);

/* The same archive as tfa_bundle_write, handed to `sink` as it is made
 * (an upload, say) instead of written to a file. */
int tfa_bundle_write_to(tfa_bundle *bundle, tfa_bundle_sink sink, void *payload,
                        const json_t *manifest, tfa_error *err);

/*
 * A bundle written as its entries come, for inputs too large to hold whole
 * (hundreds of MiB read straight into the archive while it is sent):
 * entries go to `sink` in the order they are given (not sorted: the
 * caller's order, which the caller keeps deterministic), the manifest last.
 * Names follow tfa_bundle_add's rules. The first failure is sticky: every
 * later call returns it, and tfa_bundle_writer_close does not finish the
 * archive, so a sink that holds the bytes until close (an upload) never
 * makes an object of a broken archive.
 */
typedef struct tfa_bundle_writer tfa_bundle_writer;

int tfa_bundle_writer_open(tfa_bundle_writer **out, int64_t mtime, tfa_bundle_sink sink,
                           void *payload, tfa_error *err);
/* The same, its compression recording or following `plan` (see
 * tfa_pgzip_plan): an archive packed twice, the second pass checked. */
int tfa_bundle_writer_open_planned(tfa_bundle_writer **out, int64_t mtime, tfa_bundle_sink sink,
                                   void *payload, tfa_pgzip_plan *plan, tfa_error *err);
/* An input as inputs/NAME, whole (same contract as tfa_bundle_add_input);
 * `sha256` is the caller's digest of those bytes, or NULL to hash them. */
int tfa_bundle_writer_add_input(tfa_bundle_writer *w, const char *name, const void *redacted,
                                size_t len, const unsigned char sha256[TFA_SHA256_BYTES],
                                tfa_error *err);
/* An input as inputs/NAME in pieces: its size first (the tar header comes
 * before the bytes), then exactly that many bytes, then their SHA-256 for
 * the manifest. More or fewer bytes than `size` fail the bundle
 * (TFA_EUSAGE): a short entry would be padded with zeros by tar. */
int tfa_bundle_writer_input_begin(tfa_bundle_writer *w, const char *name, uint64_t size,
                                  tfa_error *err);
int tfa_bundle_writer_input_data(tfa_bundle_writer *w, const void *data, size_t len,
                                 tfa_error *err);
int tfa_bundle_writer_input_end(tfa_bundle_writer *w, const unsigned char sha256[TFA_SHA256_BYTES],
                                tfa_error *err);
/* The manifest (see tfa_bundle_write for `manifest`) and the end of the
 * archive, every byte handed to the sink. */
int tfa_bundle_writer_close(tfa_bundle_writer *w, const json_t *manifest, tfa_error *err);
/* Accepts NULL; an unclosed writer's archive is left unfinished. */
void tfa_bundle_writer_free(tfa_bundle_writer *w);

/* What tfa_bundle_verify found. */
typedef struct tfa_bundle_verification {
    int valid;        /* every hash and the manifest check out */
    size_t files;     /* entries besides the manifest */
    json_t *manifest; /* the parsed manifest (owned; NULL when unreadable) */
    char detail[512]; /* the first problem, one line; empty when valid */
    char *record;     /* record.json's bytes (owned; NULL when absent) */
    size_t record_len;
    char signed_by[TFA_KEY_ID_SIZE]; /* tfa_bundle_check_signature: the trusted key */
} tfa_bundle_verification;

/*
 * Check a bundle: each entry is a regular file listed once in the manifest
 * with its size and SHA-256, nothing listed is missing, and record.json,
 * when the manifest names a ledger record, hashes to that record's hash and
 * states its id and previous hash. Returns 0 when the check ran (see
 * out->valid), TFA_EIO / TFA_EINPUT when the file is not a readable tar.gz,
 * TFA_ELIMIT past the archive limits of limits.h. Release with
 * tfa_bundle_verification_release.
 */
int tfa_bundle_verify(tfa_bundle_verification *out, const char *path, tfa_error *err);
/* The same check of a bundle read from a stream (an S3 object), named by
 * the stream's name in errors. The stream is read to its end (its size and
 * SHA-256 are then the whole bundle's) but not freed. */
int tfa_bundle_verify_stream(tfa_bundle_verification *out, tfa_stream *in, tfa_error *err);
void tfa_bundle_verification_release(tfa_bundle_verification *v);

/* After a valid tfa_bundle_verify: the record's signature (manifest
 * "ledger" key and signature) must verify over record.json with one of
 * `trusted`. Clears v->valid with the reason (unsigned, untrusted key,
 * forged) otherwise. TFA_ENOMEM only. */
int tfa_bundle_check_signature(tfa_bundle_verification *v, const tfa_keyring *trusted);

#endif
