/*
 * s3_walk.h - the objects an s3:// input names, one (name, stream) pair at a
 * time, as a directory walk hands out files.
 *
 *  - s3://BUCKET/KEY: that one object;
 *  - s3://BUCKET/PREFIX/ (a trailing slash) or s3://BUCKET: every object
 *    under the prefix (ListObjectsV2), in key order (bytewise, so the same
 *    listing always comes in the same order), skipping folder markers
 *    (keys ending in '/'). Each is named s3://BUCKET/KEY; tfa_s3_walk_rel
 *    gives the key below the prefix, whose first component a nightly audit
 *    takes as the workspace, exactly as for a local directory.
 * Streams are opened one at a time, when handed out (s3.h's ranged reads):
 * nothing is written to disk and memory stays at one chunk per stream.
 */
#ifndef TFA_S3_WALK_H
#define TFA_S3_WALK_H

#include "net/s3.h"

typedef struct tfa_s3_walk tfa_s3_walk;

/* Errors: tfa_s3_url_parse's and tfa_s3_list's. The client must outlive
 * the walk. */
int tfa_s3_walk_open(tfa_s3_walk **out, tfa_s3 *s3, const char *url, tfa_error *err);
/* The number of objects the walk will hand out. */
size_t tfa_s3_walk_count(const tfa_s3_walk *w);
/*
 * The next object: 1 with *name (valid until the next call) and *stream
 * (the caller's to free), 0 when there is none left, or a status.
 */
int tfa_s3_walk_next(tfa_s3_walk *w, const char **name, tfa_stream **stream, tfa_error *err);
/* The current object's key below the prefix ("" for a single object). */
const char *tfa_s3_walk_rel(const tfa_s3_walk *w);
void tfa_s3_walk_free(tfa_s3_walk *w);

/*
 * One object whole in memory, for a reader that holds an object at a time
 * (the nightly audit's workers, each with its own client and connection):
 * the request tfa_s3_open starts with, so its errors (named `name` where
 * tfa_s3_open names them) are the ones a stream of it would give. 0 with
 * *data (the caller's, tfa_free) and *len; 1, nothing kept, when the
 * object is empty or larger than `max` (at most TFA_S3_CHUNK_BYTES: one
 * answer) - read it as a stream then; or a status.
 */
int tfa_s3_get_small(void **data, size_t *len, tfa_s3 *s3, const char *bucket, const char *key,
                     const char *name, size_t max, tfa_error *err);

#endif
