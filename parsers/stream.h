/*
 * stream.h - an input's bytes: read once, hashed as they pass, decoded to UTF-8.
 *
 * Every reader (plan, logs, state, archives) pulls bytes from a tfa_stream.
 * The stream
 *  - counts and SHA-256-hashes the raw bytes as they are read, so an input's
 *    size and digest cost no second pass;
 *  - decodes what Windows shells write when output is redirected: a UTF-8
 *    byte order mark is dropped, UTF-16 LE/BE with a BOM is transcoded to
 *    UTF-8 on the fly, so readers only ever see UTF-8;
 *  - lets detection peek at the first TFA_LIMIT_DETECT_BYTES without
 *    consuming them, in raw form (archive magic) or decoded (JSON or text).
 *
 * Sources are files, stdin ("-"), memory, or any read callback (archive
 * members, HTTP bodies). A stream is read by one thread at a time.
 */
#ifndef TFA_STREAM_H
#define TFA_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/sha256.h"

typedef struct tfa_stream tfa_stream;

typedef enum tfa_encoding {
    TFA_ENC_UTF8 = 0,
    TFA_ENC_UTF8_BOM,
    TFA_ENC_UTF16LE,
    TFA_ENC_UTF16BE
} tfa_encoding;

/* Name of an encoding: "utf-8", "utf-8-bom", "utf-16le", "utf-16be". */
const char *tfa_encoding_name(tfa_encoding enc);

/*
 * A raw byte provider. `read` returns the number of bytes stored (> 0), 0 at
 * the end, or a negative tfa_status after recording the problem in `err`.
 * `close` (may be NULL) releases `ctx`; it is called by tfa_stream_free.
 */
typedef struct tfa_stream_source {
    long long (*read)(void *ctx, void *buf, size_t len, tfa_error *err);
    void (*close)(void *ctx);
    void *ctx;
} tfa_stream_source;

/* Stream over a source; takes ownership of `src->ctx` (closed by _free, also
 * when this call fails). `name` is copied and used in every error message. */
int tfa_stream_new(tfa_stream **out, const char *name, const tfa_stream_source *src,
                   tfa_error *err);
/* For a stream derived from another input's stream (a filter over it, which
 * hashes the input itself): its bytes are not hashed, and its digest is not
 * an input's and must not be recorded. Call before the first read. */
void tfa_stream_unhashed(tfa_stream *s);
/* A file, or standard input for "-". Errors: TFA_ENOTFOUND, TFA_EIO. */
int tfa_stream_open_path(tfa_stream **out, const char *path, tfa_error *err);
/* Borrowed memory that must outlive the stream. */
int tfa_stream_open_memory(tfa_stream **out, const char *name, const void *data, size_t len,
                           tfa_error *err);
void tfa_stream_free(tfa_stream *s);

const char *tfa_stream_name(const tfa_stream *s);

/* Up to TFA_LIMIT_DETECT_BYTES raw bytes from the start, not consumed. Only
 * valid before the first read. */
int tfa_stream_peek_raw(tfa_stream *s, const unsigned char **head, size_t *len, tfa_error *err);
/* The same head decoded to UTF-8 (BOM removed), not consumed. */
int tfa_stream_peek(tfa_stream *s, const char **head, size_t *len, tfa_error *err);
/* True when the peeked head is the whole input. */
int tfa_stream_head_is_all(const tfa_stream *s);

/* Decoded UTF-8 bytes: > 0 stored, 0 at the end, < 0 a tfa_status. */
long long tfa_stream_read(tfa_stream *s, char *buf, size_t len, tfa_error *err);
/* Raw bytes (for archive readers), starting at byte 0; do not mix with
 * tfa_stream_read on the same stream. */
long long tfa_stream_read_raw(tfa_stream *s, void *buf, size_t len, tfa_error *err);
/*
 * Opt in to background hashing: bytes tfa_stream_read stores into the
 * caller's buffer may be hashed on another thread after the call returns.
 * The caller then must call tfa_stream_sync before changing or reusing those
 * bytes (the next tfa_stream_read syncs by itself). Only large inputs start a
 * thread; the digest is the same either way.
 */
void tfa_stream_async_hash(tfa_stream *s);
/*
 * The same for a caller that reads into two buffers in turn: a read does
 * not wait for the hashing of what the previous read stored, so the other
 * core hashes one buffer while this one reads and tests the next. The
 * caller must call tfa_stream_sync_but_last before changing or reusing the
 * bytes of the read before last, and tfa_stream_sync before changing those
 * of the last read.
 */
void tfa_stream_async_hash_ahead(tfa_stream *s);
/*
 * Background hashing for a reader that writes into what it reads (lines.h):
 * the stream hashes a copy of what each read returns, on another thread,
 * so the caller may change its bytes at once and need not sync. Costs a
 * memcpy per read; large inputs only, as above. tfa_stream_async_hash_stop
 * ends it too.
 */
void tfa_stream_async_hash_copy(tfa_stream *s);
/* Back to hashing inside each read (after a sync): for a caller that opted
 * in and hands the stream on to a reader that writes into what it reads. */
void tfa_stream_async_hash_stop(tfa_stream *s);
void tfa_stream_sync(tfa_stream *s);
/* Wait for the hashing of every read's bytes but the last read's. */
void tfa_stream_sync_but_last(tfa_stream *s);

/*
 * Read-ahead, for a reader with two windows in turn that opted in with
 * tfa_stream_async_hash_ahead (scan.c): tfa_stream_ahead posts a read of
 * the next bytes into buf[0..len), which the stream's thread reads and then
 * hashes while the reader parses its other window, so the reader's thread
 * neither copies them from the kernel nor hashes them. Returns 1 when
 * posted, 0 when this input does not allow it (the reader then reads with
 * tfa_stream_read): only raw UTF-8 from a file or memory, with nothing
 * peeked or given back still to serve, once the background hashing runs.
 * tfa_stream_ahead_take waits for the posted read and returns what
 * tfa_stream_read would have: > 0 bytes stored in its buf, 0 at the end,
 * < 0 a status with the same error. The reader must not change those bytes
 * before tfa_stream_sync_but_last / tfa_stream_sync allow, as for a read.
 * tfa_stream_ahead_cancel gives a posted read up: what it stored (copied)
 * or its error is what the next read returns; every other read and
 * tfa_stream_free give it up too. The reader still syncs before it frees
 * or changes buf.
 */
int tfa_stream_ahead(tfa_stream *s, char *buf, size_t len);
long long tfa_stream_ahead_take(tfa_stream *s, tfa_error *err);
void tfa_stream_ahead_cancel(tfa_stream *s);
/* For tests, before the first read: background hashing and read-ahead
 * from the first byte after a detection head of `head` bytes (at least 4),
 * so that small inputs take the paths large ones take. */
void tfa_stream_test_early(tfa_stream *s, size_t head);
/* For a source whose read may run on another thread, one call at a time
 * (files and memory are): allows tfa_stream_ahead. */
void tfa_stream_any_thread(tfa_stream *s);

/*
 * Give decoded bytes back: the next reads return data[0..len) (copied)
 * before anything not yet read. Detection uses it to hand a reader the part
 * of a long input where Terraform's output starts, after reading through a
 * prelude it dropped; `lines_before` / `bytes_before` say how many decoded
 * lines and bytes that prelude held, so readers still report true
 * positions (tfa_stream_skipped). Replaces earlier given-back bytes.
 * TFA_ENOMEM.
 */
int tfa_stream_unread(tfa_stream *s, const char *data, size_t len, unsigned long lines_before,
                      uint64_t bytes_before, tfa_error *err);
/* What the dropped prelude held (0, 0 when nothing was dropped). */
void tfa_stream_skipped(const tfa_stream *s, unsigned long *lines, uint64_t *bytes);

/* Read (and hash) whatever is left, so size and digest cover the whole input. */
int tfa_stream_drain(tfa_stream *s, tfa_error *err);

tfa_encoding tfa_stream_encoding(const tfa_stream *s);
/* Raw bytes read so far; the input's size once the stream is drained. */
uint64_t tfa_stream_bytes(const tfa_stream *s);
/* SHA-256 of the raw bytes; call once, after the end was reached. */
void tfa_stream_digest(tfa_stream *s, unsigned char out[TFA_SHA256_BYTES]);

#endif
