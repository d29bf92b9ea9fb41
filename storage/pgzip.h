/*
 * pgzip.h - gzip on several cores: a byte stream cut into fixed blocks,
 * each compressed on a small worker pool (libdeflate) as an independent
 * gzip member, the members handed to a sink in order.
 *
 * Why members: RFC 1952 (2.2) defines a gzip file as a series of members,
 * and gzip, zcat, tar -z, libarchive, Python's gzip and zlib's gzread all
 * read the concatenation as one stream. So the output stays an ordinary
 * .tar.gz that every standard tool opens, while compression spreads over
 * the cores (pigz does the same, with one stream instead of members). zstd
 * would be faster still but is not what `tar -tzf`, the AWS console's
 * preview or an auditor's laptop open without asking.
 *
 * Blocks that do not compress (already compressed or encrypted inputs,
 * found by deflating four small slices of the block) are stored as they
 * are (deflate's stored blocks, still gzip members), at memcpy speed
 * instead of deflate's ~60 MB/s a core spent on finding nothing to save.
 *
 * Determinism: the output depends only on the input, the block size and
 * the level (never on the number of threads or their timing), so the same
 * bytes always give the same archive and its SHA-256 identifies it. Each
 * gzip header carries no name and a zero time.
 *
 * A stored block is framed here (deflate's stored blocks, as libdeflate
 * frames them: the same bytes) and handed to the sink from the block's own
 * input, pieces of at most 64 KiB, never copied into an output buffer.
 *
 * A plan (tfa_pgzip_plan) records what was chosen for each block (stored
 * or compressed, and a stored block's CRC-32), so that compressing the
 * same bytes again skips the probes and, for stored blocks, the CRC: the
 * second pass of an archive measured before it is sent (s3_archive.c),
 * whose bytes are checked against the first's as they go. Bytes that
 * differ from the recorded ones make a different stream (a stored block's
 * recorded CRC no longer matches its bytes), which is why a plan is only
 * for a caller that checks the result.
 *
 * Memory: (2 x threads) blocks in flight, each with its input and its
 * compressed bound: about 4 x threads x block size.
 */
#ifndef TFA_PGZIP_H
#define TFA_PGZIP_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Defaults: 1 MiB blocks (a member costs ~20 bytes and a dictionary reset,
 * under 0.1% on typical plans and logs), level 6 (gzip's), and as many
 * threads as cores up to TFA_PGZIP_MAX_THREADS. */
#define TFA_PGZIP_BLOCK_BYTES (1u << 20)
#define TFA_PGZIP_LEVEL       6
#define TFA_PGZIP_MAX_THREADS 4

/* One block's choice (see tfa_pgzip_plan). */
typedef struct tfa_pgzip_choice {
    uint32_t len; /* the block's input bytes */
    uint32_t crc; /* a stored block's CRC-32 */
    int stored;
} tfa_pgzip_choice;

/* Each block's choice, in order: recorded by one compression (`replay` 0),
 * followed by the next (`replay` 1; a block past the recorded ones, or of
 * another length, is chosen as usual). Zero-initialized is empty. The
 * caller owns it; a compression that records appends to it from the
 * writer's thread, one that replays only reads it. */
typedef struct tfa_pgzip_plan {
    tfa_pgzip_choice *blocks;
    size_t n, cap;
    int replay;
} tfa_pgzip_plan;

void tfa_pgzip_plan_release(tfa_pgzip_plan *plan);

typedef struct tfa_pgzip_options {
    size_t block_bytes;   /* 0: TFA_PGZIP_BLOCK_BYTES */
    int level;            /* 0: TFA_PGZIP_LEVEL; 1..12 (libdeflate's levels) */
    unsigned threads;     /* 0: online cores, capped at TFA_PGZIP_MAX_THREADS */
    tfa_pgzip_plan *plan; /* NULL: none (see tfa_pgzip_plan) */
} tfa_pgzip_options;

/* Where compressed bytes go, in order: 0, or a status with `err` set. The
 * sink is called on the writer's thread only. */
typedef int (*tfa_pgzip_sink)(void *payload, const void *data, size_t len, tfa_error *err);

typedef struct tfa_pgzip tfa_pgzip;

/* A compressor writing to `sink`. `opts` may be NULL. TFA_ENOMEM, or
 * TFA_EIO when no worker thread can start. */
int tfa_pgzip_new(tfa_pgzip **out, tfa_pgzip_sink sink, void *payload,
                  const tfa_pgzip_options *opts, tfa_error *err);

/* Take `len` bytes. Once the sink (or a compressor) failed, every call
 * returns that failure's status again. */
int tfa_pgzip_write(tfa_pgzip *z, const void *data, size_t len, tfa_error *err);

/* Compress what is left and hand every member to the sink. No input at all
 * still makes one (empty) member: a valid gzip file. */
int tfa_pgzip_finish(tfa_pgzip *z, tfa_error *err);

/* Stop the workers and release everything (accepts NULL). */
void tfa_pgzip_free(tfa_pgzip *z);

#endif
